"""Builds System-log XML the way Windows writes it, for every event kind the timeline uses, in the field
shapes of Vista SP2, Windows 7 and Windows 10 (field names and types as seen in real logs: Kernel-Power
41 version 2 on Windows 7 has SleepInProgress true/false; Windows 10's newer version has a number and
more fields; BugCheck 1001 carries "0x... (p1, p2, p3, p4)" in param1 and the dump path in param2).

`export(...)` renders a list of events as `wevtutil qe System /f:xml` does (no root element) or as
Event Viewer's "Save as XML" does (an <Events> root), in UTF-8 or UTF-16, with or without a BOM.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS = "http://schemas.microsoft.com/win/2004/08/events/event"
GUIDS = {
    "Microsoft-Windows-Kernel-Power": "{331C3B3A-2005-44C2-AC5E-77220C37D6B4}",
    "Microsoft-Windows-WER-SystemErrorReporting": "{ABCE23E7-DE45-4366-8631-84FA6C525952}",
    "Microsoft-Windows-Kernel-General": "{A68CA8B7-004F-D7B6-A698-07E2DE0F1F5D}",
    "Microsoft-Windows-Power-Troubleshooter": "{CDC05E28-C449-49C6-B9D2-88CF761644DF}",
    "Microsoft-Windows-WHEA-Logger": "{C26C4F3C-3F66-4E99-8F8A-39405CFED220}",
}
SHAPES = ("vista", "win7", "win10")


@dataclass
class Ev:
    provider: str
    event_id: int
    time: datetime
    data: list[tuple[str | None, str]] = field(default_factory=list)  # (Name or None, value)
    level: int = 4
    version: int | None = 0
    record_id: int | None = None
    source_name: str | None = None
    binary: str | None = None
    qualifiers: int | None = None
    computer: str = "TESTPC"
    user_data: dict[str, str] | None = None  # rendered as <UserData><Fields>...</Fields></UserData>


def at(text: str) -> datetime:
    """'2013-05-07 10:00:00' (UTC) → aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _time(value: datetime, digits: int) -> str:
    base = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{value.microsecond:06d}".ljust(digits, "0")[:digits]
    return f"{base}.{frac}Z"


def event_xml(ev: Ev, *, time_digits: int = 9, quote: str = "'") -> str:
    """One <Event> element as wevtutil renders it (single-quoted attributes, no whitespace)."""

    def attr(value: str) -> str:
        text = quoteattr(value)
        return text if quote == '"' or "'" in value else "'" + text[1:-1] + "'"

    provider = f"<Provider Name={attr(ev.provider)}"
    if ev.provider in GUIDS:
        provider += f" Guid={attr(GUIDS[ev.provider])}"
    if ev.source_name:
        provider += f" EventSourceName={attr(ev.source_name)}"
    provider += "/>"
    qualifiers = f" Qualifiers={attr(str(ev.qualifiers))}" if ev.qualifiers is not None else ""
    eid = f"<EventID{qualifiers}>{ev.event_id}</EventID>"
    parts = [f"<Event xmlns={attr(NS)}><System>", provider, eid]
    if ev.version is not None:
        parts.append(f"<Version>{ev.version}</Version>")
    parts.append(f"<Level>{ev.level}</Level><Task>0</Task><Keywords>0x8000000000000000</Keywords>")
    parts.append(f"<TimeCreated SystemTime={attr(_time(ev.time, time_digits))}/>")
    if ev.record_id is not None:
        parts.append(f"<EventRecordID>{ev.record_id}</EventRecordID>")
    parts.append(f"<Channel>System</Channel><Computer>{escape(ev.computer)}</Computer><Security/></System>")
    if ev.user_data is not None:
        parts.append("<UserData><Fields xmlns='http://example.invalid/fields'>")
        parts += [f"<{k}>{escape(v)}</{k}>" for k, v in ev.user_data.items()]
        parts.append("</Fields></UserData>")
    else:
        parts.append("<EventData>")
        for name, value in ev.data:
            tag = f"<Data Name={attr(name)}>" if name else "<Data>"
            parts.append(f"{tag}{escape(value)}</Data>")
        if ev.binary is not None:
            parts.append(f"<Binary>{ev.binary}</Binary>")
        parts.append("</EventData>")
    parts.append("</Event>")
    return "".join(parts)


def export(events: list[Ev], *, root: bool = False, encoding: str = "utf-8", bom: bool = False,
           declaration: bool = False, newline: str = "\r\n", time_digits: int = 9) -> bytes:
    """The bytes of an XML export. encoding: "utf-8", "utf-16-le" or "utf-16-be"."""
    body = newline.join(event_xml(e, time_digits=time_digits) for e in events)
    if root:
        body = f"<Events>{newline}{body}{newline}</Events>"
    if declaration:
        label = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
        body = f'<?xml version="1.0" encoding="{label}"?>{newline}{body}'
    data = body.encode(encoding)
    if bom:
        data = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE,
                "utf-16-be": codecs.BOM_UTF16_BE}[encoding] + data
    return data


def write_export(path: Path, events: list[Ev], **fmt: object) -> Path:
    path.write_bytes(export(events, **fmt))  # type: ignore[arg-type]
    return path


