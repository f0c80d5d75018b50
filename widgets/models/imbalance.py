"""The imbalance explorer's model: make malignant tumours rare, then try to find them anyway.

From the shared WDBC split (two features, standardised), malignant tumours are subsampled with a
fixed seed until they are a given fraction of the training part and, separately, of the
held-out tumours (validation and test together), which play the part of the population the
model is used on. Four strategies fit a logistic model on the training part:

- ``"none"``: the plain maximum-likelihood fit, flagging p ≥ 0.5;
- ``"class weights"``: the weighted likelihood with scikit-learn's "balanced" weights
  m / (2 m_c), so both classes weigh the same in total;
- ``"oversampling"``: the plain fit on the training part with malignant tumours copied (drawn
  with replacement) until the classes are equal: a random version of the same weighting;
- ``"threshold moving"``: the plain fit, flagging p ≥ π, the training share of malignant
  tumours. Weighting the classes by 1/π and 1/(1 − π) multiplies the fitted odds by
  (1 − π)/π, so its rule p_w ≥ ½ is, for a well-specified model, p ≥ π: the two agree.

Accuracy rewards ignoring the minority: with 5 % malignant, calling everything benign scores
95 %; minority recall and the precision–recall curve show what is lost.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_real
from ..data import balanced_sample_weight
from ..metrics import average_precision, precision_recall_curve
from ..sampling import random_oversample, subsample_to_fraction
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
    "FRACTION_RANGE",
    "IMBALANCE_QUESTIONS",
    "STRATEGIES",
    "ImbalanceState",
    "imbalance_state",
    "imbalance_status",
]

STRATEGIES = ("none", "class weights", "oversampling", "threshold moving")
#: the valid minority fractions: from a handful of malignant tumours to WDBC's own share
FRACTION_RANGE = (0.02, 0.37)
#: a light penalty keeps every fit finite, even with four malignant tumours in training
L2 = 1e-3
#: the seeds of the subsampling (training, held-out) and of the oversampling draws
SUBSAMPLE_SEEDS = (11, 12)
OVERSAMPLE_SEED = 13


@dataclass(frozen=True, eq=False)
class _Fit:
    params: np.ndarray
    threshold: float
    train_weight: np.ndarray  # each training example's weight (or number of copies)
    proba: np.ndarray  # on the held-out tumours
    pr_precision: np.ndarray  # and the precision–recall curve there
    pr_recall: np.ndarray
    average_precision: float


@dataclass(frozen=True, eq=False)
class _Subsample:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _heldout() -> tuple[np.ndarray, np.ndarray]:
    split = wdbc_split()
    return np.vstack([split.X_val, split.X_test]), np.r_[split.y_val, split.y_test]


@functools.lru_cache(maxsize=128)
def _subsample(fraction: float) -> _Subsample:
    """The training and held-out tumours with malignant ones subsampled to ``fraction``."""
    split = wdbc_split()
    X_held, y_held = _heldout()
    keep_train = subsample_to_fraction(split.y_train, fraction, rng=SUBSAMPLE_SEEDS[0])
    keep_test = subsample_to_fraction(y_held, fraction, rng=SUBSAMPLE_SEEDS[1])
    return _Subsample(
        _frozen(split.X_train[keep_train]),
        _frozen(split.y_train[keep_train]),
        _frozen(X_held[keep_test]),
        _frozen(y_held[keep_test]),
    )


@functools.lru_cache(maxsize=512)
def _strategy_fit(fraction: float, strategy: str) -> _Fit:
    """One strategy's fit on the subsampled training tumours (cached: fitted at first use)."""
    sub = _subsample(fraction)
    X, y = sub.X_train, sub.y_train
    threshold, weight = 0.5, np.ones(y.size)
    if strategy == "class weights":
        weight = balanced_sample_weight(y)
        params = fit_logistic(X, y, l2=L2, sample_weight=weight)
    elif strategy == "oversampling":
        copies = random_oversample(y, rng=OVERSAMPLE_SEED)
        params = fit_logistic(X[copies], y[copies], l2=L2)
        weight = np.bincount(copies, minlength=y.size).astype(float)
    elif strategy == "none":
        params = fit_logistic(X, y, l2=L2)
    else:  # threshold moving: the plain fit, flagging p ≥ π
        params = _strategy_fit(fraction, "none").params
        threshold = float(y.mean())
    p = probabilities(sub.X_test, params)
    precision, recall, _ = precision_recall_curve(sub.y_test, p)
    ap = average_precision(sub.y_test, p)
    return _Fit(params, threshold, _frozen(weight), _frozen(p), _frozen(precision),
                _frozen(recall), ap)  # fmt: skip


