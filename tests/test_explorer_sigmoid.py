"""The sigmoid explorer draws exactly what the model computes, and grades predictions."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.explorers import Explorer, Question, SigmoidExplorer, Status
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


# -- the Explorer base class: view-only controls and quiet updates ------------------------------
class _Scrubbed(Explorer):
    """A minimal explorer: "x" sets a run of x + 1 points, "t" scrubs along it (view-only)."""

    def __init__(self, question=None):
        from widgets.explorers import _controls as ctl
        from widgets.explorers._figure import new_figure

        self.renders: list[frozenset[str]] = []
        controls = {"x": ctl.int_slider("x", 5, 1, 10), "t": ctl.int_slider("t", 5, 0, 10)}
        super().__init__(controls, new_figure((2, 2)), question=question, view_only=("t",))

    def render(self, changed):
        self.renders.append(changed)
        with self.quietly():  # the scrubber's range is the run: no second render
            at_end = self.value("t") >= self.controls["t"].max
            self.controls["t"].max = self.value("x")
            if at_end:
                self.controls["t"].value = self.value("x")
        return Status(f"at t = {self.value('t')} of {self.value('x')}", "info")


def test_view_only_controls_keep_the_revealed_run_and_quietly_does_not_render():
    ex = _Scrubbed(Question("?", answer=lambda ex: ("a", "why"), choices=("a", "b")))
    assert ex.renders == [frozenset({"x", "t"})]
    assert "prediction" in ex.status.value
    ex.set(t=2)  # scrubbing before the prediction reveals nothing
    assert "prediction" in ex.status.value
    assert ex.predict("a") is True
    ex.set(t=3)  # scrubbing along the revealed run: the run and the verdict stay
    assert ex._revealed and "Right" in ex.feedback.value
    assert ex.status.value.endswith("at t = 3 of 5</span>")
    ex.set(x=2)  # a new setting asks for a new prediction; t is clamped quietly, one render
    assert ex.renders[-1] == frozenset({"x"}) and len(ex.renders) == 4
    assert ex.feedback.value == "" and "prediction" in ex.status.value
    assert (ex.controls["t"].max, ex.value("t")) == (2, 2)
    with ex.hold():  # changes made quietly inside a hold do not drop the pending ones
        ex.controls["x"].value = 7
        with ex.quietly():
            ex.controls["t"].max = 9
            ex.controls["t"].value = 9  # not reported to render
    assert ex.renders[-1] == frozenset({"x"}) and len(ex.renders) == 5
    assert (ex.controls["t"].max, ex.value("t")) == (7, 7)


def test_view_only_must_name_controls():
    from widgets.explorers import _controls as ctl
    from widgets.explorers._figure import new_figure

    class Bad(Explorer):
        def render(self, changed):
            return Status("")

    with pytest.raises(ValueError, match="view_only names unknown control"):
        Bad({"x": ctl.int_slider("x", 1, 0, 2)}, new_figure((2, 2)), view_only=("step",))
