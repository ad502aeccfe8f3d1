"""The Playground's settings: one frozen dataclass (``PlaygroundConfig``), its ranges and choices,
and the settings table ``SETTINGS``: one ``Setting`` row per field (URL key, kind of value, range
or choices, effect, the words that name it, whether a plain widget holds it). Pure Python.

Everything else is a loop over the table: validation (``playground_validate``), the URL codec
(``playground_url``), what a change rebuilds or applies live (``RESET_FIELDS``, ``DATA_FIELDS``,
``NETWORK_FIELDS``, ``LIVE_FIELDS``, read off the effects) and the widgets' values
(``playground_session.widget_values``). Changing a reset field rebuilds the data and/or the
network from step 0, as Playground does for the architecture or the data; a live field
(learning rate, optimizer, regularization, batch size, clipping, ...) is applied to the running
trainer at its next step. Adding a setting: a field here, a row in ``SETTINGS``, its widget.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import NamedTuple

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS
from engine.data import (
    CLASSES_RANGE,
    CLASSIFICATION_SETS,
    FEATURES,
    MULTICLASS_SETS,
    TOY_SETS,
)
from engine.init import TF_PLAYGROUND_INIT
from engine.network import MAX_DROPOUT

PROBLEMS = ("classification", "regression")
UPLOAD = "csv"  # the data set of an uploaded CSV (held by the page; a link cannot carry it)
REGULARIZATIONS = ("none", "l1", "l2")
VIEWS = ("weights", "gradients", "update")
NODE_COLOURS = ("activation", "delta")
REGRESSION_LOSSES = ("mse", "sse")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 0)  # epochs/s while playing; 0: as fast as the server allows
# As fast as the server allows by default, as TF Playground runs (its users expect that pace, and
# the side-by-side benchmark drives the default page); a class that wants to watch the boundary
# form picks 10 epochs/s (250 steps/s on the default data) in the Speed control or with ``speed=10``.
DEFAULT_SPEED = 0
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

MAX_HIDDEN_LAYERS = 10
MAX_UNITS_PER_LAYER = 16
N_POINTS_RANGE = (20, 2000)
NOISE_PERCENT_RANGE = (0, 50)  # percent
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


class Hidable(NamedTuple):
    """A control or section a lesson link can hide: the ``words`` that name it and the keys of the
    widgets that draw it (Streamlit gives each element the CSS class ``st-key-<key>``, ``.`` ->
    ``-``). Play and Step have none: they are the live view's, which hides them itself."""

    words: str
    widgets: tuple[str, ...] = ()


