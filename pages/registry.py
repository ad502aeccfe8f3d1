"""The list of pages: app.py builds the navigation from it, the home page its table of contents."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    path: str
    title: str
    icon: str
    section: str
    blurb: str


PAGES = [
    PageInfo(
        "pages/step_by_step.py",
        "Step by step",
        ":material/footprint:",
        "Backprop, number by number",
        "One training step of a 2-2-2 network, number by number: the forward pass, the loss, "
        "the chain rule from the output back to the input, and the update. Edit any weight.",
    ),
    PageInfo(
        "pages/playground.py",
        "Playground",
        ":material/scatter_plot:",
        "Training",
        "Train on 2-D data live, as in TensorFlow Playground, and see what it never shows: the "
        "gradient on every edge, per-layer gradient norms, and replay of any past step.",
    ),
    PageInfo(
        "pages/vanishing.py",
        "Vanishing & exploding",  # short: the sidebar cuts longer titles at 1024 px
        ":material/trending_down:",
        "Training",
        "Stack 20, 50 or 100 layers and watch the gradient fade toward the input or blow up; "
        "then switch on a fix (careful init, batch norm, residual connections, clipping).",
    ),
    PageInfo(
        "pages/digits.py",
        "Image recognition",
        ":material/draw:",
        "Training",
        "Train on 1,797 handwritten 8x8 digits and watch each hidden unit's weights become a "
        "picture; then backpropagate one image, or one you draw, all the way to its pixels.",
    ),
    PageInfo(
        "pages/learning_rate.py",
        "Learning rate",
        ":material/speed:",
        "Theory",
        "Gradient descent on a loss surface you can see: several learning rates on one clock, "
        "the 2/λmax limit from the Hessian, the range test, and five optimizers on a valley and a saddle.",
    ),
    PageInfo(
        "pages/activations.py",
        "Activations & losses",
        ":material/show_chart:",
        "Theory",
        "All eight activations with their derivatives, what a layer sees at initialization, ReLUs "
        "dying live, and why MSE on a sigmoid learns slowly where cross-entropy does not.",
    ),
]
