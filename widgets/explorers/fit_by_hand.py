"""Fitting logistic regression by hand (lesson 01): one feature, then two.

- :class:`FitByHandExplorer`: sliders w and b over one standardised WDBC feature. The data with the
  curve σ(wx + b); each tumour's likelihood p(yᵢ | xᵢ) = ŷᵢ^yᵢ (1 − ŷᵢ)^(1−yᵢ) as a bar; their
  log-likelihood; and where (w, b) sits on the loss surface, beside the best fit.
- :class:`DecisionBoundaryExplorer`: two features, sliders w₁, w₂, b. The probability field
  σ(w·x + b), the decision boundary w·x + b = 0 and the lines of probability 0.1 … 0.9; gradient
  descent's ‖w‖ and loss step by step; on linearly separable data ‖w‖ grows for ever unless an L2
  penalty λ > 0 gives the loss a finite minimiser.

Model: the pure functions below (no plotting). Views: :class:`FitByHandView`,
:class:`DecisionBoundaryView`. Panels: the two explorers.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb

from .._validate import check_choice
from ..data import WDBC_FEATURES, Dataset, load_wdbc, make_classification_2d
from ..objectives import LogisticLoss, sigmoid, wdbc_logistic
from ..optimizers import gd, newton
from ..simulate import Trajectory, simulate
from . import _controls as ctl
from ._figure import BlitManager, new_figure
from ._panel import Explorer, Question, Status
from ._plots import draw_contours, sparse_log_minor_ticks
from .style import ROLE_COLORS, color_for

__all__ = [
    "BoundaryState",
    "DecisionBoundaryExplorer",
    "FitByHandExplorer",
    "FitState",
    "best_fit",
    "best_fit_question",
    "boundary_state",
    "example_likelihoods",
    "feature_loss",
    "fit_state",
    "gd_run",
    "level_line",
    "log_likelihood",
    "penalised_minimiser",
    "probability_bands",
    "separable_question",
    "weight_sign_question",
]

W_RANGE = (-6.0, 6.0)  # the logistic loss's plot bounds: |w| ≈ 6 saturates σ on standardised data
B_RANGE = (-6.0, 6.0)
LESSON = "01_logistic_regression_mle"


def _num(x: float, spec: str = ".3g") -> str:
    """A number with a true minus sign (U+2212), as in the course's text."""
    return format(x, spec).replace("-", "−")


# ================================================================================================
# One feature: model
# ================================================================================================
@functools.cache
def feature_loss(feature: str) -> LogisticLoss:
    """Mean negative log-likelihood of σ(w·x + b) on one standardised WDBC feature (y = 1:
    malignant); parameters (w, b)."""
    check_choice("feature", feature, WDBC_FEATURES)
    return wdbc_logistic((feature,), fit_bias=True)


@functools.cache
def best_fit(feature: str) -> Trajectory:
    """The maximum-likelihood (w, b) for one feature, by Newton's method from (0, 0).

    The loss is convex and, since no single WDBC feature separates the classes, has a finite
    minimiser; Newton reaches ‖∇f‖ < 1e-10 in at most 8 steps on every one of the 30 features.
    """
    traj = simulate(feature_loss(feature), newton(), steps=100, tol=1e-10)
    if not traj.converged:  # pragma: no cover - a property of the shipped data
        raise RuntimeError(f"the best fit for {feature!r} was not found: {traj.message}")
    return traj


def log_likelihood(loss: LogisticLoss, params: np.ndarray) -> float:
    """log L = Σᵢ log p(yᵢ | xᵢ) = −m × (mean NLL), from the objective's stable form."""
    return -loss.n_examples * float(loss.value(params))


def example_likelihoods(loss: LogisticLoss, params: np.ndarray) -> np.ndarray:
    """p(yᵢ | xᵢ) = ŷᵢ^yᵢ (1 − ŷᵢ)^(1−yᵢ) for every example, shape (m,).

    For y ∈ {0, 1} this is σ(zᵢ) or 1 − σ(zᵢ) = σ(−zᵢ), i.e. σ((2yᵢ − 1) zᵢ): no cancellation.
    """
    params = np.asarray(params, dtype=float)
    z = loss.X @ params[: loss.X.shape[1]] + (params[-1] if loss.fit_bias else 0.0)
    return sigmoid((2.0 * loss.y - 1.0) * z)


@functools.cache
def _curve_x(feature: str) -> np.ndarray:
    x = feature_loss(feature).X[:, 0]
    pad = 0.08 * (x.max() - x.min())
    return np.linspace(x.min() - pad, x.max() + pad, 301)


