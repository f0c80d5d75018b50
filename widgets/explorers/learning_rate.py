"""The learning rate on a quadratic (lessons 04 and 06): stable band, best rate, momentum,
schedules. The model is :mod:`widgets.models.learning_rate`; the range test is
:mod:`.lr_range`."""

from __future__ import annotations

import math

import numpy as np
from matplotlib import colormaps
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from ..models.learning_rate import (
    ALPHA_RANGE,
    ANGLE_RANGE,
    GAMMA_RANGE,
    HEATMAPS,
    KAPPA_RANGE,
    LAMBDA_RANGE,
    LOSS_YLIM,
    MOMENTUM_MAX,
    PROBLEMS,
    RATE_ALPHAS,
    RATE_TOP,
    SCHEDULES,
    STEPS_RANGE,
    SWEEP_LRS,
    SWEEP_MOMENTA,
    TOL,
    LearningRateState,
    best_lr_question,
    learning_rate_state,
    learning_rate_status,
    lr_sweep,
    make_schedule,
    measured_rate,
    predicted_loss,
    rate_question,
)
from ._artists import Custom, HLine, Image, Line, Text, VLine
from ._controls import Choice, IntSlider, LogSlider, Slider
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import PALETTE, ROLE_COLORS, color_for, dashes_for

__all__ = [
    "ALPHA_RANGE",
    "SWEEP_LRS",
    "SWEEP_MOMENTA",
    "LearningRateExplorer",
    "LearningRateState",
    "best_lr_question",
    "lr_sweep",
    "make_schedule",
    "measured_rate",
    "predicted_loss",
    "rate_question",
]

GREEN, THEORY, BEST = ROLE_COLORS["stable band"], ROLE_COLORS["theory"], ROLE_COLORS["best"]
VERM, DIVERGED = PALETTE["vermillion"], "#BBBBBB"  # grey: outside the colormap, "no value"
ABOVE = dict(loc="lower left", bbox_to_anchor=(0.0, 1.01), fontsize=10, frameon=False)
ABOVE.update(borderaxespad=0.0, handlelength=1.8, columnspacing=1.2)
LOW = ALPHA_RANGE[0] / 10.0  # where the bands start, off the axes
_DX, _DM = np.diff(np.log10(SWEEP_LRS))[0], SWEEP_MOMENTA[1] - SWEEP_MOMENTA[0]
EXTENT = (
    math.log10(SWEEP_LRS[0]) - _DX / 2,
    math.log10(SWEEP_LRS[-1]) + _DX / 2,
    SWEEP_MOMENTA[0] - _DM / 2,
    SWEEP_MOMENTA[-1] + _DM / 2,
)
_LIMIT = lambda s: s.theory.stable_lr_max  # noqa: E731
_BEST = lambda s: s.theory.best_lr  # noqa: E731
COMPONENTS = ("along the λmin direction", "along the λmax direction")
_RUN_COLOR = lambda s: {"color": color_for(s.color_key)}  # noqa: E731


def _by(kind: str) -> dict:
    """Enabled only with the schedule ``kind``."""
    return {"enabled": lambda v: v["schedule"] == kind}


def _span(bounds: tuple) -> dict:
    return {"lo": bounds[0], "hi": bounds[1]}


_2D = {"enabled": lambda v: v["problem"] == "2d"}


def _band(ax: int, horizontal: bool) -> Custom:
    """The stable band (0, 2/λmax): along α on the ρ panel, along α_t on the schedule panel."""

    def create(a):
        transform = a.get_xaxis_transform() if horizontal else a.get_yaxis_transform()
        xy = (LOW, 0.0) if horizontal else (0.0, LOW)
        patch = Rectangle(xy, 1.0, 1.0, transform=transform, color=GREEN, alpha=0.15, lw=0)
        patch.set_label("stable band (0, 2/λmax)" if horizontal else None)
        return a.add_patch(patch)

    def draw(patch, limit):
        (patch.set_width if horizontal else patch.set_height)(limit - LOW)

    return Custom(ax, _LIMIT, layer=True, create=create, draw=draw)


def _label(text: str, x: float, data, **style) -> Text:
    return Text(2, lambda s: (x, data(s), text), layer=True, style=dict(fontsize=10, **style))


def _a(ax: int, data, answer: bool = False, layer: bool = False, kind=Line, **style):
    """A declared artist of ``kind`` with its style inline (markers alone: no line)."""
    if kind is Line and "marker" in style:
        style.setdefault("ls", "")
    return kind(ax, data, answer=answer, layer=layer, style=style)


