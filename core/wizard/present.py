"""Rows and sentences the wizard's pages show, built from the evidence model. UI-agnostic so the
wording is tested without Qt; the GUI only lays these out. Nothing here judges the evidence: verdicts
come from core.diagnosis."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from core.diagnosis.model import Diagnosis, Verdict
from core.diagnosis.wording import VERDICT_LABELS, hex_code, plural
from core.drivers.model import DriverKind, FixCheck, FixState, StorageDriver, StorageReport
from core.dumps.model import DumpInfo
from core.events.model import Timeline, TimelineEntry
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef

# the order the scan reports its steps in, with the words the progress page shows
SCAN_STEPS: tuple[tuple[str, str], ...] = (
    ("registry", "Registry (crash settings, storage services)"),
    ("dumps", "Crash dump files"),
    ("events", "System event log"),
    ("drivers", "Storage drivers"),  # after the log: which computer each file is from decides the drivers
)

KIND_WORDS: dict[DriverKind, str] = {
    DriverKind.STORPORT_VIRTUAL: "Virtual Storport miniport",
    DriverKind.STORPORT_PHYSICAL: "Physical Storport miniport",
    DriverKind.SCSIPORT: "SCSIport miniport",
    DriverKind.ATA: "ATA",
    DriverKind.MONOLITHIC: "Monolithic (no port driver)",
    DriverKind.DUMP_STACK: "Crash dump stack",
    DriverKind.OTHER: "Other",
    DriverKind.UNKNOWN: "Unknown (file not available)",
}

FIX_WORDS: dict[FixState, str] = {
    FixState.FIXED: "Fixed version",
    FixState.NOT_FIXED: "NOT the fixed version",
    FixState.NOT_COVERED: "Not covered by the article",
    FixState.UNKNOWN: "Unknown",
}


def format_time(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when is not None else "unknown"


def format_date(when: datetime) -> str:
    return f"{when.day} {when.strftime('%B %Y')}"


@dataclass(frozen=True)
class DumpRow:
    time: str
    bugcheck: str  # "DRIVER_IRQL_NOT_LESS_OR_EQUAL (0x000000D1)"
    faulting_driver: str
    dump_type: str
    integrity: str
    path: str
    integrity_ok: bool


def dump_rows(dumps: list[DumpInfo]) -> list[DumpRow]:
    rows = []
    for d in dumps:
        if d.bugcheck is not None:
            bugcheck = f"{d.bugcheck.name} ({hex_code(d.bugcheck.code)})"
        else:
            bugcheck = "not recorded" if d.kind == "kernel" else "application dump, not a system crash"
        integ = d.integrity
        rows.append(DumpRow(
            time=format_time(d.system_time),
            bugcheck=bugcheck,
            faulting_driver=d.faulting_driver or "not identified",
            dump_type=d.dump_type or "unknown",
            integrity=integ.message if integ else "not checked",
            path=d.path,
            integrity_ok=integ is None or integ.status == "complete",
        ))
    return rows


def timeline_statement(timeline: Timeline | None) -> str:
    """One sentence summing up unexpected restarts, for when there are no dump files to list."""
    if timeline is None:
        return "No System event log was read, so the crash history is unknown."
    restarts = timeline.unexpected_restarts()
    if not restarts:
        since = f" since {format_date(timeline.first_event)}" if timeline.first_event else ""
        return f"No unexpected restarts are recorded in the System event log{since}."
    since = format_date(restarts[0].time)
    head = f"{plural(len(restarts), 'unexpected restart')} since {since}"
    without = sum(1 for e in restarts if e.dump_written is False)
    with_dump = sum(1 for e in restarts if e.dump_written is True)
    unknown = len(restarts) - without - with_dump
    if without == len(restarts):
        tail = ("no dump file was written for it" if len(restarts) == 1
                else "no dump file was written for any of them")
    elif with_dump == len(restarts):
        tail = "a dump file was written each time"
    else:
        parts = []
        if with_dump:
            parts.append(f"a dump file was written for {with_dump}")
        if without:
            parts.append(f"none for {without}")
        if unknown:
            parts.append(f"unknown for {unknown}")
        tail = ", ".join(parts)
    return f"{head}; {tail}."


@dataclass(frozen=True)
class TimelineRow:
    time: str
    what: str
    events: str  # the records behind it, one per line


def event_ref_text(ref: EvidenceRef) -> str:
    """'System.xml #1026: Kernel-Power 41' — the file name and record, and which event; the row already
    shows the time, and the full path is in the reports' technical appendix."""
    location = re.split(r"[\\/]", ref.location)[-1]
    what = ref.detail.split(" at ", 1)[0].removeprefix("Microsoft-Windows-")
    return f"{location}: {what}" if what else location


def timeline_rows(timeline: Timeline | None, *, only_crashes: bool = True) -> list[TimelineRow]:
    if timeline is None:
        return []
    interesting = {"unexpected-restart", "bugcheck", "dump-error", "hardware-error"}
    entries: list[TimelineEntry] = [e for e in timeline.entries
                                    if not only_crashes or e.kind in interesting]
    return [TimelineRow(format_time(e.time), e.summary, "\n".join(event_ref_text(r) for r in e.events))
            for e in entries]


