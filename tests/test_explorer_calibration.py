"""CalibrationExplorer: the reliability diagram and histogram are scikit-learn's, for every
model, method and bin count; calibrating keeps Platt's ranking and repairs the overfitted model."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import sklearn.calibration
import sklearn.metrics as skm

from widgets.explorers import EXPLORERS, CalibrationExplorer
from widgets.explorers import calibration as module
from widgets.models.calibration import CALIBRATION_QUESTIONS, METHODS, MODELS


@pytest.fixture(scope="module")
def ex():
    return CalibrationExplorer()


def test_registered_and_documented():
    assert EXPLORERS[CalibrationExplorer] == ("08_judging_a_classifier",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_bins=1), ValueError, r"n_bins must be an integer in \[2, 20\]"),
        (dict(n_bins=21), ValueError, r"n_bins must be an integer in \[2, 20\]"),
        (dict(model="deep"), ValueError, "model must be one of 'regularised', 'overfitted'"),
        (dict(method="beta"), ValueError, "method must be one of 'none', 'Platt', 'isotonic'"),
    ],
)
def test_constructor_rejects_bad_values(kwargs, error, match):
    with pytest.raises(error, match=match):
        CalibrationExplorer(**kwargs)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n_bins", [2, 7, 20])
def test_diagram_and_histogram_match_sklearn(ex, model, method, n_bins):
    ex.set(model=model, method=method, n_bins=n_bins)
    st = ex.state
    true, pred = sklearn.calibration.calibration_curve(st.y, st.proba, n_bins=n_bins)
    x, y = ex.artist("after").get_data()
    np.testing.assert_allclose(x, pred, atol=1e-12) and np.testing.assert_allclose(y, true)
    _, counts = ex.artist("hist_after").get_data()
    # binned as calibration_curve bins (a prediction on an inner edge goes to the lower bin;
    # np.histogram would put it in the upper one)
    inner = np.linspace(0, 1, n_bins + 1)[1:-1]
    ref = np.bincount(np.searchsorted(inner, st.proba), minlength=n_bins)
    np.testing.assert_array_equal(counts[:-1], ref)
    assert ex.artist("before").get_visible() == (method != "none")
    scores = ex.readout_boxes["scores"].value
    assert f"{skm.brier_score_loss(st.y, st.proba):.3f}" in scores
    assert f"{n_bins} bins" in ex.last_status.text


def test_platt_repairs_the_overfitted_model_and_keeps_the_ranking(ex):
    ex.set(model="overfitted", method="Platt", n_bins=10)
    st = ex.state
    assert st.log_loss < 0.5 * st.log_loss_before and st.auc == pytest.approx(st.auc_before)
    x, y = (np.asarray(a) for a in ex.artist("map").get_data())
    at = {round(float(a), 3): float(b) for a, b in zip(x, y, strict=True)}
    # increasing, and the overfitted model's confident 1 % and 99 % are pulled inwards
    assert np.all(np.diff(y) >= 0) and at[0.01] > 0.1 and at[0.99] < 0.9


def test_every_control_changes_state_and_status():
    ex = CalibrationExplorer()
    for name, value in (("model", "regularised"), ("method", "isotonic"), ("n_bins", 12)):
        before = ex.last_status.text
        ex.set(**{name: value})
        assert getattr(ex.state, name) == value and ex.last_status.text != before


def test_the_scores_are_hidden_until_predicted():
    ex = CalibrationExplorer(question=CALIBRATION_QUESTIONS[0])
    assert ex.readout_boxes["scores"].layout.visibility == "hidden"
    ex.predict("no")
    assert ex.readout_boxes["scores"].layout.visibility == "visible"
