"""Controls: how a state key is shown and changed in the notebook (a slider, a dropdown, a button, ...).

A :class:`Control` is plain data. Its :meth:`Control.param` is the state key's type and range (what the
state accepts); ``nnlab.app.widgets`` turns it into an ipywidget (what the notebook shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nnlab.app.params import Param
from nnlab.core._checks import SettingError

CONTROL_KINDS = ("int", "float", "log", "number", "text", "choice", "multi", "toggle", "bool", "play", "button")


@dataclass(frozen=True)
class Control:
    """A control bound to the state key ``name``.

    ``kind``: 'int', 'float' and 'log' sliders over ``[low, high]`` (a 'log' slider's bounds are values,
    not exponents), 'number' (a box to type a number in, within ``[low, high]``), 'text', 'choice' (a
    dropdown over ``options``), 'multi' (several of ``options``, stored as a list), 'toggle' (buttons over
    ``options``), 'bool', 'play' (an animation player over 0..``high`` or the state key named by
    ``high_key``, at ``speed_key`` frames per second), or 'button' (each click adds 1 to an integer key).
    ``continuous=False`` updates on release only, for controls whose update is slow. Controls with a
    ``group`` are shown together under that heading; ``views`` lists the views in which the control
    matters (empty: all), and it is hidden in the others.
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
    speed_key: str = ""
    views: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in CONTROL_KINDS:
            raise SettingError(f"kind={self.kind!r} is not valid; choose one of: {', '.join(CONTROL_KINDS)}")

    def param(self) -> Param:
        """The type and range of the state key this control sets."""
        if self.kind in ("int", "play", "button"):
            low = 0 if self.kind in ("play", "button") else self.low
            return Param("int", low, self.high if self.kind != "button" else None)
        if self.kind in ("float", "log", "number"):
            return Param("float", self.low, self.high)
        if self.kind in ("choice", "toggle"):
            return Param("choice", options=self.options)
        if self.kind == "multi":
            return Param("multi", options=self.options)
        return Param("bool" if self.kind == "bool" else "text")

    def shown_in(self, view: str | None) -> bool:
        return not self.views or view is None or view in self.views
