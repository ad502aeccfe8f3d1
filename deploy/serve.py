"""Serve a class: WORKERS Streamlit processes behind nginx, with session affinity (`make serve`).

    python deploy/serve.py [--workers N] [--address 0.0.0.0] [--port 8501]
    python deploy/serve.py --render-config --upstream app:8501 --listen 80   # a config for compose

Each worker is `streamlit run app.py` on its own loopback port (one process uses about one
core: the GIL). nginx listens on ADDRESS:PORT and keeps each browser on one worker with a cookie
it sets itself (deploy/nginx.conf.template), so both of a browser's websockets reach the
process that holds its session. The launcher writes the config into a run directory (a new
temporary one unless --run-dir), starts the workers, waits until each answers
/_stcore/health, starts nginx, checks health through it, prints a line starting with "ready:",
then watches: a worker that exits is started again on its port. Ctrl-C (or SIGTERM) stops
nginx and every worker by its own handle. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
HEALTH = "/_stcore/health"
STREAMLIT_FLAGS = ["--server.headless", "true", "--server.fileWatcherType", "none",
                   "--browser.gatherUsageStats", "false"]  # fmt: skip
# One BLAS thread per process, and two malloc arenas: glibc gives every thread (the live view's
# training thread, Streamlit's script threads) an arena of its own and keeps freed memory there.
# Values already in the environment win (MALLOC_ARENA_MAX=1, MALLOC_MMAP_THRESHOLD_=... to try).
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
    # a worker idle this many seconds (no session at all) above 1.2x its warm RSS exits, and
    # `watch` starts it again: the only way to give a class's peak back (pages/live/runs.py)
    "BL_RECYCLE_IDLE": "60",
}
# The main config around the template: everything nginx writes stays in the run directory.
MAIN_CONFIG = """# written by deploy/serve.py
{user}worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log notice;
events {{ worker_connections 4096; }}
http {{
    access_log {run}/access.log;
    client_body_temp_path {run}/tmp/body;
    proxy_temp_path {run}/tmp/proxy;
    fastcgi_temp_path {run}/tmp/fastcgi;
    uwsgi_temp_path {run}/tmp/uwsgi;
    scgi_temp_path {run}/tmp/scgi;
{site}
}}
"""


def render_site(servers: list[str], listen: str) -> str:
    """The template filled in: one `server` line per upstream "host:port", nginx on `listen`."""
    lines = "\n".join(f"    server {server} max_fails=2 fail_timeout=10s;" for server in servers)
    return TEMPLATE.read_text().replace("@SERVERS@", lines).replace("@LISTEN@", listen)


def render_main(site: str, run_dir: Path) -> str:
    """A complete nginx.conf for `site`, with pid, logs and temporary files under `run_dir`.
    As root, nginx's workers run as nobody (they need the temporary directories)."""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return MAIN_CONFIG.format(user=user, run=run_dir, site=site)


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Until `url` answers its health check; SystemExit if `process` dies or time runs out."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise SystemExit(f"{url} did not become healthy (exit code {process.poll()}); {log}:\n{tail}")
        time.sleep(0.3)


class Cluster:
    """The worker processes and nginx, each held by its Popen handle."""

    def __init__(self, ports: list[int], address: str, port: int, run_dir: Path, nginx: str):
        self.ports, self.address, self.port, self.run_dir, self.nginx = ports, address, port, run_dir, nginx
        self.workers: dict[int, subprocess.Popen] = {}
        self.proxy: subprocess.Popen | None = None

    def start_worker(self, port: int) -> subprocess.Popen:
        command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), *STREAMLIT_FLAGS,
                   "--server.address", "127.0.0.1", "--server.port", str(port)]  # fmt: skip
        with open(self.run_dir / f"worker-{port}.log", "a") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env={**ONE_THREAD, **os.environ}, stdout=log, stderr=subprocess.STDOUT
            )
        self.workers[port] = process
        return process

    def start(self) -> None:
        for port in self.ports:
            self.start_worker(port)
        for port, process in self.workers.items():
            wait_healthy(f"http://127.0.0.1:{port}", process, self.run_dir / f"worker-{port}.log")
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / "tmp" / name).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # nginx's workers run as nobody: let them into the run directory
            self.run_dir.chmod(0o755)
            for path in (self.run_dir / "tmp", *(self.run_dir / "tmp").iterdir()):
                shutil.chown(path, user="nobody")
        site = render_site([f"127.0.0.1:{port}" for port in self.ports], f"{self.address}:{self.port}")
        config = self.run_dir / "nginx.conf"
        config.write_text(render_main(site, self.run_dir))
        command = [self.nginx, "-p", str(self.run_dir), "-e", str(self.run_dir / "error.log"),
                   "-c", str(config), "-g", "daemon off;"]  # fmt: skip
        self.proxy = subprocess.Popen(command)
        host = "127.0.0.1" if self.address in ("0.0.0.0", "::", "") else self.address
        wait_healthy(f"http://{host}:{self.port}", self.proxy, self.run_dir / "error.log", timeout=20)

    def watch(self, every: float = 2.0) -> None:
        """Start again every worker that exited; return when nginx has exited."""
        while self.proxy is not None and self.proxy.poll() is None:
            for port, process in list(self.workers.items()):
                if process.poll() is not None:
                    print(f"worker {port} exited ({process.returncode}): starting it again", flush=True)
                    self.start_worker(port)
            time.sleep(every)

    def stop(self) -> None:
        processes = [p for p in (self.proxy, *self.workers.values()) if p is not None]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="Streamlit processes")
    parser.add_argument("--address", default="127.0.0.1", help="where nginx listens (0.0.0.0: every network)")
    parser.add_argument("--port", type=int, default=8501, help="nginx's port")
    parser.add_argument("--run-dir", type=Path, help="config and logs (default: a new temporary directory)")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--render-config", action="store_true", help="print the site config and exit")
    parser.add_argument("--upstream", action="append", help="with --render-config: a worker host:port")
    parser.add_argument("--listen", default="80", help="with --render-config: nginx's listen")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render_config:
        sys.stdout.write(render_site(args.upstream or ["127.0.0.1:8502"], args.listen))
        return 0
    if args.workers < 1:
        raise SystemExit("--workers must be at least 1")
    if not Path(args.nginx).exists():
        raise SystemExit(f"no nginx at {args.nginx}: install Debian's nginx (make nginx), or --nginx PATH")
    run_dir = (args.run_dir or Path(tempfile.mkdtemp(prefix="backprop-lab-serve-"))).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    ports = [free_port() for _ in range(args.workers)]
    cluster = Cluster(ports, args.address, args.port, run_dir, args.nginx)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # SIGTERM stops like Ctrl-C
    try:
        cluster.start()
        workers = ", ".join(f"127.0.0.1:{port} pid {cluster.workers[port].pid}" for port in cluster.ports)
        print(f"ready: http://{args.address}:{args.port} -> {args.workers} workers ({workers}); "
              f"config and logs in {run_dir}; Ctrl-C stops them all", flush=True)  # fmt: skip
        cluster.watch()
        return 1  # nginx exited on its own
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
