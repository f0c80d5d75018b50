"""widgets.metrics against sklearn.metrics, on random, tied and degenerate inputs.

Every metric is computed twice, by our code and by scikit-learn, and compared: exactly where both
do the same arithmetic on the same integers (counts, rates, curves, bins), else within a bound
on the rounding written beside the assertion. Where scikit-learn returns ``nan`` or a made-up
value with a warning (a single class), ours must raise a ValueError instead.
"""

from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pytest
import sklearn.calibration
import sklearn.metrics as skm
from hypothesis import example, given, settings
from hypothesis import strategies as st

from widgets import metrics
from widgets.metrics import (
    LOG_LOSS_EPS,
    average_precision,
    brier_score,
    calibration_bin_counts,
    calibration_bin_edges,
    calibration_curve,
    confusion_matrix,
    log_loss,
    precision_recall_curve,
    precision_recall_f1,
    roc_auc,
    roc_curve,
)

EPS = float(np.finfo(float).eps)
GRID = [0.0, 0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75, 0.8, 1.0]  # ties, and bin edges of 5 and 4 bins


def _labelled(values, *, min_size: int = 1, max_size: int = 60, both: bool = False):
    """(labels, values) of equal length; ``both`` requires a 0 and a 1 among the labels."""

    def build(n):
        pair = st.tuples(
            st.lists(st.integers(0, 1), min_size=n, max_size=n),
            st.lists(values, min_size=n, max_size=n),
        )
        return pair.filter(lambda p: 0 < sum(p[0]) < n) if both else pair

    return st.integers(max(min_size, 2 if both else 1), max_size).flatmap(build)


# random real scores (rarely tied), or scores from a short grid (many ties)
SCORES = st.one_of(st.floats(-20.0, 20.0), st.sampled_from(GRID))
PROBS = st.one_of(st.floats(0.0, 1.0), st.sampled_from(GRID))


def test_docstring_examples_run() -> None:
    result = doctest.testmod(metrics, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 11 and result.failed == 0


# --------------------------------------------------------------------------------------------
# One threshold: exact agreement (the same integer counts and the same divisions)


@settings(max_examples=100, deadline=None)
@given(_labelled(st.integers(0, 1)))
@example(([1], [1]))
@example(([0, 0, 0], [0, 0, 0]))
@example(([1, 1], [0, 0]))
def test_confusion_matrix_matches_sklearn(data) -> None:
    y_true, y_pred = data
    ours = confusion_matrix(y_true, y_pred)
    assert ours.shape == (2, 2) and ours.dtype == np.int64
    np.testing.assert_array_equal(ours, skm.confusion_matrix(y_true, y_pred, labels=[0, 1]))
    assert ours.sum() == len(y_true)


def test_confusion_matrix_layout_and_booleans() -> None:
    y_true = [True, True, True, False, False]
    y_pred = [True, False, True, True, False]
    (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
    assert (tn, fp, fn, tp) == (1, 1, 1, 2)


@pytest.mark.parametrize("zero_division", [0.0, 1.0, math.nan])
@settings(max_examples=100, deadline=None)
@given(data=_labelled(st.integers(0, 1)))
@example(data=([0, 0], [0, 0]))  # no positive at all: all three undefined
@example(data=([1, 0], [0, 0]))  # no positive prediction: precision undefined, F1 = 0
@example(data=([0, 0], [1, 0]))  # no true positive: recall undefined, F1 = 0
@example(data=([1], [1]))
def test_precision_recall_f1_match_sklearn(zero_division: float, data) -> None:
    y_true, y_pred = data
    ours = precision_recall_f1(y_true, y_pred, zero_division=zero_division)
    kw = dict(zero_division=zero_division)
    theirs = (
        skm.precision_score(y_true, y_pred, **kw),
        skm.recall_score(y_true, y_pred, **kw),
        skm.f1_score(y_true, y_pred, **kw),
    )
    np.testing.assert_array_equal(ours, theirs)  # the same integer ratios: equal, nan included
    assert all(isinstance(v, float) for v in ours)


# --------------------------------------------------------------------------------------------
# Every threshold: curves agree exactly, areas within a rounding bound


@pytest.mark.parametrize("drop", [True, False])
@settings(max_examples=100, deadline=None)
@given(data=_labelled(SCORES, both=True))
@example(data=([0, 1], [0.5, 0.5]))  # one tie holding both classes: one diagonal step
@example(data=([0, 1, 0, 1], [1.0, 1.0, 1.0, 1.0]))
@example(data=([1, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4, 0.5]))
def test_roc_curve_matches_sklearn(drop: bool, data) -> None:
    y_true, y_score = data
    ours = roc_curve(y_true, y_score, drop_intermediate=drop)
    theirs = skm.roc_curve(y_true, y_score, drop_intermediate=drop)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)
    fpr, tpr, thresholds = ours
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1 and thresholds[0] == np.inf
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)


