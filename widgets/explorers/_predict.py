"""Predict-then-run, the status line and the error box: the parts every explorer shares.

A :class:`~widgets.models.Question` asks for a prediction before the run is shown; the explorer
grades it against its current state, says whether it was right and why, and reveals the run.
Errors raised while updating are shown inside the explorer (status line and an error box), never
lost in a log.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from typing import Any

import ipywidgets as ipw

from ..models import Question, Status
from ._access import Access, fit_figure, title_of

__all__ = ["Prediction"]

STATUS_CLASS = "descent-status"


class Prediction:
    """Mixin for an ``ipw.VBox`` explorer: question box, status line, error box.

    The explorer calls :meth:`_setup_question` before building its children, grades with
    ``question.answer(self._graded())``, and implements ``_show_run(shown)``.
    """

    question: Question | None
    last_status: Status
    last_error: BaseException | None

    def _setup_question(self, question: Question | None) -> None:
        self.question = question
        self.status = ipw.HTML(layout=ipw.Layout(min_height="1.6em"))
        self.status.add_class(STATUS_CLASS)
        self.error_box = ipw.HTML(layout=ipw.Layout(display="none"))
        self.error_box.add_class("descent-error")
        canvas = self.figure.canvas
        self.access = Access(
            title=title_of(type(self)),
            natural=self._natural_width(),
            canvas=canvas if isinstance(canvas, ipw.DOMWidget) else None,
        )
        self.access.observe(self._fit_width, names="width")
        self.last_status = Status("")
        self.last_error = None
        self._revealed = question is None
        self.feedback = ipw.HTML()
        self._predict_box = self._build_question() if question is not None else None

    def _natural_width(self) -> int:
        figure = self.figure
        self._natural_dpi = getattr(figure, "_original_dpi", figure.dpi)
        return round(figure.get_figwidth() * self._natural_dpi)

    def _fit_width(self, change: dict) -> None:
        """The page says how wide the explorer is: the figure is drawn to fit (one frame)."""
        width = int(change["new"])
        if width <= 0:
            return
        with self._one_picture():
            fit_figure(self.figure, width, natural_dpi=self._natural_dpi)

    def _graded(self) -> Any:
        """What the question's answer is computed from: the explorer's state."""
        return self.state

    def predict(self, guess: Any) -> bool:
        """Commit a prediction (as the Run button does); returns whether it was right."""
        if self.question is None:
            raise ValueError("predict: this explorer was created without a question")
        try:
            correct, why = self.question.answer(self._graded())
            right = self.question.grade(guess, correct)
        except (TypeError, ValueError) as exc:
            self.feedback.value = f"<b>Could not read your answer:</b> {html.escape(str(exc))}"
            return False
        except Exception as exc:  # a bug in grading is shown here, not lost in a log
            self.feedback.value = (
                f"<b>Could not grade this run:</b> {html.escape(type(exc).__name__)}: "
                f"{html.escape(str(exc))}"
            )
            return False
        verdict, mark = ("Right", "✔") if right else ("Not quite", "✘")
        shown = correct if self.question.choices is not None else f"{float(correct):.4g}"
        self.feedback.value = (
            f"<b>{mark} {verdict}.</b> The answer is <b>{html.escape(str(shown))}</b>: "
            f"{html.escape(why)}"
        )
        self._revealed = True
        with self._states_after_frame():
            with self._one_picture():
                self._show_run(True)
            self._show_status()
        return right

    def _drop_verdict_unless(self, changed: set[str]) -> None:
        """Once the learner has predicted, the run stays shown: a new setting shows its own run
        at once (the question was answered), and only the verdict, which was about the setting
        predicted, goes; scrubbing along the run keeps the verdict too."""
        if self.question is None or not self._revealed:
            return
        if changed and not set(changed) <= self.view_only:
            self.feedback.value = ""

    def _show_error(self, exc: BaseException) -> None:
        self.last_error = exc
        self.error_box.value = (
            f"<b>Something went wrong:</b> {html.escape(type(exc).__name__)}: "
            f"{html.escape(str(exc))}"
        )
        self.error_box.layout.display = None
        self.last_status = Status(f"error: {exc}", "error")
        self.status.value = f"<span class='descent-status-error'>⚠ {html.escape(str(exc))}</span>"

    def _clear_error(self, status: Status) -> None:
        self.last_error = None
        self.error_box.value = ""
        self.error_box.layout.display = "none"
        self.last_status = status
        self._show_status()

    def _show_status(self) -> None:
        if not self._revealed:
            self.status.value = "Make your prediction above, then press <b>Run</b>."
            return
        status = self.last_status
        self.status.value = (
            f"<span class='descent-status-{status.kind}'>{html.escape(status.text)}</span>"
        )

    def _one_picture(self) -> contextlib.AbstractContextManager:
        from ._figure import one_frame

        blit = getattr(self, "blit", None)
        stack = contextlib.ExitStack()
        stack.enter_context(one_frame(self.figure))
        if blit is not None:
            stack.enter_context(blit.coalesce())
        return stack

    @contextlib.contextmanager
    def _states_after_frame(self) -> Iterator[None]:
        """Hold every widget of the explorer but the figure (and their layouts) from syncing
        until the block ends; ipywidgets then sends each one's changed state in one message, after
        the picture."""
        with contextlib.ExitStack() as held:
            stack: list[ipw.Widget] = [self]
            while stack:
                widget = stack.pop()
                if widget is self.figure.canvas:
                    continue
                held.enter_context(widget.hold_sync())
                layout = getattr(widget, "layout", None)
                if isinstance(layout, ipw.Layout):
                    held.enter_context(layout.hold_sync())
                stack.extend(
                    c for c in getattr(widget, "children", ()) if isinstance(c, ipw.Widget)
                )
            yield

    def _build_question(self) -> ipw.VBox:
        q = self.question
        assert q is not None
        if q.choices is not None:
            answer: ipw.ValueWidget = ipw.ToggleButtons(options=list(q.choices), value=None)
        else:
            answer = ipw.FloatText(description="Your guess:", value=0.0)
        run = ipw.Button(description="Run", button_style="primary", icon="play")

        def on_run(_: ipw.Button) -> None:
            if answer.value is None:
                self.feedback.value = "<b>Choose an answer first</b>, then press Run."
            else:
                self.predict(answer.value)

        run.on_click(on_run)
        self.answer_control = answer
        self.run_button = run
        box = ipw.VBox(
            [
                ipw.HTML(f"<b>Predict:</b> {html.escape(q.prompt)}"),
                ipw.HBox([answer, run]),
                self.feedback,
            ]
        )
        box.add_class("descent-question")
        return box
