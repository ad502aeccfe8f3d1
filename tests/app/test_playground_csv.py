"""A user's CSV on the Playground: two feature columns and a label (two classes) or a target,
read by the engine's validated loader, mapped onto the Playground's square (engine/data.py
plane_from_csv) and trained like the built-in sets; a bad file gets a message."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine.data import DataError, plane_from_csv, read_csv_table
from pages.playground_build import build_trainer
from pages.playground_settings import DEFAULTS
from pages.playground_url import from_query

ROOT = Path(__file__).resolve().parents[2]


def csv_text(n=80, labels=("no", "yes"), regression=False, columns=2):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, columns)) * 40 + 100
    fit = [f"{v:.6g}" for v in x[:, 0] / 100 - 1]
    last = fit if regression else [labels[int(v > 100)] for v in x[:, 0]]
    header = ",".join(f"f{k}" for k in range(columns)) + ",target"
    rows = [",".join(f"{v:.6g}" for v in row) + f",{t}" for row, t in zip(x, last)]
    return "\n".join([header, *rows]) + "\n"


def test_two_columns_are_mapped_onto_the_square_and_labels_kept():
    table = read_csv_table(csv_text())
    data = plane_from_csv(table, 0.25, seed=3, features=("x1", "x2", "x1^2"))
    raw = np.concatenate([data.raw_train, data.raw_test])
    np.testing.assert_allclose(raw.min(axis=0), [-6, -6]) and np.testing.assert_allclose(
        raw.max(axis=0), [6, 6]
    )
    np.testing.assert_allclose(data.X_train[:, 2], data.raw_train[:, 0] ** 2)
    assert data.class_labels == ["no", "yes"] and data.n_test == 20
    # the label follows the first column: yes exactly where x1 is above the mapped 100
    tf = plane_from_csv(table, 0.25, seed=3, tf_compatible=True)
    np.testing.assert_array_equal(tf.Y_train, 2 * data.Y_train - 1)


@pytest.mark.parametrize(
    "text, words",
    [
        (csv_text(columns=3), "exactly two feature columns"),
        (csv_text(labels=("a", "b")).replace(",a\n", ",c\n", 3), "two classes"),
    ],
)
def test_other_shapes_are_refused(text, words):
    with pytest.raises(DataError, match=words):
        plane_from_csv(read_csv_table(text))


def test_a_link_cannot_carry_an_upload():
    config, notices = from_query({"data": "csv", "csvtask": "classification"})
    assert config.dataset == DEFAULTS.dataset and "cannot carry an uploaded CSV" in notices[0]
    with pytest.raises(ValueError, match="upload a CSV first"):
        build_trainer(DEFAULTS.replace(dataset="csv"))


def page():
    at = AppTest.from_file(str(ROOT / "pages/playground.py"), default_timeout=60)
    at.query_params.update({"dseed": "0"})
    return at.run()


def test_uploading_a_csv_trains_on_it_and_a_bad_one_is_refused():
    at = page()
    at.file_uploader(key="pg.csv_upload").set_value(("points.csv", csv_text().encode(), "text/csv")).run()
    assert not at.exception
    config = at.session_state["pg.config"]
    assert (config.dataset, config.problem) == ("csv", "classification")
    trainer = at.session_state["pg.live"].model.trainer
    assert trainer.dataset.name == "csv" and trainer.dataset.n_train + trainer.dataset.n_test == 80
    trainer.run(50)
    at.toggle(key="pg.details").set_value(True).run()
    assert not at.exception
    at.file_uploader(key="pg.csv_upload").set_value(
        ("bad.csv", csv_text(columns=3).encode(), "text/csv")
    ).run()
    assert any("bad.csv cannot be used" in e.value and "two feature columns" in e.value for e in at.error)
    assert at.session_state["pg.config"].dataset == "csv"  # the last valid data stay


def test_a_regression_csv_switches_the_problem_type():
    at = page()
    at.file_uploader(key="pg.csv_upload").set_value(
        ("fit.csv", csv_text(regression=True).encode(), "text/csv")
    )
    at.run()
    assert not at.exception
    config = at.session_state["pg.config"]
    assert (config.dataset, config.problem, config.loss) == ("csv", "regression", "mse")
    assert at.radio(key="pg.problem").value == "regression"
