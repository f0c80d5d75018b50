"""The race explorer's model: optimizers racing from one start across a 2-D objective.

:func:`landscape_for` sets up an objective for a race (its start, plot bounds, minimum, tuned
rates and step budget); :func:`run_racer` runs one racer with :func:`widgets.simulate.simulate`
and says what became of it; :func:`race_state` is the explorer's state for every control;
:func:`describe_race` puts the race into words.

A racer *diverged* when :func:`~widgets.simulate.simulate` says so (loss or w beyond 1e12, or not
finite), or when its iterate leaves ten times the plotted region no later than it reaches the
target: the logistic loss grows only linearly and a sine regression's error is bounded, so
neither ever overflows.

Runs are kept per racer and setting, so a slider that only one racer uses reruns that racer
alone, and a longer step budget continues the runs already made (``simulate(..., resume=run)``)
instead of starting them again.

Example:
    >>> st = race_state(objective="quadratic", steps=200, step=200, tol=1e-6, start=(-4.0, 3.0),
    ...                 optimizers=("gd", "newton"), alpha_gd=1.6, show_gd=True,
    ...                 alpha_newton=1.0, show_newton=True)
    >>> race_status(st).text.split(": ", 1)[1].split(";")[0]
    'Newton (δ = 0) reached f − f* < 1e-06 first (1 step)'
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int, check_real
from ..objectives import (
    Himmelblau,
    Objective,
    PlateauCliff,
    Quadratic2D,
    Rosenbrock,
    Saddle,
    sine_regression,
    wdbc_logistic,
)
from ..optimizers import Optimizer, lbfgs, make_optimizer, newton
from ..simulate import (
    Trajectory,
    cut,
    optimizer_internals,
    simulate,
    simulate_each,
)
from . import Question, Status, TieQuestion
from ._escape import ESCAPE_FACTOR, escape_radius, first_escape

__all__ = [
    "ALPHA_RANGE",
    "DATA_KEYS",
    "HYPER_DEFAULTS",
    "HYPER_LABELS",
    "HYPER_RANGES",
    "HYPER_STEPS",
    "LABELS",
    "LANDSCAPE_KEYS",
    "LANDSCAPE_LABELS",
    "NEWTON_ALPHA_RANGE",
    "OPTIMIZER_NAMES",
    "VARIANT_NAMES",
    "Landscape",
    "RaceState",
    "RacerRun",
    "check_start",
    "describe_race",
    "landscape_for",
    "race_ahead",
    "race_optimizer",
    "race_state",
    "race_status",
    "race_winners",
    "racer_names",
    "run_racer",
    "winner_question",
]

OPTIMIZER_NAMES = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton", "lbfgs")
VARIANT_NAMES = ("batch", "sgd", "minibatch")
LABELS = {
    "gd": "GD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "newton": "Newton",
    "lbfgs": "L-BFGS",
    "batch": "Batch GD",
    "sgd": "SGD",
    "minibatch": "Mini-batch",
}
MOMENTUM_LIKE = ("momentum", "nesterov")
ADAPTIVE = ("adagrad", "rmsprop", "adam")
#: the shared settings each racer uses (so a slider reruns only the racers that use it)
HYPER_OF = {
    "momentum": ("momentum",),
    "nesterov": ("momentum",),
    "rmsprop": ("decay",),
    "adam": ("b1", "b2"),
    "newton": ("damping",),
}
#: the shared settings' ranges (the sliders' ends) and how the status line writes them
HYPER_RANGES = {
    "momentum": (0.0, 0.99),
    "b1": (0.0, 0.99),
    "b2": (0.5, 0.9999),
    "decay": (0.5, 0.999),
    "damping": (0.0, 10.0),
}
HYPER_LABELS = {
    "momentum": "μ (momentum)",
    "b1": "β₁ (Adam)",
    "b2": "β₂ (Adam)",
    "decay": "β₂ (RMSProp)",
    "damping": "δ (Newton damping)",
}
HYPER_DEFAULTS = {"momentum": 0.9, "b1": 0.9, "b2": 0.999, "decay": 0.99, "damping": 0.0}
#: the shared settings' slider steps
HYPER_STEPS = {"momentum": 0.01, "b1": 0.01, "b2": 0.0001, "decay": 0.001, "damping": 0.1}
SETTING_SYMBOLS = {"momentum": "μ", "b1": "β₁", "b2": "β₂", "decay": "β₂", "damping": "δ"}

#: ‖∇f‖ below which a run stops: far below any race target, so runs stop once nothing moves.
GRAD_TOL = 1e-9
#: the y-axis floor of the f − f* panel; exact hits (Newton on a quadratic) are drawn on it
GAP_FLOOR = 1e-12
#: the saddle has no minimum: the race is to escape it, i.e. to reach f < ESCAPE_LEVEL
ESCAPE_LEVEL = -1.0
TOL_CHOICES = (1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10)
STEPS_RANGE = (10, 1000)
BATCH_SIZES = (2, 4, 8, 16, 32, 64, 128, 256)
SEEDS = (0, 9)
# The top of each α slider is genuinely huge: at α = 1000 every racer's first step leaves 10× the
# plotted region on every landscape (the adaptive methods move by about α per coordinate); Newton at
# α = 10^0.6 ≈ 4 multiplies the error on a quadratic by |1 − α| ≈ 3 per step.
ALPHA_RANGE = (1e-4, 1e3)
NEWTON_ALPHA_RANGE = (1e-2, 10**0.6)
_RUNS_KEPT = 128  # longest run kept per racer and setting (each up to 1000 steps)


# ------------------------------------------------------------------------------------------------
# Landscapes
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Landscape:
    """A 2-D objective set up for a race: where to start, what to plot, what counts as the end.

    ``f_star`` is the minimum (known in closed form or found by Newton's method from a good
    start); ``None`` means the objective is unbounded below and the race is to escape, i.e. to
    reach ``f < ESCAPE_LEVEL``. ``alphas`` are learning rates that work well from ``start`` (fastest
    on a grid for the default μ and β), ``steps`` a step budget in which most racers finish.
    """

    key: str
    label: str
    objective: Objective
    start: tuple[float, float]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    f_star: float | None
    minimizers: np.ndarray  # (k, 2) points to mark on the contours (stationary point for a saddle)
    alphas: Mapping[str, float]
    steps: int

    def gap(self, loss: np.ndarray) -> np.ndarray:
        """What the loss panel plots: f − f*, or f itself when there is no minimum."""
        return loss - self.f_star if self.f_star is not None else np.asarray(loss)

    def target_text(self, tol: float) -> str:
        return f"f − f* < {tol:.0e}" if self.f_star is not None else f"f < {ESCAPE_LEVEL:g}"

    def hit(self, gap: np.ndarray, tol: float) -> np.ndarray:
        """Where a run is at the target: f − f* < tol, or f < ESCAPE_LEVEL without a minimum."""
        return np.asarray(gap) < (tol if self.f_star is not None else ESCAPE_LEVEL)

    @property
    def escape_radius(self) -> float:
        """|w|∞ beyond which a run has diverged: ten times the plotted region."""
        return escape_radius(self.bounds)


_DEFAULT_ALPHAS = {
    "gd": 0.1,
    "momentum": 0.05,
    "nesterov": 0.05,
    "adagrad": 0.5,
    "rmsprop": 0.05,
    "adam": 0.1,
    "newton": 1.0,
    "lbfgs": 1.0,
    "batch": 0.5,
    "sgd": 0.5,
    "minibatch": 0.5,
}

# Learning rates per objective, read off a log grid of rates (μ = 0.9, β₁ = 0.9, β₂ = 0.999,
# RMSProp's β₂ = 0.99, default start): safely inside each optimizer's working range rather than at
# the edge-of-stability value that happens to win, so every racer shows its typical behaviour.
_PRESETS: dict[str, dict] = {
    "quadratic": dict(
        label="Ill-conditioned quadratic (κ = 10)",
        build=lambda: Quadratic2D(condition_number=10.0),
        start=(-4.0, 3.0),
        bounds=((-5.0, 5.0), (-4.0, 4.0)),
        steps=200,
        alphas=dict(gd=1.6, momentum=0.1, nesterov=0.1, adagrad=1.0, rmsprop=0.1, adam=0.25),
    ),
    "himmelblau": dict(
        label="Himmelblau (four minima)",
        build=Himmelblau,
        start=(0.5, -0.5),
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        steps=200,
        alphas=dict(gd=0.01, momentum=0.002, nesterov=0.004, adagrad=0.5, rmsprop=0.05, adam=0.25),
    ),
    "rosenbrock": dict(
        label="Rosenbrock valley",
        build=Rosenbrock,
        start=(-1.2, 1.0),
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        steps=1000,
        alphas=dict(gd=0.002, momentum=0.002, nesterov=0.001, adagrad=0.5, rmsprop=0.01, adam=0.25),
    ),
    "saddle": dict(
        label="Saddle ½(w₁² − w₂²)",
        build=Saddle,
        start=(1.5, 0.01),
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        steps=100,
        alphas=dict(gd=0.1, momentum=0.02, nesterov=0.02, adagrad=0.1, rmsprop=0.01, adam=0.05),
    ),
    "plateau_cliff": dict(
        label="Plateau and cliff",
        build=PlateauCliff,
        start=(3.0, 1.0),
        bounds=((-3.0, 4.0), (-2.0, 2.0)),
        steps=300,
        alphas=dict(gd=0.4, momentum=0.04, nesterov=0.1, adagrad=0.5, rmsprop=0.05, adam=0.25),
    ),
    "wdbc_logistic": dict(
        label="WDBC logistic loss (2 weights, no bias)",
        build=lambda: wdbc_logistic(("mean radius", "mean texture"), fit_bias=False),
        start=(0.0, 0.0),
        bounds=((-1.0, 5.5), (-2.0, 3.0)),
        steps=300,
        alphas=dict(
            gd=4.0,
            momentum=0.5,
            nesterov=0.5,
            adagrad=2.0,
            rmsprop=0.1,
            adam=0.25,
            batch=1.0,
            sgd=0.5,
            minibatch=1.0,
        ),
        guess=(4.0, 0.9),
    ),
    "sine_regression": dict(
        label="Sine regression (phase, frequency)",
        build=sine_regression,
        start=(0.5, 2.6),
        bounds=((-2.0, 4.0), (0.0, 5.0)),
        steps=300,
        alphas=dict(
            gd=0.05,
            momentum=0.01,
            nesterov=0.01,
            adagrad=0.3,
            rmsprop=0.02,
            adam=0.05,
            batch=0.05,
            sgd=0.01,
            minibatch=0.05,
        ),
        guess=(1.1, 2.5),
    ),
}
LANDSCAPE_KEYS = tuple(_PRESETS)
LANDSCAPE_LABELS = {key: p["label"] for key, p in _PRESETS.items()}
DATA_KEYS = ("wdbc_logistic", "sine_regression")


@functools.cache
def landscape_for(key: str) -> Landscape:
    """The race set-up for a registered landscape (built once, then shared; it is immutable).

    Example:
        >>> landscape_for("quadratic").f_star
        0.0
    """
    check_choice("objective", key, LANDSCAPE_KEYS)
    p = _PRESETS[key]
    obj = p["build"]()
    if obj.minimum is not None:
        f_star, mins = float(obj.minimum), np.asarray(obj.minimizers, dtype=float)
    elif isinstance(obj, Saddle):
        f_star, mins = None, np.asarray(obj.stationary_point, dtype=float).reshape(1, 2)
    else:  # data objectives: polish the minimiser near a known good point by Newton's method
        best = simulate(obj, newton(), p["guess"], steps=50, tol=1e-13)
        f_star, mins = best.final_loss, best.final_params.reshape(1, 2)
    return Landscape(
        key=key,
        label=p["label"],
        objective=obj,
        start=tuple(map(float, p["start"])),
        bounds=p["bounds"],
        f_star=f_star,
        minimizers=mins,
        alphas=dict(_DEFAULT_ALPHAS, **p["alphas"]),
        steps=int(p["steps"]),
    )


def racer_names(optimizers: Sequence[str] | None, variants: Sequence[str] | None) -> tuple:
    """The racers of an explorer given ``optimizers=`` or ``variants=`` (not both), checked."""
    if variants is not None and optimizers is not None:
        raise ValueError("give optimizers= or variants=, not both")
    kind, valid = ("variants", VARIANT_NAMES) if variants is not None else ("optimizers", None)
    racers = tuple(variants) if variants is not None else tuple(optimizers or OPTIMIZER_NAMES)
    valid = valid or OPTIMIZER_NAMES
    if not racers or len(set(racers)) != len(racers) or not set(racers) <= set(valid):
        raise ValueError(f"{kind} must be distinct names among {', '.join(valid)}; got {racers!r}")
    return racers


def alpha_range(name: str) -> tuple[float, float]:
    """The learning rates a racer's α slider offers (for Newton and L-BFGS, the first step
    length tried, around the full step 1)."""
    return NEWTON_ALPHA_RANGE if name in ("newton", "lbfgs") else ALPHA_RANGE


def race_optimizer(name: str, learning_rate: float, **hyper: float) -> Optimizer:
    """The optimizer behind a racer; the gradient-descent variants all use plain GD.

    ``hyper`` may hold momentum, b1, b2, decay, damping: each optimizer takes the ones it has.
    """
    if name in VARIANT_NAMES:
        return make_optimizer("gd", learning_rate=learning_rate)
    if name == "lbfgs":  # not in the registry: it needs the loss's values (simulate passes them)
        return lbfgs(learning_rate)
    wanted = HYPER_OF.get(name, ())
    return make_optimizer(
        name, learning_rate=learning_rate, **{k: hyper[k] for k in wanted if k in hyper}
    )


# ------------------------------------------------------------------------------------------------
# One racer
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RacerRun:
    """One racer's run and what became of it.

    ``kind`` is "reached" (the target at step ``reached_at``), "diverged", "stationary" (stopped
    at a point that is not the minimum: ``outcome`` says which kind) or "budget" (still going).
    ``settings`` are the racer's own hyper-parameters as (symbol, value) pairs, e.g.
    ``(("β₁", "0.9"), ("β₂", "0.999"))``; ``tag`` names the racer with them. ``velocity`` and
    ``step_scale`` are the optimizer's momentum buffer and adaptive step along the run
    (:func:`~widgets.simulate.optimizer_internals`).
    """

    name: str
    label: str
    trajectory: Trajectory
    gap: np.ndarray  # (k+1,) what the loss panel plots
    velocity: np.ndarray | None
    step_scale: np.ndarray | None
    reached_at: int | None
    kind: str
    outcome: str
    settings: tuple[tuple[str, str], ...] = ()

    @property
    def stopped_at(self) -> int:
        return self.trajectory.stopped_at

    @property
    def tag(self) -> str:
        """The racer's name with its settings, e.g. "Adam (β₁ = 0.9, β₂ = 0.999)"."""
        if not self.settings:
            return self.label
        return f"{LABELS[self.name]} ({', '.join(f'{k} = {v}' for k, v in self.settings)})"


