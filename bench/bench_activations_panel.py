"""The activation panel: control change -> recompute + full Agg draw, median per view (target <= 100 ms for the
controls a student drags; the training views' controls update on release and recompute a training run).

python bench/bench_activations_panel.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nnlab.panels.activations import ActivationsPanel

DRAGGED = {  # sliders that update while dragged
    "functions": [{"x_max": float(v)} for v in np.arange(3.0, 12.0, 1.0)]
    + [{"leaky_slope": float(s), "shown": ["relu", "leaky_relu", "elu"]} for s in np.linspace(0.0, 0.3, 7)],
    "inputs": [{"scale": float(s)} for s in np.geomspace(0.01, 2.0, 9)] + [{"layer": k} for k in (1, 2, 3, 4, 5)],
    "zig-zag": [{"zigzag_batch": b} for b in (1, 2, 4, 8, 16, 32)] + [{"zigzag_lr": float(r)} for r in (0.1, 0.3, 1.0)],
}
RELEASED = {  # sliders that update on release: each change is a new training run
    "dead units": [{"dead_lr": r} for r in (0.5, 1.0, 1.5, 2.0)],
    "depth": [{"activation": a} for a in ("selu", "tanh", "relu", "elu")],
    "race": [{"race_lr": r} for r in (0.05, 0.1, 0.2)],
}


def measure(panel: ActivationsPanel, view: str, changes: list[dict]) -> list[float]:
    panel.set(view=view)
    panel.figure.canvas.draw()
    times = []
    for change in changes:
        t0 = time.perf_counter()
        panel.set(**change)
        panel.figure.canvas.draw()
        times.append(time.perf_counter() - t0)
        assert panel.error is None, panel.error
    return times


def main() -> None:
    panel = ActivationsPanel()
    for title, table in (("dragged (target <= 100 ms median)", DRAGGED), ("on release (a new run)", RELEASED)):
        print(title)
        for view, changes in table.items():
            times = measure(panel, view, changes)
            print(f"  {view:<10} median {statistics.median(times) * 1e3:6.0f} ms (max {max(times) * 1e3:.0f} ms)")


if __name__ == "__main__":
    main()
