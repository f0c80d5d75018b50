"""The ipympl canvas the explorers use: how its frames reach the browser.

ipympl's front end shows a frame by pointing one image element at it, so a frame that arrives
while the previous one is still loading replaces it and the previous one is never drawn. These
tests check the two defences in ``widgets.explorers._figure``: every frame is sent whole to that
front end (so a lost frame cannot leave stale pixels under the next difference), and one update
sends one frame however many times it draws. (A page that paints frames in order is sent only
what changed: tests/test_regions.py.)
"""

from __future__ import annotations

import io

import numpy as np
import PIL.Image
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from widgets.explorers import EXPLORERS, _figure


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


def test_every_frame_is_the_whole_picture_and_no_copy_is_kept(canvas):
    fig, line, socket, modes = canvas
    for y in ([0, 1], [1, 0], [0.5, 0.5]):
        line.set_ydata(y)
        fig.canvas.draw()
        picture = np.asarray(PIL.Image.open(io.BytesIO(socket.frames[-1])).convert("RGBA"))
        np.testing.assert_array_equal(picture, np.asarray(fig.canvas.buffer_rgba()))
    assert len(socket.frames) == 3
    assert modes == ["full"] * 3
    assert fig.canvas._last_buff.size == 0  # ipympl would keep a copy of every frame


def test_a_picture_is_sent_once(canvas):
    fig, _, socket, _ = canvas
    fig.canvas.draw()
    assert len(socket.frames) == 1
    assert fig.canvas.get_diff_image() is None  # nothing drawn since: nothing to send


def test_a_picture_equal_to_the_last_one_is_not_sent_again_unless_a_page_asks(canvas):
    fig, line, socket, _ = canvas
    fig.canvas.draw()
    line.set_ydata([1, 0])
    fig.canvas.draw()
    line.set_ydata([0, 1])  # back to the first picture: it differs from the last one sent
    fig.canvas.draw()
    assert len(socket.frames) == 3 and socket.frames[0] == socket.frames[2]
    fig.canvas.draw()  # the same pixels again: nothing to send
    line.set_ydata([0, 1])
    fig.canvas.draw()
    assert len(socket.frames) == 3
    fig.canvas.handle_draw({"type": "draw"})  # a page asks for the picture: it gets it
    assert len(socket.frames) == 4 and socket.frames[3] == socket.frames[2]
    fig.canvas.handle_refresh({"type": "refresh"})  # a page connects (then asks for a draw)
    fig.canvas.draw()
    assert len(socket.frames) == 5
    fig.canvas.draw()
    assert len(socket.frames) == 5
    fig.set_size_inches(2.0, 2.0)  # another size: sent, whatever its checksums
    fig.canvas.draw()
    assert len(socket.frames) == 6


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


def test_a_picture_the_browser_asks_for_is_drawn_only_when_something_changed(canvas):
    fig, line, socket, _ = canvas
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    blit = _figure.BlitManager(fig)
    (dot,) = fig.axes[0].plot([0.5], [0.5], "o")
    blit.add(dot)
    fig.canvas.draw()
    dot.set_data([0.2], [0.8])
    blit.update()  # a moving artist: blitted, the figure is not stale
    assert len(draws) == 1

    fig.canvas.handle_draw({"type": "draw"})  # a page connects and asks for the picture
    assert len(draws) == 1  # sent as it is ...
    picture = np.asarray(PIL.Image.open(io.BytesIO(socket.frames[-1])).convert("RGBA"))
    fig.canvas.draw()
    np.testing.assert_array_equal(picture, np.asarray(fig.canvas.buffer_rgba()))  # ... and right

    line.set_color("red")  # a static artist: the figure is stale, the request draws
    fig.canvas.handle_draw({"type": "draw"})
    assert len(draws) == 3
    fig.set_dpi(fig.dpi * 2)  # a new pixel ratio (the browser's zoom): drawn again
    fig.canvas.handle_draw({"type": "draw"})
    assert len(draws) == 4


@given(
    height=st.integers(1, 40),
    width=st.integers(1, 40),
    opaque=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=60, deadline=None)
