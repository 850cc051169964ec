"""`read_events(inp)`: one event-log input → its relevant records, whatever its format.

The format is decided by content, not by the name or the source's label: a renamed .evtx or an
export saved as .txt still reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from core.errors import NotRecognisedError, unreadable
from core.events.evtx_reader import detect as detect_evtx
from core.events.evtx_reader import read_evtx
from core.events.model import EventInput, EventReadResult
from core.events.xml_reader import DETECT_SIZE, read_event_xml
from core.events.xml_reader import detect as detect_event_xml
from core.progress import NEVER_CANCELLED, CancelToken
from core.safefs import open_regular


def detect_event_format(path: Path) -> str | None:
    """"evtx", "xml" or None (not an event log), by content."""
    try:
        with open_regular(path) as fh:
            prefix = fh.read(DETECT_SIZE)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    if detect_evtx(prefix):
        return "evtx"
    return "xml" if detect_event_xml(prefix) else None


def read_events(inp: EventInput, cancel: CancelToken = NEVER_CANCELLED) -> EventReadResult:
    """Relevant System-log records of one input. Damaged records are counted in the result; raises a
    DumpDoctorError only when the file cannot be read at all or is not an event log."""
    kind = detect_event_format(inp.path)
    if kind == "evtx":
        return read_evtx(inp.path, inp.label, cancel)
    if kind == "xml":
        return read_event_xml(inp.path, inp.label, cancel)
    raise NotRecognisedError("not an event log", path=inp.path, offset=0,
                             expected="an .evtx file ('ElfFile' signature) or an XML export of <Event> "
                                      "elements")


def merge_reads(results: Iterable[EventReadResult]) -> EventReadResult:
    """Several inputs as one (e.g. System.evtx plus an older archived log)."""
    merged = EventReadResult()
    labels: list[str] = []
    for res in results:
        labels.append(res.origin)
        merged.records.extend(res.records)
        merged.records_read += res.records_read
        merged.unreadable_records += res.unreadable_records
        merged.unreadable_chunks += res.unreadable_chunks
        merged.problems.extend(res.problems)
        merged.notes.extend(f"{res.origin}: {n}" for n in res.notes)
        for when in (res.first_event, res.last_event):
            if when is not None:
                merged.first_event = min(merged.first_event or when, when)
                merged.last_event = max(merged.last_event or when, when)
        for key, n in res.counts.items():
            merged.counts[key] = merged.counts.get(key, 0) + n
    merged.origin = ", ".join(labels)
    return merged