@dataclass(frozen=True, eq=False)
class FitState:
    """Everything the one-feature view draws, for a feature and a model (w, b)."""

    feature: str
    loss: LogisticLoss
    w: float
    b: float
    x: np.ndarray  # (m,) standardised feature
    y: np.ndarray  # (m,) labels, 1 = malignant
    x_curve: np.ndarray
    p_curve: np.ndarray  # σ(w x + b) on x_curve
    likelihood: np.ndarray  # (m,) p(yᵢ | xᵢ)
    log_likelihood: float
    mean_nll: float
    best_w: float
    best_b: float
    best_log_likelihood: float
    threshold: float | None  # x where σ = 1/2, i.e. −b/w; None when w = 0


def fit_state(feature: str, w: float, b: float) -> FitState:
    """Compute the one-feature explorer's data for the model σ(w·x + b)."""
    loss = feature_loss(feature)
    params = np.array([w, b], dtype=float)
    best = best_fit(feature)
    bw, bb = (float(v) for v in best.final_params)
    xc = _curve_x(feature)
    mean_nll = float(loss.value(params))
    threshold = -b / w if w != 0.0 and abs(b) < 1e12 * abs(w) else None
    return FitState(
        feature=feature,
        loss=loss,
        w=float(w),
        b=float(b),
        x=loss.X[:, 0],
        y=loss.y,
        x_curve=xc,
        p_curve=sigmoid(w * xc + b),
        likelihood=example_likelihoods(loss, params),
        log_likelihood=-loss.n_examples * mean_nll,
        mean_nll=mean_nll,
        best_w=bw,
        best_b=bb,
        best_log_likelihood=log_likelihood(loss, best.final_params),
        threshold=threshold,
    )


# ================================================================================================
# One feature: view
# ================================================================================================
class FitByHandView:
    """Data with σ(wx + b) (top left), each example's likelihood (bottom left), loss surface."""

    def __init__(self, figsize: tuple[float, float] = (10.0, 5.2)) -> None:
        self.figure = fig = new_figure(figsize)
        gs = fig.add_gridspec(
            2,
            2,
            width_ratios=(1.3, 1.0),
            left=0.07,
            right=0.975,
            bottom=0.1,
            top=0.9,
            wspace=0.24,
            hspace=0.42,
        )
        self.ax_fit = fig.add_subplot(gs[0, 0])
        self.ax_lik = fig.add_subplot(gs[1, 0])
        self.ax_surf = fig.add_subplot(gs[:, 1])
        self.blit = BlitManager(fig)
        self.feature: str | None = None
        self._revealed = True

    # -- built once per feature -----------------------------------------------------------------
    def _setup(self, st: FitState) -> None:
        self.blit.remove(self.blit.artists)
        for ax in (self.ax_fit, self.ax_lik, self.ax_surf):
            ax.cla()
        x, y = st.x, st.y
        xlim = (float(st.x_curve[0]), float(st.x_curve[-1]))
        jitter = np.random.default_rng(0).uniform(-0.05, 0.05, len(x))  # fixed: points stay put
        colors = {0: ROLE_COLORS["class 0"], 1: ROLE_COLORS["class 1"]}

        ax = self.ax_fit
        for label, name in ((0, "benign (y = 0)"), (1, "malignant (y = 1)")):
            sel = y == label
            ax.plot(
                x[sel],
                label + jitter[sel],
                "o",
                ms=3,
                color=colors[label],
                alpha=0.45,
                mew=0,
                label=name,
            )
        self.curve = ax.plot([], [], color=ROLE_COLORS["curve"], lw=2.2, label="σ(wx + b)")[0]
        self.threshold = ax.plot(
            [], [], color=ROLE_COLORS["curve"], lw=1, ls=":", label="σ = ½ at x = −b/w"
        )[0]
        ax.set(xlim=xlim, ylim=(-0.12, 1.12), ylabel="P(malignant | x)")
        ax.set_yticks([0, 0.5, 1])
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.02),
            ncol=4,
            fontsize=8,
            frameon=False,
            handletextpad=0.3,
            columnspacing=1.0,
            borderaxespad=0.0,
        )

        ax = self.ax_lik
        # One NaN-broken polyline of vertical bars per class: two paths to draw, not 569.
        self._bar_rows = [np.flatnonzero(y == c) for c in (0, 1)]
        self._bar_paths = []
        for rows in self._bar_rows:
            path = np.full((len(rows), 3, 2), np.nan)
            path[:, :2, 0] = x[rows, None]
            path[:, 0, 1] = 0.0
            self._bar_paths.append(path)
        self.bars = LineCollection(
            [p.reshape(-1, 2) for p in self._bar_paths],
            colors=[colors[0], colors[1]],
            linewidths=0.8,
            alpha=0.45,
        )
        ax.add_collection(self.bars)
        ax.set(
            xlim=xlim, ylim=(0.0, 1.05), ylabel="p(yᵢ | xᵢ)", xlabel=f"{st.feature} (standardised)"
        )
        # Only the number is redrawn per update (text costs ~0.1 ms a glyph); the words stay in
        # the background, and the number is anchored to their end.
        self.ll_label = ax.text(
            0.0,
            1.04,
            "log-likelihood Σᵢ log p(yᵢ | xᵢ) = ",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=9,
        )
        self.ll_text = ax.annotate(
            "",
            xy=(1.0, 0.0),
            xycoords=self.ll_label,
            ha="left",
            va="bottom",
            fontsize=9,
            fontweight="bold",
        )

        ax = self.ax_surf
        draw_contours(ax, st.loss, bounds=(W_RANGE, B_RANGE), resolution=101)
        ax.set_title("mean NLL over (w, b)", fontsize=10)
        ax.set_xlabel(f"w (weight of {st.feature})")
        ax.set_ylabel("b (bias)")
        self.best = ax.plot(
            [],
            [],
            "*",
            color=ROLE_COLORS["best"],
            ms=14,
            mec="black",
            mew=0.7,
            label="best fit (maximum likelihood)",
        )[0]
        self.marker = ax.plot(
            [], [], "o", color="white", mec="black", mew=1.5, ms=8, label="your (w, b)"
        )[0]
        ax.legend(loc="upper left", fontsize=8, framealpha=0.85)

        self.blit.add(self.curve, self.threshold, self.bars, self.ll_text, self.best, self.marker)
        self.feature = st.feature

    # -- every update ---------------------------------------------------------------------------
    def update(self, st: FitState) -> None:
        new = st.feature != self.feature
        if new:
            self._setup(st)
        self.curve.set_data(st.x_curve, st.p_curve)
        if st.threshold is not None and st.x_curve[0] <= st.threshold <= st.x_curve[-1]:
            self.threshold.set_data([st.threshold, st.threshold], [-0.12, 1.12])
        else:
            self.threshold.set_data([], [])
        for rows, path in zip(self._bar_rows, self._bar_paths, strict=True):
            path[:, 1, 1] = st.likelihood[rows]
        self.bars.set_segments([p.reshape(-1, 2) for p in self._bar_paths])
        self.ll_text.set_text(_num(st.log_likelihood, ".1f"))
        self.marker.set_data([np.clip(st.w, *W_RANGE)], [np.clip(st.b, *B_RANGE)])
        self.best.set_data([st.best_w], [st.best_b])
        self.best.set_visible(self._revealed)
        if new:
            self.blit.full_redraw()
        else:
            self.blit.update()

    def set_revealed(self, revealed: bool) -> None:
        self._revealed = bool(revealed)
        if self.feature is not None:
            self.best.set_visible(self._revealed)
            self.blit.update()


