"""Hyperparameter search (CS231n notes "Neural Networks Part 3", Hyperparameter optimization).

Random search over log-uniform ranges beats grid search when few hyperparameters matter
(Bergstra & Bengio 2012); search coarse to fine, a few epochs first; abort a run whose
loss explodes (the trainer stops at 3x the first loss); and distrust a best value that
sits at the edge of the searched range. :class:`SearchResults` says so in words.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_choice, check_int, check_number

Params = dict[str, Any]
Objective = Callable[[Params], "Outcome"]


@dataclass(frozen=True)
class Range:
    """A continuous range to sample; ``log=True`` samples uniformly in the exponent (learning rates, lambdas)."""

    low: float
    high: float
    log: bool = False
    integer: bool = False

    def __post_init__(self) -> None:
        check_number("low", self.low, low=0.0, low_open=True) if self.log else check_number("low", self.low)
        check_number("high", self.high)
        if self.high <= self.low:
            raise SettingError(f"high={self.high} must be greater than low={self.low}")

    def sample(self, rng: np.random.Generator) -> float:
        if self.log:
            value = 10 ** rng.uniform(math.log10(self.low), math.log10(self.high))
        else:
            value = rng.uniform(self.low, self.high)
        return int(round(value)) if self.integer else float(value)

    def position(self, value: float) -> float:
        """Where ``value`` lies in the range, 0 at low and 1 at high (in log space if ``log``)."""
        if self.log:
            return (math.log10(value) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        return (value - self.low) / (self.high - self.low)

    def around(self, values: Sequence[float]) -> Range:
        """A narrower range spanning ``values`` with a margin of a quarter of their spread, within this range."""
        lo, hi = min(values), max(values)
        if self.log:
            a, b = math.log10(lo), math.log10(hi)
            pad = max((b - a) / 4, 0.05 * (math.log10(self.high) - math.log10(self.low)))
            new_lo, new_hi = 10 ** max(a - pad, math.log10(self.low)), 10 ** min(b + pad, math.log10(self.high))
        else:
            pad = max((hi - lo) / 4, 0.05 * (self.high - self.low))
            new_lo, new_hi = max(lo - pad, self.low), min(hi + pad, self.high)
        return Range(new_lo, new_hi, self.log, self.integer)


@dataclass
class Outcome:
    """What one run reports: ``score`` (higher is better, e.g. validation accuracy) and a status."""

    score: float
    status: str = "finished"
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Trial:
    params: Params
    score: float
    status: str
    round: int = 0


@dataclass
class SearchResults:
    """All trials, with the searched space for the edge check."""

    trials: list[Trial]
    space: Mapping[str, Range | Sequence[Any]]

    @property
    def best(self) -> Trial:
        finite = [t for t in self.trials if math.isfinite(t.score)]
        if not finite:
            raise SettingError("no trial produced a finite score")
        return max(finite, key=lambda t: t.score)

    def table(self, sort_by: str = "score", descending: bool = True) -> list[dict[str, Any]]:
        """One row per trial (params, score, status, round), sorted by any column."""
        rows = [{**t.params, "score": t.score, "status": t.status, "round": t.round} for t in self.trials]
        if rows and sort_by not in rows[0]:
            check_choice("sort_by", sort_by, list(rows[0]))

        def key(row: dict[str, Any]) -> Any:
            value = row[sort_by]
            missing = isinstance(value, float) and not math.isfinite(value)
            return (missing != descending, value if not missing else 0)

        return sorted(rows, key=key, reverse=descending)

    def edge_warnings(self, margin: float = 0.1) -> list[str]:
        """Parameters whose best value lies in the outer ``margin`` of its range (or at a grid's end)."""
        best = self.best.params
        warnings = []
        for name, dom in self.space.items():
            value = best[name]
            if isinstance(dom, Range):
                pos = dom.position(value)
                edge = "low" if pos < margin else "high" if pos > 1 - margin else None
                span = f"[{dom.low:g}, {dom.high:g}]"
            else:
                values = list(dom)
                ordered = all(isinstance(v, (int, float)) for v in values) and len(values) > 2
                sorted_values = sorted(values) if ordered else values
                edge = None
                if ordered and value == sorted_values[0]:
                    edge = "low"
                elif ordered and value == sorted_values[-1]:
                    edge = "high"
                span = f"{{{', '.join(f'{v:g}' if isinstance(v, float) else str(v) for v in sorted_values)}}}"
            if edge:
                shown = f"{value:.3g}" if isinstance(value, float) else str(value)
                warnings.append(
                    f"best {name} = {shown} sits at the {edge} edge of {span}: widen the range and search again"
                )
        return warnings

    def summary(self) -> str:
        b = self.best
        params = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in b.params.items())
        lines = [f"best score {b.score:.4f} with {params} ({len(self.trials)} trials)"]
        aborted = sum(t.status == "diverged" for t in self.trials)
        if aborted:
            lines.append(f"{aborted} run(s) aborted early because the loss exploded")
        return "\n".join(lines + self.edge_warnings())


def _run(objective: Objective, params: Params, round_: int) -> Trial:
    outcome = objective(dict(params))
    if not isinstance(outcome, Outcome):
        outcome = Outcome(float(outcome))
    score = outcome.score if outcome.status != "diverged" else -math.inf
    return Trial(dict(params), float(score), outcome.status, round_)


