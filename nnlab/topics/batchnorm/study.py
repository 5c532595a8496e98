"""The batch-normalization experiments of the lectures (CS231n notes and lecture 6, CMU 11-785 "Optimization
part 2", EECS 498 lecture 10; Ioffe & Szegedy 2015), computed with the core's :class:`BatchNorm`.

One unit's pre-activations over a minibatch are x ~ N(:data:`UNIT_MEAN`, :data:`UNIT_STD`^2): far from zero
mean and unit variance, as a layer's outputs are before normalization.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, check_choice, check_int, check_number
from nnlab.core.layers import BatchNorm
from nnlab.core.model import NetworkSpec
from nnlab.core.train import TrainConfig
from nnlab.data.toy2d import make_dataset
from nnlab.topics.training.study import EVAL_EVERY, start_run

UNIT_MEAN, UNIT_STD = 3.0, 2.0
EPS = 1e-5  # PyTorch's default


def unit_batch(batch: int, seed: int = 0, index: int = 0) -> np.ndarray:
    """Minibatch ``index`` of one unit's pre-activations: ``batch`` draws of N(UNIT_MEAN, UNIT_STD^2)."""
    rng = np.random.default_rng([seed, index])
    return rng.normal(UNIT_MEAN, UNIT_STD, check_int("batch", batch, low=1))


def check_batch(batch: int) -> int:
    """A training-mode batch needs two examples: the variance of one is 0 and x_hat = 0 / sqrt(eps)."""
    batch = check_int("batch", batch, low=1)
    if batch < 2:
        raise SettingError(f"batch={batch} is not valid: batch norm in training mode needs at least 2 examples per "
                         "batch (the variance of one example is 0, every output would be beta)")  # fmt: skip
    return batch


@dataclass
class OneBatch:
    x: np.ndarray  # the unit's pre-activations
    x_hat: np.ndarray  # normalized: mean 0, variance var / (var + eps)
    y: np.ndarray  # gamma x_hat + beta
    mean: float
    var: float  # biased, as the forward pass uses


def one_batch(x: np.ndarray, gamma: float = 1.0, beta: float = 0.0) -> OneBatch:
    """The core's BatchNorm forward (training mode) on one feature."""
    layer = BatchNorm(1, eps=EPS)
    layer.params["gamma"][:] = check_number("gamma", gamma)
    layer.params["beta"][:] = check_number("beta", beta)
    x = np.asarray(x, dtype=float)
    check_batch(x.size)
    y, (x_hat, _, _) = layer.forward(x[:, None])
    return OneBatch(x, x_hat[:, 0], y[:, 0], float(x.mean()), float(x.var()))


def identity_parameters(x: np.ndarray) -> tuple[float, float]:
    """gamma = sqrt(var + eps), beta = mean: the normalization undone (Ioffe & Szegedy, section 3)."""
    x = np.asarray(x, dtype=float)
    return float(np.sqrt(x.var() + EPS)), float(x.mean())


@dataclass
class BatchStatistics:
    means: np.ndarray  # per batch
    variances: np.ndarray  # per batch, biased


def batch_statistics(batch: int, batches: int, seed: int = 0) -> BatchStatistics:
    """Mean and variance of ``batches`` minibatches of one unit: they jump from batch to batch, more for small
    batches (CMU's "covariate shift" picture)."""
    xs = [unit_batch(batch, seed, k) for k in range(check_int("batches", batches, low=1))]
    return BatchStatistics(np.array([x.mean() for x in xs]), np.array([x.var() for x in xs]))


def coupled(values: np.ndarray, moved: float) -> tuple[np.ndarray, np.ndarray]:
    """The normalized outputs of a batch before and after its first example is set to ``moved``."""
    values = np.asarray(values, dtype=float)
    after = values.copy()
    after[0] = check_number("moved", moved)
    return one_batch(values).y, one_batch(after).y


@dataclass
class Running:
    """Running statistics over training, and what they give at evaluation."""

    mean: np.ndarray  # running mean after each batch (PyTorch's buffers)
    var: np.ndarray  # running (unbiased) variance after each batch
    batch_means: np.ndarray
    batch_vars: np.ndarray  # biased
    cmu_mean: float  # CMU 11-785: the mean of the batch means
    cmu_var: float  # CMU 11-785: B / (B - 1) x the mean of the batch variances
    train_out: np.ndarray  # a new batch through the layer in training mode (its own statistics)
    eval_out: np.ndarray  # the same batch in evaluation mode (the running statistics)


