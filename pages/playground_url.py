"""The Playground's address: every setting has a short key (``Setting.key`` in the settings table
``playground_settings.SETTINGS``; ``to_query`` and ``from_query`` are loops over it, each value
written and read by its kind, ``playground_kinds``), so a shared link
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
from collections.abc import Mapping
from typing import Any

from engine.data import (
    CLASSIFICATION_SETS,
    TOY_SETS,
)
from pages.playground_kinds import KINDS, TRUE_WORDS
from pages.playground_settings import (
    DEFAULTS,
    HIDABLE,
    MAX_NOTICES,
    MAX_QUERY_VALUE,
    POINTS_BY_PROBLEM,
    SETTING,
    SETTINGS,
    UPLOAD,
    PlaygroundConfig,
)
from pages.playground_validate import _encode, _label, allowed, shown, validate

FIELD_OF_KEY = {s.key: s.name for s in SETTINGS}


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
    """The typed value of URL text for setting ``name`` (its kind's ``decode``); raises ValueError
    (or OverflowError) if it does not parse."""
    setting = SETTING[name]
    return KINDS[setting.kind].decode(setting.domain, text.strip())


def to_query(config: PlaygroundConfig) -> dict[str, str]:
    """Every setting as URL text, keyed by its short name (``Setting.key``), in the table's order."""
    return {s.key: _encode(s.name, getattr(config, s.name)) for s in SETTINGS}


def from_query(params: Mapping[str, Any]) -> tuple[PlaygroundConfig, list[str]]:
    """The config a link describes, and notices for what was ignored. Never raises.

    ``params`` maps short names to text (or lists of text, the last one counting), as
    ``st.query_params.to_dict()``. Missing settings take their defaults silently (the number of
    points: TF Playground's 500, or 1,200 for a regression data set); unknown
    names, values that do not parse, are too long or out of range are ignored with a notice.
    At most ``MAX_NOTICES`` notices are returned (the last one says how many more there were).
    """
    try:
        items = list(params.items())
    except Exception:  # noqa: BLE001 - a hostile mapping must not crash the page
        return DEFAULTS, ["The link's settings could not be read; using the defaults."]
    values, notices = _read_items(items)
    _link_defaults(values, notices)
    config, problems = validate(dataclasses.replace(DEFAULTS, **values))
    return config, _capped(notices + problems)


def _read_items(items: list) -> tuple[dict[str, Any], list[str]]:
    """The typed values of the link's ``(key, text)`` items that parse, and notices for the rest:
    one per value that is too long or does not parse, one listing the unknown keys. ``<name>_hide``
    keys add to ``hidden_controls``; ``APP_WIDE_KEYS`` are passed over."""
    values: dict[str, Any] = {}
    notices: list[str] = []
    unknown: list[str] = []
    hides: list[str] = []  # from <name>_hide=true keys
    for key, raw in items:
        if key in APP_WIDE_KEYS:  # presenter mode and the colour theme: every page's, not ours
            continue
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        hidden = hide_target(key) if isinstance(key, str) else None
        if hidden is not None:
            if str(raw).strip().lower() in TRUE_WORDS:
                hides.append(hidden)
            continue
        name = FIELD_OF_KEY.get(key) if isinstance(key, str) else None
        if name is None:
            unknown.append(shown(key))
            continue
        _read_value(name, raw if isinstance(raw, str) else str(raw), values, notices)
    if unknown:
        listed = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        notices.append(f"The link has settings this page does not know, ignored: {listed}.")
    if hides:
        values["hidden_controls"] = tuple(dict.fromkeys((*values.get("hidden_controls", ()), *hides)))
    return values, notices


def _read_value(name: str, raw: str, values: dict[str, Any], notices: list[str]) -> None:
    """``values[name]``: the link text ``raw`` decoded, or a notice saying why it is ignored."""
    default = shown(_encode(name, getattr(DEFAULTS, name)))
    if len(raw) > MAX_QUERY_VALUE:
        notices.append(
            f"{_label(name)} is {len(raw)} characters long (at most {MAX_QUERY_VALUE}); using {default}."
        )
        return
    try:
        values[name] = _decode(name, raw)
    except (ValueError, OverflowError):
        notices.append(f"{_label(name)} {shown(raw)} is not valid ({allowed(name)}); using {default}.")


def _link_defaults(values: dict[str, Any], notices: list[str]) -> None:
    """A link cannot carry an uploaded CSV (the default data set instead, with a notice); a
    regression data set without ``points`` gets TF Playground's 1,200."""
    if values.get("dataset") == UPLOAD:
        values.pop("dataset")
        notices.append(
            f"A link cannot carry an uploaded CSV; using {shown(DEFAULTS.dataset)}. Upload the file again."
        )
    dataset = values.get("dataset", DEFAULTS.dataset)
    if "n_points" not in values and dataset in TOY_SETS and dataset not in CLASSIFICATION_SETS:
        values["n_points"] = POINTS_BY_PROBLEM["regression"]


def _capped(notices: list[str]) -> list[str]:
    """At most ``MAX_NOTICES`` notices, the last one saying how many more there were."""
    if len(notices) <= MAX_NOTICES:
        return notices
    extra = len(notices) - (MAX_NOTICES - 1)
    return notices[: MAX_NOTICES - 1] + [f"… and {extra} more settings of the link were ignored."]
