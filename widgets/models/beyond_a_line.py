"""The "beyond a line" explorer's model: logistic regression's best line beside a network with
one hidden layer, trained by gradient descent on two moons.

What does not depend on a control is computed once (the data, the evaluation grid, logistic
regression fitted to convergence by Newton's method). A network is trained for every learning
rate of :data:`LEARNING_RATES` at once, the runs stacked in one parameter array (the optimizer
takes one rate per run), the first time a (hidden units, activation) pair is asked for; every
parameter vector along the way is kept, so moving the step, the learning rate, or coming back to
a setting only evaluates the network on the grid.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int, check_real
from ..data import Dataset, make_moons
from ..network import ACTIVATIONS, NetworkLoss
from ..objectives import LogisticLoss, sigmoid
from ..optimizers import gd, newton
from ..simulate import simulate
from . import Question, Status

__all__ = [
    "HIDDEN_UNITS",
    "LEARNING_RATES",
    "QUESTIONS",
    "STEPS",
    "BeyondLineState",
    "beyond_line_state",
    "beyond_line_status",
    "precompute",
]

#: the learning rates offered: half-decade stops of a log slider, 10^(k/2) for k = −3 … 4
#: (the largest, 31.6 and 100, make every network's loss rise above where it started)
LEARNING_RATES = tuple(10.0 ** (k / 2) for k in range(-3, 5))
#: hidden units offered: 0 (logistic regression again) to 8
HIDDEN_UNITS = (0, 8)
#: gradient-descent steps of every training run
STEPS = 1000
GRID_SIZE = 81
SEED = 0


@dataclass(frozen=True, eq=False)
class BeyondLineState:
    """Everything the figure and status line show for one setting.

    Attributes:
        hidden_units, activation, learning_rate, step: the controls.
        data: the two moons (``X`` of shape (m, 2), ``y``).
        grid_x, grid_y: (GRID_SIZE,) the evaluation grid's axes; probabilities are (ny, nx).
        line_probs: logistic regression's P(y = 1) on the grid (its best fit).
        line_segment: (2, 2) the ends of its boundary w·x + b = 0 inside the grid, or ``None``.
        line_accuracy, line_loss: its training accuracy and mean cross-entropy.
        net_probs: the network's P(y = 1) on the grid after ``step`` steps.
        hidden_segments: for each hidden unit, the ends of its own line W1ⱼ·x + b1ⱼ = 0 (where
            tanh changes sign, or ReLU switches on), ``None`` when it misses the grid.
        net_accuracy, net_loss: the network's training accuracy and loss at ``step``.
        final_accuracy, final_loss: the same after all ``STEPS`` steps.
        loss_curve_steps, loss_curve: the loss every 10 steps of this run.
        diverged_at: the step at which the run stopped being finite, else ``None``.
        rose_at: the first step (of the loss curve's, every 10) at which the loss stood above
            its starting value with the run ending above it too, else ``None``: a run that
            diverged without overflowing.
    """

    hidden_units: int
    activation: str
    learning_rate: float
    step: int
    data: Dataset
    grid_x: np.ndarray
    grid_y: np.ndarray
    line_probs: np.ndarray
    line_segment: np.ndarray | None
    line_accuracy: float
    line_loss: float
    net_probs: np.ndarray
    hidden_segments: tuple[np.ndarray | None, ...]
    net_accuracy: float
    net_loss: float
    final_accuracy: float
    final_loss: float
    loss_curve_steps: np.ndarray
    loss_curve: np.ndarray
    diverged_at: int | None
    rose_at: int | None = None

    @property
    def diverged(self) -> bool:
        """Whether the run overflowed, or ended with its loss above where it started."""
        return self.diverged_at is not None or self.rose_at is not None


def beyond_line_state(
    hidden_units: int = 4, learning_rate: float = 1.0, activation: str = "tanh", step: int = STEPS
) -> BeyondLineState:
    """The best line and a one-hidden-layer network on the moons, after ``step`` steps of
    gradient descent with rate ``learning_rate``.

    Args:
        hidden_units: 0 … 8 (0 is logistic regression trained by gradient descent).
        learning_rate: one of ``LEARNING_RATES`` (0.0316, 0.1, 0.316, 1, 3.16, 10, 31.6, 100).
        activation: ``"tanh"`` or ``"relu"``.
        step: 0 … ``STEPS``.

    Example:
        >>> s = beyond_line_state(hidden_units=4, learning_rate=1.0)
        >>> bool(s.line_accuracy < 0.9 < s.net_accuracy), s.net_probs.shape
        (True, (81, 81))
    """
    h = check_int("hidden_units", hidden_units, low=HIDDEN_UNITS[0], high=HIDDEN_UNITS[1])
    activation = check_choice("activation", activation, ACTIVATIONS)
    rate = check_real("learning_rate", learning_rate, low=0.0, low_open=True)
    # a log slider's value may differ from its stop in the last bits
    matches = [i for i, r in enumerate(LEARNING_RATES) if math.isclose(rate, r, rel_tol=1e-9)]
    if not matches:
        stops = ", ".join(f"{r:.4g}" for r in LEARNING_RATES)
        raise ValueError(f"learning_rate must be one of {stops} (10^(k/2)), got {learning_rate!r}")
    k = matches[0]
    step = check_int("step", step, low=0, high=STEPS)
    fixed = _fixed()
    run = _runs(h, activation)
    net, params = run.net, run.params[:, k]
    diverged_at = None if run.diverged_at[k] < 0 else int(run.diverged_at[k])
    shown = step if diverged_at is None else min(step, diverged_at - 1)
    theta = params[shown]
    W1, b1, _, _ = net.unpack(theta)
    probs = net.predict_proba(theta, fixed.grid_points).reshape(GRID_SIZE, GRID_SIZE)
    final = params[STEPS if diverged_at is None else diverged_at - 1]
    curve = run.loss_curve[:, k]
    above = np.flatnonzero(curve > curve[0])
    rose = diverged_at is None and above.size and curve[-1] > curve[0]
    rose_at = int(run.curve_steps[above[0]]) if rose else None
    return BeyondLineState(
        hidden_units=h,
        activation=activation,
        learning_rate=LEARNING_RATES[k],
        step=step,
        data=fixed.data,
        grid_x=fixed.grid_x,
        grid_y=fixed.grid_y,
        line_probs=fixed.line_probs,
        line_segment=fixed.line_segment,
        line_accuracy=fixed.line_accuracy,
        line_loss=fixed.line_loss,
        net_probs=_frozen(probs),
        hidden_segments=tuple(_segment(W1[j], b1[j], fixed.box) for j in range(h)),
        net_accuracy=_accuracy(net, theta),
        net_loss=float(net.value(theta)),
        final_accuracy=_accuracy(net, final),
        final_loss=float(net.value(final)),
        loss_curve_steps=run.curve_steps,
        loss_curve=run.loss_curve[:, k],
        diverged_at=diverged_at,
        rose_at=rose_at,
    )


# -------------------------------------------------------------------------------------------
# what is computed once, and once per (hidden units, activation)


@dataclass(frozen=True, eq=False)
class _Fixed:
    data: Dataset
    box: tuple[float, float, float, float]
    grid_x: np.ndarray
    grid_y: np.ndarray
    grid_points: np.ndarray
    line_probs: np.ndarray
    line_segment: np.ndarray | None
    line_accuracy: float
    line_loss: float


@functools.cache
def _fixed() -> _Fixed:
    data = make_moons(n=200, noise=0.2, rng=SEED)
    (x0, y0), (x1, y1) = data.X.min(axis=0) - 0.5, data.X.max(axis=0) + 0.5
    gx, gy = np.linspace(x0, x1, GRID_SIZE), np.linspace(y0, y1, GRID_SIZE)
    points = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    loss = LogisticLoss(data.X, data.y)
    fit = simulate(loss, newton(learning_rate=1.0), steps=100, tol=1e-10)
    w = fit.final_params
    probs = sigmoid(points @ w[:2] + w[2]).reshape(GRID_SIZE, GRID_SIZE)
    accuracy = float(np.mean((data.X @ w[:2] + w[2] > 0) == (data.y == 1)))
    box = (float(x0), float(x1), float(y0), float(y1))
    return _Fixed(
        data=data,
        box=box,
        grid_x=_frozen(gx),
        grid_y=_frozen(gy),
        grid_points=_frozen(points),
        line_probs=_frozen(probs),
        line_segment=_segment(w[:2], w[2], box),
        line_accuracy=accuracy,
        line_loss=fit.final_loss,
    )


@dataclass(frozen=True, eq=False)
class _Runs:
    net: NetworkLoss
    params: np.ndarray  # (STEPS + 1, n_rates, dim)
    diverged_at: np.ndarray  # (n_rates,), −1 where it never diverged
    curve_steps: np.ndarray
    loss_curve: np.ndarray  # (len(curve_steps), n_rates)


@functools.cache
def _runs(hidden_units: int, activation: str) -> _Runs:
    """Gradient descent from the same seeded start, one run per learning rate, all at once."""
    data = _fixed().data
    net = NetworkLoss(data.X, data.y, hidden_units, activation, seed=SEED)
    rates = np.array(LEARNING_RATES)
    optimizer = gd(learning_rate=rates[:, None])
    P = np.empty((STEPS + 1, rates.size, net.dim))
    P[0] = net.start
    diverged_at = np.full(rates.size, -1)
    state = optimizer.init(P[0])
    fast = getattr(optimizer.update, "unchecked", None)
    with np.errstate(all="ignore"):
        for t in range(STEPS):
            G = net._grad(P[t])  # points are valid (n, dim) arrays by construction
            if t and fast is not None:
                update, state = fast(G, state, None)
            else:
                update, state = optimizer.update(G, state, P[t])
            P[t + 1] = P[t] + update
            bad = ~np.isfinite(P[t + 1]).all(axis=1) & (diverged_at < 0)
            if bad.any():  # a run that overflowed keeps its last finite point
                diverged_at[bad] = t + 1
                P[t + 1, bad] = P[t, bad]
        curve_steps = np.arange(0, STEPS + 1, 10)
        loss_curve = net.value(P[curve_steps])
    return _Runs(net, _frozen(P), _frozen(diverged_at), _frozen(curve_steps), _frozen(loss_curve))


def precompute() -> None:
    """Train every (hidden units, activation) setting now, e.g. while a dashboard starts."""
    for h in range(HIDDEN_UNITS[0], HIDDEN_UNITS[1] + 1):
        for activation in ACTIVATIONS:
            _runs(h, activation)


def _accuracy(net: NetworkLoss, theta: np.ndarray) -> float:
    z2 = net.forward(theta).z2
    return float(np.mean((z2 > 0) == (net.y == 1)))


def _segment(w: np.ndarray, b: float, box) -> np.ndarray | None:
    """The part of the line w·x + b = 0 inside the box (x0, x1, y0, y1), or None.

    The line's points are p + t·d with p the point nearest the origin and d ⊥ w; clip t to
    the box on each axis (Liang–Barsky).
    """
    w = np.asarray(w, dtype=float)
    norm2 = float(w @ w)
    if norm2 == 0.0:
        return None
    p, d = -b * w / norm2, np.array([-w[1], w[0]])
    lo, hi = -np.inf, np.inf
    for axis, (a, c) in enumerate(((box[0], box[1]), (box[2], box[3]))):
        if d[axis] == 0.0:
            if not a <= p[axis] <= c:
                return None
            continue
        t1, t2 = sorted(((a - p[axis]) / d[axis], (c - p[axis]) / d[axis]))
        lo, hi = max(lo, t1), min(hi, t2)
    if lo >= hi:
        return None
    return _frozen(np.array([p + lo * d, p + hi * d]))


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    a.setflags(write=False)
    return a


# -------------------------------------------------------------------------------------------
# status and questions


def _units(state: BeyondLineState) -> str:
    h = state.hidden_units
    if h == 0:
        return "no hidden layer"
    return f"{h} {state.activation} unit{'s' if h != 1 else ''}"


def beyond_line_status(state: BeyondLineState) -> Status:
    """The status line: both models' training accuracy and loss.

    Example:
        >>> beyond_line_status(beyond_line_state(hidden_units=0, step=0)).text.split(";")[0]
        'network with no hidden layer, α = 1, step 0 of 1000: accuracy 50 %, loss 0.693'
    """
    net = (
        f"network with {_units(state)}, α = {state.learning_rate:.3g}, step {state.step} of "
        f"{STEPS}: accuracy {100 * state.net_accuracy:.0f} %, loss {state.net_loss:.3g}"
    )
    line = (
        f"best line (logistic regression): accuracy {100 * state.line_accuracy:.0f} %, "
        f"loss {state.line_loss:.3g}"
    )
    if state.diverged_at is not None:
        return Status(f"{net}; diverged at step {state.diverged_at}; {line}", "diverged")
    if state.rose_at is not None:
        rose = f"diverged: the loss rose above its start at step {state.rose_at}"
        return Status(f"{net}; {rose}; {line}", "diverged")
    return Status(f"{net}; {line}", "ok")


def _beats_answer(state: BeyondLineState) -> tuple[str, str]:
    better = state.final_accuracy > state.line_accuracy
    final, line = 100 * state.final_accuracy, 100 * state.line_accuracy
    if state.hidden_units == 0:
        why = (
            "With no hidden layer the network is logistic regression: at best it finds the "
            "same line"
        )
    elif better:
        why = (
            f"Each hidden unit draws a line; the output combines {state.hidden_units} of them "
            "into a boundary that bends round the moons"
        )
    else:
        why = (
            f"{_units(state)} at α = {state.learning_rate:.3g} do not get past what a line can do "
            f"in {STEPS} steps (too few units, or a rate too small or too large)"
        )
    return ("yes" if better else "no"), f"{why}: {final:.0f} % against {line:.0f} %."


def _accuracy_answer(state: BeyondLineState) -> tuple[float, str]:
    return 100 * state.final_accuracy, (
        f"After {STEPS} steps the network classifies {100 * state.final_accuracy:.1f} % of the "
        f"200 training points correctly; the best line, {100 * state.line_accuracy:.1f} %."
    )


QUESTIONS = (
    Question(
        "After training, will the network classify more training points correctly than the "
        "best straight line?",
        _beats_answer,
        choices=("yes", "no"),
    ),
    Question(
        "What training accuracy (in %) will the network reach after training?",
        _accuracy_answer,
        rel_tol=0.03,
    ),
)
