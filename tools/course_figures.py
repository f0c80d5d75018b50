"""The course map's thumbnails: one key figure per lesson, drawn with the package, as PNG bytes.

Drawn with matplotlib's Agg canvas on a `Figure` (no pyplot state), at a fixed size and
resolution, with the default style and no "Software" metadata, so that the same versions of
the course's dependencies give the same bytes (tests/test_sources.py checks the committed files).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from widgets.data import load_wdbc
from widgets.explorers.style import PALETTE
from widgets.objectives import LogisticLoss, Quadratic2D, sigmoid, wdbc_logistic
from widgets.optimizers import gd, momentum, newton
from widgets.simulate import simulate
from widgets.theory import quadratic_theory

SIZE = (4.0, 2.2)  # inches
DPI = 100
COLOURS = tuple(PALETTE[k] for k in ("blue", "vermillion", "bluish green", "reddish purple"))


def _png(draw: Callable[[Figure], None]) -> bytes:
    with mpl.rc_context(mpl.rcParamsDefault):
        fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        draw(fig)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def fit_figure(fig: Figure) -> None:
    """Lesson 01: the fitted probability of malignancy against mean radius, over the tumours."""
    data = load_wdbc("mean radius")
    loss = LogisticLoss(data.X, data.y)
    w, b = simulate(loss, newton(), steps=30, tol=1e-12).final_params
    ax = fig.add_subplot()
    x = data.X[:, 0]
    ax.plot(x, data.y, "|", color="0.4", ms=8, alpha=0.5, label="tumours (1 = malignant)")
    grid = np.linspace(x.min(), x.max(), 200)
    ax.plot(grid, sigmoid(w * grid + b), color=COLOURS[0], lw=2, label="σ(wx + b), fitted")
    ax.set(xlabel="mean radius (standardised)", ylabel="P(malignant)")
    ax.legend(fontsize=7, loc="center right")


def difference_figure(fig: Figure) -> None:
    """Lesson 02: the error of a central difference of σ at z = 1 against the step h."""
    h = np.logspace(-12, -1, 111)
    # σ through the C library's exp, one number at a time: NumPy's vectorised exp rounds the
    # last bit differently on different CPUs (AVX2, AVX-512), and this figure draws rounding
    sig = np.vectorize(lambda z: 1.0 / (1.0 + math.exp(-z)))
    exact = float(sig(1.0) * sig(-1.0))
    error = np.abs((sig(1 + h) - sig(1 - h)) / (2 * h) - exact)
    ax = fig.add_subplot()
    ax.loglog(h, error, color=COLOURS[0], label="error of the central difference")
    ax.axvline(np.finfo(float).eps ** (1 / 3), color="0.4", ls="--", lw=1, label="ε_mach^(1/3)")
    ax.set(xlabel="step h", ylabel="error")
    ax.legend(fontsize=7)


def batch_figure(fig: Figure) -> None:
    """Lesson 03: the loss gap of mini-batch gradient descent on WDBC against epochs, per B."""
    loss = wdbc_logistic()
    f_star = simulate(loss, newton(), steps=50, tol=1e-12).final_loss
    m = loss.n_examples
    ax = fig.add_subplot()
    for colour, (batch, alpha) in zip(COLOURS, ((1, 0.2), (16, 1.0), (None, 4.0)), strict=False):
        steps = 3 * (-(-m // batch)) if batch else 3
        run = simulate(loss, gd(alpha), steps=steps, tol=None, batch_size=batch, seed=0)
        label = f"B = {batch}" if batch else f"full batch (B = {m})"
        ax.semilogy(run.epochs, run.loss - f_star, color=colour, lw=1, label=label)
    ax.set(xlabel="epochs", ylabel="f − f*")
    ax.legend(fontsize=7)


def rate_figure(fig: Figure) -> None:
    """Lesson 04: the contraction per step ρ(α) = max|1 − αλᵢ| on a κ = 10 quadratic."""
    th = quadratic_theory(np.diag([0.1, 1.0]))
    alpha = np.linspace(0.0, 2.4, 481)
    rho = np.maximum(np.abs(1 - alpha * th.lambda_min), np.abs(1 - alpha * th.lambda_max))
    ax = fig.add_subplot()
    ax.axvspan(0, th.stable_lr_max, color=COLOURS[2], alpha=0.15, label="stable band (0, 2/λmax)")
    ax.plot(alpha, rho, color=COLOURS[0], lw=2, label="ρ(α)")
    ax.plot([th.best_lr], [th.best_rate], "o", color=COLOURS[1], label="α* = 2/(λmin + λmax)")
    ax.axhline(1.0, color="0.4", lw=0.8)
    ax.set(xlabel="learning rate α", ylabel="contraction per step", ylim=(0, 1.6))
    ax.legend(fontsize=7, loc="upper left")


def newton_figure(fig: Figure) -> None:
    """Lesson 05: ‖∇f‖ per step of Newton's method and of gradient descent on WDBC."""
    loss = wdbc_logistic()
    ax = fig.add_subplot()
    for colour, marker, (name, opt) in zip(
        COLOURS,
        ("o", "s"),
        (("Newton", newton()), ("gradient descent, α = 1", gd(1.0))),
        strict=False,
    ):
        run = simulate(loss, opt, steps=60, tol=1e-12)
        ax.semilogy(run.grad_norm, marker=marker, ms=3, color=colour, lw=1, label=name)
    ax.set(xlabel="step t", ylabel="‖∇f(w_t)‖")
    ax.legend(fontsize=7)


