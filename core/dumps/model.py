"""What a crash dump file tells us. Field names are the CLI's JSON keys (issue: `dumpdoctor dump`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class DumpKind(StrEnum):
    KERNEL = "kernel"
    USER = "user"  # MDMP: an application crash dump, not a system crash
    NOT_A_DUMP = "not-a-dump"


class IntegrityStatus(StrEnum):
    COMPLETE = "complete"
    TRUNCATED = "truncated"  # shorter than the header says
    HEADER_ONLY = "header-only"
    INVALID = "invalid"  # a marker/structure that must be there is not


@dataclass(frozen=True)
class Integrity:
    status: IntegrityStatus
    message: str  # a sentence a user understands


@dataclass(frozen=True)
class BugCheck:
    code: int
    parameters: tuple[int, int, int, int]
    name: str  # "DRIVER_IRQL_NOT_LESS_OR_EQUAL", or "0x00000123" when undocumented
    meaning: str  # one plain-language sentence, or "not a documented code"
    parameter_meanings: tuple[str, str, str, str] = ("", "", "", "")


@dataclass(frozen=True)
class LoadedDriver:
    name: str
    base: int
    size: int
    timestamp: int  # PE TimeDateStamp (seconds since 1970, UTC)
    path: str = ""  # the full name as recorded, e.g. "\\SystemRoot\\System32\\drivers\\x.sys"


@dataclass(frozen=True)
class UnloadedDriver:
    name: str
    start: int
    end: int


@dataclass
class DumpInfo:
    path: str
    kind: DumpKind
    file_size: int = 0
    bits: int | None = None  # 32 or 64
    build: int | None = None  # MinorVersion
    checked_build: bool | None = None  # MajorVersion 0xC
    machine: str | None = None  # "x86" | "x64" | "ARM64" | "0x...."
    processors: int | None = None
    bugcheck: BugCheck | None = None
    dump_type: str | None = None  # "full", "kernel", "header-only", "small", "bitmap-full", ...
    dump_type_code: int | None = None
    system_time: datetime | None = None  # UTC
    system_uptime_seconds: float | None = None
    comment: str | None = None
    required_dump_space: int | None = None
    product_type: int | None = None  # 1 workstation, 2 domain controller, 3 server
    physical_memory_bytes: int | None = None
    physical_memory_runs: int | None = None  # PhysicalMemoryBlock.NumberOfRuns
    physical_memory_pages: int | None = None  # PhysicalMemoryBlock.NumberOfPages
    integrity: Integrity | None = None
    drivers: list[LoadedDriver] = field(default_factory=list)  # triage dumps
    unloaded_drivers: list[UnloadedDriver] = field(default_factory=list)
    dump_stack: list[str] = field(default_factory=list)  # dump_*.sys names seen in the driver list
    faulting_driver: str | None = None  # driver containing the faulting address, when known
    notes: list[str] = field(default_factory=list)  # e.g. "driver list stride derived as 0x98"
    excerpt_of_size: int | None = None  # bundles: the original size when only a header excerpt was kept
