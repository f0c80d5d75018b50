"""Figures for explorers: an ipympl canvas inside a kernel, plain Agg everywhere else.

Figures are made without pyplot so that no global figure registry keeps them alive: an explorer
that is garbage-collected takes its figure with it, and nothing grows as explorers come and go.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Iterable, Iterator

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["BlitManager", "backend_name", "in_kernel", "new_figure", "one_frame"]

#: A frame sent within this many seconds of the previous one is sent whole, not as a difference.
FULL_FRAME_WITHIN_S = 1.0


def in_kernel() -> bool:
    """True when running inside a Jupyter kernel (JupyterLab, Voila, nbval...)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def backend_name() -> str:
    """``"ipympl"`` inside a kernel, ``"agg"`` otherwise; ``DESCENT_BACKEND=agg`` forces Agg."""
    forced = os.environ.get("DESCENT_BACKEND", "").strip().lower()
    if forced in {"agg", "ipympl"}:
        return forced
    return "ipympl" if in_kernel() else "agg"


def new_figure(figsize: tuple[float, float], *, dpi: float = 100.0) -> Figure:
    """A Figure attached to an ipympl canvas in a kernel, or to an Agg canvas when headless."""
    fig = Figure(figsize=figsize, dpi=dpi)
    if backend_name() == "ipympl":
        from ipympl.backend_nbagg import FigureManager

        canvas = _canvas_class()(fig)
        # ipympl 0.10 stores a bare base64 string (no "data:image/png;base64," prefix) in
        # _data_url while no front end has connected; a canvas nested in a VBox then loads it as
        # a broken image and stays 0×0. The front end asks for a full frame when it starts, so
        # the data URL is not needed.
        canvas.syncing_data_url = False
        FigureManager(canvas, 0)
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.toolbar_visible = False
        canvas.resizable = False
        canvas.layout.width = f"{figsize[0] * dpi:.0f}px"
    else:
        FigureCanvasAgg(fig)
    return fig


_CANVAS_CLASS = None


def _canvas_class():
    """ipympl's canvas, made safe for quick successions of frames (built on first use, so that
    importing this module does not import ipympl).

    ipympl sends each new picture as the difference from the previous one, and its front end
    shows a picture by pointing one image element at it: a picture that arrives while the
    previous one is still loading replaces it, and the previous one is never drawn. The next
    difference is then painted over a stale picture, and parts of the figure stay wrong until
    something redraws them (seen in Chromium when a slider move redrew the figure twice in a row).
    A frame that follows the previous one closely is therefore sent whole, so a lost frame is
    harmless; an isolated frame stays a small difference.
    """
    global _CANVAS_CLASS
    if _CANVAS_CLASS is None:
        from ipympl.backend_nbagg import Canvas

        class DescentCanvas(Canvas):
            _last_frame = -math.inf

            def get_diff_image(self):
                now = time.monotonic()
                if self._png_is_old and now - self._last_frame < FULL_FRAME_WITHIN_S:
                    self._force_full = True
                frame = super().get_diff_image()
                if frame is not None:
                    self._last_frame = now
                return frame

        _CANVAS_CLASS = DescentCanvas
    return _CANVAS_CLASS


@contextlib.contextmanager
def one_frame(figure: Figure) -> Iterator[None]:
    """Send the figure's pixels to the browser once, at the end, however often the code inside
    draws or blits (each of those would otherwise send a frame of its own)."""
    manager = getattr(figure.canvas, "manager", None)
    if manager is None or not hasattr(manager, "refresh_all"):
        yield  # Agg: nothing is sent anywhere
        return
    if "refresh_all" in vars(manager):  # already inside one_frame
        yield
        return
    send = manager.refresh_all
    pending = False

    def later() -> None:
        nonlocal pending
        pending = True

    manager.refresh_all = later
    try:
        yield
    finally:
        del manager.refresh_all
        if pending:
            send()


class BlitManager:
    """Redraw only the moving artists over a cached background.

    Moving artists are marked ``animated`` so a full draw leaves them out; after every full draw
    (ours, or one the browser asks for after a resize) the background is cached and the moving
    artists are drawn on top, so the picture is always complete.
    """

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.canvas = figure.canvas
        self._artists: list[Artist] = []
        self._background = None
        self._cid = self.canvas.mpl_connect("draw_event", self._on_draw)

    def add(self, *artists: Artist) -> None:
        for artist in artists:
            artist.set_animated(True)
            self._artists.append(artist)

    def remove(self, artists: Iterable[Artist]) -> None:
        gone = set(map(id, artists))
        self._artists = [a for a in self._artists if id(a) not in gone]

    @property
    def artists(self) -> tuple[Artist, ...]:
        return tuple(self._artists)

    def _on_draw(self, event) -> None:
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_artists()

    def _draw_artists(self) -> None:
        for artist in self._artists:
            if artist.get_visible() and artist.axes is not None:
                artist.axes.draw_artist(artist)
            elif artist.get_visible():
                self.figure.draw_artist(artist)

    def full_redraw(self) -> None:
        """Draw everything (axes changed); the draw_event handler re-caches the background."""
        self.canvas.draw()

    def update(self) -> None:
        """Blit the moving artists: restore the background, draw them, push the pixels."""
        if self._background is None:
            self.full_redraw()
            return
        self.canvas.restore_region(self._background)
        self._draw_artists()
        self.canvas.blit(self.figure.bbox)
