"""Lesson 09's checkers: right answers pass and the usual slips are named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from widgets.exercises import check
from widgets.exercises.lesson09 import (
    EXAMPLE,
    example_gradients,
    node_used_twice,
    shape_of_difference,
)
from widgets.objectives import sigmoid


def test_the_references_are_the_hand_computations():
    s = 1 / (1 + math.exp(-0.5))  # z = 0.5·2 + 1·(−1) + 0.5
    assert example_gradients(**EXAMPLE) == pytest.approx((s, 2 * s, -s, s), rel=1e-14)
    assert node_used_twice() == (15.0, 9.0, 6.0)  # 6q + 3 at q = 2, split by path
    assert shape_of_difference(7) == (7, 7)


def test_backward_pass_by_hand_names_each_slip():
    dz, dw1, dw2, db = example_gradients(**EXAMPLE)
    assert check("ex_09_1", (dz, dw1, dw2, db)).status == "passed"
    assert check("ex_09_1", (0.6225, 1.2449, -0.6225, 0.6225)).status == "passed"
    flipped = check("ex_09_1", (-dz, -dw1, -dw2, -db))
    assert flipped.status == "failed" and "sign" in flipped.message
    slope = dz * (1 - dz)  # σ′(z), as ŷ = σ(z) = dz here
    twice = check("ex_09_1", (dz * slope, dw1 * slope, dw2 * slope, db * slope))
    assert twice.status == "failed" and "σ′" in twice.message
    no_x = check("ex_09_1", (dz, dz, dz, dz))
    assert no_x.status == "failed" and "feature" in no_x.message
    bad_b = check("ex_09_1", (dz, dw1, dw2, 2 * dz))
    assert bad_b.status == "failed" and "db" in bad_b.message
    assert check("ex_09_1", (dz, dw1)).status == "failed"


def test_node_used_twice_names_the_missing_path():
    assert check("ex_09_2", 15).status == "passed"
    assert "through u only" in check("ex_09_2", 9).message
    assert "direct path only" in check("ex_09_2", 6).message
    assert check("ex_09_2", 12).status == "failed"


def gradient(X, y, w, b):
    dz = sigmoid(X @ w + b) - y
    return X.T @ dz / len(y), dz.mean()


def test_vectorised_gradient_names_the_missing_division_and_the_sign():
    assert check("ex_09_3", gradient).status == "passed"
    summed = check("ex_09_3", lambda X, y, w, b: tuple(len(y) * g for g in gradient(X, y, w, b)))
    assert summed.status == "failed" and "divide the sums by m" in summed.message
    negated = check("ex_09_3", lambda X, y, w, b: tuple(-g for g in gradient(X, y, w, b)))
    assert negated.status == "failed" and "sign" in negated.message

    def column(X, y, w, b):  # the rank-1 bug: an (m, 1) prediction minus an (m,) label
        dz = sigmoid(X @ w[:, None] + b) - y
        return X.T @ dz.mean(axis=1), dz.mean()

    assert check("ex_09_3", column).status == "failed"
    assert "shape (3,)" in check("ex_09_3", lambda X, y, w, b: (np.zeros(4), 0.0)).message
    assert check("ex_09_3", gradient(np.eye(2), np.ones(2), np.zeros(2), 0.0)).status == "failed"

    def untouched(X, y, w, b):
        raise NotImplementedError

    assert check("ex_09_3", untouched).status == "not attempted"


def test_broadcasting_bug_and_parameter_count():
    assert check("ex_09_4", "(m, m)").status == "passed"
    for wrong in ("(m,)", "(m, 1)", "error"):
        assert check("ex_09_4", wrong).status == "failed"
    assert "always broadcast" in check("ex_09_4", "error").message
    assert check("ex_09_5", 17).status == "passed"
    assert "b^[2]" in check("ex_09_5", 16).message
    assert "hidden layer only" in check("ex_09_5", 12).message


def train_step(X, y, W1, b1, w2, b2, learning_rate, slope=True, sign=-1.0):
    m = len(y)
    A1 = np.tanh(X @ W1.T + b1)
    dz2 = sigmoid(A1 @ w2 + b2) - y
    dw2, db2 = A1.T @ dz2 / m, dz2.mean()
    dZ1 = np.outer(dz2, w2) * ((1 - A1**2) if slope else 1.0)
    dW1, db1 = dZ1.T @ X / m, dZ1.mean(axis=0)
    r = sign * learning_rate
    return W1 + r * dW1, b1 + r * db1, w2 + r * dw2, b2 + r * db2


def test_train_step_names_each_slip():
    assert check("ex_09_6", train_step).status == "passed"
    uphill = check("ex_09_6", lambda *a: train_step(*a, sign=1.0))
    assert uphill.status == "failed" and "uphill" in uphill.message
    flat = check("ex_09_6", lambda *a: train_step(*a, slope=False))
    assert flat.status == "failed" and "1 − A1²" in flat.message

    def bias_forgotten(X, y, W1, b1, w2, b2, rate):
        W1n, _, w2n, b2n = train_step(X, y, W1, b1, w2, b2, rate)
        return W1n, b1, w2n, b2n

    frozen = check("ex_09_6", bias_forgotten)
    assert frozen.status == "failed" and "b1 did not move" in frozen.message

    def transposed(X, y, W1, b1, w2, b2, rate):
        W1n, b1n, w2n, b2n = train_step(X, y, W1, b1, w2, b2, rate)
        return W1n.T, b1n, w2n, b2n

    assert "keep its shape" in check("ex_09_6", transposed).message
    assert check("ex_09_6", lambda *a: (1, 2)).status == "failed"


def test_exit_ticket():
    assert check("exit_09_1", -3).status == "passed"
    assert "∂J/∂a" in check("exit_09_1", 3).message
    assert check("exit_09_2", "a").status == "passed"
    assert "minus the gradient" in check("exit_09_2", "c").message
    assert check("exit_09_3", -0.4).status == "passed"
    assert "sign" in check("exit_09_3", 0.4).message
    assert check("exit_09_4", 0.25).status == "passed"
    assert "σ(0)" in check("exit_09_4", 0.5).message
