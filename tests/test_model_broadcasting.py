"""Tests for widgets.models.broadcasting: verdicts, words and answers for the presets."""

from __future__ import annotations

import pytest

from widgets.models import STATUS_KINDS
from widgets.models.broadcasting import (
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
