"""Reverse-mode automatic differentiation on scalars, small enough to read in one sitting.

A :class:`Value` holds a number. Arithmetic on Values records a *computation graph*: every result
remembers the Values it was computed from (its parents) and the local derivative of itself with
respect to each of them, worked out when the result is computed. ``backward()`` then applies the
chain rule from the output back to the inputs:

    ∂J/∂parent  +=  ∂J/∂child · ∂child/∂parent      for every edge parent → child,

visiting the nodes in reverse topological order, so that a node's gradient is complete (summed
over every path to the output) before it is passed on to its own parents.

The recorded graph can be inspected with :meth:`Value.graph`: the nodes in topological order,
every edge with its local derivative, and the backward pass as a sequence of steps (one edge each)
with the chain-rule product it adds, which is what an explorer needs to draw the graph and walk
through the backward pass.

Example:
    >>> a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    >>> J = 3 * (a + b * c)
    >>> J.backward()
    >>> J.data, a.grad, b.grad, c.grad
    (33.0, 3.0, 6.0, 9.0)

Reference: A. Karpathy, micrograd (github.com/karpathy/micrograd); A. Griewank and A. Walther,
*Evaluating Derivatives*, 2nd ed., SIAM 2008, ch. 3 (the reverse mode).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from ._validate import check_real

__all__ = ["BackwardStep", "Edge", "Graph", "Node", "Value", "binary_cross_entropy"]


class Value:
    """A scalar that records how it was computed, so that its derivatives can be found.

    Supports ``+ - * /`` with Values or Python numbers on either side, unary minus, ``**`` with
    a number exponent, and the functions :meth:`exp`, :meth:`log`, :meth:`sigmoid`,
    :meth:`tanh`, :meth:`relu`. Each operation computes its result and its local derivatives
    (∂result/∂operand) at once, so ``backward`` is one loop over the recorded edges.

    Attributes:
        data: the number (a finite float).
        grad: ∂J/∂(this node) after ``J.backward()`` for an output J that depends on it;
            0.0 before, and for nodes J does not depend on.
        label: a name shown when the graph is drawn (``None`` for unnamed intermediate values);
            it may be set at any time, e.g. ``u = b * c; u.label = "u"``.
        op: the operation that produced this value (``""`` for an input).
        constant: True for a Python number that was mixed into an expression (like the 3 in
            ``3 * v``); it is a graph node like any other, shown with its number as its name.

    Raises:
        TypeError: ``data`` is not a real number.
        ValueError: ``data`` is not finite, or an operation's result or local derivative is not
            finite (log of a non-positive value, division by zero, overflow, …); the message
            names the operation.

    Example:
        >>> x = Value(2.0, "x")
        >>> y = x * x + x  # x is used twice: its gradient sums both paths
        >>> y.backward()
        >>> y.data, x.grad  # dy/dx = 2x + 1
        (6.0, 5.0)
    """

    __slots__ = ("_local", "_parents", "constant", "data", "grad", "label", "op")
    # NumPy scalars defer to Value's own operators (np.float64(2) * v gives a Value)
    __array_ufunc__ = None

    def __init__(self, data: float, label: str | None = None) -> None:
        if label is not None and not isinstance(label, str):
            raise TypeError(f"label must be a string or None, got {label!r}")
        self.data = _finite("Value(data)", data)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.constant = False
        self._parents: tuple[Value, ...] = ()
        self._local: tuple[float, ...] = ()

    @classmethod
    def _result(cls, op: str, data: float, parents: tuple, local: tuple) -> Value:
        """A new node computed by ``op`` from ``parents`` with ∂node/∂parent = ``local``."""
        if not math.isfinite(data):
            raise ValueError(f"{op}: the result is not finite ({data}); the inputs were {parents}")
        for parent, d in zip(parents, local, strict=True):
            if not math.isfinite(d):
                raise ValueError(
                    f"{op}: the derivative with respect to {parent!r} is not finite ({d})"
                )
        out = cls.__new__(cls)
        out.data, out.grad, out.label, out.op, out.constant = float(data), 0.0, None, op, False
        out._parents, out._local = parents, local
        return out

    # ---------------------------------------------------------------------------------------
    # arithmetic: each line is the operation and its local derivatives

    def __add__(self, other: Value | float) -> Value:
        other = _wrap(other)
        return Value._result("+", self.data + other.data, (self, other), (1.0, 1.0))

    def __sub__(self, other: Value | float) -> Value:
        other = _wrap(other)
        return Value._result("-", self.data - other.data, (self, other), (1.0, -1.0))

    def __mul__(self, other: Value | float) -> Value:
        other = _wrap(other)
        return Value._result("*", self.data * other.data, (self, other), (other.data, self.data))

    def __truediv__(self, other: Value | float) -> Value:
        other = _wrap(other)
        a, b = self.data, other.data
        if b == 0.0:
            raise ValueError(f"/: division by zero in {self!r} / {other!r}")
        return Value._result("/", a / b, (self, other), (1.0 / b, -a / (b * b)))

    def __neg__(self) -> Value:
        return Value._result("neg", -self.data, (self,), (-1.0,))

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value):
            raise ValueError(
                "**: the exponent must be a number, not a Value; for a**b with both Values, "
                "write (b * a.log()).exp()"
            )
        p = _finite("** exponent", exponent)
        x = self.data
        if x < 0.0 and not p.is_integer():
            raise ValueError(f"**: a negative base {x} with the non-integer exponent {p}")
        if x == 0.0 and p < 0.0:
            raise ValueError(f"**: 0 ** {p:g} is infinite (a negative power of zero)")
        if x == 0.0 and 0.0 < p < 1.0:
            raise ValueError(f"**: x ** {p:g} has an infinite derivative at x = 0")
        try:
            out, slope = x**p, (0.0 if p == 0.0 else p * x ** (p - 1.0))
        except OverflowError:
            raise ValueError(f"**: {x} ** {p:g} overflows") from None
        return Value._result(f"**{p:g}", out, (self,), (slope,))

    def __radd__(self, other: float) -> Value:
        return _wrap(other) + self

    def __rsub__(self, other: float) -> Value:
        return _wrap(other) - self

    def __rmul__(self, other: float) -> Value:
        return _wrap(other) * self

    def __rtruediv__(self, other: float) -> Value:
        return _wrap(other) / self

    def __rpow__(self, base: float) -> Value:
        raise ValueError(
            "**: the exponent must be a number, not a Value; for c**v write (v * math.log(c)).exp()"
        )

    # ---------------------------------------------------------------------------------------
    # functions

    def exp(self) -> Value:
        """e^x; local derivative e^x."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"exp: exp({self.data}) overflows (x must be ≤ 709.78)") from None
        return Value._result("exp", e, (self,), (e,))

    def log(self) -> Value:
        """The natural logarithm, for x > 0; local derivative 1/x."""
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log: the logarithm of a non-positive value ({x}) is undefined")
        return Value._result("log", math.log(x), (self,), (1.0 / x,))

    def sigmoid(self) -> Value:
        """σ(x) = 1/(1 + e^(−x)), computed without overflow; local derivative σ(1 − σ).

        With e = exp(−|x|) ≤ 1: σ = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, and
        σ(1 − σ) = e/(1 + e)², which stays accurate where 1 − σ would round to 0.
        """
        e = math.exp(-abs(self.data))
        s = 1.0 / (1.0 + e) if self.data >= 0.0 else e / (1.0 + e)
        return Value._result("sigmoid", s, (self,), (e / (1.0 + e) ** 2,))

    def tanh(self) -> Value:
        """tanh x; local derivative 1 − tanh² x."""
        t = math.tanh(self.data)
        return Value._result("tanh", t, (self,), (1.0 - t * t,))

    def relu(self) -> Value:
        """max(0, x); local derivative 1 for x > 0 and 0 for x ≤ 0 (the convention at the kink)."""
        x = self.data
        return Value._result("relu", max(x, 0.0), (self,), (1.0 if x > 0.0 else 0.0,))

    # ---------------------------------------------------------------------------------------
    # the backward pass and the recorded graph

    def backward(self) -> None:
        """Fill ``.grad`` of every node this value depends on with ∂(this value)/∂node.

        Gradients left by an earlier ``backward()`` on any of these nodes are reset first, so
        ``.grad`` always refers to the latest output (PyTorch instead accumulates into leaves
        until ``zero_grad()``). A node reached along several paths sums them.
        """
        self._backward(self._topological_order())

    def _backward(self, order: list[Value]) -> None:
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for child in reversed(order):
            for parent, local in zip(child._parents, child._local, strict=True):
                parent.grad += child.grad * local

    def graph(self) -> Graph:
        """Run :meth:`backward` and return the recorded graph with every number it involves.

        Example:
            >>> x = Value(3.0, "x")
            >>> g = (x * x).graph()
            >>> [(e.parent, e.child, e.local) for e in g.edges]  # x → x*x, twice
            [(0, 1, 3.0), (0, 1, 3.0)]
            >>> g.nodes[0].grad
            6.0
        """
        order = self._topological_order()
        self._backward(order)
        return Graph.record(order)

    def _topological_order(self) -> list[Value]:
        """Every node this value depends on, each after its parents, this value last.

        A depth-first search, written with an explicit stack rather than recursion so that a
        long chain (a sum over many examples) cannot exceed Python's recursion limit.
        """
        order: list[Value] = []
        seen = {id(self)}
        stack = [(self, iter(self._parents))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append((parent, iter(parent._parents)))
                    break
            else:  # every parent of node is placed: place node
                stack.pop()
                order.append(node)
        return order

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        name = "" if self.label is None else f", label={self.label!r}"
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{name})"