def momentum_figure(fig: Figure) -> None:
    """Lesson 06: distance to the minimum per step, gradient descent against the heavy ball."""
    bowl = Quadratic2D(condition_number=100.0, angle=0.5)
    th = quadratic_theory(bowl.A)
    ax = fig.add_subplot()
    runs = (
        ("gradient descent, best α", gd(th.best_lr), COLOURS[0]),
        ("heavy ball, best (α, μ)", momentum(th.best_momentum_lr, th.best_momentum), COLOURS[1]),
    )
    for label, opt, colour in runs:
        path = simulate(bowl, opt, steps=300, tol=None).params
        ax.semilogy(np.linalg.norm(path, axis=1), color=colour, lw=1.5, label=label)
    ax.set(xlabel="step t", ylabel="‖w_t − w*‖ (κ = 100)")
    ax.legend(fontsize=7)


def validation_figure(fig: Figure) -> None:
    """Lesson 07: training and validation loss of the L2 path on WDBC's 30 features, against τ."""
    from widgets.models.regularization_paths import regularization_path_state

    st = regularization_path_state(penalty="l2")
    ax = fig.add_subplot()
    ax.semilogx(st.taus, st.train_loss, color=COLOURS[0], lw=1.5, ls="--", label="training")
    ax.semilogx(st.taus, st.validation_loss, color=COLOURS[1], lw=1.5, label="validation")
    best = st.best_index
    ax.plot(st.taus[best], st.validation_loss[best], "o", color=COLOURS[1], label="best τ")
    ax.set(xlabel="penalty strength τ (L2)", ylabel="mean cross-entropy")
    ax.legend(fontsize=7)


def roc_figure(fig: Figure) -> None:
    """Lesson 08: the ROC curve of the two-feature WDBC model on its validation tumours."""
    from widgets.models.threshold import threshold_data

    d = threshold_data()
    ax = fig.add_subplot()
    ax.plot(d.roc_fpr, d.roc_tpr, color=COLOURS[0], lw=2, label=f"ROC curve, AUC {d.auc:.2f}")
    ax.plot([0, 1], [0, 1], color="0.4", ls=":", lw=1, label="random ranking")
    ax.set(xlabel="false positive rate", ylabel="true positive rate")
    ax.legend(fontsize=7, loc="lower right")


def moons_figure(fig: Figure) -> None:
    """Lesson 09: the two moons, the best line's boundary and a 4-unit network's curved one."""
    from widgets.models.beyond_a_line import beyond_line_state

    st = beyond_line_state(hidden_units=4, learning_rate=1.0)
    ax = fig.add_subplot()
    X, y = st.data.X, st.data.y
    ax.scatter(*X[y == 0].T, s=6, marker="o", color=COLOURS[0], label="class 0")
    ax.scatter(*X[y == 1].T, s=8, marker="^", color=COLOURS[1], label="class 1")
    ax.plot(*st.line_segment.T, color="0.3", ls="--", lw=1.5, label="best line")
    ax.contour(st.grid_x, st.grid_y, st.net_probs, levels=[0.5], colors=[COLOURS[2]],
               linewidths=2)  # fmt: skip
    ax.plot([], [], color=COLOURS[2], lw=2, label="4 hidden units")
    ax.set(xlabel="x₁", ylabel="x₂", xticks=[], yticks=[])
    ax.legend(fontsize=7, loc="lower left", ncols=2)


#: lesson number -> (figure, text alternative)
FIGURES: dict[str, tuple[Callable[[Figure], None], str]] = {
    "01": (
        fit_figure,
        "the fitted sigmoid rising from 0 to 1 across mean radius, over the 569 tumours",
    ),
    "02": (
        difference_figure,
        "the error of a central difference falling as h² and rising again below h ≈ 6·10⁻⁶",
    ),
    "03": (
        batch_figure,
        "the loss gap against epochs: small batches fall fastest per epoch, then level off",
    ),
    "04": (
        rate_figure,
        "the contraction per step ρ(α): a V shape, below 1 only inside the stable band",
    ),
    "05": (
        newton_figure,
        "Newton's gradient norm plunging in 7 steps while gradient descent falls in a line",
    ),
    "06": (
        momentum_figure,
        "distance to the minimum on a κ = 100 bowl: the heavy ball falls far faster than gradient "
        "descent",
    ),
    "07": (
        validation_figure,
        "training loss rising with τ while validation loss falls to its lowest at τ ≈ 0.0056, "
        "then rises",
    ),
    "08": (
        roc_figure,
        "the ROC curve of the validation tumours rising steeply above the diagonal, AUC 0.93",
    ),
    "09": (
        moons_figure,
        "two interleaved moons: the best straight line cuts through both, a network with 4 "
        "hidden units curves between them",
    ),
}


def thumbnail(lesson: str) -> bytes:
    """The PNG of a lesson's key figure (``"01"`` … ``"06"``)."""
    try:
        draw, _ = FIGURES[lesson]
    except KeyError:
        raise ValueError(f"no thumbnail for lesson {lesson!r}; known: {sorted(FIGURES)}") from None
    return _png(draw)
