"""CSV step 2, shape and caps: the header (names, unique, not all numbers), the row and cell
caps, and every cell a finite number within ``MAX_CSV_MAGNITUDE`` (text only in a label
column); the first bad row in file order is named, as a spreadsheet numbers it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.data.csv_read import MAX_CSV_CELLS, _cells_error, _Table
from engine.data.dataset import DataError, _shown

MAX_CSV_MAGNITUDE = 1e150  # |value| above this overflows when standardized (its square > 1e300)


def _parse_float(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _column(name: str, index: int) -> str:
    return f"column {_shown(name)} (column {index + 1})"


def _check_header(table: _Table) -> None:
    header, row = table.header, table.header_row
    if all(_parse_float(h) is not None for h in header):
        raise DataError(
            f"row {row} is the header but holds only numbers ({_shown(header[0])}, …): "
            "the first row must name the columns, e.g. x1,x2,y"
        )
    if len(header) < 2:
        raise DataError(
            f"the header (row {row}) has {len(header)} column; at least 2 are needed "
            "(features and a target), separated by commas"
        )
    for j, name in enumerate(header):
        if not name:
            raise DataError(f"the header (row {row}) has no name in column {j + 1}; name every column")
        if header.index(name) != j:
            raise DataError(
                f"the header (row {row}) names column {_shown(name)} twice "
                f"(columns {header.index(name) + 1} and {j + 1}); column names must be unique"
            )


def _check_caps(table: _Table, max_rows: int) -> None:
    """Rows, then total cells (``MAX_CSV_CELLS``); the columns were capped while reading."""
    n, width = len(table.rows), len(table.header)
    if n > max_rows:
        raise DataError(
            f"the file has more than {max_rows} data rows (row {table.rows[max_rows]} is one too many); "
            f"the limit is {max_rows} rows after the header"
        )
    if n * width > MAX_CSV_CELLS:
        _cells_error(n, width)


_EMPTY, _LINES, _TEXT, _NOT_FINITE, _TOO_LARGE = 1, 2, 3, 4, 5


def _column_numbers(column: Any, text_ok: bool) -> tuple[np.ndarray, np.ndarray]:
    """One column's ``(values, problem)``: float64 values (NaN where not a number) and the
    first problem of each cell (0 = none; text is no problem where ``text_ok``)."""
    import pandas as pd

    if column.dtype.kind in "iufb":
        values = column.to_numpy(dtype=np.float64)
        problem = np.zeros(values.shape, dtype=np.int8)
    else:
        stripped = column.astype(str).str.strip()
        values = pd.to_numeric(stripped, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        nan_text = stripped.str.lower().isin(("nan", "+nan", "-nan")).to_numpy(dtype=bool)
        problem = np.where(np.isnan(values) & ~nan_text & ~np.bool_(text_ok), _TEXT, 0).astype(np.int8)
        problem[column.str.contains("[\r\n]", regex=True).to_numpy(dtype=bool)] = _LINES
        problem[stripped.eq("").to_numpy(dtype=bool)] = _EMPTY
        problem[nan_text] = _NOT_FINITE
    with np.errstate(invalid="ignore"):
        fine = problem == 0
        problem[fine & np.isinf(values)] = _NOT_FINITE
        problem[fine & ~np.isinf(values) & (np.abs(values) > MAX_CSV_MAGNITUDE)] = _TOO_LARGE
    return values, problem


def _cell_message(table: _Table, r: int, j: int, kind: int) -> str:
    row, cell = table.rows[r], str(table.cells.iat[r, j]).strip()
    where = f"row {row}, {_column(table.header[j], j)}"
    if kind == _EMPTY:
        return f"{where} is empty; every cell needs a value"
    if kind == _LINES:
        return (
            f'{where} spans several lines ({_shown(str(table.cells.iat[r, j]))}): is a quote (") left open?'
        )
    if kind == _TEXT:
        return f"{where}: {_shown(cell)} is not a number"
    if kind == _NOT_FINITE:
        word = "NaN" if math.isnan(float(cell)) else "infinite"
        return f"{where} is {word} ({_shown(cell)}); every value must be a finite number"
    return (
        f"{where}: {_shown(cell)} is too large to scale: standardizing squares the values, which "
        f"overflows; every value must be within ±{MAX_CSV_MAGNITUDE:g}"
    )


def _numbers(table: _Table, text_column: int | None) -> np.ndarray:
    """Step 2, the cells: ``(n, width)`` float64 (NaN for the text labels of ``text_column``).
    Raises for the first bad row in file order: a wrong number of cells, else its first bad cell."""
    width = len(table.header)
    n = len(table.rows)
    values = np.empty((n, width), dtype=np.float64)
    kinds = np.zeros((n, width), dtype=np.int8)
    for j in range(width):
        values[:, j], kinds[:, j] = _column_numbers(table.cells[j], text_ok=j == text_column)
    bad_cell = kinds != 0
    first_bad = np.where(bad_cell.any(axis=1), np.argmax(bad_cell, axis=1), width)
    bad_width = table.counts != width
    bad_row = bad_width | (first_bad < width)
    if bad_row.any():
        r = int(np.argmax(bad_row))
        if bad_width[r]:
            names = ", ".join(_shown(h) for h in table.header[:8]) + (", …" if width > 8 else "")
            raise DataError(
                f"row {table.rows[r]} has {table.counts[r]} cells but the header has "
                f"{width} columns ({names})"
            )
        j = int(first_bad[r])
        raise DataError(_cell_message(table, r, j, int(kinds[r, j])))
    return values
