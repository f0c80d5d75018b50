"""Learning-rate schedules and the learning-rate range test.

A schedule is a callable ``t -> learning rate`` where ``t`` is the 0-based step index: an ``int``
gives a ``float``, an integer array gives a float array of the same shape (so a whole schedule can
be plotted with ``schedule(np.arange(n))``). Every optimizer in :mod:`widgets.optimizers` accepts a
schedule wherever it accepts a fixed ``learning_rate``.

The formulas follow PyTorch's ``torch.optim.lr_scheduler`` (``StepLR``, ``ExponentialLR``,
``CosineAnnealingLR``), written in closed form so they can be evaluated at any step directly.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from widgets._validate import as_vector, check_int, check_real

__all__ = [
    "LRRangeResult",
    "Schedule",
    "constant",
    "cosine",
    "exponential",
    "lr_range_test",
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
    """Rates looked up in a precomputed table, so the range test reports the exact rates used."""

    _name = "table"

    def __init__(self, rates: np.ndarray) -> None:
        self.rates = rates

    def __call__(self, t: int | np.ndarray) -> float | np.ndarray:
        steps = _as_steps(t)
        # Past the end of the table the last rate is kept (never reached by the range test).
        rates = self.rates[np.minimum(steps, self.rates.size - 1)]
        return float(rates) if steps.ndim == 0 else rates


class LRRangeResult(NamedTuple):
    """Outcome of :func:`lr_range_test`.

    Attributes:
        learning_rates: rate used at each step taken, shape (k,).
        losses: loss after each step, shape (k,); ``losses[t]`` is the loss reached by the step
            taken with ``learning_rates[t]``. If the run diverged, the last entry is the loss that
            triggered the stop and may be ``inf`` or ``nan``.
        diverged_at: index of the step at which divergence was detected, or None.
        divergence_lr: the rate at which the loss started its final rise (the step after the last
            step at the lowest loss), or None if the run never diverged.
        suggested_lr: ``divergence_lr / 10``, or None if the run never diverged.
        initial_loss: the loss at the start point, before any step.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    divergence_lr: float | None
    suggested_lr: float | None
    initial_loss: float


