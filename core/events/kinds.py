"""Typed views of the events the diagnosis uses. Field shapes differ between Windows versions
(Vista SP2, Windows 7, Windows 10 add fields or change types); anything missing or malformed becomes
None, never an exception, so an unknown event version degrades instead of failing the scan.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.dumps.bugchecks import format_code
from core.events.dump_events import DumpEventInfo
from core.events.dump_events import lookup as dump_event
from core.events.model import EventRecord
from core.events.relevant import (
    BUGCHECK_ALIASES,
    EVENTLOG,
    KERNEL_GENERAL,
    KERNEL_POWER,
    POWER_TROUBLESHOOTER,
    VOLMGR,
    WER_BUGCHECK,
    WER_DUMP_EVENT_IDS,
    WHEA,
    provider_key,
)
from core.events.xmlrecord import parse_time, to_int

# SYSTEM_POWER_STATE as Windows numbers it. Kernel-Power 42's TargetState and Windows 10's numeric
# SleepInProgress use these numbers; that 5 means S4 (hibernate) in these events is *unconfirmed*
# (FACTS §4), so wording built on it must hedge.
POWER_STATES = {0: "unspecified", 1: "working (S0)", 2: "sleep (S1)", 3: "sleep (S2)", 4: "sleep (S3)",
                5: "hibernate (S4, unconfirmed)", 6: "shutdown (S5)"}
HIBERNATE_STATE = 5  # *unconfirmed*, see above
SLEEP_STATES = frozenset({2, 3, 4, 5})


def to_bool(text: str | None) -> bool | None:
    if text is None:
        return None
    value = text.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    number = to_int(value)
    return None if number is None else number != 0


@dataclass(frozen=True)
class KernelPower41:
    """"The system has rebooted without cleanly shutting down first." BugcheckCode is decimal in the log."""

    record: EventRecord
    bugcheck_code: int | None = None
    bugcheck_parameters: tuple[int, int, int, int] | None = None
    sleep_in_progress: bool | None = None  # Windows 7: true/false; Windows 10: a power state number
    sleep_in_progress_raw: str | None = None
    sleep_state: int | None = None  # the power state when SleepInProgress is a number (Windows 10)
    power_button_timestamp: int | None = None
    boot_app_status: int | None = None
    checkpoint: int | None = None
    connected_standby_in_progress: bool | None = None
    bugcheck_info_from_efi: bool | None = None
    checkpoint_status: int | None = None  # newer Windows 10/11 versions; meaning not documented
    extra: dict[str, str] = field(default_factory=dict)  # newer fields we do not interpret

    @property
    def bugcheck_hex(self) -> str | None:
        return format_code(self.bugcheck_code) if self.bugcheck_code is not None else None


_KP41_KNOWN = {"BugcheckCode", "BugcheckParameter1", "BugcheckParameter2", "BugcheckParameter3",
               "BugcheckParameter4", "SleepInProgress", "PowerButtonTimestamp", "BootAppStatus", "Checkpoint",
               "ConnectedStandbyInProgress", "BugcheckInfoFromEFI", "CheckpointStatus"}


def parse_kp41(rec: EventRecord) -> KernelPower41:
    d = rec.data
    params = tuple(to_int(d.get(f"BugcheckParameter{i}")) for i in range(1, 5))
    raw_sleep = d.get("SleepInProgress")
    sleep_state = None
    if raw_sleep is not None and raw_sleep.strip().lower() not in ("true", "false"):
        sleep_state = to_int(raw_sleep)
    return KernelPower41(
        record=rec,
        bugcheck_code=to_int(d.get("BugcheckCode")),
        bugcheck_parameters=(params[0], params[1], params[2], params[3])  # type: ignore[arg-type]
        if all(p is not None for p in params) else None,
        # Windows 10 gives the power state it was heading for: only a sleep state (S1-S4) is a transition
        # to sleep; 1 (working) or 6 (shutdown, S5) is not, though non-zero.
        # A number outside the known states stays unknown.
        sleep_in_progress=to_bool(raw_sleep) if sleep_state is None
        else (sleep_state in SLEEP_STATES if sleep_state in POWER_STATES else None),
        sleep_in_progress_raw=raw_sleep,
        sleep_state=sleep_state,
        power_button_timestamp=to_int(d.get("PowerButtonTimestamp")),
        boot_app_status=to_int(d.get("BootAppStatus")),
        checkpoint=to_int(d.get("Checkpoint")),
        connected_standby_in_progress=to_bool(d.get("ConnectedStandbyInProgress")),
        bugcheck_info_from_efi=to_bool(d.get("BugcheckInfoFromEFI")),
        checkpoint_status=to_int(d.get("CheckpointStatus")),
        extra={k: v for k, v in d.items() if k not in _KP41_KNOWN},
    )


@dataclass(frozen=True)
class KernelPower42:
    """"The system is entering sleep." TargetState 5 = S4 hibernate is *unconfirmed* (FACTS §4)."""

    record: EventRecord
    target_state: int | None = None
    effective_state: int | None = None
    reason: int | None = None

    @property
    def toward_sleep(self) -> bool:
        states = {self.target_state, self.effective_state}
        # Fast startup logs target 6 (shutdown) with effective 5: the machine hibernates its kernel.
        return bool(states & SLEEP_STATES) or (self.target_state is None and self.effective_state is None)

    @property
    def toward_hibernate(self) -> bool:
        return HIBERNATE_STATE in (self.target_state, self.effective_state)


def parse_kp42(rec: EventRecord) -> KernelPower42:
    d = rec.data
    return KernelPower42(rec, to_int(d.get("TargetState")), to_int(d.get("EffectiveState")),
                         to_int(d.get("Reason")))


@dataclass(frozen=True)
class Resume:
    """Kernel-Power 107 (Windows 10 1511+) or Power-Troubleshooter 1: the system came back from sleep."""

    record: EventRecord
    sleep_time: datetime | None = None
    wake_time: datetime | None = None
    target_state: int | None = None


def parse_resume(rec: EventRecord) -> Resume:
    d = rec.data
    return Resume(rec, parse_time(d.get("SleepTime", "")), parse_time(d.get("WakeTime", "")),
                  to_int(d.get("TargetState")))


def _systemtime(blob: bytes, offset: int) -> datetime | None:
    if len(blob) < offset + 16:
        return None
    year, month, _dow, day, hour, minute, second, ms = struct.unpack_from("<8H", blob, offset)
    try:
        return datetime(year, month, day, hour, minute, second, ms * 1000, tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class UnexpectedShutdown6008:
    """EventLog 6008 "The previous system shutdown at TIME on DATE was unexpected."."""

    record: EventRecord
    previous_shutdown_local: str | None = None  # as the log words it, in the machine's local time
    previous_shutdown_utc: datetime | None = None  # from the binary data: local SYSTEMTIME, then UTC


def parse_6008(rec: EventRecord) -> UnexpectedShutdown6008:
    d = rec.data
    local_text = " ".join(p for p in (d.get("Data1", ""), d.get("Data2", "")) if p) or None
    utc = None
    try:
        blob = bytes.fromhex(d.get("Binary", ""))
    except ValueError:
        blob = b""
    utc = _systemtime(blob, 16)
    return UnexpectedShutdown6008(rec, local_text, utc)


@dataclass(frozen=True)
class EventLogService:
    """EventLog 6005 started (boot), 6006 stopped (clean shutdown), 6009 OS version at boot, 6013 uptime."""

    record: EventRecord
    uptime_seconds: int | None = None  # 6013
    os_version: str | None = None  # 6009: "6.01. 7601 Service Pack 1 Multiprocessor Free"


def parse_eventlog(rec: EventRecord) -> EventLogService:
    d = rec.data
    if rec.event_id == 6013:
        return EventLogService(rec, uptime_seconds=to_int(d.get("Data5")))
    if rec.event_id == 6009:
        parts = [d.get(f"Data{i}", "") for i in range(1, 5)]
        return EventLogService(rec, os_version=" ".join(p for p in parts if p) or None)
    return EventLogService(rec)


_BUGCHECK_TEXT = re.compile(r"(0x[0-9a-fA-F]+)\s*\(([^)]*)\)")
_DUMP_PATH_TEXT = re.compile(r"dump was saved in:\s*(.+?)(?:\.\s*Report Id:.*)?\.?\s*$",
                             re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class BugCheck1001:
    """"The computer has rebooted from a bugcheck. ... A dump was saved in: PATH." Written only when a
    dump was saved (FACTS §4)."""

    record: EventRecord
    bugcheck_code: int | None = None
    bugcheck_parameters: tuple[int, ...] | None = None
    dump_path: str | None = None
    report_id: str | None = None

    @property
    def bugcheck_hex(self) -> str | None:
        return format_code(self.bugcheck_code) if self.bugcheck_code is not None else None


def parse_1001(rec: EventRecord) -> BugCheck1001:
    d = rec.data
    # Vista SP2, Windows 7 and 10 name the items param1..param3; some renderings leave them unnamed
    # (Data1..) or give only the full message, so fall back to searching every value.
    code_text = d.get("param1") or d.get("Data1") or ""
    path = d.get("param2") or d.get("Data2")
    report = d.get("param3") or d.get("Data3")
    match = _BUGCHECK_TEXT.search(code_text)
    if match is None:
        for value in d.values():
            match = _BUGCHECK_TEXT.search(value)
            if match:
                break
    code = params = None
    if match:
        code = to_int(match.group(1))
        values = [to_int(p) for p in match.group(2).split(",")]
        params = tuple(v for v in values if v is not None) if all(v is not None for v in values) else None
    if not path or _BUGCHECK_TEXT.search(path):
        path = None
        for value in d.values():
            found = _DUMP_PATH_TEXT.search(value)
            if found:
                path = found.group(1).strip()
                break
    return BugCheck1001(rec, code, params, path or None, report or None)


@dataclass(frozen=True)
class VolmgrEvent:
    """A volmgr event. Its meaning comes from the one table of dump events (core.events.dump_events)."""

    record: EventRecord
    volume: str | None = None
    progress: int | None = None  # 161: BugCheckProgress, when the event carries it as a second item
    binary_value: int | None = None  # 161: the error packet's UniqueErrorValue (see parse_volmgr)

    @property
    def info(self) -> DumpEventInfo | None:
        return dump_event(self.record.provider, self.record.event_id)

    @property
    def dump_error(self) -> bool:
        """The event says no dump could be written (or set up) — documented meanings only."""
        info = self.info
        return info is not None and info.effect == "no-dump"

    @property
    def meaning(self) -> str:
        info = self.info
        return info.wording if info is not None else f"volmgr event {self.record.event_id}"


# IO_ERROR_LOG_PACKET as logged in <Binary>: ErrorCode at byte 12, UniqueErrorValue at byte 16 (the
# structure is documented in wdm.h). Real 161 events hold a single <Data> (the volume), so where the
# message's "BugCheckProgress was: %2" value lives is *unconfirmed*; the UniqueErrorValue is shown
# as a raw number beside it, never as the progress itself.
_UNIQUE_VALUE_OFFSET = 16


def parse_volmgr(rec: EventRecord) -> VolmgrEvent:
    d = rec.data
    volume = d.get("Data1") or d.get("DeviceName") or None
    progress = to_int(d.get("Data2")) if rec.event_id == 161 else None
    binary_value = None
    if rec.event_id == 161:
        try:
            blob = bytes.fromhex(d.get("Binary", ""))
        except ValueError:
            blob = b""
        if len(blob) >= _UNIQUE_VALUE_OFFSET + 4:
            binary_value = struct.unpack_from("<I", blob, _UNIQUE_VALUE_OFFSET)[0]
    return VolmgrEvent(rec, volume, progress, binary_value)


@dataclass(frozen=True)
class WerSystemEvent:
    """Microsoft-Windows-WER-SystemErrorReporting events other than 1001 (1000, 1004, 1006). What they
    say about the dump is taken from the dump events table, where it is marked unconfirmed."""

    record: EventRecord
    text: str = ""  # every data item, joined, for the report

    @property
    def meaning(self) -> str:
        info = dump_event(self.record.provider, self.record.event_id)
        return info.wording if info is not None else f"WER event {self.record.event_id}"


def parse_wer_system(rec: EventRecord) -> WerSystemEvent:
    return WerSystemEvent(rec, "; ".join(v for v in rec.data.values() if v)[:500])


@dataclass(frozen=True)
class KernelGeneral:
    """12: the operating system started (StartTime, version); 13: it is shutting down (StopTime)."""

    record: EventRecord
    time: datetime | None = None
    version: str | None = None


def parse_kernel_general(rec: EventRecord) -> KernelGeneral:
    d = rec.data
    when = parse_time(d.get("StartTime" if rec.event_id == 12 else "StopTime", ""))
    parts = [d.get(k) for k in ("MajorVersion", "MinorVersion", "BuildVersion", "QfeVersion")]
    version = ".".join(p for p in parts if p) if all(parts) else None
    return KernelGeneral(rec, when, version)


@dataclass(frozen=True)
class WheaError:
    record: EventRecord
    error_source: str | None = None
    error_type: str | None = None


def parse_whea(rec: EventRecord) -> WheaError:
    d = rec.data
    return WheaError(rec, d.get("ErrorSource"), d.get("ErrorType") or d.get("ErrorTypeString"))


TypedEvent = (KernelPower41 | KernelPower42 | Resume | UnexpectedShutdown6008 | EventLogService | BugCheck1001
              | VolmgrEvent | KernelGeneral | WheaError | WerSystemEvent)


def classify(rec: EventRecord) -> TypedEvent | None:
    """The typed view of a relevant record, or None for anything else."""
    key = provider_key(rec.provider)
    eid = rec.event_id
    if key == KERNEL_POWER:
        if eid == 41:
            return parse_kp41(rec)
        if eid == 42:
            return parse_kp42(rec)
        if eid == 107:
            return parse_resume(rec)
    elif key == EVENTLOG:
        if eid == 6008:
            return parse_6008(rec)
        if eid in (6005, 6006, 6009, 6013):
            return parse_eventlog(rec)
    elif key in BUGCHECK_ALIASES and eid == 1001:
        return parse_1001(rec)
    elif key == WER_BUGCHECK and eid in WER_DUMP_EVENT_IDS:
        return parse_wer_system(rec)
    elif key == VOLMGR:
        return parse_volmgr(rec)
    elif key == POWER_TROUBLESHOOTER and eid == 1:
        return parse_resume(rec)
    elif key == KERNEL_GENERAL and eid in (12, 13):
        return parse_kernel_general(rec)
    elif key == WHEA:
        return parse_whea(rec)
    return None
