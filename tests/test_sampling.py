"""widgets.sampling: stratified splits, subsampling to a fraction, oversampling and its leak."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from sklearn.neighbors import KNeighborsClassifier

from widgets import sampling
from widgets.data import load_wdbc
from widgets.metrics import precision_recall_f1
from widgets.sampling import (
    oversample_then_split,
    random_oversample,
    stratified_split,
    subsample_to_fraction,
)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(sampling, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4 and result.failed == 0


SIZES = st.sampled_from([(0.6, 0.2, 0.2), (0.5, 0.5), (0.7, 0.3), (0.8, 0.1, 0.1), (0.25,) * 4])


@settings(max_examples=150, deadline=None)
@given(
    counts=st.lists(st.integers(10, 80), min_size=1, max_size=3),  # ≥ 1/min(sizes)
    sizes=SIZES,
    seed=st.integers(0, 2**32 - 1),
)
@example(counts=[4, 4], sizes=(0.25,) * 4, seed=0)  # one example of each class per part
@example(counts=[212, 357], sizes=(0.6, 0.2, 0.2), seed=0)  # WDBC's classes
def test_stratified_split_partitions_and_keeps_class_shares(counts, sizes, seed) -> None:
    y = np.repeat(np.arange(len(counts)), counts)
    np.random.default_rng(seed).shuffle(y)
    parts = stratified_split(y, sizes, rng=seed)
    assert len(parts) == len(sizes)
    every = np.concatenate(parts)
    np.testing.assert_array_equal(np.sort(every), np.arange(y.size))  # a partition
    for part, size in zip(parts, sizes, strict=True):
        assert part.dtype.kind == "i" and np.all(np.diff(part) > 0)  # sorted, no repeats
        for label, n_c in enumerate(counts):
            # stratified: each class within one example of its exact share
            assert abs((y[part] == label).sum() - size * n_c) < 1 + 1e-9


def test_stratified_split_is_deterministic_for_a_seed_and_differs_between_seeds() -> None:
    y = load_wdbc("mean radius").y
    a = stratified_split(y, rng=8)
    b = stratified_split(y, rng=np.random.default_rng(8))
    c = stratified_split(y, rng=9)
    for pa, pb in zip(a, b, strict=True):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a[0], c[0])
    # WDBC, 212 malignant and 357 benign, 60/20/20: 127.2, 42.4, 42.4 malignant round to
    # 127, 43, 42 (a tie of remainders goes to the earlier part), 214.2, 71.4, 71.4 benign to
    # 214, 72, 71
    assert [int(y[p].sum()) for p in a] == [127, 43, 42]
    assert [len(p) for p in a] == [341, 115, 113]


@settings(max_examples=100, deadline=None)
@given(
    n_minor=st.integers(2, 60),
    n_major=st.integers(2, 100),
    data=st.data(),
    seed=st.integers(0, 1000),
)
def test_subsample_reaches_the_fraction_and_nests(n_minor, n_major, data, seed) -> None:
    y = np.r_[np.ones(n_minor), np.zeros(n_major)]
    share = n_minor / y.size
    lowest = 0.5 / (n_major + 0.5) + 1e-9
    assume(lowest < share)
    f1, f2 = sorted(data.draw(st.lists(st.floats(lowest, share), min_size=2, max_size=2)))
    small, large = (subsample_to_fraction(y, f, rng=seed) for f in (f1, f2))
    for keep, f in ((small, f1), (large, f2)):
        assert np.all(y[keep][y[keep] == 0] == 0) and (y[keep] == 0).sum() == n_major
        k = int(y[keep].sum())
        assert k == min(n_minor, round(f * n_major / (1 - f)))
        # k rounds f·n/(1 − f), the solution of k/(k + n) = f: |k(1 − f) − f·n| ≤ (1 − f)/2
        assert abs(k - f * (k + n_major)) <= 0.5 * (1 - f) + 1e-9 or k == n_minor
    assert set(small) <= set(large)  # a smaller fraction keeps a subset of a larger one


def test_subsample_is_deterministic() -> None:
    y = load_wdbc("mean radius").y
    np.testing.assert_array_equal(
        subsample_to_fraction(y, 0.1, rng=3), subsample_to_fraction(y, 0.1, rng=3)
    )
    assert not np.array_equal(
        subsample_to_fraction(y, 0.1, rng=3), subsample_to_fraction(y, 0.1, rng=4)
    )
    keep = subsample_to_fraction(y, 0.05, rng=3)
    assert int(y[keep].sum()) == 19 and len(keep) == 357 + 19  # round(0.05 · 357 / 0.95) = 19


@settings(max_examples=100, deadline=None)
@given(n_minor=st.integers(1, 40), n_major=st.integers(1, 80), seed=st.integers(0, 1000))
@example(n_minor=5, n_major=5, seed=0)
def test_oversampling_balances_by_copying_minority_examples(n_minor, n_major, seed) -> None:
    y = np.r_[np.ones(n_minor), np.zeros(n_major)]
    idx = random_oversample(y, rng=seed)
    np.testing.assert_array_equal(idx[: y.size], np.arange(y.size))  # every original, in order
    copies = idx[y.size :]
    minority = 1.0 if n_minor < n_major else 0.0
    assert np.all(y[copies] == minority)
    assert (y[idx] == 0).sum() == (y[idx] == 1).sum() == max(n_minor, n_major)
    np.testing.assert_array_equal(idx, random_oversample(y, rng=seed))


def test_oversampling_to_a_ratio() -> None:
    y = np.r_[np.ones(10), np.zeros(100)]
    idx = random_oversample(y, ratio=0.5, rng=0)
    assert (y[idx] == 1).sum() == 50 and (y[idx] == 0).sum() == 100


def test_oversampling_before_the_split_leaks_and_inflates_the_test_score() -> None:
    # Five percent malignant tumours, as a screen might see them; a 1-nearest-neighbour model
    # memorises its training set, so any tumour it saw scores perfectly when met again.
    data = load_wdbc(["mean radius", "mean texture", "mean smoothness", "mean symmetry"])
    keep = subsample_to_fraction(data.y, 0.05, rng=1)
    X, y = data.X[keep], data.y[keep]

    wrong_train, wrong_test = oversample_then_split(y, test_size=0.3, rng=2)
    leaked = np.isin(wrong_test, wrong_train)
    assert leaked.any() and np.all(y[wrong_test[leaked]] == 1)  # only copied minority examples

    train, test = stratified_split(y, sizes=(0.7, 0.3), rng=2)
    right_train = train[random_oversample(y[train], rng=2)]
    assert not np.isin(test, right_train).any()

    def minority_recall(fit_idx, test_idx) -> float:
        model = KNeighborsClassifier(n_neighbors=1).fit(X[fit_idx], y[fit_idx])
        return precision_recall_f1(y[test_idx], model.predict(X[test_idx]))[1]

    leaky, honest = minority_recall(wrong_train, wrong_test), minority_recall(right_train, test)
    # most of the wrong test set's malignant tumours are copies of training ones: found for free
    assert leaked[y[wrong_test] == 1].mean() > 0.5
    assert leaky > honest + 0.2


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: stratified_split([0, 1, 0, 1], sizes=(0.5, 0.6)), ValueError, "summing to 1"),
        (lambda: stratified_split([0, 1, 0, 1], sizes=(1.0,)), ValueError, r"in \(0, 1\)"),
        (lambda: stratified_split([0, 1, 0, 1], sizes=(0.5,)), ValueError, "at least two"),
        (lambda: stratified_split([0, 0, 0, 1], sizes=(0.5, 0.5)), ValueError,
         "class 1 has 1 examples, too few"),
        (lambda: stratified_split([0, 1], sizes=0.5), TypeError, "sizes must be a sequence"),
        (lambda: stratified_split([0, 1], rng=-1), TypeError, "rng must be"),
        (lambda: stratified_split([], sizes=(0.5, 0.5)), ValueError, "at least one"),
        (lambda: stratified_split([0, np.nan]), ValueError, "y must contain only finite"),
        (lambda: subsample_to_fraction([0, 0, 1, 1], 0.6), ValueError,
         r"fraction must be in \(0, 0.5\]"),
        (lambda: subsample_to_fraction([0, 0, 1, 1], 0.0), ValueError, "fraction must be in"),
        (lambda: subsample_to_fraction([0] * 100 + [1] * 50, 0.001), ValueError,
         "fraction must be above 0.00498 to keep one example"),
        (lambda: subsample_to_fraction([0, 1, 2], 0.3), ValueError, "exactly two classes"),
        (lambda: subsample_to_fraction([0, 0, 1], 0.3, label=2), ValueError,
         "one of them label = 2"),
        (lambda: random_oversample([1, 1, 1]), ValueError, "exactly two classes"),
        (lambda: random_oversample([0, 0, 0, 1], ratio=0.2), ValueError,
         r"ratio must be in \[0.333333, 1\]"),
        (lambda: oversample_then_split([0, 0, 1, 1, 0, 1], test_size=1.0), ValueError,
         "test_size must be in"),
    ],
)  # fmt: skip
def test_bad_input_raises(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()