def _stationary_kind(objective: Objective, w: np.ndarray) -> str:
    eig = np.linalg.eigvalsh(objective.hessian(w))
    if np.all(eig > 0):
        return "a local minimum"
    if np.all(eig < 0):
        return "a local maximum"
    return "a saddle point"


def escaped_at(land: Landscape, params: np.ndarray, start) -> int | None:
    """The first step at which |w|∞ exceeds the escape radius (10× the plotted region), or None.

    A start outside the plot (set in code) widens the box to ten times the start's size.
    """
    radius = max(land.escape_radius, ESCAPE_FACTOR * float(np.max(np.abs(start))))
    k = int(first_escape(params, radius))
    return k if k >= 0 else None


def _settings(name: str, opt: Optimizer, batch_size, seed) -> tuple[tuple[str, str], ...]:
    if name == "sgd":
        return (("seed", str(seed)),)
    if name == "minibatch":
        return (("B", str(batch_size)), ("seed", str(seed)))
    hp = opt.hyperparams
    return tuple((sym, f"{float(hp[k]):.4g}") for k, sym in SETTING_SYMBOLS.items() if k in hp)


_LONGEST: OrderedDict = OrderedDict()


def _keep(key, traj: Trajectory, opt: Optimizer) -> tuple:
    kept = _LONGEST[key] = (traj, *optimizer_internals(opt, traj))
    _LONGEST.move_to_end(key)
    while len(_LONGEST) > _RUNS_KEPT:
        _LONGEST.popitem(last=False)
    return kept


