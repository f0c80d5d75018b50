"""A neural network with one hidden layer for binary classification, written out in NumPy.

The network maps an example x (p features) to a probability through h hidden units:

    Z1 = X W1ᵀ + b1      (m, h)    A1 = g(Z1)      g = tanh or ReLU
    z2 = A1 w2 + b2      (m,)      a2 = σ(z2)      the probability that y = 1

and is fitted by minimising the mean cross-entropy J = (1/m) Σᵢ L(a2ᵢ, yᵢ). Going backwards
through the same graph, one matrix product at a time, gives every gradient:

    dz2 = a2 − y                   (m,)      ∂(m·J)/∂z2, as for logistic regression
    dw2 = A1ᵀ dz2 / m              (h,)      db2 = mean(dz2)
    dA1 = dz2 w2ᵀ                  (m, h)    the outer product: each unit gets its share
    dZ1 = dA1 ⊙ g′(Z1)             (m, h)    g′ = 1 − A1² for tanh, [Z1 > 0] for ReLU
    dW1 = dZ1ᵀ X / m               (h, p)    db1 = mean of dZ1 over the examples

With h = 0 there is no hidden layer: A1 = X, z2 = X w2 + b2, and the network *is* logistic
regression (the same loss and gradient as :class:`widgets.objectives.LogisticLoss`).

:class:`NetworkLoss` is an objective of all the parameters flattened into one vector θ, like the
other objectives of the course, so :func:`widgets.simulate.simulate` trains it with any
first-order optimizer and records the loss, the gradient norm and divergence; ``value`` and
``grad`` are vectorised over leading axes of θ (a whole trajectory, or one run per learning
rate, in one call).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validate import check_choice, check_int, check_rng
from .data import _as_labels, _as_matrix
from .objectives import DataObjective, Objective, sigmoid

__all__ = ["ACTIVATIONS", "Activations", "NetworkLoss", "NetworkParams"]

#: hidden-unit nonlinearities g
ACTIVATIONS = ("tanh", "relu")

# Batches of parameter points are evaluated in chunks holding about this many numbers per
# (points × examples × units) temporary (8 MB), like the data objectives.
_CHUNK_ELEMENTS = 2**20


class NetworkParams(NamedTuple):
    """The parameters of the network (or their gradients), with any leading batch axes.

    Attributes:
        W1: (..., h, p) hidden weights, one row per hidden unit.
        b1: (..., h) hidden biases.
        w2: (..., h) output weights (p of them when h = 0: the inputs feed the output).
        b2: (...) output bias.
    """

    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray


class Activations(NamedTuple):
    """What the forward pass computes, kept for the backward pass (shapes for one θ)."""

    Z1: np.ndarray  # (m, h)
    A1: np.ndarray  # (m, h), or X when h = 0
    z2: np.ndarray  # (m,)
    a2: np.ndarray  # (m,)


class NetworkLoss(Objective):
    """Mean cross-entropy of a one-hidden-layer network, as a function of its parameters θ.

        J(θ) = (1/m) Σᵢ [log(1 + e^(z2ᵢ)) − yᵢ z2ᵢ],    z2 = g(X W1ᵀ + b1) w2 + b2,

    computed as softplus((1 − 2y) z2), accurate for any finite z2 (as in ``LogisticLoss``).
    θ = (W1 row by row, b1, w2, b2) has dim = h(p + 2) + 1 entries, or p + 1 when h = 0.

    Args:
        X: features, shape (m, p), finite.
        y: labels in {0, 1}, shape (m,).
        hidden_units: h ≥ 0; 0 gives logistic regression.
        activation: ``"tanh"`` or ``"relu"``.
        seed: seeds the random starting point ``start`` (see :meth:`init`).
        name, label: registry key and title.

    Example:
        >>> from widgets.data import make_moons
        >>> from widgets.optimizers import gd
        >>> from widgets.simulate import simulate
        >>> data = make_moons(n=100, rng=0)
        >>> net = NetworkLoss(data.X, data.y, hidden_units=4)
        >>> net.dim
        17
        >>> run = simulate(net, gd(learning_rate=1.0), steps=2000, tol=None)
        >>> bool(run.final_loss < 0.3 < run.loss[0])
        True
    """

    def __init__(
        self,
        X: ArrayLike,
        y: ArrayLike,
        hidden_units: int = 4,
        activation: str = "tanh",
        *,
        seed: int | np.random.Generator = 0,
        name: str = "network",
        label: str | None = None,
    ) -> None:
        self.X = _as_matrix("X", X)
        m, p = self.X.shape
        self.y = _as_labels("y", y, m)
        self.hidden_units = h = check_int("hidden_units", hidden_units, low=0)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        self.n_examples = m
        self.n_features = p
        self.dim = h * (p + 2) + 1 if h else p + 1
        self.name = name
        units = (
            f"{h} {self.activation} hidden unit{'s' if h != 1 else ''}" if h else "no hidden layer"
        )
        self.label = label or f"Network with {units}, {m} examples (mean cross-entropy)"
        if h:
            self.param_names = (
                *(f"W1[{i + 1},{j + 1}]" for i in range(h) for j in range(p)),
                *(f"b1[{i + 1}]" for i in range(h)),
                *(f"w2[{i + 1}]" for i in range(h)),
                "b2",
            )
        else:
            self.param_names = (*(f"w2[{j + 1}]" for j in range(p)), "b2")
        self.bounds = ((-6.0, 6.0),) * self.dim
        self.start = self.init(seed)
        self.start.setflags(write=False)
        self._signs = 1.0 - 2.0 * self.y  # s = 1 − 2y: the loss is softplus(s z2)
        self._offsets = 0.5 - self.y  # σ(z) − y = ½ tanh(z/2) + (½ − y)

    # ---------------------------------------------------------------------------------------
    # parameters

    def unpack(self, theta: ArrayLike) -> NetworkParams:
        """Split θ of shape (..., dim) into W1, b1, w2, b2 (views, no copy)."""
        return self._split(self._points(theta))

    def _split(self, theta: np.ndarray) -> NetworkParams:
        h, p, lead = self.hidden_units, self.n_features, theta.shape[:-1]
        if h == 0:
            return NetworkParams(
                theta[..., :0].reshape(*lead, 0, p), theta[..., :0], theta[..., :p], theta[..., p]
            )
        k = h * p
        return NetworkParams(
            theta[..., :k].reshape(*lead, h, p),
            theta[..., k : k + h],
            theta[..., k + h : k + 2 * h],
            theta[..., k + 2 * h],
        )

    def pack(self, params: NetworkParams) -> np.ndarray:
        """The inverse of :meth:`unpack`: one vector θ (..., dim) from W1, b1, w2, b2."""
        W1, b1, w2, b2 = (np.asarray(a, dtype=float) for a in params)
        lead = np.broadcast_shapes(W1.shape[:-2], b1.shape[:-1], w2.shape[:-1], b2.shape)
        theta = _join(
            NetworkParams(
                np.broadcast_to(W1, (*lead, *W1.shape[-2:])),
                np.broadcast_to(b1, (*lead, b1.shape[-1])),
                np.broadcast_to(w2, (*lead, w2.shape[-1])),
                np.broadcast_to(b2, lead),
            )
        )
        if theta.shape[-1] != self.dim:
            raise ValueError(f"params make {theta.shape[-1]} numbers, the network has {self.dim}")
        return theta

    def init(self, rng: np.random.Generator | int = 0) -> np.ndarray:
        """A random starting point: W1 ~ N(0, c²/p) with c = 1 for tanh, √2 for ReLU (LeCun
        and He), w2 ~ N(0, 1/h), biases 0; all zeros when h = 0 (logistic regression).

        Random, because from equal weights every hidden unit gets the same gradient and they
        stay equal for ever; scaled by 1/√(fan-in) so that Z1 and z2 start of order 1.
        Reference: K. He et al., "Delving deep into rectifiers", ICCV 2015.
        """
        gen = check_rng("rng", rng)
        h, p = self.hidden_units, self.n_features
        if h == 0:
            return np.zeros(self.dim)
        c = math.sqrt(2.0) if self.activation == "relu" else 1.0
        W1 = gen.normal(0.0, c / math.sqrt(p), size=(h, p))
        w2 = gen.normal(0.0, 1.0 / math.sqrt(h), size=h)
        return self.pack(NetworkParams(W1, np.zeros(h), w2, 0.0))

    # ---------------------------------------------------------------------------------------
    # the forward and backward passes

    def forward(self, theta: ArrayLike, X: ArrayLike | None = None) -> Activations:
        """Z1, A1, z2, a2 for the examples ``X`` (default: the training set), any leading axes
        of θ first: Z1 of shape (..., m, h), z2 (..., m)."""
        params = self.unpack(theta)
        X = self.X if X is None else _as_matrix("X", X)
        if X.shape[1] != self.n_features:
            raise ValueError(f"X must have {self.n_features} columns, got shape {X.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            Z1, A1, z2 = _forward(params, X, self.activation)
            return Activations(Z1, A1, z2, sigmoid(z2))

    def predict_proba(self, theta: ArrayLike, X: ArrayLike) -> np.ndarray:
        """a2 = P(y = 1 | x) for every row of ``X``: shape (..., n)."""
        return self.forward(theta, X).a2

    def backward(self, theta: ArrayLike) -> NetworkParams:
        """The gradients dW1, db1, dw2, db2 of J by the backward pass written out above."""
        params = self.unpack(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            Z1, A1, z2 = _forward(params, self.X, self.activation)
            return _backward(params, Z1, A1, z2, self.X, self._offsets, self.activation)

    def _value(self, w):
        return self._chunked(self._value_on, w, slice(None), ())

    def _grad(self, w):
        return self._chunked(self._grad_on, w, slice(None), (self.dim,))

    def _hessian(self, w):
        raise NotImplementedError(
            "NetworkLoss has no Hessian: train it with a first-order optimizer "
            "(gd, momentum, nesterov, adagrad, rmsprop, adam)"
        )

    def value_batch(self, w: ArrayLike, idx: ArrayLike) -> np.ndarray:
        """Mean loss over the examples ``idx``: (..., dim) -> (...)."""
        w, rows = self._points(w), self._rows(idx)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._chunked(self._value_on, w, rows, ())

    def grad_batch(self, w: ArrayLike, idx: ArrayLike) -> np.ndarray:
        """Mean gradient over the examples ``idx`` (what SGD and mini-batches use)."""
        w, rows = self._points(w), self._rows(idx)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._chunked(self._grad_on, w, rows, (self.dim,))

    def _value_on(self, w, rows):
        z2 = _forward(self._split(w), self.X[rows], self.activation)[2]
        return _softplus(self._signs[rows] * z2).mean(axis=-1)

    def _grad_on(self, w, rows):
        params = self._split(w)
        X = self.X if isinstance(rows, slice) else self.X[rows]
        offsets = self._offsets if isinstance(rows, slice) else self._offsets[rows]
        Z1, A1, z2 = _forward(params, X, self.activation)
        return _join(_backward(params, Z1, A1, z2, X, offsets, self.activation))

    def _chunked(self, fn, w, rows, tail):
        """Apply ``fn(points (n, dim), rows)`` to every leading point, a block at a time."""
        if w.ndim == 1:
            return fn(w, rows)
        flat = w.reshape(-1, self.dim)
        per_point = len(self.y[rows]) * max(1, self.hidden_units, self.n_features)
        step = max(1, _CHUNK_ELEMENTS // per_point)
        out = np.empty((flat.shape[0], *tail))
        for i in range(0, flat.shape[0], step):  # a loop over blocks, not over points
            out[i : i + step] = fn(flat[i : i + step], rows)
        return out.reshape(w.shape[:-1] + tail)

    # the same index checks as the data objectives' (it reads only self.n_examples)
    _rows = DataObjective._rows

    def _repr_args(self):
        m, p = self.X.shape
        return (
            f"X=<{m}×{p}>, y=<{m}>, hidden_units={self.hidden_units!r}, "
            f"activation={self.activation!r}"
        )


def _forward(params: NetworkParams, X: np.ndarray, activation: str):
    """Z1, A1 and z2 (the probability a2 = σ(z2) is left to the caller that needs it)."""
    W1, b1, w2, b2 = params
    if W1.shape[-2] == 0:  # no hidden layer: the inputs feed the output unit directly
        Z1 = A1 = X
    else:
        Z1 = X @ W1.swapaxes(-1, -2) + b1[..., None, :]  # (..., m, h)
        A1 = np.tanh(Z1) if activation == "tanh" else np.maximum(Z1, 0.0)
    z2 = (A1 @ w2[..., :, None])[..., 0] + b2[..., None]  # (..., m)
    return Z1, A1, z2


def _backward(params, Z1, A1, z2, X, offsets, activation) -> NetworkParams:
    """The gradients of the mean cross-entropy, one line per line of the module's derivation."""
    W1, _, w2, _ = params
    m = X.shape[0]
    # dz2 = a2 − y = σ(z2) − y, with σ(z) = ½(1 + tanh(z/2)): one ufunc that cannot overflow
    dz2 = 0.5 * np.tanh(0.5 * z2) + offsets  # (..., m)
    dw2 = (dz2[..., None, :] @ A1)[..., 0, :] / m
    db2 = dz2.sum(axis=-1) / m
    if W1.shape[-2] == 0:
        return NetworkParams(np.zeros_like(W1), np.zeros_like(params.b1), dw2, db2)
    dA1 = dz2[..., :, None] * w2[..., None, :]  # (..., m, h)
    dZ1 = dA1 * (1.0 - A1 * A1) if activation == "tanh" else dA1 * (Z1 > 0.0)
    dW1 = dZ1.swapaxes(-1, -2) @ X / m  # (..., h, p)
    db1 = dZ1.sum(axis=-2) / m
    return NetworkParams(dW1, db1, dw2, db2)


def _join(params: NetworkParams) -> np.ndarray:
    """θ (..., dim) from W1, b1, w2, b2 with the same leading axes."""
    W1, b1, w2, b2 = params
    flat_W1 = W1.reshape(*W1.shape[:-2], W1.shape[-2] * W1.shape[-1])
    return np.concatenate([flat_W1, b1, w2, b2[..., None]], axis=-1)


def _softplus(v: np.ndarray) -> np.ndarray:
    """log(1 + e^v) = max(v, 0) + log1p(e^(−|v|)), finite for every finite v."""
    return np.maximum(v, 0.0) + np.log1p(np.exp(-np.abs(v)))
