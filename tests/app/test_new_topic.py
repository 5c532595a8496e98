"""A new topic is one folder (and one notebook source): a tiny topic added at run time shows up wherever topics are
found, with no list to edit: the registry, the command line, and the tests that run for every panel by
registration (every-panel checks, image baselines, the projector check, the fuzz suite), the notebook build and the
live browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PANEL = '''
from nnlab.app.base import Control, Panel
from nnlab.topics.tiny import draw


class TinyPanel(Panel, name="tiny"):
    """y = a x on [0, 1]."""

    title = "A tiny topic"
    defaults = {"a": 1.0}
    controls = (Control("a", "slope a", "float", -2.0, 2.0),)
    presets = {"steep": {"a": 2.0}}

    def compute(self, state):
        return state["a"]

    def draw(self, figure, result, state):
        return draw.line(figure)

    def update(self, line, result, state):
        draw.update_line(line, result)
'''
DRAW = """
import numpy as np


def line(figure):
    ax = figure.add_subplot()
    ax.set_ylim(-2.1, 2.1)
    return ax.plot([], [])[0]


def update_line(line, a):
    x = np.linspace(0, 1, 11)
    line.set_data(x, a * x)
"""


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    folder = tmp_path / "topics"
    (folder / "tiny").mkdir(parents=True)
    (folder / "tiny" / "__init__.py").write_text("")
    (folder / "tiny" / "panel.py").write_text(PANEL)
    (folder / "tiny" / "draw.py").write_text(DRAW)
    import nnlab.topics

    monkeypatch.setattr(nnlab.topics, "__path__", [*nnlab.topics.__path__, str(folder)])
    yield folder
    from nnlab.app.base import PANELS

    PANELS.pop("tiny", None)
    for name in [m for m in sys.modules if m.startswith("nnlab.topics.tiny")]:
        del sys.modules[name]


def test_the_registry_and_the_command_line_find_a_new_topic(tiny, tmp_path):
    from nnlab.__main__ import main
    from nnlab.topics import get_panel_class, load_all

    assert "tiny" in load_all() and get_panel_class("tiny")().state == {"a": 1.0, "slides": False}
    out = tmp_path / "tiny.png"
    assert main(["export", "tiny", "--preset", "steep", "-o", str(out)]) == 0 and out.stat().st_size > 1000


def test_the_tests_for_every_panel_collect_a_new_topic(tiny):
    files = ["tests/app/test_every_panel.py", "tests/app/test_baselines.py", "tests/app/test_projector.py",
             "tests/fuzz/test_fuzz_panels.py"]  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n", "0",
                           *files], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NNLAB_EXTRA_TOPICS": str(tiny)})  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    collected = [line for line in done.stdout.splitlines() if "tiny" in line]
    for file in files:
        assert any(line.startswith(file) for line in collected), f"{file} does not collect the new topic"


SOURCE = """# %% [markdown]
# # A tiny topic

# %% nnlab={"panel": "tiny", "sweep": {"preset": ["steep"]}}
from nnlab.topics.tiny.panel import TinyPanel

panel = TinyPanel()
panel
"""


def test_the_notebook_build_and_the_live_browser_tests_find_a_new_topics_notebook(tiny, tmp_path):
    """One notebook source more: the build writes it (no list to edit), its metadata maps the panel to it, and the
    live browser tests collect the new panel from that map."""
    sys.path.insert(0, str(ROOT / "notebooks"))
    try:
        import build
    finally:
        sys.path.remove(str(ROOT / "notebooks"))
    from nnlab.export import topic_notebooks

    sources, notebooks = tmp_path / "src", tmp_path / "notebooks"
    sources.mkdir()
    notebooks.mkdir()
    (sources / "99_tiny.py").write_text(SOURCE)
    assert [p.name for p in build.build(sources, notebooks)] == ["99_tiny.ipynb"]
    assert topic_notebooks(notebooks) == {"tiny": "99_tiny.ipynb"}
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n", "0",
                           "tests/e2e/test_live.py"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NNLAB_EXTRA_TOPICS": str(tiny),
                               "NNLAB_EXTRA_NOTEBOOKS": str(notebooks)})  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (
        "tests/e2e/test_live.py::test_fast_preset_clicks_end_in_the_last_presets_state_and_picture[tiny]" in done.stdout
    )
