"""Tests for widgets.optimizers.

Each update rule is computed twice: by the optimizer under test and by a plain-Python reference
written line by line from the PyTorch ``torch.optim`` pseudocode (scalars, loops, ``math.sqrt``,
no NumPy broadcasting), over several steps of random gradients drawn by hypothesis.
"""

from __future__ import annotations

import doctest
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import widgets.optimizers as optimizers
from widgets.objectives import Quadratic2D, Rosenbrock
from widgets.optimizers import (
    OPTIMIZERS,
    Optimizer,
    adagrad,
    adam,
    gd,
    make_optimizer,
    momentum,
    needs_hessian,
    nesterov,
    newton,
    rmsprop,
)
from widgets.schedules import cosine, exponential

EPS = np.finfo(float).eps


def _power_gap(beta: float, t: int) -> float:
    """The relative difference between 1 − β^t computed with NumPy's power (the optimizer) and
    with Python's ** (the reference). They can differ by an ulp of β^t (0.999⁷ does), and the
    subtraction from 1 magnifies it by β^t/(1 − β^t) when β is near 1."""
    if beta == 0.0:
        return 0.0
    ours, theirs = 1.0 - float(np.power(beta, t)), 1.0 - beta**t
    return abs(ours - theirs) / min(ours, theirs)


def assert_matches_reference(got, expected, theta0, eps=None, debias=None) -> None:
    """The optimizer's θ_t against the reference's, within their rounding difference.

    Both do the same IEEE operations on the same numbers (the gradients are given, not computed
    from θ), except that the reference multiplies by α before dividing by q = √v + eps:
    (α m)/q against α (m/q), which differ by at most 2ε|Δ_s| in the step Δ_s, plus, when α m
    underflows to a subnormal, its absolute error 2⁻¹⁰⁷⁵ divided by q ≥ eps. An earlier
    difference passes through θ_s = θ_{s−1} + Δ_s unchanged, plus at most ε|θ_s| from each side's
    rounding of that sum, so |θ̂_t − θ_t| ≤ Σ_{s≤t} (ε|θ_s| + 2ε|Δ_s| + 2⁻¹⁰⁷⁵/eps), elementwise.
    With Adam's bias correction (``debias=(b1, b2)``) the two also compute β^s differently; the
    relative gaps r1, r2 of their 1 − β^s (`_power_gap`) reach the step as (1 + r1)/√(1 ± r2),
    so the step's bound grows by |Δ_s|(r1 + r2) (r2/2 plus its own rounding, r ≪ 1).
    """
    expected = np.asarray(expected, dtype=float)
    path = np.vstack([theta0, expected])
    underflow = 0.0 if eps is None else 2.0**-1074 / (2 * eps)  # 2⁻¹⁰⁷⁵ is not a float
    steps = np.abs(np.diff(path, axis=0))
    per_step = EPS * (np.abs(path[1:]) + 2 * steps) + underflow
    if debias is not None:
        b1, b2 = debias
        gaps = [_power_gap(b1, s) + _power_gap(b2, s) for s in range(1, len(steps) + 1)]
        per_step = per_step + steps * np.array(gaps)[:, None] * (1 + 4 * EPS)
    bound = np.cumsum(per_step, axis=0)
    assert got.shape == expected.shape
    assert np.all(np.abs(got - expected) <= bound), np.max(np.abs(got - expected) - bound)


# ----------------------------------------------------------------------------------------------
# Plain-Python references from the torch.optim documentation (lists of floats, one loop per step)
# ----------------------------------------------------------------------------------------------


def ref_sgd(theta, grads, lrs, mu=0.0, use_nesterov=False):
    """torch.optim.SGD (dampening τ = 0, weight decay 0): returns θ after every step."""
    theta, buf, out = list(theta), None, []
    for t, g in enumerate(grads, start=1):
        g = list(g)
        if mu != 0:
            # "if t > 1: b_t = μ b_{t−1} + (1 − τ) g_t  else: b_t = g_t"
            buf = list(g) if t == 1 else [mu * b + gi for b, gi in zip(buf, g, strict=True)]
            # The docs print "g_{t−1} + μ b_t"; the code (and Sutskever et al.) use g_t + μ b_t.
            g = [gi + mu * b for gi, b in zip(g, buf, strict=True)] if use_nesterov else buf
        theta = [th - lrs[t - 1] * gi for th, gi in zip(theta, g, strict=True)]
        out.append(theta)
    return out


def ref_adagrad(theta, grads, lrs, eps=1e-10, s0=0.0):
    """torch.optim.Adagrad (lr_decay 0): state_sum += g²; θ -= γ g / (√state_sum + ε)."""
    theta, s, out = list(theta), [s0] * len(theta), []
    for t, g in enumerate(grads, start=1):
        s = [si + gi * gi for si, gi in zip(s, g, strict=True)]
        theta = [
            th - lrs[t - 1] * gi / (math.sqrt(si) + eps)
            for th, gi, si in zip(theta, g, s, strict=True)
        ]
        out.append(theta)
    return out


