"""The computation graph and its backward pass (lesson 09): J = 3(a + bc), or logistic regression
on one example, drawn as boxes and arrows; sliders set the inputs, a step control walks the
backward pass edge by edge in reverse topological order (the edge in use highlighted with its
local derivative and the chain-rule product), and the nudge readout sets J(θ + ε) − J(θ) beside
ε·∂J/∂θ. The model is :mod:`widgets.models.computation_graph`; every number is
:mod:`widgets.autodiff`'s."""

from __future__ import annotations

from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .._validate import check_choice
from ..models.computation_graph import (
    EPSILON_RANGE,
    GRAPHS,
    LOGISTIC_RANGE,
    SLIDER_RANGE,
    graph_state,
    graph_status,
)
from ._artists import Custom, Text
from ._controls import Choice, IntSlider, LogSlider, Slider
from ._spec import Explorer
from .style import PALETTE

__all__ = ["ComputationGraphExplorer"]

_H = 0.5  # a node's box's height, in rows; its width is _width's, in columns
_USED = PALETTE["vermillion"]
_DONE, _PARTIAL = "black", "#555555"


def _num(x: float) -> str:
    return f"{x:.4g}".replace("-", "−")


def _controls(graph: str) -> dict:
    """The sliders of the chosen graph, then the step, the nudged input and ε."""
    if graph == "simple":
        lo, hi = SLIDER_RANGE
        c = {n: Slider(n, v, lo=lo, hi=hi, step=0.5, fmt=".1f")
             for n, v in (("a", 5.0), ("b", 3.0), ("c", 2.0))}  # fmt: skip
        inputs, last = ("a", "b", "c"), 5
    else:
        lo, hi = LOGISTIC_RANGE
        names = {"x1": "x₁", "x2": "x₂", "w1": "w₁", "w2": "w₂", "b": "b"}
        start = {"x1": 1.0, "x2": 2.0, "w1": 0.5, "w2": -0.25, "b": 0.1}
        c = {n: Slider(names[n], start[n], lo=lo, hi=hi, step=0.05, fmt=".2f") for n in names}
        c["y"] = Choice("label y", 1, options={"y = 1": 1, "y = 0": 0})
        inputs, last = ("w1", "w2", "b", "x1", "x2"), 10
    c["step"] = IntSlider("backward step", 0, lo=0, hi=last)
    label = {"w1": "w₁", "w2": "w₂", "x1": "x₁", "x2": "x₂"}
    c["nudge"] = Choice("nudge", inputs[0], options={label.get(n, n): n for n in inputs})
    c["epsilon"] = LogSlider("nudge ε", 1e-3, lo=EPSILON_RANGE[0], hi=EPSILON_RANGE[1],
                             steps_per_decade=3, fmt=".2g")  # fmt: skip
    return c


def _box_text(i: int, s, dy: float, text) -> tuple:
    x, y = s.positions[i]
    return x, y + dy, text


def _grad_text(i: int, s) -> str:
    name = f"∂{s.output}/∂{s.symbols[i]}"
    if not s.reached[i]:
        return f"{name} = ?"
    return f"{name} = {_num(s.grads[i])}" + ("" if s.finished[i] else " so far")


def _grad_style(i: int, s) -> dict:
    done = bool(s.finished[i])
    return {"color": _DONE if done else _PARTIAL, "fontstyle": "normal" if done else "italic"}


def _width(s) -> float:
    """The logistic graph's six columns need wider boxes for "s = w₁x₁ + w₂x₂"."""
    return 0.62 if s.output == "J" else 0.84


def _ends(s, parent: int, child: int):
    (x0, y0), (x1, y1), w = s.positions[parent], s.positions[child], _width(s)
    return (x0 + w / 2, y0), (x1 - w / 2, y1)


def _outlines(s):
    """The boxes of the edge in use's two nodes, outlined."""
    if s.edge is None:
        return []
    w, h = _width(s) / 2 + 0.025, _H / 2 + 0.035
    return [
        [(x - w, y - h), (x + w, y - h), (x + w, y + h), (x - w, y + h), (x - w, y - h)]
        for x, y in (s.positions[s.edge.parent], s.positions[s.edge.child])
    ]


