"""Check binder/ the way repo2docker would use it, without Docker.

    python3 binder/check.py [--venv DIR] [--python PYTHON]

1. builds a fresh virtual environment from binder/requirements.txt alone (the course and the pins
   of binder/constraints.txt; pip's cache is reused), on the Python that binder/runtime.txt names
   (CPython 3.12), found as `python3.12` on PATH or in pyenv's versions, or given by --python;
2. only where no such Python is found (the environment is then built on this script's own
   Python, and the check says so): asks PyPI whether every pinned package has a wheel for that
   version on Linux, without installing anything;
3. executes every lesson notebook (lessons/[0-9][0-9]_*.ipynb) in that environment;
4. starts a Jupyter server as Binder does (through binder/start) and checks that it answers the
   Voila landing page with the course's template, the first lesson's dashboard and JupyterLab;
5. starts the stand-alone `voila lessons/` of docs/deploying.md and checks that it answers too.

--require-runtime makes a missing runtime Python an error instead of a fallback.
Only 127.0.0.1 is contacted, apart from the package index; every wait is bounded.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def runtime_version() -> str:
    """The Python version binder/runtime.txt asks for, e.g. "3.12"."""
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(3\.\d+)", text)
    if match is None:
        raise SystemExit(f"FAILED: binder/runtime.txt should read python-3.N, not {text!r}")
    return match.group(1)


def python_version_of(python: str) -> str | None:
    """The version of a working interpreter, such as "3.12"; None when it does not run (a pyenv
    shim for a version that is not selected exits with an error)."""
    try:
        result = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def find_python(version: str) -> str | None:
    """A CPython `version` interpreter on this machine: python3.N on PATH, else pyenv's."""
    candidates = [shutil.which(f"python{version}")]
    for root in (os.environ.get("PYENV_ROOT"), Path.home() / ".pyenv"):
        if root:
            candidates += sorted(
                map(str, Path(root).glob(f"versions/{version}.*/bin/python{version}")),
                key=lambda path: [int(n) for n in re.findall(r"\d+", path.split("versions/")[1])],
                reverse=True,  # the newest patch release first
            )
    for candidate in candidates:
        if candidate and python_version_of(candidate) == version:
            return candidate
    return None


def step(title: str) -> float:
    print(f"--- {title}", flush=True)
    return time.monotonic()


def done(started: float) -> None:
    print(f"    ok ({time.monotonic() - started:.0f} s)", flush=True)


