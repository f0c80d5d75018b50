"""LearningRateExplorer and LRRangeTestExplorer: drawn data equal the model's; theory in words.

Controls are set programmatically (headless Agg); the artists' data are compared with the package
called directly (``simulate``, ``sweep``, ``lr_range_test``) and with an independent closed form:
gradient descent on ½wᵀAw gives w_t = (I − αA)^t w₀ exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from widgets.explorers.learning_rate import (
    ALPHA_RANGE,
    SWEEP_LRS,
    SWEEP_MOMENTA,
    LearningRateExplorer,
    best_lr_question,
    lr_sweep,
    make_schedule,
    measured_rate,
    predicted_loss,
    rate_question,
)
from widgets.objectives import Quadratic1D, Quadratic2D
from widgets.optimizers import gd, momentum
from widgets.schedules import constant
from widgets.simulate import simulate, sweep
from widgets.theory import QuadraticTheory

RTOL = 1e-12


def closed_form_losses(A: np.ndarray, w0: np.ndarray, alpha: float, steps: int) -> np.ndarray:
    """Loss of gradient descent on ½wᵀAw by repeated multiplication with I − αA."""
    M = np.eye(len(w0)) - alpha * A
    w, out = np.array(w0, float), []
    for _ in range(steps + 1):
        out.append(0.5 * w @ A @ w)
        w = M @ w
    return np.array(out)


def finite_artists(ex) -> bool:
    for ax in ex.figure.axes:
        for line in ax.get_lines():
            for arr in line.get_data():
                if not np.all(np.isfinite(np.asarray(arr, dtype=float))):
                    return False
    return True


# -- drawn data equal the model's ---------------------------------------------------------------
def test_default_loss_curve_matches_simulate_and_the_closed_form():
    ex = LearningRateExplorer(alpha=0.9)
    q = Quadratic2D(condition_number=10.0)
    ref = simulate(q, gd(constant(0.9)), None, 200, tol=1e-6)
    t, y = ex.artist("loss").get_data()
    np.testing.assert_allclose(y, ref.loss, rtol=RTOL)
    exact = closed_form_losses(q.A, q.start, 0.9, ref.stopped_at)
    np.testing.assert_allclose(y, exact, rtol=1e-9)
    # the theory curve (eigendirection sum) coincides with the measured loss
    tp, yp = ex.artist("predicted").get_data()
    k = min(t.size, tp.size - 1)
    np.testing.assert_allclose(yp[:k], y[:k], rtol=1e-9)
    # and the two eigendirection components add up to it
    comps = [ex.artist(f"component_{i}").get_data()[1] for i in (0, 1)]
    n = min(c.size for c in comps) - 1
    np.testing.assert_allclose(comps[0][:n] + comps[1][:n], yp[:n], rtol=1e-9)


def test_predicted_loss_splits_into_eigendirections():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    th = QuadraticTheory.from_matrix(A)
    w0 = np.array([1.0, -2.0])
    rates = np.full(30, 0.3)
    total, comps = predicted_loss(th, w0, rates)
    np.testing.assert_allclose(total, closed_form_losses(A, w0, 0.3, 30), rtol=1e-10)
    assert comps.shape == (2, 31)


def test_status_inside_the_band_with_measured_and_predicted_rate():
    ex = LearningRateExplorer(alpha=0.9)  # λ = (0.1, 1): factors 0.91 and 0.1
    text = ex.last_status.text
    assert text.startswith("α = 0.9 is inside the stable band (0, 2)")
    assert "measured rate 0.91 vs predicted 0.91" in text
    ref = simulate(Quadratic2D(10.0), gd(0.9), None, 200)
    assert f"converged in {ref.stopped_at} of 200 steps" in text
    assert ex.last_status.kind == "converged"


def test_status_reports_the_step_budget():
    ex = LearningRateExplorer(alpha=1.0, steps=200)
    k = ex.state.trajectory.stopped_at
    assert f"converged in {k} of 200 steps" in ex.last_status.text
    ex.set(steps=300)  # same run, larger budget: the sentence says so
    assert f"converged in {k} of 300 steps" in ex.last_status.text
    ex.set(alpha=1e-3, steps=100)
    assert "not converged within the budget of 100 steps" in ex.last_status.text
    assert ex.last_status.kind == "info"


def test_divergence_is_simulates_blow_up_stated_with_the_budget():
    ex = LearningRateExplorer(alpha=4.0, steps=200)  # |1 − 4·1| = 3 per step
    traj = ex.state.trajectory
    assert traj.diverged
    assert f"diverged at step {traj.diverged_at} of 200: loss" in ex.last_status.text
    # just outside the band the loss grows too slowly to blow up within the budget: not "diverged"
    ex.set(alpha=2.05, steps=50)
    assert not ex.state.trajectory.diverged
    assert "outside the stable band" in ex.last_status.text
    assert "diverged" not in ex.last_status.text


LESSON_CONFIGS = [
    dict(),
    dict(kappa=10.0, lam_max=1.0, question=best_lr_question()),
    dict(kappa=100.0, alpha=3.31, momentum=0.67, steps=500),
    dict(kappa=25.0, alpha=2.78, momentum=0.44, steps=300, question=rate_question()),
]


@pytest.mark.parametrize("settings", LESSON_CONFIGS, ids=["default", "04", "06a", "06b"])
def test_largest_alpha_diverges_in_every_lesson_configuration(settings):
    ex = LearningRateExplorer(**settings)
    if ex.question is not None:
        ex.predict(1.0)
    ex.set(alpha=ALPHA_RANGE[1])
    assert ex.state.trajectory.diverged
    assert "diverged at step" in ex.last_status.text
    assert ex.last_status.kind == "diverged"
    assert finite_artists(ex)


def test_status_outside_the_band_diverges():
    ex = LearningRateExplorer(alpha=1.0, problem="1d", lam_max=4.0)  # 2/λ = 0.5
    assert ex.last_status.text.startswith("α = 1 is outside the stable band (0, 0.5)")
    assert ex.last_status.kind == "diverged"
    assert finite_artists(ex)


def test_band_and_best_rate_marks_follow_the_spectrum():
    ex = LearningRateExplorer(kappa=4.0, lam_max=2.0)  # λ = (0.5, 2)
    band = ex.artist("band")
    assert band.get_x() + band.get_width() == pytest.approx(1.0)  # 2/λmax
    assert ex.artist("best_line").get_xdata()[0] == pytest.approx(2.0 / 2.5)  # 2/(λmin + λmax)
    x, y = ex.artist("rate_gd").get_data()
    np.testing.assert_allclose(y, np.max(np.abs(1 - np.outer(x, [0.5, 2.0])), axis=1), rtol=1e-12)


def test_heatmap_is_the_sweep_and_is_not_recomputed_on_alpha_or_mu():
    ex = LearningRateExplorer(kappa=7.0, steps=100)
    ref = sweep(Quadratic2D(7.0), "momentum", SWEEP_LRS, SWEEP_MOMENTA, steps=100)
    img = ex.artist("image").get_array()
    heat = ex.state.heat
    assert img.shape == (SWEEP_MOMENTA.size, SWEEP_LRS.size)
    np.testing.assert_array_equal(np.ma.getmaskarray(img), ref.diverged)
    expected = np.where(ref.steps_to_converge >= 0, ref.steps_to_converge, 100)
    np.testing.assert_array_equal(img[~ref.diverged], expected[~ref.diverged])
    misses = lr_sweep.cache_info().misses
    ex.set(alpha=0.3)
    ex.set(momentum=0.5)
    ex.set(alpha=1.7, momentum=0.2)
    assert lr_sweep.cache_info().misses == misses
    assert ex.state.heat is heat  # the image data were not computed again
    np.testing.assert_array_equal(ex.artist("image").get_array(), img)
    ex.set(kappa=8.0)
    assert lr_sweep.cache_info().misses == misses + 1


def test_heat_marker_sits_at_the_current_setting():
    ex = LearningRateExplorer(alpha=0.25, momentum=0.6)
    x, y = ex.artist("heat_marker").get_data()
    assert (x[0], y[0]) == pytest.approx((math.log10(0.25), 0.6))


def test_momentum_run_and_rate_match_heavy_ball_theory():
    ex = LearningRateExplorer(alpha=0.5, momentum=0.5)
    ref = simulate(Quadratic2D(10.0), momentum(0.5, 0.5), None, 200)
    np.testing.assert_allclose(ex.artist("loss").get_data()[1], ref.loss, rtol=RTOL)
    rho = QuadraticTheory.from_objective(Quadratic2D(10.0)).momentum_rate_at(0.5, 0.5)
    assert measured_rate(ref) == pytest.approx(rho, rel=0.05)
    assert "heavy ball is stable" in ex.last_status.text
    x, y = ex.artist("rate_mom").get_data()
    assert y[np.argmin(np.abs(x - 0.5))] == pytest.approx(rho, rel=0.02)


@pytest.mark.parametrize("kind", ["constant", "step", "exponential", "cosine", "warmup"])
def test_schedule_curve_and_run(kind):
    ex = LearningRateExplorer(
        schedule=kind, alpha=1.5, steps=120, gamma=0.5, step_size=30, half_life=40, warmup=15
    )
    sched = make_schedule(kind, 1.5, 120, gamma=0.5, step_size=30, half_life=40, warmup=15)
    rates = sched(np.arange(120))
    t, y = ex.artist("sched").get_data()
    np.testing.assert_array_equal(t, np.arange(120))
    np.testing.assert_allclose(y, np.maximum(rates, ALPHA_RANGE[0] / 10), rtol=RTOL)
    ref = simulate(Quadratic2D(10.0), gd(sched), None, 120)
    np.testing.assert_allclose(ex.artist("loss").get_data()[1], ref.loss, rtol=RTOL)
    # gradient descent with any schedule is still exact in the eigenbasis
    tp, yp = ex.artist("predicted").get_data()
    k = min(ref.loss.size, tp.size - 1)
    np.testing.assert_allclose(yp[:k], ref.loss[:k], rtol=1e-8)
    if kind != "constant":
        assert "schedule: α_t from" in ex.last_status.text
    # over the run's second half the flat direction dominates: max |1 − α_t λ| is what happens
    assert ex.state.measured == pytest.approx(ex.state.predicted_rate, rel=0.02)
    for name, used in (("gamma", "step"), ("half_life", "exponential"), ("warmup", "warmup")):
        assert ex.controls[name].disabled == (kind != used)


def test_one_dimensional_problem_disables_kappa_and_angle():
    ex = LearningRateExplorer(problem="1d", lam_max=2.0, alpha=0.3)
    assert ex.controls["kappa"].disabled and ex.controls["angle"].disabled
    t, y = ex.artist("loss").get_data()
    f0 = 0.5 * 2.0 * Quadratic1D().start[0] ** 2
    np.testing.assert_allclose(y, f0 * 0.4 ** (2 * t), rtol=1e-9)
    misses = lr_sweep.cache_info().misses
    ex.set(kappa=50.0)  # no effect in 1-D: neither a new sweep nor a different run
    assert lr_sweep.cache_info().misses == misses


def test_rotation_changes_the_path_not_the_rates():
    a = LearningRateExplorer(angle=0.0, alpha=0.9)
    b = LearningRateExplorer(angle=40.0, alpha=0.9)
    assert a.state.rate_now == pytest.approx(b.state.rate_now, rel=1e-12)
    assert not np.allclose(a.artist("loss").get_data()[1][:20], b.artist("loss").get_data()[1][:20])


@pytest.mark.parametrize(
    "settings",
    [
        dict(alpha=4.0, kappa=1000.0, momentum=0.99),
        dict(alpha=1e-3, kappa=1.0, steps=500),
        dict(alpha=4.0, schedule="step", gamma=0.05, step_size=1),
        dict(alpha=2.0, problem="1d", lam_max=1.0),
        dict(alpha=1.0, kappa=1.0),
    ],
)
def test_extremes(settings):
    ex = LearningRateExplorer(**settings)
    assert ex.last_error is None and ex.last_status.text
    assert finite_artists(ex)
    for ax in ex.figure.axes:
        assert all(map(math.isfinite, (*ax.get_xlim(), *ax.get_ylim())))


def test_a_fresh_explorer_draws_the_same():
    ex = LearningRateExplorer(alpha=0.7, momentum=0.3)
    fresh = LearningRateExplorer()
    fresh.set(alpha=0.7, momentum=0.3)
    for name in ("loss", "predicted", "rate_mom", "sched"):
        for a, b in zip(fresh.artist(name).get_data(), ex.artist(name).get_data(), strict=True):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fresh.artist("image").get_array(), ex.artist("image").get_array())


# -- questions --------------------------------------------------------------------------------
def test_best_lr_question_hides_the_answer_and_grades_against_theory():
    ex = LearningRateExplorer(kappa=10.0, question=best_lr_question())
    hidden = (ex.artist("image"), ex.artist("rate_gd"), ex.artist("best_line"), ex.artist("loss"))
    assert not any(a.get_visible() for a in hidden)
    assert ex.predict(1.0) is False
    assert ex.predict(2 / 1.1) is True
    assert all(a.get_visible() for a in hidden)
    assert "(κ − 1)/(κ + 1)" in ex.feedback.value


def test_rate_question():
    ex = LearningRateExplorer(alpha=0.9, question=rate_question())
    assert ex.predict(0.91) is True
    ex.set(alpha=0.5, momentum=0.5)
    rho = QuadraticTheory.from_objective(Quadratic2D(10.0)).momentum_rate_at(0.5, 0.5)
    assert ex.predict(rho) is True
    assert ex.predict(0.5) is False


def test_showing_the_answer_and_moving_on_are_blits_of_the_right_picture():
    ex = LearningRateExplorer(kappa=10.0, question=best_lr_question())
    full_draws = []
    ex.figure.canvas.mpl_connect("draw_event", lambda event: full_draws.append(event))

    def pixels():
        return np.asarray(ex.figure.canvas.buffer_rgba()).copy()

    hidden = pixels()
    ex.figure.canvas.draw()  # the hidden picture, with its "press Run" note, as drawn in full
    np.testing.assert_array_equal(pixels(), hidden)
    full_draws.clear()
    ex.predict(2 / 1.1)  # shown: drawn in full once (the answers are in the background)
    assert len(full_draws) == 1
    shown = pixels()
    assert not np.array_equal(hidden, shown)
    ex.figure.canvas.draw()  # what a full draw of the same state gives
    np.testing.assert_array_equal(pixels(), shown)
    ex.set(alpha=0.5)  # answered: the answer stays, the move is a blit
    assert len(full_draws) == 2 and ex.artist("press_run").get_visible() is False
    ex.set(alpha=0.6)
    blitted = pixels()
    ex.figure.canvas.draw()
    np.testing.assert_array_equal(pixels(), blitted)
    ex.set(kappa=20.0)  # a new spectrum: the layer is drawn again over the rest, not the figure
    assert len(full_draws) == 3
    layered = pixels()
    ex.figure.canvas.draw()
    differ = np.any(pixels() != layered, axis=-1)
    assert differ.mean() < 0.002, f"{differ.sum()} pixels differ from a full draw"


@pytest.mark.parametrize(
    ("values", "name", "bounds"),
    [
        (dict(alpha=100.0), "alpha", ("0.001", "4")),
        (dict(alpha=0.0), "alpha", ("0.001", "4")),
        (dict(momentum=1.0), "momentum", ("0", "0.99")),
        (dict(kappa=2000.0), "kappa", ("1", "1000")),
        (dict(angle=-5.0), "angle", ("0", "90")),
        (dict(lam_max=10.0), "lam_max", ("0.25", "4")),
        (dict(steps=5), "steps", ("10", "500")),
        (dict(gamma=2.0), "gamma", ("0.05", "1")),
        (dict(warmup=501), "warmup", ("0", "500")),
    ],
)
def test_constructor_arguments_out_of_range_are_errors_naming_the_range(values, name, bounds):
    """LearningRateExplorer(alpha=100) ran at 4.0 before: nothing is clipped now."""
    with pytest.raises(ValueError, match=name) as err:
        LearningRateExplorer(**values)
    assert all(b in str(err.value) for b in bounds), str(err.value)
    with pytest.raises(ValueError, match="schedule"):
        LearningRateExplorer(schedule="linear")


def test_no_control_draws_the_figure_in_full_after_the_first_draw():
    ex = LearningRateExplorer()
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    for values in (
        dict(alpha=0.5),
        dict(momentum=0.5),
        dict(momentum=0.6, alpha=2.0),
        dict(angle=30.0),
        dict(heatmap="loss", schedule="cosine"),
        dict(problem="1d"),
        dict(problem="2d", heatmap="steps", schedule="constant"),
        dict(kappa=40.0),
        dict(steps=350),
        dict(lam_max=2.5),
    ):
        ex.set(**values)
        assert ex.last_error is None
    assert draws == []  # μ leaving 0 changes the loss legend: it is in the layer too
    texts = [t.get_text() for t in ex._loss_legend.get_texts() if t.get_visible()]
    assert texts == ["measured (heavy ball)", "theory: f₀·ρ(α, μ)²ᵗ (asymptotic)"]
    ex.set(momentum=0.0)
    texts = [t.get_text() for t in ex._loss_legend.get_texts() if t.get_visible()]
    assert texts[0] == "measured (gradient descent)" and len(texts) == 4
    assert ex.axes[1].get_xlim() == (0.0, 350.0) == ex.axes[2].get_xlim()
    assert ex.artist("image").get_clim() == (0.0, 350.0)
    x = ex.artist("best_line").get_xdata()
    th = QuadraticTheory.from_objective(Quadratic2D(40.0, scale=2.5))
    assert x[0] == pytest.approx(th.best_lr)


def test_a_new_quadratic_redraws_its_group_of_the_layer_only_and_as_a_full_draw_would():
    """κ and λmax change the theory's curves and the heatmap, θ the heatmap only, none the loss
    legend, the colour bar or the step axes: those stay in the cached picture before the changed
    group, and the picture equals a full draw's; the budget draws all but the legend again."""
    ex = LearningRateExplorer()
    drawn = []
    pieces = dict(legend=ex._loss_legend, colorbar=ex.colorbar.ax, theory=ex.artist("rate_gd"))
    for name, piece in pieces.items():
        piece.draw = lambda renderer, d=piece.draw, n=name: (drawn.append(n), d(renderer))[1]
    for ax in ex.axes[1:3]:
        ax.xaxis.draw = lambda renderer, d=ax.xaxis.draw: (drawn.append("steps"), d(renderer))[1]
    for values, redrawn in (
        (dict(kappa=20.0), ["theory"]),
        (dict(angle=30.0), []),
        (dict(lam_max=1.5), ["theory"]),
        (dict(steps=300), ["colorbar", "steps", "steps", "theory"]),
        (dict(momentum=0.5), ["legend", "colorbar", "steps", "steps", "theory"]),
    ):
        drawn.clear()
        ex.set(**values)
        assert drawn == redrawn, values
        blitted = np.asarray(ex.figure.canvas.buffer_rgba()).copy()
        ex.figure.canvas.draw()
        np.testing.assert_array_equal(np.asarray(ex.figure.canvas.buffer_rgba()), blitted)
