"""CSV loading: time and peak memory of ``engine.data.load_csv`` (plain figures, no assertions).

Run from the repository root: ``python benchmarks/bench_csv.py``.

1. A file within the caps: 10,000 rows x 200 columns (``MAX_CSV_CELLS``), one-digit values.
2. The issue's file: 10,000 rows x 1,000 columns (999 features + target, ~20 MB): refused
   now for its cell count; the figure is how long the refusal takes.
3. A seed change on the Vanishing page: ``CsvData.with_seed`` (split again, no parse).
4. How long the interpreter is held: another thread counts its wake-ups (every 5 ms) while
   the big file is parsed; few wake-ups mean other sessions wait.

Before this change (the per-cell Python loop) the issue measured 12.7 s for file 2, and 29 s
for a seed change (each parsed the file again).
"""

import contextlib
import math
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.data import DataError, load_csv  # noqa: E402
from pages.vanishing_state import parse_csv  # noqa: E402


def make_csv(rows: int, features: int) -> bytes:
    rng = np.random.default_rng(0)
    X = rng.integers(0, 10, size=(rows, features))
    y = (X[:, 0] > 4).astype(int)
    header = ",".join(f"f{j}" for j in range(features)) + ",y\n"
    body = "\n".join(",".join(map(str, row)) for row in np.column_stack([X, y]).tolist())
    return (header + body + "\n").encode()


def timed(label: str, call) -> object:
    """Wall time of ``call`` (best of 3), then its peak allocation in a separate run (tracemalloc
    slows the code it watches)."""
    seconds = math.inf
    for _ in range(3):
        start = time.perf_counter()
        try:
            result = call()
        except DataError as e:
            result = e
        seconds = min(seconds, time.perf_counter() - start)
    tracemalloc.start()
    with contextlib.suppress(DataError):
        call()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    outcome = f"refused: {str(result)[:70]}…" if isinstance(result, DataError) else "loaded"
    print(f"{label:<48} {seconds:7.2f} s   peak {peak:7.1f} MB   {outcome}")
    return result


def wakeups_during(call) -> tuple[float, int]:
    """Seconds ``call`` takes and how often a 5 ms sleeper thread woke meanwhile."""
    stop, count = threading.Event(), [0]

    def sleeper():
        while not stop.is_set():
            time.sleep(0.005)
            count[0] += 1

    thread = threading.Thread(target=sleeper)
    thread.start()
    start = time.perf_counter()
    with contextlib.suppress(DataError):
        call()
    seconds = time.perf_counter() - start
    stop.set()
    thread.join()
    return seconds, count[0]


def main() -> None:
    within = make_csv(10_000, 199)
    big = make_csv(10_000, 999)
    print(f"file 1: {len(within) / 2**20:.1f} MB, file 2: {len(big) / 2**20:.1f} MB")
    timed("1. load_csv 10,000 x 200 (at the cell cap)", lambda: load_csv(within))
    timed("2. load_csv 10,000 x 1,000 (issue's 20 MB file)", lambda: load_csv(big))
    data = timed("3a. parse_csv 10,000 x 200 (page, standardized)", lambda: parse_csv(within, "w.csv", 0))
    timed("3b. seed change: CsvData.with_seed(1)", lambda: data.with_seed(1))
    for label, content in (("file 1", within), ("file 2", big)):
        seconds, wakes = wakeups_during(lambda c=content: load_csv(c))
        print(
            f"4. {label}: {seconds:.2f} s, a 5 ms sleeper woke {wakes} times (ideal ~{seconds / 0.005:.0f})"
        )


if __name__ == "__main__":
    main()
