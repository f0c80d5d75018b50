"""Learning-rate schedules.

A schedule is a callable ``t -> learning rate`` where ``t`` is the 0-based step index: an ``int``
gives a ``float``, an integer array gives a float array of the same shape (so a whole schedule can
be plotted with ``schedule(np.arange(n))``). Every optimizer in :mod:`widgets.optimizers` accepts a
schedule wherever it accepts a fixed ``learning_rate``.

The formulas follow PyTorch's ``torch.optim.lr_scheduler`` (``StepLR``, ``ExponentialLR``,
``CosineAnnealingLR``, ``CosineAnnealingWarmRestarts``), written in closed form so they can be
evaluated at any step directly.
"""

from __future__ import annotations

import numbers

import numpy as np

from widgets._validate import check_int, check_real

__all__ = [
    "Schedule",
    "constant",
    "cosine",
    "cosine_restarts",
    "exponential",
    "step_decay",
    "time_decay",
]


class Schedule:
    """A learning-rate schedule: call it with a step index (int) or an integer array of indices.

    Subclasses implement :meth:`rate` on a float array of step indices; :meth:`__call__` checks
    the steps and returns a ``float`` for an ``int`` and an array for an array.
    """

    def __call__(self, t: int | np.ndarray) -> float | np.ndarray:
        steps = _as_steps(t)
        rates = self.rate(steps.astype(float))
        return float(rates) if steps.ndim == 0 else rates

    def rate(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{self._name}({args})"

    _name = "schedule"


class _Constant(Schedule):
    _name = "constant"

    def __init__(self, lr: float) -> None:
        self.lr = lr

    def __call__(self, t: int | np.ndarray) -> float | np.ndarray:
        if type(t) is int and t >= 0:  # the hot path of every optimizer step
            return self.lr
        return super().__call__(t)

    def rate(self, t: np.ndarray) -> np.ndarray:
        return np.full(t.shape, self.lr)


class _StepDecay(Schedule):
    _name = "step_decay"

    def __init__(self, lr: float, step_size: int, gamma: float) -> None:
        self.lr, self.step_size, self.gamma = lr, step_size, gamma

    def rate(self, t: np.ndarray) -> np.ndarray:
        return self.lr * np.power(self.gamma, np.floor_divide(t, self.step_size))


class _Exponential(Schedule):
    _name = "exponential"

    def __init__(self, lr: float, gamma: float) -> None:
        self.lr, self.gamma = lr, gamma

    def rate(self, t: np.ndarray) -> np.ndarray:
        # gamma**t underflows to 0 quietly for huge t, which is the right limit.
        with np.errstate(under="ignore"):
            return self.lr * np.power(self.gamma, t)


class _TimeDecay(Schedule):
    _name = "time_decay"

    def __init__(self, lr: float, decay: float) -> None:
        self.lr, self.decay = lr, decay

    def rate(self, t: np.ndarray) -> np.ndarray:
        return self.lr / (1.0 + self.decay * t)


class _Cosine(Schedule):
    _name = "cosine"

    def __init__(self, lr: float, total_steps: int, min_lr: float, warmup_steps: int) -> None:
        self.lr, self.total_steps = lr, total_steps
        self.min_lr, self.warmup_steps = min_lr, warmup_steps

    def rate(self, t: np.ndarray) -> np.ndarray:
        warm, span = self.warmup_steps, self.total_steps - self.warmup_steps
        # Fraction of the cosine phase done, clipped so the rate stays at min_lr after total_steps.
        frac = np.clip((t - warm) / span, 0.0, 1.0) if span > 0 else np.ones_like(t)
        decay = self.min_lr + (self.lr - self.min_lr) * 0.5 * (1.0 + np.cos(np.pi * frac))
        if warm == 0:
            return decay
        ramp = self.lr * (t + 1.0) / warm
        return np.where(t < warm, ramp, decay)


class _CosineRestarts(Schedule):
    _name = "cosine_restarts"

    def __init__(self, lr: float, period: int, period_mult: int, min_lr: float) -> None:
        self.lr, self.period, self.period_mult, self.min_lr = lr, period, period_mult, min_lr

    def rate(self, t: np.ndarray) -> np.ndarray:
        t0, q = float(self.period), float(self.period_mult)
        if self.period_mult == 1:
            k = np.floor_divide(t, t0)
        else:
            # cycle k starts at t0 (q^k − 1)/(q − 1); invert that, then mend the rounding of log
            k = np.floor(np.log1p(t * (q - 1.0) / t0) / np.log(q))
            k = k - (_cycle_start(k, t0, q) > t) + (_cycle_start(k + 1, t0, q) <= t)
        t_cur = t - _cycle_start(k, t0, q)
        t_k = t0 * np.power(q, k)
        return self.min_lr + (self.lr - self.min_lr) * 0.5 * (1.0 + np.cos(np.pi * t_cur / t_k))


def _cycle_start(k: np.ndarray, t0: float, q: float) -> np.ndarray:
    """First step of cycle k of a warm-restart schedule: t0 (1 + q + … + q^(k−1))."""
    return t0 * k if q == 1.0 else t0 * (np.power(q, k) - 1.0) / (q - 1.0)


def constant(lr: float) -> Schedule:
    """The same learning rate at every step.

    Rule: α_t = lr.

    Args:
        lr: the learning rate, > 0.

    Returns:
        A :class:`Schedule`.

    Example:
        >>> from widgets.schedules import constant
        >>> constant(0.1)(7)
        0.1

    Reference: ``torch.optim.SGD`` with no scheduler.
    """
    return _Constant(check_real("lr", lr, low=0.0, low_open=True))


def step_decay(lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    Rule: α_t = lr · γ^⌊t / step_size⌋.

    Args:
        lr: the initial learning rate, > 0.
        step_size: number of steps between decays, an integer ≥ 1.
        gamma: the decay factor, in (0, 1].

    Returns:
        A :class:`Schedule`.

    Example:
        >>> import numpy as np
        >>> from widgets.schedules import step_decay
        >>> step_decay(1.0, step_size=2, gamma=0.5)(np.arange(6))
        array([1.  , 1.  , 0.5 , 0.5 , 0.25, 0.25])

    Reference: ``torch.optim.lr_scheduler.StepLR``.
    """
    return _StepDecay(
        check_real("lr", lr, low=0.0, low_open=True),
        check_int("step_size", step_size, low=1),
        check_real("gamma", gamma, low=0.0, high=1.0, low_open=True),
    )


def exponential(lr: float, gamma: float) -> Schedule:
    """Multiply the learning rate by ``gamma`` at every step.

    Rule: α_t = lr · γ^t.

    Args:
        lr: the initial learning rate, > 0.
        gamma: the decay factor per step, in (0, 1].

    Returns:
        A :class:`Schedule`.

    Example:
        >>> from widgets.schedules import exponential
        >>> exponential(1.0, gamma=0.5)(3)
        0.125

    Reference: ``torch.optim.lr_scheduler.ExponentialLR``.
    """
    return _Exponential(
        check_real("lr", lr, low=0.0, low_open=True),
        check_real("gamma", gamma, low=0.0, high=1.0, low_open=True),
    )


def time_decay(lr: float, decay: float) -> Schedule:
    """Time-based (inverse-time) decay: divide the learning rate by ``1 + decay · t``.

    Rule: α_t = lr / (1 + k·t) with k = ``decay``. For k > 0 it meets the Robbins–Monro
    conditions Σ α_t = ∞ (it falls like 1/t, whose sum diverges) and Σ α_t² < ∞, which an
    exponential decay (Σ α_t = lr / (1 − γ) < ∞) does not; k = 0 is a constant rate.

    Args:
        lr: the initial learning rate, > 0.
        decay: k, the decay per step, >= 0.

    Returns:
        A :class:`Schedule`.

    Example:
        >>> from widgets.schedules import time_decay
        >>> time_decay(1.0, decay=0.5)(2)
        0.5

    Reference: Robbins and Monro (1951); Keras's ``InverseTimeDecay`` (``decay_steps = 1``).
    """
    return _TimeDecay(
        check_real("lr", lr, low=0.0, low_open=True), check_real("decay", decay, low=0.0)
    )


def cosine(lr: float, total_steps: int, min_lr: float = 0.0, warmup_steps: int = 0) -> Schedule:
    """Cosine annealing from ``lr`` to ``min_lr``, after an optional linear warm-up.

    Rule, with w = warmup_steps and T = total_steps:

        α_t = lr · (t + 1) / w                                    for t < w   (warm-up)
        α_t = min_lr + ½ (lr − min_lr) (1 + cos(π (t − w) / (T − w)))   for w ≤ t ≤ T
        α_t = min_lr                                              for t ≥ T

    The warm-up starts at lr / w rather than 0 so that no step is wasted, and reaches lr at step
    w − 1; the cosine phase then starts at lr (step w) and reaches min_lr exactly at step T.

    Args:
        lr: the peak learning rate, > 0.
        total_steps: the step at which the rate reaches ``min_lr``, an integer ≥ 1.
        min_lr: the final learning rate, in [0, lr].
        warmup_steps: length of the linear warm-up, an integer in [0, total_steps].

    Returns:
        A :class:`Schedule`.

    Example:
        >>> import numpy as np
        >>> from widgets.schedules import cosine
        >>> cosine(1.0, total_steps=4)(np.arange(6)).round(3)
        array([1.   , 0.854, 0.5  , 0.146, 0.   , 0.   ])
        >>> cosine(1.0, total_steps=6, warmup_steps=2)(np.arange(3))
        array([0.5, 1. , 1. ])

    Reference: ``torch.optim.lr_scheduler.CosineAnnealingLR``; Loshchilov & Hutter, "SGDR:
    Stochastic Gradient Descent with Warm Restarts", ICLR 2017 (arXiv:1608.03983); warm-up as in
    Goyal et al., "Accurate, Large Minibatch SGD", 2017 (arXiv:1706.02677).
    """
    lr = check_real("lr", lr, low=0.0, low_open=True)
    total_steps = check_int("total_steps", total_steps, low=1)
    min_lr = check_real("min_lr", min_lr, low=0.0, high=lr)
    warmup_steps = check_int("warmup_steps", warmup_steps, low=0, high=total_steps)
    return _Cosine(lr, total_steps, min_lr, warmup_steps)


def cosine_restarts(lr: float, period: int, period_mult: int = 1, min_lr: float = 0.0) -> Schedule:
    """Cosine annealing with warm restarts (SGDR): a cosine from ``lr`` to ``min_lr``, restarted.

    Rule, with T₀ = period and q = period_mult: cycle k (k = 0, 1, …) lasts T_k = T₀ q^k steps and
    starts at step S_k = T₀ (1 + q + … + q^(k−1)) (S_k = k T₀ when q = 1). At step t in cycle k,
    with t_cur = t − S_k steps since the last restart,

        α_t = min_lr + ½ (lr − min_lr) (1 + cos(π t_cur / T_k)).

    Every restart (t_cur = 0) jumps back to lr; within a cycle the rate falls towards min_lr,
    whose value it would reach at the step the next restart takes instead. With q = 2 the
    restarts fall at T₀, 3T₀, 7T₀, …: each cycle twice as long as the one before.

    Args:
        lr: the rate at every restart, > 0.
        period: T₀, the length of the first cycle in steps, an integer ≥ 1.
        period_mult: q, the factor by which each cycle is longer than the previous one, an
            integer ≥ 1 (PyTorch's ``T_mult``).
        min_lr: the rate the cosine falls towards, in [0, lr].

    Returns:
        A :class:`Schedule`.

    Example:
        >>> import numpy as np
        >>> from widgets.schedules import cosine_restarts
        >>> cosine_restarts(1.0, period=2)(np.arange(5))
        array([1. , 0.5, 1. , 0.5, 1. ])
        >>> cosine_restarts(1.0, period=2, period_mult=2)(np.arange(7)).round(3)
        array([1.   , 0.5  , 1.   , 0.854, 0.5  , 0.146, 1.   ])

    Reference: I. Loshchilov, F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
    ICLR 2017 (arXiv:1608.03983), eq. (5); ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.
    """
    lr = check_real("lr", lr, low=0.0, low_open=True)
    period = check_int("period", period, low=1)
    period_mult = check_int("period_mult", period_mult, low=1)
    min_lr = check_real("min_lr", min_lr, low=0.0, high=lr)
    return _CosineRestarts(lr, period, period_mult, min_lr)


def _as_steps(t: object) -> np.ndarray:
    """Check ``t`` is a non-negative integer or integer array and return it as an int array."""
    if isinstance(t, bool) or isinstance(t, np.bool_):
        raise TypeError(f"step t must be an integer or an integer array, got {t!r}")
    if isinstance(t, numbers.Integral):
        if t < 0:
            raise ValueError(f"step t must be a non-negative integer, got {t!r}")
        return np.asarray(int(t))
    arr = np.asarray(t)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"step t must be an integer or an integer array, got {t!r}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"step t must contain non-negative integers, got minimum {arr.min()}")
    return arr


class _Table(Schedule):
    """Rates looked up in a precomputed table, so the range test (``widgets.simulate``) reports
    the exact rates used."""

    _name = "table"

    def __init__(self, rates: np.ndarray) -> None:
        self.rates = rates

    def __call__(self, t: int | np.ndarray) -> float | np.ndarray:
        steps = _as_steps(t)
        # Past the end of the table the last rate is kept (never reached by the range test).
        rates = self.rates[np.minimum(steps, self.rates.size - 1)]
        return float(rates) if steps.ndim == 0 else rates


def __getattr__(name: str):
    """``lr_range_test`` and ``LRRangeResult`` live in :mod:`widgets.simulate` (a training driver
    belongs with the others); the old names here keep working, imported when first used, so
    this module imports nothing of simulate's (which imports this one)."""
    if name in ("lr_range_test", "LRRangeResult"):
        import importlib  # not "from . import simulate": widgets.simulate is also a function

        return getattr(importlib.import_module("widgets.simulate"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
