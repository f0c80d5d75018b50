"""Start a dashboard's kernel: `python -m ipykernel_launcher` without the debugger.

ipykernel imports debugpy when a kernel starts, for JupyterLab's debugger: about 7 MB of every
dashboard kernel's resident memory (measured by benchmarks/bench_dashboards.py). A dashboard has
no debugger to talk to, so debugpy is marked as unavailable and ipykernel starts without it (its
own fallback when debugpy is not installed). JupyterLab's kernels are untouched: the stand-alone
Voila server alone puts this kernel spec first (see ../../../voila.py).

A dashboard page is also its kernel's only view, so ipywidgets' echo messages are turned off
(JUPYTER_WIDGETS_ECHO=0, unless the server's environment sets it): each control change the
browser sends would otherwise come straight back as an `echo_update` repeating the value, which
serves several views of one kernel (JupyterLab showing a notebook twice). One message less per
step of every control (benchmarks/bench_frames.py counts them).
"""

import os
import sys
from pathlib import Path

# Like ipykernel_launcher: the kernel's import path does not start with this folder.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]
sys.modules["debugpy"] = None  # `import debugpy` now raises ImportError
os.environ.setdefault("JUPYTER_WIDGETS_ECHO", "0")  # read when ipywidgets is imported

from ipykernel import kernelapp  # noqa: E402

kernelapp.launch_new_instance()
