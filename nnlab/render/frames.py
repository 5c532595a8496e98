"""Frames and their transport to the browser: PNG encoding, and ipympl's canvas widget sending whole frames.

ipympl sends by default only the pixels that changed since its last frame; such a frame is right only if the
browser still shows exactly the frame it was computed against, which fast clicks broke. The panels' canvas sends
every frame whole (:func:`png_bytes`), and handles the browser's messages under the draw lock
(:data:`nnlab.render.figure.DRAW_LOCK`). Both overrides use ipympl's private pieces, so they sit behind the gate
(:data:`FRAME_PATH`): without its pieces, or after an exception, ipympl's own frames are sent. The lock around the
messages is no fast path but a correctness measure: kept whenever ipympl has the method, with a log line when not.
"""

from __future__ import annotations

import functools
import io
import struct
import threading
import zlib
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from nnlab.core._checks import SettingError
from nnlab.render.gate import LOG, FastPath, FastPathError, guarded


def png_bytes(pixels: np.ndarray) -> bytes:
    """A PNG of an (H, W, 3) RGB or (H, W, 4) RGBA uint8 array: 8-bit colour (type 2 or 6), rows unfiltered
    (filter type 0), deflated at zlib level 1 (PNG specification, sections 11.2.2 IHDR and 7.3 filtering).

    Pillow chooses a filter for every row, which costs more than it saves on figures of flat colour and thin
    lines: this writes the same pixels 2-3x faster and about as small (bench/bench_frames.py)."""
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise SettingError(f"pixels: expected a uint8 array of shape (H, W, 3) or (H, W, 4), got {pixels.dtype} "
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


def _ipympl_canvas() -> type:
    from ipympl.backend_nbagg import Canvas

    return Canvas


def _frame_pieces() -> bool:
    canvas = _ipympl_canvas()
    return all(hasattr(canvas, name) for name in ("get_diff_image", "set_image_mode", "get_renderer"))


def _frame_check() -> bool:
    """A whole frame of a probe figure decodes to exactly the pixels the renderer holds."""
    from PIL import Image

    figure = Figure(figsize=(2.0, 1.5), dpi=100)
    figure.add_subplot().plot([0, 1], [1, 0])
    canvas = live_canvas(figure, threading.RLock())
    canvas.draw()
    pixels = np.asarray(canvas.get_renderer().buffer_rgba())[:, :, :3].copy()
    canvas._png_is_old = True  # the draw sent its frame already (to no browser)
    frame = canvas._whole_frame()
    return frame is not None and np.array_equal(np.asarray(Image.open(io.BytesIO(frame)).convert("RGB")), pixels)


def _message_pieces() -> bool:
    return callable(getattr(_ipympl_canvas(), "_handle_message", None))


FRAME_PATH = FastPath("whole frames", "ipympl", _frame_pieces, _frame_check)


@functools.cache
def _whole_frame_canvas_class() -> type:
    Canvas = _ipympl_canvas()

    class WholeFrameCanvas(Canvas):
        """ipympl's canvas widget, sending every frame whole and handling the browser's messages under the
        panel's lock (see the module docstring)."""

        panel_lock: Any = None
        on_error: Any = None  # called with an exception raised while handling a browser's message

        def get_diff_image(self) -> bytes | None:
            """The frame, whole, as a PNG (:func:`png_bytes`), while :data:`FRAME_PATH` is on; else ipympl's."""

            def whole() -> bytes | None:
                try:
                    return self._whole_frame()
                except Exception as err:  # everything here is the fast path's
                    raise FastPathError(f"whole frames: {type(err).__name__}: {err}") from err

            def ipympls() -> bytes | None:
                self._force_full = True  # a whole frame all the same, by ipympl's own code
                return Canvas.get_diff_image(self)

            return guarded(FRAME_PATH, whole, ipympls)

        def _whole_frame(self) -> bytes | None:
            """RGB where the figure is opaque (as every panel's is). The encoding is part of every slider step's
            latency (bench/bench_frames.py)."""
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            opaque = bool((pixels[:, :, 3] == 255).all())
            frame = png_bytes(pixels[:, :, :3] if opaque else pixels)
            self.set_image_mode("full")
            self._last_buff = pixels.view(np.uint32).squeeze(2).copy()  # what ipympl keeps of the last frame
            self._force_full = False
            self._png_is_old = False
            return frame

        def _handle_message(self, object: Any, content: Any, buffers: Any) -> None:
            """The browser's messages (draw requests among them), under the draw lock; an exception goes to
            ``on_error`` (the panel's status line) instead of vanishing in the kernel's log."""
            with self.panel_lock:
                try:
                    super()._handle_message(object, content, buffers)
                except Exception as err:  # noqa: BLE001 - reported where the student looks
                    if self.on_error is None:
                        raise
                    self.on_error(err)

    if not _message_pieces():
        LOG.warning("nnlab: ipympl's canvas has no _handle_message; the browser's draw requests are not serialised "
                    "with the panels' changes")  # fmt: skip
        del WholeFrameCanvas._handle_message

    return WholeFrameCanvas


def live_canvas(figure: Figure, lock: Any, on_error: Any = None) -> Any:
    """An ipympl canvas widget for ``figure`` that handles its messages under ``lock``: whole frames, no toolbar,
    header, footer or resize handle."""
    from ipympl.backend_nbagg import FigureManager

    canvas = _whole_frame_canvas_class()(figure)
    canvas.panel_lock = lock
    canvas.on_error = on_error
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
