"""Softmax regions: three penguin species in two features, trained live by gradient descent.

The data are the Palmer penguins' bill length and bill depth, standardised: Adélie (short, deep
bills), Chinstrap (long, deep) and Gentoo (long, shallow). Softmax regression (``SoftmaxLoss``,
9 parameters) is trained by plain gradient descent from 0, and beside it one-vs-rest: three
binary logistic regressions ("this species or not"), trained by the same descent on their own
losses. The figure shades each point of the plane by its most probable class, lighter where that
probability is lower; one-vs-rest's probabilities are its three sigmoids divided by their sum.

A third control adds the same vector c to every class's weights (and nothing else): the scores
zₖ = (wₖ + c)·x + bₖ all grow by c·x, and softmax does not see a common shift, so the regions and
probabilities stay exactly where they were (up to rounding) while the weights change.

Controls: ``step`` (0 … 300), ``learning_rate`` (α, one of ``LEARNING_RATES``, log scale) and
``shift`` (the length of c along (1, 1)/√2). The runs for every learning rate of the grid are
computed together once, vectorised (0.5–1.3 s); a move then draws on stored trajectories.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._blas import single_threaded
from .._validate import check_int, check_real
from ..data import PENGUIN_SPECIES, load_penguins
from ..multiclass import SoftmaxLoss, softmax
from ..objectives import LogisticLoss, sigmoid
from ..optimizers import gd
from . import Question, Status
from ._grid import frozen as _frozen
from ._grid import nearest

__all__ = [
    "FEATURES",
    "LEARNING_RATES",
    "QUESTIONS",
    "STEPS",
    "SoftmaxRegionsState",
    "precompute",
    "softmax_regions_state",
    "softmax_regions_status",
]

FEATURES = ("bill_length_mm", "bill_depth_mm")
#: the learning-rate slider's values: 25 on a log scale from 0.01 to 100
LEARNING_RATES = np.logspace(-2.0, 2.0, 25)
LEARNING_RATES.setflags(write=False)
STEPS = 300
SHIFT_RANGE = (-5.0, 5.0)
GRID = 101  # points per axis of the decision-region grid
_SHIFT_DIRECTION = np.array([1.0, 1.0]) / math.sqrt(2.0)


@dataclass(frozen=True, eq=False)
class SoftmaxRegionsState:
    """What the softmax-regions figure shows for one (step, learning rate, shift).

    Attributes:
        step, learning_rate, shift: the controls.
        X, y: the standardised data (342, 2) and labels; class_names: the species.
        x1, x2: the grid's axes, shapes (GRID,).
        probabilities: softmax's class probabilities on the grid, (GRID, GRID, 3), [x₂, x₁, k];
            regions: their argmax, (GRID, GRID).
        ovr_probabilities, ovr_regions: the same for one-vs-rest.
        weights, biases: softmax's W (3, 2) with the shift added, and b (3,).
        ovr_weights, ovr_biases: the three binary models' weights and biases.
        loss_curve, ovr_loss_curve: softmax's mean NLL, and the mean of the three binary
            losses, at every step of the run, (STEPS + 1,).
        loss, accuracy: softmax's training loss and accuracy at this step;
            ovr_accuracy: one-vs-rest's.
        shift_vector: c; max_shift_change: the largest change any probability on the grid
            underwent when c was added (rounding only: about 1e-16).
        diverged: whether the softmax run has left the float range by this step.
        loss_rises: how many steps up to this one raised the loss (α above 2/L).
    """

    step: int
    learning_rate: float
    shift: float
    X: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]
    x1: np.ndarray
    x2: np.ndarray
    probabilities: np.ndarray
    regions: np.ndarray
    ovr_probabilities: np.ndarray
    ovr_regions: np.ndarray
    weights: np.ndarray
    biases: np.ndarray
    ovr_weights: np.ndarray
    ovr_biases: np.ndarray
    loss_curve: np.ndarray
    ovr_loss_curve: np.ndarray
    loss: float
    accuracy: float
    ovr_accuracy: float
    shift_vector: np.ndarray
    max_shift_change: float
    diverged: bool

    @property
    def loss_rises(self) -> int:
        """How many of the steps up to this one raised the softmax loss."""
        return int(np.count_nonzero(np.diff(self.loss_curve[: self.step + 1]) > 0))


def softmax_regions_state(
    step: int = 50, learning_rate: float = 1.0, shift: float = 0.0
) -> SoftmaxRegionsState:
    """The figure's data after ``step`` steps of descent at ``learning_rate`` with ``shift``.

    Example:
        >>> state = softmax_regions_state(step=100, learning_rate=1.0, shift=2.0)
        >>> state.accuracy > 0.9, state.max_shift_change < 1e-12
        (True, True)
    """
    step = check_int("step", step, low=0, high=STEPS)
    lr = check_real("learning_rate", learning_rate, low=0.0, low_open=True)
    shift = check_real("shift", shift, low=SHIFT_RANGE[0], high=SHIFT_RANGE[1])
    runs = _runs()
    k, on_grid = nearest(LEARNING_RATES, lr, log=True)
    if on_grid:
        theta, ovr, curve, ovr_curve = (
            runs[key][k] for key in ("theta", "ovr", "loss", "ovr_loss")
        )
    else:  # off the grid: this one run (about 0.2 s)
        one = _train(np.array([lr]))
        theta, ovr, curve, ovr_curve = (one[key][0] for key in ("theta", "ovr", "loss", "ovr_loss"))
    loss = _softmax_loss()
    params = theta[step]
    W, b = loss.unpack(params)
    c = shift * _SHIFT_DIRECTION
    grid = _grid()
    phi_t = grid["phi_t"]  # (3, N): the grid's points as columns, so class sums are row sums
    with np.errstate(over="ignore", invalid="ignore"), single_threaded():
        P = _probabilities(phi_t, W + c, b)  # (3, N)
        finite = bool(np.isfinite(params).all() and np.isfinite(P).all())
        change = 0.0
        if shift and finite:  # the same model without the shift, to show what it changed
            change = float(np.abs(P - _probabilities(phi_t, W, b)).max())
        elif not finite:
            change = math.nan
        A = ovr[step]  # (3, 3): rows (w₁, w₂, b) of each binary model
        S = sigmoid(A @ phi_t)
        Q = S / (S[0] + S[1] + S[2])
        train_pred = np.argmax(loss.scores(params), axis=-1)
        ovr_pred = np.argmax(_phi(loss.X) @ A.T, axis=-1)  # σ is increasing: argmax of z
    shape = (GRID, GRID, 3)
    return SoftmaxRegionsState(
        step=step,
        learning_rate=lr,
        shift=shift,
        X=loss.X,
        y=loss.y,
        class_names=PENGUIN_SPECIES,
        x1=grid["x1"],
        x2=grid["x2"],
        probabilities=_frozen(P.T.reshape(shape)),
        regions=_frozen(_argmax3(P).reshape(GRID, GRID)),
        ovr_probabilities=_frozen(Q.T.reshape(shape)),
        ovr_regions=_frozen(_argmax3(Q).reshape(GRID, GRID)),
        weights=_frozen(W + c),
        biases=_frozen(b),
        ovr_weights=_frozen(A[:, :2]),
        ovr_biases=_frozen(A[:, 2]),
        loss_curve=curve,
        ovr_loss_curve=ovr_curve,
        loss=float(curve[step]),
        accuracy=float((train_pred == loss.y).mean()),
        ovr_accuracy=float((ovr_pred == loss.y).mean()),
        shift_vector=_frozen(c),
        max_shift_change=change,
        diverged=not finite or not math.isfinite(float(curve[step])),
    )


def softmax_regions_status(state: SoftmaxRegionsState) -> Status:
    """The status line: loss and accuracy of both models, and what the shift changed."""
    if state.diverged:
        return Status(
            f"α = {state.learning_rate:.3g}: the run diverged by step {state.step}; try a "
            "smaller learning rate",
            "diverged",
        )
    c = state.shift_vector
    shift = (
        f"; adding c = ({c[0]:.2f}, {c[1]:.2f}) to every class's weights changed no "
        f"probability by more than {state.max_shift_change:.0e}"
        if state.shift
        else ""
    )
    curve = state.loss_curve
    rises = state.loss_rises
    # a rise means α > 2/L (below it every step lowers a convex L-smooth loss); softmax's
    # gradient is bounded by √2·max‖x‖, so the weights grow at most linearly: no blow-up
    overshoot = (
        f"; the loss rose at {rises} of these {state.step} steps: α is above 2/L, the steps "
        "overshoot (the run cannot blow up: softmax's gradient is bounded)"
        if rises
        else ""
    )
    return Status(
        f"step {state.step}, α = {state.learning_rate:.3g}: softmax loss "
        f"{state.loss:.3f} (from {curve[0]:.3f}), accuracy {100 * state.accuracy:.1f} %; "
        f"one-vs-rest accuracy {100 * state.ovr_accuracy:.1f} %{shift}{overshoot}",
        "oscillating" if rises else "ok",
    )


def _answer_shift(state: SoftmaxRegionsState) -> tuple[str, str]:
    return "no", (
        "Every score zₖ grows by the same c·x, and softmax(z + s·1) = softmax(z): the common "
        "factor e^{c·x} cancels between numerator and denominator. Only differences of scores "
        "matter, so the weights are determined only up to such a shift."
    )


def _answer_more_steps(state: SoftmaxRegionsState) -> tuple[str, str]:
    curve = state.loss_curve
    later = min(state.step + 50, STEPS)
    answer = "lower" if curve[later] < curve[state.step] else "not lower"
    return answer, (
        f"With α = {state.learning_rate:.3g} the loss goes from {curve[state.step]:.3f} to "
        f"{curve[later]:.3f} in the next {later - state.step} steps: below 2/L (L ≈ the largest "
        "curvature) each step lowers a convex loss; far above it the steps overshoot."
    )


QUESTIONS = (
    Question(
        prompt="Adding the same vector to every class's weights: will any region move?",
        answer=_answer_shift,
        choices=("yes", "no"),
    ),
    Question(
        prompt="Fifty more steps at this learning rate: will the training loss be lower?",
        answer=_answer_more_steps,
        choices=("lower", "not lower"),
    ),
)


def precompute() -> None:
    """Train both models for every learning rate of the grid (0.5–1.3 s once, measured)."""
    _runs()
    _grid()


# ---- computed once


@functools.cache
def _softmax_loss() -> SoftmaxLoss:
    data = load_penguins(FEATURES)
    return SoftmaxLoss(
        data.X, data.y, feature_names=data.feature_names, class_names=data.class_names
    )


@functools.cache
def _ovr_losses() -> tuple[LogisticLoss, ...]:
    loss = _softmax_loss()
    return tuple(LogisticLoss(loss.X, (loss.y == k).astype(float)) for k in range(3))


def _phi(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X, np.ones(len(X))])


@functools.cache
def _grid() -> dict[str, np.ndarray]:
    X = _softmax_loss().X
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    x1, x2 = np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)
    X1, X2 = np.meshgrid(x1, x2)
    phi = _phi(np.column_stack([X1.ravel(), X2.ravel()]))
    return {"x1": _frozen(x1), "x2": _frozen(x2), "phi_t": _frozen(phi.T.copy())}


def _probabilities(phi_t: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """softmax over the classes of the scores on the grid: (3, N), computed along axis 0 (a
    reduction over three rows is elementwise, many times faster than one along a short axis)."""
    return softmax(np.column_stack([W, b]) @ phi_t, axis=0)


def _argmax3(P: np.ndarray) -> np.ndarray:
    """argmax over the 3 rows of P (ties: the first), elementwise."""
    best = np.where(P[1] > P[0], 1, 0)
    return np.where(P[2] > np.maximum(P[0], P[1]), 2, best)


@functools.cache
def _runs() -> dict[str, np.ndarray]:
    return _train(LEARNING_RATES)


def _train(rates: np.ndarray) -> dict[str, np.ndarray]:
    """Gradient descent from 0 at every rate at once: softmax on its 9 parameters, one-vs-rest
    on its three 3-parameter losses, each run a row of one array (optimizers take per-run
    rates). Returns trajectories (n, STEPS + 1, 9) and (n, STEPS + 1, 3, 3) and loss curves."""
    loss, binaries = _softmax_loss(), _ovr_losses()
    n = len(rates)
    theta = np.zeros((n, STEPS + 1, loss.dim))
    ovr = np.zeros((n, STEPS + 1, 3, 3))
    opt = gd(learning_rate=rates)  # one rate per run
    ovr_opt = gd(learning_rate=np.repeat(rates, 3))
    with single_threaded(), np.errstate(over="ignore", invalid="ignore"):
        p, state = theta[:, 0].copy(), opt.init(theta[:, 0])
        q, ovr_state = np.zeros((3 * n, 3)), ovr_opt.init(np.zeros((3 * n, 3)))
        for t in range(STEPS):
            upd, state = opt.update(loss.grad(p), state, p)
            p = p + upd
            theta[:, t + 1] = p
            g = np.stack([binaries[k].grad(q[k::3]) for k in range(3)], axis=1).reshape(3 * n, 3)
            upd, ovr_state = ovr_opt.update(g, ovr_state, q)
            q = q + upd
            ovr[:, t + 1] = q.reshape(n, 3, 3)
        curve = loss.value(theta)
        ovr_curve = np.mean([binaries[k].value(ovr[:, :, k]) for k in range(3)], axis=0)
    return {
        "theta": _frozen(theta),
        "ovr": _frozen(ovr),
        "loss": _frozen(curve),
        "ovr_loss": _frozen(ovr_curve),
    }
