"""The Image recognition page's live model: what its stream trains and draws (no Streamlit,
unit-tested). The ``pages.live.runs.LiveModel`` protocol, as ``PlaygroundLive``.

``DigitsLive`` holds the tab's ``Trainer`` and settings and a ``viz.digit_frames.DigitFrameBuilder``.
The page changes it under ``LiveRun.lock`` (live settings, rebuilds, reset); the stream calls
``train`` and the frame builders on the training thread. A slice ends with one evaluation of
the train and test sets (1,797 images: well under a millisecond of forward pass), so the
accuracy curve gets a point per slice. Every change the view shows bumps ``version`` (a rebuild
also ``setup_version``). Pause goes back to the state on screen (``rewind``), as the Playground.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from engine.diagnosis import divergence_report
from engine.trainer import Trainer
from pages.digits_state import DigitsConfig, apply_live_settings
from viz.digit_frames import DigitFrameBuilder

SHOWN_STATES = 8  # recent frames' states Pause can go back to (more than the frames in flight)


class DigitsLive:
    """One tab's digits run (see the module docstring)."""

    def __init__(self, config: DigitsConfig, trainer: Trainer) -> None:
        self.version = 0
        self.setup_version = 0
        self.rebuild(config, trainer)

    # ---------------------------------------------------------------- the page's side
    def rebuild(self, config: DigitsConfig, trainer: Trainer) -> None:
        """A new network (step 0)."""
        self.config, self.trainer = config, trainer
        self.frames = DigitFrameBuilder()
        self._shown_states: dict[int, object] = {}
        self.setup_version += 1
        self.version += 1

    def apply(self, old: DigitsConfig, new: DigitsConfig) -> list[str]:
        """Live settings for the next step; returns their words."""
        words = apply_live_settings(self.trainer, old, new)
        self.config = new
        self.version += 1
        return words

    def reset(self) -> None:
        """Back to step 0 with the same initial weights and batches."""
        self.trainer.reset()
        self.trainer.evaluate()
        self.touch()

    def touch(self) -> None:
        """The trainer changed outside ``train``: curves afresh, no going back."""
        self.frames.restart_curves()
        self._shown_states = {}
        self.version += 1

    # ---------------------------------------------------------------- the stream's side
    @property
    def can_train(self) -> bool:
        return self.trainer.divergence is None

    @property
    def steps_per_epoch(self) -> int:
        return max(1, math.ceil(self.trainer.dataset.n_train / self.trainer.batch_size))

    @property
    def target_epochs_per_s(self) -> float | None:
        return None  # as fast as the share allows

    def train(self, seconds: float, max_steps: int | None, stop: Callable[[], bool]) -> int:
        taken = self.trainer.run_for(seconds, max_steps, stop)
        if taken:
            self._evaluate()
            self.version += 1
        return taken

    def _evaluate(self) -> None:
        trainer = self.trainer
        if trainer.divergence is None and trainer.history.last_metrics_step != trainer.step:
            trainer.evaluate()

    def command(self, name: str, args: dict) -> bool:
        """``step`` (one training step) or ``rewind`` (``args["step"]``); whether anything changed."""
        if name == "rewind":
            return self.rewind(args.get("step"))
        if name != "step" or not self.can_train:
            return False
        self.trainer.run(1)
        self._evaluate()
        self.version += 1
        return True

    def rewind(self, step: object) -> bool:
        """Back to the state after ``step`` steps, one a recent frame showed, if training went
        past it (``Trainer.restore``: parameters, shuffler, moments). Whether it went back."""
        trainer = self.trainer
        checkpoint = self._shown_states.get(step) if isinstance(step, int) else None
        if checkpoint is None or step >= trainer.step or trainer.divergence is not None:
            return False
        trainer.restore(checkpoint)
        self._evaluate()
        self.touch()
        return True

    def setup_frame(self) -> bytes:
        return self.frames.setup_frame(self.trainer)

    def state_frame(self, seq: int, extra: dict) -> bytes:
        """The frame of the state now; it is also kept (the last ``SHOWN_STATES``) for Pause."""
        trainer = self.trainer
        if trainer.divergence is None:
            self._shown_states[trainer.step] = trainer.checkpoint()
            while len(self._shown_states) > SHOWN_STATES:
                del self._shown_states[next(iter(self._shown_states))]
        report = divergence_report(trainer)
        divergence = None if report is None else f"Training diverged at step {report.step}: {report.message}."
        return self.frames.state_frame(trainer, seq, extra, divergence)
