"""The Vanishing page's data: the built-in sets (standardized) and the user's own CSV upload.

Pure Python (no Streamlit), so it is unit-tested; ``pages.vanishing_state`` re-exports every
name (the page and its tests use ``vanishing_state`` as one import).

**Inputs** are standardized with the training set's per-feature mean and standard deviation
(``engine.preprocess.standardized``), so that the first layer sees unit-variance inputs, as
the theory assumes.

**Your own CSV** (``CSV``, "your CSV" on the page): ``parse_csv`` turns an upload's bytes
into a ``CsvData`` through ``engine.data.load_csv`` (header row, numeric features, target in
the last column; the loader infers classification or regression; 30 % for testing, split by
the page's seed), standardized like every other set. ``choose_data`` is what the page calls
on every rerun: it keeps the parsed upload in the session state under ``vg.csv.upload``
(parsing only when the file changes) and, while there is no usable file, falls back to the
data set the runs were last built on (``vg.data.current``), else to the default one, with a
message saying so. ``losses_for`` picks the losses that fit the CSV's task.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine.data import (
    CLASSIFICATION_SETS,
    REGRESSION_SETS,
    CsvTable,
    DataError,
    Dataset,
    load_digits_dataset,
    make_dataset,
    read_csv_table,
    split_csv,
)
from engine.losses import losses_for_task
from engine.preprocess import standardized

BUILT_IN_SETS = (*CLASSIFICATION_SETS, *REGRESSION_SETS, "digits")  # built in
CSV = "csv"  # the user's own file
DATA_CHOICES = (*BUILT_IN_SETS, CSV)
DEFAULT_DATASET = "circle"
N_POINTS = 400  # points of a 2-D data set (half train, half test)
NOISE = 0.1


def losses_for(dataset: str, csv: CsvData | None = None) -> tuple[str, ...]:
    """The losses that fit a data set, as the loss records say (``engine.losses.losses_for_task``):
    binary 2-D sets ``bce``/``mse``/``sse``, digits (10 classes) ``cross_entropy``/``mse``/``sse``,
    regression ``mse``/``sse``; the first is the default. For ``CSV`` the same by the uploaded
    file's ``csv.kind`` (binary, multiclass, regression)."""
    kind = loss_kind(dataset, csv)
    return losses_for_task("multiclass" if kind == "digits" else kind)


def loss_kind(dataset: str, csv: CsvData | None = None) -> str:
    """``"binary"``, ``"regression"``, ``"digits"`` or (a CSV's) ``"multiclass"``: which set
    of losses fits; the page keys its loss widget by it, so each kind keeps its own choice."""
    if dataset == CSV and csv is not None:
        return csv.kind
    if dataset == "digits":
        return "digits"
    if dataset in REGRESSION_SETS:
        return "regression"
    return "binary"


def build_dataset(name: str, seed: int) -> Dataset:
    """The standardized data set: a 2-D set (``N_POINTS`` points, noise ``NOISE``, half for
    testing, inputs ``x1, x2``) or the 8x8 digits (30 % for testing)."""
    if name == "digits":
        return standardized(load_digits_dataset(test_fraction=0.3, seed=seed))
    if name not in BUILT_IN_SETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(BUILT_IN_SETS)}")
    return standardized(make_dataset(name, N_POINTS, NOISE, 0.5, seed))


# --------------------------------------------------------------------------- your own CSV
CSV_TEST_FRACTION = 0.3
CSV_MAX_ROWS = 10_000
CSV_MIN_ROWS = 10
CSV_EXAMPLE_SET = "spiral"  # the example file offered for download (no scikit-learn import)
CSV_FORMAT = (
    "Header row, numeric feature columns, target in the last column (few integer values or text "
    f"labels: classification, else regression); {CSV_MIN_ROWS} to {CSV_MAX_ROWS:,} rows."
)


