"""The Image recognition page in a real browser (1280x720): Play trains live until the test
accuracy passes 95 % (the time it took is printed, never asserted), Pause shows one image's
backward pass, and a digit drawn with the mouse on the pad reaches the network as 8x8 counts.
Screenshots land in artifacts/screenshots/."""

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser


def live(page: Page):
    return page.locator("[data-bl-live]").first


def accuracy(page: Page) -> float:
    return float(live(page).get_attribute("data-bl-accuracy") or 0)


def draw_stroke(page: Page, points) -> None:
    """Press, drag through ``points`` (fractions of the pad) and release on the drawing pad."""
    pad = page.locator("canvas.bl-pad").first
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=6)
    page.mouse.up()


def test_play_reaches_95_percent_then_a_drawn_digit_is_backpropagated(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/digits")
    live(page).wait_for(timeout=60_000)
    wait_until_idle(page, 60_000)
    assert_no_exception(page)
    start_accuracy = accuracy(page)
    assert start_accuracy < 0.5  # untrained
    page.get_by_role("button", name="Play", exact=True).click()
    started = time.monotonic()
    deadline = started + 120
    reached = accuracy(page)
    while reached < 0.95 and time.monotonic() < deadline:
        time.sleep(0.02)
        reached, step = accuracy(page), live(page).get_attribute("data-bl-step")
    took = time.monotonic() - started
    print(f"\nPlay -> test accuracy {reached:.1%} at step {step} after {took:.2f} s")
    assert reached >= 0.95
    page.screenshot(path=str(ARTIFACTS / "digits_playing.png"))
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_text("Backprop on one image")).to_be_visible(timeout=30_000)
    wait_until_idle(page, 60_000)
    metric = page.get_by_test_id("stMetric").filter(has_text="Test accuracy").first
    shown = f"{100 * accuracy(page):.1f}%"  # the paused view's state is the page's
    expect(metric.get_by_test_id("stMetricValue")).to_have_text(shown, timeout=30_000)
    assert accuracy(page) > 0.9

    page.get_by_role("radio", name="Draw your own").click()
    page.locator("canvas.bl-pad").first.wait_for(timeout=30_000)
    expect(page.get_by_text("Draw a digit in the pad")).to_be_visible()
    draw_stroke(page, [(0.5, 0.12), (0.52, 0.5), (0.5, 0.9)])  # a "1"
    drawing = page.locator("[data-bl-drawing]").first
    assert int(drawing.get_attribute("data-bl-ink")) > 20
    expect(page.get_by_text("Draw a digit in the pad")).to_have_count(0, timeout=30_000)
    title = page.locator(".gtitle", has_text="Forward: the network says").first
    expect(title).to_be_attached(timeout=30_000)
    wait_until_idle(page, 60_000)
    assert_no_exception(page)
    page.get_by_text("Backprop on one image").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "digits_drawn.png"))
