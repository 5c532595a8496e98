"""Live in the browser: fast preset clicks end in exactly the last preset's state and picture, and the figure fits
its output area. The kernel's state and a headless render of it are read back through a cell typed at the end."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest

from nnlab.export import topic_notebooks
from tests.e2e.test_browser import console_errors, run_all

ROOT = Path(__file__).resolve().parents[2]

# A coarse signature of an RGB image: the mean of every 10 x 10 block, in the page and in the kernel alike.
CANVAS_SIGNATURE = """(panel) => {
  const canvas = panel.querySelector('.jupyter-matplotlib-canvas-div canvas');
  const w = canvas.width, h = canvas.height, data = canvas.getContext('2d').getImageData(0, 0, w, h).data;
  const rows = Math.floor(h / 10), cols = Math.floor(w / 10), sig = [];
  for (let r = 0; r < rows; r++) { const row = [];
    for (let c = 0; c < cols; c++) { let s = 0;
      for (let y = r * 10; y < r * 10 + 10; y++) for (let x = c * 10; x < c * 10 + 10; x++) {
        const i = 4 * (y * w + x); s += data[i] + data[i + 1] + data[i + 2]; }
      row.push(s / 300); }
    sig.push(row); }
  const box = canvas.getBoundingClientRect(), area = panel.getBoundingClientRect();
  return {h, w, sig, inside: box.left >= area.left - 1 && box.right <= area.right + 1};
}"""

READ_BACK = (
    "import json\n"
    "fresh = type(panel)(**panel.state)\n"
    "fresh._fig.figsize = tuple(panel.figure.get_size_inches())\n"
    "fresh._layout = None\n"
    "fresh._render(fresh._state)\n"
    "img = fresh.image()[:, :, :3].astype(float)\n"
    "h, w = img.shape[0] // 10 * 10, img.shape[1] // 10 * 10\n"
    "sig = img[:h, :w].reshape(h // 10, 10, w // 10, 10, 3).mean(axis=(1, 3, 4))\n"
    "print('RESULT' + json.dumps([panel.state, img.shape[0], img.shape[1], sig.tolist()]))\n"
)

# panel -> its lecture notebook, from the notebooks' own metadata: a new topic's notebook is found by registration
# (NNLAB_EXTRA_NOTEBOOKS: a folder of more notebooks, as tests/app/test_new_topic.py adds a topic at run time)
NOTEBOOK_OF = {**topic_notebooks(ROOT / "notebooks"), **topic_notebooks(os.environ.get("NNLAB_EXTRA_NOTEBOOKS", "-"))}


def clicks(name: str) -> list[str]:
    """Six of the panel's presets in a random (seeded) order (every preset is applied headless by
    tests/app/test_every_panel.py; six fast clicks are what this test needs, in under half the time of all 17);
    for the optimizer panel, the issue's own sequence."""
    from nnlab.topics import get_panel_class

    if name == "trajectories":
        return ["long valley", "saddle point", "noisy bowl: momentum smooths", "long valley", "Beale's function + Adam"]
    presets = list(get_panel_class(name).presets)
    random.Random(name).shuffle(presets)
    return presets[:6]


