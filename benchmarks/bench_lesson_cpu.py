"""Kernel CPU time a lesson's dashboard costs beyond the kernel's own start-up.

Each lesson is executed as its dashboard executes it (cells tagged "remove-cell" dropped, in a
kernel of the dashboards' kernel spec, ipympl figures and all), ``--repeat`` times in a fresh
kernel each; the kernel process's CPU time (user + system, psutil) is read when the last cell has
run. The same is measured for a notebook with a single ``pass`` cell, and subtracted: what is left
is the lesson's own cost ("Every lesson interactive within 3 s": at most 1.5 s each). With
``--baseline REV`` the lessons and package of revision REV are measured in the same run,
alternating with this tree's.

    .venv/bin/python benchmarks/bench_lesson_cpu.py [--repeat 3] [--only 01 04] [--baseline REV]
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import harness
import nbformat
import psutil
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.5
DASHBOARD_KERNELS = ROOT / "lessons" / ".voila" / "dashboard"


def kernel_cpu_seconds(nb: nbformat.NotebookNode, cwd: Path, pythonpath: Path) -> float:
    """Execute ``nb`` in a fresh dashboard kernel; the kernel's CPU seconds when it is done."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(pythonpath)
    env["JUPYTER_PATH"] = os.pathsep.join([str(DASHBOARD_KERNELS), env.get("JUPYTER_PATH", "")])
    env.pop("DESCENT_BACKEND", None)  # the kernel decides, as in a dashboard
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(cwd), env=env)
    try:
        client = NotebookClient(nb, km=km, timeout=600, allow_errors=False)
        client.execute()
        process = psutil.Process(km.provisioner.process.pid)
        times = process.cpu_times()
        return times.user + times.system
    finally:
        km.shutdown_kernel(now=True)


def dashboard_cells(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "remove-cell" not in c.metadata.get("tags", [])]
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="lessons, e.g. 01 04")
    parser.add_argument("--baseline", help="a git revision to measure beside this tree")
    args = parser.parse_args(argv)
    trees = {"new": ROOT}
    if args.baseline:
        trees = {"old": harness.baseline(args.baseline), "new": ROOT}
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    record = harness.Record("lesson_cpu")
    print(f"load {os.getloadavg()[0]:.1f}; {args.repeat} run(s) each, fresh kernel each")
    startup = {label: [] for label in trees}
    for label, tree in trees.items():
        for _ in range(args.repeat):
            startup[label].append(kernel_cpu_seconds(empty, tree / "lessons", tree))
        print(f"  {label}: kernel start-up {statistics.median(startup[label]):.2f} s CPU")
    names = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    names = [n for n in names if not n.startswith("00_")]
    if args.only:
        names = [n for n in names if any(n.startswith(o) for o in args.only)]
    worst = 0.0
    for name in names:
        cost: dict[str, list[float]] = {label: [] for label in trees}
        for _ in range(args.repeat):
            for label, tree in trees.items():  # alternating: the same load for both
                path = tree / "lessons" / name
                if path.exists():
                    seconds = kernel_cpu_seconds(dashboard_cells(path), path.parent, tree)
                    cost[label].append(seconds - statistics.median(startup[label]))
        row = {"lesson": name[:-6]}
        for label, values in cost.items():
            if values:
                row[f"{label}_cpu_s"] = statistics.median(values)
        record.row("kernel CPU beyond start-up", **row)
        worst = max(worst, row.get("new_cpu_s", 0.0))
        shown = ", ".join(f"{k} {v:.2f} s" for k, v in row.items() if k != "lesson")
        print(f"  {row['lesson']}: {shown}", flush=True)
    record.target("largest lesson kernel CPU beyond start-up, s", worst, TARGET_S)
    record.finish(args)
    return 0


if __name__ == "__main__":
    harness.run_script(main)
