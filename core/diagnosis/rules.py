"""Predicates by name: a known issue in the knowledge file names the predicate that evaluates it.

A predicate takes the issue's data and the evidence and returns a Verdict. Register new ones with
`@predicate("name")`; the knowledge file refers to them by that name.
"""

from __future__ import annotations

from collections.abc import Callable

from core.diagnosis.knowledge import KnownIssue
from core.diagnosis.model import Verdict
from core.evidence import Evidence

Predicate = Callable[[KnownIssue, Evidence], Verdict]
_PREDICATES: dict[str, Predicate] = {}


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    def register(fn: Predicate) -> Predicate:
        _PREDICATES[name] = fn
        return fn
    return register


def get_predicate(name: str) -> Predicate:
    # Importing the rule modules registers their predicates.
    from core.diagnosis import guidance, virtual_storport  # noqa: F401

    try:
        return _PREDICATES[name]
    except KeyError:
        raise KeyError(f"known issue refers to predicate {name!r}, which is not registered") from None


def registered() -> list[str]:
    from core.diagnosis import guidance, virtual_storport  # noqa: F401

    return sorted(_PREDICATES)
