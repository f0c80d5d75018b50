"""First- and second-order optimizers as pure ``(init, update)`` pairs.

The design follows optax: an optimizer holds no mutable state. ``init(params)`` returns a small
immutable state (a NamedTuple whose arrays are read-only), and
``update(grads, state, params, *, hessian=None)`` returns ``(updates, new_state)``; the caller
applies ``params + updates``. Each optimizer first turns the gradient into a *direction* (the
momentum buffer, the gradient divided by a running RMS, the Newton step, ...) and then one shared
function, :func:`_descend`, scales it by the learning rate and flips its sign: the descent sign
is written in that one place only.

The update rules are PyTorch's ``torch.optim`` rules (same defaults, same placement of ``eps``), so
a learner who moves on to PyTorch or optax finds the same algorithms under the same names.

Vectorised runs: every real hyperparameter (``learning_rate``, ``momentum``, ``b1``, ...) may be an
array with one value per run. With ``params`` of shape (n, d), an array of shape (n,) is used as
(n, 1), so n independent runs advance together with no Python loop; (n, 1) works as given. A
schedule may also return such an array.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from widgets._validate import check_choice, check_int, check_real
from widgets.schedules import constant

__all__ = [
    "OPTIMIZERS",
    "AdagradState",
    "AdamState",
    "ChainState",
    "CountState",
    "EmptyState",
    "GradientTransformation",
    "LBFGSState",
    "MomentumState",
    "Optimizer",
    "RMSPropState",
    "adagrad",
    "adam",
    "chain",
    "clip_by_global_norm",
    "gd",
    "lbfgs",
    "make_optimizer",
    "momentum",
    "needs_hessian",
    "needs_prox",
    "needs_value",
    "nesterov",
    "newton",
    "proximal_gd",
    "rmsprop",
]

#: A hyperparameter: one number, or an array with one value per run.
Hyperparameter = float | np.ndarray
#: A learning rate: a number, an array of per-run rates, or a schedule ``t -> rate``.
LearningRate = float | np.ndarray | Callable[[int], Any]


class Optimizer(NamedTuple):
    """An optimizer: a name, a pair of pure functions, its learning-rate schedule and settings.

    Attributes:
        name: registry key, e.g. ``"adam"``.
        init: ``params -> state``; the state is an immutable NamedTuple with a ``count`` field.
        update: ``(grads, state, params=None, *, hessian=None) -> (updates, new_state)``;
            the new parameters are ``params + updates``.
        learning_rate: the schedule ``t -> rate`` (t is the 0-based step index, ``state.count``).
        hyperparams: the settings as given, for display and reproducibility.
        transforms: the gradient transformations applied before the update rule (empty unless
            the optimizer was built by :func:`chain`).
    """

    name: str
    init: Callable[[np.ndarray], NamedTuple]
    update: Callable[..., tuple[np.ndarray, NamedTuple]]
    learning_rate: Callable[[int], Any]
    hyperparams: dict[str, Any]
    transforms: tuple[GradientTransformation, ...] = ()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparams.items())
        if not self.transforms:
            return f"{self.name}({args})"
        return f"chain({', '.join(map(repr, self.transforms))}, {self.name}({args}))"


class GradientTransformation(NamedTuple):
    """A transformation of the gradient applied before an optimizer's rule (optax's name).

    Attributes:
        name: e.g. ``"clip_by_global_norm"``.
        init: ``params -> state``, an immutable NamedTuple.
        update: ``(grads, state, params=None) -> (new_grads, new_state)``.
        hyperparams: the settings as given.
    """

    name: str
    init: Callable[[np.ndarray], NamedTuple]
    update: Callable[..., tuple[np.ndarray, NamedTuple]]
    hyperparams: dict[str, Any]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparams.items())
        return f"{self.name}({args})"


class CountState(NamedTuple):
    """State of optimizers that keep nothing but the step count (gd, newton)."""

    count: int


class EmptyState(NamedTuple):
    """State of a gradient transformation that keeps nothing (clip_by_global_norm)."""


class ChainState(NamedTuple):
    """State of a :func:`chain`: the step count, the transformations' states, the optimizer's."""

    count: int
    transforms: tuple[NamedTuple, ...]
    inner: NamedTuple


class MomentumState(NamedTuple):
    """State of heavy-ball and Nesterov momentum: the momentum buffer ``trace`` (v)."""

    count: int
    trace: np.ndarray


class AdagradState(NamedTuple):
    """State of Adagrad: the running sum of squared gradients (s)."""

    count: int
    sum_of_squares: np.ndarray


class RMSPropState(NamedTuple):
    """State of RMSProp: the exponential moving average of squared gradients (v)."""

    count: int
    nu: np.ndarray


class AdamState(NamedTuple):
    """State of Adam: moving averages of the gradient (m, ``mu``) and its square (v, ``nu``)."""

    count: int
    mu: np.ndarray
    nu: np.ndarray


# ----------------------------------------------------------------------------------------------
# Shared machinery
# ----------------------------------------------------------------------------------------------

_Direction = Callable[[np.ndarray, Any, Any], tuple[np.ndarray, NamedTuple]]


def _descend(direction: np.ndarray, rate: Any) -> np.ndarray:
    """updates = −rate · direction: the only place where the descent sign appears."""
    return -(rate * direction)


def _frozen(a: np.ndarray) -> np.ndarray:
    """Mark a freshly computed state array read-only, so a state can never change after creation."""
    a.setflags(write=False)
    return a


def _zeros_like(params: object) -> np.ndarray:
    return _frozen(np.zeros_like(_as_float_array("params", params)))


def _as_float_array(name: str, value: object) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got {value!r}") from None


def _per_run(name: str, value: Any, shape: tuple[int, ...]) -> Any:
    """Align a per-run hyperparameter with an array of ``shape`` (trailing axes padded with 1).

    A scalar passes through. An array with fewer axes than ``shape`` indexes runs along the leading
    axes, so (n,) becomes (n, 1) for params of shape (n, d).
    """
    if type(value) is float or np.ndim(value) == 0:  # the common case, checked cheaply first
        return value
    value = np.asarray(value)
    aligned = value.reshape(value.shape + (1,) * (len(shape) - value.ndim))
    try:
        fits = np.broadcast_shapes(aligned.shape, shape) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{name} has shape {value.shape}, which does not match params of shape {shape}; "
            f"give one value per run, e.g. shape {shape[:-1]} or {(*shape[:-1], 1)}"
        )
    return aligned


def _check_hyper(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> Hyperparameter:
    """Validate a hyperparameter given as a number or as an array of per-run values."""
    if not isinstance(value, (np.ndarray, list, tuple)) or np.ndim(value) == 0:
        if isinstance(value, np.ndarray):
            value = value.item()
        return check_real(name, value, low=low, high=high, low_open=low_open, high_open=high_open)
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf" or arr.size == 0:
        raise TypeError(f"{name} must be a real number or a non-empty array of them, got {value!r}")
    arr = arr.astype(float)  # a private copy: later changes to the caller's array have no effect
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= arr <= low if low_open else arr < low
    if high is not None:
        bad |= arr >= high if high_open else arr > high
    if bad.any():
        # Report the first offending entry with its index, its value and the valid range.
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        check_real(
            f"{name}[{', '.join(map(str, index))}]",
            float(arr[index]),
            low=low,
            high=high,
            low_open=low_open,
            high_open=high_open,
        )
    return _frozen(arr)


def _check_learning_rate(value: object) -> tuple[Callable[[int], Any], LearningRate]:
    """Return ``(schedule, value_for_display)`` for a number, an array of rates or a schedule."""
    if callable(value):
        first = value(0)
        numeric = isinstance(first, numbers.Real | np.ndarray)
        arr = np.asarray(first, dtype=float) if numeric else None
        if arr is None or not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise ValueError(
                "learning_rate schedule must return finite rates ≥ 0, "
                f"got {first!r} at step 0 from {value!r}"
            )
        return value, value
    rate = _check_hyper("learning_rate", value, low=0.0, low_open=True)
    if isinstance(rate, float):
        return constant(rate), rate
    return _ArrayRate(rate), rate


class _ArrayRate:
    """The schedule of a fixed array of per-run learning rates."""

    def __init__(self, rates: np.ndarray) -> None:
        self.rates = rates

    def __call__(self, t: int | np.ndarray) -> np.ndarray:
        if np.ndim(t) == 0:
            return self.rates
        return np.broadcast_to(self.rates, np.shape(t) + self.rates.shape).copy()

    def __repr__(self) -> str:
        return repr(self.rates)


def _build(
    name: str,
    learning_rate: object,
    hyperparams: dict[str, Any],
    init: Callable[[np.ndarray], NamedTuple],
    direction: _Direction,
) -> Optimizer:
    """Assemble an :class:`Optimizer` from a direction rule and the shared learning-rate step."""
    schedule, shown = _check_learning_rate(learning_rate)

    def update(
        grads: object, state: NamedTuple, params: object = None, *, hessian: object = None
    ) -> tuple[np.ndarray, NamedTuple]:
        g = _as_float_array("grads", grads)
        if params is not None and np.shape(params) != g.shape:
            raise ValueError(
                f"grads has shape {g.shape} but params has shape {np.shape(params)}; "
                "they must match"
            )
        for field, value in zip(state._fields, state, strict=True):
            if isinstance(value, np.ndarray) and value.shape != g.shape:
                raise ValueError(
                    f"grads has shape {g.shape} but the state ({field}) was initialised for "
                    f"params of shape {value.shape}"
                )
        rate = _per_run("learning_rate", schedule(state.count), g.shape)
        # A diverging run overflows to inf/nan instead of warning; the caller detects it.
        with np.errstate(over="ignore", invalid="ignore"):
            d, new_state = direction(g, state, hessian)
            return _descend(d, rate), new_state

    def unchecked(
        g: np.ndarray, state: NamedTuple, hessian: object = None
    ) -> tuple[np.ndarray, NamedTuple]:
        # The same step for inner loops that validated shapes on the first step and already run
        # under np.errstate: skipping the per-call checks makes a 1000-step run about twice as fast.
        rate = schedule(state.count)
        if type(rate) is not float:
            rate = _per_run("learning_rate", rate, g.shape)
        d, new_state = direction(g, state, hessian)
        return _descend(d, rate), new_state

    update.__doc__ = (
        f"One {name} step: ``(grads, state, params=None, *, hessian=None) -> (updates, state)``."
    )
    update.unchecked = unchecked  # type: ignore[attr-defined]
    return Optimizer(name, init, update, schedule, {"learning_rate": shown, **hyperparams})


def _ema(average: np.ndarray, value: np.ndarray, decay: Any) -> np.ndarray:
    """Exponential moving average ``decay · average + (1 − decay) · value`` (shared by RMSProp
    and Adam, so that Adam with b1 = 0 and RMSProp agree bit for bit)."""
    return decay * average + (1.0 - decay) * value


def _debias(average: np.ndarray, decay: Any, t: int) -> np.ndarray:
    """Bias correction ``average / (1 − decay^t)`` of a zero-initialised moving average."""
    return average / (1.0 - np.power(decay, t))


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


# ----------------------------------------------------------------------------------------------
# Optimizers
# ----------------------------------------------------------------------------------------------


def gd(learning_rate: LearningRate) -> Optimizer:
    """Gradient descent.

    Rule: Δθ = −α_t g.

    Args:
        learning_rate: α, a number > 0, an array of per-run rates, or a schedule ``t -> α_t``.

    Returns:
        An :class:`Optimizer` whose state is ``CountState(count)``.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import gd
        >>> opt = gd(learning_rate=0.1)
        >>> params = np.array([1.0, -2.0])
        >>> state = opt.init(params)
        >>> updates, state = opt.update(np.array([2.0, -4.0]), state, params)
        >>> params + updates
        array([ 0.8, -1.6])

    Reference: ``torch.optim.SGD`` with momentum=0; A. Cauchy, "Méthode générale pour la résolution
    des systèmes d'équations simultanées", C. R. Acad. Sci. Paris 25, 1847.
    """

    def init(params: object) -> CountState:
        _as_float_array("params", params)
        return CountState(0)

    def direction(g: np.ndarray, state: CountState, hessian: Any) -> tuple[np.ndarray, CountState]:
        return g, CountState(state.count + 1)

    return _build("gd", learning_rate, {}, init, direction)


def _trace(name: str, learning_rate: LearningRate, mu: object, use_nesterov: bool) -> Optimizer:
    """Heavy-ball or Nesterov momentum: both keep the same buffer and differ only in the step."""
    mu = _check_hyper("momentum", mu, low=0.0, high=1.0, high_open=True)

    def init(params: object) -> MomentumState:
        return MomentumState(0, _zeros_like(params))

    def direction(
        g: np.ndarray, state: MomentumState, hessian: Any
    ) -> tuple[np.ndarray, MomentumState]:
        m = _per_run("momentum", mu, g.shape)
        # v starts at 0, so the first step gives v = g: PyTorch's "b_1 = g_1" with dampening 0.
        trace = m * state.trace + g
        step = g + m * trace if use_nesterov else trace
        return step, MomentumState(state.count + 1, _frozen(trace))

    return _build(name, learning_rate, {"momentum": mu}, init, direction)


def momentum(learning_rate: LearningRate, momentum: Hyperparameter = 0.9) -> Optimizer:
    """Heavy-ball momentum (PyTorch SGD with momentum, dampening 0).

    Rule: v_t = μ v_{t−1} + g_t (v_0 = 0, so v_1 = g_1);  Δθ = −α_t v_t.

    Args:
        learning_rate: α, a number > 0, an array of per-run rates, or a schedule.
        momentum: μ in [0, 1), or an array of per-run values.

    Returns:
        An :class:`Optimizer` whose state is ``MomentumState(count, trace)``.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import momentum
        >>> opt = momentum(learning_rate=0.1, momentum=0.5)
        >>> params = np.array([1.0])
        >>> state = opt.init(params)
        >>> for _ in range(2):  # the same gradient twice: v = 1, then 0.5·1 + 1 = 1.5
        ...     updates, state = opt.update(np.array([1.0]), state, params)
        ...     params = params + updates
        >>> params
        array([0.75])

    Reference: ``torch.optim.SGD(momentum=μ)``; B. T. Polyak, "Some methods of speeding up the
    convergence of iteration methods", USSR Comput. Math. Math. Phys. 4(5), 1964.
    """
    return _trace("momentum", learning_rate, momentum, use_nesterov=False)


def nesterov(learning_rate: LearningRate, momentum: Hyperparameter = 0.9) -> Optimizer:
    """Nesterov momentum in PyTorch's form (SGD with nesterov=True, dampening 0).

    Rule: v_t = μ v_{t−1} + g_t (v_0 = 0);  Δθ = −α_t (g_t + μ v_t).

    The look-ahead of Nesterov's method is folded into the step: the parameters are moved by the
    current gradient plus the momentum that the next step will carry.

    Args:
        learning_rate: α, a number > 0, an array of per-run rates, or a schedule.
        momentum: μ in [0, 1), or an array of per-run values.

    Returns:
        An :class:`Optimizer` whose state is ``MomentumState(count, trace)``.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import nesterov
        >>> opt = nesterov(learning_rate=0.1, momentum=0.5)
        >>> params = np.array([1.0])
        >>> updates, state = opt.update(np.array([1.0]), opt.init(params), params)
        >>> updates  # −0.1 · (1 + 0.5 · 1)
        array([-0.15])

    Reference: ``torch.optim.SGD(momentum=μ, nesterov=True)``; I. Sutskever, J. Martens, G. Dahl,
    G. Hinton, "On the importance of initialization and momentum in deep learning", ICML 2013;
    Y. Nesterov, "A method for solving the convex programming problem with convergence rate
    O(1/k²)", Soviet Math. Dokl. 27, 1983.
    """
    return _trace("nesterov", learning_rate, momentum, use_nesterov=True)


def adagrad(
    learning_rate: LearningRate = 1e-2,
    eps: Hyperparameter = 1e-10,
    initial_accumulator_value: Hyperparameter = 0.0,
) -> Optimizer:
    """Adagrad: per-coordinate steps scaled by the root of the sum of all past squared gradients.

    Rule: s_t = s_{t−1} + g_t² (s_0 = initial_accumulator_value);  Δθ = −α_t g_t / (√s_t + ε).

    Args:
        learning_rate: α, a number > 0, an array of per-run rates, or a schedule.
        eps: ε > 0, added outside the square root as in PyTorch.
        initial_accumulator_value: s_0 ≥ 0.

    Returns:
        An :class:`Optimizer` whose state is ``AdagradState(count, sum_of_squares)``.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import adagrad
        >>> opt = adagrad(learning_rate=0.1)
        >>> params = np.array([1.0, 1.0])
        >>> updates, state = opt.update(np.array([4.0, -0.01]), opt.init(params), params)
        >>> updates.round(6)  # the first step is −α·sign(g), whatever the gradient's size
        array([-0.1,  0.1])

    Reference: ``torch.optim.Adagrad`` (lr_decay = 0); J. Duchi, E. Hazan, Y. Singer, "Adaptive
    Subgradient Methods for Online Learning and Stochastic Optimization", JMLR 12, 2011.
    """
    eps = _check_hyper("eps", eps, low=0.0, low_open=True)
    s0 = _check_hyper("initial_accumulator_value", initial_accumulator_value, low=0.0)

    def init(params: object) -> AdagradState:
        p = _as_float_array("params", params)
        return AdagradState(0, _frozen(np.broadcast_to(s0, p.shape).astype(float)))

    def direction(
        g: np.ndarray, state: AdagradState, hessian: Any
    ) -> tuple[np.ndarray, AdagradState]:
        s = state.sum_of_squares + g * g
        step = g / (np.sqrt(s) + _per_run("eps", eps, g.shape))
        return step, AdagradState(state.count + 1, _frozen(s))

    settings = {"eps": eps, "initial_accumulator_value": s0}
    return _build("adagrad", learning_rate, settings, init, direction)


def rmsprop(
    learning_rate: LearningRate = 1e-2,
    decay: Hyperparameter = 0.99,
    eps: Hyperparameter = 1e-8,
    bias_correction: bool = False,
) -> Optimizer:
    """RMSProp: steps scaled by a moving root-mean-square of recent gradients.

    Rule: v_t = ρ v_{t−1} + (1 − ρ) g_t² (v_0 = 0);
          v̂_t = v_t / (1 − ρ^t) if bias_correction else v_t;
          Δθ = −α_t g_t / (√v̂_t + ε).

    Without bias correction (PyTorch's rule) the first steps are large, since v_1 = (1 − ρ) g_1²
    underestimates g²; with it, RMSProp equals Adam with b1 = 0.

    Args:
        learning_rate: α, a number > 0, an array of per-run rates, or a schedule.
        decay: ρ in [0, 1) (PyTorch's ``alpha``).
        eps: ε > 0, added outside the square root as in PyTorch.
        bias_correction: divide v by 1 − ρ^t as Adam does.

    Returns:
        An :class:`Optimizer` whose state is ``RMSPropState(count, nu)``.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import rmsprop
        >>> opt = rmsprop(learning_rate=0.01, decay=0.99)
        >>> params = np.array([1.0])
        >>> updates, state = opt.update(np.array([3.0]), opt.init(params), params)
        >>> updates.round(6)  # −0.01 · 3 / √(0.01 · 9) = −0.1
        array([-0.1])

    Reference: ``torch.optim.RMSprop`` (centered=False, momentum=0); T. Tieleman, G. Hinton,
    "Lecture 6.5 — RMSProp", COURSERA: Neural Networks for Machine Learning, 2012.
    """
    decay = _check_hyper("decay", decay, low=0.0, high=1.0, high_open=True)
    eps = _check_hyper("eps", eps, low=0.0, low_open=True)
    bias_correction = _check_bool("bias_correction", bias_correction)

    def init(params: object) -> RMSPropState:
        return RMSPropState(0, _zeros_like(params))

    def direction(
        g: np.ndarray, state: RMSPropState, hessian: Any
    ) -> tuple[np.ndarray, RMSPropState]:
        rho = _per_run("decay", decay, g.shape)
        nu = _ema(state.nu, g * g, rho)
        nu_hat = _debias(nu, rho, state.count + 1) if bias_correction else nu
        step = g / (np.sqrt(nu_hat) + _per_run("eps", eps, g.shape))
        return step, RMSPropState(state.count + 1, _frozen(nu))

    settings = {"decay": decay, "eps": eps, "bias_correction": bias_correction}
    return _build("rmsprop", learning_rate, settings, init, direction)


def adam(
    learning_rate: LearningRate = 1e-3,
    b1: Hyperparameter = 0.9,
    b2: Hyperparameter = 0.999,
    eps: Hyperparameter = 1e-8,
    bias_correction: bool = True,
) -> Optimizer:
    """Adam: momentum on the gradient, steps scaled by a moving RMS, both bias-corrected.

    Rule: m_t = β1 m_{t−1} + (1 − β1) g_t;  v_t = β2 v_{t−1} + (1 − β2) g_t²  (m_0 = v_0 = 0);
          m̂_t = m_t / (1 − β1^t),  v̂_t = v_t / (1 − β2^t)   (if bias_correction, else m̂ = m, v̂ = v);
          Δθ = −α_t m̂_t / (√v̂_t + ε).

    Args:
        learning_rate: α, a number > 0, an array of per-run rates, or a schedule.
        b1: β1 in [0, 1), decay of the gradient average.
        b2: β2 in (0, 1), decay of the squared-gradient average.
        eps: ε > 0, added outside the square root of the bias-corrected v̂ (as in the paper and
            PyTorch).
        bias_correction: divide m and v by 1 − β^t; switch off to see why it is there.

    Returns:
        An :class:`Optimizer` whose state is ``AdamState(count, mu, nu)``.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import adam
        >>> opt = adam(learning_rate=0.1)
        >>> params = np.array([1.0, 1.0])
        >>> updates, state = opt.update(np.array([5.0, -0.2]), opt.init(params), params)
        >>> updates.round(6)  # with bias correction the first step is −α·sign(g)
        array([-0.1,  0.1])

    Reference: ``torch.optim.Adam`` (amsgrad=False); D. P. Kingma, J. Ba, "Adam: A Method for
    Stochastic Optimization", ICLR 2015 (arXiv:1412.6980), Algorithm 1.
    """
    b1 = _check_hyper("b1", b1, low=0.0, high=1.0, high_open=True)
    b2 = _check_hyper("b2", b2, low=0.0, high=1.0, low_open=True, high_open=True)
    eps = _check_hyper("eps", eps, low=0.0, low_open=True)
    bias_correction = _check_bool("bias_correction", bias_correction)

    def init(params: object) -> AdamState:
        return AdamState(0, _zeros_like(params), _zeros_like(params))

    def direction(g: np.ndarray, state: AdamState, hessian: Any) -> tuple[np.ndarray, AdamState]:
        beta1, beta2 = _per_run("b1", b1, g.shape), _per_run("b2", b2, g.shape)
        t = state.count + 1
        mu = _ema(state.mu, g, beta1)
        nu = _ema(state.nu, g * g, beta2)
        mu_hat = _debias(mu, beta1, t) if bias_correction else mu
        nu_hat = _debias(nu, beta2, t) if bias_correction else nu
        step = mu_hat / (np.sqrt(nu_hat) + _per_run("eps", eps, g.shape))
        return step, AdamState(t, _frozen(mu), _frozen(nu))

    settings = {"b1": b1, "b2": b2, "eps": eps, "bias_correction": bias_correction}
    return _build("adam", learning_rate, settings, init, direction)


def newton(learning_rate: LearningRate = 1.0, damping: Hyperparameter = 0.0) -> Optimizer:
    """Damped Newton's method: precondition the gradient by the inverse Hessian.

    Rule: Δθ = −α_t (H + λ I)⁻¹ g, with H the Hessian at the current parameters, passed as
    ``update(grads, state, params, hessian=H)``.

    With α = 1 and λ = 0 one step lands exactly on the minimiser of a quadratic. Nothing is
    silently fixed: an indefinite H is used as it is (so Newton can step towards a saddle or a
    maximum), and a singular H + λI gives NaN updates for that run.

    Args:
        learning_rate: α, a number > 0 (1 is the pure Newton step), an array, or a schedule.
        damping: λ ≥ 0, added to the diagonal of H (Levenberg–Marquardt style), or per-run values.

    Returns:
        An :class:`Optimizer` whose state is ``CountState(count)``.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import newton
        >>> A = np.array([[3.0, 1.0], [1.0, 2.0]])  # f(w) = ½ wᵀAw, minimised at 0
        >>> opt = newton()
        >>> params = np.array([1.0, -1.0])
        >>> updates, state = opt.update(A @ params, opt.init(params), params, hessian=A)
        >>> np.abs(params + updates).max() < 1e-15
        np.True_

    Reference: S. Boyd, L. Vandenberghe, "Convex Optimization", Cambridge University Press, 2004,
    §9.5; J. Nocedal, S. J. Wright, "Numerical Optimization", 2nd ed., Springer, 2006, ch. 3.
    """
    damping = _check_hyper("damping", damping, low=0.0)

    def init(params: object) -> CountState:
        _as_float_array("params", params)
        return CountState(0)

    def direction(g: np.ndarray, state: CountState, hessian: Any) -> tuple[np.ndarray, CountState]:
        if hessian is None:
            raise ValueError(
                "newton needs the Hessian: call update(grads, state, params, hessian=H) "
                "with H of shape (..., d, d)"
            )
        h = _as_float_array("hessian", hessian)
        d = g.shape[-1] if g.ndim else 1
        if h.ndim < 2 or h.shape[-2:] != (d, d):
            raise ValueError(
                f"hessian must have shape (..., {d}, {d}) to match grads of shape {g.shape}, "
                f"got {h.shape}"
            )
        try:
            batch = np.broadcast_shapes(h.shape[:-2], g.shape[:-1])
        except ValueError:
            raise ValueError(
                f"hessian of shape {h.shape} does not match grads of shape {g.shape}"
            ) from None
        if np.ndim(damping) or damping != 0.0:
            lam = _per_run("damping", damping, (*batch, d, d))
            h = h + lam * np.eye(d)
        return _solve(h, g), CountState(state.count + 1)

    return _build("newton", learning_rate, {"damping": damping}, init, direction)


def _solve(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Solve h x = g over leading axes; singular systems give NaN for their run only."""
    try:
        return np.linalg.solve(h, g[..., np.newaxis])[..., 0]
    except np.linalg.LinAlgError:
        pass
    # Rare path: one system is exactly singular; solve the runs one by one to keep the others.
    batch = np.broadcast_shapes(h.shape[:-2], g.shape[:-1])
    d = g.shape[-1]
    hb, gb = np.broadcast_to(h, (*batch, d, d)), np.broadcast_to(g, (*batch, d))
    out = np.empty((*batch, d))
    for index in np.ndindex(batch):
        try:
            out[index] = np.linalg.solve(hb[index], gb[index])
        except np.linalg.LinAlgError:
            out[index] = np.nan
    return out


def proximal_gd(learning_rate: LearningRate) -> Optimizer:
    """Proximal gradient descent (ISTA): a gradient step on the smooth part, then the prox.

    For F = f + g with f smooth and g convex but not differentiable everywhere (an L1 penalty),
    each step goes downhill on f and then solves the small problem that g adds exactly:

        θ⁺ = prox_{α_t g}(θ − α_t ∇f(θ)),   prox_{αg}(v) = argmin_u g(u) + ‖u − v‖²/(2α),
        Δθ = θ⁺ − θ.

    With g = τ‖·‖₁ the prox is soft-thresholding, S_{ατ}(v) = sign(v)·max(|v| − ατ, 0), which
    sets every coordinate with |v| ≤ ατ to exactly 0: the iterates land on the zeros of an L1
    solution instead of hovering around them as a subgradient step does. For 0 < α ≤ 1/L (L the
    Lipschitz constant of ∇f, e.g. ``LogisticLoss.lipschitz``) F decreases at every step and
    F(θ_t) − F* ≤ ‖θ₀ − θ*‖²/(2αt).

    The gradient passed to ``update`` is that of f alone (``objective.smooth_grad``), and the
    prox comes as ``update(grads, state, params, prox=objective.prox)`` — as ``newton`` gets its
    Hessian; :func:`widgets.simulate.simulate` passes both. Without ``prox`` (g = 0) the step is
    plain gradient descent.

    Args:
        learning_rate: α, a number > 0, an array of per-run rates, or a schedule ``t -> α_t``.

    Returns:
        An :class:`Optimizer` whose state is ``CountState(count)``.

    Example:
        >>> import numpy as np
        >>> from widgets.objectives import soft_threshold
        >>> from widgets.optimizers import proximal_gd
        >>> opt = proximal_gd(learning_rate=0.5)
        >>> params = np.array([1.0, 0.3])
        >>> prox = lambda v, step: soft_threshold(v, step * 1.0)  # g = ‖θ‖₁
        >>> updates, state = opt.update(np.array([0.2, 0.2]), opt.init(params), params, prox=prox)
        >>> params + updates  # 1 − 0.1 − 0.5 = 0.4, and 0.3 − 0.1 ≤ 0.5 gives exactly 0
        array([0.4, 0. ])

    Reference: N. Parikh, S. Boyd, "Proximal Algorithms", Found. Trends Optim. 1(3), 2014, §4.2;
    A. Beck, M. Teboulle, "A fast iterative shrinkage-thresholding algorithm for linear inverse
    problems", SIAM J. Imaging Sci. 2(1), 2009 (ISTA, and its accelerated form FISTA).
    """

    def init(params: object) -> CountState:
        _as_float_array("params", params)
        return CountState(0)

    def direction(g: np.ndarray, state: CountState, hessian: Any) -> tuple[np.ndarray, CountState]:
        return g, CountState(state.count + 1)

    base = _build("proximal_gd", learning_rate, {}, init, direction)
    schedule = base.learning_rate

    def update(
        grads: object,
        state: CountState,
        params: object = None,
        *,
        hessian: object = None,
        prox: Callable[[np.ndarray, Any], np.ndarray] | None = None,
    ) -> tuple[np.ndarray, CountState]:
        updates, new_state = base.update(grads, state, params)
        if prox is None:
            return updates, new_state
        if params is None:
            raise ValueError("proximal_gd needs params to apply the prox: update(g, state, params)")
        p = _as_float_array("params", params)
        rate = _per_run("learning_rate", schedule(state.count), p.shape)
        with np.errstate(over="ignore", invalid="ignore"):
            # p + (θ⁺ − p) is exactly 0 wherever the prox returned 0
            return prox(p + updates, rate) - p, new_state

    update.__doc__ = (
        "One proximal step: ``(grads, state, params, *, prox=None) -> (updates, state)``."
    )
    return Optimizer("proximal_gd", init, update, schedule, base.hyperparams)


class LBFGSState(NamedTuple):
    """State of L-BFGS: the last ``memory`` curvature pairs and the point they end at.

    ``steps`` (s_i = θ_{i+1} − θ_i) and ``changes`` (y_i = g_{i+1} − g_i) hold one pair per row,
    oldest first (shape (k, d), k ≤ memory); ``last_params``/``last_grads`` are θ and g of the
    previous call (None before the first), from which the next pair is formed.
    """

    count: int
    steps: np.ndarray
    changes: np.ndarray
    last_params: np.ndarray | None
    last_grads: np.ndarray | None


def _two_loop(g: np.ndarray, steps: np.ndarray, changes: np.ndarray) -> np.ndarray:
    """H·g for the L-BFGS inverse-Hessian approximation H of the pairs (rows, oldest first):
    Nocedal and Wright's two-loop recursion (Algorithm 7.4), started from H₀ = γI with
    γ = sᵀy/yᵀy of the newest pair (their (7.20)); H₀ = I without pairs."""
    q = g.copy()
    k = len(steps)
    rho = 1.0 / np.einsum("id,id->i", changes, steps)
    a = np.empty(k)
    for i in range(k - 1, -1, -1):
        a[i] = rho[i] * steps[i].dot(q)
        q -= a[i] * changes[i]
    if k:
        q *= steps[-1].dot(changes[-1]) / changes[-1].dot(changes[-1])
    for i in range(k):
        b = rho[i] * changes[i].dot(q)
        q += steps[i] * (a[i] - b)
    return q


def lbfgs(
    learning_rate: LearningRate = 1.0,
    memory: int = 10,
    *,
    armijo: float = 1e-4,
    shrink: float = 0.5,
    max_backtracks: int = 60,
) -> Optimizer:
    """Limited-memory BFGS with a backtracking (Armijo) line search.

    Quasi-Newton: instead of the Hessian, keep the last m pairs s_i = θ_{i+1} − θ_i,
    y_i = g_{i+1} − g_i. Each pair is what the Hessian did along one step (for a quadratic,
    y_i = H s_i exactly), and BFGS builds the inverse-Hessian approximation H_k closest to the
    previous one that satisfies the secant condition H_k y_{k−1} = s_{k−1}. L-BFGS never forms
    H_k: the two-loop recursion computes d = −H_k g from the m pairs in O(m d) operations.

    The step is θ ← θ + t·d, with t the first of α, α·shrink, α·shrink², … that decreases f
    enough: f(θ + t d) ≤ f(θ) + c₁ t gᵀd (Armijo's condition, c₁ = ``armijo``). A pair is kept
    only when sᵀy > 0 (the curvature condition), which keeps H_k positive definite, so d is always
    a descent direction. Armijo's condition alone does not guarantee sᵀy > 0 on a non-convex f
    (Wolfe's curvature condition would): a pair that fails it means the ground bent the other
    way, and the memory is cleared (the next step starts again from −g, as it does if rounding
    ever makes gᵀd ≥ 0).

    The line search needs values of f, so ``update`` takes ``value=`` (a function θ -> f(θ)):
    :func:`widgets.simulate.simulate` passes the objective's. One run at a time: params of
    shape (d,). With mini-batches the line search would compare noisy values: full batch only.

    Args:
        learning_rate: α > 0, the first step length tried (1: the quasi-Newton step), or a
            schedule ``t -> α``.
        memory: m ≥ 1, the number of pairs kept (10 is common; SciPy's L-BFGS-B also uses 10).
        armijo: c₁ in (0, 1), the fraction of the predicted decrease the step must achieve.
        shrink: in (0, 1), the factor by which a rejected step length is cut.
        max_backtracks: at most this many cuts (≥ 1); the shortest step is taken after them.

    Returns:
        An :class:`Optimizer` whose state is an :class:`LBFGSState`.

    Example:
        >>> import numpy as np
        >>> from widgets.objectives import Rosenbrock
        >>> from widgets.optimizers import lbfgs
        >>> from widgets.simulate import simulate
        >>> run = simulate(Rosenbrock(), lbfgs(), steps=200, tol=1e-8)
        >>> bool(np.allclose(run.params[-1], [1.0, 1.0], atol=1e-7)), run.stopped_at < 60
        (True, True)

    Reference: J. Nocedal, S. J. Wright, "Numerical Optimization", 2nd ed., Springer, 2006,
    Algorithms 3.1 (backtracking), 6.1 (BFGS) and 7.4-7.5 (L-BFGS); D. C. Liu, J. Nocedal,
    "On the limited memory BFGS method for large scale optimization", Math. Program. 45, 1989.
    """
    schedule, shown = _check_learning_rate(learning_rate)
    memory = check_int("memory", memory, low=1)
    armijo = check_real("armijo", armijo, low=0.0, high=1.0, low_open=True, high_open=True)
    shrink = check_real("shrink", shrink, low=0.0, high=1.0, low_open=True, high_open=True)
    max_backtracks = check_int("max_backtracks", max_backtracks, low=1)

    def init(params: object) -> LBFGSState:
        p = _as_float_array("params", params)
        if p.ndim != 1:
            raise ValueError(f"lbfgs runs one parameter vector of shape (d,), got {p.shape}")
        empty = _frozen(np.zeros((0, p.size)))
        return LBFGSState(0, empty, empty, None, None)

    def update(
        grads: object,
        state: LBFGSState,
        params: object = None,
        *,
        hessian: object = None,
        value: Callable[[np.ndarray], Any] | None = None,
    ) -> tuple[np.ndarray, LBFGSState]:
        g = _as_float_array("grads", grads)
        if params is None or value is None:
            raise ValueError(
                "lbfgs needs params and value= for its line search: "
                "update(grads, state, params, value=objective.value)"
            )
        p = _as_float_array("params", params)
        if g.ndim != 1 or g.shape != p.shape or state.steps.shape[1] != g.size:
            raise ValueError(
                f"grads {g.shape} and params {p.shape} must both have the shape (d,) the state "
                f"was initialised for, d = {state.steps.shape[1]}"
            )
        steps, changes = state.steps, state.changes
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if state.last_params is not None:
                s, y = p - state.last_params, g - state.last_grads
                sy = float(s.dot(y))
                if sy > 1e-12 * float(np.sqrt(s.dot(s) * y.dot(y))) and np.isfinite(sy):
                    steps = np.vstack([steps, s])[-memory:]
                    changes = np.vstack([changes, y])[-memory:]
                else:  # negative curvature along s: the old pairs describe another region
                    steps = changes = steps[:0]
            d = -_two_loop(g, steps, changes)
            slope = float(g.dot(d))
            if not slope < 0.0:  # rounding broke the approximation: start again from −g
                steps = changes = steps[:0]
                d, slope = -g, -float(g.dot(g))
            f0 = float(value(p))
            t = float(schedule(state.count))
            for _ in range(max_backtracks):
                f = float(value(p + t * d))
                if f <= f0 + armijo * t * slope:  # False for NaN: a step into overflow shrinks
                    break
                t *= shrink
            new = LBFGSState(
                state.count + 1,
                _frozen(np.array(steps)),
                _frozen(np.array(changes)),
                _frozen(p.copy()),
                _frozen(g.copy()),
            )
            return t * d, new

    update.__doc__ = "One L-BFGS step: ``(grads, state, params, *, value) -> (updates, state)``."
    hyper = {"memory": memory, "armijo": armijo, "shrink": shrink, "max_backtracks": max_backtracks}
    return Optimizer("lbfgs", init, update, schedule, {"learning_rate": shown, **hyper})


def needs_value(opt: Optimizer) -> bool:
    """True if ``opt`` needs ``value=`` (the objective's values) in its update: L-BFGS.

    Example:
        >>> from widgets.optimizers import gd, lbfgs, needs_value
        >>> needs_value(lbfgs()), needs_value(gd(0.1))
        (True, False)
    """
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an Optimizer, got {opt!r}")
    return opt.name == "lbfgs"


# ----------------------------------------------------------------------------------------------
# Gradient transformations
# ----------------------------------------------------------------------------------------------


def clip_by_global_norm(max_norm: Hyperparameter) -> GradientTransformation:
    """Rescale the gradient so that its norm is at most ``max_norm``, keeping its direction.

    Rule, with c = max_norm:  g ← g · c / max(‖g‖, c),  i.e. g is unchanged when ‖g‖ ≤ c and
    becomes c·g/‖g‖ otherwise. ‖g‖ is the global norm, over all of one run's parameters; with
    params of shape (n, d) each of the n runs is clipped by its own norm. Composed with gradient
    descent (:func:`chain`), no step is longer than α·c, however steep the ground.

    PyTorch's ``clip_grad_norm_`` computes the same rescaling with ``c / (‖g‖ + 1e-6)``, so the
    two differ by a relative 1e-6 / ‖g‖ when clipping; optax's ``clip_by_global_norm`` is this
    rule exactly.

    Args:
        max_norm: c > 0, or an array of per-run values.

    Returns:
        A :class:`GradientTransformation` whose state is ``EmptyState()``; use it in :func:`chain`.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import clip_by_global_norm
        >>> clip = clip_by_global_norm(1.0)
        >>> g, _ = clip.update(np.array([3.0, 4.0]), clip.init(np.zeros(2)))
        >>> g  # norm 5 becomes norm 1, same direction
        array([0.6, 0.8])

    Reference: ``torch.nn.utils.clip_grad_norm_``; ``optax.clip_by_global_norm``; R. Pascanu,
    T. Mikolov, Y. Bengio, "On the difficulty of training recurrent neural networks", ICML 2013
    (arXiv:1211.5063), Algorithm 1.
    """
    max_norm = _check_hyper("max_norm", max_norm, low=0.0, low_open=True)

    def init(params: object) -> EmptyState:
        _as_float_array("params", params)
        return EmptyState()

    def update(
        grads: object, state: EmptyState, params: object = None
    ) -> tuple[np.ndarray, EmptyState]:
        g = _as_float_array("grads", grads)
        c = _per_run("max_norm", max_norm, g.shape)
        norm = np.sqrt(np.sum(g * g, axis=-1, keepdims=True)) if g.ndim else np.abs(g)
        with np.errstate(over="ignore", invalid="ignore"):
            return g * (c / np.maximum(norm, c)), state

    return GradientTransformation("clip_by_global_norm", init, update, {"max_norm": max_norm})


def chain(*steps: GradientTransformation | Optimizer) -> Optimizer:
    """Compose gradient transformations with an optimizer: transform the gradient, then step.

    Rule: ``chain(t₁, …, t_k, opt)`` passes the gradient through t₁, …, t_k in order and gives
    the result to ``opt``; the parameters move by ``opt``'s update of the transformed gradient.
    The chain is an :class:`Optimizer` with ``opt``'s name, learning rate and settings, so it runs
    in :func:`widgets.simulate.simulate` and ``sweep`` like ``opt`` itself (a Hessian or a prox is
    passed on to ``opt``).

    Args:
        *steps: one or more :class:`GradientTransformation`, then the :class:`Optimizer`.

    Returns:
        An :class:`Optimizer` whose state is ``ChainState(count, transforms, inner)``.

    Example:
        >>> import numpy as np
        >>> from widgets.optimizers import chain, clip_by_global_norm, gd
        >>> opt = chain(clip_by_global_norm(1.0), gd(0.1))
        >>> params = np.zeros(2)
        >>> updates, state = opt.update(np.array([30.0, 40.0]), opt.init(params), params)
        >>> updates  # −0.1 · (0.6, 0.8): the step is α·c long
        array([-0.06, -0.08])
        >>> opt
        chain(clip_by_global_norm(max_norm=1.0), gd(learning_rate=0.1))

    Reference: ``optax.chain``.
    """
    if not steps or not isinstance(steps[-1], Optimizer):
        raise TypeError(
            "chain needs gradient transformations followed by an optimizer, e.g. "
            f"chain(clip_by_global_norm(1.0), gd(0.1)); got {steps!r}"
        )
    *transforms, opt = steps
    for t in transforms:
        if not isinstance(t, GradientTransformation):
            raise TypeError(
                "chain's arguments before the optimizer must be gradient transformations, "
                f"got {t!r}"
            )
    transforms = (*transforms, *opt.transforms)  # chaining a chain flattens it
    inner_update = opt.update
    inner_fast = getattr(inner_update, "unchecked", None)

    def init(params: object) -> ChainState:
        inner = opt.init(params)
        return ChainState(inner.count, tuple(t.init(params) for t in transforms), inner)

    def transform(g: Any, state: ChainState, params: object) -> tuple[Any, tuple]:
        states = []
        for t, s in zip(transforms, state.transforms, strict=True):
            g, s = t.update(g, s, params)
            states.append(s)
        return g, tuple(states)

    def update(
        grads: object, state: ChainState, params: object = None, **kwargs: Any
    ) -> tuple[np.ndarray, ChainState]:
        g, states = transform(grads, state, params)
        updates, inner = inner_update(g, state.inner, params, **kwargs)
        return updates, ChainState(inner.count, states, inner)

    def unchecked(
        g: np.ndarray, state: ChainState, hessian: object = None
    ) -> tuple[np.ndarray, ChainState]:
        g, states = transform(g, state, None)
        updates, inner = inner_fast(g, state.inner, hessian)
        return updates, ChainState(inner.count, states, inner)

    update.__doc__ = inner_update.__doc__
    if inner_fast is not None:
        update.unchecked = unchecked  # type: ignore[attr-defined]
    return Optimizer(opt.name, init, update, opt.learning_rate, opt.hyperparams, transforms)


# ----------------------------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------------------------

OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "gd": gd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
    "newton": newton,
    "proximal_gd": proximal_gd,
}

_NEEDS_HESSIAN = frozenset({"newton"})
_NEEDS_PROX = frozenset({"proximal_gd"})


def make_optimizer(name: str, **kwargs: Any) -> Optimizer:
    """Build an optimizer from its registry name and keyword settings.

    Args:
        name: one of ``OPTIMIZERS`` ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam",
            "newton", "proximal_gd").
        **kwargs: the constructor's arguments, e.g. ``learning_rate=0.1, momentum=0.9``.

    Returns:
        The :class:`Optimizer`.

    Example:
        >>> from widgets.optimizers import make_optimizer
        >>> make_optimizer("momentum", learning_rate=0.1, momentum=0.8)
        momentum(learning_rate=0.1, momentum=0.8)
    """
    check_choice("optimizer", name, OPTIMIZERS)
    constructor = OPTIMIZERS[name]
    valid = list(inspect.signature(constructor).parameters)
    for key in kwargs:
        if key not in valid:
            raise TypeError(
                f"{name} has no parameter {key!r}; valid parameters are: "
                + ", ".join(map(repr, valid))
            )
    return constructor(**kwargs)


def needs_hessian(opt: Optimizer | str) -> bool:
    """True if ``opt`` (an Optimizer or a registry name) needs ``hessian=`` in its update.

    Example:
        >>> from widgets.optimizers import gd, needs_hessian, newton
        >>> needs_hessian(newton()), needs_hessian(gd(0.1)), needs_hessian("newton")
        (True, False, True)
    """
    if isinstance(opt, str):
        check_choice("optimizer", opt, OPTIMIZERS)
        return opt in _NEEDS_HESSIAN
    if isinstance(opt, Optimizer):
        return opt.name in _NEEDS_HESSIAN
    raise TypeError(f"opt must be an Optimizer or an optimizer name, got {opt!r}")


def needs_prox(opt: Optimizer | str) -> bool:
    """True if ``opt`` (an Optimizer or a registry name) takes the smooth gradient and ``prox=``.

    Example:
        >>> from widgets.optimizers import gd, needs_prox, proximal_gd
        >>> needs_prox(proximal_gd(0.1)), needs_prox(gd(0.1)), needs_prox("proximal_gd")
        (True, False, True)
    """
    if isinstance(opt, str):
        check_choice("optimizer", opt, OPTIMIZERS)
        return opt in _NEEDS_PROX
    if isinstance(opt, Optimizer):
        return opt.name in _NEEDS_PROX
    raise TypeError(f"opt must be an Optimizer or an optimizer name, got {opt!r}")
