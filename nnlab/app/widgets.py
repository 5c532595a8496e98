"""A panel's widgets: its controls, preset buttons, live figure and status line, kept in step with its state.

The state is changed by people: a slider offers a list of values and the browser sends which one was picked
(``nnlab.app.sliders``), so a value the kernel pushes never comes back changed. A log slider has a box beside
it that shows the state's exact value and takes a typed one.

Only ipywidgets features common to versions 7.8 (which renders in RISE slides) and 8 are used.
"""

from __future__ import annotations

import html
import os
from typing import TYPE_CHECKING, Any

from nnlab.app import sliders
from nnlab.app.controls import Control

if TYPE_CHECKING:
    from nnlab.app.base import Panel

SPINNER = (
    "<style>@keyframes nnlab-spin{to{transform:rotate(360deg)}}</style>"
    "<span style='display:inline-block;width:0.85em;height:0.85em;margin-right:0.4em;vertical-align:-0.1em;"
    "border:2px solid #bbb;border-top-color:#1f77b4;border-radius:50%;animation:nnlab-spin 0.8s linear infinite'>"
    "</span>"
)
# Keeps keys pressed in a panel inside it: reveal.js (RISE) would change slides, JupyterLab would move between
# cells. One listener on the page's root element stops them on their way up to reveal.js's listener on the
# document; and an arrow key on a slider is marked handled before JupyterLab's shortcuts see it (they are matched
# on the way down, in the capture phase; Lumino skips a prevented key, the slider still moves). Installed once
# per page, by the probe (ipywidgets 8) or as a JavaScript output beside the panel (ipywidgets 7, the slides
# extra, where the probe's front end does not load; RISE renders trusted JavaScript outputs).
KEY_GUARD_JS = """
if (!window.nnlabKeyGuard) {
  window.nnlabKeyGuard = true;
  const keys = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "];
  const inPanel = (event) => keys.includes(event.key) && event.target instanceof Element
    && event.target.closest(".nnlab-panel") !== null;
  window.addEventListener("keydown", (event) => {
    if (inPanel(event) && event.key !== " " && event.target.matches(".ui-slider-handle, .noUi-handle, [role=slider]")) {
      event.preventDefault();
      // Lumino's shortcuts skip keys from inside such an element (RISE 0.42's slide keys are Lumino shortcuts).
      event.target.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  }, true);
  document.documentElement.addEventListener("keydown", (event) => { if (inPanel(event)) event.stopPropagation(); });
}
"""
# The probe also reports the panel's width (and the window's height), so that the figure fits its output area.
PROBE_JS = (
    """
function render({ model, el }) {
  el.style.height = "0px";
  el.style.width = "100%";
  const report = () => {
    const width = Math.round(el.getBoundingClientRect().width), height = window.innerHeight;
    if (width > 0 && (width !== model.get("width") || height !== model.get("height"))) {
      model.set("width", width); model.set("height", height); model.save_changes();
    }
  };
  const observer = new ResizeObserver(report);
  observer.observe(el);
"""
    + KEY_GUARD_JS
    + """
  return () => observer.disconnect();
}
export default { render };
"""
)


# Compact preset and action buttons (a panel has up to 21), so that the strip above the figure stays short.
PANEL_CSS = """<style>
.nnlab-presets .widget-button { height: 26px; line-height: 24px; padding: 0 8px; margin: 2px 4px 2px 0;
  font-size: 12px; }
</style>"""


# Inside a reveal.js slideshow (RISE), where the slide does not scroll and the probe's front end does not load
# (ipywidgets 7): the figure comes first, then the presets and the status line, then the controls (the panel's
# title line last: the slide's room is for what the lecturer uses), and the
# canvas is scaled down (keeping its shape) to fit the slide's height. Plain CSS scoped to ``.reveal``, so
# notebooks and Voila are untouched.
SLIDESHOW_CSS = """<style>
.reveal .nnlab-panel > .jupyter-matplotlib { order: -2; }
.reveal .nnlab-panel > .nnlab-presets, .reveal .nnlab-panel > .nnlab-status { order: -1; }
.reveal .nnlab-panel > .nnlab-title { order: 1; }
.reveal .nnlab-panel .jupyter-matplotlib-canvas-div { width: auto !important; height: auto !important; }
.reveal .nnlab-panel .jupyter-matplotlib-canvas-div canvas:first-child { position: relative !important;
  width: auto !important; height: auto !important; max-width: 100% !important; max-height: 50vh !important; }
.reveal .nnlab-panel .jupyter-matplotlib-canvas-div canvas:not(:first-child) { display: none; }
</style>"""


