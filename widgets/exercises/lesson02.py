"""Checks for lesson 02: the sigmoid's derivative, the gradient of the logistic loss, and
numerical differentiation.

The references are the package's own functions (``sigmoid``, ``LogisticLoss.grad``); each checker
also recognises the usual slips (σ instead of σ′, a sign, a missing 1/m, a forward difference,
an overflow) and names them.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..data import load_wdbc
from ..objectives import LogisticLoss, Rosenbrock, sigmoid
from ._core import Form, Number, Wrong, call, exercise
from ._core import number as _number
from ._core import numbers as _numbers

__all__ = ["EPS", "H_POINT", "best_h_theory", "central_difference_error"]

EPS = float(np.finfo(float).eps)
#: the point at which ex_02_5 differentiates σ numerically
H_POINT = 1.0


def _slope(z: float) -> float:
    s = float(sigmoid(z))
    return s * (1.0 - s)


def _strict(fn, *args):
    """Call a learner's function with floating-point trouble raised, not warned."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error", RuntimeWarning)
        return call(fn, *args)


# --------------------------------------------------------------------------------------------
# ex_02_1: σ′(0) and σ′(2)


@exercise(
    "ex_02_1",
    form=Form((Number("σ′(0)"), Number("σ′(2)"))),
    hint="σ′(z) = e^(−z)/(1 + e^(−z))² = σ(z)(1 − σ(z)); at z = 0, σ = 1/2.",
)
def _check_slopes(answer) -> str:
    at0, at2 = _numbers(answer, 2, "σ′(0), σ′(2)")
    ref0, ref2 = _slope(0.0), _slope(2.0)
    for z, got, ref in ((0.0, at0, ref0), (2.0, at2, ref2)):
        if abs(got - ref) <= 1e-4:
            continue
        if abs(got - float(sigmoid(z))) <= 1e-4:
            raise Wrong(f"{got:.4f} is σ({z:g}) itself; the question asks for its slope σ′({z:g})")
        if abs(got + ref) <= 1e-4:
            raise Wrong(
                f"σ′({z:g}) has the wrong sign: σ increases everywhere, so σ′ > 0; "
                "the quotient rule is (u′v − uv′)/v² with v′ = −e^(−z)"
            )
        if abs(got - math.exp(-z)) <= 1e-4:
            raise Wrong(f"{got:.4f} is only the numerator e^(−{z:g}); divide by (1 + e^(−{z:g}))²")
        raise Wrong(f"σ′({z:g}) is not {got:.5g}; evaluate σ(z)(1 − σ(z)) at z = {z:g}")
    return (
        f"σ′(0) = {ref0:g}, the steepest the sigmoid ever gets; σ′(2) = {ref2:.6f}, already "
        f"{ref0 / ref2:.1f}× flatter."
    )


# --------------------------------------------------------------------------------------------
# ex_02_2: a sigmoid that never overflows


