"""Activation functions, each with its value and its derivative.

Sources: CS231n notes "Neural Networks Part 1" (sigmoid, tanh, ReLU, Leaky ReLU,
Maxout); He et al. 2015 (PReLU); Clevert et al. 2016 (ELU); Klambauer et al. 2017
(SELU); Hendrycks & Gimpel 2016 (GELU); Ramachandran et al. 2017 (SiLU/Swish).
Values and derivatives follow ``torch.nn`` exactly, including the derivative at the
kink x = 0 (ReLU: 0; Leaky ReLU/PReLU: the slope; ELU: alpha), so that the stored
PyTorch reference data match to the last digit.

Maxout has weights of its own and lives in :mod:`nnlab.core.layers`.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, check_array, check_choice, check_number
from nnlab.core.registry import Registry

_erf = np.frompyfunc(math.erf, 1, 1)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + e^-x), stable for large |x| (no overflow in exp)."""
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def _accepting_array_likes(derivative: Any) -> Any:
    @functools.wraps(derivative)
    def wrapped(self: Activation, x: Any, y: Any = None) -> np.ndarray:
        if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
            x = check_array("x", x, finite=False)
        if y is not None and not isinstance(y, np.ndarray):
            y = check_array("y", y, finite=False)
        return derivative(self, x, y)

    return wrapped


