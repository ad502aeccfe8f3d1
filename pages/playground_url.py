"""The Playground's address: every setting has a short key (``QUERY_KEYS``), so a shared link
rebuilds the same data (``data``, ``noise``, ``ratio``, ``points``, ``dseed``, ``features``)
and the same initial weights (``hidden``, ``act``/``acts``, ``init``, ``iscale``, ``seed``):

    ?data=circle&noise=0&ratio=50&points=200&dseed=0&features=x1,x2&hidden=4,2&act=tanh
     &acts=&init=xavier_uniform&iscale=1.0&seed=0&reg=none&rrate=0.0&lr=0.03&batch=10
     &opt=sgd&clip=0.0&loss=mse&speed=10&test=0&disc=0&view=weights&nodes=activation&logw=0

``from_query`` never raises: a value that does not parse or is out of range falls back to
its default, and a notice (a sentence for the page to show) says which and why. ``<name>_hide``
keys hide controls (``HIDABLE``); ``present`` and ``theme`` are every page's (``APP_WIDE_KEYS``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from engine.data import (
    CLASSIFICATION_SETS,
    DATASETS,
)
from pages.playground_settings import (
    _BOOLS,
    _FLOAT_RANGES,
    _INT_RANGES,
    DEFAULTS,
    HIDABLE,
    MAX_HIDDEN_LAYERS,
    MAX_NOTICES,
    MAX_QUERY_VALUE,
    POINTS_BY_PROBLEM,
    QUERY_KEYS,
    UPLOAD,
    PlaygroundConfig,
)
from pages.playground_validate import _encode, _label, allowed, shown, validate

FIELD_OF_KEY = {key: name for name, key in QUERY_KEYS.items()}


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
