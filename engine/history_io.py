"""Export and import of a ``History``: summaries as CSV, everything as NPZ, one detail step as JSON.

``History.to_csv`` / ``from_csv`` / ``save_npz`` / ``load_npz`` / ``to_json`` delegate here.
CSV: one row per recorded step, the scalar columns, then ``{column}_L{l}`` for ``l = 1 .. L``;
floats written with ``repr`` so reading gives back the same bits. NPZ: every table column,
every distinct detail array once (``arrays__j``) and a JSON ``config`` entry mapping each
step's fields to those arrays (so loading restores equal values and the same sharing).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import deque

import numpy as np

from engine.history_detail import STEP_LIST_FIELDS, STEP_SCALAR_FIELDS
from engine.history_tables import LAYER_COLUMNS, SCALAR_COLUMNS
from engine.network import Divergence, Step

_SETTINGS = (
    "max_bytes",
    "keep_recent",
    "detail_every",
    "histogram_every",
    "bins",
    "act_range",
    "grad_log10_range",
    "summary_share",
    "activation_names",
)


# ---------------------------------------------------------------------------- CSV
def _csv_header(L: int) -> list[str]:
    return list(SCALAR_COLUMNS) + [f"{name}_L{l + 1}" for name in LAYER_COLUMNS for l in range(L)]


def write_csv(history, path_or_buffer) -> None:
    """Write ``history``'s summaries to a path or text buffer (see ``History.to_csv``)."""
    cols = history.summaries()
    L = history.n_layers or 0
    header = _csv_header(L)
    n = len(cols["step"]) if cols else 0
    data = []
    for name in SCALAR_COLUMNS:
        values = cols[name].tolist() if cols else []
        data.append(
            [int(v) for v in values] if SCALAR_COLUMNS[name] is not np.float64 else [repr(v) for v in values]
        )
    for name in LAYER_COLUMNS:
        for l in range(L):
            data.append([repr(v) for v in cols[name][:, l].tolist()])

    def write(handle):
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*data) if n else [])

    if hasattr(path_or_buffer, "write"):
        write(path_or_buffer)
    else:
        with open(path_or_buffer, "w", newline="") as handle:
            write(handle)


def _read_rows(path_or_buffer) -> tuple[list[str], list[list[str]], int]:
    """The header, the body rows and ``L`` of a ``to_csv`` file; a clear error for any other."""
    if hasattr(path_or_buffer, "read"):
        text = path_or_buffer.read()
    else:
        with open(path_or_buffer, newline="") as handle:
            text = handle.read()
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValueError("the CSV is empty; expected a header row written by History.to_csv")
    header, body = rows[0], rows[1:]
    missing = [c for c in SCALAR_COLUMNS if c not in header]
    if missing:
        raise ValueError(f"the CSV lacks the column(s) {missing}; expected a file written by History.to_csv")
    L = sum(1 for c in header if c.startswith("W_norm_L"))
    expected = _csv_header(L)
    if header != expected or (L < 1 and body):
        raise ValueError(f"unexpected CSV header; expected the columns {expected}")
    if any(len(r) != len(header) for r in body):
        raise ValueError(f"every CSV row must have {len(header)} fields")
    return header, body, L


def _parse_columns(body: list[list[str]], L: int) -> dict[str, np.ndarray]:
    """The summary columns of the CSV body: scalars ``(n,)``, per-layer ``(n, L)``."""
    columns = list(zip(*body))
    try:
        cols = {}
        for j, name in enumerate(SCALAR_COLUMNS):
            dtype = SCALAR_COLUMNS[name]
            cols[name] = np.array(
                [float(v) if dtype is np.float64 else int(v) for v in columns[j]], dtype=dtype
            )
        j = len(SCALAR_COLUMNS)
        for name in LAYER_COLUMNS:
            cols[name] = np.array([[float(v) for v in columns[j + l]] for l in range(L)]).T.copy()
            j += L
    except ValueError:
        raise ValueError("the CSV holds a value that is not a number") from None
    return cols


def read_csv(cls, path_or_buffer, **settings):
    """A ``cls`` (History) holding the summaries of a ``to_csv`` file (see ``History.from_csv``)."""
    _, body, L = _read_rows(path_or_buffer)
    history = cls(**settings)
    if body:
        history._load_tables(L, {"summary": _parse_columns(body, L)})
    return history


