"""Judging a binary classifier: the confusion matrix, ranking curves and probability scores.

Every function is written out so that a lesson can show how it is computed, and follows
``sklearn.metrics``: the true labels come first, the results have the same shapes, orders and
conventions, so a learner can switch to scikit-learn without surprises. The classes are 0
(negative) and 1 (positive, e.g. malignant); labels may be given as 0/1 numbers or booleans.

What is and is not accepted, the same everywhere:

- labels other than 0 and 1, non-finite scores or probabilities, probabilities outside [0, 1],
  arrays of different lengths and empty arrays raise a ``ValueError`` naming the argument
  (scikit-learn also rejects empty input, in some functions only with an obscure message);
- where a quantity needs both classes and scikit-learn returns ``nan`` or a made-up value with a
  warning (the ROC curve, AUC, the precision–recall curve and average precision with a single
  class in ``y_true``), a ``ValueError`` says why instead: nothing here warns.

Scores are ranked, so any monotone transform of them (logits or probabilities) gives the same
ranking curves; a tie in scores is one threshold, at which all the tied examples change class
together. A prediction is positive when its score is at least the threshold, ``score ≥ t``.

Reference: T. Fawcett, "An introduction to ROC analysis", Pattern Recognition Letters 27 (2006)
861–874; J. Davis, M. Goadrich, "The relationship between precision-recall and ROC curves",
ICML 2006; G. W. Brier, "Verification of forecasts expressed in terms of probability",
Monthly Weather Review 78 (1950) 1–3.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_vector, check_choice, check_int

__all__ = [
    "average_precision",
    "brier_score",
    "calibration_bin_counts",
    "calibration_bin_edges",
    "calibration_curve",
    "confusion_matrix",
    "log_loss",
    "precision_recall_curve",
    "precision_recall_f1",
    "roc_auc",
    "roc_curve",
]

#: log_loss clips probabilities to [ε, 1 − ε] with this ε, as scikit-learn does for float64
LOG_LOSS_EPS = float(np.finfo(np.float64).eps)


# --------------------------------------------------------------------------------------------
# Counting at one threshold


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """The 2×2 table of counts ``[[TN, FP], [FN, TP]]``: rows are true classes, columns predicted.

    Entry ``C[i, j]`` counts the examples of true class i predicted as class j, so
    ``C[1, 1]`` = TP (positives found), ``C[1, 0]`` = FN (positives missed), ``C[0, 1]`` = FP
    (false alarms) and ``C[0, 0]`` = TN. It equals ``sklearn.metrics.confusion_matrix(y_true,
    y_pred, labels=[0, 1])``; it is always 2×2, even when only one class occurs (scikit-learn
    without ``labels`` would then return a 1×1 table).

    Args:
        y_true: true labels in {0, 1}, shape (m,), m ≥ 1.
        y_pred: predicted labels in {0, 1}, shape (m,).

    Returns:
        An integer array of shape (2, 2).

    Raises:
        ValueError: for labels other than 0 and 1, empty input or different lengths.

    Example:
        >>> confusion_matrix([0, 0, 1, 1, 1], [0, 1, 0, 1, 1])
        array([[1, 1],
               [1, 2]])
    """
    y_true, y_pred = _labels("y_true", y_true), _labels("y_pred", y_pred)
    _same_length("y_true", y_true, "y_pred", y_pred)
    # each example adds one to cell (true, predicted): index 2·true + predicted of a flat 4-table
    cells = (2 * y_true + y_pred).astype(np.intp)
    return np.bincount(cells, minlength=4).reshape(2, 2).astype(np.int64)


def precision_recall_f1(
    y_true: ArrayLike, y_pred: ArrayLike, *, zero_division: float = 0.0
) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class 1, from the confusion matrix.

        precision = TP / (TP + FP)    (of the examples flagged positive, the share that are)
        recall    = TP / (TP + FN)    (of the positives, the share flagged; also sensitivity)
        F1        = 2 TP / (2 TP + FP + FN) = harmonic mean of precision and recall.

    When a denominator is 0 (no positive predictions for precision; no positives in ``y_true``
    for recall; neither for F1) the value is ``zero_division``, as in scikit-learn's
    ``precision_score``, ``recall_score`` and ``f1_score`` (whose default ``"warn"`` gives 0.0
    with a warning; here 0.0 comes without one). F1 uses the count form above, like
    scikit-learn ≥ 1.3: it is 0, not ``zero_division``, when precision alone is undefined.

    Args:
        y_true: true labels in {0, 1}, shape (m,), m ≥ 1.
        y_pred: predicted labels in {0, 1}, shape (m,).
        zero_division: 0.0, 1.0 or ``nan``: the value of an undefined ratio.

    Returns:
        ``(precision, recall, f1)`` as floats.

    Raises:
        ValueError: for labels other than 0 and 1, empty input, different lengths or another
            ``zero_division``.

    Example:
        >>> precision_recall_f1([0, 0, 1, 1, 1], [0, 1, 0, 1, 1])
        (0.6666666666666666, 0.6666666666666666, 0.6666666666666666)
    """
    zero = _check_zero_division(zero_division)
    (_, fp), (fn, tp) = confusion_matrix(y_true, y_pred).tolist()
    precision = tp / (tp + fp) if tp + fp else zero
    recall = tp / (tp + fn) if tp + fn else zero
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else zero
    return float(precision), float(recall), float(f1)


