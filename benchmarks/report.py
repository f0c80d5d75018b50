"""Write the benchmarks' figures into Markdown from their JSON records, never by hand.

A Markdown file marks where each table goes::

    <!-- results: controls/controls -->
    (replaced by the table "controls" of benchmarks/results/controls.json)
    <!-- /results -->

``controls/baseline`` names another table of the same record, ``core/targets`` the record's
targets. Columns: every field of the rows, numbers to three significant figures; the record's
machine and date are written under each table.

Run:  .venv/bin/python benchmarks/report.py [benchmarks/README.md ...] [--results DIR] [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"(<!-- results: (?P<ref>[\w-]+/[\w-]+) -->\n).*?(<!-- /results -->)", re.S)


def cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    if value is None:
        return "—"
    return str(value).replace("|", "\\|")


def table(record: dict, name: str) -> str:
    rows = record["targets"] if name == "targets" else record["tables"].get(name)
    if not rows:
        raise KeyError(f"{record['name']}.json has no table {name!r}")
    columns = list(dict.fromkeys(k for row in rows for k in row))
    lines = ["| " + " | ".join(c.replace("_", " ") for c in columns) + " |"]
    lines.append("|" + "---|" * len(columns))
    lines += ["| " + " | ".join(cell(row.get(c)) for c in columns) + " |" for row in rows]
    m = record["meta"]
    lines.append(
        f"\n<sub>{m.get('cores')} cores, {m.get('machine')}, Python {m.get('python')}, "
        f"NumPy {m.get('numpy')}, matplotlib {m.get('matplotlib')}; load average "
        f"{cell(m.get('load'))} during the run.</sub>"
    )
    return "\n".join(lines) + "\n"


def render(text: str, results: Path) -> str:
    def replace(match: re.Match) -> str:
        record_name, name = match["ref"].split("/")
        record = json.loads((results / f"{record_name}.json").read_text())
        return match.group(1) + table(record, name) + match.group(3)

    return BLOCK.sub(replace, text)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="*", type=Path, default=[ROOT / "benchmarks" / "README.md"])
    p.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    p.add_argument("--check", action="store_true", help="fail if a file is not up to date")
    args = p.parse_args()
    stale = []
    for path in args.files:
        old = path.read_text()
        new = render(old, args.results)
        if new != old:
            stale.append(path)
            if not args.check:
                path.write_text(new)
    for path in stale:
        print(f"{'stale' if args.check else 'updated'}: {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
