"""The README's two set-up commands exist and do what it says."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme() -> str:
    return (ROOT / "README.md").read_text()


def dry_run(target: str) -> str:
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


def test_readme_names_exactly_the_two_commands():
    text = readme()
    assert "make run" in text and "make test" in text
    commands = set(re.findall(r"^\s*(make \w+)\s*$", text, flags=re.M))
    assert {"make run", "make test"} <= commands


def test_run_target_starts_streamlit_on_the_app():
    assert re.search(r"streamlit run app\.py .*--server\.headless true", dry_run("run"))


def test_test_target_runs_the_suite_and_lint():
    commands = dry_run("test")
    assert "python -m pytest" in commands
    assert "ruff check" in commands and "ruff format --check" in commands


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "apt-get install" in ci and "chromium" in ci
