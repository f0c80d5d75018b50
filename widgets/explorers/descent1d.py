"""Gradient descent in one dimension: the path on the curve, the tangent, and the loss per step.

Three functions: a quadratic (c/2)·w² whose behaviour the theory predicts exactly (each step
multiplies w by 1 − αc), a quartic with two minima (which one is reached depends on α and the
start), and log cosh (convex, but its gradient is bounded, so a large α bounces instead of blowing
up). A Play control walks the current point along the path.

Model: :func:`descent1d_state` (pure; calls ``simulate`` and the quadratic theory). View:
:class:`Descent1DView` owns the figure. Panel: :class:`Descent1DExplorer` owns the controls.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ..objectives import LogCosh1D, Objective, Quadratic1D, Quartic1D
from ..optimizers import gd
from ..simulate import Trajectory, simulate
from ..theory import QuadraticTheory
from . import _controls as ctl
from ._figure import BlitManager, new_figure
from ._panel import Explorer, Question, Status
from ._plots import sparse_log_minor_ticks
from .style import OKABE_ITO, ROLE_COLORS, color_for

__all__ = [
    "OBJECTIVES_1D",
    "REGIMES",
    "Descent1DExplorer",
    "Descent1DState",
    "Descent1DView",
    "descent1d_state",
    "make_objective_1d",
    "minimum_question",
    "regime_question",
]

#: dropdown label -> key of the functions this explorer offers
OBJECTIVES_1D = (
    ("quadratic  (c/2)·w²", "quadratic"),
    ("two minima  w⁴ − 5w² + w + 4", "quartic"),
    ("log cosh  c·log cosh(w − 1)", "log_cosh"),
)
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

_CURVE_POINTS = 401
# under the factor text, in the corner a descending loss curve leaves empty
_LEGEND = dict(loc="upper right", bbox_to_anchor=(1.0, 0.9), fontsize=8, framealpha=0.9)


def make_objective_1d(kind: str, curvature: float = 1.0) -> Objective:
    """The explorer's function ``kind`` ("quadratic", "quartic", "log_cosh").

    ``curvature`` is c in (c/2)·w² and the scale of log cosh (its f'' at the minimum); the quartic
    has no parameter.
    """
    if kind == "quadratic":
        return Quadratic1D(curvature=curvature)
    if kind == "quartic":
        return Quartic1D()
    if kind == "log_cosh":
        return LogCosh1D(scale=curvature)
    valid = ", ".join(repr(k) for _, k in OBJECTIVES_1D)
    raise ValueError(f"objective must be one of {valid}, got {kind!r}")


@dataclass(frozen=True, eq=False)
class Descent1DState:
    """Everything the 1-D view draws, computed from the controls.

    ``gap`` is f(wₜ) − f(w*) with w* the minimiser the run ends nearest to (the global minimum if
    it diverged), floored at :data:`LOSS_FLOOR` so a log axis can show it; ``predicted`` is the
    quadratic theory's f₀·|1 − αc|^{2t} for t = 0 … steps (``None`` for the other functions).
    """

    kind: str
    objective: Objective
    alpha: float
    start: float
    steps: int
    step: int  # the point shown as "current", clamped to the run's length
    trajectory: Trajectory
    w: np.ndarray  # (k+1,) path
    f: np.ndarray  # (k+1,) f(wₜ)
    slope: np.ndarray  # (k+1,) f'(wₜ)
    curve_w: np.ndarray
    curve_f: np.ndarray
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    gap: np.ndarray  # (k+1,) floored loss gap
    predicted: np.ndarray | None  # (steps+1,) floored, or None
    loss_ylim: tuple[float, float]  # of the log loss axis; the same for every α
    target: float | None  # the minimiser the run ends nearest to (None: diverged)
    target_curvature: float | None  # f''(w*) there (c for the quadratic)
    factor: float | None  # |1 − α f''(w*)|: the contraction per step near w*
    signed_factor: float | None  # 1 − α f''(w*)
    regime: str  # one of REGIMES
    oscillated: bool  # the path crossed the minimum / reversed direction
    judged: float  # the minimiser the local theory is taken at
    message: str  # the status line
    status_kind: str  # "converged", "oscillating", "diverged" or "info"

    @property
    def frame_key(self) -> tuple:
        """What the static parts of the figure depend on; a change needs a full redraw."""
        # the curve depends on the function and its parameter (c, or the scale of log cosh)
        param = getattr(self.objective, "curvature", getattr(self.objective, "scale", None))
        return (self.kind, param, self.steps, self.loss_ylim)


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


def descent1d_state(
    kind: str = "quadratic",
    alpha: float = 0.3,
    curvature: float = 1.0,
    start: float = 2.5,
    steps: int = 60,
    step: int | None = None,
) -> Descent1DState:
    """Run gradient descent with rate ``alpha`` from ``start`` and collect what the view draws."""
    obj = make_objective_1d(kind, curvature)
    traj = simulate(obj, gd(alpha), [start], steps, tol=TOL)
    w = traj.params[:, 0]
    f = traj.loss
    slope = obj.grad(traj.params)[:, 0]
    k = traj.stopped_at
    shown = k if step is None else min(max(int(step), 0), k)

    lo, hi = _plot_range(obj)
    curve_w = np.linspace(lo, hi, _CURVE_POINTS)
    curve_f = obj.value_grid(curve_w)
    pad = 0.08 * float(curve_f.max() - curve_f.min())
    ylim = (float(curve_f.min()) - pad, float(curve_f.max()) + pad)

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
    gap = np.maximum(f - f_ref, LOSS_FLOOR)
    gap0_global = max(float(f[0]) - float(obj.minimum), 0.0)

    predicted = None
    if kind == "quadratic":
        theory = QuadraticTheory.from_objective(obj)
        regime = {"converges": REGIMES[0], "oscillates": REGIMES[1], "diverges": REGIMES[2]}[
            theory.classify(alpha)
        ]
        factor = float(theory.factors(alpha)[0])
        predicted = _predicted_gap(float(f[0]), factor, steps)
    elif traj.diverged or (traj.status == "max_steps" and factor >= 1.0 and oscillated):
        regime = REGIMES[2]
    else:
        regime = REGIMES[1] if oscillated else REGIMES[0]

    # One loss axis for every α (log, from under the floor to three decades over the starting
    # gap): runs at different rates compare on the same scale, and moving α is a blit, not a
    # redraw of the figure (about 60 ms). A run that stays flat is a flat line on it.
    top = 10.0 ** (math.ceil(math.log10(max(gap0_global, 1e-6))) + 3)
    loss_ylim = (LOSS_FLOOR / 3.0, top)

    state_args = dict(
        kind=kind,
        objective=obj,
        alpha=float(alpha),
        start=float(start),
        steps=int(steps),
        step=shown,
        trajectory=traj,
        w=w,
        f=f,
        slope=slope,
        curve_w=curve_w,
        curve_f=curve_f,
        xlim=(lo, hi),
        ylim=ylim,
        gap=gap,
        predicted=predicted,
        loss_ylim=loss_ylim,
        target=target,
        target_curvature=c_star,
        factor=factor,
        signed_factor=signed,
        regime=regime,
        oscillated=oscillated,
        judged=judged,
    )
    return Descent1DState(
        **state_args,
        message=_message(obj, kind, traj, alpha, start, state_args),
        status_kind=_status_kind(traj, regime, oscillated, factor, kind == "quadratic"),
    )


def _status_kind(
    traj: Trajectory, regime: str, oscillated: bool, factor: float, quadratic: bool
) -> str:
    if traj.diverged:
        return "diverged"
    if traj.converged:
        if traj.stopped_at == 0:
            return "converged"
        return "oscillating" if regime == REGIMES[1] or oscillated else "converged"
    if not quadratic:  # bouncing in a bounded cycle, or still on its way
        return "oscillating" if oscillated else "info"
    if regime == REGIMES[2]:
        return "oscillating" if math.isclose(factor, 1.0, rel_tol=1e-9) else "diverged"
    return "oscillating" if regime == REGIMES[1] else "info"


def _message(obj, kind, traj: Trajectory, alpha: float, start: float, s: dict) -> str:
    """The status line: what happened, with the theory's numbers."""
    c, factor, signed = s["target_curvature"], s["factor"], s["signed_factor"]
    k, n = traj.stopped_at, s["steps"]  # where the run stopped, and the budget of steps
    budget = f"all {n} step" if n == 1 else f"all {n} steps"
    if traj.converged and k == 0:
        return (
            f"w₀ = {start:.3g} is already a stationary point (|f′(w₀)| < {TOL:.0e}): "
            f"gradient descent never moves (it stops at step 0 of {n})"
        )
    if kind == "quadratic":
        lim = 2.0 / c
        if traj.diverged:
            return (
                f"diverged at step {traj.diverged_at} of {n}: α = {alpha:.3g} > 2/c = {lim:.3g} "
                f"(|1 − αc| = {factor:.3g} > 1, so |w| grows every step)"
            )
        if s["regime"] == REGIMES[2]:
            if factor == 1.0 or math.isclose(factor, 1.0, rel_tol=1e-9):
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
            if s["regime"] == REGIMES[1]
            else f"monotone: 1 − αc = {signed:.3g} is in [0, 1), converges"
        )
        if traj.converged:
            return f"{head}; converged in {k} of {n} steps"
        g0 = abs(float(s["slope"][0]))
        needed = math.ceil(math.log(TOL / g0) / math.log(factor)) if g0 >= TOL else 0
        return f"{head}; still going after {budget} (the theory needs about {needed})"

    local = f"near w* = {s['judged']:.3g}, |1 − αf″(w*)| = {factor:.3g}"
    if traj.diverged:
        near = _nearest_minimizer(obj, start)
        return (
            f"diverged at step {traj.diverged_at} of {n}: α = {alpha:.3g} overshoots; at the "
            f"minimum w* = {near:.3g} nearest the start f″(w*) = {c:.3g}, so α should stay "
            f"below 2/f″(w*) = {2.0 / c:.3g}"
        )
    which = ""
    if kind == "quartic" and s["target"] is not None:
        deeper = _is_global(obj, s["target"])
        which = " (the deeper, global minimum)" if deeper else " (the shallower, local minimum)"
    if traj.converged:
        how = "oscillating" if s["oscillated"] else "monotonically"
        return f"converged in {k} of {n} steps, {how}, to w* = {s['target']:.4g}{which}; {local}"
    if factor >= 1.0 and s["oscillated"]:
        tail = s["w"][-2:]
        return (
            f"oscillating without settling in {budget}: bouncing between w ≈ {tail.min():.3g} and "
            f"{tail.max():.3g}; {local} ≥ 1 (α = {alpha:.3g} ≥ 2/f″(w*) = {2.0 / c:.3g})"
        )
    return (
        f"still going after {budget}: w = {s['w'][-1]:.4g}, |f′(w)| = "
        f"{abs(float(s['slope'][-1])):.2g}, heading for w* = {s['target']:.4g}{which}; {local}"
    )


