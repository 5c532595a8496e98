"""Learning-rate schedules (CS231n notes "Neural Networks Part 3", Annealing the learning rate).

A :class:`Schedule` is a closed form ``lr(epoch, base_lr)``, easy to plot; a
:class:`Scheduler` applies one to an optimizer the way ``torch.optim.lr_scheduler``
does: construction sets the epoch-0 rate, each ``step()`` (after ``optimizer.step()``)
advances one epoch. :class:`ReduceOnPlateau` reacts to a metric instead ("divide the
learning rate by 10 when the validation loss stops improving").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from nnlab.core._checks import SettingError, check_choice, check_int, check_number
from nnlab.core.optim import Optimizer
from nnlab.core.registry import Registry


class Schedule:
    """A constant learning rate; the base of the others."""

    name = "constant"

    def lr(self, epoch: int, base_lr: float) -> float:
        """The learning rate at ``epoch`` (0, 1, 2, ...) for a starting rate ``base_lr``."""
        return base_lr


class StepDecay(Schedule):
    """lr = base gamma^floor(epoch / step_size) (torch ``StepLR``): "halve every 5 epochs"."""

    name = "step"

    def __init__(self, step_size: int = 10, gamma: float = 0.1) -> None:
        self.step_size = check_int("step_size", step_size, low=1)
        self.gamma = check_number("gamma", gamma, low=0.0, high=1.0, low_open=True)

    def lr(self, epoch, base_lr):
        return base_lr * self.gamma ** (epoch // self.step_size)


class MultiStepDecay(Schedule):
    """lr = base gamma^(number of milestones <= epoch) (torch ``MultiStepLR``): "divide by 10 at epochs 30, 60"."""

    name = "multistep"

    def __init__(self, milestones: Sequence[int] = (30, 60), gamma: float = 0.1) -> None:
        self.milestones = sorted(check_int("milestones", m, low=1) for m in milestones)
        self.gamma = check_number("gamma", gamma, low=0.0, high=1.0, low_open=True)

    def lr(self, epoch, base_lr):
        return base_lr * self.gamma ** sum(m <= epoch for m in self.milestones)


class Exponential(Schedule):
    """lr = base gamma^epoch (torch ``ExponentialLR``; CS231n's alpha_0 e^(-kt) with gamma = e^-k)."""

    name = "exponential"

    def __init__(self, gamma: float = 0.95) -> None:
        self.gamma = check_number("gamma", gamma, low=0.0, high=1.0, low_open=True)

    def lr(self, epoch, base_lr):
        return base_lr * self.gamma**epoch


class InverseTime(Schedule):
    """lr = base / (1 + k epoch), the CS231n notes' "1/t decay"."""

    name = "inverse_time"

    def __init__(self, k: float = 0.1) -> None:
        self.k = check_number("k", k, low=0.0)

    def lr(self, epoch, base_lr):
        return base_lr / (1.0 + self.k * epoch)


class Cosine(Schedule):
    """lr = eta_min + (base - eta_min)(1 + cos(pi epoch / T_max)) / 2 (Loshchilov & Hutter 2017, SGDR).

    As ``torch``'s ``CosineAnnealingLR``, past T_max the rate rises again (period 2 T_max);
    there are no warm restarts.
    """

    name = "cosine"

    def __init__(self, T_max: int = 100, eta_min: float = 0.0) -> None:
        self.T_max = check_int("T_max", T_max, low=1)
        self.eta_min = check_number("eta_min", eta_min, low=0.0)

    def lr(self, epoch, base_lr):
        return self.eta_min + (base_lr - self.eta_min) * (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0


class Warmup(Schedule):
    """Linear warm-up from ``start_factor`` x base over ``warmup`` epochs, then ``then`` (Goyal et al. 2017).

    Equals torch's ``SequentialLR([LinearLR(start_factor, 1, warmup), then], milestones=[warmup])``.
    """

    name = "warmup"

    def __init__(self, warmup: int = 5, start_factor: float = 0.1, then: Schedule | None = None) -> None:
        self.warmup = check_int("warmup", warmup, low=1)
        self.start_factor = check_number("start_factor", start_factor, low=0.0, high=1.0, low_open=True)
        self.then = Schedule() if then is None else then
        if not isinstance(self.then, Schedule):
            raise SettingError(f"then must be a Schedule, got {then!r}")

    def lr(self, epoch, base_lr):
        if epoch < self.warmup:
            return base_lr * (self.start_factor + (1.0 - self.start_factor) * epoch / self.warmup)
        return self.then.lr(epoch - self.warmup, base_lr)


SCHEDULES: Registry[type[Schedule]] = Registry(
    "schedule",
    entries={cls.name: cls for cls in (Schedule, StepDecay, MultiStepDecay, Exponential, InverseTime, Cosine, Warmup)},
)


def get_schedule(name: str, **params: Any) -> Schedule:
    """The schedule called ``name`` (see ``SCHEDULES``) built with ``params``."""
    return SCHEDULES.build(name, **params)


class Scheduler:
    """Applies a :class:`Schedule` to an optimizer: ``step()`` once per epoch (or per iteration)."""

    def __init__(self, optimizer: Optimizer, schedule: Schedule) -> None:
        if not isinstance(optimizer, Optimizer):
            raise SettingError(f"optimizer must be an nnlab Optimizer, got {type(optimizer).__name__}")
        if not isinstance(schedule, Schedule):
            raise SettingError(f"schedule must be a Schedule (get_schedule('step', ...)), got {schedule!r}")
        self.optimizer = optimizer
        self.schedule = schedule
        self.base_lr = optimizer.lr
        self.epoch = 0
        optimizer.lr = schedule.lr(0, self.base_lr)

    def step(self) -> float:
        """Advance one epoch and return the new learning rate."""
        self.epoch += 1
        self.optimizer.lr = self.schedule.lr(self.epoch, self.base_lr)
        return self.optimizer.lr


class ReduceOnPlateau:
    """Multiply lr by ``factor`` when the metric has not improved for more than ``patience`` epochs.

    The rules of ``torch.optim.lr_scheduler.ReduceLROnPlateau``: in mode 'min' with
    threshold_mode 'rel' a value improves if it is below best (1 - threshold); after a
    reduction, ``cooldown`` epochs pass before bad epochs count again; the rate never
    goes below ``min_lr`` and changes smaller than ``eps`` are skipped.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float = 0.0,
        eps: float = 1e-8,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise SettingError(f"optimizer must be an nnlab Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.mode = check_choice("mode", mode, ["min", "max"])
        self.factor = check_number("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
        self.patience = check_int("patience", patience, low=0)
        self.threshold = check_number("threshold", threshold, low=0.0)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ["rel", "abs"])
        self.cooldown = check_int("cooldown", cooldown, low=0)
        self.min_lr = check_number("min_lr", min_lr, low=0.0)
        self.eps = check_number("eps", eps, low=0.0)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def _improves(self, value: float) -> bool:
        if self.mode == "min":
            bound = self.best * (1 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold
            return value < bound
        bound = self.best * (1 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold
        return value > bound

    def step(self, metric: float) -> float:
        """Record this epoch's metric and return the (possibly reduced) learning rate."""
        value = check_number("metric", metric)
        if self._improves(value):
            self.best = value
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.optimizer.lr * self.factor, self.min_lr)
            if self.optimizer.lr - new_lr > self.eps:
                self.optimizer.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        return self.optimizer.lr
