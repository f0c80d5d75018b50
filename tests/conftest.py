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
"""

from __future__ import annotations

import os

from hypothesis import settings

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

# Hypothesis ships profiles named "default" and "ci", and loads its "ci" whenever a variable named
# CI exists at all (even CI=false). Ours are built on those explicitly, so neither inherits from
# whichever profile happened to be loaded on import, and the choice follows IN_CI, the same rule
# as tests/browser/conftest.py.
CI_PROFILE = dict(derandomize=True, database=None, print_blob=True, deadline=None)
settings.register_profile("ci", settings.get_profile("ci"), **CI_PROFILE)
settings.register_profile("dev", settings.get_profile("default"), print_blob=True)
settings.load_profile("ci" if IN_CI else "dev")
