"""Exercise checks: specific feedback and a hint, never a bare AssertionError.

A lesson cell ends with ``check("ex_01_3", answer)``. The check returns a :class:`Feedback` that
displays itself; it is truthy only when the answer passed, so a worked solution asserts it:
``assert check("ex_01_3", answer)``. An exercise the learner has not touched yet (the answer is
``...`` or ``None``, or a function that still raises ``NotImplementedError``) reports "not attempted
yet" instead of failing the notebook.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["CHECKS", "Feedback", "Wrong", "check", "exercise", "labels", "number", "numbers"]


class Wrong(Exception):
    """Raised by a checker to say what is wrong with an answer, in words for the learner."""


class NotAttempted(Exception):
    """Raised by a checker when the learner's code is still the placeholder."""


@dataclass(frozen=True)
class Feedback:
    label: str
    status: str  # "passed" | "failed" | "not attempted"
    message: str
    hint: str

    def __bool__(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        head = {"passed": "✔ passed", "failed": "✘ not yet", "not attempted": "… not attempted yet"}
        text = f"[{self.label}] {head[self.status]}: {self.message}"
        if self.status != "passed" and self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {"passed": "#009E73", "failed": "#D55E00", "not attempted": "#777777"}[self.status]
        hint = (
            f"<div><i>Hint:</i> {html.escape(self.hint)}</div>"
            if self.status != "passed" and self.hint
            else ""
        )
        return (
            f"<div class='descent-feedback' style='border-left:4px solid {colour};"
            f"padding-left:8px'><b>{html.escape(self.label)}</b> — "
            f"{html.escape(str(self).split(': ', 1)[1].splitlines()[0])}{hint}</div>"
        )


@dataclass(frozen=True)
class _Exercise:
    label: str
    checker: Callable[[Any], str]
    hint: str


CHECKS: dict[str, _Exercise] = {}


def exercise(label: str, *, hint: str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """Register ``checker(answer) -> message`` under ``label``; it raises ``Wrong`` if wrong."""

    def register(checker: Callable[[Any], str]) -> Callable[[Any], str]:
        if label in CHECKS:
            raise ValueError(f"exercise label {label!r} is registered twice")
        CHECKS[label] = _Exercise(label, checker, hint)
        return checker

    return register


def labels(lesson: str | None = None) -> list[str]:
    """All registered labels, or those of one lesson (``"01"``)."""
    return sorted(k for k in CHECKS if lesson is None or k.startswith(f"ex_{lesson}_"))


def is_placeholder(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def call(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call the learner's function; a ``NotImplementedError`` means the exercise is untouched."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted from None
    except Wrong:
        raise
    except Exception as exc:  # the learner's bug, reported in words
        raise Wrong(f"your code raised {type(exc).__name__}: {exc}") from None


def check(label: str, answer: Any = None) -> Feedback:
    """Check ``answer`` for exercise ``label`` and return feedback that shows itself."""
    try:
        ex = CHECKS[label]
    except KeyError:
        raise ValueError(
            f"unknown exercise label {label!r}; valid labels are: {', '.join(labels())}"
        ) from None
    if is_placeholder(answer):
        return Feedback(label, "not attempted", "replace the placeholder with your answer", ex.hint)
    try:
        message = ex.checker(answer)
    except NotAttempted:
        return Feedback(
            label, "not attempted", "the function still raises NotImplementedError", ex.hint
        )
    except Wrong as wrong:
        return Feedback(label, "failed", str(wrong), ex.hint)
    return Feedback(label, "passed", message, ex.hint)


def number(name: str, value: Any) -> float:
    """Read a learner's answer as a finite float, or say in words why it is not one."""
    if isinstance(value, bool):
        raise Wrong(f"{name} should be a number, not {value!r}")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise Wrong(f"{name} should be a number, got {value!r}") from None
    if not math.isfinite(out):
        raise Wrong(f"{name} should be a finite number, got {out}")
    return out


def numbers(value: Any, n: int, what: str) -> list[float]:
    """Read a learner's answer as ``n`` finite floats (a tuple such as ``(odds, log_odds)``)."""
    try:
        items = list(value)
    except TypeError:
        raise Wrong(f"give {n} numbers as a tuple ({what}), got {value!r}") from None
    if len(items) != n:
        raise Wrong(f"give {n} numbers as a tuple ({what}), got {len(items)}")
    return [number(f"entry {k + 1}", v) for k, v in enumerate(items)]
