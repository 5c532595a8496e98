"""The panel framework: plain-data state -> compute (core) -> picture (viz), with ipywidgets controls.

A panel file states only what is particular to it:

- ``defaults``: the whole state as a JSON-serialisable dict, and ``controls`` (:class:`Control`) that
  show and change it; every key's type and range come from its control, or from ``params``
  (:class:`Param`) for keys without one. Every value entering the state is checked there.
- ``presets``: named settings; a preset's state is the defaults plus its settings (``preset_keeps``
  names the few keys that survive a preset on purpose, besides the slides look).
- the picture: a single-view panel implements :class:`View`'s methods itself; a panel with several
  views lists them in ``views`` (chosen by its ``view`` key). A view states what its computation reads
  (``keys``), computes with the core, draws its layout once and updates its artists in place.

The framework does the rest, the same for every panel: validation, the compute cache (bounded),
rebuilding the figure only when the layout changes (the view, the look, the figure's width, or
what :meth:`View.layout` names), the status line for bad values and NaN with the last good picture
kept, ``save``, ``save_animation`` for panels with a 'play' control, and the widgets
(``nnlab.app.widgets``). A panel registers itself by name: ``class MyPanel(Panel, name="mine")``.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from matplotlib.figure import Figure

from nnlab.app.cache import BoundedCache
from nnlab.app.controls import Control
from nnlab.app.params import Param
from nnlab.core._checks import SettingError
from nnlab.render.figure import PanelFigure
from nnlab.runtime import threads
from nnlab.runtime.malloc import tune_malloc

__all__ = ["PANELS", "Control", "Panel", "Param", "View", "CostlySetting"]

PANELS: dict[str, type[Panel]] = {}
# Settings estimated to take longer than this wait for an explicit "compute anyway".
CONFIRM_SECONDS = 8.0
# Computations expected to take longer than this show a busy state first.
BUSY_SECONDS = 0.2
# BLAS threads for a panel's computation (threadpoolctl). "auto": one, and for a view that declares itself
# BLAS-heavy the cores the other processes leave free (nnlab.runtime.threads): on an idle 2-core machine the
# initialization explorer's gradient view takes 165 ms with 2 threads against 253 ms with 1, and with another
# CPU-bound process beside it 411 ms with 2 against 258 ms with 1 (bench/README.md). An int fixes the count;
# None leaves the library's default.
BLAS_THREADS: int | None | Literal["auto"] = "auto"


# Errors that bad settings, numerical trouble or the user's files cause, shown as they are; anything else is a bug
# of ours: an "internal error" with a short reference in the status line, its traceback on the "nnlab" logger.
EXPECTED_ERRORS = (
    SettingError,
    ArithmeticError,
    np.linalg.LinAlgError,
    MemoryError,
    OSError,
)
LOG = logging.getLogger("nnlab")


class CostlySetting(SettingError):
    """A setting whose estimated time is far beyond interactive; it waits for ``compute_anyway()``."""


class View:
    """One picture of a panel: what it computes, how it lays out its figure once, how it updates in place."""

    #: the state keys the computation reads; None: every key but the panel's ``view_keys`` and the look
    keys: ClassVar[tuple[str, ...] | None] = None
    #: whether the computation is large matrix products that two BLAS threads speed up (see ``BLAS_THREADS``)
    blas_heavy: ClassVar[bool] = False

    def compute(self, state: dict[str, Any]) -> Any:
        """The numbers behind the picture, from the core."""
        raise NotImplementedError

    def draw(self, figure: Figure, result: Any, state: dict[str, Any]) -> Any:
        """Lay out the figure and create the artists (with viz functions); returns them. Data comes in ``update``."""
        raise NotImplementedError

    def update(self, artists: Any, result: Any, state: dict[str, Any]) -> None:
        """Set the artists' data in place. Never draws from scratch."""
        raise NotImplementedError

    def layout(self, state: dict[str, Any]) -> Any:
        """A JSON-able value naming what, besides the view and the look, needs a new layout (a surface, say)."""
        return None

    def dynamic(self, artists: Any) -> list[Any]:
        """Artists that change on every update; a live canvas then blits only them. None: full draws."""
        return []

    def animated(self, artists: Any) -> list[Any]:
        """Artists that change when only a 'play' control's key moves (the frames of ``save_animation``);
        by default the dynamic ones. Fewer artists, faster export: axes and legends are costly to redraw."""
        return self.dynamic(artists)

    def describe(self, result: Any, state: dict[str, Any]) -> str:
        """A status message about a good result (divergence, say); empty when there is nothing to say."""
        return ""

    def estimate(self, state: dict[str, Any]) -> float | None:
        """Seconds the computation is expected to take on this machine, when that can be told in advance."""
        return None


