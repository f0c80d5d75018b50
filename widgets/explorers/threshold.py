"""Choosing a threshold (lesson 08): one WDBC model's probabilities on the validation tumours; a
threshold θ moves the line ŷ = θ on the scatter, the confusion matrix and the metrics built from
it, and the current point along the ROC and precision–recall curves; a cost ratio c_FN/c_FP marks
the cheapest threshold. The model is :mod:`widgets.models.threshold`."""

from __future__ import annotations

import html
import math

from ..models._classifier import SCATTER_FEATURES
from ..models.threshold import (
    COST_RATIO_RANGE,
    THRESHOLD_RANGE,
    threshold_state,
    threshold_status,
)
from ._artists import Line
from ._controls import LogSlider, Slider
from ._spec import Explorer
from .style import GUIDE, ROLE_COLORS, ROLE_MARKERS

__all__ = ["ThresholdExplorer"]

_NOW = dict(ls="", marker="o", ms=8, color="white", mec="black", mew=1.8)
_BEST = dict(ls="", marker="*", ms=13, color=ROLE_COLORS["best"], mec="black", mew=0.6)


def _points(c: int, name: str) -> Line:
    role = f"class {c}"
    style = dict(
        ls="", marker=ROLE_MARKERS[role], ms=4, color=ROLE_COLORS[role], mec="white", mew=0.4
    )
    return Line(
        0,
        lambda s: (s.data.X[s.data.y == c, 0], s.data.X[s.data.y == c, 1]),
        static=True,
        style=style | dict(label=name),
    )


def _curve(ax: int, xy, **style) -> Line:
    return Line(ax, xy, static=True, style=dict(color=ROLE_COLORS["curve"], lw=1.8, **style))


def _line(points):
    return (points[:, 0], points[:, 1]) if len(points) else ([], [])


def confusion_table(st) -> str:
    """The confusion matrix as an HTML table, with the metrics read from it."""
    (tn, fp), (fn, tp) = st.confusion.tolist()
    precision = "undefined" if math.isnan(st.precision) else f"{st.precision:.2f}"
    pad = "padding:2px 10px;text-align:right"
    head = "".join(
        f"<th scope='col' style='{pad}'>{html.escape(v)}</th>"
        for v in ("true class", "predicted benign", "predicted malignant")
    )
    rows = [
        ("benign (y = 0)", f"TN {tn}", f"FP {fp}"),
        ("malignant (y = 1)", f"FN {fn}", f"TP {tp}"),
    ]
    body = f"<tr>{head}</tr>" + "".join(
        f"<tr><th scope='row' style='{pad}'>{html.escape(r[0])}</th>"
        + "".join(f"<td style='{pad}'>{html.escape(v)}</td>" for v in r[1:])
        + "</tr>"
        for r in rows
    )
    metrics = (
        f"precision {precision} · recall {st.recall:.2f} · F1 {st.f1:.2f} · "
        f"accuracy {st.accuracy:.2f} · cost {st.cost:g}"
    )
    return (
        f"<table aria-label='confusion matrix at θ = {st.threshold:.2f}'>{body}</table>"
        f"<div>{metrics}</div>"
    )


class ThresholdExplorer(Explorer):
    """A threshold θ on ŷ: the decision line on the scatter, the confusion matrix, and the point
    on the ROC and precision–recall curves; the cost ratio marks the cheapest threshold (★).

    Example:
        >>> ex = ThresholdExplorer(threshold=0.3)
        >>> "Threshold 0.30" in ex.last_status.text
        True
    """

    lessons = ("08_judging_a_classifier",)
    controls = {
        "threshold": Slider(
            "threshold θ", 0.5, lo=THRESHOLD_RANGE[0], hi=THRESHOLD_RANGE[1], step=0.01, fmt=".2f"
        ),
        "cost_ratio": LogSlider(
            "cost ratio c_FN/c_FP",
            5.0,
            lo=COST_RATIO_RANGE[0],
            hi=COST_RATIO_RANGE[1],
            steps_per_decade=10,
            fmt=".3g",
        ),
    }
    model = threshold_state
    describe = threshold_status
    artists = {
        "points_0": _points(0, "benign"),
        "points_1": _points(1, "malignant"),
        "roc_curve": _curve(1, lambda s: (s.data.roc_fpr, s.data.roc_tpr)),
        "pr_curve": _curve(
            2, lambda s: (s.data.pr_recall, s.data.pr_precision), drawstyle="steps-post"
        ),
        "best_boundary": Line(
            0,
            lambda s: _line(s.best.boundary),
            answer=True,
            style=dict(color=ROLE_COLORS["best"], lw=2, ls="--", label="cheapest θ"),
        ),
        "boundary": Line(
            0,
            lambda s: _line(s.boundary),
            style=dict(color="black", lw=2, label="ŷ = θ (flag above)"),
        ),
        "roc_best": Line(1, lambda s: tuple([v] for v in s.best.roc_point), answer=True,
                         style=_BEST),
        "roc_point": Line(1, lambda s: tuple([v] for v in s.roc_point), style=_NOW),
        "pr_best": Line(2, lambda s: tuple([v] for v in s.best.pr_point), answer=True,
                        style=_BEST),
        "pr_point": Line(2, lambda s: tuple([v] for v in s.pr_point), style=_NOW),
    }  # fmt: skip
    readouts = {"confusion": confusion_table}
    redraw_on = ()
    figsize = (10.5, 3.6)

    def layout(self, figure):
        ax_data, ax_roc, ax_pr = figure.subplots(1, 3, width_ratios=(1.25, 1, 1))
        figure.subplots_adjust(left=0.06, right=0.99, bottom=0.15, top=0.84, wspace=0.3)
        ax_roc.plot([0, 1], [0, 1], color=GUIDE, lw=1.0, ls=":")
        ax_roc.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel="false positive rate")
        ax_roc.set(ylabel="true positive rate (recall)", title="ROC curve")
        ax_pr.set(xlim=(-0.02, 1.02), ylim=(0.0, 1.04), xlabel="recall", ylabel="precision")
        ax_pr.set_title("precision–recall curve")
        return ax_data, ax_roc, ax_pr

    def decorate(self) -> None:
        names = ("points_0", "points_1", "boundary", "best_boundary")
        self.axes[0].legend(
            handles=[self.artist(n) for n in names], loc="lower left", bbox_to_anchor=(0, 1.0),
            ncol=2, fontsize=10, frameon=False, columnspacing=1.0, handletextpad=0.4,
        )  # fmt: skip

    def draw_frame(self, st) -> None:
        ax_data, ax_roc, ax_pr = self.axes
        (x0, x1), (y0, y1) = st.data.bounds
        names = SCATTER_FEATURES
        ax_data.set(xlim=(x0, x1), ylim=(y0, y1), xlabel=f"{names[0]} (standardised)")
        ax_data.set(ylabel=f"{names[1]} (standardised) · validation tumours")
        ax_roc.set_title(f"ROC curve (AUC {st.data.auc:.3f})")
        ax_pr.set_title(f"precision–recall (AP {st.data.average_precision:.3f})")
        base = float(st.data.y.mean())
        ax_pr.axhline(base, color=GUIDE, lw=1.0, ls=":")
