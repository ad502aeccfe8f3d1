"""The Playground page's settings: one frozen dataclass, its validation, the URL codec, and
the glue that turns settings into a ``Trainer``. Pure Python (no Streamlit), unit-tested.

Every setting has a short name in the URL (``QUERY_KEYS``), so a shared link rebuilds the
same data (``data``, ``noise``, ``ratio``, ``points``, ``dseed``, ``features``) and the same
initial weights (``hidden``, ``act``/``acts``, ``init``, ``iscale``, ``seed``) exactly:

    ?data=circle&noise=0&ratio=50&points=200&dseed=0&features=x1,x2&hidden=4,2&act=tanh
     &acts=&init=xavier_uniform&iscale=1.0&seed=0&reg=none&rrate=0.0&lr=0.03&batch=10
     &opt=sgd&clip=0.0&loss=mse&speed=10&test=0&disc=0&view=weights&nodes=activation&logw=0

``from_query`` never raises: a value that does not parse or is out of range falls back to
its default, and a notice (a sentence for the page to show) says which and why.

Settings come in three kinds (``RESET_FIELDS``, ``LIVE_FIELDS``, the rest for display):
changing a reset field rebuilds the data and the network from step 0, as Playground does
for the architecture or the data; a live field (learning rate, optimizer, regularization,
batch size, clipping) is applied to the running trainer at its next step.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS, Network, Step, make_optimizer
from engine.data import (
    CLASSES_RANGE,
    CLASSIFICATION_SETS,
    DATASETS,
    FEATURES,
    MULTICLASS_SETS,
    CsvTable,
    DataError,
    Dataset,
    make_dataset,
    make_multiclass,
    plane_from_csv,
)
from engine.history import History, metrics_at
from engine.init import TF_PLAYGROUND_INIT
from engine.network import MAX_DROPOUT
from engine.optim import Optimizer, Schedule
from engine.trainer import Trainer

PROBLEMS = ("classification", "regression")
UPLOAD = "csv"  # the data set of an uploaded CSV (held by the page; a link cannot carry it)
REGULARIZATIONS = ("none", "l1", "l2")
VIEWS = ("weights", "gradients", "update")
NODE_COLOURS = ("activation", "delta")
REGRESSION_LOSSES = ("mse", "sse")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 0)  # epochs/s while playing; 0: as fast as the server allows
# A rate a class can watch: the default data (250 training points, batches of 10) at 250 steps/s,
# its boundary forming over some 10 s (max ran 10,000 steps in 5 s); ``speed=0`` in a link is max.
DEFAULT_SPEED = 10
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

MAX_HIDDEN_LAYERS = 10
MAX_WIDTH = 16
N_POINTS_RANGE = (20, 2000)
NOISE_RANGE = (0, 50)  # percent
RATIO_RANGE = (10, 90)  # percent of the points used for training
LR_RANGE = (0.0, 1000.0)
REG_RATE_RANGE = (0.0, 100.0)
INIT_SCALE_RANGE = (0.0, 100.0)
CLIP_RANGE = (0.0, 1e6)  # 0 = no clipping
BATCH_RANGE = (1, N_POINTS_RANGE[1])
SEED_RANGE = (0, 2**31 - 1)
SCHEDULE_STEPS_RANGE = (1, 10**7)
STOP_LOSS_RANGE = (0.0, 1e6)  # 0 = no target loss
STOP_STEPS_RANGE = (0, 10**9)  # 0 = no step limit
DROPOUT_RANGE = (0.0, MAX_DROPOUT)
# The learning-rate schedules the page offers (engine.optim.Schedule), with ``schedule_steps`` = N:
SCHEDULE_TEXT = {
    "constant": "constant",
    "step": "halved every N steps",
    "exponential": "exponential, halved every N steps",
    "cosine": "cosine to 0 over N steps",
}

POINTS_BY_PROBLEM = {"classification": 500, "regression": 1200}  # TF Playground's (playground.ts)
VISIT_SEEDS = 100_000  # a visit without a data seed in its link draws one below this (TF's 0.ddddd)
BIAS_INIT = 0.1  # Playground starts every bias at 0.1
HISTORY_BYTES = 8_000_000  # per browser tab: forty tabs share one server
KEEP_RECENT = 50  # the latest steps always held in full for replay
DETAIL_EVERY = 10  # and every 10th step (thinned when the cap is reached)
MAX_QUERY_VALUE = 400  # characters; longer link values are rejected unread (hide= of every control: 206)
MAX_NOTICES = 6
EVAL_EVERY = 10  # steps between evaluations when stepping by hand (the live view evaluates per slice)


@dataclass(frozen=True)
class PlaygroundConfig:
    """Every setting of the page, with Playground's defaults.

    ``noise`` and ``train_ratio`` are percentages (Playground's 0-50 % and 10-90 %);
    ``hidden`` the hidden-layer widths (``()``: no hidden layer); ``layer_activations`` one
    name per hidden layer, or ``()`` for ``activation`` everywhere; ``clip_norm`` 0 means no
    clipping; ``regression_loss`` is used only for the regression data sets.
    """

    dataset: str = "circle"
    noise: int = 0
    train_ratio: int = 50
    n_points: int = 500
    data_seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    layer_activations: tuple[str, ...] = ()
    init: str = "xavier_uniform"
    init_scale: float = 1.0
    seed: int = 0
    regularization: str = "none"
    reg_rate: float = 0.0
    lr: float = 0.03
    batch_size: int = 10
    optimizer: str = "sgd"
    clip_norm: float = 0.0
    regression_loss: str = "mse"
    speed: int = DEFAULT_SPEED
    show_test: bool = False
    discretize: bool = False
    view: str = "weights"
    node_colour: str = "activation"
    log_widths: bool = False
    hidden_controls: tuple[str, ...] = ()
    tf_compatible: bool = False
    schedule: str = "constant"
    schedule_steps: int = 1000
    stop_loss: float = 0.0
    stop_steps: int = 0
    dropout: float = 0.0
    csv_task: str = "classification"
    n_classes: int = 3

    # ---------------------------------------------------------------- derived values
    @property
    def problem(self) -> str:
        """``classification`` or ``regression``, from the data set (an uploaded CSV: ``csv_task``)."""
        if self.dataset == UPLOAD:
            return self.csv_task
        return "classification" if self.dataset in (*CLASSIFICATION_SETS, *MULTICLASS_SETS) else "regression"

    @property
    def probability_output(self) -> bool:
        """Whether a classifier's output is a probability (sigmoid, softmax), drawn about 0.5; not
        for TF compatible mode's tanh output with -1/+1 labels, drawn about 0."""
        return self.multiclass or not self.tf_compatible

    @property
    def multiclass(self) -> bool:
        """A data set of ``n_classes`` (3 or more) classes: softmax output, cross-entropy."""
        return self.dataset in MULTICLASS_SETS

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per hidden layer."""
        return self.layer_activations or (self.activation,) * len(self.hidden)

    @property
    def loss(self) -> str:
        """``bce`` (with a sigmoid output) for classification, else ``regression_loss``; TF
        Playground compatible: ``sse``, TF's ``1/2 (o - t)^2``, for both."""
        if self.multiclass:
            return "cross_entropy"
        if self.tf_compatible:
            return "sse"
        return "bce" if self.problem == "classification" else self.regression_loss

    @property
    def output_activation(self) -> str:
        """sigmoid (classification; TF compatible: tanh, for targets -1/+1) or linear (regression)."""
        if self.problem == "regression":
            return "linear"
        if self.multiclass:
            return "softmax"
        return "tanh" if self.tf_compatible else "sigmoid"

    @property
    def network_init(self) -> tuple[str, float]:
        """``(init, init_scale)`` the network is drawn with: TF compatible, TF's uniform(-0.5, 0.5)
        (``engine.init.TF_PLAYGROUND_INIT``) unless ``zeros`` (TF's ``initZero``)."""
        if self.tf_compatible and self.init != "zeros":
            return TF_PLAYGROUND_INIT
        return self.init, self.init_scale

    @property
    def network_optimizer(self) -> str:
        """The optimizer trained with: ``optimizer``, or TF compatible ``sgd`` (TF has no other)."""
        return "sgd" if self.tf_compatible else self.optimizer

    @property
    def sizes(self) -> list[int]:
        """``[n_features, *hidden, 1]`` (``n_classes`` outputs for a multi-class set)."""
        return [len(self.features), *self.hidden, self.n_classes if self.multiclass else 1]

    @property
    def n_test(self) -> int:
        """Test points: ``round(n_points * (1 - ratio))`` in ``[1, n_points - 1]``, as ``make_dataset``."""
        fraction = (100 - self.train_ratio) / 100  # exact for whole percents: 1 - 90/100 is not 0.1
        return min(max(int(math.floor(self.n_points * fraction + 0.5)), 1), self.n_points - 1)

    @property
    def n_train(self) -> int:
        return self.n_points - self.n_test

    @property
    def full_batch(self) -> bool:
        return self.batch_size >= self.n_train

    def replace(self, **changes) -> PlaygroundConfig:
        return dataclasses.replace(self, **changes)


DEFAULTS = PlaygroundConfig()

# Settings whose change rebuilds data and network (step 0), with the words used to say so.
RESET_FIELDS = {
    "dataset": "data set",
    "noise": "noise",
    "train_ratio": "train/test ratio",
    "n_points": "number of points",
    "data_seed": "data (regenerated)",
    "features": "input features",
    "hidden": "hidden layers",
    "activation": "activation",
    "layer_activations": "activations per layer",
    "init": "initialization",
    "init_scale": "initialization scale",
    "seed": "seed",
    "regression_loss": "loss",
    "tf_compatible": "TF Playground compatible mode",
    "csv_task": "uploaded CSV",
    "n_classes": "number of classes",
}
# What a reset field rebuilds: the data (same initial weights: the network's seed and sizes are
# unchanged), the network (new initial weights or loss on the same data), or both (the input
# features change the data's columns and the input layer). The data set rebuilds the network
# too when it switches between classification and regression (``changed_parts``).
DATA_FIELDS = (
    "dataset",
    "noise",
    "train_ratio",
    "n_points",
    "data_seed",
    "features",
    "tf_compatible",
    "csv_task",
)
NETWORK_FIELDS = ("features", "hidden", "activation", "layer_activations", "init", "init_scale", "seed",
                  "regression_loss", "tf_compatible", "n_classes")  # fmt: skip
# Settings applied to the running trainer at its next step.
LIVE_FIELDS = ("regularization", "reg_rate", "lr", "batch_size", "optimizer", "clip_norm", "schedule",
               "schedule_steps", "dropout")  # fmt: skip

QUERY_KEYS = {
    "dataset": "data",
    "noise": "noise",
    "train_ratio": "ratio",
    "n_points": "points",
    "data_seed": "dseed",
    "features": "features",
    "hidden": "hidden",
    "activation": "act",
    "layer_activations": "acts",
    "init": "init",
    "init_scale": "iscale",
    "seed": "seed",
    "regularization": "reg",
    "reg_rate": "rrate",
    "lr": "lr",
    "batch_size": "batch",
    "optimizer": "opt",
    "clip_norm": "clip",
    "regression_loss": "loss",
    "speed": "speed",
    "show_test": "test",
    "discretize": "disc",
    "view": "view",
    "node_colour": "nodes",
    "log_widths": "logw",
    "hidden_controls": "hide",
    "tf_compatible": "tf",
    "schedule": "sched",
    "schedule_steps": "ssteps",
    "stop_loss": "stoploss",
    "stop_steps": "stopat",
    "dropout": "drop",
    "csv_task": "csvtask",
    "n_classes": "classes",
}
FIELD_OF_KEY = {key: name for name, key in QUERY_KEYS.items()}


# ---------------------------------------------------------------------------- field rules
_INT_RANGES = {
    "noise": NOISE_RANGE,
    "train_ratio": RATIO_RANGE,
    "n_points": N_POINTS_RANGE,
    "data_seed": SEED_RANGE,
    "seed": SEED_RANGE,
    "batch_size": BATCH_RANGE,
    "schedule_steps": SCHEDULE_STEPS_RANGE,
    "n_classes": CLASSES_RANGE,
    "stop_steps": STOP_STEPS_RANGE,
}
_FLOAT_RANGES = {
    "init_scale": INIT_SCALE_RANGE,
    "reg_rate": REG_RATE_RANGE,
    "lr": LR_RANGE,
    "clip_norm": CLIP_RANGE,
    "stop_loss": STOP_LOSS_RANGE,
    "dropout": DROPOUT_RANGE,
}
_CHOICES = {
    "dataset": (*DATASETS, *MULTICLASS_SETS, UPLOAD),
    "csv_task": PROBLEMS,
    "activation": HIDDEN_ACTIVATIONS,
    "init": INITS,
    "regularization": REGULARIZATIONS,
    "optimizer": tuple(OPTIMIZERS),
    "regression_loss": REGRESSION_LOSSES,
    "speed": SPEEDS,
    "view": VIEWS,
    "node_colour": NODE_COLOURS,
    "schedule": tuple(SCHEDULE_TEXT),
}
_BOOLS = ("show_test", "discretize", "log_widths", "tf_compatible")

# Controls and sections a lesson link can hide (``hide=lr,act`` or TF's ``learningRate_hide=true``),
# with the words that name them: mostly the settings' own URL keys.
HIDABLE = {
    "problem": "problem type",
    "data": "data set",
    "features": "input features",
    "noise": "noise",
    "ratio": "training data ratio",
    "points": "number of points",
    "dseed": "data seed and Regenerate",
    "hidden": "hidden layers",
    "act": "activation",
    "init": "initialization",
    "seed": "seed",
    "lr": "learning rate",
    "opt": "optimizer",
    "batch": "batch size",
    "reg": "regularization",
    "rrate": "regularization rate",
    "speed": "speed",
    "clip": "gradient clipping",
    "loss": "loss",
    "tf": "TF Playground compatible switch",
    "sched": "learning-rate schedule",
    "stop": "stop condition",
    "drop": "dropout",
    "tflink": "Open a TF Playground link",
    "play": "Play button",
    "step": "Step button",
    "reset": "Reset button",
    "view": "edges show",
    "nodes": "units coloured by",
    "logw": "log edge widths",
    "test": "show test points",
    "disc": "discretize output",
    "replay": "replay",
    "details": "details of the shown step",
    "text": "explanations",
    "share": "share these settings",
    "model": "save or load the trained network",
}
HIDE_SUFFIX = "_hide"
# TF Playground's names of its hidable controls (playground.ts HIDABLE_CONTROLS, and hideText).
TF_HIDE_NAMES = {
    "showTestData": "test",
    "discretize": "disc",
    "playButton": "play",
    "stepButton": "step",
    "resetButton": "reset",
    "learningRate": "lr",
    "activation": "act",
    "regularization": "reg",
    "regularizationRate": "rrate",
    "problem": "problem",
    "dataset": "data",
    "percTrainData": "ratio",
    "noise": "noise",
    "batchSize": "batch",
    "numHiddenLayers": "hidden",
    "hideText": "text",
}

# Address keys every page reads (``pages.presenter.PARAM`` and ``THEME_PARAM``: presenter mode,
# the colour theme); the Playground's readers pass over them without an "unknown key" notice.
APP_WIDE_KEYS = frozenset({"present", "theme"})


def hide_target(key: str) -> str | None:
    """The control a ``<name>_hide`` key hides (``name`` ours or TF's), or None."""
    if not key.endswith(HIDE_SUFFIX):
        return None
    base = key[: -len(HIDE_SUFFIX)]
    base = TF_HIDE_NAMES.get(base, base)
    return base if base in HIDABLE else None


def allowed(name: str) -> str:
    """What field ``name`` accepts, in words (for messages)."""
    if name in _INT_RANGES:
        lo, hi = _INT_RANGES[name]
        return f"a whole number from {lo} to {hi}"
    if name in _FLOAT_RANGES:
        lo, hi = _FLOAT_RANGES[name]
        return f"a number from {lo:g} to {hi:g}"
    if name in _CHOICES:
        return "one of " + ", ".join(str(c) for c in _CHOICES[name])
    if name in _BOOLS:
        return "0 or 1"
    if name == "features":
        return "a comma-separated list of " + ", ".join(FEATURES)
    if name == "hidden":
        return f"up to {MAX_HIDDEN_LAYERS} widths from 1 to {MAX_WIDTH}, comma-separated (or 'none')"
    if name == "layer_activations":
        return "one activation per hidden layer, comma-separated, from " + ", ".join(HIDDEN_ACTIVATIONS)
    if name == "hidden_controls":
        return "a comma-separated list of " + ", ".join(HIDABLE)
    raise KeyError(name)


def shown(value: Any) -> str:
    """A value for a message: at most 30 characters, quoted, with Markdown and HTML defused
    (a hostile link must not be able to format or link anything on the page)."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    if len(text) > 30:
        text = text[:29] + "…"
    return "'" + re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$&:])", r"\\\1", text) + "'"


def _check_field(name: str, value: Any) -> bool:
    """True if ``value`` is a valid value (right type and range) for field ``name``."""
    if name in _INT_RANGES:
        lo, hi = _INT_RANGES[name]
        return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi
    if name in _FLOAT_RANGES:
        lo, hi = _FLOAT_RANGES[name]
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and lo <= value <= hi
        )
    if name in _CHOICES:
        return value in _CHOICES[name] and type(value) is type(_CHOICES[name][0])
    if name in _BOOLS:
        return isinstance(value, bool)
    if name == "features":
        return (
            isinstance(value, tuple)
            and 1 <= len(value) <= len(FEATURES)
            and all(isinstance(f, str) and f in FEATURES for f in value)
            and len(set(value)) == len(value)
        )
    if name == "hidden":
        return (
            isinstance(value, tuple)
            and len(value) <= MAX_HIDDEN_LAYERS
            and all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_WIDTH for n in value)
        )
    if name == "layer_activations":
        return isinstance(value, tuple) and all(a in HIDDEN_ACTIVATIONS for a in value)
    if name == "hidden_controls":
        return (
            isinstance(value, tuple)
            and all(isinstance(c, str) and c in HIDABLE for c in value)
            and len(set(value)) == len(value)
        )
    raise KeyError(name)


def validate(config: PlaygroundConfig) -> tuple[PlaygroundConfig, list[str]]:
    """``config`` with every invalid field replaced by its default, and a notice for each.

    Besides each field's own range: ``layer_activations`` must name one activation per
    hidden layer (else it is dropped); ``features`` are put in ``FEATURES`` order.
    """
    changes: dict[str, Any] = {}
    notices: list[str] = []
    for f in dataclasses.fields(PlaygroundConfig):
        value = getattr(config, f.name)
        if not _check_field(f.name, value):
            default = getattr(DEFAULTS, f.name)
            changes[f.name] = default
            notices.append(
                f"{_label(f.name)} {shown(value)} is not allowed ({allowed(f.name)}); "
                f"using {shown(_encode(f.name, default))}."
            )
    config = dataclasses.replace(config, **changes)
    if config.layer_activations and len(config.layer_activations) != len(config.hidden):
        notices.append(
            f"{_label('layer_activations')} names {len(config.layer_activations)} activations for "
            f"{len(config.hidden)} hidden layers; using {shown(config.activation)} for every layer."
        )
        config = dataclasses.replace(config, layer_activations=())
    ordered = tuple(f for f in FEATURES if f in config.features)
    if ordered != config.features:
        config = dataclasses.replace(config, features=ordered)
    hidden = tuple(c for c in HIDABLE if c in config.hidden_controls)
    if hidden != config.hidden_controls:
        config = dataclasses.replace(config, hidden_controls=hidden)
    return config, notices


def _label(name: str) -> str:
    return f"Setting {QUERY_KEYS[name]}"


# ---------------------------------------------------------------------------- URL codec
def _encode(name: str, value: Any) -> str:
    if name in _BOOLS:
        return "1" if value else "0"
    if name == "hidden":
        return ",".join(map(str, value)) if value else "none"
    if name in ("features", "layer_activations", "hidden_controls"):
        return ",".join(value)
    if name in _FLOAT_RANGES:
        return repr(float(value))
    return str(value)


def _decode(name: str, text: str) -> Any:
    """The typed value of URL text for field ``name``; raises ValueError if it does not parse."""
    text = text.strip()
    if name in _INT_RANGES or name == "speed":
        if not re.fullmatch(r"[+-]?\d{1,12}", text):
            raise ValueError
        return int(text)
    if name in _FLOAT_RANGES:
        if len(text) > 40:
            raise ValueError
        return float(text)  # "nan"/"inf" parse, and are then rejected as out of range
    if name in _BOOLS:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError
    if name == "hidden":
        if text.lower() in ("", "none", "0"):
            return ()
        parts = text.split(",")
        if len(parts) > MAX_HIDDEN_LAYERS or not all(re.fullmatch(r"\d{1,3}", p.strip()) for p in parts):
            raise ValueError
        return tuple(int(p) for p in parts)
    if name in ("features", "layer_activations"):
        return tuple(p.strip() for p in text.split(",")) if text else ()
    if name == "hidden_controls":
        return tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    return text


def to_query(config: PlaygroundConfig) -> dict[str, str]:
    """Every setting as URL text, keyed by its short name (``QUERY_KEYS``)."""
    return {QUERY_KEYS[f.name]: _encode(f.name, getattr(config, f.name)) for f in dataclasses.fields(config)}


def from_query(params: Mapping[str, Any]) -> tuple[PlaygroundConfig, list[str]]:
    """The config a link describes, and notices for what was ignored. Never raises.

    ``params`` maps short names to text (or lists of text, the last one counting), as
    ``st.query_params.to_dict()``. Missing settings take their defaults silently (the number of
    points: TF Playground's 500, or 1,200 for a regression data set); unknown
    names, values that do not parse, are too long or out of range are ignored with a notice.
    At most ``MAX_NOTICES`` notices are returned (the last one says how many more there were).
    """
    values: dict[str, Any] = {}
    notices: list[str] = []
    unknown: list[str] = []
    hides: list[str] = []  # from <name>_hide=true keys
    try:
        items = list(params.items())
    except Exception:  # noqa: BLE001 - a hostile mapping must not crash the page
        return DEFAULTS, ["The link's settings could not be read; using the defaults."]
    for key, raw in items:
        if key in APP_WIDE_KEYS:  # presenter mode and the colour theme: every page's, not ours
            continue
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        hidden = hide_target(key) if isinstance(key, str) else None
        if hidden is not None:
            if str(raw).strip().lower() in ("1", "true", "yes", "on"):
                hides.append(hidden)
            continue
        name = FIELD_OF_KEY.get(key) if isinstance(key, str) else None
        if name is None:
            unknown.append(shown(key))
            continue
        if not isinstance(raw, str):
            raw = str(raw)
        if len(raw) > MAX_QUERY_VALUE:
            notices.append(
                f"{_label(name)} is {len(raw)} characters long (at most {MAX_QUERY_VALUE}); "
                f"using {shown(_encode(name, getattr(DEFAULTS, name)))}."
            )
            continue
        try:
            values[name] = _decode(name, raw)
        except (ValueError, OverflowError):
            notices.append(
                f"{_label(name)} {shown(raw)} is not valid ({allowed(name)}); "
                f"using {shown(_encode(name, getattr(DEFAULTS, name)))}."
            )
    if unknown:
        listed = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        notices.append(f"The link has settings this page does not know, ignored: {listed}.")
    if values.get("dataset") == UPLOAD:
        values.pop("dataset")
        notices.append(
            f"A link cannot carry an uploaded CSV; using {shown(DEFAULTS.dataset)}. Upload the file again."
        )
    dataset = values.get("dataset", DEFAULTS.dataset)
    if "n_points" not in values and dataset in DATASETS and dataset not in CLASSIFICATION_SETS:
        values["n_points"] = POINTS_BY_PROBLEM["regression"]
    if hides:
        values["hidden_controls"] = tuple(values.get("hidden_controls", ())) + tuple(hides)
        values["hidden_controls"] = tuple(dict.fromkeys(values["hidden_controls"]))
    config, problems = validate(dataclasses.replace(DEFAULTS, **values))
    notices += problems
    if len(notices) > MAX_NOTICES:
        extra = len(notices) - (MAX_NOTICES - 1)
        notices = notices[: MAX_NOTICES - 1] + [f"… and {extra} more settings of the link were ignored."]
    return config, notices


def changed_reset_fields(old: PlaygroundConfig | None, new: PlaygroundConfig) -> list[str]:
    """Words for the reset settings that differ between ``old`` and ``new`` (all of them if no ``old``)."""
    if old is None:
        return list(RESET_FIELDS.values())
    return [
        words
        for name, words in RESET_FIELDS.items()
        if getattr(old, name) != getattr(new, name)
        and not (name == "regression_loss" and new.problem == "classification" == old.problem)
        and not (name == "n_classes" and not (old.multiclass or new.multiclass))
    ]


def changed_parts(old: PlaygroundConfig, new: PlaygroundConfig) -> tuple[bool, bool]:
    """``(data, network)``: whether going from ``old`` to ``new`` gives new data, a new network."""
    differ = [name for name in RESET_FIELDS if getattr(old, name) != getattr(new, name)]
    if "regression_loss" in differ and new.problem == "classification" == old.problem:
        differ.remove("regression_loss")  # unused for classification
    if "n_classes" in differ and not (old.multiclass or new.multiclass):
        differ.remove("n_classes")  # unused for the two-class and regression sets
    data = any(name in DATA_FIELDS for name in differ)
    network = any(name in NETWORK_FIELDS for name in differ) or old.problem != new.problem
    return data, network


def reset_note(old: PlaygroundConfig, new: PlaygroundConfig) -> str | None:
    """The sentence that says what a settings change rebuilt (None if it rebuilt nothing): the
    settings changed, then whether the data, the network or both are new."""
    changed = changed_reset_fields(old, new)
    if not changed:
        return None
    data, network = changed_parts(old, new)
    what = (
        "new data and a new network"
        if data and network
        else "new data, the same initial weights"
        if data
        else "a new network, the same data"
    )
    return f"Changed the {', '.join(changed)}: {what}; training restarted at step 0."


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
    Returns the words for what changed (empty if nothing did).
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
    words = {
        "regularization": "regularization",
        "reg_rate": "regularization rate",
        "lr": "learning rate",
        "batch_size": "batch size",
        "optimizer": "optimizer",
        "clip_norm": "gradient clipping",
        "schedule": "learning-rate schedule",
        "schedule_steps": "schedule's N steps",
        "dropout": "dropout",
    }
    return [words[name] for name in changed]


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
