"""Model time per control of lesson 09's explorers (the state function alone, no drawing).

Run:  .venv/bin/python benchmarks/bench_models.py [--repeats 21]

For each explorer and each control, the control is moved through its values with the others at
their defaults, and the state function is timed (time.perf_counter). "cold" is the first call of
each setting in a fresh process: trainings and timing runs are cached per setting, so later
visits cost what "warm" says (the median over repeats of every value). The explorer target is
16.7 ms per control move for model and drawing together.
"""

from __future__ import annotations

import argparse
import statistics
import time

from widgets.models import beyond_a_line as bl
from widgets.models import broadcasting as bc
from widgets.models import computation_graph as cg
from widgets.models import loops_vs_vectors as lv

CONTROLS = {
    "computation graph J = 3(a + bc)": (
        cg.dls_graph_state,
        {
            "a": [-6.0, -1.5, 0.0, 2.5, 6.0],
            "b": [-6.0, 0.0, 3.0, 6.0],
            "step": list(range(6)),
            "nudge": list(cg.DLS_INPUTS),
            "epsilon": [1e-6, 1e-3, 1.0],
        },
    ),
    "computation graph, logistic regression": (
        cg.logistic_graph_state,
        {
            "w1": [-3.0, -1.0, 0.5, 3.0],
            "x2": [-3.0, 0.0, 3.0],
            "y": [0, 1],
            "step": list(range(11)),
            "nudge": list(cg.LOGISTIC_INPUTS),
            "epsilon": [1e-6, 1e-3, 1.0],
        },
    ),
    "broadcasting": (
        bc.broadcasting_state,
        {
            "shape_a": ["(4,)", "(4, 3)", "(2, 3, 4)", "()"],
            "shape_b": ["(4, 1)", "(3,)", "(1, 3)"],
            "op": list(bc.OPERATIONS),
        },
    ),
    "beyond a line": (
        bl.beyond_line_state,
        {
            "hidden_units": list(range(9)),
            "learning_rate": list(bl.LEARNING_RATES),
            "activation": ["tanh", "relu"],
            "step": [0, 10, 100, 500, 1000],
        },
    ),
    "loops versus vectors": (
        lv.loops_state,
        {"m": list(lv.M_GRID), "features": [1, 2, 5, 10]},
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    print(f"{'explorer':40} {'control':14} {'cold max':>10} {'warm median':>12} {'warm max':>10}")
    for explorer, (state, controls) in CONTROLS.items():
        for name, values in controls.items():
            cold = []
            for v in values:
                t0 = time.perf_counter()
                state(**{name: v})
                cold.append(time.perf_counter() - t0)
            warm = []
            for _ in range(args.repeats):
                for v in values:
                    t0 = time.perf_counter()
                    state(**{name: v})
                    warm.append(time.perf_counter() - t0)
            print(
                f"{explorer:40} {name:14} {1e3 * max(cold):8.1f} ms "
                f"{1e3 * statistics.median(warm):9.2f} ms {1e3 * max(warm):8.1f} ms"
            )


if __name__ == "__main__":
    main()
