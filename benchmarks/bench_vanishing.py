"""Speed and memory of the Vanishing-gradients page's deep runs (plain figures, no assertions).

Run from the repository root: ``python benchmarks/bench_vanishing.py``.

1. One step of 100 hidden layers x 64 units, batch 64 (sigmoid, normal(1), bce, plain SGD):
   bare ``Network.train_step``; ``History.record`` + ``flush`` of that step (every per-layer
   summary, histograms and detail); and ``Trainer.run`` per step as the page runs it
   (``pages.vanishing_state``: summaries every step, histograms every 5th, detail every 100th,
   16 MB cap), median of many; plus the size of one full ``Step``.
2. One tick of the page's live area for that run (A) next to the default B (20 x 64): 5 steps
   of each (an evaluation every ``EVAL_EVERY`` steps included), then the step both show and the
   seven figures the page draws, and the bytes of their JSON.
3. Memory of a 100-layer run of 2,000 steps with the page's history cap: ``History.nbytes``
   against the cap, and what tracemalloc saw allocated during the run and still held, and at
   its peak.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pages import vanishing_state as vs  # noqa: E402
from viz.gradients import (  # noqa: E402
    histogram_ridges,
    layer_step_heatmap,
    loss_by_step,
    norm_by_layer,
    theory_chart,
    update_ratio_chart,
)

DEEP = vs.VGConfig(depth=100, width=64, batch_size=64)


def step_bytes(step) -> int:
    """Bytes of the distinct arrays a Step holds (aliases such as s = z counted once)."""
    seen = {}
    for name in ("z", "a", "s", "da", "delta", "delta_s", "grad_W", "grad_b", "update_W", "update_b",
                 "weights", "biases"):  # fmt: skip
        for x in getattr(step, name):
            if x is not None:
                seen[id(x)] = x.nbytes
    return sum(seen.values())


def bench_one_step(repeats: int = 40) -> None:
    print("1) one step, 100 hidden layers x 64, batch 64 (sigmoid, normal(1), bce, SGD lr 0.1)")
    run = vs.start_run("A", DEEP)
    trainer = run.trainer
    batches = [trainer._next_batch()[1:] for _ in range(repeats)]
    net, opt = trainer.network, trainer.optimizer
    bare, record = [], []
    for X, Y in batches:
        t0 = time.perf_counter()
        step = net.train_step(X, Y, optimizer=opt)
        t1 = time.perf_counter()
        history = vs.build_history(DEEP, net)
        history.record(step)
        history.flush()
        t2 = time.perf_counter()
        bare.append(t1 - t0)
        record.append(t2 - t1)
    ms = 1e3 * statistics.median(bare)
    print(f"   Network.train_step                        {ms:7.2f} ms")
    ms = 1e3 * statistics.median(record)
    print(f"   History.record + flush (all summaries)    {ms:7.2f} ms  (one step's block)")
    run = vs.start_run("A", DEEP)
    vs.advance([run], 20)  # warm up, and past the history's first single-step flush
    per_step = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        vs.advance([run], 5)
        per_step.append((time.perf_counter() - t0) / 5)
    ms = 1e3 * statistics.median(per_step)
    print(f"   Trainer.run as the page runs it           {ms:7.2f} ms/step  (5 steps per run() call)")
    evaluations = []
    for _ in range(5):
        t0 = time.perf_counter()
        run.trainer.evaluate()
        evaluations.append(time.perf_counter() - t0)
    ms = 1e3 * statistics.median(evaluations)
    print(
        f"   Trainer.evaluate (400 points)             {ms:7.2f} ms, every {vs.EVAL_EVERY} steps "
        f"({ms / vs.EVAL_EVERY:.2f} ms per step)"
    )
    print(f"   one full Step (forward, backward, update) {step_bytes(step) / 1e6:7.1f} MB")


def bench_tick(repeats: int = 10) -> None:
    print(
        "\n2) one tick of the live area: 5 steps of A (100 x 64) and B (20 x 64), batch 64, then the figures"
    )
    runs = [vs.start_run("A", DEEP), vs.start_run("B", replace(vs.DEFAULTS["B"], batch_size=64))]
    vs.advance(runs, 200)
    steps_t, figures_t, sizes = [], [], {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        vs.advance(runs, 5)
        t1 = time.perf_counter()
        k = max(run.last_step for run in runs)
        shown = vs.shown_steps(runs, k)
        rows = {run.name: vs.view_row(run, shown[run.name]) for run in runs}
        figures = {
            "norm by layer": norm_by_layer(rows),
            "heatmap": layer_step_heatmap({run.name: vs.layer_history(run, "grad_W_rms") for run in runs}),
            "theory": theory_chart({run.name: vs.theory_lines(run, rows[run.name]) for run in runs}),
            "update ratio": update_ratio_chart({run.name: rows[run.name]["update_ratio"] for run in runs}),
            "loss": loss_by_step({run.name: (run.history.steps, run.history.column("loss")) for run in runs}),
        }
        hists = vs.histograms_at(runs, shown)
        for run in runs:
            hist = hists[run.name]
            figures[f"ridges {run.name}"] = histogram_ridges(
                hist["activation"],
                hist["activation_edges"],
                hist["gradient"],
                hist["gradient_log10_edges"],
                labels=vs.layer_labels(run, rows[run.name]),
            )
        sizes = {name: len(fig.to_json()) for name, fig in figures.items()}
        t2 = time.perf_counter()
        steps_t.append(t1 - t0)
        figures_t.append(t2 - t1)
    print(f"   5 steps of A and of B                     {1e3 * statistics.median(steps_t):7.1f} ms")
    print(f"   view rows + 7 figures (+ their JSON)      {1e3 * statistics.median(figures_t):7.1f} ms")
    print("   JSON per figure: " + ", ".join(f"{name} {n / 1e3:.0f} KB" for name, n in sizes.items()))
    print(f"   total per tick: {sum(sizes.values()) / 1e3:.0f} KB")


def bench_memory(n_steps: int = 2_000) -> None:
    print(f"\n3) memory: 100 hidden layers x 64, batch 64, {n_steps} steps, the page's History cap")
    tracemalloc.start()
    t0 = time.perf_counter()
    run = vs.start_run("A", DEEP)
    vs.advance([run], n_steps - 1)
    seconds = time.perf_counter() - t0
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    history = run.history
    cap = f"cap {vs.HISTORY_MAX_BYTES / 1e6:.0f} MB; detail {history.detail_nbytes / 1e6:.2f} MB"
    n_hist = len(history.histograms()["step"])
    steps = history.steps
    early, late = int(np.count_nonzero(steps < n_steps // 2)), int(np.count_nonzero(steps >= n_steps // 2))
    print(f"   steps recorded            {run.last_step + 1:8d} in {seconds:.1f} s (under tracemalloc)")
    print(f"   History.nbytes            {history.nbytes / 1e6:8.2f} MB   ({cap})")
    halves = f"{early} in the first half, {late} in the second"
    print(f"   summary rows kept         {len(history):8d}   (of {n_steps}: {halves})")
    print(f"   histogram rows kept       {n_hist:8d}   (every {vs.HISTOGRAM_EVERY}th step, then thinned)")
    print(f"   detail steps kept         {len(history.detail_steps()):8d}")
    print(f"   traced, still held        {current / 1e6:8.2f} MB   (history, network, initial weights, data)")
    print(f"   traced, peak              {peak / 1e6:8.2f} MB   (a few full Steps alive at once)")
    print(f"   network parameters        {sum(w.nbytes for w in run.network.weights) / 1e6:8.2f} MB")


if __name__ == "__main__":
    bench_one_step()
    bench_tick()
    bench_memory()
