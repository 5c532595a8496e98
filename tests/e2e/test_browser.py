"""Every notebook in a real browser: run all cells, move a control of every panel, see the figure change."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Server, free_port, notebook_copy

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))

# A hash of the ipympl image layer (the first canvas of the figure), computed in the page.
CANVAS_HASH = """(panel) => {
  const canvas = panel.querySelector('.jupyter-matplotlib-canvas-div canvas');
  if (!canvas || canvas.width === 0) return null;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let hash = 0;
  for (let i = 0; i < data.length; i += 5) hash = (hash * 31 + data[i]) | 0;
  return hash;
}"""


# Voila's template links Font Awesome from jsDelivr; this machine has no internet, so these two fail to
# load (on Binder or any connected machine they load; offline only some icons are missing). Nothing else may.
OFFLINE_ONLY = (
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/v4-shims.min.css",
)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.console_errors, page.failed_requests = [], []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: page.failed_requests.append(r.url))
    yield page
    context.close()


def console_errors(page) -> list[str]:
    """Console errors, less the 'failed to load' lines of the requests in OFFLINE_ONLY."""
    offline = [u for u in page.failed_requests if u in OFFLINE_ONLY]
    unexpected = [u for u in page.failed_requests if u not in OFFLINE_ONLY]
    errors = list(page.console_errors)
    for _ in offline:
        if "Failed to load resource: net::ERR_NAME_NOT_RESOLVED" in errors:
            errors.remove("Failed to load resource: net::ERR_NAME_NOT_RESOLVED")
    return errors + [f"request failed: {u}" for u in unexpected]


def move_first_slider_and_see_the_figure_change(page, panel) -> None:
    """Wait for the panel's figure, press ArrowRight on its first slider, wait until the figure's pixels differ."""
    # The browser asks for the first picture once the widget is set up; that can come after "Run All" ends.
    page.wait_for_function(f"(panel) => ({CANVAS_HASH})(panel) !== null", arg=panel.element_handle(),
                           timeout=60_000)  # fmt: skip
    before = panel.evaluate(CANVAS_HASH)
    handle = panel.locator(".widget-slider .noUi-handle, .widget-slider .ui-slider-handle").first
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(f"([panel, before]) => ({CANVAS_HASH})(panel) !== before", arg=[panel.element_handle(),
                           before], timeout=30_000)  # fmt: skip


def assert_no_errors_in_outputs(page) -> None:
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert stderr.count() == 0, stderr.all_inner_texts()
    outputs = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "Traceback" not in outputs and "Error" not in outputs
    warnings = [t for t in page.locator(".widget-html").all_inner_texts() if "\u26a0" in t]
    assert not warnings, warnings  # a panel's status line shows an error


def run_all(page, lab, name: str):
    """Open notebook ``name`` in a fresh workspace, run all cells, wait for every panel's first picture; the panels."""
    # A workspace of its own, reset, so that no tab of an earlier test is restored (and made active).
    page.goto(f"{lab.url}/lab/workspaces/{Path(name).stem}/tree/{name}?token={lab.token}&reset")
    page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # Done when every code cell has an execution count (no "[*]" or "[ ]" left).
    page.wait_for_function(
        """() => { const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                   return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)); }""",
        timeout=120_000,
    )
    panels = page.locator(".jp-OutputArea-output:has(.jupyter-matplotlib)")
    expected = sum("Panel()" in line for line in (ROOT / "notebooks" / name).read_text().splitlines())
    if expected:
        panels.first.wait_for(timeout=30_000)
    assert panels.count() == expected
    for i in range(expected):  # the browser asks for the first picture once the widget is set up
        page.wait_for_function(f"(panel) => ({CANVAS_HASH})(panel) !== null", arg=panels.nth(i).element_handle(),
                               timeout=60_000)  # fmt: skip
    return panels


PARTS = {"figure": ".jupyter-matplotlib-canvas-div canvas", "presets": ".nnlab-presets", "status": ".nnlab-status"}


def assert_one_screen(page, panels, name: str) -> None:
    """One screen (#36): with JupyterLab's file browser open, each panel scrolled to the top of the notebook's view
    has its figure, its presets and actions (play, pause, step where there are any) and its status line within
    the view, together. Measured from the bounding boxes."""
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


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_in_jupyterlab(lab, page, name):
    panels = run_all(page, lab, name)
    for i in range(panels.count()):
        move_first_slider_and_see_the_figure_change(page, panels.nth(i))
        box, area = panels.nth(i).locator(".jupyter-matplotlib-canvas-div canvas").first.bounding_box(), None
        area = panels.nth(i).bounding_box()
        assert box["x"] >= area["x"] - 1 and box["x"] + box["width"] <= area["x"] + area["width"] + 1  # it fits
    assert_no_errors_in_outputs(page)
    assert console_errors(page) == []
    if panels.count():  # the same notebook on a laptop's screen (one run of the notebook for both checks)
        page.set_viewport_size({"width": 1440, "height": 900})
        assert_one_screen(page, panels, name)


