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
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar

import ipywidgets as ipw
from matplotlib.figure import Figure

from ..models import Question, Status
from ._controls import canonical, place
from ._figure import backend_name, one_frame
from ._predict import Prediction

__all__ = ["Explorer", "Question", "Status"]

EXPLORER_CLASS = "descent-explorer"


class Explorer(ipw.VBox, Prediction):
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
        self._holding = False
        self._pending: set[str] = set()
        self._run_shown: bool | None = None  # what the view shows now (None: not told yet)
        self._setup_question(question)

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

    def _graded(self) -> Any:
        """Questions of these explorers are answered from the explorer itself."""
        return self

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

    @property
    def blit(self):
        """The view's blit manager (None for a view without one)."""
        return getattr(getattr(self, "view", None), "blit", None)

    def _one_blit(self) -> contextlib.AbstractContextManager:
        return self.blit.coalesce() if self.blit is not None else contextlib.nullcontext()

    def _update(self, changed: set[str]) -> None:
        try:
            with warnings.catch_warnings():
                # A numerical warning during an update is a bug to show, not noise to print.
                warnings.simplefilter("error", RuntimeWarning)
                self._hide_answer_unless(changed)
                if not self._revealed:
                    self._show_run(False)
                status = self.render(frozenset(changed))
        except Exception as exc:  # shown to the learner, inside the explorer
            self._show_error(exc)
            return
        self._clear_error(status)


def _grid(controls: list[ipw.Widget], columns: int) -> ipw.Widget:
    if not controls:
        return ipw.HBox()
    return ipw.GridBox(
        controls,
        layout=ipw.Layout(grid_template_columns=" ".join(["1fr"] * columns), width="100%"),
    )
