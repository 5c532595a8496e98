"""The weight-initialization explorer (EECS 498 lecture 10, CS231n "Training Neural Networks I").

Random data through a deep, wide network: per-layer histograms of the activations,
the inputs of the non-linearity, or the gradients dL/dW, with each layer's mean and
standard deviation beside them. The presets replay the lectures' experiments.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlab.app.base import Control, Panel, panel_threads
from nnlab.core._checks import SettingError
from nnlab.core.activations import ACTIVATIONS
from nnlab.core.initializers import INITIALIZERS, plan
from nnlab.runtime.threads import usable_cores
from nnlab.topics.initialization.draw import (
    draw_ridgeline,
    draw_stats_strip,
    histogram_rows,
    update_ridgeline,
    update_stats_strip,
)
from nnlab.topics.initialization.study import INPUTS, RESIDUAL, SECOND_LAYER, Study, UnitDrawCache, run_study

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
# Gradients on one fixed axis of log10 |value| (so that vanishing shows across layers and presets), or on a
# linear axis zoomed to the values at hand.
GRADIENT_AXES = ("log10 |value|", "linear, zoomed")
LOG_EDGES = np.linspace(-12.0, 2.0, 71)  # 0.2 decade per bin: from 1e-12 (the CS231n collapse) to 100

# The unit weight draws, shared by every initialization panel of the kernel (bounded by MEMORY_BUDGET).
UNITS = UnitDrawCache(max_bytes=int(MEMORY_BUDGET))

EECS498 = {"depth": 6, "width": 4096, "batch": 16, "bias": 0.0, "batchnorm": False, "inputs": "gaussian"}
CS231N = {"depth": 10, "width": 500, "batch": 1000, "bias": 0.0, "batchnorm": False, "inputs": "gaussian"}


class InitializationPanel(Panel, name="initialization"):
    title = "Weight initialization"
    description = (
        "How each layer's activations and gradients look when the weights start out too small, too large, or right."
    )
    blas_heavy = True  # layers of up to 4096 units: two threads take 165 ms where one takes 253 (bench/README.md)
    defaults = {
        "depth": 6,
        "width": 4096,
        "batch": 16,
        "activation": "tanh",
        "init": "normal",
        "scale": 0.01,
        "bias": 0.0,
        "batchnorm": False,
        "residual": "off",
        "sparse_k": 10,
        "inputs": "gaussian",
        "view": "activations",
        "gradient_axis": GRADIENT_AXES[0],
        "seed": 0,
    }
    view_keys = frozenset({"view", "gradient_axis"})
    controls = (
        Control("depth", "layers", "int", 1, MAX_DEPTH, continuous=False),
        Control("width", "width", "choice", options=(16, 64, 256, 500, 1024, 2048, 4096)),
        Control("batch", "batch", "choice", options=(2, 4, 16, 64, 256, 1000)),
        Control("activation", "activation", "choice", options=tuple(a for a in ACTIVATIONS if a != "swish")),
        Control("init", "initializer", "choice", options=tuple(INITS)),
        Control("scale", "std / a / gain", "log", 1e-3, 10.0),
        Control("bias", "bias", "toggle", options=(0.0, 0.01)),
        Control("sparse_k", "connections per unit (sparse)", "int", 1, 100, continuous=False),
        Control("batchnorm", "batch norm", "bool"),
        Control("residual", "residual blocks", "choice", options=tuple(RESIDUAL)),
        Control("inputs", "input", "choice", options=tuple(INPUTS)),
        Control("view", "show", "toggle", options=VIEWS),
        Control("gradient_axis", "gradient axis", "toggle", options=GRADIENT_AXES),
        Control("seed", "seed", "int", 0, 9, continuous=False),
    )
    presets = {
        "tanh, std 0.01": {**EECS498, "activation": "tanh", "init": "normal", "scale": 0.01},
        "tanh, std 0.05": {**EECS498, "activation": "tanh", "init": "normal", "scale": 0.05},
        "tanh, Xavier": {**EECS498, "activation": "tanh", "init": "xavier_normal", "scale": 1.0},
        "ReLU, Xavier": {**EECS498, "activation": "relu", "init": "xavier_normal", "scale": 1.0},
        "ReLU, He": {**EECS498, "activation": "relu", "init": "he_normal", "scale": 1.0},
        "CS231n: 10 tanh x 500": {**CS231N, "activation": "tanh", "init": "normal", "scale": 0.01},
        "CS231n: tanh, std 1 saturates": {**CS231N, "activation": "tanh", "init": "normal", "scale": 1.0},
        "CS231n: ReLU, Xavier": {**CS231N, "activation": "relu", "init": "xavier_normal", "scale": 1.0},
        "CS231n: ReLU, He": {**CS231N, "activation": "relu", "init": "he_normal", "scale": 1.0},
        "linear, Xavier": {**EECS498, "activation": "identity", "init": "xavier_normal", "scale": 1.0},
        "SELU, LeCun": {**EECS498, "activation": "selu", "init": "lecun_normal"},
        "sparse: 10 connections": {**EECS498, "activation": "tanh", "init": "sparse", "sparse_k": 10, "scale": 0.32},
        "ReLU, He, bias 0.01": {**EECS498, "activation": "relu", "init": "he_normal", "bias": 0.01},
        "residual, He: variance grows": {**EECS498, "activation": "relu", "init": "he_normal", "residual": "on"},
        "residual, W2 = 0": {**EECS498, "activation": "relu", "init": "he_normal", "residual": "on, W2 = 0"},
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
    preset_keeps = frozenset({"view", "gradient_axis"})  # compare presets in the view being looked at
    figsize = (10.0, 5.4)

    def check(self, state):
        need = _matrices(state) * state["width"] ** 2 * 4
        if need > MEMORY_BUDGET:
            raise SettingError(
                f"{_matrices(state)} weight matrices of width {state['width']} need {need / 1e9:.1f} GB; "
                f"the panel keeps at most {MEMORY_BUDGET / 1e9:.1f} GB: use fewer layers or a smaller width"
            )

    def shows_control(self, control, state):
        """The scale slider only for initializers that have a scale; the gradient axis in the gradient views."""
        if control.name == "gradient_axis":
            return state["view"].startswith("gradients")
        if control.name == "sparse_k":
            return state["init"] == "sparse"
        return control.name != "scale" or state["init"] in SCALE_PARAM

    def estimate(self, state):
        """Seconds, from measurements here (bench/bench_init_panel.py prints estimate and time side by side): each
        pass over the weights (forward, and backward in the gradient views) reads every weight once (about 5 GB/s
        per BLAS thread at batch 16) and does 2 x batch flops per weight (about 1e11 flop/s per thread at large
        batches); unit draws not yet cached cost about 25 ns a weight, orthogonal ones a QR factorisation each
        (about 2.7 n^3 flops, 11 s for n = 4096 on one core, so a deep wide orthogonal network asks first)."""
        width, layers = state["width"], _layers(state)
        weights = len(layers) * width**2
        passes = 2 if state["view"].startswith("gradients") else 1
        threads = panel_threads(self) or usable_cores()
        seconds = passes * (4 * weights / 5e9 + 2 * weights * state["batch"] / 1e11) / threads
        hidden = plan(state["init"], (width, width), **self.init_params(state))
        missing = sum(not UNITS.holds(state["seed"], layer, hidden.kind, (width, width), hidden.k) for layer in layers)
        seconds += missing * width**2 * 2.5e-8
        if hidden.kind == "orthogonal":
            seconds += missing * 2.7 * width**3 / 1.5e10
        return seconds

    def init_params(self, state: dict[str, Any]) -> dict[str, Any]:
        param = SCALE_PARAM.get(state["init"])
        params = {param: state["scale"]} if param else {}
        if state["init"] == "sparse":  # CS231n notes: "as small as 10" connections per unit
            params["k"] = min(state["sparse_k"], state["width"])
        return params

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
            residual=state["residual"],
        )

    def draw(self, figure, result, state):
        # Histograms on the left, a column of per-layer notes, the mean/std strip on the right.
        ridge = draw_ridgeline(figure.add_axes((0.03, 0.11, 0.46, 0.80)), MAX_DEPTH, note_x=1.01)
        strip = draw_stats_strip(figure.add_axes((0.83, 0.11, 0.11, 0.72)))
        return ridge, strip

    def update(self, artists, result: Study, state):
        ridge, strip = artists
        view = state["view"]
        drop_zeros, shown, log_zeros = False, None, None
        if view.startswith("gradients") and not np.isfinite(result.loss):
            values = [np.array([]) for _ in result.layers]  # no gradients after an overflow
            edges, xlabel, what = np.linspace(-1, 1, 61), "no gradients: the forward pass overflowed", "gradients"
        elif view.startswith("gradients"):
            values = [layer.grad_W if view.endswith("dW") else layer.grad_activation for layer in result.layers]
            what = "dL/dW" if view.endswith("dW") else "dL/da"
            xlabel = "dL/dW (a random sample of entries)" if view.endswith("dW") else "dL/d(activation)"
            if state["gradient_axis"] == GRADIENT_AXES[0]:
                shown, log_zeros = _log_magnitudes(values)
                edges, xlabel = LOG_EDGES, f"log10 |{xlabel}|"
            else:
                edges = _symmetric_edges(values)
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
        rows = histogram_rows(values if shown is None else shown, edges, drop_zeros=drop_zeros)
        for row, zeros in zip(rows, log_zeros or []):  # on the log axis, zeros have no place: the note says how many
            row.zeros = zeros
        means = np.array([float(np.mean(v)) if np.size(v) else np.nan for v in values])
        stds = np.array([float(np.std(v)) if np.size(v) else np.nan for v in values])
        notes = []
        for layer, mean, std, row in zip(result.layers, means, stds, rows):
            extra = []
            if row.zeros and view == "activations":  # ReLU-like units output exactly 0 when inactive
                extra.append(f"{1 - row.zeros:.1%} active")
            elif row.zeros:
                extra.append(f"{row.zeros:.0%} zero")
            if row.beyond >= 0.01:  # clipped into the outer bins: said when it matters
                extra.append(f"{row.beyond:.0%} off axis")
            if view == "activations" and state["activation"] == "tanh":  # CS231n: |a| > 0.99, gradients ~0
                saturated = float(np.mean(np.abs(layer.activation) > 0.99))
                if saturated >= 0.01:
                    extra.append(f"{saturated:.0%} saturated")
            if view in ("activations", "pre-activations") and layer.identical_units:
                extra.append("units identical")
            notes.append(f"layer {len(notes) + 1}: {lecture_stats(mean, std)}" + "".join(f", {e}" for e in extra))
        param = SCALE_PARAM.get(state["init"])
        init = state["init"] + (f" ({param} {state['scale']:.3g})" if param else "")
        title = f"{what}: {state['depth']} x {state['width']} {state['activation']}, {init}"
        title += ", batch norm" if state["batchnorm"] else ""
        title += {"off": "", "on": ", residual", "on, W2 = 0": ", residual (W2 = 0)"}[state["residual"]]
        update_ridgeline(ridge, [row.counts for row in rows], edges, notes, title, xlabel)
        update_stats_strip(strip, means, stds, f"{what} per layer", log=shown is not None)

    def describe(self, result: Study, state):
        stds = result.stds
        if not np.all(np.isfinite(stds)) or not np.isfinite(result.loss):
            bad = int(np.argmax(~np.isfinite(stds))) + 1 if not np.all(np.isfinite(stds)) else len(stds)
            return f"overflow: activations become inf or NaN by layer {bad}"
        if any(layer.identical_units for layer in result.layers):
            same = " and the same gradient" if result.identical_updates else ""
            return f"symmetry: every unit of a layer computes the same value{same}, so all get the same update"
        if state["residual"] != "off" and len(stds) > 1:
            growth = (stds[-1] / stds[0]) ** (2 / (len(stds) - 1))
            return f"residual blocks: Var(x + F(x)) / Var(x) = {growth:.2f} per block"
        return ""


def _layers(state: dict[str, Any]) -> list[int]:
    """The hidden weight matrices' layer numbers in the unit-draw cache (a block's second layer: SECOND_LAYER + l)."""
    layers = [*range(state["depth"])]
    if state["residual"] != "off":
        layers += [SECOND_LAYER + index for index in range(state["depth"])]
    return layers


def _matrices(state: dict[str, Any]) -> int:
    """Hidden weight matrices: one per layer, two per residual block."""
    return len(_layers(state))


def lecture_stats(mean: float, std: float) -> str:
    """Mean and std as the lectures print them ("mean=0.00 std=0.49", EECS 498 lecture 10): two decimals, and
    scientific notation for the std only where two decimals would show a non-zero std as 0.00."""
    if not (np.isfinite(mean) and np.isfinite(std)):
        return f"mean={mean:.2f} std={std:.2f}"  # nan or inf, as numpy prints them
    mean_text = f"{mean:.2f}" if round(mean, 2) != 0 else "0.00"  # no "-0.00"
    std_text = f"{std:.2f}" if std == 0 or round(std, 2) != 0 else f"{std:.1e}"
    return f"mean={mean_text} std={std_text}"


def _log_magnitudes(values: list[np.ndarray]) -> tuple[list[np.ndarray], list[float]]:
    """log10 |value| of each array's finite non-zero entries, and each array's fraction of exact zeros."""
    logs, zeros = [], []
    for v in values:
        flat = np.ravel(v)
        finite = flat[np.isfinite(flat)]
        nonzero = finite[finite != 0]
        logs.append(np.log10(np.abs(nonzero)))
        zeros.append((finite.size - nonzero.size) / max(flat.size, 1))
    return logs, zeros


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
