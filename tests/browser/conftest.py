"""Browser tests: `streamlit run app.py` on a free loopback port, driven by Playwright in an
installed headless Chromium (`find_chromium`: Debian's /usr/bin/chromium by default; never
`playwright install`). Screenshots of every test are saved in artifacts/screenshots/."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Other names a Chromium goes by on PATH (Ubuntu's package, Google's builds).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    with streamlit_server(tmp_path_factory) as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path_factory):
    """A server of its own, that no other test has visited yet."""
    with streamlit_server(tmp_path_factory) as url:
        yield url


@contextlib.contextmanager
def streamlit_server(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]  # fmt: skip
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with {server.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy:\n{log_path.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def find_chromium() -> str | None:
    """The Chromium to drive, looked for in the order of .ci/find_chromium.sh (which `make test`
    runs first, and which installs Debian's chromium if none is found): $CHROMIUM, Debian's
    /usr/bin/chromium, then `CHROMIUM_NAMES` on PATH. None if there is none."""
    chosen = os.environ.get("CHROMIUM")
    if chosen and os.access(chosen, os.X_OK):
        return chosen
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


CHROMIUM = find_chromium() or DEBIAN_CHROMIUM


VIEWPORT = {"width": 1400, "height": 1000}  # each test's page starts at this size (tests set their own)
# What a test leaves in the browser and the next one must not see; the HTTP cache and the compiled
# scripts stay (Chrome DevTools Protocol, Storage.clearDataForOrigin).
SITE_DATA = "cookies,local_storage,indexeddb,websql,service_workers,cache_storage,file_systems"


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """One Chromium for the test process, with a profile directory so that it keeps its HTTP
    cache and its compiled JavaScript between tests, as a student's browser does between pages:
    a page load then costs about 40% less CPU than in a new context (the browser tests are
    CPU-bound on 2 cores). Each test gets a page of its own (a Streamlit session of its own)
    and ``page`` clears the site's data after it."""
    executable = find_chromium()
    if executable is None:
        pytest.fail(
            "no Chromium found ($CHROMIUM, /usr/bin/chromium, or chromium, chromium-browser, google-chrome "
            "on PATH): run `make chromium` (installs Debian's chromium with apt-get, as root), install "
            "Chromium or Chrome yourself, or skip the browser tests with -m 'not browser'"
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT,
            accept_downloads=True, reduced_motion="reduce",  # Streamlit's CSS animations: CPU only
        )  # fmt: skip
        yield context
        context.close()


@pytest.fixture
def page(browser_context, request):
    """A new page (tab) at ``VIEWPORT``; after the test, a screenshot of it in
    artifacts/screenshots/ (named after the test), then the page is closed and the cookies and
    storage of the sites it visited are cleared."""
    page = browser_context.new_page()
    page.set_viewport_size(VIEWPORT)
    visited: set[str] = set()  # the origins whose data is cleared afterwards
    page.on("framenavigated", lambda frame: visited.add(origin(frame.url)))
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        clear_site_data(page, visited)
        page.close()


def origin(url: str) -> str:
    """``scheme://host:port`` of a URL (a websocket's as the page's: ws -> http)."""
    parts = urlsplit(url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}"


def clear_site_data(page: Page, origins: set[str]) -> None:
    """Cookies, local storage, IndexedDB and the like of ``origins`` (http ones), not the cache."""
    session = page.context.new_cdp_session(page)
    try:
        for site in sorted(o for o in origins if o.startswith("http")):
            session.send("Storage.clearDataForOrigin", {"origin": site, "storageTypes": SITE_DATA})
    finally:
        session.detach()
    page.context.clear_cookies()


def wait_until_idle(page: Page, timeout: float = 30_000) -> None:
    """The app has drawn a chart (Plotly, or a live view's first frame) and is no longer running
    a script."""
    page.locator(".main-svg, [data-bl-live][data-bl-draws]:not([data-bl-draws='0'])").first.wait_for(
        state="visible", timeout=timeout
    )
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=timeout)


def assert_no_exception(page: Page) -> None:
    """No traceback box, and no message from app.py's last-resort error handler."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Something went wrong on this page")).to_have_count(0)
