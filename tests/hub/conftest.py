"""The hub tests drive the same Chromium as the browser tests: their fixtures come from
tests/browser/conftest.py (skipped with a message when Chromium is missing, failed under CI).
The hub's proxy, configurable-http-proxy, comes from the npm registry (hub_harness.ensure_proxy):
without npm, or when npm cannot install it, the hub test is skipped with a message saying so,
and fails instead with CI=true."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"
sys.path.insert(0, str(BROWSER_TESTS))

_spec = importlib.util.spec_from_file_location(
    "browser_tests_conftest", BROWSER_TESTS / "conftest.py"
)
_browser_conftest = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _browser_conftest  # (dataclasses look their module up there)
_spec.loader.exec_module(_browser_conftest)

chromium_executable = _browser_conftest.chromium_executable
browser = _browser_conftest.browser


@pytest.fixture(scope="session")
def proxy_bin() -> Path:
    """The folder of the `configurable-http-proxy` command, installed from npm the first time."""
    from hub_harness import ensure_proxy

    try:
        return ensure_proxy()
    except RuntimeError as error:
        if _browser_conftest.IN_CI:
            pytest.fail(f"CI=true and the hub's proxy is missing: {error}")
        pytest.skip(f"{error} (with CI=true the hub test fails instead of skipping)")
