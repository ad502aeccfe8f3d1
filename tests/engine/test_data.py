"""Tests for the engine/data/ package: the 2-D sets, feature maps, the heatmap grid, digits and CSV
uploads."""

from __future__ import annotations

import contextlib
import io
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data import (
    CLASSIFICATION_SETS,
    DOMAIN,
    FEATURES,
    REGRESSION_SETS,
    TOY_SETS,
    DataError,
    Dataset,
    feature_map,
    grid,
    load_csv,
    load_digits_dataset,
    make_dataset,
    plane_target,
    sine_target,
)

# --------------------------------------------------------------------------- 2-D sets


def _all(ds: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.vstack([ds.raw_train, ds.raw_test]),
        np.vstack([ds.X_train, ds.X_test]),
        np.vstack([ds.Y_train, ds.Y_test]),
    )


def test_module_imports_no_sklearn_or_pandas():
    code = "import sys, engine.data; print([m for m in ('sklearn', 'pandas', 'scipy') if m in sys.modules])"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"


def test_exported_names():
    assert CLASSIFICATION_SETS == ("circle", "xor", "gaussian", "spiral", "moons")
    assert REGRESSION_SETS == ("sine", "plane", "multi_gaussian")
    assert FEATURES == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")
    assert DOMAIN == (-6.0, 6.0)
    assert issubclass(DataError, ValueError)


@pytest.mark.parametrize("name", TOY_SETS)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_shapes_dtypes_domain(name, noise):
    ds = make_dataset(name, n_points=301, noise=noise, test_fraction=0.3, seed=7)
    assert ds.name == name
    assert (ds.X_train.shape, ds.Y_train.shape) == ((211, 2), (211, 1))
    assert (ds.X_test.shape, ds.Y_test.shape) == ((90, 2), (90, 1))
    assert ds.raw_train.shape == (211, 2) and ds.raw_test.shape == (90, 2)
    for a in (ds.X_train, ds.Y_train, ds.X_test, ds.Y_test, ds.raw_train, ds.raw_test):
        assert a.dtype == np.float64
        assert np.all(np.isfinite(a))
    assert ds.domain == (-6.0, 6.0)
    assert ds.feature_names == ["x1", "x2"]
    raw, X, Y = _all(ds)
    assert np.all((raw >= -6.0) & (raw <= 6.0))
    np.testing.assert_array_equal(X, raw)  # features x1, x2 are the raw points
    assert len(np.unique(raw, axis=0)) > 290  # no pile-up of clipped points
    assert ds.n_features == 2 and ds.n_outputs == 1 and ds.n_train == 211 and ds.n_test == 90


@pytest.mark.parametrize("name", CLASSIFICATION_SETS)
def test_classification_labels(name):
    ds = make_dataset(name, n_points=400, noise=0.2, seed=1)
    _, _, Y = _all(ds)
    assert ds.task == "classification"
    assert ds.class_labels == [0, 1]
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert 0.25 < Y.mean() < 0.75


@pytest.mark.parametrize("name", ["gaussian", "spiral", "moons"])
def test_balanced_sets_have_exactly_half_each(name):
    raw, _, Y = _all(make_dataset(name, n_points=301, noise=0.5, seed=2))
    assert Y.sum() in (150, 151)


@pytest.mark.parametrize("name", REGRESSION_SETS)
@pytest.mark.parametrize("noise", [0.0, 0.3, 0.5])
def test_regression_targets_in_range(name, noise):
    ds = make_dataset(name, n_points=500, noise=noise, seed=3)
    _, _, Y = _all(ds)
    assert ds.task == "regression"
    assert ds.class_labels is None
    assert np.all((Y >= -1.0) & (Y <= 1.0))
    assert Y.max() > 0.8 and Y.min() < -0.8


