"""A training loop: mini-batches from a seeded shuffler, periodic evaluation, a History.

``Trainer(network, optimizer, dataset, batch_size=10, seed=0, eval_every=10, history=None)``
owns the four; ``run(n)`` takes ``n`` steps of ``network.train_step`` and records each in
``history`` (a new ``History()`` by default).

**Batches** come in the order of ``engine.batches.BatchOrder``: epoch ``e`` visits the training
rows in the order ``default_rng([seed, e]).permutation(n_train)``, ``batch_size`` rows at a
time (a batch at least as large as the training set: every row, in stored order).
``batch_size`` and ``optimizer`` (and ``optimizer.lr``) may be changed between ``run`` calls:
the next step uses them and the shuffler carries on with the current epoch.

**Evaluation** uses the network in evaluation mode (``forward``, batch-norm running
statistics) on the whole training and test sets, and records in the history, at step ``t``
(the state after ``t`` steps): the data loss (``loss_fn.value`` of the output, without the
L1/L2 penalty) and the accuracy (classification) or ``R^2`` (regression), as
``engine.evaluation`` defines them. It runs when the first ``run`` after construction,
``reset`` or ``resume_from`` starts (at a step with no evaluation yet), and after every step
``t`` with ``t % eval_every == 0``; later ``run`` calls do not evaluate where they start, so
many short runs (a page's ticks) cost no extra evaluations. An empty test set gives NaN test
metrics. Both sets go through one forward pass (``engine.evaluation.eval_outputs``, in chunks
of rows when a deep network's forward values would pass ``EVAL_CHUNK_BYTES``).

**Divergence.** When ``train_step`` reports a non-finite loss, gradient or update (and so
applied nothing), training stops at that step: the step is recorded (the history marks it
diverged), ``trainer.divergence`` describes it, and ``run`` does nothing more until
``reset()`` or ``resume_from(k)``.

**Resuming.** ``resume_from(k)`` puts back the parameters recorded step ``k`` started from
and continues from step ``k``: later steps are forgotten, and the shuffler returns to step
``k``'s place. The optimizer's moments and step count restart from zero (they are not
recorded), so momentum/Adam/RMSprop runs and learning-rate schedules continue differently
from the original run; plain SGD with a constant rate repeats it exactly. Batch-norm
running statistics are restored from the step as well.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine import checks
from engine.batches import BatchOrder
from engine.data import Dataset
from engine.evaluation import EVAL_CHUNK_BYTES, accuracy, eval_outputs, r2_score  # noqa: F401
from engine.history import History
from engine.network import Network
from engine.optim import Optimizer

TASKS = ("classification", "regression")


@dataclass(frozen=True)
class TrainingDivergence:
    """Where training stopped: ``step`` (0-based step index), ``layer`` (1-based, for display;
    None when not tied to a layer), ``quantity`` (``activation``/``loss``/``gradient``/
    ``update``), the network's ``message``, and ``loss_before``, the loss of the last finite
    step (NaN if there was none)."""

    step: int
    layer: int | None
    quantity: str
    message: str
    loss_before: float


@dataclass(frozen=True)
class Checkpoint:
    """A trainer's state after ``step`` steps (see ``Trainer.checkpoint``)."""

    step: int
    parameters: tuple
    running: tuple
    batches: tuple[int, int]
    optimizer: Optimizer
    moments: tuple
    last_step: object
    last_loss: float


