"""The Playground's settings table (``playground_settings.SETTINGS``): one row per field, and the
tables, checks, link codec and widget values read off it."""

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.playground_kinds import KINDS
from pages.playground_session import widget_values
from pages.playground_settings import (
    DATA_FIELDS,
    DEFAULTS,
    LIVE_FIELDS,
    NETWORK_FIELDS,
    RESET_FIELDS,
    SETTING,
    SETTINGS,
    PlaygroundConfig,
)
from pages.playground_url import _decode, from_query, to_query
from pages.playground_validate import _encode, allowed, validate

ROOT = Path(__file__).resolve().parents[2]


def test_the_table_has_one_row_per_field_in_field_order_with_unique_keys_and_known_kinds():
    assert [s.name for s in SETTINGS] == [f.name for f in dataclasses.fields(PlaygroundConfig)]
    assert len({s.key for s in SETTINGS}) == len(SETTINGS)
    assert {s.kind for s in SETTINGS} <= set(KINDS)
    for s in SETTINGS:
        if s.kind in ("int", "float"):
            assert len(s.domain) == 2 and s.domain[0] <= getattr(DEFAULTS, s.name) <= s.domain[1], s.name
        assert s.words and "pg." + s.key == s.widget_key
    assert validate(DEFAULTS) == (DEFAULTS, [])


def test_what_a_change_rebuilds_or_applies_live_is_read_off_the_effects():
    assert list(RESET_FIELDS) == [
        "dataset", "noise", "train_ratio", "n_points", "data_seed", "features", "hidden", "activation",
        "layer_activations", "init", "init_scale", "seed", "regression_loss", "tf_compatible", "csv_task",
        "n_classes",
    ]  # fmt: skip
    assert DATA_FIELDS == (
        "dataset", "noise", "train_ratio", "n_points", "data_seed", "features", "tf_compatible", "csv_task"
    )  # fmt: skip
    assert NETWORK_FIELDS == ("features", "hidden", "activation", "layer_activations", "init", "init_scale",
                              "seed", "regression_loss", "tf_compatible", "n_classes")  # fmt: skip
    assert LIVE_FIELDS == ("regularization", "reg_rate", "lr", "batch_size", "optimizer", "clip_norm",
                           "schedule", "schedule_steps", "dropout")  # fmt: skip
    assert RESET_FIELDS["data_seed"] == "data (regenerated)" and SETTING["lr"].words == "learning rate"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_each_settings_default_round_trips_through_its_kind_and_bad_text_is_refused(setting):
    default = getattr(DEFAULTS, setting.name)
    assert _decode(setting.name, _encode(setting.name, default)) == default
    assert KINDS[setting.kind].check(setting.domain, default)
    assert allowed(setting.name)  # words for its messages
    if setting.kind in ("int", "float", "bool", "widths"):
        with pytest.raises(ValueError):
            _decode(setting.name, "x" * 50)
    if setting.kind != "controls":  # an empty hide= is no hidden control, valid
        config, notices = from_query({setting.key: "\u2603" * 3})
        assert getattr(config, setting.name) == default
        assert any(f"Setting {setting.key} " in n for n in notices), notices


# Every setting a plain widget holds differs from its default here, so the page must carry each one
# from the link through its widget (``widget_values``) and back into the settings it applies.
EVERY_WIDGET = DEFAULTS.replace(
    dataset="spiral_k", n_classes=4, noise=10, train_ratio=60, n_points=300, data_seed=5,
    features=("x1", "x2", "x1*x2"), hidden=(3, 2), activation="relu", init="he_normal", init_scale=0.5,
    seed=3, regularization="l1", reg_rate=0.01, lr=0.1, batch_size=20, optimizer="adam", clip_norm=1.0,
    regression_loss="sse", speed=10, show_test=True, discretize=True, view="gradients",
    node_colour="delta", log_widths=True, tf_compatible=True, schedule="cosine", schedule_steps=500,
    stop_loss=0.01, stop_steps=100_000, dropout=0.1,
)  # fmt: skip


def test_a_link_reaches_every_widget_of_the_table_and_the_page_applies_it():
    widget_settings = [s for s in SETTINGS if s.widget]
    assert all(getattr(EVERY_WIDGET, s.name) != getattr(DEFAULTS, s.name) for s in widget_settings)
    assert validate(EVERY_WIDGET) == (EVERY_WIDGET, [])
    at = AppTest.from_file(str(ROOT / "pages/playground.py"), default_timeout=60)
    at.query_params.update(to_query(EVERY_WIDGET))
    at.run()
    assert not at.exception and not at.warning
    for s in widget_settings:
        value = getattr(EVERY_WIDGET, s.name)
        assert at.session_state[s.widget_key] == (list(value) if isinstance(value, tuple) else value), s.name
    assert at.session_state["pg.config"] == EVERY_WIDGET
    assert at.query_params == to_query(EVERY_WIDGET)
    values = widget_values(EVERY_WIDGET)
    assert values["pg.data.classification"] == "spiral_k" and values["pg.layers"] == 2
