"""How many BLAS threads a panel's computation may use, from what the other processes use right now.

Threaded BLAS is twice as fast on an idle two-core machine for the large products of the initialization
explorer and several times slower when another process keeps a core busy (its threads spin against it:
bench/README.md). Views declare themselves BLAS-heavy (``View.blas_heavy``); only they ask the monitor here,
the others run on one thread (measured 2026-12-07: every other view is within 15% of its two-thread time).

The monitor measures the *other* processes' CPU use since it was last asked: the machine's busy time from
``/proc/stat`` minus this process's own (``os.times``). It samples when asked, never in the background, and
answers from its last estimate when asked again within a quarter second. Where ``/proc/stat`` does not exist
(macOS, Windows) it knows nothing and the choice falls back to one thread. Usable cores come from
``joblib.cpu_count()``, which reads the CPU affinity and the cgroup quota a container gives (Binder: 1 of 16).
One ``threadpoolctl.ThreadpoolController`` (it inspects the loaded libraries when made) serves every limit.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

__all__ = ["MONITOR", "CpuMonitor", "choose_threads", "limit", "others_between", "usable_cores"]

# /proc/stat's first line: cpu user nice system idle iowait irq softirq steal guest guest_nice (clock ticks).
_BUSY_FIELDS = (0, 1, 2, 5, 6, 7)  # user, nice, system, irq, softirq, steal (guest is inside user)


def usable_cores() -> int:
    """The cores this process may use: its CPU affinity and the container's CPU quota (``joblib.cpu_count``)."""
    try:
        from joblib import cpu_count
    except ImportError:  # pragma: no cover - joblib is a dependency
        try:
            return len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            return os.cpu_count() or 1
    return max(1, cpu_count())


def _machine_busy_seconds() -> float | None:
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()[1:]
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(fields[i]) for i in _BUSY_FIELDS if i < len(fields)) / ticks


def _own_seconds() -> float:
    times = os.times()
    return times.user + times.system


class CpuMonitor:
    """Other processes' CPU use, in cores, since the monitor was last asked (at least ``interval`` seconds)."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self._last: tuple[float, float, float] | None = None
        self._estimate: float | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _now() -> tuple[float, float, float] | None:
        busy = _machine_busy_seconds()
        return None if busy is None else (time.monotonic(), busy, _own_seconds())

    def sample(self) -> None:
        """Take a first sample (a panel on screen does, so that the first change finds a measured interval)."""
        with self._lock:
            if self._last is None:
                self._last = self._now()

    def others(self) -> float | None:
        """Cores the other processes used since the last sample; None when nothing is known yet."""
        now = self._now()
        if now is None:
            return None
        with self._lock:
            if self._last is None:
                self._last = now
            elif now[0] - self._last[0] >= self.interval:
                self._estimate, self._last = others_between(self._last, now), now
            return self._estimate


MONITOR = CpuMonitor()


def others_between(past: tuple[float, float, float], now: tuple[float, float, float]) -> float:
    """Cores used by other processes between two samples (wall clock, machine busy time, own CPU time),
    all in seconds: the machine's busy time less this process's, over the wall time."""
    elapsed = now[0] - past[0]
    return max(0.0, ((now[1] - past[1]) - (now[2] - past[2])) / elapsed)


def choose_threads(others: float | None, cores: int | None = None) -> int:
    """BLAS threads for a computation: the cores the other processes leave free, rounded, at least one;
    one when their use is unknown (threaded BLAS against a busy core is the slow case to avoid)."""
    cores = usable_cores() if cores is None else cores
    if others is None:
        return 1
    return max(1, min(cores, round(cores - others)))


@cache
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def limit(threads: int | None) -> Iterator[None]:
    """At most ``threads`` BLAS threads inside; no limit when None or threadpoolctl is missing."""
    if threads is None:
        yield
        return
    try:
        controller = _controller()
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        yield
        return
    with controller.limit(limits=threads, user_api="blas"):
        yield
