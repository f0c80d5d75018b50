"""Voila settings for serving the course as dashboards.

Read by the stand-alone server (`voila --Voila.config_file_paths=lessons/.voila lessons/`) and by
the Voila extension of a Jupyter server whose JUPYTER_CONFIG_PATH contains this folder (Binder,
JupyterHub: see binder/start). Command-line options override these values.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# The "descent" template (voila/templates/descent beside this file) is looked up on JUPYTER_PATH.
_here = str(Path(__file__).resolve().parent)
_data_path = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
if _here not in _data_path:
    os.environ["JUPYTER_PATH"] = os.pathsep.join([_here, *_data_path])

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
]

# --- what the server allows --------------------------------------------------------------------
# /voila/files/ serves pictures only; never notebooks or Python sources.
c.VoilaConfiguration.file_allowlist = [r".*\.(png|jpg|jpeg|gif|svg)"]
c.VoilaConfiguration.file_denylist = [r".*\.(ipynb|py)", r"(^|.*/)\..*"]

# --- resources ---------------------------------------------------------------------------------
# A cell that runs longer than this is stopped and the page says so.
c.VoilaExecutor.timeout = 60
c.VoilaExecutor.startup_timeout = 60
# A tab closed without notice leaves its kernel running: shut kernels down after 30 idle minutes,
# open tab or not (a reload starts a fresh one).
c.MappingKernelManager.cull_idle_timeout = 30 * 60
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = True
# No preheated kernel pool. Measured with benchmarks/bench_dashboards.py --preheat it does cut the
# first load's time to interactive (lesson 02: 6.9 -> 4.2 s), but it keeps an executed kernel
# waiting for every notebook (about 0.1 GB each), runs the notebook again after every page load,
# and helps only the first of many learners who open the same lesson together. For a single-user
# demo: --VoilaConfiguration.preheat_kernel=True.
c.VoilaConfiguration.preheat_kernel = False
