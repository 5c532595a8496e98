"""Weight initializers.

Weights are laid out as in the CS231n assignments: shape ``(fan_in, fan_out)`` and
``y = x W + b`` (PyTorch's ``Linear.weight`` is the transpose). Every initializer takes
an explicit ``numpy.random.Generator`` (or integer seed).

Sources:
- Xavier/Glorot: Glorot & Bengio 2010, Var(W) = 2 / (fan_in + fan_out) (``mode='avg'``,
  the default, as in the paper and ``torch.nn.init``); the CS231n and EECS 498 slides
  write Var(W) = 1 / fan_in (``mode='in'``).
- He/Kaiming: He et al. 2015, Var(W) = gain^2 / fan with gain = sqrt(2 / (1 + slope^2))
  (slope 0 for ReLU, the Leaky ReLU slope otherwise); ``mode`` picks fan_in or fan_out.
- LeCun: LeCun et al. 1998 "Efficient BackProp", Var(W) = 1 / fan_in.
- Orthogonal: Saxe et al. 2014, via QR with the sign fix of ``torch.nn.init.orthogonal_``.
- Sparse: Martens 2010, exactly k non-zero incoming weights per unit.
Uniform variants use U(-a, a) with a = sqrt(3) std, which has the same variance.

Each initializer returns a :class:`Plan` (a scale times a unit draw); :func:`initialize`
draws it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_choice, check_int, check_number
from nnlab.core.registry import Registry

Shape = tuple[int, ...]


def _check_shape(shape: Any) -> Shape:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        if isinstance(shape, str):
            raise TypeError
        shape = tuple(int(s) for s in shape)
    except (TypeError, ValueError):
        raise SettingError(f"shape must be an int or a tuple of ints, got {shape!r}") from None
    if not shape or any(s < 1 for s in shape):
        raise SettingError(f"shape={shape} must be non-empty with every size at least 1")
    return shape


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (fan_in, fan_out); a 1-D shape counts as (n, n)."""
    shape = _check_shape(shape)
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) != 2:
        raise SettingError(f"shape={shape}: weights must be 2-D (fan_in, fan_out)")
    return shape[0], shape[1]


def xavier_std(shape: Shape, gain: float = 1.0, mode: str = "avg") -> float:
    """Glorot & Bengio 2010: gain * sqrt(2 / (fan_in + fan_out)); ``mode='in'``: gain / sqrt(fan_in)."""
    check_choice("mode", mode, ["avg", "in"])
    gain = check_number("gain", gain, low=0.0)
    fan_in, fan_out = fans(shape)
    return gain * math.sqrt(2.0 / (fan_in + fan_out)) if mode == "avg" else gain / math.sqrt(fan_in)


