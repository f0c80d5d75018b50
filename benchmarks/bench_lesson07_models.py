"""Timings of lesson 07's model layer: regularisation paths, and each explorer model per control.

Run:  .venv/bin/python benchmarks/bench_lesson07_models.py [--repeats 5]

Measured with time.perf_counter in one process:

1. ``regularization_path`` on all of WDBC (569 × 30, standardised), 50 values of τ from 1e-4 to 1,
   for each penalty (median of the repeats; the explorer computes them once and caches them);
2. each explorer model's one-off ``precompute()`` (cold, first call in the process);
3. the state function of each explorer model for every value of each of its controls, the other
   controls at their defaults: the median and the maximum over those moves. The in-kernel target
   is 16.7 ms per move for model and drawing together.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from widgets.data import load_wdbc
from widgets.models import penalty_geometry, regularization_paths, softmax_regions
from widgets.regularization import regularization_path


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_paths(repeats: int) -> None:
    data = load_wdbc()
    taus = np.logspace(-4, 0, 50)
    print("regularization_path on WDBC (569 × 30), 50 values of τ:")
    total = 0.0
    for penalty in ("l2", "l1", "elasticnet"):
        runs = [
            _timed(lambda p=penalty: regularization_path(data.X, data.y, taus, penalty=p))
            for _ in range(repeats)
        ]
        path = regularization_path(data.X, data.y, taus, penalty=penalty)
        total += statistics.median(runs)
        print(
            f"  {penalty:<11} {1e3 * statistics.median(runs):7.1f} ms  "
            f"({int(path.n_iter.sum())} Newton iterations; {path.message})"
        )
    print(f"  all three   {1e3 * total:7.1f} ms")


def bench_models() -> None:
    models = {
        "penalty geometry": (
            penalty_geometry,
            penalty_geometry.penalty_geometry_state,
            {"tau": penalty_geometry.TAUS, "l1_ratio": penalty_geometry.L1_RATIOS},
        ),
        "regularisation path": (
            regularization_paths,
            regularization_paths.regularization_path_state,
            {
                "tau": regularization_paths.TAUS,
                "penalty": ["l2", "l1", "elasticnet"] * 10,
                "step": range(0, regularization_paths.GD_STEPS + 1, 20),
            },
        ),
        "softmax regions": (
            softmax_regions,
            softmax_regions.softmax_regions_state,
            {
                "step": range(0, softmax_regions.STEPS + 1, 3),
                "learning_rate": softmax_regions.LEARNING_RATES,
                "shift": np.linspace(*softmax_regions.SHIFT_RANGE, 41),
            },
        ),
    }
    print("explorer models: precompute once, then one state per control move (ms)")
    for title, (module, state, controls) in models.items():
        print(f"  {title}: precompute {1e3 * _timed(module.precompute):.0f} ms")
        for name, values in controls.items():
            times = []
            for v in values:
                kwargs = {name: v.item() if isinstance(v, np.generic) else v}
                times.append(_timed(lambda state=state, kwargs=kwargs: state(**kwargs)))
            print(
                f"    {name:<14} median {1e3 * statistics.median(times):6.2f}   "
                f"max {1e3 * max(times):6.2f}   ({len(times)} moves)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    bench_models()
    bench_paths(args.repeats)


if __name__ == "__main__":
    main()
