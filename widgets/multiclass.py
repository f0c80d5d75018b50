"""Multiclass (softmax) logistic regression: the mean multinomial negative log-likelihood.

For K classes each class k has a weight vector w_k (a row of the K×p matrix W) and a bias b_k;
an example x gets the scores z = Wx + b and the class probabilities softmax(z), and its loss is
−log softmax(z)_y = logsumexp(z) − z_y. With K = 2 this is the binary logistic loss of the
difference w₁ − w₀: softmax depends on z only through z₁ − z₀ there.

Everything is pure NumPy, vectorised over leading axes of the parameters like every objective in
:mod:`widgets.objectives`, and computed through log-sum-exp so that no score overflows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import check_int, check_real
from .data import _as_class_labels, _as_matrix
from .objectives import DataObjective, _frozen, _quiet, _top_eigenvalue

__all__ = ["SoftmaxLoss", "log_softmax", "softmax"]


def log_softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    """log softmax(z) = z − logsumexp(z) along ``axis``, finite for any finite z.

    Subtracting the largest score first (the log-sum-exp trick) leaves the result unchanged,
    since softmax(z − c) = softmax(z) for any constant c, and makes every exponent ≤ 0, so
    nothing overflows and at least one term of the sum is exactly 1.

    Example:
        >>> log_softmax([1000.0, 1000.0])  # exp(1000) would overflow
        array([-0.69314718, -0.69314718])
    """
    z = _as_real(z)
    top = np.max(z, axis=axis, keepdims=True)
    shifted = z - top
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    """softmax(z)_k = e^{z_k} / Σ_j e^{z_j} along ``axis``, computed as exp(log_softmax(z)).

    Example:
        >>> softmax([0.0, np.log(3.0)])
        array([0.25, 0.75])
    """
    return np.exp(log_softmax(z, axis=axis))


class SoftmaxLoss(DataObjective):
    """Mean multinomial negative log-likelihood of softmax regression, with an L2 (and L1) penalty:

        F(θ) = (1/m) Σᵢ [logsumexp(zᵢ) − z_{i,yᵢ}] + (λ/2)‖W‖² + τ₁‖W‖₁,   zᵢ = W xᵢ + b,

    where W is K×p (row k is class k's weights) and b holds the K biases, which are never
    penalised (the convention of ``LogisticLoss``). With P the m×K matrix of probabilities
    softmax(zᵢ) and Y the one-hot labels, the gradient and the Hessian of the smooth part are

        ∇_W f = (P − Y)ᵀ X / m + λW,     ∇_b f = (P − Y)ᵀ 1 / m,
        ∇²f = (1/m) Σᵢ (diag(pᵢ) − pᵢpᵢᵀ) ⊗ x̃ᵢx̃ᵢᵀ + λ (on W),   x̃ᵢ = (xᵢ, 1).

    **The flat parameter vector** θ is W row by row, then b: (w_{0,1}, …, w_{0,p}, w_{1,1}, …,
    w_{K−1,p}, b₀, …, b_{K−1}), so ``dim`` = K·p + K (K·p without biases). ``pack(W, b)`` and
    ``unpack(θ)`` convert. Adding one vector c to every row of W (and one number to every bias)
    changes no probability: without a penalty the minimiser is not unique and the Hessian is
    singular along those directions. An L2 penalty picks the minimiser with Σ_k w_k = 0; the
    biases stay determined only up to a common shift.

    **K = 2.** softmax(z)₁ = σ(z₁ − z₀), so F(W, b) equals ``LogisticLoss`` at the weights
    w₁ − w₀ and the bias b₁ − b₀. With λ > 0 the softmax minimiser has w₀ = −w₁, and its
    penalty (λ/2)(‖w₀‖² + ‖w₁‖²) = (λ/4)‖w₁ − w₀‖²: the binary fit with ``l2 = λ/2``.

    The loss is computed as logsumexp(z) − z_y with the largest score subtracted first, so it
    is finite for any finite θ (no e^z overflows).

    Args:
        X: features, shape (m, p), finite.
        y: class labels, integers 0 … K−1 (floats like 2.0 are accepted), shape (m,).
        n_classes: K ≥ 2; ``None`` uses max(y) + 1. A class may have no examples.
        fit_bias: whether each class has a bias b_k.
        l2: L2 strength λ ≥ 0.
        l1: L1 strength τ₁ ≥ 0 on W (the objective is then composite, like ``LogisticLoss``).
        feature_names, class_names: optional names for ``param_names``.
        name, label: registry key and title.

    Example:
        >>> loss = SoftmaxLoss([[1.0], [0.0], [-1.0]], [0, 1, 2])
        >>> loss.dim, bool(np.isclose(loss.value(np.zeros(6)), np.log(3.0)))
        (6, True)
        >>> W, b = loss.unpack(np.arange(6.0))
        >>> W.tolist(), b.tolist()
        ([[0.0], [1.0], [2.0]], [3.0, 4.0, 5.0])
    """

    def __init__(
        self,
        X: ArrayLike,
        y: ArrayLike,
        n_classes: int | None = None,
        fit_bias: bool = True,
        l2: float = 0.0,
        *,
        l1: float = 0.0,
        feature_names: Iterable[str] | None = None,
        class_names: Iterable[str] | None = None,
        name: str = "softmax",
        label: str | None = None,
    ) -> None:
        self.X = _as_matrix("X", X)
        m, p = self.X.shape
        if n_classes is not None:
            n_classes = check_int("n_classes", n_classes, low=2)
        self.y = _as_class_labels("y", y, m, n_classes)
        K = max(int(self.y.max()) + 1, 2) if n_classes is None else n_classes
        if not isinstance(fit_bias, bool | np.bool_):
            raise TypeError(f"fit_bias must be True or False, got {fit_bias!r}")
        self.fit_bias = bool(fit_bias)
        l2 = check_real("l2", l2, low=0.0)
        l1 = check_real("l1", l1, low=0.0)
        features = (
            tuple(f"x{j + 1}" for j in range(p)) if feature_names is None else tuple(feature_names)
        )
        if len(features) != p:
            raise ValueError(
                f"feature_names must have {p} entries (columns of X), got {features!r}"
            )
        classes = tuple(str(k) for k in range(K)) if class_names is None else tuple(class_names)
        if len(classes) != K:
            raise ValueError(f"class_names must have {K} entries (one per class), got {classes!r}")

        self.n_classes = K
        self.n_features = p
        self.feature_names, self.class_names = features, classes
        self.name = name
        self.label = label or f"Softmax regression, {m} examples, {K} classes (mean NLL)"
        self.n_examples = m
        self.dim = K * p + K * self.fit_bias
        self.param_names = tuple(f"W[{c}, {f}]" for c in classes for f in features) + (
            tuple(f"b[{c}]" for c in classes) if self.fit_bias else ()
        )
        self.start = _frozen(np.zeros(self.dim))
        self.bounds = ((-6.0, 6.0),) * self.dim
        self._outputs = K

        design = np.hstack([self.X, np.ones((m, 1))]) if self.fit_bias else self.X
        self._design = _frozen(design)
        self._targets = self.y  # integer labels; DataObjective only needs their count per batch
        self._onehot_t = _frozen(np.eye(K)[:, self.y])  # (K, m): Y transposed
        q = design.shape[1]
        # θ[flat[k, j]] is the coefficient of class k on column j of the design [X, 1]
        flat = np.arange(K * p).reshape(K, p)
        if self.fit_bias:
            flat = np.hstack([flat, K * p + np.arange(K)[:, None]])
        self._flat = flat.ravel()  # (K·q,): class-major position → flat index
        self._order = np.argsort(self._flat)  # flat index → class-major position
        self._q = q
        self._n_penalised = K * p
        self._set_penalties(K * p, l1, l2)

    # ---- the flat vector and the (W, b) pair

    def pack(self, W: ArrayLike, b: ArrayLike | None = None) -> np.ndarray:
        """The flat parameter vector θ from W of shape (..., K, p) and b of shape (..., K).

        ``b`` must be omitted (or ``None``) exactly when the loss has no biases.

        Example:
            >>> loss = SoftmaxLoss([[1.0], [0.0], [-1.0]], [0, 1, 2])
            >>> loss.pack([[0.0], [1.0], [2.0]], [3.0, 4.0, 5.0])
            array([0., 1., 2., 3., 4., 5.])
        """
        K, p = self.n_classes, self.n_features
        W = _as_real(W, "W")
        if W.shape[-2:] != (K, p):
            raise ValueError(f"W must have shape (..., {K}, {p}) (K × p), got {W.shape}")
        parts = [W.reshape(*W.shape[:-2], K * p)]
        if self.fit_bias:
            if b is None:
                raise ValueError(f"b is required: this loss has {K} biases")
            b = _as_real(b, "b")
            if b.shape[-1:] != (K,) or b.shape[:-1] != W.shape[:-2]:
                expected = (*W.shape[:-2], K)
                raise ValueError(f"b must have shape {expected} to match W, got {b.shape}")
            parts.append(b)
        elif b is not None:
            raise ValueError("b must be None: this loss has no biases (fit_bias=False)")
        return np.concatenate(parts, axis=-1)

    def unpack(self, w: ArrayLike) -> tuple[np.ndarray, np.ndarray | None]:
        """W of shape (..., K, p) and b of shape (..., K) (``None`` without biases) from θ."""
        w = self._points(w)
        K, p = self.n_classes, self.n_features
        W = w[..., : K * p].reshape(*w.shape[:-1], K, p)
        return W.copy(), (w[..., K * p :].copy() if self.fit_bias else None)

    def scores(self, w: ArrayLike, X: ArrayLike | None = None) -> np.ndarray:
        """The class scores z = Wx + b: θ (..., d) and X (n, p) → (..., n, K); X defaults to the
        training features."""
        w = self._points(w)
        phi = self._design if X is None else self._phi(X)
        with _quiet():
            return phi @ np.swapaxes(self._coef(w), -1, -2)

    def probabilities(self, w: ArrayLike, X: ArrayLike | None = None) -> np.ndarray:
        """softmax of the scores: θ (..., d) and X (n, p) → (..., n, K), rows summing to 1."""
        return softmax(self.scores(w, X))

    def predict(self, w: ArrayLike, X: ArrayLike | None = None) -> np.ndarray:
        """The most probable class of each row of X (ties: the smaller label)."""
        return np.argmax(self.scores(w, X), axis=-1)

    @property
    def lipschitz(self) -> float:
        """An upper bound L on the Lipschitz constant of ∇f (the smooth part), for safe steps.

        Böhning's bound diag(p) − ppᵀ ≼ ½I (its eigenvalues never exceed ½) gives
        ∇²f ≼ ½ (ΦᵀΦ/m) ⊗ I + λI, so L = λ_max(ΦᵀΦ/m)/2 + λ.
        """
        return self._data_lipschitz + self.l2

    @functools.cached_property
    def _data_lipschitz(self) -> float:
        return _top_eigenvalue(self._design, None) / 2.0

    # ---- the data term

    def _coef(self, w: np.ndarray) -> np.ndarray:
        """θ (..., d) → A (..., K, q), A[k] = (w_k, b_k)."""
        return w[..., self._flat].reshape(*w.shape[:-1], self.n_classes, self._q)

    def _flatten(self, A: np.ndarray) -> np.ndarray:
        """A (..., K, q) → θ (..., d), the inverse of ``_coef``."""
        return A.reshape(*A.shape[:-2], -1)[..., self._order]

    # Scores are laid out (points, classes, examples): sums over the K classes are then sums of
    # K contiguous rows, elementwise, several times faster than reductions along a short last axis.

    def _scores_on(self, w, rows):
        return self._coef(w) @ self._design[rows].T  # (n, K, b)

    def _data_value_on(self, w, rows):
        z = self._scores_on(w, rows)
        top = z.max(axis=-2, keepdims=True)
        lse = top[..., 0, :] + np.log(np.exp(z - top).sum(axis=-2))
        picked = np.take_along_axis(z, self.y[rows][None, None, :], axis=-2)[..., 0, :]
        return (lse - picked).mean(axis=-1)

    def _residual(self, w, rows):
        """P − Y on the rows: (n, K, b)."""
        return softmax(self._scores_on(w, rows), axis=-2) - self._onehot_t[:, rows]

    def _data_grad_on(self, w, rows):
        phi = self._design[rows]
        return self._flatten(self._residual(w, rows) @ phi / phi.shape[0])

    def _data_hessian_on(self, w, rows):
        phi = self._design[rows]
        P = softmax(self._scores_on(w, rows), axis=-2)  # (n, K, b)
        n, K, b = P.shape
        q = self._q
        # Σᵢ (diag(pᵢ) − pᵢpᵢᵀ) ⊗ x̃ᵢx̃ᵢᵀ, class-major: the ppᵀ part as a Gram matrix of pᵢ ⊗ x̃ᵢ
        px = (P[..., None] * phi[None, None, :, :]).transpose(0, 2, 1, 3).reshape(n, b, K * q)
        H = -np.einsum("nia,nib->nab", px, px)
        diag = np.einsum("nki,ij,il->nkjl", P, phi, phi)  # (n, K, q, q)
        H = H.reshape(n, K, q, K, q)
        H[:, np.arange(K), :, np.arange(K), :] += diag.transpose(1, 0, 2, 3)
        H = H.reshape(n, K * q, K * q)[:, self._order][:, :, self._order] / b
        return 0.5 * (H + H.swapaxes(-1, -2))

    def _example_data_grads(self, w):
        R = self._residual(w.reshape(-1, self.dim), slice(None))  # (n, K, m)
        per = R.swapaxes(-1, -2)[..., None] * self._design[None, :, None, :]  # (n, m, K, q)
        return self._flatten(per).reshape(*w.shape[:-1], self.n_examples, self.dim)

    def _phi(self, X: ArrayLike) -> np.ndarray:
        X = _as_matrix("X", X)
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"X must have {self.n_features} columns (the features of this loss), got {X.shape}"
            )
        return np.hstack([X, np.ones((len(X), 1))]) if self.fit_bias else X

    def _repr_args(self):
        m, p = self.X.shape
        args = f"X=<{m}×{p}>, y=<{m}>, n_classes={self.n_classes}, fit_bias={self.fit_bias!r}"
        args += f", l2={self.l2!r}"
        return args + (f", l1={self.l1!r}" if self.l1 else "")


def _as_real(value: object, name: str = "z") -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number or array, got {value!r}") from None
