"""PenaltyGeometryExplorer: the region, the touching contour, the optimum and the weight paths
are the model's state for the controls set, the readout says which weight is exactly 0, and the
region's edge is where P_r(w) equals the optimum's budget t."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from widgets.explorers import EXPLORERS, PenaltyGeometryExplorer
from widgets.explorers import penalty_geometry as module
from widgets.models.penalty_geometry import (
    QUESTIONS,
    penalty_geometry_state,
    penalty_geometry_status,
)


@pytest.fixture(scope="module")
def ex():
    return PenaltyGeometryExplorer()


def xy(ex, name):
    x, y = ex.artist(name).get_data()
    return np.asarray(x, float), np.asarray(y, float)


def test_registered_and_documented():
    assert EXPLORERS[PenaltyGeometryExplorer] == ("07_regularization_and_softmax",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(tau=2.0), r"tau must be in \[0.001, 1\]"),
        (dict(tau=1e-4), r"tau must be in \[0.001, 1\]"),
        (dict(l1_ratio=1.5), r"l1_ratio must be in \[0, 1\]"),
        (dict(l1_ratio=-0.1), r"l1_ratio must be in \[0, 1\]"),
        (dict(l1_ratio=float("nan")), "l1_ratio must be a finite number"),
    ],
)
def test_constructor_rejects_out_of_range_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PenaltyGeometryExplorer(**kwargs)


@pytest.mark.parametrize("tau", [1e-3, 0.01, 0.05, 0.2, 1.0])
@pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
def test_artists_show_the_models_state(ex, tau, rho):
    ex.set(tau=tau, l1_ratio=rho)
    ref = penalty_geometry_state(tau=tau, l1_ratio=rho)
    np.testing.assert_array_equal(xy(ex, "optimum"), [[ref.optimum[0]], [ref.optimum[1]]])
    np.testing.assert_array_equal(np.column_stack(xy(ex, "region")), ref.boundary)
    np.testing.assert_array_equal(ex.artist("region_fill").get_xy()[: len(ref.boundary)],
                                  ref.boundary)  # fmt: skip
    np.testing.assert_array_equal(np.column_stack(xy(ex, "path")), ref.path)
    for j in (0, 1):
        x, y = xy(ex, f"w{j + 1}_path")
        np.testing.assert_array_equal(x, ref.path_taus)
        np.testing.assert_array_equal(y, ref.path[:, j])
    x, y = xy(ex, "weights_now")
    assert list(x) == [tau, tau] and list(y) == list(ref.optimum)
    assert ex.last_status.text == penalty_geometry_status(ref).text == ex.alt_text


@pytest.mark.parametrize("tau, rho", [(0.05, 1.0), (0.3, 0.5), (0.02, 0.0)])
def test_the_region_edge_is_the_budget_and_the_contour_its_loss(ex, tau, rho):
    """Every vertex of the drawn region has P_r(w) = t; every vertex of the drawn contour lies
    on f(w) = f(w*) to the grid's interpolation error, and passes next to w*."""
    ex.set(tau=tau, l1_ratio=rho)
    st = ex.state
    w = np.column_stack(xy(ex, "region"))
    penalty = rho * np.abs(w).sum(axis=1) + 0.5 * (1 - rho) * (w**2).sum(axis=1)
    np.testing.assert_allclose(penalty, st.budget, rtol=1e-12)
    cx, cy = xy(ex, "contact")
    keep = np.isfinite(cx)
    from widgets.models.penalty_geometry import _loss

    f = _loss().value(np.column_stack([cx[keep], cy[keep]]))
    np.testing.assert_allclose(f, st.optimum_loss, rtol=2e-3)
    gap = np.hypot(cx[keep] - st.optimum[0], cy[keep] - st.optimum[1]).min()
    assert gap < 0.06  # within the 121-point grid's spacing of w*


def test_readout_says_which_weight_is_exactly_zero(ex):
    ex.set(tau=0.2, l1_ratio=1.0)
    assert ex.state.zero == (False, True)
    text = ex.readout_boxes["zero"].value
    assert "w₂* (mean texture) = exactly 0" in text and "w₁* (mean radius) = 0.6" in text
    assert "is exactly 0" in ex.last_status.text
    ex.set(l1_ratio=0.0)  # L2 at the same τ: both weights shrink, neither reaches 0
    assert ex.state.zero == (False, False)
    assert "exactly 0" not in ex.readout_boxes["zero"].value
    assert "no weight is 0" in ex.last_status.text


def test_every_control_changes_state_and_status():
    ex = PenaltyGeometryExplorer()
    for name, value in (("tau", 0.3), ("l1_ratio", 0.4)):
        before = ex.last_status.text
        ex.set(**{name: value})
        assert getattr(ex.state, name) == value and ex.last_status.text != before


def test_question_hides_the_optimum_until_predicted():
    ex = PenaltyGeometryExplorer(question=QUESTIONS[0], tau=0.2)
    hidden = ("optimum", "region", "contact", "path", "w1_path", "weights_now")
    assert not any(ex.artist(n).get_visible() for n in hidden)
    assert ex.readout_boxes["zero"].layout.visibility == "hidden"
    assert ex.artist("unpenalized").get_visible()
    assert ex.predict("yes")  # w₂ is exactly 0 at τ = 0.2 under L1
    assert all(ex.artist(n).get_visible() for n in hidden)
    assert ex.readout_boxes["zero"].layout.visibility == "visible"
