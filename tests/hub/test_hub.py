"""Two students on the class hub (deploy/jupyterhub/jupyterhub_config.py), in a real Chromium.

The test starts JupyterHub itself (hub_harness.py: the class configuration with the dummy login
and a spawner that needs no Unix accounts, on free loopback ports, configurable-http-proxy
installed from npm the first time). Each student logs in, lands in JupyterLab at the course map,
opens the first lesson and runs its first code cells, then opens the same lesson's dashboard
through the hub and moves a slider: the figure's pixels and the status line must change. Neither
student can open the other's server, its dashboard or its files. Once both have closed their
tabs, the idle culler must stop both servers and their kernels. Every process the hub started is
gone at the end.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import psutil
import pytest
from hub_harness import (
    LESSON,
    dashboard_url,
    lab_url,
    log_in,
    memory_mb,
    start_hub,
)
from voila_harness import (
    EXPLORER_CLASS,
    INSTRUMENT_JS,
    LESSONS,
    STATUS_CLASS,
    VIEWPORT,
    canvas_signature,
    count_widget_views,
    http_get,
    page_problems,
    wait_for_dashboard,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STUDENTS = ("ada", "grace")
# Short for the test: the class configuration stops a server after an idle hour.
IDLE_TIMEOUT = 30
COURSE_MAP = "00_course_map.ipynb"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# The first explorer that shows its result without a prediction to make first.
PLAIN_EXPLORER_JS = """([EXPLORER]) => [...document.querySelectorAll('.' + EXPLORER)]
  .findIndex((e) => !e.querySelector('.descent-question'))"""


def off_host(urls: list[str]) -> list[str]:
    return [
        u
        for u in urls
        if urlparse(u).scheme not in {"data", "blob", "about"}
        and urlparse(u).hostname not in LOCAL_HOSTS
    ]


def open_lesson_in_lab(page, hub, user: str) -> None:
    """Open the lesson in JupyterLab, run its first two code cells (the course's imports, then a
    figure) and check that they ran without error."""
    page.goto(hub.url(lab_url(user, LESSON)), wait_until="load")
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.locator(".jp-CodeCell").first.wait_for(timeout=60_000)
    page.locator(".jp-StatusBar-TextItem", has_text="Idle").first.wait_for(timeout=90_000)
    cells = panel.locator(".jp-CodeCell")
    for i in range(2):
        prompt = cells.nth(i).locator(".jp-InputPrompt")
        # A key press that reaches the editor before CodeMirror has focus is lost: press again
        # until the cell is queued or run ("[*]:" or "[n]:"), never more than three times.
        for _ in range(3):
            cells.nth(i).locator(".jp-InputArea-editor").click()
            page.keyboard.press("Shift+Enter")
            deadline = time.monotonic() + 10
            while prompt.inner_text().strip() == "[ ]:" and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            if prompt.inner_text().strip() != "[ ]:":
                break
    figure = cells.nth(1).locator(".jp-OutputArea-output img")
    try:
        figure.wait_for(timeout=90_000)
    except Exception as error:
        prompts = [cells.nth(i).locator(".jp-InputPrompt").inner_text() for i in range(2)]
        kernel = page.locator(".jp-StatusBar-TextItem").all_inner_texts()
        outputs = cells.nth(1).locator(".jp-OutputArea").inner_text()[:500]
        raise AssertionError(
            f"{user}: no figure from the lesson's second code cell: prompts {prompts}, "
            f"status bar {kernel}, output {outputs!r}"
        ) from error
    for i in range(2):
        prompt = cells.nth(i).locator(".jp-InputPrompt").inner_text()
        assert prompt.strip() == f"[{i + 1}]:", f"{user}: code cell {i} shows {prompt!r}"
    errors = panel.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
        ".jp-OutputArea-output.jp-mod-error, .jp-RenderedText[data-mime-type*=error]"
    )
    assert errors.count() == 0, f"{user}: {errors.first.inner_text()[:500]}"


def move_a_slider(page, user: str, timeout: float = 30.0) -> None:
    """Press PageUp (PageDown at the top) on an explorer's first slider; its figure's pixels and
    its status line must both change."""
    index = page.evaluate(PLAIN_EXPLORER_JS, [EXPLORER_CLASS])
    assert index >= 0, f"{user}: no explorer without a question on {LESSON}"
    root = page.locator(f".{EXPLORER_CLASS}").nth(index)
    status = root.locator(f".{STATUS_CLASS}").first
    handle = root.locator(".widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()
    before, before_status = canvas_signature(page, index), status.inner_text()
    at_top = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    handle.focus()
    page.keyboard.press("PageDown" if at_top else "PageUp")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = canvas_signature(page, index)
        if (
            now["hash"] != before["hash"]
            and now["ink"] > 0
            and status.inner_text() != before_status
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError(
        f"{user}: the figure or status did not change {timeout:.0f} s after a key press "
        f"(status {before_status!r} -> {status.inner_text()!r})"
    )


def open_course_map_dashboard(page, hub, user: str, timeout: float = 60.0) -> None:
    """Open the course map's dashboard through the hub: the page must complete (Voila inlines
    its Markdown pictures through the server's contents manager, which must be the synchronous
    one: voila-dashboards/voila#1473, or the page stops at its first picture and never
    completes), with every lesson's picture drawn from the student's own server, and its lesson
    links pointing at the student's own dashboards."""
    response = page.goto(
        hub.url(dashboard_url(user, COURSE_MAP)), wait_until="load", timeout=timeout * 1000
    )
    assert response.status == 200, f"{user}: course map dashboard HTTP {response.status}"
    wait_for_dashboard(page, count_widget_views(response.text()), timeout=timeout)
    lessons = sorted(p.name for p in LESSONS.glob("*.ipynb") if p.name != COURSE_MAP)
    pictures = page.evaluate(
        """() => [...document.querySelectorAll('#rendered_cells img')]
                 .map((i) => [i.alt, i.naturalWidth, i.src])"""
    )
    assert len(pictures) == len(lessons), f"{user}: course map pictures {pictures}"
    own = hub.url(f"/user/{user}/")
    for alt, width, src in pictures:
        # drawn at the pictures' own width (400 px), which a broken picture does not have
        assert alt.startswith("Lesson ") and width == 400, f"{user}: {alt!r} not drawn ({src})"
        # inlined, or (inside a Jupyter server, whose root is the student's home, not lessons/)
        # left as a link into the student's own copy of lessons/images
        assert src.startswith(("data:image/png;base64,", own)), f"{user}: {alt!r} from {src}"
    links = page.evaluate(
        """() => [...document.querySelectorAll('#rendered_cells h3 a')].map((a) => a.href)"""
    )
    expected = {hub.url(dashboard_url(user, name)) for name in lessons}
    assert expected <= set(links), f"{user}: lesson links {links}"


