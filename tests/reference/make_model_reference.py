"""Generate PyTorch reference data for nnlab's Network + Trainer: 50 training steps.

Regenerate (needs torch 2.13.0, CPU build is enough; the test suite itself does not):

    pip install torch==2.13.0
    python tests/reference/make_model_reference.py

The network is 2-16-16-3: Linear - BatchNorm1d - ReLU, twice, then Linear; softmax
cross-entropy plus 1/2 lambda sum W^2 over the weight matrices only (not biases or
batch-norm gamma/beta). A second network, ``prelu_*``: Linear - ``nn.PReLU()`` (one learned
slope per layer, starting at 0.25), twice, then Linear, with Adam and the same penalty: its
slopes learn. Data and initial weights are drawn here with numpy and stored.
Minibatches follow nnlab's Trainer contract: at the start of every epoch the order is
``numpy.random.default_rng(seed).permutation(N)`` (one generator, drawn each epoch) and
batches are consecutive slices of ``batch_size`` (the remainder dropped).
Writes ``tests/reference/model.npz``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("model.npz")
SIZES = (2, 16, 16, 3)
N, BATCH, STEPS, SEED, LAM = 64, 16, 50, 5, 1e-3
CONFIGS = {
    "adam": (torch.optim.Adam, {"lr": 1e-2}),
    "momentum": (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
}


def build() -> dict:
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(11)
    X = rng.standard_normal((N, 2))
    y = rng.integers(0, 3, N)
    init = {}
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        init[f"W{i}"] = rng.standard_normal((a, b)) * np.sqrt(2 / a)
        init[f"b{i}"] = rng.standard_normal(b) * 0.1
    data = {"torch_version": torch.__version__, "X": X, "y": y, **{f"init_{k}": v for k, v in init.items()}}

    order_rng = np.random.default_rng(SEED)
    batches = []
    while len(batches) < STEPS:
        order = order_rng.permutation(N)
        batches += [order[k * BATCH : (k + 1) * BATCH] for k in range(N // BATCH)]
    batches = batches[:STEPS]

    for tag, (cls, hyper) in CONFIGS.items():
        params = {k: torch.tensor(v, requires_grad=True) for k, v in init.items()}
        bns = [torch.nn.BatchNorm1d(n) for n in SIZES[1:-1]]
        others = [p for bn in bns for p in bn.parameters()]
        # nnlab's order of arrays: W0 b0 gamma0 beta0 W1 b1 gamma1 beta1 W2 b2
        ordered = [params["W0"], params["b0"], *bns[0].parameters(), params["W1"], params["b1"],
                   *bns[1].parameters(), params["W2"], params["b2"]]  # fmt: skip
        assert len(ordered) == len(params) + len(others)
        opt = cls(ordered, **hyper)
        losses = []
        for rows in batches:
            xb, yb = torch.tensor(X[rows]), torch.tensor(y[rows])
            h = xb
            for i, bn in enumerate(bns):
                h = torch.relu(bn(h @ params[f"W{i}"] + params[f"b{i}"]))
            scores = h @ params["W2"] + params["b2"]
            penalty = sum(0.5 * LAM * (params[f"W{i}"] ** 2).sum() for i in range(3))
            loss = F.cross_entropy(scores, yb) + penalty
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        data[f"{tag}_loss"] = np.array(losses)
        for k, v in params.items():
            data[f"{tag}_{k}"] = v.detach().numpy()
        for i, bn in enumerate(bns):
            data[f"{tag}_gamma{i}"] = bn.weight.detach().numpy()
            data[f"{tag}_beta{i}"] = bn.bias.detach().numpy()
            data[f"{tag}_running_mean{i}"] = bn.running_mean.numpy()
            data[f"{tag}_running_var{i}"] = bn.running_var.numpy()
        for bn in bns:
            bn.eval()
        h = torch.tensor(X)
        with torch.no_grad():
            for i, bn in enumerate(bns):
                h = torch.relu(bn(h @ params[f"W{i}"] + params[f"b{i}"]))
            data[f"{tag}_eval_scores"] = (h @ params["W2"] + params["b2"]).numpy()
    data.update(prelu_run(X, y, init, batches))
    return data


def prelu_run(X, y, init, batches) -> dict:
    """50 Adam steps of Linear - PReLU - Linear - PReLU - Linear; the losses, weights and the two learned slopes."""
    params = {k: torch.tensor(v, requires_grad=True) for k, v in init.items()}
    prelus = [torch.nn.PReLU() for _ in SIZES[1:-1]]  # num_parameters=1, init=0.25
    # nnlab's order of arrays: W0 b0 a0 W1 b1 a1 W2 b2
    ordered = [params["W0"], params["b0"], prelus[0].weight, params["W1"], params["b1"], prelus[1].weight,
               params["W2"], params["b2"]]  # fmt: skip
    opt = torch.optim.Adam(ordered, lr=1e-2)
    losses = []
    for rows in batches:
        h = torch.tensor(X[rows])
        for i, prelu in enumerate(prelus):
            h = prelu(h @ params[f"W{i}"] + params[f"b{i}"])
        scores = h @ params["W2"] + params["b2"]
        penalty = sum(0.5 * LAM * (params[f"W{i}"] ** 2).sum() for i in range(3))
        loss = F.cross_entropy(scores, torch.tensor(y[rows])) + penalty
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    out = {"prelu_loss": np.array(losses)}
    out.update({f"prelu_{k}": v.detach().numpy() for k, v in params.items()})
    out.update({f"prelu_a{i}": prelu.weight.detach().numpy() for i, prelu in enumerate(prelus)})
    return out


def main() -> None:
    data = build()
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({len(data)} arrays) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