@example(height=1, width=1, opaque=False, seed=0)
@example(height=40, width=40, opaque=True, seed=2**32 - 1)
@example(height=1, width=40, opaque=True, seed=0)
@example(height=40, width=1, opaque=False, seed=2**32 - 1)
def test_png_frame_decodes_to_the_same_pixels(height, width, opaque, seed):
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 4), dtype=np.uint8)
    if opaque:
        pixels[..., 3] = 255
    image = PIL.Image.open(io.BytesIO(_figure.png_frame(pixels)))
    assert image.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(image), pixels)


@pytest.mark.parametrize("explorer", EXPLORERS, ids=lambda cls: cls.__name__)
def test_an_explorer_frame_is_about_as_small_as_pillows(explorer, monkeypatch):
    """Skipping the row filters costs at most 5 % in size on every explorer's figure (the
    benchmark shows what it saves in time)."""
    monkeypatch.setenv("DESCENT_BACKEND", "agg")
    figure = explorer().figure
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())
    with io.BytesIO() as pillow:
        PIL.Image.fromarray(pixels).save(pillow, format="png", compress_level=_figure.PNG_LEVEL)
        assert len(_figure.png_frame(pixels)) <= 1.05 * len(pillow.getvalue())


@pytest.mark.parametrize(
    "pixels",
    [np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4, 4), np.float32), np.zeros((4, 4), np.uint8)],
)
def test_png_frame_rejects_anything_but_rgba_bytes(pixels):
    with pytest.raises(ValueError, match="pixels must be a height × width × 4 uint8 array"):
        _figure.png_frame(pixels)


@pytest.mark.parametrize("level", [-1, 4, 9, 1.0, True, "1"])
def test_png_frame_names_the_valid_levels(level):
    with pytest.raises(ValueError, match="level must be an integer from 0 to 3"):
        _figure.png_frame(np.zeros((2, 2, 4), np.uint8), level=level)


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_png_frame_every_level_decodes(level):
    pixels = np.random.default_rng(level).integers(0, 256, (7, 5, 4), dtype=np.uint8)
    image = PIL.Image.open(io.BytesIO(_figure.png_frame(pixels, level=level)))
    np.testing.assert_array_equal(np.asarray(image), pixels)


@pytest.mark.parametrize("explorer", EXPLORERS, ids=lambda cls: cls.__name__)
def test_blit_backgrounds_are_kept_deflated_and_restore_exactly(explorer, monkeypatch):
    """Every background BlitManager keeps is a small fraction of the picture's bytes, and a blit
    over it gives the picture a full draw gives."""
    monkeypatch.setenv("DESCENT_BACKEND", "agg")
    ex = explorer()
    figure = ex.figure
    figure.canvas.draw()
    blits = [ex.blit]
    assert isinstance(ex.blit, _figure.BlitManager), "every explorer blits through ex.blit"
    picture = np.asarray(figure.canvas.buffer_rgba())
    for blit in blits:
        for _, packed in blit._backgrounds.values():
            assert isinstance(packed, bytes)
            assert len(packed) < picture.nbytes / 8
        blit.update()
    blitted = picture.copy()
    figure.canvas.draw()
    np.testing.assert_array_equal(np.asarray(figure.canvas.buffer_rgba()), blitted)


@pytest.mark.parametrize("explorer", EXPLORERS, ids=lambda cls: cls.__name__)
def test_blits_that_reuse_the_still_picture_give_a_full_draws_picture(explorer, monkeypatch):
    """Move every numeric control twice (the second move reuses the still picture the first
    one cached): after each control the blitted picture equals what a full draw of the same
    state gives, pixel for pixel, also where a still artist is drawn over a moving one."""
    monkeypatch.setenv("DESCENT_BACKEND", "agg")
    ex = explorer()
    moved = 0
    for name, widget in ex.controls.items():
        if not hasattr(widget, "step") or widget.disabled or not hasattr(widget, "min"):
            continue
        lo, hi, step = widget.min, widget.max, widget.step or 1
        for _ in range(2):
            target = widget.value + step if widget.value + step <= hi else widget.value - step
            if not lo <= target <= hi:
                break
            widget.value = target
        blitted = np.asarray(ex.figure.canvas.buffer_rgba()).copy()
        ex.figure.canvas.draw()
        drawn = np.asarray(ex.figure.canvas.buffer_rgba())
        assert np.array_equal(drawn, blitted), f"{name}: {np.sum((drawn != blitted).any(-1))} px"
        moved += 1
    assert moved, "no control was moved"
