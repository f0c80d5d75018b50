"""Voila servers, a headless Chromium and in-page probes, shared by the browser tests and
benchmarks/bench_dashboards.py.

Everything here talks to 127.0.0.1 only, and every wait is bounded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
CONFIG_DIR = LESSONS / ".voila"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
COURSE_MAP = "00_course_map.ipynb"

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Flags for Debian's Chromium on a machine without a network: without the background-networking
# ones Chromium keeps trying (and failing) to reach Google's services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}

# Names of the CSS classes an explorer carries (see the README, section "Explorer contract").
EXPLORER_CLASS = "descent-explorer"
STATUS_CLASS = "descent-status"


# The test servers cull idle kernels of closed tabs quickly, so the load test can watch it happen;
# open tabs are spared (the course's own setting culls them too, after 30 idle minutes), since a
# test page may wait its turn for longer than this timeout.
CULL_IDLE_SECONDS = 60
CULL_INTERVAL_SECONDS = 5
# They also start without the preheated pool: each page gets a kernel of its own, as the load
# test counts, and the server does not execute every notebook at start while the tests use the
# two cores. The pool itself is tested by test_dashboards.py::test_preheated_pool_serves_pages.
TEST_SERVER_ARGS = [
    f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
    f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
    "--MappingKernelManager.cull_connected=False",
    "--VoilaConfiguration.preheat_kernel=False",
]
# Figures measured by the load test, printed at the end of the pytest run.
LOAD_FIGURES: dict[str, object] = {}


def press_run(question) -> None:
    """Commit a prediction in an explorer's question box (a `.descent-question` locator): pick
    the first choice, or type 1, then press Run."""
    choices = question.locator(".widget-toggle-button")
    if choices.count() and question.locator(".widget-toggle-button.mod-active").count() == 0:
        choices.first.click()
    number = question.locator("input[type=number]")
    if number.count():
        number.first.fill("1")
        number.first.press("Enter")
    question.locator("button", has_text="Run").first.click()


def lesson_notebooks() -> list[Path]:
    """Every lesson notebook, the course map (00_) included, in course order."""
    return sorted(LESSONS.glob("[0-9][0-9]_*.ipynb"))


def chromium_path() -> str | None:
    """The system Chromium, or None when it is not installed."""
    for candidate in (os.environ.get("DESCENT_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 30.0) -> tuple[int, str, dict[str, str]]:
    """GET without following redirects; returns status, body text and headers."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, method="GET")
    try:
        with opener.open(request, timeout=timeout) as response:
            return (
                response.status,
                response.read().decode("utf-8", "replace"),
                dict(response.headers),
            )
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace") if error.fp else ""
        return error.code, body, dict(error.headers or {})


