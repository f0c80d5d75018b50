"""Tests for widgets.objectives: each derivative is computed twice, analytically and by finite
differences (or by an independent naive formula), and the two must agree within a stated tolerance.
"""

from __future__ import annotations

import decimal
import math
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from widgets import objectives as objectives_module
from widgets.objectives import (
    OBJECTIVES,
    DataObjective,
    Himmelblau,
    LogCosh1D,
    LogisticLoss,
    Objective,
    PlateauCliff,
    Quadratic1D,
    Quadratic2D,
    Quartic1D,
    Rosenbrock,
    Saddle,
    SineRegression,
    log_sigmoid,
    make_objective,
    sigmoid,
    sine_regression,
    wdbc_logistic,
)

_rng = np.random.default_rng(1234)
_X_SMALL = _rng.normal(size=(20, 3))
_Y_SMALL = (_rng.random(20) < 0.5).astype(float)
_X_SINE = _rng.uniform(0.0, 2.5 * math.pi, size=15)
_Y_SINE = np.sin(1.1 + 2.5 * _X_SINE) + 0.5 * _rng.normal(size=15)

OBJS: list[Objective] = [
    Quadratic1D(),
    Quadratic1D(curvature=3.5),
    Quartic1D(),
    LogCosh1D(),
    LogCosh1D(scale=0.3),
    Quadratic2D(),
    Quadratic2D(condition_number=50.0, angle=0.7, scale=2.0),
    Himmelblau(),
    Rosenbrock(),
    Rosenbrock(a=-0.5, b=10.0),
    Saddle(),
    PlateauCliff(),
    PlateauCliff(height=1.0, steepness=3.0),
    LogisticLoss(_X_SMALL[:, :2], _Y_SMALL),
    LogisticLoss(_X_SMALL, _Y_SMALL, fit_bias=False, l2=0.3),
    LogisticLoss(_X_SMALL, _Y_SMALL, l2=0.1),
    wdbc_logistic(),
    SineRegression(_X_SINE, _Y_SINE),
]
IDS = [repr(o) for o in OBJS]
WITH_MIN = [o for o in OBJS if o.minimizers is not None]

# Central differences (f(w + h) − f(w − h)) / 2h with h = 1e-5 have truncation error h²|f'''|/6
# (≤ 1e-7 on these domains, where |f'''| ≤ ~5000 for Rosenbrock) and rounding error about
# ε|f|/h ≈ 2e-11|f|; the tolerance rtol = 1e-6, atol = 1e-6 (1 + scale) covers both with room.
STEP = 1e-5
RTOL = 1e-6
EPS = np.finfo(float).eps


def _point(obj: Objective, u: np.ndarray) -> np.ndarray:
    """Map u in [0, 1]^d into the objective's plot bounds (where values stay moderate)."""
    lo, hi = np.array(obj.bounds).T
    return lo + u * (hi - lo)


def _central_diff(f, w: np.ndarray) -> np.ndarray:
    """Central differences of f along each coordinate: result[..., j] = ∂f/∂w_j."""
    cols = []
    for j in range(len(w)):
        e = np.zeros_like(w)
        e[j] = STEP
        cols.append((f(w + e) - f(w - e)) / (2 * STEP))
    return np.stack(cols, axis=-1)


# Points u in [0, 1]⁴ (the first obj.dim coordinates are used), and the ends of that box: its
# corners (the plot bounds' corners), opposite corners and the centre.
unit_points = arrays(np.float64, 4, elements=st.floats(0.0, 1.0))


def at_box_edges(test):
    for u in ([0.0] * 4, [1.0] * 4, [0.0, 1.0] * 2, [1.0, 0.0] * 2, [0.5] * 4):
        test = example(u=np.array(u))(test)
    return test


