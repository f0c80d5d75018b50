"""Checks for lesson 03: gradient descent and its batch, stochastic and mini-batch variants.

The references are the package's own computations: ``LogisticLoss.grad`` for the steepest-descent
direction, the exact mini-batch noise ``tr(Σ)/B · (m − B)/(m − 1)`` from the per-example gradients
(``widgets.models.batch_size.gradient_noise``), and ``simulate`` for the race between the three
variants. Each checker also names the usual slips (ascent instead of descent, a sample variance, a
sum instead of a mean, the wrong finite-population correction) and says what to change.

The race of ex_03_5 is timed with a deterministic cost model, never with a clock: an update that
uses B examples costs ``B + OVERHEAD`` example-equivalents (see :func:`wall_clock`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import numpy as np

from ..objectives import LogisticLoss, wdbc_logistic
from ..optimizers import gd, newton
from ..simulate import Trajectory, simulate
from ._core import Choice, Form, Number, Wrong, call, exercise
from ._core import number as _number

__all__ = [
    "FLOOR_SETTING",
    "OVERHEAD",
    "RACE",
    "RACE_TARGET",
    "TOY_GRADIENTS",
    "VARIANCE_BATCHES",
    "batch_noise",
    "race_results",
    "stationary_excess_loss",
    "wall_clock",
    "wdbc_optimum",
]

#: fixed cost of one update, in example-equivalents (loop iteration, kernel launch, bookkeeping)
OVERHEAD = 64
#: the three runs of ex_03_5: name -> (batch size, learning rate); shuffling seed 0
RACE: dict[str, tuple[int | None, float]] = {
    "batch": (None, 4.0),
    "sgd": (1, 0.2),
    "minibatch": (32, 2.0),
}
#: the race is won by the first run with f − f* below this
RACE_TARGET = 1e-3
#: the per-example gradients of the 1-D toy problem of ex_03_3
TOY_GRADIENTS = (1.0, 3.0, -2.0, 6.0)
#: batch sizes whose gradient variance ex_03_4 measures
VARIANCE_BATCHES = (1, 8, 64)
#: curvature λ, learning rate α and gradient-noise variance Σ_B of ex_03_6
FLOOR_SETTING = {"lam": 0.5, "alpha": 0.2, "noise": 3.0}

_NAMES = tuple(RACE)
#: the options of ex_03_5 in a form
_RUN_CHOICES = (
    ("full batch", "batch"),
    ("SGD (B = 1)", "sgd"),
    ("mini-batch (B = 32)", "minibatch"),
)


def _numbers(value, n: int, what: str) -> list[float]:
    if isinstance(value, str | bytes) or not hasattr(value, "__len__"):
        raise Wrong(f"give {n} numbers as a tuple ({what}), got {value!r}")
    items = list(value)
    if len(items) != n:
        raise Wrong(f"give {n} numbers as a tuple ({what}), got {len(items)}")
    return [_number(f"entry {k + 1}", v) for k, v in enumerate(items)]


@functools.cache
def wdbc_optimum() -> tuple[LogisticLoss, np.ndarray, float]:
    """The lesson's loss (WDBC, mean radius and texture, with bias), its minimiser and minimum.

    Newton's method from 0 converges in 7 steps to ‖∇f‖ < 1e-12.
    """
    loss = wdbc_logistic()
    best = simulate(loss, newton(), steps=50, tol=1e-12)
    return loss, best.final_params.copy(), best.final_loss


# --------------------------------------------------------------------------------------------
# ex_03_1: the steepest-descent direction


@exercise(
    "ex_03_1",
    hint="D_u f = ∇f·u ≥ −‖∇f‖‖u‖ = −‖∇f‖ by Cauchy–Schwarz, with equality for u = −∇f/‖∇f‖. "
    "Compute g = loss.grad(np.zeros(3)), then u = -g / np.linalg.norm(g) and the slope g @ u.",
)
def _check_direction(answer) -> str:
    if isinstance(answer, str | bytes) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise Wrong("give a pair (u, slope): the unit direction (3 numbers) and D_u f (a number)")
    u, slope = answer
    try:
        u = np.asarray(u, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"u should be an array of 3 numbers, got {u!r}") from None
    slope = _number("the slope D_u f", slope)
    loss, _, _ = wdbc_optimum()
    g = loss.grad(np.zeros(loss.dim))
    norm = float(np.linalg.norm(g))
    if u.shape != (loss.dim,):
        raise Wrong(f"u should have one entry per parameter, shape ({loss.dim},), got {u.shape}")
    if not np.all(np.isfinite(u)):
        raise Wrong("u has entries that are not finite numbers")
    length = float(np.linalg.norm(u))
    if abs(length - 1.0) > 1e-6:
        if length > 0 and np.allclose(u / length, -g / norm, atol=1e-6):
            raise Wrong(
                f"u points the right way but has length {length:.4g}: a direction must be a unit "
                "vector, divide by its norm (otherwise D_u f scales with the length)"
            )
        raise Wrong(f"u must be a unit vector (length 1), yours has length {length:.4g}")
    if np.allclose(u, g / norm, atol=1e-6):
        raise Wrong(
            "u = +∇f/‖∇f‖ is the direction of steepest *ascent*: the loss rises fastest along it. "
            "Descent goes the other way"
        )
    if not np.allclose(u, -g / norm, atol=1e-6):
        cos = float(-(g @ u) / norm)
        raise Wrong(
            f"this unit vector is not the steepest descent direction: the angle between it and "
            f"−∇f is {math.degrees(math.acos(max(-1.0, min(1.0, cos)))):.1f}°, and along it the "
            f"loss falls at rate {g @ u:.4g}, not the fastest possible"
        )
    if abs(slope + norm) > 1e-6:
        if abs(slope - norm) <= 1e-6:
            raise Wrong(
                f"the slope along −∇f/‖∇f‖ is negative: ∇f·u = −‖∇f‖ = {-norm:.6g} (the loss "
                "goes down)"
            )
        if abs(slope + norm**2) <= 1e-6:
            raise Wrong(
                f"{slope:.6g} is −‖∇f‖², the slope along the unnormalised −∇f; along the unit "
                f"vector u it is −‖∇f‖ = {-norm:.6g}"
            )
        raise Wrong(f"the slope D_u f = ∇f·u is {g @ u:.6g} for your u, not {slope:.6g}")
    return (
        f"u = −∇f/‖∇f‖ = {np.round(-g / norm, 4).tolist()}, and the loss falls at rate "
        f"‖∇f‖ = {norm:.4f} per unit moved: no other unit direction does better (Cauchy–Schwarz)."
    )


# --------------------------------------------------------------------------------------------
# ex_03_2: a mini-batch iterator with shuffling


def _collect(fn, m: int, b: int, epochs: int, seed: int) -> list[np.ndarray]:
    """Call the learner's generator and gather its batches, refusing runaway iterators."""
    out = call(fn, m, b, epochs, seed)
    if isinstance(out, list | tuple | np.ndarray):
        raise Wrong(
            "minibatches returned a list: make it a generator (use `yield` inside the loop), so "
            "batches are produced one at a time as training asks for them"
        )
    if not hasattr(out, "__next__"):
        raise Wrong(
            f"minibatches should return a generator (use `yield`), got {type(out).__name__}"
        )
    expected = epochs * -(-m // b)
    batches = []
    try:
        for k, batch in enumerate(out):
            if k > expected:
                raise Wrong(
                    f"with m = {m}, B = {b} and {epochs} epoch(s) there are {expected} batches, "
                    "but your generator keeps going: stop after the last epoch"
                )
            arr = np.asarray(batch)
            if arr.ndim != 1:
                raise Wrong(f"each batch should be a 1-D array of indices, got shape {arr.shape}")
            if arr.size and not np.issubdtype(arr.dtype, np.integer):
                raise Wrong(
                    f"batches should hold integer indices (to index X[idx]), got dtype {arr.dtype}"
                )
            batches.append(arr)
    except (Wrong, NotImplementedError):
        raise
    except Exception as exc:
        raise Wrong(f"your generator raised {type(exc).__name__}: {exc}") from None
    return batches


def _epochs_of(batches: list[np.ndarray], m: int, b: int, epochs: int) -> list[np.ndarray]:
    per = -(-m // b)
    sizes = [len(x) for x in batches]
    want = ([b] * (m // b) + ([m % b] if m % b else [])) * epochs
    if len(batches) != len(want):
        if any(s == 0 for s in sizes):
            raise Wrong(
                f"m = {m}, B = {b}: your generator yields an empty batch; when B divides m there "
                "is no short batch at the end of an epoch"
            )
        raise Wrong(
            f"m = {m}, B = {b}, {epochs} epoch(s): expected {len(want)} batches ({per} per epoch, "
            f"the last of each epoch holding {m % b or b}), got {len(batches)}"
        )
    if sizes != want:
        raise Wrong(
            f"m = {m}, B = {b}: batch sizes should be {want[:per]} in every epoch (the last one "
            f"short when B does not divide m), got {sizes[:per]}…"
        )
    return [np.concatenate(batches[e * per : (e + 1) * per]) for e in range(epochs)]


@exercise(
    "ex_03_2",
    hint="rng = np.random.default_rng(seed) once, before the epoch loop; each epoch "
    "order = rng.permutation(m), then `for start in range(0, m, batch_size): "
    "yield order[start:start + batch_size]`.",
)
def _check_minibatches(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function minibatches itself (without calling it)")
    m, b, epochs = 10, 3, 2
    batches = _collect(answer, m, b, epochs, 0)
    for e, order in enumerate(_epochs_of(batches, m, b, epochs)):
        if sorted(order.tolist()) != list(range(m)):
            raise Wrong(
                f"epoch {e + 1} should visit every index 0 … {m - 1} exactly once, got "
                f"{order.tolist()}"
            )
    first, second = (np.concatenate(batches[:4]), np.concatenate(batches[4:]))
    if np.array_equal(first, second):
        raise Wrong(
            "every epoch uses the same order: draw a fresh permutation at the start of each "
            "epoch (create the generator once, outside the epoch loop, and keep using it)"
        )
    # a larger case: m = 569 (WDBC), B = 32, 3 epochs
    big = _collect(answer, 569, 32, 3, 7)
    orders = _epochs_of(big, 569, 32, 3)
    if np.array_equal(orders[0], np.arange(569)):
        raise Wrong("the examples come in their stored order 0, 1, 2, …: shuffle them every epoch")
    if any(sorted(o.tolist()) != list(range(569)) for o in orders):
        raise Wrong("with m = 569 an epoch misses some examples or repeats others")
    # determinism
    again = _collect(answer, 569, 32, 3, 7)
    if len(again) != len(big) or not all(
        np.array_equal(x, y) for x, y in zip(big, again, strict=True)
    ):
        raise Wrong(
            "the same seed gave a different sequence: build the generator from the seed, "
            "np.random.default_rng(seed), not from global state"
        )
    other = _collect(answer, 569, 32, 3, 8)
    if all(np.array_equal(x, y) for x, y in zip(big, other, strict=True)):
        raise Wrong("seeds 7 and 8 give the same batches: the seed must drive the shuffling")
    # edge cases: B = 1 and B = m
    _epochs_of(_collect(answer, 5, 1, 1, 0), 5, 1, 1)
    full = _collect(answer, 6, 6, 2, 0)
    _epochs_of(full, 6, 6, 2)
    from ..simulate import minibatch

    ref = minibatch(32, 7).batches(569)
    same = all(np.array_equal(x, next(ref)) for x in big)
    extra = (
        " It even reproduces the package's own oracle, minibatch(B, seed).batches(m), batch for "
        "batch."
        if same
        else ""
    )
    return (
        "each epoch is a fresh permutation cut into batches of B (the last one short when B does "
        "not divide m), and the same seed replays the same sequence." + extra
    )


# --------------------------------------------------------------------------------------------
# ex_03_3: unbiased estimate, variance, finite-population correction (exact, by hand)


@exercise(
    "ex_03_3",
    form=Form(
        (
            Number("full gradient"),
            Number("variance, one example"),
            Number("variance, B = 2 with replacement"),
            Number("variance, B = 2 without replacement"),
        )
    ),
    hint="the mean ḡ of the m gradients; their variance is the mean of (gᵢ − ḡ)² (divide by m: the "
    "batch draws from exactly these m); with replacement it is divided by B; without, multiply "
    "that by (m − B)/(m − 1).",
)
def _check_toy_variance(answer) -> str:
    full, var1, var_rep, var_norep = _numbers(
        answer, 4, "full gradient, variance, Var with replacement, Var without replacement"
    )
    g = np.array(TOY_GRADIENTS)
    m, b = len(g), 2
    mean = float(g.mean())
    sigma2 = float(g.var())
    rep = sigma2 / b
    norep = rep * (m - b) / (m - 1)
    if not math.isclose(full, mean, rel_tol=1e-4, abs_tol=1e-9):
        raise Wrong(f"the full gradient is the mean of the four, {mean:g}, not {full:g}")
    if not math.isclose(var1, sigma2, rel_tol=1e-4, abs_tol=1e-9):
        if math.isclose(var1, float(g.var(ddof=1)), rel_tol=1e-4, abs_tol=1e-9):
            raise Wrong(
                f"{var1:.4g} divides by m − 1: that estimates the variance of a larger population "
                f"from a sample. Here the four examples ARE the population a batch is drawn from, "
                f"so divide by m = {m}"
            )
        if math.isclose(var1, float((g**2).mean()), rel_tol=1e-4, abs_tol=1e-9):
            raise Wrong(
                f"{var1:.4g} is the mean of gᵢ², not of (gᵢ − ḡ)²: subtract the full gradient first"
            )
        raise Wrong(f"the variance, the mean of (gᵢ − ḡ)², is not {var1:.4g}")
    if not math.isclose(var_rep, rep, rel_tol=1e-4, abs_tol=1e-9):
        if math.isclose(var_rep, sigma2, rel_tol=1e-4, abs_tol=1e-9):
            raise Wrong("averaging B = 2 independent draws divides the variance by B")
        raise Wrong(f"with replacement Var(g_B) = trΣ/B = {sigma2:g}/{b}, not {var_rep:.4g}")
    if not math.isclose(var_norep, norep, rel_tol=1e-4, abs_tol=1e-9):
        if math.isclose(var_norep, rep * (m - b) / m, rel_tol=1e-4, abs_tol=1e-9):
            raise Wrong("the finite-population correction is (m − B)/(m − 1), not (m − B)/m")
        if math.isclose(var_norep, rep, rel_tol=1e-4, abs_tol=1e-9):
            raise Wrong(
                "without replacement the two draws cannot repeat an example, which makes them "
                "negatively correlated: the variance is smaller, by (m − B)/(m − 1)"
            )
        raise Wrong(f"without replacement Var = trΣ/B · (m − B)/(m − 1), not {var_norep:.4g}")
    return (
        f"ḡ = {mean:g}, variance {sigma2:g}, {sigma2:g}/2 = {rep:g} with replacement and "
        f"{norep:.4g} without. "
        f"You can confirm the last by listing all 6 pairs: their means deviate from {mean:g} by "
        "0, ±1.5, ±2.5, 0 — mean square 17/6."
    )


# --------------------------------------------------------------------------------------------
# ex_03_4: the measured variance of mini-batch gradients


def batch_noise(batch_size: int, w=None, replace: bool = False) -> float:
    """E‖g_B − ∇f‖² on the lesson's WDBC loss at ``w`` (default 0), exactly.

    ``tr(Σ)/B`` with replacement, times ``(m − B)/(m − 1)`` without, Σ the covariance of the
    per-example gradients (``example_grads``); without replacement it equals
    ``gradient_noise(loss, w, B).std ** 2`` of the batch-size explorer.
    """
    loss, _, _ = wdbc_optimum()
    w = np.zeros(loss.dim) if w is None else np.asarray(w, dtype=float)
    G = loss.example_grads(w)
    m = G.shape[0]
    tr_sigma = float(G.var(axis=0).sum())
    b = int(batch_size)
    return tr_sigma / b if replace else tr_sigma / b * (m - b) / (m - 1)


def _as_measurements(answer) -> dict[int, float]:
    if isinstance(answer, Mapping):
        missing = [b for b in VARIANCE_BATCHES if b not in answer]
        if missing:
            raise Wrong(f"give a value for every batch size {VARIANCE_BATCHES}; missing {missing}")
        return {b: _number(f"the value for B = {b}", answer[b]) for b in VARIANCE_BATCHES}
    values = _numbers(answer, len(VARIANCE_BATCHES), "for B = 1, 8, 64")
    return dict(zip(VARIANCE_BATCHES, values, strict=True))


@exercise(
    "ex_03_4",
    hint="G = loss.example_grads(w0) is (569, 3) and g = loss.grad(w0); for each B draw many "
    "batches idx = rng.choice(569, size=B, replace=False), average G[idx] over the batch, and "
    "average ‖g_B − ∇f‖² over at least 2000 batches.",
)
def _check_measured_variance(answer) -> str:
    got = _as_measurements(answer)
    loss, _, _ = wdbc_optimum()
    g = loss.grad(np.zeros(loss.dim))
    lines = []
    for b in VARIANCE_BATCHES:
        ref, rep = batch_noise(b), batch_noise(b, replace=True)
        v = got[b]
        if v <= 0:
            raise Wrong(f"a variance is positive; for B = {b} you gave {v:g}")
        if abs(v / ref - 1) <= 0.1:
            lines.append(f"B = {b}: {v:.4g} (exact {ref:.4g})")
            continue
        if abs(v / rep - 1) <= 0.1:
            raise Wrong(
                f"for B = {b} your {v:.4g} matches sampling WITH replacement ({rep:.4g}); the "
                f"simulator's batches never repeat an example, which lowers it by (m − B)/(m − 1) "
                f"to {ref:.4g}: draw with replace=False"
            )
        if abs(v / (ref + float(g @ g)) - 1) <= 0.1:
            raise Wrong(
                f"for B = {b} you measured E‖g_B‖² = Var + ‖∇f‖²: subtract the full gradient "
                "before squaring"
            )
        if abs(v / (b * ref) - 1) <= 0.15 or abs(v / (b * b * ref) - 1) <= 0.15:
            raise Wrong(
                f"for B = {b} your value is about B or B² times too large: average the batch's "
                "gradients (mean over the B examples), do not sum them"
            )
        if b > 1 and abs(v / (ref * b) - 1) <= 0.3:
            raise Wrong(f"for B = {b} your value does not shrink with B; is g_B a batch mean?")
        raise Wrong(
            f"for B = {b} the gradient variance E‖g_B − ∇f‖² is {ref:.4g} (exact), you measured "
            f"{v:.4g}; use at least 2000 batches, and the same w = 0 as the question"
        )
    ratio = got[1] / got[64]
    return (
        "; ".join(lines) + f". B = 64 is {ratio:.0f}× quieter than B = 1 — 64 × (568/505) = "
        f"{64 * 568 / 505:.0f} in theory: 1/B, plus the small finite-population bonus."
    )


# --------------------------------------------------------------------------------------------
# ex_03_5: which run gets there first, in updates, in epochs and in (model) time


def wall_clock(traj: Trajectory, overhead: float = OVERHEAD) -> np.ndarray:
    """Model time after each step: examples processed plus ``overhead`` per update.

    Timing real runs would make the answer depend on the machine and its load; this cost model
    keeps the two facts that matter: work grows with the examples touched, and every update has a
    fixed cost (a loop iteration, a kernel launch) that a batch shares among its examples.
    """
    steps = np.arange(len(traj.examples_seen))
    return traj.examples_seen + overhead * steps


@functools.cache
def race_results() -> dict[str, dict[str, float]]:
    """Run the three variants of ex_03_5 and record when each first gets f − f* < RACE_TARGET.

    Returns name -> {"updates", "epochs", "time"} (``inf`` if never within the budget).
    """
    loss, _, f_star = wdbc_optimum()
    out = {}
    for name, (b, alpha) in RACE.items():
        steps = {None: 100, 1: 1000}.get(b, 200)  # each reaches the target well within
        traj = simulate(loss, gd(alpha), steps=steps, tol=None, batch_size=b, seed=0)
        hit = traj.loss - f_star < RACE_TARGET
        if not hit.any():
            out[name] = {"updates": math.inf, "epochs": math.inf, "time": math.inf}
            continue
        k = int(np.argmax(hit))
        out[name] = {
            "updates": float(k),
            "epochs": float(traj.epochs[k]),
            "time": float(wall_clock(traj)[k]),
        }
    return out


@exercise(
    "ex_03_5",
    form=Form(
        tuple(
            Choice(f"done first, counting {what}", _RUN_CHOICES)
            for what in ("updates", "epochs", "time")
        ),
        pack=lambda v: dict(zip(("updates", "epochs", "time"), v, strict=True)),
    ),
    hint="an update of SGD is cheap but crude, a full-batch update exact but costs all 569 "
    "examples; count updates, passes over the data, and examples + 64 per update. Or simulate "
    "the three runs and find the first step with f − f* < 1e-3.",
)
def _check_race(answer) -> str:
    if not isinstance(answer, Mapping):
        raise Wrong('give a dict {"updates": …, "epochs": …, "time": …}')
    keys = ("updates", "epochs", "time")
    missing = [k for k in keys if k not in answer]
    if missing:
        raise Wrong(f"the dict needs the keys {keys}; missing {missing}")
    for k in keys:
        if answer[k] not in _NAMES:
            raise Wrong(f"answer[{k!r}] should be one of {_NAMES}, got {answer[k]!r}")
    res = race_results()
    unit = {"updates": "updates", "epochs": "epochs", "time": "example-equivalents"}

    def table(k: str) -> str:
        return ", ".join(f"{n} {res[n][k]:,.3g}" for n in _NAMES)

    for k in keys:
        best = min(_NAMES, key=lambda n: res[n][k])
        if answer[k] != best:
            raise Wrong(
                f"counting {k}, {best} gets there first, not {answer[k]} ({unit[k]}: {table(k)})"
            )
    return (
        f"updates: {table('updates')}; epochs: {table('epochs')}; time: {table('time')}. "
        "Exact gradients need the fewest updates, single examples the fewest passes over the "
        "data, and mini-batches the least time, because each update's fixed cost is shared by "
        "32 examples."
    )


# --------------------------------------------------------------------------------------------
# ex_03_6: the noise floor of SGD with a constant rate


def stationary_excess_loss(lam: float, alpha: float, noise: float) -> float:
    """E[f] − f* in the long run for SGD on f = (λ/2)e² with gradient noise of variance ``noise``.

    e ← (1 − αλ)e − αξ gives P = α²Σ_B/(1 − (1 − αλ)²) = αΣ_B/(λ(2 − αλ)) and E[f] = λP/2.
    """
    return alpha * noise / (2.0 * (2.0 - alpha * lam))


@exercise(
    "ex_03_6",
    form=Form((Number("E[f] − f*"),)),
    hint="square e_{t+1} = (1 − αλ)e_t − αξ_t and take expectations (the cross term vanishes: "
    "ξ_t has mean 0 and is independent of e_t): P = (1 − αλ)²P + α²Σ_B. Solve for P, then "
    "E[f] = (λ/2)P.",
)
def _check_floor(answer) -> str:
    value = _number("the excess loss", answer)
    lam, a, s2 = FLOOR_SETTING["lam"], FLOOR_SETTING["alpha"], FLOOR_SETTING["noise"]
    ref = stationary_excess_loss(lam, a, s2)
    p = a * s2 / (lam * (2 - a * lam))
    if math.isclose(value, ref, rel_tol=1e-3):
        return (
            f"E[f] − f* = αΣ_B/(2(2 − αλ)) = {ref:.5f}; the small-α form αΣ_B/4 = "
            f"{a * s2 / 4:g} is {100 * (1 - a * s2 / 4 / ref):.0f} % low. Halve α and the floor "
            "halves; it never reaches 0 while α stays constant."
        )
    if math.isclose(value, a * s2 / 4, rel_tol=1e-3):
        raise Wrong(
            f"{value:g} is the small-α approximation αΣ_B/4; keep the exact factor: "
            "1 − (1 − αλ)² = αλ(2 − αλ)"
        )
    if math.isclose(value, p, rel_tol=1e-3):
        raise Wrong(
            f"{value:.5g} is the stationary variance P = E[e²]; the question asks for the "
            "expected loss (λ/2)·P"
        )
    if math.isclose(value, s2 / (2 * (2 - a * lam)), rel_tol=1e-3):
        raise Wrong(
            "the noise enters the update as αξ, so it adds α²Σ_B (not Σ_B or αΣ_B) to the variance "
            "each step"
        )
    raise Wrong(f"E[f] − f* is not {value:.5g} for λ = {lam}, α = {a}, Σ_B = {s2}")
