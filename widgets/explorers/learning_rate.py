"""The learning rate on a quadratic: stable band, best rate, momentum, schedules, range test.

:class:`LearningRateExplorer` shows, for gradient descent (or heavy-ball momentum) on a 1-D or an
ill-conditioned 2-D quadratic, four views of one question — how fast, if at all, does a rate α
converge?

- the contraction per step ρ(α) = max_i |1 − αλᵢ| on an α axis, with the stable band (0, 2/λmax)
  shaded and the best fixed rate α* = 2/(λmin + λmax) marked;
- the loss per step (log scale), measured beside the theory's prediction;
- the schedule α_t (constant, step decay, exponential, cosine, warm-up + cosine) against the band;
- a heatmap of the final loss (or steps to converge) over (α, μ) from the vectorised ``sweep``,
  with the current setting marked. The sweep depends only on the objective and the step budget,
  so it is computed once per objective (and cached), never on a move of α or μ.

:class:`LRRangeTestExplorer` runs Smith's learning-rate range test and marks where the loss blows
up and the suggested rate, beside the theory's 2/λmax.

Model: the pure functions below (they call ``simulate``, ``sweep``, ``lr_range_test`` and the
quadratic theory). Views: :class:`LearningRateView`, :class:`LRRangeTestView`. Panels: the two
explorer classes.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .. import optimizers as optim
from ..objectives import Objective, Quadratic1D, Quadratic2D, wdbc_logistic
from ..schedules import (
    LRRangeResult,
    Schedule,
    constant,
    cosine,
    exponential,
    lr_range_test,
    step_decay,
)
from ..simulate import SweepResult, Trajectory, simulate, sweep
from ..theory import QuadraticTheory
from . import _controls as ctl
from ._figure import BlitManager, new_figure
from ._panel import Explorer, Question, Status
from ._plots import sparse_log_minor_ticks
from .style import OKABE_ITO, ROLE_COLORS, color_for

__all__ = [
    "LRRangeTestExplorer",
    "LRRangeTestState",
    "LRRangeTestView",
    "LearningRateExplorer",
    "LearningRateState",
    "LearningRateView",
    "best_lr_question",
    "divergence_question",
    "learning_rate_state",
    "lr_range_state",
    "lr_sweep",
    "make_quadratic",
    "make_schedule",
    "measured_rate",
    "predicted_loss",
    "rate_question",
]

PROBLEMS = (("2-D quadratic (κ, θ)", "2d"), ("1-D quadratic", "1d"))
SCHEDULES = (
    ("constant", "constant"),
    ("step decay", "step"),
    ("exponential", "exponential"),
    ("cosine", "cosine"),
    ("warm-up + cosine", "warmup"),
)
HEATMAPS = (("steps to converge", "steps"), ("final loss", "loss"))

ALPHA_RANGE = (1e-3, 4.0)
MOMENTUM_MAX = 0.99
KAPPA_RANGE = (1.0, 1000.0)
LAMBDA_RANGE = (0.25, 4.0)
STEPS_RANGE = (10, 500)
TOL = 1e-6
LOSS_FLOOR = 1e-14  # below the loss of any run stopped by ‖∇f‖ < 1e-6 on these quadratics

#: the sweep's grid: columns are learning rates, rows momenta (the heatmap's pixels)
SWEEP_LRS = np.geomspace(*ALPHA_RANGE, 49)
SWEEP_MOMENTA = np.linspace(0.0, 0.98, 15)
_RATE_ALPHAS = np.geomspace(*ALPHA_RANGE, 161)
RATE_TOP = 2.0  # top of the ρ axis; larger factors (fast divergence) leave through the top
_DIVERGED_COLOR = "#BBBBBB"  # neutral grey: outside the colormap, reads as "no value"


# -------------------------------------------------------------------------------------------------
# Model
# -------------------------------------------------------------------------------------------------
def make_quadratic(
    problem: str = "2d", kappa: float = 10.0, angle_deg: float = 0.0, lam_max: float = 1.0
) -> Quadratic1D | Quadratic2D:
    """The explorer's quadratic: ``"1d"`` is (λmax/2)·w², ``"2d"`` is ½wᵀAw with eigenvalues
    λmax/κ and λmax, rotated by ``angle_deg`` degrees."""
    if problem == "1d":
        return Quadratic1D(curvature=lam_max)
    if problem == "2d":
        return Quadratic2D(condition_number=kappa, angle=math.radians(angle_deg), scale=lam_max)
    raise ValueError(f"problem must be '1d' or '2d', got {problem!r}")


def make_schedule(
    kind: str,
    alpha: float,
    steps: int,
    *,
    gamma: float = 0.5,
    step_size: int = 50,
    half_life: int = 50,
    warmup: int = 20,
) -> Schedule:
    """The learning-rate schedule ``kind`` peaking at ``alpha`` over a budget of ``steps``.

    ``"step"``: ×γ every ``step_size`` steps; ``"exponential"``: halves every ``half_life`` steps
    (γ = 2^(−1/half_life) per step); ``"cosine"``: from α to 0 at the last step; ``"warmup"``:
    a linear warm-up over ``warmup`` steps, then the cosine.
    """
    if kind == "constant":
        return constant(alpha)
    if kind == "step":
        return step_decay(alpha, step_size, gamma)
    if kind == "exponential":
        return exponential(alpha, 0.5 ** (1.0 / half_life))
    if kind == "cosine":
        return cosine(alpha, steps)
    if kind == "warmup":
        return cosine(alpha, steps, warmup_steps=min(int(warmup), int(steps)))
    valid = ", ".join(repr(k) for _, k in SCHEDULES)
    raise ValueError(f"schedule must be one of {valid}, got {kind!r}")


@functools.lru_cache(maxsize=16)
def lr_sweep(
    problem: str, kappa: float, angle_deg: float, lam_max: float, steps: int
) -> SweepResult:
    """Heavy ball (μ = 0 is plain gradient descent) for every (α, μ) of the heatmap grid, at once.

    Cached: the heatmap depends only on the objective and the step budget, so moving α or μ (or
    coming back to an objective seen before) costs nothing.
    """
    obj = make_quadratic(problem, kappa, angle_deg, lam_max)
    return sweep(obj, "momentum", SWEEP_LRS, SWEEP_MOMENTA, steps=steps, tol=TOL)


@functools.lru_cache(maxsize=64)
def _momentum_rate_curve(
    problem: str, kappa: float, angle_deg: float, lam_max: float, mu: float
) -> np.ndarray:
    """ρ(α, μ) of heavy ball over the α axis (cached per objective and μ)."""
    theory = QuadraticTheory.from_objective(make_quadratic(problem, kappa, angle_deg, lam_max))
    return np.array([theory.momentum_rate_at(a, mu) for a in _RATE_ALPHAS])


def measured_rate(traj: Trajectory) -> float | None:
    """Contraction of ‖w − w*‖ per step over the second half of the run (w* = 0); geometric mean.

    ``None`` for runs of fewer than 2 steps.
    """
    k = traj.stopped_at
    if k < 2:
        return None
    norms = np.sqrt(np.einsum("td,td->t", traj.params, traj.params))
    first, last = norms[k // 2], norms[k]
    if first == 0.0:
        return None
    if last == 0.0:
        return 0.0
    return float(math.exp((math.log(last) - math.log(first)) / (k - k // 2)))


def predicted_loss(
    theory: QuadraticTheory, start: np.ndarray, rates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent's loss per step, exactly, from the eigendecomposition.

    In the eigenbasis c = Vᵀw each step multiplies cᵢ by 1 − α_t λᵢ, so the loss splits into
    ½ λᵢ cᵢ(0)² Π_{s<t} (1 − α_s λᵢ)², one term per eigendirection. Computed in log space so
    that no product overflows.

    Returns:
        ``(total, components)`` of shapes (T+1,) and (d, T+1) for ``rates`` of shape (T,).
    """
    lam = theory.eigenvalues
    c0 = theory.eigenvectors.T @ np.asarray(start, dtype=float)
    with np.errstate(divide="ignore"):  # a factor of exactly 0 (α = 1/λ) or c₀ = 0: log → −inf
        log_f = np.log10(np.abs(1.0 - np.outer(lam, rates)))
        log0 = np.log10(0.5 * lam * c0**2)
    steps = np.concatenate([np.zeros((lam.size, 1)), np.cumsum(2.0 * log_f, axis=1)], axis=1)
    logs = np.clip(log0[:, None] + steps, -330.0, 300.0)  # 10^−330 underflows to 0 quietly
    with np.errstate(under="ignore"):
        comps = 10.0**logs
    return comps.sum(axis=0), comps


