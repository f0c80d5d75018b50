"""The batch-size explorer's model: N seeded mini-batch runs on a 2-D logistic loss.

:func:`batch_state` is the explorer's state for every control: the runs of
:func:`widgets.simulate.seeded_runs` (one per shuffling seed, all in lock step), their loss curves
and quantile bands (:func:`widgets.simulate.batch_runs`), and the gradient noise at run 1's point
(:func:`gradient_noise`).

Divergence. The logistic loss grows only linearly in ‖w‖, so a huge learning rate throws the
iterate far away without ever overflowing (simulate's 1e12 limit is never reached): the runs
bounce about at a distance proportional to α. A run has therefore diverged when its iterate
leaves a box ten times the size of the plotted parameter region, ``|w|∞ > 10 · max|plot bound|``
(:attr:`Setup.escape_radius`), and the status says so.

Learning-rate heuristics. ``decays`` = k > 0 divides α by 10 k times, evenly spaced over the
run (a step decay, :func:`widgets.schedules.step_decay`, whose period is ⌈n/(k + 1)⌉ of the
run's n updates), the "÷10 when the loss plateaus" rule; the state's update-to-weight ratio
(:func:`widgets.simulate.update_ratio`, the median over the runs and over the last epoch's
updates up to the one shown) is the gauge quoted with it, about 10⁻³ (up to 10⁻²). On a log
scale of f − f* (``loss_view="gap"``) the plateau and each decay's drop of the noise floor are
visible; on the loss itself they are not.

Runs are kept per (α, B, decays; and E when α decays, since the decays' places depend on it):
more runs N add only the new seeds, more epochs continue the runs already made (without
decays: ``seeded_runs(..., resume=runs)``), fewer of either are a part of what was run, and
the loss curves of runs already evaluated are kept with them. While the α slider is dragged,
the runs of its next positions are made in the same lock-step run as the one just set
(:func:`runs_ahead`: one learning rate per run), so the next moves find them ready.

Example:
    >>> st = batch_state(alpha=0.5, batch_size=8, epochs=3, n_runs=8, x_axis="epochs", step=216)
    >>> batch_status(st).text.startswith("B = 8: 72 updates per epoch")
    True
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._validate import as_vector, check_choice, check_int, check_real
from ..objectives import Objective, wdbc_logistic
from ..optimizers import make_optimizer, newton
from ..schedules import step_decay
from ..simulate import (
    QUANTILES,
    BatchRuns,
    batch_runs,
    curve_steps,
    minibatch,
    seeded_runs,
    simulate,
    update_ratio,
)
from . import Question, Status, TieQuestion
from ._escape import escape_radius

__all__ = [
    "ALPHA_RANGE",
    "DECAY_RANGE",
    "EPOCHS_RANGE",
    "FIRST_ORDER",
    "LOSS_VIEWS",
    "N_RUNS_RANGE",
    "X_AXES",
    "BatchState",
    "GradientNoise",
    "Setup",
    "batch_size_question",
    "batch_sizes",
    "batch_state",
    "batch_status",
    "check_objective",
    "default_objective",
    "divergence_note",
    "ellipse_axes",
    "first_epoch_below",
    "gradient_noise",
    "rate_for",
    "runs_ahead",
    "setup_for",
]

#: up to 1000: far past the point (α ≈ 30–300) where the runs leave the plot for good
ALPHA_RANGE = (1e-3, 1e3)
EPOCHS_RANGE = (1, 10)
N_RUNS_RANGE = (1, 32)
DECAY_RANGE = (0, 4)  # how many times α is divided by 10, evenly spaced over the run
DECAY_FACTOR = 0.1
RATIO_BAND = (1e-3, 1e-2)  # the update-to-weight ratio's rule of thumb
LOSS_VIEWS = {"loss": "loss f(w)", "gap": "f − f* (log scale)"}
GAP_BOTTOM = 1e-6  # the log view's lowest f − f*
FIRST_ORDER = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
X_AXES = {"epochs": "epochs", "updates": "updates", "examples": "examples seen"}
N_NOISE_SAMPLES = 40
MAX_PATH_POINTS = 1200  # longer paths are drawn with a stride
_RUNS_KEPT = 16  # (α, B) settings whose runs are kept


@functools.cache
def default_objective() -> Objective:
    """The lesson's loss: WDBC, mean radius and mean texture, no bias (built once)."""
    return wdbc_logistic(("mean radius", "mean texture"), fit_bias=False)


