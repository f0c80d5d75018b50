"""JupyterHub for a class on one server: every student gets a Jupyter server of their own.

    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

(docs/jupyterhub.md sets it up step by step, as a systemd service behind an HTTPS proxy.)

What a student gets, after logging in:
- JupyterLab at the course map, `/user/<name>/lab/tree/lessons/00_course_map.ipynb`, in a copy of
  the lessons that is theirs to edit (start-singleuser makes it on the first start and later
  only adds lessons that are new; it never overwrites a student's work);
- the dashboards at `/user/<name>/voila/render/lessons/<lesson>.ipynb`, with the course's Voila
  and kernel settings (lessons/.voila, put on the server's config path by binder/start, as on
  Binder). One link serves the whole class: `/hub/user-redirect/voila/render/lessons/<lesson>`.

Limits per student: 1 GB of memory and one CPU core, enforced by systemd (SystemdSpawner: each
student's server is a transient service with a dynamic Unix user, so the server needs no
accounts). Idle servers are stopped by jupyterhub-idle-culler after an hour; kernels that no tab
uses any more, after 30 idle minutes (singleuser/jupyter_server_config.py).

Read from the environment (the systemd unit in this folder sets them):
- DESCENT_HUB_ETC: the folder with students.txt and instructors.txt, one user name a line
  (default /etc/descent-hub). Only those names can log in; instructors are the hub's admins.
- DESCENT_HUB_IDLE_TIMEOUT: seconds without activity before a student's server is stopped
  (default 3600).

The hub keeps its database, cookie secret and password file in the folder it is started from.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

HERE = Path(__file__).resolve().parent
COURSE = HERE.parents[1]
ETC = Path(os.environ.get("DESCENT_HUB_ETC", "/etc/descent-hub"))


def _names(path: Path) -> set[str]:
    """User names in a roster file: one a line; blank lines and # comments ignored."""
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


# --- who can log in ------------------------------------------------------------------------------
# Each student chooses a password the first time they log in (at least 8 characters); only names
# on the roster are accepted. An instructor can reset a forgotten password by deleting the user on
# the admin page (/hub/admin) and adding them again.
c.JupyterHub.authenticator_class = "firstuse"
c.FirstUseAuthenticator.min_password_length = 8
c.FirstUseAuthenticator.create_users = True
c.Authenticator.allowed_users = _names(ETC / "students.txt")
c.Authenticator.admin_users = _names(ETC / "instructors.txt")
# Instructors can open a student's server to help (the admin page's "access server").
c.JupyterHub.admin_access = True

# --- where the hub listens -----------------------------------------------------------------------
# On the loopback interface only: an HTTPS reverse proxy (docs/jupyterhub.md: Caddy) faces the
# network and forwards to it.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
# The hub's own pages, with RequireJS's time limit for their scripts lifted (templates/page.html).
c.JupyterHub.template_paths = [str(HERE / "templates")]

# --- each student's server -----------------------------------------------------------------------
c.JupyterHub.spawner_class = "systemd"
c.SystemdSpawner.dynamic_users = True  # a Unix user per student, made by systemd on the fly
c.SystemdSpawner.unit_name_template = "jupyter-{USERNAME}"
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True

# Memory and CPU per student. A student with a lesson's dashboard open uses about 290 MB (their
# server and the lesson's kernel; benchmarks/bench_hub.py), with JupyterLab, the lesson's
# notebook, the course map's dashboard and the lesson's about 480 MB (tests/hub). 1 GB leaves room
# for a second lesson and the student's own experiments, and stops a runaway cell before it takes
# the machine.
# One core at most per student keeps a busy loop in one notebook from slowing everybody else.
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0

# The course's own environment: the hub's Python, where the course is installed.
_singleuser = str(Path(sys.executable).with_name("jupyterhub-singleuser"))
c.Spawner.cmd = [str(HERE / "start-singleuser"), _singleuser]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/lessons/00_course_map.ipynb"
# A class logging in together starts every server at once: with 20 students arriving within a
# minute on 2 cores, logging in and starting a server took a median of 35 s
# (benchmarks/bench_hub.py); JupyterHub gives up after 30 s by default.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180

# --- idle servers --------------------------------------------------------------------------------
IDLE_TIMEOUT = int(os.environ.get("DESCENT_HUB_IDLE_TIMEOUT", "3600"))
# Activity reaches the hub from two places, each checked a few times per timeout: the proxy's
# record of traffic to a server, and the server's own report of kernel and API activity.
_check = max(1, min(300, IDLE_TIMEOUT // 6))
c.JupyterHub.last_activity_interval = _check
c.Spawner.environment = {"JUPYTERHUB_ACTIVITY_INTERVAL": str(_check)}
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={IDLE_TIMEOUT}",
            f"--cull-every={_check}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
# Stopping the hub (systemctl stop) leaves students' servers running, so a restart of the hub
# (an upgrade, a changed roster) does not interrupt the class; the culler stops them later.
c.JupyterHub.cleanup_servers = False
