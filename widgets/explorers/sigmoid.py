"""Sigmoid explorer: σ(z), its derivative σ(1 − σ), the numeric derivative's error, and saturation.

Model: pure functions below (no plotting). View: :class:`SigmoidView` owns the figure. Panel:
:class:`SigmoidExplorer` owns the sliders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..objectives import sigmoid
from . import _controls as ctl
from ._figure import BlitManager, new_figure
from ._panel import Explorer, Question, Status
from ._plots import sparse_log_minor_ticks
from .style import OKABE_ITO, ROLE_COLORS

__all__ = ["SigmoidExplorer", "SigmoidState", "sigmoid_state"]

Z_RANGE = (-8.0, 8.0)
H_RANGE = (1e-13, 1e-1)
_Z = np.linspace(*Z_RANGE, 401)
_H = np.logspace(np.log10(H_RANGE[0]), np.log10(H_RANGE[1]), 121)


def central_difference(f, z: float, h: np.ndarray | float) -> np.ndarray:
    """(f(z + h) − f(z − h)) / 2h: error O(h²) from truncation plus O(ε/h) from rounding."""
    h = np.asarray(h, dtype=float)
    return (f(z + h) - f(z - h)) / (2.0 * h)


@dataclass(frozen=True)
class SigmoidState:
    """Everything the sigmoid view draws, computed from (z, h, y)."""

    z: float
    h: float
    y: int
    s: float  # σ(z)
    slope: float  # σ'(z) = σ(1 − σ)
    numeric: float  # central difference at h
    error_at_h: float
    best_h: float  # h with the smallest error on the grid
    errors: np.ndarray  # |numeric − exact| over _H
    grad_ce: np.ndarray  # ∂(cross-entropy)/∂z = σ − y over _Z
    grad_se: np.ndarray  # ∂(½(σ − y)²)/∂z = (σ − y) σ (1 − σ) over _Z


def sigmoid_state(z: float, h: float, y: int) -> SigmoidState:
    """The sigmoid explorer's data for a point ``z``, a difference step ``h`` and a label ``y``."""
    s = float(sigmoid(z))
    slope = s * (1.0 - s)
    numeric = central_difference(sigmoid, z, _H)
    errors = np.abs(numeric - slope)
    num_h = float(central_difference(sigmoid, z, h))
    sz = sigmoid(_Z)
    grad_ce = sz - y
    grad_se = (sz - y) * sz * (1.0 - sz)
    positive = np.where(errors > 0, errors, np.inf)
    return SigmoidState(
        z=z,
        h=h,
        y=y,
        s=s,
        slope=slope,
        numeric=num_h,
        error_at_h=abs(num_h - slope),
        best_h=float(_H[np.argmin(positive)]),
        errors=errors,
        grad_ce=grad_ce,
        grad_se=grad_se,
    )


