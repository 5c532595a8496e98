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


def write_fake_cifar10(folder: Any, n: int, seed: int = 0) -> np.ndarray:
    """A 'cifar-10-batches-py' folder with ``n`` random images (labels k % 10) as data_batch_1 and test_batch, in
    the official python format; returns the images, (n, 3, 32, 32) uint8."""
    import pickle
    from pathlib import Path

    images = np.random.default_rng(seed).integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
    for name in ("data_batch_1", "test_batch"):
        with open(Path(folder) / name, "wb") as f:
            pickle.dump({b"data": images.reshape(n, 3072), b"labels": [k % 10 for k in range(n)]}, f)
    return images
