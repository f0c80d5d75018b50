"""Helpers shared by the explorer models: read-only arrays and look-ups on a control's grid."""

from __future__ import annotations

import math

import numpy as np


def frozen(a: object) -> np.ndarray:
    """A read-only copy of ``a``: a state's arrays cannot be changed by a view that draws them."""
    arr = np.array(a)
    arr.setflags(write=False)
    return arr


def nearest(grid: np.ndarray, value: float, *, log: bool = False) -> tuple[int, bool]:
    """The index of the grid value nearest ``value`` (in log scale if ``log``), and whether it
    equals ``value`` (to 1e-11 relative): on the grid, a model looks its state up; off it, it
    computes the state starting from that nearest point. A slider sends its grid points rounded
    to 12 significant digits (up to 5e-12 relative off): those count as on the grid."""
    distance = np.abs(np.log(grid / value)) if log else np.abs(grid - value)
    i = int(np.argmin(distance))
    return i, math.isclose(float(grid[i]), value, rel_tol=1e-11, abs_tol=1e-12 * (not log))