# ipywidgets 7 typesets every widget label with MathJax 2's ``MathJax.Hub.Queue`` wherever ``window.MathJax`` exists;
# RISE 0.42's page has MathJax 3, which has no Hub: each label threw "Cannot read properties of undefined (reading
# 'Queue')". This gives MathJax 3 the one call ipywidgets 7 makes.
MATHJAX2_QUEUE_JS = """
if (window.MathJax !== undefined && window.MathJax.Hub === undefined) {
  window.MathJax.Hub = {Queue: (job) => {
    const element = Array.isArray(job) ? job[2] : undefined;
    if (element && window.MathJax.typesetPromise) window.MathJax.typesetPromise([element]).catch(() => {});
  }};
}
"""


def key_guard() -> Any:
    """A JavaScript output that keeps keys pressed in a panel inside it (and lets ipywidgets 7 typeset its labels
    under MathJax 3), under ipywidgets 7; None under 8."""
    import ipywidgets
    from IPython.display import Javascript

    if int(ipywidgets.__version__.split(".")[0]) >= 8:
        return None  # the probe guards the keys
    return Javascript(MATHJAX2_QUEUE_JS + KEY_GUARD_JS)


def _probe() -> Any:
    if os.environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        return None  # Voila 0.5 cannot load anywidget's front end ("getter for the shared module ..."); fixed size
    try:
        import anywidget
        import traitlets
    except ImportError:  # the figure keeps its own width
        return None

    class Probe(anywidget.AnyWidget):
        _esm = PROBE_JS
        width = traitlets.Int(0).tag(sync=True)
        height = traitlets.Int(0).tag(sync=True)

    return Probe()


def make_widget(control: Control, value: Any, high: float | None = None, extra: tuple[Any, ...] = ()) -> Any:
    """The ipywidget of ``control`` showing ``value`` (``high``: the upper bound of a 'play' control or of a
    slider that follows another setting; ``extra``: values a slider offers besides its grid, the presets')."""
    import ipywidgets as w

    common = {"description": control.label, "style": {"description_width": "initial"}}
    if control.kind in sliders.SLIDER_KINDS:
        return sliders.make_slider(control, value, extra, high)
    if control.kind == "number":
        return w.FloatText(value=value, layout=w.Layout(width="11em"), **common)
    if control.kind == "text":
        return w.Text(value=value, continuous_update=False, **common)
    if control.kind == "choice":
        return w.Dropdown(options=list(control.options), value=value, **common)
    if control.kind == "multi":
        return w.SelectMultiple(options=list(control.options), value=tuple(value), rows=min(len(control.options), 6),
                                **{**common, "description": f"{control.label} (Ctrl+click: several)"})  # fmt: skip
    if control.kind == "button":
        return w.Button(description=control.label, layout=w.Layout(width="auto"))
    if control.kind == "play":
        return w.Play(value=value, min=0, max=int(high or 0), step=1, interval=50, description=control.label)
    if control.kind == "toggle":
        return w.ToggleButtons(options=list(control.options), value=value, **common)
    return w.Checkbox(value=value, indent=False, **common)


