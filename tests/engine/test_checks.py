"""The engine's shared argument checks (engine/checks.py): one message style, a bool never a number,
and the predicates agreeing with the checks that raise."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import checks
from engine.data import DataError, make_dataset
from engine.network import Network
from engine.trainer import Trainer

ANYTHING = st.one_of(
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.integers(10**308, 10**400),  # beyond float range: refused, not an OverflowError
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
)


# --------------------------------------------------------------------------- real


@pytest.mark.parametrize("value", [3, 3.0, np.float64(3.0), np.float32(3.0), np.int64(3), Fraction(3, 1)])
def test_real_accepts_any_real_number_as_a_float(value):
    result = checks.real("x", value, 0, 10)
    assert result == 3.0 and type(result) is float


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_real_refuses_a_bool(value):
    with pytest.raises(ValueError, match=r"^x must be a finite number >= 0, got (np\.)?(True|False)"):
        checks.real("x", value, 0)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "1", None, [1.0]])
def test_real_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(ValueError, match="^lr must be a finite number, got "):
        checks.real("lr", value)


@pytest.mark.parametrize(
    ("bounds", "allowed"),
    [
        (dict(lo=0), "a finite number >= 0"),
        (dict(lo=0, lo_open=True), "a finite number > 0"),
        (dict(hi=1), "a finite number <= 1"),
        (dict(lo=0.1, hi=0.9), r"a number in \[0.1, 0.9\]"),
        (dict(lo=0, hi=1, lo_open=True, hi_open=True), r"a number in \(0, 1\)"),
        (dict(lo=0, hi=1, hi_open=True), r"a number in \[0, 1\)"),
    ],
)
def test_real_says_the_range_in_words(bounds, allowed):
    value = -5 if "lo" in bounds else 5
    with pytest.raises(ValueError, match=f"^v must be {allowed}, got {value}$"):
        checks.real("v", value, **bounds)


def test_real_open_bounds_exclude_the_bound_and_closed_ones_include_it():
    assert checks.real("r", 0, 0) == 0.0
    with pytest.raises(ValueError, match="> 0"):
        checks.real("r", 0, 0, lo_open=True)
    assert checks.real("r", 1, 0, 1) == 1.0
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        checks.real("r", 1, 0, 1, lo_open=True, hi_open=True)


def test_real_none_ok_note_snap_and_error_class():
    assert checks.real("clip", None, 0, none_ok=True) is None
    with pytest.raises(ValueError, match="^clip must be a finite number > 0 or None, got 0$"):
        checks.real("clip", 0, 0, lo_open=True, none_ok=True)
    with pytest.raises(ValueError, match=r"^a must be a finite number >= 0 \(a note\), got -1$"):
        checks.real("a", -1, 0, note=" (a note)")
    assert checks.real("f", 1 - 0.9, 0.1, 0.9, snap=1e-9) == 0.1  # 0.09999999999999998 is the bound
    with pytest.raises(ValueError, match=r"in \[0.1, 0.9\]"):
        checks.real("f", 1 - 0.9, 0.1, 0.9)  # without snap it is below the bound
    with pytest.raises(DataError):
        checks.real("f", True, 0, 1, error=DataError)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(allow_nan=True, allow_infinity=True))
def test_real_returns_exactly_the_values_in_the_range_and_names_the_range_otherwise(a, b, value):
    lo, hi = min(a, b), max(a, b)
    if math.isfinite(value) and lo <= value <= hi:
        assert checks.real("x", value, lo, hi) == value
    else:
        with pytest.raises(ValueError, match=r"^x must be a number in \[") as error:
            checks.real("x", value, lo, hi)
        assert f"[{lo}, {hi}]" in str(error.value)


@given(ANYTHING, st.sampled_from([None, 0, -1.5]), st.sampled_from([None, 1, 2.5]), st.booleans())
def test_is_real_agrees_with_real(value, lo, hi, lo_open):
    try:
        checks.real("x", value, lo, hi, lo_open=lo_open)
        accepted = True
    except ValueError:
        accepted = False
    assert checks.is_real(value, lo, hi, lo_open=lo_open) is accepted
    if isinstance(value, bool):
        assert not accepted


# --------------------------------------------------------------------------- integer


@pytest.mark.parametrize("value", [4, np.int64(4), np.uint8(4)])
def test_integer_accepts_integers_as_an_int(value):
    result = checks.integer("n", value, 1, 10)
    assert result == 4 and type(result) is int


@pytest.mark.parametrize("value", [True, False, 4.0, "4", None, math.nan])
def test_integer_refuses_a_bool_a_float_and_text(value):
    with pytest.raises(ValueError, match=r"^n must be an integer in \[0, 10\], got "):
        checks.integer("n", value, 0, 10)


def test_integer_messages_and_none():
    with pytest.raises(ValueError, match="^seed must be an integer >= 0, got -1$"):
        checks.integer("seed", -1, 0)
    with pytest.raises(ValueError, match="^k must be an integer <= 3, got 4$"):
        checks.integer("k", 4, hi=3)
    with pytest.raises(ValueError, match="^m must be an integer or None, got 1.5$"):
        checks.integer("m", 1.5, none_ok=True)
    assert checks.integer("m", None, none_ok=True) is None
    assert checks.integer("m", -(10**30)) == -(10**30)  # no bound: any integer


@given(ANYTHING, st.sampled_from([None, 0, 3]), st.sampled_from([None, 5, 10**7]))
def test_is_integer_agrees_with_integer(value, lo, hi):
    try:
        result = checks.integer("n", value, lo, hi)
        accepted = True
    except ValueError:
        accepted = False
    assert checks.is_integer(value, lo, hi) is accepted
    if accepted:
        assert result == value and (lo is None or result >= lo) and (hi is None or result <= hi)
    if isinstance(value, (bool, float)):
        assert not accepted


# --------------------------------------------------------------------------- choice and shown


def test_choice_returns_a_known_name_and_lists_the_choices_otherwise():
    assert checks.choice("optimizer", "adam", ("sgd", "adam")) == "adam"
    assert checks.choice("loss", "mse", {"mse": 1, "bce": 2}) == "mse"  # a dict's keys
    with pytest.raises(ValueError, match="^unknown optimizer 'adagrad'; choose one of: sgd, adam$"):
        checks.choice("optimizer", "adagrad", ("sgd", "adam"))
    with pytest.raises(DataError, match="^unknown data set 'blobs'; choose one of: circle"):
        checks.choice("data set", "blobs", ("circle",), error=DataError)


@pytest.mark.parametrize("value", [["sgd"], {"sgd": 1}, np.array(["sgd", "adam"]), None, 1])
def test_choice_refuses_what_cannot_be_a_name_with_a_value_error(value):
    with pytest.raises(ValueError, match="^unknown optimizer .*; choose one of: sgd, adam$"):
        checks.choice("optimizer", value, {"sgd": 1, "adam": 2})


def test_shown_quotes_text_and_cuts_long_values():
    assert checks.shown("abc") == "'abc'"
    assert checks.shown("x" * 100) == repr("x" * 29 + "…")
    assert checks.shown(list(range(100))).endswith("…") and len(checks.shown(list(range(100)))) == 30
    assert checks.shown(0.5) == "0.5"


# --------------------------------------------------------------------------- arrays


def test_float_array_and_all_finite():
    array = np.ones((2, 3))
    assert checks.float_array(array, "X") is array  # no copy of a float64 array
    np.testing.assert_array_equal(checks.float_array([[1, 2]], "X"), [[1.0, 2.0]])
    with pytest.raises(ValueError, match="^X must contain only numbers$"):
        checks.float_array([["a"]], "X")
    with pytest.raises(ValueError, match="^X contains NaN or infinite values$"):
        checks.float_array([1.0, math.nan], "X")
    with pytest.raises(ValueError, match="too large to compute with"), np.errstate(over="ignore"):
        checks.float_array([1e308, 1e308], "X")  # finite, but their sum overflows
    assert checks.all_finite([np.ones(3), None, np.zeros((2, 2))])
    assert not checks.all_finite([np.ones(3), np.array([math.inf])])


# --------------------------------------------------------------------------- used by the engine


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Network([2, True, 1]), r"sizes\[1\] must be an integer >= 1, got True"),
        (lambda: Network([2, 3, 1], init_scale=True), "init_scale must be a finite number, got True"),
        (lambda: Network([2, 3, 1], dropout=True), r"dropout must be a number in \[0, 0.9\], got True"),
        (lambda: Network([2, 3, 1], residual_scale=True), "residual_scale must be a finite number > 0"),
        (lambda: Network([2, 3, 1]).train_step([[0, 0]], [[0]], lr=True), "lr must be a finite number >= 0"),
        (lambda: make_dataset("circle", noise=True), r"noise must be a number in \[0.0, 0.5\], got True"),
        (lambda: make_dataset("circle", n_points=100.0), r"n_points must be an integer in \[10, 5000\]"),
    ],
)
def test_engine_constructors_refuse_a_bool_where_a_number_is_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_trainer_refuses_a_bool_seed_and_batch_size():
    from engine.optim import make_optimizer

    data = make_dataset("circle", n_points=20, seed=0)
    net = Network([2, 3, 1], loss="bce", seed=0)
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got True"):
        Trainer(net, make_optimizer("sgd", lr=0.1), data, seed=True)
    with pytest.raises(ValueError, match=r"batch_size must be an integer >= 1 \(values >= the 10 training"):
        Trainer(net, make_optimizer("sgd", lr=0.1), data, batch_size=True)
