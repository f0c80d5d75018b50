"""Optimizers racing across a 2-D landscape from the same start; the model is
:mod:`widgets.models.landscape`. Click on the contour plot to move the start."""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyArrowPatch

from ..models import landscape as race
from ..models.landscape import RaceState
from ._artists import Custom, HLine, Line, VLine
from ._controls import Choice, Hidden, IntSlider, LogSlider, Scrubber, Slider, Steps, Toggle
from ._plots import draw_contours, end_label, fraction_ticks, set_end, sparse_log_minor_ticks
from ._spec import Explorer
from .style import GUIDE, color_for, dashes_for, marker_for, outlined

__all__ = ["LandscapeRaceExplorer"]


def _key(name: str) -> str:
    return "gd" if name == "batch" else name


def _color(name: str) -> str:
    return color_for(_key(name))


def _look(name: str) -> dict:
    """A racer's line: its colour, and its marker and dashes, so colour is not the only cue."""
    return dict(color=_color(name), marker=marker_for(_key(name)), ls=dashes_for(_key(name)))


def _put_ellipse(e, data) -> None:
    center, h = data
    ok = bool(np.all(np.isfinite(h)))
    e.set_center(tuple(center))
    e.set_width(2.0 * h[0] if ok else 0.0)
    e.set_height(2.0 * h[1] if ok else 0.0)


def scoreboard_html(st: RaceState) -> str:
    """A table of the shown racers: value at the current step, final value, outcome."""
    what = "f − f*" if st.landscape.f_star is not None else "f"
    rows = "".join(
        f"<tr><td><span style='color:{_color(name)}'>■</span> {html.escape(label)}</td>"
        f"<td>{now}</td><td>{final}</td><td>{html.escape(outcome)}</td></tr>"
        for name, label, now, final, outcome in st.scoreboard()
    )
    head = (
        f"<tr><th>racer</th><th>{what} at step {st.step}</th><th>final {what}</th>"
        f"<th>{html.escape(st.landscape.target_text(st.tol))}</th></tr>"
    )
    table = "<table class='descent-scoreboard' style='font-size:0.85em'>"
    return f"{table}{head}{rows}</table>" if rows else ""


