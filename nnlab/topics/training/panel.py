"""The training panel: a small network trained live on 2-D data, with the inside of the network and the
lectures' babysitting checks (CS231n "Neural Networks Part 3: babysitting the learning process" and its
case study "Putting it together"; EECS 498 lecture 11).

Everything trains with the core (:class:`~nnlab.topics.training.study.LiveRun` over :class:`~nnlab.core.train.Trainer`).
The state says how far to train (``iteration``): the picture at a state is the same however it was reached.
*play* advances it frame by frame from the kernel's event loop, each frame scheduled after the previous one
is drawn, so a slow frame delays the next instead of piling ticks up. The learning rate, the
regularization strength, dropout's keep probability and the schedule may change while a run goes on: the
change is logged (``changes``) at the step it was made, and the run goes on; any other change starts a new
run.

Views: *regions* (the decision regions with the train and validation points, and the loss), *curves* (loss
and accuracy), *inside* (each layer's activation histogram over training; saturated and dead units),
*updates* (each weight matrix's update/weight ratio against the notes' 1e-3, and its gradient norm).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from nnlab.app.base import Control, Panel, Param, View
from nnlab.app.player import Player
from nnlab.core._checks import SettingError
from nnlab.core.activations import ACTIVATIONS
from nnlab.core.initializers import INITIALIZERS
from nnlab.core.losses import softmax
from nnlab.core.model import NetworkSpec
from nnlab.core.optim import OPTIMIZERS
from nnlab.core.schedules import SCHEDULES
from nnlab.core.train import TrainConfig
from nnlab.data.images import load_cifar10, load_digits_set
from nnlab.data.toy2d import DATASETS, make_dataset, region_grid, split
from nnlab.topics.training import draw as viz
from nnlab.topics.training.study import (
    EVAL_EVERY,
    LiveRun,
    activation_range,
    babysitting,
    first_below,
    live_value,
    start_run,
)

MAX_ITERATIONS = 100_000
MAX_WIDTH, MAX_LAYERS = 256, 8
GRID = 100  # the decision regions are a GRID x GRID image (50 x 50 for large networks)
DRAWN = "drawn points only"
DIGITS = "digits (8 x 8, 10 classes)"  # scikit-learn's bundled set: the lecture's checks at C = 10
CIFAR = "CIFAR-10 (a local folder)"  # the official python version, where one exists; nothing is downloaded
IMAGES = (DIGITS, CIFAR)
GALLERY = 24  # validation images shown with the network's guess (image sets have no regions to draw)
LIVE = {"lr": "lr", "reg": "reg", "keep_prob": "keep_prob", "schedule": "schedule"}  # state key -> the run's key
# What starts a new run when it changes (everything the run is made of, but the live keys).
RUN_KEYS = ("dataset", "points", "noise", "val_fraction", "data_seed", "drawn", "hidden", "activation", "init",
            "init_std", "bias", "batchnorm", "regularizer", "loss", "optimizer", "batch", "cifar10_path",
            "clip", "seed")  # fmt: skip


TARGET_ERROR = 0.25  # AlexNet's figure 1: epochs to 25% training error, ReLU against tanh


@lru_cache(maxsize=1)
def _cifar10(folder: str) -> tuple[np.ndarray, np.ndarray]:
    """The CIFAR-10 training images (N, 32, 32, 3) uint8 and labels, read once per folder."""
    X_train, y_train, _, _ = load_cifar10(folder)
    return X_train, y_train


def grid_size(weights: int) -> int:
    """The decision grid's side: GRID, or half of it once a forward pass of GRID^2 points costs over 0.1 s."""
    return GRID if 2 * GRID**2 * weights / 2e9 <= 0.1 else GRID // 2


