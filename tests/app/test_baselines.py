"""Image regression: the picture of every preset of every registered panel against a committed baseline.

A baseline is a drawing test. Where a preset's picture follows a training run or a search (whose last bits follow
the machine's BLAS kernels: OpenBLAS picks them by CPU and their rounding differs), the panel draws from the study
result stored in ``tests/app/results/`` (``make_stored_results.py`` writes them); the outcomes of those runs are
asserted as numbers with tolerances in each panel's own tests. The other presets are single passes, computed here.

Compared by pytest-mpl (``--mpl`` is on by default in ``pyproject.toml``) with a small RMS tolerance for
antialiasing. After an intended change of a picture, regenerate the baselines and review them:

    python -m pytest tests/app/test_baselines.py --mpl-generate-path=tests/app/baseline -n 0
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from matplotlib.figure import Figure

from nnlab.app.base import Panel
from nnlab.app.cache import BoundedCache
from nnlab.topics import get_panel_class, load_all
from tests.app import stored

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


def panel_for(case, result: Any = None) -> Panel:
    """The panel showing ``case`` (a preset, or "slides"); drawn from ``result`` instead of computing, if given."""
    name, preset = case
    cls = get_panel_class(name)
    panel = cls()
    state = {**panel.state, "slides": True} if preset == "slides" else {**cls.state_defaults(), **cls.presets[preset]}
    view = panel._view(state)
    if result is not None:
        panel._results = BoundedCache()  # forget what the constructor computed
        view.compute = lambda state: result  # this instance only, until the picture is drawn
    try:
        if preset == "slides":
            panel.set(slides=True)
        else:
            panel.apply_preset(preset)
    finally:
        vars(view).pop("compute", None)
    assert panel.error is None, panel.error
    return panel


@pytest.mark.parametrize("case", [pytest.param(c, id=case_id(c)) for c in CASES])
@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, style="default", savefig_kwargs={"dpi": 100})
def test_preset_picture(case):
    path = stored.STORED / f"{case_id(case)}.npz"
    panel = panel_for(case, stored.load(path) if path.exists() else None)
    return as_figure(panel.image())
