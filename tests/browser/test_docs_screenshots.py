"""The README's screenshots (docs/*.png) and their captions. Each test drives a page to a state
that does not depend on timing, waits until what the caption claims is drawn, takes the
screenshot (artifacts/docs/NAME.png) and builds the caption from what the page shows; the
README's caption of docs/NAME.png must be that caption. `UPDATE_DOCS=1 pytest -m browser
tests/browser/test_docs_screenshots.py` copies the screenshots into docs/ and writes the captions
into the README."""

from __future__ import annotations

import math
import os
import re
import shutil

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser
DOCS = ROOT / "artifacts" / "docs"
README = ROOT / "README.md"


def publish(page: Page, name: str, caption: str) -> None:
    """Screenshot the viewport as artifacts/docs/NAME.png; with UPDATE_DOCS=1 copy it to docs/ and
    write `caption` into the README. Then the README's caption of docs/NAME.png must be `caption`."""
    page.mouse.move(page.viewport_size["width"] - 5, 5)  # no tooltip or hover in the picture
    expect(page.get_by_test_id("stToast")).to_have_count(0, timeout=15_000)  # notes fade out
    page.wait_for_timeout(500)
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"{name}.png"))
    pattern = re.compile(rf"!\[([^\]]*)\]\(docs/{re.escape(name)}\.png\)")
    if os.environ.get("UPDATE_DOCS") == "1":
        shutil.copy(DOCS / f"{name}.png", ROOT / "docs" / f"{name}.png")
        README.write_text(pattern.sub(f"![{caption}](docs/{name}.png)", README.read_text(), count=1))
    found = pattern.search(README.read_text())
    assert found, f"the README shows no docs/{name}.png"
    assert found.group(1) == caption, "the README's caption does not say what the screenshot shows"


def test_step_by_step_screenshot(page, app_url):
    page.goto(f"{app_url}/step_by_step")
    wait_until_idle(page)
    # forward -> loss -> backward, one phase at a time (a click during a rerun can be lost)
    for phase in ("The output is compared with the target", "The chain rule runs from the output"):
        page.get_by_role("button", name="Next ▶").click()
        expect(page.get_by_text(phase)).to_be_visible(timeout=15_000)
        wait_until_idle(page)
    expect(page.get_by_text("The chain rule runs from the output")).to_be_visible(timeout=15_000)
    wait_until_idle(page)
    expect(page.get_by_text("1 forward → 2 loss → 3 backward → 4 update")).to_be_visible()
    units = page.get_by_test_id("stPlotlyChart").first.locator("text").all_text_contents()
    sizes = [sum(1 for u in units if re.fullmatch(p, u)) for p in (r"x\d", r"h1\d", r"y\d")]
    expect(page.locator(".katex-display").first).to_be_visible()  # the chain rule, written out
    assert_no_exception(page)
    network = "-".join(map(str, sizes))
    publish(
        page,
        "step-by-step",
        f"The Step-by-step page: a {network} network in the backward phase, with the chain rule of the "
        "selected neuron",
    )


def test_playground_screenshot(page, app_url):
    """Trains past step 250, then replays step 200: every 10th step is kept, so the replayed
    state does not depend on when Pause was clicked."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{app_url}/playground?speed=20")  # 20 epochs/s: 200 steps a second
    live = page.locator("[data-bl-live]").first
    page.wait_for_function(
        "() => { const l = [...document.querySelectorAll('*')].map(e => e.shadowRoot)"
        ".filter(Boolean).map(r => r.querySelector('[data-bl-live]')).find(Boolean);"
        " return l && +l.dataset.blDraws >= 1; }",
        timeout=60_000,
    )
    page.get_by_role("button", name="Play", exact=True).click()
    expect(live).to_have_attribute(
        "data-bl-step", re.compile(r"^(2[5-9]\d|[3-9]\d\d|\d{4,})$"), timeout=120_000
    )
    page.get_by_role("button", name="Pause", exact=True).click()
    slider = page.get_by_role("slider", name="Replay a recorded step")
    slider.wait_for(timeout=30_000)
    slider.focus()
    page.keyboard.press("Home")
    expect(live).to_have_attribute("data-bl-step", "0", timeout=15_000)
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    expect(live).to_have_attribute("data-bl-step", "200", timeout=15_000)
    page.mouse.wheel(0, -2000)
    unit = live.evaluate(
        "el => { const u = el.parentNode.__blLive.units.find(p => p.k === 1 && p.u === 1);"
        " return {x: u.x + u.box / 2, y: u.y + u.box / 2}; }"
    )
    canvas = live.locator("canvas.bl-net").bounding_box()
    page.mouse.click(canvas["x"] + unit["x"], canvas["y"] + unit["y"])
    expect(live.locator(".bl-map-title")).to_have_text("Unit h12 at step 200", timeout=15_000)
    expect(live.locator(".bl-status")).to_contain_text("Replaying step 200")
    wait_until_idle_live(page)
    assert_no_exception(page)
    shown = int(live.get_attribute("data-bl-step"))
    publish(
        page,
        "playground",
        f"The Playground page replaying step {shown}: a unit's output map, the network with its weights",
    )


def wait_until_idle_live(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=30_000)


# The gradient-per-layer chart's "A: dL/dW" trace: (layers, rms per weight), from Plotly's own data.
GRADIENT_A = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
    (el) => el._fullData && el._fullData.some((t) => t.name === 'A: dL/dW'));
  const trace = plot._fullData.find((t) => t.name === 'A: dL/dW');
  return [Array.from(trace.x), Array.from(trace.y)];
}"""


def test_vanishing_screenshot(page, app_url):
    page.goto(f"{app_url}/vanishing")
    wait_until_idle(page)
    depth = page.get_by_role("slider", name="Hidden layers (depth)").first
    depth.focus()
    page.keyboard.press("End")  # 100 hidden layers for A
    expect(page.get_by_text("A = sigmoid · normal(1) · 100×64")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("B = relu · he_normal · 20×64")).to_be_visible()
    wait_until_idle(page)
    expect(page.locator(".gtitle", has_text="Gradient per layer at step 0").first).to_be_visible()
    layers, rms = page.evaluate(GRADIENT_A)
    assert layers[0] < layers[-1] and len(layers) >= 100  # input side first
    falls = round(math.log10(rms[-1] / rms[0]))
    assert falls >= 3, "the sigmoid stack's gradient vanishes toward the input"
    assert_no_exception(page)
    publish(
        page,
        "vanishing",
        f"The Vanishing page: a 100-layer sigmoid network (A) whose gradient falls by 10^{falls} toward "
        "the input, next to a 20-layer ReLU + He network (B)",
    )
