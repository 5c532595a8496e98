"""One registry type for everything the core offers by name: activations, initializers, optimizers,
regularizers and schedules.

A registry maps a name to a class or function. ``build(name, **params)`` checks the name
against the registry and the parameter *names* against the factory's signature before
calling it, so that a bad name or an unknown parameter is reported as such, while a bad
*value* is reported by the factory itself (``lam must be a real number, got str 'x'``)
instead of being swallowed by a broad ``except TypeError``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from nnlab.core._checks import SettingError, check_choice

T = TypeVar("T")


class Registry(dict[str, T], Generic[T]):
    """``name -> factory`` with a checked :meth:`build`.

    ``kind`` names the argument in messages ("activation", "optimizer", ...); ``positional``
    lists the factory's leading arguments that ``build`` passes through (``params`` of an
    optimizer, ``shape`` of an initializer) and that are therefore not keyword parameters.
    """

    def __init__(self, kind: str, positional: tuple[str, ...] = (), entries: dict[str, T] | None = None) -> None:
        super().__init__(entries or {})
        self.kind = kind
        self.positional = positional

    def register(self, name: str, factory: T | None = None) -> Any:
        """Add ``factory`` under ``name``; used bare, it is a class decorator (``@REGISTRY.register("name")``)."""
        if not isinstance(name, str) or not name:
            raise SettingError(f"name must be a non-empty string, got {name!r}")

        def add(obj: T) -> T:
            self[name] = obj
            return obj

        return add if factory is None else add(factory)

    def accepted(self, name: str) -> list[str]:
        """The keyword parameters the factory called ``name`` accepts."""
        signature = inspect.signature(self[name])
        return [
            p.name
            for p in signature.parameters.values()
            if p.name not in self.positional and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]

    def check_params(self, name: str, params: dict[str, Any]) -> None:
        """Raise a TypeError naming every parameter of ``params`` that the factory does not take."""
        factory: Callable[..., Any] = self[name]  # type: ignore[assignment]
        if any(p.kind == p.VAR_KEYWORD for p in inspect.signature(factory).parameters.values()):
            return
        allowed = self.accepted(name)
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            raise SettingError(
                f"{self.kind} {name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"it accepts: {', '.join(allowed) or 'none'}"
            )

    def build(self, name: str, /, *args: Any, **params: Any) -> Any:
        """Check ``name`` and the parameter names, then call the factory with ``args`` and ``params``."""
        check_choice(self.kind, name, self)
        self.check_params(name, params)
        return self[name](*args, **params)  # type: ignore[operator]
