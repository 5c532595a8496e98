"""Data augmentation (EECS 498 lecture 10 and CS231n lecture 7): one function each, numpy only, randomness from
an explicit ``numpy.random.Generator``.

Images are float arrays (H, W) or (H, W, C) with values in [0, 1]; a batch adds a leading axis where a function
says so. Each function returns a new array and leaves its input alone.

- :func:`hflip`: mirror left to right (a cat is a cat in a mirror; a 2 or a 7 is not);
- :func:`random_crop`: a window of the image padded by ``pad`` pixels (the usual CIFAR-10 shift);
- :func:`random_resized_crop`: a random region of ``scale`` of the area, resized back (ResNet's "random crops
  and scales");
- :func:`color_jitter`: brightness, contrast and saturation, each by a random factor;
- :func:`pca_jitter`: AlexNet's colour augmentation, the RGB principal components scaled by N(0, sigma^2);
- :func:`cutout`: a square of zeros at a random place (DeVries & Taylor 2017);
- :func:`mixup`: a blend of two images and of their labels, lambda ~ Beta(alpha, alpha) (Zhang et al. 2018).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_array, check_int, check_number


def _image(image: Any) -> np.ndarray:
    arr = check_array("image", image, ndim=(2, 3))
    return arr


def hflip(image: Any) -> np.ndarray:
    """The image mirrored left to right; twice is the identity."""
    return _image(image)[:, ::-1].copy()


def random_crop(image: Any, rng: Any, pad: int = 4) -> np.ndarray:
    """A window of the image's own size from the image zero-padded by ``pad`` on every side: a shift of up to
    ``pad`` pixels each way (Krizhevsky et al. 2012 used 224 crops of 256 images; CIFAR-10 recipes pad 4)."""
    img = _image(image)
    pad = check_int("pad", pad, low=0)
    gen = as_generator(rng)
    h, w = img.shape[:2]
    widths = [(pad, pad), (pad, pad)] + [(0, 0)] * (img.ndim - 2)
    padded = np.pad(img, widths)
    top, left = gen.integers(0, 2 * pad + 1, size=2)
    return padded[top : top + h, left : left + w].copy()


def resize(image: Any, height: int, width: int) -> np.ndarray:
    """Bilinear resampling to ``height`` x ``width`` (pixel centres aligned, as PIL's and OpenCV's)."""
    img = _image(image)
    h, w = img.shape[:2]
    ys = np.clip((np.arange(height) + 0.5) * h / height - 0.5, 0, h - 1)
    xs = np.clip((np.arange(width) + 0.5) * w / width - 0.5, 0, w - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    wy, wx = ys - y0, xs - x0
    if img.ndim == 3:
        wy, wx = wy[:, None, None], wx[None, :, None]
    else:
        wy, wx = wy[:, None], wx[None, :]
    top = img[y0][:, x0] * (1 - wx) + img[y0][:, x1] * wx
    bottom = img[y1][:, x0] * (1 - wx) + img[y1][:, x1] * wx
    return top * (1 - wy) + bottom * wy


def random_resized_crop(image: Any, rng: Any, scale: tuple[float, float] = (0.3, 1.0),
                        ratio: tuple[float, float] = (3 / 4, 4 / 3)) -> np.ndarray:  # fmt: skip
    """A region covering a random fraction ``scale`` of the area with aspect ratio in ``ratio`` (log-uniform),
    resized back to the image's size (torchvision's RandomResizedCrop; the "random crops and scales" of
    EECS 498)."""
    img = _image(image)
    lo, hi = check_number("scale[0]", scale[0], low=0.0, low_open=True), check_number("scale[1]", scale[1], high=1.0)
    if lo > hi:
        raise SettingError(f"scale={tuple(scale)} is not valid: the first value must not exceed the second")
    r_lo = check_number("ratio[0]", ratio[0], low=0.0, low_open=True)
    r_hi = check_number("ratio[1]", ratio[1], low=r_lo)
    gen = as_generator(rng)
    h, w = img.shape[:2]
    area = gen.uniform(lo, hi) * h * w
    aspect = np.exp(gen.uniform(np.log(r_lo), np.log(r_hi)))
    ch = int(np.clip(round(np.sqrt(area / aspect)), 1, h))
    cw = int(np.clip(round(np.sqrt(area * aspect)), 1, w))
    top, left = gen.integers(0, h - ch + 1), gen.integers(0, w - cw + 1)
    return resize(img[top : top + ch, left : left + cw], h, w)


GRAY = np.array([0.299, 0.587, 0.114])  # ITU-R 601 luma, as PIL and torchvision


def color_jitter(image: Any, rng: Any, brightness: float = 0.4, contrast: float = 0.4,
                 saturation: float = 0.4) -> np.ndarray:  # fmt: skip
    """Brightness, contrast and saturation each scaled by a factor drawn from [1 - s, 1 + s], in that order
    (torchvision's ColorJitter without hue); clipped to [0, 1]."""
    img = _image(image)
    gen = as_generator(rng)
    strengths = {"brightness": brightness, "contrast": contrast, "saturation": saturation}
    factors = [gen.uniform(1 - check_number(n, s, low=0.0, high=1.0), 1 + s) for n, s in strengths.items()]
    out = np.clip(img * factors[0], 0, 1)
    gray = out @ GRAY if out.ndim == 3 else out
    out = np.clip(factors[1] * out + (1 - factors[1]) * gray.mean(), 0, 1)
    if out.ndim == 3:
        gray = (out @ GRAY)[..., None]
        out = np.clip(factors[2] * out + (1 - factors[2]) * gray, 0, 1)
    return out


def pca_colors(images: Any) -> tuple[np.ndarray, np.ndarray]:
    """The eigenvalues and eigenvectors (columns) of the RGB covariance over every pixel of ``images``
    (..., 3): AlexNet's principal components of the training set's colours."""
    pixels = check_array("images", images).reshape(-1, 3)
    values, vectors = np.linalg.eigh(np.cov(pixels, rowvar=False))
    return values, vectors


def pca_jitter(image: Any, rng: Any, eigenvalues: Any, eigenvectors: Any, sigma: float = 0.1) -> np.ndarray:
    """AlexNet's colour augmentation (Krizhevsky et al. 2012, section 4.1): add
    [p1 p2 p3] [a1 l1, a2 l2, a3 l3]^T to every pixel, with a_i ~ N(0, sigma^2) drawn once per image; clipped."""
    img = _image(image)
    if img.ndim != 3 or img.shape[2] != 3:
        raise SettingError(f"image must be (H, W, 3) for PCA colour jitter, got shape {img.shape}")
    sigma = check_number("sigma", sigma, low=0.0)
    alphas = as_generator(rng).normal(0.0, sigma, 3)
    shift = np.asarray(eigenvectors) @ (alphas * np.asarray(eigenvalues))
    return np.clip(img + shift, 0, 1)


def cutout(image: Any, rng: Any, size: int = 8) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Zero a ``size`` x ``size`` square centred at a random pixel (clipped at the edges, as DeVries & Taylor);
    returns the image and the box (top, left, bottom, right), bottom and right exclusive."""
    img = _image(image)
    size = check_int("size", size, low=0)
    gen = as_generator(rng)
    h, w = img.shape[:2]
    cy, cx = gen.integers(0, h), gen.integers(0, w)
    top, left = max(cy - size // 2, 0), max(cx - size // 2, 0)
    bottom, right = min(cy - size // 2 + size, h), min(cx - size // 2 + size, w)
    out = img.copy()
    out[top:bottom, left:right] = 0.0
    return out, (int(top), int(left), int(bottom), int(right))


def mixup(image_a: Any, image_b: Any, label_a: Any, label_b: Any, rng: Any,
          alpha: float = 0.4) -> tuple[np.ndarray, np.ndarray, float]:  # fmt: skip
    """lambda ~ Beta(alpha, alpha); the image lambda a + (1 - lambda) b and the label lambda y_a + (1 - lambda) y_b
    (labels one-hot or distributions: the mixed label sums to 1). Returns (image, label, lambda)."""
    a, b = _image(image_a), _image(image_b)
    if a.shape != b.shape:
        raise SettingError(f"image_a has shape {a.shape} but image_b has shape {b.shape}; they must match")
    alpha = check_number("alpha", alpha, low=0.0, low_open=True)
    ya, yb = check_array("label_a", label_a, ndim=1), check_array("label_b", label_b, ndim=1)
    lam = float(as_generator(rng).beta(alpha, alpha))
    return lam * a + (1 - lam) * b, lam * ya + (1 - lam) * yb, lam
