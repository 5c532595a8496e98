"""The activation-function experiments of the lectures (CS231n lecture 6 and notes "Neural Networks Part 1",
EECS 498 lecture 10), computed with the core's activations, initialization study and training loop.

- where f saturates or dies: f' below :data:`SATURATION` of its maximum (:func:`flat`, :func:`local_gradients`);
- not zero-centred: a neuron whose inputs are all positive gets a gradient on its weights whose entries share
  one sign, so each step lies in quadrant I or III and the path zig-zags (:func:`zigzag`);
- dead ReLUs: units whose pre-activation is negative on every training example get no gradient, ever
  (:func:`dead_units`);
- SELU self-normalizes through many layers (:func:`depth_stats`, Klambauer et al. 2017);
- GELU against x sigmoid(1.702 x) (:func:`gelu_sigmoid_gap`, Hendrycks & Gimpel 2016) and Maxout
  (:func:`maxout_curve`, Goodfellow et al. 2013);
- which converges faster: training error against the step, same network and data (:func:`race`; AlexNet,
  Krizhevsky et al. 2012, figure 1: ReLU reaches 25% training error about 6x faster than tanh).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from nnlab.core._checks import check_choice, check_int, check_number
from nnlab.core.activations import Activation, get_activation, sigmoid
from nnlab.core.layers import Maxout
from nnlab.core.model import NetworkSpec
from nnlab.core.train import TrainConfig
from nnlab.data.toy2d import make_dataset
from nnlab.topics.initialization.study import run_study
from nnlab.topics.training.study import EVAL_EVERY, LiveRun, first_below, start_run

SATURATION = 0.01  # f' below 1% of its largest value counts as saturated (or, where f' = 0, dead)
ZIGZAG_TARGET = (1.0, -1.0)  # the CS231n picture's "hypothetical optimal w vector": its entries differ in sign
ZIGZAG_POINTS = 200
DEAD_SIZES = [2, 32, 32, 3]  # a 2-D input layer, so each unit's active half-plane can be drawn
_GRID = np.linspace(-50.0, 50.0, 20_001)


def derivative_max(activation: Activation) -> float:
    """The largest |f'| on [-50, 50] (1/4 for sigmoid, 1 for tanh and ReLU, lambda * alpha = 1.76 for SELU)."""
    return float(np.max(np.abs(activation.derivative(_GRID))))


def flat(activation: Activation, x: np.ndarray) -> np.ndarray:
    """Where |f'(x)| < SATURATION x max |f'|: the gradient through the unit is (almost) gone (GELU's negative f'
    passes gradient, with its sign turned)."""
    return np.abs(activation.derivative(np.asarray(x, dtype=float))) < SATURATION * derivative_max(activation)


@dataclass
class LocalGradients:
    """How a layer's units pass gradient back, over its pre-activations z."""

    saturated: float  # fraction of values where |f'| < 1% of its maximum (dead ones included)
    dead: float  # fraction where f' = 0 exactly (ReLU's negative side)
    mean: float  # mean f'(z): the factor the layer multiplies the gradient by, on average


def local_gradients(activation: Activation, z: np.ndarray) -> LocalGradients:
    """The saturated and dead fractions and the mean local gradient f'(z) of pre-activations ``z``."""
    d = activation.derivative(np.asarray(z, dtype=float))
    return LocalGradients(float(np.mean(np.abs(d) < SATURATION * derivative_max(activation))), float(np.mean(d == 0)),
                          float(np.mean(d)))  # fmt: skip


def gelu_sigmoid_gap(x_max: float = 10.0) -> float:
    """max |GELU(x) - x sigmoid(1.702 x)| over [-x_max, x_max]: 0.020 (Hendrycks & Gimpel's approximation)."""
    x = np.linspace(-x_max, x_max, 20_001)
    return float(np.max(np.abs(get_activation("gelu")(x) - x * sigmoid(1.702 * x))))


@dataclass
class MaxoutCurve:
    """One Maxout unit on a scalar input: its k affine pieces, f = max of them, and f' (the winner's slope)."""

    pieces: np.ndarray  # (len(x), k)
    value: np.ndarray
    derivative: np.ndarray


