"""Checks for lesson 05: the Hessian, the second-order Taylor model and Newton's method.

Every reference is computed by the package (``LogisticLoss.hessian``, ``Himmelblau.hessian``,
``simulate`` with ``newton``); the checkers also recognise the usual slips (a gradient step
instead of a Newton step, σ instead of σ(1 − σ), a missing 1/m, 1/√λ without the level, a linear
instead of a quadratic extrapolation) and name them.
"""

from __future__ import annotations

import math

import numpy as np

from ..data import load_wdbc
from ..objectives import Himmelblau, LogisticLoss, sigmoid, sine_regression, wdbc_logistic
from ..optimizers import newton
from ..simulate import simulate
from ._core import Choice, Form, Number, Wrong, call, exercise
from ._core import number as _number

__all__ = [
    "DAMPING_POINT",
    "ELLIPSE_H",
    "ELLIPSE_LEVEL",
    "NEWTON_START",
    "QUAD_A",
    "QUAD_B",
    "QUAD_W0",
    "STATIONARY_POINTS",
    "newton_steps",
]

# ex_05_1: f(w) = ½ wᵀAw − bᵀw and a starting point
QUAD_A = ((3.0, 1.0), (1.0, 2.0))
QUAD_B = (1.0, -1.0)
QUAD_W0 = (2.0, 2.0)

# ex_05_4: a Hessian and a level of the model ½ΔᵀHΔ
ELLIPSE_H = ((3.0, 1.0), (1.0, 3.0))
ELLIPSE_LEVEL = 1.0

# ex_05_5: where Newton's method starts on the WDBC loss, and the two tolerances
NEWTON_START = (1.0, -1.0, 0.5)
NEWTON_TOLS = (1e-4, 1e-12)

# ex_05_6: a point of the sine-regression loss where the Hessian is indefinite
DAMPING_POINT = (0.5, 3.0)

_HIMMELBLAU_GUESSES = (
    (3.0, 2.0),
    (-0.270845, -0.923039),
    (3.385154, 0.0738519),
    (-2.805118, 3.131312),
    (0.0866775, 2.88425),
    (-3.07303, -0.0813530),
    (-3.779310, -3.283186),
    (-0.127961, -1.95371),
    (3.584428, -1.848126),
)


def _polished_stationary_points() -> np.ndarray:
    f = Himmelblau()
    points = [
        simulate(f, newton(), g, steps=50, tol=1e-13).final_params for g in _HIMMELBLAU_GUESSES
    ]
    out = np.array(points)
    out.setflags(write=False)
    return out


#: ex_05_3: the nine stationary points of Himmelblau's function (∇f = 0 to about 1e-13)
STATIONARY_POINTS = _polished_stationary_points()
#: the options of ex_05_3 in a form
_KIND_CHOICES = (("minimum", "minimum"), ("maximum", "maximum"), ("saddle", "saddle"))


def _newton_norms_text() -> str:
    """What the cell of ex_05_5 prints, for a form in a dashboard (which hides the cell)."""
    first = simulate(wdbc_logistic(), newton(), NEWTON_START, steps=4, tol=None)
    return "‖∇f‖ at steps 0–4: " + ", ".join(f"{v:.3e}" for v in first.grad_norm)


# --------------------------------------------------------------------------------------------
# small parsers


