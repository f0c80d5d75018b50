"""RegularizationPathExplorer: the weight paths, the scores against τ, the best τ and the
early-stopping run are the model's state for the controls set; the count of non-zero weights is
the current fit's; a penalty's change keeps every curve inside the fixed limits."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from widgets.explorers import EXPLORERS, RegularizationPathExplorer
from widgets.explorers import regularization_path as module
from widgets.models.regularization_paths import (
    GD_STEPS,
    PENALTY_NAMES,
    QUESTIONS,
    TAUS,
    regularization_path_state,
    regularization_path_status,
)


@pytest.fixture(scope="module")
def ex():
    return RegularizationPathExplorer()


def xy(ex, name):
    x, y = ex.artist(name).get_data()
    return np.asarray(x, float), np.asarray(y, float)


def test_registered_and_documented():
    assert EXPLORERS[RegularizationPathExplorer] == ("07_regularization_and_softmax",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(tau=2.0), r"tau must be in \[0.0001, 1\]"),
        (dict(tau=1e-5), r"tau must be in \[0.0001, 1\]"),
        (dict(penalty="lasso"), "penalty must be one of 'l2', 'l1', 'elasticnet'"),
        (dict(step=-1), r"step must be an integer in \[0, 2000\]"),
        (dict(step=GD_STEPS + 1), r"step must be an integer in \[0, 2000\]"),
    ],
)
def test_constructor_rejects_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RegularizationPathExplorer(**kwargs)


@pytest.mark.parametrize("penalty", list(PENALTY_NAMES))
@pytest.mark.parametrize("tau", [1e-4, float(TAUS[20]), 0.0123, 1.0])
def test_artists_show_the_models_state(ex, penalty, tau):
    ex.set(tau=tau, penalty=penalty, step=37)
    given, tau = tau, ex.value("tau")  # as the slider holds it, to 12 significant digits
    assert tau == pytest.approx(given, rel=1e-11)
    ref = regularization_path_state(tau=tau, penalty=penalty, step=37)
    segments = ex.artist("weights").get_segments()
    assert len(segments) == 30
    for j, seg in enumerate(segments):
        np.testing.assert_array_equal(seg, np.column_stack([ref.taus, ref.coef[:, j]]))
    np.testing.assert_array_equal(xy(ex, "weights_now")[1], ref.weights)
    assert ex.artist("nonzero").get_text() == f"{ref.n_weights_nonzero} of 30 weights non-zero"
    for part in ("train", "validation"):
        for what in ("loss", "accuracy"):
            x, y = xy(ex, f"{part}_{what}")
            np.testing.assert_array_equal(x, ref.taus)
            np.testing.assert_array_equal(y, getattr(ref, f"{part}_{what}"))
            now = getattr(ref, f"current_{part}_{what}")
            assert [list(v) for v in xy(ex, f"{part}_{what}_now")] == [[tau], [now]]
    b = ref.best_index
    assert [list(v) for v in xy(ex, "best_loss")] == [[ref.best_tau], [ref.validation_loss[b]]]
    assert [list(v) for v in xy(ex, "best_accuracy")] == [
        [ref.best_tau], [ref.validation_accuracy[b]]
    ]  # fmt: skip
    for name in ("tau_weights", "tau_loss", "tau_accuracy"):
        assert list(ex.artist(name).get_xdata()) == [tau, tau]
    assert ex.last_status.text == regularization_path_status(ref).text == ex.alt_text


def test_the_best_tau_has_the_lowest_validation_loss(ex):
    for penalty in PENALTY_NAMES:
        ex.set(penalty=penalty)
        _, loss = xy(ex, "validation_loss")
        _, (best,) = xy(ex, "best_loss")
        assert best == loss.min()


def test_l1_zeros_grow_with_tau_and_l2_keeps_every_weight(ex):
    counts = []
    for tau in TAUS[::6]:
        ex.set(penalty="l1", tau=float(tau))
        counts.append(int(ex.artist("nonzero").get_text().split()[0]))
        assert counts[-1] == np.count_nonzero(xy(ex, "weights_now")[1])
    assert counts[0] > counts[-1] and all(np.diff(counts[2:]) <= 0)
    ex.set(penalty="l2", tau=0.5)
    assert ex.artist("nonzero").get_text() == "30 of 30 weights non-zero"


def test_every_curve_stays_inside_the_fixed_limits(ex):
    for penalty in PENALTY_NAMES:
        ex.set(penalty=penalty)
        for ax, names in ((1, ("train_loss", "validation_loss")),
                          (2, ("train_accuracy", "validation_accuracy"))):  # fmt: skip
            lo, hi = ex.axes[ax].get_ylim()
            for n in names:
                assert lo < xy(ex, n)[1].min() and xy(ex, n)[1].max() < hi
        lo, hi = ex.axes[0].get_ylim()
        assert lo < ex.state.coef.min() and ex.state.coef.max() < hi


def test_the_step_moves_only_the_early_stopping_marker(ex):
    ex.set(step=0)
    still = xy(ex, "validation_loss")
    for t in (0, 233, GD_STEPS):
        ex.set(step=t)
        assert [list(v) for v in xy(ex, "gd_now")] == [[t], [ex.state.gd_validation_loss[t]]]
        assert list(ex.artist("gd_step").get_xdata()) == [t, t]
        assert f"Gradient descent at step {t}:" in ex.last_status.text
        np.testing.assert_array_equal(xy(ex, "validation_loss")[1], still[1])
    best = ex.state.best_step
    x, y = xy(ex, "gd_validation")
    assert [list(v) for v in xy(ex, "gd_best")] == [[best], [y.min()]] and len(x) == GD_STEPS + 1


def test_question_hides_the_validation_curves_and_weights_until_predicted():
    ex = RegularizationPathExplorer(question=QUESTIONS[0], tau=0.01, penalty="l1")
    hidden = ("weights", "nonzero", "validation_loss", "best_loss", "validation_accuracy")
    assert not any(ex.artist(n).get_visible() for n in hidden)
    assert ex.artist("train_loss").get_visible() and ex.artist("gd_validation").get_visible()
    ex.predict(ex.state.n_weights_nonzero)
    assert all(ex.artist(n).get_visible() for n in hidden)
