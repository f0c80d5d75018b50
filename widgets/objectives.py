"""Objective functions: toy surfaces in 1-D and 2-D, and losses of models fitted to data.

Every objective maps parameters ``w`` of shape ``(..., d)`` to values of shape ``(...)``, gradients
of shape ``(..., d)`` and Hessians of shape ``(..., d, d)``, all in closed form and vectorised over
the leading axes, so a contour grid ``(ny, nx, 2)`` or a batch of runs ``(n, d)`` is one call.

Values beyond the float64 range come back as ``inf`` or ``nan`` without a ``RuntimeWarning``
(a run that gets there has diverged, and ``simulate`` reports it as such).

An objective may be *composite*, F = f + g with f smooth and g = Σⱼ τ₁ⱼ|wⱼ| an L1 penalty (the
logistic loss with ``l1 > 0``). Then ``smooth`` is False, ``grad`` is the minimum-norm subgradient
of F (the gradient wherever F is differentiable, and 0 exactly at a minimiser), ``smooth_grad``
and ``hessian`` belong to f, and ``prox`` is the proximal operator of g, soft-thresholding, which
proximal methods (``widgets.optimizers.proximal_gd``) use in place of g's missing gradient.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_points, as_vector, check_choice, check_int, check_real
from .data import _as_labels, _as_matrix, _as_targets, _as_weights, load_wdbc, make_sine_data

__all__ = [
    "OBJECTIVES",
    "DataObjective",
    "Himmelblau",
    "LogCosh1D",
    "LogisticLoss",
    "Objective",
    "PlateauCliff",
    "Quadratic1D",
    "Quadratic2D",
    "Quartic1D",
    "Rosenbrock",
    "Saddle",
    "SineRegression",
    "log_sigmoid",
    "make_objective",
    "sigmoid",
    "sine_regression",
    "soft_threshold",
    "wdbc_logistic",
]

# Data objectives evaluate many parameter points in chunks holding about this many float64
# numbers per (points × examples) temporary, i.e. 8 MB: a 200×200 grid on WDBC stays well
# under 100 MB instead of needing 40 000 × 569 × 8 B ≈ 180 MB per temporary.
_CHUNK_ELEMENTS = 2**20


def sigmoid(z: ArrayLike) -> np.ndarray:
    """The logistic function σ(z) = 1 / (1 + e^(−z)), without overflow for any float z.

    Uses e = exp(−|z|) ≤ 1: σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0.

    Example:
        >>> float(sigmoid(0.0)), float(sigmoid(1e308)), float(sigmoid(-1e308))
        (0.5, 1.0, 0.0)
    """
    z = _as_real_array("z", z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]


def log_sigmoid(z: ArrayLike) -> np.ndarray:
    """log σ(z) = −log(1 + e^(−z)) = −logaddexp(0, −z), accurate for any float z.

    Example:
        >>> float(log_sigmoid(-1e308)), float(log_sigmoid(40.0))
        (-1e+308, -4.248354255291589e-18)
    """
    z = _as_real_array("z", z)
    return -np.logaddexp(0.0, -z)[()]


def soft_threshold(v: ArrayLike, threshold: ArrayLike) -> np.ndarray:
    """The proximal operator of t·|·|, elementwise: S_t(v) = sign(v)·max(|v| − t, 0).

    S_t(v) = argmin_u ½(u − v)² + t|u|: it moves v towards 0 by t and stops at 0, so every
    |v| ≤ t gives exactly 0 (+0.0, never a tiny residue or −0.0). This is why L1-penalised fits
    computed with it have exact zeros.

    Args:
        v: values, any shape.
        threshold: t ≥ 0, broadcastable against ``v`` (one per entry, per run, or one number).

    Returns:
        S_t(v), of the broadcast shape.

    Example:
        >>> soft_threshold([-3.0, -0.5, 0.2, 2.0], 1.0)
        array([-2.,  0.,  0.,  1.])

    Reference: D. L. Donoho, "De-noising by soft-thresholding", IEEE Trans. Inf. Theory 41(3),
    1995; N. Parikh, S. Boyd, "Proximal Algorithms", Found. Trends Optim. 1(3), 2014, §6.5.2.
    """
    v = _as_real_array("v", v)
    t = _as_real_array("threshold", threshold)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"threshold must hold finite numbers in [0, inf), got {threshold!r}")
    return _soft_threshold(v, t)


def _soft_threshold(v: np.ndarray, t: np.ndarray | float) -> np.ndarray:
    # where |v| > t, v − t·sign(v) equals v exactly when t = 0 (unpenalised parameters)
    return np.where(np.abs(v) > t, v - t * np.sign(v), 0.0)


def _min_norm_subgradient(w: np.ndarray, g: np.ndarray, l1: np.ndarray) -> np.ndarray:
    """The smallest element of ∂F = g + l1 ⊙ ∂|w|: g + l1·sign(w) where w ≠ 0, S_l1(g) at w = 0.

    At wⱼ = 0 the subdifferential is the interval [gⱼ − l1ⱼ, gⱼ + l1ⱼ]; its element nearest 0 is
    the soft-thresholded gⱼ, which is 0 exactly when |gⱼ| ≤ l1ⱼ (the optimality condition).
    """
    return np.where(w != 0.0, g + l1 * np.sign(w), _soft_threshold(g, l1))


def _sigmoid_slope(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 − σ(z)) = e/(1 + e)² with e = exp(−|z|): no cancellation, no overflow."""
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


