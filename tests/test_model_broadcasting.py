"""Tests for widgets.models.broadcasting: verdicts, words and answers for the presets."""

from __future__ import annotations

import pytest

from widgets.models import STATUS_KINDS
from widgets.models.broadcasting import (
    LETTER_PRESETS,
    PRESETS,
    QUESTIONS,
    broadcasting_state,
    broadcasting_status,
)

VERDICTS = {
    "bias for every example: (4, 3) + (3,)": "fits",
    "per-example shift: (4, 3) + (4, 1)": "fits",
    "the (m, n) + (m,) mistake": "error",
    "the rank-1 bug: y (4,) − a (4, 1)": "outer",
    "the fix: y (4, 1) − a (4, 1)": "fits",
    "outer product: (4, 1) * (1, 3)": "outer",
    "a number: (2, 3) * ()": "fits",
    "three axes: (2, 3, 4) / (3, 1)": "fits",
}
ANSWERS = {
    "fits": "the shape of the larger operand",
    "outer": "a result larger than either operand",
    "error": "an error",
}


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_verdicts_status_and_answers(name) -> None:
    shape_a, shape_b, op = PRESETS[name]
    s = broadcasting_state(shape_a, shape_b, op)
    assert s.verdict == VERDICTS[name]
    status = broadcasting_status(s)
    assert status.kind in STATUS_KINDS
    assert status.kind == ("error" if s.verdict == "error" else "ok")
    answer, why = QUESTIONS[0].answer(s)
    assert answer == ANSWERS[s.verdict] and answer in QUESTIONS[0].choices and why
    size, _ = QUESTIONS[1].answer(s)
    assert size == s.sizes[2] and QUESTIONS[1].grade(size, size)
    if s.verdict == "error":
        assert s.outcome.error.strip() in status.text and "NumPy refuses" in status.text
    if s.verdict == "outer":
        assert "bug if you meant elementwise" in status.text


def test_the_rank_one_bug_in_words() -> None:
    s = broadcasting_state("(4,)", "4, 1", "-")
    assert s.shape_a == (4,) and s.shape_b == (4, 1) and s.sizes == (4, 4, 16)
    assert broadcasting_status(s).text.startswith(
        "(4,) - (4, 1) → (4, 4): a is stretched along axis 0; b is stretched along axis 1"
    )


def test_invalid_controls_raise() -> None:
    with pytest.raises(ValueError, match="shape_b must be a shape"):
        broadcasting_state("(4,)", "four", "-")
    with pytest.raises(ValueError, match="unknown op"):
        broadcasting_state("(4,)", "(4,)", "%")


def test_the_state_names_its_preset_only_while_it_holds() -> None:
    name = "the rank-1 bug: y (4,) − a (4, 1)"
    assert broadcasting_state((4,), (4, 1), "-", preset=name).preset == name
    assert broadcasting_state((4,), (4, 1), "+", preset=name).preset is None  # op changed
    assert broadcasting_state((4,), (4, 1), "-").preset is None
    with pytest.raises(ValueError, match="unknown preset 'nope'"):
        broadcasting_state(preset="nope")


@pytest.mark.parametrize("m, d", [(4, 3), (3, 3), (1, 4), (12, 1)])
def test_letter_presets_are_the_shapes_for_m_and_d(m, d) -> None:
    import numpy as np

    for name, (sa, sb, op) in LETTER_PRESETS.items():
        s = broadcasting_state(sa, sb, op, preset=name, m=m, d=d)
        shapes = {"(m, d)": (m, d), "(d,)": (d,), "(m, 1)": (m, 1), "(m,)": (m,),
                  "(1, d)": (1, d), "()": ()}  # fmt: skip
        assert (s.shape_a, s.shape_b) == (shapes[sa], shapes[sb]) and s.preset == name
        try:  # NumPy's verdict on arrays of those shapes
            shape = np.broadcast_shapes(shapes[sa], shapes[sb])
        except ValueError:
            shape = None
        assert s.outcome.result_shape == shape
    # the (m, d) + (m,) mistake runs only when m happens to equal d (or either is 1)
    mistake = broadcasting_state("(m, d)", "(m,)", "+", m=m, d=d)
    assert mistake.outcome.ok == (m == d or m == 1 or d == 1)
    assert mistake.written == ("(m, d)", "(m,)")
    with pytest.raises(ValueError, match=r"m must be an integer in \[1, 12\]"):
        broadcasting_state(m=13)
