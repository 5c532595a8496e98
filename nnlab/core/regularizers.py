"""Weight regularizers (CS231n notes, "Neural Networks Part 2", Regularization).

A regularizer adds ``penalty(W)`` to the loss and ``gradient(W)`` to dL/dW; max-norm
adds nothing to the loss and instead ``project``s the weights after each update. By
default only weights (parameters named ``W``) are regularized, never biases, batch-norm
gamma/beta or PReLU slopes; ``include_biases=True`` regularizes every parameter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, check_array, check_number
from nnlab.core.registry import Registry


def _weights(w: Any) -> np.ndarray:
    """``w`` as a floating-point array (array-likes accepted; NaN allowed: a diverged run still has a penalty)."""
    return w if isinstance(w, np.ndarray) and w.dtype.kind == "f" else check_array("w", w, finite=False)


class Regularizer:
    """No regularization; the base of the others."""

    name = "none"

    def __init__(self, include_biases: bool = False) -> None:
        self.include_biases = bool(include_biases)

    def applies_to(self, param_name: str) -> bool:
        """Whether the parameter called ``param_name`` within its layer is regularized."""
        return self.include_biases or param_name == "W"

    def penalty(self, w: np.ndarray) -> float:
        _weights(w)
        return 0.0

    def gradient(self, w: np.ndarray) -> np.ndarray:
        return np.zeros_like(_weights(w))

    def project(self, w: np.ndarray) -> None:
        """Constrain ``w`` in place after an update (only max-norm does anything)."""


class L2(Regularizer):
    """R(W) = 1/2 lambda sum W^2, dR/dW = lambda W (the 1/2 of CS231n's ``0.5 * reg``)."""

    name = "l2"

    def __init__(self, lam: float = 1e-3, include_biases: bool = False) -> None:
        super().__init__(include_biases)
        self.lam = check_number("lam", lam, low=0.0)

    def penalty(self, w):
        w = _weights(w)
        return 0.5 * self.lam * float(np.sum(w * w))

    def gradient(self, w):
        return self.lam * _weights(w)


class L1(Regularizer):
    """R(W) = lambda sum |W|, dR/dW = lambda sign(W) (0 at 0); drives weights to exact zeros."""

    name = "l1"

    def __init__(self, lam: float = 1e-3, include_biases: bool = False) -> None:
        super().__init__(include_biases)
        self.lam = check_number("lam", lam, low=0.0)

    def penalty(self, w):
        return self.lam * float(np.sum(np.abs(_weights(w))))

    def gradient(self, w):
        return self.lam * np.sign(_weights(w))


class ElasticNet(Regularizer):
    """R(W) = l1 sum |W| + 1/2 l2 sum W^2: the sum of :class:`L1` and :class:`L2` (Zou & Hastie 2005).

    The CS231n notes write lambda_1 |w| + lambda_2 w^2; our l2 term keeps the 1/2 of :class:`L2`.
    """

    name = "elastic_net"

    def __init__(self, l1: float = 1e-3, l2: float = 1e-3, include_biases: bool = False) -> None:
        super().__init__(include_biases)
        self._l1 = L1(l1)
        self._l2 = L2(l2)

    def penalty(self, w):
        return self._l1.penalty(w) + self._l2.penalty(w)

    def gradient(self, w):
        return self._l1.gradient(w) + self._l2.gradient(w)


class MaxNorm(Regularizer):
    """Max-norm constraint: every unit's incoming weight vector has ||w||_2 <= c (Srivastava et al. 2014).

    With weights laid out (fan_in, fan_out), a unit's incoming vector is a column.
    Typical c: 3 or 4 (CS231n notes).
    """

    name = "max_norm"

    def __init__(self, c: float = 3.0, include_biases: bool = False) -> None:
        super().__init__(include_biases)
        self.c = check_number("c", c, low=0.0, low_open=True)

    def project(self, w):
        if not isinstance(w, np.ndarray) or w.dtype.kind != "f":
            raise SettingError(f"w must be a floating-point numpy array (it is projected in place), got {w!r:.60}")
        if w.ndim == 1:
            norm = np.abs(w)
        else:
            norm = np.sqrt((w * w).sum(axis=0, keepdims=True))
        w *= np.minimum(1.0, self.c / np.maximum(norm, np.finfo(w.dtype).tiny))


REGULARIZERS: Registry[type[Regularizer]] = Registry(
    "regularizer", entries={cls.name: cls for cls in (Regularizer, L2, L1, ElasticNet, MaxNorm)}
)


def get_regularizer(name: str | Regularizer, **params: Any) -> Regularizer:
    """The regularizer called ``name`` built with ``params`` (a Regularizer passes through)."""
    if isinstance(name, Regularizer):
        return name
    return REGULARIZERS.build(name, **params)
