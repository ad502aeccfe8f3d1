"""The live stream: the registry's isolation, the endpoint's checks, and a real websocket
session (uvicorn on a loopback port, the ``websockets`` client) that plays, pauses and steps."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import socket
import threading
import time
from functools import partial

import pytest
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

from pages.live import share
from pages.live.runs import LiveRun, Registry
from pages.live.stream import live_endpoint, same_origin
from pages.playground_build import build_trainer
from pages.playground_live import PlaygroundLive
from pages.playground_settings import PlaygroundConfig
from viz.frames import decode_frame


def make_run(hidden=(4, 2)) -> LiveRun:
    config = PlaygroundConfig(dataset="spiral", n_points=200, hidden=hidden)
    return LiveRun(PlaygroundLive(config, build_trainer(config)))


# ---------------------------------------------------------------------------- registry
def test_tokens_are_unguessable_and_each_finds_only_its_own_run():
    registry = Registry()
    a, b = make_run(), make_run()
    registry.register(a)
    registry.register(b)
    assert a.token != b.token and len(a.token) >= 40
    assert registry.get(a.token) is a and registry.get(b.token) is b
    for bad in (a.token[:-1] + ("x" if a.token[-1] != "x" else "y"), "", None, 7, a.token + "x" * 100):
        assert registry.get(bad) is None


def test_a_run_is_freed_when_its_session_forgets_it():
    registry = Registry()
    run = make_run()
    token = registry.register(run)
    del run
    gc.collect()
    assert registry.get(token) is None and len(registry) == 0


def test_a_run_of_a_session_the_server_no_longer_has_is_dropped():
    alive = {"s1": True}
    registry = Registry(is_alive=lambda sid: alive.get(sid, False))
    run = make_run()
    run.session_id = "s1"
    registry.register(run)
    assert registry.get(run.token) is run
    alive["s1"] = False
    assert registry.get(run.token) is None and len(registry) == 0


def test_same_origin_accepts_only_the_host_the_request_was_sent_to():
    assert same_origin({"origin": "http://127.0.0.1:8501", "host": "127.0.0.1:8501"})
    assert same_origin({"origin": "https://school.example", "host": "school.example"})
    assert not same_origin({"origin": "http://evil.example", "host": "127.0.0.1:8501"})
    assert not same_origin({"origin": "null", "host": "127.0.0.1:8501"})
    assert not same_origin({"host": "127.0.0.1:8501"})


# ---------------------------------------------------------------------------- fair share
def test_a_lone_run_gets_the_full_slice_and_many_share_the_cycle_never_below_the_minimum():
    assert share.slice_seconds(1) == share.MAX_SLICE and not share.is_limited(1)
    assert share.slice_seconds(4) == pytest.approx(min(share.MAX_SLICE, share.CYCLE_BUDGET / 4))
    assert share.slice_seconds(1000) == share.MIN_SLICE and share.is_limited(1000)
    slices = [share.slice_seconds(n) for n in range(1, 60)]
    assert slices == sorted(slices, reverse=True)


def test_training_yields_to_page_script_runs_only_while_one_is_in_progress():
    registry = Registry()
    assert registry.scripts_running() == 0 and share.yield_seconds(0.01, 0, factor=1.0) == 0.0
    with registry.script_run():
        with registry.script_run():
            assert registry.scripts_running() == 2
        assert share.yield_seconds(0.01, registry.scripts_running(), factor=1.0) == 0.01
        assert share.yield_seconds(0.01, registry.scripts_running(), factor=0.0) == 0.0
    with pytest.raises(RuntimeError), registry.script_run():  # a run that raises (rerun, stop)
        raise RuntimeError
    assert registry.scripts_running() == 0


def test_pace_allows_steps_at_the_target_rate_without_banking_a_burst():
    pace = share.Pace()
    assert pace.allowance(0.0, 25, None) is None  # as fast as possible
    pace.restart()
    assert pace.allowance(0.0, 25, 2.0) == 0  # the first slice starts the clock
    assert pace.allowance(1.0, 25, 2.0) == 5  # 50 steps/s, but at most 0.1 s worth at once
    steps = sum(pace.allowance(1.0 + 0.02 * k, 25, 2.0) for k in range(1, 51))
    assert steps == pytest.approx(50, abs=1)  # one more second: 2 epochs of 25 steps
    pace.record(10.0, 30)
    pace.record(10.5, 20)
    assert pace.rate(10.6) == 50 and pace.rate(11.7) == 0


# ---------------------------------------------------------------------------- a real stream
@contextlib.contextmanager
def serve(registry: Registry):
    app = Starlette(routes=[WebSocketRoute("/live", partial(live_endpoint, registry=registry))])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}/live", f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


async def frames_until(ws, predicate, timeout=60.0):
    """Receive (and ack) frames until ``predicate(header)``; returns that frame."""
    deadline = time.monotonic() + timeout
    while True:
        message = await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
        header, arrays = decode_frame(message)
        if header["kind"] == "state":
            await ws.send(json.dumps({"cmd": "ack", "seq": header["seq"]}))
        if predicate(header):
            return header, arrays


def test_the_stream_refuses_a_wrong_token_and_a_foreign_origin():
    registry = Registry()
    run = make_run()
    registry.register(run)

    async def attempt(url, origin):
        try:
            async with websockets.connect(url, origin=origin, open_timeout=10) as ws:
                await asyncio.wait_for(ws.recv(), 5)
        except (websockets.InvalidStatus, websockets.ConnectionClosed) as error:
            return error
        return None

    with serve(registry) as (url, origin):
        assert asyncio.run(attempt(f"{url}?token=wrong{run.token[5:]}", origin)) is not None
        assert asyncio.run(attempt(f"{url}?token={run.token}", "http://evil.example")) is not None
        assert asyncio.run(attempt(f"{url}", origin)) is not None


def test_play_pause_and_step_over_the_stream_and_no_token_reaches_another_run():
    registry = Registry()
    small, big = make_run((4, 2)), make_run((3, 3, 3))
    registry.register(small)
    registry.register(big)

    async def session():
        async with websockets.connect(f"{url}?token={big.token}", origin=origin) as ws:
            setup, _ = await frames_until(ws, lambda h: h["kind"] == "setup")
            assert setup["sizes"] == [2, 3, 3, 3, 1]  # this token's run, not the other one
            await frames_until(ws, lambda h: h["kind"] == "state" and h["step"] == 0)
            await ws.send(json.dumps({"cmd": "play"}))
            playing, _ = await frames_until(ws, lambda h: h["kind"] == "state" and h["step"] > 50)
            assert playing["playing"]
            await ws.send(json.dumps({"cmd": "pause"}))
            paused, arrays = await frames_until(ws, lambda h: h["kind"] == "state" and not h["playing"])
            with big.lock:
                assert paused["step"] == big.model.trainer.step  # the paused frame is the state kept
            await asyncio.sleep(0.3)
            assert big.model.trainer.step == paused["step"] and not big.playing  # nothing trained after
            await ws.send(json.dumps({"cmd": "step"}))
            after = paused["step"] + 1
            stepped, _ = await frames_until(ws, lambda h: h["kind"] == "state" and h["step"] == after)
            assert not stepped["playing"]
            return arrays

    with serve(registry) as (url, origin):
        arrays = asyncio.run(session())
    assert small.model.trainer.step == 0 and not small.playing  # the other tab was never touched
    assert arrays["weights"].size == 2 * 3 + 3 * 3 + 3 * 3 + 3


def test_a_page_change_wakes_a_paused_stream_and_a_second_view_takes_over():
    registry = Registry()
    run = make_run()
    registry.register(run)

    async def session():
        async with websockets.connect(f"{url}?token={run.token}", origin=origin) as first:
            await frames_until(first, lambda h: h["kind"] == "state")
            with run.lock:  # what the page does when the replay slider moves
                run.model.trainer.run(20)
                run.model.show(10)
            run.changed()
            replay, _ = await frames_until(first, lambda h: h["kind"] == "state" and h["replaying"])
            assert replay["step"] == 10
            async with websockets.connect(f"{url}?token={run.token}", origin=origin) as second:
                await frames_until(second, lambda h: h["kind"] == "setup")
                with pytest.raises(websockets.ConnectionClosed):
                    for _ in range(100):
                        await asyncio.wait_for(first.recv(), 5)

    with serve(registry) as (url, origin):
        asyncio.run(session())


def test_pause_goes_back_to_the_step_on_screen():
    registry = Registry()
    run = make_run()
    registry.register(run)

    async def session():
        async with websockets.connect(f"{url}?token={run.token}", origin=origin) as ws:
            await ws.send(json.dumps({"cmd": "play"}))
            shown, arrays = await frames_until(ws, lambda h: h["kind"] == "state" and h["step"] > 30)
            await asyncio.sleep(0.2)  # training goes on past what this view has drawn
            await ws.send(json.dumps({"cmd": "pause", "step": shown["step"]}))
            paused, again = await frames_until(ws, lambda h: h["kind"] == "state" and not h["playing"])
            return shown, arrays, paused, again

    with serve(registry) as (url, origin):
        shown, arrays, paused, again = asyncio.run(session())
    assert paused["step"] == shown["step"] == run.model.trainer.step
    assert (again["weights"] == arrays["weights"]).all()  # the very state that was on screen
    assert paused["metrics"]["test_loss"] == pytest.approx(shown["metrics"]["test_loss"])


def test_session_housekeeping_does_nothing_outside_a_server():
    from pages.live.runs import expire_disconnected_sessions, release_memory

    assert expire_disconnected_sessions() == 0
    release_memory()  # no error, with or without glibc
