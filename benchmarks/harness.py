"""What every benchmark script shares: the machine, timing, targets and a JSON record.

A script builds a :class:`Record`, adds rows (``record.row(table, **fields)``) and targets
(``record.target(name, value, limit)``), then calls ``record.finish()``: it prints which targets
hold and which do not, writes ``benchmarks/results/<name>.json`` (git-ignored) and exits with 1 when
a target fails and ``--strict`` was given. ``benchmarks/report.py`` turns those files into the
tables of ``benchmarks/README.md``, so the figures there are the ones measured, never retyped.

A script can also measure another revision of the package beside the current one, in the same
run: ``baseline(rev)`` checks it out in a temporary git worktree, and ``run_in(tree, argv)`` runs a
script there with that tree first on ``PYTHONPATH`` (the script itself comes from this tree, so
the old code is measured by the same benchmark).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

__all__ = [
    "Record",
    "baseline",
    "machine",
    "median",
    "p95",
    "parser",
    "run_in",
    "run_script",
    "timed",
]


def machine() -> dict[str, Any]:
    """The machine and the versions that the figures depend on."""
    import matplotlib

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "matplotlib": matplotlib.__version__,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def timed(fn: Callable[[], Any], clock: Callable[[], float] = time.perf_counter) -> float:
    """Milliseconds one call of ``fn`` takes by ``clock`` (wall time; ``time.process_time``
    counts this process's CPU time instead, which a loaded machine inflates far less)."""
    t0 = clock()
    fn()
    return 1e3 * (clock() - t0)


def median(xs: Sequence[float]) -> float:
    return float(statistics.median(xs))


def p95(xs: Sequence[float]) -> float:
    return float(np.percentile(np.asarray(xs, dtype=float), 95))


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with the options every script takes."""
    p = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    p.add_argument("--json", type=Path, help="write the record here (default: results/<name>)")
    p.add_argument("--strict", action="store_true", help="exit with 1 when a target fails")
    return p


@dataclass
class Record:
    """The results of one benchmark run: tables of rows, and targets checked against them."""

    name: str
    meta: dict[str, Any] = field(default_factory=machine)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)

    def row(self, table: str, **fields: Any) -> dict[str, Any]:
        self.tables.setdefault(table, []).append(fields)
        return fields

    def target(self, name: str, value: float, limit: float, *, at_least: bool = False) -> bool:
        """Record a target, ``value ≤ limit`` (``≥`` with ``at_least``); True if it holds."""
        holds = bool(value >= limit) if at_least else bool(value <= limit)
        sign = "≥" if at_least else "≤"
        self.targets.append(
            {"name": name, "value": value, "limit": limit, "op": sign, "holds": holds}
        )
        return holds

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [t for t in self.targets if not t["holds"]]

    def finish(self, args: argparse.Namespace) -> None:
        """Print the targets, write the JSON record, exit 1 under ``--strict`` if one failed."""
        if self.targets:
            held = len(self.targets) - len(self.failed)
            print(f"\ntargets ({held} of {len(self.targets)} hold):")
            for t in self.targets:
                mark = "holds" if t["holds"] else "FAILS"
                print(f"  {mark:5}  {t['name']}: {t['value']:.4g} {t['op']} {t['limit']:.4g}")
        path = args.json or RESULTS / f"{self.name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = dict(name=self.name, meta=self.meta, tables=self.tables, targets=self.targets)
        path.write_text(json.dumps(data, indent=1, default=float) + "\n")
        print(f"record: {path}")
        if args.strict and self.failed:
            sys.exit(1)


def baseline(rev: str) -> Path:
    """A checkout of revision ``rev`` in a temporary git worktree (removed at exit)."""
    import atexit

    tree = Path(tempfile.mkdtemp(prefix=f"descent-{rev[:12]}-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), rev], check=True
    )

    def remove() -> None:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )

    atexit.register(remove)
    return tree


def run_in(tree: Path, argv: Sequence[str]) -> dict[str, Any]:
    """Run this tree's benchmark script ``argv`` against the package in ``tree``; its record."""
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    env = dict(os.environ, PYTHONPATH=str(tree))
    subprocess.run([sys.executable, *argv, "--json", str(out)], check=True, env=env, cwd=tree)
    return json.loads(out.read_text())


def run_script(main: Callable[[], int]) -> None:
    """Run a script's ``main()``, print how long it took, exit with its code."""
    t0 = time.monotonic()
    code = main()
    print(f"{time.monotonic() - t0:.0f} s")
    sys.exit(code)
