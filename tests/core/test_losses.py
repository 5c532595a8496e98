"""Losses: the lectures' sanity values, stability at large scores, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlab.core import LOSSES, NonFiniteError, get_loss
from nnlab.core import losses as L


def test_initial_softmax_loss_is_log_num_classes():
    # CS231n "babysitting": with small weights the loss is ln(C), 2.303 for 10 classes.
    loss, _ = L.softmax_cross_entropy(np.zeros((5, 10)), np.arange(5))
    assert loss == pytest.approx(math.log(10))


def test_initial_svm_loss_is_c_minus_one_times_delta():
    loss, _ = L.multiclass_svm(np.zeros((4, 10)), np.arange(4), delta=1.0)
    assert loss == pytest.approx(9.0)


def test_svm_example_from_the_cs231n_notes():
    # Notes, "Multiclass SVM": scores [13, -7, 11], correct class 0, delta 10 -> L_i = 8.
    loss, _ = L.multiclass_svm(np.array([[13.0, -7.0, 11.0]]), [0], delta=10.0)
    assert loss == 8.0


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_finite_at_scores_of_magnitude_1e4(name):
    rng = np.random.default_rng(0)
    scores = rng.choice([-1e4, 1e4], (6, 4)) * rng.uniform(0.5, 1, (6, 4))
    targets = {
        "softmax": rng.integers(0, 4, 6),
        "svm": rng.integers(0, 4, 6),
        "binary_logistic": rng.integers(0, 2, (6, 4)).astype(float),
        "attribute_hinge": rng.choice([-1.0, 1.0], (6, 4)),
        "kl": rng.dirichlet(np.ones(4), 6),
    }.get(name, rng.standard_normal((6, 4)))
    loss, grad = get_loss(name)(scores, targets)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))


def test_labels_out_of_range_are_rejected():
    with pytest.raises(ValueError, match="y holds labels from 0 to 3; allowed are 0 to 2 for 3 classes"):
        L.softmax_cross_entropy(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="y must be a 1-D array of 2 labels"):
        L.multiclass_svm(np.zeros((2, 3)), [0, 1, 2])
    with pytest.raises(TypeError, match="y must hold integer class labels"):
        L.softmax_cross_entropy(np.zeros((2, 3)), [0.5, 1])


def test_mismatched_targets_and_nan_scores_are_rejected():
    with pytest.raises(ValueError, match="scores has shape \\(2, 3\\) but targets has shape \\(2, 4\\)"):
        L.l2(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(NonFiniteError, match="scores contains"):
        L.softmax_cross_entropy(np.array([[np.inf, 0.0]]), [0])
    with pytest.raises(ValueError, match="-1 or \\+1"):
        L.attribute_hinge(np.zeros((1, 2)), np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match="sum to 1"):
        L.kl_divergence(np.zeros((1, 2)), np.array([[0.2, 0.2]]))
    with pytest.raises(ValueError, match="delta=-1.0"):
        L.multiclass_svm(np.zeros((1, 2)), [0], delta=-1.0)


def test_unknown_loss_lists_the_valid_ones():
    with pytest.raises(ValueError, match="loss='hinge'.*softmax, svm"):
        get_loss("hinge")
