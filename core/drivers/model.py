"""Storage drivers in the dump path, how they were classified, and the Diskdump/Crashdmp fix check."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

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


@dataclass
class StorageReport:
    drivers: list[StorageDriver] = field(default_factory=list)
    boot_miniport: BootMiniport | None = None
    diskdump: FixCheck | None = None
    crashdmp: FixCheck | None = None
    notes: list[str] = field(default_factory=list)

    def driver(self, service: str) -> StorageDriver | None:
        wanted = service.casefold()
        for d in self.drivers:
            if d.service.casefold() == wanted:
                return d
        return None
