"""Tests for L1, elastic-net and weighted logistic losses, soft-thresholding, proximal gradient
descent, penalised fits and regularisation paths.

Each quantity is computed twice: by the code under test and by an independent reference (the
definition evaluated directly, finite differences, a brute-force minimisation, scikit-learn),
compared within a tolerance derived from a bound.
"""

from __future__ import annotations

import doctest
import math
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_sample_weight
from test_objectives import _central_diff

import widgets.regularization as regularization
from widgets.data import balanced_sample_weight, load_wdbc
from widgets.objectives import LogisticLoss, soft_threshold
from widgets.optimizers import gd, needs_prox, proximal_gd
from widgets.regularization import (
    fit_penalized,
    penalty_strengths,
    regularization_path,
    to_sklearn_c,
)
from widgets.simulate import simulate, sweep

_rng = np.random.default_rng(11)
_X = _rng.normal(size=(40, 4))
_Y = (_X @ [1.0, -0.5, 0.0, 0.2] + _rng.normal(size=40) > 0).astype(float)
_S = _rng.uniform(0.0, 3.0, size=40)
WDBC = load_wdbc()


# -- soft-thresholding and the composite loss ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(v=st.floats(-1e6, 1e6), t=st.floats(0.0, 1e3))
def test_soft_threshold_is_the_prox_of_the_absolute_value(v, t):
    s = float(soft_threshold(v, t))
    # the definition, case by case, in exact arithmetic on floats
    expected = v - t if v > t else (v + t if v < -t else 0.0)
    assert s == expected
    if s == 0:
        assert math.copysign(1.0, s) > 0  # +0.0
    # and it minimises ½(u − v)² + t|u|: no nearby u does better
    objective = lambda u: 0.5 * (u - v) ** 2 + t * abs(u)  # noqa: E731
    for u in (s - 1e-3, s + 1e-3, 0.0, v):
        assert objective(s) <= objective(u) + 1e-9 * (1 + abs(v)) ** 2


def test_soft_threshold_gives_exact_zeros_and_validates():
    out = soft_threshold(np.array([-1.0, -0.25, 0.0, 0.25, 1e-300]), 0.25)
    np.testing.assert_array_equal(out, [-0.75, 0.0, 0.0, 0.0, 0.0])
    assert not np.signbit(out[1:]).any()  # +0.0, never −0.0
    with pytest.raises(ValueError, match=r"threshold must hold finite numbers in \[0, inf\)"):
        soft_threshold([1.0], -0.1)