def test_noise_free_labels_follow_the_definitions():
    raw, _, Y = _all(make_dataset("circle", n_points=500, seed=4))
    np.testing.assert_array_equal(Y[:, 0], (np.hypot(raw[:, 0], raw[:, 1]) < 2.5).astype(float))
    assert not np.any((np.hypot(*raw.T) > 2.5) & (np.hypot(*raw.T) < 3.5))  # the gap between the rings

    raw, _, Y = _all(make_dataset("xor", n_points=500, seed=4))
    np.testing.assert_array_equal(Y[:, 0], (raw[:, 0] * raw[:, 1] >= 0).astype(float))
    assert np.all(np.abs(raw) >= 0.3) and np.all(np.abs(raw) <= 5.3)  # margin around the axes

    raw, _, Y = _all(make_dataset("spiral", n_points=500, seed=4))
    assert np.all(np.hypot(*raw.T) <= 5.0 + 1e-12)

    raw, _, Y = _all(make_dataset("gaussian", n_points=500, seed=4))
    np.testing.assert_allclose(raw[Y[:, 0] == 1].mean(axis=0), [2.0, 2.0], atol=0.2)
    np.testing.assert_allclose(raw[Y[:, 0] == 0].mean(axis=0), [-2.0, -2.0], atol=0.2)

    raw, _, Y = _all(make_dataset("moons", n_points=500, seed=4))
    assert raw[Y[:, 0] == 0, 1].mean() > raw[Y[:, 0] == 1, 1].mean()  # label 0 is the upper moon

    raw, _, Y = _all(make_dataset("sine", n_points=200, seed=4))
    np.testing.assert_allclose(Y[:, 0], np.sin(np.pi * raw[:, 0] / 4) * np.cos(np.pi * raw[:, 1] / 18))
    np.testing.assert_allclose(Y[:, 0], sine_target(raw[:, 0], raw[:, 1]))

    raw, _, Y = _all(make_dataset("plane", n_points=200, seed=4))
    np.testing.assert_allclose(Y[:, 0], (raw[:, 0] + raw[:, 1]) / 12)
    np.testing.assert_allclose(Y[:, 0], plane_target(raw[:, 0], raw[:, 1]))


def test_noise_flips_some_labels_and_spreads_gaussians():
    raw, _, Y = _all(make_dataset("xor", n_points=1000, noise=0.5, seed=5))
    clean = raw[:, 0] * raw[:, 1] >= 0
    wrong = np.mean(Y[:, 0] != clean)
    assert 0.05 < wrong < 0.5

    tight, _, _ = _all(make_dataset("gaussian", n_points=1000, noise=0.0, seed=5))
    wide, _, _ = _all(make_dataset("gaussian", n_points=1000, noise=0.5, seed=5))
    assert np.std(np.abs(wide)) > 1.5 * np.std(np.abs(tight))

    raw, _, Y = _all(make_dataset("plane", n_points=500, noise=0.3, seed=5))
    assert np.max(np.abs(Y[:, 0] - plane_target(raw[:, 0], raw[:, 1]))) > 0.1


