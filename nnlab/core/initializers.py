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
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nnlab.core._checks import as_generator, check_choice, check_int, check_number

Shape = tuple[int, ...]


def _check_shape(shape: Any) -> Shape:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        if isinstance(shape, str):
            raise TypeError
        shape = tuple(int(s) for s in shape)
    except (TypeError, ValueError):
        raise TypeError(f"shape must be an int or a tuple of ints, got {shape!r}") from None
    if not shape or any(s < 1 for s in shape):
        raise ValueError(f"shape={shape} must be non-empty with every size at least 1")
    return shape


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (fan_in, fan_out); a 1-D shape counts as (n, n)."""
    shape = _check_shape(shape)
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) != 2:
        raise ValueError(f"shape={shape}: weights must be 2-D (fan_in, fan_out)")
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


def zeros(shape: Shape, rng: np.random.Generator | int = 0, dtype: Any = np.float64) -> np.ndarray:
    """All zeros: every unit of a layer computes the same thing (the symmetry problem)."""
    return np.zeros(_check_shape(shape), dtype=dtype)


def constant(
    shape: Shape, rng: np.random.Generator | int = 0, value: float = 0.01, dtype: Any = np.float64
) -> np.ndarray:
    """Every entry equal to ``value`` (0.01 is the CS231n suggestion for ReLU biases)."""
    return np.full(_check_shape(shape), check_number("value", value), dtype=dtype)


def normal(shape: Shape, rng: np.random.Generator | int = 0, std: float = 0.01, dtype: Any = np.float64) -> np.ndarray:
    """N(0, std^2): the CS231n "small random numbers" W = 0.01 * randn(D, H)."""
    std = check_number("std", std, low=0.0)
    return (std * as_generator(rng).standard_normal(_check_shape(shape))).astype(dtype, copy=False)


def uniform(shape: Shape, rng: np.random.Generator | int = 0, a: float = 0.05, dtype: Any = np.float64) -> np.ndarray:
    """U(-a, a)."""
    a = check_number("a", a, low=0.0)
    return as_generator(rng).uniform(-a, a, _check_shape(shape)).astype(dtype, copy=False)


def _normal_with(std: float, shape: Shape, rng: Any, dtype: Any) -> np.ndarray:
    return (std * as_generator(rng).standard_normal(_check_shape(shape))).astype(dtype, copy=False)


def _uniform_with(std: float, shape: Shape, rng: Any, dtype: Any) -> np.ndarray:
    a = math.sqrt(3.0) * std
    return as_generator(rng).uniform(-a, a, _check_shape(shape)).astype(dtype, copy=False)


def xavier_normal(
    shape: Shape, rng: np.random.Generator | int = 0, gain: float = 1.0, mode: str = "avg", dtype: Any = np.float64
) -> np.ndarray:
    """N(0, xavier_std^2) (Glorot & Bengio 2010)."""
    return _normal_with(xavier_std(shape, gain, mode), shape, rng, dtype)


def xavier_uniform(
    shape: Shape, rng: np.random.Generator | int = 0, gain: float = 1.0, mode: str = "avg", dtype: Any = np.float64
) -> np.ndarray:
    """U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010, eq. 16)."""
    return _uniform_with(xavier_std(shape, gain, mode), shape, rng, dtype)


def he_normal(
    shape: Shape,
    rng: np.random.Generator | int = 0,
    mode: str = "fan_in",
    slope: float = 0.0,
    dtype: Any = np.float64,
) -> np.ndarray:
    """N(0, 2 / ((1 + slope^2) fan)) (He et al. 2015)."""
    return _normal_with(he_std(shape, mode, slope), shape, rng, dtype)


def he_uniform(
    shape: Shape,
    rng: np.random.Generator | int = 0,
    mode: str = "fan_in",
    slope: float = 0.0,
    dtype: Any = np.float64,
) -> np.ndarray:
    """U(-a, a), a = sqrt(6 / ((1 + slope^2) fan)) (He et al. 2015)."""
    return _uniform_with(he_std(shape, mode, slope), shape, rng, dtype)


def lecun_normal(shape: Shape, rng: np.random.Generator | int = 0, dtype: Any = np.float64) -> np.ndarray:
    """N(0, 1 / fan_in) (LeCun et al. 1998; the SELU paper's choice)."""
    return _normal_with(lecun_std(shape), shape, rng, dtype)


def lecun_uniform(shape: Shape, rng: np.random.Generator | int = 0, dtype: Any = np.float64) -> np.ndarray:
    """U(-a, a), a = sqrt(3 / fan_in)."""
    return _uniform_with(lecun_std(shape), shape, rng, dtype)


def orthogonal(
    shape: Shape, rng: np.random.Generator | int = 0, gain: float = 1.0, dtype: Any = np.float64
) -> np.ndarray:
    """A (semi-)orthogonal matrix times ``gain`` (Saxe et al. 2014).

    QR of a Gaussian matrix with the signs of R's diagonal folded into Q, which makes Q
    uniformly (Haar) distributed; the same algorithm as ``torch.nn.init.orthogonal_``.
    The columns are orthonormal when fan_in >= fan_out, the rows otherwise.
    """
    gain = check_number("gain", gain, low=0.0)
    rows, cols = fans(shape)
    a = as_generator(rng).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return (gain * q).reshape(_check_shape(shape)).astype(dtype, copy=False)


def sparse(
    shape: Shape, rng: np.random.Generator | int = 0, k: int = 15, std: float = 1.0, dtype: Any = np.float64
) -> np.ndarray:
    """Exactly ``k`` non-zero N(0, std^2) incoming weights per unit (Martens 2010 uses k = 15)."""
    fan_in, fan_out = fans(shape)
    k = check_int("k", k, low=1, high=fan_in)
    std = check_number("std", std, low=0.0)
    gen = as_generator(rng)
    w = np.zeros((fan_in, fan_out), dtype=np.float64)
    rows = np.argsort(gen.random((fan_in, fan_out)), axis=0)[:k]
    w[rows, np.arange(fan_out)] = std * gen.standard_normal((k, fan_out))
    return w.reshape(_check_shape(shape)).astype(dtype, copy=False)


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
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
}
INITIALIZERS.update(xavier=xavier_normal, glorot=xavier_normal, he=he_normal, kaiming=he_normal)


