"""A class on `make serve`: N simulated students on the Playground, each with its live stream.

Run from the repository root (needs ../shared/bench/classroom_load.py, whose Streamlit protocol
client it reuses, and nginx):

    python benchmarks/bench_classroom.py [--sessions 40] [--seconds 60] [--workers 2] [--after 180]

It starts `deploy/serve.py` (the workers behind nginx, as `make serve` does) on free loopback
ports. Each student, like a browser: GETs the page (nginx sets its affinity cookie), opens
Streamlit's websocket with that cookie and runs the page, changes the noise (a rebuild),
opens the live view's `/live` stream with the token the page gave it, presses Play, changes
the learning rate half-way (a widget change while playing), presses Pause after `--seconds`,
and acks every frame it receives (as the view does after drawing one). Printed: widget change
to full rerun (before Play and while playing, p50/p95), Play to the first frame showing a new
step, Pause to the paused frame, frames/s and training steps/s per session (min and median),
errors, and the workers' CPU and RSS (before, peak, and `--after` seconds after everyone left).
It measures and prints; it asserts nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _classroom_args import parse_args  # noqa: E402

from viz.frames import decode_frame  # noqa: E402

TOOL = ROOT.parent / "shared" / "bench" / "classroom_load.py"


def load_tool():
    if not TOOL.exists():
        sys.exit(f"bench_classroom: needs {TOOL} (the shared load tool) beside the repository")
    spec = importlib.util.spec_from_file_location("classroom_load", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()


class Student(tool.Session):
    """A Streamlit session that also remembers its live view's token and carries a cookie."""

    def __init__(self, base: str, cookie: str) -> None:
        host = base.split("//", 1)[1]
        super().__init__(f"ws://{host}/_stcore/stream", base, "playground", None)
        self.base, self.cookie, self.token = base, cookie, None
        self.errors: list[str] = []

    def _scan(self, element) -> None:
        super()._scan(element)
        if element.WhichOneof("type") == "bidi_component" and element.bidi_component.json:
            # the live view's data carries its token; other components (the SVG button) none
            data = json.loads(element.bidi_component.json)
            if isinstance(data, dict) and data.get("token"):
                self.token = data["token"]

    async def connect(self, timeout: float) -> None:
        from websockets import connect

        self.ws = await connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, origin=self.origin,
            open_timeout=timeout, ping_interval=None, close_timeout=5,
            additional_headers={"Cookie": self.cookie},
        )  # fmt: skip
        self.reader = asyncio.create_task(self._read())


def affinity_cookie(base: str) -> str:
    with urllib.request.urlopen(f"{base}/playground", timeout=30) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)


