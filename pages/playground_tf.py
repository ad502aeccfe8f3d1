"""TensorFlow Playground links: its URL hash <-> our ``PlaygroundConfig`` (pure Python, unit-tested).

A TF Playground address carries its state in the hash (``state.ts``), every key written::

    https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle
      &regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2
      &seed=0.12345&showTestData=false&discretize=false&percTrainData=50&x=true&y=true
      &xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false
      &collectStats=false&problem=classification&initZero=false&hideText=false&learningRate_hide=true

``TF_PARAMS`` is the table: one row per TF key, the setting (``PlaygroundConfig`` field) it
maps to and how its values translate. ``from_tf_link`` reads an address (or its ``#...``
part), ``to_tf_hash`` writes one. A TF link always turns TF Playground compatible mode on
(``tf_compatible``: tanh output, ``1/2 (o - t)^2``, uniform(-0.5, 0.5), ...) and TF's 500 /
1,200 points, so the numbers on screen are comparable with TF's.

TF parses its hash loosely (``state.ts``): a boolean is ``false`` or anything else true, a
number goes through ``+value``. Values it would not accept, and keys it does not have, are
ignored here with a notice. TF's ``seed`` is a string (``Math.random().toFixed(5)``, e.g.
``0.12345``); its five decimals are our data seed (``12345``, written back as ``0.12345``), and
it seeds the weights too (``seed``), as in TF; any other string is hashed to a seed, with a
notice. The same seed gives the same *settings*, not TF's exact points: our generator is
NumPy's, TF's is ``seedrandom``.
"""

from __future__ import annotations

import dataclasses
import math
import re
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from pages.playground_settings import (
    DEFAULTS,
    MAX_NOTICES,
    POINTS_BY_PROBLEM,
    SEED_RANGE,
    PlaygroundConfig,
)
from pages.playground_url import (
    APP_WIDE_KEYS,
    HIDE_SUFFIX,
    TF_HIDE_NAMES,
)
from pages.playground_validate import (
    shown,
    validate,
)

TF_POINTS = POINTS_BY_PROBLEM  # playground.ts NUM_SAMPLES_CLASSIFY / NUM_SAMPLES_REGRESS
MAX_LINK_CHARS = 4000
TF_FEATURES = {  # TF key -> our input feature
    "x": "x1",
    "y": "x2",
    "xTimesY": "x1*x2",
    "xSquared": "x1^2",
    "ySquared": "x2^2",
    "sinX": "sin x1",
    "sinY": "sin x2",
}
NO_EQUIVALENT = {  # TF keys we read but cannot follow, with why (said only when they ask for something)
    "cosX": "there is no cos x1 feature here",
    "cosY": "there is no cos x2 feature here",
    "collectStats": "TF's statistics collection has no equivalent here",
    "tutorial": "TF's tutorials are not part of this page",
}


@dataclass(frozen=True)
class TfParam:
    """One TF key: ``field`` is the ``PlaygroundConfig`` setting it maps to; ``values`` maps
    TF's words to our values (None: a number or a boolean, ``kind``)."""

    key: str
    field: str
    kind: str  # "choice", "number", "int", "bool", "shape"
    values: dict[str, Any] | None = None


TF_PARAMS = (
    TfParam("activation", "activation", "choice",
            {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "linear"}),
    TfParam("regularization", "regularization", "choice", {"none": "none", "L1": "l1", "L2": "l2"}),
    TfParam("batchSize", "batch_size", "int"),
    TfParam("dataset", "dataset", "choice",
            {"circle": "circle", "xor": "xor", "gauss": "gaussian", "spiral": "spiral"}),
    TfParam("regDataset", "dataset", "choice", {"reg-plane": "plane", "reg-gauss": "multi_gaussian"}),
    TfParam("learningRate", "lr", "number"),
    TfParam("regularizationRate", "reg_rate", "number"),
    TfParam("noise", "noise", "int"),
    TfParam("networkShape", "hidden", "shape"),
    TfParam("seed", "data_seed", "seed"),
    TfParam("showTestData", "show_test", "bool"),
    TfParam("discretize", "discretize", "bool"),
    TfParam("percTrainData", "train_ratio", "int"),
    TfParam("problem", "dataset", "choice", {"classification": "classification", "regression": "regression"}),
    TfParam("initZero", "init", "bool"),
    TfParam("hideText", "hidden_controls", "bool"),
)  # fmt: skip
PARAM_OF_KEY = {p.key: p for p in TF_PARAMS}


def tf_seed_text(seed: int) -> str:
    """Our data seed as TF's seed string: ``12345 -> "0.12345"`` (at least five decimals)."""
    return f"0.{seed:05d}"


