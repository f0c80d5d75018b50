"""Tests for widgets.data: the shipped WDBC file, standardisation and the seeded synthetic sets."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pytest
from scipy.optimize import linprog

from widgets.data import (
    PENGUIN_FEATURES,
    PENGUIN_SPECIES,
    WDBC_FEATURES,
    Dataset,
    load_penguins,
    load_wdbc,
    make_circles,
    make_classification_2d,
    make_moons,
    make_sine_data,
)


def test_wdbc_csv_ships_inside_the_package() -> None:
    source = resources.files("widgets").joinpath("data", "wdbc.csv")
    assert source.is_file()
    header = source.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == ["diagnosis", *WDBC_FEATURES]


def test_wdbc_counts_and_names() -> None:
    data = load_wdbc()
    assert data.X.shape == (569, 30)
    assert data.feature_names == WDBC_FEATURES and len(set(WDBC_FEATURES)) == 30
    assert WDBC_FEATURES[0] == "mean radius" and WDBC_FEATURES[-1] == "worst fractal dimension"
    assert int((data.y == 1).sum()) == 212 and int((data.y == 0).sum()) == 357
    assert data.target_name == "malignant" and "569" in data.description


def test_wdbc_raw_values_match_the_uci_file() -> None:
    raw = load_wdbc(["mean radius", "mean texture", "worst area"], standardize=False)
    # first and last rows of UCI wdbc.data: M 17.99 10.38 ... 2019; B 7.76 24.54 ... 268.6
    np.testing.assert_array_equal(raw.X[0], [17.99, 10.38, 2019.0])
    np.testing.assert_array_equal(raw.X[-1], [7.76, 24.54, 268.6])
    assert raw.y[0] == 1 and raw.y[-1] == 0


def test_wdbc_standardised_with_population_std() -> None:
    data = load_wdbc()
    np.testing.assert_allclose(data.X.mean(axis=0), 0.0, atol=1e-14)
    np.testing.assert_allclose(data.X.std(axis=0, ddof=0), 1.0, rtol=1e-13)
    # with the sample std (ddof=1) the columns would have std exactly 1 under ddof=1 instead
    np.testing.assert_allclose(data.X.std(axis=0, ddof=1), math.sqrt(569 / 568), rtol=1e-13)


def test_wdbc_selects_features_by_name_in_the_given_order() -> None:
    full = load_wdbc(standardize=False)
    some = load_wdbc(["worst area", "mean radius"], standardize=False)
    np.testing.assert_array_equal(some.X, full.X[:, [23, 0]])
    assert some.feature_names == ("worst area", "mean radius")
    one = load_wdbc("mean texture")
    assert one.X.shape == (569, 1) and one.feature_names == ("mean texture",)


def test_dataset_arrays_are_read_only() -> None:
    data = load_wdbc("mean radius")
    with pytest.raises(ValueError, match="read-only"):
        data.X[0, 0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        data.y[0] = 0.0


@pytest.mark.parametrize("kind", ["overlapping", "separable"])
def test_classification_shapes_and_balance(kind: str) -> None:
    data = make_classification_2d(kind, n=201, rng=5)
    assert data.X.shape == (201, 2) and data.y.shape == (201,)
    assert set(np.unique(data.y)) == {0.0, 1.0}
    assert int(data.y.sum()) == 100
    assert 0 < data.y[:100].sum() < 100  # shuffled, not sorted by class


@pytest.mark.parametrize("kind", ["overlapping", "separable"])
def test_classification_is_deterministic_for_a_seed(kind: str) -> None:
    a = make_classification_2d(kind, rng=3)
    b = make_classification_2d(kind, rng=np.random.default_rng(3))
    c = make_classification_2d(kind, rng=4)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def _strictly_separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Whether some (w, b) has (2y − 1)(x·w + b) ≥ 1 for every point: a linear feasibility LP."""
    sign = 2 * y - 1
    A_ub = -sign[:, None] * np.column_stack([X, np.ones(len(y))])
    res = linprog(np.zeros(3), A_ub=A_ub, b_ub=-np.ones(len(y)), bounds=[(None, None)] * 3)
    assert res.status in (0, 2), res.message  # 0: feasible, 2: infeasible
    return res.status == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_separable_set_is_separable_and_overlapping_set_is_not(seed: int) -> None:
    sep = make_classification_2d("separable", rng=seed)
    assert _strictly_separable(sep.X, sep.y)
    u = np.array([math.cos(math.pi / 6), math.sin(math.pi / 6)])
    assert ((2 * sep.y - 1) * (sep.X @ u)).min() >= 0.5  # the documented margin
    over = make_classification_2d("overlapping", rng=seed)
    assert not _strictly_separable(over.X, over.y)


