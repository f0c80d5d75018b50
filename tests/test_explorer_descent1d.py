"""Descent1DExplorer: the drawn data equal the model's, the status follows the theory.

Every test sets controls programmatically (headless Agg) and compares the artists' data with an
independent computation: ``simulate`` called directly, or the closed form w_t = (1 − αc)^t w₀ of
gradient descent on (c/2)·w².
"""

from __future__ import annotations

import math

import ipywidgets as ipw
import numpy as np
import pytest

from widgets.explorers.descent1d import Descent1DExplorer, minimum_question, regime_question
from widgets.models.descent1d import (
    LOSS_FLOOR,
    MINIMA_CHOICES,
    N_ARROWS,
    REGIMES,
    descent1d_state,
    descent1d_status,
    make_objective_1d,
)
from widgets.objectives import LogCosh1D, Quadratic1D, Quartic1D
from widgets.optimizers import gd
from widgets.simulate import simulate

RTOL = 1e-12  # the view draws the model's numbers unchanged


def drawn_arrows(ex: Descent1DExplorer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offsets, U, V) of the arrows actually drawn (unmasked)."""
    q = ex.artist("arrows")
    keep = np.ones(q.N, bool) if q.Umask is np.ma.nomask else ~np.asarray(q.Umask, bool)
    return q.get_offsets()[keep], q.U[keep], q.V[keep]


def play_of(ex: Descent1DExplorer) -> ipw.Play:
    """The Play button that walks "step t" along the run."""
    found = [w for box in ex.children if isinstance(box, ipw.HBox) for w in box.children]
    (play,) = [w for w in found if isinstance(w, ipw.Play)]
    return play


def all_finite(ex: Descent1DExplorer) -> bool:
    a = ex.artist
    arrays = [
        *a("points").get_data(),
        *a("loss").get_data(),
        *a("current").get_data(),
        *a("tangent").get_data(),
        *a("predicted").get_data(),
        a("arrows").get_offsets(),
    ]
    return all(np.all(np.isfinite(np.asarray(a, dtype=float))) for a in arrays)


# -- drawn data equal the model's ---------------------------------------------------------------
def test_default_path_matches_simulate_and_closed_form():
    ex = Descent1DExplorer()
    ref = simulate(Quadratic1D(1.0), gd(0.3), [2.5], 60, tol=1e-6)
    w = ref.params[:, 0]
    # independent reference: each step multiplies w by 1 − αc = 0.7
    np.testing.assert_allclose(w, 2.5 * 0.7 ** np.arange(w.size), rtol=1e-12)
    x, y = ex.artist("points").get_data()
    np.testing.assert_allclose(x, w, rtol=RTOL)
    np.testing.assert_allclose(y, 0.5 * w**2, rtol=1e-12)
    off, u, v = drawn_arrows(ex)
    n = min(ref.stopped_at, N_ARROWS)
    assert off.shape == (n, 2)
    np.testing.assert_allclose(off[:, 0], w[:n], rtol=RTOL)
    np.testing.assert_allclose(u, np.diff(w)[:n], rtol=RTOL)
    np.testing.assert_allclose(v, np.diff(ref.loss)[:n], rtol=RTOL)
    t, gap = ex.artist("loss").get_data()
    np.testing.assert_array_equal(t, np.arange(w.size))
    np.testing.assert_allclose(gap, np.maximum(ref.loss, LOSS_FLOOR), rtol=RTOL)


def test_predicted_curve_is_f0_times_factor_to_2t_and_matches_measured():
    ex = Descent1DExplorer(alpha=0.3, curvature=2.0, start=2.0)
    t, pred = ex.artist("predicted").get_data()
    f0 = 0.5 * 2.0 * 2.0**2
    above = pred >= LOSS_FLOOR
    np.testing.assert_allclose(pred[above], f0 * 0.4 ** (2 * t[above]), rtol=1e-9)
    # the measured loss lies on the prediction (gradient descent on a quadratic is exact)
    tm, gap = ex.artist("loss").get_data()
    k = min(tm.size, int(above.sum()))
    np.testing.assert_allclose(gap[:k], pred[:k], rtol=1e-9)
    assert "|1 − αc| = 0.4" in ex.artist("factor_text").get_text()


def test_step_slider_moves_the_current_point_and_tangent():
    ex = Descent1DExplorer(alpha=1.5)
    st = ex.state
    ex.set(step=3)
    x, y = ex.artist("current").get_data()
    assert (x[0], y[0]) == (st.w[3], st.f[3])
    (a, b), (fa, fb) = ex.artist("tangent").get_data()
    assert (fb - fa) / (b - a) == pytest.approx(Quadratic1D(1.0).grad([st.w[3]])[0], rel=1e-9)
    off, _, _ = drawn_arrows(ex)
    assert off.shape[0] == 3
    assert ex.artist("loss").get_data()[0].size == 4
    assert f"at t = 3 of {st.trajectory.stopped_at}: w = " in ex.last_status.text


def test_step_range_is_the_run_and_the_end_stays_at_the_end():
    ex = Descent1DExplorer(steps=60)  # α = 0.3, c = 1: converges in 42 steps
    step = ex.controls["step"]
    assert ex.state.trajectory.stopped_at == 42
    assert (step.max, step.value) == (42, 42)  # no dead zone past the end of the run
    assert play_of(ex).max == 42
    ex.set(alpha=0.1)  # a longer run: the scrubber was at the end, so it stays there
    k = ex.state.trajectory.stopped_at
    assert k == 60 and (step.max, step.value) == (60, 60)
    ex.set(steps=120)
    k = simulate(Quadratic1D(1.0), gd(0.1), [2.5], 120, tol=1e-6).stopped_at
    assert (step.max, step.value) == (k, k) == (ex.state.trajectory.stopped_at, k)
    ex.set(step=10)
    ex.set(steps=150)
    assert step.value == 10  # a chosen step is kept
    ex.set(steps=5)
    assert (step.max, step.value) == (5, 5)  # and clamped to a shorter run
    ex.set(steps=60, alpha=0.3, step=20)  # a step set with other values belongs to the new run
    assert (step.max, step.value) == (42, 20)
    assert ex.last_error is None


def test_every_step_of_the_scrubber_moves_the_point_and_the_status():
    ex = Descent1DExplorer(alpha=0.3)
    seen = set()
    for t in range(ex.controls["step"].max + 1):
        ex.set(step=t)
        assert ex.artist("current").get_data()[0][0] == ex.state.w[t]
        seen.add(ex.last_status.text)
    assert len(seen) == ex.state.trajectory.stopped_at + 1


def test_status_names_the_budget():
    ex = Descent1DExplorer(alpha=0.3, steps=60)
    assert "converged in 42 of 60 steps" in ex.last_status.text
    ex.set(steps=66)
    assert "converged in 42 of 66 steps" in ex.last_status.text
    ex.set(steps=20)
    assert "still going after all 20 steps" in ex.last_status.text
    ex.set(objective="quartic", alpha=0.2, start=2.0)
    d = ex.state.trajectory.diverged_at
    assert ex.last_status.text.startswith(f"diverged at step {d} of 20: α = 0.2 overshoots")


def test_a_run_that_never_moves_has_no_scrubber():
    ex = Descent1DExplorer(start=0.0)
    assert "stops at step 0 of 60" in ex.last_status.text
    assert ex.controls["step"].disabled and ex.controls["step"].max == 0
    ex.set(start=1.0)
    assert not ex.controls["step"].disabled
    assert ex.state.step == ex.controls["step"].max == ex.state.trajectory.stopped_at > 0


def test_a_fresh_explorer_draws_the_same():
    ex = Descent1DExplorer(objective="quartic", alpha=0.05, start=-2.0)
    fresh = Descent1DExplorer()
    fresh.set(objective="quartic", alpha=0.05, start=-2.0)
    for name in ("points", "loss", "arrows", "tangent"):
        a, b = ex.artist(name), fresh.artist(name)
        if name == "arrows":
            np.testing.assert_array_equal(a.get_offsets(), b.get_offsets())
            continue
        for da, db in zip(a.get_data(), b.get_data(), strict=True):
            np.testing.assert_array_equal(da, db)


# -- status in words, from the theory ---------------------------------------------------------
def test_status_monotone_converged():
    ex = Descent1DExplorer(alpha=0.3)
    assert ex.last_status.kind == "converged"
    assert ex.last_status.text.startswith(
        "monotone: 1 − αc = 0.7 is in [0, 1), converges; converged in 42 of 60 steps"
    )


def test_status_oscillating_numbers_from_theory():
    ex = Descent1DExplorer(alpha=0.4, curvature=4.0)  # 1 − αc = −0.6
    assert ex.last_status.kind == "oscillating"
    assert ex.last_status.text.startswith(
        "oscillating: |1 − αc| = 0.6 with 1 − αc = -0.6 < 0, converges; converged in"
    )


def test_status_diverged_names_the_step_and_the_limit():
    ex = Descent1DExplorer(alpha=1.2, curvature=2.0)  # 2/c = 1
    traj = simulate(Quadratic1D(2.0), gd(1.2), [2.5], 60)
    assert traj.diverged
    assert ex.last_status.kind == "diverged"
    assert ex.last_status.text.startswith(
        f"diverged at step {traj.diverged_at} of 60: α = 1.2 > 2/c = 1"
    )
    assert all_finite(ex)


def test_tiny_alpha_says_how_many_steps_the_theory_needs():
    ex = Descent1DExplorer(alpha=1e-3, steps=50)
    # |f′(w_t)| = c·2.5·0.999^t < 1e-6  ⇔  t > log(1e-6/2.5)/log(0.999)
    needed = math.ceil(math.log(1e-6 / 2.5) / math.log(0.999))
    assert f"the theory needs about {needed}" in ex.last_status.text
    assert ex.last_status.kind == "info"


def test_alpha_exactly_two_over_c_bounces_forever():
    ex = Descent1DExplorer(alpha=2.0, curvature=1.0)
    x, _ = ex.artist("points").get_data()
    np.testing.assert_allclose(np.abs(x), 2.5, rtol=1e-12)
    assert "never converges" in ex.last_status.text


def test_start_on_the_minimum_and_near_the_local_maximum():
    ex = Descent1DExplorer(start=0.0)
    assert ex.last_status.text.startswith("w₀ = 0 is already a stationary point")
    # exactly on the quartic's local maximum: f′ = 0 there, so gradient descent never moves
    peak = Quartic1D().local_maximizer
    st = descent1d_state("quartic", 0.05, 1.0, peak, 60)
    assert st.trajectory.stopped_at == 0 and "stationary point" in descent1d_status(st).text


def test_quartic_reaches_the_minimum_of_its_basin():
    left = Descent1DExplorer(objective="quartic", alpha=0.03, start=-2.0)
    right = Descent1DExplorer(objective="quartic", alpha=0.03, start=2.0)
    mins = Quartic1D().minimizers[:, 0]
    assert left.state.target == pytest.approx(mins[0])
    assert "global" in left.last_status.text
    assert right.state.target == pytest.approx(mins[1])
    assert "local minimum" in right.last_status.text
    assert left.controls["curvature"].disabled


def test_log_cosh_bounded_gradient_bounces_instead_of_blowing_up():
    ex = Descent1DExplorer(objective="log_cosh", alpha=3.0, curvature=1.0, start=-2.0, steps=200)
    assert not ex.state.trajectory.diverged
    assert ex.last_status.kind == "oscillating"
    assert ex.last_status.text.startswith("oscillating without settling")
    ref = simulate(LogCosh1D(1.0), gd(3.0), [-2.0], 200)
    np.testing.assert_allclose(ex.artist("points").get_data()[0], ref.params[:, 0], rtol=RTOL)


@pytest.mark.parametrize("kind", ["quadratic", "quartic", "log_cosh"])
@pytest.mark.parametrize("alpha", [1e-3, 3.0])
@pytest.mark.parametrize("start", [-2.5, 2.5])
def test_extremes_draw_only_finite_numbers(kind, alpha, start):
    ex = Descent1DExplorer(objective=kind, alpha=alpha, curvature=4.0, start=start, steps=300)
    assert ex.last_error is None
    assert all_finite(ex)
    for ax in ex.figure.axes:
        assert all(map(math.isfinite, (*ax.get_xlim(), *ax.get_ylim())))


@pytest.mark.parametrize("kind", ["quadratic", "quartic"])
def test_moving_alpha_keeps_the_loss_axis_and_only_blits(kind):
    """Every rate, converging, flat, oscillating or diverging, is drawn on one log loss axis, so
    a move of α redraws no axes: the figure is never drawn in full again."""
    ex = Descent1DExplorer(objective=kind, curvature=2.0, start=2.5, alpha=0.8)
    ax = ex.axes[1]
    ex.figure.canvas.draw()
    limits = ax.get_ylim()
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    # across the regimes: 1/c = 0.5 (monotone to oscillating) and 2/c = 1 (flat, then diverging)
    for alpha in (1e-3, 0.3, 0.5, 0.9, 0.999, 1.0, 1.001, 1.007, 1.3, 3.0, 0.8):
        ex.controls["alpha"].value = alpha
        assert ex.last_error is None
        assert ax.get_yscale() == "log"
        assert ax.get_ylim() == limits, alpha
    assert draws == []


def test_curvature_redraws_f_and_its_y_axis_only_and_as_a_full_draw_would():
    """c changes f's curve and its y axis, not the step axis (a group of the layer drawn before
    them); the budget redraws both. After each, the picture equals a full draw's."""
    ex = Descent1DExplorer()
    drawn = []
    for axis in (ex.axes[0].yaxis, ex.axes[1].xaxis):
        axis.draw = lambda renderer, d=axis.draw, n=axis: (drawn.append(n), d(renderer))[1]
    for values, redrawn in ((dict(curvature=3.0), [0]), (dict(steps=80), [1, 0])):
        drawn.clear()
        ex.set(**values)
        assert drawn == [(ex.axes[0].yaxis, ex.axes[1].xaxis)[i] for i in redrawn], values
        blitted = np.asarray(ex.figure.canvas.buffer_rgba()).copy()
        ex.figure.canvas.draw()
        np.testing.assert_array_equal(np.asarray(ex.figure.canvas.buffer_rgba()), blitted)


