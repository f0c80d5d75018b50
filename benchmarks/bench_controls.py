"""Every numeric control of every explorer: time from a move to the frame ready to send.

For each explorer in ``widgets.EXPLORERS`` at its defaults, every slider that is enabled there
(float, log, integer and selection sliders) is moved ``--moves`` times: three quarters of the moves
are one position along the track from the last (what an arrow key or a slow drag sends), the rest
jumps to a random position (a drag, a click on the track), from a seeded generator. Each move is
timed from ``control.value = v`` (the observer runs the model, updates the artists and blits) to the
figure's pixels encoded as the PNG the browser would be sent (``png_frame``). Targets: median
≤ 16.7 ms (one 60 Hz frame) and 95th percentile ≤ 33 ms, for every control.

``--choices`` adds the controls that pick from a list (dropdowns, toggle buttons, check boxes),
each moved through its options in the same way; a choice that changes what the figure's
background shows (a new objective) redraws it in full, which the targets count too.

``--baseline REV`` measures the package at git revision REV by the same script in the same run
(a temporary worktree, first on PYTHONPATH), and prints both side by side.

``--cpu`` times each move by the process's CPU time rather than the wall clock: on a machine busy
with other work the wall clock counts the time spent waiting for a core as well.

Run:  .venv/bin/python benchmarks/bench_controls.py [--moves 40] [--baseline REV] [--only NAME]
      [--cpu]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DESCENT_BACKEND", "agg")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import ipywidgets as ipw
import numpy as np

from widgets.explorers import EXPLORERS
from widgets.explorers._figure import png_frame

FRAME_MS, P95_MS = 1000 / 60, 33.0
CLOCK = [time.perf_counter]  # what a move is timed by (--cpu: time.process_time)
SLIDERS = (ipw.FloatSlider, ipw.FloatLogSlider, ipw.IntSlider, ipw.SelectionSlider)
CHOICES = (ipw.Dropdown, ipw.ToggleButtons, ipw.RadioButtons, ipw.Checkbox)


def positions(c: ipw.Widget) -> list:
    """Every value the control's track can take, in order."""
    if isinstance(c, ipw.Checkbox):
        return [False, True]
    if isinstance(c, ipw.SelectionSlider | ipw.Dropdown | ipw.ToggleButtons | ipw.RadioButtons):
        return list(c._options_values)
    n = round((c.max - c.min) / c.step)
    if isinstance(c, ipw.FloatLogSlider):
        return [float(f"{c.base ** (c.min + i * c.step):.12g}") for i in range(n + 1)]
    if isinstance(c, ipw.IntSlider):
        return list(range(c.min, c.max + 1, c.step))
    return [float(f"{c.min + i * c.step:.12g}") for i in range(n + 1)]


def move_plan(values: list, here: int, moves: int, rng: np.random.Generator) -> list:
    """Indices to move to: mostly one position on (turning at the ends), some jumps."""
    out, k, direction = [], here, 1
    for i in range(moves):
        if i % 4 == 3:
            k = int(rng.integers(len(values)))
        else:
            if not 0 <= k + direction < len(values):
                direction = -direction
            k += direction
        out.append(k)
    return out


def nearest(values: list, value) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(np.argmin([abs(float(v) - float(value)) for v in values]))
    return values.index(value)


def bench_explorer(cls, moves: int, seed: int, choices: bool = False) -> list[dict]:
    ex = cls()
    buffer = ex.figure.canvas.buffer_rgba
    kinds = SLIDERS + CHOICES if choices else SLIDERS
    rows = []
    for name, c in ex.controls.items():
        if not isinstance(c, kinds) or c.disabled:
            continue
        values = positions(c)
        if len(values) < 2:
            continue
        start = c.value
        rng = np.random.default_rng(seed)
        times = []
        for k in move_plan(values, nearest(values, c.value), moves, rng):
            v = values[k]

            def move(c=c, v=v):
                c.value = v
                png_frame(np.asarray(buffer()))

            times.append(harness.timed(move, CLOCK[0]))
            if ex.last_error is not None:
                raise RuntimeError(f"{cls.__name__}.{name} = {v!r}: {ex.last_error!r}")
        c.value = start
        rows.append(
            {
                "explorer": cls.__name__,
                "control": name,
                "median_ms": harness.median(times),
                "p95_ms": harness.p95(times),
                "max_ms": max(times),
                "moves": len(times),
            }
        )
    return rows


def measure(moves: int, seed: int, only: str | None, choices: bool = False) -> list[dict]:
    rows = []
    for cls in EXPLORERS:
        if only is None or only in cls.__name__:
            rows += bench_explorer(cls, moves, seed, choices)
    return rows


def main() -> None:
    p = harness.parser(__doc__)
    p.add_argument("--moves", type=int, default=40)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", help="explorers whose class name contains this")
    p.add_argument("--choices", action="store_true", help="also dropdowns, toggles, check boxes")
    p.add_argument("--baseline", help="a git revision to measure beside the current code")
    p.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--cpu", action="store_true", help="time moves by CPU time, not wall time")
    args = p.parse_args()
    if args.cpu:
        CLOCK[0] = time.process_time
    record = harness.Record("controls")
    record.meta["clock"] = "process CPU time" if args.cpu else "wall time"
    rows = measure(args.moves, args.seed, args.only, args.choices)
    for row in rows:
        record.row("controls", **row)
    if args.raw:  # measuring a baseline tree for another run of this script
        record.finish(args)
        return
    before = {}
    if args.baseline:
        argv = [__file__, "--raw", "--moves", str(args.moves), "--seed", str(args.seed)]
        if args.only:
            argv += ["--only", args.only]
        if args.choices:
            argv += ["--choices"]
        if args.cpu:
            argv += ["--cpu"]
        old = harness.run_in(harness.baseline(args.baseline), argv)
        before = {(r["explorer"], r["control"]): r for r in old["tables"]["controls"]}
        record.meta["baseline"] = args.baseline
        for r in old["tables"]["controls"]:
            record.row("baseline", **r)
    m = record.meta
    print(f"Python {m['python']}, numpy {m['numpy']}, matplotlib {m['matplotlib']}", end="")
    print(f", {m['cores']} cores, load {m['load']:.1f}; {m['clock']}")
    head = f"{'explorer':<26}{'control':<18}{'median':>8}{'p95':>8}{'max':>8}"
    if before:
        head += f"{'before: median':>16}{'p95':>8}{'speed-up':>10}"
    print(head + "   (ms)")
    for r in rows:
        line = f"{r['explorer']:<26}{r['control']:<18}{r['median_ms']:>8.1f}{r['p95_ms']:>8.1f}"
        line += f"{r['max_ms']:>8.1f}"
        old_row = before.get((r["explorer"], r["control"]))
        if old_row:
            ratio = old_row["median_ms"] / r["median_ms"]
            line += f"{old_row['median_ms']:>16.1f}{old_row['p95_ms']:>8.1f}{ratio:>9.1f}×"
        elif before:
            line += f"{'(no such control)':>34}"
        print(line)
        where = f"{r['explorer']}.{r['control']}"
        record.target(f"{where} median ms", r["median_ms"], FRAME_MS)
        record.target(f"{where} p95 ms", r["p95_ms"], P95_MS)
    if rows:
        worst = max(rows, key=lambda r: r["median_ms"])
        print(f"slowest median: {worst['explorer']}.{worst['control']} {worst['median_ms']:.1f} ms")
    record.finish(args)


if __name__ == "__main__":
    main()
