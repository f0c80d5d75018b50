"""TaylorNewtonExplorer: Taylor models, eigenvectors and steps are drawn as computed.

References are independent where it matters: derivatives by central differences of the loss
value, steps by numpy.linalg.solve, eigen-decompositions by numpy.linalg.eigh, Newton runs by
the package's simulate called directly. Tolerances are stated next to each comparison.
"""

from __future__ import annotations

import doctest
import importlib
import math
import warnings

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from widgets.exercises.lesson05 import DAMPING_POINT
from widgets.explorers import EXPLORERS, TaylorNewtonExplorer
from widgets.models.taylor_newton import (
    ALPHA_RANGE,
    AXIS_FRACTION,
    ESCAPE_FACTOR,
    GD_RUN_STEPS,
    SURFACES,
    curvature_question,
    escape_radius,
    gd_run,
    newton_steps_question,
    readout_items,
    surface_objective,
    taylor_state,
)
from widgets.optimizers import gd, newton
from widgets.simulate import simulate


@pytest.fixture(scope="module")
def ex():
    return TaylorNewtonExplorer()


def arrow_ends(arrow):
    # FancyArrowPatch keeps the two positions given to set_positions here
    (x0, y0), (x1, y1) = arrow._posA_posB
    return np.array([x0, y0]), np.array([x1, y1])


def fd_grad(f, w, h=1e-5):
    """Central differences of the loss value: an independent gradient."""
    w = np.asarray(w, dtype=float)
    return np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(len(w))])


def fd_hessian(grad, w, h=1e-5):
    w = np.asarray(w, dtype=float)
    cols = [(grad(w + h * e) - grad(w - h * e)) / (2 * h) for e in np.eye(len(w))]
    return 0.5 * (np.array(cols) + np.array(cols).T)


def test_registered_for_lesson_05():
    assert EXPLORERS[TaylorNewtonExplorer] == ("05_hessian_taylor_newton",)


