"""Beyond a line (lesson 09): two moons that no straight line separates; logistic regression's
best line beside a network with one hidden layer trained by gradient descent, the hidden units'
own lines drawn faintly, and the training loss against the step. The number of hidden units, the
activation, the learning rate and the step shown are controls. The model is
:mod:`widgets.models.beyond_a_line` (and :mod:`widgets.network`); every run is trained there."""

from __future__ import annotations

import contourpy
from matplotlib.collections import LineCollection

from ..models.beyond_a_line import (
    HIDDEN_UNITS,
    LEARNING_RATES,
    STEPS,
    beyond_line_state,
    beyond_line_status,
)
from ..network import ACTIVATIONS
from ._artists import Custom, HLine, Image, Line, Text
from ._controls import Choice, IntSlider, Steps
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import ROLE_COLORS, ROLE_MARKERS

__all__ = ["BeyondALineExplorer"]

#: P(y = 1) shaded from blue (0) to red (1), the colour map's dark ends left out so the points
#: stand out wherever the model is sure
_CLIM = (-0.7, 1.7)
_CMAP = dict(cmap="RdBu_r", alpha=0.5, origin="lower", aspect="auto", interpolation="bilinear")


def _points(c: int, ax: int, label: str | None = None, static: bool = True) -> Line:
    """The moons of class c; over the moving probabilities (``static=False``) they are blitted
    after them, so they stay on top."""
    role = f"class {c}"
    style = dict(ls="", marker=ROLE_MARKERS[role], ms=4.5, color=ROLE_COLORS[role],
                 mec="white", mew=0.5, label=label)  # fmt: skip
    return Line(ax, lambda s: (s.data.X[s.data.y == c, 0], s.data.X[s.data.y == c, 1]),
                static=static, style=style)  # fmt: skip


def _lines(ax, **style):
    return ax.add_collection(LineCollection([], **style), autolim=False)


def _boundary(s):
    """The network's boundary P(y = 1) = ½, traced on the model's grid."""
    gen = contourpy.contour_generator(s.grid_x, s.grid_y, s.net_probs)
    return [line for line in gen.lines(0.5) if len(line) > 1]


def _hidden(s):
    return [seg for seg in s.hidden_segments if seg is not None]


def _title(s):
    h = s.hidden_units
    units = f"{h} {s.activation} hidden unit{'s' if h != 1 else ''}" if h else "no hidden layer"
    return 0.5, 1.02, f"network, {units}, step {s.step}"


def _segments(draw):
    return Custom(draw=lambda c, d: c.set_segments(d), **draw)


class BeyondALineExplorer(Explorer):
    """The best straight line against a one-hidden-layer network on two moons, the network's
    hidden units' lines faint, and its training loss.

    Example:
        >>> ex = BeyondALineExplorer(hidden_units=0, step=0)
        >>> ex.last_status.text.split(";")[0]
        'network with no hidden layer, α = 1, step 0 of 1000: accuracy 50 %, loss 0.693'
    """

    lessons = ("09_computation_graphs_and_backprop",)
    controls = {
        "hidden_units": IntSlider("hidden units", 4, lo=HIDDEN_UNITS[0], hi=HIDDEN_UNITS[1]),
        "learning_rate": Steps("learning rate α", 1.0,
                               options={f"{r:.3g}": r for r in LEARNING_RATES}),
        "activation": Choice("activation", "tanh", options=ACTIVATIONS),
        "step": IntSlider("training step", STEPS, lo=0, hi=STEPS, step=10),
    }  # fmt: skip
    model = beyond_line_state
    describe = beyond_line_status
    artists = {
        "line_probs": Image(0, lambda s: (s.line_probs, _CLIM), static=True, shape=(2, 2),
                            style=_CMAP),
        "net_probs": Image(1, lambda s: (s.net_probs, _CLIM), shape=(2, 2), answer=True,
                           style=_CMAP),
        "points_0": _points(0, 0, "y = 0"),
        "points_1": _points(1, 0, "y = 1"),
        "net_points_0": _points(0, 1, static=False),
        "net_points_1": _points(1, 1, static=False),
        "line": Line(0, lambda s: (s.line_segment[:, 0], s.line_segment[:, 1]), static=True,
                     style=dict(color="black", lw=2.2, label="boundary")),
        "hidden": _segments(dict(ax=1, data=_hidden, answer=True, create=lambda ax: _lines(
            ax, colors="#555555", linewidths=1.0, linestyles=(0, (4, 3)), alpha=0.8,
            label="hidden units' lines"))),
        "boundary": _segments(dict(ax=1, data=_boundary, answer=True, create=lambda ax: _lines(
            ax, colors="black", linewidths=2.2, label="boundary"))),
        "loss": Line(2, lambda s: (s.loss_curve_steps, s.loss_curve), answer=True,
                     style=dict(color="black", lw=1.8, label="network")),
        "now": Line(2, lambda s: ([s.step], [s.net_loss]), answer=True,
                    style=dict(ls="", marker="o", ms=7, color="white", mec="black", mew=1.6)),
        "line_loss": HLine(2, lambda s: s.line_loss, static=True,
                           style=dict(color="#555555", lw=1.4, ls="--", label="best line")),
        "title": Text(1, _title, style=dict(ha="center", va="bottom", fontsize=10)),
    }  # fmt: skip
    figsize = (10.5, 3.8)
    columns = 4

    def layout(self, figure):
        axes = figure.subplots(1, 3, width_ratios=(1, 1, 0.9))
        figure.subplots_adjust(left=0.02, right=0.98, bottom=0.14, top=0.8, wspace=0.2)
        axes[0].set_title("logistic regression: the best line", fontsize=10)
        axes[2].set(xlim=(-20, STEPS + 40), ylim=(0.01, 200), yscale="log", xlabel="step")
        axes[2].set_title("training loss (log scale)", fontsize=10)
        sparse_log_minor_ticks(axes[2])
        for ax in axes[:2]:
            ax.set(xticks=[], yticks=[])
        return tuple(axes)

    def decorate(self) -> None:
        a = self.artist
        self.axes[0].legend(handles=[a("points_0"), a("points_1"), a("line")], fontsize=10,
                            loc="lower left", bbox_to_anchor=(0, 1.08), ncol=3, frameon=False,
                            handletextpad=0.3, columnspacing=0.8)  # fmt: skip
        self.axes[1].legend(handles=[a("boundary"), a("hidden")], fontsize=10,
                            loc="lower left", bbox_to_anchor=(0, 1.08), ncol=2, frameon=False,
                            handletextpad=0.3, columnspacing=0.8)  # fmt: skip
        a("title").set_transform(self.axes[1].transAxes)
        self.axes[2].legend(handles=[a("loss"), a("line_loss")], fontsize=10, loc="upper right",
                            frameon=False)  # fmt: skip

    def frame_key(self, state):
        return None

    def draw_frame(self, s) -> None:
        box = (s.grid_x[0], s.grid_x[-1], s.grid_y[0], s.grid_y[-1])
        for ax in self.axes[:2]:
            ax.set(xlim=box[:2], ylim=box[2:])
        for name in ("line_probs", "net_probs"):
            self.artist(name).set_extent(box)

    def layer_key(self, state):
        return None
