"""The Vanishing-gradients page in a real browser: a 100-layer run plays on the timer, the
layer x step heatmap grows, pause stops it, replay moves the charts; an exploding run shows
the divergence banner."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser

# Steps drawn in the layer x step heatmap (its first panel), read from Plotly's own data.
HEATMAP_STEPS = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(
    (el) => el._fullData && el._fullData.some((t) => t.type === 'heatmap'));
  if (!plots.length) return -1;
  const x = plots[plots.length - 1]._fullData[0].x;
  return x[x.length - 1];
}"""


def open_page(page: Page, url: str) -> None:
    page.goto(f"{url}/vanishing")
    wait_until_idle(page)
    assert_no_exception(page)


def heatmap_last_step(page: Page) -> int:
    return page.evaluate(HEATMAP_STEPS)


def test_a_deep_run_plays_and_the_heatmap_grows(page, app_url):
    open_page(page, app_url)
    depth = page.get_by_role("slider", name="Hidden layers (depth)").first
    depth.focus()
    page.keyboard.press("End")  # 100 hidden layers for A
    expect(page.get_by_text("A = sigmoid · normal(1) · 100×64")).to_be_visible(timeout=30_000)
    wait_until_idle(page)
    assert heatmap_last_step(page) == 0
    norm_chart = page.get_by_test_id("stPlotlyChart").first
    expect(norm_chart.locator("text", has_text="input side")).to_have_count(1)
    expect(norm_chart.locator("text", has_text="output side")).to_have_count(1)

    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible(timeout=15_000)
    page.wait_for_function(f"({HEATMAP_STEPS})() >= 15", timeout=30_000)  # three ticks of 5 steps

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=45_000)
    wait_until_idle(page)
    stopped = heatmap_last_step(page)
    assert stopped >= 15
    page.wait_for_timeout(2_000)  # no timer any more: nothing moves
    assert heatmap_last_step(page) == stopped
    assert_no_exception(page)

    # Replay: the slider appears once paused; Home goes back to step 0.
    replay = page.get_by_role("slider", name="Step shown (replay)")
    replay.focus()
    page.keyboard.press("Home")
    expect(page.locator(".gtitle", has_text="Gradient per layer at step 0").first).to_be_visible(
        timeout=15_000
    )
    assert heatmap_last_step(page) == stopped  # the heatmap keeps every step; a line marks the one shown
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
    banner = page.get_by_text("Training diverged at step")
    expect(banner).to_be_visible(timeout=15_000)
    expect(page.get_by_text("configuration A: the forward pass overflowed in layer")).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_text("the last state with finite numbers")).to_be_visible()
    assert page.get_by_test_id("stPlotlyChart").count() == 7
    assert_no_exception(page)