# Controls and sections a lesson link can hide (``hide=lr,act`` or TF's ``learningRate_hide=true``),
# by name: mostly the settings' own URL keys.
HIDABLE = {
    "problem": Hidable("problem type", ("pg.problem",)),
    "data": Hidable("data set", ("pg.data.classification", "pg.data.regression", "pg.csv_box", "pg.classes")),
    "features": Hidable("input features", ("pg.features",)),
    "noise": Hidable("noise", ("pg.noise",)),
    "ratio": Hidable("training data ratio", ("pg.ratio",)),
    "points": Hidable("number of points", ("pg.points",)),
    "dseed": Hidable("data seed and Regenerate", ("pg.dseed", "pg.regenerate_button")),
    "hidden": Hidable("hidden layers", ("pg.layers", "pg.widths")),
    "act": Hidable("activation", ("pg.act", "pg.per_layer", "pg.acts")),
    "init": Hidable("initialization", ("pg.init", "pg.iscale")),
    "seed": Hidable("seed", ("pg.seed",)),
    "lr": Hidable("learning rate", ("pg.lr",)),
    "opt": Hidable("optimizer", ("pg.opt",)),
    "batch": Hidable("batch size", ("pg.batch", "pg.batch_note")),
    "reg": Hidable("regularization", ("pg.reg",)),
    "rrate": Hidable("regularization rate", ("pg.rrate",)),
    "speed": Hidable("speed", ("pg.speed",)),
    "clip": Hidable("gradient clipping", ("pg.clip",)),
    "loss": Hidable("loss", ("pg.loss",)),
    "tf": Hidable("TF Playground compatible switch", ("pg.tf",)),
    "sched": Hidable("learning-rate schedule", ("pg.sched", "pg.ssteps")),
    "stop": Hidable("stop condition", ("pg.stoploss", "pg.stopat")),
    "drop": Hidable("dropout", ("pg.drop",)),
    "tflink": Hidable("Open a TF Playground link", ("pg.tflink",)),
    "play": Hidable("Play button"),
    "step": Hidable("Step button"),
    "reset": Hidable("Reset button", ("pg.reset_button",)),
    "view": Hidable("edges show", ("pg.view",)),
    "nodes": Hidable("units coloured by", ("pg.nodes",)),
    "logw": Hidable("log edge widths", ("pg.logw",)),
    "test": Hidable("show test points", ("pg.test",)),
    "disc": Hidable("discretize output", ("pg.disc",)),
    "replay": Hidable("replay", ("pg.replay", "pg.resume_button")),
    "details": Hidable("details of the shown step", ("pg.details",)),
    "text": Hidable("explanations", ("pg.text",)),
    "share": Hidable("share these settings", ("pg.share",)),
    "model": Hidable("save or load the trained network", ("pg.model",)),
}

# ---------------------------------------------------------------------------- the settings table
# What a change of a setting does (``Setting.effect``):
DATA = "data"  # new data, the same initial weights (the network's seed and sizes are unchanged)
NETWORK = "network"  # new initial weights or loss, the same data
BOTH = "data+network"  # new data and network (the input features change the data's columns and input layer)
LIVE = "live"  # applied to the running trainer at its next step, announced ("applies from the next step")
DISPLAY = "display"  # read where it is used, nothing rebuilt or announced (display, speed, stop condition)
RESETS = (DATA, NETWORK, BOTH)


@dataclass(frozen=True)
class Setting:
    """One Playground setting, once: the ``PlaygroundConfig`` field ``name``, its URL ``key``
    (``?key=value``), the ``kind`` of value (``playground_kinds.KINDS``: how it is checked, worded
    and written in a link), its ``domain`` (``(lo, hi)`` of an ``int``/``float``, the choices of a
    ``choice``, the names a ``subset``/``per_layer``/``controls`` draws from, ``(max layers, max
    width)`` of ``widths``), its ``effect`` (``DATA``/``NETWORK``/``BOTH`` rebuild from step 0,
    ``LIVE``, ``DISPLAY``), the ``words`` that name it in messages, and whether a widget keyed
    ``widget_key`` (``pg.`` + the URL key) holds its value as is (``widget``; the others are drawn
    by hand: the data set per problem, the widths and activations per layer, ...).
    """

    name: str
    key: str
    kind: str
    domain: tuple
    effect: str
    words: str
    widget: bool = True

    @property
    def widget_key(self) -> str:
        return f"pg.{self.key}"


