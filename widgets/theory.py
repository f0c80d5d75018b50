"""Closed-form convergence theory of gradient descent and heavy-ball momentum on quadratics.

For f(w) = ½ wᵀAw with A symmetric positive definite, write A = V diag(λ₁ ≤ … ≤ λ_d) Vᵀ. In the
eigenbasis c = Vᵀw, one gradient-descent step with rate α is

    c_i ← (1 − αλ_i) c_i,

so each eigendirection shrinks (or grows) by exactly |1 − αλ_i| per step, independently of the
others. Everything in this module follows from that line:

- stable band: every factor is < 1 exactly when 0 < α < 2/λmax;
- best fixed rate: α* = 2/(λmin + λmax) balances the two extreme factors, giving the contraction
  (κ − 1)/(κ + 1) with κ = λmax/λmin;
- heavy-ball momentum (PyTorch ``SGD(momentum=μ)``: v ← μv + g, w ← w − αv, which is the same as
  w_{t+1} = w_t − α∇f(w_t) + μ(w_t − w_{t−1})) is fastest with μ* = ((√κ − 1)/(√κ + 1))² and
  α* = 4/(√λmax + √λmin)², contracting by √μ* = (√κ − 1)/(√κ + 1) per step (Polyak 1964).

Reference: B. T. Polyak, *Introduction to Optimization* (1987), §1.4 and §3.2; G. Goh, "Why momentum
really works", Distill (2017), doi:10.23915/distill.00006.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._validate import check_real

__all__ = ["QuadraticTheory", "quadratic_theory"]


@dataclass(frozen=True, eq=False)
class QuadraticTheory:
    """Closed-form facts about gradient descent on f(w) = ½ wᵀAw.

    Build it with :func:`quadratic_theory` (from a matrix) or :meth:`from_objective` (from a
    quadratic objective with an ``A`` matrix or a ``curvature``).

    Attributes:
        A: the symmetric positive-definite matrix, shape (d, d).
        eigenvalues: λ₁ ≤ … ≤ λ_d, ascending, shape (d,).
        eigenvectors: orthonormal columns, ``eigenvectors[:, i]`` belongs to ``eigenvalues[i]``.

    Example:
        >>> th = quadratic_theory([[1.0, 0.0], [0.0, 10.0]])
        >>> th.condition_number, th.best_lr, round(th.best_rate, 4)
        (10.0, 0.18181818181818182, 0.8182)
        >>> th.classify(0.05), th.classify(0.15), th.classify(0.25)
        ('converges', 'oscillates', 'diverges')
    """

    A: np.ndarray
    eigenvalues: np.ndarray = field(init=False)
    eigenvectors: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        A = _check_spd("A", self.A)
        lam, vec = np.linalg.eigh(A)  # eigh returns ascending eigenvalues
        for name, value in (("A", A), ("eigenvalues", lam), ("eigenvectors", vec)):
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @classmethod
    def from_matrix(cls, A: object) -> QuadraticTheory:
        """Theory for f(w) = ½ wᵀAw; ``A`` must be symmetric positive definite."""
        return cls(A)  # type: ignore[arg-type]

    @classmethod
    def from_objective(cls, objective: object) -> QuadraticTheory:
        """Theory for a quadratic objective: with a matrix ``A`` (2-D) or a ``curvature`` (1-D)."""
        A = getattr(objective, "A", None)
        if A is None and getattr(objective, "curvature", None) is not None:
            A = [[objective.curvature]]  # type: ignore[attr-defined]
        if A is None:
            raise TypeError(
                "objective must be a quadratic with a matrix 'A' or a 'curvature' "
                f"(e.g. Quadratic2D, Quadratic1D), got {type(objective).__name__}"
            )
        return cls(A)

    # -- spectrum -------------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Number of parameters d."""
        return int(self.eigenvalues.shape[0])

    @property
    def lambda_min(self) -> float:
        """Smallest eigenvalue (flattest direction)."""
        return float(self.eigenvalues[0])

    @property
    def lambda_max(self) -> float:
        """Largest eigenvalue (steepest direction)."""
        return float(self.eigenvalues[-1])

    @property
    def condition_number(self) -> float:
        """κ = λmax / λmin (1 for a round bowl; large for a narrow valley)."""
        return self.lambda_max / self.lambda_min

    # -- plain gradient descent -----------------------------------------------------------------
    @property
    def stable_lr_max(self) -> float:
        """2/λmax: gradient descent converges for every start exactly when 0 < α < 2/λmax."""
        return 2.0 / self.lambda_max

    @property
    def stable_band(self) -> tuple[float, float]:
        """The open interval (0, 2/λmax) of learning rates for which gradient descent converges."""
        return (0.0, self.stable_lr_max)

    @property
    def best_lr(self) -> float:
        """α* = 2/(λmin + λmax), the fixed rate with the smallest worst-case factor."""
        return 2.0 / (self.lambda_min + self.lambda_max)

    @property
    def best_rate(self) -> float:
        """(κ − 1)/(κ + 1) = rate(best_lr): the error shrinks at least this much per step."""
        kappa = self.condition_number
        return (kappa - 1.0) / (kappa + 1.0)

    def factors(self, lr: float | np.ndarray) -> np.ndarray:
        """Per-eigendirection factors |1 − αλ_i|; ``lr`` of shape (...) gives shape (..., d)."""
        lr = _check_lrs("lr", lr)
        return np.abs(1.0 - lr[..., np.newaxis] * self.eigenvalues)

    def rate(self, lr: float | np.ndarray) -> float | np.ndarray:
        """max_i |1 − αλ_i|: asymptotic contraction of ‖w − w*‖ per step (≥ 1: no convergence)."""
        out = self.factors(lr).max(axis=-1)
        return float(out) if out.ndim == 0 else out

    def classify(self, lr: float) -> str:
        """Describe gradient descent at rate ``lr``.

        Returns:
            ``"converges"`` when every factor 1 − αλ_i is in [0, 1) (monotone approach,
            α ≤ 1/λmax); ``"oscillates"`` when it converges but some direction flips sign each step
            (1/λmax < α < 2/λmax); ``"diverges"`` when α ≥ 2/λmax (at α = 2/λmax exactly the
            steepest direction bounces with constant amplitude and never converges).
        """
        lr = check_real("lr", lr, low=0.0, low_open=True)
        signed = 1.0 - lr * self.eigenvalues
        if np.max(np.abs(signed)) >= 1.0:
            return "diverges"
        return "oscillates" if np.min(signed) < 0.0 else "converges"

    # -- heavy-ball momentum --------------------------------------------------------------------
    @property
    def momentum_rate(self) -> float:
        """(√κ − 1)/(√κ + 1): contraction per step of heavy ball with the best momentum and rate."""
        root = math.sqrt(self.condition_number)
        return (root - 1.0) / (root + 1.0)

    @property
    def best_momentum(self) -> float:
        """μ* = ((√κ − 1)/(√κ + 1))², Polyak's optimal heavy-ball momentum."""
        return self.momentum_rate**2

    @property
    def best_momentum_lr(self) -> float:
        """α* = 4/(√λmax + √λmin)², the rate that goes with :attr:`best_momentum`."""
        return 4.0 / (math.sqrt(self.lambda_max) + math.sqrt(self.lambda_min)) ** 2

    def momentum_factors(self, lr: float | np.ndarray, momentum: float) -> np.ndarray:
        """Per-eigendirection contraction of heavy ball: spectral radius of each 2×2 iteration.

        In eigendirection i the pair (c_t, c_{t−1}) evolves by the matrix
        [[1 + μ − αλ_i, −μ], [1, 0]]; its eigenvalues are the roots z of
        z² − (1 + μ − αλ_i) z + μ = 0 and the factor is max |z|. With μ = 0 this is |1 − αλ_i|.
        ``lr`` of shape (...) gives shape (..., d), as for :meth:`factors`.
        """
        lr = check_real("lr", lr, low=0.0, low_open=True) if np.ndim(lr) == 0 else lr
        lr = _check_lrs("lr", lr)
        mu = check_real("momentum", momentum, low=0.0, high=1.0, high_open=True)
        b = 1.0 + mu - lr[..., np.newaxis] * self.eigenvalues
        disc = (b * b - 4.0 * mu).astype(complex)
        roots = np.stack([(b + np.sqrt(disc)) / 2.0, (b - np.sqrt(disc)) / 2.0])
        return np.abs(roots).max(axis=0)

    def momentum_rate_at(self, lr: float, momentum: float) -> float:
        """max_i of :meth:`momentum_factors`: asymptotic contraction of heavy ball at (α, μ)."""
        return float(self.momentum_factors(lr, momentum).max())