_RATE_GD = lambda s: (RATE_ALPHAS, s.theory.rate(RATE_ALPHAS))  # noqa: E731
_EIGEN = lambda s: (0.99, 0.04, "λ = " + ", ".join(f"{v:.3g}" for v in s.theory.eigenvalues))  # noqa: E731
_MOM = lambda s: s.momentum_curve  # noqa: E731
_BEST_GD = lambda s: ([math.log10(s.theory.best_lr)], [0.0])  # noqa: E731
_BEST_MOM = lambda s: ([math.log10(s.theory.best_momentum_lr)], [s.theory.best_momentum])  # noqa: E731
_RATE_LABEL, _BEST_LABEL = "GD: max |1 − αλᵢ|", "α* = 2/(λmin + λmax)"
_MOM_LABEL, _DASHDOT = "heavy ball at this μ", (0, (4, 1.5, 1, 1.5))
DOT = dict(marker="o", color=VERM, mec="white")
MARK = dict(color="white", mec="black")
COMPONENT = dict(color=THEORY, lw=1.3)
PREDICTED = dict(color=THEORY, lw=3.0, ls=(0, (2, 2)), alpha=0.5)
MOMENTUM = dict(color=color_for("momentum"), ls=dashes_for("momentum"))
INSIDE = dict(loc="upper right", fontsize=10, framealpha=0.9)


