"""FitByHandExplorer: the artists show what the model computes.

Each test sets controls the way a learner would and compares the plotted data with a reference
computed independently (plain NumPy formulas, SciPy's optimiser, or the package's simulate called
directly), with the tolerance stated where it is not exact.
"""

from __future__ import annotations

import doctest
import importlib
import math
import warnings

import numpy as np
import pytest
from logistic_reference import plain_sigmoid, scipy_fit

from widgets.data import WDBC_FEATURES, load_wdbc
from widgets.explorers import EXPLORERS, FitByHandExplorer
from widgets.models.fit_by_hand import best_fit_question, fit_state, weight_sign_question


# ================================================================================================
# FitByHandExplorer
# ================================================================================================
@pytest.fixture(scope="module")
def fit():
    return FitByHandExplorer()


def test_registered_for_lesson_01():
    assert EXPLORERS[FitByHandExplorer] == ("01_logistic_regression_mle",)


def test_curve_and_likelihood_bars_match_plain_formulas(fit):
    fit.set(feature="mean radius", w=2.5, b=-0.4)
    data = load_wdbc(["mean radius"])
    x, y = data.X[:, 0], data.y
    xc, pc = fit.artist("curve").get_data()
    np.testing.assert_allclose(pc, plain_sigmoid(2.5 * np.asarray(xc) - 0.4), rtol=1e-12)

    p = plain_sigmoid(2.5 * x - 0.4)
    likelihood = p**y * (1 - p) ** (1 - y)  # ŷ^y (1 − ŷ)^(1 − y), literally
    paths = fit.artist("bars").get_segments()
    assert len(paths) == 2  # one NaN-broken polyline of bars per class
    for c, path in zip((0, 1), paths, strict=True):
        bars = path.reshape(-1, 2, 2)  # (bottom, top) per example; NaN breaks not returned
        rows = np.flatnonzero(y == c)
        np.testing.assert_array_equal(bars[:, 0, 0], x[rows])
        np.testing.assert_array_equal(bars[:, 1, 0], x[rows])
        np.testing.assert_array_equal(bars[:, 0, 1], 0.0)
        np.testing.assert_allclose(bars[:, 1, 1], likelihood[rows], rtol=1e-12)


def test_log_likelihood_text_and_status(fit):
    fit.set(feature="mean radius", w=1.0, b=0.0)
    data = load_wdbc(["mean radius"])
    p = plain_sigmoid(data.X[:, 0])
    ll = float(np.sum(np.where(data.y == 1, np.log(p), np.log1p(-p))))
    assert math.isclose(fit.state.log_likelihood, ll, rel_tol=1e-12)
    shown = f"{ll:.1f}".replace("-", "−")
    assert fit.artist("ll_text").get_text() == shown
    assert fit.last_status.text.startswith(f"log-likelihood {shown} (mean NLL {-ll / 569:.3f})")
    assert "the best fit is w = 3.6, b = −0.6 with −165.0" in fit.last_status.text


def test_best_fit_matches_scipy_and_marks_the_maximum(fit):
    data = load_wdbc(["mean radius"])
    ref, fun = scipy_fit(data.X, data.y)
    fit.set(feature="mean radius", w=0.5, b=0.5)
    bx, by = fit.artist("best").get_data()
    np.testing.assert_allclose([bx[0], by[0]], ref, atol=1e-5)
    assert math.isclose(fit.state.best_log_likelihood, -569 * fun, rel_tol=1e-9)
    mx, my = fit.artist("marker").get_data()
    assert (mx[0], my[0]) == (0.5, 0.5)
    assert fit.last_status.kind == "info"

    fit.set(w=round(ref[0], 2), b=round(ref[1], 2))
    assert fit.last_status.kind == "converged"
    assert fit.last_status.text.endswith("you are on the maximum")


def test_threshold_line_sits_where_sigma_is_one_half(fit):
    fit.set(feature="mean radius", w=2.0, b=1.0)
    threshold = fit.artist("threshold")
    tx = threshold.get_xdata()
    assert threshold.get_visible() and tx[0] == tx[1] == pytest.approx(-0.5)
    fit.set(w=0.0)  # σ is the constant σ(b): no threshold
    assert not threshold.get_visible() and fit.state.threshold is None
    fit.set(w=0.05, b=6.0)  # σ = ½ at x = −120, far off the plot: not drawn
    assert not threshold.get_visible() and fit.state.threshold == pytest.approx(-120.0)


