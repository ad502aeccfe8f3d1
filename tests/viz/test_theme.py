"""The theme is the one place of viz/'s colours: no other module of viz/ writes a colour (a hex
literal, an rgb()/rgba() string, a named colour) or the sign's colour words in its code; and the
live ramp is the diverging scale sampled by Plotly."""

import ast
import re
from pathlib import Path

import numpy as np
import pytest

from viz import theme

VIZ = Path(__file__).resolve().parents[2] / "viz"
COLOUR = re.compile(
    r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|\brgba?\(|^(white|black|grey|gray|red|orange|blue|green)$|"
    r"\b(orange|blue)\b",
    re.IGNORECASE,
)


def code_strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module's code, docstrings left out (they describe, not draw)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    "path", sorted(p for p in VIZ.glob("*.py") if p.name != "theme.py"), ids=lambda p: p.name
)
def test_no_viz_module_but_the_theme_writes_a_colour(path):
    found = [(line, text) for line, text in code_strings(path) if COLOUR.search(text)]
    assert not found, f"{path.name}: colours belong in viz/theme.py: {found}"


def test_the_check_would_see_a_colour(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Orange and blue, described."""\nA = "#f59322"\nB = f"edges (blue ≥ 0)"\nC = "white"\nD = "step"\n'
    )
    found = sorted(text for _, text in code_strings(sample) if COLOUR.search(text))
    assert found == ["#f59322", "edges (blue ≥ 0)", "white"]


@pytest.mark.parametrize("name", theme.THEMES)
def test_the_ramp_runs_from_negative_through_the_middle_to_positive(name):
    colours = theme.PALETTES[name]
    ramp = theme.ramp(name)
    assert (
        len(ramp) == 256
        and ramp[0] == colours["negative"].lower()
        and ramp[-1] == colours["positive"].lower()
    )
    mid = theme.hex_rgb(colours["mid"])
    middle = (theme.hex_rgb(ramp[127]) + theme.hex_rgb(ramp[128])) / 2
    np.testing.assert_allclose(middle, mid, atol=1.5)
    # linear in RGB between the stops: the quarter point is halfway from negative to the middle
    quarter = theme.hex_rgb(theme.ramp(name, 5)[1])
    np.testing.assert_allclose(quarter, (theme.hex_rgb(colours["negative"]) + mid) / 2, atol=0.5)


def test_colour_words_name_the_sign_colours():
    assert (theme.NEGATIVE_WORD, theme.POSITIVE_WORD) == ("orange", "blue")
    assert theme.DIVERGING == [[0.0, theme.NEGATIVE], [0.5, theme.MID], [1.0, theme.POSITIVE]]
