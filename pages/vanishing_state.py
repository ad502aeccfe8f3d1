"""One configuration (A or B) of the "Vanishing and exploding gradients" page, and its live run.

Pure Python (no Streamlit), so it is unit-tested. The page reads its widgets into a
``VGConfig``; ``sync_run`` turns it into a ``Run`` (network, optimizer, ``Trainer`` with a
capped ``History``), rebuilding only when the network itself changes; ``advance`` takes
steps; the ``*_at`` helpers pick what the charts show for a step.

**Careful init** (the "careful init" toggle): Xavier (Glorot, ``Var W = 2 / (n_in +
n_out)``) for the zero-centred, tanh-like activations ``tanh``, ``sigmoid`` and ``linear``;
He (Kaiming, ``Var W = 2 / n_in``) for the ReLU family ``relu``, ``leaky_relu``, ``elu``,
``gelu`` and ``softplus``. Normal draws, gain 1. For sigmoid this does not stop the
vanishing: its slope is at most 1/4, so ``n Var(W) E[f'^2]`` stays far below 1.

**The four classic initializations** (``CLASSIC_INITS``): zero; too small ``normal(0.01)``;
appropriate (the careful init of the activation); too large ``normal(3)``.

**Inputs** are standardized with the training set's per-feature mean and standard deviation
(a constant feature, as digits' blank corner pixels, is only centred), so that the first
layer sees unit-variance inputs, as the theory assumes.

**Memory.** Each run's ``History`` holds summaries every step, histograms every
``HISTOGRAM_EVERY`` steps and full ``Step`` detail every ``DETAIL_EVERY`` steps, under
``HISTORY_MAX_BYTES``; the trainer's ``last_step`` (a full ``Step``: 26 MB for 100 layers of
64 at batch 64) is dropped after each ``advance``, since the page reads only the history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from numbers import Integral, Real

import numpy as np

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS, Network, make_optimizer
from engine.data import CLASSIFICATION_SETS, REGRESSION_SETS, Dataset, load_digits_dataset, make_dataset
from engine.history import History
from engine.theory import SignalTheory, network_theory, neuron_spread
from engine.trainer import Trainer

DATASETS = (*CLASSIFICATION_SETS, *REGRESSION_SETS, "digits")
DEPTH_RANGE = (2, 100)  # hidden layers
WIDTH_RANGE = (4, 256)
BATCH_RANGE = (1, 1024)
N_POINTS = 400  # points of a 2-D data set (half train, half test)
NOISE = 0.1

CAREFUL_INIT = {
    "sigmoid": "xavier_normal",
    "tanh": "xavier_normal",
    "linear": "xavier_normal",
    "relu": "he_normal",
    "leaky_relu": "he_normal",
    "elu": "he_normal",
    "gelu": "he_normal",
    "softplus": "he_normal",
}
CLASSIC_INITS = ("zero", "too small", "appropriate", "too large")
ADAPTIVE_OPTIMIZERS = ("adam", "rmsprop")  # rescale each weight's step: they hide a vanishing gradient

HISTORY_MAX_BYTES = 16_000_000  # per configuration
SUMMARY_SHARE = 0.8  # the page reads summaries and histograms; a deep step (23 MB) never fits as detail
HISTOGRAM_EVERY = 5
DETAIL_EVERY = 100
BINS = 40
GRAD_LOG10_RANGE = (-16.0, 4.0)
EVAL_EVERY = 100

# Settings that can change while a run goes on (the next step uses them); any other change
# builds a new network.
LIVE_FIELDS = ("optimizer", "lr", "clip", "clip_norm")


def losses_for(dataset: str) -> tuple[str, ...]:
    """The losses that fit a data set: binary 2-D sets ``bce``/``mse``/``sse``, digits
    ``cross_entropy``/``mse``/``sse``, regression ``mse``/``sse``; the first is the default."""
    if dataset == "digits":
        return ("cross_entropy", "mse", "sse")
    if dataset in REGRESSION_SETS:
        return ("mse", "sse")
    return ("bce", "mse", "sse")


@dataclass(frozen=True)
class VGConfig:
    """Everything that defines one configuration's training run.

    ``depth`` hidden layers of ``width`` units (``sizes = [n_in] + [width] * depth +
    [n_out]``, so ``L = depth + 1`` weight layers); ``init``/``init_scale`` as
    ``engine.init`` unless ``careful_init``; ``clip`` turns on clipping of the global
    gradient norm at ``clip_norm``. ``dataset``, ``batch_size`` and ``seed`` are shared by A
    and B (same data, same batches, same draws).
    """

    depth: int = 20
    width: int = 64
    activation: str = "sigmoid"
    init: str = "normal"
    init_scale: float = 1.0
    loss: str = "bce"
    optimizer: str = "sgd"
    lr: float = 0.1
    batch_size: int = 32
    dataset: str = "circle"
    seed: int = 0
    careful_init: bool = False
    clip: bool = False
    clip_norm: float = 1.0
    batch_norm: bool = False
    residual: bool = False

    def validate(self) -> VGConfig:
        """Return self, or raise ValueError saying which setting is wrong and what is allowed."""
        for name, (lo, hi) in (("depth", DEPTH_RANGE), ("width", WIDTH_RANGE), ("batch_size", BATCH_RANGE)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral) or not lo <= value <= hi:
                raise ValueError(f"{name} must be a whole number from {lo} to {hi}, got {value!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, Integral) or self.seed < 0:
            raise ValueError(f"seed must be a whole number >= 0, got {self.seed!r}")
        for name, allowed in (
            ("activation", HIDDEN_ACTIVATIONS),
            ("init", INITS),
            ("optimizer", tuple(OPTIMIZERS)),
            ("dataset", DATASETS),
            ("loss", losses_for(self.dataset)),
        ):
            if getattr(self, name) not in allowed:
                where = f" for the {self.dataset} data" if name == "loss" else ""
                raise ValueError(
                    f"unknown {name} {getattr(self, name)!r}{where}; choose one of: {', '.join(allowed)}"
                )
        for name, positive in (("init_scale", False), ("lr", False), ("clip_norm", True)):
            value = getattr(self, name)
            ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
            if not ok or value < 0 or (positive and value == 0):
                bound = "> 0" if positive else ">= 0"
                raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
        return self

    def resolved_init(self) -> tuple[str, float]:
        """``(scheme, scale)`` the network is drawn with: ``(CAREFUL_INIT[activation], 1.0)``
        with careful init, else ``(init, init_scale)``."""
        if self.careful_init:
            return CAREFUL_INIT[self.activation], 1.0
        return self.init, float(self.init_scale)

    def structure(self) -> tuple:
        """The settings that define the network and its data (all but ``LIVE_FIELDS``)."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name not in LIVE_FIELDS)

    def describe(self) -> str:
        """A short label, e.g. ``sigmoid · normal(1) · 20×64`` plus the mitigations that are on."""
        scheme, scale = self.resolved_init()
        init = (
            "zeros"
            if scheme == "zeros"
            else f"{scheme}({scale:g})"
            if scheme in ("normal", "uniform")
            else scheme
        )
        if scheme not in ("zeros", "normal", "uniform") and scale != 1:
            init += f" ×{scale:g}"
        extras = [
            text
            for text, on in (
                ("batch norm", self.batch_norm),
                ("residual", self.residual),
                (f"clip {self.clip_norm:g}", self.clip),
            )
            if on
        ]
        text = f"{self.activation} · {init} · {self.depth}×{self.width}"
        if self.optimizer != "sgd":
            text += f" · {self.optimizer}"
        return text + (f" · {' + '.join(extras)}" if extras else "")


