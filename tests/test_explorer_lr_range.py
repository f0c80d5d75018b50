"""LRRangeTestExplorer: the drawn data equal lr_range_test's; the theory's 2/λmax in words.

Controls are set programmatically (headless Agg); the artists' data are compared with
``widgets.simulate.lr_range_test`` called directly and with the stopping rule recomputed here.
"""

from __future__ import annotations

import numpy as np
import pytest

from widgets.explorers.lr_range import LRRangeTestExplorer, divergence_question
from widgets.objectives import Quadratic2D, wdbc_logistic
from widgets.optimizers import gd
from widgets.simulate import lr_range_test

RTOL = 1e-12


# -- LR range test -----------------------------------------------------------------------------
def test_range_test_curve_and_marks_match_lr_range_test():
    ex = LRRangeTestExplorer(kappa=10.0, min_lr=1e-4, max_lr=10.0, steps=100)
    ref = lr_range_test(Quadratic2D(10.0), gd, min_lr=1e-4, max_lr=10.0, steps=100)
    x, y = ex.artist("loss").get_data()
    finite = np.isfinite(ref.losses)
    np.testing.assert_allclose(x, ref.learning_rates[finite], rtol=RTOL)
    np.testing.assert_allclose(y, ref.losses[finite], rtol=RTOL)
    assert ex.artist("suggested").get_xdata()[0] == pytest.approx(ref.suggested_lr)
    assert ex.artist("diverge").get_data()[0][0] == pytest.approx(ref.divergence_lr)
    assert ex.artist("theory").get_xdata()[0] == pytest.approx(2.0)  # 2/λmax
    assert f"suggested α = divergence/10 = {ref.suggested_lr:.3g}" in ex.last_status.text
    assert f"diverged at step {ref.diverged_at} " in ex.last_status.text
    assert "the loss passed 4 × its best" in ex.last_status.text
    assert ex.last_status.kind == "diverged"


def test_range_test_draws_the_stopping_threshold():
    ex = LRRangeTestExplorer(kappa=10.0, divergence_factor=4.0)
    res = ex.state.result
    x, y = ex.artist("threshold").get_data()
    np.testing.assert_array_equal(x, res.learning_rates)
    # independent reference: the lowest loss before each step (start included), times 4
    best, expected = res.initial_loss, []
    for loss in res.losses:
        expected.append(4.0 * best)
        best = min(best, loss)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    assert res.losses[res.diverged_at] > y[res.diverged_at]  # the step that stopped the run
    assert np.all(res.losses[: res.diverged_at] <= y[: res.diverged_at])
    ex.set(divergence_factor=8.0)
    assert ex.artist("threshold").get_data()[1][0] == pytest.approx(8.0 * res.initial_loss)
    assert "8 × best" in ex.artist("threshold_label").get_text()
    assert "the loss passed 8 × its best" in ex.last_status.text


def test_range_test_status_names_kappa():
    a = LRRangeTestExplorer(kappa=100.0)
    b = LRRangeTestExplorer(kappa=300.0)
    assert "for the quadratic with κ = 100," in a.last_status.text
    assert "for the quadratic with κ = 300," in b.last_status.text


def test_range_test_largest_rate_diverges():
    ex = LRRangeTestExplorer()
    ex.set(max_lr=10.0 ** ex.controls["max_lr"].max)  # a log slider: max is the exponent
    assert ex.state.result.diverged_at is not None
    assert "diverged at step" in ex.last_status.text
    assert "divergence detected" not in ex.last_status.text


def test_range_test_on_wdbc_uses_the_hessian_at_the_start():
    ex = LRRangeTestExplorer(problem="wdbc", max_lr=1000.0)
    obj = wdbc_logistic()
    lam_max = np.linalg.eigvalsh(obj.hessian(obj.start))[-1]
    assert ex.artist("theory").get_xdata()[0] == pytest.approx(2.0 / lam_max)
    assert ex.controls["kappa"].disabled
    assert "the Hessian at the start gives" in ex.last_status.text


def test_range_test_without_blow_up_says_so():
    ex = LRRangeTestExplorer(problem="wdbc", max_lr=1.0)
    assert ex.last_status.text.startswith("no blow-up up to α = 1 in 100 steps")
    assert "never passed 4 × its best" in ex.last_status.text
    assert "diverged" not in ex.last_status.text
    assert not ex.artist("suggested").get_visible()


