"""The Step-by-step page: it runs, its controls change the numbers, bad edits get a message."""

import pytest

from tests.app.conftest import chart_spec

PAGE = "pages/step_by_step.py"


def edit(at, key, row, column, text):
    at.session_state[key] = {"edited_rows": {row: {column: text}}, "added_rows": [], "deleted_rows": []}
    return at.run()


def loss_shown(at) -> float:
    return float(at.metric[0].value)


def latex(at) -> str:
    return " ".join(element.value for element in at.latex)


def test_runs_with_the_worked_example(load_page):
    at = load_page(PAGE)
    assert not at.exception
    assert loss_shown(at) == pytest.approx(0.298371, abs=1e-6)
    assert "0.3775" not in latex(at)  # default explains the output neuron y1
    assert "1.106" in latex(at)
    diagram = chart_spec(at, 0)
    neurons = next(t for t in diagram["data"] if t.get("name") == "neurons")
    assert neurons["text"] == ["x1", "x2", "h11", "h12", "y1", "y2"]


def test_phases_show_their_content(load_page):
    at = load_page(PAGE)
    expected = {
        "forward": "**Forward.**",
        "loss": "**Loss.**",
        "backward": "**Backward.**",
        "update": "**Update.**",
    }
    for phase, marker in expected.items():
        at.select_slider(key="sbs.phase").set_value(phase).run()
        assert any(marker in m.value for m in at.markdown), phase
    at.selectbox(key="sbs.item.2-2-2").set_value(("weight", 1, 0, 0)).run()
    assert r"w_{h11,y1}' &= w_{h11,y1} - \eta" in latex(at)


def test_next_button_steps_through_the_phases(load_page):
    at = load_page(PAGE)
    at.button[1].click().run()  # "Next ▶"
    assert at.select_slider(key="sbs.phase").value == "loss"
    assert any("**Loss.**" in m.value for m in at.markdown)


def test_backward_phase_shows_the_chain_rule_numbers(load_page):
    at = load_page(PAGE)
    at.select_slider(key="sbs.phase").set_value("backward").run()
    at.selectbox(key="sbs.item.2-2-2").set_value(("weight", 1, 0, 0)).run()
    text = latex(at)
    # dL/dw5 = 0.7414 * 0.1868 * 0.5933 = 0.08217 (Mazur)
    assert "0.7414" in text and "0.5933" in text and "0.08217" in text


def test_learning_rate_changes_the_update(load_page):
    at = load_page(PAGE)
    at.select_slider(key="sbs.phase").set_value("update").run()
    at.selectbox(key="sbs.item.2-2-2").set_value(("weight", 1, 0, 0)).run()
    assert "0.3589" in latex(at)  # w5' with lr 0.5
    at.number_input(key="sbs.lr").set_value(1.0).run()
    assert "0.3178" in latex(at)  # 0.4 - 1.0 * 0.08217


def test_applying_the_update_lowers_the_loss_and_plots_it(load_page):
    at = load_page(PAGE)
    before = loss_shown(at)
    next(b for b in at.button if "Apply" in b.label).click().run()
    after = loss_shown(at)
    assert after < before
    curve = chart_spec(at, 1)
    assert len(curve["data"][0]["y"]["bdata"]) > 0 or len(curve["data"][0]["y"]) == 2


def test_editing_a_weight_changes_the_numbers(load_page):
    at = load_page(PAGE)
    at = edit(at, "sbs.W1.v1", 0, "y1", "0.9")
    assert not at.exception
    assert loss_shown(at) != pytest.approx(0.298371, abs=1e-6)


@pytest.mark.parametrize(
    "text, message",
    [
        ("abc", "'abc' is not a number"),
        ("", "is empty"),
        ("nan", "not a finite number"),
        ("1e9", "too large"),
    ],
)
def test_bad_input_gives_a_message_and_keeps_the_last_network(load_page, text, message):
    at = load_page(PAGE)
    at = edit(at, "sbs.W1.v1", 0, "y1", text)
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert message in errors and "W2, row 1, column y1" in errors
    assert loss_shown(at) == pytest.approx(0.298371, abs=1e-6)


