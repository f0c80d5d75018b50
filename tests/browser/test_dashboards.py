"""Every dashboard renders cleanly in a real browser: no error on the page, no failed request, no
request to another host, no console error, every ipympl figure drawn, every formula typeset."""

from __future__ import annotations

import json
import shutil

import pytest
from voila_harness import (
    CONFIG_DIR,
    COURSE_MAP,
    DEFERRED_MATH_CLASS,
    FIXTURES,
    LESSONS,
    http_get,
    kernel_id_from_html,
    lesson_notebooks,
    math_problems,
    page_problems,
    read_through,
    start_voila,
    wait_until,
)

DASHBOARDS = [pytest.param(p.name, id=p.stem) for p in lesson_notebooks()]


def render_problems(dash, notebook_path) -> list[str]:
    problems = []
    if dash.status != 200:
        problems.append(f"HTTP {dash.status} for {dash.url}")
    problems += [f"failed request: {f}" for f in dash.failures]
    problems += [f"request to another host: {u}" for u in dash.foreign_requests()]
    problems += [f"console error: {e}" for e in dash.console_errors]
    problems += page_problems(dash.page)
    problems += math_problems(dash.page, json.loads(notebook_path.read_text(encoding="utf-8")))
    broken = dash.page.evaluate(
        """() => [...document.querySelectorAll('#rendered_cells img')]
                 .filter((i) => !i.complete || i.naturalWidth === 0)
                 .map((i) => i.src.slice(0, 80))"""
    )
    problems += [f"image did not load: {src}" for src in broken]
    overflow = dash.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"the page scrolls sideways by {overflow}px on a 1280x800 screen")
    return problems


@pytest.mark.parametrize("notebook", DASHBOARDS)
def test_lesson_dashboard_renders_cleanly(lessons_server, shared_dashboard, notebook):
    dash = shared_dashboard(lessons_server, notebook)
    problems = render_problems(dash, LESSONS / notebook)
    assert not problems, f"{notebook}:\n  " + "\n  ".join(problems)


def test_fixture_dashboard_renders_cleanly(fixtures_server, shared_dashboard):
    """The explorer fixture passes the same checks; its figures and formulas are really there."""
    dash = shared_dashboard(fixtures_server, "explorer.ipynb")
    problems = render_problems(dash, FIXTURES / "explorer.ipynb")
    assert not problems, "\n  ".join(problems)
    counts = dash.page.evaluate(
        """() => ({ canvases: document.querySelectorAll('.jupyter-matplotlib-canvas-div').length,
                    math: document.querySelectorAll('mjx-container').length })"""
    )
    assert counts["canvases"] == 2
    assert counts["math"] >= 3


MATH_STATE_JS = """(cls) => {
  const blocks = [...document.querySelectorAll('#rendered_cells div.jp-MarkdownOutput')];
  const below = (b) => b.getBoundingClientRect().top > 2 * window.innerHeight;
  const hasMath = (b) => b.querySelector('mjx-container') !== null;
  return { deferred: blocks.filter((b) => b.classList.contains(cls)).length,
           typesetBelow: blocks.filter((b) => below(b) && hasMath(b)).length,
           typesetNear: blocks.filter((b) => !below(b) && hasMath(b)).length,
           formulas: document.querySelectorAll('#rendered_cells mjx-container').length };
}"""


def test_formulas_are_typeset_as_the_reader_reaches_them(lessons_server, open_dashboard):
    """Lesson 01 has hundreds of formulas: the first screens are typeset before the page is
    interactive, the rest only when scrolled near, and all of them before printing."""
    dash = open_dashboard(lessons_server, "01_logistic_regression_mle.ipynb")
    at_load = dash.page.evaluate(MATH_STATE_JS, DEFERRED_MATH_CLASS)
    assert at_load["typesetNear"] > 0, at_load
    assert at_load["typesetBelow"] == 0, at_load
    assert at_load["deferred"] >= 10, at_load
    assert read_through(dash.page) == at_load["deferred"]
    after = dash.page.evaluate(MATH_STATE_JS, DEFERRED_MATH_CLASS)
    assert after["deferred"] == 0, after
    assert after["formulas"] > 3 * at_load["formulas"], (at_load, after)
    assert not dash.console_errors


def test_printing_typesets_every_formula(lessons_server, open_dashboard):
    dash = open_dashboard(lessons_server, "02_sigmoid_derivative.ipynb")
    assert dash.page.evaluate(MATH_STATE_JS, DEFERRED_MATH_CLASS)["deferred"] > 0
    dash.page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    dash.page.wait_for_function(
        "(cls) => document.querySelectorAll('.' + cls).length === 0",
        arg=DEFERRED_MATH_CLASS,
        timeout=30_000,
    )
    assert not math_problems(
        dash.page, json.loads((LESSONS / "02_sigmoid_derivative.ipynb").read_text(encoding="utf-8"))
    )


