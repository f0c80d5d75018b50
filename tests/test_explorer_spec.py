"""The declarative explorer base: binding by name, checked arguments, followers, scrubbers,
hidden values, cached states, predictions kept while scrubbing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from widgets.explorers import Question
from widgets.explorers._artists import Custom, Line
from widgets.explorers._controls import Choice, Hidden, IntSlider, LogSlider, Scrubber, Slider
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


def test_scrubbing_keeps_the_verdict_and_a_new_setting_keeps_the_run_shown():
    q = Question("?", answer=lambda st: ("a", f"n = {st.n}"), choices=("a", "b"))
    ex = RunExplorer(question=q)
    path = ex.artist("path")
    assert not path.get_visible() and "prediction" in ex.status.value
    assert ex.predict("a") and path.get_visible() and "n = 5" in ex.feedback.value
    ex.set(t=2)  # view-only: the run and the verdict stay
    assert path.get_visible() and "Right" in ex.feedback.value
    assert ex.status.value.endswith("at t = 2 of 5; x = 0.5</span>")
    ex.set(n=7)  # answered: the new setting's run shows at once; the verdict was about n = 5
    assert path.get_visible() and ex.feedback.value == ""
    assert "prediction" not in ex.status.value


def test_axes_are_never_blank_while_a_question_waits():
    """Before the prediction the first axes say what to do; after it the note goes for good
    (and an explorer without a question has no note)."""
    q = Question("?", answer=lambda st: ("a", f"n = {st.n}"), choices=("a", "b"))
    ex = RunExplorer(question=q)
    note = ex.artist("press_run")
    assert note.get_visible() and "press Run" in note.get_text() and note.axes is ex.axes[0]
    before = np.asarray(ex.figure.canvas.buffer_rgba()).copy()
    ex.predict("a")
    assert not note.get_visible()
    assert not np.array_equal(before, np.asarray(ex.figure.canvas.buffer_rgba()))
    ex.set(n=7)
    assert not note.get_visible()
    with pytest.raises(KeyError, match="press_run"):
        RunExplorer().artist("press_run")


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


def test_replace_contours_swaps_one_loss_for_another_and_removes_them_for_none():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from widgets.explorers._plots import replace_contours
    from widgets.objectives import Himmelblau, Rosenbrock

    ax = Figure().subplots()
    keep = ax.plot([0, 1], [0, 1])[0]  # an artist of the frame that is not a contour
    first = replace_contours(ax, [], Himmelblau(), resolution=21, levels=5)
    assert first and all(c in ax.collections for c in first)
    second = replace_contours(ax, first, Rosenbrock(), resolution=21, levels=5)
    assert second and not any(c in ax.collections for c in first)
    assert all(c in ax.collections for c in second)
    assert replace_contours(ax, second, None) == [] and not ax.collections
    assert keep in ax.lines


# -- the layer: what a few controls change, redrawn over the rest without a full draw ----------
@dataclass(frozen=True)
class LayerState:
    top: float  # the y limit, and the height of the layer's line
    x: float  # where the moving marker is

    @property
    def level(self):
        return [0.0, 1.0], [0.8 * self.top, 0.8 * self.top]


def layer_state(top: float = 2.0, x: float = 0.5) -> LayerState:
    return LayerState(top=top, x=x)


class LayerExplorer(Explorer):
    lessons = ("99_test",)
    controls = {
        "top": Slider("top", 2.0, lo=1.0, hi=8.0, step=1.0),
        "x": Slider("x", 0.5, lo=0.0, hi=1.0, step=0.1),
    }
    model = layer_state
    describe = staticmethod(lambda st: Status(f"top {st.top:g}, x {st.x:g}"))
    artists = {
        "level": Line(0, lambda s: s.level, layer=True, style=dict(color="green", lw=3)),
        "marker": Line(0, lambda s: ([s.x], [1.0]), style=dict(marker="o", ls="", ms=9)),
    }
    figsize = (4.0, 3.0)

    def layer(self, axes):
        return (axes[0].yaxis,)

    def layer_key(self, st):
        return st.top

    def draw_layer(self, st):
        self.axes[0].set(xlim=(0.0, 1.0), ylim=(0.0, st.top))


def _pixels(ex: Explorer) -> np.ndarray:
    return np.asarray(ex.figure.canvas.buffer_rgba()).copy()


def test_a_layer_change_redraws_the_layer_only_and_draws_what_a_full_redraw_draws():
    ex = LayerExplorer()
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    ex.set(top=5.0)  # the layer: its axis, its line and the moving marker, without a full draw
    assert draws == []
    assert ex.axes[0].get_ylim() == (0.0, 5.0)
    assert ex.artist("level").get_ydata()[0] == pytest.approx(4.0)
    layered = _pixels(ex)
    ex.set(x=0.8)  # a move: a blit over the cached picture with the new layer
    assert draws == []
    ex.set(x=0.5)
    np.testing.assert_array_equal(_pixels(ex), layered)
    ex.blit.full_redraw()  # the same state drawn in full: the same picture
    assert len(draws) == 1
    full = _pixels(ex)
    differ = np.any(full != layered, axis=-1)
    assert differ.mean() < 0.002, f"{differ.sum()} of {differ.size} pixels differ"
    # and not the old layer: the axis and the line moved
    ex2 = LayerExplorer()
    assert np.any(_pixels(ex2) != layered)


class GroupedLayerExplorer(LayerExplorer):
    def layer(self, axes):
        return [(axes[0].xaxis,), (axes[0].yaxis,)]

    def layer_key(self, st):
        return st.x > 0.75, st.top

    def draw_layer(self, st):
        self.axes[0].set(xlim=(0.0, 1.0 + (st.x > 0.75)), ylim=(0.0, st.top))


def test_a_layer_in_groups_redraws_the_groups_from_the_first_changed_as_a_full_draw_would():
    ex = GroupedLayerExplorer()
    drawn = []
    for axis in (ex.axes[0].xaxis, ex.axes[0].yaxis):
        axis.draw = lambda renderer, d=axis.draw, n=axis.axis_name: (drawn.append(n), d(renderer))
    for values, redrawn in ((dict(top=5.0), ["y"]), (dict(x=0.8), ["x", "y"]), (dict(x=0.9), [])):
        drawn.clear()
        ex.set(**values)
        assert drawn == redrawn, values
        blitted = _pixels(ex)
        ex.figure.canvas.draw()
        np.testing.assert_array_equal(_pixels(ex), blitted)
    assert [len(group) for group in ex.blit._layer] == [1, 2]  # the declared line goes last


def test_layer_artists_are_neither_moving_nor_static():
    ex = LayerExplorer()
    level, marker = ex.artist("level"), ex.artist("marker")
    layer = [a for group in ex.blit._layer for a in group]
    assert level in layer and ex.axes[0].yaxis in layer
    assert marker in ex.blit._artists and level not in ex.blit._artists


def test_a_log_slider_takes_the_end_of_its_own_track():
    """A log slider's track is in exponents: its end is 10**log10(hi), not always hi exactly."""
    spec = LogSlider("ratio", 5.0, lo=0.1, hi=20.0)
    end = 10 ** spec.configure({})["max"]
    assert end != 20.0 and spec.check("ratio", end, {}) == 20.0
    with pytest.raises(ValueError, match=r"ratio must be in \[0.1, 20\]"):
        spec.check("ratio", 20.001, {})


