"""Redraws per second that a real browser shows while the Playground plays (printed, no assertions).

Run from the repository root: ``python benchmarks/browser_fps.py [seconds] [WIDTHxHEIGHT]``. Starts
``streamlit run app.py`` on a free loopback port, opens the Playground in headless Debian Chromium
(``/usr/bin/chromium``; never ``playwright install``), presses Play and, for ``seconds`` (10 by
default), counts in the page itself, once per animation frame (just before the browser paints):

- redraws: how often the step counter shown changes (one per fragment run that reached the
  screen), and the training steps per second that this means;
- the browser's animation frames per second (``requestAnimationFrame``): how busy its main
  thread is (60 when idle);
- frames in which a chart was blank: what is on top at the centre of some chart is not a Plotly
  chart that is drawn and visible. Streamlit replaces a Plotly chart whose figure changed by a new
  one, which is hidden until drawn; the page keeps the last figures in stacked slots
  (``live_chart``) so that one that is drawn always shows.

Then it presses Pause and times it: until the browser has handled the click (it must first finish
what it is drawing), and until the page shows Play again with the step counter still.
All of this with the default 10 steps per redraw, then with 100.

The machine's other work shows in these numbers (two cores, software rendering): compare runs
made one after the other.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_until_idle  # noqa: E402

CHARTS = ("boundary", "diagram", "metric", "gradnorm")
COUNTER = """(charts) => {
  const s = {frames: 0, changes: 0, blank: 0, last: null, first: null, value: null};
  window.__fps = s;
  function tick() {
    s.frames++;
    for (const name of charts) {
      const stack = document.querySelector('.st-key-pg-stack-' + name);
      const r = stack && stack.getBoundingClientRect();
      const plot = r && document.elementsFromPoint(r.x + r.width / 2, r.y + Math.min(r.height / 2, 150))
        .map(e => e.closest('.js-plotly-plot')).find(e => e);
      if (!plot || !plot.querySelector('.main-svg') || getComputedStyle(plot).visibility === 'hidden') {
        s.blank++;
        break;
      }
    }
    const m = document.querySelector('[data-testid="stMetricValue"]');
    const v = m ? m.textContent : null;
    if (s.first === null) s.first = v;
    if (v !== s.last) { s.changes++; s.last = v; }
    s.value = v;
    if (!s.stop) requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
}"""


class _TmpFactory:
    def mktemp(self, name: str) -> Path:
        import tempfile

        return Path(tempfile.mkdtemp(prefix=name))


def measure(page, seconds: float) -> dict:
    page.evaluate(COUNTER, list(CHARTS))
    time.sleep(seconds)
    s = page.evaluate("() => { window.__fps.stop = true; return window.__fps; }")
    steps = int(s["value"]) - int(s["first"])
    return {
        "redraws/s": (s["changes"] - 1) / seconds,
        "steps/s": steps / seconds,
        "frames/s": s["frames"] / seconds,
        "frames with a blank chart": f"{s['blank']} of {s['frames']}",
    }


def pause(page) -> dict:
    """Click Pause as a user would (the event waits for the browser's main thread) and time it."""
    start = time.monotonic()
    page.evaluate("() => document.querySelector('.st-key-pg-pause_button button').click()")
    handled = time.monotonic()
    page.locator(".st-key-pg-play_button button", has_text="Play").first.wait_for(timeout=60_000)
    shown = time.monotonic()
    counter = page.locator('[data-testid="stMetricValue"]').first
    value, still_since = counter.text_content(), time.monotonic()
    while time.monotonic() - still_since < 1.5:  # the counter no longer moves
        time.sleep(0.05)
        if counter.text_content() != value:
            value, still_since = counter.text_content(), time.monotonic()
    return {
        "click handled after s": handled - start,
        "Play shown after s": shown - start,
        "counter still after s": still_since - start,
    }


def show(label: str, result: dict) -> None:
    parts = [f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items()]
    print(f"{label}: " + ", ".join(parts))


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1400x1500").split("x"))
    with streamlit_server(_TmpFactory()) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        for label, query in (
            ("default (10 steps per redraw)", ""),
            ("100 steps per redraw", "?speed=100"),
        ):
            page.goto(f"{url}/playground{query}")
            wait_until_idle(page)
            page.locator(".st-key-pg-play_button button").first.click()
            page.locator(".st-key-pg-pause_button button").first.wait_for()
            time.sleep(2.0)  # settle
            show(f"playing, {label}", measure(page, seconds))
            show(f"pause,   {label}", pause(page))
            time.sleep(1.0)
            show(f"paused,  {label}", measure(page, 3.0))
        browser.close()


if __name__ == "__main__":
    main()
