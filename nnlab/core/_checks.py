"""Argument checks shared by the core.

Every public function of the core rejects bad input with a :class:`SettingError` (a ``ValueError`` and a
``TypeError``) that names the argument, the value it got and what is allowed. These helpers keep those messages
uniform. Anything else that escapes is a bug of ours, and a panel says so (``nnlab.app.base``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np


class SettingError(ValueError, TypeError):
    """A bad argument or setting: the message names it, the value it got and what is allowed.

    Both a ``ValueError`` and a ``TypeError``, so callers catching either (as Python's own conventions suggest for
    a wrong value or a wrong type) catch it; its own class lets a panel tell a student's bad value (shown as it is)
    from an error of ours (shown as an internal error with a reference, its traceback logged).
    """


class NonFiniteError(SettingError):
    """A value that must be finite holds NaN or infinity.

    A :class:`SettingError`, so bad input is reported like any other; its own class lets the
    training loop and the panels tell divergence (weights or scores blowing up) apart
    from a wrong argument and show it as a state rather than a crash.
    """


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise naming them all."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        raise SettingError(f"{name}={value!r} is not valid; choose one of: {', '.join(choices)}")
    return value


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float if it is a finite real number inside the given bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise SettingError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond float's range, such as 10**400
        raise SettingError(f"{name} must be finite, got an integer of {len(str(abs(value)))} digits") from None
    if not np.isfinite(value):
        raise SettingError(f"{name} must be finite, got {value!r}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise SettingError(f"{name}={value!r} is outside the allowed range {left}{lo}, {hi}{right}")
    return value


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` if it is an integer inside ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise SettingError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else str(low)
        hi = "inf" if high is None else str(high)
        raise SettingError(f"{name}={value} is outside the allowed range [{lo}, {hi}]")
    return value


def check_array(
    name: str,
    value: Any,
    *,
    ndim: int | tuple[int, ...] | None = None,
    finite: bool = True,
    dtype: Any = None,
) -> np.ndarray:
    """Return ``value`` as a floating-point array, checking its rank and that it is finite.

    Integer input is converted to float64; float32 input stays float32 unless ``dtype`` says.
    """
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise SettingError(f"{name} must be an array of numbers: {err}") from None
    if arr.dtype.kind not in "fiub":
        raise SettingError(f"{name} must be an array of numbers, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            wanted = " or ".join(str(d) for d in allowed)
            raise SettingError(f"{name} must have {wanted} dimensions, got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise NonFiniteError(f"{name} contains {bad} NaN or infinite value(s); all must be finite")
    return arr


def check_labels(name: str, y: Any, n: int, num_classes: int) -> np.ndarray:
    """Return integer class labels ``y`` of length ``n`` with values in ``[0, num_classes)``."""
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise SettingError(f"{name} must be a 1-D array of {n} labels, got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise SettingError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise SettingError(
            f"{name} holds labels from {arr.min()} to {arr.max()}; "
            f"allowed are 0 to {num_classes - 1} for {num_classes} classes"
        )
    return arr.astype(np.intp, copy=False)


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise if two arrays that must match elementwise do not."""
    if a.shape != b.shape:
        raise SettingError(f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; they must match")


def as_generator(rng: Any, name: str = "rng") -> np.random.Generator:
    """Accept a ``numpy.random.Generator`` or an integer seed; nothing else.

    Randomness in nnlab only flows from an explicit generator or seed, so the same
    state always gives the same numbers and the same picture.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise SettingError(f"{name} must be a numpy.random.Generator or a non-negative integer seed, got {rng!r}")
