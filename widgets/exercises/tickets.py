"""Exit tickets: four short questions closing each lesson, answered with numbers and choices.

Each question is an exercise (``exit_NN_K``) with a prompt and a form, so a dashboard can ask it
(``widgets.exercises.quiz.exit_ticket``) and grade it at once with the same feedback as ``check``.
The answers to numeric questions are computed with the package, never typed in. From lesson 03
on, at least one question per ticket brings back an idea of an earlier lesson.
"""

from __future__ import annotations

import math

import numpy as np

from ..objectives import LogCosh1D, LogisticLoss, Saddle, log_sigmoid, sigmoid, wdbc_logistic
from ..optimizers import adam, gd, momentum, newton
from ..simulate import simulate
from ..theory import quadratic_theory
from ._core import choice_question, number_question

__all__ = ["EARLIER", "classify_stationary", "newton_point", "noise_floor"]

#: which earlier lesson each ticket question revisits
EARLIER = {
    "exit_03_4": "01",
    "exit_04_4": "03",
    "exit_05_4": "04",
    "exit_06_2": "04",
    "exit_06_4": "05",
    "exit_07_4": "06",
    "exit_08_4": "01",
    "exit_09_4": "02",
}


# --------------------------------------------------------------------------------------------
# lesson 01: logistic regression as maximum likelihood

number_question(
    "exit_01_1",
    "A model gives a tumour P(malignant) = 0.9. What is its score z (natural log)?",
    "score z",
    lambda: math.log(0.9) - math.log(1 - 0.9),
    hint="the score is the log-odds: z = ln(p/(1 − p)).",
    explain=lambda z: (
        f"z = ln(0.9/0.1) = ln 9 = {z:.4f}, and σ({z:.4f}) = {float(sigmoid(z)):.4f}: the "
        "score is the log-odds."
    ),
    slips=(
        (lambda: 0.9 / 0.1, "that is the odds, 9 to 1; the score is their natural log"),
        (lambda: math.log10(9.0), "that is log₁₀ 9; the log-odds use the natural log"),
        (lambda: 0.9, "that is the probability itself; the score is ln(p/(1 − p))"),
    ),
)

choice_question(
    "exit_01_2",
    "You double w and b together. What happens to the decision boundary and to the lines of "
    "equal probability?",
    "doubling w and b",
    (
        ("the boundary stays; the probability lines move towards it", "a"),
        ("the boundary moves; the probability lines stay", "b"),
        ("both move away from the data", "c"),
        ("nothing changes", "d"),
    ),
    lambda: "a",
    hint="the boundary is where z = 0; a probability line is where z = ln(p/(1 − p)).",
    why={
        "a": "z = 0 still holds on the same points, so the boundary stays; every z doubles, so "
        "each level z = ln(p/(1 − p)) is reached twice as close to it: the same classifier, "
        "twice as confident.",
        "b": "2z = 0 exactly where z = 0: the boundary cannot move.",
        "c": "every z doubles, so each probability level moves closer to the boundary, not away.",
        "d": "the boundary stays, but every score doubles, so the probabilities change.",
    },
)

number_question(
    "exit_01_3",
    "A benign tumour (y = 0) gets the score z = 3. How much does it add to the cross-entropy "
    "(natural log)?",
    "its loss",
    lambda: float(LogisticLoss(np.array([[3.0]]), np.array([0.0]), fit_bias=False).value([1.0])),
    hint="for y = 0 the example costs −log(1 − σ(z)) = log(1 + e^z).",
    explain=lambda v: (
        f"log(1 + e³) = {v:.4f}: confidently wrong, so the cost is about |z|, plus "
        "log(1 + e^(−3)) = 0.049."
    ),
    slips=(
        (
            lambda: -float(log_sigmoid(3.0)),
            "that is the cost if it were malignant (y = 1): −log σ(3)",
        ),
        (lambda: 3.0, "that is z itself; the cost is log(1 + e^z) = z + log(1 + e^(−z))"),
    ),
)

