"""ImbalanceExplorer: the minority fraction and the strategy change the fit, the bars and the
precision–recall curve as the model layer says, and the accuracy paradox shows."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import sklearn.metrics as skm

from widgets.explorers import EXPLORERS, ImbalanceExplorer
from widgets.explorers import imbalance as module
from widgets.models.imbalance import STRATEGIES


@pytest.fixture(scope="module")
def ex():
    return ImbalanceExplorer()


def test_registered_and_documented():
    assert EXPLORERS[ImbalanceExplorer] == ("08_judging_a_classifier",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(minority_fraction=0.01), ValueError, r"minority_fraction must be in \[0.02, 0.37\]"),
        (dict(minority_fraction=0.5), ValueError, r"minority_fraction must be in \[0.02, 0.37\]"),
        (dict(strategy="smote"), ValueError, "strategy must be one of 'none', 'class weights'"),
    ],
)
def test_constructor_rejects_bad_values(kwargs, error, match):
    with pytest.raises(error, match=match):
        ImbalanceExplorer(**kwargs)


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("fraction", [0.03, 0.1, 0.3])
def test_bars_and_curve_are_the_held_out_metrics(ex, strategy, fraction):
    ex.set(minority_fraction=fraction, strategy=strategy)
    st = ex.state
    y = st.y_test
    flagged = st.X_test @ st.params[:2] + st.params[2] >= np.log(st.threshold / (1 - st.threshold))
    segs = ex.artist("bars").get_segments()
    lengths = [float(s[1][0]) for s in segs]
    assert lengths == pytest.approx([
        skm.recall_score(y, flagged), skm.accuracy_score(y, flagged), 1 - y.mean()
    ], abs=1e-12)  # fmt: skip
    precision, recall, _ = skm.precision_recall_curve(y, st.params[:2] @ st.X_test.T)
    x, yy = ex.artist("pr_curve").get_data()
    np.testing.assert_allclose(x, recall) and np.testing.assert_allclose(yy, precision)
    assert ex.artist("plain_boundary").get_visible() == (strategy != "none")
    assert st.strategy.capitalize() in ex.last_status.text


def test_marker_area_is_the_training_weight(ex):
    ex.set(minority_fraction=0.05, strategy="class weights")
    st = ex.state
    weights = st.train_weight
    m, m1 = st.y_train.size, int(st.y_train.sum())
    np.testing.assert_allclose(ex.artist("points_1").get_sizes() / module._AREA, m / (2 * m1))
    assert ex.artist("points_0").get_markersize() ** 2 == pytest.approx(
        module._AREA * m / (2 * (m - m1))
    )
    ex.set(strategy="oversampling")
    copies = ex.artist("points_1").get_sizes() / module._AREA
    assert copies.sum() == pytest.approx(m - m1) and np.all(copies == np.round(copies))
    assert weights.size == m


def test_the_accuracy_paradox_and_what_each_strategy_gains(ex):
    ex.set(minority_fraction=0.05, strategy="none")
    plain = ex.state
    assert plain.majority_accuracy >= 0.94 and "would score 95 %" in ex.last_status.text
    for strategy in STRATEGIES[1:]:
        ex.set(strategy=strategy)
        assert ex.state.minority_recall > plain.minority_recall
        assert ex.state.accuracy < plain.accuracy  # found more, scored less


def test_every_control_changes_state_and_status():
    ex = ImbalanceExplorer()
    for name, value in (("minority_fraction", 0.2), ("strategy", "class weights")):
        before = ex.last_status.text
        ex.set(**{name: value})
        assert getattr(ex.state, name) == value and ex.last_status.text != before
