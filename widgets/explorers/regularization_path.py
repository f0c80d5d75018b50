"""Regularisation paths (lesson 07): all 30 WDBC weights against the penalty strength τ (L2, L1 or
elastic net) with the current τ marked and the count of non-zero weights; the training and
validation loss and accuracy against τ with the best τ marked; and early stopping, the same
trade-off in time: the validation loss along plain gradient-descent steps. The model is
:mod:`widgets.models.regularization_paths`."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.collections import LineCollection

from ..models.regularization_paths import (
    GD_STEPS,
    PENALTY_NAMES,
    TAUS,
    regularization_path_state,
    regularization_path_status,
)
from ._artists import Custom, Line, Text, VLine
from ._controls import Choice, IntSlider, LogSlider
from ._plots import sparse_log_minor_ticks
from ._spec import Explorer
from .style import DASHED, GUIDE, PALETTE, ROLE_COLORS

__all__ = ["RegularizationPathExplorer"]

_TRAIN = dict(color=PALETTE["blue"], lw=1.8)
_VALID = dict(color=PALETTE["vermillion"], lw=1.8, ls=DASHED)
_BEST = dict(ls="", marker="*", ms=14, color=ROLE_COLORS["best"], mec="black", mew=0.7)
_NOW = dict(ls="", marker="o", ms=7, color="white", mec="black", mew=1.6)
_WEIGHT = "#666666"


@functools.cache
def limits() -> dict[str, tuple[float, float]]:
    """y-limits that hold every penalty's curves (a penalty's change then only blits)."""
    states = [regularization_path_state(penalty=p) for p in PENALTY_NAMES]

    def span(*arrays, pad=0.06):
        lo = min(float(np.min(a)) for a in arrays)
        hi = max(float(np.max(a)) for a in arrays)
        return lo - pad * (hi - lo), hi + pad * (hi - lo)

    return {
        "coef": span(*(s.coef for s in states)),
        "loss": span(*(a for s in states for a in (s.train_loss, s.validation_loss))),
        "accuracy": span(
            *(a for s in states for a in (s.train_accuracy, s.validation_accuracy)), 1.0
        ),
        "gd": span(states[0].gd_train_loss[5:], states[0].gd_validation_loss[5:]),
    }


def _weights(ax):
    lines = LineCollection([], colors=_WEIGHT, linewidths=1.0, label="a weight wⱼ(τ)")
    return ax.add_collection(lines, autolim=False)


def _set_weights(artist, data) -> None:
    taus, coef = data
    artist.set_segments([np.column_stack([taus, column]) for column in coef.T])


def _curve(ax: int, values, style, label: str, answer: bool = False) -> Line:
    return Line(ax, lambda s: (s.taus, values(s)), answer=answer, style=style | dict(label=label))


def _mark(ax: int, xy, style, answer: bool = False, static: bool = False, **extra) -> Line:
    return Line(ax, lambda s: tuple([v] for v in xy(s)), answer=answer, static=static,
                style=style | extra)  # fmt: skip


def _now_line(ax: int) -> VLine:
    return VLine(ax, lambda s: s.tau, style=dict(color="black", lw=1.0, ls=":"))


class RegularizationPathExplorer(Explorer):
    """A penalty and its strength τ: the weights along the path, the training and validation
    scores against τ with the best τ, and early stopping along gradient-descent steps.

    Example:
        >>> ex = RegularizationPathExplorer(tau=0.1, penalty="l1")
        >>> "of 30 weights non-zero" in ex.last_status.text
        True
    """

    lessons = ("07_regularization_and_softmax",)
    controls = {
        "tau": LogSlider(
            "penalty strength τ", 1e-2, lo=float(TAUS[0]), hi=float(TAUS[-1]),
            steps_per_decade=12, fmt=".2g",
        ),
        "penalty": Choice("penalty", "l1", options={v: k for k, v in PENALTY_NAMES.items()}),
        "step": IntSlider("gradient-descent step t", 200, lo=0, hi=GD_STEPS, view_only=True),
    }  # fmt: skip
    model = regularization_path_state
    describe = regularization_path_status
    artists = {
        "weights": Custom(
            0, lambda s: (s.taus, s.coef), answer=True, create=_weights, draw=_set_weights
        ),
        "weights_now": Line(
            0, lambda s: (np.full(30, s.tau), s.weights), answer=True,
            style=dict(ls="", marker="o", ms=3.5, color="black"),
        ),
        "tau_weights": _now_line(0),
        # after the τ line, so its box covers the line
        "nonzero": Text(
            0, lambda s: (0.98, 0.95, f"{s.n_weights_nonzero} of 30 weights non-zero"),
            answer=True,
            style=dict(ha="right", va="top", fontsize=10, bbox=dict(fc="white", ec="0.6", lw=0.6)),
        ),
        "train_loss": _curve(1, lambda s: s.train_loss, _TRAIN, "training"),
        "validation_loss": _curve(1, lambda s: s.validation_loss, _VALID, "validation", True),
        "best_loss": _mark(1, lambda s: (s.best_tau, s.validation_loss[s.best_index]), _BEST,
                           True, label="lowest validation loss (best τ; best step)"),
        "train_loss_now": _mark(1, lambda s: (s.tau, s.current_train_loss), _NOW),
        "validation_loss_now": _mark(
            1, lambda s: (s.tau, s.current_validation_loss), _NOW, True
        ),
        "tau_loss": _now_line(1),
        "train_accuracy": _curve(2, lambda s: s.train_accuracy, _TRAIN, "training"),
        "validation_accuracy": _curve(
            2, lambda s: s.validation_accuracy, _VALID, "validation", True
        ),
        "best_accuracy": _mark(
            2, lambda s: (s.best_tau, s.validation_accuracy[s.best_index]), _BEST, True
        ),
        "train_accuracy_now": _mark(2, lambda s: (s.tau, s.current_train_accuracy), _NOW),
        "validation_accuracy_now": _mark(
            2, lambda s: (s.tau, s.current_validation_accuracy), _NOW, True
        ),
        "tau_accuracy": _now_line(2),
        "gd_train": Line(3, lambda s: (np.arange(GD_STEPS + 1), s.gd_train_loss), static=True,
                         style=_TRAIN | dict(label="training")),
        "gd_validation": Line(3, lambda s: (np.arange(GD_STEPS + 1), s.gd_validation_loss),
                              static=True, style=_VALID | dict(label="validation")),
        "gd_best": _mark(3, lambda s: (s.best_step, s.gd_validation_loss[s.best_step]), _BEST,
                         static=True, label="lowest validation loss"),
        "gd_now": _mark(3, lambda s: (s.step, s.step_validation_loss), _NOW),
        "gd_step": VLine(3, lambda s: s.step, style=dict(color="black", lw=1.0, ls=":")),
    }  # fmt: skip
    figsize = (10.5, 6.4)

    def layout(self, figure):
        axes = figure.subplots(2, 2).ravel()
        figure.subplots_adjust(left=0.08, right=0.98, bottom=0.09, top=0.87, hspace=0.42,
                               wspace=0.22)  # fmt: skip
        ax_w, ax_loss, ax_acc, ax_gd = axes
        lim = limits()
        for ax in (ax_w, ax_loss, ax_acc):
            ax.set_xscale("log")
            ax.set_xlim(float(TAUS[0]), float(TAUS[-1]))
            ax.set_xlabel("penalty strength τ")
        sparse_log_minor_ticks(ax_w, ax_loss, ax_acc)
        ax_w.set(ylim=lim["coef"], ylabel="weight wⱼ")
        ax_w.axhline(0, color=GUIDE, lw=1.0, zorder=0.5)
        ax_w.set_title("the 30 weights along the path", fontsize=10)
        ax_loss.set(ylim=lim["loss"], ylabel="mean NLL (unpenalised)")
        ax_loss.set_title("loss against τ", fontsize=10)
        ax_acc.set(ylim=lim["accuracy"], ylabel="accuracy")
        ax_acc.set_title("accuracy against τ", fontsize=10)
        ax_gd.set(xlim=(0, GD_STEPS), ylim=lim["gd"], xlabel="gradient-descent step t")
        ax_gd.set(ylabel="mean NLL")
        ax_gd.set_title("early stopping: no penalty, plain GD", fontsize=10)
        return tuple(axes)

    def decorate(self) -> None:
        # one legend for the four panels, above them, where no moving line crosses it
        names = ("train_loss", "validation_loss", "best_loss")
        self.figure.legend(
            handles=[self.artist(n) for n in names], loc="upper center", ncol=3, fontsize=10,
            frameon=False, bbox_to_anchor=(0.5, 1.0),
        )  # fmt: skip
        self.artist("nonzero").set_transform(self.axes[0].transAxes)
