"""The Playground page in a real browser: the live view trains while playing, stops at once on
Pause, keeps training through a learning-rate change, replays a step, enlarges a unit's map on
a click, and shows a divergence. Screenshots land in artifacts/screenshots/."""

import re
import time

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.app.test_playground import HIDABLE_EXPANDERS
from tests.browser.conftest import ARTIFACTS, assert_no_exception

pytestmark = pytest.mark.browser
SCREEN = {"width": 1280, "height": 720}  # a classroom projector


def live(page: Page):
    return page.locator("[data-bl-live]").first


def shown_step(page: Page) -> int:
    return int(live(page).get_attribute("data-bl-step"))


def settled_replay_step(page: Page, timeout: float = 15.0) -> int:
    """The replayed step once the view has stopped moving (the same for 0.5 s) and its map's
    title names it; fails after ``timeout`` seconds."""
    deadline, seen, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        step, title = shown_step(page), live(page).locator(".bl-map-title").text_content()
        if step != seen:
            seen, since = step, time.monotonic()
        elif time.monotonic() - since >= 0.5 and f"at step {step}" in title:
            return step
        time.sleep(0.1)
    raise AssertionError(f"the replay did not settle: step {seen}, map title {title!r}")


def draws(page: Page) -> int:
    return int(live(page).get_attribute("data-bl-draws"))


def wait_for_view(page: Page, timeout: float = 60_000) -> None:
    """The live view has drawn its first frame and Play can be pressed."""
    live(page).wait_for(timeout=timeout)
    deadline = time.monotonic() + timeout / 1000
    while draws(page) < 1:
        assert time.monotonic() < deadline, "the live view never drew"
        time.sleep(0.05)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)


def wait_for_step(page: Page, predicate, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        step = shown_step(page)
        if predicate(step):
            return step
        assert time.monotonic() < deadline, f"step stayed at {step}"
        time.sleep(0.05)


def test_play_pause_a_live_learning_rate_change_replay_and_a_click_on_a_unit(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/playground")
    wait_for_view(page)
    assert_no_exception(page)
    assert shown_step(page) == 0
    page.get_by_role("button", name="Play", exact=True).click()
    first = wait_for_step(page, lambda s: s > 0)
    drawn = draws(page)
    time.sleep(2.0)
    assert shown_step(page) > first and draws(page) > drawn + 5  # it redraws in place, many times

    # a new learning rate while playing: applied at the next step, training goes on
    box = page.get_by_test_id("stSelectbox").filter(has_text="Learning rate")
    option = page.get_by_role("option", name="0.1", exact=True)
    for _ in range(3):  # a rerun (Play's) may redraw the sidebar and close the list: open it again
        box.click()
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
    before = shown_step(page)
    wait_for_step(page, lambda s: s > before + 50)
    page.screenshot(path=str(ARTIFACTS / "playground_playing.png"))

    page.get_by_role("button", name="Pause", exact=True).click()
    at_click = shown_step(page)
    time.sleep(0.4)
    paused = shown_step(page)
    time.sleep(1.0)
    assert shown_step(page) == paused == at_click  # nothing moves after the click
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    assert_no_exception(page)

    # replay: the slider appears once paused; three steps back, the view follows
    slider = page.get_by_role("slider", name="Replay a recorded step")
    slider.wait_for(timeout=30_000)
    slider.focus()
    for _ in range(3):
        slider.press("ArrowLeft")
    expect(live(page).locator(".bl-status")).to_contain_text(
        re.compile(r"Replaying step \d+"), timeout=15_000
    )
    # the three presses may come back as one to three reruns: the view settles on one step, and
    # the map's title names the step the counter shows
    replayed = settled_replay_step(page)
    assert replayed < paused

    # a click on unit h12 of the diagram maps it large
    unit = live(page).evaluate(
        "el => { const u = el.parentNode.__blLive.units.find(p => p.k === 1 && p.u === 1);"
        " return {x: u.x + u.box / 2, y: u.y + u.box / 2}; }"
    )
    page.mouse.wheel(0, -2000)  # back to the top (the replay slider scrolled the page)
    time.sleep(0.3)
    canvas = live(page).locator("canvas.bl-net").bounding_box()
    page.mouse.click(canvas["x"] + unit["x"], canvas["y"] + unit["y"])
    expect(live(page).locator(".bl-map-title")).to_contain_text("Unit h12", timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "playground_paused.png"))
    assert_no_exception(page)


def test_a_link_that_diverges_says_so_and_keeps_the_last_finite_state(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/playground?data=plane&lr=10&view=gradients&logw=1")
    wait_for_view(page)
    expect(page.get_by_role("radio", name="regression")).to_be_checked()
    page.get_by_role("button", name="Play", exact=True).click()
    status = live(page).locator(".bl-status")
    expect(status).to_contain_text("Training diverged at step", timeout=30_000)
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_disabled()
    for name in ("bl-train", "bl-test", "bl-score"):  # the last finite values, as the banner says
        text = live(page).locator(f".{name}").text_content()
        assert "inf" not in text.lower() and "nan" not in text.lower(), (name, text)
    page.screenshot(path=str(ARTIFACTS / "playground_diverged.png"))
    assert_no_exception(page)


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)], ids=["1024x768", "1280x720"])
def test_nothing_is_cut_and_the_view_is_above_the_fold(page, app_url, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/playground?view=gradients&nodes=delta&test=1")
    wait_for_view(page)
    page.get_by_role("button", name="Step", exact=True).click()
    wait_for_step(page, lambda s: s == 1)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / f"playground_{size[0]}x{size[1]}.png"))
    for part in ("canvas.bl-net", "canvas.bl-map", ".bl-play"):  # the key views start on screen
        box = live(page).locator(part).bounding_box()
        assert box is not None and box["y"] < size[1] and box["x"] + box["width"] <= size[0], (part, box)
    for part in ("canvas.bl-map", "canvas.bl-loss", "canvas.bl-norm"):  # ... and end on it
        box = live(page).locator(part).bounding_box()
        assert box["y"] + box["height"] <= size[1] + 1 and box["x"] + box["width"] <= size[0], (part, box)
    cut = page.evaluate(
        """() => {
          const cut = [];  // text that overflows the box that clips it (cut, or ended with an ellipsis)
          const main = document.querySelector('[data-testid="stMain"]');
          for (const el of main.querySelectorAll('*')) {
            if (el.closest('.js-plotly-plot') || !el.offsetParent || !el.textContent.trim()) continue;
            if (getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
              cut.push(el.textContent.slice(0, 40));
          }
          return cut;
        }"""
    )
    assert cut == []


