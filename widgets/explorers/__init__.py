"""Slider-driven explorers: ipympl figures created once and updated in place.

Every explorer is an ``ipw.VBox`` subclass with the same interface: ``explorer.controls``
(name -> control), ``explorer.figure`` (the matplotlib Figure), ``explorer.status`` (what happened,
in words), ``explorer.set(**values)``, and an optional predict-then-run :class:`Question`.
"""

from __future__ import annotations

from ._figure import BlitManager, backend_name, in_kernel, new_figure
from ._panel import Explorer, Question, Status
from .batch_size import BatchSizeExplorer
from .descent1d import Descent1DExplorer
from .fit_by_hand import DecisionBoundaryExplorer, FitByHandExplorer
from .landscape import LandscapeRaceExplorer
from .learning_rate import LearningRateExplorer, LRRangeTestExplorer
from .sigmoid import SigmoidExplorer
from .style import OKABE_ITO, OPTIMIZER_COLORS, color_for
from .taylor_newton import TaylorNewtonExplorer

# one line per explorer module (keep this list sorted by lesson)

_CLASSES: tuple[type[Explorer], ...] = (
    FitByHandExplorer,
    DecisionBoundaryExplorer,
    SigmoidExplorer,
    Descent1DExplorer,
    LearningRateExplorer,
    LRRangeTestExplorer,
    BatchSizeExplorer,
    LandscapeRaceExplorer,
    TaylorNewtonExplorer,
)

#: every explorer class -> the lessons (notebook stems) that show it
EXPLORERS: dict[type[Explorer], tuple[str, ...]] = {cls: cls.lessons for cls in _CLASSES}

__all__ = [
    "EXPLORERS",
    "OKABE_ITO",
    "OPTIMIZER_COLORS",
    "BlitManager",
    "Explorer",
    "Question",
    "Status",
    "backend_name",
    "color_for",
    "in_kernel",
    "new_figure",
    *(cls.__name__ for cls in _CLASSES),
]