def test_feature_change_redraws_data_once_and_back(fit):
    fit.set(feature="mean radius", w=1.0, b=0.0)
    n_before = sum(len(ax.get_children()) for ax in fit.figure.axes)
    fit.set(feature="smoothness error")
    data = load_wdbc(["smoothness error"])
    xs = np.concatenate([fit.artist(f"points_{c}").get_xdata() for c in (0, 1)])
    np.testing.assert_array_equal(np.sort(xs), np.sort(data.X[:, 0]))
    assert "smoothness error" in fit.axes[1].get_xlabel()
    assert "smoothness error" in fit.axes[2].get_xlabel()
    assert fit.state.best_w < 0  # a larger smoothness error goes with benign tumours
    fit.set(feature="mean radius")
    assert sum(len(ax.get_children()) for ax in fit.figure.axes) == n_before


@pytest.mark.parametrize("w, b", [(6.0, -6.0), (-6.0, 6.0), (0.0, 0.0), (1e-300, 6.0), (6.0, 6.0)])
def test_extremes_stay_finite(fit, w, b):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit.set(feature="worst area", w=w, b=b)
    assert fit.last_error is None
    assert np.isfinite(fit.state.log_likelihood)
    tops = np.concatenate([p[1::2, 1] for p in fit.artist("bars").get_segments()])
    assert len(tops) == 569 and np.all((tops >= 0) & (tops <= 1))


def test_invalid_feature_is_named():
    with pytest.raises(ValueError, match="not a feature"):
        FitByHandExplorer(feature="not a feature")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(w=6.5), r"w must be in \[-6, 6\], got 6.5"),
        (dict(b=-7.0), r"b must be in \[-6, 6\], got -7"),
        (dict(w="big"), r"w must be a real number"),
    ],
)
def test_constructor_arguments_are_checked_not_clipped(kwargs, message):
    error = TypeError if isinstance(next(iter(kwargs.values())), str) else ValueError
    with pytest.raises(error, match=message):
        FitByHandExplorer(**kwargs)
    with pytest.raises(error, match=message):
        FitByHandExplorer().set(**kwargs)
    with pytest.raises(error, match=message):
        fit_state(**kwargs)


def test_weight_sign_question_hides_the_best_fit_until_answered():
    ex = FitByHandExplorer(question=weight_sign_question())
    best = ex.artist("best")
    assert not best.get_visible()
    assert "prediction" in ex.status.value
    assert ex.predict("w > 0") is True
    assert best.get_visible()
    assert "log-likelihood" in ex.feedback.value
    ex.set(feature="smoothness error")  # answered: the new feature's best fit shows at once
    assert best.get_visible() and ex.feedback.value == ""
    assert ex.predict("w > 0") is False
    assert "close to 0" in ex.feedback.value


def test_best_fit_question_is_graded_against_newton():
    ex = FitByHandExplorer(question=best_fit_question())
    assert ex.predict(-165.0) is True  # the maximum is −165.005…
    ex.set(w=0.1)
    assert ex.predict(-200.0) is False


def test_every_feature_has_a_best_fit():
    ex = FitByHandExplorer()
    for feature in WDBC_FEATURES[::7]:
        ex.set(feature=feature)
        assert ex.last_error is None
        assert np.isfinite(ex.state.best_log_likelihood)


def test_a_slider_move_blits_once_before_and_after_the_answer(monkeypatch):
    """A move is one blit whether the answer is hidden or shown (the blits an update asks for
    are coalesced), and the blits leave the picture a full draw gives."""
    ex = FitByHandExplorer(question=weight_sign_question())
    blits = []
    restore = ex.blit._restore
    monkeypatch.setattr(ex.blit, "_restore", lambda *a: blits.append(1) or restore(*a))
    ex.controls["w"].value = 1.5
    assert len(blits) == 1
    assert ex.predict("w > 0") is True
    assert ex.artist("best").get_visible()
    blits.clear()
    ex.controls["w"].value = 2.0  # the answer stays shown; the new curve is drawn
    assert ex.artist("best").get_visible() and not ex.artist("press_run").get_visible()
    assert len(blits) == 1
    ex.controls["w"].value = 2.5
    assert len(blits) == 2
    pixels = np.asarray(ex.figure.canvas.buffer_rgba()).copy()
    ex.figure.canvas.draw()  # a full draw of the same state: the blits left the right picture
    np.testing.assert_array_equal(np.asarray(ex.figure.canvas.buffer_rgba()), pixels)


@pytest.mark.parametrize("module", ["fit_by_hand", "_text"])
def test_the_models_examples_run(module):
    result = doctest.testmod(importlib.import_module(f"widgets.models.{module}"))
    assert result.attempted > 0 and result.failed == 0
