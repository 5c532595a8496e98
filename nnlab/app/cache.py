"""A least-recently-used cache bounded by the bytes of what it holds: panels keep recent results (switching
back to a view or a setting is instant) without growing with every setting a student tries."""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np


def nbytes(obj: Any, _seen: set[int] | None = None) -> int:
    """An estimate of the memory held by ``obj``: arrays by their buffers, containers by their items."""
    seen = _seen if _seen is not None else set()
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, dict):
        return sum(nbytes(k, seen) + nbytes(v, seen) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return sum(nbytes(v, seen) for v in obj)
    if hasattr(obj, "__dict__"):
        return nbytes(vars(obj), seen)
    if hasattr(obj, "__slots__"):
        return sum(nbytes(getattr(obj, s, None), seen) for s in obj.__slots__)
    return sys.getsizeof(obj)


class BoundedCache:
    """``key -> value``, evicting the least recently used entries beyond ``max_bytes`` or ``max_items``."""

    def __init__(self, max_bytes: int = 256 * 2**20, max_items: int = 16) -> None:
        self.max_bytes, self.max_items = int(max_bytes), int(max_items)
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        """The value for ``key``, made with ``make()`` (and kept) when it is not held."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key][0]
        value = make()
        size = nbytes(value)
        if size <= self.max_bytes:
            self._items[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes or len(self._items) > self.max_items:
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped
        return value

    def __contains__(self, key: Any) -> bool:
        return key in self._items
