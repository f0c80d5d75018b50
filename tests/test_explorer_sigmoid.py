"""The sigmoid explorer draws exactly what the model computes, and grades predictions."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.explorers import Question, SigmoidExplorer
from widgets.models.sigmoid import H_GRID, Z_GRID, central_difference, sigmoid_state
from widgets.objectives import sigmoid


@pytest.mark.parametrize(("z", "h", "y"), [(0.0, 1e-3, 1), (2.5, 1e-8, 0), (-8.0, 1e-1, 1)])
def test_artists_match_model(z, h, y):
    ex = SigmoidExplorer()
    ex.set(z=z, h=h, y=y)
    s = float(sigmoid(z))
    slope = s * (1 - s)
    # the point and the tangent: passes through (z, σ(z)) with slope σ(1 − σ)
    np.testing.assert_allclose(ex.artist("point").get_data(), ([z], [s]))
    zt, yt = (np.asarray(a) for a in ex.artist("tangent").get_data())
    np.testing.assert_allclose(np.diff(yt) / np.diff(zt), [slope], rtol=1e-12)
    np.testing.assert_allclose(np.interp(z, zt, yt), s, rtol=1e-12)
    # the error curve is |central difference − exact| over the h grid
    errors = np.abs(central_difference(sigmoid, z, H_GRID) - slope)
    hx, hy = (np.asarray(a) for a in ex.artist("error_line").get_data())
    np.testing.assert_array_equal(hx, H_GRID)
    np.testing.assert_allclose(hy, np.where(errors > 0, errors, np.nan))
    # the gradient panel: σ − y against (σ − y) σ (1 − σ)
    sz = sigmoid(Z_GRID)
    np.testing.assert_allclose(ex.artist("ce_line").get_data()[1], sz - y)
    np.testing.assert_allclose(ex.artist("se_line").get_data()[1], (sz - y) * sz * (1 - sz))
    assert f"{slope:.6f}" in ex.last_status.text
    assert ex.alt_text == ex.last_status.text


def test_rounding_beats_truncation_for_tiny_h():
    st_small, st_mid = sigmoid_state(1.0, 1e-13, 1), sigmoid_state(1.0, 1e-5, 1)
    assert st_small.error_at_h > 100 * st_mid.error_at_h
    # the best step sits near the cube root of machine epsilon (≈ 6e-6)
    assert 1e-7 < st_mid.best_h < 1e-4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(z=50.0), r"z must be in \[-8, 8\], got 50"),
        (dict(h=0.5), r"h must be in \[1e-13, 0.1\]"),
        (dict(y=2), r"y must be one of 1, 0; got 2"),
        (dict(zz=1.0), r"unknown argument\(s\) \['zz'\]"),
    ],
)
def test_constructor_arguments_are_checked_not_clipped(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SigmoidExplorer(**kwargs)
    with pytest.raises(ValueError, match=message.replace("argument", "control")):
        SigmoidExplorer().set(**kwargs)


def test_the_model_rejects_what_the_explorer_rejects():
    with pytest.raises(ValueError, match=r"z must be in \[-8, 8\]"):
        sigmoid_state(z=9.0)


def test_predict_then_run_hides_then_reveals():
    question = Question(
        "At z = 6 with y = 0, is the squared-error gradient larger or smaller?",
        answer=lambda st: ("smaller", f"σ(1 − σ) = {st.slope:.4f} multiplies it"),
        choices=("larger", "smaller"),
    )
    ex = SigmoidExplorer(z=6.0, y=0, question=question)
    ce = ex.artist("ce_line")
    assert not ce.get_visible(), "the answer is hidden before the learner commits"
    assert ex.artist("point").get_visible(), "what is not an answer stays on screen"
    assert "prediction" in ex.status.value
    assert ex.predict("smaller") is True
    assert ce.get_visible()
    assert "Right" in ex.feedback.value and "0.0025" in ex.feedback.value
    ex.set(z=5.0)  # answered: the new setting shows at once, without the old verdict
    assert ce.get_visible() and ex.feedback.value == ""
    assert ex.predict("larger") is False
    assert "Not quite" in ex.feedback.value


def test_run_button_without_an_answer_and_a_failing_grader_explain_themselves():
    ex = SigmoidExplorer(question=Question("?", answer=lambda st: ("a", "why"), choices=("a", "b")))
    ex.run_button.click()
    assert "Choose an answer first" in ex.feedback.value
    ex.answer_control.value = "a"
    ex.run_button.click()
    assert "Right" in ex.feedback.value
    broken = SigmoidExplorer(question=Question("?", answer=lambda st: 1 / 0, choices=("a",)))
    assert broken.predict("a") is False
    assert "ZeroDivisionError" in broken.feedback.value


def test_moves_are_cached_and_blitted_not_redrawn():
    ex = SigmoidExplorer()
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    calls = []
    model = type(ex).model
    ex.model = lambda **kw: calls.append(kw) or model(**kw)
    ex.set(z=1.0)
    ex.set(z=0.5)  # seen before: from the cache
    assert [c["z"] for c in calls] == [1.0]
    assert draws == [], "a slider move blits over the cached background"
