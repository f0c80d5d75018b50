"""Answer an exercise or an exit ticket with widgets, checked at once, also in a dashboard.

``answer("ex_01_2")`` shows the exercise's form (a text box per number, radio buttons or a menu
per choice) and a Check button; the answer goes through the same checker as
``check("ex_01_2", ...)`` in the notebook, and the feedback says what is right or wrong in words
and symbols (✔, ✘, …), never by colour alone. An exercise that asks for code has no form: it says
that it needs the notebook, and links to it. ``exit_ticket("01")`` asks a lesson's exit-ticket
questions the same way.

Every control has a visible label that is also its accessible name (``description``); the
feedback is an ``ipw.HTML`` whose content is a polite live region, so a screen reader announces
it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import ipywidgets as ipw

from ._core import CHECKS, Choice, Feedback, Form, Number, check, is_placeholder

__all__ = ["AnswerForm", "answer", "exit_ticket", "feedback_html", "notebook_link", "parse_number"]

#: controls keep their full label visible (ipywidgets would truncate it to a fixed width)
_STYLE = {"description_width": "initial"}
#: radio buttons for forms with few choices; a menu each when there are many
_MAX_RADIO_GROUPS = 3

_SYMBOL = {"passed": "✔ Right", "failed": "✘ Not yet", "not attempted": "… Not answered yet"}
_COLOUR = {"passed": "#009E73", "failed": "#D55E00", "not attempted": "#777777"}
_FRACTION = re.compile(r"^\s*([-+]?[0-9.eE+-]+)\s*/\s*([-+]?[0-9.eE+-]+)\s*$")


def parse_number(text: str) -> float | None:
    """A number typed by a learner: ``None`` when the box is empty.

    Accepts what people type for a number: ``0.25``, ``1e-5``, ``-3``, a fraction ``1/4``, a
    Unicode minus sign, a comma as thousands separator is refused (ambiguous).

    Raises:
        ValueError: the text is not a number, with the text quoted.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    cleaned = text.strip().replace("−", "-").replace("×10^", "e").replace(" ", "")
    if not cleaned:
        return None
    fraction = _FRACTION.match(cleaned)
    try:
        if fraction:
            return float(fraction[1]) / float(fraction[2])
        return float(cleaned)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text.strip()!r} is not a number") from None


def feedback_html(feedback: Feedback) -> str:
    """Feedback as HTML: a symbol and a word for the verdict (not only a colour), the message,
    and the hint when the answer has not passed; inside a polite live region."""
    hint = (
        f"<div><i>Hint:</i> {html.escape(feedback.hint)}</div>"
        if feedback.status != "passed" and feedback.hint
        else ""
    )
    return (
        f'<div role="status" aria-live="polite" class="descent-feedback" '
        f'style="border-left:4px solid {_COLOUR[feedback.status]};padding-left:8px">'
        f"<b>{_SYMBOL[feedback.status]}:</b> {html.escape(feedback.message)}{hint}</div>"
    )


def _control(field: Number | Choice, many_choices: bool) -> ipw.Widget:
    if isinstance(field, Number):
        return ipw.Text(
            description=field.label,
            placeholder="a number",
            style=_STYLE,
            layout=ipw.Layout(width="auto"),
        )
    kind = ipw.Dropdown if many_choices else ipw.RadioButtons
    options = [("choose…", None), *field.options] if kind is ipw.Dropdown else field.options
    return kind(
        description=field.label,
        options=options,
        value=None,
        style=_STYLE,
        layout=ipw.Layout(width="auto"),
    )


