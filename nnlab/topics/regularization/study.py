"""The regularization experiments of the lectures (CS231n notes "Neural Networks Part 2" and lecture 7, CMU 11-785
"Optimization part 2" and "Regularization", EECS 498 lecture 10), trained with the core's network, trainer and
regularizers, and the augmentations of :mod:`nnlab.core.augment`.

- L2, L1 and elastic net on the same network: L1 leaves many weights (nearly) zero (:func:`penalties`);
- max-norm: at a learning rate where the plain run blows up, projecting each unit's weights to norm <= c keeps
  it finite (:func:`max_norm`);
- large weights make a steep sigmoid and an overfit boundary; L2 keeps it smooth (:func:`steep`);
- early stopping: train and validation loss per epoch, the best validation epoch's weights kept
  (:func:`early_stopping`);
- depth against smoothness for the same number of neurons (:func:`depth`);
- augmentation against a small training set (:func:`augmentation_effect`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from nnlab.core import augment
from nnlab.core._checks import SettingError, as_generator, check_choice, check_int, check_number
from nnlab.core.losses import softmax, softmax_cross_entropy
from nnlab.core.model import Network, NetworkSpec
from nnlab.core.train import TrainConfig, Trainer
from nnlab.data.toy2d import make_dataset, region_grid, split

NEAR_ZERO = 1e-3  # a weight below this in magnitude counts as (nearly) zero
PENALTIES = ("none", "l2", "l1", "elastic_net")
GRID = 80  # decision regions are GRID x GRID


MOONS = (200, 0.3)  # points and noise of the moons that the penalties and the depth views train on
FEW_MOONS = (50, 0.35)  # the steep sigmoid's: few enough to overfit


@lru_cache(maxsize=8)
def moons(points: int, noise: float, seed: int) -> Any:
    """Noisy moons split 60 / 40 into training and validation (a :class:`nnlab.data.toy2d.Split`)."""
    X, y = make_dataset("moons", n=check_int("points", points, low=10), noise=noise, rng=seed)
    return split(X, y, val=0.4, test=0.0, rng=seed)


@lru_cache(maxsize=8)
def _spiral(seed: int) -> Any:
    X, y = make_dataset("spiral", rng=seed)
    return split(X, y, val=0.4, test=0.0, rng=seed)


def grid_of(X: np.ndarray, points: int = GRID) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """A points x points grid over the data's box (margin 0.3): the (points^2, 2) inputs and the extent."""
    grid = region_grid(X, points)
    return grid.inputs, grid.extent


def class_one(network: Network, inputs: np.ndarray) -> np.ndarray:
    """P(class 1) on a square grid of inputs, as an image."""
    side = int(round(np.sqrt(inputs.shape[0])))
    return softmax(network.forward(inputs, train=False))[:, 1].reshape(side, side)


@dataclass
class Fit:
    """One trained network and what the pictures need of it."""

    weights: np.ndarray  # every weight matrix's entries (no biases), flattened
    near_zero: float  # fraction of |w| < NEAR_ZERO
    train_acc: float
    val_acc: float
    regions: np.ndarray  # P(class 1) on the grid
    status: str = "finished"
    losses: list[float] = field(default_factory=list)


def _fit(network: Network, trainer: Trainer, inputs: np.ndarray) -> Fit:
    history = trainer.history
    weights = np.concatenate([a.ravel() for _, name, a in network.params if name == "W"])
    regions = class_one(network, inputs) if np.all(np.isfinite(weights)) else np.full((GRID, GRID), np.nan)
    return Fit(weights, float(np.mean(np.abs(weights) < NEAR_ZERO)), history.train_acc[-1], history.val_acc[-1],
               regions, history.status, list(history.loss))  # fmt: skip


def _train(spec: NetworkSpec, data: Any, inputs: np.ndarray, **config: Any) -> Fit:
    network = Network(spec)
    trainer = Trainer(network, data.X_train, data.y_train, data.X_val, data.y_val, TrainConfig(**config))
    trainer.run()
    return _fit(network, trainer, inputs)


