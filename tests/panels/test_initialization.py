"""The initialization explorer: the lectures' numbers, every control, NaN handling."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core.initstudy import UnitDrawCache, run_study
from nnlab.core.model import Network, NetworkSpec
from nnlab.panels.initialization import InitializationPanel

LECTURE_STDS = [0.49, 0.29, 0.18, 0.11, 0.07, 0.05]  # EECS 498 lecture 10, tanh with std 0.01


@pytest.fixture(scope="module")
def panel():
    """One panel at 6 x 4096, batch 16: the normal unit draws are shared by every Gaussian preset."""
    return InitializationPanel()


def test_tanh_std_001_matches_the_lecture_table(panel):
    stds = []
    for seed in (0, 1, 2):
        panel.apply_preset("tanh, std 0.01")
        panel.set(seed=seed)
        stds.append(panel.result.stds)
    panel.set(seed=0)
    np.testing.assert_allclose(np.mean(stds, axis=0), LECTURE_STDS, atol=0.01)


def test_tanh_std_005_saturates(panel):
    panel.apply_preset("tanh, std 0.05")
    for layer in panel.result.layers:
        assert np.mean(np.abs(layer.activation) > 0.9) > 0.5


def test_he_keeps_relu_activations_and_xavier_loses_them(panel):
    panel.apply_preset("ReLU, He")
    he = panel.result.stds
    panel.apply_preset("ReLU, Xavier")
    xavier = panel.result.stds
    assert 1 / 1.5 <= he[-1] / he[0] <= 1.5
    assert xavier[-1] < 0.5 * xavier[0]


def test_gradients_under_std_001_shrink_toward_the_input(panel):
    panel.apply_preset("tanh, std 0.01")
    panel.set(view="gradients dL/da")
    grad = np.array([layer.grad_activation.std() for layer in panel.result.layers])
    assert np.all(np.diff(grad) > 0), grad  # layer 1 (next to the input) smallest
    assert grad[0] < 0.2 * grad[-1]


def test_batch_norm_restores_unit_variance_under_the_bad_init(panel):
    panel.apply_preset("batch norm rescues std 0.01")
    for layer in panel.result.layers:
        assert abs(layer.normalized.std() - 1.0) < 0.01
    assert panel.result.stds[-1] > 0.5  # tanh of unit-variance inputs, not a collapse


def test_zero_init_shows_the_symmetry_problem(panel):
    panel.apply_preset("zero init: symmetry")
    assert all(layer.identical_units for layer in panel.result.layers)
    assert panel.status.startswith("symmetry")
    assert "all units identical" in panel.artists[0].notes[0].get_text()


def test_study_equals_the_core_network_with_the_same_weights():
    """One implementation: the fast study and the core Network agree on activations and dL/dW."""
    cache = UnitDrawCache(dtype=np.float64)
    study = run_study(depth=3, width=32, batch=8, activation="tanh", init="xavier_normal", batchnorm=True,
                      bias=0.01, cache=cache, seed=4)  # fmt: skip
    net = Network(NetworkSpec([32, 32, 32, 32, 10], activation="tanh", batchnorm=True))
    linears = [layer for layer in net.layers if "W" in layer.params]
    scale = np.sqrt(2 / 64)
    for index, linear in enumerate(linears[:3]):
        linear.params["W"][...] = scale * cache.get(4, index, "normal", (32, 32))
        linear.params["b"][...] = 0.01
    linears[3].params["W"][...] = np.sqrt(2 / 42) * cache.get(4, 3, "normal", (32, 10))
    gen = np.random.default_rng([4, 10_000])
    x, labels = gen.standard_normal((8, 32)), gen.integers(0, 10, 8)
    from nnlab.core.losses import softmax_cross_entropy

    scores = net.forward(x, trace=True)
    loss, dscores = softmax_cross_entropy(scores, labels)
    net.backward(dscores)
    assert study.loss == pytest.approx(loss, rel=1e-12)
    for ours, theirs in zip(study.layers, net.trace):
        np.testing.assert_allclose(ours.activation, theirs.activation, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours.grad_W, theirs.grad_W.ravel(), rtol=1e-10, atol=1e-14)


def _different(control, value):
    if control.kind in ("choice", "toggle"):
        return next(o for o in control.options if o != value)
    if control.kind == "bool":
        return not value
    if control.kind == "log":
        return value * 3
    return value + 1 if value + 1 <= control.high else value - 1


def test_every_control_changes_the_state_and_the_picture():
    start = {**InitializationPanel.defaults, "width": 64}
    small = InitializationPanel(**start)
    for control in small.controls:
        small.set(**start)
        before_state, before_image = small.state, small.image()
        new = _different(control, before_state[control.name])
        small.set(**{control.name: new})
        assert small.error is None, (control.name, small.error)
        assert small.state[control.name] == new
        assert not np.array_equal(small.image(), before_image), control.name


def test_overflow_is_a_status_not_an_exception():
    blowup = InitializationPanel(width=1024, depth=20, activation="identity", init="normal", scale=10.0)
    assert blowup.error is None
    assert blowup.status.startswith("overflow: activations become inf or NaN by layer")


def test_too_much_memory_is_refused_in_the_status_and_the_picture_stays():
    small = InitializationPanel(width=64)
    picture = small.image()
    small.set(width=16384, depth=10)
    assert small.error == "width=16384 is not valid: width must be one of: 16, 64, 256, 500, 1024, 2048, 4096"
    np.testing.assert_array_equal(small.image(), picture)