DEFAULTS = {
    "A": VGConfig(activation="sigmoid", init="normal", init_scale=1.0),
    "B": VGConfig(activation="relu", init="he_normal", init_scale=1.0),
}


def classic_init(case: str, activation: str) -> tuple[str, float]:
    """``(scheme, scale)`` of one of the four ``CLASSIC_INITS``: ``zero`` -> zeros, ``too
    small`` -> normal(0.01), ``appropriate`` -> the careful init of ``activation``, ``too
    large`` -> normal(3)."""
    if case == "zero":
        return "zeros", 1.0
    if case == "too small":
        return "normal", 0.01
    if case == "appropriate":
        if activation not in CAREFUL_INIT:
            raise ValueError(f"unknown activation {activation!r}; choose one of: {', '.join(CAREFUL_INIT)}")
        return CAREFUL_INIT[activation], 1.0
    if case == "too large":
        return "normal", 3.0
    raise ValueError(f"unknown case {case!r}; choose one of: {', '.join(CLASSIC_INITS)}")


# --------------------------------------------------------------------------- building
def standardized(dataset: Dataset) -> Dataset:
    """``dataset`` with ``X = (X - mean) / std`` per feature, mean and std of the training
    rows (a feature with std below 1e-8 is only centred). Targets are unchanged."""
    mean = dataset.X_train.mean(axis=0)
    std = dataset.X_train.std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)
    return replace(dataset, X_train=(dataset.X_train - mean) / std, X_test=(dataset.X_test - mean) / std)


