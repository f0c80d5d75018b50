"""Taylor models and Newton's method (lesson 05): at a point w (sliders, or a click on the plot) of
a 1-D or 2-D loss, the first- and second-order Taylor models, the Hessian's eigenvectors, the
gradient, Newton and damped Newton steps side by side, and the gradient-descent run from w. The
model is :mod:`widgets.models.taylor_newton`."""

from __future__ import annotations

from typing import Any

from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from ..models.taylor_newton import (
    ALPHA_RANGE,
    DAMPING_RANGE,
    GD_RUN_STEPS,
    PROFILE_X,
    STEP_NAMES,
    SURFACES,
    curve_limits,
    point_values,
    readout_html,
    surface_objective,
    taylor_state,
    taylor_status,
    w_slider,
)
from ._artists import Custom, HLine, Line, VLine
from ._controls import Choice, LogSlider, Slider
from ._plots import replace_contours
from ._spec import Explorer
from .style import GUIDE, PALETTE, ROLE_COLORS, color_for, outlined

__all__ = ["TaylorNewtonExplorer"]

GD, NEWTON = color_for("gd"), color_for("newton")
STEP_STYLE = {
    "gd": {"color": GD, "ls": "-"},
    "newton": {"color": NEWTON, "ls": "-"},
    "damped": {"color": NEWTON, "ls": "--"},
}
STEP_LABELS = {
    1: ("GD step −α f′", "Newton step −f′/f″", "damped Newton\n−f′/(f″ + δ)"),
    2: ("GD step −α∇f", "Newton step −H⁻¹∇f", "damped Newton\n−(H + δI)⁻¹∇f"),
}
CURVE = dict(color=ROLE_COLORS["curve"], lw=2)
LINEAR = dict(color=PALETTE["sky blue"], lw=1.5, ls="--")  # first-order models
MODEL = dict(color=ROLE_COLORS["tangent"], lw=1.8)  # second-order models
AXES = dict(color=PALETTE["orange"], lw=3)
TANGENT = dict(LINEAR, label="first-order model (tangent)")
PARABOLA = dict(MODEL, label="second-order model (parabola)")
LEVELS = dict(MODEL, lw=1.3, label="second-order model:\nlevel sets")
GD_PATH = dict(color=GD, ls=":", lw=1.3, marker="o", ms=2.5)
POINT = dict(marker="o", color="white", mec="black")
ROOT = dict(marker="x", color=NEWTON, ms=9, mew=2)  # the root of f′'s tangent
FOLLOWS = ("objective",)  # a new loss gives w₁, w₂, α and δ their ranges and defaults
DEFAULT = "logistic_2d"


def _in(dim: int):
    return lambda s: s.dim == dim


one, two = _in(1), _in(2)  # shown in the 1-D, the 2-D layout


def _w(i: int) -> Slider:
    """The slider for wᵢ₊₁: its label, default, range and step follow the loss."""
    part = lambda k: lambda objective: w_slider(objective, i)[k]  # noqa: E731
    enabled = (lambda v: surface_objective(v["objective"]).dim == 2) if i else None
    return Slider(
        part(0), part(1), lo=part(2), hi=part(3), step=part(4), follows=FOLLOWS, enabled=enabled
    )


def _rate(label: str, attr: str, bounds: tuple[float, float]) -> LogSlider:
    default = lambda objective: getattr(SURFACES[objective], attr)  # noqa: E731
    return LogSlider(
        label, default, lo=bounds[0], hi=bounds[1], steps_per_decade=10, follows=FOLLOWS
    )


def _arrow(name: str) -> Custom:
    def create(ax):
        style = dict(arrowstyle="-|>", mutation_scale=13, shrinkA=0, shrinkB=0, lw=2.0, zorder=5)
        look = STEP_STYLE[name]
        halo = outlined(look["color"], style["lw"])  # it crosses the contour fill
        return ax.add_patch(FancyArrowPatch((0, 0), (0, 0), **style, **look, path_effects=halo))

    return Custom(
        0,
        lambda s: s.arrow(name) or ((0.0, 0.0), (0.0, 0.0)),
        answer=True,
        visible=lambda s: s.arrow(name) is not None,
        create=create,
        draw=lambda a, ends: a.set_positions(*ends),
    )