BACKENDS = ("sequential", "processes", "threads", "configured")
_JOBLIB_BACKEND = {"processes": "loky", "threads": "threading"}


def evaluate(
    objective: Objective, trials: Sequence[Params], round_: int = 0, n_jobs: int = 1, backend: str = "processes"
) -> list[Trial]:
    """Run ``objective`` on every parameter set. ``n_jobs > 1`` runs them in parallel through joblib: ``backend``
    'processes' (joblib's loky worker processes), 'threads', 'sequential' (one after another, as n_jobs=1), or
    'configured': whatever ``joblib.parallel_config`` around the call names. That is how a course with a cluster
    runs the same search on Dask or Ray without code changes::

        from distributed import Client; client = Client("scheduler:8786")
        with joblib.parallel_config(backend="dask"):
            random_search(objective, space, 200, n_jobs=-1, backend="configured")

    The trials come back in the order given, with the same scores as a sequential run (each run is seeded by
    its parameters)."""
    n_jobs = check_int("n_jobs", n_jobs, low=-1)
    if n_jobs == 0:
        raise SettingError("n_jobs=0 is not valid: use 1 (sequential), k > 1 workers, or -1 (every core)")
    backend = check_choice("backend", backend, BACKENDS)
    if n_jobs == 1 or backend == "sequential" or len(trials) < 2:
        return [_run(objective, params, round_) for params in trials]
    try:
        import joblib
    except ImportError:
        raise SettingError("n_jobs > 1 needs joblib: pip install joblib (it comes with nnlab)") from None
    parallel = joblib.Parallel(n_jobs=n_jobs, backend=_JOBLIB_BACKEND.get(backend))
    return list(parallel(joblib.delayed(_run)(objective, params, round_) for params in trials))


def grid_search(objective: Objective, grid: Mapping[str, Sequence[Any]]) -> SearchResults:
    """Every combination of the listed values."""
    if not grid:
        raise SettingError("grid is empty; give at least one hyperparameter with its values")
    names = list(grid)
    for name in names:
        if len(grid[name]) == 0:
            raise SettingError(f"grid[{name!r}] has no values")
    trials = [_run(objective, dict(zip(names, combo)), 0) for combo in itertools.product(*grid.values())]
    return SearchResults(trials, dict(grid))


def _sample(space: Mapping[str, Range | Sequence[Any]], rng: np.random.Generator) -> Params:
    return {
        name: dom.sample(rng) if isinstance(dom, Range) else list(dom)[rng.integers(len(dom))]
        for name, dom in space.items()
    }


def sample(space: Mapping[str, Range | Sequence[Any]], n_trials: int, rng: Any = 0) -> list[Params]:
    """``n_trials`` independent draws from ``space`` (what :func:`random_search` evaluates)."""
    if not space:
        raise SettingError("space is empty; give at least one hyperparameter with its range")
    n_trials = check_int("n_trials", n_trials, low=1)
    gen = as_generator(rng)
    return [_sample(space, gen) for _ in range(n_trials)]


def narrow(
    space: Mapping[str, Range | Sequence[Any]], trials: Sequence[Trial], keep: float = 0.2
) -> dict[str, Range | Sequence[Any]]:
    """The next, finer space: every Range narrowed around the best ``keep`` fraction of ``trials``."""
    keep = check_number("keep", keep, low=0.0, high=1.0, low_open=True)
    ranked = sorted((t for t in trials if math.isfinite(t.score)), key=lambda t: t.score, reverse=True)
    top = ranked[: max(1, int(round(keep * len(ranked))))]
    if not top:
        return dict(space)
    return {
        name: dom.around([t.params[name] for t in top]) if isinstance(dom, Range) else dom
        for name, dom in space.items()
    }


def random_search(
    objective: Objective,
    space: Mapping[str, Range | Sequence[Any]],
    n_trials: int = 20,
    rng: Any = 0,
    n_jobs: int = 1,
    backend: str = "processes",
) -> SearchResults:
    """``n_trials`` independent draws: each Range sampled (log-uniformly if ``log``), lists chosen uniformly;
    ``n_jobs`` and ``backend`` as in :func:`evaluate`."""
    trials = evaluate(objective, sample(space, n_trials, rng), 0, n_jobs, backend)
    return SearchResults(trials, dict(space))


def coarse_to_fine(
    objective: Objective,
    space: Mapping[str, Range | Sequence[Any]],
    rounds: int = 2,
    n_trials: int = 20,
    keep: float = 0.2,
    rng: Any = 0,
    n_jobs: int = 1,
    backend: str = "processes",
) -> SearchResults:
    """Random search in ``rounds``: each round narrows every Range around the best ``keep`` fraction so far."""
    rounds = check_int("rounds", rounds, low=1)
    keep = check_number("keep", keep, low=0.0, high=1.0, low_open=True)
    gen = as_generator(rng)
    current = dict(space)
    trials: list[Trial] = []
    for r in range(rounds):
        trials += evaluate(objective, sample(current, n_trials, gen), r, n_jobs, backend)
        current = narrow(current, trials, keep)
    return SearchResults(trials, dict(space))
