"""Binary .evtx files through the Rust-backed `evtx` package (see docs/library-choices.md).

The library renders each record as XML text; a cheap look at the <EventID> and provider name decides
whether the record is worth parsing at all, so almost every record of a large log costs two string
searches. Our own pass over the chunk headers (128 bytes per 64 KiB chunk) tells how many records the
file really holds: live-copied logs have stale headers (FACTS §7), and the library stops silently at a
truncated chunk, so the difference is what we report as unreadable.
"""

from __future__ import annotations

import logging
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import FormatError, NotRecognisedError, TruncatedError, unreadable
from core.events.model import EventReadResult
from core.events.relevant import ANY_ID_PROVIDERS, RELEVANT_IDS, count_key, is_relevant
from core.events.xmlrecord import BadEventError, element_to_record, parse_time
from core.evidence_ref import Problem, Severity
from core.progress import NEVER_CANCELLED, CancelToken

log = logging.getLogger(__name__)

FILE_MAGIC = b"ElfFile\x00"
CHUNK_MAGIC = b"ElfChnk\x00"
HEADER_BLOCK = 0x1000
CHUNK_SIZE = 0x10000
# A record is at least 24 bytes of header plus a BinXML body, so a 64 KiB chunk cannot hold more than
# a few thousand; anything larger is a damaged header, not a count to trust.
MAX_RECORDS_PER_CHUNK = CHUNK_SIZE // 24
MAX_LIBRARY_ERRORS = 100_000  # a safety stop; each error consumes a record or a chunk
CANCEL_EVERY = 2048
PROVIDER_ATTR = '<Provider Name="'


@dataclass
class ChunkCensus:
    header_chunk_count: int = 0
    header_next_record: int = 0
    header_dirty: bool = False
    chunks_with_records: int = 0
    damaged_chunks: list[int] = field(default_factory=list)
    declared_records: int = 0
    truncated_chunk: int | None = None


def chunk_census(path: Path) -> ChunkCensus:
    """Read the file header and every chunk header; never more than 128 bytes at a time."""
    try:
        with path.open("rb") as fh:
            header = fh.read(HEADER_BLOCK)
            if len(header) < 8 or header[:8] != FILE_MAGIC:
                raise NotRecognisedError("not an .evtx event log", path=path, offset=0,
                                         expected="the signature 'ElfFile'")
            if len(header) < 128:
                raise TruncatedError("the .evtx file header is cut short", path=path, offset=len(header),
                                     expected="a 4096-byte file header")
            census = ChunkCensus()
            census.header_next_record = struct.unpack_from("<Q", header, 24)[0]
            census.header_chunk_count = struct.unpack_from("<H", header, 42)[0]
            census.header_dirty = bool(struct.unpack_from("<I", header, 120)[0] & 1)
            index = 0
            while True:
                offset = HEADER_BLOCK + index * CHUNK_SIZE
                fh.seek(offset)
                head = fh.read(128)
                if not head:
                    break
                if head[:8] == CHUNK_MAGIC and len(head) >= 40:
                    first, last = struct.unpack_from("<QQ", head, 24)
                    if first <= last and last - first < MAX_RECORDS_PER_CHUNK:
                        census.declared_records += last - first + 1
                        census.chunks_with_records += 1
                    else:
                        census.damaged_chunks.append(index)
                    fh.seek(offset + CHUNK_SIZE - 1)
                    if not fh.read(1):
                        census.truncated_chunk = index
                elif head.strip(b"\x00"):
                    # Preallocated, never-used chunks are all zeros; anything else was a chunk once.
                    census.damaged_chunks.append(index)
                index += 1
            return census
    except OSError as exc:
        raise unreadable(path, exc) from exc


