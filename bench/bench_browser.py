"""Slider -> picture latency in the browser: JupyterLab in Chromium, every panel's main slider.

    python bench/bench_browser.py               # quiet machine
    python bench/bench_browser.py --contended   # with one CPU-bound process running beside it
    python bench/bench_browser.py 03_initialization 06_regularization   # only these notebooks

For each panel: run its notebook, then press an arrow key on its main slider ``--steps`` times (always one way,
so that every step is a new value) and time each from the key press to the canvas's pixels changing (polled every
animation frame). Prints the median and the maximum per panel. Needs Debian's chromium and the test
extra; the server listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_lab  # noqa: E402
from tests.e2e.test_browser import CANVAS_HASH, run_all  # noqa: E402

# notebook -> the label of its panel's main slider, and the key that moves it to new values within its range
MAIN_SLIDER = {
    "01_activations.ipynb": ("x from -x_max to x_max", "ArrowRight"),
    "02_preprocessing.ipynb": ("correlation", "ArrowLeft"),
    "03_initialization.ipynb": ("std / a / gain", "ArrowLeft"),
    "04_batchnorm.ipynb": ("gamma", "ArrowRight"),
    "05_dropout.ipynb": ("keep p (drop 1 - p)", "ArrowRight"),
    "06_regularization.ipynb": ("seed", "ArrowRight"),  # its other sliders update on release
    "07_losses.ipynb": ("car score", "ArrowRight"),
    "08_training.ipynb": ("noise", "ArrowRight"),  # at step 0 the learning rate changes no pixel
    "09_search.ipynb": ("problem", "ArrowRight"),  # 0 to 9: nine steps at most
    "10_optimizers.ipynb": ("gradient noise", "ArrowRight"),
}


STEPS_AT_MOST = {"09_search.ipynb": 9}  # sliders with fewer new values than --steps


def latencies(page, panel, label: str, key: str, steps: int) -> list[float]:
    """Every step a new value (so no cached result answers it)."""
    slider = panel.locator(".widget-slider", has=page.locator(".widget-label", has_text=label)).first
    handle = slider.locator(".noUi-handle, .ui-slider-handle").first
    handle.focus()
    times = []
    for _ in range(steps):
        before = panel.evaluate(CANVAS_HASH)
        start = time.perf_counter()
        handle.press(key)
        page.wait_for_function(f"([p, b]) => ({CANVAS_HASH})(p) !== b", arg=[panel.element_handle(), before],
                               polling="raf", timeout=60_000)  # fmt: skip
        times.append(time.perf_counter() - start)
        page.wait_for_timeout(150)  # let the kernel go idle between changes
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contended", action="store_true", help="run one CPU-bound process beside the lab")
    parser.add_argument("--steps", type=int, default=10, help="slider steps per panel (default 10)")
    parser.add_argument("only", nargs="*", help="measure only these notebooks (03_initialization, ...); default all")
    args = parser.parse_args()
    chosen = {nb: slider for nb, slider in MAIN_SLIDER.items() if not args.only or Path(nb).stem in args.only}
    if not chosen:
        parser.error(f"no such notebook; choose from: {', '.join(Path(nb).stem for nb in MAIN_SLIDER)}")
    from playwright.sync_api import sync_playwright

    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.contended else None
    lab = start_lab(sys.executable, Path(tempfile.mkdtemp()))
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            for notebook, (label, key) in chosen.items():
                print("measuring", notebook, flush=True)
                panel = run_all(page, lab, notebook).first
                times = latencies(page, panel, label, key, min(args.steps, STEPS_AT_MOST.get(notebook, args.steps)))
                rows.append((notebook, label, statistics.median(times) * 1e3, max(times) * 1e3))
            browser.close()
    finally:
        lab.stop()
        if hog is not None:
            hog.kill()
    print(f"slider -> canvas pixels, {'one CPU-bound process beside it' if args.contended else 'quiet machine'}, "
          f"{args.steps} steps each")  # fmt: skip
    for notebook, label, median, worst in rows:
        print(f"  {notebook:26s} {label:22s} median {median:5.0f} ms   max {worst:5.0f} ms")


if __name__ == "__main__":
    main()
