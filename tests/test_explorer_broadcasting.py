"""BroadcastingExplorer: the grids hold the model's arrays (the operands stretched by NumPy, the
result), the copies are the cells along the stretched axes, and an error shows NumPy's words."""

from __future__ import annotations

import doctest
import re

import numpy as np
import pytest

from widgets.explorers import EXPLORERS, BroadcastingExplorer
from widgets.explorers import broadcasting as module
from widgets.models.broadcasting import LETTER_PRESETS, QUESTIONS, broadcasting_status


@pytest.fixture(scope="module")
def ex():
    return BroadcastingExplorer()


def cells(ex, name):
    """The numbers of a grid as rows of text, and the dashed (copied) cells."""
    grid = ex.artist(f"grid_{name}")
    texts = grid.numbers
    xs = sorted({round(x, 6) for x, *_ in texts})
    ys = sorted({round(y, 6) for _, y, *_ in texts})
    table = [[""] * len(xs) for _ in ys]
    for x, y, text, _ in texts:
        table[ys.index(round(y, 6))][xs.index(round(x, 6))] = text
    dashed = [ls[1] is not None for ls in grid.cells.get_linestyle()]
    return table, np.array(dashed).reshape(len(ys), len(xs)) if texts else dashed


def as_text(array):
    return [[f"{v:.3g}" for v in row] for row in np.atleast_2d(array)]


def test_registered_and_documented():
    assert EXPLORERS[BroadcastingExplorer] == ("09_computation_graphs_and_backprop",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(shape_a="(2, 3, 4)"), re.escape("shape_a must be one of '()', '(1,)', '(m,)'")),
        (dict(op="%"), "op must be one of '\\+', '-', '\\*', '/'"),
        (dict(m=5), r"m must be an integer in \[1, 4\]"),
        (dict(d=0), r"d must be an integer in \[1, 4\]"),
        (dict(preset="three axes"), "preset must be one of"),
    ],
)
def test_constructor_rejects_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BroadcastingExplorer(**kwargs)


def test_the_rank_one_bug_is_the_default_preset(ex):
    ex.set(preset="the rank-1 bug: y (m,) − a (m, 1)", m=4)
    s = ex.state
    assert (s.shape_a, s.shape_b, s.outcome.result_shape) == ((4,), (4, 1), (4, 4))
    assert s.verdict == "outer" and "an outer operation" in ex.last_status.text
    assert ex.artist("label_a").get_text() == "a (m,) = (4,)\nstretched to (4, 4)"


@pytest.mark.parametrize("preset", list(LETTER_PRESETS))
@pytest.mark.parametrize("m, d", [(4, 3), (3, 3), (1, 4), (2, 1)])
def test_grids_are_the_stretched_operands_and_the_result(ex, preset, m, d):
    ex.set(preset=preset, m=m, d=d)
    s, o = ex.state, ex.state.outcome
    assert s.preset == preset and ex.last_status == broadcasting_status(s)
    assert ex.alt_text == ex.last_status.text
    for name in ("a", "b"):
        table, dashed = cells(ex, name)
        if o.ok:
            assert table == as_text(getattr(o, f"{name}_stretched"))
            # a cell is a copy exactly when it lies past index 0 on a stretched axis
            shape = np.atleast_2d(getattr(o, f"{name}_stretched")).shape
            offset = 2 - len(o.result_shape)
            index = np.indices(shape)
            copy = np.zeros(shape, bool)
            for axis in getattr(o, f"stretched_{name}"):
                copy |= index[axis + offset] > 0
            np.testing.assert_array_equal(dashed, copy)
        else:
            assert table == as_text(getattr(o, name)) and not np.any(dashed)
    assert ex.artist("grid_result").get_visible() == o.ok
    assert ex.artist("error").get_visible() == (not o.ok)
    if o.ok:
        assert cells(ex, "result")[0] == as_text(o.result)
        assert ex.artist("label_result").get_text().endswith(str(o.result_shape))
    else:
        assert " ".join(ex.artist("error").get_text().split()) == " ".join(o.error.split())


def test_changing_a_shape_leaves_the_preset():
    ex = BroadcastingExplorer(preset="the fix: y (m, 1) − a (m, 1)")
    assert ex.state.preset == "the fix: y (m, 1) − a (m, 1)" and ex.state.verdict == "fits"
    ex.set(shape_a="(m,)")
    assert ex.state.preset is None and ex.state.verdict == "outer"
    ex.set(preset="a number: (m, d) * ()")  # a new preset brings its shapes and operation
    assert (ex.value("shape_a"), ex.value("shape_b"), ex.value("op")) == ("(m, d)", "()", "*")


def test_a_size_slider_is_disabled_where_no_shape_uses_its_letter():
    ex = BroadcastingExplorer(preset="the rank-1 bug: y (m,) − a (m, 1)")
    assert not ex.controls["m"].disabled and ex.controls["d"].disabled
    ex.set(shape_b="(1, d)")
    assert not ex.controls["d"].disabled
    ex.set(shape_a="()", shape_b="(1,)")
    assert ex.controls["m"].disabled and ex.controls["d"].disabled


def test_every_control_changes_state_and_status():
    ex = BroadcastingExplorer()
    for name, value in (("shape_a", "(m, d)"), ("shape_b", "(1, d)"), ("op", "*"), ("m", 2),
                        ("d", 4), ("preset", "the fix: y (m, 1) − a (m, 1)")):  # fmt: skip
        before = ex.last_status.text
        ex.set(**{name: value})
        assert ex.last_status.text != before, name


def test_question_grades_the_verdict():
    ex = BroadcastingExplorer(question=QUESTIONS[0])
    assert ex.predict("a result larger than either operand")