def _static(kind: type, ax: int, data, visible=None, **style):
    """Part of the background: drawn with the frame, in the layouts ``visible`` says."""
    return kind(ax, data, static=True, visible=visible, style=style)


def _line(ax: int, data, visible=None, **style) -> Line:
    """An answer (hidden until the learner predicts), shown in the layouts ``visible`` says."""
    return Line(ax, data, answer=True, visible=visible, style=style)


def _mark(ax: int, data, visible, **style) -> Line:
    return Line(ax, data, answer=True, visible=visible, style=dict(ls="", **style))


def _eigen_axis(i: int) -> Line:
    """The i-th eigenvector's axis, dashed where its eigenvalue is negative."""
    dashed = lambda s: {"ls": "--" if two(s) and s.eigenvalues[i] < 0 else "-"}  # noqa: E731
    style = dict(**AXES, solid_capstyle="butt", dash_capstyle="butt")
    return Line(0, lambda s: s.eigen_axis(i), answer=True, visible=two, props=dashed, style=style)


def _landing(name: str) -> Line:
    color = STEP_STYLE[name]["color"]
    return _mark(0, lambda s: s.landing(name), one, marker="o", ms=5, zorder=6, color=color)


def _profile(i: int, label: str, style: dict) -> Line:
    return _line(1, lambda s: s.profile_line(i), two, label=label, **style)