# --- L2, L1, elastic net ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)  # the same settings give the same run: a preset pressed again is instant
def penalties(lam: float, seed: int = 0, epochs: int = 300) -> tuple[dict[str, Fit], tuple]:
    """The same 2-50-50-2 ReLU network on noisy moons (120 training points), SGD with momentum 0.9 at 0.1, full
    batch, with each regularizer at strength ``lam`` (elastic net: l1 = l2 = lam). Returns the fits and the grid's
    extent. (With Adam, whose steps are about lr whatever the gradient, the L1 weights hover around 0 at about lr
    instead of settling there.)"""
    lam = check_number("lam", lam, low=0.0)
    data = moons(*MOONS, seed)
    inputs, extent = grid_of(np.r_[data.X_train, data.X_val])
    spec = NetworkSpec(sizes=[2, 50, 50, 2], seed=seed)
    params = {"none": {}, "l2": {"lam": lam}, "l1": {"lam": lam}, "elastic_net": {"l1": lam, "l2": lam}}
    fits = {name: _train(spec, data, inputs, optimizer="momentum", optimizer_params={"lr": 0.1, "momentum": 0.9},
                         regularizer=name,
                         regularizer_params=params[name], batch_size=len(data.y_train), epochs=epochs, seed=seed)
            for name in PENALTIES}  # fmt: skip
    return fits, extent


# --- max-norm ---------------------------------------------------------------------------------------------------------
@dataclass
class MaxNormRun:
    losses: list[float]
    max_norms: list[float]  # the largest incoming-weight norm of any unit, after each step
    status: str
    val_acc: float


@lru_cache(maxsize=8)  # the same settings give the same run: a preset pressed again is instant
def max_norm(lr: float, c: float, seed: int = 0, epochs: int = 50) -> dict[str, MaxNormRun]:
    """SGD with momentum 0.9 at ``lr`` on the spiral, 2-100-100-3 ReLU, batch 30, without and with max-norm ``c``
    (CS231n: c of 3 or 4; Srivastava et al. 2014 use it with high learning rates). A run stops as the lecture's
    search does once its loss passes 3x its first value (the core's ``divergence_factor``)."""
    lr = check_number("lr", lr, low=0.0, low_open=True)
    c = check_number("c", c, low=0.0, low_open=True)
    data = _spiral(seed)
    spec = NetworkSpec(sizes=[2, 100, 100, 3], seed=seed)
    out = {}
    for name, regularizer, params in (("plain", "none", {}), ("max-norm", "max_norm", {"c": c})):
        network = Network(spec)
        config = TrainConfig(optimizer="momentum", optimizer_params={"lr": lr, "momentum": 0.9}, batch_size=30,
                             epochs=epochs, regularizer=regularizer, regularizer_params=params, seed=seed)  # fmt: skip
        trainer = Trainer(network, data.X_train, data.y_train, data.X_val, data.y_val, config)
        norms: list[float] = []
        with np.errstate(all="ignore"):
            while not trainer.done:
                trainer.step()
                norms.append(max(float(np.sqrt((a * a).sum(axis=0)).max()) for _, n, a in network.params if n == "W"))
        history = trainer.history
        out[name] = MaxNormRun(list(history.loss), norms, history.status, history.val_acc[-1])
    return out


# --- large weights make a steep sigmoid -------------------------------------------------------------------------------
def sigmoid_curves(weights: tuple[float, ...], x: np.ndarray) -> dict[float, np.ndarray]:
    """sigmoid(w x) for each w: the larger |w|, the closer to a step."""
    return {w: 1.0 / (1.0 + np.exp(-np.clip(w * x, -500, 500))) for w in weights}


@lru_cache(maxsize=8)  # the same settings give the same run: a preset pressed again is instant
def steep(lam: float, seed: int = 0, epochs: int = 2000) -> tuple[dict[str, Fit], tuple, dict[str, float]]:
    """A 2-50-2 sigmoid network on 30 noisy points, trained long with Adam, without and with L2 at ``lam``:
    returns the fits, the extent, and each run's largest first-layer weight magnitude."""
    lam = check_number("lam", lam, low=0.0)
    data = moons(*FEW_MOONS, seed)
    inputs, extent = grid_of(np.r_[data.X_train, data.X_val])
    spec = NetworkSpec(sizes=[2, 50, 2], activation="sigmoid", init="xavier_normal", seed=seed)
    fits, largest = {}, {}
    for name, regularizer, params in (("no penalty", "none", {}), ("L2", "l2", {"lam": lam})):
        network = Network(spec)
        config = TrainConfig(optimizer="adam", optimizer_params={"lr": 0.05}, batch_size=len(data.y_train),
                             epochs=epochs, regularizer=regularizer, regularizer_params=params, seed=seed)  # fmt: skip
        trainer = Trainer(network, data.X_train, data.y_train, data.X_val, data.y_val, config)
        trainer.run()
        fits[name] = _fit(network, trainer, inputs)
        largest[name] = float(np.abs(network.params[0][2]).max())
    return fits, extent, largest


