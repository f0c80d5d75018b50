"""The two-feature decision-boundary explorer's model (lesson 01): the probability field
σ(wᵀx + b) in bands, the boundary and the lines of probability 0.1 … 0.9, and gradient descent's
‖w‖ and loss step by step. On linearly separable data ‖w‖ grows for ever unless an L2 penalty
τ > 0 gives the loss a finite minimiser.

Example:
    >>> st = boundary_state(separable=True)
    >>> st.minimiser is None, boundary_status(st).kind
    (True, 'diverged')
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._validate import check_int, check_real
from ..data import Dataset, load_wdbc, make_classification_2d
from ..objectives import LogisticLoss, sigmoid
from ..optimizers import gd, newton
from ..simulate import Trajectory, simulate
from . import Question, Status

__all__ = [
    "BAND_EDGES",
    "L2_RANGE",
    "PROB_LEVELS",
    "STEPS",
    "WEIGHT_RANGE",
    "BoundaryState",
    "boundary_data",
    "boundary_state",
    "boundary_status",
    "gd_run",
    "level_line",
    "penalised_minimiser",
    "probability_bands",
    "separable_question",
]

BOUNDARY_FEATURES = ("mean radius", "mean texture")
STEPS = 500
BAND_EDGES = np.linspace(0.0, 1.0, 41)  # the probability field in 40 bands of 0.025
PROB_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9)  # 0.5 is the boundary, drawn apart
WEIGHT_RANGE = (-10.0, 10.0)
L2_RANGE = (0.0, 0.5)
Bounds = tuple[tuple[float, float], tuple[float, float]]


@functools.cache
def boundary_data(separable: bool) -> Dataset:
    """WDBC (mean radius, mean texture), standardised; or the linearly separable synthetic set.

    Example:
        >>> boundary_data(False).X.shape
        (569, 2)
    """
    if separable:
        return make_classification_2d("separable")
    return load_wdbc(BOUNDARY_FEATURES, standardize=True)


@functools.cache
def _bounds(separable: bool) -> Bounds:
    """Plot box around the data, padded by 5 % on each side."""
    X = boundary_data(separable).X
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * (hi - lo)
    (x0, y0), (x1, y1) = (lo - pad).tolist(), (hi + pad).tolist()
    return ((x0, x1), (y0, y1))


@functools.lru_cache(maxsize=512)
def _loss(separable: bool, l2: float) -> LogisticLoss:
    """Mean NLL of σ(wᵀx + b) on the two-feature data, plus (τ/2)‖w‖² (bias not penalised)."""
    data = boundary_data(separable)
    return LogisticLoss(data.X, data.y, fit_bias=True, l2=l2, feature_names=data.feature_names)


@functools.lru_cache(maxsize=512)
def gd_run(separable: bool, l2: float) -> tuple[Trajectory, float]:
    """Gradient descent from 0 for ``STEPS`` steps with α = 1/L, and that α.

    L = λmax(∇²f(0)) bounds the curvature everywhere, because σ(1 − σ) ≤ ¼ is largest at z = 0,
    so the rate 1/L is safe on any data.

    Example:
        >>> run, alpha = gd_run(False, 0.0)
        >>> run.converged, run.stopped_at < STEPS
        (True, True)
    """
    loss = _loss(separable, l2)
    alpha = 1.0 / float(np.linalg.eigvalsh(loss.hessian(np.zeros(loss.dim)))[-1])
    return simulate(loss, gd(alpha), steps=STEPS, tol=1e-6), alpha


@functools.lru_cache(maxsize=512)
def penalised_minimiser(separable: bool, l2: float) -> Trajectory | None:
    """Newton's method to the minimiser of the (penalised) loss; ``None`` when there is none.

    On linearly separable data without penalty the loss keeps decreasing as ‖w‖ → ∞ along the
    separating direction: the infimum 0 is never attained and there is no minimiser.

    Example:
        >>> penalised_minimiser(True, 0.0) is None, penalised_minimiser(True, 0.1).converged
        (True, True)
    """
    if separable and l2 == 0.0:
        return None
    return simulate(_loss(separable, l2), newton(), steps=100, tol=1e-10)


@functools.cache
def _curve_limits(separable: bool) -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed y-limits of the ‖w‖ and loss panels for a data set (from the τ = 0 run, which has
    the largest norms and the smallest losses of all τ), so moving τ never rescales the axes."""
    run, _ = gd_run(separable, 0.0)
    norms = np.linalg.norm(run.params[:, :-1], axis=1)
    return (0.0, 1.12 * float(norms.max())), (0.5 * float(run.loss.min()), 1.0)


