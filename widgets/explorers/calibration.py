"""Calibration (lesson 08): the reliability diagram and the score histogram of a regularised and
an overfitted WDBC model on the test tumours, before and after Platt scaling or isotonic
regression fitted on the validation tumours; the bin count is a control, the Brier score and the
log loss are readouts. The model is :mod:`widgets.models.calibration`."""

from __future__ import annotations

import numpy as np

from ..models.calibration import (
    BIN_RANGE,
    METHODS,
    MODELS,
    calibration_state,
    calibration_status,
)
from ._artists import Line
from ._controls import Choice, IntSlider
from ._spec import Explorer
from .style import GUIDE, PALETTE

__all__ = ["CalibrationExplorer"]

_AFTER, _BEFORE = PALETTE["blue"], "#777777"


def _histogram(counts_of, color: str, ls: str, ax: int = 1) -> Line:
    def steps(s):
        counts = counts_of(s)
        return s.bin_edges, np.r_[counts, counts[-1]]

    return Line(ax, steps, style=dict(color=color, lw=1.8, ls=ls, drawstyle="steps-post"))


def scores_table(st) -> str:
    """Brier score, log loss and AUC on the test tumours, before and after calibrating."""
    rows = [
        ("", "before", "after"),
        ("Brier score", f"{st.brier_before:.3f}", f"{st.brier:.3f}"),
        ("log loss", f"{st.log_loss_before:.3f}", f"{st.log_loss:.3f}"),
        ("AUC", f"{st.auc_before:.4f}", f"{st.auc:.4f}"),
    ]
    cell = "<td style='padding:2px 10px;text-align:right'>{}</td>"
    body = "".join("<tr>" + "".join(cell.format(v) for v in r) + "</tr>" for r in rows)
    return f"<table aria-label='scores on the test tumours'>{body}</table>"


class CalibrationExplorer(Explorer):
    """Reliability diagram, histogram of predictions and the calibration map, for a model and a
    calibration method; the bin count changes the diagram, not the scores.

    Example:
        >>> ex = CalibrationExplorer(model="overfitted", method="Platt", n_bins=5)
        >>> "Platt-calibrated" in ex.last_status.text
        True
    """

    lessons = ("08_judging_a_classifier",)
    controls = {
        "model": Choice("model", "overfitted", options=tuple(MODELS)),
        "method": Choice("calibration", "Platt", options=METHODS),
        # five bins, as sklearn.calibration.calibration_curve by default
        "n_bins": IntSlider("bins", 5, lo=BIN_RANGE[0], hi=BIN_RANGE[1]),
    }
    model = calibration_state
    describe = calibration_status
    artists = {
        "before": Line(
            0,
            lambda s: (s.prob_pred_before, s.prob_true_before),
            visible=lambda s: s.method != "none",
            style=dict(color=_BEFORE, lw=1.4, ls="--", marker="s", ms=4, label="uncalibrated"),
        ),
        "after": Line(
            0,
            lambda s: (s.prob_pred, s.prob_true),
            answer=True,
            style=dict(color=_AFTER, lw=2, marker="o", ms=5, label="calibrated"),
        ),
        "hist_before": _histogram(lambda s: s.counts_before, _BEFORE, "--"),
        "hist_after": _histogram(lambda s: s.counts, _AFTER, "-"),
        "map": Line(2, lambda s: (s.map_x, s.map_y), answer=True,
                    style=dict(color=_AFTER, lw=2)),
    }  # fmt: skip
    readouts = {"scores": scores_table}
    answers = ("scores",)
    redraw_on = ()
    figsize = (10.5, 4.0)
    columns = 3

    def layout(self, figure):
        axes = figure.subplots(1, 3)
        figure.subplots_adjust(left=0.06, right=0.99, bottom=0.24, top=0.9, wspace=0.3)
        ax_rel, ax_hist, ax_map = axes
        for ax in (ax_rel, ax_map):
            ax.plot([0, 1], [0, 1], color=GUIDE, lw=1.0, ls=":", label="perfectly calibrated")
            ax.set(xlim=(0, 1), ylim=(-0.02, 1.02), aspect="equal")
        ax_rel.set(xlabel="mean prediction in the bin", ylabel="share malignant in the bin")
        ax_rel.set_title("reliability diagram (test)", fontsize=10)
        ax_hist.set(xlim=(0, 1), xlabel="predicted probability", ylabel="test tumours per bin")
        ax_hist.set_title("predictions per bin", fontsize=10)
        ax_map.set(xlabel="uncalibrated probability", ylabel="calibrated probability")
        ax_map.set_title("calibration map (fitted on validation)", fontsize=10)
        return tuple(axes)

    def decorate(self) -> None:
        handles = [self.axes[0].lines[0], self.artist("before"), self.artist("after")]
        self.figure.legend(  # under the panels, off the points
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.06, 0.0),
            ncol=3,
            fontsize=10,
            frameon=False,
        )

    def draw_frame(self, st) -> None:
        self.axes[1].set_ylim(0, 1.04 * st.y.size)  # one bin can hold every test tumour
