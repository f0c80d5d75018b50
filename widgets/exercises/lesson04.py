"""Checks for lesson 04: how the learning rate decides whether, and how fast, descent converges.

References: the closed-form quadratic theory (``widgets.theory``) for the contraction factors, the
best rate and the stable band; ``simulate`` for the behaviour challenges (a rate that must reach a
loss within a step budget, a schedule that must beat every constant rate on a budget). Feedback
says whether a rate is too large or too cautious, and by how much.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..objectives import Quadratic2D, wdbc_logistic
from ..optimizers import gd, newton
from ..simulate import seeded_runs, simulate
from ..theory import quadratic_theory
from ._core import Form, Number, Wrong, call, exercise
from ._core import number as _number

__all__ = [
    "BUDGET_QUADRATIC",
    "BUDGET_STEPS",
    "BUDGET_TARGET",
    "FACTOR_SETTING",
    "SCHEDULE_BATCH",
    "SCHEDULE_EPOCHS",
    "SCHEDULE_RATES",
    "SCHEDULE_SEEDS",
    "STABLE_MATRIX",
    "THEORY_MATRIX",
    "constant_rate_scores",
    "schedule_score",
    "steps_to_shrink",
]

#: ex_04_1: learning rate and the two curvatures
FACTOR_SETTING = {"alpha": 0.35, "lambdas": (0.5, 5.0)}
#: ex_04_2: the matrix of f(w) = ½ wᵀAw whose best rate is asked for (eigenvalues 1 and 6)
THEORY_MATRIX = ((5.0, 2.0), (2.0, 2.0))
#: ex_04_3: the matrix whose largest stable rate is to be found
STABLE_MATRIX = ((4.0, 1.5), (1.5, 1.0))
#: ex_04_4: the quadratic, the loss to reach and the step budget
BUDGET_QUADRATIC = {"condition_number": 25.0, "angle": math.pi / 6, "scale": 2.0}
BUDGET_TARGET = 1e-8
BUDGET_STEPS = 130
#: ex_04_5: mini-batch SGD on the WDBC loss: batch size, epochs, seeds, the constant rates to beat
SCHEDULE_BATCH = 8
SCHEDULE_EPOCHS = 5
SCHEDULE_SEEDS = (0, 1, 2)
SCHEDULE_RATES = tuple(float(a) for a in np.geomspace(0.05, 2.0, 33))
#: ex_04_6: condition number and the error reduction asked for
SHRINK_KAPPA = 100.0
SHRINK_FACTOR = 1e-6


def _numbers(value, n: int, what: str) -> list[float]:
    if isinstance(value, str | bytes) or not hasattr(value, "__len__"):
        raise Wrong(f"give {n} numbers as a tuple ({what}), got {value!r}")
    items = list(value)
    if len(items) != n:
        raise Wrong(f"give {n} numbers as a tuple ({what}), got {len(items)}")
    return [_number(f"entry {k + 1}", v) for k, v in enumerate(items)]


# --------------------------------------------------------------------------------------------
# ex_04_1: per-direction factors


@exercise(
    "ex_04_1",
    form=Form((Number("factor for λ₁ = 0.5"), Number("factor for λ₂ = 5"), Number("overall rate"))),
    hint="each eigendirection is multiplied by 1 − αλ per step; its size shrinks by |1 − αλ|. "
    "The overall rate is the largest of these.",
)
def _check_factors(answer) -> str:
    f1, f2, rate = _numbers(answer, 3, "|1 − αλ₁|, |1 − αλ₂|, overall rate")
    a = FACTOR_SETTING["alpha"]
    l1, l2 = FACTOR_SETTING["lambdas"]
    ref1, ref2 = abs(1 - a * l1), abs(1 - a * l2)
    for lam, got, ref in ((l1, f1, ref1), (l2, f2, ref2)):
        if math.isclose(got, ref, abs_tol=1e-9):
            continue
        if math.isclose(got, 1 - a * lam, abs_tol=1e-9):
            raise Wrong(
                f"for λ = {lam:g}, 1 − αλ = {1 - a * lam:g} is the signed multiplier: the sign "
                "says the coordinate flips each step; the factor by which its size shrinks is "
                "the absolute value"
            )
        if math.isclose(got, a * lam, abs_tol=1e-9):
            raise Wrong(f"for λ = {lam:g}, αλ = {a * lam:g} is what a step removes; 1 − αλ remains")
        raise Wrong(f"for λ = {lam:g} the factor |1 − αλ| is not {got:g}")
    if not math.isclose(rate, max(ref1, ref2), abs_tol=1e-9):
        if math.isclose(rate, min(ref1, ref2), abs_tol=1e-9):
            raise Wrong(
                "the overall rate is set by the SLOWEST direction, the larger factor: once the "
                "fast one has vanished, only the slow one is left"
            )
        raise Wrong(f"the overall rate is max(|1 − αλ₁|, |1 − αλ₂|), not {rate:g}")
    return (
        f"factors {ref1:g} (flat direction, shrinking monotonically) and {ref2:g} (steep "
        f"direction: 1 − αλ = {1 - a * l2:g} < 0, so it flips sign each step); the error "
        f"shrinks like {max(ref1, ref2):g}ᵗ."
    )


# --------------------------------------------------------------------------------------------
# ex_04_2: the best fixed rate and its contraction


@exercise(
    "ex_04_2",
    form=Form((Number("best rate α*"), Number("contraction per step"))),
    hint="find λmin and λmax of A (np.linalg.eigvalsh); α* = 2/(λmin + λmax) equalises "
    "1 − αλmin and αλmax − 1; the rate is (κ − 1)/(κ + 1) with κ = λmax/λmin.",
)
def _check_best_rate(answer) -> str:
    alpha, rate = _numbers(answer, 2, "α*, contraction rate")
    th = quadratic_theory(THEORY_MATRIX)
    lo, hi = th.lambda_min, th.lambda_max
    if not math.isclose(alpha, th.best_lr, rel_tol=1e-6):
        for value, name in (
            (
                1 / hi,
                "1/λmax, which makes the steep direction vanish in one step but leaves the "
                "flat one at 1 − λmin/λmax",
            ),
            (2 / hi, "2/λmax, the edge of the stable band: the steep direction never decays"),
            (1 / lo, "1/λmin: far outside the band, the steep direction diverges"),
            (2 / (hi - lo), "2/(λmax − λmin); the two factors are equal at 2/(λmin + λmax)"),
        ):
            if math.isclose(alpha, value, rel_tol=1e-6):
                raise Wrong(f"α = {alpha:.4g} is {name}")
        raise Wrong(f"α* = 2/(λmin + λmax) with λ = {lo:g}, {hi:g}; you gave {alpha:.4g}")
    if not math.isclose(rate, th.best_rate, rel_tol=1e-6):
        kappa = th.condition_number
        if math.isclose(rate, 1 - 1 / kappa, rel_tol=1e-6):
            raise Wrong(
                f"1 − 1/κ = {rate:.4g} is the rate at α = 1/λmax; at α* both factors equal "
                "(κ − 1)/(κ + 1)"
            )
        raise Wrong(
            f"at α* the factors are |1 − α*λmin| = |1 − α*λmax|; compute one of them "
            f"(you gave {rate:.4g})"
        )
    return (
        f"λ = {lo:g}, {hi:g}, κ = {th.condition_number:g}: α* = 2/7 ≈ {th.best_lr:.4f} and both "
        f"directions shrink by (κ − 1)/(κ + 1) = 5/7 ≈ {th.best_rate:.4f} per step."
    )


# --------------------------------------------------------------------------------------------
# ex_04_3: the largest stable rate


@exercise(
    "ex_04_3",
    form=Form((Number("largest converging α"),)),
    hint="GD converges exactly when every |1 − αλᵢ| < 1, i.e. α < 2/λmax; get λmax from "
    "np.linalg.eigvalsh(A), or bisect: simulate a rate and see whether it converges.",
)
def _check_largest_stable(answer) -> str:
    alpha = _number("α", answer)
    th = quadratic_theory(STABLE_MATRIX)
    limit = th.stable_lr_max
    if alpha <= 0:
        raise Wrong("a learning rate is positive")
    q = Quadratic2D.from_matrix(STABLE_MATRIX)
    run = simulate(q, gd(alpha), [1.0, 1.0], steps=2000, tol=1e-8)
    if alpha >= limit:
        factor = abs(1 - alpha * th.lambda_max)
        what = f"{run.message}" if run.diverged else f"the run {run.message}; it bounces forever"
        raise Wrong(
            f"α = {alpha:.5g} is too large: along the steepest direction (λmax = "
            f"{th.lambda_max:.4f}) each step multiplies the error by |1 − αλmax| = {factor:.4f} "
            f"≥ 1, so {what}. Go lower"
        )
    if alpha < 0.97 * limit:
        raise Wrong(
            f"α = {alpha:.5g} converges ({run.message}), but it is too cautious: rates up to "
            f"{100 * (limit / alpha - 1):.0f} % larger still converge. Find the edge (within 3 %)"
        )
    return (
        f"α = {alpha:.5g} converges ({run.message}); the edge is 2/λmax = {limit:.5f} "
        f"(λmax = {th.lambda_max:.4f}). So close to the edge the steep direction barely decays "
        f"(factor {abs(1 - alpha * th.lambda_max):.3f}): the largest stable rate is not a good "
        f"rate — the best one is 2/(λmin + λmax) = {th.best_lr:.4f}."
    )


# --------------------------------------------------------------------------------------------
# ex_04_4: a rate that reaches the target within the budget


@exercise(
    "ex_04_4",
    form=Form((Number("learning rate α"),)),
    hint="the flat direction needs α large (its factor is 1 − αλmin), the steep one needs "
    "|1 − αλmax| small: aim near α* = 2/(λmin + λmax), or a little below it, since the steep "
    "direction starts with most of the loss.",
)
def _check_budget_rate(answer) -> str:
    alpha = _number("α", answer)
    if alpha <= 0:
        raise Wrong("a learning rate is positive")
    q = Quadratic2D(**BUDGET_QUADRATIC)
    th = quadratic_theory(q.A)
    run = simulate(q, gd(alpha), steps=BUDGET_STEPS, tol=None)
    hit = run.loss < BUDGET_TARGET
    if hit.any():
        k = int(np.argmax(hit))
        return (
            f"α = {alpha:.4g} reaches f < {BUDGET_TARGET:g} after {k} steps (budget "
            f"{BUDGET_STEPS}); factors: flat {abs(1 - alpha * th.lambda_min):.4f}, steep "
            f"{abs(1 - alpha * th.lambda_max):.4f} (α* = {th.best_lr:.4f} makes both "
            f"{th.best_rate:.4f})."
        )
    if run.diverged or alpha >= th.stable_lr_max:
        raise Wrong(
            f"α = {alpha:.4g} is outside the stable band (0, 2/λmax) = (0, "
            f"{th.stable_lr_max:.4g}): the steep direction grows by |1 − αλmax| = "
            f"{abs(1 - alpha * th.lambda_max):.3f} per step. Go lower"
        )
    flat, steep = abs(1 - alpha * th.lambda_min), abs(1 - alpha * th.lambda_max)
    longer = simulate(q, gd(alpha), steps=20 * BUDGET_STEPS, tol=None)
    late = longer.loss < BUDGET_TARGET
    took = f"it needs {int(np.argmax(late))} steps" if late.any() else "it needs far more steps"
    if flat >= steep:
        raise Wrong(
            f"α = {alpha:.4g} is too small: the flat direction (λmin = {th.lambda_min:g}) shrinks "
            f"only by {flat:.4f} per step, and {took} (budget {BUDGET_STEPS}). Go higher"
        )
    raise Wrong(
        f"α = {alpha:.4g} is too large: the steep direction (λmax = {th.lambda_max:g}) "
        f"oscillates and shrinks only by |1 − αλmax| = {steep:.4f} per step, and {took} (budget "
        f"{BUDGET_STEPS}). Go a little lower"
    )


# --------------------------------------------------------------------------------------------
# ex_04_5: a schedule that beats every constant rate on a budget


@functools.cache
def _wdbc():
    loss = wdbc_logistic()
    f_star = simulate(loss, newton(), steps=50, tol=1e-12).final_loss
    return loss, f_star


def _final_gaps(learning_rate, n_rates: int = 1) -> np.ndarray:
    """f − f* after the budget for every run: seeds SCHEDULE_SEEDS, repeated ``n_rates`` times.

    ``learning_rate`` is a schedule, or an array with one rate per run (rate-major).
    """
    loss, f_star = _wdbc()
    seeds = list(SCHEDULE_SEEDS) * n_rates
    start = np.zeros(loss.dim)
    # the runs in lock step, each equal to simulate's with its seed
    runs = seeded_runs(loss, gd(learning_rate), start, SCHEDULE_BATCH, SCHEDULE_EPOCHS, seeds)
    return loss.value(runs.params[:, -1]) - f_star


@functools.cache
def constant_rate_scores() -> tuple[np.ndarray, np.ndarray]:
    """(rates, mean final f − f* over the seeds) for every constant rate in SCHEDULE_RATES."""
    rates = np.array(SCHEDULE_RATES)
    n = len(SCHEDULE_SEEDS)
    gaps = _final_gaps(np.repeat(rates, n), len(rates)).reshape(len(rates), n)
    return rates, gaps.mean(axis=1)


def schedule_score(schedule) -> float:
    """Mean final f − f* over the seeds for mini-batch SGD run with ``schedule``."""
    return float(np.mean(_final_gaps(schedule)))


@exercise(
    "ex_04_5",
    hint="a constant rate trades speed for noise: large rates get close fast but then bounce "
    "at a floor proportional to α. Start large and end small, e.g. cosine(1.0, total_steps) "
    "or exponential(1.0, gamma) from widgets.schedules; the budget is 5 × 72 = 360 steps.",
)
def _check_schedule(answer) -> str:
    if not callable(answer):
        raise Wrong(
            "give a schedule: a function of the step t, e.g. cosine(1.0, 360) from "
            "widgets.schedules (a plain number is a constant rate, which cannot beat the best "
            "constant rate)"
        )
    steps = SCHEDULE_EPOCHS * -(-569 // SCHEDULE_BATCH)
    rates = np.asarray(call(answer, np.arange(steps)), dtype=float)
    if rates.shape != (steps,):
        rates = np.array([float(call(answer, int(t))) for t in range(steps)])
    if not np.all(np.isfinite(rates)) or np.any(rates <= 0):
        raise Wrong("the schedule must give a positive, finite rate at every step t = 0 … 359")
    const_rates, const_scores = constant_rate_scores()
    best = int(np.argmin(const_scores))
    bar = float(const_scores[best])
    score = schedule_score(answer)
    if not math.isfinite(score):
        raise Wrong("with this schedule the runs blew up; lower the peak rate")
    if score < bar:
        return (
            f"mean final f − f* over seeds {SCHEDULE_SEEDS}: {score:.3g}, against {bar:.3g} for "
            f"the best of {len(const_rates)} constant rates (α = {const_rates[best]:.3g}), "
            f"{bar / score:.1f}× lower. Decaying the rate removes the noise floor a constant "
            "rate is stuck at."
        )
    if np.ptp(rates) <= 1e-12 * rates.max():
        raise Wrong(
            f"this schedule is constant (α = {rates[0]:.3g}); its score {score:.3g} cannot beat "
            f"the best constant rate ({bar:.3g} at α = {const_rates[best]:.3g}): let it decay"
        )
    if rates[-1] >= rates[0]:
        raise Wrong(
            f"score {score:.3g}, the best constant rate gets {bar:.3g}: your rate ends at or "
            "above where it starts; for SGD the rate should shrink towards the end, where the "
            "noise floor is what remains"
        )
    raise Wrong(
        f"score {score:.3g} (mean final f − f*), the best constant rate gets {bar:.3g} (α = "
        f"{const_rates[best]:.3g}). Your rate goes from {rates[0]:.3g} to {rates[-1]:.3g}: try "
        "a larger start (to get close fast) and a smaller end (to settle below the floor)"
    )


# --------------------------------------------------------------------------------------------
# ex_04_6: steps needed at the best rate


def steps_to_shrink(kappa: float = SHRINK_KAPPA, factor: float = SHRINK_FACTOR) -> int:
    """Smallest t with ((κ − 1)/(κ + 1))ᵗ ≤ factor."""
    rho = (kappa - 1) / (kappa + 1)
    return math.ceil(math.log(factor) / math.log(rho))


@exercise(
    "ex_04_6",
    form=Form((Number("steps t"),)),
    hint="the error shrinks by ρ = (κ − 1)/(κ + 1) per step; solve ρᵗ ≤ 10⁻⁶ for the smallest "
    "integer t: t = ⌈ln(10⁻⁶)/ln ρ⌉.",
)
def _check_steps(answer) -> str:
    t = _number("the number of steps", answer)
    ref = steps_to_shrink()
    kappa = SHRINK_KAPPA
    if abs(t - ref) <= 1:
        return (
            f"t = {ref}: ρ = 99/101 and ln(10⁶)/ln(101/99) ≈ "
            f"{math.log(1e6) / math.log(101 / 99):.1f}; for large κ this is about "
            f"(κ/2)·ln(10⁶) ≈ {kappa / 2 * math.log(1e6):.0f} steps — linear in the condition "
            "number."
        )
    slow = math.ceil(math.log(SHRINK_FACTOR) / math.log(1 - 1 / kappa))
    if abs(t - slow) <= 1:
        raise Wrong(
            f"{t:g} steps is the count for ρ = 1 − 1/κ (the rate α = 1/λmax); at the best rate "
            "ρ = (κ − 1)/(κ + 1), about twice as fast"
        )
    if abs(t - kappa * math.log(1e6)) <= 2:
        raise Wrong(f"{t:g} ≈ κ·ln(10⁶) is the count for ρ ≈ 1 − 1/κ; use (κ − 1)/(κ + 1)")
    raise Wrong(
        f"with ρ = (κ − 1)/(κ + 1) = {(kappa - 1) / (kappa + 1):.5f}, it is not {t:g} steps"
    )
