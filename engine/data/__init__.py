"""Data sets for the pages: 2-D toy problems, 8x8 digits, and validated CSV uploads.

Every data set is a ``Dataset``: ``X_*`` is ``(n_samples, n_features)`` float64 with
samples in rows, ``Y_*`` is ``(n_samples, n_outputs)`` float64 (one-hot for multi-class,
a 0/1 column for binary classification, real values for regression).

Three sources:

- ``make_dataset``: the 2-D problems of TensorFlow Playground (``circle``, ``xor``,
  ``gaussian``, ``spiral``) plus ``moons``, and two regression surfaces (``sine``,
  ``plane``). The points lie in the square ``DOMAIN^2 = [-6, 6]^2`` (Playground's scale) and
  are kept, before any feature map, in ``raw_train`` / ``raw_test`` for plotting. The
  network's inputs ``X`` are ``feature_map(raw, features)``, e.g. ``x1, x2, x1^2``.
- ``load_digits_dataset``: scikit-learn's 8x8 digits (shipped with the package, no
  download): 1797 images, 64 pixels in ``[0, 1]``, 10 classes one-hot.
- ``load_csv``: a user's CSV with a header row, validated cell by cell; every problem is a
  ``DataError`` naming the row (as a spreadsheet numbers it, header = row 1) and column.

``grid`` gives the points of a decision-boundary heatmap in a documented order so that one
batched forward pass covers the whole plane.

This package is the one import (``from engine.data import make_dataset, ...``); its modules,
one job each:

- ``dataset``: ``Dataset``, ``DataError``, the argument checks, seeds, split and one-hot;
- ``features``: ``feature_map`` and the feature names;
- ``toy_generators``: the 2-D point generators and regression surfaces;
- ``toy_sets``: ``make_dataset``, ``make_multiclass``, ``grid``;
- ``digits``: ``load_digits_dataset``;
- ``csv_read`` (step 1: text, separator, header, rows parsed), ``csv_check`` (step 2: header,
  caps, cells), ``csv_targets`` (step 3: targets, task, classes, ``CsvTable``), ``csv_load``
  (``read_csv_table``, ``split_csv`` = step 4, ``load_csv``, ``plane_from_csv``).

Only NumPy and the standard library are imported at module level; scikit-learn and pandas are
imported inside the functions that use them.
"""

from engine.data.csv_check import MAX_CSV_MAGNITUDE
from engine.data.csv_load import load_csv, plane_from_csv, read_csv_table, split_csv
from engine.data.csv_read import MAX_CSV_BYTES, MAX_CSV_CELLS, MAX_CSV_COLUMNS
from engine.data.csv_targets import MAX_CLASSES, MAX_INFERRED_CLASSES, CsvTable
from engine.data.dataset import DOMAIN, TEST_FRACTION_RANGE, DataError, Dataset
from engine.data.digits import load_digits_dataset
from engine.data.features import FEATURES, feature_map
from engine.data.toy_generators import (
    MOONS_CENTER,
    MOONS_SCALE,
    MULTI_GAUSSIAN_CENTRES,
    multi_gaussian_target,
    plane_target,
    sine_target,
    tf_plane_target,
)
from engine.data.toy_sets import (
    CLASSES_RANGE,
    CLASSIFICATION_SETS,
    GRID_RESOLUTION_RANGE,
    MULTICLASS_SETS,
    N_POINTS_RANGE,
    NOISE_RANGE,
    REGRESSION_SETS,
    TOY_SETS,
    grid,
    make_dataset,
    make_multiclass,
)

__all__ = [
    "CLASSES_RANGE",
    "CLASSIFICATION_SETS",
    "TOY_SETS",
    "DOMAIN",
    "FEATURES",
    "GRID_RESOLUTION_RANGE",
    "MAX_CLASSES",
    "MAX_CSV_BYTES",
    "MAX_CSV_CELLS",
    "MAX_CSV_COLUMNS",
    "MAX_CSV_MAGNITUDE",
    "MAX_INFERRED_CLASSES",
    "MOONS_CENTER",
    "MOONS_SCALE",
    "MULTICLASS_SETS",
    "MULTI_GAUSSIAN_CENTRES",
    "NOISE_RANGE",
    "N_POINTS_RANGE",
    "REGRESSION_SETS",
    "TEST_FRACTION_RANGE",
    "CsvTable",
    "DataError",
    "Dataset",
    "feature_map",
    "grid",
    "load_csv",
    "load_digits_dataset",
    "make_dataset",
    "make_multiclass",
    "multi_gaussian_target",
    "plane_from_csv",
    "plane_target",
    "read_csv_table",
    "sine_target",
    "split_csv",
    "tf_plane_target",
]
