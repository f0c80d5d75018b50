"""widgets.models.threshold: every readout recomputed independently (scikit-learn, brute force)."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from widgets.models import Question, Status, threshold
from widgets.models._classifier import SPLIT_SEED, wdbc_split
from widgets.models.threshold import (
    THRESHOLD_QUESTIONS,
    threshold_data,
    threshold_state,
    threshold_status,
)
from widgets.objectives import LogisticLoss

THRESHOLDS = st.floats(0.0, 1.0)
RATIOS = st.floats(0.1, 20.0)


def test_docstring_example_runs() -> None:
    result = doctest.testmod(threshold, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 and result.failed == 0


def test_model_is_the_maximum_likelihood_fit_on_the_training_part() -> None:
    split = wdbc_split()
    assert split.X_train.shape == (341, 2) and split.X_val.shape == (115, 2) and SPLIT_SEED == 8
    # standardised by the training part's statistics only
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0, atol=1e-14)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1, rtol=1e-13)
    assert np.abs(split.X_val.mean(axis=0)).max() > 1e-3
    d = threshold_data()
    lr = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(split.X_train, split.y_train)
    theirs = np.r_[lr.coef_[0], lr.intercept_]
    loss = LogisticLoss(split.X_train, split.y_train)
    # lbfgs stops near the optimum: ‖θ − θ*‖ ≤ 2‖∇f(θ)‖/μ for the strongly convex loss
    mu = np.linalg.eigvalsh(loss.hessian(d.params))[0]
    assert np.linalg.norm(d.params - theirs) <= 2 * np.linalg.norm(loss.grad(theirs)) / mu + 1e-12
    np.testing.assert_allclose(d.proba, lr.predict_proba(split.X_val)[:, 1], atol=1e-6)


@settings(max_examples=150, deadline=None)
@given(t=THRESHOLDS, r=RATIOS)
@example(t=0.0, r=1.0)
@example(t=1.0, r=1.0)
@example(t=0.5, r=5.0)
def test_readouts_match_sklearn(t: float, r: float) -> None:
    s = threshold_state(threshold=t, cost_ratio=r)
    y, p = s.data.y, s.data.proba
    y_pred = (p >= t).astype(int)
    np.testing.assert_array_equal(s.confusion, skm.confusion_matrix(y, y_pred, labels=[0, 1]))
    assert s.recall == skm.recall_score(y, y_pred)
    assert s.f1 == skm.f1_score(y, y_pred, zero_division=0.0)
    assert s.accuracy == skm.accuracy_score(y, y_pred)
    np.testing.assert_equal(s.precision, skm.precision_score(y, y_pred, zero_division=np.nan))
    # the current points lie on the curves (scikit-learn's, with every threshold kept)
    fpr, tpr, _ = skm.roc_curve(y, p, drop_intermediate=False)
    assert any(s.roc_point == (a, b) for a, b in zip(fpr, tpr, strict=True))
    precision, recall, _ = skm.precision_recall_curve(y, p)
    assert any(s.pr_point == (a, b) for a, b in zip(recall, precision, strict=True))
    (_, fp), (fn, _) = s.confusion
    assert s.cost == r * fn + fp


def test_curves_and_areas_match_sklearn() -> None:
    s = threshold_state()
    fpr, tpr, _ = skm.roc_curve(s.data.y, s.data.proba)
    np.testing.assert_array_equal(s.data.roc_fpr, fpr)
    np.testing.assert_array_equal(s.data.roc_tpr, tpr)
    precision, recall, _ = skm.precision_recall_curve(s.data.y, s.data.proba)
    np.testing.assert_array_equal(s.data.pr_precision, precision)
    np.testing.assert_array_equal(s.data.pr_recall, recall)
    eps, y, p = np.finfo(float).eps, s.data.y, s.data.proba
    assert abs(s.data.auc - skm.roc_auc_score(y, p)) <= 4 * (len(y) + 2) * eps
    assert (
        abs(s.data.average_precision - skm.average_precision_score(y, p)) <= 4 * (len(y) + 2) * eps
    )


@settings(max_examples=100, deadline=None)
@given(r=RATIOS)
@example(r=0.1)
@example(r=1.0)
@example(r=20.0)
def test_cheapest_threshold_is_found_by_brute_force(r: float) -> None:
    s = threshold_state(threshold=0.5, cost_ratio=r)
    # every threshold that changes a prediction, and points between and beyond them
    y, p = s.data.y, s.data.proba
    scores = np.unique(p)
    candidates = np.r_[0.0, scores, (scores[:-1] + scores[1:]) / 2, 1.0]
    costs = [r * np.sum((p < t) & (y == 1)) + np.sum((p >= t) & (y == 0)) for t in candidates]
    assert s.best_cost == pytest.approx(min(costs), rel=1e-12)
    best = threshold_state(threshold=s.best_threshold, cost_ratio=r)
    assert best.at_best_cost and best.cost == pytest.approx(s.best_cost, rel=1e-12)
    lo, hi = s.best_interval
    assert lo < s.best_threshold < hi
    for t in (lo + 1e-9 * (hi - lo), hi):  # the interval is (lo, hi]
        assert threshold_state(threshold=t, cost_ratio=r).cost == pytest.approx(s.best_cost)
    assert s.bayes_threshold == 1 / (1 + r)


def test_dearer_misses_lower_the_cheapest_threshold() -> None:
    best = [threshold_state(cost_ratio=r).best_threshold for r in (0.2, 1.0, 5.0, 20.0)]
    assert best == sorted(best, reverse=True) and best[0] > 0.5 > best[-1]
    # the fitted model is close to calibrated: counted optimum near 1/(1 + r) (measured 0.02)
    assert abs(threshold_state(cost_ratio=5.0).best_threshold - 1 / 6) < 0.05


@settings(max_examples=60, deadline=None)
@given(a=THRESHOLDS, b=THRESHOLDS)
def test_recall_falls_and_fewer_are_flagged_as_the_threshold_rises(a: float, b: float) -> None:
    lo, hi = threshold_state(threshold=min(a, b)), threshold_state(threshold=max(a, b))
    assert hi.recall <= lo.recall and hi.confusion[:, 1].sum() <= lo.confusion[:, 1].sum()
    assert hi.roc_point[0] <= lo.roc_point[0]


@pytest.mark.parametrize("t", [0.1, 0.5, 0.8])
def test_boundary_is_the_line_where_p_equals_the_threshold(t: float) -> None:
    s = threshold_state(threshold=t)
    w, b = s.data.params[:2], s.data.params[2]
    np.testing.assert_allclose(s.boundary @ w + b, math.log(t / (1 - t)), atol=1e-12)
    (x_lo, x_hi), (y_lo, y_hi) = s.data.bounds
    assert x_lo <= s.data.X[:, 0].min() and s.data.X[:, 0].max() <= x_hi
    assert y_lo <= s.data.X[:, 1].min() and s.data.X[:, 1].max() <= y_hi
    # long enough to cross the whole plot: both ends outside the box
    for x, y in s.boundary:
        assert not (x_lo < x < x_hi and y_lo < y < y_hi)
    # flagged points lie on the side the normal w points to
    side = (s.data.X - s.boundary[0]) @ w
    np.testing.assert_array_equal(side >= -1e-12, s.data.proba >= t)


def test_extreme_thresholds_flag_everything_or_nothing() -> None:
    everything, nothing = threshold_state(threshold=0.0), threshold_state(threshold=1.0)
    assert everything.recall == 1 and everything.roc_point == (1.0, 1.0)
    assert everything.precision == pytest.approx(everything.data.y.mean())
    assert math.isnan(nothing.precision) and nothing.pr_point == (0.0, 1.0)
    assert everything.boundary.shape == nothing.boundary.shape == (0, 2)
    assert "undefined" in threshold_status(nothing).text


def test_status_and_questions() -> None:
    s = threshold_state(threshold=0.5, cost_ratio=5.0)
    status = threshold_status(s)
    assert isinstance(status, Status) and status.kind == "info"
    fn, tp = s.confusion[1]
    assert f"{tp} of {tp + fn} malignant tumours found" in status.text
    assert f"{fn} missed" in status.text
    cheapest = threshold_state(threshold=s.best_threshold, cost_ratio=5.0)
    assert threshold_status(cheapest).kind == "ok"
    assert all(isinstance(q, Question) for q in THRESHOLD_QUESTIONS)
    missed, why = THRESHOLD_QUESTIONS[0].answer(s)
    assert missed == fn and str(fn) in why
    assert THRESHOLD_QUESTIONS[0].grade(float(fn), missed)
    assert not THRESHOLD_QUESTIONS[0].grade(float(fn + 1), missed)
    assert THRESHOLD_QUESTIONS[1].answer(s)[0] == "below 0.5"
    assert THRESHOLD_QUESTIONS[1].answer(threshold_state(cost_ratio=0.2))[0] == "above 0.5"
    share, _ = THRESHOLD_QUESTIONS[2].answer(s)
    assert share == threshold_state(threshold=0.0).precision


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(threshold=-0.01), ValueError, r"threshold must be in \[0, 1\]"),
        (dict(threshold=1.5), ValueError, r"threshold must be in \[0, 1\]"),
        (dict(threshold=float("nan")), ValueError, "threshold must be a finite number"),
        (dict(threshold="0.5"), TypeError, "threshold must be a real number"),
        (dict(cost_ratio=0.0), ValueError, r"cost_ratio must be in \[0.1, 20\]"),
        (dict(cost_ratio=50.0), ValueError, r"cost_ratio must be in \[0.1, 20\]"),
        (dict(cost_ratio=float("inf")), ValueError, "cost_ratio must be a finite number"),
    ],
)
def test_bad_controls_raise(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        threshold_state(**kwargs)