def _as_data(values, name: str, columns: int, what: str) -> np.ndarray:
    try:
        array = np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"dataset.{name} must contain only numbers") from None
    if array.ndim != 2 or array.shape[1] != columns:
        raise ValueError(
            f"dataset.{name} must be (n_samples, {columns}) to match the network's {what}, got {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"dataset.{name} contains NaN or infinite values")
    return array


class Trainer:
    """Trains ``network`` on ``dataset`` with ``optimizer``; see the module docstring.

    Attributes: ``network``, ``dataset``, ``seed`` (read-only), ``history``, ``divergence``
    (``TrainingDivergence`` or None), ``last_step`` (the latest ``Step``, also when the
    history's cap could not keep it), ``last_metrics`` (dict of the latest evaluation).
    Settable between runs: ``optimizer``, ``batch_size``, ``eval_every``.
    """

    def __init__(
        self,
        network: Network,
        optimizer: Optimizer,
        dataset: Dataset,
        batch_size: int = 10,
        seed: int = 0,
        eval_every: int = 10,
        history: History | None = None,
    ) -> None:
        if not isinstance(network, Network):
            raise ValueError(f"network must be an engine.network.Network, got {type(network).__name__}")
        if dataset.task not in TASKS:
            raise ValueError(f"dataset.task must be one of {', '.join(TASKS)}, got {dataset.task!r}")
        n_in, n_out = network.sizes[0], network.sizes[-1]
        self._X = _as_data(dataset.X_train, "X_train", n_in, "input width")
        self._Y = _as_data(dataset.Y_train, "Y_train", n_out, "output width")
        X_test = _as_data(dataset.X_test, "X_test", n_in, "input width")
        self._Y_test = _as_data(dataset.Y_test, "Y_test", n_out, "output width")
        if len(self._X) < 1 or len(self._Y) != len(self._X) or len(self._Y_test) != len(X_test):
            raise ValueError(
                f"need at least one training row and as many target rows as input rows; got X_train "
                f"{len(self._X)}, Y_train {len(self._Y)}, X_test {len(X_test)}, Y_test {len(self._Y_test)}"
            )
        seed = checks.integer("seed", seed, 0)
        if history is not None and not isinstance(history, History):
            raise ValueError(
                f"history must be an engine.history.History or None, got {type(history).__name__}"
            )
        self._network = network
        self._dataset = dataset
        self._X_eval = np.concatenate([self._X, X_test]) if len(X_test) else self._X
        self._seed = int(seed)
        self.optimizer = optimizer
        self.batch_size = batch_size
        self.eval_every = eval_every
        self.history = history if history is not None else History()
        if self.history.activation_names is None:
            self.history.activation_names = list(network.activation_names)
        self._initial = (
            list(network.weights),
            list(network.biases),
            list(network.gammas),
            list(network.betas),
            list(network.running_mean),
            list(network.running_var),
            network.steps_taken,
        )
        self._start_fresh()

    def _start_fresh(self) -> None:
        self.divergence: TrainingDivergence | None = None
        self.last_step = None
        self.last_metrics: dict[str, float] | None = None
        self._order = BatchOrder(len(self._X), self._seed)
        self._fresh_start = True  # the next run evaluates the state it starts from
        self._last_loss = math.nan

    # ------------------------------------------------------------------ settings
    @property
    def network(self) -> Network:
        """The network being trained (fixed for the trainer's life)."""
        return self._network

    @property
    def dataset(self) -> Dataset:
        """The data set (fixed: its arrays are read once, as float64, when the trainer is made)."""
        return self._dataset

    @property
    def optimizer(self) -> Optimizer:
        return self._optimizer

    @optimizer.setter
    def optimizer(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise ValueError(f"optimizer must be an engine.optim.Optimizer, got {type(optimizer).__name__}")
        optimizer.validate()
        self._optimizer = optimizer

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        note = f" (values >= the {len(self._X)} training rows mean full batch)"
        self._batch_size = checks.integer("batch_size", value, 1, note=note)

    @property
    def eval_every(self) -> int:
        return self._eval_every

    @eval_every.setter
    def eval_every(self, value: int) -> None:
        self._eval_every = checks.integer("eval_every", value, 1)

    @property
    def step(self) -> int:
        """Steps taken so far (the index the next step will get)."""
        return self.network.steps_taken

    @property
    def seed(self) -> int:
        """The shuffler's seed (fixed: a trainer with another seed is another run)."""
        return self._seed

    @property
    def epoch(self) -> int:
        """Epochs completed so far (a full-batch step completes one)."""
        return self._order.epoch

    @property
    def task(self) -> str:
        return self.dataset.task

    # ------------------------------------------------------------------ batches
    def _next_batch(self):
        """The next ``engine.batches.Batch`` and its inputs and targets."""
        batch = self._order.next(self._batch_size)
        if batch.rows is None:
            return batch, self._X, self._Y
        return batch, self._X.take(batch.rows, axis=0), self._Y.take(batch.rows, axis=0)

    # ------------------------------------------------------------------ training
    def run(self, n_steps: int) -> int:
        """Take up to ``n_steps`` steps; returns how many were taken (the diverged one included).

        Does nothing (returns 0) after a divergence, until ``reset``/``resume_from``.
        """
        n_steps = checks.integer("run's number of steps", n_steps, 0)
        if self.divergence is not None:
            return 0
        return self._train(n_steps, None, None, time.perf_counter)

    def run_for(
        self,
        seconds: float,
        max_steps: int | None = None,
        stop: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> int:
        """Train for a time budget: steps until ``seconds`` have passed on ``clock`` (checked
        after every step, so at least one step is taken), ``max_steps`` were taken, or
        ``stop()`` is true (checked before every step: a Pause takes effect at the next step).
        Returns the steps taken; records and evaluates as ``run``.

        A live view trains this way, so that training speed does not depend on how often the
        browser redraws."""
        seconds = checks.real("run_for's time budget in seconds", seconds, 0)
        max_steps = checks.integer("max_steps", max_steps, none_ok=True)
        limit = -1 if max_steps is None else max(0, int(max_steps))
        if self.divergence is not None or limit == 0:
            return 0
        return self._train(limit, clock() + float(seconds), stop, clock)

    def _train(self, n_steps: int, deadline: float | None, stop, clock) -> int:
        """The loop of ``run`` and ``run_for``: ``n_steps`` steps (-1: no limit), until ``deadline``
        on ``clock`` or ``stop()``."""
        optimizer = self._optimizer
        optimizer.validate()
        net, history, every = self.network, self.history, self._eval_every
        at = net.steps_taken
        if history.last_metrics_step != at and (self._fresh_start or at % every == 0):
            self.evaluate()  # where training starts, or an interval step a new interval left out
        self._fresh_start = False
        taken = 0
        while taken != n_steps:
            if stop is not None and stop():
                break
            batch, X, Y = self._next_batch()
            step = net.train_step(X, Y, optimizer=optimizer)
            history.record(step, epoch=batch.epoch, position=batch.position)
            self.last_step = step
            taken += 1
            if step.divergence is not None:
                div = step.divergence
                self.divergence = TrainingDivergence(
                    step=step.index,
                    layer=None if div.layer is None else div.layer + 1,
                    quantity=div.quantity,
                    message=div.message,
                    loss_before=self._last_loss,
                )
                break
            self._order.use(batch)
            self._last_loss = step.loss
            if net.steps_taken % every == 0:
                self.evaluate()
            if deadline is not None and clock() >= deadline:
                break
        history.flush()
        return taken

    def evaluate(self) -> dict[str, float]:
        """Loss and accuracy/R^2 on the training and test sets now; recorded in the history
        at the current step (replacing an earlier record of the same step)."""
        net = self.network
        n = len(self._X)
        y, z = eval_outputs(net, self._X_eval)
        with np.errstate(all="ignore"):
            metrics = {
                "train_loss": net.loss_fn.value(y[:n], z[:n], self._Y),
                "test_loss": net.loss_fn.value(y[n:], z[n:], self._Y_test) if len(self._Y_test) else math.nan,
            }
            if self.dataset.task == "classification":
                threshold = getattr(self.dataset, "label_threshold", 0.5)
                score, name = (lambda out, t: accuracy(out, t, threshold)), "accuracy"
            else:
                score, name = r2_score, "r2"
            metrics[f"train_{name}"] = score(y[:n], self._Y)
            metrics[f"test_{name}"] = score(y[n:], self._Y_test)
        self.history.record_metrics(net.steps_taken, **metrics)
        self.last_metrics = {"step": net.steps_taken, **metrics}
        return self.last_metrics

    # ------------------------------------------------------------------ checkpoints
    def checkpoint(self) -> Checkpoint:
        """The trainer's state now, to go back to with ``restore`` (cheap: parameter arrays are
        never modified in place, so the checkpoint holds references)."""
        net = self.network
        return Checkpoint(
            step=net.steps_taken,
            parameters=(list(net.weights), list(net.biases), list(net.gammas), list(net.betas)),
            running=(list(net.running_mean), list(net.running_var)),
            batches=self._order.place,
            optimizer=self._optimizer,
            moments=self._optimizer.snapshot(),
            last_step=self.last_step,
            last_loss=self._last_loss,
        )

    def restore(self, checkpoint: Checkpoint) -> None:
        """Back to ``checkpoint`` (taken earlier, at or before the current step): parameters,
        batch-norm statistics, shuffler position and the optimizer's moments (if the optimizer
        is still the one it was taken with; a newer one starts afresh); later steps and their
        metrics are forgotten, the divergence cleared. Training then continues exactly as it
        would have from there."""
        net = self.network
        if not isinstance(checkpoint, Checkpoint) or checkpoint.step > net.steps_taken:
            raise ValueError("restore needs a checkpoint of this trainer taken at or before the current step")
        weights, biases, gammas, betas = checkpoint.parameters
        net.set_parameters(weights, biases, gammas or None, betas or None)
        net.running_mean, net.running_var = (list(r) for r in checkpoint.running)
        net.steps_taken = checkpoint.step
        self.history.truncate(checkpoint.step)
        if checkpoint.optimizer is self._optimizer:
            self._optimizer.restore(checkpoint.moments)
        else:
            self._optimizer.reset()
        self.divergence = None
        self._order.place = checkpoint.batches
        self.last_step, self._last_loss = checkpoint.last_step, checkpoint.last_loss
        self._fresh_start = True

    # ------------------------------------------------------------------ reset / resume
    def reset(self) -> None:
        """Back to the start: the initial parameters (and batch-norm statistics), step and
        epoch 0, an empty history, a fresh optimizer state, no divergence."""
        weights, biases, gammas, betas, mean, var, steps = self._initial
        net = self.network
        net.set_parameters(weights, biases, gammas, betas)
        net.running_mean, net.running_var = list(mean), list(var)
        net.steps_taken = steps
        self._optimizer.reset()
        self.history.clear()
        self._start_fresh()

    def resume_from(self, k: int) -> None:
        """Continue from recorded step ``k``: its starting parameters are restored, steps
        ``k`` and later are forgotten (metrics after ``k`` too), the divergence is cleared,
        the shuffler returns to step ``k``'s batch and the optimizer's moments restart; the
        batch-norm running statistics the step started from are restored.

        Needs ``history.detail(k)``; see ``history.detail_steps()`` for the steps held."""
        k = checks.integer("resume_from's step index", k, 0)
        history = self.history
        step = history.detail(int(k))
        if step is None:
            near = history.nearest_detail(int(k))
            hint = f"; the nearest held step is {near.index}" if near is not None else "; no step is held"
            raise ValueError(f"step {k} is not held in detail, so its parameters are unknown{hint}")
        place = history.detail_meta(int(k))  # (epoch, position): read before the history is cut
        net = self.network
        net.set_parameters(
            step.weights,
            step.biases,
            step.gammas or None,
            step.betas or None,
            step.running_mean or None,
            step.running_var or None,
        )
        net.steps_taken = step.index
        history.truncate(step.index)
        self._optimizer.reset()
        self.divergence = None
        self._fresh_start = True
        self._order.place = place
        before = history.summary(step.index - 1)
        self._last_loss = before["loss"] if before is not None else math.nan
        self.last_step = history.detail(step.index - 1)
