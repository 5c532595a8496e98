"""Text drawn from glyph bitmaps kept between draws: the same pixels as matplotlib's Agg, without laying out and
rasterizing every string again on every draw.

matplotlib (3.11) draws a string by laying it out with FreeType (``FT2Font._layout``) and then, glyph by glyph,
moving the glyph to its position in 1/64 pixel, rasterizing it (``FT2Font._render_glyph``) and compositing the
bitmap (``RendererAgg._draw_text_glyphs_and_boxes``). A panel's picture has 20-90 strings (tick labels, notes,
titles) that mostly stay the same from one slider step to the next, and the layout and rasterization were about a
fifth of a full draw (bench/bench_draw.py). :class:`GlyphCache` keeps

- each string's layout, by the string, the font's properties, the dpi, the hinting flags, the font features and
  the thread (whose own font objects the layout names, as matplotlib keeps one per thread);
- each glyph's bitmap, by the font face, size, dpi, glyph, hinting, render mode, rotation and the *fraction* of a
  pixel of its position: moving an outline by whole pixels moves its bitmap by exactly those pixels (FreeType
  rasterizes in 1/64-pixel integer coordinates), so a bitmap made at the fraction is drawn at the whole-pixel
  offset.

It composites the same bitmaps at the same places with the same calls as matplotlib; tests compare whole pictures
with matplotlib's own draw. It is a fast path behind :mod:`nnlab.render.gate` (:data:`GLYPH_PATH`): used only
with the private pieces present and after a self-check that draws probe strings both ways and compares the bytes;
any exception inside it raises :class:`~nnlab.render.gate.FastPathError`, and the figure is drawn again the
ordinary way (``nnlab.render.figure``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from matplotlib import ft2font
from matplotlib.backends import backend_agg
from matplotlib.figure import Figure

from nnlab.render.gate import FastPath, FastPathError


def has_private_pieces() -> bool:
    """The private pieces this relies on; without any of them, text is drawn by matplotlib as it is."""
    return (
        all(hasattr(backend_agg, name) for name in ("RenderMode", "get_hinting_flag"))
        and all(hasattr(backend_agg.RendererAgg, name) for name in ("_draw_text_glyphs_and_boxes", "_prepare_font"))
        and all(hasattr(ft2font.FT2Font, name) for name in ("_layout", "_set_transform", "_render_glyph"))
    )


class GlyphCache:
    """String layouts and glyph bitmaps kept between draws (see the module docstring); at most ``max_entries``
    of each, all forgotten when that is exceeded (a few MB at most)."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self._layouts: dict[tuple, list[tuple[Any, float, int, float, float]]] = {}
        self._glyphs: dict[tuple, tuple[Any, int, int]] = {}

    @contextmanager
    def drawing(self, renderer: Any) -> Iterator[None]:
        """Draw text on ``renderer`` (an Agg renderer) through the cache for the duration."""
        if not isinstance(renderer, backend_agg.RendererAgg) or "draw_text" in vars(renderer):
            yield
            return
        renderer.draw_text = lambda *args, **kwargs: self.draw_text(renderer, *args, **kwargs)
        try:
            yield
        finally:
            del renderer.draw_text

    def draw_text(
        self, renderer: Any, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
        mtext: Any = None,
    ) -> None:  # fmt: skip
        """``RendererAgg.draw_text``, with layouts and bitmaps from the cache; any exception inside it is a
        :class:`FastPathError` (the caller draws the whole picture again the ordinary way)."""
        if ismath:
            return backend_agg.RendererAgg.draw_text(renderer, gc, x, y, s, prop, angle, ismath, mtext)
        try:
            self._draw_text(renderer, gc, x, y, s, prop, angle, mtext)
        except Exception as err:
            raise FastPathError(f"glyph cache: {type(err).__name__}: {err}") from err

    def _draw_text(self, renderer: Any, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, mtext: Any):
        flags = backend_agg.get_hinting_flag()
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        size = prop.get_size_in_points()
        font_key = (tuple(prop.get_family()), prop.get_slant(), prop.get_variant(), prop.get_weight(),
                    prop.get_stretch(), size, prop.get_file(), prop.get_math_fontfamily())  # fmt: skip
        # matplotlib gives each thread its own FT2Font objects (they are not thread-safe): so do the kept layouts
        key = (s, font_key, renderer.dpi, flags, features, language, threading.get_ident())
        glyphs = self._layouts.get(key)
        if glyphs is None:
            font = renderer._prepare_font(prop)
            items = font._layout(s, flags=flags, features=features, language=language)
            glyphs = [(item.ft_object, size, item.glyph_index, item.x, item.y) for item in items]
            self._remember(self._layouts, key, glyphs)
        self._draw_glyphs(renderer, gc, x, y, angle, glyphs, flags)

    def _draw_glyphs(self, renderer: Any, gc: Any, x: float, y: float, angle: float, glyphs: list, flags: Any) -> None:
        # The arithmetic of RendererAgg._draw_text_glyphs_and_boxes (no slant, no stretch: plain text), to the bit.
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        matrix = [[round(0x10000 * cos), round(0x10000 * -sin)], [round(0x10000 * sin), round(0x10000 * cos)]]
        antialiased = gc.get_antialiased()
        mode = backend_agg.RenderMode.NORMAL if antialiased else backend_agg.RenderMode.MONO
        height = renderer.height
        for font, size, glyph_index, dx, dy in glyphs:  # dy is upwards
            whole_x, part_x = divmod(round(0x40 * (x + dx * cos - dy * sin)), 0x40)
            whole_y, part_y = divmod(round(0x40 * (height - y + dx * sin + dy * cos)), 0x40)
            key = (font.fname, font.face_index, size, renderer.dpi, glyph_index, flags, mode, angle, part_x, part_y)
            bitmap = self._glyphs.get(key)
            if bitmap is None:
                font.set_size(size, renderer.dpi)
                font._set_transform(matrix, [part_x, part_y])
                rendered = font._render_glyph(glyph_index, flags, mode)
                buffer = rendered.buffer.copy()
                if not antialiased:
                    buffer *= 0xFF
                bitmap = (buffer, rendered.left, rendered.top)
                self._remember(self._glyphs, key, bitmap)
            buffer, left, top = bitmap
            # draw_text_image's y is downwards and the bitmap's bottom side
            renderer._renderer.draw_text_image(buffer, left + whole_x, int(height) - (top + whole_y) + buffer.shape[0],
                                               0, gc)  # fmt: skip

    def clear(self) -> None:
        """Forget every kept layout and bitmap."""
        self._layouts.clear()
        self._glyphs.clear()

    def _remember(self, store: dict, key: tuple, value: Any) -> None:
        if len(store) >= self.max_entries:
            store.clear()
        store[key] = value


