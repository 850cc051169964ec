"""Every event that says why a dump did not happen: the documented meaning reaches the timeline, and a
crash without a dump is explained by it — or said to be "not known"."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.events import build_timeline, read_events
from core.events.dump_events import lookup
from core.events.kinds import VolmgrEvent, WerSystemEvent, classify
from core.events.model import TimelineKind
from core.sources.base import EventInput
from tests.builders.events import at, boot, bugcheck_1001, kernel_power_41, volmgr, wer_system, write_export
from tests.builders.windows_versions import GB, machine_for
from tests.core.readiness.helpers import readiness, scan_bundle

# (event id, words the documented meaning must contain, timeline kind)
VOLMGR = [
    (44, "disk locations of the dump file", TimelineKind.DUMP_ERROR),
    (45, "crash dump driver could not be loaded", TimelineKind.DUMP_ERROR),
    (46, "crash dump initialization failed", TimelineKind.DUMP_ERROR),
    (47, "direct dump was disabled", TimelineKind.DUMP_ERROR),
    (48, "direct dump configuration failed", TimelineKind.DUMP_ERROR),
    (49, "no page file on the boot partition or it is too small", TimelineKind.DUMP_ERROR),
    (161, "an error happened while the dump was being written", TimelineKind.DUMP_ERROR),
    (164, "dedicated dump file could not be set up", TimelineKind.DUMP_ERROR),
    (163, "DumpStack.log", TimelineKind.DUMP_EVENT),
    (162, "[meaning unconfirmed]", TimelineKind.DUMP_EVENT),
    (156, "[meaning unconfirmed]", TimelineKind.DUMP_EVENT),
]


def _timeline(tmp_path: Path, events: list) -> object:  # type: ignore[type-arg]
    path = write_export(tmp_path / "System.xml", events)
    return build_timeline(read_events(EventInput("xml", path, "System.xml")))


@pytest.mark.parametrize(("event_id", "words", "kind"), VOLMGR)
def test_volmgr_event_meaning_reaches_the_timeline(tmp_path: Path, event_id: int, words: str,
                                                   kind: TimelineKind) -> None:
    timeline = _timeline(tmp_path, [volmgr(at("2024-01-02 03:04:05"), event_id)])
    entries = [e for e in timeline.entries if e.dump_event == f"volmgr/{event_id}"]  # type: ignore[attr-defined]
    assert len(entries) == 1 and entries[0].kind is kind
    assert words in entries[0].summary, entries[0].summary


def test_unrelated_volmgr_event_is_not_a_dump_event(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path, [volmgr(at("2024-01-02 03:04:05"), 58)])
    assert not [e for e in timeline.entries if e.dump_event]  # type: ignore[attr-defined]


def test_161_progress_value_from_a_second_item(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path, [volmgr(at("2024-01-02 03:04:05"), 161, progress=0x40000)])
    entry = next(e for e in timeline.entries if e.dump_event == "volmgr/161")  # type: ignore[attr-defined]
    assert entry.dump_progress == 0x40000 and "BugCheckProgress 0x40000" in entry.summary


def test_161_without_the_item_shows_the_packet_value_as_unconfirmed(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path, [volmgr(at("2024-01-02 03:04:05"), 161, unique_value=0x46)])
    entry = next(e for e in timeline.entries if e.dump_event == "volmgr/161")  # type: ignore[attr-defined]
    assert entry.dump_progress is None
    assert "0x46" in entry.summary and "unconfirmed" in entry.summary


@pytest.mark.parametrize("event_id", [1000, 1004, 1006])
def test_wer_system_events_are_kept_and_hedged(tmp_path: Path, event_id: int) -> None:
    path = write_export(tmp_path / "System.xml", [wer_system(at("2024-01-02 03:04:05"), event_id, "x")])
    result = read_events(EventInput("xml", path, "System.xml"))
    assert len(result.records) == 1
    typed = classify(result.records[0])
    assert isinstance(typed, WerSystemEvent) and "unconfirmed" in typed.meaning
    timeline = build_timeline(result)
    assert [e.dump_event for e in timeline.entries] == [f"wer/{event_id}"]


def test_documented_volmgr_ids_have_a_source_and_the_undocumented_do_not() -> None:
    for event_id in (44, 45, 46, 47, 48, 49, 161, 163, 164):
        info = lookup("volmgr", event_id)
        assert info is not None and info.confirmed and info.source
    for event_id in (156, 162):
        info = lookup("volmgr", event_id)
        assert info is not None and not info.confirmed and "unconfirmed" in info.wording


def test_kernel_power_41_fields_are_kept(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path, [kernel_power_41(at("2024-01-02 03:04:05"), shape="win10", bugcheck=0,
                                                    power_button=131728546170882432)])
    entry = timeline.unexpected_restarts()[0]  # type: ignore[attr-defined]
    assert entry.power_button_timestamp == 131728546170882432
    assert entry.bugcheck_info_from_efi is False and entry.checkpoint_status == 0


# -- why each crash left no dump -------------------------------------------------------------------------

def _explanations(tmp_path: Path, events: list, **cc: object) -> list:  # type: ignore[type-arg]
    machine = machine_for("10", AlwaysKeepMemoryDump=1, **cc)  # type: ignore[arg-type]
    machine.minidumps = []
    _ev, diag = scan_bundle(tmp_path / "b", machine, events, free={"C:": 100 * GB}, ram=8 * GB)
    return readiness(diag).missing_dumps


def test_crash_explained_by_volmgr_161_with_progress(tmp_path: Path) -> None:
    crash = at("2024-05-01 12:00:00")
    events = [*boot(at("2024-05-01 08:00:00")), volmgr(crash.replace(minute=1), 161, progress=0x4),
              kernel_power_41(crash.replace(minute=2), shape="win10", bugcheck=0x50)]
    [lost] = _explanations(tmp_path, events)
    assert lost.known and lost.reason == "volmgr-161"
    assert "BugCheckProgress 0x4" in lost.text and lost.sources


def test_crash_explained_by_volmgr_46_with_all_zero_event_41(tmp_path: Path) -> None:
    # The event 41 article: all-zero event 41 plus volmgr 46 "Crash dump initialization failed!".
    events = [*boot(at("2024-05-01 08:00:00")), volmgr(at("2024-05-01 08:00:30"), 46),
              kernel_power_41(at("2024-05-01 12:00:00"), shape="win10", bugcheck=0)]
    [lost] = _explanations(tmp_path, events)
    assert lost.reason == "volmgr-46" and "initialization failed" in lost.text


def test_crash_explained_by_the_power_button(tmp_path: Path) -> None:
    events = [*boot(at("2024-05-01 08:00:00")),
              kernel_power_41(at("2024-05-01 12:00:00"), shape="win7", power_button=131728546170882432)]
    [lost] = _explanations(tmp_path, events)
    assert lost.reason == "power-button" and any("event-id-41" in (s.link or "") for s in lost.sources)


def test_crash_explained_by_dumps_turned_off(tmp_path: Path) -> None:
    events = [*boot(at("2024-05-01 08:00:00")), kernel_power_41(at("2024-05-01 12:00:00"), bugcheck=0x50)]
    [lost] = _explanations(tmp_path, events, CrashDumpEnabled=0)
    assert lost.reason == "dump-disabled" and "not recorded" in lost.text  # hedged: settings may have changed


def test_crash_without_evidence_says_not_known(tmp_path: Path) -> None:
    events = [*boot(at("2024-05-01 08:00:00")), kernel_power_41(at("2024-05-01 12:00:00"), bugcheck=0x50)]
    [lost] = _explanations(tmp_path, events)
    assert lost.known is False and lost.text.startswith("Not known")


def test_crash_with_a_saved_dump_is_not_listed(tmp_path: Path) -> None:
    crash = at("2024-05-01 12:00:00")
    events = [*boot(at("2024-05-01 08:00:00")), kernel_power_41(crash, bugcheck=0x50),
              bugcheck_1001(crash.replace(minute=3), code=0x50)]
    assert _explanations(tmp_path, events) == []


def test_volmgr_event_parse_never_raises_on_bad_binary() -> None:
    from core.events.model import EventRecord

    rec = EventRecord("volmgr", 161, at("2024-01-01 00:00:00"), data={"Data1": "x", "Binary": "zz"})
    typed = classify(rec)
    assert isinstance(typed, VolmgrEvent) and typed.binary_value is None and typed.dump_error


def test_undocumented_kernel_power_41_fields_are_shown_as_recorded(tmp_path: Path) -> None:
    events = [*boot(at("2024-05-01 08:00:00")),
              kernel_power_41(at("2024-05-01 12:00:00"), shape="win10", bugcheck=0x50)]
    [lost] = _explanations(tmp_path, events)
    text = " ".join(i.text for i in lost.evidence)
    assert "BugcheckInfoFromEFI = false" in text and "CheckpointStatus = 0" in text  # as the log writes it
    assert "meaning not documented" in text


def test_the_timeline_itself_says_why_or_not_known(tmp_path: Path) -> None:
    crash = at("2024-05-01 12:00:00")
    timeline = _timeline(tmp_path, [
        *boot(at("2024-05-01 08:00:00")), volmgr(crash.replace(minute=1), 161, progress=0x4),
        kernel_power_41(crash.replace(minute=2), bugcheck=0x50),
        *boot(at("2024-05-02 08:00:00")), kernel_power_41(at("2024-05-02 12:00:00"), bugcheck=0x50),
        *boot(at("2024-05-03 08:00:00")),
        kernel_power_41(at("2024-05-03 12:00:00"), power_button=131728546170882432)])
    first, second, third = timeline.unexpected_restarts()  # type: ignore[attr-defined]
    assert "volmgr event 161" in first.summary and "BugCheckProgress 0x4" in first.summary
    assert "not known" in second.summary
    assert "power button was held down" in third.summary
