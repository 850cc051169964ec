"""Physical memory of a complete or kernel dump: where the page with a given page frame number (PFN)
sits in the file, and reads of a few physical bytes. Only the pages asked for are read.

- DumpType 1: the header's PhysicalMemoryBlock lists runs {BasePage, PageCount}; the pages of the
  runs are stored one after the other right after the header. A handful of runs: kept as ranges.
- DumpType 2, 5, 6: a sub-header at 0x1000 / 0x2000 holds a bitmap with one bit per page; the pages
  whose bit is set are stored in PFN order from FirstPage on. The bitmap of a 64 GiB machine is
  2 MiB but may hold hundreds of thousands of runs, so instead of ranges the bitmap itself is kept
  with a running count of set bits per block: a lookup counts the bits before its PFN in one block.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from core.dumps.stream import MAX_READ, DumpStream
from core.dumps.structs import (
    BITMAP_DUMP_HEADER,
    BITMAP_VALID_DUMP,
    MAX_PHYSICAL_RUNS32,
    MAX_PHYSICAL_RUNS64,
    PAGE_FILLER,
    PHYSICAL_MEMORY_DESCRIPTOR32,
    PHYSICAL_MEMORY_DESCRIPTOR64,
    PHYSICAL_MEMORY_RUN32,
    PHYSICAL_MEMORY_RUN64,
    SUMMARY_SIGNATURES,
)
from core.errors import FormatError, UnsafeInputError

PAGE_SIZE = 0x1000
PAGE_SHIFT = 12
# 2**40 pages = 4 PiB: no machine has more; a larger count is a corrupt header.
MAX_PFN = 1 << 40
# A bitmap of 32 MiB describes 1 TiB of RAM; larger is refused rather than read.
MAX_BITMAP_BYTES = 32 * 1024 * 1024
RANK_BLOCK = 4096  # bitmap bytes per running-count entry
PAGE_CACHE = 64  # page-table pages are read again and again while walking a list


class PhysicalMemory:
    """Physical pages of one dump file; `page(pfn)` and `read(address, length)` return None for a
    page the dump does not hold (or a file cut short before it)."""

    def __init__(self, stream: DumpStream) -> None:
        self._stream = stream
        self.warnings: list[str] = []  # oddities worth a note that do not stop a lookup
        self._cache: OrderedDict[int, bytes | None] = OrderedDict()

    def file_offset(self, pfn: int) -> int | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def page(self, pfn: int) -> bytes | None:
        if pfn in self._cache:
            self._cache.move_to_end(pfn)
            return self._cache[pfn]
        offset = self.file_offset(pfn) if 0 <= pfn < MAX_PFN else None
        data = self._stream.read_upto(offset, PAGE_SIZE) if offset is not None else b""
        result = data if len(data) == PAGE_SIZE else None
        self._cache[pfn] = result
        if len(self._cache) > PAGE_CACHE:
            self._cache.popitem(last=False)
        return result

    def read(self, address: int, length: int) -> bytes | None:
        """`length` bytes at physical `address`, or None when any page of them is absent."""
        parts = []
        while length > 0:
            page = self.page(address >> PAGE_SHIFT)
            if page is None:
                return None
            start = address & (PAGE_SIZE - 1)
            chunk = page[start:start + length]
            parts.append(chunk)
            address += len(chunk)
            length -= len(chunk)
        return b"".join(parts)


@dataclass(frozen=True)
class Run:
    base_page: int
    page_count: int


class RunMemory(PhysicalMemory):
    """DumpType 1: pages of each run stored consecutively after the header."""

    def __init__(self, stream: DumpStream, first_page_offset: int, runs: list[Run]) -> None:
        super().__init__(stream)
        ordered = sorted((run.base_page, run.page_count, index)
                         for index, run in enumerate(runs) if run.page_count)
        # File offsets follow the order of the runs in the header, not their sorted order.
        offsets = []
        position = first_page_offset
        for run in runs:
            offsets.append(position)
            position += run.page_count * PAGE_SIZE
        self._starts = [base for base, _, _ in ordered]
        self._ranges = [(base, count, offsets[index]) for base, count, index in ordered]

    def file_offset(self, pfn: int) -> int | None:
        slot = bisect.bisect_right(self._starts, pfn) - 1
        if slot < 0:
            return None
        base, count, offset = self._ranges[slot]
        if pfn >= base + count:
            return None
        return offset + (pfn - base) * PAGE_SIZE


class BitmapMemory(PhysicalMemory):
    """DumpType 2, 5, 6: a page is present when its bit is set; its place is the count of set bits
    before it."""

    def __init__(self, stream: DumpStream, first_page_offset: int, bitmap: bytes, pages: int) -> None:
        super().__init__(stream)
        self._first = first_page_offset
        self._bitmap = bitmap
        self._pages = pages
        self._ranks: list[int] = []  # set bits before each block, built on the first lookup

    def _rank_index(self) -> list[int]:
        if not self._ranks and self._bitmap:
            total = 0
            ranks = []
            for start in range(0, len(self._bitmap), RANK_BLOCK):
                ranks.append(total)
                total += int.from_bytes(self._bitmap[start:start + RANK_BLOCK], "little").bit_count()
            self._ranks = ranks
        return self._ranks

    def present_pages(self) -> int:
        return int.from_bytes(self._bitmap, "little").bit_count()

    def file_offset(self, pfn: int) -> int | None:
        if pfn >= self._pages:
            return None
        byte, bit = divmod(pfn, 8)
        if not (self._bitmap[byte] >> bit) & 1:
            return None
        block = byte // RANK_BLOCK
        before = self._rank_index()[block]
        before += int.from_bytes(self._bitmap[block * RANK_BLOCK:byte], "little").bit_count()
        before += (self._bitmap[byte] & ((1 << bit) - 1)).bit_count()
        return self._first + before * PAGE_SIZE


def runs_from_header(raw: Any, bits: int, path: str) -> list[Run]:
    """The PhysicalMemoryBlock runs of a DUMP_HEADER32/64 Container."""
    buffer: bytes = raw.PhysicalMemoryBlockBuffer
    if buffer.startswith(PAGE_FILLER):
        raise FormatError("the header does not record the physical memory runs", path=path,
                          offset=0x88 if bits == 64 else 0x64, expected="a PHYSICAL_MEMORY_DESCRIPTOR")
    descriptor = PHYSICAL_MEMORY_DESCRIPTOR64 if bits == 64 else PHYSICAL_MEMORY_DESCRIPTOR32
    run_struct = PHYSICAL_MEMORY_RUN64 if bits == 64 else PHYSICAL_MEMORY_RUN32
    limit = MAX_PHYSICAL_RUNS64 if bits == 64 else MAX_PHYSICAL_RUNS32
    block = descriptor.parse(buffer)
    count = int(block.NumberOfRuns)
    if count > limit:
        raise FormatError(f"the header claims {count} physical memory runs; only {limit} fit in it",
                          path=path, offset=0x88 if bits == 64 else 0x64, expected=f"at most {limit} runs")
    start = descriptor.sizeof()
    size = run_struct.sizeof()
    runs = []
    for index in range(count):
        run = run_struct.parse(buffer[start + index * size:start + (index + 1) * size])
        if run.BasePage + run.PageCount > MAX_PFN:
            raise FormatError(f"physical memory run {index} ends beyond any real machine's memory",
                              path=path, expected="runs below 4 PiB")
        runs.append(Run(int(run.BasePage), int(run.PageCount)))
    return runs


def run_memory(stream: DumpStream, raw: Any, bits: int, header_size: int) -> RunMemory:
    runs = runs_from_header(raw, bits, stream.path)
    memory = RunMemory(stream, header_size, runs)
    descriptor = PHYSICAL_MEMORY_DESCRIPTOR64 if bits == 64 else PHYSICAL_MEMORY_DESCRIPTOR32
    declared = descriptor.parse(raw.PhysicalMemoryBlockBuffer).NumberOfPages
    total = sum(run.page_count for run in runs)
    if total != declared:
        memory.warnings.append(f"the physical memory runs hold {total} pages but the header says "
                               f"{declared}; pages were located from the runs")
    return memory


def bitmap_memory(stream: DumpStream, header_size: int) -> BitmapMemory:
    """Read the SDMP / FDMP sub-header and its bitmap (a few MiB at most, in capped reads)."""
    path = stream.path
    data = stream.read_upto(header_size, BITMAP_DUMP_HEADER.sizeof())
    if len(data) < BITMAP_DUMP_HEADER.sizeof():
        raise FormatError("the file ends inside the memory bitmap's header", path=path,
                          offset=header_size, expected="an SDMP / FDMP header")
    sub = BITMAP_DUMP_HEADER.parse(data)
    if sub.Signature not in SUMMARY_SIGNATURES or sub.ValidDump != BITMAP_VALID_DUMP:
        raise FormatError(f"the memory bitmap's header is damaged (found {sub.Signature!r} "
                          f"{sub.ValidDump!r})", path=path, offset=header_size, expected="SDMP/FDMP DUMP")
    pages = int(sub.Pages)
    size = (pages + 7) // 8
    if size > MAX_BITMAP_BYTES:
        raise UnsafeInputError(f"the memory bitmap claims {pages} pages, more than any machine has",
                               path=path, offset=header_size + 0x30,
                               expected=f"at most {MAX_BITMAP_BYTES * 8} pages")
    bitmap_offset = header_size + BITMAP_DUMP_HEADER.sizeof()
    first = int(sub.FirstPage)
    if first < bitmap_offset + size:
        raise FormatError(f"the first page ({first:#x}) would overlap the memory bitmap", path=path,
                          offset=header_size + 0x20, expected=f"FirstPage >= {bitmap_offset + size:#x}")
    chunks = []
    for start in range(0, size, MAX_READ):
        chunk = stream.read_upto(bitmap_offset + start, min(MAX_READ, size - start))
        chunks.append(chunk)
        if len(chunk) < min(MAX_READ, size - start):
            raise FormatError("the file ends inside the memory bitmap", path=path,
                              offset=bitmap_offset + start + len(chunk), expected=f"{size} bitmap bytes")
    memory = BitmapMemory(stream, first, b"".join(chunks), pages)
    present = memory.present_pages()
    if present != sub.TotalPresentPages:
        memory.warnings.append(f"the memory bitmap marks {present} pages present but its header says "
                               f"{sub.TotalPresentPages}; pages were located from the bitmap")
    return memory
