"""Checks for lesson 07: regularisation and softmax (soft-thresholding, the softmax gradient, an
odds ratio, choosing τ on validation data, a stable log-sum-exp, the zero condition of L1), and
its exit ticket.

The references are the package's own functions (:func:`widgets.objectives.soft_threshold`,
``SoftmaxLoss.grad``, :func:`widgets.regularization.fit_penalized`,
:mod:`widgets.models.regularization_paths`); each checker names the usual slips (a shrink
without the stop at 0, a hard threshold, the residual's sign, a sum not divided by m, τ chosen
on training data, an overflowing e^z, the maximum subtracted and never added back).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..data import load_wdbc
from ..models.regularization_paths import regularization_path_state
from ..multiclass import SoftmaxLoss, softmax
from ..objectives import LogisticLoss, soft_threshold
from ..regularization import fit_penalized, to_sklearn_c
from ._core import Wrong, call, choice_question, exercise, number_question

__all__ = ["odds_ratio", "two_feature_weights", "validation_best_tau"]

#: the lesson's two features, standardised
FEATURES = ("mean radius", "mean texture")


@functools.cache
def two_feature_weights() -> np.ndarray:
    """(w_radius, w_texture, b) of the unpenalised fit on the standardised two features."""
    data = load_wdbc(list(FEATURES))
    return fit_penalized(LogisticLoss(data.X, data.y), tol=1e-10).params


def odds_ratio(weight: float, n_sd: float = 1.0) -> float:
    """The factor on the odds when a standardised feature grows by ``n_sd`` standard deviations."""
    return math.exp(n_sd * weight)


def validation_best_tau(penalty: str = "l2") -> float:
    """The τ of the lesson's path with the lowest validation loss."""
    return regularization_path_state(penalty=penalty).best_tau


def _training_best_tau(penalty: str = "l2") -> float:
    st = regularization_path_state(penalty=penalty)
    return float(st.taus[int(np.argmin(st.train_loss))])


def _as_array(value, what: str) -> np.ndarray:
    try:
        out = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be an array of numbers, got {type(value).__name__}") from None
    return out


# --------------------------------------------------------------------------------------------
# ex_07_1: soft-thresholding


@exercise(
    "ex_07_1",
    hint="S_q(v) = sign(v)·max(|v| − q, 0): move v towards 0 by q, and stop at 0.",
)
def _check_soft_threshold(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function soft_threshold itself (without calling it)")
    v = np.array([-3.0, -0.7, -0.5, -0.2, 0.0, 0.1, 0.5, 0.9, 2.5])
    for q in (0.5, 1.0):
        got = _as_array(call(answer, v.copy(), q), "soft_threshold(v, q)")
        ref = soft_threshold(v, q)
        if got.shape != ref.shape:
            raise Wrong(f"return one value per entry of v: shape {ref.shape}, got {got.shape}")
        if np.allclose(got, ref, atol=1e-12):
            continue
        if np.allclose(got, np.sign(v) * (np.abs(v) - q)):
            raise Wrong(
                "small values cross zero instead of stopping there: with q = "
                f"{q:g}, v = 0.1 gave {got[5]:g}; take max(|v| − q, 0)"
            )
        if np.allclose(got, np.where(np.abs(v) > q, v, 0.0)):
            raise Wrong("that is a hard threshold: the values above q must shrink by q as well")
        if np.allclose(got, np.maximum(v - q, 0.0)):
            raise Wrong("negative v all became 0: shrink |v| and put the sign back")
        raise Wrong(f"with q = {q:g} and v = {v.tolist()}, got {np.round(got, 4).tolist()}")
    return "every |v| ≤ q went to exactly 0 and the others moved towards 0 by q: S_q(v)."


# --------------------------------------------------------------------------------------------
# ex_07_2: the softmax gradient


def _softmax_case():
    rng = np.random.default_rng(70)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 3, 30)
    y[:3] = (0, 1, 2)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    return X, y, W, b


