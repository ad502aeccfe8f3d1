"""The Image recognition page's settings, the drawing's checks and scikit-learn's reference.
Pure Python (no Streamlit), unit-tested.

``DigitsConfig`` is one frozen dataclass; ``validate`` replaces every invalid field by its
default and says so. Changing a ``RESET_FIELDS`` field (the architecture, activation, init,
seed) rebuilds the network from step 0; the ``LIVE_FIELDS`` (learning rate, optimizer, batch
size) apply to the running trainer from its next step.

Data: scikit-learn's 8x8 digits (``engine.data.load_digits_dataset``), ``TEST_FRACTION`` of the
1,797 images held out, stratified and seeded with ``SPLIT_SEED`` (the same split for everyone:
539 test images). Network ``[64, *hidden, 10]``, softmax output, cross-entropy loss.

``reference_accuracy`` fits scikit-learn's ``MLPClassifier`` on the same split with the same
sizes, activation, solver, learning rate and batch size (the page caches it): the number our
engine's test accuracy is compared with.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache

import numpy as np

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS, Network, make_optimizer
from engine.classification import mistakes
from engine.data import Dataset, load_digits_dataset
from engine.history import History
from engine.trainer import Trainer

TEST_FRACTION = 0.3
SPLIT_SEED = 0
N_CLASSES = 10
WIDTH_RANGE = (1, 128)
MAX_HIDDEN_LAYERS = 2
LR_RANGE = (1e-6, 10.0)
BATCH_RANGE = (1, 1258)  # the training images (1,797 - 539)
SEED_RANGE = (0, 2**31 - 1)
MAX_INK = 16  # scikit-learn's digits: each 8x8 pixel counts the inked cells of a 4x4 block
HISTORY_BYTES = 4_000_000  # per browser tab
RESET_FIELDS = ("hidden", "activation", "init", "seed")
LIVE_FIELDS = ("optimizer", "lr", "batch_size")
REFERENCE_EPOCHS = 200  # MLPClassifier's max_iter (it stops earlier when the loss stops improving)
REFERENCE_SECONDS = 6.0  # at most this long for the reference's training

# scikit-learn's MLPClassifier knows four activations and two of our optimizers' kinds
SKLEARN_ACTIVATION = {"relu": "relu", "tanh": "tanh", "sigmoid": "logistic", "linear": "identity"}
SKLEARN_SOLVER = {"adam": "adam", "sgd": "sgd", "momentum": "sgd", "nesterov": "sgd"}


@dataclass(frozen=True)
class DigitsConfig:
    hidden: tuple[int, ...] = (32,)
    activation: str = "tanh"
    init: str = "xavier_uniform"
    optimizer: str = "adam"
    lr: float = 0.003
    batch_size: int = 32
    seed: int = 0

    @property
    def sizes(self) -> list[int]:
        return [64, *self.hidden, N_CLASSES]


DEFAULTS = DigitsConfig()


def _field_ok(name: str, value) -> bool:
    if name == "hidden":
        return (
            isinstance(value, tuple)
            and 1 <= len(value) <= MAX_HIDDEN_LAYERS
            and all(_int_in(v, WIDTH_RANGE) for v in value)
        )
    if name == "activation":
        return value in HIDDEN_ACTIVATIONS
    if name == "init":
        return value in INITS
    if name == "optimizer":
        return value in OPTIMIZERS
    if name == "lr":
        return isinstance(value, (int, float)) and LR_RANGE[0] <= value <= LR_RANGE[1]
    if name == "batch_size":
        return _int_in(value, BATCH_RANGE)
    return _int_in(value, SEED_RANGE)


def _int_in(value, bounds) -> bool:
    integer = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    return integer and bounds[0] <= value <= bounds[1]


def validate(config: DigitsConfig) -> tuple[DigitsConfig, list[str]]:
    """``config`` with every invalid field replaced by its default, and a sentence for each."""
    changes, notices = {}, []
    for f in dataclasses.fields(DigitsConfig):
        value = getattr(config, f.name)
        if not _field_ok(f.name, value):
            default = getattr(DEFAULTS, f.name)
            changes[f.name] = default
            notices.append(f"{f.name.replace('_', ' ')} {value!r} is not allowed; using {default!r}.")
    return dataclasses.replace(config, **changes), notices


def needs_rebuild(old: DigitsConfig, new: DigitsConfig) -> bool:
    return any(getattr(old, name) != getattr(new, name) for name in RESET_FIELDS)


@cache
def dataset() -> Dataset:
    """The page's split (the same for every tab; ``Dataset`` arrays are never modified)."""
    return load_digits_dataset(TEST_FRACTION, SPLIT_SEED)


