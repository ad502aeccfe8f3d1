"""Classroom mode in a real browser at 1280x720 (a projector): Step by step's key views are in
the viewport, with and without presenter mode; a click on an edge explains that weight (the two
crossing ones too); the toggle turns presenter mode off; the live view answers the keyboard.
Screenshots land in artifacts/screenshots/."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, assert_no_exception, wait_until_idle
from tests.browser.test_playground import live, shown_step, wait_for_step, wait_for_view

pytestmark = pytest.mark.browser
SCREEN = {"width": 1280, "height": 720}


def in_viewport(page: Page, locator) -> None:
    """The element is drawn whole inside the 1280x720 window, without scrolling."""
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert (
        box["x"] + box["width"] <= SCREEN["width"] + 1 and box["y"] + box["height"] <= SCREEN["height"] + 1
    ), box


@pytest.mark.parametrize("present", [False, True])
def test_step_by_step_key_views_fit_1280x720(page, app_url, present):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/step_by_step" + ("?present=1" if present else ""))
    wait_until_idle(page)
    assert_no_exception(page)
    in_viewport(page, page.get_by_role("button", name="Next ▶"))
    in_viewport(page, page.get_by_test_id("stPlotlyChart").first)  # the diagram
    in_viewport(page, page.locator(".katex-display").first)  # the arithmetic of the selection
    in_viewport(page, page.get_by_text("What to notice"))
    if present:
        diagram = page.get_by_test_id("stPlotlyChart").first
        expect(diagram.locator("text", has_text="0.593").first).to_be_visible()  # h11's value (0.5933)
        size = diagram.locator(".annotation-text", has_text="0.25").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 18  # w3, the weight an edge crossing hid, is written and readable
    page.screenshot(path=str(ARTIFACTS / f"classroom_step_by_step_present_{present}.png"))


def test_clicking_crossing_edges_explains_each_weight(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/step_by_step")
    wait_until_idle(page)
    select = page.get_by_role("combobox", name="Explain the arithmetic of (or click the diagram)")
    expect(select).to_have_value("neuron y1")
    # x1 -> h12 and x2 -> h11 cross in the middle; their points sit at 35 % and 65 % along them
    plot = page.get_by_test_id("stPlotlyChart").first
    for name, weight in (("x1 → h12", "0.25"), ("x2 → h11", "0.2")):
        points = plot.locator(".scatterlayer .trace").nth(-3).locator(".point")  # the edge points
        target = None
        for k in range(points.count()):
            box = points.nth(k).bounding_box()
            target = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.move(*target)
            page.wait_for_timeout(150)
            hover = page.locator(".hovertext")
            if hover.count() and name.replace(" ", "") in hover.first.text_content().replace(" ", ""):
                break
            target = None
        assert target is not None, f"no point for {name}"
        assert f"= {weight}" in page.locator(".hovertext").first.text_content()
        page.mouse.click(*target)
        expect(select).to_have_value(f"weight {name}", timeout=15_000)
        wait_until_idle(page)
    expect(page.locator(".katex-display").first).to_contain_text("0.2")
    assert_no_exception(page)


def test_the_toggle_turns_presenter_mode_off(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/step_by_step?present=1")
    wait_until_idle(page)
    # the diagram's annotations can come after the first .main-svg: wait for the value itself
    expect(page.get_by_test_id("stPlotlyChart").first.locator("text", has_text="0.593").first).to_be_visible(
        timeout=15_000
    )
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_text("Presenter mode").click()
    expect(page.get_by_test_id("stPlotlyChart").first.locator("text", has_text="0.593")).to_have_count(
        0, timeout=15_000
    )
    assert "present=1" not in page.url
    assert_no_exception(page)


def test_the_live_view_answers_space_right_arrow_and_r(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/playground")
    wait_for_view(page)
    page.locator("h1").first.click()  # the focus on no control
    page.keyboard.press("ArrowRight")
    wait_for_step(page, lambda s: s == 1)
    # Play at once, while the paused page's rerun after Step may still be drawing the replay
    # slider: a value the browser kept from that slider must not replay step 0 later
    # (pages/playground_session.replay_key)
    page.keyboard.press(" ")  # play
    wait_for_step(page, lambda s: s > 5)
    page.keyboard.press(" ")  # pause
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible(timeout=10_000)
    paused = shown_step(page)
    page.wait_for_timeout(1000)
    assert shown_step(page) == paused
    page.keyboard.press("r")
    wait_for_step(page, lambda s: s == 0)
    assert live(page).count() == 1
    assert_no_exception(page)


def test_every_chart_downloads_png_and_svg_and_a_dark_theme(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/activations?theme=dark")
    wait_until_idle(page)
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.hover()
    with page.expect_download() as svg:
        chart.locator('[data-title="Download plot as an SVG"]').click()
    assert svg.value.suggested_filename.endswith(".svg")
    assert svg.value.path().read_text().startswith("<svg")
    with page.expect_download() as png:
        chart.locator('[data-title="Download plot as a PNG"]').click()
    assert png.value.suggested_filename.endswith(".png")
    assert png.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    background = chart.locator(".main-svg").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(14, 17, 23)"  # the dark theme reached the charts
    assert_no_exception(page)
    page.screenshot(path=str(ARTIFACTS / "classroom_activations_dark.png"))


@pytest.mark.parametrize("path", ["learning_rate", "activations"])
def test_theory_pages_first_chart_fits_1280x720_in_presenter_mode(page, app_url, path):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/{path}?present=1")
    wait_until_idle(page)
    assert_no_exception(page)
    chart = page.get_by_test_id("stPlotlyChart").first
    in_viewport(page, chart)
    tick = chart.locator(".xtick text").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert tick >= 18
    page.screenshot(path=str(ARTIFACTS / f"classroom_{path}_present.png"))


def test_home_in_presenter_mode_says_how_to_present(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/?present=1")
    expect(page.get_by_role("heading", name="Backprop Lab")).to_be_visible(timeout=30_000)
    in_viewport(page, page.get_by_role("heading", name="Backprop Lab"))
    in_viewport(page, page.get_by_test_id("stMain").get_by_test_id("stPageLink").first)
    expect(page.get_by_text("On a projector")).to_be_visible()
    assert_no_exception(page)


CANVAS_FONTS = """e => [...e.querySelectorAll('canvas')]
  .map(c => c.getContext('2d').font).filter(f => f !== '10px sans-serif')  // 10px: no text drawn
  .map(f => parseFloat(f))"""


@pytest.mark.parametrize("path", ["playground", "vanishing", "digits"])
def test_live_views_in_presenter_mode_and_the_dark_theme(page, app_url, path):
    """?present=1&theme=dark on each live page: the view's text and its canvases' text are at
    least 18 px, its colours are the dark theme's, Play is on screen, the keyboard caption shown."""
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/{path}?present=1&theme=dark")
    wait_for_view(page)
    view = live(page)
    assert "bl-present" in view.get_attribute("class") and "bl-theme-dark" in view.get_attribute("class")
    sizes = view.evaluate(
        "e => [...e.querySelectorAll('.bl-label, .bl-status, .bl-btn, .bl-value')]"
        ".map(x => parseFloat(getComputedStyle(x).fontSize))"
    )
    assert sizes and min(sizes) >= 18, sizes
    fonts = view.evaluate(CANVAS_FONTS)
    assert fonts and min(fonts) >= 18, fonts
    assert view.evaluate("e => e.style.getPropertyValue('--bl-bg')") == "#0e1117"
    label = view.locator(".bl-label").first.evaluate("e => getComputedStyle(e).color")
    assert label == "rgb(163, 169, 177)"  # the dark theme's muted text, not the light grey
    in_viewport(page, view.get_by_role("button", name="Play", exact=True))
    first_canvas = view.locator("canvas").first.bounding_box()
    assert first_canvas is not None and first_canvas["y"] < SCREEN["height"]
    expect(page.get_by_text("space", exact=True).first).to_be_attached()  # the keyboard caption
    if path == "vanishing":  # the view before its controls: curves and both heatmaps on screen
        boxes = [c.bounding_box() for c in view.locator("canvas").all()]
        charts = [b for b in boxes if b and b["height"] > 100]
        assert len(charts) >= 4 and max(b["y"] + b["height"] for b in charts) <= SCREEN["height"], boxes
    page.screenshot(path=str(ARTIFACTS / f"classroom_{path}_present_dark.png"))
    assert_no_exception(page)