# ================================================================================================
# One feature: panel
# ================================================================================================
class FitByHandExplorer(Explorer):
    """Fit σ(w·x + b) to one WDBC feature by hand and watch the likelihood.

    Example:
        >>> ex = FitByHandExplorer(w=3.64, b=-0.64)
        >>> ex.last_status.text.endswith("you are on the maximum")
        True
    """

    lessons = (LESSON,)

    def __init__(
        self,
        *,
        feature: str = "mean radius",
        w: float = 1.0,
        b: float = 0.0,
        question: Question | None = None,
    ) -> None:
        check_choice("feature", feature, WDBC_FEATURES)
        controls = {
            "w": ctl.float_slider("weight w", w, *W_RANGE, 0.05, fmt=".2f"),
            "b": ctl.float_slider("bias b", b, *B_RANGE, 0.05, fmt=".2f"),
            "feature": ctl.choice("feature x", WDBC_FEATURES, feature),
        }
        self.view = self.make_view()
        super().__init__(controls, self.view.figure, question=question, control_columns=3)

    def make_view(self) -> FitByHandView:
        return FitByHandView()

    def render(self, changed: frozenset[str]) -> Status:
        st = fit_state(self.value("feature"), self.value("w"), self.value("b"))
        self.state = st
        self.view.update(st)
        text = (
            f"log-likelihood {_num(st.log_likelihood, '.1f')} (mean NLL {st.mean_nll:.3f}); "
            f"the best fit is w = {_num(st.best_w, '.1f')}, b = {_num(st.best_b, '.1f')} "
            f"with {_num(st.best_log_likelihood, '.1f')}"
        )
        gap = st.best_log_likelihood - st.log_likelihood
        if gap < 0.05:
            return Status(text + ": you are on the maximum", "converged")
        return Status(text + f" ({gap:.1f} higher)", "info")


