"""source → Evidence: run every reader over what a source hands out, with progress and cancel.

Nothing a reader says about bad input stops the scan: each file that cannot be read becomes a Problem
naming it, and the next file is read. Only Cancelled ends a scan early. The readers are called through
this module's names (read_dump, read_events, ...) so a test can replace one reader and check the
orchestration on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from core.advice import add_or_collect
from core.drivers import assess_loose, assess_storage
from core.drivers.model import StorageReport
from core.dumps import read_dump
from core.dumps.model import DumpInfo, Integrity, IntegrityStatus
from core.errors import Cancelled, DumpDoctorError, TempSpaceError, unreadable
from core.events import build_timeline, merge_reads, read_events
from core.events.model import EventInput, EventReadResult, EventRecord, Timeline
from core.evidence import Evidence
from core.evidence_ref import TEMP_SPACE_STEP, EvidenceRef, Missing, Problem, Severity, user_words
from core.formatting import format_size
from core.machines import (
    IdentityClaim,
    MachineIdentity,
    Piece,
    dump_piece,
    events_piece,
    group_pieces,
    registry_piece,
)
from core.osversion import VersionClaim, derive_version, from_text
from core.progress import NEVER_CANCELLED, CancelToken, ProgressSink, ProgressUpdate, no_progress
from core.registry import read_registry_facts
from core.registry.facts_common import current_control_set
from core.registry.keys import RegKey
from core.registry.model import CrashControl, RegistryFacts, SystemFacts
from core.sources.base import EvidenceSource
from core.sources.identify import FileKind
from core.sources.relabel import relabel

log = logging.getLogger(__name__)
T = TypeVar("T")

STEPS = ("registry", "dumps", "events", "drivers")

_PART_WORDS = {"control-set": "the current control set", "version": "the Windows version",
               "crash-control": "the crash dump settings (CrashControl)", "page-files": "the page files",
               "power": "the hibernation settings", "services": "the services and drivers (Services)",
               "enum": "the devices (Enum)"}


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
        self.registry_pieces: list[Piece] = []  # one per SYSTEM hive read, in reading order
        self.input_labels: list[str] = []  # every event-log input, read or not
        self.event_reads: list[EventRead] = []

    def report(self, step: str, done: int, total: int | None, message: str = "") -> None:
        self.progress(ProgressUpdate(step, done, total, message))

    def guarded(self, step: str, where: str, fn: Callable[[], T]) -> T | None:
        """Run one unit of work; any failure becomes a Problem naming `where`."""
        try:
            return fn()
        except Cancelled:
            raise
        except TempSpaceError as exc:  # this computer's limit, not the evidence's: never "all clear"
            self.problems.append(Problem(exc.path or where, exc.message, Severity.ERROR, TEMP_SPACE_STEP))
        except DumpDoctorError as exc:
            self.problems.append(Problem(exc.path or where, exc.message, Severity.ERROR, step))
        except OSError as exc:
            err = unreadable(where, exc)
            self.problems.append(Problem(where, err.message, Severity.ERROR, step))
        except Exception:  # a reader bug must not lose the rest of the evidence
            log.exception("unexpected error in step %s for %s", step, where)
            self.problems.append(Problem(where, "an internal error in Dump Doctor stopped reading this "
                                                "(details are in the log file); please report it",
                                        Severity.ERROR, step))
        return None

    # -- steps -------------------------------------------------------------------------------------

    def registry(self) -> RegistryFacts | None:
        self.report("registry", 0, 1, "Reading the registry")
        hives = self.guarded("registry", "registry", self.source.registry)
        facts = None
        if hives is not None and (hives.system is not None or hives.software is not None):
            facts = self._facts(hives.system, hives.software, hives.notes)
        self.cancel.check()
        self.report("registry", 1, 1)
        return facts

    def _facts(self, system: RegKey | None, software: RegKey | None,
               notes: list[str]) -> RegistryFacts | None:
        facts = self.guarded("registry", "registry", lambda: read_registry_facts(system, software))
        if facts is None:
            return None
        facts.hive_notes.extend(n for n in notes if n not in facts.hive_notes)
        facts.hive_notes[:] = [user_words(n) for n in facts.hive_notes]
        label = self._hive_label(system)
        self.registry_pieces.append(self._registry_piece(label, facts, system))
        if facts.unreadable or any("cut short" in n for n in facts.hive_notes):
            # A hive read only in part is a file that could not be fully read: the user is told so,
            # and the rules see which parts are missing (RegistryFacts.unreadable).
            parts = ", ".join(_PART_WORDS.get(p, p) for p in dict.fromkeys(facts.unreadable))
            what = (f"only part of it could be read; unreadable: {parts}" if parts
                    else "the file is cut short; the keys that were needed could still be read")
            self.problems.append(Problem(label, what, Severity.WARNING, "registry"))
        return facts

    def _hive_label(self, system: RegKey | None) -> str:
        origin = getattr(system, "origin", "") or "registry"
        if origin in ("registry", "live registry"):
            return origin
        shown = self.source.display_path(Path(origin))
        exports = [i for i in getattr(self.source, "items", []) if i.kind is FileKind.REG_EXPORT]
        if len(exports) > 1 and shown.casefold().endswith(".reg"):
            # Several `reg export` files make one registry: the first file's name (Select.reg) would
            # stand for the whole computer's registry. Name the registry and where its exports are.
            where = shown.replace("\\", "/").rsplit("/", 1)[0] if "/" in shown.replace("\\", "/") else shown
            return f"the registry exports (.reg) in {where}"
        return shown

    def _registry_piece(self, label: str, facts: RegistryFacts, system: RegKey | None) -> Piece:
        control_set: RegKey | None = None
        if system is not None:
            found = self.guarded("registry", label, lambda: current_control_set(system))
            control_set = found[0] if found else None
        piece = registry_piece(label, facts, control_set)
        host = getattr(self.source, "manifest_host", None)
        if isinstance(host, str) and host and not self.registry_pieces:  # the bundle's own hive
            piece.names.append(host)
            piece.claims.append(IdentityClaim("name", host, "the bundle manifest (collected on ...)"))
        return piece

    def extra_registries(self) -> list[RegistryFacts]:
        """Further SYSTEM hives (loose files from several computers): each its own machine."""
        extra = getattr(self.source, "extra_system_hives", None)
        found = (self.guarded("registry", "registry", extra) or []) if callable(extra) else []
        out = []
        for _label, key in found:
            facts = self._facts(key, None, [])
            if facts is not None:
                out.append(facts)
        return out

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

        def moving(done: int, total: int) -> None:
            self.report("drivers", done, total, "Checking storage drivers")
            self.cancel.check()

        storage = self.guarded("drivers", "storage drivers",
                               lambda: assess_storage(facts, self.source.driver_file, list(stack), loaded,
                                                      given, self.source.display_path, moving))
        self.cancel.check()
        if storage is not None and self.source.renames_files:
            _show_paths(storage, self.source.display_path)
        if storage is not None and storage.drivers and all(d.file_path is None for d in storage.drivers):
            self.missing.append(Missing("drivers", "None of the storage driver files could be found, so "
                                        "their versions and kinds are guesses.",
                                        self.source.how_to_add(add_or_collect("drivers"))))
        self.report("drivers", 1, 1)
        return storage

    def event_results(self) -> list[EventReadResult]:
        self.report("events", 0, None, "Reading the System event log")
        inputs = self.guarded("events", "event logs", self.source.event_inputs) or []
        self.input_labels = [inp.label for inp in inputs]
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
        return results

    def timeline(self, results: list[EventReadResult], dumps: list[DumpInfo],
                 crash_control: CrashControl | None) -> Timeline | None:
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
        for res in results:
            if res.origin not in timeline.sources:
                timeline.sources.append(res.origin)
        return timeline


def _merge_missing(*groups: list[Missing]) -> list[Missing]:
    seen: set[str] = set()
    out: list[Missing] = []
    for group in groups:
        for item in group:
            if item.what not in seen:
                seen.add(item.what)
                out.append(item)
    return out


def _show_paths(storage: StorageReport, display: Callable[[Path], str]) -> None:
    """Driver files are cited as the user knows them (a bundle member), never by the private folder a
    bundle was extracted to."""
    def shown(path: str | None) -> str | None:
        if not path:
            return path
        named = display(Path(path))
        # Not a file of the source (already a member name): keep the text as it was, not as Path
        # rewrites it ("pc.zip!drivers/x.sys" would become "pc.zip!drivers\\x.sys" on Windows).
        return path if named == str(Path(path)) else named

    def ref(r: EvidenceRef | None) -> EvidenceRef | None:
        if r is None or r.kind != "file":
            return r
        return replace(r, location=shown(r.location) or r.location)

    for d in storage.drivers:
        d.file_path = shown(d.file_path)
        if d.pe is not None:
            d.pe.path = shown(d.pe.path) or d.pe.path
        d.refs = [x for x in (ref(r) for r in d.refs) if x is not None]
    for fix in storage.dump_stack_files:
        fix.ref = ref(fix.ref)


def _source_version(source: EvidenceSource) -> list[VersionClaim]:
    read = getattr(source, "collector_version", None)
    found = read() if callable(read) else None
    if not found:
        return []
    claim = from_text(found[0], found[1], "the bundle's system/ver.txt (the collector's `ver` output)")
    return [claim] if claim is not None else []


def _finish_machine(ev: Evidence, records: list[EventRecord], extra: list[VersionClaim]) -> None:
    """The version from every source (noted and referenced), and what this machine's evidence lacks."""
    ev.os_version = derive_version(ev.registry, records, ev.dumps, ev.storage, extra)
    facts = ev.registry
    version = ev.os_version
    if facts is not None and version is not None and version.chosen.source != "the SOFTWARE hive":
        # Other displays (system section, `dumpdoctor system`) read the registry's SystemFacts; fill
        # the version in there too, the source named in the notes (the diagnosis cites os_version).
        system = facts.system if facts.system is not None else SystemFacts()
        if system.build is None:
            system.major, system.minor, system.build = (version.chosen.major, version.chosen.minor,
                                                         version.chosen.build)
            facts.system = system
            facts.hive_notes.append(f"Windows version {version.chosen.text} taken from "
                                    f"{version.chosen.source}: no SOFTWARE evidence was available")