def _key(land: Landscape, name: str, alpha: float, start: tuple, b, seed, hyper) -> tuple:
    return land.key, name, alpha, start, b, seed, hyper


def _run(land: Landscape, name: str, alpha: float, start: tuple, steps: int, b, seed, hyper):
    """The racer's run with this budget, and its internals: the longest run made so far for
    these settings, continued (``resume``) when the budget is longer, cut when shorter."""
    key = _key(land, name, alpha, start, b, seed, hyper)
    opt = race_optimizer(name, alpha, **dict(hyper))
    kept = _LONGEST.get(key)
    # L-BFGS's state (a memory that fills up) does not stack into arrays: its runs are not
    # recorded, so a longer budget runs it again from the start (a few ms in two dimensions)
    record = name != "lbfgs"
    if kept is None or (kept[0].status == "max_steps" and kept[0].stopped_at < steps):
        traj = simulate(
            land.objective,
            opt,
            start,
            steps,
            tol=GRAD_TOL,
            batch_size=b,
            seed=seed,
            record_state=record,
            resume=None if kept is None or not record else kept[0],
        )
        kept = _keep(key, traj, opt)
    else:
        _LONGEST.move_to_end(key)
    traj, velocity, scale = kept
    if traj.stopped_at > steps:
        traj = cut(traj, steps)
    n = traj.stopped_at + 1
    return (
        opt,
        traj,
        None if velocity is None else velocity[:n],
        None if scale is None else scale[:n],
    )


