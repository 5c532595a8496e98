"""The training panel's frame: 10 training steps of a 2-16-16-3 network on 600 points, batch 64, plus the
100 x 100 decision grid and the in-place update of the figure (an Agg draw, as ipympl renders it).

    python bench/bench_training_panel.py

Prints the median frame time and pictures per second for each view, and the training steps per second of
nnlab against the same network trained in PyTorch on the CPU (one run each; PyTorch only if installed).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nnlab.runtime.malloc import tune_malloc
from nnlab.topics.training.panel import TrainingPanel

tune_malloc()  # as in the live lab (nnlab.runtime.malloc)

FRAMES = 40


def frame_times(view: str) -> list[float]:
    panel = TrainingPanel(view=view, dataset="spiral", points=600, val_fraction=0.0, hidden="16, 16", batch=64,
                          speed=10)  # fmt: skip
    panel.image()
    times = []
    for _ in range(FRAMES):
        start = time.perf_counter()
        panel.step()
        panel.image()  # the full draw the browser gets
        times.append(time.perf_counter() - start)
    return times


def steps_per_second_nnlab(steps: int = 2000) -> float:
    panel = TrainingPanel(dataset="spiral", points=600, val_fraction=0.0, hidden="16, 16", batch=64)
    data = panel._data(panel.state)
    spec, config, _ = panel._spec_and_config(panel.state, data)
    from dataclasses import replace

    from nnlab.core.model import Network
    from nnlab.core.train import Trainer

    config = replace(config, epochs=10**6, divergence_factor=1e300)
    trainer = Trainer(Network(spec), data[0], data[1], config=config)  # no validation set here
    start = time.perf_counter()
    for _ in range(steps):
        trainer.step()
    return steps / (time.perf_counter() - start)


def steps_per_second_torch(steps: int = 2000) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    X = torch.tensor(np.random.default_rng(0).standard_normal((600, 2)), dtype=torch.float64)
    y = torch.tensor(np.random.default_rng(1).integers(0, 3, 600))
    net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                              torch.nn.Linear(16, 3)).double()  # fmt: skip
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    start = time.perf_counter()
    for step in range(steps):
        rows = slice((step * 64) % 576, (step * 64) % 576 + 64)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(X[rows]), y[rows]).backward()
        opt.step()
    return steps / (time.perf_counter() - start)


def main() -> None:
    print(f"training panel, 2-16-16-3 on 600 points, batch 64, 10 steps per frame, median of {FRAMES} frames")
    for view in ("regions", "curves", "inside", "updates"):
        median = statistics.median(frame_times(view))
        print(f"  {view:8} {1000 * median:6.1f} ms per frame  ({1 / median:5.1f} pictures per second)")
    ours, theirs = steps_per_second_nnlab(), steps_per_second_torch()
    print(f"training steps per second: nnlab {ours:,.0f}", end="")
    print(f", PyTorch {theirs:,.0f} (nnlab / PyTorch = {ours / theirs:.2f})" if theirs else ", PyTorch not installed")


if __name__ == "__main__":
    main()