class Objective:
    """Base class: a twice-differentiable function of parameters ``w`` of shape ``(..., d)``.

    Subclasses set the attributes below and implement ``_value``, ``_grad`` and ``_hessian`` on
    validated float arrays of shape ``(..., d)``; the public methods validate ``w`` first.

    Attributes:
        name: registry key in ``OBJECTIVES``.
        label: a human-readable title for plots.
        dim: number of parameters ``d``.
        start: default starting point, shape ``(d,)``.
        minimizers: known minimisers, shape ``(k, d)``, or ``None`` if not known in closed form.
        minimum: the smallest value (at the global minimiser), or ``None``.
        bounds: plotting range ``(low, high)`` for each parameter.
        param_names: axis labels for the parameters.
        n_examples: number of examples for data objectives, else ``None``.
        smooth: False for a composite objective F = f + g with an L1 part g (see the module
            docstring); True (g = 0) for every other objective.
    """

    name: str = ""
    label: str = ""
    dim: int = 0
    start: np.ndarray
    minimizers: np.ndarray | None = None
    minimum: float | None = None
    bounds: tuple[tuple[float, float], ...] = ()
    param_names: tuple[str, ...] = ()
    n_examples: int | None = None
    smooth: bool = True

    def value(self, w: ArrayLike) -> np.ndarray:
        """f(w): shape ``(..., d) -> (...)``."""
        w = self._points(w)
        with _quiet():
            return self._value(w)

    def grad(self, w: ArrayLike) -> np.ndarray:
        """∇f(w): shape ``(..., d) -> (..., d)``."""
        w = self._points(w)
        with _quiet():
            return self._grad(w)

    def hessian(self, w: ArrayLike) -> np.ndarray:
        """∇²f(w): shape ``(..., d) -> (..., d, d)``."""
        w = self._points(w)
        with _quiet():
            return self._hessian(w)

    def smooth_value(self, w: ArrayLike) -> np.ndarray:
        """f(w), the smooth part of F = f + g (all of F for a smooth objective)."""
        w = self._points(w)
        with _quiet():
            return self._smooth_value(w)

    def smooth_grad(self, w: ArrayLike) -> np.ndarray:
        """∇f(w), the gradient of the smooth part: shape ``(..., d) -> (..., d)``."""
        w = self._points(w)
        with _quiet():
            return self._smooth_grad(w)

    def nonsmooth_value(self, w: ArrayLike) -> np.ndarray:
        """g(w), the non-smooth part of F = f + g (0 for a smooth objective)."""
        w = self._points(w)
        return self._nonsmooth_value(w)

    def prox(self, v: ArrayLike, step: ArrayLike) -> np.ndarray:
        """The proximal operator of step·g: argmin_u g(u) + ‖u − v‖²/(2·step).

        For a smooth objective (g = 0) it returns ``v`` unchanged. ``step`` ≥ 0 is one number
        or one per point (shape ``(...,)`` or ``(..., 1)`` for ``v`` of shape ``(..., d)``).
        """
        v = self._points(v)
        t = _as_real_array("step", step)
        if not np.all(np.isfinite(t)) or np.any(t < 0):
            raise ValueError(f"step must hold finite numbers in [0, inf), got {step!r}")
        if t.ndim and t.shape[-1:] != (1,):
            t = t[..., np.newaxis]
        try:
            np.broadcast_shapes(t.shape, v.shape)
        except ValueError:
            raise ValueError(
                f"step of shape {np.shape(step)} does not match v of shape {v.shape}"
            ) from None
        return self._prox(v, t)

    def _smooth_value(self, w: np.ndarray) -> np.ndarray:
        return self._value(w)

    def _smooth_grad(self, w: np.ndarray) -> np.ndarray:
        return self._grad(w)

    def _nonsmooth_value(self, w: np.ndarray) -> np.ndarray:
        return np.zeros(w.shape[:-1])

    def _prox(self, v: np.ndarray, step: np.ndarray | float) -> np.ndarray:
        return np.array(v, dtype=float)

    def value_grid(self, *coords: ArrayLike) -> np.ndarray:
        """Values on a grid given one coordinate array per parameter (e.g. from ``np.meshgrid``).

        The arrays are broadcast together, so a scalar fixes a parameter: on a logistic
        objective with bias, ``value_grid(W1, W2, 0.0)`` is the slice ``b = 0``. A 1-D
        objective takes a single array of points.

        Example:
            >>> W1, W2 = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 2))
            >>> Himmelblau().value_grid(W1, W2).shape
            (2, 3)
        """
        if len(coords) != self.dim:
            raise ValueError(
                f"value_grid needs one coordinate array per parameter ({self.dim} for "
                f"{self.name}), got {len(coords)}"
            )
        try:
            arrays = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in coords))
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"value_grid coordinates must be broadcastable real arrays: {err}"
            ) from None
        return self.value(np.stack(arrays, axis=-1))

    def _points(self, w: ArrayLike) -> np.ndarray:
        return as_points("w", w, self.dim)

    def _value(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _grad(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _repr_args(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._repr_args()})"


# --------------------------------------------------------------------------------------------
# 1-D toy objectives (d = 1)


class Quadratic1D(Objective):
    """f(w) = (c/2) w², with curvature c > 0; minimiser 0, f'' = c.

    Gradient descent with rate α multiplies w by (1 − αc) each step, so it converges for
    0 < α < 2/c, monotonically below 1/c and oscillating above.

    Example:
        >>> Quadratic1D(curvature=2.0).grad(3.0)
        array([6.])
    """

    name = "quadratic_1d"
    dim = 1
    param_names = ("w",)

    def __init__(self, curvature: float = 1.0) -> None:
        self.curvature = check_real("curvature", curvature, low=0.0, low_open=True)
        self.label = f"Quadratic (curvature {self.curvature:g})"
        self.start = _frozen([2.5])
        self.minimizers = _frozen([[0.0]])
        self.minimum = 0.0
        self.bounds = ((-3.0, 3.0),)

    def _value(self, w):
        return 0.5 * self.curvature * w[..., 0] ** 2

    def _grad(self, w):
        return self.curvature * w

    def _hessian(self, w):
        return np.full((*w.shape, 1), self.curvature)

    def _repr_args(self):
        return f"curvature={self.curvature!r}"


class Quartic1D(Objective):
    """f(w) = w⁴ − 5w² + w + 4: a deeper minimum on the left, a shallower one on the right.

    f'(w) = 4w³ − 10w + 1 and f''(w) = 12w² − 10. The three roots of f' (from ``np.roots``,
    polished by Newton's method to full precision) are the two minimisers and, between them,
    ``local_maximizer``. ``minimizers`` lists both minima (left first); ``minimum`` is the
    global (left) one.
    """

    name = "quartic_1d"
    label = "Quartic w⁴ − 5w² + w + 4 (two minima)"
    dim = 1
    param_names = ("w",)

    def __init__(self) -> None:
        roots = np.sort(np.roots([4.0, 0.0, -10.0, 1.0]).real)
        roots = np.array([_polish(self, np.array([r]))[0] for r in roots])
        self.minimizers = _frozen(roots[[0, 2], None])
        self.local_maximizer = float(roots[1])
        self.minimum = float(self._value(self.minimizers[0]))
        self.start = _frozen([2.0])
        self.bounds = ((-2.5, 2.5),)

    def _value(self, w):
        x = w[..., 0]
        return x**4 - 5.0 * x**2 + x + 4.0

    def _grad(self, w):
        return 4.0 * w**3 - 10.0 * w + 1.0

    def _hessian(self, w):
        return (12.0 * w**2 - 10.0)[..., None]


class LogCosh1D(Objective):
    """f(w) = s · log cosh(w − 1), convex but not quadratic; minimiser 1, minimum 0.

    Near the minimum f ≈ (s/2)(w − 1)² (curvature s, like ``Quadratic1D(curvature=s)``), far
    from it f grows only linearly: f'(w) = s·tanh(w − 1) never exceeds s in size, and
    f''(w) = s·sech²(w − 1) → 0. Computed as |x| + log1p(e^(−2|x|)) − log 2 so that cosh never
    overflows.
    """

    name = "log_cosh_1d"
    dim = 1
    param_names = ("w",)

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = check_real("scale", scale, low=0.0, low_open=True)
        self.label = f"log cosh (scale {self.scale:g})"
        self.start = _frozen([-3.0])
        self.minimizers = _frozen([[1.0]])
        self.minimum = 0.0
        self.bounds = ((-4.0, 6.0),)

    def _value(self, w):
        a = np.abs(w[..., 0] - 1.0)
        return self.scale * (a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0))

    def _grad(self, w):
        return self.scale * np.tanh(w - 1.0)

    def _hessian(self, w):
        e = np.exp(-2.0 * np.abs(w - 1.0))
        return (self.scale * 4.0 * e / (1.0 + e) ** 2)[..., None]  # sech²x = 4e/(1 + e)²

    def _repr_args(self):
        return f"scale={self.scale!r}"