def run_racer(
    land: Landscape,
    name: str,
    learning_rate: float,
    start: Sequence[float],
    steps: int,
    tol: float,
    *,
    batch_size: int | None = None,
    seed: int = 0,
    **hyper: float,
) -> RacerRun:
    """Run one racer with :func:`simulate` and classify the outcome against the race target.

    ``name`` is an optimizer name, or a gradient-descent variant ("batch", "sgd" with one example
    per step, "minibatch" with ``batch_size``) on a data objective.

    The racer has *diverged* if :func:`simulate` says so before it reaches the target, or if its
    iterate leaves ten times the plotted region (:func:`escaped_at`) at or before the step where
    it reaches the target; the run is then cut at that step. (Escaping the saddle, the run's goal,
    may carry it that far *after* it reached f < −1: that is not divergence.)

    Example:
        >>> r = run_racer(landscape_for("quadratic"), "newton", 1.0, (-4.0, 3.0), 200, 1e-6)
        >>> r.kind, r.reached_at
        ('reached', 1)
    """
    b = {"batch": None, "sgd": 1, "minibatch": batch_size}.get(name)
    wanted = tuple(sorted((k, float(v)) for k, v in hyper.items() if k in HYPER_OF.get(name, ())))
    start = tuple(float(v) for v in np.asarray(start, dtype=float).reshape(-1))
    return _racer(land, name, float(learning_rate), start, int(steps), float(tol), b, seed, wanted)


