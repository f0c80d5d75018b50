"""Penalty geometry (lesson 07): contours of a 2-weight logistic loss, the region P_r(w) ≤ t of
the constrained form (an L2 disc, an L1 diamond, an elastic-net ball between) whose edge the
contour through the penalised optimum w*(τ) touches, and the path of w*(τ); beside it, the two
weights against τ. A strength τ (log scale) and the L1 share r are the controls; a readout says
when a weight is exactly 0. The model is :mod:`widgets.models.penalty_geometry`."""

from __future__ import annotations

import contourpy
import numpy as np
from matplotlib.patches import Polygon

from ..models.penalty_geometry import (
    BOUNDS,
    L1_RATIOS,
    TAUS,
    penalty_geometry_state,
    penalty_geometry_status,
)
from ._artists import Custom, Line
from ._controls import LogSlider, Slider
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import DASHED, GUIDE, PALETTE, ROLE_COLORS

__all__ = ["PenaltyGeometryExplorer"]

_REGION = PALETTE["blue"]
_PATH = PALETTE["vermillion"]
_OPTIMUM = dict(ls="", marker="o", ms=9, color=ROLE_COLORS["best"], mec="black", mew=1.5)
_WEIGHT_STYLES = ({"ls": "-"}, {"ls": DASHED})  # w₁ solid, w₂ dashed
_LINES: dict[int, tuple[np.ndarray, contourpy.ContourGenerator]] = {}


def touching_contour(st) -> tuple[np.ndarray, np.ndarray]:
    """The contour f(w) = f(w*) traced over the state's grid (the level set the view draws),
    its pieces joined by NaN gaps."""
    key = id(st.loss)
    if key not in _LINES or _LINES[key][0] is not st.loss:
        _LINES[key] = (st.loss, contourpy.contour_generator(st.w1, st.w2, st.loss))
    pieces = _LINES[key][1].lines(st.optimum_loss)
    if not pieces:
        return np.empty(0), np.empty(0)
    gap = np.full((1, 2), np.nan)
    xy = np.concatenate([p for piece in pieces for p in (piece, gap)])
    return xy[:, 0], xy[:, 1]


def zero_readout(st) -> str:
    """Each weight of w*, and which ones are exactly 0."""
    parts = []
    for j, (w, zero) in enumerate(zip(st.optimum, st.zero, strict=True)):
        value = "exactly 0" if zero else f"{w:.4f} (not 0)"
        parts.append(f"w{'₁₂'[j]}* ({st.feature_names[j]}) = {value}")
    return " · ".join(parts)


def _fill(ax):
    patch = Polygon(np.zeros((1, 2)), closed=True, fc=_REGION, alpha=0.18, ec="none")
    return ax.add_patch(patch)


def _weight_path(j: int) -> Line:
    style = dict(color=ROLE_COLORS["curve"], lw=1.8, label=f"w{'₁₂'[j]}*(τ)", **_WEIGHT_STYLES[j])
    return Line(1, lambda s: (s.path_taus, s.path[:, j]), answer=True, style=style)


