"""The panel layer: an ``ipw.VBox`` owning the controls; it calls the model, feeds the view.

Every explorer shares this interface:

- ``explorer.controls``: dict, name -> the ipywidgets control;
- ``explorer.figure``: the matplotlib Figure, created once and updated in place;
- ``explorer.status``: an ``ipw.HTML`` whose text says in words what happened;
- ``explorer.set(**values)``: change several controls with a single redraw;
- an optional :class:`Question` for predict-then-run: the run stays hidden until the learner commits
  an answer, then the explorer says whether the prediction was right and why. Controls named in
  ``view_only`` (a step scrubber, its Play button) only move along the run already shown, so
  moving them keeps a revealed run and its verdict on screen;
- ``explorer.quietly()``: inside ``render``, adjust controls (a scrubber's range, a disabled flag)
  without starting another render.

Errors raised while updating are shown inside the explorer (status line and an error box), never
lost in a log.
"""

from __future__ import annotations

import contextlib
import html
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar

import ipywidgets as ipw
from matplotlib.figure import Figure

from ..models import Question, Status
from ._controls import canonical, place
from ._figure import backend_name, one_frame

__all__ = ["Explorer", "Question", "Status"]

STATUS_CLASS = "descent-status"
EXPLORER_CLASS = "descent-explorer"


