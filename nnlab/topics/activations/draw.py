"""The activation panel's pictures: f and f' with their flat regions, pre-activations under f, the zig-zag of
a neuron with positive inputs, dead ReLUs' half-planes, statistics through depth, and the convergence race.

Artists are made once per layout (one line for every function the panel can show, hidden when not chosen) and
updated in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nnlab.viz.axes import CLASS_COLORS, log_axis, plain_log_labels

FLAT_COLOR = "0.85"


def _plain(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def _flat_band(ax: Axes) -> Any:
    """A background image over the whole height of ``ax``, one column per x: grey where f' is flat."""
    return ax.imshow(np.zeros((1, 2, 4)), extent=(0, 1, 0, 1), transform=ax.get_xaxis_transform(), aspect="auto",
                     interpolation="nearest", zorder=0)  # fmt: skip


def _set_band(band: Any, flat: np.ndarray | None, x0: float, x1: float) -> None:
    rgba = np.zeros((1, 2 if flat is None else flat.size, 4))
    if flat is not None:
        rgba[0, flat] = to_rgba(FLAT_COLOR)
    band.set_data(rgba)
    band.set_extent((x0, x1, 0, 1))


@dataclass
class Functions:
    f_ax: Axes
    d_ax: Axes
    rug_axes: tuple[Axes, Axes]
    f: dict[str, Any]
    d: dict[str, Any]
    pieces: list[Any]
    approx: Any
    rugs: tuple[Any, Any]
    bands: tuple[Any, Any]


def draw_functions(figure: Figure, names: tuple[str, ...], pieces: int) -> Functions:
    """f on the left, f' on the right; under each, one row per shown function, coloured where its f' is flat."""
    f_ax = figure.add_axes((0.1, 0.36, 0.38, 0.55))
    d_ax = figure.add_axes((0.58, 0.36, 0.38, 0.55))
    rug_axes = (figure.add_axes((0.1, 0.1, 0.38, 0.17), sharex=f_ax), figure.add_axes((0.58, 0.1, 0.38, 0.17),
                                                                                     sharex=d_ax))  # fmt: skip
    f, d = {}, {}
    for i, name in enumerate(names):
        (f[name],) = f_ax.plot([], [], color=f"C{i % 10}", lw=2, label=name)
        (d[name],) = d_ax.plot([], [], color=f"C{i % 10}", lw=2)
    lines = [f_ax.plot([], [], color="0.5", lw=0.8, ls="--")[0] for _ in range(pieces)]
    (approx,) = f_ax.plot([], [], color="k", lw=1.2, ls=":", label="x sigmoid(1.702 x)")
    for ax in (f_ax, d_ax):
        _plain(ax)
        ax.axhline(0, color="0.7", lw=0.8, zorder=1)
        ax.axvline(0, color="0.7", lw=0.8, zorder=1)
        ax.tick_params(labelbottom=False)
    f_ax.set_title("f(x)", fontsize="medium")
    d_ax.set_title("f'(x)", fontsize="medium")
    rugs = []
    for ax in rug_axes:
        rugs.append(ax.imshow(np.zeros((1, 2, 4)), aspect="auto", interpolation="nearest"))
        ax.tick_params(left=False)
        ax.set_xlabel("x")
    rug_axes[0].set_title("where f' is below 1% of its maximum: flat (dead where f' = 0)", fontsize="small",
                          loc="left")  # fmt: skip
    bands = (_flat_band(f_ax), _flat_band(d_ax))
    return Functions(f_ax, d_ax, rug_axes, f, d, lines, approx, (rugs[0], rugs[1]), bands)


