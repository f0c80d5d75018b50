"""Structure of every lesson and its worked solution (execution itself is nbval's job)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import widgets.exercises as exercises

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
LESSONS = [p for p in LESSONS if not p.name.startswith("00_")]
SECTIONS = [
    "What you will learn",
    "Intuition",
    "Derivation",
    "Explore",
    "Predict, then run",
    "Exercises",
    "Summary",
    "Exit ticket",
]
LABEL = re.compile(r"""check\(\s*["'](ex_\d\d_\d+)["']""")
HIDE_TAG = "hide-in-voila"


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def labels_in(path: Path) -> list[str]:
    return [m for c in cells(path) if c["cell_type"] == "code" for m in LABEL.findall(source(c))]


def test_there_are_lessons():
    assert LESSONS, "no lesson notebooks found in lessons/"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_solution_has_same_labels(lesson: Path):
    solution = ROOT / "solutions" / lesson.name
    assert solution.exists(), f"missing worked solution {solution.relative_to(ROOT)}"
    ours, theirs = labels_in(lesson), labels_in(solution)
    assert ours == theirs, f"lesson labels {ours} != solution labels {theirs}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_exercises_are_labelled_and_registered(lesson: Path):
    number = lesson.name[:2]
    found = labels_in(lesson)
    assert len(set(found)) >= 5, f"{lesson.name} has {len(set(found))} exercises; at least 5"
    assert len(found) == len(set(found)), "an exercise label is checked twice"
    expected = [f"ex_{number}_{k}" for k in range(1, len(found) + 1)]
    assert found == expected, f"labels should run {expected}, got {found}"
    missing = set(found) - set(exercises.CHECKS)
    assert not missing, f"labels without a registered check: {sorted(missing)}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_solution_asserts_every_check(lesson: Path):
    solution = ROOT / "solutions" / lesson.name
    for cell in cells(solution):
        for line in source(cell).splitlines():
            if LABEL.search(line):
                assert line.lstrip().startswith("assert check("), (
                    f"solution must assert its check: {line.strip()!r}"
                )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_sections_in_order(lesson: Path):
    headings = [
        line.lstrip("#").strip()
        for c in cells(lesson)
        if c["cell_type"] == "markdown"
        for line in source(c).splitlines()
        if line.startswith("#")
    ]
    positions = []
    for section in SECTIONS:
        hits = [i for i, h in enumerate(headings) if h.startswith(section)]
        assert hits, f"{lesson.name}: no section headed {section!r}"
        positions.append(hits[0])
    assert positions == sorted(positions), f"{lesson.name}: sections out of order {SECTIONS}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_asserted_numbers_and_hidden_plumbing(lesson: Path):
    code = [c for c in cells(lesson) if c["cell_type"] == "code"]
    asserts = [c for c in code if re.search(r"^\s*assert ", source(c), re.M)]
    assert len(asserts) >= 3, f"{lesson.name}: numbers the text relies on must be asserted"
    for c in asserts + [c for c in code if LABEL.search(source(c))]:
        assert HIDE_TAG in c.get("metadata", {}).get("tags", []), (
            f"{lesson.name}: tag this cell {HIDE_TAG!r} so Voila hides it: {source(c)[:60]!r}"
        )


@pytest.mark.parametrize("path", sorted(ROOT.glob("*/[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_committed_clean(path: Path):
    nb = json.loads(path.read_text())
    assert nb["nbformat"] == 4
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            assert not c.get("outputs") and c.get("execution_count") is None, (
                f"{path.name}: outputs must be stripped"
            )
        assert "import ipywidgets as " + "widgets" not in source(c)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_exercises_and_exit_ticket_are_answerable_in_the_dashboard(lesson: Path):
    """Every exercise's check is followed by its widget, shown in the dashboard (not hidden),
    and the lesson ends with its exit ticket."""
    code = [c for c in cells(lesson) if c["cell_type"] == "code"]
    for k, c in enumerate(code):
        for label in LABEL.findall(source(c)):
            widget = code[k + 1]
            assert source(widget).strip() == f'answer("{label}")', (
                f"{lesson.name}: the cell after {label}'s check should be answer({label!r})"
            )
            assert HIDE_TAG not in widget.get("metadata", {}).get("tags", [])
    last = code[-1]
    assert source(last).strip() == f'exit_ticket("{lesson.name[:2]}")'
    assert HIDE_TAG not in last.get("metadata", {}).get("tags", [])
