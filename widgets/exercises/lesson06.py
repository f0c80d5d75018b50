"""Checks for lesson 06: momentum, Nesterov, AdaGrad, RMSProp and Adam.

The references are the package's optimizers (``momentum``, ``adam``), its simulator and the
closed-form theory (``quadratic_theory``); the checkers also recognise the usual slips (the
velocity form instead of PyTorch's buffer, a dampened buffer, Adam without bias correction or with
ε inside the root, gradient descent's constants instead of the heavy ball's) and name them.
"""

from __future__ import annotations

import math

import numpy as np

from ..objectives import Quadratic2D, Rosenbrock, Saddle
from ..optimizers import adam, gd, momentum, nesterov
from ..simulate import simulate
from ..theory import quadratic_theory
from ._core import Choice, Form, Number, Wrong, call, exercise
from ._core import number as _number

__all__ = [
    "BOWL_LR",
    "RACE_CHOICES",
    "RACE_MOMENTUM",
    "RACE_RATES",
    "RACE_START",
    "escape_steps",
    "momentum_bowl",
]


def momentum_bowl() -> Quadratic2D:
    """ex_06_3: a rotated bowl with κ = 25 and λmax = 2."""
    return Quadratic2D(condition_number=25.0, angle=0.5, scale=2.0)


#: ex_06_3: the learning rate held fixed while μ is tuned (the heavy ball's α* for the bowl)
BOWL_LR = quadratic_theory(momentum_bowl().A).best_momentum_lr
BOWL_TOL = 1e-8

# ex_06_6: the saddle race
RACE_START = (1.5, 1e-6)
RACE_RATES = {"gd": 0.1, "momentum": 0.1, "adam": 0.05}
RACE_MOMENTUM = 0.9
RACE_CHOICES = {
    "a": "Momentum: Adam's first moment ḡ builds up speed along w₂ like a heavy ball, and the "
    "speed carries it off the saddle.",
    "b": "Normalisation: Adam divides each coordinate's step by √ŝ, the root of that "
    "coordinate's recent squared gradients, so along w₂, where the gradient is tiny, the step "
    "is still about α.",
    "c": "Bias correction: it makes Adam's first steps about 3 times larger than α, which throws "
    "it off the saddle.",
    "d": "Curvature: Adam's ŝ estimates the Hessian, so Adam steps along the eigenvector of "
    "negative curvature.",
}


def _race_choices_text() -> str:
    """The four explanations of ex_06_6, for a form in a dashboard."""
    return "\n".join(f"({k}) {v}" for k, v in RACE_CHOICES.items())


