"""Fuzz every registered panel as a curious student would: random sequences of settings in and out of range,
wrong types, NaN and huge numbers, presets and the slides look, headless and with its widgets shown.

After every call: no exception escaped, no "internal error", the call returned (a 60 s bound catches hangs,
not slowness), and the panel holds a valid state. After every sequence: the picture equals a fresh panel's
for the same state, and the state round-trips through JSON.
"""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlab.app.params import Param
from nnlab.topics import get_panel_class, load_all

NAMES = sorted(load_all())
HANG = 60.0
WEIRD = st.sampled_from([None, "abc", "", [1], {"a": 1}, math.nan, math.inf, -math.inf, 1e300, -1e300, -1, 0,
                         10**400, True, 3.5, np.int64(3), np.float32(0.5), (1, 2), b"x"])  # fmt: skip


def valid_value(param: Param) -> st.SearchStrategy:
    if param.kind == "bool":
        return st.booleans()
    if param.kind == "choice":
        return st.sampled_from(param.options)
    if param.kind == "multi":
        return st.lists(st.sampled_from(param.options), unique=True, max_size=len(param.options))
    if param.kind == "text":
        return st.text(max_size=20)
    low = param.low if param.low is not None else -1e3
    high = param.high if param.high is not None else 1e3
    if param.kind == "int":
        return st.integers(int(low), min(int(high), int(low) + 1000))
    return st.floats(low, high, allow_nan=False)


def out_of_range(param: Param) -> st.SearchStrategy:
    if param.kind in ("int", "float") and (param.low is not None or param.high is not None):
        edge = param.high if param.high is not None else param.low
        sign = 1 if param.high is not None else -1
        return st.sampled_from([edge + sign * 1, edge + sign * 1e6, (param.low or 0) - 1])
    return WEIRD


def actions(cls) -> st.SearchStrategy:
    params = cls.state_params()
    keys = sorted(params)
    one_set = st.sampled_from(keys).flatmap(
        lambda key: st.one_of(valid_value(params[key]), valid_value(params[key]), out_of_range(params[key]), WEIRD).map(
            lambda value, key=key: ("set", key, value)
        )  # fmt: skip
    )
    preset = st.sampled_from(sorted(cls.presets) or [None]).map(lambda name: ("preset", name, None))
    slides = st.booleans().map(lambda on: ("set", "slides", on))
    return st.lists(st.one_of(one_set, one_set, preset, slides), min_size=1, max_size=6)


def run(panel, action) -> None:
    kind, key, value = action
    start = time.monotonic()
    if kind == "preset":
        if key is not None:
            panel.apply_preset(key)
    else:
        panel.set(**{key: value})
    took = time.monotonic() - start
    assert took < HANG, f"{action} took {took:.0f} s"
    assert not (panel.error or "").startswith("internal error"), (action, panel.error)
    assert panel.error is None or panel.error.strip(), action
    params = panel.state_params()
    for k, v in panel.state.items():  # the state is always one the panel accepts
        assert params[k].normalize(k, v) == v, (action, k, v)


def check_sequence(cls, sequence, with_widgets: bool) -> None:
    panel = cls()
    if with_widgets:
        panel.widget()
    for action in sequence:
        run(panel, action)
        if with_widgets:  # every widget shows the state exactly, sliders included
            for key, members in panel.ui.widgets.items():
                for control, widget in members:
                    shown = list(widget.value) if control.kind == "multi" else widget.value
                    assert shown == panel.state[key], (key, shown, panel.state[key])
    again = cls(**json.loads(panel.to_json()))
    assert again.state == panel.state and again.error is None
    np.testing.assert_array_equal(again.image(), panel.image(), err_msg=str(sequence))


@pytest.mark.parametrize("name", NAMES)
def test_random_settings_never_break_a_headless_panel(name):
    cls = get_panel_class(name)

    @given(actions(cls))
    def check(sequence):
        check_sequence(cls, sequence, with_widgets=False)

    check()


@pytest.mark.parametrize("name", NAMES)
def test_random_settings_never_break_a_displayed_panel(name):
    pytest.importorskip("ipympl")
    cls = get_panel_class(name)

    @given(actions(cls))
    def check(sequence):
        check_sequence(cls, sequence, with_widgets=True)

    check()


# Sequences the fuzzer once found failing on CI, kept so they are checked on every run.
FOUND = [
    # The log-scaled std strip kept its log ticks over an all-zero gradient (zero init): odd ticks, a
    # picture unlike a fresh panel's.
    ("initialization", [("set", "view", "gradients dL/da"), ("preset", "zero init: symmetry", None)]),
]


@pytest.mark.parametrize(("name", "sequence"), FOUND)
def test_sequences_once_found_failing(name, sequence):
    check_sequence(get_panel_class(name), sequence, with_widgets=False)
