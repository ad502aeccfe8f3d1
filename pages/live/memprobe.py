"""Where a server process's memory is: a debugging probe, off unless ``BL_MEMPROBE`` is set.

With ``BL_MEMPROBE=/some/dir`` in a worker's environment, ``app.py``'s housekeeping installs a
``SIGUSR1`` handler; ``kill -USR1 <worker pid>`` then appends one JSON line to
``/some/dir/memprobe-<pid>.jsonl`` (``SIGUSR2``: the same, then again after a ``malloc_trim(0)``):

- ``rss_mb`` (``/proc/self/status``) and glibc's heap (``mallinfo2``: ``arena_mb`` the main
  and thread arenas' size, ``mmap_mb`` in mmap'd blocks, ``used_mb`` allocated, ``free_mb``
  free but kept);
- Streamlit's holders: active and stored (disconnected) sessions, media files, uploaded
  files, and our ``REGISTRY``'s live runs;
- ``heap_mb``/``anon_mb``/``file_mb``: resident memory by kind of mapping (``/proc/self/smaps``);
- ``pyarenas_mb``/``pyused_mb``: Python's own small-object arenas and what is used in them;
- ``top``: the most numerous Python object types (``gc.get_objects``) and ``arrays_mb``,
  the bytes owned by live NumPy arrays; ``packages``: which large libraries are imported.

Nothing is sent anywhere, nothing changes: it reads and writes one file.
"""

from __future__ import annotations

import collections
import ctypes
import gc
import json
import os
import signal
import sys
import time
from pathlib import Path

ENV = "BL_MEMPROBE"
HEAVY = {"numpy", "pandas", "pyarrow", "plotly", "sklearn", "scipy", "engine", "viz", "pages"}


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks")
        + ("uordblks", "fordblks", "keepcost")
    ]


def heap() -> dict:
    """glibc's view of the heap in MB ({} without glibc 2.33+)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _Mallinfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    mb = 1 / 2**20
    return {
        "arena_mb": round(info.arena * mb, 1),
        "mmap_mb": round(info.hblkhd * mb, 1),
        "used_mb": round(info.uordblks * mb, 1),
        "free_mb": round(info.fordblks * mb, 1),
    }


def rss_mb() -> float:
    """This process's resident set size in MB (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def mappings(path: str = "/proc/self/smaps") -> dict:
    """Resident MB by kind of mapping: ``heap_mb`` (brk heap), ``anon_mb`` (anonymous mmaps:
    thread arenas, pymalloc's arenas, large blocks), ``file_mb`` (code and data of libraries)."""
    totals = {"heap_mb": 0.0, "anon_mb": 0.0, "file_mb": 0.0}
    kind = "anon_mb"
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return {}
    for line in lines:
        head = line.split(None, 1)[0] if line.strip() else ""
        # a mapping's first line: "range perms offset dev inode [name]"
        if "-" in head and not head.endswith(":"):
            fields = line.split()
            name = fields[5] if len(fields) > 5 else ""
            kind = "heap_mb" if name == "[heap]" else "file_mb" if name.startswith("/") else "anon_mb"
        elif head == "Rss:":
            totals[kind] += int(line.split()[1]) / 1024
    return {key: round(value, 1) for key, value in totals.items()}


def pymalloc() -> dict:
    """Python's small-object allocator (``sys._debugmallocstats``): ``pyarenas_mb`` held in
    1 MiB arenas, ``pyused_mb`` in allocated blocks; an arena goes back only when all empty."""
    import tempfile

    found: dict = {}
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        try:
            sys.stderr.flush()
            os.dup2(out.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        for line in out:
            name, _, value = line.partition("=")
            if "arenas * " in name or name.startswith("# bytes in allocated blocks"):
                key = "pyarenas_mb" if "arenas * " in name else "pyused_mb"
                found[key] = round(int(value.strip().replace(",", "")) / 2**20, 1)
    return found


def python_objects(top: int = 15) -> dict:
    """The most numerous object types and the bytes NumPy arrays own (views count 0)."""
    counts: collections.Counter = collections.Counter()
    array_bytes = 0
    np = sys.modules.get("numpy")
    for obj in gc.get_objects():
        counts[type(obj).__qualname__] += 1
        if np is not None and isinstance(obj, np.ndarray) and obj.base is None:
            array_bytes += obj.nbytes
    return {"objects": sum(counts.values()), "top": counts.most_common(top), "arrays_mb": array_bytes / 2**20}


def streamlit_holders() -> dict:
    """How many sessions, files and live runs the server holds (private attributes: best effort)."""
    found: dict = {}
    try:
        from streamlit import runtime

        if not runtime.exists():
            return found
        rt = runtime.get_instance()
        manager = rt._session_mgr
        found["active_sessions"] = len(manager.list_active_sessions())
        found["stored_sessions"] = len(manager._session_storage.list())
        storage = getattr(rt._media_file_mgr, "_storage", None)
        found["media_files"] = len(getattr(storage, "_files_by_id", {}))
        uploads = getattr(rt._uploaded_file_mgr, "file_storage", {})
        found["upload_sessions"] = len(uploads)
    except Exception as error:  # noqa: BLE001 - a probe reports what it can
        found["error"] = repr(error)
    live = sys.modules.get("pages.live.runs")
    if live is not None:
        found["live_runs"] = len(live.REGISTRY)
    return found


def holders(kind: str = "list", sample: int = 300) -> list:
    """What holds objects of type ``kind`` (a sample of them): the most common
    (holder type, contents) pairs, where contents is the type of the object's first item."""
    import random

    found = [obj for obj in gc.get_objects() if type(obj).__qualname__ == kind]
    picked = random.Random(0).sample(found, min(sample, len(found)))
    del found
    pairs: collections.Counter = collections.Counter()
    for obj in picked:
        first = type(next(iter(obj), None)).__qualname__ if hasattr(obj, "__iter__") else "-"
        referrers = [r for r in gc.get_referrers(obj) if r is not picked]
        holder = type(referrers[0]).__qualname__ if referrers else "none"
        if referrers and hasattr(referrers[0], "__len__"):
            holder += f"[{len(referrers[0])}]"
        pairs[f"{holder} -> {kind}[{len(obj) if hasattr(obj, '__len__') else '?'}] of {first}"] += 1
    return pairs.most_common(12)


def snapshot(label: str = "") -> dict:
    """Everything above, in one dict."""
    gc.collect()
    return {
        "time": round(time.time(), 1),
        "label": label,
        "rss_mb": round(rss_mb(), 1),
        **heap(),
        **mappings(),
        **pymalloc(),
        **streamlit_holders(),
        **python_objects(),
        "list_holders": holders() if os.environ.get("BL_MEMPROBE_HOLDERS") else [],
        "packages": sorted({name.split(".")[0] for name in list(sys.modules)} & HEAVY),
    }


def install() -> bool:
    """With ``BL_MEMPROBE`` set: write a snapshot on every SIGUSR1. Call from the main thread."""
    directory = os.environ.get(ENV)
    if not directory or not hasattr(signal, "SIGUSR1"):
        return False
    path = Path(directory) / f"memprobe-{os.getpid()}.jsonl"

    def on_signal(signum, _frame) -> None:
        record = snapshot("SIGUSR1")
        if signum == signal.SIGUSR2:  # and what a malloc_trim(0) now gives back
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            record = {**snapshot("SIGUSR2 after malloc_trim"), "before_trim": record}
        with open(path, "a") as out:
            out.write(json.dumps(record) + "\n")

    signal.signal(signal.SIGUSR1, on_signal)
    signal.signal(signal.SIGUSR2, on_signal)
    return True
