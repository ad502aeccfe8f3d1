"""bench_classroom's options: 80 sessions and several waves are accepted, nonsense is not.

The options live in ``benchmarks/_classroom_args.py``, which loads without the shared load tool
that the benchmark itself needs beside the repository (a clean clone has none)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "_classroom_args", ROOT / "benchmarks" / "_classroom_args.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_eighty_sessions_in_two_waves(bench):
    args = bench.parse_args(["--sessions", "80", "--waves", "2", "--workers", "2"])
    assert (args.sessions, args.waves, args.workers, args.after) == (80, 2, 2, 180)


@pytest.mark.parametrize("argv", [["--waves", "0"], ["--sessions", "0"], ["--sessions", "501"]])
def test_nonsense_is_refused(bench, argv):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