@pytest.fixture
def voila(tmp_path, chromium):
    root = notebook_copy(tmp_path)
    port = free_port()
    cmd = [sys.executable, "-m", "voila", str(root / "10_optimizers.ipynb"), "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--Voila.open_browser=False"]  # fmt: skip
    server = Server(cmd, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/", tmp_path / "voila.log", root)
    yield server
    server.stop()


# Voila 0.5.13 fails to load anywidget's federated front end when the page loads (upstream incompatibility;
# the panels do not create their width probe under Voila, so nothing of nnlab depends on it).
VOILA_ANYWIDGET = "The getter for the shared module is not a function"


def test_optimizers_notebook_as_a_voila_app(voila, page):
    page.goto(voila.url)
    panel = page.locator(".jp-OutputArea-output:has(.jupyter-matplotlib)").first
    panel.wait_for(timeout=90_000)
    move_first_slider_and_see_the_figure_change(page, panel)
    assert "Traceback" not in page.content()
    assert [e for e in console_errors(page) if VOILA_ANYWIDGET not in e] == []


def test_server_logs_are_outside_the_notebooks(lab):
    assert not any(Path(p).suffix == ".log" for p in (Path(lab.log).parent / "notebooks").iterdir())


@contextmanager
def offline_page(chromium, page_file: Path, width: int, height: int) -> Iterator[tuple[object, list, list]]:
    """A page in a context that refuses every request but ``page_file`` itself; yields it with the lists of the
    requests refused and of the console errors."""
    context = chromium.new_context(viewport={"width": width, "height": height})
    asked, errors = [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url == page_file.as_uri()
                  else (asked.append(route.request.url), route.abort()))  # fmt: skip
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page, asked, errors
    finally:
        context.close()


def test_a_sweep_page_works_from_disk_with_the_network_blocked(chromium, tmp_path):
    """``nnlab export --sweep``: opened from a file with every request but the page itself refused, its slider
    and buttons flip between the precomputed pictures, and nothing is fetched."""
    from nnlab.__main__ import main

    page_file = tmp_path / "svm.html"
    assert main(["export", "losses", "--sweep", "score_car=0,3,6", "--sweep", 'hinge=["hinge", "squared hinge"]',
                 "-o", str(page_file)]) == 0  # fmt: skip
    with offline_page(chromium, page_file, 1100, 800) as (page, asked, errors):
        page.goto(page_file.as_uri())
        picture = page.locator("#picture")
        shown = lambda: (picture.get_attribute("data-index"), picture.get_attribute("src"))  # noqa: E731
        first = shown()
        assert first[0] == "0" and first[1].startswith("data:image/png;base64,")
        slider = page.get_by_label("score_car")
        slider.focus()
        slider.press("ArrowRight")  # score_car 0 -> 3: picture 2 (hinge varies fastest)
        moved = shown()
        assert moved[0] == "2" and moved[1] != first[1]
        page.get_by_role("button", name="squared hinge").click()
        assert shown()[0] == "3" and shown()[1] != moved[1]
        assert page.evaluate("document.getElementById('picture').naturalWidth") > 0  # the picture decoded
        assert asked == [] and errors == []
        page.screenshot(path=str(tmp_path / "sweep.png"))


def test_an_exported_animation_plays_steps_and_changes_speed_from_disk_in_the_same_player(chromium, tmp_path):
    """``save_animation(....html)``: the sweep pages' player over one key, the frame: step, play to the end."""
    from nnlab.topics.trajectories.panel import TrajectoriesPanel

    page_file = TrajectoriesPanel(steps=30).save_animation(tmp_path / "paths.html", frames=4, size=(320, 240))
    with offline_page(chromium, page_file, 800, 600) as (page, asked, errors):
        page.goto(page_file.as_uri())
        picture = page.locator("#picture")
        assert picture.get_attribute("data-index") == "0"
        page.get_by_role("button", name="next frame").click()
        assert picture.get_attribute("data-index") == "1"
        page.get_by_role("button", name="previous frame").click()
        assert picture.get_attribute("data-index") == "0"
        page.get_by_label("speed").select_option("4")
        page.get_by_role("button", name="play frame").click()
        page.wait_for_function("() => document.getElementById('picture').dataset.index === '3'", timeout=10_000)
        assert page.get_by_role("button", name="play frame").text_content() == "play"  # it stopped at the end
        assert asked == [] and errors == []


def test_a_notebook_page_plays_its_panel_from_disk_with_the_network_blocked(chromium, tmp_path):
    """``nnlab export --notebook``: the lecture's text with the panel's page inside; its play button steps the
    picture through the swept frames, and nothing is fetched."""
    from nnlab.__main__ import main

    page_file = tmp_path / "optimizers.html"
    assert main(["export", "--notebook", "10_optimizers", "--sweep", "frame=[0,100,200]", "-o", str(page_file)]) == 0
    with offline_page(chromium, page_file, 1280, 900) as (page, asked, errors):
        page.goto(page_file.as_uri())
        assert page.get_by_role("heading", name="Optimizers").first.is_visible()  # the notebook's text
        panel = page.frame_locator("iframe.nnlab-sweep")
        picture = panel.locator("#picture")
        first = picture.get_attribute("src")
        assert picture.get_attribute("data-index") == "0"
        panel.get_by_role("button", name="play frame").click()
        page.wait_for_function(
            "() => document.querySelector('iframe.nnlab-sweep').contentDocument"
            ".getElementById('picture').dataset.index === '2'",
            timeout=10_000,
        )
        assert picture.get_attribute("src") != first
        assert panel.get_by_role("slider", name="frame").input_value() == "2"
        assert panel.get_by_role("button", name="play frame").text_content() == "play"  # it stopped at the end
        assert asked == [] and errors == []
        page.screenshot(path=str(tmp_path / "notebook_page.png"), full_page=True)
