"""The BLAS thread policy: the cores other processes leave free, measured, not guessed."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import nnlab.app.base as base
from nnlab.runtime import threads
from nnlab.runtime.threads import CpuMonitor, choose_threads, others_between

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the monitor reads /proc/stat")


@pytest.mark.parametrize(
    ("others", "cores", "expected"),
    [(None, 2, 1), (0.0, 2, 2), (0.3, 2, 2), (0.6, 2, 1), (1.0, 2, 1), (1.9, 2, 1), (0.0, 8, 8), (2.2, 8, 6)],
)
def test_threads_are_the_cores_the_others_leave_free(others, cores, expected):
    assert choose_threads(others, cores) == expected


def test_own_cpu_time_is_not_counted_as_the_others():
    # One second of wall time in which the machine was busy 1.5 s, 1.2 s of it this process's own.
    assert others_between((10.0, 100.0, 5.0), (11.0, 101.5, 6.2)) == pytest.approx(0.3)
    # A counter that moved less than ours (clock-tick rounding) is no negative use.
    assert others_between((10.0, 100.0, 5.0), (11.0, 100.9, 6.0)) == 0.0


def test_a_cpu_bound_process_beside_us_is_seen_and_gets_one_thread():
    monitor = CpuMonitor(interval=0.1)
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)  # the hog is running
        assert monitor.others() is None  # nothing measured yet: the first sample
        time.sleep(0.6)
        others = monitor.others()
    finally:
        hog.kill()
        hog.wait()
    assert others is not None and others >= 0.5  # at least half a core, however busy the rest of the machine
    assert choose_threads(others, 2) == 1


def test_busy_work_of_our_own_does_not_look_like_a_neighbour():
    monitor = CpuMonitor(interval=0.1)
    monitor.sample()
    time.sleep(0.3)
    before = monitor.others()
    end = time.perf_counter() + 0.8
    while time.perf_counter() < end:  # a core kept busy by this process
        pass
    during = monitor.others()
    assert before is not None and during is not None
    assert during < before + 0.5  # our own busy core is not counted (the rest of the machine may vary a little)


def test_the_monitor_samples_only_when_asked_and_answers_again_from_its_estimate():
    import threading

    before = {t.name for t in threading.enumerate()}
    monitor = CpuMonitor(interval=10.0)
    monitor.sample()
    assert monitor.others() is None  # asked within the interval of the first sample: nothing measured yet
    assert {t.name for t in threading.enumerate()} == before  # no thread of its own
    monitor._last = (monitor._last[0] - 20, *monitor._last[1:])  # as if the first sample were 20 s old
    first = monitor.others()
    assert first is not None and monitor.others() == first  # within the interval: the same estimate


def test_usable_cores_follow_joblib_which_reads_affinity_and_container_quotas(monkeypatch):
    import joblib

    monkeypatch.setattr(joblib, "cpu_count", lambda: 1)  # a container's quota of one core (Binder)
    assert threads.usable_cores() == 1


def test_the_panels_ask_the_monitor_only_for_blas_heavy_views_in_auto(monkeypatch):
    from nnlab.topics.activations.panel import Functions, Inputs

    monkeypatch.setattr(threads.MONITOR, "others", lambda: 0.0)
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    monkeypatch.setattr(base, "BLAS_THREADS", "auto")
    assert base.panel_threads(Inputs()) == 2 and base.panel_threads(Functions()) == 1
    monkeypatch.setattr(threads.MONITOR, "others", lambda: 1.0)
    assert base.panel_threads(Inputs()) == 1
    monkeypatch.setattr(base, "BLAS_THREADS", 1)
    monkeypatch.setattr(threads.MONITOR, "others", lambda: 0.0)
    assert base.panel_threads(Inputs()) == 1
    monkeypatch.setattr(base, "BLAS_THREADS", None)
    assert base.panel_threads(Inputs()) is None


def test_a_limit_holds_inside_and_is_lifted_after():
    """numpy's BLAS, the one nnlab computes with (a library loaded later, torch's in a test, is not ours to limit:
    the one controller knows the libraries loaded when it was made)."""
    import numpy  # noqa: F401 - loaded before the controller, as in nnlab
    from threadpoolctl import threadpool_info

    def numpy_blas_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas" and "numpy" in i["filepath"]}

    before = numpy_blas_threads()
    if not before:
        pytest.skip("numpy's BLAS is not in numpy's own folder here (a conda build, say)")
    with threads.limit(1):
        assert numpy_blas_threads() == {1}
    assert numpy_blas_threads() == before
