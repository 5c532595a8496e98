"""Screenshots of notebooks as a learner sees them: JupyterLab in Chromium, every cell run, each panel in view.

    python bench/screenshot.py 08_training                 # 1440x900, into /tmp/nnlab-shots
    python bench/screenshot.py 01_activations 10_optimizers --size 1280x720 --out shots

Writes ``<notebook>-<i>.png`` for panel ``i`` (the panel scrolled to the top of the notebook's view) and prints
each panel's height and where its figure, presets and status line lie in the window. Needs Debian's chromium and
the test extra; the server listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_lab  # noqa: E402
from tests.e2e.test_browser import run_all  # noqa: E402

PARTS = {"figure": ".jupyter-matplotlib-canvas-div canvas", "presets": ".nnlab-presets", "status": ".nnlab-status"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", help="notebook names without .ipynb (01_activations, ...)")
    parser.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT (default 1440x900)")
    parser.add_argument("--out", default="/tmp/nnlab-shots", help="folder for the PNG files")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        lab = start_lab(sys.executable, Path(tmp))
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name in args.notebooks:
                page = browser.new_page(viewport={"width": width, "height": height})
                panels = run_all(page, lab, f"{name}.ipynb")
                for i in range(panels.count()):
                    panel = panels.nth(i)
                    panel.evaluate("(el) => el.scrollIntoView({block: 'start'})")
                    page.wait_for_timeout(800)
                    shot = out / f"{name}-{i}.png"
                    page.screenshot(path=str(shot))
                    where = {}
                    for part, selector in PARTS.items():
                        box = panel.locator(selector).first.bounding_box() if panel.locator(selector).count() else None
                        where[part] = "absent" if box is None else f"y {box['y']:.0f}-{box['y'] + box['height']:.0f}"
                    size = panel.bounding_box()
                    parts = ", ".join(f"{k} {v}" for k, v in where.items())
                    print(f"{shot}: panel {size['height']:.0f} px tall; {parts}")
                page.close()
        finally:
            browser.close()
            lab.stop()


if __name__ == "__main__":
    main()
