"""The 1-D descent explorer's model (lessons 03-04): gradient descent on a curve, step by step.

Three functions: a quadratic (c/2)·w² whose behaviour the theory predicts exactly (each step
multiplies w by 1 − αc), a quartic with two minima (which one is reached depends on α and the
start), and log cosh (convex, but its gradient is bounded, so a large α bounces instead of blowing
up). The run depends on the function, α, c, w₀ and the budget, not on the step shown: it is cached
(:func:`descent1d_run`), so moving the scrubber costs a look-up.

Example:
    >>> st = descent1d_state(alpha=1.5)   # c = 1: 1 − αc = −0.5
    >>> st.regime, descent1d_status(st).kind
    ('oscillates and converges', 'oscillating')
"""

from __future__ import annotations

import functools
import math
import sys
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int, check_real
from ..objectives import LogCosh1D, Objective, Quadratic1D, Quartic1D
from ..optimizers import gd
from ..simulate import Trajectory, simulate
from ..theory import QuadraticTheory
from . import Question, Status

__all__ = [
    "ALPHA_RANGE",
    "CURVATURE_RANGE",
    "LOSS_FLOOR",
    "LOSS_YLIM",
    "MAX_STEPS",
    "MINIMA_CHOICES",
    "N_ARROWS",
    "OBJECTIVES_1D",
    "REGIMES",
    "START_RANGE",
    "Descent1DState",
    "descent1d_run",
    "descent1d_state",
    "descent1d_status",
    "make_objective_1d",
    "minimum_question",
    "regime_question",
]

#: dropdown label -> key of the functions this explorer offers
OBJECTIVES_1D = {
    "quadratic  (c/2)·w²": "quadratic",
    "two minima  w⁴ − 5w² + w + 4": "quartic",
    "log cosh  c·log cosh(w − 1)": "log_cosh",
}
REGIMES = ("converges monotonically", "oscillates and converges", "diverges")
MINIMA_CHOICES = ("the deeper (global) minimum", "the shallower (local) minimum", "neither")

ALPHA_RANGE = (1e-3, 3.0)
CURVATURE_RANGE = (0.25, 4.0)
START_RANGE = (-2.5, 2.5)
MAX_STEPS = 300
N_ARROWS = 30  # arrowheads on the first steps (the big moves); later steps are drawn as a line
TOL = 1e-6
LOSS_FLOOR = 1e-14  # below every gap a run stopped by ‖f′‖ < 1e-6 reaches; zero gaps sit here
LONG_RUN = 20_000  # steps of the simulation that grades "where does it end up?"
CURVE_POINTS = 401
#: One loss axis for every function and setting (log, from under the floor to three decades over
#: the largest starting gap, 13.2 for the quartic from w₀ = −2.5): runs at different rates,
#: curvatures and starts compare on one scale, and moving a slider never redraws the axis.
LOSS_YLIM = (LOSS_FLOOR / 3.0, 1e5)


def make_objective_1d(kind: str, curvature: float = 1.0) -> Objective:
    """The explorer's function ``kind`` ("quadratic", "quartic", "log_cosh").

    ``curvature`` is c in (c/2)·w² and the scale of log cosh (its f'' at the minimum); the quartic
    has no parameter.
    """
    kind = check_choice("objective", kind, tuple(OBJECTIVES_1D.values()))
    if kind == "quadratic":
        return Quadratic1D(curvature=curvature)
    if kind == "quartic":
        return Quartic1D()
    return LogCosh1D(scale=curvature)


@dataclass(frozen=True, eq=False)
class _Run:
    """What a run is, whatever step is shown (cached per function, α, c, w₀ and budget)."""

    kind: str
    objective: Objective
    alpha: float
    start: float
    steps: int
    trajectory: Trajectory
    w: np.ndarray  # (k+1,) path
    f: np.ndarray  # (k+1,) f(wₜ)
    slope: np.ndarray  # (k+1,) f'(wₜ)
    curve_w: np.ndarray
    curve_f: np.ndarray
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    gap: np.ndarray  # (k+1,) floored loss gap
    predicted: np.ndarray | None  # (≤ steps+1,) floored, or None
    target: float | None  # the minimiser the run ends nearest to (None: diverged)
    target_curvature: float  # f''(w*) where the run is judged (c for the quadratic)
    factor: float  # |1 − α f''(w*)|: the contraction per step near w*
    signed_factor: float  # 1 − α f''(w*)
    regime: str  # one of REGIMES
    oscillated: bool  # the path reversed direction
    judged: float  # the minimiser the local theory is taken at


