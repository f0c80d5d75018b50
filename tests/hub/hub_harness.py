"""A JupyterHub running deploy/jupyterhub/jupyterhub_config.py on this machine, for tests/hub and
benchmarks/bench_hub.py.

The hub is the class configuration with what needs root or systemd swapped for what does not:
JupyterHub's DummyAuthenticator (any name on the roster, any password) instead of first-use
passwords, and SimpleLocalProcessSpawner (every student's server runs as the current Unix user,
in a home folder of its own) instead of SystemdSpawner; everything else (the course's Voila and
kernel settings, the start script that copies the lessons, the idle culler and its role, the
timeouts) is the configuration's own (OVERLAY below). It listens on free loopback ports;
configurable-http-proxy comes from the npm registry, at a pinned version, installed into a cache
folder the first time.

Every process the hub starts is found from the hub's process (the students' servers run in
sessions of their own, so a signal to the hub's group does not reach them) and stopped at the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "tests"))

import npm_packages  # noqa: E402
from voila_harness import free_port, http_get  # noqa: E402

CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
# The proxy JupyterHub drives (the version Zero to JupyterHub 4.4 ships); it needs node >= 20.
CHP_PACKAGE = "configurable-http-proxy"
CHP_VERSION = "5.3.0"
PASSWORD = "any password"  # the DummyAuthenticator takes any
LESSON = "01_logistic_regression_mle.ipynb"  # the course's first lesson

# The class configuration, with the login, the spawner, the ports and the clean-up changed.
OVERLAY = """\
import os

