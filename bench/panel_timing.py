"""What the panel benchmarks share: the time of each control change, recompute plus a full Agg draw."""

from __future__ import annotations

import statistics
import time
from typing import Any

from nnlab.runtime.malloc import tune_malloc

tune_malloc()  # as in the live lab (nnlab.runtime.malloc)


def timed_changes(panel: Any, changes: list[dict]) -> list[float]:
    """Seconds for each change in turn: ``panel.set(**change)`` and a full draw of its figure."""
    times = []
    for change in changes:
        t0 = time.perf_counter()
        panel.set(**change)
        panel.figure.canvas.draw()
        times.append(time.perf_counter() - t0)
        assert panel.error is None, panel.error
    return times


def time_views(panel: Any, table: dict[str, list[dict]]) -> dict[str, list[float]]:
    """For each view of ``table``: show it (drawn once, not timed), then time its changes."""
    out = {}
    for view, changes in table.items():
        panel.set(view=view)
        panel.figure.canvas.draw()
        out[view] = timed_changes(panel, changes)
    return out


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1e3:6.0f} ms (max {max(times) * 1e3:.0f} ms)"


def report(panel: Any, tables: list[tuple[str, dict[str, list[dict]]]]) -> None:
    """Print each table's title, then each of its views' median and max."""
    for title, table in tables:
        print(title)
        for view, times in time_views(panel, table).items():
            print(f"  {view:<15} {summary(times)}")