# --- early stopping ---------------------------------------------------------------------------------------------------
@dataclass
class Stopping:
    train_loss: list[float]  # per epoch, the data loss on all of each split (epoch 0: before training)
    val_loss: list[float]
    val_acc: list[float]
    best_epoch: int  # the core's: the epoch of the best validation accuracy
    stopped_at: int
    kept_val_acc: float  # the kept weights' validation accuracy (equals val_acc[best_epoch])
    message: str
    epochs: int  # at most, without early stopping


@lru_cache(maxsize=8)  # the same settings give the same run: a preset pressed again is instant
def early_stopping(patience: int, seed: int = 0, epochs: int = 150) -> Stopping:
    """A 64-200-10 ReLU network on 60 digits (validation: 500 others), SGD with momentum at 0.05, batch 20: it
    overfits. The core's ``patience`` stops once validation accuracy has not improved for that many epochs and
    keeps the best epoch's weights (0: no early stopping)."""
    from nnlab.data.images import load_digits_set

    patience = check_int("patience", patience, low=0, high=epochs)
    X, y = load_digits_set()
    order = as_generator(seed).permutation(len(y))
    tr, va = order[:60], order[60:560]
    network = Network(NetworkSpec(sizes=[64, 200, 10], seed=seed))
    config = TrainConfig(optimizer="momentum", optimizer_params={"lr": 0.05, "momentum": 0.9}, batch_size=20,
                         epochs=epochs, patience=patience or None, seed=seed)  # fmt: skip
    trainer = Trainer(network, X[tr], y[tr], X[va], y[va], config)
    train_loss, val_loss = [], []

    def record(_: Trainer) -> None:
        train_loss.append(softmax_cross_entropy(network.forward(X[tr], train=False), y[tr])[0])
        val_loss.append(softmax_cross_entropy(network.forward(X[va], train=False), y[va])[0])

    record(trainer)
    trainer.run(on_epoch=[record])
    history = trainer.history
    kept = float(np.mean(np.argmax(network.forward(X[va], train=False), axis=1) == y[va]))
    return Stopping(train_loss, val_loss, list(history.val_acc), history.best_epoch, history.epoch, kept,
                    history.message, epochs)  # fmt: skip


# --- depth against smoothness -----------------------------------------------------------------------------------------
DEPTHS = (1, 2, 4)
# The data of the depth view: noisy moons (few points, noisy labels), or CMU 11-785's setting for "deeper networks
# impose more smoothness": many points (1,000-10,000 on the slide) labelled by a clean target region.
DEPTH_DATA = ("noisy moons", "clean star (CMU)")
STAR_POINTS, STAR_BOX = 2000, 1.6


def in_star(X: np.ndarray) -> np.ndarray:
    """The clean target: 1 inside the five-pointed region r < 0.9 + 0.35 cos(5 theta), else 0."""
    X = np.asarray(X, dtype=float)
    return (np.hypot(X[:, 0], X[:, 1]) < 0.9 + 0.35 * np.cos(5 * np.arctan2(X[:, 1], X[:, 0]))).astype(np.intp)


def star(seed: int, points: int = STAR_POINTS) -> Any:
    """``points`` uniform in [-1.6, 1.6]^2 labelled by :func:`in_star`, no noise; split 80 / 20."""
    X = as_generator(seed).uniform(-STAR_BOX, STAR_BOX, (points, 2))
    return split(X, in_star(X), val=0.2, test=0.0, rng=seed)


def roughness(network: Network, inputs: np.ndarray) -> float:
    """How much P(class 1) changes between neighbouring grid cells, on average (total variation per cell)."""
    p = class_one(network, inputs)
    return float((np.abs(np.diff(p, axis=0)).mean() + np.abs(np.diff(p, axis=1)).mean()) / 2)


