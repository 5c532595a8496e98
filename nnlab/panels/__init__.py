"""The panels, by the name the command line and the notebooks use.

A panel registers itself where it is defined (``class MyPanel(Panel, name="mine")``); every module
of this package is imported on the first look-up, so there is no second list to keep.
"""

from __future__ import annotations

import importlib
import pkgutil

from nnlab.core._checks import SettingError
from nnlab.panels.base import PANELS, Panel

FRAMEWORK = {"base", "cache", "controls", "figure", "params", "widgets"}


def load_all() -> dict[str, type[Panel]]:
    """Import every panel module of this package; returns the registry ``name -> class``."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in FRAMEWORK and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return PANELS


def get_panel_class(name: str) -> type[Panel]:
    """The panel class registered as ``name``."""
    panels = load_all()
    if name not in panels:
        raise SettingError(f"panel={name!r} is not valid; choose one of: {', '.join(sorted(panels))}")
    return panels[name]
