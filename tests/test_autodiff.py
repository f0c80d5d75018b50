"""Tests for widgets.autodiff: every gradient is computed twice, by the backward pass and by
central finite differences of an independent float evaluation, and the two must agree within the
error bound of the finite difference.
"""

from __future__ import annotations

import doctest
import math
import sys
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import autodiff
from widgets.autodiff import Graph, Value, binary_cross_entropy
from widgets.objectives import LogisticLoss

U = 2.0**-53  # unit roundoff of float64

# -------------------------------------------------------------------------------------------
# Random expressions: a program of operations on earlier results, so that intermediate values
# are reused (a node used twice, or many times) as well as the inputs.

BINARY = ("+", "-", "*", "/")
UNARY = ("neg", "exp", "log", "sigmoid", "tanh", "relu", "**")
WITH_NUMBER = {  # a Python number on either side of the operator
    "x+c": lambda x, c: x + c,
    "c+x": lambda x, c: c + x,
    "x-c": lambda x, c: x - c,
    "c-x": lambda x, c: c - x,
    "x*c": lambda x, c: x * c,
    "c*x": lambda x, c: c * x,
    "x/c": lambda x, c: x / c,
    "c/x": lambda x, c: c / x,
}
EXPONENTS = (2.0, 3.0, -1.0, -2.0, 0.5, 1.5, 0.0, 1.0)

FLOAT_FUNCTIONS = {  # the reference: plain floats and the math module, no Value involved
    "neg": lambda x: -x,
    "exp": math.exp,
    "log": math.log,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "tanh": math.tanh,
    "relu": lambda x: max(x, 0.0),
}
VALUE_FUNCTIONS = {
    "neg": lambda v: -v,
    "exp": Value.exp,
    "log": Value.log,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
}


def run(program, inputs, functions, relu_inputs=None):
    """Evaluate ``program`` on ``inputs`` (floats or Values); return every node's result."""
    nodes = list(inputs)
    for op, *args in program:
        if op in BINARY:
            a, b = nodes[args[0]], nodes[args[1]]
            out = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
        elif op == "**":
            out = nodes[args[0]] ** args[1]
        elif op in WITH_NUMBER:
            out = WITH_NUMBER[op](nodes[args[0]], args[1])
        else:
            x = nodes[args[0]]
            if op == "relu" and relu_inputs is not None:
                relu_inputs.append(np.sign(x))
            out = functions[op](x)
        nodes.append(out)
    return nodes


def _valid(op, args, values) -> float | None:
    """The float result of one operation, or None where the input is near a singularity."""
    try:
        out = run([(op, *args)], values, FLOAT_FUNCTIONS)[-1]
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    x = values[args[0]]
    near_singular = (
        (op == "log" and x < 0.05)
        or (op == "exp" and x > 20.0)
        or (op == "/" and abs(values[args[1]]) < 0.1)
        or (op == "c/x" and abs(x) < 0.1)
        or (op == "**" and args[1] < 1.0 and abs(x) < 0.1)
        or (op == "**" and not float(args[1]).is_integer() and x < 0.1)
        or (op == "sigmoid" and abs(x) > 30.0)
    )
    return None if near_singular or isinstance(out, complex) or abs(out) > 1e6 else out


@st.composite
def programs(draw):
    """A random expression: input values and a list of operations on earlier nodes."""
    n_inputs = draw(st.integers(1, 4))
    inputs = draw(st.lists(st.floats(-2.0, 2.0), min_size=n_inputs, max_size=n_inputs))
    values, program = list(inputs), []
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(BINARY + UNARY + tuple(WITH_NUMBER)))
        i = draw(st.integers(0, len(values) - 1))
        if op in BINARY:
            args = (i, draw(st.integers(0, len(values) - 1)))
        elif op == "**":
            args = (i, draw(st.sampled_from(EXPONENTS)))
        elif op in WITH_NUMBER:
            args = (i, draw(st.sampled_from([-1.5, -1, 0.5, 2, 3.0])))
        else:
            args = (i,)
        out = _valid(op, args, values)
        if out is not None:
            program.append((op, *args))
            values.append(out)
    # the output sums every result nothing else uses, so every input has a path to it
    used = {i for op, *args in program for i in args[: 2 if op in BINARY else 1]}
    sinks = [i for i in range(len(values)) if i not in used]
    for i in sinks[1:]:
        program.append(("+", len(values) - 1, i))
        values.append(values[-1] + values[i])
    return inputs, program


