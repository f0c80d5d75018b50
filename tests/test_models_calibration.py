"""widgets.models.calibration: reliability diagrams and scores recomputed with scikit-learn."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import sklearn.calibration
import sklearn.metrics as skm
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn_calibrators import sklearn_calibrator

from widgets.data import WDBC_FEATURES
from widgets.models import Question, Status
from widgets.models import calibration as model
from widgets.models._classifier import fit_logistic, logits, wdbc_split
from widgets.models.calibration import (
    BIN_RANGE,
    CALIBRATION_QUESTIONS,
    METHODS,
    MODELS,
    calibration_state,
    calibration_status,
)

SETTINGS = [(m, k) for m in MODELS for k in METHODS]


def test_docstring_example_runs() -> None:
    result = doctest.testmod(model, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 and result.failed == 0


def test_the_regularised_penalty_is_the_cross_validated_choice() -> None:
    # the documented choice: 5-fold cross-validated log loss on the training part, scikit-learn
    # penalising Σℓ/C + ‖w‖²/2 with C = 1/(λ m_fold) for our mean-loss λ
    split = wdbc_split(WDBC_FEATURES)
    m_fold = len(split.y_train) * 4 / 5
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    grid = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]
    scores = [
        -cross_val_score(
            LogisticRegression(C=1 / (lam * m_fold), max_iter=5000),
            split.X_train, split.y_train, cv=folds, scoring="neg_log_loss",
        ).mean()
        for lam in grid
    ]  # fmt: skip
    assert grid[int(np.argmin(scores))] == MODELS["regularised"]


def test_the_overfitted_model_memorises_its_training_part() -> None:
    split = wdbc_split(WDBC_FEATURES)
    params = fit_logistic(split.X_train, split.y_train, l2=MODELS["overfitted"])
    z = logits(split.X_train, params)
    assert np.all((z > 0) == (split.y_train == 1)) and np.linalg.norm(params[:-1]) > 25
    regularised = fit_logistic(split.X_train, split.y_train, l2=MODELS["regularised"])
    assert np.linalg.norm(regularised[:-1]) < 5


@pytest.mark.parametrize("model_name, method", SETTINGS)
@pytest.mark.parametrize("n_bins", [BIN_RANGE[0], 7, 10, BIN_RANGE[1]])
def test_reliability_diagram_matches_sklearn(model_name: str, method: str, n_bins: int) -> None:
    s = calibration_state(model=model_name, method=method, n_bins=n_bins)
    for proba, true, pred, counts in (
        (s.proba, s.prob_true, s.prob_pred, s.counts),
        (s.proba_before, s.prob_true_before, s.prob_pred_before, s.counts_before),
    ):
        theirs = sklearn.calibration.calibration_curve(s.y, proba, n_bins=n_bins)
        np.testing.assert_array_equal(true, theirs[0])
        np.testing.assert_array_equal(pred, theirs[1])
        assert counts.size == n_bins and counts.sum() == s.y.size
        assert np.count_nonzero(counts) == true.size
    np.testing.assert_array_equal(s.bin_edges, np.linspace(0, 1, n_bins + 1))


@pytest.mark.parametrize("model_name, method", SETTINGS)
def test_scores_match_sklearn(model_name: str, method: str) -> None:
    s = calibration_state(model=model_name, method=method)
    eps = np.finfo(float).eps
    assert s.brier == pytest.approx(skm.brier_score_loss(s.y, s.proba), rel=1e-13)
    assert s.log_loss == pytest.approx(skm.log_loss(s.y, s.proba, labels=[0, 1]), rel=1e-13)
    auc_scores = s.proba if method != "none" else model._model_logits(model_name)[1]
    assert abs(s.auc - skm.roc_auc_score(s.y, auc_scores)) <= 4 * (s.y.size + 2) * eps


@pytest.mark.parametrize("model_name", list(MODELS))
@pytest.mark.parametrize("method", ["Platt", "isotonic"])
def test_calibrators_are_fitted_on_validation_and_match_sklearn(model_name, method) -> None:
    # scikit-learn's calibrator on the same validation logits, applied to the test logits
    split = wdbc_split(WDBC_FEATURES)
    z_val, z_test = model._model_logits(model_name)
    cal = sklearn_calibrator(z_val, split.y_val, "sigmoid" if method == "Platt" else "isotonic")
    s = calibration_state(model=model_name, method=method)
    # Platt: scikit-learn's lbfgs stops at gradient 1e-6 (parameters within ~1e-6 here, see
    # tests/test_calibration.py for the bound); isotonic: the same pooled fractions
    tol = 1e-5 if method == "Platt" else 1e-13
    np.testing.assert_allclose(s.proba, cal.predict_proba(z_test[:, None])[:, 1], atol=tol)


def test_platt_repairs_the_overfitted_model_and_keeps_its_ranking() -> None:
    before = calibration_state(model="overfitted", method="none")
    platt = calibration_state(model="overfitted", method="Platt")
    assert before.extreme_share > 0.9  # nearly every prediction below 1 % or above 99 %
    assert platt.log_loss < 0.5 * before.log_loss and platt.extreme_share < 0.5
    assert platt.auc == before.auc  # an increasing map keeps the order
    assert platt.log_loss_before == before.log_loss and platt.brier_before == before.brier
    np.testing.assert_array_equal(platt.proba_before, before.proba)
    # the map squeezes logits: σ(a z + b) with 0 < a < 1
    assert "σ(0.1" in platt.description
    assert np.all(np.diff(platt.map_y) >= 0) and platt.map_x[0] == 0 and platt.map_x[-1] == 1


def test_isotonic_output_is_often_certain() -> None:
    s = calibration_state(model="overfitted", method="isotonic")
    # the end steps are exactly 0 and 1 (between steps the map interpolates linearly)
    assert np.mean((s.proba == 0) | (s.proba == 1)) > 0.7
    answer, why = CALIBRATION_QUESTIONS[1].answer(s)
    assert answer == "higher" and "36 nats" in why


def test_status_and_questions() -> None:
    s = calibration_state(model="overfitted", method="Platt", n_bins=10)
    status = calibration_status(s)
    assert isinstance(status, Status) and status.kind == "ok"
    assert f"{s.log_loss_before:.3f} → {s.log_loss:.3f}" in status.text and "10 bins" in status.text
    assert all(isinstance(q, Question) for q in CALIBRATION_QUESTIONS)
    assert CALIBRATION_QUESTIONS[0].answer(s)[0] == "no"
    assert CALIBRATION_QUESTIONS[0].answer(calibration_state(method="isotonic"))[0] == "yes"
    assert CALIBRATION_QUESTIONS[1].answer(s)[0] == "lower"
    assert CALIBRATION_QUESTIONS[1].answer(calibration_state(method="none"))[0] == "the same"
    share, _ = CALIBRATION_QUESTIONS[2].answer(s)
    assert share == s.extreme_share and CALIBRATION_QUESTIONS[2].grade(share * 1.05, share)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_bins=1), ValueError, r"n_bins must be an integer in \[2, 20\]"),
        (dict(n_bins=21), ValueError, r"n_bins must be an integer in \[2, 20\]"),
        (dict(n_bins=5.0), TypeError, "n_bins must be an integer"),
        (dict(model="deep"), ValueError, "unknown model 'deep'; valid values are"),
        (dict(method="beta"), ValueError, "unknown method 'beta'; valid values are"),
    ],
)
def test_bad_controls_raise(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        calibration_state(**kwargs)
