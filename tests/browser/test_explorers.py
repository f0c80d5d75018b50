"""Every explorer on every dashboard answers its sliders in a real browser.

Explorers are found in the page, not listed: an explorer is an element with the class
`descent-explorer` (an ipywidgets VBox) holding an ipympl canvas, sliders and a status widget with
the class `descent-status`. For each slider the tests move it with the keyboard and with the
mouse and check that the figure's pixels and the status text change; a slider named "α" or
"learning rate" pushed to its maximum must produce a status containing "diverged" (or, for an
explorer whose run cannot diverge, "the loss rose") and a figure that is still drawn.
"""

from __future__ import annotations

import math
import os
import re
import time

import pytest
from voila_harness import (
    EXPLORER_CLASS,
    STATUS_CLASS,
    canvas_signature,
    install_probes,
    kernel_idle,
    lesson_notebooks,
    page_problems,
    press_run,
    wait_until,
)

LESSON_DASHBOARDS = [
    pytest.param(p.name, id=p.stem) for p in lesson_notebooks() if not p.name.startswith("00_")
] or [
    pytest.param(None, id="no-lessons", marks=pytest.mark.skip(reason="no lessons/01_*.ipynb yet"))
]
# a learning-rate slider: its label names α or the learning rate (not the range test's
# "smallest α", whose top is still a small rate)
LEARNING_RATE = re.compile(r"^(?!smallest).*(α|learning[\s_-]*rate)", re.IGNORECASE)
RESPONSE_TIMEOUT = 5.0
#: explorers (by their class marker) whose largest learning rate cannot make the run diverge
#: (tests/test_explorers_respond.py's CANNOT_DIVERGE says why): their status must say instead
#: that the loss rose
CANNOT_DIVERGE = ("descent-softmaxregionsexplorer",)


def explorer_locator(page, index: int):
    return page.locator(f".{EXPLORER_CLASS}").nth(index)


def status_text(page, index: int) -> str:
    return explorer_locator(page, index).locator(f".{STATUS_CLASS}").first.inner_text()


def figure_text(page, index: int) -> str | None:
    """The accessible name of the explorer's figure (an image named by the status line)."""
    figure = explorer_locator(page, index).locator(".jupyter-matplotlib-canvas-div").first
    return figure.get_attribute("aria-label")


def feedback_locator(page, index: int):
    """The feedback line of a predict-then-run question, or None for an explorer without one."""
    question = explorer_locator(page, index).locator(".descent-question")
    return question.locator(".widget-html").last if question.count() else None


def wait_until_shown(page, index: int, done, describe) -> None:
    """Poll ``done()`` until it holds, answering the explorer's question whenever its run is
    hidden.

    An explorer with a question hides its run until the learner's first prediction; after that
    a change of setting shows its run at once and only empties the feedback line (the verdict
    was about the setting predicted). Run is pressed (at most twice a second) whenever that line
    is empty, so every setting is checked with its verdict, as a learner who predicts each time
    sees it. Moving a view-only control (a step scrubber) keeps the verdict.
    """
    feedback = feedback_locator(page, index)
    deadline = time.monotonic() + RESPONSE_TIMEOUT
    last_run = -math.inf
    while True:
        hidden = feedback is not None and not feedback.inner_text().strip()
        if not hidden and done():
            return
        if time.monotonic() > deadline:
            raise AssertionError(describe(hidden))
        if hidden and time.monotonic() - last_run > 0.5:
            press_run(explorer_locator(page, index).locator(".descent-question"))
            last_run = time.monotonic()
        page.wait_for_timeout(50)


