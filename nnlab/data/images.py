"""Images for PCA and whitening: patches of the photograph matplotlib ships, and CIFAR-10 if you have it.

Nothing is downloaded at run time. ``photo_patches`` cuts square grey patches from
``grace_hopper.jpg`` in matplotlib's sample data (Pillow decodes it; matplotlib needs
Pillow anyway). ``load_cifar10`` reads the official "CIFAR-10 python version" folder
(``data_batch_1`` .. ``data_batch_5``, ``test_batch``: pickled dicts with ``b"data"``
(N, 3072) uint8 rows, channel-major 3 x 32 x 32, and ``b"labels"``).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, as_generator, check_int

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def photo_rgb() -> np.ndarray:
    """The sample photograph in colour, values in [0, 1], shape (600, 512, 3)."""
    import matplotlib.cbook as cbook
    import matplotlib.image as mimage

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        return mimage.imread(f, format="jpg").astype(np.float64) / 255.0


def photo() -> np.ndarray:
    """The sample photograph as a grey image in [0, 1], shape (600, 512)."""
    return photo_rgb() @ np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 luma


def photo_crops(n: int = 400, size: int = 32, rng: Any = 0) -> np.ndarray:
    """``n`` random ``size`` x ``size`` colour crops of the photograph, shape (n, size, size, 3): a small image
    data set with real colour statistics (for per-channel preprocessing)."""
    rgb = photo_rgb()
    channels = [patches(rgb[:, :, c], n, size, rng) for c in range(3)]  # the same crops (same rng) per channel
    return np.stack(channels, axis=-1).reshape(n, size, size, 3)


def patches(images: Any, n: int, size: int, rng: Any = 0) -> np.ndarray:
    """``n`` random ``size`` x ``size`` patches, flattened to (n, size * size), of grey ``images``: one image
    (H, W) or a stack (M, H, W), patch i coming from image i mod M."""
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise SettingError(f"images must have shape (H, W) or (M, H, W), got {images.shape}")
    n = check_int("n", n, low=1)
    size = check_int("size", size, low=2, high=min(images.shape[1:]))
    gen = as_generator(rng)
    which = np.arange(n) % len(images)
    rows = gen.integers(0, images.shape[1] - size + 1, n)
    cols = gen.integers(0, images.shape[2] - size + 1, n)
    offsets = np.arange(size)
    cut = images[which[:, None, None], rows[:, None, None] + offsets[None, :, None],
                 cols[:, None, None] + offsets[None, None, :]]  # fmt: skip
    return cut.reshape(n, size * size)


def photo_patches(n: int = 5000, size: int = 8, rng: Any = 0) -> np.ndarray:
    """``n`` random ``size`` x ``size`` patches of the photograph, flattened: shape (n, size * size)."""
    return patches(photo(), n, size, rng)


def cifar10_patches(folder: str | Path, n: int = 5000, size: int = 8, rng: Any = 0) -> np.ndarray:
    """``n`` grey ``size`` x ``size`` patches of the first ``n`` CIFAR-10 training images in [0, 1], one each."""
    images = load_cifar10(folder)[0][:n]
    grey = images.astype(np.float64).mean(axis=3) / 255.0
    return patches(grey, min(n, len(grey)), size, rng)


# What a CIFAR-10 python batch holds besides dicts, lists, bytes and numbers: numpy arrays (rebuilt by numpy's own
# functions, under numpy 1's and numpy 2's module names, any pickle protocol) and the latin-1 bytes of a Python 3
# pickle.
CIFAR_GLOBALS = frozenset({
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),  # protocol 5
    ("_codecs", "encode"),
})  # fmt: skip


class DataUnpickler(pickle.Unpickler):
    """An unpickler that admits only what a CIFAR-10 batch holds (:data:`CIFAR_GLOBALS`): a pickle naming any other
    function or class (``os.system``, say) is refused before anything of it runs (Python docs, pickle, "Restricting
    Globals")."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in CIFAR_GLOBALS:
            raise pickle.UnpicklingError(f"it asks for {module}.{name}, which a data batch never holds; not loaded")
        return super().find_class(module, name)


def _load_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with open(path, "rb") as f:
            batch = DataUnpickler(f, encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError, IndexError) as err:
        raise SettingError(
            f"{path} is not a readable CIFAR-10 python batch (a corrupt or different file: {err})"
        ) from None
    try:
        data, labels = batch[b"data"], batch[b"labels"]
    except (KeyError, TypeError):
        raise SettingError(f"{path} is not a CIFAR-10 python batch (no b'data' and b'labels' keys)") from None
    data = np.asarray(data, dtype=np.uint8)
    if data.ndim != 2 or data.shape[1] != 3072:
        raise SettingError(f"{path}: data has shape {data.shape}; CIFAR-10 rows have 3072 values")
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return images, np.asarray(labels, dtype=np.intp)


def load_cifar10(folder: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_test, y_test) from the CIFAR-10 python folder; images (N, 32, 32, 3) uint8.

    Reads whichever of ``data_batch_1`` .. ``data_batch_5`` exist (at least one) and ``test_batch``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"folder={str(folder)!r} is not a directory; point it at 'cifar-10-batches-py'")
    train_files = sorted(folder.glob("data_batch_[1-5]"))
    if not train_files or not (folder / "test_batch").is_file():
        raise FileNotFoundError(f"{folder} needs data_batch_1..5 and test_batch (the CIFAR-10 python version)")
    parts = [_load_batch(p) for p in train_files]
    X_test, y_test = _load_batch(folder / "test_batch")
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), X_test, y_test


DIGITS_CLASSES = 10


def load_digits_set() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8 x 8 handwritten digits (UCI optdigits test set: 1,797 images, 10 classes), no
    download: pixels scaled from 0..16 to [0, 1], shape (1797, 64), and labels 0..9. Needs scikit-learn (in the
    ``lab`` extra); without it, an error that says how to install it."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise SettingError("the digits set needs scikit-learn: pip install scikit-learn "
                         "(it comes with nnlab's 'lab' extra)") from None  # fmt: skip
    digits = load_digits()
    return digits.data.astype(np.float64) / 16.0, digits.target.astype(np.int64)
