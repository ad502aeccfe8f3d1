"""The Vanishing-gradients page's "your CSV" data set: the state layer (parse_csv,
choose_data, a CSV configuration's run) and AppTests that upload files through the page's
st.file_uploader (AppTest's FileUploader.set_value, Streamlit 1.67)."""

import math
import re

import numpy as np
import pytest

from engine.data import DataError
from pages import vanishing_state as vs

PAGE = "pages/vanishing.py"
SMALL = {"vg.A.depth": 3, "vg.B.depth": 3, "vg.A.width": 8, "vg.B.width": 8}


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def binary_rows(n: int = 20) -> list[str]:
    return [f"{i},{(i * 7) % 5 - 2},{i % 2}" for i in range(n)]


GOOD = csv_bytes("x1,x2,y", binary_rows())
THREE_CLASSES = csv_bytes(
    "a,b,c,species", [f"{i},{i % 4},{(i * 3) % 7},{('red', 'green', 'blue')[i % 3]}" for i in range(30)]
)
REGRESSION = csv_bytes("u,t", [f"{i / 10},{math.sin(i / 10) * 50:.4f}" for i in range(25)])


def with_cell(row: int, column: int, value: str) -> bytes:
    """GOOD with the cell of spreadsheet row ``row`` (header = 1), column ``column`` (1-based) replaced."""
    lines = GOOD.decode().splitlines()
    cells = lines[row - 1].split(",")
    cells[column - 1] = value
    lines[row - 1] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode()


# (bytes, words the message must contain)
BAD_FILES = {
    "nan": (with_cell(5, 2, "nan"), ["row 5", "column 'x2' (column 2)", "NaN"]),
    "text": (with_cell(7, 1, "abc"), ["row 7", "column 'x1' (column 1)", "'abc' is not a number"]),
    "infinite": (with_cell(3, 1, "inf"), ["row 3", "column 'x1' (column 1)", "infinite"]),
    "short row": (with_cell(4, 3, "1,9"), ["row 4 has 4 cells", "header has 3 columns"]),
    "one row": (csv_bytes("x1,x2,y", ["1,2,0"]), ["1 data row", "at least 10"]),
    "one class": (
        csv_bytes("x1,x2,y", [f"{i},{i},1" for i in range(12)]),
        ["column 'y' (column 3)", "single class (1)", "at least 2 classes"],
    ),
    "empty": (b"", ["the file is empty"]),
    "binary garbage": (bytes(range(256)) * 4, ["not UTF-8", "position 128"]),
    "too many rows": (
        csv_bytes("x1,x2,y", binary_rows(vs.CSV_MAX_ROWS + 1)),
        [f"more than {vs.CSV_MAX_ROWS} data rows", f"row {vs.CSV_MAX_ROWS + 2} is one too many"],
    ),
}


class FakeUpload:
    """What choose_data reads of Streamlit's UploadedFile: file_id, name, getvalue()."""

    def __init__(self, content: bytes, name: str = "data.csv", file_id: str = "f1"):
        self.content, self.name, self.file_id = content, name, file_id
        self.reads = 0

    def getvalue(self) -> bytes:
        self.reads += 1
        return self.content


# ============================================================================ parse_csv
def test_a_good_csv_becomes_a_standardized_binary_data_set_with_binary_losses():
    data = vs.parse_csv(GOOD, "good.csv", seed=0)
    ds = data.dataset
    assert ds.task == "classification" and data.kind == "binary"
    assert ds.X_train.shape == (14, 2) and ds.X_test.shape == (6, 2)  # 30 % for testing
    assert ds.Y_train.shape == (14, 1) and set(np.unique(ds.Y_train)) == {0.0, 1.0}
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1.0)
    assert data.n_rows == 20 and data.file_name == "good.csv"
    assert vs.losses_for(vs.CSV, data) == ("bce", "mse", "sse")
    assert vs.loss_kind(vs.CSV, data) == "binary"
    assert data.describe() == (
        "good.csv: 20 rows (14 train, 6 test), 2 features (x1, x2); target y: 2 classes (0, 1)"
    )


