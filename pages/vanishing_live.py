"""The Vanishing page's live model: A and B trained on one clock for the live view (no
Streamlit, unit-tested). The ``pages.live.runs.LiveModel`` protocol, as ``PlaygroundLive``.

``VanishingLive`` holds the page's runs (``pages.vanishing_state.Run``, the very objects the
page keeps in ``st.session_state``), the step being replayed, the heatmap's quantity and mode,
and a ``viz.deep_frames.DeepFrameBuilder``. The page changes it under ``LiveRun.lock``; the
stream trains it and builds its frames on the training thread. ``version`` grows with every
change the view shows (``setup_version`` with a rebuild or another heatmap).

One clock: every training tick takes one step of each run that has not diverged
(``vanishing_state.advance``), so A and B always have the same number of steps, and a slice
(``train``) is whole ticks: the time is split between A and B by their own cost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from engine.diagnosis import divergence_report
from pages import vanishing_state as vs
from viz.deep_frames import DeepFrameBuilder, Panel

SHOWN_STATES = 8  # recent frames' states Pause can go back to (more than the frames in flight)
MAX_ADVANCE = 1000  # steps one "advance" command takes at most


class VanishingLive:
    """One tab's A/B run for the live view (see the module docstring)."""

    def __init__(self, runs: Sequence[vs.Run] = ()) -> None:
        self.version = 0
        self.setup_version = 0
        self.runs: list[vs.Run] = []
        self.replay: int | None = None
        self.frames = DeepFrameBuilder()
        self._shown_states: dict[int, list] = {}
        self.set_runs(runs, rebuilt=True)

    # ---------------------------------------------------------------- the page's side
    def set_runs(self, runs: Sequence[vs.Run], rebuilt: bool) -> None:
        """The page's runs this rerun; ``rebuilt``: a network is new (or restarted), so the view
        starts afresh. The same runs with only live settings changed just bump ``version``."""
        runs = list(runs)
        if rebuilt or [id(r) for r in runs] != [id(r) for r in self.runs]:
            self.runs = runs
            self.replay = None
            self.frames.restart()
            self._shown_states = {}
            self.setup_version += 1
        self.version += 1

    def set_heatmap(self, quantity: str, mode: str) -> None:
        """The heatmap's quantity and colour mode (the page's radios); another one is sent afresh."""
        if (quantity, mode) != (self.frames.quantity, self.frames.mode):
            self.frames = DeepFrameBuilder(quantity, mode)
            self.setup_version += 1
            self.version += 1

    def show(self, replay: int | None) -> None:
        """Show recorded step ``replay`` (None: the latest)."""
        if replay != self.replay:
            self.replay = replay
            self.version += 1

    def touch(self) -> None:
        """The runs changed outside ``train`` (reset): curves afresh, no going back."""
        self.frames.restart()
        self._shown_states = {}
        self.replay = None
        self.version += 1

    @property
    def last(self) -> int:
        """The latest step index of the runs (the clock), 0 without runs."""
        return max((run.last_step for run in self.runs), default=0)

    # ---------------------------------------------------------------- the stream's side
    @property
    def can_train(self) -> bool:
        return any(not run.diverged for run in self.runs)

    @property
    def steps_per_epoch(self) -> int:
        if not self.runs:
            return 1
        trainer = self.runs[0].trainer
        return max(1, math.ceil(trainer.dataset.n_train / trainer.batch_size))

    @property
    def target_epochs_per_s(self) -> float | None:
        return None  # as fast as the share allows

    def train(self, seconds: float, max_steps: int | None, stop: Callable[[], bool]) -> int:
        """Ticks of the one clock (a step of every run that goes on) for up to ``seconds`` (at
        least one tick) and ``max_steps`` ticks; ``stop()`` is checked before every tick."""
        self.replay = None
        deadline = time.perf_counter() + seconds
        taken = 0
        while self.can_train and (max_steps is None or taken < max_steps) and not stop():
            vs.advance(self.runs, 1)
            taken += 1
            if time.perf_counter() >= deadline:
                break
        if taken:
            self.version += 1
        return taken

    def command(self, name: str, args: dict) -> bool:
        """``step`` (one tick), ``advance`` (``args["steps"]`` ticks) or ``rewind`` (``args["step"]``,
        see ``rewind``). Returns whether anything changed."""
        if name == "rewind":
            return self.rewind(args.get("step"))
        if name not in ("step", "advance") or not self.can_train:
            return False
        n = 1 if name == "step" else args.get("steps")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_ADVANCE:
            return False
        self.replay = None
        vs.advance(self.runs, n)
        self.version += 1
        return True

    def rewind(self, step: object) -> bool:
        """Back to the state after step ``step``, one a recent frame showed (the one on screen
        when Pause was pressed), if training went past it: every run that had not diverged then
        is restored (``Trainer.restore``: parameters, shuffler, optimizer moments), so training
        goes on exactly as from there. Returns whether it went back."""
        states = self._shown_states.get(step) if isinstance(step, int) else None
        if states is None or step >= self.last:
            return False
        for run, checkpoint in zip(self.runs, states):
            if checkpoint is not None:
                run.trainer.restore(checkpoint)
        self.frames.truncate(step)
        self._shown_states = {k: v for k, v in self._shown_states.items() if k <= step}
        self.replay = None
        self.version += 1
        return True

    def setup_frame(self) -> bytes:
        return self.frames.setup_frame(
            [(run.name, run.config.describe(), run.network.n_layers) for run in self.runs]
        )

    def panels(self) -> tuple[int, list[Panel]]:
        """``(the step shown, one Panel per run)``: ``vanishing_state.shown_steps`` of the replayed
        step (or the latest), and the rows of the curves the browser does not have yet."""
        requested = self.last if self.replay is None else min(self.replay, self.last)
        shown = vs.shown_steps(self.runs, requested) if self.runs else {}
        step = vs.main_step(self.runs, requested, shown) if self.runs else 0
        panels = []
        for run in self.runs:
            row = vs.view_row(run, shown[run.name])
            report = divergence_report(run.trainer, f"configuration {run.name}")
            panels.append(
                Panel(
                    name=run.name,
                    step=shown[run.name],
                    grad_W_rms=row["grad_W_rms"],
                    delta_rms=row["delta_rms"],
                    loss=row["loss"],
                    rows=vs.layer_rows_after(run, self.frames.quantity, self.frames.after(run.name)),
                    score=vs.test_score(run, shown[run.name]),
                    divergence=None
                    if report is None
                    else f"Training diverged at step {report.step}: {report.message}.",
                )
            )
        return step, panels

    def state_frame(self, seq: int, extra: dict) -> bytes:
        """The frame of the state shown now; a live state is also kept (the last
        ``SHOWN_STATES``), so that Pause can go back to it."""
        step, panels = self.panels()
        replaying = self.replay is not None and self.replay < self.last
        if not replaying and self.runs:
            self._shown_states[step] = [
                None if run.diverged else run.trainer.checkpoint() for run in self.runs
            ]
            while len(self._shown_states) > SHOWN_STATES:
                del self._shown_states[next(iter(self._shown_states))]
        epoch = max((run.trainer.epoch for run in self.runs), default=0)
        return self.frames.state_frame(
            panels,
            step=step,
            epoch=epoch,
            replaying=replaying,
            can_train=self.can_train,
            seq=seq,
            extra=extra,
        )
