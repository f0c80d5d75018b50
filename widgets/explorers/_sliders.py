"""Control factories: every control gets a visible label, sensible bounds and keyboard operation.

ipywidgets sliders already move with the arrow keys (and PageUp/PageDown, Home/End) once focused;
these helpers fix the label width so Greek letters and units stay readable, and use a logarithmic
slider for quantities that span decades, such as a learning rate.
"""

from __future__ import annotations

import math

import ipywidgets as ipw

__all__ = [
    "DIGITS",
    "GridFloatSlider",
    "GridLogSlider",
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
