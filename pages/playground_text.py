"""The Playground's words: the display controls' short labels, the widgets' longer help texts,
what to look for, and every difference from TensorFlow Playground (a table, as Markdown). Pure
Python: the page and its sidebar read them; changing a sentence touches only this file.
"""

from __future__ import annotations

from viz.theme import NEGATIVE_WORD, POSITIVE_WORD

VIEW_TEXT = {"weights": "weights", "gradients": "gradients", "update": "update"}  # short: narrow columns
NODE_TEXT = {"activation": "activation", "delta": "delta δ"}
NODE_SYMBOL = {"activation": "a", "delta": "δ"}
REG_TEXT = {"none": "none", "l1": "L1", "l2": "L2"}
TF_HELP = (
    "Behave as TensorFlow Playground where the two differ: a tanh output with targets −1/+1 and TF's "
    "loss ½(o − t)² (ours: sigmoid + cross-entropy, 0/1); weights from uniform(−0.5, 0.5) (ours: the "
    "chosen init); SGD with TF's L1 rule (a weight the penalty pushes across 0 is set to 0 and frozen); "
    "TF's plane data (x1 + x2)/10 unclipped; Step = one epoch; Reset draws new weights. "
    "See 'TF Playground and this page' below the view for every difference."
)
TF_DIFFERENCES = (  # (what, TF Playground, this page by default, the TF compatible switch)
    (
        "what TF's users asked for",
        "not there",
        "upload a CSV; 3 to 6 classes; save and load the trained network; learning-rate schedules; "
        "dropout; swish, mish, GELU and more activations; a stop condition; a confusion matrix",
        "all of them (TF has none)",
    ),
    (
        "output, loss (classification)",
        "tanh, ½(o − t)², targets −1/+1 (0.5 at the start, 0.00x solved)",
        "sigmoid, cross-entropy, targets 0/1 (0.693 at chance)",
        "as TF",
    ),
    (
        "loss (regression)",
        "½(o − t)² (our `sse`)",
        "`mse` = (o − t)²: twice TF's value and gradient",
        "`sse`, as TF",
    ),
    ("plane data", "(x1 + x2)/10, not clipped", "(x1 + x2)/12, clipped to ±1", "as TF"),
    ("multi-gaussian data", "yes", "yes (`multi_gaussian`)", "yes"),
    ("points", "500 (classification), 1,200 (regression)", "the same by default, 20 to 2,000", "the same"),
    (
        "data seed",
        "random per visit, in the URL",
        "random per visit, in the URL (`dseed`)",
        "the same; our generator is NumPy's, so the same seed gives other points than TF's",
    ),
    (
        "initial weights",
        "uniform(−0.5, 0.5), biases 0.1",
        "the chosen init (Xavier by default), biases 0.1",
        "uniform(−0.5, 0.5)",
    ),
    (
        "Reset",
        "new random weights",
        "the same initial weights (a run can be repeated)",
        "new weights (the next seed)",
    ),
    ("Step button", "one epoch", "one mini-batch step", "the rest of the current epoch"),
    (
        "batches",
        "the points in one fixed order; a partial batch carries over to the next epoch",
        "reshuffled every epoch (seeded); the last batch of an epoch is partial",
        "as ours",
    ),
    (
        "L1",
        "a weight the penalty carries across 0 is set to 0 and frozen",
        "the weight jitters around 0 by lr·rate",
        "as TF",
    ),
    ("optimizer", "SGD", "SGD, momentum, Nesterov, RMSprop, Adam, clipping", "SGD"),
    (
        "batch size, regularization changed",
        "the network is reset",
        "applied from the next step, no reset (compare before and after)",
        "as ours",
    ),
    (
        "edges",
        "colour = sign, width by |w| (0 to 5)",
        "weights: width by |w| on TF's 0-to-5 scale (or log); gradients, updates: relative to the largest; "
        "biases as squares on the units; click an edge or a bias to edit it",
        "as ours",
    ),
    (
        "heat maps",
        "100 × 100 output, a unit's map on hover",
        "100 × 100 selected unit (click a unit), 20 × 20 in the diagram",
        "as ours",
    ),
    (
        "links",
        "`#key=value` keys of TF",
        "`?key=value` keys of ours; *Open a TF Playground link* reads TF's",
        "",
    ),
    ("hiding controls", "`learningRate_hide=true`", "`hide=lr,batch` (or TF's `*_hide` keys)", ""),
)


