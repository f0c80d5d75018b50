"""Optimizers racing across a 2-D landscape from the same start.

Model: :func:`landscape_for` (an objective with its start, plot bounds, minimum and tuned rates),
:func:`run_racer` (one optimizer's run via :func:`widgets.simulate.simulate`, with its internal
state replayed along the path by :func:`optimizer_internals`) and :func:`describe_race` (who
reached the target first, who diverged, who stalled). A racer *diverged* when :func:`simulate`
says so (loss or w beyond 1e12, or not finite), or when its iterate leaves ten times the plotted
region (``Landscape.escape_radius``) no later than it reaches the target: the logistic loss grows
only linearly and a sine regression's error is bounded, so neither ever overflows. View:
:class:`LandscapeView` draws the contours once per objective and moves the paths, the loss curves
and the optimizers' state over them. Panel: :class:`LandscapeRaceExplorer` owns the controls;
click on the contour plot to move the start.
"""

from __future__ import annotations

import html
import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import ipywidgets as ipw
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyArrowPatch

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
from ..optimizers import Optimizer, make_optimizer, newton
from ..simulate import Trajectory, simulate
from . import _controls as ctl
from ._escape import ESCAPE_FACTOR, escape_radius, first_escape
from ._figure import BlitManager, new_figure
from ._panel import Explorer, Question, Status
from ._plots import draw_contours, sparse_log_minor_ticks
from .style import color_for

__all__ = [
    "OPTIMIZER_NAMES",
    "VARIANT_NAMES",
    "Landscape",
    "LandscapeRaceExplorer",
    "LandscapeView",
    "RaceState",
    "RacerRun",
    "TieQuestion",
    "describe_race",
    "landscape_for",
    "optimizer_internals",
    "race_optimizer",
    "run_racer",
    "scoreboard_html",
    "winner_question",
]

OPTIMIZER_NAMES = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton")
VARIANT_NAMES = ("batch", "sgd", "minibatch")
LABELS = {
    "gd": "GD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "newton": "Newton",
    "batch": "Batch GD",
    "sgd": "SGD",
    "minibatch": "Mini-batch",
}
MOMENTUM_LIKE = ("momentum", "nesterov")
ADAPTIVE = ("adagrad", "rmsprop", "adam")

#: ‖∇f‖ below which a run stops: far below any race target, so runs stop once nothing moves.
GRAD_TOL = 1e-9
#: the y-axis floor of the f − f* panel; exact hits (Newton on a quadratic) are drawn on it
GAP_FLOOR = 1e-12
#: the saddle has no minimum: the race is to escape it, i.e. to reach f < ESCAPE_LEVEL
ESCAPE_LEVEL = -1.0
TOL_CHOICES = (1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10)
# The top of each α slider is genuinely huge: at α = 1000 every racer's first step leaves 10× the
# plotted region on every landscape (the adaptive methods move by about α per coordinate); Newton at
# α = 10^0.6 ≈ 4 multiplies the error on a quadratic by |1 − α| ≈ 3 per step. (The slider works
# in exponents with 20 steps per decade, so both ends and every preset rate lie on its grid.)
ALPHA_RANGE = (1e-4, 1e3)
NEWTON_ALPHA_RANGE = (1e-2, 10**0.6)
#: how the settings a racer uses are written in the status line
SETTING_SYMBOLS = {"momentum": "μ", "b1": "β₁", "b2": "β₂", "decay": "ρ", "damping": "λ"}


# ------------------------------------------------------------------------------------------------
# Model
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
    start: np.ndarray
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
    "batch": 0.5,
    "sgd": 0.5,
    "minibatch": 0.5,
}

# Learning rates per objective, read off a log grid of rates (μ = 0.9, β₁ = 0.9, β₂ = 0.999,
# ρ = 0.99, default start): safely inside each optimizer's working range rather than at the
# edge-of-stability value that happens to win, so every racer shows its typical behaviour.
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
DATA_KEYS = ("wdbc_logistic", "sine_regression")
_LANDSCAPES: dict[str, Landscape] = {}


