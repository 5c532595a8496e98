"""The network and the trainer: gradients, PyTorch agreement, the spiral case study, babysitting checks."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from nnlab.core import NonFiniteError, get_regularizer
from nnlab.core.gradcheck import check_network
from nnlab.core.model import Network, NetworkSpec
from nnlab.core.train import (
    TrainConfig,
    Trainer,
    check_initial_loss,
    check_overfit_small,
    check_regularization_raises_loss,
    train,
)
from nnlab.data.toy2d import spiral
from tests.conftest import load_reference, reference_params


@pytest.fixture(scope="module")
def data():
    return spiral(n_per_class=100, classes=3, rng=0)


def small_data(n=12, d=3, c=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, c, n)


@pytest.mark.parametrize(
    "spec",
    [
        NetworkSpec([3, 5, 4], activation="tanh"),
        NetworkSpec([3, 6, 5, 4], activation="relu", batchnorm=True),
        NetworkSpec([3, 6, 5, 4], activation="elu", batchnorm=[True, False], keep_prob=0.6, input_keep_prob=0.8),
    ],
    ids=["tanh", "batchnorm", "batchnorm+dropout"],
)
def test_whole_network_gradient_check(spec):
    X, y = small_data()
    errors = check_network(Network(spec), X, y, regularizer=get_regularizer("l2", lam=0.1))
    assert max(errors.values()) < 1e-7, errors


def test_trace_records_every_hidden_layer_forward_and_backward():
    X, _ = small_data()
    net = Network(NetworkSpec([3, 8, 7, 4], activation="tanh", batchnorm=True, keep_prob=0.5))
    scores = net.forward(X, trace=True)
    net.backward(np.ones_like(scores))
    assert len(net.trace) == 2
    t0, t1 = net.trace
    assert t0.pre_activation.shape == (12, 8) and t1.activation.shape == (12, 7)
    np.testing.assert_allclose(t0.activation, np.tanh(t0.normalized))
    assert t0.mask.shape == (12, 8) and t0.mask.dtype == bool
    assert t1.grad_activation.shape == (12, 7) and t0.grad_W.shape == (3, 8)
    assert net.forward(X, train=False, trace=True) is not None and net.trace[0].mask is None


@pytest.fixture(scope="module", params=reference_params())
def ref(request):
    return load_reference("model", live=request.param)


@pytest.mark.parametrize("tag, optimizer, hyper", [("adam", "adam", {"lr": 1e-2}),
                                                   ("momentum", "sgd", {"lr": 0.1, "momentum": 0.9})])  # fmt: skip
def test_fifty_training_steps_match_pytorch(ref, tag, optimizer, hyper):
    net = Network(NetworkSpec([2, 16, 16, 3], batchnorm=True))
    for i, linear in enumerate(k for k in range(len(net.layers)) if "W" in net.layers[k].params):
        net.layers[linear].params["W"][...] = ref[f"init_W{i}"]
        net.layers[linear].params["b"][...] = ref[f"init_b{i}"]
    config = TrainConfig(optimizer=optimizer, optimizer_params=hyper, regularizer="l2",
                         regularizer_params={"lam": 1e-3}, batch_size=16, epochs=100, seed=5)  # fmt: skip
    trainer = Trainer(net, ref["X"], ref["y"], config=config)
    for _ in range(50):
        trainer.step()
    np.testing.assert_allclose(trainer.history.loss, ref[f"{tag}_loss"], rtol=1e-9)
    weights = [net.layers[k].params for k in range(len(net.layers)) if "W" in net.layers[k].params]
    for i, params in enumerate(weights):
        np.testing.assert_allclose(params["W"], ref[f"{tag}_W{i}"], rtol=1e-9, atol=1e-12)
    bns = [layer for layer in net.layers if hasattr(layer, "running_var")]
    # A bias feeding batch norm has a true gradient of exactly 0; what both libraries compute is
    # ~1e-17 of rounding noise, which Adam divides by eps = 1e-8, so that bias (and the running
    # mean that contains it) drifts by ~1e-11 per step in an implementation-dependent direction.
    noise = 50 * 1e-2 * 1e-17 / 1e-8 * 10
    for i, bn in enumerate(bns):
        np.testing.assert_allclose(weights[i]["b"], ref[f"{tag}_b{i}"], rtol=0, atol=noise)
        np.testing.assert_allclose(bn.params["gamma"], ref[f"{tag}_gamma{i}"], rtol=1e-9)
        np.testing.assert_allclose(bn.running_mean, ref[f"{tag}_running_mean{i}"], rtol=1e-9, atol=noise)
        np.testing.assert_allclose(bn.running_var, ref[f"{tag}_running_var{i}"], rtol=1e-9)
    np.testing.assert_allclose(weights[2]["b"], ref[f"{tag}_b2"], rtol=1e-9)
    np.testing.assert_allclose(net.forward(ref["X"], train=False), ref[f"{tag}_eval_scores"], rtol=1e-9, atol=noise)


def test_a_prelu_network_learns_its_slopes_as_pytorchs_prelu(ref):
    net = Network(NetworkSpec([2, 16, 16, 3], activation="prelu", activation_params={"slope": 0.25}))
    linears = [layer for layer in net.layers if "W" in layer.params]
    for i, linear in enumerate(linears):
        linear.params["W"][...] = ref[f"init_W{i}"]
        linear.params["b"][...] = ref[f"init_b{i}"]
    config = TrainConfig(optimizer="adam", optimizer_params={"lr": 1e-2}, regularizer="l2",
                         regularizer_params={"lam": 1e-3}, batch_size=16, epochs=100, seed=5)  # fmt: skip
    trainer = Trainer(net, ref["X"], ref["y"], config=config)
    for _ in range(50):
        trainer.step()
    np.testing.assert_allclose(trainer.history.loss, ref["prelu_loss"], rtol=1e-9)
    slopes = [layer.params["a"] for layer in net.layers if "a" in layer.params]
    for i, a in enumerate(slopes):
        np.testing.assert_allclose(a, ref[f"prelu_a{i}"], rtol=1e-9)
        assert abs(a[0] - 0.25) > 1e-3  # it learned
    for i, linear in enumerate(linears):
        np.testing.assert_allclose(linear.params["W"], ref[f"prelu_W{i}"], rtol=1e-9, atol=1e-12)


def test_two_layer_network_fits_the_spiral_and_a_linear_classifier_does_not(data):
    X, y = data
    common = {"optimizer": "sgd", "regularizer": "l2", "regularizer_params": {"lam": 1e-3}, "batch_size": 300}
    small = {"init": "normal", "init_params": {"std": 0.01}}
    _, two_layer = train(NetworkSpec([2, 100, 3], **small), X, y, optimizer_params={"lr": 0.7}, epochs=4000, **common)
    _, linear = train(NetworkSpec([2, 3], **small), X, y, optimizer_params={"lr": 1.0}, epochs=1000, **common)
    assert two_layer.status == "finished" and two_layer.iteration <= 10_000
    assert two_layer.train_acc[-1] >= 0.97
    assert 0.4 <= linear.train_acc[-1] <= 0.6


def test_the_case_study_step_size_spikes_and_babysitting_stops_it(data):
    """CS231n's step size 1.0 spikes past 3x the initial loss on this spiral; training stops with a status."""
    X, y = data
    spec = NetworkSpec([2, 100, 3], init="normal", init_params={"std": 0.01})
    _, h = train(spec, X, y, optimizer="sgd", optimizer_params={"lr": 1.0}, regularizer="l2",
                 regularizer_params={"lam": 1e-3}, batch_size=300, epochs=2000)  # fmt: skip
    assert h.status == "diverged" and "exceeds 3 x the first loss" in h.message
    assert h.loss[-1] > 3 * h.loss[0]


