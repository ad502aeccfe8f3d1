"""scikit-learn's 8x8 digits as a ``Dataset`` (scikit-learn is imported inside the function)."""

from __future__ import annotations

import numpy as np

from engine.data.dataset import TEST_FRACTION_RANGE, Dataset, _check_real, _one_hot, _rng, _split


def load_digits_dataset(test_fraction: float = 0.3, seed: int = 0) -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1797 images, shipped with scikit-learn).

    ``X`` is ``(n, 64)``: the pixels row by row (``feature_names`` ``pixel_r_c``), scaled from
    0..16 to ``[0, 1]`` by dividing by 16. ``Y`` is ``(n, 10)`` one-hot, column ``j`` the
    digit ``j`` (``class_labels = [0, ..., 9]``). The split is stratified and seeded:
    ``round(1797 * test_fraction)`` test images, each digit in proportion (within one).
    ``domain`` is ``None``: these are not points in the plane.
    """
    test_fraction = _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    rng = _rng(seed)
    from sklearn.datasets import load_digits

    pixels, digits = load_digits(return_X_y=True)
    X = np.asarray(pixels, dtype=np.float64) / 16.0
    classes = np.asarray(digits, dtype=np.int64)
    Y = _one_hot(classes, 10)
    train, test = _split(X.shape[0], test_fraction, rng, classes)
    return Dataset(
        name="digits",
        task="classification",
        X_train=X[train],
        Y_train=Y[train],
        X_test=X[test],
        Y_test=Y[test],
        feature_names=[f"pixel_{r}_{c}" for r in range(8) for c in range(8)],
        target_names=["digit"],
        class_labels=list(range(10)),
        domain=None,
    )
