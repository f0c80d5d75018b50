"""Drawing helpers shared by the views (no maths beyond mapping values to artists)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, LinearLocator, LogLocator
from matplotlib.transforms import ScaledTranslation

from ..objectives import Objective

__all__ = [
    "draw_contours",
    "end_label",
    "fraction_ticks",
    "replace_contours",
    "set_end",
    "sparse_log_minor_ticks",
    "surface_levels",
]


def sparse_log_minor_ticks(*axes: Axes) -> None:
    """Minor ticks at 2 and 5 times each power of ten on every log-scaled axis of ``axes``.

    matplotlib's default puts eight in every decade. Each tick is about 24 kB of Python objects
    that its axis keeps for good, and an explorer's log axes span five decades or more: on
    lesson 04's page this saves about 4 MB of the kernel. Call it after the scale is set (setting
    a scale resets the locators).
    """
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))


def surface_levels(z: np.ndarray, n: int = 24) -> np.ndarray:
    """Contour levels spaced evenly in log(f − min): dense near the minimum, sparse on cliffs."""
    finite = z[np.isfinite(z)]
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo <= 1e-12 * max(1.0, abs(lo)):
        return np.array([lo, lo + 1.0])
    gap = np.geomspace(1e-3 * (hi - lo), hi - lo, n)
    return lo + gap


def draw_contours(
    ax: Axes,
    objective: Objective,
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    resolution: int = 121,
    fixed: tuple[float, ...] = (),
    levels: int = 24,
    filled: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw the objective's contours over its first two parameters; return the grid and values.

    ``fixed`` gives the remaining parameters (e.g. the bias of a logistic loss) for a 2-D slice.
    """
    (x0, x1), (y0, y1) = bounds if bounds is not None else objective.bounds[:2]
    W1, W2 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    Z = objective.value_grid(W1, W2, *fixed)
    lv = surface_levels(Z, levels)
    if filled:
        ax.contourf(W1, W2, Z, levels=lv, cmap="Greys_r", alpha=0.35, extend="max")
    ax.contour(W1, W2, Z, levels=lv, colors="#555555", linewidths=0.5)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    names = objective.param_names or ("w₁", "w₂")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    return W1, W2, Z


def fraction_ticks(ax: Axes, n: int = 5) -> None:
    """Put ``n`` x ticks at fixed fractions of the axis, labelled "0" at its start only.

    With :func:`end_label` marking the other end, a new x range (a longer run) moves only that
    label: the ticks and grid stay where they are drawn, so the background need not be drawn
    again (drawing an axis's ticks and labels costs 10-60 ms, a blitted label under 1 ms).
    Call it after the scale is set (setting a scale resets the locators).
    """
    ax.xaxis.set_major_locator(LinearLocator(n))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, pos: "0" if pos == 0 else ""))


def end_label(ax: Axes) -> Text:
    """The label under the right end of the x axis, where a tick label would be."""
    offset = ScaledTranslation(0, -5 / 72, ax.figure.dpi_scale_trans)
    return ax.text(1.0, 0.0, "", transform=ax.transAxes + offset, ha="center", va="top")


def set_end(label: Text, end_and_text: tuple[float, str]) -> None:
    """Make the x axis run from 0 to ``end`` and write ``text`` under its end."""
    end, text = end_and_text
    label.axes.set_xlim(0.0, max(float(end), 1e-9))
    label.set_text(text)


def replace_contours(
    ax: Axes, old: Iterable[Artist], objective: Objective | None, **kwargs
) -> list[Artist]:
    """Remove the contour sets ``old`` from ``ax`` and draw ``objective``'s (none for ``None``)
    with ``draw_contours``'s keywords; return the new ones, for the next call (an explorer's
    frame for a new loss)."""
    for artist in old:
        artist.remove()
    if objective is None:
        return []
    before = set(ax.collections)
    draw_contours(ax, objective, **kwargs)
    return [c for c in ax.collections if c not in before]
