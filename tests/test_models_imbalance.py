"""widgets.models.imbalance: subsampled WDBC, four strategies, the accuracy paradox.

The strategy "class weights" fits ``LogisticLoss(..., sample_weight=w)``; the fit is checked
against scikit-learn's ``LogisticRegression(class_weight="balanced")``.

Fit tolerances: scikit-learn's lbfgs stops near the optimum, so parameters are compared with the
strongly-convex bound ‖θ − θ*‖ ≤ 2‖∇f(θ)‖/μ (μ the smallest Hessian eigenvalue at θ*).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve as sk_precision_recall_curve

from widgets.models import Question, Status, imbalance
from widgets.models import _classifier as classifier
from widgets.models.imbalance import (
    FRACTION_RANGE,
    IMBALANCE_QUESTIONS,
    L2,
    STRATEGIES,
    imbalance_state,
    imbalance_status,
)
from widgets.objectives import LogisticLoss
from widgets.sampling import random_oversample

SLIDER = np.round(np.arange(0.02, 0.3701, 0.01), 2)  # the explorer's slider: steps of 0.01


def _clear_caches() -> None:
    imbalance._strategy_fit.cache_clear()
    imbalance._subsample.cache_clear()


def _bound(loss, theta_star, theta) -> float:
    mu = np.linalg.eigvalsh(loss.hessian(theta_star))[0]
    return 2 * float(np.linalg.norm(loss.grad(theta))) / mu + 1e-12


def _sklearn_fit(X, y, *, l2: float, class_weight=None, sample_weight=None) -> np.ndarray:
    # ours: (1/m) Σ wᵢℓᵢ + (λ/2)‖w‖²; scikit-learn: C Σ wᵢℓᵢ + ½‖w‖², the same with C = 1/(λm)
    lr = LogisticRegression(
        C=1 / (l2 * len(y)), class_weight=class_weight, tol=1e-12, max_iter=10_000
    )
    lr.fit(X, y, sample_weight=sample_weight)
    return np.r_[lr.coef_[0], lr.intercept_]


# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", SLIDER)
def test_every_slider_fraction_is_reached_and_fitted(fraction: float) -> None:
    for strategy in ("none", "oversampling", "threshold moving"):
        st = imbalance_state(minority_fraction=fraction, strategy=strategy)
        for y, share in ((st.y_train, st.train_fraction), (st.y_test, st.test_fraction)):
            k, n = int(y.sum()), int((y == 0).sum())
            assert share == k / (k + n)
            assert abs(k - fraction * (k + n)) <= 0.5  # k rounds f·n/(1 − f)
            assert n in (214, 143)  # every benign tumour of the part is kept
        assert st.confusion.sum() == st.y_test.size
        assert st.boundary.shape == (2, 2) and np.all(np.isfinite(st.params))


def test_subsampled_sets_nest_as_the_fraction_grows() -> None:
    small = imbalance_state(minority_fraction=0.05)
    large = imbalance_state(minority_fraction=0.2)
    rows = {tuple(r) for r in large.X_train}
    assert all(tuple(r) in rows for r in small.X_train)


def test_the_accuracy_paradox_at_five_percent() -> None:
    none = imbalance_state(minority_fraction=0.05, strategy="none")
    moved = imbalance_state(minority_fraction=0.05, strategy="threshold moving")
    # calling every tumour benign: 143 of 151 right
    assert none.majority_accuracy == 143 / 151
    assert none.accuracy > none.majority_accuracy  # the plain model "beats" that…
    assert none.minority_recall <= 0.5  # …while missing half the malignant tumours
    assert moved.minority_recall > none.minority_recall
    assert moved.accuracy < none.accuracy  # finding them costs accuracy
    assert none.plain_recall == moved.plain_recall == none.minority_recall
    assert "95 %" in imbalance_status(none).text


@pytest.mark.parametrize("fraction", [0.02, 0.05, 0.2, 0.37])
def test_plain_fit_matches_sklearn(fraction: float) -> None:
    st = imbalance_state(minority_fraction=fraction, strategy="none")
    theirs = _sklearn_fit(st.X_train, st.y_train, l2=L2)
    loss = LogisticLoss(st.X_train, st.y_train, l2=L2)
    assert np.linalg.norm(st.params - theirs) <= _bound(loss, st.params, theirs)
    assert st.threshold == 0.5 and np.all(st.train_weight == 1)


@pytest.mark.parametrize("fraction", [0.05, 0.2])
def test_oversampling_is_a_fit_weighted_by_copy_counts(fraction: float) -> None:
    st = imbalance_state(minority_fraction=fraction, strategy="oversampling")
    copies = random_oversample(st.y_train, rng=imbalance.OVERSAMPLE_SEED)
    np.testing.assert_array_equal(st.train_weight, np.bincount(copies))
    n_pos = st.train_weight[st.y_train == 1].sum()
    assert n_pos == st.train_weight[st.y_train == 0].sum()  # balanced by copies
    # duplicated rows, mean over all m' copies = weights c_i, mean over m': one optimum
    m_dup = len(copies)
    theirs = _sklearn_fit(st.X_train, st.y_train, l2=L2 * m_dup / len(st.y_train),
                          sample_weight=st.train_weight)  # fmt: skip
    theirs_rows = _sklearn_fit(st.X_train[copies], st.y_train[copies], l2=L2)
    loss = LogisticLoss(st.X_train[copies], st.y_train[copies], l2=L2)
    for other in (theirs, theirs_rows):
        assert np.linalg.norm(st.params - other) <= _bound(loss, st.params, other)


def test_threshold_moving_uses_the_plain_fit_at_the_training_share() -> None:
    none = imbalance_state(minority_fraction=0.1, strategy="none")
    moved = imbalance_state(minority_fraction=0.1, strategy="threshold moving")
    np.testing.assert_array_equal(moved.params, none.params)
    assert moved.threshold == none.train_fraction
    # the decision line moved to p = π: every point on it has logit(π)
    w, b = moved.params[:2], moved.params[2]
    np.testing.assert_allclose(moved.boundary @ w + b, classifier.logit(moved.threshold))
    np.testing.assert_allclose(none.boundary @ w + b, 0.0, atol=1e-12)


@pytest.mark.parametrize("fraction", [0.05, 0.2, 0.37])
def test_class_weights_match_sklearn_balanced(fraction: float) -> None:
    st = imbalance_state(minority_fraction=fraction, strategy="class weights")
    y = st.y_train
    # scikit-learn's balanced weights m/(2 m_c): each class weighs m/2
    np.testing.assert_allclose(st.train_weight[y == 1].sum(), len(y) / 2, rtol=1e-14)
    np.testing.assert_allclose(st.train_weight[y == 0].sum(), len(y) / 2, rtol=1e-14)
    theirs = _sklearn_fit(st.X_train, y, l2=L2, class_weight="balanced")
    loss = LogisticLoss(st.X_train, y, sample_weight=st.train_weight, l2=L2)
    assert np.linalg.norm(st.params - theirs) <= _bound(loss, st.params, theirs)
    # weighting raises the malignant odds by (1 − π)/π: at least the plain fit's recall
    assert st.minority_recall >= st.plain_recall


def test_class_weights_and_threshold_moving_nearly_agree() -> None:
    # both shift the plain rule's odds by about (1 − π)/π; from 3 % malignant up they disagree
    # on a few held-out tumours near the line (measured: at most 6 of 151) and find the same
    # malignant ones; at 2 %, with 4 malignant tumours in training, the fits part ways
    for fraction in SLIDER[SLIDER >= 0.03]:
        cw = imbalance_state(minority_fraction=fraction, strategy="class weights")
        tm = imbalance_state(minority_fraction=fraction, strategy="threshold moving")
        disagree = np.count_nonzero(
            (classifier.probabilities(cw.X_test, cw.params) >= 0.5)
            != (classifier.probabilities(tm.X_test, tm.params) >= tm.threshold)
        )
        assert disagree <= 0.05 * cw.y_test.size
        assert abs(cw.confusion[1, 1] - tm.confusion[1, 1]) <= 1


@pytest.mark.parametrize("strategy", ["none", "oversampling", "threshold moving"])
def test_pr_curve_and_point_agree_with_sklearn(strategy: str) -> None:
    st = imbalance_state(minority_fraction=0.1, strategy=strategy)
    p = classifier.probabilities(st.X_test, st.params)
    for ours, theirs in zip(
        (st.pr_precision, st.pr_recall), sk_precision_recall_curve(st.y_test, p)[:2], strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)
    recall, precision = st.pr_point
    assert any(np.isclose(recall, r) and np.isclose(precision, q)
               for r, q in zip(st.pr_recall, st.pr_precision, strict=True))  # fmt: skip
    (tn, _), (fn, tp) = st.confusion
    assert (tp + tn) / st.y_test.size == st.accuracy and tp / (tp + fn) == st.minority_recall


def test_state_is_deterministic_and_status_and_questions_speak_of_it() -> None:
    a = imbalance_state(minority_fraction=0.05, strategy="oversampling")
    _clear_caches()
    b = imbalance_state(minority_fraction=0.05, strategy="oversampling")
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    status = imbalance_status(a)
    assert isinstance(status, Status) and status.kind == "ok"  # 6 of 8 found
    plain = imbalance_state(minority_fraction=0.02, strategy="none")  # 1 of 3 found
    assert plain.minority_recall < 0.5 and imbalance_status(plain).kind == "info"
    (_, _), (fn, tp) = a.confusion
    assert f"{tp} of {tp + fn} malignant found" in status.text
    assert all(isinstance(q, Question) for q in IMBALANCE_QUESTIONS)
    value, why = IMBALANCE_QUESTIONS[0].answer(a)
    assert value == a.majority_accuracy and "benign" in why
    assert IMBALANCE_QUESTIONS[0].grade(0.95, value)
    answer, _ = IMBALANCE_QUESTIONS[2].answer(a)
    assert answer == ("more" if a.minority_recall > a.plain_recall else
                      "fewer" if a.minority_recall < a.plain_recall else "as many")  # fmt: skip


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(minority_fraction=0.01), ValueError, r"minority_fraction must be in \[0.02, 0.37\]"),
        (dict(minority_fraction=0.5), ValueError, r"minority_fraction must be in \[0.02, 0.37\]"),
        (dict(minority_fraction=float("nan")), ValueError, "minority_fraction must be a finite"),
        (dict(minority_fraction="0.1"), TypeError, "minority_fraction must be a real number"),
        (dict(strategy="smote"), ValueError, "unknown strategy 'smote'; valid values are"),
    ],
)
def test_bad_controls_raise(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        imbalance_state(**kwargs)


def test_strategies_are_the_documented_four() -> None:
    assert STRATEGIES == ("none", "class weights", "oversampling", "threshold moving")
    assert FRACTION_RANGE == (0.02, 0.37)
