"""Optimizers, schedules and clipping against torch.optim 2.13 (stored data; float64, rtol 1e-9)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nnlab.core import ActivationLayer, Linear
from nnlab.core.losses import softmax_cross_entropy
from nnlab.core.optim import clip_grad_norm, clip_grad_value, make_optimizer
from nnlab.core.schedules import (
    Cosine,
    Exponential,
    InverseTime,
    MultiStepDecay,
    ReduceOnPlateau,
    Scheduler,
    StepDecay,
    Warmup,
)
from nnlab.core.surfaces import SURFACES, run_trajectories
from tests.conftest import load_reference, reference_params

RTOL = 1e-9


@pytest.fixture(scope="module", params=reference_params())
def ref(request):
    return load_reference("optim", live=request.param)


def configs(ref):
    return [(name, dict(hyper, **({"betas": tuple(hyper["betas"])} if "betas" in hyper else {})))
            for name, hyper in json.loads(str(ref["surface_configs"]))]  # fmt: skip


def scaled(name, hyper, sgd_lr):
    return dict(hyper, lr=hyper["lr"] * sgd_lr) if name == "sgd" else hyper


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_trajectories_match_torch_for_200_steps(ref, surface):
    start, sgd_lr = ref[f"surf_{surface}_start"], float(ref[f"surf_{surface}_sgd_lr"])
    cfgs = configs(ref)
    specs = {f"{i}": (name, scaled(name, hyper, sgd_lr)) for i, (name, hyper) in enumerate(cfgs)}
    runs = run_trajectories(surface, specs, start, steps=200)
    assert runs.positions.shape == (len(cfgs), 201, 1, 2)
    for i in range(len(cfgs)):
        np.testing.assert_allclose(runs.positions[i, :, 0], ref[f"surf_{surface}_{i}"], rtol=RTOL, atol=1e-13,
                                   err_msg=f"{cfgs[i]} on {surface}")  # fmt: skip
        assert runs.diverged_at[i, 0] == -1


def test_network_parameters_match_torch_for_200_steps(ref):
    X, y = ref["net_X"], ref["net_y"]
    for i, (name, hyper) in enumerate(configs(ref)):
        l1 = Linear.from_arrays(ref["net_init_W1"], ref["net_init_b1"])
        act = ActivationLayer("tanh")
        l2 = Linear.from_arrays(ref["net_init_W2"], ref["net_init_b2"])
        params = [l1.params["W"], l1.params["b"], l2.params["W"], l2.params["b"]]
        opt = make_optimizer(name, params, **scaled(name, hyper, 0.1))
        for t in range(200):
            rows = slice(10 * (t % 4), 10 * (t % 4) + 10)  # 4 minibatches of 10, as the script does
            h1, c1 = l1.forward(X[rows])
            h2, c2 = act.forward(h1)
            scores, c3 = l2.forward(h2)
            _, dscores = softmax_cross_entropy(scores, y[rows])
            dh2, g2 = l2.backward(dscores, c3)
            dh1, _ = act.backward(dh2, c2)
            _, g1 = l1.backward(dh1, c1)
            opt.step([g1["W"], g1["b"], g2["W"], g2["b"]])
        for key, value in zip(("W1", "b1", "W2", "b2"), params):
            np.testing.assert_allclose(value, ref[f"net_{i}_{key}"], rtol=RTOL, atol=1e-13, err_msg=f"{name} {hyper}")


@pytest.mark.parametrize(
    "tag, schedule",
    [
        ("step", StepDecay(step_size=7, gamma=0.5)),
        ("multistep", MultiStepDecay([30, 60, 80], gamma=0.1)),
        ("exponential", Exponential(0.95)),
        ("inverse_time", InverseTime(0.1)),
        ("cosine", Cosine(T_max=30, eta_min=0.001)),
        ("warmup_cosine", Warmup(5, 0.1, then=Cosine(T_max=50))),
        ("warmup", Warmup(8, 0.25)),
    ],
)
def test_schedules_match_torch_for_100_steps(ref, tag, schedule):
    opt = make_optimizer("sgd", np.zeros(1), lr=0.1)
    sched = Scheduler(opt, schedule)
    lrs = []
    for _ in range(100):
        lrs.append(opt.lr)
        sched.step()
    np.testing.assert_allclose(lrs, ref[f"sched_{tag}"], rtol=1e-12)
    np.testing.assert_allclose([schedule.lr(e, 0.1) for e in range(100)], ref[f"sched_{tag}"], rtol=1e-12)


def test_reduce_on_plateau_matches_torch(ref):
    opt = make_optimizer("sgd", np.zeros(1), lr=0.1)
    plateau = ReduceOnPlateau(opt, factor=0.5, patience=2, cooldown=1, min_lr=0.004)
    lrs = [plateau.step(m) for m in ref["sched_plateau_metrics"]]
    np.testing.assert_allclose(lrs, ref["sched_plateau"], rtol=1e-12)
    assert min(lrs) == 0.004


@pytest.mark.parametrize("tag, max_norm, norm_type", [("l2", 1.0, 2.0), ("l1", 2.0, 1.0), ("inf", 0.5, math.inf),
                                                      ("big", 1e3, 2.0)])  # fmt: skip
def test_clip_grad_norm_matches_torch(ref, tag, max_norm, norm_type):
    grads = [ref[f"clip_grad{k}"].copy() for k in range(3)]
    total = clip_grad_norm(grads, max_norm, norm_type)
    assert total == pytest.approx(float(ref[f"clip_{tag}_total"]), rel=1e-12)
    for k, g in enumerate(grads):
        np.testing.assert_allclose(g, ref[f"clip_{tag}_{k}"], rtol=1e-12)


def test_clip_grad_value_matches_torch(ref):
    grads = [ref[f"clip_grad{k}"].copy() for k in range(3)]
    clip_grad_value(grads, 0.7)
    for k, g in enumerate(grads):
        np.testing.assert_array_equal(g, ref[f"clip_value_{k}"])


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_cmu_lookahead_nesterov_is_torch_nesterov_after_the_change_of_variables(ref, surface):
    """CMU 11-785 keeps W and steps with grad(W + mu dW); PyTorch's parameter is that look-ahead point."""
    i = next(i for i, (n, h) in enumerate(configs(ref)) if h.get("nesterov"))
    _, hyper = configs(ref)[i]
    sgd_lr = float(ref[f"surf_{surface}_sgd_lr"])
    torch_path = ref[f"surf_{surface}_{i}"]
    W = ref[f"surf_{surface}_start"].astype(float).copy()
    opt = make_optimizer("sgd", W, **scaled("sgd", hyper, sgd_lr), form="lookahead")
    s = SURFACES[surface]
    lookahead, plain = [opt.gradient_point().copy()], [W.copy()]
    for _ in range(200):
        opt.step(s.gradient(opt.gradient_point()))
        lookahead.append(opt.gradient_point().copy())
        plain.append(W.copy())
    np.testing.assert_allclose(lookahead, torch_path, rtol=RTOL, atol=1e-12)
    assert np.max(np.abs(np.array(plain) - torch_path)) > 1e-6  # W itself is a different sequence
