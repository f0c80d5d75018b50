"""The broadcasting explorer's model: two shapes and an operation in, the grids to draw and the
verdict (the result's shape, or NumPy's own error) out. See :mod:`widgets.broadcasting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..broadcasting import OPERATIONS, PRESETS, Broadcast, broadcast
from . import Question, Status

__all__ = [
    "OPERATIONS",
    "PRESETS",
    "QUESTIONS",
    "BroadcastingState",
    "broadcasting_state",
    "broadcasting_status",
]


@dataclass(frozen=True, eq=False)
class BroadcastingState:
    """What the broadcasting figure shows.

    Attributes:
        shape_a, shape_b, op: the controls (shapes as tuples).
        outcome: the :class:`widgets.broadcasting.Broadcast` for them.
        sizes: (number of entries in a, in b, in the result (0 on error)).
    """

    shape_a: tuple[int, ...]
    shape_b: tuple[int, ...]
    op: str
    outcome: Broadcast
    sizes: tuple[int, int, int]

    @property
    def verdict(self) -> str:
        """ "error", "outer" (both operands stretched: larger than either), or "fits"."""
        if not self.outcome.ok:
            return "error"
        return "outer" if self.outcome.outer else "fits"


def broadcasting_state(
    shape_a: Sequence[int] | str = (4,), shape_b: Sequence[int] | str = (4, 1), op: str = "-"
) -> BroadcastingState:
    """Broadcast arrays of shapes ``shape_a`` and ``shape_b`` under ``op``.

    Args:
        shape_a, shape_b: tuples of sizes 1 … 12 (at most 4 axes) or text like "(4, 1)".
        op: "+", "-", "*" or "/".

    Example:
        >>> s = broadcasting_state("(4,)", "(4, 1)", "-")  # the rank-1 bug
        >>> s.outcome.result_shape, s.verdict, s.sizes
        ((4, 4), 'outer', (4, 4, 16))
    """
    outcome = broadcast(shape_a, shape_b, op)
    size = int(np.prod(outcome.result_shape)) if outcome.ok else 0
    return BroadcastingState(
        shape_a=outcome.shape_a,
        shape_b=outcome.shape_b,
        op=outcome.op,
        outcome=outcome,
        sizes=(outcome.a.size, outcome.b.size, size),
    )


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _axes(axes: tuple[int, ...]) -> str:
    return ("axis " if len(axes) == 1 else "axes ") + " and ".join(str(a) for a in axes)


def broadcasting_status(state: BroadcastingState) -> Status:
    """The verdict in words: NumPy's error, or which operand is stretched along which axes.

    Example:
        >>> broadcasting_status(broadcasting_state((4, 3), (3,), "+")).text
        '(4, 3) + (3,) → (4, 3): b is stretched along axis 0'
    """
    o = state.outcome
    head = f"{_shape(o.shape_a)} {o.op} {_shape(o.shape_b)}"
    if not o.ok:
        bad = [i for i, ok in enumerate(o.compatible) if not ok]
        return Status(
            f"{head}: NumPy refuses ({o.error.strip()}); on {_axes(tuple(bad))} the sizes "
            f"differ and neither is 1",
            "error",
        )
    stretched = [
        f"{name} is stretched along {_axes(axes)}"
        for name, axes in (("a", o.stretched_a), ("b", o.stretched_b))
        if axes
    ]
    what = "; ".join(stretched) if stretched else "no stretching: the shapes match"
    text = f"{head} → {_shape(o.result_shape)}: {what}"
    if o.outer:
        text += (
            f" — both operands grow, {state.sizes[2]} numbers from {state.sizes[0]} and "
            f"{state.sizes[1]}: an outer operation, which is a bug if you meant elementwise"
        )
    return Status(text, "ok")


def _verdict_answer(state: BroadcastingState) -> tuple[str, str]:
    o = state.outcome
    if not o.ok:
        answer = "an error"
        why = f"NumPy says: {o.error.strip()}. Compare the shapes from the right"
    elif o.outer:
        answer = "a result larger than either operand"
        why = (
            f"Padded on the left, the shapes are {_shape(o.padded_a)} and {_shape(o.padded_b)}: "
            f"each has a 1 where the other does not, so both are stretched, to "
            f"{_shape(o.result_shape)}"
        )
    else:
        answer = "the shape of the larger operand"
        why = (
            f"Padded on the left, the shapes are {_shape(o.padded_a)} and {_shape(o.padded_b)}; "
            f"on every axis the sizes are equal or one of them is 1, giving "
            f"{_shape(o.result_shape)}"
        )
    return answer, why + "."


def _size_answer(state: BroadcastingState) -> tuple[float, str]:
    o = state.outcome
    if not o.ok:
        return 0.0, "There is no result: NumPy raises an error, so it holds 0 numbers."
    return float(state.sizes[2]), (
        f"The result has shape {_shape(o.result_shape)}, so it holds {state.sizes[2]} numbers."
    )


QUESTIONS = (
    Question(
        "What will the operation give?",
        _verdict_answer,
        choices=(
            "the shape of the larger operand",
            "a result larger than either operand",
            "an error",
        ),
    ),
    Question("How many numbers will the result hold?", _size_answer, rel_tol=0.0),
)