def _centre_radius(bounds: Bounds) -> tuple[np.ndarray, float]:
    (x0, x1), (y0, y1) = bounds
    return np.array([(x0 + x1) / 2, (y0 + y1) / 2]), 0.5 * math.hypot(x1 - x0, y1 - y0)


def level_line(w: np.ndarray, b: float, p: float, bounds: Bounds) -> np.ndarray:
    """End points, shape (2, 2) as (xs, ys), of the line σ(wᵀx + b) = p across the plot box.

    The line is wᵀx + b = logit(p). Returns an empty (2, 0) array when w = 0 (σ is constant)
    or when the line misses the box's circumscribed circle.

    Example:
        >>> level_line(np.array([1.0, 0.0]), 0.0, 0.5, ((-1, 1), (-1, 1)))[0].tolist()
        [0.0, 0.0]
    """
    c, radius = _centre_radius(bounds)
    norm = math.hypot(w[0], w[1])
    if norm == 0.0:
        return np.empty((2, 0))
    offset = (float(w @ c) + b - math.log(p / (1.0 - p))) / norm  # signed distance of c
    if not abs(offset) <= radius:
        return np.empty((2, 0))
    u = w / norm
    foot = c - offset * u  # closest point of the line to the box centre
    along = np.array([-u[1], u[0]])
    return np.stack([foot - radius * along, foot + radius * along]).T


def probability_bands(
    w: np.ndarray, b: float, bounds: Bounds, edges: np.ndarray = BAND_EDGES
) -> np.ndarray:
    """The probability field σ(wᵀx + b) over the plot box as bands, shape (n_bands, 4, 2).

    σ depends on x only through wᵀx, so the set where edges[k] ≤ σ ≤ edges[k+1] is the strip
    between the parallel lines wᵀx + b = logit(edges[k]) and logit(edges[k+1]). Each strip is
    returned as a quadrilateral cut to the square circumscribing the box's circumscribed circle
    (radius R around the box centre c); a strip entirely outside it collapses to zero width.
    With w = 0 the field is the constant σ(b): the one band holding it covers everything.

    Example:
        >>> probability_bands(np.array([1.0, 0.0]), 0.0, ((-1, 1), (-1, 1))).shape
        (40, 4, 2)
    """
    c, radius = _centre_radius(bounds)
    w = np.asarray(w, dtype=float)
    norm = math.hypot(w[0], w[1])
    u = w / norm if norm > 0.0 else np.array([1.0, 0.0])
    along = np.array([-u[1], u[0]])
    zc = float(w @ c) + b  # wᵀx + b at the centre
    inner = edges[1:-1]
    logits = np.concatenate([[-np.inf], np.log(inner / (1.0 - inner)), [np.inf]])
    if norm > 0.0:
        with np.errstate(over="ignore"):
            t = (logits - zc) / norm  # signed distance from c along u of each edge line
    else:
        t = np.where(logits <= zc, -np.inf, np.inf)
    t = np.clip(t, -radius, radius)
    lo, hi = t[:-1, None], t[1:, None]
    return np.stack(
        [
            c + lo * u - radius * along,
            c + lo * u + radius * along,
            c + hi * u + radius * along,
            c + hi * u - radius * along,
        ],
        axis=1,
    )


