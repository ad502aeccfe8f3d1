"""The README's set-up, deploy and layout sections say what the Makefile and the repo do."""

import glob
import re
import shlex
import subprocess
from pathlib import Path

from pages.registry import PAGES

ROOT = Path(__file__).resolve().parents[1]


def readme() -> str:
    return (ROOT / "README.md").read_text()


def section(title: str) -> str:
    text = readme()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def dry_run(target: str) -> str:
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


def test_readme_names_the_commands_it_explains():
    commands = set(re.findall(r"^\s*(make [\w-]+)\s*$", readme(), flags=re.M))
    assert {"make run", "make test", "make test-quick", "make clean"} <= commands
    assert 'pytest -m "not browser"' in section("Set up")
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), flags=re.M))
    for command in re.findall(r"`make ([\w-]+)", readme()):
        assert command in targets, f"the README names make {command}, which the Makefile lacks"


def test_readme_names_every_prerequisite_and_how_chromium_is_found():
    setup = section("Set up")
    for needed in ("Python >= 3.11", "python3-venv", "PYTHON=python3.12", "**make**", "Chromium", "nginx"):
        assert needed in setup, needed
    finder = (ROOT / ".ci" / "find_chromium.sh").read_text()
    for name in ("/usr/bin/chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        assert name in setup and name in finder, name


def test_run_target_checks_python_then_starts_streamlit_on_the_app():
    commands = dry_run("run")
    assert commands.index(".ci/check_python.sh") < commands.index("-m venv")
    assert "pip install -r requirements.txt" in commands and "pip install -q" not in commands
    assert re.search(r"streamlit run app\.py .*--server\.headless true", commands)


def test_test_target_finds_chromium_and_runs_the_suite_in_parallel_and_lint():
    commands = dry_run("test")
    assert "ruff check" in commands and "ruff format --check" in commands
    assert "find_chromium.sh --install" in commands and "need_nginx.sh" in commands
    assert re.search(r'python -m pytest -m "not browser" -n \w+ --dist loadgroup', commands)
    assert re.search(r"python -m pytest -m browser -n \d+ --dist worksteal", commands)


def test_clean_removes_what_the_readme_says():
    commands = dry_run("clean")
    removed = set(re.search(r"^rm -rf (.*)$", commands, flags=re.M).group(1).split())
    said = re.search(r"^removes (.*?)\.$", section("Set up"), flags=re.M | re.S).group(1)
    paths = {path for path in re.findall(r"`(\.?[\w-]+)/?`", said) if path != "__pycache__"}
    assert ".venv" in paths and ".ruff_cache" in paths
    assert paths <= removed
    assert "-name __pycache__" in commands


def test_bench_runs_every_benchmark_script():
    loop = re.search(r"for script in ([^;]+);", dry_run("bench")).group(1)
    ran = {Path(path).name for pattern in shlex.split(loop) for path in glob.glob(str(ROOT / pattern))}
    scripts = {path.name for path in (ROOT / "benchmarks").glob("*.py") if not path.name.startswith("_")}
    assert ran == scripts


def test_no_package_host_is_named():
    for name in ("Makefile", "README.md", "Dockerfile", "compose.yaml", "requirements.txt",
                 "requirements-test.txt", "benchmarks/requirements.txt", ".ci/run"):  # fmt: skip
        text = (ROOT / name).read_text()
        assert not re.search(r"https?://(?!127\.0\.0\.1|SERVER)|--(extra-)?index-url", text), name


def test_layout_calls_only_the_pages_pages():
    row = next(line for line in section("Layout").splitlines() if line.startswith("| `pages/`"))
    pages_part, rest = row.split(";", 1)
    pages = {"home.py"} | {Path(page.path).name for page in PAGES}
    assert set(re.findall(r"`(\w+\.py)`", pages_part)) == pages
    others = {path.name for path in (ROOT / "pages").glob("*.py")} - pages - {"__init__.py"}
    assert others and others == set(re.findall(r"`(\w+\.py)`", rest))


def test_deploy_section_explains_make_serve_and_the_container_files():
    deploy = section("Deploy for a class")
    for needed in ("make serve", "WORKERS", "/_stcore/stream", "/live", "compose.yaml", "Dockerfile",
                   "deploy/kubernetes.yaml", "sessionAffinity: ClientIP", "NAT"):  # fmt: skip
        assert needed in deploy, needed


def test_ci_installs_what_is_missing_and_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "apt-get install" in ci
    assert "missing+=(chromium)" in ci and "missing+=(nginx)" in ci