def test_text_labels_give_a_multiclass_set_and_cross_entropy():
    data = vs.parse_csv(THREE_CLASSES, "flowers.csv")
    assert data.kind == "multiclass" and data.dataset.class_labels == ["blue", "green", "red"]
    assert data.dataset.X_train.shape == (21, 3) and data.dataset.Y_train.shape == (21, 3)
    assert vs.losses_for(vs.CSV, data) == ("cross_entropy", "mse", "sse")
    config = vs.VGConfig(dataset=vs.CSV, csv=data, loss="cross_entropy", depth=3, width=8)
    run = vs.start_run("A", config)
    assert run.network.sizes == [3, 8, 8, 8, 3] and run.network.activation_names[-1] == "softmax"
    assert vs.test_score(run, 0)["name"] == "accuracy"


def test_a_real_valued_target_is_regression_with_mse_or_sse_only():
    data = vs.parse_csv(REGRESSION, "wave.csv")
    assert data.kind == "regression" and data.dataset.task == "regression"
    assert vs.losses_for(vs.CSV, data) == ("mse", "sse")
    with pytest.raises(ValueError, match="unknown loss 'bce' for the csv data; choose one of: mse, sse"):
        vs.VGConfig(dataset=vs.CSV, csv=data, loss="bce").validate()
    run = vs.start_run("B", vs.VGConfig(dataset=vs.CSV, csv=data, loss="mse", depth=2, width=4))
    assert run.network.sizes == [1, 4, 4, 1] and run.network.activation_names[-1] == "linear"
    assert vs.test_score(run, 0)["name"] == "R²"


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_csv_is_a_data_error_naming_the_row_and_column(case):
    content, words = BAD_FILES[case]
    with pytest.raises(DataError) as error:
        vs.parse_csv(content, "bad.csv")
    for word in words:
        assert word in str(error.value), (case, str(error.value))


def test_the_example_csv_is_a_valid_2d_set_of_the_engine():
    content = vs.example_csv()
    assert content.startswith(b"x1,x2,label\n")
    data = vs.parse_csv(content, f"{vs.CSV_EXAMPLE_SET}.csv")
    assert data.n_rows == vs.N_POINTS and data.kind == "binary"
    assert data.dataset.feature_names == ["x1", "x2"] and data.dataset.class_labels == [0, 1]
    assert vs.example_csv() == content  # the same file every time
    with pytest.raises(ValueError, match="unknown 2-D classification set"):
        vs.example_csv("sine")


def test_a_csv_configuration_needs_its_file_and_only_for_the_csv_choice():
    data = vs.parse_csv(GOOD)
    with pytest.raises(ValueError, match="needs an uploaded file"):
        vs.VGConfig(dataset=vs.CSV).validate()
    with pytest.raises(ValueError, match="csv is only for the csv data set"):
        vs.VGConfig(dataset="circle", csv=data).validate()
    assert vs.VGConfig(dataset=vs.CSV, csv=data).validate().csv is data


def test_a_csv_run_is_rebuilt_for_other_bytes_or_seed_not_for_the_same_file_again():
    data = vs.parse_csv(GOOD, "good.csv")
    config = vs.VGConfig(dataset=vs.CSV, csv=data, depth=3, width=8)
    run, new = vs.sync_run(None, "A", config)
    assert new and run.network.sizes[0] == 2 and run.network.sizes[-1] == 1
    vs.advance([run], 4)
    again = vs.parse_csv(GOOD, "renamed.csv")  # same bytes, another upload
    same, new = vs.sync_run(run, "A", vs.VGConfig(dataset=vs.CSV, csv=again, depth=3, width=8))
    assert same is run and not new and run.last_step == 4
    other = vs.parse_csv(with_cell(2, 1, "99"), "good.csv")
    rebuilt, new = vs.sync_run(run, "A", vs.VGConfig(dataset=vs.CSV, csv=other, depth=3, width=8))
    assert new and rebuilt.last_step == 0
    reseeded, new = vs.sync_run(
        rebuilt, "A", vs.VGConfig(dataset=vs.CSV, csv=other, depth=3, width=8, seed=1)
    )
    assert new and reseeded.last_step == 0
    split_0, split_1 = vs.dataset_for(rebuilt.config), vs.dataset_for(reseeded.config)
    assert not np.array_equal(split_0.X_train, split_1.X_train)  # split again with the new seed


# ============================================================================ choose_data
def test_choose_data_passes_a_builtin_set_through_and_remembers_it():
    store = {}
    assert vs.choose_data(store, "xor", None, 0) == vs.DataChoice("xor")
    assert store[vs.CURRENT_KEY] == ("xor", None)
    with pytest.raises(ValueError, match="unknown data set 'mnist'"):
        vs.choose_data(store, "mnist", None, 0)


