"""Two-dimensional test surfaces with analytic gradients, and optimizer trajectories on them.

The surfaces of Alec Radford's 2014-15 optimizer animations (long valley, Beale's
function, saddle point) and the CS231n notes' illustrations, plus Rosenbrock,
Himmelblau and an ill-conditioned bowl. Points are arrays of shape (..., 2).

:func:`run_trajectories` drives many optimizers from many start points at once: the
points of all optimizers live in one array, each optimizer updates its own slice in
place, and the surface's gradient is evaluated for all of them in one call.
Divergence (overflow, NaN) is recorded per trajectory as the step where it happened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_array, check_choice, check_int, check_number
from nnlab.core.optim import Optimizer, make_optimizer

Field = Callable[[np.ndarray, np.ndarray], Any]


@dataclass(frozen=True)
class Surface:
    """A function f(x, y) with its gradient, known minima, a viewing window and classic start points.

    ``formula`` is plain text (Unicode superscripts): no math-text fonts are needed to draw it.
    """

    name: str
    title: str
    formula: str
    f: Field
    grad: Field
    minima: tuple[tuple[float, float], ...]
    window: tuple[tuple[float, float], tuple[float, float]]
    starts: tuple[tuple[float, float], ...]
    log_levels: bool = False
    notes: str = ""

    def _xy(self, points: Any) -> tuple[np.ndarray, np.ndarray]:
        points = check_array("points", points, finite=False)
        if points.ndim == 0 or points.shape[-1] != 2:
            raise SettingError(f"points must have shape (..., 2), got {points.shape}")
        return points[..., 0], points[..., 1]

    def value(self, points: Any) -> np.ndarray:
        """f at every point of ``points`` (..., 2)."""
        return self.f(*self._xy(points))

    def gradient(self, points: Any) -> np.ndarray:
        """(df/dx, df/dy) at every point, shape (..., 2)."""
        gx, gy = self.grad(*self._xy(points))
        return np.stack([gx, gy], axis=-1)

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """X, Y, f(X, Y) on an n x n grid over the window, for contour plots."""
        (x0, x1), (y0, y1) = self.window
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.f(X, Y)


def _beale(x, y):
    y2 = y * y
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y2) ** 2 + (2.625 - x + x * y2 * y) ** 2


def _beale_grad(x, y):
    # f = sum_i r_i^2 with r_i = c_i - x + x y^i: df/dx = sum 2 r_i (y^i - 1), df/dy = sum 2 r_i i x y^(i-1)
    y2 = y * y
    y3 = y2 * y
    r1 = 1.5 - x + x * y
    r2 = 2.25 - x + x * y2
    r3 = 2.625 - x + x * y3
    gx = 2 * (r1 * (y - 1) + r2 * (y2 - 1) + r3 * (y3 - 1))
    gy = 2 * x * (r1 + 2 * r2 * y + 3 * r3 * y2)
    return gx, gy


# The long valley: a gently sloping floor 500 times flatter than its walls.
_VALLEY_A, _VALLEY_B, _VALLEY_X0 = 0.01, 5.0, 10.0
_BOWL_K = 10.0

SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface(
            name="beale",
            title="Beale's function",
            formula="(1.5 - x + xy)² + (2.25 - x + xy²)² + (2.625 - x + xy³)²",
            f=_beale,
            grad=_beale_grad,
            minima=((3.0, 0.5),),
            window=((-4.5, 4.5), (-4.5, 4.5)),
            starts=((1.0, 1.5), (3.0, 4.0), (-1.5, -1.0)),
            log_levels=True,
            notes="Flat plateaus and steep walls over a range of 1e5: adaptive methods shine.",
        ),
        Surface(
            name="saddle",
            title="Saddle point",
            formula="x² - y²",
            f=lambda x, y: x * x - y * y,
            grad=lambda x, y: (2 * x, -2 * y),
            minima=(),
            window=((-1.5, 1.5), (-1.5, 1.5)),
            starts=((1.0, 1e-3),),
            notes="Started near the ridge y = 0, SGD creeps along it; adaptive methods escape.",
        ),
        Surface(
            name="long_valley",
            title="Long narrow valley",
            formula="0.01(x - 10)² + 5y²",
            f=lambda x, y: _VALLEY_A * (x - _VALLEY_X0) ** 2 + _VALLEY_B * y * y,
            grad=lambda x, y: (2 * _VALLEY_A * (x - _VALLEY_X0), 2 * _VALLEY_B * y),
            minima=((_VALLEY_X0, 0.0),),
            window=((-2.0, 12.0), (-2.0, 2.0)),
            starts=((-1.0, 1.5),),
            notes="Condition number 500: SGD zig-zags across, momentum builds speed along the floor.",
        ),
        Surface(
            name="rosenbrock",
            title="Rosenbrock's banana",
            formula="(1 - x)² + 100(y - x²)²",
            f=lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
            grad=lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
            minima=((1.0, 1.0),),
            window=((-2.0, 2.0), (-1.0, 3.0)),
            starts=((-1.5, 2.0), (-1.0, 0.0)),
            log_levels=True,
            notes="A curved valley: easy to find, slow to follow.",
        ),
        Surface(
            name="bowl",
            title="Ill-conditioned quadratic bowl",
            formula="(x² + 10y²) / 2",
            f=lambda x, y: 0.5 * (x * x + _BOWL_K * y * y),
            grad=lambda x, y: (x, _BOWL_K * y),
            minima=((0.0, 0.0),),
            window=((-4.0, 4.0), (-3.0, 3.0)),
            starts=((-3.5, 2.5),),
            notes="The CS231n picture: steep in y, shallow in x, so SGD zig-zags.",
        ),
        Surface(
            name="himmelblau",
            title="Himmelblau's function",
            formula="(x² + y - 11)² + (x + y² - 7)²",
            f=lambda x, y: (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
            grad=lambda x, y: (
                4 * x * (x * x + y - 11) + 2 * (x + y * y - 7),
                2 * (x * x + y - 11) + 4 * y * (x + y * y - 7),
            ),
            minima=((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            window=((-5.0, 5.0), (-5.0, 5.0)),
            starts=((0.0, 0.0), (-0.5, -0.5)),
            log_levels=True,
            notes="Four minima: where you start decides where you end.",
        ),
    )
}


def get_surface(name: str | Surface) -> Surface:
    """The surface called ``name`` (see ``SURFACES``)."""
    if isinstance(name, Surface):
        return name
    return SURFACES[check_choice("surface", name, SURFACES)]


@dataclass
class Trajectories:
    """Paths of several optimizers from the same start points.

    ``positions[k, t, p]`` is optimizer k's point p after t steps (t = 0 is the start),
    ``losses[k, t, p]`` the surface there; ``diverged_at[k, p]`` is the first step whose
    point or value is not finite, or -1. Points after divergence are NaN or inf.
    """

    labels: list[str]
    positions: np.ndarray
    losses: np.ndarray
    diverged_at: np.ndarray
    optimizers: list[Optimizer] = field(repr=False, default_factory=list)
    # With ``internals=True``: per optimizer, each of :meth:`Optimizer.internals` after every step, as arrays of
    # shape (T + 1, ...) (step 0, before any step, is NaN): velocities and step sizes (T + 1, P, 2), bias
    # corrections (T + 1, 2).
    internals: list[dict[str, np.ndarray]] = field(repr=False, default_factory=list)


OptimizerSpec = tuple[str, Mapping[str, Any]]


def run_trajectories(
    surface: str | Surface,
    optimizers: Mapping[str, OptimizerSpec],
    starts: Any = None,
    steps: int = 200,
    noise_std: float = 0.0,
    rng: np.random.Generator | int = 0,
    internals: bool = False,
) -> Trajectories:
    """Run every optimizer in ``optimizers`` (label -> (name, hyperparameters)) on ``surface``.

    ``starts`` is (P, 2) start points (the surface's first classic start by default).
    ``noise_std`` adds N(0, noise_std^2) to every gradient component, a stand-in for
    minibatch noise; the noise is drawn from ``rng``. ``internals`` records what each optimizer carries
    from step to step (:meth:`~nnlab.core.optim.Optimizer.internals`) after every step.
    """
    surface = get_surface(surface)
    steps = check_int("steps", steps, low=0, high=1_000_000)
    noise_std = check_number("noise_std", noise_std, low=0.0)
    if not isinstance(optimizers, Mapping):
        raise SettingError(
            f"optimizers must be a dict label -> (name, hyperparameters), got {type(optimizers).__name__}"
        )
    if not optimizers:
        raise SettingError("optimizers is empty; give at least one (label -> (name, hyperparameters))")
    for label, spec in optimizers.items():
        if not (isinstance(spec, (tuple, list)) and len(spec) == 2 and isinstance(spec[1], Mapping)):
            raise SettingError(f"optimizers[{label!r}] must be (name, hyperparameters dict), got {spec!r}")
    starts = check_array("starts", surface.starts[:1] if starts is None else starts, dtype=np.float64)
    if starts.shape == (2,):
        starts = starts[None, :]
    if starts.ndim != 2 or starts.shape[1] != 2:
        raise SettingError(f"starts must have shape (P, 2) or (2,), got {starts.shape}")
    gen = as_generator(rng)

    labels = list(optimizers)
    k, p = len(labels), starts.shape[0]
    # Optimizer i owns points[i], of shape (2, P): x and y rows stay contiguous for the surface.
    points = np.repeat(starts.T[None], k, axis=0)
    opts = [make_optimizer(name, points[i], **dict(hyper)) for i, (name, hyper) in enumerate(optimizers.values())]
    ahead = [i for i, opt in enumerate(opts) if opt.looks_ahead]
    grads = np.empty_like(points)
    recorded: list[dict[str, np.ndarray]] = [{} for _ in opts]
    path = np.empty((steps + 1, k, 2, p))
    path[0] = points
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            at = points
            if ahead:
                at = points.copy()
                for i in ahead:
                    at[i] = opts[i].gradient_point(0)
            grads[:, 0], grads[:, 1] = surface.grad(at[:, 0], at[:, 1])
            if noise_std:
                grads += noise_std * gen.standard_normal(grads.shape)
            for i, opt in enumerate(opts):
                opt.step(grads[i])
                if internals:
                    for key, value in opt.internals().items():
                        kept = recorded[i].setdefault(key, np.full((steps + 1, *np.shape(value)), np.nan))
                        kept[t] = value
            path[t] = points
        positions = path.transpose(1, 0, 3, 2)  # (K, T, P, 2)
        losses = surface.value(positions)
        bad = ~(np.isfinite(positions).all(axis=-1) & np.isfinite(losses))
    first_bad = bad.argmax(axis=1)
    diverged_at = np.where(bad.any(axis=1), first_bad, -1)
    for kept in recorded:  # vectors as (T + 1, P, 2), like the positions
        for key, value in kept.items():
            if value.ndim == 3:
                kept[key] = value.transpose(0, 2, 1)
    return Trajectories(labels, positions, losses, diverged_at, opts, recorded)