def maxout_curve(x: np.ndarray, k: int, seed: int = 0) -> MaxoutCurve:
    """The core's :class:`~nnlab.core.layers.Maxout` with one input and one output, biases drawn like weights."""
    layer = Maxout(1, 1, check_int("k", k, low=1, high=16), init="normal", init_params={"std": 1.0}, rng=seed)
    layer.params["b"] = np.random.default_rng([seed, 1]).normal(0.0, 1.0, k)
    x = np.asarray(x, dtype=float)
    pieces = x[:, None] * layer.params["W"][0] + layer.params["b"]
    value = layer.forward(x[:, None])[0][:, 0]
    derivative = layer.params["W"][0][np.argmax(pieces, axis=1)]
    return MaxoutCurve(pieces, value, derivative)


def maxout_parameters(n_in: int, n_out: int, k: int) -> int:
    """Weights and biases of a Maxout layer: k times those of an affine layer (CS231n: "doubles the parameters")."""
    return k * (n_in + 1) * n_out


@dataclass
class ZigZag:
    """Minibatch SGD on one linear neuron w . x with the squared error to w* . x (w* = ZIGZAG_TARGET)."""

    path: np.ndarray  # (steps + 1, 2): w after every step, from w = 0
    same_sign: float  # fraction of steps whose two entries share one sign (quadrant I or III)
    straightness: float  # |w_T - w_0| / the path's length: 1 for a straight path
    distance: float  # |w_T - w*|
    X: np.ndarray  # the inputs


def zigzag(centred: bool, batch: int = 1, steps: int = 60, lr: float = 0.5, seed: int = 0) -> ZigZag:
    """Inputs x ~ U(0, 1)^2, all positive like a sigmoid layer's outputs (or centred: minus their mean). For one
    example the gradient is (w . x - y) x: a scalar times a positive vector, so both entries share its sign."""
    batch = check_int("batch", batch, low=1, high=ZIGZAG_POINTS)
    steps = check_int("steps", steps, low=1, high=10_000)
    lr = check_number("lr", lr, low=0.0, low_open=True)
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, (ZIGZAG_POINTS, 2))
    if centred:
        X = X - X.mean(axis=0)
    target = np.array(ZIGZAG_TARGET)
    y = X @ target
    w, path, same = np.zeros(2), [np.zeros(2)], []
    for _ in range(steps):
        rows = rng.choice(ZIGZAG_POINTS, batch, replace=False)
        gradient = (X[rows] @ w - y[rows]) @ X[rows] / batch
        w = w - lr * gradient
        path.append(w)
        same.append(gradient[0] * gradient[1] > 0)
    path = np.array(path)
    length = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
    straight = float(np.linalg.norm(path[-1] - path[0]) / length) if length > 0 else 1.0
    return ZigZag(path, float(np.mean(same)), straight, float(np.linalg.norm(path[-1] - target)), X)


def _spiral() -> tuple[np.ndarray, np.ndarray]:
    return make_dataset("spiral", n_per_class=100, noise=0.2, rng=0)  # CS231n's spiral, 300 points


@dataclass
class DeadUnits:
    """A ReLU-style network trained on the spiral, watched for units that never fire."""

    steps: np.ndarray  # the evaluated steps (every EVAL_EVERY)
    dead: np.ndarray  # (evaluations, hidden layers): fraction of units with f'(z) = 0 on every training example
    inactive: np.ndarray  # (evaluations, hidden layers): fraction with z <= 0 on every training example
    W: np.ndarray  # (2, units) the first layer's weights at the end
    b: np.ndarray  # (units,)
    first_dead: np.ndarray  # (units,) bool: first-layer units dead at the end
    first_inactive: np.ndarray  # (units,) bool: first-layer units with z <= 0 on every training example at the end
    X: np.ndarray
    y: np.ndarray
    train_acc: float
    diverged: bool


def _never(run: LiveRun, activation: Activation, X: np.ndarray) -> tuple[list[float], list[float], Any, Any]:
    """Per hidden layer, the dead and the never-positive fractions; the first layer's dead and never-positive units."""
    with np.errstate(all="ignore"):
        run.network.forward(X, train=False, trace=True)
    dead, inactive, first = [], [], (np.zeros(0, dtype=bool), np.zeros(0, dtype=bool))
    for index, trace in enumerate(run.network.trace):
        z = trace.pre_activation
        never = np.all(activation.derivative(z) == 0, axis=0)
        negative = np.all(z <= 0, axis=0)
        dead.append(float(np.mean(never)))
        inactive.append(float(np.mean(negative)))
        if index == 0:
            first = (never, negative)
    return dead, inactive, *first