def test_choose_data_before_any_upload_keeps_the_previous_data_and_asks_for_a_file():
    store = {vs.CURRENT_KEY: ("spiral", None)}
    choice = vs.choose_data(store, vs.CSV, None, 0)
    assert (choice.dataset, choice.csv, choice.error) == ("spiral", None, None)
    assert choice.note.startswith("Upload a CSV file in the sidebar")
    assert "keeps showing the spiral data" in choice.note
    first = vs.choose_data({}, vs.CSV, None, 0)  # nothing before: the default, said so
    assert first.dataset == vs.VGConfig.dataset == "circle"
    assert "No data set was loaded yet, so the page shows the default one, the circle data" in first.note


def test_choose_data_parses_a_file_once_and_uses_it():
    store = {vs.CURRENT_KEY: ("circle", None)}
    upload = FakeUpload(GOOD, "good.csv")
    choice = vs.choose_data(store, vs.CSV, upload, 0)
    assert choice.dataset == vs.CSV and choice.error is None and choice.note is None
    assert choice.csv.file_name == "good.csv" and choice.csv.dataset.n_features == 2
    cached = store[vs.UPLOAD_KEY]
    for _ in range(3):  # reruns with the same file: no re-reading, no re-parsing
        again = vs.choose_data(store, vs.CSV, upload, 0)
        assert again.csv is choice.csv
    assert upload.reads == 1 and store[vs.UPLOAD_KEY][1] is cached[1]
    reseeded = vs.choose_data(store, vs.CSV, upload, 5)  # a new seed splits the kept bytes again
    assert upload.reads == 1 and reseeded.csv.seed == 5 and reseeded.csv.digest == choice.csv.digest
    assert reseeded.csv != choice.csv
    assert store[vs.CURRENT_KEY] == (vs.CSV, reseeded.csv)


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_choose_data_with_a_bad_file_keeps_the_last_valid_csv_and_reports_why(case):
    content, words = BAD_FILES[case]
    store = {}
    good = vs.choose_data(store, vs.CSV, FakeUpload(GOOD, "good.csv", "f1"), 0)
    bad_upload = FakeUpload(content, "bad.csv", "f2")
    choice = vs.choose_data(store, vs.CSV, bad_upload, 0)
    assert choice.dataset == vs.CSV and choice.csv is good.csv
    assert all(word in choice.error for word in words), choice.error
    assert choice.note == "The page keeps showing your CSV good.csv, the last valid data set."
    vs.choose_data(store, vs.CSV, bad_upload, 0)
    assert bad_upload.reads == 1  # the failure is remembered too
    assert store[vs.CURRENT_KEY] == (vs.CSV, good.csv)


def test_choose_data_with_a_bad_first_file_falls_back_to_the_builtin_or_default_set():
    content, _ = BAD_FILES["nan"]
    kept = vs.choose_data({vs.CURRENT_KEY: ("moons", None)}, vs.CSV, FakeUpload(content), 0)
    assert (kept.dataset, kept.csv) == ("moons", None) and "row 5" in kept.error
    assert kept.note == "The page keeps showing the moons data, the last valid data set."
    fresh = vs.choose_data({}, vs.CSV, FakeUpload(content), 0)
    assert fresh.dataset == "circle" and "row 5" in fresh.error
    assert fresh.note.startswith("No data set was loaded yet")


