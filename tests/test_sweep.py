"""sweep(): many settings at once must equal one simulate() per setting, with no loop over settings.

Steps to converge, divergence masks and divergence steps are compared exactly. Final parameters
and losses are the same arithmetic on stacked arrays, but BLAS may round a batched product
differently in the last bit, and a run carries each step's rounding to its end: on quadratics
the tolerance is the first-order propagation bound of ``_quadratic_rounding_bound``; elsewhere
rtol 1e-12, said at each test.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from widgets.objectives import Quadratic2D, Rosenbrock, wdbc_logistic
from widgets.optimizers import make_optimizer
from widgets.simulate import SweepResult, simulate, sweep
from widgets.theory import QuadraticTheory


def _quadratic_rounding_bound(q, name, lr, mu, start, steps):
    """Bounds on |Δw_T| and |Δf_T| between two float runs of GD or momentum on f = ½wᵀAw.

    Both runs iterate the state x = (w, v) by the same linear map, x_{t+1} = M x_t, with
    M = [[I − αA, −αμI], [A, μI]] for heavy ball (v ← μv + Aw, w ← w − αv) and
    [[I − α(1 + μ)A, −αμ²I], [A, μI]] for Nesterov (w ← w − α(Aw + μv)); GD is μ = 0. Each
    step rounds by at most (d + 2)ε‖|M|‖‖x_t‖, and the rounding of step t reaches step T
    multiplied by M^(T−1−t), so to first order each run is within
    (d + 2)ε‖|M|‖ Σ_t ‖M^(T−1−t)‖ ‖x_t‖ of exact arithmetic, and the two within twice that. The
    losses then differ by at most ‖∇f‖‖Δw‖ + ½λmax‖Δw‖² plus the rounding of ½wᵀAw itself,
    (d + 2)ε·½|w|ᵀ|A||w|.
    """
    assert name in ("gd", "momentum", "nesterov"), name
    A, d = q.A, q.dim
    eye = np.eye(d)
    mu = 0.0 if mu is None else mu
    top = eye - lr * (1 + mu) * A if name == "nesterov" else eye - lr * A
    M = np.block([[top, -lr * (mu**2 if name == "nesterov" else mu) * eye], [A, mu * eye]])
    x, xs = np.r_[start, np.zeros(d)], []
    for _ in range(steps):
        xs.append(np.linalg.norm(x))
        x = M @ x
    power, total = np.eye(2 * d), 0.0
    for norm_x in reversed(xs):  # Σ_t ‖M^(T−1−t)‖ ‖x_t‖, from the last step back
        total += np.linalg.norm(power, 2) * norm_x
        power = power @ M
    eps = np.finfo(float).eps
    dw = 2 * (d + 2) * eps * np.linalg.norm(np.abs(M), 2) * total
    w = x[:d]
    lam_max = np.linalg.eigvalsh(A).max()
    df = np.linalg.norm(A @ w) * dw + 0.5 * lam_max * dw**2
    df += (d + 2) * eps * 0.5 * np.abs(w) @ np.abs(A) @ np.abs(w)
    return dw, df


def _assert_matches_simulate(
    result, objective, name, lrs, mus=None, start=None, steps=500, tol=1e-6, **hyper
):
    for i, mu in enumerate([None] if mus is None else mus):
        for j, lr in enumerate(lrs):
            extra = {} if mu is None else {"momentum": mu}
            opt = make_optimizer(name, learning_rate=lr, **extra, **hyper)
            traj = simulate(objective, opt, start, steps, tol=tol)
            where = f"{name} lr={lr} momentum={mu}: {traj.message}"
            assert result.diverged[i, j] == traj.diverged, where
            assert result.diverged_at[i, j] == (traj.diverged_at or -1), where
            assert result.steps_to_converge[i, j] == (traj.stopped_at if traj.converged else -1)
            if traj.diverged:
                assert np.isnan(result.final_loss[i, j]), where
            elif isinstance(objective, Quadratic2D):
                dw, df = _quadratic_rounding_bound(
                    objective, name, lr, mu, traj.params[0], traj.stopped_at
                )
                assert np.linalg.norm(result.final_params[i, j] - traj.final_params) <= dw, where
                assert abs(result.final_loss[i, j] - traj.final_loss) <= df, where
            else:
                np.testing.assert_allclose(result.final_loss[i, j], traj.final_loss, rtol=1e-12)
                np.testing.assert_allclose(
                    result.final_params[i, j], traj.final_params, rtol=1e-12, atol=1e-300
                )


def test_gd_sweep_equals_loop_of_simulate():
    q = Quadratic2D(condition_number=10.0, angle=0.3)  # λmax = 1: GD diverges for α > 2
    lrs = [0.1, 0.5, 1.0, 1.9, 2.1, 3.0]
    res = sweep(q, "gd", lrs, start=[1.0, 2.0], steps=500)
    assert isinstance(res, SweepResult)
    assert res.final_loss.shape == res.steps_to_converge.shape == res.diverged.shape == (1, 6)
    assert res.final_params.shape == (1, 6, 2) and res.momenta is None
    np.testing.assert_array_equal(res.diverged[0], [False, False, False, False, True, True])
    _assert_matches_simulate(res, q, "gd", lrs, start=[1.0, 2.0])


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_momentum_sweep_equals_loop_of_simulate(name):
    q = Quadratic2D(condition_number=30.0, angle=1.1)
    lrs, mus = [0.05, 0.5, 1.5, 2.5, 4.0], [0.0, 0.5, 0.9]
    res = sweep(q, name, lrs, mus, start=[3.0, -1.0], steps=400)
    assert res.final_loss.shape == (3, 5)
    np.testing.assert_array_equal(res.momenta, mus)
    np.testing.assert_array_equal(res.learning_rates, lrs)
    assert res.diverged.any() and res.converged.any() and (res.steps_to_converge == -1).any()
    _assert_matches_simulate(res, q, name, lrs, mus, start=[3.0, -1.0], steps=400)


def test_adam_sweep_passes_other_hyperparameters():
    lrs = [1e-3, 1e-2, 0.1]
    res = sweep(Rosenbrock(), "adam", lrs, steps=3000, b1=0.8, b2=0.99)
    # Rosenbrock's gradient and Adam's update are elementwise, no BLAS: the same operations on the
    # same numbers (measured bit for bit). rtol 1e-12 leaves room for another code path of the
    # powers βᵗ (1 ulp, times 1/(1 − β₂) = 100 through the bias correction, on each step, whose
    # sizes add up to the path length, a few units here): 100ε per unit of path, about 1e-13.
    _assert_matches_simulate(res, Rosenbrock(), "adam", lrs, steps=3000, b1=0.8, b2=0.99)


def test_newton_sweep_on_logistic_loss():
    loss = wdbc_logistic()
    lrs = [0.5, 1.0, 1.5, 2.5]  # damped, pure, over-relaxed, and too long a Newton step
    res = sweep(loss, "newton", lrs, steps=100, tol=1e-8)
    # Near the optimum w* a Newton step with rate α multiplies an error by |1 − α| ≤ 0.5 for the
    # runs that converge, so earlier rounding dies out and both end within a few ulps of w*
    # (measured: 1.2 ulps of ‖w*‖ = 3.7): rtol 1e-12 on the parameters and on the loss, 0.26.
    assert res.converged[0, :3].all()
    _assert_matches_simulate(res, loss, "newton", lrs, steps=100, tol=1e-8)


def test_sweep_without_tolerance_runs_every_step():
    q = Quadratic2D()
    res = sweep(q, "gd", [0.5, 1.0], steps=50, tol=None)
    assert res.tol is None and np.all(res.steps_to_converge == -1)
    _assert_matches_simulate(res, q, "gd", [0.5, 1.0], steps=50, tol=None)


def test_steps_to_converge_follows_theory():
    # on a quadratic, fewest steps at the theory's best fixed rate among a fine grid
    q = Quadratic2D(condition_number=20.0, angle=0.5)
    th = QuadraticTheory.from_objective(q)
    lrs = np.linspace(0.05, 1.95, 191) * th.stable_lr_max / 2
    res = sweep(q, "gd", lrs, start=[1.0, 1.0], steps=2000)
    best = lrs[np.argmin(np.where(res.converged[0], res.steps_to_converge[0], 10**9))]
    assert abs(best - th.best_lr) < 0.02 * th.best_lr


class CountingObjective:
    """Delegates to a real objective and counts the vectorised calls made to it."""

    def __init__(self, inner):
        self.inner, self.calls = inner, {"value": 0, "grad": 0}
        self.name, self.dim, self.start = inner.name, inner.dim, inner.start

    def value(self, w):
        self.calls["value"] += 1
        return self.inner.value(w)

    def grad(self, w):
        self.calls["grad"] += 1
        return self.inner.grad(w)


@pytest.mark.parametrize("n_lr", [1, 64, 1024])
def test_no_python_loop_over_settings(n_lr):
    # the number of objective calls depends on the steps only, not on how many settings run
    counter = CountingObjective(Quadratic2D(condition_number=5.0))
    sweep(counter, "gd", np.geomspace(1e-3, 1.0, n_lr), steps=40, tol=None)
    assert counter.calls == {"value": 41 + 1, "grad": 41}  # + 1: the check of the start


def test_diverging_runs_are_frozen_without_warnings():
    q = Quadratic2D(condition_number=10.0)
    lrs = np.geomspace(0.1, 100.0, 40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = sweep(q, "momentum", lrs, [0.0, 0.9, 0.99], steps=2000)
    assert res.diverged.sum() > 40
    assert np.all(np.isfinite(res.final_params))
    assert np.all(np.isnan(res.final_loss[res.diverged]))
    assert np.all(np.isfinite(res.final_loss[~res.diverged]))
    assert np.all(res.diverged_at[res.diverged] >= 1) and np.all(
        res.diverged_at[~res.diverged] == -1
    )


# ------------------------------------------------------------------------------------------------
# Invalid inputs
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(learning_rates=[]), ValueError, "learning_rates must be a non-empty array"),
        (dict(learning_rates=[0.1, 0.0]), ValueError, "learning_rates must be a non-empty array"),
        (dict(learning_rates=[0.1, -1.0]), ValueError, "learning_rates must be a non-empty array"),
        (dict(learning_rates=[0.1, np.nan]), ValueError, "learning_rates must contain only finite"),
        (dict(learning_rates=[[0.1, 0.2]]), ValueError, "learning_rates must be a 1-D array"),
        (dict(learning_rates="fast"), TypeError, "learning_rates must be an array"),
        (dict(optimizer_name="momentum", momenta=[1.0]), ValueError, "momenta must be"),
        (dict(optimizer_name="momentum", momenta=[-0.1, 0.5]), ValueError, "momenta must be"),
        (dict(optimizer_name="momentum", momenta=[]), ValueError, "momenta must be"),
        (dict(optimizer_name="nesterov", momenta=[0.5, np.nan]), ValueError, "momenta must"),
        (dict(momenta=[0.5]), ValueError, "momenta can only be swept for optimizers with"),
        (dict(optimizer_name="sgd"), ValueError, "unknown optimizer_name 'sgd'"),
        (dict(steps=0), ValueError, "steps must be an integer in"),
        (dict(steps=1.5), TypeError, "steps must be an integer"),
        (dict(tol=0.0), ValueError, "tol must be in"),
        (dict(tol=-1.0), ValueError, "tol must be in"),
        (dict(max_loss=-1.0), ValueError, "max_loss must be in"),
        (dict(start=[np.nan, 0.0]), ValueError, "start must contain only finite"),
        (dict(start=[1.0]), ValueError, "start must have length 2"),
        (dict(learning_rate=0.1), TypeError, "pass learning_rate values through"),
        (dict(b1=0.9), TypeError, "gd has no parameter 'b1'"),
        (dict(objective="quadratic"), TypeError, "objective must be an Objective"),
    ],
)
def test_sweep_rejects_invalid_arguments(kwargs, error, match):
    args = dict(objective=Quadratic2D(), optimizer_name="gd", learning_rates=[0.1, 0.2])
    args.update(kwargs)
    with pytest.raises(error, match=match):
        sweep(**args)
