"""Tables (pandas DataFrames) of one step's numbers, layer by layer, for st.dataframe.

``phase`` limits a table to what has been computed by then (predict-then-reveal): the
forward pass gives z, a and the parameters; the loss phase dL/da at the output; the backward
pass dL/da, δ and the gradients; the update Δ and the new values.
"""

from __future__ import annotations

import pandas as pd

from engine.gradcheck import GradCheckReport
from engine.network import Step
from viz.diagram import PHASES, layer_names, weight_name


def _sizes(step: Step) -> list[int]:
    return [step.a[0].shape[1]] + [w.shape[1] for w in step.weights]


def _reached(phase: str, which: str) -> bool:
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}; choose one of: {', '.join(PHASES)}")
    return PHASES.index(phase) >= PHASES.index(which)


def neuron_table(
    step: Step, l: int, sample: int = 0, phase: str = "update", mazur: bool = False
) -> pd.DataFrame:
    """Layer ``l``'s neurons (outputs of weight layer ``l``): z, a, b, then as the phases
    reach them dL/da, δ, dL/db, the change Δb and the new bias b'."""
    names = layer_names(_sizes(step), mazur)[l + 1]
    columns = {"neuron": names, "z": step.z[l][sample], "a = f(z)": step.a[l + 1][sample]}
    columns["b"] = step.biases[l]
    is_output = l == len(step.weights) - 1
    if _reached(phase, "backward") or (phase == "loss" and is_output):
        columns["dL/da"] = step.da[l + 1][sample]
    if _reached(phase, "backward"):
        columns |= {"δ = dL/dz": step.delta[l][sample], "dL/db": step.grad_b[l]}
    if _reached(phase, "update"):
        columns |= {"Δb": step.update_b[l], "b'": step.biases[l] + step.update_b[l]}
    return pd.DataFrame(columns)


def weight_table(step: Step, l: int, phase: str = "update", mazur: bool = False) -> pd.DataFrame:
    """Every weight of layer ``l``: w, then dL/dw (backward), the change and the new value (update)."""
    sizes = _sizes(step)
    W = step.weights[l]
    rows = []
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            row = {"weight": weight_name(sizes, l, i, j, mazur), "w": W[i, j]}
            if _reached(phase, "backward"):
                row["dL/dw"] = step.grad_W[l][i, j]
            if _reached(phase, "update"):
                row |= {"Δw": step.update_W[l][i, j], "w'": W[i, j] + step.update_W[l][i, j]}
            rows.append(row)
    return pd.DataFrame(rows)


def gradcheck_table(report: GradCheckReport, sizes: list[int]) -> pd.DataFrame:
    """Analytic vs finite-difference gradient of every weight and bias, with the difference."""
    names = layer_names(sizes)
    rows = []
    for check in report.checks:
        if check.name not in ("W", "b"):
            continue
        l = check.layer
        flat_analytic, flat_numeric = check.analytic.reshape(-1), check.numeric.reshape(-1)
        for k, (a, n) in enumerate(zip(flat_analytic, flat_numeric)):
            if check.name == "W":
                i, j = divmod(k, check.analytic.shape[1])
                label = f"w {names[l][i]} → {names[l + 1][j]}"
            else:
                label = f"b {names[l + 1][k]}"
            rows.append(
                {"parameter": label, "backprop": a, "finite differences": n, "|difference|": abs(a - n)}
            )
    return pd.DataFrame(rows)


def run_table(losses) -> pd.DataFrame:
    """The run so far: one row per step, ``step`` (0 = the start) and the ``loss`` before it."""
    return pd.DataFrame({"step": range(len(losses)), "loss": [float(v) for v in losses]})


def run_record(losses, step: Step, sample, settings: dict) -> dict:
    """The run as JSON-ready data: the settings, the sample ``(x, t)``, the loss at every step,
    and the shown step's numbers layer by layer (the parameters it starts from, z, a, dL/da,
    δ, the gradients and the update: ``step.*[l]`` as nested lists)."""
    x, t = sample
    per_layer = {
        "W": step.weights,
        "b": step.biases,
        "z": [z[0] for z in step.z],
        "a": [a[0] for a in step.a[1:]],
        "dL/da": [d[0] for d in step.da[1:]],
        "delta": [d[0] for d in step.delta],
        "dL/dW": step.grad_W,
        "dL/db": step.grad_b,
        "update_W": step.update_W,
        "update_b": step.update_b,
    }
    return {
        "settings": settings,
        "sample": {"x": [float(v) for v in x], "t": [float(v) for v in t]},
        "losses": [float(v) for v in losses],
        "step": {"index": len(losses) - 1, "loss": float(step.loss)}
        | {name: [values.tolist() for values in arrays] for name, arrays in per_layer.items()},
    }
