"""Tests for widgets.models.beyond_a_line: the cached, batched training is gradient descent as
simulate() runs it, the network beats the best line where it should, and the drawn lines are
the units' own boundaries."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.models import STATUS_KINDS
from widgets.models import beyond_a_line as model
from widgets.models.beyond_a_line import (
    LEARNING_RATES,
    QUESTIONS,
    STEPS,
    beyond_line_state,
    beyond_line_status,
)
from widgets.network import NetworkLoss
from widgets.optimizers import gd
from widgets.simulate import simulate


def test_batched_training_is_gradient_descent_as_simulate_runs_it() -> None:
    runs = model._runs(3, "tanh")
    data = model._fixed().data
    net = NetworkLoss(data.X, data.y, 3, "tanh", seed=model.SEED)
    for k in (1, 3):
        one = simulate(net, gd(learning_rate=LEARNING_RATES[k]), steps=200, tol=None)
        np.testing.assert_allclose(runs.params[:201, k], one.params, rtol=1e-9, atol=1e-12)


def test_the_network_bends_round_the_moons_and_the_line_cannot() -> None:
    line_only = beyond_line_state(hidden_units=0, learning_rate=1.0)
    assert line_only.line_accuracy < 0.9
    # gradient descent on logistic regression approaches the best line's loss from above
    assert line_only.line_loss <= line_only.final_loss < line_only.line_loss + 0.01
    net = beyond_line_state(hidden_units=4, learning_rate=1.0, activation="tanh")
    assert net.final_accuracy > line_only.line_accuracy + 0.05
    assert QUESTIONS[0].answer(net)[0] == "yes" and QUESTIONS[0].answer(line_only)[0] == "no"
    assert np.all(np.diff(net.loss_curve[::10]) < 0)  # a stable rate: the loss keeps falling
    start = beyond_line_state(hidden_units=4, learning_rate=1.0, step=0)
    assert start.net_loss > net.final_loss and start.loss_curve[0] == pytest.approx(start.net_loss)


def test_hidden_unit_lines_are_the_units_boundaries() -> None:
    s = beyond_line_state(hidden_units=5, learning_rate=1.0, step=400)
    data = model._fixed()
    W1, b1, _, _ = model._runs(5, "tanh").net.unpack(model._runs(5, "tanh").params[400, 3])
    x0, x1, y0, y1 = data.box
    drawn = 0
    for j, seg in enumerate(s.hidden_segments):
        if seg is None:
            continue
        drawn += 1
        np.testing.assert_allclose(seg @ W1[j] + b1[j], 0.0, atol=1e-9)
        on_edge = np.isclose(seg[:, 0], [[x0], [x1]]).any(0) | np.isclose(
            seg[:, 1], [[y0], [y1]]
        ).any(0)
        assert on_edge.all()
    assert drawn >= 3
    np.testing.assert_allclose(s.line_segment @ np.array([1.0, 0.0]), s.line_segment[:, 0])


def test_probabilities_on_the_grid_match_the_network() -> None:
    s = beyond_line_state(hidden_units=2, learning_rate=0.1, activation="relu", step=300)
    runs = model._runs(2, "relu")
    theta = runs.params[300, 1]
    points = np.array([[s.grid_x[5], s.grid_y[7]], [s.grid_x[-1], s.grid_y[0]]])
    np.testing.assert_allclose(
        [s.net_probs[7, 5], s.net_probs[0, -1]], runs.net.predict_proba(theta, points), rtol=1e-12
    )
    assert s.net_probs.shape == s.line_probs.shape == (model.GRID_SIZE, model.GRID_SIZE)


def test_a_log_sliders_rate_is_matched_to_its_stop() -> None:
    assert beyond_line_state(1, math.sqrt(0.1), step=0).learning_rate == LEARNING_RATES[2]
    with pytest.raises(ValueError, match=r"learning_rate must be one of 0\.03162, 0\.1"):
        beyond_line_state(1, 0.3)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(hidden_units=9), ValueError, r"hidden_units must be an integer in \[0, 8\]"),
        (dict(activation="sigmoid"), ValueError, "unknown activation 'sigmoid'"),
        (dict(step=STEPS + 1), ValueError, r"step must be an integer in \[0, 1000\]"),
        (dict(learning_rate=-1.0), ValueError, "learning_rate must be in"),
        (dict(hidden_units=2.0), TypeError, "hidden_units must be an integer"),
    ],
)
def test_invalid_controls_raise(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        beyond_line_state(**kwargs)


@settings(max_examples=40, deadline=None)
@given(
    h=st.integers(0, 2),
    rate=st.sampled_from(LEARNING_RATES),
    activation=st.sampled_from(["tanh", "relu"]),
    step=st.integers(0, STEPS),
)
def test_every_setting_gives_a_status_and_finite_numbers(h, rate, activation, step) -> None:
    s = beyond_line_state(h, rate, activation, step)
    status = beyond_line_status(s)
    assert status.kind in STATUS_KINDS and f"step {step} of {STEPS}" in status.text
    assert np.all(np.isfinite(s.net_probs)) and 0 <= s.net_accuracy <= 1
    assert math.isfinite(s.net_loss) and len(s.hidden_segments) == h
    assert all(len(q.answer(s)) == 2 for q in QUESTIONS)


@pytest.mark.parametrize("h", [0, 1, 4, 8])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_the_largest_rate_diverges_and_a_moderate_one_does_not(h, activation) -> None:
    """At α = 100 the loss ends above its start, 0.693, for every network: the status says it
    diverged; at α = 0.316 no loss rises."""
    big = beyond_line_state(h, LEARNING_RATES[-1], activation)
    assert big.diverged and "diverged" in beyond_line_status(big).text
    if big.rose_at is not None:
        k = list(big.loss_curve_steps).index(big.rose_at)
        assert big.loss_curve[k] > big.loss_curve[0] and big.loss_curve[-1] > big.loss_curve[0]
        assert np.all(big.loss_curve[:k] <= big.loss_curve[0])
    calm = beyond_line_state(h, LEARNING_RATES[2], activation)
    assert not calm.diverged and beyond_line_status(calm).kind == "ok"
