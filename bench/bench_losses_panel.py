"""The loss panel: control change -> recompute + full Agg draw, median per view (target <= 100 ms, issue #19).

python bench/bench_losses_panel.py
"""

from __future__ import annotations

import numpy as np
from panel_timing import report

from nnlab.topics.losses.panel import LossesPanel

DRAGGED = {  # sliders that update while dragged
    "scores": [{"score_car": float(s)} for s in np.linspace(-3, 8, 8)] + [{"delta": d} for d in (0.5, 2.0, 5.0)],
    "linear classifier": [{"reg": r} for r in (1e-3, 1e-2, 0.1, 1.0)] + [{"steps": s} for s in (50, 200, 400)],
    "error surfaces": [{"start_w1": float(w)} for w in np.linspace(-8, 8, 9)] + [{"surface_steps": 300}],
    "regression": [{"outlier_y": float(y)} for y in np.linspace(-10, 28, 9)],
    "attributes": [{"attribute_score": float(f)} for f in np.linspace(-5, 5, 9)],
}


def main() -> None:
    report(LossesPanel(), [("dragged (target <= 100 ms median)", DRAGGED)])


if __name__ == "__main__":
    main()