def test_unknown_function_is_rejected_with_the_valid_names():
    with pytest.raises(ValueError, match="'quadratic', 'quartic', 'log_cosh'"):
        make_objective_1d("cubic")
    with pytest.raises(ValueError):
        Descent1DExplorer(objective="cubic")


@pytest.mark.parametrize(
    ("values", "name", "bounds"),
    [
        (dict(alpha=100.0), "alpha", ("0.001", "3")),
        (dict(alpha=0.0), "alpha", ("0.001", "3")),
        (dict(curvature=10.0), "curvature", ("0.25", "4")),
        (dict(start=-3.0), "start", ("-2.5", "2.5")),
        (dict(steps=0), "steps", ("1", "300")),
        (dict(steps=301), "steps", ("1", "300")),
    ],
)
def test_constructor_arguments_out_of_range_are_errors_naming_the_range(values, name, bounds):
    """Nothing is clipped: an out-of-range argument names the parameter and its range."""
    with pytest.raises(ValueError, match=name) as err:
        Descent1DExplorer(**values)
    assert all(b in str(err.value) for b in bounds), str(err.value)


def test_model_validates_its_arguments_too():
    with pytest.raises(ValueError, match="alpha"):
        descent1d_state(alpha=5.0)
    with pytest.raises(ValueError, match="step"):
        descent1d_state(step=-1)


