"""Point clouds with their covariance ellipse and eigenvectors, and image mosaics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse


@dataclass
class CloudArtists:
    ax: Axes
    train: PathCollection
    test: PathCollection
    ellipse: Ellipse
    axes_lines: list[Line2D]


def draw_cloud(ax: Axes, title: str) -> CloudArtists:
    """Empty training (blue) and test (orange) scatters, a 2-sigma covariance ellipse and two eigenvector arrows."""
    train = ax.scatter([], [], s=6, color="C0", alpha=0.5, label="train")
    test = ax.scatter([], [], s=9, color="C1", alpha=0.8, marker="x", lw=0.8, label="test")
    ellipse = Ellipse((0, 0), 1, 1, fill=False, color="k", lw=1.2)
    ax.add_patch(ellipse)
    lines = [ax.plot([], [], "-", color=c, lw=2)[0] for c in ("C3", "C2")]
    ax.axhline(0, color="0.8", lw=0.7, zorder=0)
    ax.axvline(0, color="0.8", lw=0.7, zorder=0)
    ax.set_title(title, fontsize="medium")
    ax.set_aspect("equal", adjustable="box")
    ax.tick_params(labelsize="small")
    return CloudArtists(ax, train, test, ellipse, lines)


def update_cloud(art: CloudArtists, train: np.ndarray, test: np.ndarray, limit: float) -> None:
    """Show the points (2-D), the training covariance's 2-sigma ellipse and eigenvectors, within +-limit."""
    art.train.set_offsets(train)
    art.test.set_offsets(test)
    mean = train.mean(axis=0)
    centered = train - mean
    cov = centered.T @ centered / len(train)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values, vectors = np.maximum(values[order], 0), vectors[:, order]
    angle = np.degrees(np.arctan2(vectors[1, 0], vectors[0, 0]))
    art.ellipse.set_center(mean)
    art.ellipse.set_width(4 * np.sqrt(values[0]))
    art.ellipse.set_height(4 * np.sqrt(values[1]))
    art.ellipse.set_angle(angle)
    for line, value, vector in zip(art.axes_lines, values, vectors.T):
        end = mean + 2 * np.sqrt(value) * vector
        line.set_data([mean[0], end[0]], [mean[1], end[1]])
    art.ax.set_xlim(-limit, limit)
    art.ax.set_ylim(-limit, limit)


def mosaic(images: np.ndarray, cols: int, pad: int = 1, normalize: str = "each") -> np.ndarray:
    """Tile (n, h, w) images into one (rows, cols) grid image with white padding.

    ``normalize='each'`` stretches every tile to [0, 1] (for eigenvectors and whitened patches);
    ``'global'`` keeps one scale for all (for patches and their reconstructions side by side).
    """
    n, h, w = images.shape
    rows = -(-n // cols)
    grid = np.ones((rows * (h + pad) + pad, cols * (w + pad) + pad))
    if normalize == "each":
        lo = images.reshape(n, -1).min(axis=1)[:, None, None]
        hi = images.reshape(n, -1).max(axis=1)[:, None, None]
    else:
        lo, hi = images.min(), images.max()
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    scaled = (images - lo) / span
    for k in range(n):
        r, c = divmod(k, cols)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (w + pad) : pad + c * (w + pad) + w] = scaled[k]
    return grid
