"""Kernel-side timings for ``bench_browser.py --trace``: loaded by every Python started with this folder on its
PYTHONPATH, it acts only in a Jupyter kernel and only when ``NNLAB_TRACE_LOG`` names a file. It then appends one
line per panel change and per part of it: ``<part> <wall ms> <thread CPU ms> <others>``, part one of ``change``
(the whole change, from the widget message to the picture sent), ``compute``, ``draw`` (matplotlib's full draw) and
``png`` (encoding the frame). Thread CPU time well below wall time means the thread waited (for a core, the GIL, a
lock); ``others`` is the cores other processes (the browser, the server) kept busy meanwhile, from /proc/stat.
"""

import os
import sys
import time


def _install(log_path: str) -> None:
    import nnlab.app.base as base
    import nnlab.render.figure as figure
    import nnlab.render.frames as frames

    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the kernel's life

    from nnlab.runtime.threads import _machine_busy_seconds

    def timed(owner, name: str, part: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            wall, cpu, own, busy = time.perf_counter(), time.thread_time(), time.process_time(), _machine_busy_seconds()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - wall
                others = ((_machine_busy_seconds() or 0.0) - (busy or 0.0) - (time.process_time() - own)) / elapsed
                log.write(f"{part} {elapsed * 1e3:.1f} {(time.thread_time() - cpu) * 1e3:.1f} {max(others, 0.0):.2f}\n")

        setattr(owner, name, wrapper)

    timed(base.Panel, "_change_locked", "change")
    timed(base.Panel, "_compute", "compute")
    timed(figure.GatedFigure, "draw", "draw")
    timed(frames._whole_frame_canvas_class(), "get_diff_image", "png")  # one class for the process


if os.environ.get("NNLAB_TRACE_LOG") and any("ipykernel" in arg for arg in getattr(sys, "orig_argv", sys.argv)):
    _install(os.environ["NNLAB_TRACE_LOG"])