@exercise(
    "ex_07_2",
    hint="P = softmax(X Wᵀ + b) row by row, Y = np.eye(K)[y]; dW = (P − Y)ᵀX/m, db = mean of "
    "P − Y over the rows.",
)
def _check_softmax_gradient(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function softmax_gradient itself (without calling it)")
    X, y, W, b = _softmax_case()
    loss = SoftmaxLoss(X, y)
    ref_W, ref_b = loss.unpack(loss.grad(loss.pack(W, b)))
    out = call(answer, X.copy(), y.copy(), W.copy(), b.copy())
    try:
        dW, db = out
    except (TypeError, ValueError):
        raise Wrong(f"return the pair (dW, db), got {type(out).__name__}") from None
    dW, db = _as_array(dW, "dW"), _as_array(db, "db")
    if dW.shape == ref_W.T.shape and dW.shape != ref_W.shape:
        raise Wrong(f"dW has shape {dW.shape}: give it W's shape (K, p) = {ref_W.shape}")
    if dW.shape != ref_W.shape or db.shape != ref_b.shape:
        raise Wrong(f"dW should have shape {ref_W.shape} and db {ref_b.shape}")
    if np.allclose(dW, ref_W, rtol=1e-9, atol=1e-12) and np.allclose(db, ref_b, atol=1e-12):
        return "(P − Y)ᵀX/m and the mean of P − Y: equal to SoftmaxLoss.grad to 1e-9."
    if np.allclose(dW, -ref_W) and np.allclose(db, -ref_b):
        raise Wrong("the sign is flipped: the residual is P − Y, predicted minus observed")
    if np.allclose(dW, len(y) * ref_W) and np.allclose(db, len(y) * ref_b):
        raise Wrong("that is the sum over examples: divide by m for the mean loss's gradient")
    P = softmax(X @ W.T + b)
    if np.allclose(dW, P.T @ X / len(y)):
        raise Wrong("Y is missing: the gradient of −z_{i,yᵢ} adds −Y, so use P − Y")
    raise Wrong("not the softmax gradient; compare with the derivation's last line")


# --------------------------------------------------------------------------------------------
# ex_07_3: an odds ratio from a standardised coefficient

number_question(
    "ex_07_3",
    "In the standardised two-feature model, by what factor do the odds of malignancy multiply "
    "when mean radius is two standard deviations larger (mean texture unchanged)?",
    "odds ratio",
    lambda: odds_ratio(float(two_feature_weights()[0]), 2.0),
    hint="the log-odds grow by 2·w_radius; the odds are e to the log-odds.",
    explain=lambda r: f"e^(2·w_radius) = {r:.4g}: log-odds add, so odds multiply.",
    slips=(
        (
            lambda: 2.0 * odds_ratio(float(two_feature_weights()[0])),
            "that is 2·e^w: log-odds add, so the odds multiply by e^w twice, (e^w)²",
        ),
        (lambda: odds_ratio(float(two_feature_weights()[0])), "that is one standard deviation"),
        (
            lambda: 2.0 * float(two_feature_weights()[0]),
            "that is the change in log-odds; exponentiate it",
        ),
    ),
    rtol=2e-3,
)


# --------------------------------------------------------------------------------------------
# ex_07_4: choosing τ on validation data

number_question(
    "ex_07_4",
    "On the lesson's L2 path over WDBC's 30 features, which τ of the grid has the lowest "
    "validation loss?",
    "τ",
    validation_best_tau,
    hint="take path.taus[np.argmin(path.validation_loss)], not the training loss.",
    explain=lambda t: (
        f"τ = {t:.3g}: below it the fit chases the training set's noise, above it it underfits."
    ),
    slips=(
        (
            _training_best_tau,
            "that τ has the lowest TRAINING loss: the weakest penalty always "
            "fits the training data best; choose on the validation loss",
        ),
    ),
    rtol=5e-2,
)


# --------------------------------------------------------------------------------------------
# ex_07_5: a stable log-sum-exp


@exercise(
    "ex_07_5",
    hint="logsumexp(z) = c + log Σₖ e^(zₖ − c) with c = max z along the last axis (keepdims).",
)
def _check_logsumexp(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function logsumexp itself (without calling it)")
    rng = np.random.default_rng(71)
    cases = (
        np.array([1.0, 2.0, 3.0]),
        np.array([1000.0, 1001.0]),
        np.array([-1000.0, -1001.0, -1002.0]),
        rng.normal(scale=300.0, size=(6, 4)),
    )
    for z in cases:
        c = z.max(axis=-1)
        ref = c + np.log(np.exp(z - c[..., None]).sum(axis=-1))
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            got = _as_array(call(answer, z.copy()), "logsumexp(z)")
        if got.shape != ref.shape:
            raise Wrong(f"sum over the last axis: for z of shape {z.shape} return {ref.shape}, "
                        f"got {got.shape}")  # fmt: skip
        if np.allclose(got, ref, rtol=1e-12, atol=1e-12):
            continue
        if not np.all(np.isfinite(got)):
            raise Wrong(f"for z = {np.round(z, 1).ravel()[:3].tolist()}… you got a non-finite "
                        "value: e^1000 overflows; subtract the maximum first")  # fmt: skip
        if np.allclose(got, ref - c, rtol=1e-12, atol=1e-12):
            raise Wrong("you subtracted the maximum c but did not add it back: log Σ e^(z − c) "
                        "+ c")  # fmt: skip
        raise Wrong(f"for z = {np.round(z, 2).ravel()[:3].tolist()}… got {got}, expected {ref}")
    return "finite and exact for scores of ±1000 and on every row of a matrix."


# --------------------------------------------------------------------------------------------
# ex_07_6: the zero condition of L1

choice_question(
    "ex_07_6",
    "An L1-penalised fit of strength τ has wⱼ = 0 exactly. What do you know about the slope "
    "∂E/∂wⱼ of the unpenalised loss at the fit?",
    "∂E/∂wⱼ",
    (("it is 0", "zero"), ("|∂E/∂wⱼ| ≤ τ", "at most tau"), ("|∂E/∂wⱼ| > τ", "above tau")),
    lambda: "at most tau",
    hint="0 must be in the subdifferential ∂E/∂wⱼ + τ·[−1, 1] at wⱼ = 0.",
    why={
        "at most tau": "the subdifferential of τ|w| at 0 is [−τ, τ], so 0 ∈ ∂E/∂wⱼ + [−τ, τ] "
        "exactly when |∂E/∂wⱼ| ≤ τ: the loss's pull is too weak to move wⱼ off 0.",
        "zero": "that holds for a non-zero weight of an unpenalised fit; at wⱼ = 0 the penalty "
        "can absorb any slope up to τ in size, so the slope need not vanish.",
        "above tau": "then moving wⱼ off 0 against the slope would lower E by more than it adds "
        "penalty, so 0 would not be optimal.",
    },
)


# --------------------------------------------------------------------------------------------
# exit ticket

number_question(
    "exit_07_1",
    "What is the soft-threshold S_q(v) of v = −0.8 at q = 0.5?",
    "S_q(v)",
    lambda: float(soft_threshold(-0.8, 0.5)),
    hint="move v towards 0 by q, and stop at 0.",
    explain=lambda s: f"sign(−0.8)·max(0.8 − 0.5, 0) = {s:g}.",
    slips=(
        (lambda: 0.3, "the sign is lost: S_q keeps the sign of v"),
        (lambda: -1.3, "that moved v away from 0; S_q shrinks |v|"),
        (lambda: 0.0, "only |v| ≤ q goes to 0, and 0.8 > 0.5"),
    ),
    rtol=1e-3,
)

number_question(
    "exit_07_2",
    "Three classes have scores z = (0, 0, ln 2). What probability does softmax give the third?",
    "probability",
    lambda: float(softmax(np.array([0.0, 0.0, math.log(2.0)]))[2]),
    hint="e^z of each class, divided by their sum.",
    explain=lambda p: f"e^(ln 2)/(1 + 1 + 2) = 2/4 = {p:g}.",
    slips=((lambda: 1 / 3, "that ignores the scores: the third is e^(ln 2) = 2 times heavier"),),
    rtol=1e-3,
)

number_question(
    "exit_07_3",
    "A fit on m = 500 examples uses τ = 0.01. Which C gives scikit-learn's LogisticRegression "
    "the same penalty?",
    "C",
    lambda: to_sklearn_c(0.01, 500),
    hint="scikit-learn minimises C·Σᵢ ℓᵢ + ½‖w‖²; divide by C·m.",
    explain=lambda c: f"C = 1/(mτ) = 1/(500·0.01) = {c:g}.",
    slips=(
        (lambda: 1 / 0.01, "that is 1/τ: scikit-learn sums the losses, so C = 1/(mτ)"),
        (lambda: 500 * 0.01, "that is mτ; C is its inverse"),
    ),
    rtol=1e-3,
)

number_question(
    "exit_07_4",
    "From lesson 6: one gradient step at rate α = 0.1 on E + (τ/2)‖w‖² with τ = 0.5 multiplies w "
    "by what factor before subtracting α∇E?",
    "factor",
    lambda: 1.0 - 0.1 * 0.5,
    hint="the penalty's gradient is τw, so w − α(∇E + τw) = (1 − ατ)w − α∇E.",
    explain=lambda f: f"1 − ατ = {f:g}: plain gradient descent with L2 is weight decay, ω = τ.",
    slips=(
        (lambda: 1.0 - 0.5, "that forgot α: the step is α times the gradient τw"),
        (lambda: 1.0 - 0.1 * 0.5 / 2, "the gradient of (τ/2)‖w‖² is τw, not (τ/2)w"),
    ),
    rtol=1e-4,
)
