"""Properties every explorer must have, checked headless (Agg) for each class in EXPLORERS.

- the uniform interface (controls, figure, status, lessons);
- a hypothesis fuzz of 1000 random control settings, extremes included, with no exception shown in
  the explorer, no RuntimeWarning, finite axis limits and a status in words;
- no growth in artists or memory across 300 updates.
"""

from __future__ import annotations

import gc
import math
import tracemalloc
import warnings

import ipywidgets as ipw
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from widgets.explorers import EXPLORERS, Explorer

CLASSES = list(EXPLORERS)
IDS = [cls.__name__ for cls in CLASSES]


class Track(float):
    """A position along a float slider's track, from 0 (its lower end) to 1 (its upper end).

    It becomes a value when it is set, in the range the slider has then: a slider whose range
    follows another control (w₁ over the plot of the chosen loss) takes that control's new range
    first, as a learner's slider does."""

    def on(self, control: ipw.Widget) -> float:
        log = isinstance(control, ipw.FloatLogSlider)
        lo, hi = getattr(control, "lowest", control.min), control.max  # nominal ends of the track
        x = lo if self == 0 else hi if self == 1 else min(max(lo + self * (hi - lo), lo), hi)
        return control.base**x if log else x


def control_values(control: ipw.Widget) -> st.SearchStrategy:
    """Values a learner can reach with this control, ends of the range included."""
    if isinstance(control, ipw.FloatSlider | ipw.FloatLogSlider):
        return st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0)).map(Track)
    if isinstance(control, (ipw.IntSlider, ipw.BoundedIntText)):
        return st.integers(control.min, control.max)
    if isinstance(control, ipw.Checkbox | ipw.ToggleButton):
        return st.booleans()
    if isinstance(control, ipw.SelectMultiple | ipw.TagsInput):
        values = (
            [v for _, v in control.options]
            if control.options and isinstance(control.options[0], tuple)
            else list(control.options)
        )
        return st.lists(st.sampled_from(values), min_size=1, unique=True).map(tuple)
    if hasattr(control, "options"):
        opts = control.options
        values = [v[1] if isinstance(v, tuple) else v for v in opts]
        return st.sampled_from(values)
    raise TypeError(f"no value strategy for {type(control).__name__}")


def settable(explorer: Explorer) -> dict[str, ipw.Widget]:
    return {
        n: c
        for n, c in explorer.controls.items()
        if hasattr(c, "value") and not getattr(c, "disabled", False) and not isinstance(c, ipw.Play)
    }


def assert_healthy(explorer: Explorer) -> None:
    assert explorer.last_error is None, f"explorer showed an error: {explorer.last_error!r}"
    assert explorer.last_status.text.strip(), "status line is empty"
    for ax in explorer.figure.axes:
        for lim in (*ax.get_xlim(), *ax.get_ylim()):
            assert math.isfinite(lim), f"non-finite axis limit on {ax.get_title()!r}"


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_interface(cls):
    ex = cls()
    assert isinstance(ex, ipw.VBox)
    assert isinstance(ex.figure, Figure)
    assert ex.controls and all(isinstance(c, ipw.Widget) for c in ex.controls.values())
    assert "descent-explorer" in ex._dom_classes
    assert "descent-status" in ex.status._dom_classes
    assert EXPLORERS[cls], f"{cls.__name__} lists no lesson"
    for control in ex.controls.values():
        if isinstance(control, ipw.ValueWidget) and not isinstance(control, ipw.Play):
            assert getattr(control, "description", "").strip(), "every control has a visible label"
    assert_healthy(ex)


