"""The calibration explorer's model: reliability diagrams before and after calibrating.

Two logistic models on all 30 WDBC features are fitted on the training part of the shared
split: a well-regularised one (λ = 0.003, the best of λ ∈ {1e-4, 3e-4, …, 0.1} by 5-fold
cross-validated log loss on the training part) and an overfitted one (λ = 1e-5: it classifies
every training tumour correctly with ‖w‖ ≈ 32, so its probabilities are nearly all 0 or 1).
Each model's logits on the validation part train a calibrator, Platt scaling or isotonic
regression (:mod:`widgets.calibration`); everything shown is measured on the test part, which
neither the models nor the calibrators have seen.

A reliability diagram bins the test predictions by probability and plots, per bin, the share
of malignant tumours against the mean prediction; under it, a histogram counts the predictions
per bin. The Brier score and log loss sum up calibration (and ranking) in one number each.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int
from ..calibration import isotonic_regression, platt_scaling
from ..data import WDBC_FEATURES
from ..metrics import _bin_sums, brier_score, log_loss, roc_auc
from ..objectives import sigmoid
from . import Question, Status
from ._classifier import _frozen, fit_logistic, logits, wdbc_split

__all__ = [
    "BIN_RANGE",
    "CALIBRATION_QUESTIONS",
    "METHODS",
    "MODELS",
    "CalibrationState",
    "calibration_state",
    "calibration_status",
]

#: the two models and their L2 penalties λ
MODELS = {"regularised": 3e-3, "overfitted": 1e-5}
METHODS = ("none", "Platt", "isotonic")
#: the valid numbers of bins of the reliability diagram
BIN_RANGE = (2, 20)


@dataclass(frozen=True, eq=False)
class _Calibrated:
    proba: np.ndarray  # test probabilities
    brier: float
    log_loss: float
    auc: float
    map_x: np.ndarray  # the calibration map on a grid of uncalibrated probabilities
    map_y: np.ndarray
    description: str


@functools.cache
def _model_logits(model: str) -> tuple[np.ndarray, np.ndarray]:
    """The model's logits on the validation and the test part."""
    split = wdbc_split(WDBC_FEATURES)
    params = fit_logistic(split.X_train, split.y_train, l2=MODELS[model])
    return _frozen(logits(split.X_val, params)), _frozen(logits(split.X_test, params))


@functools.cache
def _calibrated(model: str, method: str) -> _Calibrated:
    """Test probabilities of ``model`` after ``method``, and their scores (cached)."""
    split = wdbc_split(WDBC_FEATURES)
    z_val, z_test = _model_logits(model)
    grid = np.linspace(0.0, 1.0, 201)
    # the map is drawn over uncalibrated probabilities; logits of 0 and 1 are kept finite
    z_grid = np.log(np.clip(grid, 1e-12, 1 - 1e-12)) - np.log1p(-np.clip(grid, 1e-12, 1 - 1e-12))
    if method == "Platt":
        fit = platt_scaling(z_val, split.y_val)
        proba, mapped = fit.predict(z_test), fit.predict(z_grid)
        description = f"σ({fit.slope:.3g}·z {'+' if fit.intercept >= 0 else '−'} "
        description += f"{abs(fit.intercept):.3g})"
    elif method == "isotonic":
        fit = isotonic_regression(z_val, split.y_val)
        proba, mapped = fit.predict(z_test), fit.predict(z_grid)
        description = f"a non-decreasing map with {np.unique(fit.y_thresholds).size} steps"
    else:
        proba, mapped, description = sigmoid(z_test), grid, "the model's own σ(z)"
    # ranking quality: uncalibrated, the logits themselves (σ rounds the largest to 1.0)
    auc = roc_auc(split.y_test, z_test if method == "none" else proba)
    return _Calibrated(
        proba=_frozen(proba),
        brier=brier_score(split.y_test, proba),
        log_loss=log_loss(split.y_test, proba),
        auc=auc,
        map_x=_frozen(grid),
        map_y=_frozen(mapped),
        description=description,
    )


