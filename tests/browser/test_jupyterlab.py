"""The explorers in JupyterLab, where an instructor teaches live: with the file browser open
beside the notebook, every figure is redrawn to the width left to it, and nothing scrolls
sideways or is cut off."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from voila_harness import EXPLORER_CLASS, LESSONS, VIEWPORT, free_port, http_get

NOTEBOOK = "03_gradient_descent_variants.ipynb"  # four explorers, figures 1,000-1,050 px wide
FIT_TIMEOUT = 20.0

GEOMETRY_JS = """(i) => {
  const root = document.querySelectorAll('.__EXPLORER__')[i];
  const canvas = root.querySelector('.jupyter-matplotlib-canvas-div canvas');
  const r = root.getBoundingClientRect();
  const c = canvas ? canvas.getBoundingClientRect() : null;
  return { inner: root.clientWidth, content: root.scrollWidth, right: r.right,
           canvasRight: c ? c.right : null, figure: c ? c.width : 0,
           dots: canvas ? canvas.width : 0 };
}""".replace("__EXPLORER__", EXPLORER_CLASS)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """`jupyter lab` on a copy of one lesson, no token, on a free port; its URL."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(LESSONS / NOTEBOOK, root)
    port = free_port()
    log = open(root.parent / f"jupyterlab-{port}.log", "w")
    env = {k: v for k, v in os.environ.items() if k != "DESCENT_BACKEND"}
    args = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
            "--ServerApp.ip=127.0.0.1", "--allow-root", "--IdentityProvider.token=",
            "--ServerApp.password=", f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=", f"--ServerApp.runtime_dir={root.parent / 'runtime'}"]  # fmt: skip
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, f"jupyter lab exited with {process.returncode}"
            try:
                if http_get(f"{url}/lab", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise AssertionError("jupyter lab did not answer within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_explorers_fit_beside_the_open_file_browser(browser, lab):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(f"{lab}/lab/tree/{NOTEBOOK}")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        dialog = page.locator(".jp-Dialog .jp-mod-accept")  # "Select Kernel": the default
        try:
            dialog.click(timeout=15_000)
        except Exception:  # no dialog: the kernel was chosen from the notebook's metadata
            pass
        side = page.locator(".jp-FileBrowser")
        assert side.is_visible() and side.bounding_box()["width"] >= 200, "file browser closed"
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        explorers = page.locator(f".{EXPLORER_CLASS}")
        deadline = time.monotonic() + 120
        while explorers.count() < 4 and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        assert explorers.count() == 4, f"{explorers.count()} of the lesson's 4 explorers shown"
        for i in range(explorers.count()):
            # JupyterLab lays out only the cells in view: each explorer fits once it is seen
            explorers.nth(i).scroll_into_view_if_needed()
            deadline, g = time.monotonic() + FIT_TIMEOUT, None
            while time.monotonic() < deadline:
                g = page.evaluate(GEOMETRY_JS, i)
                fits = g["content"] <= g["inner"] + 1 and g["canvasRight"] is not None
                if fits and g["canvasRight"] <= g["right"] + 1 and g["dots"] >= g["figure"] - 1:
                    break
                page.wait_for_timeout(250)
            assert g["content"] <= g["inner"] + 1, f"explorer {i} scrolls sideways: {g}"
            assert g["canvasRight"] is not None and g["canvasRight"] <= g["right"] + 1, (
                f"explorer {i}: its figure is cut off at the right: {g}"
            )
            assert g["figure"] < 1000, f"explorer {i}: not redrawn narrower: {g}"
            assert g["dots"] >= g["figure"] - 1, f"explorer {i}: a squeezed picture: {g}"
        outer = page.evaluate(
            """() => {
              const o = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
              return [o.scrollWidth, o.clientWidth];
            }"""
        )
        assert outer[0] <= outer[1] + 1, f"the notebook scrolls sideways: {outer}"
    finally:
        context.close()
