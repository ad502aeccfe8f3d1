"""Input standardization: each feature centred and scaled by the training rows' statistics.

``standardized(dataset)`` gives ``X = (X - mean) / std`` per feature, with the mean and the
(population) standard deviation of ``X_train``, applied to both the training and the test
rows, so that the first layer sees unit-variance inputs, as signal-propagation theory
(``engine.theory``) assumes. A feature whose standard deviation is below ``MIN_STD`` (a
constant one, as the blank corner pixels of the 8x8 digits) is only centred. Targets are
unchanged. NumPy only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.data import Dataset

MIN_STD = 1e-8


def standardized(dataset: Dataset) -> Dataset:
    """``dataset`` with every feature standardized on the training rows (module docstring);
    ``X_train (n_train, d)`` and ``X_test (n_test, d)`` are new arrays, the rest is shared."""
    mean = dataset.X_train.mean(axis=0)
    std = dataset.X_train.std(axis=0)
    std = np.where(std > MIN_STD, std, 1.0)
    return replace(dataset, X_train=(dataset.X_train - mean) / std, X_test=(dataset.X_test - mean) / std)
