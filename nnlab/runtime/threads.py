"""How many BLAS threads a panel's computation may use, from what the other processes use right now.

Threaded BLAS is twice as fast on an idle two-core machine and several times slower when another
process keeps a core busy (its threads spin against it: bench/README.md). A 1-minute load average
lags both ways and counts this process too, so the monitor here measures the *other* processes'
CPU use over the last second: the machine's busy time from ``/proc/stat`` minus this process's own
(``os.times``), sampled by a daemon thread every quarter second. Where ``/proc/stat`` does not
exist (macOS, Windows) it knows nothing and the choice falls back to one thread.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque

__all__ = ["MONITOR", "CpuMonitor", "choose_threads", "others_between", "usable_cores"]

# /proc/stat's first line: cpu user nice system idle iowait irq softirq steal guest guest_nice (clock ticks).
_BUSY_FIELDS = (0, 1, 2, 5, 6, 7)  # user, nice, system, irq, softirq, steal (guest is inside user)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells, else ``os.cpu_count()``)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


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
    """Other processes' CPU use, in cores, averaged over the last ``window`` seconds."""

    def __init__(self, interval: float = 0.25, window: float = 1.0) -> None:
        self.interval = interval
        self.window = window
        self._samples: deque[tuple[float, float, float]] = deque(maxlen=int(window / interval) + 2)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _sample(self) -> bool:
        busy = _machine_busy_seconds()
        if busy is None:
            return False
        with self._lock:
            self._samples.append((time.monotonic(), busy, _own_seconds()))
        return True

    def _run(self) -> None:
        while self._sample():
            time.sleep(self.interval)

    def start(self) -> None:
        """Start sampling (once; a daemon thread, so it never keeps a process alive)."""
        if self._thread is None and self._sample():
            self._thread = threading.Thread(target=self._run, name="nnlab-cpu-monitor", daemon=True)
            self._thread.start()

    def others(self) -> float | None:
        """Cores the other processes used over the last ``window`` seconds; None until a quarter second is seen."""
        self.start()
        now = (time.monotonic(), _machine_busy_seconds(), _own_seconds())
        if now[1] is None:
            return None
        with self._lock:
            old = [s for s in self._samples if now[0] - s[0] >= self.interval]
        if not old:
            return None
        # The newest sample at least `window` old, else the oldest there is.
        past = next((s for s in reversed(old) if now[0] - s[0] >= self.window), old[0])
        return others_between(past, now)


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
