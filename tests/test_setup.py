"""The set-up scripts the Makefile runs first: the Python version check (.ci/check_python.sh)
and the Chromium finder (.ci/find_chromium.sh), driven with fake interpreters and browsers."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fake(directory: Path, name: str, script: str) -> Path:
    path = directory / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def run(command: list[str], **env) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env})


def test_python_3_10_is_refused_with_what_was_found_and_how_to_pick_another(tmp_path):
    python = fake(tmp_path, "python3", "echo 3.10.14\n")  # answers every -c with its version
    venv = tmp_path / "venv"
    result = run(["make", "run", f"PYTHON={python}", f"VENV={venv}"])
    assert result.returncode != 0
    assert f"'{python}' ({python}) is Python 3.10.14" in result.stderr
    assert "needs Python >= 3.11" in result.stderr and "make run PYTHON=python3.12" in result.stderr
    assert "pip install" not in result.stdout, "nothing is installed with the wrong interpreter"
    assert not venv.exists()


def test_a_missing_interpreter_is_named(tmp_path):
    result = run(["sh", ".ci/check_python.sh", "python3.99-not-here", str(tmp_path / "venv")])
    assert result.returncode == 1
    assert "no Python found as 'python3.99-not-here'" in result.stderr


def test_a_venv_made_by_another_interpreter_is_removed(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    fake(venv / "bin", "python", "echo 3.10.14 /usr\n")  # what a first try with 3.10 left behind
    (venv / "leftover").write_text("x")
    result = run(["sh", ".ci/check_python.sh", sys.executable, str(venv)])
    assert result.returncode == 0, result.stderr
    assert f"{venv} was made by 3.10.14 /usr; rebuilding it" in result.stdout
    assert not (venv / "leftover").exists()
    identity = (venv / ".python").read_text()
    assert identity.startswith(".".join(map(str, sys.version_info[:3])))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # as make does
    again = run(["sh", ".ci/check_python.sh", sys.executable, str(venv)])
    assert "rebuilding" not in again.stdout and (venv / ".python").read_text() == identity


def test_an_installed_chromium_is_found_on_path_before_any_install(tmp_path):
    chrome = fake(tmp_path, "google-chrome", "exit 0\n")
    result = run(["/bin/sh", ".ci/find_chromium.sh", "--install"], PATH=str(tmp_path),
                 DEBIAN_CHROMIUM=str(tmp_path / "none"), CHROMIUM="")  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == str(chrome)
    assert "apt-get" not in result.stderr


def test_without_chromium_and_apt_it_says_what_to_install(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to("/usr/bin/id")
    result = run(["/bin/sh", ".ci/find_chromium.sh", "--install"], PATH=str(bin_dir),
                 DEBIAN_CHROMIUM=str(tmp_path / "none"), CHROMIUM="")  # fmt: skip
    assert result.returncode == 1
    assert "no apt-get to install one" in result.stderr
    assert "apt-get install chromium" in result.stderr and "CHROMIUM=/path/to/chrome" in result.stderr


def test_the_browser_tests_look_where_the_makefile_looks(tmp_path, monkeypatch):
    from tests.browser import conftest

    chrome = fake(tmp_path, "chromium-browser", "exit 0\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(conftest, "DEBIAN_CHROMIUM", str(tmp_path / "none"))
    assert conftest.find_chromium() == str(chrome)
    monkeypatch.setenv("CHROMIUM", str(chrome))
    assert conftest.find_chromium() == str(chrome)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("CHROMIUM")
    assert conftest.find_chromium() is None
