"""FitByHandExplorer and DecisionBoundaryExplorer: the artists show what the model computes.

Each test sets controls the way a learner would and compares the plotted data with a reference
computed independently (plain NumPy formulas, SciPy's optimiser, or the package's simulate called
directly), with the tolerance stated where it is not exact.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from matplotlib.path import Path
from scipy.optimize import minimize

from widgets.data import WDBC_FEATURES, load_wdbc, make_classification_2d
from widgets.explorers import EXPLORERS
from widgets.explorers.fit_by_hand import (
    BAND_EDGES,
    STEPS,
    DecisionBoundaryExplorer,
    FitByHandExplorer,
    best_fit_question,
    probability_bands,
    separable_question,
    weight_sign_question,
)
from widgets.objectives import LogisticLoss
from widgets.optimizers import gd
from widgets.simulate import simulate


def plain_sigmoid(z):
    """Reference σ for moderate |z| (no overflow below ~700)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def scipy_fit(X, y, l2=0.0):
    """Minimiser of the mean NLL (+ λ/2 ‖w‖², bias free) by SciPy's BFGS (independent)."""
    Xb = np.hstack([X, np.ones((len(X), 1))])

    def f(p):
        z = Xb @ p
        return np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * p[:-1] @ p[:-1]

    def g(p):
        r = plain_sigmoid(Xb @ p) - y
        return Xb.T @ r / len(y) + l2 * np.r_[p[:-1], 0.0]

    res = minimize(f, np.zeros(Xb.shape[1]), jac=g, method="BFGS", options={"gtol": 1e-10})
    return res.x, res.fun


# ================================================================================================
# FitByHandExplorer
# ================================================================================================
@pytest.fixture(scope="module")
def fit():
    return FitByHandExplorer()


def test_registered_for_lesson_01():
    assert EXPLORERS[FitByHandExplorer] == ("01_logistic_regression_mle",)
    assert EXPLORERS[DecisionBoundaryExplorer] == ("01_logistic_regression_mle",)


def test_curve_and_likelihood_bars_match_plain_formulas(fit):
    fit.set(feature="mean radius", w=2.5, b=-0.4)
    data = load_wdbc(["mean radius"])
    x, y = data.X[:, 0], data.y
    view = fit.view
    xc, pc = view.curve.get_data()
    np.testing.assert_allclose(pc, plain_sigmoid(2.5 * np.asarray(xc) - 0.4), rtol=1e-12)

    p = plain_sigmoid(2.5 * x - 0.4)
    likelihood = p**y * (1 - p) ** (1 - y)  # ŷ^y (1 − ŷ)^(1 − y), literally
    paths = view.bars.get_segments()
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
    assert fit.view.ll_text.get_text() == shown
    assert fit.last_status.text.startswith(f"log-likelihood {shown} (mean NLL {-ll / 569:.3f})")
    assert "the best fit is w = 3.6, b = −0.6 with −165.0" in fit.last_status.text


def test_best_fit_matches_scipy_and_marks_the_maximum(fit):
    data = load_wdbc(["mean radius"])
    ref, fun = scipy_fit(data.X, data.y)
    fit.set(feature="mean radius", w=0.5, b=0.5)
    bx, by = fit.view.best.get_data()
    np.testing.assert_allclose([bx[0], by[0]], ref, atol=1e-5)
    assert math.isclose(fit.state.best_log_likelihood, -569 * fun, rel_tol=1e-9)
    mx, my = fit.view.marker.get_data()
    assert (mx[0], my[0]) == (0.5, 0.5)
    assert fit.last_status.kind == "info"

    fit.set(w=round(ref[0], 2), b=round(ref[1], 2))
    assert fit.last_status.kind == "converged"
    assert fit.last_status.text.endswith("you are on the maximum")


def test_threshold_line_sits_where_sigma_is_one_half(fit):
    fit.set(feature="mean radius", w=2.0, b=1.0)
    tx, _ = fit.view.threshold.get_data()
    assert tx[0] == tx[1] == pytest.approx(-0.5)
    fit.set(w=0.0)  # σ is the constant σ(b): no threshold
    assert len(fit.view.threshold.get_data()[0]) == 0


