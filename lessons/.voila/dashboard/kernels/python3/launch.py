"""Start a dashboard's kernel: `python -m ipykernel_launcher` without the debugger.

ipykernel imports debugpy when a kernel starts, for JupyterLab's debugger: about 7 MB of every
dashboard kernel's resident memory (measured by benchmarks/bench_dashboards.py). A dashboard has
no debugger to talk to, so debugpy is marked as unavailable and ipykernel starts without it (its
own fallback when debugpy is not installed). JupyterLab's kernels are untouched: the stand-alone
Voila server alone puts this kernel spec first (see ../../../voila.py).
"""

import sys
from pathlib import Path

# Like ipykernel_launcher: the kernel's import path does not start with this folder.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]
sys.modules["debugpy"] = None  # `import debugpy` now raises ImportError

from ipykernel import kernelapp  # noqa: E402

kernelapp.launch_new_instance()
