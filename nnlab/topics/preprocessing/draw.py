"""Point clouds with their covariance ellipse and eigenvectors, and image mosaics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse

from nnlab.core.preprocessing import PCA


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


def _steady(xy: np.ndarray, limit: float) -> np.ndarray:
    """``xy`` rounded to a billionth of the axis range: far below a pixel, far above rounding error. A decorrelated
    cloud's mean and eigenvectors are 0 up to +-1e-16, whose sign differs between BLAS builds; at 0, the middle of
    the axis and a pixel edge, that sign chose the row a line was drawn on."""
    return np.round(np.asarray(xy, dtype=float) / limit, 9) * limit + 0.0  # + 0.0: no -0.0


def update_cloud(art: CloudArtists, train: np.ndarray, test: np.ndarray, limit: float) -> None:
    """Show the points (2-D), the training covariance's 2-sigma ellipse and eigenvectors, within +-limit."""
    art.train.set_offsets(train)
    art.test.set_offsets(test)
    pca = PCA().fit(train)  # eigenvectors with their signs fixed (each one's largest entry positive)
    mean, values, vectors = pca.mean_, np.maximum(pca.explained_variance_, 0), pca.eigenvectors_
    angle = round(float(np.degrees(np.arctan2(vectors[1, 0], vectors[0, 0]))), 6)
    mean = _steady(mean, limit)
    art.ellipse.set_center(mean)
    art.ellipse.set_width(4 * np.sqrt(values[0]))
    art.ellipse.set_height(4 * np.sqrt(values[1]))
    art.ellipse.set_angle(angle)
    for line, value, vector in zip(art.axes_lines, values, vectors.T):
        end = _steady(mean + 2 * np.sqrt(value) * vector, limit)
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


PATCH_PANELS = ("eigenvectors", "originals", "reconstruction", "explained", "pca_white", "zca_white")


