"""A trained Playground network as a file: its settings, parameters, step and training state, in
JSON (pure Python, unit-tested; the page offers it as a download and reads it back from an upload).

``export_model(config, trainer)`` writes::

    {"format": "backprop-lab-playground", "version": 1,
     "settings": {"data": "circle", ...},            # to_query(config): every setting as URL text
     "step": 500, "batches": [epoch, position],       # the trainer's clock and shuffler position
     "weights": [[[...], ...], ...], "biases": [[...], ...],
     "optimizer": {"t": 500, "shapes": [[2, 4], ...], "state": [[array or null, ...], ...],
                   "frozen": null or [[...] or null, ...]}}

Numbers are JSON numbers written with Python's ``repr`` (shortest round-trip), so every float64
comes back bit for bit. ``import_model(data)`` rebuilds the data and the network from the settings
(``build_trainer``: the same data seed gives the same points), puts the parameters, the step, the
shuffler position and the optimizer's moments back (``Trainer.restore``), so training continues
exactly as the exported run would have. The loss curves (the history) are not in the file: the
imported run's curves start at its step. Every problem is a ``ModelFileError`` saying what.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from engine.trainer import Checkpoint, Trainer
from pages.playground_build import (
    build_trainer,
)
from pages.playground_settings import (
    PlaygroundConfig,
)
from pages.playground_url import (
    from_query,
    to_query,
)

FORMAT = "backprop-lab-playground"
VERSION = 1
MAX_FILE_BYTES = 5_000_000
MOMENTS = {"sgd": 0, "momentum": 1, "nesterov": 1, "rmsprop": 1, "adam": 2}  # arrays per parameter


class ModelFileError(ValueError):
    """A file that is not a Playground network this page can restore; the message says why."""


def _array(value: np.ndarray | None) -> Any:
    return None if value is None else np.asarray(value, dtype=np.float64).tolist()


def export_model(config: PlaygroundConfig, trainer: Trainer) -> bytes:
    """The settings and the trained state of ``trainer`` as UTF-8 JSON (see the module docstring)."""
    checkpoint = trainer.checkpoint()
    weights, biases = checkpoint.parameters[0], checkpoint.parameters[1]
    t, state, shapes, frozen = trainer.optimizer.snapshot()
    optimizer = {
        "t": int(t),
        "shapes": [list(s) for s in shapes],
        "state": [[_array(a) for a in moments] for moments in state],
        "frozen": None if frozen is None else [None if f is None else np.asarray(f).tolist() for f in frozen],
    }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "settings": to_query(config),
        "step": int(checkpoint.step),
        "batches": [int(b) for b in checkpoint.batches],
        "weights": [_array(w) for w in weights],
        "biases": [_array(b) for b in biases],
        "optimizer": optimizer,
    }
    return json.dumps(document, allow_nan=False).encode("utf-8")


def _parse(data: bytes) -> dict:
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_FILE_BYTES:
        raise ModelFileError(f"the file must be at most {MAX_FILE_BYTES // 1_000_000} MB of JSON")
    try:
        document = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ModelFileError("the file is not JSON text") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f"the file is not a {FORMAT} file (downloaded from this page)")
    if document.get("version") != VERSION:
        raise ModelFileError(f"the file's version {document.get('version')!r} is not {VERSION}")
    return document


def _matrix(value: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelFileError(f"{what} is not an array of numbers") from None
    if array.shape != shape:
        raise ModelFileError(f"{what} has shape {array.shape}, the network needs {shape}")
    if not np.all(np.isfinite(array)):
        raise ModelFileError(f"{what} holds a value that is not a finite number")
    return array


def _int(value: Any, what: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ModelFileError(f"{what} must be a whole number from {lo} to {hi}")
    return value


def _moments(document: dict, trainer: Trainer) -> tuple:
    """The optimizer snapshot the file describes, checked against ``trainer``'s optimizer."""
    spec = document.get("optimizer")
    if not isinstance(spec, dict):
        raise ModelFileError("the optimizer's state is missing")
    t = _int(spec.get("t"), "the optimizer's step count", 0, 10**12)
    shapes = tuple(tuple(s) for s in spec.get("shapes") or ())
    state_spec, frozen_spec = spec.get("state") or [], spec.get("frozen")
    if len(state_spec) != len(shapes) or (frozen_spec is not None and len(frozen_spec) != len(shapes)):
        raise ModelFileError("the optimizer's state does not match its shapes")
    state = []
    for k, (moments, shape) in enumerate(zip(state_spec, shapes)):
        state.append(
            tuple(None if m is None else _matrix(m, shape, f"optimizer moment {k}") for m in moments)
        )
    frozen = None
    if frozen_spec is not None:
        frozen = [None if f is None else _matrix(f, shape, "the L1 rule's mask").astype(bool)
                  for f, shape in zip(frozen_spec, shapes)]  # fmt: skip
    expected = tuple(p.shape for p in trainer.network.parameters())
    if shapes and shapes != expected:
        raise ModelFileError("the optimizer's state is for another network")
    n_moments = MOMENTS[trainer.optimizer.name]
    if any(len(m) != n_moments or (n_moments and m[-1] is None and trainer.optimizer.name != "momentum"
                                   and trainer.optimizer.name != "nesterov") for m in state):  # fmt: skip
        raise ModelFileError(f"the optimizer's state is not {trainer.optimizer.name}'s")
    return (t, state, shapes, frozen)


def import_model(data: bytes) -> tuple[PlaygroundConfig, Trainer, list[str]]:
    """The settings, a trainer at the file's step with its exact parameters and training state,
    and the notices of its settings (``from_query``). Raises ``ModelFileError``."""
    document = _parse(data)
    settings = document.get("settings")
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        raise ModelFileError("the file's settings are missing")
    config, notices = from_query(settings)
    if notices:
        raise ModelFileError("the file's settings are not valid here: " + " ".join(notices))
    trainer = build_trainer(config)
    net = trainer.network
    L = len(net.sizes) - 1
    weights_in, biases_in = document.get("weights"), document.get("biases")
    if not isinstance(weights_in, list) or not isinstance(biases_in, list) or len(weights_in) != L:
        raise ModelFileError(f"the file must hold {L} weight matrices for these settings")
    if len(biases_in) != L:
        raise ModelFileError(f"the file must hold {L} bias vectors for these settings")
    weights = [
        _matrix(w, net.weights[l].shape, f"weights of layer {l + 1}") for l, w in enumerate(weights_in)
    ]
    biases = [_matrix(b, net.biases[l].shape, f"biases of layer {l + 1}") for l, b in enumerate(biases_in)]
    step = _int(document.get("step"), "the step", 0, 10**12)
    batches = document.get("batches")
    if not (isinstance(batches, list) and len(batches) == 2):
        raise ModelFileError("the shuffler's position is missing")
    epoch = _int(batches[0], "the epoch", 0, 10**12)
    position = _int(batches[1], "the position in the epoch", 0, max(trainer.dataset.n_train - 1, 0))
    moments = _moments(document, trainer)
    fresh = trainer.checkpoint()
    net.steps_taken = step  # restore goes back to a step at or before the current one
    trainer.restore(
        Checkpoint(
            step=step, parameters=(weights, biases, fresh.parameters[2], fresh.parameters[3]),
            running=fresh.running, batches=(epoch, position), optimizer=trainer.optimizer, moments=moments,
            last_step=None, last_loss=math.nan,
        )
    )  # fmt: skip
    trainer.evaluate()
    return config, trainer, []