def depth_data(data: str, seed: int) -> Any:
    """The training and validation split of the depth view (see :data:`DEPTH_DATA`)."""
    if check_choice("data", data, DEPTH_DATA) == "noisy moons":
        return moons(*MOONS, seed)
    return star(seed)


@dataclass
class Depth:
    """The same units in 1, 2 and 4 layers: each fit, its :func:`roughness`, and for a clean target the share of
    the picture each classifies otherwise than the target (empty for noisy moons, whose truth is not a region)."""

    fits: dict[int, Fit]
    rough: dict[int, float]
    extent: tuple
    off_target: dict[int, float]


@lru_cache(maxsize=8)  # the same settings give the same run: a preset pressed again is instant
def depth(neurons: int, seed: int = 0, epochs: int = 400, data: str = "noisy moons") -> Depth:
    """The same number of hidden ReLU units split over 1, 2 and 4 layers, trained alike (Adam 0.01, full batch) on
    ``data``; each fit and its :func:`roughness` (CMU 11-785, "smoothness through network structure")."""
    neurons = check_int("neurons", neurons, low=4, high=512)
    points = depth_data(data, seed)
    inputs, extent = grid_of(np.r_[points.X_train, points.X_val])
    truth = in_star(inputs).reshape(GRID, GRID) if data != "noisy moons" else None
    fits, rough, off = {}, {}, {}
    for layers in DEPTHS:
        spec = NetworkSpec(sizes=[2, *[max(1, neurons // layers)] * layers, 2], seed=seed)
        network = Network(spec)
        trainer = Trainer(network, points.X_train, points.y_train, points.X_val, points.y_val,
                          TrainConfig(optimizer="adam", optimizer_params={"lr": 0.01}, batch_size=len(points.y_train),
                                      epochs=epochs, seed=seed))  # fmt: skip
        trainer.run()
        fits[layers] = _fit(network, trainer, inputs)
        rough[layers] = roughness(network, inputs)
        if truth is not None:
            off[layers] = float(np.mean((fits[layers].regions > 0.5) != truth))
    return Depth(fits, rough, extent, off)


# --- augmentation against a small training set ------------------------------------------------------------------------
AUGMENTATIONS = ("none", "shifts", "cutout", "shifts + cutout", "flips")
COPIES, STEPS = 4, 1000  # augmented copies of each training digit; training steps of every run


def augment_digits(images: np.ndarray, how: str, rng: np.random.Generator) -> np.ndarray:
    """One augmented copy of each 8 x 8 image (flattened rows): shifts of up to 1 pixel (``random_crop`` pad 1),
    a 3 x 3 cutout, both, or a horizontal flip (which turns some digits into others)."""
    out = []
    for row in images:
        img = row.reshape(8, 8)
        if how in ("shifts", "shifts + cutout"):
            img = augment.random_crop(img, rng, pad=1)
        if how in ("cutout", "shifts + cutout"):
            img = augment.cutout(img, rng, size=3)[0]
        if how == "flips":
            img = augment.hflip(img) if rng.random() < 0.5 else img
        out.append(img.ravel())
    return np.array(out)


@dataclass
class AugmentationEffect:
    val_acc: dict[str, list[float]]  # per augmentation, validation accuracy per epoch
    final: dict[str, float]
    steps_per_epoch: dict[str, int]  # per augmentation (its training set is 1 + copies times larger)


@lru_cache(maxsize=8)  # the same settings give the same run: a preset pressed again is instant
def augmentation_effect(train_size: int, seed: int = 0, steps: int = STEPS, copies: int = COPIES) -> AugmentationEffect:
    """A 64-100-10 ReLU network trained on ``train_size`` digits, and on the same digits plus ``copies`` augmented
    copies of each (drawn once: offline augmentation), for each of :data:`AUGMENTATIONS`, all for the same number
    of ``steps`` (batch 20); validation on 500 others. EECS 498: "try cutout and mixup especially for small
    classification datasets"."""
    from nnlab.data.images import load_digits_set

    train_size = check_int("train_size", train_size, low=20, high=1000)
    X, y = load_digits_set()
    order = as_generator(seed).permutation(len(y))
    tr, va = order[:train_size], order[1200:1700]
    val_acc, final, per_epoch = {}, {}, {}
    for how in AUGMENTATIONS:
        gen = as_generator(seed + 1)
        if how == "none":
            X_train, y_train = X[tr], y[tr]
        else:
            X_train = np.concatenate([X[tr], *(augment_digits(X[tr], how, gen) for _ in range(copies))])
            y_train = np.tile(y[tr], copies + 1)
        per_epoch[how] = len(y_train) // 20
        epochs = int(np.ceil(steps / per_epoch[how]))  # the same number of steps for every run
        config = TrainConfig(optimizer="momentum", optimizer_params={"lr": 0.05, "momentum": 0.9}, batch_size=20,
                             epochs=epochs, seed=seed)  # fmt: skip
        trainer = Trainer(Network(NetworkSpec(sizes=[64, 100, 10], seed=seed)), X_train, y_train, X[va], y[va], config)
        history = trainer.run()
        val_acc[how], final[how] = list(history.val_acc), history.val_acc[-1]
    return AugmentationEffect(val_acc, final, per_epoch)


# --- the augmentation gallery -----------------------------------------------------------------------------------------
SOURCES = ("photograph", "digits", "CIFAR-10")
DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@lru_cache(maxsize=4)
def gallery_images(source: str, cifar10_path: str = "") -> tuple[np.ndarray, np.ndarray, str, str]:
    """Two images and their names for the gallery (the second for mixup): two parts of the sample photograph
    (96 x 80), a 3 and a 7 of the digits set, or CIFAR-10's first cat and first dog (from ``cifar10_path``)."""
    source = check_choice("source", source, SOURCES)
    if source == "photograph":
        from nnlab.data.images import photo_rgb

        rgb = photo_rgb()
        return augment.resize(rgb[:300], 96, 80), augment.resize(rgb[300:], 96, 80), "face", "uniform"
    if source == "digits":
        from nnlab.data.images import load_digits_set

        X, y = load_digits_set()
        return X[np.argmax(y == 3)].reshape(8, 8), X[np.argmax(y == 7)].reshape(8, 8), "three", "seven"
    from nnlab.data.images import load_cifar10

    if not cifar10_path:
        raise SettingError("cifar10_path='' is not valid: type the folder of CIFAR-10's python version "
                         "('cifar-10-batches-py'); nothing is downloaded")  # fmt: skip
    X, y, _, _ = load_cifar10(cifar10_path)  # (N, 32, 32, 3) uint8; classes 3 and 5 are cat and dog
    return X[np.argmax(y == 3)] / 255.0, X[np.argmax(y == 5)] / 255.0, "cat", "dog"


@dataclass
class Gallery:
    pictures: list[np.ndarray]
    titles: list[str]
    box: tuple[int, int, int, int]  # the cutout's, on picture CUTOUT_AT
    mix: float  # mixup's lambda


CUTOUT_AT = 6


def gallery(source: str, seed: int, pad: int, cutout_size: int, jitter: float, alpha: float,
            cifar10_path: str = "") -> Gallery:  # fmt: skip
    """The original and one draw of every augmentation (the same ``seed``, the same draws)."""
    first, second, name_a, name_b = gallery_images(source, cifar10_path)
    gen = as_generator(seed)
    color = first.ndim == 3
    values, vectors = augment.pca_colors(first) if color else (None, None)
    cut, box = augment.cutout(first, gen, size=cutout_size)
    onehot = np.eye(2)
    mixed, label, lam = augment.mixup(first, second, onehot[0], onehot[1], gen, alpha=alpha)
    pca = augment.pca_jitter(first, gen, values, vectors, sigma=3 * jitter) if color else first
    pictures = [first, augment.hflip(first), augment.random_crop(first, gen, pad=pad),
                augment.random_resized_crop(first, gen), augment.color_jitter(first, gen, jitter, jitter, jitter),
                pca, cut, mixed]  # fmt: skip
    titles = ["original", "horizontal flip", f"random crop (pad {pad})", "random crop and scale",
              f"colour jitter ({jitter:g})", "PCA colour jitter (AlexNet)" if color else "PCA jitter: colour only",
              f"cutout ({cutout_size} x {cutout_size})",
              f"mixup: {label[0]:.1f} {name_a} / {label[1]:.1f} {name_b}"]  # fmt: skip
    return Gallery(pictures, titles, box, lam)
