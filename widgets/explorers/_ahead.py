"""Running ahead: while a slider is dragged, the settings of its next positions are computed
together with the one just set (:meth:`RunAhead.run_ahead`), so the next moves find them ready."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as ipw

from ._sliders import GridFloatSlider, GridLogSlider, canonical

__all__ = ["AHEAD", "RunAhead", "next_positions"]

AHEAD = 4  # slider positions offered beyond the one just set


def next_positions(widget: ipw.Widget, value: float, before: float, n: int = AHEAD) -> list:
    """``value``, then the next ``n`` positions of a slider's grid in the direction it moved
    from ``before``, as the slider sends them (its grid in exponents for a log slider)."""
    log = isinstance(widget, ipw.FloatLogSlider)
    here = round(((math.log(value, widget.base) if log else value) - widget.min) / widget.step)
    way, slack = (1 if value > before else -1), 1e-9 * widget.step
    positions = [value]
    for j in range(1, n + 1):
        x = widget.min + (here + way * j) * widget.step
        if not widget.min - slack <= x <= widget.max + slack:
            break
        positions.append(canonical(widget.base**x if log else x))
    return positions


class RunAhead:
    """Mixin of :class:`~._spec.Explorer`: offers :meth:`run_ahead` a dragged slider's next
    positions when it moved to a setting whose state is not cached."""

    def run_ahead(self, name: str, positions: list) -> None:
        """Make ready what the slider ``name`` will need next: ``positions`` are the value it
        was just moved to, then the next ones in the direction it moves (as the slider will send
        them). Called before that value's state is computed, only when it is not cached; an
        explorer whose model can compute several settings together (runs vectorised across
        learning rates) computes them all at once here. Does nothing by default."""

    def _look_ahead(self, name: str, before: Any) -> None:
        widget = self.controls.get(name)
        if type(self).run_ahead is RunAhead.run_ahead or not isinstance(before, float):
            return
        if not isinstance(widget, GridFloatSlider | GridLogSlider):
            return
        if self._key(self._values) not in self._cache:
            self.run_ahead(name, next_positions(widget, self._values[name], before))
