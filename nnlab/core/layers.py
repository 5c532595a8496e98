"""Layers as forward/backward pairs with an explicit cache, as in the CS231n assignments.

``out, cache = layer.forward(x, train)`` keeps what the backward pass needs, and
``dx, grads = layer.backward(dout, cache)`` uses that and nothing else. ``grads`` has
the same keys as ``layer.params``. Weights are ``(fan_in, fan_out)``, ``y = x W + b``.

Dropout's probability is always the **keep** probability ``keep_prob`` (CS231n notes
and assignment 2 since 2019); PyTorch's ``Dropout(p)`` drops with probability p, so
``p_torch = 1 - keep_prob``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlab.core._checks import (
    SettingError,
    as_generator,
    check_array,
    check_choice,
    check_int,
    check_number,
    check_same_shape,
)
from nnlab.core.activations import Activation, get_activation
from nnlab.core.initializers import initialize

Cache = Any
Grads = dict[str, np.ndarray]


class Layer:
    """Base class: ``params`` (name -> array), ``forward`` and ``backward``."""

    params: dict[str, np.ndarray]

    def __init__(self) -> None:
        self.params = {}

    def forward(self, x: np.ndarray, train: bool = True) -> tuple[np.ndarray, Cache]:
        raise NotImplementedError

    def backward(self, dout: np.ndarray, cache: Cache) -> tuple[np.ndarray, Grads]:
        raise NotImplementedError

    def _input(self, x: Any, width: int | None = None) -> np.ndarray:
        """Check a layer input: a finite 2-D array (N, width)."""
        x = check_array("x", x, ndim=2)
        if width is not None and x.shape[1] != width:
            raise SettingError(f"x has {x.shape[1]} features per example but this layer expects {width}")
        return x


def _check_keep_prob(keep_prob: float) -> float:
    return check_number("keep_prob", keep_prob, low=0.0, high=1.0, low_open=True)


class Linear(Layer):
    """Affine layer y = x W + b (CS231n ``affine_forward``/``affine_backward``).

    ``init`` names any initializer of :mod:`nnlab.core.initializers`, ``init_params``
    its parameters; ``bias`` is the biases' constant initial value (0, or 0.01 for ReLU).
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        init: str = "he_normal",
        init_params: dict[str, Any] | None = None,
        bias: float = 0.0,
        rng: np.random.Generator | int = 0,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        n_in = check_int("n_in", n_in, low=1)
        n_out = check_int("n_out", n_out, low=1)
        bias = check_number("bias", bias)
        self.params["W"] = initialize(init, (n_in, n_out), as_generator(rng), dtype=dtype, **(init_params or {}))
        self.params["b"] = np.full(n_out, bias, dtype=dtype)

    @classmethod
    def from_arrays(cls, W: np.ndarray, b: np.ndarray) -> Linear:
        """A Linear layer holding the given weight (fan_in, fan_out) and bias (fan_out,)."""
        W = check_array("W", W, ndim=2)
        b = check_array("b", b, ndim=1)
        if b.shape[0] != W.shape[1]:
            raise SettingError(f"b has {b.shape[0]} entries but W has {W.shape[1]} output columns")
        layer = cls.__new__(cls)
        Layer.__init__(layer)
        layer.params.update(W=W.copy(), b=b.copy())
        return layer

    def forward(self, x, train=True):
        x = self._input(x, self.params["W"].shape[0])
        return x @ self.params["W"] + self.params["b"], x

    def backward(self, dout, cache):
        x = cache
        return dout @ self.params["W"].T, {"W": x.T @ dout, "b": dout.sum(axis=0)}


class ActivationLayer(Layer):
    """An elementwise non-linearity as a layer; the cache keeps its input and output."""

    def __init__(self, activation: str | Activation = "relu", **params: Any) -> None:
        super().__init__()
        self.activation = get_activation(activation, **params)

    def forward(self, x, train=True):
        x = self._input(x)
        y = self.activation.value(x)
        return y, (x, y)

    def backward(self, dout, cache):
        x, y = cache
        return dout * self.activation.derivative(x, y), {}


