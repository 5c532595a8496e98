"""Shared fixtures: stored PyTorch reference data, and the same data computed live when torch is there."""

from __future__ import annotations

import gc
import importlib.util
import os
import resource
from pathlib import Path

import numpy as np
import pytest

REFERENCE = Path(__file__).parent / "reference"


def load_reference(name: str, live: bool) -> dict:
    """Reference arrays from ``tests/reference/<name>.npz``, or regenerated now by its script.

    The live variant imports ``make_<name>_reference.py`` and calls its ``build()``; it is
    skipped when torch is not installed, so the normal run needs no torch.
    """
    if not live:
        with np.load(REFERENCE / f"{name}.npz") as stored:
            return {key: stored[key] for key in stored.files}
    pytest.importorskip("torch")
    spec = importlib.util.spec_from_file_location(f"make_{name}", REFERENCE / f"make_{name}_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {key: np.asarray(value) for key, value in module.build().items()}


def reference_params():
    """Parametrize a fixture over the stored data and a torch-marked live run."""
    return [pytest.param(False, id="stored"), pytest.param(True, id="live", marks=pytest.mark.torch)]


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``-n auto --dist loadgroup`` in pyproject.toml), each test file runs whole on one worker,
    in its own order (module fixtures are shared by its tests, as in a run without workers), and the browser and
    Binder tests share one worker, one after another: each starts servers, kernels and a browser of its own."""
    root = Path(__file__).parent
    for item in items:
        path = Path(str(item.fspath)).relative_to(root)
        item.add_marker(pytest.mark.xdist_group("browser" if path.parts[0] in ("e2e", "binder") else str(path)))


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """Panels compute with one BLAS thread in the tests. Live, the count follows the machine's load
    (nnlab.runtime.threads), and float32 products differ in their last bits between one thread and two: a test
    comparing a redrawn picture with a fresh one must not depend on what the other worker was doing."""
    import nnlab.app.base as base

    base.BLAS_THREADS = 1
    yield


@pytest.fixture(autouse=True, scope="module")
def _memory_back_after_each_file():
    """The kernel-wide caches of unit weight draws (up to 1.5 GB for the initialization explorer) are emptied after
    each test file, so that two workers and the browser tests' kernels fit a CI machine's memory together."""
    yield
    import matplotlib.pyplot as plt

    from nnlab.topics.activations import panel as activations
    from nnlab.topics.initialization import panel as initialization

    initialization.UNITS.clear()
    activations.UNITS.clear()
    plt.close("all")
    gc.collect()


def _peak_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _cgroup_limit_mb() -> int | None:
    """The memory limit of this process's control group (v2 or v1), if it has one."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # v2
            candidates = [Path("/sys/fs/cgroup") / path.lstrip("/") / "memory.max"]
        elif "memory" in controllers.split(","):  # v1
            candidates = [Path("/sys/fs/cgroup/memory") / path.lstrip("/") / "memory.limit_in_bytes"]
        else:
            continue
        for candidate in candidates:
            try:
                value = candidate.read_text().strip()
            except OSError:
                continue
            if value.isdigit() and int(value) < 1 << 60:
                return int(value) // 2**20
    return None


def _available_mb() -> tuple[int, int, int | None] | None:
    """(MemTotal, MemAvailable, the control group's limit) in MB, on Linux."""
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    total, available = (int(fields[k].split()[0]) // 1024 for k in ("MemTotal", "MemAvailable"))
    return total, available, _cgroup_limit_mb()


def _memory_line(name: str) -> str:
    total, available, limit = _available_mb()
    return f"memory at {name}: {total} MB in all, {available} MB available" + (
        f", the control group's limit {limit} MB" if limit is not None else ""
    )


# Two workers held up to about 7 GB together with the browser tests' kernels (2026-11-24, two workers at peaks of
# 3.6 and 2.9 GB); with less memory than this the suite runs on one worker, slower but whole.
TWO_WORKERS_MB = 12_000


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject.toml): two workers on two or more cores when the memory allows, else one."""
    import os

    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own rule reads it
    memory = _available_mb()
    room = None if memory is None else min(m for m in memory[1:] if m is not None)
    workers = 2 if (os.cpu_count() or 1) >= 2 and (room is None or room >= TWO_WORKERS_MB) else 1
    config._nnlab_workers = f"{workers} worker(s): {os.cpu_count()} cores, {room} MB of memory to use"
    return workers


def pytest_configure(config):
    from nnlab.runtime.malloc import tune_malloc

    tune_malloc()  # the tests compute as the live lab does (a small training step is 2.6x slower without)
    extra = os.environ.get("NNLAB_EXTRA_TOPICS")  # folders of more topics (tests/app/test_new_topic.py)
    if extra:
        import nnlab.topics

        nnlab.topics.__path__.extend(extra.split(os.pathsep))
    if Path("/proc/meminfo").exists() and not hasattr(config, "workerinput"):
        config._nnlab_memory = [_memory_line("start")]


def pytest_sessionfinish(session):
    """Each worker reports its peak memory to the main process (printed in the summary)."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["peak_rss_mb"] = _peak_rss_mb()


def pytest_testnodedown(node, error):
    lines = getattr(node.config, "_nnlab_memory", None)
    if lines is not None:
        lines.append(f"worker {node.gateway.id}: peak {node.workeroutput.get('peak_rss_mb', '?')} MB")


def _machine_line() -> str:
    """The CPU and OpenBLAS's kernel family: pictures that follow long training runs depend on the latter
    (tests/app/test_baselines.py)."""
    from threadpoolctl import threadpool_info

    model = "unknown CPU"
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))  # fmt: skip
    except (OSError, StopIteration):
        pass
    kernels = {f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})" for i in threadpool_info()}
    return f"machine: {model}; BLAS: {', '.join(sorted(kernels)) or 'none loaded'}"


def pytest_terminal_summary(terminalreporter, config):
    """Memory, so that a CI log tells how close a run came to the machine's limit."""
    lines = getattr(config, "_nnlab_memory", None)
    if lines is not None:
        lines.append(_memory_line("end"))
        if hasattr(config, "_nnlab_workers"):
            lines.append(config._nnlab_workers)
        if not any(line.startswith("worker") for line in lines):
            lines.append(f"this process: peak {_peak_rss_mb()} MB")
        terminalreporter.write_sep("-", "memory")
        lines.append(_machine_line())
        for line in lines:
            terminalreporter.write_line(line)
