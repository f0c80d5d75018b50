"""Run an optimizer on an objective and record what happens, one run or many at once.

- :func:`simulate` runs one optimizer from one start and returns a :class:`Trajectory`: the
  parameters at every step, the loss, the norm of the full gradient, the step length, the learning
  rate used, epochs and examples seen, and why the run stopped (step budget used up, converged, or
  diverged).
- Gradient oracles (:func:`full_batch`, :func:`stochastic`, :func:`minibatch`) say which examples
  each step's gradient is averaged over, reshuffling the examples every epoch from an explicit seed.
- :func:`sweep` runs one optimizer for a whole grid of learning rates (and momenta) *at once*, the
  parameters of all runs stacked in one array, for heatmaps of final loss or steps to converge.

Divergence is an expected outcome here, not an error: overflow inside a run is silenced with
``np.errstate`` and reported in the result, so no RuntimeWarning reaches the learner.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ._validate import as_vector, check_choice, check_int, check_real, check_rng
from .objectives import Objective
from .optimizers import OPTIMIZERS, make_optimizer, needs_hessian, needs_prox

__all__ = [
    "GradientOracle",
    "SweepResult",
    "Trajectory",
    "full_batch",
    "minibatch",
    "simulate",
    "stochastic",
    "sweep",
]

MAX_STEPS = 1_000_000
"""Upper limit on ``steps`` (the trajectory arrays are allocated up front)."""

MAX_PARAM = 1e12
"""A run whose parameters exceed this in absolute value is declared diverged."""

_CHECK_EVERY = 64  # steps between cheap in-loop divergence checks (the full check runs afterwards)
_CHUNK = 4096  # points per vectorised evaluation, to bound memory on data objectives


# ------------------------------------------------------------------------------------------------
# Result of one run
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Trajectory:
    """Everything recorded during one run of :func:`simulate`.

    With ``k = stopped_at`` steps recorded, the arrays have these shapes:

    Attributes:
        params: (k+1, d) parameters at every step, starting point included.
        loss: (k+1,) full objective value at each row of ``params``.
        grad_norm: (k+1,) Euclidean norm of the FULL gradient at each row of ``params`` (also for
            stochastic runs, where the step itself used a noisy estimate).
        step_length: (k,) ‖params[t+1] − params[t]‖.
        learning_rate: (k,) the rate the optimizer's schedule gave at step t (0-based).
        epochs: (k+1,) passes over the data so far, fractional; for objectives without examples,
            the number of steps.
        examples_seen: (k+1,) examples used so far (full batch: m per step); for objectives without
            examples, one per step.
        status: ``"max_steps"``, ``"converged"`` (full-gradient norm < ``tol``) or ``"diverged"``.
        stopped_at: number of steps recorded, k.
        tol: the convergence tolerance on the gradient norm (``None``: never stop early).
        message: one line for the learner, e.g. ``"converged in 37 steps (‖∇f‖ < 1e-06)"`` or
            ``"diverged at step 6: loss 3.1e+13 exceeds 1e+12"``.
        optimizer: the optimizer's name; objective: the objective's name.
        batch_size: examples per step (``None``: full batch).
        diverged_at: the step at which divergence was detected, else ``None``. Only finite values
            are stored: when that step's point is finite but too large it is the last row of
            ``params`` (``diverged_at == stopped_at``); when it overflowed it is dropped
            (``diverged_at == stopped_at + 1``).
    """

    params: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    step_length: np.ndarray
    learning_rate: np.ndarray
    epochs: np.ndarray
    examples_seen: np.ndarray
    status: str
    stopped_at: int
    tol: float | None
    message: str
    optimizer: str
    objective: str
    batch_size: int | None = None
    diverged_at: int | None = None

    @property
    def converged(self) -> bool:
        """True when the run stopped because ‖∇f‖ < tol."""
        return self.status == "converged"

    @property
    def diverged(self) -> bool:
        """True when the run stopped because the loss or parameters blew up."""
        return self.status == "diverged"

    @property
    def final_params(self) -> np.ndarray:
        """The last recorded parameters, shape (d,)."""
        return self.params[-1]

    @property
    def final_loss(self) -> float:
        """The loss at the last recorded parameters."""
        return float(self.loss[-1])

    def __repr__(self) -> str:
        return (
            f"Trajectory({self.optimizer} on {self.objective}: {self.message}; "
            f"final loss {self.final_loss:.6g})"
        )


# ------------------------------------------------------------------------------------------------
# Gradient oracles
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GradientOracle:
    """Which examples each step's gradient is averaged over.

    ``batch_size=None`` uses every example at every step (full batch). Otherwise each epoch draws
    a fresh random permutation of the m examples (from ``seed``) and cuts it into consecutive
    batches of ``batch_size``; when ``batch_size`` does not divide m the last batch of each epoch
    is shorter (m mod batch_size examples), so every epoch visits every example exactly once. With
    an integer seed, every call of :meth:`batches` replays the same sequence.

    Build one with :func:`full_batch`, :func:`stochastic` or :func:`minibatch`.
    """

    batch_size: int | None = None
    seed: int | np.random.Generator | None = None

    def __post_init__(self) -> None:
        if self.batch_size is not None:
            check_int("batch_size", self.batch_size, low=1)
            _check_seed(self.seed)

    @property
    def kind(self) -> str:
        """``"full batch"``, ``"stochastic"`` (one example per step) or ``"mini-batch"``."""
        if self.batch_size is None:
            return "full batch"
        return "stochastic" if self.batch_size == 1 else "mini-batch"

    def batches(self, n_examples: int) -> Iterator[np.ndarray]:
        """Yield the example indices of each step, forever.

        Example:
            >>> it = minibatch(2, seed=0).batches(5)
            >>> sorted(np.concatenate([next(it) for _ in range(3)]).tolist())  # one epoch
            [0, 1, 2, 3, 4]
        """
        m = check_int("n_examples", n_examples, low=1)
        if self.batch_size is None:
            everything = np.arange(m)
            while True:
                yield everything
        size = check_int("batch_size", self.batch_size, low=1, high=m)
        rng = check_rng("seed", self.seed)
        while True:
            order = rng.permutation(m)
            for first in range(0, m, size):
                yield order[first : first + size]

    def examples_seen(self, n_examples: int, steps: int) -> np.ndarray:
        """Examples used after 0, 1, …, ``steps`` steps, shape (steps+1,)."""
        m = check_int("n_examples", n_examples, low=1)
        t = np.arange(check_int("steps", steps, low=0) + 1)
        if self.batch_size is None:
            return m * t
        size = check_int("batch_size", self.batch_size, low=1, high=m)
        per_epoch = -(-m // size)  # batches per epoch, the last one possibly short
        epoch, within = np.divmod(t, per_epoch)
        return epoch * m + within * size

    def epochs(self, n_examples: int, steps: int) -> np.ndarray:
        """Fractional passes over the data after 0, 1, …, ``steps`` steps, shape (steps+1,)."""
        return self.examples_seen(n_examples, steps) / n_examples


def full_batch() -> GradientOracle:
    """Every step uses the gradient over all examples (plain gradient descent)."""
    return GradientOracle(None, None)


def stochastic(seed: int | np.random.Generator = 0) -> GradientOracle:
    """Every step uses one example; the order is reshuffled every epoch from ``seed``."""
    _check_seed(seed)
    return GradientOracle(1, seed)


def minibatch(batch_size: int, seed: int | np.random.Generator = 0) -> GradientOracle:
    """Every step uses ``batch_size`` examples; reshuffled every epoch from ``seed``.

    Example:
        >>> oracle = minibatch(7, seed=0)
        >>> oracle.examples_seen(20, 4).tolist()  # batches of 7, 7, 6, then a new epoch
        [0, 7, 14, 20, 27]
    """
    check_int("batch_size", batch_size, low=1)
    _check_seed(seed)
    return GradientOracle(int(batch_size), seed)


# ------------------------------------------------------------------------------------------------
# One run
# ------------------------------------------------------------------------------------------------
def simulate(
    objective,
    optimizer,
    start: np.ndarray | None = None,
    steps: int = 100,
    *,
    tol: float | None = 1e-6,
    batch_size: int | None = None,
    seed: int | np.random.Generator = 0,
    max_loss: float = 1e12,
) -> Trajectory:
    """Run ``optimizer`` on ``objective`` for up to ``steps`` steps and record the trajectory.

    Each step asks the gradient oracle for a gradient g (all examples, or a batch of them), then
    applies the optimizer: ``updates, state = optimizer.update(g, state, params)``,
    ``params = params + updates``. Newton's method gets ``hessian=objective.hessian(params)``; its
    stochastic variant uses this exact full Hessian with the noisy batch gradient. On a composite
    objective (an L1 penalty, ``objective.smooth`` False) a proximal optimizer gets the gradient
    of the smooth part and ``prox=objective.prox``; every other optimizer gets ``grad``, the
    minimum-norm subgradient. Either way the recorded ``grad_norm`` is that of the minimum-norm
    subgradient, which is 0 exactly at a minimiser, so "converged" means the same for all.

    The run stops early when the full-gradient norm drops below ``tol`` (``"converged"``), or when
    the loss is not finite or exceeds ``max_loss``, or a parameter exceeds 1e12 in absolute value
    (``"diverged"``); a singular Newton system (NaN step) also stops the run as ``"diverged"``
    with a message saying so. Only finite values are recorded.

    Args:
        objective: an objective (``value``, ``grad``, ``hessian``, ``dim``, ``start``, ``name``;
            data objectives also ``grad_batch`` and ``n_examples``).
        optimizer: an optimizer from :mod:`widgets.optimizers`.
        start: starting parameters, shape (d,); ``None`` uses ``objective.start``.
        steps: the step budget, 1 ≤ steps ≤ 1,000,000.
        tol: stop when ‖∇f‖ < tol (> 0); ``None`` always runs all steps (unless it diverges).
        batch_size: ``None`` for full batch, 1 for stochastic gradient descent, b for mini-batches
            of b examples (1 ≤ b ≤ number of examples; data objectives only).
        seed: integer seed (or Generator) for the per-epoch shuffling of the examples.
        max_loss: a loss above this counts as divergence.

    Returns:
        A :class:`Trajectory`.

    Example:
        >>> from widgets.objectives import Quadratic2D
        >>> from widgets.optimizers import gd
        >>> simulate(Quadratic2D(condition_number=10.0), gd(1.5), [1.0, 1.0], steps=500).message
        'converged in 71 steps (‖∇f‖ < 1e-06)'
    """
    _check_objective(objective)
    _check_optimizer(optimizer)
    d = int(objective.dim)
    p0 = as_vector("start", objective.start if start is None else start, d).copy()
    steps = check_int("steps", steps, low=1, high=MAX_STEPS)
    tol = None if tol is None else check_real("tol", tol, low=0.0, low_open=True)
    max_loss = check_real("max_loss", max_loss, low=0.0, low_open=True)
    m = getattr(objective, "n_examples", None)
    oracle = _make_oracle(objective, m, batch_size, seed)
    newton = needs_hessian(optimizer)
    if newton and not hasattr(objective, "hessian"):
        raise TypeError(f"optimizer {optimizer.name!r} needs objective.hessian, which is missing")
    proximal = needs_prox(optimizer) and not getattr(objective, "smooth", True)

    with np.errstate(all="ignore"):
        _check_start(objective, p0, max_loss)
        P = np.empty((steps + 1, d))
        P[0] = p0
        if oracle.batch_size is None:
            last, gnorm = _run_full_batch(objective, optimizer, P, tol, max_loss, newton, proximal)
            grad_norm = gnorm[: last + 1]
        else:
            last = _run_batches(objective, optimizer, P, oracle, m, max_loss, newton, proximal)
            grads = _evaluate(objective.grad, P[: last + 1])
            grad_norm = np.sqrt(np.einsum("td,td->t", grads, grads))
        P = P[: last + 1]
        loss = _evaluate(objective.value, P)
        n, status, diverged_at, message = _stopping(P, loss, grad_norm, tol, max_loss, newton)
        # a copy, so a run that stopped early does not keep the whole preallocated buffer alive
        P, loss, grad_norm = P[: n + 1].copy(), loss[: n + 1], grad_norm[: n + 1]
        diffs = np.diff(P, axis=0)
        step_length = np.sqrt(np.einsum("td,td->t", diffs, diffs))

    if m is None:  # no examples: count gradient evaluations instead
        epochs = np.arange(n + 1, dtype=float)
        seen = np.arange(n + 1)
    else:
        epochs = oracle.epochs(m, n)
        seen = oracle.examples_seen(m, n)
    return Trajectory(
        params=_frozen(P),
        loss=_frozen(loss),
        grad_norm=_frozen(grad_norm),
        step_length=_frozen(step_length),
        learning_rate=_frozen(_schedule_values(optimizer, n)),
        epochs=_frozen(epochs),
        examples_seen=_frozen(seen),
        status=status,
        stopped_at=n,
        tol=tol,
        message=message,
        optimizer=str(optimizer.name),
        objective=str(getattr(objective, "name", type(objective).__name__)),
        batch_size=oracle.batch_size,
        diverged_at=diverged_at,
    )


def _run_full_batch(objective, optimizer, P, tol, max_loss, newton, proximal=False):
    """The hot loop for full-batch runs; returns (last index filled, ‖g‖ at each point).

    Kept minimal because it is what every slider move waits for: the gradient norm comes free from
    the gradient the step needs anyway; loss, step lengths and the precise divergence test are
    computed afterwards, vectorised over the whole trajectory.
    """
    steps = P.shape[0] - 1
    grad, value = objective.grad, objective.value
    hessian = objective.hessian if newton else None
    if isinstance(objective, Objective):
        # The points here are float arrays of shape (d,) by construction and overflow is already
        # silenced, so the per-call argument checks of the public methods would be pure overhead.
        grad = objective._grad
        hessian = objective._hessian if newton else None
    update = optimizer.update
    fast = getattr(update, "unchecked", None)
    if proximal:
        smooth_grad, prox = objective.smooth_grad, objective.prox
        if isinstance(objective, Objective):
            smooth_grad, prox = objective._smooth_grad, objective._prox
    tol = -1.0 if tol is None else tol  # a norm is never < −1: no early stop
    gnorm = np.empty(steps + 1)
    p = P[0]
    state = optimizer.init(p)
    sqrt, inf = math.sqrt, math.inf
    for t in range(steps):
        g = grad(p)
        gn = sqrt(g.dot(g))  # several times cheaper than np.linalg.norm for a short vector
        gnorm[t] = gn
        if not tol <= gn < inf:  # converged, or the gradient overflowed (also NaN)
            return t, gnorm
        if t % _CHECK_EVERY == _CHECK_EVERY - 1 and _blown_up(value(p), p, max_loss):
            return t, gnorm
        if proximal:  # the step uses the smooth part's gradient and the prox of the rest
            upd, state = update(smooth_grad(p), state, p, prox=prox)
        elif t and fast is not None:  # the first step was validated in full; skip checks now
            upd, state = fast(g, state, None if hessian is None else hessian(p))
        elif hessian is None:
            upd, state = update(g, state, p)
        else:
            upd, state = update(g, state, p, hessian=hessian(p))
        p = p + upd
        P[t + 1] = p
    g = grad(p)
    gnorm[steps] = sqrt(g.dot(g))
    return steps, gnorm


def _run_batches(objective, optimizer, P, oracle, m, max_loss, newton, proximal=False):
    """The loop for stochastic and mini-batch runs; returns the last index filled."""
    steps = P.shape[0] - 1
    grad_batch, value, update = objective.grad_batch, objective.value, optimizer.update
    hessian = objective.hessian if newton else None
    batches = oracle.batches(m)
    p = P[0]
    state = optimizer.init(p)
    if proximal:  # the smooth part's batch gradient, then the prox of the rest
        grad_batch = objective.smooth_grad_batch
    for t in range(steps):
        g = grad_batch(p, next(batches))
        if proximal:
            upd, state = update(g, state, p, prox=objective.prox)
        elif hessian is None:
            upd, state = update(g, state, p)
        else:  # the exact full Hessian with the noisy gradient
            upd, state = update(g, state, p, hessian=hessian(p))
        p = p + upd
        P[t + 1] = p
        if not float(upd @ upd) < math.inf:  # non-finite step: nothing after it is meaningful
            return t + 1
        if t % _CHECK_EVERY == _CHECK_EVERY - 1 and _blown_up(value(p), p, max_loss):
            return t + 1
    return steps


def _blown_up(loss, p, max_loss) -> bool:
    """Early exit for runs that are clearly past the divergence limits.

    The factor 2 leaves the exact decision (which step first crossed the limit) to the vectorised
    check afterwards, whatever rounding differences a scalar and a batched evaluation may have.
    """
    loss = float(loss)
    return not (loss <= 2.0 * max_loss and float(np.max(np.abs(p))) <= 2.0 * MAX_PARAM)


def _stopping(P, loss, grad_norm, tol, max_loss, newton):
    """Find the first divergence or convergence; return (n, status, diverged_at, message)."""
    finite = np.isfinite(loss) & np.isfinite(grad_norm) & np.isfinite(P).all(axis=1)
    biggest = np.max(np.abs(P), axis=1)
    bad = ~finite | ~(loss <= max_loss) | ~(biggest <= MAX_PARAM)
    conv = (grad_norm < tol) if tol is not None else np.zeros(len(loss), dtype=bool)
    first_bad = int(np.argmax(bad)) if bad.any() else None
    first_conv = int(np.argmax(conv)) if conv.any() else None
    last = len(loss) - 1
    if first_bad is not None and (first_conv is None or first_bad <= first_conv):
        k = first_bad
        if not finite[k]:  # overflowed: keep only the finite points before it
            if not np.isfinite(P[k]).all():
                # Newton's only source of NaN from finite numbers is a singular H + λI
                reason = "Newton system singular" if newton else "parameters not finite"
            elif not np.isfinite(loss[k]):
                reason = "loss not finite"
            else:
                reason = "gradient not finite"
            return k - 1, "diverged", k, f"diverged at step {k}: {reason} (overflow)"
        if not loss[k] <= max_loss:
            reason = f"loss {loss[k]:.2g} exceeds {max_loss:.3g}"
        else:
            reason = f"|w| = {biggest[k]:.2g} exceeds {MAX_PARAM:.3g}"
        return k, "diverged", k, f"diverged at step {k}: {reason}"
    if first_conv is not None:
        k = first_conv
        unit = "step" if k == 1 else "steps"
        return k, "converged", None, f"converged in {k} {unit} (‖∇f‖ < {tol:.3g})"
    unit = "step" if last == 1 else "steps"
    return last, "max_steps", None, f"stopped after {last} {unit} (step budget used up)"


# ------------------------------------------------------------------------------------------------
# Many runs at once
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SweepResult:
    """Outcome of :func:`sweep`: one cell per (momentum, learning rate) pair.

    Grids have shape (n_momenta, n_learning_rates) (n_momenta = 1 when ``momenta`` is None), rows
    indexed by momentum, columns by learning rate, ready for ``imshow``/``pcolormesh``.

    Attributes:
        learning_rates: (n_lr,) the rates swept.
        momenta: (n_mom,) the momenta swept, or ``None``.
        final_loss: loss at the point where each run stopped; NaN where it diverged.
        steps_to_converge: first step with ‖∇f‖ < tol, −1 if never within the budget.
        diverged: True where the run diverged (loss not finite, > max_loss, or |w| > 1e12).
        diverged_at: step at which divergence was detected, −1 if never.
        final_params: (n_mom, n_lr, d) last parameters (for diverged runs, the last point before
            the limits were crossed).
        optimizer, objective: names; steps, tol: the budget and tolerance used.
    """

    learning_rates: np.ndarray
    momenta: np.ndarray | None
    final_loss: np.ndarray
    steps_to_converge: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    final_params: np.ndarray
    optimizer: str
    objective: str
    steps: int
    tol: float | None

    @property
    def converged(self) -> np.ndarray:
        """True where the run reached ‖∇f‖ < tol."""
        return self.steps_to_converge >= 0


def sweep(
    objective,
    optimizer_name: str,
    learning_rates,
    momenta=None,
    *,
    start: np.ndarray | None = None,
    steps: int = 500,
    tol: float | None = 1e-6,
    max_loss: float = 1e12,
    **hyperparams,
) -> SweepResult:
    """Run one optimizer for every (momentum, learning rate) pair at once, full batch.

    All n = n_momenta × n_lr runs advance together: the parameters are one array of shape (n, d) and
    the optimizer is built with learning rates (and momenta) as arrays of shape (n, 1), so each step
    is a handful of vectorised NumPy operations whatever n is. A run that converges (‖∇f‖ < tol) or
    diverges (same tests as :func:`simulate`) is frozen from then on, so each cell equals what
    :func:`simulate` would report for that setting.

    Args:
        objective: any objective (only ``value``, ``grad``, and for Newton ``hessian`` are used).
        optimizer_name: a key of ``widgets.optimizers.OPTIMIZERS``, e.g. ``"gd"`` or ``"momentum"``.
        learning_rates: 1-D array of positive rates (columns of the grids).
        momenta: 1-D array of momenta in [0, 1) (rows), only for optimizers with a ``momentum``
            argument; ``None`` keeps the optimizer's default.
        start: starting parameters, shape (d,); ``None`` uses ``objective.start``.
        steps: step budget per run, 1 ≤ steps ≤ 1,000,000.
        tol: convergence tolerance on ‖∇f‖ (> 0), or ``None`` to always run every step.
        max_loss: a loss above this counts as divergence.
        **hyperparams: other arguments of the optimizer's constructor (e.g. ``b1=0.8``).

    Returns:
        A :class:`SweepResult`.

    Example:
        >>> from widgets.objectives import Quadratic2D
        >>> res = sweep(Quadratic2D(condition_number=10.0), "gd", [0.5, 1.5, 2.5], start=[1.0, 1.0])
        >>> res.steps_to_converge.tolist(), res.diverged.tolist()  # λmax = 1: diverges for α > 2
        ([[225, 71, -1]], [[False, False, True]])
    """
    _check_objective(objective)
    name = check_choice("optimizer_name", optimizer_name, OPTIMIZERS)
    d = int(objective.dim)
    p0 = as_vector("start", objective.start if start is None else start, d).copy()
    lrs = _check_positive_vector("learning_rates", learning_rates)
    mus = None
    if momenta is not None:
        if "momentum" not in inspect.signature(OPTIMIZERS[name]).parameters:
            raise ValueError(
                f"momenta can only be swept for optimizers with a momentum argument, "
                f"not {name!r}; pass momenta=None"
            )
        mus = as_vector("momenta", momenta)
        if mus.size == 0 or np.any((mus < 0.0) | (mus >= 1.0)):
            raise ValueError(
                f"momenta must be a non-empty array of values in [0, 1), got {momenta}"
            )
    steps = check_int("steps", steps, low=1, high=MAX_STEPS)
    tol = None if tol is None else check_real("tol", tol, low=0.0, low_open=True)
    max_loss = check_real("max_loss", max_loss, low=0.0, low_open=True)
    for key in ("learning_rate", "momentum"):
        if key in hyperparams:
            raise TypeError(f"pass {key} values through learning_rates/momenta, not as {key}=")

    n_mom = 1 if mus is None else mus.size
    lr_grid = np.broadcast_to(lrs, (n_mom, lrs.size)).reshape(-1, 1)
    kwargs = dict(hyperparams, learning_rate=lr_grid)
    if mus is not None:
        kwargs["momentum"] = np.repeat(mus, lrs.size).reshape(-1, 1)
    optimizer = make_optimizer(name, **kwargs)
    newton = needs_hessian(optimizer)
    if newton and not hasattr(objective, "hessian"):
        raise TypeError(f"optimizer {name!r} needs objective.hessian, which is missing")
    proximal = needs_prox(optimizer) and not getattr(objective, "smooth", True)
    n = lr_grid.shape[0]

    grad, value, hessian = objective.grad, objective.value, getattr(objective, "hessian", None)
    smooth_grad, prox = getattr(objective, "smooth_grad", None), getattr(objective, "prox", None)
    if isinstance(objective, Objective):  # points are valid (n, d) float arrays by construction
        grad, value, hessian = objective._grad, objective._value, objective._hessian
        smooth_grad, prox = objective._smooth_grad, objective._prox
    fast = getattr(optimizer.update, "unchecked", None)
    with np.errstate(all="ignore"):
        _check_start(objective, p0, max_loss)
        P = np.tile(p0, (n, 1))
        state = optimizer.init(P)
        G = objective.grad(P)
        loss = objective.value(P)
        to_converge = np.full(n, -1)
        diverged_at = np.full(n, -1)
        active = np.ones(n, dtype=bool)
        if tol is not None:
            done = np.sqrt(np.einsum("nd,nd->n", G, G)) < tol
            to_converge[done] = 0
            active &= ~done
        all_active = bool(active.all())
        for t in range(1, steps + 1):
            if not active.any():
                break
            H = hessian(P) if newton else None
            if proximal:
                upd, state = optimizer.update(smooth_grad(P), state, P, prox=prox)
            elif t > 1 and fast is not None:  # step 1 went through the checked update
                upd, state = fast(G, state, H)
            elif newton:
                upd, state = optimizer.update(G, state, P, hessian=H)
            else:
                upd, state = optimizer.update(G, state, P)
            # frozen runs keep their point; their optimizer state may drift, but is never used
            P_new = P + upd if all_active else np.where(active[:, None], P + upd, P)
            G_new = grad(P_new)
            loss_new = value(P_new)
            gnorm = np.sqrt(np.einsum("nd,nd->n", G_new, G_new))
            finite = np.isfinite(P_new).all(axis=1) & np.isfinite(gnorm)
            bad = active & ~(
                finite & (loss_new <= max_loss) & (np.abs(P_new).max(axis=1) <= MAX_PARAM)
            )
            diverged_at[bad] = t
            active &= ~bad
            if tol is not None:
                done = active & (gnorm < tol)
                to_converge[done] = t
                active &= ~done
            # a diverged run stays at its last finite point, so later steps see finite numbers
            if bad.any():
                keep = ~bad
                P = np.where(keep[:, None], P_new, P)
                G = np.where(keep[:, None], G_new, G)
                loss = np.where(keep, loss_new, loss)
            else:
                P, G, loss = P_new, G_new, loss_new
            all_active = bool(active.all())

    diverged = diverged_at >= 0
    final_loss = np.where(diverged, np.nan, loss)
    shape = (n_mom, lrs.size)
    return SweepResult(
        learning_rates=_frozen(lrs),
        momenta=None if mus is None else _frozen(mus),
        final_loss=_frozen(final_loss.reshape(shape)),
        steps_to_converge=_frozen(to_converge.reshape(shape)),
        diverged=_frozen(diverged.reshape(shape)),
        diverged_at=_frozen(diverged_at.reshape(shape)),
        final_params=_frozen(P.reshape(*shape, d)),
        optimizer=name,
        objective=str(getattr(objective, "name", type(objective).__name__)),
        steps=steps,
        tol=tol,
    )


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------
def _check_objective(objective) -> None:
    missing = [a for a in ("value", "grad", "dim") if not hasattr(objective, a)]
    if missing:
        raise TypeError(
            f"objective must be an Objective (with value, grad, dim), got "
            f"{type(objective).__name__} without {', '.join(missing)}"
        )


def _check_optimizer(optimizer) -> None:
    missing = [a for a in ("init", "update", "learning_rate", "name") if not hasattr(optimizer, a)]
    if missing:
        raise TypeError(
            f"optimizer must be an Optimizer (e.g. widgets.optimizers.gd(0.1)), got "
            f"{type(optimizer).__name__} without {', '.join(missing)}"
        )


def _make_oracle(objective, m, batch_size, seed) -> GradientOracle:
    _check_seed(seed)
    if batch_size is None:
        return full_batch()
    if m is None:
        raise ValueError(
            f"batch_size applies only to objectives built from examples (logistic loss, sine "
            f"regression); {getattr(objective, 'name', type(objective).__name__)!r} has none, "
            f"got batch_size={batch_size!r}; use batch_size=None"
        )
    check_int("batch_size", batch_size, low=1, high=int(m))
    if not hasattr(objective, "grad_batch"):
        raise TypeError("objective must provide grad_batch(w, idx) to use batch_size")
    return GradientOracle(int(batch_size), seed)


def _check_seed(seed) -> None:
    """Validate a seed without building a Generator (that costs more than a short run)."""
    if isinstance(seed, np.random.Generator):
        return
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        check_rng("seed", seed)  # raises, with the message shared by the whole package


def _check_start(objective, p0, max_loss) -> None:
    loss0 = float(np.asarray(objective.value(p0)))
    if not loss0 <= max_loss:
        raise ValueError(
            f"start must have a finite loss ≤ max_loss={max_loss:g}, got loss {loss0:g} at {p0}"
        )


def _check_positive_vector(name: str, value) -> np.ndarray:
    arr = as_vector(name, value)
    if arr.size == 0 or np.any(arr <= 0.0):
        raise ValueError(f"{name} must be a non-empty array of numbers in (0, inf), got {value!r}")
    return arr


def _evaluate(fn, P: np.ndarray) -> np.ndarray:
    """Apply a vectorised objective function to the rows of P in chunks (bounded memory)."""
    if P.shape[0] <= _CHUNK:
        return np.asarray(fn(P), dtype=float)
    return np.concatenate(
        [np.asarray(fn(P[i : i + _CHUNK]), dtype=float) for i in range(0, P.shape[0], _CHUNK)]
    )


def _schedule_values(optimizer, n: int) -> np.ndarray:
    """The optimizer's learning rate at steps 0 … n−1 (schedules accept int arrays)."""
    t = np.arange(n)
    try:
        lr = np.asarray(optimizer.learning_rate(t), dtype=float)
        return np.array(np.broadcast_to(lr, (n,)))
    except (TypeError, ValueError):  # a schedule written for scalar steps only
        return np.array([float(optimizer.learning_rate(int(s))) for s in t])


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    a.setflags(write=False)
    return a
