"""The Vanishing-gradients page's "your CSV" data set in a real browser: a file with a NaN
cell gets the loader's message (no traceback) and the charts stay; a good file builds A and
B for its columns and classes, and Advance trains them."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser

ROWS = [f"{i},{(i * 7) % 5 - 2},{(i * 3) % 11},{('red', 'green', 'blue')[i % 3]}" for i in range(60)]
GOOD = ("a,b,c,species\n" + "\n".join(ROWS) + "\n").encode()
WITH_NAN = GOOD.replace(b"\n4,", b"\nnan,", 1)  # data row 5 (spreadsheet row 6), column a


def choose_csv(page: Page, url: str) -> None:
    page.goto(f"{url}/vanishing")
    wait_until_idle(page)
    page.get_by_role("combobox", name="Data set").click()
    page.get_by_role("option", name="your CSV (upload a file)").click()
    expect(page.get_by_text("Upload a CSV file in the sidebar")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("stFileUploader")).to_be_visible()
    expect(page.get_by_role("button", name="Example CSV (spiral)")).to_be_visible()
    wait_until_idle(page)
    assert_no_exception(page)


def upload(page: Page, name: str, content: bytes) -> None:
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )


def test_a_csv_with_a_nan_gets_the_message_and_a_good_one_trains(page, app_url):
    choose_csv(page, app_url)

    upload(page, "broken.csv", WITH_NAN)
    message = page.get_by_text("Your CSV cannot be used:")
    expect(message).to_be_visible(timeout=15_000)
    expect(page.get_by_text("row 6, column 'a' (column 1) is NaN ('nan')")).to_be_visible()
    expect(page.get_by_text("keeps showing the circle data, the last valid data set")).to_be_visible()
    wait_until_idle(page)
    assert_no_exception(page)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(7)  # the circle runs stay on screen
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # the fixture saves the end state; this is the error
    page.screenshot(path=str(ARTIFACTS / "test_vanishing_upload_nan_error.png"), full_page=True)

    upload(page, "flowers.csv", GOOD)
    expect(
        page.get_by_text("Data: flowers.csv: 60 rows (42 train, 18 test), 3 features (a, b, c)")
    ).to_be_visible(timeout=30_000)
    expect(message).to_have_count(0)
    expect(page.get_by_text("A = sigmoid · normal(1) · 20×64")).to_be_visible()
    wait_until_idle(page)
    assert_no_exception(page)
    # The networks are built for the file: 3 inputs, 3 classes -> the softmax + cross-entropy loss.
    expect(page.get_by_text("target species: 3 classes (blue, green, red)")).to_be_visible()
    expect(page.get_by_role("combobox", name="Loss").first).to_have_value("cross_entropy")
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("0 of 0")

    page.get_by_role("button", name="Advance 5 steps").click()
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("5 of 5", timeout=30_000)
    wait_until_idle(page)
    expect(page.locator(".gtitle", has_text="Gradient per layer at step 5").first).to_be_visible()
    assert_no_exception(page)


def test_markdown_in_headers_and_file_names_is_shown_as_typed(page, app_url):
    choose_csv(page, app_url)
    hostile = GOOD.replace(b"a,b,c,species", b"[x](http://e),**b**,:red[c],species", 1)
    upload(page, "<i>:smile:</i>.csv", hostile)
    caption = page.get_by_text("Data: <i>:smile:</i>.csv: 60 rows")
    expect(caption).to_be_visible(timeout=30_000)
    expect(caption).to_contain_text("3 features ([x](http://e), **b**, :red[c])")
    assert caption.locator("a, strong, i, span[style]").count() == 0  # no link, bold, italics, colour
    wait_until_idle(page)
    assert_no_exception(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_vanishing_upload_plain_headers.png"))
