"""The home page and the Step-by-step page in a real browser."""

import pytest
from playwright.sync_api import expect

from pages.registry import PAGES
from tests.browser.conftest import assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser


def test_home_page_lists_the_pages(page, app_url):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Backprop Lab")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    # the page list is drawn (the screenshot taken after the test shows it whole)
    links = page.get_by_test_id("stMain").get_by_test_id("stPageLink")
    expect(links).to_have_count(len(PAGES), timeout=30_000)
    for info in PAGES:
        expect(links.filter(has_text=info.title)).to_be_visible()
        expect(page.get_by_text(info.blurb)).to_be_visible()
    expect(page.get_by_text("For a class: open the same address")).to_be_visible()
    assert_no_exception(page)


def test_step_page_renders_and_next_step_lowers_the_loss(page, app_url):
    page.goto(f"{app_url}/step_by_step")
    wait_until_idle(page)
    assert_no_exception(page)
    loss = page.get_by_test_id("stMetricValue").first
    expect(loss).to_have_text("0.298371")
    diagram = page.get_by_test_id("stPlotlyChart").first
    expect(diagram.locator(".main-svg").first).to_be_visible()
    expect(diagram.locator("text", has_text="h11").first).to_be_visible()

    page.get_by_role("button", name="Apply the update").click()
    expect(loss).not_to_have_text("0.298371", timeout=15_000)
    wait_until_idle(page)
    assert float(loss.text_content()) < 0.298371
    assert_no_exception(page)


def test_a_deep_link_to_a_fresh_server_gets_the_app_navigation(page, fresh_app_url):
    page.goto(f"{fresh_app_url}/step_by_step")
    wait_until_idle(page)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Backprop, number by number")).to_be_visible()
    expect(nav.get_by_text("widgets")).to_have_count(0)
    assert_no_exception(page)


def test_phase_buttons_change_the_explanation(page, app_url):
    page.goto(f"{app_url}/step_by_step")
    wait_until_idle(page)
    page.get_by_role("button", name="Next ▶").click()
    expect(page.get_by_text("The output is compared with the target")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Next ▶").click()
    expect(page.get_by_text("The chain rule runs from the output")).to_be_visible(timeout=15_000)
    wait_until_idle(page)
    assert_no_exception(page)
