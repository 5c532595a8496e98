"""The regularization panel: control change -> recompute + full Agg draw, median per view. The training views'
controls update on release (each change trains two to five networks); the gallery's sliders update while
dragged (target <= 100 ms median).

python bench/bench_regularization_panel.py
"""

from __future__ import annotations

import numpy as np
from panel_timing import report

from nnlab.topics.regularization.panel import RegularizationPanel

DRAGGED = {
    "augmentation": [{"jitter": float(j)} for j in np.linspace(0.1, 0.9, 5)] + [{"seed": s} for s in range(1, 6)],
}
RELEASED = {
    "L2, L1, elastic net": [{"lam": v} for v in (3e-4, 3e-3)],
    "max-norm": [{"maxnorm_lr": v} for v in (0.2, 0.8)],
    "steep sigmoid": [{"steep_lam": v} for v in (3e-4, 3e-3)],
    "early stopping": [{"patience": p} for p in (5, 20)],
    "depth": [{"neurons": n} for n in (24, 64)],
    "accuracy gain": [{"train_size": n} for n in (40, 80)],
}


def main() -> None:
    report(RegularizationPanel(), [("dragged (target <= 100 ms median)", DRAGGED), ("on release (trains)", RELEASED)])


if __name__ == "__main__":
    main()
