"""Step by step's words: what each phase does, Mazur's mode and the full update, the warning
for layers that no longer learn, and the gradient check's sentence. Pure Python."""

from __future__ import annotations

SUBTITLE = "One training step of a tiny network, every number shown, with the chain rule written out."
INVALID_EDITS_TEXT = (
    "Some edited cells are not valid (see **Edit the network** below); showing the last valid network."
)
EDIT_TEXT = "Type over any number. Rows are the neurons a weight comes from; columns the neurons it goes to."
PHASE_TEXT = {
    "forward": "**Forward.** Each neuron sums its weighted inputs plus its bias, z = Σ w·a + b, "
    "and applies its activation, a = f(z). Neurons are coloured by a, edges by w.",
    "loss": "**Loss.** The output is compared with the target. The output neurons show "
    "dL/dy: how the loss changes when that output grows.",
    "backward": "**Backward.** The chain rule runs from the output to the input: "
    "δ = dL/dz = dL/da · f'(z), and dL/dw = δ · (the input on that edge). "
    "Neurons show δ, edges dL/dw.",
    "update": "**Update.** Every weight and bias moves against its gradient: w' = w − η · dL/dw, "
    "b' = b − η · dL/db. Edges show the change Δw, neurons the change Δb of their bias.",
}

MAZUR_TEXT = (
    "**As in Mazur's article:** the biases stay fixed and only the weights learn, with his names "
    "(i1, i2, h1, h2, o1, o2, w1..w8, b1, b2). After one step the loss is 0.291027774 (the article: "
    "0.291027924), after 10,000 steps 3.5102e-05 (the article: 0.0000351085); the article rounds "
    "its values along the way, so its last digits differ."
)
FULL_UPDATE_TEXT = (
    "**Full update:** the biases learn too, so from the second step the numbers leave Mazur's "
    "article (after one step 0.280471 here, 0.291027924 there). Tick *Keep biases fixed* in the "
    "sidebar to follow the article."
)


def stalled_text(stalled: list[int]) -> str:
    """The warning for hidden or output layers whose gradient is exactly 0 (``stalled``: 1-based)."""
    which = (
        f"Layer {stalled[0]} no longer learns"
        if len(stalled) == 1
        else (f"Layers {', '.join(map(str, stalled))} no longer learn")
    )
    return (
        f"**{which}:** the gradient dL/dw is 0 (to double precision) although the loss is not, "
        "because the units are saturated (f'(z) ≈ 0) or dead, so the update leaves those weights "
        "where they are. A smaller learning rate, or gentler weights (New random weights, or the "
        "worked example), brings the gradient back."
    )


def gradcheck_text(max_relative_error: float, agree: bool) -> str:
    """The sentence above the gradient-check table."""
    return (
        "Backprop's gradient of every weight and bias against finite differences "
        "(nudge the parameter up and down, watch the loss). Largest relative difference: "
        f"**{max_relative_error:.1e}**"
        + (" — they agree." if agree else " — they differ: is an input sitting on a ReLU kink?")
    )