@pytest.fixture
def page(chromium):
    """A page at 1440 x 900 (JupyterLab's default sidebar open, as a new user sees it) that records console errors;
    its browser context is closed after the test."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.console_errors, page.failed_requests = [], []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def read_back(page) -> tuple[dict, int, int, list]:
    """Type READ_BACK into a new last cell, run it, and parse what it prints."""
    outputs = page.locator(".jp-OutputArea-output", has_text=re.compile("RESULT"))  # a string would match "result"
    earlier = outputs.count()  # an earlier read-back's output stays on the page: wait for one more
    page.locator(".jp-Notebook .jp-Cell").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(READ_BACK)
    page.keyboard.press("Shift+Enter")
    outputs.nth(earlier).wait_for(timeout=60_000)  # the new cell is the last: its output comes after the others
    # textContent, not innerText: JupyterLab skips rendering cells out of view, whose innerText is then empty
    return json.loads(outputs.nth(earlier).text_content().split("RESULT", 1)[1])


@pytest.mark.parametrize("name", sorted(NOTEBOOK_OF))
def test_fast_preset_clicks_end_in_the_last_presets_state_and_picture(lab, page, name):
    from nnlab.topics import get_panel_class

    panel = run_all(page, lab, NOTEBOOK_OF[name]).first
    sequence = clicks(name)
    for preset in sequence:  # as fast as the test can click
        panel.get_by_role("button", name=preset, exact=True).click()
    page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # late echoes from the browser, if any, arrive now
    state, h, w, expected = read_back(page)
    fresh = get_panel_class(name)()
    for preset in sequence:  # the same clicks, headless
        fresh.apply_preset(preset)
    assert {k: v for k, v in state.items() if k != "slides"} == {k: v for k, v in fresh.state.items() if k != "slides"}
    shown = panel.evaluate(CANVAS_SIGNATURE)
    assert (shown["h"], shown["w"]) == (h, w) and shown["inside"], (shown["h"], shown["w"], h, w)
    diff = [abs(a - b) for ra, rb in zip(shown["sig"], expected) for a, b in zip(ra, rb)]
    assert max(diff) < 25 and sum(diff) / len(diff) < 1.0, (max(diff), sum(diff) / len(diff))
    assert console_errors(page) == []
    panel.screenshot(path=str(Path(lab.log).parent / f"fast_clicks_{name}.png"))


def test_the_training_panel_plays_pauses_steps_and_takes_a_drawn_point(lab, page):
    """Play: the picture changes frame after frame (the count over 5 s is printed, not asserted); pause: it
    stops; step: one more frame; a click on the regions adds a training point of the chosen class and starts
    the run over."""
    from tests.e2e.test_browser import CANVAS_HASH

    panel = run_all(page, lab, NOTEBOOK_OF["training"]).first
    hash_now = lambda: panel.evaluate(CANVAS_HASH)  # noqa: E731
    panel.get_by_role("button", name="play", exact=True).click()
    seen, last, changes = 0, hash_now(), 0
    while seen < 100:  # 5 s in steps of 50 ms
        page.wait_for_timeout(50)
        now = hash_now()
        changes, last, seen = changes + (now != last), now, seen + 1
    print(f"training panel while playing: {changes} picture changes in 5 s")
    assert changes >= 3
    panel.get_by_role("button", name="pause", exact=True).click()
    page.wait_for_timeout(1500)
    paused = hash_now()
    page.wait_for_timeout(1500)
    assert hash_now() == paused  # nothing is queued behind the pause
    panel.get_by_role("button", name="step", exact=True).click()
    page.wait_for_function(f"([panel, before]) => ({CANVAS_HASH})(panel) !== before",
                           arg=[panel.element_handle(), paused], timeout=30_000)  # fmt: skip
    stepped = hash_now()
    box = panel.locator(".jupyter-matplotlib-canvas-div canvas").first.bounding_box()
    page.mouse.click(box["x"] + 0.25 * box["width"], box["y"] + 0.5 * box["height"])  # inside the regions
    page.wait_for_function(f"([panel, before]) => ({CANVAS_HASH})(panel) !== before",
                           arg=[panel.element_handle(), stepped], timeout=30_000)  # fmt: skip
    page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)
    state, *_ = read_back(page)
    assert len(state["drawn"]) == 1 and state["drawn"][0][2] == 0 and state["iteration"] == 0
    assert console_errors(page) == []
    panel.screenshot(path=str(Path(lab.log).parent / "training_played.png"))


def test_a_search_starts_shows_trials_as_they_finish_and_stops(lab, page):
    """*run search*: the picture changes trial after trial; *stop*: it stops between two trials, and the kernel's
    state says how many are done; *run search* again goes on from there."""
    from tests.e2e.test_browser import CANVAS_HASH

    panel = run_all(page, lab, NOTEBOOK_OF["search"]).first
    hash_now = lambda: panel.evaluate(CANVAS_HASH)  # noqa: E731

    def wait_for_changes(count: int) -> None:
        for _ in range(count):
            before = hash_now()
            page.wait_for_function(f"([panel, before]) => ({CANVAS_HASH})(panel) !== before",
                                   arg=[panel.element_handle(), before], timeout=30_000)  # fmt: skip

    panel.get_by_role("button", name="run search", exact=True).click()
    wait_for_changes(3)
    panel.get_by_role("button", name="stop", exact=True).click()
    page.wait_for_timeout(1000)
    state, *_ = read_back(page)
    assert state["view"] == "search" and 2 <= state["done"] < state["trials"], state["done"]
    page.wait_for_timeout(2000)
    # nothing runs behind the stop: no more trials in the kernel (the canvas may still be redrawn: a longer
    # status line or the read-back's output can change the figure's size)
    assert read_back(page)[0]["done"] == state["done"]
    panel.get_by_role("button", name="run search", exact=True).click()
    wait_for_changes(2)  # (a new output below may resize the figure: these two may be redraws)
    page.wait_for_timeout(2000)  # trials of a few tenths of a second: several more in 2 s
    panel.get_by_role("button", name="stop", exact=True).click()
    page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)
    again, *_ = read_back(page)
    assert again["done"] > state["done"]
    assert console_errors(page) == []
    panel.screenshot(path=str(Path(lab.log).parent / "search_stopped.png"))
