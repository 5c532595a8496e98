"""The weight-initialization explorer (EECS 498 lecture 10, CS231n "Training Neural Networks I").

Random data through a deep, wide network: per-layer histograms of the activations,
the inputs of the non-linearity, or the gradients dL/dW, with each layer's mean and
standard deviation beside them. The presets replay the lectures' experiments.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlab.core.activations import ACTIVATIONS
from nnlab.core.initializers import INITIALIZERS
from nnlab.core.initstudy import INPUTS, Study, UnitDrawCache, run_study
from nnlab.panels.base import Control, Panel
from nnlab.viz.layers import draw_ridgeline, draw_stats_strip, histogram_rows, update_ridgeline, update_stats_strip

MAX_DEPTH = 20
MEMORY_BUDGET = 1.5e9  # bytes of cached float32 weights a panel may hold
BOUNDED = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
# Which parameter of each initializer the "scale" slider sets.
SCALE_PARAM = {
    "normal": "std",
    "uniform": "a",
    "constant": "value",
    "xavier_normal": "gain",
    "xavier_uniform": "gain",
    "xavier": "gain",
    "glorot": "gain",
    "orthogonal": "gain",
    "sparse": "std",
}
INITS = [name for name in INITIALIZERS if name not in ("xavier", "glorot", "he", "kaiming")]
VIEWS = ("activations", "pre-activations", "gradients dL/da", "gradients dL/dW")

# The unit weight draws, shared by every initialization panel of the kernel (bounded by MEMORY_BUDGET).
UNITS = UnitDrawCache(max_bytes=int(MEMORY_BUDGET))

EECS498 = {"depth": 6, "width": 4096, "batch": 16, "bias": 0.0, "batchnorm": False, "inputs": "gaussian"}


class InitializationPanel(Panel, name="initialization"):
    title = "Weight initialization"
    description = (
        "How each layer's activations and gradients look when the weights start out too small, too large, or right."
    )
    defaults = {
        "depth": 6,
        "width": 4096,
        "batch": 16,
        "activation": "tanh",
        "init": "normal",
        "scale": 0.01,
        "bias": 0.0,
        "batchnorm": False,
        "inputs": "gaussian",
        "view": "activations",
        "seed": 0,
    }
    view_keys = frozenset({"view"})
    controls = (
        Control("depth", "layers", "int", 1, MAX_DEPTH, continuous=False),
        Control("width", "width", "choice", options=(16, 64, 256, 500, 1024, 2048, 4096)),
        Control("batch", "batch", "choice", options=(2, 4, 16, 64, 256, 1000)),
        Control("activation", "activation", "choice", options=tuple(a for a in ACTIVATIONS if a != "swish")),
        Control("init", "initializer", "choice", options=tuple(INITS)),
        Control("scale", "std / a / gain", "log", 1e-3, 10.0),
        Control("bias", "bias", "toggle", options=(0.0, 0.01)),
        Control("batchnorm", "batch norm", "bool"),
        Control("inputs", "input", "choice", options=tuple(INPUTS)),
        Control("view", "show", "toggle", options=VIEWS),
        Control("seed", "seed", "int", 0, 9, continuous=False),
    )
    presets = {
        "tanh, std 0.01": {**EECS498, "activation": "tanh", "init": "normal", "scale": 0.01},
        "tanh, std 0.05": {**EECS498, "activation": "tanh", "init": "normal", "scale": 0.05},
        "tanh, Xavier": {**EECS498, "activation": "tanh", "init": "xavier_normal", "scale": 1.0},
        "ReLU, Xavier": {**EECS498, "activation": "relu", "init": "xavier_normal", "scale": 1.0},
        "ReLU, He": {**EECS498, "activation": "relu", "init": "he_normal", "scale": 1.0},
        "CS231n: 10 tanh x 500": {
            "depth": 10,
            "width": 500,
            "batch": 1000,
            "activation": "tanh",
            "init": "normal",
            "scale": 0.01,
            "bias": 0.0,
            "batchnorm": False,
            "inputs": "gaussian",
        },  # fmt: skip
        "batch norm rescues std 0.01": {
            **EECS498,
            "activation": "tanh",
            "init": "normal",
            "scale": 0.01,
            "batchnorm": True,
            "view": "pre-activations",
        },  # fmt: skip
        "zero init: symmetry": {**EECS498, "activation": "tanh", "init": "zeros", "bias": 0.01},
    }
    preset_keeps = frozenset({"view"})  # compare presets in the view being looked at
    figsize = (10.0, 5.4)

    def check(self, state):
        need = state["depth"] * state["width"] ** 2 * 4
        if need > MEMORY_BUDGET:
            raise ValueError(
                f"{state['depth']} layers of width {state['width']} need {need / 1e9:.1f} GB of weights; "
                f"the panel keeps at most {MEMORY_BUDGET / 1e9:.1f} GB: use fewer layers or a smaller width"
            )

    def shows_control(self, control, state):
        """The scale slider only for initializers that have a scale."""
        return control.name != "scale" or state["init"] in SCALE_PARAM

    def estimate(self, state):
        """Seconds: the matrix products (about 15 GFLOP/s here) and the weights not yet drawn (about 10 ns each)."""
        weights = state["depth"] * state["width"] ** 2
        passes = 3 if state["view"].startswith("gradients") else 1
        return 2 * weights * state["batch"] * passes / 1.5e10 + weights * 1e-8

    def init_params(self, state: dict[str, Any]) -> dict[str, Any]:
        param = SCALE_PARAM.get(state["init"])
        return {param: state["scale"]} if param else {}

    def compute_key(self, state):
        # The backward pass runs only while a gradient view is shown.
        return super().compute_key(state) + str(state["view"].startswith("gradients"))

    def compute(self, state):
        return run_study(
            depth=state["depth"],
            width=state["width"],
            batch=state["batch"],
            activation=state["activation"],
            init=state["init"],
            init_params=self.init_params(state),
            bias=state["bias"],
            batchnorm=state["batchnorm"],
            inputs=state["inputs"],
            seed=state["seed"],
            cache=UNITS,
            gradients=state["view"].startswith("gradients"),
        )

    def draw(self, figure, result, state):
        # Histograms on the left, a column of per-layer notes, the mean/std strip on the right.
        ridge = draw_ridgeline(figure.add_axes((0.03, 0.11, 0.55, 0.80)), MAX_DEPTH, note_x=1.01)
        strip = draw_stats_strip(figure.add_axes((0.83, 0.11, 0.15, 0.76)))
        return ridge, strip

    def update(self, artists, result: Study, state):
        ridge, strip = artists
        view = state["view"]
        drop_zeros = False
        if view.startswith("gradients") and not np.isfinite(result.loss):
            values = [np.array([]) for _ in result.layers]  # no gradients after an overflow
            edges, xlabel, what = np.linspace(-1, 1, 61), "no gradients: the forward pass overflowed", "gradients"
        elif view == "gradients dL/dW":
            values = [layer.grad_W for layer in result.layers]
            edges = _symmetric_edges(values)
            xlabel, what = "dL/dW (a random sample of entries)", "dL/dW"
        elif view == "gradients dL/da":
            values = [layer.grad_activation for layer in result.layers]
            edges = _symmetric_edges(values)
            xlabel, what = "dL/d(activation)", "dL/da"
        elif view == "pre-activations":
            values = [layer.pre_activation if layer.normalized is None else layer.normalized for layer in result.layers]
            edges = _data_edges(values[0])
            xlabel, what = (
                "input of the non-linearity" + (" (after batch norm)" if state["batchnorm"] else ""),
                "inputs",
            )
        else:
            values = [layer.activation for layer in result.layers]
            bounded = BOUNDED.get(state["activation"])
            edges = np.linspace(*bounded, 61) if bounded else _data_edges(values[0], nonzero=True)
            xlabel, what, drop_zeros = "activation value", "activations", True
        rows = histogram_rows(values, edges, drop_zeros=drop_zeros)
        means = np.array([float(np.mean(v)) for v in values])
        stds = np.array([float(np.std(v)) for v in values])
        notes = []
        for layer, mean, std, row in zip(result.layers, means, stds, rows):
            extra = []
            if row.zeros:
                extra.append(f"{row.zeros:.0%} exactly 0")
            if row.beyond >= 0.001:
                extra.append(f"{row.beyond:.1%} off axis")
            if view in ("activations", "pre-activations") and layer.identical_units:
                extra.append("all units identical")
            notes.append(f"layer {len(notes) + 1}: mean {mean:+.2g}, std {std:.2g}" + "".join(f", {e}" for e in extra))
        param = SCALE_PARAM.get(state["init"])
        init = state["init"] + (f" ({param} {state['scale']:.3g})" if param else "")
        title = f"{what}: {state['depth']} x {state['width']} {state['activation']}, {init}"
        title += ", batch norm" if state["batchnorm"] else ""
        update_ridgeline(ridge, [row.counts for row in rows], edges, notes, title, xlabel)
        update_stats_strip(strip, means, stds, f"{what}: mean and std")

    def describe(self, result: Study, state):
        stds = result.stds
        if not np.all(np.isfinite(stds)) or not np.isfinite(result.loss):
            bad = int(np.argmax(~np.isfinite(stds))) + 1 if not np.all(np.isfinite(stds)) else len(stds)
            return f"overflow: activations become inf or NaN by layer {bad}"
        if any(layer.identical_units for layer in result.layers):
            return "symmetry: every unit of a layer computes the same value, so all get the same update"
        return ""


def _data_edges(first_layer: np.ndarray, bins: int = 60, nonzero: bool = False) -> np.ndarray:
    """Edges spanning the first layer's 0.5-99.5 percentiles (and 0), so later layers show growth or collapse.

    ``nonzero`` ignores exact zeros (half of a ReLU layer) when choosing the span.
    """
    finite = np.ravel(first_layer)[np.isfinite(np.ravel(first_layer))]
    if nonzero and np.any(finite != 0):
        finite = finite[finite != 0]
    if finite.size == 0:
        return np.linspace(-1, 1, bins + 1)
    lo, hi = np.percentile(finite, [0.5, 99.5])
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1.0):
        half = max(abs(hi), 1.0)
        lo, hi = -half, half
    pad = 0.05 * (hi - lo)
    return np.linspace(lo - pad, hi + pad, bins + 1)


def _symmetric_edges(values: list[np.ndarray], bins: int = 60) -> np.ndarray:
    """Symmetric edges out to the largest layer's 99.5th percentile of |value|."""
    scale = 0.0
    for v in values:
        finite = np.abs(np.ravel(v)[np.isfinite(np.ravel(v))])
        if finite.size:
            scale = max(scale, float(np.percentile(finite, 99.5)))
    scale = scale or 1.0
    return np.linspace(-scale, scale, bins + 1)
