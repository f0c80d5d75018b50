"""Checks for lesson 08: judging a classifier (metrics from the confusion matrix, AUC as a
ranking probability, the cheapest threshold, the weighted gradient, leakage from oversampling,
the reliability diagram), and its exit ticket.

The references are the package's own functions (:mod:`widgets.metrics`,
``LogisticLoss(..., sample_weight=...)``, :mod:`widgets.models.threshold`); each checker names
the usual slips (precision and recall swapped, ties not halved, a threshold of r/(1 + r), a
weighted sum divided by m instead of Σ ω).
"""

from __future__ import annotations

import numpy as np

from ..metrics import calibration_curve, roc_auc
from ..models.threshold import threshold_state
from ..objectives import LogisticLoss
from ._core import Form, Number, Wrong, call, choice_question, exercise, number_question
from ._core import numbers as _numbers

__all__ = ["cheapest_threshold", "validation_metrics"]


def validation_metrics(threshold: float = 0.5) -> tuple[float, float]:
    """(precision, recall) of the lesson's model on the validation tumours at ``threshold``."""
    st = threshold_state(threshold=threshold)
    return float(st.precision), float(st.recall)


def cheapest_threshold(cost_ratio: float) -> float:
    """The Bayes threshold for calibrated probabilities: flag when c_FN·p ≥ c_FP·(1 − p)."""
    return 1.0 / (1.0 + cost_ratio)


# --------------------------------------------------------------------------------------------
# ex_08_1: precision and recall at θ = 0.5


@exercise(
    "ex_08_1",
    form=Form((Number("precision"), Number("recall"))),
    hint="precision = TP/(TP + FP), of the flagged; recall = TP/(TP + FN), of the malignant.",
)
def _check_metrics(answer) -> str:
    precision, recall = _numbers(answer, 2, "precision, recall")
    ref_p, ref_r = validation_metrics()
    if abs(precision - ref_r) < 1e-3 and abs(recall - ref_p) < 1e-3 and ref_p != ref_r:
        raise Wrong("precision and recall are swapped: precision divides by the flagged tumours")
    if abs(precision - ref_p) > 1e-3:
        raise Wrong(f"precision is not {precision:.4g}; count TP and FP among p ≥ 0.5")
    if abs(recall - ref_r) > 1e-3:
        raise Wrong(f"recall is not {recall:.4g}; divide TP by every malignant tumour, TP + FN")
    return (
        f"precision {ref_p:.3f}: of the flagged, that share is malignant; recall {ref_r:.3f}: of "
        "the malignant, that share is found."
    )


# --------------------------------------------------------------------------------------------
# ex_08_2: the AUC as the probability that a positive outranks a negative


def _pairs_cases():
    rng = np.random.default_rng(8)
    yield np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])
    yield np.array([0, 1, 0, 1, 1]), np.array([0.5, 0.5, 0.2, 0.5, 0.9])  # ties
    for m in (20, 57):
        y = rng.integers(0, 2, m)
        y[:2] = (0, 1)
        yield y, np.round(rng.normal(size=m), 1)  # many ties