def build_dataset(name: str, seed: int) -> Dataset:
    """The standardized data set: a 2-D set (``N_POINTS`` points, noise ``NOISE``, half for
    testing, inputs ``x1, x2``) or the 8x8 digits (30 % for testing)."""
    if name == "digits":
        return standardized(load_digits_dataset(test_fraction=0.3, seed=seed))
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    return standardized(make_dataset(name, N_POINTS, NOISE, 0.5, seed))


def build_network(config: VGConfig, n_in: int, n_out: int) -> Network:
    """``Network([n_in] + [width] * depth + [n_out])`` with the configuration's activation,
    loss (and its default output activation), resolved init, batch norm and residual."""
    scheme, scale = config.resolved_init()
    return Network(
        [n_in] + [config.width] * config.depth + [n_out],
        activation=config.activation,
        loss=config.loss,
        init=scheme,
        init_scale=scale,
        seed=config.seed,
        batch_norm=config.batch_norm,
        residual=config.residual,
    )


def build_optimizer(config: VGConfig):
    """``make_optimizer(optimizer, lr=lr, clip_norm=clip_norm if clip else None)``."""
    return make_optimizer(config.optimizer, lr=config.lr, clip_norm=config.clip_norm if config.clip else None)


def activation_range(config: VGConfig) -> float:
    """Half-width of the activation histograms: 1.05 for sigmoid/tanh outputs (bounded by 1,
    so their saturation shows in fine bins) unless residual sums make them unbounded; else 3."""
    bounded = config.activation in ("sigmoid", "tanh") and not config.residual
    return 1.05 if bounded else 3.0


def build_history(config: VGConfig, network: Network) -> History:
    """A ``History`` with this page's strides and cap (see the module docstring)."""
    return History(
        max_bytes=HISTORY_MAX_BYTES,
        keep_recent=0,
        detail_every=DETAIL_EVERY,
        histogram_every=HISTOGRAM_EVERY,
        bins=BINS,
        act_range=activation_range(config),
        grad_log10_range=GRAD_LOG10_RANGE,
        summary_share=SUMMARY_SHARE,
        activation_names=list(network.activation_names),
    )


@dataclass
class Run:
    """One configuration's live objects: ``trainer`` (with ``network`` and ``history``) and
    the ``theory`` of its network at initialization (``engine.theory``)."""

    name: str
    config: VGConfig
    trainer: Trainer
    theory: SignalTheory

    @property
    def history(self) -> History:
        return self.trainer.history

    @property
    def network(self) -> Network:
        return self.trainer.network

    @property
    def label(self) -> str:
        return f"{self.name}: {self.config.describe()}"

    @property
    def diverged(self) -> bool:
        return self.trainer.divergence is not None

    @property
    def last_step(self) -> int:
        """Index of the latest recorded step (0 after ``start_run``)."""
        return int(self.history.last_step)

    @property
    def last_finite_step(self) -> int:
        """The latest step whose numbers are all finite: the one before a divergence (or
        the diverged step 0 itself, when even the first step was not finite)."""
        if self.trainer.divergence is not None:
            return max(self.trainer.divergence.step - 1, 0)
        return self.last_step


def start_run(name: str, config: VGConfig) -> Run:
    """A new run of ``config``: data, network, optimizer, history, trainer, and step 0 taken
    (so the charts show the gradients at initialization). ValueError on a bad config."""
    config.validate()
    dataset = build_dataset(config.dataset, config.seed)
    network = build_network(config, dataset.n_features, dataset.n_outputs)
    X = dataset.X_train
    theory = network_theory(network, float(X.mean()), float((X * X).mean()), float(X.var(axis=0).mean()))
    trainer = Trainer(
        network,
        build_optimizer(config),
        dataset,
        batch_size=config.batch_size,
        seed=config.seed,
        eval_every=EVAL_EVERY,
        history=build_history(config, network),
    )
    run = Run(name, config, trainer, theory)
    advance([run], 1)
    return run