class Explorer(ipw.VBox):
    """Base class of every explorer: subclasses build controls and a view, implement ``render``.

    ``render(changed)`` receives the names of the controls that changed (all of them on the first
    call), runs the model, updates the view in place and returns a :class:`Status`.
    """

    #: lessons (notebook stems) that show this explorer; read by ``widgets.EXPLORERS``.
    lessons: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        controls: Mapping[str, ipw.Widget],
        figure: Figure,
        *,
        question: Question | None = None,
        extra: tuple[ipw.Widget, ...] = (),
        control_columns: int = 2,
        view_only: Iterable[str] = (),
    ) -> None:
        self.controls: dict[str, ipw.Widget] = dict(controls)
        #: controls that only choose which part of the same run is shown (e.g. a step scrubber):
        #: changing only these keeps a revealed prediction revealed.
        self.view_only: frozenset[str] = frozenset(view_only)
        unknown = self.view_only - set(self.controls)
        if unknown:
            raise ValueError(
                f"view_only names unknown control(s) {sorted(unknown)}; "
                f"valid names are: {sorted(self.controls)}"
            )
        self.figure = figure
        self.question = question
        self.status = ipw.HTML(layout=ipw.Layout(min_height="1.6em"))
        self.status.add_class(STATUS_CLASS)
        self.error_box = ipw.HTML(layout=ipw.Layout(display="none"))
        self.error_box.add_class("descent-error")
        self.last_status = Status("")
        self.last_error: BaseException | None = None
        self._holding = False
        self._pending: set[str] = set()
        self._revealed = question is None
        self._run_shown: bool | None = None  # what the view shows now (None: not told yet)
        self.feedback = ipw.HTML()
        self._predict_box = self._build_question() if question is not None else None

        for name, control in self.controls.items():
            if hasattr(control, "value"):
                control.observe(self._make_handler(name), names="value")

        children: list[ipw.Widget] = [_grid(list(self.controls.values()), control_columns)]
        children.extend(extra)
        if self._predict_box is not None:
            children.append(self._predict_box)
        if backend_name() == "ipympl":
            children.append(figure.canvas)
        children.extend([self.status, self.error_box])
        super().__init__(children=children)
        self.add_class(EXPLORER_CLASS)
        self.add_class(f"descent-{type(self).__name__.lower()}")
        self._refresh(set(self.controls))

    # -- subclasses -------------------------------------------------------------------------
    def render(self, changed: frozenset[str]) -> Status:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_revealed(self, revealed: bool) -> None:
        """Show or hide the run's result (predict-then-run). Views override ``set_revealed``."""
        view = getattr(self, "view", None)
        if view is not None and hasattr(view, "set_revealed"):
            view.set_revealed(revealed)

    # -- public -----------------------------------------------------------------------------
    def value(self, name: str) -> Any:
        return canonical(self.controls[name].value)

    def set(self, **values: Any) -> None:
        """Set several controls at once; the explorer redraws once, after all are set.

        View-only controls (a step scrubber) pick a point of the run the other values produce, so
        they are set after that run is drawn, in a second redraw: their range follows the run.
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; valid names are: {sorted(self.controls)}"
            )
        later = {k: values.pop(k) for k in list(values) if k in self.view_only}
        for batch in (values, later):
            with self.hold():
                for name, v in batch.items():
                    place(self.controls[name], v)

    def fit_scrubber(self, name: str, last: int) -> int:
        """Make the scrubber ``name`` (an integer slider over a run's steps) end at ``last``, the
        run's final step, so no part of its track shows nothing new. A scrubber at the end stays
        at the end; one elsewhere keeps its step, clamped into a shorter run. Call it from
        ``render``; it does not start another render. Returns the step to show."""
        control = self.controls[name]
        with self.quietly():
            at_end = control.value >= control.max
            control.max = last  # ipywidgets clamps the value into the new range
            if at_end:
                control.value = last
        return int(control.value)

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Collect control changes and redraw once at the end."""
        if self._holding:
            yield
            return
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            if self._pending:
                changed, self._pending = self._pending, set()
                self._refresh(changed)

    @contextlib.contextmanager
    def quietly(self) -> Iterator[None]:
        """Change controls without starting a render, e.g. from inside ``render``.

        Use it to keep controls consistent with the state just computed (a step scrubber's ``max``
        following the run's length, a control disabled for a function without that parameter);
        the changes made here are not reported to ``render``, and pending changes collected by
        an enclosing :meth:`hold` are kept.
        """
        holding, pending = self._holding, set(self._pending)
        self._holding = True
        try:
            yield
        finally:
            self._holding, self._pending = holding, pending

    def predict(self, guess: Any) -> bool:
        """Commit a prediction (as the Run button does); returns whether it was right."""
        if self.question is None:
            raise ValueError("predict: this explorer was created without a question")
        try:
            correct, why = self.question.answer(self)
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
        verdict = "Right" if right else "Not quite"
        mark = "✔" if right else "✘"
        shown = correct if self.question.choices is not None else f"{float(correct):.4g}"
        self.feedback.value = (
            f"<b>{mark} {verdict}.</b> The answer is <b>{html.escape(str(shown))}</b>: "
            f"{html.escape(why)}"
        )
        self._revealed = True
        with self._states_after_frame():
            with one_frame(self.figure), self._one_blit():
                self._show_run(True)
            self._show_status()
        return right

    # -- internals --------------------------------------------------------------------------
    def _show_run(self, shown: bool) -> None:
        """Have the view show or hide the run, if that changes what it shows: hiding an already
        hidden run would redraw the figure for nothing, before every slider move's own redraw."""
        if self._run_shown is not shown:
            self._run_shown = shown
            self.set_revealed(shown)

    def _make_handler(self, name: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            if canonical(change["new"]) == canonical(change["old"]):  # the browser's copy
                return
            if self._holding:
                self._pending.add(name)
            else:
                self._refresh({name})

        return handler

    def _refresh(self, changed: set[str]) -> None:
        # However many draws an update makes, the browser gets one picture (see one_frame), and
        # the view blits once. The picture leaves first: the widgets' new states (status line,
        # feedback, readouts, a scrubber's range) are sent after it, so the browser is decoding
        # the frame while they travel instead of waiting behind them.
        with self._states_after_frame(), one_frame(self.figure), self._one_blit():
            self._update(changed)

    @contextlib.contextmanager
    def _states_after_frame(self) -> Iterator[None]:
        """Hold every widget of the explorer but the figure (and their layouts) from syncing
        until the block ends; ipywidgets then sends each one's changed state in one message."""
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

    def _one_blit(self) -> contextlib.AbstractContextManager:
        blit = getattr(getattr(self, "view", None), "blit", None)
        return blit.coalesce() if blit is not None else contextlib.nullcontext()

    def _update(self, changed: set[str]) -> None:
        try:
            with warnings.catch_warnings():
                # A numerical warning during an update is a bug to show, not noise to print.
                warnings.simplefilter("error", RuntimeWarning)
                # Scrubbing along a revealed run is not a new setting: the verdict stays.
                keep = self._revealed and bool(changed) and set(changed) <= self.view_only
                if self.question is not None and not keep:
                    self._revealed = False
                    self._show_run(False)
                    self.feedback.value = ""
                status = self.render(frozenset(changed))
        except Exception as exc:  # shown to the learner, inside the explorer
            self.last_error = exc
            self.error_box.value = (
                f"<b>Something went wrong:</b> {html.escape(type(exc).__name__)}: "
                f"{html.escape(str(exc))}"
            )
            self.error_box.layout.display = None
            self.last_status = Status(f"error: {exc}", "error")
            self.status.value = (
                f"<span class='descent-status-error'>⚠ {html.escape(str(exc))}</span>"
            )
            return
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


def _grid(controls: list[ipw.Widget], columns: int) -> ipw.Widget:
    if not controls:
        return ipw.HBox()
    return ipw.GridBox(
        controls,
        layout=ipw.Layout(grid_template_columns=" ".join(["1fr"] * columns), width="100%"),
    )