def test_exploding_learning_rate_is_a_status_not_an_exception():
    X, y = small_data(n=40)
    _, h = train(NetworkSpec([3, 20, 4]), X, y, optimizer="sgd", optimizer_params={"lr": 1e6}, batch_size=10)
    assert h.status == "diverged" and h.message.startswith("diverged at iteration")


def test_training_is_deterministic_for_a_seed():
    X, y = small_data(n=40)
    spec = NetworkSpec([3, 10, 4], keep_prob=0.5, seed=3)
    runs = [train(spec, X, y, optimizer="adam", optimizer_params={"lr": 1e-2}, batch_size=8, epochs=3, seed=1)[1]
            for _ in range(2)]  # fmt: skip
    assert runs[0].loss == runs[1].loss


def test_history_records_per_iteration_and_per_epoch_values():
    X, y = small_data(n=40)
    _, h = train(NetworkSpec([3, 10, 10, 4]), X, y, optimizer_params={"lr": 1e-2}, batch_size=10, epochs=3,
                 schedule="step", schedule_params={"step_size": 1, "gamma": 0.5})  # fmt: skip
    assert len(h.loss) == len(h.lr) == len(h.update_ratio) == 12
    assert len(h.train_acc) == len(h.val_acc) == 4  # before training and after each epoch
    assert h.lr[0] == 1e-2 and h.lr[4] == 5e-3 and h.lr[8] == 2.5e-3
    assert all(len(r) == 3 for r in h.update_ratio)  # one ratio per weight matrix
    assert all(0 < r < 1 for r in h.update_ratio[0])


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((60, 3)), rng.integers(0, 2, 60)  # random labels: validation cannot improve for long
    Xv, yv = rng.standard_normal((30, 3)), rng.integers(0, 2, 30)
    net = Network(NetworkSpec([3, 64, 2]))
    trainer = Trainer(net, X, y, Xv, yv, TrainConfig(optimizer="adam", optimizer_params={"lr": 1e-2},
                                                     batch_size=10, epochs=200, patience=5))  # fmt: skip
    h = trainer.run()
    assert h.status == "stopped early" and h.epoch < 200
    assert trainer.evaluate(Xv, yv) == h.best_val_acc


