"""Checks for every lesson's exercises (``check("ex_01_3", answer)``)."""

from . import (
    lesson01,  # noqa: F401  (registers ex_01_*)
    lesson02,  # noqa: F401  (registers ex_02_*)
    lesson03,  # noqa: F401  (registers ex_03_*)
    lesson04,  # noqa: F401  (registers ex_04_*)
    lesson05,  # noqa: F401  (registers ex_05_*)
    lesson06,  # noqa: F401  (registers ex_06_*)
    lesson07,  # noqa: F401  (registers ex_07_* and exit_07_*)
    lesson08,  # noqa: F401  (registers ex_08_* and exit_08_*)
    lesson09,  # noqa: F401  (registers ex_09_* and exit_09_*)
    tickets,  # noqa: F401  (registers exit_NN_*)
)
from ._core import CHECKS, Feedback, Wrong, check, exercise, labels

__all__ = ["CHECKS", "Feedback", "Wrong", "check", "exercise", "labels"]
