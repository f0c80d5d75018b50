"""LandscapeRaceExplorer: the drawn data equal independent runs of the package's simulate.

Each test sets controls as a learner would, then compares the artists' data (``ex.artist(name)``)
with what ``simulate`` (or a hand-written reference recursion for the optimizers' internal state)
gives for the same settings. Tolerances: paths and losses are compared exactly or to 1e-12
relative; the optimizers' state to 1e-10 relative.
"""

from __future__ import annotations

import doctest
from types import SimpleNamespace

import numpy as np
import pytest

import widgets.explorers._entry as entry
import widgets.models.landscape as model
from widgets.explorers.landscape import LandscapeRaceExplorer
from widgets.models import TieQuestion
from widgets.models._text import num
from widgets.models.landscape import (
    ALPHA_RANGE,
    DATA_KEYS,
    GAP_FLOOR,
    GRAD_TOL,
    LANDSCAPE_KEYS,
    NEWTON_ALPHA_RANGE,
    OPTIMIZER_NAMES,
    VARIANT_NAMES,
    landscape_for,
    run_racer,
    winner_question,
)
from widgets.optimizers import lbfgs, make_optimizer
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
    start, steps = ex.state.start, ex.value("steps")
    if name in ("batch", "sgd", "minibatch"):
        opt = make_optimizer("gd", learning_rate=ex.value(f"alpha_{name}"))
        b = {"batch": None, "sgd": 1, "minibatch": ex.value("batch_size")}[name]
        return land, simulate(
            land.objective, opt, start, steps, tol=GRAD_TOL, batch_size=b, seed=ex.value("seed")
        )
    if name == "lbfgs":  # not in the registry (it needs the loss's values)
        opt = lbfgs(ex.value("alpha_lbfgs"))
    else:
        opt = make_optimizer(name, learning_rate=ex.value(f"alpha_{name}"), **kwargs)
    return land, simulate(land.objective, opt, start, steps, tol=GRAD_TOL)


def path(ex, name):
    return np.column_stack(ex.artist(f"path_{name}").get_data())


@pytest.fixture(scope="module")
def race():
    return LandscapeRaceExplorer()


def test_default_shows_every_optimizer_and_newton_wins_on_the_quadratic(race):
    assert race.last_error is None
    assert {n for n in OPTIMIZER_NAMES if f"path_{n}" in race.artist_specs} == set(OPTIMIZER_NAMES)
    assert race.last_status.text.startswith(
        "Step 200 of 200, 8 of 8 below the target: "
        "Newton (δ = 0) reached f − f* < 1e-06 first (1 step); then L-BFGS in 4, "
        "RMSProp (β₂ = 0.99) in 37, "
    )
    assert race.last_status.kind == "converged"
    assert "descent-scoreboard" in race.readout_boxes["scoreboard"].value
    assert race.controls["damping"].description == "δ (Newton damping)"
    assert race.controls["decay"].description == "β₂ (RMSProp)"


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
    np.testing.assert_array_equal(path(race, name), traj.params)
    xs, gap = race.artist(f"curve_{name}").get_data()
    np.testing.assert_array_equal(xs, np.arange(traj.stopped_at + 1))
    np.testing.assert_allclose(
        gap, np.maximum(traj.loss - land.f_star, 1.5 * GAP_FLOOR), rtol=1e-12
    )


def test_step_slider_truncates_paths_and_moves_their_dots(race):
    race.set(objective="himmelblau", steps=200)
    race.set(step=17)
    for name in ("gd", "adam"):
        _, traj = reference(race, name)
        np.testing.assert_array_equal(path(race, name), traj.params[:18])
        assert race.artist(f"path_{name}").get_markevery() == [-1]  # its dot: the point at t
    assert list(race.artist("cursor").get_xdata()) == [17, 17]


def test_momentum_arrow_is_the_last_heavy_ball_step(race):
    # heavy ball: params[s] − params[s−1] = −α v_s, an identity independent of the recorded state
    race.set(objective="quadratic", alpha_momentum=0.1, momentum=0.9, steps=200)
    race.set(step=30)
    _, traj = reference(race, "momentum")
    (x0, y0), (x1, y1) = race.artist("arrow_momentum")._posA_posB
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
    (x0, y0), (x1, y1) = race.artist("arrow_nesterov")._posA_posB
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
    e = race.artist(f"ellipse_{name}")
    np.testing.assert_allclose(e.get_center(), traj.params[9], rtol=1e-12)
    np.testing.assert_allclose([e.get_width() / 2, e.get_height() / 2], expected, rtol=1e-10)
    assert e.get_visible()


