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
    """The chart on top of the two stacked slots of chart ``name`` (the page's ``live_chart``)."""
    slot = page.evaluate(
        """(name) => [0, 1].find(k => {
            const el = document.querySelector(`.st-key-pg-${name}-slot${k}`);
            return el && getComputedStyle(el).zIndex === '2';
        })""",
        name,
    )
    return page.locator(f".st-key-pg-{name}-slot{slot}")


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
        expect(page.locator(f".st-key-pg-{name}-stack .main-svg").first).to_be_visible()
    loss_before = number(loss)

    button(page, "play_button").click()  # the fragment reruns on its own timer
    expect(button(page, "play_button")).to_contain_text("Pause")
    expect(step).not_to_have_text("0", timeout=15_000)
    first = number(step)
    expect(step).not_to_have_text(re.compile(rf"^{int(first)}$"), timeout=15_000)  # still advancing
    page.screenshot(path=str(ARTIFACTS / "playground_playing.png"))
    button(page, "play_button").click()
    expect(button(page, "play_button")).to_contain_text("Play", timeout=15_000)
    wait_until_idle(page)
    paused = number(step)
    time.sleep(1.0)  # nothing runs while paused
    assert number(step) == paused > first > 0
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
    assert_no_exception(page)