_S = Setting
SETTINGS = (  # in PlaygroundConfig's field order (a test checks it): the URL writes them so
    _S("dataset", "data", "choice", (*TOY_SETS, *MULTICLASS_SETS, UPLOAD), DATA, "data set", widget=False),
    _S("noise", "noise", "int", NOISE_PERCENT_RANGE, DATA, "noise"),
    _S("train_ratio", "ratio", "int", RATIO_RANGE, DATA, "train/test ratio"),
    _S("n_points", "points", "int", N_POINTS_RANGE, DATA, "number of points"),
    _S("data_seed", "dseed", "int", SEED_RANGE, DATA, "data (regenerated)"),
    _S("features", "features", "subset", FEATURES, BOTH, "input features"),
    _S(
        "hidden",
        "hidden",
        "widths",
        (MAX_HIDDEN_LAYERS, MAX_UNITS_PER_LAYER),
        NETWORK,
        "hidden layers",
        widget=False,
    ),
    _S("activation", "act", "choice", HIDDEN_ACTIVATIONS, NETWORK, "activation"),
    _S(
        "layer_activations",
        "acts",
        "per_layer",
        HIDDEN_ACTIVATIONS,
        NETWORK,
        "activations per layer",
        widget=False,
    ),  # fmt: skip
    _S("init", "init", "choice", INITS, NETWORK, "initialization"),
    _S("init_scale", "iscale", "float", INIT_SCALE_RANGE, NETWORK, "initialization scale"),
    _S("seed", "seed", "int", SEED_RANGE, NETWORK, "seed"),
    _S("regularization", "reg", "choice", REGULARIZATIONS, LIVE, "regularization"),
    _S("reg_rate", "rrate", "float", REG_RATE_RANGE, LIVE, "regularization rate"),
    _S("lr", "lr", "float", LR_RANGE, LIVE, "learning rate"),
    _S("batch_size", "batch", "int", BATCH_RANGE, LIVE, "batch size"),
    _S("optimizer", "opt", "choice", tuple(OPTIMIZERS), LIVE, "optimizer"),
    _S("clip_norm", "clip", "float", CLIP_RANGE, LIVE, "gradient clipping"),
    _S("regression_loss", "loss", "choice", REGRESSION_LOSSES, NETWORK, "loss"),
    _S("speed", "speed", "choice", SPEEDS, DISPLAY, "speed"),
    _S("show_test", "test", "bool", (), DISPLAY, "test points shown"),
    _S("discretize", "disc", "bool", (), DISPLAY, "discretized output"),
    _S("view", "view", "choice", VIEWS, DISPLAY, "what the edges show"),
    _S("node_colour", "nodes", "choice", NODE_COLOURS, DISPLAY, "what colours the units"),
    _S("log_widths", "logw", "bool", (), DISPLAY, "log edge widths"),
    _S("hidden_controls", "hide", "controls", tuple(HIDABLE), DISPLAY, "hidden controls", widget=False),
    _S("tf_compatible", "tf", "bool", (), BOTH, "TF Playground compatible mode"),
    _S("schedule", "sched", "choice", tuple(SCHEDULE_TEXT), LIVE, "learning-rate schedule"),
    _S("schedule_steps", "ssteps", "int", SCHEDULE_STEPS_RANGE, LIVE, "schedule's N steps"),
    _S("stop_loss", "stoploss", "float", STOP_LOSS_RANGE, DISPLAY, "target test loss"),
    _S("stop_steps", "stopat", "int", STOP_STEPS_RANGE, DISPLAY, "step limit"),
    _S("dropout", "drop", "float", DROPOUT_RANGE, LIVE, "dropout"),
    _S("csv_task", "csvtask", "choice", PROBLEMS, DATA, "uploaded CSV", widget=False),
    _S("n_classes", "classes", "int", CLASSES_RANGE, NETWORK, "number of classes"),
)
SETTING = {s.name: s for s in SETTINGS}

# Read off the table (for the modules that loop over one effect):
QUERY_KEYS = {s.name: s.key for s in SETTINGS}  # field -> URL key
RESET_FIELDS = {s.name: s.words for s in SETTINGS if s.effect in RESETS}  # a change rebuilds (step 0)
# What a reset field rebuilds: the data, the network, or both. The data set rebuilds the network
# too when it switches between classification and regression (``changed_parts``).
DATA_FIELDS = tuple(s.name for s in SETTINGS if s.effect in (DATA, BOTH))
NETWORK_FIELDS = tuple(s.name for s in SETTINGS if s.effect in (NETWORK, BOTH))
LIVE_FIELDS = tuple(s.name for s in SETTINGS if s.effect == LIVE)  # applied at the next step
