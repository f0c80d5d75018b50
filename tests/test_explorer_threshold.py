"""ThresholdExplorer: the threshold moves the decision line, the confusion matrix and the points
on the ROC and precision–recall curves together; the cost ratio marks the cheapest threshold.
References are recomputed from the validation labels and probabilities with scikit-learn."""

from __future__ import annotations

import doctest
import math
import re

import numpy as np
import pytest
import sklearn.metrics as skm

from widgets.explorers import EXPLORERS, ThresholdExplorer
from widgets.explorers import threshold as module
from widgets.models.threshold import THRESHOLD_QUESTIONS


@pytest.fixture(scope="module")
def ex():
    return ThresholdExplorer()


def table_counts(ex) -> dict[str, int]:
    """TN, FP, FN, TP as the readout shows them."""
    return {
        k: int(v)
        for k, v in re.findall(r"(TN|FP|FN|TP) (\d+)", ex.readout_boxes["confusion"].value)
    }


def point(ex, name) -> tuple[float, float]:
    x, y = ex.artist(name).get_data()
    return float(x[0]), float(y[0])


def test_registered_and_documented():
    assert EXPLORERS[ThresholdExplorer] == ("08_judging_a_classifier",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(threshold=1.2), r"threshold must be in \[0, 1\]"),
        (dict(threshold=-0.1), r"threshold must be in \[0, 1\]"),
        (dict(cost_ratio=0.05), r"cost_ratio must be in \[0.1, 20\]"),
        (dict(cost_ratio=25.0), r"cost_ratio must be in \[0.1, 20\]"),
        (dict(cost_ratio=float("nan")), "cost_ratio must be a finite number"),
    ],
)
def test_constructor_rejects_out_of_range_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ThresholdExplorer(**kwargs)


@pytest.mark.parametrize("t", [0.0, 0.05, 0.3, 0.5, 0.77, 1.0])
def test_threshold_moves_matrix_line_and_curve_points_consistently(ex, t):
    ex.set(threshold=t)
    y, p = ex.state.data.y, ex.state.data.proba
    flagged = p >= t
    (tn, fp), (fn, tp) = skm.confusion_matrix(y, flagged.astype(int), labels=[0, 1])
    assert table_counts(ex) == dict(TN=tn, FP=fp, FN=fn, TP=tp)
    assert point(ex, "roc_point") == (fp / (fp + tn), tp / (tp + fn))
    assert point(ex, "pr_point") == ((tp / (tp + fn), tp / (tp + fp)) if tp + fp else (0.0, 1.0))
    assert f"{tp} of {tp + fn} malignant tumours found" in ex.last_status.text
    # the point lies on the drawn ROC curve's polyline (a vertex or on a segment)
    fx, fy = (np.asarray(a, float) for a in ex.artist("roc_curve").get_data())
    x, yy = point(ex, "roc_point")
    on = [(a <= x <= b) and (min(c, d) <= yy <= max(c, d)) for a, b, c, d in
          zip(fx[:-1], fx[1:], fy[:-1], fy[1:], strict=True)]  # fmt: skip
    assert any(on)
    # the line ŷ = θ: w·x + b = logit θ, and the flagged tumours lie on its normal's side
    bx, by = (np.asarray(a, float) for a in ex.artist("boundary").get_data())
    w, b = ex.state.data.params[:2], ex.state.data.params[2]
    if 0 < t < 1:
        np.testing.assert_allclose(w[0] * bx + w[1] * by + b, math.log(t / (1 - t)), atol=1e-9)
        side = (ex.state.data.X - [bx[0], by[0]]) @ w >= -1e-12
        np.testing.assert_array_equal(side, flagged)
    else:
        assert len(bx) == 0  # every or no tumour flagged: no line inside the plot


def test_raising_the_threshold_walks_down_both_curves(ex):
    roc, pr = [], []
    for t in np.linspace(0.02, 0.98, 25):
        ex.set(threshold=float(t))
        roc.append(point(ex, "roc_point"))
        pr.append(point(ex, "pr_point"))
    fpr, tpr = np.array(roc).T
    assert np.all(np.diff(fpr) <= 0) and np.all(np.diff(tpr) <= 0) and tpr[0] > tpr[-1]
    assert np.all(np.diff(np.array(pr)[:, 0]) <= 0)  # recall falls


@pytest.mark.parametrize("r", [0.2, 1.0, 5.0, 20.0])
def test_cost_ratio_marks_the_threshold_of_least_cost(ex, r):
    ex.set(threshold=0.5, cost_ratio=r)
    y, p = ex.state.data.y, ex.state.data.proba
    cands = np.r_[0.0, np.unique(p), 1.0 + 1e-9]
    costs = [r * np.sum((p < c) & (y == 1)) + np.sum((p >= c) & (y == 0)) for c in cands]
    best = ex.state.best
    assert best.cost == pytest.approx(min(costs)) and best.threshold == ex.state.best_threshold
    assert point(ex, "roc_best") == best.roc_point and point(ex, "pr_best") == best.pr_point
    assert f"{r:g}× a false alarm" in ex.last_status.text


def test_every_control_changes_state_and_status():
    ex = ThresholdExplorer()
    for name, value in (("threshold", 0.2), ("cost_ratio", 0.5)):
        before = (ex.state, ex.last_status.text)
        ex.set(**{name: value})
        assert getattr(ex.state, name) == value and ex.last_status.text != before[1]
    assert ex.state.best_threshold > 0.5  # a cheap miss: flag less


def test_question_hides_the_cheapest_threshold_until_predicted():
    ex = ThresholdExplorer(question=THRESHOLD_QUESTIONS[1], cost_ratio=5.0)
    assert not ex.artist("best_boundary").get_visible() and not ex.artist("roc_best").get_visible()
    assert ex.predict("below 0.5")
    assert ex.artist("best_boundary").get_visible() and ex.artist("pr_best").get_visible()


def test_confusion_table_names_its_rows_and_columns(ex):
    """A data table a screen reader can read: a header for every column and every row, none
    empty (axe-core's empty-table-header), each count in the cell of its true and predicted
    class."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self._tag = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("th", "td"):
                self._tag = (tag, dict(attrs).get("scope"))
                self.rows[-1].append([tag, dict(attrs).get("scope"), ""])

        def handle_data(self, data):
            if self._tag and self.rows and self.rows[-1]:
                self.rows[-1][-1][2] += data

        def handle_endtag(self, tag):
            if tag in ("th", "td"):
                self._tag = None

    parser = Cells()
    parser.feed(ex.readout_boxes["confusion"].value)
    head, *rows = parser.rows
    assert [c[:2] for c in head] == [["th", "col"]] * 3
    assert all(c[2].strip() for c in head)
    assert [r[0][:2] for r in rows] == [["th", "row"]] * 2
    assert [r[0][2] for r in rows] == ["benign (y = 0)", "malignant (y = 1)"]
    assert [[c[2].split()[0] for c in r[1:]] for r in rows] == [["TN", "FP"], ["FN", "TP"]]
    (tn, fp), (fn, tp) = ex.state.confusion.tolist()
    assert table_counts(ex) == {"TN": tn, "FP": fp, "FN": fn, "TP": tp}
