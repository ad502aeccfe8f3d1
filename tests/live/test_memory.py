"""The memory tools: the worker's warm-up list and the debugging probe's readings."""

from __future__ import annotations

import json
import os
import signal
import sys

from pages.live import memprobe, warm

SMAPS = """\
55d0c0000000-55d0c0021000 rw-p 00000000 00:00 0                          [heap]
Size:                132 kB
Rss:                 100 kB
7f0000000000-7f0000100000 rw-p 00000000 00:00 0
Size:               1024 kB
Rss:                 512 kB
7f1000000000-7f1000010000 r-xp 00000000 08:01 1234                       /usr/lib/libc.so.6
Size:                 64 kB
Rss:                1024 kB
VmFlags: rd ex mr mw me
"""


def test_warm_preloads_the_libraries_every_engine_and_viz_module_and_the_state_modules():
    names = warm.module_names()
    assert names[: len(warm.LIBRARIES)] == list(warm.LIBRARIES)
    assert {"engine.trainer", "engine.data", "viz.frames", "viz.playground_diagram"} <= set(names)
    assert "pages.playground_live" in names
    # never a page script: importing one runs it
    assert not {"pages.playground", "pages.vanishing", "pages.home"} & set(names)


def test_preload_imports_them_and_reports_failures(monkeypatch):
    monkeypatch.setattr(warm, "STATE_MODULES", ("pages.live.share", "pages.no_such_module"))
    failed = warm.preload()
    assert failed == ["pages.no_such_module"]
    assert "viz.frames" in sys.modules and "pages.live.share" in sys.modules


def test_mappings_sums_resident_memory_by_kind(tmp_path):
    path = tmp_path / "smaps"
    path.write_text(SMAPS)
    assert memprobe.mappings(str(path)) == {"heap_mb": round(100 / 1024, 1), "anon_mb": 0.5, "file_mb": 1.0}
    assert memprobe.mappings(str(tmp_path / "missing")) == {}


def test_pymalloc_reads_the_arenas_and_the_used_blocks():
    found = memprobe.pymalloc()
    assert set(found) == {"pyarenas_mb", "pyused_mb"}
    assert 0 < found["pyused_mb"] <= found["pyarenas_mb"]


class Thing:
    """A type of object only this test makes."""


def test_holders_names_what_holds_a_kind_of_object():
    kept = [Thing() for _ in range(30)]
    assert memprobe.holders("Thing") == [("list[30] -> Thing[?] of -", 30)]
    del kept


def test_snapshot_counts_the_registry_runs_and_is_json():
    record = json.loads(json.dumps(memprobe.snapshot("test")))
    assert record["label"] == "test" and record["rss_mb"] > 0
    assert record["objects"] > 1000 and "numpy" in record["packages"]


def test_install_needs_the_variable_and_writes_one_line_per_signal(tmp_path, monkeypatch):
    monkeypatch.delenv(memprobe.ENV, raising=False)
    assert memprobe.install() is False
    monkeypatch.setenv(memprobe.ENV, str(tmp_path))
    previous = signal.getsignal(signal.SIGUSR1), signal.getsignal(signal.SIGUSR2)
    try:
        assert memprobe.install() is True
        os.kill(os.getpid(), signal.SIGUSR1)
        os.kill(os.getpid(), signal.SIGUSR2)
    finally:
        signal.signal(signal.SIGUSR1, previous[0])
        signal.signal(signal.SIGUSR2, previous[1])
    lines = (tmp_path / f"memprobe-{os.getpid()}.jsonl").read_text().splitlines()
    assert len(lines) == 2
    assert "before_trim" not in json.loads(lines[0]) and "before_trim" in json.loads(lines[1])


def test_recycler_waits_for_no_session_for_the_idle_time_and_memory_above_the_factor():
    from pages.live.runs import Recycler

    recycler = Recycler(idle_seconds=60, factor=1.2, baseline_mb=150)
    assert recycler.check(0, sessions=3, rss_mb=400) is False
    assert recycler.check(10, sessions=0, rss_mb=400) is False  # idle from t = 10
    assert recycler.check(69, sessions=0, rss_mb=400) is False
    assert recycler.check(70, sessions=0, rss_mb=400) is True
    assert recycler.check(71, sessions=0, rss_mb=170) is False  # back near its warm size: no need
    assert recycler.check(72, sessions=1, rss_mb=400) is False  # a student came: the clock restarts
    assert recycler.check(120, sessions=0, rss_mb=400) is False
    assert recycler.check(180, sessions=0, rss_mb=400) is True


def test_session_count_outside_a_server_never_allows_a_recycle():
    from pages.live.runs import session_count

    assert session_count() >= 1 << 30
