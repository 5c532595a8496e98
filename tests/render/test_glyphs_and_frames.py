"""The render layer: text from kept glyphs draws exactly matplotlib's pixels, frames are exact PNGs, every fast
path falls back to the ordinary drawing when a private piece of matplotlib or ipympl fails, and one lock keeps
the process's drawing settings."""

from __future__ import annotations

import numpy as np
import pytest


def _drawn(figure_class, build, draws=1):
    """The RGBA pixels of a 4x3 in figure made by ``build(figure)`` (which may return a callable that changes it
    between draws), drawn ``draws`` times with Agg."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = figure_class(figsize=(4, 3), dpi=100)
    canvas = FigureCanvasAgg(figure)
    change = build(figure)
    for i in range(draws):
        if i and change:
            change()
        canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _labelled(figure):
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title with descenders (gjpqy)", loc="left")
    ax.set_xlabel("x")


def _text_of_every_kind(figure):
    """Strings at rotations, sizes, weights and families, antialiased or not, that move by fractions of a pixel
    and change between draws: the glyph cache must draw each exactly where and as matplotlib does."""
    ax = figure.add_subplot()
    ax.set_title("Weight init: std=0.01 (gjpqy)", fontweight="bold")
    ax.set_ylabel("dL/dW, log10 |value|")
    texts = [
        ax.text(0.1, 0.8, "mean=0.00 std=4.9e-01", fontsize=7.3),
        ax.text(0.5, 0.5, "rotated 33 degrees", rotation=33, family="monospace"),
        ax.text(0.2, 0.2, "no antialiasing", antialiased=False, fontsize=11),
        ax.text(0.7, 0.3, "vertical", rotation=90, fontstyle="italic"),
        ax.text(0.3, 0.6, "\u03b1 \u2192 \u221e, \u00b5 = 1e-3", fontsize=9),
        ax.text(0.05, 0.05, "mean=0.00 std=4.9e-01", fontsize=12, fontweight="bold"),  # the same string, larger
    ]

    def change():
        for i, text in enumerate(texts):
            x, y = text.get_position()
            text.set_position((x + 0.0137 * (i + 1), y - 0.0071 * i))  # new sub-pixel offsets
        texts[0].set_text("mean=0.01 std=2.9e-01")

    return change


def test_text_drawn_from_kept_glyphs_is_exactly_matplotlibs(monkeypatch):
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.figure import Figure

    from nnlab.render import glyphs
    from nnlab.render.figure import DRAW_RC, GatedFigure

    assert glyphs.GLYPH_PATH.on  # the matplotlib of this suite: otherwise this test would compare matplotlib to itself
    with matplotlib.rc_context(DRAW_RC):
        for draws in (1, 3):  # a first draw (bitmaps made) and later ones (bitmaps reused at new positions)
            assert np.array_equal(_drawn(GatedFigure, _text_of_every_kind, draws),
                                  _drawn(Figure, _text_of_every_kind, draws))  # fmt: skip
    # Drawn again, matplotlib prepares a font for every string to lay it out again; from kept glyphs, none.
    prepared = []
    prepare = RendererAgg._prepare_font
    monkeypatch.setattr(RendererAgg, "_prepare_font", lambda self, prop: prepared.append(prop) or prepare(self, prop))
    for figure_class, strings in ((Figure, 8), (GatedFigure, 0)):
        figure = figure_class(figsize=(4, 3), dpi=100)
        canvas = FigureCanvasAgg(figure)
        _text_of_every_kind(figure)
        canvas.draw()
        prepared.clear()
        canvas.draw()
        assert len(prepared) >= strings if strings else prepared == []


def test_kept_text_layouts_are_per_thread_like_matplotlibs_fonts():
    # ipykernel draws on a subshell thread when the browser asks; FT2Font objects must not cross threads.
    import threading

    from nnlab.render.figure import GatedFigure
    from nnlab.render.glyphs import GLYPHS

    main = _drawn(GatedFigure, _text_of_every_kind)
    other = {}
    worker = threading.Thread(target=lambda: other.update(pixels=_drawn(GatedFigure, _text_of_every_kind)))
    worker.start()
    worker.join()
    assert np.array_equal(other["pixels"], main)
    fonts = {}
    for key, layout in GLYPHS._layouts.items():
        fonts.setdefault(key[-1], set()).update(id(glyph[0]) for glyph in layout)
    mine, theirs = fonts[threading.get_ident()], fonts[worker.ident]
    assert mine and theirs and not mine & theirs


def test_every_draw_of_a_panel_figure_uses_its_drawing_settings_whoever_asks():
    import matplotlib

    from nnlab.render.figure import GatedFigure

    panel_draw = _drawn(GatedFigure, _labelled)
    with matplotlib.rc_context({"text.hinting": "force_autohint"}):  # a draw outside the panel's settings
        assert np.array_equal(_drawn(GatedFigure, _labelled), panel_draw)


@pytest.mark.parametrize("channels", [3, 4])
def test_frames_are_pngs_that_decode_to_exactly_the_pixels(channels):
    import io

    from PIL import Image

    from nnlab.render.frames import png_bytes

    pixels = np.random.default_rng(0).integers(0, 256, (37, 53, channels), dtype=np.uint8)  # odd sizes, noise
    pixels[5:20, 10:40] = 255  # and a flat region, as figures have
    decoded = Image.open(io.BytesIO(png_bytes(pixels)))
    assert decoded.mode == ("RGB" if channels == 3 else "RGBA")
    np.testing.assert_array_equal(np.asarray(decoded), pixels)


@pytest.mark.parametrize(
    "pixels",
    [np.zeros((4, 5, 3)), np.zeros((4, 5), np.uint8), np.zeros((4, 5, 2), np.uint8)],
    ids=["float", "2-D", "2 channels"],
)
def test_a_frame_of_the_wrong_kind_is_refused_naming_the_argument(pixels):
    from nnlab.render.frames import png_bytes

    with pytest.raises(ValueError, match=r"pixels: expected a uint8 array of shape \(H, W, 3\) or \(H, W, 4\)"):
        png_bytes(pixels)