def weight_sign_question() -> Question:
    """Predict the sign of the best w for the chosen feature (graded from the Newton fit)."""

    def answer(ex: FitByHandExplorer) -> tuple[str, str]:
        feature = ex.value("feature")
        traj = best_fit(feature)
        w, b = (float(v) for v in traj.final_params)
        correct = "w > 0" if w > 0 else "w < 0"
        why = (
            f"the maximum-likelihood fit for {feature} is w = {_num(w, '.2f')}, "
            f"b = {_num(b, '.2f')} (log-likelihood "
            f"{_num(log_likelihood(feature_loss(feature), traj.final_params), '.1f')})"
        )
        if abs(w) < 0.2:
            why += "; w is close to 0: this feature hardly tells the classes apart"
        else:
            more = "more" if w > 0 else "less"
            why += f"; larger values make malignancy {more} likely"
        return correct, why

    return Question(
        "For this feature, will the best fit have w > 0 (a larger value makes malignancy more "
        "likely) or w < 0?",
        answer,
        choices=("w > 0", "w < 0"),
    )


def best_fit_question() -> Question:
    """Find the largest log-likelihood by hand; graded within 2 % of the Newton fit."""

    def answer(ex: FitByHandExplorer) -> tuple[float, str]:
        feature = ex.value("feature")
        traj = best_fit(feature)
        ll = log_likelihood(feature_loss(feature), traj.final_params)
        w, b = (float(v) for v in traj.final_params)
        return ll, (
            f"Newton's method finds the maximum at w = {_num(w, '.2f')}, b = {_num(b, '.2f')} "
            f"({traj.message}); no (w, b) does better"
        )

    return Question(
        "Move w and b to make the log-likelihood as large as you can. What is the largest "
        "value any (w, b) can reach on this feature?",
        answer,
        rel_tol=0.02,
    )


# ================================================================================================
# Two features: model
# ================================================================================================
BOUNDARY_FEATURES = ("mean radius", "mean texture")
STEPS = 500
BAND_EDGES = np.linspace(0.0, 1.0, 41)  # the probability field in 40 bands of 0.025
PROB_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9)  # 0.5 is the boundary, drawn apart
WEIGHT_RANGE = (-10.0, 10.0)
L2_RANGE = (0.0, 0.5)


@functools.cache
def boundary_data(separable: bool) -> Dataset:
    """WDBC (mean radius, mean texture), standardised; or the linearly separable synthetic set."""
    if separable:
        return make_classification_2d("separable")
    return load_wdbc(BOUNDARY_FEATURES, standardize=True)


@functools.cache
def data_bounds(separable: bool) -> tuple[tuple[float, float], tuple[float, float]]:
    """Plot box around the data, padded by 5 % on each side."""
    X = boundary_data(separable).X
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * (hi - lo)
    return (
        (float(lo[0] - pad[0]), float(hi[0] + pad[0])),
        (float(lo[1] - pad[1]), float(hi[1] + pad[1])),
    )


@functools.lru_cache(maxsize=512)
def boundary_loss(separable: bool, l2: float) -> LogisticLoss:
    """Mean NLL of σ(w·x + b) on the two-feature data, plus (λ/2)‖w‖² (bias not penalised)."""
    data = boundary_data(separable)
    return LogisticLoss(data.X, data.y, fit_bias=True, l2=l2, feature_names=data.feature_names)


@functools.lru_cache(maxsize=512)
def gd_run(separable: bool, l2: float) -> tuple[Trajectory, float]:
    """Gradient descent from 0 for ``STEPS`` steps with α = 1/L, and that α.

    L = λmax(∇²f(0)) bounds the curvature everywhere, because σ(1 − σ) ≤ ¼ is largest at z = 0,
    so the rate 1/L is safe on any data.
    """
    loss = boundary_loss(separable, l2)
    alpha = 1.0 / float(np.linalg.eigvalsh(loss.hessian(np.zeros(loss.dim)))[-1])
    return simulate(loss, gd(alpha), steps=STEPS, tol=1e-6), alpha


@functools.lru_cache(maxsize=512)
def penalised_minimiser(separable: bool, l2: float) -> Trajectory | None:
    """Newton's method to the minimiser of the (penalised) loss; ``None`` when there is none.

    On linearly separable data without penalty the loss keeps decreasing as ‖w‖ → ∞ along the
    separating direction: the infimum 0 is never attained and there is no minimiser.
    """
    if separable and l2 == 0.0:
        return None
    return simulate(boundary_loss(separable, l2), newton(), steps=100, tol=1e-10)


