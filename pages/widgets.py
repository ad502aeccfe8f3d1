"""Widgets shared by every page, built in one place so they look and behave the same.

Every widget takes a ``key`` (pages prefix theirs, e.g. ``"sbs.lr"``) so that each page's
choices live in its own slot of ``st.session_state``.

**Integer inputs and NaN.** A client may send any number for a widget. For an integer
``st.number_input`` Streamlit 1.67 calls ``int(value)`` on it while it reads the widget
states, before any line of the page runs, so NaN (``ValueError``) or an infinity
(``OverflowError``) became an uncaught error that no page could catch. Importing this module
wraps that conversion once (``_guard_integer_number_inputs``): a non-finite value becomes a
``NotFinite`` (an ``int`` equal to the widget's default, marked), as Streamlit already does for
float inputs; ``int_input`` then puts back the last valid value and says so.
"""

from __future__ import annotations

import math
import re
from typing import Any

import streamlit as st
from streamlit.elements.widgets import number_input as _number_input

from engine import ACTIVATIONS, HIDDEN_ACTIVATIONS, INITS, LOSSES
from engine.parse import parse_number

PLAYGROUND_LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def records_help(records, names) -> str:
    """A select's help, one line per option from its engine record: ``- **name**: help``."""
    return "\n".join(f"- **{name}**: {records[name].help}" for name in names)


ACTIVATION_HELP = records_help(ACTIVATIONS, HIDDEN_ACTIVATIONS)
INIT_HELP = "How the starting weights are drawn. 'normal'/'uniform' use the scale as std/limit."


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>!|~$&:])")  # inline syntax; line breaks become ?


