"""simulate(), Trajectory and the gradient oracles.

Each test recomputes what simulate() reports by an independent route: a hand-written update loop,
the objective evaluated directly, the batch sizes counted one by one. Tolerances: bookkeeping is
compared exactly; replays of the same arithmetic exactly or to rtol 1e-13 where the order of
floating-point operations may differ.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from widgets.objectives import (
    LogisticLoss,
    Quadratic1D,
    Quadratic2D,
    Rosenbrock,
    Saddle,
    wdbc_logistic,
)
from widgets.optimizers import adam, gd, make_optimizer, momentum, newton
from widgets.schedules import step_decay
from widgets.simulate import (
    GradientOracle,
    Trajectory,
    batch_runs,
    cut,
    full_batch,
    minibatch,
    optimizer_internals,
    seeded_runs,
    simulate,
    simulate_each,
    stochastic,
    sweep,
)
from widgets.theory import QuadraticTheory


@pytest.fixture(scope="module")
def wdbc():
    return wdbc_logistic()


# ------------------------------------------------------------------------------------------------
# What a trajectory records
# ------------------------------------------------------------------------------------------------
def test_trajectory_matches_a_hand_written_loop():
    q = Quadratic2D(condition_number=10.0, angle=0.4)
    schedule = step_decay(0.8, step_size=10, gamma=0.5)
    start = np.array([2.0, -1.0])
    traj = simulate(q, momentum(schedule, momentum=0.6), start, steps=40, tol=None)

    # heavy ball written out: v ← μv + g, w ← w − α_t v
    w, v, rows = start.copy(), np.zeros(2), [start.copy()]
    for t in range(40):
        v = 0.6 * v + q.A @ w
        w = w - schedule(t) * v
        rows.append(w)
    rows = np.array(rows)

    assert isinstance(traj, Trajectory)
    assert traj.params.shape == (41, 2) and traj.stopped_at == 40
    np.testing.assert_allclose(traj.params, rows, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(
        traj.loss, 0.5 * np.einsum("ti,ij,tj->t", rows, q.A, rows), rtol=1e-13
    )
    np.testing.assert_allclose(traj.grad_norm, np.linalg.norm(rows @ q.A, axis=1), rtol=1e-13)
    np.testing.assert_allclose(
        traj.step_length, np.linalg.norm(np.diff(rows, axis=0), axis=1), rtol=1e-13
    )
    np.testing.assert_array_equal(traj.learning_rate, [schedule(t) for t in range(40)])
    np.testing.assert_array_equal(traj.epochs, np.arange(41))  # no examples: one per step
    np.testing.assert_array_equal(traj.examples_seen, np.arange(41))
    assert (traj.status, traj.tol, traj.diverged_at) == ("max_steps", None, None)
    assert not traj.converged and not traj.diverged
    assert traj.message == "stopped after 40 steps (step budget used up)"
    assert (traj.optimizer, traj.objective, traj.batch_size) == ("momentum", "quadratic_2d", None)
    assert traj.final_loss == traj.loss[-1]


def test_trajectory_arrays_are_read_only():
    traj = simulate(Quadratic1D(), gd(0.1), steps=5)
    for name in ("params", "loss", "grad_norm", "step_length", "learning_rate", "epochs"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(traj, name)[0] = 1.0


def test_one_dimensional_objective():
    traj = simulate(Quadratic1D(curvature=2.0), gd(0.1), [3.0], steps=5, tol=None)
    # Exactly, w_k = 3(1 − 2α)^k with α the float 0.1 (3·0.8^k in floats is itself 1.5ε off). A
    # float step rounds α·2w ≈ 0.2w and w − 0.2w = 0.8w, by ½ε(0.2 + 0.8)|w_{k−1}| = 0.625ε|w_k|
    # at most, so |ŵ_k − w_k| ≤ 0.7kε|w_k| to first order.
    factor = 1 - 2 * Fraction(0.1)
    exact = np.array([float(3 * factor**k) for k in range(6)])
    err = np.abs(traj.params[:, 0] - exact)
    assert np.all(err <= 0.7 * np.arange(6) * np.finfo(float).eps * exact)
    assert traj.params.shape == (6, 1)


def test_duck_typed_objective():
    # any object with value, grad, dim (and start, name) works, e.g. one written in a lesson
    traj = simulate(NoHessian(), gd(0.5), [4.0, -2.0], steps=100)
    assert traj.converged and traj.objective == "no_hessian"
    np.testing.assert_allclose(traj.params[1], [2.0, -1.0], rtol=1e-15)


def test_start_defaults_to_objective_start():
    r = Rosenbrock()
    traj = simulate(r, gd(1e-3), steps=3)
    np.testing.assert_array_equal(traj.params[0], r.start)


def test_converged_stops_at_first_step_below_tol():
    q = Quadratic2D(condition_number=10.0)
    full = simulate(q, gd(1.5), [1.0, 1.0], steps=300, tol=None)
    first = int(np.argmax(full.grad_norm < 1e-6))
    traj = simulate(q, gd(1.5), [1.0, 1.0], steps=300, tol=1e-6)
    assert traj.status == "converged" and traj.converged
    assert traj.stopped_at == first and traj.params.shape == (first + 1, 2)
    assert traj.grad_norm[-1] < 1e-6 <= traj.grad_norm[-2]
    assert traj.message == f"converged in {first} steps (‖∇f‖ < 1e-06)"
    assert traj.tol == 1e-6
    np.testing.assert_array_equal(traj.params, full.params[: first + 1])


def test_start_at_the_minimum_converges_in_zero_steps():
    traj = simulate(Quadratic2D(), gd(0.1), [0.0, 0.0], steps=10)
    assert traj.converged and traj.stopped_at == 0
    assert traj.params.shape == (1, 2) and traj.step_length.shape == (0,)
    assert traj.learning_rate.shape == (0,)


def test_newton_gets_the_hessian():
    # one Newton step on a quadratic lands on the minimiser; without H it could not
    traj = simulate(Quadratic2D(30.0, 0.2), newton(), [3.0, 4.0], steps=5)
    assert traj.converged and traj.stopped_at == 1


@settings(max_examples=80, deadline=None)
@given(
    kappa=st.floats(1.0, 100.0),
    angle=st.floats(0.0, math.pi),
    lr_frac=st.one_of(st.floats(0.05, 0.95), st.floats(1.05, 3.0)),
    start=st.lists(st.floats(-10.0, 10.0), min_size=2, max_size=2),
)
@example(kappa=1.0, angle=0.0, lr_frac=0.05, start=[-10.0, -10.0])
@example(kappa=100.0, angle=math.pi, lr_frac=0.95, start=[10.0, -10.0])
@example(kappa=100.0, angle=0.0, lr_frac=1.05, start=[10.0, 10.0])
@example(kappa=1.0, angle=math.pi, lr_frac=3.0, start=[-10.0, 10.0])
@example(kappa=100.0, angle=math.pi / 2, lr_frac=0.95, start=[0.0, 0.0])
def test_gd_on_random_quadratics_agrees_with_theory(kappa, angle, lr_frac, start):
    q = Quadratic2D(condition_number=kappa, angle=angle)
    th = QuadraticTheory.from_objective(q)
    lr = lr_frac * th.stable_lr_max
    traj = simulate(q, gd(lr), start, steps=5000, tol=1e-8)
    k = traj.stopped_at
    # invariants of every trajectory
    assert traj.params.shape == (k + 1, 2) and traj.step_length.shape == (k,)
    # ½wᵀAw for d = 2 is within 4 roundings (u = ε/2) of ½|w|ᵀ|A||w|, whatever the shape of the
    # call, so two evaluations of it differ by at most 4ε·½|w|ᵀ|A||w| (up to √2κ = 141 times
    # ε·f, so no fixed rtol near 1e-14 is safe).
    magnitude = 0.5 * np.einsum(
        "ti,ij,tj->t", np.abs(traj.params), np.abs(q.A), np.abs(traj.params)
    )
    assert np.all(np.abs(traj.loss - q.value(traj.params)) <= 4 * np.finfo(float).eps * magnitude)
    assert np.all(np.isfinite(traj.params)) and np.all(np.isfinite(traj.loss))
    # outcome predicted by the stable band (0, 2/λmax)
    unstable = np.abs(np.asarray(start) @ th.eigenvectors)[th.factors(lr) > 1.0]
    if lr_frac < 1.0:
        assert traj.status != "diverged", traj.message
        # ‖∇f(w_t)‖ ≤ rate(α)ᵗ ‖∇f(w_0)‖ exactly, so the budget suffices when this bound is < tol
        if th.rate(lr) ** 5000 * traj.grad_norm[0] < 1e-8:
            assert traj.status == "converged", traj.message
            assert traj.grad_norm[-1] < 1e-8 and np.all(traj.grad_norm[:-1] >= 1e-8)
    elif unstable.size and unstable.max() > 1e-3:
        assert traj.status == "diverged", traj.message
        assert traj.loss[-1] > 1e12 or "|w|" in traj.message


# ------------------------------------------------------------------------------------------------
# Gradient oracles
# ------------------------------------------------------------------------------------------------
def _expected_seen(m, batch_size, steps):
    """Examples seen after each step, counted batch by batch (last batch of an epoch short)."""
    sizes = [batch_size] * (m // batch_size) + ([m % batch_size] if m % batch_size else [])
    seen = [0]
    for t in range(steps):
        seen.append(seen[-1] + sizes[t % len(sizes)])
    return np.array(seen)


@pytest.mark.parametrize("batch_size", [1, 7, 569])
def test_oracle_bookkeeping(batch_size, wdbc):
    m = wdbc.n_examples
    assert m == 569 and 569 % 7 == 2  # 7 does not divide m: each epoch ends with a batch of 2
    steps = 3 * math.ceil(m / batch_size) + 5  # three epochs and a bit
    traj = simulate(wdbc, gd(0.1), steps=steps, tol=None, batch_size=batch_size, seed=1)
    expected = _expected_seen(m, batch_size, steps)
    np.testing.assert_array_equal(traj.examples_seen, expected)
    np.testing.assert_allclose(traj.epochs, expected / m, rtol=1e-15)
    assert traj.epochs[math.ceil(m / batch_size)] == 1.0  # an epoch ends exactly on a batch
    assert traj.batch_size == batch_size


@pytest.mark.parametrize("batch_size", [1, 7, 569])
def test_each_epoch_visits_every_example_once(batch_size):
    m, per_epoch = 569, math.ceil(569 / batch_size)
    it = minibatch(batch_size, seed=4).batches(m)
    orders = []
    for _ in range(3):
        batches = [next(it) for _ in range(per_epoch)]
        sizes = [len(b) for b in batches]
        assert sizes[:-1] == [batch_size] * (per_epoch - 1)
        assert sizes[-1] == (m % batch_size or batch_size)
        order = np.concatenate(batches)
        np.testing.assert_array_equal(np.sort(order), np.arange(m))
        orders.append(order)
    if batch_size < m:
        assert not np.array_equal(orders[0], orders[1])  # reshuffled every epoch


def test_full_batch_oracle():
    oracle = full_batch()
    assert oracle.kind == "full batch" and oracle.batch_size is None
    it = oracle.batches(5)
    np.testing.assert_array_equal(next(it), np.arange(5))
    np.testing.assert_array_equal(oracle.examples_seen(5, 3), [0, 5, 10, 15])
    assert stochastic(3).kind == "stochastic" and minibatch(4).kind == "mini-batch"
    assert stochastic(3) == GradientOracle(1, 3)


def test_minibatch_run_uses_the_oracle_batches(wdbc):
    # replay: w ← w − α·(mean gradient over the oracle's batch), batches drawn independently
    traj = simulate(wdbc, gd(0.3), steps=200, tol=None, batch_size=7, seed=11)
    it = minibatch(7, seed=11).batches(wdbc.n_examples)
    w, rows = wdbc.start.copy(), [wdbc.start.copy()]
    for _ in range(200):
        w = w - 0.3 * wdbc.grad_batch(w, next(it))
        rows.append(w)
    np.testing.assert_allclose(traj.params, np.array(rows), rtol=1e-13, atol=1e-15)
    # grad_norm is the FULL gradient's, even though each step used 7 examples
    np.testing.assert_allclose(
        traj.grad_norm, np.linalg.norm(wdbc.grad(traj.params), axis=1), rtol=1e-13
    )
    np.testing.assert_allclose(traj.loss, wdbc.value(traj.params), rtol=1e-13)


def test_stochastic_newton_uses_full_hessian(wdbc):
    traj = simulate(wdbc, newton(0.5), steps=30, tol=None, batch_size=50, seed=0)
    it = minibatch(50, seed=0).batches(wdbc.n_examples)
    w = wdbc.start.copy()
    for _ in range(30):
        w = w - 0.5 * np.linalg.solve(wdbc.hessian(w), wdbc.grad_batch(w, next(it)))
    np.testing.assert_allclose(traj.params[-1], w, rtol=1e-10)


@pytest.mark.parametrize("batch_size", [1, 7])
def test_same_seed_same_trajectory(batch_size, wdbc):
    a = simulate(wdbc, gd(0.2), steps=300, tol=None, batch_size=batch_size, seed=42)
    b = simulate(wdbc, gd(0.2), steps=300, tol=None, batch_size=batch_size, seed=42)
    c = simulate(
        wdbc, gd(0.2), steps=300, tol=None, batch_size=batch_size, seed=np.random.default_rng(42)
    )
    d = simulate(wdbc, gd(0.2), steps=300, tol=None, batch_size=batch_size, seed=43)
    np.testing.assert_array_equal(a.params, b.params)  # bit-identical
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.params, c.params)  # a Generator seeded alike draws alike
    assert not np.array_equal(a.params, d.params)
    assert np.all(a.params[1:] != d.params[1:]) or np.abs(a.params - d.params).max() > 1e-6


# ------------------------------------------------------------------------------------------------
# Divergence
# ------------------------------------------------------------------------------------------------
def _assert_all_finite(traj):
    for name in ("params", "loss", "grad_norm", "step_length", "learning_rate", "epochs"):
        assert np.all(np.isfinite(getattr(traj, name))), name


@pytest.mark.parametrize(("lr", "steps"), [(2.2, 200), (2.05, 2000), (3.0, 50)])
def test_gd_beyond_two_over_lambda_max_diverges(lr, steps):
    q = Quadratic2D(condition_number=10.0, angle=0.3)  # λmax = 1: stable for α < 2
    start = np.array([1.0, 2.0])
    # independent: iterate w ← (I − αA)w and find the first loss above 1e12
    w, k = start.copy(), 0
    while 0.5 * w @ q.A @ w <= 1e12:
        w = w - lr * (q.A @ w)
        k += 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning at all fails the test
        traj = simulate(q, gd(lr), start, steps=steps)
    assert traj.status == "diverged" and traj.diverged
    assert traj.stopped_at == k and traj.diverged_at == k
    assert traj.params.shape == (k + 1, 2)
    assert traj.loss[-1] > 1e12 and np.all(traj.loss[:-1] <= 1e12)
    assert traj.message.startswith(f"diverged at step {k}: loss ")
    assert traj.message.endswith("exceeds 1e+12")
    _assert_all_finite(traj)


def test_custom_max_loss():
    traj = simulate(Quadratic1D(), gd(2.5), [1.0], steps=100, max_loss=10.0)
    # |w| grows by 1.5 per step: loss 0.5·1.5^(2k) > 10 first at k = 4
    assert traj.diverged and traj.stopped_at == 4
    assert traj.message == "diverged at step 4: loss 13 exceeds 10"


class ExpSquare:
    """f(w) = exp(w²): grows so fast that one step jumps from a finite loss to an overflow."""

    name, dim, start, n_examples = "exp_square", 1, np.array([1.0]), None

    def value(self, w):
        return np.exp(np.asarray(w)[..., 0] ** 2)

    def grad(self, w):
        w = np.asarray(w)
        return 2.0 * w * np.exp(w**2)

    def hessian(self, w):
        w = np.asarray(w)
        return ((2.0 + 4.0 * w**2) * np.exp(w**2))[..., None]


def test_overflow_is_dropped_not_stored():
    # w: 1 → 1 − 2e ≈ −4.4 (loss 3.6e8, kept) → ≈ 3.2e9, where exp(w²) overflows: dropped
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = simulate(ExpSquare(), gd(1.0), steps=100, max_loss=1e300)
    assert traj.diverged
    assert traj.stopped_at == 1 and traj.diverged_at == 2
    assert traj.params.shape == (2, 1)
    assert traj.message == "diverged at step 2: loss not finite (overflow)"
    _assert_all_finite(traj)


def test_parameters_running_away_count_as_divergence():
    # on a saddle the loss falls forever (no upper limit reached) while |w₂| grows by 1.5 per step
    traj = simulate(Saddle(), gd(0.5), [0.0, 1.0], steps=200)
    k = math.ceil(math.log(1e12) / math.log(1.5))  # first k with 1.5^k > 1e12
    assert traj.diverged and traj.stopped_at == k
    assert "|w|" in traj.message and "exceeds 1e+12" in traj.message
    _assert_all_finite(traj)


def test_singular_newton_system_is_reported():
    # the first feature is always 0, so the Hessian has a zero row and column
    X = np.array([[0.0, 1.0], [0.0, 2.0], [0.0, -1.0], [0.0, -2.0]])
    loss = LogisticLoss(X, [1, 1, 0, 1], fit_bias=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = simulate(loss, newton(), steps=10)
    assert traj.diverged and traj.diverged_at == 1 and traj.stopped_at == 0
    assert "Newton system singular" in traj.message
    _assert_all_finite(traj)


def test_minibatch_divergence_stops_cleanly(wdbc):
    # with an L2 penalty λ = 1 the loss has curvature ≥ 1, so α = 3 overshoots geometrically
    loss = LogisticLoss(wdbc.X, wdbc.y, l2=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = simulate(loss, gd(3.0), [1.0, 1.0, 0.0], steps=5000, batch_size=7, seed=0)
    assert traj.diverged and traj.stopped_at == traj.diverged_at
    assert traj.loss[-1] > 1e12 and np.all(traj.loss[:-1] <= 1e12)
    assert traj.stopped_at < 100
    np.testing.assert_array_equal(traj.examples_seen, _expected_seen(569, 7, traj.stopped_at))
    _assert_all_finite(traj)


# ------------------------------------------------------------------------------------------------
# Invalid inputs
# ------------------------------------------------------------------------------------------------
Q = Quadratic2D()


class NoHessian:
    name, dim, start, n_examples = "no_hessian", 2, np.zeros(2), None

    def value(self, w):
        return 0.5 * np.sum(np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return np.asarray(w, dtype=float)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(steps=0), ValueError, "steps must be an integer in"),
        (dict(steps=-5), ValueError, "steps must be an integer in"),
        (dict(steps=2.5), TypeError, "steps must be an integer"),
        (dict(steps=10**7), ValueError, "steps must be an integer in"),
        (dict(tol=0.0), ValueError, "tol must be in"),
        (dict(tol=-1e-3), ValueError, "tol must be in"),
        (dict(tol=float("nan")), ValueError, "tol must be a finite"),
        (dict(tol="small"), TypeError, "tol must be a real number"),
        (dict(max_loss=0.0), ValueError, "max_loss must be in"),
        (dict(start=[np.nan, 1.0]), ValueError, "start must contain only finite"),
        (dict(start=[1.0, np.inf]), ValueError, "start must contain only finite"),
        (dict(start=[1.0, 2.0, 3.0]), ValueError, "start must have length 2"),
        (dict(start=[[1.0, 2.0]]), ValueError, "start must be a 1-D array"),
        (dict(start="here"), TypeError, "start must be an array"),
        (dict(batch_size=1), ValueError, "batch_size applies only to objectives built from"),
        (dict(seed=-1), TypeError, "seed must be a numpy.random.Generator or a non-negative"),
        (dict(objective=object()), TypeError, "objective must be an Objective"),
        (dict(optimizer="gd"), TypeError, "optimizer must be an Optimizer"),
        (dict(objective=NoHessian(), optimizer=newton()), TypeError, "needs objective.hessian"),
    ],
)
def test_simulate_rejects_invalid_arguments(kwargs, error, match):
    args = dict(objective=Q, optimizer=gd(0.1), start=None, steps=10)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        simulate(**args)


@pytest.mark.parametrize(
    ("batch_size", "error", "match"),
    [
        (0, ValueError, r"batch_size must be an integer in \[1, 569\]"),
        (570, ValueError, r"batch_size must be an integer in \[1, 569\]"),
        (-3, ValueError, r"batch_size must be an integer in \[1, 569\]"),
        (2.0, TypeError, "batch_size must be an integer"),
    ],
)
def test_simulate_rejects_invalid_batch_size(batch_size, error, match, wdbc):
    with pytest.raises(error, match=match):
        simulate(wdbc, gd(0.1), steps=10, batch_size=batch_size)


def test_simulate_rejects_a_start_that_has_already_diverged():
    with pytest.raises(ValueError, match="start must have a finite loss"):
        simulate(Quadratic1D(), gd(0.1), [1e7], max_loss=1e12)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: minibatch(0), ValueError, "batch_size must be an integer in"),
        (lambda: minibatch(1.5), TypeError, "batch_size must be an integer"),
        (lambda: minibatch(3, seed=-1), TypeError, "seed must be"),
        (lambda: stochastic(seed="x"), TypeError, "seed must be"),
        (lambda: next(minibatch(3).batches(0)), ValueError, "n_examples must be an integer"),
        (lambda: next(minibatch(30).batches(10)), ValueError, "batch_size must be an integer in"),
        (lambda: minibatch(3).examples_seen(10, -1), ValueError, "steps must be an integer"),
        (lambda: GradientOracle(batch_size=0), ValueError, "batch_size must be an integer in"),
        (lambda: GradientOracle(batch_size=2, seed=-2), TypeError, "seed must be"),
    ],
)
def test_oracles_reject_invalid_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


class _SteppedQuadratic2D(Quadratic2D):
    """The same quadratic, run step by step by ``sweep`` (its closed form is for the exact
    classes only)."""


class _SteppedQuadratic1D(Quadratic1D):
    pass


@pytest.mark.parametrize(
    ("params", "classes"),
    [
        (dict(condition_number=10.0, angle=0.6, scale=2.0), (Quadratic2D, _SteppedQuadratic2D)),
        (dict(curvature=3.0), (Quadratic1D, _SteppedQuadratic1D)),
    ],
    ids=["2d", "1d"],
)
@pytest.mark.parametrize("momenta", [None, np.linspace(0.0, 0.95, 7)], ids=["gd", "momentum"])
@pytest.mark.parametrize("steps", [1, 37, 600])
def test_sweep_closed_form_on_quadratics_equals_the_step_by_step_runs(
    params, classes, momenta, steps
):
    exact, twin = (cls(**params) for cls in classes)
    lrs = np.geomspace(1e-3, 4.0, 23)
    name = "gd" if momenta is None else "momentum"
    a = sweep(exact, name, lrs, momenta, steps=steps, tol=1e-6)
    b = sweep(twin, name, lrs, momenta, steps=steps, tol=1e-6)
    np.testing.assert_array_equal(a.diverged, b.diverged)
    np.testing.assert_array_equal(a.diverged_at, b.diverged_at)
    np.testing.assert_array_equal(a.steps_to_converge, b.steps_to_converge)
    np.testing.assert_allclose(a.final_loss, b.final_loss, rtol=1e-7, atol=1e-300)
    np.testing.assert_allclose(a.final_params, b.final_params, rtol=1e-6, atol=1e-12)


def test_lr_range_test_lives_in_simulate_and_the_old_names_still_work():
    import widgets
    import widgets.schedules as schedules
    from widgets.simulate import LRRangeResult, lr_range_test

    assert schedules.lr_range_test is lr_range_test is widgets.lr_range_test
    assert schedules.LRRangeResult is LRRangeResult is widgets.LRRangeResult
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        schedules.nonsense  # noqa: B018


# -- recorded state, continued runs, many runs in lock step --------------------------------------
def _same_run(a: Trajectory, b: Trajectory) -> None:
    for field in ("params", "loss", "grad_norm", "step_length", "learning_rate", "epochs"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert (a.status, a.stopped_at, a.message, a.diverged_at) == (
        b.status,
        b.stopped_at,
        b.message,
        b.diverged_at,
    )


@pytest.mark.parametrize(
    ("make", "batch_size"),
    [
        (lambda: adam(0.25), None),
        (lambda: momentum(0.1, 0.9), None),
        (lambda: newton(damping=2.0), None),
        (lambda: gd(0.5), 8),
        (lambda: gd(40.0), None),  # diverges (overflows) after the first budget
    ],
    ids=["adam", "momentum", "newton", "minibatch", "diverging"],
)
def test_a_continued_run_equals_a_run_from_scratch(make, batch_size):
    bowl = Quadratic2D(condition_number=10.0)
    obj = wdbc_logistic(fit_bias=False) if batch_size else bowl
    kw = dict(tol=1e-9, batch_size=batch_size, seed=3, record_state=True)
    whole = simulate(obj, make(), [-4.0, 3.0], 400, **kw)
    for first in (1, 63, 64, 150):
        part = simulate(obj, make(), [-4.0, 3.0], first, **kw)
        more = simulate(obj, make(), [-4.0, 3.0], 400, resume=part, **kw)
        _same_run(more, whole)
        for x, y in zip(more.states, whole.states, strict=True):
            np.testing.assert_array_equal(x, y)
    kw = dict(tol=1e-9, batch_size=batch_size, seed=3)
    shorter = simulate(obj, make(), [-4.0, 3.0], 40, resume=whole, **kw)
    _same_run(shorter, simulate(obj, make(), [-4.0, 3.0], 40, **kw))


def test_recorded_states_are_the_optimizers_own_and_resume_is_checked():
    bowl = Quadratic2D(condition_number=10.0)
    opt = adam(0.25)
    run = simulate(bowl, opt, [-4.0, 3.0], 30, tol=None, record_state=True)
    state = opt.init(run.params[0])
    for t in range(30):  # the states of a replay through the pure update
        assert state.count == run.states.count[t]
        np.testing.assert_array_equal(state.nu, run.states.nu[t])
        _, state = opt.update(bowl.grad(run.params[t]), state, run.params[t])
    assert simulate(bowl, opt, [-4.0, 3.0], 30).states is None
    with pytest.raises(ValueError, match="recorded with record_state=True"):
        simulate(bowl, opt, [-4.0, 3.0], 60, resume=simulate(bowl, opt, [-4.0, 3.0], 30))
    with pytest.raises(ValueError, match="same objective, optimizer, start"):
        simulate(bowl, opt, [1.0, 3.0], 60, tol=None, resume=run)
    with pytest.raises(ValueError, match="integer seed"):
        loss = wdbc_logistic(fit_bias=False)
        part = simulate(loss, gd(0.5), None, 5, batch_size=8, record_state=True)
        simulate(loss, gd(0.5), None, 9, batch_size=8, seed=np.random.default_rng(0), resume=part)


def test_cut_is_the_run_with_a_shorter_budget():
    bowl = Quadratic2D(condition_number=10.0)
    run = simulate(bowl, momentum(0.1, 0.9), [-4.0, 3.0], 300, tol=1e-9, record_state=True)
    _same_run(cut(run, 17), simulate(bowl, momentum(0.1, 0.9), [-4.0, 3.0], 17, tol=1e-9))
    assert cut(run, 17).states.trace.shape == (18, 2)
    ended = cut(run, 5, status="diverged", message="diverged at step 5: left", diverged_at=5)
    assert (ended.status, ended.diverged, ended.diverged_at) == ("diverged", True, 5)
    with pytest.raises(ValueError, match=r"k must be an integer in \[0, "):
        cut(run, run.stopped_at + 1)


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        ("gd", [dict(learning_rate=a) for a in (0.5, 1.6, 2.5, 1e3)]),
        ("momentum", [dict(learning_rate=0.1, momentum=m) for m in (0.0, 0.5, 0.9, 0.99)]),
        (
            "adam",
            [dict(learning_rate=a, b2=b) for a, b in ((0.25, 0.999), (0.3, 0.99), (1e3, 0.5))],
        ),
        ("rmsprop", [dict(learning_rate=0.1, decay=d) for d in (0.5, 0.9, 0.99)]),
        ("newton", [dict(learning_rate=1.0, damping=x) for x in (0.0, 0.1, 3.3, 10.0)]),
    ],
)
@pytest.mark.parametrize("objective", [Quadratic2D(condition_number=10.0), Rosenbrock()])
def test_runs_in_lock_step_equal_their_runs_alone_bit_for_bit(name, settings, objective):
    opts = [make_optimizer(name, **s) for s in settings]
    together = simulate_each(objective, opts, [-1.2, 1.0], 300, tol=1e-9, record_state=True)
    for opt, run in zip(opts, together, strict=True):
        alone = simulate(objective, opt, [-1.2, 1.0], 300, tol=1e-9, record_state=True)
        _same_run(run, alone)
        for x, y in zip(run.states, alone.states, strict=True):
            np.testing.assert_array_equal(x, y)


def test_runs_in_lock_step_need_one_kind_of_optimizer_with_numeric_rates():
    bowl = Quadratic2D()
    with pytest.raises(ValueError, match="of one kind"):
        simulate_each(bowl, [gd(0.1), momentum(0.1)])
    with pytest.raises(ValueError, match="numeric learning rates"):
        simulate_each(bowl, [gd(step_decay(0.1, 10, 0.5)), gd(step_decay(0.2, 10, 0.5))])
    with pytest.raises(ValueError, match="at least one optimizer"):
        simulate_each(bowl, [])


@pytest.mark.parametrize("name", ["momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_optimizer_internals_match_a_reference_recursion(name):
    bowl = Quadratic2D(condition_number=10.0)
    opt = make_optimizer(name, learning_rate=0.05)
    run = simulate(bowl, opt, [-4.0, 3.0], 25, tol=None, record_state=True)
    velocity, scale = optimizer_internals(opt, run)
    G = bowl.grad(run.params[:-1])
    acc, mean = np.zeros(2), np.zeros(2)
    for s in range(1, 26):  # what is carried into point s, written out independently
        g = G[s - 1]
        acc = 0.9 * acc + g if name in ("momentum", "nesterov") else acc + g * g
        beta = {"rmsprop": 0.99, "adam": 0.999}.get(name)
        if beta is not None:
            mean = beta * mean + (1 - beta) * g * g
        if name in ("momentum", "nesterov"):
            np.testing.assert_allclose(velocity[s], -0.05 * acc, rtol=1e-12, atol=1e-15)
            continue
        # RMSProp's average is not bias-corrected by default (PyTorch's), Adam's is
        nu_hat = {"adagrad": acc, "rmsprop": mean}.get(name)
        nu_hat = mean / (1 - beta**s) if nu_hat is None else nu_hat
        eps = 1e-10 if name == "adagrad" else 1e-8
        np.testing.assert_allclose(scale[s], 0.05 / (np.sqrt(nu_hat) + eps), rtol=1e-12)
    assert (scale is None) == (name in ("momentum", "nesterov"))
    if scale is not None:
        assert np.isnan(scale[0]).all()
    assert optimizer_internals(gd(0.1), run) == (None, None)
    with pytest.raises(ValueError, match="record_state=True"):
        optimizer_internals(opt, simulate(bowl, opt, [-4.0, 3.0], 5))


def test_seeded_runs_continue_join_and_shorten_like_fresh_runs():
    loss = wdbc_logistic(fit_bias=False)
    fresh = seeded_runs(loss, adam(0.1), [0.0, 0.0], 32, 4, seeds=(0, 1, 2, 3))
    two = seeded_runs(loss, adam(0.1), [0.0, 0.0], 32, 2, seeds=(0, 1))
    more = seeded_runs(loss, adam(0.1), [0.0, 0.0], 32, 2, seeds=(2, 3))
    longer = seeded_runs(
        loss, adam(0.1), [0.0, 0.0], 32, 4, seeds=(0, 1, 2, 3), resume=two.join(more)
    )
    np.testing.assert_allclose(longer.params, fresh.params, rtol=1e-12, atol=1e-15)
    head = fresh.head(3, 1)
    assert head.params.shape == (3, 19, 2) and head.seeds == (0, 1, 2) and head.state is None
    np.testing.assert_array_equal(head.params, fresh.params[:3, :19])
    with pytest.raises(ValueError, match="not a head"):
        seeded_runs(loss, adam(0.1), [0.0, 0.0], 32, 4, seeds=(0, 1, 2), resume=head)
    with pytest.raises(ValueError, match="same batch size and epochs"):
        two.join(fresh)
    runs = batch_runs(loss, adam(0.1), [0.0, 0.0], 32, 4, 4, runs=fresh)
    np.testing.assert_array_equal(runs.params, fresh.params)
    np.testing.assert_allclose(runs.loss, loss.value(fresh.params[:, runs.steps]), rtol=1e-14)


def test_the_module_examples_run():
    import doctest
    import importlib

    module = importlib.import_module("widgets.simulate")  # the package's name is the function

    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 10 and result.failed == 0


def test_update_ratio_is_the_mean_step_over_the_mean_weight():
    from widgets.simulate import update_ratio

    rng = np.random.default_rng(7)
    P = rng.normal(size=(4, 6, 3))
    r = update_ratio(P)
    assert r.shape == (4, 5)
    for n in range(4):
        for t in range(5):
            step = sum(abs(P[n, t + 1, j] - P[n, t, j]) for j in range(3)) / 3
            size = sum(abs(P[n, t + 1, j]) for j in range(3)) / 3
            assert r[n, t] == pytest.approx(step / size, rel=1e-12)
    np.testing.assert_array_equal(update_ratio(P[2]), r[2])
    assert np.isnan(update_ratio([[1.0, 1.0], [0.0, 0.0]])[0])  # no weights to compare with
    for bad in ([1.0, 2.0], [[1.0, 2.0]], [[0.0, np.nan], [1.0, 1.0]]):
        with pytest.raises(ValueError, match="params"):
            update_ratio(bad)
