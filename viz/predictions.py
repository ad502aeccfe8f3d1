"""Predict-then-reveal prompts for the Step-by-step page: at each phase, a question about what
the *next* phase will compute, with its answer (the page hides it until the learner opens it).

forward -> is the output above or below its target (the loss phase tells);
loss -> the sign of dL/dw of the first output weight (w5 in Mazur's example; backward tells);
backward -> will the first weight w1 grow or shrink (the update tells);
update -> will the loss go down after this update, and to what (the next forward pass tells).
"""

from __future__ import annotations

import numpy as np

from engine.network import Step
from viz.diagram import PHASES, layer_names, weight_name


def _sign_word(value: float) -> str:
    return "positive" if value > 0 else "negative" if value < 0 else "zero"


def phase_prompts(
    step: Step, phase: str, target: np.ndarray, next_loss: float, *, mazur: bool = False, fixed_biases=False
) -> list[tuple[str, str]]:
    """``(question, answer)`` pairs for ``phase``; ``target`` is the sample's target ``(n_out,)``,
    ``next_loss`` the loss after this step's update."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}; choose one of: {', '.join(PHASES)}")
    sizes = [step.a[0].shape[1]] + [w.shape[1] for w in step.weights]
    names = layer_names(sizes, mazur)
    L = len(step.weights)
    if phase == "forward":
        y, t = float(step.a[L][0, 0]), float(target[0])
        where = "above" if y > t else "below" if y < t else "exactly at"
        return [
            (
                f"Is {names[L][0]} above or below its target, and which way should it move?",
                f"{names[L][0]} = {y:.6g} against the target {t:.6g}: {where} it, so the loss wants it "
                f"{'smaller' if y > t else 'larger'}. The loss phase shows dL/d{names[L][0]} = "
                f"{float(step.da[L][0, 0]):.6g}.",
            )
        ]
    if phase == "loss":
        l = L - 1
        w_name = weight_name(sizes, l, 0, 0, mazur)
        grad = float(step.grad_W[l][0, 0])
        return [
            (
                f"Predict the sign of dL/d{w_name} ({names[l][0]} → {names[L][0]}) before the backward pass.",
                f"**{_sign_word(grad)}**: dL/d{w_name} = δ({names[L][0]}) · {names[l][0]} = "
                f"{float(step.delta[l][0, 0]):.4g} · {float(step.a[l][0, 0]):.4g} = {grad:.6g}, where "
                f"δ = dL/dz has the sign of dL/d{names[L][0]} = {float(step.da[L][0, 0]):.4g} "
                "(the activation's slope is not negative).",
            )
        ]
    if phase == "backward":
        w_name = weight_name(sizes, 0, 0, 0, mazur)
        w, change = float(step.weights[0][0, 0]), float(step.update_W[0][0, 0])
        verdict = "grow" if change > 0 else "shrink" if change < 0 else "stay where it is"
        return [
            (
                f"Will {w_name} grow or shrink in the update?",
                f"It will **{verdict}**: dL/d{w_name} = {float(step.grad_W[0][0, 0]):.6g}, and the update "
                f"moves against the gradient, Δ = −η · dL/d{w_name} = {change:.6g}, "
                f"so {w:.6g} becomes {w + change:.9g}.",
            )
        ]
    biases = " (the biases stay fixed)" if fixed_biases else ""
    lower = next_loss < step.loss
    return [
        (
            "Will the loss be lower after this update? By how much?",
            f"{'Yes' if lower else 'No'}: {step.loss:.9g} now, {next_loss:.9g} after the update{biases} "
            f"({next_loss - step.loss:+.3g}).",
        )
    ]
