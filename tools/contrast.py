"""Contrast of a figure's plotted series against what lies under them, read from its pixels.

Each declared line or line collection of an explorer is drawn once with and once without it
(Agg, the renderer whose PNG the dashboards send). The pixels that change are the series'
footprint; for each, the WCAG 2.1 contrast between its colour with the series and without it
(the background there) is computed. A 1-2 px antialiased line covers many pixels only in part,
so the figure that counts is the 90th percentile over the footprint (the line's core). Series
drawn with a halo (a ``withStroke`` path effect) are measured against their halo instead
(``style.halo_for``), since that is what lies under them. Used by benchmarks/bench_contrast.py
and tests/test_contrast.py.
"""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

__all__ = ["TARGET", "halo", "pixels", "reveal", "series", "series_contrast"]

TARGET = 3.0  # WCAG 1.4.11: graphics
_CHANGED = 6  # summed |ΔRGB| above which a pixel counts as the series' (antialiasing noise is less)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of 8-bit sRGB colours (…, 3)."""
    c = rgb / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def pixels(fig) -> np.ndarray:
    """The figure drawn by Agg: its RGB pixels as floats, (height, width, 3)."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)


def halo(artist) -> bool:
    """Whether the artist is drawn over a halo (``style.outlined``)."""
    effects = artist.get_path_effects() or []
    return any(isinstance(e, patheffects.withStroke) for e in effects)


def series_contrast(fig, artist, shown: np.ndarray) -> np.ndarray | None:
    """Per-pixel contrast of ``artist``'s footprint against the figure drawn without it."""
    artist.set_visible(False)
    try:
        under = pixels(fig).copy()
    finally:
        artist.set_visible(True)
    changed = np.abs(shown - under).sum(axis=2) > _CHANGED
    if changed.sum() < 5:
        return None
    a, b = luminance(shown[changed]), luminance(under[changed])
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def reveal(ex) -> None:
    """Answer an explorer's question (any guess), so that its answers are drawn too."""
    q = ex.question
    if q is not None:
        ex.predict(q.choices[0] if q.choices else 1.0)  # any guess: the answer is then shown


def series(ex):
    """The explorer's declared lines and line collections that are shown and hold something
    to draw: (name, artist)."""
    for name, artist in ex._artists.items():
        if not artist.get_visible():
            continue
        if isinstance(artist, LineCollection) and artist.get_segments():
            yield name, artist
        elif (
            isinstance(artist, Line2D) and np.isfinite(np.asarray(artist.get_ydata(), float)).any()
        ):
            yield name, artist
