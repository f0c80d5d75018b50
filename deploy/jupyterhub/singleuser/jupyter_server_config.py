"""Settings of a student's Jupyter server on the hub, added to the course's own (lessons/.voila)
by start-singleuser.

- Kernels: a dashboard tab that is closed leaves its kernel running, and a reload starts another
  one. Kernels with no tab attached are shut down after 30 idle minutes (the stand-alone Voila
  server's setting); a notebook or dashboard still open keeps its kernel. Whole servers are the
  hub's idle culler's business (jupyterhub_config.py).
- Formulas: inside a Jupyter server, Voila's extension tells a dashboard to load MathJax 2 from a
  CDN unless the server's settings name a MathJax URL and configuration. Named as None, as the
  stand-alone Voila server has them, the dashboards typeset with the MathJax that JupyterLab
  bundles, and no request leaves the hub (without this, a hub with no internet access shows raw
  LaTeX; tests/hub checks both).
"""

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.MappingKernelManager.cull_idle_timeout = 30 * 60
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False

c.ServerApp.tornado_settings = {"mathjax_url": None, "mathjax_config": None}
