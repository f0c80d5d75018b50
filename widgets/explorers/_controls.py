"""Control factories: every control gets a visible label, sensible bounds and keyboard operation.

ipywidgets sliders already move with the arrow keys (and PageUp/PageDown, Home/End) once focused;
these helpers fix the label width so Greek letters and units stay readable, and use a logarithmic
slider for quantities that span decades, such as a learning rate.
"""

from __future__ import annotations

import ipywidgets as ipw

__all__ = ["choice", "float_slider", "int_slider", "log_slider", "play_for", "toggle"]

_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "98%"}


def float_slider(
    description: str, value: float, min: float, max: float, step: float, *, fmt: str = ".3g"
) -> ipw.FloatSlider:
    return ipw.FloatSlider(
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
    import math

    return ipw.FloatLogSlider(
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
    ipw.jslink((play, "value"), (slider, "value"))
    # Keep the Play range in step with the slider's when steps change.
    ipw.dlink((slider, "max"), (play, "max"))
    return play
