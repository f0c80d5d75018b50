"""Tests for widgets.models.regularization_paths: the figure's data against direct computations."""

from __future__ import annotations

import doctest
import statistics
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import widgets.models.regularization_paths as model
from widgets.data import load_wdbc
from widgets.models.regularization_paths import (
    GD_STEPS,
    QUESTIONS,
    TAUS,
    regularization_path_state,
    regularization_path_status,
    stratified_split,
)
from widgets.objectives import LogisticLoss
from widgets.optimizers import gd
from widgets.regularization import penalty_strengths, regularization_path
from widgets.simulate import simulate


def test_stratified_split_keeps_the_class_proportions_and_is_seeded():
    y = load_wdbc().y
    mask = stratified_split(y, 0.3, rng=0)
    assert mask.sum() == round(0.3 * 212) + round(0.3 * 357) == 171
    assert y[mask].sum() == round(0.3 * 212)
    np.testing.assert_array_equal(mask, stratified_split(y, 0.3, rng=0))
    assert not np.array_equal(mask, stratified_split(y, 0.3, rng=1))
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\)"):
        stratified_split(y, 1.0, rng=0)


def _reference_split():
    """The split and scaling redone independently from the raw file."""
    raw = load_wdbc(standardize=False)
    val = stratified_split(raw.y, 0.3, rng=0)
    mean, std = raw.X[~val].mean(axis=0), raw.X[~val].std(axis=0)
    return (raw.X[~val] - mean) / std, raw.y[~val], (raw.X[val] - mean) / std, raw.y[val]


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet"])
def test_path_and_scores_match_a_direct_computation(penalty):
    Xt, yt, Xv, yv = _reference_split()
    state = regularization_path_state(tau=float(TAUS[20]), penalty=penalty, step=0)
    path = regularization_path(Xt, yt, TAUS, penalty=penalty, l1_ratio=0.5)
    np.testing.assert_allclose(state.coef, path.coef, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(state.n_nonzero, path.n_nonzero)
    params = np.column_stack([path.coef, path.intercept])
    val = LogisticLoss(Xv, yv).value(params)
    np.testing.assert_allclose(state.validation_loss, val, rtol=1e-12)
    z = Xv @ path.coef.T + path.intercept
    np.testing.assert_allclose(state.validation_accuracy, ((z > 0) == (yv[:, None] == 1)).mean(0))
    assert state.best_index == int(np.argmin(val)) and state.best_tau == TAUS[state.best_index]
    np.testing.assert_array_equal(state.weights, state.coef[20])
    assert (state.n_train, state.n_validation) == (398, 171)


def test_overfitting_and_underfitting_are_visible():
    for penalty in ("l2", "l1", "elasticnet"):
        state = regularization_path_state(penalty=penalty)
        v = state.validation_loss
        assert 0 < state.best_index < len(TAUS) - 1  # an interior best: both ends are worse
        assert v[0] > 1.5 * v.min() and v[-1] > 1.5 * v.min()
        assert state.train_loss[0] < state.train_loss[-1]  # weak penalties fit training best
    l1 = regularization_path_state(tau=1.0, penalty="l1")
    assert l1.n_weights_nonzero == 0 and l1.regime == "underfits"
    assert (regularization_path_state(penalty="l2").n_nonzero == 30).all()


def test_off_grid_tau_is_fitted_exactly():
    tau = 0.0123
    state = regularization_path_state(tau=tau, penalty="elasticnet")
    Xt, yt, _, _ = _reference_split()
    l1, l2 = penalty_strengths("elasticnet", tau, 0.5)
    loss = LogisticLoss(Xt, yt, l1=l1, l2=l2)
    assert state.converged
    assert np.abs(loss.grad(np.r_[state.weights, state.bias])).max() <= 1e-8


def test_early_stopping_is_gradient_descent_on_the_training_loss():
    Xt, yt, Xv, yv = _reference_split()
    train = LogisticLoss(Xt, yt)
    traj = simulate(train, gd(1.0 / train.lipschitz), steps=GD_STEPS, tol=None)
    state = regularization_path_state(step=777)
    np.testing.assert_allclose(state.gd_train_loss, traj.loss, rtol=1e-11)
    val = LogisticLoss(Xv, yv).value(traj.params)
    np.testing.assert_allclose(state.gd_validation_loss, val, rtol=1e-11)
    assert state.best_step == int(np.argmin(val)) and 0 < state.best_step < GD_STEPS
    assert val[-1] > val[state.best_step] * 1.2  # it overfits after the best step
    assert state.step_validation_loss == state.gd_validation_loss[777]


def test_status_and_questions():
    state = regularization_path_state(tau=float(TAUS[0]), penalty="l1", step=10)
    text = regularization_path_status(state).text
    assert "of 30 weights non-zero" in text and "overfits" in text and "step 10" in text
    answer, why = QUESTIONS[0].answer(state)
    assert answer == state.n_weights_nonzero and why
    strong = regularization_path_state(tau=1.0, penalty="l2")
    assert QUESTIONS[1].answer(strong)[0] == "down"
    assert QUESTIONS[1].answer(regularization_path_state(tau=float(TAUS[0])))[0] == "up"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(tau=0.0), ValueError, r"tau must be in \[0.0001, 1\]"),
        (dict(tau=10.0), ValueError, r"tau must be in \[0.0001, 1\]"),
        (dict(penalty="l0"), ValueError, "unknown penalty 'l0'"),
        (dict(step=-1), ValueError, r"step must be an integer in \[0, 2000\]"),
        (dict(step=2001), ValueError, r"step must be an integer in \[0, 2000\]"),
        (dict(step=1.5), TypeError, "step must be an integer"),
    ],
)
def test_bad_controls_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        regularization_path_state(**kwargs)


@settings(max_examples=30, deadline=None)
@given(
    tau=st.floats(1e-4, 1.0),
    penalty=st.sampled_from(["l2", "l1", "elasticnet"]),
    step=st.integers(0, GD_STEPS),
)
def test_fuzzed_controls_give_finite_states(tau, penalty, step):
    state = regularization_path_state(tau=tau, penalty=penalty, step=step)
    assert np.isfinite(state.weights).all() and state.converged
    assert 0 <= state.current_validation_accuracy <= 1
    assert regularization_path_status(state).kind == "info"


def _best_of_three(call, kwargs) -> float:
    """The fastest of three calls: the model's own time, without the waits of a loaded machine."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        call(**kwargs)
        best = min(best, time.perf_counter() - t0)
    return best


def test_every_control_answers_fast():
    model.precompute()
    moves = {
        "tau": [dict(tau=float(t)) for t in TAUS],
        "penalty": [dict(penalty=p) for p in ("l2", "l1", "elasticnet")] * 5,
        "step": [dict(step=s) for s in range(0, GD_STEPS + 1, 50)],
    }
    for name, calls in moves.items():
        times = []
        for kwargs in calls:
            times.append(_best_of_three(regularization_path_state, kwargs))
        assert statistics.median(times) < 8e-3, (name, statistics.median(times))


def test_doctests():
    result = doctest.testmod(model, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
