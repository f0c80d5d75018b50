"""scikit-learn's calibrators fitted directly on held-out scores, for the tests to compare with."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator


class ScoreAsDecision(ClassifierMixin, BaseEstimator):
    """A 'classifier' whose decision function is its one input column: the held-out score."""

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X):
        return np.asarray(X)[:, 0]

    def predict(self, X):
        return (self.decision_function(X) > 0).astype(int)


def sklearn_calibrator(s: np.ndarray, y: np.ndarray, method: str) -> CalibratedClassifierCV:
    """``CalibratedClassifierCV(method=method)`` fitted on all of (s, y), scores as they are.

    One "split" whose test part is everything, and ``ensemble=False``: a single calibrator
    fitted on every score, as our ``platt_scaling`` and ``isotonic_regression`` are.
    """
    everything = np.arange(s.size)
    clf = FrozenEstimator(ScoreAsDecision().fit(s[:, None], y))
    cal = CalibratedClassifierCV(clf, method=method, cv=[(everything, everything)], ensemble=False)
    return cal.fit(s[:, None], y)
