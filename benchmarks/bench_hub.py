"""A class on the hub: 20 students log in and open the same lesson's dashboard within a minute.

    .venv/bin/python benchmarks/bench_hub.py [--students 20] [--window 60] [--presses 6]

Runs the class hub of deploy/jupyterhub/ (tests/hub/hub_harness.py: the class configuration with
the dummy login and a spawner that needs no Unix accounts) and, in the same run, the stand-alone
Voila server with the course's settings (its preheated pool filled first), and puts each through
the same class in Debian's Chromium: student k arrives at k * window / students seconds, each in
a browser context of their own, and every session stays open.

- on the hub, a student arrives at the login page with the link an instructor hands out,
  /hub/login?next=/hub/user-redirect/voila/render/lessons/<lesson>: logs in, the hub starts the
  student's server, and the dashboard opens in it; on the stand-alone server, the student opens
  the dashboard's address;
- time to interactive, from the student's arrival until the dashboard has run, every widget is
  drawn and the page is still (as the browser tests wait for it); for the hub also the part spent
  before the dashboard's own page started loading (login and the server's start);
- slider response under that load, once every student is in: a real key press on the lesson's
  first explorer that asks no question, until the first animation frame whose canvas differs,
  one student at a time (``--presses`` each), then all students pressing at once;
- memory per student: on the hub, the student's server and its kernel; stand-alone, the
  student's kernel; plus what the class shares (the hub, its proxy and culler; the Voila server
  and its preheated kernels).

The machine's two cores also run the 20 browser pages, in both set-ups alike. Everything is on
127.0.0.1; every wait is bounded. The record goes to benchmarks/results/hub.json.
"""

from __future__ import annotations

import shutil
import signal
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlparse

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hub"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_dashboards  # noqa: E402
import harness  # noqa: E402
import hub_harness  # noqa: E402
from voila_harness import (  # noqa: E402
    CHROMIUM_ARGS,
    EXPLORER_CLASS,
    INSTRUMENT_JS,
    LESSONS,
    VIEWPORT,
    chromium_path,
    count_widget_views,
    install_probes,
    kernel_id_from_html,
    page_problems,
    start_voila,
)

# Targets. Interactive: a class of 20 arriving within a minute on a 2-core machine that also
# runs their 20 browser pages; slider: the course's 50 ms target for an idle machine, doubled for
# a machine carrying the whole class; memory: the limit the hub configuration states per student.
TARGET_TTI_P95_S = 60.0
TARGET_SLIDER_MEDIAN_MS = 100.0
TARGET_STUDENT_MB = 1024.0  # c.Spawner.mem_limit = "1G"
DEADLINE_S = 400.0  # for the whole class to be in

READY_JS = """(expected) => {
  const h = window.__descentProbe;
  return h.finished() && h.widgetOutputs() >= expected
         && h.explorers().every((e) => e.hasCanvas)
         && h.canvases().every((c) => c.draws > 0 && c.ink > 0)
         && performance.now() - window.__descent.lastMutation > 750;
}"""
# Seconds since the dashboard's page started loading, when it last changed (its TTI), and when
# it started, as a Unix time.
TIMES_JS = """() => {
  const draws = [...document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')]
    .map((c) => c.__descentLastDraw || 0);
  return { tti: Math.max(window.__descent.lastMutation, ...draws) / 1000,
           origin: performance.timeOrigin / 1000 };
}"""
# The record's tables for docs/jupyterhub.md (benchmarks/report.py writes them there); "class"
# holds every figure of a row.
TABLES = {
    "arrival": [
        "server",
        "students",
        "interactive",
        "tti_median_s",
        "tti_p95_s",
        "tti_max_s",
        "login_and_start_median_s",
        "page_tti_median_s",
        "page_tti_p95_s",
    ],
    "slider": [
        "server",
        "slider_median_ms",
        "slider_p95_ms",
        "slider_misses",
        "all_at_once_median_ms",
        "all_at_once_max_ms",
        "all_at_once_misses",
    ],
    "memory": [
        "server",
        "student_rss_mb_median",
        "student_rss_mb_max",
        "student_uss_mb_median",
        "shared_rss_mb",
        "total_rss_mb",
    ],
    "work": [
        "server",
        "server_cpu_s_per_student",
        "browser_cpu_s_per_student",
        "page_errors",
        "pages_with_problems",
    ],
}
PLAIN_EXPLORER_JS = """(EXPLORER) => [...document.querySelectorAll('.' + EXPLORER)]
  .findIndex((e) => !e.querySelector('.descent-question'))"""


