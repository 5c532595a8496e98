"""Optimizers beyond PyTorch agreement: textbook variants, vectorisation, divergence, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlab.core.gradcheck import numerical_gradient, rel_error
from nnlab.core.optim import OPTIMIZERS, clip_grad_norm, clip_grad_value, make_optimizer
from nnlab.core.schedules import SCHEDULES, ReduceOnPlateau, Scheduler, get_schedule
from nnlab.core.surfaces import SURFACES, get_surface, run_trajectories


def quadratic_grad(x):
    A = np.diag([1.0, 5.0, 0.5])
    return A @ x - np.array([1.0, -1.0, 0.2])


def test_cs231n_momentum_and_nesterov_updates_equal_ours_with_constant_lr():
    x_m, x_n = np.array([1.0, 2.0, -1.0]), np.array([1.0, 2.0, -1.0])
    mom = make_optimizer("momentum", x_m, lr=0.05)
    nes = make_optimizer("nesterov", x_n, lr=0.05)
    w, v = np.array([1.0, 2.0, -1.0]), np.zeros(3)  # CS231n sgd_momentum
    z, u = np.array([1.0, 2.0, -1.0]), np.zeros(3)  # CS231n notes' Nesterov
    for _ in range(30):
        v = 0.9 * v - 0.05 * quadratic_grad(w)
        w = w + v
        u_prev = u
        u = 0.9 * u - 0.05 * quadratic_grad(z)
        z = z - 0.9 * u_prev + 1.9 * u
        mom.step(quadratic_grad(x_m))
        nes.step(quadratic_grad(x_n))
    np.testing.assert_allclose(x_m, w, rtol=1e-12)
    np.testing.assert_allclose(x_n, z, rtol=1e-12)


@pytest.mark.parametrize("name", ["adam", "rmsprop", "adagrad"])
def test_eps_inside_the_square_root_is_the_cmu_formula(name):
    g = np.array([0.3, -2.0, 1e-3])
    p_in, p_out = np.zeros(3), np.zeros(3)
    make_optimizer(name, p_in, lr=0.1, eps=1e-3, eps_inside_sqrt=True).step(g)
    make_optimizer(name, p_out, lr=0.1, eps=1e-3).step(g)
    # After one step every method's second moment is c g^2 (c = 1 for Adam after bias correction and Adagrad).
    c = 1 - 0.99 if name == "rmsprop" else 1.0
    np.testing.assert_allclose(p_in, -0.1 * g / np.sqrt(c * g * g + 1e-3), rtol=1e-13)
    np.testing.assert_allclose(p_out, -0.1 * g / (np.sqrt(c * g * g) + 1e-3), rtol=1e-13)
    assert abs(p_in[2] - p_out[2]) > 1e-3  # small gradients are where the placement shows


def test_eps_placement_barely_matters_at_the_default_eps():
    a, b = np.array([3.0, -2.0]), np.array([3.0, -2.0])
    oa, ob = make_optimizer("adam", a, lr=0.1), make_optimizer("adam", b, lr=0.1, eps_inside_sqrt=True)
    for _ in range(100):
        oa.step(2 * a)
        ob.step(2 * b)
    assert 0 < np.max(np.abs(a - b)) < 1e-6


def test_vectorised_points_equal_separate_runs():
    starts = np.array([[1.0, 1.5], [-2.0, 0.5], [0.3, -1.0]])
    together = run_trajectories("beale", {"adam": ("adam", {"lr": 0.05})}, starts, steps=100)
    for p, start in enumerate(starts):
        alone = run_trajectories("beale", {"adam": ("adam", {"lr": 0.05})}, start, steps=100)
        np.testing.assert_array_equal(together.positions[0, :, p], alone.positions[0, :, 0])


def test_the_same_optimizer_class_drives_points_and_network_weights():
    runs = run_trajectories("bowl", {"a": ("rmsprop", {"lr": 0.01})}, steps=3)
    assert type(runs.optimizers[0]) is OPTIMIZERS["rmsprop"]
    W = np.ones((3, 2))
    opt = make_optimizer("rmsprop", [W, np.zeros(2)], lr=0.01)
    opt.step([np.ones((3, 2)), np.ones(2)])
    assert np.all(W < 1)


def test_divergence_is_recorded_not_raised():
    runs = run_trajectories("beale", {"sgd": ("sgd", {"lr": 0.5}), "adam": ("adam", {"lr": 0.01})}, steps=50)
    k = runs.diverged_at[0, 0]
    assert 1 <= k <= 50
    assert np.all(np.isfinite(runs.positions[0, :k, 0]))
    assert not np.all(np.isfinite(runs.positions[0, k, 0])) or not np.isfinite(runs.losses[0, k, 0])
    assert runs.diverged_at[1, 0] == -1


def test_noise_is_reproducible_and_changes_the_path():
    spec = {"sgd": ("sgd", {"lr": 0.01})}
    a = run_trajectories("bowl", spec, steps=20, noise_std=1.0, rng=3)
    b = run_trajectories("bowl", spec, steps=20, noise_std=1.0, rng=3)
    c = run_trajectories("bowl", spec, steps=20)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert not np.allclose(a.positions, c.positions)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_surface_gradients_pass_a_numerical_check(name):
    s = SURFACES[name]
    (x0, x1), (y0, y1) = s.window
    rng = np.random.default_rng(0)
    for _ in range(5):
        pt = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
        numeric = numerical_gradient(lambda pt=pt: float(s.value(pt)), pt)
        assert rel_error(s.gradient(pt), numeric) < 1e-7


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_known_minima_are_stationary_and_lowest_in_the_window(name):
    s = SURFACES[name]
    _, _, Z = s.grid(101)
    for m in s.minima:
        assert np.linalg.norm(s.gradient(np.array(m))) < 1e-4
        assert s.value(np.array(m)) <= Z.min() + 1e-9
    assert all(s.window[0][0] <= x <= s.window[0][1] and s.window[1][0] <= y <= s.window[1][1] for x, y in s.starts)


def test_beale_minimum_value_is_zero():
    assert SURFACES["beale"].value(np.array([3.0, 0.5])) == 0.0


def test_clip_grad_norm_scales_the_global_norm():
    grads = [np.array([3.0, 0.0]), np.array([4.0])]
    total = clip_grad_norm(grads, 1.0)
    assert total == 5.0
    assert math.sqrt(sum(float(np.sum(g * g)) for g in grads)) == pytest.approx(1.0, abs=1e-6)


def test_clip_grad_value_default_threshold_is_five():
    g = [np.array([-7.0, 3.0, 9.0])]
    clip_grad_value(g)
    np.testing.assert_array_equal(g[0], [-5.0, 3.0, 5.0])


@pytest.mark.parametrize(
    "name, hyper, match",
    [
        ("sgd", {"lr": -0.1}, "lr=-0.1 is outside the allowed range \\[0, inf\\]"),
        ("adam", {"betas": (0.9, 1.0)}, "betas\\[1\\]=1.0 is outside the allowed range \\[0, 1\\)"),
        ("adam", {"betas": 0.9}, "betas must be a pair"),
        ("rmsprop", {"alpha": 1.5}, "alpha=1.5"),
        ("sgd", {"nesterov": True}, "nesterov=True needs momentum > 0"),
        ("sgd", {"form": "cmu"}, "form='cmu'.*torch, lookahead"),
        ("adagrad", {"eps": 0.0}, "eps=0.0"),
        ("adam", {"rho": 0.9}, "it accepts: lr, betas"),
        ("adamm", {}, "optimizer='adamm'.*sgd, momentum, nesterov, adagrad"),
    ],
)
def test_bad_hyperparameters_name_the_argument(name, hyper, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make_optimizer(name, np.zeros(2), **hyper)


def test_bad_params_and_grads():
    with pytest.raises(TypeError, match="params\\[0\\] must be a floating-point numpy array"):
        make_optimizer("sgd", [[1.0, 2.0]])
    with pytest.raises(ValueError, match="params is empty"):
        make_optimizer("sgd", [])
    opt = make_optimizer("sgd", [np.zeros(2), np.zeros(3)])
    with pytest.raises(ValueError, match="grads has 1 arrays but the optimizer holds 2"):
        opt.step([np.zeros(2)])
    with pytest.raises(ValueError, match="a gradient has shape \\(3,\\) but its parameter has shape \\(2,\\)"):
        opt.step([np.zeros(3), np.zeros(3)])


def test_bad_surface_and_start_points():
    with pytest.raises(ValueError, match="surface='bealle'.*beale, saddle"):
        get_surface("bealle")
    with pytest.raises(ValueError, match="starts must have shape \\(P, 2\\) or \\(2,\\), got \\(3,\\)"):
        run_trajectories("beale", {"a": ("sgd", {})}, starts=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="starts contains 1 NaN"):
        run_trajectories("beale", {"a": ("sgd", {})}, starts=[np.nan, 2.0])
    with pytest.raises(ValueError, match="optimizers is empty"):
        run_trajectories("beale", {})
    with pytest.raises(ValueError, match="points must have shape \\(..., 2\\)"):
        get_surface("saddle").value(np.zeros(3))


def test_schedule_registry_and_bad_input():
    assert set(SCHEDULES) >= {"constant", "step", "exponential", "inverse_time", "cosine", "warmup", "multistep"}
    with pytest.raises(ValueError, match="schedule='linear'.*constant, step"):
        get_schedule("linear")
    with pytest.raises(ValueError, match="gamma=1.5"):
        get_schedule("step", gamma=1.5)
    with pytest.raises(TypeError, match="optimizer must be an nnlab Optimizer"):
        Scheduler("adam", get_schedule("constant"))
    with pytest.raises(ValueError, match="factor=1.0"):
        ReduceOnPlateau(make_optimizer("sgd", np.zeros(1)), factor=1.0)


def test_every_preset_and_optimizer_takes_a_step():
    for name in OPTIMIZERS:
        p = np.ones(3)
        make_optimizer(name, p, lr=0.1).step(np.ones(3))
        assert np.all(p < 1), name


def test_hyperparameters_rebuild_the_same_optimizer():
    for name in OPTIMIZERS:
        first = make_optimizer(name, np.zeros(2), lr=0.05, weight_decay=0.1)
        again = make_optimizer(name, np.zeros(2), **first.hyperparameters())
        assert again.hyperparameters() == first.hyperparameters() and first.hyperparameters()["lr"] == 0.05


def test_internals_are_what_the_next_or_last_step_is_made_of():
    """Momentum's velocity is the next step without its gradient: x_{t+1} - x_t = v_t - lr g(x_t); Adagrad's step
    size (after step t) times -g(x_{t-1}) is step t; Adam's velocity after step t is step t, and its bias
    corrections are 1/(1 - beta^t)."""
    from nnlab.core.surfaces import get_surface, run_trajectories

    surface = get_surface("beale")
    specs = {"M": ("momentum", {"lr": 5e-3}), "G": ("adagrad", {"lr": 1.0}), "A": ("adam", {"lr": 0.1})}
    run = run_trajectories("beale", specs, starts=[1.0, 1.5], steps=30, internals=True)
    x = run.positions[:, :, 0]  # (K, T + 1, 2)
    grad = np.stack(surface.grad(x[..., 0], x[..., 1]), axis=-1)
    momentum, adagrad, adam = (run.internals[k] for k in range(3))
    np.testing.assert_allclose(x[0, 2:] - x[0, 1:-1], momentum["velocity"][1:-1, 0] - 5e-3 * grad[0, 1:-1],
                               rtol=1e-10, atol=1e-14)  # fmt: skip
    np.testing.assert_allclose(x[1, 1:] - x[1, :-1], -adagrad["step_size"][1:, 0] * grad[1, :-1], rtol=1e-10,
                               atol=1e-15)  # fmt: skip
    np.testing.assert_allclose(x[2, 1:] - x[2, :-1], adam["velocity"][1:, 0], rtol=1e-10, atol=1e-14)
    t = np.arange(1, 31)
    np.testing.assert_allclose(adam["bias_correction"][1:], np.c_[1 / (1 - 0.9**t), 1 / (1 - 0.999**t)])
    assert np.all(np.isnan(momentum["velocity"][0]))  # nothing before the first step
    assert run_trajectories("beale", specs, steps=3).internals == [{}, {}, {}]  # only when asked for