class Live:
    """The student's `/live` stream: frames counted and acked, the step they show."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, int, bool]] = []  # (time, step, playing)

    async def run(self, student: Student, stop: asyncio.Event, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        while not stop.is_set():
            try:
                message = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            except ConnectionClosed as error:
                student.errors.append(f"live stream closed: {error}")
                return
            header, _ = decode_frame(message)
            if header["kind"] == "state":
                self.frames.append((time.perf_counter(), header["step"], bool(header.get("playing"))))
                await ws.send(json.dumps({"cmd": "ack", "seq": header["seq"]}))

    async def wait(self, predicate, since: float, timeout: float) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for t, step, playing in self.frames:
                if t >= since and predicate(step, playing):
                    return t - since
            await asyncio.sleep(0.01)
        raise TimeoutError


async def student(base: str, args, results: dict, index: int) -> None:
    from websockets import connect

    rng = random.Random(args.seed + index)
    await asyncio.sleep(args.ramp * index / max(1, args.sessions))
    record = results.setdefault(index, {"errors": []})
    s = None
    try:
        cookie = await asyncio.to_thread(affinity_cookie, base)
        s = Student(base, cookie)
        await s.connect(args.timeout)
        t0 = time.perf_counter()
        await s.request(args.timeout)
        record["open"] = time.perf_counter() - t0
        await asyncio.sleep(rng.uniform(1, 3))
        record["change_before"] = await s.request(args.timeout, {"pg.noise": ("slider", 20)})
        live_url = f"ws://{base.split('//', 1)[1]}/live?token={s.token}"
        async with connect(live_url, origin=base, additional_headers={"Cookie": cookie}, max_size=None) as ws:
            live, stop = Live(), asyncio.Event()
            reader = asyncio.create_task(live.run(s, stop, ws))
            await asyncio.sleep(1)
            start_step = live.frames[-1][1] if live.frames else 0
            clicked = time.perf_counter()
            await ws.send(json.dumps({"cmd": "play"}))
            record["play"] = await live.wait(lambda st, p: p and st > start_step, clicked, args.timeout)
            playing_from = time.perf_counter()
            await asyncio.sleep(args.seconds / 2)
            record["change_while"] = await s.request(args.timeout, {"pg.lr": ("selectbox", "0.3")})
            await asyncio.sleep(max(0.0, playing_from + args.seconds - time.perf_counter()))
            playing_to = time.perf_counter()
            await ws.send(json.dumps({"cmd": "pause", "step": live.frames[-1][1] if live.frames else 0}))
            record["pause"] = await live.wait(lambda st, p: not p, playing_to, args.timeout)
            stop.set()
            await reader
        shown = [(t, step) for t, step, p in live.frames if playing_from <= t <= playing_to]
        span = playing_to - playing_from
        record["frames_per_s"] = len(shown) / span
        record["steps_per_s"] = (shown[-1][1] - shown[0][1]) / span if len(shown) > 1 else 0.0
        record["exceptions"] = sorted(s.exceptions) + sorted(s.error_alerts) + s.errors
    except Exception as error:  # noqa: BLE001 - a benchmark reports, it does not stop
        record["errors"].append(f"{type(error).__name__}: {error}"[:200])
    finally:
        if s is not None:
            await s.close()


# ---------------------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        found += [int(c) for c in children]
        todo += [int(c) for c in children]
    return found


def usage(pids: list[int]) -> tuple[float, float]:
    """(CPU seconds, RSS MB) summed over ``pids``."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu = rss = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            rss += next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024
        except (OSError, StopIteration, ValueError, IndexError):
            pass
    return cpu, rss


def start_serve(workers: int):
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="bl-classroom-"))
    command = [sys.executable, str(ROOT / "deploy" / "serve.py"), "--workers", str(workers),
               "--port", str(port), "--run-dir", str(run_dir)]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 180
    for line in process.stdout:
        if line.startswith("ready:"):
            break
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            sys.exit(f"bench_classroom: make serve did not start: {line}")
    return process, f"http://127.0.0.1:{port}"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def probe(pids: list[int], label: str, trim: bool = False) -> None:
    """With BL_MEMPROBE set (the workers inherit it), ask every worker for a memory snapshot
    (pages/live/memprobe.py; ``trim``: and one after a malloc_trim); a label line goes to stderr
    so the snapshots can be matched."""
    if os.environ.get("BL_MEMPROBE"):
        print(f"  memprobe: {label} at {time.time():.1f}", file=sys.stderr)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGUSR2 if trim else signal.SIGUSR1)


async def wave(base: str, args, pids, number: int) -> dict:
    """One class: every student in, then out; RSS sampled each second until ``--after`` s later."""
    results: dict = {}
    samples, done = [], asyncio.Event()

    async def sample():
        while not done.is_set():
            samples.append(usage(pids())[1])
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    cpu0, _ = usage(pids())
    t0 = time.perf_counter()
    await asyncio.gather(*(student(base, args, results, i) for i in range(args.sessions)))
    wall = time.perf_counter() - t0
    cpu1, rss_end = usage(pids())
    probe(pids(), f"wave {number} closed")
    print(
        f"  wave {number}: all {args.sessions} students left; watching RSS for {args.after} s",
        file=sys.stderr,
    )
    await asyncio.sleep(args.after)
    done.set()
    await sampler
    _, rss_after = usage(pids())
    probe(pids(), f"wave {number} +{args.after:.0f} s", trim=True)
    await asyncio.sleep(2 if os.environ.get("BL_MEMPROBE") else 0)
    return {"results": results, "wall": wall, "cpu": cpu1 - cpu0, "peak": max(samples or [rss_end]),
            "after": rss_after}  # fmt: skip