def plain(text: Any) -> str:
    """User text (a file name, a CSV header, a value from a link) for a Markdown element, shown
    as typed: every inline Markdown, HTML, LaTeX (``$``) and emoji/icon (``:``) character is
    backslash-escaped, and control characters (line breaks too, so no heading or list can
    start) are shown as ``?``. ``[x](http://e)`` stays
    that text instead of becoming a link."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


class NotFinite(int):
    """The default an integer number input fell back to when the client sent NaN or an infinity."""


def _guard_integer_number_inputs() -> None:
    """Wrap ``NumberInputSerde.deserialize`` once so that a non-finite value sent for an integer
    input gives ``NotFinite(default)`` instead of raising inside Streamlit (see the module's
    docstring). Idempotent; float inputs are left to Streamlit, which already resets them."""
    serde = _number_input.NumberInputSerde
    if getattr(serde.deserialize, "_backprop_lab_guard", False):
        return
    original = serde.deserialize

    def deserialize(self, ui_value):
        if (
            self.data_type == _number_input.NumberInputProto.INT
            and isinstance(ui_value, float)
            and not math.isfinite(ui_value)
        ):
            return NotFinite(original(self, None))
        return original(self, ui_value)

    deserialize._backprop_lab_guard = True
    serde.deserialize = deserialize


_guard_integer_number_inputs()


def int_input(
    label: str, min_value: int, max_value: int, key: str, default: int | None = None, **kwargs
) -> int:
    """An integer ``st.number_input`` that keeps its last valid value when a client sends NaN or
    an infinity (``NotFinite``), with an error saying so. ``default`` (``min_value`` if None)
    is the value of a fresh session; ``kwargs`` go to ``st.number_input`` (``step``, ``help``)."""
    last_key = f"{key}.last_valid"
    value = st.session_state.get(key)
    problem = None
    if isinstance(value, NotFinite):
        kept = st.session_state.get(last_key, min_value if default is None else default)
        problem = f"{label}: the value received was not a finite number; kept {kept}."
        st.session_state[key] = kept
    elif value is None:
        st.session_state[key] = min_value if default is None else default
    result = int(st.number_input(label, min_value, max_value, step=kwargs.pop("step", 1), key=key, **kwargs))
    st.session_state[last_key] = result
    if problem:
        st.error(problem)
    return result


def activation_select(key: str, default: str = "tanh", label: str = "Activation") -> str:
    return st.selectbox(
        label, HIDDEN_ACTIVATIONS, index=HIDDEN_ACTIVATIONS.index(default), key=key, help=ACTIVATION_HELP
    )


def loss_select(key: str, default: str = "sse", options: tuple[str, ...] = tuple(LOSSES)) -> str:
    return st.selectbox(
        "Loss", options, index=options.index(default), key=key, help=records_help(LOSSES, options)
    )


def init_select(key: str, default: str = "xavier_uniform") -> tuple[str, float]:
    """Init scheme (key ``key``) and its scale (``{key}.scale``: std/limit for normal/uniform,
    a gain for the others).

    The defaults go into the session state before the widgets exist, and the widgets get no
    default of their own, so a page's callback may set these keys (e.g. a "classic init"
    button) without Streamlit warning that a widget had a default and a state value."""
    st.session_state.setdefault(key, default)
    st.session_state.setdefault(f"{key}.scale", 1.0)
    scheme = st.selectbox("Initialization", INITS, key=key, help=INIT_HELP)
    scale = st.number_input(
        "Init scale" if scheme in ("normal", "uniform") else "Init gain",
        min_value=0.0,
        max_value=100.0,
        step=0.1,
        format="%g",
        key=f"{key}.scale",
        disabled=scheme == "zeros",
    )
    return scheme, float(scale)


def learning_rate_input(key: str, default: float = 0.1, label: str = "Learning rate η") -> float:
    """Free entry of the learning rate (any value from 0 to 1e6; large ones diverge, on purpose)."""
    return float(
        st.number_input(label, min_value=0.0, max_value=1e6, value=default, step=0.05, format="%g", key=key)
    )


def seed_input(key: str, default: int = 0) -> int:
    return int_input("Seed", 0, 2**31 - 1, key, default)


def divergence_banner(step_number: int, message: str, last_loss: float | None = None) -> None:
    """The one message every page shows when training blew up."""
    before = f" The loss just before was {last_loss:.4g}." if last_loss is not None else ""
    st.error(
        f"**Training diverged at step {step_number}:** {message}.{before} "
        "The network shown is the last one with finite numbers. "
        "Try a smaller learning rate, gradient clipping, or a gentler initialization.",
        icon=":material/warning:",
    )


def number_choice(
    label: str,
    options: tuple[float, ...],
    key: str,
    *,
    minimum: float,
    maximum: float,
    help: str | None = None,
) -> float:
    """A select of ``options`` that also takes a typed number (Playground's lists plus free entry).

    The value in ``st.session_state[key]`` is always a valid float in ``[minimum, maximum]``:
    typed text is parsed on the next run (a comma works as the decimal point), and text that is
    not such a number is replaced by the last valid value, with an error saying why. A value
    that is not in ``options`` (typed, or from a link) is added to them so it stays selected.
    """
    last_key = f"{key}.last_valid"
    raw = st.session_state.get(key, options[0])
    problem = None
    try:
        value = parse_number(raw, label, limit=math.inf)
        if not minimum <= value <= maximum:
            raise ValueError(f"{label}: {value:g} is outside the range {minimum:g} to {maximum:g}")
    except ValueError as error:
        problem = f"{error}; kept the last valid value."
        value = st.session_state.get(last_key, options[0])
    st.session_state[key] = value
    st.session_state[last_key] = value
    st.selectbox(
        label,
        sorted({*options, value}),
        key=key,
        accept_new_options=True,
        format_func=lambda v: f"{v:g}" if isinstance(v, (int, float)) else str(v),
        help=(help + " " if help else "") + "Pick one, or type a number and press Enter.",
    )
    if problem:
        st.error(problem)
    return value


def playground_learning_rate(key: str, label: str = "Learning rate η") -> float:
    """Playground's learning rates (0.00001 ... 10) with free entry of any other value up to 1000."""
    return number_choice(
        label,
        PLAYGROUND_LEARNING_RATES,
        key,
        minimum=0.0,
        maximum=1000.0,
        help="Change it while training runs: the next step uses it. 3 and 10 are too large: the loss "
        "jumps about, and on the plane data training diverges.",
    )


def what_to_notice(questions) -> None:
    """The "What to notice" box: predict-then-reveal ``(question, answer)`` pairs, each answer
    hidden in an expander until the learner opens it."""
    with st.container(border=True):
        st.markdown("**What to notice** (guess first, then open)")
        for question, answer in questions:
            with st.expander(question):
                st.markdown(answer)


KEYBOARD_TEXT = (
    "Keyboard: **space** play / pause, **→** one step, **r** reset "
    "(while no text box, slider or button has the focus: click an empty spot first)."
)


def keyboard_caption() -> None:
    """The live views' keyboard shortcuts (``pages/live/stream_client.js``), said once, the same
    on every live page."""
    st.caption(KEYBOARD_TEXT)
