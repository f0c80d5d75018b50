"""binder/ builds a working course: fresh environment, every lesson executed, Voila answering.

Runs binder/check.py (a few minutes: it installs the whole environment from pip's cache).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_binder_environment_builds_and_serves(tmp_path):
    """On a machine with the Python that runtime.txt names (CI always: --require-runtime), the
    environment is built and the lessons run on it; elsewhere the check says it fell back."""
    command = [sys.executable, str(ROOT / "binder" / "check.py"), "--venv", str(tmp_path / "venv")]
    if os.environ.get("CI"):
        command.append("--require-runtime")
    result = subprocess.run(command, capture_output=True, text=True, timeout=1500, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
    assert "binder check passed" in result.stdout
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")
    if os.environ.get("CI"):
        assert f"environment: Python {runtime} " in result.stdout, result.stdout
    else:
        assert f"environment: Python {runtime} " in result.stdout or "NOTE:" in result.stdout


def test_binder_pins_match_the_tested_environment():
    """Every pin in binder/constraints.txt is the version this test run uses (when installed):
    the README's test command installs with those constraints, so a newer release of a
    dependency cannot slip into the tested environment unnoticed."""
    from importlib import metadata

    mismatched = []
    for line in (ROOT / "binder" / "constraints.txt").read_text().splitlines():
        line = line.split(";")[0].strip()
        if "==" not in line or line.startswith("#"):
            continue
        name, version = line.split("==")
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if installed != version:
            mismatched.append(f"{name}: pinned {version}, tested with {installed}")
    assert not mismatched, "refresh binder/constraints.txt:\n  " + "\n  ".join(mismatched)


def test_binder_runtime_and_start():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.12"
    start = ROOT / "binder" / "start"
    assert start.stat().st_mode & 0o111, "binder/start must be executable"
    assert "lessons/.voila" in start.read_text()
    requirements = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    assert "-e ." in requirements, "the course's own package must be installed"
    assert "-c constraints.txt" in requirements, "Binder must install the pinned versions"
