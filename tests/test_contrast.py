"""Every plotted series of every explorer stands 3:1 against what lies under it (WCAG 1.4.11),
read from the pixels Agg renders: the dashboards' frames are Agg's PNGs."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from tools.contrast import TARGET, halo, pixels, reveal, series, series_contrast
from widgets.explorers import EXPLORERS
from widgets.explorers.style import contrast_ratio, halo_for

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