@dataclass(frozen=True, eq=False)
class ImbalanceState:
    """Everything the imbalance explorer shows for one minority fraction and one strategy.

    Attributes:
        minority_fraction, strategy: the controls.
        train_fraction, test_fraction: the malignant shares actually reached (counts round).
        X_train, y_train: the subsampled training tumours; ``train_weight``: each one's weight
            in the fit (balanced weights, number of copies when oversampling, else 1).
        X_test, y_test: the subsampled held-out tumours the numbers below are measured on.
        params: (w₁, w₂, b); ``threshold``: flag when p ≥ threshold.
        boundary: end points of the decision line, shape (2, 2); ``plain_boundary``: that of
            the plain fit at p = 0.5, for comparison; ``bounds``: the axis limits.
        confusion: ``[[TN, FP], [FN, TP]]`` on the held-out tumours.
        minority_recall: TP / (TP + FN); precision (``nan`` when nothing is flagged), f1.
        accuracy: (TP + TN) / m; ``majority_accuracy``: that of calling every tumour benign.
        pr_precision, pr_recall, average_precision: the strategy's precision–recall curve;
        pr_point: (recall, precision) at the threshold, (0, 1) when nothing is flagged.
        plain_recall, plain_accuracy: minority recall and accuracy with no strategy.
    """

    minority_fraction: float
    strategy: str
    train_fraction: float
    test_fraction: float
    X_train: np.ndarray
    y_train: np.ndarray
    train_weight: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    params: np.ndarray
    threshold: float
    boundary: np.ndarray
    plain_boundary: np.ndarray
    bounds: tuple[tuple[float, float], ...]
    confusion: np.ndarray
    minority_recall: float
    precision: float
    f1: float
    accuracy: float
    majority_accuracy: float
    pr_precision: np.ndarray
    pr_recall: np.ndarray
    average_precision: float
    pr_point: tuple[float, float]
    plain_recall: float
    plain_accuracy: float


@functools.cache
def _bounds() -> tuple[tuple[float, float], ...]:
    split = wdbc_split()
    return plot_bounds(split.X_train, _heldout()[0])


def imbalance_state(minority_fraction: float = 0.05, strategy: str = "none") -> ImbalanceState:
    """The explorer's state for a malignant share and a strategy.

    Args:
        minority_fraction: the share of malignant tumours, in [0.02, 0.37], in training and in
            the held-out tumours alike; it is rounded to 3 decimals (slider steps are coarser),
            so nearby values share one cached fit.
        strategy: one of ``STRATEGIES``.

    Returns:
        An :class:`ImbalanceState`.

    Example:
        >>> st = imbalance_state(minority_fraction=0.05, strategy="none")
        >>> round(st.majority_accuracy, 2), st.accuracy >= 0.9
        (0.95, True)
    """
    f = check_real("minority_fraction", minority_fraction, low=FRACTION_RANGE[0],
                   high=FRACTION_RANGE[1])  # fmt: skip
    check_choice("strategy", strategy, STRATEGIES)
    key = round(f, 3)
    sub, fit, plain = _subsample(key), _strategy_fit(key, strategy), _strategy_fit(key, "none")
    y = sub.y_test
    cm = confusion_at(y, fit.proba >= fit.threshold)
    plain_cm = confusion_at(y, plain.proba >= plain.threshold)
    (tn, fp), (fn, tp) = cm.tolist()
    bounds = _bounds()
    return ImbalanceState(
        minority_fraction=f,
        strategy=strategy,
        train_fraction=float(sub.y_train.mean()),
        test_fraction=float(y.mean()),
        X_train=sub.X_train,
        y_train=sub.y_train,
        train_weight=fit.train_weight,
        X_test=sub.X_test,
        y_test=y,
        params=fit.params,
        threshold=fit.threshold,
        boundary=boundary_line(fit.params, logit(fit.threshold), bounds),
        plain_boundary=boundary_line(plain.params, 0.0, bounds),
        bounds=bounds,
        confusion=cm,
        minority_recall=tp / (tp + fn),
        precision=tp / (tp + fp) if tp + fp else math.nan,
        f1=2 * tp / (2 * tp + fp + fn),
        accuracy=(tp + tn) / y.size,
        majority_accuracy=(tn + fp) / y.size,
        pr_precision=fit.pr_precision,
        pr_recall=fit.pr_recall,
        average_precision=fit.average_precision,
        pr_point=(tp / (tp + fn), tp / (tp + fp) if tp + fp else 1.0),
        plain_recall=plain_cm[1, 1] / plain_cm[1].sum(),
        plain_accuracy=np.trace(plain_cm) / y.size,
    )


