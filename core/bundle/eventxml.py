"""Write EventRecords as `wevtutil qe System /f:xml` does: one <Event> element per line, no root
element, UTF-8. The bundle's events/System.xml then reads like the collector's."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.events.model import EventRecord
from core.jsonutil import iso_utc
from core.xmlquote import escape, quoteattr

NAMESPACE = "http://schemas.microsoft.com/win/2004/08/events/event"
_UNNAMED = re.compile(r"^Data\d+$")
# XML 1.0 cannot carry most control characters, even escaped; a damaged record may hold them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_INVALID_XML.sub("\ufffd", value))


def _attr(value: str) -> str:
    return quoteattr(_INVALID_XML.sub("\ufffd", value))


def _system_time(record: EventRecord) -> str:
    # wevtutil prints 100-ns ticks padded to 9 digits; microseconds are all a record keeps here.
    text = iso_utc(record.time)
    if "." not in text:
        text = text[:-1] + ".000000Z"
    return text[:-1] + "000Z"


def event_element(record: EventRecord) -> str:
    provider = f"<Provider Name={_attr(record.provider)}"
    if record.source_name:
        provider += f" EventSourceName={_attr(record.source_name)}"
    parts = [f"<Event xmlns='{NAMESPACE}'><System>", provider + "/>",
             f"<EventID>{record.event_id}</EventID>"]
    if record.version is not None:
        parts.append(f"<Version>{record.version}</Version>")
    if record.level is not None:
        parts.append(f"<Level>{record.level}</Level>")
    parts.append(f"<TimeCreated SystemTime='{_system_time(record)}'/>")
    if record.record_id is not None:
        parts.append(f"<EventRecordID>{record.record_id}</EventRecordID>")
    parts.append("<Channel>System</Channel>")
    if record.computer:
        parts.append(f"<Computer>{_text(record.computer)}</Computer>")
    parts.append("</System>")
    if record.data:
        parts.append("<EventData>")
        for name, value in record.data.items():
            if name == "Binary":
                parts.append(f"<Binary>{_text(value)}</Binary>")
            elif _UNNAMED.match(name):  # classic events: the reader numbers unnamed items again
                parts.append(f"<Data>{_text(value)}</Data>")
            else:
                parts.append(f"<Data Name={_attr(name)}>{_text(value)}</Data>")
        parts.append("</EventData>")
    parts.append("</Event>")
    return "".join(parts)


def events_xml(records: Iterable[EventRecord]) -> str:
    """The whole export: elements separated by CRLF, oldest first, duplicates (same record read from
    two inputs) once."""
    seen: set[tuple[str, int, str, int | None]] = set()
    lines = []
    for record in sorted(records, key=lambda r: (r.time, r.record_id or 0)):
        key = (record.provider.casefold(), record.event_id, iso_utc(record.time), record.record_id)
        if key in seen:
            continue
        seen.add(key)
        lines.append(event_element(record))
    return "".join(line + "\r\n" for line in lines)