def differences_table() -> str:
    """``TF_DIFFERENCES`` as a Markdown table."""
    cell = lambda text: text.replace("|", "\\|")  # noqa: E731
    head = "| | TF Playground | this page (default) | TF compatible switch |\n| --- | --- | --- | --- |\n"
    return head + "\n".join("| " + " | ".join(cell(c) for c in row) + " |" for row in TF_DIFFERENCES)


WHAT_TO_LOOK_FOR = (
    f"**What to look for.** On the edges and the units' badges, {NEGATIVE_WORD} is a negative value "
    f"and {POSITIVE_WORD} a positive one (weights, gradients, updates, activations). In the maps "
    f"{NEGATIVE_WORD} is the low side (class 0), and in the curves {NEGATIVE_WORD} is the test set. "
    "*Edges show gradients*: the thick edges are where the loss is most sensitive, and they change "
    "as the boundary moves. The gradient-norm "
    "chart shows each layer's ‖dL/dW‖ on a log scale: a layer whose line sinks decades below the "
    "others has stopped learning (try sigmoid with 6 layers). Raise the learning rate while it "
    "runs: it applies at the next step. Try 3 or 10 on *plane* to see divergence."
)

CAPTION = (
    "Train a small network on 2-D data and watch it learn, as in TensorFlow Playground, plus what "
    "Playground hides: the gradient and the update on every edge, per-layer gradient norms, and replay."
)

# ---------------------------------------------------------------------------- the widgets' help
TF_LINK_HELP = (
    "Paste a playground.tensorflow.org address (or its #… part): its data, features, "
    "network, activation, rates, batch size, noise, ratio, seed and hidden controls."
)
CSV_HELP = (
    "A header row, then one row per point: two number columns (x1, x2; each is mapped "
    "onto −6..6) and a last column with the label (two classes, numbers or words) or a "
    "number to fit (regression). Checked cell by cell; the points are split by the ratio "
    "and the data seed."
)
CLASSES_HELP = (
    "A softmax output with one unit per class and cross-entropy (log K at chance); "
    "the map is coloured by the most likely class, paler where it is less sure."
)
TF_INIT_NOTE = " TF Playground compatible: uniform(−0.5, 0.5), as TF (zeros: TF's initZero)."
TF_OPTIMIZER_HELP = "TF Playground compatible: SGD, TF's only optimizer."
BATCH_HELP = "As many as the training points (or more): full batch"
LOSS_HELP = (
    "Classification uses a sigmoid output with binary cross-entropy (TF Playground "
    "compatible: tanh with ½(o − t)², TF's, which is sse for regression)."
)
DROPOUT_HELP = (
    "While training, each hidden unit is dropped (set to 0) with this probability and the "
    "others scaled by 1/(1 − p); evaluation and the maps use every unit. The masks are recorded "
    "in each step, so replay and the gradients shown are exact. Applies from the next step."
)
SCHEDULE_HELP = (
    "The rate each step uses: η times the schedule's factor at the optimizer's step count. "
    "Applies from the next step; the Learning rate column of the history records it."
)
STOP_LOSS_HELP = (
    "Stop when the test loss is at or below this (0 = off). Checked whenever the test loss is "
    "evaluated (after each slice of training while playing), so training may pass the target by a "
    "few steps."
)
SPEED_HELP = (
    "Training speed while playing; 'max': as fast as this server's share allows. "
    "Drawing is independent: the view always shows the latest state."
)
RESET_HELP = "Back to step 0: the same data and initial weights"
TF_RESET_HELP = "TF Playground compatible: new random weights (the next seed), as TF's Reset"
REPLAY_HELP = "The last 50 steps and every 10th step are kept in full."
RESUME_HELP = "Continue training from the replayed step; later steps are forgotten."
MODEL_DOWNLOAD_HELP = (
    "A JSON file: the settings, every weight and bias, the step and the training state "
    "(shuffler, optimizer moments). Uploading it restores the network bit for bit at its step."
)
MODEL_UPLOAD_HELP = (
    "A file downloaded from this page: training continues exactly where it was. "
    "The loss curves start at its step."
)
DETAILS_LABEL = "Details of the shown step (hover for exact values, zoom, PNG)"
