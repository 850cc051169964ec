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
    BITMAP_DUMP_HEADER,
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
    KLDR_DATA_TABLE_ENTRY32,
    KLDR_DATA_TABLE_ENTRY64,
    PAGE_FILLER,
    PHYSICAL_MEMORY_DESCRIPTOR32,
    PHYSICAL_MEMORY_DESCRIPTOR64,
    PHYSICAL_MEMORY_RUN32,
    PHYSICAL_MEMORY_RUN64,
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
    for gone in unloaded:
        name = gone.name.encode("utf-16-le")
        entry: dict[str, Any] = {k: 0 for k in ("NameMaximumLength", "NameBuffer")}
        entry.update(NameLength=len(name), DriverName=name[:24].ljust(24, b"\0"),
                     StartAddress=gone.start, EndAddress=gone.end)
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


# ---------------------------------------------------------------------------------------------
# Complete and kernel dumps (DumpType 1, 2, 5, 6) holding physical pages: page tables mapping a
# kernel region, and a PsLoadedModuleList in it.
#
#     dump = build_memory_dump(64, 0xD1, (0, 2, 0, 0xFFFFF80000301234), typical_drivers(64))
#     read_bytes(dump.to_bytes())  /  dump.write(tmp_path / "MEMORY.DMP")

KERNEL_BASE = {64: 0xFFFFF800_02000000, 32: 0x8200_0000}
TABLE_PFN = 0x100  # page tables are allocated from here ...
DATA_PFN = 0x1000  # ... kernel data from here (aligned for 2 MiB / 4 MiB pages)
PAGE = 0x1000


class MemoryImage:
    """Physical pages and the page tables of one paging mode ("x64", "pae" or "x86")."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.pages: dict[int, bytearray] = {}
        self._next_table = TABLE_PFN
        self.root = self._table()
        # PAE: CR3 names a 32-byte aligned PDPT; place it off the page start to prove it is honoured.
        self.dtb = (self.root << 12) + (0x20 if mode == "pae" else 0)

    def _table(self) -> int:
        pfn = self._next_table
        self._next_table += 1
        self.pages[pfn] = bytearray(PAGE)
        return pfn

    def _set(self, pfn: int, index: int, value: int, size: int) -> None:
        self.pages[pfn][index * size:(index + 1) * size] = value.to_bytes(size, "little")

    def _get(self, pfn: int, index: int, size: int) -> int:
        return int.from_bytes(self.pages[pfn][index * size:(index + 1) * size], "little")

    def _child(self, pfn: int, index: int, size: int, base: int = 0) -> int:
        entry = self._get(pfn, index, size)
        if not entry & 1:
            child = self._table()
            self._set(pfn, index, (child << 12) | 0x3, size)
            return child
        return (entry & 0x000F_FFFF_FFFF_F000) >> 12

    def _levels(self, va: int) -> tuple[list[tuple[int, int]], int]:
        """(shift, entry count) of each level above the last, and the entry size."""
        if self.mode == "x64":
            return [(39, 0x1FF), (30, 0x1FF), (21, 0x1FF)], 8
        if self.mode == "pae":
            return [(30, 0x3), (21, 0x1FF)], 8
        return [(22, 0x3FF)], 4

    def map(self, va: int, pfn: int) -> None:
        levels, size = self._levels(va)
        table = self.root
        for index, (shift, mask) in enumerate(levels):
            offset = (self.dtb & 0xFE0) // size if index == 0 and self.mode == "pae" else 0
            table = self._child(table, offset + ((va >> shift) & mask), size)
        self._set(table, (va >> 12) & (0x1FF if size == 8 else 0x3FF), (pfn << 12) | 0x3, size)

    def map_large(self, va: int, pfn: int) -> None:
        """One 2 MiB (x64, PAE) or 4 MiB (x86) page."""
        levels, size = self._levels(va)
        table = self.root
        for index, (shift, mask) in enumerate(levels[:-1]):
            offset = (self.dtb & 0xFE0) // size if index == 0 and self.mode == "pae" else 0
            table = self._child(table, offset + ((va >> shift) & mask), size)
        shift, mask = levels[-1]
        self._set(table, (va >> shift) & mask, (pfn << 12) | 0x83, size)

    def write(self, pfn: int, offset: int, data: bytes) -> None:
        self.pages.setdefault(pfn, bytearray(PAGE))[offset:offset + len(data)] = data


def _unicode_string(bits: int, length: int, buffer: int) -> dict[str, Any]:
    value: dict[str, Any] = {"Length": length, "MaximumLength": min(length + 2, 0xFFFF), "Buffer": buffer}
    if bits == 64:
        value["Padding"] = b"\0" * 4
    return value


def kldr_entry(bits: int, flink: int, blink: int, item: LoadedDriver, full_va: int, full_len: int,
               base_va: int, base_len: int) -> bytes:
    struct = KLDR_DATA_TABLE_ENTRY64 if bits == 64 else KLDR_DATA_TABLE_ENTRY32
    entry: dict[str, Any] = {
        "InLoadOrderLinks": {"Flink": flink, "Blink": blink},
        "Reserved": b"\0" * (0x20 if bits == 64 else 0x10),
        "DllBase": item.base, "EntryPoint": item.base + 0x1000, "SizeOfImage": item.size,
        "FullDllName": _unicode_string(bits, full_len, full_va),
        "BaseDllName": _unicode_string(bits, base_len, base_va),
    }
    if bits == 64:
        entry["Padding"] = b"\0" * 4
    return bytes(struct.build(entry))


@dataclass
class MemoryDump:
    """A dump file as a list of (offset, bytes) pieces over a zero-filled file of `size` bytes."""

    pieces: list[tuple[int, bytes]]
    size: int
    head_va: int  # PsLoadedModuleList
    entry_vas: list[int]

    def to_bytes(self) -> bytes:
        data = bytearray(self.size)
        for offset, piece in self.pieces:
            data[offset:offset + len(piece)] = piece
        return bytes(data)

    def write(self, path: Path) -> Path:
        """Written sparse: a 64 GiB dump costs only the pages that hold something."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            for offset, piece in self.pieces:
                fh.seek(offset)
                fh.write(piece)
            fh.truncate(self.size)
        return path