# --------------------------------------------------------------------------------------------
# Ranking: every threshold at once


def _counts_at_thresholds(
    y_true: np.ndarray, y_score: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False and true positives when the threshold is each distinct score, highest first.

    Sorting the scores in decreasing order and lowering the threshold past them one at a time,
    every example passed becomes a positive prediction: TP(k) counts the positives among the
    first k, FP(k) = k − TP(k) the negatives. Tied scores cross the threshold together, so only
    the last position of each run of equal scores is kept.

    Returns:
        ``(fps, tps, thresholds)``, float arrays of the same length (the number of distinct
        scores), ``thresholds`` decreasing.
    """
    order = np.argsort(y_score, kind="stable")[::-1]
    score, label = y_score[order], y_true[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(score)), score.size - 1]
    tps = np.cumsum(label)[last_of_tie]
    fps = (last_of_tie + 1) - tps
    return fps, tps, score[last_of_tie]


def roc_curve(
    y_true: ArrayLike, y_score: ArrayLike, *, drop_intermediate: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The receiver operating characteristic: true- against false-positive rate per threshold.

    For each threshold t (each distinct score, from the highest down, after t = +∞ where
    nothing is flagged),

        FPR(t) = FP(t) / N,    TPR(t) = TP(t) / P     (N negatives, P positives),

    so the curve climbs from (0, 0) to (1, 1); a run of tied scores moves it diagonally in one
    step. With ``drop_intermediate`` the points that lie on a straight line between their
    neighbours are dropped (they change neither the picture nor the area), exactly as in
    ``sklearn.metrics.roc_curve``, which this function reproduces value for value.

    Args:
        y_true: true labels in {0, 1}, shape (m,), with both classes present.
        y_score: finite scores (probabilities or logits: only their order matters), shape (m,).
        drop_intermediate: drop collinear points, as scikit-learn does by default.

    Returns:
        ``(fpr, tpr, thresholds)``: increasing rates starting at 0 and ending at 1, and the
        decreasing thresholds, the first being ``inf``.

    Raises:
        ValueError: if ``y_true`` holds a single class (scikit-learn returns ``nan`` rates with
            a warning), and for bad labels, non-finite scores, empty input or different lengths.

    Example:
        >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> fpr.tolist(), tpr.tolist(), thresholds.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0], [inf, 0.8, 0.4, 0.35, 0.1])
    """
    y_true, y_score = _labels_and_scores(y_true, y_score, "y_score")
    _need_both_classes(y_true, "roc_curve")
    fps, tps, thresholds = _counts_at_thresholds(y_true, y_score)
    if drop_intermediate and fps.size > 2:
        # a corner is where the second difference of either count is non-zero
        corner = np.diff(fps, 2).astype(bool) | np.diff(tps, 2).astype(bool)
        keep = np.r_[True, corner, True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds]


def roc_auc(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """Area under the ROC curve: the chance that a random positive outranks a random negative.

    Of the P·N pairs (positive i, negative j), count those with sᵢ > sⱼ, plus half of those
    with sᵢ = sⱼ. With the scores' ranks r (1 for the lowest, ties sharing their mean rank) the
    pairs won by positives sum to the Mann–Whitney statistic

        U = Σ_{i positive} rᵢ − P(P + 1)/2,      AUC = U / (P N),

    which equals the trapezoidal area under :func:`roc_curve` (ties are its diagonal steps),
    i.e. ``sklearn.metrics.roc_auc_score`` up to rounding (U is exact; scikit-learn sums
    trapezoids in floating point).

    Args:
        y_true: true labels in {0, 1}, shape (m,), with both classes present.
        y_score: finite scores, shape (m,).

    Returns:
        The AUC in [0, 1]: 1 ranks every positive first, 0.5 is what random scores get.

    Raises:
        ValueError: if ``y_true`` holds a single class (scikit-learn returns ``nan`` with a
            warning), and for bad labels, non-finite scores, empty input or different lengths.

    Example:
        >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])  # 3 of the 4 pairs are ordered right
        0.75

    Reference: J. A. Hanley, B. J. McNeil, "The meaning and use of the area under a receiver
    operating characteristic (ROC) curve", Radiology 143 (1982) 29–36.
    """
    y_true, y_score = _labels_and_scores(y_true, y_score, "y_score")
    _need_both_classes(y_true, "roc_auc")
    ranks = _mid_ranks(y_score)
    n_pos = float(y_true.sum())
    n_neg = y_true.size - n_pos
    u = ranks[y_true == 1].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def precision_recall_curve(
    y_true: ArrayLike, y_score: ArrayLike, *, drop_intermediate: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision against recall per threshold, in scikit-learn's order and conventions.

    For each distinct score t (a positive prediction is score ≥ t),

        precision(t) = TP(t) / (TP(t) + FP(t)),     recall(t) = TP(t) / P.

    The arrays run from the lowest threshold (everything flagged: recall 1, precision P/m) up,
    and end with the point (recall 0, precision 1), which has no threshold: the thresholds
    array is one shorter. With ``drop_intermediate`` the points between two others of the same
    recall are dropped (they lie on a vertical segment), as ``sklearn.metrics.
    precision_recall_curve(..., drop_intermediate=True)`` does; the results agree value for
    value.

    Args:
        y_true: true labels in {0, 1}, shape (m,), with at least one positive.
        y_score: finite scores, shape (m,).
        drop_intermediate: drop points inside vertical segments.

    Returns:
        ``(precision, recall, thresholds)``: recall decreasing to 0, precision ending at 1,
        thresholds increasing.

    Raises:
        ValueError: if ``y_true`` has no positive (recall is undefined: scikit-learn sets it
            to 1 with a warning), and for bad labels, non-finite scores, empty input or
            different lengths. A ``y_true`` of positives only is fine (precision is 1).

    Example:
        >>> p, r, t = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> p.tolist(), r.tolist(), t.tolist()
        ([0.5, 0.6666666666666666, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.35, 0.4, 0.8])
    """
    y_true, y_score = _labels_and_scores(y_true, y_score, "y_score")
    _need_a_positive(y_true, "precision_recall_curve")
    fps, tps, thresholds = _counts_at_thresholds(y_true, y_score)
    if drop_intermediate and fps.size > 2:
        # keep the first and last point of each run of equal TP (equal recall)
        keep = np.r_[True, (np.diff(tps[:-1]) != 0) | (np.diff(tps[1:]) != 0), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    precision = tps / (tps + fps)  # tps + fps ≥ 1: each threshold flags at least one example
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def average_precision(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """Average precision: precision averaged over the positives, the area under the PR steps.

        AP = Σₖ (Rₖ − Rₖ₋₁) Pₖ,

    over the thresholds from the highest down (R₀ = 0): each step in recall is weighted by the
    precision reached there, without the optimistic linear interpolation of the trapezoidal
    rule. It equals the mean, over the positives, of the precision at the threshold where each
    one is found; ``sklearn.metrics.average_precision_score`` computes the same sum (in another
    order, so the two agree up to rounding).

    Args:
        y_true: true labels in {0, 1}, shape (m,), with at least one positive.
        y_score: finite scores, shape (m,).

    Returns:
        AP in (0, 1]; a random ranking gets about the share of positives P/m.

    Raises:
        ValueError: if ``y_true`` has no positive (scikit-learn returns 0 with a warning),
            and for bad labels, non-finite scores, empty input or different lengths.

    Example:
        >>> average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])  # (1 + 2/3) / 2
        0.8333333333333333
    """
    y_true, y_score = _labels_and_scores(y_true, y_score, "y_score")
    _need_a_positive(y_true, "average_precision")
    fps, tps, _ = _counts_at_thresholds(y_true, y_score)
    precision = tps / (tps + fps)
    recall_step = np.diff(np.r_[0.0, tps]) / tps[-1]
    return float(np.sum(recall_step * precision))


# --------------------------------------------------------------------------------------------
# Probabilities: are they right?


def log_loss(y_true: ArrayLike, y_proba: ArrayLike) -> float:
    """Mean cross-entropy of predicted probabilities p = P(y = 1), in nats.

        log loss = −(1/m) Σᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)],

    the mean negative log-likelihood that logistic regression minimises. As in
    ``sklearn.metrics.log_loss`` the probabilities are first clipped to [ε, 1 − ε] with
    ε = 2.2e-16 (``LOG_LOSS_EPS``), so a confident mistake (p = 0 for a positive) costs
    −log ε ≈ 36.04 rather than ∞. Unlike scikit-learn, a ``y_true`` with one class is accepted:
    the classes are always {0, 1} (scikit-learn wants ``labels=[0, 1]`` for that).

    Args:
        y_true: true labels in {0, 1}, shape (m,), m ≥ 1.
        y_proba: probabilities of class 1 in [0, 1], shape (m,).

    Returns:
        The mean log loss, ≥ 0 (log 2 ≈ 0.693 for p = 0.5 everywhere).

    Raises:
        ValueError: for bad labels, probabilities outside [0, 1] or not finite, empty input or
            different lengths.

    Example:
        >>> round(log_loss([0, 1, 1], [0.2, 0.6, 0.9]), 6)  # −(log 0.8 + log 0.6 + log 0.9)/3
        0.279777
    """
    y_true, p = _labels_and_scores(y_true, y_proba, "y_proba", probability=True)
    p = np.clip(p, LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS)
    # each example contributes the log of the probability given to its true class
    return float(-np.mean(np.where(y_true == 1, np.log(p), np.log1p(-p))))


def brier_score(y_true: ArrayLike, y_proba: ArrayLike) -> float:
    """Mean squared difference between predicted probability and outcome.

        Brier = (1/m) Σᵢ (pᵢ − yᵢ)²,

    0 for certain, correct predictions, 0.25 for p = 0.5 everywhere, 1 for certain, wrong ones.
    It rewards both ranking and calibration, and unlike the log loss it stays bounded for a
    confident mistake. Equal to ``sklearn.metrics.brier_score_loss(y_true, y_proba)``;
    a single class in ``y_true`` is fine.

    Args:
        y_true: true labels in {0, 1}, shape (m,), m ≥ 1.
        y_proba: probabilities of class 1 in [0, 1], shape (m,).

    Returns:
        The Brier score in [0, 1].

    Raises:
        ValueError: for bad labels, probabilities outside [0, 1] or not finite, empty input or
            different lengths.

    Example:
        >>> round(brier_score([0, 1, 1], [0.2, 0.6, 0.9]), 12)  # (0.04 + 0.16 + 0.01) / 3
        0.07
    """
    y_true, p = _labels_and_scores(y_true, y_proba, "y_proba", probability=True)
    return float(np.mean((p - y_true) ** 2))


def calibration_curve(
    y_true: ArrayLike, y_prob: ArrayLike, *, n_bins: int = 5, strategy: str = "uniform"
) -> tuple[np.ndarray, np.ndarray]:
    """The reliability diagram's points: per bin of predicted probability, how often y = 1.

    The interval [0, 1] is cut into ``n_bins`` bins, of equal width (``"uniform"``) or holding
    about equally many predictions (``"quantile"``: the edges are quantiles of ``y_prob``).
    Bins are closed on the right (a prediction on an inner edge belongs to the lower bin; 0
    belongs to the first). For each bin that holds predictions,

        prob_pred = mean predicted probability in the bin,
        prob_true = fraction of its examples with y = 1;

    a calibrated model has prob_true ≈ prob_pred, on the diagonal. Empty bins are left out, so
    the arrays may be shorter than ``n_bins``, exactly as in ``sklearn.calibration.
    calibration_curve``, which this reproduces value for value.

    Args:
        y_true: true labels in {0, 1}, shape (m,), m ≥ 1 (one class is fine).
        y_prob: probabilities of class 1 in [0, 1], shape (m,).
        n_bins: number of bins, an integer ≥ 1.
        strategy: ``"uniform"`` or ``"quantile"``.

    Returns:
        ``(prob_true, prob_pred)``, one entry per non-empty bin in increasing order of the bins.

    Raises:
        ValueError: for bad labels, probabilities outside [0, 1] or not finite, empty input,
            different lengths, ``n_bins`` < 1 or an unknown ``strategy``.

    Example:
        >>> prob_true, prob_pred = calibration_curve([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.8], n_bins=2)
        >>> prob_true.tolist(), prob_pred.tolist()
        ([0.0, 1.0], [0.2, 0.7])
    """
    y_true, p = _labels_and_scores(y_true, y_prob, "y_prob", probability=True)
    edges = calibration_bin_edges(p, n_bins=n_bins, strategy=strategy)
    count, positives, prob_sum = _bin_sums(y_true, p, edges)
    filled = count > 0
    return positives[filled] / count[filled], prob_sum[filled] / count[filled]


def calibration_bin_edges(
    y_prob: ArrayLike, *, n_bins: int = 5, strategy: str = "uniform"
) -> np.ndarray:
    """The ``n_bins + 1`` bin edges that :func:`calibration_curve` uses, from 0 (or the lowest
    probability, for ``"quantile"``) to 1 (or the highest).

    Example:
        >>> calibration_bin_edges([0.2, 0.5], n_bins=4).tolist()
        [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    p = _probabilities("y_prob", y_prob)
    n_bins = check_int("n_bins", n_bins, low=1)
    check_choice("strategy", strategy, ("uniform", "quantile"))
    if strategy == "quantile":
        return np.percentile(p, np.linspace(0.0, 1.0, n_bins + 1) * 100)
    return np.linspace(0.0, 1.0, n_bins + 1)


def calibration_bin_counts(y_prob: ArrayLike, edges: ArrayLike) -> np.ndarray:
    """How many predictions fall in each bin, binned as in :func:`calibration_curve`.

    These are the bars of the score histogram drawn under a reliability diagram.

    Example:
        >>> calibration_bin_counts([0.0, 0.25, 0.3, 1.0], [0.0, 0.25, 0.5, 0.75, 1.0]).tolist()
        [2, 1, 0, 1]
    """
    p = _probabilities("y_prob", y_prob)
    edges = as_vector("edges", edges)
    if edges.size < 2 or np.any(np.diff(edges) < 0):
        raise ValueError(f"edges must be at least 2 non-decreasing bin edges, got {edges}")
    return _bin_sums(np.zeros_like(p), p, edges)[0]


def _bin_sums(
    y_true: np.ndarray, p: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bin: the number of predictions, of positives among them and the sum of p."""
    n_bins = edges.size - 1
    # searchsorted on the inner edges: p ≤ edges[1] gives bin 0, edges[1] < p ≤ edges[2] bin 1…
    bin_id = np.searchsorted(edges[1:-1], p)
    count = np.bincount(bin_id, minlength=n_bins)
    positives = np.bincount(bin_id, weights=y_true, minlength=n_bins)
    prob_sum = np.bincount(bin_id, weights=p, minlength=n_bins)
    return count, positives, prob_sum


# --------------------------------------------------------------------------------------------
# Argument checks


def _labels(name: str, value: ArrayLike) -> np.ndarray:
    """A non-empty 1-D float array holding only 0 and 1 (booleans become 0 and 1)."""
    arr = as_vector(name, value)
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one label, got an empty array")
    bad = np.unique(arr[(arr != 0) & (arr != 1)])
    if bad.size:
        raise ValueError(
            f"{name} must contain only the labels 0 and 1 (negative, positive), got the values "
            f"{bad[:5].tolist()}"
        )
    return arr


def _probabilities(name: str, value: ArrayLike) -> np.ndarray:
    """A non-empty 1-D array of finite numbers in [0, 1]."""
    arr = as_vector(name, value)
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one probability, got an empty array")
    if arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(
            f"{name} must contain probabilities in [0, 1], got values from {arr.min():g} to "
            f"{arr.max():g}"
        )
    return arr


def _labels_and_scores(
    y_true: ArrayLike, scores: ArrayLike, name: str, *, probability: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    labels = _labels("y_true", y_true)
    values = _probabilities(name, scores) if probability else as_vector(name, scores)
    _same_length("y_true", labels, name, values)
    return labels, values


def _same_length(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    if a.size != b.size:
        raise ValueError(
            f"{name_a} and {name_b} must have the same length (one entry per example), got "
            f"{a.size} and {b.size}"
        )


def _need_both_classes(y_true: np.ndarray, what: str) -> None:
    n_pos = int(y_true.sum())
    if n_pos == 0 or n_pos == y_true.size:
        only = "positives (1)" if n_pos else "negatives (0)"
        raise ValueError(
            f"{what} needs both classes in y_true, got only {only}: with a single class one of "
            "the rates it compares is 0/0"
        )


def _need_a_positive(y_true: np.ndarray, what: str) -> None:
    if not y_true.any():
        raise ValueError(
            f"{what} needs at least one positive (1) in y_true, got only negatives: recall "
            "is 0/0 without positives"
        )


def _check_zero_division(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"zero_division must be 0.0, 1.0 or nan, got {value!r}")
    if not (value in (0, 1) or math.isnan(value)):
        raise ValueError(f"zero_division must be 0.0, 1.0 or nan, got {value!r}")
    return float(value)


def _mid_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1…m of ``values`` (1 for the smallest); tied values share the mean of their ranks."""
    _, tie_group, group_size = np.unique(values, return_inverse=True, return_counts=True)
    first_rank = np.cumsum(group_size) - group_size + 1  # rank of the first member of each group
    return (first_rank + (group_size - 1) / 2)[tie_group]
