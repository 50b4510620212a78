"""Policy programmes, one module each, found and registered on import.

Every module of this package is imported here; each programme class registers itself when it is
defined (`Programme.__init_subclass__`), so a new programme is a new module, with nothing to list.
A programme defined elsewhere (a test, a plug-in) registers the same way when its module is imported.
`registered()` gives them in the order the model calls them within each phase of the month.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.programmes.base import Programme

_REGISTRY: dict[str, type[Programme]] = {}


def register(cls: type[Programme]) -> None:
    known = _REGISTRY.get(cls.name)
    if known is not None and known.__qualname__ != cls.__qualname__:
        raise ValueError(f"two programmes are called {cls.name!r}: {known.__module__} and {cls.__module__}")
    _REGISTRY[cls.name] = cls


def unregister(name: str) -> None:
    """Forget a programme and its states (for programmes defined in tests)."""
    from sim.state import unregister_owner

    _REGISTRY.pop(name, None)
    unregister_owner(name)


def registered() -> list[type[Programme]]:
    """Every programme, in the order of the month's phases (`order`, then name)."""
    return sorted(_REGISTRY.values(), key=lambda c: (c.order, c.name))


def levers() -> list[type[Programme]]:
    """Programmes a policy mix switches on or off (each has `policy.<name>` settings)."""
    return [c for c in registered() if c.lever]


def by_name(name: str) -> type[Programme]:
    return _REGISTRY[name]


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

from sim.programmes.base import Programme  # noqa: E402

PROGRAMMES = {c.name: c for c in levers()}  # the programmes of sim/ itself; call levers() for later ones

__all__ = ["PROGRAMMES", "Programme", "by_name", "levers", "register", "registered", "unregister"]