@dataclass(frozen=True)
class CsvData:
    """A parsed, valid upload: ``dataset`` (inputs standardized as ``standardized``), split
    with ``seed``, and the parsed ``table`` to split again when the seed changes (no second
    parse). Two are equal when their bytes (``digest``, SHA-256) and seed are: a new network
    is built only for other data, not for the same file uploaded again."""

    digest: str
    seed: int
    file_name: str = field(compare=False)
    table: CsvTable = field(compare=False, repr=False)
    dataset: Dataset = field(compare=False, repr=False)

    @property
    def kind(self) -> str:
        """``"binary"``, ``"multiclass"`` or ``"regression"``."""
        if self.dataset.task == "regression":
            return "regression"
        return "binary" if len(self.dataset.class_labels or ()) == 2 else "multiclass"

    @property
    def n_rows(self) -> int:
        return self.dataset.n_train + self.dataset.n_test

    def with_seed(self, seed: int) -> CsvData:
        """Self when split with ``seed``, else the same file split with ``seed``."""
        if seed == self.seed:
            return self
        dataset = standardized(split_csv(self.table, CSV_TEST_FRACTION, seed))
        return replace(self, seed=int(seed), dataset=dataset)

    def describe(self) -> str:
        """E.g. ``moons.csv: 400 rows (280 train, 120 test), 2 features (x1, x2); target label:
        2 classes (0, 1)``."""
        data = self.dataset
        names = data.feature_names
        features = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
        target = ", ".join(data.target_names)
        if data.task == "regression":
            what = "regression"
        else:
            labels = [str(c) for c in data.class_labels or ()]
            what = f"{len(labels)} classes ({', '.join(labels[:6])}{', …' if len(labels) > 6 else ''})"
        return (
            f"{self.file_name}: {self.n_rows} rows ({data.n_train} train, {data.n_test} test), "
            f"{data.n_features} feature{'s' if data.n_features != 1 else ''} ({features}); "
            f"target {target}: {what}"
        )


