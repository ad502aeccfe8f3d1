"""The Image recognition page's figures: the numbers they draw are the engine's."""

import numpy as np

from engine import Network
from engine.saliency import explain, one_hot
from viz import digits as figs


def test_figures_carry_the_explanation():
    rng = np.random.default_rng(0)
    net = Network([64, 12, 10], activation="tanh", loss="cross_entropy", seed=0)
    x = rng.uniform(0, 1, 64)
    result = explain(net, x, one_hot(4, 10))
    prob = figs.probabilities_figure(result.probabilities, 4)
    np.testing.assert_allclose(np.asarray(prob.data[0].y), result.probabilities)
    assert prob.data[0].marker.color[4] != prob.data[0].marker.color[0]
    assert f"says {result.predicted}" in prob.layout.title.text
    dx = figs.input_gradient_figure(result.input_grad)
    np.testing.assert_allclose(np.asarray(dx.data[0].z).reshape(-1), result.input_grad)
    assert dx.data[0].zmin == -dx.data[0].zmax == -np.abs(result.input_grad).max()
    units = figs.top_units(result.delta0, 4)
    assert list(units) == list(np.argsort(-np.abs(result.delta0))[:4])
    grads = figs.weight_gradient_figure(x, result.delta0, units)
    for trace, j in zip(grads.data, units):  # each unit's picture is the image times its delta
        np.testing.assert_allclose(np.asarray(trace.z).reshape(-1), result.grad_W0[:, j])
    image = figs.image_figure(x, "t")
    assert image.layout.yaxis.autorange == "reversed"  # row 0 at the top


def test_mistakes_gallery():
    fig = figs.mistakes_figure(np.zeros((3, 64)), [1, 2, 3], [[(7, 0.6), (1, 0.3)]] * 3)
    assert len(fig.data) == 3 and fig.layout.annotations[0].text == "1 → 7 60%, 1 30%"
    empty = figs.mistakes_figure(np.zeros((0, 64)), [], [])
    assert "No mistakes" in empty.layout.annotations[0].text