class Student:
    """One student's browser context and where their page has got to."""

    def __init__(self, browser, name: str, arrival: float):
        self.name = name
        self.arrival = arrival  # Unix time
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(INSTRUMENT_JS)
        self.page = self.context.new_page()
        self.document = None  # the dashboard's HTML response
        self.page.on("response", self._response)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.stage = "arriving"
        self.result: dict = {}

    def _response(self, response) -> None:
        if (
            response.request.is_navigation_request()
            and "/voila/render/" in response.url
            and response.status == 200
        ):
            self.document = response

    def go(self, url: str) -> None:
        # returns at once: the navigation goes on while the other students are polled
        self.page.evaluate("(url) => { window.location.href = url; }", url)

    def close(self) -> None:
        self.context.close()


def step(student: Student, log_in: bool) -> None:
    """Move a student's page on by one stage, without waiting for it."""
    page = student.page
    if page.evaluate("() => document.readyState") != "complete":
        return
    if student.stage == "login":
        if page.locator("#username_input").count() == 0:
            return
        page.fill("#username_input", student.name)
        page.fill("#password_input", hub_harness.PASSWORD)
        page.evaluate("() => setTimeout(() => document.querySelector('#login_submit').click())")
        student.stage = "loading"
        return
    if "/voila/render/" not in urlparse(page.url).path or student.document is None:
        return
    install_probes(page)
    if page.evaluate(READY_JS, count_widget_views(student.document.text())):
        times = page.evaluate(TIMES_JS)
        student.result = {
            "ready_s": time.time() - student.arrival,
            "page_tti_s": times["tti"],
            "before_page_s": times["origin"] - student.arrival if log_in else 0.0,
        }
        student.stage = "ready"


def run_class(browser, n: int, window: float, first_url, log_in: bool) -> list[Student]:
    """Students arrive one by one over ``window`` seconds; returns them once all are in."""
    start = time.time()
    students: list[Student] = []
    while time.time() - start < DEADLINE_S:
        while len(students) < n and time.time() - start >= len(students) * window / n:
            student = Student(browser, f"s{len(students) + 1:02d}", time.time())
            student.stage = "login" if log_in else "loading"
            student.go(first_url(student.name))
            students.append(student)
        for student in students:
            if student.stage != "ready":
                try:
                    step(student, log_in)
                except Exception as error:  # a page between two documents: tried again
                    student.result["last_error"] = str(error)[:200]
        if len(students) == n and all(s.stage == "ready" for s in students):
            return students
        time.sleep(0.25)
    for s in students:
        if s.stage != "ready":
            s.result["state"] = diagnose(s)
            print(f"  {s.name} not interactive after {DEADLINE_S:.0f} s: {s.result}", flush=True)
    return students


def diagnose(student: Student) -> dict:
    """Where a page that never became interactive got stuck."""
    state: dict = {"stage": student.stage, "url": student.page.url}
    try:
        install_probes(student.page)
        state.update(
            student.page.evaluate(
                """() => { const h = window.__descentProbe;
                  return { finished: h.finished(), views: h.widgetOutputs(),
                           canvases: h.canvases().map((c) => [c.draws, c.ink]),
                           quiet_ms: performance.now() - window.__descent.lastMutation }; }"""
            )
        )
        if student.document is not None:
            state["expected_views"] = count_widget_views(student.document.text())
            state["document_status"] = student.document.status
    except Exception as error:
        state["error"] = str(error)[:300]
    state["page_errors"] = student.errors[:5]
    return state