def run(cmd: list[str], *, timeout: float, cwd: Path = ROOT, env: dict | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(
            f"FAILED: {' '.join(map(str, cmd))}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 120.0) -> tuple[int, str]:
    """GET `url`: (HTTP status, body). The whole answer must arrive within `timeout` seconds:
    a page that stops half-way (a dashboard whose rendering failed) keeps its socket open with
    no error, so the socket's own timeout is not enough; a late answer is a TimeoutError."""
    answer: dict[str, object] = {}

    def fetch() -> None:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                answer["ok"] = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            answer["ok"] = error.code, ""
        except OSError as error:
            answer["error"] = error

    reader = threading.Thread(target=fetch, daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        raise TimeoutError(f"{url} did not finish answering within {timeout:.0f} s")
    if "error" in answer:
        raise answer["error"]
    return answer["ok"]


def serve(cmd: list[str], probe: str, env: dict, log: Path, timeout: float = 90.0):
    """Start a server and wait until `probe` answers 200; returns the process."""
    process = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"FAILED: server exited:\n{log.read_text()[-4000:]}")
        try:
            if get(probe, timeout=5)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit(
        f"FAILED: no answer from {probe} in {timeout:.0f} s:\n{log.read_text()[-4000:]}"
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def check_dashboard(url: str, what: str, log: Path) -> None:
    """The dashboard at `url` renders in full with the course's template; `log` is the server's."""
    try:
        status, html = get(url)
    except TimeoutError as error:
        tail = log.read_text()[-4000:]
        raise SystemExit(f"FAILED: {what}: {error}; the server's log:\n{tail}") from None
    if status != 200:
        raise SystemExit(f"FAILED: {what}: HTTP {status} for {url}")
    if "templates/descent/static" not in html:
        raise SystemExit(f"FAILED: {what}: the course's Voila template was not used")
    for bad in ("cdn.jsdelivr.net", "Traceback (most recent call last)", "could not be shown"):
        if bad in html:
            raise SystemExit(f"FAILED: {what}: the page contains {bad!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, help="build the environment here (kept afterwards)")
    parser.add_argument(
        "--python", help="interpreter for the environment (default: runtime.txt's version)"
    )
    parser.add_argument(
        "--require-runtime",
        action="store_true",
        help="fail when the Python that runtime.txt names is not found",
    )
    args = parser.parse_args(argv)
    if not LESSONS:
        raise SystemExit("FAILED: no lessons/[0-9][0-9]_*.ipynb")

    wanted = runtime_version()
    python = args.python or find_python(wanted)
    if python is None:
        if args.require_runtime:
            raise SystemExit(
                f"FAILED: binder/runtime.txt asks for Python {wanted} and no python{wanted} was "
                "found (on PATH or in pyenv's versions); give one with --python"
            )
        python = sys.executable
    version = python_version_of(python)
    if version is None:
        raise SystemExit(f"FAILED: {python} does not run")
    if version != wanted:
        print(
            f"NOTE: no Python {wanted} found: the environment is built on {version} "
            f"({python}); step 2 checks the {wanted} wheels instead",
            flush=True,
        )

    work = Path(tempfile.mkdtemp(prefix="binder-check-"))
    venv = args.venv or work / "venv"
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    processes: list[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # still stop the servers below
    try:
        t = step(f"1. fresh environment from binder/requirements.txt ({venv})")
        if venv.exists() and not args.venv:
            shutil.rmtree(venv)
        run([python, "-m", "venv", "--clear", str(venv)], timeout=120)
        run(
            [str(py), "-m", "pip", "install", "-q", "-r", str(BINDER / "requirements.txt")],
            timeout=900,
            env=env,
        )
        run(
            [str(py), "-c", "import widgets, voila, ipympl, ipywidgets, jupyterlab"],
            timeout=120,
            env=env,
        )
        print(f"    environment: Python {python_version_of(str(py))} (from {python})", flush=True)
        done(t)

        if version != wanted:
            t = step(f"2. a CPython {wanted} wheel exists for every pin")
            pins = work / f"pins-{wanted}.txt"
            lines = (BINDER / "constraints.txt").read_text().splitlines()
            pins.write_text(
                "\n".join(
                    line
                    for line in lines
                    if "==" in line and not line.startswith("#") and "python_version" not in line
                )
            )
            run(
                [
                    str(py),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--dry-run",
                    "--ignore-installed",
                    "--target",
                    str(work / f"py{wanted}"),
                    "--no-deps",
                    "--only-binary=:all:",
                    "--python-version",
                    wanted,
                    "--implementation",
                    "cp",
                    "-r",
                    str(pins),
                ],
                timeout=900,
                env=env,
            )
            done(t)
        else:
            print(f"--- 2. (not needed: the environment runs Python {wanted} itself)", flush=True)

        t = step(f"3. execute {len(LESSONS)} lesson notebook(s)")
        out = work / "executed"
        for lesson in LESSONS:
            run(
                [
                    str(py),
                    "-m",
                    "jupyter",
                    "nbconvert",
                    "--to",
                    "notebook",
                    "--execute",
                    "--ExecutePreprocessor.timeout=600",
                    "--output-dir",
                    str(out),
                    str(lesson),
                ],
                timeout=900,
                env=env,
            )
            print(f"    {lesson.name}", flush=True)
        done(t)

        t = step("4. Jupyter server as on Binder (binder/start): Voila and JupyterLab answer")
        port, token = free_port(), secrets.token_hex(16)
        base = f"http://127.0.0.1:{port}"
        server = [
            str(BINDER / "start"),
            str(venv / "bin" / "jupyter"),
            "server",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            server.append("--allow-root")
        processes.append(
            serve(
                server,
                f"{base}/api/status?token={token}",
                {**env, "PATH": f"{venv / 'bin'}:{env.get('PATH', '')}"},
                work / "jupyter-server.log",
            )
        )
        check_dashboard(
            f"{base}/voila/render/lessons/00_course_map.ipynb?token={token}",
            "Binder landing page",
            work / "jupyter-server.log",
        )
        first = next((p for p in LESSONS if not p.name.startswith("00_")), None)
        if first is not None:
            check_dashboard(
                f"{base}/voila/render/lessons/{first.name}?token={token}",
                f"Binder dashboard of {first.name}",
                work / "jupyter-server.log",
            )
        status, html = get(f"{base}/lab/tree/lessons/{LESSONS[-1].name}?token={token}")
        if status != 200 or not re.search(r"JupyterLab", html):
            raise SystemExit(f"FAILED: JupyterLab did not answer (HTTP {status})")
        stop(processes.pop())
        done(t)

        t = step("5. stand-alone `voila lessons/` (docs/deploying.md) answers")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        voila = [
            str(venv / "bin" / "voila"),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--Voila.config_file_paths=lessons/.voila",
            "lessons/",
        ]
        processes.append(serve(voila, f"{base}/", env, work / "voila.log"))
        check_dashboard(
            f"{base}/voila/render/00_course_map.ipynb",
            "stand-alone landing page",
            work / "voila.log",
        )
        stop(processes.pop())
        done(t)
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(work, ignore_errors=True)  # an --venv given by the caller is kept
    print("binder check passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
