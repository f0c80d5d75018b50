"""Explorers behind a slow link: key press to new pixels, bytes per move, and a drag's last frame.

Chromium reaches Voila through a proxy on loopback (benchmarks/slowlink.py) that adds a
round-trip time and a bandwidth limit in each direction; "loopback" is the direct connection.
For every explorer of every lesson dashboard (its question answered first where it has one):

- key press -> pixels: ``--presses`` presses of → / ← on its first enabled slider, each timed
  from the keydown to the first animation frame whose canvas differs (as
  benchmarks/bench_dashboards.py times it); median and 95th percentile;
- bytes per press: everything the server sent through the link during a press (median);
- a drag: the handle dragged across a third of its track in 20 mouse moves over about a second;
  "settle" is the time from releasing the mouse to the last change of the picture (none after
  1.5 s of stillness). A link that builds a backlog shows it here: frames of positions passed
  long ago still arriving.

Target of "Explorers over a real network": median key press -> pixels ≤ RTT + 50 ms at
8 Mbit/s for every explorer. With ``--baseline REV`` the same run is made against revision REV
(its package and lessons), side by side.

    .venv/bin/python benchmarks/bench_slowlink.py [--only 02 04] [--baseline 00ccd7f]
        [--links 0/0 100/8 40/2] [--presses 8]
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import time
from pathlib import Path

import harness
from bench_dashboards import ARM_JS, answer_question, wait_ready
from bench_frames import explorer_sliders, serve
from slowlink import SlowLink

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from voila_harness import (  # noqa: E402
    CHROMIUM_ARGS,
    EXPLORER_CLASS,
    INSTRUMENT_JS,
    VIEWPORT,
    chromium_path,
    count_widget_views,
)

SLACK_MS = 50.0  # the target: RTT + this
# the time of the last change of an explorer's picture, watched every animation frame
WATCH_JS = """(index) => {
  const root = document.querySelectorAll('.__EXPLORER__')[index];
  const canvas = root.querySelector('.jupyter-matplotlib-canvas-div canvas');
  const w = { last: performance.now(), hash: window.__descentProbe.hash(canvas).hash, stop: false };
  let checked = performance.now();
  const poll = () => {
    if (w.stop) return;
    if ((canvas.__descentLastDraw || 0) > checked) {
      checked = performance.now();
      const now = window.__descentProbe.hash(canvas).hash;
      if (now !== w.hash) { w.hash = now; w.last = checked; }
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  window.__descentWatch = w;
}""".replace("__EXPLORER__", EXPLORER_CLASS)


def press_latencies(page, root, index: int, handle, presses: int, link) -> tuple[list, list]:
    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    keys = ("ArrowLeft", "ArrowRight") if at_max else ("ArrowRight", "ArrowLeft")
    latencies, sizes = [], []
    for k in range(presses):
        answer_question(root)
        page.wait_for_timeout(200)
        page.evaluate(ARM_JS, ["explorer", index])
        before = link.bytes_down if link else 0
        handle.focus()
        page.keyboard.press(keys[k % 2])
        page.wait_for_function("() => window.__descentLatency !== undefined", timeout=15_000)
        value = page.evaluate("() => window.__descentLatency")
        page.wait_for_timeout(300)  # the rest of the move's messages
        if value is not None:
            latencies.append(value)
        if link:
            sizes.append(link.bytes_down - before)
    return latencies, sizes


def drag_settle(page, root, index: int, handle) -> float | None:
    """ms from releasing a drag to the picture's last change."""
    answer_question(root)
    track = handle.locator("xpath=ancestor::div[contains(@class,'noUi-base')]").bounding_box()
    box = handle.bounding_box()
    if not (track and box):
        return None
    y, x0 = box["y"] + box["height"] / 2, box["x"] + box["width"] / 2
    right = x0 < track["x"] + track["width"] / 2
    x1 = x0 + (1 if right else -1) * track["width"] / 3
    page.evaluate(WATCH_JS, index)
    page.mouse.move(x0, y)
    page.mouse.down()
    for k in range(1, 21):
        page.mouse.move(x0 + (x1 - x0) * k / 20, y)
        page.wait_for_timeout(50)
    page.mouse.up()
    released = page.evaluate("() => performance.now()")
    while True:
        page.wait_for_timeout(250)
        last, now = page.evaluate("() => [window.__descentWatch.last, performance.now()]")
        if now - max(last, released) > 1500 or now - released > 30_000:
            break
    page.evaluate("() => { window.__descentWatch.stop = true; }")
    return max(0.0, last - released)


def bench_link(browser, server, lessons, name, rtt, mbit, args) -> list[dict]:
    link = SlowLink(server.port, rtt, mbit) if rtt or mbit else None
    rows = []
    with link or _Null():
        context = browser.new_context(viewport=VIEWPORT)  # one per link: assets cached once
        context.add_init_script(INSTRUMENT_JS)
        page = context.new_page()
        try:
            for nb in lessons:
                url = server.render_url(nb)
                if link:
                    url = url.replace(f":{server.port}/", f":{link.port}/", 1)
                response = page.goto(url, wait_until="load", timeout=300_000)
                wait_ready(page, count_widget_views(response.text()), timeout=300)
                for index, root, handle in explorer_sliders(page):
                    lat, sizes = press_latencies(page, root, index, handle, args.presses, link)
                    settle = drag_settle(page, root, index, handle)
                    row = {
                        "code": name,
                        "link": f"{rtt:g} ms, {mbit:g} Mbit/s" if link else "loopback",
                        "rtt_ms": rtt,
                        "lesson": nb[:2],
                        "explorer": index,
                        "median_ms": statistics.median(lat) if lat else None,
                        "p95_ms": harness.p95(lat) if lat else None,
                        "kB_per_press": statistics.median(sizes) / 1e3 if sizes else None,
                        "settle_ms": settle,
                    }
                    rows.append(row)
                    print(
                        f"  {name:4} {row['link']:18} {nb[:2]} explorer {index}: "
                        + (f"{row['median_ms']:.0f} / {row['p95_ms']:.0f} ms" if lat else "—")
                        + (f", {row['kB_per_press']:.1f} kB" if sizes else "")
                        + (f", drag settles in {settle:.0f} ms" if settle is not None else ""),
                        flush=True,
                    )
        finally:
            context.close()
    return rows


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--presses", type=int, default=8)
    parser.add_argument("--only", nargs="*", default=None, help="lessons, e.g. 02 04")
    parser.add_argument("--baseline", help="a git revision to measure beside this tree")
    parser.add_argument("--links", nargs="*", default=["0/0", "100/8", "40/2"], help="RTT/Mbit")
    args = parser.parse_args(argv)
    chromium = chromium_path()
    if chromium is None:
        print("needs Debian's Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    links = [tuple(float(v) for v in spec.split("/")) for spec in args.links]
    from playwright.sync_api import sync_playwright

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    record = harness.Record("slowlink")
    runs = [("new", ROOT / "lessons", {"PYTHONPATH": str(ROOT)})]
    if args.baseline:
        old = harness.baseline(args.baseline)
        runs.insert(0, ("old", old / "lessons", {"PYTHONPATH": str(old)}))
    print(f"load {os.getloadavg()[0]:.1f}; {args.presses} presses per explorer")
    rows: list[dict] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        for name, lessons, env in runs:
            server = serve(lessons, env)
            notebooks = sorted(
                p.name
                for p in lessons.glob("[0-9][0-9]_*.ipynb")
                if not p.name.startswith("00_")
                and (not args.only or any(o in p.name for o in args.only))
            )
            try:
                time.sleep(5)  # let the preheated pool start before the first page
                for rtt, mbit in links:
                    rows += bench_link(browser, server, notebooks, name, rtt, mbit, args)
            finally:
                server.stop()
        browser.close()
    for row in rows:
        record.row("per explorer", **row)
    print()
    for name, *_ in runs:
        for rtt, mbit in links:
            label = f"{rtt:g} ms, {mbit:g} Mbit/s" if rtt or mbit else "loopback"
            mine = [r for r in rows if r["code"] == name and r["link"] == label]
            med = [r["median_ms"] for r in mine if r["median_ms"] is not None]
            kb = [r["kB_per_press"] for r in mine if r["kB_per_press"] is not None]
            settle = [r["settle_ms"] for r in mine if r["settle_ms"] is not None]
            if not med:
                continue
            print(
                f"{name:4} {label:18} key -> pixels median over explorers "
                f"{statistics.median(med):.0f} ms (worst {max(med):.0f}); "
                + (f"{statistics.median(kb):.1f} kB per press (max {max(kb):.1f}); " if kb else "")
                + (f"drag settles in {statistics.median(settle):.0f} ms (max {max(settle):.0f})")
            )
            if name == "new" and mbit >= 8 and rtt:
                record.target(f"worst explorer's median ms at {label}", max(med), rtt + SLACK_MS)
            if name == "new" and rtt and settle:
                record.target(f"worst drag settle ms at {label}", max(settle), rtt + SLACK_MS)
    record.finish(args)
    return 0


if __name__ == "__main__":
    harness.run_script(main)
