"""The Vanishing-gradients page in a real browser: an exploding run shows the divergence banner;
at 1024x768 and 1440x900 no button label is cut short and no chart text is cut off or runs into
another. Playing and pausing the live A/B view: tests/browser/test_vanishing_live.py."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser

# Buttons whose label is cut short (an ellipsis), chart texts (titles, panel titles, tick
# labels, axis titles, legend entries) that overlap each other or stick out of their chart.
LAYOUT_PROBLEMS = """() => {
  const out = {truncated: [], overlaps: [], cut: []};
  const main = document.querySelector('[data-testid="stMain"]');
  for (const b of main.querySelectorAll('button')) {
    if (!b.offsetParent) continue;
    for (const e of [b, ...b.querySelectorAll('*')]) {
      if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) out.truncated.push(b.innerText);
    }
  }
  const sel = '.gtitle, .annotation-text, .xtick text, .g-xtitle text, .g-x2title text, '
    + '.legendtext, .g-ytitle text';
  [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].forEach((chart, n) => {
    const box = chart.getBoundingClientRect();
    const items = [...chart.querySelectorAll(sel)].map(e => [e.textContent, e.getBoundingClientRect()])
      .filter(([t, r]) => t.trim() && r.width > 0 && r.height > 0);
    for (const [t, r] of items) {
      if (r.left < box.left - 1 || r.right > box.right + 1) out.cut.push(`chart ${n}: ${t}`);
    }
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
      const [ta, a] = items[i], [tb, b] = items[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) out.overlaps.push(`chart ${n}: "${ta}" and "${tb}"`);
    }
  });
  return out;
}"""


def open_page(page: Page, url: str) -> None:
    page.goto(f"{url}/vanishing")
    wait_until_idle(page)
    assert_no_exception(page)


def test_an_exploding_run_shows_the_banner_and_keeps_its_charts(page, app_url):
    open_page(page, app_url)
    page.get_by_role("button", name="too large").first.click()  # A: normal(3) with sigmoid ...
    wait_until_idle(page)
    page.get_by_role("combobox", name="Activation").first.click()
    page.get_by_role("option", name="linear").click()  # ... and linear: nothing saturates
    expect(page.get_by_text("A = linear · normal(3) · 20×64")).to_be_visible(timeout=15_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Advance 5 steps").click()
    alert = page.get_by_test_id("stAlertContentError")  # the page's banner (the live view says it too)
    banner = alert.get_by_text("Training diverged at step")
    expect(banner).to_be_visible(timeout=15_000)
    expect(alert.get_by_text("configuration A: the forward pass overflowed in layer")).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_text("the last state with finite numbers")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(7)
    assert_no_exception(page)


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1440, 900)])
def test_nothing_is_cut_short_or_runs_together(page, app_url, width, height):
    page.set_viewport_size({"width": width, "height": height})
    try:
        open_page(page, app_url)
        page.get_by_role("button", name="Advance 5 steps").click()
        expect(page.get_by_text("5 of 5")).to_be_visible(timeout=15_000)
        wait_until_idle(page)
        page.wait_for_timeout(500)  # Plotly lays out its text after the chart appears
        problems = page.evaluate(LAYOUT_PROBLEMS)
        assert problems == {"truncated": [], "overlaps": [], "cut": []}
        assert_no_exception(page)
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"vanishing_layout_{width}x{height}.png"))
