"""What the lesson-08 explorers share: one seeded split of WDBC and logistic fits on it.

The data are split once, stratified, into train / validation / test (60/20/20, seed
``SPLIT_SEED``), and standardised with the TRAINING part's mean and population standard
deviation, so no statistic of the held-out tumours leaks into the model. Models are fitted by
Newton's method on :class:`~widgets.objectives.LogisticLoss`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ..data import load_wdbc
from ..objectives import LogisticLoss, sigmoid
from ..optimizers import newton
from ..sampling import stratified_split
from ..simulate import simulate

#: the seed of the one train / validation / test split every lesson-08 explorer uses
SPLIT_SEED = 8
SPLIT_SIZES = (0.6, 0.2, 0.2)
#: the two features of the explorers' scatter plots, as in the earlier lessons
SCATTER_FEATURES = ("mean radius", "mean texture")
#: Newton stops when the gradient of the mean loss is below this
FIT_TOL = 1e-10


@dataclass(frozen=True, eq=False)
class Split:
    """WDBC split into train / validation / test, standardised by the training statistics."""

    features: tuple[str, ...]
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@functools.cache
def wdbc_split(features: tuple[str, ...] = SCATTER_FEATURES) -> Split:
    """The shared split of WDBC on ``features`` (cached: it is the same every time)."""
    data = load_wdbc(features, standardize=False)
    train, val, test = stratified_split(data.y, SPLIT_SIZES, rng=SPLIT_SEED)
    mean, std = data.X[train].mean(axis=0), data.X[train].std(axis=0)
    parts = []
    for idx in (train, val, test):
        parts += [_frozen((data.X[idx] - mean) / std), _frozen(data.y[idx])]
    return Split(tuple(features), *parts)


def fit_logistic(
    X: np.ndarray, y: np.ndarray, *, l2: float, sample_weight: np.ndarray | None = None
) -> np.ndarray:
    """Parameters (w₁, …, w_p, b) minimising the (weighted) mean logistic loss + (λ/2)‖w‖².

    With ``sample_weight`` the loss is ``LogisticLoss(X, y, l2=l2, sample_weight=w)``, the
    weighted likelihood (1/m) Σ wᵢ ℓᵢ; class weights make each class's total weight equal.
    """
    loss = LogisticLoss(X, y, l2=l2, sample_weight=sample_weight)
    traj = simulate(loss, newton(), steps=100, tol=FIT_TOL)
    if not traj.converged:  # the fits here are fixed; this guards against changing them badly
        raise RuntimeError(f"the logistic fit did not converge: {traj.message}")
    return _frozen(traj.final_params)


def confusion_at(y: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    """``[[TN, FP], [FN, TP]]`` for labels y and a boolean array of positive predictions."""
    tp = int(np.count_nonzero(flagged & (y == 1)))
    fp = int(np.count_nonzero(flagged)) - tp
    n_pos = int(np.count_nonzero(y == 1))
    return np.array([[y.size - n_pos - fp, fp], [n_pos - tp, tp]])


def logits(X: np.ndarray, params: np.ndarray) -> np.ndarray:
    """z = X·w + b for parameters (w, b), bias last."""
    return X @ params[:-1] + params[-1]


def probabilities(X: np.ndarray, params: np.ndarray) -> np.ndarray:
    """σ(X·w + b)."""
    return sigmoid(logits(X, params))


def plot_bounds(*Xs: np.ndarray, margin: float = 0.3) -> tuple[tuple[float, float], ...]:
    """Axis limits around the points of every ``X`` (two columns), with a margin."""
    stacked = np.vstack(Xs)
    lo, hi = stacked.min(axis=0) - margin, stacked.max(axis=0) + margin
    return tuple((float(a), float(b)) for a, b in zip(lo, hi, strict=True))


def boundary_line(
    params: np.ndarray, level: float, bounds: tuple[tuple[float, float], ...]
) -> np.ndarray:
    """Two points of the line w·x + b = level (a 2-D model), far enough apart to cross the box.

    Returns an array of shape (2, 2), rows the end points, or an empty (0, 2) array when the
    line does not exist (w = 0, or an infinite level: threshold 0 or 1).
    """
    w, b = np.asarray(params[:2], dtype=float), float(params[2])
    norm2 = float(w @ w)
    if norm2 == 0.0 or not math.isfinite(level):
        return np.empty((0, 2))
    centre = np.array([(lo + hi) / 2 for lo, hi in bounds])
    # the point of the line nearest the box's centre, then ± half the box's diagonal along it
    foot = centre - ((w @ centre + b - level) / norm2) * w
    along = np.array([-w[1], w[0]]) / math.sqrt(norm2)
    half = math.hypot(*(hi - lo for lo, hi in bounds))
    return np.vstack([foot - half * along, foot + half * along])


def logit(p: float) -> float:
    """log(p / (1 − p)), ±inf at 0 and 1."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log(p) - math.log1p(-p)


def _frozen(values: np.ndarray) -> np.ndarray:
    arr = np.array(values, dtype=float)
    arr.setflags(write=False)
    return arr
