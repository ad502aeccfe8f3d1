"""Two-parameter loss surfaces, their Hessian, and descent paths across them.

A *surface* is a loss ``L(p)`` of a parameter pair ``p = (p0, p1)`` with its gradient:

- ``loss(P)``: ``P`` is ``(..., 2)``; returns ``(...)`` (a grid in one call).
- ``gradient(p)``: ``p`` is ``(2,)``; returns ``dL/dp``, ``(2,)``.
- ``hessian(p)``: the analytic ``(2, 2)`` Hessian, or None (then ``hessian_at`` takes central
  finite differences of ``gradient``).

Surfaces here:

- ``QuadraticSurface``: ``L(p) = 1/2 (p - m)^T A (p - m) + c``; Hessian ``A`` everywhere, so
  gradient descent ``p <- p - lr A (p - m)`` is stable exactly when ``lr < 2 / lambda_max(A)``
  (the error along the top eigenvector is multiplied by ``1 - lr lambda_max`` per step).
- ``SaddleSurface``: ``L = 1/2 x^2 - 1/2 y^2 + 1/4 y^4``: a saddle at the origin, minima at
  ``(0, +-1)``.
- ``NetworkSurface``: two entries of a real ``Network`` (weights ``("W", l, i, j)`` or biases
  ``("b", l, j)``) free, the others fixed; the loss is the network's own forward pass and
  the gradient its own backward pass on the data ``(X, Y)``. ``neuron_surface`` builds the
  single neuron ``y = f(w x + b)`` on 1-D data, with ``p = (w, b)``.

``descend`` runs one of ``engine.optim``'s optimizers (``propose``/``commit``) on a surface
for a fixed number of steps and returns a ``Path``; ``label_path`` says what the path did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.network import Network
from engine.optim import make_optimizer

ESCAPE_BOUND = 1e6  # a path whose parameters pass this size has left any surface we draw
LABELS = ("crawls", "converges", "oscillates", "diverges")


# ----------------------------------------------------------------------------- surfaces
class QuadraticSurface:
    """``L(p) = 1/2 (p - m)^T A (p - m) + c`` with ``A`` symmetric ``(2, 2)``, ``m`` ``(2,)``."""

    def __init__(self, A, minimum=(0.0, 0.0), offset: float = 0.0, names=("p₀", "p₁")) -> None:
        self.A = np.asarray(A, dtype=np.float64)
        if self.A.shape != (2, 2) or not np.allclose(self.A, self.A.T):
            raise ValueError("A must be a symmetric 2x2 matrix")
        self.minimum = np.asarray(minimum, dtype=np.float64)
        self.offset = float(offset)
        self.names = tuple(names)

    def loss(self, P) -> np.ndarray:
        d = np.asarray(P, dtype=np.float64) - self.minimum
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.A, d) + self.offset

    def gradient(self, p) -> np.ndarray:
        return self.A @ (np.asarray(p, dtype=np.float64) - self.minimum)

    def hessian(self, p) -> np.ndarray:
        return self.A.copy()


def valley(condition: float = 25.0, angle_degrees: float = 30.0) -> QuadraticSurface:
    """A long narrow valley: eigenvalues ``1`` and ``condition``, the valley floor at
    ``angle_degrees`` to the p0 axis, minimum at the origin (where momentum helps)."""
    t = math.radians(angle_degrees)
    R = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    return QuadraticSurface(R @ np.diag([1.0, float(condition)]) @ R.T, names=("x", "y"))


class SaddleSurface:
    """``L(x, y) = 1/2 x^2 - 1/2 y^2 + 1/4 y^4``: saddle at (0, 0), minima (0, +-1), L = -1/4."""

    names = ("x", "y")

    def loss(self, P) -> np.ndarray:
        P = np.asarray(P, dtype=np.float64)
        x, y = P[..., 0], P[..., 1]
        return 0.5 * x**2 - 0.5 * y**2 + 0.25 * y**4

    def gradient(self, p) -> np.ndarray:
        x, y = np.asarray(p, dtype=np.float64)
        return np.array([x, -y + y**3])

    def hessian(self, p) -> np.ndarray:
        _, y = np.asarray(p, dtype=np.float64)
        return np.array([[1.0, 0.0], [0.0, -1.0 + 3.0 * y**2]])


class NetworkSurface:
    """The loss of ``network`` on ``(X, Y)`` as a function of two of its parameters.

    ``free`` holds two entries, each ``("W", l, i, j)`` (``W[l][i, j]``) or ``("b", l, j)``
    (``b[l][j]``); every other parameter keeps its value. ``loss`` runs the network's forward
    pass once per point (evaluation mode); ``gradient`` reads the two entries of its backward
    pass. The network itself is never changed.
    """

    hessian = None  # taken by finite differences of the gradient

    def __init__(self, network: Network, X, Y, free) -> None:
        self.network = network.copy()
        self.X = np.asarray(X, dtype=np.float64)
        self.Y = np.asarray(Y, dtype=np.float64)
        self.free = [tuple(f) for f in free]
        if len(self.free) != 2:
            raise ValueError("a surface needs exactly two free parameters")
        for entry in self.free:
            self._array(entry)[entry[2:]]  # IndexError/ValueError on a bad entry
        self.names = tuple(self.name_of(f) for f in self.free)
        self.network.loss_value(self.X, self.Y, training=False)  # checks the shapes once

    @staticmethod
    def name_of(entry) -> str:
        if entry[0] == "W":
            _, l, i, j = entry
            return f"w[{l + 1}]{i + 1},{j + 1}"
        _, l, j = entry
        return f"b[{l + 1}]{j + 1}"

    def _array(self, entry) -> np.ndarray:
        kind, l = entry[0], entry[1]
        if kind not in ("W", "b"):
            raise ValueError(f"a free parameter is ('W', l, i, j) or ('b', l, j), got {entry!r}")
        return (self.network.weights if kind == "W" else self.network.biases)[l]

    def point(self) -> np.ndarray:
        """The current values of the two free parameters, ``(2,)``."""
        return np.array([self._array(e)[e[2:]] for e in self.free])

    def _set(self, net: Network, p) -> None:
        for entry, value in zip(self.free, p):
            arrays = net.weights if entry[0] == "W" else net.biases
            array = arrays[entry[1]].copy()
            array[entry[2:]] = value
            arrays[entry[1]] = array

    def at(self, p) -> Network:
        """A copy of the network with the free parameters set to ``p``."""
        net = self.network.copy()
        self._set(net, p)
        return net

    def loss(self, P) -> np.ndarray:
        P = np.asarray(P, dtype=np.float64)
        flat = P.reshape(-1, 2)
        net = self.network.copy()
        out = np.empty(len(flat))
        for k, p in enumerate(flat):
            self._set(net, p)
            out[k] = net.loss_value(self.X, self.Y, training=False)
        return out.reshape(P.shape[:-1])

    def gradient(self, p) -> np.ndarray:
        net = self.at(p)
        grads = net.backward(net.forward(self.X), self.Y)
        return np.array(
            [(grads.grad_W if e[0] == "W" else grads.grad_b)[e[1]][e[2:]] for e in self.free],
            dtype=np.float64,
        )


def neuron_data(n: int = 20, seed: int = 0, activation: str = "linear") -> tuple[np.ndarray, np.ndarray]:
    """1-D data for one neuron: ``x`` in [-1, 3] (off-centre, so w and b interact: a tilted,
    elongated bowl) and ``t = f(1.5 x - 0.5)`` plus a little noise
    (for sigmoid the targets are clipped into [0, 1]); both ``(n, 1)``."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1.0, 3.0, n))[:, None]
    z = 1.5 * x - 0.5
    if activation == "sigmoid":
        t = np.clip(1.0 / (1.0 + np.exp(-z)) + rng.normal(0, 0.05, z.shape), 0.0, 1.0)
    elif activation == "tanh":
        t = np.clip(np.tanh(z) + rng.normal(0, 0.05, z.shape), -1.0, 1.0)
    else:
        t = z + rng.normal(0, 0.2, z.shape)
    return x, t


