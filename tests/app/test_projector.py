"""The projector check: in both looks (notebook, and slides at 16:9), for every preset of every registered panel,
no text is cut by the figure's edge and no two texts overlap (what a class cannot read at the back of a room)."""

from __future__ import annotations

import itertools
from unittest import mock

import pytest
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from nnlab.app.base import Panel
from nnlab.topics import get_panel_class, load_all


def _views(name: str) -> list[str | None]:
    control = next((c for c in get_panel_class(name).state_controls() if c.name == "view"), None)
    return list(control.options) if control is not None else [None]


# Every preset (in the view it sets, or the default one) and every view of the defaults, in both looks.
CASES = [(name, preset, None, slides) for name in sorted(load_all()) for preset in get_panel_class(name).presets
         for slides in (False, True)]  # fmt: skip
CASES += [(name, None, view, slides) for name in sorted(load_all()) for view in _views(name)
          for slides in (False, True)]  # fmt: skip


def drawn_texts(panel: Panel) -> list[tuple[str, Bbox]]:
    """Every non-empty text a full draw of the panel's figure puts on the canvas, with its extent in pixels
    (recorded as drawn: tick labels outside the axis limits exist as artists but are not drawn)."""
    drawn = []
    original = Text.draw

    def draw(text: Text, renderer) -> None:
        original(text, renderer)
        if text.get_visible() and text.get_text().strip():
            drawn.append((text.get_text(), text.get_window_extent(renderer)))

    with mock.patch.object(Text, "draw", draw):
        panel.image()
    return drawn


def text_problems(panel: Panel, slack: float = 1.0) -> list[str]:
    """What a projector would show wrong: texts beyond the figure's edge, and pairs of overlapping texts."""
    width, height = panel.figure.bbox.width, panel.figure.bbox.height
    texts = drawn_texts(panel)
    problems = []
    for text, box in texts:
        if box.x0 < -slack or box.y0 < -slack or box.x1 > width + slack or box.y1 > height + slack:
            problems.append(f"cut by the edge: {text!r} at {[round(v) for v in box.extents]}")
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        overlap_x = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_y = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if overlap_x > slack and overlap_y > slack:
            problems.append(f"overlap: {a!r} and {b!r}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[f"{n}-{p or v or 'defaults'}-{'slides' if s else 'notebook'}"
                                             for n, p, v, s in CASES])  # fmt: skip
def test_no_text_is_cut_or_overlaps_another(case):
    name, preset, view, slides = case
    panel = get_panel_class(name)()
    if preset:
        panel.apply_preset(preset)
    if view:
        panel.set(view=view)
    panel.set(slides=slides)
    assert panel.error is None, panel.error
    assert text_problems(panel) == []
