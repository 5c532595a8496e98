"""Behaviour of the layers beyond their gradients: dropout statistics, batch-norm modes, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core import ActivationLayer, BatchNorm, DropConnect, Dropout, Linear, Maxout, NonFiniteError, PReLU


def test_dropout_keep_rate_matches_keep_prob():
    layer = Dropout(0.3, rng=0)
    layer.forward(np.ones((200, 500)))
    n = layer.mask.size
    assert abs(layer.mask.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)


def test_inverted_dropout_expectation_equals_test_output():
    x = np.random.default_rng(1).standard_normal((1, 20))
    layer = Dropout(0.25, rng=2)
    runs = np.stack([layer.forward(x)[0] for _ in range(20000)])
    test_out, _ = layer.forward(x, train=False)
    np.testing.assert_array_equal(test_out, x)
    # Monte-Carlo: the mean of 20000 draws of x * m / p has std |x| sqrt((1-p)/p / 20000).
    tol = 5 * np.abs(x) * np.sqrt(0.75 / 0.25 / 20000)
    assert np.all(np.abs(runs.mean(axis=0) - test_out) < tol)


def test_vanilla_dropout_needs_the_test_time_scaling():
    x = np.full((1, 10), 2.0)
    layer = Dropout(0.25, mode="vanilla", rng=3)
    runs = np.stack([layer.forward(x)[0] for _ in range(20000)])
    test_out, _ = layer.forward(x, train=False)
    np.testing.assert_allclose(test_out, 0.5)  # x * keep_prob
    tol = 5 * 2.0 * np.sqrt(0.25 * 0.75 / 20000)
    assert np.all(np.abs(runs.mean(axis=0) - test_out) < tol)
    assert np.all(np.abs(runs.mean(axis=0) - x) > 1.0)  # unscaled test output would be off by 4x


def test_keep_prob_one_is_the_identity():
    x = np.arange(12.0).reshape(3, 4)
    out, _ = Dropout(1.0).forward(x)
    np.testing.assert_array_equal(out, x)


@pytest.mark.parametrize("p", [0.0, -0.1, 1.5, float("nan")])
def test_keep_prob_outside_zero_one_is_rejected(p):
    with pytest.raises(ValueError, match="keep_prob"):
        Dropout(p)
    with pytest.raises(ValueError, match="keep_prob"):
        DropConnect(3, 2, keep_prob=p)


def test_dropout_same_seed_same_masks():
    a, b = Dropout(0.5, rng=9), Dropout(0.5, rng=9)
    x = np.ones((4, 6))
    a.forward(x)
    b.forward(x)
    np.testing.assert_array_equal(a.mask, b.mask)


def test_dropconnect_masks_weights_not_units():
    layer = DropConnect(6, 4, keep_prob=0.5, rng=1)
    layer.forward(np.ones((3, 6)))
    assert layer.mask.shape == (6, 4)
    out_test, _ = layer.forward(np.ones((3, 6)), train=False)
    np.testing.assert_allclose(out_test, np.ones((3, 6)) @ layer.params["W"] + layer.params["b"])


def test_batchnorm_training_output_has_zero_mean_unit_variance_per_feature():
    x = np.random.default_rng(0).normal(5.0, 3.0, (64, 4))
    out, _ = BatchNorm(4).forward(x)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1, atol=1e-3)  # eps = 1e-5 keeps it just below 1


def test_batchnorm_eval_uses_running_statistics_not_the_batch():
    bn = BatchNorm(2, momentum=1.0)  # running stats = the last batch exactly
    x = np.array([[0.0, 1.0], [2.0, 5.0]])
    bn.forward(x)
    out, _ = bn.forward(np.array([[1.0, 3.0]]), train=False)  # the batch mean: x_hat = 0
    np.testing.assert_allclose(out, 0.0, atol=1e-12)


def test_batchnorm_training_needs_two_examples():
    with pytest.raises(ValueError, match="at least 2"):
        BatchNorm(3).forward(np.ones((1, 3)))


def test_maxout_takes_the_max_piece():
    layer = Maxout(2, 1, k=3)
    layer.params["W"][:] = [[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]]
    out, _ = layer.forward(np.array([[2.0, 1.0], [-2.0, 1.0], [0.0, 3.0]]))
    np.testing.assert_array_equal(out[:, 0], [2.0, 2.0, 3.0])


def test_prelu_uses_its_slope():
    out, _ = PReLU(1, init=0.5).forward(np.array([[-2.0, 3.0]]))
    np.testing.assert_array_equal(out, [[-1.0, 3.0]])


def test_linear_rejects_wrong_width_and_non_finite_input():
    layer = Linear(4, 3)
    with pytest.raises(ValueError, match="x has 5 features per example but this layer expects 4"):
        layer.forward(np.ones((2, 5)))
    with pytest.raises(NonFiniteError, match="x contains 1 NaN"):
        layer.forward(np.array([[1.0, np.nan, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="2 dimensions"):
        layer.forward(np.ones(4))


def test_linear_from_arrays_checks_shapes():
    with pytest.raises(ValueError, match="b has 2 entries but W has 3"):
        Linear.from_arrays(np.ones((4, 3)), np.ones(2))


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match="activation='relu6'.*sigmoid.*tanh.*relu"):
        ActivationLayer("relu6")
    with pytest.raises(TypeError, match="accepts: slope"):
        ActivationLayer("leaky_relu", alpha=0.1)


def test_float32_stays_float32():
    layer = Linear(4, 3, dtype=np.float32)
    out, _ = layer.forward(np.ones((2, 4), dtype=np.float32))
    assert out.dtype == np.float32
