"""Smith's learning-rate range test (lesson 04): the loss against a rate that grows every step,
where it blows up, the suggested rate and the theory's 2/λmax. The model is
:mod:`widgets.models.lr_range`."""

from __future__ import annotations

from ..models.lr_range import (
    FACTOR_RANGE,
    KAPPA_RANGE,
    LR_AXIS,
    MAX_LR_RANGE,
    MIN_LR_RANGE,
    RANGE_OPTIMIZERS,
    RANGE_PROBLEMS,
    STEPS_RANGE,
    LRRangeTestState,
    divergence_question,
    lr_range_state,
    lr_range_status,
)
from ._artists import Line, Text, VLine
from ._controls import Choice, IntSlider, LogSlider, Slider
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import DASHED, PALETTE, ROLE_COLORS, color_for

__all__ = ["LRRangeTestExplorer", "LRRangeTestState", "divergence_question"]

_VERM = PALETTE["vermillion"]


class LRRangeTestExplorer(Explorer):
    """Smith's learning-rate range test: one run whose rate grows geometrically every step; the
    loss against the rate, where it blows up, the suggested rate, and the theory's 2/λmax.

    The α axis spans every range the two rate sliders give (1e-6 to 1000), so moving them moves
    the curve along a fixed axis.

    Example:
        >>> ex = LRRangeTestExplorer()
        >>> ex.state.result.divergence_lr > ex.state.theory_limit
        True
    """

    lessons = ("04_learning_rate_effects",)
    controls = {
        "problem": Choice("problem", "quadratic", options=RANGE_PROBLEMS),
        "optimizer": Choice("optimizer", "gd", options=RANGE_OPTIMIZERS),
        "kappa": LogSlider(
            "condition number κ",
            10.0,
            lo=KAPPA_RANGE[0],
            hi=KAPPA_RANGE[1],
            steps_per_decade=10,
            enabled=lambda v: v["problem"] == "quadratic",
        ),
        "steps": IntSlider("steps", 100, lo=STEPS_RANGE[0], hi=STEPS_RANGE[1], step=10),
        "min_lr": LogSlider(
            "smallest α",
            1e-4,
            lo=MIN_LR_RANGE[0],
            hi=MIN_LR_RANGE[1],
            steps_per_decade=4,
            fmt=".0e",
        ),
        "max_lr": LogSlider(
            "largest α", 10.0, lo=MAX_LR_RANGE[0], hi=MAX_LR_RANGE[1], steps_per_decade=4
        ),
        "divergence_factor": Slider(
            "stop when loss > × best", 4.0, lo=FACTOR_RANGE[0], hi=FACTOR_RANGE[1], step=0.5
        ),
    }
    model = lr_range_state
    describe = lr_range_status
    artists = {
        "threshold": Line(
            0,
            lambda s: s.threshold_line,
            answer=True,
            style=dict(
                color=_VERM,
                lw=1.0,
                ls=DASHED,
                drawstyle="steps-post",
                label="stop threshold: k × best loss so far",
            ),
        ),
        "threshold_label": Text(
            0,
            lambda s: s.threshold_label,
            answer=True,
            style=dict(color=_VERM, fontsize=10, ha="left", va="bottom"),
        ),
        "loss": Line(
            0,
            lambda s: (s.lrs, s.losses),
            answer=True,
            style=dict(color=color_for("gd"), lw=1.6, label="loss"),
        ),
        "diverge": Line(
            0,
            lambda s: s.divergence_mark,
            answer=True,
            style=dict(
                ls="", marker="X", color=_VERM, ms=10, mec="white", label="loss starts to climb"
            ),
        ),
        "suggested": VLine(
            0,
            lambda s: s.result.suggested_lr or s.theory_limit,  # (hidden when None)
            answer=True,
            visible=lambda s: s.result.suggested_lr is not None,
            style=dict(
                color=ROLE_COLORS["best"], lw=1.8, ls="--", label="suggested α (divergence/10)"
            ),
        ),
        "local_edge": Line(
            0,
            lambda s: s.local_edge_line,
            style=dict(
                color=ROLE_COLORS["theory"],
                lw=1.4,
                ls=(0, (1, 1.5)),
                marker="|",
                markevery=0.1,
                label="local 2/λmax where each step starts",
            ),
        ),
        "theory": VLine(
            0,
            lambda s: s.theory_limit,
            style=dict(
                color=ROLE_COLORS["theory"],
                lw=1.2,
                ls=":",
                label="2/λmax (theory, gradient descent)",
            ),
        ),
    }
    redraw_on = ("problem",)
    figsize = (10.0, 3.6)
    columns = 3

    def layout(self, figure):
        ax = figure.add_subplot(1, 1, 1)
        figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9)
        ax.set(
            xscale="log",
            yscale="log",
            xlim=LR_AXIS,
            xlabel="learning rate α (grows every step)",
            ylabel="loss after the step",
        )
        ax.set_title("Learning-rate range test", fontsize=10)
        sparse_log_minor_ticks(ax)
        return (ax,)

    def decorate(self) -> None:
        names = ("threshold", "loss", "diverge", "suggested", "theory", "local_edge")
        handles = [self.artist(n) for n in names]
        self.axes[0].legend(handles=handles, loc="lower left", fontsize=10, framealpha=0.9)

    def layer(self, axes):
        """The loss axis, whose decades follow the start's loss and the stopping factor."""
        return (axes[0].yaxis,)

    def layer_key(self, st: LRRangeTestState):
        return st.loss_ylim

    def draw_layer(self, st: LRRangeTestState) -> None:
        self.axes[0].set_ylim(*st.loss_ylim)
