"""Model time per control of the lesson-08 explorers (threshold, imbalance, calibration).

Run:  .venv/bin/python benchmarks/bench_judging_models.py [--repeats 5] [--strict]
      [--json benchmarks/results/bench_judging_models.json]

Each control is swept through the values its slider or selector takes, the other controls at
their defaults, and every call does what an explorer's update asks of the model layer: the state
function and the status line. Measured with time.perf_counter:

- cold: the first pass after every cache is cleared (it includes the fits done at first use);
- warm: the median and the maximum over ``repeats`` further passes.

The explorer's budget is 16.7 ms per control, drawing included; the model's share should be a
small part of it: the target here is a warm median within ``MODEL_BUDGET_MS`` (2 ms) for every
control (``--strict`` exits with 1 when one misses it). These targets were unit-test assertions
once; speed is measured here, where a loaded machine makes a figure to rerun, not a failure.
The "class weights" strategy needs ``LogisticLoss(..., sample_weight=w)``; where the
package's loss does not take it yet, that strategy is left out and said so.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from widgets.models import _classifier, calibration, imbalance, threshold
from widgets.objectives import LogisticLoss

#: the model's share of a control's 16.7 ms frame: warm median per control, milliseconds
MODEL_BUDGET_MS = 2.0
HAS_WEIGHTS = "sample_weight" in inspect.signature(LogisticLoss).parameters


def clear_caches() -> None:
    for fn in (
        _classifier.wdbc_split,
        threshold.threshold_data,
        imbalance._subsample,
        imbalance._strategy_fit,
        imbalance._bounds,
        calibration._model_logits,
        calibration._calibrated,
    ):
        fn.cache_clear()


def sweeps() -> list[tuple[str, str, object, list[dict]]]:
    """(explorer, control, (state, status), list of keyword arguments) per control."""
    strategies = [s for s in imbalance.STRATEGIES if HAS_WEIGHTS or s != "class weights"]
    fractions = [round(float(f), 2) for f in np.arange(0.02, 0.3701, 0.01)]
    th = (threshold.threshold_state, threshold.threshold_status)
    im = (imbalance.imbalance_state, imbalance.imbalance_status)
    ca = (calibration.calibration_state, calibration.calibration_status)
    lo, hi = calibration.BIN_RANGE
    return [
        ("threshold", "threshold", th, [dict(threshold=float(t)) for t in np.linspace(0, 1, 101)]),
        ("threshold", "cost_ratio", th,
         [dict(cost_ratio=float(r)) for r in np.geomspace(0.1, 20, 61)]),
        ("imbalance", "minority_fraction", im,
         [dict(minority_fraction=f, strategy=s) for s in strategies for f in fractions]),
        ("imbalance", "strategy", im,
         [dict(minority_fraction=0.05, strategy=s) for s in strategies] * 5),
        ("calibration", "n_bins", ca, [dict(n_bins=n) for n in range(lo, hi + 1)]),
        ("calibration", "model", ca,
         [dict(model=m) for m in calibration.MODELS] * 5),
        ("calibration", "method", ca,
         [dict(model=m, method=k) for m in calibration.MODELS for k in calibration.METHODS]),
    ]  # fmt: skip


def time_pass(fns, calls: list[dict]) -> list[float]:
    state_fn, status_fn = fns
    times = []
    for kwargs in calls:
        t0 = time.perf_counter()
        status_fn(state_fn(**kwargs))
        times.append(time.perf_counter() - t0)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="warm passes per control")
    parser.add_argument(
        "--json",
        type=Path,
        default=Path(__file__).parent / "results" / "bench_judging_models.json",
        help="where to write the numbers (the results folder is not tracked by git)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with 1 when a control misses its target"
    )
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}")
    if not HAS_WEIGHTS:
        print("LogisticLoss takes no sample_weight here: strategy 'class weights' left out")
    print(
        f"\n{'explorer':<12}{'control':<19}{'calls':>6}{'cold first':>12}{'cold median':>13}"
        f"{'warm median':>13}{'warm max':>10}  target"
    )
    rows = []
    for explorer, control, fns, calls in sweeps():
        clear_caches()
        cold = time_pass(fns, calls)
        warm = [t for _ in range(args.repeats) for t in time_pass(fns, calls)]
        row = dict(
            explorer=explorer,
            control=control,
            calls=len(calls),
            cold_first_ms=1e3 * cold[0],
            cold_median_ms=1e3 * statistics.median(cold),
            warm_median_ms=1e3 * statistics.median(warm),
            warm_max_ms=1e3 * max(warm),
        )
        row["holds"] = row["warm_median_ms"] <= MODEL_BUDGET_MS
        rows.append(row)
        print(
            f"{explorer:<12}{control:<19}{len(calls):>6}{row['cold_first_ms']:>10.1f}ms"
            f"{row['cold_median_ms']:>11.2f}ms{row['warm_median_ms']:>11.3f}ms"
            f"{row['warm_max_ms']:>8.2f}ms  {'holds' if row['holds'] else 'FAILS'}"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {"class_weights": HAS_WEIGHTS, "budget_ms": MODEL_BUDGET_MS, "rows": rows}, indent=2
        )
    )
    failing = [f"{r['explorer']}.{r['control']}" for r in rows if not r["holds"]]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nwarm median ≤ {MODEL_BUDGET_MS:g} ms: {len(rows) - len(failing)} of {len(rows)} "
        f"controls hold"
        + (f"; failing: {', '.join(failing)}" if failing else "")
        + f" (load average {load:.2f})"
    )
    print(f"written to {args.json}")
    return 1 if failing and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
