"""Sliders over a list of values: what a person can pick is exactly what the state holds, so nothing echoes.

A slider is an ipywidgets ``SelectionSlider`` whose options are the control's grid (``low`` to ``high`` by
``step``; a log slider's grid in steps of its exponent, rounded to three significant digits: 0.0178, not
0.017782794100389) plus the values the panel's defaults and presets use, and any value the state later takes
(typed in a box, set from code): such a value is added to the options when it is shown. The browser sends an
index, never a float it computed from the slider's position: a value pushed by the kernel comes back, if at
all, as the same index, which is the state already (ipywidgets 8 drops it as unchanged; 7 sends nothing for a
value it was given). A float or log slider of ipywidgets sends rounding noise (1.0 as 1.000000000000002) or a
value snapped to its grid, sometimes after the next preset, which once had to be guessed away.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from typing import Any

from nnlab.app.controls import Control

SLIDER_KINDS = ("int", "float", "log")
LOG_STEP = 0.05  # a log slider's default step of the exponent: 20 values per decade


def label(value: float) -> str:
    """The slider's readout of ``value``: as short as the value allows (0.999, 1e-05, 2000)."""
    return f"{value:.6g}"


def grid(control: Control, high: float | None = None) -> list[float]:
    """The values a slider of ``control`` offers from ``low`` to ``high`` (``high`` overrides the control's)."""
    low, high = control.low, control.high if high is None else high
    if control.kind == "int":
        step = int(control.step or 1)
        return [*range(int(low), int(high) + 1, step)]
    if control.kind == "float":
        step = control.step or (high - low) / 100
        count = int(math.floor((high - low) / step + 1e-9))
        return [float(f"{low + i * step:.12g}") for i in range(count + 1)]
    step = control.step or LOG_STEP
    first, last = math.log10(low), math.log10(high)
    count = int(math.floor((last - first) / step + 1e-9))
    values = {float(f"{10 ** (first + i * step):.3g}") for i in range(count + 1)}
    return sorted(v for v in values | {float(low)} if low <= v <= high)


def merged(values: Iterable[Any], extra: Iterable[Any]) -> list[Any]:
    """``values`` and ``extra`` in order, each once (``extra`` values that are not numbers are left out)."""
    numbers = {v for v in extra if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)}
    return sorted(set(values) | numbers)


def options(values: Iterable[Any]) -> list[tuple[str, Any]]:
    """A SelectionSlider's options: (readout, value) pairs."""
    return [(label(v), v) for v in values]


def make_slider(control: Control, value: Any, extra: Iterable[Any] = (), high: float | None = None) -> Any:
    """The slider of ``control`` showing ``value``: its grid plus ``extra`` (the presets' values) and ``value``."""
    import ipywidgets as w

    values = merged(grid(control, high), [*extra, value])
    return w.SelectionSlider(options=options(values), value=value, description=control.label,
                             continuous_update=control.continuous, style={"description_width": "initial"})  # fmt: skip


def is_slider(widget: Any) -> bool:
    """Whether ``widget`` is one of these sliders."""
    import ipywidgets as w

    return isinstance(widget, w.SelectionSlider)


def show(widget: Any, value: Any, high_grid: list[Any] | None = None) -> None:
    """Make ``widget`` show ``value``, adding it to the options if it is not one (``high_grid``: new options, for
    a slider whose upper bound follows another setting). Options and value reach the browser in one message."""
    offered = [v for _label, v in widget.options]
    values = list(offered if high_grid is None else high_grid)
    if value not in values:
        values.insert(bisect.bisect(values, value), value)
    with widget.hold_sync():
        if values != offered:
            widget.options = options(values)
        widget.value = value