@settings(max_examples=100, deadline=None)
@given(_labelled(SCORES, both=True))
@example(([0, 1], [0.5, 0.5]))
@example(([0, 1], [1.0, 0.0]))
@example(([1, 0, 0, 1, 1, 0], [0.2, 0.2, 0.2, 0.6, 0.6, 0.6]))
def test_roc_auc_matches_sklearn_and_counts_pairs(data) -> None:
    y_true, y_score = map(np.asarray, data)
    ours = roc_auc(y_true, y_score)
    # ours is U/(PN) with U exact (a sum of half-integers); scikit-learn sums ≤ n + 1
    # trapezoids, each a product of rates carrying a few roundings of relative size ε
    n = len(y_true)
    assert abs(ours - skm.roc_auc_score(y_true, y_score)) <= 4 * (n + 2) * EPS
    # the probability that a random positive outranks a random negative, ties counting half
    pos, neg = y_score[y_true == 1], y_score[y_true == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    assert ours == wins / (pos.size * neg.size)  # both are one rounding of the same rational


@pytest.mark.parametrize("drop", [False, True])
@settings(max_examples=100, deadline=None)
@given(data=_labelled(SCORES))
@example(data=([1], [0.3]))
@example(data=([1, 1, 1], [0.1, 0.2, 0.3]))  # positives only: precision 1 throughout
@example(data=([0, 1, 1, 0, 1], [0.1, 0.4, 0.4, 0.8, 0.9]))
def test_precision_recall_curve_matches_sklearn(drop: bool, data) -> None:
    y_true, y_score = data
    if not any(y_true):
        with pytest.raises(ValueError, match="at least one positive"):
            precision_recall_curve(y_true, y_score, drop_intermediate=drop)
        return
    ours = precision_recall_curve(y_true, y_score, drop_intermediate=drop)
    theirs = skm.precision_recall_curve(y_true, y_score, drop_intermediate=drop)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)
    precision, recall, thresholds = ours
    assert len(thresholds) == len(precision) - 1 and precision[-1] == 1 and recall[-1] == 0


@settings(max_examples=100, deadline=None)
@given(_labelled(SCORES))
@example(([1], [0.3]))
@example(([1, 1, 1], [0.1, 0.2, 0.3]))
@example(([0, 1], [0.5, 0.5]))
@example(([1, 0, 1, 0], [0.9, 0.9, 0.1, 0.1]))
def test_average_precision_matches_sklearn(data) -> None:
    y_true, y_score = map(np.asarray, data)
    if not y_true.any():
        with pytest.raises(ValueError, match="at least one positive"):
            average_precision(y_true, y_score)
        return
    ours = average_precision(y_true, y_score)
    # the same ≤ n terms in [0, 1] summed in another order, each with a few roundings of size ε
    assert abs(ours - skm.average_precision_score(y_true, y_score)) <= 4 * (len(y_true) + 2) * EPS
    # independently: the mean over the positives of the precision where each one is found
    found_at = [(y_score >= s).sum() for s in y_score[y_true == 1]]
    hits_at = [((y_score >= s) & (y_true == 1)).sum() for s in y_score[y_true == 1]]
    mean = np.mean(np.divide(hits_at, found_at))
    assert abs(ours - mean) <= 4 * (len(y_true) + 2) * EPS


