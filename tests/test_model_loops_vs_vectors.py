"""Tests for widgets.models.loops_vs_vectors. Times vary from run to run: only the rules are
checked (what was run, what was predicted, that the predictions are consistent)."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.models import STATUS_KINDS
from widgets.models.loops_vs_vectors import (
    BUDGET,
    CURVE_BUDGET,
    M_GRID,
    QUESTIONS,
    loops_state,
    loops_status,
)


@pytest.mark.parametrize("m, features", [(10, 1), (5000, 3), (100_000, 10)])
def test_state_is_consistent_with_its_budget(m, features) -> None:
    s = loops_state(m=m, features=features)
    assert s.disagreement < 1e-12  # the three versions compute the same gradient
    for method, curve in s.curves.items():
        assert curve.m.tolist() == sorted({*M_GRID, m})
        at_m = curve.m.tolist().index(m)
        assert curve.seconds[at_m] == s.seconds[method]
        assert curve.measured[at_m] == s.measured[method]
        measured = curve.m[curve.measured]
        assert measured.size and measured[0] == 10  # the smallest run is always measured
        assert np.all(curve.seconds > 0) and np.all(np.isfinite(curve.seconds))
        predicted = ~curve.measured
        if predicted.any():  # predictions exceed the curve's budget and grow with m
            assert np.all(curve.seconds[predicted] > CURVE_BUDGET)
            assert np.all(np.diff(curve.seconds[predicted]) > 0)
        if not s.measured[method]:
            assert s.seconds[method] > BUDGET
    ratio = s.seconds["two_loops"] / s.seconds["vectorized"]
    assert s.speedup["two_loops"] == pytest.approx(ratio)


def test_status_says_which_times_were_predicted() -> None:
    s = loops_state(m=100_000, features=10)
    text = loops_status(s).text
    assert loops_status(s).kind in STATUS_KINDS and text.startswith("m = 100,000, p = 10:")
    for method, name in (("two_loops", "two loops"), ("one_loop", "one loop")):
        assert (f"{name} " in text) and (("predicted" in text) or s.measured[method])
    assert text.count("(predicted, not run)") == sum(not v for v in s.measured.values())
    speedup, why = QUESTIONS[0].answer(s)
    assert speedup == s.speedup["two_loops"] and "m·p = 1,000,000" in why
    faster, _ = QUESTIONS[1].answer(s)
    assert faster in QUESTIONS[1].choices


def test_a_second_visit_measures_nothing_new() -> None:
    first = loops_state(m=3162, features=4)
    again = loops_state(m=3162, features=4)
    for method in first.curves:
        assert again.curves[method].seconds.tolist() == first.curves[method].seconds.tolist()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(m=9), ValueError, r"m must be an integer in \[10, 100000\]"),
        (dict(m=100_001), ValueError, r"m must be an integer in \[10, 100000\]"),
        (dict(features=0), ValueError, r"features must be an integer in \[1, 10\]"),
        (dict(m=100.0), TypeError, "m must be an integer"),
    ],
)
def test_invalid_controls_raise(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        loops_state(**kwargs)


def test_the_budget_at_m_is_the_callers_up_to_budget() -> None:
    """A smaller budget only extrapolates more: a run at an m no test times otherwise is
    predicted from the curve's runs when the budget is a nanosecond."""
    s = loops_state(m=77_000, features=8, budget=1e-9)
    assert s.budget == 1e-9 and not any(s.measured.values())
    for method, curve in s.curves.items():
        at_m = curve.m.tolist().index(77_000)
        assert not curve.measured[at_m] and curve.seconds[at_m] == s.seconds[method]
    for bad in (0.0, -1.0, 2 * BUDGET):
        with pytest.raises(ValueError, match=r"budget must be in \(0, 0.3\]"):
            loops_state(m=100, budget=bad)
