"""Backprop Lab: the entry point. `streamlit run app.py`."""

import logging

import streamlit as st
from threadpoolctl import threadpool_limits

from pages.registry import PAGES

# One BLAS thread per process: forty students' sessions on one server must not fight over
# cores, and the networks here are far too small to gain from threads.
threadpool_limits(limits=1)

CRASH_MESSAGE = "Something went wrong on this page"

st.set_page_config(page_title="Backprop Lab", page_icon="assets/icon.svg", layout="wide")

sections: dict[str, list] = {
    "": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)]
}
for page in PAGES:
    sections.setdefault(page.section, []).append(st.Page(page.path, title=page.title, icon=page.icon))
page = st.navigation(sections)
try:
    page.run()
except Exception as error:  # the last line of defence: a message and a way out, never a traceback
    logging.getLogger("backprop_lab").exception("page %s failed", page.title)
    st.error(
        f"{CRASH_MESSAGE} ({type(error).__name__}: {error}). "
        "Your settings may be in a state the page did not expect; starting afresh usually helps."
    )
    st.button("Start afresh", on_click=st.session_state.clear, type="primary")
