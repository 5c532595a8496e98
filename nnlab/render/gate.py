"""The gate in front of every fast path that relies on matplotlib's or ipympl's private internals.

A fast path draws the same pixels as the ordinary way, only faster, using pieces another library may rename in
any release. Each is a :class:`FastPath`, and it is used only while

- ``NNLAB_SAFE_RENDER`` is not ``1`` (that switch turns every fast path off, for the process);
- the library has the pieces it needs (``needs``), checked once;
- its self-check passed: on first use it draws probe pictures both ways and compares the bytes (a fast path that
  runs but draws other pixels is worse than none);
- it has not failed: any exception inside it is logged once (one line, on the ``nnlab.render`` logger), the fast
  path is switched off for the rest of the process, and the caller draws that picture the ordinary way.

The matplotlib and ipympl versions the fast paths were written and tested against are :data:`TESTED`; another
version still uses them when the self-check passes, and says so once in the log.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

LOG = logging.getLogger("nnlab.render")

#: library -> the minor versions the fast paths were tested with (CI also runs the rendering tests with the newest)
TESTED = {"matplotlib": ("3.11",), "ipympl": ("0.9", "0.10")}


def safe_render() -> bool:
    """Whether ``NNLAB_SAFE_RENDER=1`` asks for the ordinary drawing everywhere."""
    return os.environ.get("NNLAB_SAFE_RENDER", "").strip() == "1"


class FastPathError(Exception):
    """An exception raised inside a fast path; the caller draws the ordinary way instead."""


class FastPath:
    """One fast path: the pieces it needs, its self-check, and whether it is on."""

    def __init__(self, name: str, library: str, needs: Callable[[], bool], check: Callable[[], bool]) -> None:
        self.name, self.library = name, library
        self._needs, self._check = needs, check
        self._on: bool | None = None  # None: not decided yet
        self._lock = threading.RLock()
        self.reason = ""

    @property
    def on(self) -> bool:
        """Whether the fast path may be used now (decided on first use, then kept)."""
        if safe_render():
            return False
        if self._on is None:
            with self._lock:
                if self._on is None:
                    self._on = self._decide()
        return self._on

    def _decide(self) -> bool:
        try:
            if not self._needs():
                return self._off(f"{self.library} lacks the private pieces it uses")
            self._on = True  # the self-check draws through the fast path
            if not self._check():
                return self._off("its self-check drew other pixels than the ordinary drawing")
        except Exception as err:  # noqa: BLE001 - any failure of the check turns it off
            return self._off(f"its self-check failed ({type(err).__name__}: {err})")
        version = library_version(self.library)
        if version and not version.startswith(TESTED.get(self.library, ())):
            LOG.info("nnlab fast path %r: on with %s %s (tested with %s); its self-check passed", self.name,
                     self.library, version, ", ".join(TESTED.get(self.library, ())))  # fmt: skip
        return True

    def _off(self, reason: str) -> bool:
        self.reason = reason
        LOG.warning("nnlab fast path %r is off: %s; drawing the ordinary way", self.name, reason)
        return False

    def failed(self, err: BaseException) -> None:
        """An exception inside the fast path: off for the rest of the process, said once."""
        with self._lock:
            if self._on is not False:
                self._on = False
                self._off(f"it raised {type(err).__name__}: {err}")

    def reset(self) -> None:
        """Decide again on next use (tests)."""
        with self._lock:
            self._on, self.reason = None, ""


def library_version(library: str) -> str:
    try:
        from importlib.metadata import version

        return version(library)
    except Exception:  # noqa: BLE001 - not installed
        return ""


def guarded(path: FastPath, fast: Callable[[], Any], ordinary: Callable[[], Any]) -> Any:
    """``fast()`` while ``path`` is on, else (and after any exception inside it) ``ordinary()``."""
    if path.on:
        try:
            return fast()
        except FastPathError as err:
            path.failed(err.__cause__ or err)
    return ordinary()
