"""One <Event> element (from the evtx library's XML rendering or from an XML export) → EventRecord.

Both input kinds go through here so an event means the same thing whichever way it was read. The
readers take an event's head first (provider, id, time, level: event_head) and build the whole record
(head_to_record) only for the events the diagnosis reads.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.events.model import EventRecord

_TIME = re.compile(
    r"^\s*(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?\s*$"
)
# Windows puts invisible direction marks (U+200E/U+200F) into localised date strings (6008's Data2).
_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202c\ufeff"), None)


class BadEventError(ValueError):
    """An <Event> without the parts every event has (provider, id, time)."""


# Local names by ElementTree tag ("{namespace}Name"): a log repeats a few dozen tags in every event,
# and splitting each one again was a third of the cost of reading an event's <System> section.
_LOCAL_NAMES: dict[str, str] = {}
_LOCAL_NAMES_MAX = 1024  # a hostile export may invent any number of tags: those are split each time


def local(tag: str) -> str:
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_MAX:
            _LOCAL_NAMES[tag] = name
    return name


def clean(text: str | None) -> str:
    return (text or "").translate(_INVISIBLE).strip()


def parse_time(text: str) -> datetime | None:
    """ISO 8601 as the logs write it: 6, 7 or 9 fraction digits, Z or an offset; result in UTC."""
    m = _TIME.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac = (m.group(7) or "0")[:6].ljust(6, "0")
    try:
        value = datetime(year, month, day, hour, minute, second, int(frac), tzinfo=UTC)
    except ValueError:
        return None
    zone = m.group(8)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value


def to_int(text: str | None) -> int | None:
    """Decimal or 0x-hex text as the logs write numbers; None when blank or not a number."""
    text = clean(text)
    if not text:
        return None
    try:
        return int(text, 0) if text.lower().startswith("0x") else int(text)
    except ValueError:
        return None


def _payload(section: ET.Element, data: dict[str, str]) -> None:
    """EventData <Data Name=..> items by name, unnamed ones as Data1, Data2, ...; UserData leaves by
    their element name; <Binary> as hex text."""
    unnamed = 0
    for child in section:
        name = local(child.tag)
        if name == "Data":
            key = child.get("Name")
            if not key:
                unnamed += 1
                key = f"Data{unnamed}"
            data[key] = clean(child.text)
        elif name == "Binary":
            data["Binary"] = clean(child.text)
        elif len(child):  # UserData wraps its fields in one provider-specific element
            for leaf in child.iter():
                if leaf is not child and not len(leaf):
                    data.setdefault(local(leaf.tag), clean(leaf.text))
        else:
            data.setdefault(name, clean(child.text))


@dataclass(frozen=True)
class EventHead:
    """What every event has, read from its <System> section: enough to tell whether the event is one
    the diagnosis reads (relevant.is_relevant) before the rest of it is turned into an EventRecord."""

    provider: str
    source_name: str | None
    event_id: int
    time: datetime
    level: int | None
    fields: dict[str, ET.Element]  # <System> children by local name
    sections: list[ET.Element]  # <EventData> / <UserData>


def event_head(event: ET.Element) -> EventHead:
    """The <System> facts of one <Event>; BadEventError when its provider, id or time is missing."""
    system = None
    sections: list[ET.Element] = []
    for child in event:
        name = local(child.tag)
        if name == "System":
            system = child
        elif name in ("EventData", "UserData"):
            sections.append(child)
    if system is None:
        raise BadEventError("no <System> section")
    fields: dict[str, ET.Element] = {local(c.tag): c for c in system}
    provider_el = fields.get("Provider")
    provider, source_name = "", None
    if provider_el is not None:
        source_name = provider_el.get("EventSourceName")
        provider = provider_el.get("Name") or source_name or ""
    event_id = to_int(fields["EventID"].text) if "EventID" in fields else None
    created = fields.get("TimeCreated")
    when = parse_time(created.get("SystemTime") or "") if created is not None else None
    if not provider or event_id is None or when is None:
        raise BadEventError("missing provider, event id or time")
    level_el = fields.get("Level")
    level = to_int(level_el.text) if level_el is not None else None
    return EventHead(provider, source_name, event_id, when, level, fields, sections)


def head_to_record(head: EventHead, origin: str) -> EventRecord:
    """The whole EventRecord of an event whose head was read."""
    data: dict[str, str] = {}
    for section in head.sections:
        _payload(section, data)
    fields = head.fields
    record_el = fields.get("EventRecordID")
    version_el = fields.get("Version")
    computer_el = fields.get("Computer")
    return EventRecord(
        provider=head.provider,
        event_id=head.event_id,
        time=head.time,
        record_id=to_int(record_el.text) if record_el is not None else None,
        level=head.level,
        version=to_int(version_el.text) if version_el is not None else None,
        computer=clean(computer_el.text) or None if computer_el is not None else None,
        data=data,
        source_name=head.source_name,
        origin=origin,
    )
