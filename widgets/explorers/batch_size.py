"""Batch, stochastic and mini-batch gradient descent on a 2-D logistic loss, many seeds at once.

Model: :func:`seeded_runs` advances N runs (one per shuffling seed) in lock step, each on the
batches the package's oracle gives its seed, exactly as :func:`widgets.simulate.simulate` would;
:func:`batch_runs` adds the loss curves and their quantiles and, given a radius, says which runs
diverged; :func:`gradient_noise` gives the spread of mini-batch gradients at a point.

Divergence. The logistic loss grows only linearly in ‖w‖, so a huge learning rate throws the
iterate far away without ever overflowing (simulate's 1e12 limit is never reached): the runs
bounce about at a distance proportional to α. The explorer therefore declares a run diverged
when its iterate leaves a box ten times the size of the plotted parameter region,
``|w|∞ > 10 · max|plot bound|`` (:attr:`Setup.escape_radius`), and says so in its status.

View: :class:`BatchSizeView`. Panel: :class:`BatchSizeExplorer`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyArrowPatch

from ..objectives import DataObjective, Objective, wdbc_logistic
from ..optimizers import Optimizer, make_optimizer, newton
from ..simulate import minibatch, simulate
from . import _controls as ctl
from ._escape import escape_radius, first_escape
from ._figure import BlitManager, new_figure
from ._panel import Explorer, Question, Status
from ._plots import draw_contours
from .landscape import TieQuestion
from .style import OKABE_ITO, ROLE_COLORS, color_for

__all__ = [
    "BatchRuns",
    "BatchSizeExplorer",
    "BatchSizeView",
    "GradientNoise",
    "batch_gradients",
    "batch_runs",
    "batch_size_question",
    "gradient_noise",
    "seeded_runs",
]

QUANTILES = (0.1, 0.5, 0.9)
MAX_LOSS_POINTS = 48  # loss curves are evaluated at most here: the full loss costs m per point
MAX_PATH_POINTS = 1200  # longer paths are drawn with a stride
N_NOISE_SAMPLES = 40
X_AXES = {"epochs": "epochs", "updates": "updates", "examples": "examples seen"}


# ------------------------------------------------------------------------------------------------
# Model
# ------------------------------------------------------------------------------------------------
def batch_gradients(objective: Objective, W: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Mean gradient of each run over its own examples: ``W`` (N, d), ``idx`` (N, b) -> (N, d).

    Row n equals ``objective.grad_batch(W[n], idx[n])``; for data objectives built from a linear
    predictor it is computed for all runs at once from the objective's own per-example loss
    derivative, so N runs cost one vectorised step.
    """
    if isinstance(objective, DataObjective):
        phi = objective._design[idx]  # (N, b, d)
        u = np.einsum("nbd,nd->nb", phi, W)
        d1 = objective._loss_d1(u, objective._targets[idx])
        return np.einsum("nb,nbd->nd", d1, phi) / idx.shape[1] + objective._penalty * W
    return np.stack([objective.grad_batch(w, i) for w, i in zip(W, idx, strict=True)])


