"""Activation functions (CS231n lecture 6 and notes "Neural Networks Part 1", EECS 498 lecture 10).

Views: *functions*: f and f' of the chosen functions, grey where f' is below 1% of its maximum; *inputs*: a
layer's pre-activations (the initialization study) under f, with the flat fraction and the mean local
gradient per layer; *zig-zag*: a neuron whose inputs are all positive (a sigmoid layer's outputs) can only
step in quadrants I and III; *dead units*: a network trained too hard, or started off the data, keeps ReLUs
that never fire; *depth*: statistics through 50 layers (SELU self-normalizes with LeCun init); *race*:
training error against the step for ReLU, tanh and sigmoid on one network and data set.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlab.app.base import Control, Panel, View
from nnlab.core.activations import get_activation, sigmoid
from nnlab.topics.activations import draw as viz
from nnlab.topics.activations import study as study
from nnlab.topics.initialization.study import INPUTS, UnitDrawCache, run_study

FUNCTIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "silu", "softplus", "maxout")
ELEMENTWISE = FUNCTIONS[:-1]
LABELS = {"leaky_relu": "Leaky ReLU", "relu": "ReLU", "prelu": "PReLU", "elu": "ELU", "selu": "SELU",
          "gelu": "GELU", "silu": "SiLU", "maxout": "Maxout"}  # fmt: skip
INITS = ("normal", "xavier_normal", "he_normal", "lecun_normal")
RACERS = ("relu", "tanh", "sigmoid")
TARGET = 0.25  # AlexNet's figure 1: steps to 25% training error
POINTS = 801  # samples of x in the functions view
UNITS = UnitDrawCache(max_bytes=256 * 2**20)


def activation_params(name: str, state: dict[str, Any]) -> dict[str, float]:
    """The parameters the controls set for activation ``name``."""
    return {"leaky_relu": {"slope": state["leaky_slope"]}, "prelu": {"slope": state["prelu_slope"]},
            "elu": {"alpha": state["elu_alpha"]}}.get(name, {})  # fmt: skip


def label(name: str, state: dict[str, Any]) -> str:
    params = activation_params(name, state)
    text = LABELS.get(name, name)
    if name == "maxout":
        return f"{text}, k = {state['maxout_k']}"
    return text + (f" ({', '.join(f'{k} {v:g}' for k, v in params.items())})" if params else "")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^k at or above ``value`` (at least 1): a histogram range that reads well."""
    if not np.isfinite(value) or value <= 1.0:
        return 1.0
    decade = 10.0 ** np.floor(np.log10(value))
    return float(next(m * decade for m in (1, 2, 5, 10) if m * decade >= value))


def _init_params(state: dict[str, Any]) -> dict[str, float]:
    return {"std": state["scale"]} if state["init"] == "normal" else {}


class Functions(View):
    keys = ("shown", "x_max", "leaky_slope", "elu_alpha", "prelu_slope", "maxout_k", "seed")

    def compute(self, state):
        x = np.linspace(-state["x_max"], state["x_max"], POINTS)
        curves, pieces = {}, None
        for name in state["shown"]:
            if name == "maxout":
                curve = study.maxout_curve(x, state["maxout_k"], state["seed"])
                pieces = curve.pieces
                top = float(np.max(np.abs(curve.derivative)))
                curves[name] = (curve.value, curve.derivative, np.abs(curve.derivative) < study.SATURATION * top)
            else:
                f = get_activation(name, **activation_params(name, state))
                curves[name] = (f(x), f.derivative(x), study.flat(f, x))
        approx = x * sigmoid(1.702 * x) if "gelu" in state["shown"] else None
        return {"x": x, "curves": curves, "pieces": pieces, "approx": approx}

    def draw(self, figure, result, state):
        return viz.draw_functions(figure, FUNCTIONS, 16)

    def update(self, art, result, state):
        labels = {name: label(name, state) for name in FUNCTIONS}
        short = {name: LABELS.get(name, name) for name in FUNCTIONS}
        viz.update_functions(art, result["x"], result["curves"], result["pieces"], result["approx"], labels, short)

    def describe(self, result, state):
        notes = []
        if "sigmoid" in state["shown"]:
            at = min(10.0, state["x_max"])
            slope = float(get_activation("sigmoid").derivative(np.array([at]))[0])
            notes.append(f"sigmoid'(+-{at:g}) = {slope:.1e}, at most 0.25: it kills the gradient")
        if "gelu" in state["shown"]:
            notes.append(f"GELU vs x sigmoid(1.702 x): max difference {study.gelu_sigmoid_gap():.3f}")
        if "maxout" in state["shown"]:
            k = state["maxout_k"]
            count, affine = study.maxout_parameters(100, 100, k), study.maxout_parameters(100, 100, 1)
            notes.append(f"Maxout, k = {k}: {k}x the parameters of an affine layer (100 -> 100: {count:,} instead of "
                         f"{affine:,})")  # fmt: skip
        return "; ".join(notes) if notes else ("" if state["shown"] else "no function chosen: choose some under 'show'")


