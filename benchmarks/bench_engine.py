"""Speed of the engine's train_step against PyTorch eager on the CPU, side by side.

Same network, same batch, float64, one BLAS thread. Prints microseconds per step (median
of repeated timings) and the ratio. PyTorch is a benchmark-only requirement
(``pip install -r benchmarks/requirements.txt``); without it only the engine is timed.

    python benchmarks/bench_engine.py
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _threads  # noqa: E402,F401  (pins BLAS threads before NumPy loads)
import numpy as np  # noqa: E402

from engine import Network  # noqa: E402
from engine.data import grid  # noqa: E402

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

CASES = [
    # name, sizes, hidden activation, output activation, loss, batch
    ("2-8-8-1 tanh/sigmoid/bce, batch 10", [2, 8, 8, 1], "tanh", "sigmoid", "bce", 10),
    ("64-128-10 relu/softmax/ce, batch 128", [64, 128, 10], "relu", "softmax", "cross_entropy", 128),
    # the Image recognition page's default network and batch (8x8 digits)
    ("64-32-10 tanh/softmax/ce, batch 32", [64, 32, 10], "tanh", "softmax", "cross_entropy", 32),
    ("64-32-10 relu/softmax/ce, batch 32", [64, 32, 10], "relu", "softmax", "cross_entropy", 32),
    ("50 hidden x 64 relu/mse, batch 64", [64] + [64] * 50 + [1], "relu", "linear", "mse", 64),
]


def median_time(fn, number: int, repeat: int = 7) -> float:
    return float(np.median(timeit.repeat(fn, number=number, repeat=repeat)) / number)


def data_for(sizes, loss, batch, rng):
    X = rng.normal(size=(batch, sizes[0]))
    if loss == "cross_entropy":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
    elif loss == "bce":
        Y = rng.integers(0, 2, (batch, sizes[-1])).astype(float)
    else:
        Y = rng.normal(size=(batch, sizes[-1]))
    return X, Y


def torch_step_fn(net: Network, hidden: str, output: str, loss: str, X, Y):
    acts = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}
    layers = []
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        linear = torch.nn.Linear(*W.shape).double()
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if l < net.n_layers - 1:
            layers.append(acts[hidden]())
        elif output == "sigmoid":
            layers.append(torch.nn.Sigmoid())
    model = torch.nn.Sequential(*layers)
    criterion = {
        "bce": torch.nn.BCELoss(),
        "cross_entropy": torch.nn.CrossEntropyLoss(),  # softmax fused, as in the engine
        "mse": torch.nn.MSELoss(),
    }[loss]
    tX = torch.from_numpy(X)
    tY = torch.from_numpy(Y.argmax(axis=1)) if loss == "cross_entropy" else torch.from_numpy(Y)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        criterion(model(tX), tY).backward()
        opt.step()

    return step


def main() -> None:
    if torch is not None:
        torch.set_num_threads(1)
    from threadpoolctl import threadpool_info

    blas = [f"{i['internal_api']} {i.get('version')} threads={i['num_threads']}" for i in threadpool_info()]
    print(f"NumPy {np.__version__}; BLAS: {', '.join(blas)}")
    print(f"PyTorch {torch.__version__ if torch else 'not installed'}, threads=1\n")
    rng = np.random.default_rng(0)
    print(f"{'case':42} {'engine us':>10} {'torch us':>10} {'torch/engine':>13}")
    for name, sizes, hidden, output, loss, batch in CASES:
        net = Network(sizes, activation=hidden, output_activation=output, loss=loss, init="he_normal", seed=0)
        X, Y = data_for(sizes, loss, batch, rng)
        number = 2000 if sizes[0] == 2 else 200 if len(sizes) < 10 else 30
        engine_t = median_time(lambda net=net, X=X, Y=Y: net.train_step(X, Y, lr=1e-3), number)
        if torch is not None:
            torch_t = median_time(torch_step_fn(net, hidden, output, loss, X, Y), number)
            print(f"{name:42} {engine_t * 1e6:10.1f} {torch_t * 1e6:10.1f} {torch_t / engine_t:12.2f}x")
        else:
            print(f"{name:42} {engine_t * 1e6:10.1f}")

    net = Network([2, 8, 8, 1], activation="tanh", loss="bce", seed=0)
    _, _, points = grid((-6.0, 6.0), 100)
    forward_t = median_time(lambda: net.forward(points), 200)
    print(f"\nforward pass over a 100x100 grid, 2-8-8-1: {forward_t * 1e6:.0f} us")


if __name__ == "__main__":
    main()