def make_optimizer_for(config: DigitsConfig):
    return make_optimizer(config.optimizer, lr=float(config.lr))


def build_trainer(config: DigitsConfig) -> Trainer:
    """Network ``[64, *hidden, 10]`` (softmax, cross-entropy, ``init`` seeded with ``seed``) on the
    page's split, batches shuffled with ``seed``; the metrics of step 0 evaluated."""
    network = Network(
        config.sizes, activation=config.activation, loss="cross_entropy", init=config.init, seed=config.seed
    )
    history = History(max_bytes=HISTORY_BYTES, keep_recent=0, detail_every=None, histogram_every=None)
    trainer = Trainer(
        network,
        make_optimizer_for(config),
        dataset(),
        batch_size=config.batch_size,
        seed=config.seed,
        eval_every=10**9,  # the live model evaluates once per slice
        history=history,
    )
    trainer.evaluate()
    return trainer


def apply_live_settings(trainer: Trainer, old: DigitsConfig, new: DigitsConfig) -> list[str]:
    """The learning rate, optimizer and batch size of ``new`` for the trainer's next step (a new
    optimizer kind starts with fresh moments). Returns the words for what changed."""
    words = []
    if new.optimizer != old.optimizer:
        trainer.optimizer = make_optimizer_for(new)
        words.append("optimizer")
    elif new.lr != old.lr:
        trainer.optimizer.lr = float(new.lr)
        trainer.optimizer.validate()
    if new.lr != old.lr:
        words.append("learning rate")
    if new.batch_size != old.batch_size:
        trainer.batch_size = new.batch_size
        words.append("batch size")
    return words


# ---------------------------------------------------------------------------- the drawing
def check_drawing(value) -> tuple[np.ndarray | None, str | None]:
    """A drawing's 64 intensities (row by row, 0..16, as scikit-learn's digits) as float64
    ``(64,)`` scaled to ``[0, 1]`` like the data, or ``(None, message)`` if it is not 64
    numbers. Values are rounded and clipped to 0..16."""
    try:
        pixels = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return None, "The drawing could not be read (it must be 64 numbers from 0 to 16)."
    if pixels.size != 64 or not np.isfinite(pixels).all():
        return None, f"The drawing must be 8 x 8 = 64 finite numbers, got {pixels.size}."
    return np.clip(np.rint(pixels), 0, MAX_INK) / MAX_INK, None


def drawing_note(x: np.ndarray) -> str | None:
    """A sentence for drawings that are not digits: empty, or ink everywhere."""
    if not np.any(x):
        return (
            "The drawing is empty: with no ink the network sees only its biases, and every first-layer "
            "weight gradient is zero (each is the image times a delta). Draw a digit."
        )
    if np.all(x >= 1.0):
        return (
            "Every pixel is full of ink: that is no digit, and the answer means little. Clear, then draw one."
        )
    return None


def downsample(bitmap) -> list[int]:
    """A 32 x 32 0/1 bitmap to 8 x 8 counts of inked cells per 4 x 4 block (0..16), row by row:
    how scikit-learn's digits were made from 32 x 32 scans (the browser does the same in JS)."""
    b = np.asarray(bitmap, dtype=np.int64).reshape(32, 32) > 0
    return b.reshape(8, 4, 8, 4).sum(axis=(1, 3)).reshape(-1).tolist()


