"""Argument checks shared by every public function.

Each check raises an error that names the parameter, the value given and the valid range, so a
learner who types a bad value is told exactly what to change.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

__all__ = [
    "as_points",
    "as_vector",
    "check_choice",
    "check_int",
    "check_real",
    "check_rng",
]


def check_real(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is a finite real number in the given range.

    ``low_open``/``high_open`` make the corresponding end of the interval exclusive.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        else:
            raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    v = float(value)
    rng = _describe_range(low, high, low_open, high_open)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number in {rng}, got {value!r}")
    too_low = low is not None and (v <= low if low_open else v < low)
    too_high = high is not None and (v >= high if high_open else v > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be in {rng}, got {value!r}")
    return v


def check_int(name: str, value: object, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int after checking it is an integer in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        rng = _describe_range(low, high, False, False)
        raise ValueError(f"{name} must be an integer in {rng}, got {value!r}")
    return v


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Check that ``value`` is one of ``choices`` (used for names of objectives, optimizers...)."""
    options = list(choices)
    if value not in options:
        raise ValueError(
            f"unknown {name} {value!r}; valid values are: {', '.join(map(repr, options))}"
        )
    return value  # type: ignore[return-value]


def check_rng(name: str, value: object) -> np.random.Generator:
    """Accept a ``numpy.random.Generator`` or a non-negative integer seed; return a Generator."""
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0:
        return np.random.default_rng(int(value))
    raise TypeError(
        f"{name} must be a numpy.random.Generator or a non-negative integer seed, got {value!r}"
    )


def as_vector(name: str, value: object, dim: int | None = None) -> np.ndarray:
    """Return a finite 1-D float array, optionally of length ``dim``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got {value!r}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    if dim is not None and arr.shape[0] != dim:
        raise ValueError(f"{name} must have length {dim}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf), got {arr}")
    return arr


def as_points(name: str, value: object, dim: int) -> np.ndarray:
    """Return a float array of shape ``(..., dim)``; a scalar is accepted when ``dim == 1``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got {value!r}") from None
    if dim == 1 and (arr.ndim == 0 or arr.shape[-1] != 1):
        arr = arr[..., np.newaxis]
    if arr.shape[-1] != dim:
        raise ValueError(f"{name} must have shape (..., {dim}), got shape {arr.shape}")
    return arr


def _describe_range(low, high, low_open, high_open) -> str:
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    left = "(" if low_open or low is None else "["
    right = ")" if high_open or high is None else "]"
    return f"{left}{lo}, {hi}{right}"