# --------------------------------------------------------------------------------------------
# 2-D toy objectives (d = 2)


class Quadratic2D(Objective):
    """f(w) = ½ wᵀAw with A = R diag(λ_min, λ_max) Rᵀ; minimiser 0, minimum 0.

    λ_max = ``scale``, λ_min = ``scale / condition_number`` and R rotates by ``angle`` radians,
    so at ``angle=0`` the valley runs along w₁. The condition number κ = λ_max/λ_min sets how
    elongated the level sets are; gradient descent converges for rates below 2/λ_max.

    Example:
        >>> Quadratic2D(condition_number=4.0, scale=2.0).A
        array([[0.5, 0. ],
               [0. , 2. ]])
    """

    name = "quadratic_2d"
    dim = 2
    param_names = ("w₁", "w₂")

    def __init__(
        self, condition_number: float = 10.0, angle: float = 0.0, scale: float = 1.0
    ) -> None:
        self.condition_number = check_real("condition_number", condition_number, low=1.0)
        self.angle = check_real("angle", angle)
        self.scale = check_real("scale", scale, low=0.0, low_open=True)
        c, s = math.cos(self.angle), math.sin(self.angle)
        R = np.array([[c, -s], [s, c]])
        lam = np.array([self.scale / self.condition_number, self.scale])
        A = (R * lam) @ R.T
        self.A = _frozen(0.5 * (A + A.T))  # exactly symmetric
        self.label = f"Quadratic (κ = {self.condition_number:g}, θ = {math.degrees(self.angle):g}°)"
        self.start = _frozen([-4.0, 3.0])
        self.minimizers = _frozen([[0.0, 0.0]])
        self.minimum = 0.0
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))

    @classmethod
    def from_matrix(cls, A: ArrayLike) -> Quadratic2D:
        """The quadratic ½ wᵀAw for a symmetric positive-definite 2×2 matrix ``A``.

        ``A`` is decomposed into eigenvalues and a rotation, so ``.A`` equals the input up to
        rounding (about 1e-16 relative).
        """
        try:
            A = np.array(A, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"A must be a 2×2 array of real numbers, got {A!r}") from None
        if A.shape != (2, 2) or not np.all(np.isfinite(A)):
            raise ValueError(f"A must be a finite 2×2 matrix, got {A!r}")
        if not np.allclose(A, A.T, rtol=1e-12, atol=0.0):
            raise ValueError(f"A must be symmetric, got {A.tolist()}")
        lam, vecs = np.linalg.eigh(A)
        if lam[0] <= 0:
            raise ValueError(f"A must be positive definite, got eigenvalues {lam.tolist()}")
        angle = math.atan2(vecs[1, 0], vecs[0, 0])  # direction of the λ_min eigenvector
        return cls(condition_number=lam[1] / lam[0], angle=angle, scale=lam[1])

    def _value(self, w):
        return 0.5 * np.einsum("...i,ij,...j->...", w, self.A, w)

    def _grad(self, w):
        return w @ self.A  # A is symmetric

    def _hessian(self, w):
        return np.broadcast_to(self.A, (*w.shape, 2)).copy()

    def _repr_args(self):
        return (
            f"condition_number={self.condition_number!r}, angle={self.angle!r}, "
            f"scale={self.scale!r}"
        )


class Himmelblau(Objective):
    """f(w) = (w₁² + w₂ − 11)² + (w₁ + w₂² − 7)²: four global minima with f = 0.

    One minimiser is (3, 2); the other three have no simple closed form and are polished by
    Newton's method from their known approximations. Between them lie a local maximum and four
    saddle points.
    """

    name = "himmelblau"
    label = "Himmelblau (four minima)"
    dim = 2
    param_names = ("w₁", "w₂")

    def __init__(self) -> None:
        guesses = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
        self.minimizers = _frozen([_polish(self, np.array(g)) for g in guesses])
        self.minimum = 0.0
        self.start = _frozen([0.0, 0.0])
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))

    def _value(self, w):
        x, y = w[..., 0], w[..., 1]
        return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2

    def _grad(self, w):
        x, y = w[..., 0], w[..., 1]
        a, b = x**2 + y - 11.0, x + y**2 - 7.0
        return np.stack([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b], axis=-1)

    def _hessian(self, w):
        x, y = w[..., 0], w[..., 1]
        a, b = x**2 + y - 11.0, x + y**2 - 7.0
        hxy = 4.0 * (x + y)
        return _sym2(4.0 * a + 8.0 * x**2 + 2.0, hxy, 4.0 * b + 8.0 * y**2 + 2.0)


