"""A panel's matplotlib figure: its size and looks (notebook or slides), the draw lock, the live canvas in the
browser (:mod:`nnlab.render.frames`), still pictures and animation frames.

ipykernel 7 handles the canvas widget's messages (the browser's "draw this" requests) on a subshell thread, while
a preset or a slider runs on the main thread; and ``rcParams``, which the looks and :data:`DRAW_RC` change for the
duration of a draw, belong to the whole process. So every change of a panel, every draw of a panel figure and
every change of those settings happens under one process-wide lock, :data:`DRAW_LOCK`, and the settings are
restored exactly. Every panel's figure is a :class:`GatedFigure`: text drawn without FreeType's hinting
(:data:`DRAW_RC`) from glyph bitmaps kept between draws while that fast path is on (:mod:`nnlab.render.glyphs`),
whoever asks for the draw.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlab.core._checks import SettingError
from nnlab.render.gate import guarded
from nnlab.render.glyphs import GLYPH_PATH, GLYPHS

# One lock for the whole process: every change of the drawing settings (``rcParams`` are global) and every draw
# of every panel figure, whichever thread asks (ipykernel handles the browser's draw requests on another thread).
DRAW_LOCK = threading.RLock()

SLIDES_RC = {
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "lines.linewidth": 2.6,
    "lines.markersize": 8,
    "axes.linewidth": 1.3,
}
NOTEBOOK_RC = {"font.size": 10, "axes.titlesize": 11}
# Titles exactly at the top of their axes (y = 1 plus the title pad): matplotlib would otherwise place every title
# above whatever stands over its axes on every draw, computing each axis's ticks once more (a quarter of a draw).
# No panel puts tick labels or a label above an axes; the pictures are the same (bench/bench_draw.py).
for _look in (SLIDES_RC, NOTEBOOK_RC):
    _look["axes.titley"] = 1.0
# Settings read while drawing (not when artists are made), so they hold for every draw of a panel's figure, the
# browser's requests included. Text without FreeType's hinting: hinting glyphs took up to half of a panel's draw
# (the initialization explorer's: 66 ms with it, 36 ms without), and the text looks the same at screen sizes.
DRAW_RC = {"text.hinting": "no_hinting"}
DPI = 100
# Live figures follow the width of their output area within these bounds (pixels).
MIN_WIDTH, MAX_WIDTH = 560, 1400


@contextmanager
def style(slides: bool) -> Iterator[None]:
    """The notebook look, or the slides look (larger text and lines), under :data:`DRAW_LOCK`: ``rcParams`` are
    the whole process's, and another thread must neither draw with them changed nor change them meanwhile."""
    with DRAW_LOCK, matplotlib.rc_context(SLIDES_RC if slides else NOTEBOOK_RC):
        yield


def whole_pixels(n: float) -> int:
    """The whole number of pixels nearest ``n`` whose size in inches converts back exactly (481 px is 4.81 in,
    and 4.81 * 100 is 480.999..., which the browser floors to 480 while Agg draws 481 rows)."""
    n = round(n)
    for candidate in (n, n + 1, n - 1, n + 2, n - 2):
        if math.floor(candidate / DPI * DPI) == candidate:  # floored or rounded, the same whole number
            return candidate
    return n


def figure_size(figsize: tuple[float, float], slides: bool, width_px: int | None, height_px: int | None = None):
    """Figure size in inches: the panel's own ``figsize`` (or 16:9 for slides), scaled to ``width_px`` when the
    width of the output area is known, and no taller than ``height_px``; always whole pixels."""
    w, h = (12.8, 7.2) if slides else figsize  # slides: 1280x720 px, 1920x1080 when saved at 150 dpi
    if width_px:
        width = min(max(int(width_px), MIN_WIDTH), MAX_WIDTH) / DPI
        w, h = width, width * h / w
    if height_px and h * DPI > height_px:
        scale = max(height_px, 0.4 * MIN_WIDTH) / (h * DPI)
        w, h = w * scale, h * scale
    return whole_pixels(w * DPI) / DPI, whole_pixels(h * DPI) / DPI


@contextmanager
def drawing_settings() -> Iterator[None]:
    """:data:`DRAW_RC` for the duration, under :data:`DRAW_LOCK`: only its keys saved and restored exactly
    (``matplotlib.rc_context`` copies all ~300 settings, half a millisecond, and a blit draws dozens of artists one
    by one)."""
    with DRAW_LOCK:
        saved = {key: matplotlib.rcParams[key] for key in DRAW_RC}
        matplotlib.rcParams.update(DRAW_RC)
        try:
            yield
        finally:
            matplotlib.rcParams.update(saved)


class GatedFigure(Figure):
    """A panel's figure: every draw, a single artist's too (blitting), under :data:`DRAW_LOCK` with
    :data:`DRAW_RC`, and text through the glyph cache while its fast path is on (:mod:`nnlab.render.glyphs`); when
    the fast path fails inside a draw, the picture is drawn again the ordinary way."""

    def draw(self, renderer: Any) -> None:
        self._drawn(renderer, lambda: super(GatedFigure, self).draw(renderer))

    def draw_artist(self, a: Artist) -> None:
        """Draw one artist (a blit) with the same settings as a full draw."""
        self._drawn(self.canvas.get_renderer(), lambda: super(GatedFigure, self).draw_artist(a))

    @staticmethod
    def _drawn(renderer: Any, draw: Callable[[], None]) -> None:
        def through_glyphs() -> None:
            with GLYPHS.drawing(renderer):
                draw()

        with DRAW_LOCK, drawing_settings():
            guarded(GLYPH_PATH, through_glyphs, draw)