def update_functions(art: Functions, x: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                     pieces: np.ndarray | None, approx: np.ndarray | None, labels: dict[str, str],
                     short: dict[str, str]) -> None:  # fmt: skip
    """``curves``: name -> (f, f', flat) on ``x`` for the shown functions; ``pieces``: Maxout's affine pieces;
    ``labels`` name the lines in the legend, ``short`` the rows of flat regions."""
    for name, line in art.f.items():
        shown = name in curves
        line.set_visible(shown)
        art.d[name].set_visible(shown)
        if shown:
            line.set_data(x, curves[name][0])
            art.d[name].set_data(x, curves[name][1])
            line.set_label(labels.get(name, name))
    for i, line in enumerate(art.pieces):
        visible = pieces is not None and i < pieces.shape[1]
        line.set_visible(visible)
        if visible:
            line.set_data(x, pieces[:, i])
    art.approx.set_visible(approx is not None)
    if approx is not None:
        art.approx.set_data(x, approx)
    x0, x1 = float(x[0]), float(x[-1])
    for ax in (art.f_ax, art.d_ax):
        ax.set_xlim(x0, x1)
    values = [c[0] for c in curves.values()] or [np.zeros(1)]
    low = max(min(float(np.min(v)) for v in values), -x1)
    high = min(max(float(np.max(v)) for v in values), x1)
    pad = 0.06 * (high - low) if high > low else 1.0
    art.f_ax.set_ylim(low - pad, high + pad)
    top = max((float(np.max(c[1])) for c in curves.values()), default=1.0)
    bottom = min((float(np.min(c[1])) for c in curves.values()), default=0.0)
    art.d_ax.set_ylim(min(bottom, 0.0) - 0.05 * top, 1.08 * top)
    legend = art.f_ax.get_legend()
    if legend is not None:
        legend.remove()
    handles = [art.f[n] for n in curves] + ([art.approx] if approx is not None else [])
    if handles:
        art.f_ax.legend(handles=handles, fontsize="small", frameon=False, loc="upper left")
    # One background band when one function is shown (its flat regions on both axes); the rows always.
    only = next(iter(curves.values()))[2] if len(curves) == 1 else None
    for band in art.bands:
        _set_band(band, only, x0, x1)
    rows = np.ones((max(len(curves), 1), x.size, 4))
    for row, (name, (_, _, flat)) in enumerate(curves.items()):
        rows[row, flat] = to_rgba(art.f[name].get_color(), 0.75)
    for rug, ax in zip(art.rugs, art.rug_axes):
        rug.set_data(rows)
        rug.set_extent((x0, x1, len(rows) - 0.5, -0.5))
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_yticks(range(len(curves)), [short.get(n, n) for n in curves], fontsize="x-small")
    art.rug_axes[1].tick_params(labelleft=False)


@dataclass
class Inputs:
    hist_ax: Axes
    f_ax: Axes
    layer_ax: Axes
    bars: Any
    f: Any
    d: Any
    band: Any
    saturated: Any
    mean: Any


def draw_inputs(figure: Figure) -> Inputs:
    """The pre-activations of one layer (histogram) with f and f' drawn over them; per layer, the flat fraction
    and the mean local gradient."""
    hist_ax = figure.add_axes((0.07, 0.12, 0.5, 0.74))
    f_ax = hist_ax.twinx()
    bars = hist_ax.stairs(np.zeros(1), np.arange(2.0), fill=True, color="C0", alpha=0.5)
    (f,) = f_ax.plot([], [], color="k", lw=1.6, label="f")
    (d,) = f_ax.plot([], [], color="C3", lw=1.6, ls="--", label="f'")
    f_ax.legend(handles=[f, d], fontsize="small", frameon=False, loc="upper left")
    hist_ax.set_xlabel("pre-activation z = W x + b")
    hist_ax.set_yticks([])
    hist_ax.spines[["top", "left"]].set_visible(False)
    f_ax.spines[["top", "left"]].set_visible(False)
    band = _flat_band(hist_ax)
    layer_ax = figure.add_axes((0.7, 0.12, 0.27, 0.74))
    (saturated,) = layer_ax.plot([], [], "o-", color="C1", ms=4)
    (mean,) = layer_ax.plot([], [], "s-", color="C0", ms=4)
    layer_ax.set_xlabel("layer")
    layer_ax.set_ylim(-0.03, 1.03)
    layer_ax.set_title("flat fraction (orange), mean f' (blue)", fontsize="medium")
    _plain(layer_ax)
    return Inputs(hist_ax, f_ax, layer_ax, bars, f, d, band, saturated, mean)


def update_inputs(art: Inputs, z: np.ndarray, edges: np.ndarray, x: np.ndarray, f: np.ndarray, d: np.ndarray,
                  flat: np.ndarray, saturated: np.ndarray, mean: np.ndarray, title: str) -> None:  # fmt: skip
    counts = np.histogram(np.clip(z, edges[0], edges[-1]), bins=edges)[0]
    art.bars.set_data(counts, edges)
    art.hist_ax.set_xlim(edges[0], edges[-1])
    art.hist_ax.set_ylim(0, max(counts.max(), 1) * 1.08)
    art.f.set_data(x, f)
    art.d.set_data(x, d)
    low, high = min(float(f.min()), float(d.min()), 0.0), max(float(f.max()), float(d.max()), 1.0)
    art.f_ax.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    _set_band(art.band, flat, float(x[0]), float(x[-1]))
    art.hist_ax.set_title(title, fontsize="medium")
    layers = np.arange(1, saturated.size + 1)
    art.saturated.set_data(layers, saturated)
    art.mean.set_data(layers, mean)
    art.layer_ax.set_xlim(0.5, saturated.size + 0.5)
    art.layer_ax.set_ylim(-0.03, max(1.03, float(np.max(mean, initial=0)) * 1.05))
    art.layer_ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))