def _seed_of(text: str) -> tuple[int, str | None]:
    """Our seed for TF's seed string, and a notice if it was hashed (not TF's ``0.ddddd`` form)."""
    match = re.fullmatch(r"0?\.(\d{1,9})", text)
    if match:
        return int(match.group(1)), None
    seed = zlib.crc32(text.encode("utf-8", "replace")) % (SEED_RANGE[1] + 1)
    return seed, f"TF seed {shown(text)} is not of TF's form 0.ddddd; using data seed {seed}."


def _number(text: str) -> float:
    """TF's ``+value``: a finite decimal number; ValueError otherwise."""
    if len(text) > 40 or not re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*", text):
        raise ValueError
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


def split_link(link: str) -> dict[str, str] | None:
    """The ``key -> value`` pairs of a TF address or its hash part (None if it has none)."""
    text = link.strip()
    if "=" not in text:
        return None
    if "#" in text:
        text = text.split("#", 1)[1]
    elif "?" in text:
        text = text.split("?", 1)[1]
    pairs: dict[str, str] = {}
    for item in text.split("&"):
        if not item.strip():
            continue
        name, _, value = item.partition("=")
        pairs[unquote(name.strip())] = unquote(value.split("=")[0]).strip()  # TF keeps the first '='
    return pairs or None


def _read_pairs(pairs: dict[str, str], values: dict[str, Any], notices: list[str]) -> dict[str, str]:
    """Fill ``values`` (field -> our value) from the TF pairs; returns the problem and data-set words."""
    words: dict[str, str] = {}
    features = list(DEFAULTS.features)
    hides: list[str] = []
    unknown: list[str] = []
    for key, text in pairs.items():
        if key in APP_WIDE_KEYS:  # presenter mode and the theme, in a link pasted from this app
            continue
        if key.endswith(HIDE_SUFFIX):
            target = TF_HIDE_NAMES.get(key[: -len(HIDE_SUFFIX)])
            if target is None:
                unknown.append(shown(key))
            elif text == "true":  # state.ts: only "true" hides
                hides.append(target)
            continue
        if key in TF_FEATURES:
            on = text != "false"
            feature = TF_FEATURES[key]
            features = [f for f in features if f != feature] + ([feature] if on else [])
            continue
        if key in NO_EQUIVALENT:
            if text not in ("", "false") and not (key == "tutorial" and text == "null"):
                notices.append(f"TF setting {key}: {NO_EQUIVALENT[key]}; ignored.")
            continue
        param = PARAM_OF_KEY.get(key)
        if param is None:
            unknown.append(shown(key))
            continue
        _read_one(param, text, values, words, hides, notices)
    values["features"] = tuple(features)
    values["hidden_controls"] = tuple(dict.fromkeys(hides))
    if unknown:
        notices.append(
            "The TF link has settings this page does not know, ignored: " + ", ".join(unknown[:5]) + "."
        )
    return words


def _read_one(param: TfParam, text: str, values, words, hides, notices) -> None:
    """One TF key's value into ``values`` (or ``words`` for problem/dataset/regDataset)."""
    if param.kind == "choice":
        if text not in param.values:
            notices.append(
                f"TF setting {param.key} {shown(text)} is not one of {', '.join(param.values)}; ignored."
            )
        elif param.field == "dataset":
            words[param.key] = param.values[text]
        else:
            values[param.field] = param.values[text]
    elif param.kind in ("number", "int"):
        try:
            number = _number(text)
        except ValueError:
            notices.append(f"TF setting {param.key} {shown(text)} is not a number; ignored.")
            return
        if param.kind == "int":
            if number != int(number):
                notices.append(f"TF setting {param.key} {shown(text)} is not a whole number; ignored.")
                return
            number = int(number)
        values[param.field] = number
    elif param.kind == "bool":
        on = text != "false"
        if param.key == "initZero":
            if on:
                values["init"] = "zeros"
                notices.append(
                    "TF setting initZero: the weights start at 0; the biases still at 0.1 here (TF: 0)."
                )
        elif param.key == "hideText":
            if on:
                hides.append("text")
        else:
            values[param.field] = on
    elif param.kind == "shape":
        parts = [p for p in text.split(",") if p.strip()]
        if not all(re.fullmatch(r"\s*\d{1,3}\s*", p) for p in parts):
            notices.append(f"TF setting networkShape {shown(text)} is not a list of widths; ignored.")
            return
        values["hidden"] = tuple(int(p) for p in parts)
    elif param.kind == "seed":
        seed, note = _seed_of(text)
        values["data_seed"] = values["seed"] = seed
        if note:
            notices.append(note)


