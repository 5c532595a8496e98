"""Generate PyTorch reference data for nnlab's optimizers, schedules and gradient clipping.

Regenerate (needs torch 2.13.0, CPU build is enough; the test suite itself does not):

    pip install torch==2.13.0
    python tests/reference/make_optim_reference.py

It writes ``tests/reference/optim.npz``, all float64:

- 200-step trajectories of ``torch.optim`` optimizers on each 2-D surface, with the
  gradient from torch's autograd of its own copy of the surface formula;
- 200 steps on the parameters of a small tanh network (softmax cross-entropy) from
  fixed initial weights and data, weights laid out (in, out) as in nnlab;
- 100 learning rates of each ``torch.optim.lr_scheduler`` counterpart;
- ``clip_grad_norm_`` and ``clip_grad_value_`` results.

Optimizer hyperparameters use torch's keyword names, which nnlab shares.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.optim import lr_scheduler as S

OUT = Path(__file__).with_name("optim.npz")
STEPS = 200
SCHEDULE_STEPS = 100

TORCH_OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
}

# (optimizer, hyperparameters); "lr" is multiplied by the surface's scale for SGD-like methods.
CONFIGS = [
    ("sgd", {"lr": 1.0}),
    ("sgd", {"lr": 1.0, "momentum": 0.9}),
    ("sgd", {"lr": 1.0, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"lr": 1.0, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.1}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.1}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "centered": True}),
    ("rmsprop", {"lr": 0.005, "momentum": 0.9, "weight_decay": 0.1}),
    ("adadelta", {}),
    ("adadelta", {"lr": 0.5, "rho": 0.95, "weight_decay": 0.1}),
    ("adam", {"lr": 0.02}),
    ("adam", {"lr": 0.02, "amsgrad": True}),
    ("adam", {"lr": 0.02, "weight_decay": 0.1, "betas": (0.8, 0.99), "eps": 1e-3}),
    ("adamw", {"lr": 0.02}),
    ("adamax", {"lr": 0.02}),
    ("nadam", {"lr": 0.02}),
    ("nadam", {"lr": 0.02, "weight_decay": 0.1, "momentum_decay": 0.1}),
]
SGD_LIKE = {"sgd"}

# Surface formulas written again in torch, start point, and the plain-SGD learning rate.
SURFACES = {
    "beale": (
        lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2,
        (1.0, 1.5),
        1e-3,
    ),
    "saddle": (lambda x, y: x**2 - y**2, (1.0, 1e-3), 1e-2),
    "long_valley": (lambda x, y: 0.01 * (x - 10) ** 2 + 5 * y**2, (-1.0, 1.5), 0.05),
    "rosenbrock": (lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, (-1.5, 2.0), 2e-4),
    "bowl": (lambda x, y: 0.5 * (x**2 + 10 * y**2), (-3.5, 2.5), 0.05),
    "himmelblau": (lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, (0.0, 0.0), 5e-3),
}


def hyper_for(name: str, hyper: dict, sgd_lr: float) -> dict:
    hyper = dict(hyper)
    if name in SGD_LIKE:
        hyper["lr"] = hyper["lr"] * sgd_lr
    return hyper


def surface_runs(data: dict) -> None:
    data["surface_configs"] = json.dumps(CONFIGS)
    for sname, (f, start, sgd_lr) in SURFACES.items():
        data[f"surf_{sname}_start"] = np.array(start)
        data[f"surf_{sname}_sgd_lr"] = np.array(sgd_lr)
        for i, (name, hyper) in enumerate(CONFIGS):
            xy = torch.tensor(start, requires_grad=True)
            opt = TORCH_OPTIMIZERS[name]([xy], **hyper_for(name, hyper, sgd_lr))
            path = [xy.detach().clone().numpy()]
            for _ in range(STEPS):
                opt.zero_grad()
                f(xy[0], xy[1]).backward()
                opt.step()
                path.append(xy.detach().clone().numpy())
            data[f"surf_{sname}_{i}"] = np.array(path)


def network_runs(data: dict, rng: np.random.Generator) -> None:
    """A 4-6-3 tanh network, softmax cross-entropy; weights (in, out).

    40 examples with random labels (not separable, so gradients stay sizeable), cycled
    as 4 minibatches of 10: step t uses rows 10 (t mod 4) to 10 (t mod 4) + 10. With one
    fixed batch the gradients of RMSprop's centered variant cancel (v - mean^2 -> 0) and
    one-ulp differences in the backward pass grow to 1e-3 over 200 steps.
    """
    X, y = rng.standard_normal((40, 4)), rng.integers(0, 3, 40)
    init = {"W1": rng.standard_normal((4, 6)) * 0.5, "b1": rng.standard_normal(6) * 0.1,
            "W2": rng.standard_normal((6, 3)) * 0.5, "b2": rng.standard_normal(3) * 0.1}  # fmt: skip
    data.update(net_X=X, net_y=y, **{f"net_init_{k}": v for k, v in init.items()})
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for i, (name, hyper) in enumerate(CONFIGS):
        params = {k: torch.tensor(v, requires_grad=True) for k, v in init.items()}
        opt = TORCH_OPTIMIZERS[name](list(params.values()), **hyper_for(name, hyper, 0.1))
        for t in range(STEPS):
            rows = slice(10 * (t % 4), 10 * (t % 4) + 10)
            opt.zero_grad()
            hidden = torch.tanh(Xt[rows] @ params["W1"] + params["b1"])
            F.cross_entropy(hidden @ params["W2"] + params["b2"], yt[rows]).backward()
            opt.step()
        for k, v in params.items():
            data[f"net_{i}_{k}"] = v.detach().numpy()


def schedules(data: dict) -> None:
    """Learning rates after 0..99 scheduler steps, base lr 0.1, as nnlab's Scheduler produces them."""

    def run(make):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        lrs = []
        for _ in range(SCHEDULE_STEPS):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return np.array(lrs)

    cases = {
        "step": lambda o: S.StepLR(o, step_size=7, gamma=0.5),
        "multistep": lambda o: S.MultiStepLR(o, milestones=[30, 60, 80], gamma=0.1),
        "exponential": lambda o: S.ExponentialLR(o, gamma=0.95),
        "inverse_time": lambda o: S.LambdaLR(o, lambda e: 1.0 / (1.0 + 0.1 * e)),
        "cosine": lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=0.001),
        "warmup_cosine": lambda o: S.SequentialLR(
            o, [S.LinearLR(o, 0.1, 1.0, total_iters=5), S.CosineAnnealingLR(o, T_max=50)], milestones=[5]
        ),
        "warmup": lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8),
    }
    for tag, make in cases.items():
        data[f"sched_{tag}"] = run(make)

    metrics = np.array([1.0, 0.9, 0.95, 0.95, 0.95, 0.89] + [0.9] * 40 + list(np.linspace(0.89, 0.5, 54)))
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    plateau = S.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1, min_lr=0.004)
    lrs = []
    for m in metrics:
        plateau.step(float(m))
        lrs.append(opt.param_groups[0]["lr"])
    data.update(sched_plateau_metrics=metrics, sched_plateau=np.array(lrs))