def _walked(s):
    """The edges the walk has used so far (shown solid)."""
    return [_ends(s, e.parent, e.child) for e in s.walked]


def _arrow(ax):
    arrow = FancyArrowPatch((0, 0), (1, 1), arrowstyle="-|>", mutation_scale=16, lw=4.0,
                            color=_USED, zorder=4, shrinkA=0, shrinkB=0)  # fmt: skip
    return ax.add_patch(arrow)


def _set_arrow(arrow, ends) -> None:
    if ends is not None:
        arrow.set_positions(*ends)


def walk_html(s) -> str:
    """The step in words: the edge in use and its local derivative."""
    out = s.output
    if s.edge is None:
        return f"step 0 of {s.n_steps}: the backward pass starts at the output, ∂{out}/∂{out} = 1"
    e = s.edge
    child, parent = s.symbols[e.child], s.symbols[e.parent]
    return (
        f"step {s.step} of {s.n_steps}: edge {parent} → {child}, "
        f"local derivative ∂{child}/∂{parent} = {_num(e.local)}"
    )


def product_html(s) -> str:
    """The chain-rule product the edge in use passes back."""
    out = s.output
    if s.edge is None:
        return "move the backward step to send the gradient back, one edge at a time"
    e = s.edge
    child, parent = s.symbols[e.child], s.symbols[e.parent]
    return (
        f"chain rule: ∂{out}/∂{child} · ∂{child}/∂{parent} = {_num(e.upstream)} × "
        f"{_num(e.local)} = {_num(e.product)}, added to ∂{out}/∂{parent}"
    )


def _nudge_text(s) -> tuple:
    """Under the graph, short (every glyph drawn costs time on each move of ε)."""
    x, out = s.symbols[s.graph.find(s.nudge).index], s.output
    text = f"nudge {x} by ε = {s.epsilon:.2g}:  Δ{out} = {s.change:.6g},  ε·∂{out}/∂{x} = "
    return 0.15, 0.1, (text + f"{s.linear_change:.6g}").replace("-", "−")


def nudge_table(s) -> str:
    """The nudge readout: the change of the output beside ε times the gradient."""
    x, out = s.symbols[s.graph.find(s.nudge).index], s.output
    rows = [
        (f"{out}({x} + ε) − {out}({x})", f"{s.change:.8g}"),
        (f"ε·∂{out}/∂{x}", f"{s.linear_change:.8g}"),
        ("difference", f"{s.change - s.linear_change:.3g}"),
    ]
    pad = "padding:2px 10px;text-align:right"
    body = "".join(
        f"<tr><th scope='row' style='{pad}'>{a}</th><td style='{pad}'>{b}</td></tr>"
        for a, b in rows
    )
    return f"<table aria-label='nudge {x} by ε = {s.epsilon:.3g}'>{body}</table>"


