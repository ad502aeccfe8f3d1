"""Tables (pandas DataFrames) of one step's numbers, layer by layer, for st.dataframe."""

from __future__ import annotations

import pandas as pd

from engine.gradcheck import GradCheckReport
from engine.network import Step
from viz.diagram import layer_names


def neuron_table(step: Step, l: int, sample: int = 0) -> pd.DataFrame:
    """Layer ``l``'s neurons (outputs of weight layer ``l``): z, a, dL/da, delta, b, dL/db, the change."""
    names = layer_names([step.a[0].shape[1]] + [w.shape[1] for w in step.weights])[l + 1]
    return pd.DataFrame(
        {
            "neuron": names,
            "z": step.z[l][sample],
            "a = f(z)": step.a[l + 1][sample],
            "dL/da": step.da[l + 1][sample],
            "δ = dL/dz": step.delta[l][sample],
            "b": step.biases[l],
            "dL/db": step.grad_b[l],
            "Δb": step.update_b[l],
        }
    )


def weight_table(step: Step, l: int) -> pd.DataFrame:
    """Every weight of layer ``l``: w, dL/dw, the change and the new value."""
    names = layer_names([step.a[0].shape[1]] + [w.shape[1] for w in step.weights])
    W = step.weights[l]
    rows = [
        {
            "weight": f"{names[l][i]} → {names[l + 1][j]}",
            "w": W[i, j],
            "dL/dw": step.grad_W[l][i, j],
            "Δw": step.update_W[l][i, j],
            "w'": W[i, j] + step.update_W[l][i, j],
        }
        for i in range(W.shape[0])
        for j in range(W.shape[1])
    ]
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
