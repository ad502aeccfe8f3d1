"""The live view as a Streamlit component (``st.components.v2``, no build step).

``live_view(run, options, key)`` mounts it once per page under a stable ``key``; later script
runs call it again with new ``options`` (display settings), which its JS applies in place.
The JS (``live_view.js``) opens ``/live?token=...`` and draws the frames; its ``sync`` trigger
(``{"playing": bool, "step": int}``) reruns the page when playing starts or a paused state
changed, so the page's own controls (replay, resume) follow the stream.

``deep_view(run, options, key)`` is the same for the Vanishing page's A/B view
(``deep_view.js``, ``deep_view.css``): the same contract, the same stream; ``digits_view`` for
the Image recognition page.

Every view also gets ``display`` (``viz.theme.live_display``: presenter mode's larger canvas
text, the colour theme's ink and ramp), read here from ``pages.presenter`` so no page passes
it, and under each view the keyboard caption (``widgets.keyboard_caption``) of its shortcuts.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages import presenter, widgets
from pages.live.runs import REGISTRY, LiveRun
from viz import theme

_HERE = Path(__file__).parent


def _styles(view: str) -> str:
    """A view's CSS: the rules every view shares (``shared_view.css``), then the view's own."""
    return "\n".join((_HERE / name).read_text(encoding="utf-8") for name in ("shared_view.css", view))


def _script(view: str) -> str:
    """A view's JS: the shared stream client (``stream_client.js``), then the view itself."""
    return "\n".join((_HERE / name).read_text(encoding="utf-8") for name in ("stream_client.js", view))


def display_options() -> dict:
    """The live views' ``display`` option: presenter mode and the colour theme of this session."""
    return theme.live_display(presenter.theme_name(), presenter.is_on())


def _mount(component, run: LiveRun, options: dict, key: str, on_sync):
    """Register ``run`` and mount ``component`` with ``options`` plus ``display``; then the
    keyboard caption."""
    REGISTRY.register(run)
    result = component(
        data={"token": run.token, **options, "display": display_options()},
        key=key,
        on_sync_change=on_sync or (lambda: None),
    )
    widgets.keyboard_caption()
    return result


_COMPONENT = st.components.v2.component(
    "backprop_lab.live_view",
    html="",
    css=_styles("live_view.css"),
    js=_script("live_view.js"),
)


def live_view(run: LiveRun, options: dict, key: str, on_sync=None):
    """Mount (or update) the live view of ``run``; returns the component's result."""
    return _mount(_COMPONENT, run, options, key, on_sync)


_DEEP = st.components.v2.component(
    "backprop_lab.deep_view",
    html="",
    css=_styles("deep_view.css"),
    js=_script("deep_view.js"),
)


def deep_view(run: LiveRun, options: dict, key: str, on_sync=None):
    """Mount (or update) the Vanishing page's live A/B view of ``run``; returns its result."""
    return _mount(_DEEP, run, options, key, on_sync)


_DIGITS = st.components.v2.component(
    "backprop_lab.digits_view",
    html="",
    css=_styles("digits_view.css"),
    js=_script("digits_view.js"),
)


def digits_view(run: LiveRun, options: dict, key: str, on_sync=None):
    """Mount (or update) the Image recognition page's live view of ``run``; returns its result."""
    return _mount(_DIGITS, run, options, key, on_sync)
