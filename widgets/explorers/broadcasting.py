"""Broadcasting (lesson 09): two shapes and an operation; a, b and the result drawn as grids of
their numbers, each operand stretched to the result's shape (its copies dashed and grey), or
NumPy's own error where the result would be. The presets include the rank-1 bug: y of shape
(m,) minus a of shape (m, 1) is an (m, m) array. The model is :mod:`widgets.models.broadcasting`
(NumPy itself gives every shape and message). Shapes are written in the letters m and d, whose
sizes are sliders (up to 4, to draw), so a shape that works only when m happens to equal d shows.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

import numpy as np
from matplotlib.artist import Artist as MplArtist
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from ..models.broadcasting import (
    LETTER_PRESETS,
    OPERATIONS,
    broadcasting_state,
    broadcasting_status,
)
from ._artists import Custom, Text
from ._controls import Choice, IntSlider
from ._spec import Explorer
from .style import PALETTE

__all__ = ["BroadcastingExplorer"]

#: the shapes offered, in the letters m (examples) and d (features), at most two axes; the
#: sliders give m and d sizes up to 4, so every number fits its cell
SHAPES = ("()", "(1,)", "(m,)", "(d,)", "(m, 1)", "(1, m)", "(d, 1)", "(1, d)", "(m, d)", "(d, m)")
SIZES = (1, 4)
_X = {"a": 0.0, "b": 5.6, "result": 11.2}  # each grid's left edge, in cells
_FACE = {"a": "#d6e6f4", "b": "#f8dcc8", "result": "#d2efe4"}
_EDGE = {"a": PALETTE["blue"], "b": PALETTE["vermillion"], "result": "#00664a"}


_FONT = FontProperties(size=10)
_HALF_DIGIT = TextPath((0, 0), "0", prop=_FONT).get_extents().y1 / 2


@lru_cache(maxsize=256)
def _line(text: str, size: float) -> tuple[Path, float]:
    """One line's outline at ``size`` points, its baseline's left end at the origin; its
    width."""
    path = TextPath((0, 0), text, prop=FontProperties(size=size))
    return path, path.get_extents().x1 if len(path.vertices) else 0.0


@lru_cache(maxsize=1024)
def _outline(text: str) -> Path:
    """The outline of ``text`` at 10 pt, in points, centred across and on the digits' middle.

    A grid's numbers are drawn as one collection of such outlines: up to 48 texts a frame cost
    more than the frame's budget when each is laid out and rasterised as a Text."""
    path, _ = _line(text, _FONT.get_size_in_points())
    box = path.get_extents()
    return path.transformed(Affine2D().translate(-(box.x0 + box.x1) / 2, -_HALF_DIGIT))


class _Grid(MplArtist):
    """A grid of numbered cells: originals solid, stretched copies dashed with grey numbers.

    ``numbers`` holds what is drawn: (x, y, text, own) per cell, in data coordinates."""

    def __init__(self, ax, name: str) -> None:
        super().__init__()
        self.axes, self.name = ax, name
        self.set_transform(ax.transData)
        self.cells = PolyCollection([], linewidths=1.2, transform=ax.transData)
        self.cells.set_figure(ax.figure)
        self.glyphs = PathCollection([], offset_transform=ax.transData, edgecolors="none")
        self.glyphs.set_figure(ax.figure)
        self.numbers: list[tuple[float, float, str, bool]] = []

    def show(self, data) -> None:
        values, original = data
        x0, face, edge = _X[self.name], _FACE[self.name], _EDGE[self.name]
        rows, cols = values.shape
        boxes, faces, styles, numbers = [], [], [], []
        for i, j in np.ndindex(rows, cols):
            x, y, own = x0 + j, float(i), bool(original[i, j])
            boxes.append([(x, y), (x + 0.92, y), (x + 0.92, y + 0.92), (x, y + 0.92)])
            faces.append(face if own else "white")
            styles.append("-" if own else (0, (3, 2)))
            numbers.append((x + 0.46, y + 0.46, f"{values[i, j]:.3g}", own))
        self.cells.set_verts(boxes)
        self.cells.set(facecolor=faces, edgecolor=edge, linestyle=styles)
        self.numbers = numbers
        self.glyphs.set_paths([_outline(text) for _, _, text, _ in numbers])
        self.glyphs.set_offsets([(x, y) for x, y, _, _ in numbers] or np.zeros((0, 2)))
        self.glyphs.set_facecolor(["black" if own else "#6b6b6b" for *_, own in numbers])
        self.stale = True

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        self.cells.draw(renderer)
        if self.numbers:  # outlines in points, at the figure's resolution
            self.glyphs.set_transform(Affine2D().scale(renderer.points_to_pixels(1.0)))
            self.glyphs.draw(renderer)