@pytest.mark.parametrize("obj", OBJS, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(u=unit_points)
@at_box_edges
def test_grad_matches_central_differences(obj: Objective, u) -> None:
    w = _point(obj, u[: obj.dim])
    g = obj.grad(w)
    assert g.shape == (obj.dim,)
    fd = _central_diff(obj.value, w)
    np.testing.assert_allclose(g, fd, rtol=RTOL, atol=RTOL * (1 + abs(float(obj.value(w)))))


@pytest.mark.parametrize("obj", OBJS, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(u=unit_points)
@at_box_edges
def test_hessian_matches_central_differences_of_grad(obj: Objective, u) -> None:
    w = _point(obj, u[: obj.dim])
    H = obj.hessian(w)
    assert H.shape == (obj.dim, obj.dim)
    np.testing.assert_array_equal(H, H.T)
    fd = _central_diff(obj.grad, w).T  # fd[i, j] = ∂g_i/∂w_j, written as rows
    scale = 1 + np.abs(obj.grad(w)).max()
    np.testing.assert_allclose(H, fd, rtol=RTOL, atol=RTOL * scale)


@pytest.mark.parametrize("obj", OBJS, ids=IDS)
def test_vectorised_calls_equal_per_point_calls(obj: Objective) -> None:
    rng = np.random.default_rng(0)
    W = _point(obj, rng.random((3, 4, obj.dim)))
    V, G, H = obj.value(W), obj.grad(W), obj.hessian(W)
    assert V.shape == (3, 4) and G.shape == (3, 4, obj.dim) and H.shape == (3, 4, obj.dim, obj.dim)
    for i in range(3):
        for j in range(4):
            # rtol 1e-12, not equality: BLAS may sum in a different order for different shapes
            np.testing.assert_allclose(V[i, j], obj.value(W[i, j]), rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(G[i, j], obj.grad(W[i, j]), rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(H[i, j], obj.hessian(W[i, j]), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("obj", OBJS, ids=IDS)
def test_value_grid_equals_per_point_values(obj: Objective) -> None:
    (lo1, hi1), *rest = obj.bounds
    a = np.linspace(lo1, hi1, 7)
    if obj.dim == 1:
        grid, points = obj.value_grid(a), [np.array([x]) for x in a]
    else:
        (lo2, hi2), b = rest[0], 0.3  # parameters beyond the second are fixed at b
        W1, W2 = np.meshgrid(a, np.linspace(lo2, hi2, 5))
        grid = obj.value_grid(W1, W2, *([b] * (obj.dim - 2)))
        assert grid.shape == (5, 7)
        points = [
            np.r_[x, y, [b] * (obj.dim - 2)] for x, y in zip(W1.ravel(), W2.ravel(), strict=True)
        ]
    expected = np.array([obj.value(p) for p in points])
    np.testing.assert_allclose(grid.ravel(), expected, rtol=1e-12, atol=1e-15)


def test_one_d_objectives_accept_scalars_and_flat_arrays() -> None:
    q = Quadratic1D(curvature=2.0)
    assert q.value(3.0).shape == ()
    np.testing.assert_allclose(q.value([1.0, 2.0, 3.0]), [1.0, 4.0, 9.0], rtol=1e-15)
    np.testing.assert_allclose(q.grad([1.0, 2.0]), [[2.0], [4.0]], rtol=1e-15)


# -- minimisers -----------------------------------------------------------------------------


@pytest.mark.parametrize("obj", WITH_MIN, ids=[repr(o) for o in WITH_MIN])
def test_minimizers_are_stationary_with_positive_definite_hessian(obj: Objective) -> None:
    assert obj.minimizers.shape[1] == obj.dim
    for w in obj.minimizers:
        H = obj.hessian(w)
        # full precision: |∇f| within a few ulps of the terms that cancel in it
        np.testing.assert_allclose(obj.grad(w), 0.0, atol=1e-13 * (1 + np.abs(H).max()))
        assert np.linalg.eigvalsh(H).min() > 0
    values = obj.value(obj.minimizers)
    np.testing.assert_allclose(values.min(), obj.minimum, rtol=0, atol=1e-14)


@pytest.mark.parametrize("obj", WITH_MIN, ids=[repr(o) for o in WITH_MIN])
@settings(max_examples=60, deadline=None)
@given(u=unit_points)
@at_box_edges
def test_minimum_is_global_on_the_plot_domain(obj: Objective, u) -> None:
    # f is a few (≤ 4) roundings, u = ε/2 each, of terms whose magnitudes add up to S ≤ 26 near a
    # minimiser (the quartic's w⁴ + 5w² + |w| + 4 at w ≈ −1.63; every other minimum here is a
    # sum of nonnegative terms): |f̂ − f| ≤ 2εS. obj.minimum is f̂ at the float minimiser and
    # carries the same error, so f̂(w) ≥ minimum − 4εS = minimum − 2.3e-14.
    assert obj.value(_point(obj, u[: obj.dim])) >= obj.minimum - 4 * EPS * 26


def test_quartic_stationary_points() -> None:
    q = Quartic1D()
    roots = np.r_[q.minimizers[:, 0], q.local_maximizer]
    np.testing.assert_allclose(4 * roots**3 - 10 * roots + 1, 0.0, atol=1e-14)
    left, right = q.minimizers[:, 0]
    assert left < q.local_maximizer < right
    assert q.value(left) < q.value(right)  # the +w term makes the left minimum the deeper one
    assert q.minimum == pytest.approx(float(q.value(left)), abs=0)
    assert float(q.hessian(q.local_maximizer)[0, 0]) < 0


def test_himmelblau_minimizers_include_the_exact_one() -> None:
    h = Himmelblau()
    np.testing.assert_array_equal(h.minimizers[0], [3.0, 2.0])
    np.testing.assert_allclose(h.value(h.minimizers), 0.0, atol=1e-25)
    assert len({tuple(np.round(m, 6)) for m in h.minimizers}) == 4


@pytest.mark.parametrize("a, b", [(1.0, 100.0), (-0.5, 10.0), (2.0, 1.0)])
def test_rosenbrock_minimizer_is_a_a_squared(a: float, b: float) -> None:
    r = Rosenbrock(a=a, b=b)
    np.testing.assert_array_equal(r.minimizers, [[a, a * a]])
    np.testing.assert_array_equal(r.grad(r.minimizers[0]), [0.0, 0.0])
    for (lo, hi), m in zip(r.bounds, r.minimizers[0], strict=True):
        assert lo < m < hi


def test_saddle_has_an_indefinite_stationary_point_and_no_minimizer() -> None:
    s = Saddle()
    assert s.minimizers is None and s.minimum is None
    np.testing.assert_array_equal(s.grad(s.stationary_point), [0.0, 0.0])
    np.testing.assert_array_equal(np.linalg.eigvalsh(s.hessian(s.stationary_point)), [-1.0, 1.0])


def test_plateau_is_flat_and_cliff_is_steep() -> None:
    p = PlateauCliff()
    plateau = p.grad(np.c_[np.linspace(2.0, 4.0, 9), np.zeros(9)])[:, 0]
    cliff = p.grad([0.0, 0.0])[0]
    assert np.all((plateau > 0) & (plateau < 0.07))  # nearly flat but sloping towards the cliff
    assert cliff == pytest.approx(p.height * p.steepness / 4 + 2 / 4, rel=1e-12)
    assert cliff > 50 * plateau.max()


@pytest.mark.parametrize(
    "kappa, angle, scale", [(1.0, 0.0, 1.0), (10.0, 0.0, 1.0), (50.0, 0.7, 2.0), (3.0, -2.0, 0.5)]
)
def test_quadratic_2d_matrix(kappa: float, angle: float, scale: float) -> None:
    q = Quadratic2D(condition_number=kappa, angle=angle, scale=scale)
    np.testing.assert_array_equal(q.A, q.A.T)
    lam, vecs = np.linalg.eigh(q.A)
    np.testing.assert_allclose(lam, [scale / kappa, scale], rtol=1e-12)
    if kappa > 1:  # the λ_min eigenvector points along the angle
        direction = np.array([math.cos(angle), math.sin(angle)])
        assert abs(vecs[:, 0] @ direction) == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(q.hessian([0.3, -2.0]), q.A, rtol=0, atol=0)
    back = Quadratic2D.from_matrix(q.A)
    np.testing.assert_allclose(back.A, q.A, rtol=1e-12, atol=1e-15)
    assert back.condition_number == pytest.approx(kappa, rel=1e-12)


def test_quadratic_2d_from_any_spd_matrix() -> None:
    A = np.array([[2.0, 0.6], [0.6, 1.0]])
    q = Quadratic2D.from_matrix(A)
    np.testing.assert_allclose(q.A, A, rtol=1e-12, atol=1e-15)
    w = np.array([0.4, -1.3])
    assert q.value(w) == pytest.approx(0.5 * w @ A @ w, rel=1e-12)


def test_log_cosh_is_stable_far_from_the_minimum() -> None:
    f = LogCosh1D(scale=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v, g, h = f.value(1e6), f.grad(1e6), f.hessian(1e6)
    assert v == pytest.approx(2.0 * (1e6 - 1.0 - math.log(2.0)), rel=1e-15)
    assert g[0] == 2.0 and h[0, 0] == 0.0
    assert f.value(1.5) == pytest.approx(2.0 * math.log(math.cosh(0.5)), rel=1e-14)


# -- sigmoid and the logistic loss ------------------------------------------------------------


def test_sigmoid_and_log_sigmoid_match_scipy() -> None:
    z = np.r_[np.linspace(-700, 700, 2001), -1e-300, 0.0, 1e-300]
    np.testing.assert_allclose(sigmoid(z), scipy.special.expit(z), rtol=1e-15, atol=0)
    np.testing.assert_allclose(log_sigmoid(z), scipy.special.log_expit(z), rtol=1e-14, atol=0)


def test_sigmoid_extremes_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid([-1e308, -800.0, 800.0, 1e308])
        ls = log_sigmoid([-1e308, 1e308])
    np.testing.assert_array_equal(s, [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(ls, [-1e308, 0.0])
    assert isinstance(sigmoid(0.0), float) and sigmoid(0.0) == 0.5


def _exact_logistic(X, y, w, fit_bias, l2):
    """Value, gradient and Hessian of the logistic loss in 50-digit decimal arithmetic.

    The floats X, y, w are converted exactly, z = x·w (+ b) is summed in 50 digits and
    log(1 + e^z) − yz, σ(z) and σ(z)(1 − σ(z)) come from Decimal's exp and ln, correctly rounded
    to 50 digits: rounded to float, the result is the true loss at these floats to within 1 ulp,
    so any larger difference is LogisticLoss's own rounding.
    """
    with decimal.localcontext(prec=50):
        D = decimal.Decimal
        m, p = X.shape
        rows = [[D(v) for v in row] + ([D(1)] if fit_bias else []) for row in X.tolist()]
        ws = [D(v) for v in w.tolist()]
        pen = [D(l2)] * p + [D(0)] * (len(ws) - p)
        value = sum(pc * wj * wj for pc, wj in zip(pen, ws, strict=True)) / 2
        grad = [pc * wj for pc, wj in zip(pen, ws, strict=True)]
        hess = [[pen[j] if j == k else D(0) for k in range(len(ws))] for j in range(len(ws))]
        for row, yi in zip(rows, y.tolist(), strict=True):
            z = sum(a * b for a, b in zip(row, ws, strict=True))
            value += ((1 + z.exp()).ln() - D(yi) * z) / m
            s = 1 / (1 + (-z).exp())
            for j, aj in enumerate(row):
                grad[j] += (s - D(yi)) * aj / m
                for k, ak in enumerate(row):
                    hess[j][k] += s * (1 - s) * aj * ak / m
        return float(value), np.array(grad, dtype=float), np.array(hess, dtype=float)


def _logistic_rounding_bound(X, y, w, fit_bias, l2):
    """C·ε, and the sums of |terms| that the gradient and Hessian errors are relative to.

    Forward error of LogisticLoss in float64 (ε = 2⁻⁵²), to first order in ε:
    - z = Φw is a dot product of d terms: |δz_i| ≤ (d/2) ε K with K = max_i Σ_j |Φ_ij w_j|;
    - softplus, σ and σ' change by at most |δz_i| relative to themselves (their logarithmic
      derivatives σ/softplus, 1 − σ and 1 − 2σ lie in [−1, 1]);
    - exp and log1p are within 4 ulps each (NumPy's SIMD kernels), plus a few roundings of
      +, ×, ÷: at most 12 ε relative for one term;
    - the mean over m examples adds (m/2) ε relative to the sum of |terms| (the value's terms are
      all ≥ 0, so there that sum is the value itself).
    So |f̂ − f| ≤ Cε f, |ĝ_j − g_j| ≤ Cε (Σ_i |σ_i − y_i||Φ_ij|/m + λ|w_j|), and |Ĥ_jk − H_jk| ≤
    Cε (Σ_i σ'_i |Φ_ij Φ_ik|/m + λ δ_jk), with C = 12 + dK/2 + m/2 (about 56 here: 1.2e-14).
    """
    m, p = X.shape
    phi = np.column_stack([X, np.ones(m)]) if fit_bias else X
    d = phi.shape[1]
    zs = phi @ w
    K = np.abs(phi * w).sum(axis=1).max()
    s = 1.0 / (1.0 + np.exp(-zs))
    pen = np.r_[np.full(p, l2), np.zeros(d - p)]
    c_eps = (12 + d * K / 2 + m / 2) * EPS
    grad_scale = np.abs(phi).T @ np.abs(s - y) / m + pen * np.abs(w)
    hess_scale = (np.abs(phi).T * (s * (1 - s))) @ np.abs(phi) / m + np.diag(pen)
    return c_eps, grad_scale, hess_scale


# The corners of the box [−3, 3]⁴ that hypothesis draws from, the centre, and the corner that
# gives the largest |z| on these data (K = 17): the naive float formula this test used to
# compare with was off by 1.25e-12 relative at w = (3, 3, 3, 3), 100 times the bound above.
_W_LARGEST_Z = 3.0 * np.sign(np.r_[_X_SMALL[np.abs(_X_SMALL).sum(axis=1).argmax()], 1.0])


@pytest.mark.parametrize("fit_bias", [True, False])
@pytest.mark.parametrize("l2", [0.0, 0.25])
@settings(max_examples=30, deadline=None)
@given(w=arrays(np.float64, 4, elements=st.floats(-3.0, 3.0)))
@example(w=np.full(4, 3.0))
@example(w=np.full(4, -3.0))
@example(w=np.array([3.0, -3.0, 3.0, -3.0]))
@example(w=np.array([-3.0, 3.0, -3.0, 3.0]))
@example(w=np.zeros(4))
@example(w=_W_LARGEST_Z)
def test_logistic_matches_exact_formula(fit_bias: bool, l2: float, w: np.ndarray) -> None:
    loss = LogisticLoss(_X_SMALL, _Y_SMALL, fit_bias=fit_bias, l2=l2)
    w = w[: loss.dim]
    value, grad, hess = _exact_logistic(_X_SMALL, _Y_SMALL, w, fit_bias, l2)
    c_eps, grad_scale, hess_scale = _logistic_rounding_bound(_X_SMALL, _Y_SMALL, w, fit_bias, l2)
    assert abs(loss.value(w) - value) <= c_eps * value
    assert np.all(np.abs(loss.grad(w) - grad) <= c_eps * grad_scale)
    assert np.all(np.abs(loss.hessian(w) - hess) <= c_eps * hess_scale)


def test_logistic_at_zero_is_log_two() -> None:
    loss = LogisticLoss(_X_SMALL, _Y_SMALL)
    assert loss.value(np.zeros(4)) == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(loss.grad(np.zeros(4))[:3], _X_SMALL.T @ (0.5 - _Y_SMALL) / 20)


def test_logistic_bias_is_not_penalised() -> None:
    plain = LogisticLoss(_X_SMALL, _Y_SMALL)
    ridge = LogisticLoss(_X_SMALL, _Y_SMALL, l2=0.7)
    w = np.array([0.5, -1.0, 2.0, 3.0])  # the bias 3.0 would add 3.15 if it were penalised
    assert ridge.value(w) - plain.value(w) == pytest.approx(0.35 * (0.25 + 1.0 + 4.0), rel=1e-12)
    np.testing.assert_allclose(ridge.grad(w) - plain.grad(w), [0.35, -0.7, 1.4, 0.0], rtol=1e-12)
    np.testing.assert_allclose(
        np.diag(ridge.hessian(w) - plain.hessian(w)), [0.7, 0.7, 0.7, 0.0], atol=1e-15
    )


@pytest.mark.parametrize(
    "y, w, value, grad",
    [
        ([0.0], 1e6, 1e6, 1.0),  # wrong with huge confidence: loss ≈ |z|, gradient → x
        ([1.0], 1e6, 0.0, 0.0),  # right with huge confidence: loss → 0
        ([1.0], -1e6, 1e6, -1.0),
        ([1.0], 40.0, math.log1p(math.exp(-40.0)), -1 / (1 + math.exp(40.0))),
    ],
)
def test_logistic_is_stable_for_huge_z(y, w, value, grad) -> None:
    loss = LogisticLoss([[1.0]], y, fit_bias=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v, g, h = loss.value(w), loss.grad(w), loss.hessian(w)
    # rel 1e-12 on 4.2e-18 at z = 40: log(1 + e^z) − z would round to 0 there
    assert v == pytest.approx(value, rel=1e-12, abs=0)
    assert g[0] == pytest.approx(grad, rel=1e-12, abs=0)
    assert 0.0 <= h[0, 0] <= 0.25


def test_logistic_on_wdbc_is_finite_for_huge_weights() -> None:
    loss = wdbc_logistic(l2=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for w in (np.full(3, 1e6), np.array([-1e6, 1e6, 1e6])):
            v, g, h = loss.value(w), loss.grad(w), loss.hessian(w)
            assert np.isfinite(v) and np.all(np.isfinite(g)) and np.all(np.isfinite(h))
            assert v > 1e4  # many examples are misclassified by ~1e6: mean loss ~ 1e5 and up


def test_logistic_batches_and_per_example_gradients() -> None:
    loss = LogisticLoss(_X_SMALL, _Y_SMALL, l2=0.2)
    w = np.array([0.3, -0.8, 1.1, 0.2])
    idx = np.array([3, 7, 7, 19, 0])
    np.testing.assert_allclose(loss.value_batch(w, np.arange(20)), loss.value(w), rtol=1e-14)
    np.testing.assert_allclose(loss.grad_batch(w, np.arange(20)), loss.grad(w), rtol=1e-13)
    sub = LogisticLoss(_X_SMALL[idx], _Y_SMALL[idx], l2=0.2)
    assert loss.value_batch(w, idx) == pytest.approx(float(sub.value(w)), rel=1e-14)
    np.testing.assert_allclose(loss.grad_batch(w, idx), sub.grad(w), rtol=1e-13)
    per = loss.example_grads(w)
    assert per.shape == (20, 4)
    np.testing.assert_allclose(per.mean(axis=0), loss.grad(w), rtol=1e-13, atol=1e-16)
    for i in (0, 7, 19):
        one = LogisticLoss(_X_SMALL[i : i + 1], _Y_SMALL[i : i + 1], l2=0.2)
        np.testing.assert_allclose(per[i], one.grad(w), rtol=1e-13, atol=1e-16)
    W = np.stack([w, 2 * w])  # batches are vectorised over leading axes too
    np.testing.assert_allclose(loss.grad_batch(W, idx)[1], sub.grad(2 * w), rtol=1e-13)
    assert loss.example_grads(W).shape == (2, 20, 4)


def test_per_example_gradients_of_each_points_own_batch() -> None:
    # each point's rows are the per-example gradients of its own examples: the rows of
    # example_grads at that point, and their mean is grad_batch (with the penalty and a bias)
    loss = LogisticLoss(_X_SMALL, _Y_SMALL, l2=0.2)
    rng = np.random.default_rng(5)
    W = rng.normal(size=(3, 4))
    idx = rng.integers(0, 20, size=(3, 6))
    G = loss.example_grads_batch(W, idx)
    assert G.shape == (3, 6, 4)
    for n in range(3):
        np.testing.assert_allclose(G[n], loss.example_grads(W[n])[idx[n]], rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(G[n].mean(axis=0), loss.grad_batch(W[n], idx[n]), rtol=1e-13)
    # one point for every batch (leading axes broadcast), and a loss that is not logistic
    sine = sine_regression()
    w = np.array([0.5, 2.6])
    batches = np.array([[0, 1, 2], [5, 5, 199]])
    G = sine.example_grads_batch(w, batches)
    assert G.shape == (2, 3, 2)
    np.testing.assert_allclose(G[1], sine.example_grads(w)[[5, 5, 199]], rtol=1e-13)
    with pytest.raises(ValueError, match=r"idx must hold indices in \[0, 19\]"):
        loss.example_grads_batch(W, idx + 20)
    with pytest.raises(TypeError, match="integer example indices"):
        loss.example_grads_batch(W, idx * 1.0)
    with pytest.raises(ValueError, match="last axis of example indices"):
        loss.example_grads_batch(W[0], 3)
    with pytest.raises(ValueError, match=r"idx of shape \(2, 6\) does not match w of shape"):
        loss.example_grads_batch(W, idx[:2])


def test_chunked_evaluation_equals_unchunked(monkeypatch: pytest.MonkeyPatch) -> None:
    loss = LogisticLoss(_X_SMALL, _Y_SMALL, l2=0.1)
    W = np.random.default_rng(3).normal(size=(5, 7, 4))
    whole = loss.value(W), loss.grad(W), loss.hessian(W)
    monkeypatch.setattr(objectives_module, "_CHUNK_ELEMENTS", 50)  # forces blocks of 1-2 points
    for before, after in zip(whole, (loss.value(W), loss.grad(W), loss.hessian(W)), strict=True):
        np.testing.assert_allclose(after, before, rtol=1e-14, atol=1e-16)


def test_wdbc_grid_is_memory_bounded() -> None:
    loss = wdbc_logistic()
    W1, W2 = np.meshgrid(np.linspace(-6, 6, 200), np.linspace(-6, 6, 200))
    tracemalloc.start()
    try:
        grid = loss.value_grid(W1, W2, 0.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert grid.shape == (200, 200) and np.all(np.isfinite(grid))
    assert peak < 100e6, f"peak {peak / 1e6:.0f} MB"
    i, j = 123, 45
    assert grid[i, j] == pytest.approx(float(loss.value([W1[i, j], W2[i, j], 0.0])), rel=1e-12)


# -- sine regression --------------------------------------------------------------------------


def test_sine_regression_matches_naive_formula() -> None:
    f = SineRegression(_X_SINE, _Y_SINE)
    w = np.array([0.4, 2.2])
    r = _Y_SINE - np.sin(w[0] + w[1] * _X_SINE)
    assert f.value(w) == pytest.approx(np.mean(r**2), rel=1e-14)
    c = np.cos(w[0] + w[1] * _X_SINE)
    np.testing.assert_allclose(f.grad(w), [np.mean(-2 * r * c), np.mean(-2 * r * c * _X_SINE)])
    np.testing.assert_allclose(f.example_grads(w).mean(axis=0), f.grad(w), rtol=1e-13)
    assert f.value_batch(w, [2]) == pytest.approx(r[2] ** 2, rel=1e-14)


def test_sine_regression_from_shipped_data() -> None:
    f = sine_regression()
    assert f.n_examples == 200 and f.dim == 2 and f.name == "sine_regression"
    np.testing.assert_array_equal(f.x, sine_regression(seed=0).x)
    assert not np.array_equal(f.x, sine_regression(seed=1).x)
    # the generating parameters fit far better than a flat line, up to the noise variance 0.25
    assert f.value([1.1, 2.5]) < 0.35 < f.value([0.0, 0.0])


# -- registry and validation ------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in OBJECTIVES if n != "logistic"])
def test_registry_builds_every_objective(name: str) -> None:
    obj = make_objective(name)
    assert isinstance(obj, Objective) and obj.name == name
    assert obj.start.shape == (obj.dim,) and len(obj.bounds) == obj.dim == len(obj.param_names)
    assert (obj.n_examples is not None) == isinstance(obj, DataObjective)
    assert np.isfinite(obj.value(obj.start))
    for (lo, hi), s in zip(obj.bounds, obj.start, strict=True):
        assert lo <= s <= hi
    with pytest.raises(ValueError, match="read-only"):
        obj.start[0] = 1.0


def test_registry_passes_keyword_arguments() -> None:
    assert make_objective("quadratic_2d", condition_number=4.0).condition_number == 4.0
    assert make_objective("logistic", X=_X_SMALL, y=_Y_SMALL).dim == 4
    assert make_objective("wdbc_logistic", features=["mean area"], fit_bias=False).dim == 1


@pytest.mark.parametrize(
    "build, error, match",
    [
        (lambda: make_objective("foo"), ValueError, "unknown objective 'foo'; valid values are: "),
        (lambda: Quadratic1D(curvature=0.0), ValueError, r"curvature must be in \(0, inf\)"),
        (lambda: Quadratic1D(curvature=-1.0), ValueError, "curvature.*-1"),
        (lambda: Quadratic1D(curvature="big"), TypeError, "curvature must be a real number"),
        (lambda: LogCosh1D(scale=0), ValueError, "scale"),
        (lambda: Quadratic2D(condition_number=0.5), ValueError, r"condition_number.*\[1, inf\)"),
        (lambda: Quadratic2D(angle=math.nan), ValueError, "angle must be a finite number"),
        (lambda: Quadratic2D(scale=-2.0), ValueError, "scale"),
        (lambda: Quadratic2D.from_matrix([[1, 2], [3, 4]]), ValueError, "symmetric"),
        (lambda: Quadratic2D.from_matrix([[1, 0], [0, -1]]), ValueError, "positive definite"),
        (lambda: Quadratic2D.from_matrix(np.eye(3)), ValueError, "2×2"),
        (lambda: Rosenbrock(b=0.0), ValueError, "b must be in"),
        (lambda: Rosenbrock(a=math.inf), ValueError, "a must be a finite"),
        (lambda: PlateauCliff(steepness=-1.0), ValueError, "steepness"),
        (lambda: LogisticLoss([[1.0], [np.nan]], [0, 1]), ValueError, "X must contain only finite"),
        (lambda: LogisticLoss([1.0, 2.0], [0, 1]), ValueError, r"X must be a 2-D array"),
        (lambda: LogisticLoss([[1.0], [2.0]], [0, 2]), ValueError, r"y must contain only 0 and 1"),
        (lambda: LogisticLoss([[1.0], [2.0]], [0, 1, 1]), ValueError, r"y must have shape \(2,\)"),
        (lambda: LogisticLoss([[1.0]], [0], l2=-0.1), ValueError, r"l2 must be in \[0, inf\)"),
        (lambda: LogisticLoss([[1.0]], [0], fit_bias="yes"), TypeError, "fit_bias"),
        (lambda: LogisticLoss([[1.0]], [0], feature_names=["a", "b"]), ValueError, "feature_names"),
        (lambda: SineRegression([[1.0, 2.0]], [0.0, 1.0]), ValueError, "x must be a 1-D array"),
        (lambda: SineRegression([1.0, 2.0], [0.0]), ValueError, r"y must have shape \(2,\)"),
        (lambda: wdbc_logistic(features=["nope"]), ValueError, "unknown feature 'nope'"),
        (lambda: sine_regression(seed=-1), ValueError, "seed"),
        (lambda: sigmoid("abc"), TypeError, "z must be"),
    ],
)
def test_invalid_constructor_arguments_raise(build, error, match) -> None:
    with pytest.raises(error, match=match):
        build()


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: Himmelblau().value([1.0, 2.0, 3.0]),
            ValueError,
            r"w must have shape \(\.\.\., 2\)",
        ),
        (lambda: Himmelblau().grad(np.ones((4, 3))), ValueError, r"w must have shape"),
        (
            lambda: wdbc_logistic().hessian([1.0, 2.0]),
            ValueError,
            r"w must have shape \(\.\.\., 3\)",
        ),
        (lambda: Quadratic1D().value("x"), TypeError, "w must be an array of real numbers"),
        (lambda: Himmelblau().value_grid(np.ones(3)), ValueError, "value_grid needs one"),
        (lambda: Himmelblau().value_grid(np.ones(3), np.ones(4)), ValueError, "broadcastable"),
    ],
)
def test_invalid_points_raise(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    "idx, error, match",
    [
        ([0, 20], ValueError, r"idx must hold indices in \[0, 19\]"),
        ([-1], ValueError, "idx must hold indices"),
        ([], ValueError, "idx must be a non-empty"),
        ([0.5, 1.0], TypeError, "idx must be an array of integer"),
        ([True, False], TypeError, "idx"),
        (np.zeros((2, 2), dtype=int), ValueError, "idx must be a non-empty 1-D"),
    ],
)
def test_invalid_batch_indices_raise(idx, error, match) -> None:
    loss = LogisticLoss(_X_SMALL, _Y_SMALL)
    with pytest.raises(error, match=match):
        loss.value_batch(np.zeros(4), idx)
    with pytest.raises(error, match=match):
        loss.grad_batch(np.zeros(4), idx)