@pytest.mark.parametrize(
    "fn", [roc_curve, roc_auc, precision_recall_curve, average_precision], ids=lambda f: f.__name__
)
def test_ranking_metrics_reject_a_missing_class(fn) -> None:
    # scikit-learn returns nan (roc_curve, roc_auc_score) or sets recall to 1 (precision-recall)
    # with a warning; here the learner is told why the number does not exist
    with pytest.raises(ValueError, match="y_true"):
        fn([0, 0, 0], [0.1, 0.5, 0.9])
    if fn in (roc_curve, roc_auc):
        with pytest.raises(ValueError, match="both classes"):
            fn([1, 1], [0.1, 0.5])


def test_ranking_is_invariant_to_monotone_transforms() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 80)
    z = rng.normal(size=80) + y
    p = 1 / (1 + np.exp(-3 * z))
    assert roc_auc(y, z) == roc_auc(y, p)
    assert average_precision(y, z) == average_precision(y, p)
    np.testing.assert_array_equal(roc_curve(y, z)[:2], roc_curve(y, p)[:2])


# --------------------------------------------------------------------------------------------
# Probabilities


@settings(max_examples=100, deadline=None)
@given(_labelled(PROBS))
@example(([1], [1.0]))
@example(([0, 1], [1.0, 0.0]))  # two certain mistakes: clipped to −log ε each
@example(([1, 1], [0.5, 0.9]))  # one class (scikit-learn needs labels=[0, 1])
@example(([0, 1], [5e-324, 1e-300]))
def test_log_loss_matches_sklearn(data) -> None:
    y_true, y_proba = data
    ours = log_loss(y_true, y_proba)
    theirs = skm.log_loss(y_true, y_proba, labels=[0, 1])
    # per example: the log of a clipped probability, a few roundings of relative size ε on
    # values ≤ −log ε ≈ 36 (scikit-learn also renormalises the two columns [1 − p, p]); the mean
    # over ≤ 60 examples adds at most 60 ε relative: rtol 1e-13 covers both with room
    assert math.isclose(ours, theirs, rel_tol=1e-13, abs_tol=1e-15)


def test_log_loss_clips_a_certain_mistake() -> None:
    assert log_loss([1], [0.0]) == pytest.approx(-math.log(LOG_LOSS_EPS), rel=1e-15)
    assert log_loss([0, 1], [0.0, 1.0]) == pytest.approx(LOG_LOSS_EPS, rel=1e-6)
    assert log_loss([1, 0], [0.5, 0.5]) == pytest.approx(math.log(2), rel=1e-15)


@settings(max_examples=100, deadline=None)
@given(_labelled(PROBS))
@example(([1], [1.0]))
@example(([1, 1], [0.2, 0.7]))
@example(([0, 1], [1.0, 0.0]))
def test_brier_score_matches_sklearn(data) -> None:
    y_true, y_proba = data
    ours = brier_score(y_true, y_proba)
    # a mean of ≤ 60 squares in [0, 1], each with ≤ 2 roundings: ≤ (n + 2) ε relative
    theirs = skm.brier_score_loss(y_true, y_proba)
    assert math.isclose(ours, theirs, rel_tol=(len(y_true) + 2) * EPS, abs_tol=1e-300)
    assert 0.0 <= ours <= 1.0


