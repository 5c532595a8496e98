"""The batch-norm experiments, computed by the core: identity recovery, noisy statistics, coupling, running
statistics against the CMU rule, the staged backward pass, the deep-network rescue. (The core's BatchNorm
against PyTorch's BatchNorm1d, momentum 0.1 and None, is tests/core/test_torch_agreement.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.batchnorm import study as study


def test_gamma_sigma_beta_mu_recovers_the_identity():
    x = study.unit_batch(32, seed=3)
    gamma, beta = study.identity_parameters(x)
    out = study.one_batch(x, gamma, beta)
    assert np.max(np.abs(out.y - x)) < 1e-12
    assert abs(out.x_hat.mean()) < 1e-12 and out.x_hat.std() == pytest.approx(np.sqrt(out.var / (out.var + 1e-5)))


def test_a_batch_of_one_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="batch=1 is not valid: .*at least 2"):
        study.one_batch(np.array([2.0]))


def test_batch_statistics_are_noisier_for_small_batches():
    small, large = study.batch_statistics(2, 200), study.batch_statistics(128, 200)
    assert small.means.std() > 5 * large.means.std()
    assert small.means.std() == pytest.approx(study.UNIT_STD / np.sqrt(2), rel=0.15)  # sigma / sqrt(B)
    # biased: E = (B-1)/B sigma^2 = 2; over 200 batches its standard error is 0.2: within 3 of them
    assert np.mean(small.variances) == pytest.approx(study.UNIT_STD**2 / 2, abs=0.6)


def test_moving_one_example_moves_its_batch_mates_outputs():
    values = np.array([1.0, 2.5, 3.0, 4.0, 5.5])
    before, after = study.coupled(values, 10.0)
    assert np.all(np.abs(after[1:] - before[1:]) > 0.3)  # each of the other four moved
    same, _ = study.coupled(values, 1.0)
    np.testing.assert_allclose(same, before)


def test_cumulative_running_variance_is_the_cmu_inference_rule():
    run = study.running_statistics(8, 60, momentum=None)
    assert run.mean[-1] == pytest.approx(run.cmu_mean, abs=1e-12)
    assert run.var[-1] == pytest.approx(run.cmu_var, abs=1e-12)  # B/(B-1) x mean of the batch variances
    ema = study.running_statistics(8, 60, momentum=0.1)
    recent = ema.batch_means[-1]
    assert ema.mean[-1] == pytest.approx(0.9 * ema.mean[-2] + 0.1 * recent)


def test_small_batches_make_training_and_evaluation_outputs_differ():
    two = study.running_statistics(2, 50, momentum=None)
    many = study.running_statistics(128, 50, momentum=None)
    gap = lambda r: np.mean(np.abs(r.train_out - r.eval_out))  # noqa: E731
    assert gap(two) > 0.3 > 0.1 > gap(many)


def test_each_backward_step_equals_the_core_and_a_numerical_gradient():
    result = study.backward_steps(gamma=1.5, beta=0.5, seed=2)
    for key in ("x", "gamma", "beta"):
        np.testing.assert_allclose(result.gradients[key], result.core[key], atol=1e-12)
    assert set(result.numerical) == set(result.gradients) - {"y"}  # every node but the given dL/dy
    for key, numeric in result.numerical.items():
        np.testing.assert_allclose(result.gradients[key], numeric, atol=1e-6, err_msg=key)
    g = result.gradients
    assert g["beta"][0] == pytest.approx(g["y"].sum()) and g["x"].sum() == pytest.approx(0.0, abs=1e-12)


def test_a_small_init_vanishes_without_batch_norm_and_keeps_its_scale_with_it():
    # The training outcomes of the rescue, over 5 seeds and two BLAS kernels: tests/claims/test_batchnorm_claims.py
    for seed in range(3):
        start = study.rescue("tanh", init_std=0.01, lr=0.1, steps=100, seed=seed).stds_start
        assert start["without"][-1] < 1e-7 < 0.3 < start["with"][-1]  # vanished / kept


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="position"):
        study.rescue(position="inside")
    with pytest.raises(ValueError, match="batches"):
        study.batch_statistics(4, 0)
    with pytest.raises(ValueError, match="moved"):
        study.coupled(np.ones(5), float("nan"))
    with pytest.raises((ValueError, TypeError), match="batch"):
        study.running_statistics("eight", 10)
