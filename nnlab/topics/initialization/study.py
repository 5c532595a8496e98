"""The initialization experiment of the lectures: a deep, wide network's activations and gradients.

EECS 498 lecture 10 / CS231n: push random data through many layers of the same width
and look at each layer's activations (and, backwards from a loss, the gradients dL/dW)
under different initializations. At 6 layers of 4096 units the weights are 100 million
numbers; drawing them takes ~1.6 s here. Every initializer is ``scale x unit draw``
(:class:`~nnlab.core.initializers.Plan`), so :class:`UnitDrawCache` keeps the unit draws
per (seed, layer) in float32 and a layer computes ``scale * (x @ U) + b`` without ever
forming W. Changing the initializer, its scale, the activation or the bias recomputes
only the matrix products.

dL/dW of a 4096 x 4096 layer has 16.7 million entries; the study returns the exact
values of a fixed random sample of at most 65,536 of them (all of them for small
layers), dW_ij = sum_n h_ni dz_nj, which is what a histogram needs.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlab.core._checks import check_choice, check_int, check_number
from nnlab.core.activations import ACTIVATIONS, get_activation
from nnlab.core.initializers import plan, unit_draw
from nnlab.core.layers import BatchNorm
from nnlab.core.losses import softmax_cross_entropy
from nnlab.core.model import LayerTrace

INPUTS = {
    "gaussian": "x ~ N(0, 1), as in the lectures",
    "uniform": "x ~ U(-1, 1)",
    "shifted": "x ~ N(1, 1): not zero-centred",
}
GRAD_SAMPLE = 65_536
# EECS 498 lecture 10, "Weight Initialization: Residual Networks": each hidden layer becomes a block
# x + F(x), F(x) = W2 f(W1 x + b); with He init Var(x + F(x)) > Var(x), and the variance grows block by block;
# with W2 = 0 at the start, Var(x + F(x)) = Var(x).
RESIDUAL = {
    "off": "plain layers f(W x + b)",
    "on": "blocks x + W2 f(W1 x + b), both initialized alike",
    "on, W2 = 0": "blocks x + W2 f(W1 x + b) with the second layer initialized to zero",
}
SECOND_LAYER = 1000  # unit draws of a block's W2 are cached as layer SECOND_LAYER + block
INPUT_PRODUCTS_KEPT, INPUT_PRODUCT_BYTES = 4, 16 << 20  # first-layer products kept, and the largest kept


class UnitDrawCache:
    """Unit draws (see :class:`~nnlab.core.initializers.Plan`) by (seed, layer, kind, shape, k), least recently
    used first out once ``max_bytes`` is exceeded. A constant draw is not stored (it is all ones)."""

    def __init__(self, max_bytes: int = 1 << 30, dtype: Any = np.float32) -> None:
        self.max_bytes = max_bytes
        self.dtype = np.dtype(dtype)
        self._store: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._input_products: OrderedDict[tuple, np.ndarray] = OrderedDict()

    def get(self, seed: int, layer: int, kind: str, shape: tuple[int, int], k: int | None = None) -> np.ndarray | None:
        if kind == "constant":
            return None
        key = (seed, layer, kind, shape, k)
        if key in self._store:
            self._store.move_to_end(key)
            return self._store[key]
        unit = unit_draw(kind, shape, np.random.default_rng([seed, layer]), k=k).astype(self.dtype)
        self._store[key] = unit
        while self.nbytes > self.max_bytes and len(self._store) > 1:
            self._store.popitem(last=False)
        return unit

    def holds(self, seed: int, layer: int, kind: str, shape: tuple[int, int], k: int | None = None) -> bool:
        """Whether that draw is stored (a constant draw needs none)."""
        return kind == "constant" or (seed, layer, kind, shape, k) in self._store

    def _input_product(self, key: tuple, x: np.ndarray, unit: np.ndarray | None, width: int) -> np.ndarray:
        """x @ U of the first layer, kept for the last few keys (what x and U are drawn from): it is the same for
        every scale, activation and bias, and one of a change's six to eleven products of 4096 x 4096 matrices."""
        if key in self._input_products:
            self._input_products.move_to_end(key)
            return self._input_products[key]
        product = _matmul(x, unit, width)
        if product.nbytes <= INPUT_PRODUCT_BYTES:
            self._input_products[key] = product
            while len(self._input_products) > INPUT_PRODUCTS_KEPT:
                self._input_products.popitem(last=False)
        return product

    def forget_input_products(self) -> None:
        """Forget the kept first-layer products, after a stored draw was changed in place (a gradient check)."""
        self._input_products.clear()

    def clear(self) -> None:
        """Forget every draw (they are drawn again, identically, when next needed)."""
        self._store.clear()
        self.forget_input_products()

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._store.values())


