"""The ipympl canvas the explorers use: how its frames reach the browser.

ipympl's front end shows a frame by pointing one image element at it, so a frame that arrives
while the previous one is still loading replaces it and the previous one is never drawn. These
tests check the two defences in ``widgets.explorers._figure``: a frame close behind another is
sent whole (so a lost frame cannot leave stale pixels under the next difference), and one update
sends one frame however many times it draws.
"""

from __future__ import annotations

import numpy as np
import pytest

from widgets.explorers import _figure


class Socket:
    """Stands in for a browser connection: records the frames sent to it."""

    def __init__(self):
        self.frames: list[bytes] = []

    def send_binary(self, data):
        self.frames.append(data)

    def send_json(self, content):
        pass


@pytest.fixture
def canvas(monkeypatch):
    monkeypatch.setenv("DESCENT_BACKEND", "ipympl")
    fig = _figure.new_figure((3.0, 2.0))
    (line,) = fig.add_subplot().plot([0, 1], [0, 1])
    socket = Socket()
    fig.canvas.manager.web_sockets.append(socket)
    modes = []
    monkeypatch.setattr(
        type(fig.canvas), "set_image_mode", lambda self, mode: modes.append(mode), raising=True
    )
    return fig, line, socket, modes


def test_a_frame_close_behind_another_is_sent_whole(canvas, monkeypatch):
    fig, line, socket, modes = canvas
    clock = iter([100.0, 100.1, 200.0])
    monkeypatch.setattr(_figure.time, "monotonic", lambda: next(clock))
    fig.canvas.draw()  # first frame: whole (nothing to differ from)
    line.set_ydata([1, 0])
    fig.canvas.draw()  # 0.1 s later: whole, so losing the first one does no harm
    line.set_ydata([0.5, 0.5])
    fig.canvas.draw()  # 100 s later: a difference is enough
    assert len(socket.frames) == 3
    assert modes == ["full", "full", "diff"]


def test_one_frame_sends_a_single_frame(canvas):
    fig, line, socket, _ = canvas
    with _figure.one_frame(fig):
        for y in np.linspace(0, 1, 5):
            line.set_ydata([y, 1 - y])
            fig.canvas.draw()
        with _figure.one_frame(fig):  # nested: still one frame, sent by the outer block
            fig.canvas.blit(fig.bbox)
        assert socket.frames == []
    assert len(socket.frames) == 1


def test_one_frame_sends_nothing_when_nothing_was_drawn(canvas):
    fig, _, socket, _ = canvas
    with _figure.one_frame(fig):
        pass
    assert socket.frames == []
    fig.canvas.draw()
    assert len(socket.frames) == 1  # and the manager sends directly again afterwards
