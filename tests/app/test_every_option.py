"""Every option a page lists, walked through that page's logic (Playground, Vanishing, Learning
rate, Activations & losses): build the configuration and the
trainer, take two steps, and build every view and figure the page draws from it. Small sizes
and few steps; the lists come from the same tables the widgets read (``HIDDEN_ACTIVATIONS``,
``INITS``, the loss records, the mitigations, ...), so an entry added to one of them is walked
here too and can never crash a page unseen (as ``KeyError: 'swish'`` once did with careful init).
"""

import itertools
import math

import numpy as np
import pytest

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS
from engine import activation_stats as A
from engine import loss_compare as C
from engine.boundary import boundary_grid, evaluate_boundary
from engine.data import FEATURES, TOY_SETS
from engine.diagnosis import divergence_report
from engine.history import metrics_at
from pages import learning_rate_state as ls
from pages import playground_build as pb
from pages import playground_settings as pst
from pages import vanishing_state as vs
from pages import widgets
from pages.playground_validate import validate
from viz.activation_curves import (
    activation_grid,
    dead_units_figure,
    derivative_product,
    layer_histograms,
    loss_gradients,
    side_by_side,
)
from viz.boundary_figures import boundary_figure
from viz.curves import gradient_norm_figure, loss_per_step, metric_figure
from viz.gradients import (
    HEATMAP_MODES,
    QUANTITIES,
    histogram_ridges,
    layer_step_heatmap,
    loss_by_step,
    norm_by_layer,
    theory_chart,
    update_ratio_chart,
)
from viz.playground_diagram import VIEW_LABELS, diagram_values, playground_diagram, unit_names
from viz.surface import cut_figure, descent_figure, range_test_figure, surface_3d

STEPS = 2


# ============================================================================ Playground
def playground_figures(trainer, config: pst.PlaygroundConfig) -> int:
    """What the Playground's training area draws for ``trainer`` (pages/playground.py), for
    every edge view and unit colouring; returns the number of figures built."""
    view = pb.view_of(trainer)
    grid = boundary_grid(config.features)
    network = trainer.network
    boundary = evaluate_boundary(network, grid, view.weights, view.biases)
    names = unit_names(grid.features, network.sizes)
    data = trainer.dataset
    classification = config.problem == "classification"
    figures = [
        boundary_figure(
            boundary,
            data.raw_train,
            data.Y_train[:, 0],
            data.raw_test,
            data.Y_test[:, 0],
            classification=classification,
            discretize=config.discretize,
            unit=(1, 0),
            unit_name=names[1][0],
        ),  # fmt: skip
        metric_figure(trainer.history.metrics(), classification=classification),
        gradient_norm_figure(trainer.history.steps, trainer.history.column("grad_W_norm")),
    ]
    for edges_shown, node_colour in itertools.product(VIEW_LABELS, pst.NODE_COLOURS):
        edges, nodes = diagram_values(view.step, view.weights, edges_shown, node_colour)
        figures.append(
            playground_diagram(
                network.sizes, names, edges, nodes, maps=boundary.maps, classification=classification
            )
        )
    assert all(f.data for f in figures)
    assert view.steps == STEPS and math.isfinite(view.metrics["train_loss"])
    return len(figures)


def playground_config(**changes) -> pst.PlaygroundConfig:
    config = pst.DEFAULTS.replace(n_points=40, hidden=(3, 2), **changes)
    assert validate(config) == (config, [])  # every listed option is valid
    return config


def playground_run(config: pst.PlaygroundConfig):
    trainer = pb.build_trainer(config)
    assert pb.advance(trainer, STEPS) == STEPS and trainer.divergence is None
    return trainer


# classification data train with bce whatever regression_loss says; regression with each loss listed
PLAYGROUND_LOSSES = [
    ("circle", pst.DEFAULTS.regression_loss),
    *(("plane", loss) for loss in pst.REGRESSION_LOSSES),
]


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_playground_every_activation_loss_and_init(activation):
    """Every activation x every loss the page offers (bce for classification, the regression
    losses) x every init, with the figures for each activation x loss."""
    for (dataset, loss), init in itertools.product(PLAYGROUND_LOSSES, INITS):
        config = playground_config(dataset=dataset, regression_loss=loss, activation=activation, init=init)
        trainer = playground_run(config)
        assert trainer.network.loss == config.loss and trainer.network.activation_names[0] == activation
        if init == pst.DEFAULTS.init:
            assert playground_figures(trainer, config) == 3 + len(VIEW_LABELS) * len(pst.NODE_COLOURS)
    assert activation in widgets.ACTIVATION_HELP  # the select's help names it