@dataclass
class VoilaServer:
    """A running `voila ROOT` process on 127.0.0.1."""

    root: Path
    port: int
    process: subprocess.Popen
    log_path: Path
    args: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def render_url(self, notebook: str | Path) -> str:
        name = Path(notebook).name if isinstance(notebook, Path) else notebook
        return self.url(f"voila/render/{name}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def kernel_processes(self) -> list[psutil.Process]:
        """Kernel processes started by this server (alive ones)."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        kernels = []
        for child in children:
            try:
                # started with a connection file: `-f …/kernel-<id>.json`, whichever launcher
                if re.search(r"\bkernel-[0-9a-f-]+\.json\b", " ".join(child.cmdline())):
                    kernels.append(child)
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                continue
        return kernels

    def kernel_memory(self) -> list[dict[str, float]]:
        """Resident and unique memory (MB) of each kernel process."""
        out = []
        for proc in self.kernel_processes():
            try:
                info = proc.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            out.append({"pid": proc.pid, "rss_mb": info.rss / 2**20, "uss_mb": info.uss / 2**20})
        return out

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is not None:
            return
        kernels = self.kernel_processes()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)
        # Voila shuts its kernels down on exit; make sure no orphan survives a hard stop.
        for proc in kernels:
            try:
                proc.wait(timeout=5)
            except psutil.TimeoutExpired:
                proc.kill()
            except psutil.NoSuchProcess:
                pass


def start_voila(
    root: Path,
    *,
    extra_args: Sequence[str] = (),
    log_dir: Path | None = None,
    timeout: float = 60.0,
    python: str | None = None,
) -> VoilaServer:
    """Start `voila ROOT` with the repository's configuration on a free port; wait for it."""
    port = free_port()
    log_dir = Path(log_dir or os.environ.get("TMPDIR", "/tmp"))
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"voila-{root.name}-{port}.log"
    args = [
        python or sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--Voila.config_file_paths={CONFIG_DIR}",
        *extra_args,
        str(root),
    ]
    log = open(log_path, "w")
    # The server and its kernels get the environment a user's shell would give them: nothing a
    # test process set for itself (DESCENT_BACKEND=agg would serve explorers without figures).
    env = {k: v for k, v in os.environ.items() if k != "DESCENT_BACKEND"}
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    server = VoilaServer(root=root, port=port, process=process, log_path=log_path, args=args)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"voila exited with {process.returncode}:\n{server.log_tail()}")
        try:
            status, _, _ = http_get(server.url("/"), timeout=2)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"voila did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def kernel_id_from_html(html: str) -> str:
    match = re.search(
        r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>',
        html,
        re.S,
    )
    if not match:
        raise ValueError("no jupyter-config-data in the page")
    return json.loads(match.group(1))["kernelId"]


def count_widget_views(html: str) -> int:
    """How many widget views the served page will render (one per widget-view output)."""
    return html.count('"application/vnd.jupyter.widget-view+json"')