@dataclass
class Zigzag:
    axes: tuple[Axes, Axes]
    contours: list[Any]
    paths: tuple[Any, Any]
    ends: tuple[Any, Any]


def draw_zigzag(figure: Figure, target: tuple[float, float]) -> Zigzag:
    """Two weight planes side by side: inputs all positive, inputs centred; each with its loss contours."""
    axes = (figure.add_axes((0.07, 0.12, 0.4, 0.74)), figure.add_axes((0.57, 0.12, 0.4, 0.74)))
    paths, ends = [], []
    for ax in axes:
        ax.plot([target[0]], [target[1]], "*", color="C3", ms=14, zorder=4)
        ax.plot([0], [0], "o", color="k", ms=5, zorder=4)
        ax.axhline(0, color="0.7", lw=0.8)
        ax.axvline(0, color="0.7", lw=0.8)
        paths.append(ax.plot([], [], ".-", color="C0", lw=1.2, ms=3, zorder=3)[0])
        ends.append(ax.plot([], [], "o", color="C0", ms=6, zorder=5)[0])
        ax.set_xlabel("w1")
        ax.set_aspect("equal", adjustable="box")
        _plain(ax)
    axes[0].set_ylabel("w2")
    return Zigzag(axes, [None, None], (paths[0], paths[1]), (ends[0], ends[1]))


def update_zigzag(art: Zigzag, paths: tuple[np.ndarray, np.ndarray], surfaces: tuple[Any, Any],
                  titles: tuple[str, str]) -> None:  # fmt: skip
    for i, ax in enumerate(art.axes):
        path = paths[i]
        art.paths[i].set_data(path[:, 0], path[:, 1])
        art.ends[i].set_data(path[-1:, 0], path[-1:, 1])
        if art.contours[i] is not None:
            art.contours[i].remove()
        gx, gy, loss = surfaces[i]
        art.contours[i] = ax.contour(gx, gy, loss, levels=np.geomspace(1e-3, 1.0, 7) * loss.max(), colors="0.75",
                                     linewidths=0.8, zorder=1)  # fmt: skip
        ax.set_xlim(gx.min(), gx.max())
        ax.set_ylim(gy.min(), gy.max())
        ax.set_title(titles[i], fontsize="medium")


@dataclass
class DeadView:
    data_ax: Axes
    curve_ax: Axes
    points: list[Any]
    lines: list[Any]
    dead: list[Any]
    inactive: list[Any]


def draw_dead(figure: Figure, classes: int, units: int, layers: int) -> DeadView:
    """The training data with each first-layer unit's boundary w . x + b = 0 (red, dashed: dead); the dead
    fraction of every hidden layer against the step."""
    data_ax = figure.add_axes((0.04, 0.06, 0.44, 0.74))
    points = [data_ax.plot([], [], "o", ms=3, color=CLASS_COLORS[c], zorder=3)[0] for c in range(classes)]
    lines = [data_ax.plot([], [], lw=1.0, color="0.45", zorder=2)[0] for _ in range(units)]
    data_ax.set_xticks([])
    data_ax.set_yticks([])
    curve_ax = figure.add_axes((0.6, 0.12, 0.37, 0.72))
    dead = [curve_ax.plot([], [], color=f"C{i}", lw=1.8, label=f"layer {i + 1} dead")[0] for i in range(layers)]
    inactive = [curve_ax.plot([], [], color=f"C{i}", lw=1.0, ls=":", label=f"layer {i + 1} never positive")[0]
                for i in range(layers)]  # fmt: skip
    curve_ax.set_ylim(-0.02, 1.02)
    curve_ax.set_xlabel("step")
    curve_ax.set_title("fraction of units", fontsize="medium")
    curve_ax.legend(handles=dead + inactive, fontsize="x-small", frameon=False, loc="upper left")
    _plain(curve_ax)
    return DeadView(data_ax, curve_ax, points, lines, dead, inactive)


