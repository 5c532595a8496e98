"""A training run that a panel can watch, pause, continue and change while it runs (CS231n "Babysitting the
learning process"; EECS 498 lecture 11).

:class:`LiveRun` wraps a :class:`~nnlab.core.train.Trainer` that never stops on its own (the 3x-loss rule of
the notes is for hyperparameter search; here it is a message, see :func:`babysitting`) and records, every
``EVAL_EVERY`` iterations, the train and validation loss and accuracy and, per hidden layer, a histogram of
its activations, its fraction of saturated units (|a| > 0.97 for tanh and sigmoid, as the notes' plots) and
of dead ReLUs (zero for every training example).

Some settings may change while it runs without a new network (the learning rate, the regularization
strength, the dropout keep probability and the learning-rate schedule, as TensorFlow Playground's users
asked): a :data:`Changes` log lists from which iteration each value holds, so that a run is a pure function
of its settings and its log, replayed the same every time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, check_int
from nnlab.core.losses import get_loss
from nnlab.core.model import Network, NetworkSpec
from nnlab.core.regularizers import get_regularizer
from nnlab.core.schedules import Scheduler, get_schedule
from nnlab.core.train import TrainConfig, Trainer, accuracy

EVAL_EVERY = 10
HIST_BINS = 40
SATURATED = 0.97  # |a| above this counts as saturated (tanh, sigmoid)
LIVE_KEYS = ("lr", "reg", "keep_prob", "schedule")  # what may change while a run goes on
# [iteration, {key: value}]: from that iteration on, the key has that value (later entries win).
Changes = list[list[Any]]


def live_value(changes: Changes, key: str, iteration: int, default: float) -> float:
    """The value of ``key`` for the step that starts at ``iteration`` (0-based), under ``changes``."""
    value = default
    for at, values in changes:
        if at <= iteration and key in values:
            value = values[key]
    return value


def activation_range(activation: str) -> tuple[float, float]:
    """The fixed histogram range of a layer's activations, so that histograms compare across steps."""
    return {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}.get(activation, (-1.0, 4.0))


@dataclass
class Snapshot:
    """The run at one evaluation point."""

    iteration: int
    train_loss: float  # data loss + regularization penalty on the whole training set (what the steps minimize)
    val_loss: float  # data loss
    train_acc: float
    val_acc: float
    histograms: list[np.ndarray]  # per hidden layer, HIST_BINS counts of its activations on the training set
    # (for ReLU, of its non-zero activations)
    saturated: list[float]  # per hidden layer
    dead: list[float]  # per hidden layer: units that output 0 for every training example (ReLU)