@pytest.mark.parametrize("make", [make_moons, make_circles])
def test_moons_and_circles_shapes_balance_and_seeds(make) -> None:
    data = make(n=201, rng=5)
    assert data.X.shape == (201, 2) and data.y.shape == (201,)
    assert int(data.y.sum()) == 101  # class 1 gets the odd point, as in scikit-learn
    assert 0 < data.y[:100].sum() < 100  # shuffled, not sorted by class
    np.testing.assert_array_equal(make(rng=3).X, make(rng=np.random.default_rng(3)).X)
    assert not np.array_equal(make(rng=3).X, make(rng=4).X)


def test_moons_lie_on_two_half_circles_before_the_noise() -> None:
    data = make_moons(n=100, noise=0.0, rng=0)
    upper, lower = data.X[data.y == 0], data.X[data.y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-15)
    assert upper[:, 1].min() >= 0.0  # the upper half of the unit circle
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-15)
    assert lower[:, 1].max() <= 0.5  # the lower half of the circle about (1, 0.5)
    assert sorted(upper[:, 0].round(12).tolist())[::49] == [-1.0, 1.0]  # from t = π to t = 0


def test_circles_radii_and_noise_spread() -> None:
    clean = make_circles(n=100, noise=0.0, factor=0.3, rng=0)
    radius = np.hypot(*clean.X.T)
    np.testing.assert_allclose(radius[clean.y == 0], 1.0, rtol=1e-15)
    np.testing.assert_allclose(radius[clean.y == 1], 0.3, rtol=1e-15)
    noisy = make_circles(n=20_000, noise=0.1, factor=0.3, rng=1)
    clean_big = make_circles(n=20_000, noise=0.0, factor=0.3, rng=1)
    # same seed, same shuffle: the difference is the noise alone
    residual = noisy.X - clean_big.X
    assert abs(residual.std() - 0.1) < 0.003  # sd of a sd estimate ≈ 0.1/√(2·40 000) = 0.0004


@pytest.mark.parametrize("make", [make_moons, make_circles])
@pytest.mark.parametrize("seed", [0, 1])
def test_no_line_separates_moons_or_circles(make, seed) -> None:
    for noise in (0.0, 0.1):
        data = make(n=200, noise=noise, rng=seed)
        assert not _strictly_separable(data.X, data.y)


@pytest.mark.parametrize("name", ["make_moons", "make_circles"])
def test_same_geometry_as_scikit_learn(name) -> None:
    datasets = pytest.importorskip("sklearn.datasets", reason="compared only where installed")
    kwargs = {"factor": 0.5} if name == "make_circles" else {}  # scikit-learn's default is 0.8
    ours = {"make_moons": make_moons, "make_circles": make_circles}[name](
        n=101, noise=0.0, **kwargs
    )
    X, y = getattr(datasets, name)(n_samples=101, noise=0.0, random_state=0, **kwargs)
    for label in (0, 1):  # the same points, in another order

        def in_order(points):  # sorted on rounded coordinates: ties must not hang on the last bit
            return points[np.lexsort(np.round(points, 9).T)]

        a, b = in_order(ours.X[ours.y == label]), in_order(X[y == label])
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_sine_data() -> None:
    data = make_sine_data()
    x, y = data.X[:, 0], data.y
    assert data.X.shape == (200, 1) and y.shape == (200,)
    assert x.min() >= 0.0 and x.max() <= 2.5 * math.pi
    np.testing.assert_array_equal(make_sine_data(rng=0).y, y)
    assert not np.array_equal(make_sine_data(rng=1).y, y)
    clean = make_sine_data(n=50, noise=0.0, rng=2)
    np.testing.assert_allclose(clean.y, np.sin(1.1 + 2.5 * clean.X[:, 0]), rtol=0, atol=0)


