"""Slider -> picture latency in the browser: JupyterLab in Chromium, every panel's main slider.

    python bench/bench_browser.py               # quiet machine
    python bench/bench_browser.py --contended   # with one CPU-bound process running beside it
    python bench/bench_browser.py 03_initialization 06_regularization   # only these notebooks
    python bench/bench_browser.py --trace 01_activations   # and the kernel's own split of a step

For each panel: run its notebook, then press an arrow key on its main slider ``--steps`` times (always one way,
so that every step is a new value) and time each from the key press to the canvas's pixels changing. Prints the
median and the maximum per panel. Needs Debian's chromium and the test extra; the server listens on 127.0.0.1 and
is stopped at the end.

How the time is taken: a script in the page records the ``keydown`` event's time and every picture ipympl draws
on a panel's canvas (``drawImage``), stamped at the next animation frame (when the browser paints it), with a
SHA-1 of the canvas's pixels (the browser's native crypto, so that measuring takes little of the machine). A
step's latency is the first painted picture after the key press that differs from the picture before it. The
page is asked for these records every 50 ms; the times are the page's own, so the asking costs nothing measured.
Before the first step and after each, it waits until the kernel is idle and no picture has come for 0.3 s.
Until 2026-12-04 the picture was hashed in JavaScript (about 370,000 steps, ~100 ms of the page's CPU per
picture, taken from the kernel on two cores). ``--poll`` uses the method of the figures before 2026-12-04: hash
the whole canvas in JavaScript on every animation frame from the test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

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


STEPS_AT_MOST = {"06_regularization.ipynb": 9, "09_search.ipynb": 9}  # sliders with 10 values (0 to 9)
# Further views measured after the first, with the same slider: (the view's button, the key). The initialization
# explorer's target holds for every view; its main slider goes back up through values the activations view
# computed without the backward pass (so nothing is cached for a gradient view), then on to new ones.
MORE_VIEWS = {"03_initialization.ipynb": [("gradients dL/dW", "ArrowRight"), ("gradients dL/da", "ArrowRight")]}


# Runs in every page before its own scripts: key presses and painted canvas pictures, with the page's clock. A
# picture is identified by a SHA-1 of its pixels, computed natively (crypto.subtle) after the paint is stamped:
# hashing in JavaScript cost the page ~100 ms of CPU per picture on this machine, which the kernel then lacked.
RECORDER = """
window.__nnlab = {keys: [], draws: []};
document.addEventListener('keydown', () => window.__nnlab.keys.push(performance.now()), true);
window.__nnlab.digest = async (canvas) => {
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-1', pixels))).join(',');
};
const drawImage = CanvasRenderingContext2D.prototype.drawImage;
CanvasRenderingContext2D.prototype.drawImage = function (...args) {
  const result = drawImage.apply(this, args);
  const canvas = this.canvas;
  const div = canvas.isConnected && canvas.closest('.jupyter-matplotlib-canvas-div');
  if (div && div.querySelector('canvas') === canvas) {  // the picture, not the rubber-band layer above it
    requestAnimationFrame(() => {
      const painted = performance.now();
      window.__nnlab.digest(canvas).then(hash => window.__nnlab.draws.push({panel: div, painted, hash}));
    });
  }
  return result;
};
"""
PICTURE = "(div) => window.__nnlab.digest(div.querySelector('canvas'))"  # the picture on the canvas now

LATENCY = """([div, before, nDraws]) => {
  const draws = window.__nnlab.draws.slice(nDraws).filter(d => d.panel === div && d.hash !== before);
  return draws.length ? Math.min(...draws.map(d => d.painted)) - window.__nnlab.keys.at(-1) : null;
}"""


def latencies(page, panel, label: str, key: str, steps: int, poll: bool = False) -> list[float]:
    """Seconds from key press to new pixels, for ``steps`` presses; every step a new value (no cached result)."""
    slider = panel.locator(".widget-slider", has=page.locator(".widget-label", has_text=label)).first
    handle = slider.locator(".noUi-handle, .ui-slider-handle").first
    handle.focus()
    div = panel.locator(".jupyter-matplotlib-canvas-div").first.element_handle()
    times = []
    for _ in range(steps):
        if poll:
            before = panel.evaluate(CANVAS_HASH)
            start = time.perf_counter()
            handle.press(key)
            page.wait_for_function(f"([p, b]) => ({CANVAS_HASH})(p) !== b", arg=[panel.element_handle(), before],
                                   polling="raf", timeout=60_000)  # fmt: skip
            times.append(time.perf_counter() - start)
        else:
            before = page.evaluate(PICTURE, div)
            n_draws = page.evaluate("window.__nnlab.draws.length")
            handle.press(key)
            try:
                waited = page.wait_for_function(LATENCY, arg=[div, before, n_draws], polling=50, timeout=60_000)
            except PlaywrightTimeout:
                report_lost_step(page, panel, div, len(times) + 1)
                break
            times.append(waited.json_value() / 1e3)
        settle(page)
    return times


def settle(page, quiet_ms: int = 300, timeout: float = 60.0) -> None:
    """Wait until the kernel is idle and no picture has been painted for ``quiet_ms``: a picture still on its way
    (a panel's first one, or a second one of a step) would otherwise be taken for the next step's."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        n_draws = page.evaluate("window.__nnlab.draws.length")
        page.wait_for_timeout(quiet_ms)
        idle = page.locator("#jp-main-statusbar").get_by_text("Idle").count() > 0
        if idle and page.evaluate("window.__nnlab.draws.length") == n_draws:
            return


def report_lost_step(page, panel, div, step: int) -> None:
    """No new picture within 60 s of a key press: print what the page shows, keep a screenshot, go on."""
    shot = Path(tempfile.gettempdir()) / f"bench_browser_lost_step_{int(time.time())}.png"
    page.screenshot(path=str(shot))
    draws = page.evaluate("(div) => window.__nnlab.draws.filter(d => d.panel === div).slice(-4)"
                          ".map(d => [Math.round(d.painted), d.hash])", div)  # fmt: skip
    keys = [round(k) for k in page.evaluate("window.__nnlab.keys.slice(-3)")]
    readouts = panel.locator(".widget-readout").all_inner_texts()
    print(
        f"  step {step}: no new picture within 60 s; keys at {keys} ms, last pictures {draws}, "
        f"readouts {readouts}, status {panel.locator('.widget-html').first.inner_text()!r}; screenshot {shot}"
    )


def row(name: str, label: str, times: list[float], kernel: str = "") -> tuple[str, str, int, float, float, str]:
    """A line of the table: steps, median and maximum in ms, and the kernel's split of a step (``--trace``)."""
    return name, label, len(times), statistics.median(times) * 1e3, max(times) * 1e3, kernel


class KernelTrace:
    """The kernel's own timings of each change (``--trace``): ``kernel_trace/sitecustomize.py`` on the kernel's
    PYTHONPATH appends them to a file; ``since_mark`` summarises the lines written since the last ``mark``."""

    PARTS = ("change", "compute", "draw", "png")

    def __init__(self, folder: Path) -> None:
        self.log = folder / "kernel_trace.log"
        self.log.touch()
        os.environ["NNLAB_TRACE_LOG"] = str(self.log)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent / "kernel_trace"),
                                                                 os.environ.get("PYTHONPATH")]))  # fmt: skip
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.log.stat().st_size

    def since_mark(self) -> str:
        """Median wall (thread CPU) ms of each part, e.g. "change 205 (160): compute 91 (63), draw 86 (75), ...",
        and the cores other processes kept busy during the computation."""
        with self.log.open() as log:
            log.seek(self.offset)
            lines = [line.split() for line in log]
        medians = {}
        for part in self.PARTS:
            wall = [float(f[1]) for f in lines if f[0] == part]
            cpu = [float(f[2]) for f in lines if f[0] == part]
            medians[part] = f"{statistics.median(wall):.0f} ({statistics.median(cpu):.0f})" if wall else "-"
        others = [float(f[3]) for f in lines if f[0] == "compute" and len(f) > 3]
        busy = f"; others during compute {statistics.median(others):.2f} cores" if others else ""
        return f"change {medians['change']}: " + ", ".join(f"{p} {medians[p]}" for p in self.PARTS[1:]) + busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contended", action="store_true", help="run one CPU-bound process beside the lab")
    parser.add_argument("--steps", type=int, default=10, help="slider steps per panel (default 10)")
    parser.add_argument("--poll", action="store_true", help="the old method: hash the canvas every animation frame")
    parser.add_argument("--trace", action="store_true", help="also the kernel's median split of a step")
    parser.add_argument("only", nargs="*", help="measure only these notebooks (03_initialization, ...); default all")
    args = parser.parse_args()
    chosen = {nb: slider for nb, slider in MAIN_SLIDER.items() if not args.only or Path(nb).stem in args.only}
    if not chosen:
        parser.error(f"no such notebook; choose from: {', '.join(Path(nb).stem for nb in MAIN_SLIDER)}")

    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.contended else None
    folder = Path(tempfile.mkdtemp())
    trace = KernelTrace(folder) if args.trace else None
    lab = start_lab(sys.executable, folder)
    rows = []

    def measure(page, panel, name: str, label: str, key: str, steps: int) -> bool:
        if trace:
            trace.mark()
        times = latencies(page, panel, label, key, steps, args.poll)
        if times:
            rows.append(row(name, label, times, trace.since_mark() if trace else ""))
        return bool(times)

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.add_init_script(RECORDER)
            for notebook, (label, key) in chosen.items():
                print("measuring", notebook, flush=True)
                panel = run_all(page, lab, notebook).first
                settle(page)
                steps = min(args.steps, STEPS_AT_MOST.get(notebook, args.steps))
                if not measure(page, panel, notebook, label, key, steps):
                    continue
                for view, view_key in MORE_VIEWS.get(notebook, []):
                    panel.locator(".widget-toggle-buttons button", has_text=view).first.click()
                    settle(page)  # the view's first picture (not timed)
                    measure(page, panel, f"{notebook} [{view.split()[-1]}]", label, view_key, steps)
            browser.close()
    finally:
        lab.stop()
        if hog is not None:
            hog.kill()
    print(f"slider -> canvas pixels, {'one CPU-bound process beside it' if args.contended else 'quiet machine'}, "
          f"{'polled every frame' if args.poll else 'recorded in the page'}")  # fmt: skip
    for notebook, label, steps, median, worst, kernel in rows:
        print(f"  {notebook:34s} {label:22s} {steps:2d} steps  median {median:5.0f} ms   max {worst:5.0f} ms"
              + (f"   kernel, wall (CPU): {kernel}" if kernel else ""))  # fmt: skip


if __name__ == "__main__":
    main()