load_subconfig({config!r})  # noqa: F821
c = get_config()  # noqa: F821
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {home!r} + "/{{username}}"
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
# here, stopping the hub stops the students' servers too
c.JupyterHub.cleanup_servers = True
# a Jupyter server refuses to run as root unless told (CI runs as root; real students never do)
if os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")
# nbgrader, installed here for the course's build only, stays out of the students' servers
c.Spawner.environment["JUPYTER_CONFIG_PATH"] = {jupyter_config!r}
"""
# What the students' servers would not have in the course's own environment.
TEST_ONLY_EXTENSIONS = {
    "jupyter_server_config.json": {
        "ServerApp": {
            "jpserver_extensions": {
                "nbgrader.server_extensions.formgrader": False,
                "nbgrader.server_extensions.validate_assignment": False,
                "nbgrader.server_extensions.assignment_list": False,
                "nbgrader.server_extensions.course_list": False,
            }
        }
    },
    "labconfig/page_config.json": {"disabledExtensions": {"@jupyter/nbgrader": True}},
}


def ensure_proxy(timeout: float = 300.0) -> Path:
    """The folder holding the `configurable-http-proxy` command, installed with npm into
    ~/.cache/descent/ when it is not there yet (and reused from there after). RuntimeError when
    npm is missing, fails or takes longer than ``timeout`` seconds."""
    command = npm_packages.install(CHP_PACKAGE, CHP_VERSION, timeout) / "node_modules" / ".bin"
    command = command / CHP_PACKAGE
    version = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, timeout=60
    ).stdout.strip()
    if version != CHP_VERSION:
        raise RuntimeError(f"{command} is version {version!r}, expected {CHP_VERSION}")
    return command.parent


@dataclass
class Hub:
    """A running JupyterHub and everything it started."""

    process: subprocess.Popen
    port: int
    state: Path
    log_path: Path
    seen: set[int] = field(default_factory=set)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/" + path.lstrip("/")

    def home(self, user: str) -> Path:
        return self.state / "home" / user

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def descendants(self) -> list[psutil.Process]:
        """Every live process the hub started (proxy, culler, servers, kernels); remembered, so
        that stop() also finds the ones whose parent has gone."""
        try:
            found = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            found = []
        self.seen.update(p.pid for p in found)
        return found

    def servers(self) -> dict[str, psutil.Process]:
        """Each student's Jupyter server process, by user name."""
        out = {}
        for proc in self.descendants():
            try:
                user = proc.environ().get("JUPYTERHUB_USER")
                if user and "jupyterhub-singleuser" in " ".join(proc.cmdline()):
                    out[user] = proc
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                continue
        return out

    def user_processes(self, user: str) -> list[psutil.Process]:
        """A student's server and its kernels."""
        server = self.servers().get(user)
        if server is None:
            return []
        try:
            return [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the hub (it stops the students' servers and the proxy), then kill whatever it
        started that is still alive, process group by process group."""
        self.descendants()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        survivors = []
        for pid in self.seen:
            try:
                survivors.append(psutil.Process(pid))
            except psutil.NoSuchProcess:
                continue
        for proc in survivors:
            try:
                os.killpg(os.getpgid(proc.pid), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        psutil.wait_procs(survivors, timeout=10)
        try:  # the hub's own group (proxy, culler), in case the hub was killed
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def start_hub(
    state: Path,
    students: list[str],
    *,
    instructors: tuple[str, ...] = (),
    idle_timeout: int = 3600,
    extra_args: tuple[str, ...] = (),
    timeout: float = 90.0,
) -> Hub:
    """Start the class hub on free loopback ports, with its state in ``state``; wait until it
    answers /hub/health."""
    proxy_bin = ensure_proxy()
    state.mkdir(parents=True, exist_ok=True)
    etc = state / "etc"
    etc.mkdir(exist_ok=True)
    (etc / "students.txt").write_text("\n".join(students) + "\n")
    (etc / "instructors.txt").write_text("\n".join(instructors) + "\n")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    jupyter_config = state / "jupyter-config"
    for name, settings in TEST_ONLY_EXTENSIONS.items():
        (jupyter_config / name).parent.mkdir(parents=True, exist_ok=True)
        (jupyter_config / name).write_text(json.dumps(settings))
    overlay = state / "jupyterhub_config.py"
    overlay.write_text(
        OVERLAY.format(
            config=str(CONFIG),
            port=port,
            hub_port=hub_port,
            api_port=api_port,
            home=str(state / "home"),
            jupyter_config=str(jupyter_config),
        )
    )
    args = [sys.executable, "-m", "jupyterhub", "-f", str(overlay), *extra_args]
    env = {k: v for k, v in os.environ.items() if k != "DESCENT_BACKEND"}
    env.update(
        PATH=os.pathsep.join([str(proxy_bin), str(Path(sys.executable).parent), env["PATH"]]),
        DESCENT_HUB_ETC=str(etc),
        DESCENT_HUB_IDLE_TIMEOUT=str(idle_timeout),
        PYTHONUNBUFFERED="1",
    )
    log_path = state / "jupyterhub.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        args, cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    hub = Hub(process=process, port=port, state=state, log_path=log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            hub.stop()
            raise RuntimeError(f"jupyterhub exited with {process.returncode}:\n{hub.log_tail()}")
        try:
            if http_get(hub.url("/hub/health"), timeout=2)[0] == 200:
                hub.descendants()
                return hub
        except OSError:
            pass
        time.sleep(0.25)
    hub.stop()
    raise RuntimeError(f"jupyterhub did not answer within {timeout:.0f} s:\n{hub.log_tail()}")


def log_in(page, hub: Hub, user: str, next_path: str = "", timeout: float = 180.0) -> None:
    """Log in on the hub's login page as ``user``, then follow the hub (which starts the
    student's server on the way, showing its progress page) until the page is in the student's
    server: at ``next_path`` (a /hub/user-redirect/ link works for every student), or without
    one wherever the hub sends a student who just logged in."""
    from urllib.parse import quote, urlparse

    query = f"?next={quote(next_path)}" if next_path else ""
    page.goto(hub.url(f"/hub/login{query}"), wait_until="load")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    target = next_path.replace("/hub/user-redirect/", f"/user/{user}/") or f"/user/{user}/"
    page.wait_for_url(lambda url: urlparse(url).path.startswith(target), timeout=timeout * 1000)


def lab_url(user: str, notebook: str) -> str:
    return f"/user/{user}/lab/tree/lessons/{notebook}"


def dashboard_url(user: str, notebook: str) -> str:
    return f"/user/{user}/voila/render/lessons/{notebook}"


def memory_mb(processes: list[psutil.Process]) -> dict[str, float]:
    """Resident and unique memory (MB) summed over processes."""
    rss = uss = 0.0
    for proc in processes:
        try:
            info = proc.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss / 2**20
        uss += info.uss / 2**20
    return {"rss_mb": rss, "uss_mb": uss}
