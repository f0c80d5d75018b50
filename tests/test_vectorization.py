"""Tests for widgets.vectorization: the three gradients agree with each other and with
LogisticLoss.grad; the timer runs only what its budget allows and marks the rest as predicted.

Timings themselves vary from run to run, so they appear in no assertion; only the timer's rules
are checked (with a fake clock where the numbers matter).
"""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest

from widgets import vectorization
from widgets.objectives import LogisticLoss
from widgets.vectorization import (
    GRADIENTS,
    GradientTimer,
    gradient_one_loop,
    gradient_two_loops,
    gradient_vectorized,
)


@pytest.mark.parametrize("m, p", [(1, 1), (5, 1), (40, 3), (200, 10)])
def test_three_versions_agree_with_the_logistic_loss_gradient(m, p) -> None:
    rng = np.random.default_rng(m * p)
    X, y = rng.normal(size=(m, p)), (rng.random(m) < 0.5).astype(float)
    w, b = rng.normal(size=p), float(rng.normal())
    expected = LogisticLoss(X, y).grad(np.r_[w, b])
    for fn in (gradient_two_loops, gradient_one_loop, gradient_vectorized):
        dw, db = fn(X, y, w, b)
        assert dw.shape == (p,) and isinstance(db, float)
        np.testing.assert_allclose(np.r_[dw, db], expected, rtol=1e-12, atol=1e-15)


def test_loops_are_stable_for_huge_scores() -> None:
    X, y = np.array([[1.0], [-1.0]]), np.array([1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [fn(X, y, [1e6], 0.0) for fn in GRADIENTS.values()]
    for dw, db in results:  # both examples classified with certainty: zero gradient
        assert dw.tolist() == [0.0] and db == 0.0


class FakeClock:
    """Pretends a run costs ``rate[method] · m · p`` seconds, and counts the runs."""

    def __init__(self) -> None:
        self.rate = {"two_loops": 1e-6, "one_loop": 2e-6, "vectorized": 1e-9}
        self.runs: list[tuple[str, int, int]] = []

    def __call__(self, method: str, m: int, p: int) -> float:
        self.runs.append((method, m, p))
        return self.rate[method] * m * p


M = [10, 32, 100, 316, 1000, 3162, 10_000, 31_623, 100_000]


def test_a_run_predicted_over_budget_is_not_run_but_extrapolated() -> None:
    clock = FakeClock()
    timer = GradientTimer(budget=0.3, measure=clock)
    curve = timer.curve("two_loops", 5, M)  # 5 µs per example
    # measured while the prediction (exact, for this clock) stays within 0.3 s: m ≤ 31 623
    assert curve.measured.tolist() == [True] * 8 + [False]
    np.testing.assert_allclose(curve.seconds, 5e-6 * np.array(M), rtol=1e-12)
    assert [m for _, m, _ in clock.runs] == M[:8]
    again = timer.curve("two_loops", 5, M)  # cached: no new run, same numbers
    assert len(clock.runs) == 8 and again.seconds.tolist() == curve.seconds.tolist()
    small = timer.curve("one_loop", 5, M, budget=0.01)  # a tighter budget for this curve
    assert small.measured.tolist() == [True] * 5 + [False] * 4
    assert timer.time("one_loop", 3162, 5) == (pytest.approx(2e-6 * 3162 * 5 * 1.0), True)
    assert timer.curve("vectorized", 5, M).measured.all()


def test_prediction_scales_the_largest_smaller_run() -> None:
    timer = GradientTimer(budget=1e-9, measure=lambda method, m, p: 0.001 + 1e-6 * m)
    assert timer.predict("two_loops", 100, 1) == 0.0  # nothing smaller measured yet
    assert timer.time("two_loops", 10, 1) == (pytest.approx(0.00101), True)  # first run: runs
    seconds, measured = timer.time("two_loops", 1000, 1)
    assert not measured and seconds == pytest.approx(0.00101 * 100)  # over-estimates: safe side


def test_real_timer_measures_small_runs_and_extrapolates_monotonically() -> None:
    timer = GradientTimer(budget=0.02)
    for method in GRADIENTS:
        curve = timer.curve(method, 2, M)
        assert (
            curve.measured[0] and np.all(curve.seconds > 0) and np.all(np.isfinite(curve.seconds))
        )
        first_predicted = np.argmin(curve.measured) if not curve.measured.all() else len(M)
        assert curve.measured[:first_predicted].all() and not curve.measured[first_predicted:].any()
        measured_m = curve.m[curve.measured]
        measured_s = curve.seconds[curve.measured]
        # the budget was respected: each run was predicted (from the one before) to fit in it
        assert np.all(measured_s[:-1] * measured_m[1:] / measured_m[:-1] <= timer.budget)
        predicted = curve.seconds[~curve.measured]
        assert np.all(np.diff(predicted) > 0)  # extrapolations grow with m ...
        if predicted.size:  # ... proportionally, from the largest measured run
            k = curve.seconds[first_predicted - 1] / curve.m[first_predicted - 1]
            np.testing.assert_allclose(predicted, k * curve.m[~curve.measured], rtol=1e-12)
            assert predicted[0] > timer.budget
    two_loops = timer.curve("two_loops", 2, M)
    assert not two_loops.measured[-1]  # 100 000 examples in Python loops do not fit in 20 ms


def test_timing_data_are_seeded_views() -> None:
    a, b = GradientTimer(seed=1), GradientTimer(seed=1)
    Xa, ya, wa, _ = a.data(50, 3)
    Xb, yb, wb, _ = b.data(50, 3)
    for x, z in ((Xa, Xb), (ya, yb), (wa, wb)):
        np.testing.assert_array_equal(x, z)
    assert Xa.shape == (50, 3) and Xa.flags.c_contiguous and not Xa.flags.writeable
    assert a.data(100, 3)[0][:50].tolist() == Xa.tolist()  # the first rows are the same examples


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: GradientTimer(budget=0.0), ValueError, r"budget must be in \(0, inf\)"),
        (lambda: GradientTimer().time("loops", 10, 2), ValueError, "unknown method 'loops'"),
        (lambda: GradientTimer().time("one_loop", 0, 2), ValueError, r"m must be an integer"),
        (lambda: GradientTimer().time("one_loop", 200_000, 2), ValueError, r"100000\]"),
        (lambda: GradientTimer().time("one_loop", 10, 11), ValueError, r"features must be"),
        (lambda: GradientTimer().curve("one_loop", 2, [10, 10]), ValueError, "distinct"),
        (lambda: gradient_two_loops([[1.0]], [2.0], [0.0], 0.0), ValueError, "only 0 and 1"),
        (lambda: gradient_one_loop([[1.0]], [1.0], [0.0, 1.0], 0.0), ValueError, "length 1"),
        (lambda: gradient_vectorized([[1.0]], [1.0], [0.0], "b"), TypeError, "b must be a real"),
    ],
)
def test_invalid_arguments_raise(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def test_docstring_examples_run() -> None:
    result = doctest.testmod(vectorization)
    assert result.attempted >= 4 and result.failed == 0
