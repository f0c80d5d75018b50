"""Checks for lesson 09: computation graphs and backpropagation (a backward pass by hand, a node
used twice, the vectorised gradient, the rank-1 broadcasting bug, the size of a network, one
training step of the network), and its exit ticket.

The references are computed with the package: :mod:`widgets.autodiff` for the graphs,
:func:`widgets.vectorization.gradient_two_loops` for the gradient, :func:`widgets.broadcasting.
broadcast` for the shapes and :class:`widgets.network.NetworkLoss` for the network. Each checker
names the usual slips (the sign of ŷ − y, a missing feature or 1/m, one path of two, the tanh
factor 1 − A² left out, a step uphill).
"""

from __future__ import annotations

import numpy as np

from ..autodiff import Value, binary_cross_entropy
from ..broadcasting import broadcast
from ..network import NetworkLoss
from ..objectives import sigmoid
from ..vectorization import gradient_two_loops
from ._core import Form, Number, Wrong, call, choice_question, exercise, number_question
from ._core import numbers as _numbers

__all__ = ["example_gradients", "node_used_twice", "shape_of_difference"]

#: ex_09_1's example and parameters: z = w₁x₁ + w₂x₂ + b, ŷ = σ(z), ℓ(ŷ, y)
EXAMPLE = dict(x1=2.0, x2=-1.0, w1=0.5, w2=1.0, b=0.5, y=0)


def example_gradients(x1, x2, w1, w2, b, y) -> tuple[float, float, float, float]:
    """(∂ℓ/∂z, ∂ℓ/∂w₁, ∂ℓ/∂w₂, ∂ℓ/∂b) for one example, by widgets.autodiff's backward pass."""
    W1, W2, B = Value(w1, "w1"), Value(w2, "w2"), Value(b, "b")
    z = W1 * x1 + W2 * x2 + B
    z.label = "z"
    loss = binary_cross_entropy(z.sigmoid(), y)
    loss.backward()
    return z.grad, W1.grad, W2.grad, B.grad


def node_used_twice(q: float = 2.0) -> tuple[float, float, float]:
    """dJ/dq for u = 3q, J = u·q + u, and its two paths' shares (through u, direct)."""
    Q = Value(q, "q")
    u = 3 * Q
    J = u * Q + u
    J.backward()
    through_u = 3.0 * (q + 1.0)  # ∂J/∂u · ∂u/∂q
    direct = u.data  # ∂J/∂q along the edge q → u·q, with u held fixed
    return Q.grad, through_u, direct


def shape_of_difference(m: int = 5) -> tuple[int, ...]:
    """The shape of y − a for y of shape (m,) and a of shape (m, 1)."""
    return broadcast((m,), (m, 1), "-").result_shape


# --------------------------------------------------------------------------------------------
# ex_09_1: the backward pass of logistic regression for one example, by hand


@exercise(
    "ex_09_1",
    form=Form((Number("dz"), Number("dw₁"), Number("dw₂"), Number("db"))),
    hint="go backwards: dz = ŷ − y with ŷ = σ(z); then dwⱼ = xⱼ·dz and db = dz.",
)
def _check_by_hand(answer) -> str:
    dz, dw1, dw2, db = _numbers(answer, 4, "dz, dw₁, dw₂, db")
    ref = example_gradients(**EXAMPLE)
    got = (dz, dw1, dw2, db)

    def close(a, b):
        return all(abs(p - q) <= 1e-3 * max(1.0, abs(q)) for p, q in zip(a, b, strict=True))

    if close(got, ref):
        return (
            f"z = 0.5, ŷ = σ(0.5) = {ref[0]:.4f}, dz = ŷ − 0 = {ref[0]:.4f}; dw₁ = 2·dz, "
            "dw₂ = −1·dz, db = dz."
        )
    if close(got, tuple(-r for r in ref)):
        raise Wrong("every sign is flipped: dz = ŷ − y, not y − ŷ")
    s = ref[0]
    if abs(dz - s * (1 - s) * s) < 1e-3 or abs(dz - s * (1 - s)) < 1e-3:
        raise Wrong("dz is ∂ℓ/∂z = ŷ − y already: σ′ cancels against ∂ℓ/∂ŷ, do not multiply again")
    if abs(dz - ref[0]) > 1e-3:
        raise Wrong(f"dz is not {dz:.4g}; z = w₁x₁ + w₂x₂ + b = 0.5, and dz = σ(z) − y")
    if abs(dw1 - dz) < 1e-3 and abs(dw2 - dz) < 1e-3:
        raise Wrong("dw₁ and dw₂ equal dz: multiply by the feature each weight meets, xⱼ")
    if abs(dw1 - ref[1]) > 1e-3 or abs(dw2 - ref[2]) > 1e-3:
        raise Wrong("dz is right, the weights' gradients are not: dwⱼ = xⱼ·dz, x = (2, −1)")
    raise Wrong("dz and the weights are right; db is dz times ∂z/∂b = 1")