# blue (positive) pixels of the light theme on a canvas: the positive edges and their digits
BLUE_PIXELS = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4)
    if (d[i + 3] > 0 && Math.abs(d[i] - 8) + Math.abs(d[i + 1] - 119) + Math.abs(d[i + 2] - 189) < 30) n++;
  return n; }"""


def test_the_playground_in_presenter_mode_fits_1280x720_with_values_on_the_diagram(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/playground?dseed=1&present=1")
    wait_for_view(page)
    view = live(page)
    for part in ("canvas.bl-net", "canvas.bl-map", "canvas.bl-loss", "canvas.bl-norm"):
        in_viewport(page, view.locator(part))
    expect(page.get_by_text("does not know")).to_have_count(0)  # present=1 is no unknown key
    assert "present=1" in page.url  # the Playground's own address keeps it
    page.screenshot(path=str(ARTIFACTS / "classroom_playground_present_values.png"))
    # the default 2-4-2-1 network has at most 4 units a layer: its values are written on it in
    # blue or orange, so the same network has more blue pixels than without presenter mode
    written = view.locator("canvas.bl-net").evaluate(BLUE_PIXELS)
    page.goto(f"{app_url}/playground?dseed=1")
    wait_for_view(page)
    plain = live(page).locator("canvas.bl-net").evaluate(BLUE_PIXELS)
    assert written > plain * 1.1, (written, plain)
    assert_no_exception(page)


SCROLLED = "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop + window.scrollY"


def test_keys_do_nothing_while_typing_and_space_does_not_scroll(page, app_url):
    page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/playground")
    wait_for_view(page)
    box = page.get_by_test_id("stSidebar").get_by_role("spinbutton").first  # a number input
    box.click()
    for key in (" ", "ArrowRight", "r"):
        page.keyboard.press(key)
    page.wait_for_timeout(800)
    assert shown_step(page) == 0  # no step, no play
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    page.locator("h1").first.click()
    before = page.evaluate(SCROLLED)
    page.keyboard.press(" ")  # play
    wait_for_step(page, lambda s: s > 0)
    page.keyboard.press(" ")  # pause
    after = page.evaluate(SCROLLED)
    assert after == before  # space played and paused; the page did not scroll
    assert_no_exception(page)
