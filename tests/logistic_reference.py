"""Independent references for the logistic-regression explorers' tests: plain formulas and
SciPy's optimiser, no code of the package."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize


def plain_sigmoid(z):
    """Reference σ for moderate |z| (no overflow below ~700)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def scipy_fit(X, y, l2=0.0):
    """Minimiser of the mean NLL (+ τ/2 ‖w‖², bias free) by SciPy's BFGS, and its loss."""
    Xb = np.hstack([X, np.ones((len(X), 1))])

    def f(p):
        z = Xb @ p
        return np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * p[:-1] @ p[:-1]

    def g(p):
        r = plain_sigmoid(Xb @ p) - y
        return Xb.T @ r / len(y) + l2 * np.r_[p[:-1], 0.0]

    res = minimize(f, np.zeros(Xb.shape[1]), jac=g, method="BFGS", options={"gtol": 1e-10})
    return res.x, res.fun
