"""One colour scheme for every chart: negative values orange, positive values blue.

Orange/blue (TensorFlow Playground's pair) stays distinguishable under the common forms of
colour blindness. Zero is a light neutral grey, so the sign is what the eye catches first.
"""

NEGATIVE = "#f59322"  # orange
POSITIVE = "#0877bd"  # blue
NEUTRAL = "#e8eaeb"
TEXT = "#3a3a3a"
MUTED = "#9aa0a6"
HIGHLIGHT = "#d62728"
TRAIN = "#0877bd"
TEST = "#f59322"

# Plotly colour scale for signed values; use with zmid=0 / cmid=0 so zero sits in the middle.
DIVERGING = [[0.0, NEGATIVE], [0.5, "#f7f7f7"], [1.0, POSITIVE]]
# For magnitudes (norms, log-norms): light to dark blue.
SEQUENTIAL = "Blues"

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=13, color=TEXT)


def sign_colour(value: float) -> str:
    """The colour of a signed value: orange below zero, blue at or above."""
    return NEGATIVE if value < 0 else POSITIVE


def base_layout(**overrides) -> dict:
    """Layout settings shared by every figure (white background, compact margins)."""
    layout = dict(
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
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
