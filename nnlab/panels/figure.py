"""A panel's matplotlib figure: its size and style (notebook or slides), the live canvas in the browser,
still pictures and animation frames.

Live pictures reach the browser through ipympl, which by default sends only the pixels that changed
since its last frame ("diff" frames of matplotlib's webagg core). A diff frame is right only if the
browser still shows exactly the frame it was computed against; after fast clicks, a resize or a
dropped frame it is not, and the page shows white boxes and stale ticks until the next change.
:class:`WholeFrameCanvas` therefore sends every frame whole. A whole 1000 x 550 PNG costs the
kernel a few milliseconds more than a diff (``bench/bench_frames.py``), and every frame is right
on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

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
SLIDES_ASPECT = 16 / 9
DPI = 100
# Live figures follow the width of their output area within these bounds (pixels).
MIN_WIDTH, MAX_WIDTH = 560, 1400


@contextmanager
def style(slides: bool) -> Iterator[None]:
    """The notebook look, or the slides look (larger text and lines)."""
    with matplotlib.rc_context(SLIDES_RC if slides else NOTEBOOK_RC):
        yield


def figure_size(figsize: tuple[float, float], slides: bool, width_px: int | None, height_px: int | None = None):
    """Figure size in inches: the panel's own ``figsize`` (or 16:9 for slides), scaled to ``width_px`` when the
    width of the output area is known, and no taller than ``height_px``."""
    w, h = (13.33, 13.33 / SLIDES_ASPECT) if slides else figsize
    if width_px:
        width = min(max(int(width_px), MIN_WIDTH), MAX_WIDTH) / DPI
        w, h = width, width * h / w
    if height_px and h * DPI > height_px:
        scale = max(height_px, 0.4 * MIN_WIDTH) / (h * DPI)
        w, h = w * scale, h * scale
    return round(w, 2), round(h, 2)


def _whole_frame_canvas_class() -> type:
    from ipympl.backend_nbagg import Canvas

    class WholeFrameCanvas(Canvas):
        """ipympl's canvas widget, sending every frame whole (see the module docstring)."""

        def get_diff_image(self) -> bytes | None:
            self._force_full = True
            return super().get_diff_image()

    return WholeFrameCanvas


def live_canvas(figure: Figure) -> Any:
    """An ipympl canvas widget for ``figure``: whole frames, no toolbar, header, footer or resize handle."""
    from ipympl.backend_nbagg import FigureManager

    canvas = _whole_frame_canvas_class()(figure)
    # ipympl 0.10 keeps a bare base64 PNG in _data_url while its frontend uses the value as an image src;
    # a figure drawn before the browser initialises the widget then breaks the view ("drawImage ... broken").
    # Not syncing it makes the browser ask for the picture once it is ready.
    canvas.syncing_data_url = False
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    FigureManager(canvas, 0)
    return canvas


class PanelFigure:
    """The figure of one panel, drawn headless (Agg) or on a live ipympl canvas.

    ``dynamic`` is a callable giving the artists that change on every update; when it names any, a live
    canvas redraws only those over a saved background (blitting), and everything else must change only
    when the figure is rebuilt.
    """

    def __init__(self, figsize: tuple[float, float], dynamic: Callable[[], list[Artist]]) -> None:
        self.figsize = figsize
        self.dynamic = dynamic
        self.figure = Figure(figsize=figsize, dpi=DPI)
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
            raise ValueError(f"path={str(path)!r}: the extension must be .png, .svg or .pdf")
        with self.style(), self._everything_drawn():
            self.figure.savefig(path, format=fmt, dpi=dpi or (200 if self.slides else 120))
        return path

    def frames(self, set_frame: Callable[[int], None], n_frames: int) -> Iterator[np.ndarray]:
        """RGB frames (H, W, 3): ``set_frame(i)`` updates the artists, then the picture is rendered.

        With dynamic artists, the static background is drawn once and each frame redraws only them
        (about a second for 200 frames instead of ten); otherwise every frame is a full draw.
        """
        canvas = FigureCanvasAgg(self.figure)
        try:
            with self.style():
                dynamic = self.dynamic()
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
                        for artist in self.dynamic():
                            artist.set_animated(True)
                            self.figure.draw_artist(artist)
                    yield np.asarray(canvas.buffer_rgba())[:, :, :3].copy()
        finally:
            for artist in self.dynamic():
                artist.set_animated(False)
            if self.live is not None:
                self.figure.set_canvas(self.live)