def test_playground_every_optimizer_regularization_data_set_and_feature():
    for optimizer, regularization in itertools.product(OPTIMIZERS, pst.REGULARIZATIONS):
        config = playground_config(
            optimizer=optimizer, regularization=regularization, reg_rate=0.01, clip_norm=1.0
        )
        trainer = playground_run(config)
        live = config.replace(lr=0.1, batch_size=5, optimizer="adam")
        pb.apply_live_settings(trainer, config, live)
        assert pb.advance(trainer, 1) == 1
    for dataset in TOY_SETS:
        config = playground_config(dataset=dataset, features=tuple(FEATURES), discretize=True)
        playground_figures(playground_run(config), config)


# ============================================================================ Vanishing gradients
MITIGATIONS = ("careful_init", "batch_norm", "residual", "clip")
SMALL = dict(depth=3, width=4)


def vanishing_views(runs: list[vs.Run], heatmap: int = 0, draw: bool = True) -> int:
    """What the Vanishing page's live area computes and draws for ``runs`` (pages/vanishing.py:
    ``draw_live_area``); returns the number of figures built (none unless ``draw``: building
    Plotly figures is most of the time). The layer x step heatmap is drawn for one of its
    ``QUANTITIES x HEATMAP_MODES`` choices, number ``heatmap``; every choice's data is computed."""
    last = max(run.last_step for run in runs)
    shown = vs.shown_steps(runs, last)
    step = vs.main_step(runs, last, shown)
    for run in runs:
        report = divergence_report(run.trainer, f"configuration {run.name}")
        if report is not None:
            vs.stopped_note(run, runs, shown)
        if run.config.resolved_init()[0] == "zeros":
            assert vs.symmetry(run).shape == (run.config.depth,)
        assert run.label and vs.advice(run) is not None
    vs.thinned_note(runs, last, shown)
    vs.theory_caveats(runs)
    rows = {run.name: vs.view_row(run, shown[run.name]) for run in runs}
    scores = [vs.test_score(run, shown[run.name]) for run in runs]
    assert all(score is not None and math.isfinite(score["value"]) for score in scores)
    theory = {run.name: vs.theory_lines(run, rows[run.name]) for run in runs}
    panels = {q: {run.name: vs.layer_history(run, q) for run in runs} for q in QUANTITIES}
    hists = vs.histograms_at(runs, shown)
    labels = {run.name: vs.layer_labels(run, rows[run.name]) for run in runs}
    for run in runs:
        assert hists[run.name] is not None and vs.activation_range(run.config) > 0
        vs.histogram_note(shown[run.name], hists[run.name]["step"])
    if not draw:
        return 0
    quantity, mode = HEATMAP_CHOICES[heatmap % len(HEATMAP_CHOICES)]
    figures = [
        norm_by_layer(rows, title=f"Gradient per layer at step {step}"),
        update_ratio_chart({run.name: rows[run.name]["update_ratio"] for run in runs}),
        theory_chart(theory),
        loss_by_step(
            {run.name: (run.history.steps, run.history.column("loss")) for run in runs}, marker_step=step
        ),
        layer_step_heatmap(panels[quantity], quantity=quantity, mode=mode, marker_step=step),
    ]
    for run in runs:
        hist = hists[run.name]
        figures.append(
            histogram_ridges(
                hist["activation"],
                hist["activation_edges"],
                hist["gradient"],
                hist["gradient_log10_edges"],
                labels=labels[run.name],
                title=f"{run.name}: histograms",
            )  # fmt: skip
        )
    assert all(f.data for f in figures)
    return len(figures)


HEATMAP_CHOICES = list(itertools.product(QUANTITIES, HEATMAP_MODES))


def vanishing_pair(a: vs.VGConfig, b: vs.VGConfig) -> list[vs.Run]:
    runs = [vs.start_run("A", a.validate()), vs.start_run("B", b.validate())]
    vs.advance(runs, STEPS)
    assert all(run.last_step == STEPS for run in runs)
    return runs


def mitigation_sets():
    return [dict(zip(MITIGATIONS, on)) for on in itertools.product((False, True), repeat=len(MITIGATIONS))]


