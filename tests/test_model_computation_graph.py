"""Tests for widgets.models.computation_graph: the explorer's numbers are the autodiff's, the walk
visits every edge once in reverse topological order, and the nudge behaves as calculus says."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.autodiff import Value
from widgets.models import STATUS_KINDS
from widgets.models.computation_graph import (
    DLS_INPUTS,
    LOGISTIC_INPUTS,
    LOGISTIC_RANGE,
    QUESTIONS,
    SLIDER_RANGE,
    dls_graph_state,
    graph_status,
    logistic_graph_state,
)
from widgets.objectives import LogisticLoss


def test_dls_graph_values_and_gradients() -> None:
    s = dls_graph_state(a=5.0, b=3.0, c=2.0, step=5)
    data = {n.label: n.data for n in s.graph.nodes}
    assert (data["u"], data["v"], data["J"]) == (6.0, 11.0, 33.0)
    grads = {n.label: g for n, g in zip(s.graph.nodes, s.grads, strict=True)}
    assert (grads["a"], grads["b"], grads["c"], grads["u"], grads["v"]) == (3.0, 6.0, 9.0, 3.0, 3.0)
    assert s.n_steps == 5 and s.finished[[not n.constant for n in s.graph.nodes]].all()
    assert s.names[-1] == "J = 3v" and s.output == "J"


def test_the_walk_visits_each_edge_once_from_the_output_back() -> None:
    for s0 in (dls_graph_state(), logistic_graph_state()):
        states = [
            dls_graph_state(step=k) if s0.output == "J" else logistic_graph_state(step=k)
            for k in range(s0.n_steps + 1)
        ]
        used = [s.edge for s in states[1:]]
        walkable = [e for e in s0.graph.edges if not s0.graph.nodes[e.parent].constant]
        assert used == walkable and s0.n_steps == len(walkable)
        assert s0.n_steps == (5 if s0.output == "J" else 10)
        for before, after in itertools.pairwise(states):
            e = after.edge
            assert before.finished[e.child]  # the child's gradient is complete when passed on
            assert after.grads[e.parent] == before.grads[e.parent] + e.product
            assert e.product == e.upstream * e.local
            assert np.all(after.reached >= before.reached)
            assert np.all(after.finished >= before.finished)
        assert states[0].edge is None and states[0].reached.sum() == 1
        assert states[0].grads.tolist() == [0.0] * (len(s0.names) - 1) + [1.0]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(*LOGISTIC_RANGE), min_size=5, max_size=5),
    y=st.sampled_from([0, 1]),
    nudge=st.sampled_from(LOGISTIC_INPUTS),
)
def test_logistic_graph_gives_the_lessons_backward_pass(values, y, nudge) -> None:
    x1, x2, w1, w2, b = values
    s = logistic_graph_state(x1, x2, w1, w2, b, y, step=10, nudge=nudge)
    node = {n.label: n for n in s.graph.nodes}
    a = node["a"].data
    # a is stored rounded, so 1 − a (or a) carries a relative error up to ε/(1 − a): the price
    # of passing through a = σ(z) rather than fusing σ with the loss
    rtol = 1e-12 + 4 * 2.0**-53 / min(a, 1 - a)
    assert node["z"].grad == pytest.approx(a - y, rel=rtol, abs=1e-15)  # dz = a − y
    expected = LogisticLoss([[x1, x2]], [y]).grad([w1, w2, b])
    got = [node["w1"].grad, node["w2"].grad, node["b"].grad]
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-14)
    assert sum(product for _, _, product in s.paths) == pytest.approx(s.gradient, abs=1e-15)


def _reference_dls(a, b, c):
    """J = 3(a + bc) built directly from Values, for comparison."""
    va, vb, vc = Value(a), Value(b), Value(c)
    J = 3 * (va + vb * vc)
    J.backward()
    return J.data, (va.grad, vb.grad, vc.grad)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(*SLIDER_RANGE), min_size=3, max_size=3),
    nudge=st.sampled_from(DLS_INPUTS),
    epsilon=st.floats(1e-6, 1.0),
)
def test_dls_nudge_is_exactly_linear(values, nudge, epsilon) -> None:
    s = dls_graph_state(*values, step=5, nudge=nudge, epsilon=epsilon)
    J, grads = _reference_dls(*values)
    assert s.graph.output.data == J
    assert s.gradient == grads[DLS_INPUTS.index(nudge)]
    assert s.change == pytest.approx(s.linear_change, rel=1e-9, abs=1e-12 * (1 + abs(J)))
    assert s.linear_in_nudge and QUESTIONS[2].answer(s)[0] == "yes"


def test_logistic_nudge_gap_is_second_order() -> None:
    gaps = []
    for eps in (0.02, 0.01, 0.005):
        s = logistic_graph_state(nudge="w1", epsilon=eps)
        gaps.append(s.change - s.linear_change)
    assert gaps[0] / gaps[1] == pytest.approx(4.0, rel=0.05)
    assert gaps[1] / gaps[2] == pytest.approx(4.0, rel=0.05)
    s = logistic_graph_state(nudge="w1", epsilon=0.1)
    assert not s.linear_in_nudge and QUESTIONS[2].answer(s)[0] == "no"
    assert s.curvature / 2 == pytest.approx(s.change - s.linear_change, rel=0.1)


def test_layout_draws_every_arrow_rightwards() -> None:
    for s in (dls_graph_state(), logistic_graph_state()):
        assert s.positions.shape == (len(s.names), 2)
        for e in s.graph.edges:
            assert s.positions[e.parent, 0] < s.positions[e.child, 0]
        assert len({tuple(p) for p in s.positions.tolist()}) == len(s.names)  # no overlap


def test_status_and_questions() -> None:
    s = dls_graph_state(step=4, nudge="b")
    status = graph_status(s)
    assert status.kind in STATUS_KINDS
    assert status.text.startswith("step 4 of 5: u passes 3 × 2 = 6 to b")
    assert "ε·∂J/∂b = 0.006" in status.text
    gradient, why = QUESTIONS[0].answer(s)
    assert gradient == 6.0 and "only path" in why and "2 × 1 × 3" in why
    product, _ = QUESTIONS[1].answer(s)
    assert product == 6.0 and QUESTIONS[1].answer(dls_graph_state(step=0))[0] == 1.0
    assert "(done)" in graph_status(dls_graph_state(step=5)).text
    shared = logistic_graph_state(x1=0.0, nudge="w1")  # x₁ = 0: L does not depend on w₁
    assert shared.gradient == 0.0 and QUESTIONS[2].answer(shared)[0] == "yes"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: dls_graph_state(a=7.0), r"a must be in \[-6, 6\]"),
        (lambda: dls_graph_state(step=6), r"step must be an integer in \[0, 5\]"),
        (lambda: dls_graph_state(nudge="w1"), "unknown nudge 'w1'"),
        (lambda: dls_graph_state(epsilon=0.0), r"epsilon must be in \[1e-06, 1\]"),
        (lambda: logistic_graph_state(w1=3.5), r"w1 must be in \[-3, 3\]"),
        (lambda: logistic_graph_state(y=2), "y must be 0 or 1"),
        (lambda: logistic_graph_state(step=11), r"\[0, 10\]"),
    ],
)
def test_invalid_controls_raise(call, match) -> None:
    with pytest.raises(ValueError, match=match):
        call()


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.floats(*LOGISTIC_RANGE), min_size=5, max_size=5),
    y=st.sampled_from([0, 1]),
    step=st.integers(0, 10),
    nudge=st.sampled_from(LOGISTIC_INPUTS),
    epsilon=st.sampled_from([1e-6, 1.0]) | st.floats(1e-6, 1.0),
)
def test_every_reachable_setting_gives_finite_numbers_and_a_status(
    values, y, step, nudge, epsilon
) -> None:
    s = logistic_graph_state(*values, y, step=step, nudge=nudge, epsilon=epsilon)
    numbers = [s.change, s.linear_change, s.curvature, s.gradient, *s.grads]
    assert all(math.isfinite(x) for x in numbers)
    assert graph_status(s).text and all(len(q.answer(s)) == 2 for q in QUESTIONS)