def test_bad_target_for_the_loss_is_explained(load_page):
    at = load_page(PAGE)
    at = edit(at, "sbs.t.v1", 0, "y1", "5")
    at.selectbox(key="sbs.loss").set_value("bce").run()
    assert not at.exception
    assert any("between 0 and 1" in e.value for e in at.error)


def test_architecture_change_resets(load_page):
    at = load_page(PAGE)
    at.number_input(key="sbs.n_hidden").set_value(2).run()
    assert not at.exception
    neurons = next(t for t in chart_spec(at, 0)["data"] if t.get("name") == "neurons")
    assert len(neurons["text"]) == 8


def test_huge_learning_rate_does_not_crash_and_says_the_hidden_layer_stalled(load_page):
    at = load_page(PAGE)
    at.number_input(key="sbs.lr").set_value(1e6).run()
    assert not at.exception
    assert not at.warning  # the first step still has gradients everywhere
    for _ in range(3):
        next(b for b in at.button if "Apply" in b.label).click().run()
    assert not at.exception
    # the sigmoids saturated: the loss looks fine (1e-4), but no layer learns any more
    assert any("Layers 1, 2 no longer learn" in w.value for w in at.warning)


def test_invalid_edits_block_the_update_instead_of_being_dropped(load_page):
    at = load_page(PAGE)
    at = edit(at, "sbs.x.v1", 0, "x1", "1e200")
    apply_button = next(b for b in at.button if "Apply" in b.label)
    assert apply_button.disabled
    at.select_slider(key="sbs.phase").set_value("update").run()
    next_button = next(b for b in at.button if b.label == "Next ▶")
    assert next_button.disabled
    at = edit(at, "sbs.x.v1", 0, "x1", "0.2")
    assert not next(b for b in at.button if "Apply" in b.label).disabled


def test_next_after_the_update_phase_applies_the_update(load_page):
    at = load_page(PAGE)
    for _ in range(3):
        next(b for b in at.button if b.label == "Next ▶").click().run()
    assert at.select_slider(key="sbs.phase").value == "update"
    next(b for b in at.button if b.label == "Next ▶").click().run()
    assert at.select_slider(key="sbs.phase").value == "forward"
    assert loss_shown(at) == pytest.approx(0.280471, abs=1e-6)  # Mazur's network after one step


def test_gradient_check_runs_only_in_its_tab_and_agrees(load_page):
    at = load_page(PAGE)
    assert not any("they agree" in m.value for m in at.markdown)
    at = load_page(PAGE, **{"sbs.tab": "Gradient check"})
    assert any("they agree" in m.value for m in at.markdown)
    table = at.dataframe[-1].value
    assert len(table) == 12  # 8 weights and 4 biases
    assert (table["|difference|"] < 1e-8).all()


def test_removing_the_hidden_layer_keeps_the_explanation_valid(load_page):
    at = load_page(PAGE)
    at.number_input(key="sbs.n_hidden").set_value(0).run()
    assert not at.exception
    assert at.selectbox(key="sbs.item.2-2").value == ("neuron", 1, 0)


def test_each_phase_names_what_the_diagram_colours(load_page):
    at = load_page(PAGE)
    expected = {"forward": ("a", "w"), "loss": ("dL/dy", "w"), "backward": ("δ = dL/dz", "dL/dw"),
                "update": ("Δb", "Δw")}  # fmt: skip
    for number, (phase, (node_label, edge_label)) in enumerate(expected.items(), start=1):
        at.select_slider(key="sbs.phase").set_value(phase).run()
        assert f"**{number} {phase}**" in " ".join(c.value for c in at.caption)  # where we are
        diagram = chart_spec(at, 0)
        neurons = next(t for t in diagram["data"] if t.get("name") == "neurons")
        assert neurons["marker"]["colorbar"]["title"]["text"] == node_label
        note = diagram["layout"]["annotations"][0]["text"]
        assert note.startswith(f"edges: {edge_label} (blue ≥ 0, orange < 0), width ∝ |{edge_label}|")
