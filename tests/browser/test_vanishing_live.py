"""The Vanishing page's live A/B view in a real browser: A and B at 50 layers play over the
app's own stream (data-bl-step advances, data-bl-draws grows), Pause stops the view at once
with A and B on the step on screen, and the paused page names that step. Screenshots (1280x720)
land in artifacts/screenshots/."""

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser


def live_attr(page: Page, name: str) -> int:
    return int(page.locator("[data-bl-live]").first.get_attribute(f"data-bl-{name}") or 0)


def wait_for_attr(page: Page, name: str, above: int, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = live_attr(page, name)
        if value > above:
            return value
        time.sleep(0.05)
    raise AssertionError(f"data-bl-{name} stayed at {live_attr(page, name)}")


def set_depth(page: Page, tab: str, depth: int, label: str) -> None:
    """One configuration's depth slider, moved with the keyboard: Home (2 layers), PageUp (+10)
    and ArrowRight (+1), until it says ``depth``. Few keys, so few reruns: a burst of reruns can
    hit a Streamlit race ("Cached ForwardMsg MISS", see the closing note of issue 11)."""
    page.get_by_role("tab", name=f"Configuration {tab}").click()
    slider = page.get_by_role("slider", name="Hidden layers (depth)").locator("visible=true").first
    slider.focus()
    page.keyboard.press("Home")
    tens, ones = divmod(depth - 2, 10)
    for key in ["PageUp"] * tens + ["ArrowRight"] * ones:
        page.keyboard.press(key)
    deadline = time.monotonic() + 30  # a key pressed while a rerun redraws the slider can be lost
    while (now := int(slider.input_value())) != depth and time.monotonic() < deadline:
        slider.focus()
        page.keyboard.press("ArrowRight" if now < depth else "ArrowLeft")
        page.wait_for_timeout(50)
    expect(page.get_by_text(label)).to_be_visible(timeout=60_000)


def test_a_and_b_play_live_at_50_layers_and_pause_stops_at_the_step_on_screen(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    try:
        page.goto(f"{app_url}/vanishing")
        page.locator("[data-bl-live]").first.wait_for(timeout=60_000)
        wait_until_idle(page)
        set_depth(page, "A", 50, "A = sigmoid · normal(1) · 50×64")
        set_depth(page, "B", 50, "B = relu · he_normal · 50×64")
        draws = wait_for_attr(page, "draws", 0)
        assert live_attr(page, "step") == 0
        assert_no_exception(page)

        page.get_by_role("button", name="Play", exact=True).click()
        expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible(timeout=5_000)
        first = wait_for_attr(page, "step", 0, timeout=15)
        time.sleep(3.0)
        assert live_attr(page, "step") > first  # training goes on while playing
        assert live_attr(page, "draws") > draws + 10  # and the view redraws in place
        page.locator("[data-bl-live]").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "vanishing_live_playing.png"))

        page.get_by_role("button", name="Pause", exact=True).click()
        on_screen = live_attr(page, "step")
        time.sleep(0.3)
        stopped = live_attr(page, "step")
        assert stopped <= on_screen  # nothing moved on after the click (the step on screen is kept)
        time.sleep(1.5)
        assert live_attr(page, "step") == stopped
        expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
        # the paused page follows: one clock, A and B at the step the view shows
        expect(page.get_by_test_id("stMetricValue").first).to_have_text(
            f"{stopped} of {stopped}", timeout=30_000
        )
        labels = [t.strip() for t in page.get_by_test_id("stMetricLabel").all_text_contents()]
        assert labels[1:3] == [f"Batch loss A (step {stopped})", f"Batch loss B (step {stopped})"]
        assert_no_exception(page)
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "vanishing_live_paused.png"))
