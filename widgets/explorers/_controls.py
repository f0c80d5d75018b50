"""Declarations of an explorer's controls (``Slider``, ``LogSlider``, ``Choice``, …): label,
range, scale, default, when enabled, whether view-only; each builds its widget with the factories
of ``_sliders.py`` and checks a value against its range (a value out of range is an error naming
the range, never clipped)."""

from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as ipw
import numpy as np

from .._validate import check_int, check_real
from ._sliders import (
    _LAYOUT,
    _STYLE,
    canonical,
    choice,
    float_slider,
    int_slider,
    log_slider,
    on_grid,
    place,
    play_for,
    toggle,
)

__all__ = [
    "Choice",
    "Control",
    "Hidden",
    "IntSlider",
    "LogSlider",
    "Scrubber",
    "Slider",
    "Steps",
    "Toggle",
    "canonical",
    "check_binding",
    "choice",
    "float_slider",
    "grid",
    "initial_values",
    "int_slider",
    "log_slider",
    "on_grid",
    "place",
    "play_for",
    "toggle",
]

# -------------------------------------------------------------------------------------------------
# Declarations: what an explorer's class body says about each control
# -------------------------------------------------------------------------------------------------
Values = Mapping[str, Any]


def _resolve(spec, values: Values, follows: tuple[str, ...]):
    """A declared constant, or a function of the followed controls' values."""
    return spec(**{n: values[n] for n in follows}) if callable(spec) else spec


@dataclass(frozen=True)
class Control:
    """A control an explorer declares once: its visible label, its default and what it depends on.

    Args:
        label: the visible label, also the control's accessible name.
        default: the value when the constructor gives none.
        enabled: ``values -> bool`` over every control's value: whether the control does
            anything in this setting (it is disabled, not hidden, when it does not).
        view_only: the control only chooses what part of the same run is shown (a step
            scrubber): moving it keeps a revealed prediction revealed.
        follows: names of controls this one depends on; ``default``, and a slider's range and
            label, may then be functions taking those controls' values by name. When a followed
            control changes, this one takes its new range and its new default.
    """

    label: Any
    default: Any = None
    enabled: Callable[[Values], bool] | None = None
    view_only: bool = False
    follows: tuple[str, ...] = ()

    def configure(self, values: Values) -> dict:
        """The widget settings this control has for the followed controls' ``values``."""
        return {"description": _resolve(self.label, values, self.follows)}

    def default_for(self, values: Values) -> Any:
        return _resolve(self.default, values, self.follows)

    def check(self, name: str, value: Any, values: Values) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def widget(self, value: Any, values: Values) -> ipw.Widget:  # pragma: no cover - abstract
        raise NotImplementedError

    def reconfigure(self, widget: ipw.Widget, values: Values, value: Any) -> None:
        """Give ``widget`` the settings and value it has for the followed controls' values."""
        with widget.hold_sync(), widget.hold_trait_notifications():
            for key, v in self.configure(values).items():
                setattr(widget, key, v)
            widget.value = value


@dataclass(frozen=True)
class Slider(Control):
    """A float slider over ``[lo, hi]`` in steps of ``step`` (each may follow other controls)."""

    lo: Any = 0.0
    hi: Any = 1.0
    step: Any = 0.01
    fmt: str = ".3g"

    def bounds(self, values: Values) -> tuple[float, float]:
        f = self.follows
        return float(_resolve(self.lo, values, f)), float(_resolve(self.hi, values, f))

    def check(self, name: str, value: Any, values: Values) -> float:
        lo, hi = self.bounds(values)
        return check_real(name, value, low=lo, high=hi)

    def configure(self, values: Values) -> dict:
        lo, hi = self.bounds(values)
        step = float(_resolve(self.step, values, self.follows))
        return {**super().configure(values), "min": lo, "max": hi, "step": step}

    def widget(self, value: float, values: Values) -> ipw.Widget:
        c = self.configure(values)
        return float_slider(c["description"], value, c["min"], c["max"], c["step"], fmt=self.fmt)

    def reconfigure(self, widget: ipw.Widget, values: Values, value: Any) -> None:
        c = self.configure(values)
        with widget.hold_sync(), widget.hold_trait_notifications():
            widget.description = c["description"]
            # set the far end first, so min never exceeds max on the way
            if c["min"] > widget.max:
                widget.max, widget.min = c["max"], c["min"]
            else:
                widget.min, widget.max = c["min"], c["max"]
            widget.step, widget.lowest = c["step"], c["min"]
            place(widget, value)


