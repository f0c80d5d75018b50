"""Closed-form quadratic theory: hand-computed values, and agreement with measured runs.

Tolerances: closed forms are compared with rtol 1e-12 (they are a few float operations); measured
contraction factors of gradient descent with rtol 1e-9 (rounding over ~100 steps); heavy-ball
rates, whose optimum has a double root and so converges like t·ρᵗ, within 2 %. The property tests
use rounding bounds stated where they are used: 4ε between closed forms, and ½√δ + 4ε for heavy
ball's factors against their exact (50-digit) roots.
"""

from __future__ import annotations

import decimal
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from widgets.objectives import Quadratic1D, Quadratic2D
from widgets.optimizers import gd, momentum
from widgets.simulate import simulate
from widgets.theory import QuadraticTheory, quadratic_theory

EPS = np.finfo(float).eps
SQ3 = math.sqrt(3.0)
SQ10 = math.sqrt(10.0)


def test_diagonal_example_by_hand():
    th = quadratic_theory([[1.0, 0.0], [0.0, 10.0]])
    np.testing.assert_allclose(th.eigenvalues, [1.0, 10.0], rtol=1e-12)
    assert th.condition_number == pytest.approx(10.0, rel=1e-12)
    assert th.stable_lr_max == pytest.approx(0.2, rel=1e-12)
    assert th.stable_band == pytest.approx((0.0, 0.2), rel=1e-12)
    assert th.best_lr == pytest.approx(2.0 / 11.0, rel=1e-12)
    assert th.best_rate == pytest.approx(9.0 / 11.0, rel=1e-12)
    np.testing.assert_allclose(th.factors(0.1), [0.9, 0.0], rtol=1e-12, atol=1e-15)
    assert th.rate(0.1) == pytest.approx(0.9, rel=1e-12)
    assert th.rate(0.3) == pytest.approx(2.0, rel=1e-12)  # |1 − 0.3·10|
    assert th.momentum_rate == pytest.approx((SQ10 - 1) / (SQ10 + 1), rel=1e-12)
    assert th.best_momentum == pytest.approx(((SQ10 - 1) / (SQ10 + 1)) ** 2, rel=1e-12)
    assert th.best_momentum_lr == pytest.approx(4.0 / (SQ10 + 1.0) ** 2, rel=1e-12)


def test_rotated_example_by_hand():
    # [[2, 1], [1, 2]] has eigenvalues 1 (along (1, −1)) and 3 (along (1, 1)); κ = 3.
    th = quadratic_theory(np.array([[2.0, 1.0], [1.0, 2.0]]))
    np.testing.assert_allclose(th.eigenvalues, [1.0, 3.0], rtol=1e-12)
    v_min, v_max = th.eigenvectors[:, 0], th.eigenvectors[:, 1]
    assert abs(v_min @ np.array([1.0, -1.0]) / math.sqrt(2.0)) == pytest.approx(1.0, rel=1e-12)
    assert abs(v_max @ np.array([1.0, 1.0]) / math.sqrt(2.0)) == pytest.approx(1.0, rel=1e-12)
    assert th.best_lr == pytest.approx(0.5, rel=1e-12)
    assert th.best_rate == pytest.approx(0.5, rel=1e-12)
    assert th.stable_lr_max == pytest.approx(2.0 / 3.0, rel=1e-12)
    # (√3 − 1)/(√3 + 1) = 2 − √3 and 4/(√3 + 1)² = 4 − 2√3
    assert th.momentum_rate == pytest.approx(2.0 - SQ3, rel=1e-12)
    assert th.best_momentum == pytest.approx(7.0 - 4.0 * SQ3, rel=1e-12)
    assert th.best_momentum_lr == pytest.approx(4.0 - 2.0 * SQ3, rel=1e-12)


@pytest.mark.parametrize(
    ("lr", "expected"),
    [
        (0.1, "converges"),  # factor 0.6
        (0.25, "converges"),  # factor 0: one step to the minimum, no overshoot
        (0.3, "oscillates"),  # factor −0.2
        (0.49, "oscillates"),  # factor −0.96
        (0.5, "diverges"),  # factor −1: bounces forever
        (0.6, "diverges"),  # factor −1.4
    ],
)
def test_classify_one_dimensional(lr, expected):
    th = QuadraticTheory.from_objective(Quadratic1D(curvature=4.0))
    assert th.dim == 1
    assert th.classify(lr) == expected


def test_classify_two_dimensional_uses_the_steepest_direction():
    th = quadratic_theory(np.diag([1.0, 10.0]))
    assert th.classify(0.09) == "converges"
    assert th.classify(0.15) == "oscillates"  # 1 − 1.5 < 0 along λ = 10 only
    assert th.classify(0.2) == "diverges"
    assert th.classify(0.21) == "diverges"


