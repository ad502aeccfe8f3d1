"""Server-side cost and size of the Playground's live frames (plain figures, no assertions).

Run from the repository root: ``python benchmarks/bench_playground.py [--profile]``.

While a tab plays, its stream (``pages/live/stream.py``) repeats: train a slice (a time budget,
``pages.live.share.MAX_SLICE`` for a tab alone), then build one frame (``PlaygroundLive.state_frame``:
the evaluation of the state reached, the maps over the 100 x 100 and 20 x 20 grids, edge and
unit values, the new curve rows, and the checkpoint Pause can go back to). This script does the
same on one core and prints, per frame: the CPU time beyond the training steps (the frame, the
evaluation included), the bytes sent, and the training steps per second of the slices.

Targets (issue 12): <= 3 ms of CPU beyond the training steps and <= 15 KB per frame for the
default network, <= 40 KB for 6 hidden layers x 8.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core, before NumPy is imported

import cProfile  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pages.live.share import MAX_SLICE  # noqa: E402
from pages.playground_build import build_trainer  # noqa: E402
from pages.playground_live import PlaygroundLive  # noqa: E402
from pages.playground_settings import PlaygroundConfig  # noqa: E402


def frames(config: PlaygroundConfig, n_frames: int):
    """``n_frames`` slices and frames; yields (frame CPU seconds, bytes, steps, slice seconds)."""
    model = PlaygroundLive(config, build_trainer(config))
    model.setup_frame()
    for seq in range(n_frames):
        t0 = time.perf_counter()
        steps = model.train(MAX_SLICE, None, lambda: False)
        t1, c1 = time.perf_counter(), time.thread_time()
        frame = model.state_frame(seq, {"playing": True, "rate": 1000.0, "busy": False})
        yield time.thread_time() - c1, len(frame), steps, t1 - t0


def bench(config: PlaygroundConfig, label: str, n_frames: int = 200) -> None:
    rows = list(frames(config, n_frames))[20:]  # after the first slices (imports, caches)
    cpu = statistics.median(r[0] for r in rows) * 1e3
    size = statistics.median(r[1] for r in rows) / 1024
    steps_per_s = sum(r[2] for r in rows) / sum(r[3] for r in rows)
    print(f"{label}: sizes {config.sizes}, {config.n_points} points, batch {config.batch_size}")
    print(
        f"  per frame: {cpu:.2f} ms CPU beyond the training steps (median; p90 "
        f"{sorted(r[0] for r in rows)[int(0.9 * len(rows))] * 1e3:.2f}), {size:.1f} KB (max "
        f"{max(r[1] for r in rows) / 1024:.1f}); training {steps_per_s:,.0f} steps/s in "
        f"{MAX_SLICE * 1e3:.0f} ms slices"
    )


def main() -> None:
    default = PlaygroundConfig()
    deep = PlaygroundConfig(
        hidden=(8,) * 6, features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")
    )
    if "--profile" in sys.argv:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in frames(default, 200):
            pass
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    bench(default, "default net (circle, 2-4-2-1 tanh)  [targets: <= 3 ms, <= 15 KB]")
    bench(PlaygroundConfig(dataset="spiral", n_points=500), "spiral, 500 points (the side-by-side task)")
    bench(deep, "all 7 features, six layers of 8  [target: <= 40 KB]", n_frames=80)


if __name__ == "__main__":
    main()
