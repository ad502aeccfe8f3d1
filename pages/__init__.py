"""Streamlit pages. Each page is thin: widgets -> config -> engine -> viz -> st.plotly_chart.

A folder called ``pages/`` next to the entry point makes Streamlit start in its legacy
multipage mode (every ``pages/*.py`` a page of its own, app.py bypassed) until the first
call to ``st.navigation``. So the very first visitor of a fresh server who opens a deep
link (``/step_by_step``) would get a page without app.py's layout and navigation. The first
import of this package, which every page and app.py make, leaves legacy mode for good and,
if a legacy run is under way, restarts it the modern way.
"""

from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory:
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    PagesManager.uses_pages_directory = False
    if get_script_run_ctx() is not None:
        st.rerun()