def clipping(data: dict, rng: np.random.Generator) -> None:
    grads = [rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((2, 5)) * 3]
    for k, g in enumerate(grads):
        data[f"clip_grad{k}"] = g
    for tag, max_norm, norm_type in (("l2", 1.0, 2.0), ("l1", 2.0, 1.0), ("inf", 0.5, math.inf), ("big", 1e3, 2.0)):
        ts = [torch.tensor(g) for g in grads]
        for t in ts:
            t.grad = t.clone()
        total = torch.nn.utils.clip_grad_norm_(ts, max_norm, norm_type=norm_type)
        data[f"clip_{tag}_total"] = total.numpy()
        for k, t in enumerate(ts):
            data[f"clip_{tag}_{k}"] = t.grad.numpy()
    ts = [torch.tensor(g) for g in grads]
    for t in ts:
        t.grad = t.clone()
    torch.nn.utils.clip_grad_value_(ts, 0.7)
    for k, t in enumerate(ts):
        data[f"clip_value_{k}"] = t.grad.numpy()


def build() -> dict:
    """All reference arrays, computed now with the installed torch."""
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(7)
    data: dict = {"torch_version": torch.__version__}
    surface_runs(data)
    network_runs(data, rng)
    schedules(data)
    clipping(data, rng)
    return data


def main() -> None:
    data = build()
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({len(data)} arrays) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
