"""The Image recognition page: time from Play to 95 % test accuracy, and our accuracy next to
scikit-learn's MLPClassifier (printed figures, no assertions).

Run from the repository root: ``python benchmarks/bench_digits.py [--runs 3]``.

1. Engine: the default settings (64-32-10 tanh, Xavier, Adam 0.003, batch 32) trained by
   ``Trainer`` alone: steps and seconds to the first evaluation (every 10 steps) at >= 95 %;
   then the test accuracy after as many epochs as MLPClassifier ran on the same split and
   sizes, next to its own. Target: within 1.5 points.
2. Browser: ``streamlit run app.py`` on a free port, headless Chromium (Debian's) at 1280x720,
   a fresh tab on /digits per run, Play, then the live view's ``data-bl-accuracy`` (the
   test accuracy it shows) polled every 20 ms until >= 0.95: seconds from the click, and the
   step. Target: <= 20 s on a 2-core machine.
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

from pages import digits_state as ds  # noqa: E402


def engine_side() -> None:
    trainer = ds.build_trainer(ds.DEFAULTS)
    start = time.perf_counter()
    while trainer.evaluate()["test_accuracy"] < 0.95 and trainer.step < 100_000:
        trainer.run(10)
    took = time.perf_counter() - start
    print(f"Engine alone, defaults {ds.DEFAULTS}:")
    print(f"  >= 95 % test accuracy after {trainer.step} steps (epoch {trainer.epoch}), {took:.2f} s")
    t0 = time.perf_counter()
    reference, epochs, notes = ds.reference_accuracy(ds.DEFAULTS)
    sk_time = time.perf_counter() - t0
    trainer = ds.build_trainer(ds.DEFAULTS)
    trainer.run(epochs * trainer.dataset.n_train // ds.DEFAULTS.batch_size + 1)
    ours = trainer.evaluate()["test_accuracy"]
    print(f"  MLPClassifier, same split and sizes: {reference:.2%} after {epochs} epochs ({sk_time:.1f} s)")
    gap = 100 * (ours - reference)
    print(f"  ours after the same {epochs} epochs: {ours:.2%}; difference {gap:+.2f} points")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run(browser, url: str) -> tuple[float, int]:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{url}/digits")
        live = page.locator("[data-bl-live]").first
        live.wait_for(timeout=60_000)
        page.locator("[data-bl-live][data-bl-accuracy]:not([data-bl-accuracy=''])").wait_for(timeout=60_000)
        time.sleep(1.0)  # the page settled
        page.get_by_role("button", name="Play", exact=True).click()
        start = time.perf_counter()
        while float(live.get_attribute("data-bl-accuracy") or 0) < 0.95:
            if time.perf_counter() - start > 120:
                return float("inf"), int(live.get_attribute("data-bl-step") or 0)
            time.sleep(0.02)
        took = time.perf_counter() - start
        step = int(live.get_attribute("data-bl-step") or 0)
        page.get_by_role("button", name="Pause", exact=True).click()
        return took, step
    finally:
        page.close()


def browser_side(runs: int) -> None:
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
            results = [one_run(browser, url) for _ in range(runs)]
            browser.close()
        print(f"Browser (headless Chromium 1280x720), defaults, Play -> test accuracy >= 95 %, {runs} runs:")
        for took, step in results:
            print(f"  {took:.2f} s (step {step})")
        print(f"  median {statistics.median(t for t, _ in results):.2f} s (target <= 20 s)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    engine_side()
    browser_side(args.runs)
