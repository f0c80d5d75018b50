"""Sigmoid explorer: σ(z) and its tangent, the central difference's error against h, and the
gradients of cross-entropy and squared error in z. The model is :mod:`widgets.models.sigmoid`."""

from __future__ import annotations

from ..models.sigmoid import (
    H_GRID,
    H_RANGE,
    Z_GRID,
    Z_RANGE,
    sigmoid_state,
    sigmoid_status,
)
from ..objectives import sigmoid
from ._artists import Line
from ._controls import Choice, LogSlider, Slider
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import DASHED, GUIDE, PALETTE, ROLE_COLORS

__all__ = ["SigmoidExplorer"]

_TANGENT = ROLE_COLORS["tangent"]
_GREEN = PALETTE["bluish green"]


class SigmoidExplorer(Explorer):
    """σ(z), σ′ = σ(1 − σ) and the tangent at z; the central difference beside the exact
    derivative with its error on a log scale; the gradient of cross-entropy vs squared error.

    Example:
        >>> ex = SigmoidExplorer(z=2.0)
        >>> ex.set(h=1e-4)
        >>> "σ′(2)" in ex.last_status.text
        True
    """

    lessons = ("02_sigmoid_derivative",)
    controls = {
        "z": Slider("z", 0.5, lo=Z_RANGE[0], hi=Z_RANGE[1], step=0.05),
        "h": LogSlider("step h", 1e-3, lo=H_RANGE[0], hi=H_RANGE[1], steps_per_decade=4, fmt=".0e"),
        "y": Choice("label y", 1, options={"y = 1": 1, "y = 0": 0}),
    }
    model = sigmoid_state
    describe = sigmoid_status
    artists = {
        "point": Line(0, lambda s: ([s.z], [s.s]), style=dict(marker="o", color=_TANGENT, ms=6)),
        "tangent": Line(
            0, lambda s: s.tangent, answer=True, style=dict(color=_TANGENT, lw=1.5, ls="--")
        ),
        "slope_point": Line(
            0, lambda s: ([s.z], [s.slope]), answer=True, style=dict(marker="o", color=_GREEN, ms=5)
        ),
        "error_line": Line(
            1,
            lambda s: (H_GRID, s.errors),
            answer=True,
            style=dict(color=PALETTE["blue"], lw=1.5),
        ),
        "h_marker": Line(
            1,
            lambda s: ([s.h], [max(s.error_at_h, 1e-17)]),
            answer=True,
            style=dict(marker="o", color=PALETTE["vermillion"], ms=6),
        ),
        "ce_line": Line(
            2,
            lambda s: (Z_GRID, s.grad_ce),
            answer=True,
            style=dict(color=PALETTE["blue"], lw=2, label="cross-entropy: σ − y"),
        ),
        "se_line": Line(
            2,
            lambda s: (Z_GRID, s.grad_se),
            answer=True,
            style=dict(
                color=PALETTE["orange"],
                lw=2,
                ls=DASHED,
                label="squared error: (σ − y)σ(1 − σ)",
            ),
        ),
    }
    figsize = (10.5, 3.4)

    def layout(self, figure):
        ax_s, ax_e, ax_g = figure.subplots(1, 3)
        figure.subplots_adjust(left=0.06, right=0.99, bottom=0.16, top=0.88, wspace=0.3)
        sz = sigmoid(Z_GRID)
        ax_s.plot(Z_GRID, sz, color=ROLE_COLORS["curve"], lw=2, label="σ(z)")
        ax_s.plot(Z_GRID, sz * (1 - sz), color=_GREEN, lw=1.5, ls=DASHED, label="σ′(z) = σ(1−σ)")
        ax_s.set(xlim=Z_RANGE, ylim=(-0.05, 1.05), xlabel="z", title="σ(z) and its tangent")
        ax_s.legend(loc="upper left", fontsize=10)
        ax_e.set(
            xscale="log",
            yscale="log",
            xlim=H_RANGE,
            ylim=(1e-17, 1.0),
            xlabel="step h",
            ylabel="|numeric − exact|",
            title="Central difference error",
        )
        sparse_log_minor_ticks(ax_e)
        ax_g.set(
            xlim=Z_RANGE,
            ylim=(-1.1, 1.75),
            xlabel="z",
            ylabel="∂loss/∂z",
            title="Loss gradient in z",
        )
        ax_g.axhline(0, color=GUIDE, lw=1.0)
        return ax_s, ax_e, ax_g

    def decorate(self) -> None:
        self.axes[2].legend(
            handles=[self.artist("ce_line"), self.artist("se_line")],
            loc="upper center",
            fontsize=10,
        )