def sync_run(run: Run | None, name: str, config: VGConfig) -> tuple[Run, bool]:
    """``(run, restarted)``: a new run when there is none or ``config.structure()`` changed;
    otherwise the same run with the live settings applied (``opt.lr``/``clip_norm`` set in
    place; a different optimizer starts with fresh moments)."""
    config.validate()
    if run is None or run.config.structure() != config.structure():
        return start_run(name, config), True
    if config != run.config:
        trainer = run.trainer
        if config.optimizer != run.config.optimizer:
            trainer.optimizer = build_optimizer(config)
        else:
            trainer.optimizer.lr = config.lr
            trainer.optimizer.clip_norm = config.clip_norm if config.clip else None
        run.config = config
    return run, False


def advance(runs: list[Run], n_steps: int) -> int:
    """Take ``n_steps`` steps of every run that has not diverged (one clock for A and B).

    Returns the largest number of steps any run took. Each trainer's ``last_step`` is
    dropped afterwards (see the module docstring)."""
    taken = 0
    for run in runs:
        taken = max(taken, run.trainer.run(n_steps))
        run.trainer.last_step = None
    return taken


def reset_run(run: Run) -> None:
    """Back to the initial weights with an empty history, then step 0 again."""
    run.trainer.reset()
    advance([run], 1)


# --------------------------------------------------------------------------- what the charts show
def shown_step(run: Run, requested: int) -> int:
    """The step a run shows when the replay slider is at ``requested``: at most its last
    finite step (the last finite state stays on screen after a divergence), at least 0."""
    return int(min(max(requested, 0), run.last_finite_step))


def summary_at(run: Run, step: int) -> dict:
    """The History summary row of ``step``, or of the latest recorded step before it (rows
    of old steps are thinned when the table is full). Its ``step`` says which one."""
    row = run.history.summary(step)
    if row is not None:
        return row
    steps = run.history.steps
    i = int(np.searchsorted(steps, step, side="right")) - 1
    return run.history.summary(int(steps[max(i, 0)]))


# Per-layer quantities the charts show (``History`` column they come from, divided by a size).
VIEW_QUANTITIES = ("grad_W_rms", "delta_rms", "update_ratio")


def _per_entry(run: Run) -> dict[str, np.ndarray]:
    """The divisors that turn History's norms into root-mean-square entries, ``(L,)`` each:
    ``sqrt(n_in * n_out)`` weights per layer, ``sqrt(n_out)`` units per layer."""
    sizes = np.asarray(run.network.sizes, dtype=np.float64)
    return {"grad_W_norm": np.sqrt(sizes[:-1] * sizes[1:]), "delta_norm": np.sqrt(sizes[1:])}


def view_row(run: Run, step: int) -> dict:
    """``summary_at(run, step)`` plus the per-entry sizes the charts compare across layers
    (a layer with 2 inputs has 32 times fewer weights than a 64-wide one, so its Frobenius
    norm is smaller even when every weight's gradient is as large), each ``(L,)``:

    - ``grad_W_rms = ||dL/dW[l]|| / sqrt(n_in * n_out)``: root mean square gradient per weight
    - ``delta_rms = delta_norm[l] / sqrt(n_out) = ||delta[l]|| / sqrt(B * n_out)``: root mean
      square of ``dL/dz`` per unit and sample
    - ``act_var = act_std ** 2``: the variance of the layer's output entries
    """
    row = dict(summary_at(run, step))
    div = _per_entry(run)
    row["grad_W_rms"] = np.asarray(row["grad_W_norm"]) / div["grad_W_norm"]
    row["delta_rms"] = np.asarray(row["delta_norm"]) / div["delta_norm"]
    row["act_var"] = np.asarray(row["act_std"]) ** 2
    return row


def layer_history(run: Run, quantity: str) -> tuple[np.ndarray, np.ndarray]:
    """``(steps (n,), values (n, L))`` of one of ``VIEW_QUANTITIES`` over the recorded steps
    (as ``view_row``), for the layer x step heatmap."""
    if quantity not in VIEW_QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; choose one of: {', '.join(VIEW_QUANTITIES)}")
    history = run.history
    if quantity == "update_ratio":
        return history.steps, history.column("update_ratio")
    column = {"grad_W_rms": "grad_W_norm", "delta_rms": "delta_norm"}[quantity]
    return history.steps, history.column(column) / _per_entry(run)[column]