def parse_hidden(text: str) -> list[int]:
    """'16, 16' -> [16, 16]; '' -> [] (a linear classifier). A clear message for anything else."""
    parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        widths = [int(p) for p in parts]
    except ValueError:
        raise SettingError(f"hidden={text!r} is not valid: write the hidden layers' widths, like '16, 16' "
                         "(empty for a linear classifier)") from None  # fmt: skip
    if len(widths) > MAX_LAYERS or any(not 1 <= w <= MAX_WIDTH for w in widths):
        raise SettingError(f"hidden={text!r} is not valid: at most {MAX_LAYERS} layers of 1 to {MAX_WIDTH} units")
    return widths


@dataclass
class Frame:
    """What the views draw at one state (copies: the run goes on after this frame)."""

    run: Any  # a frozen view of the run: history arrays and snapshots up to this iteration
    probs: np.ndarray  # (GRID, GRID, C) class probabilities over the data's extent
    extent: tuple[float, float, float, float]
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    drawn: np.ndarray
    notes: list[str]
    classes: int
    layers: int
    gallery: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # images, truth, guess (the digits set)


@dataclass
class RunView:
    """The parts of a :class:`LiveRun` the pictures read, frozen at one iteration."""

    history: Any
    snapshots: list[Any]
    iteration: int
    stopped: bool


@dataclass
class _History:
    loss: np.ndarray  # (steps,)
    lr: np.ndarray  # (steps,): the learning rate each step used (the schedule's curve)
    update_ratio: np.ndarray  # (steps, weight matrices)
    grad_norm: np.ndarray  # (steps, weight matrices)


class _TrainingView(View):
    """A view of the training panel: its computation is the panel's, shared by every view."""

    def __init__(self, panel: TrainingPanel) -> None:
        self.panel = panel

    def compute(self, state):
        return self.panel.train_to(state)

    def estimate(self, state):
        return self.panel.estimate_seconds(state)

    def describe(self, result: Frame, state):
        return self.panel.describe_frame(result, state)


class RegionsView(_TrainingView):
    def layout(self, state):
        return [state["slides"], state["dataset"] in IMAGES]

    def draw(self, figure, result, state):
        if state["dataset"] in IMAGES:  # 64 or 3,072 pixels: no plane to colour; guesses on validation images
            regions = viz.draw_gallery(figure, (0.03, 0.08, 0.5, 0.78))
        else:
            regions = viz.draw_regions(figure.add_axes((0.03, 0.08, 0.5, 0.84)))
        loss_ax = figure.add_axes((0.62, 0.56, 0.35, 0.36))
        acc_ax = figure.add_axes((0.62, 0.1, 0.35, 0.34), sharex=loss_ax)
        loss_ax.tick_params(labelbottom=False)  # the steps are labelled once, under the accuracy
        return regions, viz.draw_curves(loss_ax, acc_ax)

    def update(self, art, result: Frame, state):
        regions, curves = art
        last = result.run.snapshots[-1]
        title = f"step {result.run.iteration}: train {last.train_acc:.0%}, " + (
            "no validation split" if np.isnan(last.val_acc) else f"validation {last.val_acc:.0%}"
        )
        if result.gallery is not None:
            viz.update_gallery(regions, *result.gallery, title + " (guesses; the truth in brackets)")
        else:
            viz.update_regions(regions, result.probs, result.extent, result.data, result.drawn, title)
        viz.update_curves(curves, result.run)


class CurvesView(_TrainingView):
    def draw(self, figure, result, state):
        grid = figure.add_gridspec(2, 2, width_ratios=(1.4, 1), left=0.07, right=0.98, top=0.92, bottom=0.1,
                                   wspace=0.25, hspace=0.45)  # fmt: skip
        curves = viz.draw_curves(figure.add_subplot(grid[:, 0]), figure.add_subplot(grid[0, 1]))
        return curves, viz.draw_lr(figure.add_subplot(grid[1, 1]))

    def update(self, art, result: Frame, state):
        curves, lr = art
        viz.update_curves(curves, result.run)
        curves.loss_ax.set_xlabel("step")
        viz.update_lr(lr, result.run, state["schedule"])