def central_difference(program, inputs, j, h):
    """(f(x⁺) − f(x⁻)) / (x⁺ − x⁻) with x± = x ± h e_j as rounded, and the signs of every relu
    input at x±.

    Also returns |x⁺ + x⁻ − 2x|/2 · |f''|: the rounded points are centred on a point a little
    off x (far off when |x| ≪ h, where x ± h rounds to ±h), so the difference estimates f' there.
    """
    up, down = list(inputs), list(inputs)
    up[j], down[j] = inputs[j] + h, inputs[j] - h
    signs_up, signs_down = [], []
    f_up = run(program, up, FLOAT_FUNCTIONS, signs_up)[-1]
    f_down = run(program, down, FLOAT_FUNCTIONS, signs_down)[-1]
    f_mid = run(program, inputs, FLOAT_FUNCTIONS)[-1]
    second = abs(f_up - 2.0 * f_mid + f_down) / h**2
    off_centre = abs((up[j] + down[j]) - 2.0 * inputs[j]) / 2.0  # up + down is exact
    return (f_up - f_down) / (up[j] - down[j]), off_centre * second, signs_up, signs_down


# Central differences with step h have truncation error h²|f'''|/6 and rounding error δ/h,
# where δ bounds the rounding error of evaluating f. The step h = 2⁻¹⁷|x| ≈ 8e-6|x| is near the
# optimum (3δ/|f'''|)^(1/3) for δ ≈ ε|f|. The truncation term is estimated by comparing the
# differences at h and 2h (D(2h) − D(h) = 3ch² + O(h⁴) when D(h) = f' + ch² + …); δ is bounded
# by first-order error analysis, each operation contributing its rounding error (a few units of
# 2⁻⁵³ times its result) times ∂f/∂(that result), which the backward pass itself provides.
STEP = 2.0**-17
SAFETY = 10.0


@settings(max_examples=400, deadline=None)
@given(case=programs())
def test_gradients_equal_central_differences(case) -> None:
    inputs, program = case
    leaves = [Value(x, f"x{j}") for j, x in enumerate(inputs)]
    nodes = run(program, leaves, VALUE_FUNCTIONS)
    out = nodes[-1]
    out.backward()
    reference = run(program, inputs, FLOAT_FUNCTIONS)[-1]
    assert out.data == pytest.approx(reference, rel=1e-12, abs=1e-12)

    graph_nodes = out._topological_order()
    delta = 4.0 * U * sum(abs(n.data * n.grad) for n in graph_nodes)
    signs = []
    run(program, inputs, FLOAT_FUNCTIONS, signs)
    for j, leaf in enumerate(leaves):
        h = STEP * max(1.0, abs(inputs[j]))
        d1, shift, up1, down1 = central_difference(program, inputs, j, h)
        d2, _, up2, down2 = central_difference(program, inputs, j, 2.0 * h)
        if not all(s == signs for s in (up1, down1, up2, down2)):
            continue  # a relu input changes sign within the step: f has a kink there
        truncation = abs(d2 - d1) / 3.0
        tolerance = SAFETY * (truncation + delta / h + shift) + 4.0 * U * abs(d1)
        assert abs(leaf.grad - d1) <= tolerance, (j, leaf.grad, d1, tolerance, program)
        if all(leaf is not n for n in graph_nodes):  # not used: no path, zero gradient
            assert leaf.grad == 0.0 and d1 == 0.0


