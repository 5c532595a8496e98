"""Dropout's pictures: masks of one minibatch, the expectation of one unit, the ensemble, training curves."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import rcParams
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from nnlab.viz.axes import plain_log_labels
from nnlab.viz.network import draw_graph, update_graph


def draw_masks(figure: Figure, sizes: list[int], labels: list[str]) -> dict[str, Any]:
    """The network graph (example 1) on the left; on the right the minibatch's keep-mask grid and, below it, the
    fraction each example keeps (a Binomial(n, p) / n draw: about p, not exactly p)."""
    ax_graph = figure.add_axes((0.02, 0.08, 0.5, 0.84))
    graph = draw_graph(ax_graph, sizes, labels)
    graph_title = ax_graph.set_title("example 1 of the minibatch", fontsize="medium", y=1.0)
    grid_ax = figure.add_axes((0.6, 0.36, 0.38, 0.52))
    grid = grid_ax.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    grid_ax.tick_params(labelbottom=False)
    kept_ax = figure.add_axes((0.6, 0.12, 0.38, 0.2), sharex=grid_ax)
    bars = kept_ax.bar(np.arange(1, 65), np.zeros(64), width=0.8, color="#08306b")  # examples count from 1
    shown = Rectangle((0.5, -0.5), 1, 1, fill=False, edgecolor="C3", lw=2, zorder=3)
    grid_ax.add_patch(shown)
    target = kept_ax.axhline(0.5, color="C3", lw=1.2, ls="--")
    kept_ax.set_ylim(0, 1)
    kept_ax.set_yticks([0, 0.5, 1])
    kept_ax.spines[["top", "right"]].set_visible(False)
    return {"graph": graph, "graph_title": graph_title, "grid_ax": grid_ax, "grid": grid, "kept_ax": kept_ax,
            "bars": bars, "target": target, "shown": shown}  # fmt: skip


def update_masks(art: dict[str, Any], units: list[np.ndarray], weights: list[np.ndarray], grid: np.ndarray,
                 title: str, xlabel: str, ylabel: str, p: float, per_example: bool) -> None:  # fmt: skip
    """``grid`` (rows x columns of 0/1, columns counted from 1); with ``per_example``, each column's kept fraction
    below it against ``p``, and the graph shows a typical example (the first whose kept fraction is nearest p,
    outlined in the grid) with its kept units and weights."""
    kept = grid.mean(axis=0) if per_example else np.array([])
    typical = int(np.argmin(np.abs(kept - p))) if per_example else 0
    update_graph(art["graph"], [u[typical] for u in units], weights)
    ax = art["grid_ax"]
    ax.set_title(title, fontsize="medium")
    ax.set_ylabel(ylabel)
    art["grid"].set_data(grid.astype(float))
    art["grid"].set_extent((0.5, grid.shape[1] + 0.5, grid.shape[0] - 0.5, -0.5))
    ax.set_xlim(0.5, grid.shape[1] + 0.5)
    ax.set_ylim(grid.shape[0] - 0.5, -0.5)
    art["shown"].set_bounds(typical + 0.5, -0.5, 1, grid.shape[0])
    art["shown"].set_visible(per_example)
    for i, bar in enumerate(art["bars"]):
        bar.set_visible(i < kept.size)
        bar.set_height(float(kept[i]) if i < kept.size else 0.0)
    art["target"].set_ydata([p, p])
    art["kept_ax"].set_visible(per_example)
    art["kept_ax"].set_xlabel(xlabel)
    art["kept_ax"].set_ylabel("kept")
    ax.tick_params(labelbottom=not per_example)
    ax.set_xlabel("" if per_example else xlabel)
    if per_example:
        column = grid[:, typical]
        art["graph_title"].set_text(
            f"example {typical + 1} (outlined): keeps {int(column.sum())} of {column.size} units"
        )
    else:
        art["graph_title"].set_text("one forward pass: the same weights dropped for every example")


def draw_expectation(figure: Figure) -> dict[str, Any]:
    """The outputs of one unit over many masks (left) and EECS 498's one-neuron table of every mask (right)."""
    ax = figure.add_axes((0.07, 0.12, 0.56, 0.72))
    hist = ax.stairs([0], [0, 1], fill=True, color="C0", alpha=0.7, label="training-time outputs (one per mask)")
    mean = ax.axvline(0, color="C0", lw=2, ls="--")
    test = ax.axvline(0, color="C2", lw=2.5)
    ax.set_xlabel("output")
    table_ax = figure.add_axes((0.68, 0.12, 0.3, 0.72))
    table_ax.axis("off")
    return {"ax": ax, "hist": hist, "mean": mean, "test": test, "table_ax": table_ax}