# -------------------------------------------------------------------------------------------------
# View
# -------------------------------------------------------------------------------------------------
class Descent1DView:
    """Two panels: the curve with the path (arrows), the tangent at the current point; the loss
    gap per step with the theory's prediction beside it."""

    def __init__(self, figsize: tuple[float, float] = (10.0, 3.9)) -> None:
        self.figure = fig = new_figure(figsize)
        gs = fig.add_gridspec(1, 2, width_ratios=(1.2, 1.0))
        ax_f = fig.add_subplot(gs[0])
        ax_l = fig.add_subplot(gs[1])
        fig.subplots_adjust(left=0.06, right=0.985, bottom=0.14, top=0.9, wspace=0.22)
        self.axes = (ax_f, ax_l)
        blue = color_for("gd")

        # static (changes only with the function): the curve and its minima
        self.curve = ax_f.plot([], [], color=ROLE_COLORS["curve"], lw=2, zorder=1)[0]
        self.minima = ax_f.plot([], [], "|", color=ROLE_COLORS["best"], ms=14, mew=2.5, zorder=1)[0]
        ax_f.set_xlabel("w")
        ax_f.set_ylabel("f(w)")

        # moving
        n = N_ARROWS
        self._offsets = np.zeros((n, 2))
        self.arrows = ax_f.quiver(
            np.zeros(n),
            np.zeros(n),
            np.ma.masked_all(n),
            np.ma.masked_all(n),
            angles="xy",
            scale_units="xy",
            scale=1.0,
            width=0.0035,
            headwidth=4.5,
            headlength=5.0,
            headaxislength=4.5,
            color=blue,
            zorder=3,
        )
        self.points = ax_f.plot([], [], "-o", color=blue, lw=1.0, ms=3.5, zorder=4)[0]
        self.start_point = ax_f.plot(
            [], [], "s", color=ROLE_COLORS["curve"], ms=7, mfc="white", mew=1.5, zorder=5
        )[0]
        self.tangent = ax_f.plot([], [], color=ROLE_COLORS["tangent"], lw=1.6, ls="--", zorder=4)[0]
        self.current = ax_f.plot(
            [], [], "o", color=OKABE_ITO["vermillion"], ms=8, mec="white", mew=1.2, zorder=6
        )[0]
        ax_l.set_xlabel("step t")
        ax_l.set_ylabel("f(wₜ) − f(w*)")
        ax_l.set_title("Loss gap per step", fontsize=10)
        self.predicted = ax_l.plot(
            [],
            [],
            color=ROLE_COLORS["theory"],
            lw=3.0,
            ls=(0, (2, 2)),
            alpha=0.55,
            label="theory f₀·|1 − αc|²ᵗ",
            zorder=2,
        )[0]
        self.loss = ax_l.plot([], [], "-o", color=blue, lw=1.4, ms=2.5, label="measured", zorder=3)[
            0
        ]
        self.loss_now = ax_l.plot(
            [], [], "o", color=OKABE_ITO["vermillion"], ms=7, mec="white", mew=1.0, zorder=4
        )[0]
        self.factor_text = ax_l.text(
            0.98,
            0.97,
            "",
            transform=ax_l.transAxes,
            va="top",
            ha="right",
            fontsize=9,
            bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="none", alpha=0.85),
        )
        self.legend = ax_l.legend(handles=[self.loss, self.predicted], **_LEGEND)

        self._run_artists = (
            self.arrows,
            self.points,
            self.current,
            self.loss,
            self.loss_now,
            self.factor_text,
        )
        self.blit = BlitManager(fig)
        self.blit.add(
            self.arrows,
            self.points,
            self.start_point,
            self.tangent,
            self.current,
            self.predicted,
            self.loss,
            self.loss_now,
            self.factor_text,
        )
        self._frame_key: tuple | None = None
        self._state: Descent1DState | None = None
        self._revealed = True

    # -- frame: what changes only with the function, the budget or the loss axis ---------------
    def _draw_frame(self, st: Descent1DState) -> None:
        ax_f, ax_l = self.axes
        self.curve.set_data(st.curve_w, st.curve_f)
        mins = np.asarray(st.objective.minimizers)[:, 0]
        self.minima.set_data(mins, st.objective.value(mins[:, None]))
        ax_f.set_xlim(*st.xlim)
        ax_f.set_ylim(*st.ylim)
        ax_f.set_title(st.objective.label, fontsize=10)
        ax_l.set_yscale("log")
        sparse_log_minor_ticks(ax_l)
        ax_l.set_xlim(0, max(st.steps, 1))
        ax_l.set_ylim(*st.loss_ylim)
        quad = st.kind == "quadratic"
        self.predicted.set_label("theory f₀·|1 − αc|²ᵗ" if quad else "theory (quadratics only)")
        self.legend.remove()
        handles = [self.loss, self.predicted] if quad else [self.loss]
        self.legend = ax_l.legend(handles=handles, **_LEGEND)
        self._frame_key = st.frame_key

    # -- moving artists --------------------------------------------------------------------------
    def update(self, st: Descent1DState) -> None:
        self._state = st
        new_frame = st.frame_key != self._frame_key
        if new_frame:
            self._draw_frame(st)
        shown = st.step if self._revealed else 0
        t = np.arange(st.w.size)

        # arrows from (wₛ, f(wₛ)) to (wₛ₊₁, f(wₛ₊₁)) for the first steps; the rest masked
        n = min(shown, N_ARROWS)
        off = self._offsets
        off[:] = 0.0
        off[:n, 0], off[:n, 1] = st.w[:n], st.f[:n]
        u = np.ma.masked_all(N_ARROWS)
        v = np.ma.masked_all(N_ARROWS)
        u[:n], v[:n] = np.diff(st.w[: n + 1]), np.diff(st.f[: n + 1])
        self.arrows.set_offsets(off)
        self.arrows.set_UVC(u, v)
        self.points.set_data(st.w[: shown + 1], st.f[: shown + 1])
        self.start_point.set_data([st.w[0]], [st.f[0]])

        w, f, s = st.w[shown], st.f[shown], st.slope[shown]
        half = 0.12 * (st.xlim[1] - st.xlim[0])
        wt = np.array([w - half, w + half])
        self.tangent.set_data(wt, f + s * (wt - w))
        self.current.set_data([w], [f])

        self.loss.set_data(t[: shown + 1], st.gap[: shown + 1])
        self.loss_now.set_data([shown], [st.gap[shown]])
        if st.predicted is not None:
            self.predicted.set_data(np.arange(st.predicted.size), st.predicted)
            self.factor_text.set_text(f"|1 − αc| = {st.factor:.3g}")
        else:
            self.predicted.set_data([], [])
            self.factor_text.set_text(f"|1 − αf″(w*)| = {st.factor:.3g}")
        self._apply_visibility()
        if new_frame:
            self.blit.full_redraw()
        else:
            self.blit.update()

    def _apply_visibility(self) -> None:
        for artist in (*self._run_artists, self.predicted):
            artist.set_visible(self._revealed)

    def set_revealed(self, revealed: bool) -> None:
        """Hide the run (path, loss, prediction) until the learner has committed a prediction."""
        self._revealed = bool(revealed)
        if self._state is not None:
            self.update(self._state)


