"""What makes an explorer usable by keyboard and screen reader in the browser (issue: no
keyboard trap, every control named, the figure described, the status announced).

ipywidgets and ipympl render the controls and the figure; a few things they leave out can only be
mended in the page: ipympl's figure is a Tab stop that swallows every key, slider handles carry
no name, a log slider announces its exponent, Play's buttons are icons without names. One small
front-end widget inside each explorer (``_access.js``, through anywidget, so it works the same in
JupyterLab, Voila, Binder and a hub) sets those attributes on its own explorer's elements, and
its style sheet gives every control a visible focus ring.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import anywidget
import ipywidgets as ipw
import traitlets
from matplotlib.figure import Figure

__all__ = ["FOCUS_RING", "MIN_FIT", "Access", "fit_figure", "title_of"]

#: the focus ring of every control: 3 px, #1b4f8a (8.6:1 on white, 3:1 against the blue
#: buttons' fill as well: the offset leaves a white gap between them)
FOCUS_RING = "3px solid #1b4f8a"

_CSS = f"""
.descent-explorer :is(button, select, input, [contenteditable], .noUi-handle):focus-visible {{
  outline: {FOCUS_RING} !important;
  outline-offset: 2px;
}}
.descent-explorer .descent-access {{ display: none; }}
/* ipympl's 2 px margins around the canvas (JupyterLab keeps them) would put the figure fitted to
   the explorer's width 8 px past it */
.descent-explorer :is(.jupyter-matplotlib-canvas-div, .jupyter-matplotlib-canvas-container) {{
  margin: 0 !important;
}}
"""


def title_of(cls: type) -> str:
    """'LearningRateExplorer' -> 'Learning rate explorer': the region's name on the page."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+", cls.__name__)
    return " ".join(
        [words[0]] + [w if w.isupper() and len(w) > 1 else w.lower() for w in words[1:]]
    )


#: on the page for a screen reader, out of sight (the lesson's text above already introduces
#: the explorer): the usual visually-hidden rules
_OUT_OF_SIGHT = (
    "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)


def heading(cls: type) -> ipw.HTML:
    """The explorer's heading, so a screen reader can jump from explorer to explorer."""
    title = html.escape(title_of(cls))
    box = ipw.HTML(f"<h3 class='descent-explorer-heading' style='{_OUT_OF_SIGHT}'>{title}</h3>")
    box.add_class("descent-explorer-heading-box")
    return box


#: the smallest a figure is drawn to fit its explorer's width (at 640 px, Voila at 200 % zoom
#: on a 1280-px screen, a 1,000-px figure is drawn at 0.59); narrower, the explorer scrolls
MIN_FIT = 0.5


class Access(anywidget.AnyWidget):
    """The accessibility mender of one explorer (its ``title`` names the explorer's region).

    The page tells it the explorer's ``width`` (CSS px) whenever that changes; ``natural`` is the
    figure's own width, which it is never drawn above. With the figure's ``canvas`` it also
    paints the figure's frames in order and in parts (see ``paintInParts`` in _access.js)."""

    _esm = Path(__file__).with_name("_access.js")
    _css = _CSS
    title = traitlets.Unicode("Explorer").tag(sync=True)
    natural = traitlets.Int(0).tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
    #: the figure's ipympl canvas, whose frames the page paints in order and in parts
    canvas = traitlets.Instance(ipw.DOMWidget, allow_none=True).tag(
        sync=True, **ipw.widget_serialization
    )


def fit_figure(figure: Figure, width: int, *, natural_dpi: float) -> float:
    """Draw ``figure`` at the scale that makes it ``width`` CSS px wide (between MIN_FIT and 1 of
    its size at ``natural_dpi``), keeping its layout: the dots per inch change, not the inches,
    so text, lines and margins all shrink together and nothing overlaps or is cut off. Returns
    the scale. The browser's pixel ratio still multiplies the dots (matplotlib keeps the figure's
    own dpi in ``_original_dpi`` for that, and it is updated here too)."""
    natural = figure.get_figwidth() * natural_dpi
    scale = min(1.0, max(MIN_FIT, width / natural))
    dpi = natural_dpi * scale
    ratio = figure.canvas.device_pixel_ratio
    if abs(figure.dpi - dpi * ratio) > 1e-9:
        figure._original_dpi = dpi
        figure.set_dpi(dpi * ratio)  # the canvas's new size goes to the browser with it
    layout = getattr(figure.canvas, "layout", None)
    if layout is not None:
        layout.width = f"{round(natural * scale)}px"
    return scale