def he_std(shape: Shape, mode: str = "fan_in", slope: float = 0.0) -> float:
    """He et al. 2015: sqrt(2 / (1 + slope^2)) / sqrt(fan)."""
    check_choice("mode", mode, ["fan_in", "fan_out"])
    slope = check_number("slope", slope, low=0.0)
    fan_in, fan_out = fans(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    return math.sqrt(2.0 / (1.0 + slope * slope)) / math.sqrt(fan)


def lecun_std(shape: Shape) -> float:
    """LeCun et al. 1998: 1 / sqrt(fan_in)."""
    return 1.0 / math.sqrt(fans(shape)[0])


@dataclass(frozen=True)
class Plan:
    """An initializer's recipe: ``scale`` times a unit draw of some ``kind``.

    Kinds: ``constant`` (all ones), ``normal`` (N(0, 1)), ``uniform`` (U(-sqrt 3, sqrt 3), unit
    variance), ``orthogonal`` (a semi-orthogonal matrix), ``sparse`` (``k`` N(0, 1) entries per
    column, the rest 0). Every initializer of the lectures is one of these, rescaled, which lets a
    panel cache the unit draws per seed and rescale them instantly.
    """

    kind: str
    scale: float
    k: int | None = None

    def draw(self, shape: Shape, rng: np.random.Generator | int = 0, dtype: Any = np.float64) -> np.ndarray:
        """The weights: ``scale * unit_draw(kind, shape, rng)``, in the floating-point ``dtype``."""
        if np.dtype(dtype).kind != "f":
            raise SettingError(f"dtype={np.dtype(dtype).name} is not valid: weights need a floating-point dtype "
                            "(float32 or float64)")  # fmt: skip
        unit = unit_draw(self.kind, shape, rng, k=self.k)
        return (self.scale * unit).astype(dtype, copy=False)


def unit_draw(kind: str, shape: Shape, rng: np.random.Generator | int = 0, k: int | None = None) -> np.ndarray:
    """A unit-scale draw of ``kind`` (see :class:`Plan`) in float64."""
    shape = _check_shape(shape)
    if kind == "constant":
        return np.ones(shape)
    gen = as_generator(rng)
    if kind == "normal":
        return gen.standard_normal(shape)
    if kind == "uniform":
        return gen.uniform(-math.sqrt(3.0), math.sqrt(3.0), shape)
    rows, cols = fans(shape)
    if kind == "orthogonal":
        # QR of a Gaussian matrix with R's diagonal signs folded into Q: Haar-distributed
        # (the algorithm of torch.nn.init.orthogonal_).
        q, r = np.linalg.qr(gen.standard_normal((max(rows, cols), min(rows, cols))))
        q *= np.sign(np.diag(r))
        return (q.T if rows < cols else q).reshape(shape)
    if kind == "sparse":
        k = check_int("k", k, low=1, high=rows)
        w = np.zeros((rows, cols))
        chosen = np.argpartition(gen.random((rows, cols)), k - 1, axis=0)[:k]
        w[chosen, np.arange(cols)] = gen.standard_normal((k, cols))
        return w.reshape(shape)
    raise SettingError(f"kind={kind!r} is not valid; choose one of: constant, normal, uniform, orthogonal, sparse")


def zeros(shape: Shape) -> Plan:
    """All zeros: every unit of a layer computes the same thing (the symmetry problem)."""
    return Plan("constant", 0.0)


def constant(shape: Shape, value: float = 0.01) -> Plan:
    """Every entry equal to ``value`` (0.01 is the CS231n suggestion for ReLU biases)."""
    return Plan("constant", check_number("value", value))


def normal(shape: Shape, std: float = 0.01) -> Plan:
    """N(0, std^2): the CS231n "small random numbers" W = 0.01 * randn(D, H)."""
    return Plan("normal", check_number("std", std, low=0.0))


def uniform(shape: Shape, a: float = 0.05) -> Plan:
    """U(-a, a)."""
    return Plan("uniform", check_number("a", a, low=0.0) / math.sqrt(3.0))


def xavier_normal(shape: Shape, gain: float = 1.0, mode: str = "avg") -> Plan:
    """N(0, xavier_std^2) (Glorot & Bengio 2010)."""
    return Plan("normal", xavier_std(shape, gain, mode))


def xavier_uniform(shape: Shape, gain: float = 1.0, mode: str = "avg") -> Plan:
    """U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010, eq. 16)."""
    return Plan("uniform", xavier_std(shape, gain, mode))


def he_normal(shape: Shape, mode: str = "fan_in", slope: float = 0.0) -> Plan:
    """N(0, 2 / ((1 + slope^2) fan)) (He et al. 2015)."""
    return Plan("normal", he_std(shape, mode, slope))


def he_uniform(shape: Shape, mode: str = "fan_in", slope: float = 0.0) -> Plan:
    """U(-a, a), a = sqrt(6 / ((1 + slope^2) fan)) (He et al. 2015)."""
    return Plan("uniform", he_std(shape, mode, slope))


def lecun_normal(shape: Shape) -> Plan:
    """N(0, 1 / fan_in) (LeCun et al. 1998; the SELU paper's choice)."""
    return Plan("normal", lecun_std(shape))


def lecun_uniform(shape: Shape) -> Plan:
    """U(-a, a), a = sqrt(3 / fan_in)."""
    return Plan("uniform", lecun_std(shape))


def orthogonal(shape: Shape, gain: float = 1.0) -> Plan:
    """A (semi-)orthogonal matrix times ``gain`` (Saxe et al. 2014); columns orthonormal if fan_in >= fan_out."""
    fans(shape)
    return Plan("orthogonal", check_number("gain", gain, low=0.0))


def sparse(shape: Shape, k: int = 15, std: float = 1.0) -> Plan:
    """Exactly ``k`` non-zero N(0, std^2) incoming weights per unit (Martens 2010 uses k = 15)."""
    fan_in, _ = fans(shape)
    return Plan("sparse", check_number("std", std, low=0.0), check_int("k", k, low=1, high=fan_in))


INITIALIZERS: Registry[Callable[..., Plan]] = Registry(
    "init",
    positional=("shape",),
    entries={
        f.__name__: f
        for f in (
            zeros,
            constant,
            normal,
            uniform,
            xavier_normal,
            xavier_uniform,
            he_normal,
            he_uniform,
            lecun_normal,
            lecun_uniform,
            orthogonal,
            sparse,
        )
    },
)
INITIALIZERS.update(xavier=xavier_normal, glorot=xavier_normal, he=he_normal, kaiming=he_normal)


def plan(name: str, shape: Shape, **params: Any) -> Plan:
    """The :class:`Plan` of the initializer called ``name`` for a weight of ``shape``."""
    check_choice("init", name, INITIALIZERS)
    return INITIALIZERS.build(name, _check_shape(shape), **params)


def initialize(
    name: str, shape: Shape, rng: np.random.Generator | int = 0, dtype: Any = np.float64, **params: Any
) -> np.ndarray:
    """Draw a weight of ``shape`` with the initializer called ``name`` (see ``INITIALIZERS``)."""
    return plan(name, shape, **params).draw(shape, rng, dtype)
