"""Keep glibc from returning every freed medium-sized array to the operating system.

With glibc's default thresholds, a numpy array of a few hundred kB (a 300 x 100 batch of
activations, a 16 x 4096 layer) is mmapped or carved from the heap top and handed back to
the OS when freed, so the next allocation page-faults it in again. Measured here:
``X @ W + b`` for a (300, 2) x (2, 100) layer took 400 us instead of 45 us. Raising
M_MMAP_THRESHOLD to 64 MiB and M_TRIM_THRESHOLD to 256 MiB (``mallopt(3)``) keeps that
memory in the process for reuse. Only on Linux with glibc; set ``NNLAB_NO_MALLOC_TUNING=1``
to leave malloc alone.

``import nnlab`` leaves malloc alone (a library must not change its host process). The lab sets the same
thresholds for its kernels through glibc's environment variables (``MALLOC_ENV``): ``nnlab lab`` starts
JupyterLab with them and Binder's ``binder/start`` exports them. A panel shown in a notebook calls
:func:`tune_malloc` once (the live lab is where the speed matters, whatever started the kernel); anyone else
may call it explicitly.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 64 << 20
TRIM_THRESHOLD = 256 << 20
# The same thresholds for a process not yet started (glibc reads these at its first allocation; mallopt(3)).
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD), "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD)}


def malloc_env(environ: dict[str, str]) -> dict[str, str]:
    """``environ`` with ``MALLOC_ENV`` added for a child process (Linux only; unchanged with the opt-out set, and
    where the variables are set already)."""
    if not sys.platform.startswith("linux") or environ.get("NNLAB_NO_MALLOC_TUNING"):
        return dict(environ)
    return {**MALLOC_ENV, **environ}


def tune_malloc(mmap_threshold: int = MMAP_THRESHOLD, trim_threshold: int = TRIM_THRESHOLD) -> bool:
    """Raise glibc's mmap and trim thresholds in this process; returns whether it was done."""
    if not sys.platform.startswith("linux") or os.environ.get("NNLAB_NO_MALLOC_TUNING"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and other libcs have no mallopt
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, mmap_threshold)) and bool(mallopt(M_TRIM_THRESHOLD, trim_threshold))