class PReLU(Layer):
    """Leaky ReLU with a learned slope ``a`` (He et al. 2015), one per unit or shared.

    dL/da = sum over x <= 0 of x * dout (PyTorch's convention at x = 0).
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = np.float64) -> None:
        super().__init__()
        num_parameters = check_int("num_parameters", num_parameters, low=1)
        self.params["a"] = np.full(num_parameters, check_number("init", init), dtype=dtype)

    def forward(self, x, train=True):
        x = self._input(x)
        a = self.params["a"]
        if a.size not in (1, x.shape[1]):
            raise SettingError(f"x has {x.shape[1]} features but PReLU has {a.size} slopes; use 1 or {x.shape[1]}")
        return np.where(x > 0, x, a * x), x

    def backward(self, dout, cache):
        x = cache
        a = self.params["a"]
        neg = x <= 0
        dx = np.where(neg, a * dout, dout)
        da = (np.where(neg, x, 0.0) * dout).sum(axis=0)
        return dx, {"a": da.sum(keepdims=True) if a.size == 1 else da}


class BatchNorm(Layer):
    """Batch normalization (Ioffe & Szegedy 2015), over the batch axis, per feature.

    Training mode normalises with the batch mean and the *biased* batch variance and
    updates running statistics; evaluation mode uses the running statistics.
    Conventions follow ``torch.nn.BatchNorm1d``: running mean starts at 0 and running
    variance at 1; ``momentum`` is the weight of the *new* batch,
    ``r <- (1 - momentum) r + momentum * batch`` with the unbiased batch variance
    n/(n-1) sigma^2 for ``running_var``. ``momentum=None`` gives the cumulative average
    of all batches seen, which for equal batch sizes is the CMU 11-785 slides'
    inference variance B/(B-1) mean_k sigma_k^2. (CS231n assignment 2 writes
    ``momentum=0.9`` for the weight of the *old* value, i.e. our 0.1, and keeps the
    biased variance with both buffers starting at 0.)
    """

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, dtype: Any = np.float64
    ) -> None:
        super().__init__()
        n = check_int("num_features", num_features, low=1)
        self.eps = check_number("eps", eps, low=0.0, low_open=True)
        self.momentum = None if momentum is None else check_number("momentum", momentum, low=0.0, high=1.0)
        self.params["gamma"] = np.ones(n, dtype=dtype)
        self.params["beta"] = np.zeros(n, dtype=dtype)
        self.running_mean = np.zeros(n, dtype=dtype)
        self.running_var = np.ones(n, dtype=dtype)
        self.num_batches_tracked = 0

    def forward(self, x, train=True):
        x = self._input(x, self.params["gamma"].shape[0])
        gamma, beta = self.params["gamma"], self.params["beta"]
        if not train:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            x_hat = (x - self.running_mean) * inv_std
            return gamma * x_hat + beta, (x_hat, inv_std, False)
        n = x.shape[0]
        if n < 2:
            raise SettingError(f"x has {n} example(s); batch norm in training mode needs at least 2 per batch")
        mean = x.mean(axis=0)
        centered = x - mean
        var = (centered * centered).mean(axis=0)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = centered * inv_std
        self._update_running(mean, var * n / (n - 1))
        return gamma * x_hat + beta, (x_hat, inv_std, True)

    def _update_running(self, mean: np.ndarray, unbiased_var: np.ndarray) -> None:
        self.num_batches_tracked += 1
        m = 1.0 / self.num_batches_tracked if self.momentum is None else self.momentum
        self.running_mean = (1.0 - m) * self.running_mean + m * mean
        self.running_var = (1.0 - m) * self.running_var + m * unbiased_var

    def backward(self, dout, cache):
        x_hat, inv_std, batch_stats = cache
        grads = {"gamma": (dout * x_hat).sum(axis=0), "beta": dout.sum(axis=0)}
        dx_hat = dout * self.params["gamma"]
        if not batch_stats:
            return dx_hat * inv_std, grads
        # The gradient through the batch mean and variance, simplified on paper
        # (CS231n assignment 2, batchnorm_backward_alt):
        # dx = (1/N) inv_std (N dx_hat - sum(dx_hat) - x_hat sum(dx_hat x_hat))
        n = dout.shape[0]
        dx = (inv_std / n) * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
        return dx, grads


class Dropout(Layer):
    """Dropout (Srivastava et al. 2014): keep each unit with probability ``keep_prob``.

    ``mode='inverted'`` (the default, CS231n notes) scales kept units by 1/keep_prob at
    training time so that test time is the identity. ``mode='vanilla'`` (the original
    paper) leaves training outputs unscaled and multiplies by keep_prob at test time.
    ``self.mask`` is the boolean keep-mask of the latest training pass.
    """

    def __init__(self, keep_prob: float = 0.5, mode: str = "inverted", rng: np.random.Generator | int = 0) -> None:
        super().__init__()
        self.keep_prob = _check_keep_prob(keep_prob)
        self.mode = check_choice("mode", mode, ["inverted", "vanilla"])
        self.rng = as_generator(rng)
        self.mask: np.ndarray | None = None

    def forward(self, x, train=True):
        x = self._input(x)
        p = self.keep_prob
        if not train:
            scale = 1.0 if self.mode == "inverted" else p
            return x * scale, np.asarray(scale, dtype=x.dtype)
        self.mask = self.rng.random(x.shape) < p
        multiplier = self.mask / p if self.mode == "inverted" else self.mask.astype(x.dtype)
        multiplier = multiplier.astype(x.dtype, copy=False)
        return x * multiplier, multiplier

    def apply(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The training-time output for a given keep-mask (boolean, the shape of ``x``) instead of a drawn one."""
        x = self._input(x)
        mask = np.asarray(mask, dtype=bool)
        check_same_shape("mask", mask, "x", x)
        return x * (mask / self.keep_prob if self.mode == "inverted" else mask).astype(x.dtype, copy=False)

    def backward(self, dout, cache):
        return dout * cache, {}