class Inputs(View):
    keys = ("activation", "init", "scale", "layers", "width", "inputs", "leaky_slope", "elu_alpha", "prelu_slope",
            "seed")  # fmt: skip
    blas_heavy = True  # up to 10 layers of 2048 units

    def compute(self, state):
        name = state["activation"]
        f = get_activation(name, **activation_params(name, state))
        traced = run_study(depth=state["layers"], width=state["width"], batch=64, activation=name,
                           activation_params=activation_params(name, state), init=state["init"],
                           init_params=_init_params(state), inputs=state["inputs"], gradients=False,
                           seed=state["seed"], cache=UNITS)  # fmt: skip
        pre = [layer.pre_activation for layer in traced.layers]
        local = [study.local_gradients(f, z) for z in pre]
        return {"pre": pre, "local": local}

    def estimate(self, state):
        return 2 * state["layers"] * state["width"] ** 2 * 64 / 1.5e10 + state["layers"] * state["width"] ** 2 * 1e-8

    def draw(self, figure, result, state):
        return viz.draw_inputs(figure)

    def update(self, art, result, state):
        name, index = state["activation"], min(state["layer"], state["layers"]) - 1
        f = get_activation(name, **activation_params(name, state))
        z = result["pre"][index]
        finite = np.abs(z[np.isfinite(z)])
        reach = float(np.quantile(finite, 0.995)) if finite.size else 1.0
        reach = nice_ceiling(reach)
        edges = np.linspace(-reach, reach, 61)
        x = np.linspace(-reach, reach, 401)
        local = result["local"][index]
        if name == "relu":  # f' = 0 on the whole negative side, not by underflow
            what = f"{local.dead:.0%} get no gradient (z <= 0)"
        else:
            what = f"{local.saturated:.0%} saturated (|f'| < 1% of its max)"
        title = (f"layer {index + 1} of {state['layers']}, {label(name, state)}: {what}, "
                 f"mean f' {local.mean:.3g}")  # fmt: skip
        viz.update_inputs(art, z, edges, x, f(x), f.derivative(x), study.flat(f, x),
                          np.array([g.saturated for g in result["local"]]),
                          np.array([g.mean for g in result["local"]]), title)  # fmt: skip

    def describe(self, result, state):
        means = [g.mean for g in result["local"]]
        product = float(np.prod(means))
        return (f"the local gradients multiply layer after layer: the mean f' of the {state['layers']} layers "
                f"multiplies to {product:.2g}")  # fmt: skip


