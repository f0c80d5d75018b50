"""The class configuration itself, as an instructor's server loads it, in seconds.

test_hub.py runs the hub with the test login and spawner; here the production choices are
checked: every option the file sets exists on the class that reads it (a misspelt option is
otherwise ignored with at most a warning), the login and spawner it names are installed, the
roster files are read as documented, and the Zero to JupyterHub values state the same class.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
import yaml
from hub_harness import CONFIG, ROOT
from jupyterhub.app import JupyterHub
from jupyterhub.auth import Authenticator
from jupyterhub.spawner import Spawner
from traitlets.config import Config

VALUES = ROOT / "deploy" / "jupyterhub" / "z2jh-values.yaml"
START = ROOT / "deploy" / "jupyterhub" / "start-singleuser"


@pytest.fixture
def loaded(tmp_path, monkeypatch) -> JupyterHub:
    """A JupyterHub app with the class configuration loaded (not started), with a roster."""
    (tmp_path / "students.txt").write_text("# class of 2027\nada\n\n  grace  # row 2\n")
    (tmp_path / "instructors.txt").write_text("turing\n")
    monkeypatch.setenv("DESCENT_HUB_ETC", str(tmp_path))
    monkeypatch.delenv("DESCENT_HUB_IDLE_TIMEOUT", raising=False)
    app = JupyterHub()
    app.load_config_file(str(CONFIG))
    return app


def test_every_option_exists_on_the_class_that_reads_it(loaded):
    authenticator, spawner = loaded.authenticator_class, loaded.spawner_class
    assert authenticator.__name__ == "FirstUseAuthenticator"
    assert spawner.__name__ == "SystemdSpawner"
    readers = {
        "JupyterHub": JupyterHub,
        "Authenticator": Authenticator,
        "Spawner": Spawner,
        authenticator.__name__: authenticator,
        spawner.__name__: spawner,
    }
    unknown = [
        f"{section}.{name}"
        for section, options in loaded.config.items()
        for name in options
        if section not in readers or name not in readers[section].class_traits(config=True)
    ]
    assert not unknown, f"options no class reads: {unknown}"
    # values that validate only when a class takes them: mem_limit "1G" -> bytes, and so on
    config = Config(loaded.config)
    auth = authenticator(config=config)
    assert auth.allowed_users == {"ada", "grace"} and auth.admin_users == {"turing"}
    assert auth.min_password_length == 8
    one = spawner(config=config, user=SimpleNamespace(name="ada", id=7))
    assert one.unit_name == "jupyter-ada"  # the systemd service, and its dynamic Unix user
    assert one.mem_limit == 2**30 and one.cpu_limit == 1.0
    assert one.dynamic_users and one.default_url == "/lab/tree/lessons/00_course_map.ipynb"
    assert one.cmd[0] == str(START) and one.cmd[1].endswith("jupyterhub-singleuser")


def test_the_idle_culler_runs_with_its_role(loaded):
    (culler,) = loaded.config.JupyterHub.services
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    assert "--timeout=3600" in culler["command"]
    (role,) = loaded.config.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"]
    assert {"list:users", "read:users:activity", "delete:servers"} <= set(role["scopes"])
    # activity reaches the hub several times per timeout, or the culler would stop busy servers
    every = loaded.config.JupyterHub.last_activity_interval
    assert 0 < every <= 3600 / 4
    assert loaded.config.Spawner.environment["JUPYTERHUB_ACTIVITY_INTERVAL"] == str(every)


def test_the_kubernetes_values_state_the_same_class(loaded):
    values = yaml.safe_load(VALUES.read_text())
    hub, singleuser = values["hub"]["config"], values["singleuser"]
    config = loaded.config
    assert hub["JupyterHub"]["authenticator_class"] == config.JupyterHub.authenticator_class
    assert hub["FirstUseAuthenticator"] == {
        "min_password_length": config.FirstUseAuthenticator.min_password_length,
        "create_users": config.FirstUseAuthenticator.create_users,
    }
    assert singleuser["memory"]["limit"] == config.Spawner.mem_limit
    assert float(singleuser["cpu"]["limit"]) == config.Spawner.cpu_limit
    assert singleuser["defaultUrl"] == config.Spawner.default_url
    assert singleuser["startTimeout"] == config.Spawner.start_timeout
    assert hub["KubeSpawner"]["http_timeout"] == config.Spawner.http_timeout
    assert values["cull"]["timeout"] == 3600 and values["cull"]["enabled"]
    # the image holds the course in /srv/descent (repo2docker --target-repo-dir, in the docs)
    start = singleuser["cmd"][0]
    assert start == "/srv/descent/" + str(START.relative_to(ROOT))
    docs = (ROOT / "docs" / "jupyterhub.md").read_text()
    assert "--target-repo-dir /srv/descent" in docs


def test_start_script_copies_the_lessons_once_and_keeps_the_students_work(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_CONFIG_PATH"}
    env["HOME"] = str(home)
    show = ["sh", "-c", 'echo "$JUPYTER_CONFIG_PATH"']
    out = subprocess.run([str(START), *show], env=env, capture_output=True, text=True, check=True)
    paths = out.stdout.strip().split(os.pathsep)
    assert str(ROOT / "lessons" / ".voila") in paths
    assert str(ROOT / "deploy" / "jupyterhub" / "singleuser") in paths
    lessons = sorted(p.name for p in (ROOT / "lessons").glob("*.ipynb"))
    assert sorted(p.name for p in (home / "lessons").glob("*.ipynb")) == lessons
    # the course map's pictures, which its dashboard inlines
    pictures = sorted(p.name for p in (ROOT / "lessons" / "images").iterdir())
    assert pictures and sorted(p.name for p in (home / "lessons" / "images").iterdir()) == pictures
    edited = home / "lessons" / lessons[1]
    edited.write_text("my work")
    (home / "lessons" / lessons[0]).unlink()  # as if the course had gained a lesson since
    subprocess.run([str(START), "true"], env=env, check=True)
    assert edited.read_text() == "my work"
    assert (home / "lessons" / lessons[0]).read_bytes() == (
        ROOT / "lessons" / lessons[0]
    ).read_bytes()
    # binder/start is not run twice when an image's entrypoint has run it
    env["JUPYTER_CONFIG_PATH"] = str(ROOT / "lessons" / ".voila")
    out = subprocess.run([str(START), *show], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().split(os.pathsep).count(str(ROOT / "lessons" / ".voila")) == 1


def test_a_students_server_gets_the_course_settings_and_the_hubs(tmp_path):
    """The configuration a student's server loads through start-singleuser: the course's Voila
    settings (lessons/.voila), among them the synchronous contents manager that Voila needs to
    inline the course map's pictures (voila-dashboards/voila#1473), and the hub's own (kernel
    culling, formulas typeset with JupyterLab's MathJax)."""
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_CONFIG_PATH"}
    env["HOME"] = str(tmp_path)
    show = (
        "import json; from jupyter_server.serverapp import ServerApp; app = ServerApp(); "
        "app.load_config_file(); c = app.config; print(json.dumps(dict("
        "contents=c.ServerApp.contents_manager_class, tornado=c.ServerApp.tornado_settings, "
        "cull=c.MappingKernelManager.cull_idle_timeout, template=c.VoilaConfiguration.template, "
        "preheat=c.VoilaConfiguration.preheat_kernel)))"
    )
    out = subprocess.run(
        [str(START), sys.executable, "-c", show],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    settings = json.loads(out.stdout.strip().splitlines()[-1])
    assert settings == {
        "contents": "jupyter_server.services.contents.largefilemanager.LargeFileManager",
        "tornado": {"mathjax_url": None, "mathjax_config": None},
        "cull": 30 * 60,
        "template": "descent",
        "preheat": False,
    }
