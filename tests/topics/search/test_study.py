"""Random against grid search, log-uniform sampling, coarse to fine, the edge warning, and parallel trials that
agree with sequential ones (the search core's own tests are tests/core/test_search.py)."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core.search import Range, SearchResults, Trial, evaluate, sample
from nnlab.topics.search import study as study


@pytest.mark.parametrize("n", [4, 9, 16, 25])
def test_a_grid_of_n_trials_tests_sqrt_n_values_per_axis_and_random_tests_n(n):
    grid = study.grid_points(n)
    assert grid.shape == (n, 2)
    assert len(np.unique(grid[:, 0])) == len(np.unique(grid[:, 1])) == int(np.sqrt(n))
    assert len(np.unique(study.random_points(n, 3)[:, 0])) == n


def test_a_grid_needs_a_square_number():
    with pytest.raises(ValueError, match="n=10 is not valid for a grid: choose a square number"):
        study.grid_points(10)


def test_random_beats_grid_on_the_important_parameter_in_most_problems():
    wins, losses = study.random_beats_grid(9)
    assert wins > 0.55 and wins > losses
    assert study.random_beats_grid(25)[0] > wins  # more trials: the grid's few values fall further behind
    # each contest compares the important part only: the grid's best is one of its 3 values' g
    problem = study.toy_problem(0)
    c = study.contest(problem, 9, 0)
    assert c.grid_best in {float(problem.important(x)) for x in (1 / 6, 1 / 2, 5 / 6)}


def test_log_uniform_samples_have_uniform_exponents():
    # Kolmogorov-Smirnov against the uniform law of log10(lr) on [-6, 0]: at 2,000 samples the 1% critical
    # value of the statistic is 1.63 / sqrt(2000) = 0.036
    draws = sample({"lr": Range(1e-6, 1.0, log=True)}, 2000, rng=7)
    u = np.sort((np.log10([d["lr"] for d in draws]) + 6.0) / 6.0)
    n = u.size
    statistic = max(np.max(np.arange(1, n + 1) / n - u), np.max(u - np.arange(n) / n))
    assert statistic < 1.63 / np.sqrt(n)
    # a linear-uniform sample of the same range puts almost nothing below 1e-3: the statistic is huge
    linear = np.sort((np.log10(np.random.default_rng(7).uniform(1e-6, 1.0, n)) + 6.0) / 6.0)
    assert max(np.max(np.arange(1, n + 1) / n - linear), np.max(linear - np.arange(n) / n)) > 0.3


def test_the_fine_stage_lies_inside_the_coarse_stages_best_region():
    space = study.stage_space((1e-4, 1.0), (1e-5, 1.0))
    params = study.stage_trials(space, 20, 0, 0)
    trials = study.search_stage("spiral", 5, params, 0, 0)
    fine = study.fine_space(space, trials)
    top = sorted((t for t in trials if np.isfinite(t.score)), key=lambda t: -t.score)[:4]  # the best fifth
    for name, r in fine.items():
        assert space[name].low <= r.low < r.high <= space[name].high
        assert r.low <= min(t.params[name] for t in top) and max(t.params[name] for t in top) <= r.high
        assert np.log10(r.high / r.low) < np.log10(space[name].high / space[name].low)  # narrower
    for p in study.stage_trials(fine, 20, 0, 1):
        assert all(fine[k].low <= v <= fine[k].high for k, v in p.items())


def test_the_edge_warning_fires_when_the_best_value_is_at_the_edge():
    space = {"lr": Range(1e-4, 1e-2, log=True)}
    edge = SearchResults([Trial({"lr": 9e-3}, 0.9, "finished"), Trial({"lr": 1e-3}, 0.5, "finished")], space)
    assert edge.edge_warnings() == ["best lr = 0.009 sits at the high edge of [0.0001, 0.01]: widen the range and "
                                    "search again"]  # fmt: skip
    inside = SearchResults([Trial({"lr": 9e-3}, 0.5, "finished"), Trial({"lr": 1e-3}, 0.9, "finished")], space)
    assert inside.edge_warnings() == []


def test_runs_whose_loss_explodes_stop_early():
    params = [{"lr": 50.0, "reg": 1e-4}, {"lr": 0.05, "reg": 1e-4}]
    high, good = study.search_stage("spiral", 5, params, 0, 0)
    assert high.status == "diverged" and high.score == -np.inf
    assert good.status == "finished" and good.score > 0.5


@pytest.mark.parametrize("backend", ["processes", "threads"])
def test_parallel_and_sequential_searches_agree(backend):
    params = study.stage_trials(study.stage_space((1e-3, 1.0), (1e-5, 1e-1)), 6, 1, 0)
    sequential = study.search_stage("spiral", 3, params, 0, 1, n_jobs=1)
    parallel = study.search_stage("spiral", 3, params, 0, 1, n_jobs=2, backend=backend)
    assert [(t.params, t.score, t.status) for t in parallel] == [(t.params, t.score, t.status) for t in sequential]


def test_evaluate_refuses_bad_settings():
    with pytest.raises(ValueError, match="n_jobs=0 is not valid"):
        evaluate(lambda p: 1.0, [{}], n_jobs=0)
    with pytest.raises(ValueError, match="backend"):
        evaluate(lambda p: 1.0, [{}, {}], n_jobs=2, backend="cluster")
