"""The dashboards' kernel: ipykernel without its debugger, for the stand-alone Voila server only.

lessons/.voila/voila.py puts lessons/.voila/dashboard first on JUPYTER_PATH, so its python3
kernel spec (dashboard/kernels/python3/launch.py) replaces ipykernel's own for the dashboards;
jupyter_server_config.py takes it out again, so JupyterLab's notebooks keep their debugger.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "lessons" / ".voila"
DASHBOARD_SPEC = CONFIG_DIR / "dashboard" / "kernels" / "python3"


def load_config(name: str, monkeypatch) -> list[str]:
    """Load one of the course's config files as a server would; returns JUPYTER_PATH after it."""
    monkeypatch.setenv("JUPYTER_PATH", "")
    PyFileConfigLoader(name, path=str(CONFIG_DIR)).load_config()
    return os.environ["JUPYTER_PATH"].split(os.pathsep)


def test_the_voila_server_starts_dashboards_on_the_debugger_free_kernel(monkeypatch):
    path = load_config("voila.py", monkeypatch)
    assert str(CONFIG_DIR) in path  # the descent template
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir) == DASHBOARD_SPEC
    assert spec.argv[:2] == ["python", "{resource_dir}/launch.py"]


def test_jupyterlab_keeps_ipykernels_own_python_kernel(monkeypatch):
    path = load_config("jupyter_server_config.py", monkeypatch)
    assert str(CONFIG_DIR) in path  # the template is still found
    assert str(CONFIG_DIR / "dashboard") not in path
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir) != DASHBOARD_SPEC
    assert "ipykernel_launcher" in spec.argv


@pytest.mark.parametrize("dashboard", [True, False], ids=["dashboard", "jupyterlab"])
def test_the_dashboard_kernel_runs_without_debugpy(monkeypatch, dashboard):
    """The same check on both kernels, so that it can fail: only the dashboard's goes without."""
    monkeypatch.setenv("JUPYTER_PATH", str(CONFIG_DIR / "dashboard") if dashboard else "")
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=60)
    try:
        info = client.kernel_info(reply=True, timeout=30)["content"]
        reply = client.execute(
            "import sys",
            user_expressions={  # blocked modules are None in sys.modules
                "debugpy": "any(sys.modules.get(m) for m in ('debugpy', '_pydevd_bundle'))"
            },
            reply=True,
            timeout=30,
        )["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["status"] == "ok"
    loaded = reply["user_expressions"]["debugpy"]["data"]["text/plain"]
    assert loaded == str(not dashboard)
    assert ("debugger" in info.get("supported_features", [])) is not dashboard
