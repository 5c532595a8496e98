"""Every fast path falls back to the ordinary drawing: a private piece of matplotlib or ipympl that is missing,
renamed or raising (as a changed signature would) leaves the panels drawing the right picture with an empty status
line; ``NNLAB_SAFE_RENDER=1`` turns all fast paths off; one lock keeps the process's drawing settings."""

from __future__ import annotations

import sys
import threading

import matplotlib
import numpy as np
import pytest
from matplotlib import ft2font
from matplotlib.backends import backend_agg

from nnlab.render.glyphs import GLYPH_PATH
from nnlab.topics.activations.panel import ActivationsPanel
from nnlab.topics.losses.panel import LossesPanel

# The private calls of the glyph cache, each made to raise as a changed signature would.
PRIVATE_CALLS = [
    (ft2font.FT2Font, "_layout"),
    (ft2font.FT2Font, "_set_transform"),
    (ft2font.FT2Font, "_render_glyph"),
    (backend_agg.RendererAgg, "_prepare_font"),
    (backend_agg, "get_hinting_flag"),
]


def _raising(*args, **kwargs):
    raise TypeError("_layout() got an unexpected keyword argument 'flags'")


def _changed_signature(original):
    """``original`` as a new matplotlib would have it: its own callers still work, ours (written against the old
    signature) get a TypeError."""

    def call(*args, **kwargs):
        if sys._getframe(1).f_globals.get("__name__", "").startswith("nnlab."):
            _raising()
        return original(*args, **kwargs)

    return call


@pytest.fixture
def fresh_paths():
    """The glyph path decided anew in the test, and again after it (with matplotlib as it is); no kept glyphs
    (strings drawn earlier in the process would otherwise make no private call at all)."""
    from nnlab.render.glyphs import GLYPHS

    GLYPH_PATH.reset()
    GLYPHS.clear()
    yield
    GLYPH_PATH.reset()
    GLYPHS.clear()


def _ordinary(monkeypatch, state) -> tuple[np.ndarray, str]:
    """The picture and the status line drawn the ordinary way."""
    with monkeypatch.context() as m:
        m.setenv("NNLAB_SAFE_RENDER", "1")
        panel = ActivationsPanel(**state)
        return panel.image(), panel.status


STATE = {"scale": 1.7}


@pytest.mark.parametrize("owner, name", PRIVATE_CALLS, ids=[n for _, n in PRIVATE_CALLS])
@pytest.mark.parametrize("when", ["before first use", "after the self-check"])
def test_a_private_call_that_raises_leaves_the_right_picture_and_no_message(monkeypatch, fresh_paths, caplog, owner,
                                                                             name, when):  # fmt: skip
    expected, status = _ordinary(monkeypatch, STATE)
    if when == "after the self-check":
        assert GLYPH_PATH.on  # decided with matplotlib as it is: the fast path is in use ...
    monkeypatch.setattr(owner, name, _changed_signature(getattr(owner, name)))  # ... and then the private call breaks
    panel = ActivationsPanel()
    panel.set(**STATE)
    assert panel.error is None and panel.status == status  # the panel's own message, nothing about drawing
    assert np.array_equal(panel.image(), expected)
    assert not GLYPH_PATH.on
    assert [r for r in caplog.records if "glyph cache" in r.getMessage()] and len(
        [r for r in caplog.records if r.name == "nnlab.render"]
    ) == 1  # one log line


def test_a_missing_private_piece_turns_the_fast_path_off_before_any_draw(monkeypatch, fresh_paths, caplog):
    from nnlab.render import glyphs

    expected, _ = _ordinary(monkeypatch, STATE)
    for owner, name in PRIVATE_CALLS:
        with monkeypatch.context() as m:
            m.delattr(owner, name)  # (matplotlib's own drawing would miss it too: only the check runs here)
            assert not glyphs.has_private_pieces(), name
    monkeypatch.setattr(GLYPH_PATH, "_needs", lambda: False)  # a matplotlib without one of them
    panel = ActivationsPanel(**STATE)
    assert panel.error is None and np.array_equal(panel.image(), expected)
    assert "lacks the private pieces" in GLYPH_PATH.reason


def test_a_fast_path_that_draws_other_pixels_is_refused_by_its_self_check(monkeypatch, fresh_paths):
    from nnlab.render import glyphs

    real = glyphs.GlyphCache._draw_glyphs

    def shifted(self, renderer, gc, x, y, angle, items, flags):
        real(self, renderer, gc, x + 1, y, angle, items, flags)  # one pixel off: still runs, other pixels

    monkeypatch.setattr(glyphs.GlyphCache, "_draw_glyphs", shifted)
    monkeypatch.setattr(glyphs, "GLYPHS", glyphs.GlyphCache())
    assert not GLYPH_PATH.on and "self-check" in GLYPH_PATH.reason


def test_safe_render_turns_every_fast_path_off_and_draws_the_same(monkeypatch, fresh_paths):
    from nnlab.render.frames import FRAME_PATH

    fast = LossesPanel().image()
    monkeypatch.setenv("NNLAB_SAFE_RENDER", "1")
    assert not GLYPH_PATH.on and not FRAME_PATH.on
    assert np.array_equal(LossesPanel().image(), fast)


def test_whole_frames_fall_back_to_ipympls_own_frames(monkeypatch):
    from nnlab.render import frames

    figure = matplotlib.figure.Figure(figsize=(2, 1.5), dpi=100)
    figure.add_subplot().plot([0, 1])
    canvas = frames.live_canvas(figure, threading.RLock())
    assert frames.FRAME_PATH.on
    monkeypatch.setattr(frames, "png_bytes", _raising)
    canvas.draw()  # sends a frame: ours raises inside, ipympl's is sent
    assert not frames.FRAME_PATH.on
    frames.FRAME_PATH.reset()


def test_one_lock_keeps_drawing_settings_and_pictures_across_threads():
    """Two panels drawn on two threads, many times: each picture always the same, rcParams as they were."""
    before = dict(matplotlib.rcParams)
    panels = [ActivationsPanel(), LossesPanel(slides=True)]
    expected = [p.image() for p in panels]
    wrong = []

    def draw(i):
        for _ in range(12):
            if not np.array_equal(panels[i].image(), expected[i]):
                wrong.append(i)

    threads = [threading.Thread(target=draw, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
    after = dict(matplotlib.rcParams)
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}


def test_every_panel_draws_right_when_the_glyph_cache_breaks(monkeypatch, fresh_paths):
    """The whole fleet, with FT2Font._layout raising for us as a changed signature would: each panel's default
    picture and status line are exactly those of the ordinary drawing."""
    from nnlab.topics import get_panel_class, load_all

    names = sorted(load_all())
    with monkeypatch.context() as m:
        m.setenv("NNLAB_SAFE_RENDER", "1")
        expected = {name: (p.image(), p.status) for name in names for p in [get_panel_class(name)()]}
    assert GLYPH_PATH.on
    monkeypatch.setattr(ft2font.FT2Font, "_layout", _changed_signature(ft2font.FT2Font._layout))
    for name in names:
        panel = get_panel_class(name)()
        assert panel.error is None and panel.status == expected[name][1], name
        assert np.array_equal(panel.image(), expected[name][0]), name
    assert not GLYPH_PATH.on
