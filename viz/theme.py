"""One colour scheme for every chart: negative values orange, positive values blue.

Orange/blue (TensorFlow Playground's pair) stays distinguishable under the common forms of
colour blindness. Zero is a light neutral grey, so the sign is what the eye catches first.

This module is the one place of every colour of ``viz/`` and of the words that name them in
captions (``NEGATIVE_WORD``, ``POSITIVE_WORD``): a figure module reads its colours from here
(``tests/viz/test_theme.py`` checks that no other module of ``viz/`` writes a colour).
"""

import numpy as np

NEGATIVE = "#f59322"  # orange
POSITIVE = "#0877bd"  # blue
NEGATIVE_WORD, POSITIVE_WORD = "orange", "blue"  # how captions name them
MID = "#f7f7f7"  # zero on the diverging scale: a light grey
NEUTRAL = "#e8eaeb"
TEXT = "#3a3a3a"
MUTED = "#9aa0a6"
HIGHLIGHT = "#d62728"
TRAIN = "#0877bd"
TEST = "#f59322"
WHITE = "white"  # a marker's rim, a background (``recolour`` swaps it only where it is a background)
TRANSPARENT = "rgba(0,0,0,0)"  # an invisible marker that still takes the hover
LABEL_BOX = "rgba(255,255,255,0.85)"  # behind a label drawn over lines (a unit's name, an edge's value)
LEGEND_BOX = "rgba(255,255,255,0.7)"  # behind a legend drawn inside the plot
SHADE = "rgba(154,160,166,0.18)"  # a band of "about right" (the update ratio's rule of thumb)
FLAT_ZONE = "rgba(150,150,150,0.18)"  # where an activation is flat (f' under a tenth of its maximum)
DEAD_ZONE = "rgba(120,120,120,0.35)"  # where it is exactly flat (f' = 0: a dead unit)
MAGNITUDE = "#4292c6"  # a mid blue of the sequential "Blues" scale: magnitudes have no sign
# The colours of classes 0..5 with three or more classes (Okabe & Ito's colour-blind-safe set).
CLASS_COLOURS = ("#e69f00", "#0072b2", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
# Layers over depth: input side dark blue, a teal middle, output side orange.
LAYER_STOPS = ("#08306b", "#41b6c4", NEGATIVE)

# Plotly colour scale for signed values; use with zmid=0 / cmid=0 so zero sits in the middle.
DIVERGING = [[0.0, NEGATIVE], [0.5, MID], [1.0, POSITIVE]]
# For magnitudes (norms, log-norms): light to dark blue.
SEQUENTIAL = "Blues"
SHARE = [[0, "#ffffff"], [1, POSITIVE]]  # a share 0..1 (a confusion matrix's cells): white to blue
INK = [[0.0, "#ffffff"], [1.0, "#111111"]]  # an image's ink 0..1 (a digit): white to black

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=13, color=TEXT)


def base_layout(**overrides) -> dict:
    """Layout settings shared by every figure (white background, compact margins)."""
    layout = dict(
        font=FONT,
        paper_bgcolor=WHITE,
        plot_bgcolor=WHITE,
        margin=dict(l=10, r=10, t=40, b=10),
    )
    layout.update(overrides)
    return layout


# Paths, optimizers and compared runs: the Okabe-Ito palette (safe under every common colour
# blindness), in this order. Sky blue and yellow are left out (too light on white and on the
# grey loss surface).
PATHS = ("#000000", "#D55E00", "#009E73", "#CC79A7", "#0072B2", "#E69F00")
# A loss surface's colour: magnitudes, white (low) to mid grey (high), so paths stand out.
SURFACE = [[0.0, "#ffffff"], [1.0, "#a8a8a8"]]


def path_colour(index: int) -> str:
    """The colour of the ``index``-th path or run (cycling through ``PATHS``)."""
    return PATHS[index % len(PATHS)]


# ----------------------------------------------------------------------------- presenter mode
PRESENTER_FONT = 18  # px: the smallest chart text readable from the back of a room


