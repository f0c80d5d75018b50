"""One source per lesson: lessons/ and solutions/ are generated from source/ and must be current."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbgrader.preprocessors import CheckCellMetadata, ClearSolutions

from tools import build_course as build

GENERATED = build.generated()
LABEL = re.compile(r"""^check\(\s*["'](ex_\d\d_\d+)["']""", re.M)


def rel(path) -> str:
    return str(path.relative_to(build.ROOT))


def test_every_lesson_has_a_source():
    lessons = {p.name for p in build.LESSONS.glob("0[1-9]_*.ipynb")}
    solutions = {p.name for p in build.SOLUTIONS.glob("0[1-9]_*.ipynb")}
    ours = {p.name for p in build.sources()}
    assert ours, "no source notebooks in source/"
    assert lessons == ours, f"lessons without a source: {sorted(lessons - ours)}"
    assert solutions == ours, f"solutions without a source: {sorted(solutions - ours)}"


@pytest.mark.parametrize("path", sorted(GENERATED), ids=rel)
def test_generated_file_is_current(path):
    wanted = GENERATED[path]()
    wanted = wanted if isinstance(wanted, bytes) else wanted.encode()
    assert path.exists(), f"{rel(path)} is missing: run `{build.COMMAND}`"
    assert path.read_bytes() == wanted, (
        f"{rel(path)} differs from what source/ generates: edit source/, not the generated file, "
        f"then run `{build.COMMAND}`"
    )


@pytest.mark.parametrize("src", build.sources(), ids=lambda p: p.stem)
def test_every_exercise_is_an_nbgrader_solution_cell(src):
    nb = nbformat.read(src, as_version=4)
    found = []
    for cell in nb.cells:
        labels = LABEL.findall(cell.source) if cell.cell_type == "code" else []
        meta = cell.metadata.get("nbgrader", {})
        if labels:
            (label,) = labels
            found.append(label)
            assert meta.get("solution") and meta.get("grade_id") == label, (
                f"{src.name}: the cell checking {label} must be an nbgrader solution cell with "
                f"grade_id {label!r}"
            )
            assert len(build.solution_regions(cell.source)) == 1, f"{label}: one solution region"
        elif meta.get("solution") and cell.cell_type == "code":
            pytest.fail(f"{src.name}: solution code cell without a check: {cell.source[:60]!r}")
    assert len(found) >= 5, f"{src.name}: {found}"


@pytest.mark.parametrize("src", build.sources(), ids=lambda p: p.stem)
def test_stock_nbgrader_takes_the_source_as_it_is(src):
    """nbgrader's own preprocessors, unconfigured, accept the source and remove every solution."""
    nb = nbformat.read(src, as_version=4)
    solutions = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    resources: dict = {}
    for step in (CheckCellMetadata, ClearSolutions):
        nb, resources = step().preprocess(nb, resources)
    text = "\n".join(c.source for c in nb.cells)
    assert build.BEGIN not in text and build.END not in text
    first_stub_line = ClearSolutions().code_stub["python"].split("\n")[0]
    assert text.count(first_stub_line) == sum(1 for s in solutions if build.BEGIN in s)


def toy_notebook() -> nbformat.NotebookNode:
    def grader(grade_id: str, points: int | None = None) -> dict:
        meta = {
            "grade": points is not None,
            "grade_id": grade_id,
            "locked": False,
            "schema_version": 3,
            "solution": True,
            "task": False,
        }
        return meta if points is None else meta | {"points": points}

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Exercise", id="text"),
        nbformat.v4.new_code_cell(
            "def f(x):\n"
            "    ### BEGIN SOLUTION\n"
            "    # stub: raise NotImplementedError\n"
            "    return 2 * x\n"
            "    ### END SOLUTION\n"
            "\n"
            'check("ex_99_1", f)',
            id="code",
            metadata={"tags": ["hide-in-voila"], "nbgrader": grader("ex_99_1")},
        ),
        nbformat.v4.new_markdown_cell(
            "Because $f$ doubles.", id="why", metadata={"nbgrader": grader("ex_99_1_why", 1)}
        ),
    ]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="old output")]
    nb.cells[1].execution_count = 3
    return nb


