"""The pages name the sign's colours by viz.theme's words, never by their own: change the colours
in the theme and every caption, help text and live-view note follows."""

import re
from pathlib import Path

import pytest

from tests.viz.test_theme import code_strings

PAGES = Path(__file__).resolve().parents[2] / "pages"
WORDS = re.compile(r"\b(orange|blue)\b", re.IGNORECASE)


@pytest.mark.parametrize("path", sorted(PAGES.rglob("*.py")), ids=lambda p: str(p.relative_to(PAGES)))
def test_no_page_module_writes_a_colour_word(path):
    found = [(line, text) for line, text in code_strings(path) if WORDS.search(text)]
    assert not found, f"{path.name}: use viz.theme.NEGATIVE_WORD / POSITIVE_WORD: {found}"


@pytest.mark.parametrize("path", sorted(PAGES.rglob("*.js")), ids=lambda p: str(p.relative_to(PAGES)))
def test_no_live_view_script_writes_a_colour_word_outside_comments(path):
    code = [re.sub(r"//.*", "", line) for line in path.read_text().splitlines()]
    found = [(n, line.strip()) for n, line in enumerate(code, 1) if WORDS.search(line)]
    assert not found, f"{path.name}: use this.word('negative' | 'positive') (viz.theme's words): {found}"


def test_the_live_views_get_the_words():
    from viz import theme

    words = {"negative": theme.NEGATIVE_WORD, "positive": theme.POSITIVE_WORD}
    assert all(theme.live_display(name, False)["words"] == words for name in theme.THEMES)
