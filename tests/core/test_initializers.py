"""Initializers: statistics at fan-in 4096 within 2% of the target, structure, determinism, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlab.core import INITIALIZERS, initialize
from nnlab.core.initializers import plan, unit_draw

SHAPE = (4096, 256)
FAN_IN, FAN_OUT = SHAPE

TARGETS = {
    ("normal", (("std", 0.05),)): 0.05,
    ("uniform", (("a", 0.3),)): 0.3 / math.sqrt(3),
    ("xavier_normal", ()): math.sqrt(2 / (FAN_IN + FAN_OUT)),
    ("xavier_uniform", ()): math.sqrt(2 / (FAN_IN + FAN_OUT)),
    ("xavier_normal", (("mode", "in"),)): 1 / math.sqrt(FAN_IN),
    ("xavier_normal", (("gain", 5 / 3),)): 5 / 3 * math.sqrt(2 / (FAN_IN + FAN_OUT)),
    ("he_normal", ()): math.sqrt(2 / FAN_IN),
    ("he_uniform", ()): math.sqrt(2 / FAN_IN),
    ("he_normal", (("mode", "fan_out"),)): math.sqrt(2 / FAN_OUT),
    ("he_normal", (("slope", 0.1),)): math.sqrt(2 / (1 + 0.01) / FAN_IN),
    ("lecun_normal", ()): 1 / math.sqrt(FAN_IN),
    ("lecun_uniform", ()): 1 / math.sqrt(FAN_IN),
}


@pytest.mark.parametrize("name, params", list(TARGETS), ids=lambda v: str(v))
def test_std_within_two_percent_of_target(name, params):
    target = TARGETS[(name, params)]
    w = initialize(name, SHAPE, np.random.default_rng(0), **dict(params))
    assert w.shape == SHAPE
    assert abs(w.std() / target - 1) < 0.02
    assert abs(w.mean()) < 3 * target / math.sqrt(w.size)


def test_uniform_initializers_respect_their_bound():
    w = initialize("he_uniform", SHAPE, 0)
    assert np.abs(w).max() <= math.sqrt(6 / FAN_IN)


def test_every_initializer_is_a_scale_times_a_unit_draw():
    for name in ("normal", "uniform", "xavier_uniform", "he_normal", "lecun_normal", "sparse", "orthogonal"):
        p = plan(name, (64, 32))
        np.testing.assert_array_equal(initialize(name, (64, 32), 3), p.scale * unit_draw(p.kind, (64, 32), 3, k=p.k))
    for kind in ("normal", "uniform"):
        assert abs(unit_draw(kind, SHAPE, 0).std() - 1) < 0.01
    assert plan("he_normal", SHAPE).scale == pytest.approx(math.sqrt(2 / FAN_IN))


@pytest.mark.parametrize("shape", [(64, 32), (32, 64), (50, 50)])
def test_orthogonal_is_orthogonal_times_gain(shape):
    w = initialize("orthogonal", shape, 3, gain=2.0)
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram / 4.0, np.eye(min(shape)), atol=1e-12)


def test_sparse_has_exactly_k_nonzeros_per_unit():
    w = initialize("sparse", (100, 40), 4, k=15)
    assert np.all(np.count_nonzero(w, axis=0) == 15)


def test_zeros_and_constant():
    assert not initialize("zeros", (3, 4)).any()
    assert np.all(initialize("constant", (2, 2), value=0.01) == 0.01)


def test_same_seed_same_weights_other_seed_other_weights():
    assert np.array_equal(initialize("he_normal", (20, 10), 5), initialize("he_normal", (20, 10), 5))
    assert not np.array_equal(initialize("he_normal", (20, 10), 5), initialize("he_normal", (20, 10), 6))


def test_dtype_is_respected():
    assert initialize("xavier_uniform", (8, 8), 0, dtype=np.float32).dtype == np.float32


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="init='kaiming_magic'.*xavier_normal.*he_normal"):
        initialize("kaiming_magic", (3, 3))


@pytest.mark.parametrize(
    "name, params, match",
    [
        ("normal", {"std": -1.0}, "std=-1.0 is outside"),
        ("he_normal", {"mode": "fan_avg"}, "mode='fan_avg'.*fan_in, fan_out"),
        ("sparse", {"k": 20}, "k=20 is outside the allowed range \\[1, 10\\]"),
        ("orthogonal", {"gain": float("nan")}, "gain must be finite"),
        ("xavier_normal", {"slope": 0.1}, "accepts: gain, mode"),
    ],
)
def test_bad_parameters_name_the_argument(name, params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        initialize(name, (10, 4), 0, **params)


@pytest.mark.parametrize("shape", [(0, 3), (3, 4, 5), "big"])
def test_bad_shapes(shape):
    with pytest.raises((ValueError, TypeError), match="shape"):
        initialize("he_normal", shape, 0)


def test_rng_must_be_a_generator_or_seed():
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        initialize("normal", (3, 3), rng="abc")


def test_every_registered_initializer_draws_the_requested_shape():
    for name in INITIALIZERS:
        assert initialize(name, (20, 6), 0).shape == (20, 6)