@pytest.mark.parametrize("name", TOY_SETS)
def test_same_seed_same_data_other_seed_other_data(name):
    a = make_dataset(name, n_points=100, noise=0.1, seed=11)
    b = make_dataset(name, n_points=100, noise=0.1, seed=11)
    c = make_dataset(name, n_points=100, noise=0.1, seed=12)
    for field in ("X_train", "Y_train", "X_test", "Y_test", "raw_train", "raw_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.raw_train, c.raw_train)


def test_seed_pins_the_exact_values():
    # PCG64 streams are platform independent: this pins "same seed -> same data on any machine".
    ds = make_dataset("plane", n_points=10, seed=0)
    rng = np.random.default_rng(0)
    points = rng.uniform(-6, 6, (10, 2))
    rng.uniform(-6, 6, (10, 2))  # the (zero) noise draw
    perm = rng.permutation(10)
    np.testing.assert_array_equal(ds.raw_test, points[perm[:5]])
    np.testing.assert_array_equal(ds.raw_train, points[perm[5:]])


@pytest.mark.parametrize(("fraction", "n_test"), [(0.1, 20), (0.5, 100), (0.9, 180), (0.333, 67)])
def test_test_fraction_sets_the_split(fraction, n_test):
    ds = make_dataset("circle", n_points=200, test_fraction=fraction)
    assert ds.n_test == n_test and ds.n_train == 200 - n_test
    raw, _, _ = _all(ds)
    assert len(np.unique(raw, axis=0)) == 200  # a partition: no point in both parts


def test_test_fraction_at_a_bound_survives_float_rounding():
    """``1 - 90/100`` is 0.0999...98, not 0.1: it is the bound, not an error (issue 13)."""
    from fractions import Fraction

    assert 1 - 90 / 100 < 0.1
    for fraction in (1 - 90 / 100, 1 - 10 / 100, Fraction(1, 10)):
        assert make_dataset("circle", n_points=200, test_fraction=fraction).n_test in (20, 180)
    assert load_csv(_csv(20), test_fraction=1 - 90 / 100).n_test == 2
    with pytest.raises(DataError, match=r"\[0.1, 0.9\]"):
        make_dataset("circle", test_fraction=0.0999)  # a real step past the bound still fails


def test_split_is_a_permutation_of_the_generated_points():
    a = make_dataset("spiral", n_points=100, test_fraction=0.2, seed=9)
    b = make_dataset("spiral", n_points=100, test_fraction=0.7, seed=9)
    key = lambda raw: raw[np.lexsort(raw.T)]  # noqa: E731
    np.testing.assert_array_equal(key(_all(a)[0]), key(_all(b)[0]))


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"noise": -0.01}, ["noise", "[0.0, 0.5]"]),
        ({"noise": 0.51}, ["noise", "[0.0, 0.5]"]),
        ({"noise": float("nan")}, ["noise", "[0.0, 0.5]"]),
        ({"noise": "0.1"}, ["noise", "number"]),
        ({"noise": True}, ["noise", "number"]),
        ({"test_fraction": 0.05}, ["test_fraction", "[0.1, 0.9]"]),
        ({"test_fraction": 0.95}, ["test_fraction", "[0.1, 0.9]"]),
        ({"n_points": 9}, ["n_points", "[10, 5000]"]),
        ({"n_points": 5001}, ["n_points", "[10, 5000]"]),
        ({"n_points": 100.0}, ["n_points", "integer"]),
        ({"seed": -1}, ["seed", "integer >= 0"]),
        ({"seed": 1.5}, ["seed", "integer"]),
        ({"features": []}, ["at least one", "'x1'", "'sin x2'"]),
        ({"features": ["x1", "x3"]}, ["'x3'", "'x1*x2'", "'sin x1'"]),
        ({"features": ["x1", "x1"]}, ["'x1'", "more than once"]),
    ],
)
def test_make_dataset_validation(kwargs, words):
    with pytest.raises(DataError) as info:
        make_dataset("circle", **kwargs)
    for word in words:
        assert word in str(info.value)


def test_make_dataset_unknown_name_lists_the_sets():
    with pytest.raises(
        DataError, match="unknown data set 'blobs'.*circle, xor, gaussian, spiral, moons, sine"
    ):
        make_dataset("blobs")


def test_make_dataset_accepts_the_boundary_values():
    for n in (10, 5000):
        assert make_dataset("xor", n_points=n).n_train + make_dataset("xor", n_points=n).n_test == n
    assert make_dataset("moons", noise=0.5, test_fraction=0.9, n_points=10).n_test == 9
    assert make_dataset("moons", noise=0.0, test_fraction=0.1, n_points=10).n_test == 1
    assert make_dataset("xor", n_points=np.int64(20), seed=np.int32(3)).n_train == 10


def test_make_dataset_with_mapped_features():
    ds = make_dataset("circle", n_points=50, seed=1, features=FEATURES)
    assert ds.feature_names == list(FEATURES)
    assert ds.X_train.shape == (25, 7)
    np.testing.assert_array_equal(ds.X_train, feature_map(ds.raw_train, FEATURES))
    np.testing.assert_array_equal(ds.X_test[:, 2], ds.raw_test[:, 0] ** 2)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(TOY_SETS),
    n=st.integers(10, 400),
    noise=st.floats(0.0, 0.5),
    fraction=st.floats(0.1, 0.9),
    seed=st.integers(0, 2**32),
)
def test_any_valid_arguments_give_a_consistent_dataset(name, n, noise, fraction, seed):
    ds = make_dataset(name, n_points=n, noise=noise, test_fraction=fraction, seed=seed)
    raw, X, Y = _all(ds)
    assert raw.shape == (n, 2) and Y.shape == (n, 1)
    assert 1 <= ds.n_test <= n - 1 and abs(ds.n_test - n * fraction) <= 1
    assert np.all((raw >= -6.0) & (raw <= 6.0))
    if name in CLASSIFICATION_SETS:
        assert set(np.unique(Y)) <= {0.0, 1.0}
    else:
        assert np.all(np.abs(Y) <= 1.0)


