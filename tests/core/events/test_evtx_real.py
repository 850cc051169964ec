"""Real System logs nobody here wrote (../shared/realdata, MANIFEST.md): every count, both Win7 crashes,
dirty headers, and damage that must be counted rather than lost silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import NotRecognisedError, TruncatedError
from core.events import build_timeline, read_events
from core.events.kinds import KernelPower41, classify
from core.events.model import EventInput, NoDumpReason, TimelineKind

pytestmark = pytest.mark.realdata

WIN7 = "evtx/System_win7sp1.evtx"
WIN10 = "evtx/System_win10-1809.evtx"
LARGE = "evtx/System_ws2012r2_large.evtx"


def _read(path: Path):
    return read_events(EventInput("evtx", path, path.name))


def _count(result, provider: str, event_id: int) -> int:
    return sum(1 for r in result.records if r.provider.lower() == provider.lower() and r.event_id == event_id)


KP, EL, KG = "Microsoft-Windows-Kernel-Power", "EventLog", "Microsoft-Windows-Kernel-General"
WER, PT = "Microsoft-Windows-WER-SystemErrorReporting", "Microsoft-Windows-Power-Troubleshooter"


@pytest.mark.parametrize(("sample", "records", "counts"), [
    (WIN7, 1601, {(KP, 41): 2, (EL, 6008): 2, (EL, 6005): 5, (EL, 6006): 3, (EL, 6009): 5, (EL, 6013): 32,
                  (WER, 1001): 1, (KG, 12): 5, (KG, 13): 3, (KP, 42): 0, ("volmgr", 46): 0}),
    (WIN10, 1766, {(KP, 41): 5, (KP, 42): 3, (EL, 6008): 3, (EL, 6005): 22, (EL, 6006): 19, (EL, 6009): 22,
                   (PT, 1): 3, (KG, 12): 22, (KG, 13): 18, (WER, 1001): 0}),
    (LARGE, 60189, {("volmgr", 46): 1, (EL, 6005): 11, (EL, 6006): 10, (EL, 6009): 11, (KG, 12): 11,
                    (KG, 13): 11, (KP, 41): 0, (EL, 6008): 0, (WER, 1001): 0}),
])
def test_manifest_counts(realdata, sample, records, counts):
    result = _read(realdata(sample))
    assert result.records_read == records
    assert result.unreadable_records == 0 and result.unreadable_chunks == 0
    for (provider, event_id), expected in counts.items():
        assert _count(result, provider, event_id) == expected, (provider, event_id)


def test_large_dirty_header_is_read_past_its_chunk_count(realdata):
    result = _read(realdata(LARGE))
    assert result.records_read == 60189  # the header alone would give 1,675
    assert any("dirty header" in note for note in result.notes)
    tl = build_timeline(result, [], None)
    assert tl.unexpected_restarts() == []
    (dump_error,) = [e for e in tl.entries if e.kind is TimelineKind.DUMP_ERROR]
    assert "crash dump initialization failed" in dump_error.summary


def test_win7_both_crashes(realdata):
    tl = build_timeline(_read(realdata(WIN7)), [], None)
    first, second = tl.unexpected_restarts()
    assert first.time.isoformat().startswith("2012-04-06T14:07:06.625")
    assert first.bugcheck_code == 0x00010001
    assert first.dump_written is True and first.dump_path == r"C:\Windows\MEMORY.DMP"
    # Crash 2 lies beyond the header's next-record number (13528): a header-trusting reader loses it.
    assert second.time.isoformat().startswith("2012-04-06T19:11:29.968")
    assert any("#13534" in ref.location for ref in second.events)
    assert second.bugcheck_code == 0 and second.dump_written is False
    assert second.no_dump_reason is NoDumpReason.NOTHING_RECORDED
    assert second.summary == ("Unexpected restart on 6 Apr 2012 19:11 UTC: no bugcheck was recorded "
                              "(power loss, hard reset or hang); no dump written.")


def test_win10_41_has_numeric_sleep_in_progress_and_newer_fields(realdata):
    result = _read(realdata(WIN10))
    kp41 = [classify(r) for r in result.records if r.event_id == 41 and r.provider == KP]
    assert len(kp41) == 5
    assert all(isinstance(k, KernelPower41) and k.bugcheck_code == 0 for k in kp41)
    assert all(isinstance(k, KernelPower41) and k.sleep_state is not None for k in kp41)
    assert all(isinstance(k, KernelPower41) and k.checkpoint is not None for k in kp41)


def _copy(realdata, tmp_path: Path, sample: str) -> bytearray:
    return bytearray(realdata(sample).read_bytes())


def test_damaged_records_and_chunks_are_counted_not_fatal(realdata, tmp_path):
    data = _copy(realdata, tmp_path, WIN7)
    chunk2 = 0x1000 + 2 * 0x10000
    data[chunk2 + 0x3000:chunk2 + 0x3400] = b"A" * 0x400  # records in the middle of chunk 2
    chunk4 = 0x1000 + 4 * 0x10000
    data[chunk4:chunk4 + 8] = b"XXXXXXXX"  # chunk 4's signature
    path = tmp_path / "damaged.evtx"
    path.write_bytes(bytes(data))
    result = _read(path)
    assert 0 < result.records_read < 1601
    assert result.unreadable_chunks == 1
    assert result.unreadable_records > 0
    messages = " ".join(p.message for p in result.problems)
    assert f"{result.unreadable_records} records could not be read" in messages
    assert "chunk 4" in messages


def test_truncated_log_reports_the_lost_records(realdata, tmp_path):
    data = _copy(realdata, tmp_path, WIN7)
    path = tmp_path / "cut.evtx"
    path.write_bytes(bytes(data[:0x1000 + 3 * 0x10000 + 0x5000]))
    result = _read(path)
    assert result.unreadable_records > 0  # the library alone stops at the cut chunk without a word
    assert "cut short" in result.problems[0].message
    assert f"{result.unreadable_records} records could not be read" in result.problems[0].message


def test_not_an_evtx_and_a_cut_header(tmp_path):
    junk = tmp_path / "junk.evtx"
    junk.write_bytes(b"MZ" + b"\0" * 100)
    with pytest.raises(NotRecognisedError):
        _read(junk)
    cut = tmp_path / "cut.evtx"
    cut.write_bytes(b"ElfFile\0" + b"\0" * 40)
    with pytest.raises(TruncatedError) as info:
        _read(cut)
    assert "cut.evtx" in str(info.value)
