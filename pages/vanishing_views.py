"""What the Vanishing page's charts show for a step: the step each run shows, its rows, notes.

Pure Python (no Streamlit), so it is unit-tested; ``pages.vanishing_state`` re-exports every
name. The reads themselves are the engine's (``engine.history``: "at or before step k";
``engine.layer_stats``: per-entry sizes); this module picks them for the page's runs A and
B and words the captions.
"""

from __future__ import annotations

import math

import numpy as np

from engine.history import common_histogram_step, common_step, metrics_at, summary_at
from engine.history import histogram_at as history_histogram_at
from engine.layer_stats import RMS_SOURCES, rms_row, rms_values
from engine.theory import neuron_spread
from pages.vanishing_run import HISTOGRAM_EVERY, HISTORY_MAX_BYTES, Run, n_skips, residual_scale


def shown_step(run: Run, requested: int) -> int:
    """The step a run shows when the replay slider is at ``requested``: at most its last
    finite step (the last finite state stays on screen after a divergence), at least 0."""
    return int(min(max(requested, 0), run.last_finite_step))


def shown_steps(runs: list[Run], requested: int) -> dict[str, int]:
    """The step each run shows when the replay slider is at ``requested``, by run name.

    Every run that has not stopped before ``requested`` shows one and the same step: the
    latest step at or before ``requested`` whose summary all of them still hold (old rows are
    thinned to fit ``HISTORY_MAX_BYTES``, sooner for a deeper network, so a step one run
    still holds may be gone from the other's). A run that diverged before ``requested``
    shows its last finite step (``shown_step``), or the latest recorded step before it."""
    going = [run for run in runs if run.last_finite_step >= requested]
    common = common_step([run.history for run in going], requested) if going else None
    return {
        run.name: common
        if common is not None and run in going
        else int(summary_at(run.history, shown_step(run, requested))["step"])
        for run in runs
    }


def thinned_note(runs: list[Run], requested: int, shown: dict[str, int]) -> str | None:
    """What the page says when the runs that go on show another step than the slider's
    ``requested``, because it is no longer recorded (thinned); None when they show it. (A run
    that stopped at a divergence has the divergence banner to say so.)"""
    thinned = {shown[run.name] for run in runs if not _stopped(run, requested)} - {requested}
    if not thinned:
        return None
    k = min(thinned)
    return (
        f"Step {requested} is no longer recorded (older steps are thinned to keep each run's history "
        f"under {HISTORY_MAX_BYTES / 1e6:.0f} MB): the charts show step {k}, the nearest recorded step "
        "before it."
    )


def stopped_note(run: Run, runs: list[Run], shown: dict[str, int]) -> str:
    """The line under a diverged run's banner: where it stopped, which step its charts show
    (its last finite state, once the slider is past it) and that the other run goes on."""
    div = run.trainer.divergence
    k = shown[run.name]
    text = f"{run.name} stopped at step {div.step}; its charts show step {k}"
    text += ", the last state with finite numbers." if k == run.last_finite_step else "."
    if any(not other.diverged for other in runs):
        text += " The other configuration goes on."
    return text


def _stopped(run: Run, requested: int) -> bool:
    """Whether ``run`` diverged before it could reach step ``requested``."""
    return run.diverged and run.last_finite_step < requested


# Per-layer quantities the charts show (``engine.layer_stats``: History's norms per entry).
VIEW_QUANTITIES = tuple(RMS_SOURCES)


def view_row(run: Run, step: int) -> dict:
    """``engine.history.summary_at(run.history, step)`` plus the per-entry sizes the charts
    compare across layers (``engine.layer_stats.rms_row``: ``grad_W_rms``, ``delta_rms``,
    ``act_var``, each ``(L,)``)."""
    return rms_row(summary_at(run.history, step), run.network.sizes)