# --------------------------------------------------------------------------- feature maps


def test_feature_map_exact_values():
    points = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -np.pi / 2]])
    X = feature_map(points, FEATURES)
    expected = np.array(
        [
            [1.0, 2.0, 1.0, 4.0, 2.0, np.sin(1.0), np.sin(2.0)],
            [-3.0, 0.5, 9.0, 0.25, -1.5, np.sin(-3.0), np.sin(0.5)],
            [0.0, -np.pi / 2, 0.0, np.pi**2 / 4, -0.0, 0.0, -1.0],
        ]
    )
    assert X.shape == (3, 7) and X.dtype == np.float64
    np.testing.assert_allclose(X, expected, rtol=0, atol=1e-15)


def test_feature_map_order_follows_the_request():
    points = np.array([[2.0, 3.0]])
    np.testing.assert_array_equal(feature_map(points, ["x1*x2", "x2", "x1^2"]), [[6.0, 3.0, 4.0]])
    np.testing.assert_array_equal(feature_map(points, "x2^2"), [[9.0]])  # a single name
    assert feature_map(np.zeros((0, 2)), ["x1", "sin x1"]).shape == (0, 2)


@pytest.mark.parametrize("features", [[], (), ["x1", "cos x1"], ["X1"], [3]])
def test_feature_map_rejects_bad_names_and_lists_the_valid_ones(features):
    with pytest.raises(DataError) as info:
        feature_map(np.zeros((2, 2)), features)
    message = str(info.value)
    for name in FEATURES:
        assert repr(name) in message


@pytest.mark.parametrize("shape", [(3,), (3, 3), (2, 1), (1, 2, 2)])
def test_feature_map_rejects_bad_point_shapes(shape):
    with pytest.raises(DataError, match=r"\(n, 2\)"):
        feature_map(np.zeros(shape), ["x1"])


# --------------------------------------------------------------------------- grid


def test_grid_default():
    xs, ys, points = grid()
    assert xs.shape == (50,) and ys.shape == (50,) and points.shape == (2500, 2)
    assert xs[0] == -6.0 and xs[-1] == 6.0 and ys[0] == -6.0 and ys[-1] == 6.0
    assert points.dtype == np.float64


@pytest.mark.parametrize(("domain", "resolution"), [((-6, 6), 4), ((-1.0, 3.0), 7), ((0, 1), 2)])
def test_grid_ordering_is_row_major_in_y(domain, resolution):
    xs, ys, points = grid(domain, resolution)
    np.testing.assert_array_equal(xs, np.linspace(*domain, resolution))
    np.testing.assert_array_equal(ys, np.linspace(*domain, resolution))
    for i in range(resolution):
        for j in range(resolution):
            np.testing.assert_array_equal(points[i * resolution + j], [xs[j], ys[i]])
    # A batched "network" output reshapes to (resolution, resolution) with z[i, j] at (xs[j], ys[i]).
    out = (points[:, 0] + 10.0 * points[:, 1])[:, None]
    z = out[:, 0].reshape(resolution, resolution)
    np.testing.assert_allclose(z, xs[None, :] + 10.0 * ys[:, None])


def test_grid_first_row_varies_x_only():
    xs, ys, points = grid((-2, 2), 3)
    np.testing.assert_array_equal(points[:3], [[-2, -2], [0, -2], [2, -2]])
    np.testing.assert_array_equal(points[3:6], [[-2, 0], [0, 0], [2, 0]])


@pytest.mark.parametrize(
    ("domain", "resolution", "word"),
    [
        ((-6, 6), 1, "resolution"),
        ((-6, 6), 2.5, "resolution"),
        ((6, -6), 10, "lo < hi"),
        ((0, math.inf), 10, "finite"),
    ],
)
def test_grid_validation(domain, resolution, word):
    with pytest.raises(DataError, match=word):
        grid(domain, resolution)