# ---------------------------------------------------------------------------- the reference
def reference_settings(config: DigitsConfig) -> tuple[dict, list[str]]:
    """``MLPClassifier``'s keyword arguments for ``config`` and what had to differ (an
    activation or optimizer scikit-learn lacks)."""
    notes = []
    activation = SKLEARN_ACTIVATION.get(config.activation)
    if activation is None:
        activation = "relu"
        notes.append(f"scikit-learn has no {config.activation}: the reference uses relu")
    solver = SKLEARN_SOLVER.get(config.optimizer)
    if solver is None:
        solver = "adam"
        notes.append(f"scikit-learn has no {config.optimizer}: the reference uses adam")
    kwargs = dict(
        hidden_layer_sizes=tuple(config.hidden),
        activation=activation,
        solver=solver,
        learning_rate_init=float(config.lr),
        batch_size=int(config.batch_size),
        alpha=0.0,  # no weight penalty, as ours
        momentum=0.9 if config.optimizer in ("momentum", "nesterov") else 0.0,
        nesterovs_momentum=config.optimizer == "nesterov",
        max_iter=REFERENCE_EPOCHS,
        random_state=int(config.seed),
    )
    return kwargs, notes


def reference_accuracy(
    config: DigitsConfig, budget: float = REFERENCE_SECONDS
) -> tuple[float, int, list[str]]:
    """``(test accuracy, epochs run, notes)`` of scikit-learn's ``MLPClassifier`` on the page's
    split with ``config``'s sizes. One epoch at a time (``partial_fit``), stopping as scikit-learn
    does (the training loss has not improved by ``tol`` for ``n_iter_no_change`` epochs), after
    ``REFERENCE_EPOCHS``, or when ``budget`` seconds are spent (a note says so). The page caches it."""
    import time
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    kwargs, notes = reference_settings(config)
    data = dataset()
    model = MLPClassifier(**kwargs)
    y = data.Y_train.argmax(axis=1)
    deadline = time.perf_counter() + budget
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for epoch in range(1, REFERENCE_EPOCHS + 1):
            model.partial_fit(data.X_train, y, classes=np.arange(N_CLASSES))  # one epoch, moments kept
            if _stalled(model.loss_curve_, model.tol, model.n_iter_no_change):
                break
            if time.perf_counter() > deadline:
                notes.append(f"stopped after {epoch} epochs ({budget:g} s of training)")
                break
    accuracy = float(model.score(data.X_test, data.Y_test.argmax(axis=1)))
    return accuracy, len(model.loss_curve_), notes


def _stalled(losses, tol: float, patience: int) -> bool:
    """scikit-learn's stopping rule (``MLPClassifier``, no validation set): an epoch whose loss
    is not below the best so far minus ``tol`` adds one to a count, any other resets it; stop
    when the count exceeds ``patience`` (or the loss is no longer finite)."""
    if not np.isfinite(losses[-1]):
        return True
    best, count = np.inf, 0
    for loss in losses:
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
    return count > patience


# ---------------------------------------------------------------------------- what the page shows
def test_image(index: int) -> tuple[np.ndarray, int]:
    """Test image ``index`` (clipped to the test set) and its digit."""
    data = dataset()
    index = int(np.clip(index, 0, data.n_test - 1))
    return data.X_test[index], int(data.Y_test[index].argmax())


def gallery(network: Network, limit: int = 12) -> tuple[np.ndarray, list[int], list[list[tuple[int, float]]]]:
    """The test images ``network`` gets wrong, the most confident mistakes first (at most
    ``limit``): ``(images (n, 64), true digits, top-3 guesses (digit, probability) each)``."""
    data = dataset()
    P = network.predict(data.X_test)
    wrong = mistakes(P, data.Y_test, limit)
    guesses = [[(int(c), float(P[i, c])) for c in np.argsort(-P[i], kind="stable")[:3]] for i in wrong]
    return data.X_test[wrong], [int(data.Y_test[i].argmax()) for i in wrong], guesses