def _vector(value, n: int, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise Wrong(f"give {what} as {n} numbers, got {value!r}") from None
    if arr.shape != (n,):
        raise Wrong(f"give {what} as {n} numbers, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise Wrong(f"{what} should be finite numbers, got {arr.tolist()}")
    return arr


def _fmt(v: np.ndarray, digits: int = 4) -> str:
    return "(" + ", ".join(f"{x:.{digits}g}" for x in np.asarray(v, dtype=float)) + ")"


# --------------------------------------------------------------------------------------------
# ex_05_1: one Newton step on a quadratic


@exercise(
    "ex_05_1",
    form=Form((Number("w₁, first entry"), Number("w₁, second entry")), pack=np.array),
    hint="∇f(w) = Aw − b and H = A, so w₁ = w₀ − A⁻¹(Aw₀ − b); "
    "np.linalg.solve(A, g) computes A⁻¹g without forming the inverse.",
)
def _check_newton_quadratic(answer) -> str:
    A, b, w0 = np.array(QUAD_A), np.array(QUAD_B), np.array(QUAD_W0)
    w1 = _vector(answer, 2, "the point w₁ after one Newton step")
    g0 = A @ w0 - b
    ref = w0 - np.linalg.solve(A, g0)
    if np.allclose(w1, ref, atol=1e-6):
        return (
            f"w₁ = {_fmt(ref)}, and ∇f(w₁) = Aw₁ − b = 0: one step lands on the minimiser A⁻¹b. "
            "The start does not matter, because the Taylor model of a quadratic is the "
            "quadratic itself."
        )
    slips = {
        "a gradient step with α = 1 (w₀ − ∇f), not a Newton step: divide by the curvature, "
        "i.e. solve H Δ = −∇f": w0 - g0,
        "w₀ + A⁻¹∇f: the Newton step goes against the gradient, Δ = −H⁻¹∇f": w0
        + np.linalg.solve(A, g0),
        "w₀ − A∇f: the step multiplies the gradient by H⁻¹, not by H": w0 - A @ g0,
        "the minimiser of ½wᵀAw + bᵀw: the gradient of −bᵀw is −b, so ∇f = Aw − b": (
            -np.linalg.solve(A, b)
        ),
        "the Newton step Δ itself; the question asks for the new point w₁ = w₀ + Δ": ref - w0,
    }
    for what, value in slips.items():
        if np.allclose(w1, value, atol=1e-6):
            raise Wrong(f"{_fmt(w1)} is {what}")
    grad1 = A @ w1 - b
    raise Wrong(
        f"at your w₁ = {_fmt(w1)} the gradient Aw₁ − b is {_fmt(grad1)}, not 0; after a Newton "
        "step on a quadratic it must vanish"
    )


# --------------------------------------------------------------------------------------------
# ex_05_2: the logistic Hessian


def _design(features=("mean radius", "mean texture")) -> tuple[np.ndarray, np.ndarray]:
    data = load_wdbc(features, standardize=True)
    X = np.column_stack([data.X, np.ones(len(data.y))])  # bias column last, as in the package
    return X, data.y


@exercise(
    "ex_05_2",
    hint="s = σ(Xw) * (1 − σ(Xw)) has shape (m,); scale the rows of X by s "
    "(X * s[:, None]) and multiply by Xᵀ; divide by m. The result is (d, d).",
)
def _check_logistic_hessian(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function logistic_hessian itself (without calling it)")
    X, y = _design()
    m, d = X.shape
    loss = LogisticLoss(X[:, :-1], y, fit_bias=True)
    rng = np.random.default_rng(5)
    points = (np.zeros(d), np.array([3.7, 0.9, -0.7]), rng.normal(scale=1.5, size=d))
    h = 1e-5
    worst_fd = 0.0
    for w in points:
        out = call(answer, X.copy(), w.copy())
        H = np.asarray(out, dtype=float)
        ref = loss.hessian(w)
        if H.shape != (d, d):
            if H.shape == (m, m):
                raise Wrong(
                    f"your Hessian is (m, m) = {H.shape}: that is X S Xᵀ; the Hessian has one "
                    f"row and column per parameter, Xᵀ S X, shape ({d}, {d})"
                )
            raise Wrong(f"the Hessian should have shape (d, d) = ({d}, {d}), got {H.shape}")
        if np.allclose(H, ref, rtol=1e-9, atol=1e-13):
            fd = np.column_stack(
                [(loss.grad(w + h * e) - loss.grad(w - h * e)) / (2 * h) for e in np.eye(d)]
            )
            worst_fd = max(worst_fd, float(np.max(np.abs(fd - H))))
            continue
        p = sigmoid(X @ w)
        slips = {
            "the sum over examples; divide by m for the mean loss": m * ref,
            "built with σ instead of σ(1 − σ): the derivative of σ(z) is σ(z)(1 − σ(z))": (
                X.T @ (X * p[:, None]) / m
            ),
            "built with the residual σ − y instead of σ(1 − σ)": X.T @ (X * (p - y)[:, None]) / m,
            "XᵀX/m, without the weights sᵢ = σ(zᵢ)(1 − σ(zᵢ)) on the examples": X.T @ X / m,
            "the negative of the Hessian: the loss is convex, so its Hessian is positive "
            "semi-definite": -ref,
        }
        for what, value in slips.items():
            if np.allclose(H, value, rtol=1e-6, atol=1e-12):
                raise Wrong(f"at w = {_fmt(w, 3)} your matrix is {what}")
        if not np.allclose(H, H.T, rtol=1e-9, atol=1e-13):
            raise Wrong("your Hessian is not symmetric; ∂²f/∂wⱼ∂wₖ = ∂²f/∂wₖ∂wⱼ")
        err = float(np.max(np.abs(H - ref)))
        raise Wrong(
            f"at w = {_fmt(w, 3)} your Hessian differs from the package's by up to {err:.2g}"
        )
    return (
        f"matches LogisticLoss.hessian at three points, and the central differences of the "
        f"package's gradient to {worst_fd:.0e}. No labels were needed: the gradient is linear "
        "in y, so y disappears when it is differentiated again."
    )


# --------------------------------------------------------------------------------------------
# ex_05_3: classify stationary points from the eigenvalues


def _kind(eigenvalues: np.ndarray) -> str:
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    return "saddle"


_KIND_WORDS = {
    "minimum": "minimum",
    "min": "minimum",
    "local minimum": "minimum",
    "maximum": "maximum",
    "max": "maximum",
    "local maximum": "maximum",
    "saddle": "saddle",
    "saddle point": "saddle",
}


@exercise(
    "ex_05_3",
    form=Form(
        tuple(Choice(f"point ({p[0]:.3f}, {p[1]:.3f})", _KIND_CHOICES) for p in STATIONARY_POINTS),
        pack=list,
    ),
    hint="np.linalg.eigvalsh(f.hessian(p)) gives the eigenvalues at p: all > 0 is a "
    "minimum, all < 0 a maximum, mixed signs a saddle.",
)
def _check_classification(answer) -> str:
    if isinstance(answer, str):
        raise Wrong("give one word per point, as a list of nine strings")
    try:
        words = [str(a).strip().lower() for a in answer]
    except TypeError:
        raise Wrong(f"give a list of nine words, got {answer!r}") from None
    n = len(STATIONARY_POINTS)
    if len(words) != n:
        raise Wrong(f"there are {n} points; give one word for each, got {len(words)}")
    f = Himmelblau()
    lam = np.linalg.eigvalsh(f.hessian(STATIONARY_POINTS))
    kinds = [_kind(v) for v in lam]
    for k, (word, kind, v, p) in enumerate(zip(words, kinds, lam, STATIONARY_POINTS, strict=True)):
        got = _KIND_WORDS.get(word)
        if got is None:
            raise Wrong(f"point {k}: {word!r} is not one of 'minimum', 'maximum', 'saddle'")
        if got != kind:
            signs = (
                "both positive"
                if kind == "minimum"
                else ("both negative" if kind == "maximum" else "of opposite signs")
            )
            raise Wrong(
                f"point {k} {_fmt(p, 4)}: the Hessian's eigenvalues are {v[0]:.3g} and "
                f"{v[1]:.3g}, {signs}, so it is a {kind}, not a {got}"
            )
    counts = {k: kinds.count(k) for k in ("minimum", "maximum", "saddle")}
    return (
        f"{counts['minimum']} minima, {counts['maximum']} maximum and {counts['saddle']} saddles. "
        "Between every two neighbouring minima lies a saddle: the lowest pass from one basin "
        "to the next."
    )


# --------------------------------------------------------------------------------------------
# ex_05_4: axes of the model's level set


@exercise(
    "ex_05_4",
    form=Form((Number("longest semi-axis"), Number("shortest semi-axis"))),
    hint="along the unit eigenvector uᵢ the model is ½λᵢa²; set it equal to the level Δf "
    "and solve for a: a = √(2Δf/λᵢ). The smallest eigenvalue gives the longest axis.",
)
def _check_ellipse(answer) -> str:
    a_long, a_short = _vector(answer, 2, "the two semi-axis lengths (longest first)")
    lam = np.linalg.eigvalsh(np.array(ELLIPSE_H))  # ascending
    c = ELLIPSE_LEVEL
    ref = np.sqrt(2 * c / lam)  # longest first, since lam ascends
    got = np.array([a_long, a_short])
    if np.allclose(got, ref, rtol=1e-3):
        return (
            f"semi-axes √(2Δf/λ) = {ref[0]:.4g} along (1, −1)/√2 (λ = {lam[0]:g}) and "
            f"{ref[1]:.4g} along (1, 1)/√2 (λ = {lam[1]:g}): the ratio is √κ = "
            f"{math.sqrt(lam[1] / lam[0]):.4g}."
        )
    if np.allclose(got, ref[::-1], rtol=1e-3):
        raise Wrong("right lengths, wrong order: give the longest axis first")
    slips = {
        "1/√λ: the level Δf and the ½ of the model are missing, a = √(2Δf/λ)": 1 / np.sqrt(lam),
        "2Δf/λ without the square root: the model grows like a², so a = √(2Δf/λ)": 2 * c / lam,
        "√λ: a large curvature makes the bowl steep, so its axis is short, a ∝ 1/√λ": np.sqrt(lam),
        "√(Δf/λ): the model is ½λa², so ½λa² = Δf gives a² = 2Δf/λ": np.sqrt(c / lam),
    }
    for what, value in slips.items():
        if np.allclose(np.sort(got), np.sort(value), rtol=1e-3):
            raise Wrong(f"{_fmt(got)} is {what}")
    raise Wrong(
        f"the semi-axes are not {_fmt(got)}; the eigenvalues of H are {lam[0]:g} and {lam[1]:g}"
    )


# --------------------------------------------------------------------------------------------
# ex_05_5: predict the number of Newton steps


def newton_steps(tol: float, start=NEWTON_START) -> int:
    """Steps pure Newton needs on the WDBC loss from ``start`` until ‖∇f‖ < tol (the reference)."""
    traj = simulate(wdbc_logistic(), newton(), start, steps=50, tol=tol)
    if not traj.converged:
        raise RuntimeError(f"Newton did not converge from {start}: {traj.message}")
    return traj.stopped_at


@exercise(
    "ex_05_5",
    form=Form(
        (Number("steps to ‖∇f‖ < 1e-4"), Number("steps to ‖∇f‖ < 1e-12")),
        info=_newton_norms_text,
    ),
    hint="near the minimum e_{k+1} ≈ C·e_k²: estimate C from the last two gradient "
    "norms you printed, then square and multiply step by step until you pass each tolerance.",
)
def _check_newton_prediction(answer) -> str:
    try:
        items = list(answer)
    except TypeError:
        raise Wrong("give two whole numbers: (steps to 1e-4, steps to 1e-12)") from None
    if len(items) != 2:
        raise Wrong("give two whole numbers: (steps to 1e-4, steps to 1e-12)")
    n4, n12 = (_number(f"entry {k + 1}", v) for k, v in enumerate(items))
    if n4 != int(n4) or n12 != int(n12):
        raise Wrong("steps are whole numbers")
    ref4, ref12 = newton_steps(NEWTON_TOLS[0]), newton_steps(NEWTON_TOLS[1])
    if n12 - n4 >= 2 * (ref12 - ref4) + 2:
        raise Wrong(
            f"you predict {int(n12 - n4)} extra steps to go from 1e-4 to 1e-12: that is linear "
            "thinking (the same number of steps per factor of 10). Newton's error is squared "
            "each step, so the number of correct digits doubles"
        )
    if abs(n4 - ref4) <= 1 and abs(n12 - ref12) <= 1:
        exact = "exactly" if (n4, n12) == (ref4, ref12) else "within one step"
        return (
            f"{exact}: the package's Newton needs {ref4} steps to ‖∇f‖ < 1e-4 and {ref12} to "
            f"1e-12. Eight more digits cost only {ref12 - ref4} more steps."
        )
    raise Wrong(
        f"the simulation needs {ref4} steps to reach 1e-4 and {ref12} to reach 1e-12, "
        f"you predicted {int(n4)} and {int(n12)}"
    )


# --------------------------------------------------------------------------------------------
# ex_05_6: the smallest damping that makes H + δI positive definite


@exercise(
    "ex_05_6",
    form=Form((Number("smallest damping δ"),)),
    hint="the eigenvalues of H + δI are λᵢ + δ; all of them are positive once δ exceeds "
    "−λmin. Compute np.linalg.eigvalsh(loss.hessian(w)).",
)
def _check_damping(answer) -> str:
    lam_answer = _number("δ", answer)
    lam = np.linalg.eigvalsh(sine_regression().hessian(np.array(DAMPING_POINT)))
    need = -float(lam[0])
    if abs(lam_answer - need) <= 0.01 * need:
        return (
            f"−λmin = {need:.4g}: for any δ above it, H + δI has eigenvalues λᵢ + δ > 0 and the "
            "damped Newton step is a descent direction."
        )
    if abs(lam_answer + need) <= 0.01 * need:
        raise Wrong(
            f"{lam_answer:.4g} is λmin itself; adding it to the diagonal makes things worse. "
            "You need δ + λmin > 0"
        )
    if abs(lam_answer - lam[1]) <= 0.01 * abs(lam[1]) or abs(lam_answer + lam[1]) <= 0.01 * abs(
        lam[1]
    ):
        raise Wrong(
            f"{lam_answer:.4g} comes from the positive eigenvalue {lam[1]:.3g}; it is the "
            "negative one that must be lifted above zero"
        )
    if lam_answer < need:
        raise Wrong(
            f"with δ = {lam_answer:.4g}, H + δI still has the eigenvalue {lam[0] + lam_answer:.3g} "
            "< 0: too small"
        )
    raise Wrong(
        f"δ = {lam_answer:.4g} works, but it is not the smallest: any δ above {need:.4g} would do"
    )
