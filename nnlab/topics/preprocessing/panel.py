"""Data preprocessing (CS231n notes "Neural Networks Part 2", EECS 498 lecture 10).

Three views. *point cloud*: the notes' two figures, original -> zero-centred -> normalized
and original -> decorrelated -> whitened, with training (blue) and test (orange) points;
statistics come from the training split, or, with ``leak``, from all the data. *images*:
PCA of natural image patches: the top eigenvectors, reconstruction from k components,
the variance explained, PCA beside ZCA whitening. *sensitivity*: a linear classifier's
boundary before and after normalization, and how far a small change of its weights moves it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import MaxNLocator

from nnlab.app.base import Control, Panel, View
from nnlab.core._checks import SettingError
from nnlab.core.preprocessing import PCA, ZCA, MeanCenter, MinMaxScale, Standardize
from nnlab.data.images import cifar10_patches, photo_crops, photo_patches, photo_rgb
from nnlab.data.toy2d import correlated_gaussian
from nnlab.topics.preprocessing.draw import (
    draw_channels,
    draw_cloud,
    draw_patch_gallery,
    draw_sensitivity,
    update_channels,
    update_cloud,
    update_patch_gallery,
    update_sensitivity,
)

PATCH = 8
N_PATCHES = 5000
CROPS = 400  # colour crops whose channel statistics the channels view uses
CLOUD = ("correlation", "anisotropy", "offset", "n", "noise_dim", "eps", "leak", "scaling", "seed")
SENSITIVITY = ("anisotropy", "offset", "n", "angle", "seed")


class PointCloud(View):
    keys = CLOUD

    @staticmethod
    def data(state):
        gen = np.random.default_rng(state["seed"])
        n = state["n"]
        X = correlated_gaussian(n + n // 4, state["correlation"], state["anisotropy"],
                                (state["offset"], state["offset"] / 2), rng=gen)  # fmt: skip
        if state["noise_dim"]:  # a third dimension of pure noise, 100 times smaller than the others
            X = np.c_[X, 0.01 * gen.standard_normal(len(X))]
        return X[:n], X[n:]

    def compute(self, state):
        train, test = self.data(state)
        fit_on = np.r_[train, test] if state["leak"] else train
        center = MeanCenter().fit(fit_on)
        # CS231n notes: normalize by the std, or scale each feature's range to [-1, 1]
        scale = (Standardize() if state["scaling"] == "std" else MinMaxScale()).fit(fit_on)
        pca, white = PCA().fit(fit_on), PCA(whiten=True, eps=state["eps"]).fit(fit_on)
        last = train.shape[1] - 1  # show the first and the last principal component
        pick = [0, last]

        def pair(title, t, columns=slice(0, 2)):
            return title, t.transform(train)[:, columns], t.transform(test)[:, columns]

        return {
            "rows": [
                [
                    ("original", train[:, :2], test[:, :2]),
                    pair("zero-centred", center),
                    pair("normalized" if state["scaling"] == "std" else "min-max to [-1, 1]", scale),
                ],
                [
                    ("original", train[:, :2], test[:, :2]),
                    pair(f"decorrelated (PC 1, PC {last + 1})", pca, pick),
                    pair(f"whitened (PC 1, PC {last + 1})", white, pick),
                ],
            ],  # fmt: skip
            "test_mean": scale.transform(test).mean(axis=0),
            "whitened_std": white.transform(train).std(axis=0),
            "eigenvalues": pca.explained_variance_,
        }

    def draw(self, figure, result, state):
        # The original once, on the left; the two pipelines of the CS231n notes as rows beside it.
        grid = figure.add_gridspec(2, 3, left=0.05, right=0.98, top=0.93, bottom=0.1, wspace=0.3, hspace=0.35)
        original = draw_cloud(figure.add_subplot(grid[:, 0]), "")
        rows = [[original, *(draw_cloud(figure.add_subplot(grid[r, c]), "") for c in (1, 2))] for r in range(2)]
        for art in {id(a): a for row in rows for a in row}.values():
            art.ax.xaxis.set_major_locator(MaxNLocator(3))
            art.ax.yaxis.set_major_locator(MaxNLocator(3))
        original.ax.legend(loc="upper left", fontsize="x-small", frameon=False)
        return {"clouds": rows, "note": figure.text(0.5, 0.01, "", ha="center", fontsize="small")}

    def update(self, artists, result, state):
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

    def describe(self, result, state):
        if state["leak"]:
            return (
                "leak: the test points helped compute the mean, scale and eigenvectors meant to come from training data"
            )
        return ""


@lru_cache(maxsize=2)  # bounded: two data sets of 5000 x 64 patches
def _patches(dataset: str, folder: str) -> np.ndarray:
    if dataset == "CIFAR-10":
        if not folder:
            raise SettingError("set cifar10_path to your 'cifar-10-batches-py' folder to use CIFAR-10")
        return cifar10_patches(folder, N_PATCHES, PATCH, rng=0)
    return photo_patches(N_PATCHES, PATCH, rng=0)


class Images(View):
    keys = ("dataset", "cifar10_path", "k", "eps", "tiles")

    def compute(self, state):
        X = _patches(state["dataset"], state["cifar10_path"] if state["dataset"] == "CIFAR-10" else "")
        tiles = state["tiles"]
        pca, k, shown = PCA().fit(X), state["k"], X[:tiles]
        white = PCA(whiten=True, eps=state["eps"]).fit(X)
        # PCA-whitened coordinates are not pixels; the top k of them, mapped back by their eigenvectors, are
        # (U_k x_white: with all components this is ZCA).
        U = pca.eigenvectors_[:, :k]
        errors = [float(np.mean((pca.reconstruct(shown, j) - shown) ** 2)) for j in (k, PATCH * PATCH)]
        return {
            "eigenvectors": pca.eigenvectors_[:, :16].T.reshape(16, PATCH, PATCH),
            "originals": shown.reshape(tiles, PATCH, PATCH),
            "reconstruction": pca.reconstruct(shown, k).reshape(tiles, PATCH, PATCH),
            "pca_white": (white.transform(shown)[:, :k] @ U.T).reshape(tiles, PATCH, PATCH),
            "zca_white": ZCA(eps=state["eps"]).fit(X).transform(shown).reshape(tiles, PATCH, PATCH),
            "explained": np.cumsum(pca.explained_variance_ratio_),
            "k": k,
            "error": errors[0],
            "error_full": errors[1],
        }

    def draw(self, figure, result, state):
        return draw_patch_gallery(figure)

    def update(self, artists, result, state):
        update_patch_gallery(artists, result, state["tiles"], PATCH)


@lru_cache(maxsize=1)
def _crops() -> np.ndarray:
    return photo_crops(CROPS, 32, rng=0)


class Channels(View):
    """What per-channel preprocessing does to a colour image: VGG subtracts each channel's training mean,
    ResNet also divides by each channel's std, min-max maps each channel's training range to [-1, 1] (CS231n
    notes, EECS 498 lecture 10); statistics from CROPS crops of the photograph, applied to a larger crop."""

    keys = ()

    def compute(self, state):
        crops = _crops()
        example = photo_rgb()[100:356:2, 130:386:2]  # the face, 128 x 128
        minmax = MinMaxScale().fit(crops.reshape(-1, 3))  # per channel: pixels as rows, channels as columns
        steps = {
            "original": lambda x: x,
            "- channel mean (VGG)": MeanCenter("channel").fit(crops).transform,
            "(- mean) / std per channel (ResNet)": Standardize("channel").fit(crops).transform,
            "min-max to [-1, 1] per channel": lambda x: minmax.transform(x.reshape(-1, 3)).reshape(x.shape),
        }
        return {name: {"image": f(example[None])[0], "values": f(crops).reshape(-1, 3)} for name, f in steps.items()}

    def draw(self, figure, result, state):
        return draw_channels(figure, list(result))

    def update(self, artists, result, state):
        update_channels(artists, result)

    def describe(self, result, state):
        means = result["(- mean) / std per channel (ResNet)"]["values"].mean(axis=0)
        shown = ", ".join(f"{m:.2f}" if abs(m) >= 0.005 else "0.00" for m in means)
        return f"after ResNet-style scaling each channel has mean {shown} and std 1"


class Sensitivity(View):
    """Two classes; a linear boundary through the data's centre; the same boundary with w rotated."""

    keys = SENSITIVITY

    def compute(self, state):
        gen = np.random.default_rng(state["seed"])
        n = state["n"] // 2
        center = np.array([state["offset"], state["offset"] / 2])
        spread = np.array([state["anisotropy"] ** 0.5, 1.0])
        a = center + spread * gen.standard_normal((n, 2)) + [0, -1.5]
        b = center + spread * gen.standard_normal((n, 2)) + [0, 1.5]
        X, y = np.r_[a, b], np.r_[np.zeros(n), np.ones(n)]
        theta = np.radians(state["angle"])
        rotate = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        out = {}
        for name, data in (("raw", X), ("normalized", Standardize().fit(X).transform(X))):
            w = np.array([0.0, 1.0])
            b0 = -w @ data.mean(axis=0)  # the boundary through the centre of the data
            w2 = rotate @ w  # the same classifier, weights changed by a small rotation
            before, after = (data @ w + b0 > 0), (data @ w2 + b0 > 0)
            out[name] = {"X": data, "y": y, "w": w, "w2": w2, "b": b0, "flipped": float(np.mean(before != after))}
        return out

    def draw(self, figure, result, state):
        return draw_sensitivity(figure)

    def update(self, artists, result, state):
        update_sensitivity(artists, result)


