"""Taylor models and Newton's method (lesson 05): what the Hessian says about a point.

At a point w (sliders, or a click on the plot) of a 1-D or 2-D loss the explorer draws the first-
and second-order Taylor models, the Hessian's eigenvectors, and three steps side by side: the
gradient step −α∇f, the Newton step −H⁻¹∇f and the damped Newton step −(H + λI)⁻¹∇f (all three
from the package's optimizers). When H is indefinite the model has a saddle, not a minimum, and
the Newton step goes there, possibly uphill; damping λ > −λmin makes it a descent step again.
A dotted line follows gradient descent with the same α from w for up to ``GD_RUN_STEPS`` steps,
so the status can say whether α is merely too large for the local model or makes the run blow up
(:func:`gd_run` states the divergence rule).

Model: the pure functions below (no plotting). View: :class:`TaylorNewtonView`. Panel:
:class:`TaylorNewtonExplorer`.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.backend_bases import MouseButton
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from .._validate import as_vector, check_choice
from ..objectives import Objective, Rosenbrock, sine_regression, wdbc_logistic
from ..optimizers import gd, newton
from ..simulate import simulate
from . import _controls as ctl
from ._escape import ESCAPE_FACTOR, escape_radius, first_escape
from ._figure import BlitManager, new_figure
from ._panel import Explorer, Question, Status
from ._plots import draw_contours
from .style import OKABE_ITO, ROLE_COLORS, color_for

__all__ = [
    "ESCAPE_FACTOR",
    "GD_RUN_STEPS",
    "SURFACES",
    "GDRun",
    "Surface",
    "TaylorNewtonExplorer",
    "TaylorState",
    "curvature_kind",
    "curvature_question",
    "eigen_axes",
    "escape_radius",
    "gd_run",
    "model_level_sets",
    "newton_steps_question",
    "readout_html",
    "readout_items",
    "surface_objective",
    "taylor_state",
]

LESSON = "05_hessian_taylor_newton"
# The top of the α range is far beyond every loss's stability bound 2/λmax (≈ 15–35 for the
# logistic losses, ≈ 10–30 for sine regression over its box): there gradient descent leaves 10×
# the plotted region within a few steps from any point of the plot (the rule of gd_run).
ALPHA_RANGE = (1e-4, 1e3)
DAMPING_RANGE = (1e-4, 1e4)
STEP_NAMES = ("gd", "newton", "damped")
PROFILE_X = np.linspace(0.0, 2.5, 61)  # distance along −∇f in units of the GD step
AXIS_FRACTION = 0.12  # longest eigenvector axis drawn, as a fraction of the plot diagonal
GD_RUN_STEPS = 100  # the gradient-descent run from w that the status reports on
GD_RUN_TOL = 1e-6  # its target: ‖∇f‖ below this


def _num(x: float, spec: str = ".3g") -> str:
    """A number with a true minus sign (U+2212)."""
    return format(x, spec).replace("-", "−")


def _vec(v: np.ndarray, spec: str = ".3g") -> str:
    return "(" + ", ".join(_num(float(x), spec) for x in v) + ")"


# ================================================================================================
# Model
# ================================================================================================
@dataclass(frozen=True)
class Surface:
    """A loss offered by the explorer, with its plot box and sensible defaults."""

    label: str
    make: Callable[[], Objective]
    bounds: tuple[tuple[float, float], ...]
    start: tuple[float, ...]
    alpha: float
    damping: float


SURFACES: dict[str, Surface] = {
    "logistic_1d": Surface(
        "logistic loss, 1-D (weight of mean radius, no bias)",
        lambda: wdbc_logistic(("mean radius",), fit_bias=False),
        ((-4.0, 8.0),),
        (-2.0,),
        4.0,
        0.1,
    ),
    "logistic_2d": Surface(
        "logistic loss, 2-D (mean radius, mean texture, no bias)",
        lambda: wdbc_logistic(("mean radius", "mean texture"), fit_bias=False),
        ((-3.0, 9.0), (-5.0, 5.0)),
        (-1.0, -3.0),
        4.0,
        0.1,
    ),
    "sine": Surface(
        "sine regression, mean squared error",
        sine_regression,
        ((-2.0, 4.0), (0.0, 5.0)),
        (0.0, 2.0),
        0.05,
        10.0,
    ),
    "rosenbrock": Surface(
        "Rosenbrock (a = 1, b = 100)",
        Rosenbrock,
        ((-2.0, 2.0), (-1.0, 3.0)),
        (-1.2, 1.0),
        1e-3,
        100.0,
    ),
}


@functools.cache
def surface_objective(key: str) -> Objective:
    """The objective behind ``SURFACES[key]`` (built once)."""
    check_choice("objective", key, SURFACES)
    return SURFACES[key].make()


@functools.cache
def _curve(key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 1-D loss on its plot interval: grid, f and f′."""
    obj = surface_objective(key)
    ((lo, hi),) = SURFACES[key].bounds
    x = np.linspace(lo, hi, 401)
    return x, obj.value(x[:, None]), obj.grad(x[:, None])[:, 0]


def curvature_kind(eigenvalues: np.ndarray) -> str:
    """ "positive definite", "negative definite", "indefinite" or "singular" (a zero eigenvalue,
    relative to the largest: |λ| ≤ 1e-12 max|λ|)."""
    lam = np.asarray(eigenvalues, dtype=float)
    big = float(np.max(np.abs(lam)))
    if big == 0.0 or float(np.min(np.abs(lam))) <= 1e-12 * big:
        return "singular"
    if lam.min() > 0:
        return "positive definite"
    if lam.max() < 0:
        return "negative definite"
    return "indefinite"


def _diagonal(bounds) -> float:
    return math.hypot(*(hi - lo for lo, hi in bounds))


