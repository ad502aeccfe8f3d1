"""The Playground's live model: what its stream trains and draws (no Streamlit, unit-tested).

``PlaygroundLive`` holds the tab's ``Trainer`` and settings, the step being replayed, and a
``viz.frames.FrameBuilder``. The page changes it under ``LiveRun.lock`` (settings, replay,
rebuilds); the stream calls ``train`` and the frame builders on the training thread. Every
change that alters what the view shows bumps ``version`` (a rebuild also ``setup_version``), so
the stream knows when to send a frame.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from engine.diagnosis import divergence_report
from engine.network import Step
from engine.trainer import Trainer
from pages.playground_build import (
    apply_live_settings,
    live_steps,
    stop_reason,
    view_of,
)
from pages.playground_settings import (
    PlaygroundConfig,
)
from viz.frames import FrameBuilder, Shown
from viz.playground_diagram import unit_names

EDIT_LIMIT = 1000.0  # |value| a weight or bias can be set to by a click in the diagram
SHOWN_STATES = 8  # recent frames' states Pause can go back to (more than the frames in flight)
LIVE_EVAL_EVERY = 10**9  # the live view evaluates once per slice (``train``), not every k steps


class PlaygroundLive:
    """One tab's Playground run (see the module docstring)."""

    def __init__(self, config: PlaygroundConfig, trainer: Trainer) -> None:
        self.version = 0
        self.setup_version = 0
        self.timeline = 0  # +1 whenever the trainer's steps stop meaning what they meant (see touch)
        self.rebuild(config, trainer)

    # ---------------------------------------------------------------- the page's side
    def rebuild(self, config: PlaygroundConfig, trainer: Trainer) -> None:
        """A new network or data (step 0)."""
        trainer.eval_every = LIVE_EVAL_EVERY
        self.config, self.trainer = config, trainer
        selected = getattr(self, "frames", None)
        self.frames = FrameBuilder(
            config.features, config.problem == "classification", probability_output=config.probability_output
        )
        if selected is not None and selected.selected is not None:
            self.frames.selected = selected.selected
        self.names = unit_names(config.features, trainer.network.sizes)
        self.replay: int | None = None
        self.resumed: Step | None = None
        self._shown_states: dict[int, object] = {}  # step -> Trainer.checkpoint(), oldest first
        self.timeline += 1
        self.setup_version += 1
        self.version += 1

    def apply(self, old: PlaygroundConfig, new: PlaygroundConfig) -> list[str]:
        """Live settings (learning rate, optimizer, batch, ...) for the next step; returns their words."""
        words = apply_live_settings(self.trainer, old, new)
        self.trainer.eval_every = LIVE_EVAL_EVERY
        self.config = new
        self.version += 1
        return words

    def show(self, replay: int | None, resumed: Step | None = None) -> None:
        """Show recorded step ``replay`` (None: the live state); ``resumed``: see ``view_of``."""
        if (replay, resumed) != (self.replay, self.resumed):
            self.replay, self.resumed = replay, resumed
            self.version += 1

    def touch(self) -> None:
        """The trainer changed outside ``train`` (reset, resume, rewind): the curves start afresh,
        and states of the old timeline cannot be gone back to (``timeline`` counts them: the page's
        replay slider is drawn per timeline and step)."""
        self.frames.restart_curves()
        self._shown_states = {}
        self.timeline += 1
        self.version += 1

    # ---------------------------------------------------------------- the stream's side
    @property
    def can_train(self) -> bool:
        return self.trainer.divergence is None

    @property
    def steps_per_epoch(self) -> int:
        config = self.config
        return 1 if config.full_batch else math.ceil(config.n_train / config.batch_size)

    @property
    def target_epochs_per_s(self) -> float | None:
        return None if self.config.speed == 0 else float(self.config.speed)

    @property
    def stopped(self) -> str | None:
        """Why the stop condition (``stop_steps``, ``stop_loss``) holds now, or None: the stream
        stops playing then (``pages.live.stream``), and the view says why."""
        trainer = self.trainer
        return stop_reason(self.config, live_steps(trainer), trainer.last_metrics or {})

    def train(self, seconds: float, max_steps: int | None, stop: Callable[[], bool]) -> int:
        """Train for up to ``seconds`` (and ``max_steps``, and the steps left to ``stop_steps``),
        then evaluate the state reached. Nothing while the stop condition holds."""
        self.replay, self.resumed = None, None
        if self.stopped:
            self.version += 1
            return 0
        if self.config.stop_steps:
            left = self.config.stop_steps - self.trainer.step
            max_steps = left if max_steps is None else min(max_steps, left)
        taken = self.trainer.run_for(seconds, max_steps, stop)
        if taken:
            self._evaluate()
            self.version += 1
        return taken

    def _evaluate(self) -> None:
        trainer = self.trainer
        if trainer.divergence is None and trainer.history.last_metrics_step != trainer.step:
            trainer.evaluate()

    def step_once(self) -> None:
        """The Step button: one training step, or TF Playground compatible the rest of the current
        epoch (as TF's Step, one epoch from a paused start)."""
        trainer = self.trainer
        if not self.config.tf_compatible:
            trainer.run(1)
            return
        epoch = trainer.epoch
        for _ in range(self.steps_per_epoch):
            if not trainer.run(1) or trainer.epoch != epoch:
                break

    def command(self, name: str, args: dict) -> bool:
        """A command from the view: ``step`` (``step_once``) or ``select`` (the
        large map's unit, ``args["unit"] = [layer, index]``). Returns whether anything changed."""
        if name == "step" and self.can_train:
            self.replay, self.resumed = None, None
            self.step_once()
            self._evaluate()
        elif name == "rewind":
            return self.rewind(args.get("step"))
        elif name == "edit":
            return self.edit(args)
        elif name == "select":
            unit = args.get("unit")
            sizes = self.trainer.network.sizes
            if not (
                isinstance(unit, list)
                and len(unit) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in unit)
                and 0 <= unit[0] < len(sizes)
                and 0 <= unit[1] < sizes[unit[0]]
            ):
                return False
            self.frames.selected = (unit[0], unit[1])
        else:
            return False
        self.version += 1
        return True

    def edit(self, args: dict) -> bool:
        """Set one parameter of the live network, as TF Playground's click on a link or a bias:
        ``{"kind": "weight", "layer": l, "i": i, "j": j, "value": v}`` sets ``W[l][i, j]``,
        ``{"kind": "bias", "layer": l, "j": j, "value": v}`` sets ``b[l][j]`` (``l`` counts the
        weight layers from 0; ``|v| <= EDIT_LIMIT``). New arrays replace the old ones (a recorded
        step keeps the ones it started from); the metrics are evaluated again and training
        continues from the edited network. Not while replaying or after a divergence. Returns
        whether it changed anything."""
        net = self.trainer.network
        kind, value = args.get("kind"), args.get("value")
        ints = [args.get(k) for k in (("layer", "i", "j") if kind == "weight" else ("layer", "j"))]
        if (
            kind not in ("weight", "bias")
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in ints)
            or isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or abs(value) > EDIT_LIMIT
            or self.replay is not None
            or not self.can_train
        ):
            return False
        layer, *where = ints
        params = net.weights if kind == "weight" else net.biases
        if not 0 <= layer < len(params) or not all(0 <= k < n for k, n in zip(where, params[layer].shape)):
            return False
        changed = params[layer].copy()
        changed[tuple(where)] = float(value)
        weights, biases = list(net.weights), list(net.biases)
        (weights if kind == "weight" else biases)[layer] = changed
        net.set_parameters(weights, biases)
        self.resumed = None
        self.trainer.evaluate()
        self.touch()
        return True

    def rewind(self, step: object) -> bool:
        """Back to the state after ``step`` steps, one that a recent frame showed (the one on
        screen when Pause was pressed), if training went past it: parameters, shuffler and the
        optimizer's moments (``Trainer.restore``), so training continues exactly as from there.
        Returns whether it went back."""
        trainer = self.trainer
        checkpoint = self._shown_states.get(step) if isinstance(step, int) else None
        if checkpoint is None or step >= live_steps(trainer) or trainer.divergence is not None:
            return False
        trainer.restore(checkpoint)
        self._evaluate()
        self.replay, self.resumed = None, None
        self.touch()
        return True

    def shown(self) -> Shown:
        """What the view shows now: the replayed step, the last finite state or the live one."""
        view = view_of(self.trainer, self.replay, self.resumed)
        div = divergence_report(self.trainer)
        return Shown(
            steps=view.steps,
            epoch=view.epoch,
            weights=view.weights,
            biases=view.biases,
            step=view.step,
            metrics=view.metrics,
            replaying=view.replaying,
            caption=view.caption,
            divergence=None if div is None else f"Training diverged at step {div.step}: {div.message}.",
            notice=None if view.replaying else self.stopped,
        )

    def setup_frame(self) -> bytes:
        return self.frames.setup_frame(self.trainer, self.names)

    def state_frame(self, seq: int, extra: dict) -> bytes:
        """The frame of the state shown now; a live state is also kept (the last
        ``SHOWN_STATES``) so that Pause can go back to it."""
        shown = self.shown()
        if not shown.replaying and self.trainer.divergence is None:
            self._shown_states[shown.steps] = self.trainer.checkpoint()
            while len(self._shown_states) > SHOWN_STATES:
                del self._shown_states[next(iter(self._shown_states))]
        return self.frames.state_frame(self.trainer, shown, seq, extra)
