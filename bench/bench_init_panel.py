"""The initialization explorer at its largest preset (6 x 4096, batch 16): control change -> updated figure.

    python bench/bench_init_panel.py

Times ``panel.set(...)`` plus a full Agg draw of the figure (what ipympl renders), as the
median of several changes, for the activation view and the dL/dW view; and, for scale,
the lectures' plain numpy loop that draws the weights every time (EECS 498 lecture 10).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nnlab.panels.initialization import InitializationPanel


def lecture_loop(std: float = 0.01) -> float:
    t0 = time.perf_counter()
    dims = [4096] * 7
    x = np.random.randn(16, dims[0])  # noqa: NPY002 - the lecture's code, verbatim
    for d_in, d_out in zip(dims[:-1], dims[1:]):
        W = std * np.random.randn(d_in, d_out)  # noqa: NPY002
        x = np.tanh(x.dot(W))
    return time.perf_counter() - t0


def timed_changes(panel: InitializationPanel, changes: list[dict]) -> list[float]:
    times = []
    for change in changes:
        t0 = time.perf_counter()
        panel.set(**change)
        panel.figure.canvas.draw()
        times.append(time.perf_counter() - t0)
        assert panel.error is None, panel.error
    return times


def main() -> None:
    t0 = time.perf_counter()
    panel = InitializationPanel()
    panel.figure.canvas.draw()
    first = time.perf_counter() - t0
    scales = [{"scale": s} for s in np.geomspace(0.005, 0.5, 12)]
    activations = timed_changes(panel, scales)
    others = timed_changes(panel, [{"activation": a} for a in ("relu", "tanh", "elu", "sigmoid", "tanh")])
    panel.set(view="gradients dL/dW")
    gradients = timed_changes(panel, scales)
    loop = statistics.median(lecture_loop() for _ in range(3))
    print(f"first build (draws the weights once): {first:.2f} s")

    def ms(times: list[float]) -> str:
        return f"median {statistics.median(times) * 1e3:.0f} ms (max {max(times) * 1e3:.0f} ms)"

    print(f"control change, activations view: {ms(activations)}; activation change: {ms(others)}")
    print(f"control change, dL/dW view: {ms(gradients)}")
    print(f"the lecture's plain numpy loop (draws the weights each time): median {loop:.2f} s")


if __name__ == "__main__":
    main()