def _lines(w: np.ndarray, b: float, levels, bounds: Bounds) -> np.ndarray:
    """Several level lines joined into one (2, n) polyline with NaN breaks."""
    parts = []
    for p in levels:
        seg = level_line(w, b, p, bounds)
        if seg.shape[1]:
            parts.extend([seg, np.full((2, 1), np.nan)])
    return np.hstack(parts) if parts else np.empty((2, 0))


@dataclass(frozen=True, eq=False)
class BoundaryState:
    """Everything the two-feature explorer shows."""

    separable: bool
    l2: float
    params: np.ndarray  # (w₁, w₂, b) from the sliders
    data: Dataset
    bounds: Bounds
    bands: np.ndarray  # (n_bands, 4, 2) the probability field, see probability_bands
    boundary: np.ndarray  # (2, n) the line p = 0.5
    levels: np.ndarray  # (2, n) the lines p = 0.1 … 0.9 (without 0.5), NaN-separated
    loss: float  # (penalised) mean NLL of the slider model
    accuracy: float  # fraction classified correctly by the slider model
    run: Trajectory  # gradient descent from 0
    alpha: float
    norms: np.ndarray  # (k+1,) ‖w‖ (weights only) along the run
    step: int  # the step shown (≤ run.stopped_at)
    gd_boundary: np.ndarray  # (2, n) gradient descent's boundary at ``step``
    minimiser: Trajectory | None  # Newton's run to the minimiser, None if there is none
    still_growing: bool  # ‖w‖ rose over the last 10 % of the run
    norm_limits: tuple[float, float]
    loss_limits: tuple[float, float]

    def points(self, label: int) -> tuple[np.ndarray, np.ndarray]:
        X = self.data.X[self.data.y == label]
        return X[:, 0], X[:, 1]

    @property
    def steps(self) -> np.ndarray:
        return np.arange(self.run.stopped_at + 1)

    @property
    def norm_star(self) -> float | None:
        """‖w*‖ of the minimiser (weights only), None when there is none."""
        if self.minimiser is None:
            return None
        return float(np.linalg.norm(self.minimiser.final_params[:-1]))

    @property
    def loss_shown(self) -> float:
        """The hand model's loss within the loss panel's limits (the status gives its value)."""
        return min(max(self.loss, self.loss_limits[0]), self.loss_limits[1])


def boundary_state(
    w1: float = 1.0,
    w2: float = 0.5,
    b: float = 0.0,
    l2: float = 0.0,
    step: int = STEPS,
    separable: bool = False,
) -> BoundaryState:
    """The explorer's state for the model σ(w₁x₁ + w₂x₂ + b) and gradient descent from 0.

    Args:
        w1, w2, b: the hand model's weights and bias, in ``WEIGHT_RANGE``.
        l2: the L2 penalty τ on the weights, in ``L2_RANGE``.
        step: the step of the gradient-descent run shown (≥ 0; past the run's end: its end).
        separable: the separable synthetic data instead of WDBC.

    Returns:
        A :class:`BoundaryState`.
    """
    lo, hi = WEIGHT_RANGE
    w1, w2, b = (check_real(n, v, low=lo, high=hi) for n, v in (("w1", w1), ("w2", w2), ("b", b)))
    l2 = check_real("l2", l2, low=L2_RANGE[0], high=L2_RANGE[1])
    step = check_int("step", step, low=0)
    separable = bool(separable)
    data, bounds = boundary_data(separable), _bounds(separable)
    params = np.array([w1, w2, b])
    w = params[:2]
    z = data.X @ w + b
    run, alpha = gd_run(separable, l2)
    norms = np.linalg.norm(run.params[:, :-1], axis=1)
    k = min(step, run.stopped_at)
    norm_limits, loss_limits = _curve_limits(separable)
    return BoundaryState(
        separable=separable,
        l2=l2,
        params=params,
        data=data,
        bounds=bounds,
        bands=probability_bands(w, b, bounds),
        boundary=_lines(w, b, (0.5,), bounds),
        levels=_lines(w, b, PROB_LEVELS, bounds),
        loss=float(_loss(separable, l2).value(params)),
        accuracy=float(np.mean((z > 0) == (data.y == 1))),
        run=run,
        alpha=alpha,
        norms=norms,
        step=k,
        gd_boundary=_lines(run.params[k, :2], float(run.params[k, 2]), (0.5,), bounds),
        minimiser=penalised_minimiser(separable, l2),
        still_growing=bool(norms[-1] > norms[max(0, int(0.9 * run.stopped_at))] * (1.0 + 1e-4)),
        norm_limits=norm_limits,
        loss_limits=loss_limits,
    )