def landscape_for(key: str) -> Landscape:
    """The race set-up for a registered landscape (built once, then shared; it is immutable).

    Example:
        >>> landscape_for("quadratic").f_star
        0.0
    """
    if key not in _PRESETS:
        raise ValueError(f"unknown objective {key!r}; valid values are: {', '.join(_PRESETS)}")
    if key not in _LANDSCAPES:
        p = _PRESETS[key]
        obj = p["build"]()
        start = np.array(p["start"], dtype=float)
        if obj.minimum is not None:
            f_star, mins = float(obj.minimum), np.asarray(obj.minimizers, dtype=float)
        elif isinstance(obj, Saddle):
            f_star, mins = None, np.asarray(obj.stationary_point, dtype=float).reshape(1, 2)
        else:  # data objectives: polish the minimiser near a known good point by Newton's method
            best = simulate(obj, newton(), p["guess"], steps=50, tol=1e-13)
            f_star, mins = best.final_loss, best.final_params.reshape(1, 2)
        _LANDSCAPES[key] = Landscape(
            key=key,
            label=p["label"],
            objective=obj,
            start=start,
            bounds=p["bounds"],
            f_star=f_star,
            minimizers=mins,
            alphas=dict(_DEFAULT_ALPHAS, **p["alphas"]),
            steps=int(p["steps"]),
        )
    return _LANDSCAPES[key]


def race_optimizer(name: str, learning_rate: float, **hyper: float) -> Optimizer:
    """The optimizer behind a racer; the gradient-descent variants all use plain GD.

    ``hyper`` may hold momentum, b1, b2, decay, damping: each optimizer takes the ones it has.
    """
    if name in VARIANT_NAMES:
        return make_optimizer("gd", learning_rate=learning_rate)
    wanted = {
        "momentum": ("momentum",),
        "nesterov": ("momentum",),
        "rmsprop": ("decay",),
        "adam": ("b1", "b2"),
        "newton": ("damping",),
    }.get(name, ())
    return make_optimizer(
        name, learning_rate=learning_rate, **{k: hyper[k] for k in wanted if k in hyper}
    )