def press_and_time(students: list[Student], presses: int) -> tuple[list[float], list[float]]:
    """Key-press-to-pixels latencies (ms): ``presses`` per student, one student at a time; then
    one press by every student at once."""
    explorers = {}
    for s in students:
        if s.stage != "ready":
            continue
        # a page whose cells failed under load (the course's 60 s limit per cell) says so
        s.result["problems"] = page_problems(s.page)
        index = s.page.evaluate(PLAIN_EXPLORER_JS, EXPLORER_CLASS)
        if index < 0:
            s.result["problems"].append("no explorer on the page")
            continue
        handle = s.page.locator(f".{EXPLORER_CLASS}").nth(index).locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        explorers[s.name] = (index, handle)

    def arm_and_press(s: Student, key: str) -> None:
        index, handle = explorers[s.name]
        s.page.evaluate(bench_dashboards.ARM_JS, ["explorer", index])
        handle.focus()
        s.page.keyboard.press(key)

    def latency(s: Student, timeout: float = 30.0) -> float | None:
        s.page.wait_for_function(
            "() => window.__descentLatency !== undefined", timeout=timeout * 1000
        )
        return s.page.evaluate("() => window.__descentLatency")

    one_at_a_time = []
    students = [s for s in students if s.name in explorers]
    for s in students:
        for k in range(presses):
            arm_and_press(s, "PageUp" if k % 2 == 0 else "PageDown")
            value = latency(s)
            if value is not None:
                one_at_a_time.append(value)
            time.sleep(0.2)
    for s in students:
        arm_and_press(s, "PageUp")
    together = [v for v in (latency(s, 60.0) for s in students) if v is not None]
    return one_at_a_time, together


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """CPU time used so far by these processes and their children that have exited."""
    total = 0.0
    for proc in processes:
        try:
            t = proc.cpu_times()
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def browser_processes() -> list[psutil.Process]:
    """Chromium's processes (started by Playwright under this one)."""
    out = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if "chrom" in proc.name().lower():
                out.append(proc)
        except psutil.NoSuchProcess:
            continue
    return out


def arrive(browser, args, server_pid: int, first_url, log_in: bool) -> tuple[list[Student], dict]:
    """Run a class (run_class) against the server whose process is ``server_pid``; the students,
    and the CPU seconds per student spent by the server side and by the browser."""
    server_root = psutil.Process(server_pid)
    server0, browser0 = cpu_seconds(tree(server_root)), cpu_seconds(browser_processes())
    students = run_class(browser, args.students, args.window, first_url, log_in)
    n = len(students)
    return students, {
        "server_cpu_s_per_student": (cpu_seconds(tree(server_root)) - server0) / n,
        "browser_cpu_s_per_student": (cpu_seconds(browser_processes()) - browser0) / n,
    }


def tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def summary(name: str, students: list[Student], latencies, memory, shared) -> dict:
    """One row of the record: ``students`` all arrived; the figures of time are those of the
    ones who got in (``interactive``), the others count as missing."""
    arrived = len(students)
    students = [s for s in students if s.stage == "ready"]
    for s in students:
        if s.result.get("problems"):
            print(f"  {name}, {s.name}: {s.result['problems']}", flush=True)
    ready = [s.result["ready_s"] for s in students]
    page = [s.result["page_tti_s"] for s in students]
    before = [s.result["before_page_s"] for s in students]
    one, together = latencies
    rss = [m["rss_mb"] for m in memory]
    uss = [m["uss_mb"] for m in memory]
    return {
        "server": name,
        "students": arrived,
        "interactive": len(students),
        "tti_median_s": harness.median(ready),
        "tti_p95_s": harness.p95(ready),
        "tti_max_s": max(ready),
        "login_and_start_median_s": harness.median(before),
        "page_tti_median_s": harness.median(page),
        "page_tti_p95_s": harness.p95(page),
        "slider_median_ms": harness.median(one),
        "slider_p95_ms": harness.p95(one),
        "slider_misses": len(students) * PRESSES - len(one),
        "all_at_once_misses": len(students) - len(together),
        "all_at_once_median_ms": harness.median(together) if together else None,
        "all_at_once_max_ms": max(together) if together else None,
        "student_rss_mb_median": harness.median(rss),
        "student_rss_mb_max": max(rss),
        "student_uss_mb_median": harness.median(uss),
        "shared_rss_mb": shared,
        "total_rss_mb": sum(rss) + shared,
        "page_errors": sum(len(s.errors) for s in students),
        "pages_with_problems": sum(bool(s.result.get("problems")) for s in students),
    }


PRESSES = 6


