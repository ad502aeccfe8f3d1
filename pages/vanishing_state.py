"""One configuration (A or B) of the "Vanishing and exploding gradients" page, and its live run.

Pure Python (no Streamlit), so it is unit-tested. The page reads its widgets into a
``VGConfig``; ``sync_run`` turns it into a ``Run`` (network, optimizer, ``Trainer`` with a
capped ``History``), rebuilding only when the network itself changes; ``advance`` takes
steps; the ``*_at`` helpers pick what the charts show for a step.

**Careful init** (the "careful init" toggle): ``engine.init.careful_init``, the scheme the
activation's record names (Xavier for the tanh-like ones, He for the ReLU family; normal
draws, gain 1). For sigmoid this does not stop the vanishing (``advice`` says so).

**Residual connections** (the "residual connections" toggle): ``a[l+1] = a[l] + r f(s[l])``
around every hidden layer but the first (``engine.network.skip_layers``), the branch scaled
by ``r = 1 / sqrt(skips)`` (``engine.network.stable_residual_scale``): unscaled, the variance
adds up at every skip and a deep net explodes.

**The four classic initializations** (``CLASSIC_INITS``): zero; too small ``normal(0.01)``;
appropriate (the careful init of the activation); too large ``normal(3)``.

**Inputs** are standardized with the training set's per-feature mean and standard deviation
(``engine.preprocess.standardized``), so that the first layer sees unit-variance inputs, as
the theory assumes.

**Your own CSV** (``CSV``, "your CSV" on the page): ``parse_csv`` turns an upload's bytes
into a ``CsvData`` through ``engine.data.load_csv`` (header row, numeric features, target in
the last column; the loader infers classification or regression; 30 % for testing, split by
the page's seed), standardized like every other set. ``choose_data`` is what the page calls
on every rerun: it keeps the parsed upload in the session state under ``vg.csv.upload``
(parsing only when the file changes) and, while there is no usable file, falls back to the
data set the runs were last built on (``vg.data.current``), else to the default one, with a
message saying so. ``losses_for`` picks the losses that fit the CSV's task.

**Memory.** Each run's ``History`` holds summaries every step, histograms every
``HISTOGRAM_EVERY`` steps and full ``Step`` detail every ``DETAIL_EVERY`` steps, under
``HISTORY_MAX_BYTES``; the trainer's ``last_step`` (a full ``Step``: 26 MB for 100 layers of
64 at batch 64) is dropped after each ``advance``, since the page reads only the history.
"""

from __future__ import annotations

import hashlib
import io
import math
import threading
from collections.abc import MutableMapping
from dataclasses import dataclass, field, fields, replace
from numbers import Integral, Real
from typing import Any

import numpy as np

from engine import ACTIVATIONS, HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS, Network, make_optimizer
from engine.data import (
    CLASSIFICATION_SETS,
    REGRESSION_SETS,
    CsvTable,
    DataError,
    Dataset,
    load_digits_dataset,
    make_dataset,
    read_csv_table,
    split_csv,
)
from engine.history import History, metrics_at, summary_at
from engine.init import careful_init
from engine.losses import losses_for_task
from engine.network import skip_layers, stable_residual_scale
from engine.preprocess import standardized
from engine.theory import SignalTheory, network_theory, neuron_spread
from engine.trainer import Trainer

DATASETS = (*CLASSIFICATION_SETS, *REGRESSION_SETS, "digits")  # built in
CSV = "csv"  # the user's own file
DATA_CHOICES = (*DATASETS, CSV)
DEPTH_RANGE = (2, 100)  # hidden layers
WIDTH_RANGE = (4, 256)
BATCH_RANGE = (1, 1024)
N_POINTS = 400  # points of a 2-D data set (half train, half test)
NOISE = 0.1

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


