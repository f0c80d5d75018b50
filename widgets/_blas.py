"""One BLAS thread for the small matrix products of fits and explorer models.

A product like Φᵀ diag(d) Φ for WDBC (569 × 31) takes about 50 µs on one thread. OpenBLAS
splits it over every core, and when the cores are shared (a JupyterHub, a laptop running a
browser) its threads wait for each other: the same product was measured at 0.8–50 ms with two
threads on a loaded 2-core machine. Matrices this small gain nothing from threads, so the
solvers and the explorers' models run their loops with one.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any


@functools.cache
def _controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency; degrade gracefully
        return None
    return ThreadpoolController()


def single_threaded() -> contextlib.AbstractContextManager:
    """A context in which BLAS uses one thread (about 15 µs to enter and leave)."""
    controller = _controller()
    if controller is None:  # pragma: no cover
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")
