"""MSE against cross-entropy at the output: the gradient they send back, and training with each.

``output_gradients(output, z, target)`` evaluates, for one sample at each logit in ``z``,
the loss and ``dL/dz`` of the output's logit with ``engine.losses``:

- ``sigmoid`` output ``y = sigmoid(z)``, target ``t`` in [0, 1]:
  MSE ``dL/dz = 2 (y - t) * y (1 - y)`` (``dL/dy`` times ``sigmoid'``: it vanishes when
  ``y`` is near 0 or 1, right or wrong); cross-entropy (``bce``) ``dL/dz = y - t``.
- ``softmax`` output over ``K = 3`` classes, logits ``(z, 0, 0)``, target the one-hot class 0:
  MSE ``dL/dz = J^T dL/dy`` with the softmax Jacobian ``J = diag(y) - y y^T``;
  cross-entropy ``dL/dz = y - t``. Only the first logit's entry is returned.

``train_side_by_side`` trains one network (same sizes, init and seed, sigmoid output) with
each loss on the same data and batches, and records each run's curves step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import checks
from engine.activations import ACTIVATIONS
from engine.data import make_dataset
from engine.losses import get_loss
from engine.network import Network
from engine.optim import make_optimizer
from engine.trainer import Trainer

OUTPUTS = {"sigmoid": ("mse", "bce"), "softmax": ("mse", "cross_entropy")}
SOFTMAX_CLASSES = 3


def _sigmoid_sample(loss_name: str, z: float, target: float) -> tuple[float, float]:
    zz = np.array([[z]])
    t = np.array([[target]])
    y = ACTIVATIONS["sigmoid"].function(zz)
    loss = get_loss(loss_name)
    if loss.fused_delta is not None:
        dz = loss.fused_delta(y, zz, t)
    else:
        dz = loss.grad_output(y, zz, t) * ACTIVATIONS["sigmoid"].derivative(zz, y)
    return loss.value(y, zz, t), float(dz[0, 0])


def _softmax_sample(loss_name: str, z: float) -> tuple[float, float]:
    zz = np.zeros((1, SOFTMAX_CLASSES))
    zz[0, 0] = z
    t = np.zeros((1, SOFTMAX_CLASSES))
    t[0, 0] = 1.0
    y = ACTIVATIONS["softmax"].function(zz)
    loss = get_loss(loss_name)
    if loss.fused_delta is not None:
        dz = loss.fused_delta(y, zz, t)
    else:
        jacobian = np.diag(y[0]) - np.outer(y[0], y[0])  # dy_k / dz_j, symmetric
        dz = loss.grad_output(y, zz, t) @ jacobian
    return loss.value(y, zz, t), float(dz[0, 0])


def output_gradients(output: str, z, target: float = 1.0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{loss name: (loss values (n,), dL/dz (n,))}`` for one sample at each logit in ``z``
    (``target`` is used by the sigmoid output; softmax's target is class 0)."""
    checks.choice("output", output, OUTPUTS)
    if output == "sigmoid" and not checks.is_real(target, 0.0, 1.0):
        raise ValueError(f"a sigmoid output's target must lie between 0 and 1, got {target!r}")
    result = {}
    with np.errstate(all="ignore"):
        for name in OUTPUTS[output]:
            pairs = [
                _sigmoid_sample(name, float(v), target)
                if output == "sigmoid"
                else _softmax_sample(name, float(v))
                for v in np.asarray(z, dtype=np.float64).ravel()
            ]
            values, grads = (np.array(col) for col in zip(*pairs))
            result[name] = (values, grads)
    return result


@dataclass(frozen=True)
class LossRun:
    """One network trained with ``loss``: after ``k`` steps (``k = 0 .. n``) ``accuracy[k]``,
    ``bce[k]`` (the cross-entropy of its predictions, comparable across the runs) and
    ``own_loss[k]`` (the loss it minimised) and ``output_grad[k]``, the mean ``|dL/dz|`` per
    sample at the output over the training set (the network's own backward pass)."""

    loss: str
    accuracy: np.ndarray
    bce: np.ndarray
    own_loss: np.ndarray
    output_grad: np.ndarray


def _measure(net: Network, X: np.ndarray, Y: np.ndarray) -> tuple[float, float]:
    """``(bce of the predictions, mean |dL/dz| per sample at the output)`` on ``(X, Y)``."""
    trace = net.forward(X)
    delta = net.backward(trace, Y).delta[-1]  # dL/dz of the mean loss: times the batch, per sample
    return get_loss("bce").value(trace.a[-1], trace.s[-1], Y), float(np.abs(delta).mean() * len(X))


def train_side_by_side(
    losses=("mse", "bce"),
    dataset: str = "gaussian",
    hidden=(4,),
    activation: str = "tanh",
    lr: float = 0.3,
    n_steps: int = 200,
    init_scale: float = 1.0,
    seed: int = 0,
    batch_size: int = 10,
) -> list[LossRun]:
    """The same ``[2, *hidden, 1]`` network (``xavier_uniform`` x ``init_scale``, seed, sigmoid
    output) trained with SGD at ``lr`` once per loss, on the same batches of ``dataset``."""
    data = make_dataset(dataset, n_points=200, noise=0.1, seed=seed)
    runs = []
    for loss in losses:
        net = Network(
            [2, *hidden, 1], activation=activation, output_activation="sigmoid", loss=loss,
            init_scale=init_scale, seed=seed,
        )  # fmt: skip
        trainer = Trainer(
            net, make_optimizer("sgd", lr=lr), data, batch_size=batch_size, seed=seed, eval_every=1
        )
        metrics = [trainer.evaluate()]
        measured = [_measure(net, data.X_train, data.Y_train)]
        for _ in range(int(n_steps)):
            trainer.run(1)
            if trainer.divergence is not None:
                break
            metrics.append(trainer.last_metrics)
            measured.append(_measure(net, data.X_train, data.Y_train))
        cross, grads = zip(*measured)
        runs.append(
            LossRun(
                loss,
                np.array([m["train_accuracy"] for m in metrics]),
                np.array(cross),
                np.array([m["train_loss"] for m in metrics]),
                np.array(grads),
            )
        )
    return runs
