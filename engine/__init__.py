"""Backprop Lab's engine: a hand-written NumPy network that keeps every forward value,
gradient and update. Imports nothing but NumPy and the standard library."""

from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from engine.init import INITS
from engine.losses import LOSSES
from engine.network import Divergence, Gradients, Network, Step, Trace
from engine.optim import OPTIMIZERS, SCHEDULES, Optimizer, Schedule, make_optimizer

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "INITS",
    "LOSSES",
    "OPTIMIZERS",
    "SCHEDULES",
    "Divergence",
    "Gradients",
    "Network",
    "Optimizer",
    "Schedule",
    "Step",
    "Trace",
    "make_optimizer",
]
