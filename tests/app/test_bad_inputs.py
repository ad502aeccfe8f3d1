"""Bad inputs from links, widgets and uploads (issue 13): each gets a clear message and the page
keeps working; no Python error reaches the user."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND = str(ROOT / "pages/playground.py")


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
