"""The computation-graph explorers' model: a graph's values, its backward pass step by step, and
the nudge test J(θ + ε) − J(θ) ≈ ε·∂J/∂θ. Every number comes from :mod:`widgets.autodiff`.

Two graphs, each with its own state function (their controls differ):

- :func:`dls_graph_state`: J = 3(a + bc), built as u = bc, v = a + u, J = 3v;
- :func:`logistic_graph_state`: logistic regression on one example with two features,
  z = w₁x₁ + w₂x₂ + b → a = σ(z) → L(a, y).

Both return a :class:`GraphState`; :func:`graph_status` and :data:`QUESTIONS` serve both.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int, check_real
from ..autodiff import Edge, Graph, Value, binary_cross_entropy
from . import Question, Status

__all__ = [
    "DLS_INPUTS",
    "GRAPHS",
    "LOGISTIC_INPUTS",
    "LOGISTIC_RANGE",
    "QUESTIONS",
    "SLIDER_RANGE",
    "GraphState",
    "dls_graph_state",
    "graph_state",
    "graph_status",
    "logistic_graph_state",
]

#: the range of the input sliders of J = 3(a + bc), and of the logistic-regression graph (where
#: |z| ≤ 21 keeps σ(z) strictly between 0 and 1 in floating point)
SLIDER_RANGE = (-6.0, 6.0)
LOGISTIC_RANGE = (-3.0, 3.0)
#: the range of the nudge ε (a log slider)
EPSILON_RANGE = (1e-6, 1.0)
#: the inputs a learner can nudge, for each graph
DLS_INPUTS = ("a", "b", "c")
LOGISTIC_INPUTS = ("w1", "w2", "b", "x1", "x2")


@dataclass(frozen=True, eq=False)
class GraphState:
    """Everything the computation-graph figure and status line show for one setting.

    Attributes:
        title: the function, e.g. "J = 3(a + bc)".
        graph: the recorded graph after the backward pass (nodes, edges, partial gradients).
        names: a display name for each node ("u = bc", "3", "a").
        symbols: a short name for each node ("u", "3", "w₁"), for formulas.
        positions: (n, 2) where to draw each node: column (arrows point right), row.
        step: how many backward steps are shown (0: only ∂J/∂J = 1 is known).
        n_steps: the number of steps of the whole backward pass: one per edge, except the edges
            into constants (the 3 of 3v), whose gradients are computed but not walked through.
        edge: the edge used by step ``step`` (``None`` at step 0).
        walked: the edges used by steps 1 … ``step``, in that order (``edge`` is the last).
        grads: (n,) every node's gradient after ``step`` steps (partial sums over paths).
        reached: (n,) whether a node's gradient has received anything yet.
        finished: (n,) whether a node's gradient is complete after ``step`` steps.
        nudge: the input being nudged; epsilon: by how much.
        gradient: ∂J/∂(nudge), from the backward pass.
        change: J(θ + ε) − J(θ), from a second forward pass.
        linear_change: ε·∂J/∂θ.
        curvature: J(θ + ε) − 2J(θ) + J(θ − ε), about ε²·∂²J/∂θ² (0 up to rounding when J is
            linear in θ).
        rounding: a bound on the rounding error of ``change`` and ``curvature``.
        paths: every path from the nudged input to the output, as (node indices along it,
            the local derivatives along it, their product); the products sum to ``gradient``.
    """

    title: str
    graph: Graph
    names: tuple[str, ...]
    symbols: tuple[str, ...]
    positions: np.ndarray
    step: int
    n_steps: int
    edge: Edge | None
    walked: tuple[Edge, ...]
    grads: np.ndarray
    reached: np.ndarray
    finished: np.ndarray
    nudge: str
    epsilon: float
    gradient: float
    change: float
    linear_change: float
    curvature: float
    rounding: float
    paths: tuple[tuple[tuple[int, ...], tuple[float, ...], float], ...]

    @property
    def output(self) -> str:
        """The output's name, "J" or "L"."""
        return self.symbols[-1]

    @property
    def linear_in_nudge(self) -> bool:
        """Whether J is linear in the nudged input here, to within rounding."""
        return abs(self.curvature) <= self.rounding


def _dls(a: float, b: float, c: float) -> Value:
    a, b, c = Value(a, "a"), Value(b, "b"), Value(c, "c")
    u = b * c
    u.label = "u"
    v = a + u
    v.label = "v"
    J = 3 * v
    J.label = "J"
    return J