def vanishing_configs(activation: str) -> list[vs.VGConfig]:
    """Every combination of careful init, batch norm, residual connections and clipping (16),
    and every init and classic init (the configurations without careful init cycle through
    them, the rest that do not fit get no mitigation)."""
    inits = [(init, 1.0) for init in INITS] + [vs.classic_init(case, activation) for case in vs.CLASSIC_INITS]
    configs, free = [], iter(inits)
    for mitigations in mitigation_sets():
        init, scale = ("normal", 1.0) if mitigations["careful_init"] else next(free)
        configs.append(
            vs.VGConfig(activation=activation, init=init, init_scale=scale, **SMALL, **mitigations)
        )
    configs += [vs.VGConfig(activation=activation, init=i, init_scale=s, **SMALL) for i, s in free]
    return configs


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_vanishing_every_activation_with_every_init_and_set_of_mitigations(activation):
    """Every activation x (every combination of the four mitigations, every init and classic
    init), two at a time as A and B, as the page does. Figures for the pairs that differ in what
    the figures show (the first four pairs: every init, and batch norm x residual x clipping;
    the classic inits), the views' data for all (careful init changes only the weights)."""
    configs = vanishing_configs(activation)
    assert {c.resolved_init() for c in configs} >= {(i, 1.0) for i in INITS} | {
        vs.classic_init(case, activation) for case in vs.CLASSIC_INITS
    }
    for k, (a, b) in enumerate(zip(configs[::2], configs[1::2])):
        runs = vanishing_pair(a, b)
        drawn = k < 4 or k >= 8
        assert vanishing_views(runs, heatmap=k, draw=drawn) == (7 if drawn else 0)
        for run in runs:
            if run.config.careful_init:
                assert run.network.init == vs.classic_init("appropriate", activation)[0]


def test_vanishing_every_data_set_loss_and_optimizer():
    k = 0
    for dataset in vs.BUILT_IN_SETS:
        losses = vs.losses_for(dataset)
        configs = [vs.VGConfig(dataset=dataset, loss=loss, **SMALL) for loss in losses]
        for a, b in zip(configs[::2], configs[1::2] + configs[:1]):
            runs = vanishing_pair(a, b)
            vanishing_views(runs, heatmap=k)
            k += 1
            assert {run.network.loss for run in runs} <= set(losses)
    for optimizer in OPTIMIZERS:
        runs = vanishing_pair(
            vs.VGConfig(optimizer=optimizer, **SMALL), vs.VGConfig(optimizer=optimizer, clip=True, **SMALL)
        )
        run, restarted = vs.sync_run(runs[0], "A", vs.VGConfig(optimizer="sgd", **SMALL))
        assert not restarted and vs.advance([run], 1) == 1
        vanishing_views(runs, heatmap=k)
        k += 1
        assert metrics_at(run.history, run.last_step)  # an evaluation to show


def test_the_walk_covers_every_listed_option():
    """The walks above read their lists from the tables the widgets use: a sanity check that
    those lists are what the pages offer (so the walk cannot silently shrink)."""
    assert len(HIDDEN_ACTIVATIONS) >= 8 and len(INITS) == 8 and len(mitigation_sets()) == 16
    assert {loss for dataset in vs.BUILT_IN_SETS for loss in vs.losses_for(dataset)} == {
        "bce",
        "cross_entropy",
        "mse",
        "sse",
    }
    assert np.array_equal(sorted(pst.REGRESSION_LOSSES), ["mse", "sse"])
    assert set(ls.OPTIMIZER_HYPER) == set(OPTIMIZERS)  # the optimizer section draws every optimizer
    assert set(ls.NEURON_ACTIVATIONS) <= set(HIDDEN_ACTIVATIONS) and len(ls.MODES) == 2


# ============================================================================ Learning rate
LR_STEPS = ls.STEPS_RANGE[0]  # the fewest steps the page offers


def learning_rate_figures(settings: ls.LRSettings) -> int:
    """What the Learning rate page draws for ``settings`` (pages/learning_rate.py: the main
    chart and its 3-D twin, the cut at the first and last step along each parameter, the loss
    per step); returns the number of figures built."""
    view = ls.scene(settings)
    assert len(view.paths) == len(view.labels) == len(view.legends) == len(view.sources)
    assert "your η" in view.sources and all(label.label for label in view.labels)
    mine = view.paths[view.sources.index("your η")]
    figures = [
        descent_figure(view.grid, view.paths, view.legends, view.names, height=470),
        surface_3d(view.grid, view.paths, view.legends, view.names),
        loss_per_step(view.paths, view.legends),
    ]
    for step, axis in itertools.product((0, mine.n_steps), (0, 1)):
        figures.append(cut_figure(ls.cut_view(settings, step, axis), view.names[axis]))
    assert all(f.data for f in figures)
    return len(figures)