# -- predict, then run -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("alpha", "answer"),
    [(0.5, REGIMES[0]), (1.5, REGIMES[1]), (2.5, REGIMES[2])],
)
def test_regime_question_graded_from_theory(alpha, answer):
    ex = Descent1DExplorer(alpha=alpha, question=regime_question())
    assert not ex.artist("loss").get_visible() and not ex.artist("arrows").get_visible()
    assert "prediction" in ex.status.value
    wrong = next(c for c in REGIMES if c != answer)
    assert ex.predict(wrong) is False
    assert ex.predict(answer) is True
    assert ex.artist("loss").get_visible() and ex.artist("arrows").get_visible()
    assert "1 − αc" in ex.feedback.value


def test_moving_the_step_keeps_the_verdict_and_a_new_alpha_shows_its_own_run():
    ex = Descent1DExplorer(alpha=1.5, question=regime_question())
    ex.predict(REGIMES[1])
    ex.set(step=4)
    assert ex.artist("points").get_visible()
    assert ex.feedback.value  # the verdict stays
    assert "at t = 4 of" in ex.status.value  # and the status follows the scrubber
    play_of(ex).value = 2  # a tick of Play (linked to "step t" in the browser)
    assert ex.artist("points").get_visible() and ex.feedback.value
    ex.set(alpha=0.2)  # answered: the new rate's run shows at once; the verdict was for 1.5
    assert ex.artist("points").get_visible()
    assert ex.feedback.value == ""
    assert "1 − αc = 0.8" in ex.status.value  # the status of α = 0.2