def _raise_font_sizes(node, minimum: float) -> None:
    """Every ``size`` of every font dict (``font``, ``tickfont``, ``textfont``, ...) in a
    figure's JSON, raised to at least ``minimum``, in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("selected", "unselected"):  # their fonts take a colour only
                continue
            if key.endswith("font") and isinstance(value, dict):
                if isinstance(value.get("size"), (int, float)):
                    value["size"] = max(value["size"], minimum)
                elif "size" not in value:
                    value["size"] = minimum
            _raise_font_sizes(value, minimum)
    elif isinstance(node, list):
        for item in node:
            _raise_font_sizes(item, minimum)


def scale_fonts(fig, minimum: float = PRESENTER_FONT):
    """A copy of the Plotly figure ``fig`` in which no text is smaller than ``minimum`` px:
    the layout font, titles, ticks, legends, annotations, colour bars, text on traces, hover
    labels, animation frames and slider labels (presenter mode)."""
    import plotly.graph_objects as go

    spec = fig.to_plotly_json()
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {})
    layout.setdefault("hoverlabel", {}).setdefault("font", {})
    layout.setdefault("legend", {}).setdefault("font", {})
    for key in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        axis = layout.setdefault(key, {})  # Streamlit's chart theme sets smaller tick fonts
        axis.setdefault("tickfont", {})
        title = axis.setdefault("title", {})
        if isinstance(title, dict):
            title.setdefault("font", {})
    _raise_font_sizes(spec, minimum)
    for trace in spec.get("data", []):  # text drawn on traces inherits nothing smaller
        if trace.get("text") is not None or "text" in str(trace.get("mode", "")):
            trace.setdefault("textfont", {})
            _raise_font_sizes(trace, minimum)
    return go.Figure(spec)


def plotly_config(select: bool = False) -> dict:
    """The chart toolbar every page uses: Plotly's download button (PNG at 2x), no logo, and
    no lasso or box select (kept with ``select``, for a chart whose selection a page reads)."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "backprop-lab"},
        "modeBarButtonsToRemove": [] if select else ["lasso2d", "select2d", "autoScale2d"],
    }


# ----------------------------------------------------------------------------- colour themes
# Each theme maps the light theme's colours to its own. Negative stays orange and positive blue
# in every theme (the colour-blind-safe meaning); only their shade changes to keep the contrast.
THEMES = ("light", "dark", "high contrast")
_LIGHT = {
    "background": WHITE,
    "text": TEXT,
    "muted": MUTED,
    "grid": NEUTRAL,
    "mid": MID,
    "negative": NEGATIVE,
    "positive": POSITIVE,
    "label box": LABEL_BOX,
    "ink": "#000000",  # black lines (an activation's curve, the first path)
}
PALETTES = {
    "light": _LIGHT,
    "dark": {
        "background": "#0e1117",
        "text": "#e6e6e6",
        "muted": "#8b929a",
        "grid": "#2b313b",
        "mid": "#30343c",
        "negative": "#ff9f40",  # orange, lighter on a dark ground
        "positive": "#4aa3df",  # blue, lighter on a dark ground
        "label box": "rgba(14,17,23,0.85)",
        "ink": "#f0f0f0",
    },
    "high contrast": {
        "background": "white",
        "text": "#000000",
        "muted": "#3d3d3d",
        "grid": "#8c8c8c",
        "mid": "#ffffff",
        "negative": "#d55e00",  # Okabe-Ito vermillion: orange, darker
        "positive": "#0050a0",  # a darker blue
        "label box": "rgba(255,255,255,0.95)",
        "ink": "#000000",
    },
}
_BACKGROUND_KEYS = ("paper_bgcolor", "plot_bgcolor", "bgcolor")


def _swap_colours(node, mapping: dict, key: str = "") -> None:
    """Replace, in place, every colour string of a figure's JSON found in ``mapping`` (lower
    case); ``white`` only where it is a background, not where it is a marker or text."""
    if isinstance(node, dict):
        for k, value in list(node.items()):
            if isinstance(value, str):
                low = value.lower()
                if low in mapping and (low != "white" or k in _BACKGROUND_KEYS):
                    node[k] = mapping[low]
            else:
                _swap_colours(value, mapping, k)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, str) and value.lower() in mapping and value.lower() != "white":
                node[i] = mapping[value.lower()]
            else:
                _swap_colours(value, mapping, key)


def recolour(fig, name: str):
    """A copy of the Plotly figure ``fig`` in colour theme ``name`` (one of ``THEMES``): the
    light theme's background, text, grid, colour-scale middle and the orange/blue pair are
    swapped for the theme's own (``PALETTES``). ``light`` returns ``fig`` itself."""
    import plotly.graph_objects as go

    if name not in PALETTES:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}")
    if name == "light":
        return fig
    target = PALETTES[name]
    mapping = {_LIGHT[role].lower(): target[role] for role in _LIGHT}
    mapping["black"] = target["ink"]
    spec = fig.to_plotly_json()
    _swap_colours(spec, mapping)
    _set_text_colours(spec, target)
    return go.Figure(spec)


def _text_font(node: dict, key: str, colour: str) -> None:
    """``node[key]`` (a font dict) gets ``colour`` unless it already has one of its own."""
    font = node.setdefault(key, {})
    if isinstance(font, dict) and not font.get("color"):
        font["color"] = colour


