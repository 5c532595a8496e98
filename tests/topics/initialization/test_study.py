"""The initialization study's residual blocks and the symmetry argument, checked against their definitions."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.initialization.study import SECOND_LAYER, UnitDrawCache, run_study


@pytest.mark.parametrize("residual", ["off", "on"])
def test_dL_dW1_equals_a_finite_difference_of_the_loss(residual):
    """grad_W of layer 0 (all 8 x 8 entries at this size) against central differences of the loss, in float64;
    through a residual block's W2 and its identity path when ``residual`` is on."""
    cache = UnitDrawCache(dtype=np.float64)
    kwargs = dict(depth=3, width=8, batch=5, activation="tanh", init="normal", init_params={"std": 0.6},
                  bias=0.1, seed=3, cache=cache, residual=residual)  # fmt: skip
    study = run_study(**kwargs)
    grad = study.layers[0].grad_W.reshape(8, 8)  # dL/dW1 = h^T dz, in full at this size
    unit = cache.get(3, 0, "normal", (8, 8))  # W1 = 0.6 * unit, and the cache hands out its own array
    eps = 1e-6

    def loss_with(i: int, j: int, change: float) -> float:
        unit[i, j] += change
        cache.forget_input_products()  # x @ W1 is kept between studies; W1 was just changed in place
        return run_study(**kwargs).loss

    for i, j in [(0, 0), (2, 5), (7, 3)]:
        up = loss_with(i, j, eps / 0.6)
        down = loss_with(i, j, -2 * eps / 0.6)
        loss_with(i, j, eps / 0.6)
        assert (up - down) / (2 * eps) == pytest.approx(grad[i, j], rel=1e-6, abs=1e-10)
    if residual == "on":
        assert cache.get(3, SECOND_LAYER, "normal", (8, 8)) is not None  # the block's W2 was drawn and kept


def test_residual_blocks_with_he_init_multiply_the_variance_and_a_zero_second_layer_keeps_it():
    """EECS 498 lecture 10: with He init Var(x + F(x)) > Var(x) (ReLU: 1 + 2 * 1/2 * 2 = 3 times per block);
    with W2 = 0, Var(x + F(x)) = Var(x) exactly at the start."""
    he = run_study(depth=5, width=1024, batch=64, activation="relu", init="he_normal", residual="on", gradients=False)
    ratios = he.stds[1:] ** 2 / he.stds[:-1] ** 2
    np.testing.assert_allclose(ratios, 3.0, rtol=0.1)
    zero = run_study(depth=5, width=1024, batch=64, activation="relu", init="he_normal", residual="on, W2 = 0")
    x_var = 1.0  # the inputs are N(0, 1)
    np.testing.assert_allclose(zero.stds**2, x_var, rtol=0.02)
    assert np.all(zero.stds == zero.stds[0])  # every block is the identity: the same values, layer after layer
    assert all(np.all(layer.grad_W == 0) for layer in zero.layers)  # dL/dW1 = 0 until W2 moves


def test_zero_init_gives_every_unit_the_same_gradient_so_one_sgd_step_keeps_them_identical():
    study = run_study(depth=3, width=16, batch=8, activation="tanh", init="zeros", bias=0.01)
    assert study.identical_updates is True
    for layer in study.layers:
        w = np.zeros((16, 16)) - 0.1 * layer.grad_W.reshape(16, 16)  # one SGD step from W = 0
        assert np.all(w == w[:, :1])  # every unit's (column's) incoming weights: still the same
    random = run_study(depth=3, width=16, batch=8, activation="tanh", init="normal", init_params={"std": 0.5})
    assert random.identical_updates is False


def test_a_kept_first_layer_product_gives_the_same_study_as_a_fresh_cache():
    """x @ W1's unit draw is kept across changes of scale, activation and bias; every number stays the same."""
    shared = UnitDrawCache()
    for std, activation, bias in [(0.01, "tanh", 0.0), (0.05, "relu", 0.1), (0.01, "tanh", 0.0)]:
        kwargs = dict(depth=3, width=64, batch=8, activation=activation, init="normal", init_params={"std": std},
                      bias=bias, seed=1)  # fmt: skip
        kept, fresh = run_study(cache=shared, **kwargs), run_study(cache=UnitDrawCache(), **kwargs)
        for a, b in zip(kept.layers, fresh.layers):
            np.testing.assert_array_equal(a.activation, b.activation)
            np.testing.assert_array_equal(a.grad_W, b.grad_W)
    assert len(shared._input_products) == 1  # one input, one first draw: one product for all three
