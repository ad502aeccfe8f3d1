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
        assert not [e for e in at.error if "Something went wrong" in e.value], page.path
        assert at.title[0].value.startswith(page.title)  # the navigation may shorten it


def test_a_crashing_page_gets_a_message_and_a_way_out(tmp_path, monkeypatch):
    """app.py's last line of defence: an unexpected error becomes a message, not a traceback."""
    import pages.registry as registry

    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n")
    monkeypatch.setattr(
        registry, "PAGES", [registry.PageInfo(str(broken), "Broken", ":material/error:", "X", "b")]
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(str(broken)).run()
    assert not at.exception
    assert any("Something went wrong on this page (RuntimeError: boom)" in e.value for e in at.error)
    assert any(b.label == "Start afresh" for b in at.button)
