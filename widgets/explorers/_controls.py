"""Control factories: every control gets a visible label, sensible bounds and keyboard operation.

ipywidgets sliders already move with the arrow keys (and PageUp/PageDown, Home/End) once focused;
these helpers fix the label width so Greek letters and units stay readable, and use a logarithmic
slider for quantities that span decades, such as a learning rate.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as ipw
import numpy as np

from .._validate import check_int, check_real

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
    "choice",
    "float_slider",
    "int_slider",
    "log_slider",
    "on_grid",
    "place",
    "play_for",
    "toggle",
]

#: Significant digits a float slider keeps: enough for any setting, few enough to drop the noise
#: of the browser's arithmetic.
DIGITS = 12


class _Gridded:
    """A float slider whose grid passes through every value Python gives it.

    The browser puts a slider on the nearest point of its grid (min + k·step; for a log slider,
    in exponents) and sends that point back as the new value: α = 0.8 on a grid of 1/20 decade
    from 10⁻³ came back as 0.794 the moment a page opened, and the explorer ran with it. So the
    grid's origin (``min``) is moved, by less than one step from the nominal lower end, to pass
    through the value (``place``). The browser's arithmetic still adds float noise (0.8 comes
    back as 0.8000000000000004): explorers read values through ``canonical``.

    The slider itself keeps what the browser sent: a value changed on its way in would be sent
    back, and would undo a key press made meanwhile.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lowest = self.min  # the nominal lower end, in track positions

    def grid_min_through(self, value: float) -> float:
        x = _position(self, value)
        k = math.floor((x - self.lowest) / self.step + 1e-9)
        origin = x - k * self.step
        return self.lowest if abs(origin - self.lowest) < 1e-9 * self.step else origin


class GridFloatSlider(_Gridded, ipw.FloatSlider):
    pass


class GridLogSlider(_Gridded, ipw.FloatLogSlider):
    pass


def _position(slider, value: float) -> float:
    """Where ``value`` sits on the slider's track: the value, or its exponent on a log slider."""
    return math.log(value, slider.base) if isinstance(slider, ipw.FloatLogSlider) else value


def canonical(value):
    """A float rounded to ``DIGITS`` significant digits (anything else as it is)."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{DIGITS}g}")
    return value


def on_grid(slider, value: float | None = None) -> bool:
    """True when ``value`` (default: the slider's) is a point of the slider's grid, so the
    browser shows it as it is instead of moving it to the nearest point."""
    value = slider.value if value is None else value
    k = (_position(slider, value) - slider.min) / slider.step
    return abs(k - round(k)) < 1e-6


def place(slider, value) -> None:
    """Set a control to ``value``; a gridded slider first moves its grid through the value (one
    message to the browser, so it never sees the value on the old grid)."""
    with slider.hold_sync(), slider.hold_trait_notifications():
        if isinstance(slider, _Gridded):
            slider.min = slider.grid_min_through(value)
        slider.value = value


_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "98%"}


def float_slider(
    description: str, value: float, min: float, max: float, step: float, *, fmt: str = ".3g"
) -> ipw.FloatSlider:
    slider = GridFloatSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=True,
        style=_STYLE,
        layout=ipw.Layout(**_LAYOUT),
    )
    place(slider, value)
    return slider


def log_slider(
    description: str,
    value: float,
    min: float,
    max: float,
    *,
    steps_per_decade: int = 20,
    fmt: str = ".3g",
) -> ipw.FloatLogSlider:
    """A slider over [min, max] on a log scale (``FloatLogSlider`` works in exponents)."""
    slider = GridLogSlider(
        value=value,
        base=10,
        min=math.log10(min),
        max=math.log10(max),
        step=1.0 / steps_per_decade,
        description=description,
        readout_format=fmt,
        continuous_update=True,
        style=_STYLE,
        layout=ipw.Layout(**_LAYOUT),
    )
    place(slider, value)
    return slider


def int_slider(description: str, value: int, min: int, max: int, step: int = 1) -> ipw.IntSlider:
    return ipw.IntSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        continuous_update=True,
        style=_STYLE,
        layout=ipw.Layout(**_LAYOUT),
    )


def choice(description: str, options, value=None) -> ipw.Dropdown:
    options = list(options)
    return ipw.Dropdown(
        options=options,
        value=options[0][1]
        if value is None and isinstance(options[0], tuple)
        else (options[0] if value is None else value),
        description=description,
        style=_STYLE,
        layout=ipw.Layout(**_LAYOUT),
    )


def toggle(description: str, value: bool = False) -> ipw.Checkbox:
    return ipw.Checkbox(value=value, description=description, indent=False, style=_STYLE)


def play_for(slider: ipw.IntSlider, *, interval_ms: int = 120) -> ipw.Play:
    """A Play button that steps ``slider`` through its range (animates a trajectory)."""
    play = ipw.Play(
        value=slider.value,
        min=slider.min,
        max=slider.max,
        step=1,
        interval=interval_ms,
        description="Play",
        show_repeat=False,
    )
    # Keep the Play range in step with the slider's when steps change, and its value too: the
    # browser's link starts by giving the slider the Play's value, so a Play left at the value
    # the slider had when it was made would move the slider back there when the page opens.
    ipw.dlink((slider, "max"), (play, "max"))
    ipw.dlink((slider, "value"), (play, "value"))
    ipw.jslink((play, "value"), (slider, "value"))
    return play


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
