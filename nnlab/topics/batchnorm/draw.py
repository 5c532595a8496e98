"""The batch-norm panel's pictures: one minibatch normalized, statistics from batch to batch, batch mates
coupled, running statistics against evaluation, the backward pass step by step, and the deep-network rescue.
Artists are made once per layout and updated in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nnlab.viz.axes import log_axis, plain_log_labels


def _plain(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)


@dataclass
class Histograms:
    axes: list[Axes]
    bars: list[Any]
    rugs: list[Any]


def draw_histograms(figure: Figure) -> Histograms:
    """Three histograms side by side: x, x_hat, gamma x_hat + beta; each example as a tick below."""
    axes, bars, rugs = [], [], []
    for i, color in enumerate(("C0", "C1", "C2")):
        ax = figure.add_axes((0.05 + i * 0.325, 0.14, 0.27, 0.68))
        bars.append(ax.stairs(np.zeros(1), np.arange(2.0), fill=True, color=color, alpha=0.6))
        rugs.append(ax.plot([], [], "|", color=color, ms=10, mew=1.2)[0])
        ax.set_yticks([])
        ax.spines[["top", "right", "left"]].set_visible(False)
        axes.append(ax)
    return Histograms(axes, bars, rugs)


def update_histograms(art: Histograms, values: list[np.ndarray], titles: list[str]) -> None:
    for ax, bar, rug, v, title in zip(art.axes, art.bars, art.rugs, values, titles):
        lo, hi = float(np.min(v)), float(np.max(v))
        lo, hi = (lo - 0.5, hi + 0.5) if hi - lo < 1e-9 else (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
        edges = np.linspace(lo, hi, 16)
        counts = np.histogram(v, bins=edges)[0]
        bar.set_data(counts, edges)
        top = max(counts.max(), 1)
        rug.set_data(v, np.full(v.size, -0.06 * top))
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.12 * top, 1.1 * top)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_title(title, fontsize="medium")


@dataclass
class Jumps:
    mean_ax: Axes
    var_ax: Axes
    noise_ax: Axes
    means: Any
    variances: Any
    noise: Any
    here: Any
    theory: Any
    mean: float  # the population's, drawn dashed
    var: float


def draw_jumps(figure: Figure, mean: float, var: float) -> Jumps:
    """Each batch's mean and variance against the batch number (the population's as dashed lines); the
    spread of the batch mean against the batch size."""
    mean_ax = figure.add_axes((0.07, 0.56, 0.55, 0.32))
    var_ax = figure.add_axes((0.07, 0.12, 0.55, 0.32), sharex=mean_ax)
    noise_ax = figure.add_axes((0.72, 0.12, 0.25, 0.76))
    (means,) = mean_ax.plot([], [], "o-", color="C0", ms=3, lw=0.8)
    (variances,) = var_ax.plot([], [], "s-", color="C1", ms=3, lw=0.8)
    mean_ax.axhline(mean, color="0.5", ls="--", lw=1)
    var_ax.axhline(var, color="0.5", ls="--", lw=1)
    mean_ax.tick_params(labelbottom=False)
    var_ax.set_xlabel("minibatch")
    (noise,) = noise_ax.plot([], [], color="C0", lw=1.6)
    (here,) = noise_ax.plot([], [], "o", color="C3", ms=7)
    (theory,) = noise_ax.plot([], [], color="0.5", lw=1, ls="--")
    noise_ax.set_xscale("log")
    log_axis(noise_ax)
    plain_log_labels(noise_ax.xaxis)
    noise_ax.set_xlabel("batch size")
    noise_ax.set_title("spread of the batch mean\n(dashed: sigma / sqrt(B))", fontsize="medium")
    for ax in (mean_ax, var_ax, noise_ax):
        _plain(ax)
    return Jumps(mean_ax, var_ax, noise_ax, means, variances, noise, here, theory, mean, var)


def update_jumps(art: Jumps, means: np.ndarray, variances: np.ndarray, sizes: np.ndarray, spread: np.ndarray,
                 batch: int, titles: tuple[str, str]) -> None:  # fmt: skip
    k = np.arange(1, means.size + 1)
    art.means.set_data(k, means)
    art.variances.set_data(k, variances)
    art.mean_ax.set_xlim(0, means.size + 1)
    for ax, v, ref in ((art.mean_ax, means, art.mean), (art.var_ax, variances, art.var)):
        lo, hi = min(float(v.min()), ref), max(float(v.max()), ref)
        pad = 0.08 * (hi - lo) if hi > lo else 1.0
        ax.set_ylim(lo - pad, hi + pad)
    art.mean_ax.set_title(titles[0], fontsize="medium")
    art.var_ax.set_title(titles[1], fontsize="medium")
    art.noise.set_data(sizes, spread)
    art.theory.set_data(sizes, np.sqrt(art.var / sizes))
    index = int(np.argmin(np.abs(sizes - batch)))
    art.here.set_data([sizes[index]], [spread[index]])
    art.noise_ax.set_xlim(sizes[0] * 0.8, sizes[-1] * 1.25)
    art.noise_ax.set_ylim(spread.min() / 1.5, spread.max() * 1.5)


@dataclass
class Coupled:
    in_ax: Axes
    out_ax: Axes
    inputs: tuple[Any, Any]
    outputs: tuple[Any, Any]
    links: Any


def draw_coupled(figure: Figure, n: int) -> Coupled:
    """Inputs of the batch (left) and their normalized outputs (right): before (hollow) and after (filled) the
    first example moves."""
    in_ax = figure.add_axes((0.07, 0.14, 0.38, 0.7))
    out_ax = figure.add_axes((0.58, 0.14, 0.38, 0.7))
    inputs = (in_ax.plot([], [], "o", mfc="none", mec="0.5", ms=9)[0], in_ax.plot([], [], "o", color="C0", ms=7)[0])
    outputs = (out_ax.plot([], [], "o", mfc="none", mec="0.5", ms=9)[0],
               out_ax.plot([], [], "o", color="C1", ms=7)[0])  # fmt: skip
    links = out_ax.vlines([], [], [], color="C1", lw=1.2)
    for ax, label in ((in_ax, "input x"), (out_ax, "normalized output")):
        ax.set_xticks(range(1, n + 1))
        ax.set_xlim(0.5, n + 0.5)
        ax.set_xlabel("example in the batch")
        ax.set_ylabel(label)
        ax.axhline(0, color="0.8", lw=0.8)
        _plain(ax)
    return Coupled(in_ax, out_ax, inputs, outputs, links)


def update_coupled(art: Coupled, before_x: np.ndarray, after_x: np.ndarray, before_y: np.ndarray,
                   after_y: np.ndarray, titles: tuple[str, str]) -> None:  # fmt: skip
    k = np.arange(1, before_x.size + 1)
    art.inputs[0].set_data(k, before_x)
    art.inputs[1].set_data(k, after_x)
    art.outputs[0].set_data(k, before_y)
    art.outputs[1].set_data(k, after_y)
    art.links.set_segments([[(i, a), (i, b)] for i, a, b in zip(k, before_y, after_y)])
    for ax, values in ((art.in_ax, np.r_[before_x, after_x]), (art.out_ax, np.r_[before_y, after_y])):
        lo, hi = float(values.min()), float(values.max())
        pad = 0.1 * (hi - lo) if hi > lo else 1.0
        ax.set_ylim(lo - pad, hi + pad)
    art.in_ax.set_title(titles[0], fontsize="medium")
    art.out_ax.set_title(titles[1], fontsize="medium")


@dataclass
class Modes:
    mean_ax: Axes
    var_ax: Axes
    gap_ax: Axes
    mean: Any
    var: Any
    cmu: tuple[Any, Any]
    points: Any
    diagonal: Any
    population: tuple[float, float]  # mean and variance, drawn dashed


def draw_modes(figure: Figure, mean: float, var: float) -> Modes:
    """Running mean and variance after each batch (PyTorch's buffers), the CMU rule (dotted) and the population
    (dashed); a new batch's outputs in evaluation mode against training mode."""
    mean_ax = figure.add_axes((0.07, 0.56, 0.45, 0.3))
    var_ax = figure.add_axes((0.07, 0.12, 0.45, 0.3), sharex=mean_ax)
    gap_ax = figure.add_axes((0.64, 0.12, 0.33, 0.74))
    (run_mean,) = mean_ax.plot([], [], color="C0", lw=1.6)
    (run_var,) = var_ax.plot([], [], color="C1", lw=1.6)
    cmu = (mean_ax.axhline(mean, color="k", ls=":", lw=1.2), var_ax.axhline(var, color="k", ls=":", lw=1.2))
    mean_ax.axhline(mean, color="0.6", ls="--", lw=1)
    var_ax.axhline(var, color="0.6", ls="--", lw=1)
    mean_ax.tick_params(labelbottom=False)
    var_ax.set_xlabel("batches seen in training")
    (points,) = gap_ax.plot([], [], "o", color="C2", ms=5)
    (diagonal,) = gap_ax.plot([], [], color="0.6", lw=1, ls="--")
    gap_ax.set_xlabel("training mode (batch statistics)")
    gap_ax.set_ylabel("evaluation mode (running statistics)")
    for ax in (mean_ax, var_ax, gap_ax):
        _plain(ax)
    return Modes(mean_ax, var_ax, gap_ax, run_mean, run_var, cmu, points, diagonal, (mean, var))


def update_modes(art: Modes, running_mean: np.ndarray, running_var: np.ndarray, cmu: tuple[float, float],
                 train_out: np.ndarray, eval_out: np.ndarray, titles: tuple[str, str, str]) -> None:  # fmt: skip
    k = np.arange(1, running_mean.size + 1)
    art.mean.set_data(k, running_mean)
    art.var.set_data(k, running_var)
    art.cmu[0].set_ydata([cmu[0], cmu[0]])
    art.cmu[1].set_ydata([cmu[1], cmu[1]])
    art.mean_ax.set_xlim(0, running_mean.size + 1)
    mean, var = art.population
    for ax, v in ((art.mean_ax, np.r_[running_mean, cmu[0], mean]), (art.var_ax, np.r_[running_var, cmu[1], var])):
        lo, hi = float(v.min()), float(v.max())
        pad = 0.08 * (hi - lo) if hi > lo else 1.0
        ax.set_ylim(lo - pad, hi + pad)
    art.points.set_data(train_out, eval_out)
    both = np.r_[train_out, eval_out]
    lo, hi = float(both.min()), float(both.max())
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    art.diagonal.set_data([lo - pad, hi + pad], [lo - pad, hi + pad])
    art.gap_ax.set_xlim(lo - pad, hi + pad)
    art.gap_ax.set_ylim(lo - pad, hi + pad)
    art.mean_ax.set_title(titles[0], fontsize="medium")
    art.var_ax.set_title(titles[1], fontsize="medium")
    art.gap_ax.set_title(titles[2], fontsize="medium")


# The CMU graph, left to right; each node with the forward value (blue) above its gradient (red).
GRAPH = (("x", 0.06, 0.55), ("mu", 0.2, 0.8), ("x - mu", 0.34, 0.55), ("var", 0.48, 0.8),
         ("1/sqrt(var+eps)", 0.62, 0.8), ("x_hat", 0.62, 0.32), ("gamma", 0.8, 0.8), ("beta", 0.8, 0.12),
         ("y", 0.93, 0.45))  # fmt: skip
EDGES = (("x", "mu"), ("x", "x - mu"), ("mu", "x - mu"), ("x - mu", "var"), ("var", "1/sqrt(var+eps)"),
         ("1/sqrt(var+eps)", "x_hat"), ("x - mu", "x_hat"), ("x_hat", "y"), ("gamma", "y"), ("beta", "y"))  # fmt: skip


@dataclass
class Graph:
    ax: Axes
    values: dict[str, Any]
    check: Any


def draw_graph(figure: Figure) -> Graph:
    """The computational graph of batch norm on one feature, forward values and gradients at every node."""
    ax = figure.add_axes((0.0, 0.1, 1.0, 0.82))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    where = {name: (x, y) for name, x, y in GRAPH}
    for a, b in EDGES:
        ax.annotate("", xy=where[b], xytext=where[a], arrowprops={"arrowstyle": "->", "color": "0.6", "lw": 1,
                    "shrinkA": 26, "shrinkB": 26})  # fmt: skip
    values = {}
    for name, x, y in GRAPH:
        ax.text(x, y + 0.075, name, ha="center", va="bottom", fontsize="medium", weight="bold")
        values[name] = ax.text(x, y + 0.06, "", ha="center", va="top", fontsize="small", family="monospace",
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})  # fmt: skip
    figure.text(0.02, 0.95, "each node: its value(s) for a batch of 4, then 'grad': dL/d(node) for L = sum(dL/dy * y)",
                fontsize="small")  # fmt: skip
    check = figure.text(0.02, 0.03, "", fontsize="small")
    return Graph(ax, values, check)