# -- artists per setting, layered blits, running ahead -----------------------------------------
@dataclass(frozen=True)
class PairState:
    a: float
    b: float
    lines: int


def pair_state(a: float, b: float, lines: int) -> PairState:
    return PairState(a, b, lines)


class PairExplorer(Explorer):
    lessons = ("99_test",)
    controls = {
        "a": Slider("a", 0.5, lo=0.0, hi=1.0, step=0.1),
        "b": LogSlider("b", 0.1, lo=1e-3, hi=1.0, steps_per_decade=10),
        "top": Slider("top", 1.0, lo=1.0, hi=2.0, step=0.5),
    }
    settings = {"lines": (2, lambda name, v: int(v))}
    model = staticmethod(lambda a, b, top, lines: PairState(a, b * top, lines))
    describe = staticmethod(lambda st: Status(f"a = {st.a:g}, b = {st.b:g}"))
    ahead: list = []

    @classmethod
    def declare_artists(cls, settings):
        artists = {
            f"line_{i}": Line(0, lambda st, i=i: ([0, 1], [st.a + i, st.a + i]))
            for i in range(settings["lines"])
        }
        artists["b"] = Line(0, lambda st: ([0, 1], [st.b, 0.0]))
        artists["limits"] = Custom(
            0, lambda st: st.b, create=lambda ax: ax.text(0, 0, ""), draw=_set_top
        )
        return artists

    def run_ahead(self, name, positions):
        self.ahead.append((name, positions))