@settings(max_examples=100, deadline=None)
@given(case=programs())
def test_the_recorded_graph_replays_the_backward_pass(case) -> None:
    inputs, program = case
    out = run(program, [Value(x) for x in inputs], VALUE_FUNCTIONS)[-1]
    graph = out.graph()
    order = out._topological_order()
    assert len(graph.nodes) == len(order) and graph.output.data == out.data
    for node, value in zip(graph.nodes, order, strict=True):
        assert node.grad == value.grad and node.data == value.data and node.op == value.op
        assert all(p < node.index for p in node.parents)  # topological: parents come first
    np.testing.assert_array_equal(graph.partial_grads[-1], [n.grad for n in graph.nodes])
    assert graph.partial_grads[0].tolist() == [0.0] * (len(order) - 1) + [1.0]
    assert len(graph.edges) == sum(len(n.parents) for n in graph.nodes)
    for step in graph.steps:
        e = step.edge
        # the child is complete before it passes anything on: reverse topological order
        assert graph.finished_at[e.child] < step.k
        assert e.upstream == graph.nodes[e.child].grad
        assert e.product == e.upstream * e.local
        assert step.parent_grad_after == step.parent_grad_before + e.product
        assert graph.partial_grads[step.k, e.parent] == step.parent_grad_after
        assert graph.finished_at[e.parent] >= step.k
    depth = graph.depths()
    for n in graph.nodes:
        assert depth[n.index] == (0 if n.is_input else 1 + max(depth[p] for p in n.parents))


def test_dls_example_j_equals_3_times_a_plus_bc() -> None:
    a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    u = b * c
    u.label = "u"
    v = a + u
    v.label = "v"
    J = 3 * v
    J.label = "J"
    graph = J.graph()
    assert (u.data, v.data, J.data) == (6.0, 11.0, 33.0)
    assert (a.grad, b.grad, c.grad, u.grad, v.grad) == (3.0, 6.0, 9.0, 3.0, 3.0)
    assert [n.label for n in graph.nodes if n.constant] == ["3"]
    assert graph.find("J").op == "*" and graph.find("v").op == "+" and graph.find("a").is_input
    # backward order: J's two edges (to 3 and to v), then v's (a, u), then u's (b, c)
    used = [(graph.nodes[e.child].label, graph.nodes[e.parent].label) for e in graph.edges]
    assert used == [("J", "3"), ("J", "v"), ("v", "a"), ("v", "u"), ("u", "b"), ("u", "c")]
    products = {graph.nodes[e.parent].label: (e.upstream, e.local, e.product) for e in graph.edges}
    assert products["b"] == (3.0, 2.0, 6.0)  # ∂J/∂u · ∂u/∂b = 3 · c
    assert products["c"] == (3.0, 3.0, 9.0)
    with pytest.raises(ValueError, match="no node labelled 'w'"):
        graph.find("w")


def test_a_node_used_twice_sums_its_paths() -> None:
    x = Value(3.0, "x")
    y = x * x  # two edges from x to the same node
    y.backward()
    assert x.grad == 6.0
    z = x * x * x + x  # x reaches z along four paths
    z.backward()
    assert x.grad == 3 * 3.0**2 + 1  # reset, not accumulated onto the previous 6
    shared = x.tanh()
    w = shared * shared + shared.exp()  # an intermediate node used three times
    w.backward()
    t = math.tanh(3.0)
    assert x.grad == pytest.approx((2 * t + math.exp(t)) * (1 - t * t), rel=1e-14)


def _logistic_graph(X, y, w, b, *, written_out: bool) -> tuple[Value, list[Value], Value]:
    """The mean cross-entropy of logistic regression, one node per operation."""
    ws = [Value(wj, f"w{j + 1}") for j, wj in enumerate(w)]
    bias = Value(b, "b")
    total = Value(0.0)
    for xi, yi in zip(X.tolist(), y.tolist(), strict=True):
        z = sum((wj * xij for wj, xij in zip(ws, xi, strict=True)), bias)
        a = z.sigmoid()
        if written_out:
            loss = -(yi * a.log() + (1 - yi) * (1 - a).log())
        else:
            loss = binary_cross_entropy(a, yi)
        total = total + loss
    return total / len(y), ws, bias


@pytest.mark.parametrize("written_out", [True, False])
@pytest.mark.parametrize("seed", range(5))
def test_logistic_regression_graph_matches_logistic_loss_grad(seed: int, written_out) -> None:
    rng = np.random.default_rng(seed)
    m, p = 12, 2 + seed % 2
    X, y = rng.normal(size=(m, p)), (rng.random(m) < 0.5).astype(float)
    w, b = rng.normal(size=p), float(rng.normal())
    J, ws, bias = _logistic_graph(X, y, w, b, written_out=written_out)
    J.backward()
    loss = LogisticLoss(X, y)
    theta = np.r_[w, b]
    assert J.data == pytest.approx(float(loss.value(theta)), rel=1e-13)
    np.testing.assert_allclose([v.grad for v in [*ws, bias]], loss.grad(theta), rtol=1e-12)


