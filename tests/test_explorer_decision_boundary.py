"""DecisionBoundaryExplorer: the artists show what the model computes.

Each test sets controls the way a learner would and compares the plotted data with a reference
computed independently (plain NumPy formulas, SciPy's optimiser, or the package's simulate called
directly), with the tolerance stated where it is not exact.
"""

from __future__ import annotations

import doctest
import importlib
import math

import ipywidgets as ipw
import numpy as np
import pytest
from logistic_reference import plain_sigmoid, scipy_fit
from matplotlib.path import Path

from widgets.data import load_wdbc, make_classification_2d
from widgets.explorers import EXPLORERS, DecisionBoundaryExplorer
from widgets.models.decision_boundary import (
    BAND_EDGES,
    STEPS,
    boundary_state,
    probability_bands,
    separable_question,
)
from widgets.objectives import LogisticLoss
from widgets.optimizers import gd
from widgets.simulate import simulate


def play_of(ex):
    """The Play button that animates the step scrubber."""
    stack = [ex]
    while stack:
        widget = stack.pop()
        if isinstance(widget, ipw.Play):
            return widget
        stack.extend(getattr(widget, "children", ()))
    raise AssertionError("no Play button")


def test_registered_for_lesson_01():
    assert EXPLORERS[DecisionBoundaryExplorer] == ("01_logistic_regression_mle",)


@pytest.fixture(scope="module")
def db():
    return DecisionBoundaryExplorer()


def sigma_in_bands(bands, w, b, points):
    """For each band polygon, σ(wᵀx + b) of the points inside lies in that band's range."""
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
    bands = np.array([p.vertices[:4] for p in db.artist("field").get_paths()])
    (x0, x1), (y0, y1) = db.state.bounds
    np.testing.assert_allclose(bands, probability_bands(np.array([w1, w2]), b, db.state.bounds))
    rng = np.random.default_rng(1)
    pts = np.column_stack([rng.uniform(x0, x1, 2000), rng.uniform(y0, y1, 2000)])
    covered = sigma_in_bands(bands, np.array([w1, w2]), b, pts)
    assert covered.mean() > 0.999  # every point of the box is in some band (edges aside)


def test_boundary_and_probability_lines(db):
    w, b = np.array([1.5, -0.8]), 0.4
    db.set(separable=False, w1=w[0], w2=w[1], b=b)
    bx, by = db.artist("boundary").get_data()
    assert len(bx) >= 2
    np.testing.assert_allclose(
        w[0] * np.asarray(bx[:2]) + w[1] * np.asarray(by[:2]) + b, 0.0, atol=1e-12
    )
    lx, ly = (np.asarray(a, dtype=float) for a in db.artist("levels").get_data())
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
    steps, norms = db.artist("norm_line").get_data()
    np.testing.assert_array_equal(steps, np.arange(ref.stopped_at + 1))
    np.testing.assert_allclose(norms, np.linalg.norm(ref.params[:, :2], axis=1), rtol=1e-12)
    np.testing.assert_allclose(db.artist("loss_line").get_data()[1], ref.loss, rtol=1e-12)
    star, _ = scipy_fit(data.X, data.y)
    n_star = db.artist("norm_star").get_data()[1][0]
    assert n_star == pytest.approx(np.linalg.norm(star[:2]), abs=1e-5)
    assert ref.converged and "converged" in db.last_status.text
    assert "τ = 0: the maximum-likelihood estimate is finite" in db.last_status.text


def test_separable_data_without_penalty_has_no_mle(db):
    db.set(separable=True, l2=0.0, w1=1.0, w2=0.5, b=0.0, step=STEPS)
    data = make_classification_2d("separable")
    ref = simulate(LogisticLoss(data.X, data.y), gd(db.state.alpha), steps=STEPS, tol=1e-6)
    norms = np.linalg.norm(ref.params[:, :2], axis=1)
    assert norms[-1] > norms[-50] > norms[-100]  # still growing
    text = db.last_status.text
    assert text.startswith(
        f"separable data, τ = 0: after {STEPS} steps ‖w‖ = {norms[-1]:.1f} "
        "and still growing; the loss → 0 but never reaches it — the "
        "maximum-likelihood estimate does not exist"
    )
    assert db.last_status.kind == "diverged"
    assert len(db.artist("norm_star").get_data()[0]) == 0  # no ‖w*‖ line


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
    mx, my = db.artist("norm_mark").get_data()
    assert mx[0] == 120 and my[0] == pytest.approx(np.linalg.norm(run.params[120, :2]))
    gx, gy = db.artist("gd_boundary").get_data()
    w, b = run.params[120, :2], run.params[120, 2]
    np.testing.assert_allclose(
        w[0] * np.asarray(gx[:2]) + w[1] * np.asarray(gy[:2]) + b, 0.0, atol=1e-10
    )
    lmx, lmy = db.artist("loss_mark").get_data()
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
    assert play_of(ex).max == k
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
    assert ex.artist("norm_line").get_visible() and "Right" in ex.feedback.value
    assert "at step 40 of 500" in ex.status.value