def _matmul(x: np.ndarray, unit: np.ndarray | None, width: int) -> np.ndarray:
    """x @ U, with U = all ones when ``unit`` is None."""
    if unit is None:
        return np.repeat(x.sum(axis=1, keepdims=True), width, axis=1)
    return x @ unit


def _matmul_t(d: np.ndarray, unit: np.ndarray | None, width_in: int) -> np.ndarray:
    """d @ U^T, with U = all ones when ``unit`` is None.

    Computed as (U d^T)^T: OpenBLAS reads U row by row then, a quarter less time for a batch of 16 on a 4096-wide
    layer (bench/README.md); with the SkylakeX kernels the numbers were bitwise those of d @ U^T."""
    if unit is None:
        return np.repeat(d.sum(axis=1, keepdims=True), width_in, axis=1)
    return (unit @ d.T).T


@dataclass
class Study:
    """Every hidden layer's trace (the same :class:`~nnlab.core.model.LayerTrace` a network records) and the loss."""

    layers: list[LayerTrace]
    loss: float
    # After the backward pass: whether every unit of every hidden layer gets the same gradient dL/dz (then one
    # SGD step changes each unit's weights alike, and units that were identical stay identical).
    identical_updates: bool | None = None

    @property
    def stds(self) -> np.ndarray:
        return np.array([layer.std for layer in self.layers])


