"""Argument checks shared by the engine's modules: one message style, bool never a number.

Every check returns the value converted (``float``/``int``/the array) or raises a ``ValueError``
(or the subclass given as ``error``) whose message names the argument, says what is allowed
and shows what was given.
"""

from __future__ import annotations

import math

import numpy as np

_sum = np.add.reduce


def all_finite(arrays) -> bool:
    """True when every element of every array (None entries skipped) is finite: one sum per
    array, which is cheap, since a NaN or infinity anywhere makes the sum non-finite."""
    return math.isfinite(sum(float(_sum(x, axis=None)) for x in arrays if x is not None))


def float_array(values, what: str) -> np.ndarray:
    """``values`` as a float64 array (the array itself when it is one), every entry finite and
    small enough to sum; a ValueError naming ``what`` otherwise."""
    if type(values) is np.ndarray and values.dtype == np.float64:
        array = values
    else:
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must contain only numbers") from None
    if not all_finite([array]):
        if np.isfinite(array).all():  # finite, but so large that the sum overflowed
            raise ValueError(f"{what} has values too large to compute with (above 1e300)")
        raise ValueError(f"{what} contains NaN or infinite values")
    return array
