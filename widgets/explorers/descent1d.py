"""Gradient descent in one dimension: the path on the curve, the tangent, and the loss per step.

A quadratic (c/2)·w² whose behaviour the theory predicts exactly, a quartic with two minima and
log cosh (bounded gradient: a large α bounces instead of blowing up). A Play control walks the
current point along the path. The model is :mod:`widgets.models.descent1d`.
"""

from __future__ import annotations

import numpy as np

from ..models.descent1d import (
    ALPHA_RANGE,
    CURVATURE_RANGE,
    LOSS_FLOOR,
    LOSS_YLIM,
    MAX_STEPS,
    MINIMA_CHOICES,
    N_ARROWS,
    OBJECTIVES_1D,
    REGIMES,
    START_RANGE,
    Descent1DState,
    descent1d_state,
    descent1d_status,
    make_objective_1d,
    minimum_question,
    regime_question,
)
from ._artists import Custom, Line, Text
from ._controls import Choice, IntSlider, LogSlider, Scrubber, Slider
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import PALETTE, ROLE_COLORS, color_for

__all__ = [
    "LOSS_FLOOR",
    "MINIMA_CHOICES",
    "N_ARROWS",
    "REGIMES",
    "Descent1DExplorer",
    "Descent1DState",
    "descent1d_state",
    "make_objective_1d",
    "minimum_question",
    "regime_question",
]

_BLUE, _VERM = color_for("gd"), PALETTE["vermillion"]
# under the factor text, in the corner a descending loss curve leaves empty
_LEGEND = dict(loc="upper right", bbox_to_anchor=(1.0, 0.9), fontsize=10, framealpha=0.9)
_THEORY = "theory f₀·|1 − αc|²ᵗ"
_TITLES = {k: label.replace("  ", ": ") for label, k in OBJECTIVES_1D.items()}
_CURVE = dict(color=ROLE_COLORS["curve"], lw=2, zorder=1)
_MINIMA = dict(ls="", marker="|", color=ROLE_COLORS["best"], ms=14, mew=2.5, zorder=1)


def _quiver(ax):
    n = N_ARROWS
    z, m = np.zeros(n), np.ma.masked_all(n)
    style = dict(angles="xy", scale_units="xy", scale=1.0, width=0.0035, headwidth=4.5)
    return ax.quiver(z, z, m, m, **style, headlength=5.0, headaxislength=4.5, color=_BLUE, zorder=3)


def _put_arrows(quiver, arrows) -> None:
    offsets, u, v = arrows
    quiver.set_offsets(offsets)
    quiver.set_UVC(u, v)


def _mark(ax: int, data, answer: bool, **style) -> Line:
    return Line(ax, data, answer=answer, style=dict(ls="", **style))


