"""Sliders show the value Python gave them: the browser never moves it to another grid point.

A browser puts a slider on the nearest point of its grid (min + k·step; for a log slider, in
exponents) and sends that point back as the new value. Before the grids were anchored, lesson 04's
dashboard turned α = 0.8 into 0.794 and α = 0.08 into 0.0794 the moment the page opened (seen in
Chromium: the kernel received ``{"value": 0.7943282347242822}``), and the explorers ran with those.
``browser_value`` below does the browser's arithmetic (ipywidgets' slider views: noUiSlider's
nearest step, then ``Math.pow(base, exponent)`` for a log slider).
"""

from __future__ import annotations

import math

import ipywidgets as ipw
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from widgets.explorers import EXPLORERS, Descent1DExplorer, Explorer
from widgets.explorers import _controls as ctl


def browser_value(slider) -> float:
    """The value a browser sends back after showing ``slider``."""
    log = isinstance(slider, ipw.FloatLogSlider)
    x = math.log10(slider.value) if log else slider.value
    x = slider.min + round((x - slider.min) / slider.step) * slider.step
    x = min(max(x, slider.min), slider.max)
    return slider.base**x if log else x


def float_sliders(ex: Explorer):
    return {
        n: c for n, c in ex.controls.items() if isinstance(c, ipw.FloatSlider | ipw.FloatLogSlider)
    }


LESSON_SETTINGS = [  # explorers whose values are not on the default grids (lessons 03, 04, 06)
    (Descent1DExplorer, dict(curvature=2.0, alpha=0.8)),
    (Descent1DExplorer, dict(objective="quartic", start=2.5, alpha=0.08)),
    (Descent1DExplorer, dict(alpha=0.5)),
]


@pytest.mark.parametrize(
    "cls, kwargs",
    [(cls, {}) for cls in EXPLORERS] + LESSON_SETTINGS,
    ids=[c.__name__ for c in EXPLORERS] + [f"lesson-{i}" for i in range(len(LESSON_SETTINGS))],
)
def test_every_float_slider_shows_its_value_unchanged(cls, kwargs):
    ex = cls(**kwargs)
    renders, render = [], ex.render
    ex.render = lambda changed: renders.append(changed) or render(changed)
    for name, slider in float_sliders(ex).items():
        assert ctl.on_grid(slider), name
        sent_back = browser_value(slider)
        assert sent_back == pytest.approx(slider.value, rel=1e-12, abs=1e-15), name
        value, status = ex.value(name), ex.last_status.text
        slider.set_state({"value": sent_back})  # what the browser sends: float noise at most
        assert ex.value(name) == value, name  # the explorer reads the value Python gave
        assert renders == [] and ex.last_status.text == status  # and does not run again


@settings(max_examples=300, deadline=None)
@given(
    value=st.floats(1e-3, 1e3),
    steps_per_decade=st.sampled_from([4, 10, 20]),
)
@example(value=1e-3, steps_per_decade=4)
@example(value=1e3, steps_per_decade=20)
@example(value=1e3, steps_per_decade=4)
@example(value=1e-3, steps_per_decade=20)
@example(value=0.0794328, steps_per_decade=10)  # lesson 04's 0.08 moved by the browser
def test_a_log_slider_grid_passes_through_any_value(value, steps_per_decade):
    value = float(f"{value:.6g}")
    slider = ctl.log_slider("α", value, 1e-3, 1e3, steps_per_decade=steps_per_decade)
    assert slider.value == value
    assert ctl.on_grid(slider)
    # the grid's start is value's exponent minus k steps: rounding of a few ulps of |exponent| ≤ 3
    # (about 1e-15) at most, so 1e-12 is room enough for the upper end
    assert math.log10(1e-3) <= slider.min < math.log10(1e-3) + slider.step + 1e-12
    # what the browser sends back is the value, up to float noise that canonical() drops
    assert ctl.canonical(browser_value(slider)) == value


@settings(max_examples=300, deadline=None)
@given(a=st.floats(-2.5, 2.5), b=st.floats(-2.5, 2.5))
@example(a=-2.5, b=2.5)
@example(a=2.5, b=-2.5)
@example(a=-2.5, b=-2.5)
@example(a=0.0, b=0.0)
@example(a=0.123456, b=-2.499999)
def test_placing_a_value_moves_the_grid_in_one_message(a, b):
    a, b = float(f"{a:.6g}"), float(f"{b:.6g}")
    slider = ctl.float_slider("w₀", a, -2.5, 2.5, 0.05)
    messages = []
    slider.send_state = lambda key=None: messages.append(set(key or ()))
    ctl.place(slider, b)
    assert slider.value == b and ctl.on_grid(slider)
    assert -2.5 <= slider.min < -2.5 + 0.05 + 1e-12
    if slider.min != -2.5 or b != a:
        assert len(messages) == 1  # value and grid together: the browser never sees them apart


def test_values_on_the_nominal_grid_keep_its_ends():
    slider = ctl.float_slider("μ", 0.3, 0.0, 0.99, 0.01)
    assert slider.min == 0.0 and slider.value == 0.3
    log = ctl.log_slider("α", 0.01, 1e-3, 1e3)
    assert log.min == -3.0 and log.value == 0.01


def test_explorer_set_moves_the_grid():
    ex = Descent1DExplorer()
    ex.set(alpha=0.8)
    assert ex.value("alpha") == 0.8 and ctl.on_grid(ex.controls["alpha"])
    assert "1 − αc = 0.2 " in ex.last_status.text  # α·c = 0.8 exactly, not 0.794
