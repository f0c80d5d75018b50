"""Class imbalance (lesson 08): malignant tumours subsampled to a minority fraction; a strategy
(none, class weights, oversampling, threshold moving) changes the fit or its threshold; the
decision line on the training tumours (marker area ∝ weight), minority recall against accuracy
(the accuracy paradox) and the precision–recall curve on the held-out tumours. The model is
:mod:`widgets.models.imbalance`."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection

from ..models._classifier import SCATTER_FEATURES
from ..models.imbalance import FRACTION_RANGE, STRATEGIES, imbalance_state, imbalance_status
from ._artists import Custom, Line, Points
from ._controls import Choice, Slider
from ._spec import Explorer
from .style import GUIDE, PALETTE, ROLE_COLORS, ROLE_MARKERS

__all__ = ["ImbalanceExplorer"]

#: the bars of the middle panel, top to bottom
BARS = ("minority\nrecall", "accuracy", "accuracy,\nall benign")
_BAR_COLORS = (PALETTE["vermillion"], PALETTE["blue"], "#999999")
_AREA = 14.0  # marker area (points²) of a tumour of weight 1


def _benign() -> Line:
    """Benign tumours share one weight in every strategy (only malignant ones are copied): one
    marker size, drawn as a line's markers (a scatter of 300 sizes costs ~9 ms a frame)."""

    def size(s):
        return {"markersize": math.sqrt(_AREA * float(s.train_weight[s.y_train == 0][0]))}

    def xy(s):
        X = s.X_train[s.y_train == 0]
        return X[:, 0], X[:, 1]

    style = dict(ls="", marker="o", color=ROLE_COLORS["class 0"], mec="white", mew=0.4)
    return Line(0, xy, props=size, style=style | dict(label="benign"))


def _malignant() -> Points:
    def area(s):
        return {"sizes": _AREA * s.train_weight[s.y_train == 1]}

    style = dict(
        color=ROLE_COLORS["class 1"],
        marker=ROLE_MARKERS["class 1"],
        edgecolors="white",
        linewidths=0.4,
    )
    return Points(0, lambda s: s.X_train[s.y_train == 1], props=area,
                  style=style | dict(label="malignant"))  # fmt: skip


def _line(points):
    return (points[:, 0], points[:, 1]) if len(points) else ([], [])


def bar_values(st) -> tuple[float, float, float]:
    """The bars' lengths, in the order of ``BARS``."""
    return st.minority_recall, st.accuracy, st.majority_accuracy


def _bars(ax):
    bars = LineCollection([], colors=_BAR_COLORS, linewidths=14, capstyle="butt")
    return ax.add_collection(bars, autolim=False)


def _set_bars(artist, values) -> None:
    artist.set_segments([[(0.0, k), (v, k)] for k, v in enumerate(values)])


class ImbalanceExplorer(Explorer):
    """A minority fraction and a strategy: the decision line, minority recall against accuracy,
    and the precision–recall curve on the held-out tumours.

    Example:
        >>> ex = ImbalanceExplorer(minority_fraction=0.05, strategy="none")
        >>> "calling every tumour benign would score 95 %" in ex.last_status.text
        True
    """

    lessons = ("08_judging_a_classifier",)
    controls = {
        "minority_fraction": Slider(
            "malignant share ȳ", 0.05, lo=FRACTION_RANGE[0], hi=FRACTION_RANGE[1], step=0.01,
            fmt=".2f",
        ),
        "strategy": Choice("strategy", "none", options=STRATEGIES),
    }  # fmt: skip
    model = imbalance_state
    describe = imbalance_status
    artists = {
        "points_0": _benign(),
        "points_1": _malignant(),
        "plain_boundary": Line(
            0,
            lambda s: _line(s.plain_boundary),
            visible=lambda s: s.strategy != "none",
            style=dict(color="#777777", lw=1.5, ls=":", label="no strategy (ŷ = ½)"),
        ),
        "boundary": Line(
            0, lambda s: _line(s.boundary), style=dict(color="black", lw=2, label="this strategy")
        ),
        "bars": Custom(1, bar_values, answer=True, create=_bars, draw=_set_bars),
        "pr_curve": Line(
            2,
            lambda s: (s.pr_recall, s.pr_precision),
            style=dict(color=ROLE_COLORS["curve"], lw=1.8, drawstyle="steps-post"),
        ),
        "pr_point": Line(
            2,
            lambda s: ([s.pr_point[0]], [s.pr_point[1]]),
            answer=True,
            style=dict(ls="", marker="o", ms=8, color="white", mec="black", mew=1.8),
        ),
        "base_rate": Line(
            2,
            lambda s: ([0, 1], [s.test_fraction] * 2),
            style=dict(color=GUIDE, lw=1.0, ls=":"),
        ),
    }
    figsize = (10.5, 3.6)

    def layout(self, figure):
        ax_data, ax_bars, ax_pr = figure.subplots(1, 3, width_ratios=(1.25, 1, 1))
        figure.subplots_adjust(left=0.06, right=0.99, bottom=0.15, top=0.84, wspace=0.35)
        ax_bars.set(xlim=(0, 1), ylim=(len(BARS) - 0.5, -0.5), xlabel="on the held-out tumours")
        ax_bars.set_yticks(range(len(BARS)), BARS, fontsize=10)
        ax_bars.tick_params(axis="y", length=0)
        ax_bars.set_title("minority recall against accuracy", fontsize=10)
        ax_pr.set(xlim=(-0.02, 1.02), ylim=(0, 1.04), xlabel="recall", ylabel="precision")
        ax_pr.set_title("precision–recall, held out", fontsize=10)
        return ax_data, ax_bars, ax_pr

    def decorate(self) -> None:
        names = ("points_0", "points_1", "boundary", "plain_boundary")
        self.axes[0].legend(
            handles=[self.artist(n) for n in names], loc="lower left", bbox_to_anchor=(0, 1.0),
            ncol=2, fontsize=10, frameon=False, columnspacing=1.0, handletextpad=0.4,
        )  # fmt: skip

    def draw_frame(self, st) -> None:
        (x0, x1), (y0, y1) = st.bounds
        names = SCATTER_FEATURES
        self.axes[0].set(xlim=(x0, x1), ylim=(y0, y1), xlabel=f"{names[0]} (standardised)")
        self.axes[0].set_ylabel(f"{names[1]} · training tumours", fontsize=10)
        ticks = np.linspace(0, 1, 6)
        self.axes[1].set_xticks(ticks, [f"{100 * t:.0f} %" for t in ticks], fontsize=10)
