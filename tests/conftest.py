"""Hypothesis profiles: CI draws the same examples on every run, so a failure in its log replays.

- ``ci`` (loaded when the ``CI`` environment variable is true, as ``.ci/run`` sets it): examples
  are derived from the test itself (``derandomize``), not from a random seed, so in the pinned
  environment a test run alone draws the same examples every time (in a larger run it may draw
  others: hypothesis also uses constants found in the modules a run has imported, and under
  pytest-xdist which tests share a worker varies); no example database is read or written, and a
  failure prints its ``@reproduce_failure`` blob, which replays that one example anywhere.
  Deadlines are off: on a loaded CI machine a slow example is not a wrong one, and a deadline
  failure does not replay.
- ``dev`` (otherwise): random examples, remembered in ``.hypothesis/`` so that a failure found
  once is tried first on the next run, and a failure prints its ``@reproduce_failure`` blob too.

Every test's own ``@settings(...)`` (``max_examples``, ``deadline``) still applies on top.

Also here, for the browser tests (tests/browser) and the class hub's (tests/hub) alike: one
Chromium driven by Playwright for the whole run (Playwright's synchronous API allows one instance
at a time). Without Chromium those tests are skipped with a message saying how to install it;
with CI=true they fail instead, so a CI machine can never pass by skipping them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

# Hypothesis ships profiles named "default" and "ci", and loads its "ci" whenever a variable named
# CI exists at all (even CI=false). Ours are built on those explicitly, so neither inherits from
# whichever profile happened to be loaded on import, and the choice follows IN_CI, the rule by
# which the browser tests below fail instead of skipping.
CI_PROFILE = dict(derandomize=True, database=None, print_blob=True, deadline=None)
settings.register_profile("ci", settings.get_profile("ci"), **CI_PROFILE)
settings.register_profile("dev", settings.get_profile("default"), print_blob=True)
settings.load_profile("ci" if IN_CI else "dev")


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
HOW_TO_ENABLE = (
    "the browser tests need Debian's Chromium at /usr/bin/chromium: install it with "
    "`sudo apt-get install chromium` (or set DESCENT_CHROMIUM to a Chromium binary), then rerun"
)


def _voila_harness():
    """tests/browser/voila_harness.py, imported only by a test that asks for the browser."""
    if str(BROWSER_TESTS) not in sys.path:
        sys.path.insert(0, str(BROWSER_TESTS))
    import voila_harness

    return voila_harness


@pytest.fixture(scope="session")
def in_ci() -> bool:
    """Whether this run is CI's (CI=true): what would be skipped elsewhere fails instead."""
    return IN_CI


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = _voila_harness().chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail(f"CI=true and Chromium is missing: {HOW_TO_ENABLE}")
        pytest.skip(HOW_TO_ENABLE + " (with CI=true these tests fail instead of skipping)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh, empty profile directory.
        browser = playwright.chromium.launch(
            executable_path=chromium_executable,
            args=_voila_harness().CHROMIUM_ARGS,
            headless=True,
        )
        yield browser
        browser.close()
