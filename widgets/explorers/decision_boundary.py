"""Two features (lesson 01): sliders w₁, w₂, b over the probability field σ(wᵀx + b), the decision
boundary wᵀx + b = 0 and the lines of probability 0.1 … 0.9; gradient descent's ‖w‖ and loss step
by step; on linearly separable data ‖w‖ grows for ever unless an L2 penalty τ > 0 gives the loss a
finite minimiser. The model is :mod:`widgets.models.decision_boundary`."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb

from ..models.decision_boundary import (
    BAND_EDGES,
    L2_RANGE,
    STEPS,
    WEIGHT_RANGE,
    boundary_state,
    boundary_status,
)
from ._artists import Custom, Line
from ._controls import Scrubber, Slider, Toggle
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import ROLE_COLORS, ROLE_MARKERS, color_for

__all__ = ["DecisionBoundaryExplorer"]

NAMES = {False: ("benign (y = 0)", "malignant (y = 1)"), True: ("class 0", "class 1")}
_GD = color_for("gd")


def _tint(color: str, amount: float) -> str:
    """``color`` mixed with white (amount 0: white, 1: the colour), so the field stays light."""
    return to_hex(1.0 - amount * (1.0 - np.array(to_rgb(color))))


_CLASS_CMAP = LinearSegmentedColormap.from_list(
    "descent_classes",
    [_tint(ROLE_COLORS["class 0"], 0.6), "#FFFFFF", _tint(ROLE_COLORS["class 1"], 0.6)],
)


def _field(ax):
    # The field as analytic bands: a blit of 40 polygons costs ~1 ms, against 7–25 ms for
    # resampling an AxesImage of σ over a grid. No antialiasing, so no seams between bands.
    mids = 0.5 * (BAND_EDGES[:-1] + BAND_EDGES[1:])
    bands = PolyCollection(
        np.zeros((len(mids), 4, 2)),
        facecolors=_CLASS_CMAP(mids),
        edgecolors="none",
        antialiaseds=False,
    )
    return ax.add_collection(bands, autolim=False)


def _weight(label: str, default: float) -> Slider:
    return Slider(label, default, lo=WEIGHT_RANGE[0], hi=WEIGHT_RANGE[1], step=0.05, fmt=".2f")


def _points(c: int) -> Line:
    role = f"class {c}"
    style = dict(
        ls="", marker=ROLE_MARKERS[role], ms=4, color=ROLE_COLORS[role], mec="white", mew=0.4
    )
    return Line(0, lambda s: s.points(c), style=style)


def _at_step(ax: int, values) -> Line:
    """A marker at the step shown on the run's curve ``values(state)``."""
    return Line(
        ax,
        lambda s: ([s.step], [values(s)[s.step]]),
        answer=True,
        style=dict(ls="", marker="o", color=_GD, ms=6),
    )


