"""Batch, stochastic and mini-batch gradient descent on a 2-D logistic loss, many seeds at once;
the model is :mod:`widgets.models.batch_size`."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyArrowPatch, Polygon

from .._validate import as_vector, check_choice
from ..models.batch_size import (
    ALPHA_RANGE,
    DECAY_RANGE,
    EPOCHS_RANGE,
    FIRST_ORDER,
    LOSS_VIEWS,
    N_RUNS_RANGE,
    X_AXES,
    BatchState,
    batch_sizes,
    batch_state,
    batch_status,
    check_objective,
    divergence_note,
    ellipse_axes,
    runs_ahead,
    setup_for,
)
from ._artists import Custom, Line, VLine
from ._controls import Choice, IntSlider, LogSlider, Scrubber, Steps
from ._plots import draw_contours, end_label, fraction_ticks, set_end
from ._spec import Explorer
from .style import GUIDE, PALETTE, ROLE_COLORS, color_for, outlined

__all__ = ["BatchSizeExplorer"]

_COLOR = color_for("minibatch")
_RED = PALETTE["vermillion"]


def _start(name, value):
    return None if value is None else tuple(as_vector(name, value, 2))


def _note(ax, **style):
    """A note in the top left corner of the axes, on a white box."""
    box = {"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.85}
    kw = dict(transform=ax.transAxes, ha="left", va="top", fontsize=10, bbox=box)
    return ax.text(0.03, 0.97, "", **kw, **style)


def _put_ellipse(e, cov_center) -> None:
    cov, center = cov_center
    w, h, angle = ellipse_axes(cov)
    e.set_center(tuple(center))
    e.set_width(w)
    e.set_height(h)
    e.set_angle(angle)


def _decay_lines(st: BatchState):
    """One vertical dashed line per decay of α, across the loss panel."""
    x = np.repeat(st.decay_x, 3)
    x[2::3] = np.nan
    lo, hi = st.limits
    y = np.tile([lo, hi, np.nan], len(st.decay_x))
    return x, y


def _loss_note(st: BatchState) -> str:
    """The update-to-weight ratio at the update shown, and how high runs off the scale go."""
    lines = [] if np.isnan(st.ratio_now) else [f"update/weight {st.ratio_now:.1e}"]
    if st.decays:
        lines.append(f"α ÷ 10 at dashes: now {st.rate_now:.3g}")
    if st.above:
        lines.append(st.above)
    return "\n".join(lines)


class BatchSizeExplorer(Explorer):
    """Gradient descent with batches of B examples on a 2-D logistic loss, N seeds at once.

    The contour plot shows one faint path per shuffling seed (seeds 0 … N−1 of the gradient
    oracle) up to update t; the middle panel the loss of the runs against epochs, updates or
    examples seen (median and 10–90 % band; the panel keeps the range from f* to the start's
    loss and says how high the runs go when they leave it); the right panel the gradient noise at
    run 1's point: every per-example gradient, the batch gradients of 40 random batches of size B,
    their 2σ ellipse (covariance Σ/B, shrinking as B grows) and the full gradient.

    A run counts as diverged once its iterate leaves a box ten times the plotted region
    (``|w|∞ > 10 · max|plot bound|``): the logistic loss cannot overflow, so a too-large α only
    throws w ever farther out. The status then says how many runs diverged, when, and why.

    Example:
        >>> ex = BatchSizeExplorer(batch_size=8)
        >>> ex.last_status.text.startswith("B = 8: 72 updates per epoch")
        True
    """

    lessons = ("03_gradient_descent_variants",)
    settings = {
        "objective": (None, check_objective),
        "optimizer": ("gd", lambda name, v: check_choice(name, v, FIRST_ORDER)),
        "start": (None, _start),
    }
    model = batch_state
    describe = batch_status
    redraw_on = ("x_axis", "loss_view")  # and whether α decays (the legend): frame_key
    figsize = (10.5, 4.2)
    columns = 3

    @classmethod
    def declare(cls, settings):
        m = int(settings["objective"].n_examples)
        sizes = {(f"{b}" if b < m else f"{b} (all)"): b for b in batch_sizes(m)}
        return {
            "alpha": LogSlider(
                "α (learning rate)", 0.5, lo=ALPHA_RANGE[0], hi=ALPHA_RANGE[1], fmt=".2g"
            ),
            "batch_size": Steps("batch size B", 16, options=sizes),
            "epochs": IntSlider("epochs", 3, lo=EPOCHS_RANGE[0], hi=EPOCHS_RANGE[1]),
            "n_runs": IntSlider("runs N (seeds)", 8, lo=N_RUNS_RANGE[0], hi=N_RUNS_RANGE[1]),
            "decays": IntSlider(
                "÷ 10 decays, evenly spaced", 0, lo=DECAY_RANGE[0], hi=DECAY_RANGE[1]
            ),
            "x_axis": Choice("loss against", "epochs", options={v: k for k, v in X_AXES.items()}),
            "loss_view": Choice(
                "loss shown as", "loss", options={v: k for k, v in LOSS_VIEWS.items()}
            ),
            "step": Scrubber("update t", last=lambda st: st.runs.n_updates),
        }

    artists = {
        "paths": Custom(
            0,
            lambda st: st.segments,
            True,
            create=lambda ax: ax.add_collection(
                LineCollection(
                    [], colors=_COLOR, linewidths=1.0, path_effects=outlined(_COLOR, 1.0)
                )
            ),
            draw=lambda lc, segments: lc.set_segments(segments),
        ),
        "heads": Line(
            0,
            lambda st: st.runs.params[:, st.step].T,
            True,
            style=dict(ls="", marker="o", ms=4.5, color=_COLOR, mec="white", mew=0.6, zorder=3),
        ),
        # says which runs flew off the picture (diverged), since their paths leave the axes
        "note": Custom(
            0,
            lambda st: divergence_note(st.runs, short=True),
            True,
            create=lambda ax: _note(ax, color=_RED, zorder=4),
            draw=lambda text, note: text.set_text(note),
        ),
        "band": Custom(
            1,
            lambda st: st.band,
            True,
            create=lambda ax: ax.add_patch(
                Polygon(np.zeros((3, 2)), color=_COLOR, alpha=0.25, lw=0)
            ),
            draw=lambda patch, xy: patch.set_xy(xy),
        ),
        "median": Line(
            1, lambda st: (st.x, st.median_curve), True, style=dict(color=_COLOR, lw=1.8)
        ),
        "decays": Line(1, _decay_lines, True, style=dict(color="black", lw=1.0, ls="--")),
        # update t once the learner scrubs back; at the last update it would lie on the frame's edge
        "cursor": VLine(
            1,
            lambda st: np.nan if st.step == st.runs.n_updates else st.x_now,
            True,
            style=dict(color=GUIDE, lw=1.0),
        ),
        "above": Custom(
            1,
            lambda st: _loss_note(st),
            True,
            create=_note,
            draw=lambda text, above: text.set_text(above),
        ),
        "end": Custom(1, lambda st: (st.x[-1], st.x_end), create=end_label, draw=set_end),
        "examples": Line(
            2,
            lambda st: st.noise.example_grads.T,
            style=dict(ls="", marker="o", ms=2.0, color=GUIDE, mew=0),
        ),
        "samples": Line(
            2,
            lambda st: st.noise.samples.T,
            style=dict(ls="", marker="o", ms=3.5, color=_COLOR, mew=0),
        ),
        "ellipse": Custom(
            2,
            lambda st: (st.noise.cov_batch, st.noise.grad),
            create=lambda ax: ax.add_patch(Ellipse((0, 0), 0, 0, fill=False, ec=_RED, lw=1.4)),
            draw=_put_ellipse,
        ),
        "arrow": Custom(
            2,
            lambda st: st.noise.grad,
            create=lambda ax: ax.add_patch(
                FancyArrowPatch(
                    (0, 0), (0, 0), arrowstyle="-|>", mutation_scale=12, color="black", lw=1.6
                )
            ),
            draw=lambda arrow, g: arrow.set_positions((0.0, 0.0), tuple(g)),
        ),
    }

    def layout(self, figure):
        ax_c, ax_l, ax_n = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.15, 1.15, 0.9]})
        figure.subplots_adjust(left=0.07, right=0.985, bottom=0.22, top=0.9, wspace=0.33)
        obj, start = self.settings["objective"], self.settings["start"]
        s = setup_for(obj, obj.start if start is None else start)
        draw_contours(ax_c, s.objective, bounds=s.bounds, resolution=101)
        ax_c.plot(*s.w_star, "*", ms=11, mfc="white", mec="black", mew=1.0)
        ax_c.plot(*s.start, "o", ms=7, mfc="white", mec="black", mew=1.3)
        ax_c.set_title("N runs, one per shuffling seed", fontsize=10)
        self._f_star = ax_l.axhline(s.f_star, color=ROLE_COLORS["theory"], lw=0.9, ls=":")
        fraction_ticks(ax_l)  # more epochs move the end label only, never the background
        ax_l.grid(True, alpha=0.3)
        r = s.grad_range
        ax_n.set(xlim=(-r, r), ylim=(-r, r), aspect="equal", xlabel="∂f/∂w₁", ylabel="∂f/∂w₂")
        ax_n.axhline(0, color="#bbbbbb", lw=0.6)
        ax_n.axvline(0, color="#bbbbbb", lw=0.6)
        handles = [
            Line2D([], [], ls="", marker="o", ms=2.5, color=GUIDE, label="one example ∇fᵢ"),
            Line2D([], [], ls="", marker="o", ms=4, color=_COLOR, label="batch gradient ĝ"),
            Line2D([], [], color=_RED, lw=1.4, label="2σ of ĝ"),
            Line2D([], [], color="black", lw=1.6, label="full gradient ∇f"),
        ]
        figure.legend(  # under the panels: the gradients fill their own
            handles=handles, loc="lower right", bbox_to_anchor=(0.985, 0.0), ncol=4,
            fontsize=10, frameon=False, handlelength=1.2, columnspacing=1.2,
        )  # fmt: skip
        ax_n.set_title("gradient noise at run 1's point", fontsize=10)
        return ax_c, ax_l, ax_n

    def frame_key(self, st: BatchState):
        return (st.x_axis, st.loss_view, bool(st.decays))

    def draw_frame(self, st: BatchState) -> None:
        ax = self.axes[1]
        gap = st.loss_view == "gap"
        ax.set_xlabel(X_AXES[st.x_axis])
        ax.set_yscale("log" if gap else "linear")
        ax.set(ylim=st.limits, ylabel="f(w) − f*" if gap else "loss f(w)")
        fraction_ticks(ax)
        self._f_star.set_visible(not gap)  # f − f* = 0 has no place on a log scale
        handles = [
            Line2D([], [], color=_COLOR, alpha=0.25, lw=6, label="10–90 % of runs"),
            Line2D([], [], color=_COLOR, lw=1.8, label="median"),
        ]
        if st.decays:
            handles.append(Line2D([], [], color="black", lw=1.0, ls="--", label="α ÷ 10"))
        if not gap:
            handles.append(
                Line2D([], [], color=ROLE_COLORS["theory"], lw=0.9, ls=":", label="minimum f*")
            )
        # where the curves are not: right of the fast first drop, or under the log view's curves
        ax.legend(handles=handles, loc="lower left" if gap else "center right", fontsize=10)

    def run_ahead(self, name, positions):
        if name == "alpha":  # the next rates' runs in one lock-step run with this one's
            values = {k: v for k, v in self._values.items() if k not in ("alpha", "loss_view")}
            runs_ahead(positions, **values, **self.settings)
