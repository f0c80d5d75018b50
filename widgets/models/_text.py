"""Numbers as the course prints them: a true minus sign (U+2212), vectors in parentheses."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["num", "vec"]


def num(x: float, spec: str = ".3g") -> str:
    """``x`` formatted by ``spec``, with "−" for "-".

    Example:
        >>> num(-0.5), num(1234.5, ".1f")
        ('−0.5', '1234.5')
    """
    return format(x, spec).replace("-", "−")


def vec(v: Iterable[float], spec: str = ".3g") -> str:
    """A vector as "(a, b)", each entry by :func:`num`.

    Example:
        >>> vec([1.0, -2.0])
        '(1, −2)'
    """
    return "(" + ", ".join(num(float(x), spec) for x in v) + ")"