class DropConnect(Linear):
    """An affine layer whose *weights* are dropped (Wan et al. 2013), not its units.

    Each training pass draws a keep-mask M over W (probability ``keep_prob``) and uses
    W * M / keep_prob (inverted scaling, so test time uses W unchanged; the paper's
    test-time Gaussian moment matching is not modelled). Biases are never dropped.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        keep_prob: float = 0.5,
        rng: np.random.Generator | int = 0,
        **linear_options: Any,
    ) -> None:
        self.rng = as_generator(rng)
        super().__init__(n_in, n_out, rng=self.rng, **linear_options)
        self.keep_prob = _check_keep_prob(keep_prob)
        self.mask: np.ndarray | None = None

    def forward(self, x, train=True):
        W = self.params["W"]
        x = self._input(x, W.shape[0])
        if not train:
            return x @ W + self.params["b"], (x, None)
        self.mask = self.rng.random(W.shape) < self.keep_prob
        multiplier = (self.mask / self.keep_prob).astype(W.dtype, copy=False)
        return x @ (W * multiplier) + self.params["b"], (x, multiplier)

    def apply(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The training-time output for a given keep-mask over W (boolean, the shape of W): x (W m / p) + b."""
        W = self.params["W"]
        x = self._input(x, W.shape[0])
        mask = np.asarray(mask, dtype=bool)
        check_same_shape("mask", mask, "W", W)
        return x @ (W * (mask / self.keep_prob).astype(W.dtype, copy=False)) + self.params["b"]

    def backward(self, dout, cache):
        x, multiplier = cache
        W = self.params["W"] if multiplier is None else self.params["W"] * multiplier
        dW = x.T @ dout
        if multiplier is not None:
            dW *= multiplier
        return dout @ W.T, {"W": dW, "b": dout.sum(axis=0)}


class Maxout(Layer):
    """Maxout unit (Goodfellow et al. 2013): the max of ``k`` affine pieces per output.

    W has shape (n_in, k * n_out): column ``j * n_out + u`` is piece j of unit u; every
    piece is initialized like a (n_in, n_out) weight. The gradient flows to the winning
    piece only (the first one on ties).
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        k: int = 2,
        *,
        init: str = "xavier_normal",
        init_params: dict[str, Any] | None = None,
        rng: np.random.Generator | int = 0,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        n_in = check_int("n_in", n_in, low=1)
        self.n_out = check_int("n_out", n_out, low=1)
        self.k = check_int("k", k, low=1)
        gen = as_generator(rng)
        pieces = [initialize(init, (n_in, n_out), gen, dtype=dtype, **(init_params or {})) for _ in range(self.k)]
        self.params["W"] = np.concatenate(pieces, axis=1)
        self.params["b"] = np.zeros(self.k * self.n_out, dtype=dtype)

    def forward(self, x, train=True):
        x = self._input(x, self.params["W"].shape[0])
        z = (x @ self.params["W"] + self.params["b"]).reshape(x.shape[0], self.k, self.n_out)
        winner = z.argmax(axis=1)
        out = np.take_along_axis(z, winner[:, None, :], axis=1)[:, 0, :]
        return out, (x, winner)

    def backward(self, dout, cache):
        x, winner = cache
        dz = np.zeros((dout.shape[0], self.k, self.n_out), dtype=dout.dtype)
        np.put_along_axis(dz, winner[:, None, :], dout[:, None, :], axis=1)
        dz = dz.reshape(dout.shape[0], self.k * self.n_out)
        return dz @ self.params["W"].T, {"W": x.T @ dz, "b": dz.sum(axis=0)}
