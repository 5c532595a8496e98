"""The lecture topics, one folder each: ``study.py`` (the experiment, computed with the core), ``draw.py`` (its
matplotlib artists) and ``panel.py`` (the declarations: state, controls, presets, views). A topic's panel registers
itself where it is defined (``class MyPanel(Panel, name="mine")``); every topic folder is imported on the first
look-up, so there is no second list to keep: the command line, the notebook build, the tests and the benchmarks
all find a topic here.
"""

from __future__ import annotations

import importlib
import pkgutil

from nnlab.app.base import PANELS, Panel
from nnlab.core._checks import SettingError


def topic_names() -> list[str]:
    """Every topic folder (a subpackage with a ``panel`` module), in alphabetical order."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.ispkg and not m.name.startswith("_"))


def load_all() -> dict[str, type[Panel]]:
    """Import every topic's panel; returns the registry ``name -> class``."""
    for name in topic_names():
        importlib.import_module(f"{__name__}.{name}.panel")
    return PANELS


def get_panel_class(name: str) -> type[Panel]:
    """The panel class registered as ``name``."""
    panels = load_all()
    if name not in panels:
        raise SettingError(f"panel={name!r} is not valid; choose one of: {', '.join(sorted(panels))}")
    return panels[name]
