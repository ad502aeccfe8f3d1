"""The Playground's settings: one frozen dataclass (``PlaygroundConfig``), its ranges and choices,
which fields reset training and which apply live, and validation. Pure Python (no Streamlit).

Settings come in three kinds (``RESET_FIELDS``, ``LIVE_FIELDS``, the rest for display):
changing a reset field rebuilds the data and the network from step 0, as Playground does
for the architecture or the data; a live field (learning rate, optimizer, regularization,
batch size, clipping) is applied to the running trainer at its next step.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS
from engine.data import (
    CLASSES_RANGE,
    CLASSIFICATION_SETS,
    DATASETS,
    MULTICLASS_SETS,
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
