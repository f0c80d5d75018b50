"""Build the course from its sources: ``python -m tools.build_course`` (``--check`` to verify).

Each lesson has one source, ``source/NN_<name>.ipynb``, written in nbgrader's format: solution
code sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in cells whose metadata marks
them as nbgrader solution cells, and the worked reasoning is in Markdown solution cells. From it
this script writes

- ``lessons/NN_<name>.ipynb``: nbgrader's ``ClearSolutions`` replaces each solution region by the
  cell's stub (the region's ``# stub:`` lines, e.g. ``# stub: odds = ...``), the written solutions
  are dropped, outputs and nbgrader's metadata are cleared;
- ``solutions/NN_<name>.ipynb``: the solution regions are kept without their markers and stub
  lines, and each exercise's ``check(...)`` line becomes ``assert check(...)``, so running a
  solution fails if its answer does not pass.

An instructor who uses nbgrader can take ``source/`` as it is: ``nbgrader generate_assignment``
replaces the regions by its own stub (``ClearSolutions.code_stub``) and turns the worked
reasoning into answer cells.

It also writes the course map, ``lessons/00_course_map.ipynb`` (Markdown only:
tools/course_map.py), and the thumbnails of the lessons' key figures it shows,
``lessons/images/NN_<name>.png`` (tools/course_figures.py).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, ClearSolutions
from nbgrader.utils import is_solution

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"
LESSONS = ROOT / "lessons"
SOLUTIONS = ROOT / "solutions"
COMMAND = "python -m tools.build_course"
COURSE_MAP = "00_course_map.ipynb"

STUB = re.compile(r"^(?P<indent>\s*)# stub:(?: (?P<text>.*))?$")
CHECK_LINE = re.compile(r"^check\(")
BEGIN = ClearSolutions.begin_solution_delimeter.default_value
END = ClearSolutions.end_solution_delimeter.default_value


def solution_regions(source: str) -> list[tuple[int, int]]:
    """(begin, end) line indices of every solution region, delimiters included."""
    regions, begin = [], None
    for k, line in enumerate(source.split("\n")):
        if BEGIN in line:
            if begin is not None:
                raise ValueError(f"nested {BEGIN!r} in:\n{source}")
            begin = k
        elif END in line:
            if begin is None:
                raise ValueError(f"{END!r} without {BEGIN!r} in:\n{source}")
            regions.append((begin, k))
            begin = None
    if begin is not None:
        raise ValueError(f"{BEGIN!r} without {END!r} in:\n{source}")
    return regions


def cell_stub(cell: NotebookNode) -> str:
    """The lesson's placeholder for a solution code cell: its region's ``# stub:`` lines.

    The stub is written relative to the ``### BEGIN SOLUTION`` line's indentation, which
    ``ClearSolutions`` puts back in front of every stub line.
    """
    regions = solution_regions(cell.source)
    if len(regions) != 1:
        raise ValueError(
            f"a solution code cell has exactly one solution region, found {len(regions)}:\n"
            f"{cell.source}"
        )
    lines = cell.source.split("\n")
    begin, end = regions[0]
    indent = re.match(r"\s*", lines[begin]).group(0)
    stub = []
    for line in lines[begin + 1 : end]:
        match = STUB.match(line)
        if match:
            if not match["indent"].startswith(indent):
                raise ValueError(f"stub line {line!r} is indented less than its region")
            stub.append(match["indent"][len(indent) :] + (match["text"] or ""))
    if not stub:
        raise ValueError(
            "a solution region needs the lesson's placeholder as `# stub:` lines "
            f"(e.g. `# stub: answer = ...`):\n{cell.source}"
        )
    return "\n".join(stub)


class ClearSolutionsToStubs(ClearSolutions):
    """nbgrader's ClearSolutions, with each cell's own stub instead of one for every cell."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_solution(cell):
            self.code_stub = {resources["language"]: cell_stub(cell)}
        return super().preprocess_cell(cell, resources, index)


class DropWrittenSolutions(Preprocessor):
    """Remove the Markdown solution cells (worked reasoning) from a learner's notebook."""

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and is_solution(c))]
        return nb, resources


