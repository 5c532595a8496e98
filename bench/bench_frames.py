"""The PNG encoding of each frame a live panel sends to the browser: matplotlib's against nnlab's.

    python bench/bench_frames.py

Every slider step ends with the kernel encoding the whole figure as a PNG for ipympl. matplotlib's web
canvas writes RGBA at zlib level 6; nnlab's canvas (``nnlab.panels.figure``) writes RGB (the figures are
opaque) at level 1. For each registered panel's default picture: the median encoding time of each, the
bytes sent, and whether the decoded pixels are equal.
"""

from __future__ import annotations

import io
import statistics
import time

import matplotlib
import numpy as np
from PIL import Image

from nnlab.panels import get_panel_class, load_all

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
    print(f"{'panel':16} {'size':>10} {'matplotlib (RGBA, 6)':>24} {'nnlab (RGB, 1)':>20}  same pixels")
    for name in load_all():
        panel = get_panel_class(name)()
        panel.figure.canvas.draw()
        rgba = np.asarray(panel.figure.canvas.buffer_rgba()).copy()
        rgb = np.ascontiguousarray(rgba[:, :, :3])
        theirs, ours = encode(rgba), encode(rgb, compress_level=1)
        same = np.array_equal(np.asarray(Image.open(io.BytesIO(ours)).convert("RGBA")), rgba)
        matplotlib_ms = median_ms(lambda frame=rgba: encode(frame))
        nnlab_ms = median_ms(lambda frame=rgba: encode(np.ascontiguousarray(frame[:, :, :3]), compress_level=1))
        print(
            f"{name:16} {rgba.shape[1]:>4} x {rgba.shape[0]:<4}"
            f" {matplotlib_ms:8.1f} ms {len(theirs) / 1e3:6.0f} KB {nnlab_ms:8.1f} ms {len(ours) / 1e3:5.0f} KB  {same}"
        )


if __name__ == "__main__":
    main()
