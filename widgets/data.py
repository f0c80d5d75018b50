"""Data sets for the course: the Wisconsin breast-cancer data, the Palmer penguins and small
synthetic sets, and the "balanced" example weights of imbalanced classes.

Everything here is pure NumPy and deterministic: synthetic sets are drawn from an explicit
``numpy.random.Generator`` (or an integer seed), so the same seed always gives the same data.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ._validate import check_choice, check_int, check_real, check_rng

__all__ = [
    "PENGUIN_FEATURES",
    "PENGUIN_SPECIES",
    "WDBC_FEATURES",
    "Dataset",
    "balanced_sample_weight",
    "load_penguins",
    "load_wdbc",
    "make_circles",
    "make_classification_2d",
    "make_moons",
    "make_sine_data",
]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A design matrix ``X`` of shape ``(m, p)`` with targets ``y`` of shape ``(m,)``.

    The arrays are copied and made read-only, so a data set cannot change under an objective
    built from it. A classification set with named classes lists them in ``class_names``; its
    labels are then the integers 0 … K−1 indexing that tuple.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    description: str = ""
    class_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        X = _as_matrix("X", self.X)
        y = _as_targets("y", self.y, len(X))
        names = tuple(self.feature_names)
        if len(names) != X.shape[1] or not all(isinstance(n, str) for n in names):
            raise ValueError(
                f"feature_names must be {X.shape[1]} strings (one per column of X), got {names!r}"
            )
        classes = tuple(self.class_names)
        if classes:
            if not all(isinstance(c, str) for c in classes):
                raise ValueError(f"class_names must be strings, got {classes!r}")
            _as_class_labels("y", y, len(X), len(classes))
        for attr, value in (("X", X), ("y", y), ("feature_names", names), ("class_names", classes)):
            object.__setattr__(self, attr, value)

    @property
    def n_examples(self) -> int:
        """Number of examples ``m``."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """Number of features ``p``."""
        return self.X.shape[1]


_WDBC_QUANTITIES = (
    "radius",
    "texture",
    "perimeter",
    "area",
    "smoothness",
    "compactness",
    "concavity",
    "concave points",
    "symmetry",
    "fractal dimension",
)
# The 30 WDBC features in the column order of the UCI file, under scikit-learn's names.
WDBC_FEATURES: tuple[str, ...] = (
    *(f"mean {q}" for q in _WDBC_QUANTITIES),
    *(f"{q} error" for q in _WDBC_QUANTITIES),
    *(f"worst {q}" for q in _WDBC_QUANTITIES),
)


def load_wdbc(features: str | Iterable[str] | None = None, standardize: bool = True) -> Dataset:
    """Load the Wisconsin Diagnostic Breast Cancer data (569 tumours, 212 malignant).

    Targets are ``y = 1`` for malignant and ``y = 0`` for benign. With ``standardize=True``
    each selected column is centred and divided by its population standard deviation
    (``ddof=0``), so it has mean 0 and ``mean(x**2) = 1``.

    Args:
        features: column names to keep, in the order given (a single name is allowed);
            ``None`` keeps all 30 (see ``WDBC_FEATURES``).
        standardize: whether to standardise the selected columns.

    Returns:
        A ``Dataset`` with ``X`` of shape ``(569, len(features))``.

    Example:
        >>> data = load_wdbc(["mean radius", "mean texture"])
        >>> data.X.shape, int(data.y.sum())
        ((569, 2), 212)
    """
    names = _check_features(features)
    if not isinstance(standardize, bool):
        raise TypeError(f"standardize must be True or False, got {standardize!r}")
    X_all, y = _read_wdbc()
    X = X_all[:, [WDBC_FEATURES.index(n) for n in names]]
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)  # population std (ddof=0)
    scaling = "standardised (population std)" if standardize else "raw"
    return Dataset(
        X=X,
        y=y,
        feature_names=names,
        target_name="malignant",
        description=(
            f"Wisconsin Diagnostic Breast Cancer: {len(y)} tumours, {int(y.sum())} malignant "
            f"(y = 1), {int(len(y) - y.sum())} benign (y = 0); {len(names)} {scaling} features."
        ),
    )


# The four body measurements of the Palmer penguins, under the column names of the shipped file.
PENGUIN_FEATURES: tuple[str, ...] = (
    "bill_length_mm",
    "bill_depth_mm",
    "flipper_length_mm",
    "body_mass_g",
)
# The three species, in the order of their labels 0, 1, 2 (alphabetical, as in the file's factor).
PENGUIN_SPECIES: tuple[str, ...] = ("Adelie", "Chinstrap", "Gentoo")


def load_penguins(
    features: str | Iterable[str] | None = None,
    standardize: bool = True,
    missing: str = "drop",
) -> Dataset:
    """Load the Palmer penguins: body measurements of 344 penguins of three species.

    Labels are ``y = 0`` Adelie, ``1`` Chinstrap, ``2`` Gentoo (``PENGUIN_SPECIES``). Two of the
    344 rows (one Adelie, one Gentoo) have no measurements at all; they are the only rows with a
    missing body measurement (the file's ``sex`` column, which is not a feature here, misses 11).
    ``missing="drop"`` removes every row that misses one of the *selected* features, and the
    description says how many were removed; ``missing="raise"`` refuses instead, naming the rows.
    Nothing is imputed: a made-up measurement would be data the penguins never gave. With
    ``standardize=True`` each selected column is then centred and divided by its population
    standard deviation (``ddof=0``) over the rows kept.

    Args:
        features: column names to keep, in the order given (one name is allowed); ``None``
            keeps all four (see ``PENGUIN_FEATURES``).
        standardize: whether to standardise the selected columns.
        missing: ``"drop"`` or ``"raise"``, what to do with rows missing a selected feature.

    Returns:
        A ``Dataset`` with ``X`` of shape ``(342, len(features))``, ``y`` in {0, 1, 2} and
        ``class_names == PENGUIN_SPECIES``.

    Example:
        >>> data = load_penguins(["bill_length_mm", "flipper_length_mm"])
        >>> data.X.shape, np.bincount(data.y.astype(int)).tolist()
        ((342, 2), [151, 68, 123])

    Reference: K. B. Gorman, T. D. Williams, W. R. Fraser, "Ecological sexual dimorphism and
    environmental variability within a community of Antarctic penguins (genus Pygoscelis)",
    PLoS ONE 9(3), e90081, 2014; data CC0 (see ``widgets/data/README.md``).
    """
    names = _check_names("feature", features, PENGUIN_FEATURES)
    if not isinstance(standardize, bool):
        raise TypeError(f"standardize must be True or False, got {standardize!r}")
    check_choice("missing", missing, ("drop", "raise"))
    X_all, y_all = _read_penguins()
    X = X_all[:, [PENGUIN_FEATURES.index(n) for n in names]]
    absent = np.isnan(X).any(axis=1)
    if absent.any() and missing == "raise":
        rows = np.flatnonzero(absent).tolist()
        raise ValueError(
            f"the penguins in rows {rows} (0-based, in the file's order) miss a value of "
            f"{', '.join(names)}; pass missing='drop' to leave them out"
        )
    X, y = X[~absent], y_all[~absent]
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)  # population std (ddof=0)
    counts = np.bincount(y.astype(int), minlength=3)
    scaling = "standardised (population std)" if standardize else "raw"
    return Dataset(
        X=X,
        y=y,
        feature_names=names,
        target_name="species",
        class_names=PENGUIN_SPECIES,
        description=(
            f"Palmer penguins: {len(y)} penguins, "
            + ", ".join(f"{c} {s}" for s, c in zip(PENGUIN_SPECIES, counts, strict=True))
            + f" (y = 0, 1, 2); {len(names)} {scaling} features; {int(absent.sum())} of "
            f"{len(y_all)} rows dropped for a missing measurement."
        ),
    )


def balanced_sample_weight(y: object) -> np.ndarray:
    """Example weights that give every class the same total weight: m / (K · m_c) for class c.

    With m examples in K classes of sizes m_c, each example of class c weighs m/(K m_c): every
    class then sums to m/K and all weights to m, so a weighted mean loss treats a rare class as
    if it were as common as the others. The same as scikit-learn's
    ``compute_sample_weight("balanced", y)`` and ``class_weight="balanced"``.

    Args:
        y: class labels, shape (m,): any finite numbers (each distinct value is a class).

    Returns:
        The weights, shape (m,), float.

    Example:
        >>> balanced_sample_weight([0, 0, 0, 1])
        array([0.66666667, 0.66666667, 0.66666667, 2.        ])
    """
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"y must be an array of class labels (numbers), got {y!r}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"y must be a non-empty 1-D array of class labels, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"y must contain only finite labels, got {arr[~np.isfinite(arr)][:5]}")
    _, inverse, counts = np.unique(arr, return_inverse=True, return_counts=True)
    return arr.size / (counts.size * counts[inverse].astype(float))


def make_classification_2d(
    kind: str = "overlapping", n: int = 200, rng: np.random.Generator | int = 0
) -> Dataset:
    """Two Gaussian clouds of 2-D points labelled 0 and 1, half of each.

    - ``"overlapping"``: the clouds overlap, so the logistic loss has a finite minimiser.
    - ``"separable"``: the clouds are split by the line ``u·x = 0`` with
      ``u = (cos 30°, sin 30°)``, every point at distance at least 0.5 from it (points
      inside the margin are redrawn), so the loss keeps decreasing as ``‖w‖ → ∞``.

    Args:
        kind: ``"overlapping"`` or ``"separable"``.
        n: number of points, at least 2.
        rng: a ``numpy.random.Generator`` or an integer seed.

    Returns:
        A ``Dataset`` with ``X`` of shape ``(n, 2)`` and ``y`` in {0, 1}.

    Example:
        >>> data = make_classification_2d("separable", n=50, rng=1)
        >>> data.X.shape, int(data.y.sum())
        ((50, 2), 25)
    """
    check_choice("kind", kind, ("overlapping", "separable"))
    n = check_int("n", n, low=2)
    gen = check_rng("rng", rng)
    y = np.repeat([0.0, 1.0], [n - n // 2, n // 2])
    sign = 2.0 * y - 1.0  # -1 for class 0, +1 for class 1
    if kind == "overlapping":
        X = sign[:, None] * np.array([1.0, 0.75]) + gen.normal(size=(n, 2))
    else:
        u = np.array([math.cos(math.pi / 6), math.sin(math.pi / 6)])
        margin = 0.5
        X = np.empty((n, 2))
        todo = np.arange(n)
        while todo.size:  # about a third of the draws fall in the margin; a few rounds suffice
            X[todo] = sign[todo, None] * 1.5 * u + gen.normal(size=(todo.size, 2))
            todo = todo[sign[todo] * (X[todo] @ u) < margin]
    return _shuffled_2d(X, y, gen, f"{n} synthetic 2-D points in two {kind} Gaussian clouds.")


def make_moons(n: int = 200, noise: float = 0.2, rng: np.random.Generator | int = 0) -> Dataset:
    """Two interleaving half circles ("two moons"): no straight line separates them.

    Class 0 lies on the upper half of the unit circle, (cos t, sin t), and class 1 on a lower
    half circle shifted right and down, (1 − cos t, 0.5 − sin t), with t evenly spaced in
    [0, π]; Gaussian noise of standard deviation ``noise`` is added to both coordinates. The
    points are shuffled. The geometry is that of scikit-learn's ``make_moons``.

    Args:
        n: number of points, at least 2 (class 1 gets the extra point when n is odd).
        noise: standard deviation of the noise, at least 0.
        rng: a ``numpy.random.Generator`` or an integer seed.

    Returns:
        A ``Dataset`` with ``X`` of shape ``(n, 2)`` and ``y`` in {0, 1}.

    Example:
        >>> data = make_moons(n=100, noise=0.1, rng=0)
        >>> data.X.shape, int(data.y.sum())
        ((100, 2), 50)
    """
    n = check_int("n", n, low=2)
    noise = check_real("noise", noise, low=0.0)
    gen = check_rng("rng", rng)
    n0, n1 = n // 2, n - n // 2
    t0, t1 = np.linspace(0.0, math.pi, n0), np.linspace(0.0, math.pi, n1)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t0), np.sin(t0)]),
            np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
        ]
    )
    y = np.repeat([0.0, 1.0], [n0, n1])
    return _noisy_shuffled(X, y, noise, gen, f"{n} points on two interleaving half circles")


def make_circles(
    n: int = 200, noise: float = 0.1, factor: float = 0.5, rng: np.random.Generator | int = 0
) -> Dataset:
    """Two concentric circles: class 0 on the unit circle, class 1 on a circle of radius
    ``factor`` inside it; the best straight line classifies about half the points.

    Each class's points are evenly spaced in angle, t = 2πk/nₖ, then Gaussian noise of standard
    deviation ``noise`` is added to both coordinates and the points are shuffled. The geometry
    is that of scikit-learn's ``make_circles``.

    Args:
        n: number of points, at least 2 (class 1 gets the extra point when n is odd).
        noise: standard deviation of the noise, at least 0.
        factor: radius of the inner circle, in (0, 1) (scikit-learn's default is 0.8).
        rng: a ``numpy.random.Generator`` or an integer seed.

    Returns:
        A ``Dataset`` with ``X`` of shape ``(n, 2)`` and ``y`` in {0, 1}.

    Example:
        >>> data = make_circles(n=8, noise=0.0, factor=0.5)
        >>> sorted(set(np.round(np.hypot(*data.X.T), 12).tolist()))
        [0.5, 1.0]
    """
    n = check_int("n", n, low=2)
    noise = check_real("noise", noise, low=0.0)
    factor = check_real("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    gen = check_rng("rng", rng)
    n0, n1 = n // 2, n - n // 2
    t0 = np.linspace(0.0, 2 * math.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * math.pi, n1, endpoint=False)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t0), np.sin(t0)]),
            factor * np.column_stack([np.cos(t1), np.sin(t1)]),
        ]
    )
    y = np.repeat([0.0, 1.0], [n0, n1])
    return _noisy_shuffled(
        X, y, noise, gen, f"{n} points on two concentric circles (inner radius {factor:g})"
    )


def _noisy_shuffled(X, y, noise, gen, what) -> Dataset:
    X = X + gen.normal(0.0, noise, size=X.shape)
    return _shuffled_2d(X, y, gen, f"{what}, Gaussian noise of standard deviation {noise:g}.")


def _shuffled_2d(X, y, gen, description) -> Dataset:
    """A two-class 2-D data set with its points in a random order (drawn from ``gen``)."""
    order = gen.permutation(len(y))
    return Dataset(
        X=X[order],
        y=y[order],
        feature_names=("x₁", "x₂"),
        target_name="class",
        description=description,
    )


def make_sine_data(n: int = 200, noise: float = 0.5, rng: np.random.Generator | int = 0) -> Dataset:
    """Noisy samples of a sine wave: ``x ~ U[0, 2.5π]``, ``y = sin(1.1 + 2.5x) + N(0, noise²)``.

    Args:
        n: number of points, at least 1.
        noise: standard deviation of the Gaussian noise, at least 0.
        rng: a ``numpy.random.Generator`` or an integer seed.

    Returns:
        A ``Dataset`` with ``X`` of shape ``(n, 1)`` (the column ``x``) and real ``y``.

    Example:
        >>> data = make_sine_data(n=5, noise=0.0)
        >>> bool(np.allclose(data.y, np.sin(1.1 + 2.5 * data.X[:, 0])))
        True
    """
    n = check_int("n", n, low=1)
    noise = check_real("noise", noise, low=0.0)
    gen = check_rng("rng", rng)
    x = gen.uniform(0.0, 2.5 * math.pi, size=n)
    y = np.sin(1.1 + 2.5 * x) + gen.normal(0.0, noise, size=n)
    return Dataset(
        X=x[:, None],
        y=y,
        feature_names=("x",),
        target_name="y",
        description=f"{n} points y = sin(1.1 + 2.5x) + N(0, {noise:g}²), x ~ U[0, 2.5π].",
    )


@functools.cache
def _read_wdbc() -> tuple[np.ndarray, np.ndarray]:
    """Parse the shipped CSV once; returns read-only raw features (569, 30) and labels (569,)."""
    source = resources.files("widgets").joinpath("data", "wdbc.csv")
    with source.open("r", encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    if tuple(header) != ("diagnosis", *WDBC_FEATURES):
        raise ValueError(f"unexpected columns in {source}: {header}")
    X = np.array([row[1:] for row in rows], dtype=float)
    y = np.array([{"M": 1.0, "B": 0.0}[row[0]] for row in rows])
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


@functools.cache
def _read_penguins() -> tuple[np.ndarray, np.ndarray]:
    """Parse the shipped CSV once: read-only measurements (344, 4), NaN where the file says NA,
    and species labels 0, 1, 2 (344,)."""
    source = resources.files("widgets").joinpath("data", "penguins.csv")
    with source.open("r", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or any(c not in rows[0] for c in ("species", *PENGUIN_FEATURES)):
        raise ValueError(f"unexpected columns in {source}: {list(rows[0]) if rows else []}")
    X = np.array(
        [[math.nan if r[c] == "NA" else float(r[c]) for c in PENGUIN_FEATURES] for r in rows]
    )
    y = np.array([float(PENGUIN_SPECIES.index(r["species"])) for r in rows])
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def _check_features(features: object) -> tuple[str, ...]:
    return _check_names("feature", features, WDBC_FEATURES)


def _check_names(kind: str, features: object, valid: tuple[str, ...]) -> tuple[str, ...]:
    if features is None:
        return valid
    names = (features,) if isinstance(features, str) else tuple(features)  # type: ignore[arg-type]
    if not names:
        raise ValueError("features must name at least one column, got an empty selection")
    for name in names:
        check_choice(kind, name, valid)
    if len(set(names)) != len(names):
        raise ValueError(f"features must not repeat a column, got {names!r}")
    return names


def _as_matrix(name: str, value: object) -> np.ndarray:
    """A read-only copy of ``value`` as a finite float array of shape (m, p), m, p ≥ 1."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got {value!r}") from None
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"{name} must be a 2-D array of shape (m, p), m, p ≥ 1, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} must contain only finite numbers, got {arr[tuple(bad)]} at row {bad[0]}, "
            f"column {bad[1]}"
        )
    arr.setflags(write=False)
    return arr


