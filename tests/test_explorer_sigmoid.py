"""The sigmoid explorer draws exactly what the model computes, and grades predictions."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.explorers import Question, SigmoidExplorer
from widgets.explorers.sigmoid import _H, _Z, central_difference, sigmoid_state
from widgets.objectives import sigmoid


@pytest.mark.parametrize(("z", "h", "y"), [(0.0, 1e-3, 1), (2.5, 1e-8, 0), (-8.0, 1e-1, 1)])
def test_artists_match_model(z, h, y):
    ex = SigmoidExplorer()
    ex.set(z=z, h=h, y=y)
    v = ex.view
    s = float(sigmoid(z))
    slope = s * (1 - s)
    # the point and the tangent: passes through (z, σ(z)) with slope σ(1 − σ)
    np.testing.assert_allclose(v.point.get_data(), ([z], [s]))
    zt, yt = (np.asarray(a) for a in v.tangent.get_data())
    np.testing.assert_allclose(np.diff(yt) / np.diff(zt), [slope], rtol=1e-12)
    np.testing.assert_allclose(np.interp(z, zt, yt), s, rtol=1e-12)
    # the error curve is |central difference − exact| over the h grid
    errors = np.abs(central_difference(sigmoid, z, _H) - slope)
    hx, hy = (np.asarray(a) for a in v.error_line.get_data())
    np.testing.assert_array_equal(hx, _H)
    np.testing.assert_allclose(hy, np.where(errors > 0, errors, np.nan))
    # the gradient panel: σ − y against (σ − y) σ (1 − σ)
    sz = sigmoid(_Z)
    np.testing.assert_allclose(v.ce_line.get_data()[1], sz - y)
    np.testing.assert_allclose(v.se_line.get_data()[1], (sz - y) * sz * (1 - sz))
    assert f"{slope:.6f}" in ex.last_status.text


def test_rounding_beats_truncation_for_tiny_h():
    st_small, st_mid = sigmoid_state(1.0, 1e-13, 1), sigmoid_state(1.0, 1e-5, 1)
    assert st_small.error_at_h > 100 * st_mid.error_at_h
    # the best step sits near the cube root of machine epsilon (≈ 6e-6)
    assert 1e-7 < st_mid.best_h < 1e-4


def test_predict_then_run_hides_then_reveals():
    question = Question(
        "At z = 6 with y = 0, is the squared-error gradient larger or smaller?",
        answer=lambda ex: ("smaller", "σ(1 − σ) ≈ 0.0025 multiplies it"),
        choices=("larger", "smaller"),
    )
    ex = SigmoidExplorer(z=6.0, y=0, question=question)
    assert not ex.view.ce_line.get_visible(), "the answer is hidden before the learner commits"
    assert "prediction" in ex.status.value
    assert ex.predict("smaller") is True
    assert ex.view.ce_line.get_visible()
    assert "Right" in ex.feedback.value
    ex.set(z=5.0)  # a new setting asks for a new prediction
    assert not ex.view.ce_line.get_visible()
    assert ex.predict("larger") is False
    assert "Not quite" in ex.feedback.value


def test_run_button_without_an_answer_and_a_failing_grader_explain_themselves():
    ex = SigmoidExplorer(question=Question("?", answer=lambda ex: ("a", "why"), choices=("a", "b")))
    ex.run_button.click()
    assert "Choose an answer first" in ex.feedback.value
    ex.answer_control.value = "a"
    ex.run_button.click()
    assert "Right" in ex.feedback.value
    broken = SigmoidExplorer(question=Question("?", answer=lambda ex: 1 / 0, choices=("a",)))
    assert broken.predict("a") is False
    assert "ZeroDivisionError" in broken.feedback.value
