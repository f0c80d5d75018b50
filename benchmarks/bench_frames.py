"""What a slider step costs on the wire: bytes, messages and pictures the browser receives.

For every explorer of every lesson dashboard (Chromium, Voila as the README serves it): its
question answered first where it has one, then the first enabled slider stepped with → (or ←)
``--presses`` times, ``--gap`` ms apart; every WebSocket frame from the server is recorded. Per
explorer it reports the median bytes and messages per press, the pictures received, and how many
of them were byte-identical to the picture before. With ``--baseline REV`` the same run is made
against revision REV (its package and its lessons; ipywidgets' echo messages on, as they were
before the dashboard kernel turned them off), side by side.

    .venv/bin/python benchmarks/bench_frames.py [--only 02 04] [--baseline fbf863c]
"""

from __future__ import annotations

import hashlib
import itertools
import os
import signal
import statistics
import sys
from pathlib import Path

import harness
from bench_dashboards import answer_question, wait_ready

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from voila_harness import (  # noqa: E402
    CHROMIUM_ARGS,
    EXPLORER_CLASS,
    INSTRUMENT_JS,
    VIEWPORT,
    chromium_path,
    count_widget_views,
    start_voila,
)

PNG = b"\x89PNG\r\n\x1a\n"


def first_slider(root):
    """The first visible, enabled slider handle of an explorer, or None."""
    handles = root.locator(".widget-slider:not(:has(.noUi-target[disabled])) .noUi-handle")
    for k in range(handles.count()):
        if handles.nth(k).is_visible():
            return handles.nth(k)
    return None


def explorer_sliders(page):
    """(index, explorer, first slider handle) of every explorer on the page that has a slider,
    its question answered first."""
    roots = page.locator(f".{EXPLORER_CLASS}")
    for index in range(roots.count()):
        root = roots.nth(index)
        root.scroll_into_view_if_needed()
        answer_question(root)
        handle = first_slider(root)
        if handle is not None:
            yield index, root, handle


def bench_dashboard(browser, server, notebook: str, presses: int, gap_ms: int) -> list[dict]:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INSTRUMENT_JS)
    page = context.new_page()
    frames: list[bytes] = []

    def on_socket(ws) -> None:
        ws.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, bytes) else payload.encode()
            ),
        )

    page.on("websocket", on_socket)
    try:
        response = page.goto(server.render_url(notebook), wait_until="load", timeout=120_000)
        wait_ready(page, count_widget_views(response.text()))
        rows = []
        for index, _, handle in explorer_sliders(page):
            label = handle.evaluate(
                "(h) => h.closest('.widget-slider').querySelector('.widget-label').textContent"
            )
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            key = "ArrowLeft" if at_max else "ArrowRight"
            page.wait_for_timeout(500)
            per_press, pictures = [], []
            for _ in range(presses):
                start = len(frames)
                handle.focus()
                page.keyboard.press(key)
                page.wait_for_timeout(gap_ms)
                got = frames[start:]
                per_press.append((sum(len(f) for f in got), len(got)))
                for f in got:
                    at = f.find(PNG)
                    if at >= 0:
                        pictures.append(hashlib.sha1(f[at:]).hexdigest())
            same = sum(a == b for a, b in itertools.pairwise(pictures))
            rows.append(
                {
                    "lesson": notebook[:2],
                    "explorer": index,
                    "slider": label,
                    "kB_per_press": statistics.median(b for b, _ in per_press) / 1e3,
                    "messages_per_press": statistics.median(n for _, n in per_press),
                    "pictures": len(pictures),
                    "identical": same,
                }
            )
        return rows
    finally:
        context.close()


def serve(lessons: Path, env: dict, extra_args=()):
    """A Voila server of ``lessons`` as the README serves them, started with ``env`` added to
    this process's environment (the package of another revision on PYTHONPATH)."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return start_voila(lessons, extra_args=list(extra_args), log_dir=harness.RESULTS)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run(label: str, lessons: Path, env: dict, args, browser) -> list[dict]:
    server = serve(lessons, env, args.voila)
    try:
        rows = []
        for nb in sorted(p.name for p in lessons.glob("[0-9][0-9]_*.ipynb")):
            if nb.startswith("00_") or (args.only and not any(o in nb for o in args.only)):
                continue
            for row in bench_dashboard(browser, server, nb, args.presses, args.gap):
                rows.append({"code": label, **row})
                print(
                    f"  {label:8} {nb[:2]} explorer {row['explorer']} {row['slider']!r}: "
                    f"{row['kB_per_press']:.1f} kB, {row['messages_per_press']:.0f} messages per "
                    f"press; {row['identical']} of {row['pictures']} pictures identical",
                    flush=True,
                )
        return rows
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--presses", type=int, default=6)
    parser.add_argument("--gap", type=int, default=300, help="ms between presses")
    parser.add_argument("--only", nargs="*", default=None, help="lessons to measure, e.g. 02 04")
    parser.add_argument("--baseline", help="a git revision to measure beside this tree")
    args = parser.parse_args(argv)
    args.voila = []
    chromium = chromium_path()
    if chromium is None:
        print("needs Debian's Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    record = harness.Record("frames")
    runs = [("new", ROOT / "lessons", {"PYTHONPATH": str(ROOT)})]
    if args.baseline:
        # REV's package and lessons, served with this tree's configuration but with ipywidgets'
        # echo messages on, as before (this tree's dashboard kernel turns them off)
        old = harness.baseline(args.baseline)
        env = {"PYTHONPATH": str(old), "JUPYTER_WIDGETS_ECHO": "1"}
        runs.insert(0, ("old", old / "lessons", env))
    print(f"load {os.getloadavg()[0]:.1f}; {args.presses} presses, {args.gap} ms apart")
    results: dict[str, list[dict]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        for label, lessons, env in runs:
            results[label] = run(label, lessons, env, args, browser)
            for row in results[label]:
                record.row("per explorer", **row)
        browser.close()
    for label, rows in results.items():
        if not rows:
            continue
        kb = [r["kB_per_press"] for r in rows]
        msgs = [r["messages_per_press"] for r in rows]
        identical = sum(r["identical"] for r in rows)
        print(
            f"{label}: median over {len(rows)} explorers {statistics.median(kb):.1f} kB and "
            f"{statistics.median(msgs):.0f} messages per press (max {max(kb):.1f} kB); "
            f"{identical} identical pictures"
        )
        if label == "new":
            record.target("median kB per slider step over explorers", statistics.median(kb), 12)
            record.target("largest explorer's median kB per step", max(kb), 40)
            record.target("pictures identical to the one before", identical, 0)
    record.finish(args)
    return 0


if __name__ == "__main__":
    harness.run_script(main)
