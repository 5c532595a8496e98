"""Two-dimensional data sets made on the fly, seeded, and a train/validation/test split.

``spiral`` is the data of the CS231n case study ("Putting it together: minimal neural
network case study"): K arms of N points, radius 0..1, angle 4j..4(j+1) plus N(0, 0.2^2)
noise. The others are the usual toy sets of the lectures' pictures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_array, check_choice, check_int, check_number

Data = tuple[np.ndarray, np.ndarray]


def spiral(n_per_class: int = 100, classes: int = 3, noise: float = 0.2, rng: Any = 0) -> Data:
    """The CS231n case-study spiral: ``classes`` arms of ``n_per_class`` points each."""
    n = check_int("n_per_class", n_per_class, low=1)
    k = check_int("classes", classes, low=2)
    noise = check_number("noise", noise, low=0.0)
    gen = as_generator(rng)
    X = np.zeros((n * k, 2))
    y = np.zeros(n * k, dtype=np.intp)
    for j in range(k):
        rows = slice(n * j, n * (j + 1))
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(j * 4, (j + 1) * 4, n) + gen.standard_normal(n) * noise
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[rows] = j
    return X, y


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, rng: Any = 0) -> Data:
    """Two concentric circles (inner radius ``factor``); class 1 is the inner one."""
    n = check_int("n", n, low=2)
    noise = check_number("noise", noise, low=0.0)
    factor = check_number("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    gen = as_generator(rng)
    outer, inner = n - n // 2, n // 2
    t = np.r_[np.linspace(0, 2 * np.pi, outer, endpoint=False), np.linspace(0, 2 * np.pi, inner, endpoint=False)]
    radius = np.r_[np.ones(outer), np.full(inner, factor)]
    X = np.c_[radius * np.cos(t), radius * np.sin(t)] + noise * gen.standard_normal((n, 2))
    return X, np.r_[np.zeros(outer, dtype=np.intp), np.ones(inner, dtype=np.intp)]


def xor(n: int = 200, noise: float = 0.1, rng: Any = 0) -> Data:
    """Points in [-1, 1]^2, class 1 where x and y have opposite signs: not linearly separable."""
    n = check_int("n", n, low=2)
    noise = check_number("noise", noise, low=0.0)
    gen = as_generator(rng)
    X = gen.uniform(-1, 1, (n, 2))
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.intp)
    return X + noise * gen.standard_normal((n, 2)), y


def blobs(n_per_class: int = 100, centers: Any = ((-1, -1), (1, 1), (-1, 1)), std: float = 0.4, rng: Any = 0) -> Data:
    """Gaussian blobs of standard deviation ``std`` around ``centers`` (one class each)."""
    n = check_int("n_per_class", n_per_class, low=1)
    centers = check_array("centers", centers, ndim=2)
    std = check_number("std", std, low=0.0)
    gen = as_generator(rng)
    X = np.concatenate([c + std * gen.standard_normal((n, centers.shape[1])) for c in centers])
    return X, np.repeat(np.arange(len(centers)), n)


def moons(n: int = 200, noise: float = 0.1, rng: Any = 0) -> Data:
    """Two interleaving half circles."""
    n = check_int("n", n, low=2)
    noise = check_number("noise", noise, low=0.0)
    gen = as_generator(rng)
    a, b = n - n // 2, n // 2
    ta, tb = np.linspace(0, np.pi, a), np.linspace(0, np.pi, b)
    X = np.r_[np.c_[np.cos(ta), np.sin(ta)], np.c_[1 - np.cos(tb), 0.5 - np.sin(tb)]]
    return X + noise * gen.standard_normal((n, 2)), np.r_[np.zeros(a, dtype=np.intp), np.ones(b, dtype=np.intp)]


def correlated_gaussian(
    n: int = 500, correlation: float = 0.8, anisotropy: float = 3.0, offset: Any = (2.0, 1.0), rng: Any = 0
) -> np.ndarray:
    """A Gaussian cloud for the preprocessing pictures (CS231n notes, Data Preprocessing).

    Standard deviations ``anisotropy`` and 1 along x and y, correlation ``correlation``, mean ``offset``.
    """
    n = check_int("n", n, low=2)
    rho = check_number("correlation", correlation, low=-1.0, high=1.0, low_open=True, high_open=True)
    s = check_number("anisotropy", anisotropy, low=0.0, low_open=True)
    offset = check_array("offset", offset, ndim=1)
    if offset.shape != (2,):
        raise SettingError(f"offset must be a point (x, y), got shape {offset.shape}")
    cov = np.array([[s * s, rho * s], [rho * s, 1.0]])
    return as_generator(rng).multivariate_normal(offset, cov, size=n, method="cholesky")


DATASETS = {"spiral": spiral, "circles": circles, "xor": xor, "blobs": blobs, "moons": moons}


def make_dataset(name: str, **params: Any) -> Data:
    """The labelled 2-D data set called ``name`` (see ``DATASETS``)."""
    return DATASETS[check_choice("dataset", name, DATASETS)](**params)


@dataclass
class Split:
    """Training, validation and test parts of one data set."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def split(X: Any, y: Any, val: float = 0.15, test: float = 0.15, rng: Any = 0) -> Split:
    """Shuffle and cut into train / validation / test with the given fractions."""
    X = check_array("X", X, ndim=2)
    y = np.asarray(y)
    if y.ndim == 0:
        raise SettingError(f"y must be an array of {X.shape[0]} labels or targets, got {type(y.item()).__name__}")
    if y.shape[0] != X.shape[0]:
        raise SettingError(f"y has {y.shape[0]} entries but X has {X.shape[0]} rows")
    val = check_number("val", val, low=0.0, high=1.0)
    test = check_number("test", test, low=0.0, high=1.0)
    if val + test >= 1.0:
        raise SettingError(f"val + test = {val + test:g} leaves no training data; their sum must be below 1")
    n = X.shape[0]
    order = as_generator(rng).permutation(n)
    n_val, n_test = int(round(val * n)), int(round(test * n))
    v, t, r = order[:n_val], order[n_val : n_val + n_test], order[n_val + n_test :]
    return Split(X[r], y[r], X[v], y[v], X[t], y[t])


