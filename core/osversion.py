"""Which Windows a machine runs, from every source that says so, each claim naming where it was read.

Sources, strongest first: the SOFTWARE hive (CurrentVersion), the System log (Kernel-General 12 and
EventLog 6009 at each boot: the newest boot wins), a kernel dump header (its build), and the in-box
Diskdump.sys / Crashdmp.sys (their FileVersion carries the OS build). The strongest claim is the
version; any other claim that disagrees is reported as a contradiction, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.drivers.model import StorageReport
from core.dumps.model import DumpInfo
from core.events.kinds import EventLogService, KernelGeneral, classify
from core.events.model import EventRecord
from core.evidence_ref import EvidenceRef
from core.registry.model import RegistryFacts

# Windows build numbers map to one major.minor each (NT 6.0 Vista/2008 ... 10.0).
_BUILD_RANGES = ((6000, 6003, (6, 0)), (7600, 7601, (6, 1)), (9200, 9200, (6, 2)),
                 (9600, 9600, (6, 3)), (10240, 99999, (10, 0)))


def build_to_version(build: int) -> tuple[int, int] | None:
    for low, high, version in _BUILD_RANGES:
        if low <= build <= high:
            return version
    return None


@dataclass(frozen=True)
class VersionClaim:
    """One source's word on the Windows version."""

    major: int
    minor: int
    build: int
    source: str  # "the SOFTWARE hive", "the System log (Kernel-General 12)", "a crash dump header"
    ref: EvidenceRef | None
    when: datetime | None = None  # the boot or crash it was recorded at, when known

    @property
    def text(self) -> str:
        return f"{self.major}.{self.minor}.{self.build}"


@dataclass
class OsVersion:
    """The version a machine runs (the strongest claim) and what else the evidence said."""

    chosen: VersionClaim
    claims: list[VersionClaim] = field(default_factory=list)  # every source, the chosen one first
    contradictions: list[str] = field(default_factory=list)  # plain sentences

    @property
    def build(self) -> int:
        return self.chosen.build


def _three_numbers(text: str | None) -> tuple[int, int, int] | None:
    """(6, 1, 7600) from "6.1.7600.16385"; None when the text does not start with three numbers."""
    parts = (text or "").split(".")
    try:
        return int(parts[0]), int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        return None


_6009 = re.compile(r"^\s*(\d+)\.(\d+)\.?\s+(\d+)")  # "6.01. 7601 Service Pack 1 Multiprocessor Free"


def from_registry(facts: RegistryFacts | None) -> VersionClaim | None:
    system = facts.system if facts else None
    if system is None or system.build is None or system.major is None:
        return None
    ref = next((r for r in system.refs if "currentversion" in r.location.casefold()), None)
    if ref is None:  # set by an older scan from other evidence: not the SOFTWARE hive
        return None
    ref = EvidenceRef("registry", f"{ref.location}\\CurrentBuildNumber", system.version_text, ref.file)
    return VersionClaim(system.major, system.minor or 0, system.build, "the SOFTWARE hive", ref)


def from_events(records: list[EventRecord]) -> list[VersionClaim]:
    """The newest boot's version from Kernel-General 12 and from EventLog 6009, one claim each."""
    newest: dict[int, VersionClaim] = {}
    for rec in records:
        if rec.event_id not in (12, 6009):
            continue
        typed = classify(rec)
        numbers: tuple[int, int, int] | None = None
        if isinstance(typed, KernelGeneral) and rec.event_id == 12:
            numbers = _three_numbers(typed.version)
            source = "the System log (Kernel-General 12 at a boot)"
        elif isinstance(typed, EventLogService) and rec.event_id == 6009:
            match = _6009.match(typed.os_version or "")
            numbers = (int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None
            source = "the System log (EventLog 6009 at a boot)"
        if numbers is None:
            continue
        claim = VersionClaim(*numbers, source, rec.ref(), rec.time)
        old = newest.get(rec.event_id)
        if old is None or (old.when or rec.time) <= rec.time:
            newest[rec.event_id] = claim
    return list(newest.values())


def from_dumps(dumps: list[DumpInfo]) -> list[VersionClaim]:
    out = []
    oldest = datetime.min.replace(tzinfo=UTC)
    for dump in sorted(dumps, key=lambda d: d.system_time or oldest, reverse=True):
        if not dump.build:
            continue
        major_minor = build_to_version(dump.build)
        if major_minor is not None:
            out.append(VersionClaim(*major_minor, dump.build, f"the crash dump header of {dump.path}",
                                    EvidenceRef("dump", dump.path, f"header build {dump.build}"),
                                    dump.system_time))
    return out


def from_files(storage: StorageReport | None) -> list[VersionClaim]:
    out = []
    for fix in storage.dump_stack_files if storage is not None else []:
        numbers = _three_numbers(fix.version)
        if numbers is None or build_to_version(numbers[2]) != numbers[:2]:
            continue
        ref = fix.ref or EvidenceRef("file", fix.file_name, f"FileVersion {fix.version}")
        out.append(VersionClaim(*numbers, f"the version of {fix.file_name}, an in-box Windows file", ref))
    return out


def from_text(text: str | None, where: str, source: str) -> VersionClaim | None:
    """A version written out as text, e.g. the collector's `ver` output ("[Version 6.1.7601]")."""
    numbers = _three_numbers(text)
    if numbers is None or build_to_version(numbers[2]) != numbers[:2]:
        return None
    return VersionClaim(*numbers, source, EvidenceRef("file", where, f"Version {text}"))


def derive_version(facts: RegistryFacts | None, records: list[EventRecord], dumps: list[DumpInfo],
                   storage: StorageReport | None,
                   extra: list[VersionClaim] | None = None) -> OsVersion | None:
    """Every claim, the strongest first; None when no evidence says which Windows this is. `extra`:
    what the source itself says (a bundle's collector `ver` output), weighed after the boot events."""
    registry = from_registry(facts)
    events = sorted(from_events(records), key=lambda c: c.when or datetime.min.replace(tzinfo=UTC),
                    reverse=True)
    claims = [c for c in [registry, *events, *(extra or []), *from_dumps(dumps), *from_files(storage)]
              if c is not None]
    if not claims:
        return None
    chosen = claims[0]
    contradictions = []
    for other in claims[1:]:
        if (other.major, other.minor, other.build) == (chosen.major, chosen.minor, chosen.build):
            continue
        older = other.when is not None and chosen.when is not None and other.when < chosen.when
        if older and (other.major, other.minor) == (chosen.major, chosen.minor):
            continue  # an older boot or crash before an update of the same Windows: not a contradiction
        contradictions.append(f"{chosen.source} says Windows {chosen.text}, but {other.source} says "
                              f"{other.text}")
    return OsVersion(chosen, claims, contradictions)
