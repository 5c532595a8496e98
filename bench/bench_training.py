"""One training epoch of a 64-256-256-10 ReLU MLP, batch 128, in nnlab and (if installed) PyTorch on the CPU.

    python bench/bench_training.py

12,800 random examples (100 minibatches), SGD with momentum 0.9, softmax cross-entropy;
float32 and float64. Prints the median of 5 epochs for each and the nnlab / PyTorch ratio.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nnlab.core.model import Network, NetworkSpec
from nnlab.core.train import TrainConfig, Trainer
from nnlab.runtime.malloc import tune_malloc

tune_malloc()  # as in the live lab (nnlab.runtime.malloc)

SIZES, N, BATCH, EPOCHS = [64, 256, 256, 10], 12_800, 128, 5


def nnlab_epoch_times(dtype: str, X: np.ndarray, y: np.ndarray) -> list[float]:
    net = Network(NetworkSpec(SIZES, dtype=dtype))
    config = TrainConfig(optimizer="sgd", optimizer_params={"lr": 0.01, "momentum": 0.9}, batch_size=BATCH,
                         epochs=EPOCHS, divergence_factor=1e9)  # fmt: skip
    trainer = Trainer(net, X.astype(dtype), y, config=config)
    times, start = [], time.perf_counter()
    trainer.run(on_epoch=[lambda _: times.append(time.perf_counter())])
    return list(np.diff([start, *times]))


def torch_epoch_times(dtype: str, X: np.ndarray, y: np.ndarray) -> list[float] | None:
    try:
        import torch
    except ImportError:
        return None
    tdtype = getattr(torch, dtype)
    layers = []
    for a, b in zip(SIZES[:-1], SIZES[1:]):
        layers += [torch.nn.Linear(a, b, dtype=tdtype), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    Xt, yt = torch.tensor(X, dtype=tdtype), torch.tensor(y)
    rng = np.random.default_rng(0)
    times = []
    for _ in range(EPOCHS):
        t0 = time.perf_counter()
        order = torch.from_numpy(rng.permutation(N))
        for k in range(N // BATCH):
            rows = order[k * BATCH : (k + 1) * BATCH]
            loss = torch.nn.functional.cross_entropy(model(Xt[rows]), yt[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            (model(Xt).argmax(1) == yt).float().mean()  # the per-epoch accuracy nnlab also computes
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((N, SIZES[0])), rng.integers(0, SIZES[-1], N)
    for dtype in ("float32", "float64"):
        ours = statistics.median(nnlab_epoch_times(dtype, X, y))
        theirs = torch_epoch_times(dtype, X, y)
        line = f"{dtype}: nnlab {ours * 1e3:.0f} ms per epoch"
        if theirs is None:
            line += " (PyTorch not installed)"
        else:
            ref = statistics.median(theirs)
            line += f", PyTorch {ref * 1e3:.0f} ms, ratio nnlab/PyTorch {ours / ref:.2f}"
        print(line)


if __name__ == "__main__":
    main()
