"""Tests for widgets.models.softmax_regions: the figure's data against direct computations."""

from __future__ import annotations

import doctest
import statistics
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import widgets.models.softmax_regions as model
from widgets.data import load_penguins
from widgets.models.softmax_regions import (
    LEARNING_RATES,
    QUESTIONS,
    STEPS,
    softmax_regions_state,
    softmax_regions_status,
)
from widgets.multiclass import SoftmaxLoss
from widgets.objectives import LogisticLoss, sigmoid
from widgets.optimizers import gd
from widgets.simulate import simulate

DATA = load_penguins(["bill_length_mm", "bill_depth_mm"])


@pytest.mark.parametrize("k, n", [(0, STEPS), (12, STEPS), (20, STEPS), (24, 30)])
def test_vectorised_runs_equal_simulate(k, n):
    """The runs for all rates at once equal one simulate per rate: the same arithmetic per run,
    but BLAS may sum a batch in another order, a few ulps a step. At α = 100, far beyond the
    stable band, the binary runs are chaotic and such differences grow exponentially: there the
    first 30 steps are compared."""
    lr = float(LEARNING_RATES[k])
    loss = SoftmaxLoss(DATA.X, DATA.y)
    traj = simulate(loss, gd(lr), steps=STEPS, tol=None)
    runs = model._runs()
    np.testing.assert_allclose(
        runs["theta"][k, : n + 1], traj.params[: n + 1], rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(runs["loss"][k, : n + 1], traj.loss[: n + 1], rtol=1e-9)
    for c in range(3):
        binary = LogisticLoss(DATA.X, (DATA.y == c).astype(float))
        alone = simulate(binary, gd(lr), steps=STEPS, tol=None).params[: n + 1]
        np.testing.assert_allclose(runs["ovr"][k, : n + 1, c], alone, rtol=1e-9, atol=1e-12)


def test_regions_are_the_argmax_of_the_probabilities_on_the_grid():
    state = softmax_regions_state(step=120, learning_rate=float(LEARNING_RATES[12]))
    loss = SoftmaxLoss(DATA.X, DATA.y)
    X1, X2 = np.meshgrid(state.x1, state.x2)
    points = np.column_stack([X1.ravel(), X2.ravel()])
    theta = model._runs()["theta"][12, 120]
    P = loss.probabilities(theta, points).reshape(state.probabilities.shape)
    np.testing.assert_allclose(state.probabilities, P, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(state.regions, np.argmax(P, axis=-1))
    np.testing.assert_allclose(state.probabilities.sum(axis=-1), 1.0, rtol=1e-14)
    A = model._runs()["ovr"][12, 120]
    S = sigmoid(points @ A[:, :2].T + A[:, 2])
    Q = (S / S.sum(axis=1, keepdims=True)).reshape(state.ovr_probabilities.shape)
    np.testing.assert_allclose(state.ovr_probabilities, Q, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(state.ovr_regions, np.argmax(Q, axis=-1))
    assert state.accuracy == float((loss.predict(theta) == DATA.y).mean())
    assert set(np.unique(state.regions)) == {0, 1, 2}  # all three species get a region


def test_shift_changes_the_weights_and_nothing_else():
    base = softmax_regions_state(step=80, shift=0.0)
    moved = softmax_regions_state(step=80, shift=4.0)
    np.testing.assert_allclose(moved.weights - base.weights, 4.0 / np.sqrt(2), rtol=1e-14)
    np.testing.assert_array_equal(moved.biases, base.biases)
    assert np.abs(moved.probabilities - base.probabilities).max() < 1e-14
    np.testing.assert_array_equal(moved.regions, base.regions)
    assert 0 <= moved.max_shift_change < 1e-14 and base.max_shift_change == 0.0
    assert "changed no probability" in softmax_regions_status(moved).text
    assert QUESTIONS[0].answer(moved)[0] == "no"


def test_loss_falls_and_large_rates_oscillate():
    slow = softmax_regions_state(step=STEPS, learning_rate=float(LEARNING_RATES[0]))
    good = softmax_regions_state(step=STEPS, learning_rate=1.0)
    assert good.loss < slow.loss < slow.loss_curve[0] == pytest.approx(np.log(3), rel=1e-14)
    assert np.all(np.diff(good.loss_curve) <= 1e-15)  # α = 1 < 2/L: monotone
    assert good.accuracy > 0.95 and good.ovr_accuracy > 0.9
    wild = softmax_regions_state(step=STEPS, learning_rate=100.0)
    assert np.any(np.diff(wild.loss_curve) > 0)  # far above 2/L the loss goes up at times
    assert QUESTIONS[1].answer(softmax_regions_state(step=10, learning_rate=1.0))[0] == "lower"


def test_off_grid_learning_rate_is_trained_on_demand():
    state = softmax_regions_state(step=40, learning_rate=0.37)
    traj = simulate(SoftmaxLoss(DATA.X, DATA.y), gd(0.37), steps=STEPS, tol=None)
    np.testing.assert_allclose(state.loss_curve, traj.loss, rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(step=-1), ValueError, r"step must be an integer in \[0, 300\]"),
        (dict(step=301), ValueError, r"step must be an integer in \[0, 300\]"),
        (dict(learning_rate=0.0), ValueError, r"learning_rate must be in \(0, inf\)"),
        (dict(learning_rate="fast"), TypeError, "learning_rate must be a real number"),
        (dict(shift=6.0), ValueError, r"shift must be in \[-5, 5\]"),
    ],
)
def test_bad_controls_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        softmax_regions_state(**kwargs)


@settings(max_examples=30, deadline=None)
@given(
    step=st.integers(0, STEPS),
    k=st.integers(0, len(LEARNING_RATES) - 1),
    shift=st.floats(-5.0, 5.0),
)
def test_fuzzed_controls_give_finite_states(step, k, shift):
    state = softmax_regions_state(step=step, learning_rate=float(LEARNING_RATES[k]), shift=shift)
    assert np.isfinite(state.probabilities).all() and not state.diverged
    assert state.max_shift_change < 1e-12
    assert softmax_regions_status(state).kind in ("ok", "oscillating")


def _best_of_three(call, kwargs) -> float:
    """The fastest of three calls: the model's own time, without the waits of a loaded machine."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        call(**kwargs)
        best = min(best, time.perf_counter() - t0)
    return best


def test_every_control_answers_fast():
    model.precompute()
    moves = {
        "step": [dict(step=s) for s in range(0, STEPS + 1, 10)],
        "learning_rate": [dict(learning_rate=float(r)) for r in LEARNING_RATES],
        "shift": [dict(shift=s) for s in np.linspace(-5, 5, 21)],
    }
    for name, calls in moves.items():
        times = []
        for kwargs in calls:
            times.append(_best_of_three(softmax_regions_state, kwargs))
        assert statistics.median(times) < 8e-3, (name, statistics.median(times))


def test_doctests():
    result = doctest.testmod(model, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_the_status_says_when_the_loss_rose():
    """Below 2/L no step raises the loss and the status says nothing of it; at α = 100 some
    steps do, the status counts them (the same count as the curve's rises) and says why the run
    still cannot blow up: the iterates stay finite at every step."""
    calm = softmax_regions_state(step=STEPS, learning_rate=1.0)
    assert calm.loss_rises == 0 and "rose" not in softmax_regions_status(calm).text
    assert softmax_regions_status(calm).kind == "ok"
    for step in (1, 50, STEPS):
        wild = softmax_regions_state(step=step, learning_rate=100.0)
        rises = int(np.sum(np.diff(wild.loss_curve[: step + 1]) > 0))
        status = softmax_regions_status(wild)
        assert rises == wild.loss_rises > 0 and status.kind == "oscillating"
        assert f"the loss rose at {rises} of these {step} steps" in status.text
        assert np.isfinite(wild.loss_curve).all() and not wild.diverged
    assert softmax_regions_state(step=0, learning_rate=100.0).loss_rises == 0


def test_every_slider_position_is_looked_up_not_trained_again():
    """A slider sends its grid points rounded to 12 significant digits; each of them, on every
    lesson-07 grid, is found on the grid (a miss would train a run again, 40 ms)."""
    from widgets.models._grid import nearest
    from widgets.models.penalty_geometry import TAUS as GEOMETRY_TAUS
    from widgets.models.regularization_paths import TAUS as PATH_TAUS

    for grid in (LEARNING_RATES, GEOMETRY_TAUS, PATH_TAUS):
        for i, value in enumerate(grid):
            assert nearest(grid, float(f"{value:.12g}"), log=True) == (i, True)
    between = float(np.sqrt(LEARNING_RATES[3] * LEARNING_RATES[4]))
    assert nearest(LEARNING_RATES, between, log=True)[1] is False