def binary_cross_entropy(a: Value, y: float) -> Value:
    """The loss L(a, y) = −(y log a + (1 − y) log(1 − a)) as one node, for 0 < a < 1, 0 ≤ y ≤ 1.

    Its local derivative is ∂L/∂a = −y/a + (1 − y)/(1 − a) = (a − y) / (a(1 − a)), so on the
    graph z → a = σ(z) → L the chain rule gives the lesson's ∂L/∂z = (a − y)/(a(1 − a)) · a(1 − a)
    = a − y. Written out with ``log``, ``*`` and ``-`` the same loss gives the same gradients
    (and seven more nodes). When a is within a few digits of 0 or 1 the product keeps only the
    digits that the stored a has of 1 − a (a relative error of about ε/(1 − a)); libraries
    therefore fuse σ with the loss (PyTorch's ``BCEWithLogitsLoss``, ``LogisticLoss`` here).

    Args:
        a: the predicted probability, a Value strictly between 0 and 1.
        y: the label, a number in [0, 1].

    Returns:
        A Value with op ``"L(a, y)"`` and ``a`` as its only parent.

    Example:
        >>> z = Value(0.0, "z")
        >>> L = binary_cross_entropy(z.sigmoid(), 1)
        >>> L.backward()
        >>> round(L.data, 6), z.grad  # log 2, and ∂L/∂z = a − y = 0.5 − 1
        (0.693147, -0.5)
    """
    if not isinstance(a, Value):
        raise TypeError(f"a must be a Value, got {a!r}")
    y = check_real("y", y, low=0.0, high=1.0)
    p = a.data
    if not 0.0 < p < 1.0:
        raise ValueError(f"binary_cross_entropy: a must be strictly between 0 and 1, got {p}")
    loss = -(y * math.log(p) + (1.0 - y) * math.log1p(-p))
    return Value._result("L(a, y)", loss, (a,), ((p - y) / (p * (1.0 - p)),))