class Zigzag(View):
    keys = ("zigzag_batch", "zigzag_lr", "zigzag_steps", "seed")

    def compute(self, state):
        runs = [study.zigzag(centred, state["zigzag_batch"], state["zigzag_steps"], state["zigzag_lr"],
                             state["seed"]) for centred in (False, True)]  # fmt: skip
        surfaces = []
        for run in runs:
            paths = np.concatenate([run.path, [study.ZIGZAG_TARGET]])
            finite = paths[np.all(np.isfinite(paths), axis=1) & np.all(np.abs(paths) < 1e3, axis=1)]
            lo, hi = finite.min(axis=0) - 0.3, finite.max(axis=0) + 0.3
            gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 80))
            residual = run.X @ np.stack([gx.ravel(), gy.ravel()]) - (run.X @ np.array(study.ZIGZAG_TARGET))[:, None]
            surfaces.append((gx, gy, 0.5 * np.mean(residual**2, axis=0).reshape(gx.shape)))
        return {"runs": runs, "surfaces": surfaces}

    def draw(self, figure, result, state):
        return viz.draw_zigzag(figure, study.ZIGZAG_TARGET)

    def update(self, art, result, state):
        runs = result["runs"]
        titles = tuple(f"{what}: {run.same_sign:.0%} of steps in quadrant I or III\npath straightness "
                       f"{run.straightness:.2f}, distance to w* {run.distance:.2f}"
                       for what, run in zip(("inputs all positive", "inputs centred"), runs))  # fmt: skip
        viz.update_zigzag(art, (runs[0].path, runs[1].path), tuple(result["surfaces"]), titles)

    def describe(self, result, state):
        if state["zigzag_batch"] == 1:
            return ("one example at a time: with positive inputs every step's two entries share one sign, so the "
                    "path zig-zags toward w* (red star); try a larger minibatch")  # fmt: skip
        return f"minibatches of {state['zigzag_batch']}: the averaged gradient may point anywhere, the path straightens"


class DeadUnits(View):
    keys = ("activation", "dead_lr", "dead_bias", "dead_steps", "leaky_slope", "elu_alpha", "prelu_slope", "seed")

    def compute(self, state):
        name = state["activation"]
        return study.dead_units(name, activation_params(name, state), state["dead_lr"], state["dead_bias"],
                                state["dead_steps"], state["seed"])  # fmt: skip

    def estimate(self, state):
        return 4e-4 * state["dead_steps"]  # about 2,500 steps per second with the dead-unit checks, measured here

    def draw(self, figure, result, state):
        return viz.draw_dead(figure, 3, study.DEAD_SIZES[1], len(study.DEAD_SIZES) - 2)

    def update(self, art, result: study.DeadUnits, state):
        dead = int(result.first_dead.sum())
        step = int(result.steps[-1]) if result.steps.size else 0
        name = LABELS.get(state["activation"], state["activation"])
        alive = int((result.first_inactive & ~result.first_dead).sum())
        quiet = f", {alive} never positive\nbut still learning (orange)" if alive else ""
        title = (f"{name}, step {step}, training accuracy {result.train_acc:.0%}\n"
                 f"layer 1: {dead} of {result.first_dead.size} units dead (red){quiet}")  # fmt: skip
        viz.update_dead(art, result.X, result.y, result.W, result.b, result.first_dead, result.first_inactive,
                        result.steps, result.dead, result.inactive, title)  # fmt: skip

    def describe(self, result: study.DeadUnits, state):
        if result.diverged:
            return "the loss became NaN: the learning rate is far too high"
        if not result.dead.size:
            return ""
        dead = result.dead[-1]
        text = ", ".join(f"layer {i + 1} {d:.0%}" for i, d in enumerate(dead))
        if state["activation"] in ("relu",):
            return f"dead ReLUs (never active on the 300 training points): {text}; they get no gradient, ever"
        return f"units with f' = 0 on every training point: {text}"


class Depth(View):
    keys = ("activation", "init", "scale", "depth", "leaky_slope", "elu_alpha", "prelu_slope", "seed")

    def compute(self, state):
        name = state["activation"]
        return study.depth_stats(name, state["init"], _init_params(state), activation_params(name, state),
                                 depth=state["depth"], seed=state["seed"])  # fmt: skip

    def draw(self, figure, result, state):
        return viz.draw_depth(figure)

    def update(self, art, result: study.DepthStats, state):
        stds, means = result.stds, result.means
        title = (f"{label(state['activation'], state)}, {state['init']} init, {state['depth']} layers of 500: std "
                 f"{np.nanmin(stds):.3g} to {np.nanmax(stds):.3g}, mean {np.nanmin(means):.2g} to "
                 f"{np.nanmax(means):.2g}")  # fmt: skip
        viz.update_depth(art, means, stds, title)


