"""In a real kernel, explorers use ipympl without taking pyplot away from the lessons.

Importing the ``ipympl`` package switches pyplot to ipympl. Before ``widgets.explorers`` guarded
against it, every ``plt`` figure a lesson drew after its first explorer became a live canvas kept
open for the life of the kernel, with its picture copied into the page's widget state (lesson 04:
six extra canvases, 500 kB of state, about 20 MB of kernel memory).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run_cells(*sources: str) -> list[list[dict]]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    return [cell.outputs for cell in nb.cells]


def stdout(outputs: list[dict]) -> str:
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")


def mimetypes(outputs: list[dict]) -> set[str]:
    return {m for o in outputs for m in o.get("data", {})}


@pytest.mark.parametrize("explorer_first", [True, False], ids=["explorer-first", "plot-first"])
def test_lesson_figures_stay_pictures_after_an_explorer(explorer_first):
    explorer = "ex = Descent1DExplorer(); print(type(ex.figure.canvas).__name__)"
    plot = "fig, ax = plt.subplots(); ax.plot([0, 1], [1, 0]); plt.show()"
    outputs = run_cells(
        "import matplotlib.pyplot as plt\nfrom widgets.explorers import Descent1DExplorer",
        *((explorer, plot) if explorer_first else (plot, explorer)),
        plot,
        "import gc, matplotlib\n"
        "from ipympl.backend_nbagg import Canvas\n"
        "print(matplotlib.get_backend(), plt.get_fignums(),"
        " sorted(type(o).__name__ for o in gc.get_objects() if isinstance(o, Canvas)))",
    )
    explorer_out, first_plot = (outputs[1], outputs[2]) if explorer_first else outputs[2:0:-1]
    assert stdout(explorer_out).strip() == "DescentCanvas"  # the explorer is live
    for shown in (first_plot, outputs[3]):
        # a picture, not a widget: a PNG in an <img> with its text alternative
        (html,) = [o["data"]["text/html"] for o in shown if "text/html" in o.get("data", {})]
        assert html.startswith('<img alt="') and not html.startswith('<img alt=""')
        assert 'src="data:image/png;base64,iVBOR' in html
        assert "application/vnd.jupyter.widget-view+json" not in mimetypes(shown)
    backend, rest = stdout(outputs[4]).split(" ", 1)
    assert backend == "module://matplotlib_inline.backend_inline"
    assert rest.strip() == "[] ['DescentCanvas']"  # plt figures closed; one canvas: the explorer's


def test_a_learner_who_chose_ipympl_keeps_it():
    outputs = run_cells(
        "%matplotlib widget\nimport matplotlib.pyplot as plt",
        "from widgets.explorers import Descent1DExplorer\nex = Descent1DExplorer()",
        "fig, ax = plt.subplots(); ax.plot([0, 1])\nimport matplotlib\n"
        "print(matplotlib.get_backend())",
    )
    assert stdout(outputs[2]).strip() in {"widget", "ipympl", "module://ipympl.backend_nbagg"}
    assert "application/vnd.jupyter.widget-view+json" in mimetypes(outputs[2])


def test_a_slider_move_sends_the_frame_before_the_texts():
    """A move the browser makes (a comm message, as the slider sends it): ipywidgets echoes the
    value, then the frame leaves, then the status line's new text; the browser can decode the
    picture while the texts are on their way."""
    outputs = run_cells(
        "import ipywidgets as ipw\n"
        "from widgets.explorers import FitByHandExplorer\n"
        "ex = FitByHandExplorer()\n"
        "ex",
        "sent = []\n"
        "_send = ipw.Widget._send\n"
        "def spy(self, msg, buffers=None):\n"
        "    frame = self is ex.figure.canvas and bool(buffers)\n"
        "    sent.append('frame' if frame else f\"{type(self).__name__}:{msg.get('method')}\")\n"
        "    return _send(self, msg, buffers=buffers)\n"
        "ipw.Widget._send = spy\n"
        "slider = next(c for c in ex.controls.values() if isinstance(c, ipw.FloatSlider))\n"
        "state = {'value': slider.value + 0.5}\n"
        "data = {'method': 'update', 'state': state, 'buffer_paths': []}\n"
        "slider._handle_msg({'content': {'data': data}, 'buffers': []})\n"
        "ipw.Widget._send = _send\n"
        "print(sent)",
    )
    sent = ast.literal_eval(stdout(outputs[1]).strip())
    assert sent.count("frame") == 1, sent
    assert sent[0].endswith(":echo_update"), sent
    frame = sent.index("frame")
    texts = [i for i, s in enumerate(sent) if s.startswith("HTML:update")]
    assert texts and min(texts) > frame, sent


def test_lesson_figures_take_the_course_style_and_explorers_keep_their_own():
    """In a kernel, importing the explorers gives the lessons' plots the course's colour and dash
    cycle (the n-th series differs by more than colour); an explorer made after it still draws
    with matplotlib's own cycle, so its declared look does not depend on the lesson."""
    (_, out) = run_cells(
        "import matplotlib.pyplot as plt\nfrom widgets.explorers import Descent1DExplorer",
        "fig, ax = plt.subplots()\n"
        "lines = [ax.plot([0, 1], [k, k + 1])[0] for k in range(4)]\n"
        "print([(l.get_color(), str(l.get_linestyle())) for l in lines])\n"
        "ex = Descent1DExplorer()\n"
        "probe = ex.axes[0].plot([0, 1], [0, 1])[0]\n"
        "from matplotlib.colors import to_hex\n"
        "print((to_hex(probe.get_color()), probe.get_linestyle()))\n"
        "probe.remove(); plt.close(fig)",
    )
    lesson, explorer = (ast.literal_eval(line) for line in stdout(out).strip().splitlines())
    from widgets.explorers.style import PALETTE

    assert [c.lower() for c, _ in lesson] == [
        PALETTE[k] for k in ("blue", "vermillion", "bluish green", "reddish purple")
    ]
    assert len({s for _, s in lesson}) == 4  # four different dash patterns
    assert explorer == ("#1f77b4", "-")  # matplotlib's first colour, solid
