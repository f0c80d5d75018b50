"""Run an optimizer on an objective and record what happens, one run or many at once.

- :func:`simulate` runs one optimizer from one start and returns a :class:`Trajectory`: the
  parameters at every step, the loss, the norm of the full gradient, the step length, the learning
  rate used, epochs and examples seen, and why the run stopped (step budget used up, converged, or
  diverged).
- Gradient oracles (:func:`full_batch`, :func:`stochastic`, :func:`minibatch`) say which examples
  each step's gradient is averaged over, reshuffling the examples every epoch from an explicit seed.
- :func:`sweep` runs one optimizer for a whole grid of learning rates (and momenta) *at once*, the
  parameters of all runs stacked in one array, for heatmaps of final loss or steps to converge.
- :func:`lr_range_test` runs Smith's learning-rate range test: one run whose rate grows every step.
- :func:`seeded_runs` runs one optimizer with mini-batches once per shuffling seed, all runs in
  lock step; :func:`batch_runs` adds their loss curves and 10/50/90 % bands.
- A run recorded with ``record_state=True`` keeps the optimizer's state at every step
  (:func:`optimizer_internals` reads a momentum buffer or an adaptive step size from it) and can be
  continued to a longer budget (``simulate(..., resume=run)``) without recomputing its steps.

Divergence is an expected outcome here, not an error: overflow inside a run is silenced with
``np.errstate`` and reported in the result, so no RuntimeWarning reaches the learner.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

from ._validate import as_vector, check_choice, check_int, check_real, check_rng
from .models._escape import first_escape
from .objectives import DataObjective, Objective, Quadratic1D, Quadratic2D
from .optimizers import OPTIMIZERS, make_optimizer, needs_hessian, needs_prox, needs_value
from .schedules import _Table

_optimizer_named = make_optimizer  # lr_range_test's argument of that name shadows it

__all__ = [
    "BatchRuns",
    "GradientOracle",
    "LRRangeResult",
    "SeededRuns",
    "SweepResult",
    "Trajectory",
    "batch_gradients",
    "batch_runs",
    "cut",
    "full_batch",
    "lr_range_test",
    "minibatch",
    "optimizer_internals",
    "seeded_runs",
    "simulate",
    "simulate_each",
    "stochastic",
    "sweep",
    "update_ratio",
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
        states: with ``simulate(..., record_state=True)``, the optimizer's state carried into
            every point, as one state whose fields are stacked along a first axis of k+1
            (``states.nu[s]`` is Adam's ν after s updates); else ``None``.
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
    states: Any = None

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
    record_state: bool = False,
    resume: Trajectory | None = None,
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
        record_state: keep the optimizer's state at every point (``Trajectory.states``).
        resume: a run of the same objective, optimizer, start and settings, recorded with
            ``record_state=True`` (an integer ``seed`` for mini-batches): the result is the run
            with this budget, computed from where ``resume`` stopped instead of from the start
            (its first ``steps`` steps when it is longer), equal to a run from scratch.

    Returns:
        A :class:`Trajectory`.

    Example:
        >>> from widgets.objectives import Quadratic2D
        >>> from widgets.optimizers import gd
        >>> simulate(Quadratic2D(condition_number=10.0), gd(1.5), [1.0, 1.0], steps=500).message
        'converged in 71 steps (‖∇f‖ < 1e-06)'
        >>> short = simulate(Quadratic2D(condition_number=10.0), gd(1.5), [1.0, 1.0], steps=20,
        ...                  record_state=True)
        >>> simulate(Quadratic2D(condition_number=10.0), gd(1.5), [1.0, 1.0], steps=500,
        ...          resume=short).message
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
    if needs_value(optimizer) and oracle.batch_size is not None:
        raise ValueError(
            f"{optimizer.name} searches along each step with the objective's full value: "
            "batch_size must be None (full batch)"
        )
    first, state = 0, None
    if resume is not None:
        _check_resume(resume, objective, optimizer, p0, tol, oracle, seed)
        end = resume.stopped_at if resume.diverged_at is None else resume.diverged_at
        if resume.status != "max_steps" and steps >= end:
            return resume  # it stopped before its budget: any longer budget stops there too
        if steps <= resume.stopped_at:
            return cut(resume, steps)
        first, state = resume.stopped_at, _state_at(resume.states, resume.stopped_at)

    with np.errstate(all="ignore"):
        _check_start(objective, p0, max_loss)
        P = np.empty((steps + 1, d))
        P[0] = p0
        states = [] if record_state else None
        if first:
            P[: first + 1] = resume.params
        if oracle.batch_size is None:
            last, gnorm = _run_full_batch(
                objective,
                optimizer,
                P,
                tol,
                max_loss,
                newton,
                first,
                state,
                states,
                proximal,
            )
            if first:
                gnorm[:first] = resume.grad_norm[:first]
            grad_norm = gnorm[: last + 1]
        else:
            last = _run_batches(
                objective,
                optimizer,
                P,
                oracle,
                m,
                max_loss,
                newton,
                first,
                state,
                states,
                proximal,
            )
            grads = _evaluate(objective.grad, P[: last + 1])
            grad_norm = np.sqrt(np.einsum("td,td->t", grads, grads))
    if states is not None:  # the states carried into points first … last
        states = _stacked(states)
        if first:
            states = _joined(_state_slice(resume.states, first), states)
    return _finish(objective, optimizer, P[: last + 1], grad_norm, tol, max_loss, oracle, states)


def _finish(objective, optimizer, P, grad_norm, tol, max_loss, oracle, states) -> Trajectory:
    """The trajectory of a run whose points ``P`` and full-gradient norms are known: the loss,
    where and why it stopped, step lengths, epochs and examples seen."""
    newton = needs_hessian(optimizer)
    with np.errstate(all="ignore"):
        loss = _evaluate(objective.value, P)
        n, status, diverged_at, message = _stopping(P, loss, grad_norm, tol, max_loss, newton)
        # a copy, so a run that stopped early does not keep the whole preallocated buffer alive
        P, loss, grad_norm = P[: n + 1].copy(), loss[: n + 1], grad_norm[: n + 1]
        diffs = np.diff(P, axis=0)
        step_length = np.sqrt(np.einsum("td,td->t", diffs, diffs))
    m = getattr(objective, "n_examples", None)
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
        states=None if states is None else _state_slice(states, n + 1),
    )


def simulate_each(
    objective,
    optimizers: Sequence,
    start: np.ndarray | None = None,
    steps: int = 100,
    *,
    tol: float | None = 1e-6,
    max_loss: float = 1e12,
    record_state: bool = False,
) -> list[Trajectory]:
    """Full-batch runs of several optimizers of one kind from one start, all in lock step.

    The result equals ``[simulate(objective, o, start, steps, tol=tol, ...) for o in
    optimizers]``, bit for bit: each run's gradient is the objective's own, and the optimizers'
    learning rates and hyperparameters become arrays of one value per run, so each step updates
    every run with one call of the optimizer (elementwise the same arithmetic). A run that
    converges or diverges stops being recorded; the loop ends when every run has stopped.
    What it saves: an update of Adam costs about 20 µs whether it moves one point or five, so
    the runs of five learning rates cost little more than one.

    Args:
        objective, start, steps, tol, max_loss, record_state: as for :func:`simulate`.
        optimizers: optimizers of the same name with numeric learning rates (no schedules); the
            settings that are not numbers (``bias_correction``) must agree.

    Returns:
        One :class:`Trajectory` per optimizer.

    Example:
        >>> from widgets.objectives import Quadratic2D
        >>> from widgets.optimizers import gd
        >>> bowl = Quadratic2D(condition_number=10.0)
        >>> runs = simulate_each(bowl, [gd(0.5), gd(1.5)], [1.0, 1.0], steps=500)
        >>> [r.message for r in runs]
        ['converged in 225 steps (‖∇f‖ < 1e-06)', 'converged in 71 steps (‖∇f‖ < 1e-06)']
    """
    _check_objective(objective)
    opts = list(optimizers)
    if not opts:
        raise ValueError("optimizers must hold at least one optimizer")
    for o in opts:
        _check_optimizer(o)
    together = _per_run_optimizer(opts)
    d, K = int(objective.dim), len(opts)
    p0 = as_vector("start", objective.start if start is None else start, d).copy()
    steps = check_int("steps", steps, low=1, high=MAX_STEPS)
    tol = None if tol is None else check_real("tol", tol, low=0.0, low_open=True)
    max_loss = check_real("max_loss", max_loss, low=0.0, low_open=True)
    newton = needs_hessian(together)
    grad, value, hessian = objective.grad, objective.value, getattr(objective, "hessian", None)
    if isinstance(objective, Objective):  # points are float arrays of shape (d,) by construction
        grad, hessian = objective._grad, objective._hessian
    update, fast = together.update, getattr(together.update, "unchecked", None)
    low = -1.0 if tol is None else tol
    with np.errstate(all="ignore"):
        _check_start(objective, p0, max_loss)
        P = np.empty((steps + 1, K, d))
        P[0] = p0
        gnorm = np.empty((steps + 1, K))
        last = np.full(K, steps)
        active = np.ones(K, dtype=bool)
        state = together.init(P[0])
        states = [state] if record_state else None
        G = np.zeros((K, d))
        H = np.broadcast_to(np.eye(d), (K, d, d)).copy() if newton else None
        for t in range(steps):
            for k in np.flatnonzero(active):  # the same calls, in the same order, as simulate's
                p = P[t, k]
                g = grad(p)
                gn = math.sqrt(g.dot(g))
                gnorm[t, k] = gn
                stop = not low <= gn < math.inf
                if not stop and t % _CHECK_EVERY == _CHECK_EVERY - 1:
                    stop = _blown_up(value(p), p, max_loss)
                if stop:  # a stopped run steps from 0 by a zero gradient, never looked at again
                    last[k], active[k], G[k] = t, False, 0.0
                    if newton:
                        H[k] = np.eye(d)
                else:
                    G[k] = g
                    if newton:
                        H[k] = hessian(p)
            if not active.any():
                break
            if t and fast is not None:
                upd, state = fast(G, state, H)
            elif newton:
                upd, state = update(G, state, P[t], hessian=H)
            else:
                upd, state = update(G, state, P[t])
            P[t + 1] = P[t] + upd
            if states is not None:
                states.append(state)
        for k in np.flatnonzero(active):  # the runs that used the whole budget
            g = grad(P[steps, k])
            gnorm[steps, k] = math.sqrt(g.dot(g))
    stacked = None if states is None else _stacked(states)
    oracle = full_batch()
    return [
        _finish(
            objective,
            opts[k],
            P[: last[k] + 1, k],
            gnorm[: last[k] + 1, k].copy(),
            tol,
            max_loss,
            oracle,
            None if stacked is None else _state_of_run(stacked, k, K),
        )
        for k in range(K)
    ]


def _per_run_optimizer(opts: list):
    """One optimizer holding each of ``opts``'s settings as a column of per-run values."""
    name = opts[0].name
    if any(o.name != name for o in opts):
        raise ValueError(f"optimizers must all be of one kind, got {[o.name for o in opts]}")
    if any(callable(o.hyperparams["learning_rate"]) for o in opts):
        raise ValueError("simulate_each needs numeric learning rates, not schedules")
    settings = {}
    for key, first in opts[0].hyperparams.items():
        values = [o.hyperparams[key] for o in opts]
        if all(v == first for v in values):
            settings[key] = first  # a shared value stays a number (the optimizers' fast path)
        elif all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
            settings[key] = np.array(values, dtype=float)[:, None]
        else:
            raise ValueError(f"optimizers must agree on {key} or give numbers, got {values!r}")
    return make_optimizer(name, **settings)


