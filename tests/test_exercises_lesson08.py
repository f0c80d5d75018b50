"""Lesson 08's checkers: right answers pass and the usual slips are named."""

from __future__ import annotations

import numpy as np

from widgets.exercises import check
from widgets.objectives import sigmoid


def auc_right(y, s):
    pos, neg = s[y == 1], s[y == 0]
    return np.mean(pos[:, None] > neg[None, :]) + 0.5 * np.mean(pos[:, None] == neg[None, :])


def auc_no_ties(y, s):
    return np.mean(s[y == 1][:, None] > s[y == 0][None, :])


def test_auc_by_pairs_needs_the_half_for_ties():
    assert check("ex_08_2", auc_right).status == "passed"
    bad = check("ex_08_2", auc_no_ties)
    assert bad.status == "failed" and "½" in bad.message


def grad(X, y, w, b, omega, denominator=None):
    r = omega * (sigmoid(X @ w + b) - y)
    d = omega.sum() if denominator is None else denominator
    return X.T @ r / d, r.sum() / d


def test_weighted_gradient_names_a_division_by_m_and_the_unweighted_gradient():
    assert check("ex_08_4", grad).status == "passed"
    by_m = check("ex_08_4", lambda X, y, w, b, o: grad(X, y, w, b, o, denominator=len(y)))
    assert by_m.status == "failed" and "divided by m" in by_m.message
    plain = check("ex_08_4", lambda X, y, w, b, o: grad(X, y, w, b, np.ones_like(o)))
    assert plain.status == "failed" and "unweighted" in plain.message
    assert check("ex_08_4", lambda *a: None).status == "failed"


def reliability(y, p, n_bins):
    k = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], p)
    n = np.bincount(k, minlength=n_bins)
    true = np.bincount(k, weights=y, minlength=n_bins)
    pred = np.bincount(k, weights=p, minlength=n_bins)
    keep = n > 0
    return true[keep] / n[keep], pred[keep] / n[keep]


def test_reliability_names_a_swapped_pair():
    assert check("ex_08_6", reliability).status == "passed"
    swapped = check("ex_08_6", lambda y, p, n: reliability(y, p, n)[::-1])
    assert swapped.status == "failed" and "swapped" in swapped.message


def test_numbers_and_choice():
    assert check("ex_08_1", (34 / 37, 34 / 43)).status == "passed"
    assert "swapped" in check("ex_08_1", (34 / 43, 34 / 37)).message
    assert check("ex_08_3", 0.2).status == "passed" and check("ex_08_3", 0.25).status == "failed"
    assert check("ex_08_5", "optimistic").status == "passed"
    assert check("ex_08_5", "pessimistic").status == "failed"
