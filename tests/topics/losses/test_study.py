"""The loss experiments, computed by the core: the lecture's numbers for one example's scores, the linear
classifier, the CMU perceptron surfaces, regression with an outlier, the attribute losses. (The losses
themselves against PyTorch are tests/core/test_losses.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core.losses import attribute_hinge, binary_logistic, l1, l2
from nnlab.topics.losses import study as study


def test_the_lecture_example_cat_car_frog():
    # CS231n lecture 3: SVM loss 2.9 for the cat image; softmax p(cat) = 0.13, L = 2.04
    result = study.score_losses(np.array([3.2, 5.1, -1.7]), 0)
    assert result.svm == pytest.approx(2.9)
    assert result.softmax == pytest.approx(2.04, abs=0.005)
    assert result.probabilities == pytest.approx([0.13, 0.87, 0.00], abs=0.005)
    assert result.probabilities.sum() == pytest.approx(1.0)


def test_the_notes_example_with_delta_10_is_8():
    # CS231n notes, "Multiclass Support Vector Machine loss": scores [13, -7, 11], delta 10 -> 0 + 8
    assert study.score_losses(np.array([13.0, -7.0, 11.0]), 0, delta=10.0).svm == pytest.approx(8.0)


@pytest.mark.parametrize("classes", [3, 5, 10])
def test_small_scores_give_c_minus_1_and_ln_c(classes):
    zero = study.score_losses(np.zeros(classes), 1)
    assert zero.svm == classes - 1 and zero.softmax == pytest.approx(np.log(classes), abs=1e-12)
    scores = study.small_scores(classes, seed=2)
    assert np.any(scores != 0) and np.all(np.abs(scores) <= 0.15)
    small = study.score_losses(scores, 1)
    # each margin moves by at most 2 max|s|, and so does L = -s_y + log sum exp(s) from ln C
    bound = 2 * np.abs(scores).max()
    assert small.svm == pytest.approx(classes - 1, abs=(classes - 1) * bound + 1e-12)
    assert small.softmax == pytest.approx(np.log(classes), abs=bound + 1e-12)


@pytest.mark.parametrize("squared", [False, True])
def test_the_svm_gradient_is_zero_once_margins_hold_and_softmax_never_is(squared):
    held = study.score_losses(np.array([10.0, 9.0, 9.0]), 0, squared=squared)
    assert held.svm == 0.0 and np.all(held.svm_grad == 0.0)
    assert held.softmax == pytest.approx(np.log(1 + 2 / np.e))  # the notes: softmax "always wants more"
    assert np.all(held.softmax_grad != 0.0)
    far = study.score_losses(np.array([10.0, -5.0, -5.0]), 0, squared=squared)
    assert 0.0 < far.softmax < 1e-6 and np.all(far.softmax_grad[1:] > 0)
    certain = study.score_losses(np.array([20.0, -20.0, -20.0]), 0, squared=squared)
    assert str(certain.softmax) == "0.0" and np.all(certain.softmax_grad[1:] > 0)  # 0 in float64, never -0.0
    violated = study.score_losses(np.array([3.2, 5.1, -1.7]), 0, squared=squared)
    assert violated.svm_grad[1] > 0 and violated.svm_grad[0] < 0 and violated.svm_grad[2] == 0


def test_the_linear_classifier_learns_the_blobs_with_both_losses_and_the_svm_can_reach_zero():
    X, y = study.linear_data(0)
    svm = study.train_linear(X, y, "svm", 0.0, 0.5, 400, 0)
    softmax = study.train_linear(X, y, "softmax", 0.0, 0.5, 400, 0)
    assert svm.losses[0] == pytest.approx(2.0, abs=0.05) and softmax.losses[0] == pytest.approx(np.log(3), abs=0.02)
    assert svm.accuracy > 0.95 and softmax.accuracy > 0.95
    assert softmax.losses[-1] < softmax.losses[0] / 5 and softmax.data_loss > 0
    strong = study.train_linear(X, y, "softmax", 1.0, 0.5, 400, 0)
    assert np.linalg.norm(strong.W) < np.linalg.norm(softmax.W) / 3  # regularization shrinks the weights
    with pytest.raises(FloatingPointError, match="lr=1e\\+06 diverged"):
        study.train_linear(X, y, "softmax", 10.0, 1e6, 50, 0)
    with pytest.raises(ValueError, match="loss"):
        study.train_linear(X, y, "hinge", 0.0, 0.5, 10, 0)


def test_the_surfaces_are_the_core_losses():
    surfaces = study.perceptron_surfaces(0, points=11)
    X, t = study.perceptron_data(0)
    for i, j in [(0, 0), (3, 7), (10, 5)]:
        w = np.array([surfaces.w1[j], surfaces.w2[i]])
        out = 1.0 / (1.0 + np.exp(-(X @ w)))
        assert surfaces.l2[i, j] == pytest.approx(np.mean((out - t) ** 2), rel=1e-12)
        assert surfaces.l2[i, j] == l2(out[:, None], t[:, None])[0]
        assert surfaces.kl[i, j] == binary_logistic((X @ w)[:, None], t[:, None])[0]


def test_cmu_far_from_the_optimum_l2_is_flat_and_kl_is_steep():
    X, t = study.perceptron_data(0)
    start = np.array([-6.0, -4.0])
    l2_grad = np.linalg.norm(study.perceptron_loss(start, X, t, "l2")[1])
    kl_grad = np.linalg.norm(study.perceptron_loss(start, X, t, "kl")[1])
    assert kl_grad > 50 * l2_grad
    l2_path, l2_err, l2_norms = study.perceptron_path(X, t, "l2", start, 1.0, 100)
    kl_path, kl_err, kl_norms = study.perceptron_path(X, t, "kl", start, 1.0, 100)
    assert (l2_norms[0], kl_norms[0]) == (l2_grad, kl_grad)  # the path reports the gradient it stepped with
    assert np.linalg.norm(l2_path[-1] - start) < 2.0 and l2_err[-1] > 0.95 * l2_err[0]  # stuck on the plateau
    assert kl_path[-1] @ np.array([1.0, 1.0]) > 3.0 and kl_err[-1] < 0.1 * kl_err[0]  # reached the good side


def test_numerical_gradients_of_the_perceptron_losses():
    X, t = study.perceptron_data(1)
    w = np.array([0.7, -0.3])
    for loss in study.SURFACE_LOSSES:
        grad = study.perceptron_loss(w, X, t, loss)[1]
        h = 1e-6
        numeric = [(study.perceptron_loss(w + h * e, X, t, loss)[0] - study.perceptron_loss(w - h * e, X, t, loss)[0])
                   / (2 * h) for e in np.eye(2)]  # fmt: skip
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_the_outlier_gradient_grows_under_l2_and_stays_bounded_under_l1():
    r = np.array([-30.0, -10.0, -1.0, 1.0, 10.0, 30.0])
    l2_grad, l1_grad = study.outlier_gradients(r)
    np.testing.assert_allclose(l2_grad, 2 * r)  # linear in the residual
    np.testing.assert_array_equal(np.abs(l1_grad), 1.0)
    near, far = study.regression(6.0, 0), study.regression(30.0, 0)
    assert abs(far.l2_outlier_grad) > 3 * abs(near.l2_outlier_grad)
    assert abs(far.l1_outlier_grad) == 1.0
    assert far.l2_fit[0] > 0.6 and far.l1_fit[0] == pytest.approx(0.5, abs=0.05)  # L2 is pulled, L1 is not


def test_the_regression_lines_are_the_minima_of_the_core_losses():
    result = study.regression(25.0, 3)
    A = np.c_[result.x, np.ones_like(result.x)]
    # L2: the core's gradient on the line's two parameters is zero at the fit
    grad = l2((A @ result.l2_fit)[:, None], result.y[:, None])[1][:, 0]
    np.testing.assert_allclose(A.T @ grad, 0.0, atol=1e-10)
    # L1: no line through the data nearby does better
    best = l1((A @ result.l1_fit)[:, None], result.y[:, None])[0]
    gen = np.random.default_rng(0)
    for _ in range(200):
        other = result.l1_fit + gen.normal(0, [0.05, 0.3])
        assert l1((A @ other)[:, None], result.y[:, None])[0] >= best - 1e-12
    assert result.l1_loss == best


def test_attribute_losses_are_the_core_with_the_minus_sign():
    # the CS231n notes' logistic formula lacks the leading minus; the loss must be >= 0 and falls as the score
    # agrees with the attribute
    curves = study.attribute_curves()
    assert np.all(curves.logistic[True] > 0) and np.all(np.diff(curves.logistic[True]) < 0)
    assert np.all(np.diff(curves.logistic[False]) > 0)
    assert study.attribute_loss(0.0, True, "logistic")[0] == pytest.approx(np.log(2))
    assert study.attribute_loss(2.0, True, "logistic") == (
        binary_logistic(np.array([[2.0]]), np.array([[1.0]]))[0],
        pytest.approx(1 / (1 + np.exp(2)) * -1),
    )
    assert study.attribute_loss(0.5, False, "hinge") == (attribute_hinge(np.array([[0.5]]), np.array([[-1.0]]))[0],
                                                         1.0)  # fmt: skip
    assert study.attribute_loss(1.5, True, "hinge") == (0.0, 0.0)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="true"):
        study.score_losses(np.zeros(3), 3)
    with pytest.raises(ValueError, match="loss"):
        study.perceptron_path(*study.perceptron_data(0), "l1", (0.0, 0.0), 1.0, 5)
    with pytest.raises(ValueError, match="outlier_y"):
        study.regression(float("nan"), 0)
    with pytest.raises(ValueError, match="loss=.squared. is not valid; choose one of: logistic, hinge"):
        study.attribute_loss(1.0, True, "squared")
