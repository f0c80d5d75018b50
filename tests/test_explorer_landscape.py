"""LandscapeRaceExplorer: the drawn data equal independent runs of the package's simulate.

Each test sets controls as a learner would, then compares the artists' data with what
``simulate`` (or a hand-written reference recursion for the optimizers' internal state) gives
for the same settings. Tolerances: paths and losses are compared exactly or to 1e-12 relative;
the replayed optimizer state to 1e-10 relative.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import numpy as np
import pytest

os.environ.setdefault("DESCENT_BACKEND", "agg")

from widgets.explorers.landscape import (
    GAP_FLOOR,
    GRAD_TOL,
    OPTIMIZER_NAMES,
    LandscapeRaceExplorer,
    TieQuestion,
    landscape_for,
    winner_question,
)
from widgets.optimizers import make_optimizer
from widgets.simulate import simulate

HYPER_OF = {
    "momentum": ("momentum",),
    "nesterov": ("momentum",),
    "rmsprop": ("decay",),
    "adam": ("b1", "b2"),
    "newton": ("damping",),
}


def reference(ex: LandscapeRaceExplorer, name: str):
    """simulate() for racer ``name`` with the explorer's current settings, built independently."""
    land = landscape_for(ex.value("objective"))
    kwargs = {k: ex.value(k) for k in HYPER_OF.get(name, ())}
    if name in ("batch", "sgd", "minibatch"):
        opt = make_optimizer("gd", learning_rate=ex.value(f"alpha_{name}"))
        b = {"batch": None, "sgd": 1, "minibatch": ex.value("batch_size")}[name]
        return land, simulate(
            land.objective,
            opt,
            ex.start,
            ex.value("steps"),
            tol=GRAD_TOL,
            batch_size=b,
            seed=ex.value("seed"),
        )
    opt = make_optimizer(name, learning_rate=ex.value(f"alpha_{name}"), **kwargs)
    return land, simulate(land.objective, opt, ex.start, ex.value("steps"), tol=GRAD_TOL)


@pytest.fixture(scope="module")
def race():
    return LandscapeRaceExplorer()


def test_default_shows_every_optimizer_and_newton_wins_on_the_quadratic(race):
    assert race.last_error is None
    assert set(race.view.paths) == set(OPTIMIZER_NAMES)
    assert race.last_status.text.startswith("Newton reached f − f* < 1e-06 first (1 step)")
    assert race.last_status.kind == "converged"
    assert "descent-scoreboard" in race.scoreboard.value


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_paths_and_loss_curves_equal_simulate(race, name):
    race.set(
        objective="quadratic",
        alpha_gd=0.5,
        momentum=0.8,
        b1=0.85,
        b2=0.99,
        decay=0.9,
        damping=0.5,
        steps=150,
    )
    race.set(step=race.controls["step"].max)
    land, traj = reference(race, name)
    x, y = race.view.paths[name].get_data()
    np.testing.assert_array_equal(np.column_stack([x, y]), traj.params)
    xs, gap = race.view.curves[name].get_data()
    np.testing.assert_array_equal(xs, np.arange(traj.stopped_at + 1))
    np.testing.assert_allclose(
        gap, np.maximum(traj.loss - land.f_star, 1.5 * GAP_FLOOR), rtol=1e-12
    )


def test_step_slider_truncates_paths_and_moves_heads(race):
    race.set(objective="himmelblau", steps=200)
    race.set(step=17)
    for name in ("gd", "adam"):
        _, traj = reference(race, name)
        x, y = race.view.paths[name].get_data()
        np.testing.assert_array_equal(np.column_stack([x, y]), traj.params[:18])
        hx, hy = race.view.heads[name].get_data()
        np.testing.assert_array_equal([hx[0], hy[0]], traj.params[17])
    cx = race.view.cursor.get_xdata()
    assert list(cx) == [17, 17]


def test_momentum_arrow_is_the_last_heavy_ball_step(race):
    # heavy ball: params[s] − params[s−1] = −α v_s, an identity independent of the replay
    race.set(objective="quadratic", alpha_momentum=0.1, momentum=0.9, steps=200)
    race.set(step=30)
    _, traj = reference(race, "momentum")
    (x0, y0), (x1, y1) = race.view.arrows["momentum"]._posA_posB
    np.testing.assert_allclose([x0, y0], traj.params[30], rtol=1e-12)
    np.testing.assert_allclose(
        np.subtract([x1, y1], [x0, y0]), traj.params[30] - traj.params[29], rtol=1e-9, atol=1e-13
    )


