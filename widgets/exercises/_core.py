"""Exercise checks: specific feedback and a hint, never a bare AssertionError.

A lesson cell ends with ``check("ex_01_3", answer)``. The check returns a :class:`Feedback` that
displays itself; it is truthy only when the answer passed, so a worked solution asserts it:
``assert check("ex_01_3", answer)``. An exercise the learner has not touched yet (the answer is
``...`` or ``None``, or a function that still raises ``NotImplementedError``) reports "not attempted
yet" instead of failing the notebook.

An exercise whose answer is numbers or choices also declares a :class:`Form`: the fields a widget
asks for and how they make the answer the checker takes, so that the same check runs behind a
widget in a dashboard, where code cannot run (``widgets.exercises.quiz``). A question of an exit
ticket is an exercise with a ``prompt`` as well: the widget shows it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CHECKS",
    "Choice",
    "Feedback",
    "Form",
    "Number",
    "Wrong",
    "check",
    "choice_question",
    "exercise",
    "labels",
    "number",
    "number_question",
    "numbers",
]


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
class Number:
    """A field for one number; ``label`` is the control's visible label and accessible name."""

    label: str


@dataclass(frozen=True)
class Choice:
    """A field for one of several options: ``(text shown, value given to the checker)`` pairs."""

    label: str
    options: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Form:
    """The fields a widget asks for, and ``pack(values) -> answer`` for the checker.

    Without ``pack`` a single field gives its value and several fields give a tuple, the shapes
    the lesson cells pass to ``check``. ``info`` is text the form shows above its fields (numbers
    that a lesson prints in a code cell, which a dashboard hides).
    """

    fields: tuple[Number | Choice, ...]
    pack: Callable[[list[Any]], Any] | None = None
    info: Callable[[], str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.fields:
            raise ValueError("a form needs at least one field")
        for f in self.fields:
            if not isinstance(f, Number | Choice):
                raise TypeError(f"form fields are Number or Choice, got {type(f).__name__}")

    def answer(self, values: list[Any]) -> Any:
        """The answer the checker takes, from one value per field."""
        if len(values) != len(self.fields):
            raise ValueError(f"expected {len(self.fields)} values, got {len(values)}")
        if self.pack is not None:
            return self.pack(list(values))
        return values[0] if len(values) == 1 else tuple(values)


@dataclass(frozen=True)
class _Exercise:
    label: str
    checker: Callable[[Any], str]
    hint: str
    form: Form | None = None
    prompt: str | None = None
    #: for a question: computes the right field values (what the widget's tests type in)
    solution: Callable[[], list[Any]] | None = None


CHECKS: dict[str, _Exercise] = {}


def exercise(
    label: str,
    *,
    hint: str,
    form: Form | None = None,
    prompt: str | None = None,
    solution: Callable[[], list[Any]] | None = None,
) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """Register ``checker(answer) -> message`` under ``label``; it raises ``Wrong`` if wrong.

    ``form`` makes the exercise answerable with a widget (numbers, choices); ``prompt`` is the
    question's text when a widget asks it (an exit ticket) instead of the lesson's Markdown.
    """

    def register(checker: Callable[[Any], str]) -> Callable[[Any], str]:
        if label in CHECKS:
            raise ValueError(f"exercise label {label!r} is registered twice")
        if prompt is not None and form is None:
            raise ValueError(f"{label}: a question with a prompt needs a form to answer it")
        CHECKS[label] = _Exercise(label, checker, hint, form, prompt, solution)
        return checker

    return register


def labels(lesson: str | None = None, kind: str = "ex") -> list[str]:
    """All registered labels of a kind (``"ex"`` exercises, ``"exit"`` exit-ticket questions),
    or those of one lesson (``"01"``), in order."""
    prefix = f"{kind}_{lesson}_" if lesson is not None else f"{kind}_"
    found = [k for k in CHECKS if k.startswith(prefix)]
    return sorted(found, key=lambda k: [int(p) if p.isdigit() else p for p in k.split("_")])


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
            f"unknown exercise label {label!r}; valid labels are: {', '.join(sorted(CHECKS))}"
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


def _close(a: float, b: float, rtol: float) -> bool:
    return abs(a - b) <= rtol * max(abs(b), 1e-300)


def number_question(
    label: str,
    prompt: str,
    field_label: str,
    reference: Callable[[], float],
    *,
    hint: str,
    explain: Callable[[float], str],
    slips: tuple[tuple[Callable[[], float], str], ...] = (),
    rtol: float = 5e-3,
) -> None:
    """Register a question answered with one number, graded against ``reference()``.

    ``reference`` computes the answer (from the model layer, never a typed-in result); ``slips``
    are (value of a usual mistake, what that mistake is) pairs, recognised within ``rtol`` and
    named in the feedback; ``explain(answer)`` is the message for a right answer.
    """

    def checker(answer) -> str:
        value = number(field_label, answer)
        ref = float(reference())
        if _close(value, ref, rtol):
            return explain(ref)
        for slip, why in slips:
            if _close(value, float(slip()), rtol):
                raise Wrong(f"{value:g}: {why}")
        raise Wrong(f"{value:g} is not it")

    exercise(
        label,
        hint=hint,
        form=Form((Number(field_label),)),
        prompt=prompt,
        solution=lambda: [float(reference())],
    )(checker)


def choice_question(
    label: str,
    prompt: str,
    field_label: str,
    options: tuple[tuple[str, str], ...],
    correct: Callable[[], str],
    *,
    hint: str,
    why: dict[str, str],
) -> None:
    """Register a multiple-choice question: ``options`` are (text, key) pairs, ``correct()``
    computes the right key (from the model layer where it can), ``why[key]`` says why each
    option is right or wrong."""
    keys = [key for _, key in options]
    if set(why) != set(keys):
        raise ValueError(f"{label}: explain every option, got {sorted(why)} for {keys}")

    def checker(answer) -> str:
        if answer not in keys:
            raise Wrong(f"choose one of {', '.join(map(repr, keys))}, got {answer!r}")
        if answer == correct():
            return why[answer]
        raise Wrong(why[answer])

    exercise(
        label,
        hint=hint,
        form=Form((Choice(field_label, options),)),
        prompt=prompt,
        solution=lambda: [correct()],
    )(checker)