@dataclass(frozen=True, eq=False)
class Descent1DState:
    """Everything the 1-D explorer shows: the run (its fields are read through) and the step.

    ``gap`` is f(wₜ) − f(w*) with w* the minimiser the run ends nearest to (the global minimum if
    it diverged), floored at :data:`LOSS_FLOOR` so a log axis can show it; ``predicted`` is the
    quadratic theory's f₀·|1 − αc|^{2t} for t = 0 … steps (``None`` for the other functions).
    """

    run: _Run
    step: int  # the point shown as "current", at most the run's length

    def __getattr__(self, name: str):
        if name == "run":  # not set yet (a copy being made)
            raise AttributeError(name)
        return getattr(self.run, name)

    @property
    def frame_key(self) -> tuple:
        """What the static parts of the figure depend on; a change needs a full redraw."""
        obj = self.run.objective
        param = getattr(obj, "curvature", getattr(obj, "scale", None))
        return (self.run.kind, param, self.run.steps)

    @property
    def minima(self) -> tuple[np.ndarray, np.ndarray]:
        mins = np.asarray(self.objective.minimizers)[:, 0]
        return mins, self.objective.value(mins[:, None])

    def arrows(self, revealed: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(offsets (N_ARROWS, 2), U, V masked past the first min(step, N_ARROWS) steps)."""
        n = min(self.step, N_ARROWS)
        off = np.zeros((N_ARROWS, 2))
        off[:n, 0], off[:n, 1] = self.w[:n], self.f[:n]
        u, v = np.ma.masked_all(N_ARROWS), np.ma.masked_all(N_ARROWS)
        u[:n], v[:n] = np.diff(self.w[: n + 1]), np.diff(self.f[: n + 1])
        return off, u, v

    @property
    def path(self) -> tuple[np.ndarray, np.ndarray]:
        return self.w[: self.step + 1], self.f[: self.step + 1]

    @property
    def current(self) -> tuple[list, list]:
        return [self.w[self.step]], [self.f[self.step]]

    @property
    def tangent(self) -> tuple[np.ndarray, np.ndarray]:
        w, f, s = self.w[self.step], self.f[self.step], self.slope[self.step]
        half = 0.12 * (self.xlim[1] - self.xlim[0])
        wt = np.array([w - half, w + half])
        return wt, f + s * (wt - w)

    @property
    def gap_line(self) -> tuple[np.ndarray, np.ndarray]:
        return np.arange(self.step + 1), self.gap[: self.step + 1]

    @property
    def predicted_line(self) -> tuple[np.ndarray, np.ndarray]:
        if self.predicted is None:
            return np.empty(0), np.empty(0)
        return np.arange(self.predicted.size), self.predicted

    @property
    def factor_text(self) -> str:
        c = "c" if self.predicted is not None else "f″(w*)"
        return f"|1 − α{c}| = {self.factor:.3g}"


def _plot_range(obj: Objective) -> tuple[float, float]:
    lo, hi = obj.bounds[0]
    return min(lo, START_RANGE[0] - 0.25), max(hi, START_RANGE[1] + 0.25)


def _direction_changes(w: np.ndarray) -> int:
    """How often the path reverses direction (steps smaller than 1e-12 ignored)."""
    d = np.diff(w)
    d = d[np.abs(d) > 1e-12]
    return int(np.count_nonzero(np.signbit(d[1:]) != np.signbit(d[:-1])))


def _nearest_minimizer(obj: Objective, w: float) -> float:
    mins = np.asarray(obj.minimizers)[:, 0]
    return float(mins[np.argmin(np.abs(mins - w))])


def _is_global(obj: Objective, w: float) -> bool:
    """True when the minimiser ``w`` is the deepest of the function's minima."""
    values = obj.value(np.asarray(obj.minimizers))
    return float(obj.value([w])) <= float(values.min()) + 1e-12


def _predicted_gap(gap0: float, factor: float, steps: int) -> np.ndarray:
    """f₀·factor^{2t} for t = 0 … steps, computed in log space so no power overflows.

    The curve stops one point after it falls below :data:`LOSS_FLOOR` (that point lies under the
    loss axis, so the line leaves through its bottom edge instead of running along the floor).
    """
    t = np.arange(steps + 1)
    if gap0 <= 0.0:
        return np.array([LOSS_FLOOR / 10.0])
    log_factor = math.log10(factor) if factor > 0.0 else -math.inf
    with np.errstate(invalid="ignore"):  # 0·(−inf) at t = 0 is the start itself
        exponent = np.where(t == 0, 0.0, 2.0 * t * log_factor) + math.log10(gap0)
    exponent = np.clip(exponent, math.log10(LOSS_FLOOR) - 1.0, 300.0)
    below = np.flatnonzero(exponent < math.log10(LOSS_FLOOR))
    if below.size:
        exponent = exponent[: below[0] + 1]
    return 10.0**exponent


def _heading(obj: Objective, w: float, slope: float) -> float:
    """The minimiser a small step from ``w`` moves towards: the nearest one downhill."""
    mins = np.asarray(obj.minimizers)[:, 0]
    downhill = mins[np.sign(mins - w) == -np.sign(slope)] if slope != 0.0 else mins
    pool = downhill if downhill.size else mins
    return float(pool[np.argmin(np.abs(pool - w))])


@functools.lru_cache(maxsize=128)
def descent1d_run(kind: str, alpha: float, curvature: float, start: float, steps: int) -> _Run:
    """Gradient descent with rate ``alpha`` from ``start`` on ``kind``, and the theory beside it
    (cached: the scrubber and Play move along one run)."""
    obj = make_objective_1d(kind, curvature)
    traj = simulate(obj, gd(alpha), [start], steps, tol=TOL)
    w, f = traj.params[:, 0], traj.loss
    slope = obj.grad(traj.params)[:, 0]
    lo, hi = _plot_range(obj)
    curve_w = np.linspace(lo, hi, CURVE_POINTS)
    curve_f = obj.value_grid(curve_w)
    pad = 0.08 * float(curve_f.max() - curve_f.min())

    oscillated = _direction_changes(w) > 0
    if traj.diverged:
        target = None
    elif traj.converged:
        target = _nearest_minimizer(obj, float(w[-1]))
    else:
        target = _heading(obj, float(w[-1]), float(slope[-1]))
    # Where the run is judged: the minimum it ends near, or (diverged) the one nearest the start.
    judged = target if target is not None else _nearest_minimizer(obj, start)
    c_star = float(obj.hessian([judged])[0, 0])
    signed = 1.0 - alpha * c_star
    factor = abs(signed)
    f_ref = float(obj.value([judged])) if target is not None else float(obj.minimum)

    predicted = None
    if kind == "quadratic":
        theory = QuadraticTheory.from_objective(obj)
        regime = dict(zip(("converges", "oscillates", "diverges"), REGIMES, strict=True))[
            theory.classify(alpha)
        ]
        factor = float(theory.factors(alpha)[0])
        predicted = _predicted_gap(float(f[0]), factor, steps)
    elif traj.diverged or (traj.status == "max_steps" and factor >= 1.0 and oscillated):
        regime = REGIMES[2]
    else:
        regime = REGIMES[1] if oscillated else REGIMES[0]

    return _Run(
        kind=kind,
        objective=obj,
        alpha=float(alpha),
        start=float(start),
        steps=int(steps),
        trajectory=traj,
        w=w,
        f=f,
        slope=slope,
        curve_w=curve_w,
        curve_f=curve_f,
        xlim=(lo, hi),
        ylim=(float(curve_f.min()) - pad, float(curve_f.max()) + pad),
        gap=np.maximum(f - f_ref, LOSS_FLOOR),
        predicted=predicted,
        target=target,
        target_curvature=c_star,
        factor=factor,
        signed_factor=signed,
        regime=regime,
        oscillated=oscillated,
        judged=judged,
    )


def descent1d_state(
    objective: str = "quadratic",
    alpha: float = 0.3,
    curvature: float = 1.0,
    start: float = 2.5,
    steps: int = 60,
    step: int = sys.maxsize,
) -> Descent1DState:
    """The explorer's state: the run for these settings and the step shown (past the end of the
    run: its end).

    Args:
        objective: "quadratic", "quartic" or "log_cosh".
        alpha: the learning rate, in ``ALPHA_RANGE``.
        curvature: c of the quadratic, the scale of log cosh, in ``CURVATURE_RANGE``.
        start: w₀, in ``START_RANGE``.
        steps: the budget, 1 … ``MAX_STEPS``.
        step: the step shown, ≥ 0.
    """
    objective = check_choice("objective", objective, tuple(OBJECTIVES_1D.values()))
    alpha = check_real("alpha", alpha, low=ALPHA_RANGE[0], high=ALPHA_RANGE[1])
    curvature = check_real("curvature", curvature, low=CURVATURE_RANGE[0], high=CURVATURE_RANGE[1])
    start = check_real("start", start, low=START_RANGE[0], high=START_RANGE[1])
    steps = check_int("steps", steps, low=1, high=MAX_STEPS)
    step = check_int("step", step, low=0)
    run = descent1d_run(objective, alpha, curvature, start, steps)
    return Descent1DState(run=run, step=min(step, run.trajectory.stopped_at))


def _message(st: Descent1DState) -> str:
    """What happened, with the theory's numbers."""
    traj, alpha, start, obj = st.trajectory, st.alpha, st.start, st.objective
    c, factor, signed = st.target_curvature, st.factor, st.signed_factor
    k, n = traj.stopped_at, st.steps  # where the run stopped, and the budget of steps
    budget = f"all {n} step" if n == 1 else f"all {n} steps"
    if traj.converged and k == 0:
        return (
            f"w₀ = {start:.3g} is already a stationary point (|f′(w₀)| < {TOL:.0e}): "
            f"gradient descent never moves (it stops at step 0 of {n})"
        )
    if st.kind == "quadratic":
        lim = 2.0 / c
        if traj.diverged:
            return (
                f"diverged at step {traj.diverged_at} of {n}: α = {alpha:.3g} > 2/c = {lim:.3g} "
                f"(|1 − αc| = {factor:.3g} > 1, so |w| grows every step)"
            )
        if st.regime == REGIMES[2]:
            if math.isclose(factor, 1.0, rel_tol=1e-9):
                return (
                    f"α = 2/c = {lim:.3g}: |1 − αc| = 1, w flips between ±{abs(start):.3g} "
                    f"for {budget} and never converges"
                )
            return (
                f"diverging: α = {alpha:.3g} > 2/c = {lim:.3g}, |1 − αc| = {factor:.3g} > 1, "
                f"so |w| grows ×{factor:.3g} per step (not yet past 1e12 after {budget})"
            )
        head = (
            f"oscillating: |1 − αc| = {factor:.3g} with 1 − αc = {signed:.3g} < 0, converges"
            if st.regime == REGIMES[1]
            else f"monotone: 1 − αc = {signed:.3g} is in [0, 1), converges"
        )
        if traj.converged:
            return f"{head}; converged in {k} of {n} steps"
        g0 = abs(float(st.slope[0]))
        needed = math.ceil(math.log(TOL / g0) / math.log(factor)) if g0 >= TOL else 0
        return f"{head}; still going after {budget} (the theory needs about {needed})"

    local = f"near w* = {st.judged:.3g}, |1 − αf″(w*)| = {factor:.3g}"
    if traj.diverged:
        near = _nearest_minimizer(obj, start)
        return (
            f"diverged at step {traj.diverged_at} of {n}: α = {alpha:.3g} overshoots; at the "
            f"minimum w* = {near:.3g} nearest the start f″(w*) = {c:.3g}, so α should stay "
            f"below 2/f″(w*) = {2.0 / c:.3g}"
        )
    which = ""
    if st.kind == "quartic" and st.target is not None:
        deeper = _is_global(obj, st.target)
        which = " (the deeper, global minimum)" if deeper else " (the shallower, local minimum)"
    if traj.converged:
        how = "oscillating" if st.oscillated else "monotonically"
        return f"converged in {k} of {n} steps, {how}, to w* = {st.target:.4g}{which}; {local}"
    if factor >= 1.0 and st.oscillated:
        tail = st.w[-2:]
        return (
            f"oscillating without settling in {budget}: bouncing between w ≈ {tail.min():.3g} and "
            f"{tail.max():.3g}; {local} ≥ 1 (α = {alpha:.3g} ≥ 2/f″(w*) = {2.0 / c:.3g})"
        )
    return (
        f"still going after {budget}: w = {st.w[-1]:.4g}, |f′(w)| = "
        f"{abs(float(st.slope[-1])):.2g}, heading for w* = {st.target:.4g}{which}; {local}"
    )


def _kind(st: Descent1DState) -> str:
    traj, regime, factor = st.trajectory, st.regime, st.factor
    if traj.diverged:
        return "diverged"
    if traj.converged:
        if traj.stopped_at == 0:
            return "converged"
        return "oscillating" if regime == REGIMES[1] or st.oscillated else "converged"
    if st.kind != "quadratic":  # bouncing in a bounded cycle, or still on its way
        return "oscillating" if st.oscillated else "info"
    if regime == REGIMES[2]:
        return "oscillating" if math.isclose(factor, 1.0, rel_tol=1e-9) else "diverged"
    return "oscillating" if regime == REGIMES[1] else "info"


def descent1d_status(st: Descent1DState) -> Status:
    """The run in words, from the theory, and the step shown."""
    t = st.step
    here = (
        f" · at t = {t} of {st.trajectory.stopped_at}: w = {st.w[t]:.4g}, "
        f"f′(w) = {st.slope[t]:.3g}, next step −αf′(w) = {-st.alpha * st.slope[t]:.3g}"
    )
    return Status(_message(st) + here, _kind(st))


# -- questions ------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=32)
def _long_run(kind: str, alpha: float, curvature: float, start: float) -> Trajectory:
    return simulate(make_objective_1d(kind, curvature), gd(alpha), [start], LONG_RUN, tol=TOL)


def _long(st: Descent1DState) -> Trajectory:
    obj = st.objective
    c = getattr(obj, "curvature", getattr(obj, "scale", 1.0))
    return _long_run(st.kind, st.alpha, float(c), st.start)


def _regime_answer(st: Descent1DState) -> tuple[str, str]:
    if st.kind == "quadratic":
        c = float(st.objective.curvature)
        s = 1.0 - st.alpha * c
        why = f"each step multiplies w by 1 − αc = 1 − {st.alpha:.3g}·{c:.3g} = {s:.3g}; " + (
            "a factor in [0, 1) shrinks w without changing its sign"
            if st.regime == REGIMES[0]
            else "a negative factor of size below 1 flips the sign each step while shrinking"
            if st.regime == REGIMES[1]
            else f"|1 − αc| ≥ 1 (α ≥ 2/c = {2.0 / c:.3g}), so w never shrinks"
        )
        return st.regime, why
    run = _long(st)
    w = run.params[:, 0]
    if run.converged:
        osc = _direction_changes(w) > 0
        answer = REGIMES[1] if osc else REGIMES[0]
        return answer, (
            f"simulated: it converges in {run.stopped_at} steps to w* = {w[-1]:.3g}"
            + (", reversing direction on the way" if osc else ", always moving the same way")
        )
    return REGIMES[2], f"simulated for {LONG_RUN} steps: {run.message}; it never settles"


def _minimum_answer(st: Descent1DState) -> tuple[str, str]:
    run = _long(st)
    if not run.converged:
        return MINIMA_CHOICES[2], f"simulated for up to {LONG_RUN} steps: {run.message}"
    target = _nearest_minimizer(st.objective, float(run.params[-1, 0]))
    answer = MINIMA_CHOICES[0] if _is_global(st.objective, target) else MINIMA_CHOICES[1]
    f_target = float(st.objective.value([target]))
    return answer, (
        f"simulated: from w₀ = {st.start:.3g} with α = {st.alpha:.3g} it converges in "
        f"{run.stopped_at} steps to w* = {target:.4g}, where f(w*) = {f_target:.3g}"
    )


def minimum_question() -> Question:
    """ "Which minimum will it reach?" — graded by simulating the explorer's settings to the end."""
    return Question(
        "From this start and with this α, which minimum will gradient descent reach?",
        _minimum_answer,
        choices=MINIMA_CHOICES,
    )


def regime_question(objective: str = "quadratic") -> Question:
    """A predict-then-run question for the 1-D explorer.

    For the quadratic: "converge monotonically, oscillate and converge, or diverge?", graded from
    the theory (the sign and size of 1 − αc); if the learner switches to another function the
    answer comes from simulating it. For ``objective="quartic"`` or ``"log_cosh"``: "which
    minimum will it reach?" (:func:`minimum_question`), graded by simulation.
    """
    if objective == "quadratic":
        return Question(
            "With this learning rate α, will gradient descent converge monotonically, "
            "oscillate and converge, or diverge?",
            _regime_answer,
            choices=REGIMES,
        )
    make_objective_1d(objective)  # validates the name
    return minimum_question()
