"""Node packages the browser and hub tests need (axe-core, configurable-http-proxy), installed
from the npm registry the first time into ~/.cache/descent/ (or $XDG_CACHE_HOME/descent/) and
reused from there after."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "descent"


def install(package: str, version: str, timeout: float = 300.0) -> Path:
    """The install folder of ``package@version`` (its ``node_modules`` is inside), installed with
    npm when it is not there yet. RuntimeError when npm is missing, fails, takes longer than
    ``timeout`` seconds, or installs another version."""
    folder = cache_dir() / f"{package}-{version}"
    manifest = folder / "node_modules" / package / "package.json"
    if not manifest.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                f"npm is needed to install {package}@{version} (Debian: apt-get install nodejs npm;"
                " node >= 20)"
            )
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        command = [npm, "install", "--prefix", str(partial), "--no-audit", "--no-fund"]
        try:
            result = subprocess.run(
                [*command, "--loglevel=error", f"{package}@{version}"],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            shutil.rmtree(partial, ignore_errors=True)
            raise RuntimeError(
                f"npm install {package}@{version} took more than {timeout:.0f} s"
            ) from None
        if result.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            raise RuntimeError(f"npm install {package} failed:\n{result.stderr[-3000:]}")
        try:
            partial.rename(folder)  # atomic: a concurrent install either wins or is dropped
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)
    found = json.loads(manifest.read_text())["version"]
    if found != version:
        raise RuntimeError(f"{manifest} is version {found!r}, expected {version}")
    return folder
