"""Dropout (CS231n notes "Neural Networks Part 2", Srivastava et al. 2014; DropConnect: Wan et al. 2013).

``keep_prob`` p is the probability of *keeping* a unit, everywhere in nnlab (the drop
probability is 1 - p; PyTorch's ``Dropout(p)`` takes the drop probability).

Views: *masks*: a small network with the units (or, for DropConnect, the weights) of one
forward pass greyed out, and the masks of a whole minibatch, a different sub-network for
every example. *expectation*: one linear unit behind dropout; its training-time output
over many masks against its test-time output. *ensemble*: the test-time prediction against
the average of M sampled sub-networks. *training*: a small data set that overfits,
learned with and without dropout.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlab.core.layers import DropConnect, Dropout
from nnlab.core.losses import softmax
from nnlab.core.model import Network, NetworkSpec
from nnlab.core.train import TrainConfig, Trainer
from nnlab.data.toy2d import moons, split
from nnlab.panels.base import Control, Panel
from nnlab.viz.axes import plain_log_labels
from nnlab.viz.network import draw_graph, update_graph

VIEWS = ("masks", "expectation", "ensemble", "training")
LAYERS = ("input", "hidden 1", "hidden 2")
SIZES = [4, 8, 8, 3]  # the network of the masks and ensemble views
BATCH = 32
UNIT_INPUTS = 20  # inputs of the single unit of the expectation view


def _keep(state: dict[str, Any], layer: str) -> float:
    return state["keep_prob"] if layer in state["layers"] else 1.0


def _spec(state: dict[str, Any], sizes: list[int], seed: int) -> NetworkSpec:
    return NetworkSpec(sizes, activation="relu", init="he_normal", keep_prob=[_keep(state, "hidden 1"),
                       _keep(state, "hidden 2")], input_keep_prob=_keep(state, "input"),
                       dropout_mode=state["mode"], seed=seed)  # fmt: skip


def _exact_ensemble(net: Network, x: np.ndarray, state: dict[str, Any]) -> np.ndarray:
    """The ensemble's prediction: every sub-network's softmax output, weighted by its probability.

    Enumerates all 2^N keep-masks of the droppable units (N <= 20) and runs them as one batch
    through the network's own layers, with each Dropout layer's mask given instead of drawn.
    """
    p = state["keep_prob"]
    n, h = 0, x
    for layer in net.layers:  # count the units that reach a Dropout layer
        if isinstance(layer, Dropout):
            n += h.shape[1]
        else:
            h, _ = layer.forward(h, train=False)
    bits = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)  # every mask, one per row
    weight = p ** bits.sum(axis=1) * (1 - p) ** (n - bits.sum(axis=1))
    h = np.repeat(x, len(bits), axis=0)
    column = 0
    for layer in net.layers:
        if isinstance(layer, Dropout):
            mask = bits[:, column : column + h.shape[1]]
            column += h.shape[1]
            h = h * (mask / p if layer.mode == "inverted" else mask)
        else:
            h, _ = layer.forward(h, train=False)
    return weight @ softmax(h)


class DropoutPanel(Panel):
    title = "Dropout"
    description = "Each forward pass keeps every unit with probability p: a different thinned network every time."
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
        Control("view", "view", "toggle", options=VIEWS),
        Control("keep_prob", "keep p (drop 1 - p)", "float", 0.05, 1.0, step=0.05),
        Control("layers", "dropped layers", "multi", options=LAYERS),
        Control("mode", "scaling", "toggle", options=("inverted", "vanilla")),
        Control("method", "drop", "toggle", options=("dropout", "DropConnect")),
        Control("test_scaling", "vanilla: multiply by p at test time", "bool"),
        Control("new_pass", "new forward pass", "button"),
        Control("samples", "masks sampled", "int", 100, 20000, step=100, continuous=False),
        Control("epochs", "epochs", "int", 20, 1000, step=20, continuous=False),
        Control("seed", "seed", "int", 0, 9),
    )
    presets = {
        "a different sub-network per example": {"view": "masks", "method": "dropout", "keep_prob": 0.5},
        "DropConnect drops weights": {"view": "masks", "method": "DropConnect", "keep_prob": 0.5},
        "inverted dropout: expectations agree": {"view": "expectation", "mode": "inverted"},
        "vanilla without test scaling: mismatch": {"view": "expectation", "mode": "vanilla", "test_scaling": False},
        "ensemble of sub-networks": {"view": "ensemble", "mode": "inverted"},
        "dropout against overfitting": {"view": "training", "keep_prob": 0.5, "layers": ["hidden 1", "hidden 2"]},
    }
    figsize = (11.0, 5.2)

    def __init__(self, **state: Any) -> None:
        self._training_cache: dict[str, Any] = {}
        super().__init__(**state)

    def compute_key(self, state):
        shared = ("keep_prob", "layers", "mode", "seed")
        view_keys = {"masks": ("method", "new_pass"), "expectation": ("samples", "test_scaling", "new_pass"),
                     "ensemble": ("samples",), "training": ("epochs",)}[state["view"]]  # fmt: skip
        return {"view": state["view"], **{k: state[k] for k in shared + view_keys}}

    def check(self, state):
        p = state["keep_prob"]
        if not isinstance(p, (int, float)) or not 0 < p <= 1:
            raise ValueError(
                f"keep_prob={p!r}: the probability of keeping a unit must be in (0, 1]; "
                "p = 0 would drop every unit, p > 1 is not a probability"
            )
        unknown = [layer for layer in state["layers"] if layer not in LAYERS]
        if unknown:
            raise ValueError(f"layers {unknown} are not valid; choose from: {', '.join(LAYERS)}")
        if state["view"] not in VIEWS:
            raise ValueError(f"view={state['view']!r} is not valid; choose one of: {', '.join(VIEWS)}")

    def compute(self, state):
        return getattr(self, "_" + state["view"])(state)

    # --- compute --------------------------------------------------------------------------------
    def _masks(self, state):
        rng = np.random.default_rng([state["seed"], state["new_pass"]])
        p = state["keep_prob"]
        kept_units = [np.ones((BATCH, n), dtype=bool) for n in SIZES]
        kept_weights = [np.ones((a, b), dtype=bool) for a, b in zip(SIZES[:-1], SIZES[1:])]
        x = rng.standard_normal((BATCH, SIZES[0]))
        for index, layer in enumerate(LAYERS):
            if layer not in state["layers"]:
                continue
            if state["method"] == "dropout":
                drop = Dropout(p, state["mode"], rng)
                drop.forward(np.ones((BATCH, SIZES[index])))
                kept_units[index] = drop.mask
            else:  # the weights leaving this layer
                connect = DropConnect(SIZES[index], SIZES[index + 1], keep_prob=p, rng=rng)
                connect.forward(x if index == 0 else np.ones((BATCH, SIZES[index])))
                kept_weights[index] = connect.mask
        return {"units": kept_units, "weights": kept_weights}

    def _expectation(self, state):
        rng = np.random.default_rng([state["seed"], state["new_pass"]])
        x = rng.uniform(0.5, 1.5, UNIT_INPUTS)
        w = rng.uniform(0.0, 1.0, UNIT_INPUTS)
        drop = Dropout(state["keep_prob"], state["mode"], rng)
        samples = int(state["samples"])
        train = drop.forward(np.tile(x, (samples, 1)))[0] @ w  # one mask per row
        test = drop.forward(x[None, :], train=False)[0][0] @ w
        if state["mode"] == "vanilla" and not state["test_scaling"]:
            test = x @ w  # the mistake: no multiplication by p at test time
        return {"train": train, "test": float(test), "mean": float(train.mean()),
                "stderr": float(train.std() / np.sqrt(samples))}  # fmt: skip

    def _ensemble(self, state):
        net = Network(_spec(state, SIZES, state["seed"]))
        x = np.random.default_rng([state["seed"], 1]).standard_normal((1, SIZES[0]))
        samples = int(state["samples"])
        sampled = softmax(net.forward(np.repeat(x, samples, axis=0), train=True))  # one sub-network per row
        running = np.cumsum(sampled, axis=0) / np.arange(1, samples + 1)[:, None]
        test = softmax(net.forward(x, train=False))[0]
        droppable = sum(n for n, layer in zip(SIZES, LAYERS) if layer in state["layers"])
        exact = _exact_ensemble(net, x, state) if droppable <= 20 else None
        return {"sampled_gap": None if exact is None else np.abs(running - exact).sum(axis=1),
                "test_gap": None if exact is None else float(np.abs(test - exact).sum()),
                "gap_to_test": np.abs(running - test).sum(axis=1), "test": test, "average": running[-1],
                "exact": exact, "subnetworks": droppable}  # fmt: skip

    def _training(self, state):
        key = repr(self.compute_key(state))
        if key not in self._training_cache:
            X, y = moons(120, noise=0.35, rng=state["seed"])
            parts = split(X, y, val=0.5, test=0.0, rng=state["seed"])
            runs = {}
            for name, with_dropout in (("without dropout", False), ("with dropout", True)):
                plain = {**state, "layers": []} if not with_dropout else state
                net = Network(_spec(plain, [2, 100, 100, 2], state["seed"]))
                config = TrainConfig(
                    optimizer="adam",
                    optimizer_params={"lr": 1e-2},
                    batch_size=20,
                    epochs=int(state["epochs"]),
                    seed=state["seed"],
                    divergence_factor=1e9,
                )
                history = Trainer(net, parts.X_train, parts.y_train, parts.X_val, parts.y_val, config).run()
                (x0, y0), (x1, y1) = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
                gx, gy = np.meshgrid(np.linspace(x0, x1, 90), np.linspace(y0, y1, 70))
                prob = softmax(net.forward(np.c_[gx.ravel(), gy.ravel()], train=False))[:, 1].reshape(gx.shape)
                runs[name] = {"history": history, "grid": (gx, gy, prob)}
            self._training_cache[key] = {"runs": runs, "data": parts}
        return self._training_cache[key]

    # --- picture --------------------------------------------------------------------------------
    def draw(self, figure, result, state):
        view = state["view"]
        art: dict[str, Any] = {"view": view}
        if view == "masks":
            ax_graph = figure.add_axes((0.02, 0.08, 0.5, 0.84))
            art["graph"] = draw_graph(ax_graph, SIZES, ["input", "hidden 1", "hidden 2", "output"])
            ax_graph.set_title("example 1 of the minibatch", fontsize="medium", y=1.0)
            art["grid_ax"] = figure.add_axes((0.58, 0.12, 0.4, 0.76))
            art["grid"] = art["grid_ax"].imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=1, aspect="auto",
                                                interpolation="nearest")  # fmt: skip
            art["grid_ax"].set_xlabel("example in the minibatch")
        elif view == "expectation":
            ax = art["ax"] = figure.add_subplot()
            art["hist"] = ax.stairs([0], [0, 1], fill=True, color="C0", alpha=0.7,
                                    label="training-time outputs (one per mask)")  # fmt: skip
            art["mean"] = ax.axvline(0, color="C0", lw=2, ls="--")
            art["test"] = ax.axvline(0, color="C2", lw=2.5)
            ax.set_xlabel("output")
        elif view == "ensemble":
            ax = art["ax"] = figure.add_axes((0.08, 0.14, 0.55, 0.74))
            ax.set_xscale("log")
            ax.set_yscale("log")
            plain_log_labels(ax.xaxis, ax.yaxis)
            (art["sampled"],) = ax.plot([], [], color="C0")
            (art["sqrt"],) = ax.plot([], [], color="C0", ls=":", lw=1, label="1 / sqrt(M)")
            art["test_gap"] = ax.axhline(1, color="C3", lw=2,
                                         label="one test-time pass (weights scaled) vs the exact ensemble")  # fmt: skip
            ax.set_xlabel("sub-networks averaged, M")
            ax.set_ylabel("distance of the predictions (L1)")
            bars = art["bars"] = figure.add_axes((0.72, 0.14, 0.26, 0.74))
            k = np.arange(SIZES[-1])
            art["bar_sets"] = [bars.bar(k + shift, np.zeros(len(k)), 0.27, label=label)
                               for shift, label in ((-0.27, "test time (weights scaled)"), (0.0, "sampled average"),
                                                    (0.27, "exact ensemble"))]  # fmt: skip
            bars.set_xticks(k, [f"class {i}" for i in k])
            bars.set_ylim(0, 1)
            bars.set_title("predicted probabilities", fontsize="medium")
        else:
            axes = figure.subplots(1, 3)
            art["axes"] = axes
        self.update(art, result, state)
        return art

    def update(self, art, result, state):
        if art["view"] != state["view"]:
            self.figure.clear()
            self.artists = self.draw(self.figure, result, state)
            return
        getattr(self, "_update_" + state["view"])(art, result, state)

    def _update_masks(self, art, result, state):
        units, weights = result["units"], result["weights"]
        update_graph(art["graph"], [u[0] for u in units], weights)
        if state["method"] == "dropout":
            rows = [units[i] for i, layer in enumerate(LAYERS) if layer in state["layers"]]
            grid = np.concatenate(rows, axis=1).T if rows else np.ones((1, BATCH), dtype=bool)
            names = [layer for layer in LAYERS if layer in state["layers"]]
            art["grid_ax"].set_title(f"kept units ({', '.join(names) or 'none dropped'}) x {BATCH} examples: "
                                     f"{grid.mean():.0%} kept", fontsize="medium")  # fmt: skip
            art["grid_ax"].set_ylabel("unit")
            art["grid_ax"].set_xlabel("example in the minibatch")
        else:
            masked = [w for w, layer in zip(weights, LAYERS) if layer in state["layers"]]
            grid = np.concatenate([m.ravel() for m in masked])[None, :] if masked else np.ones((1, 1), dtype=bool)
            art["grid_ax"].set_title(f"kept weights, one mask for the batch: {grid.mean():.0%} kept",
                                     fontsize="medium")  # fmt: skip
            art["grid_ax"].set_ylabel("")
            art["grid_ax"].set_xlabel("weight")
        art["grid"].set_data(grid.astype(float))
        art["grid"].set_extent((-0.5, grid.shape[1] - 0.5, grid.shape[0] - 0.5, -0.5))
        art["grid_ax"].set_xlim(-0.5, grid.shape[1] - 0.5)
        art["grid_ax"].set_ylim(grid.shape[0] - 0.5, -0.5)

    def _update_expectation(self, art, result, state):
        ax = art["ax"]
        counts, edges = np.histogram(result["train"], bins=40)
        art["hist"].set_data(counts, edges)
        art["mean"].set_xdata([result["mean"]] * 2)
        art["mean"].set_label(f"their mean {result['mean']:.3f}")
        agree = abs(result["test"] - result["mean"]) < 4 * result["stderr"]
        art["test"].set_xdata([result["test"]] * 2)
        art["test"].set_color("C2" if agree else "C3")
        art["test"].set_label(f"test-time output {result['test']:.3f}" + ("" if agree else "  (does not match!)"))
        lo, hi = min(edges[0], result["test"]), max(edges[-1], result["test"])
        ax.set_xlim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
        ax.set_ylim(0, 1.1 * counts.max())
        if state["mode"] == "inverted":
            scaling = "inverted: x m / p in training, x at test"
        else:
            scaling = "vanilla: x m in training, " + (
                "x p at test" if state["test_scaling"] else "x at test (no scaling)"
            )
        ax.set_title(f"one linear unit w . x behind dropout, p = {state['keep_prob']:.2f}; {scaling}",
                     fontsize="medium")  # fmt: skip
        ax.legend(loc="upper right", fontsize="small")

    def _update_ensemble(self, art, result, state):
        ax = art["ax"]
        n, exact = result["subnetworks"], result["exact"] is not None
        m = np.arange(1, len(result["gap_to_test"]) + 1)
        gap = result["sampled_gap"] if exact else result["gap_to_test"]
        art["sampled"].set_data(m, np.maximum(gap, 1e-12))
        art["sampled"].set_label("average of M sampled sub-networks vs the " + ("exact ensemble" if exact
                                                                                  else "test-time pass"))  # fmt: skip
        art["sqrt"].set_data(m, gap[0] / np.sqrt(m))
        art["test_gap"].set_visible(exact)
        art["test_gap"].set_ydata([max(result["test_gap"], 1e-12)] * 2 if exact else [1, 1])
        shown = np.concatenate([np.maximum(gap, 1e-12), [result["test_gap"]] if exact else []])
        ax.set_xlim(1, len(m))
        ax.set_ylim(shown.min() / 2, shown.max() * 2)
        ax.legend(handles=[art["sampled"], art["sqrt"], *([art["test_gap"]] if exact else [])], loc="lower left",
                  fontsize="x-small")  # fmt: skip
        note = "averaged exactly" if exact else "too many to average exactly"
        ax.set_title(f"{n} droppable units: 2^{n} = {2**n:,} sub-networks ({note})", fontsize="medium")
        values = (result["test"], result["average"], result["exact"] if exact else np.zeros_like(result["test"]))
        for bar_set, heights in zip(art["bar_sets"], values):
            for bar, height in zip(bar_set, heights):
                bar.set_height(height)
        labels = ["test time (weights scaled)", f"average of {state['samples']}", "exact ensemble"]
        art["bars"].legend([bar_set[0] for bar_set in art["bar_sets"]], labels, loc="upper right", fontsize="x-small")

    def _update_training(self, art, result, state):
        # Redrawn rather than updated: filled contours cannot be updated in place, and this view only
        # changes after a retraining (about a second), so the redraw is not on a slider's hot path.
        axes = art["axes"]
        data = result["data"]
        for ax, (name, run) in zip(axes[:2], result["runs"].items()):
            ax.clear()
            gx, gy, prob = run["grid"]
            ax.contourf(gx, gy, prob, levels=[0, 0.5, 1], colors=["#c6dbef", "#fdd0a2"])
            ax.scatter(*data.X_train.T, c=data.y_train, cmap="coolwarm", s=14, edgecolors="k", lw=0.4)
            ax.scatter(*data.X_val.T, c=data.y_val, cmap="coolwarm", s=14, marker="x", lw=0.8)
            h = run["history"]
            ax.set_title(f"{name}: train {h.train_acc[-1]:.0%}, val {h.val_acc[-1]:.0%}", fontsize="medium")
            ax.set_xticks([])
            ax.set_yticks([])
        curves = axes[2]
        curves.clear()
        for (name, run), color in zip(result["runs"].items(), ("C3", "C2")):
            h = run["history"]
            curves.plot(h.train_acc, color=color, ls="-", label=f"{name}: train")
            curves.plot(h.val_acc, color=color, ls="--", label=f"{name}: val")
        curves.set_xlabel("epoch")
        curves.set_title("accuracy", fontsize="medium")
        curves.legend(loc="lower right", fontsize="x-small")

    def describe(self, result, state):
        if state["view"] == "expectation" and abs(result["test"] - result["mean"]) >= 4 * result["stderr"]:
            return "the test-time output does not match the training-time average: scale by p at test time"
        if state["view"] in ("masks", "ensemble") and not state["layers"]:
            return "no layer is dropped: choose some under 'dropped layers'"
        return ""
