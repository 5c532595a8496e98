"""Optimizer paths over a surface's contours, and their loss against the step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from nnlab.core.surfaces import Surface
from nnlab.viz.axes import plain_log_labels


def draw_surface(ax: Axes, surface: Surface, n: int = 240, levels: int = 24) -> None:
    """Contour lines of ``surface`` over its window (log-spaced where its range is large), minima as stars."""
    X, Y, Z = surface.grid(n)
    if surface.log_levels:
        low = max(float(Z.min()), 1e-3)
        lv = np.geomspace(low, float(Z.max()), levels)
        ax.contour(X, Y, Z, levels=lv, cmap="viridis", linewidths=0.8, norm="log")
    else:
        ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)
    for x, y in surface.minima:
        ax.plot(x, y, marker="*", color="k", markersize=13, linestyle="none", zorder=5)
    (x0, x1), (y0, y1) = surface.window
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.xaxis.set_major_locator(MaxNLocator(6, prune="lower"))  # its first label would touch the y axis' last
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.set_title(f"{surface.title}\n{surface.formula}", fontsize="medium")  # two lines: clear of the legend


def use_log_scale(loss_ax: Axes) -> None:
    """A log loss axis with at most 6 labelled decades and no minor ticks (ticks are much of a redraw's cost).

    Labels are plain text ("1e-05", "0.1", "10"), so no math-text fonts are needed.
    """
    loss_ax.set_yscale("log")
    loss_ax.yaxis.set_major_locator(LogLocator(numticks=6))
    loss_ax.yaxis.set_minor_locator(NullLocator())
    plain_log_labels(loss_ax.yaxis)


# Colours in the registry's order (the lectures' order); optimizers registered later take the next ones.
PALETTE = ["#d62728", "#1f77b4", "#17becf", "#2ca02c", "#9467bd", "#ff7f0e", "#e377c2", "#8c564b", "#bcbd22",
           "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d",
           "#31a354"]  # fmt: skip


def optimizer_colors() -> dict[str, str]:
    """A colour per registered optimizer: its class's ``color``, or the palette's by registry position."""
    from matplotlib import colormaps

    from nnlab.core.optim import OPTIMIZERS

    colors = {}
    for i, (name, cls) in enumerate(OPTIMIZERS.items()):
        extra = colormaps["tab20b"](i % 20)
        colors[name] = cls.color or (PALETTE[i] if i < len(PALETTE) else extra)
    return colors


# Line styles and head markers in the registry's order too, so that paths that coincide stay visible (a dashed
# line over a solid one) and a path can be told without its colour (on a projector, in print).
LINESTYLES = ["-", "--", "-.", ":", (0, (6, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h"]


def optimizer_styles() -> dict[str, tuple[Any, str]]:
    """(line style, head marker) per registered optimizer, by registry position."""
    from nnlab.core.optim import OPTIMIZERS

    return {name: (LINESTYLES[i % len(LINESTYLES)], MARKERS[i % len(MARKERS)]) for i, name in enumerate(OPTIMIZERS)}


@dataclass
class PathArtists:
    paths: list[Line2D]
    heads: list[Line2D]
    losses: list[Line2D]
    start: Line2D
    arrows: list[Line2D] = field(default_factory=list)  # velocity (momentum, NAG, Adam), when shown
    ellipses: list[Ellipse] = field(default_factory=list)  # per-coordinate step sizes, when shown
    ghosts: list[Line2D] = field(default_factory=list)  # faint paths at neighbouring learning rates, when shown

    def overlays(self) -> list[Any]:
        return [*self.ghosts, *self.arrows, *self.ellipses]


VELOCITY_SCALE = 10  # arrows show 10 steps of the velocity
ELLIPSE_SIZE = 0.08  # the larger semi-axis of a step-size ellipse, as a fraction of the window's width


def draw_paths(
    ax: Axes,
    loss_ax: Axes,
    surface: Surface,
    labels: list[str],
    colors: list[Any],
    styles: list[tuple[Any, str]],
    ghosts: int = 0,
) -> PathArtists:
    """One path line, one head marker and one loss line per optimizer, each in its colour and (line style, marker)
    of ``styles``, and ``ghosts`` faint path lines per optimizer (hidden until used); data comes with
    :func:`update_paths` and :func:`update_ghosts`."""
    if surface.log_levels or surface.minima:
        use_log_scale(loss_ax)
    paths, heads, losses = [], [], []
    for label, color, (linestyle, marker) in zip(labels, colors, styles):
        (path,) = ax.plot([], [], ls=linestyle, color=color, lw=1.8, label=label, zorder=6)
        (head,) = ax.plot([], [], marker, color=color, ms=6, zorder=7)
        (loss,) = loss_ax.plot([], [], ls=linestyle, color=color, lw=1.6, zorder=3)  # above the spines, blitted or not
        paths.append(path)
        heads.append(head)
        losses.append(loss)
    (start,) = ax.plot([], [], "x", color="k", ms=9, mew=2, zorder=8)
    arrows = [ax.plot([], [], "-", color=color, lw=2.2, marker=">", markevery=[1], ms=6, zorder=9, visible=False)[0]
              for color in colors]  # fmt: skip
    ellipses = [ax.add_patch(Ellipse((0, 0), 0, 0, fill=False, edgecolor=color, lw=1.6, zorder=9, visible=False))
                for color in colors]  # fmt: skip
    loss_ax.set_xlabel("step")
    loss_ax.set_title("loss", fontsize="medium")
    loss_ax.xaxis.set_major_locator(MaxNLocator(5))
    loss_ax.spines[["top", "right"]].set_visible(False)
    faint = [ax.plot([], [], ls=style[0], color=color, lw=1.0, alpha=0.35, zorder=5, visible=False)[0]
             for color, style in zip(colors, styles) for _ in range(ghosts)]  # fmt: skip
    return PathArtists(paths, heads, losses, start, arrows, ellipses, faint)


def update_paths(
    art: PathArtists,
    positions: np.ndarray,
    losses: np.ndarray,
    upto: int,
    diverged_at: np.ndarray,
    labels: list[str] | None = None,
) -> None:
    """Show every path up to step ``upto``, and a diverged one only up to the step before it diverged.

    ``positions`` is (K, T, 2), ``losses`` (K, T), ``diverged_at`` (K,) with -1 for "never"; ``labels``
    renames the legend entries (to say where a path diverged, say).
    """
    if art.losses[0].axes.get_yscale() == "log":
        losses = np.where(losses > 0, losses, np.nan)
    steps = np.arange(positions.shape[1])
    for k, (path, head, loss) in enumerate(zip(art.paths, art.heads, art.losses)):
        end = upto if diverged_at[k] < 0 else min(upto, int(diverged_at[k]) - 1)
        xy = positions[k, : end + 1]
        path.set_data(xy[:, 0], xy[:, 1])
        head.set_data(xy[end:, 0] if end >= 0 else [], xy[end:, 1] if end >= 0 else [])
        shown = losses[k, : end + 1]
        finite = np.isfinite(shown)
        loss.set_data(steps[: end + 1][finite], shown[finite])
    ax = art.paths[0].axes
    legend = ax.get_legend()
    if labels is not None and (legend is None or [t.get_text() for t in legend.get_texts()] != list(labels)):
        for path, label in zip(art.paths, labels):  # a new legend only when its labels change (a divergence)
            path.set_label(label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False, borderaxespad=0)


def update_ghosts(art: PathArtists, positions: np.ndarray | None, upto: int) -> None:
    """The faint paths (``positions`` (K x ghosts, T, 2), in the ghosts' order) up to step ``upto``; hidden
    without positions. A path stops where it leaves finite numbers."""
    for k, line in enumerate(art.ghosts):
        show = positions is not None and k < len(positions)
        line.set_visible(show)
        if show:
            xy = positions[k, : upto + 1]
            xy = xy[: np.argmin(np.isfinite(xy).all(axis=1))] if not np.isfinite(xy).all() else xy
            line.set_data(xy[:, 0], xy[:, 1])


def update_internals(art: PathArtists, positions: np.ndarray, internals: list[dict[str, np.ndarray]] | None,
                     upto: int, diverged_at: np.ndarray, width: float) -> None:  # fmt: skip
    """At each head (step ``upto``, or the last before divergence): the velocity as an arrow (VELOCITY_SCALE
    steps of it) and the per-coordinate step sizes as an ellipse (their ratio is its shape; its larger
    semi-axis is ELLIPSE_SIZE x ``width``). Hidden without ``internals``."""
    for k, (arrow, ellipse) in enumerate(zip(art.arrows, art.ellipses)):
        end = upto if diverged_at[k] < 0 else min(upto, int(diverged_at[k]) - 1)
        kept = internals[k] if internals is not None and end >= 1 else {}
        head = positions[k, end] if end >= 0 else np.array([np.nan, np.nan])
        velocity = kept.get("velocity")
        show = velocity is not None and np.all(np.isfinite(velocity[end]))
        arrow.set_visible(bool(show))
        if show:
            tip = head + VELOCITY_SCALE * velocity[end]
            arrow.set_data([head[0], tip[0]], [head[1], tip[1]])
        steps = kept.get("step_size")
        show = steps is not None and np.all(np.isfinite(steps[end])) and np.max(steps[end]) > 0
        ellipse.set_visible(bool(show))
        if show:
            axes = 2 * ELLIPSE_SIZE * width * steps[end] / np.max(steps[end])
            ellipse.set_center(head)
            ellipse.width, ellipse.height = float(axes[0]), float(axes[1])


def update_loss_axis(art: PathArtists, surface: Surface, losses: np.ndarray, steps: int) -> None:
    """Loss limits: the surface's range where it is unbounded below, else the runs' range, capped at 10x the start
    so that a diverging run leaves through the top instead of squashing the others."""
    loss_ax = art.losses[0].axes
    log = loss_ax.get_yscale() == "log"
    if log:
        losses = np.where(losses > 0, losses, np.nan)
    loss_ax.set_xlim(0, steps)
    finite = losses[np.isfinite(losses)]
    if not surface.minima:
        _, _, Z = surface.grid(60)
        loss_ax.set_ylim(float(Z.min()) * 1.1, float(Z.max()) * 1.1)
    elif finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        start = losses[:, 0][np.isfinite(losses[:, 0])]
        if start.size:
            hi = min(hi, 10 * float(start.max()))
        if log:
            loss_ax.set_ylim(max(lo, 1e-12) / 2, max(hi, 1e-12) * 2)
        else:
            pad = 0.05 * (hi - lo) if hi > lo else 1.0
            loss_ax.set_ylim(lo - pad, hi + pad)


BASIN_COLORS = ("#2ca02c", "#bdbdbd", "#d62728")  # reached (or escaped), stalled, diverged
BASIN_NAMES = ("reached", "stalled", "diverged")


@dataclass
class BasinArtists:
    axes: list[Axes]
    dots: list[Any]


def draw_basins(figure: Any, surface: Surface, labels: list[str]) -> BasinArtists:
    """One small contour map per optimizer (up to 4 per row), with a dot per start point coloured by outcome."""
    from matplotlib.patches import Patch

    n = max(len(labels), 1)
    cols = min(n, 4)
    rows = -(-n // cols)
    grid = figure.add_gridspec(rows, cols, left=0.04, right=0.98, top=0.86 if rows == 1 else 0.9, bottom=0.06,
                               wspace=0.12, hspace=0.3)  # fmt: skip
    axes, dots = [], []
    X, Y, Z = surface.grid(80)
    for i, label in enumerate(labels):
        ax = figure.add_subplot(grid[i // cols, i % cols])
        if surface.log_levels:
            low = max(float(Z.min()), 1e-3)
            ax.contour(X, Y, Z, levels=np.geomspace(low, float(Z.max()), 12), colors="0.8", linewidths=0.6,
                       norm="log")  # fmt: skip
        else:
            ax.contour(X, Y, Z, levels=12, colors="0.8", linewidths=0.6)
        for x, y in surface.minima:
            ax.plot(x, y, marker="*", color="k", markersize=10, linestyle="none", zorder=5)
        dots.append(ax.scatter([], [], s=22, marker="s", zorder=4))
        (x0, x1), (y0, y1) = surface.window
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(label, fontsize="medium")
        axes.append(ax)
    good = "reached" if surface.minima else "escaped"
    handles = [Patch(color=c, label=name) for c, name in zip(BASIN_COLORS, (good, *BASIN_NAMES[1:]))]
    figure.legend(handles=handles, loc="upper center", ncols=3, frameon=False, fontsize="small")
    return BasinArtists(axes, dots)


def update_basins(art: BasinArtists, starts: np.ndarray, outcomes: np.ndarray) -> None:
    """Colour each start point by its outcome (0 reached, 1 stalled, 2 diverged) for each optimizer."""
    colors = np.array(BASIN_COLORS)
    for dots, row in zip(art.dots, outcomes):
        dots.set_offsets(starts)
        dots.set_facecolors(colors[row])
