"""The server configuration in .streamlit/config.toml agrees with the app's own limits."""

import tomllib
from pathlib import Path

from streamlit import config as st_config

from engine.data import MAX_CSV_BYTES

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_upload_limit_is_the_loaders_limit():
    """One fact, one place: Streamlit refuses a file the loader would refuse, before holding it."""
    assert MAX_CSV_BYTES % (1024 * 1024) == 0
    assert CONFIG["server"]["maxUploadSize"] == MAX_CSV_BYTES // (1024 * 1024)


def test_error_details_are_hidden_and_disconnected_sessions_expire():
    assert CONFIG["client"]["showErrorDetails"] == "none"
    assert 0 < CONFIG["server"]["disconnectedSessionTTL"] <= 300


def test_no_full_garbage_collection_after_every_script_run():
    """A full collection after each run stalls every session of a shared server (config.toml)."""
    assert CONFIG["runner"]["postScriptGC"] is False


def test_every_option_exists_in_this_streamlit():
    """A misspelt option would be ignored silently by Streamlit."""
    options = st_config._config_options_template
    for section, values in CONFIG.items():
        for name in values:
            assert f"{section}.{name}" in options, f"{section}.{name}"
    assert "none" in options["client.showErrorDetails"].description