def _logistic(x1: float, x2: float, w1: float, w2: float, b: float, y: int) -> Value:
    x1, x2 = Value(x1, "x1"), Value(x2, "x2")
    w1, w2, bias = Value(w1, "w1"), Value(w2, "w2"), Value(b, "b")
    p1, p2 = w1 * x1, w2 * x2
    p1.label, p2.label = "w1x1", "w2x2"
    s = p1 + p2
    s.label = "w1x1 + w2x2"
    z = s + bias
    z.label = "z"
    a = z.sigmoid()
    a.label = "a"
    L = binary_cross_entropy(a, y)
    L.label = "L"
    return L


_SYMBOLS = {
    "w1": "w₁",
    "w2": "w₂",
    "x1": "x₁",
    "x2": "x₂",
    "w1x1": "w₁x₁",
    "w2x2": "w₂x₂",
    "w1x1 + w2x2": "s",
}
_DLS_NAMES = {"u": "u = bc", "v": "v = a + u", "J": "J = 3v"}
_LOGISTIC_NAMES = {
    "w1x1": "w₁x₁",
    "w2x2": "w₂x₂",
    "w1x1 + w2x2": "s = w₁x₁ + w₂x₂",
    "z": "z = s + b",
    "a": "a = σ(z)",
    "L": "L(a, y)",
    "w1": "w₁",
    "w2": "w₂",
    "x1": "x₁",
    "x2": "x₂",
}


def dls_graph_state(
    a: float = 5.0,
    b: float = 3.0,
    c: float = 2.0,
    step: int = 0,
    nudge: str = "a",
    epsilon: float = 1e-3,
) -> GraphState:
    """The graph of J = 3(a + bc) at (a, b, c), after ``step`` backward steps, nudging one input.

    With the course's defaults a = 5, b = 3, c = 2: u = 6, v = 11, J = 33 and
    ∂J/∂a = 3, ∂J/∂b = 3c = 6, ∂J/∂c = 3b = 9.

    Args:
        a, b, c: the inputs, each in [−6, 6].
        step: backward steps shown, 0 … 5 (one edge each).
        nudge: the input nudged: "a", "b" or "c".
        epsilon: the nudge ε, in [1e-6, 1].

    Example:
        >>> s = dls_graph_state(step=5, nudge="b")
        >>> s.graph.output.data, s.gradient, round(s.change, 9)
        (33.0, 6.0, 0.006)
        >>> [([s.graph.nodes[i].label for i in nodes], local) for nodes, local, _ in s.paths]
        [(['b', 'u', 'v', 'J'], (2.0, 1.0, 3.0))]
    """
    values = {
        "a": check_real("a", a, low=SLIDER_RANGE[0], high=SLIDER_RANGE[1]),
        "b": check_real("b", b, low=SLIDER_RANGE[0], high=SLIDER_RANGE[1]),
        "c": check_real("c", c, low=SLIDER_RANGE[0], high=SLIDER_RANGE[1]),
    }
    return _state("J = 3(a + bc)", _dls, values, DLS_INPUTS, _DLS_NAMES, step, nudge, epsilon)