@dataclass
class LiveRun:
    """A network trained step by step on 2-D (or any) data, with the snapshots the training panel draws."""

    spec: NetworkSpec
    config: TrainConfig
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    base_lr: float
    base_reg: float
    changes: Changes = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    base_keep: float | None = None  # the hidden layers' keep probability at the start (None: the spec's)
    base_schedule: str = ""  # the schedule at the start ("": the config's)

    def __post_init__(self) -> None:
        self.base_schedule = self.base_schedule or self.config.schedule
        if self.base_keep is None and not isinstance(self.spec.keep_prob, (list, tuple)):
            self.base_keep = float(self.spec.keep_prob)  # one value for every layer: it may change live
        self._schedule = self.config.schedule  # the schedule the trainer applies now
        self.network = Network(replace(self.spec, dropout_always=True))  # keep_prob may change later
        validation = (self.X_val, self.y_val) if len(self.X_val) else (None, None)  # none: the trainer uses train
        self.trainer = Trainer(self.network, self.X_train, self.y_train, *validation, self.config)
        self.loss_fn = get_loss(self.config.loss)
        self._applied: tuple[float, float] | None = None
        self._snapshot()

    @property
    def iteration(self) -> int:
        return self.trainer.history.iteration

    @property
    def history(self) -> Any:
        return self.trainer.history

    @property
    def stopped(self) -> bool:
        """True once the loss became NaN or infinite: the run cannot go on."""
        return self.trainer.done

    def continues(self, changes: Changes) -> bool:
        """Whether ``changes`` gives every step this run has taken the same live values as its own log did (so
        the run can go on under the new log instead of starting over)."""
        bases = self.bases()
        points = {0} | {at for at, _ in [*self.changes, *changes] if at < self.iteration}
        return all(live_value(changes, key, at, base) == live_value(self.changes, key, at, base)
                   for at in points for key, base in bases.items())  # fmt: skip

    def advance_to(self, iteration: int, changes: Changes | None = None) -> None:
        """Train until ``iteration`` (or until the loss is no longer finite), applying ``changes`` as it goes."""
        iteration = check_int("iteration", iteration, low=0)
        if changes is not None:
            if not self.continues(changes):
                raise SettingError("changes rewrite the past of this run; start a new run")
            self.changes = [list(entry) for entry in changes]
        while self.iteration < iteration and not self.stopped:
            self._apply_live()
            self.trainer.step()
            if self.iteration % EVAL_EVERY == 0 and not self.stopped:
                self._snapshot()

    def bases(self) -> dict[str, Any]:
        """The live values at step 0, before any change of the log."""
        return {"lr": self.base_lr, "reg": self.base_reg, "keep_prob": self.base_keep, "schedule": self.base_schedule}

    def _apply_live(self) -> None:
        values = {key: live_value(self.changes, key, self.iteration, base) for key, base in self.bases().items()}
        if self._applied == values:
            return
        scheduler = self.trainer.scheduler
        if values["schedule"] != self._schedule:
            # A new schedule starts now, at its epoch 0 (as a new PyTorch scheduler does): no jump in the rate.
            scheduler = self.trainer.scheduler = Scheduler(self.trainer.optimizer, get_schedule(values["schedule"]))
            self._schedule = values["schedule"]
        lr = values["lr"]
        if hasattr(scheduler, "base_lr"):  # the schedule scales the new rate from the next epoch on
            scheduler.base_lr = lr
            self.trainer.optimizer.lr = scheduler.schedule.lr(scheduler.epoch, lr)
        else:
            self.trainer.optimizer.lr = lr
        if self.config.regularizer != "none":
            params = {**self.config.regularizer_params, "lam": values["reg"]}
            self.trainer.regularizer = get_regularizer(self.config.regularizer, **params)
        if values["keep_prob"] is not None:
            for parts in self.network.hidden:
                self.network.layers[parts["dropout"]].keep_prob = values["keep_prob"]
        self._applied = values

    def _losses(self, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        if len(X) == 0:  # no validation set
            return math.nan, math.nan
        with np.errstate(all="ignore"):
            scores = self.network.forward(X, train=False, trace=X is self.X_train)
            loss = float(self.loss_fn(scores, y)[0])
        return loss, accuracy(scores, y, self.config.loss) if np.all(np.isfinite(scores)) else math.nan

    def _snapshot(self) -> None:
        train_loss, train_acc = self._losses(self.X_train, self.y_train)
        train_loss += self.network.regularization(self.trainer.regularizer)[0]  # the objective, as each step's
        traces = self.network.trace
        val_loss, val_acc = self._losses(self.X_val, self.y_val)
        low, high = activation_range(self.spec.activation)
        edges = np.linspace(low, high, HIST_BINS + 1)
        histograms, saturated, dead = [], [], []
        for trace in traces:
            a = trace.activation
            finite = a[np.isfinite(a)]
            if self.spec.activation == "relu":  # the exact zeros are the inactive units: counted as dead, apart
                finite = finite[finite != 0]
            histograms.append(np.histogram(np.clip(finite, low, high), bins=edges)[0].astype(float))
            bounded = self.spec.activation in ("tanh", "sigmoid")
            centre = 0.5 if self.spec.activation == "sigmoid" else 0.0
            scale = 0.5 if self.spec.activation == "sigmoid" else 1.0
            saturated.append(float(np.mean(np.abs(a - centre) / scale > SATURATED)) if bounded else 0.0)
            dead.append(float(np.mean(np.all(a <= 0, axis=0))) if self.spec.activation == "relu" else 0.0)
        self.snapshots.append(Snapshot(self.iteration, train_loss, val_loss, train_acc, val_acc, histograms,
                                       saturated, dead))  # fmt: skip


def first_below(snapshots: list[Snapshot], error: float) -> int | None:
    """The first evaluated step with training error at most ``error`` (None: not yet; step 0 does not count)."""
    return next((s.iteration for s in snapshots if s.iteration > 0 and 1 - s.train_acc <= error), None)


def start_run(
    spec: NetworkSpec,
    config: TrainConfig,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    lr: float,
    reg: float,
    keep_prob: float | None = None,
    schedule: str = "",
) -> LiveRun:
    """A new :class:`LiveRun` at learning rate ``lr``, regularization strength ``reg`` (used when the config's
    regularizer is not 'none'), hidden-layer ``keep_prob`` (default: the spec's) and ``schedule`` (default: the
    config's): a trainer
    that stops only on a non-finite loss, never by epochs."""
    regularizer = {**config.regularizer_params, "lam": reg} if config.regularizer != "none" else {}
    config = TrainConfig(**{**config.to_dict(), "optimizer_params": {**config.optimizer_params, "lr": lr},
                            "regularizer_params": regularizer, "epochs": 10**9, "divergence_factor": 1e300,
                            "patience": None})  # fmt: skip
    return LiveRun(spec, config, *data, base_lr=lr, base_reg=reg, base_keep=keep_prob, base_schedule=schedule)


def babysitting(run: LiveRun, classes: int, regularized: bool) -> list[str]:
    """The CS231n checks, named as the notes name them, for the run so far (empty: nothing to say)."""
    h, notes = run.history, []
    if not h.loss:
        first = run.snapshots[0].train_loss
        expected = math.log(classes) if run.config.loss == "softmax" else classes - 1.0
        name = "ln C" if run.config.loss == "softmax" else "C - 1"
        if math.isfinite(first):
            close = abs(first - expected) <= 0.1 * expected
            if regularized and first - expected >= 5e-3:  # what the penalty adds shows in the 3 decimals shown
                verdict = f"higher by {first - expected:.3f}, as it should be with regularization on"
            elif close and regularized:
                verdict = "as expected (the penalty of weights this small adds almost nothing)"
            else:
                verdict = "as expected" if close else "off: check the initialization"
            notes.append(f"initial loss {first:.3f}, {name} = {expected:.3f} for C = {classes}: {verdict}")
        return notes
    loss = np.asarray(h.loss)
    if run.stopped or not np.isfinite(loss[-1]):
        bad = int(np.argmax(~np.isfinite(loss))) + 1 if not np.all(np.isfinite(loss)) else len(loss)
        return [f"loss exploded: NaN at step {bad} (learning rate too high)"]
    above = np.flatnonzero(loss > 3 * loss[0])
    if above.size:
        notes.append(f"loss above 3x the first loss at step {int(above[0]) + 1} (learning rate too high?)")
    if len(loss) >= 100:
        early, late = float(np.mean(loss[:20])), float(np.mean(loss[-20:]))
        if late > 0.98 * early:
            notes.append("loss not going down (learning rate too low?)")
    if h.update_ratio:
        ratio = float(np.median(np.asarray(h.update_ratio[-20:])))
        if ratio > 1e-2 or ratio < 1e-4:
            notes.append(f"update/weight ratio {ratio:.1e}, far from 1e-3")
    last = run.snapshots[-1]
    dead = max(last.dead, default=0.0)
    if dead >= 0.3:
        notes.append(f"{dead:.0%} dead ReLUs in a layer")
    if math.isfinite(last.train_acc) and last.train_acc - last.val_acc > 0.15:
        notes.append(f"train {last.train_acc:.0%} vs validation {last.val_acc:.0%}: overfitting")
    return notes
