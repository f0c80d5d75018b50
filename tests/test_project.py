"""Project-wide rules: a light model layer, lint-clean code, our package name unshadowed."""

from __future__ import annotations

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
