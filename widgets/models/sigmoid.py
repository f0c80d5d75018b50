"""The sigmoid explorer's model: σ(z), σ′ = σ(1 − σ), the central difference's error, gradients.

Example:
    >>> st = sigmoid_state(z=2.0, h=1e-4, y=1)
    >>> round(st.slope, 6), st.error_at_h < 1e-8
    (0.104994, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_real
from ..objectives import sigmoid
from . import Status

__all__ = [
    "H_GRID",
    "H_RANGE",
    "Z_GRID",
    "Z_RANGE",
    "SigmoidState",
    "central_difference",
    "sigmoid_state",
    "sigmoid_status",
]

Z_RANGE = (-8.0, 8.0)
H_RANGE = (1e-13, 1e-1)
#: the z axis of the curves, and the steps h of the error curve
Z_GRID = np.linspace(*Z_RANGE, 401)
H_GRID = np.logspace(np.log10(H_RANGE[0]), np.log10(H_RANGE[1]), 121)
TANGENT_HALF_WIDTH = 2.5


def central_difference(f: Callable, z: float, h: np.ndarray | float) -> np.ndarray:
    """(f(z + h) − f(z − h)) / 2h: error O(h²) from truncation plus O(ε_mach/h) from rounding."""
    h = np.asarray(h, dtype=float)
    return (f(z + h) - f(z - h)) / (2.0 * h)


@dataclass(frozen=True, eq=False)
class SigmoidState:
    """Everything the sigmoid explorer shows for (z, h, y)."""

    z: float
    h: float
    y: int
    s: float  # σ(z)
    slope: float  # σ′(z) = σ(1 − σ)
    numeric: float  # central difference at h
    error_at_h: float
    best_h: float  # h with the smallest error on H_GRID
    errors: np.ndarray  # |numeric − exact| over H_GRID (NaN where exactly 0: a log axis)
    grad_ce: np.ndarray  # ∂(cross-entropy)/∂z = σ − y over Z_GRID
    grad_se: np.ndarray  # ∂(½(σ − y)²)/∂z = (σ − y) σ (1 − σ) over Z_GRID

    @property
    def tangent(self) -> tuple[np.ndarray, np.ndarray]:
        """The tangent line at z, over z ± 2.5."""
        zt = np.array([self.z - TANGENT_HALF_WIDTH, self.z + TANGENT_HALF_WIDTH])
        return zt, self.s + self.slope * (zt - self.z)


_S = sigmoid(Z_GRID)


def sigmoid_state(z: float = 0.5, h: float = 1e-3, y: int = 1) -> SigmoidState:
    """The sigmoid explorer's state at a point ``z``, a difference step ``h`` and a label ``y``."""
    z = check_real("z", z, low=Z_RANGE[0], high=Z_RANGE[1])
    h = check_real("h", h, low=H_RANGE[0], high=H_RANGE[1])
    y = check_choice("y", y, (0, 1))
    s = float(sigmoid(z))
    slope = s * (1.0 - s)
    errors = np.abs(central_difference(sigmoid, z, H_GRID) - slope)
    num_h = float(central_difference(sigmoid, z, h))
    positive = np.where(errors > 0, errors, np.inf)
    return SigmoidState(
        z=z,
        h=h,
        y=int(y),
        s=s,
        slope=slope,
        numeric=num_h,
        error_at_h=abs(num_h - slope),
        best_h=float(H_GRID[np.argmin(positive)]),
        errors=np.where(errors > 0, errors, np.nan),
        grad_ce=_S - y,
        grad_se=(_S - y) * _S * (1.0 - _S),
    )


def sigmoid_status(st: SigmoidState) -> Status:
    """σ, its slope and the central difference's error, in words."""
    return Status(
        f"σ({st.z:.3g}) = {st.s:.4f}; σ′({st.z:.3g}) = σ(1 − σ) = {st.slope:.6f}; "
        f"central difference with h = {st.h:.0e} gives {st.numeric:.6f} "
        f"(error {st.error_at_h:.1e}; smallest error near h = {st.best_h:.0e})",
        "info",
    )