# ---------------------------------------------------------------------------- NPZ
def _step_entry(st: Step, meta: tuple[int, int], data: dict, index_of: dict[int, int]) -> dict:
    """The JSON entry of one detail step; its arrays not yet in ``data`` are added there."""
    fields = {}
    for name in STEP_LIST_FIELDS:
        values = getattr(st, name)
        if values is None:  # e.g. no penalty gradients
            fields[name] = None
            continue
        refs = []
        for x in values:
            if x is None:
                refs.append(None)
                continue
            if id(x) not in index_of:
                index_of[id(x)] = len(index_of)
                data[f"arrays__{index_of[id(x)]}"] = np.asarray(x)
            refs.append(index_of[id(x)])
        fields[name] = refs
    div = st.divergence
    return {
        **{f: _json_float(getattr(st, f)) for f in STEP_SCALAR_FIELDS},
        "divergence": None if div is None else [div.quantity, div.layer, div.message],
        "meta": list(meta),
        "fields": fields,
    }


def save_npz(history, path) -> None:
    """Save summaries, metrics, histograms and every held detail step to one ``.npz``."""
    history.flush()
    data: dict[str, np.ndarray] = {}
    for name, table in history._tables.items():
        for col in table.arrays:
            data[f"{name}__{col}"] = table.column(col)
    detail = history._detail
    index_of: dict[int, int] = {}
    steps_meta = [_step_entry(st, detail.meta[k], data, index_of) for k, st in detail.steps.items()]
    config = {k: getattr(history, k) for k in _SETTINGS}
    config["grad_log10_range"] = list(history.grad_log10_range)
    config |= {
        "n_layers": history.n_layers,
        "stride": detail.stride,
        "last_index": history.last_step,
        "recent": list(detail.recent),
        "steps": steps_meta,
    }
    data["config"] = np.array(json.dumps(config))
    np.savez_compressed(path, **data)


def _entry_step(entry: dict, files: dict[str, np.ndarray]) -> Step:
    """The ``Step`` a ``_step_entry`` describes, its arrays taken from the loaded ``files``."""
    lists = {
        name: None if refs is None else [None if j is None else files[f"arrays__{j}"] for j in refs]
        for name, refs in entry["fields"].items()
    }
    scalars = {f: float(entry[f]) for f in STEP_SCALAR_FIELDS}
    scalars["index"] = int(scalars["index"])
    div = entry["divergence"]
    return Step(**scalars, **lists, divergence=None if div is None else Divergence(*div))


def load_npz(cls, path):
    """A ``cls`` (History) as saved by ``save_npz``: the same summaries, metrics, histograms, detail."""
    with np.load(path, allow_pickle=False) as npz:
        if "config" not in npz.files:
            raise ValueError("not a History file: the .npz has no 'config' entry (write it with save_npz)")
        config = json.loads(str(npz["config"]))
        files = {name: npz[name] for name in npz.files}
    history = cls(**{k: config[k] for k in _SETTINGS})
    tables = {
        name: {col.split("__", 1)[1]: arr for col, arr in files.items() if col.startswith(name + "__")}
        for name in ("summary", "histogram", "metrics")
    }
    history._load_tables(config["n_layers"], tables)
    detail = history._detail
    detail.stride = config["stride"]
    for entry in config["steps"]:
        step = _entry_step(entry, files)
        detail.check_layout(step)
        detail.add(step, tuple(entry["meta"]))
    detail.recent = deque(i for i in config["recent"] if i in detail.steps)
    if config["last_index"] is not None:
        history._last_index = config["last_index"]
    history._enforce_cap()
    return history


# ---------------------------------------------------------------------------- JSON
def _json_float(value):
    value = float(value)
    return value if math.isfinite(value) else repr(value)


def _jsonable(array: np.ndarray):
    if np.isfinite(array).all():
        return array.tolist()
    values = array.astype(object)
    values[~np.isfinite(array)] = None
    return values.tolist()


def step_to_dict(step: Step) -> dict:
    """A JSON-ready dict of a Step: scalars (non-finite as None), ``divergence`` (dict or
    None, layer 0-based) and each list field as a list of nested lists (None for no array)."""
    out: dict = {f: getattr(step, f) for f in STEP_SCALAR_FIELDS}
    out = {k: (v if isinstance(v, int) or math.isfinite(v) else None) for k, v in out.items()}
    div = step.divergence
    out["divergence"] = (
        None if div is None else {"quantity": div.quantity, "layer": div.layer, "message": div.message}
    )
    for name in STEP_LIST_FIELDS:
        public = name.lstrip("_")  # a private field is exposed by a property of that name
        out[public] = [None if x is None else _jsonable(x) for x in getattr(step, public)]
    return out


def step_json(history, k: int) -> str:
    """Detail step ``k`` of ``history`` as JSON (see ``History.to_json``)."""
    st = history.detail(k)
    if st is None:
        raise ValueError(f"step {k} is not held in detail; held steps: {history._detail.describe()}")
    return json.dumps(step_to_dict(st), allow_nan=False)