# -------------------------------------------------------------------------------------------------
# Questions
# -------------------------------------------------------------------------------------------------
def _long_run(ex: Descent1DExplorer) -> Trajectory:
    st: Descent1DState = ex.state
    return simulate(st.objective, gd(st.alpha), [st.start], LONG_RUN, tol=TOL)


def _regime_answer(ex: Descent1DExplorer) -> tuple[str, str]:
    st: Descent1DState = ex.state
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
    run = _long_run(ex)
    w = run.params[:, 0]
    if run.converged:
        osc = _direction_changes(w) > 0
        answer = REGIMES[1] if osc else REGIMES[0]
        return answer, (
            f"simulated: it converges in {run.stopped_at} steps to w* = {w[-1]:.3g}"
            + (", reversing direction on the way" if osc else ", always moving the same way")
        )
    return REGIMES[2], f"simulated for {LONG_RUN} steps: {run.message}; it never settles"


def _minimum_answer(ex: Descent1DExplorer) -> tuple[str, str]:
    st: Descent1DState = ex.state
    run = _long_run(ex)
    if not run.converged:
        return MINIMA_CHOICES[2], f"simulated for up to {LONG_RUN} steps: {run.message}"
    w_end = float(run.params[-1, 0])
    target = _nearest_minimizer(st.objective, w_end)
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
    """A predict-then-run question for :class:`Descent1DExplorer`.

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


# -------------------------------------------------------------------------------------------------
# Panel
# -------------------------------------------------------------------------------------------------
class Descent1DExplorer(Explorer):
    """Gradient descent on a 1-D function: path with arrows, tangent at the current point, loss
    gap per step beside the theory's f₀·|1 − αc|²ᵗ for the quadratic.

    The "step t" scrubber runs over the computed run (0 … the step it stopped at) and stays at
    the end when the run changes, if it was there.

    Example:
        >>> ex = Descent1DExplorer(alpha=1.5)   # quadratic with c = 1: 1 − αc = −0.5
        >>> ex.last_status.kind, ex.last_status.text.startswith("oscillating")
        ('oscillating', True)
        >>> ex.set(alpha=2.5)
        >>> ex.last_status.text.split(":")[0]
        'diverged at step 33 of 60'
    """

    lessons = ("03_gradient_descent_variants", "04_learning_rate_effects")

    def __init__(
        self,
        *,
        objective: str = "quadratic",
        alpha: float = 0.3,
        curvature: float = 1.0,
        start: float = 2.5,
        steps: int = 60,
        question: Question | None = None,
    ) -> None:
        make_objective_1d(objective, curvature)  # validate before building anything
        steps = int(min(max(steps, 1), MAX_STEPS))
        step = ctl.int_slider("step t", steps, 0, steps)  # its range follows the run on render
        controls = {
            "objective": ctl.choice("function", OBJECTIVES_1D, objective),
            "alpha": ctl.log_slider("learning rate α", alpha, *ALPHA_RANGE),
            "curvature": ctl.float_slider("curvature c", curvature, *CURVATURE_RANGE, 0.05),
            "start": ctl.float_slider("start w₀", start, *START_RANGE, 0.05),
            "steps": ctl.int_slider("steps", steps, 1, MAX_STEPS),
            "step": step,
            "play": ctl.play_for(step),
        }
        self.view = self.make_view()
        super().__init__(controls, self.view.figure, question=question, view_only=("step", "play"))

    def make_view(self) -> Descent1DView:
        return Descent1DView()

    def render(self, changed: frozenset[str]) -> Status:
        if changed <= {"play"} and hasattr(self, "state"):
            return self.last_status  # the Play widget drives "step"; that change renders
        step_control = self.controls["step"]
        if changed <= self.view_only and hasattr(self, "state"):
            # only the current point moved: the run is the same, so no new simulation
            st = self.state
        else:
            kind = self.value("objective")
            st = descent1d_state(
                kind,
                self.value("alpha"),
                self.value("curvature"),
                self.value("start"),
                int(self.value("steps")),
            )
            k = st.trajectory.stopped_at
            self.fit_scrubber("step", k)
            with self.quietly():
                self.controls["curvature"].disabled = kind == "quartic"
                step_control.disabled = k == 0  # a run that never moves has nothing to scrub
        k = st.trajectory.stopped_at
        st = dataclasses.replace(st, step=min(max(int(step_control.value), 0), k))
        self.state = st
        self.view.update(st)
        t = st.step
        here = (
            f" · at t = {t} of {k}: w = {st.w[t]:.4g}, f′(w) = {st.slope[t]:.3g}, "
            f"next step −αf′(w) = {-st.alpha * st.slope[t]:.3g}"
        )
        return Status(st.message + here, st.status_kind)
