"""Fair sharing of one server process's training time between its live runs.

A Streamlit server is one process, and with the GIL it trains on about one core. Every live
stream trains in slices on one shared training thread (``stream.TRAINING``), first come first
served, so the slices of all playing runs take turns. ``slice_seconds`` sizes a slice: a run
alone gets ``MAX_SLICE`` (a frame every ~25 ms, training the rest of the time); ``n`` runs
split ``CYCLE_BUDGET`` between them, never below ``MIN_SLICE``, so that each still gets a
frame and a few steps per cycle: with 20 runs a cycle is about 20 x (2.5 ms + a frame), so each
tab redraws several times a second instead of one tab stalling everyone.

``Pace`` turns a target speed (epochs per second; None: as fast as the share allows) into a
step allowance per slice, and measures the steps per second actually reached, so a page can say
"server busy: training at N steps/s" when the share, not the target, limits it.

While a page script runs (a student changed a widget), training sleeps as long as each slice it
trains (``yield_seconds``): the answer to a click comes before more training.

All of it takes its clock as an argument: unit-tested with fake clocks.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field


def _setting(name: str, default: float) -> float:
    """A number from the environment (``BL_<name>``), for whoever runs a shared server."""
    try:
        value = float(os.environ.get(f"BL_{name}", default))
    except ValueError:
        return default
    return value if value > 0 else default


MAX_SLICE = _setting("MAX_SLICE_S", 0.015)  # seconds of training per slice for a run alone
# never less, however many runs play: 2.5 ms is about 16 Playground steps to each frame (a frame
# costs about what 10 steps do), so that 20 playing runs on one worker keep both >= 100 steps/s
# and >= 5 frames/s each (benchmarks/bench_classroom.py: 2 ms gave 89-113 steps/s and 3 ms
# 5.5 frames/s at the slowest tab of 40 on 2 workers)
MIN_SLICE = _setting("MIN_SLICE_S", 0.0025)
CYCLE_BUDGET = _setting("CYCLE_BUDGET_S", 0.020)  # training time shared by all runs per cycle
MAX_STREAMS = int(_setting("MAX_STREAMS", 200))  # live streams one process accepts
# while a page script runs, training sleeps this many times each slice (0: never yields)
SCRIPT_YIELD = 0.0 if os.environ.get("BL_SCRIPT_YIELD") == "0" else _setting("SCRIPT_YIELD", 1.0)


def slice_seconds(playing: int) -> float:
    """Training time of one slice when ``playing`` runs share the process."""
    if playing <= 1:
        return MAX_SLICE
    return min(MAX_SLICE, max(MIN_SLICE, CYCLE_BUDGET / playing))


def yield_seconds(slice_s: float, scripts_running: int, factor: float = SCRIPT_YIELD) -> float:
    """How long the training thread sleeps after a slice of ``slice_s`` seconds: ``factor`` times
    the slice while any page script run is in progress (the GIL is then free for it: a widget
    change of one student is not queued behind forty students' training), else not at all."""
    return factor * slice_s if scripts_running > 0 else 0.0


def is_limited(playing: int) -> bool:
    """Whether the share (other runs), not the run's own target, bounds its slices."""
    return slice_seconds(playing) < MAX_SLICE


@dataclass
class Pace:
    """Steps allowed by a target rate, and the rate reached (over the last ``window`` seconds).

    ``allowance(now, steps_per_epoch, target)``: the steps a slice may take so that training
    does not run ahead of ``target`` epochs/s (None: no limit); unused allowance is capped at one
    slice's worth, so a pause does not bank a burst. ``record(now, steps)`` notes steps taken;
    ``rate(now)`` is the steps/s over the window."""

    window: float = 1.0
    _last: float | None = None
    _credit: float = 0.0
    _samples: deque = field(default_factory=deque)

    def allowance(self, now: float, steps_per_epoch: int, target: float | None) -> int | None:
        if target is None:
            self._last = now
            return None
        elapsed = 0.0 if self._last is None else max(0.0, now - self._last)
        self._last = now
        per_second = target * max(1, steps_per_epoch)
        self._credit = min(self._credit + elapsed * per_second, max(1.0, per_second * 0.1))
        steps = int(self._credit)
        self._credit -= steps
        return steps

    def restart(self) -> None:
        """Forget the past (after a pause): the next allowance starts from now."""
        self._last, self._credit = None, 0.0
        self._samples.clear()

    def record(self, now: float, steps: int) -> None:
        self._samples.append((now, steps))
        while self._samples and self._samples[0][0] < now - self.window:
            self._samples.popleft()

    def rate(self, now: float) -> float:
        recent = [s for t, s in self._samples if t >= now - self.window]
        return sum(recent) / self.window
