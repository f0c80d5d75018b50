"""What a dashboard server must refuse: running code sent by the page, handing out sources,
walking out of its folder, and showing tracebacks. Only 127.0.0.1 is contacted; every wait is
bounded."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from voila_harness import (
    COURSE_MAP,
    ERROR_TEXT,
    VoilaServer,
    http_get,
    kernel_id_from_html,
    lesson_notebooks,
    page_problems,
)

SECRET_TEXT = ("root:x:0:0", "[project]", "descent-course", "get_config()", '"cells"', "nbformat")


def raw_get(server: VoilaServer, path: str, max_redirects: int = 5) -> tuple[int, str, list[str]]:
    """GET a path byte for byte as given (no client-side normalisation), following redirects
    on the same server; returns final status, body and the chain of paths visited."""
    chain = [path]
    for _ in range(max_redirects + 1):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            location = response.getheader("Location")
        finally:
            conn.close()
        if response.status in (301, 302, 303, 307, 308) and location:
            assert location.startswith("/"), f"redirect off the server: {location}"
            path = location
            chain.append(path)
            continue
        return response.status, body, chain
    raise AssertionError(f"redirect loop: {chain}")


# --- the kernel channel does not run code ------------------------------------------------------


async def _try_execute(server: VoilaServer, notebook: str, marker: Path) -> dict:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    status, html, _ = http_get(server.render_url(notebook), timeout=90)
    assert status == 200, f"{notebook}: HTTP {status}"
    kernel_id = kernel_id_from_html(html)
    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
    ws = await websocket_connect(
        HTTPRequest(url, headers={"Origin": server.base_url}, request_timeout=15)
    )
    session = uuid.uuid4().hex

    def message(msg_type: str, content: dict) -> tuple[str, str]:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "username": "learner",
            "session": session,
            "date": "",
            "version": "5.3",
        }
        body = {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
        return msg_id, json.dumps(body)

    code = f"import os; os.system('touch {marker}'); open({str(marker)!r}, 'w').write('ran')"
    execute_id, execute = message(
        "execute_request",
        {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    )
    info_id, info = message("kernel_info_request", {})
    await ws.write_message(execute)
    # Sent after the execute_request on the same shell channel: its reply proves the channel works
    # and that the kernel has handled everything sent before it.
    await ws.write_message(info)
    seen = {"replies_to_execute": [], "kernel_info_reply": False}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    grace_end = None
    while loop.time() < deadline and (grace_end is None or loop.time() < grace_end):
        try:
            raw = await asyncio.wait_for(ws.read_message(), timeout=0.5)
        except TimeoutError:
            continue
        if raw is None:
            break
        if isinstance(raw, bytes):
            continue
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") == execute_id:
            seen["replies_to_execute"].append(msg["header"]["msg_type"])
        if msg["header"]["msg_type"] == "kernel_info_reply" and (
            msg.get("parent_header", {}).get("msg_id") == info_id
        ):
            seen["kernel_info_reply"] = True
            grace_end = loop.time() + 2.0  # anything still in flight for the execute_request
    ws.close()
    return seen


@pytest.mark.parametrize("which", ["course_map", "explorer_fixture"])
def test_kernel_channel_refuses_execute_request(which, lessons_server, fixtures_server, tmp_path):
    server, notebook = {
        "course_map": (lessons_server, COURSE_MAP),
        "explorer_fixture": (fixtures_server, "explorer.ipynb"),
    }[which]
    marker = tmp_path / f"executed-{uuid.uuid4().hex}"
    # in a thread of its own: Playwright's sync API may own this thread's event loop
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(
            asyncio.run, asyncio.wait_for(_try_execute(server, notebook, marker), timeout=120)
        ).result(timeout=180)
    assert seen["kernel_info_reply"], "the kernel channel did not answer a kernel_info_request"
    assert seen["replies_to_execute"] == [], f"the kernel handled it: {seen['replies_to_execute']}"
    time.sleep(0.5)
    assert not marker.exists(), "code sent over the websocket ran in the dashboard's kernel"
    assert 'type "execute_request", which is not allowed' in server.log_tail(400)


# --- sources are not served ------------------------------------------------------------------

SOURCE_PATHS = [
    "/voila/files/{notebook}",
    "/voila/files/.voila/voila.py",
    "/voila/files/widgets/__init__.py",
    "/voila/files/../widgets/__init__.py",
    "/voila/files/..%2fwidgets%2f__init__.py",
    "/voila/files/..%2fpyproject.toml",
    "/files/{notebook}",
    "/files/widgets/__init__.py",
    "/tree/{notebook}",
    "/api/contents",
    "/api/contents/{notebook}",
    "/api/contents/{notebook}?content=1",
    "/notebooks/{notebook}",
    "/lab",
    "/api/kernels",
    "/api/sessions",
    "/api/terminals",
]


@pytest.mark.parametrize("template", SOURCE_PATHS)
def test_sources_are_not_downloadable(lessons_server, template):
    for notebook in [p.name for p in lesson_notebooks()]:
        path = template.format(notebook=notebook)
        status, body, chain = raw_get(lessons_server, path)
        assert status in (403, 404), f"{path} -> HTTP {status} via {chain}"
        leaked = [s for s in SECRET_TEXT if s in body]
        assert not leaked, f"{path} -> body contains {leaked}"


def test_contents_api_lists_names_only(lessons_server):
    """The tree page's own listing says which notebooks exist, never what is in them."""
    for notebook in [p.name for p in lesson_notebooks()]:
        status, body, _ = http_get(lessons_server.url(f"voila/api/contents/{notebook}?content=1"))
        assert status == 200
        assert json.loads(body)["content"] is None
    status, body, _ = http_get(lessons_server.url("voila/api/contents/"))
    assert status == 200
    listing = {item["name"]: item["type"] for item in json.loads(body)["content"]}
    # the notebooks and the folder of the course map's pictures; no .voila/, no .py files
    assert listing == {p.name: "notebook" for p in lesson_notebooks()} | {"images": "directory"}
    status, body, _ = http_get(lessons_server.url("voila/api/contents/images"))
    assert status == 200
    assert json.loads(body)["content"] == []  # Voila lists notebooks only: no picture either


