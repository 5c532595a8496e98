"""Checks shared by the panel tests."""

from __future__ import annotations

import json
from typing import Any

import numpy as np


def assert_state_round_trips(panel: Any) -> None:
    """The state survives JSON and rebuilds a panel with the same state."""
    assert type(panel)(**json.loads(panel.to_json())).state == panel.state


def assert_each_change_alters_the_picture(panel: Any, changes_by_view: dict[str, dict[str, Any]]) -> None:
    """For every view, apply each change in turn: no error, and the rendered picture differs from before."""
    for view, settings in changes_by_view.items():
        panel.set(view=view)
        for key, value in settings.items():
            before = panel.image()
            panel.set(**{key: value})
            assert panel.error is None, (key, panel.error)
            assert not np.array_equal(panel.image(), before), (view, key)
