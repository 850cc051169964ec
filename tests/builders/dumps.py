"""Build kernel crash dump files with the reader's own construct definitions (core/dumps/structs.py).

    data = build_kernel_dump(64, 0xD1, (0x10, 2, 0, 0xFFFFF80000101234), dump_type=4,
                             drivers=[driver("mydisk.sys", 0xFFFFF80000100000, 0x10000)])
    write_kernel_dump(tmp_path / "Minidump" / "x.dmp", 32, 0x7E, ...)

Every field the caller does not set holds the "PAGE" filler, as in files Windows writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.dumps.model import LoadedDriver, UnloadedDriver
from core.dumps.structs import (
    DUMP_BLOB_FILE_HEADER,
    DUMP_BLOB_HEADER,
    DUMP_DRIVER_ENTRY32,
    DUMP_DRIVER_ENTRY64,
    DUMP_HEADER32,
    DUMP_HEADER64,
    DUMP_STRING_LENGTH,
    DUMP_UNLOADED_DRIVERS32,
    DUMP_UNLOADED_DRIVERS64,
    HEADER_SIZE_32,
    HEADER_SIZE_64,
    PAGE_FILLER,
    PHYSICAL_MEMORY_DESCRIPTOR32,
    PHYSICAL_MEMORY_DESCRIPTOR64,
    SECONDARY_DATA_SIGNATURE,
    TRIAGE_DUMP,
    TRIAGE_VALID,
    UNLOADED_COUNT32,
    UNLOADED_COUNT64,
)

MACHINE_CODES = {"x86": 0x14C, "x64": 0x8664, "ARM64": 0xAA64}
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
TRIAGE = 4


def driver(name: str, base: int, size: int, timestamp: int = 0x5E000000,
           folder: str = r"\SystemRoot\System32\drivers") -> LoadedDriver:
    return LoadedDriver(name=name, base=base, size=size, timestamp=timestamp, path=f"{folder}\\{name}")


@dataclass(frozen=True)
class Blob:
    data_size: int
    pre_pad: int = 0
    post_pad: int = 0


def to_filetime(value: datetime) -> int:
    delta = value.astimezone(UTC) - FILETIME_EPOCH
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def filler_header(bits: int) -> Any:
    """A header Container whose every field holds the PAGE filler."""
    struct = DUMP_HEADER64 if bits == 64 else DUMP_HEADER32
    return struct.parse(PAGE_FILLER * (struct.sizeof() // 4))


def build_header(bits: int, **fields: Any) -> bytes:
    """A DUMP_HEADER32/64 with the given fields (construct names) and PAGE filler elsewhere."""
    header = filler_header(bits)
    header.Signature = b"PAGE"
    header.ValidDump = b"DU64" if bits == 64 else b"DUMP"
    for name, value in fields.items():
        if name not in header:
            raise KeyError(f"DUMP_HEADER{bits} has no field {name}")
        header[name] = value
    struct = DUMP_HEADER64 if bits == 64 else DUMP_HEADER32
    return bytes(struct.build(header))


def _pad8(data: bytearray) -> None:
    data.extend(b"\0" * (-len(data) % 8))


def build_kernel_dump(
    bits: int,
    bugcheck: int,
    params: Sequence[int] = (0, 0, 0, 0),
    dump_type: int = TRIAGE,
    drivers: Sequence[LoadedDriver] = (),
    unloaded: Sequence[UnloadedDriver] = (),
    *,
    build: int = 7601,
    machine: str | None = None,
    processors: int = 4,
    checked: bool = False,
    system_time: datetime | None = datetime(2011, 3, 1, 12, 30, 15, 250000, tzinfo=UTC),
    uptime_seconds: float | None = 3600.0,
    comment: str | None = None,
    product_type: int = 1,
    physical_pages: int | None = 0x40000,
    physical_runs: int = 3,
    body_size: int = 0x3000,
    required_dump_space: int | None = None,
    stride: int | None = None,
    pool_gap: int = 0,
    valid_marker: bytes = TRIAGE_VALID,
    size_of_dump: int | None = None,
    blobs: Sequence[Blob] = (),
    extra_fields: dict[str, Any] | None = None,
) -> bytes:
    """A complete dump file as bytes. Triage dumps (dump_type 4) carry a TRIAGE_DUMP block, driver
    lists and a string pool; the others carry `body_size` bytes after the header (starting with an
    SDMP/FDMP sub-header for types 2, 5 and 6). `required_dump_space` defaults to the file size."""
    header_size = HEADER_SIZE_64 if bits == 64 else HEADER_SIZE_32
    fields: dict[str, Any] = {
        "MajorVersion": 0xC if checked else 0xF,
        "MinorVersion": build,
        "MachineImageType": MACHINE_CODES[machine or ("x64" if bits == 64 else "x86")],
        "NumberProcessors": processors,
        "BugCheckCode": bugcheck,
        "BugCheckParameter": list(params),
        "DumpType": dump_type,
        "ProductType": product_type,
    }
    if system_time is not None:
        fields["SystemTime"] = to_filetime(system_time)
    if uptime_seconds is not None:
        fields["SystemUpTime"] = round(uptime_seconds * 10_000_000)
    if comment is not None:
        fields["Comment"] = comment.encode("ascii").ljust(128, b"\0")[:128]
    if physical_pages is not None and dump_type != TRIAGE:
        descriptor = PHYSICAL_MEMORY_DESCRIPTOR64 if bits == 64 else PHYSICAL_MEMORY_DESCRIPTOR32
        if bits == 64:
            block = descriptor.build({"NumberOfRuns": physical_runs, "Padding": b"\0" * 4,
                                      "NumberOfPages": physical_pages})
        else:
            block = descriptor.build({"NumberOfRuns": physical_runs, "NumberOfPages": physical_pages})
        size = 0x2C0 if bits == 64 else 0x2BC
        fields["PhysicalMemoryBlockBuffer"] = block + b"\0" * (size - len(block))
    fields.update(extra_fields or {})

    if dump_type == TRIAGE:
        body = _triage_body(bits, header_size, drivers, unloaded, stride, pool_gap, valid_marker,
                            size_of_dump, blobs)
    else:
        signature = {2: b"SDMP", 5: b"FDMP", 6: b"SDMP"}.get(dump_type, b"")
        body = (signature + b"DUMP" if signature else b"") + b"\0" * body_size
        body = body[:max(body_size, len(signature))]
    total = header_size + len(body)
    fields["RequiredDumpSpace"] = total if required_dump_space is None else required_dump_space
    return build_header(bits, **fields) + body


def _triage_body(bits: int, header_size: int, drivers: Sequence[LoadedDriver],
                 unloaded: Sequence[UnloadedDriver], stride: int | None, pool_gap: int,
                 valid_marker: bytes, size_of_dump: int | None, blobs: Sequence[Blob]) -> bytes:
    entry_struct = DUMP_DRIVER_ENTRY64 if bits == 64 else DUMP_DRIVER_ENTRY32
    unloaded_struct = DUMP_UNLOADED_DRIVERS64 if bits == 64 else DUMP_UNLOADED_DRIVERS32
    count_struct = UNLOADED_COUNT64 if bits == 64 else UNLOADED_COUNT32
    stride = stride or entry_struct.sizeof()

    data = bytearray(b"\0" * 0x100)  # TRIAGE_DUMP goes at the start, filled in last
    unloaded_offset = header_size + len(data)
    data += count_struct.build(len(unloaded))
    for item in unloaded:
        name = item.name.encode("utf-16-le")
        entry = {k: 0 for k in ("NameMaximumLength", "NameBuffer")}
        entry.update(NameLength=len(name), DriverName=name[:24].ljust(24, b"\0"),
                     StartAddress=item.start, EndAddress=item.end)
        if bits == 64:
            entry["Padding"] = b"\0" * 4
        data += unloaded_struct.build(entry)
    _pad8(data)

    driver_list_offset = header_size + len(data)
    pool_offset = driver_list_offset + stride * len(drivers) + pool_gap
    pool = bytearray()
    entries = bytearray()
    for item in drivers:
        name_offset = pool_offset + len(pool)
        text = (item.path or item.name).encode("utf-16-le")
        pool += DUMP_STRING_LENGTH.build(len(text) // 2) + text + b"\0\0"
        _pad8(pool)
        entries += _driver_entry(bits, name_offset, item).ljust(stride, b"\0")
    data += entries + b"\0" * pool_gap + pool
    valid_offset = header_size + len(data)
    data += valid_marker
    dump_size = header_size + len(data)

    if blobs:
        data += DUMP_BLOB_FILE_HEADER.build({"Signature": SECONDARY_DATA_SIGNATURE, "HeaderSize": 0x10,
                                             "BuildNumber": 0})
        for number, blob in enumerate(blobs):
            data += DUMP_BLOB_HEADER.build({"HeaderSize": 0x20, "Tag": bytes([number]) * 16,
                                            "DataSize": blob.data_size, "PrePad": blob.pre_pad,
                                            "PostPad": blob.post_pad})
            data += b"\xAB" * (blob.pre_pad + blob.data_size + blob.post_pad)

    triage = TRIAGE_DUMP.build({
        "ServicePackBuild": 0, "SizeOfDump": dump_size if size_of_dump is None else size_of_dump,
        "ValidOffset": valid_offset, "ContextOffset": 0, "ExceptionOffset": 0, "MmOffset": 0,
        "UnloadedDriversOffset": unloaded_offset, "PrcbOffset": 0, "ProcessOffset": 0,
        "ThreadOffset": 0, "CallStackOffset": 0, "SizeOfCallStack": 0,
        "DriverListOffset": driver_list_offset, "DriverCount": len(drivers),
        "StringPoolOffset": pool_offset, "StringPoolSize": len(pool), "BrokenDriverOffset": 0,
        "TriageOptions": 0xFFFFFFFF,
    })
    data[:len(triage)] = triage
    return bytes(data)


def _driver_entry(bits: int, name_offset: int, item: LoadedDriver) -> bytes:
    struct = DUMP_DRIVER_ENTRY64 if bits == 64 else DUMP_DRIVER_ENTRY32
    entry: dict[str, Any] = {}
    for sub in struct.subcons:
        if sub.name is None:
            continue
        entry[sub.name] = b"\0" * sub.sizeof() if sub.name.startswith(("Padding", "InLoad", "Full", "Base")) \
            else 0
    entry.update(DriverNameOffset=name_offset, DllBase=item.base, SizeOfImage=item.size,
                 TimeDateStamp=item.timestamp)
    return bytes(struct.build(entry))


def write_kernel_dump(path: Path, bits: int, bugcheck: int, params: Sequence[int] = (0, 0, 0, 0),
                      **kwargs: Any) -> Path:
    """build_kernel_dump written to `path` (parent folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_kernel_dump(bits, bugcheck, params, **kwargs))
    return path


def build_user_minidump() -> bytes:
    """The start of a user-mode (application) minidump: MDMP signature, version, no streams."""
    return b"MDMP" + (0xA793).to_bytes(4, "little") + b"\0" * 24


def typical_drivers(bits: int = 64, miniport: str = "storvsc.sys") -> list[LoadedDriver]:
    """A small but realistic driver list with a dump stack for `miniport`."""
    base = 0xFFFFF80000000000 if bits == 64 else 0x80000000
    names = ["ntoskrnl.exe", "hal.dll", "storport.sys", miniport, "crashdmp.sys", "dump_diskdump.sys",
             f"dump_{miniport}", "ntfs.sys"]
    return [driver(name, base + index * 0x100000, 0x80000) for index, name in enumerate(names)]