def histogram_at(run: Run, step: int) -> dict | None:
    """The histograms of the latest histogram step at or before ``step`` (else the first
    one): ``step``, ``activation``/``gradient`` counts ``(L, bins)`` and both edge arrays."""
    history = run.history
    every = history.histogram_every
    row = history.histogram(step - step % every) if every else None
    if row is not None:
        found = step - step % every
    else:
        table = history.histograms()
        if not len(table["step"]):
            return None
        i = max(int(np.searchsorted(table["step"], step, side="right")) - 1, 0)
        found = int(table["step"][i])
        row = {"activation": table["activation"][i], "gradient": table["gradient"][i]}
    return {
        "step": int(found),
        **row,
        "activation_edges": history.activation_edges,
        "gradient_log10_edges": history.gradient_log10_edges,
    }


def metrics_at(run: Run, step: int) -> dict | None:
    """The latest evaluation at or before ``step`` (the trainer evaluates on the whole train
    and test sets every ``EVAL_EVERY`` steps and when a run starts): ``step``, ``name``
    (``accuracy`` or ``R²``) and ``value`` (on the test set), or None before any."""
    table = run.history.metrics()
    i = int(np.searchsorted(table["step"], step, side="right")) - 1
    if i < 0:
        return None
    classification = run.trainer.task == "classification"
    value = table["test_accuracy" if classification else "test_r2"][i]
    return {
        "step": int(table["step"][i]),
        "name": "accuracy" if classification else "R²",
        "value": float(value),
    }


def layer_labels(run: Run, row: dict) -> list[str]:
    """One y-axis label per layer for the histograms: ``layer l``, with the dead fraction of a
    ReLU layer (``History``'s ``dead_fraction``) and ``(output)`` on the last."""
    L = run.network.n_layers
    dead = np.asarray(row["dead_fraction"])
    labels = []
    for l in range(L):
        text = f"layer {l + 1}" + (" (output)" if l == L - 1 else "")
        if math.isfinite(dead[l]) and dead[l] > 0:
            text += f" · {dead[l]:.0%} dead"
        labels.append(text)
    return labels


def theory_lines(run: Run, row: dict) -> dict:
    """Theory and measurement side by side for ``theory_chart``, each ``(L,)``, from a
    ``view_row``: ``theory_variance``/``measured_variance`` (``Var a[l+1]``: the theory's
    ``variance`` and the row's ``act_var``), ``theory_delta`` (the backward recursion's
    ``delta_rms`` anchored at the row's output-layer ``delta_rms``; None with batch norm or
    residual connections, where the simple recursion misses the batch and skip
    correlations) and ``measured_delta`` (the row's ``delta_rms``)."""
    plain = not (run.config.batch_norm or run.config.residual)
    delta = np.asarray(row["delta_rms"])
    return {
        "theory_variance": run.theory.variance,
        "measured_variance": np.asarray(row["act_var"]),
        "theory_delta": run.theory.delta_rms(delta[-1]) if plain else None,
        "measured_delta": delta,
    }


@dataclass(frozen=True)
class DivergenceReport:
    """What the divergence banner says: ``step`` (0-based), ``layer`` (1-based), ``message``
    (with the configuration's name) and ``loss_before`` (None if there was no finite step)."""

    step: int
    layer: int
    message: str
    loss_before: float | None


def divergence_report(run: Run) -> DivergenceReport | None:
    """The run's divergence with a layer always named: the trainer's when it has one (an
    activation overflow, a gradient); the output layer ``L`` for a non-finite loss; for an
    overflowing update, the layer with the largest gradient norm at that step."""
    div = run.trainer.divergence
    if div is None:
        return None
    L = run.network.n_layers
    message = div.message
    layer = div.layer
    if layer is None:
        if div.quantity == "loss":
            layer = L
            message += f" at the output (layer {L})"
        else:
            row = summary_at(run, div.step)
            norms = np.nan_to_num(np.asarray(row["grad_W_norm"]), nan=np.inf)
            layer = int(np.argmax(norms)) + 1
            message += f"; the largest gradient was in layer {layer} of {L}"
    before = div.loss_before if math.isfinite(div.loss_before) else None
    return DivergenceReport(div.step, layer, f"configuration {run.name}: {message}", before)


def symmetry(run: Run) -> np.ndarray:
    """``engine.theory.neuron_spread`` of the network now, hidden layers only, ``(depth,)``:
    0 where every neuron of a layer still has the same weights and bias."""
    net = run.network
    return neuron_spread(net.weights, net.biases)[:-1]