@pytest.mark.parametrize("key", ["logistic_2d", "sine", "rosenbrock"])
def test_derivatives_match_central_differences(ex, key):
    ex.set(objective=key)
    st = ex.state
    obj = surface_objective(key)
    f = lambda w: float(obj.value(w))  # noqa: E731
    np.testing.assert_allclose(st.grad, fd_grad(f, st.w), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(st.hessian, fd_hessian(obj.grad, st.w), rtol=1e-5, atol=1e-6)


def test_three_steps_drawn_from_the_point(ex):
    ex.set(objective="logistic_2d", w1=3.0, w2=0.5, alpha=4.0, damping=0.05)
    st = ex.state
    g, H = st.grad, st.hessian
    expected = {
        "gd": st.w - 4.0 * g,
        "newton": st.w - np.linalg.solve(H, g),
        "damped": st.w - np.linalg.solve(H + 0.05 * np.eye(2), g),
    }
    for name, end in expected.items():
        start, tip = arrow_ends(ex.artist(f"{name}_arrow"))
        np.testing.assert_allclose(start, [3.0, 0.5])
        np.testing.assert_allclose(tip, end, rtol=1e-10)
        assert ex.artist(f"{name}_arrow").get_visible()
    # near the minimum the quadratic model predicts the Newton step's result closely
    assert st.f_after["newton"] < st.f_after["gd"]
    assert math.isclose(st.f_after["newton"], st.model_after["newton"], rel_tol=1e-2)


def test_huge_steps_end_on_the_frame(ex):
    ex.set(objective="logistic_2d", w1=-1.0, w2=-3.0)
    start, tip = arrow_ends(ex.artist("newton_arrow"))
    (x0, x1), (y0, y1) = SURFACES["logistic_2d"].bounds
    assert x0 <= tip[0] <= x1 and y0 <= tip[1] <= y1
    full = ex.state.steps["newton"]
    drawn = tip - start
    assert abs(drawn[0] * full[1] - drawn[1] * full[0]) < 1e-9 * np.hypot(*full) ** 2  # parallel
    assert np.hypot(*drawn) < np.hypot(*full)
    assert "but f rises" in ex.last_status.text  # the model's minimum is no good from here


def test_eigen_axes_follow_eigh(ex):
    ex.set(objective="rosenbrock", w1=-1.2, w2=1.0)
    st = ex.state
    lam, V = np.linalg.eigh(st.hessian)
    bounds = SURFACES["rosenbrock"].bounds
    diag = math.hypot(*(hi - lo for lo, hi in bounds))
    half = []
    for i in range(2):
        line = ex.artist(f"eigen_{i}")
        xs, ys = (np.asarray(a) for a in line.get_data())
        seg = np.array([xs[1] - xs[0], ys[1] - ys[0]])
        np.testing.assert_allclose([xs.mean(), ys.mean()], st.w, atol=1e-12)  # centred on w
        assert abs(seg @ V[:, i]) == pytest.approx(np.hypot(*seg), rel=1e-9)  # along vᵢ
        half.append(np.hypot(*seg) / 2)
    assert max(half) == pytest.approx(AXIS_FRACTION * diag)
    assert half[0] / half[1] == pytest.approx(math.sqrt(abs(lam[1]) / abs(lam[0])), rel=1e-9)


def model(st, p):
    d = p - st.w
    return st.f + st.grad @ d + 0.5 * d @ st.hessian @ d


@pytest.mark.parametrize(
    "key, w", [("logistic_2d", (3.0, 0.5)), ("sine", (0.0, 2.0)), ("rosenbrock", (0.0, 1.0))]
)
def test_level_sets_are_level_sets_of_the_quadratic_model(ex, key, w):
    ex.set(objective=key, w1=w[0], w2=w[1])
    st = ex.state
    xs, ys = (np.asarray(a, dtype=float) for a in ex.artist("levels").get_data())
    assert len(xs) > 0
    breaks = np.flatnonzero(np.isnan(xs))
    values = []
    for piece in np.split(np.column_stack([xs, ys]), breaks):
        piece = piece[np.isfinite(piece[:, 0])]
        if len(piece):
            m = np.array([model(st, p) for p in piece])
            scale = max(1.0, abs(st.f))
            assert np.ptp(m) < 1e-8 * scale  # each curve keeps one model value
            values.append(m[0])
    # one of the curves passes through the point itself: level m(w) = f(w)
    assert min(abs(v - st.f) for v in values) < 1e-8 * max(1.0, abs(st.f))


def test_indefinite_hessian_status_and_damping(ex):
    ex.set(objective="sine", w1=0.0, w2=2.0, damping=10.0)
    lam = np.linalg.eigvalsh(ex.state.hessian)
    assert lam[0] < 0 < lam[1]
    assert ex.last_status.text.startswith(
        f"H has a negative eigenvalue {lam[0]:.3g}".replace("-", "−")
        + ": the Newton step points to a saddle of the model, not a minimum"
    )
    assert f"damping δ > {-lam[0]:.3g} makes it a descent step (δ = 10 does" in (
        ex.last_status.text
    )
    assert ex.state.slopes["damped"] < 0  # δ > −λmin: H + δI positive definite, descent
    ex.set(damping=1.0)
    assert "(δ = 1 is not enough: f → " in ex.last_status.text
    assert ex.artist("eigen_0").get_linestyle() == "--"  # the negative-curvature axis
    assert ex.artist("eigen_1").get_linestyle() == "-"


def test_negative_definite_newton_goes_uphill(ex):
    ex.set(objective="sine", w1=0.5, w2=1.0)
    assert np.all(np.linalg.eigvalsh(ex.state.hessian) < 0)
    assert ex.state.slopes["newton"] > 0 and ex.state.f_after["newton"] > ex.state.f
    assert "the Newton step points to the model's maximum" in ex.last_status.text
    assert "it goes uphill" in ex.last_status.text


def test_stationary_point_hides_the_steps(ex):
    ex.set(objective="rosenbrock", w1=1.0, w2=1.0)
    assert ex.last_status.text.startswith("∇f ≈ 0 here")
    assert "a minimum of f" in ex.last_status.text
    assert not any(ex.artist(f"{n}_arrow").get_visible() for n in ("gd", "newton", "damped"))


def test_one_dimensional_taylor_models(ex):
    ex.set(objective="logistic_1d", w1=-2.0, alpha=4.0, damping=0.1)
    assert ex.controls["w2"].disabled
    obj = surface_objective("logistic_1d")
    f = lambda w: float(obj.value(w))  # noqa: E731
    w = np.array([-2.0])
    h = 1e-3
    d1 = (f(w + h) - f(w - h)) / (2 * h)
    d2 = (f(w + h) - 2 * f(w) + f(w - h)) / h**2
    x, tangent = (np.asarray(a) for a in ex.artist("tangent").get_data())
    np.testing.assert_allclose(tangent, f(w) + d1 * (x + 2.0), rtol=1e-6, atol=1e-6)
    _, parabola = (np.asarray(a) for a in ex.artist("parabola").get_data())
    np.testing.assert_allclose(parabola, tangent + 0.5 * d2 * (x + 2.0) ** 2, rtol=1e-5, atol=1e-5)
    # f′ and its tangent: the tangent's root is the Newton point w − f′/f″
    rx, _ = ex.artist("newton_root").get_data()
    if len(rx):
        assert rx[0] == pytest.approx(-2.0 - d1 / d2, rel=1e-5)
    start, tip = arrow_ends(ex.artist("gd_arrow"))
    assert tip[0] - start[0] == pytest.approx(-4.0 * d1, rel=1e-6)
    assert ex.last_status.text.startswith("f″ = ")
    assert "2/f″" in ex.last_status.text


def test_switching_losses_sets_ranges_and_defaults():
    ex = TaylorNewtonExplorer()  # its own: the shared one may be on Rosenbrock already, moved
    ex.set(objective="rosenbrock")
    w1, w2 = ex.controls["w1"], ex.controls["w2"]
    assert (w1.min, w1.max, w2.min, w2.max) == (-2.0, 2.0, -1.0, 3.0)
    assert (w1.value, w2.value) == SURFACES["rosenbrock"].start
    assert ex.controls["alpha"].value == pytest.approx(1e-3)
    assert not w2.disabled
    n = sum(len(ax.get_children()) for ax in ex.figure.axes)
    ex.set(objective="logistic_1d")
    assert w2.disabled and ex.state.dim == 1
    assert ex.axes[1].get_ylabel() == "f′(w)"
    assert ex.controls["w1"].description == "w₁: w[mean radius]"
    assert ex.controls["w2"].description == "w₂ (2-D losses only)"
    ex.set(objective="rosenbrock")
    assert sum(len(ax.get_children()) for ax in ex.figure.axes) == n


def test_click_moves_the_point(ex):
    ex.set(objective="sine")
    ax = ex.axes[0]
    x, y = ax.transData.transform((1.0, 3.0))
    event = MouseEvent("button_press_event", ex.figure.canvas, x, y, button=1)
    ex.figure.canvas.callbacks.process("button_press_event", event)
    np.testing.assert_allclose(ex.state.w, [1.0, 3.0], atol=1e-9)
    # clicks outside the main plot do nothing
    x, y = ex.axes[1].transData.transform((1.0, 0.0))
    event = MouseEvent("button_press_event", ex.figure.canvas, x, y, button=1)
    ex.figure.canvas.callbacks.process("button_press_event", event)
    np.testing.assert_allclose(ex.state.w, [1.0, 3.0], atol=1e-9)


def test_readout_lists_eigenvalues_kappa_and_stable_rate(ex):
    ex.set(objective="logistic_2d", w1=2.0, w2=1.0)
    lam = np.linalg.eigvalsh(ex.state.hessian)
    items = dict(readout_items(ex.state))
    assert items["eigenvalues of H"] == f"{lam[0]:.4g}, {lam[1]:.4g}"
    assert items["κ"] == f"{lam[1] / lam[0]:.4g}"
    assert items["2/λmax"] == f"{2 / lam[1]:.3g}"
    assert items["δ"] == f"{ex.state.damping:.3g}"
    assert "eigenvalues of H" in ex.readout_boxes["numbers"].value


@pytest.mark.parametrize("key", list(SURFACES))
def test_extremes_do_not_warn(key):
    ex = TaylorNewtonExplorer(objective=key)
    c1, c2 = ex.controls["w1"], ex.controls["w2"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for w1 in (c1.min, c1.max):
            for w2 in (c2.min, c2.max):
                for alpha in ALPHA_RANGE:
                    ex.set(w1=w1, w2=w2, alpha=alpha, damping=1e4)
                    assert ex.last_error is None and ex.last_status.text
                    for arrow in (ex.artist(f"{n}_arrow") for n in ("gd", "newton", "damped")):
                        for p in arrow_ends(arrow):
                            assert np.all(np.isfinite(p))


def test_newton_steps_question_runs_newton():
    ex = TaylorNewtonExplorer(objective="rosenbrock", question=newton_steps_question())
    readout = ex.readout_boxes["numbers"]
    assert not ex.artist("newton_arrow").get_visible()
    assert readout.layout.visibility == "hidden"
    ref = simulate(
        surface_objective("rosenbrock"), newton(), start=[-1.2, 1.0], steps=100, tol=1e-8
    )
    assert ref.converged
    assert ex.predict(ref.stopped_at) is True
    assert ex.artist("newton_arrow").get_visible()
    assert readout.layout.visibility == "visible"
    assert "a minimum of f" in ex.feedback.value
    ex.set(objective="logistic_2d")  # from (−1, −3) Newton's method blows up
    assert ex.predict(3) is False
    assert "diverged" in ex.feedback.value
    assert ex.predict(-1) is True
    ex.set(objective="sine")  # from (0, 2) it converges, but to a saddle
    assert ex.predict(4) is True
    assert "a saddle of f" in ex.feedback.value


def test_curvature_question_from_eigenvalues():
    ex = TaylorNewtonExplorer(objective="sine", question=curvature_question())
    assert ex.predict("minimum") is False
    assert "both signs" in ex.feedback.value
    ex.set(w1=0.5, w2=1.0)
    assert ex.predict("maximum") is True
    ex.set(objective="logistic_2d")
    assert ex.predict("minimum") is True


def test_no_new_artists_per_update(ex):
    ex.set(objective="sine")
    n = sum(len(ax.get_children()) for ax in ex.figure.axes)
    for v in np.linspace(-2, 4, 30):
        ex.set(w1=float(v), w2=float(abs(v)), damping=float(10 ** (v - 1)))
    assert sum(len(ax.get_children()) for ax in ex.figure.axes) == n


def test_damped_newton_is_reported_with_its_lambda(ex):
    ex.set(objective="logistic_2d", w1=-1.0, w2=-3.0, alpha=4.0, damping=0.3)
    st = ex.state
    assert st.kind == "positive definite"
    fd = float(st.objective.value(st.w - np.linalg.solve(st.hessian + 0.3 * np.eye(2), st.grad)))
    assert f"damped Newton (δ = 0.3): f → {fd:.4g}" in ex.last_status.text
    ex.set(damping=3.0)
    assert "damped Newton (δ = 3): f → " in ex.last_status.text


def test_gd_run_is_simulate_and_drawn(ex):
    ex.set(objective="logistic_2d", w1=-1.0, w2=-3.0, alpha=4.0)
    ref = simulate(surface_objective("logistic_2d"), gd(4.0), [-1.0, -3.0], GD_RUN_STEPS, tol=1e-6)
    run = ex.state.run
    assert not run.diverged and run.status == ref.status
    np.testing.assert_array_equal(run.path, ref.params)
    xs, ys = (np.asarray(a) for a in ex.artist("gd_path").get_data())
    np.testing.assert_array_equal(np.column_stack([xs, ys]), ref.params)
    assert f"α = 4 is below it: one step f → {ref.loss[1]:.4g}" in ex.last_status.text
    assert f"a run from here reached f = {ref.loss[-1]:.4g} after {GD_RUN_STEPS} steps" in (
        ex.last_status.text
    )
    assert "diverged" not in ex.last_status.text


@pytest.mark.parametrize("key, w", [("sine", DAMPING_POINT), ("logistic_2d", (2.0, 0.5))])
def test_divergence_rule_leaving_ten_times_the_plot(ex, key, w):
    # neither loss can reach simulate's 1e12: sine regression is bounded, logistic grows linearly
    ex.set(objective=key, w1=w[0], w2=w[1], alpha=ALPHA_RANGE[1])
    radius = ESCAPE_FACTOR * max(abs(v) for b in SURFACES[key].bounds for v in b)
    assert radius == escape_radius(SURFACES[key].bounds)
    obj = surface_objective(key)
    ref = simulate(obj, gd(ALPHA_RANGE[1]), w, GD_RUN_STEPS, tol=1e-6)
    assert not ref.diverged  # simulate alone would never call this run diverged
    out = np.max(np.abs(ref.params), axis=1) > radius
    t = int(np.argmax(out))
    assert out[t] and t >= 1
    run = ex.state.run
    assert run.diverged and run.steps == t
    np.testing.assert_array_equal(run.path, ref.params[: t + 1])
    status = ex.last_status.text
    assert f"a run from here diverged at step {t}: w left the plotted region by 10×" in status
    assert ex.last_status.kind == "diverged"
    # the drawn path stops on the 10× box, so the renderer never sees the far-out iterate
    xs, ys = (np.asarray(a) for a in ex.artist("gd_path").get_data())
    assert len(xs) == t + 1
    assert max(abs(xs[-1]), abs(ys[-1])) == pytest.approx(radius)


def test_divergence_rule_keeps_simulates_own():
    obj = surface_objective("rosenbrock")
    run = gd_run(obj, (-1.2, 1.0), 100.0, SURFACES["rosenbrock"].bounds)
    ref = simulate(obj, gd(100.0), (-1.2, 1.0), GD_RUN_STEPS, tol=1e-6)
    assert ref.diverged and run.diverged and run.message == ref.message
    assert "exceeds 1e+12" in run.message


def test_stable_run_is_not_called_diverged():
    # below the stability bound near the minimum: the run converges, whatever its path
    obj = surface_objective("logistic_2d")
    run = gd_run(obj, (3.0, 0.5), 10.0, SURFACES["logistic_2d"].bounds)
    assert run.status == "converged" and not run.diverged


@pytest.mark.parametrize("key", list(SURFACES))
def test_largest_alpha_diverges_from_everywhere(key):
    """The top of the α range is huge for every loss: the run blows up from every point of a
    7 × 7 grid over the plot (except a stationary point, where no step moves)."""
    obj = surface_objective(key)
    bounds = SURFACES[key].bounds
    grids = [np.linspace(lo, hi, 7) for lo, hi in bounds]
    for p in np.stack(np.meshgrid(*grids), -1).reshape(-1, obj.dim):
        if np.hypot.reduce(obj.grad(p)) < 1e-6:
            continue
        assert gd_run(obj, p, ALPHA_RANGE[1], bounds).diverged, p


def test_alpha_is_named_in_every_status(ex):
    ex.set(objective="sine", w1=DAMPING_POINT[0], w2=DAMPING_POINT[1], alpha=0.05)
    assert ex.state.kind == "indefinite"
    assert "gradient descent (α = 0.05): one step f → " in ex.last_status.text
    ex.set(alpha=0.2)
    assert "gradient descent (α = 0.2): one step f → " in ex.last_status.text


def test_one_and_two_dimensional_layouts_show_their_own_artists(ex):
    two_d = ("levels", "eigen_0", "profile_true", "gd_step")
    one_d = ("curve", "fprime", "tangent", "parabola", "fprime_tangent")
    ex.set(objective="logistic_1d")
    assert all(ex.artist(n).get_visible() for n in one_d)
    assert not any(ex.artist(n).get_visible() for n in two_d)
    assert [lg.get_visible() for lg in ex.figure.legends] == [True, False]
    assert not ex.axes[0].collections  # no contours of the 2-D loss left behind
    ex.set(objective="sine")
    assert all(ex.artist(n).get_visible() for n in two_d)
    assert not any(ex.artist(n).get_visible() for n in one_d)
    assert [lg.get_visible() for lg in ex.figure.legends] == [False, True]
    assert ex.axes[0].collections and ex.axes[1].get_ylabel() == "[f − f(w)] / (α‖∇f‖²)"


def test_damping_is_written_delta():
    ex = TaylorNewtonExplorer()
    assert ex.controls["damping"].description == "damping δ"
    assert "λ = " not in ex.last_status.text and "δ = 0.1" in ex.last_status.text
    labels = [t.get_text() for lg in ex.figure.legends for t in lg.get_texts()]
    assert "damped Newton\n−(H + δI)⁻¹∇f" in labels and "damped Newton\n−f′/(f″ + δ)" in labels


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(w=(20.0, 0.0)), ValueError, r"w1 must be in \[-3, 9\], got 20"),
        (dict(objective="sine", w2=-0.5), ValueError, r"w2 must be in \[0, 5\], got -0.5"),
        (dict(w=(1.0, 2.0, 3.0)), ValueError, "w must have length 2"),
        (dict(w=(1.0, 2.0), w1=1.0), ValueError, "give the point as w or as w1, w2, not both"),
        (dict(alpha=1e4), ValueError, r"alpha must be in \[0.0001, 1000\], got 10000"),
        (dict(damping=0.0), ValueError, r"damping must be in \[0.0001, 10000\], got 0"),
        (dict(objective="himmelblau"), ValueError, "'himmelblau'"),
    ],
)
def test_constructor_arguments_are_checked_not_clipped(kwargs, error, message):
    with pytest.raises(error, match=message):
        TaylorNewtonExplorer(**kwargs)
    if "w" not in kwargs:  # set() checks like the constructor, and the model checks alike
        with pytest.raises(error, match=message):
            TaylorNewtonExplorer().set(**kwargs)
        with pytest.raises(error, match=message):
            taylor_state(**kwargs)