def _clip_for_log(y: np.ndarray, floor: float = LOSS_FLOOR) -> np.ndarray:
    """Values for a log axis whose bottom is just under ``floor``: the line stops one point after
    it falls below the floor (that point leaves through the bottom edge)."""
    below = np.flatnonzero(~(y >= floor))
    if below.size:
        y = y[: below[0] + 1].copy()
        y[-1] = floor / 10.0
    return y


@dataclass(frozen=True, eq=False)
class LearningRateState:
    """Everything the learning-rate view draws for one setting of the controls."""

    problem: str
    objective_key: tuple  # (problem, κ, θ, λmax): the quadratic, normalised for 1-D
    objective: Quadratic1D | Quadratic2D
    theory: QuadraticTheory
    alpha: float
    mu: float
    steps: int
    schedule_kind: str
    schedule: Schedule
    rates: np.ndarray  # (steps,) α_t
    trajectory: Trajectory
    loss: np.ndarray  # measured, clipped for the log axis
    predicted: np.ndarray | None  # theory's loss per step (None: no closed form)
    predicted_label: str
    components: np.ndarray | None  # (d, ·) per-eigendirection loss (gradient descent, d = 2)
    rate_curve: np.ndarray  # ρ(α) over _RATE_ALPHAS for the current μ
    rate_now: float  # ρ at the current α, μ (theory)
    measured: float | None  # measured contraction per step
    predicted_rate: float | None  # the theory's contraction per step for this setting
    sweep: SweepResult
    heat_kind: str
    heat: np.ndarray  # masked (n_mom, n_lr) image data
    heat_clim: tuple[float, float]
    loss_ylim: tuple[float, float]
    message: str
    status_kind: str

    @property
    def frame_key(self) -> tuple:
        """What the static parts of the figure depend on; a change needs a full redraw."""
        return (self.objective_key, self.steps, self.heat_kind, self.mu > 0.0, self.predicted_label)


def _objective_key(problem: str, kappa: float, angle_deg: float, lam_max: float) -> tuple:
    if problem == "1d":
        return ("1d", 1.0, 0.0, float(lam_max))
    return ("2d", float(kappa), float(angle_deg), float(lam_max))


def _heat_data(
    res: SweepResult, kind: str, f0: float, theory: QuadraticTheory
) -> tuple[np.ma.MaskedArray, tuple]:
    if kind == "steps":
        data = np.where(res.steps_to_converge >= 0, res.steps_to_converge, res.steps).astype(float)
        return np.ma.array(data, mask=res.diverged), (0.0, float(res.steps))
    if kind != "loss":
        valid = ", ".join(repr(k) for _, k in HEATMAPS)
        raise ValueError(f"heatmap must be one of {valid}, got {kind!r}")
    top = math.ceil(math.log10(max(f0, 1e-12)))
    # A run stopped by ‖∇f‖ < tol has f ≤ tol²/(2λmin): every converged cell gets the same
    # colour, instead of speckles from where each run happened to stop below the tolerance.
    bottom = math.log10(TOL**2 / (2.0 * theory.lambda_min))
    with np.errstate(divide="ignore", invalid="ignore"):  # converged to exactly 0; NaN = diverged
        data = np.log10(np.where(res.diverged, 1.0, np.maximum(res.final_loss, 0.0)))
    data = np.clip(data, bottom, top)
    return np.ma.array(data, mask=res.diverged), (bottom, float(top))