def _kink_free(loss, w, margin=1e-3):
    """Move penalised coordinates at least ``margin`` away from 0, where F is differentiable."""
    w = w.copy()
    p = loss._n_penalised
    close = np.abs(w[:p]) < margin
    w[:p][close] = np.where(w[:p][close] >= 0, margin, -margin)
    return w


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(l1=0.3),
        dict(l1=0.1, l2=0.2),
        dict(l1=0.2, sample_weight=_S),
        dict(l1=0.05, fit_bias=False),
    ],
    ids=["l1", "elastic net", "l1 weighted", "l1 no bias"],
)
@settings(max_examples=30, deadline=None)
@given(w=arrays(np.float64, 5, elements=st.floats(-2.0, 2.0)))
def test_composite_loss_value_and_derivatives(kwargs, w):
    loss = LogisticLoss(_X, _Y, **kwargs)
    plain = LogisticLoss(_X, _Y, **{k: v for k, v in kwargs.items() if k != "l1"})
    w = _kink_free(loss, w[: loss.dim])
    p = loss._n_penalised
    assert not loss.smooth and plain.smooth
    tau = kwargs["l1"]
    assert loss.value(w) == pytest.approx(float(plain.value(w)) + tau * np.abs(w[:p]).sum(), 1e-13)
    assert loss.smooth_value(w) == pytest.approx(float(plain.value(w)), rel=1e-14)
    assert loss.nonsmooth_value(w) == pytest.approx(tau * np.abs(w[:p]).sum(), rel=1e-14)
    np.testing.assert_allclose(loss.smooth_grad(w), plain.grad(w), rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(loss.hessian(w), plain.hessian(w), rtol=1e-14, atol=1e-16)
    # off the kinks grad is the gradient of F: central differences, h = 1e-5 < margin 1e-3
    np.testing.assert_allclose(loss.grad(w), _central_diff(loss.value, w), rtol=1e-7, atol=1e-7)


def test_grad_at_a_kink_is_the_minimum_norm_subgradient():
    loss = LogisticLoss(_X, _Y, l1=0.05)
    w = np.array([0.8, 0.0, 0.0, -0.3, 0.1])
    g = loss.smooth_grad(w)
    r = loss.grad(w)
    for j in (1, 2):  # at 0 the subdifferential is [g − τ, g + τ]: its element nearest 0
        lo, hi = g[j] - 0.05, g[j] + 0.05
        assert r[j] == (0.0 if lo <= 0 <= hi else (lo if lo > 0 else hi))
    np.testing.assert_allclose(r[[0, 3]], g[[0, 3]] + 0.05 * np.sign(w[[0, 3]]), rtol=1e-15)
    assert r[4] == g[4]  # the bias is never penalised
    # the per-example gradients still average to grad
    np.testing.assert_allclose(loss.example_grads(w).mean(axis=0), r, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(loss.grad_batch(w, np.arange(40)), r, rtol=1e-12, atol=1e-15)


def test_prox_soft_thresholds_only_the_weights():
    loss = LogisticLoss(_X, _Y, l1=0.5)
    v = np.array([1.0, -0.2, 0.3, -2.0, 0.1])
    out = loss.prox(v, 0.5)
    np.testing.assert_allclose(out, [0.75, 0.0, 0.05, -1.75, 0.1], rtol=1e-15)
    assert out[1] == 0.0
    V = np.stack([v, v])
    np.testing.assert_array_equal(loss.prox(V, [0.0, 2.0])[1], [0.0, 0.0, 0.0, -1.0, 0.1])
    np.testing.assert_array_equal(LogisticLoss(_X, _Y).prox(v, 0.5), v)  # smooth: identity
    with pytest.raises(ValueError, match=r"step must hold finite numbers in \[0, inf\)"):
        loss.prox(v, -1.0)


def test_with_penalty_shares_the_data_and_changes_only_the_strengths():
    loss = LogisticLoss(_X, _Y, sample_weight=_S)
    other = loss.with_penalty(l1=0.2, l2=0.1)
    assert other._design is loss._design and other._weights is loss._weights
    ref = LogisticLoss(_X, _Y, sample_weight=_S, l1=0.2, l2=0.1)
    w = _rng.normal(size=5)
    assert other.value(w) == ref.value(w) and loss.l1 == 0.0 and loss.smooth
    assert other.lipschitz == pytest.approx(ref.lipschitz, rel=1e-15)


def test_lipschitz_bounds_the_curvature():
    for loss in (LogisticLoss(_X, _Y, l2=0.3), LogisticLoss(_X, _Y, sample_weight=_S)):
        top = max(np.linalg.eigvalsh(loss.hessian(w)).max() for w in _rng.normal(size=(50, 5)))
        assert top <= loss.lipschitz
    # without a penalty the bound is attained at w = 0, where σ' = 1/4 exactly
    loss = LogisticLoss(_X, _Y, sample_weight=_S)
    top = np.linalg.eigvalsh(loss.hessian(np.zeros(5))).max()
    assert top == pytest.approx(loss.lipschitz, rel=1e-12)


# -- sample weights ------------------------------------------------------------------------------


def test_integer_weights_equal_repeated_examples():
    counts = np.array([0, 1, 2, 3] * 10)
    weighted = LogisticLoss(_X, _Y, sample_weight=counts, l2=0.1)
    repeated = LogisticLoss(np.repeat(_X, counts, axis=0), np.repeat(_Y, counts), l2=0.1)
    for w in _rng.normal(size=(5, 5)):
        assert weighted.value(w) == pytest.approx(float(repeated.value(w)), rel=1e-13)
        np.testing.assert_allclose(weighted.grad(w), repeated.grad(w), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(weighted.hessian(w), repeated.hessian(w), rtol=1e-12)
    # scaling every weight leaves the weighted mean unchanged, up to rounding: 3·sᵢ is rounded
    # (u = ε/2 each) and the two weighted sums and totals round differently, all terms positive,
    # so the two means differ by at most about (2m + 4)u relative (m examples)
    m = len(_Y)
    for w in np.random.default_rng(5).normal(size=(20, 5)):  # not the shared generator's turn
        np.testing.assert_allclose(
            LogisticLoss(_X, _Y, sample_weight=3 * _S).value(w),
            LogisticLoss(_X, _Y, sample_weight=_S).value(w),
            rtol=(2 * m + 4) * np.finfo(float).eps / 2,
            atol=0,
        )


def test_weighted_batches_are_unbiased():
    loss = LogisticLoss(_X, _Y, sample_weight=_S)
    w = _rng.normal(size=5)
    singles = np.array([loss.grad_batch(w, [i]) for i in range(40)])
    np.testing.assert_allclose(singles.mean(axis=0), loss.grad(w), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "weights, match",
    [
        (np.ones(39), r"sample_weight must have shape \(40,\)"),
        (np.r_[-1.0, np.ones(39)], r"sample_weight must hold finite weights in \[0, inf\), got -1"),
        (np.r_[np.nan, np.ones(39)], "sample_weight must hold finite weights"),
        (np.zeros(40), "sample_weight must not be all zero"),
    ],
)
def test_bad_weights_are_refused(weights, match):
    with pytest.raises(ValueError, match=match):
        LogisticLoss(_X, _Y, sample_weight=weights)


def test_balanced_weights_match_scikit_learn():
    for y in (WDBC.y, [3, 3, 1, 7, 7, 7, 7], np.array(["a", "b", "b"], dtype=object) == "b"):
        np.testing.assert_allclose(
            balanced_sample_weight(y), compute_sample_weight("balanced", np.asarray(y)), rtol=1e-15
        )
    w = balanced_sample_weight(WDBC.y)
    assert w.sum() == pytest.approx(569, rel=1e-14)
    assert w[WDBC.y == 1].sum() == pytest.approx(w[WDBC.y == 0].sum(), rel=1e-14)
    with pytest.raises(ValueError, match="y must be a non-empty 1-D array"):
        balanced_sample_weight([])
    with pytest.raises(ValueError, match="y must contain only finite labels"):
        balanced_sample_weight([0.0, np.nan])


# -- proximal gradient descent -------------------------------------------------------------------


def test_proximal_gd_with_simulate_lands_on_exact_zeros():
    loss = LogisticLoss(WDBC.X[:, :10], WDBC.y, l1=0.02)
    step = 1.0 / loss.lipschitz
    traj = simulate(loss, proximal_gd(step), steps=20_000, tol=1e-7)
    assert traj.converged, traj.message
    w = traj.final_params
    assert 0 < np.count_nonzero(w[:-1]) < 10
    reference = fit_penalized(loss, tol=1e-12)
    np.testing.assert_array_equal(w == 0, reference.params == 0)
    # ‖r‖₂ < 1e-7 at both and μ ≥ ½λ_min(H) on the common face: ‖Δ‖ ≤ 2e-7/μ
    free = reference.params != 0
    mu = 0.5 * np.linalg.eigvalsh(loss.hessian(reference.params)[np.ix_(free, free)])[0]
    assert np.linalg.norm(w - reference.params) <= 2e-7 / mu
    # F never increases with α ≤ 1/L (the descent lemma), up to rounding
    assert np.all(np.diff(traj.loss) <= 1e-15 * traj.loss[:-1])
    # plain (sub)gradient descent on the same loss never lands on 0: its zeros are only tiny
    sub = simulate(loss, gd(step), steps=2000, tol=None).final_params[:-1]
    assert np.count_nonzero(sub) == 10 and np.abs(sub).min() < 1e-2


def test_proximal_gd_equals_gd_on_a_smooth_loss():
    loss = LogisticLoss(_X, _Y, l2=0.1)
    a = simulate(loss, proximal_gd(0.5), steps=50, tol=None)
    b = simulate(loss, gd(0.5), steps=50, tol=None)
    np.testing.assert_array_equal(a.params, b.params)
    assert needs_prox(proximal_gd(0.1)) and not needs_prox("gd")


def test_proximal_gd_update_is_the_prox_of_a_gradient_step():
    loss = LogisticLoss(_X, _Y, l1=0.1)
    opt = proximal_gd(learning_rate=0.3)
    w = np.array([0.5, -0.01, 0.2, 0.0, 0.4])
    g = loss.smooth_grad(w)
    updates, state = opt.update(g, opt.init(w), w, prox=loss.prox)
    np.testing.assert_array_equal(
        w + updates, soft_threshold(w - 0.3 * g, 0.3 * np.r_[[0.1] * 4, 0])
    )
    assert state.count == 1
    with pytest.raises(ValueError, match="proximal_gd needs params"):
        opt.update(g, opt.init(w), prox=loss.prox)


def test_stochastic_and_swept_proximal_runs():
    loss = LogisticLoss(_X, _Y, l1=0.05)
    traj = simulate(loss, proximal_gd(0.05), steps=400, batch_size=8, seed=3, tol=None)
    assert traj.status == "max_steps" and np.isfinite(traj.loss).all()
    assert np.count_nonzero(traj.final_params[:-1]) < 4  # exact zeros also with noisy gradients
    result = sweep(loss, "proximal_gd", [0.1, 0.5, 1.0], steps=300, tol=None)
    for j, lr in enumerate([0.1, 0.5, 1.0]):
        alone = simulate(loss, proximal_gd(lr), steps=300, tol=None)
        np.testing.assert_allclose(
            result.final_params[0, j], alone.final_params, rtol=1e-12, atol=1e-15
        )


# -- fits against scikit-learn -------------------------------------------------------------------


def _distance_bound(loss, a, b):
    """‖a − b‖₂ and (‖r(a)‖₂ + ‖r(b)‖₂)/μ, with r the minimum-norm subgradient and μ = ½ λ_min
    of ∇²f on the common face (same zeros, same signs) where F is smooth and μ-strongly convex:
    each point is within ‖r‖/μ of the minimiser (H changes by far less than half across the
    1e-6-wide neighbourhood of the minimiser where both lie, hence the ½)."""
    assert np.array_equal(a == 0, b == 0) and np.array_equal(np.sign(a), np.sign(b))
    face = (a != 0) | (np.arange(loss.dim) >= loss._n_penalised)
    mu = 0.5 * np.linalg.eigvalsh(loss.hessian(a)[np.ix_(face, face)])[0]
    bound = (np.linalg.norm(loss.grad(a)) + np.linalg.norm(loss.grad(b))) / mu
    return float(np.linalg.norm(a - b)), bound


CASES = [
    ("l2", 1e-3, None, "newton-cholesky"),
    ("l2", 0.1, "weighted", "lbfgs"),
    ("l1", 0.01, None, "saga"),
    ("l1", 0.02, "weighted", "saga"),
    ("elasticnet", 0.02, None, "saga"),
]


@pytest.mark.parametrize("penalty, tau, weighted, solver", CASES)
def test_binary_fit_matches_scikit_learn(penalty, tau, weighted, solver):
    """scikit-learn minimises C Σᵢ sᵢℓᵢ + r(w) = C Σ sᵢ · F(w): the same minimiser for
    C = 1/(τ Σ sᵢ). Its solvers stop on their own criteria, so the tolerance is the bound
    ‖ŵ − w*‖ ≤ ‖r‖/μ evaluated at both solutions with our residual r."""
    features = ["mean radius", "mean texture", "mean smoothness", "mean concavity", "worst area"]
    data = load_wdbc(features)
    weights = (
        balanced_sample_weight(data.y) * np.r_[np.ones(300), np.full(269, 2.0)]
        if weighted
        else None
    )
    rho = {"l2": 0.0, "l1": 1.0, "elasticnet": 0.5}[penalty]
    l1, l2 = penalty_strengths(penalty, tau, rho)
    loss = LogisticLoss(data.X, data.y, l1=l1, l2=l2, sample_weight=weights)
    ours = fit_penalized(loss, tol=1e-11)
    assert ours.converged, ours.message
    total = 569.0 if weights is None else float(weights.sum())
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        sk = LogisticRegression(
            C=to_sklearn_c(tau, total), l1_ratio=rho, solver=solver, tol=1e-12, max_iter=100_000
        ).fit(data.X, data.y, sample_weight=weights)
    theirs = np.r_[sk.coef_[0], sk.intercept_]
    distance, bound = _distance_bound(loss, ours.params, theirs)
    assert distance <= bound < 1e-6, (distance, bound)


def test_l1_zeros_match_scikit_learn_on_all_of_wdbc():
    tau = 0.01
    ours = fit_penalized(LogisticLoss(WDBC.X, WDBC.y, l1=tau), tol=1e-11)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        sk = LogisticRegression(
            C=to_sklearn_c(tau, 569), l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=100_000
        ).fit(WDBC.X, WDBC.y)
    np.testing.assert_array_equal(ours.params[:-1] == 0, sk.coef_[0] == 0)
    assert 0 < np.count_nonzero(sk.coef_) < 30
    distance, bound = _distance_bound(
        LogisticLoss(WDBC.X, WDBC.y, l1=tau), ours.params, np.r_[sk.coef_[0], sk.intercept_]
    )
    assert distance <= bound < 1e-5, (distance, bound)


# -- fit_penalized and regularization_path ---------------------------------------------------------


def test_fit_reports_failure_honestly():
    separable = LogisticLoss([[1.0], [2.0], [-1.0], [-2.0]], [1, 1, 0, 0], fit_bias=False)
    fit = fit_penalized(separable, max_iter=3)  # no minimiser: ‖w‖ → ∞
    assert not fit.converged and fit.n_iter == 3 and "not converged" in fit.message
    assert fit.residual > fit.tol


def test_l1_above_tau_max_gives_all_zeros():
    # with the bias at its optimum log-odds, w = 0 is optimal iff τ ≥ ‖Xᵀ(y − ȳ)‖∞/m
    tau_max = np.abs(WDBC.X.T @ (WDBC.y - WDBC.y.mean())).max() / 569
    path = regularization_path(WDBC.X, WDBC.y, [tau_max * 1.001, tau_max * 0.98], penalty="l1")
    assert path.n_nonzero.tolist() == [0, 1]
    # the residual ≤ 1e-8 and the bias's curvature is ȳ(1 − ȳ) = 0.234: error ≤ 4.3e-8
    assert path.intercept[0] == pytest.approx(math.log(212 / 357), abs=1e-8 / (0.373 * 0.627))


def test_path_is_warm_started_independent_of_order_and_converged():
    taus = np.logspace(-3, 0, 12)
    path = regularization_path(WDBC.X, WDBC.y, taus, penalty="elasticnet", l1_ratio=0.7)
    assert path.converged.all() and path.message.startswith("all 12 fits converged")
    assert path.coef.shape == (12, 30) and path.intercept.shape == (12,)
    shuffled = _rng.permutation(12)
    again = regularization_path(WDBC.X, WDBC.y, taus[shuffled], penalty="elasticnet", l1_ratio=0.7)
    np.testing.assert_array_equal(again.lambdas, taus[shuffled])
    np.testing.assert_allclose(again.coef, path.coef[shuffled], atol=1e-6)
    # each row equals a cold-started fit of the same problem (to the bound for both residuals)
    l1, l2 = penalty_strengths("elasticnet", taus[4], 0.7)
    cold = fit_penalized(LogisticLoss(WDBC.X, WDBC.y, l1=l1, l2=l2))
    np.testing.assert_array_equal(cold.params[:-1] == 0, path.coef[4] == 0)
    np.testing.assert_allclose(cold.params[:-1], path.coef[4], atol=1e-5)
    # stronger penalties shrink: ‖w‖₁ falls along the path (τ increasing)
    assert np.all(np.diff(np.abs(path.coef).sum(axis=1)) <= 1e-9)


def test_l2_path_solutions_are_stationary():
    taus = np.logspace(-4, 0, 8)
    path = regularization_path(WDBC.X, WDBC.y, taus, penalty="l2", tol=1e-9)
    assert path.converged.all() and (path.n_nonzero == 30).all()
    for tau, coef, b in zip(taus, path.coef, path.intercept, strict=True):
        g = LogisticLoss(WDBC.X, WDBC.y, l2=tau).grad(np.r_[coef, b])
        assert np.abs(g).max() <= 1e-9


def test_path_says_when_it_did_not_converge():
    path = regularization_path(WDBC.X, WDBC.y, [0.1, 1e-4], penalty="l1", max_iter=2)
    assert not path.converged.all() and "did not converge" in path.message
    assert "0.0001" in path.message


def test_whole_wdbc_path_is_fast():
    """The explorer computes it once: 50 values of τ × 3 penalties. Measured at about 0.3 s on
    the 2-core machine; the limit leaves room for a loaded machine."""
    taus = np.logspace(-4, 0, 50)
    t0 = time.perf_counter()
    paths = [
        regularization_path(WDBC.X, WDBC.y, taus, penalty=p) for p in ("l2", "l1", "elasticnet")
    ]
    elapsed = time.perf_counter() - t0
    assert all(p.converged.all() for p in paths)
    assert elapsed < 3.0, f"{elapsed:.2f} s"


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            dict(lambdas=[0.1, -0.01]),
            ValueError,
            r"lambdas must hold values of τ in \[0, inf\), got -0\.01 at index 1",
        ),
        (dict(lambdas=[]), ValueError, "lambdas must hold at least one value"),
        (dict(lambdas=[np.nan]), ValueError, "lambdas must contain only finite"),
        (
            dict(penalty="l3"),
            ValueError,
            "unknown penalty 'l3'; valid values are: 'l2', 'l1', 'elasticnet'",
        ),
        (dict(l1_ratio=1.5), ValueError, r"l1_ratio must be in \[0, 1\]"),
        (dict(l1_ratio=-0.1), ValueError, r"l1_ratio must be in \[0, 1\]"),
        (dict(y=np.r_[WDBC.y[:-1], 2.0]), ValueError, "y must contain only 0 and 1"),
        (dict(y=WDBC.y[:-1]), ValueError, r"y must have shape \(569,\) to match X with 569 rows"),
        (
            dict(X=np.where(np.eye(569, 30, dtype=bool), np.inf, WDBC.X)),
            ValueError,
            "X must contain only finite",
        ),
        (dict(tol=0.0), ValueError, r"tol must be in \(0, inf\)"),
        (dict(max_iter=0), ValueError, r"max_iter must be an integer in \[1, inf\)"),
    ],
)
def test_path_rejects_bad_arguments(kwargs, error, match):
    args = dict(X=WDBC.X, y=WDBC.y, lambdas=[0.1]) | kwargs
    with pytest.raises(error, match=match):
        regularization_path(**args)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: LogisticLoss(_X, _Y, l1=-0.5), r"l1 must be in \[0, inf\)"),
        (lambda: LogisticLoss(_X, _Y, l2=-0.5), r"l2 must be in \[0, inf\)"),
        (lambda: LogisticLoss(_X, _Y).with_penalty(l1=-1.0), r"l1 must be in \[0, inf\)"),
        (lambda: penalty_strengths("elasticnet", -1.0), r"strength must be in \[0, inf\)"),
        (lambda: penalty_strengths("l1", 1.0, l1_ratio=2.0), r"l1_ratio must be in \[0, 1\]"),
        (lambda: to_sklearn_c(0.1, 0.0), r"total_weight must be in \(0, inf\)"),
        (
            lambda: fit_penalized(LogisticLoss(_X, _Y), start=np.ones(3)),
            r"start must have length 5",
        ),
        (lambda: fit_penalized(LogisticLoss(_X, _Y), tol=-1.0), r"tol must be in \(0, inf\)"),
    ],
)
def test_other_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_fit_needs_a_data_loss():
    from widgets.objectives import Quadratic2D

    with pytest.raises(TypeError, match="loss must be a LogisticLoss or SoftmaxLoss"):
        fit_penalized(Quadratic2D())


def test_sklearn_c_translation():
    assert to_sklearn_c(0.0, 10) == math.inf
    assert to_sklearn_c(0.5, 4) == 0.5
    assert penalty_strengths("l2", 0.3) == (0.0, 0.3)
    assert penalty_strengths("l1", 0.3) == (0.3, 0.0)
    assert penalty_strengths("elasticnet", 0.4, 0.25) == pytest.approx((0.1, 0.3), rel=1e-15)


def test_doctests():
    result = doctest.testmod(regularization, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
