"""Dropout (CS231n notes "Neural Networks Part 2", Srivastava et al. 2014; DropConnect: Wan et al. 2013).

``keep_prob`` p is the probability of *keeping* a unit, everywhere in nnlab (the drop
probability is 1 - p; PyTorch's ``Dropout(p)`` takes the drop probability).

Views: *masks*: a small network with the units (or, for DropConnect, the weights) of one
forward pass greyed out, and the masks of a whole minibatch, a different sub-network for
every example. *expectation*: one linear unit behind dropout; its training-time output
over many masks against its test-time output. *ensemble*: the test-time prediction against
the average of M sampled sub-networks and the exact ensemble of all 2^N. *training*: a small
data set that overfits, learned with and without dropout.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from nnlab.app.base import Control, Panel, View
from nnlab.core.layers import DropConnect, Dropout
from nnlab.core.losses import softmax
from nnlab.core.model import Network, NetworkSpec, dropout_mask_table, exact_dropout_ensemble
from nnlab.core.train import TrainConfig, Trainer
from nnlab.data.toy2d import moons, region_grid, split
from nnlab.topics.dropout import draw as viz

LAYERS = ("input", "hidden 1", "hidden 2")
SIZES = [4, 8, 8, 3]  # the network of the masks and ensemble views
BATCH = 32
UNIT_INPUTS = 20  # inputs of the single unit of the expectation view
ONE_NEURON_W, ONE_NEURON_X = (1.0, 2.0), (3.0, 1.0)  # EECS 498's a = w1 x + w2 y, with numbers


def _keep(state: dict[str, Any], layer: str) -> float:
    return state["keep_prob"] if layer in state["layers"] else 1.0


def _spec(state: dict[str, Any], sizes: list[int], seed: int) -> NetworkSpec:
    return NetworkSpec(sizes, activation="relu", init="he_normal", keep_prob=[_keep(state, "hidden 1"),
                       _keep(state, "hidden 2")], input_keep_prob=_keep(state, "input"),
                       dropout_mode=state["mode"], seed=seed)  # fmt: skip


class Masks(View):
    keys = ("keep_prob", "layers", "method", "new_pass", "seed")

    def compute(self, state):
        rng = np.random.default_rng([state["seed"], state["new_pass"]])
        p = state["keep_prob"]
        kept_units = [np.ones((BATCH, n), dtype=bool) for n in SIZES]
        kept_weights = [np.ones((a, b), dtype=bool) for a, b in zip(SIZES[:-1], SIZES[1:])]
        x = rng.standard_normal((BATCH, SIZES[0]))
        for index, layer in enumerate(LAYERS):
            if layer not in state["layers"]:
                continue
            if state["method"] == "dropout":
                drop = Dropout(p, "inverted", rng)
                drop.forward(np.ones((BATCH, SIZES[index])))
                kept_units[index] = drop.mask
            else:  # the weights leaving this layer
                connect = DropConnect(SIZES[index], SIZES[index + 1], keep_prob=p, rng=rng)
                connect.forward(x if index == 0 else np.ones((BATCH, SIZES[index])))
                kept_weights[index] = connect.mask
        return {"units": kept_units, "weights": kept_weights}

    def draw(self, figure, result, state):
        return viz.draw_masks(figure, SIZES, ["input", "hidden 1", "hidden 2", "output"])

    def update(self, art, result, state):
        units, weights = result["units"], result["weights"]
        if state["method"] == "dropout":
            rows = [units[i] for i, layer in enumerate(LAYERS) if layer in state["layers"]]
            grid = np.concatenate(rows, axis=1).T if rows else np.ones((1, BATCH), dtype=bool)
            names = ", ".join(layer for layer in LAYERS if layer in state["layers"]) or "none dropped"
            kept = grid.mean(axis=0)
            title = (f"kept units ({names}) x {BATCH} examples\n{grid.mean():.0%} kept; per example "
                     f"{kept.min():.0%} to {kept.max():.0%} (p = {state['keep_prob']:.2f})")  # fmt: skip
            viz.update_masks(art, units, weights, grid, title, "example in the minibatch", "unit",
                             state["keep_prob"], per_example=bool(rows))  # fmt: skip
        else:
            masked = [w for w, layer in zip(weights, LAYERS) if layer in state["layers"]]
            grid = np.concatenate([m.ravel() for m in masked])[None, :] if masked else np.ones((1, 1), dtype=bool)
            title = f"kept weights, one mask for the batch\n{grid.mean():.0%} kept (p = {state['keep_prob']:.2f})"
            viz.update_masks(art, units, weights, grid, title, "weight", "", state["keep_prob"], per_example=False)

    def describe(self, result, state):
        return "" if state["layers"] else "no layer is dropped: choose some under 'dropped layers'"


class Expectation(View):
    keys = ("keep_prob", "mode", "test_scaling", "samples", "new_pass", "seed")

    def compute(self, state):
        rng = np.random.default_rng([state["seed"], state["new_pass"]])
        x = rng.uniform(0.5, 1.5, UNIT_INPUTS)
        w = rng.uniform(0.0, 1.0, UNIT_INPUTS)
        drop = Dropout(state["keep_prob"], state["mode"], rng)
        samples = state["samples"]
        train = drop.forward(np.tile(x, (samples, 1)))[0] @ w  # one mask per row
        test = drop.forward(x[None, :], train=False)[0][0] @ w
        if state["mode"] == "vanilla" and not state["test_scaling"]:
            test = x @ w  # the mistake: no multiplication by p at test time
        return {"train": train, "test": float(test), "mean": float(train.mean()),
                "stderr": float(train.std() / np.sqrt(samples))}  # fmt: skip

    @staticmethod
    def agree(result):
        return abs(result["test"] - result["mean"]) < 4 * max(result["stderr"], 1e-12)

    def draw(self, figure, result, state):
        return viz.draw_expectation(figure)

    def update(self, art, result, state):
        if state["mode"] == "inverted":
            scaling = "inverted: x m / p in training, x at test"
        else:
            scaling = "vanilla: x m in training, " + (
                "x p at test" if state["test_scaling"] else "x at test (no scaling)"
            )
        title = f"one linear unit w . x behind dropout, p = {state['keep_prob']:.2f}\n{scaling}"
        viz.update_expectation(art, result["train"], result["mean"], result["test"], self.agree(result), title)
        rows, expected = dropout_mask_table(ONE_NEURON_W, ONE_NEURON_X, state["keep_prob"])
        viz.update_mask_table(art, rows, expected, ONE_NEURON_W, ONE_NEURON_X, state["keep_prob"])

    def describe(self, result, state):
        if not self.agree(result):
            return "the test-time output does not match the training-time average: scale by p at test time"
        return ""


class Ensemble(View):
    keys = ("keep_prob", "layers", "mode", "samples", "seed")

    def compute(self, state):
        net = Network(_spec(state, SIZES, state["seed"]))
        x = np.random.default_rng([state["seed"], 1]).standard_normal((1, SIZES[0]))
        samples = state["samples"]
        sampled = softmax(net.forward(np.repeat(x, samples, axis=0), train=True))  # one sub-network per row
        running = np.cumsum(sampled, axis=0) / np.arange(1, samples + 1)[:, None]
        test = softmax(net.forward(x, train=False))[0]
        droppable = sum(n for n, layer in zip(SIZES, LAYERS) if layer in state["layers"])
        exact = exact_dropout_ensemble(net, x)[0][0] if droppable <= 20 else None
        # Why one scaled pass is not the ensemble: E[f(h)] != f(E[h]) for a non-linear f. The same weights with a
        # linear activation: there the expected scores equal one scaled pass's (to rounding).
        score_gaps = {}
        if exact is not None:
            for name, activation in (("ReLU", "relu"), ("linear", "identity")):
                same = Network(replace(_spec(state, SIZES, state["seed"]), activation=activation))
                expected = exact_dropout_ensemble(same, x, output="scores")[0][0]
                score_gaps[name] = float(np.abs(expected - same.forward(x, train=False)[0]).sum())
        return {"score_gaps": score_gaps,"sampled_gap": None if exact is None else np.abs(running - exact).sum(axis=1),
                "test_gap": None if exact is None else float(np.abs(test - exact).sum()),
                "gap_to_test": np.abs(running - test).sum(axis=1), "test": test, "average": running[-1],
                "exact": exact, "subnetworks": droppable}  # fmt: skip

    def draw(self, figure, result, state):
        return viz.draw_ensemble(figure, SIZES[-1])

    def update(self, art, result, state):
        viz.update_ensemble(art, result, state["samples"])

    def describe(self, result, state):
        if not state["layers"]:
            return "no layer is dropped: choose some under 'dropped layers'"
        gaps = result["score_gaps"]
        if not gaps:
            return ""
        return (f"one weight-scaled pass vs the exact expected scores (L1): ReLU network {gaps['ReLU']:.2f}, the same "
                f"network linear {gaps['linear']:.2f}; scaling is exact only for a linear network, as "
                "E[f(h)] = f(E[h]) only for a linear f")  # fmt: skip


class Training(View):
    keys = ("keep_prob", "layers", "mode", "epochs", "seed")
    blas_heavy = True  # 15% faster with two threads on an idle machine

    def compute(self, state):
        X, y = moons(120, noise=0.35, rng=state["seed"])
        parts = split(X, y, val=0.5, test=0.0, rng=state["seed"])
        runs = {}
        for name, with_dropout in (("without dropout", False), ("with dropout", True)):
            plain = state if with_dropout else {**state, "layers": []}
            net = Network(_spec(plain, [2, 100, 100, 2], state["seed"]))
            config = TrainConfig(optimizer="adam", optimizer_params={"lr": 1e-2}, batch_size=20,
                                 epochs=state["epochs"], seed=state["seed"], divergence_factor=1e9)  # fmt: skip
            history = Trainer(net, parts.X_train, parts.y_train, parts.X_val, parts.y_val, config).run()
            grid = region_grid(X, (90, 70))
            prob = grid.image(softmax(net.forward(grid.inputs, train=False))[:, 1])
            runs[name] = {"history": history, "grid": (*grid.mesh(), prob)}
        return {"runs": runs, "data": parts}

    def estimate(self, state):
        return 0.004 * state["epochs"]  # two runs of 60 examples in batches of 20, measured here

    def draw(self, figure, result, state):
        return viz.draw_training(figure)

    def update(self, art, result, state):
        viz.update_training(art, result["runs"], result["data"])


class DropoutPanel(Panel, name="dropout"):
    title = "Dropout"
    description = "Each forward pass keeps every unit with probability p: a different thinned network every time."
    views = {"masks": Masks(), "expectation": Expectation(), "ensemble": Ensemble(), "training": Training()}
    defaults = {
        "view": "masks",
        "keep_prob": 0.5,
        "layers": ["hidden 1", "hidden 2"],
        "mode": "inverted",
        "method": "dropout",
        "test_scaling": True,
        "new_pass": 0,
        "samples": 2000,
        "epochs": 200,
        "seed": 0,
    }
    controls = (
        Control("view", "view", "toggle", options=tuple(views)),
        Control("keep_prob", "keep p (drop 1 - p)", "float", 0.05, 1.0, step=0.05),
        Control("layers", "dropped layers", "multi", options=LAYERS, views=("masks", "ensemble", "training")),
        Control(
            "mode", "scaling", "toggle", options=("inverted", "vanilla"), views=("expectation", "ensemble", "training")
        ),  # fmt: skip
        Control("method", "drop", "toggle", options=("dropout", "DropConnect"), views=("masks",)),
        Control("test_scaling", "vanilla: multiply by p at test time", "bool", views=("expectation",)),
        Control("new_pass", "new forward pass", "button", views=("masks", "expectation")),
        Control(
            "samples", "masks sampled", "int", 100, 20000, step=100, continuous=False, views=("expectation", "ensemble")
        ),  # fmt: skip
        Control("epochs", "epochs", "int", 20, 1000, step=20, continuous=False, views=("training",)),
        Control("seed", "seed", "int", 0, 9),
    )
    presets = {
        "a different sub-network per example": {"view": "masks", "method": "dropout"},
        "DropConnect drops weights": {"view": "masks", "method": "DropConnect"},
        "inverted dropout: expectations agree": {"view": "expectation", "mode": "inverted"},
        "vanilla without test scaling: mismatch": {"view": "expectation", "mode": "vanilla", "test_scaling": False},
        "ensemble of sub-networks": {"view": "ensemble", "mode": "inverted"},
        "dropout against overfitting": {"view": "training"},
    }
    figsize = (10.0, 4.8)
