"""A panel's matplotlib figure: its size and style (notebook or slides), the live canvas in the browser,
still pictures and animation frames.

Live pictures reach the browser through ipympl. Two things corrupted them after fast clicks:

- **Two threads drawing one figure.** ipykernel 7 handles the canvas widget's messages (the browser's
  "draw this" requests) on a subshell thread, while a preset or a slider runs on the main thread. A
  browser-requested draw could then render the figure while a change was clearing and rebuilding it,
  and the half-drawn buffer (white, or one artist on white) was sent. Every panel figure therefore has
  one lock (:attr:`PanelFigure.lock`), held by every change of the panel and by every message its
  canvas handles.
- **Diff frames.** ipympl sends by default only the pixels that changed since its last frame; such a
  frame is right only if the browser still shows exactly the frame it was computed against.
  :class:`WholeFrameCanvas` sends every frame whole.

Every panel's figure is a :class:`LeanFigure`: fewer passes over the tick labels per draw, text drawn without
FreeType's hinting (:data:`DRAW_RC`) from glyph bitmaps kept between draws (:mod:`nnlab.panels.glyphs`), whoever
asks for the draw.
"""

from __future__ import annotations

import math
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlab.panels.glyphs import GLYPHS

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
# Settings read while drawing (not when artists are made), so they hold for every draw of a panel's figure, the
# browser's requests included. Text without FreeType's hinting: hinting glyphs took up to half of a panel's draw
# (the initialization explorer's: 66 ms with it, 36 ms without), and the text looks the same at screen sizes.
DRAW_RC = {"text.hinting": "no_hinting"}
DPI = 100
# Live figures follow the width of their output area within these bounds (pixels).
MIN_WIDTH, MAX_WIDTH = 560, 1400


@contextmanager
def style(slides: bool) -> Iterator[None]:
    """The notebook look, or the slides look (larger text and lines)."""
    with matplotlib.rc_context(SLIDES_RC if slides else NOTEBOOK_RC):
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
def _drawing_settings() -> Iterator[None]:
    """:data:`DRAW_RC` for the duration: only its keys saved and restored (``matplotlib.rc_context`` copies all
    ~300 settings, half a millisecond, and a blit draws dozens of artists one by one)."""
    saved = {key: matplotlib.rcParams[key] for key in DRAW_RC}
    matplotlib.rcParams.update(DRAW_RC)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


class LeanFigure(Figure):
    """A figure that skips matplotlib's placement of titles and axis labels where nothing can move them.

    On every draw matplotlib places each axis label below (or beside) its tick labels and each title above
    whatever stands over its axes, and each placement computes the axis's ticks and their labels' extents once
    more: two extra passes over every tick label, about a quarter of a panel's draw (bench/README.md). A label
    without text has nothing to place. A title stays exactly at the top of its axes (y = 1, plus the title pad,
    where matplotlib would put it too) unless tick labels or a label stand on top of the axes, the axes have twins,
    children or aligned titles, or the y axis shows an offset text ("1e-5"); those keep matplotlib's placement.
    An offset text that appears during a draw is caught after it and the figure drawn once more with it placed.
    Every draw uses :data:`DRAW_RC`, a single artist's too (blitting), and draws text from the glyph bitmaps
    kept by :data:`~nnlab.panels.glyphs.GLYPHS`.
    """

    def draw(self, renderer: Any) -> None:
        with _drawing_settings(), GLYPHS.drawing(renderer):
            self._draw(renderer)

    def draw_artist(self, a: Artist) -> None:
        """Draw one artist (a blit) with the same settings as a full draw."""
        with _drawing_settings(), GLYPHS.drawing(self.canvas.get_renderer()):
            super().draw_artist(a)

    def _draw(self, renderer: Any) -> None:
        fixed_titles = [ax for ax in self.axes if ax._autotitlepos and not self._title_can_move(ax)]
        unplaced = [axis for ax in self.axes for axis in (ax.xaxis, ax.yaxis)
                    if axis._autolabelpos and not axis.label.get_text()]  # fmt: skip
        for ax in fixed_titles:
            ax._autotitlepos = False
            for title in (ax.title, ax._left_title, ax._right_title):
                title.set_y(1.0)
        for axis in unplaced:
            axis._autolabelpos = False
        try:
            super().draw(renderer)
        finally:
            for ax in fixed_titles:
                ax._autotitlepos = True
            for axis in unplaced:
                axis._autolabelpos = True
        if any(self._y_offset_shown(ax) for ax in fixed_titles):
            super().draw(renderer)  # now with the offset text known: those titles placed by matplotlib

    def _title_can_move(self, ax: Any) -> bool:
        """Whether something can stand above ``ax`` and push its titles up (matplotlib's own conditions)."""
        titles_aligned = self._align_label_groups.get("title")
        return bool(
            ax.child_axes
            or len(ax._twinned_axes.get_siblings(ax)) > 1
            or (titles_aligned is not None and len(titles_aligned.get_siblings(ax)) > 1)
            or self._x_axis_on_top(ax)
            or self._y_offset_shown(ax)
        )

    @staticmethod
    def _x_axis_on_top(ax: Any) -> bool:
        """Tick labels, the label or the offset text of the x axis above the axes."""
        x = ax.xaxis
        return (x.get_label_position() == "top" or x.get_ticks_position() == "top"
                or any(ticks[0].label2.get_visible() for ticks in (x.majorTicks, x.minorTicks)))  # fmt: skip

    @staticmethod
    def _y_offset_shown(ax: Any) -> bool:
        return bool(ax.yaxis.offsetText.get_visible() and ax.yaxis.offsetText.get_text())