choice_question(
    "exit_01_4",
    "Gradient descent runs on data that a line separates perfectly, with no penalty. What does "
    "‖w‖ do as the steps go on?",
    "‖w‖ without a penalty",
    (
        ("it settles at a finite value", "settles"),
        ("it grows without end", "grows"),
        ("it shrinks to 0", "shrinks"),
    ),
    lambda: "grows",
    hint="scaling a separating (w, b) up lowers the loss of every example.",
    why={
        "settles": "there is no finite minimiser: scaling a separating w up always lowers the "
        "loss, so gradient descent keeps going (an L2 penalty would make it settle).",
        "grows": "scaling a separating w up lowers every example's loss, so the loss has no "
        "minimum and ‖w‖ grows at every step, ever more slowly (like log t).",
        "shrinks": "shrinking w moves every score towards 0, where each example costs log 2: "
        "the loss would rise.",
    },
)


# --------------------------------------------------------------------------------------------
# lesson 02: the sigmoid and its derivative

number_question(
    "exit_02_1",
    "What is the sigmoid's slope σ′(z) at z = 1?",
    "σ′(1)",
    lambda: float(sigmoid(1.0) * sigmoid(-1.0)),
    hint="σ′ = σ(1 − σ), and 1 − σ(z) = σ(−z).",
    explain=lambda v: f"σ(1)(1 − σ(1)) = 0.7311 × 0.2689 = {v:.4f}, below the peak 1/4 at z = 0.",
    slips=(
        (lambda: float(sigmoid(1.0)), "that is σ(1) itself, not its slope"),
        (lambda: 0.25, "that is the slope at z = 0, the largest it gets"),
    ),
)


def _error_ratio() -> str:
    """By how much the central difference's error falls when h goes from 1e-2 to 1e-3."""
    exact = float(sigmoid(1.0) * sigmoid(-1.0))
    err = [abs(float((sigmoid(1 + h) - sigmoid(1 - h)) / (2 * h)) - exact) for h in (1e-2, 1e-3)]
    return {1: "10", 2: "100", 3: "1000"}[round(math.log10(err[0] / err[1]))]


choice_question(
    "exit_02_2",
    "While truncation dominates (h not too small), dividing the step h of a central difference "
    "by 10 divides its error by about:",
    "error falls by",
    (("10", "10"), ("100", "100"), ("1000", "1000"), ("it grows instead", "grows")),
    _error_ratio,
    hint="the truncation error of a central difference is (h²/6)|σ‴|.",
    why={
        "10": "that is a forward difference, whose error is (h/2)|σ″|; the central one cancels "
        "that term.",
        "100": "the truncation error is (h²/6)|σ‴|: h/10 gives an error 100 times smaller.",
        "1000": "that would be an error of order h³; the central difference's is h².",
        "grows": "the error grows only once rounding dominates, for h below about ε^(1/3).",
    },
)

number_question(
    "exit_02_3",
    "A malignant tumour (y = 1) is predicted ŷ = 0.2. What is ∂ℓ/∂z, the gradient of its "
    "cross-entropy with respect to its score?",
    "∂ℓ/∂z",
    lambda: float(
        LogisticLoss(np.array([[1.0]]), np.array([1.0]), fit_bias=False).grad(
            [math.log(0.2 / 0.8)]
        )[0]
    ),
    hint="the chain rule leaves the error: ∂ℓ/∂z = ŷ − y.",
    explain=lambda v: (
        f"ŷ − y = 0.2 − 1 = {v:g}: the factor σ′(z) cancels, so a wrong prediction pushes with "
        "the full size of its error."
    ),
    slips=(
        (lambda: 0.8, "check the sign: ∂ℓ/∂z = ŷ − y, and ŷ < y here"),
        (
            lambda: -0.8 * 0.2 * 0.8,
            "that carries σ′ = ŷ(1 − ŷ): it is squared error's gradient; cross-entropy's "
            "cancels it",
        ),
    ),
)


def _finite_log() -> str:
    """The one option that gives a finite log(1 − σ(800))."""
    z = 800.0
    with np.errstate(divide="ignore"):
        values = {
            "a": np.log(1 - sigmoid(z)),
            "b": log_sigmoid(-z),
            "c": np.log(sigmoid(-z)),
        }
    (finite,) = [k for k, v in values.items() if np.isfinite(v)]
    return finite


