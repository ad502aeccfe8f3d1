"""The ``/live`` websocket: trains a tab's live run in slices and streams its frames.

``app.py`` serves it next to Streamlit's own routes (``st.App(..., routes=[WebSocketRoute(
"/live", live_endpoint)])``). The browser's live view opens ``/live?token=...`` on the page's
own origin; the endpoint refuses a foreign ``Origin`` and an unknown token before accepting.

Per connection, two tasks:

- the receiver takes the view's commands, JSON text: ``play``, ``pause``, ``step``, ``edit``,
  ``select`` (``unit: [layer, index]``) and ``ack`` (``seq``: the frame the view has drawn).
  Play and Pause act at once (the run's flag; training checks it before every step). Pause
  names the step on screen, and the run goes back to exactly it (``rewind``), so that what the
  learner saw when pressing Pause is the state kept: nothing moves after the click;
- the sender loop, while playing, trains one slice on the process's training thread
  (``TRAINING``: one thread, so the slices of all tabs take turns; ``share.slice_seconds``
  sizes them), then builds a frame if the view has drawn all but ``MAX_IN_FLIGHT - 1`` of the
  frames sent (a slow browser gets fewer frames, never slower training). Paused, it sleeps until
  a command or the page (``LiveRun.changed``) wakes it, and sends a frame only if what it shows
  changed.

A second connection with the same token (the page remounted) takes the run over; the first
ends. The stream ends when the registry no longer has the run (the session ended).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from starlette.websockets import WebSocket, WebSocketDisconnect

from pages.live import share
from pages.live.runs import REGISTRY, LiveRun, Registry, release_memory

TRAINING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bl-training")
MAX_IN_FLIGHT = 2  # frames sent but not yet drawn
IDLE_SECONDS = 1.0  # a paused stream looks at its run at least this often
MAX_MESSAGE = 1000  # characters of one command
POLICY_VIOLATION = 1008


def same_origin(headers) -> bool:
    """True if the handshake's ``Origin`` names the host the request was sent to (a page of
    this app), so that no other site's page can open a tab's stream."""
    origin, host = headers.get("origin"), headers.get("host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


async def live_endpoint(websocket: WebSocket, registry: Registry = REGISTRY) -> None:
    """Starlette websocket endpoint: check, accept, stream until either side stops."""
    token = websocket.query_params.get("token", "")
    run = registry.get(token) if same_origin(websocket.headers) else None
    if run is None or len(registry) > share.MAX_STREAMS:
        await websocket.close(code=POLICY_VIOLATION)
        return
    del run  # the stream holds its run only while it works on it (see Stream.run)
    await websocket.accept()
    await Stream(websocket, token, registry).serve()


class Stream:
    """One open view of one run (see the module docstring)."""

    def __init__(self, websocket: WebSocket, token: str, registry: Registry) -> None:
        self.websocket, self.token, self.registry = websocket, token, registry
        self.loop = asyncio.get_running_loop()
        self.wakeup = asyncio.Event()
        self.commands: list[dict] = []
        self.seq = self.acked = 0
        self.sent_version = self.sent_setup = -1
        self.pace = share.Pace()
        self.force_frame = True
        self.pause_at: int | None = None
        self.sent_playing = False

    def run(self) -> LiveRun | None:
        """The run, if its session still has it and this stream still serves it."""
        run = self.registry.get(self.token)
        return run if run is not None and getattr(run, "stream", None) is self else None

    def wake(self) -> None:
        """Thread-safe: look at the run again now (a widget changed, or a command came)."""
        self.loop.call_soon_threadsafe(self.wakeup.set)

    async def serve(self) -> None:
        run = self.registry.get(self.token)
        if run is None:
            return
        run.stream = self  # a remounted view takes over: the previous stream ends
        run.set_waker(self.wake)
        del run
        receiver = asyncio.create_task(self.receive())
        try:
            await self.send_loop(receiver)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            receiver.cancel()
            run = self.registry.get(self.token)
            if run is not None and getattr(run, "stream", None) is self:
                run.set_waker(None)
                run.playing = False  # nobody is watching: stop training
            with contextlib.suppress(Exception):
                await self.websocket.close()
            del run
            self.loop.run_in_executor(TRAINING, release_memory)

    async def receive(self) -> None:
        while True:
            text = await self.websocket.receive_text()
            if len(text) > MAX_MESSAGE:
                continue
            try:
                message = json.loads(text)
                name = str(message.get("cmd", ""))
            except (ValueError, AttributeError):
                continue
            run = self.run()
            if run is None:
                return
            if name == "ack":
                seq = message.get("seq")
                if isinstance(seq, int):
                    self.acked = max(self.acked, min(seq, self.seq))
            elif name == "play":
                self.pace.restart()
                run.play()
            elif name == "pause":
                run.pause()
                if isinstance(message.get("step"), int):
                    self.pause_at = message["step"]  # taken by ``work``, after the slice it stops
            elif name in ("step", "select", "reset", "edit"):
                self.commands.append(message)
            self.wakeup.set()

    async def send_loop(self, receiver: asyncio.Task) -> None:
        while not receiver.done():
            run = self.run()
            if run is None:
                return
            playing = run.playing
            want_frame = self.seq - self.acked < MAX_IN_FLIGHT
            commands, self.commands = self.commands, []
            self.wakeup.clear()
            frames, trained = await self.loop.run_in_executor(
                TRAINING, self.work, run, playing, want_frame, commands
            )
            del run
            for frame in frames:
                await self.websocket.send_bytes(frame)
            if playing and trained:
                await asyncio.sleep(0)  # let the receiver and other streams in
                continue
            timeout = 0.01 if playing else IDLE_SECONDS  # a low target rate: wait for its next step
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout)

    def work(self, run: LiveRun, playing: bool, want_frame: bool, commands: list[dict]):
        """On the training thread: commands, a training slice, and the frames to send; then, while
        a page script runs in this process, a sleep as long as the slice (outside the run's lock)."""
        pause = 0.0
        with run.lock:
            model = run.model
            for message in commands:
                args = {k: v for k, v in message.items() if k != "cmd"}
                if message["cmd"] == "step":
                    run.playing = False
                model.command(message["cmd"], args)
            trained = 0
            if playing and run.playing:
                now = time.perf_counter()
                playing_now = self.registry.playing_count()
                allowance = self.pace.allowance(now, model.steps_per_epoch, model.target_epochs_per_s)
                slice_s = share.slice_seconds(playing_now)
                trained = model.train(slice_s, allowance, lambda: not run.playing)
                self.pace.record(time.perf_counter(), trained)
                pause = share.yield_seconds(slice_s, self.registry.scripts_running())
                if not model.can_train or getattr(model, "stopped", None):
                    run.playing = False  # diverged or the stop condition holds: the frame says so
            pause_at, self.pause_at = self.pause_at, None
            if pause_at is not None and not run.playing:
                model.command("rewind", {"step": pause_at})
            frames = []
            if model.setup_version != self.sent_setup:
                frames.append(model.setup_frame())
                self.sent_setup = model.setup_version
                self.force_frame = True
            playing_now = run.playing  # read once: a Pause may arrive while the frame is built
            changed = model.version != self.sent_version or playing_now != self.sent_playing
            if self.force_frame or (changed and (want_frame or not playing_now)):  # paused: always
                self.seq += 1
                now = time.perf_counter()
                extra = {
                    "playing": playing_now,
                    "rate": round(self.pace.rate(now), 1),
                    "busy": playing_now and share.is_limited(self.registry.playing_count()),
                }
                frames.append(model.state_frame(self.seq, extra))
                self.sent_version, self.sent_playing = model.version, playing_now
                self.force_frame = False
        if pause:
            time.sleep(pause)  # the GIL is the page script's meanwhile
        return frames, trained