def update_dead(art: DeadView, X: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray, dead_units: np.ndarray,
                negative_units: np.ndarray, steps: np.ndarray, dead: np.ndarray, inactive: np.ndarray,
                title: str) -> None:  # fmt: skip
    """Boundaries: dead units red and dashed, units never positive but still learning (a slope on the negative
    side) orange and dotted, the others grey."""
    for c, points in enumerate(art.points):
        points.set_data(X[y == c, 0], X[y == c, 1])
    (x0, y0), (x1, y1) = X.min(axis=0) - 0.15, X.max(axis=0) + 0.15
    reach = 4 * max(x1 - x0, y1 - y0)
    for j, line in enumerate(art.lines):
        w = W[:, j]
        norm = float(np.hypot(*w))
        if not np.isfinite(norm) or norm == 0 or not np.isfinite(b[j]):
            line.set_data([], [])
            continue
        foot = -b[j] * w / norm**2  # the boundary's point nearest the origin, then along the boundary
        along = np.array([-w[1], w[0]]) / norm
        ends = np.array([foot - reach * along, foot + reach * along])
        line.set_data(ends[:, 0], ends[:, 1])
        color, style, width = ("C3", "--", 1.4) if dead_units[j] else ("C1", ":", 1.6) if negative_units[j] else (
            "0.55", "-", 0.8)  # fmt: skip
        line.set_color(color)
        line.set_linestyle(style)
        line.set_linewidth(width)
    art.data_ax.set_xlim(x0, x1)
    art.data_ax.set_ylim(y0, y1)
    art.data_ax.set_title(title, fontsize="medium")
    for i, line in enumerate(art.dead):
        line.set_data(steps, dead[:, i] if dead.size else [])
        art.inactive[i].set_data(steps, inactive[:, i] if inactive.size else [])
    art.curve_ax.set_xlim(0, max(float(steps[-1]) if steps.size else 1.0, 1.0))


@dataclass
class Depth:
    std_ax: Axes
    mean_ax: Axes
    std: Any
    mean: Any


def draw_depth(figure: Figure) -> Depth:
    """Std (log axis) and mean of every layer's activations through depth, with the self-normalizing 1 and 0."""
    std_ax = figure.add_axes((0.08, 0.14, 0.4, 0.7))
    mean_ax = figure.add_axes((0.58, 0.14, 0.38, 0.7), sharex=std_ax)
    log_axis(std_ax)
    (std,) = std_ax.plot([], [], "s-", color="C0", ms=3)
    (mean,) = mean_ax.plot([], [], "o-", color="C1", ms=3)
    std_ax.axhline(1.0, color="0.6", lw=1, ls="--")
    mean_ax.axhline(0.0, color="0.6", lw=1, ls="--")
    std_ax.set_title("std of the activations", fontsize="medium")
    mean_ax.set_title("mean of the activations", fontsize="medium")
    for ax in (std_ax, mean_ax):
        ax.set_xlabel("layer")
        _plain(ax)
    return Depth(std_ax, mean_ax, std, mean)


def update_depth(art: Depth, means: np.ndarray, stds: np.ndarray, title: str) -> None:
    layers = np.arange(1, means.size + 1)
    art.std.set_data(layers, np.where(stds > 0, stds, np.nan))
    art.mean.set_data(layers, means)
    art.std_ax.set_xlim(0, means.size + 1)
    positive = stds[np.isfinite(stds) & (stds > 0)]
    lo, hi = (float(positive.min()), float(positive.max())) if positive.size else (0.1, 10.0)
    art.std_ax.set_ylim(min(lo, 0.5) / 1.5, max(hi, 2.0) * 1.5)
    plain_log_labels(art.std_ax.yaxis)
    finite = means[np.isfinite(means)]
    span = max(float(np.max(np.abs(finite), initial=0.0)), 0.5)
    art.mean_ax.set_ylim(-1.1 * span, 1.1 * span)
    art.std_ax.figure.suptitle(title, fontsize="medium", y=0.97)


@dataclass
class RaceView:
    ax: Axes
    lines: dict[str, Any]
    marks: dict[str, Any]
    target: Any


def draw_race(figure: Figure, names: tuple[str, ...], labels: dict[str, str]) -> RaceView:
    """Training error against the step, one line per activation, with a dot where it first reaches the target."""
    ax = figure.add_axes((0.08, 0.13, 0.88, 0.72))
    lines = {n: ax.plot([], [], color=f"C{i}", lw=1.8, label=labels.get(n, n))[0] for i, n in enumerate(names)}
    marks = {n: ax.plot([], [], "o", color=f"C{i}", ms=8)[0] for i, n in enumerate(names)}
    target = ax.axhline(0.25, color="0.5", lw=1, ls="--")
    ax.set_xlabel("step")
    ax.set_ylabel("training error")
    ax.set_ylim(0, 1)
    ax.legend(handles=list(lines.values()), frameon=False, loc="upper right")
    _plain(ax)
    return RaceView(ax, lines, marks, target)


def update_race(art: RaceView, steps: dict[str, np.ndarray], error: dict[str, np.ndarray],
                reached: dict[str, int | None], target: float, title: str) -> None:  # fmt: skip
    for name, line in art.lines.items():
        line.set_data(steps[name], error[name])
        at = reached[name]
        art.marks[name].set_data([at] if at else [], [target] if at else [])
    art.target.set_ydata([target, target])
    art.ax.set_xlim(0, max(float(s[-1]) for s in steps.values()))
    art.ax.set_title(title, fontsize="medium")
