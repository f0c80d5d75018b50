"""Time-to-interactive, slider-to-pixels latency and kernel memory of every dashboard.

    .venv/bin/python benchmarks/bench_dashboards.py [--repeat 3] [--cold | --progressive]

Serves lessons/ with the repository's Voila configuration (as `voila lessons/` does: with its
preheated kernel pool; `--cold` turns the pool off, so every load starts and runs a kernel),
plus the explorer fixture of the browser tests and benchmarks/reference_interact.ipynb (the same toy
explorer written the `interact` + `plt.figure` way), and measures in Debian's Chromium:

- time to interactive: navigation start -> the page executed, every widget rendered, every
  ipympl canvas drawn and the DOM settled (target <= 3 s);
- slider-to-pixels latency, per explorer: a real key press on its first slider -> the first
  animation frame whose canvas pixels differ (for the reference: whose figure image differs),
  polled with requestAnimationFrame (target median <= 50 ms);
- memory of the page's kernel (RSS, and USS: the part no other process shares), after the
  latency steps (target <= 150 MB resident, the figure marked ok or !!).

With the pool, Voila runs the notebook again in the background right after serving it (to refill
the pool): TTI is measured with that run going on; latency and memory once it has finished and
the next learner's kernel waits (a learner reads before moving sliders), and the next page is
loaded only then.

Everything runs on 127.0.0.1; every wait is bounded. Results are printed and, with --json,
written to a file (benchmarks/results/ is ignored by git).
"""

from __future__ import annotations

import functools
import signal
import statistics
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import harness  # noqa: E402
from voila_harness import (  # noqa: E402
    CHROMIUM_ARGS,
    EXPLORER_CLASS,
    FIXTURES,
    INSTRUMENT_JS,
    LESSONS,
    VIEWPORT,
    chromium_path,
    count_widget_views,
    install_probes,
    kernel_id_from_html,
    lesson_notebooks,
    press_run,
    start_voila,
)

TARGET_TTI_S = 3.0
TARGET_LATENCY_MS = 50.0
TARGET_MEMORY_MB = 150.0
STEPS = 12  # key presses per explorer (alternating up and down)

# Targets on the page: explorers (ipympl canvas) and interact blocks (their output image).
TARGETS_JS = """() => {
  const out = [];
  document.querySelectorAll('.__EXPLORER__').forEach((root) => {
    if (root.querySelector('.jupyter-matplotlib-canvas-div canvas') &&
        root.querySelector('.widget-slider .noUi-handle'))
      out.push({ kind: 'explorer', label: [...root.classList].filter((c) =>
        c.startsWith('descent-') && c !== '__EXPLORER__').join(' ') || 'explorer' });
  });
  document.querySelectorAll('.widget-interact').forEach(() => out.push({ kind: 'interact',
    label: 'interact' }));
  return out;
}""".replace("__EXPLORER__", EXPLORER_CLASS)

# Arms a measurement: on the next keydown, check every animation frame whether the target's
# picture differs, then store the latency in window.__descentLatency. An explorer's canvas is
# hashed only in frames after something was drawn on it (INSTRUMENT_JS stamps every drawImage),
# so the check costs the page nothing while it waits; the reference's picture is an <img>.
ARM_JS = """([kind, index]) => {
  const roots = kind === 'explorer' ? document.querySelectorAll('.__EXPLORER__')
                                    : document.querySelectorAll('.widget-interact');
  const root = roots[index];
  const canvas = () => root.querySelector('.jupyter-matplotlib-canvas-div canvas');
  const picture = () => {
    if (kind === 'explorer') return String(window.__descentProbe.hash(canvas()).hash);
    const img = root.querySelector('.jp-OutputArea img');
    return img && img.complete && img.naturalWidth ? img.src : null;
  };
  const before = picture();
  window.__descentLatency = undefined;
  const onKey = (event) => {
    document.removeEventListener('keydown', onKey, true);
    const t0 = performance.now();
    let checked = t0;
    const poll = (frameTime) => {
      const drawn = kind !== 'explorer' || (canvas().__descentLastDraw || 0) > checked;
      if (drawn) {
        checked = performance.now();
        const now = picture();
        if (now !== null && now !== before) { window.__descentLatency = frameTime - t0; return; }
      }
      if (performance.now() - t0 > 3000) { window.__descentLatency = null; return; }
      requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  };
  document.addEventListener('keydown', onKey, true);
}""".replace("__EXPLORER__", EXPLORER_CLASS)

