"""The arithmetic of one neuron or one weight, as LaTeX with the numbers filled in.

For the "Step by step" page: a network without batch norm or skips, and the first sample
of the batch (the page trains on one sample, where the batch mean is that sample).
Notation: layer ``l`` of weights maps neurons of layer ``l`` to layer ``l + 1``;
``z = sum_i w_i a_i + b``, ``a = f(z)``, ``delta = dL/dz``.

Numbers have 4 significant digits, except in an update, which gets 6, or as many as it takes
to see the change (``update_digits``: 0.15 - 0.5 * 0.000438568 = 0.149781, not 0.1498); the
exact values are in ``exact_values`` (the page's hover help). ``mazur=True`` writes Matt
Mazur's names (i1, h1, o1, w1..w8, b1 per layer); ``fixed_biases`` says the biases stay.
"""

from __future__ import annotations

import numpy as np

from engine.activations import ACTIVATIONS
from engine.losses import LOSSES
from engine.network import Step
from viz.diagram import layer_names, mazur_names_fit, weight_name

MAX_DIGITS = 12


def number(x: float, bracket: bool = True, digits: int = 4) -> str:
    """A value for a formula: ``digits`` significant digits, negatives in parentheses (unless
    ``bracket`` is False: a function's argument, already in parentheses)."""
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return f"({text})" if x < 0 and bracket else text


def update_digits(value: float, change: float) -> int:
    """Significant digits that show ``value + change`` differ from ``value``: 6, or 3 more
    than the decades between them (w = 0.15, Δw = -0.000219: 6; Δw = -2e-9: 11), at most
    ``MAX_DIGITS``."""
    if not (np.isfinite(value) and np.isfinite(change)) or change == 0 or value == 0:
        return 6
    decades = int(np.ceil(np.log10(abs(value) / abs(change))))
    return int(np.clip(decades + 3, 6, MAX_DIGITS))


def _sizes(step: Step) -> list[int]:
    return [step.a[0].shape[1]] + [w.shape[1] for w in step.weights]


def _wsym(sizes: list[int], l: int, i: int, j: int, mazur: bool) -> str:
    """A weight's symbol: ``w_{x1,h11}``, or Mazur's ``w_{5}``."""
    if mazur and mazur_names_fit(sizes):
        return f"w_{{{weight_name(sizes, l, i, j, mazur)[1:]}}}"
    names = layer_names(sizes)
    return f"w_{{{names[l][i]},{names[l + 1][j]}}}"


def _bsym(sizes: list[int], l: int, j: int, mazur: bool) -> str:
    """A bias's symbol: ``b``, or Mazur's ``b_{1}`` (one per layer in his article)."""
    return f"b_{{{l + 1}}}" if mazur and mazur_names_fit(sizes) else "b"


def chain(lhs: str, *steps: str) -> str:
    """``lhs = steps[0] = steps[1] = ...`` as aligned lines, one equals sign per line."""
    body = r" \\ ".join(rf"&= {part}" for part in steps)
    return rf"\begin{{aligned}} {lhs} {body} \end{{aligned}}"


def _slope(activation: str, z: float, a: float) -> float:
    """f'(z) from the engine's own derivative (no skip connections on this page: a = f(z))."""
    return float(ACTIVATIONS[activation].derivative(np.array([z]), np.array([a]))[0])


def _sym(name: str) -> str:
    """x1 -> x_{1}, h12 -> h_{12}: a neuron name as a LaTeX subscript symbol."""
    return f"{name[0]}_{{{name[1:]}}}"


def neuron_equations(
    step: Step,
    layer: int,
    j: int,
    phase: str,
    activation: str,
    loss: str,
    lr: float,
    *,
    mazur: bool = False,
    fixed_biases: bool = False,
) -> list[str]:
    """LaTeX lines for neuron ``j`` of layer ``layer`` (1 = first hidden, L = output): its
    forward pass, its loss, its backward pass or its bias's update, by ``phase``."""
    sizes = _sizes(step)
    names = layer_names(sizes, mazur)
    me = _sym(names[layer][j])
    if layer == 0:
        return [rf"{me} = {number(step.a[0][0, j])} \quad\text{{(an input: it has no weights)}}"]
    if phase == "forward":
        return _forward_lines(step, sizes, names, layer, j, activation, mazur)
    if phase == "loss":
        return _loss_lines(step, layer, j, me, loss)
    if phase == "backward":
        return _backward_lines(step, names, layer, j, me, activation)
    return _bias_update_lines(step, sizes, layer - 1, j, lr, mazur, fixed_biases)


