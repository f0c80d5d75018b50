"""Regularisation paths on WDBC: under- and overfitting as the penalty strength τ varies.

All 30 WDBC features; a seeded stratified split keeps 30 % of each class for validation (171
tumours) and fits on the other 398, standardised with the training rows' means and standard
deviations (the validation rows must not shape the scaling). For L2, L1 and elastic net (r = ½)
the penalised fits at 49 values of τ from 1e-4 to 1 are computed once, warm-started along the
path (0.3–1 s in all), with their training and validation loss (the unpenalised mean NLL) and
accuracy and the number of non-zero weights; the τ with the lowest validation loss is "best".

Early stopping shows the same trade-off in time: plain gradient descent on the unpenalised
training loss (α = 1/L, 2000 steps) fits the training data ever better while the validation
loss falls, bottoms out and rises again.

Controls: ``tau`` (τ, log scale), ``penalty`` ("l2", "l1", "elasticnet") and ``step`` (a step of
the gradient-descent run).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._blas import single_threaded
from .._validate import check_choice, check_int, check_real, check_rng
from ..data import WDBC_FEATURES, load_wdbc
from ..objectives import LogisticLoss
from ..optimizers import gd
from ..regularization import fit_penalized, penalty_strengths, regularization_path
from ..simulate import simulate
from . import Question, Status
from ._grid import frozen as _frozen
from ._grid import nearest

__all__ = [
    "GD_STEPS",
    "L1_RATIO",
    "PENALTY_NAMES",
    "QUESTIONS",
    "TAUS",
    "RegularizationPathState",
    "precompute",
    "regularization_path_state",
    "regularization_path_status",
    "stratified_split",
]

#: the τ slider's values: 49 on a log scale, 12 a decade, from 1e-4 to 1
TAUS = np.logspace(-4.0, 0.0, 49)
TAUS.setflags(write=False)
#: the penalties, and their names for people
PENALTY_NAMES = {"l2": "L2", "l1": "L1", "elasticnet": "elastic net (r = 0.5)"}
L1_RATIO = 0.5
GD_STEPS = 2000
VALIDATION_FRACTION = 0.3
SEED = 0


def stratified_split(y: np.ndarray, fraction: float, rng: np.random.Generator | int) -> np.ndarray:
    """A boolean mask of the validation examples: round(fraction·m_c) of each class c, at random.

    Each class is split separately, so both parts keep the class proportions (to one example).

    Example:
        >>> mask = stratified_split(np.array([0, 0, 0, 0, 1, 1]), 0.5, rng=0)
        >>> int(mask.sum()), int(mask[4:].sum())
        (3, 1)
    """
    fraction = check_real("fraction", fraction, low=0.0, high=1.0, low_open=True, high_open=True)
    gen = check_rng("rng", rng)
    y = np.asarray(y)
    mask = np.zeros(len(y), dtype=bool)
    for c in np.unique(y):
        members = gen.permutation(np.flatnonzero(y == c))
        mask[members[: round(fraction * len(members))]] = True
    return mask


@dataclass(frozen=True, eq=False)
class RegularizationPathState:
    """What the regularisation-path figure shows for one (τ, penalty, step).

    Attributes:
        tau, penalty, step: the controls.
        taus: the τ grid, shape (49,); coef: the weights along it, (49, 30); intercept (49,);
            n_nonzero (49,); train_loss, validation_loss, train_accuracy, validation_accuracy
            (49,), losses as unpenalised mean NLL, accuracies as fractions.
        best_index, best_tau: the τ of the lowest validation loss.
        weights, bias: the fit at the current τ; its n_weights_nonzero, and its
            current_train_loss, current_validation_loss, current_train_accuracy,
            current_validation_accuracy.
        converged: whether the current fit (and every fit of the path) reached its tolerance.
        gd_train_loss, gd_validation_loss: along the gradient-descent run, (GD_STEPS + 1,).
        best_step: the step of the lowest validation loss; step_train_loss,
            step_validation_loss: the losses at the current step.
        feature_names: the 30 features; n_train, n_validation: the split's sizes.
    """

    tau: float
    penalty: str
    step: int
    taus: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    n_nonzero: np.ndarray
    train_loss: np.ndarray
    validation_loss: np.ndarray
    train_accuracy: np.ndarray
    validation_accuracy: np.ndarray
    best_index: int
    best_tau: float
    weights: np.ndarray
    bias: float
    n_weights_nonzero: int
    current_train_loss: float
    current_validation_loss: float
    current_train_accuracy: float
    current_validation_accuracy: float
    converged: bool
    gd_train_loss: np.ndarray
    gd_validation_loss: np.ndarray
    best_step: int
    step_train_loss: float
    step_validation_loss: float
    feature_names: tuple[str, ...]
    n_train: int
    n_validation: int

    @property
    def regime(self) -> str:
        """ "underfits", "overfits" or "best": where the current τ lies against the best one."""
        if math.isclose(self.tau, self.best_tau, rel_tol=1e-9):
            return "best"
        return "underfits" if self.tau > self.best_tau else "overfits"


def regularization_path_state(
    tau: float = 1e-2, penalty: str = "l1", step: int = 200
) -> RegularizationPathState:
    """The figure's data for strength ``tau`` (in [1e-4, 1]), ``penalty`` and GD ``step``
    (0 … ``GD_STEPS``).

    Example:
        >>> state = regularization_path_state(tau=float(TAUS[24]), penalty="l1", step=100)
        >>> state.n_weights_nonzero < 30, state.converged
        (True, True)
    """
    tau = check_real("tau", tau, low=float(TAUS[0]), high=float(TAUS[-1]))
    check_choice("penalty", penalty, PENALTY_NAMES)
    step = check_int("step", step, low=0, high=GD_STEPS)
    path = _path(penalty)
    i, on_grid = nearest(TAUS, tau, log=True)
    if on_grid:
        w = np.r_[path["coef"][i], path["intercept"][i]]
        converged = bool(path["converged"].all())
    else:  # off the grid: a fit from the nearest grid point
        data = _data()
        l1, l2 = penalty_strengths(penalty, tau, L1_RATIO)
        start = np.r_[path["coef"][i], path["intercept"][i]]
        fit = fit_penalized(data["train"].with_penalty(l1=l1, l2=l2), start)
        w, converged = fit.params, fit.converged and bool(path["converged"].all())
    data = _data()
    early = _early_stopping()
    scores = _scores(w[None, :])
    best = int(path["best_index"])
    return RegularizationPathState(
        tau=tau,
        penalty=penalty,
        step=step,
        taus=TAUS,
        coef=path["coef"],
        intercept=path["intercept"],
        n_nonzero=path["n_nonzero"],
        train_loss=path["train_loss"],
        validation_loss=path["validation_loss"],
        train_accuracy=path["train_accuracy"],
        validation_accuracy=path["validation_accuracy"],
        best_index=best,
        best_tau=float(TAUS[best]),
        weights=_frozen(w[:-1]),
        bias=float(w[-1]),
        n_weights_nonzero=int(np.count_nonzero(w[:-1])),
        current_train_loss=float(scores["train_loss"][0]),
        current_validation_loss=float(scores["validation_loss"][0]),
        current_train_accuracy=float(scores["train_accuracy"][0]),
        current_validation_accuracy=float(scores["validation_accuracy"][0]),
        converged=converged,
        gd_train_loss=early["train_loss"],
        gd_validation_loss=early["validation_loss"],
        best_step=int(early["best_step"]),
        step_train_loss=float(early["train_loss"][step]),
        step_validation_loss=float(early["validation_loss"][step]),
        feature_names=WDBC_FEATURES,
        n_train=data["train"].n_examples,
        n_validation=data["validation"].n_examples,
    )


def regularization_path_status(state: RegularizationPathState) -> Status:
    """The status line: sparsity, validation loss against the best τ, and early stopping."""
    name = PENALTY_NAMES[state.penalty]
    regime = {
        "best": "the best τ on validation data",
        "underfits": "stronger than the best: it underfits",
        "overfits": "weaker than the best: it overfits",
    }[state.regime]
    best_loss = state.validation_loss[state.best_index]
    text = (
        f"τ = {state.tau:.2g}, {name}: {state.n_weights_nonzero} of 30 weights non-zero; "
        f"validation loss {state.current_validation_loss:.3f} ({regime}; best τ = "
        f"{state.best_tau:.2g}, {best_loss:.3f}); accuracy "
        f"{100 * state.current_train_accuracy:.1f} % training, "
        f"{100 * state.current_validation_accuracy:.1f} % validation. Gradient descent at step "
        f"{state.step}: validation loss {state.step_validation_loss:.3f} (lowest "
        f"{state.gd_validation_loss[state.best_step]:.3f} at step {state.best_step})"
    )
    if not state.converged:
        return Status(text + "; a fit did not reach its tolerance", "error")
    return Status(text, "info")


def _answer_nonzero(state: RegularizationPathState) -> tuple[int, str]:
    return state.n_weights_nonzero, (
        f"With {PENALTY_NAMES[state.penalty]} at τ = {state.tau:.2g}, a weight stays at exactly "
        "0 when its loss slope at 0 is at most rτ in size (r = 1 for L1, ½ for the elastic "
        "net); an L2 penalty keeps all 30 non-zero."
    )


def _answer_smaller_tau(state: RegularizationPathState) -> tuple[str, str]:
    i, _ = nearest(TAUS, state.tau, log=True)
    j = max(i - 12, 0)  # 12 grid steps = one decade
    falls = state.validation_loss[j] < state.validation_loss[i]
    answer = "down" if falls else "up"
    where = "above" if i > state.best_index else "at or below"
    return answer, (
        f"This τ is {where} the best one ({state.best_tau:.2g}). Above it, a weaker penalty "
        "lets the model fit real structure and validation loss falls; below it, the extra "
        "freedom fits the training set's noise and validation loss rises."
    )


QUESTIONS = (
    Question(
        prompt="How many of the 30 weights will be non-zero at this τ?",
        answer=_answer_nonzero,
        rel_tol=0.2,
    ),
    Question(
        prompt="If τ is made 10 times smaller, will the validation loss go down or up?",
        answer=_answer_smaller_tau,
        choices=("down", "up"),
    ),
)


def precompute() -> None:
    """Compute the three paths and the gradient-descent run (0.5–1.2 s once, measured)."""
    for penalty in PENALTY_NAMES:
        _path(penalty)
    _early_stopping()


# ---- computed once


@functools.cache
def _data() -> dict[str, LogisticLoss]:
    raw = load_wdbc(standardize=False)
    val = stratified_split(raw.y, VALIDATION_FRACTION, SEED)
    X_train, X_val = raw.X[~val], raw.X[val]
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    names = raw.feature_names
    return {
        "train": LogisticLoss((X_train - mean) / std, raw.y[~val], feature_names=names),
        "validation": LogisticLoss((X_val - mean) / std, raw.y[val], feature_names=names),
    }


def _scores(params: np.ndarray) -> dict[str, np.ndarray]:
    """Unpenalised mean NLL and accuracy on both parts, for parameter rows (n, 31)."""
    out = {}
    for part, loss in _data().items():
        out[f"{part}_loss"] = loss.value(params)
        z = params[:, :-1] @ loss.X.T + params[:, -1:]
        out[f"{part}_accuracy"] = ((z > 0) == (loss.y == 1)).mean(axis=1)
    return out


@functools.cache
def _path(penalty: str) -> dict[str, np.ndarray]:
    train = _data()["train"]
    path = regularization_path(train.X, train.y, TAUS, penalty=penalty, l1_ratio=L1_RATIO)
    params = np.column_stack([path.coef, path.intercept])
    out = {
        "coef": path.coef,
        "intercept": path.intercept,
        "converged": path.converged,
        "n_nonzero": path.n_nonzero,
        **_scores(params),
    }
    out["best_index"] = np.int64(np.argmin(out["validation_loss"]))
    return {k: _frozen(v) for k, v in out.items()}


@functools.cache
def _early_stopping() -> dict[str, np.ndarray]:
    data = _data()
    train = data["train"]
    with single_threaded():
        traj = simulate(train, gd(1.0 / train.lipschitz), steps=GD_STEPS, tol=None)
        validation = data["validation"].value(traj.params)
    return {
        "train_loss": traj.loss,
        "validation_loss": _frozen(validation),
        "best_step": np.int64(np.argmin(validation)),
    }
