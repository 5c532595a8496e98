"""Generate PyTorch reference data for nnlab's core layers, activations and losses.

Regenerate (needs torch 2.13.0, CPU build is enough; the test suite itself does not):

    pip install torch==2.13.0
    python tests/reference/make_core_reference.py

It writes ``tests/reference/core.npz``. Everything is float64. Inputs are drawn here
with numpy and stored next to torch's outputs, so tests replay them without torch.
Conventions that differ between nnlab and torch (weight layout, loss normalisation)
are left to the tests, which state them; this script records what torch computes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("core.npz")

# (nnlab activation name, its params, the torch function computing the same thing)
ACTIVATIONS = [
    ("identity", {}, lambda x: x),
    ("sigmoid", {}, torch.sigmoid),
    ("tanh", {}, torch.tanh),
    ("relu", {}, F.relu),
    ("leaky_relu", {}, lambda x: F.leaky_relu(x, 0.01)),
    ("leaky_relu", {"slope": 0.1}, lambda x: F.leaky_relu(x, 0.1)),
    ("prelu", {}, lambda x: F.prelu(x, torch.tensor([0.25]))),
    ("elu", {}, F.elu),
    ("elu", {"alpha": 0.5}, lambda x: F.elu(x, alpha=0.5)),
    ("selu", {}, F.selu),
    ("gelu", {}, F.gelu),
    ("gelu", {"approximate": "tanh"}, lambda x: F.gelu(x, approximate="tanh")),
    ("silu", {}, F.silu),
    ("softplus", {}, F.softplus),
    ("softplus", {"beta": 2.0, "threshold": 10.0}, lambda x: F.softplus(x, beta=2.0, threshold=10.0)),
]


def grad_of(fn, *inputs, dout=None):
    """Values of fn(*inputs) and the gradients of sum(fn * dout) for every input."""
    tensors = [torch.tensor(a, requires_grad=True) for a in inputs]
    out = fn(*tensors)
    weight = torch.ones_like(out) if dout is None else torch.tensor(dout)
    (out * weight).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in tensors]


def activations(data: dict) -> None:
    grid = np.linspace(-6.0, 6.0, 1201)
    special = np.array([0.0, -0.0, 1e-12, -1e-12, 5.0, 10.0, 20.0, 20.5, -30.0, 30.0, -700.0, 700.0, -1e4, 1e4])
    x = np.concatenate([grid, special])
    data["act_x"] = x
    data["act_configs"] = json.dumps([[name, params] for name, params, _ in ACTIVATIONS])
    for i, (_, _, fn) in enumerate(ACTIVATIONS):
        y, (dy,) = grad_of(fn, x)
        data[f"act_{i}_y"], data[f"act_{i}_dy"] = y, dy


def linear(data: dict, rng: np.random.Generator) -> None:
    x, W, b = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    dout = rng.standard_normal((6, 3))
    # torch's weight is (out, in): pass W.T so that F.linear computes x W + b.
    out, (dx, dWt, db) = grad_of(lambda x, Wt, b: F.linear(x, Wt, b), x, W.T.copy(), b, dout=dout)
    data.update(lin_x=x, lin_W=W, lin_b=b, lin_dout=dout, lin_out=out, lin_dx=dx, lin_dW=dWt.T, lin_db=db)


def batchnorm(data: dict, rng: np.random.Generator) -> None:
    """Three training batches, then one evaluation batch, for momentum 0.1 and None."""
    batches = [rng.normal(loc=0.5, scale=[1.0, 1.5, 2.0], size=(8, 3)) for _ in range(3)]
    eval_x = rng.normal(size=(5, 3))
    gamma, beta = rng.uniform(0.5, 1.5, 3), rng.normal(size=3)
    douts = [rng.standard_normal((8, 3)) for _ in range(3)]
    eval_dout = rng.standard_normal((5, 3))
    data.update(bn_gamma=gamma, bn_beta=beta, bn_eval_x=eval_x, bn_eval_dout=eval_dout)
    for k, x in enumerate(batches):
        data[f"bn_x{k}"], data[f"bn_dout{k}"] = x, douts[k]
    for tag, momentum in (("m01", 0.1), ("cumulative", None)):
        bn = torch.nn.BatchNorm1d(3, momentum=momentum)
        with torch.no_grad():
            bn.weight.copy_(torch.tensor(gamma))
            bn.bias.copy_(torch.tensor(beta))
        bn.train()
        for k, x in enumerate(batches):
            xt = torch.tensor(x, requires_grad=True)
            bn.weight.grad = bn.bias.grad = None
            out = bn(xt)
            (out * torch.tensor(douts[k])).sum().backward()
            data[f"bn_{tag}_out{k}"] = out.detach().numpy()
            data[f"bn_{tag}_dx{k}"] = xt.grad.numpy()
            data[f"bn_{tag}_dgamma{k}"] = bn.weight.grad.numpy().copy()
            data[f"bn_{tag}_dbeta{k}"] = bn.bias.grad.numpy().copy()
            data[f"bn_{tag}_running_mean{k}"] = bn.running_mean.numpy().copy()
            data[f"bn_{tag}_running_var{k}"] = bn.running_var.numpy().copy()
        bn.eval()
        xt = torch.tensor(eval_x, requires_grad=True)
        out = bn(xt)
        (out * torch.tensor(eval_dout)).sum().backward()
        data[f"bn_{tag}_eval_out"] = out.detach().numpy()
        data[f"bn_{tag}_eval_dx"] = xt.grad.numpy()


def losses(data: dict, rng: np.random.Generator) -> None:
    n, c = 7, 5
    scores = rng.standard_normal((n, c)) * 2
    labels = rng.integers(0, c, n)
    big = scores * 1e4
    multi = rng.integers(0, 2, (n, c)).astype(np.float64)
    reg_target = rng.standard_normal((n, c))
    p = rng.dirichlet(np.ones(c), size=n)
    p[0, 1] = 0.0
    p[0] /= p[0].sum()
    data.update(loss_scores=scores, loss_big=big, loss_y=labels, loss_multi=multi, loss_reg=reg_target, loss_p=p)
    y = torch.tensor(labels)
    cases = {
        "ce": (lambda s: F.cross_entropy(s, y), scores),
        "ce_big": (lambda s: F.cross_entropy(s, y), big),
        "mm1": (lambda s: F.multi_margin_loss(s, y, p=1, margin=1.0), scores),
        "mm1_big": (lambda s: F.multi_margin_loss(s, y, p=1, margin=1.0), big),
        "mm2": (lambda s: F.multi_margin_loss(s, y, p=2, margin=0.5), scores),
        "bce": (lambda s: F.binary_cross_entropy_with_logits(s, torch.tensor(multi)), scores),
        "bce_big": (lambda s: F.binary_cross_entropy_with_logits(s, torch.tensor(multi)), big),
        "mse": (lambda s: F.mse_loss(s, torch.tensor(reg_target)), scores),
        "l1": (lambda s: F.l1_loss(s, torch.tensor(reg_target)), scores),
        "kl": (lambda s: F.kl_div(F.log_softmax(s, dim=1), torch.tensor(p), reduction="batchmean"), scores),
        "kl_big": (lambda s: F.kl_div(F.log_softmax(s, dim=1), torch.tensor(p), reduction="batchmean"), big),
    }
    for tag, (fn, s) in cases.items():
        value, (grad,) = grad_of(fn, s)
        data[f"loss_{tag}"], data[f"loss_{tag}_grad"] = value, grad


def build() -> dict:
    """All reference arrays, computed now with the installed torch."""
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(20261123)
    data: dict = {"torch_version": torch.__version__}
    activations(data)
    linear(data, rng)
    batchnorm(data, rng)
    losses(data, rng)
    return data


def main() -> None:
    data = build()
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({len(data)} arrays) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
