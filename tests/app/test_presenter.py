"""Presenter mode on the pages that draw with pages.presenter.plotly_chart: every chart's text
is at least 18 px when it is on (the toggle's state or ?present=1), the usual size when off, and
every chart's toolbar offers the image download."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT

PAGES = ["pages/step_by_step.py", "pages/learning_rate.py", "pages/activations.py"]


def font_sizes(node):
    """Every font size in a figure's JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                yield value["size"]
            yield from font_sizes(value)
    elif isinstance(node, list):
        for item in node:
            yield from font_sizes(item)


@pytest.mark.parametrize("page", PAGES)
def test_presenter_mode_makes_every_chart_text_18_px(load_page, page):
    at = load_page(page, presenter=True)
    assert not at.exception
    charts = at.get("plotly_chart")
    assert charts
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        assert min(font_sizes(spec)) >= 18
        assert json.loads(chart.proto.config)["toImageButtonOptions"]["format"] == "png"


@pytest.mark.parametrize("page", PAGES)
def test_off_by_default_with_the_download_toolbar(load_page, page):
    at = load_page(page)
    for chart in at.get("plotly_chart"):
        assert json.loads(chart.proto.spec)["layout"]["font"]["size"] < 18
        assert "displayModeBar" not in json.loads(chart.proto.config)  # the toolbar is shown


def test_the_address_turns_it_on_and_the_toggle_off():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["present"] = "1"
    at.run()
    assert at.toggle(key="presenter").value is True
    assert any("font-size" in h.proto.body for h in at.get("html"))  # the larger controls
    # turning it off is checked in the browser (tests/browser/test_classroom.py): AppTest loses
    # the session's widgets when a callback-free toggle edits the query parameters


@pytest.mark.parametrize("name, background", [("dark", "#0e1117"), ("high contrast", "white")])
def test_a_colour_theme_recolours_every_chart(load_page, name, background):
    at = load_page("pages/step_by_step.py", theme=name)
    for chart in at.get("plotly_chart"):
        assert json.loads(chart.proto.spec)["layout"]["paper_bgcolor"] == background
    diagram = json.loads(at.get("plotly_chart")[0].proto.spec)
    neurons = next(t for t in diagram["data"] if t.get("name") == "neurons")
    assert neurons["marker"]["colorscale"][0][1] != "#f59322" or name == "light"


def test_the_theme_select_adds_its_css():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["theme"] = "dark"
    at.run()
    assert at.selectbox(key="theme").value == "dark"
    assert any("#0e1117" in h.proto.body for h in at.get("html"))