def test_nesterov_arrow_matches_a_reference_recursion(race):
    race.set(objective="quadratic", alpha_nesterov=0.1, momentum=0.7, steps=200)
    race.set(step=12)
    land, traj = reference(race, "nesterov")
    v = np.zeros(2)
    for t in range(12):  # v_t = μ v_{t−1} + g_t, written out independently
        v = 0.7 * v + land.objective.grad(traj.params[t])
    (x0, y0), (x1, y1) = race.view.arrows["nesterov"]._posA_posB
    np.testing.assert_allclose(np.subtract([x1, y1], [x0, y0]), -0.1 * v, rtol=1e-10)


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_adaptive_ellipse_half_axes_are_the_effective_steps(race, name):
    race.set(objective="plateau_cliff", b2=0.99, decay=0.95, steps=300)
    race.set(step=9)
    land, traj = reference(race, name)
    alpha = race.value(f"alpha_{name}")
    G = land.objective.grad(traj.params[:9])
    if name == "adagrad":
        nu_hat, eps = (G**2).sum(axis=0), 1e-10
    elif name == "rmsprop":
        nu = np.zeros(2)
        for g in G:
            nu = 0.95 * nu + 0.05 * g**2
        nu_hat, eps = nu, 1e-8
    else:
        nu = np.zeros(2)
        for g in G:
            nu = 0.99 * nu + 0.01 * g**2
        nu_hat, eps = nu / (1 - 0.99**9), 1e-8
    expected = alpha / (np.sqrt(nu_hat) + eps)
    e = race.view.ellipses[name]
    np.testing.assert_allclose(e.get_center(), traj.params[9], rtol=1e-12)
    np.testing.assert_allclose([e.get_width() / 2, e.get_height() / 2], expected, rtol=1e-10)
    assert e.get_visible()


def test_state_is_hidden_before_the_first_gradient(race):
    race.set(objective="quadratic")
    race.set(step=0)
    assert not race.view.ellipses["adam"].get_visible()
    assert not race.view.arrows["momentum"].get_visible()


def test_diverging_racer_is_drawn_finite_and_named_in_the_status(race):
    race.set(objective="quadratic", alpha_gd=10.0, steps=200)
    race.set(step=race.controls["step"].max)
    _, traj = reference(race, "gd")
    assert traj.diverged
    assert f"GD diverged at step {traj.diverged_at}" in race.last_status.text
    x, y = race.view.paths["gd"].get_data()
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(y))
    assert len(x) == traj.stopped_at + 1
    for ax in race.figure.axes:
        assert np.all(np.isfinite([*ax.get_xlim(), *ax.get_ylim()]))


def test_tiny_learning_rate_does_not_reach_the_target(race):
    race.set(objective="quadratic", alpha_gd=1e-4, steps=100)
    assert "GD not within 100 steps (f − f* = " in race.last_status.text


def test_newton_climbs_to_the_maximum_of_himmelblau():
    ex = LandscapeRaceExplorer(objective="himmelblau", optimizers=("gd", "newton"))
    assert "Newton stuck at a local maximum" in ex.last_status.text
    assert ex.last_status.text.startswith("GD reached f − f* < 1e-06 first")


def test_saddle_start_on_the_axis_converges_to_the_saddle():
    ex = LandscapeRaceExplorer(objective="saddle", optimizers=("gd", "newton"))
    assert ex.last_status.text.startswith("GD reached f < -1 first")  # escaped
    assert "Newton stuck at a saddle point (f = 0) after 1 step" in ex.last_status.text
    ex.set(steps=300)
    ex.set_start((1.5, 0.0))  # exactly on the stable axis: no escape direction
    assert "GD stuck at a saddle point" in ex.last_status.text
    assert ex.last_status.text.startswith("Nobody reached f < -1")


def test_click_sets_the_start_and_other_clicks_are_ignored():
    ex = LandscapeRaceExplorer(optimizers=("gd",))
    inside = SimpleNamespace(inaxes=ex.view.ax_c, xdata=2.0, ydata=-1.5, button=1)
    ex._on_click(inside)
    np.testing.assert_array_equal(ex.start, [2.0, -1.5])
    x, y = ex.view.paths["gd"].get_data()
    assert (x[0], y[0]) == (2.0, -1.5)
    np.testing.assert_array_equal(ex.view.start_marker.get_data(), ([2.0], [-1.5]))
    ex._on_click(SimpleNamespace(inaxes=ex.view.ax_l, xdata=5.0, ydata=1e-3, button=1))
    ex._on_click(SimpleNamespace(inaxes=None, xdata=None, ydata=None, button=1))
    np.testing.assert_array_equal(ex.start, [2.0, -1.5])
    with pytest.raises(ValueError, match="two finite numbers"):
        ex.set_start((np.nan, 1.0))


