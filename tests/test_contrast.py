"""Every plotted series of every explorer stands 3:1 against what lies under it (WCAG 1.4.11),
read from the pixels Agg renders: the dashboards' frames are Agg's PNGs."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from tools.contrast import TARGET, halo, pixels, reveal, series, series_contrast
from widgets.explorers import EXPLORERS
from widgets.explorers.style import PALETTE, contrast_ratio, halo_for

matplotlib.use("Agg")


def _color(artist):
    if isinstance(artist, LineCollection):
        return tuple(artist.get_colors()[0][:3])
    return artist.get_color()


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_every_series_stands_3_to_1_against_its_ground(cls):
    ex = cls()
    reveal(ex)
    shown = pixels(ex.figure).copy()
    low, measured = [], 0
    for name, artist in series(ex):
        if halo(artist):  # the halo lies under the line: the line stands against it
            ratio = contrast_ratio(_color(artist), halo_for(_color(artist)))
        else:
            cr = series_contrast(ex.figure, artist, shown)
            if cr is None:
                continue  # nothing of it on screen (hidden behind others, or empty)
            ratio = float(np.quantile(cr, 0.9))
        measured += 1
        if ratio < TARGET:
            low.append(f"{name}: {ratio:.2f}:1")
    # an explorer drawn without lines (a graph of boxes, grids of numbers) has nothing to measure;
    # one with lines must have had some of them on screen
    assert measured or not list(series(ex)), f"{cls.__name__}: none of its lines was drawn"
    assert not low, f"{cls.__name__}: series below {TARGET}:1 against their ground: {low}"


def test_the_measure_fails_a_light_line_on_white():
    """The check above can fail: a sky-blue line, as published (2.3:1 on white), is caught."""
    fig = Figure(figsize=(3, 2), dpi=100)
    ax = fig.add_subplot()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    (line,) = ax.plot([0, 1], [0.2, 0.8], color="#56B4E9", lw=2)
    FigureCanvasAgg(fig)
    shown = pixels(fig).copy()
    light = float(np.quantile(series_contrast(fig, line, shown), 0.9))
    line.set_color("#3a7da4")  # the course's shade of it
    shown = pixels(fig).copy()
    dark = float(np.quantile(series_contrast(fig, line, shown), 0.9))
    assert light < TARGET <= dark


#: two series whose lines differ at least this much in width are told apart by width
WIDTH_RATIO = 1.75


def _look(handle) -> tuple:
    """What besides colour a legend entry shows: whether it draws a line, its dash pattern, its
    marker and whether the marker is filled (a patch: its kind and hatch)."""
    if not isinstance(handle, Line2D):
        return (type(handle).__name__, handle.get_hatch(), handle.get_linestyle())
    drawn = handle.get_linestyle() not in {"None", "none", "", " "}
    dashes = handle._unscaled_dash_pattern[1]  # a dash tuple reads as "--" otherwise
    marker = handle.get_marker() if handle.get_marker() not in {None, "None", "none", ""} else None
    filled = marker is not None and handle.get_markerfacecolor() not in {"none", "None"}
    return (drawn, tuple(dashes) if dashes and drawn else None, marker, filled)


def _width(handle) -> float:
    return handle.get_linewidth() if isinstance(handle, Line2D) else 0.0


def colour_only_pairs(figure) -> list[tuple[str, str]]:
    """Legend entries on one axes that only their colour tells apart."""
    pairs = []
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        entries = [(t.get_text(), h) for t, h in zip(legend.get_texts(), legend.legend_handles,
                                                     strict=True)]  # fmt: skip
        for i, (a, ha) in enumerate(entries):
            for b, hb in entries[i + 1 :]:
                wide, thin = sorted((_width(ha), _width(hb)), reverse=True)
                if _look(ha) == _look(hb) and not (thin > 0 and wide / thin >= WIDTH_RATIO):
                    pairs.append((a, b))
    return pairs


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_no_two_series_differ_by_colour_alone(cls):
    """WCAG 1.4.1: every pair of series a legend names differs in line style, marker or width,
    so a learner who cannot tell the colours apart (or prints in grey) still can."""
    ex = cls()
    reveal(ex)
    pairs = colour_only_pairs(ex.figure)
    assert not pairs, f"{cls.__name__}: series told apart by colour alone: {pairs}"


def test_the_style_check_fails_two_solid_lines():
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color=PALETTE["blue"], lw=2, label="one")
    ax.plot([0, 1], [1, 0], color=PALETTE["orange"], lw=2, label="two")
    ax.plot([0, 1], [0.5, 0.5], color=PALETTE["bluish green"], lw=2, ls="--", label="dashed")
    ax.legend()
    assert colour_only_pairs(fig) == [("one", "two")]
    ax.get_lines()[1].set_linestyle(":")
    ax.legend()
    assert colour_only_pairs(fig) == []