def test_one_example_gives_dz_equal_a_minus_y() -> None:
    for y in (0.0, 1.0):
        z = Value(0.7, "z")
        a = z.sigmoid()
        binary_cross_entropy(a, y).backward()
        assert z.grad == pytest.approx(a.data - y, rel=1e-15)


def test_sigmoid_is_stable_and_its_slope_accurate() -> None:
    xs = np.r_[np.linspace(-745.0, 745.0, 2001), -1e308, 1e308, -0.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in xs:
            v = Value(float(x))
            s = v.sigmoid()
            s.backward()
            assert s.data == pytest.approx(scipy.special.expit(x), rel=1e-15, abs=1e-307)
            slope = scipy.special.expit(x) * scipy.special.expit(-x)
            assert v.grad == pytest.approx(slope, rel=1e-13, abs=1e-307)
    assert Value(1e308).sigmoid().data == 1.0 and Value(-1e308).sigmoid().data == 0.0


def test_numbers_on_either_side_and_numpy_scalars() -> None:
    x = Value(2.0)
    results = [1 + x, x + 1, 1 - x, x - 1, 3 * x, x * 3, 1 / x, x / 4, -x, x**2]
    assert [r.data for r in results] == [3.0, 3.0, -1.0, 1.0, 6.0, 6.0, 0.5, 0.5, -2.0, 4.0]
    y = np.float64(3.0) * x  # NumPy defers to Value instead of making an object array
    assert isinstance(y, Value) and y.data == 6.0
    assert float(x) == 2.0 and "label='t'" in repr(Value(1.0, "t"))


def test_a_long_chain_needs_no_recursion() -> None:
    x = Value(0.5)
    total = x
    for _ in range(3 * sys.getrecursionlimit()):
        total = total + x
    total.backward()
    assert x.grad == 3 * sys.getrecursionlimit() + 1


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: Value(0.0).log(), ValueError, r"^log: .*non-positive"),
        (lambda: Value(-2.0).log(), ValueError, r"^log: "),
        (lambda: Value(float("inf")), ValueError, r"^Value\(data\) must be a finite"),
        (lambda: Value(float("nan")), ValueError, r"^Value\(data\) must be a finite"),
        (lambda: Value(2.0) ** Value(3.0), ValueError, r"^\*\*: the exponent must be a number"),
        (lambda: 2.0 ** Value(3.0), ValueError, r"^\*\*: the exponent must be a number"),
        (lambda: Value(2.0) ** float("inf"), ValueError, r"^\*\* exponent must be a finite"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, r"^\*\*: a negative base"),
        (lambda: Value(0.0) ** -1, ValueError, r"^\*\*: 0 \*\* -1 is infinite"),
        (lambda: Value(0.0) ** 0.5, ValueError, r"^\*\*: .*infinite derivative"),
        (lambda: Value(1e200) ** 2, ValueError, r"^\*\*: .* overflows"),
        (lambda: Value(1.0) / 0, ValueError, r"^/: division by zero"),
        (lambda: 1.0 / Value(0.0), ValueError, r"^/: division by zero"),
        (lambda: Value(1e300) * 1e300, ValueError, r"^\*: the result is not finite"),
        (lambda: Value(1e308) + 1e308, ValueError, r"^\+: the result is not finite"),
        (lambda: Value(800.0).exp(), ValueError, r"^exp: .* overflows"),
        (lambda: Value(1.0) + "a", TypeError, "real numbers, not 'a'"),
        (lambda: Value(True), TypeError, r"Value\(data\) must be a real number"),
        (lambda: Value(1.0, label=3), TypeError, "label must be a string"),
        (lambda: binary_cross_entropy(Value(1.0), 1), ValueError, "strictly between 0 and 1"),
        (lambda: binary_cross_entropy(Value(0.5), 2), ValueError, r"y must be in \[0, 1\]"),
        (lambda: binary_cross_entropy(0.5, 1), TypeError, "a must be a Value"),
    ],
)
def test_invalid_operations_raise_naming_the_operation(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def test_docstring_examples_run() -> None:
    result = doctest.testmod(autodiff)
    assert result.attempted >= 4 and result.failed == 0
    assert Graph.__doc__ and Value.__doc__
