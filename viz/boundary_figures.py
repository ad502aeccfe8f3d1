"""The Playground's maps of the input square: the decision boundary (the output, or one unit's
map, with the data points) and, with 3+ classes, the most likely class. Pure functions, no
Streamlit; every array sent to the browser is float32 (``viz.axes.float32``).

Below the square plot: the x axis, a horizontal colour bar, then the legend at the bottom of the
figure. Nothing to the side, so a narrow column (a 1024-pixel screen) still gets a large square.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from engine.boundary import Boundary
from viz import theme
from viz.axes import compact_layout, float32, scaled_float32, times_power, title_margin, wrapped_title
from viz.raster import map_scale

BOUNDARY_BOTTOM = 120  # pixels
BOUNDARY_COLORBAR = dict(orientation="h", thickness=10, len=0.75, x=0, xanchor="left", yref="container")
COLORBAR_LIFT = 28  # pixels from the bottom of the figure to the colour bar (the legend is below)
BOUNDARY_LEGEND = dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0)


def boundary_figure(
    boundary: Boundary,
    raw_train: np.ndarray,
    y_train: np.ndarray,
    raw_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    *,
    classification: bool = True,
    discretize: bool = False,
    unit: tuple[int, int] | None = None,
    unit_name: str = "output",
    title: str | None = None,
    height: int = 440,
    probability_output: bool = True,
) -> go.Figure:
    """The input square coloured by the network's output (or by one unit's map), with points.

    The heatmap is ``boundary.maps[k][u]`` for ``unit = (k, u)``, else the output; its colours
    are those of ``map_scale`` (a classifier's output: negative 0, the middle 0.5, positive 1).
    ``discretize`` shows the output's decision only: ``output > 0.5`` (0 or 1) for a
    classifier, ``sign(output)`` for regression. Points ``raw_* (n, 2)`` are coloured by their
    target ``y_* (n,)`` on the same scale; training points have a white rim, test points
    (drawn when given) a dark one. The axes are ``x1`` and ``x2`` of the data square.
    ``probability_output=False``: a classifier with a tanh output and -1/+1 labels (TF
    Playground compatible), coloured and discretized about 0 as a regression output.
    """
    is_output = unit is None or unit[0] == len(boundary.maps) - 1
    values = boundary.output if unit is None else boundary.maps[unit[0]][unit[1]]
    probability = classification and probability_output
    centre, scale = map_scale(values, output_of_classifier=probability and is_output)
    if discretize and is_output:
        values = (values > 0.5).astype(np.float64) if probability else np.sign(values)
    data = [_map_heatmap(boundary, values, centre, scale, unit_name, height)]
    point_centre, point_scale = (0.5, 0.5) if probability else (0.0, 1.0)
    for name, points, targets, rim, rim_width in _point_sets(raw_train, y_train, raw_test, y_test):
        marker = dict(
            size=6,
            color=float32(np.ravel(targets)),
            colorscale=theme.DIVERGING,
            cmin=point_centre - point_scale,
            cmax=point_centre + point_scale,
            line=dict(color=rim, width=rim_width),
        )
        hover = f"{name} (%{{x:.2f}}, %{{y:.2f}})<br>target %{{marker.color:.3g}}<extra></extra>"
        data.append(_points(name, points, marker, hover))
    return go.Figure(data=data, layout=_square_layout(boundary, title, height))


def _map_heatmap(
    boundary: Boundary, values, centre: float, scale: float, unit_name: str, height: int
) -> dict:
    """The map as a heatmap on ``theme.DIVERGING`` over ``centre +- scale``, sent as float32
    (divided by a power of ten past its range, said in the colour bar's title)."""
    z, k = scaled_float32(values)
    centre, scale = centre / 10.0**k, scale / 10.0**k
    label = unit_name + times_power(k)
    return dict(
        type="heatmap",
        x=float32(boundary.xs),
        y=float32(boundary.ys),
        z=z,
        zmin=centre - scale,
        zmax=centre + scale,
        colorscale=theme.DIVERGING,
        showscale=True,
        colorbar=BOUNDARY_COLORBAR
        | dict(y=COLORBAR_LIFT / height, yanchor="bottom", title=dict(text=label, side="right")),
        zsmooth=False,
        hovertemplate=f"x1 %{{x:.2f}}, x2 %{{y:.2f}}<br>{label} %{{z:.4g}}<extra></extra>",
        name=unit_name,
    )


def _point_sets(raw_train, y_train, raw_test, y_test) -> list[tuple]:
    """``(name, points (n, 2), targets, rim colour, rim width)``: training points with a white
    rim, then test points (when given) with a dark one."""
    sets = [("train", raw_train, y_train, theme.WHITE, 1.0)]
    if raw_test is not None and y_test is not None:
        sets.append(("test", raw_test, y_test, theme.TEXT, 1.5))
    return sets


def _points(name: str, points: np.ndarray, marker: dict, hover: str) -> dict:
    """One set of data points ``(n, 2)`` as a scatter of markers, in the legend as ``<name> points``."""
    return dict(
        type="scatter",
        x=float32(points[:, 0]),
        y=float32(points[:, 1]),
        mode="markers",
        marker=marker,
        name=f"{name} points",
        hovertemplate=hover,
        showlegend=True,
    )


def _square_layout(boundary: Boundary, title: str | None, height: int) -> dict:
    """The square plot over the data's domain (``x1``, ``x2``), the legend at the bottom."""
    lo, hi = float(boundary.xs[0]), float(boundary.xs[-1])
    axis = dict(range=[lo, hi], constrain="domain", showgrid=False, zeroline=False)
    return compact_layout(
        title=wrapped_title(title),
        height=height,
        margin=dict(l=10, r=10, t=title_margin(title), b=BOUNDARY_BOTTOM),
        xaxis=dict(title="x1", **axis),
        yaxis=dict(title="x2", scaleanchor="x", **axis),
        legend=BOUNDARY_LEGEND,
        uirevision="boundary",
    )


def class_boundary_figure(
    boundary: Boundary,
    raw_train: np.ndarray,
    classes_train: np.ndarray,
    raw_test: np.ndarray | None = None,
    classes_test: np.ndarray | None = None,
    *,
    title: str | None = None,
    height: int = 440,
) -> go.Figure:
    """3+ classes: the input square coloured by the most likely class (``argmax`` of the output
    maps, ``theme.CLASS_COLOURS``), with the points in their class's colour (training points with
    a white rim, test points when given a dark one); hover gives the class and its probability."""
    outputs = boundary.maps[-1]
    k = outputs.shape[0]
    winner = np.argmax(outputs, axis=0)
    colours = theme.CLASS_COLOURS[:k]
    scale = [[c / k + e, colours[c]] for c in range(k) for e in (0.0, 1.0 / k)]
    data: list[dict] = [
        dict(
            type="heatmap", x=float32(boundary.xs), y=float32(boundary.ys), z=winner.astype(np.float32),
            zmin=-0.5, zmax=k - 0.5, colorscale=scale, opacity=0.45, showscale=False, zsmooth=False,
            customdata=float32(outputs.max(axis=0)),
            hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}<br>class %{z}, p %{customdata:.3f}<extra></extra>",
            name="class",
        )
    ]  # fmt: skip
    sets = _point_sets(raw_train, classes_train, raw_test, classes_test)
    for name, points, classes, rim, rim_width in sets:
        marker = dict(size=6, color=[colours[int(c)] for c in classes], line=dict(color=rim, width=rim_width))
        data.append(_points(name, points, marker, f"{name} (%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    return go.Figure(data=data, layout=_square_layout(boundary, title, height))
