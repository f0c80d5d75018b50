"""Timings of the model layer that every slider move waits for.

Run:  .venv/bin/python benchmarks/bench_core.py [--repeats 21] [--json FILE] [--strict]

Measured side by side in one run (time.perf_counter, median of repeats after a warm-up):

1. a 1000-step trajectory of each optimizer on a 2-D quadratic (target < 5 ms), with the time spent
   inside the optimizer's ``update`` and the objective's gradient alone, to show where it goes;
2. a sweep of 256 learning rates × 500 steps, vectorised (``sweep``) against a Python loop of
   ``simulate`` over the same settings (target ratio ≥ 20×);
3. the 200×200 loss surface of the WDBC logistic loss, vectorised (``value_grid``) against a loop
   evaluating one point at a time.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import numpy as np

from widgets.objectives import Quadratic2D, wdbc_logistic
from widgets.optimizers import OPTIMIZERS, CountState, Optimizer, make_optimizer, needs_hessian
from widgets.simulate import simulate, sweep

SETTINGS = {  # learning rates that keep every optimizer stable on the quadratic below
    "gd": dict(learning_rate=0.5),
    "momentum": dict(learning_rate=0.1, momentum=0.9),
    "nesterov": dict(learning_rate=0.1, momentum=0.9),
    "adagrad": dict(learning_rate=0.5),
    "rmsprop": dict(learning_rate=0.01),
    "adam": dict(learning_rate=0.05),
    "newton": dict(learning_rate=0.5),
    "proximal_gd": dict(learning_rate=0.5),
}


def median_time(fn, repeats: int) -> float:
    fn()  # warm-up: imports, caches, first allocations
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def lean_gd(learning_rate: float) -> Optimizer:
    """Gradient descent with no argument checks or schedule lookup: what simulate alone costs."""

    def update(grads, state, params=None, *, hessian=None):
        return -(learning_rate * grads), CountState(state.count + 1)

    return Optimizer("gd", lambda params: CountState(0), update, lambda t: learning_rate, {})


def bench_trajectories(repeats: int) -> list[dict]:
    q = Quadratic2D(condition_number=10.0, angle=0.5)
    p = q.start.copy()
    rows = []
    candidates = [(name, make_optimizer(name, **SETTINGS[name])) for name in OPTIMIZERS]
    candidates.append(("lean gd*", lean_gd(0.5)))
    for name, opt in candidates:
        total = median_time(lambda opt=opt: simulate(q, opt, steps=1000, tol=None), repeats)
        traj = simulate(q, opt, steps=1000, tol=None)
        assert traj.stopped_at == 1000, traj.message

        # the same 1000 update and gradient calls, without the simulation around them
        g = q.grad(p)
        kwargs = {"hessian": q.hessian(p)} if needs_hessian(opt) else {}

        def updates_only(opt=opt, g=g, kwargs=kwargs):
            state = opt.init(p)
            for _ in range(1000):
                _, state = opt.update(g, state, p, **kwargs)

        def grads_only():
            grad = q._grad  # what simulate calls in its loop: the points are validated once
            for _ in range(1000):
                grad(p)

        rows.append(
            {
                "optimizer": name,
                "trajectory_ms": 1e3 * total,
                "update_ms": 1e3 * median_time(updates_only, repeats),
                "grad_ms": 1e3 * median_time(grads_only, repeats),
            }
        )
    return rows


def bench_sweep(repeats: int) -> dict:
    q = Quadratic2D(condition_number=10.0, angle=0.5)
    lrs = np.geomspace(1e-3, 1.9, 256)  # all stable (λmax = 1), so every run takes 500 steps
    start = np.array([-4.0, 3.0])

    def vectorised():
        return sweep(q, "gd", lrs, start=start, steps=500, tol=None)

    def loop():
        return [
            simulate(q, make_optimizer("gd", learning_rate=a), start, 500, tol=None) for a in lrs
        ]

    res, runs = vectorised(), loop()
    worst = max(
        abs(r.final_loss - f) / max(r.final_loss, 1e-300)
        for r, f in zip(runs, res.final_loss[0], strict=True)
    )
    t_vec = median_time(vectorised, repeats)
    t_loop = median_time(loop, max(3, repeats // 4))
    return {
        "settings": len(lrs),
        "steps": 500,
        "vectorised_ms": 1e3 * t_vec,
        "loop_ms": 1e3 * t_loop,
        "ratio": t_loop / t_vec,
        "max_relative_difference": float(worst),
    }


def bench_surface(repeats: int) -> dict:
    loss = wdbc_logistic()
    fit = simulate(loss, make_optimizer("newton"), steps=50, tol=1e-10)
    bias = fit.final_params[-1]
    (lo1, hi1), (lo2, hi2) = loss.bounds[0], loss.bounds[1]
    W1, W2 = np.meshgrid(np.linspace(lo1, hi1, 200), np.linspace(lo2, hi2, 200))

    def vectorised():
        return loss.value_grid(W1, W2, bias)

    def loop():
        out = np.empty(W1.shape)
        for i in range(W1.shape[0]):
            for j in range(W1.shape[1]):
                out[i, j] = loss.value(np.array([W1[i, j], W2[i, j], bias]))
        return out

    worst = float(np.max(np.abs(vectorised() - loop())))
    t_vec = median_time(vectorised, repeats)
    t_loop = median_time(loop, 3)
    return {
        "grid": "200x200",
        "examples": loss.n_examples,
        "vectorised_ms": 1e3 * t_vec,
        "loop_ms": 1e3 * t_loop,
        "ratio": t_loop / t_vec,
        "max_abs_difference": worst,
    }


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--repeats", type=int, default=21, help="timed repeats per measurement")
    args = parser.parse_args(argv)
    record = harness.Record("core")
    info = record.meta
    print(
        f"machine: {info['cores']} cores, {info['machine']}, {info['platform']}; "
        f"Python {info['python']}, NumPy {info['numpy']}"
    )
    print(f"median of {args.repeats} repeats (loops: fewer), time.perf_counter\n")

    rows = bench_trajectories(args.repeats)
    print("1. 1000-step trajectory on a 2-D quadratic (target < 5 ms)")
    print(f"   {'optimizer':<10}{'simulate':>10}{'update×1000':>13}{'grad×1000':>11}{'rest':>9}")
    for r in rows:
        rest = r["trajectory_ms"] - r["update_ms"] - r["grad_ms"]
        record.row("trajectory", **r, rest_ms=rest)
        if not r["optimizer"].endswith("*"):
            record.target(f"1000-step {r['optimizer']} trajectory ms", r["trajectory_ms"], 5.0)
        print(
            f"   {r['optimizer']:<10}{r['trajectory_ms']:>8.2f}ms{r['update_ms']:>11.2f}ms"
            f"{r['grad_ms']:>9.2f}ms{rest:>7.2f}ms"
        )
    print("   * a reference optimizer without per-call checks: the cost of simulate itself")
    print("   rest = simulate − update − grad: the loop, the stores and the vectorised loss, norms")

    sw = bench_sweep(args.repeats)
    record.row("sweep", **sw)
    record.target("sweep vectorised / loop speed-up", sw["ratio"], 20.0, at_least=True)
    print(
        f"\n2. sweep of {sw['settings']} learning rates × {sw['steps']} steps (target ratio ≥ 20×)"
    )
    print(
        f"   vectorised {sw['vectorised_ms']:.1f} ms   loop of simulate {sw['loop_ms']:.1f} ms   "
        f"ratio {sw['ratio']:.0f}×   (max rel. difference of final losses "
        f"{sw['max_relative_difference']:.1e})"
    )

    sf = bench_surface(args.repeats)
    record.row("surface", **sf)
    print(f"\n3. loss surface {sf['grid']} on WDBC logistic loss ({sf['examples']} examples)")
    print(
        f"   vectorised {sf['vectorised_ms']:.1f} ms   per-point loop {sf['loop_ms']:.0f} ms   "
        f"ratio {sf['ratio']:.0f}×   (max abs. difference {sf['max_abs_difference']:.1e})"
    )
    record.finish(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
