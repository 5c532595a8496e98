"""A full Agg draw of every panel: the ordinary drawing (``NNLAB_SAFE_RENDER=1``: matplotlib's own text drawing)
against the panels' draw with its fast paths (text from glyph bitmaps kept between draws, nnlab.render.glyphs: the
same pixels, tests/render).

    python bench/bench_draw.py [panel names]

For each panel, its first presets (up to 6) are applied and each state is drawn 3 times each way, alternating
which goes first; prints the median draw time of both and the saving. Both draw text without FreeType's hinting
(nnlab.render.figure.DRAW_RC) and titles at the top of their axes (``axes.titley = 1``, public settings). The same
state drawn again reuses every string's glyphs: a slider step, which changes some strings, saves less.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from nnlab.runtime.malloc import tune_malloc
from nnlab.topics import get_panel_class, load_all

tune_malloc()  # as in the live lab (nnlab.runtime.malloc)


def draw_time(panel, fast: bool) -> float:
    os.environ["NNLAB_SAFE_RENDER"] = "0" if fast else "1"
    try:
        start = time.perf_counter()
        panel.figure.canvas.draw()
        return time.perf_counter() - start
    finally:
        os.environ.pop("NNLAB_SAFE_RENDER", None)


def main() -> None:
    names = sys.argv[1:] or sorted(load_all())
    print(f"{'panel':<15} {'ordinary':>10} {'fast':>8}  (median full draw, ms)")
    for name in names:
        cls = get_panel_class(name)
        times: dict[bool, list[float]] = {True: [], False: []}
        for preset in list(cls.presets)[:6]:
            panel = cls()
            panel.apply_preset(preset)
            panel.figure.canvas.draw()  # first draw: fonts, caches
            for rep in range(3):
                for fast in (True, False) if rep % 2 else (False, True):
                    times[fast].append(draw_time(panel, fast))
        plain, fast = (statistics.median(times[k]) * 1e3 for k in (False, True))
        print(f"{name:<15} {plain:10.1f} {fast:8.1f}  ({(1 - fast / plain) * 100:.0f}% less)", flush=True)


if __name__ == "__main__":
    main()
