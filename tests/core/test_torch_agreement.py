"""nnlab's activations, Linear, BatchNorm and losses against PyTorch 2.13 (float64, atol 1e-10).

Runs against stored data (``tests/reference/core.npz``); the ``live`` variants recompute
it with torch when torch is installed.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnlab.core import BatchNorm, Linear, get_activation
from nnlab.core import losses as L
from tests.conftest import load_reference, reference_params

ATOL = 1e-10


@pytest.fixture(scope="module", params=reference_params())
def ref(request):
    return load_reference("core", live=request.param)


def close(actual, expected, atol=ATOL):
    np.testing.assert_allclose(actual, expected, rtol=0, atol=atol)


def test_every_activation_value_and_derivative_matches_torch(ref):
    x = ref["act_x"]
    configs = json.loads(str(ref["act_configs"]))
    assert len(configs) >= 15
    for i, (name, params) in enumerate(configs):
        act = get_activation(name, **params)
        y = act.value(x)
        close(y, ref[f"act_{i}_y"])
        close(act.derivative(x), ref[f"act_{i}_dy"])
        close(act.derivative(x, y), ref[f"act_{i}_dy"])


def test_linear_matches_torch_with_transposed_weight(ref):
    layer = Linear.from_arrays(ref["lin_W"], ref["lin_b"])
    out, cache = layer.forward(ref["lin_x"])
    dx, grads = layer.backward(ref["lin_dout"], cache)
    close(out, ref["lin_out"])
    close(dx, ref["lin_dx"])
    close(grads["W"], ref["lin_dW"])
    close(grads["b"], ref["lin_db"])


@pytest.mark.parametrize("tag, momentum", [("m01", 0.1), ("cumulative", None)])
def test_batchnorm_training_batches_then_eval_match_torch(ref, tag, momentum):
    bn = BatchNorm(3, momentum=momentum)
    bn.params["gamma"][:] = ref["bn_gamma"]
    bn.params["beta"][:] = ref["bn_beta"]
    for k in range(3):
        out, cache = bn.forward(ref[f"bn_x{k}"], train=True)
        dx, grads = bn.backward(ref[f"bn_dout{k}"], cache)
        close(out, ref[f"bn_{tag}_out{k}"])
        close(dx, ref[f"bn_{tag}_dx{k}"])
        close(grads["gamma"], ref[f"bn_{tag}_dgamma{k}"])
        close(grads["beta"], ref[f"bn_{tag}_dbeta{k}"])
        close(bn.running_mean, ref[f"bn_{tag}_running_mean{k}"])
        close(bn.running_var, ref[f"bn_{tag}_running_var{k}"])
    out, cache = bn.forward(ref["bn_eval_x"], train=False)
    dx, _ = bn.backward(ref["bn_eval_dout"], cache)
    close(out, ref[f"bn_{tag}_eval_out"])
    close(dx, ref[f"bn_{tag}_eval_dx"])


def _check_loss(ref, tag, fn, scores, *args, factor=1.0):
    """nnlab's loss equals factor x torch's (see the table in nnlab.core.losses)."""
    loss, grad = fn(ref[scores], *args)
    expected = factor * ref[f"loss_{tag}"]
    np.testing.assert_allclose(loss, expected, rtol=1e-13, atol=ATOL)
    close(grad, factor * ref[f"loss_{tag}_grad"])


def test_cross_entropy_matches_torch(ref):
    _check_loss(ref, "ce", L.softmax_cross_entropy, "loss_scores", ref["loss_y"])
    _check_loss(ref, "ce_big", L.softmax_cross_entropy, "loss_big", ref["loss_y"])


def test_svm_is_num_classes_times_torch_multi_margin(ref):
    c = ref["loss_scores"].shape[1]
    _check_loss(ref, "mm1", L.multiclass_svm, "loss_scores", ref["loss_y"], factor=c)
    _check_loss(ref, "mm1_big", L.multiclass_svm, "loss_big", ref["loss_y"], factor=c)
    _check_loss(ref, "mm2", L.multiclass_svm, "loss_scores", ref["loss_y"], 0.5, True, factor=c)


def test_binary_logistic_is_num_attributes_times_torch_bce_with_logits(ref):
    c = ref["loss_scores"].shape[1]
    _check_loss(ref, "bce", L.binary_logistic, "loss_scores", ref["loss_multi"], factor=c)
    _check_loss(ref, "bce_big", L.binary_logistic, "loss_big", ref["loss_multi"], factor=c)


def test_regression_losses_are_output_dim_times_torch_mean(ref):
    d = ref["loss_scores"].shape[1]
    _check_loss(ref, "mse", L.l2, "loss_scores", ref["loss_reg"], factor=d)
    _check_loss(ref, "l1", L.l1, "loss_scores", ref["loss_reg"], factor=d)


def test_kl_divergence_matches_torch_batchmean(ref):
    _check_loss(ref, "kl", L.kl_divergence, "loss_scores", ref["loss_p"])
    _check_loss(ref, "kl_big", L.kl_divergence, "loss_big", ref["loss_p"])