# -------------------------------------------------------------------------------------------
# The recorded graph, as plain numbers


@dataclass(frozen=True)
class Node:
    """One node of a recorded graph.

    Attributes:
        index: its position in the topological order.
        op: the operation that produced it (``""`` for an input).
        label: its name (a constant's number if it has none), or ``None``.
        data: its value.
        grad: ∂(output)/∂(this node), complete.
        parents: indices of the nodes it was computed from (a node used twice appears twice).
        constant: whether it is a number mixed into the expression.
    """

    index: int
    op: str
    label: str | None
    data: float
    grad: float
    parents: tuple[int, ...]
    constant: bool = False

    @property
    def is_input(self) -> bool:
        """True for a node not computed from others (a variable or a constant)."""
        return not self.parents


@dataclass(frozen=True)
class Edge:
    """An arrow parent → child with its local derivative and what it carries back.

    Attributes:
        parent, child: node indices.
        local: ∂child/∂parent, evaluated at the recorded values.
        upstream: ∂J/∂child, the child's complete gradient.
        product: upstream × local, this edge's contribution to ∂J/∂parent (the chain rule).
    """

    parent: int
    child: int
    local: float
    upstream: float
    product: float


@dataclass(frozen=True)
class BackwardStep:
    """Step k of the backward pass: one edge passes its chain-rule product to its parent.

    Attributes:
        k: the step number, 1 for the first edge.
        edge: the edge in use.
        parent_grad_before, parent_grad_after: the parent's partial gradient (the sum over the
            paths seen so far) before and after adding ``edge.product``.
    """

    k: int
    edge: Edge
    parent_grad_before: float
    parent_grad_after: float


