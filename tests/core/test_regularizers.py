"""Regularizers: penalties and gradients by the lectures' formulas, max-norm projection, biases skipped."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core import get_regularizer
from nnlab.core.gradcheck import numerical_gradient, rel_error

W = np.array([[1.0, -2.0], [0.0, 3.0]])


def test_l2_is_half_lambda_sum_of_squares():
    reg = get_regularizer("l2", lam=0.1)
    assert reg.penalty(W) == pytest.approx(0.5 * 0.1 * 14)
    np.testing.assert_allclose(reg.gradient(W), 0.1 * W)


def test_l1_and_elastic_net():
    assert get_regularizer("l1", lam=0.1).penalty(W) == pytest.approx(0.6)
    np.testing.assert_allclose(get_regularizer("l1", lam=0.1).gradient(W), [[0.1, -0.1], [0.0, 0.1]])
    net = get_regularizer("elastic_net", l1=0.1, l2=0.2)
    assert net.penalty(W) == pytest.approx(0.6 + 0.5 * 0.2 * 14)


@pytest.mark.parametrize("name, params", [("l2", {"lam": 0.3}), ("l1", {"lam": 0.3}), ("elastic_net", {})])
def test_gradients_match_numerical(name, params):
    reg = get_regularizer(name, **params)
    w = np.random.default_rng(0).standard_normal((4, 3))
    assert rel_error(reg.gradient(w), numerical_gradient(lambda: reg.penalty(w), w)) < 1e-7


def test_max_norm_clips_each_units_incoming_vector_to_c():
    w = np.array([[3.0, 0.1], [4.0, 0.1]])  # column norms 5 and 0.14
    get_regularizer("max_norm", c=2.0).project(w)
    np.testing.assert_allclose(np.linalg.norm(w, axis=0), [2.0, np.sqrt(0.02)])
    np.testing.assert_allclose(w[:, 0], [1.2, 1.6])


def test_biases_are_not_regularized_unless_asked():
    assert get_regularizer("l2").applies_to("W")
    assert not get_regularizer("l2").applies_to("b")
    assert not get_regularizer("l2").applies_to("gamma")
    assert get_regularizer("l2", include_biases=True).applies_to("b")


def test_bad_input():
    with pytest.raises(ValueError, match="regularizer='l3'.*l2, l1"):
        get_regularizer("l3")
    with pytest.raises(ValueError, match="lam=-1.0"):
        get_regularizer("l2", lam=-1.0)
    with pytest.raises(ValueError, match="c=0.0"):
        get_regularizer("max_norm", c=0.0)
