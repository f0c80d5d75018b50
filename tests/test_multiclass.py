"""Tests for widgets.multiclass: the softmax loss is computed twice, by the class under test and by
the textbook formula (or finite differences, or scikit-learn), and the two must agree within a
stated tolerance."""

from __future__ import annotations

import doctest
import math
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from test_objectives import _central_diff

import widgets.multiclass as multiclass
from widgets.data import load_penguins
from widgets.multiclass import SoftmaxLoss, log_softmax, softmax
from widgets.objectives import LogisticLoss
from widgets.regularization import fit_penalized, to_sklearn_c

_rng = np.random.default_rng(7)
_X = _rng.normal(size=(25, 3))
_Y = _rng.integers(0, 4, size=25)
LOSSES = [
    SoftmaxLoss(_X, _Y),
    SoftmaxLoss(_X, _Y, fit_bias=False, l2=0.4),
    SoftmaxLoss(_X, _Y, n_classes=5, l2=0.1),  # a class without examples
    SoftmaxLoss(_X[:, :2], _Y % 2),
]
IDS = [repr(o) for o in LOSSES]

# Central differences with h = 1e-5 (test_objectives.STEP): truncation h²|f'''|/6 ≤ 1e-10
# here (|f'''| ≲ 1 per unit of |x|³ ≲ 30, for parameters in [−2, 2]) and rounding
# ε|f|/h ≈ 1e-11: rtol = atol = 1e-7 is safe.
TOL = 1e-7


def _naive(X, y, W, b, l2):
    """−mean log softmax(z)_y + (λ/2)‖W‖², with P = e^z / Σe^z: fine for |z| ≲ 30."""
    Z = X @ W.T + b
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    value = -np.mean(np.log(P[np.arange(len(y)), y])) + 0.5 * l2 * np.sum(W**2)
    Y = np.eye(W.shape[0])[y]
    gW = (P - Y).T @ X / len(y) + l2 * W
    gb = (P - Y).mean(axis=0)
    return value, gW, gb


params = st.floats(-2.0, 2.0)


