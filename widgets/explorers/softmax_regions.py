"""Softmax regions (lesson 07): three penguin species in two standardised bill measurements; the
plane shaded by the most probable species (lighter where its probability is lower) for softmax
regression and, beside it, for one-vs-rest, both trained by gradient descent; a step and a
learning rate drive the run, and a shift c added to every class's weights changes the weights and
nothing else. The model is :mod:`widgets.models.softmax_regions`."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

from ..models.softmax_regions import (
    LEARNING_RATES,
    SHIFT_RANGE,
    STEPS,
    softmax_regions_state,
    softmax_regions_status,
)
from ._artists import Custom, Line, Text, VLine
from ._controls import IntSlider, LogSlider, Slider
from ._spec import Explorer
from .style import DASHED, PALETTE

__all__ = ["SoftmaxRegionsExplorer", "region_colours"]

#: one colour and one marker per species, so colour is never the only cue
SPECIES_COLORS = (PALETTE["blue"], PALETTE["vermillion"], PALETTE["bluish green"])
SPECIES_MARKERS = ("o", "^", "s")
_RGB = np.array([to_rgb(c) for c in SPECIES_COLORS])
_GREY = np.full(3, 0.85)
_SOFTMAX, _OVR = "#222222", PALETTE["blue"]
SPECIES = ("Adélie", "Chinstrap", "Gentoo")


def region_colours(regions: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """An RGBA picture (bytes) of the regions: each point in its species' colour mixed with
    white, from 8 % of the colour where the most probable class has p = 1/3 to 38 % where p = 1
    (grey where a probability is not finite). Bytes, so that matplotlib draws it without
    converting it first."""
    top = np.take_along_axis(probabilities, regions[..., None], axis=-1)[..., 0]
    ok = np.isfinite(top)
    amount = 0.08 + 0.3 * (np.where(ok, top, 1.0) - 1.0 / 3.0) * 1.5
    rgb = 1.0 - amount[..., None] * (1.0 - _RGB[regions])
    rgb[~ok] = _GREY
    rgba = np.full((*regions.shape, 4), 255, dtype=np.uint8)
    rgba[..., :3] = np.rint(255.0 * rgb)
    return rgba


def _picture(ax):
    blank = np.full((2, 2, 4), 255, np.uint8)
    return ax.imshow(blank, origin="lower", interpolation="nearest", aspect="auto")


def _regions(ax: int, which: str) -> Custom:
    def data(s):
        return region_colours(getattr(s, f"{which}regions"), getattr(s, f"{which}probabilities"))

    return Custom(ax, data, create=_picture, draw=lambda a, d: a.set_data(d))


def _species(ax: int, k: int, name: str) -> Line:
    style = dict(ls="", marker=SPECIES_MARKERS[k], ms=4.5, color=SPECIES_COLORS[k], mec="black",
                 mew=0.4, label=name)  # fmt: skip
    # blitted, not static: drawn over the regions, which are blitted too; a black edge keeps
    # each marker at least 3:1 against the tint of its own region
    return Line(ax, lambda s: (s.X[s.y == k, 0], s.X[s.y == k, 1]), style=style)


def weights_table(st) -> str:
    """Softmax's weights wₖ + c and biases bₖ, one species a row, as an HTML table."""
    cell = "<td style='padding:1px 8px;text-align:right'>{}</td>"
    head = "".join(
        f"<th scope='col' style='padding:1px 8px'>{h}</th>"
        for h in ("species", "w₁ + c₁", "w₂ + c₂", "b")
    )
    rows = "".join(
        f"<tr><th scope='row' style='padding:1px 8px;text-align:left'>{name}</th>"
        + "".join(cell.format(f"{v:.3f}") for v in (*w, b))
        + "</tr>"
        for name, w, b in zip(SPECIES, st.weights, st.biases, strict=True)
    )
    return f"<table aria-label='softmax weights with the shift c'><tr>{head}</tr>{rows}</table>"


def shift_label(st) -> tuple[float, float, str]:
    c = st.shift_vector
    return 0.97, 0.96, f"weights shifted by c = ({c[0]:+.2f}, {c[1]:+.2f})"


