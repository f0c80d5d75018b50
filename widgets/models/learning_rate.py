"""The learning-rate explorer's model (lessons 04 and 06): a rate α (and momentum μ) on a quadratic.

Gradient descent (or heavy ball) on a 1-D or an ill-conditioned 2-D quadratic, with the theory
beside it: the contraction per step ρ(α) = max_i |1 − αλᵢ| and the stable band (0, 2/λmax), the
best fixed rate α* = 2/(λmin + λmax), the loss per step predicted from the eigendecomposition, a
schedule α_t against the band, and the (α, μ) sweep of heavy ball (closed form on these
quadratics, cached per objective and budget, so a move of α or μ never recomputes it).

Example:
    >>> st = learning_rate_state(problem="1d", alpha=0.5, lam_max=2.0)
    >>> learning_rate_status(st).text.split(":")[0]
    'α = 0.5 is inside the stable band (0, 1)'
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .. import optimizers as optim
from .._validate import check_choice, check_int, check_real
from ..objectives import Quadratic1D, Quadratic2D
from ..schedules import Schedule, constant, cosine, exponential, step_decay
from ..simulate import SweepResult, Trajectory, simulate, sweep
from ..theory import QuadraticTheory
from . import Question, Status

__all__ = [
    "ALPHA_RANGE",
    "ANGLE_RANGE",
    "GAMMA_RANGE",
    "HEATMAPS",
    "KAPPA_RANGE",
    "LAMBDA_RANGE",
    "LOSS_FLOOR",
    "LOSS_YLIM",
    "MOMENTUM_MAX",
    "PROBLEMS",
    "RATE_ALPHAS",
    "RATE_TOP",
    "SCHEDULES",
    "STEPS_RANGE",
    "SWEEP_LRS",
    "SWEEP_MOMENTA",
    "TOL",
    "LearningRateState",
    "best_lr_question",
    "clip_for_log",
    "learning_rate_state",
    "learning_rate_status",
    "lr_sweep",
    "make_quadratic",
    "make_schedule",
    "measured_rate",
    "predicted_loss",
    "rate_question",
]

PROBLEMS = {"2-D quadratic (κ, θ)": "2d", "1-D quadratic": "1d"}
SCHEDULES = {
    "constant": "constant",
    "step decay": "step",
    "exponential": "exponential",
    "cosine": "cosine",
    "warm-up + cosine": "warmup",
}
HEATMAPS = {"steps to converge": "steps", "final loss": "loss"}

ALPHA_RANGE = (1e-3, 4.0)
MOMENTUM_MAX = 0.99
KAPPA_RANGE = (1.0, 1000.0)
ANGLE_RANGE = (0.0, 90.0)
LAMBDA_RANGE = (0.25, 4.0)
STEPS_RANGE = (10, 500)
GAMMA_RANGE = (0.05, 1.0)
TOL = 1e-6
LOSS_FLOOR = 1e-14  # below the loss of any run stopped by ‖∇f‖ < 1e-6 on these quadratics
#: One loss axis for every quadratic the sliders give: from under the floor to three decades over
#: the largest starting loss, ½λmax‖w₀‖² = 50 (λmax = 4, w₀ = (−4, 3)); moving κ, θ or λmax then
#: moves the curves, not the axis.
LOSS_YLIM = (LOSS_FLOOR / 3.0, 1e5)

#: the sweep's grid: columns are learning rates, rows momenta (the heatmap's pixels)
SWEEP_LRS = np.geomspace(*ALPHA_RANGE, 49)
SWEEP_MOMENTA = np.linspace(0.0, 0.98, 15)
RATE_ALPHAS = np.geomspace(*ALPHA_RANGE, 161)
RATE_TOP = 2.0  # top of the ρ axis; larger factors (fast divergence) leave through the top


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
    raise ValueError(
        f"schedule must be one of {', '.join(map(repr, SCHEDULES.values()))}, got {kind!r}"
    )


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
    return theory.momentum_factors(RATE_ALPHAS, mu).max(axis=-1)


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


def clip_for_log(y: np.ndarray, floor: float = LOSS_FLOOR) -> np.ndarray:
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
    rate_curve: np.ndarray  # ρ(α) over RATE_ALPHAS for the current μ
    rate_now: float  # ρ at the current α, μ (theory)
    measured: float | None  # measured contraction per step
    predicted_rate: float | None  # the theory's contraction per step for this setting
    sweep: SweepResult
    heat_kind: str
    heat: np.ndarray  # masked (n_mom, n_lr) image data
    heat_clim: tuple[float, float]

    # -- what the figure draws, read by the explorer's artists ---------------------------------
    @property
    def loss_line(self) -> tuple[np.ndarray, np.ndarray]:
        return np.arange(self.loss.size), self.loss

    @property
    def predicted_line(self) -> tuple[np.ndarray, np.ndarray]:
        if self.predicted is None:
            return np.empty(0), np.empty(0)
        return np.arange(self.predicted.size), self.predicted

    def component_line(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The loss along eigendirection i (gradient descent in 2-D only)."""
        if self.components is None or i >= self.components.shape[0]:
            return np.empty(0), np.empty(0)
        y = clip_for_log(self.components[i])
        return np.arange(y.size), y

    @property
    def momentum_curve(self) -> tuple[np.ndarray, np.ndarray]:
        return (RATE_ALPHAS, self.rate_curve) if self.mu > 0.0 else (np.empty(0), np.empty(0))

    @property
    def rate_point(self) -> tuple[list, list]:
        return [self.alpha], [min(self.rate_now, 0.985 * RATE_TOP)]

    @property
    def schedule_line(self) -> tuple[np.ndarray, np.ndarray]:
        return np.arange(self.rates.size), np.maximum(self.rates, ALPHA_RANGE[0] / 10.0)

    @property
    def heat_point(self) -> tuple[list, list]:
        return [math.log10(self.alpha)], [self.mu]

    @property
    def color_key(self) -> str:
        """The optimizer whose colour the run is drawn in."""
        return "gd" if self.mu == 0.0 else "momentum"


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
) -> LearningRateState:
    """Run the optimizer for one setting and collect the theory beside it.

    Args:
        problem: "2d" (½wᵀAw with eigenvalues λmax/κ and λmax, rotated by ``angle`` degrees) or
            "1d" ((λmax/2)·w²).
        alpha: the (peak) learning rate, in ``ALPHA_RANGE``.
        momentum: heavy ball's μ in [0, ``MOMENTUM_MAX``] (0: gradient descent).
        steps: the budget, in ``STEPS_RANGE``.
        kappa, angle, lam_max: the quadratic (``KAPPA_RANGE``, ``ANGLE_RANGE``, ``LAMBDA_RANGE``).
        schedule: a value of ``SCHEDULES``; gamma, step_size, half_life, warmup its parameters.
        heatmap: "steps" (steps to converge) or "loss" (final loss).
    """
    problem = check_choice("problem", problem, tuple(PROBLEMS.values()))
    alpha = check_real("alpha", alpha, low=ALPHA_RANGE[0], high=ALPHA_RANGE[1])
    mu = check_real("momentum", momentum, low=0.0, high=MOMENTUM_MAX)
    steps = check_int("steps", steps, low=STEPS_RANGE[0], high=STEPS_RANGE[1])
    kappa = check_real("kappa", kappa, low=KAPPA_RANGE[0], high=KAPPA_RANGE[1])
    angle = check_real("angle", angle, low=ANGLE_RANGE[0], high=ANGLE_RANGE[1])
    lam_max = check_real("lam_max", lam_max, low=LAMBDA_RANGE[0], high=LAMBDA_RANGE[1])
    schedule = check_choice("schedule", schedule, tuple(SCHEDULES.values()))
    gamma = check_real("gamma", gamma, low=GAMMA_RANGE[0], high=GAMMA_RANGE[1])
    step_size = check_int("step_size", step_size, low=1, high=STEPS_RANGE[1])
    half_life = check_int("half_life", half_life, low=1, high=STEPS_RANGE[1])
    warmup = check_int("warmup", warmup, low=0, high=STEPS_RANGE[1])
    heatmap = check_choice("heatmap", heatmap, tuple(HEATMAPS.values()))
    key = _objective_key(problem, kappa, angle, lam_max)
    obj = make_quadratic(*key)
    theory = _theory(key)
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
        rate_curve = _gd_rate_curve(key)
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

    res = lr_sweep(*key, steps)
    heat, clim = _heat(key, steps, heatmap)
    return LearningRateState(
        problem=problem,
        objective_key=key,
        objective=obj,
        theory=theory,
        alpha=alpha,
        mu=mu,
        steps=steps,
        schedule_kind=schedule,
        schedule=sched,
        rates=rates,
        trajectory=traj,
        loss=clip_for_log(np.asarray(traj.loss)),
        predicted=None if predicted is None else clip_for_log(predicted),
        predicted_label=predicted_label,
        components=components,
        rate_curve=rate_curve,
        rate_now=rate_now,
        measured=measured_rate(traj),
        predicted_rate=predicted_rate,
        sweep=res,
        heat_kind=heatmap,
        heat=heat,
        heat_clim=clim,
    )