def test_objective_change_resets_start_rates_and_keeps_artists_bounded():
    ex = LandscapeRaceExplorer(optimizers=("gd", "adam"))
    ex.set_start((1.0, 1.0))
    ex.set(objective="rosenbrock")
    land = landscape_for("rosenbrock")
    np.testing.assert_array_equal(ex.start, land.start)
    assert ex.value("alpha_gd") == pytest.approx(land.alphas["gd"], rel=0.06)  # slider grid
    assert ex.value("steps") == land.steps == ex.controls["step"].max == ex.value("step")
    counts = []
    for key in ("quadratic", "rosenbrock", "wdbc_logistic", "quadratic", "rosenbrock"):
        ex.set(objective=key)
        assert ex.last_error is None
        counts.append(len(ex.view.ax_c.get_children()))
    assert counts[3:] == counts[2:3] * 2  # contour backgrounds are cached, not re-drawn


def test_unticked_racers_are_hidden_and_left_out_of_the_status():
    ex = LandscapeRaceExplorer(optimizers=("gd", "momentum", "newton"))
    ex.set(show_newton=False)
    assert not ex.view.paths["newton"].get_visible()
    assert ex.view.paths["gd"].get_visible()
    assert "Newton" not in ex.last_status.text
    assert [t.get_text() for t in ex.view.legend.get_texts()] == ["GD", "Momentum"]
    ex.set(show_gd=False, show_momentum=False)
    assert ex.last_status.text.startswith("No racer selected")
    assert ex.view.legend is None


def test_step_budget_resizes_the_step_slider():
    ex = LandscapeRaceExplorer(optimizers=("gd",))
    ex.set(steps=50)
    assert ex.controls["step"].max == 50 and ex.value("step") == 50
    assert ex.view.ax_l.get_xlim() == (0.0, 50.0)
    ex.set(step=20)
    ex.set(steps=300)
    assert ex.value("step") == 20  # a step chosen by hand stays


def test_variants_race_matches_simulate_with_batches():
    ex = LandscapeRaceExplorer(variants=("batch", "sgd", "minibatch"), batch_size=16, seed=3)
    assert ex.value("objective") == "wdbc_logistic" and ex.value("batch_size") == 16
    for name in ("batch", "sgd", "minibatch"):
        _, traj = reference(ex, name)
        x, y = ex.view.paths[name].get_data()
        np.testing.assert_array_equal(np.column_stack([x, y]), traj.params)
    assert "Mini-batch (B = 16)" in ex.scoreboard.value
    assert "reached f − f* < 1e-03 first" in ex.last_status.text
    assert "examples" in ex.last_status.text
    with pytest.raises(ValueError, match="not both"):
        LandscapeRaceExplorer(variants=("sgd",), optimizers=("gd",))
    with pytest.raises(ValueError, match="objective"):
        LandscapeRaceExplorer(variants=("sgd",), objective="rosenbrock")


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="distinct names"):
        LandscapeRaceExplorer(optimizers=("gd", "lbfgs"))
    with pytest.raises(ValueError, match="unknown objective"):
        LandscapeRaceExplorer(objective="nope")


def test_winner_question_is_graded_by_the_race_and_hides_the_run():
    q = winner_question(("gd", "newton"))
    assert q.choices == ("GD", "Newton", "none of them")
    ex = LandscapeRaceExplorer(optimizers=("gd", "newton"), question=q)
    assert not ex.view.paths["gd"].get_visible()  # hidden until the learner commits
    assert ex.scoreboard.layout.display == "none"
    assert ex.predict("GD") is False
    assert ex.view.paths["gd"].get_visible()
    assert ex.scoreboard.layout.display is None
    ex.set(alpha_gd=1.0)  # any change hides the run again
    assert not ex.view.paths["gd"].get_visible()
    assert ex.predict("Newton") is True
    ex.set(show_newton=False, alpha_gd=1e-4)
    assert ex.predict("none of them") is True


def test_ties_accept_every_winner():
    q = TieQuestion("?", answer=lambda ex: ("A", ""), choices=("A", "B"))
    assert q.grade("A", "A or B") and q.grade("B", "A or B") and not q.grade("C", "A or B")


def test_winner_question_with_variants_grades_the_offered_choices():
    variants = ("batch", "sgd", "minibatch")
    question = winner_question(variants=variants)
    ex = LandscapeRaceExplorer(variants=variants, question=question)
    correct, _ = question.answer(ex)
    parts = correct.split(" or ")
    assert all(p in question.choices for p in parts), (correct, question.choices)
    assert ex.predict(parts[0]) is True
