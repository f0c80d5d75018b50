"""Slider-driven explorers: ipympl figures created once and updated in place.

Every explorer is an ``ipw.VBox`` subclass with the same interface: ``explorer.controls``
(name -> control), ``explorer.figure`` (the matplotlib Figure), ``explorer.status`` (what happened,
in words), ``explorer.set(**values)``, and an optional predict-then-run :class:`Question`.
"""

from __future__ import annotations

from ..models import Question, Status
from . import _alt
from ._alt import describe
from ._figure import BlitManager, backend_name, in_kernel, new_figure
from ._spec import Explorer
from .batch_size import BatchSizeExplorer
from .beyond_a_line import BeyondALineExplorer
from .broadcasting import BroadcastingExplorer
from .calibration import CalibrationExplorer
from .computation_graph import ComputationGraphExplorer
from .decision_boundary import DecisionBoundaryExplorer
from .descent1d import Descent1DExplorer
from .fit_by_hand import FitByHandExplorer
from .imbalance import ImbalanceExplorer
from .landscape import LandscapeRaceExplorer
from .learning_rate import LearningRateExplorer
from .loops_vs_vectors import LoopsVsVectorsExplorer
from .lr_range import LRRangeTestExplorer
from .sigmoid import SigmoidExplorer
from .style import OKABE_ITO, OPTIMIZER_COLORS, color_for, course_style
from .taylor_newton import TaylorNewtonExplorer
from .threshold import ThresholdExplorer

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
    ThresholdExplorer,
    ImbalanceExplorer,
    CalibrationExplorer,
    ComputationGraphExplorer,
    LoopsVsVectorsExplorer,
    BroadcastingExplorer,
    BeyondALineExplorer,
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
    "course_style",
    "describe",
    "in_kernel",
    "new_figure",
    *(cls.__name__ for cls in _CLASSES),
]

if in_kernel():  # the lessons' static figures get text alternatives and the course's style
    _alt.install()
    course_style()
