"""The activation experiments of the lectures, computed by the core: every number the activation panel shows."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core.activations import get_activation
from nnlab.topics.activations import study as study


def test_sigmoid_kills_the_gradient_at_plus_minus_ten():
    sigmoid = get_activation("sigmoid")
    slope = sigmoid.derivative(np.array([-10.0, 10.0]))
    np.testing.assert_allclose(slope, np.exp(-10) / (1 + np.exp(-10)) ** 2)  # f (1 - f)
    assert slope[0] == pytest.approx(4.54e-5, rel=1e-3)
    assert study.derivative_max(sigmoid) == pytest.approx(0.25)
    assert study.flat(sigmoid, np.array([10.0, -10.0, 0.0])).tolist() == [True, True, False]


SELU_TOP = 1.0507009873554805 * 1.6732632423543772  # lambda * alpha, at x -> 0 from below


@pytest.mark.parametrize(("name", "top"), [("tanh", 1.0), ("relu", 1.0), ("selu", SELU_TOP)])
def test_largest_derivative(name, top):
    assert study.derivative_max(get_activation(name)) == pytest.approx(top, rel=1e-6)


def test_flat_regions_relu_dies_on_the_negative_side_leaky_relu_never():
    x = np.linspace(-5, 5, 11)
    assert study.flat(get_activation("relu"), x).tolist() == [True] * 6 + [False] * 5  # f'(0) = 0, as in PyTorch
    assert not study.flat(get_activation("leaky_relu", slope=0.1), x).any()
    # GELU's f' is negative from x = -0.75 down: it still passes gradient (sign turned), so it is not flat there;
    # only a thin band where f' crosses zero is
    assert study.flat(get_activation("gelu"), np.array([-1.0, -1.5, -2.0, -0.7518])).tolist() == [False] * 3 + [True]


def test_local_gradients_of_a_relu_layer_half_dead():
    z = np.array([-2.0, -1.0, 0.0, 1.0, 3.0, 0.5])
    local = study.local_gradients(get_activation("relu"), z)
    assert (local.dead, local.saturated, local.mean) == (pytest.approx(0.5), pytest.approx(0.5), pytest.approx(0.5))


def test_gelu_against_its_sigmoid_approximation():
    x = np.linspace(-10, 10, 20_001)
    gap = np.abs(get_activation("gelu")(x) - x / (1 + np.exp(-1.702 * x)))
    assert study.gelu_sigmoid_gap() == pytest.approx(gap.max())
    assert round(study.gelu_sigmoid_gap(), 3) == 0.020


def test_maxout_is_the_max_of_its_pieces_with_the_winners_slope():
    x = np.linspace(-3, 3, 61)
    curve = study.maxout_curve(x, 4, seed=1)
    np.testing.assert_allclose(curve.value, curve.pieces.max(axis=1))
    np.testing.assert_allclose(np.diff(curve.value) / np.diff(x), curve.derivative[1:], atol=0.5)  # kinks aside
    slopes = (curve.pieces[1] - curve.pieces[0]) / (x[1] - x[0])
    assert set(np.round(curve.derivative, 9)) <= set(np.round(slopes, 9))
    assert study.maxout_parameters(100, 100, 3) == 3 * 101 * 100


def test_one_examples_gradient_has_entries_of_one_sign_when_inputs_are_positive():
    path = study.zigzag(centred=False, batch=1, steps=200, lr=0.5).path
    steps = np.diff(path, axis=0)
    moved = np.abs(steps).sum(axis=1) > 0
    assert np.all(steps[moved, 0] * steps[moved, 1] > 0)  # every step in quadrant I or III: confined


def test_zig_zag_positive_inputs_against_centred_and_minibatches():
    positive = study.zigzag(centred=False, batch=1)
    centred = study.zigzag(centred=True, batch=1)
    batched = study.zigzag(centred=False, batch=32)
    assert positive.same_sign == 1.0
    assert 0.3 < centred.same_sign < 0.7  # any quadrant
    assert batched.same_sign < 0.5  # the averaged gradient is no longer confined
    assert positive.straightness < 0.5 < 0.75 < centred.straightness  # 0.43 against 0.80 (seed 0)
    assert batched.straightness > 0.85
    assert positive.distance < 0.1 and centred.distance < 0.1  # both reach w* = (1, -1)


def test_dead_relus_with_a_high_learning_rate_and_none_with_leaky_relu():
    dead = study.dead_units("relu", lr=1.5)
    assert dead.dead[0, 0] == 0.0  # none dead at the start in layer 1
    assert dead.dead[-1, 0] > 0.1  # 12 of 32 at step 500
    assert dead.first_dead.sum() == round(dead.dead[-1, 0] * 32)
    X = dead.X
    z = X @ dead.W + dead.b
    assert np.array_equal(np.all(z <= 0, axis=0), dead.first_dead)  # never active on the training data
    leaky = study.dead_units("leaky_relu", {"slope": 0.01}, lr=1.5)
    assert np.all(leaky.dead == 0.0) and leaky.inactive[-1].max() > 0.1  # never positive, still learning


def test_relus_started_off_the_data_die_and_elus_do_not():
    off = study.dead_units("relu", lr=0.1, bias=-0.5)
    assert off.dead[0, 0] > 0.1 and off.dead[-1, 0] > 0.1
    elu = study.dead_units("elu", lr=0.1, bias=-0.5)
    assert np.all(elu.dead == 0.0)


def test_selu_self_normalizes_through_50_layers_with_lecun_init_and_drifts_with_he():
    selu = study.depth_stats("selu", "lecun_normal", depth=50)
    assert np.all(np.abs(selu.stds - 1) < 0.05) and np.all(np.abs(selu.means) < 0.05)
    he = study.depth_stats("selu", "he_normal", depth=50)
    assert he.stds[-1] > 10


def test_race_relu_reaches_25_percent_error_first():
    result = study.race(steps=1500)
    assert result.reached["relu"] == 90 and result.reached["tanh"] == 650  # 7.2x, seed 0
    assert result.reached["sigmoid"] is None  # not within 1500 steps at this learning rate
    assert all(result.error[n][0] > 0.5 for n in ("relu", "tanh", "sigmoid"))  # chance is 2/3 on 3 classes


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="batch"):
        study.zigzag(False, batch=0)
    with pytest.raises(ValueError, match="init"):
        study.race(init="orthogonal")
