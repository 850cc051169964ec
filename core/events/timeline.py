"""`build_timeline`: relevant System-log records (+ dump files + dump settings) → what happened, in order.

The point is the story of each unexpected restart: did Windows record a bugcheck, was a dump written
(a BugCheck 1001 after the Kernel-Power 41, or a dump file from minutes before it), and if not, what
the evidence says about why. The known defect this product exists for shows as an unexpected restart
with bugcheck 0xD1, often while hibernating, with no 1001 and no dump file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.dumps.bugchecks import lookup
from core.dumps.model import DumpInfo
from core.events.kinds import (
    POWER_STATES,
    BugCheck1001,
    EventLogService,
    KernelGeneral,
    KernelPower41,
    KernelPower42,
    Resume,
    TypedEvent,
    UnexpectedShutdown6008,
    VolmgrEvent,
    WerSystemEvent,
    WheaError,
    classify,
)
from core.events.model import (
    EventReadResult,
    EventRecord,
    NoDumpReason,
    Timeline,
    TimelineEntry,
    TimelineKind,
)
from core.events.relevant import count_key, provider_key
from core.evidence_ref import EvidenceRef
from core.formatting import format_moment
from core.registry.model import CrashControl

# How events of one restart are grouped. The 41 and 6008 are both written early in the next boot;
# WER writes the 1001 once the session starts (seconds to a few minutes later).
SAME_BOOT = timedelta(minutes=10)
BUGCHECK_AFTER = timedelta(minutes=30)
# A dump's SystemTime is the moment of the crash; the 41 is logged at the next boot, after the dump
# was written and the machine restarted, so the dump is from minutes before the 41.
DUMP_BEFORE = timedelta(minutes=30)
DUMP_AFTER = timedelta(minutes=2)  # clock differences between the dump header and the log


@dataclass
class _Item:
    rec: EventRecord
    typed: TypedEvent | None
    used: bool = False


@dataclass
class _Restart:
    time: datetime
    kp41: KernelPower41 | None = None
    e6008: UnexpectedShutdown6008 | None = None
    refs: list[EvidenceRef] = field(default_factory=list)


def code_text(code: int) -> str:
    """"0xD1 (DRIVER_IRQL_NOT_LESS_OR_EQUAL)" when the code is known."""
    short = f"0x{code:X}"
    info = lookup(code)
    return f"{short} ({info.name})" if info.documented else short


def _dedupe(records: Iterable[EventRecord]) -> list[EventRecord]:
    seen: set[tuple[str, int, datetime, int | None]] = set()
    unique: list[EventRecord] = []
    for rec in records:
        key = (provider_key(rec.provider), rec.event_id, rec.time, rec.record_id)
        if key not in seen:
            seen.add(key)
            unique.append(rec)
    unique.sort(key=lambda r: (r.time, r.record_id if r.record_id is not None else -1))
    return unique


def build_timeline(records: Iterable[EventRecord] | EventReadResult, dumps: Sequence[DumpInfo] = (),
                   crash_control: CrashControl | None = None) -> Timeline:
    timeline = Timeline()
    if isinstance(records, EventReadResult):
        timeline.records_read = records.records_read
        timeline.unreadable_records = records.unreadable_records
        timeline.sources = [s for s in records.origin.split(", ") if s]
        timeline.first_event, timeline.last_event = records.first_event, records.last_event
        records = records.records
    items = [_Item(r, classify(r)) for r in _dedupe(records)]
    for item in items:
        key = count_key(item.rec.provider, item.rec.event_id)
        timeline.counts[key] = timeline.counts.get(key, 0) + 1
        if timeline.first_event is None or item.rec.time < timeline.first_event:
            timeline.first_event = item.rec.time
        if timeline.last_event is None or item.rec.time > timeline.last_event:
            timeline.last_event = item.rec.time
        if item.rec.origin and item.rec.origin not in timeline.sources:
            timeline.sources.append(item.rec.origin)
    boots = _boot_times(items)
    entries: list[TimelineEntry] = []
    entries += _restarts(items, boots, list(dumps), crash_control)
    entries += _others(items)
    entries.sort(key=lambda e: e.time)
    timeline.entries = entries
    return timeline


def _boot_times(items: list[_Item]) -> list[datetime]:
    """Start of each boot, from Kernel-General 12 (StartTime) or EventLog 6005/6009, merged when close."""
    times: list[datetime] = []
    for item in items:
        t = item.typed
        if isinstance(t, KernelGeneral) and item.rec.event_id == 12:
            times.append(t.time or item.rec.time)
        elif isinstance(t, EventLogService) and item.rec.event_id in (6005, 6009):
            times.append(item.rec.time)
    times.sort()
    merged: list[datetime] = []
    for when in times:
        if not merged or when - merged[-1] > SAME_BOOT:
            merged.append(when)
    return merged


def _restarts(items: list[_Item], boots: list[datetime], dumps: list[DumpInfo],
              cc: CrashControl | None) -> list[TimelineEntry]:
    restarts: list[_Restart] = []
    for item in items:
        if isinstance(item.typed, KernelPower41):
            item.used = True
            restarts.append(_Restart(item.rec.time, kp41=item.typed, refs=[item.rec.ref()]))
    for item in items:
        if not isinstance(item.typed, UnexpectedShutdown6008):
            continue
        item.used = True
        owner = next((r for r in restarts if r.e6008 is None and r.kp41 is not None
                      and abs(r.time - item.rec.time) <= SAME_BOOT), None)
        if owner is None:  # a 6008 alone: Vista RTM and earlier, or the 41 was lost
            restarts.append(_Restart(item.rec.time, e6008=item.typed, refs=[item.rec.ref()]))
        else:
            owner.e6008 = item.typed
            owner.refs.append(item.rec.ref())
    restarts.sort(key=lambda r: r.time)
    return [_restart_entry(r, restarts, items, boots, dumps, cc) for r in restarts]


def _restart_entry(r: _Restart, restarts: list[_Restart], items: list[_Item], boots: list[datetime],
                   dumps: list[DumpInfo], cc: CrashControl | None) -> TimelineEntry:
    following = [o.time for o in restarts if o.time > r.time]
    horizon = min([r.time + BUGCHECK_AFTER, *following])
    entry = TimelineEntry(TimelineKind.UNEXPECTED_RESTART, r.time, "", events=list(r.refs))
    if r.e6008 is not None:
        entry.previous_shutdown = r.e6008.previous_shutdown_utc
    kp = r.kp41
    if kp is not None:
        entry.bugcheck_code = kp.bugcheck_code
        entry.bugcheck_parameters = kp.bugcheck_parameters
        entry.sleep_in_progress = kp.sleep_in_progress
        entry.power_button_timestamp = kp.power_button_timestamp
        entry.bugcheck_info_from_efi = kp.bugcheck_info_from_efi
        entry.checkpoint_status = kp.checkpoint_status

    # The 1001 that belongs to this restart, if Windows saved a dump.
    bug: BugCheck1001 | None = None
    for item in items:
        if (isinstance(item.typed, BugCheck1001) and not item.used
                and r.time - DUMP_AFTER <= item.rec.time <= horizon):
            bug, item.used = item.typed, True
            entry.events.append(item.rec.ref())
            break
    if bug is not None and not entry.bugcheck_code and bug.bugcheck_code:
        entry.bugcheck_code = bug.bugcheck_code
        entry.bugcheck_parameters = bug.bugcheck_parameters

    dump = _matching_dump(r.time, dumps, bug)
    if dump is not None:
        entry.events.append(EvidenceRef("dump", dump.path, f"system time {dump.system_time}"))
    if bug is not None or dump is not None:
        entry.dump_written = True
        entry.dump_path = (bug.dump_path if bug is not None else None) or (dump.path if dump else None)
    elif cc is not None and cc.log_event == 0 and not dumps:
        entry.dump_written = None  # Windows was told not to log saved dumps, and we have no files
    else:
        entry.dump_written = False

    hibernate = _sleep_before(r.time, items, restarts)
    if hibernate is not None:
        entry.sleep_target_state = hibernate.target_state
        entry.events.append(hibernate.record.ref())
    if hibernate is not None or entry.sleep_in_progress:
        entry.during_hibernate = True
    elif entry.sleep_in_progress is False:
        entry.during_hibernate = False

    volmgr = _volmgr_for(r.time, items, boots)
    if entry.dump_written is False:
        entry.no_dump_reason = _no_dump_reason(entry, cc, volmgr, kp)
        if volmgr is not None and entry.no_dump_reason is NoDumpReason.VOLMGR_ERROR:
            entry.events.append(volmgr.record.ref())
            entry.dump_event = f"volmgr/{volmgr.record.event_id}"
            entry.dump_progress = volmgr.progress
    entry.summary = _restart_summary(entry, kp, hibernate, volmgr, cc)
    return entry


def _matching_dump(when: datetime, dumps: list[DumpInfo], bug: BugCheck1001 | None) -> DumpInfo | None:
    for dump in dumps:
        if dump.system_time is None:
            continue
        if when - DUMP_BEFORE <= dump.system_time <= when + DUMP_AFTER:
            return dump
    if bug is not None and bug.dump_path:
        name = bug.dump_path.replace("\\", "/").rsplit("/", 1)[-1].lower()
        # Without a usable time, the file name the 1001 names is the link (MEMORY.DMP is reused, so only
        # when the dump's time is unknown).
        for dump in dumps:
            if dump.system_time is None and dump.path.replace("\\", "/").rsplit("/", 1)[-1].lower() == name:
                return dump
    return None


def _sleep_before(when: datetime, items: list[_Item], restarts: list[_Restart]) -> KernelPower42 | None:
    """The Kernel-Power 42 the machine never came back from: the last power-state event before this
    restart's boot is a 42 toward sleep, with no resume, clean shutdown or earlier restart after it."""
    limit = when - SAME_BOOT  # events of the restart's own boot do not count
    last: _Item | None = None
    for item in items:
        if item.rec.time >= when:
            break
        t = item.typed
        marker = isinstance(t, KernelPower42 | Resume) or (
            isinstance(t, EventLogService | KernelGeneral) and item.rec.event_id in (6005, 6006, 6009, 12, 13)
            and item.rec.time < limit)
        if marker:
            last = item
    earlier = [o.time for o in restarts if o.time < when]
    if last is None or not isinstance(last.typed, KernelPower42) or not last.typed.toward_sleep:
        return None
    if earlier and earlier[-1] > last.rec.time:
        return None
    return last.typed