def _as_targets(name: str, value: object, m: int) -> np.ndarray:
    """A read-only copy of ``value`` as a finite float array of shape (m,)."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got {value!r}") from None
    if arr.shape != (m,):
        raise ValueError(f"{name} must have shape ({m},) to match X with {m} rows, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers, got {arr[~np.isfinite(arr)]}")
    arr.setflags(write=False)
    return arr


def _as_labels(name: str, value: object, m: int) -> np.ndarray:
    """Like ``_as_targets`` but every entry must be 0 or 1 (booleans are accepted)."""
    arr = _as_targets(name, value, m)
    bad = np.unique(arr[(arr != 0) & (arr != 1)])
    if bad.size:
        raise ValueError(f"{name} must contain only 0 and 1, got the values {bad[:5]}")
    return arr


def _as_class_labels(name: str, value: object, m: int, n_classes: int | None) -> np.ndarray:
    """Integer class labels 0 … K−1 of shape (m,) as a read-only int array; K = ``n_classes`` or,
    when ``None``, the largest label + 1 (at least 2)."""
    arr = _as_targets(name, value, m)
    bad = np.unique(arr[(arr != np.round(arr)) | (arr < 0)])
    if bad.size:
        raise ValueError(
            f"{name} must contain integer class labels 0, 1, …, K−1, got the values {bad[:5]}"
        )
    if n_classes is not None and arr.max() >= n_classes:
        found = np.unique(arr[arr >= n_classes])
        raise ValueError(
            f"{name} must contain labels in 0 … {n_classes - 1} (n_classes = {n_classes}), got "
            f"the values {found[:5]}"
        )
    labels = arr.astype(np.intp)
    labels.setflags(write=False)
    return labels


def _as_weights(value: object, m: int, name: str = "sample_weight") -> np.ndarray:
    """Example weights: a read-only float array of shape (m,), finite, ≥ 0 and not all zero."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got {value!r}") from None
    if arr.shape != (m,):
        raise ValueError(f"{name} must have shape ({m},) to match X with {m} rows, got {arr.shape}")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name} must hold finite weights in [0, inf), got {arr[i]} at index {i}")
    if not arr.any():
        raise ValueError(f"{name} must not be all zero (at least one example must count)")
    arr.setflags(write=False)
    return arr