@pytest.mark.parametrize(
    "n_bins, strategy", [(1, "uniform"), (4, "uniform"), (5, "uniform"), (10, "uniform"),
                         (3, "quantile"), (5, "quantile")]
)  # fmt: skip
@settings(max_examples=100, deadline=None)
@given(data=_labelled(PROBS))
@example(data=([0, 1, 1, 0, 1], [0.0, 0.2, 0.4, 0.6, 1.0]))
@example(data=([0, 1, 1, 0, 1, 1], [0.1, 0.2, 0.2, 0.2, 0.5, 0.9]))
@example(data=([1, 1], [0.25, 0.25]))
@example(data=([0], [0.0]))
def test_calibration_curve_matches_sklearn(n_bins: int, strategy: str, data) -> None:
    y_true, y_prob = data
    ours = calibration_curve(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    theirs = sklearn.calibration.calibration_curve(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)  # the same bins and the same sums
    edges = calibration_bin_edges(y_prob, n_bins=n_bins, strategy=strategy)
    counts = calibration_bin_counts(y_prob, edges)
    assert counts.sum() == len(y_prob) and np.count_nonzero(counts) == len(ours[0])


def test_calibration_bins_are_closed_on_the_right() -> None:
    edges = calibration_bin_edges([0.5], n_bins=4)
    np.testing.assert_array_equal(edges, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(calibration_bin_counts([0.0, 0.25, 0.2500001, 1.0], edges),
                                  [2, 1, 0, 1])  # fmt: skip


# --------------------------------------------------------------------------------------------
# Bad input


ALL = [
    (confusion_matrix, "y_pred", [0, 1]),
    (precision_recall_f1, "y_pred", [0, 1]),
    (roc_curve, "y_score", [0.2, 0.8]),
    (roc_auc, "y_score", [0.2, 0.8]),
    (precision_recall_curve, "y_score", [0.2, 0.8]),
    (average_precision, "y_score", [0.2, 0.8]),
    (log_loss, "y_proba", [0.2, 0.8]),
    (brier_score, "y_proba", [0.2, 0.8]),
    (calibration_curve, "y_prob", [0.2, 0.8]),
]
ALL_IDS = [fn.__name__ for fn, _, _ in ALL]


@pytest.mark.parametrize("fn, second, good", ALL, ids=ALL_IDS)
def test_bad_labels_empty_input_and_lengths_raise(fn, second, good) -> None:
    for bad in ([0, 2], [-1, 1], [0.5, 1]):
        with pytest.raises(ValueError, match=r"y_true must contain only the labels 0 and 1"):
            fn(bad, good)
    with pytest.raises(ValueError, match="y_true must contain only finite"):
        fn([np.nan, 1], good)
    with pytest.raises(ValueError, match="at least one"):
        fn([], [])
    with pytest.raises(ValueError, match=f"y_true and {second} must have the same length"):
        fn([0, 1, 1], good)
    with pytest.raises(TypeError, match="y_true must be an array of real numbers"):
        fn(["benign", "malignant"], good)


@pytest.mark.parametrize("fn, second, good", ALL, ids=ALL_IDS)
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_non_finite_scores_raise(fn, second, good, bad) -> None:
    with pytest.raises(ValueError, match=f"{second} must contain only finite numbers"):
        fn([0, 1], [good[0], bad])


@pytest.mark.parametrize("fn", [log_loss, brier_score, calibration_curve], ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [-0.01, 1.5])
def test_probabilities_outside_the_unit_interval_raise(fn, bad) -> None:
    with pytest.raises(ValueError, match=r"must contain probabilities in \[0, 1\]"):
        fn([0, 1], [0.5, bad])


def test_predicted_labels_are_checked_too() -> None:
    with pytest.raises(ValueError, match="y_pred must contain only the labels 0 and 1"):
        confusion_matrix([0, 1], [0, 2])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: calibration_curve([0, 1], [0.2, 0.8], n_bins=0), ValueError,
         r"n_bins must be an integer in \[1, inf\)"),
        (lambda: calibration_curve([0, 1], [0.2, 0.8], n_bins=2.5), TypeError, "n_bins must be"),
        (lambda: calibration_curve([0, 1], [0.2, 0.8], strategy="kmeans"), ValueError,
         "unknown strategy 'kmeans'"),
        (lambda: precision_recall_f1([0, 1], [0, 1], zero_division=0.5), ValueError,
         "zero_division must be 0.0, 1.0 or nan"),
        (lambda: precision_recall_f1([0, 1], [0, 1], zero_division="warn"), TypeError,
         "zero_division"),
        (lambda: calibration_bin_counts([0.2], [0.5, 0.1]), ValueError, "non-decreasing"),
    ],
)  # fmt: skip
def test_bad_options_raise(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def test_no_warning_on_any_degenerate_input(recwarn) -> None:
    for y_true, y_pred in itertools.product([[0, 0], [1, 1], [0, 1]], repeat=2):
        precision_recall_f1(y_true, y_pred)
        log_loss(y_true, [0.0, 1.0])
        calibration_curve(y_true, [0.0, 1.0], n_bins=3)
    assert not recwarn.list