class SigmoidView:
    """Three panels: σ with its tangent; the difference error against h; loss gradients in z."""

    def __init__(self, figsize: tuple[float, float] = (10.5, 3.4)) -> None:
        self.figure = fig = new_figure(figsize)
        ax_s, ax_e, ax_g = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.16, top=0.88, wspace=0.3)
        self.axes = (ax_s, ax_e, ax_g)

        sz = sigmoid(_Z)
        ax_s.plot(_Z, sz, color=ROLE_COLORS["curve"], lw=2, label="σ(z)")
        ax_s.plot(
            _Z, sz * (1 - sz), color=OKABE_ITO["bluish green"], lw=1.5, label="σ′(z) = σ(1−σ)"
        )
        ax_s.set(xlim=Z_RANGE, ylim=(-0.05, 1.05), xlabel="z", title="σ(z) and its tangent")
        ax_s.legend(loc="upper left", fontsize=8)
        self.tangent = ax_s.plot([], [], color=ROLE_COLORS["tangent"], lw=1.5, ls="--")[0]
        self.point = ax_s.plot([], [], "o", color=ROLE_COLORS["tangent"], ms=6)[0]
        self.slope_point = ax_s.plot([], [], "o", color=OKABE_ITO["bluish green"], ms=5)[0]

        ax_e.set(
            xscale="log",
            yscale="log",
            xlim=H_RANGE,
            ylim=(1e-17, 1.0),
            xlabel="step h",
            ylabel="|numeric − exact|",
            title="Central difference error",
        )
        sparse_log_minor_ticks(ax_e)
        self.error_line = ax_e.plot([], [], color=OKABE_ITO["blue"], lw=1.5)[0]
        self.h_marker = ax_e.plot([], [], "o", color=OKABE_ITO["vermillion"], ms=6)[0]

        ax_g.set(
            xlim=Z_RANGE,
            ylim=(-1.1, 1.75),
            xlabel="z",
            ylabel="∂loss/∂z",
            title="Loss gradient in z",
        )
        ax_g.axhline(0, color="#999999", lw=0.8)
        self.ce_line = ax_g.plot(
            [], [], color=OKABE_ITO["blue"], lw=2, label="cross-entropy: σ − y"
        )[0]
        self.se_line = ax_g.plot(
            [], [], color=OKABE_ITO["orange"], lw=2, label="squared error: (σ − y)σ(1 − σ)"
        )[0]
        ax_g.legend(loc="upper center", fontsize=7.5)

        self.blit = BlitManager(fig)
        self.blit.add(
            self.tangent,
            self.point,
            self.slope_point,
            self.error_line,
            self.h_marker,
            self.ce_line,
            self.se_line,
        )
        self.blit.full_redraw()

    def set_revealed(self, revealed: bool) -> None:
        """Hide the answers (tangent, error curve, gradients) until the learner commits."""
        for artist in (
            self.tangent,
            self.slope_point,
            self.error_line,
            self.h_marker,
            self.ce_line,
            self.se_line,
        ):
            artist.set_visible(revealed)
        self.blit.update()

    def update(self, st: SigmoidState) -> None:
        half = 2.5
        zt = np.array([st.z - half, st.z + half])
        self.tangent.set_data(zt, st.s + st.slope * (zt - st.z))
        self.point.set_data([st.z], [st.s])
        self.slope_point.set_data([st.z], [st.slope])
        self.error_line.set_data(_H, np.where(st.errors > 0, st.errors, np.nan))
        self.h_marker.set_data([st.h], [max(st.error_at_h, 1e-17)])
        self.ce_line.set_data(_Z, st.grad_ce)
        self.se_line.set_data(_Z, st.grad_se)
        self.blit.update()


class SigmoidExplorer(Explorer):
    """σ(z), σ′ = σ(1 − σ) and the tangent at z; the central difference beside the exact
    derivative with its error on a log scale; the gradient of cross-entropy vs squared error.

    Example:
        >>> ex = SigmoidExplorer(z=2.0)
        >>> ex.set(h=1e-4)
        >>> "σ′(2)" in ex.last_status.text
        True
    """

    lessons = ("02_sigmoid_derivative",)

    def __init__(
        self, *, z: float = 0.5, h: float = 1e-3, y: int = 1, question: Question | None = None
    ) -> None:
        controls = {
            "z": ctl.float_slider("z", z, *Z_RANGE, 0.05),
            "h": ctl.log_slider("step h", h, *H_RANGE, steps_per_decade=4, fmt=".0e"),
            "y": ctl.choice("label y", [("y = 1", 1), ("y = 0", 0)], y),
        }
        self.view = self.make_view()
        super().__init__(controls, self.view.figure, question=question)

    def make_view(self) -> SigmoidView:
        return SigmoidView()

    def render(self, changed: frozenset[str]) -> Status:
        st = sigmoid_state(self.value("z"), self.value("h"), self.value("y"))
        self.state = st
        self.view.update(st)
        return Status(
            f"σ({st.z:.3g}) = {st.s:.4f}; σ′({st.z:.3g}) = σ(1 − σ) = {st.slope:.6f}; "
            f"central difference with h = {st.h:.0e} gives {st.numeric:.6f} "
            f"(error {st.error_at_h:.1e}; smallest error near h = {st.best_h:.0e})",
            "info",
        )
