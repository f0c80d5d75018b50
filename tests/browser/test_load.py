"""A class opening the course at once: 20 dashboard sessions on this 2-core machine.

Each session is its own browser context (its own connections, as separate students would have),
on 127.0.0.1 only. Every lesson is opened once and the explorer fixture fills the other places;
at most OPENING pages load at the same time (the browser side of 20 students would otherwise
starve the one machine that also runs their 20 kernels), and every session stays open, so all
20 kernels are alive together. All must render and answer a slider move within hard time
limits; the kernels' memory is reported; after the tabs close their kernels must be culled.
"""

from __future__ import annotations

import time

from voila_harness import (
    CULL_IDLE_SECONDS,
    CULL_INTERVAL_SECONDS,
    EXPLORER_CLASS,
    INSTRUMENT_JS,
    LOAD_FIGURES,
    STATUS_CLASS,
    VIEWPORT,
    count_widget_views,
    install_probes,
    lesson_notebooks,
)

SESSIONS = 20
OPENING = 5  # pages loading at the same time
RENDER_LIMIT = 300.0  # seconds for all sessions to be interactive
RESPOND_LIMIT = 60.0  # seconds for all of them to answer a slider move
MAX_KERNEL_RSS_MB = 500.0  # far above the 150 MB target: only a runaway kernel fails this

READY_JS = """(expected) => {
  const h = window.__descentProbe;
  const canvases = h.canvases();
  return h.finished() && h.widgetOutputs() >= expected
         && h.explorers().every((e) => e.hasCanvas)
         && canvases.every((c) => c.draws > 0 && c.ink > 0)
         && performance.now() - window.__descent.lastMutation > 500;
}"""

# The first explorer that shows its result without a prediction, else the first explorer.
PICK_JS = """([EXPLORER, STATUS]) => {
  const all = [...document.querySelectorAll('.' + EXPLORER)];
  const index = Math.max(0, all.findIndex((e) => !e.querySelector('.descent-question')));
  const root = all[index];
  if (!root) return null;
  const canvas = window.__descentProbe.mainCanvas(root);
  const status = root.querySelector('.' + STATUS);
  return { index, hash: window.__descentProbe.hash(canvas).hash,
           status: status ? status.textContent : '',
           question: !!root.querySelector('.descent-question') };
}"""

CHANGED_JS = """([EXPLORER, STATUS, before]) => {
  const root = document.querySelectorAll('.' + EXPLORER)[before.index];
  const canvas = root && window.__descentProbe.mainCanvas(root);
  if (!canvas) return false;  // not there (yet): keep waiting, the time limit reports it
  const status = root.querySelector('.' + STATUS).textContent;
  const pixels = window.__descentProbe.hash(canvas).hash !== before.hash;
  return pixels && (before.question || status !== before.status);
}"""