async def main_async(args) -> None:
    process, base = start_serve(args.workers)
    try:

        def pids() -> list[int]:  # looked up each time: serve.py restarts a recycled worker
            found = []
            for pid in descendants(process.pid):
                with contextlib.suppress(OSError):
                    if "streamlit" in Path(f"/proc/{pid}/cmdline").read_text():
                        found.append(pid)
            return found

        await asyncio.sleep(2)
        _, rss_before = usage(pids())
        probe(pids(), "before")
        waves = [await wave(base, args, pids, number) for number in range(1, args.waves + 1)]
        for number, w in enumerate(waves, 1):
            if args.waves > 1:
                print(f"wave {number} of {args.waves}:")
            report(args, w["results"], w["wall"], w["cpu"], rss_before, w["peak"], w["after"])
        if args.waves > 1:
            print(
                f"bench_classroom: {args.waves} waves of {args.sessions} sessions, RSS before "
                f"{rss_before:.0f} MB, {args.after:.0f} s after each wave "
                + ", ".join(f"{w['after']:.0f} MB ({w['after'] / rss_before:.2f}x)" for w in waves)
            )
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def report(args, results, wall, cpu, rss_before, rss_peak, rss_after) -> None:
    ok = [r for r in results.values() if not r["errors"]]
    errors = [e for r in results.values() for e in r["errors"]] + [
        e for r in results.values() for e in r.get("exceptions", [])
    ]
    col = lambda name: [r[name] for r in ok if name in r]  # noqa: E731
    changes = col("change_before") + col("change_while")
    print(
        f"bench_classroom: {args.sessions} students, {args.workers} workers behind nginx, "
        f"{args.seconds} s of play"
    )
    for label, values in (
        ("page open (s)", col("open")),
        ("widget change -> full rerun (s)", changes),
        ("  while playing (s)", col("change_while")),
        ("Play -> first new step on the stream (s)", col("play")),
        ("Pause -> paused frame (s)", col("pause")),
    ):
        print(
            f"  {label:44s} p50 {pct(values, 50):7.3f}  p95 {pct(values, 95):7.3f}  "
            f"max {max(values or [0]):7.3f}"
        )
    for label, values in (
        ("frames/s per session", col("frames_per_s")),
        ("steps/s per session", col("steps_per_s")),
    ):
        if values:
            print(f"  {label:44s} min {min(values):7.1f}  median {statistics.median(values):7.1f}")
    print(
        f"  server CPU {cpu:.0f} s over {wall:.0f} s ({cpu / wall:.2f} cores); RSS before "
        f"{rss_before:.0f} MB, peak {rss_peak:.0f} MB, {args.after} s after close {rss_after:.0f} MB "
        f"({rss_after / rss_before:.2f}x)"
    )
    print(f"  errors {len(errors)}" + (": " + "; ".join(errors[:5]) if errors else ""))
    print(
        f"bench_classroom: {args.sessions} sessions, change p95 {pct(changes, 95):.3f} s, play p95 "
        f"{pct(col('play'), 95):.3f} s, min frames/s {min(col('frames_per_s') or [0]):.1f}, min steps/s "
        f"{min(col('steps_per_s') or [0]):.0f}, RSS after close {rss_after / rss_before:.2f}x, "
        f"errors {len(errors)}"
    )


if __name__ == "__main__":
    asyncio.run(main_async(parse_args()))