class ComputationGraphExplorer(Explorer):
    """A computation graph's values, its backward pass step by step, and the nudge test.

    ``graph="simple"`` shows J = 3(a + bc) with sliders a, b, c; ``graph="logistic"`` shows
    z = w₁x₁ + w₂x₂ + b, a = σ(z), L(a, y) with sliders x1, x2, w1, w2, b and the label y. Both
    have ``step`` (edges walked so far), ``nudge`` (the input nudged) and ``epsilon``.

    Example:
        >>> ex = ComputationGraphExplorer(step=5, nudge="b")
        >>> ex.last_status.text.split(";")[0]
        'step 5 of 5 (done): u passes 3 × 3 = 9 to c, whose gradient is now 9 (complete)'
    """

    lessons = ("09_computation_graphs_and_backprop",)
    settings = {"graph": ("simple", lambda name, v: check_choice(name, v, tuple(GRAPHS)))}
    controls = _controls("simple")
    model = graph_state
    describe = graph_status
    readouts = {"walk": walk_html, "product": product_html, "nudge": nudge_table}
    answers = ("product", "nudge")
    figsize = (10.0, 4.2)
    columns = 3

    @classmethod
    def declare(cls, settings):
        return _controls(settings["graph"])

    @classmethod
    def declare_artists(cls, settings):
        n = len(graph_state(graph=settings["graph"]).graph.nodes)
        a = {}
        for i in range(n):
            a[f"value_{i}"] = Text(
                0, lambda s, i=i: _box_text(i, s, 0.11, _num(s.graph.nodes[i].data)),
                style=dict(ha="center", va="center", fontsize=10, zorder=6),
            )  # fmt: skip
            a[f"grad_{i}"] = Text(
                0, lambda s, i=i: _box_text(i, s, _H / 2 + 0.17, _grad_text(i, s)),
                answer=True, props=lambda s, i=i: _grad_style(i, s),
                visible=lambda s, i=i: not s.graph.nodes[i].constant,
                style=dict(ha="center", va="center", fontsize=10, zorder=6),
            )  # fmt: skip
        a["walked"] = Custom(0, _walked, create=_walked_lines, draw=lambda c, d: c.set_segments(d))
        a["edge"] = Custom(
            0, lambda s: None if s.edge is None else _ends(s, s.edge.parent, s.edge.child),
            visible=lambda s: s.edge is not None, create=_arrow, draw=_set_arrow,
        )  # fmt: skip
        a["outlines"] = Custom(0, _outlines, create=_outline_lines,
                               draw=lambda c, d: c.set_segments(d))  # fmt: skip
        at = dict(ha="left", va="bottom", fontsize=10)
        a["nudge"] = Text(None, _nudge_text, answer=True, style=at)
        return a

    def layout(self, figure):
        if self.settings["graph"] == "logistic":  # four rows of inputs
            figure.set_size_inches(10.0, 5.2)
        bottom = 0.35 / figure.get_size_inches()[1]  # a line of text under the graph
        ax = figure.add_axes((0.01, bottom, 0.98, 0.94 - bottom))
        ax.set_axis_off()
        return (ax,)

    def decorate(self) -> None:
        self.artist("nudge").set_transform(self.figure.dpi_scale_trans)  # inches: any height
        s = graph_state(graph=self.settings["graph"])
        ax = self.axes[0]
        cols, rows = s.positions[:, 0], s.positions[:, 1]
        ax.set(xlim=(cols.min() - 0.5, cols.max() + 0.5))
        ax.set_ylim(rows.max() + 0.75, rows.min() - 0.45)  # first row on top
        ax.set_title(s.title, fontsize=11, loc="left")
        for e in s.graph.edges:
            ax.add_patch(FancyArrowPatch(*_ends(s, e.parent, e.child), arrowstyle="-|>",
                         mutation_scale=12, lw=1.2, color="#767676", ls="--", zorder=2,
                         shrinkA=0, shrinkB=0))  # fmt: skip
        handles = [
            Line2D([], [], color=c, lw=lw, ls=ls, label=label)
            for c, lw, ls, label in (("#767676", 1.2, "--", "not walked yet"),
                                     (_DONE, 2.0, "-", "walked"), (_USED, 4.0, "-", "in use now"))
        ]  # fmt: skip
        ax.legend(handles=handles, loc="upper right", fontsize=10, frameon=False,
                  title="backward pass, edges", title_fontsize=10)  # fmt: skip
        w = _width(s)
        for i, node in enumerate(s.graph.nodes):
            x, y = s.positions[i]
            const = node.constant
            ax.add_patch(FancyBboxPatch(
                (x - w / 2, y - _H / 2), w, _H, boxstyle="round,pad=0,rounding_size=0.08",
                fc="#f2f2f2" if const else "white", ec="#333333", lw=1.2, zorder=3,
                ls=":" if const else "-"))  # fmt: skip
            ax.text(x, y - 0.11, "constant" if const else s.names[i], ha="center",
                    va="center", fontsize=10, zorder=6, fontweight="bold")  # fmt: skip

    def frame_key(self, state):
        return None

    def layer_key(self, state):
        return None


def _walked_lines(ax):
    lines = LineCollection([], colors=_DONE, linewidths=2.0, zorder=2.5)
    return ax.add_collection(lines, autolim=False)


def _outline_lines(ax):
    lines = LineCollection([], colors=_USED, linewidths=2.4, zorder=5)
    return ax.add_collection(lines, autolim=False)
