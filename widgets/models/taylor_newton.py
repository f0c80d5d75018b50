"""The Taylor/Newton explorer's model (lesson 05): what the Hessian says about a point.

At a point w of a 1-D or 2-D loss: the first- and second-order Taylor models, the Hessian's
eigenvectors, and three steps side by side: the gradient step −α∇f, the Newton step −H⁻¹∇f and
the damped Newton step −(H + δI)⁻¹∇f (all three from the package's optimizers). When H is
indefinite the model has a saddle, not a minimum, and the Newton step goes there, possibly uphill;
damping δ > −λmin makes it a descent step again. Gradient descent with the same α runs from w for
up to ``GD_RUN_STEPS`` steps, so the status can say whether α is merely too large for the local
model or makes the run blow up (:func:`gd_run` states the divergence rule).

Example:
    >>> st = taylor_state(objective="sine", w1=0.0, w2=2.0)
    >>> st.kind, taylor_status(st).text.startswith("H has a negative eigenvalue")
    ('indefinite', True)
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import as_vector, check_choice, check_real
from ..objectives import Objective, Rosenbrock, sine_regression, wdbc_logistic
from ..optimizers import gd, newton
from ..simulate import simulate
from . import Question, Status
from ._escape import ESCAPE_FACTOR, escape_radius, first_escape
from ._text import num, vec

__all__ = [
    "ALPHA_RANGE",
    "AXIS_FRACTION",
    "DAMPING_RANGE",
    "ESCAPE_FACTOR",
    "GD_RUN_STEPS",
    "PROFILE_X",
    "STEP_NAMES",
    "SURFACES",
    "GDRun",
    "Surface",
    "TaylorState",
    "curvature_kind",
    "curvature_question",
    "curve_limits",
    "eigen_axes",
    "escape_radius",
    "gd_run",
    "loss_curve",
    "model_level_sets",
    "newton_steps_question",
    "point_values",
    "readout_html",
    "readout_items",
    "surface_objective",
    "taylor_state",
    "taylor_status",
    "w_slider",
]

# The top of the α range is far beyond every loss's stability bound 2/λmax (≈ 15–35 for the
# logistic losses, ≈ 10–30 for sine regression over its box): there gradient descent leaves 10×
# the plotted region within a few steps from any point of the plot (the rule of gd_run).
ALPHA_RANGE = (1e-4, 1e3)
DAMPING_RANGE = (1e-4, 1e4)
STEP_NAMES = ("gd", "newton", "damped")
PROFILE_X = np.linspace(0.0, 2.5, 61)  # distance along −∇f in units of the GD step
PROFILE_CLIP = 50.0  # far off-scale profile values are cut there: the renderer never sees them
AXIS_FRACTION = 0.12  # longest eigenvector axis drawn, as a fraction of the plot diagonal
GD_RUN_STEPS = 100  # the gradient-descent run from w that the status reports on
GD_RUN_TOL = 1e-6  # its target: ‖∇f‖ below this
CURVE_PAD = 0.12  # 1-D: the plot's margin and the rows of the step arrows, × the loss's range
ARROW_ROWS = {"gd": 0.0, "newton": 0.7, "damped": 1.4}  # 1-D: each arrow's row below f(w)
EMPTY = (np.empty(0), np.empty(0))


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
def loss_curve(key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 1-D loss on its plot interval: a grid of 401 points, f and f′ on it.

    Example:
        >>> x, f, fprime = loss_curve("logistic_1d")
        >>> x.shape, float(x[0]), float(x[-1])
        ((401,), -4.0, 8.0)
    """
    obj = surface_objective(key)
    if obj.dim != 1:
        raise ValueError(f"loss_curve: {key!r} is a {obj.dim}-D loss; give a 1-D one")
    ((lo, hi),) = SURFACES[key].bounds
    x = np.linspace(lo, hi, 401)
    return x, obj.value(x[:, None]), obj.grad(x[:, None])[:, 0]


def curve_limits(key: str) -> tuple[tuple[float, float], ...]:
    """1-D: the x range, and the y ranges of f (with room below for the rows of step arrows)
    and of f′, for the plots of ``loss_curve``.

    Example:
        >>> curve_limits("logistic_1d")[0]
        (-4.0, 8.0)
    """
    x, f, fprime = loss_curve(key)
    row = CURVE_PAD * float(f.max() - f.min())
    pad = 0.1 * float(fprime.max() - fprime.min())
    return (
        (float(x[0]), float(x[-1])),
        (float(f.min()) - 2.2 * row, float(f.max()) + row),
        (float(fprime.min()) - pad, float(fprime.max()) + pad),
    )


