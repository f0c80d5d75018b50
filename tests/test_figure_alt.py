"""Text alternatives of the lessons' static figures (widgets/explorers/_alt.py)."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from widgets.explorers import describe
from widgets.explorers._alt import _figure_html, alt_text


def two_panels() -> Figure:
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    fig.suptitle("Two losses")
    ax1.plot([0, 1], [1, 0], label="squared error")
    ax1.plot([0, 1], [0, 1], label="_hidden helper")
    ax1.set(xlabel="w", ylabel="E(w)", title="Left")
    ax2.scatter([0, 1], [1, 2], label="examples")
    ax2.set(xlabel="x₁", ylabel="x₂")
    return fig


def test_the_text_says_what_the_figure_states():
    text = alt_text(two_panels())
    assert text == (
        "Two losses. Panel 1 of 2: Left, E(w) against w, showing squared error. "
        "Panel 2 of 2: x₂ against x₁, showing examples."
    )


def test_an_unlabelled_figure_still_says_what_it_draws():
    fig = Figure()
    fig.subplots().plot([0, 1])
    assert alt_text(fig) == "1 line(s), 0 point set(s) or area(s)."
    assert alt_text(Figure()) == "A figure without labels."


def test_a_lesson_can_give_its_own_text():
    fig = describe(two_panels(), "  Cross-entropy is convex; squared error is not.  ")
    assert alt_text(fig) == "Cross-entropy is convex; squared error is not."
    with pytest.raises(ValueError, match="text must be a non-empty string"):
        describe(fig, "   ")


def test_the_picture_carries_its_text_escaped():
    fig = describe(two_panels(), 'a "quoted" <b>text</b> & more')
    html = _figure_html(fig)
    assert html.startswith('<img alt="a &quot;quoted&quot; &lt;b&gt;text&lt;/b&gt; &amp; more" ')
    assert 'src="data:image/png;base64,iVBOR' in html and "max-width: 100%" in html
