"""Shared fixtures: stored PyTorch reference data, and the same data computed live when torch is there."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

REFERENCE = Path(__file__).parent / "reference"


def load_reference(name: str, live: bool) -> dict:
    """Reference arrays from ``tests/reference/<name>.npz``, or regenerated now by its script.

    The live variant imports ``make_<name>_reference.py`` and calls its ``build()``; it is
    skipped when torch is not installed, so the normal run needs no torch.
    """
    if not live:
        with np.load(REFERENCE / f"{name}.npz") as stored:
            return {key: stored[key] for key in stored.files}
    pytest.importorskip("torch")
    spec = importlib.util.spec_from_file_location(f"make_{name}", REFERENCE / f"make_{name}_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {key: np.asarray(value) for key, value in module.build().items()}


def reference_params():
    """Parametrize a fixture over the stored data and a torch-marked live run."""
    return [pytest.param(False, id="stored"), pytest.param(True, id="live", marks=pytest.mark.torch)]


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``-n 2 --dist loadgroup`` in pyproject.toml), each test file runs whole on one worker,
    in its own order (module fixtures are shared by its tests, as in a run without workers), and the browser and
    Binder tests share one worker, one after another: each starts servers, kernels and a browser of its own."""
    root = Path(__file__).parent
    for item in items:
        path = Path(str(item.fspath)).relative_to(root)
        item.add_marker(pytest.mark.xdist_group("browser" if path.parts[0] in ("e2e", "binder") else str(path)))