def model_level_sets(
    w: np.ndarray,
    grad: np.ndarray,
    eigenvalues: np.ndarray,
    eigenvectors: np.ndarray,
    bounds,
    n: int = 120,
) -> np.ndarray:
    """Level sets of the quadratic model m(w + d) = f + ∇f·d + ½ dᵀHd in 2-D, shape (2, k).

    In the eigenbasis of H (u = Vᵀd) the model is ½ Σ λᵢ (uᵢ − cᵢ)² + const, centred at its
    stationary point cᵢ = −(vᵢ·∇f)/λᵢ (where the Newton step lands). Positive or negative definite
    H: ellipses with semi-axes s·√(2|L|/|λᵢ|); the one with s = 1 passes through w (L = m(w) − m*),
    the others have s = ½ and 1.5. Indefinite H: the hyperbolas of the levels L/4, L, 9L/4 and −L,
    and the two asymptotes through the saddle. When w is so close to the stationary point that these
    would be specks, two more levels are added whose largest semi-axis is 15 % (and 7.5 %) of the
    plot diagonal. Curves are NaN-separated; empty when H is singular or the stationary point lies
    over 100 plot-diagonals away (the model is then practically linear over the plot).
    """
    lam = np.asarray(eigenvalues, dtype=float)
    V = np.asarray(eigenvectors, dtype=float)
    diag = _diagonal(bounds)
    if curvature_kind(lam) == "singular":
        return np.empty((2, 0))
    c = -(V.T @ grad) / lam
    if not np.all(np.isfinite(c)) or float(np.hypot(*c)) > 100.0 * diag:
        return np.empty((2, 0))
    centre = w + V @ c
    level = 0.5 * float(np.sum(lam * c**2))  # m(w) − m(stationary point)
    # the level whose largest semi-axis is 15 % of the diagonal: visible whatever the point
    visible = 0.5 * float(np.min(np.abs(lam))) * (0.15 * diag) ** 2
    sign = -1.0 if lam.max() < 0 or (lam.min() < 0 and level < 0) else 1.0
    extra = (visible, 0.25 * visible) if abs(level) < 0.25 * visible else ()
    theta = np.linspace(0.0, 2.0 * np.pi, n)
    parts: list[np.ndarray] = []
    if lam.min() > 0 or lam.max() < 0:
        for L in (0.25 * abs(level), abs(level), 2.25 * abs(level), *extra):
            if L > 0.0:
                a = np.sqrt(2.0 * L / np.abs(lam))
                parts.append(np.stack([a[0] * np.cos(theta), a[1] * np.sin(theta)]))
    else:  # λ₀ < 0 < λ₁ (eigh sorts ascending)
        neg, pos = -lam[0], lam[1]
        reach = float(np.hypot(*(centre - [(lo + hi) / 2 for lo, hi in bounds]))) + diag
        t_max = lambda a: math.asinh(min(2.0 * reach / a, 1e6))  # noqa: E731
        levels = [0.25 * level, level, 2.25 * level, -level]
        levels += [sign * e for e in extra] + [-sign * e for e in extra]
        for L in levels:
            if L == 0.0:
                continue
            if L > 0:  # ½λ₁u₁² − ½|λ₀|u₀² = L: branches opening along ±v₁
                a0, a1 = math.sqrt(2 * L / neg), math.sqrt(2 * L / pos)
                t = np.linspace(-t_max(a0), t_max(a0), n)
                for branch in (1.0, -1.0):
                    parts.append(np.stack([a0 * np.sinh(t), branch * a1 * np.cosh(t)]))
            else:
                a0, a1 = math.sqrt(-2 * L / neg), math.sqrt(-2 * L / pos)
                t = np.linspace(-t_max(a1), t_max(a1), n)
                for branch in (1.0, -1.0):
                    parts.append(np.stack([branch * a0 * np.cosh(t), a1 * np.sinh(t)]))
        slope = math.sqrt(neg / pos)  # asymptotes u₁ = ±√(|λ₀|/λ₁) u₀, the level L = 0
        u0 = np.array([-1.0, 1.0]) * reach / math.hypot(1.0, slope)
        for branch in (1.0, -1.0):
            parts.append(np.stack([u0, branch * slope * u0]))
    pieces = []
    for p in parts:
        pieces.append(centre[:, None] + V @ p)
        pieces.append(np.full((2, 1), np.nan))
    return np.hstack(pieces)


def eigen_axes(
    w: np.ndarray, eigenvalues: np.ndarray, eigenvectors: np.ndarray, bounds
) -> np.ndarray:
    """Segments w ± ℓᵢ vᵢ along the eigenvectors, shape (d, 2, 2) as (axis, xs/ys, ends).

    ℓᵢ ∝ 1/√|λᵢ| (the semi-axes of the level set ½ dᵀHd = const), scaled so that the longest is
    ``AXIS_FRACTION`` of the plot diagonal. A zero eigenvalue gets the longest axis.
    """
    lam = np.abs(np.asarray(eigenvalues, dtype=float))
    V = np.asarray(eigenvectors, dtype=float)
    small = float(lam.min())
    with np.errstate(divide="ignore"):
        rel = np.where(lam > 0, np.sqrt(small / np.where(lam > 0, lam, 1.0)), 1.0)
    if small == 0.0:
        rel = np.where(lam > 0, 0.0, 1.0)
    length = AXIS_FRACTION * _diagonal(bounds) * rel
    out = np.empty((len(lam), 2, 2))
    for i in range(len(lam)):
        ends = np.stack([w - length[i] * V[:, i], w + length[i] * V[:, i]])  # (2 ends, 2 coords)
        out[i] = ends.T
    return out