def initialize(
    name: str, shape: Shape, rng: np.random.Generator | int = 0, dtype: Any = np.float64, **params: Any
) -> np.ndarray:
    """Draw a weight of ``shape`` with the initializer called ``name`` (see ``INITIALIZERS``)."""
    fn = INITIALIZERS[check_choice("init", name, INITIALIZERS)]
    try:
        return fn(shape, rng, dtype=dtype, **params)
    except TypeError as err:
        if "unexpected keyword" not in str(err):
            raise
        import inspect

        allowed = [p for p in inspect.signature(fn).parameters if p not in ("shape", "rng", "dtype")]
        raise TypeError(
            f"initializer {name!r} got parameters {sorted(params)}; it accepts: {', '.join(allowed) or 'none'}"
        ) from None


def gaussian_std(name: str, shape: Shape, **params: Any) -> float | None:
    """The standard deviation of a Gaussian initializer, or None if ``name`` is not Gaussian.

    Every Gaussian initializer is a standard normal times this number, which lets a
    panel draw the normals once per seed and rescale them when the initializer changes.
    """
    name = check_choice("init", name, INITIALIZERS)
    fn = INITIALIZERS[name]
    if fn is normal:
        return check_number("std", params.get("std", 0.01), low=0.0)
    if fn is xavier_normal:
        return xavier_std(shape, **params)
    if fn is he_normal:
        return he_std(shape, **params)
    if fn is lecun_normal:
        return lecun_std(shape)
    return None