def png_bytes(pixels: np.ndarray) -> bytes:
    """A PNG of an (H, W, 3) RGB or (H, W, 4) RGBA uint8 array: 8-bit colour (type 2 or 6), rows unfiltered
    (filter type 0), deflated at zlib level 1 (PNG specification, sections 11.2.2 IHDR and 7.3 filtering).

    Pillow chooses a filter for every row, which costs more than it saves on figures of flat colour and thin
    lines: this writes the same pixels 2-3x faster and about as small (bench/bench_frames.py)."""
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ValueError(f"pixels: expected a uint8 array of shape (H, W, 3) or (H, W, 4), got {pixels.dtype} "
                         f"of shape {pixels.shape}")  # fmt: skip
    height, width, channels = pixels.shape
    rows = np.empty((height, width * channels + 1), np.uint8)
    rows[:, 0] = 0  # each row's filter type: none
    rows[:, 1:] = pixels.reshape(height, -1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.data, 1))
            + chunk(b"IEND", b""))  # fmt: skip


def _whole_frame_canvas_class() -> type:
    from ipympl.backend_nbagg import Canvas

    class WholeFrameCanvas(Canvas):
        """ipympl's canvas widget, sending every frame whole and handling the browser's messages under the
        panel's lock (see the module docstring)."""

        panel_lock: Any = None

        def get_diff_image(self) -> bytes | None:
            """The frame, whole, as a PNG (:func:`png_bytes`): RGB where the figure is opaque (as every panel's
            is). The encoding is part of every slider step's latency (bench/bench_frames.py)."""
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            self.set_image_mode("full")
            self._last_buff = pixels.view(np.uint32).squeeze(2).copy()  # what ipympl keeps of the last frame
            self._force_full = False
            self._png_is_old = False
            opaque = bool((pixels[:, :, 3] == 255).all())
            return png_bytes(pixels[:, :, :3] if opaque else pixels)

        def _handle_message(self, object: Any, content: Any, buffers: Any) -> None:
            with self.panel_lock:
                super()._handle_message(object, content, buffers)

    return WholeFrameCanvas


def live_canvas(figure: Figure, lock: Any) -> Any:
    """An ipympl canvas widget for ``figure`` that handles its messages under ``lock``: whole frames, no toolbar,
    header, footer or resize handle."""
    from ipympl.backend_nbagg import FigureManager

    canvas = _whole_frame_canvas_class()(figure)
    canvas.panel_lock = lock
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
        self.lock = threading.RLock()  # one drawer at a time: the panel's changes and the canvas's messages
        self.figure = LeanFigure(figsize=figsize, dpi=DPI)
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
