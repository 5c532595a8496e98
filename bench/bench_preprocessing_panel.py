"""The preprocessing panel: control change -> recompute + full Agg draw, median per view (target <= 150 ms).

python bench/bench_preprocessing_panel.py
"""

from __future__ import annotations

import numpy as np
from panel_timing import summary, time_views

from nnlab.topics.preprocessing.panel import PreprocessingPanel

CHANGES = {
    "point cloud": [{"correlation": float(c)} for c in np.linspace(-0.8, 0.8, 9)]
    + [{"eps": float(e)} for e in np.geomspace(1e-6, 1, 6)],
    "images": [{"k": k} for k in (1, 2, 4, 8, 16, 32, 48, 64)] + [{"eps": 0.1}, {"eps": 1e-4}],
    "sensitivity": [{"angle": float(a)} for a in np.linspace(0, 10, 9)],
}


def main() -> None:
    for view, times in time_views(PreprocessingPanel(), CHANGES).items():
        print(f"{view}: {summary(times)}")


if __name__ == "__main__":
    main()