def build_memory_dump(
    bits: int,
    bugcheck: int,
    params: Sequence[int],
    drivers: Sequence[LoadedDriver],
    *,
    dump_type: int = 1,
    pae: bool = True,
    large_pages: bool = False,
    span_pages: int | None = None,
    cycle_to: int | None = None,
    absent_entry: int | None = None,
    name_length: dict[int, int] | None = None,
    **header_kwargs: Any,
) -> MemoryDump:
    """A DumpType 1 (runs) or 2/5/6 (bitmap) dump whose memory holds page tables and a loaded-module
    list of `drivers`, in order. Knobs for damaged lists: the last entry's Flink goes back to entry
    `cycle_to`; entry `absent_entry` sits in a page the dump does not hold; `name_length` overrides
    the BaseDllName/FullDllName Length of the entries it names. `span_pages`: the memory holds that
    many pages (one run / a bitmap with every bit set), the unused ones zero."""
    mode = "x64" if bits == 64 else ("pae" if pae else "x86")
    image = MemoryImage(mode)
    va_base = KERNEL_BASE[bits]
    if large_pages:
        image.map_large(va_base, DATA_PFN)
    absent: set[int] = set()

    def place(page_index: int) -> int:
        pfn = DATA_PFN + page_index
        if not large_pages:
            image.map(va_base + page_index * PAGE, pfn)
        return pfn

    ptr = 8 if bits == 64 else 4
    count = len(drivers)
    head_va = va_base
    entry_vas = [va_base + (index + 1) * PAGE for index in range(count)]
    ring = [head_va, *entry_vas]
    head_pfn = place(0)
    first = entry_vas[0] if count else head_va
    last = entry_vas[-1] if count else head_va
    image.write(head_pfn, 0, first.to_bytes(ptr, "little") + last.to_bytes(ptr, "little"))
    for index, item in enumerate(drivers):
        pfn = place(index + 1)
        if index == absent_entry:
            absent.add(pfn)
        va = entry_vas[index]
        full = (item.path or item.name).encode("utf-16-le")
        base = item.name.encode("utf-16-le")
        flink = ring[(index + 2) % len(ring)]
        if index == count - 1 and cycle_to is not None:
            flink = entry_vas[cycle_to]
        lengths = (name_length or {}).get(index)
        entry = kldr_entry(bits, flink, ring[index], item, va + 0x100,
                           len(full) if lengths is None else lengths, va + 0x400,
                           len(base) if lengths is None else lengths)
        image.write(pfn, 0, entry)
        image.write(pfn, 0x100, full)
        image.write(pfn, 0x400, base)
    present = {pfn: bytes(data) for pfn, data in image.pages.items() if pfn not in absent}

    header_size = HEADER_SIZE_64 if bits == 64 else HEADER_SIZE_32
    if span_pages is not None:
        runs = [(0, span_pages)]
    else:
        runs = []
        for pfn in sorted(present):
            if runs and runs[-1][0] + runs[-1][1] == pfn:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((pfn, 1))
    pieces: list[tuple[int, bytes]] = []
    if dump_type == 1:
        position = header_size
        for base_page, page_count in runs:
            for pfn in sorted(p for p in present if base_page <= p < base_page + page_count):
                pieces.append((position + (pfn - base_page) * PAGE, present[pfn]))
            position += page_count * PAGE
        size = position
        descriptor_runs = runs
    else:
        total_pages = span_pages if span_pages is not None else max(present) + 1
        bitmap = bytearray((total_pages + 7) // 8)
        for base_page, page_count in runs:
            _set_bits(bitmap, base_page, base_page + page_count)
        set_bits = sum(page_count for _, page_count in runs)
        first_page = header_size + BITMAP_DUMP_HEADER.sizeof() + len(bitmap)
        first_page += -first_page % PAGE
        signature = b"FDMP" if dump_type == 5 else b"SDMP"
        pieces.append((header_size, bytes(BITMAP_DUMP_HEADER.build({
            "Signature": signature, "ValidDump": b"DUMP", "Reserved": b"\0" * 0x18,
            "FirstPage": first_page, "TotalPresentPages": set_bits, "Pages": total_pages})) + bytes(bitmap)))
        rank = 0
        for base_page, page_count in runs:
            for pfn in sorted(p for p in present if base_page <= p < base_page + page_count):
                pieces.append((first_page + (rank + pfn - base_page) * PAGE, present[pfn]))
            rank += page_count
        size = first_page + set_bits * PAGE
        descriptor_runs = [(0, total_pages)]
    fields: dict[str, Any] = {
        "DirectoryTableBase": image.dtb,
        "PsLoadedModuleList": head_va,
        "PhysicalMemoryBlockBuffer": physical_memory_block(bits, descriptor_runs),
    }
    if bits == 32:
        fields["PaeEnabled"] = 1 if pae else 0
    fields.update(header_kwargs.pop("extra_fields", None) or {})
    header = build_kernel_dump(bits, bugcheck, params, dump_type=dump_type, body_size=0,
                               required_dump_space=size, extra_fields=fields, **header_kwargs)
    pieces.insert(0, (0, header[:header_size]))
    return MemoryDump(pieces=pieces, size=size, head_va=head_va, entry_vas=entry_vas)


def physical_memory_block(bits: int, runs: Sequence[tuple[int, int]]) -> bytes:
    """PhysicalMemoryBlockBuffer: the descriptor, its runs, zeros up to the buffer's size."""
    total = sum(count for _, count in runs)
    if bits == 64:
        data = PHYSICAL_MEMORY_DESCRIPTOR64.build({"NumberOfRuns": len(runs), "Padding": b"\0" * 4,
                                                   "NumberOfPages": total})
        data += b"".join(PHYSICAL_MEMORY_RUN64.build({"BasePage": b, "PageCount": c}) for b, c in runs)
        return bytes(data).ljust(0x2C0, b"\0")
    data = PHYSICAL_MEMORY_DESCRIPTOR32.build({"NumberOfRuns": len(runs), "NumberOfPages": total})
    data += b"".join(PHYSICAL_MEMORY_RUN32.build({"BasePage": b, "PageCount": c}) for b, c in runs)
    return bytes(data).ljust(0x2BC, b"\0")


def _set_bits(bitmap: bytearray, start: int, end: int) -> None:
    """Set bits start..end-1 (least significant first); whole bytes at once: 64 GiB is 16 M bits."""
    while start < end and start % 8:
        bitmap[start // 8] |= 1 << (start % 8)
        start += 1
    whole = (end - start) // 8
    bitmap[start // 8:start // 8 + whole] = b"\xff" * whole
    start += whole * 8
    while start < end:
        bitmap[start // 8] |= 1 << (start % 8)
        start += 1