@dataclass(frozen=True)
class DriverRow:
    name: str
    file_name: str
    version: str
    vendor: str
    kind: str
    why: str
    in_use: bool
    virtual: bool  # a virtual Storport miniport: the kind the article is about


@dataclass(frozen=True)
class FixRow:
    file_name: str
    version: str
    status: str
    message: str
    needs_attention: bool


@dataclass
class DriverTable:
    drivers: list[DriverRow] = field(default_factory=list)
    fixes: list[FixRow] = field(default_factory=list)
    boot_miniport: str = ""

    @property
    def focus_row(self) -> int:
        """The row to show first: a virtual miniport (what the article is about), else one in use."""
        return next((i for i, r in enumerate(self.drivers) if r.virtual),
                    next((i for i, r in enumerate(self.drivers) if r.in_use), 0))


def _fix_row(fix: FixCheck) -> FixRow:
    return FixRow(fix.file_name, fix.version or "unknown", FIX_WORDS[fix.state], fix.message,
                  needs_attention=fix.state is FixState.NOT_FIXED)


def _driver_order(d: StorageDriver) -> tuple[int, str]:
    """What matters first: drivers in use, then any virtual miniport, then boot-start ones; the dump
    stack files last (they are reported again under the fix check)."""
    if d.kind is DriverKind.DUMP_STACK:
        rank = 4
    elif d.in_use:
        rank = 0
    elif d.kind is DriverKind.STORPORT_VIRTUAL:
        rank = 1
    elif d.start == 0:
        rank = 2
    else:
        rank = 3
    return rank, d.service.casefold()


def driver_table(storage: StorageReport | None) -> DriverTable:
    table = DriverTable()
    if storage is None:
        return table
    for d in sorted(storage.drivers, key=_driver_order):
        pe = d.pe
        why = " ".join(d.reasons) if d.reasons else (d.error or "")
        table.drivers.append(DriverRow(
            name=d.service,
            file_name=d.file_name,
            version=(pe.file_version if pe and pe.file_version else "unknown"),
            vendor=(pe.company if pe and pe.company else "unknown"),
            kind=KIND_WORDS.get(d.kind, str(d.kind)),
            why=why,
            in_use=d.in_use,
            virtual=d.kind is DriverKind.STORPORT_VIRTUAL,
        ))
    for fix in (storage.diskdump, storage.crashdmp):
        if fix is not None:
            table.fixes.append(_fix_row(fix))
    bm = storage.boot_miniport
    if bm is not None:
        who = bm.service or "could not be determined"
        table.boot_miniport = f"Boot disk miniport: {who} ({bm.how}; {bm.confidence} confidence)"
    return table


_SMALL_DUMP_TYPES = {"small", "triage", "minidump"}


def minidump_count(dumps: list[DumpInfo]) -> int:
    return sum(1 for d in dumps if d.kind == "kernel" and (d.dump_type or "") in _SMALL_DUMP_TYPES)


def hotfix_link(verdict: Verdict) -> str | None:
    """The article to offer for this verdict: a fix step's link, else the verdict's own."""
    for step in verdict.next_steps:
        if step.link and step.kind == "fix":
            return step.link
    return verdict.link


@dataclass(frozen=True)
class MachineRow:
    """One computer when the files come from several: what the wizard lists before any verdict."""

    label: str
    verdict: str  # "Not this known issue"
    headline: str
    files: tuple[str, ...]


def machine_rows(diagnosis: Diagnosis) -> list[MachineRow]:
    rows = []
    for m in diagnosis.machines:
        identity = m.evidence.machine
        files = tuple(p.label for p in identity.pieces) if identity else ()
        rows.append(MachineRow(m.label, VERDICT_LABELS[m.diagnosis.verdict.id], m.diagnosis.headline, files))
    return rows


def machines_notice(diagnosis: Diagnosis) -> str | None:
    """Shown first when the files come from several computers: which, and each one's answer."""
    rows = machine_rows(diagnosis)
    if not rows:
        return None
    lines = [diagnosis.headline]
    lines += [f"\u2022 {r.label}: {r.verdict}. {r.headline}" for r in rows]
    return "\n".join(lines)


def verdict_headline(diagnosis: Diagnosis) -> str:
    """The diagnosis page's headline: the several-computers notice first when there is one."""
    notice = machines_notice(diagnosis)
    head = diagnosis.verdict.headline
    return f"{notice}\n\n{diagnosis.machines[0].label}: {head}" if notice else head


def select_machine(diagnosis: Diagnosis, evidence: Evidence, index: int) -> tuple[Diagnosis, Evidence]:
    """One computer's own diagnosis and evidence (the wizard can show any of them on its own)."""
    if not diagnosis.machines:
        return diagnosis, evidence
    chosen = diagnosis.machines[index]
    return chosen.diagnosis, chosen.evidence
