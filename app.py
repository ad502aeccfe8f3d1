"""Backprop Lab: the entry point. `streamlit run app.py`.

One file, two roles. `streamlit run` first imports it outside any session
(`st.runtime.exists()` is false) and finds `app`: Streamlit's own server plus the live view's
websocket `/live` (`pages.live.stream`). Then every session runs it as its script, which
draws the navigation over `pages/registry.py`.
"""

import logging
from pathlib import Path

import streamlit as st

CRASH_MESSAGE = "Something went wrong on this page"
ICON = Path(__file__).resolve().parent / "assets" / "icon.svg"


def draw_navigation() -> None:
    from threadpoolctl import threadpool_limits

    from pages.registry import PAGES

    # One BLAS thread per process: forty students' sessions on one server must not fight over
    # cores, and the networks here are far too small to gain from threads.
    threadpool_limits(limits=1)

    # a local icon: a page must contact nobody but its own server
    from pages import presenter

    st.set_page_config(
        page_title="Backprop Lab",
        page_icon=str(ICON),
        layout="wide",
        # presenter mode starts with the sidebar folded away: the room needs the width
        initial_sidebar_state="collapsed" if presenter.is_on() else "auto",
    )

    sections: dict[str, list] = {
        "": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)]
    }
    for page in PAGES:
        sections.setdefault(page.section, []).append(st.Page(page.path, title=page.title, icon=page.icon))
    page = st.navigation(sections)
    presenter.sidebar_controls()  # every page: presenter mode (?present=1) and the colour theme
    try:
        page.run()
    except Exception as error:  # the last line of defence: a message and a way out, never a traceback
        logging.getLogger("backprop_lab").exception("page %s failed", page.title)
        st.error(
            f"{CRASH_MESSAGE} ({type(error).__name__}: {error}). "
            "Your settings may be in a state the page did not expect; starting afresh usually helps."
        )
        st.button("Start afresh", on_click=start_afresh, type="primary")


def start_afresh() -> None:
    """Forget the session's settings and the link's: a query parameter that broke the page
    would break it again on the next run."""
    st.session_state.clear()
    st.query_params.clear()


if st.runtime.exists():
    from pages.live.runs import REGISTRY

    with REGISTRY.script_run():  # training yields to page runs meanwhile (pages/live/share.py)
        draw_navigation()
else:  # imported by `streamlit run`: the ASGI app, with the live stream's route
    import asyncio
    import contextlib
    import os

    from starlette.routing import WebSocketRoute

    async def live_stream(websocket) -> None:
        """``pages.live.stream.live_endpoint`` (imported by ``housekeeping``'s preload)."""
        from pages.live.stream import live_endpoint

        await live_endpoint(websocket)

    @contextlib.asynccontextmanager
    async def housekeeping(_app):
        """At start, import the app's libraries (``pages.live.warm``); then every 30 s, let
        Streamlit free the sessions whose browser has left
        (``pages.live.runs.expire_disconnected_sessions``)."""

        async def loop() -> None:
            import signal
            import time

            from pages.live import runs
            from pages.live.memprobe import rss_mb

            recycle = float(os.environ.get("BL_RECYCLE_IDLE", "0") or 0)  # set by deploy/serve.py
            recycler = runs.Recycler(recycle, 1.2, rss_mb()) if recycle > 0 else None
            while True:
                await asyncio.sleep(30)
                runs.expire_disconnected_sessions()
                if recycler and recycler.check(time.monotonic(), runs.session_count(), rss_mb()):
                    logging.getLogger("backprop_lab").info(
                        "idle at %.0f MB: exiting to be restarted", rss_mb()
                    )
                    os.kill(os.getpid(), signal.SIGTERM)  # a clean stop; serve.py starts it again

        from streamlit.runtime.pages_manager import PagesManager

        # never Streamlit's legacy pages/ mode (pages/__init__.py): importing pages here, before
        # any session, must not leave it on for the first visitor
        PagesManager.uses_pages_directory = False
        from pages.live import warm

        warm.preload()  # the libraries now, not in the first class's runs (pages/live/warm.py)
        if os.environ.get("BL_MEMPROBE"):  # debugging only: a memory snapshot on SIGUSR1
            from pages.live import memprobe

            memprobe.install()
        task = asyncio.create_task(loop())
        try:
            yield
        finally:
            task.cancel()

    app = st.App(__file__, routes=[WebSocketRoute("/live", live_stream)], lifespan=housekeeping)
