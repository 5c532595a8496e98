"""Step 8 optimizers x 64 start points x 1,000 steps on Beale's function (issue target: < 50 ms).

    python bench/bench_optimizers.py

Prints the median and best of several runs, and the cost of one numpy call on the
arrays involved, which bounds what a pure-numpy step loop can reach.
"""

from __future__ import annotations

import statistics
import time
import timeit

import numpy as np

from nnlab.core.surfaces import run_trajectories
from nnlab.runtime.malloc import tune_malloc

tune_malloc()  # as in the live lab (nnlab.runtime.malloc)

OPTIMIZERS = {
    "SGD": ("sgd", {"lr": 1e-3}),
    "Momentum": ("momentum", {"lr": 1e-3}),
    "Nesterov": ("nesterov", {"lr": 1e-3}),
    "Adagrad": ("adagrad", {"lr": 0.1}),
    "RMSprop": ("rmsprop", {"lr": 0.01}),
    "Adadelta": ("adadelta", {}),
    "Adam": ("adam", {"lr": 0.01}),
    "NAdam": ("nadam", {"lr": 0.01}),
}


def main(repeats: int = 9) -> None:
    starts = np.random.default_rng(0).uniform(-4.5, 4.5, (64, 2))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        runs = run_trajectories("beale", OPTIMIZERS, starts, steps=1000)
        times.append(time.perf_counter() - t0)
    a, b = np.random.default_rng(1).random((2, 2, 64))
    per_call = min(timeit.repeat(lambda: a * b, number=20000, repeat=5)) / 20000
    diverged = int((runs.diverged_at >= 0).sum())
    print(f"8 optimizers x 64 points x 1000 steps on Beale: median {statistics.median(times) * 1e3:.0f} ms, "
          f"best {min(times) * 1e3:.0f} ms ({diverged} of 512 trajectories diverged)")  # fmt: skip
    print(f"one numpy call on a (2, 64) array: {per_call * 1e6:.2f} us")


if __name__ == "__main__":
    main()
