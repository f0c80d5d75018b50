"""Tests for widgets.broadcasting: every answer is checked against NumPy itself."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import broadcasting
from widgets.broadcasting import OPERATIONS, PRESETS, broadcast, parse_shape

shapes = st.lists(st.sampled_from([1, 1, 2, 3, 4]), max_size=4).map(tuple)


@settings(max_examples=300, deadline=None)
@given(sa=shapes, sb=shapes, op=st.sampled_from(list(OPERATIONS)))
def test_broadcast_agrees_with_numpy(sa, sb, op) -> None:
    out = broadcast(sa, sb, op)
    try:
        expected_shape = np.broadcast_shapes(sa, sb)
    except ValueError:
        expected_shape = None
    assert out.result_shape == expected_shape
    assert out.ok == (expected_shape is not None) == all(out.compatible)
    ndim = max(len(sa), len(sb))
    assert len(out.padded_a) == len(out.padded_b) == len(out.compatible) == ndim
    assert out.padded_a[ndim - len(sa) :] == sa and set(out.padded_a[: ndim - len(sa)]) <= {1}
    assert out.added_a == tuple(range(ndim - len(sa)))
    if out.ok:
        assert out.error is None
        np.testing.assert_array_equal(out.a_stretched, np.broadcast_to(out.a, expected_shape))
        np.testing.assert_array_equal(out.result, OPERATIONS[op](out.a_stretched, out.b_stretched))
        for padded, stretched in ((out.padded_a, out.stretched_a), (out.padded_b, out.stretched_b)):
            expect = tuple(i for i in range(ndim) if padded[i] == 1 and expected_shape[i] > 1)
            assert stretched == expect
    else:
        with pytest.raises(ValueError) as err:
            OPERATIONS[op](np.zeros(sa), np.zeros(sb))
        assert out.error == str(err.value)  # NumPy's own message
        assert out.result is None and out.stretched_a == out.stretched_b == ()


def test_the_rank_one_bug_and_its_fix() -> None:
    bug = broadcast(*PRESETS["the rank-1 bug: y (4,) − a (4, 1)"])
    assert bug.result_shape == (4, 4) and bug.outer
    assert bug.added_a == (0,) and bug.stretched_a == (0,) and bug.stretched_b == (1,)
    # each row i of the result is y − a_i: every y against every a, not y_i − a_i
    np.testing.assert_array_equal(bug.result, bug.a[None, :] - bug.b)
    fix = broadcast(*PRESETS["the fix: y (4, 1) − a (4, 1)"])
    assert fix.result_shape == (4, 1) and not fix.outer and fix.stretched_a == ()


def test_presets_do_what_their_names_say() -> None:
    results = {name: broadcast(*args) for name, args in PRESETS.items()}
    assert results["bias for every example: (4, 3) + (3,)"].result_shape == (4, 3)
    assert results["per-example shift: (4, 3) + (4, 1)"].stretched_b == (1,)
    mistake = results["the (m, n) + (m,) mistake"]
    assert not mistake.ok and mistake.compatible == (True, False)
    assert "could not be broadcast" in mistake.error
    assert results["outer product: (4, 1) * (1, 3)"].outer
    assert results["a number: (2, 3) * ()"].stretched_b == (0, 1)
    assert results["three axes: (2, 3, 4) / (3, 1)"].result_shape == (2, 3, 4)


def test_arrays_are_read_only() -> None:
    out = broadcast((2, 1), (3,))
    for arr in (out.a, out.b, out.result, out.a_stretched):
        with pytest.raises(ValueError, match="read-only"):
            arr[(0,) * arr.ndim] = 9.0


@pytest.mark.parametrize(
    "text, shape",
    [("(4, 1)", (4, 1)), ("4,1", (4, 1)), ("4", (4,)), ("(4,)", (4,)), ("()", ()), ("", ())],
)
def test_parse_shape(text, shape) -> None:
    assert parse_shape("s", text) == shape
    assert broadcast(text, (1,)).shape_a == shape


@pytest.mark.parametrize(
    "args, error, match",
    [
        (("(4, x)", (1,)), ValueError, "shape_a must be a shape such as"),
        (((4, 0), (1,)), ValueError, "each of size 1 to 12"),
        (((13,), (1,)), ValueError, "each of size 1 to 12"),
        (((1, 1, 1, 1, 1), (1,)), ValueError, "at most 4 axes"),
        (((1,), 4), TypeError, "shape_b must be a tuple of integers"),
        (((1,), (1.5,)), TypeError, "shape_b must be a tuple of integers"),
        (((1,), (1,), "@"), ValueError, "unknown op '@'"),
    ],
)
def test_invalid_arguments_raise(args, error, match) -> None:
    with pytest.raises(error, match=match):
        broadcast(*args)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(broadcasting)
    assert result.attempted >= 3 and result.failed == 0
