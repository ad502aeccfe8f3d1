"""Step by step's session: the network being stepped (parameters, sample, losses so far) in
``st.session_state`` under ``sbs.`` keys, and every change to it: a new or the worked example's
network, the phase, an applied update, a run of many steps, a click in the diagram, the cells
edited in the tables (parsed with the engine's messages).

Keys: ``sbs.params`` (weights, biases), ``sbs.sample`` (x, t), ``sbs.losses`` (one per applied
step), ``sbs.version`` (bumped on every new network, so the editors start afresh), ``sbs.sizes``,
``sbs.phase``, ``sbs.ran`` (the steps a run took, said once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine import Network
from engine.parse import parse_number
from viz.diagram import PHASES, parse_item

RUN_STEPS = 10_000
# Matt Mazur's worked example: the default network, sample and target.
EXAMPLE = dict(
    sizes=[2, 2, 2],
    weights=[np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40, 0.50], [0.45, 0.55]])],
    biases=[np.array([0.35, 0.35]), np.array([0.60, 0.60])],
    x=np.array([0.05, 0.10]),
    t=np.array([0.01, 0.99]),
)
state = st.session_state


@dataclass
class Settings:
    """The sidebar's choices: ``sizes = [n_in, *widths, n_out]``, the activations and loss, the
    learning rate and whether the biases stay fixed (Mazur's mode: his update and his names)."""

    sizes: list[int]
    activation: str
    output_activation: str
    loss: str
    lr: float
    fixed_biases: bool

    @property
    def network(self) -> dict:
        """The keyword arguments of the network and its step (``Network.from_parameters`` + ``lr``)."""
        return dict(
            activation=self.activation, output_activation=self.output_activation, loss=self.loss, lr=self.lr
        )


@dataclass
class Current:
    """The network on screen and its step: parameters (the user's edits parsed in, if they all
    parse), the sample ``x`` ``(n_in,)`` and target ``t`` ``(n_out,)``, the unit names, the edits'
    errors, ``net`` before the step, ``trained`` after it, ``step`` and the loss after the update."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    x: np.ndarray
    t: np.ndarray
    names: list[list[str]]
    version: int
    errors: list[str]
    net: Network | None = None
    trained: Network | None = None
    step: object = None
    next_loss: float = float("nan")


def reset_network(sizes, init, init_scale, seed, example=False) -> None:
    """New parameters (the worked example, or seeded random ones) and a fresh history."""
    if example:
        state["sbs.params"] = (list(EXAMPLE["weights"]), list(EXAMPLE["biases"]))
        state["sbs.sample"] = (EXAMPLE["x"].copy(), EXAMPLE["t"].copy())
    else:
        net = Network(sizes, activation="sigmoid", init=init, init_scale=init_scale, bias_init=0.1, seed=seed)
        state["sbs.params"] = (net.weights, net.biases)
        rng = np.random.default_rng(seed)
        t = np.eye(sizes[-1])[0] if sizes[-1] > 1 else np.array([1.0])
        state["sbs.sample"] = (np.round(rng.uniform(-1, 1, sizes[0]), 2), t)
    state["sbs.losses"] = []
    state["sbs.version"] = state.get("sbs.version", 0) + 1
    state["sbs.sizes"] = list(sizes)


def load_example() -> None:
    for key, value in (("sbs.n_in", 2), ("sbs.n_hidden", 1), ("sbs.width1", 2), ("sbs.n_out", 2)):
        state[key] = value
    reset_network(EXAMPLE["sizes"], None, None, None, example=True)


def move_phase(delta: int) -> None:
    index = PHASES.index(state.get("sbs.phase", "forward"))
    state["sbs.phase"] = PHASES[(index + delta) % len(PHASES)]


def apply_update(new_weights, new_biases, loss: float) -> None:
    state["sbs.params"] = (new_weights, new_biases)
    state["sbs.losses"] = [*state["sbs.losses"], loss]
    state["sbs.version"] += 1
    state["sbs.phase"] = "forward"


def run_steps(n: int, settings: dict, fixed_biases: bool) -> None:
    """``n`` more training steps on the sample (stopping at a divergence: the last finite
    network stays); every step's loss joins the history."""
    weights, biases = state["sbs.params"]
    x, t = state["sbs.sample"]
    settings = dict(settings)
    lr = settings.pop("lr")
    net = Network.from_parameters(weights, biases, **settings)
    losses = []
    for _ in range(n):
        step = net.train_step(x[None, :], t[None, :], lr=lr, fixed_biases=fixed_biases)
        if step.diverged:
            break
        losses.append(step.loss)
    state["sbs.params"] = (net.weights, net.biases)
    state["sbs.losses"] = [*state["sbs.losses"], *losses]
    state["sbs.version"] += 1
    state["sbs.phase"] = "forward"
    state["sbs.ran"] = (len(losses), n)


def select_clicked(chart_key: str, item_key: str, items: list[tuple]) -> None:
    """The diagram's click (a selection event): explain the neuron or weight clicked. Every
    click also changes the figure (``sbs.clicks``), so the chart is drawn afresh, without
    Plotly's fading of the points not clicked."""
    state["sbs.clicks"] = state.get("sbs.clicks", 0) + 1
    event = state.get(chart_key)
    points = event["selection"]["points"] if event else []
    for point in points:
        item = parse_item(point.get("customdata"))
        if item in items:
            state[item_key] = item
            return


def edited_values(
    base: np.ndarray, key: str, where: str, columns: list[str], errors: list[str]
) -> np.ndarray:
    """``base`` with the cells the user edited in editor ``key`` parsed in (errors collected).

    Only edited cells are parsed, so unedited values keep their full precision.
    """
    edits = state.get(key, {}).get("edited_rows", {})
    values = base.copy()
    for row, changes in edits.items():
        for column, text in changes.items():
            try:
                value = parse_number(text, f"{where}, row {int(row) + 1}, column {column}")
                values[int(row), columns.index(column)] = value
            except ValueError as error:
                errors.append(str(error))
    return values