def test_a_click_off_the_sliders_range_is_ignored(ex):
    ex.set(objective="sine", w1=1.0, w2=3.0)
    assert ex.on_click(0, 4.5, 3.0) is None  # past w₁'s range [−2, 4]
    assert ex.on_click(1, 1.0, 1.0) is None  # the side plot
    assert ex.on_click(0, 2.0, 1.0) == {"w1": 2.0, "w2": 1.0}
    ex.set(objective="logistic_1d")
    assert ex.on_click(0, 2.0, 1.0) == {"w1": 2.0}  # y is f there, not a parameter


@pytest.mark.parametrize("module", ["taylor_newton", "_escape"])
def test_the_models_examples_run(module):
    result = doctest.testmod(importlib.import_module(f"widgets.models.{module}"))
    assert result.attempted > 0 and result.failed == 0


def test_step_arrows_are_outlined_over_the_contour_fill():
    """The arrows cross the filled contours: each is drawn over a halo of at least 3:1."""
    from widgets.explorers import style
    from widgets.explorers import taylor_newton as tn

    ex = TaylorNewtonExplorer()
    for name in ("newton", "damped", "gd"):
        arrow = ex.artist(f"{name}_arrow")
        (halo,) = arrow.get_path_effects()
        colour = tn.STEP_STYLE[name]["color"]
        assert halo._gc["foreground"] == style.halo_for(colour)
        assert style.contrast_ratio(colour, halo._gc["foreground"]) >= 3.0