def run_study(
    depth: int = 6,
    width: int = 4096,
    batch: int = 16,
    activation: str = "tanh",
    init: str = "normal",
    init_params: dict[str, Any] | None = None,
    bias: float = 0.0,
    batchnorm: bool = False,
    inputs: str = "gaussian",
    classes: int = 10,
    gradients: bool = True,
    seed: int = 0,
    cache: UnitDrawCache | None = None,
    activation_params: dict[str, Any] | None = None,
    residual: str = "off",
) -> Study:
    """Forward ``batch`` random inputs through ``depth`` hidden layers of ``width`` units, then a linear layer to
    ``classes`` scores and a softmax loss on random labels; optionally backward for dL/dW of every hidden layer.

    Every weight matrix, the output layer's included, uses the same initializer (hidden layer l draws from
    the generator seeded (seed, l), so earlier layers do not change when ``depth`` does). The input has
    ``width`` features, as in the EECS 498 code (``dims = [4096] * 7``). With ``residual`` (see
    :data:`RESIDUAL`) each hidden layer is a residual block, traced as one layer: its ``pre_activation`` is
    W1 x + b, its ``activation`` the block's output x + F(x), its ``grad_W`` dL/dW1.
    """
    depth = check_int("depth", depth, low=1, high=100)
    width = check_int("width", width, low=1, high=16384)
    batch = check_int("batch", batch, low=2 if batchnorm else 1, high=100_000)
    classes = check_int("classes", classes, low=2)
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("inputs", inputs, INPUTS)
    check_choice("residual", residual, RESIDUAL)
    bias = check_number("bias", bias)
    act = get_activation(activation, **(activation_params or {}))
    cache = cache or UnitDrawCache()
    dtype = cache.dtype
    hidden_plan = plan(init, (width, width), **(init_params or {}))
    out_plan = plan(init, (width, classes), **(init_params or {}))

    gen = np.random.default_rng([check_int("seed", seed, low=0), 10_000])
    if inputs == "gaussian":
        x = gen.standard_normal((batch, width))
    elif inputs == "uniform":
        x = gen.uniform(-1.0, 1.0, (batch, width))
    else:
        x = gen.standard_normal((batch, width)) + 1.0
    labels = gen.integers(0, classes, batch)
    x = x.astype(dtype)

    layers: list[LayerTrace] = []
    caches = []
    h = x
    second_scale = dtype.type(0.0 if residual == "on, W2 = 0" else hidden_plan.scale)
    for index in range(depth):
        unit = cache.get(seed, index, hidden_plan.kind, (width, width), hidden_plan.k)
        if index == 0:  # the input and the first unit draw do not depend on the scale, activation or bias
            drawn_from = (seed, inputs, batch, width, hidden_plan.kind, hidden_plan.k)
            product = cache._input_product(drawn_from, x, unit, width)
        else:
            product = _matmul(h, unit, width)
        z = hidden_plan.scale * product + dtype.type(bias)
        bn = BatchNorm(width, dtype=dtype) if batchnorm else None
        normalized, bn_cache = bn.forward(z) if bn else (None, None)
        a = act.value(z if bn is None else normalized)
        block = None
        if residual != "off":  # x + W2 f(W1 x + b)
            second = cache.get(seed, SECOND_LAYER + index, hidden_plan.kind, (width, width), hidden_plan.k)
            block = (a, second)
            a = h + second_scale * _matmul(a, second, width)
        layers.append(LayerTrace(pre_activation=z, activation=a, normalized=normalized))
        caches.append((h, unit, bn, bn_cache, block))
        h = a
    out_unit = cache.get(seed, depth, out_plan.kind, (width, classes), out_plan.k)
    scores = out_plan.scale * _matmul(h, out_unit, classes)
    if not np.all(np.isfinite(scores)):  # overflow: a state to show, with no loss and no gradients
        return Study(layers, float("nan"))
    loss, dscores = softmax_cross_entropy(scores.astype(np.float64), labels)
    study = Study(layers, loss)
    if not gradients:
        return study

    d = (out_plan.scale * _matmul_t(dscores.astype(dtype), out_unit, width)).astype(dtype, copy=False)
    sample_rng = np.random.default_rng([seed, 20_000])
    study.identical_updates = True
    for index in range(depth - 1, -1, -1):
        stats = layers[index]
        h_in, unit, bn, bn_cache, block = caches[index]
        stats.grad_activation = d
        inner, d_inner = stats.activation, d
        if block is not None:  # through F(x) = W2 f(z); the identity path carries d as it is
            inner, second = block
            d_inner = second_scale * _matmul_t(d, second, width)
        dz = d_inner * act.derivative(stats.normalized if batchnorm else stats.pre_activation, inner)
        if bn is not None:
            dz, _ = bn.backward(dz, bn_cache)
        study.identical_updates &= bool(np.all(dz == dz[:, :1]))
        stats.grad_W = _sampled_outer(h_in, dz, sample_rng)
        if index > 0:  # the gradient with respect to the input itself is not needed
            d_in = hidden_plan.scale * _matmul_t(dz, unit, width)
            d = d_in if block is None else d + d_in
    return study


def _sampled_outer(h: np.ndarray, dz: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Entries of dL/dW = h^T dz: all of them if there are at most GRAD_SAMPLE, else the exact values of a
    fixed random 256 x 256 block (random input units x random output units)."""
    rows, cols = h.shape[1], dz.shape[1]
    if rows * cols <= GRAD_SAMPLE:
        return (h.T @ dz).ravel()
    side = int(np.sqrt(GRAD_SAMPLE))
    i = np.sort(rng.choice(rows, min(side, rows), replace=False))
    j = np.sort(rng.choice(cols, min(GRAD_SAMPLE // len(i), cols), replace=False))
    return (h[:, i].T @ dz[:, j]).ravel()