def test_hand_model_loss_and_accuracy(db):
    db.set(separable=False, l2=0.0, w1=3.0, w2=1.0, b=-0.7)
    data = load_wdbc(["mean radius", "mean texture"])
    z = data.X @ np.array([3.0, 1.0]) - 0.7
    nll = np.mean(np.logaddexp(0.0, z) - data.y * z)
    assert db.state.loss == pytest.approx(nll, rel=1e-12)
    acc = np.mean((z > 0) == (data.y == 1))
    assert f"{acc:.0%} classified correctly" in db.last_status.text
    assert db.artist("hand_loss").get_data()[1][0] == pytest.approx(nll)


def test_zero_weights_have_no_boundary(db):
    db.set(separable=False, w1=0.0, w2=0.0, b=1.0)
    assert len(db.artist("boundary").get_data()[0]) == 0
    assert "your w = 0: no boundary, every point gets p = σ(b) = 0.731" in db.last_status.text
    widths = [np.ptp(quad @ np.array([1.0, 0.0])) for quad in db.state.bands]
    assert sum(w > 0 for w in widths) == 1  # one band, holding σ(1) ≈ 0.73, covers the box
    k = int(np.argmax(widths))
    assert BAND_EDGES[k] <= plain_sigmoid(1.0) < BAND_EDGES[k + 1]


def test_separable_question_and_reveal():
    ex = DecisionBoundaryExplorer(separable=True, question=separable_question())
    norm_line = ex.artist("norm_line")
    assert not norm_line.get_visible()
    assert ex.predict("it settles at a finite value") is False
    assert norm_line.get_visible()
    assert "L2 penalty τ &gt; 0" in ex.feedback.value
    ex.set(l2=0.1)  # answered: the new setting's run shows at once, the old verdict goes
    assert norm_line.get_visible() and ex.feedback.value == ""
    assert ex.predict("it settles at a finite value") is True
    ex.set(separable=False, l2=0.0)
    assert ex.predict("it settles at a finite value") is True


def test_no_new_artists_per_update(db):
    db.set(separable=False, w1=1.0)
    n = sum(len(ax.get_children()) for ax in db.figure.axes)
    for v in np.linspace(-10, 10, 25):
        db.set(w1=float(v), l2=float(abs(v)) / 40, step=int(abs(v) * 40))
    assert sum(len(ax.get_children()) for ax in db.figure.axes) == n


def test_data_labels_and_axes_follow_the_data_set(db):
    db.set(separable=False)
    assert [t.get_text() for t in db._legend.get_texts()[:2]] == [
        "benign (y = 0)",
        "malignant (y = 1)",
    ]
    assert db.axes[0].get_xlabel() == "mean radius (standardised)"
    db.set(separable=True)
    data = make_classification_2d("separable")
    assert [t.get_text() for t in db._legend.get_texts()[:2]] == ["class 0", "class 1"]
    xs = np.concatenate([db.artist(f"points_{c}").get_xdata() for c in (0, 1)])
    np.testing.assert_array_equal(np.sort(xs), np.sort(data.X[:, 0]))
    assert db.axes[1].get_ylim()[1] > np.linalg.norm(db.state.run.params[-1, :2])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(w1=10.5), r"w1 must be in \[-10, 10\], got 10.5"),
        (dict(b=-11.0), r"b must be in \[-10, 10\], got -11"),
        (dict(l2=-0.1), r"l2 must be in \[0, 0.5\], got -0.1"),
        (dict(l2=1.0), r"l2 must be in \[0, 0.5\], got 1"),
        (dict(step=-1), r"step must be an integer in \[0, inf\), got -1"),
    ],
)
def test_constructor_arguments_are_checked_not_clipped(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DecisionBoundaryExplorer(**kwargs)
    with pytest.raises(ValueError, match=message):
        DecisionBoundaryExplorer().set(**kwargs)
    with pytest.raises(ValueError, match=message):
        boundary_state(**kwargs)
    with pytest.raises(TypeError, match="separable must be True or False"):
        DecisionBoundaryExplorer(separable=1)


def test_a_step_past_the_run_shows_its_end():
    ex = DecisionBoundaryExplorer(step=10_000)  # the run converges in 233 steps: its end
    k = ex.state.run.stopped_at
    assert ex.state.step == k and ex.controls["step"].value == k


@pytest.mark.parametrize("module", ["decision_boundary"])
def test_the_models_examples_run(module):
    result = doctest.testmod(importlib.import_module(f"widgets.models.{module}"))
    assert result.attempted > 0 and result.failed == 0
