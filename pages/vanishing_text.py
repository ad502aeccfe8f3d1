"""The Vanishing page's longer words: the residual toggle's help, the adaptive-optimizer note and
"How to read the charts" (Markdown). Plain strings, so the page script stays a few functions; the colours'
words come from viz.theme."""

from viz.theme import NEGATIVE_WORD, POSITIVE_WORD

RESIDUAL_HELP = (
    "Adds a skip around every hidden layer but the first: a[l+1] = a[l] + r·f(z[l]), the branch "
    "scaled by r = 1/√(number of skips), e.g. 1/√19 ≈ 0.23 for 20 layers. Unscaled (r = 1), every "
    "skip adds the branch's variance to the stream's, so a deep network's signal explodes; scaled, "
    "the branches add up to about one layer's worth (Hayou et al. 2021, scaled residual). Works best "
    "with zero-centred activations or with batch norm."
)

ADAPTIVE_NOTE = (
    "**Adam and RMSprop hide vanishing gradients.** They divide each weight's step by the "
    "running size of its own gradient, so a layer whose gradient is 1e-8 still moves about "
    "as far as one whose gradient is 1: the gradient charts still show the vanishing, the "
    "‖update‖/‖W‖ chart no longer does. Use plain SGD to see the problem as it is."
)

HOW_TO_READ = f"""
**dL/dz and dL/dW are different signals.** Backprop carries δ = dL/dz from the output toward
the input; every layer multiplies it by its weights and by the activation's slope f′(z), so in
a deep plain network it shrinks (vanishes) or grows (explodes) geometrically. The weight
gradient is dL/dW = aᵀ δ: the backward signal *times the layer's input*. With a tiny init
(normal(0.01)) the forward signal a shrinks toward the output while δ shrinks toward the input,
and their product can be almost the same in every layer: ‖dL/dW‖ looks flat although δ has
vanished. That is why the first chart draws both. Both are drawn per entry, as root mean squares
(‖dL/dW‖/√(n_in·n_out) per weight, ‖δ‖/√(batch·n_out) per unit), so that the first layer (2
inputs) and the output layer (1 unit) compare with the hidden ones; between hidden layers,
which all have the same shape, this is ‖dL/dW‖ up to a constant.

**The theory line.** Each layer multiplies the second moment of its signal by
n_in·Var(W)·gain, where gain = E[f(z)²]/Var(z) is ½ for ReLU, 1 for linear and close to 1 for
tanh near 0. He init (Var W = 2/n_in) makes the ReLU factor exactly 1; Xavier (Var W = 1/n for
square layers) is right for tanh but halves a ReLU network's variance at every layer: after 30
layers the spread is 2¹⁵ ≈ 30,000 times smaller. Backward, the factor is n_out·Var(W)·E[f′²].
The prediction is for freshly drawn weights; as training shapes them the measurement drifts away.

**Zero init** never breaks the symmetry between the neurons of a layer: they stay identical.

**‖update‖/‖W‖ near 1e-3** per step is a common rule of thumb (far below: the layer is not
learning; far above: it is being rewritten every step).

**The heatmap** colours each step's layers relative to that step's median layer by default,
so healthy late training, where every gradient shrinks together, stays neutral: {NEGATIVE_WORD} layers
lag behind (vanishing), {POSITIVE_WORD} ones run ahead (exploding). *Absolute* shows log10 of the norm
itself, on a range fitted to what is on screen.

**Colours.** {NEGATIVE_WORD.capitalize()} and {POSITIVE_WORD} tell a sign only where a value has one: a
negative or positive activation in the histograms, a layer below or above the step's median in the relative
heatmap. In the line charts, {POSITIVE_WORD} circles are configuration A and dark grey diamonds B.

**Residual connections** add each hidden layer's output to its input, a[l+1] = a[l] + r·f(z[l]),
so the backward signal has a path around every layer's slope and weights. Each skip also adds
the branch's variance to the stream's: unscaled (r = 1), a 20-layer ReLU network's activations
double at every layer and training overflows within a few steps. This page scales the branch by
r = 1/√(number of skips), so that all the branches together add about one layer's worth
(Hayou et al. 2021). The sum keeps the branches' mean too: with sigmoid, whose outputs are all
positive, the stream drifts; residual connections work best with zero-centred activations or
with batch norm.

**Optimizers.** Plain SGD is the default because Adam and RMSprop rescale every weight's step
by its own gradient's size, which hides a vanishing gradient from the updates.
"""