class LandscapeRaceExplorer(Explorer):
    """Several optimizers race from the same start across a 2-D objective.

    Each racer has its own learning rate α and can be switched off; shared sliders set μ
    (momentum, Nesterov), β₁ and β₂ (Adam), β₂ (RMSProp) and Newton's damping δ. The contour plot
    shows each path up to step t with the optimizer's state there: momentum's velocity −αv as an
    arrow, the per-coordinate step α/(√v̂ + ε) of AdaGrad, RMSProp and Adam as a dashed ellipse;
    the right panel f − f* against steps. Click on the contour plot (or ``set(start=...)``) to
    move the start; another objective brings its own start, rates and step budget. The scrubber t
    ends where the longest shown run ends. The status says the step shown, the budget, how many
    racers are below the target then, and the outcome with each racer's settings; the scoreboard
    (shown once a prediction is made) gives the numbers.

    With ``variants=("batch", "sgd", "minibatch")`` the racers are gradient descent with the full
    gradient, one example per step, and mini-batches of ``batch_size`` on a data objective.
    ``alphas={"gd": 0.5, ...}`` sets racers' learning rates (each within its slider's range).

    Example:
        >>> ex = LandscapeRaceExplorer(optimizers=("gd", "newton"))
        >>> ex.last_status.text.split(": ", 1)[1].split(";")[0]
        'Newton (δ = 0) reached f − f* < 1e-06 first (1 step)'
    """

    lessons = (
        "01_logistic_regression_mle",
        "03_gradient_descent_variants",
        "04_learning_rate_effects",
        "05_hessian_taylor_newton",
        "06_momentum_and_adaptive",
    )
    settings = {
        "optimizers": (None, lambda name, v: v if v is None else tuple(v)),
        "variants": (None, lambda name, v: v if v is None else tuple(v)),
    }
    model = race.race_state
    describe = race.race_status
    readouts = {"scoreboard": scoreboard_html}
    answers = ("scoreboard",)
    figsize = (10.0, 4.3)
    columns = 4
    click_entry = (0, "start", "start w₁, w₂ (or click the map)")

    def __init__(self, *, alphas: Mapping[str, float] | None = None, **values) -> None:
        for name, alpha in dict(alphas or {}).items():
            values.setdefault(f"alpha_{name}", alpha)
        super().__init__(**values)

    @classmethod
    def declare(cls, settings):
        racers = race.racer_names(settings["optimizers"], settings["variants"])
        variants = settings["variants"] is not None
        keys, on = (race.DATA_KEYS if variants else race.LANDSCAPE_KEYS), ("objective",)
        c = {
            "objective": Choice(
                "objective", keys[0], options={race.LANDSCAPE_LABELS[k]: k for k in keys}
            )
        }
        for n in racers:  # the presets a new objective brings: rates, step budget, start
            preset = lambda objective, n=n: race.landscape_for(objective).alphas[n]  # noqa: E731
            lo, hi = race.alpha_range(n)
            c[f"alpha_{n}"] = (
                Hidden(default=preset, follows=on)  # its line search picks each step's length
                if n == "lbfgs"
                else LogSlider(f"α {race.LABELS[n]}", preset, lo=lo, hi=hi, fmt=".2g", follows=on)
            )
            c[f"show_{n}"] = Toggle(f"show {race.LABELS[n]}", True)
        budget = lambda objective: race.landscape_for(objective).steps  # noqa: E731
        c["steps"] = IntSlider("step budget", budget, lo=10, hi=1000, step=10, follows=on)
        c["step"] = Scrubber("step t", Scrubber.END, last=lambda st: st.last, follows=on)
        tols = {f"{t:.0e}": t for t in race.TOL_CHOICES}
        c["tol"] = Choice("target f − f* <", 1e-3 if variants else 1e-6, options=tols)
        start = lambda objective: race.landscape_for(objective).start  # noqa: E731
        c["start"] = Hidden(default=start, follows=on, check_value=race.check_start)
        used = {h for n in racers for h in race.HYPER_OF.get(n, ())}
        for k in (k for k in race.HYPER_LABELS if k in used):
            fmt = {"b2": ".4f", "decay": ".3f"}.get(k, ".3g")
            lo, hi = race.HYPER_RANGES[k]
            c[k] = Slider(
                race.HYPER_LABELS[k],
                race.HYPER_DEFAULTS[k],
                lo=lo,
                hi=hi,
                step=race.HYPER_STEPS[k],
                fmt=fmt,
            )
        if variants:
            m = lambda objective: race.landscape_for(objective).objective.n_examples  # noqa: E731
            sizes = lambda objective: [b for b in race.BATCH_SIZES if b < m(objective)]  # noqa: E731
            c["batch_size"] = Steps("mini-batch size B", 32, options=sizes, follows=on)
            c["seed"] = IntSlider("shuffle seed", 0, lo=0, hi=9)
        return c

    @classmethod
    def declare_artists(cls, settings):
        a = {}
        for n in race.racer_names(settings["optimizers"], settings["variants"]):
            col, shown, look = _color(n), lambda st, n=n: n in st.shown, _look(n)
            # the path, solid and outlined over the contour fill, ends in the racer's marker at
            # the step shown; its loss curve has the racer's dashes
            head = dict(marker=look["marker"], markevery=[-1], ms=7.5, mec="white", mew=1.0)
            a[f"path_{n}"] = Line(
                0,
                lambda st, n=n: st.path(n).T,
                True,
                visible=shown,
                style=dict(color=col, lw=1.6, path_effects=outlined(col, 1.6), **head),
            )
            a[f"curve_{n}"] = Line(
                1,
                lambda st, n=n: st.curve(n),
                True,
                visible=shown,
                style=dict(color=col, lw=1.6, ls=look["ls"]),
            )
            if n in race.MOMENTUM_LIKE:
                arrow = dict(arrowstyle="-|>", mutation_scale=12, color=col, lw=1.8)
                a[f"arrow_{n}"] = Custom(
                    0,
                    lambda st, n=n: st.arrow(n),
                    True,
                    visible=lambda st, n=n: n in st.shown and st.moves(n),
                    create=lambda ax, arrow=arrow: ax.add_patch(
                        FancyArrowPatch((0, 0), (0, 0), **arrow)
                    ),
                    draw=lambda arrow, ends: arrow.set_positions(tuple(ends[0]), tuple(ends[1])),
                )
            if n in race.ADAPTIVE:
                a[f"ellipse_{n}"] = Custom(
                    0,
                    lambda st, n=n: st.ellipse(n),
                    True,
                    visible=lambda st, n=n: (
                        n in st.shown and bool(np.isfinite(st.ellipse(n)[1]).all())
                    ),
                    create=lambda ax, col=col: ax.add_patch(
                        Ellipse((0, 0), 0, 0, fill=False, ec=col, ls="--")
                    ),
                    draw=_put_ellipse,
                )
        start = dict(ls="", marker="o", ms=8, mfc="white", mec="black", mew=1.5, zorder=3)
        a["start"] = Line(0, lambda st: ([st.start[0]], [st.start[1]]), static=True, style=start)
        # the cursor marks step t once the learner scrubs back; at the budget's end it would lie on
        # the frame's edge, so it is not drawn there
        cursor = lambda st: np.nan if st.step >= st.steps else st.step  # noqa: E731
        a["cursor"] = VLine(1, cursor, style=dict(color=GUIDE, lw=1.0))
        a["target"] = HLine(
            1, lambda st: st.target_level, style=dict(color="#555555", lw=0.9, ls=":")
        )
        budget = lambda st: (st.steps, f"{st.steps:,}")  # noqa: E731
        a["budget"] = Custom(1, budget, create=end_label, draw=set_end)
        return a

    def layout(self, figure):
        ax_c, ax_l = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1.0]})
        figure.subplots_adjust(left=0.065, right=0.83, bottom=0.13, top=0.9, wspace=0.28)
        ax_l.set_xlabel("step")
        fraction_ticks(ax_l)  # a new budget moves the end label only, never the background
        ax_l.grid(True, which="major", alpha=0.3)
        self._contours: dict[str, list] = {}
        return ax_c, ax_l

    def decorate(self) -> None:
        """The legend names every racer once; a racer switched off stays in it, faded (its
        entries change in the layer, so a tick box is not a full redraw)."""
        names = race.racer_names(self.settings["optimizers"], self.settings["variants"])
        handles = [
            Line2D([], [], lw=2, ms=7, mec="white", label=race.LABELS[n], **_look(n)) for n in names
        ]
        where = dict(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        self._legend = self.axes[1].legend(handles=handles, fontsize=10, frameon=False, **where)
        self._entries = dict(
            zip(
                names,
                zip(self._legend.get_texts(), self._legend.legend_handles, strict=True),
                strict=True,
            )
        )

    def layer(self, axes):
        return (self._legend,)

    def layer_key(self, st: RaceState):
        return st.shown, tuple(st.run(n).label for n in st.shown)

    def draw_layer(self, st: RaceState) -> None:
        for name, (text, handle) in self._entries.items():
            on = name in st.shown
            text.set_text(st.run(name).label if on else f"{race.LABELS[name]} (off)")
            text.set_alpha(1.0 if on else 0.45)
            handle.set_alpha(1.0 if on else 0.3)

    def frame_key(self, st: RaceState):
        return st.landscape.key, st.start

    def draw_frame(self, st: RaceState) -> None:
        land, (ax_c, ax_l) = st.landscape, self.axes
        for key, drawn in self._contours.items():  # kept per objective: switching back is cheap
            for artist in drawn:
                artist.set_visible(key == land.key)
        if land.key not in self._contours:
            before = set(map(id, ax_c.get_children()))
            draw_contours(ax_c, land.objective, bounds=land.bounds, resolution=121)
            ax_c.plot(*land.minimizers.T, "*", ms=11, mfc="white", mec="black", mew=1.0, zorder=1.5)
            self._contours[land.key] = [a for a in ax_c.get_children() if id(a) not in before]
        (x0, x1), (y0, y1) = land.bounds
        names = land.objective.param_names or ("w₁", "w₂")
        ax_c.set(xlim=(x0, x1), ylim=(y0, y1), xlabel=names[0], ylabel=names[1])
        ax_c.set_title(f"{land.label}: click to set the start", fontsize=10)
        if land.f_star is not None:
            ax_l.set(yscale="log", ylabel="f − f*")
            ax_l.set_title("distance to the minimum", fontsize=10)
            sparse_log_minor_ticks(ax_l)
        else:
            ax_l.set_yscale("symlog", linthresh=1e-2)
            ax_l.set(ylabel="f")
            ax_l.set_title("loss (no minimum: escape it)", fontsize=10)
        fraction_ticks(ax_l)  # a new scale resets the locators
        ax_l.set_ylim(*st.loss_limits)

    def on_click(self, ax, x, y):
        return {"start": (x, y)} if ax == 0 else None

    def run_ahead(self, name, positions):
        race.race_ahead(name, positions, **self._values, **self.settings)
