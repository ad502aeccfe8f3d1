"""CSV step 1, read and parse: the bytes or text of a source (size cap), its separator, the
header row, and every data row tokenized by pandas' C parser (imported inside the functions)
into a ``_Table``; a file far over the cell cap is refused before parsing.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data.dataset import DataError, _shown

MAX_CSV_BYTES = 32 * 1024 * 1024
MAX_CSV_COLUMNS = 1000
MAX_CSV_CELLS = 2_000_000  # rows x columns: 10,000 rows of 200 columns, 2,000 rows of 1,000


def _read_text(source: Any) -> str:
    """The text of ``source``: a path (``os.PathLike``), ``bytes``, ``str`` text, or a file-like object."""
    if isinstance(source, os.PathLike):
        try:
            with open(source, "rb") as f:
                data: bytes | str = f.read(MAX_CSV_BYTES + 1)
        except OSError as e:
            raise DataError(
                f"could not read the file {_shown(os.fspath(source))}: {e.strerror or e}"
            ) from None
    elif isinstance(source, (bytes, bytearray, memoryview, str)):
        data = source
    elif hasattr(source, "getvalue") or hasattr(source, "read"):  # e.g. Streamlit's UploadedFile
        try:
            data = source.getvalue() if hasattr(source, "getvalue") else source.read(MAX_CSV_BYTES + 1)
        except (OSError, ValueError) as e:
            raise DataError(f"could not read the uploaded file: {e}") from None
    else:
        raise DataError(
            "source must be a path (pathlib.Path), the file's bytes, its text as a str, "
            f"or a file-like object; got {type(source).__name__}"
        )
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        raise DataError(f"reading the source gave {type(data).__name__}, expected bytes or text")
    if len(data) > MAX_CSV_BYTES:
        raise DataError(f"the file is larger than the limit of {MAX_CSV_BYTES // (1024 * 1024)} MB")
    if not isinstance(data, str):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise DataError(
                f"the file is not UTF-8 text (undecodable byte at position {e.start}); save it as CSV UTF-8"
            ) from None
    return data.removeprefix("\ufeff")


def _delimiter(text: str) -> str:
    """The separator of the first non-blank line: the most frequent of ``,`` ``;`` tab (ties: ``,``)."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


@dataclass
class _Table:
    """Step 1's result: the header and the data rows of a CSV, blank rows dropped.

    ``cells`` is a ``pandas.DataFrame`` ``(n, width)``, one column per header name (numeric
    dtypes where pandas could parse every cell, else strings); ``rows`` ``(n,)`` the
    spreadsheet row numbers (header = ``header_row``); ``counts`` ``(n,)`` the cells in each
    row, trailing empty cells beyond ``width`` not counted."""

    header: list[str]
    header_row: int
    cells: Any
    rows: np.ndarray
    counts: np.ndarray


def _record_lengths(text: str, delimiter: str) -> list[int]:
    """The number of cells of every CSV record (``csv`` module's rules: quotes may hold separators
    and line breaks). A Python loop, so other threads get the interpreter between records."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lengths = []
    try:
        for record in reader:
            lengths.append(len(record))
    except csv.Error as e:
        raise DataError(f"the file is not valid CSV near row {reader.line_num}: {e}") from None
    return lengths


def _find_header(text: str, delimiter: str) -> tuple[list[str], int]:
    """The first record with a non-blank cell, stripped (trailing empty names dropped), and its row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row_number, record in enumerate(reader, start=1):
        cells = [c.strip() for c in record]
        if any(cells):
            while cells and not cells[-1]:  # trailing separators, as some spreadsheets write
                cells.pop()
            return cells, row_number
    raise DataError("the file is empty (only blank cells); it needs a header row naming the columns")


def _parse_rows(text: str, delimiter: str, header_row: int, n_columns: int) -> Any:
    """The records after the header as a ``pandas.DataFrame`` ``(records, n_columns)``: pandas' C
    parser (it releases the interpreter while it tokenizes); numeric columns parsed as numbers,
    the others kept as text; a missing cell is ``""``. None if pandas cannot tokenize the text."""
    import pandas as pd

    try:
        return pd.read_csv(
            io.StringIO(text, newline=""),
            sep=delimiter,
            header=None,
            names=range(n_columns),
            skiprows=header_row,
            skip_blank_lines=False,
            na_filter=False,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError):
        return None


def _parse_rows_slowly(text: str, delimiter: str, header_row: int, n_columns: int) -> Any:
    """``_parse_rows`` by the ``csv`` module, every cell text: for files pandas' parser refuses
    (an unclosed quote), so that the checks can name the row and column."""
    import pandas as pd

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = [
        record + [""] * (n_columns - len(record)) for record in itertools.islice(reader, header_row, None)
    ]
    return pd.DataFrame(records, columns=range(n_columns), dtype=str)


def _read_table(source: Any) -> _Table:
    """Step 1, read and parse: the text, its header, and every data row tokenized by pandas' C
    parser (numbers parsed there, in bulk). Blank rows (every cell empty or spaces) are dropped."""

    text = _read_text(source)
    if not text.strip():
        raise DataError("the file is empty; it needs a header row naming the columns, then data rows")
    delimiter = _delimiter(text)
    lengths = np.array(_record_lengths(text, delimiter), dtype=np.int64)
    header, header_row = _find_header(text, delimiter)
    if len(header) > MAX_CSV_COLUMNS:
        raise DataError(f"the header has {len(header)} columns; the limit is {MAX_CSV_COLUMNS}")
    data_lengths = lengths[header_row:]
    width = max(len(header), 1)
    if data_lengths.size and data_lengths.max() > max(width, MAX_CSV_COLUMNS):
        r = int(np.argmax(data_lengths > max(width, MAX_CSV_COLUMNS)))
        raise DataError(
            f"row {header_row + 1 + r} has {data_lengths[r]} cells but the header has {width} columns"
        )
    filled = int(np.count_nonzero(data_lengths))  # at least the data rows: refuse a huge file before parsing
    if filled * len(header) > MAX_CSV_CELLS and len(header) >= 2:
        _cells_error(filled, len(header))
    n_columns = int(max(width, data_lengths.max(initial=0)))
    frame = _parse_rows(text, delimiter, header_row, n_columns)
    if frame is None or len(frame) != len(data_lengths):  # pandas' tokenizer is stricter than csv's
        frame = _parse_rows_slowly(text, delimiter, header_row, n_columns)
    blank = np.ones(len(frame), dtype=bool)
    for j in range(n_columns):
        column = frame[j]
        if column.dtype.kind in "iufb":
            blank[:] = False
            break
        blank &= column.str.strip().eq("").to_numpy(dtype=bool)
    counts = np.minimum(data_lengths, width)
    for j in range(width, n_columns):  # a non-empty cell past the header's width counts
        counts = np.where(frame[j].astype(str).str.strip().ne("").to_numpy(dtype=bool), j + 1, counts)
    keep = ~blank
    frame = frame.loc[keep, : width - 1] if n_columns > width else frame.loc[keep]
    rows = header_row + 1 + np.flatnonzero(keep)
    return _Table(header, header_row, frame.reset_index(drop=True), rows, counts[keep])


def _cells_error(n: int, width: int) -> None:
    raise DataError(
        f"the file has {n:,} rows x {width:,} columns = {n * width:,} cells; the limit is "
        f"{MAX_CSV_CELLS:,} cells (e.g. {MAX_CSV_CELLS // width:,} rows of {width} columns)"
    )
