"""The hyperparameter-search experiments of CS231n lecture 6 ("Hyperparameter Optimization"), with
:mod:`nnlab.core.search` and the training core.

- random against grid search (Bergstra & Bengio 2012, figure 1): a function of two parameters of which only
  one matters; n grid trials test sqrt(n) values of it, n random trials test n (:func:`toy_problem`,
  :func:`grid_points`, :func:`random_points`, :func:`random_beats_grid`);
- a real search: the learning rate and the L2 strength of a small network on a real task, sampled
  log-uniformly, each trial a short run that stops when the loss passes 3x its first value, coarse then
  fine (:func:`stage_space`, :func:`search_stage`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_choice, check_int
from nnlab.core.model import NetworkSpec
from nnlab.core.preprocessing import Standardize
from nnlab.core.search import Range, Trial, evaluate, narrow, sample
from nnlab.core.train import training_objective

TOY_WIDTH = 0.06  # the important parameter's peak: narrow enough that a grid's 3 values can miss it


# --- random against grid -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ToyProblem:
    """f(x, y) = g(x) + h(y) on the unit square: g a narrow peak (x matters), h a small ripple (y hardly does)."""

    peak: float
    phase: float

    def important(self, x: np.ndarray) -> np.ndarray:
        return np.exp(-0.5 * ((np.asarray(x) - self.peak) / TOY_WIDTH) ** 2)

    def unimportant(self, y: np.ndarray) -> np.ndarray:
        return 0.05 * np.sin(2 * np.pi * (np.asarray(y) + self.phase))

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.important(x) + self.unimportant(y)


def toy_problem(seed: int) -> ToyProblem:
    """The problem of ``seed``: its peak anywhere in [0.05, 0.95]."""
    gen = as_generator(seed)
    return ToyProblem(float(gen.uniform(0.05, 0.95)), float(gen.uniform(0.0, 1.0)))


def grid_points(n: int) -> np.ndarray:
    """A sqrt(n) x sqrt(n) grid over the unit square, at the centres of its cells; (n, 2)."""
    side = math.isqrt(check_int("n", n, low=1))
    if side * side != n:
        raise SettingError(f"n={n} is not valid for a grid: choose a square number (4, 9, 16, 25, ...)")
    values = (np.arange(side) + 0.5) / side
    return np.array([(x, y) for x in values for y in values])


def random_points(n: int, seed: int) -> np.ndarray:
    """``n`` uniform points in the unit square (the random search's trials); (n, 2)."""
    return as_generator(seed + 1000).uniform(0.0, 1.0, (check_int("n", n, low=1), 2))


@dataclass
class Contest:
    grid_best: float  # the best value of the important part g found by each
    random_best: float


def contest(problem: ToyProblem, n: int, seed: int) -> Contest:
    """The best g(x) (the part that matters) among the grid's and the random trials'."""
    return Contest(float(problem.important(grid_points(n)[:, 0]).max()),
                   float(problem.important(random_points(n, seed)[:, 0]).max()))  # fmt: skip


@lru_cache(maxsize=16)
def random_beats_grid(n: int, problems: int = 200) -> tuple[float, float]:
    """Over ``problems`` seeded problems, the fractions in which random search found a strictly better, and a
    strictly worse, value of the important parameter than the grid of ``n`` trials."""
    outcomes = [contest(toy_problem(seed), n, seed) for seed in range(problems)]
    wins = sum(c.random_best > c.grid_best for c in outcomes)
    losses = sum(c.random_best < c.grid_best for c in outcomes)
    return wins / problems, losses / problems


# --- a real search ---------------------------------------------------------------------------------------------------
TASKS = ("digits", "spiral")
HIDDEN = 50


@lru_cache(maxsize=2)
def task_data(task: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_val, y_val): scikit-learn's 8 x 8 digits (1,797 images; 1,000 for training, 500 for
    validation) or the CS231n spiral (300 points; 240 and 60), standardized with the training split's
    statistics (the core's :class:`~nnlab.core.preprocessing.Standardize`)."""
    task = check_choice("task", task, TASKS)
    if task == "digits":
        from nnlab.data.images import load_digits_set

        X, y = load_digits_set()
        n_train, n_val = 1000, 500
    else:
        from nnlab.data.toy2d import spiral

        X, y = spiral(100, 3, rng=0)
        n_train, n_val = 240, 60
    order = np.random.default_rng(0).permutation(len(y))
    train, val = order[:n_train], order[n_train : n_train + n_val]
    scaler = Standardize().fit(X[train])
    return scaler.transform(X[train]), y[train], scaler.transform(X[val]), y[val]


def stage_space(lr: tuple[float, float], reg: tuple[float, float]) -> dict[str, Range]:
    """The searched space: learning rate and L2 strength, both sampled log-uniformly (the lecture's advice)."""
    return {"lr": Range(lr[0], lr[1], log=True), "reg": Range(reg[0], reg[1], log=True)}


def objective(task: str, epochs: int, seed: int):
    """One trial: a 2-layer ReLU network (50 hidden units, He init), SGD with momentum 0.9, batch 50, ``epochs``
    epochs; the score is the best validation accuracy; a loss above 3x its first value stops it (CS231n)."""
    X_train, y_train, X_val, y_val = task_data(task)
    spec = NetworkSpec(sizes=[X_train.shape[1], HIDDEN, int(y_train.max()) + 1], activation="relu", init="he_normal",
                       seed=seed)  # fmt: skip
    return training_objective(spec, X_train, y_train, X_val, y_val, optimizer="momentum",
                              optimizer_params={"lr": 1e-2, "momentum": 0.9}, batch_size=50,
                              epochs=check_int("epochs", epochs, low=1, high=50), seed=seed)  # fmt: skip


def stage_trials(space: dict[str, Range], n: int, seed: int, stage: int) -> list[dict[str, Any]]:
    """The parameters of stage ``stage``'s ``n`` trials (drawn before any runs, so a trial's parameters never
    depend on how many ran in parallel)."""
    return sample(space, n, as_generator(seed * 100 + stage))


def search_stage(task: str, epochs: int, params: list[dict[str, Any]], stage: int, seed: int, n_jobs: int = 1,
                 backend: str = "processes") -> list[Trial]:  # fmt: skip
    """Run the trials ``params`` (stage ``stage``), ``n_jobs`` at a time."""
    return evaluate(objective(task, epochs, seed), params, stage, n_jobs, backend)


def fine_space(space: dict[str, Range], trials: list[Trial], keep: float = 0.2) -> dict[str, Range]:
    """The second stage's space: the first's narrowed around its best fifth (:func:`nnlab.core.search.narrow`)."""
    return narrow(space, trials, keep)  # type: ignore[return-value]
