"""One row per machine: the columns a helpdesk queue, a fleet tool and the one-line summary share.

The columns are declared once (COLUMNS); the CSV header, the NDJSON keys, the HTML overview, the
Velociraptor artifact's SELECT and resources/report.schema.json (`$defs/triage_row`) all follow this
list, and a test holds them together. A value the evidence did not give stays None (JSON null, an
empty CSV cell): "unknown" is never turned into "no".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from core.diagnosis.model import Diagnosis
from core.dumps.bugchecks import format_code, lookup
from core.events.model import TimelineEntry, TimelineKind
from core.evidence import Evidence
from core.jsonutil import iso_utc
from core.triage.oneline import MISSING_PREFIX, summary_line

ROW_SCHEMA = 1  # bump when a column is removed or changes meaning; adding one keeps it

# The readiness verdict's ids (core.readiness.model.ReadinessId); "unknown" when a diagnosis has none.
READINESS_UNKNOWN = "unknown"
NOT_READY = ("not-ready",)  # the next crash leaves no dump

# (key, CSV/HTML header, what it holds) — the single list every writer and integration follows.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("computer_name", "Computer", "computer name from the registry (null when not read)"),
    ("os", "OS", "product name and service pack, e.g. 'Windows 7 Enterprise Service Pack 1'"),
    ("os_build", "Build", "major.minor.build, e.g. '6.1.7601'"),
    ("verdict", "Known issue", "matches | at-risk | not-this-issue | cant-tell | error"),
    ("verdict_reason", "Why", "the verdict's reason id (docs/report-schema.md), null for matches/at-risk"),
    ("dump_readiness", "Dump readiness",
     "the readiness verdict when the diagnosis carries one, else 'unknown'"),
    ("outcome", "Outcome", "ok | problem | unreadable | cant-tell | error (the scan's exit code in words)"),
    ("exit_code", "Exit", "what `dumpdoctor scan` exits with for this machine (0, 1, 3, 4)"),
    ("last_crash_time", "Last crash", "UTC ISO 8601 time of the newest crash (dump or event)"),
    ("stop_code", "Stop code", "e.g. '0x000000D1'"),
    ("stop_name", "Stop name", "e.g. 'DRIVER_IRQL_NOT_LESS_OR_EQUAL'"),
    ("faulting_driver", "Faulting driver", "the driver the newest dump blames, when a dump names one"),
    ("no_dump_reason", "No dump because",
     "why the last crash left no dump (timeline reason id, 'unknown'); null when a dump was written"),
    ("boot_miniport", "Boot miniport", "the storage miniport that writes dumps"),
    ("boot_miniport_kind", "Miniport kind", "storport-virtual | storport-physical | scsiport | ata | ..."),
    ("diskdump_version", "Diskdump.sys", "file version of Diskdump.sys"),
    ("diskdump_fix_state", "Fix state", "fixed | not-fixed | not-covered | unknown"),
    ("headline", "Headline", "the diagnosis in one sentence"),
    ("summary", "Summary", "the one-line summary (`dumpdoctor scan --summary`)"),
    ("source", "Source", "the bundle, folder or machine examined"),
    ("problems", "Problems", "what could not be read, one sentence each"),
)
COLUMN_KEYS: tuple[str, ...] = tuple(key for key, _, _ in COLUMNS)

MAX_PROBLEMS = 20  # a row stays readable; the full report lists every problem


@dataclass
class TriageRow:
    source: str
    computer_name: str | None = None
    os: str | None = None
    os_build: str | None = None
    verdict: str = "error"
    verdict_reason: str | None = None
    dump_readiness: str = READINESS_UNKNOWN
    outcome: str = "error"
    exit_code: int | None = None
    last_crash_time: str | None = None
    stop_code: str | None = None
    stop_name: str | None = None
    faulting_driver: str | None = None
    no_dump_reason: str | None = None
    boot_miniport: str | None = None
    boot_miniport_kind: str | None = None
    diskdump_version: str | None = None
    diskdump_fix_state: str | None = None
    headline: str = ""
    summary: str = ""
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The NDJSON object: `row_schema` first, then the columns in COLUMNS order."""
        data = asdict(self)
        return {"row_schema": ROW_SCHEMA, **{key: data[key] for key in COLUMN_KEYS}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TriageRow:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def is_error(self) -> bool:
        return self.verdict == "error"


def _readiness(diag: Diagnosis) -> str:
    """The readiness verdict's id (ready / not-ready / degraded / cant-tell), "unknown" without one."""
    readiness = diag.readiness
    return readiness.id.value if readiness is not None else READINESS_UNKNOWN


def _os(ev: Evidence) -> tuple[str | None, str | None]:
    system = ev.registry.system if ev.registry is not None else None
    if system is None:
        return None, None
    name = " ".join(p for p in (system.product_name, system.csd_version) if p) or None
    parts = [system.major, system.minor, system.build]
    build = ".".join(str(p) for p in parts) if all(p is not None for p in parts) else (
        str(system.build) if system.build is not None else None)
    return name, build


_CRASH_KINDS = (TimelineKind.UNEXPECTED_RESTART, TimelineKind.BUGCHECK)


def _missing_dump_reason(diag: Diagnosis, when: datetime) -> str | None:
    """The readiness work's documented reason for this crash's missing dump (volmgr-45, power-button,
    dump-disabled, ...), when it explains the crash at that time."""
    readiness = diag.readiness
    for missing in readiness.missing_dumps if readiness is not None else []:
        if abs((missing.time - when).total_seconds()) < 600:
            return missing.reason
    return None


def _last_crash(row: TriageRow, ev: Evidence, diag: Diagnosis) -> None:
    """The newest crash, whether a dump or only the System log records it."""
    dump = next((d for d in ev.dumps if d.system_time is not None and d.bugcheck is not None), None)
    entries: list[TimelineEntry] = [e for e in (ev.timeline.entries if ev.timeline else [])
                                    if e.kind in _CRASH_KINDS]
    entry = max(entries, key=lambda e: e.time) if entries else None
    dump_time: datetime | None = dump.system_time if dump is not None else None
    # Within a few minutes of each other they are one crash: the dump says more about it.
    if dump is not None and dump_time is not None and (
            entry is None or dump_time >= entry.time or abs((entry.time - dump_time).total_seconds()) < 600):
        assert dump.bugcheck is not None
        row.last_crash_time = iso_utc(dump_time)
        row.stop_code = format_code(dump.bugcheck.code)
        row.stop_name = dump.bugcheck.name
        row.faulting_driver = dump.faulting_driver
        return
    if entry is None:
        return
    row.last_crash_time = iso_utc(entry.time)
    if entry.bugcheck_code:
        row.stop_code = format_code(entry.bugcheck_code)
        row.stop_name = lookup(entry.bugcheck_code).name
    if entry.dump_written is False:
        row.no_dump_reason = _missing_dump_reason(diag, entry.time) or (
            entry.no_dump_reason.value if entry.no_dump_reason else "unknown")
    elif entry.dump_written is None:
        row.no_dump_reason = "unknown"


def _storage(row: TriageRow, ev: Evidence) -> None:
    storage = ev.storage
    if storage is None:
        return
    boot = storage.boot_miniport
    if boot is not None and boot.service:
        row.boot_miniport = boot.service
        driver = storage.driver(boot.service)
        if driver is not None:
            row.boot_miniport = driver.file_name or boot.service
            row.boot_miniport_kind = driver.kind.value
    if storage.diskdump is not None:
        row.diskdump_version = storage.diskdump.version
        row.diskdump_fix_state = storage.diskdump.state.value


def row_from(diag: Diagnosis, ev: Evidence, source: str) -> TriageRow:
    """The machine's row from a finished scan and diagnosis."""
    verdict = diag.verdict
    row = TriageRow(source=source, verdict=verdict.id.value, verdict_reason=verdict.reason,
                    outcome=diag.outcome.value, exit_code=diag.exit_code, headline=diag.headline,
                    dump_readiness=_readiness(diag))
    system = ev.registry.system if ev.registry is not None else None
    row.computer_name = system.computer_name if system is not None else None
    if row.computer_name is None and ev.machine is not None and ev.machine.names:
        # No registry name: the name the other evidence shows (a System log's Computer field).
        row.computer_name = ev.machine.names[0]
    row.os, row.os_build = _os(ev)
    _last_crash(row, ev, diag)
    _storage(row, ev)
    shown = [str(p) for p in ev.problems if p.severity.value != "info"]
    if ev.missing:
        shown.append(MISSING_PREFIX + ", ".join(m.what for m in ev.missing))
    more = len(shown) - MAX_PROBLEMS
    row.problems = shown[:MAX_PROBLEMS] + ([f"... and {more} more (see the full report)"] if more > 0 else [])
    row.summary = summary_line(row)
    return row


def rows_from(diag: Diagnosis, ev: Evidence, source: str) -> list[TriageRow]:
    """One row per computer: a bundle whose files come from several computers is split as the
    diagnosis splits it (Diagnosis.machines), each row saying so."""
    if len(diag.machines) <= 1:
        return [row_from(diag, ev, source)]
    rows = []
    for machine in diag.machines:
        row = row_from(machine.diagnosis, machine.evidence, source)
        row.problems.insert(0, f"this bundle holds files from {len(diag.machines)} computers; this row is "
                               f"{machine.label}")
        row.summary = summary_line(row)
        rows.append(row)
    return rows


def problem_row(source: str, message: str) -> TriageRow:
    """A bundle that could not be examined at all: still one row, saying why."""
    row = TriageRow(source=source, problems=[message], headline=f"Could not be examined: {message}")
    row.summary = summary_line(row)
    return row
