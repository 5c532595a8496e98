"""Optimizer trajectories on 2-D test surfaces (CS231n notes "Neural Networks Part 3"; Alec Radford's
animations; CMU 11-785 "Optimization part 2").

Several optimizers start from the same point; their paths are drawn over the surface's contours and
their losses against the step. The optimizers on offer, their names, colours and hyperparameter
controls come from the core's registry (``nnlab.core.optim.OPTIMIZERS``): a new optimizer class
appears here without a change to this file. ``save_animation`` writes GIF, MP4 or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlab.app.base import Control, Panel, Param, View
from nnlab.core._checks import SettingError
from nnlab.core.optim import KNOB_RANGES, OPTIMIZERS, knob_hyperparameters, optimizer_knobs
from nnlab.core.surfaces import SURFACES, Trajectories, get_surface, run_trajectories
from nnlab.topics.trajectories.draw import (
    VELOCITY_SCALE,
    draw_basins,
    draw_paths,
    draw_surface,
    optimizer_colors,
    optimizer_styles,
    update_basins,
    update_ghosts,
    update_internals,
    update_loss_axis,
    update_paths,
)

CLASSIC = ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop"]
# This panel's starting learning rates, where they differ from the optimizer's own default: those of the
# Beale's function preset, which reproduce Radford's description of it (see the presets).
START_LR = {"sgd": 1e-3, "momentum": 5e-3, "nesterov": 5e-3, "adagrad": 1.0, "adadelta": 1.0, "rmsprop": 0.01,
            "adam": 0.1}  # fmt: skip
BASIN_GRID = 8  # the basins view starts from 8 x 8 points
REACHED, STALLED, DIVERGED = 0, 1, 2
TUNE_GRID = 30  # learning rates tried per optimizer by "tune learning rates", log-spaced over its slider's range
START = 2.0  # how far from the surface's window a start point may be typed (in window widths)


def _title(name: str) -> str:
    return OPTIMIZERS[name].title or name


def specs(state: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """label -> (optimizer, hyperparameters) for the chosen optimizers."""
    out = {}
    for name in state["optimizers"]:
        values = {knob: state[f"{name}_{knob}"] for knob in optimizer_knobs(name)}
        out[_title(name)] = (name, knob_hyperparameters(values))
    return out


def _lrs(**lrs: float) -> dict[str, float]:
    return {f"{name}_lr": lr for name, lr in lrs.items()}


def coinciding(result: Trajectories, surface: Any, tolerance: float = 0.015) -> list[tuple[str, str]]:
    """Pairs of optimizers whose paths, while either is in view, stay within ``tolerance`` x the window's width of
    each other (about 6 pixels: one line hides the other; on the saddle, Adagrad's path lies on RMSprop's)."""
    (x0, x1), (y0, y1) = surface.window
    positions = result.positions[:, :, 0]  # (K, T, 2)
    x, y = positions[..., 0], positions[..., 1]
    with np.errstate(invalid="ignore"):
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    pairs = []
    for i in range(len(result.labels)):
        for j in range(i + 1, len(result.labels)):
            shown = inside[i] | inside[j]
            gap = np.linalg.norm(positions[i, shown] - positions[j, shown], axis=-1)
            if shown.sum() >= 5 and np.all(gap <= tolerance * (x1 - x0)):
                pairs.append((result.labels[i], result.labels[j]))
    return pairs


def internals_note(result: Trajectories, step: int) -> str:
    """What the overlay shows at ``step``, in numbers: each optimizer's velocity, step sizes, bias corrections."""
    parts = []
    for label, kept in zip(result.labels, result.internals):
        bits = []
        if "velocity" in kept and step >= 1:
            vx, vy = kept["velocity"][step, 0]
            bits.append(f"velocity ({vx:.2g}, {vy:.2g})")
        if "step_size" in kept and step >= 1:
            sx, sy = kept["step_size"][step, 0]
            bits.append(f"step size x {sx:.2g}, y {sy:.2g}")
        if "bias_correction" in kept and step >= 1:
            c1, c2 = kept["bias_correction"][step]
            bits.append(f"bias corrections {c1:.3g}, {c2:.3g}")
        if bits:
            parts.append(f"{label}: " + ", ".join(bits))
    head = f"at step {step} (arrows: {VELOCITY_SCALE} steps of velocity; ellipses: step sizes' ratio)"
    return head + ("; " + "; ".join(parts) if parts else ": no optimizer state before the first step")