@functools.lru_cache(maxsize=1024)
def _racer(land, name, alpha, start, steps, tol, b, seed, hyper) -> RacerRun:
    opt, traj, velocity, scale = _run(land, name, alpha, start, steps, b, seed, hyper)
    hit = land.hit(land.gap(traj.loss), tol)
    reached = int(np.argmax(hit)) if hit.any() else None
    out = escaped_at(land, traj.params, start)
    if out is not None and (reached is None or out <= reached):
        far = float(np.max(np.abs(traj.params[out])))
        why = f"w left {ESCAPE_FACTOR:g}× the plotted region, |w|∞ = {far:.2g}"
        message = f"diverged at step {out}: {why}"
        traj = cut(traj, out, status="diverged", message=message, diverged_at=out)
        velocity = None if velocity is None else velocity[: out + 1]
        scale = None if scale is None else scale[: out + 1]
        reached = None
    gap = land.gap(traj.loss)
    k = traj.stopped_at
    if reached is not None:
        kind, outcome = "reached", f"{reached} step{'s' if reached != 1 else ''}"
    elif traj.diverged:
        at, _, why = traj.message.partition(": ")
        kind, outcome = "diverged", f"{at} ({why})" if why else at
    elif traj.converged:
        where = _stationary_kind(land.objective, traj.final_params)
        unit = "step" if k == 1 else "steps"
        kind = "stationary"
        outcome = f"stuck at {where} (f = {traj.final_loss:.4g}) after {k} {unit}"
    else:
        shown = f"f − f* = {gap[-1]:.1e}" if land.f_star is not None else f"f = {gap[-1]:.3g}"
        kind, outcome = "budget", f"not within {k} steps ({shown})"
    label = f"{LABELS[name]} (B = {b})" if name == "minibatch" else LABELS[name]
    return RacerRun(
        name=name,
        label=label,
        trajectory=traj,
        gap=gap,
        velocity=velocity,
        step_scale=scale,
        reached_at=reached,
        kind=kind,
        outcome=outcome,
        settings=_settings(name, opt, b, seed),
    )