def test_regime_question_on_a_non_quadratic_is_graded_by_simulation():
    ex = Descent1DExplorer(objective="log_cosh", alpha=1.5, start=-2.0, question=regime_question())
    run = simulate(LogCosh1D(1.0), gd(1.5), [-2.0], 20_000)
    assert run.converged
    answer = ex.question.answer(ex.state)[0]
    assert answer in REGIMES[:2]
    assert ex.predict(answer) is True


@pytest.mark.parametrize(
    ("start", "alpha", "answer"),
    [
        (-2.0, 0.03, MINIMA_CHOICES[0]),
        (2.0, 0.03, MINIMA_CHOICES[1]),
        (2.0, 0.2, MINIMA_CHOICES[2]),
    ],
)
def test_minimum_question_graded_by_simulation(start, alpha, answer):
    ex = Descent1DExplorer(
        objective="quartic", alpha=alpha, start=start, question=regime_question("quartic")
    )
    assert ex.question.choices == MINIMA_CHOICES
    assert ex.predict(answer) is True


@pytest.mark.parametrize(
    ("alpha", "answer"),
    [(0.05, MINIMA_CHOICES[1]), (0.08, MINIMA_CHOICES[0]), (0.11, MINIMA_CHOICES[2])],
)
def test_minimum_question_a_larger_step_jumps_over_the_hump(alpha, answer):
    # From w₀ = 2.5 a small α settles in the nearer, shallower minimum; α = 0.08 overshoots the
    # hump into the deeper one; α = 0.11 is unstable at both minima and never settles.
    ex = Descent1DExplorer(objective="quartic", alpha=alpha, start=2.5, question=minimum_question())
    run = simulate(Quartic1D(), gd(alpha), [2.5], 20_000)
    mins = Quartic1D().minimizers[:, 0]
    if answer == MINIMA_CHOICES[2]:
        assert not run.converged
    else:
        expected = mins[0] if answer == MINIMA_CHOICES[0] else mins[1]
        assert run.params[-1, 0] == pytest.approx(expected, abs=1e-5)
    assert ex.predict(answer) is True