@functools.cache
def curve_limits(separable: bool) -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed y-limits of the ‖w‖ and loss panels for a data set (from the λ = 0 run, which has
    the largest norms and the smallest losses of all λ), so moving λ never rescales the axes."""
    run, _ = gd_run(separable, 0.0)
    norms = np.linalg.norm(run.params[:, :-1], axis=1)
    return (0.0, 1.12 * float(norms.max())), (0.5 * float(run.loss.min()), 1.0)


def level_line(
    w: np.ndarray, b: float, p: float, bounds: tuple[tuple[float, float], tuple[float, float]]
) -> np.ndarray:
    """End points, shape (2, 2) as (xs, ys), of the line σ(w·x + b) = p across the plot box.

    The line is w·x + b = logit(p). Returns an empty (2, 0) array when w = 0 (σ is constant)
    or when the line misses the box's circumscribed circle.
    """
    (x0, x1), (y0, y1) = bounds
    c = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    radius = 0.5 * math.hypot(x1 - x0, y1 - y0)
    norm = math.hypot(w[0], w[1])
    if norm == 0.0:
        return np.empty((2, 0))
    offset = (float(w @ c) + b - math.log(p / (1.0 - p))) / norm  # signed distance of c
    if not abs(offset) <= radius:
        return np.empty((2, 0))
    u = w / norm
    foot = c - offset * u  # closest point of the line to the box centre
    along = np.array([-u[1], u[0]])
    ends = np.stack([foot - radius * along, foot + radius * along])
    return ends.T


def probability_bands(
    w: np.ndarray,
    b: float,
    bounds: tuple[tuple[float, float], tuple[float, float]],
    edges: np.ndarray = BAND_EDGES,
) -> np.ndarray:
    """The probability field σ(w·x + b) over the plot box as bands, shape (n_bands, 4, 2).

    σ depends on x only through w·x, so the set where edges[k] ≤ σ ≤ edges[k+1] is the strip
    between the parallel lines w·x + b = logit(edges[k]) and logit(edges[k+1]). Each strip is
    returned as a quadrilateral cut to the square circumscribing the box's circumscribed circle
    (radius R around the box centre c); a strip entirely outside it collapses to zero width.
    With w = 0 the field is the constant σ(b): the one band holding it covers everything.
    """
    (x0, x1), (y0, y1) = bounds
    c = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    radius = 0.5 * math.hypot(x1 - x0, y1 - y0)
    w = np.asarray(w, dtype=float)
    norm = math.hypot(w[0], w[1])
    u = w / norm if norm > 0.0 else np.array([1.0, 0.0])
    along = np.array([-u[1], u[0]])
    zc = float(w @ c) + b  # w·x + b at the centre
    inner = edges[1:-1]
    logits = np.concatenate([[-np.inf], np.log(inner / (1.0 - inner)), [np.inf]])
    if norm > 0.0:
        with np.errstate(over="ignore"):
            t = (logits - zc) / norm  # signed distance from c along u of each edge line
    else:
        t = np.where(logits <= zc, -np.inf, np.inf)
    t = np.clip(t, -radius, radius)
    lo, hi = t[:-1, None], t[1:, None]
    return np.stack(
        [
            c + lo * u - radius * along,
            c + lo * u + radius * along,
            c + hi * u + radius * along,
            c + hi * u - radius * along,
        ],
        axis=1,
    )


def _lines(w: np.ndarray, b: float, levels, bounds) -> np.ndarray:
    """Several level lines joined into one (2, n) polyline with NaN breaks."""
    parts = []
    for p in levels:
        seg = level_line(w, b, p, bounds)
        if seg.shape[1]:
            parts.extend([seg, np.full((2, 1), np.nan)])
    return np.hstack(parts) if parts else np.empty((2, 0))


@dataclass(frozen=True, eq=False)
class BoundaryState:
    """Everything the two-feature view draws."""

    separable: bool
    l2: float
    params: np.ndarray  # (w₁, w₂, b) from the sliders
    data: Dataset
    bounds: tuple[tuple[float, float], tuple[float, float]]
    bands: np.ndarray  # (n_bands, 4, 2) the probability field, see probability_bands
    boundary: np.ndarray  # (2, n) the line p = 0.5
    levels: np.ndarray  # (2, n) the lines p = 0.1 … 0.9 (without 0.5), NaN-separated
    loss: float  # (penalised) mean NLL of the slider model
    accuracy: float  # fraction classified correctly by the slider model
    run: Trajectory  # gradient descent from 0
    alpha: float
    norms: np.ndarray  # (k+1,) ‖w‖ (weights only) along the run
    step: int  # the step shown (≤ run.stopped_at)
    gd_boundary: np.ndarray  # (2, n) gradient descent's boundary at ``step``
    minimiser: Trajectory | None  # Newton's run to the minimiser, None if there is none
    still_growing: bool  # ‖w‖ rose over the last 10 % of the run
    norm_limits: tuple[float, float]
    loss_limits: tuple[float, float]


def boundary_state(
    separable: bool, w1: float, w2: float, b: float, l2: float, step: int
) -> BoundaryState:
    """Compute the two-feature explorer's data for the model σ(w₁x₁ + w₂x₂ + b)."""
    data = boundary_data(separable)
    bounds = data_bounds(separable)
    loss = boundary_loss(separable, l2)
    params = np.array([w1, w2, b], dtype=float)
    w = params[:2]
    z = data.X @ w + b
    run, alpha = gd_run(separable, l2)
    norms = np.linalg.norm(run.params[:, :-1], axis=1)
    k = min(int(step), run.stopped_at)
    late = max(0, int(0.9 * run.stopped_at))
    norm_limits, loss_limits = curve_limits(separable)
    return BoundaryState(
        separable=separable,
        l2=float(l2),
        params=params,
        data=data,
        bounds=bounds,
        bands=probability_bands(w, b, bounds),
        boundary=_lines(w, b, (0.5,), bounds),
        levels=_lines(w, b, PROB_LEVELS, bounds),
        loss=float(loss.value(params)),
        accuracy=float(np.mean((z > 0) == (data.y == 1))),
        run=run,
        alpha=alpha,
        norms=norms,
        step=k,
        gd_boundary=_lines(run.params[k, :2], float(run.params[k, 2]), (0.5,), bounds),
        minimiser=penalised_minimiser(separable, float(l2)),
        still_growing=bool(norms[-1] > norms[late] * (1.0 + 1e-4)),
        norm_limits=norm_limits,
        loss_limits=loss_limits,
    )