# --------------------------------------------------------------------------- digits


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_digits_dataset(test_fraction=0.3, seed=0)


def test_digits_shapes_and_scaling(digits):
    assert digits.name == "digits" and digits.task == "classification"
    assert digits.X_train.shape == (1258, 64) and digits.X_test.shape == (539, 64)
    assert digits.Y_train.shape == (1258, 10) and digits.Y_test.shape == (539, 10)
    X = np.vstack([digits.X_train, digits.X_test])
    assert X.dtype == np.float64 and X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))  # 0..16 divided by 16
    assert len(digits.feature_names) == 64 and digits.feature_names[9] == "pixel_1_1"
    assert digits.class_labels == list(range(10))
    assert digits.domain is None and digits.raw_train is None


def test_digits_one_hot_and_stratified(digits):
    for Y in (digits.Y_train, digits.Y_test):
        assert set(np.unique(Y)) == {0.0, 1.0}
        np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    counts_test = digits.Y_test.sum(axis=0)
    counts_all = counts_test + digits.Y_train.sum(axis=0)
    assert np.all(np.abs(counts_test - counts_all * 539 / 1797) <= 1.0)
    # classes are mixed, not grouped, in each part
    assert len(set(np.argmax(digits.Y_train[:30], axis=1))) >= 6


def test_digits_seeded(digits):
    again = load_digits_dataset(test_fraction=0.3, seed=0)
    np.testing.assert_array_equal(again.X_train, digits.X_train)
    other = load_digits_dataset(test_fraction=0.3, seed=1)
    assert not np.array_equal(other.X_train, digits.X_train)
    assert load_digits_dataset(test_fraction=0.5).n_test == 899  # round(898.5), half up
    with pytest.raises(DataError, match=r"test_fraction.*\[0.1, 0.9\]"):
        load_digits_dataset(test_fraction=0.0)


# --------------------------------------------------------------------------- CSV: good files


def _csv(n: int = 12, header: str = "x1,x2,y", row=lambda i: f"{i},{i * 0.5},{i % 2}") -> str:
    return "\n".join([header] + [row(i) for i in range(n)]) + "\n"


def test_csv_binary_classification_inferred():
    ds = load_csv(_csv(20))
    assert ds.task == "classification" and ds.name == "csv"
    assert ds.feature_names == ["x1", "x2"] and ds.target_names == ["y"]
    assert ds.class_labels == [0, 1]
    assert ds.n_train == 14 and ds.n_test == 6
    assert ds.Y_train.shape == (14, 1) and ds.X_train.shape == (14, 2)
    X = np.vstack([ds.X_train, ds.X_test])
    Y = np.vstack([ds.Y_train, ds.Y_test])
    np.testing.assert_array_equal(Y[:, 0], X[:, 0] % 2)  # raw values kept, y = x1 mod 2
    np.testing.assert_array_equal(X[:, 1], X[:, 0] * 0.5)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert ds.domain is None and ds.raw_train is None


def test_csv_multiclass_one_hot_with_labels():
    ds = load_csv(_csv(30, row=lambda i: f"{i},{-i},{[3, 7, 5][i % 3]}"))
    assert ds.class_labels == [3, 5, 7]
    assert ds.Y_train.shape[1] == 3
    X = np.vstack([ds.X_train, ds.X_test])
    Y = np.vstack([ds.Y_train, ds.Y_test])
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    labels = np.array(ds.class_labels)[np.argmax(Y, axis=1)]
    np.testing.assert_array_equal(labels, np.array([3, 7, 5])[X[:, 0].astype(int) % 3])
    for part in (ds.Y_train, ds.Y_test):  # stratified: every class in both parts
        assert np.all(part.sum(axis=0) >= 1)


