"""The two theory pages (Learning rate, Activations & losses) in a real browser at 1280x720:
no exception, the main chart above the fold, and the paths animate in the figure itself
(Play moves the step slider with no server rerun, Pause stops it)."""

import time

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser

# The step slider of the index-th Plotly chart (Plotly's own state) and the server's status.
ACTIVE_STEP = """(i) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots[i]._fullLayout.sliders[0].active;
}"""


@pytest.fixture
def small_page(page):
    page.set_viewport_size({"width": 1280, "height": 720})
    return page


def open_page(page: Page, url: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    wait_until_idle(page, timeout=60_000)
    assert_no_exception(page)


def main_chart_box(page: Page) -> dict:
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.locator(".main-svg").first.wait_for(state="visible")
    return chart.bounding_box()


def test_learning_rate_page_fits_and_plays_in_the_browser(app_url, small_page):
    page = small_page
    open_page(page, app_url, "learning_rate")
    box = main_chart_box(page)
    assert box["y"] + box["height"] <= 720, "the surface chart (with its Play button) must fit above the fold"
    assert "diverges" in page.get_by_test_id("stPlotlyChart").first.locator(".legendtext").last.text_content()
    page.screenshot(path=str(ARTIFACTS / "learning_rate_fold.png"))
    assert page.evaluate(ACTIVE_STEP, 0) == 40  # shows the last step before Play
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.locator(".updatemenu-button").first.click()  # ▶ Play
    time.sleep(1.0)
    playing = page.evaluate(ACTIVE_STEP, 0)
    assert 0 < playing < 40
    chart.locator(".updatemenu-button").nth(1).click()  # ❚❚ Pause
    paused = page.evaluate(ACTIVE_STEP, 0)
    time.sleep(0.8)
    assert page.evaluate(ACTIVE_STEP, 0) == paused
    page.get_by_test_id("stStatusWidget").wait_for(state="detached")  # no server run was asked for
    assert_no_exception(page)


def test_activations_page_fits_reveals_answers_and_plays(app_url, small_page):
    page = small_page
    open_page(page, app_url, "activations")
    box = main_chart_box(page)
    assert box["y"] + box["height"] <= 720, "the activation grid must fit above the fold"
    titles = page.get_by_test_id("stPlotlyChart").first.locator(".annotation-text")
    assert "max f′ = 0.25" in [titles.nth(i).text_content() for i in range(titles.count())]
    page.screenshot(path=str(ARTIFACTS / "activations_fold.png"))
    question = page.get_by_text("At z = −10 with target 1, which loss sends back the larger gradient?")
    question.click()  # predict, then reveal
    page.get_by_text("confidently wrong and MSE barely notices", exact=False).wait_for(state="visible")
    # the dead-ReLU run animates in its figure: Play moves its slider
    dead = page.get_by_test_id("stPlotlyChart").nth(3)
    dead.scroll_into_view_if_needed()
    dead.locator(".updatemenu-button").first.click()
    time.sleep(1.0)
    assert 0 < page.evaluate(ACTIVE_STEP, 3) < 100
    dead.locator(".updatemenu-button").nth(1).click()
    page.screenshot(path=str(ARTIFACTS / "activations_dead_relus.png"))
    assert_no_exception(page)
