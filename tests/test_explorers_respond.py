"""Every slider of every explorer visibly answers, checked headless (Agg): the same contract the
browser test (tests/browser/test_explorers.py) checks in Chromium, here fast and for every
explorer class in its default configuration.

For each slider that a learner can move: a small move (what ArrowRight then PageUp do) and a large
one (a drag to a quarter or three quarters of the track) must both change the figure's pixels and
the status text. A learning-rate slider at its maximum must make the status say "diverged" over a
figure that still has finite axes (or, where the run cannot diverge, that the loss rose).
"""

from __future__ import annotations

import hashlib
import html
import re

import ipywidgets as ipw
import numpy as np
import pytest

from widgets.explorers import EXPLORERS, Explorer

CLASSES = list(EXPLORERS)
IDS = [cls.__name__ for cls in CLASSES]
# a learning-rate slider: its label names α or the learning rate (not the range test's
# "smallest α", whose top is still a small rate)
LEARNING_RATE = re.compile(r"^(?!smallest).*(α|learning[\s_-]*rate)", re.IGNORECASE)
PAGE = 5  # noUiSlider moves a handle by this many steps on PageUp / PageDown
#: explorers whose largest learning rate cannot make the run diverge, and why; there the status
#: must say instead that the loss rose (the steps overshoot)
CANNOT_DIVERGE = {
    "SoftmaxRegionsExplorer": "the softmax loss's gradient is bounded by √2·max‖x‖, so gradient "
    "descent's weights grow at most linearly and the loss stays finite",
}


def sliders(ex: Explorer) -> dict[str, ipw.Widget]:
    kinds = (ipw.FloatSlider, ipw.FloatLogSlider, ipw.IntSlider, ipw.SelectionSlider)
    return {
        n: c
        for n, c in ex.controls.items()
        if isinstance(c, kinds)
        and not c.disabled
        and getattr(c.layout, "display", None) != "none"
        and getattr(c.layout, "visibility", None) != "hidden"
    }


def status_text(ex: Explorer) -> str:
    """The status as the learner reads it (tags dropped: the CSS class names the kind)."""
    return html.unescape(re.sub(r"<[^>]+>", "", ex.status.value))


def pixels(ex: Explorer) -> str:
    ex.figure.canvas.draw()
    return hashlib.sha1(np.asarray(ex.figure.canvas.buffer_rgba()).tobytes()).hexdigest()


def reveal(ex: Explorer) -> None:
    """Commit a prediction, so an explorer with a question shows its run."""
    if ex.question is not None and not ex._revealed:
        q = ex.question
        ex.predict(q.choices[0] if q.choices else 1.0)


def positions(c) -> tuple[list, int]:
    """The values a slider can take (in order) and the index of the current one."""
    if isinstance(c, ipw.SelectionSlider):
        values = [v[1] if isinstance(v, tuple) else v for v in c.options]
        return values, values.index(c.value)
    if isinstance(c, ipw.FloatLogSlider):
        n = round((c.max - c.min) / c.step)
        values = [c.base ** (c.min + i * c.step) for i in range(n + 1)]
    else:
        n = round((c.max - c.min) / c.step)
        values = [c.min + i * c.step for i in range(n + 1)]
    here = int(np.argmin([abs(v - c.value) for v in values]))
    return values, here


def move(c, index: int, values: list) -> None:
    v = values[index]
    c.value = int(v) if isinstance(c, ipw.IntSlider) else v


def moves(c) -> list[tuple[str, int]]:
    values, here = positions(c)
    last = len(values) - 1
    small = min(here + 1 + PAGE, last) if here < last else max(here - 1 - PAGE, 0)
    target = 0.25 if here / max(last, 1) > 0.5 else 0.75
    return [("keyboard", small), ("drag", round(target * last))]


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_every_slider_changes_pixels_and_status(cls):
    ex = cls()
    failures = []
    for name, c in sliders(ex).items():
        start = c.value
        for how, index in moves(c):
            values, _ = positions(c)
            reveal(ex)
            before = (pixels(ex), status_text(ex))
            move(c, index, values)
            reveal(ex)
            after = (pixels(ex), status_text(ex))
            pairs = zip(("pixels", "status"), before, after, strict=True)
            missing = [what for what, b, a in pairs if b == a]
            if missing:
                failures.append(f"{name} ({how}): no change in {' and '.join(missing)}: {after[1]}")
        c.value = start
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_largest_learning_rate_says_diverged(cls):
    ex = cls()
    rates = {n: c for n, c in sliders(ex).items() if LEARNING_RATE.search(c.description)}
    failures = []
    for name, c in rates.items():
        start = c.value
        values, _ = positions(c)
        move(c, len(values) - 1, values)
        reveal(ex)
        said = "the loss rose" if cls.__name__ in CANNOT_DIVERGE else "diverged"
        if said not in status_text(ex).lower():
            failures.append(f"{name} at its maximum: {status_text(ex)}")
        for ax in ex.figure.axes:
            assert np.all(np.isfinite([*ax.get_xlim(), *ax.get_ylim()]))
        c.value = start
    assert not failures, "\n".join(failures)