def wait_for_response(page, index: int, before_sig: dict, before_status: str, what: str) -> None:
    """Wait until the explorer shows a run whose canvas pixels and status text both differ from
    before."""
    seen = {}
    described = explorer_locator(page, index).locator(".descent-access").count() > 0

    def changed() -> bool:
        sig, status = canvas_signature(page, index), status_text(page, index)
        seen.update(sig=sig, status=status, alt=figure_text(page, index))
        seen["pixels"] = sig["hash"] != before_sig["hash"] and sig["ink"] > 0
        seen["text"] = status != before_status
        # the figure's text alternative is the status line (widgets/explorers/_access.js; the
        # fixture's hand-made explorers do not carry it)
        seen["alt"] = not described or seen["alt"] == f"Figure: {status.strip()}"
        # and the kernel has had the control's last value: the first answer may be to a value
        # the handle passed through, while the one it rests on is still on its way
        seen["idle"] = kernel_idle(page)
        return seen["pixels"] and seen["text"] and seen["alt"] and seen["idle"]

    def describe(hidden: bool) -> str:
        if hidden:
            return (
                f"explorer {index}, {what}: pressing Run showed no run for "
                f"{RESPONSE_TIMEOUT:.0f} s (status {status_text(page, index)!r})"
            )
        shots = os.environ.get("DESCENT_BROWSER_SHOTS")
        if shots:
            name = re.sub(r"\W+", "_", f"{index}_{what}")
            explorer_locator(page, index).screenshot(path=os.path.join(shots, name + ".png"))
        missing = [
            name
            for name, ok in (
                ("canvas pixels", seen.get("pixels")),
                ("status text", seen.get("text")),
                ("the figure's text alternative", seen.get("alt")),
                ("an idle kernel (a message still unanswered)", seen.get("idle")),
            )
            if not ok
        ]
        return (
            f"explorer {index}, {what}: no change in {' and '.join(missing)} after "
            f"{RESPONSE_TIMEOUT:.0f} s (status {seen.get('status')!r}; canvas {before_sig} -> "
            f"{seen.get('sig')})"
        )

    wait_until_shown(page, index, changed, describe)


def reveal(page, index: int) -> None:
    """Make an explorer with a question show its run (nothing to do for one without)."""
    wait_until_shown(
        page,
        index,
        lambda: True,
        lambda _: (
            f"explorer {index}: pressing Run showed no feedback (status "
            f"{status_text(page, index)!r}); did the explorer's answer raise?"
        ),
    )


def handle_value(handle) -> float:
    """The handle's position in the slider's own units (a log slider's exponent), unrounded.

    noUiSlider's own API gives it: aria-valuenow is rounded to one decimal, and aria-valuetext
    says the value as the readout shows it (the explorers' pages make it so, for screen
    readers)."""
    return float(
        handle.evaluate(
            """(h) => {
              const api = h.closest('.noUi-target').noUiSlider;
              return api ? Number(api.get(true)) : Number(h.getAttribute('aria-valuenow'));
            }"""
        )
    )


def handle_range(handle) -> tuple[float, float]:
    return float(handle.get_attribute("aria-valuemin")), float(
        handle.get_attribute("aria-valuemax")
    )


def press_keys(page, index: int, handle, keys: list[str], what: str) -> None:
    reveal(page, index)
    before_sig, before_status = canvas_signature(page, index), status_text(page, index)
    before_value = handle_value(handle)
    for key in keys:
        handle.focus()
        page.keyboard.press(key)
    if handle_value(handle) == before_value:
        raise AssertionError(f"explorer {index}, {what}: the value did not move")
    wait_for_response(page, index, before_sig, before_status, what)


def drag(page, index: int, handle, what: str) -> None:
    """Drag the handle with the mouse to a quarter or three quarters of its track."""
    reveal(page, index)
    before_sig, before_status = canvas_signature(page, index), status_text(page, index)
    before_value = handle_value(handle)
    low, high = handle_range(handle)
    fraction = (before_value - low) / (high - low) if high > low else 0.0
    target = 0.25 if fraction > 0.5 else 0.75
    track = handle.locator("xpath=ancestor::div[contains(@class,'noUi-base')]").bounding_box()
    box = handle.bounding_box()
    if not (track and box):
        raise AssertionError(f"explorer {index}, {what}: the slider is not visible")
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + target * track["width"], y, steps=8)
    page.mouse.up()
    if handle_value(handle) == before_value:
        raise AssertionError(f"explorer {index}, {what}: the drag did not move it")
    wait_for_response(page, index, before_sig, before_status, what)