# ----------------------------------------------------------------------------- event kinds

def _hex(value: int) -> str:
    return f"0x{value:x}"


def kernel_power_41(when: datetime, *, shape: str = "win7", bugcheck: int = 0,
                    params: tuple[int, int, int, int] = (0, 0, 0, 0), sleep: bool | int = False,
                    record_id: int | None = None, power_button: int = 0) -> Ev:
    """Vista SP2: BugcheckCode + 4 parameters; Windows 7 (version 2) adds SleepInProgress true/false and
    PowerButtonTimestamp; Windows 10 has SleepInProgress as a power-state number and more fields."""
    data: list[tuple[str | None, str]] = [("BugcheckCode", str(bugcheck))]
    data += [(f"BugcheckParameter{i + 1}", _hex(p)) for i, p in enumerate(params)]
    version = {"vista": 1, "win7": 2, "win10": 8}[shape]
    if shape == "win7":
        data += [("SleepInProgress", "true" if sleep else "false"),
                 ("PowerButtonTimestamp", str(power_button))]
    elif shape == "win10":
        state = int(sleep) if not isinstance(sleep, bool) else (4 if sleep else 0)
        data += [("SleepInProgress", str(state)), ("PowerButtonTimestamp", str(power_button)),
                 ("BootAppStatus", "0"),
                 ("Checkpoint", "0"), ("ConnectedStandbyInProgress", "false"),
                 ("SystemSleepTransitionsToOn", "1"), ("CsEntryScenarioInstanceId", "0"),
                 ("BugcheckInfoFromEFI", "false"), ("CheckpointStatus", "0")]
    return Ev("Microsoft-Windows-Kernel-Power", 41, when, data, level=1, version=version, record_id=record_id)


def kernel_power_42(when: datetime, *, target_state: int = 4, effective_state: int | None = None,
                    shape: str = "win7") -> Ev:
    data: list[tuple[str | None, str]] = [("TargetState", str(target_state))]
    if shape == "win10":
        data += [("EffectiveState", str(effective_state if effective_state is not None else target_state)),
                 ("Reason", "7"), ("Flags", "0"), ("TransitionsToOn", "1")]
    else:
        data += [("Reason", "7"), ("Flags", "0")]
    return Ev("Microsoft-Windows-Kernel-Power", 42, when, data, version=3 if shape == "win10" else 2)


def kernel_power_107(when: datetime, *, target_state: int = 4) -> Ev:
    return Ev("Microsoft-Windows-Kernel-Power", 107, when,
              [("TargetState", str(target_state)), ("EffectiveState", str(target_state)),
               ("WakeFromState", str(target_state))], version=1)


def power_troubleshooter_1(when: datetime, *, sleep_time: datetime, target_state: int = 4) -> Ev:
    return Ev("Microsoft-Windows-Power-Troubleshooter", 1, when,
              [("SleepTime", _time(sleep_time, 7)), ("WakeTime", _time(when - timedelta(seconds=2), 7)),
               ("TargetState", str(target_state))], version=2)