def test_lesson_build_puts_the_stub_and_drops_the_reasoning():
    lesson = build.run(toy_notebook(), build.LESSON_STEPS)
    assert [c.id for c in lesson.cells] == ["text", "code"]
    code = lesson.cells[1]
    assert code.source == 'def f(x):\n    raise NotImplementedError\n\ncheck("ex_99_1", f)'
    assert code.metadata == {"tags": ["hide-in-voila"]}
    assert code.outputs == [] and code.execution_count is None


def test_solution_build_keeps_the_solution_and_asserts_the_check():
    solution = build.run(toy_notebook(), build.SOLUTION_STEPS)
    assert [c.id for c in solution.cells] == ["text", "code", "why"]
    assert solution.cells[1].source == 'def f(x):\n    return 2 * x\n\nassert check("ex_99_1", f)'
    assert solution.cells[2].source == "Because $f$ doubles."
    assert all("nbgrader" not in c.metadata for c in solution.cells)


def test_a_region_without_a_stub_is_refused():
    nb = toy_notebook()
    nb.cells[1].source = nb.cells[1].source.replace("    # stub: raise NotImplementedError\n", "")
    with pytest.raises(ValueError, match="stub"):
        build.run(nb, build.LESSON_STEPS)


def test_a_region_outside_a_solution_cell_is_refused():
    nb = toy_notebook()
    del nb.cells[1].metadata["nbgrader"]
    with pytest.raises(ValueError, match="not marked as a solution"):
        build.run(nb, build.SOLUTION_STEPS)


def test_check_mode_names_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "lessons" / "01_x.ipynb"
    monkeypatch.setattr(build, "generated", lambda: {stale: lambda: "new\n"})
    monkeypatch.setattr(build, "ROOT", tmp_path)
    assert build.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "stale: lessons/01_x.ipynb" in out and build.COMMAND in out
    assert build.main([]) == 0 and stale.read_text() == "new\n"
    assert build.main(["--check"]) == 0


@pytest.mark.parametrize("src", build.sources(), ids=lambda p: p.stem)
def test_every_exercise_has_a_worked_solution(src):
    """Each exercise's solution explains its reasoning: a Markdown solution cell, in words and
    formulas, kept in the solution and dropped from the lesson."""
    nb = nbformat.read(src, as_version=4)
    labels = [m for c in nb.cells if c.cell_type == "code" for m in LABEL.findall(c.source)]
    written = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")
    }
    for label in labels:
        text = written.get(f"{label}_reasoning")
        assert text, f"{src.name}: {label} has no worked solution (grade_id {label}_reasoning)"
        assert len(text.split()) >= 80 and "$" in text, f"{label}: reasoning too thin: {text!r}"
    lesson = (build.LESSONS / src.name).read_text()
    solution = (build.SOLUTIONS / src.name).read_text()
    for label in labels:
        assert f"{label}-reasoning" in solution and f"{label}-reasoning" not in lesson


# --------------------------------------------------------------------------------------------
# the course map, its thumbnails and the notation


def course_map_cells() -> list:
    return nbformat.read(build.LESSONS / build.COURSE_MAP, as_version=4).cells


def test_course_map_is_markdown_only():
    cells = course_map_cells()
    assert cells and all(c.cell_type == "markdown" for c in cells), "nothing to run, ever"


@pytest.mark.parametrize("src", build.sources(), ids=lambda p: p.stem)
def test_course_map_describes_every_lesson(src):
    from tools import course_figures, course_map

    (cell,) = [c for c in course_map_cells() if c.id == f"lesson-{src.name[:2]}"]
    text = cell.source
    assert f"]({src.name})" in text and f"](../solutions/{src.name})" in text
    image = f"images/{src.stem}.png"
    assert f"]({image})" in text and (build.LESSONS / image).exists()
    assert course_figures.FIGURES[src.name[:2]][1] in text  # the text alternative
    lesson = nbformat.read(build.LESSONS / src.name, as_version=4)
    info = course_map.lesson_info(lesson, src.name, nbformat.read(src, as_version=4).metadata)
    for outcome in info.outcomes:
        assert outcome in text
    assert info.prerequisites in text and info.exercises == 6
    assert 2 <= len(info.explorers) <= 7 and 2500 <= info.words <= 4500
    assert f"about {info.minutes} minutes" in text and 80 <= info.minutes <= 130
    for name in set(info.explorers):
        assert course_map.EXPLORER_NAMES[name] in text