def _state_of_run(states: NamedTuple, k: int, runs: int) -> NamedTuple:
    """Run k's part of states stacked over steps and runs: fields of shape (T, runs, d)."""
    return type(states)(*(f[:, k] if f.ndim >= 3 and f.shape[1] == runs else f for f in states))


def cut(
    trajectory: Trajectory,
    k: int,
    *,
    status: str = "max_steps",
    message: str | None = None,
    diverged_at: int | None = None,
) -> Trajectory:
    """The run's first ``k`` steps, as a run that ended there (``status``, ``message``).

    By default it is what a budget of ``k`` steps would have given: ``"max_steps"``, "stopped
    after k steps (step budget used up)". A rule of the caller's that ends runs earlier (e.g.
    "diverged" when the iterate leaves the plotted region) passes its own status and message.

    Example:
        >>> from widgets.objectives import Quadratic2D
        >>> from widgets.optimizers import gd
        >>> run = simulate(Quadratic2D(), gd(0.5), [1.0, 1.0], steps=50)
        >>> cut(run, 3).params.shape, cut(run, 3).message
        ((4, 2), 'stopped after 3 steps (step budget used up)')
    """
    k = check_int("k", k, low=0, high=trajectory.stopped_at)
    if message is None:
        message = f"stopped after {k} {'step' if k == 1 else 'steps'} (step budget used up)"
    return replace(
        trajectory,
        params=trajectory.params[: k + 1],
        loss=trajectory.loss[: k + 1],
        grad_norm=trajectory.grad_norm[: k + 1],
        step_length=trajectory.step_length[:k],
        learning_rate=trajectory.learning_rate[:k],
        epochs=trajectory.epochs[: k + 1],
        examples_seen=trajectory.examples_seen[: k + 1],
        status=check_choice("status", status, ("max_steps", "converged", "diverged")),
        stopped_at=k,
        message=message,
        diverged_at=diverged_at,
        states=None if trajectory.states is None else _state_slice(trajectory.states, k + 1),
    )


