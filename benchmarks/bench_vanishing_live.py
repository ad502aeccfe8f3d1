"""The Vanishing page's live A/B view at 50 layers (printed figures, no assertions).

Run from the repository root: ``python benchmarks/bench_vanishing_live.py [--seconds 10]``.

1. Server side: A (sigmoid, normal(1)) and B (relu, He) at 50 hidden layers x 64, batch 32, as
   the stream drives them (``pages.vanishing_live.VanishingLive``): one training slice
   (``share.MAX_SLICE``), then one state frame; the CPU time of a frame alone (median) and its
   bytes, and the ticks (steps of each run) per second reached.
2. Browser: ``streamlit run app.py`` on a free port, headless Chromium (Debian's) at 1280x720,
   A and B set to 50 layers, Play, then the growth of the live view's ``data-bl-draws`` (the
   testability contract) and ``data-bl-step`` over ``--seconds``: redraws/s and steps/s.
   Target: >= 10 redraws/s.
"""

import argparse
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pages import vanishing_state as vs  # noqa: E402
from pages.live import share  # noqa: E402
from pages.vanishing_live import VanishingLive  # noqa: E402

DEPTH = 50


def server_side(seconds: float = 5.0) -> None:
    runs = [
        vs.start_run("A", vs.VGConfig(depth=DEPTH)),
        vs.start_run("B", vs.VGConfig(depth=DEPTH, activation="relu", init="he_normal")),
    ]
    model = VanishingLive(runs)
    setup = model.setup_frame()
    model.state_frame(0, {})
    cpu, sizes, ticks, seq = [], [], 0, 1
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        ticks += model.train(share.MAX_SLICE, None, lambda: False)
        t0 = time.process_time()
        frame = model.state_frame(seq, {"playing": True, "rate": 0.0, "busy": False})
        cpu.append(time.process_time() - t0)
        sizes.append(len(frame))
        seq += 1
    elapsed = time.perf_counter() - start
    print(
        f"Server, A and B at {DEPTH} hidden layers x 64, batch 32, slices of {share.MAX_SLICE * 1e3:.0f} ms:"
    )
    median = statistics.median(sizes)
    print(
        f"  setup frame {len(setup)} B; {len(sizes)} state frames: median {median:.0f} B, max {max(sizes)} B"
    )
    p90 = sorted(cpu)[int(0.9 * len(cpu))]
    print(f"  CPU per state frame: median {statistics.median(cpu) * 1e3:.2f} ms, p90 {p90 * 1e3:.2f} ms")
    rate = len(sizes) / elapsed
    print(f"  training: {ticks / elapsed:.1f} ticks/s (a step of A and of B each), {rate:.1f} frames/s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def set_depth(page, tab: str, label: str) -> None:
    page.get_by_role("tab", name=f"Configuration {tab}").click()
    slider = page.get_by_role("slider", name="Hidden layers (depth)").locator("visible=true").first
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(DEPTH - 2):
        page.keyboard.press("ArrowRight")
    page.get_by_text(label).wait_for(timeout=60_000)


def browser_side(seconds: float) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless",
               "true", "--server.address", "127.0.0.1", "--server.port", str(port),
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=args)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{url}/vanishing")
            live = page.locator("[data-bl-live]").first
            live.wait_for(timeout=60_000)
            set_depth(page, "A", f"A = sigmoid · normal(1) · {DEPTH}×64")
            set_depth(page, "B", f"B = relu · he_normal · {DEPTH}×64")
            time.sleep(2.0)
            live.scroll_into_view_if_needed()
            page.get_by_role("button", name="Play", exact=True).click()
            time.sleep(1.0)

            def read(name):
                return int(live.get_attribute(f"data-bl-{name}") or 0)

            d0, s0, t0 = read("draws"), read("step"), time.perf_counter()
            time.sleep(seconds)
            d1, s1, t1 = read("draws"), read("step"), time.perf_counter()
            page.get_by_role("button", name="Pause", exact=True).click()
            browser.close()
        rate = (d1 - d0) / (t1 - t0)
        print(f"Browser (headless Chromium 1280x720), A and B at {DEPTH} layers, playing {t1 - t0:.1f} s:")
        print(f"  {rate:.1f} redraws/s (target >= 10), {(s1 - s0) / (t1 - t0):.1f} steps/s of each run")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    server_side()
    browser_side(args.seconds)
