"""The decision boundary and every neuron's output map, from ONE batched forward pass.

The plane ``[lo, hi]^2`` is sampled on a ``res x res`` grid (``engine.data.grid``: row ``i``
is the line ``x2 = ys[i]``, column ``j`` the line ``x1 = xs[j]``), mapped to the network's
input features once (``BoundaryGrid``), and pushed through the network in a single
``forward`` call of ``res^2`` rows. Every layer's output ``a[k]`` (``(res^2, sizes[k])``)
is then reshaped, unit by unit, to a ``(res, res)`` map:

    maps[k][u, i, j] = a[k][i * res + j, u]      the value of unit u of layer k at (xs[j], ys[i])

``maps[0]`` are the input features themselves (``x1``, ``x1^2``, ...), ``maps[1 .. L-1]`` the
hidden layers and ``maps[L]`` the output layer, so ``output = maps[L][0]`` is the network's
first output over the plane (a probability for a sigmoid output). Nothing is computed per
grid point in Python. Imports only NumPy and the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.data import DOMAIN, feature_map, grid
from engine.network import Network

DEFAULT_RESOLUTION = 50


@dataclass(frozen=True)
class BoundaryGrid:
    """The evaluation grid, ready for the network.

    ``xs``, ``ys``: ``(res,)`` coordinates; ``X``: ``(res^2, n_features)``, the feature map of
    the grid points in ``engine.data.grid``'s row-major order; ``features``: their names.
    """

    xs: np.ndarray
    ys: np.ndarray
    X: np.ndarray
    features: tuple[str, ...]
    resolution: int
    domain: tuple[float, float]


@dataclass(frozen=True)
class Boundary:
    """One forward pass over a ``BoundaryGrid``.

    ``maps[k]`` is ``(sizes[k], res, res)``: unit ``u`` of layer ``k`` (``k = 0`` the input
    features, ``k = L`` the output) at every grid point, ``maps[k][u, i, j]`` being its value
    at ``(xs[j], ys[i])``. ``output`` is ``maps[-1][0]``, ``(res, res)``.
    """

    xs: np.ndarray
    ys: np.ndarray
    maps: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.maps[-1][0]

    @property
    def resolution(self) -> int:
        return len(self.xs)


def boundary_grid(
    features: Sequence[str] = ("x1", "x2"),
    resolution: int = DEFAULT_RESOLUTION,
    domain: tuple[float, float] = DOMAIN,
) -> BoundaryGrid:
    """A ``resolution x resolution`` grid over ``domain^2`` with its ``features`` computed once.

    Raises ``engine.data.DataError`` (a ValueError) for an unknown feature or a bad resolution.
    """
    xs, ys, points = grid(domain, resolution)
    X = feature_map(points, features)
    return BoundaryGrid(xs, ys, X, tuple(features), int(resolution), (float(domain[0]), float(domain[1])))


def evaluate_boundary(
    network: Network,
    grid_: BoundaryGrid,
    weights: Sequence[np.ndarray] | None = None,
    biases: Sequence[np.ndarray] | None = None,
) -> Boundary:
    """Every layer of ``network`` over the grid, in one batched forward pass (evaluation mode).

    ``weights``/``biases`` (``W[l]: (n_in, n_out)``, ``b[l]: (n_out,)``, as in a recorded
    ``Step``) replace the network's own parameters for this pass, e.g. to replay a past
    step; the network itself is not changed. Raises ValueError if the grid's features do not
    match the network's input width.
    """
    if grid_.X.shape[1] != network.sizes[0]:
        raise ValueError(
            f"the grid has {grid_.X.shape[1]} features ({', '.join(grid_.features)}) but the network "
            f"takes {network.sizes[0]} inputs"
        )
    if weights is not None or biases is not None:
        if weights is None or biases is None:
            raise ValueError("give both weights and biases, or neither")
        network = network.copy()
        network.set_parameters(list(weights), list(biases))
    trace = network.forward(grid_.X)
    res = grid_.resolution
    maps = [np.ascontiguousarray(a.T).reshape(a.shape[1], res, res) for a in trace.a]
    return Boundary(grid_.xs, grid_.ys, maps)


def unit_map(
    network: Network,
    grid_: BoundaryGrid,
    unit: tuple[int, int],
    weights: Sequence[np.ndarray] | None = None,
    biases: Sequence[np.ndarray] | None = None,
) -> np.ndarray:
    """One unit's map ``(res, res)``: ``evaluate_boundary(...).maps[k][u]`` for ``unit = (k, u)``
    without laying out every other unit's map (a live view draws one map large, every frame)."""
    k, u = unit
    if not (0 <= k < len(network.sizes) and 0 <= u < network.sizes[k]):
        raise ValueError(f"no unit {unit} in a network of sizes {list(network.sizes)}")
    if grid_.X.shape[1] != network.sizes[0]:
        raise ValueError(f"the grid has {grid_.X.shape[1]} features but the network takes {network.sizes[0]}")
    if weights is not None or biases is not None:
        if weights is None or biases is None:
            raise ValueError("give both weights and biases, or neither")
        network = network.copy()
        network.set_parameters(list(weights), list(biases))
    a = network.forward(grid_.X).a[k]
    return np.ascontiguousarray(a[:, u]).reshape(grid_.resolution, grid_.resolution)
