"""Minibatch training in the spirit of the CS231n ``Solver``, with the lectures' babysitting checks.

:class:`Trainer` runs minibatch gradient descent with any optimizer, schedule, loss and
regularizer of the core. It reshuffles the training set every epoch and uses
``N // batch_size`` full batches (the remainder is dropped, so batch norm never sees a
batch of one). It records a :class:`History`: the loss and learning rate per iteration,
training and validation accuracy per epoch (and before the first), and per weight
matrix the ratio ||dW_update|| / ||W||, which the CS231n notes want near 1e-3.

Training stops early, with a status instead of an exception, when the loss becomes NaN
or infinite or exceeds ``divergence_factor`` x the first loss (CS231n: "if the cost is
ever > 3 * original cost, break out early"), or when validation accuracy has not improved
for ``patience`` epochs. Runs are deterministic for a given seed.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

import numpy as np

from nnlab.core._checks import (
    NonFiniteError,
    SettingError,
    as_generator,
    check_array,
    check_choice,
    check_int,
    check_labels,
    check_number,
)
from nnlab.core.losses import LOSSES, get_loss
from nnlab.core.model import Network, NetworkSpec
from nnlab.core.optim import clip_grad_norm, clip_grad_value, make_optimizer
from nnlab.core.regularizers import get_regularizer
from nnlab.core.schedules import ReduceOnPlateau, Scheduler, get_schedule

CLASS_LABEL_LOSSES = ("softmax", "svm")


@dataclass
class TrainConfig:
    """How to train, as plain data (JSON-serialisable with ``asdict``).

    ``schedule='plateau'`` reduces the rate by ``schedule_params['factor']`` (default 0.1)
    when validation accuracy stalls; other schedules step once per epoch.
    """

    optimizer: str = "sgd"
    optimizer_params: dict[str, Any] = field(default_factory=lambda: {"lr": 1e-2})
    schedule: str = "constant"
    schedule_params: dict[str, Any] = field(default_factory=dict)
    loss: str = "softmax"
    regularizer: str = "none"
    regularizer_params: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 100
    epochs: int = 10
    clip_norm: float | None = None
    clip_value: float | None = None
    patience: int | None = None
    divergence_factor: float = 3.0
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class History:
    """What happened during training; ``status`` is 'ready', 'running', 'finished', 'diverged' or 'stopped early'."""

    loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    update_ratio: list[list[float]] = field(default_factory=list)
    grad_norm: list[list[float]] = field(default_factory=list)  # per weight matrix, after clipping
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    epoch: int = 0
    iteration: int = 0
    best_val_acc: float = -math.inf
    best_epoch: int = 0
    status: str = "ready"
    message: str = ""


def as_config(config: TrainConfig | dict[str, Any] | None) -> TrainConfig:
    """``config`` as a :class:`TrainConfig`: one already, a dict of its fields, or None for the defaults."""
    if config is None:
        return TrainConfig()
    if isinstance(config, TrainConfig):
        return config
    if isinstance(config, dict):
        fields = TrainConfig.__dataclass_fields__
        unknown = sorted(set(config) - set(fields))
        if unknown:
            raise SettingError(
                f"config has no field {', '.join(map(repr, unknown))}; its fields are: {', '.join(fields)}"
            )
        return TrainConfig(**config)
    raise SettingError(f"config must be a TrainConfig or a dict of its fields, got {type(config).__name__}")


def accuracy(scores: np.ndarray, y: np.ndarray, loss: str = "softmax") -> float:
    """Fraction correct: argmax for class labels; sign per attribute for the attribute losses.

    Regression losses (l2, l1) have no accuracy and give NaN; KL compares argmaxes. Array-likes are accepted.
    """
    scores = check_array("scores", scores, ndim=2, finite=False)
    y = np.asarray(y)
    if y.shape[:1] != scores.shape[:1]:
        raise SettingError(f"y has {y.shape[:1] or 'no'} rows but scores has {scores.shape[0]}; they must match")
    if loss in CLASS_LABEL_LOSSES:
        return float(np.mean(scores.argmax(axis=1) == y))
    if loss == "binary_logistic":
        return float(np.mean((scores > 0) == (y > 0.5)))
    if loss == "attribute_hinge":
        return float(np.mean((scores > 0) == (y > 0)))
    if loss == "kl":
        return float(np.mean(scores.argmax(axis=1) == y.argmax(axis=1)))
    return math.nan


Callback = Callable[["Trainer"], None]


class Trainer:
    """Trains a :class:`Network` on (X_train, y_train), validating on (X_val, y_val).

    ``step()`` runs one minibatch, ``end_epoch()`` closes an epoch; ``run()`` does both
    until done. ``on_iteration`` and ``on_epoch`` callbacks receive the trainer (for live plots).
    """

    def __init__(
        self,
        network: Network,
        X_train: Any,
        y_train: Any,
        X_val: Any = None,
        y_val: Any = None,
        config: TrainConfig | None = None,
    ) -> None:
        if not isinstance(network, Network):
            raise SettingError(f"network must be an nnlab Network, got {type(network).__name__}")
        self.network = network
        self.config = config = as_config(config)
        check_choice("loss", config.loss, LOSSES)
        self.loss_fn = get_loss(config.loss)
        self.X_train, self.y_train = self._data("X_train", X_train, "y_train", y_train)
        self.validates_on_train = X_val is None
        if X_val is None:
            self.X_val, self.y_val = self.X_train, self.y_train
        else:
            self.X_val, self.y_val = self._data("X_val", X_val, "y_val", y_val)
        n = self.X_train.shape[0]
        self.batch_size = check_int("batch_size", config.batch_size, low=1)
        if self.batch_size > n:
            raise SettingError(f"batch_size={self.batch_size} is larger than the {n} training examples")
        self.epochs = check_int("epochs", config.epochs, low=1)
        self.divergence_factor = check_number("divergence_factor", config.divergence_factor, low=1.0)
        if config.patience is not None:
            check_int("patience", config.patience, low=1)
        for name in ("clip_norm", "clip_value"):
            if getattr(config, name) is not None:
                check_number(name, getattr(config, name), low=0.0, low_open=True)

        self.regularizer = get_regularizer(config.regularizer, **config.regularizer_params)
        self.optimizer = make_optimizer(config.optimizer, network.arrays, **config.optimizer_params)
        if config.schedule == "plateau":
            params = {"mode": "max", "factor": 0.1, "patience": 2, **config.schedule_params}
            self.scheduler: Scheduler | ReduceOnPlateau = ReduceOnPlateau(self.optimizer, **params)
        else:
            self.scheduler = Scheduler(self.optimizer, get_schedule(config.schedule, **config.schedule_params))
        self.rng = as_generator(config.seed, "seed")
        self.iterations_per_epoch = n // self.batch_size
        self.history = History()
        self._weights = [k for k, (_, name, _) in enumerate(network.params) if name == "W"]
        self._order = np.arange(0)
        self._best: list[np.ndarray] | None = None

    def _data(self, xname: str, X: Any, yname: str, y: Any) -> tuple[np.ndarray, np.ndarray]:
        X = check_array(xname, X, ndim=2)
        if self.config.loss in CLASS_LABEL_LOSSES:
            y = check_labels(yname, y, X.shape[0], self.network.spec.sizes[-1])
        else:
            y = check_array(yname, y, ndim=2)
            if y.shape != (X.shape[0], self.network.spec.sizes[-1]):
                raise SettingError(
                    f"{yname} must have shape {(X.shape[0], self.network.spec.sizes[-1])}, got {y.shape}"
                )
        return X, y

    @property
    def done(self) -> bool:
        return self.history.status in ("finished", "diverged", "stopped early")

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray, train: bool = True) -> tuple[float, list[np.ndarray]]:
        """Data loss + regularization on a batch, and the gradient of every learnable array."""
        scores = self.network.forward(X, train=train)
        data_loss, dscores = self.loss_fn(scores, y)
        grads = self.network.backward(dscores)
        penalty, reg_grads = self.network.regularization(self.regularizer)
        grads = [g if r is None else g + r for g, r in zip(grads, reg_grads)]
        return data_loss + penalty, grads

    @property
    def regression(self) -> bool:
        """True for the losses that have no accuracy (l2, l1): they are judged by minus their loss."""
        return self.config.loss in ("l2", "l1")

    def evaluate(self, X: np.ndarray, y: np.ndarray) -> float:
        """Accuracy in evaluation mode; for regression losses, minus the mean loss (higher is better either way,
        so early stopping, the best epoch and the plateau schedule work the same)."""
        scores = self.network.forward(X, train=False)
        if self.regression:
            with np.errstate(all="ignore"):
                return -float(get_loss(self.config.loss)(scores, y)[0])
        return accuracy(scores, y, self.config.loss)

    def _diverge(self, message: str) -> None:
        h = self.history
        h.status, h.message = "diverged", f"diverged at iteration {h.iteration}: {message}"

    def step(self) -> None:
        """One minibatch: forward, backward, clip, update, project; records loss, lr and update ratios."""
        h = self.history
        if self.done:
            return
        if h.status == "ready":
            h.status = "running"
            self._record_accuracy()
        start = (h.iteration % self.iterations_per_epoch) * self.batch_size
        if start == 0:
            self._order = self.rng.permutation(self.X_train.shape[0])
        rows = self._order[start : start + self.batch_size]
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                loss, grads = self.loss_and_grads(self.X_train[rows], self.y_train[rows])
        except NonFiniteError as err:
            self._diverge(str(err))
            return
        h.iteration += 1
        h.loss.append(loss)
        h.lr.append(self.optimizer.lr)
        if not math.isfinite(loss):
            self._diverge(f"the loss is {loss}")
            return
        if loss > self.divergence_factor * h.loss[0]:
            self._diverge(f"the loss {loss:.4g} exceeds {self.divergence_factor:g} x the first loss {h.loss[0]:.4g}")
            return
        if self.config.clip_value is not None:
            clip_grad_value(grads, self.config.clip_value)
        if self.config.clip_norm is not None:
            clip_grad_norm(grads, self.config.clip_norm)
        arrays = self.network.arrays
        h.grad_norm.append([float(np.linalg.norm(grads[k])) for k in self._weights])
        before = [arrays[k].copy() for k in self._weights]
        self.optimizer.step(grads)
        self.network.project(self.regularizer)
        h.update_ratio.append([_ratio(arrays[k], old) for k, old in zip(self._weights, before)])
        if h.iteration % self.iterations_per_epoch == 0:
            self.end_epoch()

    def _record_accuracy(self) -> None:
        h = self.history
        h.train_acc.append(self.evaluate(self.X_train, self.y_train))
        h.val_acc.append(h.train_acc[-1] if self.validates_on_train else self.evaluate(self.X_val, self.y_val))
        if h.epoch == 0:  # the weights before training are a candidate for the best epoch too
            h.best_val_acc, self._best = h.val_acc[-1], [a.copy() for a in self.network.arrays]

    def end_epoch(self) -> None:
        """Record accuracies, keep the best weights, step the schedule, check the stopping rules."""
        h = self.history
        h.epoch += 1
        self._record_accuracy()
        if h.val_acc[-1] > h.best_val_acc:
            h.best_val_acc, h.best_epoch = h.val_acc[-1], h.epoch
            self._best = [a.copy() for a in self.network.arrays]
        if isinstance(self.scheduler, ReduceOnPlateau):
            self.scheduler.step(h.val_acc[-1])
        else:
            self.scheduler.step()
        patience = self.config.patience
        if patience is not None and h.epoch - h.best_epoch >= patience:
            h.status = "stopped early"
            metric = "validation loss" if self.regression else "validation accuracy"
            h.message = f"no better {metric} for {patience} epochs; kept epoch {h.best_epoch}'s weights"
            self._restore_best()
        elif h.epoch >= self.epochs:
            h.status = "finished"
            best = (
                f"validation loss {-h.best_val_acc:.4g}"
                if self.regression
                else f"validation accuracy {h.best_val_acc:.3f}"
            )
            h.message = f"{h.epoch} epochs; best {best} at epoch {h.best_epoch}"

    def _restore_best(self) -> None:
        if self._best is not None:
            for array, best in zip(self.network.arrays, self._best):
                array[...] = best

    def run(
        self,
        on_iteration: Sequence[Callback] = (),
        on_epoch: Sequence[Callback] = (),
        progress: bool | TextIO = False,
    ) -> History:
        """Train until finished, diverged or stopped early; ``progress=True`` prints a progress bar."""
        bar = ProgressBar(sys.stdout if progress is True else progress) if progress else None
        epoch = self.history.epoch
        while not self.done:
            self.step()
            for cb in on_iteration:
                cb(self)
            if self.history.epoch != epoch or self.done:
                epoch = self.history.epoch
                for cb in on_epoch:
                    cb(self)
                if bar:
                    bar(self)
        if bar:
            bar.close(self)
        return self.history


def _ratio(new: np.ndarray, old: np.ndarray) -> float:
    scale = float(np.linalg.norm(old))
    return float(np.linalg.norm(new - old)) / scale if scale > 0 else math.inf


class ProgressBar:
    """A one-line progress bar for terminals and notebooks: epoch, bar, loss, accuracies."""

    def __init__(self, stream: TextIO, width: int = 24) -> None:
        self.stream, self.width = stream, width

    def __call__(self, trainer: Trainer) -> None:
        h = trainer.history
        done = int(self.width * h.epoch / trainer.epochs)
        loss = h.loss[-1] if h.loss else math.nan
        self.stream.write(
            f"\repoch {h.epoch}/{trainer.epochs} [{'#' * done}{'.' * (self.width - done)}] "
            f"loss {loss:.4f} train {h.train_acc[-1]:.3f} val {h.val_acc[-1]:.3f}"
        )
        self.stream.flush()

    def close(self, trainer: Trainer) -> None:
        self.stream.write(f"\n{trainer.history.status}: {trainer.history.message}\n")
        self.stream.flush()


def train(
    spec: NetworkSpec, X_train: Any, y_train: Any, X_val: Any = None, y_val: Any = None, **config: Any
) -> tuple[Network, History]:
    """Build the network of ``spec`` and train it with ``TrainConfig(**config)``."""
    network = Network(spec)
    trainer = Trainer(network, X_train, y_train, X_val, y_val, TrainConfig(**config))
    return network, trainer.run()


@dataclass
class Verdict:
    """The outcome of a sanity check: passed or not, in words and numbers."""

    check: str
    passed: bool
    message: str
    value: float
    expected: float

    def __bool__(self) -> bool:
        return self.passed


def check_initial_loss(network: Network, X: Any, y: Any, rtol: float = 0.1) -> Verdict:
    """CS231n: with small weights the initial softmax loss is ln(C) (2.303 for 10 classes)."""
    X = check_array("X", X, ndim=2)
    c = network.spec.sizes[-1]
    y = check_labels("y", y, X.shape[0], c)
    loss, _ = get_loss("softmax")(network.forward(X, train=False), y)
    expected = math.log(c)
    passed = abs(loss - expected) <= rtol * expected
    what = "as expected" if passed else "weights may be too large, or the loss wrong"
    return Verdict("initial loss", passed, f"initial loss {loss:.4f}, ln({c}) = {expected:.4f}: {what}", loss, expected)


def check_regularization_raises_loss(
    network: Network, X: Any, y: Any, regularizer: str = "l2", lam: float = 1e3
) -> Verdict:
    """CS231n: turning the regularization up must raise the loss."""
    X = check_array("X", X, ndim=2)
    y = check_labels("y", y, X.shape[0], network.spec.sizes[-1])
    base, _ = get_loss("softmax")(network.forward(X, train=False), y)
    penalty, _ = network.regularization(get_regularizer(regularizer, lam=lam))
    total = base + penalty
    passed = total > base
    return Verdict(
        "regularization raises the loss",
        passed,
        f"loss {base:.4f} without and {total:.4f} with {regularizer} (lambda = {lam:g})",
        total,
        base,
    )


def check_overfit_small(spec: NetworkSpec, X: Any, y: Any, n: int = 20, epochs: int = 200, **config: Any) -> Verdict:
    """CS231n: a network must overfit a tiny subset (20 examples) to 100% training accuracy, no regularization."""
    X = check_array("X", X, ndim=2)
    n = check_int("n", n, low=1, high=X.shape[0])
    settings = {"optimizer": "adam", "optimizer_params": {"lr": 1e-2}, "batch_size": n, "epochs": epochs,
                "divergence_factor": 1e9, **config}  # fmt: skip
    network, history = train(spec, X[:n], np.asarray(y)[:n], **settings)
    acc = max(history.train_acc) if history.train_acc else 0.0
    passed = acc == 1.0
    return Verdict(
        "overfit a small subset",
        passed,
        f"training accuracy on {n} examples after {history.epoch} epochs: {acc:.0%}"
        + ("" if passed else " (should reach 100%: check the gradients and the learning rate)"),
        acc,
        1.0,
    )


def training_objective(
    spec: NetworkSpec, X_train: Any, y_train: Any, X_val: Any, y_val: Any, **config: Any
) -> Callable[[dict[str, Any]], Any]:
    """An objective for :mod:`nnlab.core.search`: train with the given hyperparameters, score = best val accuracy.

    Hyperparameter names: ``lr`` (the optimizer's learning rate) and ``reg`` (L2 strength,
    the lectures' names), or any field of :class:`TrainConfig` or :class:`NetworkSpec`.
    """
    from nnlab.core.search import Outcome

    spec_fields = set(NetworkSpec.__dataclass_fields__)
    config_fields = set(TrainConfig.__dataclass_fields__)

    def objective(params: dict[str, Any]) -> Outcome:
        spec_changes, cfg = {}, dict(config)
        cfg["optimizer_params"] = dict(cfg.get("optimizer_params", {"lr": 1e-2}))
        for name, value in params.items():
            if name == "lr":
                cfg["optimizer_params"]["lr"] = value
            elif name == "reg":
                cfg["regularizer"], cfg["regularizer_params"] = "l2", {"lam": value}
            elif name in config_fields:
                cfg[name] = value
            elif name in spec_fields:
                spec_changes[name] = value
            else:
                raise SettingError(f"unknown hyperparameter {name!r}: use lr, reg, or a TrainConfig/NetworkSpec field")
        network_spec = NetworkSpec(**{**spec.to_dict(), **spec_changes})
        _, history = train(network_spec, X_train, y_train, X_val, y_val, **cfg)
        score = history.best_val_acc if history.val_acc else math.nan
        return Outcome(score, history.status, {"message": history.message, "epochs": history.epoch})

    return objective