class Rosenbrock(Objective):
    """f(w) = (a − w₁)² + b(w₂ − w₁²)²: a curved valley; minimiser (a, a²), minimum 0.

    The valley floor w₂ = w₁² is easy to reach and slow to follow: the Hessian at the minimum
    has condition number about 2500 for the classic a = 1, b = 100.
    """

    name = "rosenbrock"
    dim = 2
    param_names = ("w₁", "w₂")

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = check_real("a", a)
        self.b = check_real("b", b, low=0.0, low_open=True)
        self.label = f"Rosenbrock (a = {self.a:g}, b = {self.b:g})"
        self.minimizers = _frozen([[self.a, self.a**2]])
        self.minimum = 0.0
        r = max(1.0, abs(self.a))
        self.start = _frozen([-1.2 * r, r**2])
        self.bounds = ((-2.0 * r, 2.0 * r), (-(r**2), 3.0 * r**2))

    def _value(self, w):
        x, y = w[..., 0], w[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def _grad(self, w):
        x, y = w[..., 0], w[..., 1]
        v = y - x**2
        return np.stack([-2.0 * (self.a - x) - 4.0 * self.b * x * v, 2.0 * self.b * v], axis=-1)

    def _hessian(self, w):
        x, y = w[..., 0], w[..., 1]
        hxx = 2.0 - 4.0 * self.b * y + 12.0 * self.b * x**2
        return _sym2(hxx, -4.0 * self.b * x, np.full_like(x, 2.0 * self.b))

    def _repr_args(self):
        return f"a={self.a!r}, b={self.b!r}"


class Saddle(Objective):
    """f(w) = ½(w₁² − w₂²): a saddle point at 0 and no minimum (unbounded below).

    The gradient (w₁, −w₂) vanishes only at the saddle ``stationary_point``; gradient descent
    started exactly on the w₁-axis converges to it, anywhere else it escapes along w₂.
    """

    name = "saddle"
    label = "Saddle ½(w₁² − w₂²)"
    dim = 2
    param_names = ("w₁", "w₂")

    def __init__(self) -> None:
        self.stationary_point = _frozen([0.0, 0.0])
        self.start = _frozen([1.5, 0.01])
        self.bounds = ((-2.0, 2.0), (-2.0, 2.0))

    def _value(self, w):
        return 0.5 * (w[..., 0] ** 2 - w[..., 1] ** 2)

    def _grad(self, w):
        return w * np.array([1.0, -1.0])

    def _hessian(self, w):
        return np.broadcast_to(np.diag([1.0, -1.0]), (*w.shape, 2)).copy()


class PlateauCliff(Objective):
    """A nearly flat plateau, a steep cliff and a valley:

        f(w) = h·σ(k·w₁) + r²/(1 + r²) + ½ w₂²,   r = w₁ + 1.

    For w₁ ≳ 1 the first term is ≈ h and the bump r²/(1 + r²) ≈ 1 is almost flat (slope 2r/(1 +
    r²)² ≈ 0.03 at w₁ = 3): gradient descent crawls. Around w₁ = 0 the term h·σ(k w₁) drops by h
    with slope up to h·k/4 (5 for the defaults): a step taken there can jump far. The unique
    minimiser lies near (−1, 0), shifted slightly by the tail of the cliff; it is found by
    Newton's method at construction.
    """

    name = "plateau_cliff"
    label = "Plateau and cliff"
    dim = 2
    param_names = ("w₁", "w₂")

    def __init__(self, height: float = 2.0, steepness: float = 10.0) -> None:
        self.height = check_real("height", height, low=0.0, low_open=True)
        self.steepness = check_real("steepness", steepness, low=0.0, low_open=True)
        self.minimizers = _frozen([_polish(self, np.array([-1.0, 0.0]))])
        self.minimum = float(self._value(self.minimizers[0]))
        self.start = _frozen([3.0, 1.0])
        self.bounds = ((-3.0, 4.0), (-2.0, 2.0))

    def _value(self, w):
        x, y = w[..., 0], w[..., 1]
        r2 = (x + 1.0) ** 2
        return self.height * sigmoid(self.steepness * x) + r2 / (1.0 + r2) + 0.5 * y**2

    def _grad(self, w):
        x, y = w[..., 0], w[..., 1]
        k, r = self.steepness, x + 1.0
        gx = self.height * k * _sigmoid_slope(k * x) + 2.0 * r / (1.0 + r**2) ** 2
        return np.stack([gx, y], axis=-1)

    def _hessian(self, w):
        x = w[..., 0]
        k, r2 = self.steepness, (x + 1.0) ** 2
        # σ'' = σ'(1 − 2σ) and 1 − 2σ(z) = −tanh(z/2)
        cliff = -self.height * k**2 * _sigmoid_slope(k * x) * np.tanh(0.5 * k * x)
        bump = (2.0 - 6.0 * r2) / (1.0 + r2) ** 3
        return _sym2(cliff + bump, np.zeros_like(x), np.ones_like(x))

    def _repr_args(self):
        return f"height={self.height!r}, steepness={self.steepness!r}"


# --------------------------------------------------------------------------------------------
# Objectives defined by data: mean loss over examples of a linear predictor u = Φw


class DataObjective(Objective):
    """F(w) = (1/m) Σᵢ vᵢ ℓᵢ(Φᵢ·w) + (λ/2) Σⱼ cⱼ wⱼ² + Σⱼ τ₁ⱼ |wⱼ|: a (weighted) mean over m
    examples plus an L2 and, optionally, an L1 penalty.

    Each example's loss ℓᵢ depends on w only through the scalar uᵢ = Φᵢ·w (a row of the design
    matrix Φ), so by the chain rule the smooth part f (all but the L1 term) has

        ∇f = Φᵀ (v ⊙ ℓ'(u)) / m + λ c ⊙ w,      ∇²f = Φᵀ diag(v ⊙ ℓ''(u)) Φ / m + λ diag(c),

    where c masks the parameters that are penalised and v are the example weights, scaled to mean
    1 (all 1 without weights). Subclasses give Φ, the per-example targets t and ℓ, ℓ', ℓ'' as
    functions of (u, t); a loss that is not a function of one scalar per example (the softmax
    loss) overrides the ``_data_*_on`` methods instead. With an L1 part the objective is
    composite (``smooth`` is False): ``grad`` is then the minimum-norm subgradient and ``prox``
    soft-thresholds. Many points w are evaluated in chunks so that the (points × examples)
    temporaries stay near 8 MB.
    """

    _design: np.ndarray  # Φ, shape (m, d)
    _targets: np.ndarray  # t, shape (m,)
    _penalty: np.ndarray  # λ c, shape (d,)
    _l1: np.ndarray | None = None  # τ₁ per parameter, shape (d,); None without an L1 part
    _weights: np.ndarray | None = None  # v, mean 1, shape (m,); None for equal weights
    _outputs: int = 1  # scores per example (K for the softmax loss), for the chunk size
    _n_penalised: int = 0  # the first parameters, which the penalties apply to
    l1: float = 0.0
    l2: float = 0.0

    @staticmethod
    def _loss(u: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def _loss_d1(u: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def _loss_d2(u: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def value_batch(self, w: ArrayLike, idx: ArrayLike) -> np.ndarray:
        """Mean loss (plus penalty) over the examples ``idx``: ``(..., d) -> (...)``.

        ``idx`` is a 1-D array of example indices in ``[0, m)``; repeats count repeatedly. With
        example weights the batch mean is (1/b) Σ_{i ∈ idx} vᵢ ℓᵢ (v of mean 1 over all m), an
        unbiased estimate of the full weighted mean when ``idx`` is drawn uniformly.
        """
        w, rows = self._points(w), self._rows(idx)
        with _quiet():
            return self._chunked(self._value_on, w, rows, ())

    def grad_batch(self, w: ArrayLike, idx: ArrayLike) -> np.ndarray:
        """Mean gradient over the examples ``idx``: ``(..., d) -> (..., d)``.

        This is the stochastic gradient used by SGD and mini-batch methods; over all examples
        it equals ``grad`` (with an L1 part: the minimum-norm subgradient of the batch loss).
        """
        w, rows = self._points(w), self._rows(idx)
        with _quiet():
            return self._chunked(self._grad_on, w, rows, (self.dim,))

    def smooth_grad_batch(self, w: ArrayLike, idx: ArrayLike) -> np.ndarray:
        """Like ``grad_batch`` for the smooth part f only (what a stochastic proximal step uses)."""
        w, rows = self._points(w), self._rows(idx)
        with _quiet():
            return self._chunked(self._smooth_grad_on, w, rows, (self.dim,))

    def example_grads(self, w: ArrayLike) -> np.ndarray:
        """Per-example gradients ∇Fᵢ = vᵢ ℓᵢ'(uᵢ) Φᵢ + λ c ⊙ w (+ s): ``(..., d) -> (..., m, d)``.

        Each includes the penalty (with an L1 part, the part s = ``grad(w)`` − ``smooth_grad(w)``
        of the minimum-norm subgradient that the penalty contributes), so their mean is
        ``grad(w)``.
        """
        w = self._points(w)
        with _quiet():
            per = self._example_data_grads(w)
            shift = self._penalty * w
            if self._l1 is not None:
                g = per.mean(axis=-2) + shift
                shift = _min_norm_subgradient(w, g, self._l1) - g + shift
            return per + shift[..., None, :]

    def example_grads_batch(self, w: ArrayLike, idx: ArrayLike) -> np.ndarray:
        """Per-example gradients ∇fᵢ(w) = ℓᵢ'(Φᵢ·w) Φᵢ + λ c ⊙ w, each point on its own examples.

        ``w`` has shape ``(..., d)`` and ``idx`` shape ``(..., b)``: integer indices in
        ``[0, m)``, whose leading axes broadcast against those of ``w``. The result has shape
        ``(..., b, d)``; for a point p, row j is ∇f_{idx[p, j]}(w[p]), so the mean over that axis
        is ``grad_batch(w[p], idx[p])``. N runs, each on its own mini-batch, so take one
        vectorised step (``widgets.simulate.seeded_runs``).

        Example:
            >>> loss = LogisticLoss([[1.0], [-1.0], [2.0]], [1, 0, 1], fit_bias=False)
            >>> G = loss.example_grads_batch([[0.0], [1.0]], [[0, 2], [1, 1]])
            >>> G.shape, bool(np.allclose(G[1].mean(axis=0), loss.grad_batch([1.0], [1, 1])))
            ((2, 2, 1), True)
        """
        w = self._points(w)
        if np.ndim(idx) == 0:
            raise ValueError("idx must have a last axis of example indices, got a single index")
        rows = self._rows(np.ravel(idx)).reshape(np.shape(idx))
        try:
            np.broadcast_shapes(w.shape[:-1], rows.shape[:-1])
        except ValueError:
            raise ValueError(
                f"idx of shape {rows.shape} does not match w of shape {w.shape}: their leading "
                "axes must broadcast"
            ) from None
        with _quiet():
            phi = self._design[rows]  # (..., b, d)
            u = (phi @ w[..., :, None])[..., 0]
            d1 = self._loss_d1(u, self._targets[rows])
            return d1[..., None] * phi + (self._penalty * w)[..., None, :]

    def mean_grads_batch(self, w: ArrayLike, idx: ArrayLike) -> np.ndarray:
        """Each point's mean gradient over its own examples: ``(n, d)``, ``(n, b) -> (n, d)``.

        Row p is ``grad_batch(w[p], idx[p])`` for a smooth loss (no L1 part): the data term
        (1/b) Σⱼ vⱼ ℓ'(Φⱼ·w) Φⱼ over the b examples j = idx[p], plus λ c ⊙ w. It never forms the
        per-example gradients, so N runs that each take a mini-batch step cost one call of a few
        array operations (``widgets.simulate.seeded_runs``).

        Example:
            >>> loss = LogisticLoss([[1.0], [-1.0], [2.0]], [1, 0, 1], fit_bias=False)
            >>> G = loss.mean_grads_batch([[0.0], [1.0]], [[0, 2], [1, 1]])
            >>> bool(np.allclose(G[1], loss.grad_batch([1.0], [1, 1])))
            True
        """
        if self._l1 is not None:
            raise ValueError("mean_grads_batch needs a smooth loss (l1 = 0); use grad_batch")
        w = self._points(w)
        idx = np.asarray(idx)
        if w.ndim != 2 or idx.ndim != 2 or idx.shape[0] != w.shape[0]:
            raise ValueError(
                f"mean_grads_batch needs w of shape (n, d) and idx of shape (n, b), got "
                f"{w.shape} and {idx.shape}"
            )
        rows = self._rows(np.ravel(idx)).reshape(idx.shape)
        with _quiet():
            return self._mean_grads_on(w, rows)

    def _mean_grads_on(self, w: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """:meth:`mean_grads_batch` for valid ``w`` (n, d) and ``rows`` (n, b), unchecked."""
        phi = self._design[rows]  # (n, b, d)
        d1 = self._loss_d1(np.matmul(phi, w[:, :, None])[..., 0], self._targets[rows])
        if self._weights is not None:
            d1 = d1 * self._weights[rows]
        g = np.matmul(d1[:, None, :], phi)[:, 0, :]
        g *= 1.0 / rows.shape[1]
        return g + self._penalty * w

    def _value(self, w):
        return self._chunked(self._value_on, w, slice(None), ())

    def _grad(self, w):
        return self._chunked(self._grad_on, w, slice(None), (self.dim,))

    def _hessian(self, w):
        return self._chunked(self._hessian_on, w, slice(None), (self.dim, self.dim))

    def _smooth_value(self, w):
        return self._chunked(self._smooth_value_on, w, slice(None), ())

    def _smooth_grad(self, w):
        return self._chunked(self._smooth_grad_on, w, slice(None), (self.dim,))

    def _nonsmooth_value(self, w):
        if self._l1 is None:
            return np.zeros(w.shape[:-1])
        return (self._l1 * np.abs(w)).sum(axis=-1)

    def _prox(self, v, step):
        if self._l1 is None:
            return np.array(v, dtype=float)
        return _soft_threshold(v, step * self._l1)

    # The data term on the examples ``rows`` for points w of shape (n, d); subclasses with a loss
    # of one scalar uᵢ per example get these from ℓ, ℓ', ℓ''.

    def _data_value_on(self, w, rows):
        loss = self._loss(w @ self._design[rows].T, self._targets[rows])
        if self._weights is not None:
            loss = loss * self._weights[rows]
        return loss.mean(axis=-1)

    def _data_grad_on(self, w, rows):
        phi = self._design[rows]
        d1 = self._loss_d1(w @ phi.T, self._targets[rows])
        if self._weights is not None:
            d1 = d1 * self._weights[rows]
        return d1 @ phi / phi.shape[0]

    def _data_hessian_on(self, w, rows):
        phi = self._design[rows]
        d2 = self._loss_d2(w @ phi.T, self._targets[rows])
        if self._weights is not None:
            d2 = d2 * self._weights[rows]
        if d2.shape[0] == 1:  # one point (Newton steps, fits): a BLAS product, ~5x faster
            H = ((phi.T * d2[0]) @ phi)[None] / phi.shape[0]
        else:
            H = np.einsum("nk,ki,kj->nij", d2, phi, phi) / phi.shape[0]
        # the summation order can make H[i, j] and H[j, i] differ in the last bit
        return 0.5 * (H + H.swapaxes(-1, -2))

    def _example_data_grads(self, w):
        d1 = self._loss_d1(w @ self._design.T, self._targets)
        if self._weights is not None:
            d1 = d1 * self._weights
        return d1[..., None] * self._design

    def _smooth_value_on(self, w, rows):
        return self._data_value_on(w, rows) + 0.5 * (self._penalty * w**2).sum(axis=-1)

    def _smooth_grad_on(self, w, rows):
        return self._data_grad_on(w, rows) + self._penalty * w

    def _value_on(self, w, rows):
        value = self._smooth_value_on(w, rows)
        if self._l1 is not None:
            value = value + (self._l1 * np.abs(w)).sum(axis=-1)
        return value

    def _grad_on(self, w, rows):
        g = self._smooth_grad_on(w, rows)
        return g if self._l1 is None else _min_norm_subgradient(w, g, self._l1)

    def _hessian_on(self, w, rows):
        return self._data_hessian_on(w, rows) + np.diag(self._penalty)

    def _chunked(self, fn, w, rows, tail):
        """Apply ``fn(points (n, d), rows)`` to all leading points, a block at a time."""
        flat = w.reshape(-1, self.dim)
        k = len(self._targets[rows]) * self._outputs
        step = max(1, _CHUNK_ELEMENTS // (k * max(1, math.prod(tail))))
        if flat.shape[0] <= step:
            return fn(flat, rows).reshape(w.shape[:-1] + tail)
        out = np.empty((flat.shape[0], *tail))
        for i in range(0, flat.shape[0], step):  # a loop over blocks, not over points
            out[i : i + step] = fn(flat[i : i + step], rows)
        return out.reshape(w.shape[:-1] + tail)

    def _rows(self, idx: ArrayLike) -> np.ndarray:
        m = self.n_examples
        arr = np.asarray(idx)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"idx must be a non-empty 1-D array of indices, got shape {arr.shape}")
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"idx must be an array of integer example indices, got {idx!r}")
        if arr.min() < 0 or arr.max() >= m:
            raise ValueError(
                f"idx must hold indices in [0, {m - 1}] (m = {m} examples), got values from "
                f"{arr.min()} to {arr.max()}"
            )
        return arr

    def _set_penalties(self, n_weights: int, l1: float, l2: float) -> None:
        """Penalise the first ``n_weights`` parameters (the biases after them are never)."""
        mask = np.r_[np.ones(n_weights), np.zeros(self.dim - n_weights)]
        self.l1, self.l2 = l1, l2
        self._penalty = _frozen(l2 * mask)
        self._l1 = _frozen(l1 * mask) if l1 > 0 else None
        self.smooth = self._l1 is None

    def with_penalty(self, *, l1: float | None = None, l2: float | None = None):
        """The same loss on the same (shared, read-only) data with other penalty strengths.

        Cheap: nothing is copied or validated again but the two numbers, so a regularisation
        path can build one objective per τ. ``None`` keeps the current value.

        Example:
            >>> loss = LogisticLoss([[1.0], [-1.0]], [1, 0], l2=0.5)
            >>> loss.with_penalty(l1=0.1).l1, loss.with_penalty(l1=0.1).l2
            (0.1, 0.5)
        """
        l1 = self.l1 if l1 is None else check_real("l1", l1, low=0.0)
        l2 = self.l2 if l2 is None else check_real("l2", l2, low=0.0)
        new = copy.copy(self)
        new._set_penalties(self._n_penalised, l1, l2)
        return new


class LogisticLoss(DataObjective):
    """Mean negative log-likelihood of logistic regression, with optional L2 and L1 penalties:

        F(w) = Σᵢ sᵢ [log(1 + e^(zᵢ)) − yᵢ zᵢ] / Σᵢ sᵢ + (λ/2)‖w_weights‖² + τ₁‖w_weights‖₁,
        zᵢ = xᵢ·w (+ b),

    with example weights sᵢ ≥ 0 (all 1 by default: the plain mean over m examples). With
    ``fit_bias`` the parameters are (w₁, …, w_p, b), bias last, and the bias is never penalised.
    With sᵢ' = 1 − 2yᵢ (±1) each term equals softplus(sᵢ' zᵢ) = logaddexp(0, sᵢ' zᵢ): always ≥ 0
    and free of the cancellation in log(1 + e^z) − z for large z, so the loss is accurate and
    finite for any finite w (e.g. w = 1e6). Derivatives of the smooth part f (all but the L1
    term), with vᵢ = m sᵢ / Σ s the weights scaled to mean 1:

        ∇f = Xᵀ(v ⊙ (σ(z) − y))/m + λw,     ∇²f = Xᵀ diag(v ⊙ σ(z)(1 − σ(z))) X / m + λI,

    with X including a column of ones for the bias, and σ(zᵢ) − yᵢ = sᵢ' σ(sᵢ' zᵢ).

    **Penalties** (the conventions of glmnet and scikit-learn, with strength τ ≥ 0):
    L2 is ``l2=τ`` (adds (τ/2)‖w‖²), L1 is ``l1=τ`` (adds τ‖w‖₁), and the elastic net
    τ(r‖w‖₁ + (1 − r)/2·‖w‖²) is ``l1=rτ, l2=(1 − r)τ`` (see
    ``widgets.regularization.penalty_strengths``). With ``l1 > 0`` the objective is composite
    (``smooth`` is False): ``grad`` is the minimum-norm subgradient, ``smooth_grad`` and
    ``hessian`` belong to f, ``nonsmooth_value`` is τ₁‖w‖₁ and ``prox`` soft-thresholds.

    **Against scikit-learn.** ``sklearn.linear_model.LogisticRegression(C=C)`` minimises
    C Σᵢ sᵢ ℓᵢ + 𝓡(w), with 𝓡(w) = ½‖w‖², ‖w‖₁ or r‖w‖₁ + (1 − r)/2·‖w‖² and ``sample_weight``
    (times ``class_weight``) as sᵢ. Dividing by C Σᵢ sᵢ > 0 does not move the minimiser and
    gives Σ sᵢℓᵢ/Σ sᵢ + 𝓡(w)/(C Σ sᵢ): our F with τ = 1/(C Σᵢ sᵢ). So C = 1/(τ m) without
    weights, and also with "balanced" weights, which sum to m. Scaling all sᵢ by a constant
    leaves F unchanged here, whereas it acts like scaling C there.

    Args:
        X: features, shape (m, p), finite.
        y: labels in {0, 1}, shape (m,).
        fit_bias: whether to add an intercept b (the last parameter).
        l2: L2 strength λ ≥ 0.
        l1: L1 strength τ₁ ≥ 0.
        sample_weight: example weights sᵢ ≥ 0, shape (m,), not all zero; ``None`` for all 1.
        feature_names: optional names used for ``param_names``.
        name, label: registry key and title, for objectives built on a named data set.

    Example:
        >>> loss = LogisticLoss([[1.0], [-1.0]], [1, 0], fit_bias=False)
        >>> bool(np.isclose(loss.value([0.0]), np.log(2.0)))
        True
        >>> lasso = LogisticLoss([[1.0], [-1.0]], [1, 0], fit_bias=False, l1=1.0)
        >>> lasso.grad([0.0])  # |∂f/∂w| = 1/2 ≤ τ₁ at 0: 0 is the minimiser
        array([0.])
    """

    def __init__(
        self,
        X: ArrayLike,
        y: ArrayLike,
        *,
        fit_bias: bool = True,
        l2: float = 0.0,
        l1: float = 0.0,
        sample_weight: ArrayLike | None = None,
        feature_names: Iterable[str] | None = None,
        name: str = "logistic",
        label: str | None = None,
    ) -> None:
        self.X = _as_matrix("X", X)
        m, p = self.X.shape
        self.y = _as_labels("y", y, m)
        if not isinstance(fit_bias, bool | np.bool_):
            raise TypeError(f"fit_bias must be True or False, got {fit_bias!r}")
        self.fit_bias = bool(fit_bias)
        l2 = check_real("l2", l2, low=0.0)
        l1 = check_real("l1", l1, low=0.0)
        self.sample_weight = None if sample_weight is None else _as_weights(sample_weight, m)
        names = tuple(f"x{j + 1}" for j in range(p)) if feature_names is None else feature_names
        names = tuple(names)
        if len(names) != p:
            raise ValueError(f"feature_names must have {p} entries (columns of X), got {names!r}")

        self.name = name
        self.label = label or f"Logistic regression, {m} examples (mean NLL)"
        self.n_examples = m
        self.dim = p + self.fit_bias
        self.param_names = tuple(f"w[{n}]" for n in names) + (("b",) if self.fit_bias else ())
        self.start = _frozen(np.zeros(self.dim))
        self.bounds = ((-6.0, 6.0),) * self.dim  # |w| ≈ 6 saturates σ on standardised data

        design = np.hstack([self.X, np.ones((m, 1))]) if self.fit_bias else self.X
        self._design = _frozen(design)
        self._targets = _frozen(1.0 - 2.0 * self.y)  # s = 1 − 2y
        if self.sample_weight is not None:
            self._weights = _frozen(self.sample_weight * (m / self.sample_weight.sum()))
        self._n_penalised = p
        self._set_penalties(p, l1, l2)

    @property
    def lipschitz(self) -> float:
        """An upper bound L on the Lipschitz constant of ∇f (the smooth part), so 1/L is a safe
        step for gradient and proximal-gradient descent: ℓ'' = σ(1 − σ) ≤ 1/4 gives
        ∇²f ≼ Φᵀ diag(v) Φ/(4m) + λI, and L = λ_max(Φᵀ diag(v) Φ)/(4m) + λ.

        Example:
            >>> LogisticLoss([[1.0], [-1.0]], [1, 0], fit_bias=False, l2=0.5).lipschitz
            0.75
        """
        return self._data_lipschitz + self.l2

    @functools.cached_property
    def _data_lipschitz(self) -> float:
        return _top_eigenvalue(self._design, self._weights) / 4.0

    @staticmethod
    def _loss(u, s):
        # softplus(v) = log(1 + e^v) = max(v, 0) + log1p(e^{−|v|}): the same stable form as
        # np.logaddexp(0, v), done in place, about three times faster on loss-surface grids.
        v = s * u
        out = np.abs(v)
        np.negative(out, out=out)
        np.exp(out, out=out)
        np.log1p(out, out=out)
        out += np.maximum(v, 0.0)
        return out

    @staticmethod
    def _loss_d1(u, s):
        return s * sigmoid(s * u)  # = σ(z) − y

    @staticmethod
    def _loss_d2(u, s):
        return _sigmoid_slope(u)

    def _repr_args(self):
        m, p = self.X.shape
        args = f"X=<{m}×{p}>, y=<{m}>, fit_bias={self.fit_bias!r}, l2={self.l2!r}"
        if self.l1:
            args += f", l1={self.l1!r}"
        if self.sample_weight is not None:
            args += f", sample_weight=<{m}>"
        return args


class SineRegression(DataObjective):
    """Mean squared error of a sine model, non-convex in its parameters:

        f(w) = (1/m) Σᵢ (yᵢ − sin uᵢ)²,   uᵢ = w₀ + w₁ xᵢ  (w₀ phase, w₁ frequency).

    With rᵢ = yᵢ − sin uᵢ, ℓ' = −2 rᵢ cos uᵢ and ℓ'' = 2(cos² uᵢ + rᵢ sin uᵢ), so

        ∇f = (1/m) Σᵢ ℓ'ᵢ (1, xᵢ),    ∇²f = (1/m) Σᵢ ℓ''ᵢ (1, xᵢ)(1, xᵢ)ᵀ.

    ``minimizers`` is ``None``: f is 2π-periodic in w₀ and has many local minima in w₁.

    Args:
        x: inputs, shape (m,), finite.
        y: targets, shape (m,), finite.
    """

    def __init__(
        self, x: ArrayLike, y: ArrayLike, *, name: str = "sine_regression", label: str | None = None
    ) -> None:
        self.x = _frozen(as_vector("x", x))
        m = len(self.x)
        self.y = _as_targets("y", y, m)
        self.name = name
        self.label = label or f"Sine regression, {m} points (mean squared error)"
        self.n_examples = m
        self.dim = 2
        self.param_names = ("w₀ (phase)", "w₁ (frequency)")
        self.start = _frozen([0.0, 2.0])
        self.bounds = ((-2.0, 4.0), (0.0, 5.0))
        self._design = _frozen(np.column_stack([np.ones(m), self.x]))
        self._targets = self.y
        self._penalty = _frozen(np.zeros(2))

    @staticmethod
    def _loss(u, y):
        return (y - np.sin(u)) ** 2

    @staticmethod
    def _loss_d1(u, y):
        return -2.0 * (y - np.sin(u)) * np.cos(u)

    @staticmethod
    def _loss_d2(u, y):
        sin_u = np.sin(u)
        return 2.0 * (np.cos(u) ** 2 + (y - sin_u) * sin_u)

    def _repr_args(self):
        return f"x=<{len(self.x)}>, y=<{len(self.y)}>"


# --------------------------------------------------------------------------------------------
# Convenience constructors and the registry


def wdbc_logistic(
    features: str | Iterable[str] = ("mean radius", "mean texture"),
    fit_bias: bool = True,
    l2: float = 0.0,
) -> LogisticLoss:
    """Logistic regression on standardised WDBC features (malignant = 1).

    Example:
        >>> loss = wdbc_logistic()
        >>> loss.dim, loss.n_examples, loss.param_names[-1]
        (3, 569, 'b')
    """
    data = load_wdbc(features, standardize=True)
    return LogisticLoss(
        data.X,
        data.y,
        fit_bias=fit_bias,
        l2=l2,
        feature_names=data.feature_names,
        name="wdbc_logistic",
        label=f"Logistic regression on WDBC ({', '.join(data.feature_names)})",
    )


def sine_regression(seed: int = 0, n: int = 200, noise: float = 0.5) -> SineRegression:
    """Sine regression on ``make_sine_data(n, noise, rng=seed)``; the data come from w = (1.1, 2.5).

    Example:
        >>> sine_regression().n_examples
        200
    """
    seed = check_int("seed", seed, low=0)
    data = make_sine_data(n=n, noise=noise, rng=seed)
    return SineRegression(data.X[:, 0], data.y)


OBJECTIVES: dict[str, Callable[..., Objective]] = {
    "quadratic_1d": Quadratic1D,
    "quartic_1d": Quartic1D,
    "log_cosh_1d": LogCosh1D,
    "quadratic_2d": Quadratic2D,
    "himmelblau": Himmelblau,
    "rosenbrock": Rosenbrock,
    "saddle": Saddle,
    "plateau_cliff": PlateauCliff,
    "logistic": LogisticLoss,
    "wdbc_logistic": wdbc_logistic,
    "sine_regression": sine_regression,
}


def make_objective(name: str, **kwargs: object) -> Objective:
    """Build the objective registered under ``name`` with keyword arguments ``kwargs``.

    Example:
        >>> make_objective("rosenbrock", b=10.0).minimizers
        array([[1., 1.]])
    """
    check_choice("objective", name, OBJECTIVES)
    return OBJECTIVES[name](**kwargs)


# --------------------------------------------------------------------------------------------
# Helpers


def _quiet() -> np.errstate:
    # Overflow only happens far outside any plot, where inf (or inf − inf = nan) is the honest
    # answer and the caller detects divergence; a warning would only be noise.
    return np.errstate(over="ignore", invalid="ignore")


def _frozen(values: ArrayLike) -> np.ndarray:
    """A read-only float array, so shared attributes like ``start`` cannot be changed in place."""
    arr = np.array(values, dtype=float)
    arr.setflags(write=False)
    return arr


def _sym2(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Stack entries into symmetric 2×2 matrices [[a, b], [b, c]] of shape (..., 2, 2)."""
    return np.stack([np.stack([a, b], axis=-1), np.stack([b, c], axis=-1)], axis=-2)


def _polish(obj: Objective, w: np.ndarray, steps: int = 20) -> np.ndarray:
    """Refine a stationary point of ``obj`` near ``w`` by Newton's method, to full precision."""
    for _ in range(steps):
        step = np.linalg.solve(obj._hessian(w), obj._grad(w))
        w = w - step
        if np.all(np.abs(step) <= 1e-15 * (1.0 + np.abs(w))):
            break
    return w


def _top_eigenvalue(phi: np.ndarray, weights: np.ndarray | None) -> float:
    """λ_max(Φᵀ diag(v) Φ / m), the curvature scale of a mean loss over the rows of Φ."""
    v = np.ones(phi.shape[0]) if weights is None else weights
    gram = (phi.T * v) @ phi / phi.shape[0]
    return float(np.linalg.eigvalsh(0.5 * (gram + gram.T))[-1])


def _as_real_array(name: str, value: object) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number or array, got {value!r}") from None
