"""A small fully connected network drawn as a graph: units as dots, weights as lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection

KEPT, DROPPED = "#1f77b4", "#d9d9d9"
EDGE_KEPT, EDGE_DROPPED = (0.2, 0.2, 0.2, 0.55), (0.85, 0.85, 0.85, 0.5)


@dataclass
class GraphArtists:
    units: PathCollection
    edges: LineCollection
    sizes: list[int]


def unit_positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """(x, y) of every unit, layer by layer from left to right, each layer centred vertically."""
    tallest = max(sizes)
    return [np.c_[np.full(n, float(i)), (np.arange(n) - (n - 1) / 2) * (tallest / max(n, 1)) / tallest]
            for i, n in enumerate(sizes)]  # fmt: skip


def draw_graph(ax: Axes, sizes: Sequence[int], labels: Sequence[str]) -> GraphArtists:
    positions = unit_positions(sizes)
    segments = [[a, b] for left, right in zip(positions[:-1], positions[1:]) for a in left for b in right]
    edges = LineCollection(segments, colors=[EDGE_KEPT], linewidths=0.8, zorder=1)
    ax.add_collection(edges)
    points = np.concatenate(positions)
    units = ax.scatter(points[:, 0], points[:, 1], s=260, c=KEPT, edgecolors="k", linewidths=0.8, zorder=2)
    for i, label in enumerate(labels):
        ax.text(i, -0.62, label, ha="center", va="top", fontsize="small")
    ax.set_xlim(-0.4, len(sizes) - 0.6)
    ax.set_ylim(-0.7, 0.6)
    ax.set_axis_off()
    return GraphArtists(units, edges, list(sizes))


def update_graph(art: GraphArtists, kept_units: Sequence[np.ndarray], kept_edges: Sequence[np.ndarray]) -> None:
    """Grey out dropped units (one boolean vector per layer) and dropped weights (one (n_in, n_out) matrix per pair).

    A weight from or to a dropped unit is shown as dropped too: nothing flows through it.
    """
    art.units.set_facecolors([KEPT if k else DROPPED for layer in kept_units for k in layer])
    colors = []
    for left, right, weights in zip(kept_units[:-1], kept_units[1:], kept_edges):
        flowing = left[:, None] & right[None, :] & weights
        colors += [EDGE_KEPT if f else EDGE_DROPPED for f in flowing.ravel()]
    art.edges.set_colors(colors)
