"""Argument checks shared by the engine's modules: one message style, a bool never a number.

Every check returns the value converted (``float``/``int``/the array) or raises a ``ValueError``
(or the subclass given as ``error``, e.g. ``engine.data.DataError``) whose message names the
argument, says what is allowed and shows what was given (``shown``: cut to 30 characters):

- ``real(name, value, lo, hi)``: ``"lr must be a finite number >= 0, got True"``;
  ``"test_fraction must be a number in [0.1, 0.9], got 0.95"``;
- ``integer(name, value, lo, hi)``: ``"seed must be an integer >= 0, got -1"``;
- ``choice(what, value, choices)``: ``"unknown optimizer 'adagrad'; choose one of: sgd, ..."``;
- ``is_real`` / ``is_integer``: the same tests as predicates, for a message of its own;
- ``float_array(values, what)`` and ``all_finite(arrays)``: arrays of finite float64 numbers.

Like scikit-learn's ``_parameter_constraints``: a constructor declares what it accepts in one
line per argument, and every engine module words a refusal the same way.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

SHOWN_CHARS = 30  # a value quoted in a message is cut to this length


def shown(value: Any) -> str:
    """``value`` for a message: a string quoted, anything else as its ``repr``; cut to
    ``SHOWN_CHARS`` characters."""
    if isinstance(value, str):
        if len(value) > SHOWN_CHARS:
            value = value[: SHOWN_CHARS - 1] + "…"
        return repr(value)
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _bounds(lo: Any, hi: Any, lo_open: bool, hi_open: bool) -> str:
    """The allowed range in words: ``>= 0``, ``> 0``, ``<= 1``, ``in [0.1, 0.9]``, ``in (0, 1)``."""
    if lo is not None and hi is not None:
        return f"in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {lo}"
    return f"{'<' if hi_open else '<='} {hi}"


def _in_range(value: float, lo: Any, hi: Any, lo_open: bool, hi_open: bool) -> bool:
    """``lo <= value <= hi`` (strict where open; a missing bound is no bound); False for NaN."""
    if value != value:
        return False
    if lo is not None and (value <= lo if lo_open else value < lo):
        return False
    return hi is None or (value < hi if hi_open else value <= hi)


def is_real(
    value: Any, lo: Any = None, hi: Any = None, *, lo_open: bool = False, hi_open: bool = False
) -> bool:
    """True for a finite real number (not a bool) in the range; see ``real``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        number = float(value)
    except OverflowError:  # an int beyond float range
        return False
    return math.isfinite(number) and _in_range(number, lo, hi, lo_open, hi_open)


def is_integer(value: Any, lo: Any = None, hi: Any = None) -> bool:
    """True for an integer (``int``, ``numpy.int64``, ...; not a bool) in ``[lo, hi]``."""
    return (
        not isinstance(value, bool)
        and isinstance(value, numbers.Integral)
        and _in_range(int(value), lo, hi, False, False)
    )


def real(
    name: str,
    value: Any,
    lo: Any = None,
    hi: Any = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    none_ok: bool = False,
    snap: float = 0.0,
    note: str = "",
    error: type[ValueError] = ValueError,
) -> float | None:
    """``value`` as a float: a finite real number (``int``, ``float``, ``numpy.float64``,
    ``fractions.Fraction``, ...; never a bool) in the range ``lo .. hi`` (either may be None: no
    bound; ``lo_open``/``hi_open``: the bound itself excluded). ``none_ok``: None is returned as
    None. ``snap`` (relative): a value within ``snap * max(|bound|, 1)`` of a bound is that bound
    (``1 - 0.9`` for ``0.1``). Otherwise ``error`` with the message
    ``"<name> must be a finite number >= 0[<note>], got <value>"`` (``a number in [lo, hi]`` with
    both bounds, ``... or None`` with ``none_ok``)."""
    if value is None and none_ok:
        return None
    kind = type(value)  # float and int first: isinstance with an ABC is slow, and validate runs often
    if kind is float or kind is int or (kind is not bool and isinstance(value, numbers.Real)):
        try:
            number = float(value)
        except OverflowError:  # an int beyond float range
            number = math.inf
        for bound in (lo, hi) if snap else ():
            if bound is not None and abs(number - bound) <= snap * max(abs(bound), 1.0):
                return float(bound)
        if number - number == 0.0 and _in_range(number, lo, hi, lo_open, hi_open):  # finite, in range
            return number
    if lo is None and hi is None:
        allowed = "a finite number"
    elif lo is not None and hi is not None:
        allowed = f"a number {_bounds(lo, hi, lo_open, hi_open)}"
    else:
        allowed = f"a finite number {_bounds(lo, hi, lo_open, hi_open)}"
    raise error(f"{name} must be {allowed}{' or None' if none_ok else ''}{note}, got {shown(value)}")


def integer(
    name: str,
    value: Any,
    lo: Any = None,
    hi: Any = None,
    *,
    none_ok: bool = False,
    note: str = "",
    error: type[ValueError] = ValueError,
) -> int | None:
    """``value`` as an int: an integer (``int``, ``numpy.int64``, ...; never a bool, never a float
    such as ``3.0``) in ``[lo, hi]`` (either may be None: no bound). ``none_ok``: None is returned
    as None. Otherwise ``error`` with the message ``"<name> must be an integer >= 1[<note>], got
    <value>"`` (``an integer in [lo, hi]`` with both bounds, ``... or None`` with ``none_ok``)."""
    if value is None and none_ok:
        return None
    if type(value) is int:  # the common case, without the ABC check
        if (lo is None or value >= lo) and (hi is None or value <= hi):
            return value
    elif is_integer(value, lo, hi):
        return int(value)
    allowed = "an integer" + ("" if lo is None and hi is None else f" {_bounds(lo, hi, False, False)}")
    raise error(f"{name} must be {allowed}{' or None' if none_ok else ''}{note}, got {shown(value)}")


def choice(what: str, value: Any, choices: Iterable[Any], *, error: type[ValueError] = ValueError) -> Any:
    """``value`` if it is one of ``choices`` (a tuple of names, or a dict's keys), else ``error``:
    ``"unknown <what> <value>; choose one of: a, b, c"`` (also for a value that cannot be compared,
    such as a list)."""
    try:
        known = value in choices
    except (TypeError, ValueError):  # unhashable, or an array compared elementwise
        known = False
    if not known:
        raise error(f"unknown {what} {shown(value)}; choose one of: {', '.join(map(str, choices))}")
    return value


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
