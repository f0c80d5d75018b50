"""widgets.calibration: Platt scaling and isotonic regression, each checked against scikit-learn.

Platt: our Newton fit is compared with scikit-learn's sigmoid calibrator and with
``LogisticRegression`` on the same scores. Those stop at a gradient tolerance, so they are only
near the optimum; the bound used is that of a strongly convex f, ‖θ − θ*‖ ≤ ‖∇f(θ)‖ / μ, with μ
the smallest eigenvalue of the Hessian (times 2, for its change between the two points).
Isotonic: pool adjacent violators against ``sklearn.isotonic``, within the rounding of the block
sums (≤ m additions of relative size ε each).
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.isotonic import IsotonicRegression as SkIsotonic
from sklearn.isotonic import isotonic_regression as sk_isotonic_regression
from sklearn.linear_model import LogisticRegression
from sklearn_calibrators import sklearn_calibrator

from widgets import calibration
from widgets.calibration import (
    PlattLoss,
    isotonic_regression,
    platt_scaling,
    platt_targets,
    pool_adjacent_violators,
)
from widgets.objectives import LogisticLoss

EPS = float(np.finfo(float).eps)


def _scored(rng: np.random.Generator, m: int, *, separation: float, scale: float = 1.0):
    """m labelled scores, both classes present: y ~ Bernoulli, s ~ N(separation·(2y − 1), 1)."""
    y = rng.integers(0, 2, m)
    y[:2] = (0, 1)
    s = scale * (rng.normal(size=m) + separation * (2 * y - 1))
    return s, y


def _distance_bound(loss: PlattLoss, ours: np.ndarray, theirs: np.ndarray) -> float:
    """2(‖∇f(ours)‖ + ‖∇f(theirs)‖)/μ: how far two solvers' answers can be from each other, each
    being within 2‖∇f‖/μ of the minimiser θ* (ours stops at a gradient tolerance too)."""
    mu = np.linalg.eigvalsh(loss.hessian(ours))[0]
    gradients = float(np.linalg.norm(loss.grad(ours)) + np.linalg.norm(loss.grad(theirs)))
    return 2 * gradients / mu + 1e-12 * (1 + np.abs(theirs).max())


def test_docstring_examples_run() -> None:
    result = doctest.testmod(calibration, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


# --------------------------------------------------------------------------------------------
# Platt scaling


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_platt_loss_with_hard_targets_is_the_logistic_loss(seed: int) -> None:
    rng = np.random.default_rng(seed)
    s, y = _scored(rng, 30, separation=1.0)
    ours, reference = PlattLoss(s, y), LogisticLoss(s[:, None], y)
    theta = rng.normal(scale=3.0, size=(5, 2))
    # the same sums of the same per-example terms, computed in a different (stable) form
    np.testing.assert_allclose(ours.value(theta), reference.value(theta), rtol=1e-13)
    np.testing.assert_allclose(ours.grad(theta), reference.grad(theta), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours.hessian(theta), reference.hessian(theta), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_platt_loss_derivatives_match_central_differences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    s, y = _scored(rng, 25, separation=0.5)
    loss = PlattLoss(s, platt_targets(y))
    theta, h = rng.normal(size=2), 1e-5
    fd = [(loss.value(theta + e) - loss.value(theta - e)) / (2 * h) for e in h * np.eye(2)]
    fd_hess = [(loss.grad(theta + e) - loss.grad(theta - e)) / (2 * h) for e in h * np.eye(2)]
    # truncation h²|f'''|/6 ≲ 1e-9 here, rounding ε|f|/h ≈ 1e-11
    np.testing.assert_allclose(loss.grad(theta), fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(loss.hessian(theta), fd_hess, rtol=1e-6, atol=1e-8)


def test_platt_targets_follow_the_rule_of_succession() -> None:
    y = np.r_[np.ones(8), np.zeros(3)]
    t = platt_targets(y)
    np.testing.assert_array_equal(t[:8], 9 / 10)
    np.testing.assert_array_equal(t[8:], 1 / 5)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    m=st.integers(2, 80),
    separation=st.floats(0.0, 4.0),
    scale=st.sampled_from([1e-2, 1.0, 30.0, 500.0]),
    tied=st.booleans(),
)
@example(seed=0, m=2, separation=0.0, scale=1.0, tied=False)
@example(seed=1, m=40, separation=4.0, scale=500.0, tied=False)  # separated and huge (logits)
@example(seed=2, m=60, separation=1.0, scale=1.0, tied=True)
def test_platt_matches_sklearn_sigmoid_calibration(seed, m, separation, scale, tied) -> None:
    rng = np.random.default_rng(seed)
    s, y = _scored(rng, m, separation=separation, scale=scale)
    if tied:
        s = np.round(s / scale) * scale
    if np.unique(s).size < 2:
        s[0] += scale  # two distinct scores are needed
    fit = platt_scaling(s, y)
    assert fit.smoothing and "converged" in fit.message
    cal = sklearn_calibrator(s, y, "sigmoid")
    sk = cal.calibrated_classifiers_[0].calibrators[0]
    theirs = np.array([-sk.a_, -sk.b_])  # scikit-learn writes 1/(1 + exp(A s + B))
    ours = np.array([fit.slope, fit.intercept])
    loss = PlattLoss(s, platt_targets(y))
    # ours is at the minimiser: its gradient is at the rounding floor
    assert np.linalg.norm(loss.grad(ours)) <= calibration.PLATT_TOL * (1 + np.abs(s).max())
    bound = _distance_bound(loss, ours, theirs)
    assert np.linalg.norm(ours - theirs) <= bound
    # |Δp| ≤ ¼ |Δz| ≤ ¼ ‖Δθ‖ ‖(s, 1)‖
    dp = np.abs(fit.predict(s) - cal.predict_proba(s[:, None])[:, 1])
    assert dp.max() <= 0.25 * bound * np.sqrt(1 + s**2).max() + 1e-15


@pytest.mark.parametrize("smoothing", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_platt_is_logistic_regression_on_the_scores(smoothing: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    s, y = _scored(rng, 60, separation=0.8, scale=2.0)
    fit = platt_scaling(s, y, smoothing=smoothing)
    t = platt_targets(y) if smoothing else y.astype(float)
    # each score once as a positive with weight t and once as a negative with weight 1 − t:
    # the weighted likelihood Σ t log p + (1 − t) log(1 − p) is Platt's soft-target likelihood
    X2, y2, w2 = np.r_[s, s][:, None], np.r_[np.ones(60), np.zeros(60)], np.r_[t, 1 - t]
    lr = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X2, y2, sample_weight=w2)
    theirs = np.array([lr.coef_[0, 0], lr.intercept_[0]])
    ours = np.array([fit.slope, fit.intercept])
    loss = PlattLoss(s, t)
    assert np.linalg.norm(ours - theirs) <= _distance_bound(loss, ours, theirs)
    if not smoothing:  # and without smoothing, plain logistic regression on (s, y)
        lr = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(s[:, None], y)
        theirs = np.array([lr.coef_[0, 0], lr.intercept_[0]])
        assert np.linalg.norm(ours - theirs) <= _distance_bound(loss, ours, theirs)


def test_smoothing_keeps_the_slope_finite_on_separated_scores() -> None:
    s = np.array([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0])
    y = np.array([0, 0, 0, 1, 1, 1])
    fit = platt_scaling(s, y)
    assert 0 < fit.slope < 10
    p = fit.predict(s)
    # far from 0 and 1 (the unsmoothed fit would push them there); and, the intercept's
    # first-order condition, their mean is the mean target
    assert 0.1 < p.min() and p.max() < 0.9
    assert abs(p.mean() - platt_targets(y).mean()) < 1e-10
    with pytest.raises(ValueError, match=r"separate the classes.*smoothing=True"):
        platt_scaling(s, y, smoothing=False)
    with pytest.raises(ValueError, match="separate the classes"):
        platt_scaling(-s, y, smoothing=False)  # reversed order separates too


def test_platt_overconfident_scores_get_a_slope_below_one() -> None:
    # logits three times too large: σ(3z) where the truth is σ(z); Platt divides by about 3
    rng = np.random.default_rng(4)
    z = rng.normal(scale=2.0, size=4000)
    y = (rng.random(4000) < 1 / (1 + np.exp(-z))).astype(int)
    fit = platt_scaling(3 * z, y)
    # the fitted slope estimates 1/3 with a standard error of about 0.01 at this size
    assert abs(fit.slope - 1 / 3) < 0.05 and abs(fit.intercept) < 0.15


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: platt_scaling([0.1, 0.2], [1, 1]), ValueError, "needs both classes"),
        (lambda: platt_scaling([0.5, 0.5, 0.5], [0, 1, 1]), ValueError, "two distinct"),
        (lambda: platt_scaling([0.1, np.nan], [0, 1]), ValueError, "scores must contain only"),
        (lambda: platt_scaling([0.1, np.inf], [0, 1]), ValueError, "scores must contain only"),
        (lambda: platt_scaling([0.1, 0.2], [0, 2]), ValueError, "labels 0 and 1"),
        (lambda: platt_scaling([0.1, 0.2, 0.3], [0, 1]), ValueError, "same length"),
        (lambda: platt_scaling([0.1, 0.2], [0, 1], smoothing=1), TypeError, "smoothing"),
        (lambda: PlattLoss([0.1, 0.2], [0.0, 1.5]), ValueError, r"targets must lie in \[0, 1\]"),
        (lambda: PlattLoss([], []), ValueError, "at least one"),
    ],
)
def test_platt_bad_input_raises(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------------------------
# Isotonic regression

VALUES = st.one_of(st.floats(-100, 100), st.sampled_from([0.0, 1.0]))


@settings(max_examples=100, deadline=None)
@given(
    y=st.lists(VALUES, min_size=1, max_size=60),
    weights=st.none() | st.lists(st.floats(0.01, 10.0), min_size=60, max_size=60),
)
@example(y=[5.0], weights=None)
@example(y=[3.0, 2.0, 1.0], weights=None)  # one violation chain: everything pools
@example(y=[1.0, 1.0, 1.0], weights=None)  # equal neighbours are not violators
@example(y=[0.0, 1.0, 0.0, 1.0, 1.0, 0.0], weights=None)
def test_pava_matches_sklearn(y, weights) -> None:
    y = np.array(y)
    w = None if weights is None else np.array(weights[: y.size])
    ours = pool_adjacent_violators(y, w)
    theirs = sk_isotonic_regression(y, sample_weight=w)
    # block means are sums of ≤ m weighted terms over sums of ≤ m weights, in another order:
    # each carries ≤ 2m roundings of relative size ε on values ≤ max |y|
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=4 * y.size * EPS * np.abs(y).max())
    assert np.all(np.diff(ours) >= 0)
    w = np.ones(y.size) if w is None else w
    # a projection onto a cone containing the constants: the weighted residuals sum to zero
    assert abs(np.sum(w * (y - ours))) <= 8 * y.size * EPS * np.sum(w * np.abs(y)) + 1e-300


# scikit-learn also pools distinct scores closer than 1e-15, which we do not: the scores are
# quarters (many ties) or reals rounded to 1e-9, so that both see the same ties
GRID_SCORES = st.integers(-12, 12).map(lambda k: k / 4)
ROUNDED_SCORES = st.floats(-3, 3).map(lambda v: round(v, 9))


@settings(max_examples=100, deadline=None)
@given(
    data=st.integers(1, 60).flatmap(
        lambda m: st.tuples(
            st.lists(GRID_SCORES | ROUNDED_SCORES, min_size=m, max_size=m),
            st.lists(st.integers(0, 1), min_size=m, max_size=m),
        )
    )
)
@example(data=([0.5], [1]))
@example(data=([0.5, 0.5, 0.5], [0, 1, 1]))  # all tied: one point, the mean
@example(data=([0.0, 0.25, 0.25, 0.5, 0.5, 1.0], [0, 1, 0, 0, 0, 1]))
def test_isotonic_regression_matches_sklearn(data) -> None:
    x, y = np.array(data[0]), np.array(data[1], dtype=float)
    ours = isotonic_regression(x, y)
    theirs = SkIsotonic(out_of_bounds="clip").fit(x, y)
    unique = np.unique(x)
    probes = np.r_[unique, (unique[:-1] + unique[1:]) / 2, unique[0] - 1, unique[-1] + 1]
    # fitted values are fractions k/n of positives, computed by pooled sums (ours) or by means
    # of means (scikit-learn): ≤ 4m roundings of relative size ε, and interpolation adds a few
    tol = 8 * (x.size + 2) * EPS
    np.testing.assert_allclose(ours.predict(probes), theirs.predict(probes), rtol=0, atol=tol)
    assert np.all(np.diff(ours.x_thresholds) > 0) and np.all(np.diff(ours.y_thresholds) >= 0)
    # on the training scores: the fraction of positives in each pooled block, within [0, 1]
    assert 0 <= ours.predict(x).min() and ours.predict(x).max() <= 1


def test_isotonic_thresholds_match_sklearn_exactly_on_a_tied_example() -> None:
    x = np.array([0.1, 0.1, 0.2, 0.3, 0.3, 0.3, 0.4, 0.5, 0.6, 0.6])
    y = np.array([0, 1, 0, 1, 0, 1, 1, 0, 1, 1], dtype=float)
    ours = isotonic_regression(x, y)
    theirs = SkIsotonic(out_of_bounds="clip").fit(x, y)
    np.testing.assert_array_equal(ours.x_thresholds, theirs.X_thresholds_)
    np.testing.assert_allclose(ours.y_thresholds, theirs.y_thresholds_, rtol=0, atol=4 * EPS)
    # tied scores share one fitted value: 0.1 (one of two positive) and 0.2 (negative) pool
    np.testing.assert_allclose(ours.predict([0.1, 0.2]), [1 / 3, 1 / 3], rtol=1e-15)


@pytest.mark.parametrize("seed", range(4))
def test_isotonic_matches_calibrated_classifier_cv(seed: int) -> None:
    rng = np.random.default_rng(seed)
    s, y = _scored(rng, 120, separation=0.7)
    s = np.round(s, 1)  # ties
    cal = sklearn_calibrator(s, y, "isotonic")
    new = np.linspace(-5, 5, 101)
    ours = isotonic_regression(s, y).predict(new)
    np.testing.assert_allclose(ours, cal.predict_proba(new[:, None])[:, 1], rtol=0, atol=1e-13)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: pool_adjacent_violators([]), ValueError, "at least one"),
        (lambda: pool_adjacent_violators([1.0, np.nan]), ValueError, "y must contain only"),
        (lambda: pool_adjacent_violators([1.0, 2.0], [1.0, 0.0]), ValueError,
         "sample_weight must be positive"),
        (lambda: pool_adjacent_violators([1.0, 2.0], [1.0]), ValueError, "sample_weight must"),
        (lambda: isotonic_regression([0.1, np.inf], [0, 1]), ValueError, "x must contain only"),
        (lambda: isotonic_regression([0.1, 0.2], [0, 1, 1]), ValueError, "same length"),
        (lambda: isotonic_regression([], []), ValueError, "at least one"),
        (lambda: isotonic_regression([0.1], [1]).predict([np.nan]), ValueError, "scores must"),
    ],
)  # fmt: skip
def test_isotonic_bad_input_raises(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()
