"""Choosing examples: stratified splits, subsampling to a class balance, random oversampling.

Every function returns integer indices into the data (so the same selection applies to features,
labels and scores alike) and draws from an explicit seed: an integer or a
``numpy.random.Generator``. The same integer seed always gives the same indices.

The order matters: split first, then resample the training part only. Oversampling before the
split puts copies of one example on both sides, so the test set partly repeats the training set
and scores a model too well (:func:`oversample_then_split` shows it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_vector, check_real, check_rng

__all__ = [
    "oversample_then_split",
    "random_oversample",
    "stratified_split",
    "subsample_to_fraction",
]


def stratified_split(
    y: ArrayLike, sizes: Sequence[float] = (0.6, 0.2, 0.2), rng: np.random.Generator | int = 0
) -> tuple[np.ndarray, ...]:
    """Split example indices into parts (e.g. train / validation / test) keeping class shares.

    Each class is shuffled and cut on its own in the proportions ``sizes``, so every part holds
    about the same share of each class as the whole. A class of n_c examples gives part k
    ⌊sizes[k]·n_c⌋ examples, and the few left over go one each to the parts with the largest
    remainders (largest-remainder rounding), so each part is within one example per class of
    ``sizes[k]·n_c``. Classes are taken in increasing order of label, shuffled by one draw of
    ``rng`` each.

    Args:
        y: class labels (any finite numbers), shape (m,).
        sizes: the parts' fractions, each in (0, 1), summing to 1; at least two.
        rng: a ``numpy.random.Generator`` or a non-negative integer seed.

    Returns:
        One sorted integer index array per part; together they hold every index once.

    Raises:
        ValueError: for bad sizes, or a class too small to give every part an example.

    Example:
        >>> train, test = stratified_split([0, 0, 0, 0, 1, 1, 1, 1], sizes=(0.5, 0.5), rng=1)
        >>> len(train), len(test), int(sum(train >= 4)), int(sum(test >= 4))
        (4, 4, 2, 2)
    """
    y = _nonempty("y", y)
    fractions = _check_sizes(sizes)
    gen = check_rng("rng", rng)
    parts: list[list[np.ndarray]] = [[] for _ in fractions]
    for label in np.unique(y):
        members = gen.permutation(np.flatnonzero(y == label))
        counts = _largest_remainder(fractions, members.size)
        if counts.min() == 0:
            raise ValueError(
                f"class {label:g} has {members.size} examples, too few to put at least one in "
                f"each of the {len(fractions)} parts of sizes {tuple(fractions.tolist())}"
            )
        for part, chunk in zip(parts, np.split(members, np.cumsum(counts)[:-1]), strict=True):
            part.append(chunk)
    return tuple(np.sort(np.concatenate(part)) for part in parts)


def subsample_to_fraction(
    y: ArrayLike, fraction: float, *, label: float = 1, rng: np.random.Generator | int = 0
) -> np.ndarray:
    """Indices keeping every example of the other class and enough of class ``label`` that it
    makes up ``fraction`` of the result: a seeded way to make a class rare.

    With n_other examples of the other class, k = round(fraction · n_other / (1 − fraction)) of
    class ``label`` are kept, so k / (k + n_other) ≈ fraction. They are the first k of one
    random permutation of that class, so for a given integer seed a smaller fraction keeps a
    subset of what a larger one keeps (a slider moving through fractions removes examples one
    by one instead of redrawing them).

    Args:
        y: labels of exactly two classes, shape (m,).
        fraction: the share of class ``label`` wanted, in (0, its current share].
        label: which class to subsample (the future minority).
        rng: a ``numpy.random.Generator`` or a non-negative integer seed.

    Returns:
        Sorted integer indices into ``y``.

    Raises:
        ValueError: for a ``fraction`` outside (0, current share], one so small that no example
            of ``label`` would be kept, or ``y`` not holding exactly two classes with ``label``.

    Example:
        >>> y = [0] * 9 + [1] * 6
        >>> keep = subsample_to_fraction(y, 0.25, rng=0)  # keep 3 of the 6 ones beside 9 zeros
        >>> len(keep), int(sum(np.asarray(y)[keep]))
        (12, 3)
    """
    y = _nonempty("y", y)
    label = check_real("label", label)
    classes = np.unique(y)
    if classes.size != 2 or label not in classes:
        raise ValueError(
            f"y must hold exactly two classes, one of them label = {label:g}; got the classes "
            f"{classes[:5].tolist()}"
        )
    members = np.flatnonzero(y == label)
    n_other = y.size - members.size
    share = members.size / y.size
    fraction = check_real("fraction", fraction, low=0.0, high=share, low_open=True)
    gen = check_rng("rng", rng)
    keep = min(members.size, round(fraction * n_other / (1.0 - fraction)))
    if keep == 0:
        smallest = 0.5 / (n_other + 0.5)
        raise ValueError(
            f"fraction must be above {smallest:.3g} to keep one example of class {label:g} "
            f"beside {n_other} of the other class, got {fraction!r}"
        )
    kept = gen.permutation(members)[:keep]
    return np.sort(np.r_[np.flatnonzero(y != label), kept])


def random_oversample(
    y: ArrayLike, *, ratio: float = 1.0, rng: np.random.Generator | int = 0
) -> np.ndarray:
    """Indices of every example plus copies of minority examples, drawn with replacement,
    until the minority has ``ratio`` times as many examples as the majority.

    The copies carry no new information: to a logistic model, an example that appears c times
    weighs c times as much, so oversampling to balance is a noisy version of class weights. Use
    it on the training part only (see :func:`oversample_then_split`).

    Args:
        y: labels of two classes, shape (m,); the minority is the rarer (with equal counts
            nothing is added).
        ratio: the wanted minority : majority ratio, in [current ratio, 1].
        rng: a ``numpy.random.Generator`` or a non-negative integer seed.

    Returns:
        ``np.r_[0:m, copies]``: the original indices in order, then the drawn copies.

    Example:
        >>> idx = random_oversample([0, 0, 0, 0, 1, 1], rng=0)
        >>> len(idx), int(sum(np.asarray([0, 0, 0, 0, 1, 1])[idx]))
        (8, 4)
    """
    y = _nonempty("y", y)
    classes, counts = np.unique(y, return_counts=True)
    if classes.size != 2:
        raise ValueError(f"y must hold exactly two classes, got {classes[:5].tolist()}")
    minority, n_min, n_maj = classes[np.argmin(counts)], counts.min(), counts.max()
    ratio = check_real("ratio", ratio, low=n_min / n_maj, high=1.0)
    gen = check_rng("rng", rng)
    extra = round(ratio * n_maj) - n_min
    copies = gen.choice(np.flatnonzero(y == minority), size=extra, replace=True)
    return np.r_[np.arange(y.size), copies]


def oversample_then_split(
    y: ArrayLike, *, test_size: float = 0.3, rng: np.random.Generator | int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The mistake, for the lesson to measure: oversample first, then split into train and test.

    Returns the train and test parts as indices into ``y``'s ORIGINAL examples, with repeats:
    a minority example copied before the split can land on both sides, so the test set then
    holds examples the model was trained on. Compare with the right order, splitting with
    :func:`stratified_split` and oversampling the training part only.

    Args:
        y: labels of two classes, shape (m,).
        test_size: the share of the oversampled examples put in the test part, in (0, 1).
        rng: a ``numpy.random.Generator`` or a non-negative integer seed.

    Returns:
        ``(train, test)``: indices into ``y``, possibly repeated.

    Example:
        >>> y = np.r_[np.zeros(90), np.ones(10)]
        >>> train, test = oversample_then_split(y, rng=0)
        >>> leaked = np.intersect1d(train, test)  # the same tumour on both sides
        >>> bool(leaked.size > 0), bool(np.all(y[leaked] == 1))
        (True, True)
    """
    y = _nonempty("y", y)
    test_size = check_real("test_size", test_size, low=0.0, high=1.0, low_open=True, high_open=True)
    gen = check_rng("rng", rng)
    resampled = random_oversample(y, rng=gen)
    train, test = stratified_split(y[resampled], sizes=(1.0 - test_size, test_size), rng=gen)
    return resampled[train], resampled[test]


def _nonempty(name: str, value: ArrayLike) -> np.ndarray:
    arr = as_vector(name, value)
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one label, got an empty array")
    return arr


def _check_sizes(sizes: Sequence[float]) -> np.ndarray:
    try:
        values = [check_real("sizes", s, low=0.0, high=1.0, low_open=True, high_open=True)
                  for s in sizes]  # fmt: skip
    except TypeError:
        raise TypeError(f"sizes must be a sequence of fractions, got {sizes!r}") from None
    if len(values) < 2 or not math.isclose(sum(values), 1.0, rel_tol=0, abs_tol=1e-9):
        raise ValueError(
            f"sizes must be at least two fractions in (0, 1) summing to 1, got {tuple(values)}"
        )
    return np.array(values)


def _largest_remainder(fractions: np.ndarray, n: int) -> np.ndarray:
    """Integer counts summing to n, each within 1 of fractions[k]·n (Hamilton's method)."""
    exact = fractions * n
    counts = np.floor(exact).astype(int)
    leftover = n - counts.sum()
    # ties in the remainders go to the earlier part (a stable sort of −remainder)
    counts[np.argsort(-(exact - counts), kind="stable")[:leftover]] += 1
    return counts
