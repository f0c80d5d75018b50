"""Dashboard settings for a Jupyter server (JupyterLab on Binder or JupyterHub) started with this
folder on JUPYTER_CONFIG_PATH (binder/start does it).

The server's Voila extension reads voila.py beside this file for its own options, but gives the
notebook executor and exporter the server's configuration, so voila.py is loaded here too. Kernel
culling is left to the hub: a JupyterLab user's notebook kernels are not dashboards.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
load_subconfig(str(Path(__file__).with_name("voila.py")))  # noqa: F821
# voila.py put the dashboards' debugger-free kernel spec first on JUPYTER_PATH; in a user's own
# server it would replace JupyterLab's python3 kernel too, so it goes.
_dashboard = str(Path(__file__).resolve().with_name("dashboard"))
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in os.environ["JUPYTER_PATH"].split(os.pathsep) if p != _dashboard
)
c.pop("MappingKernelManager", None)
# No preheated pool inside a user's own server: it would keep an executed kernel per lesson
# (about 1 GB) in a container that Binder limits to a few GB.
c.VoilaConfiguration.preheat_kernel = False
# Voila 0.5 inlines a Markdown picture (the course map's) by calling the contents manager as if it
# were synchronous (voila-dashboards/voila#1473); with the server's default asynchronous manager
# the page stops at the first picture. The synchronous large-file manager, the same one's
# blocking sibling, serves JupyterLab as well for a course's files.
c.ServerApp.contents_manager_class = (
    "jupyter_server.services.contents.largefilemanager.LargeFileManager"
)
