"""SoftmaxRegionsExplorer: both pictures are the model's regions and probabilities for the
controls set, the loss curves and the weights text are the state's, and the shift changes the
weights while no pixel of either region picture changes."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from widgets.explorers import EXPLORERS, SoftmaxRegionsExplorer
from widgets.explorers import softmax_regions as module
from widgets.explorers.softmax_regions import SPECIES_COLORS, region_colours
from widgets.explorers.style import contrast_ratio
from widgets.models.softmax_regions import (
    LEARNING_RATES,
    QUESTIONS,
    STEPS,
    softmax_regions_state,
    softmax_regions_status,
)


@pytest.fixture(scope="module")
def ex():
    return SoftmaxRegionsExplorer()


def picture(ex, name):
    return np.asarray(ex.artist(name).get_array(), float)


def test_registered_and_documented():
    assert EXPLORERS[SoftmaxRegionsExplorer] == ("07_regularization_and_softmax",)
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(step=-1), r"step must be an integer in \[0, 300\]"),
        (dict(step=STEPS + 1), r"step must be an integer in \[0, 300\]"),
        (dict(learning_rate=200.0), r"learning_rate must be in \[0.01, 100\]"),
        (dict(learning_rate=0.001), r"learning_rate must be in \[0.01, 100\]"),
        (dict(shift=6.0), r"shift must be in \[-5, 5\]"),
    ],
)
def test_constructor_rejects_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SoftmaxRegionsExplorer(**kwargs)


def test_region_colours_follow_the_most_probable_class():
    """Each pixel is its argmax class's colour mixed with white, darker where that class is
    surer; a pixel where the probabilities are not finite is grey."""
    P = np.array([[[0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3], [0.1, 0.2, 0.7], [np.nan] * 3]])
    rgb = region_colours(np.array([[0, 0, 2, 0]]), P)
    from matplotlib.colors import to_rgb

    blue, green = np.array(to_rgb(SPECIES_COLORS[0])), np.array(to_rgb(SPECIES_COLORS[2]))
    for pixel, colour, p in ((rgb[0, 0], blue, 0.9), (rgb[0, 1], blue, 1 / 3),
                             (rgb[0, 2], green, 0.7)):  # fmt: skip
        amount = 0.08 + 0.3 * (p - 1 / 3) * 1.5
        assert pixel[3] == 255
        np.testing.assert_array_equal(pixel[:3], np.rint(255 * (1 - amount * (1 - colour))))
    assert rgb.dtype == np.uint8 and list(rgb[0, 3]) == [217, 217, 217, 255]  # grey 0.85
    # the markers' black edge stands at least 3:1 against the darkest tint
    assert contrast_ratio("black", 1 - 0.38 * (1 - blue)) >= 3


@pytest.mark.parametrize("step", [0, 10, 150, STEPS])
@pytest.mark.parametrize("k", [0, 12, len(LEARNING_RATES) - 1])
def test_artists_show_the_models_state(ex, step, k):
    lr = float(LEARNING_RATES[k])
    ex.set(step=step, learning_rate=lr, shift=0.0)
    ref = softmax_regions_state(step=step, learning_rate=ex.value("learning_rate"))
    assert ex.value("learning_rate") == pytest.approx(lr, rel=1e-11)
    np.testing.assert_array_equal(
        picture(ex, "softmax_regions"), region_colours(ref.regions, ref.probabilities)
    )
    np.testing.assert_array_equal(
        picture(ex, "ovr_regions"), region_colours(ref.ovr_regions, ref.ovr_probabilities)
    )
    for name, curve in (("loss", ref.loss_curve), ("ovr_loss", ref.ovr_loss_curve)):
        x, y = ex.artist(name).get_data()
        np.testing.assert_array_equal(x, np.arange(STEPS + 1))
        np.testing.assert_array_equal(y, curve)
    x, y = ex.artist("loss_now").get_data()
    assert list(x) == [step] and list(y) == [ref.loss]
    assert list(ex.artist("step_now").get_xdata()) == [step, step]
    assert ex.last_status.text == softmax_regions_status(ref).text == ex.alt_text
    table = ex.readout_boxes["weights"].value
    for name, w, b in zip(module.SPECIES, ref.weights, ref.biases, strict=True):
        cells = "".join(f"<td style='padding:1px 8px;text-align:right'>{v:.3f}</td>"
                        for v in (*w, b))  # fmt: skip
        assert f">{name}</th>{cells}</tr>" in table


def test_the_shift_moves_the_weights_and_no_region(ex):
    ex.set(step=120, learning_rate=1.0, shift=0.0)
    before = {n: picture(ex, n) for n in ("softmax_regions", "ovr_regions")}
    table = ex.readout_boxes["weights"].value
    w0 = ex.state.weights
    for shift in (-5.0, 2.5, 5.0):
        ex.set(shift=shift)
        c = shift * np.array([1.0, 1.0]) / np.sqrt(2.0)
        np.testing.assert_allclose(ex.state.weights, w0 + c, rtol=1e-12, atol=1e-12)
        assert ex.readout_boxes["weights"].value != table
        label = f"weights shifted by c = ({c[0]:+.2f}, {c[1]:+.2f})"
        assert ex.artist("shift").get_text() == label
        # probabilities move by rounding only (≤ 1e-14): not one byte of the picture changes
        np.testing.assert_array_equal(picture(ex, "softmax_regions"), before["softmax_regions"])
        np.testing.assert_array_equal(picture(ex, "ovr_regions"), before["ovr_regions"])
        assert "changed no probability by more than" in ex.last_status.text


def test_species_are_told_apart_by_marker_too(ex):
    markers = {ex.artist(f"species_0_{k}").get_marker() for k in range(3)}
    assert len(markers) == 3
    for k in range(3):
        x, y = ex.artist(f"species_1_{k}").get_data()
        np.testing.assert_array_equal(np.column_stack([x, y]), ex.state.X[ex.state.y == k])


def test_the_largest_rate_says_the_loss_rose(ex):
    ex.set(step=50, learning_rate=100.0)
    assert "the loss rose at" in ex.last_status.text and ex.last_status.kind == "oscillating"
    assert np.isfinite(picture(ex, "softmax_regions")).all()


def test_question_hides_the_loss_curves_until_predicted():
    ex = SoftmaxRegionsExplorer(question=QUESTIONS[1], step=40)
    assert not ex.artist("loss").get_visible() and not ex.artist("ovr_loss").get_visible()
    assert ex.artist("softmax_regions").get_visible()
    assert ex.predict("lower")
    assert ex.artist("loss").get_visible() and ex.artist("loss_now").get_visible()
