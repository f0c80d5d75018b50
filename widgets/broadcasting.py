"""NumPy's broadcasting, laid out axis by axis: which operand is stretched where, or why not.

For an elementwise operation on arrays of shapes A and B, NumPy compares the shapes from the
right. The shorter shape is padded with 1s on the left; then on each axis the sizes must be
equal, or one of them 1, and the result takes the larger. An operand of size 1 on an axis where
the result is larger is *stretched*: its one slice is repeated along that axis (without copying).
Otherwise NumPy raises "operands could not be broadcast together".

:func:`broadcast` answers for two shapes and an operation with everything an explorer draws:
the padded shapes, the axes each operand was stretched along, small example arrays and their
stretched copies, the result, or NumPy's own error message, taken from NumPy itself.

Reference: NumPy user guide, "Broadcasting" (numpy.org/doc/stable/user/basics.broadcasting.html).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._validate import check_choice

__all__ = ["OPERATIONS", "PRESETS", "Broadcast", "broadcast", "parse_shape"]

#: the elementwise operations offered, by their symbol
OPERATIONS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}

#: the largest size allowed on one axis, and the most axes: grids small enough to draw
MAX_SIZE = 12
MAX_NDIM = 4

#: name -> (shape of a, shape of b, operation): the cases the lesson discusses
PRESETS: dict[str, tuple[tuple[int, ...], tuple[int, ...], str]] = {
    "bias for every example: (4, 3) + (3,)": ((4, 3), (3,), "+"),
    "per-example shift: (4, 3) + (4, 1)": ((4, 3), (4, 1), "+"),
    "the (m, n) + (m,) mistake": ((4, 3), (4,), "+"),
    "the rank-1 bug: y (4,) − a (4, 1)": ((4,), (4, 1), "-"),
    "the fix: y (4, 1) − a (4, 1)": ((4, 1), (4, 1), "-"),
    "outer product: (4, 1) * (1, 3)": ((4, 1), (1, 3), "*"),
    "a number: (2, 3) * ()": ((2, 3), (), "*"),
    "three axes: (2, 3, 4) / (3, 1)": ((2, 3, 4), (3, 1), "/"),
}


@dataclass(frozen=True, eq=False)
class Broadcast:
    """The outcome of ``a <op> b`` for arrays of two shapes, axis by axis.

    Axes are numbered as in the result: 0 … ndim − 1, where ndim is the longer shape's length.

    Attributes:
        shape_a, shape_b: the shapes given.
        op: the operation's symbol.
        padded_a, padded_b: the shapes padded with 1s on the left to ndim axes.
        added_a, added_b: the axes an operand did not have (padded on the left).
        compatible: for each axis, whether the two sizes fit (equal, or one of them 1).
        ok: whether NumPy computes the operation.
        result_shape: the result's shape, or ``None``.
        stretched_a, stretched_b: the axes along which an operand is repeated (its size there
            is 1, or it lacks the axis, and the result's size is larger).
        error: NumPy's own message when it refuses, else ``None``.
        a, b: example arrays of the given shapes (1, 2, 3, … in reading order).
        a_stretched, b_stretched: ``a`` and ``b`` broadcast to the result's shape (read-only
            views), or ``None``.
        result: ``a <op> b``, or ``None``.
    """

    shape_a: tuple[int, ...]
    shape_b: tuple[int, ...]
    op: str
    padded_a: tuple[int, ...]
    padded_b: tuple[int, ...]
    added_a: tuple[int, ...]
    added_b: tuple[int, ...]
    compatible: tuple[bool, ...]
    ok: bool
    result_shape: tuple[int, ...] | None
    stretched_a: tuple[int, ...]
    stretched_b: tuple[int, ...]
    error: str | None
    a: np.ndarray
    b: np.ndarray
    a_stretched: np.ndarray | None
    b_stretched: np.ndarray | None
    result: np.ndarray | None

    @property
    def outer(self) -> bool:
        """True when both operands are stretched: the result is larger than either of them.

        That is what an outer operation wants (a column against a row) and what the rank-1
        bug does by accident: y of shape (m,) minus a of shape (m, 1) is an (m, m) array.
        """
        return bool(self.stretched_a) and bool(self.stretched_b)


def broadcast(
    shape_a: Sequence[int] | str, shape_b: Sequence[int] | str, op: str = "+"
) -> Broadcast:
    """Apply NumPy's broadcasting rule to two shapes and say what happens on every axis.

    The result's shape and the error message are NumPy's: the operation is carried out on small
    example arrays of the given shapes.

    Args:
        shape_a, shape_b: shapes as tuples of sizes (1 to 12, at most 4 axes; ``()`` for a
            number) or as text such as ``"(4, 1)"``, ``"4, 1"`` or ``"4"``.
        op: one of ``"+"``, ``"-"``, ``"*"``, ``"/"``.

    Returns:
        A :class:`Broadcast`.

    Example:
        >>> bug = broadcast((4,), (4, 1), "-")
        >>> bug.result_shape, bug.stretched_a, bug.stretched_b
        ((4, 4), (0,), (1,))
        >>> broadcast((4, 3), (4,)).error.startswith("operands could not be broadcast together")
        True
    """
    sa, sb = parse_shape("shape_a", shape_a), parse_shape("shape_b", shape_b)
    op = check_choice("op", op, OPERATIONS)
    ndim = max(len(sa), len(sb))
    pa, pb = (1,) * (ndim - len(sa)) + sa, (1,) * (ndim - len(sb)) + sb
    compatible = tuple(x == y or 1 in (x, y) for x, y in zip(pa, pb, strict=True))
    a = np.arange(1.0, 1.0 + np.prod(sa, dtype=int)).reshape(sa)
    b = np.arange(1.0, 1.0 + np.prod(sb, dtype=int)).reshape(sb)
    try:
        result = OPERATIONS[op](a, b)
    except ValueError as err:  # NumPy's own words, not ours
        error, result = str(err), None
    else:
        error = None
    shape = None if result is None else result.shape
    if result is None:
        stretched_a = stretched_b = ()
        a_stretched = b_stretched = None
    else:
        stretched_a = tuple(i for i, (x, n) in enumerate(zip(pa, shape, strict=True)) if x < n)
        stretched_b = tuple(i for i, (x, n) in enumerate(zip(pb, shape, strict=True)) if x < n)
        a_stretched, b_stretched = np.broadcast_to(a, shape), np.broadcast_to(b, shape)
        result.setflags(write=False)
    for arr in (a, b):
        arr.setflags(write=False)
    return Broadcast(
        shape_a=sa,
        shape_b=sb,
        op=op,
        padded_a=pa,
        padded_b=pb,
        added_a=tuple(range(ndim - len(sa))),
        added_b=tuple(range(ndim - len(sb))),
        compatible=compatible,
        ok=result is not None,
        result_shape=shape,
        stretched_a=stretched_a,
        stretched_b=stretched_b,
        error=error,
        a=a,
        b=b,
        a_stretched=a_stretched,
        b_stretched=b_stretched,
        result=result,
    )


def parse_shape(name: str, shape: Sequence[int] | str) -> tuple[int, ...]:
    """A shape from a tuple of sizes or from text like ``"(4, 1)"``, ``"4,1"``, ``"4"``, ``"()"``.

    Raises:
        ValueError: a size outside 1…12, more than 4 axes, or text that is not a shape.
        TypeError: neither text nor a sequence of integers.

    Example:
        >>> parse_shape("shape_a", "(4, 1)"), parse_shape("shape_b", "3"), parse_shape("s", ())
        ((4, 1), (3,), ())
    """
    if isinstance(shape, str):
        text = shape.strip()
        if not re.fullmatch(r"\(?\s*(\d+\s*(,\s*\d+\s*)*,?)?\s*\)?", text):
            raise ValueError(f"{name} must be a shape such as (4, 1), 4, or (), got {shape!r}")
        sizes = tuple(int(s) for s in re.findall(r"\d+", text))
    elif isinstance(shape, Sequence) and all(
        isinstance(s, int | np.integer) and not isinstance(s, bool) for s in shape
    ):
        sizes = tuple(int(s) for s in shape)
    else:
        raise TypeError(f"{name} must be a tuple of integers or text like '(4, 1)', got {shape!r}")
    if len(sizes) > MAX_NDIM or any(not 1 <= s <= MAX_SIZE for s in sizes):
        raise ValueError(
            f"{name} must have at most {MAX_NDIM} axes, each of size 1 to {MAX_SIZE}, got {sizes}"
        )
    return sizes