def seeded_runs(
    objective: Objective,
    optimizer: Optimizer,
    start: np.ndarray,
    batch_size: int,
    epochs: int,
    seeds: Sequence[int],
) -> tuple[np.ndarray, np.ndarray]:
    """Run ``optimizer`` from ``start`` once per seed, all runs advancing together.

    Run n sees the batches of ``minibatch(batch_size, seeds[n])``: each epoch a fresh permutation
    of the m examples from that seed, cut into consecutive batches (the last one shorter when
    ``batch_size`` does not divide m), so it equals ``simulate(objective, optimizer, start,
    steps, batch_size=batch_size, seed=seeds[n], tol=None)``. A run whose parameters stop being
    finite or exceed 1e12 is frozen at its last good point.

    Returns:
        ``(params, diverged_at)``: params of shape (N, k+1, d) with k = epochs·⌈m/B⌉, and the
        step at which each run diverged (−1 if it did not).
    """
    m = int(objective.n_examples)
    b = int(batch_size)
    if not 1 <= b <= m:
        raise ValueError(f"batch_size must be in [1, {m}], got {batch_size!r}")
    per_epoch = -(-m // b)
    k = epochs * per_epoch
    # One permutation per epoch and seed, from the same oracle stream simulate uses.
    orders = np.empty((len(seeds), epochs, m), dtype=np.intp)
    for n, seed in enumerate(seeds):
        it = minibatch(m, seed).batches(m)
        for e in range(epochs):
            orders[n, e] = next(it)
    N, d = len(seeds), int(objective.dim)
    step_grads = _step_gradients(objective, orders, b, per_epoch)
    P = np.empty((N, k + 1, d))
    W = np.broadcast_to(np.asarray(start, dtype=float), (N, d)).copy()
    P[:, 0] = W
    state = optimizer.init(W)
    diverged_at = np.full(N, -1)
    active = np.ones(N, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(k):
            upd, state = optimizer.update(step_grads(t, W), state, W)
            W_new = W + upd
            ok = np.isfinite(W_new).all(axis=1) & (np.abs(W_new).max(axis=1) <= 1e12)
            if not ok.all():
                bad = active & ~ok
                diverged_at[bad] = t + 1
                active &= ok
                W_new = np.where(active[:, None], W_new, W)
            W = W_new
            P[:, t + 1] = W
    return P, diverged_at


def _step_gradients(objective: Objective, orders: np.ndarray, b: int, per_epoch: int):
    """``grads(t, W)``: the batch gradients of every run at update t (the hot loop's body).

    For data objectives the examples of every batch are gathered once, before the loop, so each
    update is two small batched matrix products; otherwise :func:`batch_gradients` is used.
    """
    if not isinstance(objective, DataObjective):

        def grads(t: int, W: np.ndarray) -> np.ndarray:
            e, j = divmod(t, per_epoch)
            return batch_gradients(objective, W, orders[:, e, j * b : (j + 1) * b])

        return grads
    Phi = objective._design[orders]  # (N, E, m, d)
    T = objective._targets[orders]  # (N, E, m)
    d1_of, penalty = objective._loss_d1, objective._penalty

    def grads(t: int, W: np.ndarray) -> np.ndarray:
        e, j = divmod(t, per_epoch)
        phi = Phi[:, e, j * b : (j + 1) * b]  # (N, b, d)
        d1 = d1_of((phi @ W[:, :, None])[..., 0], T[:, e, j * b : (j + 1) * b])
        return (d1[:, None, :] @ phi)[:, 0] / phi.shape[1] + penalty * W

    return grads


@dataclass(frozen=True, eq=False)
class BatchRuns:
    """N seeded runs of one batch size: paths, loss curves and their quantiles.

    ``loss[n, i]`` is the full loss of run n after ``steps[i]`` updates (at most
    ``MAX_LOSS_POINTS`` evenly spread updates, first and last included); ``bands`` holds the
    10 %, 50 % and 90 % quantiles over runs at each of them.
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


def _first_diverged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise the earlier of two "first update" arrays in which −1 means never."""
    never = np.iinfo(np.int64).max
    first = np.minimum(np.where(a >= 0, a, never), np.where(b >= 0, b, never))
    return np.where(first == never, -1, first)


def batch_runs(
    objective: Objective,
    optimizer: Optimizer,
    start: np.ndarray,
    batch_size: int,
    epochs: int,
    n_runs: int,
    *,
    max_points: int = MAX_LOSS_POINTS,
    radius: float | None = None,
) -> BatchRuns:
    """:func:`seeded_runs` for seeds 0 … n_runs − 1, with loss curves and 10/50/90 % bands.

    A run has diverged at the first update where its parameters stop being finite or pass 1e12
    (it is frozen there) or, when ``radius`` is given, where ``|w|∞ > radius``.
    """
    seeds = tuple(range(int(n_runs)))
    P, diverged_at = seeded_runs(objective, optimizer, start, batch_size, epochs, seeds)
    if radius is not None:
        diverged_at = _first_diverged(diverged_at, first_escape(P, radius))
    k = P.shape[1] - 1
    m = int(objective.n_examples)
    steps = np.unique(np.round(np.linspace(0, k, min(k + 1, max_points))).astype(int))
    oracle = minibatch(batch_size, 0)
    seen = oracle.examples_seen(m, k)[steps]
    loss = np.asarray(objective.value(P[:, steps]))
    bands = np.quantile(loss, QUANTILES, axis=0)
    return BatchRuns(
        batch_size=int(batch_size),
        learning_rate=float(optimizer.learning_rate(0)),
        epochs=int(epochs),
        seeds=seeds,
        params=P,
        diverged_at=diverged_at,
        radius=None if radius is None else float(radius),
        per_epoch=-(-m // int(batch_size)),
        steps=steps,
        epochs_at=seen / m,
        examples_at=seen,
        loss=loss,
        bands=bands,
    )


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


_SAMPLE_INDEX: OrderedDict = OrderedDict()


def _sample_batches(m: int, b: int, k: int) -> np.ndarray:
    key = (m, b, k)
    if key not in _SAMPLE_INDEX:
        _SAMPLE_INDEX[key] = np.stack([next(minibatch(b, s).batches(m)) for s in range(k)])
        while len(_SAMPLE_INDEX) > 32:
            _SAMPLE_INDEX.popitem(last=False)
    return _SAMPLE_INDEX[key]


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
    b = int(batch_size)
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


@dataclass(frozen=True)
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


def setup_for(objective: Objective, start: np.ndarray) -> Setup:
    """Find the minimiser by Newton's method and choose plot ranges around it and the start."""
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
        start=np.asarray(start, dtype=float),
        f_star=best.final_loss,
        w_star=w_star,
        bounds=((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))),
        grad_range=1.1 * max(rng),
    )


@dataclass(frozen=True, eq=False)
class BatchState:
    """Everything the batch-size view draws."""

    setup: Setup
    runs: BatchRuns
    step: int
    x_axis: str
    noise: GradientNoise
    loss_now: np.ndarray  # (N,) full loss of every run after ``step`` updates
    examples_now: int  # examples seen after ``step`` updates


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


# ------------------------------------------------------------------------------------------------
# View
# ------------------------------------------------------------------------------------------------
def _nice_top(f_star: float, f0: float, needed: float) -> float:
    span = max(f0 - f_star, 1e-12)
    for factor in (1.1, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0, 1e3, 1e4, 1e6, 1e9, 1e12):
        if f_star + factor * span >= needed:
            return f_star + factor * span
    return max(needed, f_star + 1e12 * span) * 1.1


class BatchSizeView:
    """Paths of N seeded runs on the contours; loss median and 10–90 % band; gradient noise."""

    def __init__(self, setup: Setup, figsize: tuple[float, float] = (10.5, 3.7)) -> None:
        self.figure = fig = new_figure(figsize)
        self.ax_c, self.ax_l, self.ax_n = fig.subplots(
            1, 3, gridspec_kw={"width_ratios": [1.15, 1.15, 0.9]}
        )
        fig.subplots_adjust(left=0.07, right=0.985, bottom=0.15, top=0.88, wspace=0.33)
        self._revealed = True
        self._state: BatchState | None = None
        self._limits: tuple | None = None
        color = color_for("minibatch")

        ax = self.ax_c
        draw_contours(ax, setup.objective, bounds=setup.bounds, resolution=101)
        ax.plot(*setup.w_star, "*", ms=11, mfc="white", mec="black", mew=1.0)
        ax.plot(*setup.start, "o", ms=7, mfc="white", mec="black", mew=1.3)
        ax.set_title("N runs, one per shuffling seed", fontsize=10)
        self.paths = LineCollection([], colors=color, linewidths=0.8, alpha=0.45)
        ax.add_collection(self.paths)
        self.heads = ax.scatter(
            [], [], s=16, color=color, edgecolors="white", linewidths=0.6, zorder=3
        )
        # Says which runs flew off the picture (diverged), since their paths leave the axes.
        self.note = ax.text(
            0.03,
            0.97,
            "",
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=7.5,
            color=OKABE_ITO["vermillion"],
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=4,
        )

        ax = self.ax_l
        self.band = ax.fill_between(
            [0.0, 1.0],
            [0.0, 0.0],
            [0.0, 0.0],
            color=color,
            alpha=0.25,
            lw=0,
            label="10–90 % of runs",
        )
        self.median = ax.plot([], [], color=color, lw=1.8, label="median")[0]
        self.floor = ax.axhline(
            setup.f_star, color=ROLE_COLORS["theory"], lw=0.9, ls=":", label="minimum f*"
        )
        self.cursor = ax.axvline(0.0, color="#888888", lw=0.8)
        ax.set_ylabel("loss f(w)")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right", fontsize=7.5)

        ax = self.ax_n
        r = setup.grad_range
        ax.set(xlim=(-r, r), ylim=(-r, r), aspect="equal", xlabel="∂f/∂w₁", ylabel="∂f/∂w₂")
        ax.axhline(0, color="#bbbbbb", lw=0.6)
        ax.axvline(0, color="#bbbbbb", lw=0.6)
        self.examples = ax.scatter([], [], s=3, color="#999999", alpha=0.5, lw=0)
        self.samples = ax.scatter([], [], s=12, color=color, alpha=0.8, lw=0)
        self.ellipse = Ellipse((0, 0), 0, 0, fill=False, ec=OKABE_ITO["vermillion"], lw=1.4)
        ax.add_patch(self.ellipse)
        self.arrow = FancyArrowPatch(
            (0, 0), (0, 0), arrowstyle="-|>", mutation_scale=12, color="black", lw=1.6
        )
        ax.add_patch(self.arrow)
        handles = [
            Line2D([], [], ls="", marker="o", ms=2.5, color="#999999", label="one example ∇fᵢ"),
            Line2D([], [], ls="", marker="o", ms=4, color=color, label="batch gradient ĝ"),
            Line2D([], [], color=OKABE_ITO["vermillion"], lw=1.4, label="2σ of ĝ"),
            Line2D([], [], color="black", lw=1.6, label="full gradient ∇f"),
        ]
        ax.legend(
            handles=handles,
            loc="lower left",
            fontsize=6.5,
            framealpha=0.85,
            borderpad=0.3,
            handlelength=1.2,
        )
        ax.set_title("gradient noise at run 1's point", fontsize=10)

        self.blit = BlitManager(fig)
        self.blit.add(
            self.paths,
            self.heads,
            self.note,
            self.band,
            self.median,
            self.cursor,
            self.examples,
            self.samples,
            self.ellipse,
            self.arrow,
        )

    def _axes_limits(self, st: BatchState) -> tuple:
        runs, s = st.runs, st.setup
        x = runs.x(st.x_axis)
        f0 = float(s.objective.value(s.start))
        hi = float(np.nanmax(runs.bands[2])) if np.isfinite(runs.bands[2]).any() else f0
        top = _nice_top(s.f_star, f0, max(hi, f0))
        bottom = s.f_star - 0.04 * (f0 - s.f_star)
        return st.x_axis, (0.0, float(max(x[-1], 1e-9))), (bottom, top)

    def update(self, st: BatchState) -> None:
        self._state = st
        limits = self._axes_limits(st)
        full = limits != self._limits
        if full:
            self.ax_l.set_xlim(*limits[1])
            self.ax_l.set_ylim(*limits[2])
            self.ax_l.set_xlabel(X_AXES[st.x_axis])
            self._limits = limits
        self._place(st)
        if full:
            self.blit.full_redraw()
        else:
            self.blit.update()

    def _place(self, st: BatchState) -> None:
        runs = st.runs
        t = st.step
        stride = max(1, -(-(t + 1) // MAX_PATH_POINTS))
        keep = np.r_[np.arange(0, t + 1, stride), t] if t % stride else np.arange(0, t + 1, stride)
        self.paths.set_segments(list(runs.params[:, keep]))
        self.heads.set_offsets(runs.params[:, t])
        x = runs.x(st.x_axis)
        lo, med, hi = runs.bands
        self.median.set_data(x, med)
        self.band.set_verts([np.column_stack([np.r_[x, x[::-1]], np.r_[hi, lo[::-1]]])])
        m = st.setup.objective.n_examples
        now = {
            "updates": float(t),
            "epochs": st.examples_now / m,
            "examples": float(st.examples_now),
        }[st.x_axis]
        self.cursor.set_xdata([now, now])
        self.note.set_text(divergence_note(runs, short=True))
        for a in (self.paths, self.heads, self.note, self.median, self.band, self.cursor):
            a.set_visible(self._revealed)
        nz = st.noise
        self.examples.set_offsets(nz.example_grads)
        self.samples.set_offsets(nz.samples)
        w, h, angle = ellipse_axes(nz.cov_batch)
        self.ellipse.set_center(tuple(nz.grad))
        self.ellipse.set_width(w)
        self.ellipse.set_height(h)
        self.ellipse.set_angle(angle)
        self.arrow.set_positions((0.0, 0.0), tuple(nz.grad))

    def set_revealed(self, revealed: bool) -> None:
        self._revealed = bool(revealed)
        if self._state is not None:
            self._place(self._state)
            self.blit.update()


# ------------------------------------------------------------------------------------------------
# Panel
# ------------------------------------------------------------------------------------------------
def _batch_sizes(m: int) -> list[int]:
    sizes = [1 << i for i in range(int(math.log2(m)) + 1) if (1 << i) < m]
    return [*sizes, m]


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
        >>> ex = BatchSizeExplorer(question=batch_size_question())
        >>> ex.predict("B = 1")
        True
    """
    sizes = tuple(int(b) for b in sizes)
    labels = [f"B = {b}" for b in sizes]
    if full_batch:
        labels.append("full batch")
    choices = (*labels, "none within the budget")

    def answer(ex: BatchSizeExplorer) -> tuple[str, str]:
        s = ex.setup
        m = int(s.objective.n_examples)
        target = s.f_star + 0.01 if level is None else float(level)
        cands = [*sizes, m] if full_batch else list(sizes)
        results = {}
        for lab, b in zip(labels, cands, strict=True):
            if not 1 <= b <= m:
                raise ValueError(f"batch size {b} is not in [1, {m}]")
            runs = batch_runs(
                s.objective,
                ex.optimizer(),
                s.start,
                b,
                ex.value("epochs"),
                ex.value("n_runs"),
                max_points=10**9,
            )
            results[lab] = first_epoch_below(runs, target)
        done = {k: v for k, v in results.items() if v is not None}
        why = "; ".join(
            f"{k}: {v:.3g} epochs"
            if v is not None
            else f"{k}: not within {ex.value('epochs')} epochs"
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


class BatchSizeExplorer(Explorer):
    """Gradient descent with batches of B examples on a 2-D logistic loss, N seeds at once.

    The contour plot shows one faint path per shuffling seed (seeds 0 … N−1 of the gradient
    oracle) up to update t; the middle panel the loss of the runs against epochs, updates or
    examples seen (median and 10–90 % band); the right panel the gradient noise at run 1's point:
    every per-example gradient, the batch gradients of 40 random batches of size B, their 2σ
    ellipse (covariance Σ/B, shrinking as B grows) and the full gradient.

    A run counts as diverged once its iterate leaves a box ten times the plotted region
    (``|w|∞ > 10 · max|plot bound|``): the logistic loss cannot overflow, so a too-large α only
    throws w ever farther out. The status then says how many runs diverged, when, and why.

    Example:
        >>> ex = BatchSizeExplorer(batch_size=8)
        >>> ex.last_status.text.startswith("B = 8: 72 updates per epoch")
        True
    """

    lessons = ("03_gradient_descent_variants",)

    def __init__(
        self,
        *,
        objective: Objective | None = None,
        optimizer: str = "gd",
        start: Sequence[float] | None = None,
        alpha: float = 0.5,
        batch_size: int = 16,
        epochs: int = 3,
        n_runs: int = 8,
        x_axis: str = "epochs",
        question: Question | None = None,
    ) -> None:
        obj = (
            objective
            if objective is not None
            else wdbc_logistic(("mean radius", "mean texture"), fit_bias=False)
        )
        if getattr(obj, "n_examples", None) is None or obj.dim != 2:
            raise ValueError(
                "objective must be a 2-parameter data objective (e.g. "
                "wdbc_logistic(fit_bias=False)); got " + repr(obj)
            )
        if optimizer not in ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"):
            raise ValueError(f"optimizer must be a first-order optimizer name, got {optimizer!r}")
        if x_axis not in X_AXES:
            raise ValueError(f"x_axis must be one of {', '.join(X_AXES)}, got {x_axis!r}")
        self.optimizer_name = optimizer
        start = obj.start if start is None else np.asarray(start, dtype=float)
        self.setup = setup_for(obj, np.asarray(start, dtype=float))
        m = int(obj.n_examples)
        sizes = _batch_sizes(m)
        b = min(sizes, key=lambda s: abs(math.log(s) - math.log(max(int(batch_size), 1))))
        self._runs: OrderedDict = OrderedDict()

        controls: dict[str, ipw.Widget] = {
            # Up to 1000: far past the point (α ≈ 30–300) where the runs leave the plot for good.
            "alpha": ctl.log_slider(
                "α (learning rate)", alpha, 1e-3, 1e3, steps_per_decade=20, fmt=".2g"
            ),
            "batch_size": ipw.SelectionSlider(
                options=[(f"{s}" if s < m else f"{s} (all)", s) for s in sizes],
                value=b,
                description="batch size B",
                continuous_update=True,
                style={"description_width": "initial"},
                layout=ipw.Layout(width="98%"),
            ),
            "epochs": ctl.int_slider("epochs", int(epochs), 1, 10),
            "n_runs": ctl.int_slider("runs N (seeds)", int(n_runs), 1, 32),
            "x_axis": ctl.choice("loss against", [(v, k) for k, v in X_AXES.items()], x_axis),
            "step": ctl.int_slider("update t", 0, 0, 1),
        }
        total = int(epochs) * -(-m // b)
        controls["step"].max = total
        controls["step"].value = total
        self.play = ctl.play_for(controls["step"], interval_ms=60)
        # Before the base class's observers: the step range follows B and the epochs.
        for name in ("batch_size", "epochs"):
            controls[name].observe(self._on_budget, names="value")
        self.view = self.make_view()
        super().__init__(
            controls,
            self.view.figure,
            question=question,
            extra=(ipw.HBox([self.play, ipw.Label("animate the runs")]),),
            control_columns=3,
        )

    def make_view(self) -> BatchSizeView:
        return BatchSizeView(self.setup)

    def optimizer(self) -> Optimizer:
        return make_optimizer(self.optimizer_name, learning_rate=float(self.value("alpha")))

    def _on_budget(self, change: dict) -> None:
        step = self.controls["step"]
        m = int(self.setup.objective.n_examples)
        total = int(self.value("epochs")) * -(-m // int(self.value("batch_size")))
        at_end = step.value >= step.max
        with self.hold():
            step.max = total
            step.value = total if at_end else min(step.value, total)

    def _batch_runs(self) -> BatchRuns:
        key = (
            float(self.value("alpha")),
            int(self.value("batch_size")),
            int(self.value("epochs")),
            int(self.value("n_runs")),
        )
        runs = self._runs.get(key)
        if runs is None:
            s = self.setup
            runs = batch_runs(
                s.objective,
                self.optimizer(),
                s.start,
                key[1],
                key[2],
                key[3],
                radius=s.escape_radius,
            )
            self._runs[key] = runs
            while len(self._runs) > 24:
                self._runs.popitem(last=False)
        else:
            self._runs.move_to_end(key)
        return runs

    def render(self, changed: frozenset[str]) -> Status:
        s = self.setup
        runs = self._batch_runs()
        t = min(int(self.value("step")), runs.n_updates)
        W = runs.params[:, t]
        loss_now = np.asarray(s.objective.value(W))
        b = runs.batch_size
        noise = gradient_noise(s.objective, W[0], b)
        m = int(s.objective.n_examples)
        seen = int(minibatch(b, 0).examples_seen(m, t)[-1])
        self.state = BatchState(
            setup=s,
            runs=runs,
            step=t,
            x_axis=self.value("x_axis"),
            noise=noise,
            loss_now=loss_now,
            examples_now=seen,
        )
        self.view.update(self.state)

        q10, q50, q90 = np.quantile(loss_now, QUANTILES)
        n = len(runs.seeds)
        who = "full batch" if b == m else f"B = {b}"
        text = (
            f"{who}: {runs.per_epoch} update{'s' if runs.per_epoch != 1 else ''} per epoch; "
            f"after {seen / m:.3g} epochs ({t} updates, {seen:,} examples) median loss "
            f"{q50:.4f} (10–90 %: {q10:.4f}–{q90:.4f}) over {n} run{'s' if n != 1 else ''}, "
            f"minimum f* = {s.f_star:.4f}; batch-gradient noise std {noise.std:.3g} "
            f"(∝ 1/√B = {1 / math.sqrt(b):.2g}) vs ‖∇f‖ = {float(np.hypot(*noise.grad)):.3g}"
        )
        if runs.n_diverged:
            return Status(f"{text}; {divergence_note(runs)}", "diverged")
        gap = q90 - s.f_star
        kind = "converged" if gap < 1e-3 else "oscillating" if q90 - q10 > 0.5 * gap else "info"
        return Status(text, kind)