class _Words(MplArtist):
    """A few lines of text drawn as filled outlines (like the grids' numbers), placed as a
    Text with ``ha`` and ``va`` would be: laying out and rasterising the labels as Texts was
    most of a frame's time. ``get_text()`` gives what is drawn."""

    def __init__(self, ax, size: float, color: str, ha: str = "left", va: str = "bottom"):
        super().__init__()
        self.axes, self.size, self.face, self.ha, self.va = ax, size, to_rgba(color), ha, va
        self.set_figure(ax.figure)
        self.where, self.text = (0.0, 0.0), ""
        box = TextPath((0, 0), "Ajg(", prop=FontProperties(size=size)).get_extents()
        self.ascent, self.descent = box.y1, -box.y0  # in points, as Text's layout reads them

    def show(self, data) -> None:
        x, y, text = data
        self.where, self.text = (x, y), text
        self.stale = True

    def get_text(self) -> str:
        return self.text

    def draw(self, renderer) -> None:
        if not self.get_visible() or not self.text:
            return
        lines = self.text.split("\n")
        scale = renderer.points_to_pixels(1.0)
        px, py = self.axes.transData.transform(self.where)
        step = 1.2 * self.size * scale
        height = (len(lines) - 1) * step + (self.ascent + self.descent) * scale
        bottom = {"bottom": py, "center": py - height / 2, "top": py - height}[self.va]
        gc = renderer.new_gc()
        gc.set_linewidth(0)
        for k, words in enumerate(lines):
            path, width = _line(words, self.size)
            left = {"left": px, "center": px - width * scale / 2}[self.ha]
            baseline = bottom + self.descent * scale + (len(lines) - 1 - k) * step
            renderer.draw_path(
                gc, path, Affine2D().scale(scale).translate(left, baseline), self.face
            )
        gc.restore()
        self.stale = False


def _words(data, size: float, color: str, ha: str = "left", va: str = "bottom") -> Custom:
    return Custom(0, data, create=lambda ax: ax.add_artist(_Words(ax, size, color, ha, va)),
                  draw=lambda words, d: words.show(d))  # fmt: skip


def _as_grid(values: np.ndarray, stretched: tuple[int, ...]):
    """The array as rows × columns (a number is 1 × 1, a vector one row, as NumPy pads it on
    the left), and which cells are its own rather than copies along the stretched axes."""
    grid = np.atleast_2d(values)
    offset = 2 - values.ndim
    index = np.indices(grid.shape)
    own = np.ones(grid.shape, dtype=bool)
    for axis in stretched:
        own &= index[axis + offset] == 0
    return grid, own


def _operand(name: str):
    def data(s):
        o = s.outcome
        if not o.ok:  # no stretching: the operand as it is
            return _as_grid(getattr(o, name), ())
        return _as_grid(getattr(o, f"{name}_stretched"), getattr(o, f"stretched_{name}"))

    return Custom(0, data, create=lambda ax: ax.add_artist(_Grid(ax, name)),
                  draw=lambda grid, d: grid.show(d))  # fmt: skip


