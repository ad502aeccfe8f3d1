"""Nothing leaves the app's own origin: a browser that opens Home, then every page of
pages/registry.py from the menu, asks only the server it came from (no fonts, icons, scripts or
telemetry from anywhere else). Requests to other origins are recorded and blocked, and the test
fails on any."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pages.registry import PAGES
from tests.browser.conftest import assert_no_exception, origin, wait_until_idle

pytestmark = pytest.mark.browser


def test_every_page_asks_only_its_own_server(page, app_url):
    home = origin(app_url)
    seen: list[str] = []
    outside: list[str] = []

    def record(url: str) -> None:
        seen.append(url)
        if not url.startswith(("data:", "blob:", "about:")) and origin(url) != home:
            outside.append(url)

    page.route(
        "**/*", lambda route: route.abort() if origin(route.request.url) != home else route.continue_()
    )
    page.on("request", lambda request: record(request.url))
    page.on("websocket", lambda socket: record(socket.url))

    page.goto(app_url)  # the one load; the pages are then opened as a student does, from the menu
    links = page.get_by_test_id("stMain").get_by_test_id("stPageLink")
    expect(links).to_have_count(len(PAGES), timeout=30_000)
    menu = page.get_by_test_id("stSidebarNav")
    for info in PAGES:
        menu.get_by_role("link", name=info.title).click()
        # a client-side navigation (no load event); a page such as the Playground adds its settings
        expect(page).to_have_url(re.compile(rf"^{re.escape(app_url)}/{Path(info.path).stem}(\?.*)?$"))
        wait_until_idle(page)
        assert_no_exception(page)
        icon = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
        assert icon and all(href.startswith("data:") or origin(href) == home for href in icon), icon
    page.wait_for_timeout(1_000)  # late requests (fonts, images) of the last page

    assert any("/_stcore/stream" in url for url in seen), "the recording saw the app's own websocket"
    assert not outside, f"requests to other origins: {sorted(set(outside))}"