def _systemtime(value: datetime) -> bytes:
    import struct

    return struct.pack("<8H", value.year, value.month, (value.weekday() + 1) % 7, value.day, value.hour,
                       value.minute, value.second, value.microsecond // 1000)


def eventlog_6008(when: datetime, *, previous_shutdown: datetime, utc_offset_hours: int = -4) -> Ev:
    """Data1/Data2: local time and date as text (with the direction marks Windows inserts); Binary: the
    same moment as local SYSTEMTIME then UTC SYSTEMTIME."""
    local = previous_shutdown + timedelta(hours=utc_offset_hours)
    hour12 = local.hour % 12 or 12
    text_time = f"{hour12}:{local.minute:02d}:{local.second:02d} {'AM' if local.hour < 12 else 'PM'}"
    text_date = f"\u200e{local.month}/\u200e{local.day}/\u200e{local.year}"
    binary = (_systemtime(local) + _systemtime(previous_shutdown)).hex().upper() + "600900003C000000"
    return Ev("EventLog", 6008, when, [(None, text_time), (None, text_date), (None, ""), (None, ""),
                                       (None, "1846932"), (None, ""), (None, "")],
              level=2, version=None, binary=binary, qualifiers=32768)


def eventlog(when: datetime, event_id: int, *, uptime: int = 3600) -> Ev:
    """6005 started, 6006 stopped, 6009 version at boot, 6013 uptime."""
    if event_id == 6013:
        data: list[tuple[str | None, str]] = [(None, "")] * 4 + [
            (None, str(uptime)), (None, "60"), (None, "300 Eastern Standard Time")]
    elif event_id == 6009:
        data = [(None, "6.01."), (None, "7600"), (None, ""), (None, "Multiprocessor Free")]
    else:
        data = [(None, "")]
    return Ev("EventLog", event_id, when, data, version=None, qualifiers=32768)


def bugcheck_1001(when: datetime, *, code: int = 0xD1,
                  params: tuple[int, ...] = (0, 2, 0, 0xFFFFF88001234567),
                  dump_path: str = r"C:\Windows\MEMORY.DMP", shape: str = "win7") -> Ev:
    """param1 "0x000000d1 (p1, p2, p3, p4)" (8 hex digits per parameter on 32-bit Vista, 16 on x64),
    param2 the dump path, param3 the report id. shape "message" leaves only unnamed text items."""
    width = 8 if shape == "vista" else 16
    text = f"0x{code:08x} (" + ", ".join(f"0x{p:0{width}x}" for p in params) + ")"
    report = {"vista": "050713-25428-01", "win7": "040612-50390-01",
              "win10": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}.get(shape, "")
    if shape == "message":
        data: list[tuple[str | None, str]] = [
            (None, f"The computer has rebooted from a bugcheck.  The bugcheck was: {text}. "
                   f"A dump was saved in: {dump_path}. Report Id: 0123.")]
    else:
        data = [("param1", text), ("param2", dump_path), ("param3", report)]
    return Ev("Microsoft-Windows-WER-SystemErrorReporting", 1001, when, data, level=2,
              source_name="BugCheck", qualifiers=16384)


def volmgr(when: datetime, event_id: int = 46, *, volume: str = r"\Device\HarddiskVolume2",
           progress: int | None = None, unique_value: int = 0) -> Ev:
    """A volmgr event as the I/O manager logs it: the volume as the first <Data>, an IO_ERROR_LOG_PACKET
    in <Binary> (ErrorCode 0xC004xxxx at byte 12, UniqueErrorValue at byte 16). `progress` adds the
    value as a second <Data> item (where 161's "BugCheckProgress was: %2" may render)."""
    packet = (bytes(4) + (1).to_bytes(2, "little") + bytes(6) + (0xC0040000 | event_id).to_bytes(4, "little")
              + unique_value.to_bytes(4, "little") + (0xC0000001).to_bytes(4, "little") + bytes(16))
    data: list[tuple[str | None, str]] = [(None, volume)]
    if progress is not None:
        data.append((None, f"0x{progress:x}"))
    return Ev("volmgr", event_id, when, data, level=2, version=None, qualifiers=49156,
              binary=packet.hex().upper())


def wer_system(when: datetime, event_id: int, text: str = "") -> Ev:
    """Microsoft-Windows-WER-SystemErrorReporting events other than the 1001 (1000, 1004, 1006)."""
    return Ev("Microsoft-Windows-WER-SystemErrorReporting", event_id, when, [("param1", text)], level=2,
              source_name="BugCheck", qualifiers=16384)


def kernel_general(when: datetime, event_id: int = 12, *,
                   version: tuple[int, int, int, int] = (6, 1, 7600, 16385)) -> Ev:
    if event_id == 12:
        major, minor, build, qfe = version
        data: list[tuple[str | None, str]] = [
            ("MajorVersion", str(major)), ("MinorVersion", str(minor)), ("BuildVersion", str(build)),
            ("QfeVersion", str(qfe)), ("ServiceVersion", "0"), ("BootMode", "0"),
            ("StartTime", _time(when - timedelta(seconds=1), 7))]
    else:
        data = [("StopTime", _time(when, 7))]
    return Ev("Microsoft-Windows-Kernel-General", event_id, when, data)


def whea(when: datetime, event_id: int = 18, *, level: int = 1) -> Ev:
    return Ev("Microsoft-Windows-WHEA-Logger", event_id, when,
              [("ErrorSource", "3"), ("ApicId", "0"), ("MCABank", "4"),
               ("ErrorType", "Cache Hierarchy Error")],
              level=level, version=0)


def unrelated(when: datetime, provider: str, event_id: int) -> Ev:
    """The same IDs under other providers (FACTS §7): must not be taken for crash evidence."""
    return Ev(provider, event_id, when, [("Detail", "not a crash")], level=2)


# ----------------------------------------------------------------------------- whole stories

def boot(when: datetime, *, version: tuple[int, int, int, int] = (6, 1, 7600, 16385)) -> list[Ev]:
    return [kernel_general(when, 12, version=version), eventlog(when + timedelta(seconds=20), 6009),
            eventlog(when + timedelta(seconds=20), 6005)]


def clean_shutdown(when: datetime) -> list[Ev]:
    return [eventlog(when, 6006), kernel_general(when + timedelta(seconds=5), 13)]


def hibernate_crash_d1(start: datetime, *, shape: str = "win7") -> list[Ev]:
    """The known defect: a 42 toward hibernation, a 0xD1 while writing the hiberfile, a restart with
    Kernel-Power 41 (SleepInProgress) and 6008, and no 1001."""
    crash_boot = start + timedelta(minutes=5)
    return [*boot(start),
            kernel_power_42(start + timedelta(minutes=2), target_state=5, shape=shape),
            *boot(crash_boot),
            kernel_power_41(crash_boot + timedelta(seconds=3), shape=shape, bugcheck=209,
                            params=(0, 2, 0, 0xFFFFF88001234567), sleep=True if shape != "win10" else 5),
            eventlog_6008(crash_boot + timedelta(seconds=40), previous_shutdown=start + timedelta(minutes=2))]