def test_a_tf_lesson_link_hides_controls_steps_an_epoch_and_an_edge_is_edited_in_place(page, app_url):
    """TF Playground compatible (tf=1) with the learning rate and Play hidden (hide=lr,play): Step
    takes one epoch (250 training points in batches of 10: 25 steps); a click on an edge opens its
    weight, Enter sets it, and the losses change at once; a click on a bias opens it too."""
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/playground?tf=1&hide=lr,play&dseed=5")
    wait_for_view(page)
    assert_no_exception(page)
    for key in HIDABLE_EXPANDERS:  # hide=... finds them by these keys (AppTest cannot see them)
        expect(page.locator(".st-key-" + key.replace(".", "-"))).to_have_count(1)
    expect(page.get_by_test_id("stSelectbox").filter(has_text="Learning rate")).to_be_hidden()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_hidden()
    expect(
        page.get_by_test_id("stCheckbox").filter(has_text="TF Playground compatible").locator("input")
    ).to_be_checked()
    page.get_by_role("button", name="Step", exact=True).click()
    wait_for_step(page, lambda s: s == 25)
    assert live(page).get_attribute("data-bl-epoch") == "1"
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
    before = live(page).get_attribute("data-bl-test-loss")
    edge = live(page).evaluate(
        "el => { const e = el.parentNode.__blLive.edgeGeometry"
        ".find(g => g.l === 1 && g.i === 0 && g.j === 0);"
        " return {x: (e.x0 + e.x1) / 2, y: (e.y0 + e.y1) / 2}; }"
    )
    canvas = live(page).locator("canvas.bl-net").bounding_box()
    page.mouse.click(canvas["x"] + edge["x"], canvas["y"] + edge["y"])
    editor = live(page).get_by_role("spinbutton", name="Weight h11 → h21")
    expect(editor).to_be_focused()
    editor.fill("4")
    editor.press("Enter")
    expect(live(page)).not_to_have_attribute("data-bl-test-loss", before, timeout=15_000)
    expect(editor).to_have_count(0)
    bias = live(page).evaluate(
        "el => { const u = el.parentNode.__blLive.units.find(p => p.k === 2 && p.u === 1);"
        " return {x: u.bias.x + 4, y: u.bias.y + 4}; }"
    )
    page.mouse.click(canvas["x"] + bias["x"], canvas["y"] + bias["y"])
    expect(live(page).get_by_role("spinbutton", name="Bias of h22")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "playground_tf_lesson.png"))
    page.keyboard.press("Escape")
    assert_no_exception(page)