@pytest.mark.slow  # about a minute per explorer: left out of the fast command, run by the full one
@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_fuzz_controls(cls):
    ex = cls()
    controls = settable(ex)
    follows = any(spec.follows for spec in getattr(ex, "specs", {}).values())
    strategy = st.fixed_dictionaries(
        {}, optional={n: control_values(c) for n, c in controls.items()}
    )

    @settings(
        max_examples=1000,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(values=strategy)
    def run(values):
        tracks = {n: v for n, v in values.items() if isinstance(v, Track)}
        others = {n: v for n, v in values.items() if n not in tracks}
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            if not follows:
                ex.set(**others, **{n: v.on(controls[n]) for n, v in tracks.items()})
            else:  # in one update: the others first, then the sliders in the ranges they give
                with ex.hold():
                    ex.set(**others)
                    ex.set(**{n: v.on(controls[n]) for n, v in tracks.items()})
        assert_healthy(ex)

    run()


@pytest.mark.slow  # 400 redraws per explorer: left out of the fast command, run by the full one
@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_no_leak_over_300_updates(cls):
    """Neither artists nor memory accumulate: under 2 kB per update (a leak of one small array
    per update fails), measured by tracemalloc over 300 updates after 100 that warm the caches."""
    ex = cls()
    _, control = _first_numeric(ex)
    lo, hi = _range(control)
    values = np.linspace(lo, hi, 50)
    n_artists = _count_artists(ex.figure)

    def cycle(n):
        for i in range(n):
            control.value = type(control.value)(values[i % len(values)])

    cycle(100)  # warm caches
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cycle(300)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert _count_artists(ex.figure) == n_artists, "artists accumulate on updates"
    assert after - before < 600_000, f"memory grew by {after - before} bytes over 300 updates"
    assert_healthy(ex)


def _first_numeric(ex: Explorer):
    for name, c in settable(ex).items():
        if isinstance(c, ipw.FloatSlider | ipw.FloatLogSlider | ipw.IntSlider):
            return name, c
    raise AssertionError("explorer has no slider")


def _range(c):
    if isinstance(c, ipw.FloatLogSlider):
        return c.base**c.min, c.base**c.max
    return c.min, c.max


def _count_artists(fig: Figure) -> int:
    return sum(len(ax.get_children()) for ax in fig.axes) + len(fig.get_children())


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_log_axes_keep_few_minor_ticks(cls):
    """Every tick is about 24 kB that its axis keeps for good: the log axes put minor ticks at 2
    and 5 times each power of ten only (widgets.explorers._plots.sparse_log_minor_ticks), not at
    matplotlib's 2 to 9."""
    figure = cls().figure
    figure.canvas.draw()
    logs = 0
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "log":
                continue
            logs += 1
            low, high = sorted(axis.get_view_interval())
            decades = math.ceil(math.log10(high)) - math.floor(math.log10(low))
            minor = [t for t in axis.get_minorticklocs() if low <= t <= high]
            assert len(minor) <= 2 * decades, (ax.get_title(), len(minor), decades)
            assert len(axis.minorTicks) <= 2 * (decades + 2)  # one decade more at each end
    if cls.__name__ in {"LearningRateExplorer", "LRRangeTestExplorer", "SigmoidExplorer"}:
        assert logs  # the check above ran on these explorers' log axes


def widgets_under(widget: ipw.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from widgets_under(child)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_a_play_button_holds_its_sliders_value_and_range(cls):
    """The browser links a Play button to its slider by first giving the slider the Play's
    value: a Play that kept the value its slider had when both were made would move "step t"
    back to it (step 1 instead of the end of the run) when the page opens. So every Play holds
    its slider's value and range, also after another control changed the run's length."""
    ex = cls()
    plays = [w for w in widgets_under(ex) if isinstance(w, ipw.Play)]
    ints = [w for w in ex.controls.values() if isinstance(w, ipw.IntSlider)]

    def unmatched() -> list[str]:
        shown = {(w.min, w.max, w.value) for w in ints}
        return [
            f"Play {p.value} of [{p.min}, {p.max}]"
            for p in plays
            if (p.min, p.max, p.value) not in shown
        ]

    assert not unmatched()
    for widget in ints:  # an integer control that is not a Play's, e.g. the step budget
        if not widget.disabled and all(p.max != widget.max for p in plays):
            widget.value = widget.min + (widget.max - widget.min) // 2
            assert not unmatched(), widget.description


#: 10 pt on screen: a figure drawn at 100 dpi shows 100 CSS px per inch, so a text of s points
#: is s·100/72 CSS px tall, and 10 CSS points (13.3 px) need s ≥ 9.6
SMALLEST_FONT_PT = 10 * 96 / 100


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_every_text_in_the_figure_reads_at_10_pt(cls):
    """Legends, tick labels, notes and titles: no visible text under 10 pt at the figure's
    natural size (the size it has in a window as wide as the figure)."""
    from matplotlib.text import Text

    ex = cls()
    ex.figure.canvas.draw()  # tick labels exist once drawn
    assert ex.figure.dpi == 100
    small = sorted(
        {
            (round(t.get_fontsize(), 1), t.get_text()[:40])
            for t in ex.figure.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_fontsize() < SMALLEST_FONT_PT
        }
    )
    assert not small, f"{cls.__name__}: {small[:8]}"


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_each_explorer_opens_with_a_heading_for_screen_readers(cls):
    """A heading named like the explorer's region comes first, so a screen reader's heading
    list leads to every explorer; it is out of sight (the lesson's text introduces it)."""
    from html.parser import HTMLParser

    from widgets.explorers._access import title_of

    ex = cls()
    first = ex.children[0]
    found = []

    class Headings(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                found.append([tag, dict(attrs).get("style", ""), ""])

        def handle_data(self, data):
            if found:
                found[-1][2] += data

    Headings().feed(first.value)
    assert [(tag, text) for tag, _, text in found] == [("h3", title_of(cls))]
    assert "clip:rect(0,0,0,0)" in found[0][1] and "position:absolute" in found[0][1]


WITH_CLASSES = [cls for cls in CLASSES if "points_0" in cls.artists]


def test_the_explorers_that_plot_both_classes_are_known():
    names = {cls.__name__ for cls in WITH_CLASSES}
    assert names == {
        "FitByHandExplorer",
        "DecisionBoundaryExplorer",
        "ThresholdExplorer",
        "ImbalanceExplorer",
        "BeyondALineExplorer",
    }


@pytest.mark.parametrize("cls", WITH_CLASSES, ids=[c.__name__ for c in WITH_CLASSES])
def test_the_two_classes_differ_by_more_than_colour(cls):
    """Wherever the benign and malignant tumours (classes 0 and 1) are plotted, their markers
    differ too, so no one needs to tell blue from vermillion to tell them apart."""
    from matplotlib.collections import PathCollection

    ex = cls()

    def marker(artist):
        if isinstance(artist, PathCollection):  # a scatter: compare the marker's outline
            return tuple(map(tuple, artist.get_paths()[0].vertices.round(3)))
        from matplotlib.markers import MarkerStyle

        path = MarkerStyle(artist.get_marker()).get_path()
        return tuple(map(tuple, path.vertices.round(3)))

    a, b = ex.artist("points_0"), ex.artist("points_1")
    assert marker(a) != marker(b), cls.__name__
