"""The CSV loader's public steps: ``read_csv_table`` (steps 1-3: parse once), ``split_csv``
(step 4: a seeded split), ``load_csv`` (all four) and ``plane_from_csv`` (a two-feature file on
the Playground's square).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.data.csv_check import _check_caps, _check_header, _numbers
from engine.data.csv_read import _read_table
from engine.data.csv_targets import CsvTable, _check_task, _pick_targets, _target_indices, _text_column
from engine.data.dataset import (
    DOMAIN,
    TEST_FRACTION_RANGE,
    DataError,
    Dataset,
    _check_int,
    _check_real,
    _rng,
    _shown,
    _split,
)
from engine.data.features import _check_features, feature_map


def read_csv_table(
    source: Any,
    target_columns: str | Sequence[str] | None = None,
    task: str | None = None,
    max_rows: int = 10_000,
    min_rows: int = 10,
) -> CsvTable:
    """Parse and validate a CSV once (steps 1-3 of ``load_csv``; see there for the format)."""
    task = _check_task(task)
    min_rows = _check_int("min_rows", min_rows, 2)
    max_rows = _check_int("max_rows", max_rows, min_rows)
    table = _read_table(source)  # step 1: read and parse
    _check_header(table)  # step 2: shape and caps
    target_idx = _target_indices(table.header, target_columns)
    _check_caps(table, max_rows)
    values = _numbers(table, _text_column(target_idx, task))
    if len(table.rows) < min_rows:
        found = "1 data row" if len(table.rows) == 1 else f"{len(table.rows)} data rows"
        raise DataError(f"the file has {found} after the header; at least {min_rows} are needed")
    return _pick_targets(table, values, target_idx, task)  # step 3


def split_csv(table: CsvTable, test_fraction: float = 0.3, seed: int = 0) -> Dataset:
    """Step 4: a seeded split of a parsed CSV (stratified for classification) as a ``Dataset``."""
    test_fraction = _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    train, test = _split(table.X.shape[0], test_fraction, _rng(seed), table.classes)
    return Dataset(
        name="csv",
        task=table.task,
        X_train=table.X[train],
        Y_train=table.Y[train],
        X_test=table.X[test],
        Y_test=table.Y[test],
        feature_names=list(table.feature_names),
        target_names=list(table.target_names),
        class_labels=None if table.class_labels is None else list(table.class_labels),
        domain=None,
    )


def load_csv(
    source: Any,
    target_columns: str | Sequence[str] | None = None,
    task: str | None = None,
    test_fraction: float = 0.3,
    seed: int = 0,
    max_rows: int = 10_000,
    min_rows: int = 10,
) -> Dataset:
    """A user's CSV as a ``Dataset``, validated; every problem is a ``DataError``.

    ``source``: a path (``pathlib.Path`` or any ``os.PathLike``; a plain ``str`` is always
    the CSV *text*, never a file name), ``bytes`` (UTF-8, BOM allowed), or a file-like object
    such as Streamlit's ``UploadedFile``. At most 32 MB (``MAX_CSV_BYTES``).

    Format: the first non-blank row is a header naming every column (unique, non-empty
    names); rows where every cell is blank are skipped; separator ``,`` (or ``;`` / tab if
    that is what the header uses); every other cell a finite decimal number (``1``, ``-2.5``,
    ``3e-4``) within ``±MAX_CSV_MAGNITUDE`` (larger ones overflow when standardized). Rows are
    numbered as a spreadsheet shows them: the header is row 1. Between ``min_rows`` and
    ``max_rows`` data rows, at most ``MAX_CSV_COLUMNS`` columns and ``MAX_CSV_CELLS`` cells.

    Targets: ``target_columns`` (a name or a list of names) or, by default, the last column;
    the other columns, in file order, are the features. Values are kept raw (not
    standardized): a page may standardize ``X`` itself.

    ``task``: ``"classification"`` (one target column; its distinct values, numeric or text,
    are the classes), ``"regression"`` (every target cell numeric) or ``None``: classification
    when a single target holds at most 10 distinct integer values, or holds text labels;
    otherwise regression. Classification needs 2 to 50 classes; ``class_labels`` lists them
    sorted (ints when integral), and ``Y`` is a 0/1 column (1 = ``class_labels[1]``) for two
    classes, one-hot ``(n, c)`` for ``c > 2``. The split is seeded, and stratified for
    classification; ``n_test = round(n * test_fraction)`` in ``[1, n - 1]``.

    Four steps, each its own module: read and parse (``csv_read._read_table``: pandas' C parser,
    numbers parsed in bulk), check shape and caps (``csv_check``: ``_check_header``,
    ``_check_caps``, ``_numbers``), pick features and targets (``csv_targets._pick_targets``),
    split into a ``Dataset`` (``split_csv``, here).
    ``read_csv_table`` is the first three, for a caller that splits one file with many seeds.
    """
    _check_task(task)
    _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    _rng(seed)
    return split_csv(read_csv_table(source, target_columns, task, max_rows, min_rows), test_fraction, seed)


def plane_from_csv(
    table: CsvTable,
    test_fraction: float = 0.5,
    seed: int = 0,
    features: Sequence[str] = ("x1", "x2"),
    tf_compatible: bool = False,
) -> Dataset:
    """A Playground data set from a parsed CSV (``read_csv_table``) of two feature columns and one
    label (two classes) or target column: each feature column is mapped linearly onto ``DOMAIN``
    (its minimum to -6, its maximum to 6; a constant column to 0), so that the points are
    ``(x1, x2)`` in the Playground's square and the input features (``x1^2``, ``sin x1``, ...)
    and the boundary grid apply; then the seeded split of ``split_csv``. Binary labels are 0/1
    (``class_labels`` says which is which), -1/+1 with ``tf_compatible``; regression targets are
    kept as they are. DataError if the table has not that shape."""
    if table.X.shape[1] != 2:
        raise DataError(
            f"the Playground needs exactly two feature columns (x1, x2) and one label or target; the file "
            f"has {table.X.shape[1]} feature columns ({', '.join(map(_shown, table.feature_names[:4]))})"
        )
    if table.Y.shape[1] != 1:
        what = "classes" if table.task == "classification" else "targets"
        raise DataError(
            f"the Playground takes one label with two classes, or one target; the file has "
            f"{len(table.class_labels or table.target_names)} {what}"
        )
    names = _check_features(features)
    lo, hi = table.X.min(axis=0), table.X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    points = np.where(hi > lo, DOMAIN[0] + (table.X - lo) / span * (DOMAIN[1] - DOMAIN[0]), 0.0)
    parts = split_csv(dataclasses.replace(table, X=points), test_fraction, seed)
    labels, threshold = None, 0.5
    if table.task == "classification":
        labels, threshold = list(table.class_labels), (0.0 if tf_compatible else 0.5)
        if tf_compatible:
            parts.Y_train, parts.Y_test = 2.0 * parts.Y_train - 1.0, 2.0 * parts.Y_test - 1.0
    return Dataset(
        name="csv",
        task=table.task,
        X_train=feature_map(parts.X_train, names),
        Y_train=parts.Y_train,
        X_test=feature_map(parts.X_test, names),
        Y_test=parts.Y_test,
        feature_names=names,
        target_names=list(table.target_names),
        class_labels=labels,
        domain=DOMAIN,
        raw_train=parts.X_train,
        raw_test=parts.X_test,
        label_threshold=threshold,
    )