class KeepSolutions(Preprocessor):
    """Keep every solution region without its delimiters and stub lines; assert the checks."""

    def preprocess_cell(self, cell, resources, index):
        regions = solution_regions(cell.source)
        if regions and not is_solution(cell):
            raise ValueError(f"solution region in a cell not marked as a solution:\n{cell.source}")
        inside = {k for begin, end in regions for k in range(begin, end + 1)}
        drop = {begin for begin, _ in regions} | {end for _, end in regions}
        lines = cell.source.split("\n")
        drop |= {k for k in inside if STUB.match(lines[k])}
        kept = [line for k, line in enumerate(lines) if k not in drop]
        if cell.cell_type == "code" and is_solution(cell):
            kept = [("assert " + ln if CHECK_LINE.match(ln) else ln) for ln in kept]
        cell.source = "\n".join(kept)
        return cell, resources


class StripGraderMetadata(Preprocessor):
    """Drop nbgrader's cell metadata (the generated notebooks are not nbgrader assignments) and
    the course map's metadata (``descent``), which only the sources need."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("descent", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        cell.metadata.pop("nbgrader", None)
        return cell, resources


# CheckCellMetadata: nbgrader's own validation of the cells' metadata (unique grade ids, ...)
LESSON_STEPS = (
    CheckCellMetadata,
    DropWrittenSolutions,
    ClearSolutionsToStubs,
    StripGraderMetadata,
    ClearOutput,
)
SOLUTION_STEPS = (CheckCellMetadata, KeepSolutions, StripGraderMetadata, ClearOutput)


def run(nb: NotebookNode, steps: tuple[type[Preprocessor], ...]) -> NotebookNode:
    """Apply ``steps`` in order to a copy of ``nb``."""
    nb = nbformat.from_dict(nb)
    resources: dict = {}
    for step in steps:
        nb, resources = step().preprocess(nb, resources)
    return nb


def notebook_text(nb: NotebookNode) -> str:
    """The committed form of a notebook (nbformat's own layout, as nbstripout writes it)."""
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def sources() -> list[Path]:
    return sorted(SOURCE.glob("[0-9][0-9]_*.ipynb"))


def _course_map() -> str:
    from . import course_figures, course_map

    lessons = []
    for src in sources():
        nb = nbformat.read(src, as_version=4)
        info = course_map.lesson_info(run(nb, LESSON_STEPS), src.name, nb.metadata)
        lessons.append((info, course_figures.FIGURES[info.number][1]))
    return notebook_text(course_map.course_map(lessons))


def generated() -> dict[Path, Callable[[], str | bytes]]:
    """Every file the build writes, each with a function that produces its content."""
    from . import course_figures

    out: dict[Path, Callable[[], str | bytes]] = {}
    for src in sources():

        def build(steps, src=src):
            return notebook_text(run(nbformat.read(src, as_version=4), steps))

        out[LESSONS / src.name] = lambda build=build: build(LESSON_STEPS)
        out[SOLUTIONS / src.name] = lambda build=build: build(SOLUTION_STEPS)
        image = LESSONS / "images" / f"{src.stem}.png"
        out[image] = lambda n=src.name[:2]: course_figures.thumbnail(n)
    out[LESSONS / COURSE_MAP] = _course_map
    return out


def stale() -> list[Path]:
    """Generated files whose committed content differs from what the sources give."""
    bad = []
    for path, make in generated().items():
        content = make()
        current = path.read_bytes() if path.exists() else None
        wanted = content if isinstance(content, bytes) else content.encode()
        if current != wanted:
            bad.append(path)
    return bad


def write() -> list[Path]:
    """Write every generated file that changed; return those written."""
    written = []
    for path, make in generated().items():
        content = make()
        wanted = content if isinstance(content, bytes) else content.encode()
        if not path.exists() or path.read_bytes() != wanted:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wanted)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if a generated file is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        bad = stale()
        for path in bad:
            print(f"stale: {path.relative_to(ROOT)}")
        if bad:
            print(f"regenerate with `{COMMAND}`")
        return 1 if bad else 0
    for path in write():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
