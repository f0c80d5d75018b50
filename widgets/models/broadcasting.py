"""The broadcasting explorer's model: two shapes and an operation in, the grids to draw and the
verdict (the result's shape, or NumPy's own error) out. See :mod:`widgets.broadcasting`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int
from ..broadcasting import MAX_SIZE, OPERATIONS, PRESETS, Broadcast, broadcast
from . import Question, Status

__all__ = [
    "LETTER_PRESETS",
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
        preset: the name of the preset (a key of ``PRESETS``) these shapes and operation are,
            or ``None``.
        written: the two shapes as the caller wrote them ("(m, 1)" for (4, 1)).
    """

    shape_a: tuple[int, ...]
    shape_b: tuple[int, ...]
    op: str
    outcome: Broadcast
    sizes: tuple[int, int, int]
    preset: str | None = None
    written: tuple[str, str] = ("", "")

    @property
    def verdict(self) -> str:
        """ "error", "outer" (both operands stretched: larger than either), or "fits"."""
        if not self.outcome.ok:
            return "error"
        return "outer" if self.outcome.outer else "fits"


#: the presets with sizes as letters, m examples and d features (an explorer's sliders): name
#: -> (shape of a, shape of b, operation), shapes as text in m and d
LETTER_PRESETS: dict[str, tuple[str, str, str]] = {
    "bias for every example: (m, d) + (d,)": ("(m, d)", "(d,)", "+"),
    "per-example shift: (m, d) + (m, 1)": ("(m, d)", "(m, 1)", "+"),
    "the (m, d) + (m,) mistake": ("(m, d)", "(m,)", "+"),
    "the rank-1 bug: y (m,) − a (m, 1)": ("(m,)", "(m, 1)", "-"),
    "the fix: y (m, 1) − a (m, 1)": ("(m, 1)", "(m, 1)", "-"),
    "outer product: (m, 1) * (1, d)": ("(m, 1)", "(1, d)", "*"),
    "a number: (m, d) * ()": ("(m, d)", "()", "*"),
}


def broadcasting_state(
    shape_a: Sequence[int] | str = (4,),
    shape_b: Sequence[int] | str = (4, 1),
    op: str = "-",
    preset: str | None = None,
    m: int = 4,
    d: int = 3,
) -> BroadcastingState:
    """Broadcast arrays of shapes ``shape_a`` and ``shape_b`` under ``op``.

    Args:
        shape_a, shape_b: tuples of sizes 1 … 12 (at most 4 axes) or text like "(4, 1)";
            text may use the letters m and d for the sizes ``m`` and ``d``: "(m, 1)".
        op: "+", "-", "*" or "/".
        preset: the preset the shapes came from (a key of ``PRESETS``, or of
            ``LETTER_PRESETS`` for shapes in letters), or ``None``; the state names it only
            while the shapes and the operation are still the preset's.
        m, d: the sizes the letters stand for, 1 … 12.

    Example:
        >>> s = broadcasting_state("(4,)", "(4, 1)", "-")  # the rank-1 bug
        >>> s.outcome.result_shape, s.verdict, s.sizes
        ((4, 4), 'outer', (4, 4, 16))
    """
    m = check_int("m", m, low=1, high=MAX_SIZE)
    d = check_int("d", d, low=1, high=MAX_SIZE)
    given = (shape_a, shape_b, op)
    sizes = {"m": str(m), "d": str(d)}
    shape_a, shape_b = (
        re.sub(r"[md]", lambda x: sizes[x.group()], s) if isinstance(s, str) else s
        for s in (shape_a, shape_b)
    )
    outcome = broadcast(shape_a, shape_b, op)
    if preset is not None:
        preset = check_choice("preset", preset, [*PRESETS, *LETTER_PRESETS])
        if PRESETS.get(preset, LETTER_PRESETS.get(preset)) != given:
            preset = None  # the learner has changed a shape or the operation since
    size = int(np.prod(outcome.result_shape)) if outcome.ok else 0
    return BroadcastingState(
        shape_a=outcome.shape_a,
        shape_b=outcome.shape_b,
        op=outcome.op,
        outcome=outcome,
        sizes=(outcome.a.size, outcome.b.size, size),
        preset=preset,
        written=tuple(s if isinstance(s, str) else str(tuple(s)) for s in given[:2]),
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