@dataclass(frozen=True, eq=False)
class GDRun:
    """Gradient descent with step α from w (see :func:`gd_run`)."""

    path: np.ndarray  # (k+1, d): w, then every iterate until the run stopped
    loss: np.ndarray  # (k+1,)
    status: str  # "converged", "max_steps" or "diverged"
    message: str  # "diverged at step 3: …" etc.

    @property
    def steps(self) -> int:
        return len(self.loss) - 1

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


def gd_run(objective: Objective, w, alpha: float, bounds, steps: int = GD_RUN_STEPS) -> GDRun:
    """Run gradient descent with step ``alpha`` from ``w`` until ‖∇f‖ < ``GD_RUN_TOL`` or for
    ``steps`` steps, and decide whether it diverged.

    The rule: the run diverged at step t if :func:`~widgets.simulate.simulate` says so (loss not
    finite or above 1e12, or |w| above 1e12), or if the iterate leaves the box |w|∞ ≤
    :func:`escape_radius` (10× the plotted region) before reaching the target, whichever comes
    first. The second test is needed because the logistic loss grows only linearly in ‖w‖ and the
    sine-regression loss is bounded: neither ever reaches 1e12, however wild the run. The path
    ends at the step where divergence was detected.
    """
    traj = simulate(objective, gd(alpha), w, steps=steps, tol=GD_RUN_TOL)
    radius = escape_radius(bounds)
    t = int(first_escape(traj.params, radius))
    if t >= 0 and (traj.diverged_at is None or t < traj.diverged_at):
        return GDRun(
            traj.params[: t + 1],
            traj.loss[: t + 1],
            "diverged",
            f"diverged at step {t}: w left the plotted region by {ESCAPE_FACTOR:g}× "
            f"(|w|∞ > {radius:g})",
        )
    return GDRun(traj.params, traj.loss, traj.status, traj.message)


@dataclass(frozen=True, eq=False)
class TaylorState:
    """Everything the Taylor/Newton view draws, for a loss, a point w, α and λ."""

    key: str
    objective: Objective
    bounds: tuple[tuple[float, float], ...]
    w: np.ndarray  # (d,)
    f: float
    grad: np.ndarray  # (d,)
    hessian: np.ndarray  # (d, d)
    eigenvalues: np.ndarray  # ascending
    eigenvectors: np.ndarray  # columns
    kind: str  # curvature_kind(eigenvalues)
    alpha: float
    damping: float
    steps: dict[str, np.ndarray]  # "gd", "newton", "damped" -> Δw (may be non-finite)
    f_after: dict[str, float]  # f(w + Δw), NaN if not finite
    model_after: dict[str, float]  # m(w + Δw) = f + ∇f·Δw + ½ΔwᵀHΔw
    slopes: dict[str, float]  # ∇f·Δw: < 0 means the step starts downhill
    run: GDRun  # gradient descent with step α from w
    # 1-D drawings over the fixed grid (None in 2-D)
    tangent: np.ndarray | None
    parabola: np.ndarray | None
    fprime_tangent: np.ndarray | None
    # 2-D drawings (None in 1-D)
    level_sets: np.ndarray | None
    axes: np.ndarray | None
    profile: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # true, linear, quadratic

    @property
    def dim(self) -> int:
        return len(self.w)

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def condition_number(self) -> float | None:
        """λmax/λmin when H is positive definite, else None."""
        if self.kind != "positive definite":
            return None
        return float(self.eigenvalues[-1] / self.eigenvalues[0])


