"""The training panel's pictures: decision regions, loss and accuracy curves, the inside of the network over
training (activation histograms, saturated and dead units), update/weight ratios and gradient norms.

Every artist is made once per layout and updated in place (images get new data, lines new points), so
that a frame while training costs little more than the training steps themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nnlab.viz.axes import CLASS_COLORS, log_axis

RATIO_BAND = (3e-4, 3e-3)  # around CS231n's 1e-3 guide for the update/weight ratio


def _limits(ax: Axes, values: list[np.ndarray], log: bool, x_max: float) -> None:
    finite = np.concatenate([v[np.isfinite(v) & ((v > 0) if log else True)] for v in values] or [np.array([])])
    ax.set_xlim(0, max(x_max, 1))
    if finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        if log:
            ax.set_ylim(lo / 1.5, hi * 1.5)
        else:
            pad = 0.05 * (hi - lo) if hi > lo else 0.5
            ax.set_ylim(lo - pad, hi + pad)


@dataclass
class Curves:
    loss_ax: Axes
    acc_ax: Axes
    train_loss: Any
    val_loss: Any
    train_acc: Any
    val_acc: Any


def draw_curves(loss_ax: Axes, acc_ax: Axes) -> Curves:
    """Training loss per step (and validation loss at each evaluation) on a log axis; accuracies below."""
    # No legends (text is most of a frame's drawing): the titles say which line is which.
    log_axis(loss_ax)
    (train_loss,) = loss_ax.plot([], [], color="C0", lw=1)
    (val_loss,) = loss_ax.plot([], [], color="C1", lw=1.6)
    loss_ax.set_title("loss: train (blue, each step), validation (orange)", fontsize="medium")
    (train_acc,) = acc_ax.plot([], [], color="C0", lw=1.6)
    (val_acc,) = acc_ax.plot([], [], color="C1", lw=1.6)
    acc_ax.set_ylim(0, 1.02)
    acc_ax.set_yticks([0, 0.5, 1])
    acc_ax.set_xlabel("step")
    acc_ax.set_title("accuracy: train (blue), validation (orange)", fontsize="medium")
    for ax in (loss_ax, acc_ax):
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True, prune="lower"))
    return Curves(loss_ax, acc_ax, train_loss, val_loss, train_acc, val_acc)


def update_curves(art: Curves, run: Any) -> None:
    h, snaps = run.history, run.snapshots
    steps = np.arange(1, len(h.loss) + 1)
    loss = np.asarray(h.loss, dtype=float)
    art.train_loss.set_data(steps, np.where(loss > 0, loss, np.nan))
    at = np.array([s.iteration for s in snaps])
    val = np.array([s.val_loss for s in snaps])
    art.val_loss.set_data(at, np.where(val > 0, val, np.nan))
    art.train_acc.set_data(at, [s.train_acc for s in snaps])
    art.val_acc.set_data(at, [s.val_acc for s in snaps])
    # Without a validation split there is no orange line: the titles do not promise one.
    validated = bool(np.isfinite(val).any())
    art.loss_ax.set_title("loss: train (blue, each step)" + (", validation (orange)" if validated else ""),
                          fontsize="medium")  # fmt: skip
    art.acc_ax.set_title("accuracy: train (blue)" + (", validation (orange)" if validated else ""), fontsize="medium")
    end = max(run.iteration, 10)
    _limits(art.loss_ax, [loss, val, np.array([s.train_loss for s in snaps])], True, end)
    art.acc_ax.set_xlim(0, end)


@dataclass
class Regions:
    ax: Axes
    image: Any
    train: list[Any]  # one marker line per class (markers draw much faster than a scatter's collection)
    val: list[Any]
    drawn: Any


def draw_regions(ax: Axes) -> Regions:
    """The classifier's decision regions (an image over a grid, paler where it is less sure) and the data."""
    image = ax.imshow(np.ones((2, 2, 3)), origin="lower", interpolation="bilinear", zorder=0,
                      interpolation_stage="rgba")  # fmt: skip
    train = [ax.plot([], [], "o", ms=4, mfc=color, mec="k", mew=0.4, zorder=2)[0] for color in CLASS_COLORS]
    val = [ax.plot([], [], "x", ms=4.5, mew=1.0, color=color, zorder=2)[0] for color in CLASS_COLORS]
    drawn = ax.scatter([], [], s=36, marker="D", edgecolors="k", linewidths=0.8, zorder=3)
    ax.set_xticks([])
    ax.set_yticks([])
    return Regions(ax, image, train, val, drawn)