def running_statistics(batch: int, batches: int, momentum: float | None = 0.1, seed: int = 0) -> Running:
    """Train-mode passes over ``batches`` minibatches update the running statistics (momentum 0.1, or None: the
    cumulative average, PyTorch's ``momentum=None``); then one more batch in both modes."""
    check_batch(batch)
    layer = BatchNorm(1, eps=EPS, momentum=momentum)
    means, variances, batch_means, batch_vars = [], [], [], []
    for k in range(check_int("batches", batches, low=1)):
        x = unit_batch(batch, seed, k)
        layer.forward(x[:, None])
        means.append(float(layer.running_mean[0]))
        variances.append(float(layer.running_var[0]))
        batch_means.append(float(x.mean()))
        batch_vars.append(float(x.var()))
    test = unit_batch(batch, seed, 10_000)[:, None]
    eval_out = layer.forward(test, train=False)[0][:, 0]
    train_out = layer.forward(test, train=True)[0][:, 0]
    cmu_var = batch / (batch - 1) * float(np.mean(batch_vars))
    return Running(np.array(means), np.array(variances), np.array(batch_means), np.array(batch_vars),
                   float(np.mean(batch_means)), cmu_var, train_out, eval_out)  # fmt: skip


BACKWARD_POINTS = 4


@dataclass
class Backward:
    """The staged backward pass of the CMU slides on one feature of a small batch: every forward value and
    every gradient along the graph x -> mu -> x - mu -> var -> 1/sqrt(var + eps) -> x_hat -> y."""

    forward: dict[str, np.ndarray]
    gradients: dict[str, np.ndarray]
    core: dict[str, np.ndarray]  # dL/dx, dL/dgamma, dL/dbeta from BatchNorm.backward
    numerical: dict[str, np.ndarray]  # every gradient by central differences of L = sum(dL/dy * y)


def backward_steps(gamma: float = 1.0, beta: float = 0.0, seed: int = 0, h: float = 1e-6) -> Backward:
    """dL/dy is a fixed random vector (L = sum(dL/dy * y)); each intermediate gradient by the chain rule."""
    rng = np.random.default_rng([seed, 7])
    x = np.round(rng.normal(UNIT_MEAN, UNIT_STD, BACKWARD_POINTS), 2)
    dy = np.round(rng.normal(0.0, 1.0, BACKWARD_POINTS), 2)
    n = x.size
    mu = x.mean()
    xc = x - mu
    var = np.mean(xc**2)
    inv = 1.0 / np.sqrt(var + EPS)
    x_hat = xc * inv
    y = gamma * x_hat + beta
    d_beta = dy.sum()
    d_gamma = np.sum(dy * x_hat)
    d_xhat = dy * gamma
    d_inv = np.sum(d_xhat * xc)
    d_var = d_inv * -0.5 * (var + EPS) ** -1.5
    d_xc = d_xhat * inv + d_var * 2.0 * xc / n
    d_mu = -d_xc.sum()
    d_x = d_xc + d_mu / n
    layer = BatchNorm(1, eps=EPS)
    layer.params["gamma"][:], layer.params["beta"][:] = gamma, beta
    _, cache = layer.forward(x[:, None])
    dx_core, grads = layer.backward(dy[:, None], cache)

    def loss(xs: np.ndarray, g: float, b: float) -> float:
        return float(np.sum(dy * one_batch(xs, g, b).y))

    numeric_x = np.array([(loss(x + h * e, gamma, beta) - loss(x - h * e, gamma, beta)) / (2 * h)
                          for e in np.eye(n)])  # fmt: skip
    numeric_gamma = (loss(x, gamma + h, beta) - loss(x, gamma - h, beta)) / (2 * h)
    numeric_beta = (loss(x, gamma, beta + h) - loss(x, gamma, beta - h)) / (2 * h)
    # Each inner node by itself: L written as a function of that node, everything upstream of it held fixed.
    inner = {
        "x_hat": lambda v: np.sum(dy * (gamma * v + beta)),
        "1/sqrt(var+eps)": lambda v: np.sum(dy * (gamma * xc * v + beta)),
        "var": lambda v: np.sum(dy * (gamma * xc / np.sqrt(v + EPS) + beta)),
        "x - mu": lambda v: np.sum(dy * (gamma * v / np.sqrt(np.mean(v**2) + EPS) + beta)),
        "mu": lambda v: np.sum(dy * (gamma * (x - v) / np.sqrt(np.mean((x - v) ** 2) + EPS) + beta)),
    }
    values = {"x_hat": x_hat, "1/sqrt(var+eps)": np.array([inv]), "var": np.array([var]), "x - mu": xc,
              "mu": np.array([mu])}  # fmt: skip
    numeric_inner = {name: _central(f, values[name], h) for name, f in inner.items()}
    return Backward(
        {"x": x, "mu": np.array([mu]), "x - mu": xc, "var": np.array([var]), "1/sqrt(var+eps)": np.array([inv]),
         "x_hat": x_hat, "y": y},
        {"y": dy, "beta": np.array([d_beta]), "gamma": np.array([d_gamma]), "x_hat": d_xhat,
         "1/sqrt(var+eps)": np.array([d_inv]), "var": np.array([d_var]), "x - mu": d_xc, "mu": np.array([d_mu]),
         "x": d_x},
        {"x": dx_core[:, 0], "gamma": grads["gamma"], "beta": grads["beta"]},
        {"x": numeric_x, "gamma": np.array([numeric_gamma]), "beta": np.array([numeric_beta]), **numeric_inner},
    )  # fmt: skip


