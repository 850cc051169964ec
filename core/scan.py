"""source → Evidence: run every reader over what a source hands out, with progress and cancel.

Nothing a reader says about bad input stops the scan: each file that cannot be read becomes a Problem
naming it, and the next file is read. Only Cancelled ends a scan early. The readers are called through
this module's names (read_dump, read_events, ...) so a test can replace one reader and check the
orchestration on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from core.advice import add_or_collect
from core.drivers import assess_loose, assess_storage
from core.drivers.model import StorageReport
from core.dumps import read_dump
from core.dumps.model import DumpInfo, Integrity, IntegrityStatus
from core.errors import Cancelled, DumpDoctorError, unreadable
from core.events import build_timeline, merge_reads, read_events
from core.events.kinds import KernelGeneral, classify
from core.events.model import EventInput, EventReadResult, EventRecord, Timeline
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef, Missing, Problem, Severity
from core.formatting import format_size
from core.progress import NEVER_CANCELLED, CancelToken, ProgressSink, ProgressUpdate, no_progress
from core.registry import read_registry_facts
from core.registry.model import CrashControl, RegistryFacts, SystemFacts
from core.sources.base import EvidenceSource

log = logging.getLogger(__name__)
T = TypeVar("T")

STEPS = ("registry", "dumps", "drivers", "events")


@dataclass(frozen=True)
class EventRead:
    """One System-log input and what reading it gave, kept so nothing reads the same log twice in one
    examination (the bundle export writes these records)."""

    input: EventInput
    result: EventReadResult | None  # None: the input could not be read (see error)
    error: str = ""


# -- orchestration ---------------------------------------------------------------------------------


class _Run:
    def __init__(self, source: EvidenceSource, progress: ProgressSink, cancel: CancelToken) -> None:
        self.source = source
        self.progress = progress
        self.cancel = cancel
        self.problems: list[Problem] = []
        self.missing: list[Missing] = []
        self.records: list[EventRecord] = []
        self.event_reads: list[EventRead] = []

    def report(self, step: str, done: int, total: int | None, message: str = "") -> None:
        self.progress(ProgressUpdate(step, done, total, message))

    def guarded(self, step: str, where: str, fn: Callable[[], T]) -> T | None:
        """Run one unit of work; any failure becomes a Problem naming `where`."""
        try:
            return fn()
        except Cancelled:
            raise
        except DumpDoctorError as exc:
            self.problems.append(Problem(exc.path or where, exc.message, Severity.ERROR, step))
        except OSError as exc:
            err = unreadable(where, exc)
            self.problems.append(Problem(where, err.message, Severity.ERROR, step))
        except Exception as exc:  # a reader bug must not lose the rest of the evidence
            log.exception("unexpected error in step %s for %s", step, where)
            self.problems.append(Problem(where, f"internal error while reading ({type(exc).__name__}: "
                                                f"{exc}); please report this", Severity.ERROR, step))
        return None

    # -- steps -------------------------------------------------------------------------------------

    def registry(self) -> RegistryFacts | None:
        self.report("registry", 0, 1, "Reading the registry")
        hives = self.guarded("registry", "registry", self.source.registry)
        facts = None
        if hives is not None and (hives.system is not None or hives.software is not None):
            facts = self.guarded("registry", "registry",
                                 lambda: read_registry_facts(hives.system, hives.software))
            if facts is not None:
                facts.hive_notes.extend(n for n in hives.notes if n not in facts.hive_notes)
        self.cancel.check()
        self.report("registry", 1, 1)
        return facts

    def dumps(self, crash_control: CrashControl | None) -> list[DumpInfo]:
        self.report("dumps", 0, None, "Looking for crash dumps")
        paths = self.guarded("dumps", "crash dump folders",
                             lambda: self.source.dump_files(crash_control)) or []
        out: list[DumpInfo] = []
        for done, path in enumerate(paths):
            shown = self.source.display_path(path)
            self.report("dumps", done, len(paths), shown)
            self.cancel.check()
            info = self.guarded("dumps", shown, lambda p=path: read_dump(p))  # type: ignore[misc]
            if info is not None:
                info.path = shown
                self._note_excerpt(info, path)
                out.append(info)
        self.report("dumps", len(paths), len(paths))
        # Newest first by the crash time the dump records; files without one keep their order last.
        dated = sorted((d for d in out if d.system_time is not None),
                       key=lambda d: d.system_time or datetime.min, reverse=True)
        return dated + [d for d in out if d.system_time is None]

    def _note_excerpt(self, info: DumpInfo, path: Path) -> None:
        size = self.source.excerpt_of_size(path)
        if size is None:
            return
        info.excerpt_of_size = size
        text = f"header excerpt of a {format_size(size)} dump (the bundle holds its first pages only)"
        info.notes.append(text)
        if info.integrity is None or info.integrity.status is IntegrityStatus.TRUNCATED:
            info.integrity = Integrity(IntegrityStatus.HEADER_ONLY, text[0].upper() + text[1:] + ".")

    def drivers(self, facts: RegistryFacts | None, dumps: list[DumpInfo],
                loaded: list[str] | None) -> StorageReport | None:
        self.report("drivers", 0, 1, "Checking storage drivers")
        given = self.guarded("drivers", "driver files", self.source.given_driver_files) or []
        stack = next((d.dump_stack for d in dumps if d.dump_stack), [])
        if facts is None:
            # No registry: driver files given on their own are still classified from their content.
            loose = self.guarded("drivers", "storage drivers", lambda: assess_loose(
                given, self.source.display_path, list(stack))) if given else None
            self.report("drivers", 1, 1)
            return loose
        storage = self.guarded("drivers", "storage drivers",
                               lambda: assess_storage(facts, self.source.driver_file, list(stack), loaded,
                                                      given, self.source.display_path))
        self.cancel.check()
        if storage is not None and storage.drivers and all(d.file_path is None for d in storage.drivers):
            self.missing.append(Missing("drivers", "None of the storage driver files could be found, so "
                                        "their versions and kinds are guesses.",
                                        add_or_collect("drivers")))
        self.report("drivers", 1, 1)
        return storage

    def events(self, dumps: list[DumpInfo], crash_control: CrashControl | None) -> Timeline | None:
        self.report("events", 0, None, "Reading the System event log")
        inputs = self.guarded("events", "event logs", self.source.event_inputs) or []
        results: list[EventReadResult] = []
        for done, inp in enumerate(inputs):
            self.report("events", done, len(inputs), inp.label)
            self.cancel.check()
            before = len(self.problems)
            res = self.guarded("events", inp.label,
                               lambda i=inp: read_events(i, self.cancel))  # type: ignore[misc]
            self.event_reads.append(EventRead(inp, res, "; ".join(p.message for p in self.problems[before:])))
            if res is not None:
                results.append(res)
                self.problems.extend(res.problems)
                self.problems.extend(Problem(inp.label, note, Severity.INFO, "events") for note in res.notes)
        self.report("events", len(inputs), len(inputs))
        if not results:
            return None
        self.cancel.check()
        # One read for all inputs, as `dumpdoctor events` does: the timeline then spans every record
        # read (first_event / last_event), not only the relevant ones.
        merged = merge_reads(results)
        self.records = merged.records
        timeline = self.guarded("events", "timeline", lambda: build_timeline(merged, dumps, crash_control))
        if timeline is None:
            return None
        timeline.records_read = merged.records_read
        timeline.unreadable_records = merged.unreadable_records
        for inp in inputs:
            if inp.label not in timeline.sources:
                timeline.sources.append(inp.label)
        return timeline


def _build_to_version(build: int) -> tuple[int, int] | None:
    """Windows build numbers map to one major.minor each (NT 6.0 Vista/2008 ... 10.0)."""
    for low, high, version in ((6000, 6003, (6, 0)), (7600, 7601, (6, 1)), (9200, 9200, (6, 2)),
                               (9600, 9600, (6, 3)), (10240, 99999, (10, 0))):
        if low <= build <= high:
            return version
    return None


def _infer_version(evidence: Evidence, records: list[EventRecord]) -> None:
    """Without SOFTWARE evidence the registry cannot say which Windows this is. Other evidence can,
    strongest first: the newest boot event (Kernel-General 12 logs Major.Minor.Build.Qfe), the newest
    kernel dump's header (its build), and Diskdump.sys / Crashdmp.sys (in-box files carry the OS
    build in their version). The source is noted and referenced, so the report can say so."""
    facts = evidence.registry
    if facts is None or (facts.system is not None and facts.system.build is not None):
        return
    found = _version_from_events(records) or _version_from_dumps(evidence) or _version_from_files(evidence)
    if found is None:
        return
    (major, minor, build), ref, how = found
    system = facts.system if facts.system is not None else SystemFacts()
    system.major, system.minor, system.build = major, minor, build
    system.refs.append(ref)
    facts.system = system
    facts.hive_notes.append(f"Windows version {major}.{minor}.{build} taken from {how}: no SOFTWARE "
                            "evidence was available")


_Found = tuple[tuple[int, int, int], EvidenceRef, str] | None


def _major_minor_build(text: str | None) -> tuple[int, int, int] | None:
    """(6, 1, 7600) from "6.1.7600.16385"; None when the text does not start with three numbers."""
    parts = (text or "").split(".")
    try:
        return int(parts[0]), int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        return None


def _version_from_events(records: list[EventRecord]) -> _Found:
    boots = [t for t in (classify(r) for r in records if r.event_id == 12)
             if isinstance(t, KernelGeneral) and t.version]
    if not boots:
        return None
    newest = max(boots, key=lambda t: t.record.time)
    version = _major_minor_build(newest.version)
    if version is None:
        return None
    return version, newest.record.ref(), "the System log (Kernel-General 12 at the last boot)"


def _version_from_dumps(evidence: Evidence) -> _Found:
    dated = [d for d in evidence.dumps if d.build and d.system_time is not None]
    for dump in sorted(dated, key=lambda d: d.system_time or datetime.min.replace(tzinfo=UTC),
                       reverse=True):
        assert dump.build is not None
        major_minor = _build_to_version(dump.build)
        if major_minor is not None:
            return ((*major_minor, dump.build), EvidenceRef("dump", dump.path, "build in the dump header"),
                    "the newest crash dump's header")
    return None


def _version_from_files(evidence: Evidence) -> _Found:
    storage = evidence.storage
    for fix in (storage.diskdump, storage.crashdmp) if storage is not None else ():
        version = _major_minor_build(fix.version) if fix is not None else None
        if fix is None or version is None:
            continue
        if _build_to_version(version[2]) == version[:2]:
            ref = fix.ref or EvidenceRef("file", fix.file_name, f"FileVersion {fix.version}")
            return version, ref, f"the version of {fix.file_name}, an in-box Windows file"
    return None


def _merge_missing(*groups: list[Missing]) -> list[Missing]:
    seen: set[str] = set()
    out: list[Missing] = []
    for group in groups:
        for item in group:
            if item.what not in seen:
                seen.add(item.what)
                out.append(item)
    return out


def scan(source: EvidenceSource, progress: ProgressSink = no_progress,
         cancel: CancelToken = NEVER_CANCELLED, steps: tuple[str, ...] = STEPS) -> Evidence:
    """Read everything `source` offers into one Evidence (front ends go through core.examine, which
    also keeps the event reads). Raises Cancelled when cancelled; every other problem is recorded in
    Evidence.problems / Evidence.missing. `steps` lets a command that needs less (e.g.
    `dumpdoctor system`) skip reading dumps and logs."""
    return read_source(source, progress, cancel, steps)[0]


def read_source(source: EvidenceSource, progress: ProgressSink = no_progress,
                cancel: CancelToken = NEVER_CANCELLED,
                steps: tuple[str, ...] = STEPS) -> tuple[Evidence, list[EventRead]]:
    """scan(), also handing back each System-log input with what reading it gave."""
    run = _Run(source, progress, cancel)
    evidence = Evidence(source.description, source.kind, scanned_at=datetime.now(UTC))
    cancel.check()
    evidence.elevated = run.guarded("registry", "administrator check", source.elevated)
    evidence.registry = run.registry()
    crash_control = evidence.registry.crash_control if evidence.registry else None
    # Disk facts for the dump readiness checks (core.readiness): free space, page files, DumpStack.log.
    evidence.volume_facts = run.guarded("registry", "volumes", lambda: source.volume_facts(evidence.registry))
    cancel.check()
    if "dumps" in steps:
        evidence.dumps = run.dumps(crash_control)
        cancel.check()
    if "drivers" in steps:
        evidence.loaded_dump_modules = run.guarded("drivers", "loaded drivers",
                                                   source.loaded_dump_modules)
        evidence.storage = run.drivers(evidence.registry, evidence.dumps, evidence.loaded_dump_modules)
        cancel.check()
    if "events" in steps:
        evidence.timeline = run.events(evidence.dumps, crash_control)
    _infer_version(evidence, run.records)
    if evidence.registry is None:
        run.missing.append(Missing("system-hive", "No registry evidence (SYSTEM hive or export) was "
                                   "found, so the configuration cannot be checked.",
                                   add_or_collect("system-hive")))
    if evidence.timeline is None and "events" in steps:
        run.missing.append(Missing("event-log", "No System event log could be read, so crashes without "
                                   "a dump cannot be seen.",
                                   add_or_collect("event-log")))
    evidence.problems = list(dict.fromkeys([*source.problems, *run.problems]))
    evidence.missing = _merge_missing(source.missing, run.missing)
    return evidence, run.event_reads
