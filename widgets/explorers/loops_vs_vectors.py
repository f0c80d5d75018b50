"""Loops versus vectors (lesson 09): the logistic-regression gradient with two loops, one loop and
none, timed in this kernel for m examples and d features; time against m on log–log axes, the
chosen m marked, and the speed-up of the vectorised gradient. A run predicted to exceed the
budget is not run: its time is extrapolated and drawn as a hollow marker. The model is
:mod:`widgets.models.loops_vs_vectors`; nothing here measures or computes."""

from __future__ import annotations

from matplotlib.collections import LineCollection

from .._validate import check_real
from ..models.loops_vs_vectors import BUDGET, FEATURES, M_RANGE, NAMES, loops_state, loops_status
from ._artists import Custom, Line, VLine
from ._controls import IntSlider, Steps
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import PALETTE

__all__ = ["LoopsVsVectorsExplorer"]

#: m on the slider: four stops a decade, 10 … 100 000
M_STOPS = tuple(round(10 ** (k / 4)) for k in range(4, 21))
#: the longest run at the chosen m: two loop versions to time stay under 0.3 s a move
MOVE_BUDGET = 0.1
_LOOKS = {
    "two_loops": dict(color=PALETTE["vermillion"], marker="s", ls="--"),
    "one_loop": dict(color=PALETTE["blue"], marker="^", ls="-."),
    "vectorized": dict(color="black", marker="o", ls="-"),
}
_SPEEDUP_LIMITS = (0.1, 1e5)
#: fixed time limits (a redraw of the frame costs 100 ms): a microsecond call to a second of loops
_SECONDS_LIMITS = (5e-7, 30.0)


def _check_budget(name: str, value) -> float:
    return check_real(name, value, low=0.0, high=BUDGET, low_open=True)


def _curve(method: str) -> Line:
    look = _LOOKS[method]
    return Line(
        0,
        lambda s: (s.curves[method].m, s.curves[method].seconds),
        style=dict(lw=1.8, ms=5, label=NAMES[method], **look),
    )


def _predicted(s):
    """Every extrapolated point, of any version."""
    xs, ys = [], []
    for curve in s.curves.values():
        xs += curve.m[~curve.measured].tolist()
        ys += curve.seconds[~curve.measured].tolist()
    return xs, ys


def _bars(ax):
    colors = [_LOOKS[k]["color"] for k in ("two_loops", "one_loop")]
    bars = LineCollection([], colors=colors, linewidths=16, capstyle="butt")
    return ax.add_collection(bars, autolim=False)


def _speedups(s):
    return s.speedup["two_loops"], s.speedup["one_loop"]


def _set_bars(artist, values) -> None:
    artist.set_segments([[(1.0, k), (v, k)] for k, v in enumerate(values)])


def times_table(s) -> str:
    """Each version's time at m, measured or predicted, and the speed-ups."""
    rows = []
    for k, name in NAMES.items():
        how = "measured" if s.measured[k] else "predicted, not run"
        rows.append((name, f"{s.seconds[k] * 1e3:.4g} ms", how))
    cell = "<td style='padding:2px 10px;text-align:right'>{}</td>"
    head = "".join(
        f"<th scope='col' style='padding:2px 10px'>{h}</th>" for h in ("version", "time", "")
    )
    body = "".join("<tr>" + "".join(cell.format(v) for v in r) + "</tr>" for r in rows)
    return (
        f"<table aria-label='one gradient, m = {s.m:,}, d = {s.features}'><tr>{head}</tr>"
        f"{body}</table><div>vectorised: {s.speedup['two_loops']:.3g}× faster than two loops, "
        f"{s.speedup['one_loop']:.3g}× faster than one loop</div>"
    )


class LoopsVsVectorsExplorer(Explorer):
    """Time of one gradient against m for two loops, one loop and the vectorised Xᵀ(σ − y)/m,
    and the speed-up at the chosen m; the kernel measures what fits its budget.

    Example:
        >>> ex = LoopsVsVectorsExplorer(m=100, features=2)
        >>> ex.last_status.text.startswith("m = 100, d = 2: two loops")
        True
    """

    lessons = ("09_computation_graphs_and_backprop",)
    controls = {
        "m": Steps("examples m", 1000, options={f"{m:,}": m for m in M_STOPS}),
        "features": IntSlider("features d", 3, lo=FEATURES[0], hi=FEATURES[1]),
    }
    settings = {"budget": (MOVE_BUDGET, _check_budget)}
    model = loops_state
    describe = loops_status
    artists = {
        **{f"curve_{k}": _curve(k) for k in NAMES},
        "predicted": Line(
            0,
            _predicted,
            style=dict(
                ls="",
                marker="o",
                ms=10,
                mfc="none",
                mec="black",
                mew=1.2,
                label="predicted, not run",
            ),
        ),
        "chosen": VLine(0, lambda s: s.m, style=dict(color="#555555", lw=1, ls=":")),
        "bars": Custom(1, _speedups, create=_bars, draw=_set_bars),
        "even": VLine(1, lambda s: 1.0, static=True, style=dict(color="#555555", lw=1)),
    }
    readouts = {"times": times_table}
    figsize = (10.0, 3.9)

    def layout(self, figure):
        ax_t, ax_s = figure.subplots(1, 2, width_ratios=(1.7, 1))
        figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
        ax_t.set(xscale="log", yscale="log", xlim=(M_RANGE[0] / 1.5, M_RANGE[1] * 1.5))
        ax_t.set(xlabel="examples m", ylabel="seconds for one gradient", ylim=_SECONDS_LIMITS)
        ax_t.set_title("time against m (log–log)", fontsize=10)
        ax_s.set(xscale="log", xlim=_SPEEDUP_LIMITS, ylim=(1.6, -0.6))
        ax_s.set_yticks([0, 1], ["over\ntwo loops", "over\none loop"], fontsize=10)
        ax_s.tick_params(axis="y", length=0)
        ax_s.set_xlabel("speed-up from vectorising (×)")
        ax_s.set_title("at the chosen m (dotted line)", fontsize=10)
        for ax in (ax_t, ax_s):
            sparse_log_minor_ticks(ax)
        return ax_t, ax_s

    def decorate(self) -> None:
        names = [f"curve_{k}" for k in NAMES] + ["predicted"]
        self.axes[0].legend(handles=[self.artist(n) for n in names], loc="upper left",
                            fontsize=10, frameon=False)  # fmt: skip