def test_from_objective_matches_matrix():
    q = Quadratic2D(condition_number=25.0, angle=0.4, scale=2.0)
    th = QuadraticTheory.from_objective(q)
    np.testing.assert_allclose(th.eigenvalues, [2.0 / 25.0, 2.0], rtol=1e-12)
    assert th.condition_number == pytest.approx(25.0, rel=1e-12)
    np.testing.assert_allclose(th.A, q.A, rtol=1e-15)


def test_factors_is_vectorised_over_learning_rates():
    th = quadratic_theory(np.diag([1.0, 4.0]))
    lrs = np.array([0.1, 0.2, 0.3])
    f = th.factors(lrs)
    assert f.shape == (3, 2)
    np.testing.assert_allclose(f, np.abs(1.0 - lrs[:, None] * np.array([1.0, 4.0])), rtol=1e-15)
    np.testing.assert_allclose(th.rate(lrs), f.max(axis=1), rtol=0)


@settings(max_examples=60, deadline=None)
@given(
    kappa=st.floats(1.0, 1e4),
    scale=st.floats(1e-2, 1e2),
    angle=st.floats(0.0, math.pi),
)
@example(kappa=1.0, scale=1e-2, angle=0.0)
@example(kappa=1e4, scale=1e2, angle=math.pi)
@example(kappa=1e4, scale=1e-2, angle=math.pi / 2)
@example(kappa=1.0, scale=1e2, angle=math.pi)
def test_best_lr_minimises_the_rate(kappa, scale, angle):
    th = QuadraticTheory.from_objective(
        Quadratic2D(condition_number=kappa, angle=angle, scale=scale)
    )
    # Each |1 − αλᵢ| (with αλᵢ ≤ 2) and (κ − 1)/(κ + 1) is a few roundings of numbers ≤ 2, so each
    # is within 2ε of its exact value, absolutely; two of them differ by at most 4ε.
    assert abs(th.rate(th.best_lr) - th.best_rate) <= 4 * EPS
    # any other rate in the stable band is no better (grid of 401 rates)
    lrs = np.linspace(0.0, th.stable_lr_max, 403)[1:-1]
    assert np.all(th.rate(lrs) >= th.best_rate - 4 * EPS)
    assert th.classify(th.stable_lr_max * 1.0001) == "diverges"
    assert th.classify(th.stable_lr_max * 0.9999) != "diverges"


def _exact_momentum_factor(b: float, mu: float) -> float:
    """max |z| over the roots of z² − bz + μ, in 50-digit decimal from the same floats b, μ."""
    with decimal.localcontext(prec=50):
        b, mu = decimal.Decimal(b), decimal.Decimal(mu)
        disc = b * b - 4 * mu
        return float((abs(b) + disc.sqrt()) / 2 if disc >= 0 else mu.sqrt())  # |z|² = μ if complex


@settings(max_examples=40, deadline=None)
@given(kappa=st.floats(1.0, 1e4), lr_frac=st.floats(0.01, 0.99), mu=st.floats(0.0, 0.99))
@example(kappa=1.0, lr_frac=0.125, mu=0.25)  # λ = 1, α = 0.25: b = 1, b² − 4μ = 0, a double root
@example(kappa=1.0, lr_frac=0.01, mu=0.0)
@example(kappa=1e4, lr_frac=0.99, mu=0.99)
@example(kappa=1e4, lr_frac=0.01, mu=0.99)
@example(kappa=1e4, lr_frac=0.99, mu=0.0)
def test_momentum_factors_match_exact_roots(kappa, lr_frac, mu):
    # Reference: the roots of the 2×2 heavy-ball iteration's characteristic polynomial in 50 digits.
    th = quadratic_theory(np.diag([1.0, kappa]))
    lr = lr_frac * th.stable_lr_max
    b = 1.0 + mu - lr * th.eigenvalues  # the float b the code uses, rounded from the exact one
    expected = [_exact_momentum_factor(float(bi), mu) for bi in b]
    # From that b, b² − 4μ is three roundings, off by δ ≤ 2ε(b² + 4μ), and a square root near 0
    # turns δ into √δ; the rest is a few roundings of numbers ≤ 2: error ≤ ½√δ + 4ε. That √ε
    # (1.5e-8) near a double root is the problem's conditioning: LAPACK's eigenvalues of the
    # companion matrix, the reference before, are off by as much there.
    bound = 0.5 * np.sqrt(2 * EPS * (b * b + 4 * mu)) + 4 * EPS
    assert np.all(np.abs(th.momentum_factors(lr, mu) - expected) <= bound)
    # with μ = 0 the factors are |b| = |1 − αλ| computed the same way, up to rounding of √(b²)
    np.testing.assert_allclose(th.momentum_factors(lr, 0.0), th.factors(lr), rtol=EPS, atol=0)


def test_best_momentum_is_optimal_heavy_ball():
    th = quadratic_theory(np.diag([1.0, 50.0]))
    best = th.momentum_rate_at(th.best_momentum_lr, th.best_momentum)
    assert best == pytest.approx(th.momentum_rate, rel=1e-6)
    lrs = np.linspace(0.005, 0.075, 29)
    mus = np.linspace(0.0, 0.95, 39)
    grid = np.array([[th.momentum_rate_at(a, m) for a in lrs] for m in mus])
    assert grid.min() >= th.momentum_rate * (1 - 1e-6)
    assert th.momentum_rate < th.best_rate  # momentum beats the best fixed-rate GD