def _central(f: Any, at: np.ndarray, h: float) -> np.ndarray:
    """Central differences of the scalar f at each entry of ``at``."""
    out = np.empty(at.size)
    for i in range(at.size):
        step = np.zeros(at.size)
        step[i] = h
        out[i] = (f(at + step) - f(at - step)) / (2 * h)
    return out


RESCUE_SIZES = [2, 32, 32, 32, 32, 32, 32, 3]  # six hidden layers, on the CS231n spiral


@dataclass
class Rescue:
    """The same deep network trained without and with batch norm."""

    steps: dict[str, np.ndarray]  # "without", "with": the evaluated steps
    loss: dict[str, np.ndarray]  # training loss at each evaluation
    accuracy: dict[str, np.ndarray]
    stds_start: dict[str, np.ndarray]  # per hidden layer: the std of its outputs (after batch norm, if any)
    stds_end: dict[str, np.ndarray]


@lru_cache(maxsize=8)  # the same settings give the same run: a preset pressed again is instant
def rescue(
    activation: str = "tanh",
    init_std: float = 0.01,
    lr: float = 0.1,
    position: str = "before",
    steps: int = 1000,
    seed: int = 0,
) -> Rescue:
    """Train six hidden layers of 32 (init N(0, init_std^2), SGD, batch 64) on the spiral, without and with batch
    norm ``position`` the non-linearity; the loss, the accuracy and every layer's output std."""
    position = check_choice("position", position, ["before", "after"])
    X, y = make_dataset("spiral", n_per_class=100, noise=0.2, rng=0)
    out = Rescue({}, {}, {}, {}, {})
    for name, bn in (("without", False), ("with", True)):
        spec = NetworkSpec(RESCUE_SIZES, activation=activation, init="normal", init_params={"std": init_std},
                           batchnorm=bn, batchnorm_position=position, seed=seed)  # fmt: skip
        run = start_run(spec, TrainConfig(optimizer="sgd", batch_size=64, seed=seed), (X, y, X[:0], y[:0]), lr, 0.0)
        out.stds_start[name] = _layer_stds(run.network, X)
        run.advance_to(check_int("steps", steps, low=EVAL_EVERY, high=20_000))
        out.stds_end[name] = _layer_stds(run.network, X)
        out.steps[name] = np.array([s.iteration for s in run.snapshots])
        out.loss[name] = np.array([s.train_loss for s in run.snapshots])
        out.accuracy[name] = np.array([s.train_acc for s in run.snapshots])
    return out


def _layer_stds(network: Any, X: np.ndarray) -> np.ndarray:
    """The std of each hidden layer's output (what the next layer receives) over the training set, batch norm
    with the set's own statistics (training mode, on a copy: the run's running statistics stay as they are)."""
    stds, out = [], X
    ends = {max(parts.values()) for parts in network.hidden}
    with np.errstate(all="ignore"):
        for index, layer in enumerate(copy.deepcopy(network.layers)):
            out = layer.forward(out, True)[0]
            if index in ends:
                stds.append(float(np.std(out)))
    return np.array(stds)
