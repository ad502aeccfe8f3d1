"""Bad inputs from links, widgets and uploads (issue 13): each gets a clear message and the page
keeps working; no Python error reaches the user."""

import math
from pathlib import Path

import numpy as np
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
    at.query_params["points"] = "200"
    at.run()
    _no_error(at)
    dataset = at.session_state["pg.live"].model.trainer.dataset
    assert (dataset.n_train, dataset.n_test) == (180, 20)  # 200 points
    assert at.query_params["ratio"] == "90"


def test_the_training_data_slider_at_both_ends():
    at = AppTest.from_file(PLAYGROUND, default_timeout=60)
    at.query_params["points"] = "200"
    at.run()
    for ratio, n_test in ((90, 20), (10, 180)):
        at.slider(key="pg.ratio").set_value(ratio).run()
        _no_error(at)
        assert at.session_state["pg.live"].model.trainer.dataset.n_test == n_test


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
        r"\*\*b\*\* \_i\_ \`c\` \$x\$ \:red\[r\] \<b\>h\</b\> # h"
    )
    assert plain("a\nb\x00") == "a?b?"


# --------------------------------------------------------------------------- uploads

SMALL = {"vg.A.depth": 3, "vg.B.depth": 3, "vg.A.width": 8, "vg.B.width": 8}


def _csv_page() -> AppTest:
    at = AppTest.from_file(VANISHING, default_timeout=60)
    for key, value in SMALL.items():
        at.session_state[key] = value
    at.run()
    at.selectbox(key="vg.dataset").set_value("csv").run()
    return at


def _upload(at: AppTest, content: bytes, name: str = "data.csv") -> AppTest:
    return at.file_uploader(key="vg.csv.file").set_value((name, content, "text/csv")).run()


def _rows(header: str, n: int = 20) -> bytes:
    return ("\n".join([header] + [f"{i},{i % 3},{i % 2}" for i in range(n)]) + "\n").encode()


def test_headers_and_file_names_are_shown_as_plain_text():
    at = _upload(_csv_page(), _rows("[x](http://e),**b**,y"), name="<b>:red[f]</b>.csv")
    assert not at.exception and not at.error
    sources = [e.value for kind in ("caption", "markdown", "info", "error", "warning") for e in at.get(kind)]
    caption = next(s for s in sources if s.startswith("Data: "))
    assert (
        r"\[x\]\(http\://e\)" in caption and r"\*\*b\*\*" in caption and r"\<b\>\:red\[f\]\</b\>" in caption
    )
    assert not [s for s in sources if "](http" in s or "**b**" in s or ":red[" in s]


def test_a_header_quoted_in_an_error_is_plain_too():
    at = _upload(_csv_page(), _rows("[x](http://e),b,y").replace(b"\n4,", b"\nabc,"))
    error = " ".join(e.value for e in at.error)
    assert "row 6" in error and r"'\[x\]\(http\://e\)'" in error and "](http" not in error


def test_values_that_overflow_when_standardized_are_refused_at_load_time():
    content = ("x1,x2,y\n" + "".join(f"{1e308 if i == 3 else i},{-i},{i % 2}\n" for i in range(20))).encode()
    at = _upload(_csv_page(), content)
    assert not at.exception
    error = " ".join(e.value for e in at.error)
    assert "Your CSV cannot be used" in error and "too large to scale" in error and "row 5" in error
    assert "NaN or infinite" not in error and "cannot be built" not in error
    assert at.session_state["vg.run.A"].config.dataset != "csv"  # the last valid data stay


def test_an_upload_is_parsed_once_not_per_seed_or_rerun(monkeypatch):
    from pages import vanishing_data

    calls = []
    original = vanishing_data.read_csv_table
    monkeypatch.setattr(
        vanishing_data, "read_csv_table", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    at = _upload(_csv_page(), _rows("a,b,y", 40))
    assert not at.error and len(calls) == 1
    before = at.session_state["vg.run.A"].trainer.dataset.X_train.copy()
    at.number_input(key="vg.seed").set_value(5).run()
    at.run()
    assert not at.exception and not at.error and len(calls) == 1
    assert at.session_state["vg.run.A"].config.csv.seed == 5
    assert not np.array_equal(at.session_state["vg.run.A"].trainer.dataset.X_train, before)  # split again
    _upload(at, _rows("a,b,y", 40), name="again.csv")  # the same bytes under another name
    assert len(calls) == 1
    assert any(
        c.value.startswith(r"Data: again\.csv") or c.value.startswith("Data: again.csv") for c in at.caption
    )
