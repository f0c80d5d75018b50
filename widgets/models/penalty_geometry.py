"""Penalty geometry: why an L1 penalty gives exact zeros and an L2 penalty does not.

The loss is a 2-parameter logistic regression on WDBC's standardised mean radius and mean
texture, without an intercept, so that the whole loss is a surface over the plane (w₁, w₂). For a
strength τ and a mix r (0: L2, 1: L1, between: elastic net) the penalised optimum is

    w*(τ) = argmin f(w) + τ P_r(w),   P_r(w) = r‖w‖₁ + (1 − r)/2·‖w‖²,

and it is also the solution of the constrained form min f(w) subject to P_r(w) ≤ t with
t = P_r(w*(τ)) (the two forms share their KKT conditions, τ being the constraint's multiplier).
So w*(τ) is where a contour of f first touches the region P_r ≤ t: a disc for L2, a diamond for
L1, which touches at a corner, on an axis, for a whole range of τ.

Controls: ``tau`` (τ, log scale) and ``l1_ratio`` (r). Everything that does not depend on them
(the loss surface, its contour levels, the optimum without penalty) is computed once; the path of
optima over the τ grid is computed once per r of the grid.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._validate import check_real
from ..data import load_wdbc
from ..objectives import LogisticLoss
from ..regularization import fit_penalized, penalty_strengths, regularization_path
from . import Question, Status
from ._grid import frozen as _frozen
from ._grid import nearest

__all__ = [
    "FEATURES",
    "L1_RATIOS",
    "QUESTIONS",
    "TAUS",
    "PenaltyGeometryState",
    "penalty_geometry_state",
    "penalty_geometry_status",
    "precompute",
]

#: the two standardised WDBC features (the course's usual pair), weights w₁ and w₂
FEATURES = ("mean radius", "mean texture")
#: the τ slider's values: 61 on a log scale, 20 a decade, from 1e-3 to 1
TAUS = np.logspace(-3.0, 0.0, 61)
#: the mix slider's values: r = 0, 0.1, …, 1
L1_RATIOS = np.linspace(0.0, 1.0, 11)
#: the plotted window (square, so that a disc looks like one), and the grid's points per axis
BOUNDS = ((-1.5, 5.5), (-3.0, 4.0))
GRID = 121
TAUS.setflags(write=False)
L1_RATIOS.setflags(write=False)
_TOL = 1e-10  # fits stop at max |r| ≤ 1e-10: far below a pixel


@dataclass(frozen=True, eq=False)
class PenaltyGeometryState:
    """What the penalty-geometry figure shows for one (τ, r).

    Attributes:
        tau, l1_ratio: the controls.
        w1, w2: the grid's axes, shapes (GRID,); loss: f on the grid, shape (GRID, GRID),
            indexed [w₂, w₁]; levels: contour levels of f, increasing.
        unpenalized: the minimiser of f alone, shape (2,).
        optimum: w*(τ), shape (2,); optimum_loss: f(w*), the level of the contour that touches.
        budget: t = P_r(w*), the size of the constraint region.
        boundary: the region P_r(w) = t as a closed polygon, shape (361, 2).
        path: w*(τ) for every τ of ``TAUS`` at this r, shape (61, 2); path_taus: those τ.
        zero: whether each weight is exactly 0 (an exact float zero, not a small number).
        converged: whether the fit reached its tolerance.
        feature_names: the two features.
    """

    tau: float
    l1_ratio: float
    w1: np.ndarray
    w2: np.ndarray
    loss: np.ndarray
    levels: np.ndarray
    unpenalized: np.ndarray
    optimum: np.ndarray
    optimum_loss: float
    budget: float
    boundary: np.ndarray
    path: np.ndarray
    path_taus: np.ndarray
    zero: tuple[bool, bool]
    converged: bool
    feature_names: tuple[str, str]

    @property
    def penalty_name(self) -> str:
        """ "L2", "L1" or "elastic net (r = …)"."""
        if self.l1_ratio == 0.0:
            return "L2"
        if self.l1_ratio == 1.0:
            return "L1"
        return f"elastic net (r = {self.l1_ratio:.2f})"


def penalty_geometry_state(tau: float = 0.05, l1_ratio: float = 1.0) -> PenaltyGeometryState:
    """The figure's data for strength ``tau`` (τ in [1e-3, 1]) and mix ``l1_ratio`` (r in [0, 1]).

    Example:
        >>> state = penalty_geometry_state(tau=0.2, l1_ratio=1.0)
        >>> state.zero, state.optimum[1]
        ((False, True), np.float64(0.0))
    """
    tau = check_real("tau", tau, low=float(TAUS[0]), high=float(TAUS[-1]))
    rho = check_real("l1_ratio", l1_ratio, low=0.0, high=1.0)
    surface = _surface()
    taus, path = _path(rho)
    i, on_grid = nearest(taus, tau, log=True)
    if on_grid:
        w, converged = path[i], True
    else:  # off the grid: a fit from the nearest grid point, two or three Newton steps
        l1, l2 = penalty_strengths("elasticnet", tau, rho)
        fit = fit_penalized(_loss().with_penalty(l1=l1, l2=l2), path[i], tol=_TOL)
        w, converged = fit.params, fit.converged
    budget = rho * float(np.abs(w).sum()) + 0.5 * (1.0 - rho) * float(w @ w)
    return PenaltyGeometryState(
        tau=tau,
        l1_ratio=rho,
        w1=surface["w1"],
        w2=surface["w2"],
        loss=surface["loss"],
        levels=surface["levels"],
        unpenalized=surface["unpenalized"],
        optimum=_frozen(w),
        optimum_loss=float(_loss().value(w)),
        budget=budget,
        boundary=_frozen(_boundary(rho, budget)),
        path=path,
        path_taus=taus,
        zero=(bool(w[0] == 0.0), bool(w[1] == 0.0)),
        converged=bool(converged),
        feature_names=FEATURES,
    )


def penalty_geometry_status(state: PenaltyGeometryState) -> Status:
    """The status line: where the optimum is and which weight, if any, is exactly 0."""
    w = state.optimum
    coords = ", ".join("0" if x == 0.0 else f"{x:.3f}" for x in w)
    head = f"τ = {state.tau:.3g}, {state.penalty_name}: w* = ({coords})"
    names = [f"w[{n}]" for n in state.feature_names]
    if all(state.zero):
        text = f"{head}; both weights are exactly 0: the region has shrunk onto the origin"
    elif any(state.zero):
        j = state.zero.index(True)
        text = (
            f"{head}; {names[j]} is exactly 0: the contour touches the region at a corner on "
            f"the {names[1 - j]} axis"
        )
    else:
        text = f"{head}; no weight is 0: the contour touches the region on a side"
    if not state.converged:
        return Status(text + " (the fit did not reach its tolerance)", "error")
    return Status(text, "info")


def _answer_zero(state: PenaltyGeometryState) -> tuple[str, str]:
    answer = "yes" if any(state.zero) else "no"
    if state.l1_ratio == 0.0:
        why = (
            "An L2 disc has no corners: the contour touches it where both weights are non-zero, "
            "for every finite τ; the weights shrink towards 0 but never reach it."
        )
    elif any(state.zero):
        why = (
            "The region has a corner on an axis, and for this τ the contour touches it there: "
            "at wⱼ = 0 the slope |∂f/∂wⱼ| is at most rτ, so moving off 0 costs more penalty "
            "than it saves loss."
        )
    else:
        why = (
            "τ is too small for a corner: |∂f/∂wⱼ| at the axis still exceeds rτ for both "
            "weights, so the optimum lies on a side of the region."
        )
    return answer, why


def _answer_budget_trend(state: PenaltyGeometryState) -> tuple[str, str]:
    return "smaller", (
        "A larger τ makes the penalty dearer, so the optimum has a smaller P(w*) = t: in the "
        "constrained form the region shrinks towards the origin, along the path drawn."
    )


QUESTIONS = (
    Question(
        prompt="At this τ and mix, will one of the two weights be exactly 0?",
        answer=_answer_zero,
        choices=("yes", "no"),
    ),
    Question(
        prompt="If τ grows, will the constraint region through the optimum get larger or smaller?",
        answer=_answer_budget_trend,
        choices=("larger", "smaller"),
    ),
)


def precompute() -> None:
    """Compute everything the controls look up: the surface and the path for every r of the grid
    (0.5–1.5 s once; afterwards a state on the grid takes about 0.1 ms, one off it about 1 ms)."""
    _surface()
    for k in range(len(L1_RATIOS)):
        _grid_path(k)


# ---- what does not depend on the controls, computed once


@functools.cache
def _loss() -> LogisticLoss:
    data = load_wdbc(FEATURES)
    return LogisticLoss(data.X, data.y, fit_bias=False, feature_names=data.feature_names)


@functools.cache
def _surface() -> dict[str, np.ndarray]:
    loss = _loss()
    w1 = np.linspace(*BOUNDS[0], GRID)
    w2 = np.linspace(*BOUNDS[1], GRID)
    values = loss.value_grid(*np.meshgrid(w1, w2))
    best = fit_penalized(loss, tol=_TOL).params
    f0 = float(loss.value(best))
    # levels spaced geometrically above the minimum: dense near it, where the optima are
    levels = f0 + (values.max() - f0) * np.geomspace(1e-3, 1.0, 14)
    return {
        "w1": _frozen(w1),
        "w2": _frozen(w2),
        "loss": _frozen(values),
        "levels": _frozen(levels),
        "unpenalized": _frozen(best),
    }


def _path(rho: float) -> tuple[np.ndarray, np.ndarray]:
    k, on_grid = nearest(L1_RATIOS, rho)
    if on_grid:
        return _grid_path(k)
    return TAUS, _compute_path(rho)


@functools.cache
def _grid_path(k: int) -> tuple[np.ndarray, np.ndarray]:
    return TAUS, _compute_path(float(L1_RATIOS[k]))


def _compute_path(rho: float) -> np.ndarray:
    loss = _loss()
    path = regularization_path(
        loss.X, loss.y, TAUS, penalty="elasticnet", l1_ratio=rho, fit_bias=False, tol=_TOL
    )
    return _frozen(path.coef)


_ANGLES = np.linspace(0.0, 2.0 * math.pi, 361)
_DIRECTIONS = np.column_stack([np.cos(_ANGLES), np.sin(_ANGLES)])


def _boundary(rho: float, budget: float) -> np.ndarray:
    """Points s·u with r s‖u‖₁ + (1 − r)/2 s²‖u‖² = t, for 361 unit directions u (r the L1
    share, s the distance from 0)."""
    a = np.abs(_DIRECTIONS).sum(axis=1)  # ‖u‖₁; ‖u‖₂ = 1
    if budget == 0.0:
        return np.zeros_like(_DIRECTIONS)
    if rho == 1.0:
        r = budget / a
    else:  # the positive root of (1 − r)/2 s² + r a s − t = 0, written without cancellation
        q = 0.5 * (1.0 - rho)
        r = 2.0 * budget / (rho * a + np.sqrt((rho * a) ** 2 + 4.0 * q * budget))
    return r[:, None] * _DIRECTIONS
