"""The initialization explorer: the lectures' numbers, every control, NaN handling."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core.model import Network, NetworkSpec
from nnlab.topics.initialization.panel import InitializationPanel
from nnlab.topics.initialization.study import UnitDrawCache, run_study

LECTURE_STDS = [0.49, 0.29, 0.18, 0.11, 0.07, 0.05]  # EECS 498 lecture 10, tanh with std 0.01


@pytest.fixture(scope="module")
def shared_panel():
    """One panel at 6 x 4096, batch 16: the normal unit draws are shared by every Gaussian preset."""
    return InitializationPanel()


@pytest.fixture
def panel(shared_panel):
    """The shared panel in the default view (presets keep the view, so a test must not inherit another's)."""
    shared_panel.set(view="activations", gradient_axis="log10 |value|")
    assert shared_panel.error is None, shared_panel.error
    return shared_panel


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
    assert "units identical" in panel.artists[0].notes[0].get_text()


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
        if not small.shows_control(control, small.state):  # controls that apply in another view or initializer
            small.set(**{"gradient_axis": {"view": "gradients dL/dW"}, "sparse_k": {"init": "sparse"}}[control.name])
            assert small.shows_control(control, small.state), control.name
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


def _mass_centres(panel) -> tuple[np.ndarray, tuple[float, float]]:
    """Each drawn row's centre of mass on the picture's x axis, and the axis' limits."""
    ridge = panel.artists[0]
    centres = []
    for row in range(len(panel.result.layers)):
        data = ridge.patches[row].get_data()
        mass, mids = data.values + row, (data.edges[:-1] + data.edges[1:]) / 2  # row r is drawn from baseline -r
        centres.append(float((mass * mids).sum() / mass.sum()))
    return np.array(centres), ridge.ax.get_xlim()


def test_gradient_views_share_one_log_axis_so_small_gradients_look_small(panel):
    """EECS 498: at std 0.01 dL/dW (std 1.7e-4) is a tenth of Xavier's (1.6e-3); on the fixed log10 |value|
    axis every layer's mass sits about one decade left of Xavier's, on the same limits."""
    panel.apply_preset("tanh, std 0.01")
    panel.set(view="gradients dL/dW")
    small, small_axis = _mass_centres(panel)
    panel.apply_preset("tanh, Xavier")
    xavier, xavier_axis = _mass_centres(panel)
    assert small_axis == xavier_axis == (-12.0, 2.0)
    np.testing.assert_allclose(xavier - small, 1.0, atol=0.15)
    panel.apply_preset("tanh, std 0.01")
    assert panel.artists[0].notes[0].get_text() == "layer 1: mean=0.00 std=1.7e-04"
    # "linear, zoomed" scales the axis to the values at hand again
    panel.set(gradient_axis="linear, zoomed")
    assert panel.artists[0].ax.get_xlim()[1] < 0.01
    panel.set(gradient_axis="log10 |value|", view="activations")


def test_means_and_stds_are_printed_as_the_lecture_prints_them():
    from nnlab.topics.initialization.panel import lecture_stats

    assert lecture_stats(-0.0023, 0.49) == "mean=0.00 std=0.49"
    assert lecture_stats(0.39, 0.58) == "mean=0.39 std=0.58"
    assert lecture_stats(0.0, 2.7e-05) == "mean=0.00 std=2.7e-05"  # two decimals would show 0.00
    assert lecture_stats(0.0, 0.0) == "mean=0.00 std=0.00"
    assert lecture_stats(float("nan"), float("inf")) == "mean=nan std=inf"


def test_the_cs231n_experiments_as_presets(panel):
    """CS231n notes / lecture 6, 10 layers of 500 units, batch 1000: tanh at std 1 saturates (about 90% of the
    units at |a| > 0.99); ReLU with Xavier collapses (std 0.585 to 0.025); with He ("divided by two") it stays
    near 0.81."""
    panel.apply_preset("CS231n: tanh, std 1 saturates")
    saturated = [np.mean(np.abs(layer.activation) > 0.99) for layer in panel.result.layers]
    np.testing.assert_allclose(saturated, 0.9, atol=0.02)
    assert "saturated" in panel.artists[0].notes[0].get_text()
    panel.apply_preset("CS231n: ReLU, Xavier")
    assert panel.result.stds[0] == pytest.approx(0.585, abs=0.005)
    assert panel.result.stds[-1] == pytest.approx(0.025, abs=0.003)
    panel.apply_preset("CS231n: ReLU, He")
    np.testing.assert_allclose(panel.result.stds, 0.81, atol=0.06)


def test_linear_with_xavier_and_selu_with_lecun_keep_unit_std_through_every_layer(panel):
    """Var(y) = Din Var(x) Var(w) = Var(x) when Var(w) = 1/Din; SELU with LeCun init is self-normalizing."""
    for preset in ("linear, Xavier", "SELU, LeCun"):
        panel.apply_preset(preset)
        np.testing.assert_allclose(panel.result.stds, 1.0, atol=0.03, err_msg=preset)


def test_sparse_init_has_k_connections_per_unit_and_k_is_a_control():
    small = InitializationPanel(width=64, depth=2, init="sparse", sparse_k=10, scale=1.0)
    assert small.shows_control(next(c for c in small.controls if c.name == "sparse_k"), small.state)
    unit = small.compute(small.state)  # noqa: F841 - fills the shared cache
    from nnlab.topics.initialization.panel import UNITS

    draw = UNITS.get(0, 0, "sparse", (64, 64), 10)
    assert np.all(np.count_nonzero(draw, axis=0) == 10)  # every unit listens to exactly 10 inputs
    small.set(sparse_k=3)
    assert np.all(np.count_nonzero(UNITS.get(0, 0, "sparse", (64, 64), 3), axis=0) == 3)
    small.set(init="normal")
    assert not small.shows_control(next(c for c in small.controls if c.name == "sparse_k"), small.state)


def test_relu_bias_001_shows_the_fraction_of_active_units(panel):
    panel.apply_preset("ReLU, He")
    without = panel.artists[0].notes[0].get_text()
    panel.apply_preset("ReLU, He, bias 0.01")
    with_bias = panel.artists[0].notes[0].get_text()
    active = [float(np.mean(layer.activation > 0)) for layer in panel.result.layers]
    assert f"{active[0]:.1%} active" in with_bias and "active" in without
    assert all(a > 0.499 for a in active)


def test_residual_presets_say_how_the_variance_changes_per_block(panel):
    panel.apply_preset("residual, He: variance grows")
    assert panel.status == "residual blocks: Var(x + F(x)) / Var(x) = 3.01 per block"
    panel.apply_preset("residual, W2 = 0")
    assert panel.status == "residual blocks: Var(x + F(x)) / Var(x) = 1.00 per block"
    np.testing.assert_allclose(panel.result.stds, 1.0, atol=0.01)


def test_a_lecture_step_is_not_announced_as_slow_but_a_large_batch_is(panel, monkeypatch):
    # The estimate decides the busy state (a spinner the browser animates while the kernel computes) and 'compute
    # anyway'. It once counted drawing every weight on every change (1.2-1.7 s for a 0.05-0.1 s step), so each
    # step of the lecture's network showed "computing (about 1.7 s)" and a batch of 256 (0.5 s) asked first.
    import nnlab.app.base as base

    monkeypatch.setattr(base, "BLAS_THREADS", 2)
    busy = []
    panel.widget()
    monkeypatch.setattr(panel.ui, "busy", busy.append)
    # The shared panel holds what the test before left (a residual preset doubles the layers): the lecture's defaults.
    panel.set(**{**InitializationPanel.defaults, "view": "gradients dL/dW"})
    lecture = dict(panel.state)
    assert (lecture["depth"], lecture["width"], lecture["batch"], lecture["residual"]) == (6, 4096, 16, "off")
    assert panel.estimate(lecture) < base.BUSY_SECONDS  # the weights are drawn: two passes over them
    panel.set(scale=0.02)
    assert busy == [] and panel.error is None
    monkeypatch.setattr(base, "BLAS_THREADS", 1)
    assert panel.estimate(lecture) > 1.9 * panel.estimate({**lecture, "view": "activations"})  # backward too
    panel.set(batch=256)
    assert len(busy) == 1 and busy[0].startswith("computing (about") and panel.error is None  # shown, not asked
    panel.set(batch=16, scale=0.01)
