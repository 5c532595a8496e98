"""Hyperparameter search: log-uniform sampling, grids, coarse-to-fine, edge warnings, early aborts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlab.core.model import NetworkSpec
from nnlab.core.search import Outcome, Range, coarse_to_fine, grid_search, random_search
from nnlab.core.train import training_objective


def peak(params):
    """A score with its best at lr = 1e-3, reg = 1e-4 (in log space)."""
    return -((math.log10(params["lr"]) + 3) ** 2) - (math.log10(params["reg"]) + 4) ** 2


def test_log_uniform_sampling_is_uniform_in_the_exponent():
    rng = np.random.default_rng(0)
    r = Range(1e-6, 1e-1, log=True)
    exponents = np.log10([r.sample(rng) for _ in range(4000)])
    assert exponents.min() >= -6 and exponents.max() <= -1
    counts, _ = np.histogram(exponents, bins=5, range=(-6, -1))
    assert np.all(np.abs(counts - 800) < 4 * math.sqrt(800))


def test_grid_search_tries_every_combination():
    results = grid_search(peak, {"lr": [1e-4, 1e-3, 1e-2], "reg": [1e-5, 1e-4, 1e-3]})
    assert len(results.trials) == 9
    assert results.best.params == {"lr": 1e-3, "reg": 1e-4}
    assert results.edge_warnings() == []


def test_best_value_at_the_edge_is_flagged():
    results = grid_search(peak, {"lr": [1e-6, 1e-5, 1e-4], "reg": [1e-5, 1e-4, 1e-3]})
    (warning,) = results.edge_warnings()
    assert warning.startswith("best lr = 0.0001 sits at the high edge") and "widen the range" in warning
    ranged = random_search(peak, {"lr": Range(1e-7, 1.1e-3, log=True), "reg": Range(1e-6, 1e-2, log=True)}, 60)
    assert any(w.startswith("best lr") and "high edge" in w for w in ranged.edge_warnings())


def test_coarse_to_fine_narrows_around_the_best():
    space = {"lr": Range(1e-6, 1.0, log=True), "reg": Range(1e-7, 1e-1, log=True)}
    results = coarse_to_fine(peak, space, rounds=3, n_trials=20, rng=1)
    last = [t for t in results.trials if t.round == 2]
    spread = np.ptp(np.log10([t.params["lr"] for t in last]))
    assert spread < 3.0  # the first round spans 6 decades
    assert abs(math.log10(results.best.params["lr"]) + 3) < 0.3
    assert results.best.score >= max(t.score for t in results.trials if t.round == 0)


def test_table_sorts_and_aborted_runs_go_last():
    def objective(params):
        if params["lr"] > 0.5:
            return Outcome(math.nan, "diverged")
        return Outcome(params["lr"])

    results = grid_search(objective, {"lr": [0.1, 0.9, 0.3]})
    table = results.table()
    assert [row["lr"] for row in table] == [0.3, 0.1, 0.9]
    assert table[-1]["status"] == "diverged"
    assert "1 run(s) aborted early" in results.summary()
    assert [row["lr"] for row in results.table("lr", descending=False)] == [0.1, 0.3, 0.9]
    with pytest.raises(ValueError, match="sort_by='accuracy'"):
        results.table("accuracy")


def test_training_objective_runs_real_trainings():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((60, 2)), (rng.standard_normal(60) > 0).astype(int)
    objective = training_objective(NetworkSpec([2, 8, 2]), X[:40], y[:40], X[40:], y[40:], batch_size=20, epochs=2)
    results = grid_search(objective, {"lr": [1e-3, 1e6], "reg": [1e-3]})
    statuses = {t.params["lr"]: t.status for t in results.trials}
    assert statuses == {1e-3: "finished", 1e6: "diverged"}
    with pytest.raises(ValueError, match="unknown hyperparameter 'momentum'"):
        objective({"momentum": 0.9})


def test_bad_ranges():
    with pytest.raises(ValueError, match="high=1.0 must be greater than low=2.0"):
        Range(2.0, 1.0)
    with pytest.raises(ValueError, match="low=0.0 is outside"):
        Range(0.0, 1.0, log=True)
    with pytest.raises(ValueError, match="space is empty"):
        random_search(peak, {})
