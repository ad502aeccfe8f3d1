"""Backprop Lab: the entry point. `streamlit run app.py`."""

import streamlit as st
from threadpoolctl import threadpool_limits

from pages.registry import PAGES

# One BLAS thread per process: forty students' sessions on one server must not fight over
# cores, and the networks here are far too small to gain from threads.
threadpool_limits(limits=1)

st.set_page_config(page_title="Backprop Lab", page_icon=":material/hub:", layout="wide")

sections: dict[str, list] = {
    "": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)]
}
for page in PAGES:
    sections.setdefault(page.section, []).append(st.Page(page.path, title=page.title, icon=page.icon))
st.navigation(sections).run()