def test_state_is_hidden_before_the_first_gradient(race):
    race.set(objective="quadratic")
    race.set(step=0)
    assert not race.artist("ellipse_adam").get_visible()
    assert not race.artist("arrow_momentum").get_visible()


def test_diverging_racer_is_drawn_finite_and_named_in_the_status(race):
    race.set(objective="quadratic", alpha_gd=10.0, steps=200)
    race.set(step=race.controls["step"].max)
    _, traj = reference(race, "gd")
    assert traj.diverged
    # the box rule fires first: |w|∞ passes 10 × 5 (the plot's largest bound) long before 1e12
    out = int(np.argmax(np.abs(traj.params).max(axis=1) > 50.0))
    assert 0 < out < traj.diverged_at
    assert f"GD diverged at step {out} (w left 10× the plotted region" in race.last_status.text
    drawn = path(race, "gd")
    assert np.all(np.isfinite(drawn))
    np.testing.assert_array_equal(drawn, traj.params[: out + 1])
    for ax in race.figure.axes:
        assert np.all(np.isfinite([*ax.get_xlim(), *ax.get_ylim()]))


def test_tiny_learning_rate_does_not_reach_the_target(race):
    race.set(objective="quadratic", alpha_gd=1e-4, steps=100)
    assert "GD not within 100 steps (f − f* = " in race.last_status.text


def test_newton_climbs_to_the_maximum_of_himmelblau():
    ex = LandscapeRaceExplorer(objective="himmelblau", optimizers=("gd", "newton"))
    assert "Newton (δ = 0) stuck at a local maximum" in ex.last_status.text
    assert ": GD reached f − f* < 1e-06 first (73 steps)" in ex.last_status.text


def test_saddle_start_on_the_axis_converges_to_the_saddle():
    ex = LandscapeRaceExplorer(objective="saddle", optimizers=("gd", "newton"))
    assert ": GD reached f < -1 first" in ex.last_status.text  # escaped
    assert "Newton (δ = 0) stuck at a saddle point (f = 0) after 1 step" in ex.last_status.text
    ex.set(steps=300)
    ex.set(start=(1.5, 0.0))  # exactly on the stable axis: no escape direction
    assert "GD stuck at a saddle point" in ex.last_status.text
    assert ": Nobody reached f < -1" in ex.last_status.text


def test_click_sets_the_start_and_other_clicks_are_ignored():
    ex = LandscapeRaceExplorer(optimizers=("gd",))
    ex._clicked(SimpleNamespace(inaxes=ex.axes[0], xdata=2.0, ydata=-1.5, button=1))
    assert ex.state.start == (2.0, -1.5)
    assert tuple(path(ex, "gd")[0]) == (2.0, -1.5)
    np.testing.assert_array_equal(ex.artist("start").get_data(), ([2.0], [-1.5]))
    ex._clicked(SimpleNamespace(inaxes=ex.axes[1], xdata=5.0, ydata=1e-3, button=1))
    ex._clicked(SimpleNamespace(inaxes=None, xdata=None, ydata=None, button=1))
    ex._clicked(SimpleNamespace(inaxes=ex.axes[0], xdata=1.0, ydata=1.0, button=3))
    assert ex.state.start == (2.0, -1.5)
    with pytest.raises(ValueError, match="two finite numbers"):
        ex.set(start=(np.nan, 1.0))


