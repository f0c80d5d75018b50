"""Figures for explorers: an ipympl canvas inside a kernel, plain Agg everywhere else.

Figures are made without pyplot so that no global figure registry keeps them alive: an explorer
that is garbage-collected takes its figure with it, and nothing grows as explorers come and go.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
from isal import isal_zlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._png import png_frame
from ._regions import Kept, changed_rects

__all__ = ["backend_name", "in_kernel", "new_figure"]


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
        FigureManager = _ipympl_backend().FigureManager
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


def _ipympl_backend():
    """ipympl's backend module, imported without letting it take over pyplot.

    Importing the ``ipympl`` package after matplotlib switches pyplot to the ipympl backend. The
    lessons' own ``plt`` figures would then become live canvases: widgets kept open by pyplot
    for the life of the kernel, each with its pixel buffers and a copy of its picture in the
    page's widget state, instead of pictures shown once and closed (the inline backend). The
    backend pyplot had before is put back.
    """
    if "ipympl.backend_nbagg" in sys.modules:
        return sys.modules["ipympl.backend_nbagg"]
    import matplotlib

    before, fallback = matplotlib.get_backend(), matplotlib.rcParams["backend_fallback"]
    pyplot = sys.modules.get("matplotlib.pyplot")
    resolve = getattr(pyplot, "_get_backend_mod", None)
    if resolve is not None:
        # Load pyplot's backend now, while it is still pyplot's backend: the inline backend
        # connects itself to IPython (figures shown as pictures after each cell) only when it is
        # loaded as the current backend. Before the first figure nothing is loaded yet.
        resolve()
    from ipympl import backend_nbagg

    if matplotlib.get_backend() != before:
        matplotlib.use(before)
        matplotlib.rcParams["backend_fallback"] = fallback
    return backend_nbagg


_CANVAS_CLASS = None
_KEPT = Kept()  # the last frames sent, of the figures in use (see _regions.py)
#: a change over more than this share of the picture is sent as a whole frame
WHOLE = 0.6


def _canvas_class():
    """ipympl's canvas, sending whole frames, or only what changed to a page that can paint it
    (built on first use, so that importing this module does not import ipympl).

    ipympl sends each new picture as the difference from the previous one, and its front end
    shows a picture by pointing one image element at it: a picture that arrives while the
    previous one is still loading replaces it, and the previous one is never drawn. The next
    difference is then painted over a stale picture, and parts of the figure stay wrong until
    something redraws them (seen in Chromium when a slider move redrew the figure twice in a row).
    So ipympl's front end is sent whole frames. The explorers' pages paint every frame in the
    order it came (``_access.js``) and say so (``handle_descent_frames``); they are sent the
    rectangles that changed since the last frame (``_regions.py``): a slider step is then a few
    kB rather than a whole picture.

    A page that connects asks for a picture; one drawn already (by the explorer, or for an earlier
    page) is sent without drawing the figure again.

    Frames are encoded by ``png_frame``: unfiltered rows deflated by ISA-L at level 1, ten to
    fifteen times faster than Pillow and about as small (benchmarks/bench_explorers.py).
    """
    global _CANVAS_CLASS
    if _CANVAS_CLASS is None:

        class DescentCanvas(_ipympl_backend().Canvas):
            _drawn_as = None  # (width, height, dpi) of the last full draw
            _sent = None  # checksums of the last frame sent (see get_diff_image)
            _asked = False  # a page asked for the picture: it is sent even if unchanged
            _regions = False  # the page paints parts of the picture (handle_descent_frames)

            def draw(self):
                super().draw()
                self._drawn_as = self._draw_key()

            def _draw_key(self):
                width, height = self.figure.bbox.size
                return width, height, self.figure.dpi

            def handle_draw(self, event):
                """The browser asks for a picture (a page opened or reloaded, a resize): when
                nothing changed since the last draw (blits included, as moving artists do not
                make the figure stale), the renderer already holds it and is sent as it is."""
                self._asked = True
                if self.figure.stale or self._drawn_as != self._draw_key():
                    self.draw()
                    return
                self._png_is_old = True
                self.manager.refresh_all()

            def handle_refresh(self, event):
                self._asked = True  # a page connected: it has no picture yet
                super().handle_refresh(event)

            def handle_descent_frames(self, event):
                """The page paints frames in order and can paint a part of the picture
                (``_access.js``): from now on only what changed is sent, after a whole frame
                (what the page shows now may not be the last frame sent). The page asks again
                whenever it cannot paint a part it was sent."""
                self._regions = True
                self._asked = True
                self._png_is_old = True
                self.manager.refresh_all()

            def get_diff_image(self):
                """The frame to send, or None. A picture equal to the last one sent (the same
                size and the same CRC-32 and Adler-32 of its pixels, about a millisecond for a
                full-HD figure) is not sent again, unless a page asked for it. To a page that
                paints parts (``handle_descent_frames``), only the rectangles that changed are
                sent (``_send_parts``)."""
                if not self._png_is_old:
                    return None
                self._png_is_old = False
                pixels = np.asarray(self.get_renderer().buffer_rgba())
                if self._regions and not self._asked:
                    kept = _KEPT.get(self)
                    if kept is not None and kept.shape == pixels.shape:
                        return self._send_parts(kept, pixels)
                sums = (pixels.shape, isal_zlib.crc32(pixels), isal_zlib.adler32(pixels))
                if sums == self._sent and not self._asked:
                    return None
                self._sent, self._asked = sums, False
                if self._regions:
                    _KEPT.put(self, pixels)
                self.set_image_mode("full")
                self._force_full = False
                return png_frame(pixels)

            def _send_parts(self, kept, pixels):
                """Send the rectangles where ``pixels`` differ from ``kept`` (the last frame
                sent), each as a PNG, in one message; nothing when nothing changed; a whole
                frame (returned) when most of the picture changed."""
                rects = changed_rects(kept, pixels)
                height, width = pixels.shape[:2]
                self._sent = None  # the checksums of the whole frames no longer apply
                if sum(w * h for _, _, w, h in rects) > WHOLE * width * height:
                    _KEPT.put(self, pixels)
                    return png_frame(pixels)
                _KEPT.touch(self)
                if not rects:
                    return None
                parts = []
                for x, y, w, h in rects:
                    part = pixels[y : y + h, x : x + w]
                    kept[y : y + h, x : x + w] = part
                    parts.append(png_frame(np.ascontiguousarray(part)))
                message = {"type": "descent_region", "size": [width, height], "rects": rects}
                self.send({"data": json.dumps(message)}, buffers=parts)
                return None

        _CANVAS_CLASS = DescentCanvas
    return _CANVAS_CLASS
