"""The PNG encoding of each frame a live panel sends to the browser: matplotlib's against nnlab's.

    python bench/bench_frames.py

Every slider step ends with the kernel encoding the whole figure as a PNG for ipympl. matplotlib's web
canvas writes RGBA at zlib level 6 with Pillow; nnlab's canvas wrote RGB (the figures are opaque) at level 1 with
Pillow until 2026-12-04, and since then with ``nnlab.render.frames.png_bytes`` (rows unfiltered). For each
registered panel's default picture: the median encoding time of each, the bytes sent, and whether the pixels
decoded by Pillow are the figure's.
"""

from __future__ import annotations

import io
import statistics
import time

import matplotlib
import numpy as np
from PIL import Image

from nnlab.render.frames import png_bytes
from nnlab.runtime.malloc import tune_malloc
from nnlab.topics import get_panel_class, load_all

tune_malloc()  # as in the live lab (nnlab.runtime.malloc)

matplotlib.use("agg")


def encode(pixels: np.ndarray, **options) -> bytes:
    with io.BytesIO() as png:
        Image.fromarray(pixels).save(png, format="png", **options)
        return png.getvalue()


def median_ms(fn, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    print(f"{'panel':16} {'size':>10} {'matplotlib (RGBA, 6)':>22} {'Pillow (RGB, 1)':>18} {'png_bytes (RGB, 1)':>20}"
          "  same pixels")  # fmt: skip
    for name in load_all():
        panel = get_panel_class(name)()
        panel.figure.canvas.draw()
        rgba = np.asarray(panel.figure.canvas.buffer_rgba()).copy()
        rgb = np.ascontiguousarray(rgba[:, :, :3])
        sizes = [len(encode(rgba)), len(encode(rgb, compress_level=1)), len(png_bytes(rgb))]
        same = np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(rgba[:, :, :3]))).convert("RGBA")), rgba)
        encoders = [lambda f=rgba: encode(f), lambda f=rgb: encode(f, compress_level=1), lambda f=rgb: png_bytes(f)]
        times = [median_ms(encoder) for encoder in encoders]
        print(f"{name:16} {rgba.shape[1]:>4} x {rgba.shape[0]:<4}"
              + "".join(f" {t:8.1f} ms {n / 1e3:6.0f} KB" for t, n in zip(times, sizes)) + f"  {same}")  # fmt: skip


if __name__ == "__main__":
    main()
