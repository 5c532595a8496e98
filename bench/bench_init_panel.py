"""The initialization explorer at its largest preset (6 x 4096, batch 16): control change -> updated figure.

    python bench/bench_init_panel.py [--contended] [--threads N]

Times ``panel.set(...)`` plus a full Agg draw of the figure (what ipympl renders), as the
median of several changes, for the activation view and the dL/dW view; and, for scale,
the lectures' plain numpy loop that draws the weights every time (EECS 498 lecture 10).
``--contended`` runs one CPU-bound process beside it (a shared Binder node); ``--threads N`` overrides
the panels' BLAS thread policy (``nnlab.app.base.BLAS_THREADS``) for the comparison.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np
from panel_timing import timed_changes

from nnlab.topics.initialization.panel import InitializationPanel


def lecture_loop(std: float = 0.01) -> float:
    t0 = time.perf_counter()
    dims = [4096] * 7
    x = np.random.randn(16, dims[0])  # noqa: NPY002 - the lecture's code, verbatim
    for d_in, d_out in zip(dims[:-1], dims[1:]):
        W = std * np.random.randn(d_in, d_out)  # noqa: NPY002
        x = np.tanh(x.dot(W))
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contended", action="store_true", help="one CPU-bound process beside it")
    parser.add_argument("--threads", type=int, help="BLAS threads for the panels' computations")
    args = parser.parse_args()
    if args.threads:
        import nnlab.app.base as base

        base.BLAS_THREADS = args.threads
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.contended else None
    try:
        if hog is not None:
            time.sleep(2)
        run()
    finally:
        if hog is not None:
            hog.kill()


def run() -> None:
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
    estimates(panel)


# Sizes for the estimate check: the lectures' two networks and the costly corners a student reaches.
SIZES = [(6, 4096, 16), (10, 500, 1000), (6, 4096, 256), (6, 1024, 1000), (20, 2048, 64), (6, 4096, 1000)]


def estimates(panel: InitializationPanel) -> None:
    """The panel's estimate (which decides the busy state and 'compute anyway') beside the computation's time,
    weights cached, for both kinds of view."""
    print("estimate vs measured compute, weights cached (depth x width, batch, view):")
    for depth, width, batch in SIZES:
        for view in ("activations", "gradients dL/dW"):
            state = {**panel.state, "depth": depth, "width": width, "batch": batch, "view": view}
            panel.compute(state)  # draws the weights if needed
            times = []
            for scale in (0.011, 0.012, 0.013):
                t0 = time.perf_counter()
                panel.compute({**state, "scale": scale})
                times.append(time.perf_counter() - t0)
            measured = statistics.median(times)
            print(f"  {depth:>2} x {width:<4} batch {batch:<4} {view:<16} estimate {panel.estimate(state):6.3f} s  "
                  f"measured {measured:6.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