def test_the_start_can_be_typed_as_well_as_clicked():
    """The keyboard's equivalent of a click on the map: "w₁, w₂" and Enter in the start field
    gives the state a click there gives; what is not a point of the map is refused by name,
    with the map's ranges, and leaves the start where it was."""
    clicked, typed = (LandscapeRaceExplorer(optimizers=("gd", "adam")) for _ in range(2))
    clicked._clicked(SimpleNamespace(inaxes=clicked.axes[0], xdata=2.0, ydata=-1.5, button=1))
    typed.point_entry.value = "2, −1.5"
    assert typed.state.start == clicked.state.start == (2.0, -1.5)
    assert typed.last_status == clicked.last_status
    np.testing.assert_array_equal(path(typed, "adam"), path(clicked, "adam"))
    (x0, x1), (y0, y1) = typed.axes[0].get_xlim(), typed.axes[0].get_ylim()
    for text, why in [
        ("two, one", "must be two numbers"),
        ("1, 2, 3", "must be two numbers"),
        ("nan, 1", "must be two numbers"),
        (f"{x1 + 0.5}, 0", "must lie in the plotted region"),
        (f"0, {y0 - 0.5}", "must lie in the plotted region"),
    ]:
        typed.point_entry.value = text
        said = typed.last_status
        assert said.kind == "error" and said.text.startswith(f"start {why}"), (text, said)
        assert f"w₁ in [{num(x0)}, {num(x1)}] and w₂ in [{num(y0)}, {num(y1)}]" in said.text
        assert "⚠" in typed.status.value and typed.state.start == (2.0, -1.5)
    typed.point_entry.value = "(−1, 0.25)"  # parentheses and a true minus sign are read too
    assert typed.state.start == (-1.0, 0.25) and typed.last_status.kind != "error"
    assert doctest.testmod(entry).attempted >= 1 and doctest.testmod(entry).failed == 0


def test_every_click_on_a_figure_has_a_keyboard_equivalent():
    """An explorer whose figure takes clicks either has the point field or only sets, by a
    click, controls that are sliders of its own (TaylorNewton's w₁, w₂)."""
    from widgets.explorers import EXPLORERS, Explorer
    from widgets.explorers._controls import Slider

    takes_clicks = [c for c in EXPLORERS if c.on_click is not Explorer.on_click]
    assert LandscapeRaceExplorer in takes_clicks and len(takes_clicks) >= 2
    for cls in takes_clicks:
        if cls.click_entry is not None:
            continue
        ex = cls()
        ax = ex.axes[0]
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        values = ex.on_click(0, (x0 + x1) / 2, (y0 + y1) / 2)
        assert values, cls.__name__
        assert all(isinstance(ex.specs[n], Slider) for n in values), (cls.__name__, values)


def test_objective_change_resets_start_rates_and_step_budget_and_keeps_artists_bounded():
    ex = LandscapeRaceExplorer(optimizers=("gd", "adam"))
    ex.set(start=(1.0, 1.0))
    ex.set(step=17)
    ex.set(objective="rosenbrock")
    land = landscape_for("rosenbrock")
    assert ex.state.start == land.start
    assert ex.value("alpha_gd") == land.alphas["gd"]  # the slider's grid passes through it
    assert ex.value("steps") == land.steps
    assert ex.controls["step"].max == ex.controls["step"].value == ex.state.step
    counts = []
    for key in ("quadratic", "rosenbrock", "wdbc_logistic", "quadratic", "rosenbrock"):
        ex.set(objective=key)
        assert ex.last_error is None
        counts.append(len(ex.axes[0].get_children()))
    assert counts[3:] == counts[2:3] * 2  # contour backgrounds are kept, not drawn again


