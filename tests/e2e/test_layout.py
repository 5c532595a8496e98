"""One screen: in every lecture notebook, at 1440 x 900 with JupyterLab's file browser open, each panel's figure,
its presets and actions (play, pause, step where there are any) and its status line are on screen together once
the panel is scrolled to the top of the notebook's view. Measured from the bounding boxes in Chromium."""

from __future__ import annotations

import pytest

from tests.e2e.test_browser import NOTEBOOKS, run_all

PARTS = {"figure": ".jupyter-matplotlib-canvas-div canvas", "presets": ".nnlab-presets", "status": ".nnlab-status"}
WITH_PANELS = [name for name in NOTEBOOKS if name != "00_index.ipynb"]


@pytest.fixture
def laptop(chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", WITH_PANELS)
def test_figure_presets_and_status_fit_one_laptop_screen(lab, laptop, name):
    page = laptop
    panels = run_all(page, lab, name)
    assert page.locator(".jp-FileBrowser").first.is_visible()  # the file browser is open, as a student has it
    notebook = page.locator(".jp-NotebookPanel:visible .jp-WindowedPanel-outer").first.bounding_box()
    view_top, view_bottom = notebook["y"], notebook["y"] + notebook["height"]
    for i in range(panels.count()):
        panel = panels.nth(i)
        panel.evaluate("(el) => el.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(1000)  # a resize report refits the figure
        for part, selector in PARTS.items():
            located = panel.locator(selector)
            if part == "presets" and located.count() == 0:
                continue  # a panel without presets or actions
            box = located.first.bounding_box()
            assert box is not None, (name, i, part)
            top, bottom = box["y"], box["y"] + box["height"]
            assert view_top - 1 <= top and bottom <= view_bottom + 1, (name, i, part, top, bottom, view_bottom)