TRAVERSALS = [
    "/voila/render/..%2f..%2fetc%2fpasswd",
    "/voila/render/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/render/../../etc/passwd",
    "/voila/render/..%2fpyproject.toml",
    "/voila/render/%2e%2e/%2e%2e/etc/passwd",
    "/voila/files/../pyproject.toml",
    "/voila/files/..%2f..%2fetc%2fpasswd",
    "/voila/files/%2e%2e/pyproject.toml",
    "/voila/files//etc/passwd",
    "/voila/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/static/../../../../etc/passwd",
    "/voila/labextensions/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/api/themes/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/tree/..%2f..",
    "/voila/api/contents/..%2f..%2fetc",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_is_refused(lessons_server, path):
    status, body, chain = raw_get(lessons_server, path)
    assert status in (400, 403, 404), f"{path} -> HTTP {status} via {chain}"
    leaked = [s for s in SECRET_TEXT if s in body]
    assert not leaked, f"{path} -> body contains {leaked}"


# Voila's template-asset handler fails an internal assertion on such paths (HTTP 500) rather than
# answering 403; what matters is that nothing is served.
TEMPLATE_TRAVERSALS = [
    "/voila/templates/descent/static/..%2f..%2f..%2f..%2fvoila.py",
    "/voila/templates/descent/static/../../../voila.py",
    "/voila/templates/descent/index.html.j2",
    "/voila/templates/..%2f..%2f..%2f..%2fetc/static/passwd",
]


@pytest.mark.parametrize("path", TEMPLATE_TRAVERSALS)
def test_template_assets_serve_nothing_outside_static(lessons_server, path):
    status, body, chain = raw_get(lessons_server, path)
    assert status >= 400, f"{path} -> HTTP {status} via {chain}"
    leaked = [s for s in (*SECRET_TEXT, "extends", "c.Voila", "Traceback") if s in body]
    assert not leaked, f"{path} -> body contains {leaked}"


# --- errors reach the learner without tracebacks ---------------------------------------------

SECRET_ERROR = "fixture-secret-marker"


def test_failing_cell_shows_no_traceback_in_html(fixtures_server):
    status, html, _ = http_get(fixtures_server.render_url("error.ipynb"), timeout=90)
    assert status == 200
    for text in (SECRET_ERROR, "ValueError", "Traceback", "fixture-stderr-marker", "raise "):
        assert text not in html, f"{text!r} reached the page"
    assert "could not be shown" in html  # the learner is told something went wrong


def test_failing_cell_shows_no_traceback_in_browser(fixtures_server, open_dashboard):
    dash = open_dashboard(fixtures_server, "error.ipynb")
    text = dash.page.inner_text("#rendered_cells")
    for secret in (SECRET_ERROR, "ValueError", "Traceback", "fixture-stderr-marker"):
        assert secret not in text
    assert "Text before the failing cell." in text
    assert any("could not be shown" in p for p in page_problems(dash.page))
    assert not [e for e in dash.console_errors if SECRET_ERROR in e or "Traceback" in e]
    assert "could not be shown" in ERROR_TEXT  # the render tests would catch such a cell