# --------------------------------------------------------------------------------------------
# ex_09_2: a node used twice sums its paths

number_question(
    "ex_09_2",
    "u = 3q and J = u·q + u, at q = 2. What is dJ/dq?",
    "dJ/dq",
    lambda: node_used_twice()[0],
    hint="q reaches J along two paths, through u and directly into u·q: add the two products.",
    explain=lambda d: (
        f"through u: ∂J/∂u·∂u/∂q = (q + 1)·3 = 9; directly: u = 6; together {d:g} = 6q + 3, "
        "the derivative of J = 3q² + 3q."
    ),
    slips=(
        (lambda: node_used_twice()[1], "that is the path through u only; add the direct one"),
        (lambda: node_used_twice()[2], "that is the direct path only; add the one through u"),
    ),
    rtol=1e-6,
)


# --------------------------------------------------------------------------------------------
# ex_09_3: from loops to none


@exercise(
    "ex_09_3",
    hint="dz = σ(X @ w + b) − y has shape (m,); dw = X.T @ dz / m and db = dz.mean().",
)
def _check_vectorised(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function gradient itself (without calling it)")
    rng = np.random.default_rng(90)
    X, y = rng.normal(size=(30, 3)), rng.integers(0, 2, 30).astype(float)
    w, b = rng.normal(size=3), -0.2
    ref_dw, ref_db = gradient_two_loops(X, y, w, b)
    out = call(answer, X.copy(), y.copy(), w.copy(), b)
    try:
        dw, db = out
        dw = np.asarray(dw, dtype=float)
        db = float(np.asarray(db, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise Wrong(f"return the pair (dw, db) with db a number, got {out!r:.60}") from None
    if dw.shape != (3,):
        raise Wrong(f"dw should have shape (3,), one entry per feature, got {dw.shape}")
    if np.allclose(dw, ref_dw, rtol=1e-10, atol=1e-13) and abs(db - ref_db) < 1e-12:
        return "your vectorised gradient equals the two loops' to rounding, with no loop."
    if np.allclose(dw, 30 * ref_dw) and abs(db - 30 * ref_db) < 1e-9:
        raise Wrong("your gradient is m times too large: divide the sums by m")
    if np.allclose(dw, -ref_dw) and abs(db + ref_db) < 1e-12:
        raise Wrong("the sign is flipped: dz = σ(z) − y")
    raise Wrong("not the gradient of the loops; compare with dw = Xᵀ(σ(Xw + b) − y)/m")


# --------------------------------------------------------------------------------------------
# ex_09_4: the rank-1 broadcasting bug


def _shape_key(m: int = 5) -> str:
    shape = shape_of_difference(m)
    return {(m,): "(m,)", (m, 1): "(m, 1)", (m, m): "(m, m)"}[shape]


choice_question(
    "ex_09_4",
    "y has shape (m,) and a = sigmoid(X @ w[:, None] + b) has shape (m, 1). What is the shape "
    "of dz = a − y?",
    "shape of dz",
    (("(m,)", "(m,)"), ("(m, 1)", "(m, 1)"), ("(m, m)", "(m, m)"), ("an error", "error")),
    _shape_key,
    hint="NumPy pads the shorter shape with 1s on the left, then stretches every axis of size 1.",
    why={
        "(m, m)": "(m,) is padded to (1, m); against (m, 1) both axes stretch, so dz[i, k] = "
        "aᵢ − y_k: every prediction minus every label, m² numbers and no error.",
        "(m,)": "that is what was meant, and what you get with a of shape (m,); with (m, 1) the "
        "shapes (1, m) and (m, 1) stretch each other.",
        "(m, 1)": "y would need shape (m, 1) as well; y of shape (m,) is padded to (1, m) and "
        "stretched down the m rows.",
        "error": "sizes m and 1 always broadcast; that is what makes the bug silent.",
    },
)


# --------------------------------------------------------------------------------------------
# ex_09_5: how many numbers a network learns


def _n_parameters(features: int = 2, hidden: int = 4) -> int:
    X = np.zeros((1, features))
    return NetworkLoss(X, [0], hidden_units=hidden).dim


number_question(
    "ex_09_5",
    "A network on 2 features has one hidden layer of 4 tanh units and one sigmoid output. How "
    "many parameters (weights and biases) does it learn?",
    "parameters",
    _n_parameters,
    hint="W^[1] is 4×2, b^[1] has 4 entries, w^[2] has 4 and b^[2] is one number.",
    explain=lambda n: f"4·2 + 4 + 4 + 1 = {n:g}; logistic regression on 2 features has 3.",
    slips=(
        (lambda: 4 * 2 + 4, "that is the hidden layer only; add w^[2] and b^[2]"),
        (lambda: 4 * 2 + 4 + 4, "you left out the output's bias b^[2]"),
        (lambda: 4 * 2, "count the biases too"),
    ),
    rtol=1e-9,
)


# --------------------------------------------------------------------------------------------
# ex_09_6: one training step of the network


def _network_case():
    rng = np.random.default_rng(91)
    X, y = rng.normal(size=(25, 2)), rng.integers(0, 2, 25).astype(float)
    net = NetworkLoss(X, y, hidden_units=3, activation="tanh")
    return net, net.init(rng)


def _as_params(out) -> tuple[np.ndarray, ...]:
    try:
        parts = tuple(np.asarray(p, dtype=float) for p in out)
    except (TypeError, ValueError):
        raise Wrong("return the four updated parameters (W1, b1, w2, b2)") from None
    if len(parts) != 4:
        raise Wrong(f"return the four updated parameters (W1, b1, w2, b2), got {len(parts)}")
    return parts


@exercise(
    "ex_09_6",
    hint="forward: Z1 = X @ W1.T + b1, A1 = tanh(Z1), ŷ = σ(A1 @ w2 + b2); backward: dz2 = ŷ − y, "
    "dw2 = A1.T @ dz2/m, dZ1 = outer(dz2, w2)·(1 − A1²), dW1 = dZ1.T @ X/m; then θ − α·dθ.",
)
def _check_train_step(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function train_step itself (without calling it)")
    net, theta = _network_case()
    rate = 0.5
    W1, b1, w2, b2 = net.unpack(theta)
    out = call(answer, net.X.copy(), net.y.copy(), W1.copy(), b1.copy(), w2.copy(), b2, rate)
    got = _as_params(out)
    ref = net.unpack(theta - rate * net.grad(theta))
    names = ("W1", "b1", "w2", "b2")
    for name, g, r in zip(names, got, ref, strict=True):
        if g.shape != np.shape(r):
            raise Wrong(f"{name} should keep its shape {np.shape(r)}, got {g.shape}")
    if all(np.allclose(g, r, rtol=1e-9, atol=1e-12) for g, r in zip(got, ref, strict=True)):
        return "one step of gradient descent, with the gradient of the backward pass, to 1e-9."
    up = net.unpack(theta + rate * net.grad(theta))
    if all(np.allclose(g, r, rtol=1e-9) for g, r in zip(got, up, strict=True)):
        raise Wrong("that step goes uphill: subtract α times the gradient")
    # the hidden layer's gradient without tanh′ = 1 − A1²
    A1 = np.tanh(net.X @ W1.T + b1)
    dz2 = sigmoid(A1 @ w2 + b2) - net.y
    dZ1_no_slope = np.outer(dz2, w2)
    no_slope = W1 - rate * dZ1_no_slope.T @ net.X / len(net.y)
    if np.allclose(got[0], no_slope, rtol=1e-9):
        raise Wrong("W1's gradient lacks tanh′(Z1) = 1 − A1²: dZ1 = dA1 ⊙ (1 − A1²)")
    for name, g, r, start in zip(names, got, ref, (W1, b1, w2, b2), strict=True):
        if np.allclose(g, start) and not np.allclose(r, start):
            raise Wrong(f"{name} did not move: every parameter takes a step")
        if not np.allclose(g, r, rtol=1e-9, atol=1e-12):
            scaled = start - (start - g) / len(net.y)
            if np.allclose(scaled, r, rtol=1e-9):
                raise Wrong(f"{name}'s step is m times too large: the gradients are means")
            raise Wrong(f"{name} is not right after the step; compare its gradient with the "
                        "derivation's backward pass")  # fmt: skip
    raise Wrong("not one gradient-descent step")  # pragma: no cover (one name differs above)


# --------------------------------------------------------------------------------------------
# exit ticket


def _dls_gradient(name: str) -> float:
    inputs = {"a": Value(1.0), "b": Value(2.0), "c": Value(-1.0)}
    J = 3 * (inputs["a"] + inputs["b"] * inputs["c"])
    J.backward()
    return inputs[name].grad


number_question(
    "exit_09_1",
    "J = 3(a + bc) at a = 1, b = 2, c = −1. What is ∂J/∂b?",
    "∂J/∂b",
    lambda: _dls_gradient("b"),
    hint="multiply the local derivatives along the path b → u = bc → v = a + u → J = 3v.",
    explain=lambda d: f"∂J/∂v·∂v/∂u·∂u/∂b = 3·1·c = {d:g}.",
    slips=(
        (lambda: _dls_gradient("a"), "that is ∂J/∂a; the path from b passes u = bc, giving c"),
        (lambda: -1.0, "that is ∂u/∂b = c alone; multiply by ∂J/∂v = 3 as well"),
    ),
    rtol=1e-9,
)


choice_question(
    "exit_09_2",
    "Over m examples, which single expression is the gradient ∂E/∂w of the mean cross-entropy?",
    "∂E/∂w",
    (
        ("Xᵀ(σ(Xw + b) − y)/m", "a"),
        ("X(σ(Xw + b) − y)/m", "b"),
        ("Xᵀ(y − σ(Xw + b))/m", "c"),
    ),
    lambda: "a",
    hint="dz has one entry per example; each weight sums xᵢⱼ·dzᵢ over the examples i.",
    why={
        "a": "column j of X meets dz: Σᵢ xᵢⱼ(ŷᵢ − yᵢ)/m, lesson 2's gradient, with no loop.",
        "b": "X is m × d and dz has m entries: X·dz does not fit; it is Xᵀ that sums over "
        "the examples.",
        "c": "that is minus the gradient: dz = ŷ − y, and descent subtracts it.",
    },
)

number_question(
    "exit_09_3",
    "One example x = (2, −1) with label y = 1 has ŷ = 0.8. What is ∂ℓ/∂w₁?",
    "∂ℓ/∂w₁",
    lambda: 2.0 * (0.8 - 1.0),
    hint="dz = ŷ − y, then dw₁ = x₁·dz.",
    explain=lambda d: f"dz = 0.8 − 1 = −0.2 and dw₁ = 2·(−0.2) = {d:g}: raise w₁ to lower ℓ.",
    slips=(
        (lambda: 0.4, "the sign: dz = ŷ − y = −0.2"),
        (lambda: -0.2, "that is dz; multiply by x₁ = 2"),
    ),
    rtol=1e-9,
)

number_question(
    "exit_09_4",
    "From lesson 2: a tanh or sigmoid unit passes back its slope. What is σ′(0), the sigmoid's "
    "slope at 0?",
    "σ′(0)",
    lambda: float(sigmoid(0.0) * (1 - sigmoid(0.0))),
    hint="σ′ = σ(1 − σ) and σ(0) = ½.",
    explain=lambda d: f"σ′(0) = ½·½ = {d:g}, the largest slope σ has; tanh′(0) = 1.",
    slips=((lambda: 0.5, "that is σ(0); the slope is σ(0)(1 − σ(0))"),),
    rtol=1e-9,
)
