"""What signal propagation theory predicts for a freshly initialized deep network.

The classic argument (Glorot & Bengio 2010, He et al. 2015): with independent zero-mean
weights of variance ``Var(W[l])`` and ``n_l = sizes[l]`` inputs to layer ``l``, the
pre-activations of a wide layer are close to Gaussian, ``z[l] ~ N(0, q[l])``, with

    q[l]        = n_l Var(W[l]) E[a[l]^2]                       (biases are 0)
    E[a[l+1]^2] = E[f(z)^2]  for z ~ N(0, q[l])                 (plain layer)

so each layer multiplies the second moment by ``n_l Var(W[l]) * gain``, where
``gain = E[f(z)^2] / q`` is the activation's second-moment factor: exactly 1/2 for ReLU
(the reason for He's ``Var(W) = 2 / n``), 1 for linear, close to 1 for tanh while
``q`` is small (tanh(z) ~ z) and smaller once it saturates. Backward, with
``delta[l] = dL/dz[l]`` and ``da[l] = delta[l] @ W[l].T``,

    E[da[l]^2]    = n_{l+1} Var(W[l]) E[delta[l]^2]               (n_{l+1}: layer l's outputs)
    E[delta[l]^2] = E[da[l+1]^2] E[f'(z)^2]  for z ~ N(0, q[l])

so the gradient shrinks (vanishes) or grows (explodes) geometrically unless
``n Var(W) E[f'^2]`` is 1. With batch normalization the activation's input ``s[l]`` has
unit variance whatever ``q[l]`` is (``gamma = 1``, ``beta = 0`` at initialization), and the
backward pass through it divides by the batch standard deviation, ``sqrt(q[l])``. With a
residual connection ``a[l+1] = a[l] + r f(s[l])`` the moments add (``da[l]`` gets
``da[l+1]`` added), which keeps the gradient from vanishing; with ``r = 1`` they add up to
``depth`` times a layer's, hence ``r = 1/sqrt(skips)`` for deep nets without batch norm.

``E[f]``, ``E[f^2]`` and ``E[f'^2]`` under ``N(0, q)`` are exact for ``linear``, ``relu`` and
``leaky_relu`` (closed forms in their records) and computed numerically for the others
(``gaussian_expectations``: the trapezoid rule on a grid fine both on the scale of ``sqrt(q)``
and near 0, where the activations bend, so that a wide Gaussian over a sharp tanh is integrated as well as a
narrow one). The residual moments ignore the small correlation between ``f(z[l])`` and ``a[l]``
(``E[f a] ~ E[f] E[a]``) and the batch-norm backward ignores its mean/variance projection
(a ``1 - 2/B`` factor for a batch of ``B``): both are approximations, documented as such.

NumPy and the standard library only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import checks
from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from engine.init import init_std

_STANDARD_GRID = np.linspace(-10.0, 10.0, 4001)  # in standard deviations (spacing 0.005)
_CENTRE_GRID = np.linspace(-40.0, 40.0, 8001)  # in z itself (spacing 0.01): the activations' bends
for _grid in (_STANDARD_GRID, _CENTRE_GRID):
    _grid.setflags(write=False)  # shared by every call: read-only, so no caller can change them


def gaussian_expectations(q: float, functions) -> list[float]:
    """``E[g(z)]`` for ``z ~ N(0, q)``, ``q > 0``, for each ``g`` of ``functions`` (called with
    the grid ``z``, returning an array like it): the trapezoid rule of ``g(z) phi(z)`` on the
    union of ``sqrt(q) * linspace(-10, 10, 4001)`` and the points of ``linspace(-40, 40, 8001)``
    within ``10 sqrt(q)`` (beyond 10 standard deviations the density is below 1e-22)."""
    sigma = math.sqrt(q)
    centre = _CENTRE_GRID[np.abs(_CENTRE_GRID) < 10.0 * sigma]
    z = np.union1d(sigma * _STANDARD_GRID, centre)
    density = np.exp(-0.5 * (z / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi))
    with np.errstate(all="ignore"):
        return [float(np.trapezoid(g(z) * density, z)) for g in functions]


@dataclass(frozen=True)
class Moments:
    """Moments of ``f(z)`` for ``z ~ N(0, q)``: ``mean = E[f]``, ``second = E[f^2]``,
    ``slope = E[f'(z)^2]`` (NaN for softmax, which is not elementwise)."""

    mean: float
    second: float
    slope: float

    @property
    def variance(self) -> float:
        """``Var f(z) = E[f^2] - E[f]^2``."""
        return self.second - self.mean**2


def gaussian_moments(activation: str, q: float) -> Moments:
    """``E[f]``, ``E[f^2]`` and ``E[f'^2]`` of the named activation for ``z ~ N(0, q)``, ``q >= 0``.

    Exact where the activation's record has a closed form (``Activation.gaussian_moments``):
    linear ``(0, q, 1)``; relu ``(sqrt(q / 2 pi), q / 2, 1/2)``; leaky_relu with slope ``c``:
    ``((1 - c) sqrt(q / 2 pi), (1 + c^2) q / 2, (1 + c^2) / 2)``. Others by
    ``gaussian_expectations``. ``q = 0`` gives the moments of the constant ``f(0)`` (with
    ``f'(0)^2``, and 1/2 for relu's kink, as a convention). ``q = inf`` gives ``inf``/NaN.
    """
    act = ACTIVATIONS.get(activation)
    if act is not None and not act.hidden:  # softmax: not elementwise
        return Moments(math.nan, math.nan, math.nan)
    checks.choice("activation", activation, HIDDEN_ACTIVATIONS)
    q = float(q)
    if not q >= 0:  # also NaN
        raise ValueError(f"the variance q must be >= 0, got {q!r}")
    if math.isinf(q):
        return Moments(math.nan, math.inf, math.nan)
    if act.gaussian_moments is not None:  # a closed form
        return Moments(*act.gaussian_moments(q))
    if q == 0.0:
        zero = np.zeros(1)
        f0 = act.function(zero)
        return Moments(float(f0[0]), float(f0[0] ** 2), float(act.derivative(zero, f0)[0] ** 2))

    def slope_squared(z):
        return act.derivative(z, act.function(z)) ** 2

    mean, second, slope = gaussian_expectations(
        q, (act.function, lambda z: act.function(z) ** 2, slope_squared)
    )
    return Moments(mean, second, slope)


def gain(activation: str, q: float = 1.0) -> float:
    """The second-moment factor ``E[f(z)^2] / q`` for ``z ~ N(0, q)``, ``q > 0``.

    relu 1/2, linear 1, leaky_relu ``(1 + 0.01^2) / 2``; tanh 1 as ``q -> 0``, about 0.39 at
    ``q = 1``; sigmoid's includes its mean ``1/2`` (``E[f^2] >= 1/4``), so it is large for small ``q``.
    """
    if not q > 0:
        raise ValueError(f"the gain needs a variance q > 0, got {q!r}")
    return gaussian_moments(activation, q).second / q


@dataclass(frozen=True)
class SignalTheory:
    """Predicted per-layer statistics of an ``L``-layer network at initialization, each ``(L,)``:

    - ``weight_var[l] = Var(W[l])`` (from the init scheme); ``fan_in[l] = n_l``;
      ``units[l] = n_{l+1}`` (the layer's outputs)
    - ``q[l] = Var(z[l]) = n_l Var(W[l]) E[a[l]^2]`` over all entries; ``q_s[l]``: the
      activation's input variance (1 with batch norm, else ``q[l]``); ``q_batch[l] = n_l
      Var(W[l]) v[l]``: one unit's variance over the batch, ``v[l]`` being the batch variance
      of ``a[l]``'s units (what batch norm divides by: a non-zero mean of ``a[l]``, as
      sigmoid's 1/2, shifts each unit's ``z`` by a constant, which is not batch variance)
    - ``mean[l]``, ``second[l]``, ``variance[l]``: ``E``, ``E[.^2]`` and ``Var`` of the entries
      of ``a[l+1]`` (what ``History``'s ``act_mean`` and ``act_std ** 2`` measure)
    - ``factor[l] = n_l Var(W[l]) * gain``: the per-layer multiplier of the second moment
      of a plain layer, ``E[f(z)^2] / E[a[l]^2]``
    - ``slope[l] = E[f'(s[l])^2]``
    - ``backward_factor[l] = n_{l+1} Var(W[l]) E[f'(s[l-1])^2]``: how much ``E[delta^2]``
      changes from layer ``l`` to layer ``l - 1`` in a plain network (NaN for ``l = 0``)

    Softmax outputs have no elementwise moments: NaN in their row.
    """

    fan_in: np.ndarray
    units: np.ndarray
    weight_var: np.ndarray
    q: np.ndarray
    q_s: np.ndarray
    q_batch: np.ndarray
    mean: np.ndarray
    second: np.ndarray
    variance: np.ndarray
    factor: np.ndarray
    slope: np.ndarray
    backward_factor: np.ndarray
    batch_norm: tuple[bool, ...]
    skip: tuple[bool, ...]
    residual_scale: float = 1.0

    @property
    def n_layers(self) -> int:
        return len(self.q)

    def delta_second_moment(self, output_second: float) -> np.ndarray:
        """Predicted ``E[delta[l]^2]`` (per unit and sample) for every layer, ``(L,)``, given
        the output layer's measured value (the loss sets the scale).

        With ``m_l = n_{l+1}`` units, going down from the output:
        ``E[da[l+1]^2] = m_{l+1} Var(W[l+1]) E[delta[l+1]^2] (+ E[da[l+2]^2] with a skip)`` and
        ``E[delta[l]^2] = E[da[l+1]^2] E[f'(s[l])^2] (/ q_batch[l] with batch norm; times r^2 with a
        skip, r = residual_scale)``.
        """
        L = self.n_layers
        units = self.units
        e_delta = np.full(L, np.nan)
        e_delta[L - 1] = float(output_second)
        e_da_next = units[L - 1] * self.weight_var[L - 1] * e_delta[L - 1]  # E[da[L-1]^2]
        with np.errstate(all="ignore"):
            for l in range(L - 2, -1, -1):
                e = e_da_next * self.slope[l]
                if self.skip[l]:
                    e = e * self.residual_scale**2
                if self.batch_norm[l]:
                    e = e / self.q_batch[l]
                e_delta[l] = e
                e_da = units[l] * self.weight_var[l] * e
                if self.skip[l]:
                    e_da = e_da + e_da_next
                e_da_next = e_da
        return e_delta

    def delta_rms(self, output_delta_rms: float) -> np.ndarray:
        """Predicted root mean square of ``delta[l] = dL/dz[l]`` over units and samples, ``(L,)``:
        ``sqrt(delta_second_moment(output_delta_rms ** 2))``."""
        return np.sqrt(self.delta_second_moment(float(output_delta_rms) ** 2))

    def delta_norm(self, output_delta_norm: float) -> np.ndarray:
        """Predicted ``||delta[l]|| / sqrt(B)`` (``History``'s ``delta_norm``, ``= sqrt(m_l
        E[delta[l]^2])``) for every layer, ``(L,)``, given the output layer's measured value."""
        e = self.delta_second_moment(float(output_delta_norm) ** 2 / self.units[-1])
        return np.sqrt(self.units * e)


def weight_variances(sizes: list[int], init: str, init_scale: float = 1.0) -> np.ndarray:
    """``Var(W[l]) = init_std(init, n_l, n_{l+1}, init_scale) ** 2`` for every layer, ``(L,)``."""
    return np.array([init_std(init, a, b, init_scale) ** 2 for a, b in zip(sizes[:-1], sizes[1:])])


def signal_theory(
    sizes: list[int],
    activations: list[str],
    weight_var,
    input_mean: float = 0.0,
    input_second: float = 1.0,
    batch_norm: list[bool] | None = None,
    skip: list[bool] | None = None,
    input_variance: float | None = None,
    residual_scale: float = 1.0,
) -> SignalTheory:
    """The forward recursion of the module docstring for ``sizes = [n_0, ..., n_L]``.

    ``activations[l]`` names layer ``l``'s activation (``L`` names, the output's last);
    ``weight_var`` is ``(L,)``; ``input_mean``/``input_second`` are the mean and mean square
    of the input's entries, ``input_variance`` the mean over features of their batch variance
    (``input_second - input_mean^2`` when None); ``batch_norm[l]``/``skip[l]`` as
    ``Network.bn_layers``/``Network.skip`` (all False when None). For each layer ``l``:

        q[l] = n_l Var(W[l]) E[a[l]^2];   q_s[l] = 1 (batch norm) or q[l];   q_batch[l] = n_l Var(W[l]) v[l]
        plain:    E[a[l+1]] = E[f],        E[a[l+1]^2] = E[f^2],   v[l+1] = Var f
        residual: E[a[l+1]] = r E[f] + E[a[l]],   v[l+1] = r^2 Var f + v[l],
                  E[a[l+1]^2] = r^2 E[f^2] + E[a[l]^2] + 2 r E[f] E[a[l]]   (r = residual_scale)

    with ``f = f(z)``, ``z ~ N(0, q_s[l])``.
    """
    L = len(sizes) - 1
    if len(activations) != L:
        raise ValueError(f"need {L} activation names (one per layer), got {len(activations)}")
    weight_var = np.asarray(weight_var, dtype=np.float64)
    if weight_var.shape != (L,):
        raise ValueError(f"weight_var must have one variance per layer, shape ({L},), got {weight_var.shape}")
    bn = tuple(bool(b) for b in (batch_norm or [False] * L))
    sk = tuple(bool(s) for s in (skip or [False] * L))
    fan_in = np.asarray(sizes[:-1], dtype=np.float64)
    units = np.asarray(sizes[1:], dtype=np.float64)
    m_a, e_a = float(input_mean), float(input_second)
    v_a = e_a - m_a**2 if input_variance is None else float(input_variance)
    with np.errstate(all="ignore"):
        out = _forward_moments(
            activations, fan_in, weight_var, (m_a, e_a, v_a), bn, sk, float(residual_scale)
        )
        out["backward_factor"][1:] = units[1:] * weight_var[1:] * out["slope"][:-1]
        variance = out["second"] - out["mean"] ** 2
    return SignalTheory(
        fan_in=fan_in,
        units=units,
        weight_var=weight_var,
        variance=variance,
        batch_norm=bn,
        skip=sk,
        residual_scale=float(residual_scale),
        **out,
    )


def network_theory(
    network, input_mean: float = 0.0, input_second: float = 1.0, input_variance: float | None = None
) -> SignalTheory:
    """``signal_theory`` for an ``engine.Network`` as built (its sizes, activations, init
    scheme and scale, batch-norm layers and skips). Raises ValueError for a network built
    from given parameters (``init == "given"``): its weight variances are not a scheme's."""
    if network.init == "given":
        raise ValueError("the theory needs a network drawn from an init scheme, not given parameters")
    return signal_theory(
        network.sizes,
        network.activation_names,
        weight_variances(network.sizes, network.init, network.init_scale),
        input_mean,
        input_second,
        network.bn_layers,
        network.skip,
        input_variance,
        network.residual_scale,
    )


def _forward_moments(
    activations: list[str],
    fan_in: np.ndarray,
    weight_var: np.ndarray,
    moments: tuple[float, float, float],
    bn: tuple[bool, ...],
    sk: tuple[bool, ...],
    r: float,
) -> dict[str, np.ndarray]:
    """The per-layer columns of ``signal_theory``'s forward recursion, each ``(L,)``: ``q``,
    ``q_s``, ``q_batch``, ``mean``, ``second`` (of ``a[l+1]``), ``factor``, ``slope``
    (``E[f'^2]``) and ``backward_factor`` (NaN, filled by the caller). ``moments`` is the
    input's ``(E[a], E[a^2], mean feature variance)``; call under ``np.errstate(all="ignore")``."""
    L = len(activations)
    names = ("q", "q_s", "q_batch", "mean", "second", "factor", "slope", "backward_factor")
    out = {k: np.full(L, np.nan) for k in names}
    m_a, e_a, v_a = moments
    for l, name in enumerate(activations):
        q = fan_in[l] * weight_var[l] * e_a
        q_s = 1.0 if bn[l] else q
        mom = gaussian_moments(name, q_s) if math.isfinite(q_s) else Moments(math.nan, math.inf, math.nan)
        out["q"][l], out["q_s"][l], out["slope"][l] = q, q_s, mom.slope
        out["q_batch"][l] = fan_in[l] * weight_var[l] * v_a
        out["factor"][l] = mom.second / e_a if e_a > 0 else math.nan
        if sk[l]:
            m_a, e_a = r * mom.mean + m_a, r * r * mom.second + e_a + 2.0 * r * mom.mean * m_a
            v_a = r * r * mom.variance + v_a
        else:
            m_a, e_a, v_a = mom.mean, mom.second, mom.variance
        out["mean"][l], out["second"][l] = m_a, e_a
    return out


def theory_for_inputs(network, X: np.ndarray) -> SignalTheory:
    """``network_theory`` of ``network`` fed the inputs ``X (n, d)``: their mean, mean square and
    mean per-feature variance are the recursion's input moments."""
    X = np.asarray(X, dtype=np.float64)
    return network_theory(network, float(X.mean()), float((X * X).mean()), float(X.var(axis=0).mean()))


def neuron_spread(weights: list[np.ndarray], biases: list[np.ndarray]) -> np.ndarray:
    """How far the neurons of each layer are from being identical, ``(L,)``.

    ``spread[l] = max over neurons j of max(|W[l][:, j] - W[l][:, 0]|, |b[l][j] - b[l][0]|)``:
    0 exactly when every neuron of layer ``l`` has the same incoming weights and bias (the
    symmetry that zero initialization never breaks). 0 for a one-neuron layer.
    """
    return np.array(
        [
            max(float(np.abs(W - W[:, :1]).max(initial=0.0)), float(np.abs(b - b[0]).max(initial=0.0)))
            for W, b in zip(weights, biases)
        ]
    )
