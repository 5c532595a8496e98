"""The regularization panel's pictures: learned weights under L2, L1 and elastic net; max-norm against a run that
explodes; a steep sigmoid; early stopping; depth against smoothness; an augmentation gallery and its effect on
a small training set. Artists are made once per layout and updated in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from nnlab.viz.axes import log_axis

COLORS = {"none": "0.4", "l2": "C0", "l1": "C1", "elastic_net": "C2"}
LOG_BINS = np.linspace(-8.0, 1.0, 37)  # log10 |w|; everything below 1e-8 goes to the first bin


def _plain(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def draw_region_axes(figure: Figure, boxes: list[tuple[float, float, float, float]]) -> tuple[list[Axes], list[Any],
                                                                                             list[Any]]:  # fmt: skip
    """Axes with a P(class 1) image and the data points (training: dots, validation: crosses)."""
    axes, images, points = [], [], []
    for box in boxes:
        ax = figure.add_axes(box)
        images.append(ax.imshow(np.zeros((2, 2)), origin="lower", cmap="RdBu", vmin=0, vmax=1, alpha=0.55,
                                interpolation="bilinear", aspect="auto"))  # fmt: skip
        points.append([ax.plot([], [], "o", ms=3.5, mfc=c, mec="k", mew=0.4)[0] for c in ("#b2182b", "#2166ac")]
                      + [ax.plot([], [], "x", ms=4, mew=1.0, color=c)[0] for c in ("#b2182b", "#2166ac")])  # fmt: skip
        ax.set_xticks([])
        ax.set_yticks([])
        axes.append(ax)
    return axes, images, points


def update_region_axes(axes: list[Axes], images: list[Any], points: list[Any], fits: list[Any], data: Any,
                       extent: tuple, titles: list[str]) -> None:  # fmt: skip
    for ax, image, marks, fit, title in zip(axes, images, points, fits, titles):
        image.set_data(np.nan_to_num(fit.regions, nan=0.5))
        image.set_extent(extent)
        for k, mark in enumerate(marks):
            X, y = (data.X_train, data.y_train) if k < 2 else (data.X_val, data.y_val)
            mark.set_data(X[y == k % 2, 0], X[y == k % 2, 1])
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.set_title(title, fontsize="small")


# --- L2, L1, elastic net ----------------------------------------------------------------------------------------------
@dataclass
class Penalties:
    hist_ax: Axes
    hists: dict[str, Any]
    axes: list[Axes]
    images: list[Any]
    points: list[Any]


def draw_penalties(figure: Figure, names: list[str], labels: dict[str, str]) -> Penalties:
    """log10 |w| histograms of every regularizer's learned weights (left), each one's regions (2 x 2, right)."""
    hist_ax = figure.add_axes((0.07, 0.13, 0.38, 0.72))
    hists = {n: hist_ax.stairs(np.zeros(LOG_BINS.size - 1), LOG_BINS, color=COLORS[n], lw=1.8, label=labels[n])
             for n in names}  # fmt: skip
    hist_ax.axvline(-3.0, color="k", ls=":", lw=1)
    hist_ax.text(-3.05, 1.0, "1e-3 ", transform=hist_ax.get_xaxis_transform(), ha="right", va="top", fontsize="small")
    hist_ax.set_xlabel("log10 |w| of the learned weights")
    hist_ax.set_ylabel("weights")
    hist_ax.legend(loc="upper left", fontsize="small", frameon=False)
    _plain(hist_ax)
    boxes = [(0.52 + 0.24 * (i % 2), 0.52 - 0.42 * (i // 2), 0.21, 0.32) for i in range(len(names))]
    axes, images, points = draw_region_axes(figure, boxes)
    return Penalties(hist_ax, hists, axes, images, points)


def update_penalties(art: Penalties, fits: dict[str, Any], data: Any, extent: tuple, titles: list[str],
                     hist_title: str) -> None:  # fmt: skip
    top = 1
    for name, stairs in art.hists.items():
        logs = np.log10(np.maximum(np.abs(fits[name].weights), 1e-8))
        counts = np.histogram(logs, LOG_BINS)[0]
        stairs.set_data(counts, LOG_BINS)
        top = max(top, int(counts.max()))
    art.hist_ax.set_ylim(0, 1.15 * top)
    art.hist_ax.set_title(hist_title, fontsize="medium")
    update_region_axes(art.axes, art.images, art.points, [fits[n] for n in art.hists], data, extent, titles)


# --- max-norm -----------------------------------------------------------------------------------------------------
@dataclass
class MaxNorm:
    loss_ax: Axes
    norm_ax: Axes
    losses: dict[str, Any]
    norms: dict[str, Any]
    ends: dict[str, Any]
    bound: Any


def draw_max_norm(figure: Figure) -> MaxNorm:
    """The loss per step (left, log) and the largest incoming-weight norm of any unit (right) of both runs."""
    loss_ax = figure.add_axes((0.07, 0.13, 0.4, 0.7))
    norm_ax = figure.add_axes((0.57, 0.13, 0.4, 0.7))
    losses, norms, ends = {}, {}, {}
    for name, color in (("plain", "C3"), ("max-norm", "C0")):
        losses[name] = loss_ax.plot([], [], color=color, lw=1, label=name)[0]
        ends[name] = loss_ax.plot([], [], "X", color=color, ms=10, mec="k")[0]
        norms[name] = norm_ax.plot([], [], color=color, lw=1.5, label=name)[0]
    bound = norm_ax.axhline(3.0, color="k", ls="--", lw=1, label="c")
    log_axis(loss_ax)
    for ax in (loss_ax, norm_ax):
        ax.set_xlabel("step")
        ax.legend(loc="upper left", fontsize="small", frameon=False)
        _plain(ax)
    loss_ax.set_ylabel("training loss")
    norm_ax.set_ylabel("largest ||w|| of a unit")
    return MaxNorm(loss_ax, norm_ax, losses, norms, ends, bound)


def update_max_norm(art: MaxNorm, runs: dict[str, Any], c: float, titles: list[str]) -> None:
    longest, low, high = 1, np.inf, 0.0
    for name, run in runs.items():
        loss = np.asarray(run.losses)
        art.losses[name].set_data(np.arange(loss.size), loss)
        stopped = run.status == "diverged"
        art.ends[name].set_data([loss.size - 1] if stopped else [], [loss[-1]] if stopped else [])
        art.norms[name].set_data(np.arange(1, len(run.max_norms) + 1), run.max_norms)
        longest = max(longest, loss.size)
        finite = loss[np.isfinite(loss) & (loss > 0)]
        if finite.size:
            low, high = min(low, finite.min()), max(high, finite.max())
    art.bound.set_ydata([c, c])
    art.loss_ax.set_xlim(0, longest)
    art.norm_ax.set_xlim(0, longest)
    if np.isfinite(low):
        art.loss_ax.set_ylim(low / 1.5, high * 1.5)
    norms = np.concatenate([np.asarray(r.max_norms) for r in runs.values()] + [[c]])
    norms = norms[np.isfinite(norms) & (norms > 0)]
    art.norm_ax.set_ylim(0, norms.max() * 1.1)
    art.loss_ax.set_title(titles[0], fontsize="medium")
    art.norm_ax.set_title(titles[1], fontsize="medium")


# --- a steep sigmoid ------------------------------------------------------------------------------------------------
@dataclass
class Steep:
    curve_ax: Axes
    axes: list[Axes]
    images: list[Any]
    points: list[Any]


def draw_steep(figure: Figure, curves: dict[float, np.ndarray], x: np.ndarray) -> Steep:
    """sigmoid(w x) for growing w (left); the regions without and with L2 (right)."""
    curve_ax = figure.add_axes((0.06, 0.14, 0.27, 0.7))
    colors = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]
    for (w, y), color in zip(curves.items(), colors):
        curve_ax.plot(x, y, color=color, lw=1.8, label=f"w = {w:g}")
    curve_ax.set_xlabel("x")
    curve_ax.set_ylabel("sigmoid(w x)")
    curve_ax.set_title("larger weights: a steeper step", fontsize="medium")
    curve_ax.legend(loc="upper left", fontsize="x-small", frameon=False)
    _plain(curve_ax)
    axes, images, points = draw_region_axes(figure, [(0.4, 0.12, 0.27, 0.72), (0.71, 0.12, 0.27, 0.72)])
    return Steep(curve_ax, axes, images, points)


# --- early stopping -----------------------------------------------------------------------------------------------
@dataclass
class Stopping:
    loss_ax: Axes
    acc_ax: Axes
    train: Any
    val: Any
    acc: Any
    best: list[Any]
    stop: list[Any]
    kept: Any


def draw_stopping(figure: Figure) -> Stopping:
    """Train and validation loss per epoch (left, log); validation accuracy (right); the best epoch and the stop."""
    loss_ax = figure.add_axes((0.07, 0.13, 0.4, 0.7))
    acc_ax = figure.add_axes((0.57, 0.13, 0.4, 0.7))
    (train,) = loss_ax.plot([], [], color="C0", label="training loss")
    (val,) = loss_ax.plot([], [], color="C1", label="validation loss")
    (acc,) = acc_ax.plot([], [], color="C1", label="validation accuracy")
    best = [ax.axvline(0, color="C2", lw=1.5, label="best validation accuracy") for ax in (loss_ax, acc_ax)]
    stop = [ax.axvline(0, color="C3", ls="--", lw=1.2, label="stopped") for ax in (loss_ax, acc_ax)]
    (kept,) = acc_ax.plot([], [], "*", color="C2", ms=14, mec="k", label="weights kept")
    log_axis(loss_ax)
    for ax in (loss_ax, acc_ax):
        ax.set_xlabel("epoch")
        _plain(ax)
    loss_ax.legend(loc="upper right", fontsize="small", frameon=False)
    acc_ax.legend(loc="lower right", fontsize="small", frameon=False)
    return Stopping(loss_ax, acc_ax, train, val, acc, best, stop, kept)


def update_stopping(art: Stopping, result: Any, total_epochs: int, titles: list[str]) -> None:
    epochs = np.arange(len(result.train_loss))
    art.train.set_data(epochs, result.train_loss)
    art.val.set_data(epochs, result.val_loss)
    art.acc.set_data(np.arange(len(result.val_acc)), result.val_acc)
    for line in art.best:
        line.set_xdata([result.best_epoch, result.best_epoch])
    stopped = result.stopped_at < total_epochs
    for line in art.stop:
        line.set_xdata([result.stopped_at, result.stopped_at])
        line.set_visible(stopped)
    art.kept.set_data([result.best_epoch] if stopped else [], [result.kept_val_acc] if stopped else [])
    losses = np.r_[result.train_loss, result.val_loss]
    art.loss_ax.set_ylim(max(losses.min(), 1e-6) / 1.5, losses.max() * 1.5)
    for ax in (art.loss_ax, art.acc_ax):
        ax.set_xlim(0, max(total_epochs, 1))
    low = min(result.val_acc)
    art.acc_ax.set_ylim(max(0.0, low - 0.05), min(1.0, max(result.val_acc) + 0.05))
    art.loss_ax.set_title(titles[0], fontsize="medium")
    art.acc_ax.set_title(titles[1], fontsize="medium")


# --- depth ----------------------------------------------------------------------------------------------------------
def draw_depth(figure: Figure, count: int) -> tuple[list[Axes], list[Any], list[Any]]:
    width = 0.9 / count
    return draw_region_axes(figure, [(0.05 + i * width, 0.1, width - 0.04, 0.72) for i in range(count)])


# --- augmentation -------------------------------------------------------------------------------------------------
@dataclass
class Gallery:
    axes: list[Axes]
    images: list[Any]
    box: Rectangle


def draw_gallery(figure: Figure, count: int) -> Gallery:
    """Two rows of images (the original first)."""
    axes, images = [], []
    per_row = (count + 1) // 2
    for i in range(count):
        row, col = divmod(i, per_row)
        ax = figure.add_axes((0.02 + col * (0.96 / per_row), 0.52 - row * 0.46, 0.96 / per_row - 0.02, 0.36))
        images.append(ax.imshow(np.zeros((2, 2, 3)), interpolation="nearest", vmin=0, vmax=1))
        ax.set_xticks([])
        ax.set_yticks([])
        axes.append(ax)
    box = Rectangle((0, 0), 1, 1, fill=False, edgecolor="#d62728", lw=1.5, ls="--")
    return Gallery(axes, images, box)


def update_gallery(art: Gallery, pictures: list[np.ndarray], titles: list[str], cutout_at: int,
                   box: tuple[int, int, int, int]) -> None:  # fmt: skip
    """``box``: the cutout's (top, left, bottom, right), outlined on picture ``cutout_at``."""
    for ax, image, picture, title in zip(art.axes, art.images, pictures, titles):
        rgb = picture if picture.ndim == 3 else np.repeat(picture[..., None], 3, axis=2)
        image.set_data(np.clip(rgb, 0, 1))
        image.set_extent((-0.5, rgb.shape[1] - 0.5, rgb.shape[0] - 0.5, -0.5))
        ax.set_xlim(-0.5, rgb.shape[1] - 0.5)
        ax.set_ylim(rgb.shape[0] - 0.5, -0.5)
        ax.set_title(title, fontsize="small")
    if art.box.axes is None:
        art.axes[cutout_at].add_patch(art.box)
    top, left, bottom, right = box
    art.box.set_bounds(left - 0.5, top - 0.5, right - left, bottom - top)


