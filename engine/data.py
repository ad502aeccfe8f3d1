"""Data sets for the pages: 2-D toy problems, 8x8 digits, and validated CSV uploads.

Every data set is a ``Dataset``: ``X_*`` is ``(n_samples, n_features)`` float64 with
samples in rows, ``Y_*`` is ``(n_samples, n_outputs)`` float64 (one-hot for multi-class,
a 0/1 column for binary classification, real values for regression).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    name: str
    task: str  # "classification" or "regression"
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    feature_names: list[str] = field(default_factory=list)

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.Y_train.shape[1]
