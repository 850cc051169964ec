"""Predicates by name: a known issue in the knowledge file names the predicate that evaluates it.

A predicate takes the issue's data and the evidence and returns a Verdict whose conditions say met / not
met / unknown with the evidence read (the engine's enforce_evidence holds every predicate to that).
Register one with `@predicate("name")` in a module listed in RULE_MODULES; the knowledge file refers to
it by that name. An article that needs only a Windows build list and a Stop-code symptom needs no new
predicate at all: `symptom_guidance` (core.diagnosis.guidance) evaluates it from its data.
"""

from __future__ import annotations

from collections.abc import Callable

from core.diagnosis.knowledge import KnownIssue
from core.diagnosis.model import Verdict
from core.evidence import Evidence
from core.named_registry import NamedRegistry

Predicate = Callable[[KnownIssue, Evidence], Verdict]


def _load_rule_modules() -> None:
    # The modules whose @predicate decorators fill the registry, imported by name here (statically, so
    # the frozen build finds them): a new rule module is one more name on this line.
    from core.diagnosis import guidance, virtual_storport  # noqa: F401


_REGISTRY: NamedRegistry[Predicate] = NamedRegistry("known issue", _load_rule_modules)
_PREDICATES = _REGISTRY.entries  # tests add predicates here


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    return _REGISTRY.register(name)


def get_predicate(name: str) -> Predicate:
    return _REGISTRY.get(name)


def registered() -> list[str]:
    return _REGISTRY.names()
