"""Take the README's screenshot: an explorer in its dashboard, in Chromium, as a learner sees it.

    .venv/bin/python -m tools.screenshot [--out docs/images/learning_rate_explorer.png]

Starts Voila with the course's settings on a one-cell notebook showing the learning-rate explorer,
opens it in Debian's Chromium (Playwright) at 1280×800, waits until every figure is drawn and
saves the explorer's element as a PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from voila_harness import (  # noqa: E402  (the browser tests' harness)
    CHROMIUM_ARGS,
    EXPLORER_CLASS,
    INSTRUMENT_JS,
    VIEWPORT,
    chromium_path,
    count_widget_views,
    start_voila,
    wait_for_dashboard,
)

CODE = "from widgets.explorers import LearningRateExplorer\n\nLearningRateExplorer(kappa=10.0)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs/images/learning_rate_explorer.png")
    args = parser.parse_args(argv)
    browser_path = chromium_path()
    if browser_path is None:
        print("no Chromium found: sudo apt-get install chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(CODE, id="explorer")]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, Path(tmp) / "explorer.ipynb")
        server = start_voila(Path(tmp), extra_args=["--VoilaConfiguration.preheat_kernel=False"])
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
                # tall enough for the whole explorer to be drawn in view
                context = browser.new_context(viewport={**VIEWPORT, "height": 1400})
                context.add_init_script(INSTRUMENT_JS)  # the probes wait_for_dashboard reads
                page = context.new_page()
                response = page.goto(server.render_url("explorer.ipynb"), timeout=90_000)
                wait_for_dashboard(page, count_widget_views(response.text()), timeout=120)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.locator(f".{EXPLORER_CLASS}").first.screenshot(path=str(args.out))
                browser.close()
        finally:
            server.stop()
    print(f"wrote {args.out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
