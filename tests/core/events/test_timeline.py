"""The crash history a user reads: each unexpected restart, its bugcheck, and whether a dump was written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.dumps.model import DumpInfo, DumpKind
from core.events import build_timeline, read_events
from core.events.model import EventInput, NoDumpReason, TimelineKind
from core.registry.model import CrashControl
from tests.builders import events as b

T0 = b.at("2013-05-07 10:00:00")
CRASH_BOOT = T0 + timedelta(hours=2)


def _timeline(tmp_path, events, dumps=(), cc=None, **fmt):
    path = b.write_export(tmp_path / "System.xml", events, **fmt)
    return build_timeline(read_events(EventInput("xml", path, "System.xml")), list(dumps), cc)


def _crash(bugcheck=0, sleep=False, shape="win7", when=CRASH_BOOT):
    return [*b.boot(when), b.kernel_power_41(when + timedelta(seconds=3), bugcheck=bugcheck, sleep=sleep,
                                             shape=shape),
            b.eventlog_6008(when + timedelta(seconds=40), previous_shutdown=when - timedelta(minutes=4))]


def test_crash_with_dump_links_the_1001_and_its_path(tmp_path):
    events = [*b.boot(T0), *_crash(bugcheck=0x50),
              b.bugcheck_1001(CRASH_BOOT + timedelta(minutes=1), code=0x50,
                              dump_path=r"C:\Windows\MEMORY.DMP")]
    tl = _timeline(tmp_path, events)
    (restart,) = tl.unexpected_restarts()
    assert restart.dump_written is True
    assert restart.dump_path == r"C:\Windows\MEMORY.DMP"
    assert restart.no_dump_reason is None
    assert "a dump was saved in C:\\Windows\\MEMORY.DMP" in restart.summary
    assert "0x50" in restart.summary
    assert not [e for e in tl.entries if e.kind is TimelineKind.BUGCHECK]  # folded into the restart
    assert len(restart.events) == 3  # the 41, the 6008 and the 1001


def test_crash_without_dump_is_bugcheck_only_in_kernel_power(tmp_path):
    tl = _timeline(tmp_path, [*b.boot(T0), *_crash(bugcheck=0x50)])
    (restart,) = tl.unexpected_restarts()
    assert restart.dump_written is False
    assert restart.no_dump_reason is NoDumpReason.BUGCHECK_ONLY_IN_KERNEL_POWER
    assert "no dump written" in restart.summary


def test_hibernate_crash_d1_is_the_known_defects_signature(tmp_path):
    tl = _timeline(tmp_path, b.hibernate_crash_d1(T0))
    (restart,) = tl.unexpected_restarts()
    assert restart.bugcheck_code == 0xD1
    assert restart.during_hibernate is True
    assert restart.sleep_in_progress is True
    assert restart.sleep_target_state == 5
    assert restart.dump_written is False
    assert restart.no_dump_reason is NoDumpReason.BUGCHECK_ONLY_IN_KERNEL_POWER
    summary = restart.summary
    assert summary.startswith("Unexpected restart on 7 May 2013 10:05 UTC")
    assert "bugcheck 0xD1" in summary and "no dump written" in summary
    assert "unconfirmed" in summary  # target state 5 = hibernate is not confirmed (FACTS §4)
    assert restart.previous_shutdown == T0 + timedelta(minutes=2)


def test_hibernate_crash_on_windows_10_shape(tmp_path):
    tl = _timeline(tmp_path, b.hibernate_crash_d1(T0, shape="win10"))
    (restart,) = tl.unexpected_restarts()
    assert restart.bugcheck_code == 0xD1 and restart.during_hibernate is True


def test_a_42_followed_by_a_resume_is_not_a_crash_during_sleep(tmp_path):
    sleep_at = T0 + timedelta(minutes=30)
    events = [*b.boot(T0), b.kernel_power_42(sleep_at, target_state=4),
              b.power_troubleshooter_1(sleep_at + timedelta(hours=1), sleep_time=sleep_at),
              *_crash(bugcheck=0)]
    tl = _timeline(tmp_path, events)
    (restart,) = tl.unexpected_restarts()
    assert restart.during_hibernate is False
    assert [e.kind for e in tl.entries].count(TimelineKind.RESUME) == 1
    assert "sleep" not in restart.summary


def test_power_loss_records_nothing(tmp_path):
    tl = _timeline(tmp_path, [*b.boot(T0), *_crash(bugcheck=0)])
    (restart,) = tl.unexpected_restarts()
    assert restart.no_dump_reason is NoDumpReason.NOTHING_RECORDED
    assert restart.summary == ("Unexpected restart on 7 May 2013 12:00 UTC: no bugcheck was recorded "
                               "(power loss, hard reset or hang); no dump written.")


def test_clean_reboot_has_no_unexpected_restart(tmp_path):
    events = [*b.boot(T0), *b.clean_shutdown(T0 + timedelta(hours=1)),
              *b.boot(T0 + timedelta(hours=1, minutes=1))]
    tl = _timeline(tmp_path, events)
    assert tl.unexpected_restarts() == []
    assert [e.kind for e in tl.entries] == [TimelineKind.BOOT, TimelineKind.CLEAN_SHUTDOWN, TimelineKind.BOOT]
    assert tl.counts["EventLog/6006"] == 1
    assert tl.counts["Microsoft-Windows-Kernel-General/12"] == 2


def test_dump_disabled_explains_the_missing_dump(tmp_path):
    cc = CrashControl(crash_dump_enabled=0)
    tl = _timeline(tmp_path, [*b.boot(T0), *_crash(bugcheck=0xD1)], cc=cc)
    (restart,) = tl.unexpected_restarts()
    assert restart.no_dump_reason is NoDumpReason.DUMP_DISABLED
    assert "CrashDumpEnabled is 0" in restart.summary


def test_volmgr_error_in_the_crashed_session_explains_the_missing_dump(tmp_path):
    events = [*b.boot(T0), b.volmgr(T0 + timedelta(seconds=30), 46), *_crash(bugcheck=0xD1)]
    tl = _timeline(tmp_path, events)
    (restart,) = tl.unexpected_restarts()
    assert restart.no_dump_reason is NoDumpReason.VOLMGR_ERROR
    assert "crash dump initialization failed" in restart.summary
    assert [e for e in tl.entries if e.kind is TimelineKind.DUMP_ERROR]


def test_dump_file_from_minutes_before_the_41_counts_as_written(tmp_path):
    dump = DumpInfo(path="/evidence/Minidump/050713-01.dmp", kind=DumpKind.KERNEL,
                    system_time=CRASH_BOOT - timedelta(minutes=3))
    older = DumpInfo(path="/evidence/Minidump/old.dmp", kind=DumpKind.KERNEL,
                     system_time=T0 - timedelta(days=30))
    cc = CrashControl(log_event=0)  # no 1001 would be written even with a dump
    tl = _timeline(tmp_path, [*b.boot(T0), *_crash(bugcheck=0x7E)], dumps=[older, dump], cc=cc)
    (restart,) = tl.unexpected_restarts()
    assert restart.dump_written is True
    assert restart.dump_path == dump.path
    assert any(ref.kind == "dump" for ref in restart.events)


def test_log_event_off_and_no_dump_files_means_unknown(tmp_path):
    tl = _timeline(tmp_path, [*b.boot(T0), *_crash(bugcheck=0x7E)], cc=CrashControl(log_event=0))
    (restart,) = tl.unexpected_restarts()
    assert restart.dump_written is None
    assert restart.no_dump_reason is None
    assert "unknown" in restart.summary


def test_a_6008_without_a_41_is_still_an_unexpected_restart(tmp_path):
    events = [*b.boot(T0), b.eventlog_6008(CRASH_BOOT, previous_shutdown=CRASH_BOOT - timedelta(minutes=9))]
    tl = _timeline(tmp_path, events)
    (restart,) = tl.unexpected_restarts()
    assert restart.bugcheck_code is None
    assert restart.previous_shutdown == CRASH_BOOT - timedelta(minutes=9)


def test_an_orphan_1001_is_a_bugcheck_entry(tmp_path):
    tl = _timeline(tmp_path, [*b.boot(T0), b.bugcheck_1001(T0 + timedelta(minutes=1), code=0x9F)])
    (entry,) = [e for e in tl.entries if e.kind is TimelineKind.BUGCHECK]
    assert entry.bugcheck_code == 0x9F and entry.dump_written is True


def test_the_same_log_read_twice_is_not_counted_twice(tmp_path):
    events = [*b.boot(T0), *_crash(bugcheck=0x50)]
    for i, ev in enumerate(events):
        ev.record_id = 100 + i
    p1 = b.write_export(tmp_path / "a.xml", events)
    p2 = b.write_export(tmp_path / "b.xml", events, root=True, encoding="utf-16-le", bom=True)
    records = [*read_events(EventInput("xml", p1, "a.xml")).records,
               *read_events(EventInput("xml", p2, "b.xml")).records]
    tl = build_timeline(records, [], None)
    assert len(tl.unexpected_restarts()) == 1
    assert tl.counts["Microsoft-Windows-Kernel-Power/41"] == 1


def test_two_crashes_each_get_their_own_1001(tmp_path):
    second = CRASH_BOOT + timedelta(days=1)
    events = [*b.boot(T0), *_crash(bugcheck=0x50),
              b.bugcheck_1001(CRASH_BOOT + timedelta(minutes=1), code=0x50),
              *_crash(bugcheck=0xD1, when=second)]
    tl = _timeline(tmp_path, events)
    first, later = tl.unexpected_restarts()
    assert first.dump_written is True
    assert later.dump_written is False and later.bugcheck_code == 0xD1


def test_windows_10_resume_is_shown_once_at_the_real_wake_time(tmp_path):
    sleep_at = T0 + timedelta(minutes=30)
    wake = sleep_at + timedelta(days=2)
    events = [*b.boot(T0), b.kernel_power_42(sleep_at, target_state=6, effective_state=5, shape="win10"),
              b.kernel_power_107(sleep_at + timedelta(seconds=1)),  # stamped when sleep began
              b.power_troubleshooter_1(wake, sleep_time=sleep_at)]
    tl = _timeline(tmp_path, events)
    resumes = [e for e in tl.entries if e.kind is TimelineKind.RESUME]
    assert [e.time for e in resumes] == [wake]
    (sleep,) = [e for e in tl.entries if e.kind is TimelineKind.SLEEP]
    assert "hibernate" in sleep.summary and "unconfirmed" in sleep.summary


@pytest.mark.parametrize("state", [0, 1, 6])
def test_windows_10_restart_while_working_or_shutting_down_is_not_during_sleep(tmp_path, state):
    """The real Windows 10 1809 log: a Kernel-Power 41 with SleepInProgress 6 (shutdown, S5) was called
    "going to sleep or hibernating (SleepInProgress 6: shutdown (S5))" and counted as the known issue's
    hibernation signature. Only a sleep state (S1–S4) is a transition to sleep."""
    tl = _timeline(tmp_path, [*b.boot(T0), *_crash(bugcheck=0, sleep=state, shape="win10")])
    (restart,) = tl.unexpected_restarts()
    assert restart.during_hibernate is not True
    assert "sleep" not in restart.summary and "hibernat" not in restart.summary
