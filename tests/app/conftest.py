"""AppTest helpers: load a page file directly (absolute path), with a generous timeout."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def load_page():
    def load(name: str, **state) -> AppTest:
        at = AppTest.from_file(str(ROOT / name), default_timeout=60)
        for key, value in state.items():
            at.session_state[key] = value
        return at.run()

    return load


def chart_spec(at: AppTest, index: int) -> dict:
    """The Plotly figure JSON of the index-th chart on the page."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)