@dataclass
class Effect:
    ax: Axes
    curves: dict[str, Any]
    bar_ax: Axes
    bars: Any


def draw_effect(figure: Figure, names: list[str]) -> Effect:
    """Validation accuracy against the training step for each augmentation (left); the final ones as bars."""
    ax = figure.add_axes((0.07, 0.13, 0.5, 0.7))
    curves = {n: ax.plot([], [], lw=1.5, label=n, color=f"C{i}")[0] for i, n in enumerate(names)}
    ax.set_xlabel("training step")
    ax.set_ylabel("validation accuracy")
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    _plain(ax)
    bar_ax = figure.add_axes((0.66, 0.13, 0.32, 0.7))
    bars = bar_ax.barh(np.arange(len(names)), np.zeros(len(names)), color=[f"C{i}" for i in range(len(names))])
    bar_ax.set_yticks(np.arange(len(names)), names, fontsize="small")
    bar_ax.invert_yaxis()
    bar_ax.set_xlabel("final validation accuracy")
    _plain(bar_ax)
    return Effect(ax, curves, bar_ax, bars)


def update_effect(art: Effect, result: Any, titles: list[str]) -> None:
    """``result`` is a :class:`nnlab.topics.regularization.study.AugmentationEffect`: accuracy against the step."""
    low = 1.0
    for name, curve in art.curves.items():
        acc = np.asarray(result.val_acc[name])
        curve.set_data(np.arange(acc.size) * result.steps_per_epoch[name], acc)
        low = min(low, float(acc[1:].min()) if acc.size > 1 else float(acc.min()))
    art.ax.set_xlim(0, max(c.get_xdata().max() for c in art.curves.values()) or 1)
    art.ax.set_ylim(max(0.0, low - 0.05), 1.0)
    finals = [result.final[n] for n in art.curves]
    for bar, value in zip(art.bars, finals):
        bar.set_width(value)
    art.bar_ax.set_xlim(min(finals) - 0.1, min(1.0, max(finals) + 0.05))
    art.ax.set_title(titles[0], fontsize="medium")
    art.bar_ax.set_title(titles[1], fontsize="medium")
