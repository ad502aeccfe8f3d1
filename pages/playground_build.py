"""Playground settings to engine objects: the data set, the network and its trainer, the
optimizer and schedule, live changes applied to a running trainer, the stop condition, and
the ``View`` of a step (the present or a replayed one). Pure Python (no Streamlit).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from engine import Network, Step, make_optimizer
from engine.data import (
    CsvTable,
    DataError,
    Dataset,
    make_dataset,
    make_multiclass,
    plane_from_csv,
)
from engine.history import History, metrics_at
from engine.optim import Optimizer, Schedule
from engine.trainer import Trainer
from pages.playground_settings import (
    BIAS_INIT,
    DETAIL_EVERY,
    EVAL_EVERY,
    HISTORY_BYTES,
    KEEP_RECENT,
    LIVE_FIELDS,
    SETTING,
    UPLOAD,
    PlaygroundConfig,
)


# ---------------------------------------------------------------------------- trainer glue
def make_schedule(config: PlaygroundConfig) -> Schedule:
    """The learning-rate schedule of the settings (``SCHEDULE_TEXT``), N = ``schedule_steps``:
    ``step``: factor ``0.5 ** (t // N)``; ``exponential``: ``0.5 ** (t / N)``; ``cosine``: from 1
    to 0 over N steps, then 0; ``constant``: 1 (``t``: the optimizer's steps so far)."""
    n = config.schedule_steps
    if config.schedule == "step":
        return Schedule("step", gamma=0.5, step_size=n)
    if config.schedule == "exponential":
        return Schedule("exponential", gamma=0.5 ** (1.0 / n))
    if config.schedule == "cosine":
        return Schedule("cosine", total_steps=n, min_factor=0.0)
    return Schedule()


def make_optimizer_for(config: PlaygroundConfig) -> Optimizer:
    """The optimizer the settings describe: ``optimizer`` with ``lr`` and its schedule, the L1 or
    L2 penalty ``reg_rate`` on the weights, and clipping by global norm when ``clip_norm > 0``."""
    penalty = {"l1": {"l1": config.reg_rate}, "l2": {"l2": config.reg_rate}}.get(config.regularization, {})
    return make_optimizer(
        config.network_optimizer,
        lr=config.lr,
        clip_norm=config.clip_norm or None,
        l1_freeze=config.tf_compatible,
        schedule=make_schedule(config),
        **penalty,
    )


def stop_reason(config: PlaygroundConfig, steps: int, metrics: Mapping[str, float]) -> str | None:
    """Why training should stop at ``steps`` with evaluation ``metrics`` (None: it goes on): the
    step limit ``stop_steps`` is reached, or the test loss is at or below ``stop_loss``."""
    if config.stop_steps and steps >= config.stop_steps:
        return f"Stopped at step {steps:,}, the step limit."
    loss = metrics.get("test_loss", math.nan)
    if config.stop_loss and math.isfinite(loss) and loss <= config.stop_loss:
        return f"Stopped at step {steps:,}: test loss {loss:.4g} ≤ the target {config.stop_loss:g}."
    return None


def make_data(config: PlaygroundConfig, table: CsvTable | None = None) -> Dataset:
    """The data of ``config``: ``make_dataset`` of its 2-D set, or with ``dataset = "csv"`` the
    uploaded ``table`` (``plane_from_csv``: its two columns mapped onto the square). ValueError
    (a ``DataError``) when the settings or the table cannot give data."""
    test_fraction = (100 - config.train_ratio) / 100
    if config.dataset == UPLOAD:
        if table is None:
            raise DataError("upload a CSV first")
        if table.task != config.csv_task:
            raise DataError(f"the uploaded CSV is a {table.task} problem, not {config.csv_task}")
        return plane_from_csv(table, test_fraction, config.data_seed, config.features, config.tf_compatible)
    if config.multiclass:
        return make_multiclass(
            config.dataset, config.n_classes, config.n_points, config.noise / 100.0, test_fraction,
            config.data_seed, config.features,
        )  # fmt: skip
    return make_dataset(
        config.dataset,
        n_points=config.n_points,
        noise=config.noise / 100.0,
        test_fraction=test_fraction,
        seed=config.data_seed,
        features=config.features,
        tf_compatible=config.tf_compatible,
    )


def build_trainer(config: PlaygroundConfig, table: CsvTable | None = None) -> Trainer:
    """Data, network, optimizer and history for ``config``, at step 0.

    Data: ``make_dataset(dataset, n_points, noise / 100, test_fraction = (100 - ratio) / 100,
    data_seed, features)``. Network ``sizes = [n_features, *hidden, 1]``, the hidden
    activations, a sigmoid output with the bce loss (classification) or a linear output with
    mse/sse (regression), ``init``/``init_scale`` seeded with ``seed``, biases 0.1. Batches
    are shuffled with ``seed`` too. TF Playground compatible (``tf_compatible``): -1/+1 labels and
    TF's plane, a tanh output (classification) with TF's ``sse`` loss, uniform(-0.5, 0.5) weights,
    SGD with TF's L1 rule (``config.loss``, ``network_init``, ``network_optimizer``). The history
    keeps the last ``KEEP_RECENT`` steps and every ``DETAIL_EVERY``-th in full, within
    ``HISTORY_BYTES``. The metrics of step 0 are evaluated.
    Raises ValueError on bad settings. ``table``: the uploaded CSV, for ``dataset = "csv"`` (``make_data``).
    """
    dataset = make_data(config, table)
    init, init_scale = config.network_init
    network = Network(
        config.sizes,
        activation=list(config.activations),
        output_activation=config.output_activation,
        loss=config.loss,
        init=init,
        init_scale=init_scale,
        bias_init=BIAS_INIT,
        seed=config.seed,
        dropout=config.dropout,
    )
    history = History(
        max_bytes=HISTORY_BYTES,
        keep_recent=KEEP_RECENT,
        detail_every=DETAIL_EVERY,
        histogram_every=None,
        activation_names=list(network.activation_names),
    )
    trainer = Trainer(
        network,
        make_optimizer_for(config),
        dataset,
        batch_size=config.batch_size,
        seed=config.seed,
        eval_every=EVAL_EVERY,
        history=history,
    )
    trainer.evaluate()
    return trainer


def apply_live_settings(trainer: Trainer, old: PlaygroundConfig, new: PlaygroundConfig) -> list[str]:
    """Apply the live settings of ``new`` to a running ``trainer``; the next step uses them.

    A new optimizer kind starts with fresh moments; otherwise the learning rate, penalty and
    clipping are set on the current optimizer, so momentum and Adam's moments carry on.
    Returns the words for what changed (``Setting.words``; empty if nothing did).
    """
    changed = [name for name in LIVE_FIELDS if getattr(old, name) != getattr(new, name)]
    if new.network_optimizer != old.network_optimizer:
        trainer.optimizer = make_optimizer_for(new)
    else:
        optimizer = trainer.optimizer
        optimizer.lr = new.lr
        optimizer.l1 = new.reg_rate if new.regularization == "l1" else 0.0
        optimizer.l2 = new.reg_rate if new.regularization == "l2" else 0.0
        optimizer.clip_norm = new.clip_norm or None
        optimizer.l1_freeze = new.tf_compatible
        optimizer.schedule = make_schedule(new)
        optimizer.validate()
    trainer.batch_size = new.batch_size
    trainer.network.dropout = new.dropout
    return [SETTING[name].words for name in changed]


def advance(trainer: Trainer, n_steps: int) -> int:
    """Take ``n_steps`` training steps (fewer if training diverges) and make sure the train and
    test metrics describe the state reached. Returns the number of steps taken."""
    taken = trainer.run(n_steps)
    if trainer.history.last_metrics_step != trainer.step:
        trainer.evaluate()
    return taken


@dataclass(frozen=True)
class View:
    """What the training area shows, from one trainer state.

    ``steps``: the parameters shown are those after this many steps (the Step metric);
    ``step``: the recorded ``Step`` whose gradients, update and activations are drawn (None
    before the first step); ``weights``/``biases``: the parameters shown; ``metrics``: the
    evaluation shown (``metrics_at``); ``epoch``; ``replaying``; ``diverged``; ``caption``:
    words for the charts' titles (``after 3 steps``, ``at step 3``, ``before step 105 (last
    finite)``).
    """

    steps: int
    step: Step | None
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    metrics: dict[str, float]
    epoch: int
    replaying: bool
    diverged: bool
    caption: str


def live_steps(trainer: Trainer) -> int:
    """The step count the live view stands at: ``trainer.step``, or after a divergence the
    steps before the diverged one (which applied nothing: its parameters are the last finite)."""
    return trainer.divergence.step if trainer.divergence is not None else trainer.step


def view_of(trainer: Trainer, replay: int | None = None, resumed: Step | None = None) -> View:
    """What to show for ``trainer``: a replayed step, the last finite state, or the live one.

    - ``replay`` (a step below ``trainer.step``): the parameters that recorded step started from,
      its gradients and update, and the evaluation at or before it (the nearest held step if
      ``replay`` itself is not held).
    - Diverged: the last finite parameters (those after ``divergence.step`` steps), the last
      finite step's values and the latest finite evaluation at or before it, so that nothing
      shown contradicts the divergence banner.
    - Live: the network now, with the values of its last step. Right after a resume from step
      ``k`` that is ``resumed``, the recorded step ``k`` (the trainer's history no longer holds
      it and its ``last_step`` is the step before, or None), until training moves on.
    """
    history, network, now = trainer.history, trainer.network, trainer.step
    if replay is not None and replay < live_steps(trainer):
        step = history.detail(int(replay)) or history.nearest_detail(int(replay))
        if step is not None:
            meta = history.detail_meta(step.index) or (0, 0)
            return View(
                steps=step.index,
                step=step,
                weights=list(step.weights),
                biases=list(step.biases),
                metrics=metrics_at(history, step.index),
                epoch=meta[0],
                replaying=True,
                diverged=False,
                caption=f"at step {step.index}",
            )
    weights, biases = list(network.weights), list(network.biases)
    div = trainer.divergence
    if div is not None:
        last = None
        if div.step > 0:
            last = history.detail(div.step - 1) or history.nearest_detail(div.step - 1)
        return View(
            steps=div.step,
            step=last,
            weights=weights,
            biases=biases,
            metrics=metrics_at(history, div.step, finite=True),
            epoch=trainer.epoch,
            replaying=False,
            diverged=True,
            caption=f"before step {div.step} (last finite)",
        )
    step = resumed if resumed is not None and resumed.index == now else trainer.last_step
    return View(
        steps=now,
        step=step,
        weights=weights,
        biases=biases,
        metrics=metrics_at(history, now),
        epoch=trainer.epoch,
        replaying=False,
        diverged=False,
        caption=f"after {now} {'step' if now == 1 else 'steps'}",
    )


def replay_options(history: History, now: int, limit: int = 400) -> list[int]:
    """The steps the replay slider offers: steps held in full detail (below ``now``, the
    live state, which is always last), evenly thinned to at most ``limit`` options; the
    most recent held steps are always kept."""
    held = [k for k in history.detail_steps() if k < now]
    if len(held) > limit - 1:
        recent = held[-KEEP_RECENT:]
        older = held[:-KEEP_RECENT]
        room = max(limit - 1 - len(recent), 1)
        stride = math.ceil(len(older) / room)
        held = older[::stride] + recent
    return [*held, now]
