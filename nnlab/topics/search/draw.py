"""The search panel's pictures: grid against random trials on a function where one parameter matters
(Bergstra & Bengio 2012, figure 1), and a real search's trials over (learning rate, regularization) with its
progress. Artists are made once per layout and updated in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from nnlab.viz.axes import plain_log_labels

GRID_COLOR, RANDOM_COLOR = "C0", "C1"
_U = np.linspace(0.0, 1.0, 201)


# --- grid against random --------------------------------------------------------------------------------------------
@dataclass
class Layouts:
    squares: list[Axes]
    tops: list[Axes]
    points: list[Any]
    top_marks: list[Any]
    bests: list[Any]
    fields: list[Any]  # f over each square
    g_curves: list[Any]  # g above, h beside each square
    h_curves: list[Any]


def draw_layouts(figure: Figure) -> Layouts:
    """Two squares (grid, random) over f(x, y) = g(x) + h(y), each with g above it and h beside it (the paper's
    figure 1); the problem and the trials are drawn in ``update_layouts``."""
    squares, tops, points, top_marks, bests, fields, g_curves, h_curves = [], [], [], [], [], [], [], []
    for i, color in enumerate((GRID_COLOR, RANDOM_COLOR)):
        left = 0.08 + 0.49 * i
        square = figure.add_axes((left, 0.1, 0.3, 0.56))
        fields.append(square.imshow(np.zeros((2, 2)), extent=(0, 1, 0, 1), origin="lower", cmap="Greens",
                                    aspect="auto", vmin=-0.1, vmax=1.2))  # fmt: skip
        points.append(square.plot([], [], "o", color=color, mec="k", ms=7)[0])
        square.set_xlabel("important parameter")
        square.set_ylabel("unimportant parameter")
        square.set_xticks([0, 0.5, 1])
        square.set_yticks([0.5, 1])  # no 0 here: it would touch the x axis's 0 in the corner
        top = figure.add_axes((left, 0.69, 0.3, 0.17), sharex=square)
        g_curves.append(top.plot(_U, np.zeros_like(_U), color="0.3")[0])
        top_marks.append(top.vlines([], 0, 1, color=color, lw=1.5))
        bests.append(top.axhline(0.0, color=color, ls="--", lw=1))
        top.set_ylim(0, 1.1)
        top.tick_params(labelbottom=False, labelleft=False, left=False)
        top.spines[["top", "right", "left"]].set_visible(False)
        side = figure.add_axes((left + 0.31, 0.1, 0.06, 0.56), sharey=square)
        h_curves.append(side.plot(np.zeros_like(_U), _U, color="0.3")[0])
        side.set_xlim(-0.3, 0.3)
        side.tick_params(labelleft=False, labelbottom=False, bottom=False)
        side.spines[["top", "right", "bottom"]].set_visible(False)
        squares.append(square)
        tops.append(top)
    return Layouts(squares, tops, points, top_marks, bests, fields, g_curves, h_curves)


def update_layouts(art: Layouts, trials: list[np.ndarray], problem: Any, titles: list[str]) -> None:
    """``problem``'s f, g and h, and ``trials``: the grid's and the random search's (n, 2) points."""
    field = problem(_U[None, :], _U[:, None])
    for image, g, h in zip(art.fields, art.g_curves, art.h_curves):
        image.set_data(field)
        g.set_ydata(problem.important(_U))
        h.set_xdata(problem.unimportant(_U))
    for points, marks, best, top, pts, title in zip(art.points, art.top_marks, art.bests, art.tops, trials, titles):
        points.set_data(pts[:, 0], pts[:, 1])
        xs = np.unique(pts[:, 0])
        marks.set_segments([np.array([[x, 0.0], [x, float(problem.important(x))]]) for x in xs])
        value = float(problem.important(pts[:, 0]).max())
        best.set_ydata([value, value])
        top.set_title(title, fontsize="medium")


# --- a real search ----------------------------------------------------------------------------------------------------
@dataclass
class Search:
    ax: Axes
    stages: list[Any]  # a scatter per stage (circles, then triangles)
    diverged: Any
    best: Any
    fine_box: Rectangle
    progress_ax: Axes
    progress: Any
    progress_text: Any
    table: Any