def _column(v: np.ndarray) -> str:
    return "\n".join(f"{x: .3f}" for x in np.atleast_1d(v))


def update_graph(art: Graph, forward: dict[str, np.ndarray], gradients: dict[str, np.ndarray], params: dict[str, float],
                 check: str) -> None:  # fmt: skip
    """Each node: its value, then 'd' and dL/d(node)."""
    for name, text in art.values.items():
        value = forward.get(name, np.atleast_1d(params.get(name, np.nan)))
        text.set_text(f"{_column(value)}\ngrad\n{_column(gradients[name])}" if name in gradients else _column(value))
    art.check.set_text(check)


@dataclass
class RescueView:
    loss_ax: Axes
    acc_ax: Axes
    std_ax: Axes
    loss: dict[str, Any]
    acc: dict[str, Any]
    stds: dict[tuple[str, str], Any]


def draw_rescue(figure: Figure) -> RescueView:
    """Loss and accuracy against the step without (grey) and with (blue) batch norm; each layer's output std at
    the start (dashed) and the end (solid)."""
    loss_ax = figure.add_axes((0.07, 0.5, 0.4, 0.28))
    acc_ax = figure.add_axes((0.07, 0.1, 0.4, 0.28), sharex=loss_ax)
    std_ax = figure.add_axes((0.6, 0.1, 0.37, 0.62))
    log_axis(loss_ax)
    log_axis(std_ax)
    colors = {"without": "0.45", "with": "C0"}
    loss = {k: loss_ax.plot([], [], color=c, lw=1.6)[0] for k, c in colors.items()}
    acc = {k: acc_ax.plot([], [], color=c, lw=1.6, label=f"{k} batch norm")[0] for k, c in colors.items()}
    stds = {(k, when): std_ax.plot([], [], "o" + ("--" if when == "start" else "-"), color=c, ms=4)[0]
            for k, c in colors.items() for when in ("start", "end")}  # fmt: skip
    acc_ax.set_ylim(0, 1.02)
    acc_ax.set_xlabel("step")
    acc_ax.legend(frameon=False, fontsize="small", loc="lower right")
    loss_ax.tick_params(labelbottom=False)
    loss_ax.set_title("training loss", fontsize="medium")
    acc_ax.set_title("training accuracy", fontsize="medium")
    std_ax.set_xlabel("hidden layer")
    std_ax.set_title("std of each layer's output\nat the start (dashed), at the end (solid)", fontsize="medium")
    for ax in (loss_ax, acc_ax, std_ax):
        _plain(ax)
    return RescueView(loss_ax, acc_ax, std_ax, loss, acc, stds)


def update_rescue(art: RescueView, result: Any, title: str) -> None:
    values = []
    for k in ("without", "with"):
        art.loss[k].set_data(result.steps[k], np.where(result.loss[k] > 0, result.loss[k], np.nan))
        art.acc[k].set_data(result.steps[k], result.accuracy[k])
        for when, stds in (("start", result.stds_start[k]), ("end", result.stds_end[k])):
            art.stds[(k, when)].set_data(np.arange(1, stds.size + 1), np.where(stds > 0, stds, np.nan))
            values.append(stds)
    art.loss_ax.set_xlim(0, max(float(s[-1]) for s in result.steps.values()))
    losses = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in result.loss.values()] or [np.ones(1)])
    art.loss_ax.set_ylim(losses.min() / 1.5, losses.max() * 1.5) if losses.size else None
    stds = np.concatenate(values)
    stds = stds[np.isfinite(stds) & (stds > 0)]
    if stds.size:
        art.std_ax.set_ylim(stds.min() / 2, stds.max() * 2)
    art.std_ax.set_xlim(0.5, len(result.stds_start["with"]) + 0.5)
    art.std_ax.figure.suptitle(title, fontsize="medium", y=0.985, va="top")