@dataclass
class PathsResult(Trajectories):
    """The paths, and (when asked for) each optimizer's paths at the neighbouring learning rates of the tuning
    grid: ``neighbours`` holds the runs at lr / NEIGHBOUR and lr x NEIGHBOUR, in that order per optimizer."""

    neighbours: Trajectories | None = None


def neighbour_factor() -> float:
    """The ratio between neighbouring learning rates of the tuning grid (30 log-spaced over 1e-5..10)."""
    low, high = KNOB_RANGES["lr"][:2]
    return float((high / low) ** (1 / (TUNE_GRID - 1)))


class Paths(View):
    """Every selected optimizer's path from the start point over the contours, and its loss against the step."""

    def compute(self, state: dict[str, Any]) -> PathsResult:
        common = {"starts": [state["x0"], state["y0"]], "steps": state["steps"], "noise_std": state["noise"],
                  "rng": state["seed"]}  # fmt: skip
        run = run_trajectories(state["surface"], specs(state), internals=state["internals"], **common)
        neighbours = None
        if state["neighbours"]:
            f = neighbour_factor()
            around = {}
            for label, (name, hyper) in specs(state).items():
                for tag, scale in (("slower", 1 / f), ("faster", f)):
                    around[f"{label} {tag}"] = (name, {**hyper, "lr": hyper["lr"] * scale})
            neighbours = run_trajectories(state["surface"], around, **common)
        return PathsResult(**{k: getattr(run, k) for k in run.__dataclass_fields__}, neighbours=neighbours)

    def layout(self, state: dict[str, Any]) -> Any:
        return [state["surface"], state["optimizers"]]

    def draw(self, figure, result: Trajectories, state):
        surface = get_surface(state["surface"])
        ax = figure.add_axes((0.06, 0.1, 0.45, 0.78))
        loss_ax = figure.add_axes((0.77, 0.1, 0.21, 0.78))  # leaves the legend column room for "diverged at step k"
        draw_surface(ax, surface)
        colors, styles = optimizer_colors(), optimizer_styles()
        return draw_paths(ax, loss_ax, surface, list(result.labels), [colors[n] for n in state["optimizers"]],
                          [styles[n] for n in state["optimizers"]], ghosts=2)  # fmt: skip

    def update(self, art, result: Trajectories, state):
        upto = min(state["frame"], state["steps"])
        update_paths(art, result.positions[:, :, 0], result.losses[:, :, 0], upto, result.diverged_at[:, 0],
                     self._legend_labels(result))  # fmt: skip
        art.start.set_data([state["x0"]], [state["y0"]])
        update_ghosts(art, None if result.neighbours is None else result.neighbours.positions[:, :, 0], upto)
        (x0, x1), _ = get_surface(state["surface"]).window
        update_internals(art, result.positions[:, :, 0], [{k: v[:, 0] if v.ndim == 3 else v for k, v in kept.items()}
                                                          for kept in result.internals] if state["internals"] else None,
                         upto, result.diverged_at[:, 0], x1 - x0)  # fmt: skip
        update_loss_axis(art, get_surface(state["surface"]), result.losses[:, :, 0], state["steps"])

    def dynamic(self, art) -> list[Any]:
        # In the order of a full draw (the legend belongs to the contour axes, drawn before the loss axes),
        # so that a blitted picture equals a full draw even where artists overlap.
        legend = art.paths[0].axes.get_legend()
        return [*art.paths, *art.heads, art.start, *art.overlays(), *([legend] if legend else []), art.losses[0].axes]

    def animated(self, art) -> list[Any]:
        """Stepping through the run moves only the lines and their heads (the loss axis and legend stay); the start
        marker is redrawn above the paths, in the order of a full draw."""
        return [*art.paths, *art.heads, art.start, *art.overlays(), *art.losses]

    @staticmethod
    def _legend_labels(result: Trajectories) -> list[str]:
        return [f"{label}: diverged at step {step}" if step >= 0 else label
                for label, step in zip(result.labels, result.diverged_at[:, 0])]  # fmt: skip

    def describe(self, result, state):
        notes = [label for label in self._legend_labels(result) if "diverged" in label]
        if state["internals"]:
            notes.append(internals_note(result, min(state["frame"], state["steps"])))
        if state["neighbours"]:
            notes.append(
                f"faint: each optimizer at its learning rate / {neighbour_factor():.2f} and x "
                f"{neighbour_factor():.2f} (the tuning grid's neighbours)"
            )
        notes += [f"{a} and {b} take the same path (one line lies on the other)"
                  for a, b in coinciding(result, get_surface(state["surface"]))]  # fmt: skip
        if state["noise"] > 0:
            agree = step_agreement(result.positions[:, :, 0])
            parts = ", ".join(f"{label} {c:+.2f}" for label, c in zip(result.labels, agree))
            notes.append(f"noisy gradients: how much consecutive steps agree in direction (mean cosine; 0: every "
                         f"which way, 1: straight on): {parts}")  # fmt: skip
        return "; ".join(notes)