def ref_rmsprop(theta, grads, lrs, alpha=0.99, eps=1e-8, bias_correction=False):
    """torch.optim.RMSprop (not centered, no momentum); optional Adam-style bias correction."""
    theta, v, out = list(theta), [0.0] * len(theta), []
    for t, g in enumerate(grads, start=1):
        v = [alpha * vi + (1 - alpha) * gi**2 for vi, gi in zip(v, g, strict=True)]
        vt = [vi / (1 - alpha**t) for vi in v] if bias_correction else v
        theta = [
            th - lrs[t - 1] * gi / (math.sqrt(vi) + eps)
            for th, gi, vi in zip(theta, g, vt, strict=True)
        ]
        out.append(theta)
    return out


def ref_adam(theta, grads, lrs, b1=0.9, b2=0.999, eps=1e-8, bias_correction=True):
    """torch.optim.Adam (amsgrad False): m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), θ -= γ m̂/(√v̂ + ε)."""
    theta, m, v, out = list(theta), [0.0] * len(theta), [0.0] * len(theta), []
    for t, g in enumerate(grads, start=1):
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        mh = [mi / (1 - b1**t) for mi in m] if bias_correction else m
        vh = [vi / (1 - b2**t) for vi in v] if bias_correction else v
        theta = [
            th - lrs[t - 1] * mi / (math.sqrt(vi) + eps)
            for th, mi, vi in zip(theta, mh, vh, strict=True)
        ]
        out.append(theta)
    return out


def run(opt: Optimizer, theta0, grads, hessians=None):
    """Apply ``opt`` to a fixed sequence of gradients; return params after every step."""
    params = np.asarray(theta0, dtype=float)
    state = opt.init(params)
    out = []
    for k, g in enumerate(grads):
        h = None if hessians is None else hessians[k]
        updates, state = opt.update(g, state, params, hessian=h)
        params = params + updates
        out.append(params)
    return np.array(out)


# ----------------------------------------------------------------------------------------------
# Strategies
# ----------------------------------------------------------------------------------------------

finite = st.floats(-50.0, 50.0, allow_nan=False, allow_subnormal=False)


@st.composite
def problems(draw):
    """A start point (d,) and a sequence of gradients (steps, d)."""
    d = draw(st.integers(1, 4))
    steps = draw(st.integers(1, 8))
    theta0 = draw(hnp.arrays(np.float64, (d,), elements=finite))
    grads = draw(hnp.arrays(np.float64, (steps, d), elements=finite))
    return theta0, grads


lrs = st.floats(1e-4, 2.0)
betas = st.floats(0.0, 0.999)
positive_betas = st.floats(0.01, 0.999)
epsilons = st.sampled_from([1e-10, 1e-8, 1e-3, 0.5])

FLIPS = np.array([[1.0], [-1.0]] * 4)
# The ends of problems(): d = 1 and 4, one and eight steps, values ±50, gradients that flip sign
# on every step (moving averages cancel), and the smallest normal gradient (α·m underflows).
EDGE_PROBLEMS = [
    (np.array([0.0]), np.array([[np.finfo(float).tiny]])),
    (np.array([50.0]), np.array([[-50.0]])),
    (np.full(4, -50.0), np.full((8, 4), 50.0)),
    (np.array([50.0, -50.0, 50.0, -50.0]), np.array([[50.0, -50.0, 50.0, -50.0]] * 8) * FLIPS),
]


def at_edges(*arg_sets):
    """@example(problem, *args) for every problem of EDGE_PROBLEMS and every args tuple."""

    def decorate(test):
        for problem in EDGE_PROBLEMS:
            for args in arg_sets:
                test = example(problem, *args)(test)
        return test

    return decorate


# ----------------------------------------------------------------------------------------------
# Each optimizer against its reference
# ----------------------------------------------------------------------------------------------


@given(problems(), lrs)
@at_edges((2.0,), (1e-4,))
def test_gd_matches_reference(problem, lr):
    theta0, grads = problem
    expected = ref_sgd(theta0, grads.tolist(), [lr] * len(grads))
    assert_matches_reference(run(gd(lr), theta0, grads), expected, theta0)


@given(problems(), lrs, betas, st.booleans())
@at_edges((2.0, 0.999, True), (1e-4, 0.0, False), (2.0, 0.999, False))
def test_momentum_and_nesterov_match_reference(problem, lr, mu, use_nesterov):
    theta0, grads = problem
    opt = nesterov(lr, momentum=mu) if use_nesterov else momentum(lr, momentum=mu)
    expected = ref_sgd(theta0, grads.tolist(), [lr] * len(grads), mu, use_nesterov)
    assert_matches_reference(run(opt, theta0, grads), expected, theta0)


@given(problems(), lrs, epsilons, st.floats(0.0, 1.0))
@at_edges((2.0, 1e-10, 0.0), (1e-4, 0.5, 1.0), (1e-4, 1e-10, 0.0))
def test_adagrad_matches_reference(problem, lr, eps, s0):
    theta0, grads = problem
    expected = ref_adagrad(theta0, grads.tolist(), [lr] * len(grads), eps, s0)
    opt = adagrad(lr, eps=eps, initial_accumulator_value=s0)
    assert_matches_reference(run(opt, theta0, grads), expected, theta0, eps=eps)