def logistic_graph_state(
    x1: float = 1.0,
    x2: float = 2.0,
    w1: float = 0.5,
    w2: float = -0.25,
    b: float = 0.1,
    y: int = 1,
    step: int = 0,
    nudge: str = "w1",
    epsilon: float = 1e-3,
) -> GraphState:
    """Logistic regression's graph for one example: z = w₁x₁ + w₂x₂ + b, a = σ(z), L(a, y).

    The backward pass ends with ∂L/∂z = a − y, ∂L/∂wⱼ = xⱼ(a − y) and ∂L/∂b = a − y.

    Args:
        x1, x2: the example's features; w1, w2, b: the parameters; each in [−3, 3].
        y: the label, 0 or 1.
        step: backward steps shown, 0 … 10.
        nudge: the input nudged: "w1", "w2", "b", "x1" or "x2".
        epsilon: the nudge ε, in [1e-6, 1].

    Example:
        >>> s = logistic_graph_state(step=10)
        >>> z = s.graph.find("z").data
        >>> round(z, 12), s.gradient == s.graph.find("x1").data * (s.graph.find("a").data - 1)
        (0.1, True)
    """
    values = {
        name: check_real(name, v, low=LOGISTIC_RANGE[0], high=LOGISTIC_RANGE[1])
        for name, v in (("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2), ("b", b))
    }
    if isinstance(y, bool) or y not in (0, 1):
        raise ValueError(f"y must be 0 or 1, got {y!r}")

    def build(x1, x2, w1, w2, b):
        return _logistic(x1, x2, w1, w2, b, int(y))

    title = "z = w₁x₁ + w₂x₂ + b,  a = σ(z),  L(a, y)"
    return _state(title, build, values, LOGISTIC_INPUTS, _LOGISTIC_NAMES, step, nudge, epsilon)


#: the graphs an explorer can show: a key -> its state function (their controls differ)
GRAPHS: dict[str, Callable[..., GraphState]] = {
    "simple": dls_graph_state,
    "logistic": logistic_graph_state,
}


def graph_state(*, graph: str = "simple", **controls) -> GraphState:
    """The state of graph ``graph`` ("simple": J = 3(a + bc); "logistic": one example of
    logistic regression) for its controls, which are its state function's parameters.

    Example:
        >>> s = graph_state(graph="logistic", step=10, nudge="b")
        >>> s.output, s.gradient == s.graph.find("a").data - 1  # ∂L/∂b = a − y with y = 1
        ('L', True)
    """
    fn = GRAPHS[check_choice("graph", graph, tuple(GRAPHS))]
    params = inspect.signature(fn).parameters
    unknown = sorted(set(controls) - set(params))
    if unknown:
        raise ValueError(
            f"the {graph!r} graph takes no {unknown}; its controls are {sorted(params)}"
        )
    return fn(**controls)


def _state(
    title: str,
    build: Callable[..., Value],
    values: dict[str, float],
    inputs: tuple[str, ...],
    display: dict[str, str],
    step: int,
    nudge: str,
    epsilon: float,
) -> GraphState:
    nudge = check_choice("nudge", nudge, inputs)
    epsilon = check_real("epsilon", epsilon, low=EPSILON_RANGE[0], high=EPSILON_RANGE[1])
    graph = build(**values).graph()
    # the walk skips edges into constants: ∂J/∂3 is computed, but no one asks for it
    walk = [k for k, e in enumerate(graph.edges) if not graph.nodes[e.parent].constant]
    n_steps = len(walk)
    step = check_int("step", step, low=0, high=n_steps)
    row = walk[step - 1] + 1 if step else 0  # the row of graph.partial_grads after this step
    node = graph.find(nudge)

    # the nudge: two more forward passes with the input moved by ±ε
    def output(shift: float) -> float:
        return build(**{**values, nudge: values[nudge] + shift}).data

    J0, J_up, J_down = graph.output.data, output(epsilon), output(-epsilon)
    scale = abs(J0) + abs(J_up) + abs(J_down)
    rounding = 16.0 * 2.0**-53 * sum(abs(n.data * n.grad) for n in graph.nodes) + 8e-16 * scale

    reached = np.zeros(len(graph.nodes), dtype=bool)
    reached[-1] = True
    for k in walk[:step]:
        reached[graph.edges[k].parent] = True
    finished = np.array([k <= row for k in graph.finished_at])
    names = tuple(_name(n.label, display) for n in graph.nodes)
    symbols = tuple(_name(n.label, _SYMBOLS) for n in graph.nodes)
    return GraphState(
        title=title,
        graph=graph,
        names=names,
        symbols=symbols,
        positions=_layout(graph),
        step=step,
        n_steps=n_steps,
        edge=graph.edges[walk[step - 1]] if step else None,
        walked=tuple(graph.edges[k] for k in walk[:step]),
        grads=graph.partial_grads[row],
        reached=_frozen(reached),
        finished=_frozen(finished),
        nudge=nudge,
        epsilon=epsilon,
        gradient=node.grad,
        change=J_up - J0,
        linear_change=epsilon * node.grad,
        curvature=J_up - 2.0 * J0 + J_down,
        rounding=rounding,
        paths=_paths(graph, node.index),
    )


def _name(label: str | None, display: dict[str, str]) -> str:
    return display.get(label, label) if label is not None else "·"


def _layout(graph: Graph) -> np.ndarray:
    """Columns by depth, an input placed just left of the first node that uses it; rows in
    order of appearance, centred on 0."""
    depth = list(graph.depths())
    children: dict[int, list[int]] = {}
    for e in graph.edges:
        children.setdefault(e.parent, []).append(e.child)
    column = list(depth)
    for n in graph.nodes:
        if n.is_input and n.index in children:
            column[n.index] = max(0, min(depth[c] for c in children[n.index]) - 1)
    rows = np.zeros(len(column))
    for col in set(column):
        members = [i for i, c in enumerate(column) if c == col]
        rows[members] = np.arange(len(members)) - (len(members) - 1) / 2.0
    return _frozen(np.column_stack([np.array(column, dtype=float), rows]))


def _paths(graph: Graph, start: int):
    """Every path from node ``start`` to the output: (nodes, local derivatives, product).

    The chain rule on a graph: ∂J/∂x is the sum over paths from x to J of the products of the
    local derivatives along each path.
    """
    out_edges: dict[int, list[Edge]] = {}
    for e in graph.edges:
        out_edges.setdefault(e.parent, []).append(e)
    found = []
    stack: list[tuple[tuple[int, ...], tuple[float, ...]]] = [((start,), ())]
    while stack:
        nodes, local = stack.pop()
        if nodes[-1] == len(graph.nodes) - 1:
            found.append((nodes, local, float(np.prod(local))))
            continue
        for e in reversed(out_edges.get(nodes[-1], [])):
            stack.append(((*nodes, e.child), (*local, e.local)))
    return tuple(found)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# -------------------------------------------------------------------------------------------
# status and questions


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def graph_status(state: GraphState) -> Status:
    """The status line: the backward step in words, then the nudge readout.

    Example:
        >>> graph_status(dls_graph_state(step=0)).text.split(";")[0]
        'J = 33: backward pass not started, ∂J/∂J = 1'
    """
    J, out = state.graph.output.data, state.output
    if state.edge is None:
        walk = f"{out} = {_fmt(J)}: backward pass not started, ∂{out}/∂{out} = 1"
    else:
        e = state.edge
        child, parent = state.symbols[e.child], state.symbols[e.parent]
        done = " (done)" if state.step == state.n_steps else ""
        walk = (
            f"step {state.step} of {state.n_steps}{done}: {child} passes "
            f"{_fmt(e.upstream)} × {_fmt(e.local)} = {_fmt(e.product)} to {parent}, whose "
            f"gradient is now {_fmt(state.grads[e.parent])}"
            + (" (complete)" if state.finished[e.parent] else " (more paths to come)")
        )
    x = state.symbols[state.graph.find(state.nudge).index]
    nudge = (
        f"nudging {x} by ε = {state.epsilon:.3g} changes {out} by {state.change:.6g}; "
        f"ε·∂{out}/∂{x} = {state.linear_change:.6g}"
    )
    return Status(f"{walk}; {nudge}", "info")


def _gradient_answer(state: GraphState) -> tuple[float, str]:
    out, grad = state.output, _fmt(state.gradient)
    name = state.symbols[state.graph.find(state.nudge).index]
    products = [" × ".join(_fmt_factor(x) for x in local) for _, local, _ in state.paths]
    if len(products) == 1:
        why = f"the product of the local derivatives along the only path from {name} to {out}"
        return state.gradient, f"∂{out}/∂{name} = {grad}: {why}, {products[0]}."
    terms = " + ".join(f"({p})" for p in products) or "no path, so 0"
    return state.gradient, (
        f"∂{out}/∂{name} = {grad}: the sum over the {len(products)} paths from {name} to {out} "
        f"of the products of the local derivatives along each, {terms}."
    )


def _fmt_factor(x: float) -> str:
    return f"({_fmt(x)})" if x < 0 else _fmt(x)


def _product_answer(state: GraphState) -> tuple[float, str]:
    if state.edge is None:
        out = state.output
        return 1.0, f"The backward pass starts at the output with ∂{out}/∂{out} = 1."
    e = state.edge
    child, parent = state.symbols[e.child], state.symbols[e.parent]
    return e.product, (
        f"The gradient arriving at {child} ({_fmt(e.upstream)}) times the local derivative "
        f"∂({child})/∂({parent}) = {_fmt(e.local)}: {_fmt(e.product)}."
    )


def _linear_answer(state: GraphState) -> tuple[str, str]:
    out, x = state.output, state.symbols[state.graph.find(state.nudge).index]
    if state.linear_in_nudge:
        return "yes", (
            f"{out} is linear in {x} here (its second difference is within rounding error), so "
            f"the change is ε·∂{out}/∂{x} exactly, up to rounding."
        )
    return "no", (
        f"{out} curves in {x}: the change differs from ε·∂{out}/∂{x} by about "
        f"½ε²·∂²{out}/∂{x}² ≈ {state.curvature / 2:.3g}, which shrinks like ε² as ε shrinks."
    )


QUESTIONS = (
    Question(
        "What is the gradient of the output with respect to the nudged input?", _gradient_answer
    ),
    Question(
        "What does the highlighted edge pass back (upstream gradient × local derivative)?",
        _product_answer,
    ),
    Question(
        "Is the change of the output exactly ε times the gradient (up to rounding)?",
        _linear_answer,
        choices=("yes", "no"),
    ),
)
