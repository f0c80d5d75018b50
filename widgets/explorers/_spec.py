"""The declarative explorer: controls, a pure model, named artists and a status, bound by name.

An explorer's class body declares

- ``controls``: name -> :class:`~._controls.Control` (label, range, scale, default, when it is
  enabled, whether it only changes the view, which controls it follows);
- ``model``: a pure function from the control values (by name, plus the explorer's constructor-only
  ``settings``) to a state, in :mod:`widgets.models`;
- ``describe``: ``state -> Status``, the status line, which is also the figure's text alternative;
- ``artists``: name -> :class:`~._artists.Artist`, each reading the state;
- ``readouts``: name -> ``state -> html`` (numbers beside the figure), and ``answers``: the readouts
  hidden until the learner predicts;
- ``redraw_on``: the controls whose change redraws the static frame (or override ``frame_key``);
- optionally a *layer*: the artists declared ``layer=True`` and what ``layer(axes)`` adds (an
  axis whose limits follow a control), redrawn over a cached picture of the rest whenever
  ``layer_key(state)`` changes — a few ms instead of a full redraw's 100 — after ``draw_layer``
  has set what they show (limits); ``layer`` may split it into groups, each with its own key.

The base class builds and validates the controls (a constructor argument out of range is a
``ValueError`` naming it and its range), checks when the class is defined that every control and
setting is a parameter of the model, caches model results, blits the moving artists over a cached
background or redraws in full, and hides the answers until the first prediction (a note on the
first axes says so). A figure that takes clicks (``on_click``) declares ``click_entry``, the
keyboard's equivalent (``_entry.py``). Hooks for what a declaration does not say:
``layout(figure) -> axes`` (axes, scales, fixed decorations),
``decorate()`` (legends of the declared artists) and ``draw_frame(state)`` (contour fills,
heatmaps, limits: the parts redrawn with the frame); ``declare(settings)`` and
``declare_artists(settings)`` give controls and artists that depend on the settings.
"""

from __future__ import annotations

import contextlib
import inspect
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

import ipywidgets as ipw
import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..models import Question, Status
from ._access import heading
from ._ahead import RunAhead
from ._artists import PRESS_RUN, Artist, same_data
from ._controls import (
    Control,
    Scrubber,
    canonical,
    check_binding,
    grid,
    initial_values,
    place,
    play_for,
)
from ._entry import take_clicks
from ._figure import BlitManager, backend_name, new_figure, one_frame
from ._predict import Prediction

__all__ = ["Explorer"]

_CACHE = 64  # model states kept per explorer (slider positions seen recently)
_DEFAULT_CYCLE = matplotlib.rcParamsDefault["axes.prop_cycle"]