def update_regions(art: Regions, probs: np.ndarray, extent: tuple[float, float, float, float], data: Any,
                   drawn: np.ndarray, title: str) -> None:  # fmt: skip
    """``probs`` (H, W, C) over the grid spanning ``extent``; each pixel is its class colour, mixed with white
    as the top probability falls toward 1/C."""
    classes = probs.shape[-1]
    top = probs.argmax(axis=-1)
    sure = (probs.max(axis=-1) - 1.0 / classes) / (1.0 - 1.0 / classes)
    colors = CLASS_COLORS[top % len(CLASS_COLORS)]
    art.image.set_data(1.0 - 0.55 * np.clip(sure, 0, 1)[..., None] * (1.0 - colors))
    art.image.set_extent(extent)
    X_train, y_train, X_val, y_val = data
    for c, (train, val) in enumerate(zip(art.train, art.val)):
        mine, theirs = y_train % len(CLASS_COLORS) == c, y_val % len(CLASS_COLORS) == c
        train.set_data(X_train[mine, 0], X_train[mine, 1])
        val.set_data(X_val[theirs, 0], X_val[theirs, 1])
    art.drawn.set_offsets(drawn[:, :2] if len(drawn) else np.empty((0, 2)))
    if len(drawn):
        art.drawn.set_facecolors(CLASS_COLORS[drawn[:, 2].astype(int) % len(CLASS_COLORS)])
    art.ax.set_xlim(extent[0], extent[1])
    art.ax.set_ylim(extent[2], extent[3])
    art.ax.set_title(title, fontsize="medium")


@dataclass
class Inside:
    heat_axes: list[Axes]
    heats: list[Any]
    frac_ax: Axes
    saturated: list[Any]
    dead: list[Any]


MAX_LAYERS_SHOWN = 4


def draw_inside(figure: Figure, layers: int) -> Inside:
    """A heatmap per hidden layer (up to 4): its activation histogram (rows) against the step (columns);
    beside them the fraction of saturated units and of dead ReLUs per layer."""
    shown = min(layers, MAX_LAYERS_SHOWN)
    grid = figure.add_gridspec(shown, 2, width_ratios=(1.5, 1), left=0.07, right=0.97, top=0.92, bottom=0.1,
                               hspace=0.5, wspace=0.25)  # fmt: skip
    heat_axes, heats = [], []
    for i in range(shown):
        ax = figure.add_subplot(grid[i, 0])
        heats.append(ax.imshow(np.zeros((2, 2)), origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=1,
                               interpolation="nearest"))  # fmt: skip
        ax.set_ylabel(f"layer {i + 1}", fontsize="small")
        if i < shown - 1:
            ax.tick_params(labelbottom=False)  # one step axis, under the last layer
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True, prune="lower"))
        ax.yaxis.set_major_locator(MaxNLocator(3))
        heat_axes.append(ax)
    heat_axes[-1].set_xlabel("step")
    frac_ax = figure.add_subplot(grid[:, 1])
    saturated = [frac_ax.plot([], [], ls="-", lw=1.6, color=f"C{i}", label=f"layer {i + 1} saturated")[0]
                 for i in range(shown)]  # fmt: skip
    dead = [frac_ax.plot([], [], ls="--", lw=1.6, color=f"C{i}", label=f"layer {i + 1} dead")[0] for i in range(shown)]
    frac_ax.set_ylim(-0.02, 1.02)
    frac_ax.set_yticks([0, 0.5, 1])
    frac_ax.set_xlabel("step")
    frac_ax.set_title("saturated (|a| > 0.97): solid\ndead: dashed; colour: layer", fontsize="medium")
    frac_ax.spines[["top", "right"]].set_visible(False)
    return Inside(heat_axes, heats, frac_ax, saturated, dead)


def update_inside(art: Inside, run: Any, value_range: tuple[float, float]) -> None:
    snaps = run.snapshots
    at = np.array([s.iteration for s in snaps])
    end = max(run.iteration, 10)
    for i, (ax, heat) in enumerate(zip(art.heat_axes, art.heats)):
        counts = np.array([s.histograms[i] for s in snaps]).T  # (bins, snapshots)
        counts = counts / np.maximum(counts.max(axis=0, keepdims=True), 1)
        heat.set_data(np.sqrt(counts))  # each step's histogram scaled to its peak; sqrt shows the tails
        heat.set_extent((0, end, value_range[0], value_range[1]))
        ax.set_xlim(0, end)
        ax.set_ylim(*value_range)
        ax.set_title("each layer's activations over training" if i == 0 else "", fontsize="medium")
    for i, (sat, dead) in enumerate(zip(art.saturated, art.dead)):
        sat.set_data(at, [s.saturated[i] for s in snaps])
        dead.set_data(at, [s.dead[i] for s in snaps])
    art.frac_ax.set_xlim(0, end)


@dataclass
class Updates:
    ratio_ax: Axes
    grad_ax: Axes
    ratios: list[Any]
    grads: list[Any]