@given(problems(), lrs, betas, epsilons, st.booleans())
@at_edges(
    (2.0, 0.999, 1e-10, True),
    (1e-4, 0.0, 0.5, False),
    (2.0, 0.0, 1e-10, True),
    (1e-4, 0.0, 1e-10, False),
)
def test_rmsprop_matches_reference(problem, lr, rho, eps, bias_correction):
    theta0, grads = problem
    expected = ref_rmsprop(theta0, grads.tolist(), [lr] * len(grads), rho, eps, bias_correction)
    opt = rmsprop(lr, decay=rho, eps=eps, bias_correction=bias_correction)
    assert_matches_reference(run(opt, theta0, grads), expected, theta0, eps=eps)


@given(problems(), lrs, betas, positive_betas, epsilons, st.booleans())
@at_edges(
    (2.0, 0.999, 0.999, 1e-10, True),
    (1e-4, 0.0, 0.01, 0.5, False),
    (2.0, 0.0, 0.999, 1e-10, True),
    (1e-4, 0.0, 0.5, 1e-10, False),  # found by CI's derandomized run: (α m) underflows
)
def test_adam_matches_reference(problem, lr, b1, b2, eps, bias_correction):
    theta0, grads = problem
    expected = ref_adam(theta0, grads.tolist(), [lr] * len(grads), b1, b2, eps, bias_correction)
    opt = adam(lr, b1=b1, b2=b2, eps=eps, bias_correction=bias_correction)
    debias = (b1, b2) if bias_correction else None
    assert_matches_reference(run(opt, theta0, grads), expected, theta0, eps=eps, debias=debias)


def test_torch_defaults():
    """The defaults are PyTorch's, so a learner moving to torch.optim meets the same numbers."""
    assert adagrad().hyperparams == {
        "learning_rate": 1e-2,
        "eps": 1e-10,
        "initial_accumulator_value": 0.0,
    }
    assert rmsprop().hyperparams == {
        "learning_rate": 1e-2,
        "decay": 0.99,
        "eps": 1e-8,
        "bias_correction": False,
    }
    assert adam().hyperparams == {
        "learning_rate": 1e-3,
        "b1": 0.9,
        "b2": 0.999,
        "eps": 1e-8,
        "bias_correction": True,
    }
    assert momentum(0.1).hyperparams["momentum"] == 0.9


@given(problems(), st.floats(0.01, 1.0), st.floats(0.5, 1.0), st.booleans())
@at_edges((1.0, 0.5, True), (0.01, 1.0, False))
def test_schedule_is_read_at_each_step(problem, lr, gamma, use_adam):
    """With a schedule, step t uses schedule(t): compare with the references fed α_t directly."""
    theta0, grads = problem
    schedule = exponential(lr, gamma)
    rates = [schedule(t) for t in range(len(grads))]
    debias = (0.9, 0.999) if use_adam else None  # adam's defaults, which ref_adam shares
    if use_adam:
        opt, expected = adam(schedule), ref_adam(theta0, grads.tolist(), rates)
    else:
        opt, expected = momentum(schedule, 0.5), ref_sgd(theta0, grads.tolist(), rates, 0.5)
    assert_matches_reference(run(opt, theta0, grads), expected, theta0, eps=1e-8, debias=debias)


def test_first_steps_by_hand():
    """A few values worked out on paper, independent of both implementations above."""
    g = np.array([2.0])
    p = np.array([0.0])
    # momentum 0.5, lr 0.1, constant gradient 2: v = 2, 3, 3.5 -> steps −0.2, −0.3, −0.35
    np.testing.assert_allclose(
        run(momentum(0.1, 0.5), p, [g, g, g])[:, 0], [-0.2, -0.5, -0.85], rtol=1e-15
    )
    # nesterov: steps −0.1·(2 + 0.5·2) = −0.3, then v = 3: −0.1·(2 + 1.5) = −0.35
    np.testing.assert_allclose(run(nesterov(0.1, 0.5), p, [g, g])[:, 0], [-0.3, -0.65], rtol=1e-15)
    # adagrad, lr 1: s = 4, 8 -> steps −2/2 = −1, −2/√8
    np.testing.assert_allclose(
        run(adagrad(1.0, eps=1e-300), p, [g, g])[:, 0], [-1.0, -1.0 - 2 / math.sqrt(8)], rtol=1e-15
    )
    # rmsprop without bias correction, decay 0.75: v = 0.25·4 = 1 -> step −lr·2/1
    np.testing.assert_allclose(run(rmsprop(0.1, decay=0.75, eps=1e-300), p, [g])[:, 0], [-0.2])


# ----------------------------------------------------------------------------------------------
# Equivalences
# ----------------------------------------------------------------------------------------------


@given(problems(), lrs)
@at_edges((2.0,), (1e-4,))
def test_zero_momentum_is_gd(problem, lr):
    theta0, grads = problem
    expected = run(gd(lr), theta0, grads)
    np.testing.assert_array_equal(run(momentum(lr, momentum=0.0), theta0, grads), expected)
    np.testing.assert_array_equal(run(nesterov(lr, momentum=0.0), theta0, grads), expected)