def optimizer_internals(
    objective: Objective, optimizer: Optimizer, traj: Trajectory
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Replay the optimizer's pure ``init``/``update`` along a full-batch trajectory.

    Returns ``(velocity, step_scale)``, each of shape (k+1, 2) or ``None``:

    - ``velocity[s] = −α v_s``: the momentum buffer carried into point s, as a displacement
      (for heavy-ball momentum it is exactly the last step, params[s] − params[s−1]);
    - ``step_scale[s] = α / (√v̂_s + ε)`` per coordinate: the effective learning rate of AdaGrad,
      RMSProp or Adam for the next step, NaN at s = 0 (no gradient seen yet).
    """
    name = optimizer.name
    if name not in MOMENTUM_LIKE + ADAPTIVE:
        return None, None
    P = np.asarray(traj.params)
    k = len(P) - 1
    out = np.full((k + 1, 2), np.nan)
    G = objective.grad(P[:-1]) if k else np.empty((0, 2))
    hp = optimizer.hyperparams
    state = optimizer.init(P[0])
    if name in MOMENTUM_LIKE:
        out[0] = 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for t in range(k):
            _, state = optimizer.update(G[t], state, P[t])
            lr = float(np.asarray(optimizer.learning_rate(t)))
            if name in MOMENTUM_LIKE:
                out[t + 1] = -lr * state.trace
                continue
            rate = float(np.asarray(optimizer.learning_rate(t + 1)))
            if name == "adagrad":
                nu_hat = state.sum_of_squares
            elif name == "rmsprop":
                nu_hat = state.nu
                if hp["bias_correction"]:
                    nu_hat = nu_hat / (1.0 - hp["decay"] ** state.count)
            else:
                nu_hat = (
                    state.nu / (1.0 - hp["b2"] ** state.count)
                    if hp["bias_correction"]
                    else state.nu
                )
            out[t + 1] = rate / (np.sqrt(nu_hat) + hp["eps"])
    if name in MOMENTUM_LIKE:
        return out, None
    return None, out


@dataclass(frozen=True, eq=False)
class RacerRun:
    """One racer's run and what became of it.

    ``kind`` is "reached" (the target at step ``reached_at``), "diverged", "stationary" (stopped
    at a point that is not the minimum: ``outcome`` says which kind) or "budget" (still going).
    ``settings`` are the racer's own hyper-parameters as (symbol, value) pairs, e.g.
    ``(("β₁", "0.9"), ("β₂", "0.999"))``; ``tag`` names the racer with them.
    """

    name: str
    label: str
    color: str
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


def _truncated(traj: Trajectory, k: int, message: str) -> Trajectory:
    """The run up to step k, marked as diverged there (k is its last recorded point)."""
    return replace(
        traj,
        params=traj.params[: k + 1],
        loss=traj.loss[: k + 1],
        grad_norm=traj.grad_norm[: k + 1],
        step_length=traj.step_length[:k],
        learning_rate=traj.learning_rate[:k],
        epochs=traj.epochs[: k + 1],
        examples_seen=traj.examples_seen[: k + 1],
        status="diverged",
        stopped_at=k,
        diverged_at=k,
        message=message,
    )


def escaped_at(land: Landscape, params: np.ndarray, start: np.ndarray) -> int | None:
    """The first step at which |w|∞ exceeds the escape radius (10× the plotted region), or None.

    A start outside the plot (set in code) widens the box to ten times the start's size.
    """
    radius = max(land.escape_radius, ESCAPE_FACTOR * float(np.max(np.abs(start))))
    k = int(first_escape(params, radius))
    return k if k >= 0 else None


def _settings(
    name: str, opt: Optimizer, batch_size: int | None, seed: int
) -> tuple[tuple[str, str], ...]:
    if name == "sgd":
        return (("seed", str(seed)),)
    if name == "minibatch":
        return (("B", str(batch_size)), ("seed", str(seed)))
    hp = opt.hyperparams
    return tuple((sym, f"{float(hp[k]):.4g}") for k, sym in SETTING_SYMBOLS.items() if k in hp)


def run_racer(
    land: Landscape,
    name: str,
    learning_rate: float,
    start: np.ndarray,
    steps: int,
    tol: float,
    *,
    batch_size: int | None = None,
    seed: int = 0,
    label: str | None = None,
    **hyper: float,
) -> RacerRun:
    """Run one racer with :func:`simulate` and classify the outcome against the race target.

    ``name`` is an optimizer name, or a gradient-descent variant ("batch", "sgd" with one example
    per step, "minibatch" with ``batch_size``) on a data objective.

    The racer has *diverged* if :func:`simulate` says so before it reaches the target, or if its
    iterate leaves ten times the plotted region (:func:`escaped_at`) at or before the step where
    it reaches the target; the run is then cut at that step. (Escaping the saddle, the run's goal,
    may carry it that far *after* it reached f < −1: that is not divergence.)
    """
    opt = race_optimizer(name, learning_rate, **hyper)
    b = {"batch": None, "sgd": 1, "minibatch": batch_size}.get(name)
    traj = simulate(land.objective, opt, start, steps, tol=GRAD_TOL, batch_size=b, seed=seed)
    hit = land.hit(land.gap(traj.loss), tol)
    reached = int(np.argmax(hit)) if hit.any() else None
    out = escaped_at(land, traj.params, np.asarray(start, dtype=float))
    if out is not None and (reached is None or out <= reached):
        far = float(np.max(np.abs(traj.params[out])))
        why = f"w left {ESCAPE_FACTOR:g}× the plotted region, |w|∞ = {far:.2g}"
        traj = _truncated(traj, out, f"diverged at step {out}: {why}")
        reached = None
    velocity, scale = (
        (None, None) if name in VARIANT_NAMES else optimizer_internals(land.objective, opt, traj)
    )
    gap = land.gap(traj.loss)
    label = label or LABELS[name]
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
    color = color_for("gd" if name == "batch" else name)
    return RacerRun(
        name=name,
        label=label,
        color=color,
        trajectory=traj,
        gap=gap,
        velocity=velocity,
        step_scale=scale,
        reached_at=reached,
        kind=kind,
        outcome=outcome,
        settings=_settings(name, opt, b, seed),
    )


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

    Each racer is named with the settings it uses (μ, β₁ and β₂, ρ, λ, B and seed). With
    ``step`` and ``steps`` (the step shown and the budget) the sentence starts with what the
    figure shows at that step: how many racers are below the target line there.
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
    else:
        kind = (
            "info"
            if any(r.kind == "stationary" for r in runs)
            else "oscillating"
            if any(r.kind == "budget" for r in runs)
            else "diverged"
        )
    if not reached:
        parts.insert(0, f"Nobody reached {target}")
    text = "; ".join(parts)
    return Status(head + text, kind)


@dataclass(frozen=True, eq=False)
class RaceState:
    """Everything the race view draws."""

    landscape: Landscape
    start: np.ndarray
    steps: int
    step: int
    tol: float
    runs: tuple[RacerRun, ...]  # every racer of the explorer, in order
    shown: tuple[str, ...] = field(default=())  # names of the racers ticked

    def run(self, name: str) -> RacerRun:
        return next(r for r in self.runs if r.name == name)


def scoreboard_html(st: RaceState) -> str:
    """A table of the shown racers: value at the current step, final value, outcome."""
    land = st.landscape
    what = "f − f*" if land.f_star is not None else "f"

    def fmt(v: float) -> str:
        return f"{v:.2e}" if land.f_star is not None else f"{v:.3g}"

    rows = []
    for name in st.shown:
        r = st.run(name)
        k = min(st.step, r.stopped_at)
        now = "diverged" if r.kind == "diverged" and st.step > r.stopped_at else fmt(r.gap[k])
        final = "diverged" if r.kind == "diverged" else fmt(r.gap[-1])
        rows.append(
            f"<tr><td><span style='color:{r.color}'>■</span> {html.escape(r.label)}</td>"
            f"<td>{now}</td><td>{final}</td><td>{html.escape(r.outcome)}</td></tr>"
        )
    if not rows:
        return ""
    head = (
        f"<tr><th>racer</th><th>{what} at step {st.step}</th><th>final {what}</th>"
        f"<th>{html.escape(land.target_text(st.tol))}</th></tr>"
    )
    return (
        "<table class='descent-scoreboard' style='font-size:0.85em'>"
        + head
        + "".join(rows)
        + "</table>"
    )


# ------------------------------------------------------------------------------------------------
# View
# ------------------------------------------------------------------------------------------------
class LandscapeView:
    """Contours with the racers' paths and state on the left; f − f* against steps on the right.

    Contour backgrounds are drawn once per objective and kept (hidden when another objective is
    shown), so switching back is a redraw, not a recomputation.
    """

    def __init__(self, racers: Sequence[str], figsize: tuple[float, float] = (10.0, 4.3)) -> None:
        self.figure = fig = new_figure(figsize)
        self.ax_c, self.ax_l = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1.0]})
        fig.subplots_adjust(left=0.065, right=0.83, bottom=0.13, top=0.9, wspace=0.28)
        self.racers = tuple(racers)
        self._backgrounds: dict[str, list] = {}
        self._key: str | None = None
        self._limits: tuple | None = None
        self._shown: tuple[str, ...] | None = None
        self._revealed = True
        self._state: RaceState | None = None
        self.legend = None

        ax_c, ax_l = self.ax_c, self.ax_l
        self.paths, self.heads, self.curves, self.arrows, self.ellipses = {}, {}, {}, {}, {}
        for name in self.racers:
            c = color_for("gd" if name == "batch" else name)
            self.paths[name] = ax_c.plot([], [], color=c, lw=1.6, alpha=0.95)[0]
            self.heads[name] = ax_c.plot([], [], "o", color=c, ms=6.5, mec="white", mew=1.0)[0]
            self.curves[name] = ax_l.plot([], [], color=c, lw=1.6)[0]
            if name in MOMENTUM_LIKE:
                self.arrows[name] = FancyArrowPatch(
                    (0, 0), (0, 0), arrowstyle="-|>", mutation_scale=12, color=c, lw=1.8
                )
                ax_c.add_patch(self.arrows[name])
            if name in ADAPTIVE:
                self.ellipses[name] = Ellipse((0, 0), 0, 0, fill=False, ec=c, lw=1.3, ls="--")
                ax_c.add_patch(self.ellipses[name])
        self.start_marker = ax_c.plot([], [], "o", ms=8, mfc="white", mec="black", mew=1.5)[0]
        self.cursor = ax_l.axvline(0.0, color="#888888", lw=0.8)
        self.target = ax_l.axhline(1e-6, color="#555555", lw=0.9, ls=":")
        ax_l.set_xlabel("step")
        ax_l.grid(True, which="major", alpha=0.3)

        self.blit = BlitManager(fig)
        self.blit.add(
            *self.paths.values(),
            *self.curves.values(),
            *self.arrows.values(),
            *self.ellipses.values(),
            *self.heads.values(),
            self.start_marker,
            self.cursor,
            self.target,
        )

    # -- objective and axes: full redraws -----------------------------------------------------
    def _show_objective(self, land: Landscape) -> None:
        ax = self.ax_c
        for key, artists in self._backgrounds.items():
            for a in artists:
                a.set_visible(key == land.key)
        if land.key not in self._backgrounds:
            before = set(map(id, ax.get_children()))
            draw_contours(ax, land.objective, bounds=land.bounds, resolution=121)
            ax.plot(
                land.minimizers[:, 0],
                land.minimizers[:, 1],
                "*",
                ms=11,
                mfc="white",
                mec="black",
                mew=1.0,
                zorder=1.5,
            )
            self._backgrounds[land.key] = [a for a in ax.get_children() if id(a) not in before]
        (x0, x1), (y0, y1) = land.bounds
        names = land.objective.param_names or ("w₁", "w₂")
        ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel=names[0], ylabel=names[1])
        ax.set_title(f"{land.label}: click to set the start", fontsize=10)
        ax_l = self.ax_l
        if land.f_star is not None:
            ax_l.set_yscale("log")
            ax_l.set_ylabel("f − f*")
            ax_l.set_title("distance to the minimum", fontsize=10)
            sparse_log_minor_ticks(ax_l)
        else:
            ax_l.set_yscale("symlog", linthresh=1e-2)
            ax_l.set_ylabel("f")
            ax_l.set_title("loss (no minimum: escape it)", fontsize=10)
        self._key = land.key

    def _loss_limits(self, st: RaceState) -> tuple:
        land = st.landscape
        f0 = float(land.objective.value(st.start))
        if land.f_star is not None:
            gap0 = max(f0 - land.f_star, 1e-9)
            top = 10.0 ** math.ceil(math.log10(gap0 * 30.0))
            ylim = (GAP_FLOOR, top)
        else:
            ylim = (-1e4, max(10.0, 10.0 ** math.ceil(math.log10(max(abs(f0), 1.0) * 3.0))))
        return (0.0, float(max(st.steps, 1))), ylim

    def _build_legend(self, st: RaceState) -> None:
        # A static legend (names only): numbers that change every step are shown in the
        # explorer's scoreboard instead, since re-rendering text on every frame is slow.
        if self.legend is not None:
            self.legend.remove()
            self.legend = None
        shown = [st.run(n) for n in st.shown]
        if not shown:
            return
        handles = [Line2D([], [], color=r.color, lw=2) for r in shown]
        self.legend = self.ax_l.legend(
            handles,
            [r.label for r in shown],
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            borderaxespad=0.0,
            fontsize=8.5,
            frameon=False,
        )

    # -- per update ---------------------------------------------------------------------------
    def update(self, st: RaceState) -> None:
        self._state = st
        full = False
        land = st.landscape
        if land.key != self._key:
            self._show_objective(land)
            full = True
        limits = (land.key, *self._loss_limits(st))
        if limits != self._limits:
            self.ax_l.set_xlim(*limits[1])
            self.ax_l.set_ylim(*limits[2])
            self._limits = limits
            full = True
        if st.shown != self._shown:
            self._build_legend(st)
            self._shown = st.shown
            full = True
        self._place(st)
        if full:
            self.blit.full_redraw()
        else:
            self.blit.update()

    def _place(self, st: RaceState) -> None:
        land = st.landscape
        floor = 1.5 * GAP_FLOOR
        (x0, x1), (y0, y1) = land.bounds
        span = max(x1 - x0, y1 - y0)
        for name in self.racers:
            r = st.run(name)
            on = name in st.shown and self._revealed
            k = min(st.step, r.stopped_at)
            P = r.trajectory.params
            self.paths[name].set_data(P[: k + 1, 0], P[: k + 1, 1])
            self.heads[name].set_data(P[k : k + 1, 0], P[k : k + 1, 1])
            y = np.maximum(r.gap[: k + 1], floor) if land.f_star is not None else r.gap[: k + 1]
            self.curves[name].set_data(np.arange(k + 1), y)
            for artist in (self.paths[name], self.heads[name], self.curves[name]):
                artist.set_visible(on)
            if name in self.arrows:
                v = r.velocity[k]
                self.arrows[name].set_positions(tuple(P[k]), tuple(P[k] + v))
                self.arrows[name].set_visible(on and bool(np.hypot(*v) > 1e-9 * span))
            if name in self.ellipses:
                h = np.minimum(r.step_scale[k], 1e3 * span)  # beyond the plot anyway
                ok = bool(np.all(np.isfinite(h)))
                e = self.ellipses[name]
                e.set_center(tuple(P[k]))
                e.set_width(2.0 * h[0] if ok else 0.0)
                e.set_height(2.0 * h[1] if ok else 0.0)
                e.set_visible(on and ok)
        self.start_marker.set_data([st.start[0]], [st.start[1]])
        self.cursor.set_xdata([st.step, st.step])
        level = st.tol if land.f_star is not None else ESCAPE_LEVEL
        self.target.set_ydata([level, level])

    def set_revealed(self, revealed: bool) -> None:
        self._revealed = bool(revealed)
        if self._state is not None:
            self._place(self._state)
            self.blit.update()


# ------------------------------------------------------------------------------------------------
# Panel
# ------------------------------------------------------------------------------------------------
class TieQuestion(Question):
    """A multiple-choice question whose answer may be a tie ("Adam or Nesterov"): any counts."""

    def grade(self, guess, correct) -> bool:
        return str(guess) in str(correct).split(" or ")


def winner_question(
    optimizers: Sequence[str] = OPTIMIZER_NAMES, variants: Sequence[str] | None = None
) -> Question:
    """Ask which optimizer reaches the target first; graded by running the race.

    Pass the same ``optimizers`` (or ``variants``) as to the explorer. A tie counts every
    winner as right.

    Example:
        >>> ex = LandscapeRaceExplorer(optimizers=("gd", "newton"),
        ...                            question=winner_question(("gd", "newton")))
        >>> ex.predict("Newton")
        True
    """
    racers = tuple(variants) if variants is not None else tuple(optimizers)
    for n in racers:
        if n not in LABELS:
            raise ValueError(f"unknown racer {n!r}; valid values are: {', '.join(LABELS)}")
    choices = (*(LABELS[n] for n in racers), "none of them")

    def answer(ex: LandscapeRaceExplorer) -> tuple[str, str]:
        st = ex.state
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


_CACHE_SIZE = 96


class LandscapeRaceExplorer(Explorer):
    """Several optimizers race from the same start across a 2-D objective.

    Each racer has its own learning rate α and can be switched off; shared sliders set the
    momentum μ (momentum, Nesterov), β₁ and β₂ (Adam), ρ (RMSProp) and Newton's damping λ. The
    contour plot shows each path up to the current step with the optimizer's state there: the
    velocity −αv of momentum methods as an arrow, and the per-coordinate step α/(√v̂ + ε) of
    AdaGrad, RMSProp and Adam as a dashed ellipse. The right panel shows f − f* against steps.
    Click on the contour plot (or call :meth:`set_start`) to move the start. Choosing another
    objective resets the start, the learning rates and the step budget to ones that suit it. The
    step scrubber t ends where the longest shown run ends (runs stop once converged or diverged).
    The status line says the step shown and the budget, how many racers are below the target line
    at that step, and the race's outcome with each racer's own settings.

    With ``variants=("batch", "sgd", "minibatch")`` the racers are gradient descent with the full
    gradient, one example per step, and mini-batches of ``batch_size`` on a data objective.

    Example:
        >>> ex = LandscapeRaceExplorer(optimizers=("gd", "newton"))
        >>> ex.last_status.text.split(": ", 1)[1].split(";")[0]
        'Newton (λ = 0) reached f − f* < 1e-06 first (1 step)'
    """

    lessons = (
        "01_logistic_regression_mle",
        "03_gradient_descent_variants",
        "04_learning_rate_effects",
        "05_hessian_taylor_newton",
        "06_momentum_and_adaptive",
    )

    def __init__(
        self,
        *,
        objective: str | None = None,
        optimizers: Sequence[str] | None = None,
        variants: Sequence[str] | None = None,
        start: Sequence[float] | None = None,
        alphas: Mapping[str, float] | None = None,
        steps: int | None = None,
        momentum: float = 0.9,
        b1: float = 0.9,
        b2: float = 0.999,
        decay: float = 0.99,
        damping: float = 0.0,
        tol: float | None = None,
        batch_size: int = 32,
        seed: int = 0,
        question: Question | None = None,
    ) -> None:
        if variants is not None and optimizers is not None:
            raise ValueError("give optimizers= or variants=, not both")
        self.variants = variants is not None
        racers = tuple(variants) if self.variants else tuple(optimizers or OPTIMIZER_NAMES)
        valid = VARIANT_NAMES if self.variants else OPTIMIZER_NAMES
        if not racers or len(set(racers)) != len(racers) or not set(racers) <= set(valid):
            kind = "variants" if self.variants else "optimizers"
            raise ValueError(
                f"{kind} must be distinct names among {', '.join(valid)}; got {racers!r}"
            )
        self.racers = racers
        keys = DATA_KEYS if self.variants else LANDSCAPE_KEYS
        objective = objective or (keys[0] if self.variants else "quadratic")
        if objective not in keys:
            raise ValueError(
                f"unknown objective {objective!r}; valid values are: {', '.join(keys)}"
            )
        land = landscape_for(objective)
        self._start = land.start if start is None else _as_start(start)
        self._runs: OrderedDict = OrderedDict()
        preset = dict(land.alphas, **(alphas or {}))
        steps = land.steps if steps is None else int(steps)
        tol = tol if tol is not None else (1e-3 if self.variants else 1e-6)

        controls: dict[str, ipw.Widget] = {}
        for name in racers:
            lo, hi = NEWTON_ALPHA_RANGE if name == "newton" else ALPHA_RANGE
            controls[f"alpha_{name}"] = ctl.log_slider(
                f"α {LABELS[name]}",
                float(np.clip(preset[name], lo, hi)),
                lo,
                hi,
                steps_per_decade=20,
                fmt=".2g",
            )
            controls[f"show_{name}"] = ctl.toggle(f"show {LABELS[name]}", True)
        controls["objective"] = ctl.choice(
            "objective", [(landscape_for(k).label, k) for k in keys], objective
        )
        controls["steps"] = ctl.int_slider("step budget", steps, 10, 1000, 10)
        controls["step"] = ctl.int_slider("step t", steps, 0, steps)
        controls["tol"] = ctl.choice(
            "target f − f* <", [(f"{t:.0e}", t) for t in TOL_CHOICES], _nearest(tol)
        )
        if any(n in racers for n in MOMENTUM_LIKE):
            controls["momentum"] = ctl.float_slider("μ (momentum)", momentum, 0.0, 0.99, 0.01)
        if "adam" in racers:
            controls["b1"] = ctl.float_slider("β₁ (Adam)", b1, 0.0, 0.99, 0.01)
            controls["b2"] = ctl.float_slider("β₂ (Adam)", b2, 0.5, 0.9999, 0.0001, fmt=".4f")
        if "rmsprop" in racers:
            controls["decay"] = ctl.float_slider("ρ (RMSProp)", decay, 0.5, 0.999, 0.001, fmt=".3f")
        if "newton" in racers:
            controls["damping"] = ctl.float_slider("λ (Newton damping)", damping, 0.0, 10.0, 0.1)
        if self.variants:
            m = landscape_for(objective).objective.n_examples
            sizes = [b for b in (2, 4, 8, 16, 32, 64, 128, 256) if b < m]
            controls["batch_size"] = ipw.SelectionSlider(
                options=sizes,
                value=min(sizes, key=lambda b: abs(b - batch_size)),
                description="mini-batch size B",
                continuous_update=True,
                style={"description_width": "initial"},
                layout=ipw.Layout(width="98%"),
            )
            controls["seed"] = ctl.int_slider("shuffle seed", int(seed), 0, 9)

        self.play = ctl.play_for(controls["step"], interval_ms=60)
        self.scoreboard = ipw.HTML()
        # These run before the base class's observers, so the refresh they trigger sees
        # consistent settings: a new objective brings its own start, rates and budget.
        controls["objective"].observe(self._on_objective, names="value")
        self.view = self.make_view()
        super().__init__(
            controls,
            self.view.figure,
            question=question,
            extra=(ipw.HBox([self.play, ipw.Label("animate the race")]), self.scoreboard),
            control_columns=4,
            view_only=("step",),
        )
        self.figure.canvas.mpl_connect("button_press_event", self._on_click)

    # -- public ------------------------------------------------------------------------------
    def make_view(self) -> LandscapeView:
        return LandscapeView(self.racers)

    def set_revealed(self, revealed: bool) -> None:
        super().set_revealed(revealed)
        self.scoreboard.layout.display = None if revealed else "none"

    def set_start(self, w: Sequence[float]) -> None:
        """Move the common start to ``w`` (what a click on the contour plot does)."""
        self._start = _as_start(w)
        self._refresh({"start"})

    @property
    def start(self) -> np.ndarray:
        return self._start.copy()

    def hyperparams(self) -> dict[str, float]:
        """The shared settings (μ, β₁, β₂, ρ, λ) currently chosen."""
        return {
            k: float(self.value(k))
            for k in ("momentum", "b1", "b2", "decay", "damping")
            if k in self.controls
        }

    # -- events ------------------------------------------------------------------------------
    def _on_click(self, event) -> None:
        if event.inaxes is not self.view.ax_c or event.xdata is None or event.ydata is None:
            return
        if getattr(event, "button", 1) not in (1, None):
            return
        self.set_start((event.xdata, event.ydata))

    def _on_objective(self, change: dict) -> None:
        land = landscape_for(change["new"])
        self._start = land.start
        with self.hold():
            for name in self.racers:
                c = self.controls[f"alpha_{name}"]
                ctl.place(c, float(np.clip(land.alphas[name], 10**c.lowest, 10**c.max)))
            self.controls["steps"].value = land.steps
            self.controls["step"].value = self.controls["step"].max

    # -- model -------------------------------------------------------------------------------
    def _run(self, land: Landscape, name: str, steps: int, tol: float) -> RacerRun:
        alpha = float(self.value(f"alpha_{name}"))
        hyper = self.hyperparams()
        b = int(self.value("batch_size")) if self.variants else None
        seed = int(self.value("seed")) if self.variants else 0
        key = (
            land.key,
            name,
            alpha,
            tuple(sorted(hyper.items())),
            tuple(self._start),
            steps,
            tol,
            b,
            seed,
        )
        run = self._runs.get(key)
        if run is None:
            label = f"{LABELS[name]} (B = {b})" if name == "minibatch" else None
            run = run_racer(
                land,
                name,
                alpha,
                self._start,
                steps,
                tol,
                batch_size=b,
                seed=seed,
                label=label,
                **hyper,
            )
            self._runs[key] = run
            while len(self._runs) > _CACHE_SIZE:
                self._runs.popitem(last=False)
        else:
            self._runs.move_to_end(key)
        return run

    def render(self, changed: frozenset[str]) -> Status:
        land = landscape_for(self.value("objective"))
        steps, tol = int(self.value("steps")), float(self.value("tol"))
        runs = tuple(self._run(land, n, steps, tol) for n in self.racers)
        shown = tuple(n for n in self.racers if self.value(f"show_{n}"))
        # runs stop early (converged, diverged): the scrubber ends with the longest one shown
        lengths = [r.stopped_at for r in runs if r.name in shown]
        step = self.fit_scrubber("step", max(lengths) if lengths else steps)
        self.state = RaceState(
            landscape=land,
            start=self._start.copy(),
            steps=steps,
            step=step,
            tol=tol,
            runs=runs,
            shown=shown,
        )
        self.view.update(self.state)
        self.scoreboard.value = scoreboard_html(self.state)
        return describe_race([self.state.run(n) for n in shown], land, tol, step, steps)


def _as_start(w) -> np.ndarray:
    arr = np.asarray(w, dtype=float).reshape(-1)
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"start must be two finite numbers (w₁, w₂), got {w!r}")
    return arr


def _nearest(tol: float) -> float:
    return min(TOL_CHOICES, key=lambda t: abs(math.log10(t) - math.log10(tol)))