def hub_class(browser, args, state: Path) -> dict:
    names = [f"s{k + 1:02d}" for k in range(args.students)]
    hub = hub_harness.start_hub(state, names)
    students: list[Student] = []
    try:
        link = f"/hub/user-redirect/voila/render/lessons/{args.lesson}"
        login = hub.url(f"/hub/login?next={quote(link)}")
        students, cpu = arrive(browser, args, hub.process.pid, lambda _: login, log_in=True)
        print_class("hub", students)
        memory = [hub_harness.memory_mb(hub.user_processes(s.name)) for s in students]
        servers = set(hub.servers().values())
        own = [p for p in tree(psutil.Process(hub.process.pid)) if p not in servers]
        own = [p for p in own if not any(p in tree(server) for server in servers)]
        shared = hub_harness.memory_mb(own)["rss_mb"]
        latencies = press_and_time(students, PRESSES)
        row = summary("JupyterHub (a server per student)", students, latencies, memory, shared)
        return {**row, **cpu}
    finally:
        for s in students:
            s.close()
        hub.stop()


def voila_class(browser, args, logs: Path) -> dict:
    server = start_voila(LESSONS, log_dir=logs)
    students: list[Student] = []
    try:
        notebooks = len(list(LESSONS.glob("*.ipynb")))
        bench_dashboards.wait_for_pools({"lessons": server}, {"lessons": notebooks})
        page = server.render_url(args.lesson)
        students, cpu = arrive(browser, args, server.process.pid, lambda _: page, log_in=False)
        print_class("voila", students)
        opened = [s for s in students if s.document is not None]
        theirs = {kernel_id_from_html(s.document.text()) for s in opened}
        memory = [bench_dashboards.kernel_memory(server, kernel) for kernel in theirs]
        memory = [m for m in memory if m]
        shared_procs = [
            p
            for p in tree(psutil.Process(server.process.pid))
            if not any(k in " ".join(p.cmdline()) for k in theirs)
        ]
        shared = hub_harness.memory_mb(shared_procs)["rss_mb"]
        latencies = press_and_time(students, PRESSES)
        row = summary(
            "stand-alone Voila (a kernel per student)", students, latencies, memory, shared
        )
        return {**row, **cpu}
    finally:
        for s in students:
            s.close()
        server.stop()


def print_class(name: str, students: list[Student]) -> None:
    ready = sorted(s.result["ready_s"] for s in students if s.stage == "ready")
    if not ready:
        print(f"  {name}: no student got in", flush=True)
        return
    print(
        f"  {name}: {len(ready)} of {len(students)} students interactive; median "
        f"{statistics.median(ready):.1f} s, last {ready[-1]:.1f} s after arriving",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    global PRESSES
    parser = harness.parser(__doc__)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--window", type=float, default=60.0, help="seconds the class arrives in")
    parser.add_argument("--presses", type=int, default=PRESSES, help="key presses per student")
    parser.add_argument("--lesson", default=hub_harness.LESSON)
    args = parser.parse_args(argv)
    PRESSES = args.presses
    chromium = chromium_path()
    if chromium is None:
        print("needs Debian's Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    # stopped with SIGTERM, still stop the servers (the finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    record = harness.Record("hub")
    record.meta.update(students=args.students, window_s=args.window, lesson=args.lesson)
    print(f"{args.students} students arriving over {args.window:g} s, lesson {args.lesson}")
    # the hub's state and both servers' logs stay there for a look after the run
    state = harness.RESULTS / "hub-state"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            rows = [hub_class(browser, args, state / "hub"), voila_class(browser, args, state)]
        finally:
            browser.close()
    for row in rows:
        record.row("class", **row)
        for table, columns in TABLES.items():
            record.row(table, **{c: row[c] for c in columns})
        print()
        for key, value in row.items():
            print(f"  {key:28} {value:.4g}" if isinstance(value, float) else f"  {key:28} {value}")
    hub = rows[0]
    record.target("hub: time to interactive p95 s", hub["tti_p95_s"], TARGET_TTI_P95_S)
    record.target("hub: slider median ms", hub["slider_median_ms"], TARGET_SLIDER_MEDIAN_MS)
    record.target("hub: memory per student MB", hub["student_rss_mb_max"], TARGET_STUDENT_MB)
    record.target("hub: page errors", hub["page_errors"], 0)
    record.target("hub: pages with problems", hub["pages_with_problems"], 0)
    record.target("hub: students interactive", hub["interactive"], args.students, at_least=True)
    record.finish(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
