"""Hyperparameter search (CS231n lecture 6 and notes "Neural Networks Part 3": random search over log-uniform
ranges, coarse to fine, a best value at the edge of a range means the range was wrong; Bergstra & Bengio 2012).

Views: *grid vs random*: 9 grid trials test 3 values of the parameter that matters, 9 random trials test 9
(the paper's figure 1), with the fraction of problems in which random search finds the better value;
*search*: a real search of the learning rate and the L2 strength of a small network on the digits set (or the
spiral), trial after trial. The state says how many trials are done (``done``): *search* plays trial after
trial (``jobs`` at a time through joblib), *stop* pauses, and the picture at a state is the same however it
was reached; trials already run are kept, so going back and forth costs nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlab.app.base import Control, Panel, Param, View
from nnlab.app.player import Player
from nnlab.core._checks import SettingError
from nnlab.core.search import SearchResults, Trial
from nnlab.topics.search import draw as viz
from nnlab.topics.search import study as study

MAX_TRIALS = 100  # per stage
SEARCH_KEYS = ("task", "trials", "stages", "lr_low", "lr_high", "reg_low", "reg_high", "epochs", "seed")
STAGES = {"coarse": 1, "coarse to fine": 2}
SECONDS_PER_EPOCH = {"digits": 0.008, "spiral": 0.0015}  # one trial's epoch, measured here (bench_search_panel)


class _Trials:
    """Trials already run, per search stage (bounded): a prefix of each stage's list, extended on demand."""

    def __init__(self, stages: int = 16) -> None:
        self.runs: OrderedDict[tuple, list[Trial]] = OrderedDict()
        self.stages = stages

    def known(self, key: tuple) -> int:
        return len(self.runs.get(key, ()))

    def prefix(self, key: tuple, params: list[dict[str, Any]], k: int, run) -> list[Trial]:
        done = self.runs.pop(key, [])
        if len(done) < k:
            done = done + run(params[len(done) : k])
        self.runs[key] = done
        while len(self.runs) > self.stages:
            self.runs.popitem(last=False)
        return done[:k]


TRIALS = _Trials()


@dataclass
class Progress:
    trials: list[Trial]
    total: int
    space: dict  # the first stage's
    fine: dict | None  # the second stage's, once the first is complete


class GridVsRandom(View):
    keys = ("toy_trials", "toy_seed")

    def compute(self, state):
        n, seed = state["toy_trials"], state["toy_seed"]
        problem = study.toy_problem(seed)
        return {"problem": problem, "grid": study.grid_points(n), "random": study.random_points(n, seed),
                "contest": study.contest(problem, n, seed), "wins": study.random_beats_grid(n)}  # fmt: skip

    def draw(self, figure, result, state):
        return viz.draw_layouts(figure)

    def update(self, art, result, state):
        n, c = state["toy_trials"], result["contest"]
        side = int(np.sqrt(n))
        titles = [f"grid: {n} trials, {side} values of the important one\nbest g = {c.grid_best:.2f}",
                  f"random: {n} trials, {n} values of the important one\nbest g = {c.random_best:.2f}"]  # fmt: skip
        viz.update_layouts(art, [result["grid"], result["random"]], result["problem"], titles)

    def describe(self, result, state):
        wins, losses = result["wins"]
        return (f"over 200 problems like this one, {state['toy_trials']} random trials found a better value of the "
                f"important parameter than the grid in {wins:.0%} of them, a worse one in {losses:.0%}")  # fmt: skip


def _space(state) -> dict:
    return study.stage_space((state["lr_low"], state["lr_high"]), (state["reg_low"], state["reg_high"]))


def _stage_key(state, stage: int, space: dict) -> tuple:
    bounds = tuple((r.low, r.high) for r in space.values())
    return (state["task"], state["epochs"], state["seed"], state["trials"], stage, bounds)


class SearchView(View):
    keys = ("done", *SEARCH_KEYS)

    def compute(self, state):
        n, done, seed = state["trials"], state["done"], state["seed"]

        def run(params, stage):
            return study.search_stage(state["task"], state["epochs"], params, stage, seed, state["jobs"],
                                      state["backend"])  # fmt: skip

        space = _space(state)
        first = TRIALS.prefix(_stage_key(state, 0, space), study.stage_trials(space, n, seed, 0), min(done, n),
                              lambda p: run(p, 0))  # fmt: skip
        fine, second = None, []
        if STAGES[state["stages"]] == 2 and done >= n:
            fine = study.fine_space(space, first)
            second = TRIALS.prefix(_stage_key(state, 1, fine), study.stage_trials(fine, n, seed, 1), done - n,
                                   lambda p: run(p, 1))  # fmt: skip
        return Progress(first + second, n * STAGES[state["stages"]], space, fine)

    def estimate(self, state):
        space, n = _space(state), state["trials"]
        missing = max(0, min(state["done"], n) - TRIALS.known(_stage_key(state, 0, space)))
        missing += max(0, state["done"] - n)  # the fine stage's are not known before the coarse one is complete
        parallel = 1 if state["backend"] == "sequential" else min(state["jobs"], max(missing, 1))
        return missing * state["epochs"] * SECONDS_PER_EPOCH[state["task"]] / parallel

    def layout(self, state):
        return [state["lr_low"], state["lr_high"], state["reg_low"], state["reg_high"]]

    def draw(self, figure, result, state):
        return viz.draw_search(figure, (state["lr_low"], state["lr_high"]), (state["reg_low"], state["reg_high"]))

    def update(self, art, result: Progress, state):
        fine = None
        if result.fine is not None:
            fine = tuple((r.low, r.high) for r in result.fine.values())
        task = "8 x 8 digits" if state["task"] == "digits" else "spiral"
        title = (f"{task}: validation accuracy after {state['epochs']} epochs per trial\n"
                 f"lr and reg sampled log-uniformly")  # fmt: skip
        viz.update_search(art, result.trials, result.total, fine, title, best_table(result.trials))

    def describe(self, result: Progress, state):
        if not result.trials:
            return "press 'run search': trials appear as they finish; 'stop' pauses"
        finite = [t for t in result.trials if np.isfinite(t.score)]
        if not finite:
            return f"all {len(result.trials)} trials stopped: the loss passed 3x its first value; lower the rates"
        return SearchResults(result.trials, result.space).summary().replace("\n", "; ")


