"""Binary .evtx files through the Rust-backed `evtx` package (see docs/library-choices.md).

The library renders each record as XML text; a cheap look at the <EventID> and provider name decides
whether the record is worth parsing at all, so almost every record of a large log costs two string
searches. Our own pass over the headers (core.events.evtx_census) tells how many records the file really
holds: live-copied logs have stale headers (FACTS §7), the library skips damaged chunks and records, and
a copy can be cut short, so the difference is what we report as unreadable.

A file that ends inside a chunk is fed to the library through a zero-padded view (padded_file.py): the
library drops a chunk shorter than 64 KiB outright, and that last chunk holds the newest events.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from core.errors import FormatError, unreadable
from core.events.evtx_census import (
    CHUNK_HEADER_READ,
    CHUNK_SIZE,
    FILE_MAGIC,
    HEADER_BLOCK,
    ChunkCensus,
    chunk_census,
)
from core.events.model import EventReadResult
from core.events.padded_file import ZeroPaddedFile
from core.events.relevant import ANY_ID_PROVIDERS, RELEVANT_IDS, count_key, is_relevant
from core.events.xmlrecord import BadEventError, element_to_record, parse_time
from core.evidence_ref import Problem, Severity
from core.progress import NEVER_CANCELLED, CancelToken

__all__ = ["FILE_MAGIC", "detect", "read_evtx"]

log = logging.getLogger(__name__)

MAX_LIBRARY_ERRORS = 100_000  # a safety stop; each error consumes a record or a chunk
CANCEL_EVERY = 2048
CHUNK_ERROR = re.compile(r"Failed to parse chunk number (\d+)")


def _open_records(path: Path, census: ChunkCensus) -> tuple[Any, ZeroPaddedFile | None]:
    """The library's record iterator (over a zero-padded view when the file ends inside a chunk)
    and that view, which the caller closes."""
    from evtx import PyEvtxParser  # imported here so that XML-only use does not need the extension

    source: ZeroPaddedFile | None = None
    try:
        if census.ends_mid_chunk:
            source = ZeroPaddedFile(path, census.padded_size)
            return PyEvtxParser(source).records(), source
        return PyEvtxParser(str(path)).records(), None
    except OSError as exc:
        if source is not None:
            source.close()
        if exc.errno is not None:
            raise unreadable(path, exc) from exc
        raise FormatError(f"the event log library could not open it: {exc}", path=path, offset=0,
                          expected="a valid .evtx file header") from exc
    except Exception as exc:  # the extension raises RuntimeError for format errors
        if source is not None:
            source.close()
        raise FormatError(f"the event log library could not open it: {exc}", path=path, offset=0,
                          expected="a valid .evtx file header") from exc


# The record's <EventID ...>N</EventID>; N must be all digits (anything else is reported).
_EVENT_ID = re.compile(r"<EventID[^>]*>(\d+)<")
# <Provider Name="..."/> then, before any other element named EventID, the ID.
_PROVIDER_AND_ID = re.compile(r'<Provider Name="([^"]*)"[^<]*(?:<(?!EventID)[^<]*)*<EventID[^>]*>(\d+)<')


def read_evtx(path: Path, label: str, cancel: CancelToken = NEVER_CANCELLED) -> EventReadResult:
    census = chunk_census(path)
    result = EventReadResult(origin=label)
    library_errors: list[str] = []
    # ISO timestamps compare correctly as strings; parsing every one would cost more.
    first = last = ""
    read = 0
    relevant_ids, any_id = RELEVANT_IDS, ANY_ID_PROVIDERS
    event_id_at, provider_and_id = _EVENT_ID.search, _PROVIDER_AND_ID.search
    records, source = _open_records(path, census)
    next_record = records.__next__
    cut = census.cut
    errors = 0
    try:
        # Hot loop, kept flat on purpose (module docstring): `next` by hand, because a `for` loop would
        # end at the first damaged record, whose error the library raises and we report and pass.
        while True:
            try:
                item = next_record()
            except StopIteration:
                break
            except Exception as exc:
                errors += 1
                library_errors.append(str(exc))
                log.warning("%s: unreadable evtx data: %s", label, exc)
                if errors >= MAX_LIBRARY_ERRORS:
                    break
                continue
            if item is None or (cut is not None and cut.is_cut(item["event_record_id"])):
                continue  # left by the end of a cut file: counted as unreadable by the census
            read += 1
            if not read % CANCEL_EVERY:
                cancel.check()
            # Most records cost one regex search and, for other IDs, one provider-name slice.
            stamp = item["timestamp"]
            if stamp > last:
                last = stamp
                if not first:
                    first = stamp
            elif stamp < first:
                first = stamp
            xml = item["data"]
            # One C-level search for the provider and the ID (the provider comes first in <System>);
            # str.find calls and slices for each cost more than the library's own work per record.
            found = provider_and_id(xml)
            if found is not None:
                event_id, provider = int(found.group(2)), found.group(1)
            else:
                only_id = event_id_at(xml)
                if only_id is None:
                    library_errors.append(f"record {item.get('event_record_id')} has no event id")
                    continue
                event_id, provider = int(only_id.group(1)), ""
            if event_id not in relevant_ids and provider.lower() not in any_id:
                continue
            try:
                record = element_to_record(ET.fromstring(xml), label)
            except (ET.ParseError, BadEventError) as exc:
                library_errors.append(f"record {item.get('event_record_id')}: {exc}")
                continue
            if is_relevant(record.provider, record.event_id, record.level):
                result.records.append(record)
                key = count_key(record.provider, record.event_id)
                result.counts[key] = result.counts.get(key, 0) + 1
    finally:
        if source is not None:
            source.close()
    result.records_read = read
    # Whole-second prefixes: a finer order within one second does not matter for a log's span.
    result.first_event = parse_time(first[:19] + "Z") if first else None
    result.last_event = parse_time(last[:19] + "Z") if last else None
    _account(result, census, library_errors, label)
    return result


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _account(result: EventReadResult, census: ChunkCensus, errors: list[str], label: str) -> None:
    damaged = census.damaged_chunks
    # The library names a chunk it skips; those with a broken signature are reported below already.
    chunk_errors = [e for e in errors if (m := CHUNK_ERROR.match(e)) and int(m.group(1)) not in damaged]
    record_errors = [e for e in errors if not CHUNK_ERROR.match(e)]
    missing_ids = census.missing_record_ids()
    # Records of a missing end are counted only when no damaged chunk could be holding them instead.
    missing = missing_ids[1] - missing_ids[0] + 1 if missing_ids and not damaged else 0
    result.unreadable_chunks = len(damaged)
    result.unreadable_records = max(0, census.declared_records - result.records_read) + missing
    if census.chunks_with_records > census.header_chunk_count:
        result.notes.append(
            f"dirty header: {census.chunks_with_records} chunks hold records but the header counts "
            f"{census.header_chunk_count}; every chunk with a valid signature was read")
    first_error = (record_errors + chunk_errors)[:1]
    if result.unreadable_records:
        reasons = []
        if census.truncated_chunk is not None:
            reasons.append(f"chunk {census.truncated_chunk} is cut short")
        if missing:
            reasons.append(f"{missing} missing from the end of the file")
        result.problems.append(Problem(
            label, f"{_plural(result.unreadable_records, 'record')} could not be read"
            + (f" ({'; '.join(reasons)})" if reasons else "")
            + (f"; first error: {first_error[0]}" if first_error else ""),
            Severity.WARNING, "events"))
    else:
        if record_errors:
            result.problems.append(Problem(
                label, f"{_plural(len(record_errors), 'damaged record')} skipped; first: {record_errors[0]}",
                Severity.WARNING, "events"))
        if chunk_errors:
            result.problems.append(Problem(
                label, f"{_plural(len(chunk_errors), 'chunk')} could not be parsed and "
                       f"{'was' if len(chunk_errors) == 1 else 'were'} skipped; first: {chunk_errors[0]}",
                Severity.WARNING, "events"))
    if census.truncated_chunk is not None:
        text, lost = _truncation(census)
        result.problems.append(Problem(label, text, Severity.WARNING if lost else Severity.INFO, "events"))
    if census.missing_chunks() or missing_ids:
        result.problems.append(Problem(label, _missing_end(census, missing_ids), Severity.WARNING,
                                       "events"))
    if damaged:
        shown = ", ".join(str(i) for i in damaged[:5]) + (" ..." if len(damaged) > 5 else "")
        one = len(damaged) == 1
        result.problems.append(Problem(
            label, f"{_plural(len(damaged), 'chunk')} {'is' if one else 'are'} damaged (chunk {shown}); the "
                   f"records in {'it' if one else 'them'} could not be read and are not counted above",
            Severity.WARNING, "events"))


def _truncation(census: ChunkCensus) -> tuple[str, bool]:
    """The sentence about a file that ends inside a chunk, and whether records were lost to it."""
    index = census.truncated_chunk
    assert index is not None
    into = census.file_size - (HEADER_BLOCK + index * CHUNK_SIZE)
    # The Problem names the file; the message says what is wrong with it (reports show both).
    text = (f"The file is truncated: it is {census.file_size:,} bytes and ends {into:,} bytes into "
            f"chunk {index} (offset 0x{census.file_size:X}), before the chunk's 65,536 bytes")
    cut = census.cut
    if cut is None:
        if index not in census.damaged_chunks:
            return text + "; what is left of that chunk is unused (zeros), so no record is lost", False
        if into < CHUNK_HEADER_READ:
            return text + "; too little of that chunk's header is left to tell which records it held", True
        return text + "; that chunk's header is damaged too", True
    if cut.last_complete_id is None:
        return text + f"; not one of its {_ids(cut.first_id, cut.last_id)} is whole", True
    if cut.last_complete_id >= cut.last_id:
        return text + f"; its {_ids(cut.first_id, cut.last_id)} all lie before the cut and were read", False
    return text + (f"; {_ids(cut.first_id, cut.last_complete_id)} before the cut were read, "
                   f"{_ids(cut.last_complete_id + 1, cut.last_id, verb=True)} lost"), True


def _ids(lo: int, hi: int, *, verb: bool = False) -> str:
    """"record 7" / "records 7–9"; with verb, "record 7 is" / "records 7–9 are"."""
    if lo == hi:
        return f"record {lo} is" if verb else f"record {lo}"
    return f"records {lo}–{hi} are" if verb else f"records {lo}–{hi}"


def _missing_end(census: ChunkCensus, missing_ids: tuple[int, int] | None) -> str:
    if census.missing_chunks():
        whole = census.chunk_slots - (1 if census.ends_mid_chunk else 0)
        text = (f"The file ends after {whole} of the {census.header_chunk_count} chunks its header lists"
                + (", inside the next one" if census.ends_mid_chunk else ""))
    else:
        text = (f"The file's header gives {census.header_next_record} as the next record number, but no "
                f"chunk holds a record after {census.highest_record_id}")
    if missing_ids:
        lo, hi = missing_ids
        text += f"; {'at least ' if census.header_dirty else ''}{_ids(lo, hi, verb=True)} missing"
        if census.damaged_chunks:
            text += " (unless they are in the damaged chunks)"
    return text + " — the file was cut or copied incompletely"


def detect(prefix: bytes) -> bool:
    """An .evtx file, from its first bytes (source identification walks these checks)."""
    return prefix.startswith(FILE_MAGIC)
