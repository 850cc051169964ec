"""Functions registered by name, so data can refer to them: a known issue in known_issues.json names its
predicate (core.diagnosis.rules), a readiness check in readiness.json names its check
(core.readiness.checks). Both use this one mechanism, so adding either is a data entry plus, at most,
one small function registered with the decorator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

F = TypeVar("F", bound=Callable[..., object])


class NamedRegistry(Generic[F]):
    def __init__(self, what: str, load: Callable[[], None] | None = None) -> None:
        self.what = what  # "known issue", "readiness check": named in error messages
        self._load = load  # imports the modules whose decorators fill the registry
        self.entries: dict[str, F] = {}

    def register(self, name: str) -> Callable[[F], F]:
        def add(fn: F) -> F:
            old = self.entries.get(name)
            # Two functions under one name would make the data's meaning depend on import order.
            if old is not None and _where(old) != _where(fn):
                raise ValueError(f"{self.what} predicate {name!r} is registered twice "
                                 f"({_where(old)} and {_where(fn)})")
            self.entries[name] = fn
            return fn
        return add

    def _loaded(self) -> dict[str, F]:
        if self._load is not None:
            self._load()
        return self.entries

    def get(self, name: str) -> F:
        try:
            return self._loaded()[name]
        except KeyError:
            raise KeyError(f"a {self.what} refers to predicate {name!r}, which is not registered") from None

    def names(self) -> list[str]:
        return sorted(self._loaded())


def _where(fn: Callable[..., object]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"
