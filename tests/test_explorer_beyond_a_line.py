"""BeyondALineExplorer: the images, the boundaries, the hidden units' lines and the loss curve
are the model's state for the controls set; the largest rate says it diverged."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from widgets.explorers import EXPLORERS, BeyondALineExplorer
from widgets.explorers import beyond_a_line as module
from widgets.models.beyond_a_line import LEARNING_RATES, QUESTIONS, beyond_line_status


@pytest.fixture(scope="module")
def ex():
    return BeyondALineExplorer()


def test_registered_and_documented():
    assert EXPLORERS[BeyondALineExplorer] == ("09_computation_graphs_and_backprop",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(hidden_units=9), r"hidden_units must be an integer in \[0, 8\]"),
        (dict(learning_rate=200.0), "learning_rate must be one of 0.0316"),
        (dict(learning_rate=0.05), "learning_rate must be one of 0.0316"),
        (dict(activation="sigmoid"), "activation must be one of 'tanh', 'relu'"),
        (dict(step=1001), r"step must be an integer in \[0, 1000\]"),
    ],
)
def test_constructor_rejects_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BeyondALineExplorer(**kwargs)


@pytest.mark.parametrize("h", [0, 1, 4, 8])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("k, step", [(3, 1000), (2, 300), (0, 0)])
def test_artists_are_the_models_state(ex, h, activation, k, step):
    ex.set(hidden_units=h, activation=activation, learning_rate=LEARNING_RATES[k], step=step)
    s = ex.state
    assert (s.hidden_units, s.activation, s.step) == (h, activation, step)
    np.testing.assert_array_equal(ex.artist("net_probs").get_array(), s.net_probs)
    np.testing.assert_array_equal(ex.artist("line_probs").get_array(), s.line_probs)
    hidden = ex.artist("hidden").get_segments()
    expected = [seg for seg in s.hidden_segments if seg is not None]
    assert len(hidden) == len(expected)
    for got, want in zip(hidden, expected, strict=True):
        np.testing.assert_array_equal(got, want)
    # the boundary runs where the network's probability on the grid crosses ½
    for line in ex.artist("boundary").get_segments():
        for x, y in line[:: max(1, len(line) // 5)]:
            i = np.searchsorted(s.grid_y, y).clip(1, len(s.grid_y) - 1)
            j = np.searchsorted(s.grid_x, x).clip(1, len(s.grid_x) - 1)
            block = s.net_probs[i - 1 : i + 1, j - 1 : j + 1]
            assert block.min() <= 0.5 + 1e-9 and block.max() >= 0.5 - 1e-9
    x, y = ex.artist("loss").get_data()
    np.testing.assert_array_equal(x, s.loss_curve_steps)
    np.testing.assert_array_equal(y, s.loss_curve)
    assert ex.artist("now").get_data() == ([step], [s.net_loss])
    assert ex.last_status == beyond_line_status(s) and ex.alt_text == ex.last_status.text
    assert f"step {step}" in ex.artist("title").get_text()


def test_the_best_line_is_the_models(ex):
    s = ex.state
    x, y = ex.artist("line").get_data()
    np.testing.assert_array_equal(np.column_stack([x, y]), s.line_segment)
    assert s.line_accuracy < 0.9  # no line separates the moons


def test_the_largest_rate_says_diverged():
    ex = BeyondALineExplorer(learning_rate=LEARNING_RATES[-1])
    assert ex.state.diverged and "diverged" in ex.last_status.text
    assert ex.last_status.kind == "diverged"


def test_every_control_changes_state_and_status():
    ex = BeyondALineExplorer()
    for name, value in (("hidden_units", 2), ("learning_rate", LEARNING_RATES[2]),
                        ("activation", "relu"), ("step", 500)):  # fmt: skip
        before = ex.last_status.text
        ex.set(**{name: value})
        assert ex.last_status.text != before, name


def test_question_hides_the_network_until_predicted():
    ex = BeyondALineExplorer(question=QUESTIONS[0], hidden_units=4)
    network = ("net_probs", "boundary", "hidden", "loss", "now")
    assert not any(ex.artist(n).get_visible() for n in network)
    assert ex.artist("line").get_visible()  # the line is what the learner predicts against
    answer, _ = QUESTIONS[0].answer(ex.state)
    assert answer == "yes" and ex.predict("yes")
    assert all(ex.artist(n).get_visible() for n in network)