def _missing_for(ev: Evidence, source_missing: list[Missing], steps: tuple[str, ...],
                 how_to_add: Callable[[str], str] = str) -> list[Missing]:
    """`how_to_add`: the source's wording of the advice (the live source never says "add a file")."""
    own: list[Missing] = []
    if ev.registry is None:
        own.append(Missing("system-hive", "No registry evidence (SYSTEM hive or export) was found, so "
                           "the configuration cannot be checked.",
                           how_to_add(add_or_collect("system-hive"))))
    if ev.timeline is None and "events" in steps:
        own.append(Missing("event-log", "No System event log could be read, so crashes without a dump "
                           "cannot be seen.", how_to_add(add_or_collect("event-log"))))
    present = {"system-hive"} if ev.registry is not None else set()
    if ev.timeline is not None:
        present.add("event-log")
    if ev.dumps:
        present.add("dumps")
    return _merge_missing([m for m in source_missing if m.what not in present], own)


def scan(source: EvidenceSource, progress: ProgressSink = no_progress,
         cancel: CancelToken = NEVER_CANCELLED, steps: tuple[str, ...] = STEPS) -> Evidence:
    """Read everything `source` offers into one Evidence (front ends go through core.examine, which
    also keeps the event reads). Raises Cancelled when cancelled; every other problem is recorded in
    Evidence.problems / Evidence.missing. `steps` lets a command that needs less (e.g.
    `dumpdoctor system`) skip reading dumps and logs.

    When the files come from several computers (compared by core.machines), the result describes the
    first and `machines` holds one Evidence per computer, each built from that computer's files only."""
    return read_source(source, progress, cancel, steps)[0]


