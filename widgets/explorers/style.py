"""One colour-blind-safe palette for the whole course (Okabe & Ito, 2008).

The same optimizer always has the same colour, in every explorer and every lesson.
"""

from __future__ import annotations

__all__ = ["OKABE_ITO", "OPTIMIZER_COLORS", "ROLE_COLORS", "color_for"]

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


def color_for(name: str) -> str:
    """Colour of an optimizer (or gradient-descent variant) by its registry name."""
    try:
        return OPTIMIZER_COLORS[name]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {name!r} for colour; valid values are: "
            + ", ".join(map(repr, OPTIMIZER_COLORS))
        ) from None
