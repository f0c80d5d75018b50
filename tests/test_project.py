"""Project-wide rules: a light model layer, lint-clean code, our package name unshadowed."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: the model layer: every module of the package outside its two view/panel packages
VIEW_PACKAGES = ("explorers", "exercises")
MODEL = sorted(
    "widgets"
    + "".join(
        f".{part}" for part in path.relative_to(ROOT / "widgets").with_suffix("").parts
    ).replace(".__init__", "")
    for path in (ROOT / "widgets").rglob("*.py")
    if path.relative_to(ROOT / "widgets").parts[0] not in VIEW_PACKAGES
)


@pytest.mark.parametrize("module", MODEL)
def test_model_layer_is_pure_numpy(module):
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing {module} pulled in {out.stdout.strip()}"


def test_lazy_explorer_registry():
    import widgets
    from widgets.explorers import EXPLORERS

    assert widgets.EXPLORERS is EXPLORERS
    for cls in EXPLORERS:
        assert getattr(widgets, cls.__name__) is cls


def test_ruff_clean():
    ruff = Path(sys.executable).with_name("ruff")
    out = subprocess.run(
        [str(ruff), "check", "--no-cache", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_ipywidgets_imported_as_widgets():
    hits = []
    for path in ROOT.rglob("*"):
        if (
            ".venv" in path.parts
            or not path.is_file()
            or path.suffix not in {".py", ".ipynb", ".md"}
        ):
            continue
        text = path.read_text(errors="ignore")
        needle = "import ipywidgets as " + "widgets"
        if needle in text or "from ipywidgets import " + "widgets" in text:
            hits.append(str(path.relative_to(ROOT)))
    assert not hits, f"write `import ipywidgets as ipw`: {hits}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Run every test", 1)[1]
    command = section.split("```bash", 1)[1].split("```", 1)[0].strip()
    ci = (ROOT / ".ci" / "run").read_text()
    assert command in ci.splitlines(), "the CI script must run the README's test command verbatim"


def _imported(path: Path) -> set[str]:
    """The absolute names of the modules a file of the package imports (relative imports
    resolved), each with the names it takes from them (``widgets.explorers.landscape``)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            if node.module:  # "from . import _controls" names the base module alone
                names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_no_exercise_imports_an_explorer_and_no_explorer_imports_another():
    explorers = {
        f"widgets.explorers.{p.stem}"
        for p in (ROOT / "widgets" / "explorers").glob("*.py")
        if not p.stem.startswith("_") and p.stem != "style"
    }
    bad = []
    for path in sorted((ROOT / "widgets" / "exercises").glob("*.py")):
        hits = {
            n
            for n in _imported(path)
            if n == "widgets.explorers" or n.startswith("widgets.explorers.")
        }
        bad += [f"{path.name} imports {n}" for n in sorted(hits)]
    for path in sorted((ROOT / "widgets" / "explorers").glob("*.py")):
        me = f"widgets.explorers.{path.stem}"
        if me not in explorers:
            continue
        hits = {n for n in _imported(path) if n in explorers - {me}}
        hits |= {n for n in _imported(path) if n == "widgets.explorers"}
        bad += [f"explorers/{path.name} imports {n}" for n in sorted(hits)]
    assert not bad, "move what they share to widgets/models/: " + "; ".join(bad)


def test_the_import_rule_sees_relative_and_lazy_imports(tmp_path):
    # the test above must catch the forms it forbids, including an import inside a function
    fake = ROOT / "widgets" / "exercises" / "lesson99_probe.py"
    assert not fake.exists()
    fake.write_text(
        "from ..explorers.batch_size import x\n"
        "def f():\n    from widgets.explorers import landscape\n"
    )
    try:
        names = _imported(fake)
    finally:
        fake.unlink()
    assert {"widgets.explorers.batch_size", "widgets.explorers.landscape"} <= names


def test_no_module_of_the_explorer_layer_exceeds_400_lines():
    """Explorers are declarations over shared base modules; none of those grows past 400 lines
    (split it by what it does: _png, _canvas, _figure; _sliders, _controls; _entry, _spec)."""
    folder = ROOT / "widgets" / "explorers"
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert len(sizes) >= 20
    assert {name: n for name, n in sizes.items() if n > 400} == {}