@pytest.mark.parametrize("lr_frac", [0.3, 0.7, 0.9, 1.0, 1.3, 1.8])
def test_measured_gd_rate_equals_theory(lr_frac):
    q = Quadratic2D(condition_number=10.0, angle=0.6)
    th = QuadraticTheory.from_objective(q)
    lr = lr_frac * th.best_lr
    worst = int(np.argmax(th.factors(lr)))
    # started on the slowest eigendirection, the error norm shrinks by exactly rate(lr) every step
    traj = simulate(q, gd(lr), th.eigenvectors[:, worst], steps=40, tol=None)
    norms = np.linalg.norm(traj.params, axis=1)
    np.testing.assert_allclose(norms[1:] / norms[:-1], th.rate(lr), rtol=1e-9)
    # from a generic start the ratio approaches rate(lr) once the faster direction has died out
    traj = simulate(q, gd(lr), [1.0, -0.3], steps=400, tol=None)
    norms = np.linalg.norm(traj.params, axis=1)
    assert norms[-1] / norms[-2] == pytest.approx(th.rate(lr), rel=1e-6)


def test_measured_heavy_ball_rate_matches_theory():
    q = Quadratic2D(condition_number=100.0, angle=0.3)
    th = QuadraticTheory.from_objective(q)
    traj = simulate(
        q, momentum(th.best_momentum_lr, momentum=th.best_momentum), [1.0, 1.0], steps=400, tol=None
    )
    norms = np.linalg.norm(traj.params, axis=1)
    measured = (norms[400] / norms[200]) ** (1 / 200)
    # the optimum is a double root, so ‖w_t‖ ~ t·ρᵗ: the window ratio carries a factor 2^(1/200)
    assert measured == pytest.approx(th.momentum_rate * 2 ** (1 / 200), rel=2e-2)
    gd_traj = simulate(q, gd(th.best_lr), [1.0, 1.0], steps=400, tol=None)
    assert norms[-1] < np.linalg.norm(gd_traj.params[-1]) * 1e-10  # ρ=0.82 vs 0.98 per step


# ------------------------------------------------------------------------------------------------
# Invalid inputs
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("A", "error", "match"),
    [
        ([[1.0, 2.0], [2.0, 1.0]], ValueError, "A must be positive definite"),  # eigenvalues 3, −1
        ([[1.0, 0.0], [0.0, 0.0]], ValueError, "A must be positive definite"),  # singular
        ([[-1.0]], ValueError, "A must be positive definite"),
        ([[1.0, 0.5], [0.0, 1.0]], ValueError, "A must be symmetric"),
        ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], ValueError, "A must be a non-empty square"),
        ([[np.nan, 0.0], [0.0, 1.0]], ValueError, "A must contain only finite"),
        ([1.0, 2.0], ValueError, "A must be a non-empty square"),
        ("abc", TypeError, "A must be a square matrix"),
    ],
)
def test_invalid_matrix(A, error, match):
    with pytest.raises(error, match=match):
        quadratic_theory(A)


def test_invalid_objective():
    with pytest.raises(TypeError, match="objective must be a quadratic"):
        QuadraticTheory.from_objective(object())


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda th: th.factors(0.0), ValueError, "lr must be finite and in"),
        (lambda th: th.factors([0.1, -1.0]), ValueError, "lr must be finite and in"),
        (lambda th: th.rate(np.nan), ValueError, "lr must be finite and in"),
        (lambda th: th.classify(-0.1), ValueError, "lr must be in"),
        (lambda th: th.classify("fast"), TypeError, "lr must be a real number"),
        (lambda th: th.momentum_factors(0.1, 1.0), ValueError, "momentum must be in"),
        (lambda th: th.momentum_rate_at(0.1, -0.1), ValueError, "momentum must be in"),
        (lambda th: th.momentum_rate_at(0.0, 0.5), ValueError, "lr must be in"),
    ],
)
def test_invalid_learning_rates(call, error, match):
    with pytest.raises(error, match=match):
        call(quadratic_theory(np.diag([1.0, 2.0])))


def test_momentum_factors_take_an_array_of_rates_like_factors():
    th = quadratic_theory(np.diag([0.1, 1.0]))
    lrs = np.geomspace(1e-3, 4.0, 9)
    many = th.momentum_factors(lrs, 0.6)
    assert many.shape == (lrs.size, 2)
    for row, lr in zip(many, lrs, strict=True):
        np.testing.assert_allclose(row, th.momentum_factors(float(lr), 0.6), rtol=1e-15)
    np.testing.assert_allclose(th.momentum_factors(lrs, 0.0), th.factors(lrs), rtol=1e-12)
    with pytest.raises(ValueError, match="lr"):
        th.momentum_factors(np.array([0.1, -1.0]), 0.5)