@given(problems(), lrs, positive_betas, epsilons, st.booleans())
@at_edges((2.0, 0.999, 1e-10, True), (1e-4, 0.01, 0.5, False))
def test_adam_without_first_moment_is_rmsprop(problem, lr, b2, eps, bias_correction):
    """Adam(b1=0) and RMSProp(decay=b2) share ε placement and bias correction: bit for bit."""
    theta0, grads = problem
    a = run(adam(lr, b1=0.0, b2=b2, eps=eps, bias_correction=bias_correction), theta0, grads)
    r = run(rmsprop(lr, decay=b2, eps=eps, bias_correction=bias_correction), theta0, grads)
    np.testing.assert_array_equal(a, r)


@settings(deadline=None)
@given(
    d=st.integers(1, 4),
    angles=hnp.arrays(np.float64, (4, 4), elements=st.floats(-1, 1)),
    lam=hnp.arrays(np.float64, (4,), elements=st.floats(0.1, 10.0)),
    w0=hnp.arrays(np.float64, (4,), elements=st.floats(-10, 10)),
)
@example(d=1, angles=np.zeros((4, 4)), lam=np.full(4, 0.1), w0=np.full(4, -10.0))
@example(d=2, angles=np.ones((4, 4)), lam=np.array([0.1, 10.0] * 2), w0=np.full(4, 10.0))
@example(
    d=4, angles=-np.ones((4, 4)), lam=np.array([10.0, 0.1] * 2), w0=np.array([10.0, -10.0] * 2)
)
@example(d=4, angles=np.eye(4) - 1, lam=np.array([0.1, 10.0, 0.1, 10.0]), w0=np.zeros(4))
def test_newton_solves_a_quadratic_in_one_step(d, angles, lam, w0):
    """A = Q diag(λ) Qᵀ, with Q orthogonal (from a QR) and λ in [0.1, 10], so κ(A) ≤ 100."""
    q, _ = np.linalg.qr(angles[:d, :d] + 3 * np.eye(d))
    A, w0 = (q * lam[:d]) @ q.T, w0[:d]
    opt = newton()
    updates, _ = opt.update(A @ w0, opt.init(w0), w0, hessian=A)
    # g = Aw₀ is off by (d/2)ε‖A‖‖w₀‖ and the LU solve has backward error ≲ 3d·ρ·ε‖A‖ with
    # growth ρ ≤ 2^(d−1) (Higham 2002, Thm 9.4): ‖w₀ + Δ‖ ≤ κ(A)·(d/2 + 3d·2^(d−1))ε‖w₀‖.
    bound = np.linalg.cond(A) * (d / 2 + 3 * d * 2 ** (d - 1)) * np.finfo(float).eps
    assert np.linalg.norm(w0 + updates) <= bound * np.linalg.norm(w0)


def test_newton_on_quadratic_objective_and_rosenbrock():
    q = Quadratic2D(condition_number=50.0, angle=0.3, scale=3.0)
    traj = run(newton(), q.start, [q.grad(q.start)], [q.hessian(q.start)])
    np.testing.assert_allclose(traj[-1], [0.0, 0.0], atol=1e-13)
    # Pure Newton reaches the Rosenbrock minimum (1, 1) from (−1.2, 1) within a few steps.
    r = Rosenbrock()
    opt, w = newton(), r.start.copy()
    state = opt.init(w)
    for _ in range(10):
        updates, state = opt.update(r.grad(w), state, w, hessian=r.hessian(w))
        w = w + updates
    np.testing.assert_allclose(w, [1.0, 1.0], atol=1e-12)


@given(st.floats(0.0, 5.0), st.floats(0.1, 1.0))
@example(0.0, 1.0)
@example(5.0, 0.1)
@example(0.0, 0.1)
def test_newton_damping_and_rate(damping, lr):
    A = np.array([[4.0, 1.0], [1.0, 0.5]])
    g = np.array([1.0, -2.0])
    opt = newton(learning_rate=lr, damping=damping)
    updates, state = opt.update(g, opt.init(g), g, hessian=A)
    # the 2×2 solve in exact rational arithmetic, from the same floats
    (a, b), (c, e) = [[Fraction(x) for x in row] for row in A + damping * np.eye(2)]
    g1, g2 = (Fraction(x) for x in g)
    det = a * e - b * c
    exact = np.array(
        [
            float(-Fraction(lr) * (e * g1 - b * g2) / det),
            float(-Fraction(lr) * (a * g2 - c * g1) / det),
        ]
    )
    # LU solve plus the products by λ and α (see test_newton_solves_a_quadratic_in_one_step):
    # ‖Δ̂ − Δ‖ ≤ κ(H + λI)·(d/2 + 3d·2^(d−1) + 2)ε‖Δ‖ with d = 2; κ ≤ 19 here.
    kappa = np.linalg.cond(A + damping * np.eye(2))
    assert np.linalg.norm(updates - exact) <= kappa * 15 * EPS * np.linalg.norm(exact)
    assert state.count == 1


def test_newton_singular_hessian_gives_nan_for_that_run_only():
    H = np.array([[[1.0, 0.0], [0.0, 0.0]], [[2.0, 0.0], [0.0, 4.0]]])
    g = np.array([[1.0, 1.0], [2.0, 4.0]])
    updates, _ = newton().update(g, newton().init(g), g, hessian=H)
    assert np.isnan(updates[0]).all()
    np.testing.assert_array_equal(updates[1], [-1.0, -1.0])