def _volmgr_for(when: datetime, items: list[_Item], boots: list[datetime]) -> VolmgrEvent | None:
    """A volmgr dump error from the boot session that crashed (or the restart's own boot, since the
    condition — no dump device, no page file — is usually the same)."""
    earlier_boots = [b for b in boots if b < when - SAME_BOOT]
    start = earlier_boots[-1] if earlier_boots else when - timedelta(days=7)
    found: VolmgrEvent | None = None
    for item in items:
        t = item.typed
        if isinstance(t, VolmgrEvent) and t.dump_error and start <= item.rec.time <= when + SAME_BOOT:
            found = t
    return found


def _no_dump_reason(entry: TimelineEntry, cc: CrashControl | None,
                    volmgr: VolmgrEvent | None, kp: KernelPower41 | None = None) -> NoDumpReason:
    if cc is not None and cc.crash_dump_enabled == 0:
        return NoDumpReason.DUMP_DISABLED
    if volmgr is not None:
        return NoDumpReason.VOLMGR_ERROR
    if entry.bugcheck_code:
        return NoDumpReason.BUGCHECK_ONLY_IN_KERNEL_POWER
    if kp is not None and kp.power_button_timestamp:
        # Windows recorded the power button being pressed before the restart: someone held it down.
        return NoDumpReason.POWER_BUTTON
    return NoDumpReason.NOTHING_RECORDED