class LearningRateExplorer(Explorer):
    """Learning rate α (and momentum μ) on a quadratic: the stable band, the best rate, measured
    against predicted convergence, schedules, and an (α, μ) heatmap.

    Example:
        >>> ex = LearningRateExplorer(alpha=0.5, problem="1d", lam_max=2.0)
        >>> ex.last_status.text.split(":")[0]
        'α = 0.5 is inside the stable band (0, 1)'
    """

    lessons = ("04_learning_rate_effects", "06_momentum_and_adaptive")
    controls = {
        "alpha": LogSlider("learning rate α", 1.0, lo=ALPHA_RANGE[0], hi=ALPHA_RANGE[1]),
        "momentum": Slider("momentum μ", 0.0, lo=0.0, hi=MOMENTUM_MAX, step=0.01),
        "steps": IntSlider("steps", 200, lo=STEPS_RANGE[0], hi=STEPS_RANGE[1], step=10),
        "problem": Choice("problem", "2d", options=PROBLEMS),
        "kappa": LogSlider(
            "condition number κ", 10.0, **_span(KAPPA_RANGE), steps_per_decade=10, **_2D
        ),
        "angle": Slider("rotation θ (°)", 0.0, **_span(ANGLE_RANGE), step=5.0, fmt=".0f", **_2D),
        "lam_max": Slider("largest curvature λmax", 1.0, **_span(LAMBDA_RANGE), step=0.05),
        "heatmap": Choice("heatmap", "steps", options=HEATMAPS),
        "schedule": Choice("schedule", "constant", options=SCHEDULES),
        "gamma": Slider(
            "step decay γ", 0.5, **_span(GAMMA_RANGE), step=0.05, fmt=".2f", **_by("step")
        ),
        "step_size": IntSlider(
            "decay every k steps", 50, **_span((1, STEPS_RANGE[1])), **_by("step")
        ),
        "half_life": IntSlider(
            "exponential half-life", 50, **_span((1, STEPS_RANGE[1])), **_by("exponential")
        ),
        "warmup": IntSlider("warm-up steps", 20, **_span((0, STEPS_RANGE[1])), **_by("warmup")),
    }
    model = learning_rate_state
    describe = learning_rate_status
    artists = {
        # ρ(α): the layer follows the quadratic and the budget; the rest moves with α and μ
        "band": _band(0, True),
        "rate_gd": _a(0, _RATE_GD, True, True, color=THEORY, lw=1.6, label=_RATE_LABEL),
        "best_line": _a(
            0, _BEST, True, True, VLine, color=BEST, lw=1.6, ls="--", label=_BEST_LABEL
        ),
        "eigenvalues": _a(0, _EIGEN, False, True, Text, ha="right", va="bottom", fontsize=10),
        "rate_mom": _a(0, _MOM, True, **MOMENTUM, lw=1.4, label=_MOM_LABEL),
        "alpha_line": VLine(0, lambda s: s.alpha, props=_RUN_COLOR, style=dict(lw=1.0)),
        "rate_marker": _a(0, lambda s: s.rate_point, True, **DOT, ms=7),
        # the loss per step
        "component_0": _a(1, lambda s: s.component_line(0), True, **COMPONENT, ls=(0, (1, 1.5))),
        "component_1": _a(1, lambda s: s.component_line(1), True, **COMPONENT, ls=_DASHDOT),
        "predicted": _a(1, lambda s: s.predicted_line, True, **PREDICTED),
        "loss": Line(1, lambda s: s.loss_line, answer=True, props=_RUN_COLOR, style=dict(lw=1.5)),
        # the schedule against the band
        "band_s": _band(2, False),
        "limit_s": _a(2, _LIMIT, False, True, HLine, color=GREEN, lw=1.2, ls="--"),
        "best_s": _a(2, _BEST, False, True, HLine, color=BEST, lw=1.6, ls=":"),
        "limit_label": _label("2/λmax", 0.99, _LIMIT, ha="right", va="bottom"),
        "best_label": _label("α*", 0.01, _BEST, ha="left", va="top"),
        "sched": Line(2, lambda s: s.schedule_line, props=_RUN_COLOR, style=dict(lw=1.8)),
        # the (α, μ) heatmap of the sweep
        "image": Image(
            3,
            lambda s: (s.heat, s.heat_clim),
            answer=True,
            layer=True,
            shape=(SWEEP_MOMENTA.size, SWEEP_LRS.size),
            style=dict(origin="lower", aspect="auto", extent=EXTENT, interpolation="nearest"),
        ),
        "best_gd": _a(3, _BEST_GD, True, **MARK, marker="*", ms=11, label="best α (μ = 0)"),
        "best_mom": _a(3, _BEST_MOM, True, **MARK, marker="P", ms=9, label="Polyak's (α*, μ*)"),
        "heat_marker": _a(3, lambda s: s.heat_point, **DOT, ms=9, mew=1.5, label="this (α, μ)"),
    }
    figsize = (10.0, 7.6)
    columns = 3

    def layout(self, figure):
        axs = figure.subplots(2, 2)
        figure.subplots_adjust(
            left=0.075, right=0.93, bottom=0.07, top=0.9, wspace=0.3, hspace=0.62
        )
        (ax_r, ax_l), (ax_s, ax_h) = axs
        ax_r.set(xscale="log", xlim=ALPHA_RANGE, ylim=(0.0, RATE_TOP), xlabel="learning rate α")
        ax_r.set_ylabel("contraction per step ρ")
        ax_r.axhline(1.0, color="#777777", lw=0.8, ls=":")
        ax_l.set(yscale="log", ylim=LOSS_YLIM, xlabel="step t", ylabel="loss f(wₜ)")
        ax_s.set(yscale="log", ylim=(LOW * 10 / 3.0, ALPHA_RANGE[1] * 2.0), xlabel="step t")
        ax_s.set_ylabel("learning rate α_t")
        ax_s.set_title("Schedule α_t against the stable band (green)", fontsize=10)
        sparse_log_minor_ticks(ax_r, ax_l, ax_s)
        ax_h.set(xlim=EXTENT[:2], ylim=EXTENT[2:], xlabel="learning rate α (log scale)")
        ax_h.set_ylabel("momentum μ")
        ax_h.xaxis.set_major_locator(FixedLocator([-3, -2, -1, 0]))
        ax_h.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos=None: f"{10.0**x:g}"))
        ax_h.xaxis.set_minor_locator(NullLocator())
        return ax_r, ax_l, ax_s, ax_h

    def decorate(self) -> None:
        a = self.artist
        image = a("image")
        image.set_cmap(colormaps["viridis_r"].with_extremes(bad=DIVERGED))
        self.colorbar = self.figure.colorbar(image, ax=self.axes[3], pad=0.02, fraction=0.06)
        self.colorbar.ax.tick_params(labelsize=10)
        rate = [a(n) for n in ("band", "rate_gd", "best_line", "rate_mom")]
        self.axes[0].legend(handles=rate, ncols=2, **ABOVE)
        heat = [a(n) for n in ("best_gd", "best_mom", "heat_marker")]
        heat.append(Patch(color=DIVERGED, label="diverged"))
        self.axes[3].legend(handles=heat, ncols=2, **ABOVE)
        loss = [a(n) for n in ("loss", "predicted", "component_0", "component_1")]
        self._loss_legend = self.axes[1].legend(loss, ["measured", "theory", *COMPONENTS], **INSIDE)

    def layer(self, axes):
        """The loss legend, the colour bar (its range follows the budget or the starting loss),
        the step axes (they follow the budget), the theory's curves and marks (the spectrum), then
        the heatmap: no control draws the figure in full, κ draws no axis, θ only the heatmap."""
        theory = [self.artist(n) for n, a in self.artist_specs.items() if a.layer and n != "image"]
        steps = axes[1].xaxis, axes[2].xaxis
        return [(self._loss_legend,), (self.colorbar.ax,), steps, theory, (self.artist("image"),)]

    def layer_key(self, st: LearningRateState):
        legend = st.color_key, st.predicted_label, st.predicted is None, st.components is None
        problem, kappa, _angle, lam_max = st.objective_key  # θ changes the heatmap only
        heat = st.objective_key, st.steps, st.heat_kind
        return legend, (st.heat_kind, st.heat_clim), st.steps, (problem, kappa, lam_max), heat

    def draw_layer(self, st: LearningRateState) -> None:
        self.axes[1].set_xlim(0, st.steps)
        self.axes[2].set_xlim(0, st.steps)
        self.artist("image").set_clim(*st.heat_clim)
        label = "log₁₀ final loss" if st.heat_kind == "loss" else f"steps to ‖∇f‖ < {TOL:.0e}"
        self.colorbar.set_label(f"{label} (constant α)", fontsize=10)
        who = "heavy ball" if st.mu > 0.0 else "gradient descent"
        color = color_for(st.color_key)
        self.artist("loss").set_color(color)
        # no closed form for momentum with a schedule: no theory line, no legend entry
        shown = (True, st.predicted is not None, *[st.components is not None] * 2)
        texts = (f"measured ({who})", st.predicted_label, *COMPONENTS)
        legend = self._loss_legend
        for text, handle, label, on in zip(
            legend.get_texts(), legend.legend_handles, texts, shown, strict=True
        ):
            text.set(text=label, visible=on)
            handle.set_visible(on)
        legend.legend_handles[0].set_color(color)
