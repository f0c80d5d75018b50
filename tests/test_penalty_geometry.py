"""Tests for widgets.models.penalty_geometry: the figure's data against direct computations."""

from __future__ import annotations

import doctest
import statistics
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import widgets.models.penalty_geometry as model
from widgets.models.penalty_geometry import (
    L1_RATIOS,
    QUESTIONS,
    TAUS,
    penalty_geometry_state,
    penalty_geometry_status,
)
from widgets.objectives import LogisticLoss
from widgets.regularization import fit_penalized, penalty_strengths


def _penalised(tau, rho):
    loss = model._loss()
    l1, l2 = penalty_strengths("elasticnet", tau, rho)
    return LogisticLoss(loss.X, loss.y, fit_bias=False, l1=l1, l2=l2)


@pytest.mark.parametrize("tau", [float(TAUS[0]), float(TAUS[30]), 0.2, 0.0123, float(TAUS[-1])])
@pytest.mark.parametrize("rho", [0.0, 0.35, 0.5, 1.0])
def test_optimum_is_the_penalised_minimiser(tau, rho):
    state = penalty_geometry_state(tau=tau, l1_ratio=rho)
    loss = _penalised(tau, rho)
    assert state.converged
    # the minimum-norm subgradient vanishes at the minimiser (fits stop at 1e-10)
    assert np.abs(loss.grad(state.optimum)).max() <= 1e-10
    cold = fit_penalized(loss, tol=1e-12).params
    np.testing.assert_array_equal(cold == 0, state.optimum == 0)
    # μ = λ_min(∇²f) ≥ 0.013 at every optimum here (0.0133 at the unpenalised one), so each is
    # within ‖r‖₂/μ of the minimiser: ‖Δ‖ ≤ (1e-10 + 1e-12)·√2/0.013 ≈ 1.1e-8
    mu = np.linalg.eigvalsh(model._loss().hessian(cold))[0]
    assert mu >= 0.013
    np.testing.assert_allclose(state.optimum, cold, atol=(1e-10 + 1e-12) * np.sqrt(2) / mu)
    assert state.optimum_loss == pytest.approx(float(model._loss().value(state.optimum)), rel=1e-15)


def test_constrained_form_region_passes_through_the_optimum():
    for tau, rho in [(0.05, 0.0), (0.1, 0.5), (0.1, 1.0), (0.02, 0.8)]:
        state = penalty_geometry_state(tau=tau, l1_ratio=rho)
        B = state.boundary
        P = rho * np.abs(B).sum(axis=1) + 0.5 * (1 - rho) * (B**2).sum(axis=1)
        np.testing.assert_allclose(P, state.budget, rtol=1e-12)
        # the optimum lies on the boundary: its direction's boundary point is the optimum
        u = state.optimum / np.linalg.norm(state.optimum)
        k = np.argmax(model._DIRECTIONS @ u)
        r = np.linalg.norm(B[k])
        assert abs(r - np.linalg.norm(state.optimum)) <= 0.02 * r  # 1° directions
        # and it minimises f on the region: no boundary point has a lower loss
        assert model._loss().value(B).min() >= state.optimum_loss - 1e-9


def test_l1_gives_exact_zeros_and_l2_never_does():
    l1 = [penalty_geometry_state(tau=float(t), l1_ratio=1.0) for t in TAUS]
    l2 = [penalty_geometry_state(tau=float(t), l1_ratio=0.0) for t in TAUS]
    zeros = np.array([s.zero for s in l1])
    assert zeros[:, 1].any() and not zeros[0].any() and zeros[-1].all()
    # once a weight is 0 it stays 0 for larger τ along this path, and texture goes first
    first = int(np.argmax(zeros[:, 1]))
    assert zeros[first:, 1].all() and not zeros[first, 0]
    assert not any(any(s.zero) for s in l2)
    state = l1[first]
    assert state.optimum[1] == 0.0  # an exact float zero, not a tiny number
    status = penalty_geometry_status(state)
    assert "w[mean texture] is exactly 0" in status.text and "corner" in status.text
    assert QUESTIONS[0].answer(state)[0] == "yes" and QUESTIONS[0].answer(l2[first])[0] == "no"


def test_budget_shrinks_as_tau_grows():
    for rho in (0.0, 0.5, 1.0):
        budgets = [penalty_geometry_state(tau=float(t), l1_ratio=rho).budget for t in TAUS]
        assert np.all(np.diff(budgets) <= 1e-12)
    state = penalty_geometry_state()
    assert QUESTIONS[1].answer(state)[0] == "smaller"


def test_path_is_the_optimum_for_each_tau_and_shared_arrays_are_read_only():
    state = penalty_geometry_state(tau=float(TAUS[10]), l1_ratio=float(L1_RATIOS[7]))
    np.testing.assert_array_equal(state.path[10], state.optimum)
    assert state.path.shape == (61, 2) and state.loss.shape == (model.GRID, model.GRID)
    for a in (state.loss, state.path, state.boundary, state.optimum, TAUS):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 1.0
    W1, W2 = np.meshgrid(state.w1, state.w2)
    i, j = 17, 90
    assert state.loss[i, j] == pytest.approx(float(model._loss().value([W1[i, j], W2[i, j]])))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(tau=0.0), r"tau must be in \[0.001, 1\]"),
        (dict(tau=2.0), r"tau must be in \[0.001, 1\]"),
        (dict(l1_ratio=-0.1), r"l1_ratio must be in \[0, 1\]"),
        (dict(l1_ratio=1.5), r"l1_ratio must be in \[0, 1\]"),
    ],
)
def test_bad_controls_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        penalty_geometry_state(**kwargs)


@settings(max_examples=40, deadline=None)
@given(tau=st.floats(1e-3, 1.0), rho=st.sampled_from(list(L1_RATIOS)))
def test_fuzzed_controls_give_finite_states(tau, rho):
    state = penalty_geometry_state(tau=tau, l1_ratio=float(rho))
    assert np.isfinite(state.optimum).all() and np.isfinite(state.boundary).all()
    assert state.converged and penalty_geometry_status(state).kind == "info"


def _best_of_three(call, kwargs) -> float:
    """The fastest of three calls: the model's own time, without the waits of a loaded machine."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        call(**kwargs)
        best = min(best, time.perf_counter() - t0)
    return best


def test_every_control_answers_fast():
    """Half the 16.7 ms frame for the model, the rest is the drawing's (measured ~0.1 ms)."""
    model.precompute()
    for name, values in (("tau", TAUS), ("l1_ratio", L1_RATIOS)):
        times = []
        for v in values:
            times.append(_best_of_three(penalty_geometry_state, {name: float(v)}))
        assert statistics.median(times) < 8e-3, (name, statistics.median(times))


def test_doctests():
    result = doctest.testmod(model, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