def test_csv_regression_inferred_and_forced():
    ds = load_csv(_csv(15, row=lambda i: f"{i},{i},{i * 0.25}"))
    assert ds.task == "regression" and ds.class_labels is None
    Y = np.vstack([ds.Y_train, ds.Y_test])
    X = np.vstack([ds.X_train, ds.X_test])
    np.testing.assert_array_equal(Y[:, 0], X[:, 0] * 0.25)
    # many integer values: regression
    assert load_csv(_csv(15, row=lambda i: f"{i},{i},{i}")).task == "regression"
    # few integer values, but the caller says regression
    forced = load_csv(_csv(15), task="regression")
    assert forced.task == "regression" and forced.Y_train.shape[1] == 1


def test_csv_text_labels_and_named_targets():
    text = _csv(12, header="species,a,b", row=lambda i: f"{['setosa', 'virginica'][i % 2]},{i},{i * 2}")
    ds = load_csv(text, target_columns="species")
    assert ds.task == "classification" and ds.class_labels == ["setosa", "virginica"]
    assert ds.feature_names == ["a", "b"]
    X = np.vstack([ds.X_train, ds.X_test])
    Y = np.vstack([ds.Y_train, ds.Y_test])
    np.testing.assert_array_equal(Y[:, 0], X[:, 0] % 2)

    two = load_csv(
        _csv(12, header="a,t1,b,t2", row=lambda i: f"{i},{i + 0.5},{i * 2},{-i - 0.5}"), ["t1", "t2"]
    )
    assert two.task == "regression" and two.feature_names == ["a", "b"] and two.target_names == ["t1", "t2"]
    assert two.Y_train.shape == (8, 2)


def test_csv_sources_path_bytes_filelike_bom_semicolon(tmp_path):
    text = _csv(12)
    path = tmp_path / "data.csv"
    path.write_text(text)
    expected = load_csv(text)
    for source in (path, text.encode(), b"\xef\xbb\xbf" + text.encode(), io.BytesIO(text.encode())):
        got = load_csv(source)
        np.testing.assert_array_equal(got.X_train, expected.X_train)
        np.testing.assert_array_equal(got.Y_test, expected.Y_test)
    semi = load_csv(text.replace(",", ";"))
    np.testing.assert_array_equal(semi.X_train, expected.X_train)


def test_csv_tolerates_blank_rows_spaces_and_trailing_commas():
    text = "x1, x2 ,y,\n\n" + "\n".join(f" {i} ,{i}, {i % 2},\n" for i in range(12)) + ",,,\n"
    ds = load_csv(text)
    assert ds.feature_names == ["x1", "x2"] and ds.n_train + ds.n_test == 12


def test_csv_seeded_split():
    a, b, c = load_csv(_csv(40), seed=5), load_csv(_csv(40), seed=5), load_csv(_csv(40), seed=6)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, c.X_train)
    assert load_csv(_csv(40), test_fraction=0.5).n_test == 20


# --------------------------------------------------------------------------- CSV: bad files


