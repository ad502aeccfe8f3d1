"""Bad inputs from links, widgets and uploads (issue 13): each gets a clear message and the page
keeps working; no Python error reaches the user."""

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND = str(ROOT / "pages/playground.py")
VANISHING = str(ROOT / "pages/vanishing.py")


def _no_error(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# --------------------------------------------------------------------------- training data 90 %


def test_a_link_with_ratio_90_trains_on_90_percent():
    at = AppTest.from_file(PLAYGROUND, default_timeout=60)
    at.query_params["ratio"] = "90"
    at.run()
    _no_error(at)
    dataset = at.session_state["pg.trainer"].dataset
    assert (dataset.n_train, dataset.n_test) == (180, 20)  # 200 points by default
    assert at.query_params["ratio"] == "90"


def test_the_training_data_slider_at_both_ends():
    at = AppTest.from_file(PLAYGROUND, default_timeout=60).run()
    for ratio, n_test in ((90, 20), (10, 180)):
        at.slider(key="pg.ratio").set_value(ratio).run()
        _no_error(at)
        assert at.session_state["pg.trainer"].dataset.n_test == n_test


# --------------------------------------------------------------------------- Start afresh


def test_start_afresh_also_forgets_the_link_that_broke_the_page(tmp_path, monkeypatch):
    """A page that fails on a query parameter would fail again if Start afresh kept the URL."""
    import pages.registry as registry

    broken = tmp_path / "broken.py"
    broken.write_text(
        "import streamlit as st\n"
        "if 'bad' in st.query_params:\n"
        "    raise RuntimeError('boom')\n"
        "st.session_state['fine'] = True\n"
        "st.write('fine')\n"
    )
    monkeypatch.setattr(
        registry, "PAGES", [registry.PageInfo(str(broken), "Broken", ":material/error:", "X", "b")]
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(str(broken))
    at.query_params["bad"] = "1"
    at.session_state["stale"] = 1
    at.run()
    assert any("Something went wrong" in e.value for e in at.error)
    next(b for b in at.button if b.label == "Start afresh").click().run()
    assert not at.exception and not at.error
    assert "bad" not in at.query_params and "stale" not in at.session_state
    assert at.session_state["fine"]


# --------------------------------------------------------------------------- NaN for an integer


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_batch_size_or_seed_keeps_the_last_valid_value(bad):
    """Streamlit converts an integer input's value with int() before the page runs; a client
    sending NaN made that an uncaught ValueError. Now the page keeps the last valid value."""
    at = AppTest.from_file(VANISHING, default_timeout=60).run()
    at.number_input(key="vg.batch").set_value(16).run()
    at.number_input(key="vg.seed").set_value(7).run()
    for key, label, kept in (("vg.batch", "Batch size", 16), ("vg.seed", "Seed", 7)):
        at.number_input(key=key).set_value(bad).run()
        assert not at.exception
        assert [e.value for e in at.error] == [
            f"{label}: the value received was not a finite number; kept {kept}."
        ]
        assert at.session_state[key] == kept and at.number_input(key=key).value == kept
        at.run()
        assert not at.error  # said once
    assert at.session_state["vg.run.A"].config.batch_size == 16


@pytest.mark.parametrize(
    ("page", "key"), [("pages/playground.py", "pg.points"), ("pages/step_by_step.py", "sbs.n_in")]
)
def test_no_integer_input_on_any_page_raises_for_nan(page, key):
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
    at.number_input(key=key).set_value(math.nan).run()
    assert not at.exception
    assert isinstance(at.session_state[key], int) and math.isfinite(at.session_state[key])


def test_plain_shows_user_text_as_typed():
    from pages.widgets import plain

    assert plain("[x](http://e)") == r"\[x\]\(http\://e\)"
    assert plain("**b** _i_ `c` $x$ :red[r] <b>h</b> # h") == (
        r"\*\*b\*\* \_i\_ \`c\` \$x\$ \:red\[r\] \<b\>h\</b\> \# h"
    )
    assert plain("a\nb\x00") == "a?b?"