def point_values(objective: str, w: object) -> dict[str, float]:
    """The point ``w`` (one number per parameter of ``objective``) as the values of w1, w2.

    Example:
        >>> point_values("sine", (0.5, 3))
        {'w1': 0.5, 'w2': 3.0}
    """
    obj = surface_objective(objective)
    return dict(zip(("w1", "w2"), as_vector("w", w, obj.dim).tolist(), strict=False))


def w_slider(objective: str, i: int) -> tuple[str, float, float, float, float]:
    """The label, default, range and step of the slider for wᵢ₊₁ on ``objective``: its plot
    interval in 400 steps, from the loss's start; the idle w₂ of a 1-D loss keeps [−1, 1].

    Example:
        >>> w_slider("rosenbrock", 1)
        ('w₂: w₂', 1.0, -1.0, 3.0, 0.01)
    """
    obj, spec = surface_objective(objective), SURFACES[objective]
    if i >= obj.dim:
        return "w₂ (2-D losses only)", 0.0, -1.0, 1.0, 0.01
    lo, hi = spec.bounds[i]
    return f"w{'₁₂'[i]}: {obj.param_names[i]}", spec.start[i], lo, hi, (hi - lo) / 400


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
    """Everything the Taylor/Newton explorer shows, for a loss, a point w, α and δ.

    The drawings of the other dimension's layout are empty (a 2-D state has no tangent line), so
    every drawing can be read from every state."""

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
    # 1-D: the models as (2, n) arrays, the loss_curve grid over the model (empty in 2-D)
    tangent: np.ndarray
    parabola: np.ndarray
    fprime_tangent: np.ndarray  # f′'s tangent, on the f′ plot
    row: float  # 1-D: the height of a row of step arrows (0 in 2-D)
    # 2-D: level sets (2, k) of the quadratic model (empty in 1-D), eigenvector axes, profiles
    level_sets: np.ndarray
    axes: np.ndarray | None  # (2, 2, 2) as (axis, xs/ys, ends); None in 1-D
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

    # -- what the figure draws ------------------------------------------------------------------
    @property
    def curve(self) -> tuple:
        """1-D: the loss over its plot interval (``loss_curve``)."""
        return loss_curve(self.key)[:2] if self.dim == 1 else EMPTY

    @property
    def fprime_curve(self) -> tuple:
        """1-D: f′ over the plot interval."""
        return loss_curve(self.key)[::2] if self.dim == 1 else EMPTY

    @property
    def point(self) -> tuple[list[float], list[float]]:
        """w on the plot: (w, f(w)) in 1-D, (w₁, w₂) in 2-D."""
        return ([float(self.w[0])], [self.f]) if self.dim == 1 else ([self.w[0]], [self.w[1]])

    def arrow(self, name: str) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """Start and end of step ``name``'s arrow, from w to w + Δw cut at the plot's frame (1-D:
        on its own row below f(w)); None when the step is zero or not finite."""
        end = _clip_end(self.w, self.steps[name], self.bounds)
        if end is None:
            return None
        if self.dim == 1:
            y = self.f - ARROW_ROWS[name] * self.row
            start, tip = (float(self.w[0]), y), (float(end[0]), y)
        else:
            start, tip = (float(self.w[0]), float(self.w[1])), (float(end[0]), float(end[1]))
        return None if start == tip else (start, tip)

    def landing(self, name: str) -> tuple:
        """1-D: (w + Δw, f(w + Δw)) where step ``name`` lands, if on the plot."""
        land, fa = float(self.w[0] + self.steps[name][0]), self.f_after[name]
        (lo, hi), *_ = self.bounds
        shown = self.dim == 1 and math.isfinite(fa) and lo <= land <= hi
        return ([land], [fa]) if shown else EMPTY

    @property
    def newton_root(self) -> tuple:
        """1-D: the root of f′'s tangent, where the Newton step lands, on the f′ plot."""
        root = float(self.w[0] + self.steps["newton"][0])
        return ([root], [0.0]) if self.dim == 1 and math.isfinite(root) else EMPTY

    @property
    def fprime_point(self) -> tuple:
        return ([float(self.w[0])], [float(self.grad[0])]) if self.dim == 1 else EMPTY

    @property
    def gd_path(self) -> np.ndarray:
        """The run from w as (xs, ys), up to where it leaves the 10× box (1-D: (w, f))."""
        box = ((-escape_radius(self.bounds), escape_radius(self.bounds)),) * self.dim
        xy = self.run.path if self.dim == 2 else np.column_stack([self.run.path, self.run.loss])
        return _clip_polyline(xy, box).T

    def eigen_axis(self, i: int) -> np.ndarray | tuple:
        """2-D: the segment along the i-th eigenvector, as (xs, ys)."""
        return EMPTY if self.axes is None else self.axes[i]

    def profile_line(self, i: int) -> tuple:
        """2-D: the i-th profile along −∇f (true, linear, quadratic), cut at ±PROFILE_CLIP."""
        if self.profile is None:
            return EMPTY
        return PROFILE_X, np.clip(self.profile[i], -PROFILE_CLIP, PROFILE_CLIP)

    @property
    def profile_mark(self) -> tuple:
        """2-D: the true profile at the GD step (x = 1)."""
        if self.profile is None:
            return EMPTY
        y = self.profile[0][int(np.argmin(np.abs(PROFILE_X - 1.0)))]
        return (
            ([1.0], [float(np.clip(y, -PROFILE_CLIP, PROFILE_CLIP))]) if math.isfinite(y) else EMPTY
        )