def draw_patch_gallery(figure: Any) -> dict[str, Any]:
    """Six panels: top eigenvectors, patches, their reconstruction, variance explained, PCA and ZCA whitening."""
    grid = figure.add_gridspec(2, 3, hspace=0.35, wspace=0.25, left=0.04, right=0.98, top=0.92, bottom=0.08)
    axes = dict(zip(PATCH_PANELS, [figure.add_subplot(grid[i // 3, i % 3]) for i in range(6)]))
    images = {}
    for name in PATCH_PANELS:
        if name != "explained":
            axes[name].set_axis_off()
            images[name] = axes[name].imshow(np.zeros((2, 2)), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax = axes["explained"]
    (curve,) = ax.plot([], [], "-", color="C0")
    (marker,) = ax.plot([], [], "o", color="C3")
    ax.set_xlabel("components k")
    ax.set_title("variance explained", fontsize="medium")
    ax.set_ylim(0, 1.02)
    return {"axes": axes, "images": images, "curve": curve, "marker": marker}


def update_patch_gallery(art: dict[str, Any], result: dict[str, Any], shown: int, patch: int) -> None:
    images, axes = art["images"], art["axes"]
    images["eigenvectors"].set_data(mosaic(result["eigenvectors"], 4))
    both = np.concatenate([result["originals"], result["reconstruction"]])
    tiles = mosaic(both, shown // 2, normalize="global")  # one grey scale for patches and reconstructions
    half = tiles.shape[0] // 2
    images["originals"].set_data(tiles[: half + 1])
    images["reconstruction"].set_data(tiles[half:])
    images["pca_white"].set_data(mosaic(result["pca_white"], shown // 2))
    images["zca_white"].set_data(mosaic(result["zca_white"], shown // 2))
    for name, image in images.items():
        h, w = image.get_array().shape
        image.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
        axes[name].set_xlim(-0.5, w - 0.5)
        axes[name].set_ylim(h - 0.5, -0.5)
    k, explained = result["k"], result["explained"]
    art["curve"].set_data(np.arange(1, len(explained) + 1), explained)
    art["marker"].set_data([k], [explained[k - 1]])
    axes["explained"].set_xlim(0, len(explained) + 1)
    axes["eigenvectors"].set_title("top 16 eigenvectors", fontsize="medium")
    axes["originals"].set_title(f"{shown} patches ({patch}x{patch})", fontsize="medium")
    axes["reconstruction"].set_title(f"top {k} components\n(error {result['error']:.1e})", fontsize="medium")
    axes["pca_white"].set_title(f"PCA-whitened, top {k},\nback in pixels", fontsize="medium")
    axes["zca_white"].set_title("ZCA-whitened\n(all components)", fontsize="medium")


def draw_sensitivity(figure: Any) -> dict[str, Any]:
    """Raw and normalized data side by side, each with a boundary and the boundary after a small weight change."""
    parts = {}
    for ax, name in zip(figure.subplots(1, 2), ("raw", "normalized")):
        s0 = ax.scatter([], [], s=7, color="C0", alpha=0.6)
        s1 = ax.scatter([], [], s=7, color="C1", alpha=0.6)
        (line,) = ax.plot([], [], "-", color="k", lw=1.5, label="boundary")
        (line2,) = ax.plot([], [], "--", color="C3", lw=1.5, label="weights changed")
        ax.axhline(0, color="0.8", lw=0.7, zorder=0)
        ax.axvline(0, color="0.8", lw=0.7, zorder=0)
        parts[name] = (ax, s0, s1, line, line2)
    parts["raw"][0].legend(loc="lower left", fontsize="small")
    return parts


def update_sensitivity(parts: dict[str, Any], result: dict[str, Any]) -> None:
    for name, (ax, s0, s1, line, line2) in parts.items():
        part = result[name]
        X, y = part["X"], part["y"]
        s0.set_offsets(X[y == 0])
        s1.set_offsets(X[y == 1])
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.15 * (hi - lo)
        xs = np.array([lo[0] - pad[0], hi[0] + pad[0]])
        for artist, w in ((line, part["w"]), (line2, part["w2"])):
            artist.set_data(xs, -(w[0] * xs + part["b"]) / w[1])
        ax.set_xlim(xs)
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        ax.set_title(f"{name}: {part['flipped']:.0%} of the points change class", fontsize="medium")


CHANNEL_COLORS = ("#d62728", "#2ca02c", "#1f77b4")


def draw_channels(figure: Any, names: list[str]) -> dict[str, Any]:
    """A row of images (one per preprocessing) above a row of per-channel histograms on one shared value axis."""
    grid = figure.add_gridspec(2, len(names), height_ratios=(1.6, 1), left=0.04, right=0.98, top=0.9, bottom=0.1,
                               wspace=0.25, hspace=0.45)  # fmt: skip
    images, hists = [], []
    for i, name in enumerate(names):
        ax = figure.add_subplot(grid[0, i])
        ax.set_axis_off()
        images.append(ax.imshow(np.zeros((2, 2, 3)), interpolation="nearest"))
        ax.set_title(name if i == 0 else f"{name}\n(shown as 0.5 + x / 4)", fontsize="small")
        hist_ax = figure.add_subplot(grid[1, i])
        stairs = [hist_ax.stairs([0], [0, 1], color=color, lw=1.4, label=label)
                  for color, label in zip(CHANNEL_COLORS, "RGB")]  # fmt: skip
        hist_ax.set_xlim(-2.5, 2.5)
        hist_ax.set_yticks([])
        hist_ax.spines[["top", "right", "left"]].set_visible(False)
        hist_ax.set_xlabel("pixel value")
        hists.append((hist_ax, stairs))
    hists[0][0].legend(loc="upper right", fontsize="x-small", frameon=False)
    return {"images": images, "hists": hists}


def update_channels(art: dict[str, Any], result: dict[str, Any]) -> None:
    """Each preprocessing's image (the original as it is, the others mapped to 0.5 + x / 4, clipped) and the
    histograms of the data set's values per channel."""
    edges = np.linspace(-2.5, 2.5, 101)
    for i, (image, (hist_ax, stairs), out) in enumerate(zip(art["images"], art["hists"], result.values())):
        shown = out["image"] if i == 0 else 0.5 + out["image"] / 4
        image.set_data(np.clip(shown, 0, 1))
        h, w = shown.shape[:2]
        image.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
        image.axes.set_xlim(-0.5, w - 0.5)
        image.axes.set_ylim(h - 0.5, -0.5)
        top = 0.0
        for c, stair in enumerate(stairs):
            counts, _ = np.histogram(np.clip(out["values"][:, c], edges[0], edges[-1]), bins=edges)
            stair.set_data(counts, edges)
            top = max(top, counts.max())
        hist_ax.set_ylim(0, 1.05 * max(top, 1))
