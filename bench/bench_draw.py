"""A full Agg draw of every panel: matplotlib's own Figure.draw against the panels' LeanFigure.draw.

    python bench/bench_draw.py [panel names]

For each panel, its first presets (up to 6) are applied and each state is drawn 3 times by each, alternating
which goes first; prints the median draw time of both and the saving. The lean draw skips placing titles and
axis labels where nothing can move them (the same pixels: tests/panels/test_framework.py), draws text without
FreeType's hinting (nnlab.panels.figure.DRAW_RC: text pixels differ by antialiasing only) and from glyph bitmaps
kept between draws (nnlab.panels.glyphs: the same pixels). The same state drawn again reuses every string's
glyphs: a slider step, which changes some strings, saves less (about 10 ms of 25-40).
"""

from __future__ import annotations

import statistics
import sys
import time

from matplotlib.figure import Figure

from nnlab.panels import get_panel_class, load_all
from nnlab.panels.figure import LeanFigure

LEAN_DRAW = LeanFigure.draw


def draw_time(panel, lean: bool) -> float:
    LeanFigure.draw = LEAN_DRAW if lean else Figure.draw
    try:
        start = time.perf_counter()
        panel.figure.canvas.draw()
        return time.perf_counter() - start
    finally:
        LeanFigure.draw = LEAN_DRAW


def main() -> None:
    names = sys.argv[1:] or sorted(load_all())
    print(f"{'panel':<15} {'matplotlib':>10} {'lean':>8}  (median full draw, ms)")
    for name in names:
        cls = get_panel_class(name)
        times: dict[bool, list[float]] = {True: [], False: []}
        for preset in list(cls.presets)[:6]:
            panel = cls()
            panel.apply_preset(preset)
            panel.figure.canvas.draw()  # first draw: fonts, caches
            for rep in range(3):
                for lean in (True, False) if rep % 2 else (False, True):
                    times[lean].append(draw_time(panel, lean))
        plain, lean = (statistics.median(times[k]) * 1e3 for k in (False, True))
        print(f"{name:<15} {plain:10.1f} {lean:8.1f}  ({(1 - lean / plain) * 100:.0f}% less)", flush=True)


if __name__ == "__main__":
    main()