class DecisionBoundaryExplorer(Explorer):
    """Two features: probability field, decision boundary, and what gradient descent does on
    separable data with and without an L2 penalty.

    The "GD step t" scrubber runs over the computed run (0 … the step it stopped at, at most
    ``STEPS``) and stays at the end when the run changes, if it was there.

    Example:
        >>> ex = DecisionBoundaryExplorer(separable=True)
        >>> "does not exist" in ex.last_status.text
        True
    """

    lessons = ("01_logistic_regression_mle",)
    controls = {
        "w1": _weight("w₁", 1.0),
        "w2": _weight("w₂", 0.5),
        "b": _weight("bias b", 0.0),
        "l2": Slider("L2 penalty τ", 0.0, lo=L2_RANGE[0], hi=L2_RANGE[1], step=0.001, fmt=".3f"),
        "step": Scrubber("GD step t", last=lambda s: s.run.stopped_at),
        "separable": Toggle("separable synthetic data", False),
    }
    model = boundary_state
    describe = boundary_status
    artists = {
        "field": Custom(0, lambda s: s.bands, create=_field, draw=lambda a, d: a.set_verts(d)),
        "points_0": _points(0),
        "points_1": _points(1),
        "levels": Line(
            0,
            lambda s: s.levels,
            style=dict(color="#333333", lw=0.7, alpha=0.8, label="p = 0.1, 0.2, …, 0.9"),
        ),
        "boundary": Line(
            0,
            lambda s: s.boundary,
            style=dict(color="black", lw=2.2, label="your boundary wᵀx + b = 0 (p = ½)"),
        ),
        "gd_boundary": Line(
            0,
            lambda s: s.gd_boundary,
            answer=True,
            style=dict(color=_GD, lw=2, ls="--", label="gradient descent at step t"),
        ),
        "norm_line": Line(
            1,
            lambda s: (s.steps, s.norms),
            answer=True,
            style=dict(color=_GD, lw=1.8, label="gradient descent"),
        ),
        "norm_mark": _at_step(1, lambda s: s.norms),
        "norm_star": Line(
            1,
            lambda s: ([], []) if s.norm_star is None else ([0, STEPS], [s.norm_star] * 2),
            answer=True,
            style=dict(
                color=ROLE_COLORS["best"], lw=1.5, ls=":", label="‖w*‖ of the minimiser (if any)"
            ),
        ),
        "loss_line": Line(
            2, lambda s: (s.steps, s.run.loss), answer=True, style=dict(color=_GD, lw=1.8)
        ),
        "loss_mark": _at_step(2, lambda s: s.run.loss),
        "hand_loss": Line(
            2,
            lambda s: ([0, STEPS], [s.loss_shown] * 2),
            style=dict(color="black", lw=1.2, ls="--", label="your (w₁, w₂, b)"),
        ),
    }
    redraw_on = ("separable",)
    columns = 3
    figsize = (10.0, 4.7)

    def layout(self, figure):
        ax_data = figure.add_axes((0.07, 0.11, 0.43, 0.7))
        ax_norm = figure.add_axes((0.61, 0.55, 0.37, 0.33))
        ax_loss = figure.add_axes((0.61, 0.11, 0.37, 0.33))
        ax_norm.set(xlim=(0, STEPS), ylabel="‖w‖ (weights)")
        ax_norm.set_title("gradient descent from w = 0", fontsize=10)
        ax_norm.tick_params(labelbottom=False)
        ax_loss.set(xlim=(0, STEPS), yscale="log", xlabel="step t", ylabel="NLL + τ‖w‖²/2")
        sparse_log_minor_ticks(ax_loss)
        return ax_data, ax_norm, ax_loss

    def decorate(self) -> None:
        names = ("points_0", "points_1", "levels", "boundary", "gd_boundary")
        self._legend = self.figure.legend(
            handles=[self.artist(n) for n in names],
            labels=[*NAMES[False], *(self.artist(n).get_label() for n in names[2:])],
            loc="upper left",
            bbox_to_anchor=(0.06, 0.995),
            ncol=2,
            fontsize=10,
            frameon=False,
            columnspacing=1.2,
            handletextpad=0.4,
        )
        self.axes[1].legend(
            handles=[self.artist("norm_line"), self.artist("norm_star")],
            loc="lower right",
            fontsize=10,
            framealpha=0.85,
        )
        self.axes[2].legend(
            handles=[self.artist("hand_loss")], loc="upper right", fontsize=10, framealpha=0.85
        )

    def draw_frame(self, st) -> None:
        ax_data, ax_norm, ax_loss = self.axes
        (x0, x1), (y0, y1) = st.bounds
        names, unit = st.data.feature_names, "" if st.separable else " (standardised)"
        ax_data.set(
            xlim=(x0, x1), ylim=(y0, y1), xlabel=f"{names[0]}{unit}", ylabel=f"{names[1]}{unit}"
        )
        for text, label in zip(self._legend.get_texts(), NAMES[st.separable], strict=False):
            text.set_text(label)
        ax_norm.set_ylim(st.norm_limits)
        ax_loss.set_ylim(st.loss_limits)