def test_unticked_racers_are_hidden_and_left_out_of_the_status():
    ex = LandscapeRaceExplorer(optimizers=("gd", "momentum", "newton"))
    ex.set(show_newton=False)
    assert not ex.artist("path_newton").get_visible()
    assert ex.artist("path_gd").get_visible()
    assert "Newton" not in ex.last_status.text
    legend = ex.axes[1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["GD", "Momentum", "Newton (off)"]
    assert [t.get_alpha() for t in legend.get_texts()] == [1.0, 1.0, 0.45]
    ex.set(show_gd=False, show_momentum=False)
    assert ex.last_status.text.endswith("no racer selected: tick at least one optimizer.")
    assert all(t.get_text().endswith("(off)") for t in legend.get_texts())


def test_a_tick_box_redraws_the_legend_only_and_the_picture_is_a_full_draws():
    """Switching a racer off or on changes the legend (a layer) and the moving paths, not the
    contour map: no full redraw, and the pixels equal what a full draw gives."""
    ex = LandscapeRaceExplorer(optimizers=("gd", "adam"))
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    for value in (False, True, False):
        ex.set(show_adam=value)
        assert draws == []
        pixels = np.asarray(ex.figure.canvas.buffer_rgba()).copy()
        ex.figure.canvas.draw()
        np.testing.assert_array_equal(np.asarray(ex.figure.canvas.buffer_rgba()), pixels)
        draws.clear()


def test_the_legend_follows_the_mini_batch_size():
    ex = LandscapeRaceExplorer(variants=("batch", "minibatch"), objective=DATA_KEYS[0])
    ex.set(batch_size=16)
    texts = [t.get_text() for t in ex.axes[1].get_legend().get_texts()]
    assert texts == ["Batch GD", "Mini-batch (B = 16)"]


def test_step_budget_resizes_the_step_slider_and_the_step_axis_without_a_redraw():
    ex = LandscapeRaceExplorer(optimizers=("gd", "adam"))
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    ex.set(steps=50)
    assert ex.controls["step"].max == 50 == ex.state.step
    assert ex.axes[1].get_xlim() == (0.0, 50.0)
    assert ex.artist("budget").get_text() == "50"
    ex.set(step=20)
    ex.set(steps=300)
    assert ex.state.step == 20  # a step chosen by hand stays
    assert draws == [], "the step axis's ticks sit at fixed fractions: a blit, not a redraw"


def test_a_longer_budget_continues_the_runs_and_equals_a_run_from_scratch():
    ex = LandscapeRaceExplorer(optimizers=("adam",), alphas={"adam": 0.05})
    resumed = []
    real = model.simulate

    def spy(*args, **kwargs):
        resumed.append(kwargs.get("resume") is not None)
        return real(*args, **kwargs)

    model.simulate = spy
    try:
        ex.set(steps=210)
    finally:
        model.simulate = real
    assert resumed == [True]
    _, traj = reference(ex, "adam")
    np.testing.assert_array_equal(path(ex, "adam"), traj.params)
    ex.set(steps=100)  # a shorter budget is the first part of the runs kept
    np.testing.assert_array_equal(path(ex, "adam"), reference(ex, "adam")[1].params)


def test_a_shared_setting_reruns_only_the_racers_that_use_it():
    # runs another test made (or a run-ahead computed) in this process would not be run again
    model._racer.cache_clear()
    model._LONGEST.clear()
    ex = LandscapeRaceExplorer(optimizers=("gd", "momentum", "nesterov", "adam"))
    ran = []
    real, real_each = model.simulate, model.simulate_each
    model.simulate = lambda obj, opt, *a, **k: ran.append(opt.name) or real(obj, opt, *a, **k)
    model.simulate_each = lambda obj, opts, *a, **k: (
        ran.extend(o.name for o in opts) or real_each(obj, opts, *a, **k)
    )
    try:
        ex.set(momentum=0.8)
        ex.set(b1=0.8)
    finally:
        model.simulate, model.simulate_each = real, real_each
    assert sorted(set(ran)) == ["adam", "momentum", "nesterov"]
    for name in ("momentum", "adam"):
        np.testing.assert_array_equal(path(ex, name), reference(ex, name)[1].params)


def test_a_dragged_slider_has_its_next_positions_ready_and_they_equal_simulate():
    ex = LandscapeRaceExplorer(optimizers=("gd", "adam"))
    c = ex.controls["alpha_adam"]
    ran = []
    real = model.simulate_each
    model.simulate_each = lambda obj, opts, *a, **k: (
        ran.append(len(opts)) or real(obj, opts, *a, **k)
    )
    here = round((np.log10(c.value) - c.min) / c.step)
    try:
        for j in range(1, 7):  # one position at a time, as an arrow key moves it
            c.value = float(f"{c.base ** (c.min + (here + j) * c.step):.12g}")
            np.testing.assert_array_equal(path(ex, "adam"), reference(ex, "adam")[1].params)
    finally:
        model.simulate_each = real
    # a move to a position not run yet runs it and the four after it together: the next four
    # moves find their runs made
    assert ran == [5, 5]


def test_variants_race_matches_simulate_with_batches():
    ex = LandscapeRaceExplorer(variants=("batch", "sgd", "minibatch"), batch_size=16, seed=3)
    assert ex.value("objective") == "wdbc_logistic" and ex.value("batch_size") == 16
    for name in ("batch", "sgd", "minibatch"):
        _, traj = reference(ex, name)
        np.testing.assert_array_equal(path(ex, name), traj.params)
    assert "Mini-batch (B = 16)" in ex.readout_boxes["scoreboard"].value
    assert "reached f − f* < 1e-03 first" in ex.last_status.text
    assert "examples" in ex.last_status.text
    with pytest.raises(ValueError, match="not both"):
        LandscapeRaceExplorer(variants=("sgd",), optimizers=("gd",))
    with pytest.raises(ValueError, match="objective"):
        LandscapeRaceExplorer(variants=("sgd",), objective="rosenbrock")


def test_unknown_names_and_out_of_range_arguments_are_rejected_not_clipped():
    with pytest.raises(ValueError, match="distinct names"):
        LandscapeRaceExplorer(optimizers=("gd", "bfgs"))
    with pytest.raises(ValueError, match="objective must be one of 'quadratic', "):
        LandscapeRaceExplorer(objective="nope")
    with pytest.raises(ValueError, match=r"alpha_gd must be in \[0.0001, 1000\], got 5000"):
        LandscapeRaceExplorer(alphas={"gd": 5000})
    with pytest.raises(ValueError, match=r"alpha_newton must be in \[0.01, 3.98"):
        LandscapeRaceExplorer(alphas={"newton": 5.0})
    with pytest.raises(ValueError, match=r"unknown argument\(s\) \['alpha_adam'\]"):
        LandscapeRaceExplorer(optimizers=("gd",), alphas={"adam": 0.1})
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 0.99\], got 1.5"):
        LandscapeRaceExplorer(momentum=1.5)
    with pytest.raises(ValueError, match=r"steps must be an integer in \[10, 1000\]"):
        LandscapeRaceExplorer(steps=5000)
    with pytest.raises(ValueError, match="tol must be one of"):
        LandscapeRaceExplorer(tol=1e-5)
    ex = LandscapeRaceExplorer(optimizers=("gd",), alphas={"gd": 0.3})
    assert ex.value("alpha_gd") == 0.3 and ex.controls["alpha_gd"].value == pytest.approx(0.3)


