"""Presenter mode: large type for a projector, on every page.

On with the sidebar toggle (``app.py`` draws it above every page) or ``?present=1`` in any
page's address. The state lives in ``st.session_state[KEY]``. Pages draw their charts with
``plotly_chart`` (fonts scaled to ``theme.PRESENTER_FONT`` px when on, the toolbar's PNG/SVG
download always) and ask ``is_on()`` to decide what to collapse or write on a diagram.
"""

from __future__ import annotations

import streamlit as st

from viz import theme

KEY = "presenter"
PARAM = "present"

# Larger controls and text, tighter page padding (1280x720 has little height to spare).
CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 4.2rem; padding-bottom: 1rem;}
[data-testid="stMain"] h1 {font-size: 2.1rem; padding: 0 0 0.3rem 0;}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {font-size: 1.2rem;}
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 1.05rem;}
[data-testid="stMain"] button p, [data-testid="stWidgetLabel"] p {font-size: 1.15rem;}
[data-testid="stMetricValue"] {font-size: 2.2rem;}
[data-testid="stMain"] .katex {font-size: 1.35em;}
</style>
"""


def is_on() -> bool:
    """Whether presenter mode is on: the toggle's state, else the address's ``?present=1``."""
    if KEY in st.session_state:
        return bool(st.session_state[KEY])
    return st.query_params.get(PARAM) == "1"


def sidebar_toggle() -> bool:
    """The sidebar toggle (``app.py`` calls it before each page), kept in step with
    ``?present=1`` so a link shares the mode, and the page CSS when on."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get(PARAM) == "1"
    on = st.sidebar.toggle(
        "Presenter mode",
        key=KEY,
        help="Large type on every chart and control, for a projector. Also `?present=1` in the address.",
    )
    if on:
        st.query_params[PARAM] = "1"
        st.html(CSS)
    elif PARAM in st.query_params:
        del st.query_params[PARAM]
    return on


def plotly_chart(fig, container=None, **kwargs):
    """``st.plotly_chart`` (or ``container.plotly_chart``, e.g. a column) with the shared
    toolbar (``theme.plotly_config``: image download) and, in presenter mode, chart text of at
    least ``theme.PRESENTER_FONT`` px."""
    if is_on():
        fig = theme.scale_fonts(fig)
    kwargs.setdefault("config", theme.plotly_config())
    return (container or st).plotly_chart(fig, **kwargs)