# ================================================================================================
# Two features: view
# ================================================================================================
def _tint(color: str, amount: float) -> str:
    """``color`` mixed with white (amount 0: white, 1: the colour), so the field stays light."""
    rgb = np.array(to_rgb(color))
    return to_hex(1.0 - amount * (1.0 - rgb))


_CLASS_CMAP = LinearSegmentedColormap.from_list(
    "descent_classes",
    [_tint(ROLE_COLORS["class 0"], 0.6), "#FFFFFF", _tint(ROLE_COLORS["class 1"], 0.6)],
)


class DecisionBoundaryView:
    """Data over the probability field (left); ‖w‖ and loss along gradient descent (right)."""

    def __init__(self, figsize: tuple[float, float] = (10.0, 5.0)) -> None:
        self.figure = fig = new_figure(figsize)
        self.ax_data = fig.add_axes((0.065, 0.1, 0.43, 0.76))
        self.ax_norm = fig.add_axes((0.6, 0.56, 0.38, 0.34))
        self.ax_loss = fig.add_axes((0.6, 0.1, 0.38, 0.34))
        self.blit = BlitManager(fig)
        self.key: bool | None = None
        self._revealed = True

    def _setup(self, st: BoundaryState) -> None:
        self.blit.remove(self.blit.artists)
        for ax in (self.ax_data, self.ax_norm, self.ax_loss):
            ax.cla()
        for legend in list(self.figure.legends):
            legend.remove()
        (x0, x1), (y0, y1) = st.bounds
        X, y = st.data.X, st.data.y
        names = (
            ("benign (y = 0)", "malignant (y = 1)") if not st.separable else ("class 0", "class 1")
        )

        ax = self.ax_data
        # The field as analytic bands: a blit of 40 polygons costs ~1 ms, against 7–25 ms for
        # resampling an AxesImage of σ over a grid. No antialiasing, so no seams between bands.
        mids = 0.5 * (BAND_EDGES[:-1] + BAND_EDGES[1:])
        self.field = PolyCollection(
            st.bands, facecolors=_CLASS_CMAP(mids), edgecolors="none", antialiaseds=False
        )
        ax.add_collection(self.field)
        self.points = [
            ax.plot(
                X[y == c, 0],
                X[y == c, 1],
                "o",
                ms=3.6,
                color=ROLE_COLORS[f"class {c}"],
                mec="white",
                mew=0.4,
                label=names[c],
            )[0]
            for c in (0, 1)
        ]
        self.levels = ax.plot(
            [], [], color="#333333", lw=0.7, alpha=0.8, label="p = 0.1, 0.2, …, 0.9"
        )[0]
        self.boundary = ax.plot(
            [], [], color="black", lw=2.2, label="your boundary w·x + b = 0 (p = ½)"
        )[0]
        self.gd_boundary = ax.plot(
            [], [], color=color_for("gd"), lw=2, ls="--", label="gradient descent at step t"
        )[0]
        xn = st.data.feature_names
        unit = " (standardised)" if not st.separable else ""
        ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel=f"{xn[0]}{unit}", ylabel=f"{xn[1]}{unit}")
        self.figure.legend(
            handles=[*self.points, self.levels, self.boundary, self.gd_boundary],
            loc="upper left",
            bbox_to_anchor=(0.06, 0.995),
            ncol=3,
            fontsize=8,
            frameon=False,
            columnspacing=1.2,
            handletextpad=0.4,
        )

        ax = self.ax_norm
        self.norm_line = ax.plot([], [], color=color_for("gd"), lw=1.8, label="gradient descent")[0]
        self.norm_mark = ax.plot([], [], "o", color=color_for("gd"), ms=6)[0]
        self.norm_star = ax.plot(
            [],
            [],
            color=ROLE_COLORS["best"],
            lw=1.5,
            ls=":",
            label="‖w*‖ of the minimiser (if any)",
        )[0]
        ax.set(xlim=(0, STEPS), ylim=st.norm_limits, ylabel="‖w‖ (weights)")
        ax.set_title("gradient descent from w = 0", fontsize=10)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.85)
        ax.tick_params(labelbottom=False)

        ax = self.ax_loss
        self.loss_line = ax.plot([], [], color=color_for("gd"), lw=1.8)[0]
        self.loss_mark = ax.plot([], [], "o", color=color_for("gd"), ms=6)[0]
        self.hand_loss = ax.plot([], [], color="black", lw=1.2, ls="--", label="your (w₁, w₂, b)")[
            0
        ]
        ax.set(
            xlim=(0, STEPS),
            ylim=st.loss_limits,
            yscale="log",
            xlabel="step t",
            ylabel="loss (mean NLL + λ‖w‖²/2)",
        )
        sparse_log_minor_ticks(ax)
        ax.legend(loc="upper right", fontsize=8, framealpha=0.85)

        self.blit.add(
            self.field,
            *self.points,
            self.levels,
            self.boundary,
            self.gd_boundary,
            self.norm_line,
            self.norm_mark,
            self.norm_star,
            self.loss_line,
            self.loss_mark,
            self.hand_loss,
        )
        self.key = st.separable

    def update(self, st: BoundaryState) -> None:
        new = st.separable != self.key
        if new:
            self._setup(st)
        self.field.set_verts(st.bands)
        self.boundary.set_data(*st.boundary)
        self.levels.set_data(*st.levels)
        self.gd_boundary.set_data(*st.gd_boundary)
        steps = np.arange(st.run.stopped_at + 1)
        self.norm_line.set_data(steps, st.norms)
        self.norm_mark.set_data([st.step], [st.norms[st.step]])
        if st.minimiser is not None:
            n_star = float(np.linalg.norm(st.minimiser.final_params[:-1]))
            self.norm_star.set_data([0, STEPS], [n_star, n_star])
        else:
            self.norm_star.set_data([], [])
        self.loss_line.set_data(steps, st.run.loss)
        self.loss_mark.set_data([st.step], [st.run.loss[st.step]])
        lo, hi = st.loss_limits
        shown = min(max(st.loss, lo), hi)  # off-scale losses sit on the frame, the status says
        self.hand_loss.set_data([0, STEPS], [shown, shown])
        self._apply_visibility()
        if new:
            self.blit.full_redraw()
        else:
            self.blit.update()

    def _apply_visibility(self) -> None:
        for artist in (
            self.gd_boundary,
            self.norm_line,
            self.norm_mark,
            self.norm_star,
            self.loss_line,
            self.loss_mark,
        ):
            artist.set_visible(self._revealed)

    def set_revealed(self, revealed: bool) -> None:
        self._revealed = bool(revealed)
        if self.key is not None:
            self._apply_visibility()
            self.blit.update()


