"""The hub tests drive the same Chromium as the browser tests: the `browser` fixture comes from
tests/conftest.py (skipped with a message when Chromium is missing, failed under CI), one for
both folders. The hub's proxy, configurable-http-proxy, comes from the npm registry
(hub_harness.ensure_proxy): without npm, or when npm cannot install it, the hub test is skipped
with a message saying so, and fails instead with CI=true."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def proxy_bin(in_ci) -> Path:
    """The folder of the `configurable-http-proxy` command, installed from npm the first time."""
    from hub_harness import ensure_proxy

    try:
        return ensure_proxy()
    except RuntimeError as error:
        if in_ci:
            pytest.fail(f"CI=true and the hub's proxy is missing: {error}")
        pytest.skip(f"{error} (with CI=true the hub test fails instead of skipping)")