def batch_sizes(m: int) -> list[int]:
    """The batch sizes offered for m examples: the powers of two below m, then m."""
    return [*(1 << i for i in range(int(math.log2(m)) + 1) if (1 << i) < m), m]


# ------------------------------------------------------------------------------------------------
# Gradient noise
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GradientNoise:
    """Per-example gradients at a point and the spread of mini-batch estimates of size B.

    ``cov_batch = Σ/B · (m − B)/(m − 1)``: the covariance of the mean of B examples drawn without
    replacement (each batch of the oracle), Σ the covariance of the per-example gradients.
    """

    point: np.ndarray  # (d,)
    example_grads: np.ndarray  # (m, d)
    grad: np.ndarray  # (d,) the full gradient, the mean of the rows above
    cov_batch: np.ndarray  # (d, d)
    samples: np.ndarray  # (K, d) batch gradients on the first batch of oracle seeds 0 … K−1
    std: float  # √tr(cov_batch): the size of the noise of one batch gradient
    example_std: float  # √tr(Σ): the same for a single example


@functools.lru_cache(maxsize=32)
def _sample_batches(m: int, b: int, k: int) -> np.ndarray:
    return np.stack([next(minibatch(b, s).batches(m)) for s in range(k)])


def gradient_noise(
    objective: Objective, w: np.ndarray, batch_size: int, n_samples: int = N_NOISE_SAMPLES
) -> GradientNoise:
    """How noisy a batch gradient of ``batch_size`` examples is at ``w``.

    Example:
        >>> loss = wdbc_logistic(fit_bias=False)
        >>> noise = gradient_noise(loss, [0.0, 0.0], loss.n_examples)
        >>> noise.std  # the full batch has no noise
        0.0
    """
    G = np.asarray(objective.example_grads(np.asarray(w, dtype=float)))
    m = G.shape[0]
    b = check_int("batch_size", batch_size, low=1, high=m)
    g = G.mean(axis=0)
    D = G - g
    sigma = D.T @ D / m
    cov = sigma / b * ((m - b) / (m - 1)) if m > 1 else np.zeros_like(sigma)
    samples = G[_sample_batches(m, b, n_samples)].mean(axis=1)
    return GradientNoise(
        point=np.asarray(w, dtype=float),
        example_grads=G,
        grad=g,
        cov_batch=cov,
        samples=samples,
        std=float(math.sqrt(max(np.trace(cov), 0.0))),
        example_std=float(math.sqrt(max(np.trace(sigma), 0.0))),
    )


def ellipse_axes(cov: np.ndarray, n_std: float = 2.0) -> tuple[float, float, float]:
    """Width, height and angle (degrees) of the ``n_std``-σ ellipse of a 2×2 covariance."""
    lam, vec = np.linalg.eigh(cov)
    lam = np.maximum(lam, 0.0)
    angle = math.degrees(math.atan2(vec[1, 1], vec[0, 1]))
    return 2 * n_std * math.sqrt(lam[1]), 2 * n_std * math.sqrt(lam[0]), angle


# ------------------------------------------------------------------------------------------------
# The set-up and the runs
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Setup:
    """What depends on the objective alone: the minimum, plot bounds, the noise panel's range."""

    objective: Objective
    start: np.ndarray
    f_star: float
    w_star: np.ndarray
    bounds: tuple[tuple[float, float], tuple[float, float]]
    grad_range: float

    @property
    def escape_radius(self) -> float:
        """Ten times the plotted region: a run whose ``|w|∞`` passes this has diverged."""
        return escape_radius(self.bounds)

    @functools.cached_property
    def f0(self) -> float:
        return float(self.objective.value(self.start))

    @property
    def loss_limits(self) -> tuple[float, float]:
        """The loss panel's y range: from just below f* to 10 % above the start's loss."""
        span = max(self.f0 - self.f_star, 1e-12)
        return self.f_star - 0.04 * span, self.f_star + 1.1 * span

    @property
    def gap_limits(self) -> tuple[float, float]:
        """The log view's y range of f − f*: from 10⁻⁶ to twice the start's gap."""
        return GAP_BOTTOM, max(2.0 * (self.f0 - self.f_star), 10 * GAP_BOTTOM)


def setup_for(objective: Objective, start: np.ndarray) -> Setup:
    """Find the minimiser by Newton's method and choose plot ranges around it and the start."""
    return _setup(objective, tuple(as_vector("start", start, 2)))


