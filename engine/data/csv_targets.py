"""CSV step 3, features and targets: which columns are targets, the task (given or inferred),
the classes (2 to ``MAX_CLASSES``) and the ``CsvTable`` that holds the parsed file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data.csv_check import _column
from engine.data.csv_read import _Table
from engine.data.dataset import DataError, _one_hot, _shown

MAX_CLASSES = 50
MAX_INFERRED_CLASSES = 10  # task=None: an integer target with at most this many values is a class label


def _label(value: Any) -> Any:
    """A class label as the user wrote it: text as is, an integral float as an ``int``."""
    if isinstance(value, float) and value == math.floor(value):
        return int(value)
    return value


def _check_task(task: Any) -> str | None:
    if task is not None and task not in ("classification", "regression"):
        raise DataError(f"task must be 'classification', 'regression' or None (infer), got {_shown(task)}")
    return task


def _target_indices(header: list[str], target_columns: Any) -> list[int]:
    columns = ", ".join(_shown(h) for h in header[:20]) + (", …" if len(header) > 20 else "")
    if target_columns is None:
        targets = [header[-1]]
    elif isinstance(target_columns, str):
        targets = [target_columns]
    else:
        try:
            targets = list(target_columns)
        except TypeError:
            raise DataError("target_columns must be a column name or a list of column names") from None
        if not targets:
            raise DataError(f"target_columns is empty; name at least one of the columns {columns}")
    indices = []
    for t in targets:
        if not isinstance(t, str) or t.strip() not in header:
            raise DataError(f"target column {_shown(t)} is not in the header; the columns are {columns}")
        indices.append(header.index(t.strip()))
    if len(set(indices)) != len(indices):
        raise DataError("target_columns names the same column more than once")
    if len(indices) == len(header):
        raise DataError("every column is a target; leave at least one column as an input feature")
    return indices


@dataclass(frozen=True)
class CsvTable:
    """A parsed, validated CSV before the split: ``X`` ``(n, d)`` features and ``Y`` ``(n, k)``
    targets (float64, raw values), ``classes`` ``(n,)`` class indices (None for regression), and
    the names. ``split_csv`` turns it into a ``Dataset`` for a seed without parsing again."""

    task: str
    X: np.ndarray
    Y: np.ndarray
    classes: np.ndarray | None
    feature_names: list[str]
    target_names: list[str]
    class_labels: list[Any] | None


def _text_column(target_idx: list[int], task: str | None) -> int | None:
    """The column that may hold text labels: a single target, unless the task is regression."""
    return target_idx[0] if task != "regression" and len(target_idx) == 1 else None


def _pick_targets(table: _Table, values: np.ndarray, target_idx: list[int], task: str | None) -> CsvTable:
    """Step 3: features and targets of the checked ``values``; infers the task; checks the
    classes (2 to ``MAX_CLASSES``)."""
    text_column = _text_column(target_idx, task)
    X = values[:, [j for j in range(len(table.header)) if j not in target_idx]]
    names = dict(
        feature_names=[h for j, h in enumerate(table.header) if j not in target_idx],
        target_names=[table.header[j] for j in target_idx],
    )
    texts = text_column is not None and bool(np.isnan(values[:, text_column]).any())
    if texts:
        raw = table.cells[text_column].astype(str).str.strip().to_numpy(dtype=object)
    else:
        raw = values[:, target_idx[0]]
    labels = sorted(set(raw.tolist()))
    if task is None:
        integral = not texts and all(v == math.floor(v) for v in labels)
        task = (
            "classification"
            if text_column is not None and (texts or (integral and len(labels) <= MAX_INFERRED_CLASSES))
            else "regression"
        )
    if task == "regression":
        return CsvTable("regression", X, values[:, target_idx], None, class_labels=None, **names)
    if len(target_idx) != 1:
        raise DataError(
            f"classification needs exactly one target column holding the class labels, got {len(target_idx)}"
        )
    column = _column(names["target_names"][0], target_idx[0])
    if len(labels) < 2:
        raise DataError(
            f"the target {column} has a single class ({_shown(_label(labels[0]))}) in all "
            f"{len(raw)} rows; classification needs at least 2 classes"
        )
    if len(labels) > MAX_CLASSES:
        hint = ""
        if texts:
            r = int(np.argmax(np.isnan(values[:, text_column])))
            hint = f"; row {table.rows[r]} holds {_shown(raw[r])}, which is not a number"
        raise DataError(
            f"the target {column} has {len(labels)} distinct values; classification allows at most "
            f"{MAX_CLASSES} classes (is it a regression target?){hint}"
        )
    classes = np.searchsorted(np.array(labels, dtype=object if texts else np.float64), raw).astype(np.int64)
    Y = _one_hot(classes, len(labels))
    return CsvTable("classification", X, Y, classes, class_labels=[_label(v) for v in labels], **names)