def draw_search(figure: Figure, lr: tuple[float, float], reg: tuple[float, float]) -> Search:
    """Validation accuracy over (learning rate, regularization), both on log axes spanning the first stage's
    ranges; the progress bar and the table of the best trials on the right."""
    ax = figure.add_axes((0.08, 0.12, 0.5, 0.74))
    stages = [ax.scatter([], [], c=[], cmap="viridis", vmin=0.0, vmax=1.0, marker=m, s=s, edgecolors="k",
                         linewidths=0.5, zorder=3, label=label)
              for m, s, label in (("o", 45, "coarse"), ("^", 55, "fine"))]  # fmt: skip
    (diverged,) = ax.plot([], [], "x", color="#d62728", ms=8, mew=2, label="stopped: loss > 3x first")
    (best,) = ax.plot([], [], "*", color="#d62728", mec="k", ms=18, zorder=4, label="best")
    fine_box = Rectangle((1, 1), 1, 1, fill=False, ls="--", lw=1.2, color="0.3", zorder=2)
    ax.add_patch(fine_box)
    ax.set_xscale("log")
    ax.set_yscale("log")
    pad_lr, pad_reg = (lr[1] / lr[0]) ** 0.04, (reg[1] / reg[0]) ** 0.04
    ax.set_xlim(lr[0] / pad_lr, lr[1] * pad_lr)
    ax.set_ylim(reg[0] / pad_reg, reg[1] * pad_reg)
    plain_log_labels(ax.xaxis, ax.yaxis)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("L2 strength")
    figure.colorbar(stages[0], ax=ax, fraction=0.05, pad=0.02, label="validation accuracy")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, fontsize="small", frameon=False)
    progress_ax = figure.add_axes((0.7, 0.8, 0.27, 0.06))
    (progress,) = progress_ax.barh([0], [0.0], height=1.0, color="C0").patches
    progress_ax.set_xlim(0, 1)
    progress_ax.set_ylim(-0.5, 0.5)
    progress_ax.set_xticks([])
    progress_ax.set_yticks([])
    progress_text = progress_ax.set_title("", fontsize="medium")
    table_ax = figure.add_axes((0.7, 0.1, 0.28, 0.62))
    table_ax.axis("off")
    table = table_ax.text(0.0, 1.0, "", va="top", ha="left", family="monospace", fontsize="small")
    return Search(ax, stages, diverged, best, fine_box, progress_ax, progress, progress_text, table)


def update_search(art: Search, trials: list[Any], total: int, fine: tuple[tuple[float, float], ...] | None,
                  title: str, table: str) -> None:  # fmt: skip
    """``trials``: the finished ones (params 'lr', 'reg'; score; status; round); ``fine``: the second stage's
    (lr, reg) ranges, or None before it is known."""
    for stage, scatter in enumerate(art.stages):
        done = [t for t in trials if t.round == stage and np.isfinite(t.score)]
        scatter.set_offsets(np.array([[t.params["lr"], t.params["reg"]] for t in done]).reshape(-1, 2))
        scatter.set_array(np.array([t.score for t in done]))
    stopped = [t for t in trials if not np.isfinite(t.score)]
    art.diverged.set_data([t.params["lr"] for t in stopped], [t.params["reg"] for t in stopped])
    finite = [t for t in trials if np.isfinite(t.score)]
    if finite:
        top = max(finite, key=lambda t: t.score)
        art.best.set_data([top.params["lr"]], [top.params["reg"]])
    else:
        art.best.set_data([], [])
    art.fine_box.set_visible(fine is not None)
    if fine is not None:
        (lr_lo, lr_hi), (reg_lo, reg_hi) = fine
        art.fine_box.set_bounds(lr_lo, reg_lo, lr_hi - lr_lo, reg_hi - reg_lo)
    art.progress.set_width(len(trials) / total if total else 0.0)
    art.progress_text.set_text(f"{len(trials)} of {total} trials")
    art.ax.set_title(title, fontsize="medium")
    art.table.set_text(table)