def _error(source, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        load_csv(source, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("source", ["", "   \n\n  \n", b"", ",,\n,\n"])
def test_csv_empty_file(source):
    assert "empty" in _error(source)


def test_csv_missing_header():
    message = _error(_csv(12, header="1,2,3"))
    assert "row 1" in message and "header" in message


def test_csv_header_problems():
    assert "at least 2" in _error(_csv(12, header="y", row=lambda i: str(i)))
    message = _error(_csv(12, header="a,,y"))
    assert "column 2" in message and "no name" in message
    message = _error(_csv(12, header="a,b,a"))
    assert "'a'" in message and "columns 1 and 3" in message


def test_csv_wrong_number_of_columns():
    lines = _csv(12).splitlines()
    lines[3] = "1,2"  # the 4th line: spreadsheet row 4
    message = _error("\n".join(lines))
    assert "row 4" in message and "2 cells" in message and "3 columns" in message and "'x1'" in message
    lines[3] = "1,2,3,4"
    assert "row 4 has 4 cells" in _error("\n".join(lines))


def test_csv_non_numeric_cell_names_row_column_and_value():
    lines = _csv(12).splitlines()
    lines[2] = "5,abc,1"
    message = _error("\n".join(lines))
    assert "row 3" in message and "'x2'" in message and "'abc'" in message and "not a number" in message


def test_csv_non_numeric_value_is_truncated():
    lines = _csv(12).splitlines()
    lines[5] = "5," + "z" * 500 + ",1"
    message = _error("\n".join(lines))
    assert "row 6" in message and "'x2'" in message and "zzzz" in message and "…" in message
    assert "z" * 100 not in message and len(message) < 200


def test_csv_row_numbers_count_blank_lines_like_a_spreadsheet():
    lines = _csv(12).splitlines()
    lines.insert(2, "")  # a blank row 3
    lines[5] = "1,2,oops"  # now row 6
    message = _error("\n".join(lines), task="regression")
    assert "row 6" in message and "'y'" in message and "'oops'" in message


def test_csv_empty_cell():
    lines = _csv(12).splitlines()
    lines[7] = "1,,0"
    message = _error("\n".join(lines))
    assert "row 8" in message and "'x2'" in message and "empty" in message


@pytest.mark.parametrize(
    ("cell", "word"), [("nan", "NaN"), ("NaN", "NaN"), ("inf", "infinite"), ("-1e999", "infinite")]
)
def test_csv_nan_and_infinite(cell, word):
    lines = _csv(12).splitlines()
    lines[4] = f"{cell},1,0"
    message = _error("\n".join(lines))
    assert "row 5" in message and "'x1'" in message and word in message and "finite" in message


def test_csv_too_many_rows():
    message = _error(_csv(11), max_rows=10)
    assert "10" in message and "limit" in message and "row 12" in message
    assert load_csv(_csv(10), max_rows=10).n_train == 7


def test_csv_too_many_rows_default_cap():
    message = _error(_csv(10_001))
    assert "10000" in message and "limit" in message


def test_csv_too_few_rows():
    message = _error(_csv(5))
    assert "5 data rows" in message and "at least 10" in message
    assert "0 data rows" in _error("x1,x2,y\n")
    assert "1 data row after" in _error("x1,x2,y\n1,2,3\n")
    # a bad cell is reported before the row count
    assert "row 2" in _error("x1,x2,y\n1,zz,3\n")
    assert load_csv(_csv(5), min_rows=5).n_test == 2


def test_csv_unknown_target_column():
    message = _error(_csv(12), target_columns="label")
    assert "'label'" in message and "'x1'" in message and "'y'" in message
    assert "'nope'" in _error(_csv(12), target_columns=["y", "nope"])
    assert "empty" in _error(_csv(12), target_columns=[])
    assert "at least one column" in _error(_csv(12), target_columns=["x1", "x2", "y"])
    assert "more than once" in _error(_csv(12), target_columns=["y", "y"])


def test_csv_single_class():
    message = _error(_csv(12, row=lambda i: f"{i},{i},1"))
    assert "single class (1)" in message and "'y'" in message and "column 3" in message
    assert "single class" in _error(_csv(12, row=lambda i: f"{i},{i},cat"))


def test_csv_classification_limits():
    assert "exactly one target" in _error(_csv(12), target_columns=["x2", "y"], task="classification")
    message = _error(_csv(60, row=lambda i: f"{i},{i},{i * 1.5}"), task="classification")
    assert "60 distinct values" in message and "50" in message
    # a regression column with one typo: the message points at the typo
    text = _csv(80, row=lambda i: f"{i},{i},{'x' if i == 3 else i * 1.5}")
    message = _error(text)
    assert "row 5" in message and "'x'" in message


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"task": "clustering"}, "task"),
        ({"test_fraction": 0.95}, "[0.1, 0.9]"),
        ({"min_rows": 1}, "min_rows"),
        ({"max_rows": 5}, "max_rows"),
        ({"seed": -3}, "seed"),
        ({"target_columns": 3}, "column name"),
    ],
)
def test_csv_parameter_validation(kwargs, word):
    assert word in _error(_csv(12), **kwargs)


def test_csv_bad_sources(tmp_path):
    assert "could not read" in _error(tmp_path / "missing.csv")
    assert "could not read" in _error(tmp_path)  # a directory
    assert "UTF-8" in _error(b"x1,x2,y\n\xff\xfe,1,2\n")
    assert "source must be" in _error(12345)


