"""The optimizer trajectories panel: recompute + redraw, and animation export.

    python bench/bench_trajectories.py

(1) 6 optimizers x 500 steps on Beale's function: a learning-rate change, median of 15
(target: at most 100 ms). Timed twice: with the panel attached to an Agg canvas as it is
to the ipympl canvas in a notebook (static parts blitted, only paths, legend and loss plot
redrawn), and as ``set`` plus a full draw.
(2) Exporting 200 frames at 600 x 450 as GIF, MP4 (if ffmpeg is installed) and HTML
(target: at most 10 s each), with the file sizes.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from nnlab.export import ffmpeg_path
from nnlab.runtime.malloc import tune_malloc
from nnlab.topics.trajectories.panel import CLASSIC, TrajectoriesPanel

tune_malloc()  # as in the live lab (nnlab.runtime.malloc)


def lr_changes(panel: TrajectoriesPanel, full_draw: bool) -> list[float]:
    times = []
    for lr in np.geomspace(1e-4, 5e-3, 15):
        t0 = time.perf_counter()
        panel.set(sgd_lr=float(lr))
        if full_draw:
            panel.figure.canvas.draw()
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    live = TrajectoriesPanel(optimizers=CLASSIC, steps=500)
    live.attach(FigureCanvasAgg(live.figure))
    blitted = lr_changes(live, full_draw=False)
    panel = TrajectoriesPanel(optimizers=CLASSIC, steps=500)
    full = lr_changes(panel, full_draw=True)
    for name, times in (("live canvas, blitted", blitted), ("set + full draw", full)):
        print(f"6 optimizers x 500 steps, lr change -> redraw ({name}): median "
              f"{statistics.median(times) * 1e3:.0f} ms (max {max(times) * 1e3:.0f} ms)")  # fmt: skip
    formats = ["gif", "html"] + (["mp4"] if ffmpeg_path() else [])
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            t0 = time.perf_counter()
            path = panel.save_animation(Path(tmp) / f"beale.{fmt}", frames=200, size=(600, 450))
            elapsed = time.perf_counter() - t0
            print(f"export 200 frames 600x450 {fmt}: {elapsed:.1f} s, {path.stat().st_size / 1024:.0f} KiB")
    if "mp4" not in formats:
        print("export mp4: skipped (ffmpeg not installed)")


if __name__ == "__main__":
    main()
