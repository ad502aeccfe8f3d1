"""Check the engine against PyTorch (float64): gradients for every activation and loss, and
20-step optimizer trajectories with PyTorch's own optimizers. Prints the largest relative
differences. PyTorch is a benchmark-only requirement (benchmarks/requirements.txt).

    python benchmarks/compare_pytorch.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _threads  # noqa: E402,F401
import numpy as np  # noqa: E402
import torch  # noqa: E402

from engine import HIDDEN_ACTIVATIONS, LOSSES, Network, make_optimizer  # noqa: E402

torch.set_num_threads(1)
ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "elu": torch.nn.functional.elu,
    "softplus": torch.nn.functional.softplus,
    "gelu": lambda z: torch.nn.functional.gelu(z, approximate="tanh"),
    "linear": lambda z: z,
}


# PyTorch's version of each loss, from the output pre-activation (logits) and the targets.
LOSS_REFERENCES = {
    "mse": lambda z_out, Y: torch.nn.functional.mse_loss(z_out, Y),
    "sse": lambda z_out, Y: 0.5 * ((Y - z_out) ** 2).sum() / Y.shape[0],
    "bce": lambda z_out, Y: torch.nn.functional.binary_cross_entropy_with_logits(z_out, Y),
    "cross_entropy": lambda z_out, Y: torch.nn.functional.cross_entropy(z_out, Y.argmax(dim=1)),
}


def torch_loss(loss: str, z_out, Y):
    return LOSS_REFERENCES[loss](z_out, Y)


def torch_forward(params, activation, X):
    a = X
    for l in range(0, len(params), 2):
        z = a @ params[l] + params[l + 1]
        a = ACTIVATIONS[activation](z) if l + 2 < len(params) else z
    return a  # output pre-activation (logits); the loss applies the output activation


def relative(a, b) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def compare_gradients() -> None:
    rng = np.random.default_rng(0)
    worst = 0.0
    activations = [name for name in HIDDEN_ACTIVATIONS if name in ACTIVATIONS]
    losses = [name for name in LOSSES if name in LOSS_REFERENCES]
    for name in sorted({*HIDDEN_ACTIVATIONS, *LOSSES} - {*activations, *losses}):
        print(f"no PyTorch reference here for {name}: not compared")
    for activation in activations:
        for loss in losses:
            net = Network([3, 5, 4, 2], activation=activation, loss=loss, seed=1, bias_init=0.1)
            X = rng.normal(size=(6, 3))
            Y = (
                np.eye(2)[rng.integers(0, 2, 6)]
                if loss in ("bce", "cross_entropy")
                else rng.normal(size=(6, 2))
            )
            grads = net.backward(net.forward(X, training=True), Y)
            params = [torch.tensor(p, requires_grad=True) for p in net.parameters()]
            torch_loss(loss, torch_forward(params, activation, torch.tensor(X)), torch.tensor(Y)).backward()
            ours = [g for pair in zip(grads.grad_W, grads.grad_b) for g in pair]
            worst = max(worst, *(relative(o, p.grad.numpy()) for o, p in zip(ours, params)))
    print(
        f"gradients, {len(activations)} activations x {len(losses)} losses: "
        f"largest relative difference to PyTorch {worst:.1e}"
    )


def compare_optimizers() -> None:
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    torch_optimizers = {
        "sgd": lambda p, lr: torch.optim.SGD(p, lr=lr),
        "momentum": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
        "nesterov": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
        "rmsprop": lambda p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.99, eps=1e-8),
        "adam": lambda p, lr: torch.optim.Adam(p, lr=lr, betas=(0.9, 0.999), eps=1e-8),
    }
    for name, make_torch in torch_optimizers.items():
        for weight_decay in (0.0, 0.01):
            net = Network([3, 8, 1], activation="tanh", loss="mse", seed=2)
            params = [torch.tensor(p, requires_grad=True) for p in net.parameters()]
            opt_torch = make_torch(params, 0.01)
            opt = make_optimizer(name, lr=0.01, l2=weight_decay)
            for _ in range(20):
                net.train_step(X, Y, optimizer=opt)
                opt_torch.zero_grad()
                out = torch_forward(params, "tanh", torch.tensor(X))
                loss = torch.nn.functional.mse_loss(out, torch.tensor(Y))
                # the engine's L2 penalty is on weights only (PyTorch's weight_decay hits all)
                loss = loss + sum(0.5 * weight_decay * (p**2).sum() for p in params[0::2])
                loss.backward()
                opt_torch.step()
            diff = max(relative(o, p.detach().numpy()) for o, p in zip(net.parameters(), params))
            print(f"{name:9} l2={weight_decay:<5} 20 steps: largest relative parameter difference {diff:.1e}")


if __name__ == "__main__":
    print(f"PyTorch {torch.__version__}, NumPy {np.__version__}, float64")
    compare_gradients()
    compare_optimizers()