class Basins(View):
    """Where each optimizer ends from a grid of BASIN_GRID x BASIN_GRID start points over the window (CMU 11-785:
    the start decides which minimum, or whether any): green reached a minimum, grey stalled, red diverged; on a
    surface without a minimum (the saddle), green escaped (the loss fell below the start's by more than 1)."""

    def compute(self, state):
        surface = get_surface(state["surface"])
        (x0, x1), (y0, y1) = surface.window
        gx, gy = np.meshgrid(np.linspace(x0, x1, BASIN_GRID + 2)[1:-1], np.linspace(y0, y1, BASIN_GRID + 2)[1:-1])
        starts = np.c_[gx.ravel(), gy.ravel()]
        runs = run_trajectories(state["surface"], specs(state), starts=starts, steps=state["steps"],
                                noise_std=state["noise"], rng=state["seed"])  # fmt: skip
        return {"starts": starts, "outcomes": basin_outcomes(runs, surface), "labels": runs.labels}

    def estimate(self, state):
        return 2e-6 * state["steps"] * len(state["optimizers"]) * BASIN_GRID**2  # measured here: ~1 s for 7 x 500

    def layout(self, state):
        return [state["surface"], state["optimizers"]]

    def draw(self, figure, result, state):
        return draw_basins(figure, get_surface(state["surface"]), result["labels"])

    def update(self, art, result, state):
        update_basins(art, result["starts"], result["outcomes"])

    def describe(self, result, state):
        surface = get_surface(state["surface"])
        good = "reached a minimum" if surface.minima else "escaped"
        reached = [int(np.sum(row == REACHED)) for row in result["outcomes"]]
        counts = ", ".join(f"{label} {n}" for label, n in zip(result["labels"], reached))
        return f"{good} from {BASIN_GRID**2} starts: {counts}"


def step_agreement(positions: np.ndarray) -> np.ndarray:
    """Per optimizer, the mean cosine between consecutive steps of its path ``positions`` (K, T + 1, 2), steps
    that diverged left out: near 0 when noise turns every step, near 1 when the path runs straight on."""
    steps = np.diff(positions, axis=1)
    norms = np.linalg.norm(steps, axis=-1)
    with np.errstate(all="ignore"):
        cos = np.sum(steps[:, 1:] * steps[:, :-1], axis=-1) / (norms[:, 1:] * norms[:, :-1])
    return np.array([float(np.mean(row[np.isfinite(row)])) if np.isfinite(row).any() else np.nan for row in cos])


def basin_outcomes(runs: Trajectories, surface: Any) -> np.ndarray:
    """(K, P) outcome per optimizer and start: REACHED, STALLED or DIVERGED (see :class:`Basins`)."""
    (x0, x1), _ = surface.window
    final = runs.positions[:, -1]  # (K, P, 2)
    diverged = runs.diverged_at >= 0
    with np.errstate(invalid="ignore"):
        if surface.minima:
            minima = np.array(surface.minima)
            distance = np.min(np.linalg.norm(final[:, :, None, :] - minima[None, None], axis=-1), axis=-1)
            reached = distance <= 0.02 * (x1 - x0)
        else:
            reached = runs.losses[:, -1] < runs.losses[:, 0] - 1.0
    return np.where(diverged, DIVERGED, np.where(reached, REACHED, STALLED))


