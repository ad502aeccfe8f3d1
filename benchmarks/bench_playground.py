"""Server-side cost and size of one Playground redraw (plain figures, no assertions).

Run from the repository root: ``python benchmarks/bench_playground.py [--profile]``.

One redraw is what the page's fragment does per tick while playing: ``advance`` the trainer by
10 steps (``Trainer.run`` + an evaluation), one batched forward pass over the 50 x 50 grid
(``engine.boundary``), the decision-boundary figure and the diagram with its neuron maps
(new at every tick), the loss/accuracy curves and the gradient-norm chart (new at every fifth
tick: the page redraws them at most once a second at 5 ticks a second), and every chart turned
into the JSON that ``st.plotly_chart`` sends (``Figure.to_dict`` then ``plotly.io.to_json``).
The page stacks three slots per chart (``live_chart``: the last figures stay under the new one
while the browser draws it, so a chart is never blank), so each tick serializes twelve figures,
those of the slots that did not change included. (While playing every tick trains, so the page
does not compare a new figure with the last one; it does when paused.)

Bytes per redraw: the JSON of every new figure, plus that of every unchanged one smaller than
Streamlit's message cache threshold (``global.minCachedMessageSize``, 10 KB: larger unchanged
messages go as a reference of a few bytes, the browser has them).

Targets (issue 5): at most 50 ms per redraw on one core for the default net (so at least 20
redraws per second), at most 100 KB sent per redraw.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core, before NumPy is imported

import cProfile  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import plotly.io as pio  # noqa: E402
from plotly.tools import return_figure_from_figure_or_data  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.boundary import boundary_grid, evaluate_boundary  # noqa: E402
from pages.playground_state import PlaygroundConfig, advance, build_trainer  # noqa: E402
from viz.playground import (  # noqa: E402
    boundary_figure,
    diagram_values,
    gradient_norm_figure,
    metric_figure,
    playground_diagram,
    unit_names,
)

STEPS_PER_REDRAW = 10
CURVES_EVERY = 5  # ticks (CURVE_SECONDS / TICK_SECONDS in pages/playground.py)
CACHE_THRESHOLD = 10_000  # bytes: Streamlit's global.minCachedMessageSize
CHARTS = ("boundary", "diagram", "metric", "gradnorm")
SLOTS = 3  # pages/playground.py's SLOTS (the page runs Streamlit when imported)


def serialize(fig) -> str:
    """What st.plotly_chart puts in its message: the figure's dict, then its JSON."""
    return pio.to_json(return_figure_from_figure_or_data(fig, True), validate=False)


class PageModel:
    """The fragment's work per tick, with the stacked slots of every chart."""

    def __init__(self, config: PlaygroundConfig) -> None:
        self.config = config
        self.trainer = build_trainer(config)
        self.grid = boundary_grid(config.features)
        self.slots = {name: [None] * SLOTS for name in CHARTS}  # figures
        self.ages = {name: list(range(SLOTS)) for name in CHARTS}
        self.ticks = 0

    def tick(self) -> tuple[dict, dict]:
        """One redraw; returns (seconds per part, bytes per chart sent)."""
        trainer, config = self.trainer, self.config
        t0 = time.perf_counter()
        advance(trainer, STEPS_PER_REDRAW)
        t1 = time.perf_counter()
        net = trainer.network
        boundary = evaluate_boundary(net, self.grid)
        t2 = time.perf_counter()
        data = trainer.dataset
        new = {
            "boundary": boundary_figure(
                boundary,
                data.raw_train,
                data.Y_train[:, 0],
                classification=config.problem == "classification",
            )
        }
        names = unit_names(self.grid.features, net.sizes)
        edges, nodes = diagram_values(trainer.last_step, net.weights, "gradients", "activation")
        new["diagram"] = playground_diagram(
            net.sizes,
            names,
            edges,
            nodes,
            edge_label="dL/dw",
            maps=boundary.maps,
            selected=(len(net.sizes) - 1, 0),
        )
        if self.ticks % CURVES_EVERY == 0:
            history = trainer.history
            new["metric"] = metric_figure(history.metrics())
            new["gradnorm"] = gradient_norm_figure(history.steps, history.column("grad_W_norm"))
        t3 = time.perf_counter()
        for name, fig in new.items():  # live_chart: a new figure replaces the oldest one
            ages = self.ages[name]
            oldest = ages.index(SLOTS - 1)
            self.ages[name] = [0 if i == oldest else age + 1 for i, age in enumerate(ages)]
            self.slots[name][oldest] = fig
        sent = {}
        for name in CHARTS:
            for slot, fig in enumerate(self.slots[name]):
                if fig is None:
                    continue
                size = len(serialize(fig).encode())
                changed = name in new and self.ages[name][slot] == 0
                if changed or size < CACHE_THRESHOLD:
                    key = f"{name}{'' if changed else ' (unchanged)'}"
                    sent[key] = sent.get(key, 0) + size
        t4 = time.perf_counter()
        self.ticks += 1
        times = dict(train=t1 - t0, boundary=t2 - t1, figures=t3 - t2, serialize=t4 - t3, total=t4 - t0)
        return times, sent


def bench(config: PlaygroundConfig, label: str, n_ticks: int = 60, warmup_steps: int = 500) -> None:
    page = PageModel(config)
    advance(page.trainer, warmup_steps)  # a history of realistic length for the curves
    for _ in range(CURVES_EVERY):
        page.tick()
    rows = [page.tick() for _ in range(n_ticks)]
    curve_ticks = [r[0]["total"] * 1e3 for i, r in enumerate(rows) if i % CURVES_EVERY == 0]
    median = {p: statistics.median(r[0][p] for r in rows) * 1e3 for p in rows[0][0]}
    plain = [r[1] for i, r in enumerate(rows) if (i % CURVES_EVERY) != 0]
    refresh = [r[1] for i, r in enumerate(rows) if (i % CURVES_EVERY) == 0]
    print(f"{label}: sizes {config.sizes}, {config.n_points} points, {STEPS_PER_REDRAW} steps per redraw")
    print(
        "  ms per redraw (median of {}): {total:.1f} = train {train:.1f} + boundary pass {boundary:.2f} "
        "+ build figures {figures:.1f} + serialize {slots}x4 charts {serialize:.1f};".format(
            n_ticks, slots=SLOTS, **median
        )
        + f" {statistics.median(curve_ticks):.1f} (median) on the ticks that also redraw the curves"
    )
    print(f"  => {1e3 / median['total']:.0f} redraws per second on one core (target >= 20)")
    for what, ticks in (("a tick", plain[-1]), ("a tick that redraws the curves", refresh[-1])):
        parts = ", ".join(f"{k} {v / 1024:.1f}" for k, v in ticks.items())
        print(f"  KB sent by {what}: {sum(ticks.values()) / 1024:.1f} (target <= 100) = {parts}")


def main() -> None:
    if "--profile" in sys.argv:
        page = PageModel(PlaygroundConfig())
        advance(page.trainer, 500)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(40):
            page.tick()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    bench(PlaygroundConfig(), "default net (circle, 2-4-2-1 tanh)")
    bench(
        PlaygroundConfig(
            hidden=(8, 8, 8, 8, 8, 8), features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")
        ),
        "bigger net (all 7 features, six layers of 8)",
        n_ticks=20,
    )
    bench(
        PlaygroundConfig(dataset="spiral", n_points=1000, hidden=(16, 16, 16), batch_size=30),
        "spiral, 1000 points, three layers of 16",
        n_ticks=20,
    )


if __name__ == "__main__":
    main()