def test_winner_question_is_graded_by_the_race_and_hides_the_run_until_answered():
    q = winner_question(("gd", "newton"))
    assert q.choices == ("GD", "Newton", "none of them")
    ex = LandscapeRaceExplorer(optimizers=("gd", "newton"), question=q)
    board = ex.readout_boxes["scoreboard"]
    assert not ex.artist("path_gd").get_visible()  # hidden until the learner commits
    assert board.layout.visibility == "hidden"
    assert ex.predict("GD") is False
    assert ex.artist("path_gd").get_visible()
    assert board.layout.visibility == "visible"
    ex.set(alpha_gd=1.0)  # answered: the new race shows at once, without the old verdict
    assert ex.artist("path_gd").get_visible() and board.layout.visibility == "visible"
    assert ex.feedback.value == ""
    assert ex.predict("Newton") is True
    ex.set(show_newton=False, alpha_gd=1e-4)
    assert ex.predict("none of them") is True


def test_ties_accept_every_winner():
    q = TieQuestion("?", answer=lambda st: ("A", ""), choices=("A", "B"))
    assert q.grade("A", "A or B") and q.grade("B", "A or B") and not q.grade("C", "A or B")


def test_winner_question_with_variants_grades_the_offered_choices():
    variants = ("batch", "sgd", "minibatch")
    question = winner_question(variants=variants)
    ex = LandscapeRaceExplorer(variants=variants, question=question)
    correct, _ = question.answer(ex.state)
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
        alpha = (NEWTON_ALPHA_RANGE if name in ("newton", "lbfgs") else ALPHA_RANGE)[1]
        r = run_racer(land, name, alpha, land.start, land.steps, tol_of(name), batch_size=32)
        if name == "lbfgs":  # its line search shortens a step that does not lower f enough
            assert r.kind != "diverged", (key, r.outcome)
            assert np.all(np.diff(r.trajectory.loss) <= 1e-15), key  # never up (but rounding)
            continue
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
    for part in ("Adam (β₁ = 0.9, β₂ = 0.99)", "RMSProp (β₂ = 0.95)", "Momentum (μ = 0.8)"):
        assert part in text
    assert "Newton (δ = 0.5)" in text
    v = LandscapeRaceExplorer(variants=("batch", "sgd", "minibatch"), batch_size=16, seed=3)
    assert "SGD (seed = 3)" in v.last_status.text
    assert "Mini-batch (B = 16, seed = 3)" in v.last_status.text
    v.set(seed=4)
    assert "Mini-batch (B = 16, seed = 4)" in v.last_status.text


