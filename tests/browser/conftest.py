"""Fixtures for the real-browser tests: Voila servers started with the repository's configuration.

The browser itself (Debian's Chromium driven by Playwright, one for the whole run) comes from
tests/conftest.py, which the class hub's tests share.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from voila_harness import (
    FIXTURES,
    INSTRUMENT_JS,
    LESSONS,
    LOAD_FIGURES,
    TEST_SERVER_ARGS,
    VIEWPORT,
    VoilaServer,
    count_widget_views,
    start_voila,
    wait_for_dashboard,
)

# The fixture notebooks are served to the browser, not collected as tests.
collect_ignore_glob = ["fixtures/*"]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if LOAD_FIGURES:
        terminalreporter.section("dashboards under load")
        for key, value in LOAD_FIGURES.items():
            terminalreporter.write_line(f"{key}: {value}")


@pytest.fixture(scope="session")
def voila_logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("voila-logs")


@pytest.fixture(scope="session")
def lessons_server(voila_logs) -> Iterator[VoilaServer]:
    """`voila lessons/` as docs/deploying.md runs it, with short idle culling."""
    server = start_voila(LESSONS, extra_args=TEST_SERVER_ARGS, log_dir=voila_logs)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fixtures_server(voila_logs) -> Iterator[VoilaServer]:
    """The same configuration serving tests/browser/fixtures/."""
    server = start_voila(FIXTURES, extra_args=TEST_SERVER_ARGS, log_dir=voila_logs)
    yield server
    server.stop()


@dataclass
class Dashboard:
    """A dashboard open in its own browser context, with everything the page did recorded."""

    page: object
    url: str
    status: int
    html: str
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        foreign = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in {"data", "blob", "about"}:
                continue
            if parsed.hostname not in LOCAL_HOSTS:
                foreign.append(url)
        return foreign


def _open(browser, contexts: list, server: VoilaServer, notebook: str, timeout: float) -> Dashboard:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    contexts.append(context)
    context.add_init_script(INSTRUMENT_JS)
    page = context.new_page()
    url = server.render_url(notebook)
    dash = Dashboard(page=page, url=url, status=0, html="")
    page.on("request", lambda r: dash.requests.append(r.url))
    page.on("websocket", lambda ws: dash.requests.append(ws.url))
    # An aborted blob: load is a picture replaced by a newer one inside the page (ipympl swaps
    # images this way), not a network request.
    page.on(
        "requestfailed",
        lambda r: (
            None
            if r.url.startswith(("blob:", "data:"))
            else dash.failures.append(f"{r.url}: {r.failure}")
        ),
    )
    page.on(
        "response",
        lambda r: dash.failures.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None,
    )
    page.on("console", lambda m: dash.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: dash.console_errors.append(f"uncaught: {e}"))
    response = page.goto(url, wait_until="load", timeout=timeout * 1000)
    assert response is not None, f"no response for {url}"
    dash.status = response.status
    dash.html = response.text()
    if dash.status == 200:
        try:
            wait_for_dashboard(page, count_widget_views(dash.html), timeout=timeout)
        except TimeoutError as error:
            raise AssertionError(
                f"{notebook}: {error}\n--- server log ---\n{server.log_tail()}"
            ) from None
    return dash


@pytest.fixture
def open_dashboard(browser) -> Iterator:
    """Open a notebook's dashboard in a fresh context and wait until it is interactive."""
    contexts: list = []
    yield lambda server, notebook, timeout=90.0: _open(browser, contexts, server, notebook, timeout)
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shared_dashboard(browser) -> Iterator:
    """Like open_dashboard, but each (server, notebook) is opened once per test run and kept
    open: the render checks and the explorer checks of a lesson share one page and one kernel,
    which halves the time spent executing lessons."""
    contexts: list = []
    opened: dict[tuple[int, str], Dashboard | AssertionError] = {}

    def _get(server: VoilaServer, notebook: str, timeout: float = 90.0) -> Dashboard:
        key = (server.port, notebook)
        if key not in opened:
            try:
                opened[key] = _open(browser, contexts, server, notebook, timeout)
            except AssertionError as error:  # reported once per test, not waited for twice
                opened[key] = error
        if isinstance(opened[key], AssertionError):
            raise opened[key]
        return opened[key]

    yield _get
    for context in contexts:
        context.close()