class Descent1DExplorer(Explorer):
    """Gradient descent on a 1-D function: path with arrows, tangent at the current point, loss
    gap per step beside the theory's f₀·|1 − αc|²ᵗ for the quadratic.

    The "step t" scrubber runs over the computed run (0 … the step it stopped at) and stays at
    the end when the run changes, if it was there.

    Example:
        >>> ex = Descent1DExplorer(alpha=1.5)   # quadratic with c = 1: 1 − αc = −0.5
        >>> ex.last_status.kind, ex.last_status.text.startswith("oscillating")
        ('oscillating', True)
        >>> ex.set(alpha=2.5)
        >>> ex.last_status.text.split(":")[0]
        'diverged at step 33 of 60'
    """

    lessons = ("03_gradient_descent_variants", "04_learning_rate_effects")
    controls = {
        "objective": Choice("function", "quadratic", options=OBJECTIVES_1D),
        "alpha": LogSlider("learning rate α", 0.3, lo=ALPHA_RANGE[0], hi=ALPHA_RANGE[1]),
        "curvature": Slider(
            "curvature c",
            1.0,
            lo=CURVATURE_RANGE[0],
            hi=CURVATURE_RANGE[1],
            step=0.05,
            enabled=lambda v: v["objective"] != "quartic",
        ),
        "start": Slider("start w₀", 2.5, lo=START_RANGE[0], hi=START_RANGE[1], step=0.05),
        "steps": IntSlider("steps", 60, lo=1, hi=MAX_STEPS),
        # a run that never moves has nothing to scrub
        "step": Scrubber(
            "step t",
            last=lambda s: s.trajectory.stopped_at,
            enabled=lambda v: _moves(v),
        ),
    }
    model = descent1d_state
    describe = descent1d_status
    artists = {
        # the layer: redrawn over the rest when c or the budget changes (see layer_key)
        "curve": Line(0, lambda s: (s.curve_w, s.curve_f), layer=True, style=_CURVE),
        "minima": Line(0, lambda s: s.minima, layer=True, style=_MINIMA),
        "arrows": Custom(0, lambda s: s.arrows(), answer=True, create=_quiver, draw=_put_arrows),
        "points": Line(
            0,
            lambda s: s.path,
            answer=True,
            style=dict(marker="o", color=_BLUE, lw=1.0, ms=3.5, zorder=4),
        ),
        "start_point": _mark(
            0,
            lambda s: ([s.w[0]], [s.f[0]]),
            False,
            marker="s",
            color=ROLE_COLORS["curve"],
            ms=7,
            mfc="white",
            mew=1.5,
            zorder=5,
        ),
        "tangent": Line(
            0,
            lambda s: s.tangent,
            style=dict(color=ROLE_COLORS["tangent"], lw=1.6, ls="--", zorder=4),
        ),
        "current": _mark(
            0,
            lambda s: s.current,
            True,
            marker="o",
            color=_VERM,
            ms=8,
            mec="white",
            mew=1.2,
            zorder=6,
        ),
        "predicted": Line(
            1,
            lambda s: s.predicted_line,
            answer=True,
            style=dict(color=ROLE_COLORS["theory"], lw=3.0, ls=(0, (2, 2)), alpha=0.55, zorder=2),
        ),
        "loss": Line(
            1,
            lambda s: s.gap_line,
            answer=True,
            style=dict(marker="o", color=_BLUE, lw=1.4, ms=2.5, label="measured", zorder=3),
        ),
        "loss_now": _mark(
            1,
            lambda s: ([s.step], [s.gap[s.step]]),
            True,
            marker="o",
            color=_VERM,
            ms=7,
            mec="white",
            mew=1.0,
            zorder=4,
        ),
        "factor_text": Text(
            1,
            lambda s: (0.98, 0.97, s.factor_text),
            answer=True,
            style=dict(va="top", ha="right", fontsize=10),
        ),
    }
    figsize = (10.0, 3.9)
    columns = 2

    def layout(self, figure):
        gs = figure.add_gridspec(1, 2, width_ratios=(1.2, 1.0))
        ax_f, ax_l = figure.add_subplot(gs[0]), figure.add_subplot(gs[1])
        figure.subplots_adjust(left=0.06, right=0.985, bottom=0.14, top=0.9, wspace=0.22)
        ax_f.set(xlabel="w", ylabel="f(w)")
        ax_l.set(xlabel="step t", ylabel="f(wₜ) − f(w*)", yscale="log", ylim=LOSS_YLIM)
        ax_l.set_title("Loss gap per step", fontsize=10)
        sparse_log_minor_ticks(ax_l)
        return ax_f, ax_l

    def decorate(self) -> None:
        text = self.artist("factor_text")
        text.set_transform(self.axes[1].transAxes)
        text.set_bbox(dict(boxstyle="round,pad=0.25", fc="white", ec="none", alpha=0.85))
        self._legend = None

    redraw_on = ("objective",)

    def layer(self, axes):
        """The axes whose limits follow the budget, then c (drawing an axis's ticks costs 20-50
        ms here, a full redraw 100+): a move of c does not draw the step axis again."""
        return [(axes[1].xaxis,), (axes[0].yaxis,)]

    def layer_key(self, st: Descent1DState):
        kind, param, steps = st.frame_key
        return steps, (kind, param)

    def draw_layer(self, st: Descent1DState) -> None:
        ax_f, ax_l = self.axes
        ax_f.set(xlim=st.xlim, ylim=st.ylim)
        ax_l.set_xlim(0, max(st.steps, 1))

    def draw_frame(self, st: Descent1DState) -> None:
        ax_f, ax_l = self.axes
        ax_f.set_title(_TITLES[st.kind], fontsize=10)
        quad = st.kind == "quadratic"
        loss, predicted = self.artist("loss"), self.artist("predicted")
        predicted.set_label(_THEORY if quad else "theory (quadratics only)")
        if self._legend is not None:
            self._legend.remove()
        self._legend = ax_l.legend(handles=[loss, predicted] if quad else [loss], **_LEGEND)


def _moves(values) -> bool:
    """True when the run for these control values takes at least one step."""
    st = descent1d_state(**{n: values[n] for n in Descent1DExplorer.controls if n != "step"})
    return st.trajectory.stopped_at > 0