GLYPHS = GlyphCache()


def probe_figure(figure: Figure) -> None:
    """Text of the kinds a panel draws, as figure texts (no axes: the check costs only the text): sizes, a bold and a
    monospace face, rotations, fractional offsets and non-ASCII characters."""
    probes = [("loss 2.303 = ln 10, accuracy 93.7%", {}), ("Adam beta2 0.999", {"weight": "bold"}),
              ("W1 = [0.01 -0.3]", {"family": "monospace"}), ("σ² μ ±∞ élan", {"rotation": 30}),
              ("std per layer", {"rotation": 90}), ("sub-pixel .3", {"fontsize": 9.3})]  # fmt: skip
    for i, (text, kw) in enumerate(probes):
        figure.text(0.03 + 0.013 * i + 0.12 * (i % 2), 0.08 + 0.15 * i + 0.0031 * i, text, **kw)


def _draw_probe(cached: bool) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = Figure(figsize=(3.13, 2.07), dpi=100)
    canvas = FigureCanvasAgg(figure)
    probe_figure(figure)
    renderer = canvas.get_renderer()
    renderer.clear()
    if cached:
        with GLYPHS.drawing(renderer):
            figure.draw(renderer)
            renderer.clear()
            figure.draw(renderer)  # the second draw from the kept layouts and bitmaps
    else:
        figure.draw(renderer)
    return np.asarray(renderer.buffer_rgba()).copy()


def self_check() -> bool:
    """Probe strings drawn through the cache and the ordinary way give the same bytes (under the panels' drawing
    settings, on this thread)."""
    from nnlab.render.figure import drawing_settings

    with drawing_settings():
        return bool(np.array_equal(_draw_probe(True), _draw_probe(False)))


GLYPH_PATH = FastPath("glyph cache", "matplotlib", has_private_pieces, self_check)
