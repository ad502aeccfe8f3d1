"""Timing and memory of Trainer.run + History (plain figures, no assertions).

Run from the repository root: ``python benchmarks/bench_trainer.py [--profile]``.

1. steps/s of the Playground-size net (2-4-2-1, tanh, sigmoid output, bce loss, batch 10,
   200 training points), summaries every step, detail every 10th (target: >= 5,000/s on
   one core), next to bare ``Network.train_step`` calls on the same batches.
2. memory: tracemalloc's peak and current allocation growth during the run, and
   ``history.nbytes``, for 10,000 steps of a 2-8-8-1 net, 2,000 steps of a net with 20
   hidden layers of width 32, and 2,000 steps of 100 hidden layers of width 64, batch 64.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import cProfile  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.data import Dataset  # noqa: E402
from engine.history import History  # noqa: E402
from engine.network import Network  # noqa: E402
from engine.optim import make_optimizer  # noqa: E402
from engine.trainer import Trainer  # noqa: E402


def circle_dataset(n_train: int, n_test: int, n_features: int = 2, seed: int = 0) -> Dataset:
    """Points in a square, label 1 inside the circle of radius 0.6 (first two features)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n_train + n_test, n_features))
    Y = ((X[:, :2] ** 2).sum(axis=1, keepdims=True) < 0.36).astype(np.float64)
    return Dataset("circle", "classification", X[:n_train], Y[:n_train], X[n_train:], Y[n_train:])


def playground_trainer(eval_every: int = 10) -> Trainer:
    net = Network([2, 4, 2, 1], activation="tanh", loss="bce", seed=0)
    history = History(detail_every=10, histogram_every=10)
    return Trainer(
        net,
        make_optimizer("sgd", lr=0.03),
        circle_dataset(200, 200),
        10,
        seed=0,
        eval_every=eval_every,
        history=history,
    )


def bench_speed(n_steps: int = 20_000, repeats: int = 3) -> None:
    print(
        f"1) Playground net 2-4-2-1 tanh/sigmoid bce, batch 10, 200 points, "
        f"{n_steps} steps, best of {repeats}"
    )
    rows = []
    for label, eval_every in (("Trainer.run, eval every 10", 10), ("Trainer.run, eval every 1000", 1000)):
        best = 0.0
        for _ in range(repeats):
            trainer = playground_trainer(eval_every)
            t0 = time.perf_counter()
            trainer.run(n_steps)
            best = max(best, n_steps / (time.perf_counter() - t0))
        rows.append((label, best))
    best = 0.0
    for _ in range(repeats):  # the same batches through bare train_step: the floor
        trainer = playground_trainer()
        batches = [trainer._next_batch() for _ in range(200)]
        net, opt = trainer.network, trainer.optimizer
        t0 = time.perf_counter()
        for i in range(n_steps):
            _, X, Y = batches[i % 200]
            net.train_step(X, Y, optimizer=opt)
        best = max(best, n_steps / (time.perf_counter() - t0))
    rows.append(("bare Network.train_step loop", best))
    for label, rate in rows:
        print(f"   {label:32s} {rate:9,.0f} steps/s  ({1e6 / rate:6.1f} us/step)")


def bench_memory() -> None:
    print(
        "\n2) memory, default History (50 MB cap, keep_recent 50, detail and histograms every 10),\n"
        "   eval every 10. traced: memory allocated during the run and still held at the end\n"
        "   (tracemalloc), peak: its peak;\n"
        "   nbytes: the History's own count (detail part in brackets); time is under tracemalloc"
    )
    configs = [
        ("2-8-8-1 tanh, batch 10", [2, 8, 8, 1], 10, 10_000, 500),
        ("20 hidden x 32 tanh, batch 10", [2] + [32] * 20 + [1], 10, 2_000, 500),
        ("100 hidden x 64 relu, batch 64", [2] + [64] * 100 + [1], 64, 2_000, 512),
    ]
    print(
        f"   {'network':31s} {'steps':>6s} {'time s':>7s} {'traced MB':>9s} {'peak MB':>8s} "
        f"{'nbytes MB (detail)':>19s} {'rows':>6s} {'detail steps':>12s}"
    )
    for label, sizes, batch, n_steps, n_train in configs:
        activation = "relu" if sizes[1] == 64 else "tanh"
        init = "he_normal" if activation == "relu" else "xavier_uniform"
        dataset = circle_dataset(n_train, 200)
        net = Network(sizes, activation=activation, loss="bce", init=init, seed=0)
        trainer = Trainer(net, make_optimizer("sgd", lr=0.01), dataset, batch, seed=0, eval_every=10)
        tracemalloc.start()
        t0 = time.perf_counter()
        trainer.run(n_steps)
        seconds = time.perf_counter() - t0
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        history = trainer.history
        detail = f"{history.nbytes / 1e6:.2f} ({history.detail_nbytes / 1e6:.2f})"
        print(
            f"   {label:31s} {n_steps:6d} {seconds:7.1f} {current / 1e6:9.1f} {peak / 1e6:8.1f} "
            f"{detail:>19s} {len(history):6d} {len(history.detail_steps()):12d}"
        )


def profile(n_steps: int = 20_000) -> None:
    trainer = playground_trainer()
    profiler = cProfile.Profile()
    profiler.enable()
    trainer.run(n_steps)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile()
    else:
        bench_speed()
        bench_memory()
