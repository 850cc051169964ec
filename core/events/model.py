"""Event records as read from any log source, and the crash timeline built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from core.evidence_ref import EvidenceRef, Problem
from core.formatting import format_time


@dataclass(frozen=True)
class EventInput:
    """One System-log input a source hands to the reader."""

    kind: str  # "evtx" | "xml"
    path: Path
    label: str  # shown to the user: "System.evtx", "events/System.xml"


@dataclass(frozen=True)
class EventRecord:
    """One System-log event, whatever it was read from (.evtx, XML export, live query).

    `data` holds EventData/UserData fields by name (unnamed <Data> items as "Data1", "Data2", ...);
    values are the strings the log holds. Typed views live in core.events.kinds.
    """

    provider: str  # "Microsoft-Windows-Kernel-Power"; for classic sources the EventSourceName too
    event_id: int
    time: datetime  # UTC
    record_id: int | None = None
    level: int | None = None  # 1 critical, 2 error, 3 warning, 4 information
    version: int | None = None
    computer: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    source_name: str | None = None  # EventSourceName attribute ("BugCheck", "EventLog")
    origin: str = ""  # the file or "live System log"

    def ref(self) -> EvidenceRef:
        rec = f" #{self.record_id}" if self.record_id is not None else ""
        return EvidenceRef("event", f"{self.origin}{rec}",
                           f"{self.provider} {self.event_id} at {format_time(self.time, seconds=True)}")


class TimelineKind(StrEnum):
    BOOT = "boot"
    CLEAN_SHUTDOWN = "clean-shutdown"
    UNEXPECTED_RESTART = "unexpected-restart"
    BUGCHECK = "bugcheck"  # a 1001 "rebooted from a bugcheck" (dump saved)
    SLEEP = "sleep"
    RESUME = "resume"
    DUMP_ERROR = "dump-error"  # volmgr 45/46/49/161 ...
    HARDWARE_ERROR = "hardware-error"  # WHEA
    DUMP_EVENT = "dump-event"  # other dump events: volmgr 162/163, WER 1000/1004/1006 (dump_events.json)


class NoDumpReason(StrEnum):
    DUMP_DISABLED = "dump-disabled"
    VOLMGR_ERROR = "volmgr-error"
    BUGCHECK_ONLY_IN_KERNEL_POWER = "bugcheck-recorded-by-kernel-power-only"
    NOTHING_RECORDED = "nothing-recorded"  # power loss / hard reset / hang
    POWER_BUTTON = "power-button"  # Kernel-Power 41 recorded a PowerButtonTimestamp: a forced power-off


@dataclass
class TimelineEntry:
    kind: TimelineKind
    time: datetime
    summary: str  # plain sentence
    bugcheck_code: int | None = None
    bugcheck_parameters: tuple[int, ...] | None = None
    sleep_in_progress: bool | None = None
    during_hibernate: bool | None = None  # a Kernel-Power 42 toward S4 came just before
    dump_written: bool | None = None  # unexpected restarts: True/False, None when unknowable
    dump_path: str | None = None
    no_dump_reason: NoDumpReason | None = None
    events: list[EvidenceRef] = field(default_factory=list)
    previous_shutdown: datetime | None = None  # 6008: when Windows last recorded itself running (UTC)
    sleep_target_state: int | None = None  # the Kernel-Power 42 TargetState that preceded a crash
    dump_event: str | None = None  # "volmgr/161": the dump event this entry is (or that explains it)
    dump_progress: int | None = None  # volmgr 161: BugCheckProgress, when the event carries it
    power_button_timestamp: int | None = None  # Kernel-Power 41: non-zero = the power button was held
    bugcheck_info_from_efi: bool | None = None  # Kernel-Power 41 (newer versions), as recorded
    checkpoint_status: int | None = None  # Kernel-Power 41 (newer versions), as recorded


@dataclass
class Timeline:
    entries: list[TimelineEntry] = field(default_factory=list)  # oldest first
    records_read: int = 0
    unreadable_records: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # "Microsoft-Windows-Kernel-Power/41": 2
    first_event: datetime | None = None
    last_event: datetime | None = None
    sources: list[str] = field(default_factory=list)

    def unexpected_restarts(self) -> list[TimelineEntry]:
        return [e for e in self.entries if e.kind is TimelineKind.UNEXPECTED_RESTART]


@dataclass
class EventReadResult:
    """What one event-log input gave: the relevant records only (see core.events.relevant), how many
    records the input held, and what could not be read. Damage is counted here, never raised."""

    origin: str = ""  # the input's label ("System.evtx")
    records: list[EventRecord] = field(default_factory=list)  # relevant records, in file order
    records_read: int = 0  # every record parsed, relevant or not
    unreadable_records: int = 0  # records the file declares but that could not be parsed
    unreadable_chunks: int = 0  # .evtx chunks with a broken signature (their record count is unknown)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "dirty header: 247 chunks hold records, header says 10"
    counts: dict[str, int] = field(default_factory=dict)  # relevant records by "provider/id"
    first_event: datetime | None = None  # over every record read, relevant or not
    last_event: datetime | None = None
