"""The panels, by the name the command line and the notebooks use."""

from __future__ import annotations

import importlib
from typing import Any

# name -> "module:class", imported on demand so that `python -m nnlab` starts quickly
PANELS = {
    "preprocessing": "nnlab.panels.preprocessing:PreprocessingPanel",
    "initialization": "nnlab.panels.initialization:InitializationPanel",
    "dropout": "nnlab.panels.dropout:DropoutPanel",
    "trajectories": "nnlab.panels.trajectories:TrajectoriesPanel",
}


def get_panel_class(name: str) -> Any:
    """The panel class called ``name`` (see ``PANELS``)."""
    if name not in PANELS:
        raise ValueError(f"panel={name!r} is not valid; choose one of: {', '.join(PANELS)}")
    module, cls = PANELS[name].split(":")
    return getattr(importlib.import_module(module), cls)
