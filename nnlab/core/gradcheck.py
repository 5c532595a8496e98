"""Numerical gradient checking (CS231n notes "Neural Networks Part 3", Gradient checks).

Centered differences (f(x + h) - f(x - h)) / 2h, and the relative error
|a - n| / max(1e-8, |a| + |n|) of the CS231n assignments. In float64 a correct
gradient gives a relative error of about 1e-7 or less; 1e-2 or more means a bug.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_number


def rel_error(a: Any, b: Any) -> float:
    """max |a - b| / max(1e-8, |a| + |b|), elementwise (the CS231n assignments' ``rel_error``)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise SettingError(f"a has shape {a.shape} but b has shape {b.shape}; they must match")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """d f / d x by centered differences; ``f`` takes no argument and reads ``x``, perturbed in place."""
    h = check_number("h", h, low=0.0, low_open=True)
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise SettingError("x must be a floating-point numpy array (it is perturbed in place)")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = float(f())
        flat[i] = old - h
        minus = float(f())
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_array(
    f: Callable[[], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Gradient of sum(f() * dout) with respect to ``x`` (CS231n ``eval_numerical_gradient_array``)."""
    return numerical_gradient(lambda: float(np.sum(f() * dout)), x, h)


def check_layer(
    layer: Any, x: np.ndarray, *, train: bool = True, rng: np.random.Generator | int = 0, h: float = 1e-5
) -> dict[str, float]:
    """Relative errors between a layer's analytic and numerical gradients, for ``x`` and every parameter.

    Works on a copy of the layer, so its running statistics are left alone. A layer that
    draws random masks (dropout, DropConnect) has its generator rewound before every
    forward pass, so every evaluation sees the same mask: the gradient of one fixed
    sub-network.
    """
    layer = copy.deepcopy(layer)
    x = np.array(x, dtype=np.float64)
    gen = getattr(layer, "rng", None)
    start = copy.deepcopy(gen.bit_generator.state) if gen is not None else None

    def forward_with_cache() -> tuple[np.ndarray, Any]:
        if gen is not None:
            gen.bit_generator.state = copy.deepcopy(start)
        return layer.forward(x, train)

    out, cache = forward_with_cache()
    dout = as_generator(rng).standard_normal(out.shape)
    dx, grads = layer.backward(dout, cache)

    def forward() -> np.ndarray:
        return forward_with_cache()[0]

    errors = {"x": rel_error(dx, numerical_gradient_array(forward, x, dout, h))}
    for name, value in layer.params.items():
        errors[name] = rel_error(grads[name], numerical_gradient_array(forward, value, dout, h))
    return errors


def check_loss(loss: Callable[..., tuple[float, np.ndarray]], scores: np.ndarray, *args: Any, h: float = 1e-5) -> float:
    """Relative error between a loss's analytic dscores and the numerical gradient."""
    scores = np.array(scores, dtype=np.float64)
    _, dscores = loss(scores, *args)
    numeric = numerical_gradient(lambda: loss(scores, *args)[0], scores, h)
    return rel_error(dscores, numeric)


def check_network(
    network: Any, X: np.ndarray, y: np.ndarray, loss: str = "softmax", regularizer: Any = None, h: float = 1e-5
) -> dict[str, float]:
    """Relative error of every learnable array's gradient for a whole :class:`~nnlab.core.model.Network`.

    The loss is the data loss plus the regularizer's penalty. The network is copied, and
    every random generator it holds is rewound before each forward pass, so dropout uses
    one fixed set of masks. Keys are ``"<layer index>.<name>"``.
    """
    from nnlab.core.losses import get_loss
    from nnlab.core.model import Network

    if not isinstance(network, Network):
        raise SettingError(f"network must be an nnlab Network, got {type(network).__name__} {network!r:.40}")
    net = copy.deepcopy(network)
    loss_fn = get_loss(loss)
    X = np.array(X, dtype=np.float64)
    generators = {id(layer.rng): layer.rng for layer in net.layers if hasattr(layer, "rng")}
    starts = {key: copy.deepcopy(gen.bit_generator.state) for key, gen in generators.items()}

    def forward() -> np.ndarray:
        for key, gen in generators.items():
            gen.bit_generator.state = copy.deepcopy(starts[key])
        return net.forward(X, train=True)

    def total_loss() -> float:
        value = loss_fn(forward(), y)[0]
        return value + net.regularization(regularizer)[0]

    _, dscores = loss_fn(forward(), y)
    grads = net.backward(dscores)
    _, reg_grads = net.regularization(regularizer)
    errors = {}
    for (index, name, array), g, r in zip(net.params, grads, reg_grads):
        analytic = g if r is None else g + r
        errors[f"{index}.{name}"] = rel_error(analytic, numerical_gradient(total_loss, array, h))
    return errors