TTI_JS = """() => {
  const draws = [...document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')]
    .map((c) => c.__descentLastDraw || 0);
  return Math.max(window.__descent.lastMutation, ...draws) / 1000;
}"""


def wait_ready(page, expected_views: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        install_probes(page)
        ok = page.evaluate(
            """(expected) => {
              const h = window.__descentProbe;
              const imgs = [...document.querySelectorAll('#rendered_cells img')];
              return h.finished() && h.widgetOutputs() >= expected
                && h.canvases().every((c) => c.draws > 0 && c.ink > 0)
                && imgs.every((i) => i.complete)
                && performance.now() - window.__descent.lastMutation > 1000;
            }""",
            expected_views,
        )
        if ok:
            return
        time.sleep(0.1)
    raise TimeoutError(f"not interactive after {timeout:.0f} s")


def answer_question(root, timeout: float = 10.0) -> None:
    """An explorer with a predict-then-run question shows its run only after an answer (and
    hides it again when a slider moves): answer it, so the key press changes a shown run."""
    question = root.locator(".descent-question")
    if question.count() == 0:
        return
    feedback = question.locator(".widget-html").last
    if feedback.inner_text().strip():
        return
    press_run(question)
    deadline = time.monotonic() + timeout
    while not feedback.inner_text().strip() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the revealed picture arrives after the feedback text


def measure_latencies(page, target: dict, index: int) -> list[float] | None:
    """Latencies of STEPS key presses on the first visible slider; None when the picture does
    not change at all."""
    roots = page.locator(
        f".{EXPLORER_CLASS}" if target["kind"] == "explorer" else ".widget-interact"
    )
    handles = roots.nth(index).locator(".widget-slider .noUi-handle")
    visible = [handles.nth(i) for i in range(handles.count()) if handles.nth(i).is_visible()]
    if not visible:
        return None
    handle = visible[0]
    handle.scroll_into_view_if_needed(timeout=5_000)
    high = float(handle.get_attribute("aria-valuemax"))
    up_first = float(handle.get_attribute("aria-valuetext") or 0) < high
    out = []
    misses = 0
    for step in range(STEPS):
        key = "PageUp" if (step % 2 == 0) == up_first else "PageDown"
        if target["kind"] == "explorer":
            answer_question(roots.nth(index))
        page.evaluate(ARM_JS, [target["kind"], index])
        handle.focus()
        page.keyboard.press(key)
        page.wait_for_function("() => window.__descentLatency !== undefined", timeout=15_000)
        value = page.evaluate("() => window.__descentLatency")
        if value is None:
            misses += 1
            if misses >= 2 and not out:
                return None
        else:
            out.append(value)
        time.sleep(0.15)  # let the kernel go idle between steps
    return out


def kernel_memory(server, kernel_id: str) -> dict[str, float] | None:
    for proc in server.kernel_processes():
        if kernel_id in " ".join(proc.cmdline()):
            info = proc.memory_full_info()
            return {"rss_mb": info.rss / 2**20, "uss_mb": info.uss / 2**20}
    return None


def bench_page(browser, server, notebook: str, measure_latency: bool, settle=None) -> dict:
    """One page load: TTI, then (after ``settle()``: the pool's refill) latencies and memory."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INSTRUMENT_JS)
    page = context.new_page()
    try:
        response = page.goto(server.render_url(notebook), wait_until="load", timeout=180_000)
        html = response.text()
        wait_ready(page, count_widget_views(html))
        result = {"tti_s": page.evaluate(TTI_JS), "latency_ms": {}}
        if settle is not None:
            settle()
        if measure_latency:
            targets = page.evaluate(TARGETS_JS)
            counters = {"explorer": 0, "interact": 0}
            for target in targets:
                index = counters[target["kind"]]
                counters[target["kind"]] += 1
                name = f"{index + 1}: {target['label']}"
                result["latency_ms"][name] = measure_latencies(page, target, index) or []
        result["memory"] = kernel_memory(server, kernel_id_from_html(html))
        return result
    finally:
        context.close()


def pools_filled(server) -> int:
    """How many times the server has started filling a notebook's preheated kernel pool.

    Voila logs "is filled with" as soon as the pool's kernel has started, while the notebook
    still runs in it: ``wait_for_pools`` also waits for that run to finish."""
    try:
        return server.log_path.read_text(errors="replace").count("is filled with")
    except OSError:
        return 0


def cpu_seconds(servers: dict) -> float:
    """CPU time used so far by the servers and every process they started (their kernels)."""
    total = 0.0
    for server in servers.values():
        try:
            root = psutil.Process(server.process.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for process in processes:
            try:
                times = process.cpu_times()
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                continue
            total += times.user + times.system
    return total


def wait_for_pools(
    servers: dict, expected: dict, timeout: float = 180.0, window: float = 1.0
) -> None:
    """Wait until every server has started filling its pools ``expected[name]`` times and the
    notebooks have finished running in them: the servers and their kernels together used less
    than 5 % of a core over the last ``window`` seconds. A page is then measured with a
    preheated kernel ready and nothing running in the background."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(pools_filled(servers[name]) >= n for name, n in expected.items()):
            break
        time.sleep(0.5)
    else:
        print(f"  (the preheated pools were not filled within {timeout:.0f} s)", flush=True)
        return
    samples = [(time.monotonic(), cpu_seconds(servers))]
    while time.monotonic() < deadline:
        time.sleep(0.25)
        samples.append((time.monotonic(), cpu_seconds(servers)))
        old = [s for s in samples if samples[-1][0] - s[0] >= window]
        if old and samples[-1][1] - old[-1][1] < 0.05 * (samples[-1][0] - old[-1][0]):
            return
    print(f"  (the kernels did not go idle within {timeout:.0f} s)", flush=True)


def summarise(name: str, runs: list[dict]) -> dict:
    tti = [r["tti_s"] for r in runs]
    memory = [r["memory"] for r in runs if r["memory"]]
    summary = {
        "dashboard": name,
        "tti_s_median": statistics.median(tti),
        "tti_s_max": max(tti),
        "rss_mb_median": statistics.median(m["rss_mb"] for m in memory) if memory else None,
        "uss_mb_median": statistics.median(m["uss_mb"] for m in memory) if memory else None,
        "latency_ms": {},
    }
    for run in runs:
        for explorer, values in run["latency_ms"].items():
            summary["latency_ms"].setdefault(explorer, []).extend(values)
    for explorer, values in summary["latency_ms"].items():
        values.sort()
        summary["latency_ms"][explorer] = {
            "median": statistics.median(values) if values else None,
            "p90": values[int(0.9 * (len(values) - 1))] if values else None,
            "n": len(values),
        }
    return summary


def mark(value, target) -> str:
    return "  " if value is None else ("ok" if value <= target else "!!")


def print_table(summaries: list[dict], footer: bool = True) -> None:
    print()
    print(f"{'dashboard':38} {'TTI med':>8} {'TTI max':>8}   {'RSS MB':>7} {'USS MB':>7}")
    for s in summaries:
        rss = f"{s['rss_mb_median']:7.0f}" if s["rss_mb_median"] else "      -"
        uss = f"{s['uss_mb_median']:7.0f}" if s["uss_mb_median"] else "      -"
        print(
            f"{s['dashboard']:38} {s['tti_s_median']:7.2f}s {s['tti_s_max']:7.2f}s "
            f"{mark(s['tti_s_median'], TARGET_TTI_S)} {rss} {uss} "
            f"{mark(s['rss_mb_median'], TARGET_MEMORY_MB)}"
        )
        for explorer, lat in s["latency_ms"].items():
            if lat["median"] is None:
                print(f"    {explorer:34} slider -> pixels: no change seen")
                continue
            print(
                f"    {explorer:34} slider -> pixels: median {lat['median']:6.0f} ms, "
                f"p90 {lat['p90']:6.0f} ms (n={lat['n']}) {mark(lat['median'], TARGET_LATENCY_MS)}"
            )
    if not footer:
        return
    print(
        f"\ntargets: TTI <= {TARGET_TTI_S:g} s, latency median <= {TARGET_LATENCY_MS:g} ms, "
        f"kernel <= {TARGET_MEMORY_MB:g} MB (ok = met, !! = missed)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="page loads per dashboard")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--cold", action="store_true", help="without the preheated kernel pool (a kernel per load)"
    )
    mode.add_argument(
        "--progressive",
        action="store_true",
        help="without the pool, with progressive rendering",
    )
    parser.add_argument("--only", nargs="*", default=None, help="dashboard names to measure")
    args = parser.parse_args(argv)

    chromium = chromium_path()
    if chromium is None:
        print("needs Debian's Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    # The course's configuration keeps a preheated kernel pool (lessons/.voila/voila.py): wait
    # until every notebook has run in it before the first request, and again after each load
    # (Voila refills the pool of the notebook just served); without it, until the kernels are
    # idle.
    extra: list[str] = []
    pool = not (args.cold or args.progressive)
    if not pool:
        extra = ["--VoilaConfiguration.preheat_kernel=False"]
    if args.progressive:
        extra.append("--VoilaConfiguration.progressive_rendering=True")

    from playwright.sync_api import sync_playwright

    # stopped with SIGTERM, still stop the servers (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    logs = ROOT / "benchmarks" / "results"
    servers = {
        "lessons": start_voila(LESSONS, extra_args=extra, log_dir=logs),
        "fixtures": start_voila(FIXTURES, extra_args=extra, log_dir=logs),
        "benchmarks": start_voila(ROOT / "benchmarks", extra_args=extra, log_dir=logs),
    }
    plan = [("lessons", p.name, p.stem) for p in lesson_notebooks()]
    plan += [
        ("fixtures", "explorer.ipynb", "fixture: explorer (tests/browser)"),
        ("benchmarks", "reference_interact.ipynb", "reference: interact + plt.figure"),
    ]
    if args.only:
        plan = [p for p in plan if any(o in p[2] for o in args.only)]
    mode_name = "cold" if args.cold else "progressive" if args.progressive else "preheated pool"
    print(f"mode: {mode_name}; {args.repeat} load(s) per dashboard; viewport {VIEWPORT}")
    summaries: list[dict] = []
    failed: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_ARGS, headless=True
            )
            expected = {
                name: len([p for p in server.root.glob("*.ipynb") if not p.name.startswith(".")])
                for name, server in servers.items()
            }
            # without the pool nothing is refilled: only wait for the machine to be quiet
            settle = functools.partial(wait_for_pools, servers, expected if pool else {})
            settle()
            for server_name, notebook, name in plan:
                runs = []
                for repeat in range(args.repeat):
                    try:
                        if pool:  # Voila refills the pool of this notebook after serving it
                            expected[server_name] += 1
                        runs.append(
                            bench_page(browser, servers[server_name], notebook, repeat == 0, settle)
                        )
                    except Exception as error:  # reported, and the other dashboards still run
                        print(f"  {name}: load {repeat + 1} failed: {error}", flush=True)
                        failed.append(f"{name}: {error}")
                        break
                    print(f"  {name}: load {repeat + 1}: TTI {runs[-1]['tti_s']:.2f} s", flush=True)
                if runs:
                    summaries.append(summarise(name, runs))
                    print_table(summaries[-1:], footer=False)
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    print_table(summaries)
    for failure in failed:
        print(f"FAILED {failure}")
    record = harness.Record("dashboards")
    record.meta["mode"] = mode_name
    for s in summaries:
        record.row("dashboards", **{k: v for k, v in s.items() if k != "latency_ms"})
        record.target(f"{s['dashboard']} time to interactive s", s["tti_s_median"], TARGET_TTI_S)
        if s["rss_mb_median"] is not None:
            record.target(f"{s['dashboard']} kernel RSS MB", s["rss_mb_median"], TARGET_MEMORY_MB)
        for explorer, lat in s["latency_ms"].items():
            record.row("latency", dashboard=s["dashboard"], explorer=explorer, **lat)
            if lat["median"] is not None and not s["dashboard"].startswith("reference"):
                record.target(
                    f"{s['dashboard']} {explorer} slider -> pixels ms",
                    lat["median"],
                    TARGET_LATENCY_MS,
                )
    for failure in failed:
        record.row("failed", failure=failure)
    record.finish(args)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