class InsideView(_TrainingView):
    def layout(self, state):
        return [state["hidden"]]

    def draw(self, figure, result: Frame, state):
        if not result.layers:
            ax = figure.add_subplot()
            ax.set_axis_off()
            ax.text(0.5, 0.5, "a linear classifier has no hidden layers to look inside", ha="center")
            return None
        return viz.draw_inside(figure, result.layers)

    def update(self, art, result: Frame, state):
        if art is not None:
            viz.update_inside(art, result.run, activation_range(state["activation"]))


class UpdatesView(_TrainingView):
    def layout(self, state):
        return [state["hidden"]]

    def draw(self, figure, result: Frame, state):
        return viz.draw_updates(figure, result.layers + 1)

    def update(self, art, result: Frame, state):
        viz.update_updates(art, result.run)


VIEWS = {"regions": RegionsView, "curves": CurvesView, "inside": InsideView, "updates": UpdatesView}
CASE_STUDY = {"dataset": "spiral", "points": 300, "noise": 0.2, "val_fraction": 0.0, "init": "normal",
              "init_std": 0.01, "activation": "relu", "optimizer": "sgd", "lr": 1.0, "regularizer": "l2",
              "reg": 1e-3, "batch": 300, "batchnorm": False, "keep_prob": 1.0}  # fmt: skip


