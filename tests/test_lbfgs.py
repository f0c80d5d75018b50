"""L-BFGS with a backtracking line search (widgets.optimizers.lbfgs), checked against SciPy's
L-BFGS-B and against the properties that define it: the secant condition of its pairs, Armijo's
condition on every step, descent directions, and a clear error for every bad argument."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from widgets.data import load_wdbc
from widgets.objectives import Himmelblau, LogisticLoss, Quadratic2D, Rosenbrock
from widgets.optimizers import _two_loop, gd, lbfgs, needs_value
from widgets.simulate import simulate


def scipy_lbfgs(objective, start):
    res = minimize(
        lambda w: (objective.value(w), objective.grad(w)),
        np.asarray(start, float),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-11, "ftol": 1e-15, "maxiter": 10_000, "maxcor": 10},
    )
    assert np.linalg.norm(objective.grad(res.x)) < 1e-7, res.message
    return res


@pytest.mark.parametrize("tau", [1e-3, 1e-1])
def test_it_reaches_scipys_minimiser_on_all_thirty_wdbc_features(tau):
    data = load_wdbc()
    loss = LogisticLoss(data.X, data.y, l2=tau)
    ours = simulate(loss, lbfgs(), steps=2000, tol=1e-9)
    ref = scipy_lbfgs(loss, loss.start)
    assert ours.status == "converged", ours.message
    # both are minimisers of a strongly convex loss (strength ≥ τ): ‖w − w*‖ ≤ ‖∇f‖/τ
    assert np.linalg.norm(ours.params[-1] - ref.x) <= 1e-9 / tau + 1e-7 / tau
    assert ours.final_loss == pytest.approx(ref.fun, abs=1e-12)
    # and in as few steps as SciPy's, give or take its different line search
    assert ours.stopped_at <= 2 * ref.nit + 10


@pytest.mark.parametrize(
    "objective", [Rosenbrock(), Himmelblau(), Quadratic2D(condition_number=50.0, angle=0.5)]
)
def test_it_reaches_scipys_point_on_the_classic_surfaces(objective):
    ours = simulate(objective, lbfgs(), steps=500, tol=1e-9)
    ref = scipy_lbfgs(objective, objective.start)
    assert ours.status == "converged", ours.message
    np.testing.assert_allclose(ours.params[-1], ref.x, atol=1e-6)


def test_the_pairs_satisfy_the_secant_condition_on_a_quadratic():
    """For f = ½ wᵀAw every pair has y = A s, and the two-loop matrix H of the pairs maps the
    newest y back to the newest s (H_k y_{k−1} = s_{k−1}, BFGS's defining condition)."""
    bowl = Quadratic2D(condition_number=20.0, angle=0.3)
    opt, p = lbfgs(memory=3), np.array(bowl.start, float)
    state = opt.init(p)
    for _ in range(3):
        g = bowl.grad(p)
        upd, state = opt.update(g, state, p, value=bowl.value)
        p = p + upd
        if len(state.steps):
            np.testing.assert_allclose(state.changes, state.steps @ bowl.A.T, rtol=1e-12)
            newest_s, newest_y = state.steps[-1], state.changes[-1]
            np.testing.assert_allclose(
                _two_loop(newest_y, state.steps, state.changes), newest_s, rtol=1e-10, atol=1e-15
            )
    assert len(state.steps) == 2  # pairs are formed from the second step on


def test_every_step_satisfies_armijo_and_descends():
    f = Rosenbrock()
    opt = lbfgs(armijo=1e-4)
    p = np.array(f.start, float)
    state = opt.init(p)
    for _ in range(60):
        g = f.grad(p)
        if np.linalg.norm(g) < 1e-9:
            break
        upd, state = opt.update(g, state, p, value=f.value)
        assert g @ upd < 0  # a descent direction
        assert f.value(p + upd) <= f.value(p) + 1e-4 * (g @ upd)  # Armijo, t folded into upd
        assert len(state.steps) <= 10
        for array in (state.steps, state.changes, state.last_params, state.last_grads):
            assert not array.flags.writeable
        p = p + upd
    assert np.allclose(p, [1.0, 1.0], atol=1e-6)


def test_memory_is_bounded_and_the_oldest_pair_goes_first():
    loss = LogisticLoss(load_wdbc().X, load_wdbc().y, l2=1e-2)
    opt, p = lbfgs(memory=4), np.asarray(loss.start, float)
    state, seen = opt.init(p), []
    for _ in range(8):
        upd, state = opt.update(loss.grad(p), state, p, value=loss.value)
        p = p + upd
        seen.append(state.steps.copy())
    assert [len(s) for s in seen] == [0, 1, 2, 3, 4, 4, 4, 4]
    np.testing.assert_array_equal(seen[5][:3], seen[4][1:])  # shifted by one, newest last


def test_bad_arguments_name_the_parameter_and_its_range():
    for memory in (0, -1):
        with pytest.raises(ValueError, match=r"memory must be an integer in \[1, "):
            lbfgs(memory=memory)
    for memory in (2.5, True):
        with pytest.raises(TypeError, match=r"memory must be an integer, got"):
            lbfgs(memory=memory)
    for armijo in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError, match="armijo"):
            lbfgs(armijo=armijo)
    for shrink in (0.0, 1.0):
        with pytest.raises(ValueError, match="shrink"):
            lbfgs(shrink=shrink)
    with pytest.raises(ValueError, match=r"max_backtracks must be an integer in \[1, "):
        lbfgs(max_backtracks=0)
    with pytest.raises(ValueError, match="learning_rate"):
        lbfgs(learning_rate=-1.0)
    opt = lbfgs()
    with pytest.raises(ValueError, match=r"lbfgs runs one parameter vector of shape \(d,\)"):
        opt.init(np.zeros((2, 3)))
    state = opt.init(np.zeros(2))
    with pytest.raises(ValueError, match=r"needs params and value="):
        opt.update(np.ones(2), state, np.zeros(2))
    with pytest.raises(ValueError, match=r"the shape \(d,\) the state was initialised for, d = 2"):
        opt.update(np.ones(3), state, np.zeros(3), value=lambda w: 0.0)
    with pytest.raises(ValueError, match=r"batch_size must be None"):
        simulate(LogisticLoss(load_wdbc().X, load_wdbc().y), lbfgs(), steps=5, batch_size=8)
    assert needs_value(opt) and not needs_value(gd(0.1))
    with pytest.raises(TypeError, match="opt must be an Optimizer"):
        needs_value("lbfgs")


def test_a_diverging_start_is_caught_by_the_line_search():
    """From far out the first trial step overflows; the line search shrinks it instead of
    stepping into inf, and the run still converges."""
    ours = simulate(Rosenbrock(), lbfgs(learning_rate=1e6), [-30.0, 40.0], steps=2000, tol=1e-8)
    assert ours.status == "converged", ours.message