class Activation:
    """An elementwise non-linearity f with its derivative f'.

    ``derivative(x, y)`` may use ``y = f(x)`` when the caller already has it
    (sigmoid and tanh are cheaper that way); it is recomputed when omitted.
    """

    name: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each subclass's ``derivative`` takes array-likes too (a scalar, a list), as ``__call__`` does."""
        super().__init_subclass__(**kwargs)
        if "derivative" in vars(cls):
            cls.derivative = _accepting_array_likes(vars(cls)["derivative"])

    def value(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, x: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """f(x), computed in floating point (integer input becomes float64: sigmoid(2) is 0.88, not 0)."""
        return self.value(check_array("x", x, finite=False))

    def params(self) -> dict[str, float]:
        """Hyperparameters of this activation (for display and serialisation)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


class Identity(Activation):
    """f(x) = x: a linear network, however deep."""

    name = "identity"

    def value(self, x):
        return x.copy()

    def derivative(self, x, y=None):
        return np.ones_like(x)


class Sigmoid(Activation):
    """f(x) = 1 / (1 + e^-x); f' = f(1 - f), at most 1/4 (CS231n: saturates, not zero-centred)."""

    name = "sigmoid"

    def value(self, x):
        return sigmoid(x)

    def derivative(self, x, y=None):
        s = sigmoid(x) if y is None else y
        return s * (1.0 - s)


class Tanh(Activation):
    """f(x) = tanh(x); f' = 1 - f^2 (zero-centred, still saturates)."""

    name = "tanh"

    def value(self, x):
        return np.tanh(x)

    def derivative(self, x, y=None):
        t = np.tanh(x) if y is None else y
        return 1.0 - t * t


class ReLU(Activation):
    """f(x) = max(0, x); f'(0) = 0 as in PyTorch (Krizhevsky et al. 2012)."""

    name = "relu"

    def value(self, x):
        return np.maximum(x, 0.0)

    def derivative(self, x, y=None):
        return (x > 0).astype(x.dtype)


class LeakyReLU(Activation):
    """f(x) = x if x > 0 else slope * x (Maas et al. 2013).

    Default slope 0.01 follows the paper, the CS231n notes and PyTorch; the
    EECS 498 and CS231n lecture slides draw max(0.1x, x), i.e. ``slope=0.1``.
    f'(0) = slope, as in PyTorch.
    """

    name = "leaky_relu"

    def __init__(self, slope: float = 0.01):
        self.slope = check_number("slope", slope, low=0.0, high=1.0)

    def value(self, x):
        return np.where(x > 0, x, self.slope * x)

    def derivative(self, x, y=None):
        return np.where(x > 0, 1.0, self.slope).astype(x.dtype)

    def params(self):
        return {"slope": self.slope}


class PReLU(LeakyReLU):
    """Leaky ReLU whose slope is learned (He et al. 2015); initial slope 0.25 as in the paper.

    As a plain function the slope is fixed; :class:`nnlab.core.layers.PReLU` learns it.
    """

    name = "prelu"

    def __init__(self, slope: float = 0.25):
        super().__init__(slope)


class ELU(Activation):
    """f(x) = x if x > 0 else alpha (e^x - 1) (Clevert et al. 2016); f'(0) = alpha as in PyTorch."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = check_number("alpha", alpha, low=0.0)

    def value(self, x):
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0.0)))

    def derivative(self, x, y=None):
        return np.where(x > 0, 1.0, self.alpha * np.exp(np.minimum(x, 0.0))).astype(x.dtype)

    def params(self):
        return {"alpha": self.alpha}


class SELU(Activation):
    """Scaled ELU with the published constants of Klambauer et al. 2017 (self-normalising)."""

    name = "selu"
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946

    def value(self, x):
        return self.scale * np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0.0)))

    def derivative(self, x, y=None):
        return self.scale * np.where(x > 0, 1.0, self.alpha * np.exp(np.minimum(x, 0.0)))


class GELU(Activation):
    """f(x) = x Phi(x) (Hendrycks & Gimpel 2016); ``approximate='tanh'`` uses their tanh formula.

    Exact: f' = Phi(x) + x phi(x). Tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    """

    name = "gelu"
    _c = math.sqrt(2.0 / math.pi)

    def __init__(self, approximate: str = "none"):
        self.approximate = check_choice("approximate", approximate, ["none", "tanh"])

    def value(self, x):
        if self.approximate == "tanh":
            return 0.5 * x * (1.0 + np.tanh(self._c * (x + 0.044715 * x**3)))
        return 0.5 * x * (1.0 + np.asarray(_erf(x / math.sqrt(2.0)), dtype=x.dtype))

    def derivative(self, x, y=None):
        if self.approximate == "tanh":
            inner = self._c * (x + 0.044715 * x**3)
            t = np.tanh(inner)
            dinner = self._c * (1.0 + 3 * 0.044715 * x**2)
            return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * dinner
        cdf = 0.5 * (1.0 + np.asarray(_erf(x / math.sqrt(2.0)), dtype=x.dtype))
        pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
        return cdf + x * pdf

    def params(self):
        return {"approximate": self.approximate}


class SiLU(Activation):
    """f(x) = x sigmoid(x), a.k.a. Swish-1 (Ramachandran et al. 2017; Elfwing et al. 2018)."""

    name = "silu"

    def value(self, x):
        return x * sigmoid(x)

    def derivative(self, x, y=None):
        s = sigmoid(x)
        return s * (1.0 + x * (1.0 - s))


class Softplus(Activation):
    """f(x) = log(1 + e^(beta x)) / beta, linear above ``threshold`` (PyTorch's convention)."""

    name = "softplus"

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        self.beta = check_number("beta", beta, low=0.0, low_open=True)
        self.threshold = check_number("threshold", threshold, low=0.0, low_open=True)

    def value(self, x):
        bx = self.beta * x
        return np.where(bx > self.threshold, x, np.logaddexp(0.0, bx) / self.beta)

    def derivative(self, x, y=None):
        bx = self.beta * x
        return np.where(bx > self.threshold, 1.0, sigmoid(bx)).astype(x.dtype)

    def params(self):
        return {"beta": self.beta, "threshold": self.threshold}


ACTIVATIONS: Registry[type[Activation]] = Registry(
    "activation",
    entries={
        cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, PReLU, ELU, SELU, GELU, SiLU, Softplus)
    },
)
ACTIVATIONS["swish"] = SiLU


def get_activation(name: str | Activation, **params: Any) -> Activation:
    """Return the activation called ``name`` built with ``params`` (an Activation passes through)."""
    if isinstance(name, Activation):
        if params:
            raise SettingError("params cannot be given together with an Activation instance")
        return name
    return ACTIVATIONS.build(name, **params)
