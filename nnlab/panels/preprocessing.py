"""Data preprocessing (CS231n notes "Neural Networks Part 2", EECS 498 lecture 10).

Three views. *point cloud*: the notes' two figures, original -> zero-centred -> normalized
and original -> decorrelated -> whitened, with training (blue) and test (orange) points;
statistics come from the training split, or, with ``leak``, from all the data. *images*:
PCA of natural image patches: the top eigenvectors, reconstruction from k components,
the variance explained, PCA beside ZCA whitening. *sensitivity*: a linear classifier's
boundary before and after normalization, and how far a small change of its weights moves it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from nnlab.core.preprocessing import PCA, MeanCenter, Standardize
from nnlab.data.images import load_cifar10, photo_patches
from nnlab.data.toy2d import correlated_gaussian
from nnlab.panels.base import Control, Panel
from nnlab.viz.preprocessing import draw_cloud, mosaic, update_cloud

VIEWS = ("point cloud", "images", "sensitivity")
PATCH = 8
N_PATCHES = 5000
SHOWN = 12  # patches shown in the reconstruction and whitening mosaics


class PreprocessingPanel(Panel):
    title = "Data preprocessing"
    description = "Mean subtraction, normalization, PCA and whitening, fitted on the training split only."
    defaults = {
        "view": "point cloud",
        "correlation": 0.8,
        "anisotropy": 3.0,
        "offset": 3.0,
        "n": 400,
        "noise_dim": False,
        "eps": 1e-5,
        "leak": False,
        "dataset": "photo patches",
        "cifar10_path": "",
        "k": 8,
        "angle": 2.0,
        "seed": 0,
    }
    controls = (
        Control("view", "view", "toggle", options=VIEWS),
        Control("correlation", "correlation", "float", -0.95, 0.95, step=0.05),
        Control("anisotropy", "anisotropy", "float", 1.0, 10.0, step=0.5),
        Control("offset", "offset", "float", 0.0, 50.0, step=0.5),
        Control("n", "points", "int", 20, 2000, step=10),
        Control("noise_dim", "low-variance noise dimension", "bool"),
        Control("eps", "whitening eps", "log", 1e-8, 10.0),
        Control("leak", "fit on all data (leak)", "bool"),
        Control("dataset", "images", "choice", options=("photo patches", "CIFAR-10")),
        Control("cifar10_path", "CIFAR-10 folder", "text"),
        Control("k", "components k", "int", 1, PATCH * PATCH),
        Control("angle", "weight change (degrees)", "float", 0.0, 20.0, step=0.5),
        Control("seed", "seed", "int", 0, 9),
    )
    presets = {
        "CS231n figures": {
            "view": "point cloud",
            "correlation": 0.8,
            "anisotropy": 3.0,
            "offset": 3.0,
            "noise_dim": False,
            "eps": 1e-5,
            "leak": False,
        },  # fmt: skip
        "whitening exaggerates noise": {"view": "point cloud", "noise_dim": True, "eps": 1e-5},
        "larger eps tames it": {"view": "point cloud", "noise_dim": True, "eps": 0.1},
        "train/test leak": {"view": "point cloud", "leak": True, "n": 40},
        "PCA of image patches": {"view": "images", "dataset": "photo patches", "k": 8},
        "far from the origin": {"view": "sensitivity", "offset": 20.0, "angle": 2.0},
    }
    figsize = (11.0, 6.5)

    def __init__(self, **state: Any) -> None:
        self._bases: dict[tuple, tuple[np.ndarray, PCA]] = {}  # the image eigenbasis, once per data set
        super().__init__(**state)

    def compute_key(self, state):
        view = state["view"]
        keys = {
            "point cloud": ("correlation", "anisotropy", "offset", "n", "noise_dim", "eps", "leak", "seed"),
            "images": ("dataset", "cifar10_path", "k", "eps"),
            "sensitivity": ("correlation", "anisotropy", "offset", "n", "angle", "seed"),
        }[view]
        return {"view": view, **{key: state[key] for key in keys}}

    def check(self, state):
        if state["view"] not in VIEWS:
            raise ValueError(f"view={state['view']!r} is not valid; choose one of: {', '.join(VIEWS)}")
        if state["eps"] < 0:
            raise ValueError(f"eps={state['eps']} must be at least 0")
        if state["view"] == "images" and not 1 <= state["k"] <= PATCH * PATCH:
            raise ValueError(f"k={state['k']} must be from 1 to {PATCH * PATCH}, the patches' dimension")

    # --- compute --------------------------------------------------------------------------------
    def compute(self, state):
        return {"point cloud": self._clouds, "images": self._images, "sensitivity": self._sensitivity}[state["view"]](
            state
        )

    def _cloud_data(self, state):
        gen = np.random.default_rng(state["seed"])
        n = int(state["n"])
        X = correlated_gaussian(n + n // 4, state["correlation"], state["anisotropy"],
                                (state["offset"], state["offset"] / 2), rng=gen)  # fmt: skip
        if state["noise_dim"]:
            # A third dimension of pure noise, 100 times smaller than the others.
            X = np.c_[X, 0.01 * gen.standard_normal(len(X))]
        return X[:n], X[n:]

    def _clouds(self, state):
        train, test = self._cloud_data(state)
        fit_on = np.r_[train, test] if state["leak"] else train
        center = MeanCenter().fit(fit_on)
        scale = Standardize().fit(fit_on)
        pca = PCA().fit(fit_on)
        white = PCA(whiten=True, eps=state["eps"]).fit(fit_on)
        last = train.shape[1] - 1  # show the first and the last principal component
        pick = [0, last]
        return {
            "rows": [
                [
                    ("original", train[:, :2], test[:, :2]),
                    ("zero-centred", center.transform(train)[:, :2], center.transform(test)[:, :2]),
                    ("normalized", scale.transform(train)[:, :2], scale.transform(test)[:, :2]),
                ],
                [
                    ("original", train[:, :2], test[:, :2]),
                    (
                        f"decorrelated (PC 1, PC {last + 1})",
                        pca.transform(train)[:, pick],
                        pca.transform(test)[:, pick],
                    ),
                    (
                        f"whitened (PC 1, PC {last + 1})",
                        white.transform(train)[:, pick],
                        white.transform(test)[:, pick],
                    ),
                ],
            ],  # fmt: skip
            "test_mean": scale.transform(test).mean(axis=0),
            "whitened_std": white.transform(train).std(axis=0),
            "eigenvalues": pca.explained_variance_,
        }

    def _basis(self, state):
        key = (state["dataset"], state["cifar10_path"])
        if key not in self._bases:
            if state["dataset"] == "CIFAR-10":
                if not state["cifar10_path"]:
                    raise ValueError("set cifar10_path to your 'cifar-10-batches-py' folder to use CIFAR-10")
                images, *_ = load_cifar10(state["cifar10_path"])
                grey = images[:N_PATCHES].astype(float).mean(axis=3) / 255.0
                gen = np.random.default_rng(0)
                r, c = gen.integers(0, 32 - PATCH + 1, (2, len(grey)))
                patches = np.stack([g[i : i + PATCH, j : j + PATCH] for g, i, j in zip(grey, r, c)])
                X = patches.reshape(len(grey), -1)
            else:
                X = photo_patches(N_PATCHES, PATCH, rng=0)
            self._bases[key] = (X, PCA().fit(X))
        return self._bases[key]

    def _images(self, state):
        X, pca = self._basis(state)
        k = int(state["k"])
        shown = X[:SHOWN]
        centered = shown - pca.mean_
        U = pca.eigenvectors_
        reconstruction = centered @ U[:, :k] @ U[:, :k].T + pca.mean_
        S = pca.explained_variance_
        pca_white = centered @ U / np.sqrt(S + state["eps"])  # coordinates in the eigenbasis
        zca_white = pca_white @ U.T  # rotated back: looks like an image again
        errors = [float(np.mean((centered @ U[:, :j] @ U[:, :j].T - centered) ** 2)) for j in (k, PATCH * PATCH)]
        return {
            "eigenvectors": U[:, :16].T.reshape(16, PATCH, PATCH),
            "originals": shown.reshape(SHOWN, PATCH, PATCH),
            "reconstruction": reconstruction.reshape(SHOWN, PATCH, PATCH),
            "pca_white": pca_white.reshape(SHOWN, PATCH, PATCH),
            "zca_white": zca_white.reshape(SHOWN, PATCH, PATCH),
            "explained": np.cumsum(pca.explained_variance_ratio_),
            "k": k,
            "error": errors[0],
            "error_full": errors[1],
        }

    def _sensitivity(self, state):
        """Two classes; a linear boundary through the data's centre; the same boundary with w rotated."""
        gen = np.random.default_rng(state["seed"])
        n = int(state["n"]) // 2
        center = np.array([state["offset"], state["offset"] / 2])
        spread = np.array([state["anisotropy"] ** 0.5, 1.0])
        a = center + spread * gen.standard_normal((n, 2)) + [0, -1.5]
        b = center + spread * gen.standard_normal((n, 2)) + [0, 1.5]
        X, y = np.r_[a, b], np.r_[np.zeros(n), np.ones(n)]
        scaler = Standardize().fit(X)
        theta = np.radians(state["angle"])
        rotate = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        out = {}
        for name, data in (("raw", X), ("normalized", scaler.transform(X))):
            w = np.array([0.0, 1.0])
            b0 = -w @ data.mean(axis=0)  # the boundary through the centre of the data
            w2 = rotate @ w  # the same classifier, weights changed by a small rotation
            before, after = (data @ w + b0 > 0), (data @ w2 + b0 > 0)
            out[name] = {"X": data, "y": y, "w": w, "w2": w2, "b": b0, "flipped": float(np.mean(before != after))}
        return out

    # --- picture --------------------------------------------------------------------------------
    def draw(self, figure, result, state):
        view = state["view"]
        if view == "point cloud":
            # The original once, on the left; the two pipelines of the CS231n notes as rows beside it.
            grid = figure.add_gridspec(2, 3, left=0.05, right=0.98, top=0.93, bottom=0.1, wspace=0.3, hspace=0.35)
            original = draw_cloud(figure.add_subplot(grid[:, 0]), "")
            rows = [[original, *(draw_cloud(figure.add_subplot(grid[r, c]), "") for c in (1, 2))] for r in range(2)]
            for art in {id(a): a for row in rows for a in row}.values():
                art.ax.xaxis.set_major_locator(MaxNLocator(3))
                art.ax.yaxis.set_major_locator(MaxNLocator(3))
            original.ax.legend(loc="upper left", fontsize="x-small", frameon=False)
            note = figure.text(0.5, 0.01, "", ha="center", fontsize="small")
            artists = {"view": view, "clouds": rows, "note": note}
        elif view == "images":
            grid = figure.add_gridspec(2, 3, hspace=0.35, wspace=0.25, left=0.04, right=0.98, top=0.92, bottom=0.08)
            names = ["eigenvectors", "originals", "reconstruction", "explained", "pca_white", "zca_white"]
            axes = dict(zip(names, [figure.add_subplot(grid[i // 3, i % 3]) for i in range(6)]))
            images = {}
            for name in names:
                if name == "explained":
                    continue
                axes[name].set_axis_off()
                images[name] = axes[name].imshow(np.zeros((2, 2)), cmap="gray", vmin=0, vmax=1,
                                                 interpolation="nearest")  # fmt: skip
            ax = axes["explained"]
            (curve,) = ax.plot([], [], "-", color="C0")
            (marker,) = ax.plot([], [], "o", color="C3")
            ax.set_xlabel("components k")
            ax.set_title("variance explained", fontsize="medium")
            ax.set_ylim(0, 1.02)
            artists = {"view": view, "axes": axes, "images": images, "curve": curve, "marker": marker}
        else:
            axes = figure.subplots(1, 2)
            parts = {}
            for ax, name in zip(axes, ("raw", "normalized")):
                s0 = ax.scatter([], [], s=7, color="C0", alpha=0.6)
                s1 = ax.scatter([], [], s=7, color="C1", alpha=0.6)
                (line,) = ax.plot([], [], "-", color="k", lw=1.5, label="boundary")
                (line2,) = ax.plot([], [], "--", color="C3", lw=1.5, label="weights changed")
                ax.axhline(0, color="0.8", lw=0.7, zorder=0)
                ax.axvline(0, color="0.8", lw=0.7, zorder=0)
                parts[name] = (ax, s0, s1, line, line2)
            axes[0].legend(loc="lower left", fontsize="small")
            artists = {"view": view, "parts": parts}
        self.update(artists, result, state)
        return artists

    def update(self, artists, result, state):
        if artists["view"] != state["view"]:
            self.figure.clear()
            self.artists = self.draw(self.figure, result, state)
            return
        getattr(self, "_update_" + state["view"].split()[0])(artists, result, state)

    def _update_point(self, artists, result, state):
        for r, row in enumerate(result["rows"]):
            for c, (title, train, test) in enumerate(row):
                if r == 1 and c == 0:
                    continue  # the original is drawn once
                art = artists["clouds"][r][c]
                update_cloud(art, train, test, 1.1 * max(np.abs(train).max(), np.abs(test).max(), 1e-9))
                art.ax.set_title(title, fontsize="medium", y=1.01)  # a fixed y skips matplotlib's title layout
        std = ", ".join(f"{s:.2f}" for s in result["whitened_std"])
        leak = "all the data (leak!)" if state["leak"] else "the training split"
        m = result["test_mean"]
        artists["note"].set_text(
            f"statistics from {leak}; normalized test-set mean ({m[0]:+.2f}, {m[1]:+.2f}); "
            f"std of the whitened components: {std} (eps = {state['eps']:.0e})"
        )

    def _update_images(self, artists, result, state):
        images, axes = artists["images"], artists["axes"]
        images["eigenvectors"].set_data(mosaic(result["eigenvectors"], 4))
        both = np.concatenate([result["originals"], result["reconstruction"]])
        tiles = mosaic(both, SHOWN // 2, normalize="global")
        half = tiles.shape[0] // 2
        images["originals"].set_data(tiles[: half + 1])
        images["reconstruction"].set_data(tiles[half:])
        images["pca_white"].set_data(mosaic(result["pca_white"], SHOWN // 2))
        images["zca_white"].set_data(mosaic(result["zca_white"], SHOWN // 2))
        for name, image in images.items():
            h, w = image.get_array().shape
            image.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
            axes[name].set_xlim(-0.5, w - 0.5)
            axes[name].set_ylim(h - 0.5, -0.5)
        k = result["k"]
        explained = result["explained"]
        artists["curve"].set_data(np.arange(1, len(explained) + 1), explained)
        artists["marker"].set_data([k], [explained[k - 1]])
        axes["explained"].set_xlim(0, len(explained) + 1)
        axes["eigenvectors"].set_title("top 16 eigenvectors", fontsize="medium")
        axes["originals"].set_title(f"{SHOWN} patches ({PATCH}x{PATCH})", fontsize="medium")
        axes["reconstruction"].set_title(f"from the top {k} components (error {result['error']:.1e})",
                                         fontsize="medium")  # fmt: skip
        axes["pca_white"].set_title("PCA-whitened (in the eigenbasis)", fontsize="medium")
        axes["zca_white"].set_title("ZCA-whitened (rotated back)", fontsize="medium")

    def _update_sensitivity(self, artists, result, state):
        for name, (ax, s0, s1, line, line2) in artists["parts"].items():
            part = result[name]
            X, y = part["X"], part["y"]
            s0.set_offsets(X[y == 0])
            s1.set_offsets(X[y == 1])
            lo, hi = X.min(axis=0), X.max(axis=0)
            pad = 0.15 * (hi - lo)
            xs = np.array([lo[0] - pad[0], hi[0] + pad[0]])
            for artist, w in ((line, part["w"]), (line2, part["w2"])):
                ys = -(w[0] * xs + part["b"]) / w[1]
                artist.set_data(xs, ys)
            ax.set_xlim(xs)
            ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
            ax.set_title(f"{name}: {part['flipped']:.0%} of the points change class", fontsize="medium")

    def describe(self, result, state):
        if state["view"] == "point cloud" and state["leak"]:
            return (
                "leak: the test points helped compute the mean, scale and eigenvectors meant to come from training data"
            )
        return ""