def test_feature_change_redraws_data_once_and_back(fit):
    fit.set(feature="mean radius", w=1.0, b=0.0)
    n_before = sum(len(ax.get_children()) for ax in fit.figure.axes)
    fit.set(feature="smoothness error")
    data = load_wdbc(["smoothness error"])
    xs = np.concatenate([line.get_xdata() for line in fit.view.ax_fit.lines[:2]])
    np.testing.assert_array_equal(np.sort(xs), np.sort(data.X[:, 0]))
    assert "smoothness error" in fit.view.ax_lik.get_xlabel()
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
    tops = np.concatenate([p[1::2, 1] for p in fit.view.bars.get_segments()])
    assert len(tops) == 569 and np.all((tops >= 0) & (tops <= 1))


def test_invalid_feature_is_named():
    with pytest.raises(ValueError, match="not a feature"):
        FitByHandExplorer(feature="not a feature")


def test_weight_sign_question_hides_the_best_fit_until_answered():
    ex = FitByHandExplorer(question=weight_sign_question())
    assert not ex.view.best.get_visible()
    assert "prediction" in ex.status.value
    assert ex.predict("w > 0") is True
    assert ex.view.best.get_visible()
    assert "log-likelihood" in ex.feedback.value
    ex.set(feature="smoothness error")  # moving a control asks again
    assert not ex.view.best.get_visible()
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


# ================================================================================================
# DecisionBoundaryExplorer
# ================================================================================================
@pytest.fixture(scope="module")
def db():
    return DecisionBoundaryExplorer()


def sigma_in_bands(bands, w, b, points):
    """For each band polygon, σ(w·x + b) of the points inside lies in that band's range."""
    probs = plain_sigmoid(points @ w + b)
    covered = np.zeros(len(points), dtype=bool)
    for k, quad in enumerate(bands):
        inside = Path(quad).contains_points(points)
        covered |= inside
        lo, hi = BAND_EDGES[k], BAND_EDGES[k + 1]
        assert np.all(probs[inside] >= lo - 1e-9) and np.all(probs[inside] <= hi + 1e-9)
    return covered


@pytest.mark.parametrize(
    "w1, w2, b",
    [(1.0, 0.5, 0.0), (-3.0, 2.0, 1.5), (0.0, 0.0, 1.0), (10.0, -10.0, -10.0), (1e-12, 0.0, 0.3)],
)
def test_probability_field_bands(db, w1, w2, b):
    db.set(separable=False, w1=w1, w2=w2, b=b)
    bands = np.array([p.vertices[:4] for p in db.view.field.get_paths()])
    (x0, x1), (y0, y1) = db.state.bounds
    np.testing.assert_allclose(bands, probability_bands(np.array([w1, w2]), b, db.state.bounds))
    rng = np.random.default_rng(1)
    pts = np.column_stack([rng.uniform(x0, x1, 2000), rng.uniform(y0, y1, 2000)])
    covered = sigma_in_bands(bands, np.array([w1, w2]), b, pts)
    assert covered.mean() > 0.999  # every point of the box is in some band (edges aside)


def test_boundary_and_probability_lines(db):
    w, b = np.array([1.5, -0.8]), 0.4
    db.set(separable=False, w1=w[0], w2=w[1], b=b)
    bx, by = db.view.boundary.get_data()
    assert len(bx) >= 2
    np.testing.assert_allclose(
        w[0] * np.asarray(bx[:2]) + w[1] * np.asarray(by[:2]) + b, 0.0, atol=1e-12
    )
    lx, ly = (np.asarray(a, dtype=float) for a in db.view.levels.get_data())
    ok = np.isfinite(lx)
    z = w[0] * lx[ok] + w[1] * ly[ok] + b
    logits = {round(math.log(p / (1 - p)), 9) for p in (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9)}
    assert {round(v, 9) for v in z} <= logits


