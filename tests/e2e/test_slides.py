"""Live widgets inside a RISE slideshow, with the ``slides`` extra (ipywidgets 7.8.5 + jupyterlab-rise).

With ipywidgets 8 the widgets do not render inside RISE (jupyterlab-contrib/rise#119); the
``slides`` extra pins 7.8.5. This test installs ``nnlab[slides]`` in a fresh virtual
environment (about a minute), serves JupyterLab from it, opens the optimizers notebook as a
slideshow at ``/rise/<notebook>`` at 1280x720 and 1920x1080, goes to the panel's own slide,
runs its cell in place (Ctrl+Enter; Shift+Enter would move to the next slide), checks that the
figure and the presets lie on the slide, drags a slider with the mouse as a presenter would,
and waits for the figure's pixels to change; then presses an arrow key on the focused slider,
which moves the slider and leaves the slide where it is. The console must stay clean and nothing may be
fetched from outside the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, start_lab
from tests.e2e.test_browser import CANVAS_HASH


@pytest.fixture(scope="module")
def slides_lab(tmp_path_factory, chromium):
    tmp = tmp_path_factory.mktemp("slides")
    env = tmp / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    install = subprocess.run([python, "-m", "pip", "install", "-q", "-e", f"{ROOT}[slides]"], capture_output=True,
                             text=True)  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    versions = subprocess.run([python, "-c", "import ipywidgets, jupyterlab_rise; print(ipywidgets.__version__)"],
                              capture_output=True, text=True)  # fmt: skip
    assert versions.stdout.strip() == "7.8.5", versions.stderr
    server = start_lab(python, tmp, own_matplotlib_cache=True, serve_above=True)
    yield server
    server.stop()


WIDGETS_UNDER_7 = """
import ipywidgets
from nnlab.topics import get_panel_class, load_all

assert ipywidgets.__version__ == "7.8.5"
light = {"initialization": {"width": 64}, "trajectories": {"steps": 30}, "dropout": {"epochs": 20}}
for name in load_all():
    panel = get_panel_class(name)(**light.get(name, {}))
    panel.widget()
    for control in panel._controls:
        widget = next((w for c, w in panel.ui.widgets.get(control.name, []) if c == control), None)  # the slider
        if widget is not None and control.kind in ("int", "float", "log") and panel.shows_control(control, panel.state):
            top = widget.options[-1][1]  # a slider over a list of values: the largest
            widget.value = top
            assert panel.state[control.name] == top, (name, control.name)
            break
    assert panel.error is None, (name, panel.error)
    print("ok", name)
"""


def test_every_panel_builds_and_drives_its_widgets_under_ipywidgets_7(slides_lab):
    python = Path(slides_lab.log).parent / "env" / "bin" / "python"
    env = {**os.environ, "MPLCONFIGDIR": str(Path(slides_lab.log).parent / "mplconfig")}
    result = subprocess.run([python, "-c", WIDGETS_UNDER_7], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    from nnlab.topics import load_all

    assert result.stdout.count("ok ") == len(load_all())


@pytest.mark.parametrize("viewport", [(1280, 720), (1920, 1080)])
def test_a_panel_is_live_inside_the_slideshow_and_its_figure_fits_the_slide(slides_lab, chromium, viewport):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    width, height = viewport
    page = chromium.new_page(viewport={"width": width, "height": height})
    errors, failed = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: None if r.url.startswith(slides_lab.url) else failed.append(r.url))
    try:
        page.goto(f"{slides_lab.url}/rise/notebooks/10_optimizers.ipynb?token={slides_lab.token}")
        cell = page.locator(".jp-CodeCell").first
        cell.wait_for(state="attached", timeout=60_000)
        # The panel's cell is a slide of its own below the title slide: go there as a clicker would.
        page.wait_for_function("() => location.hash.includes('slide-0-0')", timeout=60_000)  # the title slide
        page.wait_for_timeout(2000)
        # One key at a time: wait for the slide to change (a key pressed before the slideshow is ready is dropped,
        # and pressing again too early overshoots).
        for _ in range(8):
            where = page.evaluate("() => location.hash")
            if "slide-0-1" in where:
                break
            page.keyboard.press("PageDown")
            try:
                page.wait_for_function(f"() => location.hash !== {json.dumps(where)}", timeout=5_000)
            except PlaywrightTimeout:
                continue
        assert "slide-0-1" in page.evaluate("() => location.hash")
        # Run in place (the panel appears on this slide). A keystroke sent before the slideshow's kernel
        # is ready is dropped, so press again until the prompt shows the cell running ([*]) or run ([1]).
        started = "() => /\\[(\\*|\\d+)\\]/.test(document.querySelector('.jp-CodeCell .jp-InputPrompt').textContent)"
        for _ in range(6):
            cell.click(force=True)
            page.keyboard.press("Control+Enter")
            try:
                page.wait_for_function(started, timeout=15_000)
                break
            except PlaywrightTimeout:
                continue
        panel = page.locator(".jp-OutputArea-output:has(.jupyter-matplotlib)").first
        panel.wait_for(timeout=90_000)
        page.wait_for_function(f"(panel) => ({CANVAS_HASH})(panel) !== null", arg=panel.element_handle(),
                               timeout=90_000)  # fmt: skip
        canvas = panel.locator(".jupyter-matplotlib-canvas-div canvas").first.bounding_box()
        assert canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= width, canvas  # the figure lies on the slide
        assert canvas["y"] >= 0 and canvas["y"] + canvas["height"] <= height, canvas
        presets = panel.get_by_role("button", name="saddle point", exact=True).bounding_box()
        assert presets["y"] + presets["height"] <= height, presets  # and so do the presets below it
        before = panel.evaluate(CANVAS_HASH)
        handle = panel.locator(".widget-slider .ui-slider-handle").first  # ipywidgets 7: jQuery UI sliders
        box = handle.bounding_box()
        assert box["y"] + box["height"] <= height, box  # a presenter can reach the first slider on the slide
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=5)
        page.mouse.up()
        page.wait_for_function(f"([panel, before]) => ({CANVAS_HASH})(panel) !== before",
                               arg=[panel.element_handle(), before], timeout=30_000)  # fmt: skip
        # Arrow keys on a focused slider move the slider, not the slideshow.
        before = panel.evaluate(CANVAS_HASH)
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"([panel, before]) => ({CANVAS_HASH})(panel) !== before",
                               arg=[panel.element_handle(), before], timeout=30_000)  # fmt: skip
        page.wait_for_timeout(1000)
        assert "slide-0-1" in page.evaluate("() => location.hash")
        assert "Traceback" not in panel.inner_text()
        # A clean console: no extension that fails to load, no font from the network, no missing style sheet, no
        # exception (jupyterlab-rise 0.43.1 recursed in its toolbar's design tokens; the slides extra pins 0.42.0).
        assert errors == [] and failed == [], (errors, failed)
        Path(slides_lab.log).parent.joinpath(f"slideshow_{width}.png").write_bytes(page.screenshot())
    finally:
        page.close()
