"""Artists an explorer declares by name: where each is drawn and how it reads the state.

A declaration makes its matplotlib artist once, on axes ``ax`` (an index into the explorer's
axes), and updates it in place from each new state. ``answer=True`` hides it until the learner
has made a prediction; ``static=True`` draws it into the cached background, updated only when the
explorer redraws its frame (a curve that changes with the objective, not with every slider move),
instead of blitting it on every update. ``layer=True`` puts it in the explorer's *layer*
(:meth:`~._spec.Explorer.layer_key`): drawn over a cached picture of the rest when the layer
changes, without a full redraw, and kept in the background otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.artist import Artist as MplArtist
from matplotlib.axes import Axes

__all__ = [
    "PRESS_RUN",
    "Artist",
    "Custom",
    "HLine",
    "Image",
    "Line",
    "Points",
    "Text",
    "VLine",
    "same_data",
]

State = Any


@dataclass(frozen=True)
class Artist:
    """Base of the declarations.

    Args:
        ax: index of the axes it is drawn on (``None``: on the figure).
        data: ``state -> data`` in the form the artist takes (see each subclass).
        answer: hidden until the learner has committed a prediction.
        hint: the other way round: shown only until then (what to do to see the run).
        static: part of the background, updated on full redraws only.
        layer: part of the background's layer, updated when the explorer's ``layer_key`` changes
            (or on a full redraw), and drawn then over the picture without the layer.
        visible: ``state -> bool``, shown only where it applies (besides ``answer``).
        props: ``state -> dict`` of matplotlib properties that follow the state (a colour).
        style: matplotlib properties fixed at creation.
    """

    ax: int | None = 0
    data: Callable[[State], Any] | None = None
    answer: bool = False
    hint: bool = False
    static: bool = False
    layer: bool = False
    visible: Callable[[State], bool] | None = None
    props: Callable[[State], Mapping[str, Any]] | None = None
    style: Mapping[str, Any] = field(default_factory=dict)

    def make(self, ax: Axes) -> MplArtist:  # pragma: no cover - abstract
        raise NotImplementedError

    def put(self, artist: MplArtist, data: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def read(self, state: State) -> tuple[Any, Mapping[str, Any] | None]:
        """What the artist shows for ``state``: its data and its state-dependent properties."""
        data = None if self.data is None else self.data(state)
        return data, None if self.props is None else self.props(state)

    def update(self, artist: MplArtist, state: State, read: tuple | None = None) -> None:
        """Put ``state`` (or what :meth:`read` gave for it) into the matplotlib artist."""
        data, props = self.read(state) if read is None else read
        if self.data is not None:
            self.put(artist, data)
        if props is not None:
            artist.set(**props)

    def shown(self, state: State, revealed: bool) -> bool:
        if (self.answer and not revealed) or (self.hint and revealed):
            return False
        return self.visible is None or bool(self.visible(state))


@dataclass(frozen=True)
class Line(Artist):
    """A polyline (or markers, with ``style=dict(marker=...)``); data: ``(x, y)``."""

    def make(self, ax: Axes) -> MplArtist:
        return ax.plot([], [], **self.style)[0]

    def put(self, artist, data) -> None:
        x, y = data
        artist.set_data(x, y)


@dataclass(frozen=True)
class Points(Artist):
    """A scatter of points; data: an ``(n, 2)`` array of positions."""

    def make(self, ax: Axes) -> MplArtist:
        return ax.scatter(np.empty(0), np.empty(0), **self.style)

    def put(self, artist, data) -> None:
        artist.set_offsets(np.asarray(data, dtype=float).reshape(-1, 2))


@dataclass(frozen=True)
class VLine(Artist):
    """A vertical line across the axes; data: its x."""

    def make(self, ax: Axes) -> MplArtist:
        return ax.axvline(np.nan, **self.style)

    def put(self, artist, data) -> None:
        artist.set_xdata([data, data])


@dataclass(frozen=True)
class HLine(Artist):
    """A horizontal line across the axes; data: its y."""

    def make(self, ax: Axes) -> MplArtist:
        return ax.axhline(np.nan, **self.style)

    def put(self, artist, data) -> None:
        artist.set_ydata([data, data])


@dataclass(frozen=True)
class Text(Artist):
    """A text; data: ``(x, y, text)`` in the coordinates ``style["transform"]`` gives (data
    coordinates by default)."""

    def make(self, ax: Axes) -> MplArtist:
        return ax.text(0.0, 0.0, "", **self.style)

    def put(self, artist, data) -> None:
        x, y, text = data
        artist.set_position((x, y))
        artist.set_text(text)


@dataclass(frozen=True)
class Image(Artist):
    """An image over a fixed ``extent``; data: ``(array, (vmin, vmax))``."""

    shape: tuple[int, int] = (1, 1)

    def make(self, ax: Axes) -> MplArtist:
        return ax.imshow(np.zeros(self.shape), **self.style)

    def put(self, artist, data) -> None:
        array, clim = data
        artist.set_data(array)
        artist.set_clim(*clim)


@dataclass(frozen=True)
class Custom(Artist):
    """Anything else: ``create(ax) -> artist`` and ``draw(artist, data)``."""

    create: Callable[[Axes], MplArtist] | None = None
    draw: Callable[[MplArtist, Any], None] | None = None

    def make(self, ax: Axes) -> MplArtist:
        return self.create(ax)

    def put(self, artist, data) -> None:
        self.draw(artist, data)


def same_data(a: Any, b: Any) -> bool:
    """Whether an artist is given what it showed before (arrays by value, tuples item by item):
    an explorer leaves such an artist alone. Data are values the state holds, never arrays
    changed in place."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        nan = a.dtype.kind == "f" and b.dtype.kind == "f"
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=nan))
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_data(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _press_run_note(ax: Axes) -> MplArtist:
    box = {"boxstyle": "round,pad=0.5", "fc": "white", "ec": "0.35", "lw": 1.0, "alpha": 0.95}
    return ax.text(
        0.5,
        0.5,
        "Make your prediction above the figure,\nthen press Run to see the run here",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=11,
        color="0.1",
        bbox=box,
        zorder=20,
    )


#: the note on an explorer's first axes while a question waits for its prediction (added by
#: the explorer when it has a question and answers to hide): never blank axes
PRESS_RUN = Custom(0, None, hint=True, create=_press_run_note, draw=lambda artist, data: None)
