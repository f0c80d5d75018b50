"""The "loops versus vectors" explorer's model: how long the logistic-regression gradient takes
with two loops, one loop and none, measured in the running kernel.

Times come from one :class:`widgets.vectorization.GradientTimer` kept for the process, so each
(version, m, p) is measured once and a figure redrawn later shows the same numbers. A curve point
is measured when its predicted time is under :data:`CURVE_BUDGET`; the learner's chosen m gets
the larger :data:`BUDGET`; anything predicted beyond is extrapolated and marked as such, so no
control keeps the kernel busy for long. The first visit to a number of features measures the
small runs of the three curves (a few tenths of a second); after that a move costs at most the
one run at the chosen m.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .._validate import check_int, check_real
from ..vectorization import GRADIENTS, GradientTimer, Timing
from . import Question, Status

__all__ = [
    "BUDGET",
    "CURVE_BUDGET",
    "FEATURES",
    "M_GRID",
    "M_RANGE",
    "QUESTIONS",
    "LoopsState",
    "loops_state",
    "loops_status",
]

#: the range of m (examples) and of p (features)
M_RANGE = (10, 100_000)
FEATURES = (1, 10)
#: the curves' points: half decades, 10 … 100 000
M_GRID = tuple(round(10 ** (k / 2)) for k in range(2, 11))
#: the longest run for the chosen m, and for a point of a curve (seconds)
BUDGET = 0.3
CURVE_BUDGET = 0.01
#: the versions, in the lesson's order, and how they are named in words
NAMES = {"two_loops": "two loops", "one_loop": "one loop", "vectorized": "vectorised"}


@functools.cache
def _timer() -> GradientTimer:
    return GradientTimer(budget=BUDGET, seed=0)


@dataclass(frozen=True, eq=False)
class LoopsState:
    """Times of the three gradient versions for the explorer's m and p.

    Attributes:
        m, features: the controls; budget: the longest run allowed at m.
        curves: for each version (keys of ``GRADIENTS``), a :class:`Timing` over ``M_GRID``
            and the chosen m, each point measured or extrapolated.
        seconds: for each version, its time at the chosen m.
        measured: for each version, whether that time was measured (else extrapolated).
        speedup: for each loop version, its time at m over the vectorised one's.
        disagreement: the largest difference between the three gradients on the first
            min(m, 100) examples: they compute the same numbers.
    """

    m: int
    features: int
    budget: float
    curves: dict[str, Timing]
    seconds: dict[str, float]
    measured: dict[str, bool]
    speedup: dict[str, float]
    disagreement: float


def loops_state(m: int = 1000, features: int = 2, budget: float = BUDGET) -> LoopsState:
    """Time the three versions of the gradient on m examples with p features.

    Args:
        m: examples, 10 … 100 000.
        features: p, 1 … 10.
        budget: the longest run allowed at the chosen m, in seconds, in (0, ``BUDGET``]; a
            version predicted to take longer is extrapolated instead (an explorer gives less,
            so that a move with two loop versions to time stays well under ``BUDGET``).

    Example:
        >>> s = loops_state(m=1000, features=2)
        >>> sorted(s.curves), s.curves["vectorized"].m[[0, -1]].tolist()
        (['one_loop', 'two_loops', 'vectorized'], [10, 100000])
        >>> bool(s.disagreement < 1e-12)  # the three compute the same gradient
        True
    """
    m = check_int("m", m, low=M_RANGE[0], high=M_RANGE[1])
    p = check_int("features", features, low=FEATURES[0], high=FEATURES[1])
    budget = check_real("budget", budget, low=0.0, high=BUDGET, low_open=True)
    timer = _timer()
    curves, seconds, measured = {}, {}, {}
    for method in GRADIENTS:
        timer.curve(method, p, M_GRID, budget=min(budget, CURVE_BUDGET))  # cheap points first
        seconds[method], measured[method] = timer.time(method, m, p, budget=budget)
        points = sorted({*M_GRID, m})
        curves[method] = timer.curve(method, p, points, budget=min(budget, CURVE_BUDGET))
    small = timer.data(min(m, 100), p)
    results = [np.r_[fn(*small)] for fn in GRADIENTS.values()]
    disagreement = max(float(np.abs(r - results[-1]).max()) for r in results)
    vec = seconds["vectorized"]
    return LoopsState(
        m=m,
        features=p,
        budget=budget,
        curves=curves,
        seconds=seconds,
        measured=measured,
        speedup={k: seconds[k] / vec for k in ("two_loops", "one_loop")},
        disagreement=disagreement,
    )


def _time(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.3g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def loops_status(state: LoopsState) -> Status:
    """The status line: each version's time at m, measured or predicted, and the speed-ups.

    Example:
        >>> loops_status(loops_state(m=10, features=1)).text.startswith("m = 10, p = 1: two loops")
        True
    """
    parts = [
        f"{NAMES[k]} {_time(state.seconds[k])}"
        + ("" if state.measured[k] else " (predicted, not run)")
        for k in GRADIENTS
    ]
    speed = (
        f"speed-up from vectorising {state.speedup['two_loops']:.3g}× over two loops, "
        f"{state.speedup['one_loop']:.3g}× over one loop"
    )
    return Status(f"m = {state.m:,}, p = {state.features}: {', '.join(parts)}; {speed}", "info")


def _speedup_answer(state: LoopsState) -> tuple[float, str]:
    how = "measured" if state.measured["two_loops"] else "predicted from smaller runs"
    return state.speedup["two_loops"], (
        f"Two loops take {_time(state.seconds['two_loops'])} ({how}), the vectorised gradient "
        f"{_time(state.seconds['vectorized'])}: the loops pay Python's cost per multiplication, "
        f"m·p = {state.m * state.features:,} times, where X.T @ dz runs in compiled code."
    )


def _faster_loop_answer(state: LoopsState) -> tuple[str, str]:
    two, one = state.seconds["two_loops"], state.seconds["one_loop"]
    faster = "two loops" if two < one else "one loop"
    return faster, (
        f"At p = {state.features}: two loops {_time(two)}, one loop {_time(one)}. Each NumPy call "
        f"costs about a microsecond before it does any work, so replacing a loop over only "
        f"{state.features} feature{'s' if state.features != 1 else ''} by NumPy calls "
        + ("costs more than it saves" if faster == "two loops" else "pays off")
        + "; removing the loop over the m examples is what counts."
    )


QUESTIONS = (
    Question(
        "How many times faster than two loops is the vectorised gradient at this m?",
        _speedup_answer,
        rel_tol=0.5,
    ),
    Question(
        "Which is faster at this number of features: two loops or one loop?",
        _faster_loop_answer,
        choices=("two loops", "one loop"),
    ),
)
