"""Frames in parts: the rectangles ``changed_rects`` finds, and the canvas that sends them.

A page that paints frames in order (widgets/explorers/_access.js) is sent only the rectangles
of the picture that changed; the picture it builds from them must be the kernel's, pixel for
pixel (tests/browser/test_explorers.py checks the same in Chromium).
"""

from __future__ import annotations

import io
import json

import numpy as np
import PIL.Image
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from widgets.explorers import _canvas, _figure
from widgets.explorers._regions import TILE, Kept, changed_rects


def covered(shape, rects) -> np.ndarray:
    mask = np.zeros(shape, int)
    for x, y, w, h in rects:
        mask[y : y + h, x : x + w] += 1
    return mask


@given(
    height=st.integers(1, 130),
    width=st.integers(1, 130),
    changes=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.integers(1, 40)), max_size=8),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=80, deadline=None)
@example(height=1, width=1, changes=[(0.0, 0.0, 1)], seed=0)
@example(height=130, width=97, changes=[(0.99, 0.99, 1), (0.0, 0.0, 1)], seed=1)
def test_the_rects_cover_every_change_once_and_each_is_tight(height, width, changes, seed):
    rng = np.random.default_rng(seed)
    before = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    after = before.copy()
    for fx, fy, size in changes:  # blocks of changed pixels, one changed channel each
        y, x = int(fy * (height - 1)), int(fx * (width - 1))
        block = after[y : y + size, x : x + size, int(rng.integers(0, 4))]
        block += rng.integers(1, 256, block.shape, dtype=np.uint8)  # never by 0 (mod 256)
    rects = changed_rects(before, after)
    changed = (before != after).any(axis=2)
    mask = covered(changed.shape, rects)
    assert mask.max(initial=0) <= 1  # no pixel painted twice
    assert (mask[changed] == 1).all()  # every changed pixel painted
    assert (rects == []) == (not changed.any())
    for x, y, w, h in rects:  # every edge of every rect holds a changed pixel
        part = changed[y : y + h, x : x + w]
        assert part[0].any() and part[-1].any() and part[:, 0].any() and part[:, -1].any()


def test_changes_far_apart_are_sent_apart():
    before = np.full((400, 600, 4), 255, np.uint8)
    after = before.copy()
    after[10:14, 20:30] = 0
    after[350:352, 500:590] = 0
    rects = changed_rects(before, after)
    assert sorted(rects) == [(20, 10, 10, 4), (500, 350, 90, 2)]
    assert sum(w * h for *_, w, h in rects) < 2 * TILE * TILE


def test_frames_of_different_shapes_are_refused():
    with pytest.raises(ValueError, match="different shapes"):
        changed_rects(np.zeros((2, 2, 4), np.uint8), np.zeros((2, 3, 4), np.uint8))


def test_only_the_most_recent_owners_frames_are_kept():
    class Owner:
        pass

    kept, owners = Kept(keep=2), [Owner() for _ in range(3)]
    frame = np.zeros((4, 4, 4), np.uint8)
    for owner in owners:
        kept.put(owner, frame)
    assert kept.get(owners[0]) is None and kept.get(owners[2]) is not None
    kept.touch(owners[1])  # used again: owners[2] is now the oldest
    kept.put(owners[0], frame)
    assert kept.get(owners[2]) is None and kept.get(owners[1]) is not None
    copy = kept.get(owners[1])
    frame[0, 0] = 9  # a copy is kept, not the renderer's buffer
    assert copy[0, 0, 0] == 0


class Page:
    """Stands in for a page that paints parts: applies every frame the canvas sends."""

    def __init__(self, canvas):
        self.picture = None
        self.whole = self.parts = 0
        canvas.manager.web_sockets.append(self)
        canvas.send = self.receive

    @staticmethod
    def decode(data: bytes) -> np.ndarray:
        return np.asarray(PIL.Image.open(io.BytesIO(data)).convert("RGBA"))

    def send_binary(self, data):
        self.picture, self.whole = self.decode(data).copy(), self.whole + 1

    def send_json(self, content):
        pass

    def receive(self, content, buffers=None):
        message = json.loads(content["data"])
        if message["type"] != "descent_region":  # a whole frame's copy (send_binary), a resize
            return
        assert list(self.picture.shape[1::-1]) == message["size"]
        for (x, y, w, h), data in zip(message["rects"], buffers, strict=True):
            part = self.decode(data)
            assert part.shape == (h, w, 4)
            self.picture[y : y + h, x : x + w] = part
        self.parts += 1


@pytest.fixture
def figure(monkeypatch):
    monkeypatch.setenv("DESCENT_BACKEND", "ipympl")
    monkeypatch.setattr(_canvas, "_KEPT", Kept())
    fig = _figure.new_figure((4.0, 3.0))
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    page = Page(fig.canvas)
    fig.canvas.draw()
    return fig, line, page


def test_a_page_that_paints_parts_gets_the_kernels_picture(figure):
    fig, _, page = figure
    assert (page.whole, page.parts) == (1, 0)  # before the page says it paints parts
    fig.canvas.handle_descent_frames({"type": "descent_frames"})
    assert (page.whole, page.parts) == (2, 0)  # a whole frame first
    blit = _figure.BlitManager(fig)
    (dot,) = fig.axes[0].plot([0.5], [0.5], "o")
    blit.add(dot)
    fig.canvas.draw()  # the dot appears: one part
    for x in np.linspace(0.1, 0.9, 6):
        dot.set_data([x], [1 - x])
        blit.update()
        np.testing.assert_array_equal(page.picture, np.asarray(fig.canvas.buffer_rgba()))
    assert page.parts == 7 and page.whole == 2
    blit.update()  # nothing moved: nothing sent
    assert page.parts == 7 and page.whole == 2
    fig.set_facecolor("0.9")  # all of the picture changes: a whole frame
    fig.axes[0].set_facecolor("0.8")
    fig.canvas.draw()
    assert page.whole == 3
    fig.set_size_inches(3.0, 3.0)  # another size: a whole frame
    fig.canvas.draw()
    assert page.whole == 4
    np.testing.assert_array_equal(page.picture, np.asarray(fig.canvas.buffer_rgba()))


def test_a_figure_whose_kept_frame_was_let_go_sends_its_next_frame_whole(figure, monkeypatch):
    fig, line, page = figure
    fig.canvas.handle_descent_frames({"type": "descent_frames"})
    others = []
    for _ in range(2):  # two other figures in use: the first one's frame is let go
        other = _figure.new_figure((2.0, 2.0))
        Page(other.canvas)
        other.canvas.handle_descent_frames({"type": "descent_frames"})
        others.append(other)
    line.set_ydata([0.2, 0.8])
    fig.canvas.draw()
    assert (page.whole, page.parts) == (3, 0)
    line.set_ydata([0.3, 0.7])
    fig.canvas.draw()
    assert (page.whole, page.parts) == (3, 1)
    np.testing.assert_array_equal(page.picture, np.asarray(fig.canvas.buffer_rgba()))