class Race(View):
    keys = ("race_init", "race_lr", "race_steps", "seed")

    def compute(self, state):
        return study.race(RACERS, state["race_init"], state["race_lr"], state["race_steps"], TARGET, state["seed"])

    def estimate(self, state):
        return 3 * 2.5e-4 * state["race_steps"]  # three runs of about 4,000 steps per second, measured here

    def draw(self, figure, result, state):
        return viz.draw_race(figure, RACERS, LABELS)

    def update(self, art, result: study.Race, state):
        viz.update_race(art, result.steps, result.error, result.reached, TARGET, self.summary(result, state))

    @staticmethod
    def summary(result: study.Race, state: dict[str, Any]) -> str:
        parts = []
        for name in RACERS:
            at = result.reached[name]
            parts.append(f"{LABELS.get(name, name)} {at}" if at else f"{LABELS.get(name, name)} not in "
                         f"{state['race_steps']}")  # fmt: skip
        relu, tanh = result.reached["relu"], result.reached["tanh"]
        ratio = f" (ReLU {tanh / relu:.1f}x faster than tanh)" if relu and tanh else ""
        return f"steps to {TARGET:.0%} training error: " + ", ".join(parts) + ratio

    def describe(self, result, state):
        return ("AlexNet's figure 1 (a CNN on CIFAR-10): ReLU about 6x faster than tanh; here a 2-16-16-3 network "
                f"on the spiral, SGD at {state['race_lr']:g}, seed {state['seed']}")  # fmt: skip


