"""Binary .evtx files through the Rust-backed `evtx` package (see docs/library-choices.md).

The library renders each record as XML text; a cheap look at the <EventID> and provider name decides
whether the record is worth parsing at all. Records are taken in batches and that look is one regex
search run by C code (map, compress), so almost every record of a large log costs no Python bytecode:
the step is bound by the library's own rendering (benchmarks/bench_events.py).

Our own pass over the headers (core.events.evtx_census) tells how many records the file really holds:
live-copied logs have stale headers (FACTS §7), the library skips damaged chunks and records, and a copy
can be cut short, so the difference is what we report as unreadable.

A file that ends inside a chunk is fed to the library through a zero-padded view (padded_file.py): the
library drops a chunk shorter than 64 KiB outright, and that last chunk holds the newest events.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from itertools import compress, islice, repeat
from operator import itemgetter
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
from core.events.xmlrecord import BadEventError, event_head, head_to_record, parse_time
from core.evidence_ref import Problem, Severity
from core.progress import NEVER_CANCELLED, CancelToken

__all__ = ["FILE_MAGIC", "detect", "read_evtx"]

log = logging.getLogger(__name__)

MAX_LIBRARY_ERRORS = 100_000  # a safety stop; each error consumes a record or a chunk
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


def _candidate_flag() -> re.Pattern[str]:
    """_PROVIDER_AND_ID with its groups rearranged so that the match itself says whether the record may
    be relevant: it matches exactly where _PROVIDER_AND_ID does (the same text at the same place), and
    captures a group only for a provider that may be an any-id one (case-insensitively, a superset of
    `provider.lower()` equality), a relevant id (ASCII digits, leading zeros allowed, as int() reads
    them) or an id in other digits. `match.lastindex` is None for every other record: one that has an
    event id and is certainly not relevant. Built from relevant.py's tables, never a list of its own."""
    providers = "|".join(map(re.escape, sorted(ANY_ID_PROVIDERS)))
    ids = "|".join(sorted(map(str, RELEVANT_IDS)))
    # Possessive quantifiers (+) where giving text back could never lead to a match: less bookkeeping.
    return re.compile(rf'<Provider Name="(?:((?i:{providers}))"|[^"]*+")[^<]*+(?:<(?!EventID)[^<]*+)*+'
                      rf"<EventID[^>]*+>(?:0*({ids})|[0-9]++|(\d+))<")


_CANDIDATE_FLAG = _candidate_flag()
# A provider Name the XML parser reads back unchanged: no entity, no character it would normalise.
# (An empty Name makes the parser fall back to EventSourceName, so it is not plain either.)
_PLAIN_NAME = re.compile(r"[^&\t\n\r]+")
# Records taken from the library at a time: few enough that their XML is still in the CPU cache when
# it is searched, enough that the per-batch Python is nothing. Cancel is checked once per batch.
BATCH = 256


def read_evtx(path: Path, label: str, cancel: CancelToken = NEVER_CANCELLED) -> EventReadResult:
    census = chunk_census(path)
    result = EventReadResult(origin=label)
    library_errors: list[str] = []
    # ISO timestamps compare correctly as strings; parsing every one would cost more.
    first = last = ""
    read = 0
    records, source = _open_records(path, census)
    lost = census.cut.lost_ids if census.cut is not None else None
    timestamp_of, data_of = itemgetter("timestamp"), itemgetter("data")
    flag_search, flags = _CANDIDATE_FLAG.search, repeat("lastindex")
    examine = _Examiner(result, library_errors, label)
    errors = 0
    try:
        # Hot loop: almost every record of a large log is looked at only by C code (itemgetter, the
        # regex, compress); Python runs per batch and per candidate record. A damaged record makes the
        # library raise: list.extend keeps the records taken before it, and the next batch goes on
        # after it, so the error is reported and passed as before.
        while True:
            batch: list[dict[str, Any]] = []
            failure: Exception | None = None
            try:
                batch.extend(islice(records, BATCH))
            except Exception as exc:
                failure = exc
            taken = len(batch)
            if lost is not None:  # left by the end of a cut file: counted as unreadable by the census
                batch = [item for item in batch if item is not None and item["event_record_id"] not in lost]
            try:
                stamps = list(map(timestamp_of, batch))
            except TypeError:  # an item that is not a record: skipped, as the library read nothing
                batch = [item for item in batch if item is not None]
                stamps = list(map(timestamp_of, batch))
            if batch:
                read += len(batch)
                high, low = max(stamps), min(stamps)
                if not low:  # an empty timestamp says nothing about the log's span
                    low = min(filter(None, stamps), default="")
                if high > last:
                    last = high
                if low and (not first or low < first):
                    first = low
                # A record whose match captured nothing is certainly irrelevant; one without a match
                # (getattr's default) goes through the full look, which reports a missing event id.
                for item in compress(batch, map(getattr, map(flag_search, map(data_of, batch)), flags,
                                                repeat(True))):
                    examine(item)
            if failure is not None:
                errors += 1
                library_errors.append(str(failure))
                log.warning("%s: unreadable evtx data: %s", label, failure)
                if errors >= MAX_LIBRARY_ERRORS:
                    break
            elif taken < BATCH:
                break
            cancel.check()
    finally:
        if source is not None:
            source.close()
    result.records_read = read
    # Whole-second prefixes: a finer order within one second does not matter for a log's span.
    result.first_event = parse_time(first[:19] + "Z") if first else None
    result.last_event = parse_time(last[:19] + "Z") if last else None
    _account(result, census, library_errors, label)
    return result


class _Examiner:
    """The full look at one record that may be relevant: its provider and id, then the XML parsed
    into an EventRecord when the pair is one the diagnosis reads."""

    def __init__(self, result: EventReadResult, problems: list[str], label: str) -> None:
        self.result, self.problems, self.label = result, problems, label

    def __call__(self, item: dict[str, Any]) -> None:
        xml = item["data"]
        found = _PROVIDER_AND_ID.search(xml)
        if found is not None:
            event_id, provider = int(found.group(2)), found.group(1)
        else:
            only_id = _EVENT_ID.search(xml)
            if only_id is None:
                self.problems.append(f"record {item.get('event_record_id')} has no event id")
                return
            event_id, provider = int(only_id.group(1)), ""
        if event_id not in RELEVANT_IDS and provider.lower() not in ANY_ID_PROVIDERS:
            return
        if _PLAIN_NAME.fullmatch(provider) and not is_relevant(provider, event_id):
            # Another provider's event that shares an id with one we read (Hyper-V-Netvsc 12, ...):
            # the name as written is the name the parser would give, so the XML is not parsed. Its
            # damage, if any, is not reported, as for every other record the diagnosis does not read.
            return
        try:
            head = event_head(ET.fromstring(xml))
        except (ET.ParseError, BadEventError) as exc:
            self.problems.append(f"record {item.get('event_record_id')}: {exc}")
            return
        # Many candidates share an id with a relevant event but come from another provider: only the
        # relevant ones are turned into EventRecords.
        if is_relevant(head.provider, head.event_id, head.level):
            record = head_to_record(head, self.label)
            self.result.records.append(record)
            key = count_key(record.provider, record.event_id)
            self.result.counts[key] = self.result.counts.get(key, 0) + 1


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
    read_verb = "was" if cut.first_id == cut.last_complete_id else "were"
    return text + (f"; {_ids(cut.first_id, cut.last_complete_id)} before the cut {read_verb} read, "
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