def test_gradient_descent_curves_match_simulate(db):
    db.set(separable=False, l2=0.0, step=STEPS)
    data = load_wdbc(["mean radius", "mean texture"])
    loss = LogisticLoss(data.X, data.y)
    Xb = np.hstack([data.X, np.ones((len(data.y), 1))])
    alpha = 1.0 / np.linalg.eigvalsh(Xb.T @ Xb / (4 * len(data.y)))[-1]  # 1/L, L = λmax(H(0))
    assert math.isclose(db.state.alpha, alpha, rel_tol=1e-12)
    ref = simulate(loss, gd(alpha), steps=STEPS, tol=1e-6)
    steps, norms = db.view.norm_line.get_data()
    np.testing.assert_array_equal(steps, np.arange(ref.stopped_at + 1))
    np.testing.assert_allclose(norms, np.linalg.norm(ref.params[:, :2], axis=1), rtol=1e-12)
    np.testing.assert_allclose(db.view.loss_line.get_data()[1], ref.loss, rtol=1e-12)
    star, _ = scipy_fit(data.X, data.y)
    n_star = db.view.norm_star.get_data()[1][0]
    assert n_star == pytest.approx(np.linalg.norm(star[:2]), abs=1e-5)
    assert ref.converged and "converged" in db.last_status.text
    assert "the maximum-likelihood estimate is finite" in db.last_status.text


def test_separable_data_without_penalty_has_no_mle(db):
    db.set(separable=True, l2=0.0, w1=1.0, w2=0.5, b=0.0, step=STEPS)
    data = make_classification_2d("separable")
    ref = simulate(LogisticLoss(data.X, data.y), gd(db.state.alpha), steps=STEPS, tol=1e-6)
    norms = np.linalg.norm(ref.params[:, :2], axis=1)
    assert norms[-1] > norms[-50] > norms[-100]  # still growing
    text = db.last_status.text
    assert text.startswith(
        f"separable data, λ = 0: after {STEPS} steps ‖w‖ = {norms[-1]:.1f} "
        "and still growing; the loss → 0 but never reaches it — the "
        "maximum-likelihood estimate does not exist"
    )
    assert db.last_status.kind == "diverged"
    assert len(db.view.norm_star.get_data()[0]) == 0  # no ‖w*‖ line


def test_penalty_gives_a_finite_minimiser(db):
    db.set(separable=True, l2=0.05)
    data = make_classification_2d("separable")
    star, _ = scipy_fit(data.X, data.y, l2=0.05)
    assert db.state.minimiser.converged
    np.testing.assert_allclose(db.state.minimiser.final_params, star, atol=1e-5)
    assert f"‖w*‖ = {np.linalg.norm(star[:2]):.2f}" in db.last_status.text
    assert "penalised minimiser is finite" in db.last_status.text
    # a larger λ, a smaller minimiser
    db.set(l2=0.5)
    assert np.linalg.norm(db.state.minimiser.final_params[:2]) < np.linalg.norm(star[:2])


def test_step_slider_moves_markers_and_gd_boundary(db):
    db.set(separable=True, l2=0.0, step=120)
    run = db.state.run
    mx, my = db.view.norm_mark.get_data()
    assert mx[0] == 120 and my[0] == pytest.approx(np.linalg.norm(run.params[120, :2]))
    gx, gy = db.view.gd_boundary.get_data()
    w, b = run.params[120, :2], run.params[120, 2]
    np.testing.assert_allclose(
        w[0] * np.asarray(gx[:2]) + w[1] * np.asarray(gy[:2]) + b, 0.0, atol=1e-10
    )
    lmx, lmy = db.view.loss_mark.get_data()
    assert lmx[0] == 120 and lmy[0] == pytest.approx(run.loss[120])
    # the whole budget is used on separable data: the status still follows t
    norm, loss = np.linalg.norm(run.params[120, :2]), run.loss[120]
    assert f"; at step 120 of {STEPS}: ‖w‖ {norm:.3g}, loss {loss:.3g};" in db.last_status.text


def test_step_range_is_the_run_and_the_end_stays_at_the_end():
    ex = DecisionBoundaryExplorer()  # WDBC, λ = 0: gradient descent converges in 233 steps
    step = ex.controls["step"]
    data = load_wdbc(["mean radius", "mean texture"])
    ref = simulate(LogisticLoss(data.X, data.y), gd(ex.state.alpha), steps=STEPS, tol=1e-6)
    k = ref.stopped_at
    assert k < STEPS and (step.max, step.value) == (k, k)  # no dead zone past the run
    assert ex.play.max == k
    assert f"at step {k} of {k}: ‖w‖ {np.linalg.norm(ref.params[k, :2]):.3g}" in (
        ex.last_status.text
    )
    ex.set(step=120)
    n120 = np.linalg.norm(ref.params[120, :2])
    assert f"at step 120 of {k}: ‖w‖ {n120:.3g}, loss {ref.loss[120]:.3g}" in ex.last_status.text
    ex.set(separable=True)  # a longer run: a chosen step is kept
    assert (step.max, step.value) == (STEPS, 120)
    ex.set(step=STEPS)
    ex.set(l2=0.05)  # a shorter run: the scrubber was at the end and stays there
    k = ex.state.run.stopped_at
    assert k < STEPS and (step.max, step.value) == (k, k)
    ex.set(separable=False, l2=0.0, step=200)  # a step set with other values: the new run's
    assert (step.max, step.value) == (ref.stopped_at, 200)


