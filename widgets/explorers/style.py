"""One colour-blind-safe palette for the whole course (Okabe & Ito, 2008).

The same optimizer always has the same colour, in every explorer and every lesson, and also its
own marker and dash pattern, so that colour is never the only thing telling two racers apart.
A line drawn over a filled contour map gets a halo (``outlined``): white around a dark colour,
black around a light one, whichever stands at least 3:1 against the line (WCAG 2.1's contrast for
graphics), so the line reads the same over any fill.
"""

from __future__ import annotations

import matplotlib
from cycler import cycler
from matplotlib import patheffects
from matplotlib.colors import to_rgb

__all__ = [
    "COURSE_RC",
    "OKABE_ITO",
    "OPTIMIZER_COLORS",
    "OPTIMIZER_DASHES",
    "OPTIMIZER_MARKERS",
    "ROLE_COLORS",
    "ROLE_MARKERS",
    "color_for",
    "contrast_ratio",
    "course_style",
    "dashes_for",
    "halo_for",
    "marker_for",
    "outlined",
]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

OPTIMIZER_COLORS = {
    "gd": OKABE_ITO["blue"],
    "momentum": OKABE_ITO["vermillion"],
    "nesterov": OKABE_ITO["reddish purple"],
    "adagrad": OKABE_ITO["bluish green"],
    "rmsprop": OKABE_ITO["orange"],
    "adam": OKABE_ITO["sky blue"],
    "newton": OKABE_ITO["black"],
    "lbfgs": "#8B4513",  # saddle brown: dark (7:1 on white), apart from the palette's hues
    # Gradient-descent variants share gd's family but need telling apart when raced together.
    "sgd": "#7F7F7F",
    "minibatch": "#B8860B",
}

#: one marker per optimizer (the head of its path, its legend entry)
OPTIMIZER_MARKERS = {
    "gd": "o",
    "momentum": "s",
    "nesterov": "D",
    "adagrad": "^",
    "rmsprop": "v",
    "adam": "P",
    "newton": "X",
    "lbfgs": "*",
    "sgd": "h",
    "minibatch": "p",
}

#: one dash pattern per optimizer (its loss curve, its legend entry); gd's is solid
OPTIMIZER_DASHES = {
    "gd": "-",
    "momentum": (0, (6, 1.5)),
    "nesterov": (0, (6, 1.5, 1.2, 1.5)),
    "adagrad": (0, (1.2, 1.2)),
    "rmsprop": (0, (10, 2.5)),
    "adam": (0, (3, 1.2, 1.2, 1.2, 1.2, 1.2)),
    "newton": (0, (2.5, 1.2)),
    "lbfgs": (0, (8, 1.5, 1.2, 1.5, 1.2, 1.5)),
    "sgd": (0, (1.2, 2.5)),
    "minibatch": (0, (4, 2.5)),
}

# Colours for things that are not optimizers, fixed so a figure's legend reads the same everywhere.
ROLE_COLORS = {
    "class 0": OKABE_ITO["blue"],
    "class 1": OKABE_ITO["vermillion"],
    "theory": OKABE_ITO["black"],
    "stable band": OKABE_ITO["bluish green"],
    "best": OKABE_ITO["orange"],
    "tangent": OKABE_ITO["reddish purple"],
    "curve": "#333333",
}

#: the two classes differ by marker as well as by colour
ROLE_MARKERS = {"class 0": "o", "class 1": "^"}


def color_for(name: str) -> str:
    """Colour of an optimizer (or gradient-descent variant) by its registry name."""
    return _lookup(OPTIMIZER_COLORS, "colour", name)


def _lookup(table: dict, what: str, name: str):
    try:
        return table[name]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {name!r} for {what}; valid values are: "
            + ", ".join(map(repr, table))
        ) from None


def marker_for(name: str) -> str:
    """Marker of an optimizer by its registry name."""
    return _lookup(OPTIMIZER_MARKERS, "marker", name)


def dashes_for(name: str):
    """Dash pattern (a matplotlib ``linestyle``) of an optimizer by its registry name."""
    return _lookup(OPTIMIZER_DASHES, "dashes", name)


def _luminance(color) -> float:
    """WCAG 2.1 relative luminance of a colour."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(a, b) -> float:
    """WCAG 2.1 contrast ratio of two colours, from 1 (the same) to 21 (black on white).

    Example:
        >>> round(contrast_ratio("black", "white"), 1)
        21.0
    """
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def halo_for(color) -> str:
    """White or black, whichever stands out more against ``color`` (always at least 3:1, since
    any colour reaches √21 ≈ 4.6:1 against one of the two).

    Example:
        >>> halo_for(OKABE_ITO["blue"]), halo_for(OKABE_ITO["sky blue"])
        ('white', 'black')
    """
    return max(("white", "black"), key=lambda h: contrast_ratio(color, h))


def outlined(color, lw: float) -> list:
    """Path effects that draw a line of width ``lw`` over a halo 1.2 pt wider on each side."""
    return [patheffects.withStroke(linewidth=lw + 2.4, foreground=halo_for(color))]


#: the lessons' own figures (``plt`` in a lesson): the palette in a fixed order, each colour with
#: its own dash pattern, so the n-th series of a plot differs from the others by more than
#: colour; text keeps matplotlib's 10 pt. Explorers draw with their own declared styles.
COURSE_RC = {
    "axes.prop_cycle": cycler(
        color=[
            OKABE_ITO["blue"],
            OKABE_ITO["vermillion"],
            OKABE_ITO["bluish green"],
            OKABE_ITO["reddish purple"],
            OKABE_ITO["orange"],
            OKABE_ITO["sky blue"],
            OKABE_ITO["black"],
        ],
        linestyle=["-", "--", "-.", ":", (0, (8, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2))],
    ),
}


def course_style() -> None:
    """Give matplotlib's figures the course's style (done when ``widgets.explorers`` is
    imported in a kernel, so every lesson's figures share it)."""
    matplotlib.rcParams.update(COURSE_RC)