def boundary_status(st: BoundaryState) -> Status:
    """The minimiser (or that there is none), gradient descent's run, the step shown and the
    hand model, in words; "diverged" when the maximum-likelihood estimate does not exist."""
    data = "separable data" if st.separable else "WDBC (mean radius, mean texture)"
    tau = f"τ = {st.l2:.3g}"
    run, n_end = st.run, float(st.norms[-1])
    shown = (
        f"; at step {st.step} of {run.stopped_at}: ‖w‖ {st.norms[st.step]:.3g}, "
        f"loss {run.loss[st.step]:.3g}"
    )
    you = f"; your (w₁, w₂, b): loss {st.loss:.3g}, {st.accuracy:.0%} classified correctly"
    if not np.any(st.params[:2]):
        you = f"; your w = 0: no boundary, every point gets p = σ(b) = {sigmoid(st.params[2]):.3g}"
    if st.minimiser is None:
        growing = " and still growing" if st.still_growing else ""
        return Status(
            f"{data}, {tau}: after {run.stopped_at} steps ‖w‖ = {n_end:.1f}{growing}; the loss "
            f"→ 0 but never reaches it — the maximum-likelihood estimate does not exist"
            + shown
            + you,
            "diverged",
        )
    star = st.minimiser
    what = "maximum-likelihood estimate" if st.l2 == 0.0 else "penalised minimiser"
    if star.converged:
        head = (
            f"{data}, {tau}: the {what} is finite, ‖w*‖ = {st.norm_star:.2f} "
            f"(loss {star.final_loss:.3f})"
        )
    else:
        head = f"{data}, {tau}: Newton's method did not settle ({star.message})"
    gd_text = f"gradient descent (α = 1/L = {st.alpha:.2g}) {run.message}"
    if not run.converged:  # where it got to; a converged run ends at ‖w*‖, said above
        gd_text += f", ‖w‖ = {n_end:.2f}"
    return Status(f"{head}; {gd_text}" + shown + you, "converged" if run.converged else "info")


def separable_question() -> Question:
    """Predict whether ‖w‖ settles or grows for ever under gradient descent (data and τ as set).

    Example:
        >>> separable_question().answer(boundary_state(separable=True))[0]
        'it grows without bound'
    """

    def answer(st: BoundaryState) -> tuple[str, str]:
        if st.minimiser is None:
            return "it grows without bound", (
                "the classes can be split by a line, so scaling w up along it always lowers the "
                f"loss: after {st.run.stopped_at} steps ‖w‖ = {st.norms[-1]:.1f} and rising; "
                "an L2 penalty τ > 0 gives a finite minimiser"
            )
        why = f"the loss has a finite minimiser with ‖w*‖ = {st.norm_star:.2f}"
        why += (
            " because the classes overlap"
            if not st.separable
            else f" because the penalty τ = {st.l2:.3g} > 0 outgrows the shrinking loss"
        )
        return "it settles at a finite value", why

    return Question(
        "If gradient descent ran for ever on these data with this τ, what would ‖w‖ do?",
        answer,
        choices=("it settles at a finite value", "it grows without bound"),
    )