@dataclass(frozen=True)
class RegionGrid:
    """Points on a grid over a 2-D data set's box, where a classifier is evaluated to draw its decision regions."""

    x: np.ndarray  # the grid's x coordinates (cols,)
    y: np.ndarray  # its y coordinates (rows,)

    @property
    def inputs(self) -> np.ndarray:
        """Every grid point, row by row: (rows x cols, 2), the network's input."""
        gx, gy = self.mesh()
        return np.c_[gx.ravel(), gy.ravel()]

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(left, right, bottom, top), for ``imshow(..., origin="lower")``."""
        return float(self.x[0]), float(self.x[-1]), float(self.y[0]), float(self.y[-1])

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.y), len(self.x)

    def mesh(self) -> tuple[np.ndarray, np.ndarray]:
        """The grid's x and y as (rows, cols) arrays, for ``contour``."""
        return np.meshgrid(self.x, self.y)

    def image(self, values: Any) -> np.ndarray:
        """Per-point ``values`` (in the order of ``inputs``, with any trailing axes) as a (rows, cols, ...) image."""
        values = np.asarray(values)
        return values.reshape(*self.shape, *values.shape[1:])


def region_grid(X: Any, points: int | tuple[int, int] = 100, margin: float = 0.3, relative: bool = False) -> RegionGrid:
    """A grid of ``points`` per side (or (cols, rows)) over the box of the points ``X``, widened on every side by
    ``margin`` (a share of the box's larger side, at least 1e-3, when ``relative``)."""
    X = check_array("X", X, ndim=2)
    if isinstance(points, int | np.integer):
        points = (points, points)
    if not isinstance(points, tuple | list) or len(points) != 2:
        raise SettingError(f"points={points!r} is not valid; give an int or (cols, rows)")
    cols, rows = (check_int("points", p, low=2, high=4096) for p in points)
    margin = check_number("margin", margin, low=0.0)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * max(float(hi[0] - lo[0]), float(hi[1] - lo[1]), 1e-3) if relative else margin
    lo, hi = lo - pad, hi + pad
    return RegionGrid(np.linspace(lo[0], hi[0], cols), np.linspace(lo[1], hi[1], rows))