def lr_range_test(
    objective: Any,
    make_optimizer: Callable[[Any], Any] | str,
    start: object = None,
    *,
    min_lr: float = 1e-5,
    max_lr: float = 10.0,
    steps: int = 100,
    divergence_factor: float = 4.0,
) -> LRRangeResult:
    """Run one optimisation while the learning rate grows geometrically, and find where it blows up.

    Rule: step t (0-based) uses α_t = min_lr · r^t with r = (max_lr / min_lr)^(1/(steps − 1)), so
    the rates run from min_lr to max_lr. After each step the full loss L_t is recorded. The run
    stops at the first step where L_t is not finite or
    L_t > best + (divergence_factor − 1)·|best|, with best the lowest loss so far (the start
    included); for a positive best this is the usual "L_t > divergence_factor × best". The losses
    are not smoothed: the objectives here are deterministic.

    ``divergence_lr`` is the rate of the first step of the final rise, i.e. the step right after the
    last step that reached the lowest loss. For gradient descent on a quadratic the loss falls at
    every step while α < 2/λmax and rises as soon as α > 2/λmax along a direction that still
    carries error, so on an isotropic quadratic divergence_lr lies in (2/λmax, r · 2/λmax]. On an
    ill-conditioned quadratic it overshoots: the rates near 1/λmax nearly erase the error along
    the steep direction, which then needs several steps to grow back into view (about 4 × 2/λmax
    for κ = 10 with 100 steps over six decades). It never undershoots, since below 2/λmax every
    step lowers the loss.

    ``suggested_lr`` is one tenth of divergence_lr: the usual rule of thumb of training about an
    order of magnitude below the rate at which the loss starts to climb.

    Args:
        objective: an objective with ``value(w)``, ``grad(w)`` (and ``hessian(w)`` for Newton),
            and ``start``.
        make_optimizer: either a callable ``learning_rate -> Optimizer`` (e.g.
            ``widgets.optimizers.gd`` or ``lambda lr: widgets.optimizers.momentum(lr, 0.9)``), which
            is called once with a schedule; or an optimizer name such as ``"gd"``.
        start: the start point, shape (d,); None uses ``objective.start``.
        min_lr: the first rate, > 0.
        max_lr: the last rate, > min_lr.
        steps: number of steps (and rates), an integer ≥ 2.
        divergence_factor: the loss growth over the best loss that counts as divergence, > 1.

    Returns:
        An :class:`LRRangeResult`.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import gd
        >>> from widgets.schedules import lr_range_test
        >>> class Bowl:  # f(w) = ½ λ‖w‖² with λ = 4, so gradient descent is stable for α < 0.5
        ...     start = np.array([1.0, 1.0])
        ...     def value(self, w):
        ...         return 2.0 * np.sum(w**2, axis=-1)
        ...     def grad(self, w):
        ...         return 4.0 * w
        >>> result = lr_range_test(Bowl(), gd, min_lr=1e-3, max_lr=10.0, steps=50)
        >>> bool(0.5 < result.divergence_lr <= 0.5 * (1e4 ** (1 / 49)))
        True
        >>> round(result.suggested_lr, 3)
        0.06

    Reference: L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017
    (arXiv:1506.01186), section 3.3; fastai's ``Learner.lr_find``.
    """
    for attr in ("value", "grad"):
        if not callable(getattr(objective, attr, None)):
            raise TypeError(f"objective must have a callable .{attr}(w), got {objective!r}")
    if isinstance(make_optimizer, str):
        from widgets.optimizers import make_optimizer as _by_name

        name = make_optimizer

        def build(rate: Any) -> Any:
            return _by_name(name, learning_rate=rate)
    elif callable(make_optimizer):
        build = make_optimizer
    else:
        raise TypeError(
            "make_optimizer must be an optimizer name or a callable learning_rate -> Optimizer, "
            f"got {make_optimizer!r}"
        )
    min_lr = check_real("min_lr", min_lr, low=0.0, low_open=True)
    max_lr = check_real("max_lr", max_lr, low=min_lr, low_open=True)
    steps = check_int("steps", steps, low=2)
    divergence_factor = check_real("divergence_factor", divergence_factor, low=1.0, low_open=True)
    if start is None:
        start = getattr(objective, "start", None)
        if start is None:
            raise ValueError("start is None and the objective has no default .start")
    w = as_vector("start", start, getattr(objective, "dim", None))

    rates = np.geomspace(min_lr, max_lr, steps)
    rates.setflags(write=False)
    opt = build(_Table(rates))
    # Local import: widgets.optimizers imports this module.
    from widgets.optimizers import needs_hessian

    hessian_needed = needs_hessian(opt)
    state = opt.init(w)
    losses = np.empty(steps)
    diverged_at = None
    # Overflow is expected once the rate passes the stability limit; it is detected below.
    with np.errstate(all="ignore"):
        best = initial = float(objective.value(w))
        best_index = -1
        for t in range(steps):
            hessian = objective.hessian(w) if hessian_needed else None
            updates, state = opt.update(objective.grad(w), state, w, hessian=hessian)
            w = w + updates
            loss = float(objective.value(w))
            losses[t] = loss
            limit = best + (divergence_factor - 1.0) * abs(best)
            if not math.isfinite(loss) or loss > limit:
                diverged_at = t
                break
            # Ties move the index on, so a flat stretch at the minimum is not counted as the rise.
            if loss <= best:
                best, best_index = loss, t
    k = steps if diverged_at is None else diverged_at + 1
    divergence_lr = None if diverged_at is None else float(rates[best_index + 1])
    return LRRangeResult(
        learning_rates=rates[:k].copy(),
        losses=losses[:k].copy(),
        diverged_at=diverged_at,
        divergence_lr=divergence_lr,
        suggested_lr=None if divergence_lr is None else divergence_lr / 10.0,
        initial_loss=initial,
    )