class SoftmaxRegionsExplorer(Explorer):
    """Gradient descent trains softmax and one-vs-rest on three penguin species: their decision
    regions with probability shading, their losses by step, and a shift of every class's weights
    that moves no region.

    Example:
        >>> ex = SoftmaxRegionsExplorer(step=100, shift=2.0)
        >>> "changed no probability" in ex.last_status.text
        True
    """

    lessons = ("07_regularization_and_softmax",)
    controls = {
        "step": IntSlider("gradient-descent step t", 50, lo=0, hi=STEPS, view_only=True),
        "learning_rate": LogSlider(
            # the default off the track's middle, so that a key press and a drag land apart
            "learning rate α", float(LEARNING_RATES[10]), lo=float(LEARNING_RATES[0]),
            hi=float(LEARNING_RATES[-1]),
            steps_per_decade=6, fmt=".3g",
        ),
        "shift": Slider(
            "shift c along (1, 1)", 0.0, lo=SHIFT_RANGE[0], hi=SHIFT_RANGE[1], step=0.5, fmt=".1f"
        ),
    }  # fmt: skip
    model = softmax_regions_state
    describe = softmax_regions_status
    artists = {
        "softmax_regions": _regions(0, ""),
        "ovr_regions": _regions(1, "ovr_"),
        **{
            f"species_{ax}_{k}": _species(ax, k, name)
            for ax in (0, 1)
            for k, name in enumerate(SPECIES)
        },
        "loss": Line(2, lambda s: (np.arange(STEPS + 1), s.loss_curve), answer=True,
                     style=dict(color=_SOFTMAX, lw=1.8, label="softmax")),
        "ovr_loss": Line(2, lambda s: (np.arange(STEPS + 1), s.ovr_loss_curve), answer=True,
                         style=dict(color=_OVR, lw=1.8, ls=DASHED,
                                    label="one-vs-rest (mean of 3)")),
        "loss_now": Line(2, lambda s: ([s.step], [s.loss]), answer=True,
                         style=dict(ls="", marker="o", ms=7, color="white", mec="black", mew=1.6)),
        "step_now": VLine(2, lambda s: s.step, style=dict(color="black", lw=1.0, ls=":")),
        # last on its axes, so drawn over the step's line, which a step's move redraws
        "shift": Text(2, shift_label, style=dict(ha="right", va="top", fontsize=10,
                                                 bbox=dict(fc="white", ec="0.6", lw=0.6))),
    }  # fmt: skip
    readouts = {"weights": weights_table}
    figsize = (10.5, 4.0)
    columns = 3

    def layout(self, figure):
        axes = figure.subplots(1, 3, width_ratios=(1, 1, 1.1))
        figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.8, wspace=0.3)
        ax_soft, ax_ovr, ax_loss = axes
        ax_soft.set_title("softmax", fontsize=10)
        ax_ovr.set_title("one-vs-rest (3 sigmoids, normalised)", fontsize=10)
        ax_ovr.tick_params(labelleft=False)
        ax_loss.set(xlim=(0, STEPS), ylim=(0, 1.3), xlabel="gradient-descent step t")
        ax_loss.set_ylabel("training loss (mean NLL)")
        return tuple(axes)

    def decorate(self) -> None:
        self.artist("shift").set_transform(self.axes[2].transAxes)
        species = [self.artist(f"species_0_{k}") for k in range(3)]
        self.axes[0].legend(
            handles=species, loc="lower left", bbox_to_anchor=(0.0, 1.07), ncol=3, fontsize=10,
            frameon=False, columnspacing=1.0, handletextpad=0.3,
        )  # fmt: skip
        self.axes[2].legend(
            handles=[self.artist("loss"), self.artist("ovr_loss")], loc="lower left",
            bbox_to_anchor=(0.0, 1.0), fontsize=10, frameon=False, ncol=1,
        )  # fmt: skip

    def draw_frame(self, st) -> None:
        extent = (st.x1[0], st.x1[-1], st.x2[0], st.x2[-1])
        for ax in self.axes[:2]:
            ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="bill length (standardised)")
        for name in ("softmax_regions", "ovr_regions"):
            self.artist(name).set_extent(extent)
        self.axes[0].set_ylabel("bill depth (standardised)")
