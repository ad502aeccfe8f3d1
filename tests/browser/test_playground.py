"""The Playground page in a real browser: live training in the fragment, pause, replay, a click
on a unit, and divergence. Screenshots land in artifacts/screenshots/."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser
TALL = {"width": 1400, "height": 1500}  # the whole page, for the screenshots


def button(page: Page, key: str):
    return page.locator(f".st-key-pg-{key} button").first


def top_chart(page: Page, name: str):
    """The youngest of the stacked slots of chart ``name`` (the page's ``live_chart``): on top."""
    slot = page.evaluate(
        """(name) => {
            const slots = [...document.querySelectorAll(`[class*="st-key-pg-slot-${name}-"]`)];
            const z = (el) => +getComputedStyle(el).zIndex;
            const top = slots.reduce((a, b) => (z(b) > z(a) ? b : a));
            return top.className.match(/st-key-pg-slot-[\\w-]+/)[0];
        }""",
        name,
    )
    return page.locator(f".{slot}")


# Once per animation frame (just before the browser paints), for each chart: is what is on top at
# its centre a drawn, visible Plotly chart? Counts the frames where some chart was blank.
BLANK_PROBE = """() => {
  const s = {frames: 0, blank: 0, values: new Set(), why: []};
  window.__probe = s;
  function tick() {
    s.frames++;
    for (const name of ['boundary', 'diagram', 'metric', 'gradnorm']) {
      const stack = document.querySelector('.st-key-pg-stack-' + name);
      const r = stack && stack.getBoundingClientRect();
      const hit = r && document.elementsFromPoint(r.x + r.width / 2, r.y + Math.min(r.height / 2, 150))
        .map(e => e.closest('.js-plotly-plot')).find(e => e);
      if (!hit || !hit.querySelector('.main-svg') || getComputedStyle(hit).visibility === 'hidden') {
        s.blank++; s.why.push(name); break;
      }
    }
    const m = document.querySelector('[data-testid="stMetricValue"]');
    if (m) s.values.add(m.textContent);
    if (!s.stop) requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
}"""


def metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def number(locator) -> float:
    return float(locator.text_content())


def test_play_pause_replay_and_click_a_unit(page, app_url):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/playground")
    wait_until_idle(page)
    assert_no_exception(page)
    step, loss = metric(page, "Step"), metric(page, "Train loss")
    expect(step).to_have_text("0")
    for name in ("boundary", "diagram", "metric", "gradnorm"):
        expect(page.locator(f".st-key-pg-stack-{name} .main-svg").first).to_be_visible()
    loss_before = number(loss)

    button(page, "play_button").click()  # the fragment reruns on its own timer
    expect(button(page, "pause_button")).to_contain_text("Pause")
    expect(step).not_to_have_text("0", timeout=15_000)
    first = number(step)
    page.evaluate(BLANK_PROBE)
    page.wait_for_function("() => window.__probe.values.size >= 6", timeout=60_000)  # five redraws
    probe = page.evaluate("() => { window.__probe.stop = true; return {...window.__probe, values: null}; }")
    assert probe["frames"] > 5 and probe["blank"] == 0, probe  # no chart ever painted blank
    page.screenshot(path=str(ARTIFACTS / "playground_playing.png"))
    replay_box = page.get_by_test_id("stSlider").filter(has_text="Replay a recorded step").bounding_box()
    button(page, "pause_button").click()
    expect(button(page, "play_button")).to_contain_text("Play", timeout=15_000)
    wait_until_idle(page)
    paused = number(step)
    time.sleep(1.0)  # nothing runs while paused, and a tick that was on its way did not restart play
    assert number(step) == paused > first > 0
    expect(button(page, "play_button")).to_contain_text("Play")
    # no jump: the replay row was there while playing, at the same place and size
    assert (
        page.get_by_test_id("stSlider").filter(has_text="Replay a recorded step").bounding_box() == replay_box
    )
    assert number(loss) != loss_before
    assert_no_exception(page)

    # replay: drag the slider back with the keyboard, the step shown follows
    slider = page.get_by_role("slider", name="Replay a recorded step")
    slider.focus()
    for _ in range(3):
        slider.press("ArrowLeft")
    expect(page.get_by_text(re.compile(r"Replaying step \d+ of"))).to_be_visible(timeout=15_000)
    wait_until_idle(page)
    assert number(step) < paused
    expect(top_chart(page, "boundary").locator(".gtitle").first).to_contain_text("at step")

    # a click on unit h12 of the diagram shows its map large
    plot = top_chart(page, "diagram").locator(".nsewdrag").first
    box = plot.bounding_box()
    x_range, y_range = (-0.45, 3.45), (-2.1, 2.3)  # the diagram's axes for sizes [2, 4, 2, 1]
    x = box["x"] + (1.0 - x_range[0]) / (x_range[1] - x_range[0]) * box["width"]
    y = box["y"] + (y_range[1] - 0.5) / (y_range[1] - y_range[0]) * box["height"]
    page.mouse.click(x, y)
    expect(page.get_by_role("combobox", name="Large map")).to_have_value("h12", timeout=15_000)
    wait_until_idle(page)
    expect(top_chart(page, "boundary").locator(".gtitle").first).to_contain_text("Unit h12")
    wait_until_idle(page)
    assert_no_exception(page)


def test_a_link_that_diverges_shows_the_banner_and_keeps_the_last_finite_state(page, app_url):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/playground?data=plane&lr=10&view=gradients&logw=1&speed=50")
    wait_until_idle(page)
    expect(page.get_by_role("radio", name="regression")).to_be_checked()
    button(page, "play_button").click()
    expect(page.get_by_text("Training diverged at step")).to_be_visible(timeout=30_000)
    wait_until_idle(page)
    expect(button(page, "play_button")).to_be_disabled()
    heatmap = top_chart(page, "boundary").locator(".heatmaplayer image")
    expect(heatmap).to_have_count(1)  # the boundary of the last finite network is drawn
    for label in ("Train loss", "Test loss", "Test R²"):  # the last finite values, as the banner says
        assert "inf" not in metric(page, label).text_content()
    assert_no_exception(page)


@pytest.mark.parametrize("size", [(1024, 768), (1440, 900)], ids=["1024x768", "1440x900"])
def test_nothing_is_cut_on_a_small_or_a_common_screen(page, app_url, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/playground?view=gradients&nodes=delta&test=1")
    wait_until_idle(page)
    button(page, "step_button").click()  # titles with a step number in them
    expect(metric(page, "Step")).to_have_text("1")
    wait_until_idle(page)
    page.screenshot(path=str(ARTIFACTS / f"playground_{size[0]}x{size[1]}.png"), full_page=True)
    cut = page.evaluate(
        """() => {
          const cut = [];  // text that overflows the box that clips it (cut, or ended with an ellipsis)
          const main = document.querySelector('[data-testid="stMain"]');
          for (const el of main.querySelectorAll('*')) {
            if (el.closest('.js-plotly-plot') || !el.offsetParent || !el.textContent.trim()) continue;
            if (getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
              cut.push(el.textContent.slice(0, 40));
          }
          for (const plot of main.querySelectorAll('.js-plotly-plot')) {  // a chart's title
            const title = plot.querySelector('.gtitle');
            if (title && title.getBoundingClientRect().right > plot.getBoundingClientRect().right + 1)
              cut.push(title.textContent);
          }
          return cut;
        }"""
    )
    assert cut == []