def _forward_lines(step: Step, sizes, names, layer: int, j: int, activation: str, mazur: bool) -> list[str]:
    """``z = sum_i w_i a_i + b`` with the numbers, then ``a = f(z)`` (softmax: over the layer)."""
    l = layer - 1
    W, b, a_in = step.weights[l], step.biases[l], step.a[l][0]
    z, a = step.z[l][0, j], step.a[layer][0, j]
    me = _sym(names[layer][j])
    inputs = [_sym(n) for n in names[l]]
    terms = " + ".join(rf"{_wsym(sizes, l, i, j, mazur)}\,{inputs[i]}" for i in range(len(inputs)))
    numbers = " + ".join(rf"{number(W[i, j])}\cdot{number(a_in[i])}" for i in range(len(inputs)))
    return [
        chain("z", f"{terms} + {_bsym(sizes, l, j, mazur)}", f"{numbers} + {number(b[j])}", number(z)),
        rf"{me} = \frac{{e^{{z}}}}{{\sum_k e^{{z_k}}}} = \frac{{e^{{{number(z)}}}}}{{\sum_k e^{{z_k}}}} = {number(a)}"
        if activation == "softmax"
        else rf"{me} = f(z) = \mathrm{{{activation}}}({number(z, bracket=False)}) = {number(a)}",
    ]


def _loss_lines(step: Step, layer: int, j: int, me: str, loss: str) -> list[str]:
    """The loss and ``dL/dy`` at an output neuron (a hidden one: a note that the loss sees only outputs)."""
    if layer != len(step.weights):
        return [r"\text{The loss only looks at the output layer: select an output neuron.}"]
    return [
        rf"L = {LOSSES[loss].formula} = {number(step.loss)}",
        rf"\frac{{\partial L}}{{\partial {me}}} = {number(step.da[layer][0, j])}",
    ]


def _backward_lines(step: Step, names, layer: int, j: int, me: str, activation: str) -> list[str]:
    """``dL/da`` (from the loss at the output, else ``sum_k w_jk delta_k``), then
    ``delta = dL/da * f'(z)`` (softmax: ``dL/dz`` as the engine computes it, fused with the loss)."""
    l, L = layer - 1, len(step.weights)
    da, delta = step.da[layer][0, j], step.delta[l][0, j]
    lines = []
    if layer < L:
        outs = [_sym(n) for n in names[layer + 1]]
        terms = " + ".join(
            rf"{number(step.weights[layer][j, k])}\cdot{number(step.delta[layer][0, k])}"
            for k in range(len(outs))
        )
        lines.append(
            chain(rf"\frac{{\partial L}}{{\partial {me}}}", rf"\sum_k w_{{{names[layer][j]},k}}\,\delta_k", terms,
                  number(da))
        )  # fmt: skip
    else:
        lines.append(rf"\frac{{\partial L}}{{\partial {me}}} = {number(da)} \quad\text{{(from the loss)}}")
    if activation == "softmax":
        lines.append(rf"\delta_{{{me}}} = \frac{{\partial L}}{{\partial z}} = {number(delta)}")
    else:
        slope = _slope(activation, step.z[l][0, j], step.a[layer][0, j])
        lines.append(
            rf"\delta_{{{me}}} = \frac{{\partial L}}{{\partial {me}}}\cdot f'(z) = "
            rf"{number(da)}\cdot{number(slope)} = {number(delta)}"
        )
    return lines


def _bias_update_lines(
    step: Step, sizes, l: int, j: int, lr: float, mazur: bool, fixed_biases: bool
) -> list[str]:
    """``b' = b - eta dL/db`` with as many digits as show the change (or, with
    ``fixed_biases``, the bias kept and its unused gradient)."""
    b, db, change = step.biases[l][j], step.grad_b[l][j], step.update_b[l][j]
    bias = _bsym(sizes, l, j, mazur)
    if fixed_biases:
        return [
            rf"{bias}' = {bias} = {number(b)} \quad\text{{(biases kept fixed, as in Mazur's article; "
            rf"}}\tfrac{{\partial L}}{{\partial {bias}}} = {number(db)}\text{{ unused)}}"
        ]
    digits = update_digits(b, change)
    return [
        chain(
            f"{bias}'",
            rf"{bias} - \eta\,\frac{{\partial L}}{{\partial {bias}}}",
            rf"{number(b)} - {number(lr)}\cdot{number(db, digits=digits)}",
            number(b + change, digits=digits),
        )
    ]