def test_newton_follows_an_indefinite_hessian():
    """Not silently fixed: on the saddle ½(x² − y²) one Newton step lands on the saddle point."""
    H = np.diag([1.0, -1.0])
    w = np.array([0.5, 0.25])
    updates, _ = newton().update(H @ w, newton().init(w), w, hessian=H)
    np.testing.assert_array_equal(w + updates, [0.0, 0.0])


# ----------------------------------------------------------------------------------------------
# Vectorised runs: n settings at once equal n separate runs
# ----------------------------------------------------------------------------------------------

PER_RUN = {
    "gd": {},
    "momentum": {"momentum": [0.0, 0.5, 0.9, 0.99]},
    "nesterov": {"momentum": [0.0, 0.5, 0.9, 0.99]},
    "adagrad": {"eps": [1e-10, 1e-8, 1e-3, 0.1]},
    "rmsprop": {"decay": [0.0, 0.5, 0.9, 0.99], "bias_correction": True},
    "adam": {"b1": [0.0, 0.5, 0.9, 0.99], "b2": [0.5, 0.9, 0.99, 0.999]},
    "newton": {"damping": [0.0, 0.1, 1.0, 10.0]},
    "proximal_gd": {},
}


@pytest.mark.parametrize("column", [False, True], ids=["shape (n,)", "shape (n, 1)"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
@settings(max_examples=25, deadline=None)
@given(
    theta0=hnp.arrays(np.float64, (4, 3), elements=finite),
    grads=hnp.arrays(np.float64, (6, 4, 3), elements=finite),
)
@example(theta0=np.full((4, 3), 50.0), grads=np.full((6, 4, 3), -50.0))
@example(theta0=np.zeros((4, 3)), grads=np.full((6, 4, 3), 50.0) * FLIPS[:6, :, None])
def test_vectorised_equals_separate_runs(name, column, theta0, grads):
    n, d, steps = 4, 3, 6
    rates = np.array([1e-3, 0.05, 0.3, 1.0])
    hessians = None
    if name == "newton":
        base = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 3.0]])
        hessians = np.broadcast_to(base, (steps, n, d, d))

    def shaped(v):
        v = np.asarray(v)
        return v.reshape(-1, 1) if column and v.ndim == 1 else v

    settings_ = {k: shaped(v) if isinstance(v, list) else v for k, v in PER_RUN[name].items()}
    together = run(
        make_optimizer(name, learning_rate=shaped(rates), **settings_), theta0, grads, hessians
    )
    for i in range(n):
        alone_kwargs = {k: v[i] if isinstance(v, list) else v for k, v in PER_RUN[name].items()}
        opt = make_optimizer(name, learning_rate=float(rates[i]), **alone_kwargs)
        alone = run(opt, theta0[i], grads[:, i], None if hessians is None else hessians[:, i])
        # Identical arithmetic per element, except that powers β^t may be evaluated by a different
        # code path for arrays; allow 1e-15 relative for that.
        np.testing.assert_allclose(together[:, i], alone, rtol=1e-15, atol=0)


def test_vectorised_learning_rate_schedule():
    """A schedule may return one rate per run, e.g. a vector of peaks times a common decay."""
    peaks = np.array([[0.1], [0.2]])
    opt = gd(lambda t: peaks * 0.5**t)
    params = np.zeros((2, 1))
    out = run(opt, params, [np.ones((2, 1))] * 2)
    np.testing.assert_allclose(out[-1], [[-0.15], [-0.3]], rtol=1e-15)


def test_learning_rate_shape_mismatch_is_explained():
    opt = gd(np.array([0.1, 0.2, 0.3]))
    with pytest.raises(
        ValueError, match=r"learning_rate has shape \(3,\).*params of shape \(2, 2\)"
    ):
        opt.update(np.ones((2, 2)), opt.init(np.zeros((2, 2))))


# ----------------------------------------------------------------------------------------------
# Immutability and the state protocol
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@settings(max_examples=20)
@given(problem=problems())
@example(problem=EDGE_PROBLEMS[0])
@example(problem=EDGE_PROBLEMS[2])
def test_update_never_mutates_its_inputs(name, problem):
    theta0, grads = problem
    opt = make_optimizer(name, learning_rate=0.1)
    d = theta0.shape[0]
    H = np.eye(d) * 2.0
    params = theta0.copy()
    state = opt.init(params)
    for g in grads:
        g = g.copy()
        before = [np.array(x, copy=True) for x in state]
        params_before, g_before, h_before = params.copy(), g.copy(), H.copy()
        updates, new_state = opt.update(g, state, params, hessian=H)
        # inputs unchanged
        np.testing.assert_array_equal(params, params_before)
        np.testing.assert_array_equal(g, g_before)
        np.testing.assert_array_equal(H, h_before)
        for old, copy in zip(state, before, strict=True):
            np.testing.assert_array_equal(old, copy)
        # the new state is a new object with the count advanced, and its arrays are read-only
        assert new_state is not state and type(new_state) is type(state)
        assert new_state.count == state.count + 1
        for value in new_state:
            if isinstance(value, np.ndarray):
                assert value.shape == params.shape
                assert not np.shares_memory(value, g) and not np.shares_memory(value, params)
                with pytest.raises(ValueError, match="read-only"):
                    value[...] = 0.0
        assert not np.shares_memory(updates, params)
        params, state = params + updates, new_state