class Explorer(ipw.VBox, Prediction, RunAhead):
    """Base of every explorer (see the module docstring for what a subclass declares)."""

    #: lessons (notebook stems) that show this explorer; read by ``widgets.EXPLORERS``
    lessons: ClassVar[tuple[str, ...]] = ()
    controls: ClassVar[Mapping[str, Control]] = {}  # an instance's ``controls`` are its widgets
    #: constructor-only arguments passed to the model: name -> ``(default, check(name, value))``
    settings: ClassVar[Mapping[str, tuple[Any, Callable[[str, Any], Any]]]] = {}
    model: ClassVar[Callable[..., Any]]
    describe: ClassVar[Callable[[Any], Status]]
    artists: ClassVar[Mapping[str, Artist]] = {}
    readouts: ClassVar[Mapping[str, Callable[[Any], str]]] = {}
    answers: ClassVar[tuple[str, ...]] = ()  # readouts hidden until the learner predicts
    redraw_on: ClassVar[tuple[str, ...]] = ()
    figsize: ClassVar[tuple[float, float]] = (10.0, 4.0)
    columns: ClassVar[int] = 2
    #: the keyboard's equivalent of a click on the figure: (axes index, name in errors, label)
    click_entry: ClassVar[tuple[int, str, str] | None] = None

    #: the state the figure and status line show now
    state: Any = None
    figure: Figure
    axes: tuple[Axes, ...]
    blit: BlitManager

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("model", "describe"):
            fn = cls.__dict__.get(name)
            if inspect.isfunction(fn):  # a plain function in the class body: not a method
                setattr(cls, name, staticmethod(fn))
        if "model" in cls.__dict__ and cls.controls:
            cls.bind(cls.controls)

    @classmethod
    def bind(cls, controls: Mapping[str, Control]) -> None:
        """Check that the model takes every control and setting by name, and needs no other."""
        check_binding(cls.__name__, cls.model, controls, cls.settings)

    @classmethod
    def declare(cls, settings: Mapping[str, Any]) -> Mapping[str, Control]:
        """The controls for these settings; override when they depend on them (one slider per
        racer). Returns ``cls.controls`` by default."""
        return cls.controls

    @classmethod
    def declare_artists(cls, settings: Mapping[str, Any]) -> Mapping[str, Artist]:
        """The artists for these settings: ``cls.artists`` unless overridden (a path per racer)."""
        return cls.artists

    def __init__(self, *, question: Question | None = None, **values: Any) -> None:
        cls = type(self)
        self.settings = {
            n: check(n, values.pop(n, default)) for n, (default, check) in cls.settings.items()
        }
        self.specs = dict(cls.declare(self.settings))
        if cls.declare.__func__ is not Explorer.declare.__func__:
            cls.bind(self.specs)
        unknown = set(values) - set(self.specs)
        if unknown:
            valid = sorted({*self.specs, *cls.settings, "question"})
            raise ValueError(f"unknown argument(s) {sorted(unknown)}; valid names are: {valid}")
        self._values = initial_values(self.specs, values)

        # the figure is the explorer's own: it draws with its declared styles, whatever style
        # the lesson's plots have (style.course_style sets their colour and dash cycle)
        with matplotlib.rc_context({"axes.prop_cycle": _DEFAULT_CYCLE}):
            self.figure = new_figure(cls.figsize)
            self.axes = tuple(self.layout(self.figure))
            self.artist_specs = dict(cls.declare_artists(self.settings))
            if question is not None and any(a.answer for a in self.artist_specs.values()):
                self.artist_specs["press_run"] = PRESS_RUN
            self._artists = {n: a.make(self._axes_of(a)) for n, a in self.artist_specs.items()}
            self.decorate()
        self.blit = BlitManager(self.figure)
        self.blit.add(
            *(self._artists[n] for n, a in self.artist_specs.items() if not (a.static or a.layer))
        )
        layer = self.layer(self.axes)
        groups = [list(g) for g in layer] if isinstance(layer, list) else [list(layer)]
        declared = [self._artists[n] for n, a in self.artist_specs.items() if a.layer]
        groups[-1][:0] = [a for a in declared if all(a not in group for group in groups)]
        self._grouped = len(groups) > 1
        for group in groups:
            self.blit.add_layer(*group)
        self._frame_key, self._layer_key = object(), None  # what was drawn last
        self._drawn: dict = {}  # what each artist last showed
        self._cache: OrderedDict = OrderedDict()

        self.controls: dict[str, ipw.Widget] = {}
        extra: list[ipw.Widget] = []
        for name, spec in self.specs.items():
            widget = spec.widget(self._values[name], self._values)
            if widget is None:
                continue
            self.controls[name] = widget
            widget.observe(self._make_handler(name), names="value")
            if isinstance(spec, Scrubber) and spec.play:
                extra.append(ipw.HBox([play_for(widget), ipw.Label(f"animate {spec.label}")]))
        self.readout_boxes = {n: ipw.HTML() for n in cls.readouts}
        for box in self.readout_boxes.values():
            box.add_class("descent-readout")
        self.view_only = frozenset(n for n, s in self.specs.items() if s.view_only)
        self._holding, self._pending = False, set()
        if self.on_click.__func__ is not Explorer.on_click:
            extra += take_clicks(self, cls.click_entry)

        children: list[ipw.Widget] = [heading(cls), grid(list(self.controls.values()), cls.columns)]
        children += extra + list(self.readout_boxes.values())
        self._setup_question(question)
        if self._predict_box is not None:
            children.append(self._predict_box)
        if backend_name() == "ipympl":
            children.append(self.figure.canvas)
        children += [self.status, self.error_box, self.access]
        super().__init__(children=children)
        self.add_class("descent-explorer")
        self.add_class(f"descent-{cls.__name__.lower()}")
        self._refresh(set(self.specs))

    # -- hooks ------------------------------------------------------------------------------
    def layout(self, figure: Figure) -> tuple[Axes, ...]:
        """Make the axes, their scales and fixed decorations; one row of one axes by default."""
        return (figure.add_subplot(1, 1, 1),)

    def decorate(self) -> None:
        """Add what needs the declared artists, once (a legend of them)."""

    def draw_frame(self, state: Any) -> None:
        """Redraw the static parts that depend on the state (limits, fills); called on the first
        update and whenever :meth:`frame_key` changes."""

    def frame_key(self, state: Any) -> Any:
        """What the static frame depends on; by default the values of ``redraw_on``."""
        return tuple(self._values[n] for n in self.redraw_on)

    def layer(self, axes: tuple[Axes, ...]) -> tuple | list[tuple]:
        """Matplotlib artists of the layer besides the declared ones (``ax.yaxis``); none by
        default. Or a list of groups of them, drawn in that order (the declared ones not in one
        first in the last): a change redraws the groups from the first whose key changed on."""
        return ()

    def layer_key(self, state: Any) -> Any:
        """What the layer depends on (a tuple of one key per group when ``layer`` gives groups);
        a change redraws the layer only. Constant by default."""
        return None

    def draw_layer(self, state: Any) -> None:
        """Set what the layer shows (an axis's limits) before it is drawn; called on every full
        redraw too, after :meth:`draw_frame`."""

    def on_click(self, ax: int, x: float, y: float) -> Mapping[str, Any] | None:
        """Control values to set when the learner clicks at (x, y) on axes ``ax``."""
        return None

    # -- public -----------------------------------------------------------------------------
    def artist(self, name: str):
        """The matplotlib artist declared as ``name`` (tests read the figure through this)."""
        try:
            return self._artists[name]
        except KeyError:
            raise KeyError(f"no artist {name!r}; declared: {sorted(self._artists)}") from None

    def value(self, name: str) -> Any:
        return self._values[name]

    @property
    def alt_text(self) -> str:
        """The figure's text alternative: what it shows now, from the same state as the status."""
        return self.last_status.text

    def set(self, **values: Any) -> None:
        """Set several controls at once (checked like constructor arguments); one redraw.

        View-only controls pick a point of the run the others produce: they are set after it."""
        unknown = set(values) - set(self.specs)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; valid: {sorted(self.specs)}")
        later = {k: values.pop(k) for k in list(values) if k in self.view_only}
        for batch in (values, later):
            with self.hold():
                for name, value in batch.items():
                    value = self.specs[name].check(name, value, self._values)
                    if name in self.controls:
                        place(self.controls[name], value)
                    elif value != self._values[name]:
                        self._values[name] = value
                        self._pending.add(name)

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

    # -- internals --------------------------------------------------------------------------
    def _axes_of(self, artist: Artist):
        return self.figure if artist.ax is None else self.axes[artist.ax]

    def _make_handler(self, name: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            new = canonical(change["new"])
            if new == canonical(change["old"]) or new == self._values.get(name):
                return  # the browser's copy of a value Python set
            before, self._values[name] = self._values.get(name), new
            self._follow(name)
            if self._holding:
                self._pending.add(name)
            else:
                self._look_ahead(name, before)
                self._refresh({name})

        return handler

    def _follow(self, name: str) -> None:
        """Controls that follow ``name`` take their new range and default."""
        for other, spec in self.specs.items():
            if name in spec.follows:
                value = spec.check(other, spec.default_for(self._values), self._values)
                self._values[other] = value
                if other in self.controls:
                    with self._quietly():
                        spec.reconfigure(self.controls[other], self._values, value)
                self._pending.add(other)

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Change widgets without starting an update (their handlers see the values they hold)."""
        holding, pending = self._holding, set(self._pending)
        self._holding = True
        try:
            yield
        finally:
            self._holding, self._pending = holding, pending

    def _key(self, values: Mapping[str, Any]) -> tuple:
        return tuple(tuple(v) if isinstance(v, list) else v for v in map(values.get, self.specs))

    def _state_for(self, values: Mapping[str, Any]) -> Any:
        key = self._key(values)
        if key not in self._cache:
            self._cache[key] = self.model(**values, **self.settings)
            while len(self._cache) > _CACHE:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        return self._cache[key]

    def _refresh(self, changed: set[str]) -> None:
        # One picture per update whatever it draws (one_frame), one blit (coalesce); the
        # widgets' new states leave after the picture (_states_after_frame).
        with self._states_after_frame(), one_frame(self.figure), self.blit.coalesce():
            self._update(changed)

    def render(self, changed: frozenset[str]) -> Status:
        with self._quietly():
            for name, spec in self.specs.items():
                if spec.enabled is not None and name in self.controls:
                    self.controls[name].disabled = not spec.enabled(self._values)
        state = self._state_for(self._values)
        self.state = state
        for name, spec in self.specs.items():
            if isinstance(spec, Scrubber) and name in self.controls:
                with self._quietly():
                    self._values[name] = spec.fit(self.controls[name], self._values[name], state)
        key, keys = self.frame_key(state), self.layer_key(state)
        full, keys = key != self._frame_key, tuple(keys) if self._grouped else (keys,)
        pairs = enumerate(zip(keys, self._layer_key or keys, strict=True))
        first = 0 if full else next((i for i, (a, b) in pairs if a != b), None)  # groups to draw
        if full:
            self.draw_frame(state)
            self._frame_key = key
        if first is not None:
            self.draw_layer(state)
            self._layer_key = keys
        self._show(state, full, first)
        for name, fn in type(self).readouts.items():
            self.readout_boxes[name].value = fn(state)
        return self.describe(state)

    def _show(self, state: Any, full: bool, relayer: int | None = None) -> None:
        """Put the state into the artists it changes (the others stay in the blit's still
        picture); blit, redraw the layer when it changed, or redraw in full when the frame
        changed."""
        revealed, moved = self._revealed, []
        for name, spec in self.artist_specs.items():
            artist, shown = self._artists[name], spec.shown(state, revealed)
            again = full or (relayer is not None and spec.layer)
            if again or not (spec.static or spec.layer):
                now = (shown, spec.read(state))
                if again or not same_data(now, self._drawn.get(name)):
                    spec.update(artist, state, now[1])
                    moved.append(artist)
                    self._drawn[name] = now
            artist.set_visible(shown)
        for name in type(self).answers:
            self.readout_boxes[name].layout.visibility = "visible" if revealed else "hidden"
        background_answers = any(
            (a.static or a.layer) and a.answer for a in self.artist_specs.values()
        )
        variant = revealed if background_answers else None
        if full:
            self.blit.full_redraw(variant)
        elif relayer is not None:
            self.blit.redraw_layer(variant, relayer)
        else:
            self.blit.update(variant, moved)

    def _show_run(self, shown: bool) -> None:
        if self.state is not None:
            self._show(self.state, False)

    def _update(self, changed: set[str]) -> None:
        try:
            with warnings.catch_warnings():
                # A numerical warning during an update is a bug to show, not noise to print.
                warnings.simplefilter("error", RuntimeWarning)
                self._drop_verdict_unless(changed)
                status = self.render(frozenset(changed))
        except Exception as exc:  # shown to the learner, inside the explorer
            self._show_error(exc)
            return
        self._clear_error(status)