@functools.lru_cache(maxsize=32)
def _heat(key: tuple, steps: int, kind: str) -> tuple[np.ma.MaskedArray, tuple[float, float]]:
    """The heatmap's image and colour range (cached with the sweep it shows)."""
    obj = make_quadratic(*key)
    return _heat_data(lr_sweep(*key, steps), kind, float(obj.value(obj.start)), _theory(key))


@functools.lru_cache(maxsize=64)
def _theory(key: tuple) -> QuadraticTheory:
    return QuadraticTheory.from_objective(make_quadratic(*key))


@functools.lru_cache(maxsize=64)
def _gd_rate_curve(key: tuple) -> np.ndarray:
    curve = np.asarray(_theory(key).rate(RATE_ALPHAS))
    curve.setflags(write=False)
    return curve


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


_SCHEDULE_NAMES = {v: k for k, v in SCHEDULES.items()}


def learning_rate_status(s: LearningRateState) -> Status:
    """The run against the theory (band, rates, outcome, best rate), in words."""
    th, traj = s.theory, s.trajectory
    a, mu = s.alpha, s.mu
    lim = th.stable_lr_max
    outcome = _outcome(traj, s.steps)
    if traj.diverged:
        kind = "diverged"
    elif traj.converged:
        kind = "converged"
    else:
        kind = "info"
    measured, predicted = _fmt_rate(s.measured), _fmt_rate(s.predicted_rate)
    rates = f"measured rate {measured} vs predicted {predicted}"
    if s.schedule_kind != "constant":
        r = s.rates
        inside = int(np.count_nonzero(r < lim))
        head = (
            f"{_SCHEDULE_NAMES[s.schedule_kind]} schedule: α_t from "
            f"{r[0]:.3g} to {r[-1]:.3g}; inside the stable band (0, {lim:.3g}) for {inside} of "
            f"{r.size} steps"
        )
        if mu > 0.0:
            return Status(f"{head}, with momentum μ = {mu:.2g}; {outcome}", kind)
        return Status(f"{head}; {rates} (per step, second half); {outcome}", kind)
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
        return Status(
            f"α = {a:.3g} is {where} the stable band (0, {lim:.3g}): {detail}; {rates}; "
            f"{outcome}; {best}",
            kind,
        )
    stable = "stable" if s.rate_now < 1.0 else "unstable"
    return Status(
        f"α = {a:.3g}, μ = {mu:.2g}: heavy ball is {stable}, ρ(α, μ) = {s.rate_now:.3g}; "
        f"{rates}; {outcome}; best μ* = {th.best_momentum:.3g} with α = "
        f"{th.best_momentum_lr:.3g} gives {th.momentum_rate:.3g}",
        kind,
    )


def best_lr_question() -> Question:
    """ "Which constant α makes gradient descent fastest?" — graded against 2/(λmin + λmax)."""

    def answer(st: LearningRateState) -> tuple[float, str]:
        th = st.theory
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

    def answer(st: LearningRateState) -> tuple[float, str]:
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