@exercise(
    "ex_02_2",
    hint="compute only e = np.exp(-np.abs(z)), which is ≤ 1 and cannot "
    "overflow; then σ = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0 (np.where picks).",
)
def _check_stable_sigmoid(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function stable_sigmoid itself (without calling it)")
    z = np.concatenate(
        [
            [-1000.0, -745.0, -700.0, -40.0, -1.0, 0.0, 1.0, 40.0, 700.0, 1000.0],
            np.linspace(-30, 30, 241),
        ]
    )
    try:
        out = _strict(answer, z.copy())
    except Wrong as wrong:
        text = str(wrong)
        if "overflow" in text:
            raise Wrong(
                "np.exp overflowed (e^1000 is beyond float64): compute e^(−|z|) only"
            ) from None
        raise Wrong(f"on z from −1000 to 1000: {text}") from None
    out = np.asarray(out, dtype=float)
    if out.shape != z.shape:
        raise Wrong(
            f"stable_sigmoid should work elementwise: input shape {z.shape}, your output "
            f"shape {out.shape}"
        )
    if not np.all(np.isfinite(out)):
        bad = z[~np.isfinite(out)][0]
        raise Wrong(f"stable_sigmoid({bad:g}) is not finite")
    ref = sigmoid(z)
    if np.any((out < 0) | (out > 1)):
        bad = z[(out < 0) | (out > 1)][0]
        raise Wrong(f"stable_sigmoid({bad:g}) is outside [0, 1]")
    err = np.abs(out - ref)
    if np.max(err) > 1e-15:
        bad = z[np.argmax(err)]
        raise Wrong(
            f"stable_sigmoid({bad:g}) = {out[np.argmax(err)]:.17g}, but σ({bad:g}) = "
            f"{ref[np.argmax(err)]:.17g}"
        )
    # relative accuracy in the lower tail, where σ(z) ≈ e^z is tiny but representable
    tail = z < -30
    rel = np.abs(out[tail] - ref[tail]) / np.where(ref[tail] > 0, ref[tail], 1.0)
    if np.max(rel) > 1e-12:
        raise Wrong(
            "σ(−40) ≈ 4.2e−18 comes out inaccurate: for z < 0 use e^z/(1 + e^z) rather "
            "than 1 − σ(−z)"
        )
    scalar = _strict(answer, 2.0)
    if np.shape(scalar) != ():
        raise Wrong(f"stable_sigmoid(2.0) should be a single number, got shape {np.shape(scalar)}")
    return (
        "no overflow from −1000 to 1000, agrees with the package to 1e−15, and keeps full "
        "relative accuracy in the tail (σ(−700) ≈ 1e−304)."
    )


# --------------------------------------------------------------------------------------------
# ex_02_3: the vectorised gradient


@exercise(
    "ex_02_3",
    hint="z = X @ w + b has shape (m,); r = σ(z) − y has shape (m,); the "
    "weight gradient is X.T @ r / m, shape (d,); the bias gradient is r.mean(), a number.",
)
def _check_gradient(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function logistic_gradient itself (without calling it)")
    data = load_wdbc()  # all 30 standardised features
    X, y = data.X, data.y
    m, p = X.shape
    loss = LogisticLoss(X, y, fit_bias=True)
    rng = np.random.default_rng(2)
    for where, w, b in (
        ("w = 0, b = 0", np.zeros(p), 0.0),
        ("a random point", 0.3 * rng.normal(size=p), -0.4),
    ):
        ref = loss.grad(np.r_[w, b])
        ref_w, ref_b = ref[:-1], float(ref[-1])
        out = _strict(answer, X.copy(), y.copy(), w.copy(), b)
        if not isinstance(out, tuple | list) or len(out) != 2:
            raise Wrong("return a pair (dw, db): the gradient for the weights and for the bias")
        dw, db = np.asarray(out[0], dtype=float), np.asarray(out[1], dtype=float)
        if dw.shape != (p,):
            if dw.shape == (m,):
                raise Wrong(
                    f"dw has shape (m,) = {dw.shape}: that is σ(z) − y, one number per "
                    "example; multiply by Xᵀ to get one number per weight"
                )
            if dw.shape == (m, p):
                raise Wrong(
                    f"dw has shape (m, p) = {dw.shape}: these are the per-example "
                    "gradients; average them over the examples"
                )
            raise Wrong(f"dw should have shape (d,) = ({p},) like w, got {dw.shape}")
        if db.shape != ():
            raise Wrong(
                f"db should be one number (the bias is one parameter), got shape {db.shape}"
            )
        ok_w = np.allclose(dw, ref_w, rtol=1e-10, atol=1e-14)
        ok_b = math.isclose(float(db), ref_b, rel_tol=1e-10, abs_tol=1e-14)
        if ok_w and ok_b:
            continue
        if np.allclose(dw, -ref_w, rtol=1e-10, atol=1e-14):
            raise Wrong(
                "dw has the wrong sign: the loss's gradient is Xᵀ(σ(z) − y)/m (the "
                "log-likelihood's would be its negative)"
            )
        if np.allclose(dw, m * ref_w, rtol=1e-10, atol=1e-14):
            raise Wrong(f"dw is m = {m} times too large: the loss is a mean, divide by m")
        if not ok_w:
            raise Wrong(
                f"at {where} dw differs from the package's by up to "
                f"{np.max(np.abs(dw - ref_w)):.3g}"
            )
        raise Wrong(
            f"at {where} db = {float(db):.6g}, the package's is {ref_b:.6g}: ∂z/∂b = 1, "
            "so db is the mean of σ(z) − y"
        )
    return (
        f"matches LogisticLoss.grad on WDBC: X {X.shape}ᵀ · (σ(z) − y) ({m},) / m → "
        f"dw ({p},), and db = mean(σ(z) − y)."
    )


# --------------------------------------------------------------------------------------------
# ex_02_4: a central-difference gradient


@exercise(
    "ex_02_4",
    hint="for each coordinate j, move w by ±h along the unit vector e_j: "
    "g_j = (f(w + h e_j) − f(w − h e_j)) / (2h). Loop over j (or over np.eye(d)).",
)
def _check_numerical_gradient(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function numerical_gradient itself (without calling it)")
    rosen = Rosenbrock()
    w0 = np.array([-0.7, 1.3])
    exact = rosen.grad(w0)

    def f(w):
        return float(rosen.value(np.asarray(w, dtype=float)))

    out = np.asarray(call(answer, f, w0.copy(), 1e-5), dtype=float)
    if out.shape != w0.shape:
        raise Wrong(f"the gradient should have the shape of w, {w0.shape}, got {out.shape}")
    if np.allclose(out, -exact, rtol=1e-3):
        raise Wrong("the sign is flipped: it is f(w + h e_j) − f(w − h e_j), over 2h")
    if np.allclose(out, 2 * exact, rtol=1e-3):
        raise Wrong("twice too large: divide the difference by 2h, not h")
    # order of accuracy: a central difference's error falls 100× when h falls 10×
    err_big = float(np.max(np.abs(np.asarray(call(answer, f, w0.copy(), 1e-2)) - exact)))
    err_mid = float(np.max(np.abs(np.asarray(call(answer, f, w0.copy(), 1e-3)) - exact)))
    if err_mid > 0.05 * err_big:
        raise Wrong(
            f"going from h = 1e-2 to 1e-3 your error only fell from {err_big:.2g} to "
            f"{err_mid:.2g} (about ×{err_big / max(err_mid, 1e-300):.0f}); a central "
            "difference has error O(h²), so it should fall about ×100. Is this a "
            "forward difference (f(w + h) − f(w))/h?"
        )
    err5 = float(np.max(np.abs(out - exact)))
    if err5 > 1e-5:
        raise Wrong(
            f"on Rosenbrock at {w0.tolist()} with h = 1e-5 your gradient is "
            f"{out.tolist()}, the exact one {exact.tolist()}"
        )
    data = load_wdbc(["mean radius", "mean texture"])
    loss = LogisticLoss(data.X, data.y)
    w1 = np.array([1.0, -0.5, 0.2])
    out = np.asarray(call(answer, lambda w: float(loss.value(w)), w1.copy(), 1e-5), dtype=float)
    ref = loss.grad(w1)
    rel = float(np.linalg.norm(out - ref) / np.linalg.norm(ref))
    if not rel < 1e-7:
        raise Wrong(f"on the WDBC loss the relative error is {rel:.2g} (should be < 1e-7)")
    return (
        f"second-order accurate (error ×{err_big / max(err_mid, 1e-300):.0f} smaller for "
        f"h ten times smaller) and within {rel:.1e} of the exact WDBC gradient."
    )


# --------------------------------------------------------------------------------------------
# ex_02_5: the best step h


def central_difference_error(h: float | np.ndarray, z: float = H_POINT) -> np.ndarray:
    """|(σ(z + h) − σ(z − h))/2h − σ′(z)|, the total (truncation + rounding) error."""
    h = np.asarray(h, dtype=float)
    numeric = (sigmoid(z + h) - sigmoid(z - h)) / (2.0 * h)
    return np.abs(numeric - _slope(z))


def best_h_theory(z: float = H_POINT) -> float:
    """h* = (3ε_mach|σ(z)| / |σ‴(z)|)^(1/3): truncation h²|σ‴|/6 against rounding ε_mach|σ|/h."""
    s = float(sigmoid(z))
    third = _slope(z) * (1.0 - 6.0 * s + 6.0 * s * s)
    return (3.0 * EPS * s / abs(third)) ** (1.0 / 3.0)


@exercise(
    "ex_02_5",
    form=Form((Number("best step h"),)),
    hint="compute the error for h = np.logspace(-12, -1, 111) and take the h "
    "with the smallest one; theory says about ε_mach^(1/3) ≈ 6e−6.",
)
def _check_best_h(answer) -> str:
    h = _number("h", answer)
    if not 0 < h < 1:
        raise Wrong(f"h must be a small positive step, got {h:g}")
    scale = EPS ** (1.0 / 3.0)
    err = float(central_difference_error(h))
    if h > 10 * scale:
        raise Wrong(
            f"h = {h:.1e} is too large: the truncation error h²|σ‴|/6 dominates "
            f"(error {err:.1e}); try smaller steps"
        )
    if h < scale / 10:
        raise Wrong(
            f"h = {h:.1e} is too small: rounding error ≈ ε_mach|σ|/h dominates (error "
            f"{err:.1e}); try larger steps"
        )
    return (
        f"h = {h:.1e} is within a factor 10 of ε_mach^(1/3) = {scale:.1e} (the theory's optimum "
        f"at z = {H_POINT:g} is {best_h_theory():.1e}); the error there is {err:.1e}, "
        f"against {float(central_difference_error(1e-3)):.1e} at h = 1e-3 and "
        f"{float(central_difference_error(1e-11)):.1e} at h = 1e-11."
    )


# --------------------------------------------------------------------------------------------
# ex_02_6: σ(−z) = 1 − σ(z), in exact and in floating-point arithmetic


@exercise(
    "ex_02_6",
    form=Form((Number("largest gap"), Number("1 − sigmoid(40.0)"), Number("sigmoid(−40.0)"))),
    hint="gap = np.max(np.abs(sigmoid(-z) - (1 - sigmoid(z)))) over "
    "z = np.linspace(-10, 10, 201); then evaluate 1 - sigmoid(40.0) and sigmoid(-40.0).",
)
def _check_symmetry(answer) -> str:
    gap, one_minus, direct = _numbers(answer, 3, "gap, 1 − σ(40), σ(−40)")
    z = np.linspace(-10, 10, 201)
    ref_gap = float(np.max(np.abs(sigmoid(-z) - (1 - sigmoid(z)))))
    if not (0 <= gap <= 1e-15):
        raise Wrong(
            f"a gap of {gap:.2g} is too large: on [−10, 10] the two sides agree to "
            f"rounding (about {ref_gap:.1e}); did you compare σ(−z) with 1 − σ(z)?"
        )
    if one_minus != 1.0 - float(sigmoid(40.0)):
        raise Wrong(
            f"1 − σ(40) in float64 is {1.0 - float(sigmoid(40.0)):g}; compute it with "
            "1 - sigmoid(40.0)"
        )
    if not math.isclose(direct, float(sigmoid(-40.0)), rel_tol=1e-3):  # 4 digits typed
        raise Wrong(f"σ(−40) is {float(sigmoid(-40.0)):.6g}, not {direct:.6g}")
    return (
        f"the identity holds to {ref_gap:.1e} on [−10, 10], yet 1 − σ(40) = {one_minus:g} "
        f"while σ(−40) = {direct:.3g}: σ(40) rounds to 1, and the subtraction throws away "
        "every digit. Always write σ(−z), never 1 − σ(z)."
    )
