"""The declarative explorer base: binding by name, checked arguments, followers, scrubbers,
hidden values, cached states, predictions kept while scrubbing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from widgets.explorers import Question
from widgets.explorers._artists import Line
from widgets.explorers._controls import Choice, Hidden, IntSlider, Scrubber, Slider
from widgets.explorers._spec import Explorer
from widgets.models import Status

SIZES = {"small": (0.0, 1.0), "large": (0.0, 10.0)}


@dataclass(frozen=True)
class RunState:
    n: int
    t: int  # the step shown, clamped to the run
    scale: str
    x: float
    start: tuple[float, float]

    @property
    def path(self):
        k = np.arange(self.t + 1)
        return k, self.x * k


def run_state(n: int, t: int, scale: str, x: float, start: tuple[float, float]) -> RunState:
    return RunState(n=n, t=min(t, n), scale=scale, x=x, start=start)


def run_status(st: RunState) -> Status:
    return Status(f"at t = {st.t} of {st.n}; x = {st.x:g}", "info")


def _start(name, value):
    arr = np.asarray(value, dtype=float).reshape(-1)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be two numbers, got {value!r}")
    return tuple(map(float, arr))


class RunExplorer(Explorer):
    lessons = ("99_test",)
    controls = {
        "n": IntSlider("run length n", 5, lo=1, hi=10),
        "scale": Choice("scale", "small", options=tuple(SIZES)),
        "x": Slider(
            "x",
            lambda scale: SIZES[scale][1] / 2,
            lo=lambda scale: SIZES[scale][0],
            hi=lambda scale: SIZES[scale][1],
            step=0.5,
            follows=("scale",),
            enabled=lambda v: v["n"] > 1,
        ),
        "t": Scrubber("step t", last=lambda s: s.n),
        "start": Hidden(default=(0.0, 0.0), check_value=_start),
    }
    model = run_state
    describe = run_status
    artists = {"path": Line(0, lambda s: s.path, answer=True)}
    redraw_on = ("scale",)

    def on_click(self, ax, x, y):
        return {"start": (x, y)}


def test_binding_is_checked_when_the_class_is_defined():
    def takes_n(n, t=0):
        return None

    with pytest.raises(TypeError, match=r"takes no parameter for the controls/settings \['m'\]"):

        class Bad(Explorer):
            controls = {"m": IntSlider("m", 1, lo=0, hi=2)}
            model = staticmethod(takes_n)

    def needs_more(m, k):
        return None

    with pytest.raises(TypeError, match=r"needs \['k'\], which no control or setting gives"):

        class Bad2(Explorer):
            controls = {"m": IntSlider("m", 1, lo=0, hi=2)}
            model = staticmethod(needs_more)


def test_followers_take_their_range_and_default_and_are_checked_against_it():
    ex = RunExplorer(scale="large", x=8.0)
    assert (ex.controls["x"].min, ex.controls["x"].max, ex.value("x")) == (0.0, 10.0, 8.0)
    with pytest.raises(ValueError, match=r"x must be in \[0, 1\], got 8"):
        RunExplorer(x=8.0)
    ex.controls["scale"].value = "small"
    assert (ex.controls["x"].max, ex.value("x")) == (1.0, 0.5)
    assert ex.state.x == 0.5 and ex.state.scale == "small"


def test_enabled_follows_the_other_values():
    ex = RunExplorer()
    assert not ex.controls["x"].disabled
    ex.set(n=1)
    assert ex.controls["x"].disabled


def test_the_scrubber_follows_the_run_and_stays_at_its_end():
    ex = RunExplorer()
    t = ex.controls["t"]
    assert (t.max, t.value, ex.state.t) == (5, 5, 5)
    ex.set(n=8)  # at the end: stays at the end
    assert (t.max, t.value, ex.state.t) == (8, 8, 8)
    ex.set(t=3)
    ex.set(n=9)  # elsewhere: keeps its step
    assert (t.max, t.value, ex.state.t) == (9, 3, 3)
    ex.set(n=2)  # clamped into a shorter run
    assert (t.max, t.value, ex.state.t) == (2, 2, 2)
    assert "animate step t" in repr(ex.children)


def test_hidden_values_are_set_by_code_or_a_click_and_checked():
    ex = RunExplorer()
    assert "start" not in ex.controls
    ex.set(start=(1.0, 2.0))
    assert ex.state.start == (1.0, 2.0)
    with pytest.raises(ValueError, match="start must be two numbers"):
        ex.set(start=(1.0, 2.0, 3.0))
    assert ex.on_click(0, 3.0, 4.0) == {"start": (3.0, 4.0)}


def test_scrubbing_keeps_a_revealed_prediction_and_a_new_setting_hides_it():
    q = Question("?", answer=lambda st: ("a", f"n = {st.n}"), choices=("a", "b"))
    ex = RunExplorer(question=q)
    path = ex.artist("path")
    assert not path.get_visible() and "prediction" in ex.status.value
    assert ex.predict("a") and path.get_visible() and "n = 5" in ex.feedback.value
    ex.set(t=2)  # view-only: the run and the verdict stay
    assert path.get_visible() and "Right" in ex.feedback.value
    assert ex.status.value.endswith("at t = 2 of 5; x = 0.5</span>")
    ex.set(n=7)  # a new setting asks for a new prediction
    assert not path.get_visible() and ex.feedback.value == ""


def test_a_frame_change_redraws_and_a_move_blits():
    ex = RunExplorer()
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    ex.set(n=7)
    assert draws == []
    ex.set(scale="large")
    assert len(draws) == 1


def test_an_error_in_the_model_is_shown_in_the_explorer():
    ex = RunExplorer()
    ex.model = lambda **kw: 1 / 0
    ex.set(n=3)
    assert isinstance(ex.last_error, ZeroDivisionError)
    assert "ZeroDivisionError" in ex.error_box.value and "⚠" in ex.status.value
