"""Tests for widgets.network: the hand-written backward pass is checked against the scalar
autodiff of widgets.autodiff (the same network built one Value at a time) and against central
differences; with no hidden layer the network must be logistic regression.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from widgets import network
from widgets.autodiff import Value
from widgets.data import make_circles, make_moons
from widgets.network import NetworkLoss, NetworkParams
from widgets.objectives import LogisticLoss
from widgets.optimizers import adam, gd, newton
from widgets.simulate import simulate

MOONS = make_moons(n=200, noise=0.2, rng=0)


def _small(seed: int, m: int = 7, p: int = 2):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, p)), (rng.random(m) < 0.5).astype(float), rng


def value_network_loss(X, y, params: NetworkParams, activation: str):
    """The same network, one scalar Value per weight: returns (J, the weights as Values)."""
    W1 = [[Value(float(v)) for v in row] for row in params.W1]
    b1 = [Value(float(v)) for v in params.b1]
    w2 = [Value(float(v)) for v in params.w2]
    b2 = Value(float(params.b2))
    total = Value(0.0)
    for xi, yi in zip(X.tolist(), y.tolist(), strict=True):
        if W1:
            z1 = [
                sum((w * x for w, x in zip(row, xi, strict=True)), b)
                for row, b in zip(W1, b1, strict=True)
            ]
            a1 = [z.tanh() if activation == "tanh" else z.relu() for z in z1]
        else:  # no hidden layer
            a1 = xi
        z2 = sum((w * a for w, a in zip(w2, a1, strict=True)), b2)
        a2 = z2.sigmoid()
        total = total - (yi * a2.log() + (1 - yi) * (1 - a2).log())
    return total / len(y), [v for row in W1 for v in row] + b1 + w2 + [b2]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("hidden_units", [0, 1, 3])
@pytest.mark.parametrize("seed", range(4))
def test_backward_pass_equals_scalar_autodiff(seed, hidden_units, activation) -> None:
    X, y, rng = _small(seed)
    net = NetworkLoss(X, y, hidden_units, activation)
    theta = rng.normal(size=net.dim)
    J, weights = value_network_loss(X, y, net.unpack(theta), activation)
    J.backward()
    assert float(net.value(theta)) == pytest.approx(J.data, rel=1e-13)
    np.testing.assert_allclose(net.grad(theta), [w.grad for w in weights], rtol=1e-10, atol=1e-15)
    grads = net.backward(theta)  # the same numbers, split by layer
    np.testing.assert_allclose(net.pack(grads), net.grad(theta), rtol=0, atol=0)


# Central differences with h = 1e-6 have truncation error h²|J'''|/6 ≲ 1e-12 here (weights of
# order 1, |J'''| of order 1) and rounding error about ε|J|/h ≈ 1e-10; rtol 1e-6 with atol 1e-8
# leaves a wide margin while still catching any wrong term of the backward pass.
FD_STEP = 1e-6


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    hidden_units=st.integers(0, 5),
    activation=st.sampled_from(["tanh", "relu"]),
    scale=st.floats(0.1, 3.0),
)
def test_gradient_equals_central_differences(seed, hidden_units, activation, scale) -> None:
    X, y, rng = _small(seed, m=9, p=3)
    net = NetworkLoss(X, y, hidden_units, activation)
    theta = scale * rng.normal(size=net.dim)
    if activation == "relu" and hidden_units:  # stay away from the kinks of ReLU
        assume(np.abs(net.forward(theta).Z1).min() > 10 * FD_STEP * (1 + np.abs(X).max()))
    E = FD_STEP * np.eye(net.dim)
    fd = (net.value(theta + E) - net.value(theta - E)) / (2 * FD_STEP)  # all coordinates at once
    np.testing.assert_allclose(net.grad(theta), fd, rtol=1e-6, atol=1e-8)


def test_logistic_regression_is_the_network_with_no_hidden_layer() -> None:
    X, y = MOONS.X, MOONS.y
    net, logistic = NetworkLoss(X, y, hidden_units=0), LogisticLoss(X, y)
    assert net.dim == logistic.dim == 3
    np.testing.assert_array_equal(net.start, logistic.start)
    thetas = np.random.default_rng(0).normal(scale=3.0, size=(50, 3))
    np.testing.assert_allclose(net.value(thetas), logistic.value(thetas), rtol=1e-13)
    np.testing.assert_allclose(net.grad(thetas), logistic.grad(thetas), rtol=1e-11, atol=1e-15)
    a = simulate(net, gd(learning_rate=1.0), steps=300, tol=None)
    b = simulate(logistic, gd(learning_rate=1.0), steps=300, tol=None)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.loss, b.loss, rtol=1e-12)


def test_one_hidden_layer_bends_the_boundary_round_the_moons() -> None:
    X, y = MOONS.X, MOONS.y
    line = simulate(LogisticLoss(X, y), newton(learning_rate=1.0), steps=50)  # the best line
    assert line.converged
    line_accuracy = np.mean((X @ line.final_params[:2] + line.final_params[2] > 0) == y)
    net = NetworkLoss(X, y, hidden_units=4, activation="tanh", seed=0)
    run = simulate(net, gd(learning_rate=1.0), steps=3000, tol=None)
    net_accuracy = np.mean((net.predict_proba(run.final_params, X) > 0.5) == y)
    assert line_accuracy < 0.9 < 0.97 < net_accuracy
    assert run.final_loss < 0.5 * line.final_loss
    # the loss keeps falling (on average) under a stable learning rate
    assert np.all(np.diff(run.loss[::100]) < 0)


def test_circles_need_a_hidden_layer_too() -> None:
    data = make_circles(n=200, noise=0.1, rng=0)
    net = NetworkLoss(data.X, data.y, hidden_units=4, activation="relu", seed=1)
    run = simulate(net, adam(learning_rate=0.05), steps=1500, tol=None)
    accuracy = np.mean((net.predict_proba(run.final_params, data.X) > 0.5) == data.y)
    assert accuracy > 0.95


def test_equal_hidden_units_stay_equal() -> None:
    X, y = MOONS.X, MOONS.y
    net = NetworkLoss(X, y, hidden_units=3)
    same = NetworkParams(np.tile([[0.5, -0.3]], (3, 1)), np.full(3, 0.1), np.full(3, 0.2), 0.0)
    run = simulate(net, gd(learning_rate=1.0), start=net.pack(same), steps=200, tol=None)
    W1, b1, w2, _ = net.unpack(run.final_params)
    assert np.abs(W1 - W1[0]).max() < 1e-12 and np.ptp(b1) < 1e-12 and np.ptp(w2) < 1e-12
    assert np.abs(W1 - same.W1).max() > 0.01  # they did learn, all in the same way
    random = net.unpack(net.start)  # the seeded start breaks the symmetry
    assert np.ptp(random.W1[:, 0]) > 0.1


def test_initialisation_is_seeded_and_scaled() -> None:
    X, y = MOONS.X, MOONS.y
    a = NetworkLoss(X, y, 8, seed=3)
    b = NetworkLoss(X, y, 8, seed=np.random.default_rng(3))
    c = NetworkLoss(X, y, 8, seed=4)
    np.testing.assert_array_equal(a.start, b.start)
    assert not np.array_equal(a.start, c.start)
    with pytest.raises(ValueError, match="read-only"):
        a.start[0] = 1.0
    big = NetworkLoss(np.ones((2, 400)), [0, 1], 400, activation="relu")
    W1, b1, w2, b2 = big.unpack(big.init(0))
    assert W1.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)  # He: var 2/p
    assert w2.std() == pytest.approx(np.sqrt(1 / 400), rel=0.1)
    assert not b1.any() and b2 == 0.0


def test_batched_evaluation_matches_one_point_at_a_time() -> None:
    net = NetworkLoss(MOONS.X, MOONS.y, hidden_units=4, activation="relu")
    thetas = np.random.default_rng(1).normal(size=(1500, net.dim))  # more than one chunk
    assert thetas.shape[0] * net.n_examples * 4 > network._CHUNK_ELEMENTS
    G, V = net.grad(thetas), net.value(thetas)
    for i in (0, 700, 1499):
        np.testing.assert_allclose(G[i], net.grad(thetas[i]), rtol=1e-13, atol=1e-16)
        assert V[i] == pytest.approx(float(net.value(thetas[i])), rel=1e-14)
    assert net.grad(thetas.reshape(30, 50, -1)).shape == (30, 50, net.dim)


def test_batches_of_examples() -> None:
    net = NetworkLoss(MOONS.X, MOONS.y, hidden_units=3)
    theta = net.start
    everything = np.arange(net.n_examples)
    np.testing.assert_allclose(net.grad_batch(theta, everything), net.grad(theta), rtol=1e-13)
    idx = np.array([3, 17, 17, 150])
    sub = NetworkLoss(MOONS.X[idx], MOONS.y[idx], hidden_units=3)
    np.testing.assert_allclose(net.grad_batch(theta, idx), sub.grad(theta), rtol=1e-13)
    assert float(net.value_batch(theta, idx)) == pytest.approx(float(sub.value(theta)))
    run = simulate(net, gd(learning_rate=0.5), steps=50, batch_size=20, seed=0, tol=None)
    assert run.batch_size == 20 and run.epochs[-1] == pytest.approx(5.0)


def test_loss_stays_finite_for_huge_weights_and_probabilities_in_range() -> None:
    net = NetworkLoss(MOONS.X, MOONS.y, hidden_units=2)
    theta = np.full(net.dim, 1e6)
    assert np.isfinite(net.value(theta)) and np.all(np.isfinite(net.grad(theta)))
    probs = net.predict_proba(net.start, MOONS.X)
    assert probs.shape == (200,) and np.all((probs > 0) & (probs < 1))


def test_pack_and_unpack_are_inverse() -> None:
    net = NetworkLoss(np.ones((3, 2)), [0, 1, 1], hidden_units=3)
    theta = np.arange(net.dim, dtype=float)
    params = net.unpack(theta)
    assert params.W1.shape == (3, 2) and params.W1[1].tolist() == [2.0, 3.0]
    assert params.b1.tolist() == [6.0, 7.0, 8.0] and float(params.b2) == 12.0
    np.testing.assert_array_equal(net.pack(params), theta)
    assert net.param_names[0] == "W1[1,1]" and net.param_names[-1] == "b2"
    with pytest.raises(ValueError, match="params make 7 numbers"):
        net.pack(NetworkParams(np.zeros((1, 2)), np.zeros(1), np.zeros(3), 0.0))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: NetworkLoss(MOONS.X, MOONS.y, -1), ValueError, r"hidden_units must be an int"),
        (lambda: NetworkLoss(MOONS.X, MOONS.y, 2.5), TypeError, "hidden_units must be an integer"),
        (lambda: NetworkLoss(MOONS.X, MOONS.y, 2, "sigmoid"), ValueError, "unknown activation"),
        (lambda: NetworkLoss(MOONS.X, MOONS.y * 2, 2), ValueError, "y must contain only 0 and 1"),
        (lambda: NetworkLoss(MOONS.X, MOONS.y, 2, seed=-1), TypeError, "rng must be"),
        (lambda: NetworkLoss(MOONS.X, MOONS.y, 2).grad(np.zeros(3)), ValueError, r"\(\.\.\., 9\)"),
        (
            lambda: NetworkLoss(MOONS.X, MOONS.y, 2).predict_proba(np.zeros(9), np.ones((4, 3))),
            ValueError,
            "X must have 2 columns",
        ),
        (
            lambda: simulate(NetworkLoss(MOONS.X, MOONS.y, 2), newton(1.0), steps=3),
            NotImplementedError,
            "first-order optimizer",
        ),
        (
            lambda: NetworkLoss(MOONS.X, MOONS.y, 2).grad_batch(np.zeros(9), [200]),
            ValueError,
            r"idx must hold indices in \[0, 199\]",
        ),
    ],
)
def test_invalid_arguments_raise(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def test_docstring_examples_run() -> None:
    result = doctest.testmod(network)
    assert result.attempted >= 3 and result.failed == 0
