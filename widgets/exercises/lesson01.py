"""Checks for lesson 01: logistic regression as maximum likelihood.

Each checker recomputes the answer with the package (the reference) and, when the learner's answer
is off, recognises the usual slips (a sign, the likelihood instead of its log, log10 instead of ln,
a sum instead of a mean, an overflow) and says which one it is.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..data import load_wdbc, make_classification_2d
from ..objectives import LogisticLoss, log_sigmoid, wdbc_logistic
from ..optimizers import newton
from ..simulate import simulate
from ._core import Choice, Form, Number, Wrong, call, exercise
from ._core import number as _number
from ._core import numbers as _numbers

__all__ = [
    "TINY_B",
    "TINY_W",
    "TINY_X",
    "TINY_Y",
    "separable_data",
    "separable_fit",
]

# ex_01_1: a three-example data set and a model z = wᵀx + b
TINY_X = (-1.0, 0.0, 2.0)
TINY_Y = (0, 1, 1)
TINY_W, TINY_B = 2.0, 0.5

# ex_01_2: a predicted probability and a weight
ODDS_P, ODDS_W = 0.8, 0.7

# ex_01_3: a 2-D model and the point x₁ at which to read the lines
LINE_W, LINE_B, LINE_X1, LINE_P = (2.0, -1.0), 1.0, 0.5, 0.9

# ex_01_5: two weight vectors with the same direction on WDBC (mean radius, mean texture)
W_A, W_B = (4.0, 1.0), (12.0, 3.0)

# ex_01_6: the band the weight norm must land in
NORM_LOW, NORM_HIGH = 1.0, 2.0


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


# --------------------------------------------------------------------------------------------
# ex_01_1: the log-likelihood of a tiny data set, by hand


def tiny_log_likelihood() -> float:
    """Σ log p(yᵢ | xᵢ) for the tiny data set, with log p = log σ(z) or log σ(−z)."""
    z = TINY_W * np.array(TINY_X) + TINY_B
    s = 2.0 * np.array(TINY_Y) - 1.0  # +1 for y = 1, −1 for y = 0
    return float(np.sum(log_sigmoid(s * z)))


@exercise(
    "ex_01_1",
    form=Form((Number("log 𝓛 (natural log)"),)),
    hint="for each example compute z = wᵀx + b, then ŷ = σ(z); the example "
    "contributes log p if y = 1 and log(1 − p) if y = 0; add the three logs (natural log).",
)
def _check_tiny(answer) -> str:
    value = _number("your log-likelihood", answer)
    ref = tiny_log_likelihood()
    if _close(value, ref, 5e-4):
        return (
            f"log 𝓛 = {ref:.4f}, so 𝓛 = {math.exp(ref):.4f}: the model gives this exact "
            f"labelling a probability of about {100 * math.exp(ref):.0f}%."
        )
    if _close(value, -ref, 5e-4):
        raise Wrong(
            f"{value:.4f} is the negative log-likelihood; the log-likelihood is its "
            "negative (a log of a probability is never positive)"
        )
    if _close(value, math.exp(ref), 5e-4):
        raise Wrong(f"{value:.4f} is the likelihood 𝓛 itself; the question asks for log 𝓛")
    if _close(value, ref / math.log(10.0), 5e-4):
        raise Wrong("that is the log in base 10; use the natural log (np.log)")
    if _close(value, ref / 3.0, 5e-4):
        raise Wrong("that is the mean over the three examples; the log-likelihood is the sum")
    z = TINY_W * np.array(TINY_X) + TINY_B
    wrong_label = float(np.sum(log_sigmoid(z)))  # log p for every example, ignoring y
    if _close(value, wrong_label, 5e-4):
        raise Wrong(
            "you used log p for every example; the first one has y = 0, so it "
            "contributes log(1 − p)"
        )
    if value > 0:
        raise Wrong(f"{value:.4f} is positive, but every term log p(yᵢ | xᵢ) is ≤ 0")
    raise Wrong(f"{value:.4f} is not the log-likelihood (it is between −3 and 0)")


# --------------------------------------------------------------------------------------------
# ex_01_2: odds and log-odds


@exercise(
    "ex_01_2",
    form=Form((Number("(a) odds"), Number("(b) log-odds z"), Number("(c) factor on the odds"))),
    hint="odds = p/(1 − p); log-odds = ln(odds) = z; a weight w adds w to z for "
    "each unit of its feature, so it multiplies the odds by e^w.",
)
def _check_odds(answer) -> str:
    odds, log_odds, factor = _numbers(answer, 3, "odds, log-odds, factor")
    p = ODDS_P
    ref = (p / (1 - p), math.log(p / (1 - p)), math.exp(ODDS_W))
    if not _close(odds, ref[0], 1e-3):
        if _close(odds, (1 - p) / p, 1e-3):
            raise Wrong("odds are p/(1 − p) (malignant to benign), you gave (1 − p)/p")
        raise Wrong(f"the odds for p = {p} are not {odds:g}; they compare p with 1 − p")
    if not _close(log_odds, ref[1], 1e-3):
        if _close(log_odds, math.log10(ref[0]), 1e-3):
            raise Wrong("the log-odds use the natural log: z = ln(odds)")
        raise Wrong(f"the log-odds are ln(odds) = ln({ref[0]:g}), not {log_odds:g}")
    if not _close(factor, ref[2], 1e-3):
        if _close(factor, 1 + ODDS_W, 1e-3) or _close(factor, ODDS_W, 1e-3):
            raise Wrong(
                f"the weight adds {ODDS_W} to the log-odds; the odds are multiplied by "
                f"e^{ODDS_W}, not by {factor:g}"
            )
        raise Wrong(
            f"{factor:g} is not the factor: adding {ODDS_W} to z = ln(odds) multiplies "
            "the odds by what?"
        )
    return (
        f"odds {ref[0]:g} : 1, log-odds {ref[1]:.4f}; each unit of the feature multiplies "
        f"the odds by e^{ODDS_W} = {ref[2]:.4f}, whatever the starting probability."
    )


# --------------------------------------------------------------------------------------------
# ex_01_3: the decision boundary and a probability contour


@exercise(
    "ex_01_3",
    form=Form((Number("x₂ on the boundary"), Number("x₂ on the line ŷ = 0.9"))),
    hint="on the boundary z = w₁x₁ + w₂x₂ + b = 0; on the p = 0.9 line "
    "z = ln(0.9/0.1) = ln 9. Put x₁ = 0.5 and solve each for x₂.",
)
def _check_lines(answer) -> str:
    x2_boundary, x2_contour = _numbers(answer, 2, "x₂ on the boundary, x₂ on the p = 0.9 line")
    (w1, w2), b, x1 = LINE_W, LINE_B, LINE_X1
    logit = math.log(LINE_P / (1 - LINE_P))
    ref_b = -(w1 * x1 + b) / w2
    ref_c = (logit - w1 * x1 - b) / w2
    if not _close(x2_boundary, ref_b, 1e-3):
        if _close(x2_boundary, -ref_b, 1e-3):
            raise Wrong("check the sign: solve w₁x₁ + w₂x₂ + b = 0 with w₂ = −1")
        raise Wrong(f"x₂ = {x2_boundary:g} does not give z = 0 at x₁ = {x1}")
    if not _close(x2_contour, ref_c, 1e-3):
        if _close(x2_contour, (LINE_P - w1 * x1 - b) / w2, 1e-3):
            raise Wrong("the line p = 0.9 is where z equals the log-odds ln(0.9/0.1), not 0.9")
        if _close(x2_contour, ref_b + logit, 1e-3):
            raise Wrong(
                "w₂ is negative, so raising z means lowering x₂: the p = 0.9 line lies "
                "below the boundary here"
            )
        raise Wrong(f"x₂ = {x2_contour:g} does not give p = {LINE_P} at x₁ = {x1}")
    return (
        f"the boundary passes through ({x1}, {ref_b:g}); the p = 0.9 line through "
        f"({x1}, {ref_c:.4f}), parallel to it at distance ln 9/‖w‖ = "
        f"{logit / math.hypot(w1, w2):.3f}."
    )


# --------------------------------------------------------------------------------------------
# ex_01_4: a stable mean negative log-likelihood


def nll_test_cases() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(description, X, y, w) on which a learner's mean NLL must match the package."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    y = (rng.random(40) < 0.5).astype(float)
    w = rng.normal(size=3)
    # rows whose score is exactly ±800, with either label: the overflow cases
    w_big = np.array([1.0, 0.0, 0.0])
    X_big = np.array(
        [
            [800.0, 1.0, 2.0],
            [-800.0, 0.5, 0.0],
            [800.0, 0.0, 0.0],
            [-800.0, 3.0, 1.0],
            [1.5, -2.0, 0.3],
        ]
    )
    y_big = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    wdbc = load_wdbc(["mean radius", "mean texture"])
    return [
        ("random data", X, y, w),
        ("scores z = ±800", X_big, y_big, w_big),
        ("WDBC at w = (4, 1)", wdbc.X, wdbc.y, np.array([4.0, 1.0])),
    ]


@exercise(
    "ex_01_4",
    hint="log(1 + e^z) is np.logaddexp(0, z), which never overflows; return "
    "np.mean(np.logaddexp(0, z) - y * z) with z = X @ w.",
)
def _check_mean_nll(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function mean_nll itself (without calling it)")
    for what, X, y, w in nll_test_cases():
        ref = float(LogisticLoss(X, y, fit_bias=False).value(w))
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            try:
                out = call(answer, X.copy(), y.copy(), w.copy())
            except Wrong as wrong:
                if "overflow" in str(wrong) or "RuntimeWarning" in str(wrong):
                    raise Wrong(
                        f"on {what} your function overflowed ({wrong}); e^z for "
                        "z = 800 is beyond float64; use np.logaddexp(0, z)"
                    ) from None
                raise
        arr = np.asarray(out, dtype=float) if not isinstance(out, str) else None
        if arr is None or arr.shape != ():
            shape = None if arr is None else arr.shape
            raise Wrong(f"mean_nll should return one number, got shape {shape} on {what}")
        value = float(arr)
        if not math.isfinite(value):
            raise Wrong(
                f"on {what} your mean NLL is {value} (should be {ref:.6g}): something "
                "overflowed; use np.logaddexp(0, z) for log(1 + e^z)"
            )
        if _close(value, ref, 1e-9):
            continue
        if _close(value, ref * len(y), 1e-9):
            raise Wrong(
                f"on {what} you return the sum; the lesson's loss is the mean (divide by m)"
            )
        if _close(value, -ref, 1e-9):
            raise Wrong(f"on {what} you return the log-likelihood; the loss is its negative")
        raise Wrong(f"on {what} your mean NLL is {value:.10g}, the package's is {ref:.10g}")
    return (
        "matches the package to 1e-9 on random data, on WDBC and on scores of ±800, where "
        "the naive formula gives inf or nan."
    )


# --------------------------------------------------------------------------------------------
# ex_01_5: which weight vector has the higher likelihood?


@exercise(
    "ex_01_5",
    form=Form(
        (
            Choice(
                "higher likelihood",
                (("w_A = (4, 1)", "A"), ("w_B = (12, 3)", "B"), ("equal", "equal")),
            ),
        )
    ),
    hint="both vectors point the same way, so they draw the same boundary and "
    "make the same mistakes; what changes is how confident the mistakes are.",
)
def _check_which(answer) -> str:
    if not isinstance(answer, str) or answer.strip().upper() not in {"A", "B", "EQUAL"}:
        raise Wrong(f'answer "A", "B" or "equal", got {answer!r}')
    loss = wdbc_logistic(fit_bias=False)
    nll_a, nll_b = float(loss.value(W_A)), float(loss.value(W_B))
    numbers = (
        f"mean NLL at A = {W_A}: {nll_a:.4f}; at B = {W_B}: {nll_b:.4f} "
        f"(likelihood ratio L_A/L_B = e^(m·{nll_b - nll_a:.4f}) ≈ "
        f"10^{loss.n_examples * (nll_b - nll_a) / math.log(10):.0f})"
    )
    guess = answer.strip().upper()
    if guess == "A":
        return (
            f"{numbers}. Same boundary, but B is three times as sure of itself, and the "
            "tumours on the wrong side of the line cost it dearly."
        )
    if guess == "EQUAL":
        raise Wrong(
            "the boundaries are equal, and so is the accuracy, but the likelihood also "
            "scores the confidence of each prediction"
        )
    raise Wrong("B is more confident everywhere; is that good for the examples it gets wrong?")


# --------------------------------------------------------------------------------------------
# ex_01_6: L2 regularisation on separable data


def separable_data():
    """The separable data set of the lesson and its explorer: 200 points, seed 0."""
    return make_classification_2d("separable", n=200, rng=0)


def separable_fit(l2: float) -> np.ndarray:
    """The minimiser (w₁, w₂, b) of the L2-penalised logistic loss on the separable data."""
    data = separable_data()
    loss = LogisticLoss(data.X, data.y, fit_bias=True, l2=l2)
    run = simulate(loss, newton(), steps=100, tol=1e-10)
    if not run.converged:  # pragma: no cover - Newton converges on a strongly convex loss
        raise RuntimeError(f"Newton did not converge for l2={l2}: {run.message}")
    return run.final_params


@exercise(
    "ex_01_6",
    form=Form((Number("L2 strength τ"),)),
    hint="‖w*‖ shrinks as τ grows; try τ = 0.01, 0.1, 1 with simulate(loss, "
    "newton(), steps=100) and narrow it down.",
)
def _check_l2(answer) -> str:
    lam = _number("τ", answer)
    if lam <= 0:
        raise Wrong(f"τ = {lam:g} adds no penalty: on separable data ‖w‖ then grows without end")
    if lam > 1e6:
        raise Wrong(f"τ = {lam:g} is far too strong: the weights are crushed to zero")
    w = separable_fit(lam)
    norm = float(np.linalg.norm(w[:2]))
    if norm >= NORM_HIGH:
        raise Wrong(
            f"with τ = {lam:g} the weights have ‖w*‖ = {norm:.3f} ≥ {NORM_HIGH:g}: the "
            "penalty is too weak; increase τ"
        )
    if norm < NORM_LOW:
        raise Wrong(
            f"with τ = {lam:g}, ‖w*‖ = {norm:.3f} < {NORM_LOW:g}: the penalty is so "
            "strong that the model is needlessly unsure; decrease τ"
        )
    return (
        f"τ = {lam:g} gives a finite minimiser with ‖w*‖ = {norm:.3f}: the penalty τ‖w‖²/2 "
        "grows faster than the data term can shrink, so the loss has a bottom again."
    )
