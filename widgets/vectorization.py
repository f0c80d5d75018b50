"""From two loops to none: the logistic-regression gradient three ways, and how long each takes.

The gradient of the mean cross-entropy over m examples with p features is

    ∂J/∂w = (1/m) Σᵢ (aᵢ − yᵢ) xᵢ,   ∂J/∂b = (1/m) Σᵢ (aᵢ − yᵢ),   aᵢ = σ(w·xᵢ + b).

- :func:`gradient_two_loops` is the textbook first version: a loop over the examples and, inside
  it, a loop over the features, one multiplication at a time in Python;
- :func:`gradient_one_loop` keeps the loop over examples but does each example's p features at
  once with NumPy;
- :func:`gradient_vectorized` has no loop: Xᵀ(σ(Xw + b) − y)/m.

All three compute the same numbers (up to rounding). :class:`GradientTimer` measures them in the
running process and, for a run that would take too long, predicts its time from the runs it did
measure, so an explorer can show the whole curve without ever blocking for long.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_vector, check_choice, check_int, check_real, check_rng
from .data import _as_labels, _as_matrix
from .objectives import sigmoid

__all__ = [
    "GRADIENTS",
    "GradientTimer",
    "Timing",
    "gradient_one_loop",
    "gradient_two_loops",
    "gradient_vectorized",
]


def _scalar_sigmoid(z: float) -> float:
    """σ(z) for one Python float, without overflow (as ``widgets.objectives.sigmoid``)."""
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0.0 else e / (1.0 + e)


def gradient_two_loops(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float
) -> tuple[np.ndarray, float]:
    """The gradient (∂J/∂w, ∂J/∂b) with a loop over examples and one over features.

    For each example i: zᵢ = b + Σⱼ wⱼ xᵢⱼ (a loop over j), aᵢ = σ(zᵢ), dzᵢ = aᵢ − yᵢ, then
    dwⱼ += xᵢⱼ dzᵢ for every j (a second loop over j); finally dw /= m, db /= m. The data are
    turned into Python lists first, so the loops run on Python floats, not on NumPy scalars
    (which would make them several times slower still).

    Args:
        X: features, shape (m, p). y: labels in {0, 1}, shape (m,).
        w: weights, shape (p,). b: the bias.

    Returns:
        ``(dw, db)``: an array of shape (p,) and a float.

    Example:
        >>> dw, db = gradient_two_loops([[1.0, 2.0], [3.0, -1.0]], [1, 0], [0.0, 0.0], 0.0)
        >>> dw.tolist(), db  # a = σ(0) = ½ for both: dz = (−½, ½)
        ([0.5, -0.75], 0.0)
    """
    X, y, w, b = _check(X, y, w, b)
    m, p = X.shape
    rows, labels, weights = X.tolist(), y.tolist(), w.tolist()
    dw = [0.0] * p
    db = 0.0
    for i in range(m):
        x = rows[i]
        z = b
        for j in range(p):
            z += weights[j] * x[j]
        dz = _scalar_sigmoid(z) - labels[i]
        for j in range(p):
            dw[j] += x[j] * dz
        db += dz
    return np.array(dw) / m, db / m


def gradient_one_loop(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float
) -> tuple[np.ndarray, float]:
    """The gradient with one loop over examples, each example's features done by NumPy:
    zᵢ = xᵢ·w + b, dw += (σ(zᵢ) − yᵢ) xᵢ.

    Example:
        >>> dw, db = gradient_one_loop([[1.0, 2.0], [3.0, -1.0]], [1, 0], [0.0, 0.0], 0.0)
        >>> dw.tolist(), db
        ([0.5, -0.75], 0.0)
    """
    X, y, w, b = _check(X, y, w, b)
    m, p = X.shape
    dw = np.zeros(p)
    db = 0.0
    for i in range(m):
        dz = _scalar_sigmoid(float(X[i] @ w) + b) - y[i]
        dw += dz * X[i]
        db += dz
    return dw / m, float(db) / m


def gradient_vectorized(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float
) -> tuple[np.ndarray, float]:
    """The gradient with no loop: dz = σ(Xw + b) − y, dw = Xᵀdz/m, db = mean(dz).

    This is lesson 02's Xᵀ(σ − y)/m, the gradient of ``widgets.objectives.LogisticLoss``.

    Example:
        >>> dw, db = gradient_vectorized([[1.0, 2.0], [3.0, -1.0]], [1, 0], [0.0, 0.0], 0.0)
        >>> dw.tolist(), db
        ([0.5, -0.75], 0.0)
    """
    X, y, w, b = _check(X, y, w, b)
    dz = sigmoid(X @ w + b) - y
    return X.T @ dz / X.shape[0], float(dz.mean())


#: the three versions, by name, in the order of the lesson
GRADIENTS: dict[str, Callable[..., tuple[np.ndarray, float]]] = {
    "two_loops": gradient_two_loops,
    "one_loop": gradient_one_loop,
    "vectorized": gradient_vectorized,
}


def _check(X, y, w, b):
    X = _as_matrix("X", X)
    return X, _as_labels("y", y, X.shape[0]), as_vector("w", w, X.shape[1]), check_real("b", b)


# -------------------------------------------------------------------------------------------
# Timing


@dataclass(frozen=True, eq=False)
class Timing:
    """Times of one gradient version over a range of m, each measured or predicted.

    Attributes:
        method: a key of ``GRADIENTS``.
        features: the number of features p.
        m: (k,) the numbers of examples, increasing.
        seconds: (k,) the time of one gradient for each m.
        measured: (k,) True where the time was measured in this process, False where it was
            predicted from smaller measured runs because running it would exceed the budget.
    """

    method: str
    features: int
    m: np.ndarray
    seconds: np.ndarray
    measured: np.ndarray


class GradientTimer:
    """Measures the gradient versions in this process; predicts the runs that would be too slow.

    A loop over m examples costs about m times the cost of one example, so the time of a run is
    predicted from the largest run measured so far (same version, same p, m' < m) as
    t(m) ≈ t(m') · m/m'. That over-estimates slightly (a fixed start-up cost is scaled too), so the
    rule errs on the side of not running. A run whose prediction exceeds ``budget`` seconds is not
    run; its predicted time is reported and marked as such. Every measurement is kept, so asking
    again costs nothing and a figure drawn from the timer does not flicker.

    Args:
        budget: the longest single run allowed, in seconds (> 0).
        seed: seeds the random data the gradients are timed on.
        measure: ``(method, m, p) -> seconds``, replacing the clock (for tests).

    Example:
        >>> timer = GradientTimer(budget=0.01)
        >>> curve = timer.curve("two_loops", features=2, m=[10, 100, 100_000])
        >>> curve.measured.tolist()  # 100 000 examples in pure Python: predicted, not run
        [True, True, False]
    """

    #: runs shorter than this are timed again, three times, each repeated for ``MIN_TOTAL`` s
    REPEAT_BELOW = 0.02
    MIN_TOTAL = 2e-3
    #: the largest m and p timed: the data are one (MAX_M, MAX_FEATURES) array (8 MB)
    MAX_M = 100_000
    MAX_FEATURES = 10

    def __init__(
        self,
        budget: float = 0.3,
        *,
        seed: int | np.random.Generator = 0,
        measure: Callable[[str, int, int], float] | None = None,
    ) -> None:
        self.budget = check_real("budget", budget, low=0.0, low_open=True)
        self._rng = check_rng("seed", seed)
        self._measure = self._clock if measure is None else measure
        self._times: dict[tuple[str, int], dict[int, float]] = {}
        self._data: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._columns: np.ndarray | None = None

    def time(
        self, method: str, m: int, features: int, *, budget: float | None = None
    ) -> tuple[float, bool]:
        """``(seconds, measured)`` for one gradient of ``method`` on m examples, p features.

        ``budget`` overrides the timer's budget for this run (e.g. a smaller one for the points
        of a curve than for the setting a learner chose).
        """
        method = check_choice("method", method, GRADIENTS)
        m = check_int("m", m, low=1, high=self.MAX_M)
        p = check_int("features", features, low=1, high=self.MAX_FEATURES)
        limit = self.budget if budget is None else check_real("budget", budget, low=0.0)
        known = self._times.setdefault((method, p), {})
        if m in known:
            return known[m], True
        predicted = self.predict(method, m, p)
        if predicted > limit:
            return predicted, False
        known[m] = seconds = float(self._measure(method, m, p))
        return seconds, True

    def predict(self, method: str, m: int, features: int) -> float:
        """t(m') · m/m' from the largest measured m' < m (0.0 when nothing smaller was run)."""
        known = self._times.get((method, features), {})
        smaller = [k for k in known if k < m]
        if not smaller:
            return 0.0
        largest = max(smaller)
        return known[largest] * m / largest

    def curve(
        self, method: str, features: int, m: ArrayLike, *, budget: float | None = None
    ) -> Timing:
        """Times for every m in ``m``, from the smallest up, so each prediction has the smaller
        measured runs to go on."""
        ms = np.unique(np.asarray(m, dtype=int))
        if ms.size == 0 or ms.size != np.size(m):
            raise ValueError(f"m must be distinct numbers of examples, got {m!r}")
        results = [self.time(method, int(k), features, budget=budget) for k in ms]
        seconds = np.array([s for s, _ in results])
        measured = np.array([ok for _, ok in results])
        for a in (ms, seconds, measured):
            a.setflags(write=False)
        return Timing(method, int(features), ms, seconds, measured)

    def data(self, m: int, features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """The first m examples and p features of the timer's random data: (X, y, w, b).

        Drawn once from the timer's seed, so every version and every m is timed on the same
        numbers; X is contiguous, as a learner's own array would be (one copy, for the latest p).
        """
        if self._data is None:
            X = self._rng.normal(size=(self.MAX_M, self.MAX_FEATURES))
            y = (self._rng.random(self.MAX_M) < 0.5).astype(float)
            w = self._rng.normal(size=self.MAX_FEATURES)
            for a in (X, y, w):
                a.setflags(write=False)
            self._data = (X, y, w)
        X, y, w = self._data
        if self._columns is None or self._columns.shape[1] != features:
            self._columns = np.ascontiguousarray(X[:, :features])
            self._columns.setflags(write=False)
        return self._columns[:m], y[:m], w[:features], 0.5

    def _clock(self, method: str, m: int, p: int) -> float:
        """The shortest of several timings of one call (others' processes only add time).

        A run shorter than ``REPEAT_BELOW`` is timed three more times, each time repeated to
        last ``MIN_TOTAL`` s at least, so that the clock's resolution does not matter.
        """
        fn = GRADIENTS[method]
        args = self.data(m, p)
        start = time.perf_counter()
        fn(*args)
        best = time.perf_counter() - start
        if best >= self.REPEAT_BELOW:
            return best
        number = max(1, math.ceil(self.MIN_TOTAL / max(best, 1e-7)))
        for _ in range(3):
            start = time.perf_counter()
            for _ in range(number):
                fn(*args)
            best = min(best, (time.perf_counter() - start) / number)
        return best
