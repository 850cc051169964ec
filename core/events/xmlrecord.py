"""One <Event> element (from the evtx library's XML rendering or from an XML export) → EventRecord.

Both input kinds go through here so an event means the same thing whichever way it was read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from core.events.model import EventRecord

_TIME = re.compile(
    r"^\s*(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?\s*$"
)
# Windows puts invisible direction marks (U+200E/U+200F) into localised date strings (6008's Data2).
_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202c\ufeff"), None)


class BadEventError(ValueError):
    """An <Event> without the parts every event has (provider, id, time)."""


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


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


def element_to_record(event: ET.Element, origin: str) -> EventRecord:
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
    data: dict[str, str] = {}
    for section in sections:
        _payload(section, data)
    record_el = fields.get("EventRecordID")
    level_el = fields.get("Level")
    version_el = fields.get("Version")
    computer_el = fields.get("Computer")
    return EventRecord(
        provider=provider,
        event_id=event_id,
        time=when,
        record_id=to_int(record_el.text) if record_el is not None else None,
        level=to_int(level_el.text) if level_el is not None else None,
        version=to_int(version_el.text) if version_el is not None else None,
        computer=clean(computer_el.text) or None if computer_el is not None else None,
        data=data,
        source_name=source_name,
        origin=origin,
    )