def read_source(source: EvidenceSource, progress: ProgressSink = no_progress,
                cancel: CancelToken = NEVER_CANCELLED,
                steps: tuple[str, ...] = STEPS) -> tuple[Evidence, list[EventRead]]:
    """scan(), also handing back each System-log input with what reading it gave."""
    run = _Run(source, progress, cancel)
    source.cancel = cancel  # unpacking a large zip member stops on cancel too
    cancel.check()
    elevated = run.guarded("registry", "administrator check", source.elevated)
    registry = run.registry()
    extra = run.extra_registries()
    crash_control = registry.crash_control if registry else None
    # Disk facts for the dump readiness checks (core.readiness): free space, page files, DumpStack.log.
    # They belong to the volume the registry came from, i.e. the first SYSTEM hive's computer.
    volume_facts = run.guarded("registry", "volumes", lambda: source.volume_facts(registry))
    cancel.check()
    dumps = run.dumps(crash_control) if "dumps" in steps else []
    cancel.check()
    loaded = (run.guarded("drivers", "loaded drivers", source.loaded_dump_modules)
              if "drivers" in steps else None)
    results = run.event_results() if "events" in steps else []
    cancel.check()

    registries = ([registry] if registry is not None else []) + extra
    source_claims = run.guarded("registry", "system/ver.txt", lambda: _source_version(source)) or []
    pieces: list[Piece] = list(run.registry_pieces)
    pieces += [events_piece(r) for r in results]
    pieces += [dump_piece(d) for d in dumps]
    groups = group_pieces(pieces)
    if source.kind == "live" and len(groups) > 1:
        # This computer is one computer, whatever an old dump from an earlier Windows on its disk shows.
        groups = [MachineIdentity(groups[0].label, [p for g in groups for p in g.pieces])]
    machine_sets: list[tuple[MachineIdentity | None, RegistryFacts | None, list[DumpInfo],
                             list[EventReadResult]]]
    if len(groups) <= 1:
        machine_sets = [(groups[0] if groups else None, registry, dumps, results)]
    else:
        machine_sets = []
        for found in groups:
            reg = next((f for f in registries if found.holds(f)), None)
            machine_sets.append((found, reg, [d for d in dumps if found.holds(d)],
                                 [r for r in results if found.holds(r)]))

    all_problems = list(dict.fromkeys([*source.problems, *run.problems]))
    evidences: list[Evidence] = []
    for group, reg, machine_dumps, machine_results in machine_sets:
        ev = Evidence(source.description, source.kind, scanned_at=datetime.now(UTC))
        ev.elevated = elevated
        ev.collected_whole = source.kind in ("live", "offline")
        ev.registry, ev.dumps, ev.machine = reg, machine_dumps, group
        if reg is registry or len(machine_sets) == 1:
            ev.volume_facts = volume_facts
        before = len(run.missing)
        # Driver files given without a registry belong to no computer in particular: the first has them.
        if "drivers" in steps and (reg is not None or not evidences):
            ev.loaded_dump_modules = loaded
            ev.storage = run.drivers(reg, machine_dumps, loaded)
            cancel.check()
        machine_missing = run.missing[before:]
        del run.missing[before:]
        if "events" in steps:
            ev.timeline = run.timeline(machine_results, machine_dumps, reg.crash_control if reg else None)
            if ev.timeline is not None and len(machine_sets) == 1:  # inputs that gave nothing are named too
                ev.timeline.sources += [x for x in run.input_labels if x not in ev.timeline.sources]
        records = [rec for res in machine_results for rec in res.records]
        # The collector's `ver` output describes the computer the bundle's hive came from.
        _finish_machine(ev, records, source_claims if (reg is registry or len(machine_sets) == 1) else [])
        others = {p.label for g in groups if g is not group for p in g.pieces}
        ev.problems = [p for p in all_problems + run.problems if p.path not in others]
        ev.problems = list(dict.fromkeys(ev.problems))
        ev.missing = _missing_for(ev, _merge_missing(source.missing, run.missing, machine_missing), steps,
                                  source.how_to_add)
        if len(machine_sets) > 1:
            label = group.label if group else "?"
            named = label if label.startswith("the computer") else f"computer {label}"
            ev.source_description = f"{source.description} — {named}"
        # A zip's members are read from private temporary copies; the evidence must name the members.
        if source.renames_files:
            relabel(ev, source.public_text)
        ev.problems = list(dict.fromkeys(ev.problems))
        evidences.append(ev)
    first = evidences[0]
    if len(evidences) > 1:
        first.machines = evidences
    return first, run.event_reads
