"""The threshold explorer's model: one classifier, every threshold, and what each one costs.

A logistic model on two WDBC features (mean radius and mean texture, standardised) is fitted
on the training part of the shared split; the explorer shows its probabilities p on the 115
validation tumours. A threshold θ flags a tumour as malignant when p ≥ θ, which on the scatter
is the line wᵀx + b = logit(θ) (lesson 08's notation: θ, not t, which counts steps). Each
threshold gives a confusion matrix, and from it precision, recall, F1 and accuracy, and one
point on the ROC and precision–recall curves.

With a cost ratio r = c_FN / c_FP (a missed malignancy against a false alarm; the lesson
writes the ratio out, since r is the elastic net's L1 ratio), the cost of a threshold is
r·FN + FP, in units of a false alarm. It is lowest on an interval of
thresholds, found by counting, on these data; for calibrated probabilities, decision theory
puts it at p ≥ 1/(1 + r) (flag when the expected cost of not flagging, r·p, exceeds that of
flagging, 1 − p).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._validate import check_real
from ..metrics import (
    _counts_at_thresholds,
    average_precision,
    precision_recall_curve,
    roc_auc,
    roc_curve,
)
from . import Question, Status
from ._classifier import (
    _frozen,
    boundary_line,
    confusion_at,
    fit_logistic,
    logit,
    plot_bounds,
    probabilities,
    wdbc_split,
)

__all__ = [
    "COST_RATIO_RANGE",
    "THRESHOLD_QUESTIONS",
    "THRESHOLD_RANGE",
    "ThresholdState",
    "threshold_state",
    "threshold_status",
]

#: the valid thresholds on the probability p = σ(w·x + b)
THRESHOLD_RANGE = (0.0, 1.0)
#: the valid cost ratios r = cost(false negative) / cost(false positive)
COST_RATIO_RANGE = (0.1, 20.0)


@dataclass(frozen=True, eq=False)
class ThresholdData:
    """What does not depend on the controls: the fit, the validation scores and their curves."""

    params: np.ndarray
    X: np.ndarray
    y: np.ndarray
    proba: np.ndarray
    bounds: tuple[tuple[float, float], ...]
    roc_fpr: np.ndarray
    roc_tpr: np.ndarray
    pr_precision: np.ndarray
    pr_recall: np.ndarray
    auc: float
    average_precision: float
    # the cost table: candidate k flags the k highest distinct scores (k = 0: nothing)
    cand_fn: np.ndarray
    cand_fp: np.ndarray
    cand_lo: np.ndarray  # thresholds in (lo, hi] give candidate k's predictions
    cand_hi: np.ndarray


@functools.cache
def threshold_data() -> ThresholdData:
    """The fit on the training part and everything derived from the validation scores."""
    split = wdbc_split()
    params = fit_logistic(split.X_train, split.y_train, l2=0.0)
    X, y = split.X_val, split.y_val
    p = probabilities(X, params)
    fpr, tpr, _ = roc_curve(y, p)
    precision, recall, _ = precision_recall_curve(y, p)
    fps, tps, scores = _counts_at_thresholds(y, p)
    n_pos = float(y.sum())
    return ThresholdData(
        params=params,
        X=X,
        y=y,
        proba=_frozen(p),
        bounds=plot_bounds(X),
        roc_fpr=_frozen(fpr),
        roc_tpr=_frozen(tpr),
        pr_precision=_frozen(precision),
        pr_recall=_frozen(recall),
        auc=roc_auc(y, p),
        average_precision=average_precision(y, p),
        cand_fn=_frozen(n_pos - np.r_[0.0, tps]),
        cand_fp=_frozen(np.r_[0.0, fps]),
        cand_lo=_frozen(np.r_[scores, 0.0]),
        cand_hi=_frozen(np.r_[1.0, scores]),
    )


@dataclass(frozen=True, eq=False)
class ThresholdState:
    """Everything the threshold explorer shows for one threshold and one cost ratio.

    Attributes:
        threshold, cost_ratio: the controls.
        data: what no control changes (:class:`ThresholdData`): the validation tumours ``X``
            (two standardised features), labels ``y`` and probabilities ``proba``, the model
            ``params`` (w₁, w₂, b), the scatter's ``bounds``, the whole ROC and precision–recall
            curves (``roc_fpr``, ``roc_tpr``, ``pr_precision``, ``pr_recall``), ``auc`` and
            ``average_precision``.
        boundary: two end points of the line p = threshold on the scatter, shape (2, 2), or
            (0, 2) at threshold 0 or 1, where every or no tumour is flagged.
        confusion: ``[[TN, FP], [FN, TP]]``.
        precision: TP/(TP + FP), ``nan`` when nothing is flagged; recall, f1, accuracy.
        roc_point: (FPR, TPR) now; ``pr_point``: (recall, precision), (0, 1) when nothing is
            flagged (the curve's end point).
        cost: r·FN + FP at this threshold, in units of a false alarm.
        best_cost: the lowest cost any threshold reaches on these data.
        best_interval: the thresholds (lo, hi] reaching it (of several, the nearest the Bayes
            threshold); ``best_threshold``: its midpoint.
        bayes_threshold: 1/(1 + r), the cost-minimising threshold for calibrated probabilities.
    """

    threshold: float
    cost_ratio: float
    data: ThresholdData
    boundary: np.ndarray
    confusion: np.ndarray
    precision: float
    recall: float
    f1: float
    accuracy: float
    roc_point: tuple[float, float]
    pr_point: tuple[float, float]
    cost: float
    best_cost: float
    best_interval: tuple[float, float]
    best_threshold: float
    bayes_threshold: float

    @property
    def at_best_cost(self) -> bool:
        """Whether this threshold reaches the lowest cost."""
        return self.cost == self.best_cost

    @functools.cached_property
    def best(self) -> ThresholdState:
        """The state at ``best_threshold`` (same cost ratio): its boundary and curve points mark
        the cheapest threshold beside the current one."""
        if self.threshold == self.best_threshold:
            return self
        return threshold_state(threshold=self.best_threshold, cost_ratio=self.cost_ratio)


def threshold_state(threshold: float = 0.5, cost_ratio: float = 5.0) -> ThresholdState:
    """The explorer's state for a threshold on p and a cost ratio r = cost(FN)/cost(FP).

    Args:
        threshold: θ in [0, 1]; a tumour is flagged malignant when p ≥ θ.
        cost_ratio: r in [0.1, 20].

    Returns:
        A :class:`ThresholdState`.

    Example:
        >>> st = threshold_state(threshold=0.5, cost_ratio=5.0)
        >>> int(st.confusion.sum()) == len(st.data.y), 0 < st.best_threshold < 0.5
        (True, True)
    """
    t = check_real("threshold", threshold, low=THRESHOLD_RANGE[0], high=THRESHOLD_RANGE[1])
    r = check_real("cost_ratio", cost_ratio, low=COST_RATIO_RANGE[0], high=COST_RATIO_RANGE[1])
    d = threshold_data()
    confusion = confusion_at(d.y, d.proba >= t)
    (tn, fp), (fn, tp) = confusion.tolist()
    precision = tp / (tp + fp) if tp + fp else math.nan
    recall = tp / (tp + fn)
    # the best candidates; of several, the one whose interval is nearest 1/(1 + r)
    costs = r * d.cand_fn + d.cand_fp
    best = costs.min()
    bayes = 1.0 / (1.0 + r)
    gap = np.maximum(np.maximum(d.cand_lo - bayes, bayes - d.cand_hi), 0.0)
    k = int(np.argmin(np.where(costs == best, gap, np.inf)))
    lo, hi = float(d.cand_lo[k]), float(d.cand_hi[k])
    return ThresholdState(
        threshold=t,
        cost_ratio=r,
        data=d,
        boundary=boundary_line(d.params, logit(t), d.bounds),
        confusion=confusion,
        precision=precision,
        recall=recall,
        f1=2 * tp / (2 * tp + fp + fn),
        accuracy=(tp + tn) / d.y.size,
        roc_point=(fp / (fp + tn), recall),
        pr_point=(recall, precision if tp + fp else 1.0),
        cost=r * fn + fp,
        best_cost=float(best),
        best_interval=(lo, hi),
        best_threshold=(lo + hi) / 2,
        bayes_threshold=bayes,
    )


def threshold_status(st: ThresholdState) -> Status:
    """The status line: what this threshold catches and misses, and what it costs."""
    (tn, fp), (fn, tp) = st.confusion.tolist()
    precision = "undefined (nothing flagged)" if math.isnan(st.precision) else _f(st.precision)
    text = (
        f"Threshold {st.threshold:.2f}: {tp} of {tp + fn} malignant tumours found (recall "
        f"{_f(st.recall)}), {fn} missed; {fp} of {tn + fp} benign flagged; precision "
        f"{precision}, F1 {_f(st.f1)}, accuracy {_f(st.accuracy)}. Cost with a miss "
        f"{st.cost_ratio:g}× a false alarm: {st.cost:g}"
    )
    if st.at_best_cost:
        return Status(text + ", the lowest any threshold reaches.", "ok")
    return Status(
        text + f"; the lowest, {st.best_cost:g}, at thresholds {st.best_interval[0]:.2f}–"
        f"{st.best_interval[1]:.2f}.",
        "info",
    )


def missed_answer(st: ThresholdState) -> tuple[float, str]:
    """How many malignant tumours this threshold misses (false negatives)."""
    (_, _), (fn, tp) = st.confusion.tolist()
    return float(fn), (
        f"of the {tp + fn} malignant tumours, {tp} have p ≥ {st.threshold:.2f} and are flagged; "
        f"the other {fn} are false negatives"
    )


def cheapest_side_answer(st: ThresholdState) -> tuple[str, str]:
    """Whether the cost-minimising threshold lies below or above 0.5."""
    side = "below 0.5" if st.best_threshold < 0.5 else "above 0.5"
    return side, (
        f"with a miss costing {st.cost_ratio:g} false alarms, the cost {st.cost_ratio:g}·FN + FP "
        f"is lowest ({st.best_cost:g}) for thresholds {st.best_interval[0]:.2f}–"
        f"{st.best_interval[1]:.2f}; for calibrated probabilities the rule is ŷ ≥ θ* = "
        f"1/(1 + c_FN/c_FP) = {st.bayes_threshold:.2f}: "
        "the dearer a miss, the lower the threshold"
    )


def flag_everything_answer(st: ThresholdState) -> tuple[float, str]:
    """The precision at threshold 0, where every tumour is flagged: the share of malignant."""
    n_pos, m = int(st.data.y.sum()), st.data.y.size
    return n_pos / m, (
        f"flagging all {m} tumours finds every malignant one (recall 1) but only {n_pos} of the "
        f"{m} flagged are malignant: precision = {n_pos}/{m} = {n_pos / m:.2f}, the base rate"
    )


THRESHOLD_QUESTIONS = (
    Question("At this threshold, how many malignant tumours are missed?", missed_answer,
             rel_tol=0.0),
    Question("With this cost ratio, is the cheapest threshold below or above 0.5?",
             cheapest_side_answer, choices=("below 0.5", "above 0.5")),
    Question("At threshold 0 every tumour is flagged. What is the precision then?",
             flag_everything_answer, rel_tol=0.02),
)  # fmt: skip


def _f(value: float) -> str:
    return f"{value:.2f}"
