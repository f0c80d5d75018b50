"""ComputationGraphExplorer: the boxes show the autodiff's values, the walk shows the model's
partial gradients and the edge in use, the nudge line shows the model's two forward passes;
both graphs, their controls checked by name and range."""

from __future__ import annotations

import doctest
import re

import numpy as np
import pytest

from widgets.autodiff import Value
from widgets.explorers import EXPLORERS, ComputationGraphExplorer
from widgets.explorers import computation_graph as module
from widgets.models.computation_graph import QUESTIONS, graph_state


@pytest.fixture(scope="module")
def simple():
    return ComputationGraphExplorer()


@pytest.fixture(scope="module")
def logistic():
    return ComputationGraphExplorer(graph="logistic")


def shown(ex, name) -> str:
    return ex.artist(name).get_text()


def test_registered_and_documented():
    assert EXPLORERS[ComputationGraphExplorer] == ("09_computation_graphs_and_backprop",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(a=7.0), r"a must be in \[-6, 6\]"),
        (dict(c=-6.5), r"c must be in \[-6, 6\]"),
        (dict(step=6), r"step must be an integer in \[0, 5\]"),
        (dict(nudge="x1"), "nudge must be one of 'a', 'b', 'c'"),
        (dict(epsilon=2.0), r"epsilon must be in \[1e-06, 1\]"),
        (dict(graph="logistic", w1=3.5), r"w1 must be in \[-3, 3\]"),
        (dict(graph="logistic", step=11), r"step must be an integer in \[0, 10\]"),
        (dict(graph="logistic", y=2), "y must be one of 1, 0"),
        (dict(graph="logistic", a=1.0), "unknown argument"),  # a is not the logistic graph's
        (dict(graph="tree"), "unknown graph 'tree'; valid values are: 'simple', 'logistic'"),
    ],
)
def test_constructor_rejects_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ComputationGraphExplorer(**kwargs)


@pytest.mark.parametrize("a, b, c", [(5.0, 3.0, 2.0), (-6.0, 0.5, 6.0), (0.0, -2.5, -1.0)])
def test_boxes_show_the_forward_pass(simple, a, b, c):
    simple.set(a=a, b=b, c=c, step=0)
    J = 3 * (Value(a) + Value(b) * Value(c))  # an independent forward pass
    nodes = simple.state.graph.nodes
    assert float(shown(simple, f"value_{len(nodes) - 1}").replace("−", "-")) == pytest.approx(
        J.data, rel=1e-3
    )
    for i, node in enumerate(nodes):
        assert shown(simple, f"value_{i}") == module._num(node.data)
        x, y = simple.artist(f"value_{i}").get_position()
        assert (x, y - 0.11) == pytest.approx(tuple(simple.state.positions[i]))


def test_the_walk_shows_each_steps_partial_gradients_and_edge(simple):
    simple.set(a=5.0, b=3.0, c=2.0)
    for k in range(simple.state.n_steps + 1):
        simple.set(step=k)
        s = simple.state
        assert s.step == k and len(s.walked) == k
        for i, node in enumerate(s.graph.nodes):
            text = shown(simple, f"grad_{i}")
            if node.constant:
                assert not simple.artist(f"grad_{i}").get_visible()
            elif not s.reached[i]:
                assert text.endswith("= ?")
            else:
                assert text.startswith(f"∂J/∂{s.symbols[i]} = {module._num(s.grads[i])}")
                assert text.endswith("so far") != bool(s.finished[i])
        segments = simple.artist("walked").get_segments()
        assert len(segments) == k
        arrow = simple.artist("edge")
        assert arrow.get_visible() == (k > 0)
        if k:
            e = s.edge
            (x0, y0), (x1, y1) = segments[-1]
            assert y0 == s.positions[e.parent][1] and y1 == s.positions[e.child][1]
            assert x0 < s.positions[e.child][0] and x1 > s.positions[e.parent][0]
            local = f"∂{s.symbols[e.child]}/∂{s.symbols[e.parent]} = {module._num(e.local)}"
            assert local in simple.readout_boxes["walk"].value
            product = (
                f"{module._num(e.upstream)} × {module._num(e.local)} = {module._num(e.product)}"
            )
            assert product in simple.readout_boxes["product"].value
            assert len(simple.artist("outlines").get_segments()) == 2
        assert simple.readout_boxes["walk"].value.startswith(f"step {k} of 5")
    # the end of the walk: every gradient is the autodiff's
    a, b, c = (Value(v) for v in (5.0, 3.0, 2.0))
    (3 * (a + b * c)).backward()
    grads = {n.label: n.grad for n in simple.state.graph.nodes}
    assert (grads["a"], grads["b"], grads["c"]) == (a.grad, b.grad, c.grad) == (3.0, 6.0, 9.0)
    assert shown(simple, "grad_2") == "∂J/∂b = 6"