@dataclass(frozen=True)
class LogSlider(Slider):
    """A slider over ``[lo, hi]`` on a log scale, ``steps_per_decade`` positions a decade."""

    steps_per_decade: int = 20

    def check(self, name: str, value: Any, values: Values) -> float:
        """Checked as the slider delivers it: its track is in exponents, so its end is
        10**log10(hi), which can differ from ``hi`` in the last bit (20.000000000000004); a value
        is read to ``DIGITS`` digits (``canonical``), as the slider's own values are."""
        lo, hi = self.bounds(values)
        return check_real(name, canonical(value), low=lo, high=hi, low_open=lo <= 0)

    def configure(self, values: Values) -> dict:
        """Track positions of a log slider are exponents: its min, max and step are too."""
        lo, hi = self.bounds(values)
        exponents = {
            "min": math.log10(lo),
            "max": math.log10(hi),
            "step": 1 / self.steps_per_decade,
        }
        return {**Control.configure(self, values), **exponents}

    def widget(self, value: float, values: Values) -> ipw.Widget:
        lo, hi = self.bounds(values)
        label = self.configure(values)["description"]
        return log_slider(
            label, value, lo, hi, steps_per_decade=self.steps_per_decade, fmt=self.fmt
        )


@dataclass(frozen=True)
class IntSlider(Slider):
    """An integer slider over ``[lo, hi]``."""

    step: Any = 1

    def check(self, name: str, value: Any, values: Values) -> int:
        lo, hi = self.bounds(values)
        return check_int(name, value, low=int(lo), high=int(hi))

    def widget(self, value: int, values: Values) -> ipw.Widget:
        c = self.configure(values)
        return int_slider(c["description"], value, int(c["min"]), int(c["max"]), int(c["step"]))

    def reconfigure(self, widget: ipw.Widget, values: Values, value: Any) -> None:
        Control.reconfigure(self, widget, values, value)


@dataclass(frozen=True)
class Scrubber(IntSlider):
    """A step t along the run the other controls produce, from 0 to ``last(state)``; it stays at
    the end of the run when it was there. View-only, with a Play button when ``play``."""

    last: Callable[[Any], int] = lambda state: 0
    play: bool = True
    view_only: bool = True
    default: Any = None  # None: the end of the run

    #: what the model is given for "the end of the run, however long it is"
    END = sys.maxsize

    def check(self, name: str, value: Any, values: Values) -> int:
        return check_int(name, value, low=0)

    def reconfigure(self, widget: ipw.Widget, values: Values, value: Any) -> None:
        """Follow a control: the label, and the new value unless it is the end of the run (the
        range is the run's, set when the new state is drawn, which then puts it at the end)."""
        with widget.hold_sync():
            widget.description = self.configure(values)["description"]
            if value != Scrubber.END:
                widget.value = min(int(value), widget.max)

    def fit(self, widget: ipw.Widget, value: Any, state: Any) -> Any:
        """Give the slider the new run's range; it stays at the end if it was there. Returns
        the value the model is given next (``END`` at the end)."""
        last = int(self.last(state))
        at_end = value >= widget.max or value == Scrubber.END
        widget.max = last
        widget.value = last if at_end else min(int(widget.value), last)
        return Scrubber.END if widget.value == last else int(widget.value)