def _restart_summary(entry: TimelineEntry, kp: KernelPower41 | None, sleep: KernelPower42 | None,
                     volmgr: VolmgrEvent | None, cc: CrashControl | None) -> str:
    head = f"Unexpected restart on {format_moment(entry.time)}"
    if entry.during_hibernate:
        head += " while the computer was going to sleep or hibernating"
        if kp is not None and kp.sleep_state is not None:
            # Windows 10 records the power state the transition was heading for, not just true/false.
            state = POWER_STATES.get(kp.sleep_state, "unknown state")
            head += f" (SleepInProgress {kp.sleep_state}: {state})"
        if sleep is not None and sleep.toward_hibernate:
            head += (" (Kernel-Power 42 state 5, which is believed to mean hibernation; that reading is "
                     "unconfirmed)")
    if entry.bugcheck_code:
        what = f"bugcheck {code_text(entry.bugcheck_code)}"
    elif entry.power_button_timestamp:
        # Documented in the event 41 article: a non-zero PowerButtonTimestamp means the power button
        # was held down, so Windows was switched off rather than stopped by an error.
        what = ("the power button was held down (Kernel-Power 41 PowerButtonTimestamp), so no dump was "
                "expected")
    elif entry.bugcheck_code == 0 or entry.no_dump_reason is NoDumpReason.NOTHING_RECORDED:
        what = "no bugcheck was recorded (power loss, hard reset or hang)"
    else:
        what = "Windows did not record why"
    if entry.dump_written:
        dump = (f"a dump was saved in {entry.dump_path}" if entry.dump_path else "a dump was saved")
    elif entry.dump_written is None:
        dump = ("whether a dump was written is unknown (LogEvent is 0, so Windows does not log saved "
                "dumps, and no dump file was supplied)")
    else:
        reason = entry.no_dump_reason
        dump = "no dump written"
        if reason is NoDumpReason.DUMP_DISABLED and cc is not None:
            dump += " (dump writing is turned off: CrashDumpEnabled is 0 in the current settings)"
        elif reason is NoDumpReason.VOLMGR_ERROR and volmgr is not None:
            progress = f"; BugCheckProgress {volmgr.progress:#x}" if volmgr.progress is not None else ""
            dump += (f" (volmgr event {volmgr.record.event_id} on {format_moment(volmgr.record.time)}: "
                     f"{volmgr.meaning}{progress})")
        elif reason is NoDumpReason.BUGCHECK_ONLY_IN_KERNEL_POWER:
            dump += (" (the bugcheck was recorded only by Kernel-Power 41; no BugCheck 1001 followed; the "
                     "log does not say why no dump was written: not known)")
    return f"{head}: {what}; {dump}."


