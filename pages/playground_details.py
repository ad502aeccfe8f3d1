"""The Playground's paused details: the shown step (live or replayed) as Plotly charts, hover for
exact values, zoom, PNG export. Left: the output (or classes) over the input square with the data,
the train/test curves and, for a classifier, the confusion matrices; right: the network diagram
with every unit's map and the per-layer gradient norms over time.

``paused_detail`` reads everything it draws from the live run under its lock (``shown_state``),
then draws without holding it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine.boundary import boundary_grid, evaluate_boundary
from pages.live.runs import LiveRun
from pages.playground_build import View, view_of
from pages.playground_settings import PlaygroundConfig
from pages.playground_text import NODE_SYMBOL
from viz.boundary_figures import boundary_figure, class_boundary_figure
from viz.confusion import confusion_counts, confusion_figure
from viz.curves import gradient_norm_figure, metric_figure
from viz.frames import point_values
from viz.playground_diagram import (
    NODE_LABELS,
    VIEW_LABELS,
    WEIGHT_SCALE,
    diagram_values,
    playground_diagram,
    unit_names,
)


@dataclass
class ShownState:
    """What the details draw, read from the live run in one go: the ``View`` of the shown step,
    the boundary over the grid (``evaluate_boundary``), the shown network's outputs on the train and
    test rows (``(n_rows, n_out)`` each), the sizes, the data set, the metrics table and the
    gradient norms over steps (``(steps,)``, ``(steps, L)``)."""

    view: View
    grid: object
    boundary: object
    outputs: dict[str, np.ndarray]
    sizes: list[int]
    dataset: object
    metrics: object
    norms: tuple


def shown_state(run: LiveRun, config: PlaygroundConfig) -> ShownState:
    """The shown step's values, read under ``run.lock``."""
    with run.lock:
        trainer, shown = run.model.trainer, run.model
        view = view_of(trainer, shown.replay, shown.resumed)
        grid = boundary_grid(config.features)
        boundary = evaluate_boundary(trainer.network, grid, view.weights, view.biases)
        shown_net = trainer.network.copy()
        shown_net.set_parameters(list(view.weights), list(view.biases))
        data = trainer.dataset
        outputs = {"train": shown_net.predict(data.X_train), "test": shown_net.predict(data.X_test)}
        history = trainer.history
        return ShownState(
            view, grid, boundary, outputs, trainer.network.sizes, data, history.metrics(),
            (history.steps, history.column("grad_W_norm")),
        )  # fmt: skip


def paused_detail(run: LiveRun, config: PlaygroundConfig) -> None:
    """Paused: the shown state as Plotly charts (hover for exact values, zoom, PNG export)."""
    shown = shown_state(run, config)
    marker = shown.view.steps if shown.view.replaying else None
    left, right = st.columns(2)
    with left:
        st.plotly_chart(output_figure(shown, config), key="pg.boundary_chart", width="stretch")
        classification = config.problem == "classification"
        st.plotly_chart(metric_figure(shown.metrics, classification=classification, marker_step=marker),
                        key="pg.metric_chart", width="stretch")  # fmt: skip
        if classification:
            confusion_chart(shown.dataset, shown.outputs, shown.view.caption)
    with right:
        st.plotly_chart(diagram_figure(shown, config), key="pg.diagram_chart", width="stretch")
        st.plotly_chart(gradient_norm_figure(*shown.norms, marker_step=marker), key="pg.gradnorm_chart",
                        width="stretch")  # fmt: skip


def output_figure(shown: ShownState, config: PlaygroundConfig):
    """The output over the input square with the training (and, if shown, test) points; a
    multi-class set: the most likely class."""
    boundary, dataset, caption = shown.boundary, shown.dataset, shown.view.caption
    test = config.show_test
    if config.multiclass:
        return class_boundary_figure(
            boundary, dataset.raw_train, point_values(dataset.Y_train),
            dataset.raw_test if test else None,
            point_values(dataset.Y_test) if test else None, title=f"Classes {caption}",
        )  # fmt: skip
    return boundary_figure(
        boundary, dataset.raw_train, dataset.Y_train[:, 0],
        dataset.raw_test if test else None,
        dataset.Y_test[:, 0] if test else None,
        classification=config.problem == "classification", discretize=config.discretize,
        title=f"Output {caption}", probability_output=config.probability_output,
    )  # fmt: skip


def diagram_figure(shown: ShownState, config: PlaygroundConfig):
    """The network diagram of the shown step: edges by ``config.view``, units by ``node_colour``,
    a small output map in every unit."""
    view = shown.view
    edges, nodes = diagram_values(view.step, view.weights, config.view, config.node_colour)
    where = f"step {view.step.index}" if view.step is not None else "no step yet"
    title = f"Edges {VIEW_LABELS[config.view]}, units {NODE_SYMBOL[config.node_colour]} ({where})"
    names = unit_names(shown.grid.features, shown.sizes)
    return playground_diagram(
        shown.sizes, names, edges, nodes, edge_label=VIEW_LABELS[config.view],
        node_label=NODE_LABELS[config.node_colour], maps=shown.boundary.maps,
        classification=config.problem == "classification",
        log_scale=config.log_widths, width_hint=540, title=title,
        probability_output=config.probability_output,
        fixed_scale=WEIGHT_SCALE if config.view == "weights" else None,
    )  # fmt: skip


def confusion_chart(dataset, outputs: dict, caption: str) -> None:
    """The confusion matrices of the shown state's ``outputs`` (``train``/``test``) on ``dataset``."""
    threshold, labels = dataset.label_threshold, [str(c) for c in dataset.class_labels]
    counts = {
        "train": confusion_counts(outputs["train"], dataset.Y_train, threshold),
        "test": confusion_counts(outputs["test"], dataset.Y_test, threshold),
    }
    figure = confusion_figure(counts, labels, f"Confusion matrix {caption}")
    st.plotly_chart(figure, key="pg.confusion_chart", width="stretch")