def imbalance_status(st: ImbalanceState) -> Status:
    """The status line: how rare the minority is, what this strategy finds, the paradox."""
    (_, _), (fn, tp) = st.confusion.tolist()
    m = st.y_test.size
    text = (
        f"{_pct(st.train_fraction)} malignant in training, {_pct(st.test_fraction)} of the {m} "
        f"held-out tumours. {st.strategy.capitalize()}: {tp} of {tp + fn} malignant found "
        f"(minority recall {st.minority_recall:.2f}), accuracy {_pct(st.accuracy)}; calling "
        f"every tumour benign would score {_pct(st.majority_accuracy)}."
    )
    # "ok" once at least half the malignant tumours are found, whatever the accuracy says
    return Status(text, "ok" if st.minority_recall >= 0.5 else "info")


def majority_accuracy_answer(st: ImbalanceState) -> tuple[float, str]:
    """The accuracy of calling every tumour benign: the benign share."""
    m, n_pos = st.y_test.size, int(st.y_test.sum())
    return st.majority_accuracy, (
        f"{m - n_pos} of the {m} held-out tumours are benign, so answering 'benign' every time "
        f"is right {_pct(st.majority_accuracy)} of the time and finds none of the {n_pos} "
        "malignant ones: accuracy says little when one class is rare"
    )


def plain_recall_answer(st: ImbalanceState) -> tuple[str, str]:
    """Whether the plain fit at p ≥ 0.5 finds more than half the malignant tumours."""
    recall = st.plain_recall
    answer = "above 0.5" if recall > 0.5 else "0.5 or below"
    return answer, (
        f"with no strategy the minority recall is {recall:.2f} at this fraction: the fit "
        "maximises the likelihood of a sample that is mostly benign, so its probabilities of "
        "malignancy are low and few reach 0.5"
    )


def strategy_gain_answer(st: ImbalanceState) -> tuple[str, str]:
    """Whether this strategy finds more, as many or fewer malignant tumours than none."""
    ours, plain = st.minority_recall, st.plain_recall
    answer = "more" if ours > plain else "fewer" if ours < plain else "as many"
    return answer, (
        f"minority recall {ours:.2f} with {st.strategy} against {plain:.2f} with none; "
        f"accuracy {_pct(st.accuracy)} against {_pct(st.plain_accuracy)}: "
        "finding more of the rare class costs false alarms, which accuracy counts the same"
    )


IMBALANCE_QUESTIONS = (
    Question("What accuracy does a model get here that calls every tumour benign?",
             majority_accuracy_answer, rel_tol=0.01),
    Question("With no strategy, is the minority recall above 0.5?", plain_recall_answer,
             choices=("above 0.5", "0.5 or below")),
    Question("Will this strategy find more malignant tumours than no strategy?",
             strategy_gain_answer, choices=("more", "as many", "fewer")),
)  # fmt: skip


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"
