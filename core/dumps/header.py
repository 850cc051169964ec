"""Turn a DUMP_HEADER32/64 into the facts a user reads: build, machine, bug check, dump type, times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from construct import ConstructError

from core.dumps.bugchecks import describe
from core.dumps.model import DumpInfo
from core.dumps.stream import DumpStream
from core.dumps.structs import (
    DUMP_HEADER32,
    DUMP_HEADER64,
    HEADER_SIZE_32,
    HEADER_SIZE_64,
    PAGE_FILLER,
    PHYSICAL_MEMORY_DESCRIPTOR32,
    PHYSICAL_MEMORY_DESCRIPTOR64,
    compiled,
)
from core.errors import FormatError, TruncatedError

FILLER_32 = int.from_bytes(PAGE_FILLER, "little")
FILLER_64 = int.from_bytes(PAGE_FILLER * 2, "little")

MACHINES = {0x14C: "x86", 0x8664: "x64", 0xAA64: "ARM64", 0x1C4: "ARM", 0x200: "IA64"}

DUMP_TYPES = {
    1: "full",
    2: "kernel",
    3: "header-only",
    4: "small",
    5: "bitmap-full",
    6: "bitmap-kernel",
    7: "automatic",
}
DUMP_TYPE_LABELS = {
    "full": "complete memory dump",
    "kernel": "kernel memory dump",
    "header-only": "header only (no memory)",
    "small": "small memory dump (triage / minidump)",
    "bitmap-full": "complete memory dump (bitmap format)",
    "bitmap-kernel": "kernel memory dump (bitmap format)",
    "automatic": "automatic memory dump",
}
TRIAGE = 4
HEADER_ONLY = 3
BITMAP_TYPES = frozenset({2, 5, 6})  # followed by an SDMP / FDMP sub-header

PAGE_SIZE = 0x1000
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
# Enough of the header to know the bug check: the header is useless to a user without it.
_MIN_HEADER = {32: 0x3C, 64: 0x60}


@dataclass
class ParsedHeader:
    bits: int
    size: int  # 0x1000 or 0x2000
    raw: Any  # the construct Container
    present: int  # how many header bytes the file really holds
    dump_type: int | None
    required_dump_space: int | None


def recorded32(value: int) -> int | None:
    return None if value == FILLER_32 else value


def recorded64(value: int) -> int | None:
    return None if value in (FILLER_64, FILLER_32) else value


def filetime_to_datetime(value: int | None) -> datetime | None:
    if not value:
        return None
    try:
        return _FILETIME_EPOCH + timedelta(microseconds=value // 10)
    except OverflowError:
        return None


def _comment(raw: bytes) -> str | None:
    if raw.startswith(PAGE_FILLER):
        return None
    text = raw.split(b"\0", 1)[0].decode("ascii", "replace").strip()
    return text or None


def parse_header(stream: DumpStream, bits: int) -> ParsedHeader:
    """Parse the header; a file cut short inside it yields what is there (missing fields: None)."""
    size = HEADER_SIZE_64 if bits == 64 else HEADER_SIZE_32
    data = stream.read_upto(0, size)
    if len(data) < _MIN_HEADER[bits]:
        raise TruncatedError("the crash dump header is cut off before the bug check parameters",
                             path=stream.path, offset=len(data),
                             expected=f"a {size:#x}-byte {bits}-bit dump header")
    present = len(data)
    # Windows itself marks unwritten header fields with "PAGE"; padding a short file the same way
    # makes every missing field read as "not recorded" instead of a made-up zero.
    padded = data + (PAGE_FILLER * (size // 4))[present:]
    struct = DUMP_HEADER64 if bits == 64 else DUMP_HEADER32
    try:
        raw = compiled(struct).parse(padded)
    except ConstructError as exc:  # pragma: no cover - fixed-size bytes always parse
        raise FormatError(f"the dump header could not be decoded: {exc}", path=stream.path) from exc
    return ParsedHeader(
        bits=bits,
        size=size,
        raw=raw,
        present=present,
        dump_type=recorded32(raw.DumpType),
        required_dump_space=recorded64(raw.RequiredDumpSpace),  # 64-bit in both layouts
    )


def fill_info(info: DumpInfo, header: ParsedHeader) -> None:
    """Copy the header's facts into the DumpInfo, in the user's terms."""
    raw = header.raw
    bits = header.bits
    info.bits = bits
    info.build = recorded32(raw.MinorVersion)
    major = recorded32(raw.MajorVersion)
    if major == 0xF:
        info.checked_build = False
    elif major == 0xC:
        info.checked_build = True
    elif major is not None:
        info.notes.append(f"MajorVersion is {major:#x}, neither 0xF (free build) nor 0xC (checked build)")
    machine = recorded32(raw.MachineImageType)
    if machine is not None:
        info.machine = MACHINES.get(machine, f"0x{machine:04X}")
    info.processors = recorded32(raw.NumberProcessors)
    code = recorded32(raw.BugCheckCode)
    if code is not None:
        params = tuple(int(p) for p in raw.BugCheckParameter)
        info.bugcheck = describe(code, (params[0], params[1], params[2], params[3]))
    if header.dump_type is not None:
        info.dump_type_code = header.dump_type
        info.dump_type = DUMP_TYPES.get(header.dump_type, f"unknown ({header.dump_type})")
    info.system_time = filetime_to_datetime(recorded64(raw.SystemTime))  # 64-bit in both layouts
    uptime = recorded64(raw.SystemUpTime)
    info.system_uptime_seconds = uptime / 10_000_000 if uptime is not None else None
    info.comment = _comment(raw.Comment)
    info.required_dump_space = header.required_dump_space
    info.product_type = recorded32(raw.ProductType)
    _physical_memory(info, raw.PhysicalMemoryBlockBuffer, bits)


def _physical_memory(info: DumpInfo, buffer: bytes, bits: int) -> None:
    if buffer.startswith(PAGE_FILLER):
        return  # small dumps do not record it
    if bits == 64:
        block = PHYSICAL_MEMORY_DESCRIPTOR64.parse(buffer)
        pages = recorded64(block.NumberOfPages)
    else:
        block = PHYSICAL_MEMORY_DESCRIPTOR32.parse(buffer)
        pages = recorded32(block.NumberOfPages)
    info.physical_memory_runs = recorded32(block.NumberOfRuns)
    info.physical_memory_pages = pages
    if pages is not None:
        info.physical_memory_bytes = pages * PAGE_SIZE
