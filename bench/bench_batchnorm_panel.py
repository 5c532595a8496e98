"""The batch-norm panel: control change -> recompute + full Agg draw, median per view (target <= 100 ms for the
controls a student drags; the rescue view's controls update on release and train two networks).

python bench/bench_batchnorm_panel.py
"""

from __future__ import annotations

import numpy as np
from panel_timing import report

from nnlab.topics.batchnorm.panel import BatchNormPanel

DRAGGED = {  # sliders that update while dragged
    "one batch": [{"gamma": float(g)} for g in np.linspace(0.5, 3.0, 6)] + [{"batch": b} for b in (4, 8, 16, 64)],
    "batch to batch": [{"batch": b} for b in (2, 4, 8, 16, 32, 64, 128)],
    "coupled": [{"moved": float(m)} for m in np.linspace(-5, 11, 9)],
    "train vs eval": [{"batch": b} for b in (2, 4, 8, 16)] + [{"batches": n} for n in (20, 80, 150)],
    "backward": [{"gamma": float(g)} for g in np.linspace(0.5, 3.0, 6)],
}
RELEASED = {"rescue": [{"rescue_lr": r} for r in (0.05, 0.1, 0.3)]}


def main() -> None:
    report(BatchNormPanel(), [("dragged (target <= 100 ms median)", DRAGGED), ("on release", RELEASED)])


if __name__ == "__main__":
    main()