@dataclass(frozen=True)
class Choice(Control):
    """A dropdown; ``options`` maps each visible label to its value (or lists the values)."""

    options: Any = ()

    def pairs(self, values: Values) -> list[tuple[str, Any]]:
        options = _resolve(self.options, values, self.follows)
        if isinstance(options, Mapping):
            return [(str(k), v) for k, v in options.items()]
        return [(str(v), v) for v in options]

    def check(self, name: str, value: Any, values: Values) -> Any:
        valid = [v for _, v in self.pairs(values)]
        if value not in valid:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, valid))}; got {value!r}")
        return value

    def configure(self, values: Values) -> dict:
        return {**super().configure(values), "options": self.pairs(values)}

    def reconfigure(self, widget: ipw.Widget, values: Values, value: Any) -> None:
        """New options only when they differ: setting them resets the widget to the first one,
        which its handler would take for the learner's choice."""
        c = self.configure(values)
        with widget.hold_sync(), widget.hold_trait_notifications():
            widget.description = c["description"]
            if [tuple(o) for o in widget.options] != [tuple(o) for o in c["options"]]:
                widget.options = c["options"]
            widget.value = value

    def widget(self, value: Any, values: Values) -> ipw.Widget:
        c = self.configure(values)
        return choice(c["description"], c["options"], value)


@dataclass(frozen=True)
class Steps(Choice):
    """A slider over a few discrete values (e.g. batch sizes), labelled as ``options`` says."""

    def widget(self, value: Any, values: Values) -> ipw.Widget:
        c = self.configure(values)
        return ipw.SelectionSlider(
            options=c["options"],
            value=value,
            description=c["description"],
            continuous_update=True,
            style=_STYLE,
            layout=ipw.Layout(**_LAYOUT),
        )


@dataclass(frozen=True)
class Toggle(Control):
    """A checkbox."""

    default: Any = False

    def check(self, name: str, value: Any, values: Values) -> bool:
        if not isinstance(value, bool | np.bool_):
            raise TypeError(f"{name} must be True or False, got {value!r}")
        return bool(value)

    def widget(self, value: bool, values: Values) -> ipw.Widget:
        return toggle(self.configure(values)["description"], value)


@dataclass(frozen=True)
class Hidden(Control):
    """A value with no widget of its own (a start point set by a click): ``check(name, value)``
    validates it and returns it hashable."""

    label: Any = ""
    check_value: Callable[[str, Any], Any] = lambda name, value: value

    def check(self, name: str, value: Any, values: Values) -> Any:
        return self.check_value(name, value)

    def widget(self, value: Any, values: Values) -> None:
        return None


def check_binding(
    explorer: str, model: Callable, controls: Mapping[str, Control], settings: Mapping[str, Any]
) -> None:
    """The model takes every control and setting by name and needs no other (checked when an
    explorer class is defined); controls follow only controls."""
    params = inspect.signature(model).parameters
    names = set(controls) | set(settings)
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    missing = sorted(names - set(params)) if not takes_any else []
    needed = {
        n
        for n, p in params.items()
        if p.default is p.empty and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    }
    unbound = sorted(needed - names)
    if missing or unbound:
        raise TypeError(
            f"{explorer}: the model {model.__name__}() "
            + (f"takes no parameter for the controls/settings {missing}" if missing else "")
            + ("; " if missing and unbound else "")
            + (f"needs {unbound}, which no control or setting gives" if unbound else "")
        )
    unknown = {f for c in controls.values() for f in c.follows} - set(controls)
    if unknown:
        raise TypeError(f"{explorer}: controls follow unknown controls {sorted(unknown)}")


def grid(controls: list[ipw.Widget], columns: int) -> ipw.Widget:
    """The controls in a grid of ``columns`` equal columns."""
    if not controls:
        return ipw.HBox()
    return ipw.GridBox(
        controls,
        layout=ipw.Layout(grid_template_columns=" ".join(["1fr"] * columns), width="100%"),
    )


def initial_values(specs: Mapping[str, Control], given: Mapping[str, Any]) -> dict[str, Any]:
    """Every control's first value: the one given (checked), else its default, in the order
    declared (a control that follows another is declared after it); a scrubber without a
    default starts at the end of the run."""
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        if name in given:
            values[name] = spec.check(name, given[name], values)
        elif isinstance(spec, Scrubber) and spec.default is None:
            values[name] = Scrubber.END
        else:
            values[name] = spec.check(name, spec.default_for(values), values)
    return values