def test_step_scrubber_ends_with_the_longest_shown_run():
    ex = LandscapeRaceExplorer(optimizers=("gd", "newton"))  # the quadratic
    gd_end = ex.state.run("gd").stopped_at  # GD converges (‖∇f‖ < 1e-9) before the budget
    assert gd_end < ex.value("steps")
    assert ex.controls["step"].max == ex.state.step == gd_end
    ex.set(show_gd=False)  # Newton alone: one step
    assert ex.controls["step"].max == ex.state.step == 1
    assert ex.last_status.text.startswith("Step 1 of 200, below the target: ")
    ex.set(show_gd=True)  # at the end stays at the end
    assert ex.state.step == gd_end
    ex.set(step=10)
    ex.set(alpha_gd=1.0)  # a step chosen by hand stays
    assert ex.state.step == 10
    ex.set(alpha_gd=1e3, alpha_newton=NEWTON_ALPHA_RANGE[1])  # both blow up: a short run
    assert ex.controls["step"].max == max(r.stopped_at for r in ex.state.runs) < 10
    assert ex.last_status.kind == "diverged"


def test_scrubbing_a_revealed_race_keeps_the_verdict():
    ex = LandscapeRaceExplorer(
        optimizers=("gd", "newton"), question=winner_question(("gd", "newton"))
    )
    assert ex.predict("Newton") is True
    ex.set(step=3)
    assert ex.artist("path_gd").get_visible() and "Right" in ex.feedback.value
    assert ex.status.value.count("Step 3 of 200") == 1


def test_the_model_rejects_what_the_explorer_rejects():
    with pytest.raises(ValueError, match=r"alpha_gd must be in"):
        model.race_state(
            objective="quadratic",
            steps=200,
            step=0,
            tol=1e-6,
            start=(0.0, 1.0),
            optimizers=("gd",),
            alpha_gd=1e4,
            show_gd=True,
        )


def test_racers_differ_by_more_than_colour_and_their_paths_stand_out_of_any_fill():
    """Each racer has its own marker and dash pattern (colour is never the only cue), and its
    path over the contour fill is outlined by a halo at least 3:1 against the line."""
    from widgets.explorers import style

    assert doctest.testmod(style).attempted >= 2 and doctest.testmod(style).failed == 0
    names = [*OPTIMIZER_NAMES, "sgd", "minibatch"]
    assert len({style.marker_for(n) for n in names}) == len(names)
    assert len({str(style.dashes_for(n)) for n in names}) == len(names)
    # WCAG 2.1's published values: #777 on white is 4.48:1, black on white 21:1
    assert style.contrast_ratio("#777777", "white") == pytest.approx(4.48, abs=0.01)
    assert style.contrast_ratio("black", "white") == pytest.approx(21.0)
    for n in names:
        colour = style.color_for(n)
        assert style.contrast_ratio(colour, style.halo_for(colour)) >= 3.0, n
    ex = LandscapeRaceExplorer()
    legend = ex._legend.get_lines()
    assert len(legend) == len(OPTIMIZER_NAMES)
    assert len({(h.get_marker(), str(h.get_linestyle())) for h in legend}) == len(legend)
    for n in OPTIMIZER_NAMES:
        path, curve = ex.artist(f"path_{n}"), ex.artist(f"curve_{n}")
        (halo,) = path.get_path_effects()
        assert halo._gc["foreground"] == style.halo_for(style.color_for(n))
        assert path.get_marker() == style.marker_for(n)
        if n == "gd":
            assert curve.get_linestyle() == "-"
        else:  # matplotlib keeps the pattern as given, before scaling by the line width
            offset, dashes = curve._unscaled_dash_pattern
            assert (offset, tuple(dashes)) == style.dashes_for(n)
