"""Figures of the Activations & losses page (viz/activation_curves.py)."""

import numpy as np

from engine import activation_stats as A
from engine import loss_compare as C
from viz import activation_curves as V
from viz import theme


def test_the_grid_draws_f_and_f_prime_with_flat_zones():
    fig = V.activation_grid(A.activation_table())
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) == 2 * len(A.activation_table())  # f and f' for every activation
    assert {t.line.color for t in lines} == {V.F_COLOUR, V.D_COLOUR}
    dead = [s for s in fig.layout.shapes if s.fillcolor == V.DEAD]
    assert len(dead) == 1 and (dead[0].x0, dead[0].x1) == (-6.0, 0.0)  # relu's dead half
    sigmoid_peak = fig.data[2]
    assert sigmoid_peak.x == (0.0,) and sigmoid_peak.y == (0.25,)


def test_dead_units_frames_follow_the_run():
    run = A.dead_units_run(lr=3.0, n_steps=20)
    fig = V.dead_units_figure(run)
    assert len(fig.frames) == 21
    last = fig.frames[-1]
    dead = last.data[1]
    assert len(dead.x) == run.dead_count[-1]
    assert np.array_equal(fig.data[2].y, run.dead_count)
    assert fig.data[1].marker.color == theme.HIGHLIGHT


def test_loss_gradients_show_both_losses_for_both_outputs():
    z = np.linspace(-10, 10, 21)
    fig = V.loss_gradients(z, C.output_gradients("sigmoid", z, 1.0), C.output_gradients("softmax", z), 1.0)
    names = [t.name for t in fig.data if t.showlegend]
    assert names == ["sigmoid + mse", "sigmoid + bce", "softmax + mse", "softmax + cross_entropy"]
    bce_grad = fig.data[3].y  # sigmoid + bce, right panel
    assert bce_grad[0] < -0.99 and abs(fig.data[1].y[0]) < 1e-3


def test_side_by_side_shares_one_clock():
    runs = C.train_side_by_side(n_steps=10, init_scale=5.0)
    fig = V.side_by_side(runs)
    assert len(fig.frames) == 11 and list(fig.frames[3].traces) == [0, 1, 2, 3]
    assert all(len(d.x) == 4 for d in fig.frames[3].data)  # steps 0..3 of every curve