def best_table(trials: list[Trial], rows: int = 10) -> str:
    """The best trials, as the lecture's printout: learning rate, strength, validation accuracy, stage."""
    ranked = sorted((t for t in trials if np.isfinite(t.score)), key=lambda t: -t.score)[:rows]
    lines = [
        "best trials",
        "lr        reg       val acc",
        *(f"{t.params['lr']:.2e}  {t.params['reg']:.2e}  {t.score:6.1%}{'  fine' if t.round else ''}" for t in ranked),
    ]
    stopped = len(trials) - sum(np.isfinite(t.score) for t in trials)
    if stopped:
        lines.append(f"{stopped} stopped early (loss > 3x first)")
    return "\n".join(lines)


class SearchPanel(Player, Panel, name="search"):
    title = "Hyperparameter search"
    description = "Random against grid search, and a real search of the learning rate and regularization."
    views = {"grid vs random": GridVsRandom(), "search": SearchView()}
    progress_key = "done"
    defaults = {
        "view": "grid vs random",
        "toy_trials": 9,
        "toy_seed": 0,
        "task": "digits",
        "trials": 30,
        "stages": "coarse",
        "lr_low": 1e-4,
        "lr_high": 1.0,
        "reg_low": 1e-5,
        "reg_high": 1.0,
        "epochs": 5,
        "jobs": 1,
        "backend": "processes",
        "seed": 0,
        "done": 0,
    }
    controls = (
        Control("view", "view", "toggle", options=tuple(views)),
        Control("toy_trials", "trials", "toggle", options=(4, 9, 16, 25), views=("grid vs random",)),
        Control("toy_seed", "problem", "int", 0, 9, views=("grid vs random",)),
        Control("task", "task", "toggle", options=study.TASKS, views=("search",)),
        Control("stages", "stages", "toggle", options=tuple(STAGES), views=("search",)),
        Control("trials", "trials per stage", "int", 5, MAX_TRIALS, step=5, continuous=False, views=("search",)),
        Control("lr_low", "learning rate from", "log", 1e-6, 100.0, continuous=False, views=("search",)),
        Control("lr_high", "to", "log", 1e-6, 100.0, continuous=False, views=("search",)),
        Control("reg_low", "L2 strength from", "log", 1e-7, 10.0, continuous=False, views=("search",)),
        Control("reg_high", "to", "log", 1e-7, 10.0, continuous=False, views=("search",)),
        Control("epochs", "epochs per trial", "int", 1, 20, continuous=False, views=("search",)),
        Control("jobs", "trials at a time", "int", 1, 8, continuous=False, views=("search",)),
        Control(
            "backend", "in parallel with", "toggle", options=("sequential", "processes", "threads"), views=("search",)
        ),  # fmt: skip
        Control("seed", "seed", "int", 0, 9, views=("search",)),
    )
    params = {"done": Param("int", 0, 2 * MAX_TRIALS)}
    actions = {"run search": "play", "stop": "pause", "clear": "clear"}
    presets = {
        "grid against random: 9 trials": {},
        "grid against random: 16 trials": {"toy_trials": 16},
        "grid against random: another problem": {"toy_seed": 3},
        "coarse search: 30 trials (digits)": {"view": "search", "done": 30},
        "coarse to fine: 2 x 30 trials (digits)": {"view": "search", "stages": "coarse to fine", "done": 60},
        "range too narrow: best at the edge": {"view": "search", "lr_low": 1e-4, "lr_high": 1e-2, "done": 30},
        "rates too high: runs stop early": {"view": "search", "lr_low": 0.3, "lr_high": 100.0, "done": 30},
        "coarse to fine on the spiral": {
            "view": "search",
            "task": "spiral",
            "stages": "coarse to fine",
            "epochs": 10,
            "done": 60,
        },  # fmt: skip
    }
    figsize = (10.0, 5.0)

    def follow(self, changes, state):
        """A new search (any of its settings) starts with no trials shown; press *search* to run it."""
        out = dict(changes)
        if "done" not in changes and any(key in changes for key in SEARCH_KEYS):
            out["done"] = 0
        return out

    def check(self, state):
        for key in ("lr", "reg"):
            if state[f"{key}_low"] >= state[f"{key}_high"]:
                raise SettingError(f"{key}_low={state[f'{key}_low']:g} is not valid: it must be below "
                                 f"{key}_high={state[f'{key}_high']:g}")  # fmt: skip
        total = state["trials"] * STAGES[state["stages"]]
        if state["done"] > total:
            raise SettingError(f"done={state['done']} is not valid: this search has {total} trials (0 to {total})")

    # --- play: one frame is the next trials -------------------------------------------------------------
    def step(self) -> str:
        """The next trials: ``jobs`` of them (one when sequential), in parallel."""
        state = self._state
        batch = 1 if state["backend"] == "sequential" else state["jobs"]
        total = state["trials"] * STAGES[state["stages"]]
        self.set(view="search", done=min(state["done"] + batch, total))
        return ""

    def can_go_on(self) -> bool:
        return self._state["done"] < self._state["trials"] * STAGES[self._state["stages"]]

    def clear(self) -> str:
        self.pause()
        self.set(done=0)
        return ""
