"""`make serve`'s launcher (deploy/serve.py): two Streamlit workers behind nginx on loopback.
A browser (a cookie jar) stays on one worker for every request, a websocket upgrade to
/_stcore/stream included; browsers without a cookie are spread over both workers; Ctrl-C
stops nginx and the workers. nginx answers which worker served in X-Backprop-Worker."""

from __future__ import annotations

import base64
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "deploy" / "serve.py"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# one cluster per module: the tests share one xdist process (make test runs --dist loadgroup)
pytestmark = [pytest.mark.serve, pytest.mark.xdist_group("serve")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The launcher with two workers: (url, worker addresses, the launcher's Popen, pid by address)."""
    if not Path(NGINX).exists():
        pytest.fail("no nginx: run `make nginx` (installs Debian's nginx with apt-get, as root)")
    port = free_port()
    run_dir = tmp_path_factory.mktemp("serve")
    command = [sys.executable, str(LAUNCHER), "--workers", "2", "--port", str(port), "--run-dir", run_dir]
    launcher = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = ""
    deadline = time.monotonic() + 180
    try:
        while "ready:" not in output:
            if launcher.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the launcher did not get ready (exit code {launcher.poll()}):\n{output}")
            if select.select([launcher.stdout], [], [], 1.0)[0]:
                output += launcher.stdout.readline()
        found = re.findall(r"(127\.0\.0\.1:\d+) pid (\d+)", output.split("->", 1)[1])
        yield f"http://127.0.0.1:{port}", [address for address, _ in found], launcher, dict(found)
    finally:
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGINT)
            try:
                launcher.wait(timeout=30)
            except subprocess.TimeoutExpired:
                launcher.kill()


def get(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """GET `url`: (the worker that served it, the bl_worker cookie set, if any)."""
    request = urllib.request.Request(url, headers={"Cookie": f"bl_worker={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 200
        set_cookie = response.headers.get("Set-Cookie") or ""
        match = re.match(r"bl_worker=([0-9a-f]+);", set_cookie)
        return response.headers["X-Backprop-Worker"], match and match.group(1)


def websocket_upgrade(url: str, path: str, cookie: str) -> tuple[str, str]:
    """A websocket handshake through nginx: (the status line, the worker that accepted it)."""
    host, port = url.removeprefix("http://").split(":")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {url}\r\nCookie: bl_worker={cookie}\r\n"
        f"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Key: {key}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    lines = head.decode(errors="replace").split("\r\n")
    header = "x-backprop-worker:"
    worker = next((line[len(header) :].strip() for line in lines if line.lower().startswith(header)), "")
    return lines[0], worker


def test_a_browser_stays_on_one_worker_websocket_included(cluster):
    url, workers, *_ = cluster
    first, cookie = get(url + "/")
    assert cookie, "nginx sets the affinity cookie on a first visit"
    assert first in workers
    for path in ("/", "/_stcore/health", "/playground", "/_stcore/host-config", "/"):
        worker, again = get(url + path, cookie)
        assert worker == first, f"{path} went to {worker}, the session is on {first}"
        assert again is None, "a browser that has the cookie does not get a new one"
    status, worker = websocket_upgrade(url, "/_stcore/stream", cookie)
    assert status.startswith("HTTP/1.1 101"), status
    assert worker == first


def test_browsers_without_a_cookie_are_spread_over_both_workers(cluster):
    url, workers, *_ = cluster
    assert len(set(workers)) == 2
    visits = [get(url + "/") for _ in range(24)]  # all on one worker: chance 2 x 2^-24
    assert {worker for worker, _ in visits} == set(workers)
    assert len({cookie for _, cookie in visits}) == len(visits), "each browser gets its own key"
    for worker, cookie in visits[:6]:
        assert get(url + "/_stcore/health", cookie)[0] == worker


def test_a_worker_that_dies_is_replaced_and_ctrl_c_stops_everything(cluster):
    url, workers, launcher, pids = cluster
    first, cookie = get(url + "/")
    os.kill(int(pids[first]), signal.SIGKILL)
    deadline = time.monotonic() + 120
    while healthy(f"http://{first}"):  # until the kill has taken effect
        assert time.monotonic() < deadline
        time.sleep(0.1)
    while not healthy(f"http://{first}"):
        assert time.monotonic() < deadline, "the launcher did not start the dead worker again"
        time.sleep(0.5)
    assert get(url + "/", cookie)[0] == first, "after the restart the browser goes to its worker again"
    launcher.send_signal(signal.SIGINT)
    assert launcher.wait(timeout=30) == 0
    for address in [url.removeprefix("http://"), *workers]:
        host, port = address.split(":")
        with pytest.raises(OSError):
            socket.create_connection((host, int(port)), timeout=2).close()


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_the_compose_config_is_the_template_filled_in():
    rendered = subprocess.run(
        [sys.executable, str(LAUNCHER), "--render-config", "--upstream", "app:8501", "--listen", "80"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert (ROOT / "deploy" / "compose-nginx.conf").read_text() == rendered
    assert re.search(r"^\s*hash \$bl_key consistent;", rendered, flags=re.M)
    assert not re.search(r"^\s*ip_hash", rendered, flags=re.M), "a classroom behind NAT is one address"


def test_the_container_files_run_the_app_as_make_serve_does():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for flag in ("--server.headless", "--server.fileWatcherType", "--browser.gatherUsageStats"):
        assert f'"{flag}"' in dockerfile
    assert "/_stcore/health" in dockerfile and "USER app" in dockerfile
    compose = (ROOT / "compose.yaml").read_text()
    assert "./deploy/compose-nginx.conf:/etc/nginx/conf.d/default.conf:ro" in compose
    assert "replicas: ${APP_REPLICAS:-4}" in compose and "condition: service_healthy" in compose
    kubernetes = (ROOT / "deploy" / "kubernetes.yaml").read_text()
    assert re.findall(r"^kind: (\w+)", kubernetes, flags=re.M) == ["Deployment", "Service", "Ingress"]
    assert "sessionAffinity: ClientIP" in kubernetes
    assert 'nginx.ingress.kubernetes.io/affinity: "cookie"' in kubernetes
    assert kubernetes.count("path: /_stcore/health") == 2  # readiness and liveness
