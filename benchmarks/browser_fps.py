"""Redraws per second that a real browser shows while the Playground plays (printed, no assertions).

Run from the repository root: ``python benchmarks/browser_fps.py [seconds]``. Starts ``streamlit
run app.py`` on a free loopback port, opens the Playground in headless Debian Chromium
(``/usr/bin/chromium``; never ``playwright install``), presses Play and, for ``seconds`` (10 by
default), counts in the page itself:

- redraws: how often the step counter shown changes (one per fragment run that reached the
  screen), and the training steps per second that this means;
- the browser's animation frames per second (``requestAnimationFrame``): how busy its main
  thread is (60 when idle);
- frames in which a chart was blank. Streamlit remounts a Plotly chart whose figure changed,
  and the browser may paint it empty before Plotly has drawn it; the page stacks two slots per
  chart so that the previous figure shows meanwhile. This counts frames in which neither slot
  of some chart had anything drawn.

Then the same with the page paused, and with 100 steps per redraw.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_until_idle  # noqa: E402

COUNTER = """() => {
  const s = {frames: 0, changes: 0, blank: 0, last: null, first: null, value: null};
  window.__fps = s;
  function tick() {
    s.frames++;
    // a chart is two stacked slots (the page's live_chart): blank when neither has drawn
    for (const name of ['boundary', 'diagram', 'metric', 'gradnorm']) {
      const stack = document.querySelector('.st-key-pg-' + name + '-stack');
      if (!stack || !stack.querySelector('.main-svg')) { s.blank++; break; }
    }
    const m = document.querySelector('[data-testid="stMetricValue"]');
    const v = m ? m.textContent : null;
    if (s.first === null) s.first = v;
    if (v !== s.last) { s.changes++; s.last = v; }
    s.value = v;
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
}"""


class _TmpFactory:
    def mktemp(self, name: str) -> Path:
        import tempfile

        return Path(tempfile.mkdtemp(prefix=name))


def measure(page, seconds: float) -> dict:
    page.evaluate(COUNTER)
    time.sleep(seconds)
    s = page.evaluate("() => window.__fps")
    steps = int(s["value"]) - int(s["first"])
    return {
        "redraws/s": (s["changes"] - 1) / seconds,
        "steps/s": steps / seconds,
        "frames/s": s["frames"] / seconds,
        "frames with a blank chart": f"{s['blank']} of {s['frames']}",
    }


def show(label: str, result: dict) -> None:
    parts = [f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items()]
    print(f"{label}: " + ", ".join(parts))


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    with streamlit_server(_TmpFactory()) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        for label, query in (
            ("default (10 steps per redraw)", ""),
            ("100 steps per redraw", "?speed=100"),
        ):
            page.goto(f"{url}/playground{query}")
            wait_until_idle(page)
            play = page.locator(".st-key-pg-play_button button").first
            play.click()
            time.sleep(2.0)  # settle
            show(f"playing, {label}", measure(page, seconds))
            play.click()
            page.locator(".st-key-pg-play_button button", has_text="Play").first.wait_for()
            time.sleep(1.0)
            show(f"paused,  {label}", measure(page, 3.0))
        browser.close()


if __name__ == "__main__":
    main()