def test_sine_noise_has_the_requested_spread() -> None:
    big = make_sine_data(n=20_000, noise=0.5, rng=7)
    residual = big.y - np.sin(1.1 + 2.5 * big.X[:, 0])
    # standard errors: 0.5/√n ≈ 0.0035 for the mean, 0.5/√(2n) = 0.0025 for the std; 6σ margins
    assert abs(residual.mean()) < 0.021
    assert abs(residual.std() - 0.5) < 0.015
    assert abs(big.X.mean() - 1.25 * math.pi) < 0.04  # uniform on [0, 2.5π]: sd/√n ≈ 0.0064


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: load_wdbc(["nope"]), ValueError, "unknown feature 'nope'; valid values are: "),
        (lambda: load_wdbc(["mean radius", "mean radius"]), ValueError, "features must not repeat"),
        (lambda: load_wdbc([]), ValueError, "features must name at least one"),
        (lambda: load_wdbc(standardize="yes"), TypeError, "standardize"),
        (lambda: make_classification_2d("tangled"), ValueError, "unknown kind 'tangled'"),
        (lambda: make_classification_2d(n=1), ValueError, r"n must be an integer in \[2, inf\)"),
        (lambda: make_classification_2d(n=10.0), TypeError, "n must be an integer"),
        (lambda: make_classification_2d(rng=-1), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: make_sine_data(noise=-0.1), ValueError, r"noise must be in \[0, inf\)"),
        (lambda: make_moons(n=1), ValueError, r"n must be an integer in \[2, inf\)"),
        (lambda: make_moons(noise=-1.0), ValueError, r"noise must be in \[0, inf\)"),
        (lambda: make_circles(factor=1.0), ValueError, r"factor must be in \(0, 1\)"),
        (lambda: make_circles(rng="a"), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: make_sine_data(n=0), ValueError, "n must be an integer"),
        (lambda: Dataset(np.ones((3, 2)), np.ones(2), ("a", "b"), "t"), ValueError, "y must have"),
        (lambda: Dataset(np.ones((3, 2)), np.ones(3), ("a",), "t"), ValueError, "feature_names"),
        (lambda: Dataset([[1.0, np.inf]], [1.0], ("a", "b"), "t"), ValueError, "X must contain"),
        (lambda: Dataset(np.ones(3), np.ones(3), ("a",), "t"), ValueError, "X must be a 2-D"),
    ],
)
def test_invalid_arguments_raise(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


# -- Palmer penguins ------------------------------------------------------------------------------


def test_penguins_csv_is_the_documented_file():
    import hashlib

    source = resources.files("widgets").joinpath("data", "penguins.csv")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    readme = resources.files("widgets").joinpath("data", "README.md").read_text(encoding="utf-8")
    assert digest in readme.replace("\n", "")


def test_penguins_counts_missing_rows_and_labels():
    data = load_penguins()
    assert data.X.shape == (342, 4) and data.feature_names == PENGUIN_FEATURES
    assert data.class_names == PENGUIN_SPECIES == ("Adelie", "Chinstrap", "Gentoo")
    assert np.bincount(data.y.astype(int)).tolist() == [151, 68, 123]
    assert "2 of 344 rows dropped" in data.description
    with pytest.raises(ValueError, match=r"rows \[3, 271\].*missing='drop'"):
        load_penguins(missing="raise")


def test_penguins_raw_values_match_the_file():
    raw = load_penguins(standardize=False)
    # the first row of the file, and the last (row 343; rows 3 and 271 were dropped)
    np.testing.assert_array_equal(raw.X[0], [39.1, 18.7, 181.0, 3750.0])
    np.testing.assert_array_equal(raw.X[-1], [50.2, 18.7, 198.0, 3775.0])
    assert raw.y[0] == 0 and raw.y[-1] == 1  # Adelie, Chinstrap
    some = load_penguins(["body_mass_g", "bill_length_mm"], standardize=False)
    np.testing.assert_array_equal(some.X, raw.X[:, [3, 0]])


def test_penguins_standardised_with_population_std():
    data = load_penguins()
    np.testing.assert_allclose(data.X.mean(axis=0), 0.0, atol=1e-14)
    np.testing.assert_allclose(data.X.std(axis=0, ddof=0), 1.0, rtol=1e-13)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(features=["beak"]), ValueError, "unknown feature 'beak'; valid values are"),
        (dict(features=[]), ValueError, "features must name at least one column"),
        (dict(features=["body_mass_g"] * 2), ValueError, "features must not repeat"),
        (
            dict(missing="mean"),
            ValueError,
            "unknown missing 'mean'; valid values are: 'drop', 'raise'",
        ),
        (dict(standardize=1), TypeError, "standardize must be True or False"),
    ],
)
def test_penguins_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_penguins(**kwargs)


def test_dataset_class_names_must_fit_the_labels():
    Dataset(np.zeros((2, 1)), [0, 2], ("x",), "c", class_names=("a", "b", "c"))
    with pytest.raises(ValueError, match=r"labels in 0 … 1"):
        Dataset(np.zeros((2, 1)), [0, 2], ("x",), "c", class_names=("a", "b"))