def _set_top(text, b):
    text.axes.set_ylim(0.0, 4.0 if b > 1.0 else 3.0)


def _pixels(ex):
    return np.asarray(ex.figure.canvas.buffer_rgba()).copy()


def test_artists_may_depend_on_the_settings():
    assert {"line_0", "line_1", "b"} <= set(PairExplorer().artist_specs)
    assert "line_2" in PairExplorer(lines=3).artist_specs


def test_a_move_redraws_only_the_artists_that_changed_and_the_picture_is_whole():
    ex = PairExplorer()
    drawn = []
    for name in ("line_0", "line_1", "b"):
        artist = ex.artist(name)
        artist.draw = lambda renderer, artist=artist, name=name: (
            drawn.append(name),
            type(artist).draw(artist, renderer),
        )
    ex.controls["b"].value = 0.2  # builds the layer: the lines of a drawn once more into it
    drawn.clear()
    ex.controls["b"].value = 0.25
    ex.controls["b"].value = 0.3
    assert drawn == ["b", "b"], "the unchanged lines stay in the layer"
    layered = _pixels(ex)
    ex.blit.update()  # every artist drawn over the background
    np.testing.assert_array_equal(layered, _pixels(ex))
    drawn.clear()
    ex.controls["a"].value = 0.7  # other artists moved: a new layer, with b in it
    assert sorted(drawn) == ["b", "line_0", "line_1"]
    np.testing.assert_array_equal(ex.artist("line_1").get_ydata(), [1.7, 1.7])


def test_new_axis_limits_move_every_artist_on_those_axes():
    ex = PairExplorer()
    ex.controls["b"].value = 0.2
    ex.controls["b"].value = 0.3
    ex.controls["top"].value = 2.0  # b becomes 0.6 … still within the first limits
    ex.set(b=0.6)  # b = 1.2: the limits change, so the lines are drawn again at their new place
    layered = _pixels(ex)
    ex.blit.update()
    np.testing.assert_array_equal(layered, _pixels(ex))
    assert ex.axes[0].get_ylim() == (0.0, 4.0)


def test_run_ahead_is_offered_the_sliders_next_positions_on_a_new_setting():
    ex = PairExplorer()
    PairExplorer.ahead = ex.ahead = []
    ex.controls["a"].value = 0.6
    assert ex.ahead == [("a", [0.6, 0.7, 0.8, 0.9, 1.0])]
    ex.controls["a"].value = 0.5  # seen before: nothing to run ahead
    ex.controls["a"].value = 0.4
    assert ex.ahead[1:] == [("a", [0.4, 0.3, 0.2, 0.1, 0.0])]
    ex.controls["b"].value = 0.1 * 10**0.1  # a log slider: its grid in exponents
    name, positions = ex.ahead[-1]
    assert name == "b"
    np.testing.assert_allclose(positions, 0.1 * 10 ** (0.1 * np.arange(1, 6)), rtol=1e-11)
    ex.set(a=0.3)  # set in code, not dragged: the base does not guess a direction
    assert ex.ahead[-1][0] == "b"


def test_a_scrubber_that_follows_a_control_goes_to_the_end_of_the_new_run():
    class Follows(RunExplorer):
        controls = {
            **{k: v for k, v in RunExplorer.controls.items() if k != "t"},
            "t": Scrubber("step t", Scrubber.END, last=lambda s: s.n, follows=("scale",)),
        }

    ex = Follows()
    ex.set(t=2)
    ex.controls["scale"].value = "large"
    assert ex.controls["t"].value == ex.controls["t"].max == ex.state.t == 5
