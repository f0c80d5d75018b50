"""The divergence rule for losses that cannot overflow, shared by the models that use it.

The logistic loss grows only linearly in ‖w‖ and a sine regression's squared error is bounded, so
a run with a huge step never reaches :func:`~widgets.simulate.simulate`'s limit of 1e12: it
bounces about far from anything drawn. Such a run has diverged once its iterate leaves ten times
the plotted region, ``|w|∞ > ESCAPE_FACTOR · max|plot bound|``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ESCAPE_FACTOR", "escape_radius", "first_escape"]

#: a run has diverged once |w|∞ exceeds this many times the largest |bound| of the plot box
ESCAPE_FACTOR = 10.0


def escape_radius(bounds) -> float:
    """``ESCAPE_FACTOR`` × the largest |bound| of the plot box ``((lo, hi), (lo, hi))``.

    Example:
        >>> escape_radius(((-1.0, 5.5), (-2.0, 3.0)))
        55.0
    """
    return ESCAPE_FACTOR * max(abs(v) for lo_hi in bounds for v in lo_hi)


def first_escape(params: np.ndarray, radius: float) -> np.ndarray:
    """The first step at which ``|w|∞`` exceeds ``radius`` (−1 if never), for ``params`` of
    shape (..., steps + 1, d): one run, or a stack of runs.

    Example:
        >>> P = np.array([[[0, 0], [3, 1], [0, 1]], [[0, 0], [1, 1], [1, 2]]])  # 2 runs, 2 updates
        >>> first_escape(P, 2.0).tolist(), int(first_escape(P[0], 2.0))
        ([1, -1], 1)
    """
    out = np.abs(np.asarray(params, dtype=float)).max(axis=-1) > radius
    return np.where(out.any(axis=-1), out.argmax(axis=-1), -1)