class Panel(View):
    """Base class of every panel; see the module docstring for what a subclass provides."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}
    controls: ClassVar[tuple[Control, ...]] = ()
    # Control groups as tabs under the figure (many controls in a few lecture-shaped groups: data / model /
    # training), instead of one titled row per group.
    control_tabs: ClassVar[bool] = False
    params: ClassVar[dict[str, Param]] = {}
    presets: ClassVar[dict[str, dict[str, Any]]] = {}
    preset_keeps: ClassVar[frozenset[str]] = frozenset()
    # Buttons beside the presets that compute new settings from the current state (label -> method name); the
    # method changes the state through :meth:`set`, so the picture still follows from the state alone.
    actions: ClassVar[dict[str, str]] = {}
    views: ClassVar[dict[str, View]] = {}
    view_keys: ClassVar[frozenset[str]] = frozenset()
    figsize: ClassVar[tuple[float, float]] = (10.0, 5.0)
    cache_bytes: ClassVar[int] = 256 * 2**20

    def __init_subclass__(cls, name: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if name:
            cls.name = name
            PANELS[name] = cls

    # --- declarations (class methods, so that a panel can derive them from a registry at run time) --------
    @classmethod
    def state_defaults(cls) -> dict[str, Any]:
        """The whole default state, the slides look included."""
        return {**cls.defaults, "slides": False}

    @classmethod
    def state_controls(cls) -> tuple[Control, ...]:
        return cls.controls

    @classmethod
    def state_params(cls) -> dict[str, Param]:
        """Every state key's :class:`Param`: from its first control, or from ``params``."""
        specs: dict[str, Param] = {"slides": Param("bool")}
        for control in cls.state_controls():
            specs.setdefault(control.name, control.param())
        specs.update(cls.params)
        missing = sorted(set(cls.state_defaults()) - set(specs))
        if missing:
            raise TypeError(f"{cls.__name__} declares no control or Param for {', '.join(missing)}")
        return specs

    # --- construction ---------------------------------------------------------------------------
    def __init__(self, **state: Any) -> None:
        self._params = self.state_params()
        self._controls = self.state_controls()
        self._check_keys(state)
        self._state: dict[str, Any] = self._validated(self.state_defaults(), self.state_defaults())
        self._fig = PanelFigure(self.figsize, lambda: self._dynamic())
        self._results = BoundedCache(self.cache_bytes)
        self._layout: str | None = None
        self._pending: dict[str, Any] | None = None  # a costly change waiting for compute_anyway()
        self._seconds: dict[int, float] = {}  # how long each view's last computation took
        self.result: Any = None
        self.artists: Any = None
        self.status = ""
        self.error: str | None = None
        self.ui: Any = None  # the widgets, once shown
        self._render(self._state)
        if state:
            self.set(**state)

    # --- state ----------------------------------------------------------------------------------
    @property
    def state(self) -> dict[str, Any]:
        """A copy of the whole state: JSON-serialisable, and enough to rebuild the picture."""
        return json.loads(json.dumps(self._state))

    @property
    def figure(self) -> Figure:
        return self._fig.figure

    def set(self, **changes: Any) -> None:
        """Change state keys and update the picture. Bad values go to :attr:`status`; the state stays as it was."""
        self._check_keys(changes)
        self._change({**self._state, **changes}, changed=list(changes))

    def apply_preset(self, name: str) -> None:
        """Apply the named preset: the defaults, plus the preset's settings, plus the keys that survive a preset."""
        if name not in self.presets:
            raise SettingError(f"preset={name!r} is not valid; choose one of: {', '.join(self.presets)}")
        keep = {k: self._state[k] for k in self.preset_keeps | {"slides"}}
        self._change({**self.state_defaults(), **keep, **self.presets[name]}, changed=list(self._state))

    def act(self, label: str) -> None:
        """Run the action called ``label`` (see :attr:`actions`); its message, if any, becomes the status."""
        if label not in self.actions:
            raise SettingError(f"action={label!r} is not valid; choose one of: {', '.join(self.actions) or 'none'}")
        message = getattr(self, self.actions[label])()
        if message and self.error is None:
            self.status = message
            if self.ui is not None:
                self.ui.sync(self._state)

    def compute_anyway(self) -> None:
        """Apply the costly setting that is waiting (see :class:`CostlySetting`)."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._change(pending, changed=list(pending), confirmed=True)

    def to_json(self) -> str:
        return json.dumps(self._state, sort_keys=True)

    def _check_keys(self, changes: dict[str, Any]) -> None:
        unknown = sorted(set(changes) - set(self._params))
        if unknown:
            raise SettingError(
                f"{type(self).__name__} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters are: {', '.join(self._params)}"
            )

    def _validated(self, state: dict[str, Any], changed: Any) -> dict[str, Any]:
        """``state`` with every changed key normalised by its Param, then the cross-key checks."""
        out = dict(state)
        for key in changed:
            out[key] = self._params[key].normalize(key, state[key])
        for control in self._controls:
            if control.high_key and out[control.name] > out[control.high_key]:
                raise SettingError(
                    f"{control.name}={out[control.name]} is beyond {control.high_key}={out[control.high_key]}; "
                    f"it must be from 0 to {out[control.high_key]}"
                )
        try:
            self.check(out)
        except (ValueError, TypeError) as err:  # a panel's check() speaks of settings by definition
            if isinstance(err, SettingError):
                raise
            raise SettingError(str(err)) from err
        return out

    # --- what a subclass may add ------------------------------------------------------------------
    def follow(self, changes: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """Changes that follow from ``changes`` (a new surface moves the start point, say); none by default."""
        return changes

    def check(self, state: dict[str, Any]) -> None:
        """Raise a SettingError (or ValueError) for a combination of settings that cannot be computed (shown in the
        status line as it is)."""

    def shows_control(self, control: Control, state: dict[str, Any]) -> bool:
        """Whether ``control`` matters in ``state`` (by default: in the current view); others are hidden."""
        return control.shown_in(state.get("view"))

    def connect(self, canvas: Any) -> None:
        """Connect mouse events of the live canvas (``canvas.mpl_connect``); nothing by default."""

    # --- the cycle --------------------------------------------------------------------------------
    def _view(self, state: dict[str, Any]) -> View:
        return self.views[state["view"]] if self.views else self

    def compute_key(self, state: dict[str, Any]) -> str:
        """What the computation depends on, as a string: a new key recomputes."""
        view = self._view(state)
        if view.keys is None:
            keys = [k for k in state if k not in self.view_keys and k != "slides"]
        else:
            keys = list(view.keys)
        return json.dumps([state["view"] if self.views else None, {k: state[k] for k in keys}], sort_keys=True)

    def _compute(self, view: View, state: dict[str, Any]) -> Any:
        """``view.compute``, with a busy state first when it is expected to be slow (by its estimate, or by how
        long this view took last time)."""
        expected = view.estimate(state)
        if expected is None:
            expected = self._seconds.get(id(view), 0.0)
        if self.ui is not None and expected > BUSY_SECONDS:
            self.ui.busy(f"computing (about {expected:.1f} s)..." if expected >= 1 else "computing...")
        start = time.perf_counter()
        with threads.limit(panel_threads(view)):
            result = view.compute(state)
        self._seconds[id(view)] = time.perf_counter() - start
        return result

    def _render(self, state: dict[str, Any], confirmed: bool = False) -> None:
        """Compute (or take from the cache) and show ``state``; raises on any failure."""
        view = self._view(state)
        key = self.compute_key(state)
        if key not in self._results and not confirmed:
            estimate = view.estimate(state)
            if estimate is not None and estimate > CONFIRM_SECONDS:
                raise CostlySetting(
                    f"this setting would take about {estimate:.0f} s to compute; "
                    "press 'compute anyway' (or call compute_anyway()) to go on"
                )
        with quiet_numerics():
            result = self._results.get(key, lambda: self._compute(view, state))
            self._fig.slides = state["slides"]
            layout = json.dumps([state.get("view"), state["slides"], view.layout(state), self._fig.size()])
            with self._fig.style():
                if layout != self._layout or self.artists is None:
                    self._layout = None
                    self._fig.clear()
                    self.artists = view.draw(self.figure, result, state)
                    self._layout = layout
                view.update(self.artists, result, state)
            status = view.describe(result, state)
        self.result = result
        self.status = status

    def _change(self, new_state: dict[str, Any], changed: list[str], confirmed: bool = False) -> None:
        """Validate, render and keep ``new_state``; on any failure, show why and keep the last good state.

        Under the figure's lock: the browser's draw requests arrive on another thread (see ``figure.py``)."""
        with self._fig.lock:
            self._change_locked(new_state, changed, confirmed)

    def _change_locked(self, new_state: dict[str, Any], changed: list[str], confirmed: bool) -> None:
        self._pending = None  # a newer setting or preset replaces a costly one still waiting for 'compute anyway'
        try:
            follow = self.follow({k: new_state[k] for k in changed}, self._state)
            new_state = {**new_state, **follow}
            # The user's own keys first, so that a message names what was typed, not what follows from it.
            candidate = self._validated(new_state, [*changed, *(k for k in follow if k not in changed)])
            self._render(candidate, confirmed=confirmed)
            self._state, self.error = candidate, None
        except Exception as err:  # noqa: BLE001 - every failure becomes a message, never a traceback
            if isinstance(err, CostlySetting):
                self._pending = new_state
            message = self._message(err)
            self.error = self.status = message + self._recover()
        if self.ui is not None:
            self.ui.sync(self._state)
        self._fig.show()

    def _recover(self) -> str:
        """After a failed change: the last good state's picture, drawn again if the failure broke the figure.
        Returns what to add to the message when even that fails."""
        try:
            self._render(self._state, confirmed=True)
            return ""
        except Exception as err:  # noqa: BLE001
            self._layout, self.artists = None, None
            self._fig.clear()
            self.figure.text(0.5, 0.5, "this picture could not be drawn; see the message below", ha="center")
            return f" (and the last picture failed too: {self._message(err)})"

    @staticmethod
    def _message(err: BaseException) -> str:
        if isinstance(err, FileNotFoundError):
            return f"not found: {err.filename or err}"
        if isinstance(err, PermissionError):
            return f"no permission to read {err.filename or err}"
        if isinstance(err, MemoryError):
            return "not enough memory for this setting; choose smaller sizes"
        if isinstance(err, EXPECTED_ERRORS):
            return str(err) or type(err).__name__
        return internal_error(err)

    def _dynamic(self) -> list[Any]:
        if self.artists is None:
            return []
        return self._view(self._state).dynamic(self.artists)

    # --- output -----------------------------------------------------------------------------------
    def image(self) -> np.ndarray:
        """The current picture as an RGBA array (rendered with Agg)."""
        with self._fig.lock:
            return self._fig.image()

    def save(self, path: str | Path, dpi: int | None = None) -> Path:
        """Write the current picture as PNG, SVG or PDF (by the file's extension)."""
        with self._fig.lock:
            return self._fig.save(path, dpi)

    def animation_control(self, key: str | None = None) -> Control:
        """The 'play' control that animates ``key`` (the first one when None)."""
        players = [c for c in self._controls if c.kind == "play" and (key is None or c.name == key)]
        if not players:
            what = f"no 'play' control for {key!r}" if key else "no animation ('play' control)"
            raise SettingError(f"{type(self).__name__} has {what}; export it as .png, .svg or .pdf")
        return players[0]

    def save_animation(
        self,
        path: str | Path,
        frames: int = 200,
        fps: float = 20,
        size: tuple[int, int] = (600, 450),
        key: str | None = None,
    ) -> Path:
        """Write the animation of a 'play' control (its key stepped over its range) as GIF, MP4 or HTML."""
        from nnlab.export import check_animation_options, size_inches, write_animation

        check_animation_options(path, frames, fps, size)
        control = self.animation_control(key)
        clip = type(self)(**self._state)
        clip._fig.figsize = size_inches(size)
        clip._layout = None
        clip._render(clip._state, confirmed=True)
        high = clip._state[control.high_key] if control.high_key else int(control.high or 0)
        values = np.linspace(0, high, frames).round().astype(int)
        view = clip._view(clip._state)

        def set_frame(i: int) -> None:
            state = {**clip._state, control.name: int(values[i])}
            with quiet_numerics():
                view.update(clip.artists, clip.result, state)

        images = list(clip._fig.frames(set_frame, frames, lambda: view.animated(clip.artists)))
        return write_animation(images, path, fps, title=self.title)

    # --- widgets ------------------------------------------------------------------------------------
    def attach(self, canvas: Any) -> None:
        """Draw on ``canvas`` (an ipympl widget, or any Agg canvas) from now on, as the live figure."""
        self._fig.attach(canvas)
        self.connect(canvas)
        self._fig.show()

    def widget(self) -> Any:
        """Controls, preset buttons, the live figure (ipympl) and the status line, in one box."""
        from nnlab.app.widgets import PanelWidgets

        if self.ui is None:
            tune_malloc()  # the live lab: freed arrays stay in the process (nnlab.runtime.malloc); once is enough
            self.ui = PanelWidgets(self)
            if BLAS_THREADS == "auto":
                threads.MONITOR.sample()  # so that the first change a person makes finds a measured interval
        return self.ui.box

    def _ipython_display_(self) -> None:
        from IPython.display import display

        from nnlab.app.widgets import key_guard

        guard = key_guard()
        if guard is not None:  # first: it also prepares the page for the widgets' labels (see key_guard)
            display(guard)
        display(self.widget())

    def draw_failed(self, err: BaseException) -> None:
        """A draw the browser asked for raised: say so in the status line (the state is unchanged)."""
        self.error = self.status = self._message(err)
        if self.ui is not None:
            self.ui.sync(self._state)

    def guarded(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Call ``fn`` under the figure's lock; an exception becomes the status message (for callbacks of widgets
        and mouse events, which may arrive on another thread)."""
        try:
            with self._fig.lock:
                fn(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - never a traceback in the notebook
            self.error = self.status = self._message(err)
            if self.ui is not None:
                self.ui.sync(self._state)


def internal_error(err: BaseException) -> str:
    """The status line for an exception that is a bug of ours, not the student's: a short reference that also
    stands in the log beside the whole traceback (``logging``, logger "nnlab")."""
    trace = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    ref = f"{zlib.crc32(trace.encode()):08x}"[:6]
    LOG.error("nnlab internal error %s:\n%s", ref, trace)
    return f"internal error {ref} ({type(err).__name__}); not your setting: please report it with this reference"


def panel_threads(view: View | None = None) -> int | None:
    """The BLAS thread limit for the next computation of ``view`` under ``BLAS_THREADS``."""
    if BLAS_THREADS == "auto":
        return threads.choose_threads(threads.MONITOR.others()) if view is None or view.blas_heavy else 1
    return BLAS_THREADS


@contextmanager
def quiet_numerics() -> Iterator[None]:
    """Overflow, NaN and library warnings are states the panel shows, not messages printed in the notebook."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