def test_divergence_question_graded_by_the_run():
    ex = LRRangeTestExplorer(question=divergence_question())
    assert not ex.artist("loss").get_visible()
    truth = ex.state.result.divergence_lr
    assert ex.predict(truth * 1.3) is True
    assert ex.predict(truth / 10) is False
    assert ex.artist("loss").get_visible()


def test_range_test_keeps_its_axes_as_kappa_moves():
    """The quadratic's loss axis reaches down to the floor for every κ, so moving κ is a blit:
    the figure is not drawn in full again (before, most κ moves crossed a three-decade step)."""
    ex = LRRangeTestExplorer(kappa=10.0)
    ax = ex.axes[0]
    ex.figure.canvas.draw()
    limits = ax.get_ylim()
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    for kappa in (1.0, 2.0, 5.0, 12.6, 20.0, 50.0, 100.0, 300.0, 1000.0, 10.0):
        ex.set(kappa=kappa)
        assert ex.last_error is None
        assert ax.get_ylim() == limits, kappa
    assert draws == []


@pytest.mark.parametrize(
    ("values", "name", "bounds"),
    [
        (dict(kappa=0.5), "kappa", ("1", "1000")),
        (dict(min_lr=0.1), "min_lr", ("1e-06", "0.01")),
        (dict(max_lr=5000.0), "max_lr", ("1", "1000")),
        (dict(steps=10), "steps", ("20", "400")),
        (dict(divergence_factor=20.0), "divergence_factor", ("1.5", "10")),
    ],
)
def test_constructor_arguments_out_of_range_are_errors_naming_the_range(values, name, bounds):
    with pytest.raises(ValueError, match=name) as err:
        LRRangeTestExplorer(**values)
    assert all(b in str(err.value) for b in bounds), str(err.value)
    with pytest.raises(ValueError, match="problem"):
        LRRangeTestExplorer(problem="mnist")


def test_moving_the_rate_range_or_the_factor_never_draws_the_figure_in_full():
    """The α axis spans every range the sliders give; the loss axis is the layer, redrawn over
    the rest when its decades change."""
    ex = LRRangeTestExplorer()
    ax = ex.axes[0]
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    limits = set()
    for values in (
        dict(min_lr=1e-6),
        dict(max_lr=1000.0),
        dict(min_lr=1e-2, max_lr=1.0),
        dict(divergence_factor=10.0),
        dict(divergence_factor=1.5, steps=400),
    ):
        ex.set(**values)
        assert ex.last_error is None
        assert ax.get_xlim() == pytest.approx((1e-6, 1e3))
        limits.add(ax.get_ylim())
        ref = lr_range_test(
            Quadratic2D(10.0),
            gd,
            min_lr=ex.value("min_lr"),
            max_lr=ex.value("max_lr"),
            steps=ex.value("steps"),
            divergence_factor=ex.value("divergence_factor"),
        )
        x, _ = ex.artist("loss").get_data()
        np.testing.assert_allclose(x, ref.learning_rates[np.isfinite(ref.losses)], rtol=RTOL)
    assert len(limits) > 1  # the layer did change
    assert draws == []


def test_the_local_edge_is_two_over_the_top_curvature_where_each_step_starts():
    """On WDBC the edge of the stable band moves along the run (from 2/L = 6.04 at the start to
    about 22 near the minimum); the rate passes it long before the loss blows up."""
    ex = LRRangeTestExplorer(problem="wdbc", max_lr=1000.0)
    st, obj = ex.state, ex.state.objective
    res = st.result
    assert np.array_equal(res.params[0], obj.start) and len(res.params) == len(res.losses)
    for t in (0, 1, len(res.params) // 2, len(res.params) - 1):
        top = np.linalg.eigvalsh(obj.hessian(res.params[t]))[-1]
        assert st.local_edge[t] == pytest.approx(2 / top, rel=1e-12)
    assert st.local_edge[0] == pytest.approx(st.theory_limit, rel=1e-12)
    assert st.local_edge.max() > 3 * st.theory_limit
    assert st.theory_limit < st.edge_crossed_lr < res.divergence_lr / 2
    x, y = ex.artist("local_edge").get_data()
    assert np.array_equal(x, st.local_edge) and y[0] == pytest.approx(res.initial_loss)
    assert "local 2/λmax (Hessian where the step started, " in ex.last_status.text


def test_on_the_quadratic_the_local_edge_is_the_theory_everywhere():
    ex = LRRangeTestExplorer(problem="quadratic", kappa=30.0)
    assert np.all(ex.state.local_edge == ex.state.theory_limit)
    assert "passed the local" not in ex.last_status.text