def test_twenty_sessions_at_once(browser, lessons_server, fixtures_server):
    servers = [lessons_server, fixtures_server]
    lessons = [(lessons_server, p.name) for p in lesson_notebooks() if not p.name.startswith("00_")]
    plan = (lessons + [(fixtures_server, "explorer.ipynb")] * SESSIONS)[:SESSIONS]
    before = {p.pid for s in servers for p in s.kernel_processes()}

    sessions = []
    try:
        # --- open them, OPENING at a time, keeping every session open --------------------
        def open_session(server, notebook):
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(INSTRUMENT_JS)
            page = context.new_page()
            session = {
                "context": context,
                "page": page,
                "notebook": notebook,
                "doc": None,
                "errors": [],
            }
            page.on(
                "console",
                lambda m, s=session: s["errors"].append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e, s=session: s["errors"].append(str(e)))
            page.on(
                "response",
                lambda r, s=session: s.update(doc=r) if r.request.is_navigation_request() else None,
            )
            # location.href returns at once: the navigation goes on while we poll the others
            page.evaluate("(url) => { window.location.href = url; }", server.render_url(notebook))
            sessions.append(session)
            return len(sessions) - 1

        start = time.monotonic()
        queue = list(plan)
        pending: list[int] = []
        while (queue or pending) and time.monotonic() - start < RENDER_LIMIT:
            while queue and len(pending) < OPENING:
                pending.append(open_session(*queue.pop(0)))
            for i in list(pending):
                session = sessions[i]
                page = session["page"]
                try:
                    # (a Playwright call also delivers pending events, such as the response)
                    if page.evaluate("() => document.readyState") != "complete":
                        continue
                    if session["doc"] is None or "/voila/render/" not in page.url:
                        continue
                    install_probes(page)
                    expected = count_widget_views(session["doc"].text())
                    if page.evaluate(READY_JS, expected):
                        session["ready_s"] = time.monotonic() - start
                        pending.remove(i)
                except Exception as error:  # a page still navigating; retried next round
                    session["last_error"] = str(error)
            time.sleep(0.5)
        pending += [None] * len(queue)
        assert not pending, (
            f"{len(pending)} of {SESSIONS} sessions not interactive after {RENDER_LIMIT:.0f} s: "
            + ", ".join(
                f"{sessions[i]['notebook']} ({sessions[i].get('last_error', 'loading')})"
                if i is not None
                else "(never opened)"
                for i in pending
            )
        )
        render_time = max(s["ready_s"] for s in sessions)

        # --- kernel memory while all 20 are open ----------------------------------------------
        kernels = [k for s in servers for k in s.kernel_memory() if k["pid"] not in before]
        assert len(kernels) >= SESSIONS, f"expected {SESSIONS} new kernels, found {len(kernels)}"
        rss = sorted(k["rss_mb"] for k in kernels)
        uss = sorted(k["uss_mb"] for k in kernels)

        # --- every session moves a slider -----------------------------------------------------
        moved = []
        for session in sessions:
            page = session["page"]
            pick = page.evaluate(PICK_JS, [EXPLORER_CLASS, STATUS_CLASS])
            if pick is None:
                continue
            root = page.locator(f".{EXPLORER_CLASS}").nth(pick["index"])
            handle = root.locator(".widget-slider .noUi-handle").first
            handle.focus()
            page.keyboard.press(
                "PageUp"
                if handle.get_attribute("aria-valuenow") != handle.get_attribute("aria-valuemax")
                else "PageDown"
            )
            session["pick"] = pick
            moved.append(session)
        assert moved, "no session had an explorer to move"
        respond_start = time.monotonic()
        waiting = list(moved)
        while waiting and time.monotonic() - respond_start < RESPOND_LIMIT:
            waiting = [
                s
                for s in waiting
                if not s["page"].evaluate(CHANGED_JS, [EXPLORER_CLASS, STATUS_CLASS, s["pick"]])
            ]
            time.sleep(0.2)
        assert not waiting, (
            f"{len(waiting)} sessions did not answer their slider within {RESPOND_LIMIT:.0f} s: "
            + ", ".join(s["notebook"] for s in waiting)
        )
        respond_time = time.monotonic() - respond_start
        errors = [f"{s['notebook']}: {e}" for s in sessions for e in s["errors"]]
        assert not errors, "console errors under load:\n  " + "\n  ".join(errors[:20])
    finally:
        for session in sessions:
            session["context"].close()

    # --- closing a tab leaves its kernel running; the culler must stop it ---------------------
    load_pids = {k["pid"] for k in kernels}
    time.sleep(1.0)
    alive = [p for s in servers for p in s.kernel_processes() if p.pid in load_pids]
    assert alive, "kernels stopped when their tabs closed: the cull test would prove nothing"
    cull_limit = CULL_IDLE_SECONDS + 3 * CULL_INTERVAL_SECONDS + 30
    cull_start = time.monotonic()
    while alive and time.monotonic() - cull_start < cull_limit:
        time.sleep(1.0)
        alive = [p for s in servers for p in s.kernel_processes() if p.pid in load_pids]
    assert not alive, f"{len(alive)} idle kernels still running {cull_limit:.0f} s after closing"
    assert any("Culling 'idle' kernel" in s.log_tail(2000) for s in servers)

    LOAD_FIGURES.update(
        sessions=SESSIONS,
        dashboards=sorted({n for _, n in plan}),
        all_interactive_s=round(render_time, 1),
        all_responded_s=round(respond_time, 1),
        kernels=len(kernels),
        kernel_rss_mb_total=round(sum(rss)),
        kernel_rss_mb_median=round(rss[len(rss) // 2]),
        kernel_rss_mb_max=round(rss[-1]),
        kernel_uss_mb_median=round(uss[len(uss) // 2]),
        culled_within_s=round(time.monotonic() - cull_start),
    )
    assert rss[-1] < MAX_KERNEL_RSS_MB, f"a kernel uses {rss[-1]:.0f} MB"
