"""Readiness checks and the documents they cite, as reviewed data (resources/knowledge/readiness.json
and sources.json). Adding a check is an entry there plus one predicate in core.readiness.checks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from core.errors import FormatError
from core.readiness.model import SourceDoc, Weight
from core.resources import load_json, resource_path

READINESS_FILE = ("knowledge", "readiness.json")
SOURCES_FILE = ("knowledge", "sources.json")


@dataclass(frozen=True)
class FixSpec:
    id: str
    title: str
    detail: str = ""
    command: str | None = None


@dataclass(frozen=True)
class CheckSpec:
    id: str
    predicate: str
    label: str
    weight: Weight
    essential: bool
    sources: tuple[str, ...]
    fix: FixSpec | None
    unconfirmed: str = ""


@dataclass(frozen=True)
class ReadinessKnowledge:
    checks: tuple[CheckSpec, ...]
    sources: dict[str, SourceDoc]

    def docs(self, ids: tuple[str, ...] | list[str]) -> list[SourceDoc]:
        return [self.sources[i] for i in ids if i in self.sources]


def _bad(what: str, file: tuple[str, str]) -> FormatError:
    return FormatError(what, path=resource_path(*file), expected="the documented shape (format_version 1)")


def parse_sources(data: Any) -> dict[str, SourceDoc]:
    if (not isinstance(data, dict) or data.get("format_version") != 1
            or not isinstance(data.get("sources"), dict)):
        raise _bad("unsupported sources file", SOURCES_FILE)
    out: dict[str, SourceDoc] = {}
    for key, raw in data["sources"].items():
        if not isinstance(raw, dict) or not isinstance(raw.get("title"), str):
            raise _bad(f"sources[{key!r}] has no title", SOURCES_FILE)
        out[key] = SourceDoc(key, raw["title"], raw.get("link"))
    return out


def parse_readiness(data: Any, sources: dict[str, SourceDoc]) -> ReadinessKnowledge:
    if (not isinstance(data, dict) or data.get("format_version") != 1
            or not isinstance(data.get("checks"), list)):
        raise _bad("unsupported readiness file", READINESS_FILE)
    checks: list[CheckSpec] = []
    for index, raw in enumerate(data["checks"]):
        where = f"checks[{index}]"
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str)
                                                for k in ("id", "predicate", "label")):
            raise _bad(f"{where} needs id, predicate and label", READINESS_FILE)
        try:
            weight = Weight(str(raw.get("weight")))
        except ValueError:
            allowed = [w.value for w in Weight]
            raise _bad(f"{where}: weight must be one of {allowed}", READINESS_FILE) from None
        cited = tuple(raw.get("sources", []))
        unknown = [s for s in cited if s not in sources]
        if unknown or not cited:
            raise _bad(f"{where}: cites no source or unknown sources {unknown}", READINESS_FILE)
        fix_raw = raw.get("fix")
        fix = FixSpec(fix_raw["id"], fix_raw["title"], fix_raw.get("detail", ""), fix_raw.get("command")) \
            if isinstance(fix_raw, dict) else None
        checks.append(CheckSpec(raw["id"], raw["predicate"], raw["label"], weight, bool(raw.get("essential")),
                                cited, fix, str(raw.get("unconfirmed", ""))))
    return ReadinessKnowledge(tuple(checks), sources)


@cache
def load_sources() -> dict[str, SourceDoc]:
    return parse_sources(load_json(*SOURCES_FILE))


@cache
def load_readiness() -> ReadinessKnowledge:
    return parse_readiness(load_json(*READINESS_FILE), load_sources())
