"""Voila settings for serving the course as dashboards.

Read by the stand-alone server (`voila --Voila.config_file_paths=lessons/.voila lessons/`) and by
the Voila extension of a Jupyter server whose JUPYTER_CONFIG_PATH contains this folder (Binder,
JupyterHub: see binder/start). Command-line options override these values.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# Looked up on JUPYTER_PATH: the "descent" template (voila/templates/descent beside this file),
# and the dashboards' kernel spec (dashboard/kernels/python3: ipykernel without its debugger,
# about 7 MB less per kernel). jupyter_server_config.py takes the kernel spec out again, so that
# JupyterLab's notebooks keep their debugger.
_here = Path(__file__).resolve().parent
_dashboard_kernels = str(_here / "dashboard")
_data_path = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
for _entry in (str(_here), _dashboard_kernels):
    if _entry not in _data_path:
        _data_path.insert(0, _entry)
os.environ["JUPYTER_PATH"] = os.pathsep.join(_data_path)

# --- what the learner sees -------------------------------------------------------------------
c.VoilaConfiguration.template = "descent"
# ?voila-template=lab in a URL would bring back the stock template and its CDN links.
c.VoilaConfiguration.allow_template_override = "NO"
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False
c.VoilaExecutor.show_tracebacks = False
c.VoilaExecutor.cell_error_instruction = (
    "This part of the page could not be shown. Reload the page; if it fails again, "
    "open the lesson in JupyterLab to see the error."
)
# Cells tagged "remove-cell" are dropped before execution; "hide-in-voila" cells run but show
# nothing (see the "descent" template).
c.TagRemovePreprocessor.enabled = True
c.TagRemovePreprocessor.remove_cell_tags = ["remove-cell"]

# Only the front-end extensions a dashboard needs; anything else installed in the environment
# (LSP, collaboration, git, previews, ...) expects JupyterLab's server and breaks the page.
c.VoilaConfiguration.extension_allowlist = [
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "jupyter-matplotlib",
    "anywidget",
]

# --- what the server allows --------------------------------------------------------------------
# /voila/files/ serves pictures only; never notebooks or Python sources.
c.VoilaConfiguration.file_allowlist = [r".*\.(png|jpg|jpeg|gif|svg)"]
c.VoilaConfiguration.file_denylist = [r".*\.(ipynb|py)", r"(^|.*/)\..*"]

# --- resources ---------------------------------------------------------------------------------
# Kernels inherit the server's environment. glibc keeps a freed large NumPy temporary in the heap
# once a larger one has been freed (its dynamic mmap threshold), and the kernel never gives that
# memory back: lesson 03 ends at 187 MB instead of 156 MB. A fixed threshold returns every block
# over 128 kB to the system as soon as it is freed.
os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(128 * 1024))
# A cell that runs longer than this is stopped and the page says so.
c.VoilaExecutor.timeout = 60
c.VoilaExecutor.startup_timeout = 60
# A tab closed without notice leaves its kernel running: shut kernels down after 30 idle minutes,
# open tab or not (a reload starts a fresh one).
c.MappingKernelManager.cull_idle_timeout = 30 * 60
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = True
# A preheated kernel pool: one kernel per notebook has already executed it when a learner opens
# the page, so the page only has to be drawn. Measured with benchmarks/bench_dashboards.py (idle
# 2-core machine): time to interactive of lesson 01 5.7 -> 2.6 s, lesson 04 7.1 -> 3.1 s. The cost:
# one executed kernel waiting per notebook (100-160 MB each, about 1 GB for the course), and the
# notebook runs again in the background after each page load to refill the pool (one second
# after the request: Voila's fill_delay. A longer delay made a single page about 0.2 s quicker,
# but would make the next learner of the same lesson wait that much longer). A JupyterHub or
# Binder user's server does not use it (jupyter_server_config.py turns it off).
c.VoilaConfiguration.preheat_kernel = True
c.VoilaConfiguration.default_pool_size = 1
