"""One colour-blind-safe palette for the whole course (Okabe & Ito, 2008).

The palette is drawn darkened (``PALETTE``): each of Okabe and Ito's hues is kept and its light
scaled down until it stands at least 4.5:1 against white, so that a line or marker keeps 3:1
(WCAG 2.1's contrast for graphics) in its core after antialiasing; guides (cursors, zero lines,
reference diagonals) are ``GUIDE`` grey at the same ratio.

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
from matplotlib.colors import to_hex, to_rgb

__all__ = [
    "COURSE_RC",
    "DASHED",
    "GUIDE",
    "OKABE_ITO",
    "OPTIMIZER_COLORS",
    "OPTIMIZER_DASHES",
    "OPTIMIZER_MARKERS",
    "PALETTE",
    "ROLE_COLORS",
    "ROLE_MARKERS",
    "color_for",
    "contrast_ratio",
    "course_style",
    "dashes_for",
    "halo_for",
    "marker_for",
    "outlined",
    "shade",
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


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _encode(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _luminance(color) -> float:
    """WCAG 2.1 relative luminance of a colour."""
    channels = [_linear(c) for c in to_rgb(color)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(a, b) -> float:
    """WCAG 2.1 contrast ratio of two colours, from 1 (the same) to 21 (black on white).

    Example:
        >>> round(contrast_ratio("black", "white"), 1)
        21.0
    """
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


#: WCAG contrast against white of every colour the figures draw lines and markers in
ON_WHITE = 4.5


def shade(color, ratio: float = ON_WHITE) -> str:
    """``color`` with its light scaled down (same hue and saturation, in linear RGB) until it
    stands ``ratio``:1 against white; a colour already that dark is returned as it is.

    Example:
        >>> shade("#E69F00"), round(contrast_ratio(shade("#E69F00"), "white"), 2)
        ('#9f6d00', 4.5)
        >>> shade("#0072B2")
        '#0072b2'
    """
    if not 1.0 <= ratio <= 21.0:
        raise ValueError(f"ratio must be in [1, 21] (WCAG contrast), got {ratio!r}")
    if contrast_ratio(color, "white") >= ratio:
        return to_hex(color)
    linear = [_linear(c) for c in to_rgb(color)]
    lo, hi = 0.0, 1.0  # the scale that reaches the ratio lies between
    for _ in range(40):
        k = (lo + hi) / 2
        if contrast_ratio(to_hex(tuple(_encode(k * c) for c in linear)), "white") >= ratio:
            lo = k
        else:
            hi = k
    return to_hex(tuple(_encode(lo * c) for c in linear))


#: the palette as the figures draw it: Okabe and Ito's hues at ON_WHITE against white
PALETTE = {name: shade(color) for name, color in OKABE_ITO.items()}

#: grey for what guides the eye (cursors, zero lines, reference diagonals)
GUIDE = shade("#888888")

OPTIMIZER_COLORS = {
    "gd": PALETTE["blue"],
    "momentum": PALETTE["vermillion"],
    "nesterov": PALETTE["reddish purple"],
    "adagrad": PALETTE["bluish green"],
    "rmsprop": PALETTE["orange"],
    "adam": PALETTE["sky blue"],
    "newton": PALETTE["black"],
    "lbfgs": "#8B4513",  # saddle brown: dark (7:1 on white), apart from the palette's hues
    # Gradient-descent variants share gd's family but need telling apart when raced together.
    "sgd": shade("#7F7F7F"),
    "minibatch": shade("#B8860B"),
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

#: the explorers' one dashed line (5 line widths on, 2 off), for a series that a solid one
#: beside it must not be told apart from by colour alone
DASHED = (0, (5, 2))

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
    "class 0": PALETTE["blue"],
    "class 1": PALETTE["vermillion"],
    "theory": PALETTE["black"],
    "stable band": PALETTE["bluish green"],
    "best": PALETTE["orange"],
    "tangent": PALETTE["reddish purple"],
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
            PALETTE["blue"],
            PALETTE["vermillion"],
            PALETTE["bluish green"],
            PALETTE["reddish purple"],
            PALETTE["orange"],
            PALETTE["sky blue"],
            PALETTE["black"],
        ],
        linestyle=["-", "--", "-.", ":", (0, (8, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2))],
    ),
}


def course_style() -> None:
    """Give matplotlib's figures the course's style (done when ``widgets.explorers`` is
    imported in a kernel, so every lesson's figures share it)."""
    matplotlib.rcParams.update(COURSE_RC)
