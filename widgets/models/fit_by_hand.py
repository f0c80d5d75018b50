"""The one-feature fit-by-hand explorer's model: σ(w x + b) on one standardised WDBC feature,
each tumour's likelihood, the log-likelihood and the best fit (lesson 01).

Example:
    >>> st = fit_state(w=1.0, b=0.0, feature="mean radius")
    >>> round(st.log_likelihood, 1), round(st.best_log_likelihood, 1)
    (-256.8, -165.0)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_real
from ..data import WDBC_FEATURES
from ..objectives import LogisticLoss, sigmoid, wdbc_logistic
from ..optimizers import newton
from ..simulate import Trajectory, simulate
from . import Question, Status
from ._text import num

__all__ = [
    "B_RANGE",
    "W_RANGE",
    "FitState",
    "best_fit",
    "best_fit_question",
    "example_likelihoods",
    "feature_loss",
    "fit_state",
    "fit_status",
    "log_likelihood",
    "weight_sign_question",
]

W_RANGE = (-6.0, 6.0)  # the sliders' and the loss surface's bounds: |w| ≈ 6 saturates σ here
B_RANGE = (-6.0, 6.0)


@functools.cache
def feature_loss(feature: str) -> LogisticLoss:
    """Mean negative log-likelihood of σ(w x + b) on one standardised WDBC feature (y = 1:
    malignant); parameters (w, b).

    Example:
        >>> feature_loss("mean radius").dim
        2
    """
    check_choice("feature", feature, WDBC_FEATURES)
    return wdbc_logistic((feature,), fit_bias=True)


@functools.cache
def best_fit(feature: str) -> Trajectory:
    """The maximum-likelihood (w, b) for one feature, by Newton's method from (0, 0).

    The loss is convex and, since no single WDBC feature separates the classes, has a finite
    minimiser; Newton reaches ‖∇f‖ < 1e-10 in at most 8 steps on every one of the 30 features.

    Example:
        >>> [round(float(v), 2) for v in best_fit("mean radius").final_params]
        [3.64, -0.64]
    """
    traj = simulate(feature_loss(feature), newton(), steps=100, tol=1e-10)
    if not traj.converged:  # pragma: no cover - a property of the shipped data
        raise RuntimeError(f"the best fit for {feature!r} was not found: {traj.message}")
    return traj


def log_likelihood(loss: LogisticLoss, params: np.ndarray) -> float:
    """log L = Σᵢ log p(yᵢ | xᵢ) = −m × (mean NLL), from the objective's stable form.

    Example:
        >>> round(log_likelihood(feature_loss("mean radius"), np.zeros(2)), 2)  # 569 log ½
        -394.4
    """
    return -loss.n_examples * float(loss.value(params))


def example_likelihoods(loss: LogisticLoss, params: np.ndarray) -> np.ndarray:
    """p(yᵢ | xᵢ) = ŷᵢ^yᵢ (1 − ŷᵢ)^(1−yᵢ) for every example, shape (m,).

    For y ∈ {0, 1} this is σ(zᵢ) or 1 − σ(zᵢ) = σ(−zᵢ), i.e. σ((2yᵢ − 1) zᵢ): no cancellation.

    Example:
        >>> float(example_likelihoods(feature_loss("mean radius"), np.zeros(2)).max())
        0.5
    """
    params = np.asarray(params, dtype=float)
    z = loss.X @ params[: loss.X.shape[1]] + (params[-1] if loss.fit_bias else 0.0)
    return sigmoid((2.0 * loss.y - 1.0) * z)


@functools.cache
def _frame(feature: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The curve's x grid (the data's range, padded by 8 %), a fixed vertical jitter of the
    points, and the bars' NaN-broken polyline template (bottom at 0, top filled per state)."""
    x = feature_loss(feature).X[:, 0]
    pad = 0.08 * (x.max() - x.min())
    grid = np.linspace(x.min() - pad, x.max() + pad, 301)
    jitter = np.random.default_rng(0).uniform(-0.05, 0.05, len(x))  # seeded: the points stay
    bars = np.full((len(x), 3, 2), np.nan)
    bars[:, :2, 0] = x[:, None]
    bars[:, 0, 1] = 0.0
    return grid, jitter, bars