def learning_rate_state(
    problem: str = "2d",
    alpha: float = 1.0,
    mu: float = 0.0,
    steps: int = 200,
    *,
    kappa: float = 10.0,
    angle_deg: float = 0.0,
    lam_max: float = 1.0,
    schedule: str = "constant",
    gamma: float = 0.5,
    step_size: int = 50,
    half_life: int = 50,
    warmup: int = 20,
    heatmap: str = "steps",
) -> LearningRateState:
    """Run the optimizer for one setting and collect the theory beside it."""
    key = _objective_key(problem, kappa, angle_deg, lam_max)
    obj = make_quadratic(*key)
    theory = QuadraticTheory.from_objective(obj)
    sched = make_schedule(
        schedule, alpha, steps, gamma=gamma, step_size=step_size, half_life=half_life, warmup=warmup
    )
    opt = optim.gd(sched) if mu == 0.0 else optim.momentum(sched, mu)
    traj = simulate(obj, opt, None, steps, tol=TOL)
    rates = np.asarray(sched(np.arange(steps)), dtype=float)
    f0 = float(traj.loss[0])

    components = None
    if mu == 0.0:
        predicted, comps = predicted_loss(theory, obj.start, rates)
        predicted_label = "theory: Σᵢ ½λᵢcᵢ² Π(1 − α_sλᵢ)²"
        if theory.dim > 1:
            components = comps
        rate_curve = np.asarray(theory.rate(_RATE_ALPHAS))
        rate_now = float(theory.rate(alpha))
        constant_rates = np.unique(rates).size == 1
        # a schedule may underflow to 0, where the factor is 1 (no step) as for a tiny rate
        factors = theory.rate(np.maximum(rates, 1e-300))
        k = traj.stopped_at  # the same window as measured_rate: the run's second half
        predicted_rate = rate_now if constant_rates else _mean_rate(factors[k // 2 : k])
    else:
        rate_curve = _momentum_rate_curve(*key, float(mu))
        rate_now = theory.momentum_rate_at(alpha, mu)
        if schedule == "constant":
            t = np.arange(steps + 1)
            log_rate = math.log10(rate_now) if rate_now > 0 else -330.0
            predicted = 10.0 ** np.clip(math.log10(f0) + 2.0 * t * log_rate, -330.0, 300.0)
            predicted_label = "theory: f₀·ρ(α, μ)²ᵗ (asymptotic)"
            predicted_rate = rate_now
        else:
            predicted, predicted_label, predicted_rate = None, "theory", None

    res = lr_sweep(*key, int(steps))
    heat, clim = _heat_data(res, heatmap, f0, theory)
    top = 10.0 ** (math.ceil(math.log10(max(f0, 1e-12))) + 3)
    measured = measured_rate(traj)
    st = dict(
        problem=problem,
        objective_key=key,
        objective=obj,
        theory=theory,
        alpha=float(alpha),
        mu=float(mu),
        steps=int(steps),
        schedule_kind=schedule,
        schedule=sched,
        rates=rates,
        trajectory=traj,
        loss=_clip_for_log(np.asarray(traj.loss)),
        predicted=None if predicted is None else _clip_for_log(predicted),
        predicted_label=predicted_label,
        components=components,
        rate_curve=rate_curve,
        rate_now=rate_now,
        measured=measured,
        predicted_rate=predicted_rate,
        sweep=res,
        heat_kind=heatmap,
        heat=heat,
        heat_clim=clim,
        loss_ylim=(LOSS_FLOOR / 3.0, top),
    )
    message, kind = _lr_message(st)
    return LearningRateState(**st, message=message, status_kind=kind)


def _mean_rate(factors: np.ndarray) -> float | None:
    """Geometric mean of per-step contraction factors (None for an empty window)."""
    f = np.asarray(factors, dtype=float)
    if f.size == 0:
        return None
    if np.any(f == 0.0):
        return 0.0
    return float(np.exp(np.mean(np.log(f))))


def _fmt_rate(r: float | None) -> str:
    return "—" if r is None or not math.isfinite(r) else f"{r:.3g}"


def _outcome(traj: Trajectory, steps: int) -> str:
    """The run's outcome against its step budget, e.g. "converged in 42 of 200 steps (…)"."""
    if traj.converged:
        return f"converged in {traj.stopped_at} of {steps} steps (‖∇f‖ < {TOL:.0e})"
    if traj.diverged:
        # simulate's own rule: "diverged at step k: <reason>"; say where in the budget it happened
        head, _, reason = traj.message.partition(": ")
        return f"{head} of {steps}: {reason}" if reason else f"{traj.message} (budget {steps})"
    return f"not converged within the budget of {steps} steps (‖∇f‖ still ≥ {TOL:.0e})"


def _lr_message(s: dict) -> tuple[str, str]:
    th: QuadraticTheory = s["theory"]
    traj: Trajectory = s["trajectory"]
    a, mu = s["alpha"], s["mu"]
    lim = th.stable_lr_max
    outcome = _outcome(traj, s["steps"])
    if traj.diverged:
        kind = "diverged"
    elif traj.converged:
        kind = "converged"
    else:
        kind = "info"
    measured, predicted = _fmt_rate(s["measured"]), _fmt_rate(s["predicted_rate"])
    rates = f"measured rate {measured} vs predicted {predicted}"
    if s["schedule_kind"] != "constant":
        r = s["rates"]
        inside = int(np.count_nonzero(r < lim))
        head = (
            f"{dict((k, n) for n, k in SCHEDULES)[s['schedule_kind']]} schedule: α_t from "
            f"{r[0]:.3g} to {r[-1]:.3g}; inside the stable band (0, {lim:.3g}) for {inside} of "
            f"{r.size} steps"
        )
        if mu > 0.0:
            return f"{head}, with momentum μ = {mu:.2g}; {outcome}", kind
        return f"{head}; {rates} (per step, second half); {outcome}", kind
    if mu == 0.0:
        where = "inside" if a < lim else "outside"
        regime = th.classify(a)
        detail = {
            "converges": "monotone in every direction",
            "oscillates": f"the steep direction flips sign (α > 1/λmax = {1 / th.lambda_max:.3g})",
            "diverges": f"|1 − αλmax| = {abs(1 - a * th.lambda_max):.3g} ≥ 1",
        }[regime]
        if regime == "oscillates" and kind == "converged":
            kind = "oscillating"
        best = f"best α* = 2/(λmin + λmax) = {th.best_lr:.3g} gives {th.best_rate:.3g}"
        return (
            f"α = {a:.3g} is {where} the stable band (0, {lim:.3g}): {detail}; {rates}; "
            f"{outcome}; {best}"
        ), kind
    stable = "stable" if s["rate_now"] < 1.0 else "unstable"
    return (
        f"α = {a:.3g}, μ = {mu:.2g}: heavy ball is {stable}, ρ(α, μ) = {s['rate_now']:.3g}; "
        f"{rates}; {outcome}; best μ* = {th.best_momentum:.3g} with α = "
        f"{th.best_momentum_lr:.3g} gives {th.momentum_rate:.3g}"
    ), kind


# -------------------------------------------------------------------------------------------------
# View
# -------------------------------------------------------------------------------------------------
def _alpha_label(x: float, _pos: object = None) -> str:
    return f"{10.0**x:g}"


class LearningRateView:
    """Four panels: ρ(α) with the stable band; the loss per step; the schedule; the (α, μ)
    heatmap. Static parts change only with the objective, the budget or the heatmap kind."""

    def __init__(self, figsize: tuple[float, float] = (10.0, 6.8)) -> None:
        self.figure = fig = new_figure(figsize)
        axs = fig.subplots(2, 2)
        fig.subplots_adjust(left=0.075, right=0.94, bottom=0.075, top=0.91, wspace=0.28, hspace=0.5)
        (ax_r, ax_l), (ax_s, ax_h) = axs
        self.axes = (ax_r, ax_l, ax_s, ax_h)
        green, theory_c, best_c = (
            ROLE_COLORS["stable band"],
            ROLE_COLORS["theory"],
            ROLE_COLORS["best"],
        )
        verm = OKABE_ITO["vermillion"]
        above = dict(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.01),
            fontsize=7.5,
            frameon=False,
            borderaxespad=0.0,
            handlelength=1.8,
            columnspacing=1.2,
        )

        # ρ(α): contraction per step on a log α axis
        ax_r.set(
            xscale="log", xlim=ALPHA_RANGE, ylim=(0.0, RATE_TOP), ylabel="contraction per step ρ"
        )
        self.band = Rectangle(
            (ALPHA_RANGE[0], 0.0),
            1.0,
            1.0,
            transform=ax_r.get_xaxis_transform(),
            color=green,
            alpha=0.15,
            lw=0,
            label="stable band (0, 2/λmax)",
        )
        ax_r.add_patch(self.band)
        ax_r.axhline(1.0, color="#777777", lw=0.8, ls=":")
        self.rate_gd = ax_r.plot(
            [], [], color=theory_c, lw=1.6, label="gradient descent: max |1 − αλᵢ|"
        )[0]
        self.best_line = ax_r.axvline(
            1.0, color=best_c, lw=1.6, ls="--", label="α* = 2/(λmin + λmax)"
        )
        self.rate_mom = ax_r.plot(
            [], [], color=color_for("momentum"), lw=1.4, label="heavy ball at this μ"
        )[0]
        self.alpha_line = ax_r.axvline(1.0, color=color_for("gd"), lw=1.0)
        self.rate_marker = ax_r.plot([], [], "o", color=verm, ms=7, mec="white", mew=1.0)[0]
        ax_r.legend(ncols=2, **above)

        # loss per step
        ax_l.set(yscale="log", xlabel="step t", ylabel="loss f(wₜ)")
        self.components = [
            ax_l.plot([], [], color=theory_c, lw=1.0, ls=ls, alpha=0.8, label=lab)[0]
            for ls, lab in (
                ((0, (1, 1.5)), "theory, λmin direction"),
                ((0, (4, 1.5, 1, 1.5)), "theory, λmax direction"),
            )
        ]
        self.predicted = ax_l.plot(
            [], [], color=theory_c, lw=3.0, ls=(0, (2, 2)), alpha=0.5, label="theory"
        )[0]
        self.loss = ax_l.plot([], [], color=color_for("gd"), lw=1.5, label="measured")[0]
        self._above = above
        self.loss_legend = None

        # schedule α_t
        ax_s.set(
            yscale="log",
            ylim=(ALPHA_RANGE[0] / 3.0, ALPHA_RANGE[1] * 2.0),
            xlabel="step t",
            ylabel="learning rate α_t",
        )
        ax_s.set_title("Schedule α_t against the stable band (green)", fontsize=9.5)
        sparse_log_minor_ticks(ax_r, ax_l, ax_s)
        self.band_s = Rectangle(
            (0.0, ALPHA_RANGE[0] / 10.0),
            1.0,
            1.0,
            transform=ax_s.get_yaxis_transform(),
            color=green,
            alpha=0.15,
            lw=0,
        )
        ax_s.add_patch(self.band_s)
        self.limit_s = ax_s.axhline(1.0, color=green, lw=1.2, ls="--")
        self.best_s = ax_s.axhline(1.0, color=best_c, lw=1.2, ls=":")
        ytrans = ax_s.get_yaxis_transform()
        self.limit_label = ax_s.text(
            0.99,
            1.0,
            "2/λmax",
            transform=ytrans,
            ha="right",
            va="bottom",
            fontsize=7.5,
            color="#333333",
        )
        self.best_label = ax_s.text(
            0.01, 1.0, "α*", transform=ytrans, ha="left", va="top", fontsize=7.5, color="#333333"
        )
        self.sched = ax_s.plot([], [], color=color_for("gd"), lw=1.8)[0]

        # heatmap over (log10 α, μ)
        dx = np.diff(np.log10(SWEEP_LRS))[0]
        dm = SWEEP_MOMENTA[1] - SWEEP_MOMENTA[0]
        self._extent = (
            math.log10(SWEEP_LRS[0]) - dx / 2,
            math.log10(SWEEP_LRS[-1]) + dx / 2,
            SWEEP_MOMENTA[0] - dm / 2,
            SWEEP_MOMENTA[-1] + dm / 2,
        )
        self.image = ax_h.imshow(
            np.zeros((SWEEP_MOMENTA.size, SWEEP_LRS.size)),
            origin="lower",
            aspect="auto",
            extent=self._extent,
            cmap=_heat_cmap(),
            interpolation="nearest",
        )
        self.colorbar = fig.colorbar(self.image, ax=ax_h, pad=0.02, fraction=0.06)
        self.colorbar.ax.tick_params(labelsize=8)
        ax_h.set_xlim(self._extent[:2])
        ax_h.set_ylim(self._extent[2:])
        ax_h.xaxis.set_major_locator(FixedLocator([-3, -2, -1, 0]))
        ax_h.xaxis.set_major_formatter(FuncFormatter(_alpha_label))
        ax_h.xaxis.set_minor_locator(NullLocator())
        ax_h.set(xlabel="learning rate α (log scale)", ylabel="momentum μ")
        self.best_gd = ax_h.plot(
            [], [], "*", color="white", mec="black", ms=11, label="best α (μ = 0)"
        )[0]
        self.best_mom = ax_h.plot(
            [], [], "P", color="white", mec="black", ms=9, label="Polyak's (α*, μ*)"
        )[0]
        self.heat_marker = ax_h.plot(
            [], [], "o", color=verm, ms=9, mec="white", mew=1.5, label="this (α, μ)"
        )[0]
        diverged = Patch(color=_DIVERGED_COLOR, label="diverged")
        ax_h.legend(
            handles=[self.best_gd, self.best_mom, self.heat_marker, diverged], ncols=4, **above
        )

        self._run_artists = (
            self.loss,
            self.predicted,
            *self.components,
            self.rate_mom,
            self.rate_marker,
        )
        self._result_static = (
            self.rate_gd,
            self.best_line,
            self.image,
            self.best_gd,
            self.best_mom,
        )
        self.blit = BlitManager(fig)
        self.blit.add(
            self.rate_mom,
            self.alpha_line,
            self.rate_marker,
            *self.components,
            self.predicted,
            self.loss,
            self.sched,
            self.heat_marker,
        )
        self._frame_key: tuple | None = None
        self._heat_key: tuple | None = None
        self._state: LearningRateState | None = None
        self._revealed = True

    def _draw_frame(self, st: LearningRateState) -> None:
        ax_r, ax_l, ax_s, _ = self.axes
        th = st.theory
        lim = th.stable_lr_max
        self.band.set_x(ALPHA_RANGE[0] / 10.0)
        self.band.set_width(lim - ALPHA_RANGE[0] / 10.0)
        self.rate_gd.set_data(_RATE_ALPHAS, np.asarray(th.rate(_RATE_ALPHAS)))
        self.best_line.set_xdata([th.best_lr, th.best_lr])
        lam = ", ".join(f"{v:.3g}" for v in th.eigenvalues)
        ax_r.set_xlabel(f"learning rate α   (eigenvalues λ = {lam})")
        self.band_s.set_height(lim - ALPHA_RANGE[0] / 10.0)
        self.limit_s.set_ydata([lim, lim])
        self.best_s.set_ydata([th.best_lr, th.best_lr])
        self.limit_label.set_y(lim)
        self.best_label.set_y(th.best_lr)
        ax_s.set_xlim(0, st.steps)
        ax_l.set_xlim(0, st.steps)
        ax_l.set_ylim(*st.loss_ylim)
        who = "heavy ball" if st.mu > 0.0 else "gradient descent"
        color = color_for("momentum" if st.mu > 0.0 else "gd")
        self.loss.set_color(color)
        self.loss.set_label(f"measured ({who})")
        self.predicted.set_label(st.predicted_label)
        # no closed form for momentum with a schedule: no theory line, no legend entry
        handles = [self.loss] if st.predicted is None else [self.loss, self.predicted]
        if th.dim > 1 and st.mu == 0.0:
            handles += self.components
        if self.loss_legend is not None:
            self.loss_legend.remove()
        self.loss_legend = ax_l.legend(handles=handles, ncols=2, **self._above)

        heat_key = (st.objective_key, st.steps, st.heat_kind)
        if heat_key != self._heat_key:  # the image changes only with the sweep it shows
            self.image.set_data(st.heat)
            self.image.set_clim(*st.heat_clim)
            self._heat_key = heat_key
        label = "log₁₀ final loss" if st.heat_kind == "loss" else f"steps to ‖∇f‖ < {TOL:.0e}"
        self.colorbar.set_label(f"{label} (constant α)", fontsize=8)
        self.best_gd.set_data([math.log10(th.best_lr)], [0.0])
        self.best_mom.set_data([math.log10(th.best_momentum_lr)], [th.best_momentum])
        self._frame_key = st.frame_key

    def update(self, st: LearningRateState) -> None:
        self._state = st
        new_frame = st.frame_key != self._frame_key
        if new_frame:
            self._draw_frame(st)
        t = np.arange(st.loss.size)
        color = color_for("gd" if st.mu == 0.0 else "momentum")
        self.loss.set_data(t, st.loss)
        if st.predicted is not None:
            self.predicted.set_data(np.arange(st.predicted.size), st.predicted)
        else:
            self.predicted.set_data([], [])
        comps = st.components
        for i, line in enumerate(self.components):
            if comps is not None and i < comps.shape[0]:
                y = _clip_for_log(comps[i])
                line.set_data(np.arange(y.size), y)
            else:
                line.set_data([], [])
        if st.mu > 0.0:
            self.rate_mom.set_data(_RATE_ALPHAS, st.rate_curve)
        else:
            self.rate_mom.set_data([], [])
        self.alpha_line.set_xdata([st.alpha, st.alpha])
        self.alpha_line.set_color(color)
        self.rate_marker.set_data([st.alpha], [min(st.rate_now, 0.985 * RATE_TOP)])
        steps = np.arange(st.rates.size)
        self.sched.set_data(steps, np.maximum(st.rates, ALPHA_RANGE[0] / 10.0))
        self.sched.set_color(color)
        self.heat_marker.set_data([math.log10(st.alpha)], [st.mu])
        self._apply_visibility()
        # the static picture with the result shown and the one with it hidden are both cached,
        # so a slider move that hides the result (or an answer that shows it) is a blit
        if new_frame:
            self.blit.full_redraw(variant=self._revealed)
        else:
            self.blit.update(variant=self._revealed)

    def _apply_visibility(self) -> None:
        """Show or hide the result."""
        for artist in (*self._run_artists, *self._result_static):
            artist.set_visible(self._revealed)

    def set_revealed(self, revealed: bool) -> None:
        """Hide the run, the rate curves and the heatmap until the learner has predicted."""
        revealed = bool(revealed)
        if revealed == self._revealed:
            return
        self._revealed = revealed
        if self._state is not None:
            self.update(self._state)


def _heat_cmap():
    from matplotlib import colormaps

    return colormaps["viridis_r"].with_extremes(bad=_DIVERGED_COLOR)


# -------------------------------------------------------------------------------------------------
# Questions
# -------------------------------------------------------------------------------------------------
def best_lr_question() -> Question:
    """ "Which constant α makes gradient descent fastest?" — graded against 2/(λmin + λmax)."""

    def answer(ex: LearningRateExplorer) -> tuple[float, str]:
        th: QuadraticTheory = ex.state.theory
        return th.best_lr, (
            f"α* = 2/(λmin + λmax) = 2/({th.lambda_min:.3g} + {th.lambda_max:.3g}) balances the "
            f"flattest and the steepest direction: both shrink by (κ − 1)/(κ + 1) = "
            f"{th.best_rate:.3g} per step"
        )

    return Question(
        "Which constant learning rate α converges fastest here? (a number)", answer, rel_tol=0.1
    )


def rate_question() -> Question:
    """ "By what factor does the error shrink per step?" — graded against the theory's ρ."""

    def answer(ex: LearningRateExplorer) -> tuple[float, str]:
        st: LearningRateState = ex.state
        th = st.theory
        if st.mu == 0.0:
            why = f"ρ = max |1 − αλᵢ| = max({', '.join(f'{f:.3g}' for f in th.factors(st.alpha))})"
        else:
            why = f"heavy ball: the spectral radius of its 2×2 iteration is {st.rate_now:.3g}"
        return st.rate_now, why + "; a value ≥ 1 means the run does not converge"

    return Question(
        "By what factor does the distance to the minimum shrink per step (in the long run)?",
        answer,
        rel_tol=0.1,
    )


# -------------------------------------------------------------------------------------------------
# Panel
# -------------------------------------------------------------------------------------------------
class LearningRateExplorer(Explorer):
    """Learning rate α (and momentum μ) on a quadratic: the stable band, the best rate, measured
    against predicted convergence, schedules, and an (α, μ) heatmap.

    Example:
        >>> ex = LearningRateExplorer(alpha=0.5, problem="1d", lam_max=2.0)
        >>> ex.last_status.text.split(":")[0]
        'α = 0.5 is inside the stable band (0, 1)'
    """

    lessons = ("04_learning_rate_effects", "06_momentum_and_adaptive")

    def __init__(
        self,
        *,
        problem: str = "2d",
        alpha: float = 1.0,
        momentum: float = 0.0,
        steps: int = 200,
        kappa: float = 10.0,
        angle: float = 0.0,
        lam_max: float = 1.0,
        schedule: str = "constant",
        gamma: float = 0.5,
        step_size: int = 50,
        half_life: int = 50,
        warmup: int = 20,
        heatmap: str = "steps",
        question: Question | None = None,
    ) -> None:
        make_quadratic(problem, kappa, angle, lam_max)  # validate before building anything
        controls = {
            "alpha": ctl.log_slider("learning rate α", alpha, *ALPHA_RANGE),
            "momentum": ctl.float_slider("momentum μ", momentum, 0.0, MOMENTUM_MAX, 0.01),
            "steps": ctl.int_slider("steps", steps, *STEPS_RANGE, 10),
            "problem": ctl.choice("problem", PROBLEMS, problem),
            "kappa": ctl.log_slider("condition number κ", kappa, *KAPPA_RANGE, steps_per_decade=10),
            "angle": ctl.float_slider("rotation θ (°)", angle, 0.0, 90.0, 5.0, fmt=".0f"),
            "lam_max": ctl.float_slider("largest curvature λmax", lam_max, *LAMBDA_RANGE, 0.05),
            "heatmap": ctl.choice("heatmap", HEATMAPS, heatmap),
            "schedule": ctl.choice("schedule", SCHEDULES, schedule),
            "gamma": ctl.float_slider("step decay γ", gamma, 0.05, 1.0, 0.05, fmt=".2f"),
            "step_size": ctl.int_slider("decay every k steps", step_size, 1, STEPS_RANGE[1]),
            "half_life": ctl.int_slider("exponential half-life", half_life, 1, STEPS_RANGE[1]),
            "warmup": ctl.int_slider("warm-up steps", warmup, 0, STEPS_RANGE[1]),
        }
        self.view = self.make_view()
        super().__init__(controls, self.view.figure, question=question, control_columns=3)

    def make_view(self) -> LearningRateView:
        return LearningRateView()

    def render(self, changed: frozenset[str]) -> Status:
        problem, sched = self.value("problem"), self.value("schedule")
        self.controls["kappa"].disabled = problem == "1d"
        self.controls["angle"].disabled = problem == "1d"
        for name, used in (
            ("gamma", "step"),
            ("step_size", "step"),
            ("half_life", "exponential"),
            ("warmup", "warmup"),
        ):
            self.controls[name].disabled = sched != used
        st = learning_rate_state(
            problem,
            self.value("alpha"),
            self.value("momentum"),
            self.value("steps"),
            kappa=self.value("kappa"),
            angle_deg=self.value("angle"),
            lam_max=self.value("lam_max"),
            schedule=sched,
            gamma=self.value("gamma"),
            step_size=self.value("step_size"),
            half_life=self.value("half_life"),
            warmup=self.value("warmup"),
            heatmap=self.value("heatmap"),
        )
        self.state = st
        self.view.update(st)
        return Status(st.message, st.status_kind)


# -------------------------------------------------------------------------------------------------
# LR range test
# -------------------------------------------------------------------------------------------------
RANGE_PROBLEMS = (("2-D quadratic (κ)", "quadratic"), ("logistic regression, WDBC", "wdbc"))
RANGE_OPTIMIZERS = (("gradient descent", "gd"), ("momentum μ = 0.9", "momentum"), ("Adam", "adam"))


@functools.lru_cache(maxsize=4)
def _wdbc() -> Objective:
    return wdbc_logistic()


def _range_objective(problem: str, kappa: float) -> Objective:
    if problem == "quadratic":
        return Quadratic2D(condition_number=kappa)
    if problem == "wdbc":
        return _wdbc()
    valid = ", ".join(repr(k) for _, k in RANGE_PROBLEMS)
    raise ValueError(f"problem must be one of {valid}, got {problem!r}")


def _range_builder(name: str):
    if name == "gd":
        return optim.gd
    if name == "momentum":
        return lambda lr: optim.momentum(lr, 0.9)
    if name == "adam":
        return optim.adam
    valid = ", ".join(repr(k) for _, k in RANGE_OPTIMIZERS)
    raise ValueError(f"optimizer must be one of {valid}, got {name!r}")


@dataclass(frozen=True, eq=False)
class LRRangeTestState:
    """The range test's result and the theory's stability limit beside it."""

    problem: str
    optimizer: str
    objective: Objective
    result: LRRangeResult
    lrs: np.ndarray  # rates of the finite losses drawn
    losses: np.ndarray  # finite losses drawn
    kappa: float  # the quadratic's condition number (unused for WDBC)
    divergence_factor: float  # the stopping rule: loss > factor × best so far
    threshold: np.ndarray  # (k,) the stopping threshold each step's loss was compared with
    theory_limit: float  # 2/λmax of the (start point's) Hessian
    exact_theory: bool  # True for the quadratic (the Hessian is the same everywhere)
    lr_range: tuple[float, float]
    loss_ylim: tuple[float, float]
    message: str
    status_kind: str

    @property
    def frame_key(self) -> tuple:
        return (self.lr_range, self.loss_ylim)


def lr_range_state(
    problem: str = "quadratic",
    optimizer: str = "gd",
    *,
    kappa: float = 10.0,
    min_lr: float = 1e-4,
    max_lr: float = 10.0,
    steps: int = 100,
    divergence_factor: float = 4.0,
) -> LRRangeTestState:
    """Run the learning-rate range test and compare it with 2/λmax from the Hessian."""
    obj = _range_objective(problem, kappa)
    res = lr_range_test(
        obj,
        _range_builder(optimizer),
        obj.start,
        min_lr=min_lr,
        max_lr=max_lr,
        steps=steps,
        divergence_factor=divergence_factor,
    )
    finite = np.isfinite(res.losses)
    lrs, losses = res.learning_rates[finite], res.losses[finite]
    # lr_range_test's rule: step t stops the run when its loss > best + (factor − 1)·|best|, best
    # the lowest loss before it (the start included); every loss but the stopping one is finite
    best = np.minimum.accumulate(np.concatenate([[res.initial_loss], res.losses[:-1]]))
    threshold = best + (divergence_factor - 1.0) * np.abs(best)
    theory = QuadraticTheory.from_matrix(obj.hessian(obj.start))
    f0 = res.initial_loss
    floor = 1e-12 * f0  # the lowest loss drawn
    # Whole decades, the bottom in steps of three, so most control moves keep the axes (and the
    # cheap redraw); the climb past the stopping factor leaves through the top. The quadratic's
    # minimum is 0: its axis reaches down to the floor for every κ (the lowest loss runs from
    # 1e-17 to 1e-2 over the κ slider), so moving κ keeps the axes and the runs compare on one
    # scale. WDBC's minimum is far above the floor: its axis ends under the lowest loss.
    lo = floor if problem == "quadratic" else min(float(losses.min()) if losses.size else f0, f0)
    top_exp = math.ceil(math.log10(max(f0, 1e-300) * divergence_factor) + 0.3)
    low_exp = math.log10(max(lo, floor, 1e-300))
    bottom_exp = top_exp - 3 * math.ceil((top_exp - low_exp) / 3.0 + 0.1)
    bottom, top = 10.0**bottom_exp, 10.0**top_exp
    st = dict(
        problem=problem,
        optimizer=optimizer,
        objective=obj,
        result=res,
        lrs=lrs,
        losses=losses,
        kappa=float(kappa),
        divergence_factor=float(divergence_factor),
        threshold=threshold,
        theory_limit=theory.stable_lr_max,
        exact_theory=problem == "quadratic",
        lr_range=(float(min_lr), float(max_lr)),
        loss_ylim=(bottom, top),
    )
    message, kind = _range_message(st)
    return LRRangeTestState(**st, message=message, status_kind=kind)


def _range_message(s: dict) -> tuple[str, str]:
    res: LRRangeResult = s["result"]
    if s["exact_theory"]:
        where = f"for the quadratic with κ = {s['kappa']:.3g},"
    else:
        where = "the Hessian at the start gives"
    theory = f"theory: {where} 2/λmax = {s['theory_limit']:.3g}"
    if s["optimizer"] != "gd":
        theory += " (for plain gradient descent)"
    k = f"{s['divergence_factor']:.3g}"
    if res.diverged_at is None:
        best = res.learning_rates[int(np.argmin(res.losses))]
        return (
            f"no blow-up up to α = {s['lr_range'][1]:.3g} in {res.losses.size} steps: the loss "
            f"never passed {k} × its best (lowest at α = {best:.3g}); try a larger top rate; "
            f"{theory}"
        ), "info"
    return (
        f"the loss falls until α ≈ {res.divergence_lr:.3g}, then climbs: diverged at step "
        f"{res.diverged_at} (α = {res.learning_rates[res.diverged_at]:.3g}): the loss passed "
        f"{k} × its best; suggested α = divergence/10 = {res.suggested_lr:.3g}; {theory}"
    ), "diverged"


class LRRangeTestView:
    """Loss against the growing learning rate (log–log), the divergence point, the suggested rate
    and the theory's 2/λmax."""

    def __init__(self, figsize: tuple[float, float] = (10.0, 3.6)) -> None:
        self.figure = fig = new_figure(figsize)
        ax = fig.add_subplot(1, 1, 1)
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9)
        self.axes = (ax,)
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="learning rate α (grows every step)",
            ylabel="loss after the step",
        )
        ax.set_title("Learning-rate range test", fontsize=10)
        sparse_log_minor_ticks(ax)
        self.loss = ax.plot([], [], color=color_for("gd"), lw=1.6, label="loss")[0]
        self.diverge = ax.plot(
            [],
            [],
            "X",
            color=OKABE_ITO["vermillion"],
            ms=10,
            mec="white",
            label="loss starts to climb",
        )[0]
        self.suggested = ax.axvline(
            1.0, color=ROLE_COLORS["best"], lw=1.8, ls="--", label="suggested α (divergence/10)"
        )
        self.theory = ax.axvline(
            1.0,
            color=ROLE_COLORS["theory"],
            lw=1.2,
            ls=":",
            label="2/λmax (theory, gradient descent)",
        )
        self.threshold = ax.plot(
            [],
            [],
            color=OKABE_ITO["vermillion"],
            lw=1.0,
            ls=(0, (5, 2)),
            drawstyle="steps-post",
            label="stop threshold: k × best loss so far",
        )[0]
        self.threshold_label = ax.text(
            0.0, 0.0, "", color=OKABE_ITO["vermillion"], fontsize=8, ha="left", va="bottom"
        )
        ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
        self.blit = BlitManager(fig)
        self.blit.add(
            self.threshold,
            self.threshold_label,
            self.loss,
            self.diverge,
            self.suggested,
            self.theory,
        )
        self._frame_key: tuple | None = None
        self._state: LRRangeTestState | None = None
        self._revealed = True

    def update(self, st: LRRangeTestState) -> None:
        self._state = st
        ax = self.axes[0]
        new_frame = st.frame_key != self._frame_key
        if new_frame:
            ax.set_xlim(*st.lr_range)
            ax.set_ylim(*st.loss_ylim)
            self._frame_key = st.frame_key
        res = st.result
        self.loss.set_data(st.lrs, st.losses)
        self.threshold.set_data(res.learning_rates, st.threshold)
        self.threshold_label.set_position((res.learning_rates[0], st.threshold[0]))
        self.threshold_label.set_text(f" stop when loss > {st.divergence_factor:.3g} × best")
        if res.divergence_lr is not None:
            i = int(np.searchsorted(res.learning_rates, res.divergence_lr))
            y = res.losses[min(i, res.losses.size - 1)]
            y = y if np.isfinite(y) else st.loss_ylim[1]
            self.diverge.set_data(
                [res.divergence_lr], [min(max(y, st.loss_ylim[0]), st.loss_ylim[1])]
            )
            self.suggested.set_xdata([res.suggested_lr, res.suggested_lr])
            self.suggested.set_visible(self._revealed)
        else:
            self.diverge.set_data([], [])
            self.suggested.set_visible(False)
        self.theory.set_xdata([st.theory_limit, st.theory_limit])
        for artist in (self.loss, self.diverge, self.threshold, self.threshold_label):
            artist.set_visible(self._revealed)
        if new_frame:
            self.blit.full_redraw()
        else:
            self.blit.update()

    def set_revealed(self, revealed: bool) -> None:
        revealed = bool(revealed)
        if revealed == self._revealed:
            return
        self._revealed = revealed
        if self._state is not None:
            self.update(self._state)


