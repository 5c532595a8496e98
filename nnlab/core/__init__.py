"""The compute core: every formula of the lectures, once, with its name. numpy only."""

from nnlab.core._checks import NonFiniteError, SettingError
from nnlab.core.activations import ACTIVATIONS, Activation, get_activation
from nnlab.core.initializers import INITIALIZERS, initialize
from nnlab.core.layers import (
    ActivationLayer,
    BatchNorm,
    DropConnect,
    Dropout,
    Layer,
    Linear,
    Maxout,
    PReLU,
)
from nnlab.core.losses import LOSSES, get_loss
from nnlab.core.regularizers import REGULARIZERS, get_regularizer

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "REGULARIZERS",
    "Activation",
    "ActivationLayer",
    "BatchNorm",
    "DropConnect",
    "Dropout",
    "Layer",
    "Linear",
    "Maxout",
    "NonFiniteError",
    "PReLU",
    "SettingError",
    "get_activation",
    "get_loss",
    "get_regularizer",
    "initialize",
]