def test_scrubbing_keeps_the_revealed_answer():
    ex = DecisionBoundaryExplorer(separable=True, question=separable_question())
    ex.predict("it grows without bound")
    ex.set(step=40)
    assert ex.view.norm_line.get_visible() and "Right" in ex.feedback.value
    assert "at step 40 of 500" in ex.status.value


def test_hand_model_loss_and_accuracy(db):
    db.set(separable=False, l2=0.0, w1=3.0, w2=1.0, b=-0.7)
    data = load_wdbc(["mean radius", "mean texture"])
    z = data.X @ np.array([3.0, 1.0]) - 0.7
    nll = np.mean(np.logaddexp(0.0, z) - data.y * z)
    assert db.state.loss == pytest.approx(nll, rel=1e-12)
    acc = np.mean((z > 0) == (data.y == 1))
    assert f"{acc:.0%} classified correctly" in db.last_status.text
    assert db.view.hand_loss.get_data()[1][0] == pytest.approx(nll)


def test_zero_weights_have_no_boundary(db):
    db.set(separable=False, w1=0.0, w2=0.0, b=1.0)
    assert len(db.view.boundary.get_data()[0]) == 0
    assert "your w = 0: no boundary, every point gets p = σ(b) = 0.731" in db.last_status.text
    widths = [np.ptp(quad @ np.array([1.0, 0.0])) for quad in db.state.bands]
    assert sum(w > 0 for w in widths) == 1  # one band, holding σ(1) ≈ 0.73, covers the box
    k = int(np.argmax(widths))
    assert BAND_EDGES[k] <= plain_sigmoid(1.0) < BAND_EDGES[k + 1]


def test_separable_question_and_reveal():
    ex = DecisionBoundaryExplorer(separable=True, question=separable_question())
    assert not ex.view.norm_line.get_visible()
    assert ex.predict("it settles at a finite value") is False
    assert ex.view.norm_line.get_visible()
    assert "L2 penalty" in ex.feedback.value
    ex.set(l2=0.1)
    assert not ex.view.norm_line.get_visible()
    assert ex.predict("it settles at a finite value") is True
    ex.set(separable=False, l2=0.0)
    assert ex.predict("it settles at a finite value") is True


def test_no_new_artists_per_update(db):
    db.set(separable=False, w1=1.0)
    n = sum(len(ax.get_children()) for ax in db.figure.axes)
    for v in np.linspace(-10, 10, 25):
        db.set(w1=float(v), l2=float(abs(v)) / 40, step=int(abs(v) * 40))
    assert sum(len(ax.get_children()) for ax in db.figure.axes) == n


def test_a_slider_move_blits_once_even_when_it_hides_the_answer(monkeypatch):
    """Hiding the answer and drawing the new setting are one blit: the view is told to hide the
    answer only when it shows it, and the blits an update asks for are coalesced."""
    ex = FitByHandExplorer(question=weight_sign_question())
    blits = []
    restore = ex.view.blit._restore
    monkeypatch.setattr(ex.view.blit, "_restore", lambda *a: blits.append(1) or restore(*a))
    ex.controls["w"].value = 1.5
    assert len(blits) == 1
    assert ex.predict("w > 0") is True
    assert ex.view.best.get_visible()
    blits.clear()
    ex.controls["w"].value = 2.0  # hides the revealed answer and draws the new curve
    assert not ex.view.best.get_visible()
    assert len(blits) == 1
    ex.controls["w"].value = 2.5
    assert len(blits) == 2
    pixels = np.asarray(ex.figure.canvas.buffer_rgba()).copy()
    ex.figure.canvas.draw()  # a full draw of the same state: the blits left the right picture
    np.testing.assert_array_equal(np.asarray(ex.figure.canvas.buffer_rgba()), pixels)
