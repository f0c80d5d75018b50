"""Tests for widgets.schedules: values at known steps, vectorisation, the range test."""

from __future__ import annotations

import doctest
import math
import warnings

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import widgets.schedules as schedules
from widgets.objectives import Quadratic1D, Quadratic2D, Rosenbrock
from widgets.optimizers import gd, momentum
from widgets.schedules import (
    LRRangeResult,
    Schedule,
    constant,
    cosine,
    cosine_restarts,
    exponential,
    lr_range_test,
    step_decay,
    time_decay,
)

# ----------------------------------------------------------------------------------------------
# Values at known steps
# ----------------------------------------------------------------------------------------------


def test_constant():
    s = constant(0.3)
    assert s(0) == 0.3 and s(10**6) == 0.3
    np.testing.assert_array_equal(s(np.arange(4)), [0.3] * 4)


def test_step_decay_boundaries():
    s = step_decay(1.0, step_size=3, gamma=0.5)
    # the rate changes exactly at multiples of step_size (torch StepLR)
    expected = {0: 1.0, 2: 1.0, 3: 0.5, 5: 0.5, 6: 0.25, 8: 0.25, 9: 0.125, 30: 0.5**10}
    for t, rate in expected.items():
        assert s(t) == rate, t
    assert step_decay(0.2, step_size=1)(2) == pytest.approx(0.002, rel=1e-15)  # default γ = 0.1


def test_exponential():
    s = exponential(2.0, gamma=0.5)
    assert [s(t) for t in range(4)] == [2.0, 1.0, 0.5, 0.25]  # powers of two are exact
    assert exponential(1.0, 0.9)(10) == pytest.approx(0.9**10, rel=1e-15)
    assert exponential(1.0, 1.0)(1000) == 1.0
    assert exponential(1.0, 0.5)(5000) == 0.0  # underflows quietly (RuntimeWarning is an error)


def test_time_decay_is_lr_over_one_plus_kt_and_meets_robbins_monro():
    s = time_decay(0.8, decay=0.25)
    assert s(0) == 0.8 and s(4) == 0.4 and s(12) == 0.2
    assert time_decay(0.3, decay=0.0)(10**6) == 0.3  # k = 0: constant
    # partial sums: Σα grows like log t (no limit), Σα² converges to a finite value
    rates = time_decay(1.0, 1.0)(np.arange(10**6))
    assert rates[: 10**3].sum() + 6.0 < rates.sum()  # +log(1000) ≈ 6.9 more after 10³ steps
    assert abs((rates**2).sum() - np.pi**2 / 6) < 1e-5
    # the exponential decay's total movement is bounded: lr / (1 − γ)
    assert abs(exponential(1.0, 0.99)(np.arange(10**4)).sum() - 100.0) < 1e-9


def test_cosine_endpoints_and_midpoint():
    s = cosine(0.8, total_steps=100, min_lr=0.1)
    assert s(0) == 0.8
    assert s(100) == pytest.approx(0.1, abs=1e-16)
    assert s(50) == pytest.approx(0.45, rel=1e-15)  # halfway: (lr + min_lr) / 2
    assert s(25) == pytest.approx(0.1 + 0.35 * (1 + math.cos(math.pi / 4)), rel=1e-15)
    assert s(101) == s(10**6) == s(100)  # stays at min_lr after total_steps


def test_cosine_warmup_ramp():
    s = cosine(1.0, total_steps=12, warmup_steps=4)
    np.testing.assert_allclose(s(np.arange(5)), [0.25, 0.5, 0.75, 1.0, 1.0], rtol=1e-15)
    # the cosine phase spans steps 4..12: its midpoint is step 8
    assert s(8) == pytest.approx(0.5, rel=1e-15)
    assert s(12) == pytest.approx(0.0, abs=1e-16)
    # warm-up as long as the schedule: ramp, then min_lr
    full = cosine(1.0, total_steps=2, min_lr=0.1, warmup_steps=2)
    np.testing.assert_allclose(full(np.arange(4)), [0.5, 1.0, 0.1, 0.1], rtol=1e-15)


