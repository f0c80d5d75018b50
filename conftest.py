"""Test scheduling for the whole repository (tests/, lessons/, solutions/).

The README's test command runs everything outside tests/browser on every core with pytest-xdist
(``-n auto``). A notebook under nbval is one kernel whose cells depend on the cells before them,
so a notebook is one unit of work: one worker runs all its cells, in order. Every other test is
its own unit, handed to whichever worker is free (the explorers' fuzz and leak checks, the
longest tests, spread over the workers instead of running one after another).
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unused when it is not installed
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".ipynb") else nodeid

    return NotebookScheduling(config, log)