@functools.lru_cache(maxsize=8)
def _setup(objective: Objective, start: tuple[float, float]) -> Setup:
    start = np.array(start)
    best = simulate(objective, newton(), start, steps=100, tol=1e-12)
    w_star = best.final_params
    lo = np.minimum(start, w_star) - 1.0
    hi = np.maximum(start, w_star) + 1.5
    rng = []
    for p in (start, w_star):
        norms = np.linalg.norm(objective.example_grads(p), axis=1)
        rng.append(float(np.quantile(norms, 0.95)))
    return Setup(
        objective=objective,
        start=start,
        f_star=best.final_loss,
        w_star=w_star,
        bounds=((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))),
        grad_range=1.1 * max(rng),
    )


_KEPT: OrderedDict = OrderedDict()


def _keep(key, kept: list) -> None:
    _KEPT[key] = kept
    _KEPT.move_to_end(key)
    while len(_KEPT) > _RUNS_KEPT:
        _KEPT.popitem(last=False)


def rate_for(alpha: float, decays: int, n_updates: int):
    """The learning rate of a run of ``n_updates`` updates: α, or α ÷ 10 ``decays`` times,
    evenly spaced (a step decay every ⌈n/(k + 1)⌉ updates, so at most k within the run)."""
    if not decays:
        return alpha
    return step_decay(alpha, step_size=-(-n_updates // (decays + 1)), gamma=DECAY_FACTOR)


def _key(setup: Setup, optimizer: str, alpha: float, b: int, decays: int, epochs: int):
    return (setup, optimizer, alpha, b, decays, epochs if decays else None)


def _per_epoch(m: int, b: int) -> int:
    return -(-m // b)


def _make(
    setup: Setup,
    optimizer: str,
    alphas: Sequence[float],
    b: int,
    epochs: int,
    n: int,
    decays: int = 0,
) -> None:
    """Run seeds 0 … N − 1 for each α, all in lock step (one rate per run), and keep each α's
    runs. With decays, one α at a time (its schedule is one rate for every run)."""
    if decays:
        n_updates = epochs * _per_epoch(int(setup.objective.n_examples), b)
        (rate,) = [rate_for(a, decays, n_updates) for a in alphas]  # one α
    else:
        rate = np.repeat(np.asarray(alphas, dtype=float), n)
    opt = make_optimizer(optimizer, learning_rate=rate)
    every = seeded_runs(setup.objective, opt, setup.start, b, epochs, tuple(range(n)) * len(alphas))
    for i, alpha in enumerate(alphas):
        kept = [every.take(slice(i * n, (i + 1) * n)), {}]
        _keep(_key(setup, optimizer, alpha, b, decays, epochs), kept)


def _runs(
    setup: Setup, optimizer: str, alpha: float, b: int, epochs: int, n: int, decays: int = 0
) -> BatchRuns:
    """The N runs of E epochs, from the runs kept for (α, B, decays), continued as needed."""
    key = _key(setup, optimizer, alpha, b, decays, epochs)
    obj, start = setup.objective, setup.start
    rate = rate_for(alpha, decays, epochs * _per_epoch(int(obj.n_examples), b))
    opt = make_optimizer(optimizer, learning_rate=rate)
    if key not in _KEPT:
        _make(setup, optimizer, [alpha], b, epochs, n, decays)
    kept = _KEPT[key]
    runs = kept[0]
    if epochs > runs.epochs:
        runs = seeded_runs(obj, opt, start, b, epochs, runs.seeds, resume=runs)
    if n > len(runs.seeds):
        runs = runs.join(seeded_runs(obj, opt, start, b, runs.epochs, range(len(runs.seeds), n)))
    kept[0] = runs
    _keep(key, kept)
    view = runs.head(n, epochs)
    steps = curve_steps(epochs * runs.per_epoch)
    loss = kept[1].get(epochs, np.empty((0, len(steps))))
    if len(loss) < n:  # evaluate only the runs not evaluated before
        more = np.asarray(obj.value(view.params[len(loss) :, steps]))
        loss = kept[1][epochs] = np.concatenate([loss, more.reshape(-1, len(steps))])
    return batch_runs(
        obj, opt, start, b, epochs, n, radius=setup.escape_radius, runs=view, loss=loss[:n]
    )


def runs_ahead(
    alphas: Sequence[float], *, batch_size: int, epochs: int, n_runs: int, **values
) -> None:
    """Make the runs of the learning rates ``alphas`` (the α slider's next positions) that are
    not kept yet, all in one lock-step run, so that the next moves find them ready."""
    obj = check_objective("objective", values.get("objective"))
    start = values.get("start")
    setup = setup_for(obj, obj.start if start is None else start)
    optimizer = check_choice("optimizer", values.get("optimizer", "gd"), FIRST_ORDER)
    decays = values.get("decays", 0)
    new = [a for a in alphas if _key(setup, optimizer, a, batch_size, decays, epochs) not in _KEPT]
    if decays:  # a schedule is one rate for every run: make the next position only
        new = new[:1]
    if new and new[0] == alphas[0]:  # a rate not run yet: run it with the next ones
        _make(setup, optimizer, new, batch_size, epochs, n_runs, decays)


# ------------------------------------------------------------------------------------------------
# The state
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class BatchState:
    """Everything the batch-size explorer shows for one setting of its controls."""

    setup: Setup
    runs: BatchRuns
    optimizer: str
    step: int  # the update shown
    x_axis: str
    noise: GradientNoise  # at run 1's point after ``step`` updates
    loss_now: np.ndarray  # (N,) full loss of every run after ``step`` updates
    examples_now: int  # examples seen after ``step`` updates
    alpha: float = 0.5
    decays: int = 0  # α ÷ 10 this many times, evenly spaced over the run
    loss_view: str = "loss"
    #: the update-to-weight ratio: median over the runs and the last epoch's updates up to
    #: ``step`` (NaN before the first update)
    ratio_now: float = float("nan")

    @property
    def rate_now(self) -> float:
        """The learning rate of the update shown (the decayed α)."""
        rate = rate_for(self.alpha, self.decays, self.runs.n_updates)
        return float(rate(max(self.step - 1, 0))) if callable(rate) else float(rate)

    @property
    def decay_at(self) -> np.ndarray:
        """The updates after which α is ÷ 10 (none without decays)."""
        n = self.runs.n_updates
        if not self.decays:
            return np.empty(0, dtype=int)
        every = -(-n // (self.decays + 1))
        return np.arange(1, self.decays + 1)[np.arange(1, self.decays + 1) * every < n] * every

    @property
    def decay_x(self) -> np.ndarray:
        """Where the decays fall on the loss panel's x axis."""
        at, m = self.decay_at, self.n_examples
        seen = minibatch(self.runs.batch_size, 0).examples_seen(m, self.runs.n_updates)[at]
        return {"epochs": seen / m, "updates": at.astype(float)}.get(
            self.x_axis, seen.astype(float)
        )

    @property
    def limits(self) -> tuple[float, float]:
        """The loss panel's y range for the view chosen."""
        s = self.setup
        return s.gap_limits if self.loss_view == "gap" else s.loss_limits

    def _shown(self, values: np.ndarray) -> np.ndarray:
        if self.loss_view != "gap":
            return values
        return np.maximum(values - self.setup.f_star, GAP_BOTTOM / 1e3)  # under the panel

    @property
    def median_curve(self) -> np.ndarray:
        """The median curve in the view chosen (f, or f − f* on the log view)."""
        return self._shown(self.runs.bands[1])

    @property
    def n_examples(self) -> int:
        return int(self.setup.objective.n_examples)

    @property
    def x(self) -> np.ndarray:
        """The loss curves' x values in the chosen units."""
        return self.runs.x(self.x_axis)

    @property
    def x_now(self) -> float:
        """Where the step shown sits on the x axis."""
        seen = self.examples_now
        return {"updates": float(self.step), "epochs": seen / self.n_examples}.get(
            self.x_axis, float(seen)
        )

    @property
    def x_end(self) -> str:
        """The x axis's end as its label reads: "3" epochs, "108" updates, "1,707" examples."""
        end = float(self.x[-1])
        return f"{end:,.3g}" if end < 1000 else f"{end:,.0f}"

    @property
    def segments(self) -> list[np.ndarray]:
        """Each run's path up to the step shown (with a stride beyond MAX_PATH_POINTS points)."""
        t = self.step
        stride = max(1, -(-(t + 1) // MAX_PATH_POINTS))
        keep = np.arange(0, t + 1, stride)
        if t % stride:
            keep = np.r_[keep, t]
        return list(self.runs.params[:, keep])

    @property
    def band(self) -> np.ndarray:
        """The 10–90 % band's polygon: (x, 90 %) forwards, then (x, 10 %) back."""
        x, (lo, _, hi) = self.x, self._shown(self.runs.bands)
        return np.column_stack([np.r_[x, x[::-1]], np.r_[hi, lo[::-1]]])

    @property
    def above(self) -> str:
        """Says how high the losses go when the 90 % curve leaves the top of the loss panel."""
        top, hi = self.limits[1], float(np.max(self._shown(self.runs.bands[2])))
        if not hi > top:
            return ""
        return f"↑ off the scale:\n90 % of runs up to {hi:.3g}"


def check_objective(name: str, value) -> Objective:
    """The explorer's objective: a 2-parameter data objective (``None``: the lesson's)."""
    obj = default_objective() if value is None else value
    if getattr(obj, "n_examples", None) is None or getattr(obj, "dim", None) != 2:
        raise ValueError(
            f"{name} must be a 2-parameter data objective (e.g. wdbc_logistic(fit_bias=False)); "
            f"got {obj!r}"
        )
    return obj


def batch_state(
    *,
    alpha: float,
    batch_size: int,
    epochs: int,
    n_runs: int,
    x_axis: str,
    step: int,
    objective: Objective | None = None,
    optimizer: str = "gd",
    start: Sequence[float] | None = None,
    decays: int = 0,
    loss_view: str = "loss",
) -> BatchState:
    """The runs, loss curves and gradient noise for these control values (``step``: the update
    shown, at most the runs' last; ``decays``: how many times α is ÷ 10, evenly spaced;
    ``loss_view``: the loss, or f − f* on a log scale) and the explorer's settings."""
    obj = check_objective("objective", objective)
    setup = setup_for(obj, obj.start if start is None else start)
    optimizer = check_choice("optimizer", optimizer, FIRST_ORDER)
    alpha = check_real("alpha", alpha, low=ALPHA_RANGE[0], high=ALPHA_RANGE[1])
    m = int(obj.n_examples)
    b = check_int("batch_size", batch_size, low=1, high=m)
    epochs = check_int("epochs", epochs, low=EPOCHS_RANGE[0], high=EPOCHS_RANGE[1])
    n = check_int("n_runs", n_runs, low=N_RUNS_RANGE[0], high=N_RUNS_RANGE[1])
    x_axis = check_choice("x_axis", x_axis, tuple(X_AXES))
    decays = check_int("decays", decays, low=DECAY_RANGE[0], high=DECAY_RANGE[1])
    loss_view = check_choice("loss_view", loss_view, tuple(LOSS_VIEWS))
    runs = _runs(setup, optimizer, alpha, b, epochs, n, decays)
    t = min(check_int("step", step, low=0), runs.n_updates)
    W = runs.params[:, t]
    ratio = float("nan")
    if t > 0 and not runs.n_diverged:
        recent = runs.params[:, max(t - runs.per_epoch, 0) : t + 1]
        ratio = float(np.nanmedian(update_ratio(recent)))
    return BatchState(
        setup=setup,
        runs=runs,
        optimizer=optimizer,
        step=t,
        x_axis=x_axis,
        noise=gradient_noise(obj, W[0], b),
        loss_now=np.asarray(obj.value(W)),
        examples_now=int(minibatch(b, 0).examples_seen(m, t)[-1]),
        alpha=alpha,
        decays=decays,
        loss_view=loss_view,
        ratio_now=ratio,
    )


def divergence_note(runs: BatchRuns, *, short: bool = False) -> str:
    """How many runs diverged, when, and by which rule ("" if none did).

    Example: "3 of 8 runs diverged at updates 1–4: w left 10× the plotted region (|w|∞ > 54.6)".
    """
    k = runs.n_diverged
    if not k:
        return ""
    at = runs.diverged_at[runs.diverged_at >= 0]
    first, last = int(at.min()), int(at.max())
    when = f"update {first}" if first == last else f"updates {first}–{last}"
    if runs.radius is None:
        rule = "w stopped being finite or passed 1e12"
    elif short:  # two lines, to fit inside the contour panel
        rule = "\nw left 10× this region"
    else:
        rule = f"w left 10× the plotted region (|w|∞ > {runs.radius:.3g})"
    n = len(runs.seeds)
    return f"{k} of {n} run{'s' if n != 1 else ''} diverged at {when}: {rule}"


def batch_status(st: BatchState) -> Status:
    """The status line: updates per epoch, the losses after the update shown, the noise."""
    runs, s, m, t = st.runs, st.setup, st.n_examples, st.step
    q10, q50, q90 = np.quantile(st.loss_now, QUANTILES)
    n, b, seen = len(runs.seeds), runs.batch_size, st.examples_now
    who = "full batch" if b == m else f"B = {b}"
    text = (
        f"{who}: {runs.per_epoch} update{'s' if runs.per_epoch != 1 else ''} per epoch; "
        f"after {seen / m:.3g} epochs ({t} updates, {seen:,} examples) median loss "
        f"{q50:.4f} (10–90 %: {q10:.4f}–{q90:.4f}) over {n} run{'s' if n != 1 else ''}, "
        f"minimum f* = {s.f_star:.4f}; batch-gradient noise std {st.noise.std:.3g} "
        f"(∝ 1/√B = {1 / math.sqrt(b):.2g}) vs ‖∇f‖ = {float(np.hypot(*st.noise.grad)):.3g}"
    )
    if st.decays:
        at = ", ".join(str(int(t)) for t in st.decay_at)
        text += f"; α ÷ 10 after update{'s' if st.decays > 1 else ''} {at}, now {st.rate_now:.3g}"
    if not math.isnan(st.ratio_now):
        lo, hi = RATIO_BAND
        text += (
            f"; update-to-weight ratio {st.ratio_now:.1e} (median over the runs and the last "
            f"epoch's updates; rule of thumb {lo:.0e} to {hi:.0e})"
        )
    if runs.n_diverged:
        return Status(f"{text}; {divergence_note(runs)}", "diverged")
    gap = q90 - s.f_star
    kind = "converged" if gap < 1e-3 else "oscillating" if q90 - q10 > 0.5 * gap else "info"
    return Status(text, kind)


# ------------------------------------------------------------------------------------------------
# The question
# ------------------------------------------------------------------------------------------------
def first_epoch_below(runs_full: BatchRuns, level: float) -> float | None:
    """Epochs done when the median loss over runs first drops to ``level`` (None if never)."""
    below = runs_full.bands[1] <= level
    return float(runs_full.epochs_at[np.argmax(below)]) if below.any() else None


def batch_size_question(
    sizes: Sequence[int] = (1, 8, 64), level: float | None = None, *, full_batch: bool = True
) -> Question:
    """Ask which batch size gets the median loss below L in the fewest epochs; graded by running
    every candidate with the explorer's α, epochs and number of runs.

    ``level`` defaults to f* + 0.01 (within 0.01 of the minimum loss); the full batch (B = m) is
    added as a choice when ``full_batch``.

    Example:
        >>> q = batch_size_question()
        >>> q.choices
        ('B = 1', 'B = 8', 'B = 64', 'full batch', 'none within the budget')
    """
    sizes = tuple(int(b) for b in sizes)
    labels = [f"B = {b}" for b in sizes]
    if full_batch:
        labels.append("full batch")
    choices = (*labels, "none within the budget")

    def answer(st: BatchState) -> tuple[str, str]:
        s, runs = st.setup, st.runs
        m = st.n_examples
        target = s.f_star + 0.01 if level is None else float(level)
        cands = [*sizes, m] if full_batch else list(sizes)
        results = {}
        for lab, b in zip(labels, cands, strict=True):
            if not 1 <= b <= m:
                raise ValueError(f"batch size {b} is not in [1, {m}]")
            rate = rate_for(st.alpha, st.decays, runs.epochs * _per_epoch(m, b))
            opt = make_optimizer(st.optimizer, learning_rate=rate)
            every = batch_runs(
                s.objective, opt, s.start, b, runs.epochs, len(runs.seeds), max_points=10**9
            )
            results[lab] = first_epoch_below(every, target)
        done = {k: v for k, v in results.items() if v is not None}
        why = "; ".join(
            f"{k}: {v:.3g} epochs" if v is not None else f"{k}: not within {runs.epochs} epochs"
            for k, v in results.items()
        )
        why = f"median loss first ≤ {target:.4f} after — {why}"
        if not done:
            return "none within the budget", why
        best = min(done.values())
        return " or ".join(k for k, v in done.items() if v == best), why

    goal = "within 0.01 of the minimum" if level is None else f"below {level:g}"
    return TieQuestion(
        prompt=f"With this α, which batch size first gets the median loss {goal}, counting "
        "epochs (passes over the data)?",
        answer=answer,
        choices=choices,
    )
