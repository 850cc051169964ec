"""Which storage drivers can be in the crash dump path, what each one is, and which serves the boot disk.

Candidates (a driver is listed once, with every reason that made it one):
  * services in the "SCSI miniport" load-order group — where Windows puts disk controller miniports;
  * services bound to a SCSIAdapter-class device ({4d36e97b-...}), whatever their group (third-party
    RAID drivers sometimes sit in other groups);
  * boot-start kernel drivers (effective Start = 0, Type 1) importing storport.sys, scsiport.sys or
    ataport.sys — this covers "Boot Bus Extender" / "System Bus Extender" members that are really
    storage miniports, without listing pci.sys, acpi.sys and other bus drivers that are in those groups
    but never write a dump;
  * the dump stack itself: diskdump.sys, crashdmp.sys, dumpata.sys, storport.sys.
"SCSI Class" / "Primary Disk" members (disk.sys, cdrom.sys, classpnp.sys) are not listed: the crash
dump path bypasses the class drivers and talks to the miniport through the dump port driver.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.drivers.classify import (
    PORT_DRIVERS,
    classify,
    classify_without_file,
    device_signals,
    start_sentence,
)
from core.drivers.fix_check import check_fix
from core.drivers.knowledge import KnownDriver, lookup
from core.drivers.loose import loose_drivers
from core.drivers.model import (
    BootMiniport,
    Confidence,
    DriverKind,
    PeInfo,
    StorageDriver,
    StorageReport,
)
from core.drivers.pe_inspect import inspect_pe
from core.dump_stack import DUMP_STACK_FILES
from core.errors import DumpDoctorError
from core.evidence_ref import EvidenceRef
from core.registry.model import Device, RegistryFacts, Service

FindFile = Callable[[str, str | None], Path | None]

SCSI_ADAPTER_CLASS = "4d36e97b-e325-11ce-bfc1-08002be10318"
MINIPORT_GROUPS = {"scsi miniport"}
# The dump-stack files whose version is checked (StorageReport.dump_stack_files): the writer the known
# issue's fix replaces, and Crashdmp.sys, reported for information.
FIX_CHECKED_FILES = ("diskdump.sys", "crashdmp.sys")
# dump_<x>.sys modules that are dump ports or filters, not the boot disk's miniport
DUMP_NON_MINIPORTS = {"diskdump", "dumpata", "dumpfve", "dumpstorport", "scsiport", "ataport", "storport"}
MINIPORT_KINDS = {DriverKind.STORPORT_VIRTUAL, DriverKind.STORPORT_PHYSICAL, DriverKind.SCSIPORT,
                  DriverKind.ATA, DriverKind.MONOLITHIC, DriverKind.UNKNOWN}
_SEP = re.compile(r"[\\/]")


@dataclass
class _Inspected:
    path: Path | None
    pe: PeInfo | None
    error: str | None


@dataclass
class _Candidate:
    service: Service
    why: list[str] = field(default_factory=list)


PROGRESS_EVERY = 25  # candidates between progress calls (each costs a queued signal in the wizard)


def file_name_of(service: Service) -> str:
    if service.image_path:
        base = _SEP.split(service.image_path.strip().strip('"'))[-1]
        if base:
            return base.lower()
    return f"{service.name.lower()}.sys"


def _normal_guid(guid: str | None) -> str:
    return (guid or "").strip().strip("{}").lower()


class _Inspector:
    """Locate and inspect each file once; failures become a sentence, never an exception."""

    def __init__(self, find_file: FindFile, display: Callable[[Path], str] = str) -> None:
        self.find_file = find_file
        self.display = display  # how the user knows the file (never a temporary extraction path)
        self.cache: dict[tuple[str, str | None], _Inspected] = {}

    def __call__(self, file_name: str, image_path: str | None) -> _Inspected:
        key = (file_name, image_path)
        if key not in self.cache:
            self.cache[key] = self._inspect(file_name, image_path)
        return self.cache[key]

    def _inspect(self, file_name: str, image_path: str | None) -> _Inspected:
        try:
            path = self.find_file(file_name, image_path)
        except DumpDoctorError as exc:
            return _Inspected(None, None, str(exc))
        if path is None:
            where = f" (ImagePath {image_path})" if image_path else ""
            return _Inspected(None, None, f"{file_name} was not found in the evidence{where}")
        try:
            info = inspect_pe(path)
            shown = self.display(path)
            return _Inspected(path, info if shown == info.path else replace(info, path=shown), None)
        except DumpDoctorError as exc:
            return _Inspected(path, None, str(exc))


def _devices_by_service(devices: list[Device]) -> dict[str, list[Device]]:
    out: dict[str, list[Device]] = {}
    for dev in devices:
        if dev.service:
            out.setdefault(dev.service.casefold(), []).append(dev)
    return out


def _collect_candidates(facts: RegistryFacts, devs: dict[str, list[Device]],
                        inspect: _Inspector) -> dict[str, _Candidate]:
    skip = {f.removesuffix(".sys") for f in DUMP_STACK_FILES} | {p.removesuffix(".sys") for p in PORT_DRIVERS}
    found: dict[str, _Candidate] = {}

    def add(service: Service, why: str) -> None:
        if service.name.casefold() in skip or file_name_of(service).removesuffix(".sys") in skip:
            return
        found.setdefault(service.name.casefold(), _Candidate(service)).why.append(why)

    for svc in facts.services.values():
        if (svc.group or "").strip().casefold() in MINIPORT_GROUPS:
            add(svc, f"It is in the load-order group \"{svc.group}\".")
    for dev in facts.devices:
        if _normal_guid(dev.class_guid) == SCSI_ADAPTER_CLASS and dev.service:
            bound = facts.services.get(dev.service.casefold())
            if bound is not None:
                add(bound, f"It is bound to {dev.instance_path}, a SCSI/storage adapter (class SCSIAdapter).")
    for svc in facts.services.values():
        if svc.start == 0 and svc.type == 1 and svc.name.casefold() not in found:
            result = inspect(file_name_of(svc), svc.image_path)
            if result.pe is not None:
                ports = [d for d in PORT_DRIVERS if result.pe.imports_dll(d)]
                if ports:
                    add(svc, f"It is a boot-start kernel driver importing {', '.join(ports)}.")
    return found


def _storage_driver(cand: _Candidate, devs: list[Device], inspect: _Inspector, arch: str | None,
                    storage_role: bool) -> StorageDriver:
    svc = cand.service
    file_name = file_name_of(svc)
    result = inspect(file_name, svc.image_path)
    undecided: str | None = None
    entry: KnownDriver | None = lookup(file_name)
    refs = [svc.ref] if svc.ref is not None else []
    if result.pe is not None:
        refs.append(EvidenceRef("file", result.pe.path, result.pe.file_version or "no version"))
        c = classify(result.pe, storage_role=storage_role, entry=entry, service=svc, devices=devs,
                     system_arch=arch)
        kind, confidence, reasons, decided = c.kind, c.confidence, cand.why + c.reasons, c.decided_by
        if kind is DriverKind.UNKNOWN:
            undecided = ("whether it is a virtual or a physical Storport miniport could not be told from its "
                         "code, its device or its name")
    else:
        kind, confidence, decided = DriverKind.UNKNOWN, Confidence.LOW, None
        reasons = list(cand.why)
        start = start_sentence(svc)
        if start:
            reasons.append(start)
        signals, notes = device_signals(devs)
        reasons += [s.sentence for s in signals] + notes
        fallback = classify_without_file(entry, devs)
        if fallback is not None:
            kind, confidence, decided = fallback.kind, fallback.confidence, "name table"
            reasons += fallback.reasons
        else:
            if entry is not None:
                reasons.append(f"Known driver table: {entry.reason} (source: {entry.source}"
                               f"{'; unconfirmed' if not entry.confirmed else ''}).")
            reasons.append(f"The file could not be inspected, so it is not classified: {result.error}")
    return StorageDriver(
        service=svc.name, file_name=file_name,
        file_path=inspect.display(result.path) if result.path is not None else None, pe=result.pe,
        kind=kind, confidence=confidence, reasons=reasons, start=svc.start, group=svc.group,
        devices=[d.instance_path for d in devs], error=result.error or undecided, refs=refs,
        decided_by=decided,
    )


def _dump_stack_driver(file_name: str, inspect: _Inspector) -> StorageDriver:
    result = inspect(file_name, None)
    reasons = [f"{file_name} is part of the crash dump stack (it writes the dump, not a disk miniport)."]
    if result.error:
        reasons.append(f"It could not be inspected: {result.error}")
    refs = [EvidenceRef("file", result.pe.path, result.pe.file_version or "no version")] if result.pe else []
    return StorageDriver(
        service=file_name, file_name=file_name,
        file_path=inspect.display(result.path) if result.path is not None else None, pe=result.pe,
        kind=DriverKind.DUMP_STACK, confidence=Confidence.HIGH, reasons=reasons, error=result.error,
        refs=refs,
    )


def dump_miniports(modules: list[str], dump_filters: list[str]) -> list[str]:
    """Miniport names from dump_<name>.sys modules, without dump ports and dump filters."""
    ignore = DUMP_NON_MINIPORTS | {f.lower().removesuffix(".sys") for f in dump_filters}
    out: list[str] = []
    for module in modules:
        base = _SEP.split(module.strip())[-1].lower()
        if not base.startswith("dump_"):
            continue
        stem = base.removeprefix("dump_").removesuffix(".sys")
        if stem and stem not in ignore and stem not in out:
            out.append(stem)
    return out


def _match_driver(report: StorageReport, stem: str) -> StorageDriver | None:
    for d in report.drivers:
        if d.kind in MINIPORT_KINDS and (d.file_name.removesuffix(".sys") == stem
                                         or d.service.casefold() == stem):
            return d
    return None


def _boot_from_stack(report: StorageReport, facts: RegistryFacts, stems: list[str], source: str,
                     devs: dict[str, list[Device]], inspect: _Inspector, arch: str | None) -> BootMiniport:
    names: list[str] = []
    for stem in stems:
        driver = _match_driver(report, stem)
        if driver is None:
            known = facts.services.get(stem) or next(
                (s for s in facts.services.values() if file_name_of(s).removesuffix(".sys") == stem), None)
            svc = known if known is not None else Service(
                name=stem, image_path=f"System32\\drivers\\{stem}.sys")
            cand = _Candidate(svc, [f"It appears in the dump stack ({source})."])
            driver = _storage_driver(cand, devs.get(svc.name.casefold(), []), inspect, arch, True)
            report.drivers.append(driver)
        else:
            driver.reasons.append(f"It appears in the dump stack ({source}).")
        driver.in_use = True
        names.append(driver.service)
    modules = ", ".join(f"dump_{s}.sys" for s in stems)
    if len(names) == 1:
        return BootMiniport(names[0], f"{source} ({modules})", Confidence.HIGH, names)
    return BootMiniport(names[0], f"{source} ({modules}); more than one miniport was cloned, the first is "
                        "taken", Confidence.MEDIUM, names)


def _boot_from_registry(report: StorageReport) -> BootMiniport:
    candidates = [d for d in report.drivers if d.kind in MINIPORT_KINDS and d.in_use]
    names = [d.service for d in candidates]
    if len(candidates) == 1:
        return BootMiniport(names[0], "the only boot-start storage miniport with a present (non-legacy) "
                            "device", Confidence.MEDIUM, names)
    if candidates:
        return BootMiniport(None, "several boot-start storage miniports have a present device "
                            f"({', '.join(names)}); the boot disk is on one of them — a crash dump's driver "
                            "list (dump_*.sys) would tell which", Confidence.LOW, names)
    return BootMiniport(None, "no boot-start storage miniport with a present device was found",
                        Confidence.LOW, [])


def assess_storage(
    facts: RegistryFacts,
    find_file: FindFile,
    dump_stack: list[str],
    loaded_dump_modules: list[str] | None,
    given_files: list[Path] | None = None,
    display: Callable[[Path], str] = str,
    progress: Callable[[int, int], None] | None = None,
) -> StorageReport:
    """See the module docstring. Missing or unreadable files are recorded per driver, never raised.
    `given_files`: driver files handed over on their own; any that no listed driver came from is listed
    too, classified from its content (core.drivers.loose). `display` names a found file for the user
    (a source's display_path: never a temporary extraction folder). `progress(done, total)` is called
    every few candidates: a folder of thousands of drivers takes seconds, and the caller shows it
    moving and checks for cancel there (a Cancelled it raises ends the assessment)."""
    inspect = _Inspector(find_file, display)
    arch = facts.system.architecture if facts.system else None
    devs = _devices_by_service(facts.devices)
    report = StorageReport()
    candidates = sorted(_collect_candidates(facts, devs, inspect).items())
    for done, (key, cand) in enumerate(candidates):
        if progress is not None and not done % PROGRESS_EVERY:
            progress(done, len(candidates))
        service_devs = devs.get(key, [])
        storage_role = (cand.service.group or "").strip().casefold() in MINIPORT_GROUPS or any(
            _normal_guid(d.class_guid) == SCSI_ADAPTER_CLASS for d in service_devs)
        driver = _storage_driver(cand, service_devs, inspect, arch, storage_role)
        driver.in_use = driver.start == 0 and any(not d.legacy for d in service_devs)
        report.drivers.append(driver)

    dump_filters = facts.crash_control.dump_filters if facts.crash_control else []
    live = dump_miniports(loaded_dump_modules or [], dump_filters)
    seen = dump_miniports(dump_stack, dump_filters)
    if live:
        report.boot_miniport = _boot_from_stack(report, facts, live, "dump stack loaded on this computer",
                                                devs, inspect, arch)
        if seen and seen != live:
            report.notes.append(f"A crash dump showed a different dump stack ({', '.join(seen)}) than "
                                "the one loaded now; the storage configuration may have changed since.")
    elif seen:
        report.boot_miniport = _boot_from_stack(report, facts, seen, "dump stack recorded in a crash dump "
                                                "from this machine", devs, inspect, arch)
    else:
        report.boot_miniport = _boot_from_registry(report)
        if loaded_dump_modules is not None:
            report.notes.append("No dump_<miniport>.sys module is loaded: crash dumps may be disabled, or "
                                "the dump stack was not initialised at boot.")

    stack_stems = {m.lower().removeprefix("dump_").removesuffix(".sys")
                   for m in (loaded_dump_modules or []) + dump_stack}
    for file_name in DUMP_STACK_FILES:
        driver = _dump_stack_driver(file_name, inspect)
        driver.in_use = file_name.removesuffix(".sys") in stack_stems
        report.drivers.append(driver)
        if file_name in FIX_CHECKED_FILES:
            absent = driver.file_path is None  # not found at all, as opposed to found and unreadable
            report.set_fix_check(check_fix(file_name, driver.pe, facts.system, absent=absent))

    # Files a service names were judged through the registry (a bundle from the collector carries every
    # boot-start driver, pci.sys and acpi.sys included): only files no service names are added.
    listed = {d.file_path for d in report.drivers if d.file_path}
    named = {file_name_of(svc): svc for svc in facts.services.values()}
    extra = [p for p in given_files or [] if display(p) not in listed and p.name.lower() not in named]
    report.drivers += loose_drivers(extra, display, registry_read=bool(facts.services), system_arch=arch)
    # A given storage miniport whose service is not a dump-path candidate (not boot-start, no adapter)
    # is still listed, with what its service says.
    for path in given_files or []:
        svc = named.get(path.name.lower())
        if svc is None or str(path) in listed or report.driver(svc.name) is not None:
            continue
        result = inspect(file_name_of(svc), svc.image_path)
        if result.pe is not None and any(result.pe.imports_dll(d) for d in PORT_DRIVERS):
            cand = _Candidate(svc, ["It was given as a driver file."])
            driver = _storage_driver(cand, devs.get(svc.name.casefold(), []), inspect, arch, False)
            driver.in_use = False  # not a dump-path candidate: not boot-start with a present adapter
            report.drivers.append(driver)

    unchecked = sorted(r.error for (name, _), r in inspect.cache.items()
                       if r.error and not any(d.file_name == name for d in report.drivers))
    if unchecked:
        report.notes.append(f"{len(unchecked)} boot-start driver file(s) could not be checked for storage "
                            f"port imports: {'; '.join(unchecked[:5])}"
                            f"{' …' if len(unchecked) > 5 else ''}")
    return report


def assess_loose(files: list[Path], display: Callable[[Path], str] = str,
                 dump_stack: list[str] | None = None) -> StorageReport:
    """Driver files without any registry: each listed and classified from its content. Which miniport
    serves the boot disk is known only from a crash dump's driver list (dump_<miniport>.sys) naming one
    of the files; Diskdump.sys / Crashdmp.sys are checked when among the files."""
    report = StorageReport(drivers=loose_drivers(files, display))
    stems = dump_miniports(dump_stack or [], [])
    for stem in stems:
        driver = next((d for d in report.drivers if d.kind in MINIPORT_KINDS and (
            d.file_name.removesuffix(".sys") == stem
            or (d.pe and (d.pe.original_filename or "").lower().removesuffix(".sys") == stem))), None)
        if driver is not None:
            driver.in_use = True
            driver.reasons.append(f"It appears in the dump stack recorded in a crash dump (dump_{stem}.sys).")
    in_use = [d.file_name for d in report.drivers if d.in_use]
    if in_use:
        modules = ", ".join(f"dump_{s}.sys" for s in stems)
        report.boot_miniport = BootMiniport(in_use[0], f"dump stack recorded in a crash dump ({modules})",
                                            Confidence.HIGH if len(in_use) == 1 else Confidence.MEDIUM,
                                            in_use)
    else:
        report.boot_miniport = BootMiniport(None, "unknown without the registry (a SYSTEM hive) or a crash "
                                            "dump's driver list naming one of the files", Confidence.LOW,
                                            [])
    for d in report.drivers:
        if d.kind is DriverKind.DUMP_STACK and d.file_name in FIX_CHECKED_FILES \
                and report.fix_check(d.file_name) is None:
            report.set_fix_check(check_fix(d.file_name, d.pe, None))
    if not files:
        report.notes.append("No driver files were given.")
    return report