def wait_until(predicate, timeout: float, interval: float = 0.25, message: str = "condition"):
    """Poll predicate() until it returns a truthy value; TimeoutError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(interval)


# --- in-page probes ----------------------------------------------------------------------------

# Installed before any page script: records when each canvas is drawn on, and when the DOM last
# changed, so tests and the benchmark can tell "drawn" and "settled" without fixed sleeps.
INSTRUMENT_JS = r"""
(() => {
  const probe = { lastMutation: 0, finished: null };
  window.__descent = probe;
  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = drawImage.apply(this, args);
    const canvas = this.canvas;
    const now = performance.now();
    canvas.__descentDraws = (canvas.__descentDraws || 0) + 1;
    canvas.__descentLastDraw = now;
    return result;
  };
  // every PNG a canvas encodes in the page (ipympl's data URLs: see the descent template)
  probe.dataUrls = 0;
  const toDataURL = HTMLCanvasElement.prototype.toDataURL;
  HTMLCanvasElement.prototype.toDataURL = function (...args) {
    probe.dataUrls += 1;
    return toDataURL.apply(this, args);
  };
  // The kernel's messages: each message the page sends on the shell channel is pending until
  // the kernel's "idle" status for it arrives, when the kernel has handled it and sent all it
  // produced. A test that waits for an answer waits for this too, so that a value still in
  // flight (the widget library sends a slider's latest value only once the kernel is idle
  // again) is not mistaken for the end of the move. A message unanswered for PENDING_MS no
  // longer counts (one status lost on the way must not hold every later move); `probe.overdue`
  // counts them.
  probe.pending = new Map();
  probe.overdue = 0;
  probe.sent = 0;
  probe.undecoded = 0;
  const decoder = new TextDecoder();
  const V1 = 'v1.kernel.websocket.jupyter.org';
  const decode = (data, protocol) => {
    if (typeof data === 'string') return JSON.parse(data);
    const view = new DataView(data);
    if (protocol === V1) {  // jupyter_server's serialize_msg_to_ws_v1
      const n = Number(view.getBigUint64(0, true));
      const at = [];
      for (let i = 0; i < n; i++) at.push(Number(view.getBigUint64(8 * (i + 1), true)));
      const part = (i) => decoder.decode(new Uint8Array(data, at[i], at[i + 1] - at[i]));
      return { channel: part(0), header: JSON.parse(part(1)),
               parent_header: JSON.parse(part(2)), content: JSON.parse(part(4)) };
    }
    const n = view.getUint32(0);  // the legacy framing: big-endian offsets, JSON first
    const start = view.getUint32(4);
    const end = n > 1 ? view.getUint32(8) : data.byteLength;
    return JSON.parse(decoder.decode(new Uint8Array(data, start, end - start)));
  };
  const NativeWebSocket = window.WebSocket;
  class ProbedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes('/channels')) return;
      this.__descentKernel = true;
      this.addEventListener('message', (event) => {
        const seen = (data) => {
          let msg;
          try {
            msg = decode(data, this.protocol);
          } catch (error) {
            probe.undecoded += 1;
            return;
          }
          if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle')
            probe.pending.delete(msg.parent_header.msg_id);
        };
        if (event.data instanceof Blob) event.data.arrayBuffer().then(seen);
        else seen(event.data);
      });
    }
    send(data) {
      if (this.__descentKernel) {
        try {
          const msg = decode(data, this.protocol);
          if ((msg.channel || 'shell') === 'shell') {
            probe.pending.set(msg.header.msg_id, performance.now());
            probe.sent += 1;
          }
        } catch (error) {  // the probe must never stop the page talking to its kernel
          probe.undecoded += 1;
        }
      }
      return super.send(data);
    }
  }
  window.WebSocket = ProbedWebSocket;
  const watch = () => {
    new MutationObserver(() => { probe.lastMutation = performance.now(); })
      .observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  };
  if (document.documentElement) watch();
  else document.addEventListener('readystatechange', watch, { once: true });
})();
"""

# Functions evaluated in the page, defined once per page with page.evaluate(PAGE_PROBES_JS).
PAGE_PROBES_JS = r"""
() => {
  if (window.__descentProbe) return;
  const EXPLORER = '.__EXPLORER__';
  const STATUS = '.__STATUS__';
  const mainCanvas = (root) => root.querySelector('.jupyter-matplotlib-canvas-div canvas');
  const hash = (canvas) => {
    if (!canvas || !canvas.width || !canvas.height) return { hash: null, ink: 0 };
    const ctx = canvas.getContext('2d');
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 0, ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      h = (h * 31 + data[i] + 3 * data[i + 1] + 7 * data[i + 2] + 11 * data[i + 3]) | 0;
      if (data[i + 3] !== 0 && (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250)) ink++;
    }
    return { hash: h, ink };
  };
  const visible = (el) => !!(el && el.getClientRects().length);
  window.__descentProbe = {
    mainCanvas, hash, visible,
    finished() {
      const cells = document.querySelector('#rendered_cells');
      const loading = document.querySelector('#loading');
      return !!cells && cells.style.display !== 'none' && !visible(loading);
    },
    widgetOutputs() {
      return [...document.querySelectorAll('.jp-OutputArea-output')]
        .filter((o) => o.querySelector(':scope > .lm-Widget')).length;
    },
    canvases() {
      // a canvas div whose <canvas> is not created yet counts as a canvas not drawn yet
      return [...document.querySelectorAll('.jupyter-matplotlib-canvas-div')].map((div) => {
        const c = div.querySelector('canvas');
        if (!c) return { draws: 0, lastDraw: 0, ink: 0, width: 0, height: 0 };
        // read the pixels again only after a draw: polling must not keep the page busy
        const lastDraw = c.__descentLastDraw || 0;
        if (!c.__descentInk || c.__descentInk.at !== lastDraw || c.__descentInk.width !== c.width)
          c.__descentInk = { at: lastDraw, width: c.width, ink: hash(c).ink };
        return { draws: c.__descentDraws || 0, lastDraw,
                 ink: c.__descentInk.ink, width: c.width, height: c.height };
      });
    },
    explorers() {
      return [...document.querySelectorAll(EXPLORER)].map((root, index) => {
        const canvas = mainCanvas(root);
        const sliders = [...root.querySelectorAll('.widget-slider')].map((s) => ({
          description: (s.querySelector('.widget-label') || {}).textContent || '',
          handles: s.querySelectorAll('.noUi-handle').length,
        }));
        const status = root.querySelector(STATUS);
        return { index, hasCanvas: !!canvas, sliders,
                 status: status ? status.textContent : null };
      });
    },
  };
}
""".replace("__EXPLORER__", EXPLORER_CLASS).replace("__STATUS__", STATUS_CLASS)


def install_probes(page) -> None:
    page.evaluate(PAGE_PROBES_JS)


# A page whose DOM has not changed for this long after Voila finished will not become ready.
STALLED_MS = 20_000


def wait_for_dashboard(page, expected_widget_views: int, timeout: float = 60.0) -> None:
    """Wait until Voila has executed the page, every widget view is rendered, every ipympl canvas
    has been drawn with some ink, and the DOM has been still for a moment."""
    deadline = time.monotonic() + timeout
    last_state = None
    while time.monotonic() < deadline:
        install_probes(page)
        state = page.evaluate(
            """() => {
              const h = window.__descentProbe;
              return { finished: h.finished(), views: h.widgetOutputs(), canvases: h.canvases(),
                       explorersWithoutCanvas: h.explorers().filter((e) => !e.hasCanvas).length,
                       quietFor: performance.now() - window.__descent.lastMutation };
            }"""
        )
        last_state = state
        drawn = all(c["draws"] > 0 and c["ink"] > 0 for c in state["canvases"])
        if (
            state["finished"]
            and state["views"] >= expected_widget_views
            and drawn
            and state["explorersWithoutCanvas"] == 0
            and state["quietFor"] > 750
        ):
            return
        if state["finished"] and state["quietFor"] > STALLED_MS:
            break  # executed, and nothing has changed on the page for a long while: stuck
        page.wait_for_timeout(150)
    undrawn = sum(1 for c in (last_state or {}).get("canvases", []) if not c["draws"])
    raise TimeoutError(
        f"dashboard not interactive ({undrawn} figure(s) never drawn); last state: {last_state}"
    )


#: how long a message the page sent may stay unanswered before it no longer counts as pending
PENDING_MS = 3000

KERNEL_IDLE_JS = """(limit) => {
  const probe = window.__descent, now = performance.now();
  for (const [id, sent] of probe.pending)
    if (now - sent > limit) { probe.pending.delete(id); probe.overdue += 1; }
  return probe.pending.size === 0;
}"""


def kernel_idle(page) -> bool:
    """Whether the kernel has handled every message the page sent it in the last PENDING_MS
    (INSTRUMENT_JS)."""
    return page.evaluate(KERNEL_IDLE_JS, PENDING_MS)


def canvas_signature(page, explorer_index: int) -> dict:
    return page.evaluate(
        """(i) => {
          const h = window.__descentProbe;
          const root = document.querySelectorAll('.__EXPLORER__')[i];
          const c = h.mainCanvas(root);
          return { ...h.hash(c), draws: c.__descentDraws || 0 };
        }""".replace("__EXPLORER__", EXPLORER_CLASS),
        explorer_index,
    )


# Text that must never reach a learner's page.
ERROR_TEXT = (
    "Traceback (most recent call last)",
    "Error displaying widget",
    "Error rendering output",
    "could not be shown",  # our VoilaExecutor.cell_error_instruction
    "There was an error when executing cell",
    "Cell execution timed out",
    "An exception occurred at the server",
)


def page_problems(page) -> list[str]:
    """stderr outputs (Voila shows errors as stderr text) and error text on the page."""
    found = page.evaluate(
        """() => {
          const root = document.querySelector('#rendered_cells') || document.body;
          const sel = (s) => [...document.querySelectorAll(s)]
            .map((e) => e.innerText.slice(0, 300));
          return {
            stderr: sel('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'),
            text: root.innerText,
          };
        }"""
    )
    problems = [f"stderr output: {t!r}" for t in found["stderr"]]
    problems += [
        f"page text contains {marker!r}" for marker in ERROR_TEXT if marker in found["text"]
    ]
    return problems


# Markdown cells whose formulas wait until they come near the window (the descent template).
DEFERRED_MATH_CLASS = "descent-math-deferred"


# The element that scrolls the lesson: Voila's shell puts the cells in a panel of its own.
SCROLL_BOX_JS = """() => {
  for (let el = document.querySelector('#rendered_cells'); el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) return el;
  }
  return document.scrollingElement;
}"""


def read_through(page, timeout: float = 60.0) -> int:
    """Scroll the page from top to bottom a screen at a time, as a reader does, waiting at each
    screen until the Markdown cells around it are typeset; back to the top afterwards. Returns
    how many cells were still waiting for their formulas when the reading began."""
    waiting = page.evaluate(f"() => document.querySelectorAll('.{DEFERRED_MATH_CLASS}').length")
    deadline = time.monotonic() + timeout
    while True:
        pending_here = page.evaluate(
            """(cls) => [...document.querySelectorAll('.' + cls)].filter((b) => {
                 const r = b.getBoundingClientRect();
                 return r.bottom > 0 && r.top < window.innerHeight; }).length""",
            DEFERRED_MATH_CLASS,
        )
        if pending_here and time.monotonic() < deadline:
            page.wait_for_timeout(50)
            continue
        moved = page.evaluate(
            """() => { const box = (__BOX__)(); const before = box.scrollTop;
                       box.scrollTop = before + box.clientHeight;
                       return { moved: box.scrollTop !== before,
                                end: box.scrollTop + box.clientHeight >= box.scrollHeight - 2 }; }
            """.replace("__BOX__", SCROLL_BOX_JS)
        )
        if time.monotonic() > deadline:
            break
        if not moved["moved"]:
            if moved["end"]:
                break
            # the page is still laying out (its panel not scrollable yet): wait, do not give up
            page.wait_for_timeout(100)
    page.evaluate("() => { (__BOX__)().scrollTop = 0; }".replace("__BOX__", SCROLL_BOX_JS))
    return waiting


def math_problems(page, notebook_json: dict) -> list[str]:
    """LaTeX in the notebook's Markdown must come out typeset by the locally served MathJax, by
    the time a reader has scrolled to it."""
    read_through(page)
    sources = [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in notebook_json["cells"]
        if c["cell_type"] == "markdown"
    ]
    has_math = any("$" in s or "\\begin{" in s for s in sources)
    found = page.evaluate(
        """() => {
          const root = document.querySelector('#rendered_cells') || document.body;
          const clone = root.cloneNode(true);
          clone.querySelectorAll('mjx-container, mjx-assistive-mml, script, style, code, pre')
            .forEach((e) => e.remove());
          return { typeset: root.querySelectorAll('mjx-container').length,
                   errors: root.querySelectorAll('mjx-merror').length,
                   deferred: root.querySelectorAll('.__DEFERRED__').length,
                   text: clone.textContent };
        }""".replace("__DEFERRED__", DEFERRED_MATH_CLASS)
    )
    problems = []
    if found["deferred"]:
        problems.append(f"{found['deferred']} Markdown cell(s) not typeset after reading through")
    if has_math and found["typeset"] == 0:
        problems.append("the notebook has LaTeX but nothing was typeset (no mjx-container)")
    if found["errors"]:
        problems.append(f"{found['errors']} formula(s) failed to typeset (mjx-merror)")
    raw = re.findall(
        r"\$\$|\\(?:frac|alpha|theta|nabla|sum|begin|mathbf|left|right)\b", found["text"]
    )
    if raw:
        problems.append(f"raw LaTeX left in the page text: {sorted(set(raw))}")
    return problems
