"""The search panel: a search of 40 short trials from start to end (target <= 20 s, issue #21), one trial at a
time and two at a time through joblib's processes and threads; then the grid-against-random view's controls
(recompute + full Agg draw).

python bench/bench_search_panel.py
"""

from __future__ import annotations

import os
import time

from panel_timing import report

from nnlab.topics.search.panel import TRIALS, SearchPanel


def search_seconds(task: str, epochs: int, jobs: int, backend: str) -> float:
    """Play a fresh 40-trial search to its end (every frame drawn, as in the browser)."""
    TRIALS.runs.clear()
    panel = SearchPanel(view="search", task=task, trials=40, epochs=epochs, jobs=jobs, backend=backend)
    start = time.perf_counter()
    while panel.can_go_on():
        panel.play(frames=1)
        panel.figure.canvas.draw()
    assert panel.state["done"] == 40 and panel.error is None, panel.error
    return time.perf_counter() - start


def main() -> None:
    print(f"a search of 40 trials, every frame drawn (target <= 20 s; {os.cpu_count()} cores here)")
    for task, epochs in (("digits", 5), ("spiral", 10)):
        for jobs, backend in ((1, "sequential"), (2, "processes"), (2, "threads")):
            seconds = search_seconds(task, epochs, jobs, backend)
            print(f"  {task:<7} {epochs:>2} epochs, {jobs} at a time ({backend:<10}): {seconds:5.1f} s")
    report(SearchPanel(), [("grid vs random (target <= 100 ms median)",
                            {"grid vs random": [{"toy_seed": s} for s in range(1, 9)]
                             + [{"toy_trials": n} for n in (4, 16, 25, 9)]})])  # fmt: skip


if __name__ == "__main__":
    main()