@dataclass(frozen=True, eq=False)
class FitState:
    """Everything the one-feature explorer shows, for a feature and a model (w, b)."""

    feature: str
    loss: LogisticLoss
    w: float
    b: float
    x: np.ndarray  # (m,) standardised feature
    y: np.ndarray  # (m,) labels, 1 = malignant
    x_curve: np.ndarray
    p_curve: np.ndarray  # σ(w x + b) on x_curve
    likelihood: np.ndarray  # (m,) p(yᵢ | xᵢ)
    log_likelihood: float
    mean_nll: float
    best_w: float
    best_b: float
    best_log_likelihood: float
    threshold: float | None  # x where σ = 1/2, i.e. −b/w; None when w = 0

    @property
    def threshold_shown(self) -> bool:
        return self.threshold is not None and self.x_curve[0] <= self.threshold <= self.x_curve[-1]

    def points(self, label: int) -> tuple[np.ndarray, np.ndarray]:
        """The examples of class ``label`` at (x, label + a small fixed jitter)."""
        sel = self.y == label
        return self.x[sel], label + _frame(self.feature)[1][sel]

    @property
    def bars(self) -> list[np.ndarray]:
        """One NaN-broken polyline of vertical bars (0 to p(yᵢ | xᵢ)) per class: two paths to
        draw, not 569."""
        paths = _frame(self.feature)[2].copy()
        paths[:, 1, 1] = self.likelihood
        return [paths[self.y == c].reshape(-1, 2) for c in (0, 1)]


def fit_state(w: float = 1.0, b: float = 0.0, feature: str = "mean radius") -> FitState:
    """The explorer's state for the model σ(w x + b) on ``feature``.

    Args:
        w: the weight, in ``W_RANGE``.
        b: the bias, in ``B_RANGE``.
        feature: one of ``WDBC_FEATURES``.

    Returns:
        A :class:`FitState`: the curve, each example's likelihood, the log-likelihood and the
        best fit's.
    """
    w = check_real("w", w, low=W_RANGE[0], high=W_RANGE[1])
    b = check_real("b", b, low=B_RANGE[0], high=B_RANGE[1])
    loss = feature_loss(feature)
    params = np.array([w, b])
    best = best_fit(feature)
    xc = _frame(feature)[0]
    mean_nll = float(loss.value(params))
    return FitState(
        feature=feature,
        loss=loss,
        w=w,
        b=b,
        x=loss.X[:, 0],
        y=loss.y,
        x_curve=xc,
        p_curve=sigmoid(w * xc + b),
        likelihood=example_likelihoods(loss, params),
        log_likelihood=-loss.n_examples * mean_nll,
        mean_nll=mean_nll,
        best_w=float(best.final_params[0]),
        best_b=float(best.final_params[1]),
        best_log_likelihood=log_likelihood(loss, best.final_params),
        threshold=-b / w if w != 0.0 and abs(b) < 1e12 * abs(w) else None,
    )


def fit_status(st: FitState) -> Status:
    """The log-likelihood here beside the best fit's; "converged" within 0.05 of the maximum.

    Example:
        >>> fit_status(fit_state(w=3.64, b=-0.64)).kind
        'converged'
    """
    text = (
        f"log-likelihood {num(st.log_likelihood, '.1f')} (mean NLL {st.mean_nll:.3f}); "
        f"the best fit is w = {num(st.best_w, '.1f')}, b = {num(st.best_b, '.1f')} "
        f"with {num(st.best_log_likelihood, '.1f')}"
    )
    gap = st.best_log_likelihood - st.log_likelihood
    if gap < 0.05:
        return Status(text + ": you are on the maximum", "converged")
    return Status(text + f" ({gap:.1f} higher)", "info")


def weight_sign_question() -> Question:
    """Predict the sign of the best w for the chosen feature (graded from the Newton fit).

    Example:
        >>> weight_sign_question().answer(fit_state(feature="mean radius"))[0]
        'w > 0'
    """

    def answer(st: FitState) -> tuple[str, str]:
        w, b = st.best_w, st.best_b
        why = (
            f"the maximum-likelihood fit for {st.feature} is w = {num(w, '.2f')}, "
            f"b = {num(b, '.2f')} (log-likelihood {num(st.best_log_likelihood, '.1f')})"
        )
        if abs(w) < 0.2:
            why += "; w is close to 0: this feature hardly tells the classes apart"
        else:
            why += f"; larger values make malignancy {'more' if w > 0 else 'less'} likely"
        return ("w > 0" if w > 0 else "w < 0"), why

    return Question(
        "For this feature, will the best fit have w > 0 (a larger value makes malignancy more "
        "likely) or w < 0?",
        answer,
        choices=("w > 0", "w < 0"),
    )


def best_fit_question() -> Question:
    """Find the largest log-likelihood by hand; graded within 2 % of the Newton fit.

    Example:
        >>> round(best_fit_question().answer(fit_state())[0], 1)
        -165.0
    """

    def answer(st: FitState) -> tuple[float, str]:
        return st.best_log_likelihood, (
            f"Newton's method finds the maximum at w = {num(st.best_w, '.2f')}, "
            f"b = {num(st.best_b, '.2f')} ({best_fit(st.feature).message}); no (w, b) does better"
        )

    return Question(
        "Move w and b to make the log-likelihood as large as you can. What is the largest "
        "value any (w, b) can reach on this feature?",
        answer,
        rel_tol=0.02,
    )