@pytest.mark.parametrize("optimizer", tuple(OPTIMIZERS))
def test_learning_rate_every_model_activation_and_optimizer(optimizer):
    """Every model the page lists (a neuron with each of its activations, the network) x every
    optimizer, with every figure of the main chart and the cut."""
    settings = [
        ls.LRSettings(mode="neuron", activation=a, optimizer=optimizer, n_steps=LR_STEPS)
        for a in ls.NEURON_ACTIVATIONS
    ]
    settings.append(ls.LRSettings(mode="network", optimizer=optimizer, n_steps=LR_STEPS))
    assert {s.mode for s in settings} == set(ls.MODES)
    for s in settings:
        assert learning_rate_figures(s) == 7


def test_learning_rate_every_rate_weight_and_start():
    """Every learning rate the page lists (and its bounds), every weight of the network on
    either axis, and the start sliders' ends, through the page's engine calls."""
    for lr in (*ls.LEARNING_RATES, *ls.LR_BOUNDS):
        view = ls.scene(ls.LRSettings(lr=lr, n_steps=LR_STEPS))
        assert any(math.isclose(p.lr, lr) for p in view.paths)
    n = len(ls.NETWORK_WEIGHTS)
    for i in range(n):
        pair = (i, (i + 1) % n)
        for weights in (pair, pair[::-1]):
            view = ls.scene(ls.LRSettings(mode="network", weights=weights, n_steps=LR_STEPS))
            assert view.names == tuple(ls.weight_name(w) for w in weights)
    lo, hi = ls.START_RANGE
    for start in itertools.product((lo, hi), repeat=2):
        assert learning_rate_figures(ls.LRSettings(start=start, n_steps=LR_STEPS)) == 7


def test_learning_rate_range_test_and_optimizer_sections_every_option():
    """The range test on every data set it lists; the optimizer comparison on every surface."""
    for dataset in ls.RANGE_DATASETS:
        test = ls.range_test(dataset, 10)
        assert range_test_figure(test).data
    for surface in ls.OPTIMIZER_SURFACES:
        for momentum in (0.0, 0.99):
            grid, names, paths, legends = ls.optimizer_scene(surface, 0.03, LR_STEPS, momentum)
            assert len(paths) == len(legends) == len(ls.OPTIMIZER_HYPER) == len(OPTIMIZERS)
            assert descent_figure(grid, paths, legends, names).data


# ============================================================================ Activations & losses
def test_activations_every_activation_and_init_at_initialization():
    """The layer section: every activation the select lists x every init, with both figures;
    the grid of every activation record."""
    for activation, init in itertools.product(HIDDEN_ACTIVATIONS, INITS):
        view = A.layer_at_init(activation, init, 8, 3)
        assert layer_histograms(view, 2).data and derivative_product(view).data
        assert np.isfinite(view.derivative_product).all() or init == "zeros"
    table = A.activation_table()
    assert {c.name for c in table} >= set(HIDDEN_ACTIVATIONS)
    assert activation_grid(table).data


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_activations_dead_units_for_every_activation(activation):
    """The dead-ReLU section (it lists four of the ReLU family; every hidden activation is walked,
    so a new one can be offered there without a crash)."""
    run = A.dead_units_run(1.0, 10, activation=activation)
    assert dead_units_figure(run).data


def test_losses_every_target_output_and_pair_of_losses():
    """The loss section: both targets of the sigmoid output, the softmax output, and every pair of
    losses ``engine.loss_compare`` compares trained side by side."""
    logits = np.linspace(-10.0, 10.0, 21)
    softmax = C.output_gradients("softmax", logits)
    for target in (1.0, 0.0):
        sigmoid = C.output_gradients("sigmoid", logits, target)
        assert loss_gradients(logits, sigmoid, softmax, target).data
    for output, losses in C.OUTPUTS.items():
        if output == "sigmoid":
            runs = C.train_side_by_side(losses, n_steps=20)
            assert [r.loss for r in runs] == list(losses) and side_by_side(runs).data