def neuron_surface(
    activation: str = "linear", loss: str = "mse", n: int = 20, seed: int = 0
) -> NetworkSurface:
    """The single neuron ``y = f(w x + b)`` (a ``[1, 1]`` Network) on ``neuron_data``;
    ``p = (w, b)``. With ``linear`` and ``mse`` the loss is exactly quadratic in ``(w, b)``."""
    x, t = neuron_data(n, seed, activation)
    net = Network.from_parameters([[[0.0]]], [[0.0]], activation=[], output_activation=activation, loss=loss)
    surface = NetworkSurface(net, x, t, [("W", 0, 0, 0), ("b", 0, 0)])
    surface.names = ("w", "b")
    return surface


def network_surface(
    sizes=(2, 3, 1),
    activation: str = "tanh",
    free=(("W", 0, 0, 0), ("W", 1, 0, 0)),
    seed: int = 0,
    n: int = 40,
) -> NetworkSurface:
    """A small network (seeded init, ``activation`` hidden, sigmoid output, bce) on ``n`` seeded
    points of ``[-1, 1]^2`` labelled 1 where ``x1 + x2 > 0``, with the two entries ``free``."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, sizes[0]))
    Y = (X.sum(axis=1, keepdims=True) > 0).astype(np.float64)
    net = Network(list(sizes), activation=activation, loss="bce", seed=seed)
    return NetworkSurface(net, X, Y, free)


# ----------------------------------------------------------------------------- curvature
def hessian_at(surface, p, h: float = 1e-4) -> np.ndarray:
    """The ``(2, 2)`` Hessian at ``p``: analytic when the surface has one, else
    ``H[:, j] = (g(p + h e_j) - g(p - h e_j)) / 2h`` from the surface's own gradient,
    symmetrised."""
    p = np.asarray(p, dtype=np.float64)
    if surface.hessian is not None:
        return surface.hessian(p)
    H = np.empty((2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        H[:, j] = (surface.gradient(p + e) - surface.gradient(p - e)) / (2 * h)
    return 0.5 * (H + H.T)


@dataclass(frozen=True)
class Curvature:
    """The Hessian ``H`` at ``point``, its eigenvalues (ascending) and eigenvectors (columns),
    and ``stable_lr = 2 / lambda_max`` (inf when ``lambda_max <= 0``: no step is too large
    along a direction that curves down)."""

    point: np.ndarray
    H: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def top_direction(self) -> np.ndarray:
        return self.eigenvectors[:, -1]

    @property
    def stable_lr(self) -> float:
        return 2.0 / self.lambda_max if self.lambda_max > 0 else math.inf


def curvature(surface, p) -> Curvature:
    p = np.asarray(p, dtype=np.float64)
    H = hessian_at(surface, p)
    values, vectors = np.linalg.eigh(H)
    return Curvature(p, H, values, vectors)


# ----------------------------------------------------------------------------- descent
@dataclass(frozen=True)
class Path:
    """A descent from ``points[0]``: ``points`` ``(k + 1, 2)``, ``losses`` ``(k + 1,)``,
    ``gradients`` and ``steps`` ``(k, 2)`` (``steps[i] = points[i + 1] - points[i]``, the
    optimizer's update: ``-lr * gradient`` for SGD). ``diverged_at`` is the step whose update
    was not finite or left ``ESCAPE_BOUND`` (nothing applied; the path stops there), else None."""

    optimizer: str
    lr: float
    hyperparameters: dict
    points: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    steps: np.ndarray
    diverged_at: int | None

    @property
    def n_steps(self) -> int:
        return len(self.steps)


def descend(surface, start, optimizer: str = "sgd", lr: float = 0.1, n_steps: int = 50, **hyper) -> Path:
    """``n_steps`` steps of ``engine.optim``'s ``optimizer`` on ``surface`` from ``start``;
    ValueError for a bad optimizer or hyperparameter."""
    opt = make_optimizer(optimizer, lr=lr, **hyper)
    p = np.asarray(start, dtype=np.float64).copy()
    points, losses, grads, steps = [p], [float(surface.loss(p))], [], []
    diverged_at = None
    with np.errstate(all="ignore"):
        for k in range(int(n_steps)):
            g = surface.gradient(p)
            proposal = opt.propose([p], [g], [False])
            new = p + proposal.updates[0]
            loss = float(surface.loss(new)) if np.all(np.isfinite(new)) else math.nan
            if not (math.isfinite(loss) and np.abs(new).max() < ESCAPE_BOUND):
                diverged_at = k
                break
            opt.commit(proposal)
            points.append(new)
            losses.append(loss)
            grads.append(g)
            steps.append(new - p)
            p = new
    return Path(
        optimizer,
        float(lr),
        dict(hyper),
        np.array(points),
        np.array(losses),
        np.array(grads).reshape(-1, 2),
        np.array(steps).reshape(-1, 2),
        diverged_at,
    )


@dataclass(frozen=True)
class PathLabel:
    """What a path did (one of ``LABELS``) and the evidence, in words."""

    label: str
    reason: str


def label_path(path: Path, direction=None) -> PathLabel:
    """Read what happened off the trajectory itself:

    - ``diverges``: the path left the surface (non-finite or escaped), or it ends higher
      than it started with its steps growing;
    - ``converges``: the step and the gradient shrank to under 5 % of their largest
      (the path has settled);
    - ``oscillates``: not settled, and the step along ``direction`` (the Hessian's top
      eigenvector; the first step's direction if None) changed sign at least half the time;
    - ``crawls``: not settled, and going mostly one way.
    """
    n = path.n_steps
    if path.diverged_at is not None:
        return PathLabel("diverges", f"left the surface at step {path.diverged_at + 1}")
    if n < 2:
        return PathLabel("crawls", "too few steps to tell")
    L, norms = path.losses, np.linalg.norm(path.steps, axis=1)
    grad_norms = np.linalg.norm(path.gradients, axis=1)
    if L[-1] > L[0] and norms[-1] > norms[0]:
        return PathLabel(
            "diverges", f"loss rose {L[0]:.3g} → {L[-1]:.3g}, steps grew ×{norms[-1] / norms[0]:.3g}"
        )
    d = np.asarray(direction if direction is not None else path.steps[0], dtype=np.float64)
    along = path.steps @ (d / (np.linalg.norm(d) or 1.0))
    signs = np.sign(along[np.abs(along) > 1e-12 * max(norms.max(), 1e-300)])
    flips = int(np.sum(signs[1:] != signs[:-1]))
    settled = norms[-1] <= 0.05 * norms.max() and grad_norms[-1] <= 0.05 * grad_norms.max()
    drop = f"loss {L[0]:.3g} → {L[-1]:.3g}"
    if settled:
        return PathLabel(
            "converges", f"{drop}; the step shrank to {norms[-1] / norms.max():.1%} of its largest"
        )
    if len(signs) > 1 and flips >= (len(signs) - 1) / 2:
        return PathLabel("oscillates", f"{drop}; the step flipped sign {flips} of {len(signs) - 1} times")
    return PathLabel("crawls", f"{drop}; still {norms[-1] / norms.max():.0%} of its largest step, one way")


def grid_loss(surface, x_range, y_range, resolution: int = 41):
    """``xs`` ``(resolution,)``, ``ys`` ``(resolution,)`` and ``Z`` ``(resolution, resolution)``
    with ``Z[i, j] = L(xs[j], ys[i])`` (rows are p1, as Plotly's contour expects)."""
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    P = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        return xs, ys, surface.loss(P)


@dataclass(frozen=True)
class Cut:
    """The 1-D cut through ``point`` along parameter ``axis``: ``values`` ``(n,)`` of that
    parameter and the ``losses`` there; ``slope = dL/dp[axis]`` at the point (the tangent is
    ``loss + slope (v - point[axis])``); one SGD step of size ``lr`` along this axis lands at
    ``landing = point[axis] - lr * slope``, where the loss is ``landing_loss``."""

    axis: int
    point: np.ndarray
    values: np.ndarray
    losses: np.ndarray
    loss: float
    slope: float
    lr: float
    landing: float
    landing_loss: float


def cut(surface, p, axis: int = 0, lr: float = 0.1, half_width: float = 2.0, resolution: int = 81) -> Cut:
    """The cut (see ``Cut``), ``resolution`` points over ``point[axis] +- half_width``."""
    p = np.asarray(p, dtype=np.float64)
    values = np.linspace(p[axis] - half_width, p[axis] + half_width, resolution)
    P = np.repeat(p[None, :], resolution, axis=0)
    P[:, axis] = values
    with np.errstate(all="ignore"):
        slope = float(surface.gradient(p)[axis])
        landed = p.copy()
        landed[axis] = p[axis] - lr * slope
        return Cut(
            axis, p, values, surface.loss(P), float(surface.loss(p)), slope, float(lr),
            float(landed[axis]), float(surface.loss(landed)),
        )  # fmt: skip