class ActivationsPanel(Panel, name="activations"):
    title = "Activation functions"
    description = "Where each non-linearity passes gradient, where it saturates or dies, and what that does."
    views = {"functions": Functions(), "inputs": Inputs(), "zig-zag": Zigzag(), "dead units": DeadUnits(),
             "depth": Depth(), "race": Race()}  # fmt: skip
    defaults = {
        "view": "functions",
        "shown": ["sigmoid", "tanh", "relu"],
        "x_max": 6.0,
        "leaky_slope": 0.01,
        "elu_alpha": 1.0,
        "prelu_slope": 0.25,
        "maxout_k": 3,
        "activation": "tanh",
        "init": "normal",
        "scale": 0.05,
        "layers": 6,
        "layer": 3,
        "width": 500,
        "inputs": "gaussian",
        "depth": 50,
        "zigzag_batch": 1,
        "zigzag_lr": 0.5,
        "zigzag_steps": 60,
        "dead_lr": 0.1,
        "dead_bias": 0.0,
        "dead_steps": 500,
        "race_init": "recommended",
        "race_lr": 0.1,
        "race_steps": 1500,
        "seed": 0,
    }
    controls = (
        Control("view", "view", "toggle", options=tuple(views)),
        Control("shown", "show", "multi", options=FUNCTIONS, views=("functions",)),
        Control("x_max", "x from -x_max to x_max", "float", 1.0, 20.0, step=0.5, views=("functions",)),
        Control("activation", "activation", "choice", options=ELEMENTWISE, views=("inputs", "dead units", "depth")),
        Control("leaky_slope", "Leaky ReLU slope", "float", 0.0, 0.5, step=0.01, group="parameters"),
        Control("elu_alpha", "ELU alpha", "float", 0.1, 3.0, step=0.1, group="parameters"),
        Control("prelu_slope", "PReLU slope (learned; its start)", "float", 0.0, 1.0, step=0.05, group="parameters"),
        Control("maxout_k", "Maxout pieces k", "int", 1, 16, views=("functions",), group="parameters"),
        Control("init", "initializer", "choice", options=INITS, views=("inputs", "depth")),
        Control("scale", "std (normal init)", "log", 1e-3, 10.0, views=("inputs", "depth")),
        Control("layers", "layers", "int", 1, 10, continuous=False, views=("inputs",)),
        Control("layer", "layer shown", "int", 1, 10, high_key="layers", views=("inputs",)),
        Control("width", "width", "int", 16, 2048, step=16, continuous=False, views=("inputs",)),
        Control("inputs", "inputs", "choice", options=tuple(INPUTS), views=("inputs",)),
        Control("depth", "layers", "int", 10, 100, step=10, continuous=False, views=("depth",)),
        Control("zigzag_batch", "minibatch", "int", 1, study.ZIGZAG_POINTS, views=("zig-zag",)),
        Control("zigzag_lr", "learning rate", "log", 0.01, 3.0, views=("zig-zag",)),
        Control("zigzag_steps", "steps", "int", 5, 500, step=5, views=("zig-zag",)),
        Control("dead_lr", "learning rate", "log", 1e-3, 10.0, continuous=False, views=("dead units",)),
        Control("dead_bias", "initial bias", "float", -2.0, 1.0, step=0.1, continuous=False, views=("dead units",)),
        Control("dead_steps", "steps", "int", 10, 3000, step=10, continuous=False, views=("dead units",)),
        Control("race_init", "initialization", "choice", options=tuple(study.RACE_INITS), views=("race",)),
        Control("race_lr", "learning rate", "log", 1e-3, 3.0, continuous=False, views=("race",)),
        Control("race_steps", "steps", "int", 100, 5000, step=100, continuous=False, views=("race",)),
        Control("seed", "seed", "int", 0, 9),
    )
    presets = {
        "sigmoid, tanh, ReLU": {},
        "sigmoid kills gradients": {"shown": ["sigmoid"], "x_max": 10.0},
        "the ReLU family (EECS 498)": {"shown": ["relu", "leaky_relu", "elu", "selu", "gelu"], "leaky_slope": 0.1},
        "GELU against x sigmoid(1.702 x)": {"shown": ["gelu"], "x_max": 4.0},
        "Maxout, k = 3": {"shown": ["maxout"], "x_max": 3.0},
        "tanh, std 1: saturated": {"view": "inputs", "activation": "tanh", "scale": 1.0},
        "sigmoid: f' at most 1/4 per layer": {"view": "inputs", "activation": "sigmoid", "init": "xavier_normal"},
        "ReLU, He: half the values get no gradient": {"view": "inputs", "activation": "relu", "init": "he_normal"},
        "not zero-centred: zig-zag": {"view": "zig-zag"},
        "minibatches help": {"view": "zig-zag", "zigzag_batch": 32},
        "dead ReLUs: learning rate too high": {"view": "dead units", "activation": "relu", "dead_lr": 1.5},
        "dead ReLUs: started off the data": {"view": "dead units", "activation": "relu", "dead_bias": -0.5},
        "Leaky ReLU does not die": {"view": "dead units", "activation": "leaky_relu", "dead_lr": 1.5},
        "ELU started off the data does not die": {"view": "dead units", "activation": "elu", "dead_bias": -0.5},
        "SELU self-normalizes (LeCun init)": {"view": "depth", "activation": "selu", "init": "lecun_normal"},
        "SELU with He init drifts": {"view": "depth", "activation": "selu", "init": "he_normal"},
        "ReLU against tanh and sigmoid": {"view": "race"},
    }
    figsize = (10.0, 4.8)

    def shows_control(self, control, state):
        """The std only for the normal initializer; each activation parameter where its function is in play."""
        if control.name == "scale":
            return state["init"] == "normal" and control.shown_in(state["view"])
        owner = {"leaky_slope": "leaky_relu", "elu_alpha": "elu", "prelu_slope": "prelu", "maxout_k": "maxout"}
        if control.name in owner:
            if state["view"] == "functions":
                return owner[control.name] in state["shown"]
            return state["view"] in ("inputs", "dead units", "depth") and state["activation"] == owner[control.name]
        return super().shows_control(control, state)

    def follow(self, changes, state):
        """Fewer layers than the one shown: show the last."""
        out = dict(changes)
        layers = changes.get("layers")
        if isinstance(layers, int) and not isinstance(layers, bool) and 1 <= layers < state["layer"]:
            out.setdefault("layer", layers)
        return out