def _shadowed_107s(items: list[_Item]) -> list[_Item]:
    """Kernel-Power 107s that a Power-Troubleshooter 1 reports better: Windows 10 stamps the 107 with
    the moment sleep began, while the 1 carries the real wake time."""
    shadowed: list[_Item] = []
    pending: _Item | None = None
    for item in items:
        t = item.typed
        if isinstance(t, Resume) and item.rec.event_id == 107:
            pending = item
        elif isinstance(t, Resume) and pending is not None:
            shadowed.append(pending)
            pending = None
        elif isinstance(t, KernelPower42):
            pending = None
    return shadowed


def _others(items: list[_Item]) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    shadowed = {id(i) for i in _shadowed_107s(items)}
    last: dict[TimelineKind, TimelineEntry] = {}

    def add(kind: TimelineKind, item: _Item, summary: str, merge: bool = False) -> TimelineEntry | None:
        prev = last.get(kind)
        if merge and prev is not None and item.rec.time - prev.time <= SAME_BOOT:
            prev.events.append(item.rec.ref())
            return None
        entry = TimelineEntry(kind, item.rec.time, summary, events=[item.rec.ref()])
        entries.append(entry)
        last[kind] = entry
        return entry

    for item in items:
        t, rec = item.typed, item.rec
        when = format_moment(rec.time)
        if item.used or t is None or id(item) in shadowed:
            continue
        if (isinstance(t, KernelGeneral) and rec.event_id == 12) or (
                isinstance(t, EventLogService) and rec.event_id in (6005, 6009)):
            version = t.version if isinstance(t, KernelGeneral) else None
            add(TimelineKind.BOOT, item, f"Windows started on {when}"
                + (f" (version {version})." if version else "."), merge=True)
        elif (isinstance(t, KernelGeneral) and rec.event_id == 13) or (
                isinstance(t, EventLogService) and rec.event_id == 6006):
            add(TimelineKind.CLEAN_SHUTDOWN, item, f"Clean shutdown on {when}.", merge=True)
        elif isinstance(t, KernelPower42):
            state = t.target_state
            words = POWER_STATES.get(state, f"state {state}") if state is not None else "an unknown state"
            if t.effective_state is not None and t.effective_state != state:
                words += f", effective: {POWER_STATES.get(t.effective_state, f'state {t.effective_state}')}"
            entry = add(TimelineKind.SLEEP, item, f"Going to sleep on {when} (target: {words}).")
            if entry is not None:
                entry.sleep_target_state = state
        elif isinstance(t, Resume):
            add(TimelineKind.RESUME, item, f"Resumed from sleep on {when}.", merge=True)
        elif isinstance(t, BugCheck1001):
            code = f"bugcheck {code_text(t.bugcheck_code)}" if t.bugcheck_code is not None else "a bugcheck"
            entry = add(TimelineKind.BUGCHECK, item, f"Restarted after {code} on {when}; "
                        + (f"a dump was saved in {t.dump_path}." if t.dump_path else "a dump was saved."))
            if entry is not None:
                entry.bugcheck_code, entry.bugcheck_parameters = t.bugcheck_code, t.bugcheck_parameters
                entry.dump_written, entry.dump_path = True, t.dump_path
        elif isinstance(t, VolmgrEvent) and t.info is not None:
            volume = f" ({t.volume})" if t.volume else ""
            progress = f"; BugCheckProgress {t.progress:#x}" if t.progress is not None else ""
            raw = (f"; error packet value {t.binary_value:#x} (whether this is the progress value is "
                   "unconfirmed)" if t.progress is None and t.binary_value is not None else "")
            kind = TimelineKind.DUMP_ERROR if t.dump_error else TimelineKind.DUMP_EVENT
            head = "Crash dump problem" if t.dump_error else "Crash dump event"
            entry = add(kind, item, f"{head} on {when}: {t.meaning}{volume}{progress}{raw} "
                                    f"(volmgr event {rec.event_id}).")
            if entry is not None:
                entry.dump_event, entry.dump_progress = f"volmgr/{rec.event_id}", t.progress
        elif isinstance(t, WerSystemEvent):
            entry = add(TimelineKind.DUMP_EVENT, item, f"Windows Error Reporting event {rec.event_id} on "
                                                       f"{when}: {t.meaning}.")
            if entry is not None:
                entry.dump_event = f"wer/{rec.event_id}"
        elif isinstance(t, WheaError):
            add(TimelineKind.HARDWARE_ERROR, item,
                f"Hardware error reported on {when} (WHEA-Logger event {rec.event_id}).")
    return entries
