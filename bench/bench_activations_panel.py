"""The activation panel: control change -> recompute + full Agg draw, median per view (target <= 100 ms for the
controls a student drags; the training views' controls update on release and recompute a training run).

python bench/bench_activations_panel.py
"""

from __future__ import annotations

import numpy as np
from panel_timing import report

from nnlab.topics.activations.panel import ActivationsPanel

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


def main() -> None:
    report(ActivationsPanel(), [("dragged (target <= 100 ms median)", DRAGGED), ("on release", RELEASED)])


if __name__ == "__main__":
    main()