def divergence_question() -> Question:
    """ "At which α will the loss start to climb?" — graded against the range test's own run."""

    def answer(ex: LRRangeTestExplorer) -> tuple[float, str]:
        st: LRRangeTestState = ex.state
        res = st.result
        if res.divergence_lr is None:
            return st.lr_range[1], (
                f"the loss never passed {st.divergence_factor:.3g} × its best up to "
                f"α = {st.lr_range[1]:.3g} (the largest rate tried)"
            )
        return res.divergence_lr, (
            f"the loss was lowest just before α = {res.divergence_lr:.3g} and rose from there "
            f"until it passed {st.divergence_factor:.3g} × its best (diverged); "
            f"for gradient descent the theory's limit is 2/λmax = {st.theory_limit:.3g}"
        )

    return Question(
        "At about which learning rate will the loss start to climb? (a number)", answer, rel_tol=0.5
    )


class LRRangeTestExplorer(Explorer):
    """Smith's learning-rate range test: one run whose rate grows geometrically every step; the
    loss against the rate, where it blows up, the suggested rate, and the theory's 2/λmax.

    Example:
        >>> ex = LRRangeTestExplorer()
        >>> ex.state.result.divergence_lr > ex.state.theory_limit
        True
    """

    lessons = ("04_learning_rate_effects",)

    def __init__(
        self,
        *,
        problem: str = "quadratic",
        optimizer: str = "gd",
        kappa: float = 10.0,
        min_lr: float = 1e-4,
        max_lr: float = 10.0,
        steps: int = 100,
        divergence_factor: float = 4.0,
        question: Question | None = None,
    ) -> None:
        _range_objective(problem, kappa)
        _range_builder(optimizer)
        controls = {
            "problem": ctl.choice("problem", RANGE_PROBLEMS, problem),
            "optimizer": ctl.choice("optimizer", RANGE_OPTIMIZERS, optimizer),
            "kappa": ctl.log_slider("condition number κ", kappa, *KAPPA_RANGE, steps_per_decade=10),
            "steps": ctl.int_slider("steps", steps, 20, 400, 10),
            "min_lr": ctl.log_slider(
                "smallest α", min_lr, 1e-6, 1e-2, steps_per_decade=4, fmt=".0e"
            ),
            "max_lr": ctl.log_slider(
                "largest α", max_lr, 1.0, 1000.0, steps_per_decade=4, fmt=".3g"
            ),
            "divergence_factor": ctl.float_slider(
                "stop when loss > × best", divergence_factor, 1.5, 10.0, 0.5
            ),
        }
        self.view = self.make_view()
        super().__init__(controls, self.view.figure, question=question, control_columns=3)

    def make_view(self) -> LRRangeTestView:
        return LRRangeTestView()

    def render(self, changed: frozenset[str]) -> Status:
        problem = self.value("problem")
        self.controls["kappa"].disabled = problem != "quadratic"
        st = lr_range_state(
            problem,
            self.value("optimizer"),
            kappa=self.value("kappa"),
            min_lr=self.value("min_lr"),
            max_lr=self.value("max_lr"),
            steps=self.value("steps"),
            divergence_factor=self.value("divergence_factor"),
        )
        self.state = st
        self.view.update(st)
        return Status(st.message, st.status_kind)