@dataclass(frozen=True, eq=False)
class CalibrationState:
    """Everything the calibration explorer shows for a model, a method and a bin count.

    ``*_before`` fields describe the uncalibrated model, the others the calibrated one (the
    same when ``method == "none"``).

    Attributes:
        model, method, n_bins: the controls; ``l2``: the model's λ.
        n_validation: the number of validation tumours the calibrator was fitted on.
        y: the test labels; ``proba``, ``proba_before``: the test probabilities.
        bin_edges: the ``n_bins + 1`` edges, 0 to 1.
        prob_true, prob_pred: the reliability diagram's points (non-empty bins only), as
            :func:`widgets.metrics.calibration_curve` returns them; ``counts``: predictions per
            bin (all bins), the histogram.
        brier, log_loss, auc: on the test part.
        extreme_share: the share of test predictions below 1 % or above 99 %.
        map_x, map_y: the calibration map, calibrated against uncalibrated probability.
        description: the map in words.
    """

    model: str
    method: str
    n_bins: int
    l2: float
    n_validation: int
    y: np.ndarray
    proba: np.ndarray
    proba_before: np.ndarray
    bin_edges: np.ndarray
    prob_true: np.ndarray
    prob_pred: np.ndarray
    counts: np.ndarray
    prob_true_before: np.ndarray
    prob_pred_before: np.ndarray
    counts_before: np.ndarray
    brier: float
    log_loss: float
    auc: float
    brier_before: float
    log_loss_before: float
    auc_before: float
    extreme_share: float
    extreme_share_before: float
    map_x: np.ndarray
    map_y: np.ndarray
    description: str


def calibration_state(
    model: str = "overfitted", method: str = "Platt", n_bins: int = 10
) -> CalibrationState:
    """The explorer's state for a model, a calibration method and a number of bins.

    Args:
        model: ``"regularised"`` or ``"overfitted"``.
        method: ``"none"``, ``"Platt"`` or ``"isotonic"``.
        n_bins: bins of the reliability diagram, an integer in [2, 20].

    Returns:
        A :class:`CalibrationState`.

    Example:
        >>> st = calibration_state(model="overfitted", method="Platt", n_bins=10)
        >>> bool(st.log_loss < st.log_loss_before), int(st.counts.sum()) == st.y.size
        (True, True)
    """
    check_choice("model", model, MODELS)
    check_choice("method", method, METHODS)
    n_bins = check_int("n_bins", n_bins, low=BIN_RANGE[0], high=BIN_RANGE[1])
    split = wdbc_split(WDBC_FEATURES)
    y = split.y_test
    after, before = _calibrated(model, method), _calibrated(model, "none")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    true_after, pred_after, count_after = _reliability(y, after.proba, edges)
    true_before, pred_before, count_before = _reliability(y, before.proba, edges)
    return CalibrationState(
        model=model,
        method=method,
        n_bins=n_bins,
        l2=MODELS[model],
        n_validation=split.y_val.size,
        y=y,
        proba=after.proba,
        proba_before=before.proba,
        bin_edges=edges,
        prob_true=true_after,
        prob_pred=pred_after,
        counts=count_after,
        prob_true_before=true_before,
        prob_pred_before=pred_before,
        counts_before=count_before,
        brier=after.brier,
        log_loss=after.log_loss,
        auc=after.auc,
        brier_before=before.brier,
        log_loss_before=before.log_loss,
        auc_before=before.auc,
        extreme_share=_extreme_share(after.proba),
        extreme_share_before=_extreme_share(before.proba),
        map_x=after.map_x,
        map_y=after.map_y,
        description=after.description,
    )