# ============================================================================ AppTest: the page
def texts(elements) -> str:
    """The elements' text as the reader sees it: the page escapes user text for Markdown."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in elements))


def choose_csv(load_page, **state):
    at = load_page(PAGE, **SMALL, **state)
    at.selectbox(key="vg.dataset").set_value(vs.CSV).run()
    assert not at.exception
    return at


def upload(at, content: bytes, name: str = "data.csv"):
    return at.file_uploader(key="vg.csv.file").set_value((name, content, "text/csv")).run()


def test_choosing_csv_shows_the_uploader_format_and_example_and_keeps_the_runs(load_page):
    at = load_page(PAGE, **SMALL)
    assert not at.get("file_uploader")  # only for "your CSV"
    runs = (at.session_state["vg.run.A"], at.session_state["vg.run.B"])
    at.selectbox(key="vg.dataset").set_value(vs.CSV).run()
    assert not at.exception and not at.error
    uploader = at.file_uploader(key="vg.csv.file")
    assert uploader.allowed_type == [".csv"]
    assert vs.CSV_FORMAT in texts(at.caption) and "target in the last column" in vs.CSV_FORMAT
    assert at.get("download_button")[0].label == f"Example CSV ({vs.CSV_EXAMPLE_SET})"
    assert "Upload a CSV file in the sidebar" in texts(at.info)
    assert "keeps showing the circle data" in texts(at.info)
    assert (at.session_state["vg.run.A"], at.session_state["vg.run.B"]) == runs  # same objects
    assert at.session_state["vg.run.A"].config.dataset == "circle"
    assert len(at.get("plotly_chart")) == 7


def test_a_good_upload_trains_a_and_b_on_it(load_page):
    at = choose_csv(load_page)
    upload(at, THREE_CLASSES, "flowers.csv")
    assert not at.exception and not at.error
    assert "Data: flowers.csv: 30 rows (21 train, 9 test), 3 features (a, b, c)" in texts(at.caption)
    assert "3 classes (blue, green, red)" in texts(at.caption)
    for name in ("A", "B"):
        run = at.session_state[f"vg.run.{name}"]
        assert run.config.dataset == vs.CSV and run.config.csv.file_name == "flowers.csv"
        assert run.network.sizes[0] == 3 and run.network.sizes[-1] == 3
        assert run.config.loss == "cross_entropy" and run.last_step == 0
    loss = at.selectbox(key="vg.A.loss.multiclass")
    assert loss.value == "cross_entropy" and loss.options == ["cross_entropy", "mse", "sse"]
    at.button(key="vg.advance_button").click().run()
    assert not at.exception and at.metric[0].value == "5 of 5"
    parsed = at.session_state[vs.UPLOAD_KEY][1]
    at.slider(key="vg.step").set_value(2).run()  # a rerun with the same file: not parsed again
    assert at.session_state[vs.UPLOAD_KEY][1] is parsed
    assert at.session_state["vg.run.A"].last_step == 5


def test_a_regression_upload_offers_mse_and_sse(load_page):
    at = choose_csv(load_page)
    upload(at, REGRESSION, "wave.csv")
    assert not at.exception and not at.error
    assert at.selectbox(key="vg.A.loss.regression").options == ["mse", "sse"]
    run = at.session_state["vg.run.B"]
    assert run.network.sizes[0] == 1 and run.config.loss == "mse"
    assert "test R²" in texts(at.caption)


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_upload_shows_the_loaders_message_and_keeps_the_last_valid_runs(load_page, case):
    content, words = BAD_FILES[case]
    at = choose_csv(load_page)
    upload(at, GOOD, "good.csv")
    at.button(key="vg.advance_button").click().run()
    runs = (at.session_state["vg.run.A"], at.session_state["vg.run.B"])
    upload(at, content, "bad.csv")
    assert not at.exception
    error = texts(at.error)
    assert error.startswith("**Your CSV cannot be used:**")
    assert all(word in error for word in words), error
    assert "keeps showing your CSV good.csv, the last valid data set" in error
    assert (at.session_state["vg.run.A"], at.session_state["vg.run.B"]) == runs
    assert runs[0].last_step == 5 and at.metric[0].value == "5 of 5"
    assert len(at.get("plotly_chart")) == 7
    upload(at, GOOD, "good again.csv")  # the same data again: no restart, no message
    assert not at.error and at.session_state["vg.run.A"] is runs[0] and runs[0].last_step == 5


def test_a_bad_upload_after_a_builtin_set_keeps_that_set(load_page):
    at = load_page(PAGE, **SMALL)
    at.selectbox(key="vg.dataset").set_value("xor").run()
    run = at.session_state["vg.run.A"]
    at.selectbox(key="vg.dataset").set_value(vs.CSV).run()
    upload(at, BAD_FILES["text"][0])
    assert not at.exception and "row 7" in texts(at.error)
    assert "keeps showing the xor data" in texts(at.error)
    assert at.session_state["vg.run.A"] is run and run.config.dataset == "xor"


def test_with_no_data_set_yet_a_bad_upload_falls_back_to_the_default_and_says_so(load_page):
    at = load_page(PAGE, **SMALL, **{"vg.dataset": vs.CSV})  # the very first run is on "your CSV"
    assert not at.exception
    assert "No data set was loaded yet, so the page shows the default one, the circle data" in texts(at.info)
    assert at.session_state["vg.run.A"].config.dataset == "circle"
    upload(at, BAD_FILES["one class"][0])
    assert not at.exception and "single class" in texts(at.error)
    assert at.session_state["vg.run.A"].config.dataset == "circle"
    assert len(at.get("plotly_chart")) == 7
