"""Every optimizer converges on every reference problem, and optimizers that should agree do.

Three kinds of test, each computing the same thing twice:

- the grid: every optimizer × (parabola, ill-conditioned quadratic, Rosenbrock, WDBC logistic loss)
  reaches ‖∇f‖ < 1e-6 with the settings of ``GRID`` below, and its loss is within ``GAP_TOL`` of the
  known minimum (for WDBC: of an independent SciPy fit);
- equivalences between optimizers (momentum 0 = GD, full-batch mini-batch = GD, Adam with b1 = 0 =
  bias-corrected RMSProp, Newton solves a quadratic in one step, GD contracts each eigendirection
  by exactly |1 − αλ|);
- logistic regression on WDBC: Newton's optimum against ``scipy.optimize.minimize`` on a loss
  written here from scratch (own CSV reading, own standardisation, ``np.logaddexp``), not the
  package's.
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest
from scipy.optimize import minimize

from widgets.objectives import Quadratic1D, Quadratic2D, Rosenbrock, wdbc_logistic
from widgets.optimizers import (
    OPTIMIZERS,
    adam,
    gd,
    make_optimizer,
    momentum,
    nesterov,
    newton,
    rmsprop,
)
from widgets.schedules import exponential, step_decay
from widgets.simulate import simulate
from widgets.theory import QuadraticTheory

TOL = 1e-6  # convergence tolerance on the full-gradient norm, for every cell

# ------------------------------------------------------------------------------------------------
# Independent reference fit of the WDBC logistic regression
# ------------------------------------------------------------------------------------------------
FEATURES = ("mean radius", "mean texture")


def _reference_wdbc():
    """Design matrix [x_radius, x_texture, 1] and labels, read and standardised independently."""
    path = resources.files("widgets") / "data" / "wdbc.csv"
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    X = np.array([[float(r[name]) for name in FEATURES] for r in rows])
    y = np.array([1.0 if r["diagnosis"] == "M" else 0.0 for r in rows])
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # population std (ddof = 0)
    return np.hstack([X, np.ones((len(y), 1))]), y


def _reference_loss_and_grad(w, Phi, y):
    z = Phi @ w
    loss = np.mean(np.logaddexp(0.0, z) - y * z)  # −log-likelihood, stable for any z
    p = np.exp(-np.logaddexp(0.0, -z))  # σ(z) without overflow
    return loss, Phi.T @ (p - y) / len(y)


@pytest.fixture(scope="module")
def wdbc_reference():
    Phi, y = _reference_wdbc()
    assert (len(y), int(y.sum())) == (569, 212)  # 212 malignant, 357 benign
    res = minimize(
        _reference_loss_and_grad,
        np.zeros(3),
        args=(Phi, y),
        jac=True,
        method="BFGS",
        options={"gtol": 1e-12, "maxiter": 10_000},
    )
    assert np.linalg.norm(res.jac) < 1e-8
    return res.x, float(res.fun)


# ------------------------------------------------------------------------------------------------
# The grid
# ------------------------------------------------------------------------------------------------
OBJECTIVES = {
    "parabola": lambda: Quadratic1D(curvature=1.0),  # start 2.5
    "ill-conditioned": lambda: Quadratic2D(condition_number=50.0, angle=0.5),  # λ = 0.02, 1
    "rosenbrock": lambda: Rosenbrock(),  # start (−1.2, 1), minimum at (1, 1)
    "wdbc": lambda: wdbc_logistic(FEATURES),  # 3 parameters, start 0
}

# Loss-gap tolerance per objective. For a μ-strongly convex f, ‖∇f‖ < 1e-6 implies a gap below
# ‖∇f‖²/(2μ): 2.5e-11 for μ = 0.02, about 1e-12 near the Rosenbrock minimum (μ ≈ 0.4).
GAP_TOL = {"parabola": 1e-12, "ill-conditioned": 1e-10, "rosenbrock": 1e-10, "wdbc": 1e-10}

# optimizer, objective: (hyperparameters, step budget)   — steps to converge measured when written
# Plain constant rates everywhere except RMSProp on the two curved problems: with a constant rate
# its normalised step keeps a size of order α near the minimum, so a decaying schedule is used.
GRID = {
    ("gd", "parabola"): (dict(learning_rate=0.5), 100),  # 22 steps
    ("gd", "ill-conditioned"): (dict(learning_rate=1.5), 1000),  # 350
    ("gd", "rosenbrock"): (dict(learning_rate=1.5e-3), 30_000),  # 21374
    ("gd", "wdbc"): (dict(learning_rate=1.0), 2000),  # 716
    ("momentum", "parabola"): (dict(learning_rate=0.3, momentum=0.7), 200),  # 73
    ("momentum", "ill-conditioned"): (dict(learning_rate=1.0, momentum=0.8), 500),  # 106
    ("momentum", "rosenbrock"): (dict(learning_rate=1e-3, momentum=0.9), 5000),  # 3020
    ("momentum", "wdbc"): (dict(learning_rate=1.0, momentum=0.8), 500),  # 114
    ("nesterov", "parabola"): (dict(learning_rate=0.3, momentum=0.7), 200),  # 41
    ("nesterov", "ill-conditioned"): (dict(learning_rate=1.0, momentum=0.8), 500),  # 63
    ("nesterov", "rosenbrock"): (dict(learning_rate=1e-3, momentum=0.9), 5000),  # 3066
    ("nesterov", "wdbc"): (dict(learning_rate=1.0, momentum=0.8), 500),  # 96
    ("adagrad", "parabola"): (dict(learning_rate=1.0), 200),  # 39
    ("adagrad", "ill-conditioned"): (dict(learning_rate=1.0), 3000),  # 1895
    ("adagrad", "rosenbrock"): (dict(learning_rate=0.5), 25_000),  # 16585
    ("adagrad", "wdbc"): (dict(learning_rate=1.0), 1000),  # 291
    ("rmsprop", "parabola"): (dict(learning_rate=0.1), 200),  # 36
    ("rmsprop", "ill-conditioned"): (dict(learning_rate=0.1), 1000),  # 468
    ("rmsprop", "rosenbrock"): (dict(learning_rate=step_decay(1e-2, 3000, 0.3)), 25_000),  # 18011
    ("rmsprop", "wdbc"): (dict(learning_rate=exponential(1e-2, 0.999)), 3000),  # 1162
    ("adam", "parabola"): (dict(learning_rate=0.1), 1000),  # 225
    ("adam", "ill-conditioned"): (dict(learning_rate=0.1), 3000),  # 1348
    ("adam", "rosenbrock"): (dict(learning_rate=0.01), 10_000),  # 5452
    ("adam", "wdbc"): (dict(learning_rate=0.1), 1000),  # 310
    ("newton", "parabola"): (dict(), 5),  # 1
    ("newton", "ill-conditioned"): (dict(), 5),  # 1
    ("newton", "rosenbrock"): (dict(), 20),  # 6
    ("newton", "wdbc"): (dict(), 20),  # 6
    # on smooth objectives (no L1 part) the proximal step is the gradient step: gd's settings
    ("proximal_gd", "parabola"): (dict(learning_rate=0.5), 100),  # 22
    ("proximal_gd", "ill-conditioned"): (dict(learning_rate=1.5), 1000),  # 350
    ("proximal_gd", "rosenbrock"): (dict(learning_rate=1.5e-3), 30_000),  # 21374
    ("proximal_gd", "wdbc"): (dict(learning_rate=1.0), 2000),  # 716
}


def test_grid_covers_every_optimizer_and_objective():
    assert set(GRID) == {(o, f) for o in OPTIMIZERS for f in OBJECTIVES}


@pytest.mark.parametrize(("opt_name", "obj_name"), list(GRID), ids=[f"{o}-{f}" for o, f in GRID])
def test_every_optimizer_converges(opt_name, obj_name, wdbc_reference):
    hyper, steps = GRID[(opt_name, obj_name)]
    objective = OBJECTIVES[obj_name]()
    traj = simulate(objective, make_optimizer(opt_name, **hyper), steps=steps, tol=TOL)
    assert traj.status == "converged", traj.message
    assert traj.grad_norm[-1] < TOL
    minimum = wdbc_reference[1] if obj_name == "wdbc" else objective.minimum
    assert abs(traj.final_loss - minimum) < GAP_TOL[obj_name]
    if objective.minimizers is not None:
        assert np.min(np.linalg.norm(objective.minimizers - traj.final_params, axis=1)) < 1e-4


# ------------------------------------------------------------------------------------------------
# Equivalences
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("objective", [Quadratic2D(10.0, 0.3), Rosenbrock(), wdbc_logistic()])
def test_momentum_zero_is_gradient_descent(objective):
    # v = 0·v + g = g and g + 0·v = g exactly, so the trajectories agree bit for bit.
    lr = 1e-3 if isinstance(objective, Rosenbrock) else 0.5
    ref = simulate(objective, gd(lr), steps=300, tol=None)
    for opt in (momentum(lr, momentum=0.0), nesterov(lr, momentum=0.0)):
        traj = simulate(objective, opt, steps=300, tol=None)
        np.testing.assert_array_equal(traj.params, ref.params)
        np.testing.assert_array_equal(traj.loss, ref.loss)


def test_full_batch_minibatch_is_gradient_descent():
    # A mini-batch of all m examples is the full gradient summed in shuffled order: equal up to
    # rounding (rtol 1e-12 over 300 steps).
    objective = wdbc_logistic()
    ref = simulate(objective, gd(0.5), steps=300, tol=None)
    traj = simulate(
        objective, gd(0.5), steps=300, tol=None, batch_size=objective.n_examples, seed=3
    )
    np.testing.assert_allclose(traj.params, ref.params, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(traj.epochs, np.arange(301))
    np.testing.assert_array_equal(traj.examples_seen, ref.examples_seen)


@pytest.mark.parametrize(
    "objective",
    [Quadratic1D(3.0), Quadratic2D(100.0, 1.0, 5.0), Quadratic2D(1.0), Quadratic2D(7.0)],
)
def test_newton_solves_a_quadratic_in_one_step(objective):
    # In exact arithmetic w₁ = w₀ − H⁻¹Hw₀ = 0. In floats g = Hw₀ is off by (d/2)ε‖H‖‖w₀‖ and
    # LU with partial pivoting solves (H + ΔH)x = g with ‖ΔH‖ ≲ 3dε‖H‖ (growth ≤ 2 for d ≤ 2;
    # Higham, "Accuracy and Stability of Numerical Algorithms", 2002, Thm 9.4), so to first
    # order ‖w₁‖ = ‖x − w₀‖ ≤ κ(H)·4dε·‖w₀‖: 6.4e-13 for κ = 100 (measured 1.5e-14), and the
    # gradient there is at most λmax times that.
    start = np.linspace(-3.0, 2.0, objective.dim)
    H = objective.hessian(start)
    bound = 4 * objective.dim * np.linalg.cond(H) * np.finfo(float).eps * np.linalg.norm(start)
    lam_max = np.linalg.eigvalsh(H).max()
    traj = simulate(objective, newton(), start, steps=10, tol=lam_max * bound)
    assert traj.status == "converged" and traj.stopped_at == 1
    assert np.linalg.norm(traj.params[1]) <= bound


@pytest.mark.parametrize("objective", [Quadratic2D(10.0, 0.3), Rosenbrock(), wdbc_logistic()])
def test_adam_without_first_moment_is_bias_corrected_rmsprop(objective):
    # With b1 = 0, m̂ = g exactly, and both divide g by √(v/(1 − b2ᵗ)) + ε.
    lr = 1e-3 if isinstance(objective, Rosenbrock) else 0.05
    a = simulate(objective, adam(lr, b1=0.0, b2=0.95), steps=300, tol=None)
    r = simulate(objective, rmsprop(lr, decay=0.95, bias_correction=True), steps=300, tol=None)
    np.testing.assert_array_equal(a.params, r.params)


@pytest.mark.parametrize("angle", [0.0, 0.7])
@pytest.mark.parametrize("lr_frac", [0.25, 0.5, 1.0, 1.6])
def test_gd_contracts_each_eigendirection_by_its_factor(lr_frac, angle):
    q = Quadratic2D(condition_number=4.0, angle=angle, scale=2.0)
    th = QuadraticTheory.from_objective(q)
    lr = lr_frac * th.best_lr
    signed = 1.0 - lr * th.eigenvalues  # the per-step factor with its sign
    traj = simulate(q, gd(lr), [1.5, -2.0], steps=30, tol=None)
    coords = traj.params @ th.eigenvectors  # coordinates in the eigenbasis, one row per step
    expected = coords[0] * signed ** np.arange(31)[:, None]
    np.testing.assert_allclose(th.factors(lr), np.abs(signed), rtol=1e-15)
    if angle == 0.0:  # the eigenbasis is the standard basis: every coordinate to rtol 1e-12
        np.testing.assert_allclose(coords, expected, rtol=1e-12)
    else:
        # In a rotated basis each step's rounding (relative 1e-16 of ‖w‖) leaks from the larger
        # coordinate into the smaller one, so the tolerance is 1e-12 relative to ‖w_t‖.
        err = np.abs(coords - expected)
        assert np.all(err <= 1e-12 * np.linalg.norm(coords, axis=1)[:, None])


# ------------------------------------------------------------------------------------------------
# Logistic regression against an independent fit
# ------------------------------------------------------------------------------------------------
def test_newton_optimum_on_wdbc_matches_independent_scipy_fit(wdbc_reference):
    w_ref, loss_ref = wdbc_reference
    traj = simulate(wdbc_logistic(FEATURES), newton(), steps=50, tol=1e-10)
    assert traj.converged, traj.message
    assert abs(traj.final_loss - loss_ref) < 1e-6
    np.testing.assert_allclose(traj.final_params, w_ref, rtol=1e-5, atol=1e-6)
    # and the package's loss agrees with the independent one along the whole trajectory
    Phi, y = _reference_wdbc()
    independent = [_reference_loss_and_grad(w, Phi, y)[0] for w in traj.params]
    np.testing.assert_allclose(traj.loss, independent, rtol=1e-12)