# ================================================================================================
# Two features: panel
# ================================================================================================
class DecisionBoundaryExplorer(Explorer):
    """Two features: probability field, decision boundary, and what gradient descent does on
    separable data with and without an L2 penalty.

    The "GD step t" scrubber runs over the computed run (0 … the step it stopped at, at most
    ``STEPS``) and stays at the end when the run changes, if it was there.

    Example:
        >>> ex = DecisionBoundaryExplorer(separable=True)
        >>> "does not exist" in ex.last_status.text
        True
    """

    lessons = (LESSON,)

    def __init__(
        self,
        *,
        separable: bool = False,
        w1: float = 1.0,
        w2: float = 0.5,
        b: float = 0.0,
        l2: float = 0.0,
        step: int = STEPS,
        question: Question | None = None,
    ) -> None:
        controls = {
            "w1": ctl.float_slider("w₁", w1, *WEIGHT_RANGE, 0.05, fmt=".2f"),
            "w2": ctl.float_slider("w₂", w2, *WEIGHT_RANGE, 0.05, fmt=".2f"),
            "b": ctl.float_slider("bias b", b, *WEIGHT_RANGE, 0.05, fmt=".2f"),
            "l2": ctl.float_slider("L2 penalty λ", l2, *L2_RANGE, 0.001, fmt=".3f"),
            # its range follows the run's length on every render
            "step": ctl.int_slider("GD step t", min(max(int(step), 0), STEPS), 0, STEPS),
            "separable": ctl.toggle("separable synthetic data", separable),
        }
        self.play = ctl.play_for(controls["step"])
        self.view = self.make_view()
        super().__init__(
            controls,
            self.view.figure,
            question=question,
            extra=(self.play,),
            control_columns=3,
            view_only=("step",),
        )

    def make_view(self) -> DecisionBoundaryView:
        return DecisionBoundaryView()

    def render(self, changed: frozenset[str]) -> Status:
        separable, l2 = bool(self.value("separable")), float(self.value("l2"))
        step = self.fit_scrubber("step", gd_run(separable, l2)[0].stopped_at)
        st = boundary_state(
            separable,
            self.value("w1"),
            self.value("w2"),
            self.value("b"),
            l2,
            step,
        )
        self.state = st
        self.view.update(st)
        return _boundary_status(st)


