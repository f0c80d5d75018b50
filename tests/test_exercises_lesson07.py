"""Lesson 07's checkers: right answers pass and the usual slips are named."""

from __future__ import annotations

import math

import numpy as np

from widgets.exercises import check
from widgets.exercises.lesson07 import two_feature_weights, validation_best_tau
from widgets.models.regularization_paths import regularization_path_state


def soft_right(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def test_soft_threshold_names_a_missing_stop_a_hard_threshold_and_a_lost_sign():
    assert check("ex_07_1", soft_right).status == "passed"
    no_stop = check("ex_07_1", lambda v, t: np.sign(v) * (np.abs(v) - t))
    assert no_stop.status == "failed" and "cross zero" in no_stop.message
    hard = check("ex_07_1", lambda v, t: np.where(np.abs(v) > t, v, 0.0))
    assert hard.status == "failed" and "hard threshold" in hard.message
    one_sided = check("ex_07_1", lambda v, t: np.maximum(v - t, 0.0))
    assert one_sided.status == "failed" and "sign" in one_sided.message
    assert check("ex_07_1", soft_right(np.ones(3), 0.5)).status == "failed"  # called, not passed


def softmax_grad(X, y, W, b, sign=1.0, scale=None, one_hot=True):
    Z = X @ W.T + b
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    R = P - np.eye(W.shape[0])[y] if one_hot else P
    m = len(y) if scale is None else scale
    return sign * R.T @ X / m, sign * R.mean(axis=0) * len(y) / m


def test_softmax_gradient_names_the_sign_the_sum_the_shape_and_a_missing_y():
    assert check("ex_07_2", softmax_grad).status == "passed"
    flipped = check("ex_07_2", lambda *a: softmax_grad(*a, sign=-1.0))
    assert flipped.status == "failed" and "sign" in flipped.message
    summed = check("ex_07_2", lambda *a: softmax_grad(*a, scale=1.0))
    assert summed.status == "failed" and "divide by m" in summed.message
    transposed = check("ex_07_2", lambda *a: (softmax_grad(*a)[0].T, softmax_grad(*a)[1]))
    assert transposed.status == "failed" and "(K, p)" in transposed.message
    no_y = check("ex_07_2", lambda *a: softmax_grad(*a, one_hot=False))
    assert no_y.status == "failed" and "Y is missing" in no_y.message


def test_odds_ratio_names_a_doubled_ratio_one_sd_and_the_log_odds():
    w = float(two_feature_weights()[0])
    assert check("ex_07_3", math.exp(2 * w)).status == "passed"
    assert "multiply" in check("ex_07_3", 2 * math.exp(w)).message
    assert "one standard deviation" in check("ex_07_3", math.exp(w)).message
    assert "exponentiate" in check("ex_07_3", 2 * w).message


def test_the_best_tau_is_chosen_on_validation_not_training_loss():
    st = regularization_path_state(penalty="l2")
    best = float(st.taus[np.argmin(st.validation_loss)])
    assert best == validation_best_tau() and st.taus[0] < best < st.taus[-1]
    assert check("ex_07_4", best).status == "passed"
    by_training = check("ex_07_4", float(st.taus[np.argmin(st.train_loss)]))
    assert by_training.status == "failed" and "TRAINING" in by_training.message
    neighbour = float(st.taus[st.best_index + 1])
    assert check("ex_07_4", neighbour).status == "failed"


def lse_right(z):
    c = np.max(z, axis=-1, keepdims=True)
    return (c + np.log(np.sum(np.exp(z - c), axis=-1, keepdims=True)))[..., 0]


def test_logsumexp_names_an_overflow_and_a_maximum_not_added_back():
    assert check("ex_07_5", lse_right).status == "passed"
    naive = check("ex_07_5", lambda z: np.log(np.sum(np.exp(z), axis=-1)))
    assert naive.status == "failed" and "overflows" in naive.message
    forgot = check("ex_07_5", lambda z: lse_right(z) - np.max(z, axis=-1))
    assert forgot.status == "failed" and "add it back" in forgot.message
    flat = check("ex_07_5", lambda z: lse_right(z.ravel()))
    assert flat.status == "failed" and "last axis" in flat.message


def test_zero_condition_and_the_exit_ticket():
    assert check("ex_07_6", "at most tau").status == "passed"
    assert "τ" in check("ex_07_6", "zero").message
    assert check("ex_07_6", "zero").status == "failed"
    assert check("ex_07_6", "above tau").status == "failed"
    assert check("exit_07_1", -0.3).status == "passed"
    assert "sign" in check("exit_07_1", 0.3).message
    assert check("exit_07_2", 0.5).status == "passed"
    assert check("exit_07_2", 1 / 3).status == "failed"
    assert check("exit_07_3", 0.2).status == "passed" and "1/τ" in check("exit_07_3", 100).message
    assert check("exit_07_4", 0.95).status == "passed" and "α" in check("exit_07_4", 0.5).message
