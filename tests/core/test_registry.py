"""One registry helper behind every "by name" builder of the core: names, parameter names and values checked."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core.activations import ACTIVATIONS, get_activation
from nnlab.core.initializers import INITIALIZERS, plan
from nnlab.core.optim import OPTIMIZERS, Optimizer, make_optimizer, optimizer_knobs
from nnlab.core.registry import Registry
from nnlab.core.regularizers import REGULARIZERS, get_regularizer
from nnlab.core.schedules import SCHEDULES, get_schedule

# (builder, registry, name, a bad value for a real-number parameter)
BAD_VALUES = [
    (lambda **kw: get_regularizer("l2", **kw), "lam"),
    (lambda **kw: get_activation("leaky_relu", **kw), "slope"),
    (lambda **kw: plan("normal", (3, 4), **kw), "std"),
    (lambda **kw: make_optimizer("adam", np.zeros(2), **kw), "lr"),
    (lambda **kw: get_schedule("exponential", **kw), "gamma"),
]


@pytest.mark.parametrize(("build", "param"), BAD_VALUES)
def test_a_bad_value_is_reported_by_name_not_as_an_unknown_parameter(build, param):
    with pytest.raises(TypeError, match=f"^{param} must be a real number, got str 'x'$"):
        build(**{param: "x"})


@pytest.mark.parametrize(
    ("registry", "build"),
    [
        (ACTIVATIONS, lambda: get_activation("elu", slope=1.0)),
        (REGULARIZERS, lambda: get_regularizer("l1", lamb=1.0)),
        (INITIALIZERS, lambda: plan("he_normal", (3, 4), gain=1.0)),
        (OPTIMIZERS, lambda: make_optimizer("sgd", np.zeros(2), beta=1.0)),
        (SCHEDULES, lambda: get_schedule("step", decay=1.0)),
    ],
)
def test_an_unknown_parameter_is_named_with_the_accepted_ones(registry, build):
    with pytest.raises(TypeError, match=f"^{registry.kind} '[a-z0-9_]+' has no parameter '[a-z_]+'; it accepts: "):
        build()


@pytest.mark.parametrize("registry", [ACTIVATIONS, REGULARIZERS, INITIALIZERS, OPTIMIZERS, SCHEDULES])
def test_an_unknown_name_lists_the_registry(registry):
    with pytest.raises(ValueError, match=f"^{registry.kind}='nope' is not valid; choose one of: "):
        registry.build("nope")


def test_a_class_registered_at_run_time_is_built_and_offered_with_its_knobs():
    registry: Registry = Registry("optimizer", positional=("params",))

    @registry.register("half")
    class Half(Optimizer):
        knobs = ("gamma",)
        knob_ranges = {"gamma": (0.0, 1.0, False)}

        def __init__(self, params, lr=0.5, gamma=0.25):
            super().__init__(params, lr)
            self.gamma = gamma

        def _update(self, p, g, state):
            p -= self.lr * self.gamma * g

    p = np.ones(2)
    registry.build("half", p, gamma=1.0).step(np.ones(2))
    np.testing.assert_allclose(p, 0.5)
    assert registry.accepted("half") == ["lr", "gamma"]

    OPTIMIZERS.register("half", Half)
    try:
        knobs = optimizer_knobs("half")
        assert (knobs["lr"].default, knobs["gamma"].default, knobs["gamma"].high) == (0.5, 0.25, 1.0)
    finally:
        del OPTIMIZERS["half"]


def test_register_refuses_a_nameless_entry():
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        Registry("thing").register("", object)
