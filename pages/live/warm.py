"""A worker imports the app's libraries when it starts, not while its first class is in.

Without this, the first students' script runs import NumPy, pandas (and pyarrow, which
Streamlit uses for tables), Plotly, ``engine``, ``viz`` and the pages' state modules: about
110 MB per process that no process ever gives back, allocated in the middle of those
students' own allocations (so their freed memory is cut into pieces that ``malloc_trim``
cannot return), and a first page that waits for the imports. ``app.py``'s lifespan calls
``preload()`` once, before any session: the idle server's memory is then what serving anyone
needs, and a class's memory goes back to it after the class left.

The page scripts (``pages/playground.py`` ...) are not imported: importing a page runs it.
"""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil

LIBRARIES = ("numpy", "pandas", "pyarrow", "plotly.graph_objects")
PACKAGES = ("engine", "viz")  # every module of these
STATE_MODULES = (
    "pages.live.runs",
    "pages.live.share",
    "pages.live.stream",
    "pages.playground_settings",
    "pages.playground_validate",
    "pages.playground_url",
    "pages.playground_build",
    "pages.playground_tf",
    "pages.playground_file",
    "pages.playground_live",
    "pages.vanishing_state",
    "pages.vanishing_live",
    "pages.learning_rate_state",
)


def module_names() -> list[str]:
    """What ``preload`` imports, in order: libraries, every module of the packages, page state."""
    names = list(LIBRARIES)
    for package in PACKAGES:
        path = importlib.import_module(package).__path__
        names += [f"{package}.{info.name}" for info in pkgutil.iter_modules(path)]
    return names + list(STATE_MODULES)


def preload() -> list[str]:
    """Import ``module_names()``; returns those that failed (logged, never raised: a missing
    optional library only means a later import, as before)."""
    failed = []
    for name in module_names():
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a warm-up must never stop the server
            logging.getLogger("backprop_lab").warning("preload: could not import %s", name, exc_info=True)
            failed.append(name)
    gc.collect()
    from pages.live.runs import release_memory

    release_memory()
    return failed
