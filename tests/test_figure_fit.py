"""Explorer figures drawn to the width the page gives them (widgets/explorers/_access.py)."""

from __future__ import annotations

import json

import pytest

from widgets.explorers import SigmoidExplorer
from widgets.explorers._access import MIN_FIT, fit_figure


class Socket:
    def __init__(self):
        self.events: list[dict] = []

    def send_binary(self, data):
        pass

    def send_json(self, content):
        self.events.append(json.loads(content) if isinstance(content, str) else content)


@pytest.fixture
def explorer(monkeypatch):
    monkeypatch.setenv("DESCENT_BACKEND", "ipympl")
    ex = SigmoidExplorer()
    socket = Socket()
    ex.figure.canvas.manager.web_sockets.append(socket)
    return ex, socket


def test_the_page_width_scales_the_whole_figure_and_keeps_its_layout(explorer):
    ex, socket = explorer
    fig = ex.figure
    inches = fig.get_size_inches().copy()
    natural = round(inches[0] * 100)
    assert ex.access.natural == natural
    positions = [ax.get_position().bounds for ax in fig.axes]

    ex.access.width = 600  # what the page reports
    assert fig.get_size_inches() == pytest.approx(inches)  # the same layout, fewer dots
    assert fig.dpi == pytest.approx(100 * 600 / natural)
    assert fig.canvas.get_width_height() == (600, round(inches[1] * 100 * 600 / natural))
    assert fig.canvas.layout.width == "600px"
    assert [ax.get_position().bounds for ax in fig.axes] == positions
    assert any(e.get("type") == "resize" for e in socket.events)  # the browser is told

    ex.access.width = 5000  # never wider than its own size
    assert fig.dpi == pytest.approx(100) and fig.canvas.layout.width == f"{natural}px"
    ex.access.width = 100  # nor smaller than MIN_FIT of it: the explorer scrolls instead
    assert fig.dpi == pytest.approx(100 * MIN_FIT)
    ex.set(z=-2.0)  # and it keeps working at the new size
    assert ex.last_status.text.startswith("σ(-2) = 0.1192")


def test_a_high_density_screen_still_gets_its_dots(explorer):
    ex, _ = explorer
    fig = ex.figure
    fig.canvas._set_device_pixel_ratio(2)  # as ipympl does for a HiDPI browser
    assert fit_figure(fig, 525, natural_dpi=100) == pytest.approx(0.5)
    assert fig.dpi == pytest.approx(100)  # 50 dots per CSS inch × 2 device pixels
    assert fig.canvas.layout.width == "525px"
    fig.canvas._set_device_pixel_ratio(1)  # the ratio changes later: the fit is kept
    assert fig.dpi == pytest.approx(50)
