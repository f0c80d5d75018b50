"""LandscapeRaceExplorer: the drawn data equal independent runs of the package's simulate.

Each test sets controls as a learner would, then compares the artists' data with what
``simulate`` (or a hand-written reference recursion for the optimizers' internal state) gives
for the same settings. Tolerances: paths and losses are compared exactly or to 1e-12 relative;
the replayed optimizer state to 1e-10 relative.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from widgets.explorers.landscape import (
    ALPHA_RANGE,
    DATA_KEYS,
    GAP_FLOOR,
    GRAD_TOL,
    LANDSCAPE_KEYS,
    NEWTON_ALPHA_RANGE,
    OPTIMIZER_NAMES,
    VARIANT_NAMES,
    LandscapeRaceExplorer,
    TieQuestion,
    landscape_for,
    run_racer,
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
    assert race.last_status.text.startswith(
        "Step 200 of 200, 7 of 7 below the target: "
        "Newton (λ = 0) reached f − f* < 1e-06 first (1 step); then RMSProp (ρ = 0.99) in 37, "
    )
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
    # the box rule fires first: |w|∞ passes 10 × 5 (the plot's largest bound) long before 1e12
    out = int(np.argmax(np.abs(traj.params).max(axis=1) > 50.0))
    assert 0 < out < traj.diverged_at
    assert f"GD diverged at step {out} (w left 10× the plotted region" in race.last_status.text
    x, y = race.view.paths["gd"].get_data()
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(y))
    np.testing.assert_array_equal(np.column_stack([x, y]), traj.params[: out + 1])
    for ax in race.figure.axes:
        assert np.all(np.isfinite([*ax.get_xlim(), *ax.get_ylim()]))


def test_tiny_learning_rate_does_not_reach_the_target(race):
    race.set(objective="quadratic", alpha_gd=1e-4, steps=100)
    assert "GD not within 100 steps (f − f* = " in race.last_status.text


def test_newton_climbs_to_the_maximum_of_himmelblau():
    ex = LandscapeRaceExplorer(objective="himmelblau", optimizers=("gd", "newton"))
    assert "Newton (λ = 0) stuck at a local maximum" in ex.last_status.text
    assert ": GD reached f − f* < 1e-06 first (73 steps)" in ex.last_status.text


def test_saddle_start_on_the_axis_converges_to_the_saddle():
    ex = LandscapeRaceExplorer(objective="saddle", optimizers=("gd", "newton"))
    assert ": GD reached f < -1 first" in ex.last_status.text  # escaped
    assert "Newton (λ = 0) stuck at a saddle point (f = 0) after 1 step" in ex.last_status.text
    ex.set(steps=300)
    ex.set_start((1.5, 0.0))  # exactly on the stable axis: no escape direction
    assert "GD stuck at a saddle point" in ex.last_status.text
    assert ": Nobody reached f < -1" in ex.last_status.text


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
    assert ex.last_status.text.endswith("no racer selected: tick at least one optimizer.")
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


# -- divergence: simulate's own rule, or w leaving 10× the plotted region before the target -----
def racers_of(key):
    return OPTIMIZER_NAMES + (VARIANT_NAMES if key in DATA_KEYS else ())


def tol_of(name):
    return 1e-3 if name in VARIANT_NAMES else 1e-6


@pytest.mark.parametrize("key", LANDSCAPE_KEYS)
def test_largest_rate_diverges_for_every_racer(key):
    land = landscape_for(key)
    for name in racers_of(key):
        alpha = (NEWTON_ALPHA_RANGE if name == "newton" else ALPHA_RANGE)[1]
        r = run_racer(land, name, alpha, land.start, land.steps, tol_of(name), batch_size=32)
        assert r.kind == "diverged", (key, name, r.outcome)
        assert r.outcome.startswith(f"diverged at step {r.stopped_at} (")
        assert r.trajectory.diverged and np.all(np.isfinite(r.trajectory.params))


@pytest.mark.parametrize("key", LANDSCAPE_KEYS)
def test_preset_rates_do_not_diverge(key):
    land = landscape_for(key)
    for name in racers_of(key):
        r = run_racer(land, name, land.alphas[name], land.start, land.steps, tol_of(name))
        if (key, name) == ("plateau_cliff", "newton"):
            # Newton climbs the concave plateau towards its supremum at w₁ → ∞, ×1.33 per step
            assert r.outcome.startswith("diverged at step 8 (w left 10× the plotted region")
            continue
        assert r.kind != "diverged", (key, name, r.outcome)


def test_escaping_the_saddle_far_after_reaching_the_target_is_not_divergence():
    # lesson 6's race: momentum reaches f < −1 at step 54, leaves 10× the plot at step 63 and
    # overflows at step 153; it escaped, it did not diverge
    land = landscape_for("saddle")
    r = run_racer(land, "momentum", 0.1, np.array([1.5, 1e-6]), 200, 1e-6, momentum=0.9)
    assert (r.kind, r.reached_at, r.outcome) == ("reached", 54, "54 steps")
    assert np.abs(r.trajectory.params).max() > 20.0  # kept whole: drawn beyond the plot
    # Adam at α = 1000 reaches f < −1 on its first step, by jumping 10× out of the plot
    adam = run_racer(land, "adam", 1e3, np.array([1.5, 1e-6]), 200, 1e-6)
    assert adam.kind == "diverged" and adam.stopped_at == 1


def test_huge_rate_on_the_logistic_loss_is_divergence_though_the_loss_stays_finite():
    land = landscape_for("wdbc_logistic")
    r = run_racer(land, "gd", 1e3, land.start, 300, 1e-6)
    assert r.stopped_at == 1 and r.kind == "diverged"
    assert np.abs(r.trajectory.params[1]).max() > land.escape_radius == 55.0
    ex = LandscapeRaceExplorer(objective="wdbc_logistic", optimizers=("gd",))
    ex.set(alpha_gd=ex.controls["alpha_gd"].base ** ex.controls["alpha_gd"].max)
    assert "GD diverged at step 1 (w left 10× the plotted region" in ex.last_status.text
    assert ex.last_status.kind == "diverged"


# -- the status names the step shown, the budget and each racer's settings --------------------
def test_status_names_step_budget_and_settings():
    ex = LandscapeRaceExplorer(optimizers=("momentum", "rmsprop", "adam", "newton"))
    assert ex.last_status.text.startswith("Step 200 of 200, 4 of 4 below the target: ")
    ex.set(step=17)
    assert ex.last_status.text.startswith("Step 17 of 200, 1 of 4 below the target: ")
    ex.set(b2=0.99, decay=0.95, momentum=0.8, damping=0.5)
    text = ex.last_status.text
    for part in ("Adam (β₁ = 0.9, β₂ = 0.99)", "RMSProp (ρ = 0.95)", "Momentum (μ = 0.8)"):
        assert part in text
    assert "Newton (λ = 0.5)" in text
    v = LandscapeRaceExplorer(variants=("batch", "sgd", "minibatch"), batch_size=16, seed=3)
    assert "SGD (seed = 3)" in v.last_status.text
    assert "Mini-batch (B = 16, seed = 3)" in v.last_status.text
    v.set(seed=4)
    assert "Mini-batch (B = 16, seed = 4)" in v.last_status.text


def test_step_scrubber_ends_with_the_longest_shown_run():
    ex = LandscapeRaceExplorer(optimizers=("gd", "newton"))  # the quadratic
    gd_end = ex.state.run("gd").stopped_at  # GD converges (‖∇f‖ < 1e-9) before the budget
    assert gd_end < ex.value("steps")
    assert ex.controls["step"].max == ex.value("step") == gd_end
    ex.set(show_gd=False)  # Newton alone: one step
    assert ex.controls["step"].max == ex.value("step") == 1
    assert ex.last_status.text.startswith("Step 1 of 200, below the target: ")
    ex.set(show_gd=True)  # at the end stays at the end
    assert ex.value("step") == gd_end
    ex.set(step=10)
    ex.set(alpha_gd=1.0)  # a step chosen by hand stays
    assert ex.value("step") == 10
    ex.set(alpha_gd=1e3, alpha_newton=NEWTON_ALPHA_RANGE[1])  # both blow up: a short run
    assert ex.controls["step"].max == max(r.stopped_at for r in ex.state.runs) < 10
    assert ex.last_status.kind == "diverged"


def test_scrubbing_a_revealed_race_keeps_the_verdict():
    ex = LandscapeRaceExplorer(
        optimizers=("gd", "newton"), question=winner_question(("gd", "newton"))
    )
    assert ex.predict("Newton") is True
    ex.set(step=3)
    assert ex.view.paths["gd"].get_visible() and "Right" in ex.feedback.value
    assert ex.status.value.count("Step 3 of 200") == 1