@pytest.mark.parametrize("nudge", ["w1", "w2", "b", "x1", "x2"])
@pytest.mark.parametrize("y", [0, 1])
def test_logistic_nudge_line_is_the_models_two_forward_passes(logistic, nudge, y):
    logistic.set(y=y, nudge=nudge, epsilon=0.01, step=10)
    s = logistic.state
    reference = graph_state(graph="logistic", **{n: logistic.value(n) for n in logistic.specs})
    assert s.change == reference.change and s.linear_change == reference.linear_change
    text = shown(logistic, "nudge").replace("−", "-")
    assert f"ΔL = {s.change:.6g}," in text and text.endswith(f"= {s.linear_change:.6g}")
    # ∂L/∂b = a − y, ∂L/∂wⱼ = xⱼ(a − y): the lesson's formulas
    a = s.graph.find("a").data
    expected = {"b": a - y, "w1": 1.0 * (a - y), "w2": 2.0 * (a - y)}
    if nudge in expected:
        assert s.gradient == pytest.approx(expected[nudge], rel=1e-12)
    table = logistic.readout_boxes["nudge"].value
    assert f"{s.change:.8g}" in table and f"{s.linear_change:.8g}" in table
    assert shown(logistic, f"value_{len(s.graph.nodes) - 1}") == module._num(s.graph.output.data)


def test_status_and_text_alternative_come_from_the_state(simple):
    simple.set(step=2, nudge="c", epsilon=0.1)
    assert simple.alt_text == simple.last_status.text
    assert simple.last_status.text.startswith("step 2 of 5: v passes 3 × 1 = 3 to a")
    assert "nudging c by ε = 0.1" in simple.last_status.text


def test_every_control_changes_state_and_status():
    ex = ComputationGraphExplorer(graph="logistic")
    for name, value in (("x1", -1.0), ("w2", 1.5), ("b", -0.5), ("y", 0), ("step", 3),
                        ("nudge", "x2"), ("epsilon", 0.1)):  # fmt: skip
        before = ex.last_status.text
        ex.set(**{name: value})
        assert ex.last_status.text != before, name
    assert re.search(r"nudging x₂ by ε = 0\.1 ", ex.last_status.text)


def test_the_logistic_graphs_extremes_stay_healthy(logistic):
    for values in (dict(x1=3.0, x2=3.0, w1=3.0, w2=3.0, b=3.0, y=0, epsilon=1.0),
                   dict(x1=-3.0, x2=3.0, w1=3.0, w2=-3.0, b=-3.0, y=1, epsilon=1e-6)):  # fmt: skip
        logistic.set(**values, step=10)
        assert logistic.last_error is None
        assert np.isfinite(logistic.state.gradient)


def test_question_hides_gradients_products_and_nudge_until_predicted():
    ex = ComputationGraphExplorer(question=QUESTIONS[0], step=5, nudge="b")
    hidden, boxes = ["grad_1", "grad_2", "nudge"], ex.readout_boxes
    assert not any(ex.artist(n).get_visible() for n in hidden)
    assert boxes["walk"].layout.visibility != "hidden"  # the local derivative is for using
    assert boxes["product"].layout.visibility == boxes["nudge"].layout.visibility == "hidden"
    assert ex.predict(6.0)
    assert all(ex.artist(n).get_visible() for n in hidden)
    assert boxes["product"].layout.visibility == boxes["nudge"].layout.visibility == "visible"