def test_two_students_on_the_class_hub(browser, proxy_bin, tmp_path):
    started = time.monotonic()
    hub = start_hub(tmp_path / "hub", list(STUDENTS), idle_timeout=IDLE_TIMEOUT)
    contexts = []
    timings = {}
    try:
        # the hub's pages come from the configuration's templates (RequireJS's limit lifted)
        status, login_page, _ = http_get(hub.url("/hub/login"))
        assert status == 200 and "waitSeconds: 0" in login_page
        sessions = {}
        for user in STUDENTS:
            context = browser.new_context(viewport=VIEWPORT)
            contexts.append(context)
            context.set_default_timeout(60_000)
            context.add_init_script(INSTRUMENT_JS)
            requests: list[str] = []
            context.on("request", lambda r, seen=requests: seen.append(r.url))
            lab = context.new_page()

            # --- log in: the hub starts the server and opens JupyterLab at the course map ------
            t0 = time.monotonic()
            log_in(lab, hub, user)
            assert urlparse(lab.url).path == lab_url(user, COURSE_MAP), lab.url
            lab.locator(".jp-NotebookPanel:visible .jp-MarkdownCell h1").first.wait_for()
            timings[f"{user} login to JupyterLab s"] = round(time.monotonic() - t0, 1)
            copied = sorted(p.name for p in (hub.home(user) / "lessons").glob("*.ipynb"))
            assert COURSE_MAP in copied and LESSON in copied, copied

            # --- a lesson in JupyterLab --------------------------------------------------------
            t0 = time.monotonic()
            open_lesson_in_lab(lab, hub, user)
            timings[f"{user} lesson cells run s"] = round(time.monotonic() - t0, 1)

            # --- the course map's dashboard, through the hub, with its pictures -----------------
            t0 = time.monotonic()
            course_map = context.new_page()
            open_course_map_dashboard(course_map, hub, user)
            course_map.close()
            timings[f"{user} course map dashboard s"] = round(time.monotonic() - t0, 1)

            # --- the same lesson's dashboard, through the hub ----------------------------------
            t0 = time.monotonic()
            dashboard = context.new_page()
            response = dashboard.goto(hub.url(dashboard_url(user, LESSON)), wait_until="load")
            assert response.status == 200, f"{user}: dashboard HTTP {response.status}"
            wait_for_dashboard(dashboard, count_widget_views(response.text()), timeout=120)
            timings[f"{user} dashboard interactive s"] = round(time.monotonic() - t0, 1)
            assert not page_problems(dashboard), page_problems(dashboard)
            typeset = dashboard.evaluate("() => document.querySelectorAll('mjx-container').length")
            assert typeset > 0, f"{user}: no formula typeset on the dashboard"
            move_a_slider(dashboard, user)
            assert not off_host(requests), f"{user}: requests left the hub: {off_host(requests)}"
            sessions[user] = (context, lab)

        # --- neither student can open the other's server ----------------------------------------
        for user, other in (STUDENTS, STUDENTS[::-1]):
            _, page = sessions[user]
            for path in (f"/user/{other}/lab", dashboard_url(other, LESSON)):
                response = page.goto(hub.url(path), wait_until="load")
                assert response.status == 403, f"{user} opened {path}: HTTP {response.status}"
            api = page.request.get(hub.url(f"/user/{other}/api/contents/lessons"))
            assert api.status == 403, f"{user} read {other}'s files: HTTP {api.status}"
            assert "content" not in api.text()

        # --- both servers, each with its two kernels (lesson and dashboard) ---------------------
        processes = {user: hub.user_processes(user) for user in STUDENTS}
        for user, procs in processes.items():
            assert len(procs) >= 3, f"{user}: expected a server and two kernels, found {procs}"
            homes = {p.environ().get("HOME") for p in procs}
            assert homes == {str(hub.home(user))}, f"{user}: processes in {homes}"
            timings[f"{user} server and kernels RSS MB"] = round(memory_mb(procs)["rss_mb"])

        # --- tabs closed: the idle culler stops both servers --------------------------------------
        for context in contexts:
            context.close()
        contexts.clear()
        t0 = time.monotonic()
        everything = [p for procs in processes.values() for p in procs]
        limit = IDLE_TIMEOUT + 60
        _, alive = psutil.wait_procs(everything, timeout=limit)
        assert not alive, f"still running {limit} s after the tabs closed: {alive}"
        timings["culled after tabs closed s"] = round(time.monotonic() - t0, 1)
        log = hub.log_text()
        for user in STUDENTS:
            assert f"Culling server {user}" in log, f"{user}'s server was not stopped by the culler"
        assert hub.process.poll() is None, "the hub itself stopped"
    finally:
        for context in contexts:
            context.close()
        hub.stop()
    leftovers = [pid for pid in hub.seen if psutil.pid_exists(pid)]
    left = [psutil.Process(pid) for pid in leftovers]
    assert not [p for p in left if p.status() != psutil.STATUS_ZOMBIE], f"left running: {left}"
    timings["whole test s"] = round(time.monotonic() - started, 1)
    print("hub test timings:", timings)