def sgdr_reference(lr, period, period_mult, min_lr, steps):
    """SGDR by its bookkeeping, one step at a time as torch's CosineAnnealingWarmRestarts.step()
    keeps it: t_cur counts steps since the last restart; at the end of a cycle it wraps to 0 and
    the next cycle is period_mult times longer."""
    rates, t_cur, t_i = [], 0, period
    for _ in range(steps):
        rates.append(min_lr + (lr - min_lr) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
        t_cur += 1
        if t_cur >= t_i:
            t_cur, t_i = 0, t_i * period_mult
    return rates


def test_cosine_restarts_jumps_back_to_lr_at_each_restart():
    s = cosine_restarts(0.5, period=10, min_lr=0.1)
    for restart in (0, 10, 20, 1000):
        assert s(restart) == 0.5
        assert s(restart + 5) == pytest.approx(0.3, rel=1e-15)  # halfway: (lr + min_lr) / 2
        assert s(restart + 9) == pytest.approx(0.1 + 0.2 * (1 + math.cos(0.9 * math.pi)))
    rates = s(np.arange(30))
    assert np.all(np.diff(rates.reshape(3, 10), axis=1) < 0)  # falls within each cycle
    assert np.all(rates > 0.1)  # min_lr is approached, never reached: the restart comes first


def test_cosine_restarts_period_grows_with_period_mult():
    s = cosine_restarts(1.0, period=3, period_mult=2)
    rates = s(np.arange(100))
    restarts = [int(t) for t in np.flatnonzero(rates == 1.0)]
    assert restarts == [0, 3, 9, 21, 45, 93]  # cycle lengths 3, 6, 12, 24, 48
    # in every cycle, the fraction of the cycle done sets the rate: the midpoints sit at ½
    for start, length in zip(restarts, (3, 6, 12, 24, 48), strict=False):
        if length % 2 == 0:
            assert s(start + length // 2) == pytest.approx(0.5, rel=1e-14)


@pytest.mark.parametrize(
    ("lr", "period", "period_mult", "min_lr"),
    [(1.0, 1, 1, 0.0), (0.3, 7, 1, 0.01), (2.0, 5, 2, 0.5), (0.1, 1, 3, 0.0), (1.0, 4, 5, 0.2)],
)
def test_cosine_restarts_equals_the_direct_formula_and_the_step_by_step_reference(
    lr, period, period_mult, min_lr
):
    n = 3000
    rates = cosine_restarts(lr, period, period_mult, min_lr)(np.arange(n))
    np.testing.assert_allclose(
        rates, sgdr_reference(lr, period, period_mult, min_lr, n), rtol=1e-12, atol=1e-15
    )
    # the closed form: the cycle k holding t is the largest k with start(k) <= t
    starts, k = [0], period
    while starts[-1] < n:
        starts.append(starts[-1] + k)
        k *= period_mult
    for t in (0, 1, period, n // 3, n - 1):
        i = max(j for j, st in enumerate(starts) if st <= t)
        length = period * period_mult**i
        direct = min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * (t - starts[i]) / length))
        assert rates[t] == pytest.approx(direct, rel=1e-12, abs=1e-15), t


def test_cosine_restarts_known_values():
    # computed by hand: T₀ = 4, q = 1: cos(π/4) = √2/2 gives (1 ± √2/2)/2 = 0.8536, 0.1464
    np.testing.assert_allclose(
        cosine_restarts(1.0, period=4)(np.arange(9)),
        [1.0, 0.8535533905932737, 0.5, 0.14644660940672624] * 2 + [1.0],
        rtol=1e-15,
    )
    # a restart far away, found without rounding error by the mended log: 2^40 − 1 steps of T₀ = 1
    s = cosine_restarts(1.0, period=1, period_mult=2)
    assert s(2**40 - 1) == 1.0 and s(2**40 - 2) < 1.0


@given(
    st.floats(1e-4, 10.0),
    st.integers(1, 300),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
)
@example(1e-4, 1, 0.0, 0.0)
@example(10.0, 300, 1.0, 1.0)
@example(10.0, 300, 0.0, 0.5)
@example(1e-4, 1, 1.0, 1.0)
@example(10.0, 2, 0.5, 0.5)
def test_cosine_is_bounded_and_monotone_after_warmup(lr, total, min_frac, warm_frac):
    warm = int(warm_frac * total)
    min_lr = min_frac * lr
    s = cosine(lr, total_steps=total, min_lr=min_lr, warmup_steps=warm)
    rates = s(np.arange(total + 5))
    assert np.all(rates[warm:] >= min_lr) and rates[-1] == min_lr
    assert min_lr == 0 or np.all(rates > 0)
    # min_lr + (lr − min_lr)·½(1 + cos πf): at its peak cos 0 = 1 exactly, so the rate is lr after
    # two roundings, ≤ lr(1 + ε). After it, the true rate falls by at least (lr − min_lr)π²/4T²
    # per step (T ≤ 300), far more than the cosine's own error (≤ 4ε(lr − min_lr)), so the
    # computed rate can only rise by the last roundings, about ε·lr: 1e-15·lr (4.5ε) holds both.
    assert np.all(rates <= lr * (1 + 1e-15))
    assert np.all(np.diff(rates[:warm]) > 0)  # the ramp rises to lr at step warm − 1
    # from the peak on, the rate never rises again
    assert np.all(np.diff(rates[max(warm - 1, 0) :]) <= 1e-15 * lr)


@pytest.mark.parametrize(
    "schedule",
    [
        constant(0.1),
        step_decay(0.1, step_size=7, gamma=0.3),
        exponential(0.5, gamma=0.97),
        cosine(0.1, total_steps=50, min_lr=0.01, warmup_steps=5),
        time_decay(0.5, decay=0.1),
        cosine_restarts(0.5, period=6, period_mult=2, min_lr=0.05),
    ],
    ids=repr,
)
def test_vectorised_equals_scalar_calls(schedule):
    t = np.arange(80)
    rates = schedule(t)
    assert isinstance(rates, np.ndarray) and rates.shape == (80,) and rates.dtype == float
    np.testing.assert_array_equal(rates, [schedule(int(k)) for k in t])
    assert all(type(schedule(k)) is float for k in (0, np.int64(3)))
    grid = schedule(t.reshape(8, 10))  # any integer array shape
    np.testing.assert_array_equal(grid, rates.reshape(8, 10))
    assert isinstance(schedule, Schedule)


def test_repr_reconstructs_the_call():
    assert repr(step_decay(0.1, 10, 0.5)) == "step_decay(lr=0.1, step_size=10, gamma=0.5)"
    assert repr(cosine(1.0, 8, warmup_steps=2)) == (
        "cosine(lr=1.0, total_steps=8, min_lr=0.0, warmup_steps=2)"
    )


def test_docstring_examples_run():
    result = doctest.testmod(schedules, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


# ----------------------------------------------------------------------------------------------
# Invalid arguments
# ----------------------------------------------------------------------------------------------

INVALID = [
    (constant, (0.0,), {}, ValueError, r"lr must be in \(0, inf\), got 0\.0"),
    (constant, (float("nan"),), {}, ValueError, r"lr must be a finite number"),
    (step_decay, (0.1, 0), {}, ValueError, r"step_size must be an integer in \[1, inf\), got 0"),
    (step_decay, (0.1, 2.5), {}, TypeError, r"step_size must be an integer, got 2\.5"),
    (step_decay, (0.1, 5), {"gamma": 0.0}, ValueError, r"gamma must be in \(0, 1\], got 0\.0"),
    (step_decay, (0.1, 5), {"gamma": 1.5}, ValueError, r"gamma must be in \(0, 1\], got 1\.5"),
    (exponential, (0.1, -0.5), {}, ValueError, r"gamma must be in \(0, 1\], got -0\.5"),
    (exponential, (0.1, 1.01), {}, ValueError, r"gamma must be in \(0, 1\], got 1\.01"),
    (exponential, (-1.0, 0.5), {}, ValueError, r"lr must be in \(0, inf\), got -1\.0"),
    (cosine, (0.1, 0), {}, ValueError, r"total_steps must be an integer in \[1, inf\), got 0"),
    (
        cosine,
        (0.1, 10),
        {"warmup_steps": 11},
        ValueError,
        r"warmup_steps must be an integer in \[0, 10\], got 11",
    ),
    (cosine, (0.1, 10), {"warmup_steps": -1}, ValueError, r"warmup_steps must be an integer in"),
    (cosine, (0.1, 10), {"min_lr": 0.2}, ValueError, r"min_lr must be in \[0, 0\.1\], got 0\.2"),
    (cosine, (0.1, 10), {"min_lr": -0.1}, ValueError, r"min_lr must be in \[0, 0\.1\]"),
    (time_decay, (0.0, 0.1), {}, ValueError, r"lr must be in \(0, inf\), got 0\.0"),
    (time_decay, (0.1, -0.5), {}, ValueError, r"decay must be in \[0, inf\), got -0\.5"),
    (cosine_restarts, (0.0, 5), {}, ValueError, r"lr must be in \(0, inf\), got 0\.0"),
    (cosine_restarts, (0.1, 0), {}, ValueError, r"period must be an integer in \[1, inf\), got 0"),
    (cosine_restarts, (0.1, 2.5), {}, TypeError, r"period must be an integer, got 2\.5"),
    (
        cosine_restarts,
        (0.1, 5),
        {"period_mult": 0},
        ValueError,
        r"period_mult must be an integer in \[1, inf\), got 0",
    ),
    (cosine_restarts, (0.1, 5), {"period_mult": 1.5}, TypeError, r"period_mult must be an integer"),
    (cosine_restarts, (0.1, 5), {"min_lr": 0.2}, ValueError, r"min_lr must be in \[0, 0\.1\]"),
]


@pytest.mark.parametrize(("ctor", "args", "kwargs", "error", "match"), INVALID)
def test_invalid_schedule_arguments(ctor, args, kwargs, error, match):
    with pytest.raises(error, match=match):
        ctor(*args, **kwargs)


@pytest.mark.parametrize(
    ("t", "error", "match"),
    [
        (-1, ValueError, r"step t must be a non-negative integer, got -1"),
        (np.array([0, -2]), ValueError, r"step t must contain non-negative integers"),
        (1.5, TypeError, r"step t must be an integer or an integer array, got 1\.5"),
        (np.arange(3.0), TypeError, r"step t must be an integer or an integer array"),
        (True, TypeError, r"step t must be an integer"),
    ],
)
def test_invalid_steps(t, error, match):
    with pytest.raises(error, match=match):
        cosine(0.1, 10)(t)


# ----------------------------------------------------------------------------------------------
# The learning-rate range test
# ----------------------------------------------------------------------------------------------


def _ratio(result: LRRangeResult) -> float:
    rates = result.learning_rates
    return rates[1] / rates[0]


@pytest.mark.parametrize("scale", [0.5, 1.7, 3.0, 40.0])
@pytest.mark.parametrize("steps", [50, 100, 200])
def test_range_test_finds_two_over_lambda_on_an_isotropic_quadratic(scale, steps):
    """GD on ½λ‖w‖²: the loss falls for α < 2/λ and rises from the first α > 2/λ."""
    q = Quadratic2D(condition_number=1.0, scale=scale)
    result = lr_range_test(q, gd, min_lr=1e-4, max_lr=1e3, steps=steps)
    limit = 2.0 / scale
    r = _ratio(result)
    assert result.diverged_at is not None
    assert limit < result.divergence_lr <= limit * r * (1 + 1e-12)
    assert result.suggested_lr == pytest.approx(result.divergence_lr / 10, rel=1e-15)
    # the run stops at the divergence and records one loss per rate used
    k = result.diverged_at + 1
    assert result.learning_rates.shape == result.losses.shape == (k,)
    np.testing.assert_allclose(result.learning_rates, 1e-4 * r ** np.arange(k), rtol=1e-12)
    assert result.losses[-1] > 4 * np.min(result.losses[:-1])


def test_range_test_never_undershoots_on_ill_conditioned_quadratics():
    """Below 2/λmax every GD step lowers the loss, so divergence is never reported earlier."""
    for kappa in (2.0, 10.0, 100.0):
        q = Quadratic2D(condition_number=kappa, scale=2.0, angle=0.4)
        result = lr_range_test(q, gd, min_lr=1e-4, max_lr=1e3, steps=100)
        assert 1.0 < result.divergence_lr < 10 * 1.0, kappa  # 2/λmax = 1
        rates_below = result.learning_rates < 1.0
        assert np.all(np.diff(result.losses[rates_below]) < 0)


def test_range_test_with_newton_finds_rate_two():
    """Damped Newton on a quadratic is w ← (1 − α) w, stable for α < 2 whatever κ is."""
    q = Quadratic2D(condition_number=30.0, angle=1.0)
    result = lr_range_test(q, "newton", min_lr=1e-3, max_lr=1e3, steps=120)
    assert 2.0 < result.divergence_lr <= 2.0 * _ratio(result) * (1 + 1e-12)


def test_range_test_accepts_a_factory_and_a_1d_objective():
    q = Quadratic1D(curvature=4.0)
    result = lr_range_test(q, lambda lr: momentum(lr, momentum=0.0), q.start, steps=80)
    assert 0.5 < result.divergence_lr <= 0.5 * _ratio(result) * (1 + 1e-12)


def test_range_test_with_negative_losses():
    """A shifted bowl f = ½λ‖w‖² − 5 has negative losses; divergence is still found at 2/λ."""

    class ShiftedBowl:
        start = np.array([1.0, -2.0])
        dim = 2

        def value(self, w):
            return 0.5 * 3.0 * np.sum(np.square(w), axis=-1) - 5.0

        def grad(self, w):
            return 3.0 * np.asarray(w)

    # 40 steps keep ½λ‖w‖² well above the rounding of "− 5" (with 100 steps it drops below 1e-16
    # near α = 1/λ, and the loss cannot show the error growing back until it is large again).
    result = lr_range_test(ShiftedBowl(), gd, min_lr=1e-3, max_lr=100.0, steps=40)
    assert np.min(result.losses) < 0
    assert result.diverged_at > 20  # a plain "loss > 4 × best" would stop at step 0 here
    assert 2 / 3 < result.divergence_lr <= 2 / 3 * _ratio(result) * (1 + 1e-12)


class RawBowl:
    """f(w) = ‖w‖² computed naively, so large w overflows (no error-state handling of its own)."""

    start = np.array([3.0, -1.0])

    def value(self, w):
        return np.sum(w * w, axis=-1)

    def grad(self, w):
        return 2.0 * w


@pytest.mark.parametrize(
    ("objective", "steps"),
    [(Rosenbrock(), 60), (RawBowl(), 60), (RawBowl(), 2)],
    ids=["rosenbrock-60", "raw-bowl-60", "raw-bowl-2"],  # stable ids: pytest-xdist compares them
)
def test_range_test_overflow_is_warning_free_and_stops(objective, steps):
    """Rates up to 1e300 overflow the loss; no RuntimeWarning escapes and the run stops there."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lr_range_test(objective, gd, min_lr=1e-6, max_lr=1e300, steps=steps)
    assert result.diverged_at is not None and result.diverged_at == result.losses.size - 1
    assert np.all(np.isfinite(result.losses[:-1]))
    assert not np.isfinite(result.losses[-1]) or result.losses[-1] > 4 * result.losses.min()
    if steps == 2:  # one step at α = 1e300 takes ‖w‖² past the largest float
        assert result.diverged_at == 1 and result.losses[-1] == np.inf


def test_range_test_without_divergence():
    q = Quadratic2D(condition_number=1.0, scale=1.0)
    result = lr_range_test(q, gd, min_lr=1e-3, max_lr=1.5, steps=30)  # all below 2/λ = 2
    assert result.diverged_at is None and result.divergence_lr is None
    assert result.suggested_lr is None
    assert result.losses.shape == (30,) and np.all(np.diff(result.losses) < 0)
    assert result.learning_rates[0] == 1e-3 and result.learning_rates[-1] == pytest.approx(1.5)
    assert result.initial_loss == pytest.approx(float(q.value(q.start)), rel=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_lr": 0.0}, ValueError, r"min_lr must be in \(0, inf\), got 0\.0"),
        ({"min_lr": 1.0, "max_lr": 0.5}, ValueError, r"max_lr must be in \(1, inf\), got 0\.5"),
        ({"steps": 1}, ValueError, r"steps must be an integer in \[2, inf\), got 1"),
        ({"divergence_factor": 1.0}, ValueError, r"divergence_factor must be in \(1, inf\)"),
        ({"make_optimizer": 3}, TypeError, r"make_optimizer must be an optimizer name or"),
        ({"make_optimizer": "sgd"}, ValueError, r"unknown optimizer 'sgd'"),
        ({"start": [1.0, 2.0, 3.0]}, ValueError, r"start must have length 2"),
        ({"objective": object()}, TypeError, r"objective must have a callable \.value\(w\)"),
    ],
)
def test_range_test_invalid_arguments(kwargs, error, match):
    args = {"objective": Quadratic2D(), "make_optimizer": gd, **kwargs}
    with pytest.raises(error, match=match):
        lr_range_test(**args)
