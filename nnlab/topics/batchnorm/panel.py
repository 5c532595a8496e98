"""Batch normalization (Ioffe & Szegedy 2015; CS231n notes and lecture 6, CMU 11-785 "Optimization part 2",
EECS 498 lecture 10).

Views: *one batch*: a unit's pre-activations over a minibatch, normalized, then scaled and shifted by gamma
and beta; *batch to batch*: the batch mean and variance jump from batch to batch, more as the batch
shrinks; *coupled*: moving one example moves the outputs of its batch mates; *train vs eval*: running
statistics (PyTorch's momentum 0.1, or the cumulative average that equals CMU's inference rule) and the gap
between training and evaluation outputs; *backward*: the CMU graph with the numbers of a 4-example batch;
*rescue*: a deep network with a bad initialization trains with batch norm and stalls without it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.app.base import Control, Panel, View
from nnlab.topics.batchnorm import draw as viz
from nnlab.topics.batchnorm import study as study

COUPLED = np.array([1.0, 2.5, 3.0, 4.0, 5.5])  # the coupled view's batch of five (example 1 moves)
SIZES = np.array([2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256])  # batch sizes of the noise curve
MOMENTA = {"0.1 (PyTorch)": 0.1, "cumulative (momentum=None)": None}


@lru_cache(maxsize=10)
def _spread(seed: int) -> np.ndarray:
    """The std of 50 batch means for every batch size of the noise curve (the same whatever batch is chosen)."""
    return np.array([study.batch_statistics(int(b), 50, seed + 100).means.std() for b in SIZES])


class OneBatch(View):
    keys = ("batch", "gamma", "beta", "seed")

    def compute(self, state):
        return study.one_batch(study.unit_batch(state["batch"], state["seed"]), state["gamma"], state["beta"])

    def draw(self, figure, result, state):
        return viz.draw_histograms(figure)

    def update(self, art, result: study.OneBatch, state):
        y = result.y
        titles = [f"x: mean {result.mean:.2f}, std {np.sqrt(result.var):.2f}",
                  f"x_hat = (x - mean) / sqrt(var + eps)\nmean {result.x_hat.mean():.2f}, std {result.x_hat.std():.3f}",
                  f"y = gamma x_hat + beta\nmean {y.mean():.2f}, std {y.std():.2f}"]  # fmt: skip
        viz.update_histograms(art, [result.x, result.x_hat, y], titles)

    def describe(self, result: study.OneBatch, state):
        gap = float(np.max(np.abs(result.y - result.x)))
        if gap < 1e-9:
            return f"gamma = sqrt(var + eps), beta = mean: y = x (largest difference {gap:.1e}): the layer can undo it"
        return "press 'gamma = sigma, beta = mu' to undo the normalization"


class Jumps(View):
    keys = ("batch", "batches", "seed")

    def compute(self, state):
        stats = study.batch_statistics(state["batch"], state["batches"], state["seed"])
        return {"stats": stats, "spread": _spread(state["seed"])}

    def draw(self, figure, result, state):
        return viz.draw_jumps(figure, study.UNIT_MEAN, study.UNIT_STD**2)

    def update(self, art, result, state):
        stats = result["stats"]
        mean, var = study.UNIT_MEAN, study.UNIT_STD**2
        titles = (f"batch means (population {mean:g}, dashed): spread {stats.means.std():.2f}",
                  f"batch variances (population {var:g}): spread {stats.variances.std():.2f}")  # fmt: skip
        viz.update_jumps(art, stats.means, stats.variances, SIZES.astype(float), result["spread"], state["batch"],
                         titles)  # fmt: skip

    def describe(self, result, state):
        return (f"a batch of {state['batch']}: the mean moves by about sigma / sqrt(B) = "
                f"{study.UNIT_STD / np.sqrt(state['batch']):.2f} from batch to batch")  # fmt: skip


class Coupled(View):
    keys = ("moved",)

    def compute(self, state):
        before, after = study.coupled(COUPLED, state["moved"])
        return {"before": before, "after": after}

    def draw(self, figure, result, state):
        return viz.draw_coupled(figure, COUPLED.size)

    def update(self, art, result, state):
        moved = COUPLED.copy()
        moved[0] = state["moved"]
        shift = float(np.max(np.abs(result["after"][1:] - result["before"][1:])))
        titles = (f"the batch: example 1 moved from {COUPLED[0]:g} to {state['moved']:g}",
                  f"outputs: examples 2-5 moved by up to {shift:.2f}")  # fmt: skip
        viz.update_coupled(art, COUPLED, moved, result["before"], result["after"], titles)


class Modes(View):
    keys = ("batch", "batches", "momentum", "seed")

    def compute(self, state):
        return study.running_statistics(state["batch"], state["batches"], MOMENTA[state["momentum"]], state["seed"])

    def draw(self, figure, result, state):
        return viz.draw_modes(figure, study.UNIT_MEAN, study.UNIT_STD**2)

    def update(self, art, result: study.Running, state):
        gap = float(np.mean(np.abs(result.train_out - result.eval_out)))
        titles = (f"running mean {result.mean[-1]:.3f}; CMU: mean of batch means {result.cmu_mean:.3f} (dotted)",
                  f"running variance {result.var[-1]:.3f}; CMU: B/(B-1) x mean batch variance {result.cmu_var:.3f}",
                  f"the same batch of {state['batch']} in both modes\nmean |difference| {gap:.3f}")  # fmt: skip
        viz.update_modes(art, result.mean, result.var, (result.cmu_mean, result.cmu_var), result.train_out,
                         result.eval_out, titles)  # fmt: skip

    def describe(self, result: study.Running, state):
        if MOMENTA[state["momentum"]] is None:
            return ("the cumulative average of the batches' (unbiased) variances is the CMU rule: "
                    f"{result.var[-1]:.6f} = {result.cmu_var:.6f}")  # fmt: skip
        return (f"PyTorch's momentum 0.1 weights recent batches most; the dashed lines are the population's "
                f"{study.UNIT_MEAN:g} and {study.UNIT_STD**2:g}")  # fmt: skip


class Backward(View):
    keys = ("gamma", "beta", "seed")

    def compute(self, state):
        return study.backward_steps(state["gamma"], state["beta"], state["seed"])

    def draw(self, figure, result, state):
        return viz.draw_graph(figure)

    def update(self, art, result: study.Backward, state):
        worst_core = max(float(np.max(np.abs(result.gradients[k] - result.core[k]))) for k in result.core)
        worst_numeric = max(float(np.max(np.abs(result.gradients[k] - result.numerical[k]))) for k in result.numerical)
        check = (f"dL/dx, dL/dgamma, dL/dbeta against the core's BatchNorm.backward: largest difference "
                 f"{worst_core:.1e};\nevery node against central differences: {worst_numeric:.1e}")  # fmt: skip
        viz.update_graph(art, result.forward, result.gradients, {"gamma": state["gamma"], "beta": state["beta"]},
                         check)  # fmt: skip


class Rescue(View):
    keys = ("rescue_activation", "rescue_std", "rescue_lr", "position", "rescue_steps", "seed")

    def compute(self, state):
        return study.rescue(state["rescue_activation"], state["rescue_std"], state["rescue_lr"], state["position"],
                            state["rescue_steps"], state["seed"])  # fmt: skip

    def estimate(self, state):
        return 1.5e-3 * state["rescue_steps"]  # two runs of six layers, about 1,400 steps per second each, here

    def draw(self, figure, result, state):
        return viz.draw_rescue(figure)

    def update(self, art, result: study.Rescue, state):
        without, with_bn = result.accuracy["without"][-1], result.accuracy["with"][-1]
        name = {"relu": "ReLU"}.get(state["rescue_activation"], state["rescue_activation"])
        title = (f"six {name} layers, init std {state['rescue_std']:g}, SGD at "
                 f"{state['rescue_lr']:g}, batch norm {state['position']} the non-linearity:\n"
                 f"training accuracy {without:.0%} without batch norm, {with_bn:.0%} with")  # fmt: skip
        viz.update_rescue(art, result, title)


class BatchNormPanel(Panel, name="batchnorm"):
    title = "Batch normalization"
    description = "Normalize each unit over the minibatch, then let gamma and beta scale and shift it back."
    views = {"one batch": OneBatch(), "batch to batch": Jumps(), "coupled": Coupled(), "train vs eval": Modes(),
             "backward": Backward(), "rescue": Rescue()}  # fmt: skip
    defaults = {
        "view": "one batch",
        "batch": 32,
        "gamma": 1.0,
        "beta": 0.0,
        "batches": 50,
        "moved": 1.0,
        "momentum": "0.1 (PyTorch)",
        "rescue_activation": "tanh",
        "rescue_std": 0.01,
        "rescue_lr": 0.1,
        "position": "before",
        "rescue_steps": 600,
        "seed": 0,
    }
    controls = (
        Control("view", "view", "toggle", options=tuple(views)),
        Control("batch", "batch size", "int", 1, 256, views=("one batch", "batch to batch", "train vs eval")),
        Control("gamma", "gamma", "float", 0.0, 5.0, step=0.05, views=("one batch", "backward")),
        Control("beta", "beta", "float", -5.0, 5.0, step=0.05, views=("one batch", "backward")),
        Control("batches", "batches", "int", 5, 200, step=5, views=("batch to batch", "train vs eval")),
        Control("moved", "example 1", "float", -6.0, 12.0, step=0.1, views=("coupled",)),
        Control("momentum", "running statistics", "toggle", options=tuple(MOMENTA), views=("train vs eval",)),
        Control("rescue_activation", "activation", "toggle", options=("tanh", "relu"), views=("rescue",)),
        Control("rescue_std", "init std", "log", 1e-3, 1.0, continuous=False, views=("rescue",)),
        Control("rescue_lr", "learning rate", "log", 1e-3, 10.0, continuous=False, views=("rescue",)),
        Control("position", "batch norm goes", "toggle", options=("before", "after"), views=("rescue",)),
        Control("rescue_steps", "steps", "int", 100, 3000, step=100, continuous=False, views=("rescue",)),
        Control("seed", "seed", "int", 0, 9),
    )
    actions = {"gamma = sigma, beta = mu": "undo"}
    presets = {
        "normalize one batch": {},
        "batch of 4: noisy statistics": {"view": "batch to batch", "batch": 4},
        "batch of 128: steady statistics": {"view": "batch to batch", "batch": 128},
        "batch mates are coupled": {"view": "coupled", "moved": 10.0},
        "running statistics (PyTorch)": {"view": "train vs eval", "batch": 8},
        "cumulative average = CMU rule": {
            "view": "train vs eval",
            "batch": 8,
            "momentum": "cumulative (momentum=None)",
        },
        "small batch: train and eval differ": {"view": "train vs eval", "batch": 2},
        "backward pass step by step": {"view": "backward", "gamma": 1.5, "beta": 0.5},
        "rescue: deep tanh, std 0.01": {"view": "rescue"},
        "rescue: deep ReLU, std 0.01": {"view": "rescue", "rescue_activation": "relu"},
        # CMU: with batch norm "learning rates must be increased"; it tolerates rates the plain network cannot. At
        # 2.5 the plain network is far past its edge (it still trains at 0.5 and fails from 1.0 on, over 5 seeds;
        # at 1.0 some machines' BLAS rounding let it train): tests/claims/test_batchnorm_claims.py.
        "a higher learning rate (2.5)": {"view": "rescue", "rescue_std": 0.18, "rescue_lr": 2.5},
        "batch norm after the non-linearity": {"view": "rescue", "position": "after"},
    }
    figsize = (10.0, 4.8)

    def check(self, state):
        if state["view"] in ("one batch", "batch to batch", "train vs eval"):
            study.check_batch(state["batch"])

    def undo(self) -> str:
        """gamma = sqrt(var + eps) and beta = mean of the current batch: the output equals the input."""
        gamma, beta = study.identity_parameters(study.unit_batch(self._state["batch"], self._state["seed"]))
        self.set(view="one batch", gamma=gamma, beta=beta)
        return ""