def quadratic_theory(A: object) -> QuadraticTheory:
    """Closed-form theory for f(w) = ½ wᵀAw with ``A`` symmetric positive definite.

    Args:
        A: a (d, d) symmetric positive-definite matrix (a positive scalar is read as a 1×1 matrix).

    Returns:
        A :class:`QuadraticTheory`.

    Example:
        >>> th = quadratic_theory([[2.0, 0.0], [0.0, 8.0]])
        >>> th.stable_lr_max, th.best_lr, th.factors(0.1)
        (0.25, 0.2, array([0.8, 0.2]))
    """
    return QuadraticTheory(A)  # type: ignore[arg-type]


def _check_spd(name: str, value: object) -> np.ndarray:
    try:
        A = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a square matrix of real numbers, got {value!r}") from None
    if A.ndim == 0:
        A = A.reshape(1, 1)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must contain only finite numbers, got {A.tolist()}")
    scale = np.max(np.abs(A))
    if not np.allclose(A, A.T, rtol=1e-12, atol=1e-12 * scale):
        raise ValueError(f"{name} must be symmetric, got {A.tolist()}")
    A = (A + A.T) / 2.0  # remove rounding asymmetry so eigh sees an exactly symmetric matrix
    lam = np.linalg.eigvalsh(A)
    if lam[0] <= 0.0:
        raise ValueError(
            f"{name} must be positive definite (all eigenvalues > 0), "
            f"got eigenvalues {lam.tolist()}"
        )
    return A


def _check_lrs(name: str, value: object) -> np.ndarray:
    try:
        lr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a positive real number or array, got {value!r}") from None
    if not np.all(np.isfinite(lr)) or np.any(lr <= 0.0):
        raise ValueError(f"{name} must be finite and in (0, inf), got {value!r}")
    return lr
