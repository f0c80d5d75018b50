"""A keyboard equivalent of clicking on a figure: a text field that takes the point as "x, y".

An explorer whose figure reacts to a click (:meth:`Explorer.on_click`) declares
``click_entry = (axes index, name, label)``; the field below its controls does what a click at that
point of those axes does, after checking that the point lies inside the axes (the region a click
can reach). Typing "1.5, −2" and pressing Enter is a click at (1.5, −2).
"""

from __future__ import annotations

import html
import re

import ipywidgets as ipw

from ..models import Status
from ..models._text import num

__all__ = ["ENTRY_CLASS", "parse_point", "point_entry", "take_clicks"]

ENTRY_CLASS = "descent-point-entry"
_NUMBER = r"[-+−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+−]?\d+)?"
_POINT = re.compile(rf"^\s*\(?\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*\)?\s*$")


def parse_point(
    name: str, text: str, xlim: tuple[float, float], ylim: tuple[float, float]
) -> tuple[float, float]:
    """The point ``text`` names ("x, y", "(x, y)" or "x y"), inside ``xlim`` × ``ylim``.

    Example:
        >>> parse_point("start", "(1.5, −2)", (-5, 5), (-5, 5))
        (1.5, -2.0)
    """
    (x0, x1), (y0, y1) = sorted(xlim), sorted(ylim)
    where = f"w₁ in [{num(x0)}, {num(x1)}] and w₂ in [{num(y0)}, {num(y1)}]"
    match = _POINT.match(text)
    if match is None:
        raise ValueError(f"{name} must be two numbers 'w₁, w₂' with {where}, got {text!r}")
    x, y = (float(g.replace("−", "-")) for g in match.groups())
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise ValueError(
            f"{name} must lie in the plotted region, {where}; got ({num(x)}, {num(y)})"
        )
    return x, y


def point_entry(explorer, ax: int, name: str, label: str) -> ipw.Text:
    """The field for ``explorer``'s axes ``ax``: Enter (or leaving the field changed) does
    what a click at the typed point does, or says in the status line why the text is not a
    point there (``name`` is what the message calls it)."""
    field = ipw.Text(
        description=label,
        placeholder="w₁, w₂ then Enter",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=ipw.Layout(width="auto"),
    )
    field.add_class(ENTRY_CLASS)

    def typed(change: dict) -> None:
        text = change["new"]
        if not text.strip():
            return
        axes = explorer.axes[ax]
        try:
            x, y = parse_point(name, text, axes.get_xlim(), axes.get_ylim())
        except ValueError as exc:
            explorer.last_status = Status(str(exc), "error")
            explorer.status.value = (
                f"<span class='descent-status-error'>⚠ {html.escape(str(exc))}</span>"
            )
            return
        values = explorer.on_click(ax, x, y)
        if values:
            explorer.set(**values)

    field.observe(typed, names="value")
    return field


def take_clicks(explorer, entry: tuple[int, str, str] | None) -> list[ipw.Widget]:
    """Connect a left click on one of the explorer's axes to its ``on_click``; with ``entry``
    (the class's ``click_entry``) also the field that does the same from the keyboard, which is
    returned to go below the controls."""

    def clicked(event) -> None:
        if event.inaxes not in explorer.axes or event.xdata is None or event.ydata is None:
            return
        if getattr(event, "button", 1) not in (1, None):
            return
        values = explorer.on_click(explorer.axes.index(event.inaxes), event.xdata, event.ydata)
        if values:
            explorer.set(**values)

    explorer._clicked = clicked  # tests click through it, as matplotlib does
    explorer.figure.canvas.mpl_connect("button_press_event", clicked)
    if entry is None:
        return []
    explorer.point_entry = point_entry(explorer, *entry)
    return [explorer.point_entry]
