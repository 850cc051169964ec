"""The .evtx path on files the project generates itself (tests/builders/evtx.py), so CI covers it without
the real samples: the known defect's signature, stale headers, damaged chunks and records, truncated
copies, look-alike events from other providers, and files that are not event logs at all."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from evtx import PyEvtxParser

from core.errors import Cancelled, DumpDoctorError, NotRecognisedError, TruncatedError
from core.events import build_timeline, read_events
from core.events.evtx_reader import BATCH
from core.events.model import EventInput, EventReadResult, NoDumpReason
from core.events.xmlrecord import parse_time
from core.evidence_ref import Severity
from core.progress import CancelToken
from tests.builders import events as b
from tests.builders.evtx import EvtxImage, build_evtx, build_evtx_image, write_evtx

T0 = b.at("2013-05-07 10:00:00.250000")
KP, EL = "Microsoft-Windows-Kernel-Power", "EventLog"


def _read(path: Path) -> EventReadResult:
    return read_events(EventInput("evtx", path, path.name))


def _write(tmp_path: Path, data: bytes, name: str = "System.evtx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _numbered(events: list[b.Ev], first: int = 1) -> list[b.Ev]:
    """Record ids set on the specs, so the XML export carries the same ids as the .evtx."""
    return [dataclasses.replace(ev, record_id=first + i) for i, ev in enumerate(events)]


def _filler(start, count: int) -> list[b.Ev]:
    """Uptime events (6013): relevant, so every one of them is visible in the result."""
    return [b.eventlog(start + timedelta(minutes=i), 6013, uptime=60 * i) for i in range(count)]


def _every_kind() -> list[b.Ev]:
    later = T0 + timedelta(hours=3)
    return [
        *b.boot(T0, version=(6, 0, 6002, 18005)),
        *b.clean_shutdown(T0 + timedelta(minutes=30)),
        *b.hibernate_crash_d1(T0 + timedelta(hours=1)),
        b.kernel_power_41(later, shape="vista", bugcheck=0x50, params=(1, 2, 3, 4)),
        b.kernel_power_41(later + timedelta(minutes=1), shape="win10", sleep=4),
        b.kernel_power_42(later + timedelta(minutes=2), target_state=4, shape="win10"),
        b.kernel_power_107(later + timedelta(minutes=3)),
        b.power_troubleshooter_1(later + timedelta(minutes=4), sleep_time=later + timedelta(minutes=2)),
        b.bugcheck_1001(later + timedelta(minutes=5), shape="vista"),
        b.bugcheck_1001(later + timedelta(minutes=6), shape="message", dump_path=r"D:\dumps & <more>"),
        *(b.volmgr(later + timedelta(minutes=7 + i), eid) for i, eid in enumerate((45, 46, 49, 161))),
        b.whea(later + timedelta(minutes=12)),
        b.eventlog(later + timedelta(minutes=13), 6013, uptime=123456),
    ]


def _facts(result: EventReadResult) -> list[tuple]:
    return [(r.provider, r.event_id, r.time, r.record_id, r.level, r.version, r.computer, r.data,
             r.source_name) for r in result.records]


# ----------------------------------------------------------------------------- what the writer writes

def test_library_reads_back_every_record_with_its_id_and_time(tmp_path):
    events = _every_kind()
    path = write_evtx(tmp_path / "System.evtx", events, records_per_chunk=7, first_record_id=500)
    # With checksum validation on, a chunk whose header or record CRC32 is wrong yields no records.
    records = list(PyEvtxParser(str(path), validate_checksums=True).records())
    assert [r["event_record_id"] for r in records] == list(range(500, 500 + len(events)))
    # The library writes "2013-05-07T10:00:00.25Z UTC": fraction digits trimmed, zone twice.
    assert [parse_time(r["timestamp"].removesuffix(" UTC")) for r in records] == [e.time for e in events]
    assert all('<Provider Name="' in r["data"] for r in records)


def test_evtx_and_xml_export_of_one_scenario_give_the_same_records(tmp_path):
    events = _numbered(_every_kind(), first=9000)
    from_xml = read_events(EventInput("xml", b.write_export(tmp_path / "System.xml", events), "System.xml"))
    from_evtx = _read(write_evtx(tmp_path / "System.evtx", events, records_per_chunk=5))
    assert len(from_evtx.records) == len(events)
    assert _facts(from_evtx) == _facts(from_xml)
    assert from_evtx.counts == from_xml.counts
    assert (from_evtx.unreadable_records, from_evtx.unreadable_chunks, from_evtx.problems) == (0, 0, [])


def test_field_values_survive_the_binary_format(tmp_path):
    kp41 = b.kernel_power_41(T0, bugcheck=209, params=(0, 2, 0, 0xFFFFF88001234567), sleep=True)
    path = write_evtx(tmp_path / "System.evtx", [kp41, b.eventlog(T0 + timedelta(seconds=1), 6009)],
                      first_record_id=41)
    first, second = _read(path).records
    assert (first.provider, first.event_id, first.record_id, first.level, first.version) == (KP, 41, 41, 1, 2)
    assert first.time == T0
    assert first.data["BugcheckCode"] == "209" and first.data["SleepInProgress"] == "true"
    assert first.data["BugcheckParameter4"] == "0xfffff88001234567"
    assert (second.provider, second.event_id, second.record_id, second.version) == (EL, 6009, 42, None)
    assert second.data["Data2"] == "7600"


def test_untyped_values_read_the_same_as_typed_ones(tmp_path):
    events = _every_kind()
    typed = _read(write_evtx(tmp_path / "typed.evtx", events))
    text = _read(write_evtx(tmp_path / "text.evtx", events, typed=False))
    assert _facts(text) == _facts(typed)


def test_a_big_log_fills_chunks_by_size(tmp_path):
    events = _filler(T0, 600)
    image = build_evtx_image(events)
    assert len(image.chunk_record_ids) > 1  # 600 records do not fit in one 64 KiB chunk
    result = _read(_write(tmp_path, image.data))
    assert result.records_read == 600 and len(result.records) == 600
    assert result.first_event == T0.replace(microsecond=0)
    assert result.last_event == (T0 + timedelta(minutes=599)).replace(microsecond=0)


# ----------------------------------------------------------------------------- (a) the known defect

def test_hibernate_crash_d1_signature_from_evtx(tmp_path):
    events = [*_filler(T0 - timedelta(hours=2), 10), *b.hibernate_crash_d1(T0)]
    result = _read(write_evtx(tmp_path / "System.evtx", events, records_per_chunk=4))
    assert not [r for r in result.records if r.event_id == 1001]
    timeline = build_timeline(result, [], None)
    (restart,) = timeline.unexpected_restarts()
    assert restart.bugcheck_code == 0xD1
    assert restart.dump_written is False
    assert restart.during_hibernate is True
    assert restart.sleep_in_progress is True
    assert restart.no_dump_reason is NoDumpReason.BUGCHECK_ONLY_IN_KERNEL_POWER
    assert "0xD1" in restart.summary and "no dump written" in restart.summary
    assert timeline.records_read == len(events)


# ----------------------------------------------------------------------------- (b) stale header

def test_dirty_header_every_chunk_is_read(tmp_path):
    # The crash lies in the third chunk, past the header's chunk count and next-record number.
    events = [*_filler(T0 - timedelta(hours=3), 8), *b.hibernate_crash_d1(T0)]
    image = build_evtx_image(events, records_per_chunk=len(events) // 3 + 1, dirty_header=True)
    assert len(image.chunk_record_ids) == 3
    result = _read(_write(tmp_path, image.data))
    assert result.records_read == len(events)
    assert len(result.records) == len(events)
    assert (result.unreadable_records, result.unreadable_chunks) == (0, 0)
    assert any("dirty header" in note and "3 chunks" in note for note in result.notes)
    assert result.problems == []  # a stale header under-counts: that is no loss
    (restart,) = build_timeline(result, [], None).unexpected_restarts()
    assert restart.bugcheck_code == 0xD1


# ----------------------------------------------------------------------------- (c) damage in the middle

def _three_chunks() -> EvtxImage:
    return build_evtx_image(_filler(T0, 12), records_per_chunk=4)


def _damaged(image: EvtxImage, offset: int, patch: bytes) -> bytes:
    data = bytearray(image.data)
    data[offset:offset + len(patch)] = patch
    return bytes(data)


def test_chunk_with_bad_signature_loses_only_that_chunk(tmp_path):
    image = _three_chunks()
    data = _damaged(image, EvtxImage.chunk_offset(1), b"NotChnk\x00")
    result = _read(_write(tmp_path, data))
    assert [r.record_id for r in result.records] == [1, 2, 3, 4, 9, 10, 11, 12]
    assert result.unreadable_chunks == 1
    (problem,) = result.problems  # the library's own complaint about the chunk is not repeated
    assert problem.message.startswith("1 chunk is damaged (chunk 1); the records in it could not be read")
    assert "record" not in problem.message.split(";")[0]


def test_record_with_broken_binxml_loses_only_that_record(tmp_path):
    image = _three_chunks()
    data = _damaged(image, image.record_offsets[6] + 24 + 4, b"\x77")  # first token after the fragment header
    result = _read(_write(tmp_path, data))
    assert [r.record_id for r in result.records] == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]
    assert result.unreadable_records == 1
    assert any("1 record could not be read" in p.message for p in result.problems)


def test_record_with_broken_signature_is_counted_not_fatal(tmp_path):
    image = _three_chunks()
    data = _damaged(image, image.record_offsets[6], b"\x00\x00\x00\x00")
    result = _read(_write(tmp_path, data))
    ids = [r.record_id for r in result.records]
    assert {1, 2, 3, 4, 5, 9, 10, 11, 12} <= set(ids)
    assert result.unreadable_records == 12 - len(ids) > 0
    assert result.problems


def _busy_log(count: int) -> list[b.Ev]:
    """A log like a real one: mostly service-control noise, with a relevant event every 40 records
    (some under a provider name in other capitals, which Windows also writes)."""
    events: list[b.Ev] = []
    for i in range(count):
        when = T0 + timedelta(seconds=i)
        if i % 40 == 7:
            events.append(b.kernel_power_41(when, bugcheck=0x9F))
        elif i % 40 == 27:
            events.append(dataclasses.replace(b.volmgr(when, 46), provider="VolMgr"))
        else:
            events.append(b.unrelated(when, "Service Control Manager", 7036))
    return events


def test_damaged_records_deep_in_a_big_log_lose_only_themselves(tmp_path):
    # Around the points where the reader takes the next run of records from the library, and in the
    # middle of one: each damaged record is counted, and everything after it is still read.
    events = _busy_log(3 * BATCH + 50)
    image = build_evtx_image(events)
    damaged = [8, BATCH - 1, BATCH, BATCH + 1, BATCH + 128, 2 * BATCH + 28]
    data = bytearray(image.data)
    for record_id in damaged:
        data[image.record_offsets[record_id] + 24 + 4] = 0x77  # the record's first BinXML token
    result = _read(_write(tmp_path, bytes(data)))
    wanted = [i + 1 for i, ev in enumerate(events) if ev.event_id in (41, 46) and i + 1 not in damaged]
    assert [r.record_id for r in result.records] == wanted
    assert wanted[-1] > 3 * BATCH  # relevant records after the last damage were read
    assert {r.provider for r in result.records} == {KP, "VolMgr"}
    assert (result.records_read, result.unreadable_records) == (len(events) - len(damaged), len(damaged))
    assert any(p.message.startswith(f"{len(damaged)} records could not be read") for p in result.problems)


def test_a_cancelled_scan_stops_reading_a_big_log(tmp_path):
    path = write_evtx(tmp_path / "System.evtx", _busy_log(3 * BATCH))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        read_events(EventInput("evtx", path, path.name), token)


@pytest.mark.parametrize("written", ["0041", "\u0664\u0661"])  # leading zeros; Arabic-Indic digits
def test_an_event_id_written_as_text_is_read_as_its_number(tmp_path, written):
    # Windows stores the id as a number; a log written as text values may carry other spellings of it,
    # which the reader takes as the number they spell (as int() does), deep in a log as at its start.
    crash = dataclasses.replace(b.kernel_power_41(T0 + timedelta(hours=1), bugcheck=0x9F), event_id=written)
    events = [ev for ev in _busy_log(BATCH + 20) if ev.event_id == 7036] + [crash]
    result = _read(write_evtx(tmp_path / "System.evtx", events, typed=False))
    assert [(r.provider, r.event_id) for r in result.records] == [(KP, 41)]
    assert result.records_read == len(events) and not result.problems


# ----------------------------------------------------------------------------- (d) truncated copies

def test_file_cut_mid_chunk_keeps_earlier_chunks_and_counts_the_rest(tmp_path):
    image = _three_chunks()
    data = image.data[:image.record_offsets[11] + 10]  # cut inside record 11 of the last chunk
    result = _read(_write(tmp_path, data))
    ids = [r.record_id for r in result.records]
    assert ids[:8] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert 11 not in ids and 12 not in ids
    assert result.unreadable_records == 12 - len(ids)
    assert any("chunk 2 is cut short" in p.message for p in result.problems)


def test_file_cut_mid_chunk_reads_records_before_the_cut(tmp_path):
    image = _three_chunks()
    data = image.data[:image.record_offsets[11] + 10]
    path = _write(tmp_path, data)
    result = _read(path)
    # the newest events of a copied log are in its last chunk: those before the cut must be read
    assert [r.record_id for r in result.records] == list(range(1, 11))
    assert (result.records_read, result.unreadable_records) == (10, 2)
    # the zeros the library is fed for the rest of the chunk never show up as an event of 1601
    assert result.first_event == T0.replace(microsecond=0)
    assert result.last_event == (T0 + timedelta(minutes=9)).replace(microsecond=0)
    (problem,) = [p for p in result.problems if "truncated" in p.message]
    truncated = problem.message
    assert problem.path.endswith("System.evtx") and f"{len(data):,} bytes" in truncated
    assert f"offset 0x{len(data):X}" in truncated and "chunk 2" in truncated
    assert "records 9–10 before the cut were read, records 11–12 are lost" in truncated
    assert path.read_bytes() == data  # the evidence file is read, never padded in place


def test_file_cut_after_one_record_of_its_chunk_says_so_in_the_singular(tmp_path):
    image = _three_chunks()
    result = _read(_write(tmp_path, image.data[:image.record_offsets[10] + 10]))
    assert [r.record_id for r in result.records] == list(range(1, 10))
    messages = " ".join(p.message for p in result.problems)
    assert "record 9 before the cut was read, records 10–12 are lost" in messages


def test_file_cut_right_after_a_record_loses_nothing_before_it(tmp_path):
    image = _three_chunks()
    result = _read(_write(tmp_path, image.data[:image.record_offsets[12]]))  # record 12 starts at the cut
    assert [r.record_id for r in result.records] == list(range(1, 12))
    assert result.unreadable_records == 1
    messages = " ".join(p.message for p in result.problems)
    assert "records 9–11 before the cut were read, record 12 is lost" in messages


def test_file_cut_inside_an_unused_chunk_loses_nothing(tmp_path):
    image = _three_chunks()
    result = _read(_write(tmp_path, image.data + bytes(0x10000) + bytes(0x3000)))  # preallocated zeros
    assert result.records_read == 12 and result.unreadable_records == 0
    (problem,) = result.problems
    assert "is truncated" in problem.message and "no record is lost" in problem.message
    assert problem.message.startswith("The file is truncated: it is ")
    assert problem.severity is Severity.INFO


def _record_end(image: EvtxImage, record_id: int) -> int:
    at = image.record_offsets[record_id]
    return at + int.from_bytes(image.data[at + 4:at + 8], "little")


def test_every_cut_reads_each_whole_record_and_counts_the_rest(tmp_path):
    image = _three_chunks()
    cuts = sorted({x for rid in range(1, 13) for x in (image.record_offsets[rid] + 1,
                                                       image.record_offsets[rid] + 30,
                                                       _record_end(image, rid) - 1, _record_end(image, rid))}
                  | {EvtxImage.chunk_offset(i) + d for i in (1, 2) for d in (0, 8, 100, 511)})
    for cut in cuts:
        result = _read(_write(tmp_path, image.data[:cut]))
        whole = [rid for rid in range(1, 13) if _record_end(image, rid) <= cut]
        assert [r.record_id for r in result.records] == whole, cut
        # cut inside a chunk: "truncated"; at a chunk boundary: fewer chunks than the header lists
        assert any("truncated" in p.message or "ends after" in p.message for p in result.problems), cut
        if 0 < (cut - 0x1000) % 0x10000 < 40:  # too little of the chunk header to know what it held
            assert result.unreadable_chunks == 1, cut
        else:
            assert result.records_read + result.unreadable_records == 12, cut


def test_file_cut_at_a_chunk_boundary_reports_the_missing_chunks(tmp_path):
    image = _three_chunks()
    result = _read(_write(tmp_path, image.data[:EvtxImage.chunk_offset(2)]))
    assert [r.record_id for r in result.records] == list(range(1, 9))
    assert result.unreadable_records == 4
    messages = [p.message for p in result.problems]
    assert messages[0].startswith("4 records could not be read")
    assert ("The file ends after 2 of the 3 chunks its header lists; records 9–12 are missing — the file "
            "was cut or copied incompletely") in messages
    # The problem names the file already: a message that names it again showed it twice in reports.
    assert not any("System.evtx" in m for m in messages)
    assert not any("truncated" in m for m in messages)  # nothing is cut inside a chunk


def test_missing_chunks_are_reported_even_when_the_next_record_number_is_stale(tmp_path):
    image = build_evtx_image(_filler(T0, 12), records_per_chunk=4, header_chunk_count=5, header_next_record=3)
    result = _read(_write(tmp_path, image.data))
    assert result.records_read == 12
    assert result.unreadable_records == 0  # how many records the lost chunks held is not known
    (problem,) = result.problems
    assert "ends after 3 of the 5 chunks its header lists" in problem.message
    assert "missing" not in problem.message


def test_header_promising_records_no_chunk_holds_is_a_loss(tmp_path):
    image = build_evtx_image(_filler(T0, 12), records_per_chunk=4, header_next_record=21)
    result = _read(_write(tmp_path, image.data + bytes(0x10000)))  # a preallocated, never-used chunk
    assert result.records_read == 12 and result.unreadable_records == 8
    assert any("next record number" in p.message and "records 13–20 are missing" in p.message
               for p in result.problems)


def test_stale_header_counts_are_not_a_loss(tmp_path):
    image = build_evtx_image(_filler(T0, 12), records_per_chunk=4, header_chunk_count=1, header_next_record=5)
    result = _read(_write(tmp_path, image.data + bytes(0x20000)))
    assert (result.records_read, result.unreadable_records, result.unreadable_chunks) == (12, 0, 0)
    assert result.problems == []


def test_file_cut_inside_the_file_header_is_a_project_error(tmp_path):
    path = _write(tmp_path, build_evtx(_filler(T0, 3))[:100])
    with pytest.raises(TruncatedError) as caught:
        _read(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("cut", [4096 + 1, 4096 + 128, 4096 + 511, 4096 + 600, 4096 + 40000])
def test_any_cut_in_the_first_chunk_gives_a_result_or_a_project_error(tmp_path, cut):
    path = _write(tmp_path, build_evtx(_filler(T0, 30))[:cut])
    try:
        result = _read(path)
    except DumpDoctorError as exc:
        assert str(path) in str(exc)
    else:
        assert result.problems  # the loss is reported ...
        # ... and every record is either read or counted (or its chunk is counted as damaged)
        assert result.records_read + result.unreadable_records == 30 or result.unreadable_chunks == 1


# ----------------------------------------------------------------------------- (e) look-alike events

def test_same_ids_under_other_providers_are_not_materialised(tmp_path):
    events = [
        b.unrelated(T0, "Microsoft-Windows-Kernel-Processor-Power", 41),
        b.unrelated(T0 + timedelta(seconds=1), "Application Error", 1001),
        b.unrelated(T0 + timedelta(seconds=2), "Service Control Manager", 6008),
        b.unrelated(T0 + timedelta(seconds=3), "Microsoft-Windows-Kernel-Boot", 12),
        b.unrelated(T0 + timedelta(seconds=4), "disk", 46),
        b.kernel_power_41(T0 + timedelta(seconds=5), bugcheck=0x9F),
        b.bugcheck_1001(T0 + timedelta(seconds=6), code=0x9F),
        b.whea(T0 + timedelta(seconds=7), level=3),  # a corrected error: a warning, not crash evidence
    ]
    result = _read(write_evtx(tmp_path / "System.evtx", events))
    assert result.records_read == len(events)
    assert [(r.provider, r.event_id) for r in result.records] == [
        (KP, 41), ("Microsoft-Windows-WER-SystemErrorReporting", 1001)]
    assert result.counts == {f"{KP}/41": 1, "Microsoft-Windows-WER-SystemErrorReporting/1001": 1}


# ----------------------------------------------------------------------------- (f) not an event log

@pytest.mark.parametrize("content", [
    b"",
    b"MZ\x90\x00" + bytes(4092),
    b"ElfChnk\x00" + bytes(65528),  # a chunk without the file header
    b"<html><body>not a log</body></html>",
])
def test_not_an_evtx_file_is_a_clear_error_naming_it(tmp_path, content):
    path = _write(tmp_path, content, "System.evtx")
    with pytest.raises(NotRecognisedError) as caught:
        _read(path)
    assert str(path) in str(caught.value)
    assert "not an event log" in str(caught.value)
