"""The learning-rate range test explorer's model (lesson 04): Smith's test beside 2/λmax.

One run whose rate grows geometrically every step (:func:`widgets.simulate.lr_range_test`), on an
ill-conditioned quadratic or on WDBC's logistic loss; where the loss blows up, the suggested rate
(a tenth of that) and the stability limit 2/λmax of the Hessian at the start.

Example:
    >>> st = lr_range_state()
    >>> st.result.divergence_lr > st.theory_limit, lr_range_status(st).kind
    (True, 'diverged')
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .. import optimizers as optim
from .._validate import check_choice, check_int, check_real
from ..objectives import Objective, Quadratic2D, wdbc_logistic
from ..simulate import LRRangeResult, lr_range_test
from ..theory import QuadraticTheory
from . import Question, Status

__all__ = [
    "FACTOR_RANGE",
    "KAPPA_RANGE",
    "LR_AXIS",
    "MAX_LR_RANGE",
    "MIN_LR_RANGE",
    "RANGE_OPTIMIZERS",
    "RANGE_PROBLEMS",
    "STEPS_RANGE",
    "LRRangeTestState",
    "divergence_question",
    "lr_range_state",
    "lr_range_status",
]

RANGE_PROBLEMS = {"2-D quadratic (κ)": "quadratic", "logistic regression, WDBC": "wdbc"}
RANGE_OPTIMIZERS = {"gradient descent": "gd", "momentum μ = 0.9": "momentum", "Adam": "adam"}
KAPPA_RANGE = (1.0, 1000.0)
STEPS_RANGE = (20, 400)
MIN_LR_RANGE = (1e-6, 1e-2)
MAX_LR_RANGE = (1.0, 1000.0)
FACTOR_RANGE = (1.5, 10.0)
#: the α axis: every range the sliders can give, so a new range moves the curve, not the axis
LR_AXIS = (MIN_LR_RANGE[0], MAX_LR_RANGE[1])
_BUILDERS = {
    "gd": optim.gd,
    "momentum": lambda lr: optim.momentum(lr, 0.9),
    "adam": optim.adam,
}


@functools.lru_cache(maxsize=1)
def _wdbc() -> Objective:
    return wdbc_logistic()


def _objective(problem: str, kappa: float) -> Objective:
    return Quadratic2D(condition_number=kappa) if problem == "quadratic" else _wdbc()


def _local_edge(obj: Objective, points: np.ndarray, problem: str) -> np.ndarray:
    """2/λmax of the Hessian at every point (one batched Hessian and eigenvalue call)."""
    if problem == "quadratic":  # the same Hessian everywhere
        return np.full(len(points), 2.0 / np.linalg.eigvalsh(obj.hessian(points[0]))[-1])
    with np.errstate(over="ignore"):  # a diverging run's last points may be far out
        top = np.linalg.eigvalsh(obj.hessian(points))[:, -1]
    return 2.0 / np.maximum(top, np.finfo(float).tiny)


@functools.lru_cache(maxsize=64)
def _theory_limit(problem: str, kappa: float) -> float:
    obj = _objective(problem, kappa)
    return QuadraticTheory.from_matrix(obj.hessian(obj.start)).stable_lr_max


@dataclass(frozen=True, eq=False)
class LRRangeTestState:
    """The range test's result and the theory's stability limit beside it."""

    problem: str
    optimizer: str
    objective: Objective
    result: LRRangeResult
    lrs: np.ndarray  # rates of the finite losses drawn
    losses: np.ndarray  # finite losses drawn
    kappa: float  # the quadratic's condition number (unused for WDBC)
    divergence_factor: float  # the stopping rule: loss > factor × best so far
    threshold: np.ndarray  # (k,) the stopping threshold each step's loss was compared with
    theory_limit: float  # 2/λmax of the (start point's) Hessian
    exact_theory: bool  # True for the quadratic (the Hessian is the same everywhere)
    lr_range: tuple[float, float]
    loss_ylim: tuple[float, float]
    #: (k,) 2/λmax of the Hessian at the point each step started from: the local edge of
    #: gradient descent's stable band, which moves along the run on a non-quadratic loss
    local_edge: np.ndarray

    @property
    def local_edge_line(self) -> tuple[np.ndarray, np.ndarray]:
        """The local edge at the loss each step started from (for a quadratic, a vertical line
        at the theory's 2/λmax): the loss curve turns up after it crosses this line."""
        res = self.result
        before = np.concatenate([[res.initial_loss], res.losses[:-1]])
        lo, hi = self.loss_ylim
        return self.local_edge, np.clip(before, lo, hi)

    @property
    def edge_crossed_lr(self) -> float | None:
        """The first rate above the local edge at its step (None: it never got there)."""
        over = np.flatnonzero(self.result.learning_rates > self.local_edge)
        return float(self.result.learning_rates[over[0]]) if over.size else None

    @property
    def threshold_line(self) -> tuple[np.ndarray, np.ndarray]:
        return self.result.learning_rates, self.threshold

    @property
    def threshold_label(self) -> tuple[float, float, str]:
        rates = self.result.learning_rates
        return rates[0], self.threshold[0], f" stop when loss > {self.divergence_factor:.3g} × best"

    @property
    def divergence_mark(self) -> tuple[list, list]:
        """Where the loss started its final rise (empty when it never did)."""
        res, (lo, hi) = self.result, self.loss_ylim
        if res.divergence_lr is None:
            return [], []
        i = int(np.searchsorted(res.learning_rates, res.divergence_lr))
        y = res.losses[min(i, res.losses.size - 1)]
        y = y if np.isfinite(y) else hi
        return [res.divergence_lr], [min(max(y, lo), hi)]


def lr_range_state(
    problem: str = "quadratic",
    optimizer: str = "gd",
    kappa: float = 10.0,
    min_lr: float = 1e-4,
    max_lr: float = 10.0,
    steps: int = 100,
    divergence_factor: float = 4.0,
) -> LRRangeTestState:
    """Run the learning-rate range test and compare it with 2/λmax from the Hessian.

    Args:
        problem: "quadratic" (½wᵀAw with eigenvalues 1/κ and 1) or "wdbc".
        optimizer: "gd", "momentum" (μ = 0.9) or "adam".
        kappa: the quadratic's condition number, in ``KAPPA_RANGE``.
        min_lr, max_lr: the first and last rates, in ``MIN_LR_RANGE`` and ``MAX_LR_RANGE``.
        steps: the number of steps (and rates), in ``STEPS_RANGE``.
        divergence_factor: the stopping rule's factor, in ``FACTOR_RANGE``.
    """
    problem = check_choice("problem", problem, tuple(RANGE_PROBLEMS.values()))
    optimizer = check_choice("optimizer", optimizer, tuple(RANGE_OPTIMIZERS.values()))
    kappa = check_real("kappa", kappa, low=KAPPA_RANGE[0], high=KAPPA_RANGE[1])
    min_lr = check_real("min_lr", min_lr, low=MIN_LR_RANGE[0], high=MIN_LR_RANGE[1])
    max_lr = check_real("max_lr", max_lr, low=MAX_LR_RANGE[0], high=MAX_LR_RANGE[1])
    steps = check_int("steps", steps, low=STEPS_RANGE[0], high=STEPS_RANGE[1])
    lo, hi = FACTOR_RANGE
    factor = check_real("divergence_factor", divergence_factor, low=lo, high=hi)
    obj = _objective(problem, kappa)
    res = lr_range_test(
        obj,
        _BUILDERS[optimizer],
        obj.start,
        min_lr=min_lr,
        max_lr=max_lr,
        steps=steps,
        divergence_factor=factor,
    )
    finite = np.isfinite(res.losses)
    lrs, losses = res.learning_rates[finite], res.losses[finite]
    # lr_range_test's rule: step t stops the run when its loss > best + (factor − 1)·|best|, best
    # the lowest loss before it (the start included); every loss but the stopping one is finite
    best = np.minimum.accumulate(np.concatenate([[res.initial_loss], res.losses[:-1]]))
    threshold = best + (factor - 1.0) * np.abs(best)
    f0 = res.initial_loss
    floor = 1e-12 * f0  # the lowest loss drawn
    # Whole decades, the bottom in steps of three, so most control moves keep the axes (and the
    # cheap redraw); the climb past the stopping factor leaves through the top. The quadratic's
    # minimum is 0: its axis reaches down to the floor for every κ (the lowest loss runs from
    # 1e-17 to 1e-2 over the κ slider), so moving κ keeps the axes and the runs compare on one
    # scale. WDBC's minimum is far above the floor: its axis ends under the lowest loss.
    lo = floor if problem == "quadratic" else min(float(losses.min()) if losses.size else f0, f0)
    top_exp = math.ceil(math.log10(max(f0, 1e-300) * factor) + 0.3)
    low_exp = math.log10(max(lo, floor, 1e-300))
    bottom_exp = top_exp - 3 * math.ceil((top_exp - low_exp) / 3.0 + 0.1)
    return LRRangeTestState(
        problem=problem,
        optimizer=optimizer,
        objective=obj,
        result=res,
        lrs=lrs,
        losses=losses,
        kappa=kappa,
        divergence_factor=factor,
        threshold=threshold,
        theory_limit=_theory_limit(problem, kappa),
        local_edge=_local_edge(obj, res.params, problem),
        exact_theory=problem == "quadratic",
        lr_range=(min_lr, max_lr),
        loss_ylim=(10.0**bottom_exp, 10.0**top_exp),
    )


def lr_range_status(st: LRRangeTestState) -> Status:
    """Where the loss blew up, the suggested rate and the theory's 2/λmax, in words."""
    res = st.result
    if st.exact_theory:
        where = f"for the quadratic with κ = {st.kappa:.3g},"
    else:
        where = "the Hessian at the start gives"
    theory = f"theory: {where} 2/λmax = {st.theory_limit:.3g}"
    crossed = st.edge_crossed_lr
    if not st.exact_theory and crossed is not None:
        i = int(np.searchsorted(res.learning_rates, crossed))
        theory += (
            f", and α passed the local 2/λmax (Hessian where the step started, "
            f"{st.local_edge[i]:.3g}) at α = {crossed:.3g}"
        )
    if st.optimizer != "gd":
        theory += " (for plain gradient descent)"
    k = f"{st.divergence_factor:.3g}"
    if res.diverged_at is None:
        best = res.learning_rates[int(np.argmin(res.losses))]
        return Status(
            f"no blow-up up to α = {st.lr_range[1]:.3g} in {res.losses.size} steps: the loss "
            f"never passed {k} × its best (lowest at α = {best:.3g}); try a larger top rate; "
            f"{theory}",
            "info",
        )
    return Status(
        f"the loss falls until α ≈ {res.divergence_lr:.3g}, then climbs: diverged at step "
        f"{res.diverged_at} (α = {res.learning_rates[res.diverged_at]:.3g}): the loss passed "
        f"{k} × its best; suggested α = divergence/10 = {res.suggested_lr:.3g}; {theory}",
        "diverged",
    )


def _divergence_answer(st: LRRangeTestState) -> tuple[float, str]:
    res = st.result
    if res.divergence_lr is None:
        return st.lr_range[1], (
            f"the loss never passed {st.divergence_factor:.3g} × its best up to "
            f"α = {st.lr_range[1]:.3g} (the largest rate tried)"
        )
    return res.divergence_lr, (
        f"the loss was lowest just before α = {res.divergence_lr:.3g} and rose from there "
        f"until it passed {st.divergence_factor:.3g} × its best (diverged); "
        f"for gradient descent the theory's limit is 2/λmax = {st.theory_limit:.3g}"
    )


def divergence_question() -> Question:
    """ "At which α will the loss start to climb?" — graded against the range test's own run."""
    return Question(
        "At about which learning rate will the loss start to climb? (a number)",
        _divergence_answer,
        rel_tol=0.5,
    )
