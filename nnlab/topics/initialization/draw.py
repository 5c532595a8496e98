"""Per-layer distributions: a "ridgeline" of histograms (one row per layer) and a mean/std strip.

The lectures draw one small histogram per layer; here the rows share one Axes, so a
redraw costs about as much as a single plot whatever the depth. Artists are created
once for up to ``max_rows`` layers and updated in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import StepPatch
from matplotlib.text import Text
from matplotlib.ticker import LogLocator, MaxNLocator, ScalarFormatter
from matplotlib.transforms import blended_transform_factory

from nnlab.viz.axes import plain_log_labels

ROW_HEIGHT = 0.85


@dataclass
class RowHistogram:
    """One row's counts, and what the picture cannot show: values beyond the axis, exact zeros left out."""

    counts: np.ndarray
    beyond: float
    zeros: float


def histogram_rows(values: Sequence[np.ndarray], edges: np.ndarray, drop_zeros: bool = False) -> list[RowHistogram]:
    """Counts per row, values beyond the edges clipped into the outer bins.

    With ``drop_zeros`` exact zeros (half of a ReLU layer, typically) are left out of the counts
    when they are more than a fifth of the values, so that they do not flatten the rest.
    """
    rows = []
    lo, hi = edges[0], edges[-1]
    # Evenly spaced edges (np.linspace): numpy's counting by arithmetic, half the time of its search by sorting for
    # a layer of 16 x 4096 values, and the same counts (numpy corrects values on an edge to the edges' bins).
    bins = len(edges) - 1
    even = bool(np.allclose(np.diff(edges), (hi - lo) / bins, rtol=1e-9, atol=0))
    for v in values:
        flat = np.ravel(v)
        finite = flat[np.isfinite(flat)]
        n = max(flat.size, 1)
        zeros = np.count_nonzero(finite == 0) / n
        if drop_zeros and zeros > 0.2:
            finite = finite[finite != 0]
        else:
            zeros = 0.0
        beyond = np.count_nonzero((finite < lo) | (finite > hi)) / n
        counts, _ = np.histogram(np.clip(finite, lo, hi), bins=bins if even else edges, range=(lo, hi))
        rows.append(RowHistogram(counts.astype(float), beyond, zeros))
    return rows


@dataclass
class Ridgeline:
    ax: Axes
    patches: list[StepPatch]
    notes: list[Text]
    title: Text


def draw_ridgeline(ax: Axes, max_rows: int, bins: int = 60, color: str = "C0", note_x: float = 1.02) -> Ridgeline:
    """Preallocate ``max_rows`` filled step histograms on ``ax``, and a note per row at ``note_x`` (axes fraction)."""
    edges = np.linspace(-1, 1, bins + 1)
    patches = []
    for row in range(max_rows):
        patch = ax.stairs(np.full(bins, -row), edges, baseline=-row, fill=True, alpha=0.75, color=color, lw=0.8)
        patches.append(patch)
    side = blended_transform_factory(ax.transAxes, ax.transData)
    notes = [ax.text(note_x, -row + 0.35, "", transform=side, fontsize="small", va="center", clip_on=False)
             for row in range(max_rows)]  # fmt: skip
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(5))
    title = ax.set_title("", loc="left")
    return Ridgeline(ax, patches, notes, title)


def update_ridgeline(
    art: Ridgeline,
    counts: Sequence[np.ndarray],
    edges: np.ndarray,
    notes: Sequence[str],
    title: str,
    xlabel: str,
) -> None:
    """Show one row per entry of ``counts`` (first at the top), each scaled to its own maximum.

    Each row is named by its note, beside it (text is most of a redraw's cost, so rows have no tick labels).
    """
    n = len(counts)
    if n > len(art.patches):
        raise ValueError(f"{n} rows do not fit the {len(art.patches)} preallocated ones")
    for row, patch in enumerate(art.patches):
        visible = row < n
        patch.set_visible(visible)
        art.notes[row].set_visible(visible)
        if not visible:
            continue
        c = counts[row]
        peak = c.max() if c.size and c.max() > 0 else 1.0
        patch.set_data(-row + ROW_HEIGHT * c / peak, edges, baseline=-row)
        art.notes[row].set_text(notes[row])
    art.ax.set_xlim(edges[0], edges[-1])
    art.ax.set_ylim(-n + 0.8, 1.0)

    art.ax.set_xlabel(xlabel)
    art.title.set_text(title)


@dataclass
class StatsStrip:
    ax: Axes
    mean: Line2D
    std: Line2D


def draw_stats_strip(ax: Axes) -> StatsStrip:
    """Two lines, mean and standard deviation against layer number (tick labels on the right, beside the edge)."""
    (mean,) = ax.plot([], [], "o-", color="C1", ms=4, label="mean")
    (std,) = ax.plot([], [], "s-", color="C0", ms=4, label="std")
    ax.axhline(0, color="0.7", lw=0.8, zorder=0)
    ax.set_xlabel("layer")
    ax.yaxis.tick_right()
    ax.spines[["top", "left"]].set_visible(False)
    ax.legend(handles=[std, mean], fontsize="small", frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0),
              ncols=2, handlelength=1.2, columnspacing=0.8, borderaxespad=0.2)  # fmt: skip
    return StatsStrip(ax, mean, std)


def update_stats_strip(art: StatsStrip, means: np.ndarray, stds: np.ndarray, title: str, log: bool = False) -> None:
    """Mean and std per layer; with ``log``, the std alone on a log axis (gradients that vanish over decades)."""
    layers = np.arange(1, len(means) + 1)
    art.mean.set_data(layers, means)
    art.std.set_data(layers, stds)
    art.mean.set_visible(not log)
    legend = art.ax.get_legend()
    legend.legend_handles[1].set_visible(not log)
    legend.get_texts()[1].set_visible(not log)
    positive = stds[np.isfinite(stds) & (stds > 0)]
    log = log and positive.size > 0  # all zero (zero init): no decade to show, a linear axis at 0
    art.ax.set_yscale("log" if log else "linear")  # also resets the locators the other branch set
    if log:
        plain_log_labels(art.ax.yaxis)
        lo, hi = np.log10(positive.min()), np.log10(positive.max())
        art.ax.set_ylim(10 ** (np.floor(lo) - 0.1), 10 ** (np.ceil(hi) + 0.1))
        art.ax.yaxis.set_major_locator(LogLocator(numticks=5))
    else:
        finite = np.concatenate([means[np.isfinite(means)], stds[np.isfinite(stds)], [0.0]])
        lo, hi = finite.min(), finite.max()
        pad = 0.08 * (hi - lo) if hi > lo else 1.0
        art.ax.set_ylim(lo - pad, hi + pad)
        art.ax.yaxis.set_major_locator(MaxNLocator(4))
        art.ax.yaxis.set_major_formatter(ScalarFormatter())
    art.ax.set_xlim(0.5, max(len(means), 1) + 0.5)
    art.ax.set_xticks(layers if len(layers) <= 6 else layers[:: (len(layers) + 4) // 5])
    art.ax.set_title(title, fontsize="medium", pad=1.9 * rcParams["font.size"])  # above the legend
