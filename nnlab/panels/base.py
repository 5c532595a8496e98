"""The panel framework: plain-data state -> compute (core) -> picture (viz), with ipywidgets controls.

A panel subclass states only what is particular to it:

- ``defaults``: its whole state as a JSON-serialisable dict;
- ``controls``: :class:`Control` specs, turned into ipywidgets bound to state keys;
- ``presets``: named state changes (one button each);
- ``view_keys``: keys that change only the picture, not the computation;
- ``compute(state)`` with the core, ``draw(figure, result, state)`` once, and
  ``update(artists, result, state)`` in place afterwards.

Controls change the state, the state drives compute, compute drives the picture;
nothing flows backwards. Errors from bad settings and numerical trouble (NaN,
overflow) go to the status line, and the last good picture stays: no traceback
reaches the notebook. The same panel works headless: tests build it, call ``set`` and
read ``result``, ``status`` and the rendered ``image()``. Only ipywidgets features
common to versions 7.8 (which renders in RISE slides) and 8 are used.
"""

from __future__ import annotations

import copy
import html
import json
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

SLIDES_RC = {
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "lines.linewidth": 2.6,
    "lines.markersize": 8,
    "axes.linewidth": 1.3,
}
NOTEBOOK_RC = {"font.size": 10, "axes.titlesize": 11}
SLIDES_SIZE = (13.33, 7.5)  # 16:9


@dataclass(frozen=True)
class Control:
    """A control bound to the state key ``name``.

    ``kind``: 'int', 'float' and 'log' sliders (a 'log' slider's ``low``/``high`` are values, not
    exponents), 'number' (a box to type a number in), 'text' (a line of text), 'choice' (a dropdown
    over ``options``), 'multi' (a multiple selection, stored as a list), 'toggle' (buttons over
    ``options``), 'bool', 'play' (an animation player over 0..``high`` or the state key named by
    ``high_key``), or 'button' (each click adds 1 to an integer state key: "draw a new mask").
    ``continuous=False`` updates on release only, for controls whose update is slow. Controls with
    a ``group`` are gathered in a collapsible section of that name.
    """

    name: str
    label: str
    kind: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple[Any, ...] = ()
    continuous: bool = True
    group: str = ""
    high_key: str = ""
    speed_key: str = ""  # for 'play': the state key holding frames per second

    def to_state(self, value: Any) -> Any:
        """The widget's value as plain state data."""
        return list(value) if self.kind == "multi" else value

    def make_widget(self, value: Any) -> Any:
        import ipywidgets as w

        common = {"description": self.label, "style": {"description_width": "initial"}}
        if self.kind in ("int", "float", "log"):
            common["continuous_update"] = self.continuous
        if self.kind == "int":
            lo, hi = int(self.low), int(self.high)
            return w.IntSlider(value=int(min(max(value, lo), hi)), min=lo, max=hi, step=int(self.step or 1), **common)
        if self.kind == "float":
            lo, hi = float(self.low), float(self.high)
            step = self.step or (hi - lo) / 100
            return w.FloatSlider(value=float(min(max(value, lo), hi)), min=lo, max=hi, step=step, **common)
        if self.kind == "log":
            lo, hi = np.log10(self.low), np.log10(self.high)
            clipped = float(min(max(value, self.low), self.high))
            return w.FloatLogSlider(value=clipped, base=10, min=lo, max=hi, step=self.step or 0.05,
                                    readout_format=".3g", **common)  # fmt: skip
        if self.kind == "number":
            return w.FloatText(value=float(value), **common)
        if self.kind == "text":
            return w.Text(value=str(value), continuous_update=False, **common)
        if self.kind == "choice":
            return w.Dropdown(options=list(self.options), value=value, **common)
        if self.kind == "multi":
            return w.SelectMultiple(options=list(self.options), value=tuple(value), rows=min(len(self.options), 6),
                                    **common)  # fmt: skip
        if self.kind == "button":
            return w.Button(description=self.label, layout=w.Layout(width="auto"))
        if self.kind == "play":
            return w.Play(value=int(value), min=0, max=int(self.high or 0), step=1, interval=50, description=self.label)
        if self.kind == "toggle":
            return w.ToggleButtons(options=list(self.options), value=value, **common)
        if self.kind == "bool":
            return w.Checkbox(value=bool(value), indent=False, **common)
        raise ValueError(f"kind={self.kind!r} is not valid; choose int, float, log, number, text, choice, multi, "
                         "toggle, bool, play or button")  # fmt: skip

    def play_interval(self, state: dict[str, Any]) -> int:
        """Milliseconds between frames of a 'play' control, from the state key ``speed_key``."""
        return max(10, round(1000 / state[self.speed_key])) if self.speed_key else 50


