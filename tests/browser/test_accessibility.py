"""The dashboards for learners who do not use a mouse or do not see the screen.

- axe-core (from the npm registry, run inside the page, offline) finds nothing critical or serious
  on any dashboard, once its widgets have rendered;
- a keyboard-only walk (Tab from the top of the page to its end) reaches every enabled control of
  every explorer, is never trapped (ipympl's figures took every key, Tab included), finds every
  control named by its visible label, shows a visible focus ring, and answers every question
  (a choice and Run, with Enter); tests/browser/test_explorers.py then moves every slider with
  the arrow keys and sees the figure, its text alternative and the live status line change;
- at 640 px every figure is redrawn to fit its explorer.
"""

from __future__ import annotations

import time

import npm_packages
import pytest
from voila_harness import (
    COURSE_MAP,
    EXPLORER_CLASS,
    STATUS_CLASS,
    VIEWPORT,
    lesson_notebooks,
)

AXE_VERSION = "4.14.1"
DASHBOARDS = [pytest.param(p.name, id=p.stem) for p in lesson_notebooks()]
LESSONS = [p for p in DASHBOARDS if not p.values[0].startswith("00_")]
FIT_TIMEOUT = 15.0  # the page measures, the kernel redraws every figure of the lesson
VIEWPORT_HEIGHT = VIEWPORT["height"]
assert any(p.values[0] == COURSE_MAP for p in DASHBOARDS), "the course map is a dashboard too"


@pytest.fixture(scope="session")
def axe_source(in_ci) -> str:
    try:
        folder = npm_packages.install("axe-core", AXE_VERSION)
    except RuntimeError as error:
        if in_ci:
            pytest.fail(f"CI=true and axe-core is missing: {error}")
        pytest.skip(f"{error} (with CI=true this test fails instead of skipping)")
    return (folder / "node_modules" / "axe-core" / "axe.min.js").read_text()


@pytest.mark.parametrize("notebook", DASHBOARDS)
def test_axe_finds_nothing_critical_or_serious(
    lessons_server, shared_dashboard, axe_source, notebook
):
    page = shared_dashboard(lessons_server, notebook).page
    page.wait_for_timeout(300)  # the explorers' accessibility module mends after a frame
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
            where: v.nodes.slice(0, 3).map((n) => n.html.slice(0, 200)),
          }));
        }"""
    )
    bad = [v for v in violations if v["impact"] in ("critical", "serious")]
    assert not bad, f"{notebook}: axe-core {AXE_VERSION}:\n  " + "\n  ".join(
        f"{v['impact']} {v['id']} ×{v['count']} ({v['help']}): {v['where']}" for v in bad
    )


# What has the keyboard focus: its explorer (or -1), its kind, its accessible name, and for a
# slider handle the visible label of its slider; also whether its focus ring shows.
FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const roots = [...document.querySelectorAll('.__EXPLORER__')];
  const root = el.closest('.__EXPLORER__');
  const slider = el.closest('.widget-slider');
  const labelled = (el.labels && el.labels.length) ? el.labels[0].textContent : '';
  const style = getComputedStyle(el);
  if (!el.dataset.descentWalk) el.dataset.descentWalk = String(Math.random());
  return {
    id: el.dataset.descentWalk,
    explorer: root ? roots.indexOf(root) : -1,
    kind: el.classList.contains('noUi-handle') ? 'slider'
      : el.closest('.jupyter-matplotlib-canvas-div') ? 'figure' : el.tagName.toLowerCase(),
    name: (el.getAttribute('aria-label') || labelled || el.textContent || '').trim(),
    label: slider ? (slider.querySelector('.widget-label') || {}).textContent || '' : null,
    ring: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    choice: !!el.closest('.widget-toggle-buttons'),
    run: el.tagName === 'BUTTON' && el.textContent.trim() === 'Run',
    number: el.tagName === 'INPUT' && el.type === 'number',
  };
}""".replace("__EXPLORER__", EXPLORER_CLASS)

# Every control a learner could operate now: enabled and visible, per explorer.
CONTROLS_JS = """() => [...document.querySelectorAll('.__EXPLORER__')].map((root) => {
  const visible = (el) => el.checkVisibility({ visibilityProperty: true });
  const handles = [...root.querySelectorAll('.widget-slider')]
    .filter((s) => visible(s) && !s.querySelector('.noUi-target[disabled]'))
    .flatMap((s) => [...s.querySelectorAll('.noUi-handle')]);
  const others = [...root.querySelectorAll('button, select, input')]
    .filter((el) => visible(el) && !el.disabled);
  return { handles: handles.length, others: others.length };
})""".replace("__EXPLORER__", EXPLORER_CLASS)


def _status(page, index: int) -> dict:
    return page.evaluate(
        """([sel, status, i]) => {
          const root = document.querySelectorAll(sel)[i];
          const s = root.querySelector(status);
          const f = root.querySelector('.jupyter-matplotlib-canvas-div');
          return { text: s.innerText, live: s.getAttribute('aria-live'),
                   role: f && f.getAttribute('role'), alt: f && f.getAttribute('aria-label') };
        }""",
        [f".{EXPLORER_CLASS}", f".{STATUS_CLASS}", index],
    )


