"""The "Learning rate" page's settings and what the engine makes of them (no Streamlit here).

``LRSettings`` is one frozen, hashable choice of the page's widgets; ``scene(settings)`` asks
the engine for everything the main chart shows (the surface on a grid, its Hessian at the
start point, a path per learning rate with its label); ``cut_view``, ``range_test`` and
``optimizer_scene`` do the same for the other sections. Results are plain data, so the page
can cache them (``st.cache_data``) by settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import surface as S
from engine.lr_range import lr_range_test

MODES = {"neuron": "single neuron (w, b)", "network": "two weights of a 2-3-1 network"}
NEURON_ACTIVATIONS = {"linear": "mse", "sigmoid": "bce", "tanh": "mse"}
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0)
LR_BOUNDS = (1e-6, 100.0)
STEPS_RANGE = (5, 100)
START_RANGE = (-3.0, 3.0)
RANGES = {"neuron": ((-3.0, 4.0), (-3.0, 3.0)), "network": ((-4.0, 4.0), (-4.0, 4.0))}
NETWORK_SIZES = (2, 3, 1)
NETWORK_WEIGHTS = tuple(
    ("W", l, i, j) for l, (n_in, n_out) in enumerate(zip(NETWORK_SIZES[:-1], NETWORK_SIZES[1:]))
    for i in range(n_in) for j in range(n_out)
)  # fmt: skip
OPTIMIZER_SURFACES = {"valley": "a long narrow valley", "saddle": "a saddle"}
OPTIMIZER_STARTS = {"valley": (-3.5, 1.0), "saddle": (2.5, 0.001)}
OPTIMIZER_RANGES = {"valley": ((-4.0, 4.0), (-3.0, 3.0)), "saddle": ((-3.0, 3.0), (-1.8, 1.8))}
OPTIMIZER_HYPER = {
    "sgd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "rmsprop": {"alpha": 0.99},
    "adam": {"betas": (0.9, 0.999)},
}
RANGE_DATASETS = ("circle", "xor", "gaussian", "moons")


@dataclass(frozen=True)
class LRSettings:
    mode: str = "neuron"
    activation: str = "linear"
    weights: tuple = (0, 6)  # indices into NETWORK_WEIGHTS (network mode)
    lr: float = 0.1
    start: tuple = (-1.0, 2.0)
    n_steps: int = 40
    optimizer: str = "sgd"


def weight_name(index: int) -> str:
    return S.NetworkSurface.name_of(NETWORK_WEIGHTS[index])


def surface_of(settings: LRSettings):
    if settings.mode == "neuron":
        return S.neuron_surface(settings.activation, NEURON_ACTIVATIONS[settings.activation])
    free = [NETWORK_WEIGHTS[i] for i in settings.weights]
    return S.network_surface(NETWORK_SIZES, "tanh", free)


def learning_rates(lr: float, stable_lr: float) -> list[tuple[float, str]]:
    """The rates drawn together: yours, a tenth of it, and just below / above ``2 / lambda_max``."""
    rates = [(lr / 10, "η/10"), (lr, "your η")]
    if np.isfinite(stable_lr):
        rates += [(0.95 * stable_lr, "0.95·2/λmax"), (1.05 * stable_lr, "1.05·2/λmax")]
    return sorted(rates)


@dataclass(frozen=True)
class Scene:
    grid: tuple
    names: tuple
    curvature: S.Curvature
    paths: list
    labels: list  # PathLabel per path
    legends: list  # legend text per path
    sources: list  # which rate it is ("your η", ...)


def scene(settings: LRSettings) -> Scene:
    surface = surface_of(settings)
    c = S.curvature(surface, settings.start)
    paths, labels, legends, sources = [], [], [], []
    hyper = OPTIMIZER_HYPER[settings.optimizer]
    for lr, source in learning_rates(settings.lr, c.stable_lr):
        path = S.descend(surface, settings.start, settings.optimizer, lr, settings.n_steps, **hyper)
        label = S.label_path(path, c.top_direction)
        paths.append(path)
        labels.append(label)
        sources.append(source)
        legends.append(f"η = {lr:.3g} ({source}): {label.label}")
    x_range, y_range = RANGES[settings.mode]
    grid = S.grid_loss(surface, x_range, y_range, 41 if settings.mode == "neuron" else 31)
    return Scene(grid, surface.names, c, paths, labels, legends, sources)


def cut_view(settings: LRSettings, step: int, axis: int) -> S.Cut:
    """The cut through your learning rate's path at ``step``, along parameter ``axis``."""
    surface = surface_of(settings)
    path = S.descend(surface, settings.start, settings.optimizer, settings.lr, settings.n_steps,
                     **OPTIMIZER_HYPER[settings.optimizer])  # fmt: skip
    point = path.points[min(step, path.n_steps)]
    return S.cut(surface, point, axis, settings.lr, half_width=2.0)


def range_test(dataset: str, k_steps: int):
    return lr_range_test(dataset, hidden=(8,), activation="tanh", k_steps=k_steps, n_lrs=25)


def optimizer_scene(surface_name: str, lr: float, n_steps: int, momentum: float):
    surface = S.valley() if surface_name == "valley" else S.SaddleSurface()
    start = OPTIMIZER_STARTS[surface_name]
    paths, legends = [], []
    for name, hyper in OPTIMIZER_HYPER.items():
        hyper = {**hyper, "momentum": momentum} if "momentum" in hyper else hyper
        path = S.descend(surface, start, name, lr, n_steps, **hyper)
        label = S.label_path(path)
        paths.append(path)
        legends.append(f"{name}: {label.label}, loss {path.losses[-1]:.3g}")
    x_range, y_range = OPTIMIZER_RANGES[surface_name]
    return S.grid_loss(surface, x_range, y_range, 61), surface.names, paths, legends