def losses_for(dataset: str, csv: CsvData | None = None) -> tuple[str, ...]:
    """The losses that fit a data set, as the loss records say (``engine.losses.losses_for_task``):
    binary 2-D sets ``bce``/``mse``/``sse``, digits (10 classes) ``cross_entropy``/``mse``/``sse``,
    regression ``mse``/``sse``; the first is the default. For ``CSV`` the same by the uploaded
    file's ``csv.kind`` (binary, multiclass, regression)."""
    kind = loss_kind(dataset, csv)
    return losses_for_task("multiclass" if kind == "digits" else kind)


def loss_kind(dataset: str, csv: CsvData | None = None) -> str:
    """``"binary"``, ``"regression"``, ``"digits"`` or (a CSV's) ``"multiclass"``: which set
    of losses fits; the page keys its loss widget by it, so each kind keeps its own choice."""
    if dataset == CSV and csv is not None:
        return csv.kind
    if dataset == "digits":
        return "digits"
    if dataset in REGRESSION_SETS:
        return "regression"
    return "binary"


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


# --------------------------------------------------------------------------- building
def build_dataset(name: str, seed: int) -> Dataset:
    """The standardized data set: a 2-D set (``N_POINTS`` points, noise ``NOISE``, half for
    testing, inputs ``x1, x2``) or the 8x8 digits (30 % for testing)."""
    if name == "digits":
        return standardized(load_digits_dataset(test_fraction=0.3, seed=seed))
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    return standardized(make_dataset(name, N_POINTS, NOISE, 0.5, seed))


# --------------------------------------------------------------------------- your own CSV
CSV_TEST_FRACTION = 0.3
CSV_MAX_ROWS = 10_000
CSV_MIN_ROWS = 10
CSV_EXAMPLE_SET = "spiral"  # the example file offered for download (no scikit-learn import)
CSV_FORMAT = (
    "Header row, numeric feature columns, target in the last column (few integer values or text "
    f"labels: classification, else regression); {CSV_MIN_ROWS} to {CSV_MAX_ROWS:,} rows."
)


@dataclass(frozen=True)
class CsvData:
    """A parsed, valid upload: ``dataset`` (inputs standardized as ``standardized``), split
    with ``seed``, and the parsed ``table`` to split again when the seed changes (no second
    parse). Two are equal when their bytes (``digest``, SHA-256) and seed are: a new network
    is built only for other data, not for the same file uploaded again."""

    digest: str
    seed: int
    file_name: str = field(compare=False)
    table: CsvTable = field(compare=False, repr=False)
    dataset: Dataset = field(compare=False, repr=False)

    @property
    def kind(self) -> str:
        """``"binary"``, ``"multiclass"`` or ``"regression"``."""
        if self.dataset.task == "regression":
            return "regression"
        return "binary" if len(self.dataset.class_labels or ()) == 2 else "multiclass"

    @property
    def n_rows(self) -> int:
        return self.dataset.n_train + self.dataset.n_test

    def with_seed(self, seed: int) -> CsvData:
        """Self when split with ``seed``, else the same file split with ``seed``."""
        if seed == self.seed:
            return self
        dataset = standardized(split_csv(self.table, CSV_TEST_FRACTION, seed))
        return replace(self, seed=int(seed), dataset=dataset)

    def describe(self) -> str:
        """E.g. ``moons.csv: 400 rows (280 train, 120 test), 2 features (x1, x2); target label:
        2 classes (0, 1)``."""
        data = self.dataset
        names = data.feature_names
        features = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
        target = ", ".join(data.target_names)
        if data.task == "regression":
            what = "regression"
        else:
            labels = [str(c) for c in data.class_labels or ()]
            what = f"{len(labels)} classes ({', '.join(labels[:6])}{', …' if len(labels) > 6 else ''})"
        return (
            f"{self.file_name}: {self.n_rows} rows ({data.n_train} train, {data.n_test} test), "
            f"{data.n_features} feature{'s' if data.n_features != 1 else ''} ({features}); "
            f"target {target}: {what}"
        )