def test_caller_arrays_are_copied_into_hyperparameters():
    rates = np.array([0.1, 0.2])
    opt = gd(rates)
    rates[0] = 100.0  # a later change by the caller must not leak into the optimizer
    updates, _ = opt.update(np.ones((2, 1)), opt.init(np.zeros((2, 1))))
    np.testing.assert_array_equal(updates, [[-0.1], [-0.2]])


def test_registry_and_needs_hessian():
    assert set(OPTIMIZERS) == {
        "gd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "newton",
        "proximal_gd",
    }
    for name, ctor in OPTIMIZERS.items():
        opt = ctor() if name not in ("gd", "momentum", "nesterov", "proximal_gd") else ctor(0.1)
        assert isinstance(opt, Optimizer) and opt.name == name
        assert needs_hessian(opt) is (name == "newton")
        assert needs_hessian(name) is (name == "newton")
        assert opt.learning_rate(0) == opt.hyperparams["learning_rate"]
        assert repr(opt).startswith(f"{name}(learning_rate=")
    assert make_optimizer("adam", learning_rate=0.5, b1=0.0).hyperparams["b1"] == 0.0


def test_learning_rate_attribute_is_the_schedule():
    sched = cosine(0.5, total_steps=10)
    opt = adam(sched)
    assert opt.learning_rate is sched
    np.testing.assert_array_equal(gd(0.3).learning_rate(np.arange(3)), [0.3, 0.3, 0.3])


