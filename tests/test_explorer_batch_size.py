"""BatchSizeExplorer: seeded runs equal simulate(); drawn curves equal the objective's losses.

Tests read the figure through ``ex.artist(name)`` and the data through ``ex.state``.

Tolerances: runs are compared bit for bit with ``simulate`` (same batches, same arithmetic) or
to 1e-12 relative; the batch-gradient covariance is checked against 20 000 sampled batches to
6 % (the sampling error of a variance estimate from 20 000 draws is about 1 %).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from widgets.explorers.batch_size import BatchSizeExplorer
from widgets.models.batch_size import (
    batch_size_question,
    batch_state,
    ellipse_axes,
    gradient_noise,
    setup_for,
)
from widgets.objectives import DataObjective, LogisticLoss, wdbc_logistic
from widgets.optimizers import gd, make_optimizer
from widgets.schedules import step_decay
from widgets.simulate import (
    batch_gradients,
    batch_runs,
    first_escape,
    minibatch,
    seeded_runs,
    simulate,
)

LOSS = wdbc_logistic(("mean radius", "mean texture"), fit_bias=False)
M = LOSS.n_examples


@pytest.fixture(scope="module")
def ex():
    return BatchSizeExplorer()


@pytest.mark.parametrize(
    ("b", "epochs", "opt"), [(1, 1, "gd"), (7, 2, "gd"), (16, 3, "adam"), (M, 4, "momentum")]
)
def test_seeded_runs_equal_simulate_seed_by_seed(b, epochs, opt):
    optimizer = make_optimizer(opt, learning_rate=0.3)
    runs = seeded_runs(LOSS, optimizer, np.zeros(2), b, epochs, seeds=(0, 1, 5))
    P, diverged = runs.params, runs.diverged_at
    steps = epochs * -(-M // b)
    assert P.shape == (3, steps + 1, 2)
    assert np.all(diverged == -1)
    for row, seed in enumerate((0, 1, 5)):
        ref = simulate(LOSS, optimizer, np.zeros(2), steps, tol=None, batch_size=b, seed=seed)
        np.testing.assert_allclose(P[row], ref.params, rtol=1e-12, atol=1e-15)


def test_batch_gradients_equal_grad_batch_row_by_row():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(4, 2))
    idx = rng.integers(0, M, size=(4, 9))
    G = batch_gradients(LOSS, W, idx)
    for n in range(4):
        np.testing.assert_allclose(G[n], LOSS.grad_batch(W[n], idx[n]), rtol=1e-12)


def test_default_status_and_controls(ex):
    assert ex.last_error is None
    assert ex.controls["alpha"].description.startswith("α")
    text = ex.last_status.text
    assert text.startswith("B = 16: 36 updates per epoch; after 3 epochs (108 updates, 1,707 ")
    assert "median loss" in text and "10–90 %" in text and "∝ 1/√B = 0.25" in text


def test_drawn_paths_median_and_band_equal_the_model(ex):
    ex.set(alpha=0.8, batch_size=8, epochs=2, n_runs=5, x_axis="updates")
    t = 40
    ex.set(step=t)
    steps = 2 * -(-M // 8)
    refs = [
        simulate(LOSS, gd(0.8), np.zeros(2), steps, tol=None, batch_size=8, seed=s)
        for s in range(5)
    ]
    segs = ex.artist("paths").get_segments()
    assert len(segs) == 5
    for seg, ref in zip(segs, refs, strict=True):
        np.testing.assert_allclose(seg, ref.params[: t + 1], rtol=1e-12, atol=1e-15)
    heads = np.column_stack(ex.artist("heads").get_data())
    np.testing.assert_allclose(heads, [r.params[t] for r in refs], rtol=1e-12)
    # curves: loss of every run at the sampled updates, median and 10/90 % quantiles
    x, med = ex.artist("median").get_data()
    idx = x.astype(int)
    assert idx[0] == 0 and idx[-1] == steps and np.all(np.diff(idx) > 0)
    losses = np.array([r.loss[idx] for r in refs])
    np.testing.assert_allclose(med, np.median(losses, axis=0), rtol=1e-12)
    poly = ex.artist("band").get_xy()
    upper = np.quantile(losses, 0.9, axis=0)
    lower = np.quantile(losses, 0.1, axis=0)
    n = len(idx)
    np.testing.assert_allclose(poly[:n, 1], upper, rtol=1e-12)
    np.testing.assert_allclose(poly[n : 2 * n, 1], lower[::-1], rtol=1e-12)
    assert list(ex.artist("cursor").get_xdata()) == [t, t]
    text = ex.last_status.text
    q = np.quantile([r.loss[t] for r in refs], [0.1, 0.5, 0.9])
    assert f"median loss {q[1]:.4f} (10–90 %: {q[0]:.4f}–{q[2]:.4f}) over 5 runs" in text


@pytest.mark.parametrize("axis", ["epochs", "examples"])
def test_x_axis_choices_use_the_oracle_counts(ex, axis):
    ex.set(batch_size=32, epochs=2, n_runs=3, x_axis="updates")
    xu, _ = ex.artist("median").get_data()
    ex.set(x_axis=axis)
    x, _ = ex.artist("median").get_data()
    seen = minibatch(32, 0).examples_seen(M, int(xu[-1]))[xu.astype(int)]
    np.testing.assert_allclose(x, seen / M if axis == "epochs" else seen, rtol=1e-12)
    assert ex.axes[1].get_xlim()[1] == pytest.approx(x[-1])
    assert ex.axes[1].get_xlabel() == {"epochs": "epochs", "examples": "examples seen"}[axis]


def test_step_slider_follows_batch_size_and_epochs(ex):
    ex.set(batch_size=64, epochs=3)
    assert ex.controls["step"].max == 3 * 9 == ex.state.step
    ex.set(batch_size=M)
    assert ex.controls["step"].max == 3
    assert "full batch: 1 update per epoch" in ex.last_status.text
    # the range is exactly the run: its last position is the run's last update, no dead zone
    ex.set(batch_size=8, epochs=2)
    assert ex.controls["step"].max == ex.state.runs.n_updates == 2 * 72 == ex.state.step
    # "at the end" stays at the end when the run grows; a step inside the run stays put
    ex.set(epochs=4)
    assert ex.state.step == ex.controls["step"].max == 4 * 72
    ex.set(step=50)
    ex.set(epochs=1)
    assert ex.state.step == 50 and ex.controls["step"].max == 72
    ex.set(batch_size=64)  # 9 updates: the step is clamped to the new end
    assert ex.controls["step"].value == 9 == ex.state.step


def test_gradient_noise_statistics():
    w = np.array([1.0, 0.5])
    full = gradient_noise(LOSS, w, M)
    np.testing.assert_allclose(full.grad, LOSS.grad(w), rtol=1e-12, atol=1e-15)
    assert full.std == 0.0
    np.testing.assert_allclose(
        full.samples, np.broadcast_to(full.grad, full.samples.shape), rtol=1e-12, atol=1e-15
    )
    # covariance of a B = 8 batch mean (without replacement) against sampled batches
    noise = gradient_noise(LOSS, w, 8)
    rng = np.random.default_rng(1)
    G = LOSS.example_grads(w)
    draws = np.array([G[rng.choice(M, 8, replace=False)].mean(axis=0) for _ in range(20_000)])
    np.testing.assert_allclose(noise.cov_batch, np.cov(draws.T), rtol=0.06, atol=1e-5)
    width, height, _ = ellipse_axes(noise.cov_batch)
    lam = np.linalg.eigvalsh(noise.cov_batch)
    np.testing.assert_allclose([width, height], 4 * np.sqrt(lam[::-1]), rtol=1e-12)
    # std ∝ 1/√B up to the finite-population factor
    n1, n4 = gradient_noise(LOSS, w, 1), gradient_noise(LOSS, w, 4)
    ratio = n4.std / n1.std
    assert ratio == pytest.approx(0.5 * np.sqrt((M - 4) / (M - 1)), rel=1e-12)


def test_noise_panel_draws_the_noise_at_run_one(ex):
    ex.set(batch_size=4, epochs=1, n_runs=2)
    ex.set(step=100)
    w = ex.state.runs.params[0, 100]
    noise = gradient_noise(LOSS, w, 4)
    examples = np.column_stack(ex.artist("examples").get_data())
    np.testing.assert_allclose(examples, LOSS.example_grads(w), rtol=1e-12)
    samples = np.column_stack(ex.artist("samples").get_data())
    np.testing.assert_allclose(samples, noise.samples, rtol=1e-12)
    np.testing.assert_allclose(ex.artist("ellipse").get_center(), noise.grad, rtol=1e-12)
    assert ex.artist("ellipse").get_width() == pytest.approx(ellipse_axes(noise.cov_batch)[0])


def test_extremes_stay_finite_and_healthy(ex):
    for values in (
        {"alpha": 1e3, "batch_size": 1, "epochs": 2, "n_runs": 3},
        {"alpha": 10.0, "batch_size": 1, "epochs": 2, "n_runs": 3},
        {"alpha": 1e-3, "batch_size": M, "epochs": 1, "n_runs": 1},
        {"alpha": 10.0, "batch_size": 2, "n_runs": 32, "epochs": 1},
    ):
        ex.set(**values)
        assert ex.last_error is None
        for ax in ex.figure.axes:
            assert np.all(np.isfinite([*ax.get_xlim(), *ax.get_ylim()]))
        segs = ex.artist("paths").get_segments()
        assert all(np.isfinite(s).all() for s in segs)
    ex.set(alpha=1e-3, batch_size=M, epochs=1, n_runs=1)
    assert "median loss 0.693" in ex.last_status.text  # log 2: nothing moved yet


class LeastSquares(DataObjective):
    """Mean squared error of a linear model: its gradient grows with w, so large α diverges."""

    def __init__(self, X, y):
        self._design, self._targets = np.asarray(X, float), np.asarray(y, float)
        self.n_examples, self.dim = len(y), self._design.shape[1]
        self._penalty = np.zeros(self.dim)
        self.start = np.zeros(self.dim)

    @staticmethod
    def _loss(u, t):
        return (u - t) ** 2

    @staticmethod
    def _loss_d1(u, t):
        return 2.0 * (u - t)

    @staticmethod
    def _loss_d2(u, t):
        return np.full_like(u, 2.0)


def test_diverging_runs_are_frozen_at_their_last_finite_point():
    rng = np.random.default_rng(0)
    obj = LeastSquares(rng.normal(size=(10, 2)), rng.normal(size=10))
    runs = seeded_runs(obj, gd(50.0), np.array([1.0, 1.0]), 2, 40, (0, 1))
    P, diverged = runs.params, runs.diverged_at
    assert np.all(diverged > 0) and np.all(np.isfinite(P))
    for row, at in zip(P, diverged, strict=True):
        np.testing.assert_array_equal(row[at:], np.broadcast_to(row[at - 1], row[at:].shape))
        assert np.abs(row[at - 1]).max() <= 1e12


def test_question_is_graded_by_running_each_batch_size():
    q = batch_size_question(sizes=(1, 32), level=0.29)
    assert q.choices == ("B = 1", "B = 32", "full batch", "none within the budget")
    ex = BatchSizeExplorer(question=q, n_runs=3, epochs=2, alpha=0.5)
    assert not ex.artist("median").get_visible()
    correct, why = q.answer(ex.state)
    # reference: first epoch at which the median over seeds of the full loss is ≤ 0.29
    firsts = {}
    for label, b in (("B = 1", 1), ("B = 32", 32), ("full batch", M)):
        steps = 2 * -(-M // b)
        L = np.array(
            [
                simulate(LOSS, gd(0.5), np.zeros(2), steps, tol=None, batch_size=b, seed=s).loss
                for s in range(3)
            ]
        )
        below = np.median(L, axis=0) <= 0.29
        if below.any():
            firsts[label] = minibatch(b, 0).epochs(M, steps)[np.argmax(below)]
    best = min(firsts.values())
    assert correct == " or ".join(k for k, v in firsts.items() if v == best)
    assert ex.predict(correct.split(" or ")[0]) is True
    assert ex.artist("median").get_visible()
    assert "epochs" in why
    ex.set(alpha=0.5)
    assert ex.predict("full batch") is (correct == "full batch")


def test_first_escape_finds_the_first_update_outside_the_box():
    P = np.zeros((3, 5, 2))
    P[0, 2:, 1] = -7.0  # leaves |w|∞ ≤ 5 at update 2 and stays out
    P[1, 3, 0] = 6.0  # leaves at update 3, comes back
    P[2, :, :] = 5.0  # on the boundary: still inside
    assert first_escape(P, 5.0).tolist() == [2, 3, -1]


def test_runs_diverge_where_the_iterate_leaves_ten_times_the_plotted_region():
    setup = setup_for(LOSS, np.zeros(2))
    radius = setup.escape_radius
    assert radius == pytest.approx(10 * max(abs(v) for b in setup.bounds for v in b))
    runs = batch_runs(LOSS, gd(30.0), np.zeros(2), 1, 1, 4, radius=radius)
    assert runs.radius == radius
    for n in range(4):  # reference: simulate, then the first update with |w|∞ > radius
        ref = simulate(LOSS, gd(30.0), np.zeros(2), M, tol=None, batch_size=1, seed=n)
        out = np.flatnonzero(np.abs(ref.params).max(axis=1) > radius)
        assert runs.diverged_at[n] == (out[0] if out.size else -1)
    assert runs.n_diverged > 0
    # the same runs without a radius: nothing overflows, so nothing diverges
    assert batch_runs(LOSS, gd(30.0), np.zeros(2), 1, 1, 4).n_diverged == 0


def test_learning_rates_of_the_lesson_do_not_diverge():
    setup = setup_for(LOSS, np.zeros(2))
    for b in (1, 8, 16, 64, M):
        runs = batch_runs(LOSS, gd(0.5), np.zeros(2), b, 3, 8, radius=setup.escape_radius)
        assert runs.n_diverged == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"batch_size": 8},
        {"objective": wdbc_logistic(fit_bias=False), "question": batch_size_question()},
    ],
    ids=["default", "lesson", "lesson-question"],
)
def test_largest_alpha_says_diverged_and_why(kwargs):
    ex = BatchSizeExplorer(**kwargs)
    if ex.question is not None:
        ex.predict("B = 1")
    alpha = ex.controls["alpha"]
    assert alpha.value == pytest.approx(0.5) and ex.last_status.kind != "diverged"
    assert ex.artist("note").get_text() == ""
    ex.set(alpha=10**alpha.max)
    if ex.question is not None:
        ex.predict("B = 1")
    status = ex.last_status
    radius = ex.state.setup.escape_radius
    b = ex.value("batch_size")
    # every run leaves the box on its first update: |α·ĝ|∞ already exceeds it
    first = simulate(LOSS, gd(10**alpha.max), np.zeros(2), 1, tol=None, batch_size=b, seed=0)
    assert np.abs(first.params[1]).max() > radius
    assert status.kind == "diverged"
    assert status.text.endswith(
        f"8 of 8 runs diverged at update 1: w left 10× the plotted region (|w|∞ > {radius:.3g})"
    )
    assert "diverged" in ex.status.value
    note = ex.artist("note")
    assert note.get_visible() and "8 of 8 runs diverged" in note.get_text()
    for ax in ex.figure.axes:
        assert np.all(np.isfinite([*ax.get_xlim(), *ax.get_ylim()]))


def test_the_loss_panel_keeps_its_range_and_says_how_high_the_runs_go(ex):
    ex.set(alpha=0.5, batch_size=16, epochs=3, n_runs=8, x_axis="epochs")
    low, high = ex.axes[1].get_ylim()
    s = ex.state.setup
    assert (low, high) == pytest.approx(
        (s.f_star - 0.04 * (s.f0 - s.f_star), s.f_star + 1.1 * (s.f0 - s.f_star))
    )
    assert "off the scale" not in ex.artist("above").get_text()
    draws = []
    ex.figure.canvas.mpl_connect("draw_event", draws.append)
    ex.set(alpha=100.0)
    top = float(np.max(ex.state.runs.bands[2]))
    assert top > high and ex.axes[1].get_ylim() == (low, high)
    assert ex.artist("above").get_text() == f"↑ off the scale:\n90 % of runs up to {top:.3g}"
    ex.set(epochs=5)  # a longer x axis: its end label moves, the background stays
    assert ex.artist("end").get_text() == "5" and ex.axes[1].get_xlim() == (0.0, 5.0)
    assert draws == [], "new α and epochs are blits, not redraws"


def test_more_runs_and_epochs_extend_the_runs_kept_and_equal_fresh_ones():
    ex = BatchSizeExplorer(alpha=0.7, batch_size=32, epochs=2, n_runs=3)
    ex.set(n_runs=5)
    ex.set(epochs=4)
    fresh = batch_runs(LOSS, gd(0.7), np.zeros(2), 32, 4, 5, radius=ex.state.setup.escape_radius)
    np.testing.assert_allclose(ex.state.runs.params, fresh.params, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ex.state.runs.loss, fresh.loss, rtol=1e-12)
    ex.set(n_runs=2, epochs=1)  # fewer of both: a part of what was run
    np.testing.assert_array_equal(ex.state.runs.params, fresh.params[:2, : 18 + 1])


def test_mean_grads_batch_equals_grad_batch_with_weights_and_a_penalty():
    rng = np.random.default_rng(1)
    loss = wdbc_logistic(("mean radius", "mean texture"), fit_bias=False, l2=0.3)
    X, y = rng.normal(size=(40, 2)), rng.integers(0, 2, size=40)
    weighted = LogisticLoss(X, y, l2=0.1, sample_weight=rng.uniform(0.5, 2.0, size=40))
    W = rng.normal(size=(3, 2))
    idx = rng.integers(0, 40, size=(3, 5))
    for obj, w in ((loss, W), (weighted, rng.normal(size=(3, 3)))):
        G = obj.mean_grads_batch(w, idx)
        for n in range(3):
            np.testing.assert_allclose(G[n], obj.grad_batch(w[n], idx[n]), rtol=1e-12)
    with pytest.raises(ValueError, match=r"idx of shape \(n, b\)"):
        loss.mean_grads_batch(W, idx[:2])
    with pytest.raises(ValueError, match="idx must hold indices in"):
        loss.mean_grads_batch(W, idx + M)
    with pytest.raises(ValueError, match="needs a smooth loss"):
        LogisticLoss(X, y, l1=0.1).mean_grads_batch(rng.normal(size=(3, 3)), idx)


def test_runs_of_several_rates_at_once_equal_runs_of_each_rate():
    rates = np.array([0.3, 0.8, 2.0])
    together = seeded_runs(LOSS, gd(np.repeat(rates, 2)), np.zeros(2), 16, 2, (0, 1) * 3)
    for i, rate in enumerate(rates):
        alone = seeded_runs(LOSS, gd(float(rate)), np.zeros(2), 16, 2, (0, 1))
        part = together.take(slice(2 * i, 2 * i + 2))
        assert part.seeds == (0, 1)
        np.testing.assert_allclose(part.params, alone.params, rtol=1e-12, atol=1e-15)
        longer = seeded_runs(LOSS, gd(float(rate)), np.zeros(2), 16, 3, (0, 1), resume=part)
        fresh = seeded_runs(LOSS, gd(float(rate)), np.zeros(2), 16, 3, (0, 1))
        np.testing.assert_allclose(longer.params, fresh.params, rtol=1e-12, atol=1e-15)


def test_dragging_alpha_finds_the_next_rates_run_ahead_and_equal_to_fresh_runs():
    import widgets.models.batch_size as model

    ex = BatchSizeExplorer(batch_size=64, n_runs=3)
    made = []
    real = model.seeded_runs
    model.seeded_runs = lambda *a, **k: made.append(a[4:]) or real(*a, **k)
    try:
        ex.controls["alpha"].value = ex.controls["alpha"].value * 10**0.05  # one slider step
        assert len(made) == 1 and len(made[0][1]) == 3 * 5, "this rate and the next four, once"
        for _ in range(4):
            ex.controls["alpha"].value = ex.controls["alpha"].value * 10**0.05
        assert len(made) == 1, "the next four moves found their runs ready"
    finally:
        model.seeded_runs = real
    alpha = ex.state.runs.learning_rate
    fresh = batch_runs(LOSS, gd(alpha), np.zeros(2), 64, 3, 3, radius=ex.state.setup.escape_radius)
    np.testing.assert_allclose(ex.state.runs.params, fresh.params, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ex.state.runs.loss, fresh.loss, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(alpha=5e3), ValueError, r"alpha must be in \[0.001, 1000\], got 5000"),
        (dict(batch_size=10), ValueError, r"batch_size must be one of 1, 2, 4"),
        (dict(epochs=11), ValueError, r"epochs must be an integer in \[1, 10\], got 11"),
        (dict(n_runs=0), ValueError, r"n_runs must be an integer in \[1, 32\], got 0"),
        (dict(x_axis="time"), ValueError, r"x_axis must be one of 'epochs', 'updates'"),
        (dict(optimizer="newton"), ValueError, r"unknown optimizer 'newton'"),
        (dict(objective=wdbc_logistic()), ValueError, r"objective must be a 2-parameter data"),
        (dict(start=(1.0, 2.0, 3.0)), ValueError, r"start must have length 2"),
    ],
)
def test_constructor_arguments_are_checked_not_clipped(kwargs, error, message):
    with pytest.raises(error, match=message):
        BatchSizeExplorer(**kwargs)


def test_the_model_rejects_what_the_explorer_rejects():
    with pytest.raises(ValueError, match=r"alpha must be in \[0.001, 1000\]"):
        batch_state(alpha=0.0, batch_size=8, epochs=1, n_runs=1, x_axis="epochs", step=0)


# ------------------------------------------------------------------------------------------------
# The learning-rate heuristics: ÷ 10 at the plateau, the update-to-weight ratio
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("b", "epochs", "decays"), [(8, 10, 3), (16, 3, 1), (64, 4, 4)])
def test_decayed_runs_equal_simulate_with_a_step_decay(b, epochs, decays):
    ex = BatchSizeExplorer(alpha=1.0, batch_size=b, epochs=epochs, n_runs=3, decays=decays)
    n = epochs * -(-M // b)
    every = -(-n // (decays + 1))  # k evenly spaced decays: a step decay every ⌈n/(k + 1)⌉
    schedule = step_decay(1.0, step_size=every, gamma=0.1)
    for seed in range(3):
        ref = simulate(LOSS, gd(schedule), np.zeros(2), n, tol=None, batch_size=b, seed=seed)
        np.testing.assert_array_equal(ex.state.runs.params[seed], ref.params)
    at = ex.state.decay_at
    assert at.tolist() == [j * every for j in range(1, decays + 1) if j * every < n]
    assert len(at) == decays  # every decay falls inside the run
    x, _ = ex.artist("decays").get_data()
    np.testing.assert_allclose(np.asarray(x)[0::3], minibatch(b, 0).examples_seen(M, n)[at] / M)
    assert f"α ÷ 10 after update{'s' if decays > 1 else ''} {', '.join(map(str, at))}" in (
        ex.last_status.text
    )
    assert f"now {1.0 * 0.1**decays:.3g}" in ex.last_status.text


def test_the_update_ratio_is_the_median_over_runs_and_the_last_epoch():
    ex = BatchSizeExplorer(alpha=1.0, batch_size=8, epochs=10, n_runs=8, decays=3)
    st, per = ex.state, -(-M // 8)
    for t in (1, 100, 300, 719):
        ex.set(step=t)
        recent = ex.state.runs.params[:, max(t - per, 0) : t + 1]
        moved = np.abs(np.diff(recent, axis=1)).mean(axis=2)
        expect = np.median(moved / np.abs(recent[:, 1:]).mean(axis=2))
        assert ex.state.ratio_now == pytest.approx(expect, rel=1e-12)
        assert f"update-to-weight ratio {expect:.1e}" in ex.last_status.text
        assert f"update/weight {expect:.1e}" in ex.artist("above").get_text()
    # each ÷ 10 of α divides the ratio by about 10: the gauge follows the rate
    ends = []
    for t in (*st.decay_at, st.runs.n_updates):
        ex.set(step=int(t))
        ends.append(ex.state.ratio_now)
    for before, after in itertools.pairwise(ends):
        assert 6 < before / after < 16
    ex.set(step=0)
    assert np.isnan(ex.state.ratio_now) and "update-to-weight" not in ex.last_status.text


def test_the_log_view_plots_the_gap_to_the_minimum():
    ex = BatchSizeExplorer(alpha=1.0, batch_size=8, epochs=10, n_runs=8, decays=3)
    ax = ex.axes[1]
    assert ax.get_yscale() == "linear" and "α ÷ 10" in _legend_texts(ax)
    ex.set(loss_view="gap")
    st = ex.state
    assert ax.get_yscale() == "log" and ax.get_ylim() == pytest.approx(st.setup.gap_limits)
    _, y = ex.artist("median").get_data()
    np.testing.assert_allclose(y, st.runs.bands[1] - st.setup.f_star, rtol=1e-9, atol=1e-9)
    assert "minimum f*" not in _legend_texts(ax)
    ex.set(decays=0, loss_view="loss")
    assert "α ÷ 10" not in _legend_texts(ax) and "minimum f*" in _legend_texts(ax)
    assert len(ex.artist("decays").get_data()[0]) == 0


def test_decays_out_of_range_are_refused():
    with pytest.raises(ValueError, match=r"decays.*\[0, 4\]|decays.*0.*4"):
        BatchSizeExplorer(decays=5)
    with pytest.raises(ValueError, match="loss_view"):
        BatchSizeExplorer(loss_view="log")


def _legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]