def draw_updates(figure: Figure, matrices: int) -> Updates:
    """Each weight matrix's update/weight ratio against the step, with the band around 1e-3 the CS231n notes
    suggest, and its gradient norm."""
    ratio_ax, grad_ax = figure.subplots(1, 2, gridspec_kw={"left": 0.08, "right": 0.98, "wspace": 0.25})
    for ax in (ratio_ax, grad_ax):
        log_axis(ax)
        ax.set_xlabel("step")
        ax.spines[["top", "right"]].set_visible(False)
    ratio_ax.axhspan(*RATIO_BAND, color="C2", alpha=0.15, lw=0)
    ratio_ax.axhline(1e-3, color="C2", lw=1, ls="--")
    ratio_ax.set_title("update / weight ratio (about 1e-3 is healthy)", fontsize="medium")
    grad_ax.set_title("gradient norm", fontsize="medium")
    names = [f"W{i + 1}" for i in range(matrices)]
    ratios = [ratio_ax.plot([], [], lw=1.2, color=f"C{i}", label=name)[0] for i, name in enumerate(names)]
    grads = [grad_ax.plot([], [], lw=1.2, color=f"C{i}", label=name)[0] for i, name in enumerate(names)]
    ratio_ax.legend(loc="upper right", fontsize="x-small", frameon=False)
    for ax in (ratio_ax, grad_ax):
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True, prune="lower"))
    return Updates(ratio_ax, grad_ax, ratios, grads)


def update_updates(art: Updates, run: Any) -> None:
    h = run.history
    matrices = len(art.ratios)
    steps = np.arange(1, len(h.update_ratio) + 1)
    ratio = np.asarray(h.update_ratio, dtype=float).reshape(len(steps), matrices)  # step 0: no update yet
    grad = np.asarray(h.grad_norm, dtype=float).reshape(len(h.grad_norm), matrices)
    for k, line in enumerate(art.ratios):
        line.set_data(steps, ratio[:, k] if len(steps) else [])
    for k, line in enumerate(art.grads):
        line.set_data(np.arange(1, len(grad) + 1), grad[:, k] if len(grad) else [])
    end = max(run.iteration, 10)
    _limits(art.ratio_ax, [ratio.ravel(), np.array(RATIO_BAND)], True, end)
    _limits(art.grad_ax, [grad.ravel()], True, end)


def draw_lr(ax: Axes) -> Any:
    """The learning rate each step used: the schedule's curve (and any change made while training)."""
    log_axis(ax)
    (line,) = ax.plot([], [], color="C2", lw=1.6)
    ax.set_xlabel("step")
    ax.xaxis.set_major_locator(MaxNLocator(4, integer=True, prune="lower"))
    ax.spines[["top", "right"]].set_visible(False)
    return line


def update_lr(line: Any, run: Any, schedule: str) -> None:
    lr = np.asarray(run.history.lr, dtype=float)
    line.set_data(np.arange(1, len(lr) + 1), lr)
    _limits(line.axes, [lr], True, max(run.iteration, 10))
    line.axes.set_title(f"learning rate ({schedule})", fontsize="medium")


@dataclass
class Gallery:
    """Images (not 2-D points): a grid of validation images, each titled with the network's guess."""

    axes: list[Axes]
    images: list[Any]
    labels: list[Any]
    title: Any


def draw_gallery(figure: Figure, rect: tuple[float, float, float, float], rows: int = 4, cols: int = 6) -> Gallery:
    """``rows`` x ``cols`` small image axes inside ``rect`` (figure coordinates), each with a guess below it."""
    x0, y0, width, height = rect
    axes, images, labels = [], [], []
    for r in range(rows):
        for c in range(cols):
            ax = figure.add_axes((x0 + c * width / cols, y0 + (rows - 1 - r) * height / rows, 0.8 * width / cols,
                                  0.7 * height / rows))  # fmt: skip
            ax.set_axis_off()
            images.append(ax.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"))
            labels.append(ax.text(0.5, -0.08, "", transform=ax.transAxes, ha="center", va="top", fontsize="small"))
            axes.append(ax)
    title = figure.text(x0 + width / 2, y0 + height + 0.02, "", ha="center", fontsize="medium")
    return Gallery(axes, images, labels, title)


def update_gallery(art: Gallery, images: np.ndarray, truth: np.ndarray, guess: np.ndarray, title: str) -> None:
    """Each image with "guess" in green when right, "guess (truth)" in red when wrong."""
    for i, (image, label) in enumerate(zip(art.images, art.labels)):
        shown = i < len(images)
        image.set_visible(shown)
        label.set_visible(shown)
        if shown:
            image.set_data(images[i])
            right = guess[i] == truth[i]
            label.set_text(f"{guess[i]}" if right else f"{guess[i]} ({truth[i]})")
            label.set_color("C2" if right else "C3")
    art.title.set_text(title)
