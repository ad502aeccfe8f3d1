"""Step by step in class: Mazur's mode (biases fixed, his names and numbers), predict-then-reveal
(each phase shows only what has been computed), presenter mode (values on the diagram, 18 px text)."""

import pytest

from tests.app.conftest import chart_spec

PAGE = "pages/step_by_step.py"


def loss_shown(at) -> float:
    return float(at.metric[0].value)


def button(at, text):
    return next(b for b in at.button if text in b.label)


def test_mazur_mode_reproduces_the_article_after_one_and_10000_steps(load_page):
    at = load_page(PAGE)
    at.checkbox(key="sbs.fixed_biases").check().run()
    assert loss_shown(at) == pytest.approx(0.298371109, abs=1e-9)
    button(at, "Apply the update").click().run()
    assert f"{loss_shown(at):.8f}" == "0.29102777"  # the article: 0.291027924 (rounded on the way)
    at = load_page(PAGE, **{"sbs.fixed_biases": True})  # 10,000 steps from the start, as the article
    button(at, "Run 10,000 steps").click().run()
    assert not at.exception
    assert f"{loss_shown(at):.4e}" == "3.5102e-05"  # the article: 0.0000351085
    assert any("Ran 10,000 steps" in s.value for s in at.success)
    assert len(at.session_state["sbs.losses"]) == 10_000
    weights, biases = at.session_state["sbs.params"]
    assert biases[0].tolist() == [0.35, 0.35] and biases[1].tolist() == [0.6, 0.6]  # never moved


def test_mazur_mode_uses_his_names(load_page):
    at = load_page(PAGE)
    at.checkbox(key="sbs.fixed_biases").check().run()
    neurons = next(t for t in chart_spec(at, 0)["data"] if t.get("name") == "neurons")
    assert neurons["text"] == ["i1", "i2", "h1", "h2", "o1", "o2"]
    edges = next(t for t in chart_spec(at, 0)["data"] if t.get("name") == "edge values")
    assert "w of w5 (h1→o1) = 0.4" in edges["hovertext"]
    at.select_slider(key="sbs.phase").set_value("update").run()
    at.selectbox(key="sbs.item.2-2-2").set_value(("weight", 1, 0, 0)).run()
    text = " ".join(e.value for e in at.latex)
    assert r"w_{5}' &= w_{5} - \eta" in text and "0.358916" in text  # Mazur's w5' = 0.35891648
    assert "describe" not in text
    at.selectbox(key="sbs.item.2-2-2").set_value(("neuron", 1, 0)).run()
    assert r"b_{1}' = b_{1} = 0.35" in " ".join(e.value for e in at.latex)  # kept fixed


def test_default_mode_says_how_it_differs_from_the_article(load_page):
    at = load_page(PAGE)
    assert any("the biases learn too" in c.value for c in at.caption)
    button(at, "Apply the update").click().run()
    assert loss_shown(at) == pytest.approx(0.280471, abs=1e-6)


def test_the_tables_reveal_only_what_each_phase_has_computed(load_page):
    at = load_page(PAGE)
    expected = {
        "forward": ({"neuron", "z", "a = f(z)", "b"}, {"weight", "w"}),
        "loss": ({"neuron", "z", "a = f(z)", "b", "dL/da"}, {"weight", "w"}),
        "backward": (
            {"neuron", "z", "a = f(z)", "b", "dL/da", "δ = dL/dz", "dL/db"},
            {"weight", "w", "dL/dw"},
        ),
        "update": (
            {"neuron", "z", "a = f(z)", "b", "dL/da", "δ = dL/dz", "dL/db", "Δb", "b'"},
            {"weight", "w", "dL/dw", "Δw", "w'"},
        ),
    }
    for phase, (neuron_columns, weight_columns) in expected.items():
        at.select_slider(key="sbs.phase").set_value(phase).run()
        output_neurons, output_weights = at.dataframe[2].value, at.dataframe[3].value
        assert set(output_neurons.columns) == neuron_columns, phase
        assert set(output_weights.columns) == weight_columns, phase
    at.select_slider(key="sbs.phase").set_value("loss").run()
    assert "dL/da" not in at.dataframe[0].value.columns  # the hidden layer's waits for backward


def test_each_phase_asks_a_prediction_whose_answer_is_hidden(load_page):
    at = load_page(PAGE)
    asked = {
        "forward": "Is y1 above or below its target",
        "loss": "Predict the sign of dL/dh11 → y1",
        "backward": "Will x1 → h11 grow or shrink",
        "update": "Will the loss be lower after this update",
    }
    for phase, question in asked.items():
        at.select_slider(key="sbs.phase").set_value(phase).run()
        labels = [e.label for e in at.expander]
        assert any(label.startswith(question) for label in labels), (phase, labels)
    at.checkbox(key="sbs.fixed_biases").check().run()
    at.select_slider(key="sbs.phase").set_value("loss").run()
    question = next(e for e in at.expander if "dL/dw5" in e.label)
    assert "**positive**" in question.markdown[0].value and "0.082167" in question.markdown[0].value
    at.select_slider(key="sbs.phase").set_value("backward").run()
    question = next(e for e in at.expander if "w1 grow or shrink" in e.label)
    assert "**shrink**" in question.markdown[0].value and "0.149780716" in question.markdown[0].value


def test_equations_carry_the_exact_values_on_hover(load_page):
    at = load_page(PAGE)
    at.select_slider(key="sbs.phase").set_value("update").run()
    at.selectbox(key="sbs.item.2-2-2").set_value(("weight", 0, 0, 0)).run()
    assert "0.1497807161327628" in at.latex[0].proto.help  # w1' to 17 digits
    at.select_slider(key="sbs.phase").set_value("forward").run()
    assert "dL/dw" not in at.latex[0].proto.help  # not computed yet


def test_presenter_mode_writes_values_on_the_diagram_in_large_type(load_page):
    at = load_page(PAGE)
    names = {t.get("name") for t in chart_spec(at, 0)["data"]}
    assert "neuron values" not in names
    at = load_page(PAGE, presenter=True)
    diagram = chart_spec(at, 0)
    values = next(t for t in diagram["data"] if t.get("name") == "neuron values")
    assert values["text"][:2] == ["0.05", "0.1"] and values["textfont"]["size"] >= 18
    edge_labels = [a["text"] for a in diagram["layout"]["annotations"] if a.get("name") == "edge value"]
    assert len(edge_labels) == 8 and "0.25" in edge_labels and "0.5" in edge_labels  # w3, w6 too
    assert diagram["layout"]["font"]["size"] >= 18
    assert chart_spec(at, 1)["layout"]["font"]["size"] >= 18  # the loss curve too


def test_the_run_downloads_as_csv_and_json(load_page):
    at = load_page(PAGE)
    button(at, "Apply the update").click().run()
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == [
        "Download the run (CSV)",
        "Download the run (JSON)",
    ]  # contents: tests/viz/test_tables.py
