"""Checking Playground settings: each field against its range or choices (``playground_settings``),
``validate`` replacing what is out of range by its default with a notice, and the words those
notices use (``allowed``, ``shown``). Pure Python (no Streamlit).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from engine.data import FEATURES
from pages.playground_kinds import KINDS
from pages.playground_settings import (
    DATA_FIELDS,
    DEFAULTS,
    HIDABLE,
    NETWORK_FIELDS,
    RESET_FIELDS,
    SETTING,
    SETTINGS,
    PlaygroundConfig,
)


def allowed(name: str) -> str:
    """What setting ``name`` accepts, in words (for messages)."""
    setting = SETTING[name]
    return KINDS[setting.kind].allowed(setting.domain)


def shown(value: Any) -> str:
    """A value for a message: at most 30 characters, quoted, with Markdown and HTML defused
    (a hostile link must not be able to format or link anything on the page)."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    if len(text) > 30:
        text = text[:29] + "…"
    return "'" + re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$&:])", r"\\\1", text) + "'"


def _check_field(name: str, value: Any) -> bool:
    """True if ``value`` is a valid value (right type and range) for setting ``name``."""
    setting = SETTING[name]
    return KINDS[setting.kind].check(setting.domain, value)


def validate(config: PlaygroundConfig) -> tuple[PlaygroundConfig, list[str]]:
    """``config`` with every invalid field replaced by its default, and a notice for each.

    Besides each field's own range: ``layer_activations`` must name one activation per
    hidden layer (else it is dropped); ``features`` are put in ``FEATURES`` order.
    """
    changes: dict[str, Any] = {}
    notices: list[str] = []
    for setting in SETTINGS:
        value = getattr(config, setting.name)
        if not _check_field(setting.name, value):
            default = getattr(DEFAULTS, setting.name)
            changes[setting.name] = default
            notices.append(
                f"{_label(setting.name)} {shown(value)} is not allowed ({allowed(setting.name)}); "
                f"using {shown(_encode(setting.name, default))}."
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
    return f"Setting {SETTING[name].key}"


def _changed_resets(old: PlaygroundConfig, new: PlaygroundConfig) -> list[str]:
    """The reset fields that differ between ``old`` and ``new`` and matter to them: the regression
    loss is unused when both are classifications, the number of classes unless one is multi-class."""
    return [
        name
        for name in RESET_FIELDS
        if getattr(old, name) != getattr(new, name)
        and not (name == "regression_loss" and new.problem == "classification" == old.problem)
        and not (name == "n_classes" and not (old.multiclass or new.multiclass))
    ]


def changed_reset_fields(old: PlaygroundConfig | None, new: PlaygroundConfig) -> list[str]:
    """Words for the reset settings that differ between ``old`` and ``new`` (all of them if no ``old``)."""
    if old is None:
        return list(RESET_FIELDS.values())
    return [RESET_FIELDS[name] for name in _changed_resets(old, new)]


def changed_parts(old: PlaygroundConfig, new: PlaygroundConfig) -> tuple[bool, bool]:
    """``(data, network)``: whether going from ``old`` to ``new`` gives new data, a new network."""
    differ = _changed_resets(old, new)
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


# ---------------------------------------------------------------------------- URL text
def _encode(name: str, value: Any) -> str:
    """``value`` of setting ``name`` as link text (its kind's ``encode``)."""
    return KINDS[SETTING[name].kind].encode(value)