def parse_csv(content: bytes, file_name: str = "upload.csv", seed: int = 0) -> CsvData:
    """An uploaded file's bytes as ``CsvData``: ``engine.data.load_csv`` (30 % for testing,
    split with ``seed``, ``CSV_MIN_ROWS`` to ``CSV_MAX_ROWS`` rows), inputs standardized.
    Every problem is a ``DataError`` whose message names the row and column."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise DataError(f"expected the file's bytes, got {type(content).__name__}")
    content = bytes(content)
    table = read_csv_table(content, max_rows=CSV_MAX_ROWS, min_rows=CSV_MIN_ROWS)
    return CsvData(
        digest=hashlib.sha256(content).hexdigest(),
        seed=int(seed),
        file_name=str(file_name),
        table=table,
        dataset=standardized(split_csv(table, CSV_TEST_FRACTION, seed)),
    )


def example_csv(name: str = CSV_EXAMPLE_SET) -> bytes:
    """One of the engine's 2-D classification sets (``N_POINTS`` points, noise ``NOISE``,
    seed 0) as a CSV file: ``x1,x2,label`` with labels 0/1."""
    if name not in CLASSIFICATION_SETS:
        raise ValueError(
            f"unknown 2-D classification set {name!r}; choose one of: {', '.join(CLASSIFICATION_SETS)}"
        )
    data = make_dataset(name, N_POINTS, NOISE, 0.5, 0)
    points = np.concatenate([data.raw_train, data.raw_test])
    labels = np.concatenate([data.Y_train[:, 0], data.Y_test[:, 0]])
    out = io.StringIO()
    out.write("x1,x2,label\n")
    for (x1, x2), label in zip(points.tolist(), labels.tolist()):
        out.write(f"{x1:.4f},{x2:.4f},{int(label)}\n")
    return out.getvalue().encode()


@dataclass(frozen=True)
class DataChoice:
    """What ``choose_data`` decided: the data the runs use (``dataset``, and ``csv`` when it
    is ``CSV``); ``error``, the loader's message for a file that cannot be used; ``note``,
    what the page shows instead when that is not the selected data (or None)."""

    dataset: str
    csv: CsvData | None = None
    error: str | None = None
    note: str | None = None


UPLOAD_KEY = "vg.csv.upload"  # (file id, CsvData or None, error or None) of the last file seen
PARSED_KEY = "vg.csv.parsed"  # (SHA-256 of the bytes, CsvData or None, error or None): one parse per file
CURRENT_KEY = "vg.data.current"  # (dataset, CsvData or None): the data the runs were last built on


def data_label(dataset: str, csv: CsvData | None = None) -> str:
    """How messages name a data set: ``the circle data`` or ``your CSV moons.csv``."""
    if dataset == CSV and csv is not None:
        return f"your CSV {csv.file_name}"
    return f"the {dataset} data"


def _parsed_once(store: MutableMapping, upload: Any, seed: int) -> tuple[CsvData | None, str | None]:
    """``(CsvData, None)`` or ``(None, the loader's message)`` for an upload's bytes, parsed once
    per content: the outcome is kept under ``PARSED_KEY`` with the bytes' SHA-256, so the same
    file uploaded again (another file id), or a rerun, does not parse it again."""
    content = upload.getvalue()
    digest = hashlib.sha256(content).hexdigest() if isinstance(content, (bytes, bytearray)) else None
    kept = store.get(PARSED_KEY)
    if digest is not None and kept is not None and kept[0] == digest:
        parsed, error = kept[1], kept[2]
        if parsed is not None:
            parsed = replace(parsed, file_name=str(getattr(upload, "name", parsed.file_name))).with_seed(seed)
        return parsed, error
    try:
        parsed, error = parse_csv(content, getattr(upload, "name", "upload.csv"), seed), None
    except DataError as e:
        parsed, error = None, str(e)
    store[PARSED_KEY] = (digest, parsed, error)
    return parsed, error


def choose_data(store: MutableMapping, selected: str, upload: Any, seed: int) -> DataChoice:
    """The data the runs use this rerun, given the data-set select (``selected``) and the file
    uploader's value (``upload``: None, or an object with ``file_id``, ``name`` and
    ``getvalue()``, as Streamlit's ``UploadedFile``). ``store`` is the session state.

    A built-in set is used as it is. For ``CSV``: a new file (another ``file_id``) is parsed
    once and the outcome kept under ``UPLOAD_KEY``; a valid file is used (split again only
    when ``seed`` changes). With no file yet, or a file that cannot be used, the data the
    runs were last built on stay (``CURRENT_KEY``), or the default data set if there are none,
    and ``note`` says so (``error`` holds the loader's message). Never raises for a bad file.
    """
    default = DEFAULT_DATASET
    current = store.get(CURRENT_KEY)
    if selected not in DATA_CHOICES:
        raise ValueError(f"unknown data set {selected!r}; choose one of: {', '.join(DATA_CHOICES)}")
    if selected != CSV:
        choice = DataChoice(selected)
    else:
        error = None
        if upload is not None:
            file_id = getattr(upload, "file_id", None)
            cached = store.get(UPLOAD_KEY)
            if cached is None or cached[0] != file_id or file_id is None:
                cached = (file_id, *_parsed_once(store, upload, seed))
            parsed, error = cached[1], cached[2]
            if parsed is not None:
                try:
                    parsed = parsed.with_seed(seed)
                    cached = (file_id, parsed, None)
                except DataError as e:  # not expected: only the split depends on the seed
                    parsed, error = None, str(e)
                    cached = (file_id, None, error)
            store[UPLOAD_KEY] = cached
            if parsed is not None:
                choice = DataChoice(CSV, parsed)
        if upload is None or error is not None:
            if current is not None:
                name, csv = current
                if csv is not None:
                    csv = csv.with_seed(seed)
                shown = f"The page keeps showing {data_label(name, csv)}, the last valid data set."
            else:
                name, csv = default, None
                shown = f"No data set was loaded yet, so the page shows the default one, {data_label(name)}."
            ask = "" if error is not None else "Upload a CSV file in the sidebar to train on your own data. "
            choice = DataChoice(name, csv, error, ask + shown)
    store[CURRENT_KEY] = (choice.dataset, choice.csv)
    return choice
