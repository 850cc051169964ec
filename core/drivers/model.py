"""Storage drivers in the dump path, how they were classified, and the Diskdump/Crashdmp fix check."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from core.evidence_ref import EvidenceRef


@dataclass(frozen=True)
class InitDataHint:
    """The structure one StorPortInitialize call passes, read by disassembling the calling function
    (core.drivers.init_data_scan)."""

    size: int  # the stored HwInitializationDataSize (0 when it could not be read)
    structure: str  # "VIRTUAL_HW_INITIALIZATION_DATA" | "HW_INITIALIZATION_DATA (...)" | "not read"
    interface_type: int | None = None  # AdapterInterfaceType (5 = PCIBus, 0 = Internal)
    feature_support: int | None = None  # FeatureSupport of the Windows 8+ layout: its known bits
    call_offset: int = 0  # file offset of the call instruction
    call_rva: int = 0
    call_kind: str = "direct"  # "direct" (call [IAT]) | "thunk" (call to a jmp [IAT] stub) | "register"
    function_rva: int = 0  # where the walked function starts
    feature_known_mask: int = 0  # which FeatureSupport bits the code decides (an `or` decides only its own)
    note: str | None = None  # why the structure could not be read


@dataclass
class PeInfo:
    path: str
    machine: str  # "x86" | "x64" | "ARM64" | "IA64" | "0x...."
    bits: int  # from the PE optional header, not from the folder name
    timestamp: int  # link TimeDateStamp
    file_version: str | None = None  # "6.1.7600.20882" from VS_FIXEDFILEINFO
    product_version: str | None = None
    company: str | None = None
    description: str | None = None
    original_filename: str | None = None
    imports: dict[str, list[str]] = field(default_factory=dict)  # dll (lower-case) -> function names
    signed: bool = False  # carries an Authenticode (security directory) blob; not verified
    size: int = 0
    notes: list[str] = field(default_factory=list)  # anomalies that did not stop the read
    init_data_hints: list[InitDataHint] = field(default_factory=list)  # one per StorPortInitialize call
    subsystem: int | None = None  # PE optional header Subsystem (1 = native: kernel drivers)
    is_dll: bool = False  # IMAGE_FILE_DLL set in the COFF characteristics
    code_scan_error: str | None = None  # the code could not be scanned (damaged image)

    def imports_dll(self, dll: str) -> bool:
        return dll.lower() in self.imports


class DriverKind(StrEnum):
    STORPORT_VIRTUAL = "storport-virtual"
    STORPORT_PHYSICAL = "storport-physical"
    SCSIPORT = "scsiport"
    ATA = "ata"
    MONOLITHIC = "monolithic"  # a storage miniport importing no port driver (some RAID drivers)
    DUMP_STACK = "dump-stack"  # diskdump.sys, crashdmp.sys, dumpata.sys, storport.sys themselves
    OTHER = "other"
    UNKNOWN = "unknown"  # file missing or unreadable, or a Storport miniport whose model nothing decided


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass
class StorageDriver:
    service: str  # service name ("LSI_SAS"), or the file name for dump-stack files
    file_name: str  # "lsi_sas.sys"
    file_path: str | None  # where the file was read, None when not found
    pe: PeInfo | None
    kind: DriverKind
    confidence: Confidence
    reasons: list[str] = field(default_factory=list)  # plain sentences, each one signal
    start: int | None = None
    group: str | None = None
    devices: list[str] = field(default_factory=list)  # instance paths bound to this service
    in_use: bool = False  # boot-start with a present, non-legacy device (or seen in the dump stack)
    error: str | None = None  # why the file could not be inspected
    refs: list[EvidenceRef] = field(default_factory=list)
    decided_by: str | None = None  # "code" | "bus" | "name table" | "imports" | None: which evidence decided
    loose: bool = False  # a file given on its own (no service entry read for it)


class FixState(StrEnum):
    FIXED = "fixed"
    NOT_FIXED = "not-fixed"
    NOT_COVERED = "not-covered"  # another OS build than the article covers
    UNKNOWN = "unknown"  # file missing/unreadable or no version resource


@dataclass
class FixCheck:
    file_name: str  # "diskdump.sys"
    version: str | None
    branch: str | None  # "GDR" | "LDR" | None
    fixed_version: str | None  # the article's fixed version for this build
    state: FixState
    message: str  # a sentence a user understands
    ref: EvidenceRef | None = None


@dataclass
class BootMiniport:
    service: str | None  # the miniport that writes dumps, when it could be determined
    how: str  # "dump stack in a crash dump (dump_stornvme.sys)", "only boot-start miniport with a device"
    confidence: Confidence
    candidates: list[str] = field(default_factory=list)


@dataclass(init=False)
class StorageReport:
    """The storage drivers in the dump path and the checks of the dump-stack files.

    `dump_stack_files` is the one list of dump-stack file checks (Diskdump.sys, Crashdmp.sys, and any
    other file a known issue names as its fixed file), in the order they were checked. `diskdump` and
    `crashdmp` are derived from it and kept, as attributes, constructor keywords and JSON keys, for
    the report schema and existing callers (docs/report-schema.md)."""

    drivers: list[StorageDriver] = field(default_factory=list)
    boot_miniport: BootMiniport | None = None
    dump_stack_files: list[FixCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __init__(self, drivers: list[StorageDriver] | None = None, boot_miniport: BootMiniport | None = None,
                 diskdump: FixCheck | None = None, crashdmp: FixCheck | None = None,
                 notes: list[str] | None = None, dump_stack_files: list[FixCheck] | None = None) -> None:
        self.drivers = list(drivers or [])
        self.boot_miniport = boot_miniport
        self.dump_stack_files = list(dump_stack_files or [])
        self.notes = list(notes or [])
        for check in (diskdump, crashdmp):
            if check is not None:
                self.set_fix_check(check)

    def fix_check(self, file_name: str) -> FixCheck | None:
        wanted = file_name.lower()
        return next((c for c in self.dump_stack_files if c.file_name.lower() == wanted), None)

    def set_fix_check(self, check: FixCheck) -> None:
        """Add the check of one dump-stack file, replacing an earlier check of the same file."""
        wanted = check.file_name.lower()
        self.dump_stack_files = [c for c in self.dump_stack_files if c.file_name.lower() != wanted]
        self.dump_stack_files.append(check)

    @property
    def diskdump(self) -> FixCheck | None:
        return self.fix_check("diskdump.sys")

    @diskdump.setter
    def diskdump(self, check: FixCheck | None) -> None:
        self._replace("diskdump.sys", check)

    @property
    def crashdmp(self) -> FixCheck | None:
        return self.fix_check("crashdmp.sys")

    @crashdmp.setter
    def crashdmp(self, check: FixCheck | None) -> None:
        self._replace("crashdmp.sys", check)

    def _replace(self, file_name: str, check: FixCheck | None) -> None:
        if check is None:
            self.dump_stack_files = [c for c in self.dump_stack_files if c.file_name.lower() != file_name]
        else:
            self.set_fix_check(replace(check, file_name=file_name) if check.file_name.lower() != file_name
                               else check)

    def to_json(self) -> dict[str, Any]:
        """The fields, plus the derived `diskdump` and `crashdmp` keys the report schema has always had."""
        from core.jsonutil import to_jsonable  # core.jsonutil is generic; imported late to stay a leaf

        return {"drivers": to_jsonable(self.drivers), "boot_miniport": to_jsonable(self.boot_miniport),
                "diskdump": to_jsonable(self.diskdump), "crashdmp": to_jsonable(self.crashdmp),
                "dump_stack_files": to_jsonable(self.dump_stack_files), "notes": list(self.notes)}

    def driver(self, service: str) -> StorageDriver | None:
        wanted = service.casefold()
        for d in self.drivers:
            if d.service.casefold() == wanted:
                return d
        return None