class TrajectoriesPanel(Panel, name="trajectories"):
    title = "Optimizer trajectories"
    description = "Several optimizers from one start point: which finds the minimum, which stalls, which diverges."
    views = {"paths": Paths(), "basins": Basins()}
    view_keys = frozenset({"frame", "speed"})
    preset_keeps = frozenset({"view"})  # a preset's surface and settings, seen in the view being looked at
    params = {"x0": Param("float", -100.0, 100.0), "y0": Param("float", -100.0, 100.0)}
    presets = {
        # Radford: "SGD gets nowhere and Nesterov Accelerated Gradient / Momentum exhibits oscillations until
        # they build up velocity in the optimization direction. Algos that scale step size based on gradient
        # quickly break symmetry and begin descent." Standard learning rates; Adadelta needs eps 1e-4 (with
        # PyTorch's 1e-6 its first steps are ~sqrt(eps) = 0.001 long and it covers 13% of the way).
        "long valley": {"surface": "long_valley", "optimizers": CLASSIC, "steps": 300, "x0": -1.0, "y0": 1.5,
                        "adadelta_eps": 1e-4, **_lrs(sgd=0.01, momentum=0.01, nesterov=0.01, adagrad=1.0,
                                                     adadelta=1.0, rmsprop=0.05)},
        # Radford: "Due to the large initial gradient, velocity based techniques shoot off and bounce around -
        # adagrad almost goes unstable for the same reason. Algos that scale gradients/step sizes like adadelta
        # and RMSProp proceed more like accelerated SGD and handle large gradients with more stability."
        "Beale's function": {"surface": "beale", "optimizers": CLASSIC, "steps": 500, "x0": 1.0, "y0": 1.5},
        "saddle point": {"surface": "saddle", "optimizers": CLASSIC, "steps": 200, "x0": 1.0, "y0": 1e-3,
                         **_lrs(sgd=0.01, momentum=0.01, nesterov=0.01, adagrad=0.1, adadelta=1.0, rmsprop=0.01)},
        "Beale's function + Adam": {"surface": "beale", "optimizers": [*CLASSIC, "adam"], "steps": 500, "x0": 1.0,
                                    "y0": 1.5},
        "noisy bowl: momentum smooths": {"surface": "bowl", "optimizers": ["sgd", "momentum"], "steps": 300,
                                         "x0": -3.5, "y0": 2.5, "noise": 3.0, **_lrs(sgd=0.02, momentum=0.002)},
    }  # fmt: skip
    actions = {"tune learning rates": "tune_learning_rates"}
    figsize = (10.0, 4.6)

    # --- the optimizers on offer, from the core's registry ------------------------------------------------
    @classmethod
    def state_defaults(cls) -> dict[str, Any]:
        knobs = {f"{name}_{knob}": spec.default for name in OPTIMIZERS for knob, spec in optimizer_knobs(name).items()}
        return {
            "view": "paths",
            "surface": "beale",
            "optimizers": [*CLASSIC, "adam"],
            "steps": 500,
            "x0": 1.0,
            "y0": 1.5,
            "noise": 0.0,
            "seed": 0,
            "internals": False,
            "neighbours": False,
            "frame": 500,
            "speed": 20,
            **knobs,
            **_lrs(**{k: v for k, v in START_LR.items() if k in OPTIMIZERS}),
            "slides": False,
        }

    @classmethod
    def state_controls(cls) -> tuple[Control, ...]:
        knobs = []
        for name in OPTIMIZERS:
            for knob, spec in optimizer_knobs(name).items():
                kind = "log" if spec.log else "float"
                label = "learning rate" if knob == "lr" else knob
                step = None if spec.log else 0.001
                knobs.append(Control(f"{name}_{knob}", label, kind, spec.low, spec.high, step=step, group=_title(name)))
        return (
            Control("view", "view", "toggle", options=tuple(cls.views)),
            Control("surface", "surface", "choice", options=tuple(SURFACES)),
            Control("optimizers", "optimizers", "multi", options=tuple(OPTIMIZERS)),
            Control("steps", "steps", "int", 10, 2000, step=10, continuous=False),
            Control("x0", "start x", "number", views=("paths",)),
            Control("y0", "start y", "number", views=("paths",)),
            Control("noise", "gradient noise", "float", 0.0, 5.0, step=0.05),
            Control("seed", "noise seed", "int", 0, 9),
            Control("internals", "optimizer state", "bool", views=("paths",)),
            Control("neighbours", "neighbouring learning rates", "bool", views=("paths",)),
            Control("frame", "step", "play", high_key="steps", speed_key="speed", views=("paths",)),
            Control("frame", "step +1", "button", views=("paths",)),
            Control("speed", "steps per second", "choice", options=(5, 10, 20, 50, 100), views=("paths",)),
            *knobs,
        )

    def shows_control(self, control: Control, state: dict[str, Any]) -> bool:
        """An optimizer's hyperparameters are shown while it is selected; the rest as their views say."""
        if control.group:
            return control.name.split("_")[0] in state["optimizers"]
        return control.shown_in(state["view"])

    def follow(self, changes: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """A new surface moves the start to its classic start; new steps show every step."""
        out = dict(changes)
        surface = changes.get("surface")
        if "x0" not in changes and isinstance(surface, str) and surface in SURFACES and surface != state["surface"]:
            out["x0"], out["y0"] = SURFACES[surface].starts[0]
        steps = changes.get("steps")
        if isinstance(steps, int) and not isinstance(steps, bool):
            frame = changes.get("frame")
            if "frame" not in changes or (isinstance(frame, (int, float)) and frame > steps):
                out["frame"] = steps  # new steps: show them all
        return out

    def check(self, state: dict[str, Any]) -> None:
        if not state["optimizers"]:
            raise SettingError("optimizers is empty: choose at least one optimizer")

    def tune_learning_rates(self) -> str:
        """A fair race: each selected optimizer's best learning rate on this surface, from this start, for this many
        steps: TUNE_GRID values log-spaced over its slider's range (CS231n: search the learning rate on a log scale),
        scored by the mean loss over the last quarter of the steps; a run that diverges scores worst. The other
        hyperparameters stay."""
        state = self._state
        tried, grids = {}, {}
        for name in state["optimizers"]:
            knob = optimizer_knobs(name)["lr"]
            grids[name] = np.unique([float(f"{lr:.3g}") for lr in np.geomspace(knob.low, knob.high, TUNE_GRID)])
            values = {k: state[f"{name}_{k}"] for k in optimizer_knobs(name)}
            for lr in grids[name]:
                tried[f"{name} {lr!r}"] = (name, knob_hyperparameters({**values, "lr": lr}))
        runs = run_trajectories(state["surface"], tried, starts=[state["x0"], state["y0"]], steps=state["steps"],
                                noise_std=state["noise"], rng=state["seed"])  # fmt: skip
        # Scored by the mean loss over the last quarter of the steps: with noisy gradients the final point alone is
        # a lottery that rewards rates which wander (on the noisy bowl it chose a Momentum rate 16x too high).
        tail = np.mean(runs.losses[:, -max(1, state["steps"] // 4) :, 0], axis=1)
        final = np.where(runs.diverged_at[:, 0] >= 0, np.inf, tail)
        final = np.where(np.isfinite(final) | (final == -np.inf), final, np.inf)
        best, at = {}, 0
        for name, grid in grids.items():
            best[f"{name}_lr"] = float(grid[int(np.argmin(final[at : at + len(grid)]))])
            at += len(grid)
        self.set(**best)
        chosen = ", ".join(f"{_title(k[:-3])} {v:.3g}" for k, v in best.items())
        return f"best learning rates of {TUNE_GRID} tried (mean loss over the last quarter of the steps): {chosen}"

    def connect(self, canvas):
        def on_click(event):
            paths = self.artists if self._state["view"] == "paths" else None
            if paths is not None and event.inaxes is paths.paths[0].axes and event.button == 1:
                self.guarded(self.click, event.xdata, event.ydata)

        canvas.mpl_connect("button_press_event", on_click)

    def click(self, x: float, y: float) -> None:
        """Start every optimizer from (x, y), as a click on the contour plot does."""
        self.set(x0=round(float(x), 3), y0=round(float(y), 3))