def update_mask_table(art: dict[str, Any], rows: list[tuple[tuple[int, ...], float, float]], expected: float,
                      w: tuple[float, float], x: tuple[float, float], p: float) -> None:  # fmt: skip
    """EECS 498 lecture 10's a = w1 x + w2 y: each keep-mask, its probability and output, and E[a]."""
    table_ax = art["table_ax"]
    for old in list(table_ax.tables):
        old.remove()
    cells = [[f"{m1}  {m2}", f"{prob:.4g}", f"{a:g}"] for (m1, m2), prob, a in rows]
    cells.append(["E[a]", "", f"{expected:.4g}"])
    table = table_ax.table(cellText=cells, colLabels=["m1 m2", "probability", "a"], loc="center", cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(rcParams["font.size"])
    table.scale(1, 1.6)
    table_ax.set_title(f"one neuron, vanilla dropout (EECS 498)\na = w1 m1 x + w2 m2 y\nw = ({w[0]:g}, {w[1]:g}), "
                       f"(x, y) = ({x[0]:g}, {x[1]:g})\nE[a] = p (w1 x + w2 y) = {p:g} x {np.dot(w, x):g}",
                       fontsize="medium")  # fmt: skip


def update_expectation(art: dict[str, Any], train: np.ndarray, mean: float, test: float, agree: bool,
                       title: str) -> None:  # fmt: skip
    """The histogram of training-time outputs, their mean, and the test-time output (red when it disagrees)."""
    ax = art["ax"]
    counts, edges = np.histogram(train, bins=40)
    art["hist"].set_data(counts, edges)
    art["mean"].set_xdata([mean] * 2)
    art["mean"].set_label(f"their mean {mean:.3f}")
    art["test"].set_xdata([test] * 2)
    art["test"].set_color("C2" if agree else "C3")
    art["test"].set_label(f"test-time output {test:.3f}" + ("" if agree else "  (does not match!)"))
    lo, hi = min(edges[0], test), max(edges[-1], test)
    ax.set_xlim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    ax.set_ylim(0, 1.1 * max(counts.max(), 1))
    ax.set_title(title, fontsize="medium")
    ax.legend(loc="upper right", fontsize="small")


def draw_ensemble(figure: Figure, classes: int) -> dict[str, Any]:
    ax = figure.add_axes((0.08, 0.14, 0.55, 0.74))
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_labels(ax.xaxis, ax.yaxis)
    (sampled,) = ax.plot([], [], color="C0")
    (sqrt,) = ax.plot([], [], color="C0", ls=":", lw=1, label="1 / sqrt(M)")
    test_gap = ax.axhline(1, color="C3", lw=2, label="one test-time pass (weights scaled) vs the exact ensemble")
    ax.set_xlabel("sub-networks averaged, M")
    ax.set_ylabel("distance of the predictions (L1)")
    bars = figure.add_axes((0.72, 0.14, 0.26, 0.74))
    k = np.arange(classes)
    bar_sets = [bars.bar(k + shift, np.zeros(len(k)), 0.27, label=label)
                for shift, label in ((-0.27, "test time (weights scaled)"), (0.0, "sampled average"),
                                     (0.27, "exact ensemble"))]  # fmt: skip
    bars.set_xticks(k, [f"class {i}" for i in k])
    bars.set_ylim(0, 1)
    bars.set_title("predicted probabilities", fontsize="medium")
    return {"ax": ax, "sampled": sampled, "sqrt": sqrt, "test_gap": test_gap, "bars": bars, "bar_sets": bar_sets}


def update_ensemble(art: dict[str, Any], result: dict[str, Any], samples: int) -> None:
    """The distance of the running average of M sampled sub-networks to the exact ensemble (or to the test-time
    pass when there are too many to average exactly), and the three predictions as bars."""
    ax = art["ax"]
    n, exact = result["subnetworks"], result["exact"] is not None
    gap = result["sampled_gap"] if exact else result["gap_to_test"]
    m = np.arange(1, len(gap) + 1)
    art["sampled"].set_data(m, np.maximum(gap, 1e-12))
    art["sampled"].set_label("average of M sampled sub-networks vs the "
                             + ("exact ensemble" if exact else "test-time pass"))  # fmt: skip
    art["sqrt"].set_data(m, gap[0] / np.sqrt(m))
    art["test_gap"].set_visible(exact)
    art["test_gap"].set_ydata([max(result["test_gap"], 1e-12)] * 2 if exact else [1, 1])
    shown = np.concatenate([np.maximum(gap, 1e-12), [result["test_gap"]] if exact else []])
    ax.set_xlim(1, max(len(m), 2))
    ax.set_ylim(shown.min() / 2, shown.max() * 2)
    handles = [art["sampled"], art["sqrt"], *([art["test_gap"]] if exact else [])]
    ax.legend(handles=handles, loc="lower left", fontsize="x-small")
    note = "averaged exactly" if exact else "too many to average exactly"
    title = f"{n} droppable units: 2^{n} = {2**n:,} sub-networks ({note})"
    gaps = result.get("score_gaps") or {}
    if gaps:  # why the red line is not at zero: the network is not linear
        title += f"\nE[scores] vs one scaled pass: ReLU net {gaps['ReLU']:.2f}, linear net {gaps['linear']:.2f}"
    ax.set_title(title, fontsize="medium")
    values = (result["test"], result["average"], result["exact"] if exact else np.zeros_like(result["test"]))
    for bar_set, heights in zip(art["bar_sets"], values):
        for bar, height in zip(bar_set, heights):
            bar.set_height(height)
    labels = ["test time (weights scaled)", f"average of {samples}", "exact ensemble"]
    art["bars"].legend([bar_set[0] for bar_set in art["bar_sets"]], labels, loc="upper right", fontsize="x-small")


def draw_training(figure: Figure) -> dict[str, Any]:
    return {"axes": figure.subplots(1, 3)}


def update_training(art: dict[str, Any], runs: dict[str, Any], data: Any) -> None:
    """Decision regions with and without dropout, and their accuracy curves.

    The regions are filled contours, which matplotlib cannot update in place: the two region axes
    are cleared and drawn again. This view changes only after a retraining (about a second), so the
    redraw is not on a slider's hot path.
    """
    axes = art["axes"]
    for ax, (name, run) in zip(axes[:2], runs.items()):
        ax.clear()
        gx, gy, prob = run["grid"]
        ax.contourf(gx, gy, prob, levels=[0, 0.5, 1], colors=["#c6dbef", "#fdd0a2"])
        ax.scatter(*data.X_train.T, c=data.y_train, cmap="coolwarm", s=14, edgecolors="k", lw=0.4)
        ax.scatter(*data.X_val.T, c=data.y_val, cmap="coolwarm", s=14, marker="x", lw=0.8)
        h = run["history"]
        ax.set_title(f"{name}\ntrain {h.train_acc[-1]:.0%}, val {h.val_acc[-1]:.0%}", fontsize="medium")
        ax.set_xticks([])
        ax.set_yticks([])
    curves = axes[2]
    curves.clear()
    for (name, run), color in zip(runs.items(), ("C3", "C2")):
        h = run["history"]
        curves.plot(h.train_acc, color=color, ls="-", label=f"{name}: train")
        curves.plot(h.val_acc, color=color, ls="--", label=f"{name}: val")
    curves.set_xlabel("epoch")
    curves.set_title("accuracy", fontsize="medium")
    curves.legend(loc="lower right", fontsize="x-small")