class PenaltyGeometryExplorer(Explorer):
    """A penalty strength τ and the L1 share r: where a contour of the loss touches the region
    P_r(w) ≤ t, and whether a weight is exactly 0 there.

    Example:
        >>> ex = PenaltyGeometryExplorer(tau=0.2, l1_ratio=1.0)
        >>> "is exactly 0" in ex.last_status.text
        True
    """

    lessons = ("07_regularization_and_softmax",)
    controls = {
        "tau": LogSlider(
            "penalty strength τ", 0.05, lo=float(TAUS[0]), hi=float(TAUS[-1]),
            steps_per_decade=20, fmt=".3g",
        ),
        "l1_ratio": Slider(
            "L1 share r (0: L2, 1: L1)", 1.0, lo=float(L1_RATIOS[0]), hi=float(L1_RATIOS[-1]),
            step=0.1, fmt=".1f",
        ),
    }  # fmt: skip
    model = penalty_geometry_state
    describe = penalty_geometry_status
    artists = {
        "unpenalized": Line(
            0,
            lambda s: ([s.unpenalized[0]], [s.unpenalized[1]]),
            static=True,
            style=dict(ls="", marker="X", ms=9, color="black", mec="white", mew=0.8,
                       label="minimum of f (τ = 0)"),
        ),
        "region_fill": Custom(
            0, lambda s: s.boundary, answer=True, create=_fill, draw=lambda a, d: a.set_xy(d)
        ),
        "region": Line(
            0,
            lambda s: (s.boundary[:, 0], s.boundary[:, 1]),
            answer=True,
            style=dict(color=_REGION, lw=2, label="region P_r(w) ≤ t"),
        ),
        "contact": Line(
            0,
            touching_contour,
            answer=True,
            style=dict(color="black", lw=1.4, ls=(0, (4, 2)), label="contour f(w) = f(w*)"),
        ),
        "path": Line(
            0,
            lambda s: (s.path[:, 0], s.path[:, 1]),
            answer=True,
            style=dict(color=_PATH, lw=2.2, ls=(0, (6, 1.5, 1.5, 1.5)), label="path of w*(τ)"),
        ),
        "optimum": Line(
            0, lambda s: ([s.optimum[0]], [s.optimum[1]]), answer=True,
            style=_OPTIMUM | dict(label="w*(τ)"),
        ),
        "w1_path": _weight_path(0),
        "w2_path": _weight_path(1),
        "tau_now": Line(
            1, lambda s: ([s.tau, s.tau], [0.0, 1.0]),
            style=dict(color="#777777", lw=1.2, ls=":"),
        ),
        "weights_now": Line(
            1, lambda s: ([s.tau, s.tau], list(s.optimum)), answer=True, style=_OPTIMUM
        ),
    }  # fmt: skip
    readouts = {"zero": zero_readout}
    answers = ("zero",)
    figsize = (10.5, 4.6)

    def layout(self, figure):
        ax_w, ax_tau = figure.subplots(1, 2, width_ratios=(1.0, 1.15))
        figure.subplots_adjust(left=0.07, right=0.96, bottom=0.13, top=0.8, wspace=0.28)
        ax_w.set(xlim=BOUNDS[0], ylim=BOUNDS[1], aspect="equal")
        ax_w.axhline(0, color=GUIDE, lw=1.0, zorder=0.5)
        ax_w.axvline(0, color=GUIDE, lw=1.0, zorder=0.5)
        ax_tau.set_xscale("log")
        ax_tau.set(xlim=(float(TAUS[0]), float(TAUS[-1])), xlabel="penalty strength τ")
        ax_tau.set_ylabel("the weights of w*(τ) along the path")
        ax_tau.axhline(0, color=GUIDE, lw=1.0, zorder=0.5)
        sparse_log_minor_ticks(ax_tau)
        return ax_w, ax_tau

    def decorate(self) -> None:
        # the τ line spans the axes' height whatever the limits: x in data, y in axes units
        ax_tau = self.axes[1]
        self.artist("tau_now").set_transform(ax_tau.get_xaxis_transform())
        names = ("unpenalized", "region", "contact", "path", "optimum")
        self.axes[0].legend(
            handles=[self.artist(n) for n in names], loc="lower left", bbox_to_anchor=(-0.1, 1.0),
            ncol=2, fontsize=10, frameon=False, columnspacing=1.0, handletextpad=0.4,
        )  # fmt: skip
        ax_tau.legend(  # above the axes, where the moving τ line never crosses it
            handles=[self.artist("w1_path"), self.artist("w2_path")], loc="lower left",
            bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=10, frameon=False,
        )  # fmt: skip

    def draw_frame(self, st) -> None:
        ax_w, ax_tau = self.axes
        ax_w.contour(st.w1, st.w2, st.loss, levels=st.levels, colors="#555555",
                     linewidths=0.6, zorder=0.8)  # fmt: skip
        names = st.feature_names
        ax_w.set(xlabel=f"w₁ ({names[0]})", ylabel=f"w₂ ({names[1]})")
        low, high = min(0.0, *st.unpenalized), max(0.0, *st.unpenalized)
        pad = 0.08 * (high - low)
        ax_tau.set_ylim(low - pad, high + pad)  # the path runs from near f's minimum to 0
