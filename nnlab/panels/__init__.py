"""The lecture panels under their earlier module names, for notebooks written before the topics moved to
``nnlab.topics`` (a student's working copy keeps its code): ``from nnlab.panels.batchnorm import BatchNormPanel``
still works. New code imports from ``nnlab.topics``."""

from __future__ import annotations

import importlib
import sys

from nnlab.topics import get_panel_class, load_all, topic_names

for _name in topic_names():
    sys.modules[f"{__name__}.{_name}"] = importlib.import_module(f"nnlab.topics.{_name}.panel")

__all__ = ["get_panel_class", "load_all"]