@exercise(
    "ex_08_2",
    hint="compare every positive's score with every negative's: s_pos[:, None] > s_neg[None, :] "
    "counts 1, equal scores count ½; average over the n₊·n₋ pairs.",
)
def _check_auc(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function auc_by_pairs itself (without calling it)")
    for y, s in _pairs_cases():
        got = float(call(answer, y.copy(), s.copy()))
        ref = roc_auc(y, s)
        if abs(got - ref) <= 1e-12:
            continue
        pos, neg = s[y == 1], s[y == 0]
        strict = float(np.mean(pos[:, None] > neg[None, :]))
        if abs(got - strict) <= 1e-12:
            raise Wrong(f"on scores with ties you gave {got:.4g}: a tied pair counts ½, not 0")
        raise Wrong(f"for y = {y.tolist()[:6]}…, got {got:.6g}, expected {ref:.6g}")
    return "your pair count equals the area under the ROC curve on every case, ties included."


# --------------------------------------------------------------------------------------------
# ex_08_3: the cheapest threshold from costs

_RATIO = 4.0

number_question(
    "ex_08_3",
    "A miss costs four false alarms. For calibrated probabilities, above which threshold θ* "
    "should a tumour be flagged?",
    "θ*",
    lambda: cheapest_threshold(_RATIO),
    hint="flag when the expected cost of not flagging, c_FN·p, exceeds that of flagging, "
    "c_FP·(1 − p).",
    explain=lambda t: f"c_FN·p ≥ c_FP·(1 − p) ⇔ p ≥ 1/(1 + 4) = {t:g}: dear misses, low θ*.",
    slips=(
        (lambda: _RATIO / (1 + _RATIO), "that is r/(1 + r): the dearer a miss, the LOWER θ*"),
        (lambda: 1 / _RATIO, "that is 1/r; solve r·p = 1 − p for p"),
    ),
    rtol=1e-3,
)


# --------------------------------------------------------------------------------------------
# ex_08_4: the gradient of the weighted cross-entropy


@exercise(
    "ex_08_4",
    hint="∂E_ω/∂w = Σᵢ ωᵢ(σ(zᵢ) − yᵢ)xᵢ / Σᵢ ωᵢ and ∂E_ω/∂b = Σᵢ ωᵢ(σ(zᵢ) − yᵢ) / Σᵢ ωᵢ.",
)
def _check_weighted_gradient(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function weighted_gradient itself (without calling it)")
    rng = np.random.default_rng(80)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40).astype(float)
    w, b, omega = rng.normal(size=3), 0.3, rng.uniform(0.2, 5.0, 40)
    ref = LogisticLoss(X, y, sample_weight=omega).grad(np.r_[w, b])
    out = call(answer, X.copy(), y.copy(), w.copy(), b, omega.copy())
    try:
        dw, db = out
        got = np.r_[np.asarray(dw, dtype=float).ravel(), float(db)]
    except (TypeError, ValueError):
        raise Wrong(f"return the pair (dw, db), got {type(out).__name__}") from None
    if got.shape != ref.shape:
        raise Wrong(f"dw should have shape (3,), got {got.size - 1} entries")
    if np.allclose(got, ref, rtol=1e-10, atol=1e-12):
        return "the weighted gradient equals LogisticLoss(..., sample_weight=ω).grad to 1e-10."
    if np.allclose(got * len(y) / omega.sum(), ref, rtol=1e-8):
        raise Wrong("you divided by m; the weighted mean divides by Σ ωᵢ")
    plain = LogisticLoss(X, y).grad(np.r_[w, b])
    if np.allclose(got, plain, rtol=1e-8):
        raise Wrong("that is the unweighted gradient: multiply each residual by ωᵢ")
    if np.allclose(got, -ref, rtol=1e-8):
        raise Wrong("the sign is flipped: the residual is σ(z) − y")
    raise Wrong("not the weighted gradient; compare with the derivation's last line")


# --------------------------------------------------------------------------------------------
# ex_08_5: oversampling before the split

choice_question(
    "ex_08_5",
    "Malignant tumours are copied until the classes are equal, and only then is the data split "
    "into training and test parts. What happens to the test recall?",
    "test recall",
    (
        ("it is too optimistic", "optimistic"),
        ("it is unbiased", "unbiased"),
        ("it is too pessimistic", "pessimistic"),
    ),
    lambda: "optimistic",
    hint="where do the copies of one tumour end up?",
    why={
        "optimistic": "copies of one tumour land on both sides of the split, so the test part "
        "asks the model about tumours it was trained on: the estimate leaks.",
        "unbiased": "only if every copy of a tumour stayed on one side; a random split puts "
        "copies in both parts, so the test is no longer held out.",
        "pessimistic": "the leak goes the other way: the model has seen the copies in test, so "
        "it finds them more easily.",
    },
)


# --------------------------------------------------------------------------------------------
# ex_08_6: the reliability diagram


@exercise(
    "ex_08_6",
    hint="bin k holds the p with edges[k] < p ≤ edges[k + 1] (np.searchsorted(edges[1:-1], p)); "
    "per non-empty bin, average y and average p.",
)
def _check_reliability(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function reliability itself (without calling it)")
    rng = np.random.default_rng(81)
    for n_bins in (2, 5, 10):
        p = rng.uniform(0, 1, 200) ** 2
        y = (rng.uniform(0, 1, 200) < p).astype(int)
        out = call(answer, y.copy(), p.copy(), n_bins)
        try:
            true, pred = (np.asarray(a, dtype=float) for a in out)
        except (TypeError, ValueError):
            raise Wrong("return the pair (prob_true, prob_pred)") from None
        ref_true, ref_pred = calibration_curve(y, p, n_bins=n_bins)
        if true.shape != ref_true.shape:
            raise Wrong(f"with {n_bins} bins: {true.size} points, expected {ref_true.size} "
                        "(leave empty bins out)")  # fmt: skip
        if np.allclose(true, ref_pred) and np.allclose(pred, ref_true):
            raise Wrong("the pair is swapped: scikit-learn returns (prob_true, prob_pred)")
        if not (np.allclose(true, ref_true) and np.allclose(pred, ref_pred)):
            raise Wrong(f"with {n_bins} bins the points differ from calibration_curve's")
    return "your reliability diagram is scikit-learn's calibration_curve, bin for bin."


# --------------------------------------------------------------------------------------------
# exit ticket

number_question(
    "exit_08_1",
    "200 tumours, 10 of them malignant. A model flags every tumour. What is its precision?",
    "precision",
    lambda: 10 / 200,
    hint="precision = TP/(TP + FP) over the flagged tumours, here all of them.",
    explain=lambda p: f"10/200 = {p:g}: flagging everything gives the base rate.",
    slips=((lambda: 1.0, "that is the recall: every malignant tumour is found"),),
    rtol=1e-3,
)

number_question(
    "exit_08_2",
    "200 tumours, 10 malignant. With scikit-learn's balanced class weights m/(2 m_c), what "
    "weight does each malignant tumour get?",
    "weight",
    lambda: 200 / (2 * 10),
    hint="m_c is the number of tumours of class c; both classes then weigh m/2 in total.",
    explain=lambda w: f"200/(2·10) = {w:g}, against 200/(2·190) = 0.53 for a benign one.",
    slips=((lambda: 200 / 10, "that is m/m_c; balanced weights divide by 2 m_c"),),
    rtol=1e-3,
)

choice_question(
    "exit_08_3",
    "Platt scaling fits σ(a₁z + a₀) to a model's scores z with a₁ > 0. What does it do to the "
    "ROC curve?",
    "ROC curve",
    (("nothing", "nothing"), ("moves it up", "up"), ("moves it down", "down")),
    lambda: "nothing",
    hint="the ROC curve depends only on the order of the scores.",
    why={
        "nothing": "an increasing map keeps every pair's order, so every threshold's TPR and "
        "FPR pair is still on the curve: the AUC is unchanged.",
        "up": "an increasing map cannot rank any pair differently, and the ROC curve is made "
        "of rankings only.",
        "down": "an increasing map keeps the order of the scores, and with it the curve.",
    },
)

choice_question(
    "exit_08_4",
    "From lesson 1: at the maximum-likelihood fit of a logistic model with a bias, how does the "
    "mean predicted probability compare with the share of malignant tumours in training?",
    "mean ŷ",
    (("equal", "equal"), ("smaller", "smaller"), ("larger", "larger")),
    lambda: "equal",
    hint="set the bias component of the gradient, Σᵢ(ŷᵢ − yᵢ)/m, to zero.",
    why={
        "equal": "∂E/∂b = (1/m)Σ(ŷᵢ − yᵢ) = 0 at the optimum: mean ŷ = mean y, one reason a "
        "cross-entropy fit is close to calibrated.",
        "smaller": "the bias's gradient (1/m)Σ(ŷᵢ − yᵢ) vanishes at the optimum, which makes "
        "them equal.",
        "larger": "the bias's gradient (1/m)Σ(ŷᵢ − yᵢ) vanishes at the optimum, which makes "
        "them equal.",
    },
)