def _boundary_status(st: BoundaryState) -> Status:
    data = "separable data" if st.separable else "WDBC (mean radius, mean texture)"
    lam = f"λ = {st.l2:.3g}"
    run = st.run
    n_end = float(st.norms[-1])
    shown = (
        f"; at step {st.step} of {run.stopped_at}: ‖w‖ {st.norms[st.step]:.3g}, "
        f"loss {run.loss[st.step]:.3g}"
    )
    you = f"; your (w₁, w₂, b): loss {st.loss:.3g}, {st.accuracy:.0%} classified correctly"
    if not np.any(st.params[:2]):
        p = float(sigmoid(st.params[2]))
        you = f"; your w = 0: no boundary, every point gets p = σ(b) = {p:.3g}"
    if st.minimiser is None:
        growing = " and still growing" if st.still_growing else ""
        return Status(
            f"{data}, {lam}: after {run.stopped_at} steps ‖w‖ = {n_end:.1f}{growing}; the loss "
            f"→ 0 but never reaches it — the maximum-likelihood estimate does not exist"
            + shown
            + you,
            "diverged",
        )
    star = st.minimiser
    n_star = float(np.linalg.norm(star.final_params[:-1]))
    what = "maximum-likelihood estimate" if st.l2 == 0.0 else "penalised minimiser"
    if star.converged:
        head = (
            f"{data}, {lam}: the {what} is finite, ‖w*‖ = {n_star:.2f} (loss {star.final_loss:.3f})"
        )
    else:
        head = f"{data}, {lam}: Newton's method did not settle ({star.message})"
    gd_text = f"gradient descent (α = 1/L = {st.alpha:.2g}) {run.message}"
    if not run.converged:  # where it got to; a converged run ends at ‖w*‖, said above
        gd_text += f", ‖w‖ = {n_end:.2f}"
    return Status(f"{head}; {gd_text}" + shown + you, "converged" if run.converged else "info")


def separable_question() -> Question:
    """Predict whether ‖w‖ settles or grows for ever under gradient descent (data and λ as set)."""

    def answer(ex: DecisionBoundaryExplorer) -> tuple[str, str]:
        st = ex.state
        if st.minimiser is None:
            return "it grows without bound", (
                "the classes can be split by a line, so scaling w up along it always lowers the "
                f"loss: after {st.run.stopped_at} steps ‖w‖ = {st.norms[-1]:.1f} and rising; "
                "an L2 penalty λ > 0 gives a finite minimiser"
            )
        n_star = float(np.linalg.norm(st.minimiser.final_params[:-1]))
        why = f"the loss has a finite minimiser with ‖w*‖ = {n_star:.2f}"
        why += (
            " because the classes overlap"
            if not st.separable
            else f" because the penalty λ = {st.l2:.3g} > 0 outgrows the shrinking loss"
        )
        return "it settles at a finite value", why

    return Question(
        "If gradient descent ran for ever on these data with this λ, what would ‖w‖ do?",
        answer,
        choices=("it settles at a finite value", "it grows without bound"),
    )