@dataclass(frozen=True, eq=False)
class Graph:
    """A computation graph after the backward pass: nodes, edges and the steps between them.

    The edges are listed in the order the backward pass uses them: children in reverse
    topological order (the output first), each child's edges in the order of its operands. Step
    k (1 ≤ k ≤ ``len(edges)``) is ``edges[k - 1]``.

    Attributes:
        nodes: the nodes in topological order (each after its parents), the output last.
        edges: every edge, in backward order.
        partial_grads: shape (len(edges) + 1, len(nodes)), read-only; row k holds every node's
            gradient after k steps (row 0: only the output's 1), the last row the final one.
        finished_at: for each node, the step after which its gradient is complete (0 for the
            output): the last of the edges that lead from it towards the output.
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    partial_grads: np.ndarray
    finished_at: tuple[int, ...]

    @classmethod
    def record(cls, order: list[Value]) -> Graph:
        """The graph of Values ``order`` (topological, output last, after ``backward``)."""
        index = {id(v): i for i, v in enumerate(order)}
        nodes = tuple(
            Node(
                index=i,
                op=v.op,
                label=(f"{v.data:g}" if v.constant and v.label is None else v.label),
                data=v.data,
                grad=v.grad,
                parents=tuple(index[id(p)] for p in v._parents),
                constant=v.constant,
            )
            for i, v in enumerate(order)
        )
        edges = tuple(
            Edge(index[id(p)], index[id(v)], d, v.grad, v.grad * d)
            for v in reversed(order)
            for p, d in zip(v._parents, v._local, strict=True)
        )
        # replay the accumulation of Value.backward (same additions in the same order)
        grads = np.zeros((len(edges) + 1, len(nodes)))
        grads[0, -1] = 1.0
        finished = [0] * len(nodes)
        for k, e in enumerate(edges, start=1):
            grads[k] = grads[k - 1]
            grads[k, e.parent] += e.product
            finished[e.parent] = k
        grads.setflags(write=False)
        return cls(nodes, edges, grads, tuple(finished))

    @property
    def output(self) -> Node:
        """The node the backward pass started from."""
        return self.nodes[-1]

    @property
    def steps(self) -> tuple[BackwardStep, ...]:
        """The backward pass, one :class:`BackwardStep` per edge."""
        g = self.partial_grads
        return tuple(
            BackwardStep(k, e, float(g[k - 1, e.parent]), float(g[k, e.parent]))
            for k, e in enumerate(self.edges, start=1)
        )

    def find(self, label: str) -> Node:
        """The node with this label.

        Raises:
            ValueError: no node, or more than one, has this label.
        """
        hits = [n for n in self.nodes if n.label == label]
        if len(hits) != 1:
            names = sorted({n.label for n in self.nodes if n.label is not None})
            problem = "no node" if not hits else f"{len(hits)} nodes"
            raise ValueError(f"{problem} labelled {label!r}; the labels are {names}")
        return hits[0]

    def depths(self) -> tuple[int, ...]:
        """Each node's depth: 0 for inputs, else 1 + the largest depth of its parents.

        Drawing nodes in columns by depth makes every arrow point rightwards, towards the output.
        """
        depth: list[int] = []
        for n in self.nodes:
            depth.append(1 + max(depth[p] for p in n.parents) if n.parents else 0)
        return tuple(depth)


# -------------------------------------------------------------------------------------------
# helpers


def _wrap(x: Value | float) -> Value:
    """A Value as it is; a Python (or NumPy) real number as a constant node."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"a Value combines with Values and real numbers, not {x!r}")
    out = Value(x)
    out.constant = True
    return out


def _finite(what: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {x!r} ({type(x).__name__})")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"{what} must be a finite number, got {x!r}")
    return v
