"""The core takes array-likes where it takes arrays (lists, and scalars where meaningful), and anything else is a
SettingError (a ValueError and a TypeError) that names the argument: never an AttributeError from deep inside.
Each case below escaped as an AttributeError before (issue "Lecture demos that hold on every machine", item 7)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlab.core import SettingError
from nnlab.core.activations import ACTIVATIONS, get_activation
from nnlab.core.gradcheck import check_network
from nnlab.core.losses import log_softmax
from nnlab.core.model import Network, NetworkSpec
from nnlab.core.optim import SGD, Adam
from nnlab.core.regularizers import L1, L2, MaxNorm
from nnlab.core.surfaces import run_trajectories
from nnlab.core.train import Trainer, accuracy

X = np.random.default_rng(0).normal(size=(6, 2))
Y = np.array([0, 1, 2, 0, 1, 2])


def net():
    return Network(NetworkSpec([2, 4, 3], seed=0))


ACCEPTED = {
    "accuracy of lists": (lambda: accuracy([[1.0, 2.0], [3.0, 0.0]], [1, 1]), 0.5),
    "ReLU'(2.0)": (lambda: float(get_activation("relu").derivative(2.0)), 1.0),
    "tanh' of a list": (lambda: get_activation("tanh").derivative([0.0]).tolist(), [1.0]),
    "L2 penalty of a list": (lambda: L2(0.5).penalty([[1.0, 2.0]]), 1.25),
    "L1 gradient of a list": (lambda: L1(1.0).gradient([-3.0, 0.0, 2.0]).tolist(), [-1.0, 0.0, 1.0]),
    "SGD step from a list": (lambda: _stepped(SGD), [-0.01, -0.01, -0.01]),
    "Adam step from a list": (lambda: _stepped(Adam), [-0.001, -0.001, -0.001]),
    "log_softmax of a list": (lambda: np.exp(log_softmax([[0.0, 0.0]]))[0].tolist(), [0.5, 0.5]),
    "a Trainer config as a dict": (
        lambda: Trainer(net(), X, Y, config={"epochs": 1, "batch_size": 3}).config.epochs,
        1,
    ),  # fmt: skip
}


def _stepped(cls):
    w = np.zeros(3)
    cls([w]).step([[1.0, 1.0, 1.0]])
    return w.round(6).tolist()


@pytest.mark.parametrize("case", ACCEPTED)
def test_array_likes_are_accepted(case):
    call, expected = ACCEPTED[case]
    assert call() == pytest.approx(expected)


REFUSED = {
    "max-norm of a list (in place)": (lambda: MaxNorm(3.0).project([[1.0, 2.0]]), "w must be a floating-point"),
    "log_softmax(None)": (lambda: log_softmax(None), "scores must be an array of numbers"),
    "optimizers as a list": (lambda: run_trajectories("bowl", [("sgd", {})]), "optimizers must be a dict"),
    "an optimizer without hyperparameters": (lambda: run_trajectories("bowl", {"a": "sgd"}), r"optimizers\['a'\]"),
    "a config with a typo": (lambda: Trainer(net(), X, Y, config={"epoch": 1}), "config has no field 'epoch'"),
    "a config of another type": (lambda: Trainer(net(), X, Y, config=3), "config must be a TrainConfig"),
    "check_network of a string": (lambda: check_network("net", X, Y), "network must be an nnlab Network"),
    "grads not a list": (lambda: SGD([np.zeros(2)]).step(None), "grads must be a list"),
    "grads of text": (lambda: SGD([np.zeros(2)]).step([["a", "b"]]), r"grads\[0\] must be an array of numbers"),
    "accuracy with too few labels": (lambda: accuracy([[1.0, 2.0]], [1, 0]), "y has"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_anything_else_is_a_setting_error_naming_the_argument(case):
    call, message = REFUSED[case]
    with pytest.raises(SettingError, match=message):
        call()


_values = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3),
    st.lists(st.floats(-5, 5), max_size=4), st.lists(st.lists(st.floats(-5, 5), min_size=2, max_size=2), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)  # fmt: skip


@given(x=_values, name=st.sampled_from(sorted(ACTIVATIONS)))
def test_activations_and_their_derivatives_take_anything_without_an_attribute_error(x, name):
    act = get_activation(name)
    for call in (lambda: act(x), lambda: act.derivative(x)):
        try:
            call()
        except SettingError:
            pass


@given(scores=_values, y=_values)
def test_accuracy_and_log_softmax_take_anything_without_an_attribute_error(scores, y):
    for call in (lambda: accuracy(scores, y), lambda: log_softmax(scores)):
        try:
            call()
        except SettingError:
            pass