def from_tf_link(link: str, base: PlaygroundConfig = DEFAULTS) -> tuple[PlaygroundConfig, list[str]]:
    """The settings a TF Playground address describes, and notices for what was ignored. Never raises.

    TF's defaults (``state.ts``) stand for missing keys; settings TF does not have (optimizer,
    clipping, speed, the view's options) keep ``base``'s, and so does the seed when the link has
    none (TF draws a random one). ``tf_compatible`` is on; ``n_points`` is TF's 500 / 1,200.
    """
    if not isinstance(link, str) or len(link) > MAX_LINK_CHARS:
        return base, [
            f"A TF Playground link is at most {MAX_LINK_CHARS} characters of text; nothing changed."
        ]
    pairs = split_link(link)
    if pairs is None:
        return base, ["That is not a TF Playground link (nothing after '#'); nothing changed."]
    values: dict[str, Any] = {}
    notices: list[str] = []
    words = _read_pairs(pairs, values, notices)
    problem = words.get("problem", "classification")
    default_set = "circle" if problem == "classification" else "plane"
    dataset = words.get("dataset" if problem == "classification" else "regDataset", default_set)
    tf_defaults = dict(
        activation="tanh", regularization="none", batch_size=10, lr=0.03, reg_rate=0.0, noise=0,
        hidden=(4, 2), show_test=False, discretize=False, train_ratio=50, init=base.init,
        layer_activations=(), init_scale=base.init_scale,
    )  # fmt: skip
    config = base.replace(
        **{**tf_defaults, **values},
        dataset=dataset,
        n_points=TF_POINTS[problem],
        tf_compatible=True,
        optimizer="sgd",
    )
    config, problems = validate(config)
    notices += problems
    if len(notices) > MAX_NOTICES:
        notices = notices[: MAX_NOTICES - 1] + [f"… and {len(notices) - MAX_NOTICES + 1} more."]
    return config, notices


_OURS_TO_TF = {p.key: {ours: tf for tf, ours in p.values.items()} for p in TF_PARAMS if p.values}
_TF_OF_HIDE = {ours: tf for tf, ours in TF_HIDE_NAMES.items()}


def _tf_value(param: TfParam, config: PlaygroundConfig) -> str | None:
    value = getattr(config, param.field)
    if param.key == "problem":
        return config.problem
    if param.key in ("dataset", "regDataset"):
        return _OURS_TO_TF[param.key].get(value)
    if param.key == "initZero":
        return "true" if config.init == "zeros" else "false"
    if param.key == "hideText":
        return "true" if "text" in config.hidden_controls else "false"
    if param.kind == "choice":
        return _OURS_TO_TF[param.key].get(value)
    if param.kind == "bool":
        return "true" if value else "false"
    if param.kind == "shape":
        return ",".join(map(str, value))
    if param.kind == "seed":
        return tf_seed_text(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def to_tf_hash(config: PlaygroundConfig) -> str:
    """``config`` as a TF Playground hash (without ``#``). Settings TF cannot express are left
    out (see ``tf_gaps``); TF then uses its defaults for them."""
    parts = []
    for param in TF_PARAMS:
        text = _tf_value(param, config)
        if text is not None:
            parts.append(f"{param.key}={text}")
    for key, feature in TF_FEATURES.items():
        parts.append(f"{key}={'true' if feature in config.features else 'false'}")
    for control in config.hidden_controls:
        if control in _TF_OF_HIDE and control != "text":
            parts.append(f"{_TF_OF_HIDE[control]}{HIDE_SUFFIX}=true")
    return "&".join(parts)


def tf_gaps(config: PlaygroundConfig) -> list[str]:
    """What of ``config`` a TF Playground link cannot carry, in words."""
    gaps = []
    checks: list[tuple[bool, str]] = [
        (config.activation not in _OURS_TO_TF["activation"], f"activation {config.activation}"),
        (config.layer_activations != (), "activations per layer"),
        (config.dataset not in _OURS_TO_TF["dataset"] and config.dataset not in _OURS_TO_TF["regDataset"],
         f"data set {config.dataset}"),
        (config.optimizer != "sgd", f"optimizer {config.optimizer}"),
        (config.init not in ("zeros",) and not config.tf_compatible, f"initialization {config.init}"),
        (config.n_points != TF_POINTS[config.problem], f"{config.n_points} points"),
        (config.clip_norm > 0, "gradient clipping"),
        (config.seed != config.data_seed, "a weight seed different from the data seed"),
        (config.dropout > 0, "dropout"),
        (config.schedule != "constant", "a learning-rate schedule"),
        (bool(config.stop_loss or config.stop_steps), "a stop condition"),
    ]  # fmt: skip
    gaps += [words for failed, words in checks if failed]
    return gaps


def differing_fields(a: PlaygroundConfig, b: PlaygroundConfig) -> list[str]:
    """Field names where ``a`` and ``b`` differ (for tests and messages)."""
    return [f.name for f in dataclasses.fields(a) if getattr(a, f.name) != getattr(b, f.name)]
