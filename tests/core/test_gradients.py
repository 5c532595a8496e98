"""Every layer and every loss passes a numerical gradient check in float64 (relative error < 1e-7)."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core import (
    ACTIVATIONS,
    ActivationLayer,
    BatchNorm,
    DropConnect,
    Dropout,
    Linear,
    Maxout,
    PReLU,
)
from nnlab.core import losses as L
from nnlab.core.gradcheck import check_layer, check_loss, numerical_gradient, rel_error

TOL = 1e-7


@pytest.fixture
def x():
    return np.random.default_rng(3).standard_normal((6, 5))


LAYERS = {
    "linear": lambda: Linear(5, 4, init="xavier_normal", rng=1),
    "prelu_shared": lambda: PReLU(1),
    "prelu_per_unit": lambda: PReLU(5, init=0.1),
    "batchnorm": lambda: BatchNorm(5),
    "dropout_inverted": lambda: Dropout(0.6, rng=2),
    "dropout_vanilla": lambda: Dropout(0.6, mode="vanilla", rng=2),
    "dropconnect": lambda: DropConnect(5, 4, keep_prob=0.7, rng=2),
    "maxout": lambda: Maxout(5, 3, k=3, rng=2),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_gradients(name, x):
    errors = check_layer(LAYERS[name](), x, train=True)
    assert errors["x"] < TOL
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_layer_gradients(name, x):
    assert check_layer(ActivationLayer(name), x)["x"] < TOL


def test_batchnorm_eval_mode_gradients(x):
    bn = BatchNorm(5)
    bn.forward(x * 3 + 1, train=True)
    assert max(check_layer(bn, x, train=False).values()) < TOL


def test_dropout_check_sees_a_fixed_mask_and_gradient_only_through_kept_units(x):
    layer = Dropout(0.5, rng=7)
    out, cache = layer.forward(x)
    dx, _ = layer.backward(np.ones_like(x), cache)
    assert np.all(dx[~layer.mask] == 0) and np.all(dx[layer.mask] == 2.0)


LOSS_CASES = {
    "softmax": (L.softmax_cross_entropy, lambda r: (r.integers(0, 5, 6),)),
    "svm": (L.multiclass_svm, lambda r: (r.integers(0, 5, 6),)),
    "svm_squared": (L.multiclass_svm, lambda r: (r.integers(0, 5, 6), 1.0, True)),
    "binary_logistic": (L.binary_logistic, lambda r: (r.integers(0, 2, (6, 5)).astype(float),)),
    "attribute_hinge": (L.attribute_hinge, lambda r: (r.choice([-1.0, 1.0], (6, 5)),)),
    "l2": (L.l2, lambda r: (r.standard_normal((6, 5)),)),
    "l1": (L.l1, lambda r: (r.standard_normal((6, 5)),)),
    "kl": (L.kl_divergence, lambda r: (r.dirichlet(np.ones(5), 6),)),
}


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_gradients(name, x):
    fn, make_args = LOSS_CASES[name]
    assert check_loss(fn, x, *make_args(np.random.default_rng(4))) < TOL


def test_numerical_gradient_of_a_known_function():
    x = np.array([1.0, -2.0, 0.5])
    g = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(g, 3 * np.array([1.0, -2.0, 0.5]) ** 2, rtol=1e-8)


def test_rel_error_is_the_cs231n_formula():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [3.0]) == pytest.approx(0.5)
    assert rel_error([0.0], [1e-9]) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="shape"):
        rel_error([1.0, 2.0], [1.0])


def test_a_wrong_gradient_is_caught(x):
    class BrokenLinear(Linear):
        def backward(self, dout, cache):
            dx, grads = super().backward(dout, cache)
            return dx, {"W": grads["W"] * 1.01, "b": grads["b"]}

    errors = check_layer(BrokenLinear(5, 4), x)
    assert errors["W"] > 1e-3 and errors["x"] < TOL