class AnswerForm(ipw.VBox):
    """The fields of one exercise or question, a Check button and the feedback it gives.

    Args:
        label: a registered exercise with a form (``"ex_01_2"``, ``"exit_03_4"``).
        title: a heading shown above the prompt (e.g. "Question 2").

    Example:
        >>> form = AnswerForm("exit_02_1")
        >>> form.controls[0].value = "0.1966"
        >>> form.submit().status
        'passed'
    """

    def __init__(self, label: str, title: str | None = None) -> None:
        if label not in CHECKS:
            raise ValueError(f"unknown exercise label {label!r}")
        ex = CHECKS[label]
        if ex.form is None:
            raise ValueError(f"{label} asks for code and has no form; use answer({label!r})")
        self.label = label
        self.form: Form = ex.form
        many = sum(isinstance(f, Choice) for f in ex.form.fields) > _MAX_RADIO_GROUPS
        self.controls = [_control(f, many) for f in ex.form.fields]
        self.button = ipw.Button(description="Check", tooltip=f"check the answer to {label}")
        self.feedback = ipw.HTML(value="")
        head = []
        if title:
            head.append(ipw.HTML(f"<b>{html.escape(title)}</b>"))
        if ex.prompt:
            head.append(ipw.HTML(f"<p>{html.escape(ex.prompt)}</p>"))
        if ex.form.info is not None:
            info = html.escape(ex.form.info()).replace("\n", "<br>")
            head.append(ipw.HTML(f"<p>{info}</p>"))
        self.button.on_click(lambda _: self.submit())
        super().__init__(
            [*head, *self.controls, self.button, self.feedback],
            layout=ipw.Layout(margin="0.5em 0 1em 0"),
        )
        self.add_class("descent-answer")

    def values(self) -> list:
        """One value per field: a float or None for a number, the option's value for a choice."""
        out = []
        for field, control in zip(self.form.fields, self.controls, strict=True):
            out.append(parse_number(control.value) if isinstance(field, Number) else control.value)
        return out

    def submit(self) -> Feedback:
        """Check the current answer, show the feedback and return it."""
        hint = CHECKS[self.label].hint
        try:
            values = self.values()
        except ValueError as exc:
            result = Feedback(self.label, "failed", str(exc), hint)
        else:
            missing = [
                f.label for f, v in zip(self.form.fields, values, strict=True) if is_placeholder(v)
            ]
            if missing:
                result = Feedback(
                    self.label, "not attempted", "fill in " + ", ".join(missing), hint
                )
            else:
                result = check(self.label, self.form.answer(values))
        self.feedback.value = feedback_html(result)
        return result


def _lesson_notebook(label: str) -> str | None:
    """The notebook of the exercise's lesson in the working directory (a kernel's cwd is its
    notebook's folder), e.g. ``01_logistic_regression_mle.ipynb``."""
    number = label.split("_")[1]
    found = sorted(Path.cwd().glob(f"{number}_*.ipynb"))
    return found[0].name if found else None


def notebook_link(notebook: str, folder: str = "lessons") -> str:
    """A link to ``folder/notebook`` in JupyterLab, relative so that it keeps a JupyterHub or
    Binder user prefix: from ``…/lab/tree/lessons/x.ipynb`` and from
    ``…/voila/render/lessons/x.ipynb`` alike, three levels up is the server's base URL."""
    return f"../../../lab/tree/{folder}/{notebook}"


def _code_note(label: str) -> ipw.HTML:
    notebook = _lesson_notebook(label)
    number = label.split("_")[2]
    where = (
        f'<a href="{html.escape(notebook_link(notebook))}" target="_blank" rel="noopener">'
        f"open lessons/{html.escape(notebook)} in JupyterLab</a>"
        if notebook
        else "open the lesson's notebook in JupyterLab"
    )
    return ipw.HTML(
        f'<p class="descent-code-exercise">✎ Exercise {number} asks for code: it is done in the '
        f"notebook, in the code cell of this exercise, and cannot be answered on a dashboard "
        f"page, which runs no code ({where}).</p>"
    )


def answer(label: str) -> ipw.Widget:
    """The widget for an exercise: its form, or, for a code exercise, a note with a link to the
    notebook where it is done."""
    if label not in CHECKS:
        raise ValueError(f"unknown exercise label {label!r}")
    if CHECKS[label].form is None:
        return _code_note(label)
    return AnswerForm(label)


def exit_ticket(lesson: str) -> ipw.VBox:
    """Every exit-ticket question of a lesson (``"01"``), each with its form and feedback."""
    from ._core import labels

    questions = labels(lesson, kind="exit")
    if not questions:
        raise ValueError(f"lesson {lesson!r} has no exit-ticket questions")
    forms = [AnswerForm(q, title=f"Question {k}") for k, q in enumerate(questions, 1)]
    box = ipw.VBox(forms)
    box.add_class("descent-exit-ticket")
    return box
