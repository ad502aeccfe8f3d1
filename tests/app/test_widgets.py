"""The shared widgets of pages/widgets.py, driven through a one-widget script."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def learning_rate_app(tmp_path):
    script = tmp_path / "choice.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import streamlit as st\n"
        "from pages import widgets\n"
        "st.markdown(f'value={widgets.playground_learning_rate(\"lr\")}')\n"
    )

    def run(typed):
        at = AppTest.from_file(str(script), default_timeout=30)
        at.session_state["lr"] = typed
        return at.run()

    return run


@pytest.mark.parametrize(
    "typed, message",
    [
        ("-0.5", "Learning rate η: -0.5 is outside the range 0 to 1000; kept the last valid value."),
        ("1e9", "Learning rate η: 1e+09 is outside the range 0 to 1000; kept the last valid value."),
        ("abc", "Learning rate η: 'abc' is not a number; kept the last valid value."),
        ("nan", "Learning rate η: 'nan' is not a finite number; kept the last valid value."),
    ],
)
def test_a_refused_learning_rate_says_what_is_allowed(learning_rate_app, typed, message):
    at = learning_rate_app(typed)
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert at.markdown[0].value == "value=1e-05"  # the last valid value (here the first option)


@pytest.mark.parametrize("typed, expected", [("2,5", 2.5), ("0,05", 0.05), (" 7 ", 7.0)])
def test_a_typed_learning_rate_in_range_is_kept_and_offered(learning_rate_app, typed, expected):
    at = learning_rate_app(typed)  # a comma works as the decimal point
    assert not at.error
    assert at.markdown[0].value == f"value={expected}"
    assert f"{expected:g}" in at.selectbox(key="lr").options
