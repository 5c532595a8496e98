"""The state's one door: every state key has a :class:`Param` (a type with options or a range), and every
value that enters a panel (constructor, ``set``, a preset, JSON, a widget) is checked and normalised by it.

Normalising means a panel's state holds only plain JSON values of the declared type (``seed=3.0``
becomes ``3``, ``numpy.int64(3)`` becomes ``3``, a tuple of choices a list), so the same state always
compares, serialises and draws the same. A value outside its range or options is refused with a
message that names the key, the value and what is allowed; the panel keeps its last good state.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from nnlab.core._checks import SettingError

KINDS = ("int", "float", "bool", "choice", "multi", "text", "list")
MAX_TEXT = 500


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Param:
    """What a state key may hold.

    ``kind``: 'int' or 'float' (within ``[low, high]``; either bound may be None for a typed value with
    no natural limit, but a panel should give one: it bounds the work), 'bool', 'choice' (one of
    ``options``), 'multi' (a list of distinct ``options``), 'text' (a string of at most 500 characters) or 'list'
    (a JSON list of at most ``high`` entries, each a list: drawn points, a log of changes).
    """

    kind: str
    low: float | None = None
    high: float | None = None
    options: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SettingError(f"kind={self.kind!r} is not valid; choose one of: {', '.join(KINDS)}")
        if self.kind in ("choice", "multi") and not self.options:
            raise SettingError(f"a {self.kind!r} parameter needs options")

    def allowed(self) -> str:
        """What the key accepts, in words (for messages)."""
        if self.kind in ("int", "float"):
            noun = "an integer" if self.kind == "int" else "a number"
            if self.low is not None and self.high is not None:
                return f"{noun} from {self.low:g} to {self.high:g}"
            if self.low is not None:
                return f"{noun} of at least {self.low:g}"
            if self.high is not None:
                return f"{noun} of at most {self.high:g}"
            return f"a finite {noun.split()[-1]}"
        if self.kind == "bool":
            return "True or False"
        if self.kind == "choice":
            return "one of: " + ", ".join(map(str, self.options))
        if self.kind == "multi":
            return "a list of distinct values from: " + ", ".join(map(str, self.options))
        if self.kind == "list":
            return f"a list of at most {self.high:g} lists of plain values" if self.high else "a list of lists"
        return f"a text of at most {MAX_TEXT} characters"

    def _list(self, value: Any, refuse: str) -> list[Any]:
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise SettingError(refuse)
        if self.high is not None and len(value) > self.high:
            raise SettingError(refuse)
        try:
            plain = json.loads(json.dumps(value, allow_nan=False))  # plain JSON, finite numbers only
        except (TypeError, ValueError):
            raise SettingError(refuse) from None
        if not all(isinstance(entry, list) for entry in plain):
            raise SettingError(refuse)
        return plain

    def normalize(self, key: str, value: Any) -> Any:
        """``value`` as this key's plain JSON value; ValueError or TypeError naming ``key`` otherwise."""
        refuse = f"{key}={_describe(value)} is not valid: {key} must be {self.allowed()}"
        if self.kind == "bool":
            if isinstance(value, bool) or type(value).__name__ == "bool_":
                return bool(value)
            raise SettingError(refuse)
        if self.kind in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, Real):
                raise SettingError(refuse)
            number = float(value)
            if not math.isfinite(number):
                raise SettingError(refuse)
            if self.kind == "int":
                if not isinstance(value, Integral) and not number.is_integer():
                    raise SettingError(refuse)
                out: float = int(value) if isinstance(value, Integral) else int(number)
            else:
                out = number
            if (self.low is not None and out < self.low) or (self.high is not None and out > self.high):
                raise SettingError(refuse)
            return out
        if self.kind == "choice":
            return self._option(value, refuse)
        if self.kind == "list":
            return self._list(value, refuse)
        if self.kind == "multi":
            if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
                raise SettingError(refuse)
            chosen = [self._option(v, refuse) for v in value]
            if len(set(map(repr, chosen))) != len(chosen):
                raise SettingError(f"{key}={_describe(value)} names a value twice; {key} must be {self.allowed()}")
            return chosen
        if not isinstance(value, str):
            raise SettingError(refuse)
        if len(value) > MAX_TEXT:
            raise SettingError(refuse)
        return value

    def _option(self, value: Any, refuse: str) -> Any:
        for option in self.options:
            # A number matches a number option of equal value (4096.0 -> 4096); a bool only a bool.
            same_kind = isinstance(option, bool) == isinstance(value, bool) and (
                isinstance(option, str) == isinstance(value, str)
            )
            try:
                if same_kind and option == value:
                    return option
            except Exception:  # an array compared with an option, say
                break
        raise SettingError(refuse)
