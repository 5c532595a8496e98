"""Image regression: the picture of every preset of every registered panel against a committed baseline.

Compared by pytest-mpl (``--mpl`` is on by default in ``pyproject.toml``) with a small RMS tolerance for
antialiasing. After an intended change of a picture, regenerate the baselines and review them:

    python -m pytest tests/panels/test_baselines.py --mpl-generate-path=tests/panels/baseline
"""

from __future__ import annotations

import re

import pytest
from matplotlib.figure import Figure

from nnlab.panels import get_panel_class, load_all

CASES = [(name, preset) for name in sorted(load_all()) for preset in get_panel_class(name).presets]
CASES += [(name, "slides") for name in sorted(load_all())]


def as_figure(image) -> Figure:
    """A figure that saves exactly the panel's rendered pixels (the panel's own look and style, nothing added)."""
    height, width = image.shape[:2]
    figure = Figure(figsize=(width / 100, height / 100), dpi=100)
    figure.figimage(image, resize=False)
    return figure


def case_id(case) -> str:
    return re.sub(r"[^a-z0-9]+", "_", f"{case[0]}_{case[1]}".lower()).strip("_")


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, style="default", savefig_kwargs={"dpi": 100})
def test_preset_picture(case):
    name, preset = case
    panel = get_panel_class(name)()
    if preset == "slides":
        panel.set(slides=True)
    else:
        panel.apply_preset(preset)
    assert panel.error is None, panel.error
    return as_figure(panel.image())
