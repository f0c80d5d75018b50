"""Descent's shared package: objectives, optimizers, a simulator and slider-driven explorers.

The model layer (objectives, multiclass, regularization, data, optimizers, schedules, simulate,
theory, metrics, calibration, sampling, autodiff, network, vectorization, broadcasting, and the
explorers' models in ``widgets.models``) is pure NumPy.
The explorers (``widgets.explorers``, matplotlib + ipywidgets) load on first use, so
``import widgets`` stays light and works without a display.

Example:
    >>> from widgets import Quadratic2D, gd, simulate
    >>> traj = simulate(Quadratic2D(condition_number=10), gd(learning_rate=1.0), steps=500)
    >>> traj.status
    'converged'
"""

from __future__ import annotations

import importlib
from typing import Any

from .autodiff import Value
from .calibration import (
    IsotonicFit,
    PlattFit,
    PlattLoss,
    isotonic_regression,
    platt_scaling,
    platt_targets,
    pool_adjacent_violators,
)
from .data import (
    PENGUIN_FEATURES,
    PENGUIN_SPECIES,
    WDBC_FEATURES,
    Dataset,
    balanced_sample_weight,
    load_penguins,
    load_wdbc,
    make_circles,
    make_classification_2d,
    make_moons,
    make_sine_data,
)
from .metrics import (
    average_precision,
    brier_score,
    calibration_curve,
    confusion_matrix,
    log_loss,
    precision_recall_curve,
    precision_recall_f1,
    roc_auc,
    roc_curve,
)
from .multiclass import SoftmaxLoss, log_softmax, softmax
from .network import NetworkLoss
from .objectives import (
    OBJECTIVES,
    DataObjective,
    Himmelblau,
    LogCosh1D,
    LogisticLoss,
    Objective,
    PlateauCliff,
    Quadratic1D,
    Quadratic2D,
    Quartic1D,
    Rosenbrock,
    Saddle,
    SineRegression,
    log_sigmoid,
    make_objective,
    sigmoid,
    sine_regression,
    soft_threshold,
    wdbc_logistic,
)
from .optimizers import (
    OPTIMIZERS,
    Optimizer,
    adagrad,
    adam,
    chain,
    clip_by_global_norm,
    gd,
    lbfgs,
    make_optimizer,
    momentum,
    needs_hessian,
    needs_prox,
    needs_value,
    nesterov,
    newton,
    proximal_gd,
    rmsprop,
)
from .regularization import (
    PENALTIES,
    PenalizedFit,
    RegularizationPath,
    fit_penalized,
    penalty_strengths,
    regularization_path,
    to_sklearn_c,
)
from .sampling import (
    oversample_then_split,
    random_oversample,
    stratified_split,
    subsample_to_fraction,
)
from .schedules import (
    constant,
    cosine,
    cosine_restarts,
    exponential,
    step_decay,
    time_decay,
)
from .simulate import (
    GradientOracle,
    LRRangeResult,
    SweepResult,
    Trajectory,
    full_batch,
    lr_range_test,
    minibatch,
    simulate,
    stochastic,
    sweep,
    update_ratio,
)
from .theory import QuadraticTheory, quadratic_theory

_LAZY = {
    "EXPLORERS": "widgets.explorers",
    "exercises": "widgets.exercises",
    "explorers": "widgets.explorers",
    "check": "widgets.exercises",
}


def __getattr__(name: str) -> Any:
    """Load the explorer layer (matplotlib, ipywidgets) only when it is asked for."""
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        return module if module.__name__.endswith(name) else getattr(module, name)
    if name.endswith("Explorer"):
        explorers = importlib.import_module("widgets.explorers")
        if hasattr(explorers, name):
            return getattr(explorers, name)
    raise AttributeError(f"module 'widgets' has no attribute {name!r}")


__all__ = [
    "OBJECTIVES",
    "OPTIMIZERS",
    "PENALTIES",
    "PENGUIN_FEATURES",
    "PENGUIN_SPECIES",
    "WDBC_FEATURES",
    "DataObjective",
    "Dataset",
    "GradientOracle",
    "Himmelblau",
    "IsotonicFit",
    "LRRangeResult",
    "LogCosh1D",
    "LogisticLoss",
    "NetworkLoss",
    "Objective",
    "Optimizer",
    "PenalizedFit",
    "PlateauCliff",
    "PlattFit",
    "PlattLoss",
    "Quadratic1D",
    "Quadratic2D",
    "QuadraticTheory",
    "Quartic1D",
    "RegularizationPath",
    "Rosenbrock",
    "Saddle",
    "SineRegression",
    "SoftmaxLoss",
    "SweepResult",
    "Trajectory",
    "Value",
    "adagrad",
    "adam",
    "average_precision",
    "balanced_sample_weight",
    "brier_score",
    "calibration_curve",
    "chain",
    "clip_by_global_norm",
    "confusion_matrix",
    "constant",
    "cosine",
    "cosine_restarts",
    "exponential",
    "fit_penalized",
    "full_batch",
    "gd",
    "isotonic_regression",
    "lbfgs",
    "load_penguins",
    "load_wdbc",
    "log_loss",
    "log_sigmoid",
    "log_softmax",
    "lr_range_test",
    "make_circles",
    "make_classification_2d",
    "make_moons",
    "make_objective",
    "make_optimizer",
    "make_sine_data",
    "minibatch",
    "momentum",
    "needs_hessian",
    "needs_prox",
    "needs_value",
    "nesterov",
    "newton",
    "oversample_then_split",
    "penalty_strengths",
    "platt_scaling",
    "platt_targets",
    "pool_adjacent_violators",
    "precision_recall_curve",
    "precision_recall_f1",
    "proximal_gd",
    "quadratic_theory",
    "random_oversample",
    "regularization_path",
    "rmsprop",
    "roc_auc",
    "roc_curve",
    "sigmoid",
    "simulate",
    "sine_regression",
    "soft_threshold",
    "softmax",
    "step_decay",
    "stochastic",
    "stratified_split",
    "subsample_to_fraction",
    "sweep",
    "time_decay",
    "to_sklearn_c",
    "update_ratio",
    "wdbc_logistic",
]
