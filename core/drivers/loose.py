"""Driver files given on their own (a folder of .sys files, files dropped on the wizard, drivers in a
bundle that no service entry names): each is listed and classified from its content alone. What only
the registry can tell — whether it starts at boot, which device it is bound to, on which bus — is said
to be unknown, never guessed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from core.drivers.classify import NATIVE_SUBSYSTEM, classify
from core.drivers.knowledge import lookup
from core.drivers.model import Confidence, DriverKind, PeInfo, StorageDriver
from core.drivers.pe_inspect import inspect_pe
from core.dump_stack import DUMP_STACK_FILES
from core.errors import DumpDoctorError
from core.evidence_ref import EvidenceRef

# The files that write a dump, and the older port drivers a loose file of that name is (not a miniport).
DUMP_STACK_NAMES = {*DUMP_STACK_FILES, "scsiport.sys", "ataport.sys"}
_SUBSYSTEMS = {2: "a Windows program (GUI subsystem)", 3: "a Windows program (console subsystem)",
               9: "a Windows CE program", 10: "an EFI application", 11: "an EFI boot-service driver",
               12: "an EFI runtime driver", 16: "a Windows boot application"}
UNKNOWN_FROM_FILE = ("Boot start, bound device and bus: unknown — only the registry (a SYSTEM hive) can tell "
                     "those, and none was read for this file.")
UNNAMED_IN_REGISTRY = ("No service in the registry that was read uses this file, so its boot start, bound "
                       "device and bus are unknown.")


def _not_a_driver(pe: PeInfo) -> str | None:
    """Why a readable PE file is not a kernel driver, or None."""
    if pe.subsystem is not None and pe.subsystem != NATIVE_SUBSYSTEM:
        what = _SUBSYSTEMS.get(pe.subsystem, f"a program for subsystem {pe.subsystem}")
        return f"Not a driver: the PE header says it is {what}, not a kernel-mode (native) image."
    if pe.machine not in ("x86", "x64", "ARM64", "IA64"):
        return f"Not a Windows driver this tool can judge: machine type {pe.machine}."
    return None


def loose_driver(path: Path, shown: str, *, registry_read: bool = False,
                 system_arch: str | None = None) -> StorageDriver:
    """One given file, classified from its content; never raises for bad input."""
    file_name = path.name.lower()
    try:
        pe = inspect_pe(path)
    except DumpDoctorError as exc:
        return StorageDriver(service=file_name, file_name=file_name, file_path=str(path), pe=None,
                             kind=DriverKind.OTHER, confidence=Confidence.HIGH,
                             reasons=[f"Not a driver that could be read: {exc.message}."], error=exc.message,
                             refs=[EvidenceRef("file", shown, "not read")], loose=True,
                             decided_by="content")
    refs = [EvidenceRef("file", shown, pe.file_version or "no version")]
    reasons: list[str] = []
    if pe.original_filename and pe.original_filename.lower() != file_name:
        reasons.append(f"Its version resource names it {pe.original_filename}.")
    why_not = _not_a_driver(pe)
    if why_not is not None:
        return StorageDriver(service=file_name, file_name=file_name, file_path=str(path), pe=pe,
                             kind=DriverKind.OTHER, confidence=Confidence.HIGH, reasons=[*reasons, why_not],
                             refs=refs, loose=True, decided_by="content")
    if file_name in DUMP_STACK_NAMES or (pe.original_filename or "").lower() in DUMP_STACK_NAMES:
        reasons.append(f"{file_name} is part of the crash dump stack (it writes the dump or is a port "
                       "driver, not a disk miniport).")
        return StorageDriver(service=file_name, file_name=file_name, file_path=str(path), pe=pe,
                             kind=DriverKind.DUMP_STACK, confidence=Confidence.HIGH, reasons=reasons,
                             refs=refs, loose=True, decided_by="name")
    entry = lookup(file_name) or (lookup(pe.original_filename) if pe.original_filename else None)
    c = classify(pe, storage_role=False, entry=entry, service=None, devices=[], system_arch=system_arch,
                 registry_read=registry_read)
    reasons += c.reasons
    reasons.append(UNNAMED_IN_REGISTRY if registry_read else UNKNOWN_FROM_FILE)
    error = None
    if c.kind is DriverKind.UNKNOWN:
        error = "whether it is a virtual or a physical Storport miniport could not be told from its code"
    return StorageDriver(service=file_name, file_name=file_name, file_path=str(path), pe=pe, kind=c.kind,
                         confidence=c.confidence, reasons=reasons, error=error, refs=refs, loose=True,
                         decided_by=c.decided_by)


def loose_drivers(paths: Iterable[Path], display: Callable[[Path], str] = str, *,
                  registry_read: bool = False, system_arch: str | None = None) -> list[StorageDriver]:
    return [loose_driver(p, display(p), registry_read=registry_read, system_arch=system_arch)
            for p in paths]
