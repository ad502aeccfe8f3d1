"""Home: what each page teaches, and a way in."""

import streamlit as st

from pages import widgets
from pages.registry import PAGES
from viz.theme import NEGATIVE_WORD, POSITIVE_WORD

st.title("Backprop Lab")
st.markdown(
    "See error backpropagation happen: every forward value, every gradient of the chain rule "
    "and every weight update of a real network, computed by hand in NumPy and drawn live. "
    "On every chart a signed value (a weight, an activation, a gradient, an update) is "
    # the words are Streamlit colour names too
    f"**:{NEGATIVE_WORD}[{NEGATIVE_WORD}]** below zero and **:{POSITIVE_WORD}[{POSITIVE_WORD}]** above; "
    f"in curves, {POSITIVE_WORD} is the training set and {NEGATIVE_WORD} the test set."
)

for page in PAGES:
    with st.container(border=True):
        st.page_link(page.path, label=page.title, icon=page.icon)
        st.markdown(page.blurb)

st.caption(
    "For a class: open the same address on every student's machine; each browser tab trains "
    "its own network, nobody sees anybody else's."
)
st.caption(
    "On a projector: **Presenter mode** in the sidebar (or `?present=1` at the end of any "
    "page's address) writes every chart in large type and the values on Step by step's diagram; "
    f"**Colours** switches to a dark or a high-contrast theme (negative stays {NEGATIVE_WORD}, positive "
    f"{POSITIVE_WORD}). Every chart's toolbar downloads it as PNG or SVG. "
    + widgets.KEYBOARD_TEXT.replace("Keyboard:", "On the live pages:")
)
