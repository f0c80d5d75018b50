"""Fitting logistic regression by hand on one feature (lesson 01): sliders w and b over one
standardised WDBC feature. The data with the curve σ(wx + b); each tumour's likelihood
p(yᵢ | xᵢ) = ŷᵢ^yᵢ (1 − ŷᵢ)^(1−yᵢ) as a bar; their log-likelihood; and where (w, b) sits on the
loss surface, beside the best fit. The model is :mod:`widgets.models.fit_by_hand`."""

from __future__ import annotations

from matplotlib.collections import LineCollection

from ..data import WDBC_FEATURES
from ..models._text import num
from ..models.fit_by_hand import B_RANGE, W_RANGE, fit_state, fit_status
from ._artists import Custom, Line, VLine
from ._controls import Choice, Slider
from ._plots import replace_contours
from ._spec import Explorer
from .style import ROLE_COLORS, ROLE_MARKERS

__all__ = ["FitByHandExplorer"]

LESSON = "01_logistic_regression_mle"
FIT_YLIM = (-0.12, 1.12)
_CLASS = {c: ROLE_COLORS[f"class {c}"] for c in (0, 1)}


def _points(label: int, name: str) -> Line:
    return Line(
        0,
        lambda s: s.points(label),
        static=True,
        style=dict(
            ls="",
            marker=ROLE_MARKERS[f"class {label}"],
            ms=3.5,
            color=_CLASS[label],
            alpha=0.8,
            mew=0,
            label=name,
        ),
    )


def _bars(ax):
    bars = LineCollection([], colors=[_CLASS[0], _CLASS[1]], linewidths=1.0, alpha=0.8)
    return ax.add_collection(bars, autolim=False)


def _ll_number(ax):
    # Only the number is redrawn per update (text costs ~0.1 ms a glyph): the words are in the
    # background (``layout``, the axes' first text), and the number is anchored to their end.
    return ax.annotate(
        "", xy=(1.0, 0.0), xycoords=ax.texts[0], ha="left", va="bottom", fontsize=10, weight="bold"
    )


class FitByHandExplorer(Explorer):
    """Fit σ(w x + b) to one WDBC feature by hand and watch the likelihood.

    Example:
        >>> ex = FitByHandExplorer(w=3.64, b=-0.64)
        >>> ex.last_status.text.endswith("you are on the maximum")
        True
    """

    lessons = (LESSON,)
    controls = {
        "w": Slider("weight w", 1.0, lo=W_RANGE[0], hi=W_RANGE[1], step=0.05, fmt=".2f"),
        "b": Slider("bias b", 0.0, lo=B_RANGE[0], hi=B_RANGE[1], step=0.05, fmt=".2f"),
        "feature": Choice("feature x", "mean radius", options=WDBC_FEATURES),
    }
    model = fit_state
    describe = fit_status
    artists = {
        "points_0": _points(0, "benign (y = 0)"),
        "points_1": _points(1, "malignant (y = 1)"),
        "curve": Line(
            0,
            lambda s: (s.x_curve, s.p_curve),
            style=dict(color=ROLE_COLORS["curve"], lw=2.2, label="σ(wx + b)"),
        ),
        "threshold": VLine(
            0,
            lambda s: s.threshold if s.threshold_shown else 0.0,
            visible=lambda s: s.threshold_shown,
            style=dict(color=ROLE_COLORS["curve"], lw=1, ls=":", label="σ = ½ at x = −b/w"),
        ),
        "bars": Custom(1, lambda s: s.bars, create=_bars, draw=lambda a, d: a.set_segments(d)),
        "ll_text": Custom(
            1,
            lambda s: num(s.log_likelihood, ".1f"),
            create=_ll_number,
            draw=lambda a, text: a.set_text(text),
        ),
        "best": Line(
            2,
            lambda s: ([s.best_w], [s.best_b]),
            answer=True,
            style=dict(
                ls="",
                marker="*",
                color=ROLE_COLORS["best"],
                ms=14,
                mec="black",
                mew=0.7,
                label="best fit (maximum likelihood)",
            ),
        ),
        "marker": Line(
            2,
            lambda s: ([s.w], [s.b]),
            style=dict(
                ls="", marker="o", color="white", mec="black", mew=1.5, ms=8, label="your (w, b)"
            ),
        ),
    }
    redraw_on = ("feature",)
    figsize = (10.0, 5.2)
    columns = 3
    _contours = ()

    def layout(self, figure):
        gs = figure.add_gridspec(
            2,
            2,
            width_ratios=(1.3, 1.0),
            left=0.07,
            right=0.975,
            bottom=0.1,
            top=0.9,
            wspace=0.24,
            hspace=0.42,
        )
        ax_fit = figure.add_subplot(gs[0, 0])
        ax_lik = figure.add_subplot(gs[1, 0])
        ax_surf = figure.add_subplot(gs[:, 1])
        ax_fit.set(ylim=FIT_YLIM, ylabel="P(malignant | x)", yticks=[0, 0.5, 1])
        ax_lik.set(ylim=(0.0, 1.05), ylabel="p(yᵢ | xᵢ)")
        ax_lik.text(
            0.0,
            1.04,
            "log-likelihood Σᵢ log p(yᵢ | xᵢ) = ",
            transform=ax_lik.transAxes,
            ha="left",
            va="bottom",
            fontsize=10,
        )
        ax_surf.set_title("mean NLL over (w, b)", fontsize=10)
        return ax_fit, ax_lik, ax_surf

    def decorate(self) -> None:
        names = ("points_0", "points_1", "curve", "threshold")
        self.axes[0].legend(
            handles=[self.artist(n) for n in names],
            loc="lower left",
            bbox_to_anchor=(0.0, 1.02),
            ncol=4,
            fontsize=10,
            frameon=False,
            handletextpad=0.3,
            columnspacing=1.0,
            borderaxespad=0.0,
        )
        self.axes[2].legend(
            handles=[self.artist("best"), self.artist("marker")],
            loc="upper left",
            fontsize=10,
            framealpha=0.85,
        )

    def draw_frame(self, st) -> None:
        ax_fit, ax_lik, ax_surf = self.axes
        xlim = (float(st.x_curve[0]), float(st.x_curve[-1]))
        ax_fit.set_xlim(xlim)
        ax_lik.set(xlim=xlim, xlabel=f"{st.feature} (standardised)")
        self._contours = replace_contours(
            ax_surf, self._contours, st.loss, bounds=(W_RANGE, B_RANGE), resolution=101
        )
        ax_surf.set(xlabel=f"w (weight of {st.feature})", ylabel="b (bias)")
