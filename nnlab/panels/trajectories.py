"""Optimizer trajectories on 2-D test surfaces (CS231n notes "Neural Networks Part 3"; Alec Radford's
animations; CMU 11-785 "Optimization part 2").

Several optimizers start from the same point; their paths are drawn over the surface's
contours and their losses against the step. Presets recreate the classic animations
(long valley, Beale's function, saddle point). ``save_animation`` writes GIF, MP4 or a
self-contained HTML animation for slides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nnlab.core.optim import OPTIMIZERS
from nnlab.core.surfaces import SURFACES, Trajectories, get_surface, run_trajectories
from nnlab.export import render_frames, size_inches, write_animation
from nnlab.panels.base import Control, Panel
from nnlab.viz.trajectories import draw_paths, draw_surface, update_paths, use_log_scale

# The optimizers on offer, in the lectures' order, with their display names and colours.
NAMES = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "nesterov": "NAG",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
    "adamax": "Adamax",
    "nadam": "NAdam",
}
assert set(NAMES) == set(OPTIMIZERS)
COLORS = dict(zip(NAMES, ["#d62728", "#1f77b4", "#17becf", "#2ca02c", "#9467bd", "#ff7f0e", "#e377c2", "#8c564b",
                          "#bcbd22", "#7f7f7f"]))  # fmt: skip

# Main hyperparameters per optimizer beyond the learning rate: state key suffix -> (keyword, low, high).
EXTRA = {
    "momentum": {"momentum": ("momentum", 0.0, 0.99)},
    "nesterov": {"momentum": ("momentum", 0.01, 0.99)},
    "rmsprop": {"alpha": ("alpha", 0.5, 0.999)},
    "adadelta": {"rho": ("rho", 0.5, 0.999)},
    **{
        name: {"beta1": ("betas", 0.0, 0.999), "beta2": ("betas", 0.5, 0.9999)}
        for name in ("adam", "adamw", "adamax", "nadam")
    },  # fmt: skip
}
DEFAULT_EXTRA = {"momentum": 0.9, "alpha": 0.99, "rho": 0.9, "beta1": 0.9, "beta2": 0.999}

CLASSIC = ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop"]


def _hyper_defaults() -> dict[str, Any]:
    state: dict[str, Any] = {f"{name}_lr": 0.01 for name in NAMES}
    state.update(adadelta_lr=1.0, adagrad_lr=0.1)
    for name, extras in EXTRA.items():
        for suffix in extras:
            state[f"{name}_{suffix}"] = DEFAULT_EXTRA[suffix]
    return state


def _lrs(**lrs: float) -> dict[str, float]:
    return {f"{name}_lr": lr for name, lr in lrs.items()}


class TrajectoriesPanel(Panel):
    title = "Optimizer trajectories"
    description = "Several optimizers from one start point: which finds the minimum, which stalls, which diverges."
    defaults = {
        "surface": "beale",
        "optimizers": CLASSIC + ["adam"],
        "steps": 500,
        "x0": 1.0,
        "y0": 1.5,
        "noise": 0.0,
        "seed": 0,
        "frame": 500,
        "speed": 20,
        **_hyper_defaults(),
        **_lrs(sgd=1e-3, momentum=1e-3, nesterov=1e-3, adagrad=0.5, adadelta=1.0, rmsprop=0.01, adam=0.1),
    }
    view_keys = frozenset({"frame", "speed"})
    controls = (
        Control("surface", "surface", "choice", options=tuple(SURFACES)),
        Control("optimizers", "optimizers", "multi", options=tuple(NAMES)),
        Control("steps", "steps", "int", 10, 2000, step=10, continuous=False),
        Control("x0", "start x", "number"),
        Control("y0", "start y", "number"),
        Control("noise", "gradient noise", "float", 0.0, 5.0, step=0.05),
        Control("seed", "noise seed", "int", 0, 9),
        Control("frame", "step", "play", high_key="steps", speed_key="speed"),
        Control("frame", "step +1", "button"),
        Control("speed", "steps per second", "choice", options=(5, 10, 20, 50, 100)),
        *[Control(f"{name}_lr", "learning rate", "log", 1e-5, 10.0, group=label) for name, label in NAMES.items()],
        *[
            Control(f"{name}_{suffix}", suffix, "float", low, high, step=0.001, group=NAMES[name])
            for name, extras in EXTRA.items()
            for suffix, (_, low, high) in extras.items()
        ],
    )
    presets = {
        "long valley": {
            "surface": "long_valley",
            "optimizers": CLASSIC,
            "steps": 300,
            "x0": -1.0,
            "y0": 1.5,
            "noise": 0.0,
            **_lrs(sgd=0.18, momentum=0.02, nesterov=0.02, adagrad=1.0, adadelta=1.0, rmsprop=0.05),
        },  # fmt: skip
        "Beale's function": {
            "surface": "beale",
            "optimizers": CLASSIC,
            "steps": 500,
            "x0": 1.0,
            "y0": 1.5,
            "noise": 0.0,
            **_lrs(sgd=1e-3, momentum=1e-3, nesterov=1e-3, adagrad=0.5, adadelta=1.0, rmsprop=0.01),
        },  # fmt: skip
        "saddle point": {
            "surface": "saddle",
            "optimizers": CLASSIC,
            "steps": 200,
            "x0": 1.0,
            "y0": 1e-3,
            "noise": 0.0,
            **_lrs(sgd=0.01, momentum=0.01, nesterov=0.01, adagrad=0.1, adadelta=1.0, rmsprop=0.01),
        },  # fmt: skip
        "Beale's function + Adam": {
            "surface": "beale",
            "optimizers": CLASSIC + ["adam"],
            "steps": 500,
            "x0": 1.0,
            "y0": 1.5,
            "noise": 0.0,
            **_lrs(sgd=1e-3, momentum=1e-3, nesterov=1e-3, adagrad=0.5, adadelta=1.0, rmsprop=0.01, adam=0.1),
        },  # fmt: skip
        "noisy bowl: momentum smooths": {
            "surface": "bowl",
            "optimizers": ["sgd", "momentum"],
            "steps": 300,
            "x0": -3.5,
            "y0": 2.5,
            "noise": 3.0,
            **_lrs(sgd=0.02, momentum=0.002),
        },  # fmt: skip
    }
    figsize = (11.0, 5.0)

    def __init__(self, **state: Any) -> None:
        super().__init__(**self._follow(state))

    def set(self, **changes: Any) -> None:
        """As :meth:`Panel.set`; a new surface also moves the start to its classic start, and new steps show all."""
        super().set(**self._follow(changes))

    @staticmethod
    def _follow(changes: dict[str, Any]) -> dict[str, Any]:
        changes = dict(changes)
        if "surface" in changes and "x0" not in changes and changes["surface"] in SURFACES:
            changes["x0"], changes["y0"] = SURFACES[changes["surface"]].starts[0]
        if "steps" in changes and "frame" not in changes:
            changes["frame"] = changes["steps"]
        return changes

    def specs(self, state: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
        """label -> (optimizer, hyperparameters) for the chosen optimizers."""
        specs = {}
        for name in state["optimizers"]:
            hyper: dict[str, Any] = {"lr": state[f"{name}_lr"]}
            extras = EXTRA.get(name, {})
            if "beta1" in extras:
                hyper["betas"] = (state[f"{name}_beta1"], state[f"{name}_beta2"])
            for suffix, (keyword, _, _) in extras.items():
                if keyword != "betas":
                    hyper[keyword] = state[f"{name}_{suffix}"]
            specs[NAMES[name]] = (name, hyper)
        return specs

    def check(self, state):
        unknown = [name for name in state["optimizers"] if name not in NAMES]
        if unknown:
            raise ValueError(f"optimizers {unknown} are not offered; choose from: {', '.join(NAMES)}")
        if not state["optimizers"]:
            raise ValueError("choose at least one optimizer")
        get_surface(state["surface"])

    def compute(self, state) -> Trajectories:
        return run_trajectories(
            state["surface"],
            self.specs(state),
            starts=[float(state["x0"]), float(state["y0"])],
            steps=state["steps"],
            noise_std=state["noise"],
            rng=state["seed"],
        )

    def draw(self, figure, result, state):
        surface = get_surface(state["surface"])
        ax = figure.add_axes((0.05, 0.1, 0.46, 0.8))
        loss_ax = figure.add_axes((0.77, 0.1, 0.21, 0.8))  # leaves the legend column room for "diverged at step k"
        draw_surface(ax, surface)
        if surface.log_levels or surface.minima:
            use_log_scale(loss_ax)
        art = draw_paths(ax, loss_ax, list(result.labels), [COLORS[name] for name in state["optimizers"]])
        art.surface, art.optimizers = state["surface"], list(state["optimizers"])
        self.update(art, result, state)
        return art

    def update(self, art, result: Trajectories, state):
        if (art.surface, art.optimizers) != (state["surface"], list(state["optimizers"])):
            self.figure.clear()  # new contours or new lines: draw afresh
            self.artists = self.draw(self.figure, result, state)
            return
        ax, loss_ax = art.paths[0].axes, art.losses[0].axes
        for path, label in zip(art.paths, self._legend_labels(result)):
            path.set_label(label)
        upto = int(min(max(state["frame"], 0), state["steps"]))
        losses = result.losses[:, :, 0]
        if loss_ax.get_yscale() == "log":
            losses = np.where(losses > 0, losses, np.nan)
        update_paths(art, result.positions[:, :, 0], losses, upto, result.diverged_at[:, 0])
        art.start.set_data([state["x0"]], [state["y0"]])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False, borderaxespad=0)
        finite = losses[np.isfinite(losses)]
        loss_ax.set_xlim(0, state["steps"])
        surface = get_surface(state["surface"])
        if not surface.minima:  # unbounded below: show the range the surface takes over its window
            _, _, Z = surface.grid(60)
            loss_ax.set_ylim(float(Z.min()) * 1.1, float(Z.max()) * 1.1)
        elif finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            start = losses[:, 0][np.isfinite(losses[:, 0])]
            if start.size:  # a diverging run leaves through the top instead of squashing the others
                hi = min(hi, 10 * float(start.max()))
            if loss_ax.get_yscale() == "log":
                loss_ax.set_ylim(max(lo, 1e-12) / 2, hi * 2)
            else:
                pad = 0.05 * (hi - lo) if hi > lo else 1.0
                loss_ax.set_ylim(lo - pad, hi + pad)

    @staticmethod
    def _legend_labels(result: Trajectories) -> list[str]:
        labels = []
        for label, step in zip(result.labels, result.diverged_at[:, 0]):
            labels.append(f"{label}: diverged at step {step}" if step >= 0 else label)
        return labels

    def describe(self, result, state):
        diverged = [label for label in self._legend_labels(result) if "diverged" in label]
        return "; ".join(diverged)

    def dynamic_artists(self):
        art = self.artists
        if art is None:
            return []
        loss_ax = art.losses[0].axes
        legend = art.paths[0].axes.get_legend()
        # In the order of a full draw (the legend belongs to the contour axes, drawn before the loss axes),
        # so that a blitted picture equals a full draw even where artists overlap.
        return [*art.paths, *art.heads, art.start, *([legend] if legend else []), loss_ax]

    def connect(self, canvas):
        def on_click(event):
            if event.inaxes is not None and event.inaxes is self.artists.paths[0].axes and event.button == 1:
                self._guarded(self.click, event.xdata, event.ydata)

        canvas.mpl_connect("button_press_event", on_click)

    def click(self, x: float, y: float) -> None:
        """Start every optimizer from (x, y), as a click on the contour plot does."""
        self.set(x0=round(float(x), 3), y0=round(float(y), 3))

    def save_animation(
        self, path: str | Path, frames: int = 200, fps: float = 20, size: tuple[int, int] = (600, 450)
    ) -> Path:
        """Write the paths growing step by step as GIF, MP4 (needs ffmpeg) or self-contained HTML."""
        if frames < 2:
            raise ValueError(f"frames={frames}: an animation needs at least 2 frames")
        if self.error:
            raise ValueError(f"the panel shows an error, so there is nothing to animate: {self.error}")
        clip = TrajectoriesPanel(**self.state)
        clip.figure.set_size_inches(*size_inches(size))
        clip.figure.clear()
        with clip._style():
            art = clip.draw(clip.figure, self.result, clip.state)
            steps = clip.state["steps"]
            upto = np.linspace(0, steps, frames).round().astype(int)
            losses = self.result.losses[:, :, 0]
            if art.losses[0].axes.get_yscale() == "log":
                losses = np.where(losses > 0, losses, np.nan)
            positions = self.result.positions[:, :, 0]
            ends = self.result.diverged_at[:, 0]

            def show(i: int) -> None:
                update_paths(art, positions, losses, upto[i], ends)

            images = list(render_frames(clip.figure, art.animated, show, frames))
        return write_animation(images, path, fps, title=self.title)