def test_docstring_examples_run():
    result = doctest.testmod(optimizers, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


# ----------------------------------------------------------------------------------------------
# Invalid inputs: ValueError/TypeError naming the parameter, the value and the valid range
# ----------------------------------------------------------------------------------------------

INVALID = [
    (gd, {"learning_rate": 0.0}, ValueError, r"learning_rate must be in \(0, inf\), got 0\.0"),
    (gd, {"learning_rate": -0.1}, ValueError, r"learning_rate must be in \(0, inf\), got -0\.1"),
    (gd, {"learning_rate": float("nan")}, ValueError, r"learning_rate must be a finite .*nan"),
    (gd, {"learning_rate": float("inf")}, ValueError, r"learning_rate must be a finite .*inf"),
    (gd, {"learning_rate": "0.1"}, TypeError, r"learning_rate must be a real number"),
    (gd, {"learning_rate": True}, TypeError, r"learning_rate must be a real number"),
    (gd, {"learning_rate": [0.1, -1.0]}, ValueError, r"learning_rate\[1\] must be in \(0, inf\)"),
    (gd, {"learning_rate": [0.1, np.nan]}, ValueError, r"learning_rate\[1\] must be a finite"),
    (gd, {"learning_rate": lambda t: -1.0}, ValueError, r"learning_rate schedule .* ≥ 0.*-1\.0"),
    (
        momentum,
        {"learning_rate": 0.1, "momentum": 1.0},
        ValueError,
        r"momentum must be in \[0, 1\), got 1\.0",
    ),
    (
        momentum,
        {"learning_rate": 0.1, "momentum": -0.1},
        ValueError,
        r"momentum must be in \[0, 1\), got -0\.1",
    ),
    (
        nesterov,
        {"learning_rate": 0.1, "momentum": np.nan},
        ValueError,
        r"momentum must be a finite",
    ),
    (
        nesterov,
        {"learning_rate": 0.1, "momentum": [0.5, 1.2]},
        ValueError,
        r"momentum\[1\] must be in \[0, 1\), got 1\.2",
    ),
    (adam, {"b1": 1.0}, ValueError, r"b1 must be in \[0, 1\), got 1\.0"),
    (adam, {"b1": -0.5}, ValueError, r"b1 must be in \[0, 1\), got -0\.5"),
    (adam, {"b2": 0.0}, ValueError, r"b2 must be in \(0, 1\), got 0\.0"),
    (adam, {"b2": 1.0}, ValueError, r"b2 must be in \(0, 1\), got 1\.0"),
    (adam, {"eps": 0.0}, ValueError, r"eps must be in \(0, inf\), got 0\.0"),
    (adam, {"bias_correction": 1}, TypeError, r"bias_correction must be True or False, got 1"),
    (rmsprop, {"decay": 1.0}, ValueError, r"decay must be in \[0, 1\), got 1\.0"),
    (rmsprop, {"eps": -1e-8}, ValueError, r"eps must be in \(0, inf\), got -1e-08"),
    (adagrad, {"eps": 0.0}, ValueError, r"eps must be in \(0, inf\), got 0\.0"),
    (
        adagrad,
        {"initial_accumulator_value": -1.0},
        ValueError,
        r"initial_accumulator_value must be in \[0, inf\)",
    ),
    (newton, {"damping": -0.5}, ValueError, r"damping must be in \[0, inf\), got -0\.5"),
    (newton, {"learning_rate": 0.0}, ValueError, r"learning_rate must be in \(0, inf\)"),
]


@pytest.mark.parametrize(("ctor", "kwargs", "error", "match"), INVALID)
def test_invalid_settings_are_explained(ctor, kwargs, error, match):
    with pytest.raises(error, match=match):
        ctor(**kwargs)


def test_unknown_optimizer_or_parameter():
    with pytest.raises(ValueError, match=r"unknown optimizer 'sgd'; valid values are: 'gd', "):
        make_optimizer("sgd", learning_rate=0.1)
    with pytest.raises(TypeError, match=r"gd has no parameter 'momentum'; valid parameters"):
        make_optimizer("gd", learning_rate=0.1, momentum=0.9)
    with pytest.raises(ValueError, match=r"unknown optimizer 'bfgs'"):
        needs_hessian("bfgs")
    with pytest.raises(TypeError, match=r"opt must be an Optimizer or an optimizer name"):
        needs_hessian(42)


def test_newton_without_or_with_a_wrong_hessian():
    opt = newton()
    w = np.zeros(2)
    with pytest.raises(ValueError, match=r"newton needs the Hessian.*hessian=H"):
        opt.update(np.ones(2), opt.init(w), w)
    with pytest.raises(ValueError, match=r"hessian must have shape \(\.\.\., 2, 2\).*got \(3, 3\)"):
        opt.update(np.ones(2), opt.init(w), w, hessian=np.eye(3))


def test_grads_that_do_not_match_the_state():
    opt = adam()
    state = opt.init(np.zeros(3))
    with pytest.raises(ValueError, match=r"grads has shape \(2,\) but the state \(mu\)"):
        opt.update(np.ones(2), state)
    with pytest.raises(ValueError, match=r"grads has shape \(3,\) but params has shape \(2,\)"):
        gd(0.1).update(np.ones(3), gd(0.1).init(np.zeros(2)), np.zeros(2))


# ----------------------------------------------------------------------------------------------
# Behaviour on the course's surfaces (optax-style grid): each optimizer reaches the minimum
# ----------------------------------------------------------------------------------------------

CONVERGENCE = [
    ("gd", {"learning_rate": 1.0}, 200),
    ("momentum", {"learning_rate": 0.5, "momentum": 0.5}, 200),
    ("nesterov", {"learning_rate": 0.5, "momentum": 0.5}, 200),
    ("adagrad", {"learning_rate": 1.0}, 500),
    ("rmsprop", {"learning_rate": cosine(0.1, total_steps=1000)}, 1000),
    ("adam", {"learning_rate": cosine(0.1, total_steps=1000)}, 1000),
    ("newton", {"learning_rate": 1.0}, 1),
]


@pytest.mark.parametrize(("name", "kwargs", "steps"), CONVERGENCE, ids=[c[0] for c in CONVERGENCE])
def test_each_optimizer_minimises_an_ill_conditioned_quadratic(name, kwargs, steps):
    q = Quadratic2D(condition_number=10.0, angle=0.5)
    opt = make_optimizer(name, **kwargs)
    w = q.start.copy()
    state = opt.init(w)
    for _ in range(steps):
        updates, state = opt.update(q.grad(w), state, w, hessian=q.hessian(w))
        w = w + updates
    # from ‖w0‖ = 5 to within 1e-4 of the minimiser
    assert np.linalg.norm(w) < 1e-4, (name, w)


# ----------------------------------------------------------------------------------------------
# Gradient clipping and chain
# ----------------------------------------------------------------------------------------------


def clip_reference(g: list[float], c: float) -> list[float]:
    """optax.clip_by_global_norm written with scalars: rescale to norm c if the norm exceeds c."""
    norm = math.sqrt(sum(x * x for x in g))
    return list(g) if norm < c else [x / norm * c for x in g]


@given(
    # no subnormal entries: below 2.2e-308 a float keeps fewer significant bits than the
    # relative tolerances here assume (hypothesis found 2.2e-313 off by one in its last digit)
    hnp.arrays(float, st.integers(1, 6), elements=st.floats(-1e3, 1e3, allow_subnormal=False)),
    st.floats(1e-3, 1e3),
)
@example(np.array([3.0, 4.0]), 5.0)  # exactly at the threshold: unchanged
@example(np.zeros(3), 1.0)  # a zero gradient stays zero (no 0/0)
def test_clip_by_global_norm_matches_reference_and_torch(g, c):
    clip = optimizers.clip_by_global_norm(c)
    got, state = clip.update(g, clip.init(np.zeros_like(g)))
    np.testing.assert_allclose(got, clip_reference(g.tolist(), c), rtol=1e-14, atol=1e-300)
    assert state == optimizers.EmptyState()
    norm = float(np.linalg.norm(g))
    if norm <= c:
        np.testing.assert_array_equal(got, g)  # below the threshold nothing changes, bit for bit
    else:
        assert abs(np.linalg.norm(got) - c) <= 1e-13 * c  # the norm becomes c ...
        np.testing.assert_allclose(got * norm, g * c, rtol=1e-13)  # ... in the same direction
    # torch.nn.utils.clip_grad_norm_: coef = c / (‖g‖ + 1e-6), applied only when coef < 1
    coef = c / (norm + 1e-6)
    torch_like = g * coef if coef < 1 else g
    np.testing.assert_allclose(got, torch_like, rtol=1e-6 / c + 1e-14, atol=1e-300)


def test_clip_by_global_norm_clips_each_run_by_its_own_norm():
    g = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])  # norms 5, 0.5, 10
    clip = optimizers.clip_by_global_norm(1.0)
    got, _ = clip.update(g, clip.init(g))
    np.testing.assert_allclose(got, [[0.6, 0.8], [0.3, 0.4], [0.6, 0.8]], rtol=1e-15)
    per_run = optimizers.clip_by_global_norm(np.array([10.0, 0.1, 5.0]))
    got, _ = per_run.update(g, per_run.init(g))
    np.testing.assert_allclose(got, [[3.0, 4.0], [0.06, 0.08], [3.0, 4.0]], rtol=1e-15)