class TrainingPanel(Player, Panel, name="training"):
    title = "Training"
    description = "A small network trained live on 2-D data: its regions, its curves, and what happens inside it."
    views = {name: None for name in VIEWS}  # replaced per panel in __init__ (each view asks its own panel)
    progress_key = "iteration"  # what play advances
    control_tabs = True  # 23 controls in three groups: data, model, training
    defaults = {
        "view": "regions",
        "dataset": "spiral",
        "points": 300,
        "noise": 0.2,
        "cifar10_path": "",
        "val_fraction": 0.3,
        "data_seed": 0,
        "drawn": [],
        "draw_class": 0,
        "hidden": "16, 16",
        "activation": "relu",
        "init": "he_normal",
        "init_std": 0.01,
        "bias": 0.0,
        "batchnorm": False,
        "keep_prob": 1.0,
        "regularizer": "none",
        "reg": 1e-3,
        "loss": "softmax",
        "optimizer": "adam",
        "lr": 0.01,
        "schedule": "constant",
        "batch": 64,
        "clip": 0.0,
        "seed": 0,
        "iteration": 0,
        "speed": 10,
        "changes": [],
    }
    params = {"iteration": Param("int", 0, MAX_ITERATIONS), "changes": Param("list", high=200),
              "drawn": Param("list", high=1000)}  # fmt: skip
    view_keys = frozenset({"view", "speed", "draw_class"})
    preset_keeps = frozenset({"view"})
    controls = (
        Control("view", "view", "toggle", options=tuple(VIEWS)),
        Control("dataset", "data", "choice", options=(*DATASETS, DIGITS, CIFAR, DRAWN), group="data"),
        Control("cifar10_path", "CIFAR-10 folder", "text", group="data"),
        Control("points", "points", "int", 20, 2000, step=10, continuous=False, group="data"),
        Control("noise", "noise", "float", 0.0, 1.0, step=0.05, continuous=False, group="data"),
        Control("val_fraction", "validation fraction", "float", 0.0, 0.8, step=0.05, continuous=False, group="data"),
        Control("data_seed", "data seed", "int", 0, 9, group="data"),
        Control("draw_class", "a click adds class", "toggle", options=(0, 1, 2), group="data"),
        Control("hidden", "hidden widths", "text", group="model"),
        Control(
            "activation", "activation", "choice", options=tuple(a for a in ACTIVATIONS if a != "swish"), group="model"
        ),  # fmt: skip
        Control(
            "init",
            "init",
            "choice",
            options=tuple(i for i in INITIALIZERS if i not in ("xavier", "glorot", "he", "kaiming")),
            group="model",
        ),  # fmt: skip
        Control("init_std", "init std (normal)", "log", 1e-4, 10.0, group="model"),
        Control("bias", "initial bias", "float", -2.0, 2.0, step=0.05, continuous=False, group="model"),
        Control("batchnorm", "batch norm", "bool", group="model"),
        Control("keep_prob", "dropout keep p", "float", 0.1, 1.0, step=0.05, continuous=False, group="model"),
        Control("loss", "loss", "toggle", options=("softmax", "svm"), group="training"),
        Control("optimizer", "optimizer", "choice", options=tuple(OPTIMIZERS), group="training"),
        Control("lr", "learning rate", "log", 1e-7, 1e7, step=0.1, group="training"),
        Control("schedule", "schedule", "choice", options=tuple(SCHEDULES), group="training"),
        Control("regularizer", "regularizer", "toggle", options=("none", "l2", "l1"), group="training"),
        Control("reg", "strength", "log", 1e-6, 10.0, step=0.1, group="training"),
        Control("batch", "batch size", "int", 1, 2000, continuous=False, group="training"),
        Control("clip", "clip gradient norm (0: off)", "float", 0.0, 10.0, step=0.1, group="training"),
        Control("seed", "seed", "int", 0, 9, group="training"),
        Control("speed", "steps per frame", "choice", options=(1, 10, 50, 200)),
    )
    actions = {"play": "play", "pause": "pause", "step": "step", "reset": "reset", "clear points": "clear_drawn"}
    presets = {
        # CS231n case study "Putting it together": softmax on the spiral ~49%, a 100-ReLU net ~98%
        "spiral: linear softmax": {**CASE_STUDY, "hidden": ""},
        # The notes' step size 1.0 makes this spiral's loss spike above 3x its start in 1 of 5 seeds (seed 0, at
        # step 1532); at 0.5 none of 5 does and each passes 97% by step 5000 (tests/claims).
        "spiral: 2-layer net (CS231n)": {**CASE_STUDY, "hidden": "100", "lr": 0.5},
        "learning rate 1e-6: barely moves": {"optimizer": "sgd", "lr": 1e-6, "init": "normal", "init_std": 0.01},
        "learning rate 1e6: explodes": {"optimizer": "sgd", "lr": 1e6},
        "good learning rate": {"optimizer": "sgd", "lr": 0.1},
        # CS231n "Sanity checks": with small weights the softmax starts at ln 10 = 2.303 for 10 classes; with
        # regularization on, higher
        "initial loss ln 10 (digits)": {"dataset": DIGITS, "points": 1797, "init": "normal", "init_std": 0.01,
                                        "hidden": "32", "optimizer": "sgd", "lr": 0.1},
        "initial loss with L2 on: higher (digits)": {"dataset": DIGITS, "points": 1797, "init": "normal",
                                                     "init_std": 0.01, "hidden": "32", "optimizer": "sgd", "lr": 0.1,
                                                     "regularizer": "l2", "reg": 10.0},
        "overfit 20 points (sanity check)": {"dataset": "moons", "points": 20, "val_fraction": 0.0, "hidden": "100",
                                             "batch": 20},
        "bad init: dead ReLUs": {"init": "normal", "init_std": 0.1, "bias": -1.0, "hidden": "32, 32"},
        "deep tanh, no batch norm": {"hidden": "32, 32, 32, 32, 32, 32", "activation": "tanh", "init": "normal",
                                     "init_std": 0.01, "optimizer": "sgd", "lr": 0.1},
        "deep tanh + batch norm": {"hidden": "32, 32, 32, 32, 32, 32", "activation": "tanh", "init": "normal",
                                   "init_std": 0.01, "optimizer": "sgd", "lr": 0.1, "batchnorm": True},
        "bad init: plateau, then learning": {"hidden": "16, 16, 16", "activation": "tanh", "init": "normal",
                                             "init_std": 0.02, "optimizer": "sgd", "lr": 0.5},
        # AlexNet: ReLU reaches 25% training error about 6x faster than tanh
        "race to 25% error: ReLU": {"hidden": "16, 16", "activation": "relu", "init": "he_normal",
                                    "optimizer": "sgd", "lr": 0.1, "val_fraction": 0.0},
        "race to 25% error: tanh": {"hidden": "16, 16", "activation": "tanh", "init": "xavier_normal",
                                    "optimizer": "sgd", "lr": 0.1, "val_fraction": 0.0},
        "overfitting: noisy moons": {"dataset": "moons", "points": 80, "noise": 0.35, "val_fraction": 0.5,
                                     "hidden": "100, 100", "batch": 20},
        "dropout and L2 against it": {"dataset": "moons", "points": 80, "noise": 0.35, "val_fraction": 0.5,
                                      "hidden": "100, 100", "batch": 20, "keep_prob": 0.5, "regularizer": "l2",
                                      "reg": 0.01},
    }  # fmt: skip
    figsize = (10.0, 5.0)

    def __init__(self, **state: Any) -> None:
        self.views = {name: cls(self) for name, cls in VIEWS.items()}
        self._run: LiveRun | None = None
        self._run_key: str | None = None
        self._step_seconds = 1e-3
        super().__init__(**state)

    # --- what follows from a change --------------------------------------------------------------
    def follow(self, changes, state):
        """A change of the run's make-up starts over at step 0; a new learning rate, strength, keep probability
        or schedule while a run is under way is logged at the current step, and the run goes on."""
        out = dict(changes)
        if "iteration" in changes:
            return out
        if any(k in RUN_KEYS and changes[k] != state[k] for k in changes):
            out["iteration"], out["changes"] = 0, []
            return out
        live = {LIVE[k]: v for k, v in changes.items() if k in LIVE and v != state[k]}
        if live and state["iteration"] > 0 and "changes" not in changes:
            log = [list(entry) for entry in state["changes"]]
            for key in live:  # the value that held until now, from step 0, if the log does not say yet
                if not any(key in values for _, values in log):
                    log.insert(0, [0, {key: state[key]}])
            log.append([state["iteration"], live])
            out["changes"] = log
        return out

    def check(self, state):
        parse_hidden(state["hidden"])

    def shows_control(self, control, state):
        """The CIFAR-10 folder only with the CIFAR-10 set chosen."""
        if control.name == "cifar10_path":
            return state["dataset"] == CIFAR
        return super().shows_control(control, state)

    def compute_key(self, state):
        """One computation for every view (a view change never retrains)."""
        return json.dumps({k: state[k] for k in (*RUN_KEYS, *LIVE, "iteration", "changes")}, sort_keys=True)

    # --- the run ---------------------------------------------------------------------------------
    def _data(self, state):
        drawn = np.array(state["drawn"], dtype=float).reshape(-1, 3)
        if state["dataset"] == DIGITS:  # drawn points are 2-D: they belong to the 2-D sets
            X, y = load_digits_set()
            keep = np.random.default_rng(state["data_seed"]).permutation(len(X))[: state["points"]]
            X, y = X[keep], y[keep]
        elif state["dataset"] == CIFAR:
            if not state["cifar10_path"].strip():
                raise SettingError("set cifar10_path to your 'cifar-10-batches-py' folder to use CIFAR-10")
            images, labels = _cifar10(state["cifar10_path"].strip())
            keep = np.random.default_rng(state["data_seed"]).permutation(len(images))[: state["points"]]
            X, y = images[keep].reshape(len(keep), -1).astype(np.float64) / 255.0, labels[keep]
        elif state["dataset"] == DRAWN:
            X, y = drawn[:, :2], drawn[:, 2].astype(int)
        else:
            params = {"noise": state["noise"], "rng": state["data_seed"]}
            n = state["points"]
            if state["dataset"] in ("spiral", "blobs"):
                params["n_per_class"] = max(n // 3, 1)
            else:
                params["n"] = n
            if state["dataset"] == "blobs":
                params["std"] = max(state["noise"], 0.05)
                del params["noise"]
            data = make_dataset(state["dataset"], **params)
            X, y = np.r_[data[0], drawn[:, :2]], np.r_[data[1], drawn[:, 2].astype(int)]
        if len(X) < 2 or len(np.unique(y)) < 2:
            raise SettingError("the data needs at least two points of two classes: choose a data set or draw more "
                             "points (pick the class, then click on the figure)")  # fmt: skip
        if state["val_fraction"] > 0:
            parts = split(X, y, val=state["val_fraction"], test=0.0, rng=state["data_seed"])
            return parts.X_train, parts.y_train, parts.X_val, parts.y_val
        return X, y, X[:0], y[:0]

    def _spec_and_config(self, state, data) -> tuple[NetworkSpec, TrainConfig, int]:
        classes = int(max(data[1].max(), data[3].max() if len(data[3]) else 0)) + 1
        hidden = parse_hidden(state["hidden"])
        init_params = {"std": state["init_std"]} if state["init"] == "normal" else {}
        spec = NetworkSpec([data[0].shape[1], *hidden, classes], activation=state["activation"], init=state["init"],
                           init_params=init_params, bias=state["bias"], batchnorm=state["batchnorm"] and bool(hidden),
                           keep_prob=state["keep_prob"] if hidden else 1.0, seed=state["seed"])  # fmt: skip
        n = len(data[0])
        if state["batch"] > n:
            raise SettingError(f"batch={state['batch']} is larger than the {n} training points: choose at most {n}")
        if state["batchnorm"] and state["batch"] < 2:
            raise SettingError("batch norm needs a batch of at least 2")
        regularizer = {"lam": state["reg"]} if state["regularizer"] != "none" else {}
        config = TrainConfig(optimizer=state["optimizer"], optimizer_params={"lr": state["lr"]},
                             schedule=state["schedule"], loss=state["loss"], regularizer=state["regularizer"],
                             regularizer_params=regularizer, batch_size=state["batch"],
                             clip_norm=state["clip"] or None, seed=state["seed"])  # fmt: skip
        return spec, config, classes

    def train_to(self, state) -> Frame:
        """Train (going on from the current run where possible) to ``state['iteration']``; the frame to draw."""
        data = self._data(state)
        spec, config, classes = self._spec_and_config(state, data)
        key = json.dumps({k: state[k] for k in RUN_KEYS}, sort_keys=True)
        base = {LIVE[k]: live_value(state["changes"], LIVE[k], 0, state[k]) for k in LIVE}  # the values at step 0
        if not parse_hidden(state["hidden"]):
            base["keep_prob"] = 1.0  # a linear classifier has no hidden layer to drop units of
        run = self._run
        same = run is not None and self._run_key == key and run.bases() == base
        if not (same and run.iteration <= state["iteration"] and run.continues(state["changes"])):
            run = self._run = start_run(spec, config, data, base["lr"], base["reg"], base["keep_prob"],
                                        base["schedule"])  # fmt: skip
            self._run_key = key
        start, t0 = run.iteration, time.perf_counter()
        run.advance_to(state["iteration"], state["changes"])
        if run.iteration > start:
            self._step_seconds = (time.perf_counter() - t0) / (run.iteration - start)
        return self._frame(run, data, state, classes, len(spec.sizes) - 2)

    def _frame(self, run: LiveRun, data, state, classes: int, layers: int) -> Frame:
        h = run.history
        arrays = _History(*(np.array(values, dtype=float) for values in (h.loss, h.lr, h.update_ratio, h.grad_norm)))
        frozen = RunView(arrays, list(run.snapshots), run.iteration, run.stopped)
        notes = babysitting(run, classes, state["regularizer"] != "none" and state["reg"] > 0)
        drawn = np.array(state["drawn"], dtype=float).reshape(-1, 3)
        if data[0].shape[1] != 2:  # images: a gallery of validation images (training ones without a validation set)
            X, y = (data[2], data[3]) if len(data[2]) else (data[0], data[1])
            with np.errstate(all="ignore"):
                scores = run.network.forward(X[:GALLERY], train=False)
            shape = (32, 32, 3) if X.shape[1] == 3072 else (int(round(np.sqrt(X.shape[1]))),) * 2
            gallery = (X[:GALLERY].reshape(-1, *shape), y[:GALLERY], np.nan_to_num(scores).argmax(axis=1))
            if len(drawn):
                notes = ["drawn points belong to the 2-D sets; image sets ignore them", *notes]
            return Frame(frozen, np.zeros((1, 1, classes)), (0.0, 1.0, 0.0, 1.0), data, drawn[:0], notes, classes,
                         layers, gallery)  # fmt: skip
        side = grid_size(sum(w.size for w in run.network.arrays))
        grid = region_grid(np.r_[data[0], data[2]], side, margin=0.1, relative=True)  # the data's box, padded
        with np.errstate(all="ignore"):
            scores = run.network.forward(grid.inputs, train=False)
            probs = softmax(scores) if np.all(np.isfinite(scores)) else np.full_like(scores, 1.0 / classes)
        return Frame(frozen, grid.image(probs), grid.extent, data, drawn, notes, classes, layers)

    def estimate_seconds(self, state) -> float:
        """Seconds to reach ``state``: the steps still to take and one frame (the evaluations and the grid), from
        the network's size (numpy here: about 1 ms a step of overhead, 2 GFLOP/s for these small products)."""
        try:
            inputs = {DIGITS: 64, CIFAR: 3072}.get(state["dataset"], 2)
            widths = [inputs, *parse_hidden(state["hidden"]), 10 if inputs > 2 else 3]
        except ValueError:
            return 0.0  # the check will say why
        weights = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
        points = state["points"] + len(state["drawn"])
        step = 1e-3 + 6 * min(state["batch"], points) * weights / 2e9 + 4 * points * weights / EVAL_EVERY / 2e9
        run = self._run
        ahead = state["iteration"] - (run.iteration if run is not None and run.iteration <= state["iteration"] else 0)
        return ahead * step + 2 * grid_size(weights) ** 2 * weights / 2e9

    def describe_frame(self, frame: Frame, state) -> str:
        run = frame.run
        head = f"step {run.iteration}"
        if run.stopped:
            head += " (stopped: the loss is no longer a number)"
        reached = first_below(run.snapshots, TARGET_ERROR)
        if reached:  # AlexNet's race: steps to 25% training error
            head += f" (training error below {TARGET_ERROR:.0%} since step {reached})"
        return "; ".join([head, *frame.notes])

    # --- play, pause, step, reset ----------------------------------------------------------------
    def step(self) -> str:
        """Train one frame: ``speed`` steps."""
        self.set(iteration=min(self._state["iteration"] + self._state["speed"], MAX_ITERATIONS))
        return ""

    def reset(self) -> str:
        self.pause()
        self.set(iteration=0, changes=[])
        return ""

    def clear_drawn(self) -> str:
        self.set(drawn=[])
        return ""

    def can_go_on(self) -> bool:
        return not (self._run is not None and self._run.stopped)

    # --- draw your own ---------------------------------------------------------------------------
    def connect(self, canvas):
        def on_click(event):
            art = self.artists
            if self._state["view"] != "regions" or art is None or event.button != 1:
                return
            if isinstance(art[0], viz.Regions) and event.inaxes is art[0].ax:
                self.guarded(self.add_point, event.xdata, event.ydata)

        canvas.mpl_connect("button_press_event", on_click)

    def add_point(self, x: float, y: float, label: int | None = None) -> None:
        """Add a training point of class ``label`` (default: the one chosen) at (x, y), as a click does."""
        label = self._state["draw_class"] if label is None else label
        if label not in (0, 1, 2):
            raise SettingError(f"label={label!r} is not valid: choose 0, 1 or 2")
        self.set(drawn=[*self._state["drawn"], [round(float(x), 3), round(float(y), 3), int(label)]])