def _run_full_batch(
    objective, optimizer, P, tol, max_loss, newton, first, state, states, proximal=False
):
    """The hot loop for full-batch runs; returns (last index filled, ‖g‖ at each point).

    Kept minimal because it is what every slider move waits for: the gradient norm comes free from
    the gradient the step needs anyway; loss, step lengths and the precise divergence test are
    computed afterwards, vectorised over the whole trajectory. It starts at step ``first`` with
    the optimizer ``state`` there (a run being continued), and appends every state to ``states``
    when that is a list.
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
    line_search = needs_value(optimizer)
    if proximal:
        smooth_grad, prox = objective.smooth_grad, objective.prox
        if isinstance(objective, Objective):
            smooth_grad, prox = objective._smooth_grad, objective._prox
    tol = -1.0 if tol is None else tol  # a norm is never < −1: no early stop
    gnorm = np.empty(steps + 1)
    p = P[first]
    state, record = _starting(optimizer, p, state, states)
    sqrt, inf = math.sqrt, math.inf
    for t in range(first, steps):
        g = grad(p)
        gn = sqrt(g.dot(g))  # several times cheaper than np.linalg.norm for a short vector
        gnorm[t] = gn
        if not tol <= gn < inf:  # converged, or the gradient overflowed (also NaN)
            return t, gnorm
        if t % _CHECK_EVERY == _CHECK_EVERY - 1 and _blown_up(value(p), p, max_loss):
            return t, gnorm
        if proximal:  # the step uses the smooth part's gradient and the prox of the rest
            upd, state = update(smooth_grad(p), state, p, prox=prox)
        elif line_search:  # L-BFGS: its line search evaluates the objective along the step
            upd, state = update(g, state, p, value=value)
        elif t and fast is not None:  # the first step was validated in full; skip checks now
            upd, state = fast(g, state, None if hessian is None else hessian(p))
        elif hessian is None:
            upd, state = update(g, state, p)
        else:
            upd, state = update(g, state, p, hessian=hessian(p))
        p = p + upd
        P[t + 1] = p
        if record is not None:
            record(state)
    g = grad(p)
    gnorm[steps] = sqrt(g.dot(g))
    return steps, gnorm


def _run_batches(
    objective, optimizer, P, oracle, m, max_loss, newton, first, state, states, proximal=False
):
    """The loop for stochastic and mini-batch runs; returns the last index filled (it starts at
    step ``first`` with ``state``, and records states, as :func:`_run_full_batch` does)."""
    steps = P.shape[0] - 1
    grad_batch, value, update = objective.grad_batch, objective.value, optimizer.update
    hessian = objective.hessian if newton else None
    batches = oracle.batches(m)
    for _ in range(first):  # the batches the run being continued has used
        next(batches)
    p = P[first]
    state, record = _starting(optimizer, p, state, states)
    if proximal:  # the smooth part's batch gradient, then the prox of the rest
        grad_batch = objective.smooth_grad_batch
    for t in range(first, steps):
        g = grad_batch(p, next(batches))
        if proximal:
            upd, state = update(g, state, p, prox=objective.prox)
        elif hessian is None:
            upd, state = update(g, state, p)
        else:  # the exact full Hessian with the noisy gradient
            upd, state = update(g, state, p, hessian=hessian(p))
        p = p + upd
        P[t + 1] = p
        if record is not None:
            record(state)
        if not float(upd @ upd) < math.inf:  # non-finite step: nothing after it is meaningful
            return t + 1
        if t % _CHECK_EVERY == _CHECK_EVERY - 1 and _blown_up(value(p), p, max_loss):
            return t + 1
    return steps


def _starting(optimizer, p, state, states):
    """The state a run starts (or continues) from, and how it records states (``None``: not)."""
    state = optimizer.init(p) if state is None else state
    if states is None:
        return state, None
    states.append(state)
    return state, states.append


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

    Gradient descent and heavy ball on a ``Quadratic1D`` or ``Quadratic2D`` are not run step by
    step: in the quadratic's eigenbasis every direction evolves alone, c_t = s_t·c_0, with factors
    s_t that depend on the eigenvalues and on (α, μ) only. They are computed once (for at least 512
    steps, and cached), so a sweep of the same quadratic rotated, from another start or with
    another budget costs a few array operations; the outcomes are those of the step-by-step runs
    (losses equal to rounding).

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
    basis = _eigenbasis(objective)
    heavy_ball = (name == "gd" and mus is None) or (name == "momentum" and mus is not None)
    if basis is not None and not hyperparams and heavy_ball:
        with np.errstate(all="ignore"):
            _check_start(objective, p0, max_loss)
        mu_runs = np.zeros(n) if mus is None else np.repeat(mus, lrs.size)
        lr_runs = np.ascontiguousarray(lr_grid[:, 0])
        runs = _heavy_ball_on_quadratic(basis, p0, lr_runs, mu_runs, steps, tol, max_loss)
        to_converge, diverged_at, loss, P = runs
    else:
        to_converge, diverged_at, loss, P = _sweep_loop(
            objective, optimizer, newton, proximal, p0, n, steps, tol, max_loss
        )
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


def _sweep_loop(objective, optimizer, newton, proximal, p0, n, steps, tol, max_loss):
    """Every run of the sweep advanced together, step by step: (steps to converge, step of
    divergence, last loss, last point) per run."""
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
    return to_converge, diverged_at, loss, P


#: heavy ball's modes on a quadratic are computed for at least this many steps, so that a sweep
#: with another budget up to it (a slider moved) reuses them
_MODE_STEPS = 512


def _eigenbasis(objective) -> tuple[np.ndarray, np.ndarray] | None:
    """(eigenvalues, eigenvectors as columns) of a Quadratic1D or Quadratic2D, from its own
    parameters rather than from ``eigh``: a rotation then changes only the vectors, not a bit of
    the eigenvalues, and the modes computed for them are reused. ``None`` for other objectives."""
    if type(objective) is Quadratic2D:
        c, s = math.cos(objective.angle), math.sin(objective.angle)
        lam = [objective.scale / objective.condition_number, objective.scale]
        return np.array(lam), np.array([[c, -s], [s, c]])
    if type(objective) is Quadratic1D:
        return np.array([objective.curvature]), np.ones((1, 1))
    return None


_BLOCK = 24  # steps of heavy ball's modes computed together (see _heavy_ball_modes)


@functools.lru_cache(maxsize=4)
def _heavy_ball_modes(lam: tuple, lrs: bytes, mus: bytes, steps: int) -> np.ndarray:
    """s[i, t, k]: the factor heavy ball has multiplied eigendirection i by after t steps, in run
    k (rate α_k, momentum μ_k), for t = 0 … steps.

    In the eigenbasis c = Vᵀw of f = ½wᵀAw each direction evolves alone: heavy ball's
    w_{t+1} = w_t − α∇f(w_t) + μ(w_t − w_{t−1}) (with w_{−1} = w_0, as its buffer starts at 0)
    becomes c_{t+1} = b·c_t − μ·c_{t−1} with b = 1 + μ − αλ, so c_t = s_t·c_0 with s_0 = 1 and
    s_1 = 1 − αλ. The factors depend on the eigenvalues, not on the eigenvectors or the start.

    Blocks of steps at once: s_{t+j} = a_j·s_t + e_j·s_{t−1}, where a and e follow the same
    recurrence from (a_0, a_{−1}) = (1, 0) and (e_0, e_{−1}) = (0, 1); so the Python loop runs
    about 2√steps times instead of once per step.
    """
    lam, lr, mu = np.array(lam)[:, None], np.frombuffer(lrs), np.frombuffer(mus)
    b = 1.0 + mu - lam * lr  # (d, n)
    s = np.empty((lam.size, steps + _BLOCK + 1, lr.size))
    with np.errstate(all="ignore"):  # diverging runs overflow; only their first steps are read
        a = np.empty((_BLOCK + 1, *b.shape))
        e = np.empty_like(a)
        a[0], e[0], a[1], e[1] = 1.0, 0.0, b, -mu
        for j in range(1, _BLOCK):
            a[j + 1] = b * a[j] - mu * a[j - 1]
            e[j + 1] = b * e[j] - mu * e[j - 1]
        a, e = a[1:].transpose(1, 0, 2), e[1:].transpose(1, 0, 2)  # (d, block, n)
        s[:, 0], s[:, 1] = 1.0, 1.0 - lam * lr
        for t in range(1, steps, _BLOCK):
            s[:, t + 1 : t + _BLOCK + 1] = a * s[:, t, None] + e * s[:, t - 1, None]
    s = s[:, : steps + 1]
    s.setflags(write=False)
    return s


def _heavy_ball_on_quadratic(basis, p0, lrs, mus, steps, tol, max_loss):
    """The sweep of heavy ball (μ = 0: gradient descent) on a quadratic from its eigenbasis:
    what :func:`_sweep_loop` finds, without running the optimizer (same rules: the first step
    that diverges or converges stops a run).

    With c_t = s_t·c_0 the loss is ½Σλᵢcᵢ² and the squared gradient Σλᵢ²cᵢ²; and
    max|w| ≤ ‖w‖ = ‖c‖ ≤ √(2f/λmin), so the parameters can pass their limit before the loss
    passes its own only when ½λmin·1e24 ≤ max_loss: only then are they formed.
    """
    lam, vecs = basis
    key = (tuple(lam), lrs.tobytes(), mus.tobytes(), max(steps, _MODE_STEPS))
    s = _heavy_ball_modes(*key)[:, : steps + 1]
    c0 = vecs.T @ p0
    with np.errstate(all="ignore"):
        loss, grad2 = np.zeros(s.shape[1:]), np.zeros(s.shape[1:])
        for i in range(lam.size):
            c2 = np.square(s[i]) * c0[i] ** 2
            loss += 0.5 * lam[i] * c2
            grad2 += lam[i] ** 2 * c2
        grad_norm = np.sqrt(grad2)
        bad = ~((loss <= max_loss) & np.isfinite(grad_norm))
        if 0.5 * lam.min() * MAX_PARAM**2 <= max_loss:
            w = np.einsum("itk,ji->tkj", s * c0[:, None, None], vecs)
            bad |= ~(np.abs(w).max(axis=-1) <= MAX_PARAM)
    bad[0] = False  # the start was checked before
    never = steps + 1
    first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), never)
    first_conv = np.full(lrs.size, never)
    if tol is not None:
        conv = grad_norm < tol
        first_conv = np.where(conv.any(axis=0), conv.argmax(axis=0), never)
    converged = first_conv < first_bad  # a step that diverges is not also counted as converged
    diverged = ~converged & (first_bad <= steps)
    # where each run stops: converged, at its last point before diverging, or at the budget
    last = np.where(converged, first_conv, np.where(diverged, first_bad - 1, steps))
    runs = np.arange(lrs.size)
    params = (s[:, last, runs].T * c0) @ vecs.T
    return (
        np.where(converged, first_conv, -1),
        np.where(diverged, first_bad, -1),
        loss[last, runs],
        params,
    )


# ------------------------------------------------------------------------------------------------
# The learning-rate range test: one run, the rate growing every step
# ------------------------------------------------------------------------------------------------
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
        params: the point each step started from, shape (k, d): ``params[t]`` is where the step
            with ``learning_rates[t]`` was taken (the start first).
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    divergence_lr: float | None
    suggested_lr: float | None
    initial_loss: float
    params: np.ndarray | None = None


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
        >>> from widgets.simulate import lr_range_test
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
        name = make_optimizer

        def build(rate: Any) -> Any:
            return _optimizer_named(name, learning_rate=rate)
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
    hessian_needed = needs_hessian(opt)
    state = opt.init(w)
    losses = np.empty(steps)
    points = np.empty((steps, w.size))
    diverged_at = None
    # Overflow is expected once the rate passes the stability limit; it is detected below.
    with np.errstate(all="ignore"):
        best = initial = float(objective.value(w))
        best_index = -1
        for t in range(steps):
            points[t] = w
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
        params=points[:k].copy(),
    )


# ------------------------------------------------------------------------------------------------
# What an optimizer carries along a run
# ------------------------------------------------------------------------------------------------
MOMENTUM_LIKE = ("momentum", "nesterov")
ADAPTIVE = ("adagrad", "rmsprop", "adam")


def optimizer_internals(
    optimizer, trajectory: Trajectory
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The momentum buffer or the adaptive step size at every point of a recorded run.

    Read from ``trajectory.states`` (a run of ``optimizer`` with ``record_state=True``), which are
    the states the run itself used. Returns ``(velocity, step_scale)``, each of shape (k+1, d) or
    ``None`` for an optimizer without it:

    - ``velocity[s] = −α v_s``: the momentum buffer carried into point s (momentum, Nesterov), as
      a displacement; for heavy-ball momentum it is the last step, params[s] − params[s−1];
    - ``step_scale[s] = α / (√v̂_s + ε)`` per coordinate: the effective learning rate of AdaGrad
      (v̂ the sum of squared gradients), RMSProp or Adam (v̂ their bias-corrected average of g²)
      for the next step; NaN at s = 0, before any gradient.

    Example:
        >>> from widgets.objectives import Quadratic2D
        >>> from widgets.optimizers import momentum
        >>> opt = momentum(0.1, 0.9)
        >>> run = simulate(Quadratic2D(), opt, [1.0, 1.0], steps=5, record_state=True)
        >>> velocity, _ = optimizer_internals(opt, run)
        >>> bool(np.allclose(velocity[3], run.params[3] - run.params[2]))
        True
    """
    name = optimizer.name
    if name not in MOMENTUM_LIKE + ADAPTIVE:
        return None, None
    states = trajectory.states
    if states is None:
        raise ValueError("optimizer_internals needs a run recorded with record_state=True")
    k = trajectory.stopped_at
    rates = _schedule_values(optimizer, k + 1)[:, None]  # α_t for t = 0 … k
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if name in MOMENTUM_LIKE:
            velocity = np.zeros((k + 1, trajectory.params.shape[1]))
            velocity[1:] = -(rates[:-1] * states.trace[1:])  # v_s drives step s − 1 → s
            return velocity, None
        hp = optimizer.hyperparams
        if name == "adagrad":
            nu_hat = states.sum_of_squares
        else:
            nu_hat = states.nu
            if hp["bias_correction"]:
                decay = hp["decay"] if name == "rmsprop" else hp["b2"]
                nu_hat = nu_hat / (1.0 - np.power(decay, states.count))[:, None]
        scale = rates / (np.sqrt(nu_hat) + hp["eps"])
    scale[0] = np.nan
    return None, scale