def test_csv_unclosed_quote_and_huge_field():
    message = _error('x1,x2,y\n1,2,"3\n' + "4,5,6\n" * 12)
    assert "row 2" in message and "'y'" in message and "quote" in message
    message = _error('x1,x2,y\n1,2,"' + "9" * 200_000 + '"\n' + "4,5,6\n" * 12)
    assert "not valid CSV" in message and "row 2" in message


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # the profile's examples
@given(st.text())
def test_csv_arbitrary_text_raises_only_data_error(text):
    try:
        ds = load_csv(text, min_rows=2)
    except DataError:
        return
    assert isinstance(ds, Dataset)


_GARBAGE = ["", " ", "a", "nan", "-inf", "1e999", '"2"', '"', "1,5", "0x1", "\u00e9", ";", "1_0"]
_cells = st.integers(0, 39).flatmap(
    lambda k: (
        st.sampled_from(_GARBAGE)
        if k == 0
        else st.integers(-3, 3).map(str)
        if k < 25
        else st.floats(-1e6, 1e6).map(repr)
    )
)
_rows = st.integers(0, 29).flatmap(
    lambda k: st.lists(_cells, min_size=0, max_size=5) if k == 0 else st.lists(_cells, min_size=3, max_size=3)
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # the profile's examples
@given(st.lists(_rows, max_size=14), st.sampled_from([None, "regression", "classification"]))
def test_csv_near_valid_files_raise_only_data_error(rows, task):
    text = "\n".join(["a,b,c"] + [",".join(row) for row in rows])
    try:
        ds = load_csv(text, task=task, min_rows=2)
    except DataError as e:
        assert str(e)
        return
    for a in (ds.X_train, ds.Y_train, ds.X_test, ds.Y_test):
        assert a.dtype == np.float64 and np.all(np.isfinite(a))
    assert ds.n_train >= 1 and ds.n_test >= 1
    assert ds.X_train.shape[0] == ds.Y_train.shape[0]


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_csv_arbitrary_bytes_raise_only_data_error(data):
    with contextlib.suppress(DataError):
        load_csv(data, min_rows=2)


# --------------------------------------------------------------------------- CSV: caps, steps


def test_csv_total_cells_cap():
    from engine.data import MAX_CSV_CELLS

    width = 1000
    rows = MAX_CSV_CELLS // width + 1
    header = ",".join(f"c{j}" for j in range(width))
    line = ",".join(["1"] * (width - 1) + ["0"])
    message = _error(header + "\n" + "\n".join([line] * rows) + "\n")
    assert f"{rows:,} rows x 1,000 columns" in message and f"{MAX_CSV_CELLS:,} cells" in message


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1e151", "-2e200"])
def test_csv_values_too_large_to_standardize(value):
    lines = _csv(12).splitlines()
    lines[4] = f"{value},1,0"
    message = _error("\n".join(lines))
    assert (
        "row 5" in message and "'x1'" in message and "too large to scale" in message and "1e+150" in message
    )
    lines[4] = "1e149,1,0"  # within the limit: loads, and standardizing it stays finite
    ds = load_csv("\n".join(lines))
    X = np.vstack([ds.X_train, ds.X_test])
    assert np.all(np.isfinite((X - X.mean(0)) / X.std(0)))


def test_read_once_split_many_times_equals_load_csv():
    from engine.data import read_csv_table, split_csv

    text = _csv(30, row=lambda i: f"{i},{-i},{[3, 7, 5][i % 3]}")
    table = read_csv_table(text)
    for seed in (0, 4):
        a, b = split_csv(table, 0.3, seed), load_csv(text, seed=seed)
        np.testing.assert_array_equal(a.X_train, b.X_train)
        np.testing.assert_array_equal(a.Y_test, b.Y_test)
        assert a.class_labels == b.class_labels == [3, 5, 7]


def test_csv_row_numbers_with_quoted_line_breaks_and_leading_blank_rows():
    text = '\n\nx1,"x\n2",y\n' + "\n".join(f"{i},{i},{i % 2}" for i in range(12)) + "\n"
    lines = text.split("\n")
    lines[8] = "1,zz,0"  # record 7: two leading blank rows, a two-line header (row 3), data from row 4
    message = _error("\n".join(lines))
    assert "row 8" in message and "'zz'" in message
