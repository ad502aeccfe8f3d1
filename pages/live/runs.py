"""A browser tab's live run, and the registry that lets the tab's stream find it by token.

A page makes one ``LiveRun`` per tab and keeps it in ``st.session_state``; the registry holds it
only weakly, so when Streamlit forgets the session (tab closed, session expired) the run is
freed and its stream ends. The token is 32 random bytes (``secrets.token_urlsafe``): a stream
can reach a run only with its token, and one token's stream never sees another's run.

``LiveRun`` is the meeting point of two threads: the Streamlit script (widgets change the
model, replay picks a step) and the stream (trains, builds frames). Everything that touches
``run.model`` holds ``run.lock``; ``run.changed()`` tells the stream that something it shows
changed while it was idle.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import secrets
import threading
import weakref
from collections.abc import Callable
from typing import Protocol

TOKEN_BYTES = 32


class LiveModel(Protocol):
    """What a page's live model does for its stream (see ``pages.playground_live``)."""

    def train(self, seconds: float, max_steps: int | None, stop: Callable[[], bool]) -> int: ...
    def setup_frame(self) -> bytes: ...
    def state_frame(self, seq: int, extra: dict) -> bytes: ...
    def command(self, name: str, args: dict) -> bool: ...
    @property
    def version(self) -> int: ...
    @property
    def setup_version(self) -> int: ...
    @property
    def can_train(self) -> bool: ...
    @property
    def steps_per_epoch(self) -> int: ...
    @property
    def target_epochs_per_s(self) -> float | None: ...


class LiveRun:
    """One tab's live training: ``model`` (the page's), ``playing``, ``lock``, and the callbacks
    of the stream that currently serves it (at most one)."""

    def __init__(self, model: LiveModel, session_id: str | None = None) -> None:
        self.token = secrets.token_urlsafe(TOKEN_BYTES)
        self.model = model
        self.session_id = session_id
        self.lock = threading.RLock()
        self.playing = False
        self._wake: Callable[[], None] | None = None

    def set_waker(self, wake: Callable[[], None] | None) -> None:
        """The stream's thread-safe 'look again' callback (None when no stream serves the run)."""
        self._wake = wake

    def changed(self) -> None:
        """Something the view shows changed outside the stream (a widget, replay, a rebuild)."""
        wake = self._wake
        if wake is not None:
            wake()

    def play(self) -> None:
        self.playing = bool(self.model.can_train)
        self.changed()

    def pause(self) -> None:
        self.playing = False
        self.changed()


class Registry:
    """Live runs by token, held weakly; ``is_alive(session_id)`` (when given) also drops the runs
    of sessions the server no longer has."""

    def __init__(self, is_alive: Callable[[str], bool] | None = None) -> None:
        self._runs: weakref.WeakValueDictionary[str, LiveRun] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()
        self.is_alive = is_alive
        self._scripts = 0  # page script runs in progress in this process (``script_run``)

    def register(self, run: LiveRun) -> str:
        with self._lock:
            if run.token not in self._runs:
                # when the session is gone and the run freed, give the memory back to the system
                weakref.finalize(run, release_memory)
            self._runs[run.token] = run
        return run.token

    def get(self, token: object) -> LiveRun | None:
        """The run of ``token``, or None (unknown or malformed token, or its session ended)."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return None
        with self._lock:
            run = self._runs.get(token)
        if run is None:
            return None
        if self.is_alive is not None and run.session_id is not None and not self.is_alive(run.session_id):
            self.forget(token)
            return None
        return run

    def forget(self, token: str) -> None:
        with self._lock:
            self._runs.pop(token, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._runs)

    def playing_count(self) -> int:
        with self._lock:
            runs = list(self._runs.values())
        return sum(1 for run in runs if run.playing)

    @contextlib.contextmanager
    def script_run(self):
        """Around a page script run (app.py): while one is in progress, training yields to it
        (``share.yield_seconds``), so a widget change answers quickly however many tabs play."""
        with self._lock:
            self._scripts += 1
        try:
            yield
        finally:
            with self._lock:
                self._scripts -= 1

    def scripts_running(self) -> int:
        with self._lock:
            return self._scripts


def release_memory() -> None:
    """Give freed memory back to the system (glibc keeps it in its heap otherwise, and a class
    that has left must not leave the server at its peak). No-op where there is no glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def expire_disconnected_sessions() -> int:
    """Let Streamlit forget the sessions whose browser left more than
    ``server.disconnectedSessionTTL`` seconds ago; returns how many it forgot.

    Streamlit 1.67 keeps disconnected sessions in a ``TTLCache`` that expires entries only when
    it is next used, so after a class has left, nothing frees them (their networks, histories
    and live runs) until someone new arrives. ``app.py`` calls this every 30 seconds. It
    reaches into Streamlit's session manager (no public API does this); if that changes, it
    does nothing."""
    try:
        from streamlit import runtime

        if not runtime.exists():
            return 0
        storage = getattr(runtime.get_instance()._session_mgr, "_session_storage", None)
        expire = getattr(getattr(storage, "_cache", None), "expire", None)
        dropped = expire() if callable(expire) else []
    except Exception:  # noqa: BLE001 - housekeeping must never break the server
        return 0
    count = len(dropped)
    if count:
        del dropped
        gc.collect()
        release_memory()
    return count


def _streamlit_session_alive(session_id: str) -> bool:
    """Whether this Streamlit server still has the session (True outside a server)."""
    try:
        from streamlit import runtime

        if not runtime.exists():
            return True
        return runtime.get_instance().is_active_session(session_id)
    except Exception:  # noqa: BLE001 - never let a lookup break a stream
        return True


REGISTRY = Registry(is_alive=_streamlit_session_alive)  # the process's one registry of live runs


class Recycler:
    """When a worker behind ``deploy/serve.py`` may exit to give its memory back.

    After a class has left, the sessions are freed (their objects are gone) but the process
    keeps its peak: Python's small-object arenas go back only when wholly empty and glibc's
    heap is cut into pieces ``malloc_trim`` cannot return. A fresh process is the only way back
    to the idle footprint, so a supervised worker that has had no session (active or stored)
    for ``idle_seconds`` while its RSS is above ``factor`` x ``baseline_mb`` (its RSS once
    warm, before any session) exits cleanly and serve.py starts it again. Never with sessions:
    no student loses a network. ``check`` takes the clock as an argument (unit-tested)."""

    def __init__(self, idle_seconds: float, factor: float, baseline_mb: float) -> None:
        self.idle_seconds, self.factor, self.baseline_mb = idle_seconds, factor, baseline_mb
        self.idle_since: float | None = None

    def check(self, now: float, sessions: int, rss_mb: float) -> bool:
        """True when the worker should exit now."""
        if sessions:
            self.idle_since = None
            return False
        if self.idle_since is None:
            self.idle_since = now
        return now - self.idle_since >= self.idle_seconds and rss_mb > self.factor * self.baseline_mb


def session_count() -> int:
    """Sessions this Streamlit server holds, connected or stored (a large number if unknown)."""
    try:
        from streamlit import runtime

        manager = runtime.get_instance()._session_mgr
        return len(manager.list_sessions())
    except Exception:  # noqa: BLE001 - unknown: never recycle
        return 1 << 30