def parse_csv(content: bytes, file_name: str = "upload.csv", seed: int = 0) -> CsvData:
    """An uploaded file's bytes as ``CsvData``: ``engine.data.load_csv`` (30 % for testing,
    split with ``seed``, ``CSV_MIN_ROWS`` to ``CSV_MAX_ROWS`` rows), inputs standardized.
    Every problem is a ``DataError`` whose message names the row and column."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise DataError(f"expected the file's bytes, got {type(content).__name__}")
    content = bytes(content)
    table = read_csv_table(content, max_rows=CSV_MAX_ROWS, min_rows=CSV_MIN_ROWS)
    return CsvData(
        digest=hashlib.sha256(content).hexdigest(),
        seed=int(seed),
        file_name=str(file_name),
        table=table,
        dataset=standardized(split_csv(table, CSV_TEST_FRACTION, seed)),
    )


def example_csv(name: str = CSV_EXAMPLE_SET) -> bytes:
    """One of the engine's 2-D classification sets (``N_POINTS`` points, noise ``NOISE``,
    seed 0) as a CSV file: ``x1,x2,label`` with labels 0/1."""
    if name not in CLASSIFICATION_SETS:
        raise ValueError(
            f"unknown 2-D classification set {name!r}; choose one of: {', '.join(CLASSIFICATION_SETS)}"
        )
    data = make_dataset(name, N_POINTS, NOISE, 0.5, 0)
    points = np.concatenate([data.raw_train, data.raw_test])
    labels = np.concatenate([data.Y_train[:, 0], data.Y_test[:, 0]])
    out = io.StringIO()
    out.write("x1,x2,label\n")
    for (x1, x2), label in zip(points.tolist(), labels.tolist()):
        out.write(f"{x1:.4f},{x2:.4f},{int(label)}\n")
    return out.getvalue().encode()


@dataclass(frozen=True)
class DataChoice:
    """What ``choose_data`` decided: the data the runs use (``dataset``, and ``csv`` when it
    is ``CSV``); ``error``, the loader's message for a file that cannot be used; ``note``,
    what the page shows instead when that is not the selected data (or None)."""

    dataset: str
    csv: CsvData | None = None
    error: str | None = None
    note: str | None = None


UPLOAD_KEY = "vg.csv.upload"  # (file id, CsvData or None, error or None) of the last file seen
PARSED_KEY = "vg.csv.parsed"  # (SHA-256 of the bytes, CsvData or None, error or None): one parse per file
CURRENT_KEY = "vg.data.current"  # (dataset, CsvData or None): the data the runs were last built on


def data_label(dataset: str, csv: CsvData | None = None) -> str:
    """How messages name a data set: ``the circle data`` or ``your CSV moons.csv``."""
    if dataset == CSV and csv is not None:
        return f"your CSV {csv.file_name}"
    return f"the {dataset} data"


def _parsed_once(store: MutableMapping, upload: Any, seed: int) -> tuple[CsvData | None, str | None]:
    """``(CsvData, None)`` or ``(None, the loader's message)`` for an upload's bytes, parsed once
    per content: the outcome is kept under ``PARSED_KEY`` with the bytes' SHA-256, so the same
    file uploaded again (another file id), or a rerun, does not parse it again."""
    content = upload.getvalue()
    digest = hashlib.sha256(content).hexdigest() if isinstance(content, (bytes, bytearray)) else None
    kept = store.get(PARSED_KEY)
    if digest is not None and kept is not None and kept[0] == digest:
        parsed, error = kept[1], kept[2]
        if parsed is not None:
            parsed = replace(parsed, file_name=str(getattr(upload, "name", parsed.file_name))).with_seed(seed)
        return parsed, error
    try:
        parsed, error = parse_csv(content, getattr(upload, "name", "upload.csv"), seed), None
    except DataError as e:
        parsed, error = None, str(e)
    store[PARSED_KEY] = (digest, parsed, error)
    return parsed, error


def choose_data(store: MutableMapping, selected: str, upload: Any, seed: int) -> DataChoice:
    """The data the runs use this rerun, given the data-set select (``selected``) and the file
    uploader's value (``upload``: None, or an object with ``file_id``, ``name`` and
    ``getvalue()``, as Streamlit's ``UploadedFile``). ``store`` is the session state.

    A built-in set is used as it is. For ``CSV``: a new file (another ``file_id``) is parsed
    once and the outcome kept under ``UPLOAD_KEY``; a valid file is used (split again only
    when ``seed`` changes). With no file yet, or a file that cannot be used, the data the
    runs were last built on stay (``CURRENT_KEY``), or the default data set if there are none,
    and ``note`` says so (``error`` holds the loader's message). Never raises for a bad file.
    """
    default = VGConfig.dataset
    current = store.get(CURRENT_KEY)
    if selected not in DATA_CHOICES:
        raise ValueError(f"unknown data set {selected!r}; choose one of: {', '.join(DATA_CHOICES)}")
    if selected != CSV:
        choice = DataChoice(selected)
    else:
        error = None
        if upload is not None:
            file_id = getattr(upload, "file_id", None)
            cached = store.get(UPLOAD_KEY)
            if cached is None or cached[0] != file_id or file_id is None:
                cached = (file_id, *_parsed_once(store, upload, seed))
            parsed, error = cached[1], cached[2]
            if parsed is not None:
                try:
                    parsed = parsed.with_seed(seed)
                    cached = (file_id, parsed, None)
                except DataError as e:  # not expected: only the split depends on the seed
                    parsed, error = None, str(e)
                    cached = (file_id, None, error)
            store[UPLOAD_KEY] = cached
            if parsed is not None:
                choice = DataChoice(CSV, parsed)
        if upload is None or error is not None:
            if current is not None:
                name, csv = current
                if csv is not None:
                    csv = csv.with_seed(seed)
                shown = f"The page keeps showing {data_label(name, csv)}, the last valid data set."
            else:
                name, csv = default, None
                shown = f"No data set was loaded yet, so the page shows the default one, {data_label(name)}."
            ask = "" if error is not None else "Upload a CSV file in the sidebar to train on your own data. "
            choice = DataChoice(name, csv, error, ask + shown)
    store[CURRENT_KEY] = (choice.dataset, choice.csv)
    return choice


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
    """Half-width of the activation histograms: 1.05 for a bounded activation (``|f| <= 1``, as
    sigmoid and tanh: their saturation shows in fine bins) unless residual sums make its layers'
    outputs unbounded; else 3."""
    bounded = ACTIVATIONS[config.activation].bounded and not config.residual
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
    dataset = dataset_for(config)
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


LOCK_KEY = "vg.lock"


def runs_lock(store: MutableMapping) -> threading.RLock:
    """The session's lock around everything that steps or reads its runs (``store`` is the
    session state; the lock is kept there under ``LOCK_KEY``).

    Streamlit 1.67 may start the full rerun that a click asks for in a new script thread
    while the live area's timer run is still inside ``advance`` in the old one (a script
    stops only at its next Streamlit call). Without the lock the new run draws A after its
    step and B halfway through its own (A at step 25, B at 22: the "different steps after
    Pause"), and both threads can step the same ``Trainer``. Re-entrant: the live area's
    body holds it while calling helpers that take it too."""
    lock = store.get(LOCK_KEY)
    if lock is None:
        lock = store.setdefault(LOCK_KEY, threading.RLock())
    return lock


def reset_run(run: Run) -> None:
    """Back to the initial weights with an empty history, then step 0 again."""
    run.trainer.reset()
    advance([run], 1)


# --------------------------------------------------------------------------- what the charts show
def shown_step(run: Run, requested: int) -> int:
    """The step a run shows when the replay slider is at ``requested``: at most its last
    finite step (the last finite state stays on screen after a divergence), at least 0."""
    return int(min(max(requested, 0), run.last_finite_step))


def shown_steps(runs: list[Run], requested: int) -> dict[str, int]:
    """The step each run shows when the replay slider is at ``requested``, by run name.

    Every run that has not stopped before ``requested`` shows one and the same step: the
    latest step at or before ``requested`` whose summary all of them still hold (old rows are
    thinned to fit ``HISTORY_MAX_BYTES``, sooner for a deeper network, so a step one run
    still holds may be gone from the other's). A run that diverged before ``requested``
    shows its last finite step (``shown_step``), or the latest recorded step before it."""
    going = [run for run in runs if run.last_finite_step >= requested]
    common = None
    if going:
        steps = None
        for run in going:
            own = run.history.steps
            own = own[own <= requested]
            steps = own if steps is None else np.intersect1d(steps, own, assume_unique=True)
        if len(steps):
            common = int(steps[-1])
    return {
        run.name: common
        if common is not None and run in going
        else int(summary_at(run.history, shown_step(run, requested))["step"])
        for run in runs
    }


def thinned_note(runs: list[Run], requested: int, shown: dict[str, int]) -> str | None:
    """What the page says when the runs that go on show another step than the slider's
    ``requested``, because it is no longer recorded (thinned); None when they show it. (A run
    that stopped at a divergence has the divergence banner to say so.)"""
    thinned = {shown[run.name] for run in runs if not _stopped(run, requested)} - {requested}
    if not thinned:
        return None
    k = min(thinned)
    return (
        f"Step {requested} is no longer recorded (older steps are thinned to keep each run's history "
        f"under {HISTORY_MAX_BYTES / 1e6:.0f} MB): the charts show step {k}, the nearest recorded step "
        "before it."
    )


def stopped_note(run: Run, runs: list[Run], shown: dict[str, int]) -> str:
    """The line under a diverged run's banner: where it stopped, which step its charts show
    (its last finite state, once the slider is past it) and that the other run goes on."""
    div = run.trainer.divergence
    k = shown[run.name]
    text = f"{run.name} stopped at step {div.step}; its charts show step {k}"
    text += ", the last state with finite numbers." if k == run.last_finite_step else "."
    if any(not other.diverged for other in runs):
        text += " The other configuration goes on."
    return text


def _stopped(run: Run, requested: int) -> bool:
    """Whether ``run`` diverged before it could reach step ``requested``."""
    return run.diverged and run.last_finite_step < requested


# Per-layer quantities the charts show (``History`` column they come from, divided by a size).
VIEW_QUANTITIES = ("grad_W_rms", "delta_rms", "update_ratio")


def _per_entry(run: Run) -> dict[str, np.ndarray]:
    """The divisors that turn History's norms into root-mean-square entries, ``(L,)`` each:
    ``sqrt(n_in * n_out)`` weights per layer, ``sqrt(n_out)`` units per layer."""
    sizes = np.asarray(run.network.sizes, dtype=np.float64)
    return {"grad_W_norm": np.sqrt(sizes[:-1] * sizes[1:]), "delta_norm": np.sqrt(sizes[1:])}


def view_row(run: Run, step: int) -> dict:
    """``engine.history.summary_at(run.history, step)`` plus the per-entry sizes the charts
    compare across layers (a layer with 2 inputs has 32 times fewer weights than a 64-wide one,
    so its Frobenius norm is smaller even when every weight's gradient is as large), each ``(L,)``:

    - ``grad_W_rms = ||dL/dW[l]|| / sqrt(n_in * n_out)``: root mean square gradient per weight
    - ``delta_rms = delta_norm[l] / sqrt(n_out) = ||delta[l]|| / sqrt(B * n_out)``: root mean
      square of ``dL/dz`` per unit and sample
    - ``act_var = act_std ** 2``: the variance of the layer's output entries
    """
    row = dict(summary_at(run.history, step))
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


def layer_rows_after(run: Run, quantity: str, step: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(steps (m,), values (m, L), loss (m,))`` of the recorded steps above ``step``: one of
    ``VIEW_QUANTITIES`` per layer (as ``layer_history``) and the batch loss, for a live view
    that has the earlier rows already (``History.summaries_after``: no copy of the whole table)."""
    if quantity not in VIEW_QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; choose one of: {', '.join(VIEW_QUANTITIES)}")
    column = {"grad_W_rms": "grad_W_norm", "delta_rms": "delta_norm", "update_ratio": "update_ratio"}[
        quantity
    ]
    rows = run.history.summaries_after(int(step), (column, "loss"))
    values = np.asarray(rows[column], dtype=np.float64)
    if quantity != "update_ratio" and values.size:
        values = values / _per_entry(run)[column]
    return np.asarray(rows["step"], dtype=np.int64), values, np.asarray(rows["loss"], dtype=np.float64)


def histograms_at(runs: list[Run], shown: dict[str, int]) -> dict[str, dict | None]:
    """``histogram_at`` for each run at its shown step, by run name, with one step for all the
    runs that show the same step: the latest histogram step at or before it that all of
    them hold (histograms are recorded every ``HISTOGRAM_EVERY`` steps and thinned like the
    summaries); a run whose shown step differs (it stopped) gets its own nearest one.

    The candidates are probed one by one (``History.histogram``, one row each) rather than
    read from ``History.histograms()``, which copies the whole table (5 MB for 100 layers)."""
    out: dict[str, dict | None] = {}
    groups: dict[int, list[Run]] = {}
    for run in runs:
        groups.setdefault(shown[run.name], []).append(run)
    for step, group in groups.items():
        at = step
        if len(group) > 1 and HISTOGRAM_EVERY:
            k = step - step % HISTOGRAM_EVERY
            while k > 0 and any(run.history.histogram(k) is None for run in group):
                k -= HISTOGRAM_EVERY
            at = max(k, 0)
        for run in group:
            out[run.name] = histogram_at(run, at)
    return out


def histogram_note(step: int, hist_step: int) -> str | None:
    """What a histogram's caption adds when it is not from the step the other charts show."""
    if hist_step == step:
        return None
    return (
        f"Histograms are recorded every {HISTOGRAM_EVERY} steps: these are from step {hist_step}, "
        f"the nearest recorded step before step {step}."
    )


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


def test_score(run: Run, step: int) -> dict | None:
    """The test score of the latest evaluation at or before ``step`` (``engine.history.metrics_at``;
    the trainer evaluates on the whole train and test sets every ``EVAL_EVERY`` steps, and where
    a new or resumed run starts): ``step``, ``name`` (``accuracy`` or ``R²``, by the task) and
    ``value``, or None before any."""
    row = metrics_at(run.history, step)
    if not row:
        return None
    classification = run.trainer.task == "classification"
    return {
        "step": int(row["step"]),
        "name": "accuracy" if classification else "R²",
        "value": row["test_accuracy" if classification else "test_r2"],
    }


def layer_labels(run: Run, row: dict) -> list[str]:
    """One short y-axis label per layer for the histograms (two panels share half the page's
    width): the layer's number, with the dead fraction of a ReLU layer (``History``'s
    ``dead_fraction``), e.g. ``19 · 27% dead``, and ``(output)`` on the last."""
    L = run.network.n_layers
    dead = np.asarray(row["dead_fraction"])
    labels = []
    for l in range(L):
        text = f"{l + 1}" + (" (output)" if l == L - 1 else "")
        if math.isfinite(dead[l]) and dead[l] > 0:
            text += f" · {dead[l]:.0%} dead"
        labels.append(text)
    return labels


def main_step(runs: list[Run], requested: int, shown: dict[str, int]) -> int:
    """The step the page names as shown (titles, the step metric, the markers on the heatmap
    and the loss curve): the one every run that has not stopped shows (``shown_steps``), or,
    when every run stopped before ``requested``, the latest step any of them shows."""
    going = [shown[run.name] for run in runs if not _stopped(run, requested)]
    return going[0] if going else max(shown.values())


def theory_lines(run: Run, row: dict) -> dict:
    """Theory and measurement side by side for ``theory_chart``, each ``(L,)``, from a
    ``view_row``: ``theory_variance``/``measured_variance`` (``Var a[l+1]``: the theory's
    ``variance`` and the row's ``act_var``), ``theory_delta`` (the backward recursion's
    ``delta_rms`` anchored at the row's output-layer ``delta_rms``; None with batch norm,
    whose backward pass through the batch statistics the recursion does not follow: it is off
    by orders of magnitude there) and ``measured_delta`` (the row's ``delta_rms``). With
    residual connections both predictions are approximate (``theory_caveats``)."""
    delta = np.asarray(row["delta_rms"])
    return {
        "theory_variance": run.theory.variance,
        "measured_variance": np.asarray(row["act_var"]),
        "theory_delta": None if run.config.batch_norm else run.theory.delta_rms(delta[-1]),
        "measured_delta": delta,
    }


def theory_caveats(runs: list[Run]) -> list[str]:
    """What the theory chart's caption says about the runs with batch norm or residual
    connections, where ``engine.theory`` models the network only approximately."""
    notes = []
    for run in runs:
        c = run.config
        parts = []
        if c.batch_norm:
            parts.append(
                "with batch norm the forward line assumes every normalized unit has variance 1, and "
                "there is no backward line: the gradient through the batch statistics is not modelled"
            )
        if c.residual:
            parts.append(
                f"with residual connections (branch ×{residual_scale(c):.2g}) the lines add the branch's "
                "moments to the skip's and ignore their correlation: at initialization expect agreement "
                "within a factor of about 2, not exactly"
            )
        if parts:
            notes.append(f"{run.name}: " + "; ".join(parts) + ".")
    return notes


def advice(run: Run) -> list[str]:
    """Short notes on a configuration's mitigations, shown under the controls: why careful init
    cannot rescue sigmoid (only when neither batch norm nor residual connections are on), how
    the residual branch is scaled, and why sigmoid's positive outputs drift in the residual
    stream (without batch norm)."""
    c = run.config
    notes = []
    if c.careful_init and c.activation == "sigmoid" and not (c.batch_norm or c.residual):
        notes.append(
            f"{run.name}: careful init cannot rescue sigmoid. Its slope is at most 1/4, so with "
            "Xavier's n·Var(W) = 1 the gradient still shrinks about 4× per layer; try batch norm "
            "or residual connections."
        )
    if c.residual:
        k = n_skips(c)
        r = f"{residual_scale(c):.3g}"
        notes.append(
            f"{run.name}: residual connections around {k} hidden layer{'s' if k != 1 else ''}, each "
            f"branch scaled by 1/√{k} = {r}: a[l+1] = a[l] + {r}·f(z[l]). "
            "Unscaled, every skip adds the branch's variance to the stream's, so a deep net's signal "
            "explodes (ReLU with He init doubles it per layer); scaled, the branches add up to about one "
            "layer's worth (Hayou et al. 2021, scaled residual)."
        )
        if c.activation == "sigmoid" and not c.batch_norm:
            notes.append(
                f"{run.name}: sigmoid's outputs are all positive (mean about 0.5), so each branch adds to "
                "the residual stream's mean and the output starts far off: residual connections work best "
                "with zero-centred activations (tanh) or with batch norm."
            )
    return notes


def symmetry(run: Run) -> np.ndarray:
    """``engine.theory.neuron_spread`` of the network now, hidden layers only, ``(depth,)``:
    0 where every neuron of a layer still has the same weights and bias."""
    net = run.network
    return neuron_spread(net.weights, net.biases)[:-1]
