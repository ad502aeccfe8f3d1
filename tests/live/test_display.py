"""The live views' display options (``viz.theme.live_display``, sent by ``pages/live/component.py``):
presenter mode's font, each theme's ink and diverging ramp keeping orange = negative and blue =
positive; and the Playground's link readers passing over the app-wide ``present`` / ``theme``."""

import pytest

from pages import presenter
from pages.playground_settings import DEFAULTS
from pages.playground_tf import from_tf_link
from pages.playground_url import APP_WIDE_KEYS, from_query, to_query
from viz import frames, theme


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_the_light_ramp_is_the_one_the_server_sends():
    light = theme.ramp("light")
    assert (light[0], light[-1]) == (frames.palette()[0], frames.palette()[-1])
    display = theme.live_display("light", present=False)
    assert display["light_ramp_ends"] == [frames.palette()[0], frames.palette()[-1]]
    assert display["palette"] is None and display["ink"] == {} and display["present"] is False


@pytest.mark.parametrize("name", ["dark", "high contrast"])
def test_every_theme_keeps_orange_negative_and_blue_positive(name):
    ramp = theme.ramp(name)
    assert len(ramp) == 256
    neg, pos = rgb(ramp[0]), rgb(ramp[-1])
    assert neg[0] > neg[2] + 100  # orange: far more red than blue
    assert pos[2] > pos[0] + 100  # blue: far more blue than red
    mid = rgb(ramp[128])
    background = rgb(theme.live_display(name, True)["ink"]["background"])
    assert sum(abs(m - b) for m, b in zip(mid, background)) < 120  # zero sits near the ground


def test_presenter_mode_asks_for_18_px_canvas_text():
    display = theme.live_display("dark", present=True)
    assert display["present"] is True and display["font"] >= 18
    assert display["ink"]["text"] == "#e6e6e6" and display["palette"][0] != frames.palette()[0]
    with pytest.raises(ValueError, match="unknown theme"):
        theme.live_display("neon", present=False)


def test_the_app_wide_keys_are_the_presenter_modules():
    assert {presenter.PARAM, presenter.THEME_PARAM} == APP_WIDE_KEYS


def test_the_playground_link_passes_over_present_and_theme():
    query = {**to_query(DEFAULTS), "present": "1", "theme": "dark"}
    config, notices = from_query(query)
    assert config == DEFAULTS
    assert notices == []
    config, notices = from_query({**to_query(DEFAULTS), "colour": "x"})
    assert any("does not know" in n for n in notices)  # other unknown keys are still named


def test_the_tf_link_reader_passes_over_present_and_theme():
    link = "https://playground.tensorflow.org/#activation=relu&present=1&theme=dark"
    config, notices = from_tf_link(link)
    assert config.activation == "relu"
    assert not any("does not know" in n for n in notices), notices
