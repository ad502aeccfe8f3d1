"""How the pages are shown in a room: presenter mode and the colour theme, on every page.

Presenter mode: large type for a projector, on with the sidebar toggle (``app.py`` draws the
display controls above every page, ``sidebar_controls``) or ``?present=1`` in any page's
address; its state is ``st.session_state[KEY]``. The colour theme (light, dark, high contrast;
``?theme=dark`` too) is ``st.session_state[THEME_KEY]``: page CSS plus ``theme.recolour`` of
every chart. Pages draw their charts with ``plotly_chart`` (fonts scaled to
``theme.PRESENTER_FONT`` px in presenter mode, the theme's colours, the toolbar's image
download) and ask ``is_on()`` to decide what to collapse or write on a diagram.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from viz import theme

# Adds "Download plot as an SVG" beside Plotly's PNG button in every chart's toolbar.
_CHART_SVG = st.components.v2.component(
    "backprop_lab.chart_svg",
    html="",
    js=(Path(__file__).parent / "chart_svg.js").read_text(encoding="utf-8"),
)

KEY = "presenter"
PARAM = "present"
THEME_KEY = "theme"
THEME_PARAM = "theme"

# Larger controls and text, tighter page padding (1280x720 has little height to spare).
CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.2rem; padding-bottom: 1rem;}
[data-testid="stMain"] h1 {font-size: 2.1rem; padding: 0 0 0.3rem 0;}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {font-size: 1.2rem;}
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 1.05rem;}
[data-testid="stMain"] button p, [data-testid="stWidgetLabel"] p {font-size: 1.15rem;}
[data-testid="stMetricValue"] {font-size: 2.2rem;}
[data-testid="stPageLink"] p {font-size: 1.3rem;}
[data-testid="stMain"] .katex {font-size: 1.35em;}
</style>
"""


# Every page, every theme: less empty space above the title (Streamlit's 6rem is 1280x720's
# scarcest height).
BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.6rem;}
</style>
"""

THEME_CSS = {
    "light": "",
    "dark": f"<style>{(Path(__file__).parent / 'presenter_dark.css').read_text(encoding='utf-8')}</style>",
    "high contrast": """
<style>
[data-testid="stApp"] :is(p, li, h1, h2, h3, h4, label, span, summary, .katex) {color: #000000;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {color: #000000 !important;}
[data-testid="stApp"] :is(input, textarea, [data-baseweb="select"] > div, [data-testid^="stBaseButton"]) {
  border: 2px solid #000000 !important;}
[data-testid="stApp"] :focus-visible {outline: 3px solid #d55e00 !important; outline-offset: 2px;}
</style>
""",
}


def theme_name() -> str:
    """The colour theme: the sidebar select's state, else ``?theme=`` (light if unknown)."""
    name = st.session_state.get(THEME_KEY, st.query_params.get(THEME_PARAM, "light"))
    return name if name in theme.THEMES else "light"


def is_on() -> bool:
    """Whether presenter mode is on: the toggle's state, else the address's ``?present=1``."""
    if KEY in st.session_state:
        return bool(st.session_state[KEY])
    return st.query_params.get(PARAM) == "1"


def sidebar_controls() -> None:
    """The presenter toggle and the colour theme in the sidebar (``app.py`` calls this before
    each page), each kept in step with the address so a link shares them, and their CSS."""
    st.html(BASE_CSS)
    sidebar_toggle()
    with st.sidebar:
        _CHART_SVG(key="bl.chart_svg")  # every chart: PNG (Plotly's button) and SVG
    if THEME_KEY not in st.session_state:
        st.session_state[THEME_KEY] = theme_name()
    name = st.sidebar.selectbox(
        "Colours",
        theme.THEMES,
        key=THEME_KEY,
        help="Dark for a dim room, high contrast for a washed-out projector. Negative values stay "
        f"{theme.NEGATIVE_WORD} and positive {theme.POSITIVE_WORD} in every theme. Also `?theme=dark` in "
        "the address.",
    )
    if name == "light":
        st.query_params.pop(THEME_PARAM, None)
    else:
        st.query_params[THEME_PARAM] = name
        st.html(THEME_CSS[name])


def sidebar_toggle() -> bool:
    """The presenter toggle, kept in step with ``?present=1`` so a link shares the mode, and
    the page CSS when on."""
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
    least ``theme.PRESENTER_FONT`` px; in the colour theme chosen (``theme.recolour``)."""
    if is_on():
        fig = theme.scale_fonts(fig)
    fig = theme.recolour(fig, theme_name())
    kwargs.setdefault("config", theme.plotly_config())
    return (container or st).plotly_chart(fig, **kwargs)