class PreprocessingPanel(Panel, name="preprocessing"):
    title = "Data preprocessing"
    description = "Mean subtraction, normalization, PCA and whitening, fitted on the training split only."
    views = {"point cloud": PointCloud(), "images": Images(), "channels": Channels(), "sensitivity": Sensitivity()}
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
        "tiles": 6,
        "scaling": "std",
        "angle": 2.0,
        "seed": 0,
    }
    _cloud, _both = ("point cloud",), ("point cloud", "sensitivity")
    controls = (
        Control("view", "view", "toggle", options=tuple(views)),
        Control("correlation", "correlation", "float", -0.95, 0.95, step=0.05, views=_cloud),
        Control("anisotropy", "anisotropy", "float", 1.0, 10.0, step=0.5, views=_both),
        Control("offset", "offset", "float", 0.0, 50.0, step=0.5, views=_both),
        Control("n", "points", "int", 20, 2000, step=10, views=_both),
        Control("noise_dim", "low-variance noise dimension", "bool", views=_cloud),
        Control("eps", "whitening eps", "log", 1e-8, 10.0, views=("point cloud", "images")),
        Control("leak", "fit on all data (leak)", "bool", views=_cloud),
        Control("dataset", "images", "choice", options=("photo patches", "CIFAR-10"), views=("images",)),
        Control("cifar10_path", "CIFAR-10 folder", "text", views=("images",)),
        Control("k", "components k", "int", 1, PATCH * PATCH, views=("images",)),
        Control("tiles", "patches shown", "toggle", options=(2, 6, 12), views=("images",)),
        Control("scaling", "normalize by", "toggle", options=("std", "min-max to [-1, 1]"), views=_cloud),
        Control("angle", "weight change (degrees)", "float", 0.0, 20.0, step=0.5, views=("sensitivity",)),
        Control("seed", "seed", "int", 0, 9, views=_both),
    )
    presets = {
        "CS231n figures": {"view": "point cloud"},
        "whitening exaggerates noise": {"view": "point cloud", "noise_dim": True, "eps": 1e-5},
        "larger eps tames it": {"view": "point cloud", "noise_dim": True, "eps": 0.1},
        "train/test leak": {"view": "point cloud", "leak": True, "n": 40},
        "PCA of image patches": {"view": "images", "dataset": "photo patches", "k": 8},
        "per-channel: VGG, ResNet": {"view": "channels"},
        "far from the origin": {"view": "sensitivity", "offset": 20.0, "angle": 2.0},
    }
    figsize = (10.0, 5.9)