# ------------------------------------------------------------------------------------------------
# Many seeds at once: mini-batch runs that differ only in how the examples are shuffled
# ------------------------------------------------------------------------------------------------
QUANTILES = (0.1, 0.5, 0.9)
MAX_LOSS_POINTS = 48  # loss curves are evaluated at most here: the full loss costs m per point


def batch_gradients(objective, W: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Mean gradient of each run over its own examples: ``W`` (N, d), ``idx`` (N, b) -> (N, d).

    Row n equals ``objective.grad_batch(W[n], idx[n])``. A data objective gives every run's
    per-example gradients in one call (``example_grads_batch``), so N runs cost one vectorised
    step; any other objective is asked run by run.

    Example:
        >>> from widgets.objectives import wdbc_logistic
        >>> loss = wdbc_logistic(fit_bias=False)
        >>> G = batch_gradients(loss, np.zeros((2, 2)), np.array([[0, 1], [2, 3]]))
        >>> bool(np.allclose(G[1], loss.grad_batch([0.0, 0.0], [2, 3])))
        True
    """
    if hasattr(objective, "example_grads_batch"):
        return objective.example_grads_batch(W, idx).mean(axis=-2)
    return np.stack([objective.grad_batch(w, i) for w, i in zip(W, idx, strict=True)])


@dataclass(frozen=True, eq=False)
class SeededRuns:
    """Mini-batch runs of one optimizer from one start, one per shuffling seed.

    Attributes:
        params: (N, k+1, d), the parameters after every update, k = epochs · per_epoch
            (:func:`seeded_runs`).
        diverged_at: (N,) the update at which each run stopped being finite or passed 1e12 (it
            stays at its last good point from then on), −1 if it did not.
        seeds: the N shuffling seeds.
        batch_size, epochs: as given; per_epoch: updates per epoch, ⌈m/B⌉.
        state: the optimizer's state after the last update, every run's in one (to continue the
            runs with ``seeded_runs(..., resume=runs)``); ``None`` for a :meth:`head`.
    """

    params: np.ndarray
    diverged_at: np.ndarray
    seeds: tuple[int, ...]
    batch_size: int
    epochs: int
    per_epoch: int
    state: Any = None

    def head(self, n_runs: int, epochs: int) -> SeededRuns:
        """The first ``n_runs`` runs over their first ``epochs`` epochs."""
        n = check_int("n_runs", n_runs, low=1, high=len(self.seeds))
        e = check_int("epochs", epochs, low=1, high=self.epochs)
        if (n, e) == (len(self.seeds), self.epochs):
            return self
        k = e * self.per_epoch
        at = self.diverged_at[:n]
        return replace(
            self,
            params=self.params[:n, : k + 1],
            diverged_at=_frozen(np.where(at <= k, at, -1)),
            seeds=self.seeds[:n],
            epochs=e,
            state=None,
        )

    def take(self, rows: slice) -> SeededRuns:
        """The runs in ``rows``, with their optimizer state: one learning rate's runs out of
        runs made with a rate per run (to continue them alone)."""
        state = self.state
        if state is not None:
            state = type(state)(*(a if np.ndim(a) == 0 else a[rows] for a in state))
        return replace(
            self,
            params=self.params[rows],
            diverged_at=self.diverged_at[rows],
            seeds=self.seeds[rows],
            state=state,
        )

    def join(self, other: SeededRuns) -> SeededRuns:
        """These runs and ``other``'s (more seeds, same optimizer, batch size and epochs)."""
        if (other.batch_size, other.epochs) != (self.batch_size, self.epochs):
            raise ValueError(
                f"join needs runs of the same batch size and epochs, got B = {other.batch_size}, "
                f"{other.epochs} epochs for B = {self.batch_size}, {self.epochs} epochs"
            )
        state = None
        if self.state is not None and other.state is not None:
            state = type(self.state)(
                *(
                    a if np.ndim(a) == 0 else np.concatenate([a, b])
                    for a, b in zip(self.state, other.state, strict=True)
                )
            )
        return replace(
            self,
            params=_frozen(np.concatenate([self.params, other.params])),
            diverged_at=_frozen(np.concatenate([self.diverged_at, other.diverged_at])),
            seeds=self.seeds + other.seeds,
            state=state,
        )


@functools.lru_cache(maxsize=256)
def _epoch_orders(m: int, seed: int, epochs: int) -> np.ndarray:
    """The order of the m examples in each of the first ``epochs`` epochs of the mini-batch
    oracle of ``seed`` (whatever its batch size): shape (epochs, m), read-only."""
    it = minibatch(m, seed).batches(m)
    return _frozen(np.stack([next(it) for _ in range(epochs)]))


def seeded_runs(
    objective,
    optimizer,
    start: np.ndarray,
    batch_size: int,
    epochs: int,
    seeds: Sequence[int],
    *,
    resume: SeededRuns | None = None,
) -> SeededRuns:
    """Run ``optimizer`` from ``start`` once per seed with mini-batches, all runs in lock step.

    Run n sees the batches of ``minibatch(batch_size, seeds[n])``: each epoch a fresh permutation
    of the m examples from that seed, cut into consecutive batches (the last one shorter when
    ``batch_size`` does not divide m), so it equals ``simulate(objective, optimizer, start,
    steps, batch_size=batch_size, seed=seeds[n], tol=None)``; every update is one vectorised
    step of all runs (:func:`batch_gradients`). A run whose parameters stop being finite or
    exceed 1e12 is frozen at its last good point. The optimizer may hold one learning rate per
    run (an array of N rates).

    Args:
        objective: a data objective (``n_examples``, ``grad_batch``).
        optimizer: an optimizer without Hessian.
        start: the common start, shape (d,).
        batch_size: examples per update, 1 ≤ B ≤ m.
        epochs: passes over the data, ≥ 1.
        seeds: one integer seed ≥ 0 per run.
        resume: these runs over fewer epochs (same seeds and settings): they are continued.

    Returns:
        :class:`SeededRuns`; ``params`` has shape (N, epochs·⌈m/B⌉ + 1, d).

    Example:
        >>> from widgets.objectives import wdbc_logistic
        >>> from widgets.optimizers import gd
        >>> loss = wdbc_logistic(fit_bias=False)
        >>> runs = seeded_runs(loss, gd(0.5), [0.0, 0.0], 64, 2, seeds=(0, 1))
        >>> ref = simulate(loss, gd(0.5), [0.0, 0.0], 18, tol=None, batch_size=64, seed=1)
        >>> runs.params.shape, bool(np.allclose(runs.params[1], ref.params, rtol=1e-12))
        ((2, 19, 2), True)
    """
    m = int(objective.n_examples)
    b = check_int("batch_size", batch_size, low=1, high=m)
    epochs = check_int("epochs", epochs, low=1)
    seeds = tuple(int(check_int("seeds", s, low=0)) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    per_epoch = -(-m // b)
    k = epochs * per_epoch
    N, d = len(seeds), int(objective.dim)
    done = 0  # epochs already run
    if resume is not None:
        if (resume.seeds, resume.batch_size) != (seeds, b) or resume.state is None:
            raise ValueError("resume must be runs of the same seeds and batch size, not a head")
        if epochs <= resume.epochs:
            return resume.head(N, epochs)
        done = resume.epochs
    # The permutations of the epochs to run, from the same oracle stream simulate uses.
    orders = np.stack([_epoch_orders(m, seed, epochs)[done:] for seed in seeds])
    P = np.empty((N, k + 1, d))
    first = done * per_epoch
    if resume is None:
        P[:, 0] = as_vector("start", start, d)
        state = optimizer.init(P[:, 0])
        diverged_at = np.full(N, -1)
    else:
        P[:, : first + 1] = resume.params
        state, diverged_at = resume.state, resume.diverged_at.copy()
    W = P[:, first].copy()
    active = diverged_at < 0
    update = optimizer.update
    fast = getattr(update, "unchecked", None)
    grads = functools.partial(batch_gradients, objective)
    if isinstance(objective, DataObjective) and objective.smooth:
        grads = objective._mean_grads_on  # the orders are valid indices by construction
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(first, k):
            e, j = divmod(t - first, per_epoch)
            g = grads(W, orders[:, e, j * b : (j + 1) * b])
            if t and fast is not None:  # the first update was checked in full
                upd, state = fast(g, state)
            else:
                upd, state = update(g, state, W)
            W_new = W + upd
            if not np.abs(W_new).max() <= MAX_PARAM:  # NaN fails too: find which runs
                ok = np.isfinite(W_new).all(axis=1) & (np.abs(W_new).max(axis=1) <= MAX_PARAM)
                diverged_at[active & ~ok] = t + 1
                active &= ok
                W_new = np.where(active[:, None], W_new, W)
            W = W_new
            P[:, t + 1] = W
    return SeededRuns(
        params=_frozen(P),
        diverged_at=_frozen(diverged_at),
        seeds=seeds,
        batch_size=b,
        epochs=epochs,
        per_epoch=per_epoch,
        state=state,
    )


def update_ratio(params: object) -> np.ndarray:
    """The update-to-weight ratio of every update of a path: how far a step moves the weights,
    relative to their size.

    Rule: r_t = mean_j |w_{t+1,j} − w_{t,j}| / mean_j |w_{t+1,j}|, for t = 0 … k − 1 (NaN where
    the new weights are all 0). The rule of thumb quoted with it (about 10⁻³, up to 10⁻²) is
    empirical, not a theorem: a ratio far above it says the steps are large against the weights
    (on a plateau, that the rate sets the noise floor), far below it that they hardly move.

    Args:
        params: a path of shape (k + 1, d), or (N, k + 1, d) for N runs (``Trajectory.params``,
            ``SeededRuns.params``).

    Returns:
        The ratios, shape (k,) or (N, k).

    Example:
        >>> update_ratio([[1.0, 2.0], [1.1, 2.0], [1.1, 1.9]]).round(4).tolist()
        [0.0323, 0.0333]
    """
    P = np.asarray(params, dtype=float)
    if P.ndim not in (2, 3) or P.shape[-2] < 2 or not np.all(np.isfinite(P)):
        raise ValueError(
            "params must be a finite path of shape (k + 1, d) or (N, k + 1, d) with k ≥ 1, "
            f"got shape {P.shape}"
        )
    moved = np.abs(np.diff(P, axis=-2)).mean(axis=-1)
    size = np.abs(P[..., 1:, :]).mean(axis=-1)
    out = np.full(moved.shape, np.nan)
    np.divide(moved, size, out=out, where=size > 0)
    return out


def curve_steps(n_updates: int, max_points: int = MAX_LOSS_POINTS) -> np.ndarray:
    """The updates at which :func:`batch_runs` evaluates the loss: at most ``max_points`` evenly
    spread over 0 … ``n_updates``, the first and the last included.

    Example:
        >>> curve_steps(10, 4).tolist()
        [0, 3, 7, 10]
    """
    k = check_int("n_updates", n_updates, low=0)
    points = min(k + 1, check_int("max_points", max_points, low=2))
    return np.unique(np.round(np.linspace(0, k, points)).astype(int))


@dataclass(frozen=True, eq=False)
class BatchRuns:
    """N seeded runs of one batch size: paths, loss curves and their quantiles (:func:`batch_runs`).

    ``loss[n, i]`` is the full loss of run n after ``steps[i]`` updates (:func:`curve_steps`);
    ``bands`` holds the 10 %, 50 % and 90 % quantiles over runs at each of them.
    """

    batch_size: int
    learning_rate: float
    epochs: int
    seeds: tuple[int, ...]
    params: np.ndarray  # (N, k+1, d)
    diverged_at: np.ndarray  # (N,) first update at which each run diverged, −1 if it did not
    radius: float | None  # |w|∞ beyond which a run counts as diverged (None: only overflow)
    per_epoch: int  # updates per epoch
    steps: np.ndarray  # (n_x,) update indices where the loss is evaluated
    epochs_at: np.ndarray  # (n_x,) epochs done after those updates
    examples_at: np.ndarray  # (n_x,) examples seen after those updates
    loss: np.ndarray  # (N, n_x)
    bands: np.ndarray  # (3, n_x)

    @property
    def n_updates(self) -> int:
        return self.params.shape[1] - 1

    @property
    def n_diverged(self) -> int:
        return int((self.diverged_at >= 0).sum())

    def x(self, axis: str) -> np.ndarray:
        """The loss curves' x values in ``axis`` units: "updates", "epochs" or "examples"."""
        return {
            "updates": self.steps.astype(float),
            "epochs": self.epochs_at,
            "examples": self.examples_at.astype(float),
        }[axis]


def batch_runs(
    objective,
    optimizer,
    start: np.ndarray,
    batch_size: int,
    epochs: int,
    n_runs: int,
    *,
    max_points: int = MAX_LOSS_POINTS,
    radius: float | None = None,
    runs: SeededRuns | None = None,
    loss: np.ndarray | None = None,
) -> BatchRuns:
    """:func:`seeded_runs` for seeds 0 … n_runs − 1, with loss curves and 10/50/90 % bands.

    A run has diverged at the first update where its parameters stop being finite or pass 1e12
    (it is frozen there) or, when ``radius`` is given, where ``|w|∞ > radius``. ``runs`` gives
    those seeded runs when they are already known (e.g. kept from an earlier call), and ``loss``
    their loss at :func:`curve_steps`; both are computed otherwise.

    Example:
        >>> from widgets.objectives import wdbc_logistic
        >>> from widgets.optimizers import gd
        >>> loss = wdbc_logistic(fit_bias=False)
        >>> res = batch_runs(loss, gd(0.5), [0.0, 0.0], 64, 2, n_runs=4)
        >>> res.loss.shape, res.bands.shape  # 4 runs, 19 loss points (2 epochs of 9 updates)
        ((4, 19), (3, 19))
    """
    if runs is None:
        runs = seeded_runs(objective, optimizer, start, batch_size, epochs, range(int(n_runs)))
    P, diverged_at = runs.params, runs.diverged_at
    if radius is not None:
        diverged_at = _first_diverged(diverged_at, first_escape(P, radius))
    k = P.shape[1] - 1
    m = int(objective.n_examples)
    steps = curve_steps(k, max_points)
    seen = minibatch(runs.batch_size, 0).examples_seen(m, k)[steps]
    if loss is None:
        loss = np.asarray(objective.value(P[:, steps]))
    return BatchRuns(
        batch_size=runs.batch_size,
        learning_rate=float(optimizer.learning_rate(0)),
        epochs=runs.epochs,
        seeds=runs.seeds,
        params=P,
        diverged_at=diverged_at,
        radius=None if radius is None else float(radius),
        per_epoch=runs.per_epoch,
        steps=steps,
        epochs_at=seen / m,
        examples_at=seen,
        loss=loss,
        bands=np.quantile(loss, QUANTILES, axis=0),
    )


def _first_diverged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise the earlier of two "first update" arrays in which −1 means never."""
    never = np.iinfo(np.int64).max
    first = np.minimum(np.where(a >= 0, a, never), np.where(b >= 0, b, never))
    return np.where(first == never, -1, first)


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------
def _check_resume(resume, objective, optimizer, p0, tol, oracle, seed) -> None:
    """A run can only be continued by the settings that made it."""
    if not isinstance(resume, Trajectory) or resume.states is None:
        raise ValueError("resume must be a Trajectory recorded with record_state=True")
    name = str(getattr(objective, "name", type(objective).__name__))
    theirs = (resume.objective, resume.optimizer, resume.batch_size, resume.tol)
    ours = (name, str(optimizer.name), oracle.batch_size, tol)
    if theirs != ours or not np.array_equal(resume.params[0], p0):
        raise ValueError(
            "resume must be a run of the same objective, optimizer, start, batch_size and tol; "
            f"got a run of {theirs} from {resume.params[0]} for {ours} from {p0}"
        )
    if oracle.batch_size is not None and isinstance(seed, np.random.Generator):
        raise ValueError("resume needs an integer seed: a Generator cannot replay its batches")


def _stacked(states: list) -> NamedTuple:
    """States ``[s_0, s_1, …]`` as one state whose fields are stacked along a first axis."""
    first = states[0]
    return type(first)(*(_frozen(np.array([s[i] for s in states])) for i in range(len(first))))


def _joined(a: NamedTuple, b: NamedTuple) -> NamedTuple:
    return type(a)(*(_frozen(np.concatenate([x, y])) for x, y in zip(a, b, strict=True)))


def _state_slice(states: NamedTuple, n: int) -> NamedTuple:
    return type(states)(*(field[:n] for field in states))


def _state_at(states: NamedTuple, k: int) -> NamedTuple:
    """The optimizer state carried into point k (a step count as a Python int)."""
    fields = [field[k] for field in states]
    return type(states)(*(f.item() if np.ndim(f) == 0 else f for f in fields))


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