choice_question(
    "exit_02_4",
    "Which expression gives log(1 − σ(z)) at z = 800 without returning −∞?",
    "log(1 − σ(800))",
    (
        ("np.log(1 - sigmoid(z))", "a"),
        ("log_sigmoid(-z)", "b"),
        ("np.log(sigmoid(-z))", "c"),
    ),
    _finite_log,
    hint="1 − σ(z) = σ(−z), and σ(−800) = e^(−800) is below the smallest float.",
    why={
        "a": "σ(800) rounds to 1, so 1 − σ(800) is 0 and its log is −∞.",
        "b": "log σ(−z) = −log(1 + e^z), computed with logaddexp without forming σ: −800.",
        "c": "σ(−800) = e^(−800) underflows to 0 before the log is taken: −∞.",
    },
)


# --------------------------------------------------------------------------------------------
# lesson 03: gradient descent, batch, stochastic and mini-batch


def _updates_per_epoch(batch_size: int) -> int:
    run = simulate(wdbc_logistic(), gd(0.1), steps=100, tol=None, batch_size=batch_size, seed=0)
    return int(np.argmax(run.epochs >= 1.0))


number_question(
    "exit_03_1",
    "With batches of B = 32 from the m = 569 WDBC tumours, how many updates make one epoch?",
    "updates per epoch",
    lambda: _updates_per_epoch(32),
    hint="an epoch visits every example once; the last batch holds the remainder.",
    explain=lambda k: f"⌈569/32⌉ = {k:g}: seventeen batches of 32 and a last one of 25 examples.",
    slips=(
        (lambda: 569 // 32, "569/32 = 17.8: the last, shorter batch is an update too"),
        (lambda: 569 / 32, "an update is whole: count the last, shorter batch as one"),
    ),
)

#: the variance of one example's gradient in exit_03_2
_TRACE = 0.6

number_question(
    "exit_03_2",
    f"The gradient of one random example has variance tr Σ = {_TRACE}. What is the variance of "
    "the mean gradient of a batch of B = 16 examples drawn with replacement?",
    "variance, B = 16",
    lambda: _TRACE / 16,
    hint="independent draws: the variance of a mean of B of them is divided by B.",
    explain=lambda v: (
        f"tr Σ/B = {_TRACE}/16 = {v:g}; the typical error, its square root, falls only by √16 = 4."
    ),
    slips=(
        (
            lambda: _TRACE / 4,
            "that divides by √B: the standard deviation falls as 1/√B, the variance as 1/B",
        ),
        (lambda: _TRACE * 16, "averaging reduces the variance: divide by B"),
    ),
)

choice_question(
    "exit_03_3",
    "Mini-batch SGD with a constant learning rate stops improving a little above f*. Why, and "
    "what brings it lower?",
    "the plateau above f*",
    (
        ("gradient noise keeps kicking w; a smaller or decaying α lowers the floor", "a"),
        ("the batch is too small; use B = 1", "b"),
        ("it has diverged; raise α", "c"),
        ("the loss is not convex; restart from elsewhere", "d"),
    ),
    lambda: "a",
    hint="at the minimum the full gradient is 0, but a batch's gradient is not.",
    why={
        "a": "each step adds noise of variance α²tr Σ_B, so f − f* hovers near α tr Σ_B/4: "
        "proportional to α. Decaying α (Σα_t = ∞, Σα_t² < ∞) removes the floor.",
        "b": "a smaller batch makes the noise larger (tr Σ_B ∝ 1/B) and the floor higher.",
        "c": "a diverging run grows; this one hovers. A larger α raises the floor.",
        "d": "the logistic loss is convex; the floor comes from the noise of the batches.",
    },
)

number_question(
    "exit_03_4",
    "From lesson 1: at w = 0, b = 0 every tumour gets ŷ = σ(0). What is the cross-entropy E "
    "there, whatever the data (natural log)?",
    "E at w = 0",
    lambda: float(wdbc_logistic().value(np.zeros(3))),
    hint="every example costs −log ŷ or −log(1 − ŷ), with ŷ = σ(0).",
    explain=lambda v: (
        f"σ(0) = 1/2 for every example, each costs −log(1/2) = log 2 = {v:.4f}: the loss of a "
        "model that knows nothing, the yardstick for any fit."
    ),
    slips=(
        (lambda: 0.5, "that is ŷ = σ(0); each example's loss is −log of it"),
        (lambda: math.log10(2.0), "that is log₁₀ 2; the cross-entropy uses the natural log"),
    ),
)


# --------------------------------------------------------------------------------------------
# lesson 04: how the learning rate shapes gradient descent

_SPECTRUM_04 = np.diag([1.0, 4.0])

number_question(
    "exit_04_1",
    "The Hessian of a quadratic has eigenvalues 1 and 4. Up to which learning rate α does "
    "gradient descent converge?",
    "edge of the stable band",
    lambda: quadratic_theory(_SPECTRUM_04).stable_lr_max,
    hint="every factor |1 − αλᵢ| must be below 1.",
    explain=lambda a: (
        f"|1 − 4α| < 1 needs α < 2/λmax = {a:g}; the flat direction alone would allow α < 2."
    ),
    slips=(
        (lambda: 2.0, "that is 2/λmin: the steep direction (λ = 4) sets the limit"),
        (
            lambda: quadratic_theory(_SPECTRUM_04).best_lr,
            "that is the best rate, 2/(λmin + λmax); the question asks for the edge",
        ),
    ),
)

number_question(
    "exit_04_2",
    "Same quadratic (eigenvalues 1 and 4), at the best fixed rate: by what factor does the "
    "error shrink per step?",
    "contraction per step",
    lambda: quadratic_theory(_SPECTRUM_04).best_rate,
    hint="at α* = 2/(λmin + λmax) both factors equal (κ − 1)/(κ + 1).",
    explain=lambda r: (
        f"κ = 4, so (κ − 1)/(κ + 1) = 3/5 = {r:g}, reached in both directions at α* = 0.4."
    ),
    slips=(
        (lambda: 1 - 1 / 4, "that is 1 − 1/κ, the rate at α = 1/λmax; α* does better"),
        (lambda: 4.0, "that is κ itself; the contraction is (κ − 1)/(κ + 1)"),
    ),
)

choice_question(
    "exit_04_3",
    "You standardise the features of a logistic regression (mean 0, standard deviation 1). "
    "What changes?",
    "standardising",
    (
        ("the predictions and the smallest loss", "a"),
        ("the Hessian's condition number, so how fast gradient descent converges", "b"),
        ("nothing at all", "c"),
    ),
    lambda: "b",
    hint="a rescaled weight undoes a rescaled feature.",
    why={
        "a": "a rescaled (and shifted) weight undoes a rescaled feature: the same models, the same "
        "smallest loss.",
        "b": "the same models in new coordinates: on WDBC κ at w = 0 falls from 1.7·10⁴ to 1.96, "
        "and gradient descent from millions of steps to 233.",
        "c": "the models stay the same, but the coordinates the optimiser walks in change.",
    },
)


def noise_floor(batch_size: int, alpha: float = 1.0) -> float:
    """α tr Σ_B / 4 on the WDBC loss at its minimum: lesson 3's noise floor for ``batch_size``."""
    loss = wdbc_logistic()
    w_star = simulate(loss, newton(), steps=50, tol=1e-12).final_params
    m = loss.n_examples
    trace = float(loss.example_grads(w_star).var(axis=0).sum())
    return alpha * trace / batch_size * (m - batch_size) / (m - 1) / 4


choice_question(
    "exit_04_4",
    "From lesson 3: with the same constant α, which batch size leaves mini-batch SGD on WDBC "
    "at the lowest noise floor?",
    "lowest floor",
    (("B = 1", "1"), ("B = 8", "8"), ("B = 64", "64")),
    lambda: min(("1", "8", "64"), key=lambda b: noise_floor(int(b))),
    hint="the floor is about α tr Σ_B/4, and tr Σ_B falls as 1/B.",
    why={
        "1": "one example per step is the noisiest gradient: the highest floor.",
        "8": "eight examples average away some noise, but 64 average away more.",
        "64": "tr Σ_B ≈ tr Σ/B · (m − B)/(m − 1) is smallest for B = 64, and so is the floor "
        "α tr Σ_B/4, at the price of more computation per step.",
    },
)


# --------------------------------------------------------------------------------------------
# lesson 05: the Hessian, Taylor models and Newton's method


def classify_stationary(hessian: np.ndarray) -> str:
    """'minimum', 'maximum' or 'saddle' from the signs of a Hessian's eigenvalues."""
    eig = np.linalg.eigvalsh(hessian)
    return "minimum" if eig.min() > 0 else "maximum" if eig.max() < 0 else "saddle"


choice_question(
    "exit_05_1",
    "On f(w) = ½(w₁² − w₂²) the gradient vanishes at w = (0, 0). What kind of point is it?",
    "kind of point",
    (("a minimum", "minimum"), ("a maximum", "maximum"), ("a saddle", "saddle")),
    lambda: classify_stationary(Saddle().hessian(np.zeros(2))),
    hint="the Hessian is diag(1, −1): look at the signs of its eigenvalues.",
    why={
        "minimum": "along w₂ the curvature is −1: the loss falls in that direction.",
        "maximum": "along w₁ the curvature is +1: the loss rises in that direction.",
        "saddle": "eigenvalues +1 and −1: up along w₁, down along w₂. Gradient descent escapes "
        "along w₂, Newton's method walks straight to it.",
    },
)

_A_05, _B_05 = np.diag([2.0, 4.0]), np.array([2.0, 2.0])


def newton_point(start=(5.0, -3.0)) -> np.ndarray:
    """One Newton step on ½wᵀAw − bᵀw (exit_05_2) from ``start``, with the package's optimizer."""
    w = np.asarray(start, dtype=float)
    opt = newton()
    step, _ = opt.update(_A_05 @ w - _B_05, opt.init(w), w, hessian=_A_05)
    return w + step


number_question(
    "exit_05_2",
    "One Newton step on f(w) = ½wᵀAw − bᵀw with A = diag(2, 4) and b = (2, 2), from any start: "
    "what is the second coordinate of the new point?",
    "second coordinate",
    lambda: float(newton_point()[1]),
    hint="Newton's step lands where the gradient Aw − b of the model vanishes.",
    explain=lambda v: (
        f"w = A⁻¹b = (2/2, 2/4) = (1, {v:g}), from any start: on a quadratic the Taylor model "
        "is exact."
    ),
    slips=(
        (lambda: 2.0 * 4.0, "that multiplies by A; Newton's step solves Aw = b"),
        (lambda: 1.0, "that is the first coordinate, 2/2"),
    ),
)

_SPECTRUM_05 = np.diag([1.0, 16.0])

number_question(
    "exit_05_3",
    "At a minimum the Hessian has eigenvalues 1 and 16. The Taylor model's level sets are "
    "ellipses: how many times longer is their long axis than their short one?",
    "axis ratio",
    lambda: math.sqrt(quadratic_theory(_SPECTRUM_05).condition_number),
    hint="the semi-axes are √(2c/λᵢ).",
    explain=lambda r: f"√(λmax/λmin) = √16 = {r:g} = √κ: weak curvature, long axis.",
    slips=(
        (lambda: 16.0, "that is κ; the semi-axes go as 1/√λ, so their ratio is √κ"),
        (lambda: 1 / 4, "that is the short axis over the long one"),
    ),
)

number_question(
    "exit_05_4",
    "From lesson 4: gradient descent at its best fixed rate on that quadratic (eigenvalues 1 "
    "and 16). By what factor does the error shrink per step?",
    "contraction per step",
    lambda: quadratic_theory(_SPECTRUM_05).best_rate,
    hint="(κ − 1)/(κ + 1) at α* = 2/(λmin + λmax).",
    explain=lambda r: (
        f"(16 − 1)/(16 + 1) = {r:.4f}: about 18 steps per factor 10, where Newton's method needs "
        "one step in all."
    ),
    slips=(
        (lambda: 1 - 1 / 16, "that is 1 − 1/κ, the rate at α = 1/λmax; α* does better"),
        (lambda: 0.25, "1/√κ is not a rate of gradient descent: use (κ − 1)/(κ + 1)"),
    ),
)


# --------------------------------------------------------------------------------------------
# lesson 06: momentum and adaptive learning rates


def _momentum_speed_up(mu: float = 0.9, alpha: float = 0.05) -> float:
    far = [-1000.0]  # LogCosh1D's slope is −1 to machine precision there
    heavy = simulate(LogCosh1D(), momentum(alpha, mu), far, steps=300, tol=None)
    plain = simulate(LogCosh1D(), gd(alpha), far, steps=300, tol=None)
    return float(heavy.step_length[-1] / plain.step_length[-1])


number_question(
    "exit_06_1",
    "Heavy-ball momentum with μ = 0.9 rolls down a long, steady slope. Once its speed has built "
    "up, how many times longer are its steps than gradient descent's with the same α?",
    "speed-up",
    _momentum_speed_up,
    hint="on a steady slope the buffer sums g(1 + μ + μ² + …).",
    explain=lambda r: f"the buffer tends to g/(1 − μ): 1/(1 − 0.9) = {r:.3g} times longer.",
    slips=(
        (lambda: 0.9, "that is μ itself; the buffer sums a geometric series, 1/(1 − μ)"),
        (lambda: 1.9, "that is 1 + μ, the second step; the series goes on: 1/(1 − μ)"),
    ),
    rtol=1e-3,
)

_SPECTRUM_06 = np.diag([0.01, 1.0])

number_question(
    "exit_06_2",
    "On a quadratic with κ = 100, the heavy ball at its best (α*, μ*) shrinks the error by what "
    "factor per step? (Compare lesson 4's gradient descent.)",
    "contraction per step",
    lambda: quadratic_theory(_SPECTRUM_06).momentum_rate,
    hint="the heavy ball's best rate is (√κ − 1)/(√κ + 1).",
    explain=lambda r: (
        f"(√100 − 1)/(√100 + 1) = 9/11 = {r:.4f}, against gradient descent's (κ − 1)/(κ + 1) "
        "= 0.980 (lesson 4): steps ∝ √κ instead of κ."
    ),
    slips=(
        (
            lambda: quadratic_theory(_SPECTRUM_06).best_rate,
            "that is gradient descent's best rate (lesson 4); the heavy ball's is "
            "(√κ − 1)/(√κ + 1)",
        ),
        (
            lambda: quadratic_theory(_SPECTRUM_06).best_momentum,
            "that is μ*, the momentum; the rate is √μ*",
        ),
    ),
)


def _adam_first_step() -> float:
    return float(simulate(LogCosh1D(), adam(1.0), [-1000.0], steps=1, tol=None).step_length[0])


number_question(
    "exit_06_3",
    "Adam (β₁ = 0.9, β₂ = 0.999, with bias correction) takes its first step on a steady "
    "gradient. How long is it, in units of α?",
    "first step / α",
    _adam_first_step,
    hint="with a steady g the corrected moments are ĝ = g and ŝ = g².",
    explain=lambda s: (
        f"ĝ/√ŝ = g/|g|: the step is α·sign(g), length {s:.3g}·α, whatever the size of g."
    ),
    slips=(
        (
            lambda: 0.1 / math.sqrt(0.001),
            "that is the step without bias correction, (1 − β₁)/√(1 − β₂) times α",
        ),
        (lambda: 0.1, "that is (1 − β₁): the bias correction divides it out"),
    ),
    rtol=1e-3,
)

choice_question(
    "exit_06_4",
    "From lessons 4 and 5: on a quadratic with condition number κ, for which method does the "
    "number of steps to a given accuracy grow like κ itself?",
    "steps ∝ κ",
    (
        ("gradient descent at its best fixed rate", "gd"),
        ("the heavy ball at its best (α, μ)", "momentum"),
        ("Newton's method", "newton"),
    ),
    lambda: "gd",
    hint="compare (κ − 1)/(κ + 1), (√κ − 1)/(√κ + 1) and one exact step.",
    why={
        "gd": "its rate (κ − 1)/(κ + 1) ≈ 1 − 2/κ needs about (κ/2) ln(1/tol) steps: linear in κ.",
        "momentum": "its rate (√κ − 1)/(√κ + 1) ≈ 1 − 2/√κ: steps grow like √κ.",
        "newton": "it divides each direction by its own curvature and lands on a quadratic's "
        "minimum in one step, whatever κ.",
    },
)