def _result(s):
    if not s.outcome.ok:  # nothing to draw (the error is shown instead)
        return np.empty((0, 0)), np.empty((0, 0), dtype=bool)
    return _as_grid(s.outcome.result, ())


def _label(name: str):
    def text(s):
        o = s.outcome
        shape, written = getattr(o, f"shape_{name}"), s.written[name == "b"]
        words = f"{name} {written}" + ("" if written == str(shape) else f" = {shape}")
        if o.ok and getattr(o, f"stretched_{name}"):
            words += f"\nstretched to {o.result_shape}"
        return _X[name], -0.25, words

    return _words(text, 10, _EDGE[name])


def _result_label(s):
    o = s.outcome
    words = f"a {o.op} b: {o.result_shape}" if o.ok else f"a {o.op} b: NumPy refuses"
    return _X["result"], -0.25, words


def _error(s):
    return _X["result"], 0.0, textwrap.fill(s.outcome.error or "", 30)


def _uses(letter: str):
    """Whether either shape is written with this letter (else its slider does nothing)."""
    return lambda values: letter in values["shape_a"] + values["shape_b"]


class BroadcastingExplorer(Explorer):
    """Shapes of a and b and an operation: both operands as grids stretched to the result's
    shape (copies dashed), the result, or NumPy's error; a preset sets all three.

    Example:
        >>> ex = BroadcastingExplorer()
        >>> ex.last_status.text.split(":")[0]
        '(4,) - (4, 1) → (4, 4)'
    """

    lessons = ("09_computation_graphs_and_backprop",)
    controls = {
        "preset": Choice("preset", "the rank-1 bug: y (m,) − a (m, 1)",
                         options=tuple(LETTER_PRESETS)),
        "shape_a": Choice("shape of a", lambda preset: LETTER_PRESETS[preset][0],
                          options=SHAPES, follows=("preset",)),
        "shape_b": Choice("shape of b", lambda preset: LETTER_PRESETS[preset][1],
                          options=SHAPES, follows=("preset",)),
        "op": Choice("operation", lambda preset: LETTER_PRESETS[preset][2],
                     options=tuple(OPERATIONS), follows=("preset",)),
        "m": IntSlider("examples m", 4, lo=SIZES[0], hi=SIZES[1], enabled=_uses("m")),
        "d": IntSlider("features d", 3, lo=SIZES[0], hi=SIZES[1], enabled=_uses("d")),
    }  # fmt: skip
    model = broadcasting_state
    describe = broadcasting_status
    artists = {
        "grid_a": _operand("a"),
        "grid_b": _operand("b"),
        "grid_result": Custom(
            0, _result, visible=lambda s: s.outcome.ok,
            create=lambda ax: ax.add_artist(_Grid(ax, "result")), draw=lambda g, d: g.show(d),
        ),
        "label_a": _label("a"),
        "label_b": _label("b"),
        "label_result": _words(_result_label, 10, _EDGE["result"]),
        "op": _words(lambda s: (4.8, 1.5, s.outcome.op), 18, "black", ha="center", va="center"),
        "error": Text(0, _error, visible=lambda s: not s.outcome.ok, style=dict(
            ha="left", va="top", fontsize=10, color="#a33a00",
            bbox=dict(boxstyle="round,pad=0.4", fc="#fff4ec", ec="#a33a00"))),
    }  # fmt: skip
    figsize = (10.0, 3.6)
    columns = 3

    def layout(self, figure):
        ax = figure.add_axes((0.01, 0.02, 0.98, 0.96))
        ax.set_axis_off()
        ax.set(xlim=(-0.3, 16.2), ylim=(4.7, -1.3))
        ax.text(10.4, 1.5, "=", ha="center", va="center", fontsize=18)
        ax.text(16.1, 4.6, "solid: the operand's own numbers · dashed, grey: stretched copies",
                ha="right", va="bottom", fontsize=10, color="#444444")  # fmt: skip
        return (ax,)
