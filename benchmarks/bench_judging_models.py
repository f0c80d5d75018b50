"""Model time per control of the lesson-08 explorers (threshold, imbalance, calibration).

Run:  .venv/bin/python benchmarks/bench_judging_models.py [--repeats 5]
      [--json benchmarks/results/bench_judging_models.json]

Each control is swept through the values its slider or selector takes, the other controls at
their defaults, and every call does what an explorer's update asks of the model layer: the state
function and the status line. Measured with time.perf_counter:

- cold: the first pass after every cache is cleared (it includes the fits done at first use);
- warm: the median and the maximum over ``repeats`` further passes.

The explorer's budget is 16.7 ms per control, drawing included; the model's share should be a
small part of it. The "class weights" strategy needs ``LogisticLoss(..., sample_weight=w)``;
where the package's loss does not take it yet, that strategy is left out and said so.
"""

from __future__ import annotations

import argparse
import inspect
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from widgets.models import _classifier, calibration, imbalance, threshold
from widgets.objectives import LogisticLoss

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
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}")
    if not HAS_WEIGHTS:
        print("LogisticLoss takes no sample_weight here: strategy 'class weights' left out")
    print(
        f"\n{'explorer':<12}{'control':<19}{'calls':>6}{'cold first':>12}{'cold median':>13}"
        f"{'warm median':>13}{'warm max':>10}"
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
        rows.append(row)
        print(
            f"{explorer:<12}{control:<19}{len(calls):>6}{row['cold_first_ms']:>10.1f}ms"
            f"{row['cold_median_ms']:>11.2f}ms{row['warm_median_ms']:>11.3f}ms"
            f"{row['warm_max_ms']:>8.2f}ms"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"class_weights": HAS_WEIGHTS, "rows": rows}, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