def _library_records(path: Path) -> Iterator[dict[str, Any] | Exception]:
    """The library's records, with its per-record/per-chunk errors yielded instead of ending the loop
    (a `for` loop over the iterator would stop at the first damaged record)."""
    from evtx import PyEvtxParser  # imported here so that XML-only use does not need the extension

    try:
        records = PyEvtxParser(str(path)).records()
    except OSError as exc:
        if exc.errno is not None:
            raise unreadable(path, exc) from exc
        raise FormatError(f"the event log library could not open it: {exc}", path=path, offset=0,
                          expected="a valid .evtx file header") from exc
    except Exception as exc:  # the extension raises RuntimeError for format errors
        raise FormatError(f"the event log library could not open it: {exc}", path=path, offset=0,
                          expected="a valid .evtx file header") from exc
    errors = 0
    while True:
        try:
            record = next(records)
            if record is not None:
                yield record
        except StopIteration:
            return
        except Exception as exc:
            errors += 1
            yield exc
            if errors >= MAX_LIBRARY_ERRORS:
                return


def read_evtx(path: Path, label: str, cancel: CancelToken = NEVER_CANCELLED) -> EventReadResult:
    census = chunk_census(path)
    result = EventReadResult(origin=label)
    library_errors: list[str] = []
    # ISO timestamps compare correctly as strings; parsing every one would cost more.
    first = last = ""
    read = 0
    relevant_ids, any_id, attr, attr_len = RELEVANT_IDS, ANY_ID_PROVIDERS, PROVIDER_ATTR, len(PROVIDER_ATTR)
    for item in _library_records(path):
        if type(item) is not dict:
            library_errors.append(str(item))
            log.warning("%s: unreadable evtx data: %s", label, item)
            continue
        read += 1
        if not read % CANCEL_EVERY:
            cancel.check()
        # Hot loop, kept flat on purpose: most records cost two string searches (module docstring).
        stamp = item["timestamp"]
        if stamp > last:
            last = stamp
        if stamp < first or not first:
            first = stamp
        xml = item["data"]
        at = xml.find("<EventID")
        gt = xml.find(">", at)
        digits = xml[gt + 1:xml.find("<", gt)]
        if at < 0 or not digits.isdigit():
            library_errors.append(f"record {item.get('event_record_id')} has no event id")
            continue
        if int(digits) not in relevant_ids:
            name_at = xml.find(attr) + attr_len
            if xml[name_at:xml.find('"', name_at)].lower() not in any_id:
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
    result.records_read = read
    # Whole-second prefixes: a finer order within one second does not matter for a log's span.
    result.first_event = parse_time(first[:19] + "Z") if first else None
    result.last_event = parse_time(last[:19] + "Z") if last else None
    _account(result, census, library_errors, label)
    return result


def _account(result: EventReadResult, census: ChunkCensus, errors: list[str], label: str) -> None:
    damaged = census.damaged_chunks
    result.unreadable_chunks = len(damaged)
    result.unreadable_records = max(0, census.declared_records - result.records_read)
    if census.chunks_with_records > census.header_chunk_count:
        result.notes.append(
            f"dirty header: {census.chunks_with_records} chunks hold records but the header counts "
            f"{census.header_chunk_count}; every chunk with a valid signature was read")
    if result.unreadable_records:
        result.problems.append(Problem(
            label, f"{result.unreadable_records} records could not be read"
            + (f" (chunk {census.truncated_chunk} is cut short)" if census.truncated_chunk is not None
               else "") + (f"; first error: {errors[0]}" if errors else ""),
            Severity.WARNING, "events"))
    elif errors:
        result.problems.append(Problem(label, f"{len(errors)} damaged records skipped; first: {errors[0]}",
                                       Severity.WARNING, "events"))
    if damaged:
        shown = ", ".join(str(i) for i in damaged[:5]) + (" ..." if len(damaged) > 5 else "")
        result.problems.append(Problem(
            label, f"{len(damaged)} chunks are damaged (chunk {shown}); the records in them could not be "
                   "read and are not counted above", Severity.WARNING, "events"))