def restore(page, index: int, slider, text: str) -> None:
    """Type a slider's former value into its readout, so the next slider starts from the
    explorer's own starting state rather than from wherever this one was left."""
    readout = slider.locator(".widget-readout")
    if readout.count() == 0 or readout.inner_text() == text:
        return
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)


def painted(page, index: int) -> dict:
    """How many frames the explorer's figure has painted, and how many of them were parts of a
    picture (the rectangles that changed, widgets/explorers/_access.js)."""
    figure = explorer_locator(page, index).locator(".jupyter-matplotlib").first
    return figure.evaluate(
        "(el) => ({frames: Number(el.dataset.descentFrames || 0),"
        " parts: Number(el.dataset.descentParts || 0)})"
    )


def parts_match_whole(page, index: int) -> None:
    """After the moves, the picture built from parts equals the whole frame the kernel sends
    on request, pixel for pixel; and parts were sent (not only whole frames)."""
    wait_until(lambda: kernel_idle(page), 10, message="an idle kernel")
    settled = painted(page, index)
    while True:  # the last frames of the last move may still be on their way
        page.wait_for_timeout(300)
        now = painted(page, index)
        if now == settled:
            break
        settled = now
    if not settled["parts"]:
        raise AssertionError(f"explorer {index}: every frame was sent whole ({settled})")
    before = canvas_signature(page, index)["hash"]
    explorer_locator(page, index).locator(".jupyter-matplotlib-canvas-div").first.evaluate(
        "(figure) => figure.descentWholeFrame()"
    )
    wait_until(
        lambda: painted(page, index)["frames"] > settled["frames"],
        10,
        message=f"explorer {index}: the whole frame asked for",
    )
    after = canvas_signature(page, index)["hash"]
    if after != before:
        raise AssertionError(
            f"explorer {index}: the picture built from {settled['parts']} parts differs from "
            f"the whole frame (hash {before} -> {after})"
        )


def contract_problems(page) -> list[str]:
    """Figures with sliders must be explorers, and explorers must carry all their parts."""
    return page.evaluate(
        """([EXPLORER, STATUS]) => {
          const problems = [];
          document.querySelectorAll('.jp-OutputArea-output').forEach((out, i) => {
            const hasFigure = out.querySelector('.jupyter-matplotlib');
            const loose = [...out.querySelectorAll('.widget-slider')]
              .filter((s) => !s.closest('.' + EXPLORER));
            if (hasFigure && loose.length)
              problems.push(`output ${i}: a figure with sliders outside any .${EXPLORER}`);
          });
          document.querySelectorAll('.' + EXPLORER).forEach((root, i) => {
            if (!root.querySelector('.jupyter-matplotlib-canvas-div canvas'))
              problems.push(`explorer ${i}: no ipympl canvas`);
            if (!root.querySelector('.widget-slider .noUi-handle'))
              problems.push(`explorer ${i}: no slider`);
            if (!root.querySelector('.' + STATUS)) problems.push(`explorer ${i}: no .${STATUS}`);
          });
          return problems;
        }""",
        [EXPLORER_CLASS, STATUS_CLASS],
    )