# ------------------------------------------------------------------------------------------------
# The race
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RaceState:
    """Everything the race explorer shows for one setting of its controls."""

    landscape: Landscape
    start: tuple[float, float]
    steps: int
    step: int  # the step shown, at most the longest shown run
    tol: float
    runs: tuple[RacerRun, ...]  # every racer of the explorer, in order
    shown: tuple[str, ...]  # names of the racers ticked

    def run(self, name: str) -> RacerRun:
        return next(r for r in self.runs if r.name == name)

    @property
    def last(self) -> int:
        """The end of the step scrubber: where the longest shown run stops (the budget if none)."""
        lengths = [self.run(n).stopped_at for n in self.shown]
        return max(lengths) if lengths else self.steps

    def at(self, name: str) -> int:
        """The point of racer ``name`` shown: the step t, or its last point if it stopped."""
        return min(self.step, self.run(name).stopped_at)

    def path(self, name: str) -> np.ndarray:
        """(t+1, 2): the racer's path up to the step shown."""
        return self.run(name).trajectory.params[: self.at(name) + 1]

    def curve(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The loss panel's curve up to the step shown (f − f* floored at 1.5 × GAP_FLOOR)."""
        k, gap = self.at(name), self.run(name).gap
        y = np.maximum(gap[: k + 1], 1.5 * GAP_FLOOR) if self.landscape.f_star is not None else gap
        return np.arange(k + 1), y[: k + 1]

    def arrow(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The momentum buffer −αv at the point shown, as an arrow (tail, head)."""
        k, P = self.at(name), self.run(name).trajectory.params
        return P[k], P[k] + self.run(name).velocity[k]

    def moves(self, name: str) -> bool:
        """Whether the momentum arrow is long enough to draw."""
        (x0, x1), (y0, y1) = self.landscape.bounds
        v = self.run(name).velocity[self.at(name)]
        return bool(np.hypot(*v) > 1e-9 * max(x1 - x0, y1 - y0))

    def ellipse(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The adaptive step α/(√v̂ + ε) at the point shown, as (centre, half-axes); capped at
        1000 plot widths (beyond the plot anyway), NaN before the first gradient."""
        (x0, x1), (y0, y1) = self.landscape.bounds
        k = self.at(name)
        h = np.minimum(self.run(name).step_scale[k], 1e3 * max(x1 - x0, y1 - y0))
        return self.run(name).trajectory.params[k], h

    def scoreboard(self) -> list[tuple[str, str, str, str, str]]:
        """(name, label, value at the step shown, final value, outcome) of each racer shown."""
        fmt = "{:.2e}" if self.landscape.f_star is not None else "{:.3g}"
        rows = []
        for name in self.shown:
            r = self.run(name)
            gone = r.kind == "diverged"
            now = (
                "diverged"
                if gone and self.step > r.stopped_at
                else fmt.format(r.gap[self.at(name)])
            )
            final = "diverged" if gone else fmt.format(r.gap[-1])
            rows.append((name, r.label, now, final, r.outcome))
        return rows

    @property
    def loss_limits(self) -> tuple[float, float]:
        """The loss panel's y range: from the floor to a decade above 30 × the start's gap."""
        land = self.landscape
        f0 = float(land.objective.value(self.start))
        if land.f_star is not None:
            return GAP_FLOOR, 10.0 ** math.ceil(math.log10(max(f0 - land.f_star, 1e-9) * 30.0))
        return -1e4, max(10.0, 10.0 ** math.ceil(math.log10(max(abs(f0), 1.0) * 3.0)))

    @property
    def target_level(self) -> float:
        return self.tol if self.landscape.f_star is not None else ESCAPE_LEVEL


def check_start(name: str, value) -> tuple[float, float]:
    """A start: two finite numbers, as a tuple."""
    arr = np.asarray(value, dtype=float).reshape(-1)
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be two finite numbers (w₁, w₂), got {value!r}")
    return float(arr[0]), float(arr[1])


def race_state(
    *,
    objective: str,
    steps: int,
    step: int,
    tol: float,
    start: Sequence[float],
    momentum: float = 0.9,
    b1: float = 0.9,
    b2: float = 0.999,
    decay: float = 0.99,
    damping: float = 0.0,
    batch_size: int = 32,
    seed: int = 0,
    optimizers: Sequence[str] | None = None,
    variants: Sequence[str] | None = None,
    **racer_controls,
) -> RaceState:
    """The race for these control values: each racer's ``alpha_<name>`` and ``show_<name>``, the
    shared settings, the step budget ``steps``, the step ``step`` shown and the target ``tol``."""
    racers = racer_names(optimizers, variants)
    keys = DATA_KEYS if variants is not None else LANDSCAPE_KEYS
    land = landscape_for(check_choice("objective", objective, keys))
    steps = check_int("steps", steps, low=STEPS_RANGE[0], high=STEPS_RANGE[1])
    step = check_int("step", step, low=0)
    tol = check_choice("tol", tol, TOL_CHOICES)
    start = check_start("start", start)
    hyper = dict(momentum=momentum, b1=b1, b2=b2, decay=decay, damping=damping)
    for k, (lo, hi) in HYPER_RANGES.items():
        hyper[k] = check_real(k, hyper[k], low=lo, high=hi)
    if variants is not None:
        batch_size = check_choice("batch_size", batch_size, BATCH_SIZES)
        seed = check_int("seed", seed, low=SEEDS[0], high=SEEDS[1])
    expected = {f"{p}_{n}" for n in racers for p in ("alpha", "show")}
    if set(racer_controls) != expected:
        raise TypeError(f"race_state needs {sorted(expected)}, got {sorted(racer_controls)}")
    runs = []
    for name in racers:
        lo, hi = alpha_range(name)
        alpha = check_real(f"alpha_{name}", racer_controls[f"alpha_{name}"], low=lo, high=hi)
        runs.append(
            run_racer(
                land, name, alpha, start, steps, tol, batch_size=batch_size, seed=seed, **hyper
            )
        )
    shown = tuple(n for n in racers if racer_controls[f"show_{n}"])
    st = RaceState(land, start, steps, 0, tol, tuple(runs), shown)
    return RaceState(land, start, steps, min(step, st.last), tol, tuple(runs), shown)


def race_ahead(control: str, positions: Sequence[float], **values) -> None:
    """Make the runs that the next ``positions`` of ``control`` need (the value just set first,
    then where the learner drags it), all in one lock-step run
    (:func:`~widgets.simulate.simulate_each`): the next moves then find their runs made.
    ``values`` are the race's control values and settings, as :func:`race_state` takes them.
    Only full-batch racers are run ahead, and only when the value set is not ready yet.
    """
    land = landscape_for(values["objective"])
    start, steps = check_start("start", values["start"]), int(values["steps"])
    seed = values.get("seed", 0)
    by_rate = control.startswith("alpha_")
    if by_rate:
        racers = [control.removeprefix("alpha_")]
    else:
        racers = racer_names(values.get("optimizers"), values.get("variants"))
        racers = [n for n in racers if control in HYPER_OF.get(n, ())]
    for name in racers:
        if name in ("sgd", "minibatch", "lbfgs"):  # seeded, or a state simulate_each cannot stack
            continue
        hyper = {k: float(values.get(k, HYPER_DEFAULTS[k])) for k in HYPER_OF.get(name, ())}
        alpha = float(values[f"alpha_{name}"])
        settings = [
            (float(v), tuple(sorted(hyper.items())))
            if by_rate
            else (alpha, tuple(sorted({**hyper, control: float(v)}.items())))
            for v in positions
        ]
        todo = [
            (a, h) for a, h in settings if _key(land, name, a, start, None, seed, h) not in _LONGEST
        ]
        if len(todo) < 2 or todo[0] != settings[0]:
            continue  # the value set is ready (run ahead before), or there is nothing to share
        opts = [race_optimizer(name, a, **dict(h)) for a, h in todo]
        runs = simulate_each(land.objective, opts, start, steps, tol=GRAD_TOL, record_state=True)
        for (a, h), opt, traj in zip(todo, opts, runs, strict=True):
            _keep(_key(land, name, a, start, None, seed, h), traj, opt)


def race_winners(runs: Sequence[RacerRun]) -> tuple[str, ...]:
    """Labels of the racers that reached the target in the fewest steps (ties share the win)."""
    reached = [r for r in runs if r.reached_at is not None]
    if not reached:
        return ()
    best = min(r.reached_at for r in reached)
    return tuple(r.label for r in reached if r.reached_at == best)


def describe_race(
    runs: Sequence[RacerRun],
    land: Landscape,
    tol: float,
    step: int | None = None,
    steps: int | None = None,
) -> Status:
    """The race in words: the winner, the rest in order, who diverged or stalled and where.

    Each racer is named with the settings it uses (μ, β₁ and β₂, δ, B and seed). With ``step``
    and ``steps`` (the step shown and the budget) the sentence starts with what the figure shows
    at that step: how many racers are below the target line there.
    """
    head = ""
    if step is not None:
        head = f"Step {step} of {steps}" if steps is not None else f"Step {step}"
        if len(runs) == 1:
            r = runs[0]
            now = bool(land.hit(r.gap[min(step, r.stopped_at)], tol))
            head += f", {'below' if now else 'above'} the target: "
        elif runs:
            now = sum(bool(land.hit(r.gap[min(step, r.stopped_at)], tol)) for r in runs)
            head += f", {now} of {len(runs)} below the target: "
        else:
            head += ": "
    if not runs:
        return Status(head + "no racer selected: tick at least one optimizer.", "info")
    target = land.target_text(tol)

    def seen(r: RacerRun, k: int) -> str:
        return f"{int(r.trajectory.examples_seen[k]):,} examples" if r.name in VARIANT_NAMES else ""

    reached = sorted((r for r in runs if r.reached_at is not None), key=lambda r: r.reached_at)
    parts = []
    if reached:
        first = reached[0]
        winners = [r for r in reached if r.reached_at == first.reached_at]
        who = " and ".join(r.tag for r in winners)
        how = ", ".join(filter(None, (first.outcome, seen(first, first.reached_at))))
        if len(runs) == 1:
            parts.append(f"{who} reached {target} in {how}")
        else:
            parts.append(f"{who} reached {target} first ({how})")
        rest = reached[len(winners) :]
        if rest:
            parts.append(
                "then "
                + ", ".join(
                    f"{r.tag} in {r.reached_at}"
                    + (f" ({e})" if (e := seen(r, r.reached_at)) else "")
                    for r in rest
                )
            )
    for r in runs:
        if r.reached_at is None:
            parts.append(f"{r.tag} {r.outcome}")
    if reached:
        kind = "converged"
    elif all(r.kind == "diverged" for r in runs):
        kind = "diverged"
    elif any(r.kind == "stationary" for r in runs):
        kind = "info"
    else:
        kind = "oscillating" if any(r.kind == "budget" for r in runs) else "diverged"
    if not reached:
        parts.insert(0, f"Nobody reached {target}")
    return Status(head + "; ".join(parts), kind)


def race_status(st: RaceState) -> Status:
    """The status line: the step shown, the budget, and the race among the racers shown."""
    return describe_race([st.run(n) for n in st.shown], st.landscape, st.tol, st.step, st.steps)


def winner_question(
    optimizers: Sequence[str] = OPTIMIZER_NAMES, variants: Sequence[str] | None = None
) -> Question:
    """Ask which optimizer reaches the target first; graded by the race the explorer shows.

    Pass the same ``optimizers`` (or ``variants``) as to the explorer. A tie counts every
    winner as right.

    Example:
        >>> q = winner_question(("gd", "newton"))
        >>> q.choices
        ('GD', 'Newton', 'none of them')
    """
    racers = tuple(variants) if variants is not None else tuple(optimizers)
    for n in racers:
        check_choice("racer", n, tuple(LABELS))
    choices = (*(LABELS[n] for n in racers), "none of them")

    def answer(st: RaceState) -> tuple[str, str]:
        runs = [st.run(n) for n in st.shown]
        winners = race_winners(runs)
        # grade against the choice names: a run's label may carry details such as "(B = 32)"
        names = [LABELS[r.name] for r in runs if r.label in winners]
        why = describe_race(runs, st.landscape, st.tol).text
        return (" or ".join(names) if names else "none of them"), why

    return TieQuestion(
        prompt="Which optimizer reaches the target first from this start, with these settings?",
        answer=answer,
        choices=choices,
    )