def weight_equations(
    step: Step, l: int, i: int, j: int, phase: str, activation: str, lr: float, *, mazur: bool = False
) -> list[str]:
    """LaTeX lines for weight ``W[l][i, j]`` (from neuron i of layer l to neuron j of layer l + 1)."""
    sizes = _sizes(step)
    names = layer_names(sizes, mazur)
    src, dst = _sym(names[l][i]), _sym(names[l + 1][j])
    me = _wsym(sizes, l, i, j, mazur)
    w, a_in = step.weights[l][i, j], step.a[l][0, i]
    grad = step.grad_W[l][i, j]
    if phase in ("forward", "loss"):
        return [
            rf"{me}\,{src} = {number(w)}\cdot{number(a_in)} = {number(w * a_in)}",
            rf"\text{{(its share of }} z_{{{dst}}}\text{{)}}",
        ]
    if phase == "backward":
        da, delta = step.da[l + 1][0, j], step.delta[l][0, j]
        if activation == "softmax":
            factors = rf"\frac{{\partial L}}{{\partial z_{{{dst}}}}}\cdot\frac{{\partial z}}{{\partial w}}"
            values = rf"{number(delta)}\cdot{number(a_in)}"
        else:
            slope = _slope(activation, step.z[l][0, j], step.a[l + 1][0, j])
            factors = rf"\frac{{\partial L}}{{\partial {dst}}}\cdot\frac{{\partial {dst}}}{{\partial z}}\cdot\frac{{\partial z}}{{\partial w}}"
            values = rf"{number(da)}\cdot{number(slope)}\cdot{number(a_in)}"
        return [chain(rf"\frac{{\partial L}}{{\partial {me}}}", factors, values, number(grad))]
    change = step.update_W[l][i, j]
    digits = update_digits(w, change)
    return [
        chain(
            f"{me}'",
            rf"{me} - \eta\,\frac{{\partial L}}{{\partial {me}}}",
            rf"{number(w)} - {number(lr)}\cdot{number(grad, digits=digits)}",
            number(w + change, digits=digits),
        )
    ]


def exact_values(step: Step, item: tuple, phase: str, *, mazur: bool = False) -> str:
    """The item's numbers computed so far (up to ``phase``) at full precision (17 significant
    digits), one per line, for a hover: ``w = 0.15``, ``dL/dw = 0.000438567...``."""
    shown = PHASE_ORDER[: PHASE_ORDER.index(phase) + 1]
    sizes = _sizes(step)
    if item[0] == "weight":
        _, l, i, j = item
        values = {"w": step.weights[l][i, j], "input a": step.a[l][0, i]}
        later = {
            "backward": {"dL/dw": step.grad_W[l][i, j]},
            "update": {"Δw": step.update_W[l][i, j], "w'": step.weights[l][i, j] + step.update_W[l][i, j]},
        }
        name = weight_name(sizes, l, i, j, mazur)
    else:
        _, layer, j = item
        name = layer_names(sizes, mazur)[layer][j]
        values = {"a": step.a[layer][0, j]}
        later = {}
        if layer > 0:
            l = layer - 1
            values = {"z": step.z[l][0, j], "a": step.a[layer][0, j], "b": step.biases[l][j]}
            later = {
                "loss": {"dL/da": step.da[layer][0, j]} if layer == len(step.weights) else {},
                "backward": {"dL/da": step.da[layer][0, j], "δ = dL/dz": step.delta[l][0, j]},
                "update": {"Δb": step.update_b[l][j], "b'": step.biases[l][j] + step.update_b[l][j]},
            }
    for later_phase in shown[1:]:
        values.update(later.get(later_phase, {}))
    return f"Exact values for {name}: " + ", ".join(f"{k} = {v:.17g}" for k, v in values.items())


PHASE_ORDER = ("forward", "loss", "backward", "update")


def all_selectable(sizes: list[int]) -> list[tuple]:
    """Every neuron ``("neuron", layer, j)`` and weight ``("weight", l, i, j)`` of a network."""
    items: list[tuple] = [("neuron", k, j) for k, n in enumerate(sizes) for j in range(n)]
    items += [
        ("weight", l, i, j)
        for l in range(len(sizes) - 1)
        for i in range(sizes[l])
        for j in range(sizes[l + 1])
    ]
    return items


def describe(item: tuple, sizes: list[int], mazur: bool = False) -> str:
    """A label such as ``neuron h11`` or ``weight x1 → h11`` (Mazur's: ``weight w5 (h1 → o1)``)."""
    names = layer_names(sizes, mazur)
    if item[0] == "neuron":
        return f"neuron {names[item[1]][item[2]]}"
    _, l, i, j = item
    if mazur and mazur_names_fit(sizes):
        return f"weight {weight_name(sizes, l, i, j, mazur)} ({names[l][i]} → {names[l + 1][j]})"
    return f"weight {names[l][i]} → {names[l + 1][j]}"


STALLED_RATIO = 1e-12  # a layer's largest |dL/dW| below this times the network's: no learning


def stalled_layers(step: Step) -> list[int]:
    """The layers (1-based, as the page names them; the output is ``L``) whose gradient
    ``dL/dW`` is zero, or below ``STALLED_RATIO`` times the largest one in the network, while
    the loss is not: their units are saturated (``f'(z) = 0`` to double precision) or dead, and
    the update leaves their weights where they are. Empty for a diverged step."""
    peaks = [float(np.abs(g).max(initial=0.0)) for g in step.grad_W]
    top = max(peaks)
    if not (np.isfinite(top) and np.isfinite(step.loss)) or step.loss == 0.0:
        return []
    return [l + 1 for l, peak in enumerate(peaks) if peak <= STALLED_RATIO * top]