def _set_text_colours(spec: dict, palette: dict) -> None:
    """Every text a figure leaves to its template (the layout font, the title, the legend, each
    axis's ticks, title, grid and zero line, colour bars) in the theme's colours, in place: the
    page's chart template (Streamlit's, light) would otherwise draw dark text on a dark ground."""
    layout = spec.setdefault("layout", {})
    text, grid = palette["text"], palette["grid"]
    _text_font(layout, "font", text)
    layout["font"]["color"] = text
    title = layout.get("title")
    if isinstance(title, dict):
        _text_font(title, "font", text)
    legend = layout.setdefault("legend", {})
    _text_font(legend, "font", text)
    if isinstance(legend.get("title"), dict):
        _text_font(legend["title"], "font", text)
    for key in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        axis = layout.setdefault(key, {})
        _text_font(axis, "tickfont", text)
        axis.setdefault("gridcolor", grid)
        axis.setdefault("zerolinecolor", grid)
        axis.setdefault("linecolor", grid)
        if isinstance(axis.get("title"), dict):
            _text_font(axis["title"], "font", text)
    scenes = [layout[k] for k in layout if k.startswith("scene") and isinstance(layout[k], dict)]
    for scene in scenes:
        for name in ("xaxis", "yaxis", "zaxis"):
            axis = scene.setdefault(name, {})
            _text_font(axis, "tickfont", text)
            axis.setdefault("gridcolor", grid)
    bars = [t.get("colorbar") for t in spec.get("data", []) if isinstance(t.get("colorbar"), dict)]
    bars += [t["marker"]["colorbar"] for t in spec.get("data", []) if isinstance(t.get("marker"), dict)
             and isinstance(t["marker"].get("colorbar"), dict)]  # fmt: skip
    for bar in bars:
        _text_font(bar, "tickfont", text)
        if isinstance(bar.get("title"), dict):
            _text_font(bar["title"], "font", text)
    for note in layout.get("annotations", []) or []:
        if isinstance(note, dict):
            _text_font(note, "font", text)


# ----------------------------------------------------------------------------- live views
# The live views' canvas colours per theme (pages/live/stream_client.js LIGHT_INK is the light
# one): text, muted text, frames, grid lines, the background, the highlight, the point rim, the
# box under a value, an alert's text, the primary button (``positive``; dark keeps the light blue
# button, white on it reads better than on the lighter blue).
LIVE_INK = {
    "light": {},
    "dark": {
        "text": "#e6e6e6",
        "muted": "#a3a9b1",
        "frame": "#4a505c",
        "grid": "#2b313b",
        "background": "#0e1117",
        "highlight": "#ff6b6b",
        "rim": "#0e1117",
        "labelBox": "rgba(14,17,23,0.85)",
        "alert": "#ff8a80",
        "ink": PALETTES["dark"]["ink"],
    },
    "high contrast": {
        "text": "#000000",
        "muted": "#3d3d3d",
        "frame": "#000000",
        "grid": "#8c8c8c",
        "background": "#ffffff",
        "highlight": "#d62728",
        "rim": "#ffffff",
        "labelBox": "rgba(255,255,255,0.95)",
        "positive": PALETTES["high contrast"]["positive"],
    },
}


def hex_rgb(colour: str) -> np.ndarray:
    """``#rrggbb`` as its three bytes, float64 ``(3,)``."""
    return np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)], dtype=np.float64)


def hex_colour(rgb) -> str:
    """Three byte values (rounded to the nearest integer, halves to even) as ``#rrggbb``."""
    return "#" + "".join(f"{int(v):02x}" for v in np.rint(np.asarray(rgb, dtype=np.float64)))


def ramp(name: str, levels: int = 256) -> list[str]:
    """The theme's diverging ramp as ``levels`` ``#rrggbb`` colours: negative (orange) through the
    theme's middle to positive (blue), linear in RGB (``plotly.colors.sample_colorscale`` of
    the theme's ``DIVERGING`` scale at ``levels`` even points); byte value ``b`` of a live map
    is colour ``ramp[b]`` (light: ``DIVERGING`` itself)."""
    if name not in PALETTES:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}")
    import plotly.colors

    colours = PALETTES[name]
    scale = [[0.0, colours["negative"]], [0.5, colours["mid"]], [1.0, colours["positive"]]]
    sampled = plotly.colors.sample_colorscale(scale, levels, colortype="tuple")  # each (r, g, b) in 0..1
    return [hex_colour(255 * np.array(c)) for c in sampled]


def live_display(name: str, present: bool) -> dict:
    """The display options every live view gets (``pages/live/component.py``): ``present``
    (canvas text at least ``font`` px), ``theme``, the theme's canvas ``ink`` and diverging
    ``palette`` (replacing the light ramp whose two ends are ``light_ramp_ends``), and the
    ``words`` captions name the negative and positive colours by."""
    if name not in PALETTES:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}")
    return {
        "present": bool(present),
        "font": PRESENTER_FONT,
        "theme": name,
        "ink": dict(LIVE_INK[name]),
        "palette": ramp(name) if name != "light" else None,
        "light_ramp_ends": [NEGATIVE.lower(), POSITIVE.lower()],
        "words": {"negative": NEGATIVE_WORD, "positive": POSITIVE_WORD},
    }