def _walk(page) -> list[dict]:
    """Tab from the top of the page to its end, answering every question on the way (first
    choice, or 1 for a number, then Run); returns what had the focus at each stop."""
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }"
    )
    page.locator("body").focus()
    stops, seen, stuck = [], set(), 0
    limit = 20 + 3 * page.evaluate(
        "() => document.querySelectorAll('a, button, input, select, [tabindex]').length"
    )
    last = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is None:
            if stops:
                break  # past the last stop: the focus left the page
            continue
        if last is not None and focused["id"] == last["id"]:
            stuck += 1
            assert stuck < 3, f"keyboard trap: Tab does not leave {focused}"
            continue
        stuck, last = 0, focused
        if focused["id"] in seen:
            break  # the walk came round again
        seen.add(focused["id"])
        stops.append(focused)
        if focused["explorer"] >= 0 and focused["choice"]:
            if not any(s["choice"] and s["explorer"] == focused["explorer"] for s in stops[:-1]):
                page.keyboard.press("Enter")  # the first choice of a question
        elif focused["number"]:
            page.keyboard.type("1")
        elif focused["run"]:
            page.keyboard.press("Enter")
            page.wait_for_timeout(200)
    return stops


@pytest.mark.slow
@pytest.mark.parametrize("notebook", LESSONS)
def test_keyboard_reaches_names_and_operates_every_control(
    lessons_server, open_dashboard, notebook
):
    page = open_dashboard(lessons_server, notebook).page
    page.wait_for_timeout(300)
    stops = _walk(page)
    controls = page.evaluate(CONTROLS_JS)  # after the walk answered the questions
    problems = []
    for index, expected in enumerate(controls):
        mine = [s for s in stops if s["explorer"] == index]
        handles = [s for s in mine if s["kind"] == "slider"]
        others = [s for s in mine if s["kind"] in ("button", "select", "input")]
        if len(handles) < expected["handles"]:
            problems.append(
                f"explorer {index}: Tab reached {len(handles)} of {expected['handles']} sliders"
            )
        if len(others) < expected["others"]:
            problems.append(
                f"explorer {index}: Tab reached {len(others)} of {expected['others']} others"
            )
        for s in mine:
            if s["kind"] == "figure":
                problems.append(f"explorer {index}: the figure is a Tab stop")
            if not s["name"]:
                problems.append(f"explorer {index}: a {s['kind']} without a name")
            if s["kind"] == "slider" and s["name"] != s["label"].strip():
                problems.append(f"explorer {index}: slider {s['label']!r} is named {s['name']!r}")
            if s["ring"] < 2:
                problems.append(
                    f"explorer {index}: {s['kind']} {s['name']!r} focus ring {s['ring']} px"
                )
        said = _status(page, index)
        if said["live"] != "polite" or said["role"] != "img":
            problems.append(
                f"explorer {index}: status aria-live {said['live']!r}, figure role {said['role']!r}"
            )
    assert not problems, f"{notebook}:\n  " + "\n  ".join(problems)


# Each explorer's width, its content's width, and its figure's width on screen (CSS px).
WIDTHS_JS = """() => [...document.querySelectorAll('.__EXPLORER__')].map((root) => {
  const canvas = root.querySelector('.jupyter-matplotlib-canvas-div canvas');
  return { inner: root.clientWidth, content: root.scrollWidth,
           figure: canvas ? canvas.getBoundingClientRect().width : 0,
           dots: canvas ? canvas.width : 0 };
})""".replace("__EXPLORER__", EXPLORER_CLASS)


def _settled_widths(page) -> list[dict]:
    """The explorers' widths once every figure has drawn its first frame at its natural size:
    two readings 300 ms apart agree and every canvas has pixels (a figure still laying out
    would otherwise count as the "full width" the test compares against)."""
    deadline, last = time.monotonic() + FIT_TIMEOUT, None
    while time.monotonic() < deadline:
        now = page.evaluate(WIDTHS_JS)
        if now == last and all(w["figure"] > 0 and w["dots"] > 0 for w in now):
            return now
        last = now
        page.wait_for_timeout(300)
    raise AssertionError(f"the explorers' figures never settled at full width: {last}")


@pytest.mark.parametrize("notebook", LESSONS)
def test_explorers_fit_a_640_px_window(lessons_server, shared_dashboard, notebook):
    """At 640 CSS px (a 1280-px screen at 200 % zoom) every figure is redrawn to the explorer's
    width: nothing scrolls sideways, and the figure's pixels are drawn at that size (not a
    picture squeezed by the browser); back at full width, the figures are full size again."""
    page = shared_dashboard(lessons_server, notebook).page
    before = _settled_widths(page)
    page.set_viewport_size({"width": 640, "height": VIEWPORT_HEIGHT})
    try:
        deadline, now = time.monotonic() + FIT_TIMEOUT, before
        while time.monotonic() < deadline:
            now = page.evaluate(WIDTHS_JS)
            resized = all(w["inner"] <= 640 for w in now)  # the page has laid out at 640 px
            if resized and all(
                w["content"] <= w["inner"] + 1 and w["figure"] <= w["inner"] + 1 for w in now
            ):
                break
            page.wait_for_timeout(200)
        wide = [(k, w) for k, w in enumerate(now) if w["content"] > w["inner"] + 1]
        assert not wide, f"{notebook}: explorers scroll sideways at 640 px: {wide}"
        squeezed = [(k, w) for k, w in enumerate(now) if w["dots"] < w["figure"] - 1]
        assert not squeezed, f"{notebook}: figures shown with fewer pixels than CSS px: {squeezed}"
        narrower = [w["figure"] < b["figure"] for w, b in zip(now, before, strict=True)]
        assert all(narrower), f"{notebook}: figures not redrawn narrower: {before} -> {now}"
    finally:
        page.set_viewport_size(VIEWPORT)
    deadline = time.monotonic() + FIT_TIMEOUT
    while page.evaluate(WIDTHS_JS) != before and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert page.evaluate(WIDTHS_JS) == before, f"{notebook}: not full size again at full width"