def taylor_state(key: str, w, alpha: float, damping: float) -> TaylorState:
    """Compute the Taylor models, eigen-decomposition and the three steps at ``w``."""
    obj = surface_objective(key)
    spec = SURFACES[key]
    w = as_vector("w", w, obj.dim).astype(float)
    f = float(obj.value(w))
    g = obj.grad(w)
    H = obj.hessian(w)
    lam, V = np.linalg.eigh(H)

    steps: dict[str, np.ndarray] = {}
    for name, opt in (("gd", gd(alpha)), ("newton", newton()), ("damped", newton(damping=damping))):
        steps[name], _ = opt.update(g, opt.init(w), w, hessian=H)
    ends = np.stack([w + steps[n] for n in STEP_NAMES])
    finite = np.all(np.isfinite(ends), axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.where(finite, obj.value(np.where(finite[:, None], ends, 0.0)), np.nan)
        f_after = {n: float(v) for n, v in zip(STEP_NAMES, values, strict=True)}
        slopes = {n: float(g @ steps[n]) for n in STEP_NAMES}
        model_after = {
            n: float(f + g @ steps[n] + 0.5 * steps[n] @ H @ steps[n]) for n in STEP_NAMES
        }

    tangent = parabola = fprime_tangent = level_sets = axes = profile = None
    if obj.dim == 1:
        x, _, _ = _curve(key)
        dx = x - w[0]
        h = float(H[0, 0])
        tangent = f + g[0] * dx
        parabola = tangent + 0.5 * h * dx**2
        fprime_tangent = g[0] + h * dx
    else:
        level_sets = model_level_sets(w, g, lam, V, spec.bounds)
        axes = eigen_axes(w, lam, V, spec.bounds)
        profile = _profile(obj, w, f, g, H, alpha)
    return TaylorState(
        key=key,
        objective=obj,
        bounds=spec.bounds,
        w=w,
        f=f,
        grad=g,
        hessian=H,
        eigenvalues=lam,
        eigenvectors=V,
        kind=curvature_kind(lam),
        alpha=float(alpha),
        damping=float(damping),
        steps=steps,
        f_after=f_after,
        model_after=model_after,
        slopes=slopes,
        run=gd_run(obj, w, alpha, spec.bounds),
        tangent=tangent,
        parabola=parabola,
        fprime_tangent=fprime_tangent,
        level_sets=level_sets,
        axes=axes,
        profile=profile,
    )


def _profile(obj, w, f, g, H, alpha):
    """f, its linear and its quadratic model along −∇f, at distances x·α‖∇f‖ (x = 1 is the GD
    step), as changes from f(w) divided by α‖∇f‖², the decrease the linear model promises for
    the GD step. So the linear model is always −x, the quadratic −x + ½ α (ĝᵀHĝ) x²: it turns
    back up before x = 1 exactly when α exceeds 2/(ĝᵀHĝ) ≥ 2/λmax."""
    d = -alpha * g
    scale = alpha * float(g @ g)
    if not (scale > 0.0 and math.isfinite(scale)):
        nan = np.full_like(PROFILE_X, np.nan)
        return nan, nan, nan
    with np.errstate(over="ignore", invalid="ignore"):
        true = (obj.value(w + PROFILE_X[:, None] * d) - f) / scale
        linear = PROFILE_X * float(g @ d) / scale
        quadratic = linear + 0.5 * PROFILE_X**2 * float(d @ H @ d) / scale
    return true, linear, quadratic


# ================================================================================================
# View
# ================================================================================================
STEP_STYLE = {
    "gd": {"color": color_for("gd"), "ls": "-"},
    "newton": {"color": color_for("newton"), "ls": "-"},
    "damped": {"color": color_for("newton"), "ls": "--"},
}
MODEL_COLOR = ROLE_COLORS["tangent"]
LINEAR_COLOR = OKABE_ITO["sky blue"]
AXES_COLOR = OKABE_ITO["orange"]


class TaylorNewtonView:
    """Left: the loss with the Taylor models, the three steps and the GD run from w. Middle: f′
    and its tangent (1-D) or f along −∇f (2-D). Right: the legend. (The numbers are in the
    panel's readout.)"""

    def __init__(self, figsize: tuple[float, float] = (10.0, 4.6)) -> None:
        self.figure = fig = new_figure(figsize)
        self.ax_main = fig.add_axes((0.065, 0.115, 0.40, 0.79))
        self.ax_side = fig.add_axes((0.54, 0.115, 0.225, 0.79))
        self.blit = BlitManager(fig)
        self.key: str | None = None
        self._revealed = True

    # -- built once per loss --------------------------------------------------------------------
    def _setup(self, st: TaylorState) -> None:
        self.blit.remove(self.blit.artists)
        for ax in (self.ax_main, self.ax_side):
            ax.cla()
        for legend in list(self.figure.legends):
            legend.remove()
        obj = st.objective
        self.arrows = {}
        self._arrow_shown = dict.fromkeys(STEP_NAMES, False)
        for name in ("newton", "damped", "gd"):  # the (usually shortest) GD step on top
            style = STEP_STYLE[name]
            arrow = FancyArrowPatch(
                (0, 0),
                (0, 0),
                arrowstyle="-|>",
                mutation_scale=13,
                shrinkA=0,
                shrinkB=0,
                lw=2.0,
                color=style["color"],
                ls=style["ls"],
                zorder=5,
            )
            self.ax_main.add_patch(arrow)
            self.arrows[name] = arrow
        self.gd_path = self.ax_main.plot(
            [], [], color=color_for("gd"), ls=":", lw=1.3, marker="o", ms=2.5, zorder=4
        )[0]
        handles = self._setup_1d(st, obj) if st.dim == 1 else self._setup_2d(st, obj)
        self.point = self.ax_main.plot(
            [], [], "o", color="white", mec="black", mew=1.6, ms=8, zorder=6
        )[0]
        step_handles = [
            Line2D([], [], lw=2, marker=">", markevery=[1], label=label, **STEP_STYLE[name])
            for name, label in zip(STEP_NAMES, self._step_labels(st.dim), strict=True)
        ]
        step_handles.append(
            Line2D(
                [],
                [],
                color=color_for("gd"),
                ls=":",
                lw=1.3,
                marker="o",
                ms=2.5,
                label=f"GD run from w\n(≤ {GD_RUN_STEPS} steps)",
            )
        )
        self.figure.legend(
            handles=[*handles, *step_handles],
            loc="upper left",
            bbox_to_anchor=(0.775, 0.905),
            fontsize=7.5,
            frameon=False,
            handlelength=2.2,
            borderaxespad=0.3,
        )
        self.blit.add(
            *self.model_artists,
            *self.arrows.values(),
            *self.landing.values(),
            self.gd_path,
            self.point,
            *self.side_artists,
        )
        self.key = st.key

    @staticmethod
    def _step_labels(dim: int) -> tuple[str, str, str]:
        if dim == 1:
            return ("GD step −α f′", "Newton step −f′/f″", "damped Newton\n−f′/(f″ + λ)")
        return ("GD step −α∇f", "Newton step −H⁻¹∇f", "damped Newton\n−(H + λI)⁻¹∇f")

    def _setup_1d(self, st: TaylorState, obj: Objective) -> list:
        x, fx, fpx = _curve(st.key)
        ax = self.ax_main
        curve = ax.plot(x, fx, color=ROLE_COLORS["curve"], lw=2, label="f(w)")[0]
        lo, hi = float(fx.min()), float(fx.max())
        pad = 0.12 * (hi - lo)
        ax.set(
            xlim=(x[0], x[-1]),
            ylim=(lo - 2.2 * pad, hi + pad),
            xlabel=obj.param_names[0],
            ylabel="f(w)",
        )
        ax.set_title("f and its Taylor models at w", fontsize=10)
        self._arrow_offsets = np.array([0.0, 0.7, 1.4]) * pad
        self.tangent = ax.plot(
            [], [], color=LINEAR_COLOR, lw=1.5, ls="--", label="first-order model (tangent)"
        )[0]
        self.parabola = ax.plot(
            [], [], color=MODEL_COLOR, lw=1.8, label="second-order model (parabola)"
        )[0]
        self.landing = {
            n: ax.plot([], [], "o", ms=5, color=STEP_STYLE[n]["color"], zorder=6)[0]
            for n in STEP_NAMES
        }
        self.model_artists = [self.tangent, self.parabola]

        ax = self.ax_side
        ax.plot(x, fpx, color=ROLE_COLORS["curve"], lw=2)
        ax.axhline(0.0, color="#999999", lw=0.8)
        lo, hi = float(fpx.min()), float(fpx.max())
        pad = 0.1 * (hi - lo)
        ax.set(
            xlim=(x[0], x[-1]), ylim=(lo - pad, hi + pad), xlabel=obj.param_names[0], ylabel="f′(w)"
        )
        ax.set_title("Newton = root of f′'s tangent", fontsize=10)
        self.fp_tangent = ax.plot([], [], color=MODEL_COLOR, lw=1.6)[0]
        self.fp_point = ax.plot([], [], "o", color="white", mec="black", mew=1.4, ms=7)[0]
        self.fp_root = ax.plot([], [], "x", color=color_for("newton"), ms=9, mew=2)[0]
        self.side_artists = [self.fp_tangent, self.fp_point, self.fp_root]
        return [curve, self.tangent, self.parabola]

    def _setup_2d(self, st: TaylorState, obj: Objective) -> list:
        ax = self.ax_main
        draw_contours(ax, obj, bounds=st.bounds, resolution=121)
        ax.set_title("contours of f; quadratic model at w", fontsize=10)
        self.levels = ax.plot(
            [], [], color=MODEL_COLOR, lw=1.3, label="second-order model:\nlevel sets"
        )[0]
        self.eig_lines = [
            ax.plot([], [], color=AXES_COLOR, lw=3, solid_capstyle="butt")[0] for _ in range(2)
        ]
        self.landing = {}
        self.model_artists = [self.levels, *self.eig_lines]
        axes_handle = Line2D(
            [],
            [],
            color=AXES_COLOR,
            lw=3,
            label="eigenvectors of H,\nhalf-length ∝ 1/√|λᵢ|\n(dashed: λᵢ < 0)",
        )

        ax = self.ax_side
        ax.axhline(0.0, color="#999999", lw=0.8)
        ax.axvline(1.0, color=color_for("gd"), lw=0.8, ls=":")
        self.prof_true = ax.plot([], [], color=ROLE_COLORS["curve"], lw=2, label="f along −∇f")[0]
        self.prof_lin = ax.plot(
            [], [], color=LINEAR_COLOR, lw=1.5, ls="--", label="first-order model"
        )[0]
        self.prof_quad = ax.plot([], [], color=MODEL_COLOR, lw=1.8, label="second-order model")[0]
        self.prof_mark = ax.plot([], [], "o", color=color_for("gd"), ms=6)[0]
        ax.set(
            xlim=(PROFILE_X[0], PROFILE_X[-1]),
            ylim=(-1.6, 1.6),
            xlabel="distance along −∇f (1 = GD step)",
            ylabel="[f − f(w)] / (α‖∇f‖²)",
        )
        ax.set_title("along the gradient step", fontsize=10)
        self.side_artists = [self.prof_true, self.prof_lin, self.prof_quad, self.prof_mark]
        return [self.levels, axes_handle, self.prof_true, self.prof_lin, self.prof_quad]

    # -- every update ---------------------------------------------------------------------------
    def update(self, st: TaylorState) -> None:
        new = st.key != self.key
        if new:
            self._setup(st)
        if st.dim == 1:
            self._update_1d(st)
        else:
            self._update_2d(st)
        self._apply_visibility()
        if new:
            self.blit.full_redraw()
        else:
            self.blit.update()

    def _update_1d(self, st: TaylorState) -> None:
        x, _, _ = _curve(st.key)
        w = float(st.w[0])
        self.point.set_data([w], [st.f])
        self.tangent.set_data(x, st.tangent)
        self.parabola.set_data(x, st.parabola)
        ((lo, hi),) = st.bounds
        for name, off in zip(STEP_NAMES, self._arrow_offsets, strict=True):
            d = float(st.steps[name][0])
            y = st.f - off
            end = _clip_end(np.array([w]), np.array([d]), st.bounds)
            self._set_arrow(name, (w, y), None if end is None else (float(end[0]), y))
            fa = st.f_after[name]
            land = w + d
            if math.isfinite(fa) and lo <= land <= hi:
                self.landing[name].set_data([land], [fa])
            else:
                self.landing[name].set_data([], [])
        run = st.run
        radius = escape_radius(st.bounds)
        self.gd_path.set_data(
            *_clip_polyline(np.column_stack([run.path[:, 0], run.loss]), ((-radius, radius),)).T
        )
        self.fp_tangent.set_data(x, st.fprime_tangent)
        self.fp_point.set_data([w], [float(st.grad[0])])
        root = w + float(st.steps["newton"][0])
        self.fp_root.set_data(*(([root], [0.0]) if math.isfinite(root) else ([], [])))

    def _update_2d(self, st: TaylorState) -> None:
        w = st.w
        self.point.set_data([w[0]], [w[1]])
        self.levels.set_data(*st.level_sets)
        for line, seg, lam in zip(self.eig_lines, st.axes, st.eigenvalues, strict=True):
            line.set_data(*seg)
            line.set_linestyle("--" if lam < 0 else "-")
        for name in STEP_NAMES:
            end = _clip_end(w, st.steps[name], st.bounds)
            self._set_arrow(name, tuple(w), None if end is None else tuple(end))
        radius = escape_radius(st.bounds)
        self.gd_path.set_data(*_clip_polyline(st.run.path, ((-radius, radius),) * 2).T)
        true, lin, quad = st.profile
        lim = 50.0  # far off-scale values are clipped so the renderer never sees huge numbers
        self.prof_true.set_data(PROFILE_X, np.clip(true, -lim, lim))
        self.prof_lin.set_data(PROFILE_X, np.clip(lin, -lim, lim))
        self.prof_quad.set_data(PROFILE_X, np.clip(quad, -lim, lim))
        i = int(np.argmin(np.abs(PROFILE_X - 1.0)))
        y1 = true[i]
        self.prof_mark.set_data(
            *(([1.0], [float(np.clip(y1, -lim, lim))]) if math.isfinite(y1) else ([], []))
        )

    def _set_arrow(self, name: str, start, end) -> None:
        arrow = self.arrows[name]
        self._arrow_shown[name] = end is not None and start != end
        if self._arrow_shown[name]:
            arrow.set_positions(start, end)
        else:
            arrow.set_positions((0.0, 0.0), (0.0, 0.0))

    def _apply_visibility(self) -> None:
        # Until the learner commits a prediction only the loss and the point are shown.
        for artist in (
            *self.model_artists,
            *self.side_artists,
            *self.landing.values(),
            self.gd_path,
        ):
            artist.set_visible(self._revealed)
        for name, arrow in self.arrows.items():
            arrow.set_visible(self._revealed and self._arrow_shown[name])

    def set_revealed(self, revealed: bool) -> None:
        self._revealed = bool(revealed)
        if self.key is not None:
            self._apply_visibility()
            self.blit.update()


def _clip_end(w: np.ndarray, d: np.ndarray, bounds) -> np.ndarray | None:
    """End of the arrow w → w + d, shortened to stay inside the plot box (a step that leaves the
    plot ends on its frame, head visible, pointing on); None if d is 0 or not finite."""
    if not np.all(np.isfinite(d)) or not np.any(d != 0.0):
        return None
    t = 1.0
    for i, (lo, hi) in enumerate(bounds):
        inset = 0.005 * (hi - lo)
        lo, hi = lo + inset, hi - inset
        if d[i] > 0:
            t = min(t, (hi - w[i]) / d[i])
        elif d[i] < 0:
            t = min(t, (lo - w[i]) / d[i])
    return w + max(t, 0.0) * d


def _clip_polyline(xy: np.ndarray, box) -> np.ndarray:
    """The polyline ``xy`` (k, n) up to where it first leaves ``box`` (one (lo, hi) per leading
    column), its last segment shortened to end on the box: the renderer never sees the huge
    coordinates of a diverging run."""
    lo = np.array([b[0] for b in box])
    hi = np.array([b[1] for b in box])
    m = len(box)
    inside = np.all((xy[:, :m] >= lo) & (xy[:, :m] <= hi), axis=1)
    if inside.all() or not inside[0]:
        return xy[: 1 if not inside[0] else len(xy)]
    i = int(np.argmin(inside))  # first point outside
    a, b = xy[i - 1], xy[i]
    with np.errstate(all="ignore"):  # b may be astronomically far out
        d = b - a
        t = np.where(d[:m] > 0, (hi - a[:m]) / d[:m], (lo - a[:m]) / d[:m])
        end = a + float(np.clip(np.nanmin(np.abs(t)), 0.0, 1.0)) * d
    return np.vstack([xy[:i], end]) if np.all(np.isfinite(end)) else xy[:i]


def readout_items(st: TaylorState) -> list[tuple[str, str]]:
    """The live readout as (label, value) pairs: the point, f, its derivatives, the eigenvalues,
    κ and 2/λmax, the rates, and f after each step with the quadratic model's prediction."""
    lam = st.eigenvalues
    items = [("w", _vec(st.w)), ("f", f"{st.f:.5g}")]
    if st.dim == 1:
        items += [("f′", _num(float(st.grad[0]), ".4g")), ("f″", _num(float(lam[0]), ".4g"))]
        items.append(
            ("2/f″", _num(2.0 / st.lambda_max, ".3g") if st.lambda_max > 0 else "none (f″ ≤ 0)")
        )
    else:
        items.append(("‖∇f‖", f"{float(np.hypot.reduce(st.grad)):.3g}"))
        items.append(("eigenvalues of H", ", ".join(_num(float(v), ".4g") for v in lam)))
        kappa = st.condition_number
        items.append(("κ", f"{kappa:.4g}" if kappa is not None else f"none (H {st.kind})"))
        items.append(
            ("2/λmax", _num(2.0 / st.lambda_max, ".3g") if st.lambda_max > 0 else "none (λmax ≤ 0)")
        )
    items += [("α", f"{st.alpha:.3g}"), ("λ", f"{st.damping:.3g}")]
    for name, label in zip(STEP_NAMES, ("GD", "Newton", "damped"), strict=True):
        fa, ma = st.f_after[name], st.model_after[name]
        shown = f"{_num(fa, '.4g')} (model {_num(ma, '.4g')})" if math.isfinite(fa) else "undefined"
        items.append((f"f after {label}", shown))
    return items


def readout_html(st: TaylorState) -> str:
    """The readout as a two-row HTML table (labels over values)."""
    items = readout_items(st)
    cell = "padding:0 0.7em 0 0; text-align:left; white-space:nowrap"
    head = "".join(f"<th style='{cell}'>{html.escape(k)}</th>" for k, _ in items)
    body = "".join(f"<td style='{cell}'>{html.escape(v)}</td>" for _, v in items)
    return (
        "<table class='descent-readout' style='font-size:0.9em; border-collapse:collapse'>"
        f"<tr>{head}</tr><tr>{body}</tr></table>"
    )


# ================================================================================================
# Panel
# ================================================================================================
class TaylorNewtonExplorer(Explorer):
    """Taylor models, Hessian eigenvectors and gradient / Newton / damped Newton steps at a
    point of a 1-D or 2-D loss. Click on the plot to move the point.

    Example:
        >>> ex = TaylorNewtonExplorer(objective="sine", w=(0.0, 2.0))
        >>> ex.last_status.text.startswith("H has a negative eigenvalue")
        True
    """

    lessons = (LESSON,)

    def __init__(
        self,
        *,
        objective: str = "logistic_2d",
        w=None,
        alpha: float | None = None,
        damping: float | None = None,
        question: Question | None = None,
    ) -> None:
        check_choice("objective", objective, SURFACES)
        spec = SURFACES[objective]
        obj = surface_objective(objective)
        w = np.array(spec.start if w is None else as_vector("w", w, obj.dim), dtype=float)
        w1, w2 = _slider_setup(objective)
        controls = {
            "objective": ctl.choice("loss", [(s.label, k) for k, s in SURFACES.items()], objective),
            "w1": ctl.float_slider(
                w1["description"], float(w[0]), w1["min"], w1["max"], w1["step"]
            ),
            "w2": ctl.float_slider(
                w2["description"],
                float(w[1]) if obj.dim == 2 else 0.0,
                w2["min"],
                w2["max"],
                w2["step"],
            ),
            "alpha": ctl.log_slider(
                "GD step α",
                spec.alpha if alpha is None else alpha,
                *ALPHA_RANGE,
                steps_per_decade=10,
            ),
            "damping": ctl.log_slider(
                "damping λ",
                spec.damping if damping is None else damping,
                *DAMPING_RANGE,
                steps_per_decade=10,
            ),
        }
        controls["w2"].disabled = obj.dim == 1
        # Registered before the base class's handlers, so a new loss first gets its own ranges.
        controls["objective"].observe(self._on_objective, names="value")
        # The numbers live in HTML beside the controls: text drawn into the figure would cost
        # more per update than every other artist together, and HTML is read by screen readers.
        self.readout = ipw.HTML(layout=ipw.Layout(overflow="auto"))
        self.readout.add_class("descent-readout")
        self.view = self.make_view()
        super().__init__(
            controls,
            self.view.figure,
            question=question,
            extra=(self.readout,),
            control_columns=3,
        )
        self._click = self.figure.canvas.mpl_connect("button_press_event", self._on_click)

    def make_view(self) -> TaylorNewtonView:
        return TaylorNewtonView()

    def render(self, changed: frozenset[str]) -> Status:
        key = self.value("objective")
        obj = surface_objective(key)
        w = [self.value("w1"), self.value("w2")][: obj.dim]
        st = taylor_state(key, w, float(self.value("alpha")), float(self.value("damping")))
        self.state = st
        self.view.update(st)
        self.readout.value = readout_html(st)
        return taylor_status(st)

    def set_revealed(self, revealed: bool) -> None:
        super().set_revealed(revealed)
        self.readout.layout.visibility = "visible" if revealed else "hidden"

    # -- interaction ------------------------------------------------------------------------------
    def _on_objective(self, change: dict) -> None:
        key = change["new"]
        spec = SURFACES[key]
        obj = surface_objective(key)
        with self.hold():
            for name, cfg, value in zip(
                ("w1", "w2"), _slider_setup(key), (*spec.start, 0.0), strict=False
            ):
                slider = self.controls[name]
                if cfg["min"] > slider.max:
                    slider.max, slider.min = cfg["max"], cfg["min"]
                else:
                    slider.min, slider.max = cfg["min"], cfg["max"]
                slider.step = cfg["step"]
                slider.lowest = cfg["min"]
                slider.description = cfg["description"]
                ctl.place(slider, value)
            self.controls["w2"].disabled = obj.dim == 1
            ctl.place(self.controls["alpha"], spec.alpha)
            ctl.place(self.controls["damping"], spec.damping)

    def _on_click(self, event) -> None:
        if event.inaxes is not self.view.ax_main or event.xdata is None:
            return
        if event.button not in (MouseButton.LEFT, 1):
            return
        values = {"w1": float(event.xdata)}
        if self.state.dim == 2:
            values["w2"] = float(event.ydata)
        self.set(**values)


def _slider_setup(key: str) -> tuple[dict, dict]:
    """Range, step and label of the w₁ and w₂ sliders for a loss (w₂ idle for 1-D losses)."""
    obj = surface_objective(key)
    bounds = SURFACES[key].bounds
    out = []
    for i in range(2):
        if i < obj.dim:
            lo, hi = bounds[i]
            out.append(
                {
                    "min": lo,
                    "max": hi,
                    "step": (hi - lo) / 400,
                    "description": f"w{'₁₂'[i]}: {obj.param_names[i]}",
                }
            )
        else:
            out.append(
                {"min": -1.0, "max": 1.0, "step": 0.01, "description": "w₂ (2-D losses only)"}
            )
    return out[0], out[1]


def _run_text(run: GDRun) -> str:
    """What the gradient-descent run from w did, in a few words."""
    if run.diverged:
        return run.message
    if run.status == "converged":
        return f"converged in {run.steps} steps to f = {_num(float(run.loss[-1]), '.4g')}"
    return f"reached f = {_num(float(run.loss[-1]), '.4g')} after {run.steps} steps"


def _gd_text(st: TaylorState) -> str:
    """Gradient descent with the current α: against the stability bound 2/λmax when H is positive
    definite, then one step and the run from w."""
    fg = _num(st.f_after["gd"], ".4g")
    run = f"a run from here {_run_text(st.run)}"
    if st.kind == "positive definite":
        bound = "2/f″" if st.dim == 1 else "2/λmax"
        verdict = "is below it" if st.alpha < 2.0 / st.lambda_max else "exceeds it"
        return (
            f"gradient descent needs α < {bound} = {2.0 / st.lambda_max:.3g} here; "
            f"α = {st.alpha:.4g} {verdict}: one step f → {fg}, {run}"
        )
    return f"gradient descent (α = {st.alpha:.4g}): one step f → {fg}, {run}"


def taylor_status(st: TaylorState) -> Status:
    """The status line: what kind of curvature, where the Newton and damped Newton steps go, and
    what gradient descent with the current α does (one step, and a run from w)."""
    lam = st.eigenvalues
    f = st.f
    gnorm = float(np.hypot.reduce(st.grad))
    eig = ", ".join(_num(float(v), ".3g") for v in lam)
    what = "f″" if st.dim == 1 else "H"
    if gnorm < 1e-10:
        kind = {
            "positive definite": "a minimum",
            "negative definite": "a maximum",
            "indefinite": "a saddle point",
            "singular": "a degenerate stationary point",
        }
        return Status(
            f"∇f ≈ 0 here (‖∇f‖ = {gnorm:.1e}): {kind[st.kind]} of f ({what}: {eig}); "
            f"every step is (nearly) zero, for any α (now {st.alpha:.3g}) and λ (now "
            f"{st.damping:.3g})",
            "converged" if st.kind == "positive definite" else "info",
        )
    fn, fd = st.f_after["newton"], st.f_after["damped"]
    gd_text = _gd_text(st)
    if st.kind == "positive definite":
        if st.dim == 1:
            head = f"f″ = {eig} > 0"
        else:
            head = f"H is positive definite ({eig}; κ = {st.condition_number:.3g})"
        worse = ""
        if not fn <= f:  # also NaN
            worse = " — but f rises: the model is only trustworthy near w"
        return Status(
            f"{head}: the Newton step goes to the model's minimum, f {f:.4g} → "
            f"{_num(fn, '.4g')}{worse}; damped Newton (λ = {st.damping:.3g}): f → "
            f"{_num(fd, '.4g')}; {gd_text}",
            "diverged" if st.run.diverged else "ok",
        )
    need = max(0.0, -float(lam[0]))  # H + λI is positive definite for λ > −λmin
    damping_text = f"damping λ > {_num(need, '.3g')} makes it a descent step"
    if st.damping > need:
        damping_text += f" (λ = {st.damping:.3g} does: f → {_num(fd, '.4g')})"
    else:
        damping_text += f" (λ = {st.damping:.3g} is not enough: f → {_num(fd, '.4g')})"
    level = "diverged" if st.run.diverged else "info"
    if st.kind == "singular":
        return Status(
            f"{what} is singular ({eig}): the Newton step is undefined or huge; {damping_text}; "
            f"{gd_text}",
            level,
        )
    uphill = ""
    if st.slopes["newton"] > 0:
        uphill = f"; it goes uphill (∇f·Δw > 0: f {f:.4g} → {_num(fn, '.4g')})"
    if st.kind == "negative definite":
        head = (
            f"{what} is negative{'' if st.dim == 1 else ' definite'} ({eig}): the Newton "
            "step points to the model's maximum, not a minimum"
        )
    else:
        head = (
            f"H has a negative eigenvalue {_num(float(lam[0]), '.3g')}: the Newton step "
            "points to a saddle of the model, not a minimum"
        )
    return Status(f"{head}{uphill}; {damping_text}; {gd_text}", level)


# ================================================================================================
# Questions
# ================================================================================================
def _classify(lam: np.ndarray) -> str:
    if np.all(lam > 0):
        return "minimum"
    if np.all(lam < 0):
        return "maximum"
    return "saddle"


def newton_steps_question(max_steps: int = 100) -> Question:
    """How many pure Newton steps until ‖∇f‖ < 1e-8? Graded by running the package's newton."""

    def answer(ex: TaylorNewtonExplorer) -> tuple[int, str]:
        st = ex.state
        traj = simulate(st.objective, newton(), start=st.w, steps=max_steps, tol=1e-8)
        if not traj.converged:
            return -1, f"Newton's method from here {traj.message}"
        end = traj.final_params
        lam = np.linalg.eigvalsh(st.objective.hessian(end))
        return traj.stopped_at, (
            f"Newton's method {traj.message}, ending at w = {_vec(end, '.4g')} where the "
            f"Hessian's eigenvalues are {', '.join(_num(float(v), '.3g') for v in lam)}: "
            f"a {_classify(lam)} of f"
        )

    return Question(
        f"How many pure Newton steps (α = 1, no damping) from this point until ‖∇f‖ < 1e-8? "
        f"(Answer −1 if it never gets there within {max_steps} steps.)",
        answer,
        rel_tol=1e-9,
    )


def curvature_question() -> Question:
    """Minimum, maximum or saddle: the kind of the quadratic model here, from the eigenvalues."""

    def answer(ex: TaylorNewtonExplorer) -> tuple[str, str]:
        lam = ex.state.eigenvalues
        kind = _classify(lam)
        reason = {
            "minimum": "all are positive: the model curves up in every direction (a bowl)",
            "maximum": "all are negative: the model curves down in every direction (a cap)",
            "saddle": "they have both signs: up along one eigenvector, down along the other",
        }[kind]
        return kind, (
            f"the Hessian's eigenvalues here are {', '.join(_num(float(v), '.3g') for v in lam)}; "
            f"{reason}, so the model's stationary point, where the Newton step lands, is a {kind}"
        )

    return Question(
        "Is the quadratic model at this point a bowl, a cap or a saddle, i.e. is its stationary "
        "point (where the Newton step lands) a minimum, a maximum or a saddle?",
        answer,
        choices=("minimum", "maximum", "saddle"),
    )
