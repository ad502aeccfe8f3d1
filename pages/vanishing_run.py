"""One configuration (A or B) of the "Vanishing and exploding gradients" page, and its run.

Pure Python (no Streamlit), so it is unit-tested; ``pages.vanishing_state`` re-exports every
name. The page reads its widgets into a ``VGConfig``; ``sync_run`` turns it into a ``Run``
(network, optimizer, ``Trainer`` with a capped ``History``), rebuilding only when the
network itself changes; ``advance`` takes steps.

**Careful init** (the "careful init" toggle): ``engine.init.careful_init``, the scheme the
activation's record names (Xavier for the tanh-like ones, He for the ReLU family; normal
draws, gain 1). For sigmoid this does not stop the vanishing (``advice`` says so).

**Residual connections** (the "residual connections" toggle): ``a[l+1] = a[l] + r f(s[l])``
around every hidden layer but the first (``engine.network.skip_layers``), the branch scaled
by ``r = 1 / sqrt(skips)`` (``engine.network.stable_residual_scale``): unscaled, the variance
adds up at every skip and a deep net explodes.

**The four classic initializations** (``CLASSIC_INITS``): zero; too small ``normal(0.01)``;
appropriate (the careful init of the activation); too large ``normal(3)``.

**Memory.** Each run's ``History`` holds summaries every step, histograms every
``HISTOGRAM_EVERY`` steps and full ``Step`` detail every ``DETAIL_EVERY`` steps, under
``HISTORY_MAX_BYTES``; the trainer's ``last_step`` (a full ``Step``: 26 MB for 100 layers of
64 at batch 64) is dropped after each ``advance``, since the page reads only the history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from numbers import Integral, Real

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS, Network, make_optimizer
from engine.data import Dataset
from engine.history import History
from engine.init import careful_init
from engine.layer_stats import histogram_range
from engine.network import skip_layers, stable_residual_scale
from engine.theory import SignalTheory, theory_for_inputs
from engine.trainer import Trainer
from pages.vanishing_data import CSV, DATA_CHOICES, DEFAULT_DATASET, CsvData, build_dataset, losses_for

DEPTH_RANGE = (2, 100)  # hidden layers
WIDTH_RANGE = (4, 256)
BATCH_RANGE = (1, 1024)

CLASSIC_INITS = ("zero", "too small", "appropriate", "too large")
ADAPTIVE_OPTIMIZERS = ("adam", "rmsprop")  # rescale each weight's step: they hide a vanishing gradient

HISTORY_MAX_BYTES = 16_000_000  # per configuration
SUMMARY_SHARE = 0.8  # the page reads summaries and histograms; a deep step (23 MB) never fits as detail
HISTOGRAM_EVERY = 5
DETAIL_EVERY = 100
BINS = 40
GRAD_LOG10_RANGE = (-16.0, 4.0)
EVAL_EVERY = 20  # a 100-layer evaluation of 400 points costs about 30 ms: 1.5 ms per step

# Settings that can change while a run goes on (the next step uses them); any other change
# builds a new network.
LIVE_FIELDS = ("optimizer", "lr", "clip", "clip_norm")


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
    dataset: str = DEFAULT_DATASET
    seed: int = 0
    careful_init: bool = False
    clip: bool = False
    clip_norm: float = 1.0
    batch_norm: bool = False
    residual: bool = False
    csv: CsvData | None = None  # the parsed upload, when dataset is CSV

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
            ("dataset", DATA_CHOICES),
            ("loss", losses_for(self.dataset, self.csv)),
        ):
            if getattr(self, name) not in allowed:
                where = f" for the {self.dataset} data" if name == "loss" else ""
                raise ValueError(
                    f"unknown {name} {getattr(self, name)!r}{where}; choose one of: {', '.join(allowed)}"
                )
            if name == "dataset" and (self.dataset == CSV) != isinstance(self.csv, CsvData):
                raise ValueError(
                    "the csv data set needs an uploaded file (csv=CsvData)"
                    if self.dataset == CSV
                    else f"csv is only for the {CSV} data set, not {self.dataset!r}"
                )
        for name, positive in (("init_scale", False), ("lr", False), ("clip_norm", True)):
            value = getattr(self, name)
            ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
            if not ok or value < 0 or (positive and value == 0):
                bound = "> 0" if positive else ">= 0"
                raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
        return self

    def resolved_init(self) -> tuple[str, float]:
        """``(scheme, scale)`` the network is drawn with: ``engine.init.careful_init(activation)``
        with careful init, else ``(init, init_scale)``."""
        if self.careful_init:
            return careful_init(self.activation)
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
        return careful_init(activation)
    if case == "too large":
        return "normal", 3.0
    raise ValueError(f"unknown case {case!r}; choose one of: {', '.join(CLASSIC_INITS)}")


def dataset_for(config: VGConfig) -> Dataset:
    """The standardized data of a configuration: its uploaded CSV (split with its seed) or
    ``build_dataset(config.dataset, config.seed)``."""
    if config.dataset == CSV:
        if config.csv is None:
            raise ValueError("the csv data set needs an uploaded file (csv=CsvData)")
        return config.csv.with_seed(config.seed).dataset
    return build_dataset(config.dataset, config.seed)


def n_skips(config: VGConfig) -> int:
    """How many residual connections the network of ``config`` has with ``residual`` on:
    one around each hidden layer whose input is as wide as its output, i.e. every hidden
    layer but the first (it reads the data, ``n_in`` wide), ``depth - 1``; 0 without
    residual connections. (``Network.skip`` of the built network; the output layer never
    has one.)"""
    return sum(skip_layers([1, *[config.width] * config.depth, 1])) if config.residual else 0


def residual_scale(config: VGConfig) -> float:
    """The residual branch's scale ``r`` in ``a[l+1] = a[l] + r f(s[l])``:
    ``engine.network.stable_residual_scale(n_skips(config))``, ``1 / sqrt(n_skips)`` (1 without
    skips)."""
    return stable_residual_scale(n_skips(config))


def build_network(config: VGConfig, n_in: int, n_out: int) -> Network:
    """``Network([n_in] + [width] * depth + [n_out])`` with the configuration's activation,
    loss (and its default output activation), resolved init, batch norm and residual
    connections, the branch scaled by ``residual_scale(config)``."""
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
        residual_scale=residual_scale(config),
    )


def build_optimizer(config: VGConfig):
    """``make_optimizer(optimizer, lr=lr, clip_norm=clip_norm if clip else None)``."""
    return make_optimizer(config.optimizer, lr=config.lr, clip_norm=config.clip_norm if config.clip else None)


def activation_range(config: VGConfig) -> float:
    """Half-width of the activation histograms: ``engine.layer_stats.histogram_range`` (1.05
    for a bounded activation unless residual sums make its outputs unbounded; else 3)."""
    return histogram_range(config.activation, config.residual)


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
    dataset = dataset_for(config)
    network = build_network(config, dataset.n_features, dataset.n_outputs)
    theory = theory_for_inputs(network, dataset.X_train)
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
