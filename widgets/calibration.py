"""Calibrating a classifier's scores into probabilities: Platt scaling and isotonic regression.

Both learn, on held-out examples the classifier was not trained on, a non-decreasing map from a
score s (a logit, or any score where higher means "more likely positive") to a probability:

- **Platt scaling** fits p = σ(a·s + b): a logistic regression with the score as its one
  feature, fitted by Newton's method (:func:`widgets.optimizers.newton` through
  :func:`widgets.simulate.simulate`), with Platt's smoothed targets by default;
- **isotonic regression** fits the best non-decreasing step function in least squares, by the
  pool-adjacent-violators algorithm, and interpolates linearly between its steps.

Platt's two parameters cannot bend the curve, so it suits scores whose miscalibration is a
matter of scale (an overconfident logistic model); isotonic regression can follow any monotone
shape but needs more data and can overfit a small calibration set.

References: J. Platt, "Probabilistic outputs for support vector machines and comparisons to
regularized likelihood methods", in Advances in Large Margin Classifiers, MIT Press, 1999;
H.-T. Lin, C.-J. Lin, R. C. Weng, "A note on Platt's probabilistic outputs for support vector
machines", Machine Learning 68 (2007) 267–276; B. Zadrozny, C. Elkan, "Transforming classifier
scores into accurate multiclass probability estimates", KDD 2002; R. E. Barlow et al.,
"Statistical inference under order restrictions", Wiley, 1972.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_vector
from .metrics import _labels, _same_length
from .objectives import DataObjective, sigmoid
from .optimizers import newton
from .simulate import simulate

__all__ = [
    "IsotonicFit",
    "PlattFit",
    "PlattLoss",
    "isotonic_regression",
    "platt_scaling",
    "platt_targets",
    "pool_adjacent_violators",
]

#: Newton stops when the gradient of the mean loss is below this, times 1 + max |score|
PLATT_TOL = 1e-10


# --------------------------------------------------------------------------------------------
# Platt scaling


def platt_targets(y: ArrayLike) -> np.ndarray:
    """Platt's smoothed targets: (N₊ + 1)/(N₊ + 2) for a positive, 1/(N₋ + 2) for a negative.

    These are the posterior means of the probability of each label under a uniform prior
    (Laplace's rule of succession) for N₊ positives and N₋ negatives. Fitting to them instead of
    to 0 and 1 keeps the slope finite even when the scores separate the classes, and lowers the
    fit's confidence more on a small calibration set.

    Example:
        >>> platt_targets([1, 1, 0]).tolist()  # N₊ = 2, N₋ = 1
        [0.75, 0.75, 0.3333333333333333]
    """
    y = _labels("y", y)
    n_pos = float(y.sum())
    n_neg = y.size - n_pos
    return np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))


class PlattLoss(DataObjective):
    """Mean cross-entropy of p = σ(a·s + b) against targets t ∈ [0, 1], parameters (a, b):

        f(a, b) = (1/m) Σᵢ [softplus(zᵢ) − tᵢ zᵢ],    zᵢ = a sᵢ + b,

    i.e. tᵢ·softplus(−zᵢ) + (1 − tᵢ)·softplus(zᵢ). For targets in {0, 1} this is exactly
    :class:`~widgets.objectives.LogisticLoss` on the one feature s (with bias); Platt's targets
    are soft, which ``LogisticLoss`` does not take, hence this objective. Derivatives:

        ∇f = (1/m) Σᵢ (σ(zᵢ) − tᵢ) (sᵢ, 1),     ∇²f = (1/m) Σᵢ σ'(zᵢ) (sᵢ, 1)(sᵢ, 1)ᵀ.

    Args:
        scores: finite scores s, shape (m,).
        targets: targets t in [0, 1], shape (m,).

    Example:
        >>> loss = PlattLoss([-1.0, 1.0], [0.0, 1.0])
        >>> bool(np.isclose(loss.value([0.0, 0.0]), np.log(2.0)))
        True
    """

    def __init__(self, scores: ArrayLike, targets: ArrayLike) -> None:
        s = as_vector("scores", scores)
        t = as_vector("targets", targets)
        _same_length("scores", s, "targets", t)
        if s.size == 0:
            raise ValueError("scores must hold at least one score, got an empty array")
        if t.min() < 0 or t.max() > 1:
            raise ValueError(f"targets must lie in [0, 1], got {t.min():g} to {t.max():g}")
        self.name = "platt"
        self.label = f"Platt scaling, {s.size} scores (mean cross-entropy)"
        self.n_examples = s.size
        self.dim = 2
        self.param_names = ("a (slope)", "b (intercept)")
        self.start = _frozen([0.0, 0.0])
        self.bounds = ((-6.0, 6.0), (-6.0, 6.0))
        self.scores, self.targets = _frozen(s), _frozen(t)
        self._design = _frozen(np.column_stack([s, np.ones_like(s)]))
        self._targets = self.targets
        self._penalty = _frozen(np.zeros(2))

    @staticmethod
    def _loss(u, t):
        return t * np.logaddexp(0.0, -u) + (1.0 - t) * np.logaddexp(0.0, u)

    @staticmethod
    def _loss_d1(u, t):
        return sigmoid(u) - t

    @staticmethod
    def _loss_d2(u, t):
        return sigmoid(u) * sigmoid(-u)  # σ'(z) = σ(z)(1 − σ(z)), without cancellation


@dataclass(frozen=True)
class PlattFit:
    """A fitted Platt map p = σ(a·s + b); call :meth:`predict` on new scores.

    Attributes:
        slope: a (positive when higher scores mean "more likely positive").
        intercept: b.
        smoothing: whether Platt's smoothed targets were used.
        message: how Newton's method ended, e.g. ``"converged in 6 steps (‖∇f‖ < 1e-10)"``.

    scikit-learn's sigmoid calibrator writes the same map as 1/(1 + exp(A·s + B)), so its
    ``a_`` and ``b_`` are −a and −b.
    """

    slope: float
    intercept: float
    smoothing: bool
    message: str

    def predict(self, scores: ArrayLike) -> np.ndarray:
        """Calibrated probabilities σ(a·s + b) of class 1 for finite scores s.

        Example:
            >>> PlattFit(2.0, -1.0, True, "").predict([0.5]).tolist()
            [0.5]
        """
        s = as_vector("scores", scores)
        return sigmoid(self.slope * s + self.intercept)


def platt_scaling(scores: ArrayLike, y: ArrayLike, *, smoothing: bool = True) -> PlattFit:
    """Fit Platt's sigmoid p = σ(a·s + b) to held-out scores by maximum likelihood.

    Minimises :class:`PlattLoss` with targets t = :func:`platt_targets` (``smoothing=True``, as
    Platt and scikit-learn do) or t = y (``smoothing=False``: plain logistic regression on the
    score). Newton's method starts at a = 0, b = log((N₊ + 1)/(N₋ + 1)), the smoothed log-odds of
    the base rate, and stops when the gradient norm is below 1e-10·(1 + max |s|).

    Correspondence with scikit-learn:

    - ``smoothing=True`` is ``CalibratedClassifierCV(FrozenEstimator(clf), method="sigmoid")``
      fitted on these held-out examples, where ``clf.decision_function`` returns s; it is also
      ``LogisticRegression(penalty=None)`` fitted to each score twice, once labelled 1 with
      weight tᵢ and once labelled 0 with weight 1 − tᵢ;
    - ``smoothing=False`` is ``LogisticRegression(penalty=None)`` fitted to (s, y).

    Args:
        scores: held-out scores s (e.g. logits), finite, shape (m,), at least two distinct values.
        y: their labels in {0, 1}, shape (m,), both classes present.
        smoothing: use Platt's targets instead of the 0/1 labels.

    Returns:
        A :class:`PlattFit`.

    Raises:
        ValueError: for bad labels or scores, a single class, fewer than two distinct scores,
            or (``smoothing=False``) scores that separate the classes, where the likelihood has
            no maximum (the slope would grow without bound).

    Example:
        >>> fit = platt_scaling([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0], [0, 0, 1, 0, 1, 1])
        >>> round(fit.slope, 3), round(fit.intercept, 3), fit.predict([2.0]).round(3).tolist()
        (0.536, -0.268, [0.691])
    """
    s = as_vector("scores", scores)
    y = _labels("y", y)
    _same_length("scores", s, "y", y)
    if not isinstance(smoothing, bool):
        raise TypeError(f"smoothing must be True or False, got {smoothing!r}")
    n_pos = float(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError(
            "platt_scaling needs both classes in y: a calibration map cannot be learnt from "
            f"{'positives' if n_neg == 0 else 'negatives'} alone"
        )
    if s.min() == s.max():
        raise ValueError(
            f"scores must take at least two distinct values to fit a slope, got only {s[0]:g}"
        )
    if not smoothing:
        pos, neg = s[y == 1], s[y == 0]
        if pos.min() >= neg.max() or pos.max() <= neg.min():
            raise ValueError(
                "the scores separate the classes, so the unsmoothed likelihood has no maximum "
                "(the slope grows without bound); use smoothing=True"
            )
    targets = platt_targets(y) if smoothing else y
    start = [0.0, math.log((n_pos + 1) / (n_neg + 1))]
    tol = PLATT_TOL * (1.0 + float(np.abs(s).max()))
    traj = simulate(PlattLoss(s, targets), newton(), start, steps=100, tol=tol)
    if not traj.converged:  # not seen on any test input; say so rather than return a poor fit
        raise RuntimeError(f"Platt scaling did not converge: {traj.message}")
    a, b = (float(v) for v in traj.final_params)
    return PlattFit(slope=a, intercept=b, smoothing=smoothing, message=traj.message)


# --------------------------------------------------------------------------------------------
# Isotonic regression


def pool_adjacent_violators(y: ArrayLike, sample_weight: ArrayLike | None = None) -> np.ndarray:
    """The non-decreasing sequence ŷ closest to y in weighted least squares.

    Minimises Σᵢ wᵢ (yᵢ − ŷᵢ)² subject to ŷ₁ ≤ ŷ₂ ≤ … ≤ ŷₘ. Pool adjacent violators: walk left
    to right keeping blocks of pooled values, each fitted by its weighted mean; when a new
    block's mean is below the previous block's, the two violate the order, so pool them into one
    block (whose mean is their weighted mean) and check again against the block before. Every
    value is pooled at most once, so it takes O(m) steps. Equals
    ``sklearn.isotonic.isotonic_regression(y, sample_weight=w)`` up to rounding.

    Args:
        y: finite values, shape (m,), m ≥ 1.
        sample_weight: positive finite weights, shape (m,); ``None`` weighs every value 1.

    Returns:
        ŷ, shape (m,), non-decreasing.

    Example:
        >>> pool_adjacent_violators([1.0, 3.0, 2.0, 4.0, 0.0]).tolist()
        [1.0, 2.25, 2.25, 2.25, 2.25]
    """
    y = as_vector("y", y)
    if y.size == 0:
        raise ValueError("y must hold at least one value, got an empty array")
    w = _weights(sample_weight, y.size)
    # a block: [Σ w·y, Σ w, number of values]; its fitted value is the weighted mean
    blocks: list[list[float]] = []
    for value, weight in zip(y.tolist(), w.tolist(), strict=True):
        blocks.append([weight * value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight_sum, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight_sum
            blocks[-1][2] += count
    means = [total / weight_sum for total, weight_sum, _ in blocks]
    return np.repeat(means, [count for _, _, count in blocks])


@dataclass(frozen=True, eq=False)
class IsotonicFit:
    """A fitted non-decreasing map from score to value; call :meth:`predict` on new scores.

    Attributes:
        x_thresholds: increasing scores where the map's pieces meet.
        y_thresholds: its non-decreasing values there.

    Between thresholds the map is linear, beyond them constant (the end values), as
    ``sklearn.isotonic.IsotonicRegression(out_of_bounds="clip")`` predicts, which is what
    ``CalibratedClassifierCV(method="isotonic")`` uses.
    """

    x_thresholds: np.ndarray
    y_thresholds: np.ndarray

    def predict(self, scores: ArrayLike) -> np.ndarray:
        """The map at finite scores: linear interpolation, clipped at both ends.

        Example:
            >>> IsotonicFit(np.array([0.0, 1.0]), np.array([0.2, 0.6])).predict(
            ...     [-1.0, 0.5, 2.0]).tolist()
            [0.2, 0.4, 0.6]
        """
        s = as_vector("scores", scores)
        return np.interp(s, self.x_thresholds, self.y_thresholds)


def isotonic_regression(
    x: ArrayLike, y: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> IsotonicFit:
    """Fit the best non-decreasing function of x to y (least squares), e.g. labels on scores.

    Sort by x; examples with equal x must get the same fitted value, so they are first replaced
    by one point holding their weighted mean of y and their total weight; then
    :func:`pool_adjacent_violators` fits the pooled values. Points inside a flat run are dropped
    (they do not change the interpolated map). On labels y ∈ {0, 1} the fitted values are
    fractions of positives, i.e. calibrated probabilities.

    The result equals ``sklearn.isotonic.IsotonicRegression(out_of_bounds="clip")`` fitted to
    the same data (its ``X_thresholds_``, ``y_thresholds_`` and predictions) up to rounding,
    with one difference: scikit-learn also pools distinct x closer than 1e-15; here only equal
    x are tied.

    Args:
        x: finite scores, shape (m,), m ≥ 1.
        y: finite values (labels 0/1 for calibration), shape (m,).
        sample_weight: positive finite weights, shape (m,), or ``None``.

    Returns:
        An :class:`IsotonicFit`.

    Example:
        >>> fit = isotonic_regression([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1])
        >>> fit.x_thresholds.tolist(), fit.y_thresholds.tolist()
        ([0.1, 0.2, 0.3, 0.4], [0.0, 0.5, 0.5, 1.0])
    """
    x, y = as_vector("x", x), as_vector("y", y)
    _same_length("x", x, "y", y)
    if x.size == 0:
        raise ValueError("x must hold at least one score, got an empty array")
    w = _weights(sample_weight, x.size)
    unique_x, tie = np.unique(x, return_inverse=True)  # sorted; tie[i] = position of x[i]
    weight = np.bincount(tie, weights=w)
    mean_y = np.bincount(tie, weights=w * y) / weight
    fitted = pool_adjacent_violators(mean_y, weight)
    # keep the ends and every point where the value changes on either side
    keep = np.ones(fitted.size, dtype=bool)
    keep[1:-1] = (fitted[1:-1] != fitted[:-2]) | (fitted[1:-1] != fitted[2:])
    return IsotonicFit(_frozen(unique_x[keep]), _frozen(fitted[keep]))


def _frozen(values: ArrayLike) -> np.ndarray:
    arr = np.array(values, dtype=float)
    arr.setflags(write=False)
    return arr


def _weights(sample_weight: ArrayLike | None, m: int) -> np.ndarray:
    if sample_weight is None:
        return np.ones(m)
    w = as_vector("sample_weight", sample_weight, dim=m)
    if w.min() <= 0:
        raise ValueError(f"sample_weight must be positive, got a smallest weight of {w.min():g}")
    return w