def dead_units(
    activation: str = "relu",
    activation_params: dict[str, Any] | None = None,
    lr: float = 1.5,
    bias: float = 0.0,
    steps: int = 500,
    seed: int = 0,
) -> DeadUnits:
    """Train 2-32-32-3 (He init, SGD, batch 32) on the spiral at learning rate ``lr`` with every hidden bias
    starting at ``bias`` (negative: the units' half-planes start off the data cloud); the dead fraction over
    training. A unit is dead when f'(z) = 0 for every training example: it gets no gradient and cannot recover."""
    act = get_activation(activation, **(activation_params or {}))
    X, y = _spiral()
    spec = NetworkSpec(DEAD_SIZES, activation=activation, activation_params=dict(activation_params or {}),
                       init="he_normal", bias=bias, seed=seed)  # fmt: skip
    run = start_run(spec, TrainConfig(optimizer="sgd", batch_size=32, seed=seed), (X, y, X[:0], y[:0]), lr, 0.0)
    evaluated, dead, inactive = [], [], []
    first = first_inactive = np.zeros(DEAD_SIZES[1], dtype=bool)
    for at in range(0, check_int("steps", steps, low=0, high=20_000) + 1, EVAL_EVERY):
        run.advance_to(at)
        if run.stopped:
            break
        d, i, first, first_inactive = _never(run, act, X)
        evaluated.append(at)
        dead.append(d)
        inactive.append(i)
    linear = run.network.layers[run.network.hidden[0]["linear"]]
    return DeadUnits(np.array(evaluated), np.array(dead), np.array(inactive), linear.params["W"].copy(),
                     linear.params["b"].copy(), first, first_inactive, X, y, run.snapshots[-1].train_acc,
                     run.stopped)  # fmt: skip


@dataclass
class DepthStats:
    """Mean and standard deviation of every layer's activations in a deep, wide network at initialization."""

    means: np.ndarray
    stds: np.ndarray


def depth_stats(
    activation: str,
    init: str,
    init_params: dict[str, Any] | None = None,
    activation_params: dict[str, Any] | None = None,
    depth: int = 50,
    width: int = 500,
    batch: int = 200,
    seed: int = 0,
) -> DepthStats:
    """The initialization study forward only: x ~ N(0, 1) through ``depth`` layers of ``width`` units."""
    study = run_study(depth=depth, width=width, batch=batch, activation=activation, init=init,
                      init_params=init_params, activation_params=activation_params, gradients=False,
                      seed=seed)  # fmt: skip
    return DepthStats(np.array([layer.mean for layer in study.layers]), study.stds)


RACE_INITS = {"recommended": "He for ReLU, Xavier for tanh and sigmoid", "he_normal": "He for all",
              "xavier_normal": "Xavier for all"}  # fmt: skip


@dataclass
class Race:
    """Training error against the step for each activation; the first step at or below the target error."""

    steps: dict[str, np.ndarray]
    error: dict[str, np.ndarray]
    reached: dict[str, int | None]


@lru_cache(maxsize=8)  # the same settings give the same run: a preset pressed again is instant
def race(
    activations: tuple[str, ...] = ("relu", "tanh", "sigmoid"),
    init: str = "recommended",
    lr: float = 0.1,
    steps: int = 1500,
    target: float = 0.25,
    seed: int = 0,
) -> Race:
    """Train 2-16-16-3 on the spiral with each activation (SGD, batch 64, the same data and seed), as AlexNet's
    figure 1 does for ReLU and tanh: steps to ``target`` training error."""
    init = check_choice("init", init, RACE_INITS)
    X, y = _spiral()
    out = Race({}, {}, {})
    for name in activations:
        chosen = init if init != "recommended" else ("he_normal" if name == "relu" else "xavier_normal")
        spec = NetworkSpec([2, 16, 16, 3], activation=name, init=chosen, seed=seed)
        run = start_run(spec, TrainConfig(optimizer="sgd", batch_size=64, seed=seed), (X, y, X[:0], y[:0]), lr, 0.0)
        run.advance_to(check_int("steps", steps, low=EVAL_EVERY, high=20_000))
        out.steps[name] = np.array([s.iteration for s in run.snapshots])
        out.error[name] = np.array([1.0 - s.train_acc for s in run.snapshots])
        out.reached[name] = first_below(run.snapshots, target)
    return out