def layer_history(run: Run, quantity: str) -> tuple[np.ndarray, np.ndarray]:
    """``(steps (n,), values (n, L))`` of one of ``VIEW_QUANTITIES`` over the recorded steps
    (as ``view_row``), for the layer x step heatmap."""
    if quantity not in VIEW_QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; choose one of: {', '.join(VIEW_QUANTITIES)}")
    history = run.history
    return history.steps, rms_values(quantity, history.column(RMS_SOURCES[quantity]), run.network.sizes)


def layer_rows_after(run: Run, quantity: str, step: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(steps (m,), values (m, L), loss (m,))`` of the recorded steps above ``step``: one of
    ``VIEW_QUANTITIES`` per layer (as ``layer_history``) and the batch loss, for a live view
    that has the earlier rows already (``History.summaries_after``: no copy of the whole table)."""
    if quantity not in VIEW_QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; choose one of: {', '.join(VIEW_QUANTITIES)}")
    column = RMS_SOURCES[quantity]
    rows = run.history.summaries_after(int(step), (column, "loss"))
    values = rms_values(quantity, rows[column], run.network.sizes)
    return np.asarray(rows["step"], dtype=np.int64), values, np.asarray(rows["loss"], dtype=np.float64)


def histograms_at(runs: list[Run], shown: dict[str, int]) -> dict[str, dict | None]:
    """``histogram_at`` for each run at its shown step, by run name, with one step for all the
    runs that show the same step: the latest histogram step at or before it that all of
    them hold (``engine.history.common_histogram_step``); a run whose shown step differs (it
    stopped) gets its own nearest one."""
    out: dict[str, dict | None] = {}
    groups: dict[int, list[Run]] = {}
    for run in runs:
        groups.setdefault(shown[run.name], []).append(run)
    for step, group in groups.items():
        at = common_histogram_step([run.history for run in group], step) if len(group) > 1 else step
        for run in group:
            out[run.name] = histogram_at(run, at)
    return out


def histogram_note(step: int, hist_step: int) -> str | None:
    """What a histogram's caption adds when it is not from the step the other charts show."""
    if hist_step == step:
        return None
    return (
        f"Histograms are recorded every {HISTOGRAM_EVERY} steps: these are from step {hist_step}, "
        f"the nearest recorded step before step {step}."
    )


def histogram_at(run: Run, step: int) -> dict | None:
    """``engine.history.histogram_at(run.history, step)``: the histograms of the latest
    histogram step at or before ``step`` (else the first one), or None."""
    return history_histogram_at(run.history, step)


def test_score(run: Run, step: int) -> dict | None:
    """The test score of the latest evaluation at or before ``step`` (``engine.history.metrics_at``;
    the trainer evaluates on the whole train and test sets every ``EVAL_EVERY`` steps, and where
    a new or resumed run starts): ``step``, ``name`` (``accuracy`` or ``R²``, by the task) and
    ``value``, or None before any."""
    row = metrics_at(run.history, step)
    if not row:
        return None
    classification = run.trainer.task == "classification"
    return {
        "step": int(row["step"]),
        "name": "accuracy" if classification else "R²",
        "value": row["test_accuracy" if classification else "test_r2"],
    }


def layer_labels(run: Run, row: dict) -> list[str]:
    """One short y-axis label per layer for the histograms (two panels share half the page's
    width): the layer's number, with the dead fraction of a ReLU layer (``History``'s
    ``dead_fraction``), e.g. ``19 · 27% dead``, and ``(output)`` on the last."""
    L = run.network.n_layers
    dead = np.asarray(row["dead_fraction"])
    labels = []
    for l in range(L):
        text = f"{l + 1}" + (" (output)" if l == L - 1 else "")
        if math.isfinite(dead[l]) and dead[l] > 0:
            text += f" · {dead[l]:.0%} dead"
        labels.append(text)
    return labels


def main_step(runs: list[Run], requested: int, shown: dict[str, int]) -> int:
    """The step the page names as shown (titles, the step metric, the markers on the heatmap
    and the loss curve): the one every run that has not stopped shows (``shown_steps``), or,
    when every run stopped before ``requested``, the latest step any of them shows."""
    going = [shown[run.name] for run in runs if not _stopped(run, requested)]
    return going[0] if going else max(shown.values())


def theory_lines(run: Run, row: dict) -> dict:
    """Theory and measurement side by side for ``theory_chart``, each ``(L,)``, from a
    ``view_row``: ``theory_variance``/``measured_variance`` (``Var a[l+1]``: the theory's
    ``variance`` and the row's ``act_var``), ``theory_delta`` (the backward recursion's
    ``delta_rms`` anchored at the row's output-layer ``delta_rms``; None with batch norm,
    whose backward pass through the batch statistics the recursion does not follow: it is off
    by orders of magnitude there) and ``measured_delta`` (the row's ``delta_rms``). With
    residual connections both predictions are approximate (``theory_caveats``)."""
    delta = np.asarray(row["delta_rms"])
    return {
        "theory_variance": run.theory.variance,
        "measured_variance": np.asarray(row["act_var"]),
        "theory_delta": None if run.config.batch_norm else run.theory.delta_rms(delta[-1]),
        "measured_delta": delta,
    }


def theory_caveats(runs: list[Run]) -> list[str]:
    """What the theory chart's caption says about the runs with batch norm or residual
    connections, where ``engine.theory`` models the network only approximately."""
    notes = []
    for run in runs:
        c = run.config
        parts = []
        if c.batch_norm:
            parts.append(
                "with batch norm the forward line assumes every normalized unit has variance 1, and "
                "there is no backward line: the gradient through the batch statistics is not modelled"
            )
        if c.residual:
            parts.append(
                f"with residual connections (branch ×{residual_scale(c):.2g}) the lines add the branch's "
                "moments to the skip's and ignore their correlation: at initialization expect agreement "
                "within a factor of about 2, not exactly"
            )
        if parts:
            notes.append(f"{run.name}: " + "; ".join(parts) + ".")
    return notes


def advice(run: Run) -> list[str]:
    """Short notes on a configuration's mitigations, shown under the controls: why careful init
    cannot rescue sigmoid (only when neither batch norm nor residual connections are on), how
    the residual branch is scaled, and why sigmoid's positive outputs drift in the residual
    stream (without batch norm)."""
    c = run.config
    notes = []
    if c.careful_init and c.activation == "sigmoid" and not (c.batch_norm or c.residual):
        notes.append(
            f"{run.name}: careful init cannot rescue sigmoid. Its slope is at most 1/4, so with "
            "Xavier's n·Var(W) = 1 the gradient still shrinks about 4× per layer; try batch norm "
            "or residual connections."
        )
    if c.residual:
        k = n_skips(c)
        r = f"{residual_scale(c):.3g}"
        notes.append(
            f"{run.name}: residual connections around {k} hidden layer{'s' if k != 1 else ''}, each "
            f"branch scaled by 1/√{k} = {r}: a[l+1] = a[l] + {r}·f(z[l]). "
            "Unscaled, every skip adds the branch's variance to the stream's, so a deep net's signal "
            "explodes (ReLU with He init doubles it per layer); scaled, the branches add up to about one "
            "layer's worth (Hayou et al. 2021, scaled residual)."
        )
        if c.activation == "sigmoid" and not c.batch_norm:
            notes.append(
                f"{run.name}: sigmoid's outputs are all positive (mean about 0.5), so each branch adds to "
                "the residual stream's mean and the output starts far off: residual connections work best "
                "with zero-centred activations (tanh) or with batch norm."
            )
    return notes


def symmetry(run: Run) -> np.ndarray:
    """``engine.theory.neuron_spread`` of the network now, hidden layers only, ``(depth,)``:
    0 where every neuron of a layer still has the same weights and bias."""
    net = run.network
    return neuron_spread(net.weights, net.biases)[:-1]