def test_time_estimate_follows_its_stated_basis():
    from tools import course_map

    info = course_map.LessonInfo("09", "09_x.ipynb", "X", ("a",), "none", ("E",) * 3, 6, 3600)
    assert info.minutes == 5 * round((3600 / 60 + 4 * 3 + 4 * 6 + 5) / 5) == 100


def test_thumbnails_are_deterministic_pngs():
    from tools import course_figures

    first, second = course_figures.thumbnail("04"), course_figures.thumbnail("04")
    assert first == second and first.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Software" not in first and b"matplotlib" not in first.lower()
    with pytest.raises(ValueError, match="no thumbnail"):
        course_figures.thumbnail("99")


REQUIRED_SYMBOLS = (
    r"$\alpha$", r"$\mu$", r"$\beta_1$", r"$\beta_2$", r"$\varepsilon$", r"$\lambda_i$",
    r"$\kappa", r"$L$", r"$M$", r"$\delta$", r"$\tau$", r"$r$", r"$\rho$", r"$\gamma$", r"$h$",
    r"$\varepsilon_{\text{mach}}$", r"$m$", r"$\sigma$", r"$z = w^\top x + b$", r"$X$", r"$y$",
    r"$\hat y = \sigma(z)$",
)  # fmt: skip


def test_notation_sheet_names_every_course_wide_symbol():
    (sheet,) = [c.source for c in course_map_cells() if c.id == "notation"]
    missing = [s for s in REQUIRED_SYMBOLS if s not in sheet]
    assert not missing, f"the notation sheet lacks {missing}"


#: notation the course no longer uses, with the symbol that replaced it
RETIRED = {
    r"w\\cdot x": "wᵀx",
    r"\\hat g_B": "g_B (the hat is Adam's bias-corrected mean)",
    r"\\sigma\^2\}\{B\}|\\sigma\^2/B|\\sigma\^2 = \\frac1m": "tr Σ (σ is the sigmoid)",
    r"\\hat m|\\hat v|(?<![\\a-zA-Z])m_t": "ḡ_t, s_t, ĝ_t, ŝ_t (m counts examples)",
    r"\\mu\$-strongly": "λmin (μ is momentum)",
    r"\\varepsilon(?!_)": "ε_mach or tol outside Adam, AdaGrad and RMSProp (lesson 6)",
}


@pytest.mark.parametrize("src", build.sources(), ids=lambda p: p.stem)
def test_lessons_keep_the_notation(src):
    from tools.course_map import NOTATION  # noqa: F401  (the sheet the lessons follow)

    math = re.compile(r"\$\$.*?\$\$|\$[^$]*?\$", re.S)
    found = []
    for cell in nbformat.read(src, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        for segment in math.findall(cell.source):
            for pattern, instead in RETIRED.items():
                if pattern.startswith(r"\\varepsilon") and src.name.startswith("06"):
                    continue
                if re.search(pattern, segment):
                    found.append(f"{segment[:50]!r}: use {instead}")
            if re.search(r"\\delta", segment) and not src.name.startswith("05"):
                found.append(f"{segment[:50]!r}: δ is Newton's damping (lesson 5)")
            if re.search(r"\\tau(?![a-z])", segment) and src.name[:2] not in ("01", "07"):
                found.append(f"{segment[:50]!r}: τ is the regularisation strength (lessons 1, 7)")
    assert not found, f"{src.name}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("src", build.sources(), ids=lambda p: p.stem)
def test_lesson_figures_write_no_text_under_10_pt(src):
    """The lessons' own figures keep matplotlib's 10 pt (legends, labels, notes): a code cell
    asks for nothing smaller."""
    nb = nbformat.read(src, as_version=4)
    sizes = re.compile(r"\b(?:fontsize|labelsize|size)\s*=\s*([0-9.]+)")
    small = [
        (float(size), cell.source[:60])
        for cell in nb.cells
        if cell.cell_type == "code"
        for size in sizes.findall(cell.source)
        if float(size) < 10
    ]
    assert not small, small
