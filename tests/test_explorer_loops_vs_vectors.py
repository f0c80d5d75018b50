"""LoopsVsVectorsExplorer: the curves, the hollow markers and the speed-up bars are the model's
timings for the chosen m and p. Times vary from run to run, so nothing here asserts a time: only
that the figure shows what the model's state holds, and which runs were predicted."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from widgets.explorers import EXPLORERS, LoopsVsVectorsExplorer
from widgets.explorers import loops_vs_vectors as module
from widgets.models.loops_vs_vectors import NAMES, QUESTIONS, loops_state, loops_status


@pytest.fixture(scope="module")
def ex():
    return LoopsVsVectorsExplorer()


def test_registered_and_documented():
    assert EXPLORERS[LoopsVsVectorsExplorer] == ("09_computation_graphs_and_backprop",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(m=1001), "m must be one of 10, 18, 32"),
        (dict(features=0), r"features must be an integer in \[1, 10\]"),
        (dict(features=11), r"features must be an integer in \[1, 10\]"),
        (dict(budget=1.0), r"budget must be in \(0, 0.3\]"),
    ],
)
def test_constructor_rejects_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LoopsVsVectorsExplorer(**kwargs)


def test_the_slider_covers_m_on_a_log_scale():
    stops = np.array(module.M_STOPS)
    assert stops[0] == 10 and stops[-1] == 100_000
    ratios = stops[1:] / stops[:-1]
    np.testing.assert_allclose(ratios, 10**0.25, rtol=0.05)  # four stops a decade


@pytest.mark.parametrize("m, p", [(10, 1), (1000, 2), (56234, 5), (100_000, 10)])
def test_curves_markers_and_bars_are_the_models_timings(ex, m, p):
    ex.set(m=m, features=p)
    s = ex.state
    assert (s.m, s.features, s.budget) == (m, p, module.MOVE_BUDGET)
    predicted_x, predicted_y = [], []
    for method, curve in s.curves.items():
        x, y = ex.artist(f"curve_{method}").get_data()
        np.testing.assert_array_equal(x, curve.m)
        np.testing.assert_array_equal(y, curve.seconds)
        assert m in curve.m.tolist()
        predicted_x += curve.m[~curve.measured].tolist()
        predicted_y += curve.seconds[~curve.measured].tolist()
    x, y = ex.artist("predicted").get_data()
    assert list(x) == predicted_x and list(y) == predicted_y
    assert list(ex.artist("chosen").get_xdata()) == [m, m]
    lengths = [seg[1][0] for seg in ex.artist("bars").get_segments()]
    assert lengths == [s.speedup["two_loops"], s.speedup["one_loop"]]
    # what the status and the table say comes from the same state
    assert ex.last_status == loops_status(s) and ex.alt_text == ex.last_status.text
    unmeasured = sum(not v for v in s.measured.values())
    assert ex.last_status.text.count("(predicted, not run)") == unmeasured
    assert f"m = {m:,}, p = {p}" in ex.readout_boxes["times"].value


def test_a_run_over_the_budget_is_predicted_and_marked():
    """With a budget of a nanosecond, a run at m is extrapolated from smaller ones unless this
    process timed it before (the timer keeps every measurement): each unmeasured run is said to
    be predicted, in the status and the table, and drawn hollow at m."""
    fresh = loops_state(m=77_777, features=9, budget=1e-9)  # no slider stops at 77 777
    assert not any(fresh.measured.values())
    assert all(fresh.seconds[k] > 1e-9 for k in NAMES)
    tiny = LoopsVsVectorsExplorer(m=56234, features=9, budget=1e-9)
    s = tiny.state
    assert s.budget == 1e-9
    unmeasured = [k for k in NAMES if not s.measured[k]]
    assert tiny.last_status.text.count("(predicted, not run)") == len(unmeasured)
    assert tiny.readout_boxes["times"].value.count("predicted, not run") == len(unmeasured)
    x, _ = tiny.artist("predicted").get_data()
    assert list(x).count(56234) == len(unmeasured)  # a hollow marker on each such curve at m


def test_every_control_changes_state_and_status():
    ex = LoopsVsVectorsExplorer(m=100)
    for name, value in (("m", 316), ("features", 4)):
        before = ex.last_status.text
        ex.set(**{name: value})
        assert getattr(ex.state, name) == value and ex.last_status.text != before


def test_question_is_graded_against_the_state():
    ex = LoopsVsVectorsExplorer(question=QUESTIONS[1], m=1000, features=1)
    answer, why = QUESTIONS[1].answer(ex.state)
    assert answer in QUESTIONS[1].choices and "p = 1" in why
    assert ex.predict(answer)