def exercise_explorers(dash) -> dict[str, int]:
    """Drive every slider of every explorer; returns counts of what was exercised and fails with
    the list of every slider that did not answer."""
    page = dash.page
    install_probes(page)
    problems = contract_problems(page)
    assert not problems, "explorer contract:\n  " + "\n  ".join(problems)
    counts = {"explorers": 0, "sliders": 0, "diverged": 0}
    failures: list[str] = []
    # every frame below arrives after the page was ready: none may be re-encoded as a data URL
    # (the descent template stops ipympl from doing it, see its index.html.j2)
    page.evaluate("() => { window.__descent.dataUrls = 0; }")

    def attempt(action, *args) -> bool:
        try:
            action(*args)
            return True
        except AssertionError as error:
            failures.append(str(error))
            return False

    for index in range(page.locator(f".{EXPLORER_CLASS}").count()):
        counts["explorers"] += 1
        root = explorer_locator(page, index)
        root.scroll_into_view_if_needed()
        sliders = root.locator(".widget-slider")
        rate_handles = []
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            label = slider.locator(".widget-label").first.inner_text()
            handles = slider.locator(".noUi-handle")
            if not slider.is_visible() or slider.locator(".noUi-target[disabled]").count():
                continue  # a control the explorer hides or disables is not the learner's to move
            for h in range(handles.count()):
                handle = handles.nth(h)
                what = f"slider {label!r}"
                handle.scroll_into_view_if_needed()
                _, high = handle_range(handle)
                readout = slider.locator(".widget-readout")
                single = handles.count() == 1 and readout.count() == 1
                start_text = readout.first.inner_text() if single else None
                keys = (
                    ["ArrowRight", "PageUp"]
                    if handle_value(handle) < high
                    else ["ArrowLeft", "PageDown"]
                )
                ok = attempt(press_keys, page, index, handle, keys, f"{what} (keyboard)")
                ok = attempt(drag, page, index, handle, f"{what} (mouse)") and ok
                counts["sliders"] += ok
                if start_text is not None:
                    restore(page, index, slider, start_text)
                if LEARNING_RATE.search(label):
                    rate_handles.append((label, handle))
        classes = (root.get_attribute("class") or "").split()
        said = "the loss rose" if set(CANNOT_DIVERGE) & set(classes) else "diverged"
        for label, handle in rate_handles:
            counts["diverged"] += attempt(push_to_divergence, page, index, label, handle, said)
        if root.locator(".descent-access").count() and counts["sliders"]:
            attempt(parts_match_whole, page, index)
    seen = page.evaluate("() => [window.__descent.sent, window.__descent.undecoded]")
    if counts["sliders"] and not seen[0]:
        failures.append("the kernel-message probe saw nothing sent: is the WebSocket wrapped?")
    if seen[1]:
        failures.append(f"the kernel-message probe could not read {seen[1]} message(s)")
    encoded = page.evaluate("() => window.__descent.dataUrls")
    if encoded:
        failures.append(f"{encoded} frame(s) re-encoded as data URLs by ipympl's front end")
    failures += page_problems(page) + [f"console error: {e}" for e in dash.console_errors]
    failures += [f"failed request: {f}" for f in dash.failures]
    assert not failures, "explorers that did not answer as they should:\n  " + "\n  ".join(failures)
    return counts


def push_to_divergence(page, index: int, label: str, handle, said: str = "diverged") -> None:
    """End on a learning-rate slider: the status must say "diverged" (or ``said``) over a figure
    still drawn."""
    handle.focus()
    before = status_text(page, index)
    was_at_max = handle_value(handle) == handle_range(handle)[1]
    page.keyboard.press("End")

    def diverged() -> bool:  # said about the new setting, not left over from the old one
        status = status_text(page, index)
        return said in status.lower() and (was_at_max or status != before)

    wait_until_shown(
        page,
        index,
        diverged,
        lambda _: (
            f"explorer {index}: {label!r} at its maximum, status "
            f"{status_text(page, index)!r} does not say {said!r}"
        ),
    )
    page.wait_for_timeout(300)  # let the last frame arrive
    if canvas_signature(page, index)["ink"] == 0:
        raise AssertionError(f"explorer {index}: blank figure after {label!r} at its maximum")


def test_fixture_explorers_respond(fixtures_server, shared_dashboard):
    dash = shared_dashboard(fixtures_server, "explorer.ipynb")
    counts = exercise_explorers(dash)
    # two explorers: (α, steps) and (learning rate); both rate sliders diverge at their maximum
    assert counts == {"explorers": 2, "sliders": 3, "diverged": 2}


@pytest.mark.parametrize("notebook", LESSON_DASHBOARDS)
def test_lesson_explorers_respond(lessons_server, shared_dashboard, notebook):
    dash = shared_dashboard(lessons_server, notebook)
    exercise_explorers(dash)
