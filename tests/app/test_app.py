"""The entry point: navigation runs and the home page lists every registered page."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from pages.registry import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_home_page_runs_and_lists_every_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for page in PAGES:
        assert page.blurb[:40] in text
        assert (ROOT / page.path).exists()


def test_every_page_runs_from_the_navigation():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for page in PAGES:
        at.switch_page(page.path).run()
        assert not at.exception, page.path
        assert at.title[0].value == page.title