def test_gradient_clipping_bounds_the_update():
    X, y = small_data(n=20)
    net = Network(NetworkSpec([3, 5, 4]))
    before = [a.copy() for a in net.arrays]
    trainer = Trainer(net, X, y, config=TrainConfig(optimizer_params={"lr": 1.0}, batch_size=20, clip_norm=0.01))
    trainer.step()
    moved = math.sqrt(sum(float(np.sum((a - b) ** 2)) for a, b in zip(net.arrays, before)))
    assert moved <= 0.01 + 1e-9


def test_max_norm_is_applied_after_every_update():
    X, y = small_data(n=20)
    net = Network(NetworkSpec([3, 5, 4], init="normal", init_params={"std": 3.0}))
    trainer = Trainer(net, X, y, config=TrainConfig(batch_size=20, regularizer="max_norm",
                                                    regularizer_params={"c": 0.5}))  # fmt: skip
    trainer.step()
    for _, name, array in net.params:
        if name == "W":
            assert np.linalg.norm(array, axis=0).max() <= 0.5 + 1e-12


def test_progress_bar_prints_epochs_and_the_final_status():
    X, y = small_data(n=20)
    out = io.StringIO()
    Trainer(Network(NetworkSpec([3, 5, 4])), X, y, config=TrainConfig(batch_size=10, epochs=2)).run(progress=out)
    text = out.getvalue()
    assert "epoch 2/2" in text and "finished: 2 epochs" in text


def test_sanity_checks_give_clear_verdicts(data):
    X, y = data
    small = Network(NetworkSpec([2, 50, 3], init="normal", init_params={"std": 1e-3}))
    big = Network(NetworkSpec([2, 50, 3], init="normal", init_params={"std": 10.0}))
    good = check_initial_loss(small, X, y)
    assert good and "ln(3) = 1.0986" in good.message
    assert not check_initial_loss(big, X, y)
    assert check_regularization_raises_loss(small, X, y)
    overfit = check_overfit_small(NetworkSpec([2, 50, 3]), X[::15], y[::15], n=20)
    assert overfit and overfit.value == 1.0


def test_bad_input_is_named():
    X, y = small_data(n=20)
    net = Network(NetworkSpec([3, 5, 4]))
    with pytest.raises(ValueError, match="y_train holds labels from 0 to 4; allowed are 0 to 3"):
        Trainer(net, X, np.r_[y[:-1], 4])
    with pytest.raises(ValueError, match="batch_size=50 is larger than the 20 training examples"):
        Trainer(net, X, y, config=TrainConfig(batch_size=50))
    with pytest.raises(NonFiniteError, match="X_train contains 1 NaN"):
        Trainer(net, np.where(np.arange(60).reshape(20, 3) == 7, np.nan, X), y)
    with pytest.raises(ValueError, match="loss='hinge'"):
        Trainer(net, X, y, config=TrainConfig(loss="hinge"))
    with pytest.raises(ValueError, match="keep_prob has 1 entries but the network has 2 hidden layers"):
        Network(NetworkSpec([3, 5, 5, 4], keep_prob=[0.5]))
    with pytest.raises(ValueError, match="X has 2 features but the network expects 3"):
        net.forward(np.ones((2, 2)))
    with pytest.raises(ValueError, match="activation='relu7'"):
        Network(NetworkSpec([3, 4], activation="relu7"))
