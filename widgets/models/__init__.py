"""The explorers' model layer: pure functions from control values to what a figure shows.

Every explorer has a module here, free of matplotlib and ipywidgets (the purity test in
``tests/test_project.py`` holds it to that), with

- a frozen dataclass, the *state*: everything the explorer's figure and status line show for one
  setting of its controls;
- a *state function* whose keyword arguments are the explorer's control names, e.g.
  ``sigmoid_state(z=0.5, h=1e-3, y=1) -> SigmoidState``; it validates its arguments (a
  ``ValueError`` naming the parameter and its valid range) and is deterministic;
- a *status function*, ``state -> Status``: the status line in words, also the source of the
  figure's text alternative;
- the answers of its predict-then-run questions, ``state -> (correct answer, why)``.

:class:`Status`, :class:`Question` and :class:`TieQuestion` live here so that model code, exercises
and tests use them without importing the explorers. A model whose controls take values on a grid
(a log slider's steps) computes what they look up once, in its ``precompute()``, and answers a
move by a look-up.

Lesson 07: ``penalty_geometry`` (L2 disc, L1 diamond and exact zeros in two dimensions),
``regularization_paths`` (WDBC's coefficient paths, validation loss against τ, early stopping),
``softmax_regions`` (three penguin species, softmax beside one-vs-rest, the shift invariance).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Question", "Status", "TieQuestion"]

#: the kinds of :class:`Status`, in the words the status line's CSS classes use
STATUS_KINDS = ("ok", "converged", "oscillating", "diverged", "info", "error")


@dataclass(frozen=True)
class Status:
    """What an update did, in words; ``kind``: ok, converged, oscillating, diverged, info."""

    text: str
    kind: str = "info"


@dataclass(frozen=True)
class Question:
    """A prediction the learner commits to before the run is shown.

    Args:
        prompt: the question, e.g. "Will this α converge, oscillate or diverge?".
        answer: called with what the explorer grades against (its current state); returns
            ``(correct_answer, why)``, where ``why`` is the theory's explanation shown after the
            reveal.
        choices: the options for a multiple-choice question; ``None`` asks for a number.
        rel_tol: for a number, how close counts as right (relative tolerance).
    """

    prompt: str
    answer: Callable[[Any], tuple[Any, str]]
    choices: tuple[str, ...] | None = None
    rel_tol: float = 0.1

    def grade(self, guess: Any, correct: Any) -> bool:
        if self.choices is not None:
            return guess == correct
        guess, correct = float(guess), float(correct)
        return math.isclose(guess, correct, rel_tol=self.rel_tol, abs_tol=1e-12)


class TieQuestion(Question):
    """A multiple-choice question whose answer may be a tie ("Adam or Nesterov"): any counts.

    Example:
        >>> q = TieQuestion("Which is first?", answer=lambda st: ("A or B", ""), choices=("A", "B"))
        >>> q.grade("B", "A or B"), q.grade("C", "A or B")
        (True, False)
    """

    def grade(self, guess: Any, correct: Any) -> bool:
        return str(guess) in str(correct).split(" or ")