def _array(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{name} should be an array of numbers, got {value!r}") from None
    if arr.shape != shape:
        raise Wrong(f"{name} should have shape {shape}, like the parameters, got {arr.shape}")
    return arr


def _pair(out, what: str) -> tuple:
    if not isinstance(out, tuple | list) or len(out) != 2:
        raise Wrong(f"return a pair {what}")
    return out[0], out[1]


def _fmt(v) -> str:
    return "(" + ", ".join(f"{x:.4g}" for x in np.atleast_1d(np.asarray(v, dtype=float))) + ")"


# --------------------------------------------------------------------------------------------
# ex_06_1: the heavy ball's best constants


@exercise(
    "ex_06_1",
    hint="every direction's roots are complex when (1 − √μ)² ≤ αλ ≤ (1 + √μ)²; make that hold "
    "with equality at λmin and λmax, divide the two equations to get √μ from √κ, and add "
    "their square roots to get α.",
)
def _check_heavy_ball_constants(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function heavy_ball_constants itself (without calling it)")
    for lo, hi in ((0.01, 1.0), (1.0, 25.0), (0.5, 3.0), (2.0, 2.0)):
        out = call(answer, lo, hi)
        if not isinstance(out, tuple | list) or len(out) != 3:
            raise Wrong("return three numbers: (mu, alpha, rate)")
        mu, alpha, rate = (_number(n, v) for n, v in zip(("mu", "alpha", "rate"), out, strict=True))
        th = quadratic_theory(np.diag([lo, hi]))
        ref = (th.best_momentum, th.best_momentum_lr, th.momentum_rate)
        got = (mu, alpha, rate)
        if all(
            math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(got, ref, strict=True)
        ):
            continue
        where = f"for λmin = {lo:g}, λmax = {hi:g} (κ = {hi / lo:g})"
        if math.isclose(alpha, th.best_lr, rel_tol=1e-9) or math.isclose(
            rate, th.best_rate, rel_tol=1e-9, abs_tol=1e-12
        ):
            raise Wrong(
                f"{where}: α = 2/(λmin + λmax) and rate (κ − 1)/(κ + 1) are gradient descent's "
                "best constants; the heavy ball's involve √λ and √κ"
            )
        if math.isclose(mu, ref[2], rel_tol=1e-9, abs_tol=1e-12) and not math.isclose(
            mu, ref[0], rel_tol=1e-9, abs_tol=1e-12
        ):
            raise Wrong(
                f"{where}: μ = {mu:.4g} is the rate √μ*; the momentum is its square, "
                f"μ* = ((√κ − 1)/(√κ + 1))² = {ref[0]:.4g}"
            )
        names = ("mu", "alpha", "rate")
        bad = [
            f"{n} = {g:.6g} (expected {r:.6g})"
            for n, g, r in zip(names, got, ref, strict=True)
            if not math.isclose(g, r, rel_tol=1e-9, abs_tol=1e-12)
        ]
        raise Wrong(f"{where}: " + "; ".join(bad))
    return (
        "μ* = ((√κ − 1)/(√κ + 1))², α* = 4/(√λmax + √λmin)², rate √μ*: for κ = 100 that is "
        "0.818 per step against gradient descent's 0.980, about 11 times fewer steps."
    )


# --------------------------------------------------------------------------------------------
# ex_06_2: the momentum update as a pure function


def _momentum_bowl_run(fn, lr: float, mu: float, steps: int):
    """The learner's momentum_step iterated from v = 0 on a κ = 20 bowl: (params, buffers)."""
    bowl = Quadratic2D(condition_number=20.0, angle=0.4)
    w, v = np.array(bowl.start), np.zeros(2)
    ws, vs = [w], []
    for _ in range(steps):
        out = call(fn, w.copy(), v.copy(), bowl.grad(w), lr, mu)
        w_new, v_new = _pair(out, "(w_new, v_new)")
        w = _array("w_new", w_new, (2,))
        v = _array("v_new", v_new, (2,))
        ws.append(w)
        vs.append(v)
    return bowl, np.array(ws), np.array(vs)


def _reference_buffers(bowl, opt, params: np.ndarray) -> np.ndarray:
    state = opt.init(params[0])
    out = []
    for p in params[:-1]:
        _, state = opt.update(bowl.grad(p), state, p)
        out.append(np.array(state.trace))
    return np.array(out)


@exercise(
    "ex_06_2",
    hint="PyTorch's form: first the buffer, v_new = mu * v + g; then the step, "
    "w_new = w − lr * v_new. Return both.",
)
def _check_momentum_step(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function momentum_step itself (without calling it)")
    lr, mu, steps = 0.3, 0.8, 25
    with np.errstate(all="ignore"):
        bowl, ws, vs = _momentum_bowl_run(answer, lr, mu, steps)
    ref = simulate(bowl, momentum(lr, mu), bowl.start, steps=steps, tol=None).params
    ref_v = _reference_buffers(bowl, momentum(lr, mu), ref)
    if np.allclose(ws, ref, rtol=1e-10, atol=1e-12):
        if np.allclose(vs, ref_v, rtol=1e-10, atol=1e-12):
            return (
                f"{steps} steps agree with the package's momentum to rounding, buffer included. "
                "With a constant α this is the same path as the velocity form u ← μu − αg, "
                "w ← w + u, since u = −αv."
            )
        if np.allclose(vs, -lr * ref_v, rtol=1e-10, atol=1e-12):
            raise Wrong(
                "your path is right, but your v is −α times PyTorch's buffer: that is the "
                "velocity form u ← μu − αg. Here v must be the buffer v ← μv + g (the step is "
                "−αv)"
            )
        raise Wrong("your path is right, but the returned v is not the buffer μv + g")
    k = int(np.argmax(np.any(~np.isclose(ws, ref, rtol=1e-10, atol=1e-12), axis=1)))
    candidates = {
        "a dampened buffer v ← μv + (1 − μ)g: PyTorch's default has no (1 − μ) factor": (
            _dampened_path(bowl, lr, mu, steps)
        ),
        "Nesterov's update (the step −α(g + μv)); plain momentum steps by −αv": simulate(
            bowl, nesterov(lr, mu), bowl.start, steps=steps, tol=None
        ).params,
        "plain gradient descent: the buffer is never used in the step": simulate(
            bowl, gd(lr), bowl.start, steps=steps, tol=None
        ).params,
    }
    for what, path in candidates.items():
        if np.allclose(ws, path, rtol=1e-9, atol=1e-12):
            raise Wrong(f"your path is {what}")
    raise Wrong(
        f"your path leaves the package's at step {k}: w = {_fmt(ws[k])} instead of {_fmt(ref[k])}"
    )


def _dampened_path(bowl, lr: float, mu: float, steps: int) -> np.ndarray:
    w, v = np.array(bowl.start), np.zeros(2)
    out = [w]
    for _ in range(steps):
        v = mu * v + (1.0 - mu) * bowl.grad(w)
        w = w - lr * v
        out.append(w)
    return np.array(out)


# --------------------------------------------------------------------------------------------
# ex_06_3: the momentum that minimises the number of steps


def bowl_steps(mu: float) -> int | None:
    """Steps heavy ball needs on the bowl at α = BOWL_LR until ‖∇f‖ < 1e-8 (None: never)."""
    traj = simulate(momentum_bowl(), momentum(BOWL_LR, mu), steps=5000, tol=BOWL_TOL)
    return traj.stopped_at if traj.converged else None


@exercise(
    "ex_06_3",
    form=Form((Number("best momentum μ"),)),
    hint="sweep(momentum_bowl(), 'momentum', [BOWL_LR], momenta=np.linspace(0, 0.95, 96)) "
    "counts the steps for every μ at once; pick the μ with the fewest (−1 means never).",
)
def _check_best_momentum(answer) -> str:
    mu = _number("μ", answer)
    if not 0.0 <= mu < 1.0:
        raise Wrong(f"a momentum must lie in [0, 1), got {mu:g}")
    th = quadratic_theory(momentum_bowl().A)
    star = th.best_momentum
    yours, best = bowl_steps(mu), bowl_steps(star)
    shown = "never converges" if yours is None else f"needs {yours} steps"
    if star - 0.01 <= mu <= star + 0.06 and yours is not None:
        return (
            f"μ = {mu:.3g} {shown}; theory says μ* = ((√κ − 1)/(√κ + 1))² = {star:.4f} with α* = "
            f"{BOWL_LR:.4f} ({best} steps), where every direction contracts by √μ* = "
            f"{math.sqrt(star):.3f} per step. The fewest steps sit just above μ*, because at μ* "
            "exactly the two roots coincide and the error carries an extra factor k."
        )
    if mu < star:
        rate = th.momentum_rate_at(BOWL_LR, mu)
        raise Wrong(
            f"too low: μ = {mu:.3g} {shown}. Below μ* the steep direction's two roots are real "
            f"and one of them is as large as {rate:.3f} in size"
            + (" (above 1: it diverges)" if rate >= 1 else "")
            + "; the ball is thrown back and forth across the valley"
        )
    raise Wrong(
        f"too high: μ = {mu:.3g} {shown}. Above μ* every direction's roots are complex with size "
        f"√μ = {math.sqrt(mu):.3f} > √μ* = {math.sqrt(star):.3f}: the ball is underdamped and "
        "keeps circling the minimum"
    )


# --------------------------------------------------------------------------------------------
# ex_06_4: the Adam update as a pure function


@exercise(
    "ex_06_4",
    hint="ḡ = b1·ḡ + (1 − b1)·g;  s = b2·s + (1 − b2)·g²;  ĝ = ḡ/(1 − b1**t);  "
    "ŝ = s/(1 − b2**t);  w − lr·ĝ/(√ŝ + eps), with t = 1 on the first step.",
)
def _check_adam_step(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function adam_step itself (without calling it)")
    f = Rosenbrock()
    lr, b1, b2, eps, steps = 0.05, 0.8, 0.99, 1e-3, 30  # a large ε, so its placement shows
    opt = adam(lr, b1=b1, b2=b2, eps=eps)
    plain = adam(lr, b1=b1, b2=b2, eps=eps, bias_correction=False)
    w = np.array(f.start)
    state = opt.init(w)
    for t in range(1, steps + 1):
        g = f.grad(w)
        upd, new = opt.update(g, state, w)
        with np.errstate(all="ignore"):
            out = call(
                answer,
                w.copy(),
                np.array(state.mu),
                np.array(state.nu),
                g.copy(),
                t,
                lr,
                b1,
                b2,
                eps,
            )
        if not isinstance(out, tuple | list) or len(out) != 3:
            raise Wrong("return three arrays: (w_new, g_bar_new, s_new)")
        w_new, m_new, v_new = (
            _array(n, v, (2,)) for n, v in zip(("w_new", "m_new", "v_new"), out, strict=True)
        )
        if not np.allclose(m_new, new.mu, rtol=1e-10, atol=1e-14):
            if np.allclose(m_new, b1 * state.mu + g, rtol=1e-10, atol=1e-14):
                raise Wrong(f"step {t}: ḡ should be a moving average, b1·ḡ + (1 − b1)·g")
            raise Wrong(f"step {t}: g_bar_new = {_fmt(m_new)}, expected {_fmt(new.mu)}")
        if not np.allclose(v_new, new.nu, rtol=1e-10, atol=1e-14):
            if np.allclose(v_new, b2 * state.nu + (1 - b2) * np.abs(g), rtol=1e-10, atol=1e-14):
                raise Wrong(f"step {t}: s averages the squared gradient g², not |g|")
            raise Wrong(f"step {t}: s_new = {_fmt(v_new)}, expected {_fmt(new.nu)}")
        if not np.allclose(w_new, w + upd, rtol=1e-10, atol=1e-13):
            no_bc, _ = plain.update(g, state, w)
            inside = -lr * (new.mu / (1 - b1**t)) / np.sqrt(new.nu / (1 - b2**t) + eps)
            wrong_t = (
                -lr * (new.mu / (1 - b1 ** (t + 1))) / (np.sqrt(new.nu / (1 - b2 ** (t + 1))) + eps)
            )
            if np.allclose(w_new, w + no_bc, rtol=1e-10, atol=1e-13):
                raise Wrong(
                    f"step {t}: that is Adam without bias correction; divide ḡ by 1 − b1^t and s "
                    "by 1 − b2^t"
                )
            if np.allclose(w_new, w + inside, rtol=1e-8, atol=1e-13):
                raise Wrong(f"step {t}: ε goes outside the square root: ĝ/(√ŝ + ε)")
            if np.allclose(w_new, w + wrong_t, rtol=1e-10, atol=1e-13):
                raise Wrong(
                    f"step {t}: the correction uses t + 1; t is the step number you "
                    "were given (1 on the first step)"
                )
            raise Wrong(f"step {t}: w_new = {_fmt(w_new)}, expected {_fmt(w + upd)}")
        w, state = w + upd, new
    return (
        f"{steps} steps on Rosenbrock agree with the package's adam (b1 = {b1}, b2 = {b2}, "
        f"ε = {eps:g}) to rounding: state and parameters."
    )


# --------------------------------------------------------------------------------------------
# ex_06_5: how much larger the uncorrected Adam step is


def uncorrected_ratio_reference(t: int, b1: float, b2: float) -> float:
    """The ratio of Adam's uncorrected to corrected step at step t under a constant gradient,
    measured with the package's optimizers (ε made negligible)."""
    g = np.array([1.0])
    on, off = (
        adam(1.0, b1=b1, b2=b2, eps=1e-300),
        adam(1.0, b1=b1, b2=b2, eps=1e-300, bias_correction=False),
    )
    s_on, s_off = on.init(g), off.init(g)
    for _ in range(t):
        u_on, s_on = on.update(g, s_on, g)
        u_off, s_off = off.update(g, s_off, g)
    return float(u_off[0] / u_on[0])


@exercise(
    "ex_06_5",
    hint="with a constant gradient g, m_t = (1 − b1^t)g and v_t = (1 − b2^t)g²; the corrected "
    "step is α·sign(g), the uncorrected one α·ḡ_t/√s_t.",
)
def _check_uncorrected_ratio(answer) -> str:
    if not callable(answer):
        raise Wrong("pass your function uncorrected_ratio itself (without calling it)")
    cases = [
        (1, 0.9, 0.999),
        (2, 0.9, 0.999),
        (12, 0.9, 0.999),
        (100, 0.9, 0.999),
        (1000, 0.9, 0.999),
        (5, 0.8, 0.99),
        (3, 0.0, 0.999),
    ]
    for t, b1, b2 in cases:
        got = _number(f"uncorrected_ratio({t}, {b1}, {b2})", call(answer, t, b1, b2))
        ref = uncorrected_ratio_reference(t, b1, b2)
        if math.isclose(got, ref, rel_tol=1e-6):
            continue
        first = (1 - b1) / math.sqrt(1 - b2)
        if math.isclose(got, first, rel_tol=1e-6):
            raise Wrong(
                f"at t = {t}: {got:.4g} = (1 − b1)/√(1 − b2) is the ratio at t = 1 only; "
                "after t steps the averages hold 1 − b1^t and 1 − b2^t of the gradient"
            )
        if math.isclose(got, (1 - b1**t) / (1 - b2**t), rel_tol=1e-6):
            raise Wrong(f"at t = {t}: the step divides by √s, so take the square root of 1 − b2^t")
        if math.isclose(got, 1 / ref, rel_tol=1e-6):
            raise Wrong(f"at t = {t}: that is the inverse, corrected over uncorrected")
        raise Wrong(
            f"uncorrected_ratio({t}, {b1}, {b2}) = {got:.6g}, but the package gives {ref:.6g}"
        )
    peak = max(range(1, 200), key=lambda s: (1 - 0.9**s) / math.sqrt(1 - 0.999**s))
    return (
        f"(1 − b1^t)/√(1 − b2^t): 3.16 at t = 1, peaking at "
        f"{(1 - 0.9**peak) / math.sqrt(1 - 0.999**peak):.2f} at t = {peak} with the defaults, "
        "still 3.2 at t = 100, and 1.26 at t = 1000."
    )


# --------------------------------------------------------------------------------------------
# ex_06_6: explain a race by the optimizer's state


def escape_steps(name: str, start=RACE_START, **settings) -> int | None:
    """Steps until f < −1 on the saddle ½(w₁² − w₂²) with the race's rates (None: never)."""
    lr = settings.pop("learning_rate", RACE_RATES.get(name))
    opt = {
        "gd": lambda: gd(lr),
        "momentum": lambda: momentum(lr, settings.get("momentum", RACE_MOMENTUM)),
        "adam": lambda: adam(lr, **settings),
    }[name]()
    traj = simulate(Saddle(), opt, start, steps=1000, tol=1e-12)
    hit = traj.loss < -1.0
    return int(np.argmax(hit)) if hit.any() else None


@exercise(
    "ex_06_6",
    form=Form(
        (
            Choice(
                "explanation",
                tuple((f"({k}) {v.split(':')[0]}", k) for k, v in RACE_CHOICES.items()),
            ),
        ),
        info=_race_choices_text,
    ),
    hint="look at Adam's state along w₂ in the race: ŝ is about g², so ĝ/√ŝ is about ±1 "
    "whatever the size of g. Would Adam with b1 = 0 (no first moment) be slower?",
)
def _check_race_explanation(answer) -> str:
    key = str(answer).strip().lower().rstrip(")").lstrip("(")
    if key not in RACE_CHOICES:
        matches = [k for k, text in RACE_CHOICES.items() if str(answer).strip() == text]
        if not matches:
            raise Wrong(f"answer with one letter, {', '.join(map(repr, RACE_CHOICES))}")
        key = matches[0]
    gd_n, mom_n, adam_n = (escape_steps(n) for n in ("gd", "momentum", "adam"))
    no_b1 = escape_steps("adam", b1=0.0)
    farther = escape_steps("adam", start=(RACE_START[0], 1e-8))
    gd_farther = escape_steps("gd", start=(RACE_START[0], 1e-8))
    if key == "b":
        return (
            f"Adam escapes in {adam_n} steps (GD {gd_n}, momentum {mom_n}). Along w₂ the "
            f"gradient is −w₂, about {RACE_START[1]:g} at the start, and ŝ ≈ g², so the step is "
            f"α·ĝ/√ŝ ≈ α = {RACE_RATES['adam']:g}: Adam walks off at constant speed. Start 100 "
            f"times closer (w₂ = 1e-8) and Adam still needs {farther} steps, GD {gd_farther}."
        )
    why = {
        "a": f"Adam's m is an average of gradients, not a sum, so it never exceeds the gradient "
        f"itself. Adam with b1 = 0 (no first moment at all) escapes in {no_b1} steps, no later "
        f"than Adam ({adam_n})",
        "c": "with bias correction switched on (the default) the first step is exactly α in "
        "each coordinate; the factor 3.16 appears only when the correction is switched off",
        "d": "Adam uses first derivatives only; ŝ is a running mean of squared gradients, "
        "which says nothing about the sign of the curvature",
    }[key]
    raise Wrong(f"not that: {why}")