def _reliability(
    y: np.ndarray, p: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """calibration_curve's (prob_true, prob_pred) and the counts of all bins, in one pass."""
    count, positives, prob_sum = _bin_sums(y, p, edges)
    filled = count > 0
    return positives[filled] / count[filled], prob_sum[filled] / count[filled], count


def _extreme_share(p: np.ndarray) -> float:
    return float(np.mean((p < 0.01) | (p > 0.99)))


def calibration_status(st: CalibrationState) -> Status:
    """The status line: the scores before and after, and how the predictions spread."""
    m = st.y.size
    extreme = round(st.extreme_share * m)
    text = f"{st.model.capitalize()} model (λ = {st.l2:g}) on the {m} test tumours"
    if st.method == "none":
        text += f": Brier {st.brier:.3f}, log loss {st.log_loss:.3f}"
    else:
        text += (
            f", {st.method}-calibrated on the validation part: Brier {st.brier_before:.3f} → "
            f"{st.brier:.3f}, log loss {st.log_loss_before:.3f} → {st.log_loss:.3f}"
        )
    text += (
        f"; {extreme} of {m} predictions below 1 % or above 99 %; {st.n_bins} bins, "
        f"{st.prob_true.size} with predictions."
    )
    better = st.method != "none" and st.log_loss < st.log_loss_before
    return Status(text, "ok" if better else "info")


def ranking_answer(st: CalibrationState) -> tuple[str, str]:
    """Whether the calibration changes the AUC (the ranking of the test tumours)."""
    changed = st.auc != st.auc_before
    why = f"AUC {st.auc_before:.4f} before, {st.auc:.4f} after: "
    if st.method == "Platt":
        why += "Platt's map σ(a·z + b) with a > 0 is increasing, so it keeps the order"
    elif st.method == "isotonic":
        why += (
            "the isotonic map is non-decreasing but flat on each step, so tumours in one step "
            "become tied"
        )
        why += " and the AUC changes" if changed else ", which here leaves the AUC as it was"
    else:
        why += "no calibration, nothing changes"
    return ("yes" if changed else "no"), why


def log_loss_answer(st: CalibrationState) -> tuple[str, str]:
    """Whether calibrating lowers the test log loss."""
    if st.log_loss == st.log_loss_before:
        return "the same", f"log loss {st.log_loss:.3f}: without calibration nothing changes"
    answer = "lower" if st.log_loss < st.log_loss_before else "higher"
    why = f"log loss {st.log_loss_before:.3f} before, {st.log_loss:.3f} after"
    certain_mistakes = int(np.count_nonzero(np.where(st.y == 1, st.proba == 0, st.proba == 1)))
    if st.method == "isotonic" and answer == "higher":
        why += (
            f": isotonic regression gives probability 0 or 1 at its ends; a certain, wrong "
            f"answer for {certain_mistakes} of the test tumours costs −log ε ≈ 36 nats each"
        )
    elif st.model == "regularised":
        why += ": a penalised cross-entropy fit is close to calibrated already; a map fitted "
        why += f"on {st.n_validation} validation tumours can add as much noise as it removes"
    else:
        why += ": the overfitted model's near-0 and near-1 probabilities are pulled inwards"
    return answer, why


def extreme_share_answer(st: CalibrationState) -> tuple[float, str]:
    """The share of test predictions below 1 % or above 99 % after this calibration."""
    m = st.y.size
    now, before = round(st.extreme_share * m), round(st.extreme_share_before * m)
    why = f"{now} of the {m} test predictions are below 1 % or above 99 % ({before} before)"
    if st.method == "Platt":
        why += f"; the map {st.description} shrinks the logits when a < 1"
    elif st.method == "isotonic":
        why += "; isotonic regression's end steps are exactly 0 and 1 when the validation "
        why += "tumours at either end all share one label"
    return st.extreme_share, why


CALIBRATION_QUESTIONS = (
    Question("Will this calibration change the AUC, the ranking of the test tumours?",
             ranking_answer, choices=("no", "yes")),
    Question("Will this calibration lower the log loss on the test tumours?", log_loss_answer,
             choices=("lower", "the same", "higher")),
    Question("After this calibration, what share of the test predictions is below 1 % or "
             "above 99 %?", extreme_share_answer, rel_tol=0.1),
)  # fmt: skip