class PanelWidgets:
    """The widgets of one panel; built once by :meth:`Panel.widget`."""

    def __init__(self, panel: Panel) -> None:
        import ipywidgets as w

        from nnlab.render.frames import live_canvas

        self.panel = panel
        self.widgets: dict[str, list[tuple[Control, Any]]] = {}  # state key -> its widgets
        self.boxes: list[tuple[Control, Any]] = []  # what to show or hide per view
        self._syncing = False
        state = panel._state

        # One screen: the presets, the actions and a player's controls in a compact strip above the figure, the
        # status line under it, the other controls below, grouped (rows, or tabs where the panel asks for them).
        strip, rows, groups = [], [], {}
        for control in panel._controls:
            box = self._build(control, state)
            self.boxes.append((control, box))
            if control.kind in ("play", "button"):
                strip.append(box)
            else:
                (groups.setdefault(control.group, []) if control.group else rows).append(box)
        self.status = w.HTML(self._status_html())
        self.anyway = w.Button(description="compute anyway", button_style="warning", layout=w.Layout(display="none"))
        self.anyway.on_click(lambda _b: panel.guarded(panel.compute_anyway))
        title = f"<b>{html.escape(panel.title)}</b> {html.escape(panel.description)}"
        parts = [w.HTML(title + PANEL_CSS + SLIDESHOW_CSS)]
        parts[0].add_class("nnlab-title")
        buttons = []
        if panel.presets or panel.actions:
            for name in panel.presets:
                button = w.Button(description=name, layout=w.Layout(width="auto"), tooltip=f"preset: {name}")
                button.on_click(lambda _b, name=name: panel.guarded(panel.apply_preset, name))
                buttons.append(button)
            for label in panel.actions:  # computed from the current state (tune the learning rates, say)
                button = w.Button(description=label, layout=w.Layout(width="auto"), button_style="info",
                                  tooltip=f"{label}, from the current settings")  # fmt: skip
                button.on_click(lambda _b, label=label: self.run_action(label))
                buttons.append(button)
        if buttons or strip:
            presets = w.Box([*buttons, *strip], layout=w.Layout(display="flex", flex_flow="row wrap"))
            presets.add_class("nnlab-presets")
            parts.append(presets)
        self.probe = _probe()
        if self.probe is not None:
            self.probe.observe(self._on_resize, names=["width", "height"])
            parts.append(self.probe)
        self.canvas = live_canvas(panel.figure, panel._fig.lock, on_error=panel.draw_failed)
        panel.attach(self.canvas)
        status = w.HBox([self.status, self.anyway])
        status.add_class("nnlab-status")
        parts += [self.canvas, status, self._controls_box(rows, groups)]
        self.box = w.VBox(parts)
        self.box.add_class("nnlab-panel")
        self._show_relevant(state)

    # --- building ------------------------------------------------------------------------------------
    def _controls_box(self, rows: list[Any], groups: dict[str, list[Any]]) -> Any:
        """The controls under the status line: the ungrouped ones in a wrapped row, then each group as a row with
        its title (hidden when none of it applies), or as a tab when the panel's ``control_tabs`` says so."""
        import ipywidgets as w

        self.group_boxes = {}
        parts = [w.Box(rows, layout=w.Layout(display="flex", flex_flow="row wrap"))] if rows else []
        if groups and self.panel.control_tabs:
            pages = [
                w.Box(members, layout=w.Layout(display="flex", flex_flow="row wrap")) for members in groups.values()
            ]
            tabs = w.Tab(children=pages)
            for i, title in enumerate(groups):
                tabs.set_title(i, title)
            parts.append(tabs)
        else:
            for title, members in groups.items():
                label = w.HTML(f"<b>{html.escape(title)}</b>", layout=w.Layout(width="7em"))
                self.group_boxes[title] = row = w.HBox([label, *members], layout=w.Layout(flex_flow="row wrap"))
                parts.append(row)
        box = w.VBox(parts)
        box.add_class("nnlab-controls")
        return box

    def _build(self, control: Control, state: dict[str, Any]) -> Any:
        import ipywidgets as w

        panel = self.panel
        high = state[control.high_key] if control.high_key else control.high
        extra = tuple(settings[control.name] for settings in panel.presets.values() if control.name in settings)
        widget = make_widget(control, state[control.name], high, (*extra, panel.state_defaults()[control.name]))
        if control.kind == "play" and control.speed_key:
            widget.interval = self._interval(control, state)
        if control.kind == "button":  # a counter: each click adds 1
            widget.on_click(lambda _b, key=control.name: panel.guarded(panel.set, **{key: panel._state[key] + 1}))
            return widget
        members = [widget]
        if control.kind == "log":  # the exact value, beside the slider's snapped one
            exact = w.FloatText(value=state[control.name], layout=w.Layout(width="7em"))
            members.append(exact)
        for member in members:
            member.observe(self._on_change(control, member), names="value")
            self.widgets.setdefault(control.name, []).append((control, member))
        return widget if len(members) == 1 else w.HBox(members)

    @staticmethod
    def _interval(control: Control, state: dict[str, Any]) -> int:
        return max(10, round(1000 / state[control.speed_key]))

    # --- browser -> state ----------------------------------------------------------------------------------
    def _on_change(self, control: Control, widget: Any):
        def handler(change: dict[str, Any]) -> None:
            if self._syncing:
                return
            value = list(change["new"]) if control.kind == "multi" else change["new"]
            if value == self.panel._state[control.name]:
                return
            self.panel.guarded(self.panel.set, **{control.name: value})

        return handler

    def _on_resize(self, change: dict[str, Any]) -> None:
        """The output area's width or the window's height changed: fit the figure to them. A report brings both
        (one call each); the second finds the figure fitted already. A figure up to 8 px narrower than its room
        is kept (no redraw for a scroll bar's come and go); one wider than its room never is."""
        fig = self.panel._fig
        width, height = self.probe.width, self.probe.height
        # 6: the canvas's margins; 0.6 of the window's height leaves the title, the presets and the status line on
        # the same screen as the figure (1440 x 900 with JupyterLab's bars: tests/e2e/test_browser.py checks it)
        width_px, height_px = width - 6, (int(height * 0.6) if height else None)
        if width <= 0 or (fig.width_px and 0 <= width_px - fig.width_px < 8 and height_px == fig.height_px):
            return
        fig.width_px, fig.height_px = width_px, height_px
        self.panel.guarded(self.panel._change, dict(self.panel._state), [])

    # --- state -> browser ----------------------------------------------------------------------------------
    def sync(self, after: dict[str, Any]) -> None:
        """Show the state ``after`` in every widget that differs from it, and the status line; never raises."""
        self._syncing = True
        try:
            for key, members in self.widgets.items():
                for control, widget in members:
                    try:
                        value = tuple(after[key]) if control.kind == "multi" else after[key]
                        if sliders.is_slider(widget):
                            if control.high_key:  # its options follow another setting
                                sliders.show(widget, value, sliders.grid(control, after[control.high_key]))
                            elif widget.value != value:
                                sliders.show(widget, value)
                            continue
                        if control.high_key and widget.max != after[control.high_key]:
                            widget.max = after[control.high_key]
                        if control.speed_key:
                            widget.interval = self._interval(control, after)
                        if widget.value != value:
                            widget.value = value
                    except Exception:  # noqa: BLE001 - a widget that cannot show a value keeps its own
                        pass
            self._show_relevant(after)
        finally:
            self._syncing = False
        self.status.value = self._status_html()
        self.anyway.layout.display = "" if self.panel._pending is not None else "none"

    def _show_relevant(self, state: dict[str, Any]) -> None:
        for control, box in self.boxes:
            shown = self.panel.shows_control(control, state)
            box.layout.display = "" if shown else "none"
        for title, row in self.group_boxes.items():
            members = [c for c, _ in self.boxes if c.group == title]
            shown = any(self.panel.shows_control(c, state) for c in members)
            row.layout.display = "" if shown else "none"

    def run_action(self, label: str) -> None:
        """An action's button: busy at once (an action may take a second or two), then the action, guarded."""
        self.busy(f"{label}...")
        self.panel.guarded(self.panel.act, label)
        self.sync(self.panel._state)  # an action without a message (pause, stop) must not leave the spinner

    def busy(self, message: str) -> None:
        self.status.value = f"<span style='color:#1f4e79'>{SPINNER}{html.escape(message)}</span>"

    def _status_html(self) -> str:
        panel = self.panel
        if panel.error:
            return f"<span style='color:#b00020'>&#9888; {html.escape(panel.error)}</span>"
        if panel.status:
            return f"<span style='color:#8a5a00'>{html.escape(panel.status)}</span>"
        return "<span style='color:#777'>ready</span>"