class TaylorNewtonExplorer(Explorer):
    """Taylor models, Hessian eigenvectors and gradient / Newton / damped Newton steps at a
    point of a 1-D or 2-D loss. Click on the plot to move the point.

    Example:
        >>> ex = TaylorNewtonExplorer(objective="sine", w=(0.0, 2.0))
        >>> ex.last_status.text.startswith("H has a negative eigenvalue")
        True
    """

    lessons = ("05_hessian_taylor_newton",)
    controls = {
        "objective": Choice("loss", DEFAULT, options={s.label: k for k, s in SURFACES.items()}),
        "w1": _w(0),
        "w2": _w(1),
        "alpha": _rate("GD step α", "alpha", ALPHA_RANGE),
        "damping": _rate("damping δ", "damping", DAMPING_RANGE),
    }
    model = taylor_state
    describe = taylor_status
    artists = {
        # each layout's background
        "curve": _static(Line, 0, lambda s: s.curve, one, label="f(w)", **CURVE),
        "fprime": _static(Line, 1, lambda s: s.fprime_curve, one, **CURVE),
        "zero": _static(HLine, 1, lambda s: 0.0, color=GUIDE, lw=1.0),
        "gd_step": _static(VLine, 1, lambda s: 1.0, two, color=GD, lw=0.8, ls=":"),
        # moving, in drawing order: the models, the steps, the run, the point, the side plot
        "tangent": _line(0, lambda s: s.tangent, one, **TANGENT),
        "parabola": _line(0, lambda s: s.parabola, one, **PARABOLA),
        "levels": _line(0, lambda s: s.level_sets, two, **LEVELS),
        "eigen_0": _eigen_axis(0),
        "eigen_1": _eigen_axis(1),
        **{f"{n}_arrow": _arrow(n) for n in ("newton", "damped", "gd")},  # the GD step on top
        **{f"{n}_landing": _landing(n) for n in STEP_NAMES},
        "gd_path": _line(0, lambda s: s.gd_path, zorder=4, **GD_PATH),
        "point": Line(0, lambda s: s.point, style=dict(ls="", **POINT, mew=1.6, ms=8, zorder=6)),
        "fprime_tangent": _line(1, lambda s: s.fprime_tangent, one, **dict(MODEL, lw=1.6)),
        "fprime_point": _mark(1, lambda s: s.fprime_point, one, **POINT, mew=1.4, ms=7),
        "newton_root": _mark(1, lambda s: s.newton_root, one, **ROOT),
        "profile_true": _profile(0, "f along −∇f", CURVE),
        "profile_linear": _profile(1, "first-order model", LINEAR),
        "profile_quadratic": _profile(2, "second-order model", MODEL),
        "profile_mark": _mark(1, lambda s: s.profile_mark, two, marker="o", color=GD, ms=6),
    }
    # The numbers live in HTML beside the controls: text drawn into the figure would cost more
    # per update than every other artist together, and HTML is read by screen readers.
    readouts = {"numbers": readout_html}
    answers = ("numbers",)
    redraw_on = ("objective",)
    figsize = (10.0, 4.6)
    columns = 3
    _contours = ()

    def __init__(self, *, w: Any = None, **values: Any) -> None:
        """``w``: the point as one vector (w₁, or (w₁, w₂) for a 2-D loss), instead of w1, w2."""
        if w is not None:
            if {"w1", "w2"} & set(values):
                raise ValueError("give the point as w or as w1, w2, not both")
            objective = values.get("objective", DEFAULT)
            type(self).controls["objective"].check("objective", objective, {})
            values.update(point_values(objective, w))
        super().__init__(**values)
        self.readout_boxes["numbers"].layout.overflow = "auto"

    def layout(self, figure):
        main, side = (0.065, 0.115, 0.40, 0.79), (0.54, 0.115, 0.225, 0.79)
        return figure.add_axes(main), figure.add_axes(side)

    def decorate(self) -> None:
        label = "eigenvectors of H,\nhalf-length ∝ 1/√|λᵢ|\n(dashed: λᵢ < 0)"
        own = {
            1: [self.artist(n) for n in ("curve", "tangent", "parabola")],
            2: [self.artist("levels"), Line2D([], [], label=label, **AXES)]
            + [self.artist(f"profile_{n}") for n in ("true", "linear", "quadratic")],
        }
        run = Line2D([], [], label=f"GD run from w\n(≤ {GD_RUN_STEPS} steps)", **GD_PATH)
        self._legends = {}  # one per layout, the other hidden
        for dim, handles in own.items():
            steps = [
                Line2D([], [], lw=2, marker=">", markevery=[1], label=label, **STEP_STYLE[name])
                for name, label in zip(STEP_NAMES, STEP_LABELS[dim], strict=True)
            ]
            self._legends[dim] = self.figure.legend(
                handles=[*handles, *steps, run],
                loc="upper left",
                bbox_to_anchor=(0.775, 0.905),
                fontsize=10,
                frameon=False,
                handlelength=2.2,
                borderaxespad=0.3,
            )

    def draw_frame(self, st) -> None:
        ax_main, ax_side = self.axes
        for dim, legend in self._legends.items():
            legend.set_visible(dim == st.dim)
        if st.dim == 2:
            self._contours = replace_contours(
                ax_main, self._contours, st.objective, bounds=st.bounds, resolution=121
            )
            ax_main.set_title("contours of f; quadratic model at w", fontsize=10)
            ax_side.set(
                xlim=(PROFILE_X[0], PROFILE_X[-1]),
                ylim=(-1.6, 1.6),
                xlabel="distance along −∇f (1 = GD step)",
                ylabel="[f − f(w)] / (α‖∇f‖²)",
            )
            ax_side.set_title("along the gradient step", fontsize=10)
            return
        self._contours = replace_contours(ax_main, self._contours, None)
        (x0, x1), f_lim, fprime_lim = curve_limits(st.key)
        name = st.objective.param_names[0]
        ax_main.set(xlim=(x0, x1), ylim=f_lim, xlabel=name, ylabel="f(w)")
        ax_main.set_title("f and its Taylor models at w", fontsize=10)
        ax_side.set(xlim=(x0, x1), ylim=fprime_lim, xlabel=name, ylabel="f′(w)")
        ax_side.set_title("Newton = root of f′'s tangent", fontsize=10)

    def on_click(self, ax: int, x: float, y: float):
        """A click on the main plot moves w there (w₁ only, on a 1-D loss)."""
        point = {"w1": x} if self.state.dim == 1 else {"w1": x, "w2": y}
        # a click on the frame's very edge may fall just outside a slider's range: ignored
        bounds = [self.specs[n].bounds(self._values) for n in point]
        inside = all(lo <= v <= hi for v, (lo, hi) in zip(point.values(), bounds, strict=True))
        return point if ax == 0 and inside else None