def _with_high(control: Control, state: dict[str, Any]) -> Control:
    """The control with its upper bound taken from the state key ``control.high_key``."""
    from dataclasses import replace

    return replace(control, high=state[control.high_key])


class Panel:
    """Base class of every panel; see the module docstring for what a subclass provides."""

    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}
    controls: ClassVar[tuple[Control, ...]] = ()
    presets: ClassVar[dict[str, dict[str, Any]]] = {}
    view_keys: ClassVar[frozenset[str]] = frozenset()
    figsize: ClassVar[tuple[float, float]] = (11.0, 5.5)

    def __init__(self, **state: Any) -> None:
        self._state: dict[str, Any] = copy.deepcopy({**self.defaults, "slides": False})
        self._check_keys(state)
        self._state.update(copy.deepcopy(state))
        self.result: Any = None
        self.artists: Any = None
        self.status = ""
        self.error: str | None = None
        self._computed_for: dict[str, Any] | None = None
        self._widgets: dict[str, Any] = {}
        self._status_widget: Any = None
        self._live_canvas = False
        self._background: Any = None
        self._live: Any = None
        self._needs_full_draw = True
        self._syncing = False
        self.figure = Figure(figsize=self._figsize())
        FigureCanvasAgg(self.figure)
        self._refresh(rebuild=True)

    # --- state -------------------------------------------------------------------------------
    @property
    def state(self) -> dict[str, Any]:
        """A copy of the whole state: JSON-serialisable, and enough to rebuild the picture."""
        return copy.deepcopy(self._state)

    def set(self, **changes: Any) -> None:
        """Change state keys and update the picture; bad values show in :attr:`status`, not as exceptions."""
        self._check_keys(changes)
        self._state.update(copy.deepcopy(changes))
        self._sync_widgets(changes)
        self._refresh(rebuild="slides" in changes)

    def apply_preset(self, name: str) -> None:
        """Apply the named preset (see ``presets``)."""
        if name not in self.presets:
            raise ValueError(f"preset={name!r} is not valid; choose one of: {', '.join(self.presets)}")
        self.set(**self.presets[name])

    def to_json(self) -> str:
        return json.dumps(self._state, sort_keys=True)

    def _check_keys(self, changes: dict[str, Any]) -> None:
        unknown = sorted(set(changes) - set(self.defaults) - {"slides"})
        if unknown:
            raise ValueError(
                f"{type(self).__name__} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters are: {', '.join([*self.defaults, 'slides'])}"
            )

    # --- what a subclass provides -------------------------------------------------------------
    def check(self, state: dict[str, Any]) -> None:
        """Raise ValueError for settings that cannot be computed (shown in the status line)."""

    def compute(self, state: dict[str, Any]) -> Any:
        raise NotImplementedError

    def draw(self, figure: Figure, result: Any, state: dict[str, Any]) -> Any:
        raise NotImplementedError

    def update(self, artists: Any, result: Any, state: dict[str, Any]) -> None:
        """Update the artists in place; by default, draw again from scratch."""
        self.figure.clear()
        self.artists = self.draw(self.figure, result, state)

    def describe(self, result: Any, state: dict[str, Any]) -> str:
        """A status message about a good result (divergence, say); empty when there is nothing to say."""
        return ""

    def connect(self, canvas: Any) -> None:
        """Connect mouse events of the live canvas (``canvas.mpl_connect``); nothing by default."""

    def dynamic_artists(self) -> list[Any]:
        """Artists that change on every update. When a panel names them, a live canvas redraws only these
        over a saved background (blitting: a few ms instead of a full draw of ticks and text); everything
        else must then change only when the figure is rebuilt. None by default: full draws."""
        return []

    def compute_key(self, state: dict[str, Any]) -> dict[str, Any]:
        """What the computation depends on: by default the state without the view keys. A new key recomputes."""
        return {k: v for k, v in state.items() if k not in self.view_keys and k != "slides"}

    # --- the cycle ----------------------------------------------------------------------------
    def _refresh(self, rebuild: bool = False) -> None:
        state = self.state
        try:
            self.check(state)
            needed = self.compute_key(state)
            with np.errstate(all="ignore"):  # overflow and NaN are states to show, not warnings to print
                if self.result is None or needed != self._computed_for:
                    result = self.compute(state)
                    self._computed_for = needed
                else:
                    result = self.result
                with self._style():
                    if rebuild or self.artists is None:
                        self.figure.clear()
                        self.figure.set_size_inches(*self._figsize(), forward=self._live_canvas)
                        self.artists = self.draw(self.figure, result, state)
                        self._needs_full_draw = True
                    else:
                        artists = self.artists
                        self.update(artists, result, state)
                        self._needs_full_draw |= self.artists is not artists  # update chose to rebuild
                self.result = result
                self.error = None
                self.status = self.describe(result, state)
        except (ValueError, TypeError, ArithmeticError, np.linalg.LinAlgError, MemoryError) as err:
            self.error = self.status = str(err)
        except Exception as err:  # a bug of ours: say so in the panel rather than with a traceback
            self.error = self.status = f"internal error ({type(err).__name__}: {err}); please report it"
            self._last_traceback = traceback.format_exc()
        self._show()

    def _figsize(self) -> tuple[float, float]:
        return SLIDES_SIZE if self._state.get("slides") else self.figsize

    @contextmanager
    def _style(self) -> Iterator[None]:
        with matplotlib.rc_context(SLIDES_RC if self._state.get("slides") else NOTEBOOK_RC):
            yield

    def _show(self) -> None:
        if self._status_widget is not None:
            self._status_widget.value = self._status_html()
        if not self._live_canvas:
            return
        canvas = self.figure.canvas
        dynamic = self.dynamic_artists()
        with self._style():
            if not dynamic or self._needs_full_draw or self._background is None:
                for artist in dynamic:
                    artist.set_animated(True)
                canvas.draw()  # the draw_event hook saves the background and adds the dynamic artists
                self._needs_full_draw = False
            else:
                canvas.restore_region(self._background)
                for artist in dynamic:
                    artist.set_animated(True)  # artists made anew by update (a legend, say) too
                    self.figure.draw_artist(artist)
                canvas.blit(self.figure.bbox)

    def attach(self, canvas: Any) -> None:
        """Make ``canvas`` (the ipympl widget, or any Agg canvas) this panel's live canvas."""
        self._live = canvas
        self.figure.set_canvas(canvas)
        self._live_canvas = True
        self._needs_full_draw = True

        def on_full_draw(event: Any) -> None:
            # After any full draw (ours, or one the browser asked for): keep the static picture, add the rest.
            dynamic = [a for a in self.dynamic_artists() if a.get_animated()]
            if dynamic:
                self._background = canvas.copy_from_bbox(self.figure.bbox)
                for artist in dynamic:
                    self.figure.draw_artist(artist)

        canvas.mpl_connect("draw_event", on_full_draw)
        self.connect(canvas)
        self._show()

    @contextmanager
    def _everything_drawn(self) -> Iterator[None]:
        """Draw the dynamic artists in ordinary draws too (for pictures saved or rendered off screen)."""
        dynamic = [a for a in self.dynamic_artists() if a.get_animated()]
        for artist in dynamic:
            artist.set_animated(False)
        try:
            yield
        finally:
            for artist in dynamic:
                artist.set_animated(True)

    def _status_html(self) -> str:
        if self.error:
            return f"<span style='color:#b00020'>&#9888; {html.escape(self.error)}</span>"
        if self.status:
            return f"<span style='color:#8a5a00'>{html.escape(self.status)}</span>"
        return "<span style='color:#777'>ready</span>"

    # --- output -------------------------------------------------------------------------------
    def image(self) -> np.ndarray:
        """The current picture as an RGBA array (rendered with Agg)."""
        target = FigureCanvasAgg(self.figure) if self._live_canvas else self.figure.canvas
        with self._style(), self._everything_drawn():
            target.draw()
        image = np.asarray(target.buffer_rgba()).copy()
        if self._live_canvas:
            self.figure.set_canvas(self._live)
        return image

    def save(self, path: str | Path, dpi: int | None = None) -> Path:
        """Write the current picture as PNG, SVG or PDF (by the file's extension)."""
        path = Path(path)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg", "pdf"):
            raise ValueError(f"path={str(path)!r}: the extension must be .png, .svg or .pdf")
        with self._style(), self._everything_drawn():
            self.figure.savefig(path, format=fmt, dpi=dpi or (200 if self._state.get("slides") else 120))
        return path

    # --- widgets ------------------------------------------------------------------------------
    def widget(self) -> Any:
        """Controls, preset buttons, the live figure (ipympl) and the status line, in one box."""
        import ipywidgets as w
        from ipympl.backend_nbagg import Canvas, FigureManager

        if not self._live_canvas:
            canvas = Canvas(self.figure)
            # ipympl 0.10 keeps a bare base64 PNG in _data_url while its frontend uses the value as an
            # image src; a figure drawn before the browser initialises the widget (ours are) then breaks
            # the view ("drawImage ... broken", a 0 x 0 canvas). Not syncing it makes the browser ask for
            # the picture once it is ready.
            canvas.syncing_data_url = False
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.resizable = False
            FigureManager(canvas, 0)
            self.attach(canvas)
        rows, groups = [], {}
        for control in self.controls:
            value = self._state[control.name]
            widget = (control if not control.high_key else _with_high(control, self._state)).make_widget(value)
            if control.kind == "play":
                widget.interval = control.play_interval(self._state)
            if control.kind == "button":  # a button has no value to keep in step with the state
                widget.on_click(lambda _b, name=control.name: self._guarded(self.set, **{name: self._state[name] + 1}))
            else:
                widget.observe(self._on_widget(control), names="value")
                self._widgets[control.name] = widget
            (groups.setdefault(control.group, []) if control.group else rows).append(widget)
        buttons = []
        for name in self.presets:
            button = w.Button(description=name, layout=w.Layout(width="auto"))
            button.on_click(lambda _b, name=name: self._guarded(self.apply_preset, name))
            buttons.append(button)
        self._status_widget = w.HTML(self._status_html())
        header = w.HTML(f"<b>{html.escape(self.title)}</b> {self.description}")
        grid = w.Box(rows, layout=w.Layout(display="flex", flex_flow="row wrap"))
        parts = [header, grid]
        if groups:  # one collapsed section with a tab per group keeps the figure in view
            tabs = w.Tab(children=[w.VBox(ws) for ws in groups.values()])
            for i, title in enumerate(groups):
                tabs.set_title(i, title)
            section = w.Accordion(children=[tabs])
            section.set_title(0, "hyperparameters")
            section.selected_index = None
            parts.append(section)
        if buttons:
            parts.append(w.Box(buttons, layout=w.Layout(display="flex", flex_flow="row wrap")))
        parts += [self.figure.canvas, self._status_widget]
        return w.VBox(parts)

    def _on_widget(self, control: Control):
        def handler(change: dict[str, Any]) -> None:
            if not self._syncing:
                self._guarded(self.set, **{control.name: control.to_state(change["new"])})

        return handler

    def _guarded(self, fn, *args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except Exception as err:  # never a traceback in the notebook
            self.error = self.status = str(err)
            self._show()

    def _sync_widgets(self, changes: dict[str, Any]) -> None:
        self._syncing = True
        try:
            for control in self.controls:
                widget = self._widgets.get(control.name)
                if widget is None or control.kind == "button":
                    continue
                if control.high_key in changes:
                    widget.max = int(self._state[control.high_key])
                if control.speed_key in changes:
                    widget.interval = control.play_interval(self._state)
                if control.name in changes:
                    value = changes[control.name]
                    value = tuple(value) if control.kind == "multi" else value
                    if widget.value != value:
                        try:
                            widget.value = value
                        except Exception:  # a value the widget cannot show (outside a slider's range, say)
                            pass
        finally:
            self._syncing = False

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget())
