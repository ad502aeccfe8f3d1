"""The LaTeX of the Step-by-step page carries the right numbers (Mazur's worked example)."""

import numpy as np

from engine import Network
from viz.equations import (
    all_selectable,
    describe,
    neuron_equations,
    number,
    stalled_layers,
    weight_equations,
)


def mazur_step():
    net = Network.from_parameters(
        [np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40, 0.50], [0.45, 0.55]])],
        [np.array([0.35, 0.35]), np.array([0.60, 0.60])],
        activation="sigmoid",
        output_activation="sigmoid",
        loss="sse",
    )
    return net.train_step(np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]]), lr=0.5)


def test_number_formatting():
    assert number(0.123456) == "0.1235"
    assert number(-2.0) == "(-2)"
    assert number(1.5e-7) == r"1.5\times 10^{-7}"


def test_forward_equation_of_a_hidden_neuron():
    lines = neuron_equations(mazur_step(), 1, 0, "forward", "sigmoid", "sse", 0.5)
    assert r"&= 0.15\cdot0.05 + 0.2\cdot0.1 + 0.35 \\ &= 0.3775" in lines[0]
    assert "= 0.5933" in lines[1]


def test_backward_chain_rule_of_w5():
    (line,) = weight_equations(mazur_step(), 1, 0, 0, "backward", "sigmoid", 0.5)
    assert r"&= 0.7414\cdot0.1868\cdot0.5933 \\ &= 0.08217" in line


def test_update_of_w1():
    (line,) = weight_equations(mazur_step(), 0, 0, 0, "update", "sigmoid", 0.5)
    # enough digits to see the change: 0.15 - 0.5 * 0.000438568 = 0.149781 (Mazur's w1' 0.149780716)
    assert r"&= 0.15 - 0.5\cdot0.000438568 \\ &= 0.149781 \end{aligned}" in line


def test_selectable_items():
    items = all_selectable([2, 2, 2])
    assert len(items) == 6 + 8
    assert describe(("weight", 0, 1, 0), [2, 2, 2]) == "weight x2 → h11"


def test_softmax_output_is_not_written_as_a_function_of_one_z():
    net = Network([2, 2, 2], activation="tanh", loss="cross_entropy", seed=0)
    step = net.train_step(np.array([[0.5, -0.5]]), np.array([[1.0, 0.0]]), lr=0.1)
    lines = neuron_equations(step, 2, 0, "forward", "softmax", "cross_entropy", 0.1)
    assert r"\sum_k e^{z_k}" in lines[1] and "mathrm{softmax}" not in lines[1]


def test_a_function_argument_is_not_bracketed_twice():
    assert number(-2.5) == "(-2.5)" and number(-2.5, bracket=False) == "-2.5"
    net = Network.from_parameters([np.array([[-3.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)],
                                  activation="tanh", loss="mse")  # fmt: skip
    step = net.train_step(np.array([[1.0]]), np.array([[0.0]]), lr=0.1)
    lines = neuron_equations(step, 1, 0, "forward", "tanh", "mse", 0.1)
    assert r"\mathrm{tanh}(-3)" in lines[1]


def test_stalled_layers_are_the_hidden_ones_with_no_gradient():
    assert stalled_layers(mazur_step()) == []  # hidden dL/dw ~ 4e-4 next to 0.08 at the output
    saturated = Network.from_parameters(
        [np.array([[100.0, 0.1]]), np.array([[1.0], [1.0]]), np.array([[1.0]])],
        [np.zeros(2), np.zeros(1), np.zeros(1)],
        activation=["sigmoid", "relu"],
        loss="mse",
    )
    step = saturated.train_step(np.array([[1.0]]), np.array([[0.0]]), lr=0.1)
    assert stalled_layers(step) == []  # layer 1's second unit still learns
    dead = Network.from_parameters(
        [np.array([[1.0]]), np.array([[-1.0]]), np.array([[1.0]])],
        [np.zeros(1), np.zeros(1), np.zeros(1)],
        activation=["sigmoid", "relu"],
        loss="mse",
    )
    step = dead.train_step(np.array([[1.0]]), np.array([[3.0]]), lr=0.1)
    assert stalled_layers(step) == [1, 2, 3]  # the relu is dead: its output is 0, and so is every dL/dW
    perfect = Network.from_parameters([np.array([[0.0]])], [np.zeros(1)], activation=[], loss="mse")
    assert stalled_layers(perfect.train_step(np.array([[1.0]]), np.array([[0.0]]), lr=0.1)) == []  # loss 0