def taylor_state(
    objective: str = "logistic_2d",
    w1: float | None = None,
    w2: float | None = None,
    alpha: float | None = None,
    damping: float | None = None,
) -> TaylorState:
    """The Taylor models, eigen-decomposition and the three steps at w = (w₁, w₂) of a loss.

    Args:
        objective: a key of ``SURFACES``.
        w1, w2: the point, each in its slider's range (:func:`w_slider`); None: the loss's start.
            A 1-D loss reads w₁ only.
        alpha: the gradient step α in ``ALPHA_RANGE`` (None: the loss's default).
        damping: Newton's damping δ in ``DAMPING_RANGE`` (None: the loss's default).

    Returns:
        A :class:`TaylorState`.
    """
    obj = surface_objective(objective)
    spec = SURFACES[objective]
    w = []
    for i, (name, value) in enumerate((("w1", w1), ("w2", w2))):
        _, default, lo, hi, _ = w_slider(objective, i)
        w.append(check_real(name, default if value is None else value, low=lo, high=hi))
    w = np.array(w[: obj.dim])
    alpha = check_real(
        "alpha", spec.alpha if alpha is None else alpha, low=ALPHA_RANGE[0], high=ALPHA_RANGE[1]
    )
    damping = check_real(
        "damping",
        spec.damping if damping is None else damping,
        low=DAMPING_RANGE[0],
        high=DAMPING_RANGE[1],
    )
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

    tangent = parabola = fprime_tangent = np.empty((2, 0))
    level_sets, axes, profile, row = np.empty((2, 0)), None, None, 0.0
    if obj.dim == 1:
        x, fx, _ = loss_curve(objective)
        dx = x - w[0]
        h = float(H[0, 0])
        linear = f + g[0] * dx
        tangent = np.stack([x, linear])
        parabola = np.stack([x, linear + 0.5 * h * dx**2])
        fprime_tangent = np.stack([x, g[0] + h * dx])
        row = CURVE_PAD * float(fx.max() - fx.min())
    else:
        level_sets = model_level_sets(w, g, lam, V, spec.bounds)
        axes = eigen_axes(w, lam, V, spec.bounds)
        profile = _profile(obj, w, f, g, H, alpha)
    return TaylorState(
        key=objective,
        objective=obj,
        bounds=spec.bounds,
        w=w,
        f=f,
        grad=g,
        hessian=H,
        eigenvalues=lam,
        eigenvectors=V,
        kind=curvature_kind(lam),
        alpha=alpha,
        damping=damping,
        steps=steps,
        f_after=f_after,
        model_after=model_after,
        slopes=slopes,
        run=gd_run(obj, w, alpha, spec.bounds),
        tangent=tangent,
        parabola=parabola,
        fprime_tangent=fprime_tangent,
        row=row,
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
    items = [("w", vec(st.w)), ("f", f"{st.f:.5g}")]
    if st.dim == 1:
        items += [("f′", num(float(st.grad[0]), ".4g")), ("f″", num(float(lam[0]), ".4g"))]
        items.append(
            ("2/f″", num(2.0 / st.lambda_max, ".3g") if st.lambda_max > 0 else "none (f″ ≤ 0)")
        )
    else:
        items.append(("‖∇f‖", f"{float(np.hypot.reduce(st.grad)):.3g}"))
        items.append(("eigenvalues of H", ", ".join(num(float(v), ".4g") for v in lam)))
        kappa = st.condition_number
        items.append(("κ", f"{kappa:.4g}" if kappa is not None else f"none (H {st.kind})"))
        items.append(
            ("2/λmax", num(2.0 / st.lambda_max, ".3g") if st.lambda_max > 0 else "none (λmax ≤ 0)")
        )
    items += [("α", f"{st.alpha:.3g}"), ("δ", f"{st.damping:.3g}")]
    for name, label in zip(STEP_NAMES, ("GD", "Newton", "damped"), strict=True):
        fa, ma = st.f_after[name], st.model_after[name]
        shown = f"{num(fa, '.4g')} (model {num(ma, '.4g')})" if math.isfinite(fa) else "undefined"
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


def _run_text(run: GDRun) -> str:
    """What the gradient-descent run from w did, in a few words."""
    if run.diverged:
        return run.message
    if run.status == "converged":
        return f"converged in {run.steps} steps to f = {num(float(run.loss[-1]), '.4g')}"
    return f"reached f = {num(float(run.loss[-1]), '.4g')} after {run.steps} steps"


def _gd_text(st: TaylorState) -> str:
    """Gradient descent with the current α: against the stability bound 2/λmax when H is positive
    definite, then one step and the run from w."""
    fg = num(st.f_after["gd"], ".4g")
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
    eig = ", ".join(num(float(v), ".3g") for v in lam)
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
            f"every step is (nearly) zero, for any α (now {st.alpha:.3g}) and δ (now "
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
            f"{num(fn, '.4g')}{worse}; damped Newton (δ = {st.damping:.3g}): f → "
            f"{num(fd, '.4g')}; {gd_text}",
            "diverged" if st.run.diverged else "ok",
        )
    need = max(0.0, -float(lam[0]))  # H + δI is positive definite for δ > −λmin
    damping_text = f"damping δ > {num(need, '.3g')} makes it a descent step"
    if st.damping > need:
        damping_text += f" (δ = {st.damping:.3g} does: f → {num(fd, '.4g')})"
    else:
        damping_text += f" (δ = {st.damping:.3g} is not enough: f → {num(fd, '.4g')})"
    level = "diverged" if st.run.diverged else "info"
    if st.kind == "singular":
        return Status(
            f"{what} is singular ({eig}): the Newton step is undefined or huge; {damping_text}; "
            f"{gd_text}",
            level,
        )
    uphill = ""
    if st.slopes["newton"] > 0:
        uphill = f"; it goes uphill (∇f·Δw > 0: f {f:.4g} → {num(fn, '.4g')})"
    if st.kind == "negative definite":
        head = (
            f"{what} is negative{'' if st.dim == 1 else ' definite'} ({eig}): the Newton "
            "step points to the model's maximum, not a minimum"
        )
    else:
        head = (
            f"H has a negative eigenvalue {num(float(lam[0]), '.3g')}: the Newton step "
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

    def answer(st: TaylorState) -> tuple[int, str]:
        traj = simulate(st.objective, newton(), start=st.w, steps=max_steps, tol=1e-8)
        if not traj.converged:
            return -1, f"Newton's method from here {traj.message}"
        end = traj.final_params
        lam = np.linalg.eigvalsh(st.objective.hessian(end))
        return traj.stopped_at, (
            f"Newton's method {traj.message}, ending at w = {vec(end, '.4g')} where the "
            f"Hessian's eigenvalues are {', '.join(num(float(v), '.3g') for v in lam)}: "
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

    def answer(st: TaylorState) -> tuple[str, str]:
        lam = st.eigenvalues
        kind = _classify(lam)
        reason = {
            "minimum": "all are positive: the model curves up in every direction (a bowl)",
            "maximum": "all are negative: the model curves down in every direction (a cap)",
            "saddle": "they have both signs: up along one eigenvector, down along the other",
        }[kind]
        return kind, (
            f"the Hessian's eigenvalues here are {', '.join(num(float(v), '.3g') for v in lam)}; "
            f"{reason}, so the model's stationary point, where the Newton step lands, is a {kind}"
        )

    return Question(
        "Is the quadratic model at this point a bowl, a cap or a saddle, i.e. is its stationary "
        "point (where the Newton step lands) a minimum, a maximum or a saddle?",
        answer,
        choices=("minimum", "maximum", "saddle"),
    )