@pytest.mark.parametrize("loss", LOSSES, ids=IDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_value_and_grad_match_the_textbook_formula(loss, data):
    w = data.draw(arrays(np.float64, loss.dim, elements=params))
    W, b = loss.unpack(w)
    value, gW, gb = _naive(loss.X, loss.y, W, 0.0 if b is None else b, loss.l2)
    # |z| ≤ 2·3·2.5 + 2, so e^z is far from overflow and the naive form loses < 1e-14
    assert loss.value(w) == pytest.approx(value, rel=1e-12)
    expected = loss.pack(gW, gb) if loss.fit_bias else loss.pack(gW)
    np.testing.assert_allclose(loss.grad(w), expected, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("loss", LOSSES, ids=IDS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_grad_and_hessian_match_central_differences(loss, data):
    w = data.draw(arrays(np.float64, loss.dim, elements=params))
    np.testing.assert_allclose(loss.grad(w), _central_diff(loss.value, w), rtol=TOL, atol=TOL)
    H = loss.hessian(w)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_allclose(H, _central_diff(loss.grad, w).T, rtol=TOL, atol=TOL)
    assert np.linalg.eigvalsh(H).min() > -1e-12  # convex


@pytest.mark.parametrize("loss", LOSSES, ids=IDS)
def test_vectorised_calls_equal_per_point_calls(loss):
    W = _rng.normal(size=(3, 2, loss.dim))
    V, G, H = loss.value(W), loss.grad(W), loss.hessian(W)
    assert V.shape == (3, 2) and G.shape == (3, 2, loss.dim) and H.shape[-2:] == (loss.dim,) * 2
    for i in range(3):
        for j in range(2):
            np.testing.assert_allclose(V[i, j], loss.value(W[i, j]), rtol=1e-13)
            np.testing.assert_allclose(G[i, j], loss.grad(W[i, j]), rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(H[i, j], loss.hessian(W[i, j]), rtol=1e-12, atol=1e-15)


def test_batches_and_per_example_gradients():
    loss = SoftmaxLoss(_X, _Y, l2=0.2)
    w = _rng.normal(size=loss.dim)
    idx = np.array([3, 7, 7, 19, 0])
    sub = SoftmaxLoss(_X[idx], _Y[idx], n_classes=4, l2=0.2)
    assert loss.value_batch(w, idx) == pytest.approx(float(sub.value(w)), rel=1e-14)
    np.testing.assert_allclose(loss.grad_batch(w, idx), sub.grad(w), rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(loss.grad_batch(w, np.arange(25)), loss.grad(w), rtol=1e-13)
    per = loss.example_grads(w)
    assert per.shape == (25, loss.dim)
    np.testing.assert_allclose(per.mean(axis=0), loss.grad(w), rtol=1e-12, atol=1e-15)
    one = SoftmaxLoss(_X[4:5], _Y[4:5], n_classes=4, l2=0.2)
    np.testing.assert_allclose(per[4], one.grad(w), rtol=1e-13, atol=1e-16)


def test_pack_and_unpack_are_inverse_and_follow_the_documented_layout():
    loss = SoftmaxLoss(_X, _Y)
    w = np.arange(loss.dim, dtype=float)
    W, b = loss.unpack(w)
    np.testing.assert_array_equal(W, np.arange(12.0).reshape(4, 3))
    np.testing.assert_array_equal(b, [12.0, 13.0, 14.0, 15.0])
    np.testing.assert_array_equal(loss.pack(W, b), w)
    stack = _rng.normal(size=(5, loss.dim))
    np.testing.assert_array_equal(loss.pack(*loss.unpack(stack)), stack)
    assert loss.param_names[0] == "W[0, x1]" and loss.param_names[-1] == "b[3]"
    Z = loss.scores(w)
    np.testing.assert_allclose(Z, _X @ W.T + b, rtol=1e-15)
    np.testing.assert_allclose(loss.probabilities(w).sum(axis=-1), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(loss.predict(w, _X[:3]), np.argmax(Z[:3], axis=1))
    nobias = SoftmaxLoss(_X, _Y, fit_bias=False)
    assert nobias.unpack(np.ones(12))[1] is None and nobias.dim == 12


def test_binary_softmax_is_the_logistic_loss_of_the_weight_difference():
    X, y = _X, (_Y % 2)
    soft, logistic = SoftmaxLoss(X, y), LogisticLoss(X, y)
    for _ in range(5):
        W, b = _rng.normal(size=(2, 3)), _rng.normal(size=2)
        w = np.r_[W[1] - W[0], b[1] - b[0]]
        assert soft.value(soft.pack(W, b)) == pytest.approx(float(logistic.value(w)), rel=1e-14)
    # with λ the softmax minimiser has w₀ = −w₁, so it is the binary fit with l2 = λ/2
    lam = 0.3
    fit_soft = fit_penalized(SoftmaxLoss(X, y, l2=lam), tol=1e-12)
    fit_logistic = fit_penalized(LogisticLoss(X, y, l2=lam / 2), tol=1e-12)
    W, b = SoftmaxLoss(X, y).unpack(fit_soft.params)
    np.testing.assert_allclose(W[0], -W[1], atol=1e-12)
    # both residuals ≤ 1e-12 and μ ≥ λ/2 = 0.15: each fit is within 1e-11 of its minimiser
    np.testing.assert_allclose(np.r_[W[1] - W[0], b[1] - b[0]], fit_logistic.params, atol=1e-10)


def test_shift_invariance():
    loss = SoftmaxLoss(_X, _Y)
    w = _rng.normal(size=loss.dim)
    W, b = loss.unpack(w)
    c, s = _rng.normal(size=3), 1.7
    shifted = loss.pack(W + c, b + s)
    np.testing.assert_allclose(loss.probabilities(shifted), loss.probabilities(w), rtol=1e-13)
    assert loss.value(shifted) == pytest.approx(float(loss.value(w)), rel=1e-13)
    # the Hessian is singular along the shifts: H · (c in every row, s on every bias) = 0
    direction = loss.pack(np.tile(c, (4, 1)), np.full(4, s))
    np.testing.assert_allclose(loss.hessian(w) @ direction, 0.0, atol=1e-14)


def test_finite_for_huge_parameters_without_warnings():
    loss = SoftmaxLoss(_X, _Y, l2=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for w in (np.full(loss.dim, 1e6), _rng.normal(size=loss.dim) * 1e8):
            v, g, h = loss.value(w), loss.grad(w), loss.hessian(w)
            assert np.isfinite(v) and np.isfinite(g).all() and np.isfinite(h).all()
    # a single example scored 1e6 against its class: the loss is the score gap exactly
    one = SoftmaxLoss([[1.0]], [0], n_classes=2, fit_bias=False)
    assert one.value([0.0, 1e6]) == 1e6
    assert one.value([1e6, 0.0]) == 0.0


@settings(max_examples=50, deadline=None)
@given(z=arrays(np.float64, (3, 4), elements=st.floats(-700, 700)))
def test_softmax_matches_scipy(z):
    np.testing.assert_allclose(softmax(z), scipy.special.softmax(z, axis=-1), rtol=1e-13, atol=0)
    np.testing.assert_allclose(
        log_softmax(z), scipy.special.log_softmax(z, axis=-1), rtol=1e-13, atol=1e-13
    )


def test_softmax_of_huge_scores_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(softmax([1e308, 1e308, 0.0]), [0.5, 0.5, 0.0])
        assert log_softmax([1e4, 0.0])[1] == -1e4


# -- against scikit-learn -----------------------------------------------------------------------


def _quotient_bound(loss, a, b):
    """(‖r_a‖ + ‖r_b‖)/μ on the common orthant face of a and b, modulo the bias shift.

    On the face where both have the same zeros and signs, F is smooth with Hessian H_SS; the
    shift of every bias leaves F unchanged, so μ is H_SS's smallest eigenvalue on the complement
    of that direction (½ of it, since H changes by far less than half across the 1e-6-wide
    neighbourhood of the minimiser in which both points lie). Returns (distance, bound).
    """
    assert np.array_equal(a == 0, b == 0) and np.array_equal(np.sign(a), np.sign(b))
    support = (a != 0) | (loss._l1 is None) | (np.arange(loss.dim) >= loss._n_penalised)
    shift = np.zeros(loss.dim)
    shift[loss._n_penalised :] = 1.0 / math.sqrt(loss.n_classes)
    shift = shift[support]
    H = loss.hessian(a)[np.ix_(support, support)]
    mu = 0.5 * np.linalg.eigvalsh(H + np.outer(shift, shift) * np.abs(H).max())[0]
    r = [np.linalg.norm(loss.grad(x)[support]) for x in (a, b)]
    delta = (a - b)[support]
    delta = delta - (delta @ shift) * shift
    return float(np.linalg.norm(delta)), (r[0] + r[1]) / mu


@pytest.mark.parametrize(
    "penalty, tau, solver",
    [("l2", 1e-3, "newton-cholesky"), ("l2", 0.05, "lbfgs"), ("l1", 0.01, "saga")],
)
def test_multinomial_fit_matches_scikit_learn(penalty, tau, solver):
    """scikit-learn minimises C Σᵢ ℓᵢ + r(W), our F times C·m: the same minimiser for
    C = 1/(τm). Its solvers stop on their own criteria (a gradient tolerance for Newton and
    L-BFGS, a relative change for SAGA), so the comparison uses our residual at its solution:
    ‖Ŵ − W*‖ ≤ ‖r‖/μ for either fit, on the common face and modulo the bias shift."""
    data = load_penguins(["bill_length_mm", "bill_depth_mm", "flipper_length_mm"])
    kwargs = {"l2": tau} if penalty == "l2" else {"l1": tau}
    loss = SoftmaxLoss(data.X, data.y, **kwargs)
    ours = fit_penalized(loss, tol=1e-10)
    assert ours.converged, ours.message
    C = to_sklearn_c(tau, data.n_examples)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        sk = LogisticRegression(
            C=C, l1_ratio=0.0 if penalty == "l2" else 1.0, solver=solver, tol=1e-12, max_iter=50_000
        ).fit(data.X, data.y)
    theirs = loss.pack(sk.coef_, sk.intercept_)
    distance, bound = _quotient_bound(loss, ours.params, theirs)
    # the bound itself is small (L-BFGS stops on its relative-decrease test near 1e-7 here)
    assert distance <= bound < 1e-6, (distance, bound)
    if penalty == "l1":
        assert 0 < np.count_nonzero(sk.coef_) < sk.coef_.size  # some exact zeros, in both
        np.testing.assert_array_equal(loss.unpack(ours.params)[0] == 0, sk.coef_ == 0)


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(y=[0, 1, 2.5]), ValueError, r"y must contain integer class labels.*2\.5"),
        (dict(y=[0, -1, 2]), ValueError, r"y must contain integer class labels.*-1"),
        (dict(y=[0, 1, np.nan]), ValueError, "y must contain only finite"),
        (dict(y=[0, 1, 3], n_classes=3), ValueError, r"labels in 0 … 2 \(n_classes = 3\).*3"),
        (dict(y=[0, 1]), ValueError, r"y must have shape \(3,\) to match X with 3 rows"),
        (dict(n_classes=1), ValueError, r"n_classes must be an integer in \[2, inf\)"),
        (dict(n_classes=2.0), TypeError, "n_classes must be an integer"),
        (dict(l2=-0.1), ValueError, r"l2 must be in \[0, inf\)"),
        (dict(l1=-1.0), ValueError, r"l1 must be in \[0, inf\)"),
        (dict(X=[[1.0], [np.inf], [0.0]]), ValueError, "X must contain only finite"),
        (dict(fit_bias=1), TypeError, "fit_bias must be True or False"),
        (dict(class_names=["a"]), ValueError, "class_names must have 3 entries"),
        (dict(feature_names=["a", "b"]), ValueError, "feature_names must have 1 entries"),
    ],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    args = dict(X=[[1.0], [2.0], [3.0]], y=[0, 1, 2]) | kwargs
    with pytest.raises(error, match=match):
        SoftmaxLoss(**args)


def test_bad_pack_arguments_are_refused():
    loss = SoftmaxLoss(_X, _Y)
    with pytest.raises(ValueError, match=r"W must have shape \(\.\.\., 4, 3\)"):
        loss.pack(np.zeros((3, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="b is required"):
        loss.pack(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"b must have shape \(4,\)"):
        loss.pack(np.zeros((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="b must be None"):
        SoftmaxLoss(_X, _Y, fit_bias=False).pack(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="X must have 3 columns"):
        loss.probabilities(np.zeros(loss.dim), np.zeros((2, 2)))


def test_float_labels_that_are_integers_are_accepted():
    data = load_penguins()
    loss = SoftmaxLoss(data.X, data.y, class_names=data.class_names)
    assert loss.n_classes == 3 and loss.y.dtype.kind == "i" and loss.param_names[-1] == "b[Gentoo]"


def test_doctests():
    result = doctest.testmod(multiclass, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
