"""Text alternatives for the lessons' static figures.

A figure a lesson shows with ``plt.show()`` reaches the page as a bare ``<img>``: Jupyter's PNG
output has no place for alternative text, so a screen reader says "image" and nothing more. In a
kernel, importing :mod:`widgets.explorers` registers a display hook for matplotlib figures that
sends the same PNG as an ``<img>`` with an ``alt`` text instead, made from what the figure
states: its title, each axes' title and axis labels, and the names of the plotted series. A
lesson can give a figure its own text with :func:`describe`.
"""

from __future__ import annotations

import html

from matplotlib.figure import Figure

__all__ = ["alt_text", "describe", "install"]

_ALT = "_descent_alt"


def describe(figure: Figure, text: str) -> Figure:
    """Give ``figure`` the text alternative ``text`` (instead of the one made from its labels)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty string, got {text!r}")
    setattr(figure, _ALT, text.strip())
    return figure


def alt_text(figure: Figure) -> str:
    """What ``figure`` shows, in words: its own text (:func:`describe`) or one from its labels."""
    own = getattr(figure, _ALT, None)
    if own:
        return own
    parts = []
    title = figure.get_suptitle() if hasattr(figure, "get_suptitle") else ""
    if title:
        parts.append(title + ".")
    axes = [ax for ax in figure.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    for k, ax in enumerate(axes, 1):
        words = []
        if ax.get_title():
            words.append(ax.get_title())
        xlabel, ylabel = ax.get_xlabel(), ax.get_ylabel()
        if xlabel or ylabel:
            words.append(f"{ylabel or 'value'} against {xlabel or 'position'}")
        names = [
            a.get_label()
            for a in (*ax.lines, *ax.collections, *ax.patches)
            if a.get_label() and not a.get_label().startswith("_")
        ]
        if names:
            words.append("showing " + "; ".join(dict.fromkeys(names)))
        elif ax.lines or ax.collections:
            words.append(f"{len(ax.lines)} line(s), {len(ax.collections)} point set(s) or area(s)")
        if words:
            lead = f"Panel {k} of {len(axes)}: " if len(axes) > 1 else ""
            parts.append(lead + ", ".join(words) + ".")
    return " ".join(parts) or "A figure without labels."


def _figure_html(figure: Figure) -> str:
    from IPython.core.pylabtools import print_figure

    png = print_figure(figure, fmt="png", bbox_inches="tight", base64=True)
    return (
        f'<img alt="{html.escape(alt_text(figure), quote=True)}" '
        f'src="data:image/png;base64,{png}" style="max-width: 100%; height: auto">'
    )


def _display(figure: Figure) -> None:
    from IPython.display import HTML, display

    display(HTML(_figure_html(figure)))


def install() -> bool:
    """Register the display hook in the running IPython (once); False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.ipython_display_formatter.for_type(Figure, _display)
    return True