def test_course_map_links_every_lesson(lessons_server, shared_dashboard):
    """The map links each lesson's dashboard by its title and its worked solutions; the
    stand-alone server, which serves lessons/ only, does not hand the solutions out."""
    dash = shared_dashboard(lessons_server, COURSE_MAP)
    hrefs = dash.page.evaluate(
        """() => [...document.querySelectorAll('#rendered_cells a')]
                 .map((a) => a.href).filter((h) => h.endsWith('.ipynb'))"""
    )
    lessons = [p for p in lesson_notebooks() if p.name != COURSE_MAP]
    expected = {lessons_server.render_url(p) for p in lessons}
    solutions = {lessons_server.url(f"voila/solutions/{p.name}") for p in lessons}
    assert set(hrefs) == expected | solutions
    for url in solutions:
        status, _, _ = http_get(url)
        assert status in (403, 404), f"{url}: {status}"
    # the thumbnails arrive inside the page (Voila inlines Markdown images), one per lesson
    images = dash.page.evaluate(
        """() => [...document.querySelectorAll('#rendered_cells img')]
                 .map((i) => [i.alt, i.naturalWidth, i.src.slice(0, 22)])"""
    )
    assert len(images) == len(lessons)
    for alt, width, src in images:
        assert alt.startswith("Lesson ") and width == 400 and src == "data:image/png;base64,"


def test_course_map_links_open_dashboards(lessons_server, open_dashboard):
    """A lesson's title on the map opens that lesson's dashboard (Markdown links open in the
    same tab; the browser's Back returns to the map)."""
    dash = open_dashboard(lessons_server, COURSE_MAP)
    lesson = "02_sigmoid_derivative.ipynb"
    title = json.loads((LESSONS / lesson).read_text(encoding="utf-8"))["cells"][0]["source"][0]
    with dash.page.expect_navigation(timeout=60_000):
        dash.page.click(f"#rendered_cells h3 a[href$='{lesson}']")
    assert dash.page.url == lessons_server.render_url(lesson)
    dash.page.wait_for_selector(f"text={title.removeprefix('# ').strip()}", timeout=60_000)


def test_cell_tags_hide_cells_in_voila(fixtures_server, open_dashboard):
    """ "remove-cell": neither run nor shown; "hide-in-voila": run, nothing shown."""
    dash = open_dashboard(fixtures_server, "cell_tags.ipynb")
    text = dash.page.inner_text("#rendered_cells")
    assert "fixture-visible-marker" in text
    assert "fixture-removed-cell-marker" not in text
    assert "fixture-hidden-cell-marker" not in text
    assert "fixture-hidden-cell-marker" not in dash.html
    # the hide-in-voila cell ran (kept is defined); the remove-cell cell did not (no `removed`)
    assert "fixture-kept-value False" in text
    assert not page_problems(dash.page)


def test_preheated_pool_serves_pages(tmp_path, voila_logs, open_dashboard):
    """The course's own configuration keeps one kernel per notebook executed in advance: it is
    running before any page is asked for, the page it serves is complete and clean, and the
    pool refills after the page took its kernel."""
    shutil.copy(FIXTURES / "explorer.ipynb", tmp_path / "explorer.ipynb")
    server = start_voila(tmp_path, log_dir=voila_logs)  # the repository's settings, unchanged
    try:
        started = wait_until(
            lambda: "Kernel started:" in server.log_tail(10_000) and server.log_tail(10_000),
            60,
            message="a pooled kernel to start",
        )
        dash = open_dashboard(server, "explorer.ipynb")
        problems = render_problems(dash, FIXTURES / "explorer.ipynb")
        assert not problems, "\n  ".join(problems)
        # the page runs on the kernel started before it was requested
        assert f"Kernel started: {kernel_id_from_html(dash.html)}" in started
        # kernels return freed NumPy temporaries to the system (lessons/.voila/voila.py)
        # and start without the debugger (lessons/.voila/dashboard/kernels/python3)
        for kernel in server.kernel_processes():
            assert kernel.environ().get("MALLOC_MMAP_THRESHOLD_") == str(128 * 1024)
            assert str(CONFIG_DIR / "dashboard" / "kernels" / "python3" / "launch.py") in (
                kernel.cmdline()
            )
        # and the pool is refilled for the next learner
        wait_until(lambda: len(server.kernel_processes()) >= 2, 60, message="the pool to refill")
    finally:
        server.stop()
