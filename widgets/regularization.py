"""Penalised logistic regression: L2, L1 and elastic-net penalties, fits and regularisation paths.

The penalty of strength τ ≥ 0 (the course writes τ for it and keeps λ for eigenvalues) follows
glmnet and scikit-learn, the bias never penalised:

    L2            (τ/2)‖w‖²                     LogisticLoss(l2=τ)
    L1            τ‖w‖₁                          LogisticLoss(l1=τ)
    elastic net   τ(r‖w‖₁ + (1 − r)/2·‖w‖²)      LogisticLoss(l1=rτ, l2=(1 − r)τ)

:func:`fit_penalized` minimises such a loss (or a ``SoftmaxLoss``) to a stated tolerance on the
optimality residual; :func:`regularization_path` does it for many τ, each fit starting from the
previous one. Pure NumPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._blas import single_threaded
from ._validate import as_vector, check_choice, check_int, check_real
from .objectives import DataObjective, LogisticLoss, _min_norm_subgradient

__all__ = [
    "PENALTIES",
    "PenalizedFit",
    "RegularizationPath",
    "fit_penalized",
    "penalty_strengths",
    "regularization_path",
    "to_sklearn_c",
]

#: the penalty names of :func:`regularization_path`, as scikit-learn spells them
PENALTIES = ("l2", "l1", "elasticnet")

_ARMIJO = 1e-4  # sufficient-decrease constant of the line search
_HALVINGS = 40  # step halvings before the line search gives up (2^-40 ≈ 1e-12)
_DAMPING = 0.1  # Levenberg–Marquardt damping δ = _DAMPING · max|r| added to the Hessian


def penalty_strengths(penalty: str, strength: float, l1_ratio: float = 0.5) -> tuple[float, float]:
    """The (l1, l2) strengths of ``LogisticLoss`` for a named penalty of strength τ.

    "l2" → (0, τ); "l1" → (τ, 0); "elasticnet" → (rτ, (1 − r)τ), so that the penalty is
    τ(r‖w‖₁ + (1 − r)/2·‖w‖²): glmnet's α is r and its λ is τ; scikit-learn's ``l1_ratio`` is r.

    Args:
        penalty: "l2", "l1" or "elasticnet".
        strength: τ ≥ 0.
        l1_ratio: r in [0, 1] (used by "elasticnet" only, but checked always).

    Returns:
        ``(l1, l2)``.

    Example:
        >>> penalty_strengths("elasticnet", 0.1, l1_ratio=0.25)
        (0.025, 0.07500000000000001)
    """
    check_choice("penalty", penalty, PENALTIES)
    tau = check_real("strength", strength, low=0.0)
    rho = check_real("l1_ratio", l1_ratio, low=0.0, high=1.0)
    if penalty == "l2":
        return 0.0, tau
    if penalty == "l1":
        return tau, 0.0
    return rho * tau, (1.0 - rho) * tau


def to_sklearn_c(strength: float, total_weight: float) -> float:
    """scikit-learn's ``C`` for our strength τ: C = 1/(τ Σᵢ sᵢ), i.e. 1/(τ m) without weights.

    ``LogisticRegression(C=C)`` minimises C Σᵢ sᵢℓᵢ + r(w); divided by C Σᵢ sᵢ that is the
    weighted mean loss plus r(w)/(C Σᵢ sᵢ), our objective with τ = 1/(C Σᵢ sᵢ). τ = 0 (no
    penalty) is C = inf.

    Args:
        strength: τ ≥ 0.
        total_weight: Σᵢ sᵢ > 0, the number of examples m when every weight is 1.

    Example:
        >>> to_sklearn_c(0.01, 569)
        0.17574692442882248
    """
    tau = check_real("strength", strength, low=0.0)
    total = check_real("total_weight", total_weight, low=0.0, low_open=True)
    return math.inf if tau == 0.0 else 1.0 / (tau * total)


@dataclass(frozen=True, eq=False)
class PenalizedFit:
    """The result of :func:`fit_penalized`.

    Attributes:
        params: the parameters reached, shape (d,).
        converged: True when ``residual`` ≤ ``tol``.
        n_iter: Newton iterations taken.
        residual: max |r| with r the minimum-norm subgradient of F at ``params`` (the gradient
            for a smooth F): 0 exactly at the minimiser, and ‖params − θ*‖ ≤ ‖r‖₂/μ when F is
            μ-strongly convex.
        tol: the tolerance asked for.
        message: one line for the reader.
    """

    params: np.ndarray
    converged: bool
    n_iter: int
    residual: float
    tol: float
    message: str


def fit_penalized(
    loss: DataObjective,
    start: ArrayLike | None = None,
    *,
    tol: float = 1e-8,
    max_iter: int = 100,
) -> PenalizedFit:
    """Minimise a logistic or softmax loss with L2 and L1 penalties to max |r| ≤ ``tol``.

    Orthant-wise Newton: at θ with smooth gradient g, the minimum-norm subgradient r of F is the
    steepest-descent direction's negative, 0 exactly at the minimiser. The free parameters are
    those that are non-zero or have r ≠ 0 (a zero with |gⱼ| ≤ τ₁ stays at 0); on them F is smooth
    within the orthant sign(θⱼ) (−sign(rⱼ) for a zero that starts to move), where the damped
    Newton step is d = −(H + δI)⁻¹r with δ = 0.1·max|r| (Levenberg–Marquardt: δ → 0 at the
    solution, but it keeps the step finite along directions where H is singular and F is linear,
    such as softmax's shift of every class's weights under an L1 penalty). A backtracking line
    search on F takes θ + t·d with every coordinate that would cross 0 set to exactly 0; if it
    finds no decrease, a proximal-gradient step of length 1/L (which always decreases F) is taken
    instead. Near the solution the signs stop changing and the steps become Newton steps, so the
    residual falls superlinearly. Without an L1 part this is a damped Newton method.

    Args:
        loss: a ``LogisticLoss`` or ``SoftmaxLoss`` (with its own l1 and l2).
        start: starting parameters, shape (d,); ``None`` starts at 0.
        tol: tolerance > 0 on max |r|.
        max_iter: iterations allowed, ≥ 1.

    Returns:
        A :class:`PenalizedFit`.

    Example:
        >>> from widgets.objectives import LogisticLoss
        >>> loss = LogisticLoss([[2.0], [1.0], [-1.0], [-2.0]], [1, 0, 1, 0], l1=0.3)
        >>> fit = fit_penalized(loss)
        >>> fit.converged, fit.params.tolist()  # |∂f/∂w| = 0.25 ≤ 0.3 at 0: exactly 0
        (True, [0.0, 0.0])

    Reference: G. Andrew, J. Gao, "Scalable training of L1-regularized log-linear models", ICML
    2007 (the orthant-wise step); J. D. Lee, Y. Sun, M. A. Saunders, "Proximal Newton-type
    methods for minimizing composite functions", SIAM J. Optim. 24(3), 2014.
    """
    if not isinstance(loss, DataObjective) or not hasattr(loss, "lipschitz"):
        raise TypeError(f"loss must be a LogisticLoss or SoftmaxLoss, got {type(loss).__name__}")
    w = np.zeros(loss.dim) if start is None else as_vector("start", start, loss.dim).copy()
    tol = check_real("tol", tol, low=0.0, low_open=True)
    max_iter = check_int("max_iter", max_iter, low=1)
    with single_threaded(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        w, n_iter, res = _minimize(loss, w, tol, max_iter)
    converged = res <= tol
    if converged:
        message = f"converged in {n_iter} iterations (max |r| = {res:.1e} ≤ {tol:.0e})"
    else:
        message = f"not converged after {n_iter} iterations (max |r| = {res:.1e} > {tol:.0e})"
    w.setflags(write=False)
    return PenalizedFit(w, bool(converged), n_iter, float(res), tol, message)


def _minimize(loss: DataObjective, w: np.ndarray, tol: float, max_iter: int):
    """The iterations of :func:`fit_penalized`; returns (θ, iterations, residual)."""
    l1 = loss._l1
    penalised = None if l1 is None else l1 > 0
    value = loss._value
    f = float(value(w))
    res = math.inf
    for it in range(max_iter + 1):
        g = loss._smooth_grad(w)
        r = g if l1 is None else _min_norm_subgradient(w, g, l1)
        res = float(np.max(np.abs(r)))
        if res <= tol or it == max_iter or not math.isfinite(res):
            return w, it, res
        free = (w != 0.0) | (r != 0.0)
        d = np.zeros_like(w)
        d[free] = -_solve_psd(loss._hessian(w)[np.ix_(free, free)], r[free], _DAMPING * res)
        if penalised is not None:
            orthant = np.where(w != 0.0, np.sign(w), -np.sign(r))
            d[penalised & (w == 0.0) & (np.sign(d) != orthant)] = 0.0  # zeros move one way only
        slope = float(r @ d)
        w_new = None
        if slope < 0.0:
            t = 1.0
            for _ in range(_HALVINGS):
                trial = w + t * d
                if penalised is not None:
                    trial[penalised & (np.sign(trial) != orthant)] = 0.0  # stop at 0, exactly
                f_trial = float(value(trial))
                if f_trial <= f + _ARMIJO * float(r @ (trial - w)):
                    w_new, f_new = trial, f_trial
                    break
                if f_trial <= f + 4 * np.finfo(float).eps * abs(f):  # F flat to rounding here
                    g_t = loss._smooth_grad(trial)
                    r_t = g_t if l1 is None else _min_norm_subgradient(trial, g_t, l1)
                    if np.max(np.abs(r_t)) < res:  # then let the residual decide
                        w_new, f_new = trial, f_trial
                        break
                t *= 0.5
        if w_new is None:  # a proximal-gradient step decreases F for any step ≤ 1/L
            step = 1.0 / loss.lipschitz
            w_new = loss._prox(w - step * g, step)
            f_new = float(value(w_new))
        w, f = w_new, f_new
    return w, max_iter, res


def _solve_psd(H: np.ndarray, r: np.ndarray, damping: float) -> np.ndarray:
    """(H + δI)⁻¹r for a symmetric positive semidefinite H and δ ≥ 0 (eigenvalues clipped at 0)."""
    lam, Q = np.linalg.eigh(H)
    return Q @ ((Q.T @ r) / (np.maximum(lam, 0.0) + damping))


@dataclass(frozen=True, eq=False)
class RegularizationPath:
    """Penalised logistic fits for many strengths τ: the result of :func:`regularization_path`.

    Attributes:
        lambdas: the values of τ, shape (n,), in the order given.
        coef: the weights at each τ, shape (n, p); L1 zeros are exact zeros.
        intercept: the bias at each τ, shape (n,) (zeros without ``fit_bias``).
        converged: whether each fit reached ``residual`` ≤ ``tol``, shape (n,).
        n_iter: Newton iterations of each fit, shape (n,).
        residual: the optimality residual max |r| of each fit, shape (n,).
        penalty, l1_ratio, tol: the settings used.
    """

    lambdas: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    converged: np.ndarray
    n_iter: np.ndarray
    residual: np.ndarray
    penalty: str
    l1_ratio: float
    tol: float

    @property
    def n_nonzero(self) -> np.ndarray:
        """The number of non-zero weights at each τ, shape (n,)."""
        return np.count_nonzero(self.coef, axis=1)

    @property
    def message(self) -> str:
        """One line: how many fits converged, and which did not."""
        n, ok = len(self.lambdas), int(self.converged.sum())
        if ok == n:
            return f"all {n} fits converged (max |r| ≤ {self.tol:.0e})"
        bad = ", ".join(f"{t:.3g}" for t in self.lambdas[~self.converged][:5])
        return f"{n - ok} of {n} fits did not converge (max |r| > {self.tol:.0e}) at τ = {bad}"


def regularization_path(
    X: ArrayLike,
    y: ArrayLike,
    lambdas: ArrayLike,
    penalty: str = "l2",
    l1_ratio: float = 0.5,
    *,
    fit_bias: bool = True,
    sample_weight: ArrayLike | None = None,
    tol: float = 1e-8,
    max_iter: int = 100,
) -> RegularizationPath:
    """Penalised logistic regression for every strength τ in ``lambdas``, warm-started.

    Each fit minimises the mean logistic loss plus the penalty (see the module docstring) with
    :func:`fit_penalized`, to max |r| ≤ ``tol`` on the minimum-norm subgradient r; a fit that
    does not get there within ``max_iter`` iterations is marked in ``converged`` (and named in
    ``message``), never hidden. The fits run from the largest τ to the smallest, each starting
    from the previous solution: the path is continuous in τ, so a few Newton steps suffice, and
    at the largest τ the L1 solution is often all zeros. The result keeps the order given.

    Args:
        X: features, shape (m, p), finite (standardise them: a penalty treats all alike).
        y: labels in {0, 1}, shape (m,).
        lambdas: the values of τ ≥ 0, shape (n,). (τ is the course's symbol for the strength.)
        penalty: "l2", "l1" or "elasticnet".
        l1_ratio: the elastic net's r in [0, 1].
        fit_bias: whether to fit an (unpenalised) intercept.
        sample_weight: example weights (see ``LogisticLoss``), or ``None``.
        tol: tolerance > 0 on max |r|, in the units of the mean loss's gradient.
        max_iter: iterations allowed per fit.

    Returns:
        A :class:`RegularizationPath`.

    Example:
        >>> from widgets.data import load_wdbc
        >>> data = load_wdbc()
        >>> path = regularization_path(data.X, data.y, [0.1, 0.01], penalty="l1")
        >>> path.n_nonzero.tolist(), bool(path.converged.all())
        ([4, 9], True)
    """
    loss = LogisticLoss(X, y, fit_bias=fit_bias, sample_weight=sample_weight)
    taus = as_vector("lambdas", lambdas)
    if taus.size == 0:
        raise ValueError("lambdas must hold at least one value of τ, got an empty array")
    if np.any(taus < 0):
        i = int(np.argmax(taus < 0))
        raise ValueError(f"lambdas must hold values of τ in [0, inf), got {taus[i]} at index {i}")
    penalty_strengths(penalty, 0.0, l1_ratio)  # validates penalty and l1_ratio
    tol = check_real("tol", tol, low=0.0, low_open=True)
    max_iter = check_int("max_iter", max_iter, low=1)

    n, p = len(taus), loss.X.shape[1]
    coef, intercept = np.zeros((n, p)), np.zeros(n)
    converged, n_iter, residual = np.zeros(n, bool), np.zeros(n, int), np.zeros(n)
    w = np.zeros(loss.dim)
    with single_threaded(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in np.argsort(-taus, kind="stable"):
            l1, l2 = penalty_strengths(penalty, float(taus[i]), l1_ratio)
            w, n_iter[i], residual[i] = _minimize(loss.with_penalty(l1=l1, l2=l2), w, tol, max_iter)
            converged[i] = residual[i] <= tol
            coef[i] = w[:p]
            intercept[i] = w[p] if fit_bias else 0.0
    arrays = [taus, coef, intercept, converged, n_iter, residual]
    for a in arrays:
        a.setflags(write=False)
    return RegularizationPath(*arrays, penalty=penalty, l1_ratio=float(l1_ratio), tol=tol)