class PanelFigure:
    """The figure of one panel, drawn headless (Agg) or on a live ipympl canvas.

    ``dynamic`` is a callable giving the artists that change on every update; when it names any, a live
    canvas redraws only those over a saved background (blitting), and everything else must change only
    when the figure is rebuilt.
    """

    def __init__(self, figsize: tuple[float, float], dynamic: Callable[[], list[Artist]]) -> None:
        self.figsize = figsize
        self.dynamic = dynamic
        self.lock = DRAW_LOCK  # one drawer at a time: every panel's changes and every canvas's messages
        self.figure = GatedFigure(figsize=figsize, dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.live: Any = None
        self.slides = False
        self.width_px: int | None = None
        self.height_px: int | None = None
        self._background: Any = None
        self._needs_full_draw = True

    # --- layout ---------------------------------------------------------------------------------
    def size(self) -> tuple[float, float]:
        return figure_size(self.figsize, self.slides, self.width_px if self.live is not None else None,
                           self.height_px if self.live is not None and self.slides else None)  # fmt: skip

    def style(self) -> Any:
        return style(self.slides)

    def clear(self) -> None:
        """Start a new layout: an empty figure of the current size."""
        self.figure.clear()
        self.figure.set_size_inches(*self.size(), forward=self.live is not None)
        self._background = None
        self._needs_full_draw = True

    # --- live canvas ------------------------------------------------------------------------------
    def attach(self, canvas: Any) -> None:
        """Make ``canvas`` (an ipympl widget, or any Agg canvas) the live canvas."""
        self.live = canvas
        self.figure.set_canvas(canvas)
        self._needs_full_draw = True

        def on_full_draw(event: Any) -> None:
            # After any full draw (ours, or one the browser asked for): keep the static picture, add the rest.
            dynamic = [a for a in self.dynamic() if a.get_animated()]
            if dynamic:
                self._background = canvas.copy_from_bbox(self.figure.bbox)
                for artist in dynamic:
                    self.figure.draw_artist(artist)

        canvas.mpl_connect("draw_event", on_full_draw)

    def show(self) -> None:
        """Send the current picture to the live canvas (a full draw, or a blit of the dynamic artists)."""
        if self.live is None:
            return
        dynamic = self.dynamic()
        with self.style():
            if not dynamic or self._needs_full_draw or self._background is None:
                for artist in dynamic:
                    artist.set_animated(True)
                self.live.draw()  # the draw_event hook saves the background and adds the dynamic artists
                self._needs_full_draw = False
            else:
                self.live.restore_region(self._background)
                for artist in dynamic:
                    artist.set_animated(True)  # artists made anew by an update (a legend, say) too
                    self.figure.draw_artist(artist)
                self.live.blit(self.figure.bbox)

    @contextmanager
    def _everything_drawn(self) -> Iterator[None]:
        """Draw the dynamic artists in ordinary draws too (pictures saved or rendered off screen)."""
        dynamic = [a for a in self.dynamic() if a.get_animated()]
        for artist in dynamic:
            artist.set_animated(False)
        try:
            yield
        finally:
            for artist in dynamic:
                artist.set_animated(True)

    # --- pictures -------------------------------------------------------------------------------
    def image(self) -> np.ndarray:
        """The current picture as an RGBA array (rendered with Agg)."""
        target = FigureCanvasAgg(self.figure) if self.live is not None else self.figure.canvas
        try:
            with self.style(), self._everything_drawn():
                target.draw()
            return np.asarray(target.buffer_rgba()).copy()
        finally:
            if self.live is not None:
                self.figure.set_canvas(self.live)

    def save(self, path: str | Path, dpi: int | None = None) -> Path:
        """Write the current picture as PNG, SVG or PDF (by the file's extension)."""
        path = Path(path)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg", "pdf"):
            raise SettingError(f"path={str(path)!r}: the extension must be .png, .svg or .pdf")
        with self.style(), self._everything_drawn():
            self.figure.savefig(path, format=fmt, dpi=dpi or (150 if self.slides else 120))
        return path

    def frames(
        self, set_frame: Callable[[int], None], n_frames: int, animated: Callable[[], list[Artist]] | None = None
    ) -> Iterator[np.ndarray]:
        """RGB frames (H, W, 3): ``set_frame(i)`` updates the artists, then the picture is rendered.

        With ``animated`` artists (the dynamic ones by default), the static background is drawn once and
        each frame redraws only them; otherwise every frame is a full draw.
        """
        canvas = FigureCanvasAgg(self.figure)
        moving = animated or self.dynamic
        try:
            with self.style():
                dynamic = moving()
                for artist in dynamic:
                    artist.set_animated(True)
                canvas.draw()
                background = canvas.copy_from_bbox(self.figure.bbox) if dynamic else None
                for i in range(n_frames):
                    set_frame(i)
                    if background is None:
                        canvas.draw()
                    else:
                        canvas.restore_region(background)
                        for artist in moving():
                            artist.set_animated(True)
                            self.figure.draw_artist(artist)
                    yield np.asarray(canvas.buffer_rgba())[:, :, :3].copy()
        finally:
            for artist in moving():
                artist.set_animated(False)
            if self.live is not None:
                self.figure.set_canvas(self.live)