@pytest.mark.parametrize(
    "inner",
    [gd(0.05), momentum(0.05, 0.9), nesterov(0.05, 0.5), adam(0.1), rmsprop(0.01), adagrad(0.3)],
    ids=repr,
)
def test_chain_steps_the_optimizer_on_the_clipped_gradient(inner):
    """chain(clip, opt) over several steps equals opt fed the clipped gradients by hand."""
    rng = np.random.default_rng(4)
    grads = rng.normal(scale=3.0, size=(8, 3))
    clip, opt = (
        optimizers.clip_by_global_norm(2.0),
        optimizers.chain(optimizers.clip_by_global_norm(2.0), inner),
    )
    w_chain = w_hand = np.ones(3)
    s_chain, s_hand = opt.init(w_chain), inner.init(w_hand)
    clipped_some = False
    for g in grads:
        upd, s_chain = opt.update(g, s_chain, w_chain)
        cg, _ = clip.update(g, clip.init(g))
        clipped_some |= not np.array_equal(cg, g)
        ref, s_hand = inner.update(cg, s_hand, w_hand)
        np.testing.assert_array_equal(upd, ref)
        w_chain, w_hand = w_chain + upd, w_hand + ref
    assert clipped_some and s_chain.count == s_hand.count == 8
    for a, b in zip(s_chain.inner, s_hand, strict=True):
        np.testing.assert_array_equal(a, b)
    assert opt.name == inner.name and opt.learning_rate is inner.learning_rate
    assert repr(opt) == f"chain(clip_by_global_norm(max_norm=2.0), {inner!r})"


def test_clipping_rescues_a_too_large_step_on_rosenbrock():
    """From (2, −1) the gradient has norm ≈ 4100: α = 1.5e-3 jumps out and diverges, while the
    same rate with clipped gradients (each step at most α·c long) reaches the minimum."""
    from widgets.simulate import simulate

    rosen, start, lr, c = Rosenbrock(), [2.0, -1.0], 1.5e-3, 10.0
    plain = simulate(rosen, gd(lr), start, steps=20000)
    clipped = simulate(
        rosen, optimizers.chain(optimizers.clip_by_global_norm(c), gd(lr)), start, steps=20000
    )
    assert plain.diverged and plain.stopped_at < 10
    assert not clipped.diverged and clipped.final_loss < 1e-10
    assert clipped.step_length.max() <= lr * c * (1 + 1e-12)
    assert np.isclose(clipped.step_length[0], lr * c)  # the first step was clipped


def test_chain_passes_the_hessian_on_and_runs_in_simulate():
    from widgets.simulate import simulate

    q = Quadratic2D(condition_number=10.0)
    run = simulate(q, optimizers.chain(optimizers.clip_by_global_norm(0.1), newton()), steps=100)
    assert run.converged and needs_hessian(
        optimizers.chain(optimizers.clip_by_global_norm(1), newton())
    )
    g0 = q.grad(q.start)
    expected = q.start - np.linalg.solve(q.A, g0 * 0.1 / np.linalg.norm(g0))  # H⁻¹ of clipped g
    np.testing.assert_allclose(run.params[1], expected, rtol=1e-12)
    # a chain of a chain flattens
    twice = optimizers.chain(
        optimizers.clip_by_global_norm(1.0),
        optimizers.chain(optimizers.clip_by_global_norm(2.0), gd(0.1)),
    )
    assert [t.hyperparams["max_norm"] for t in twice.transforms] == [1.0, 2.0]


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0.0,), ValueError, r"max_norm must be in \(0, inf\), got 0\.0"),
        ((-1.0,), ValueError, r"max_norm must be in \(0, inf\), got -1\.0"),
        ((float("nan"),), ValueError, r"max_norm must be a finite number"),
        ((np.array([1.0, 0.0]),), ValueError, r"max_norm\[1\] must be in \(0, inf\), got 0\.0"),
    ],
)
def test_clip_by_global_norm_rejects_bad_thresholds(args, error, match):
    with pytest.raises(error, match=match):
        optimizers.clip_by_global_norm(*args)


def test_chain_rejects_bad_arguments():
    clip = optimizers.clip_by_global_norm(1.0)
    with pytest.raises(TypeError, match=r"chain needs gradient transformations followed by"):
        optimizers.chain()
    with pytest.raises(TypeError, match=r"chain needs gradient transformations followed by"):
        optimizers.chain(gd(0.1), clip)
    with pytest.raises(TypeError, match=r"must be gradient transformations, got gd"):
        optimizers.chain(gd(0.1), gd(0.2))
