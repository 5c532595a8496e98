"""Frame after frame from the kernel's event loop: a panel that runs something long (training, a search) in
steps, with *play* and *pause* buttons that stay responsive while it runs.

A panel mixes in :class:`Player` and defines :meth:`Player.step` (one frame: it changes the state through
``set``, so the picture at a state is the same however it was reached) and :meth:`Player.can_go_on`. In a
Jupyter kernel :meth:`Player.play` returns at once and the frames follow on the event loop, each scheduled
after the previous one is drawn: a slow frame delays the next instead of piling ticks up, and a click on
*pause* (a widget message) is handled between two frames.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any


def in_kernel() -> bool:
    """True inside a Jupyter kernel (whose event loop runs the widgets' callbacks)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Player:
    """Play and pause for a panel; the panel provides ``step``, ``can_go_on`` and names its ``progress_key``."""

    #: the state key that grows with every frame (an iteration, a count of trials)
    progress_key: str = ""
    _task: asyncio.Task | None = None
    playing: bool = False

    def step(self) -> str:
        """One frame; changes the state with ``set``. Returns a message (as an action does)."""
        raise NotImplementedError

    def can_go_on(self) -> bool:
        """False once there is nothing more to play (the run stopped, the search is complete)."""
        return True

    def pause(self) -> str:
        self.playing = False
        if self._task is not None:
            self._task.cancel()
            self._task = None
        return ""

    def play(self, frames: int | None = None, interval: float = 0.05, background: bool | None = None) -> str:
        """Frame after frame. In a notebook's kernel (``background``, by default when one is running) this returns
        at once and frames follow on the kernel's event loop, each after the previous one is drawn, until
        *pause*; elsewhere it plays ``frames`` frames (default 1) and returns."""
        if background is None:
            background = in_kernel()
        loop = None
        if background:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        if loop is None:
            for _ in range(frames or 1):
                if not self._advance():
                    break
            return ""
        self.pause()
        self.playing = True
        self._task = loop.create_task(self._play(frames, interval))
        return ""

    def _advance(self) -> bool:
        """One frame; False when it cannot go on (nothing more to play, no progress, or an error)."""
        panel: Any = self
        before = panel._state[self.progress_key]
        panel.guarded(self.step)
        return panel.error is None and panel._state[self.progress_key] > before and self.can_go_on()

    async def _play(self, frames: int | None, interval: float) -> None:
        done = 0
        try:
            while self.playing and (frames is None or done < frames):
                started = time.perf_counter()
                if not self._advance():
                    break
                done += 1
                # The next frame is scheduled after this one is drawn: a slow frame delays it, no tick queues up.
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))
        finally:
            self.playing = False
