"""Facts read from the SYSTEM and SOFTWARE hives, each pointing back at its key."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.evidence_ref import EvidenceRef


@dataclass
class SystemFacts:
    product_name: str | None = None  # "Windows 7 Enterprise"
    major: int | None = None
    minor: int | None = None
    build: int | None = None  # 7600
    revision: int | None = None  # UBR where present
    csd_version: str | None = None  # "Service Pack 1"
    service_pack: int | None = None
    edition: str | None = None  # EditionID
    installation_type: str | None = None  # "Client" | "Server" | "Server Core"
    is_server: bool | None = None
    architecture: str | None = None  # "x86" | "x64" | "ARM64" | "IA64"
    computer_name: str | None = None
    control_set: str | None = None  # "ControlSet001" / "CurrentControlSet" (live, .reg)
    refs: list[EvidenceRef] = field(default_factory=list)

    @property
    def version_text(self) -> str:
        if self.major is None or self.build is None:
            return "unknown version"
        rev = f".{self.revision}" if self.revision is not None else ""
        return f"{self.major}.{self.minor}.{self.build}{rev}"


@dataclass
class CrashControl:
    crash_dump_enabled: int = 7  # FACTS §5; default if absent depends on OS, filled by the reader
    dump_file: str = r"%SystemRoot%\MEMORY.DMP"
    minidump_dir: str = r"%SystemRoot%\Minidump"
    overwrite: int | None = None
    auto_reboot: int | None = None
    log_event: int | None = None
    minidumps_count: int | None = None
    dedicated_dump_file: str | None = None
    dump_file_size_mb: int | None = None
    dump_filters: list[str] = field(default_factory=list)
    ignore_pagefile_size: int | None = None
    always_keep_memory_dump: int | None = None
    defaults_used: list[str] = field(default_factory=list)  # value names that were absent
    ref: EvidenceRef | None = None

    @property
    def dump_type_name(self) -> str:
        return {0: "none", 1: "complete", 2: "kernel", 3: "small", 7: "automatic"}.get(
            self.crash_dump_enabled, f"unknown ({self.crash_dump_enabled})"
        )


@dataclass(frozen=True)
class PageFile:
    path: str  # "C:\\pagefile.sys" or "?:\\pagefile.sys" (system managed on any drive)
    initial_mb: int | None  # None/0 = system managed
    maximum_mb: int | None
    ref: EvidenceRef | None = None  # the PagingFiles value it was read from

    @property
    def system_managed(self) -> bool:
        return not self.initial_mb and not self.maximum_mb


@dataclass
class PageFileSettings:
    """Memory Management as read, so "no page file configured" (PagingFiles read, empty) can be told
    apart from "not known" (key or value absent)."""

    paging_files: list[str] | None = None  # PagingFiles as stored; None when the value is absent
    existing_page_files: list[str] = field(default_factory=list)  # "\\??\\C:\\pagefile.sys" at last boot
    ref: EvidenceRef | None = None


@dataclass
class Hibernation:
    enabled: bool | None = None
    file_size_percent: int | None = None
    ref: EvidenceRef | None = None


@dataclass
class Service:
    name: str
    type: int | None = None  # 1 kernel driver, 2 file system driver, 0x10/0x20 Win32 services
    start: int | None = None  # effective start after StartOverride (0 boot ... 4 disabled)
    raw_start: int | None = None  # the Start value as stored
    group: str | None = None
    image_path: str | None = None
    error_control: int | None = None
    display_name: str | None = None
    ref: EvidenceRef | None = None

    @property
    def boot_start(self) -> bool:
        return self.start == 0


@dataclass(frozen=True)
class Device:
    instance_path: str  # "PCI\\VEN_1000&DEV_0054...\\4&...&0&00A8"
    bus: str  # "PCI" | "PCIIDE" | "ACPI" | "PCMCIA" | "USB" | "ROOT" | "SWD" | "VMBUS" | "SCSI" | "OTHER"
    class_guid: str | None
    service: str | None
    legacy: bool = False  # Root\LEGACY_* instances: not evidence of a virtual adapter
    description: str | None = None
    ref: EvidenceRef | None = None  # the Enum instance key


@dataclass
class RegistryFacts:
    system: SystemFacts | None = None
    crash_control: CrashControl | None = None
    page_files: list[PageFile] = field(default_factory=list)
    hibernation: Hibernation | None = None
    services: dict[str, Service] = field(default_factory=dict)  # keyed by lower-case name
    devices: list[Device] = field(default_factory=list)
    hive_notes: list[str] = field(default_factory=list)  # "dirty hive; 315 log entries replayed"
    page_file_settings: PageFileSettings | None = None  # None: Memory Management was not read
    # Parts that could not be (fully) read: "control-set", "version", "crash-control", "page-files",
    # "power", "services", "enum". A rule must not read "absent" from a part listed here.
    unreadable: list[str] = field(default_factory=list)
