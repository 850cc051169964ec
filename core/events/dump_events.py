"""What each System-log event about crash dumps means (resources/knowledge/dump_events.json).

One table for the meaning of volmgr's IO_DUMP_* events and the WER system events, with whether the
meaning is confirmed by a Microsoft source and what the event says about the dump: "no-dump" (no dump
could be written), "dump-written", "degraded" (written, but something failed on the way) or "unknown".
The timeline, the readiness checks and the reports all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from core.errors import FormatError
from core.resources import load_json, resource_path

DUMP_EVENTS_FILE = ("knowledge", "dump_events.json")
EFFECTS = frozenset({"no-dump", "dump-written", "degraded", "unknown"})


@dataclass(frozen=True)
class DumpEventInfo:
    provider: str  # as the log spells it
    event_id: int
    effect: str  # one of EFFECTS
    confirmed: bool  # False: no Microsoft source gave the meaning; reports must say so
    meaning: str
    source: str | None = None  # id in resources/knowledge/sources.json
    code: str | None = None  # the ntiologc.h name, for volmgr
    progress: bool = False  # 161: the message carries the BugCheckProgress value

    @property
    def wording(self) -> str:
        return self.meaning if self.confirmed else f"{self.meaning} [meaning unconfirmed]"


def parse_dump_events(data: object) -> dict[tuple[str, int], DumpEventInfo]:
    if (not isinstance(data, dict) or data.get("format_version") != 1
            or not isinstance(data.get("events"), list)):
        raise FormatError("unsupported dump events file", path=resource_path(*DUMP_EVENTS_FILE),
                          expected="format_version 1 with an 'events' list")
    table: dict[tuple[str, int], DumpEventInfo] = {}
    for index, raw in enumerate(data["events"]):
        if (not isinstance(raw, dict) or not isinstance(raw.get("provider"), str)
                or not isinstance(raw.get("id"), int) or raw.get("effect") not in EFFECTS
                or not isinstance(raw.get("meaning"), str)):
            raise FormatError(f"events[{index}] is not a valid entry", path=resource_path(*DUMP_EVENTS_FILE),
                              expected=f"provider, id, meaning and effect in {sorted(EFFECTS)}")
        info = DumpEventInfo(raw["provider"], raw["id"], raw["effect"], bool(raw.get("confirmed")),
                             raw["meaning"], raw.get("source"), raw.get("code"), bool(raw.get("progress")))
        table[(info.provider.lower(), info.event_id)] = info
    return table


@cache
def dump_events() -> dict[tuple[str, int], DumpEventInfo]:
    return parse_dump_events(load_json(*DUMP_EVENTS_FILE))


def lookup(provider: str, event_id: int) -> DumpEventInfo | None:
    return dump_events().get((provider.strip().lower(), event_id))


def ids_with_effect(provider: str, *effects: str) -> frozenset[int]:
    key = provider.lower()
    return frozenset(i.event_id for (p, _), i in dump_events().items() if p == key and i.effect in effects)
