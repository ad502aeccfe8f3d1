"""Client-side animation of precomputed frames: Play / Pause buttons and a step slider inside
the Plotly figure (``layout.updatemenus`` + ``layout.sliders``), so scrubbing or playing costs
the server nothing: every frame is in the figure already."""

from __future__ import annotations

import plotly.graph_objects as go

from viz import theme

FRAME_MS = 120  # per frame while playing
MAX_FRAMES = 80  # frames sent at most (longer runs are shown every k-th step)


def frame_steps(n_steps: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """The steps ``0 .. n_steps`` that get a frame: all of them, or evenly spaced ones with the
    first and the last always included."""
    if n_steps + 1 <= max_frames:
        return list(range(n_steps + 1))
    stride = -(-n_steps // (max_frames - 1))
    return sorted({*range(0, n_steps, stride), n_steps})


def add_player(
    fig: go.Figure,
    frames: list[list[dict]],
    traces: list[int],
    steps: list[int],
    prefix: str = "step ",
    y: float = -0.15,
) -> go.Figure:
    """Attach ``frames[k]`` (new data for the trace indices ``traces``: one dict of Scatter
    properties per trace, such as ``dict(x=..., y=...)``) as the frame of step ``steps[k]``;
    Play runs them all from step 0, Pause stops, the slider shows any one.
    The slider starts at the last frame (the figure's own data should show that step).
    ``y`` (paper units, negative: under the plot) is where the buttons' and slider's tops sit;
    the figure's bottom margin must leave them room (about 60 px)."""
    names = [str(s) for s in steps]
    # Given as dicts, each frame is validated once, as it is assigned (a go.Frame of go.Scatter
    # objects would be validated twice: a third of the time of an 80-frame figure).
    fig.frames = [
        dict(data=[dict(type="scatter", **trace) for trace in data], traces=traces, name=name)
        for data, name in zip(frames, names)
    ]
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    play = {
        "frame": {"duration": FRAME_MS, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    fig.update_layout(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0.0,
                y=y,
                xanchor="left",
                yanchor="top",
                pad=dict(t=0, r=6),
                showactive=False,
                buttons=[
                    dict(label="▶ Play", method="animate", args=[names, play]),
                    dict(label="❚❚ Pause", method="animate", args=[[None], still]),
                ],
            )
        ],
        sliders=[
            dict(
                active=len(names) - 1,
                x=0.3,
                len=0.7,
                y=y,
                yanchor="top",
                pad=dict(t=0, b=0),
                currentvalue=dict(prefix=prefix, xanchor="right", font=dict(size=12, color=theme.TEXT)),
                font=dict(size=10),
                steps=[dict(label=name, method="animate", args=[[name], still]) for name in names],
            )
        ],
    )
    return fig
