"""Small memory (triage) dumps: the TRIAGE_DUMP block after the header, the loaded and unloaded
driver lists and the string pool. Only those regions are read, each with one bounded seek."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from core.dumps.model import DumpInfo, LoadedDriver, UnloadedDriver
from core.dumps.stream import MAX_READ, DumpStream
from core.dumps.structs import (
    DUMP_DRIVER_ENTRY32,
    DUMP_DRIVER_ENTRY64,
    DUMP_UNLOADED_DRIVERS32,
    DUMP_UNLOADED_DRIVERS64,
    TRIAGE_DUMP,
    TRIAGE_VALID,
    UNLOADED_COUNT32,
    UNLOADED_COUNT64,
    compiled,
    size_of,
)

log = logging.getLogger(__name__)

KNOWN_STRIDE: dict[int, int] = {32: int(DUMP_DRIVER_ENTRY32.sizeof()), 64: int(DUMP_DRIVER_ENTRY64.sizeof())}
# A loaded-module entry grew by a few pointers across Windows versions; more than this is not a stride.
MAX_STRIDE_GROWTH = 0x40
MAX_DRIVERS = 4096  # Windows loads a few hundred; more means a corrupt count
MAX_UNLOADED = 1024  # the kernel keeps the last 50
MAX_NAME_CHARS = 1024
DUMP_STACK_NAME = re.compile(r"^dump_.+\.sys$", re.IGNORECASE)


@dataclass
class TriageFacts:
    raw: Any  # TRIAGE_DUMP container
    offset: int  # where the TRIAGE_DUMP block starts
    marker: bytes | None  # the 4 bytes at ValidOffset (None when beyond the end of the file)


def read_triage_block(stream: DumpStream, offset: int) -> TriageFacts | None:
    data = stream.read_upto(offset, size_of(TRIAGE_DUMP))
    if len(data) < size_of(TRIAGE_DUMP):
        return None
    raw = compiled(TRIAGE_DUMP).parse(data)
    marker_bytes = stream.read_upto(raw.ValidOffset, 4)
    return TriageFacts(raw=raw, offset=offset, marker=marker_bytes if len(marker_bytes) == 4 else None)


def marker_valid(triage: TriageFacts) -> bool:
    return triage.marker == TRIAGE_VALID


def read_triage_lists(stream: DumpStream, triage: TriageFacts, bits: int, info: DumpInfo) -> None:
    """Fill drivers, dump_stack and unloaded_drivers; problems become notes, never exceptions."""
    raw = triage.raw
    pool = _StringPool(stream, raw.StringPoolOffset, raw.StringPoolSize)
    info.drivers = _read_drivers(stream, raw, bits, pool, info)
    info.dump_stack = [d.name for d in info.drivers if DUMP_STACK_NAME.match(d.name)]
    info.unloaded_drivers = _read_unloaded(stream, raw.UnloadedDriversOffset, bits, info)


class _StringPool:
    """The DUMP_STRING pool, read once; names outside it are read on their own (both bounded)."""

    def __init__(self, stream: DumpStream, offset: int, size: int) -> None:
        self._stream = stream
        self._offset = offset
        # A pool bigger than any real one is not read at once; names are then read one by one.
        sane = offset > 0 and size <= MAX_READ
        self._data = stream.read_upto(offset, size) if sane else b""

    def name_at(self, offset: int) -> str | None:
        start = offset - self._offset
        if start >= 0 and start + 4 <= len(self._data):
            data = self._data[start:]
        else:
            data = self._stream.read_upto(offset, 4 + 2 * MAX_NAME_CHARS)
        if len(data) < 4:
            return None
        chars = int.from_bytes(data[:4], "little")  # DUMP_STRING_LENGTH (Int32ul), without construct
        if chars == 0 or chars > MAX_NAME_CHARS or 4 + 2 * chars > len(data):
            return None
        text = data[4:4 + 2 * chars].decode("utf-16-le", "replace")
        return text if text.isprintable() else None


def _choose_stride(raw: Any, bits: int, info: DumpInfo) -> int:
    known = KNOWN_STRIDE[bits]
    count = int(raw.DriverCount)
    if not count or raw.StringPoolOffset <= raw.DriverListOffset:
        return known
    derived, remainder = divmod(int(raw.StringPoolOffset) - int(raw.DriverListOffset), count)
    if remainder == 0 and known <= derived <= known + MAX_STRIDE_GROWTH and derived % 4 == 0:
        if derived != known:
            info.notes.append(f"driver list entries are {derived:#x} bytes apart (derived from the "
                              f"string pool offset), not the usual {known:#x}")
        return derived
    info.notes.append(f"the driver list does not end where the string pool starts "
                      f"({raw.DriverListOffset:#x} + {count} entries vs {raw.StringPoolOffset:#x}); "
                      f"read it with the usual {known:#x}-byte entries")
    return known


def _read_drivers(stream: DumpStream, raw: Any, bits: int, pool: _StringPool,
                  info: DumpInfo) -> list[LoadedDriver]:
    count = raw.DriverCount
    if count == 0 or raw.DriverListOffset == 0:
        return []
    if count > MAX_DRIVERS:
        info.notes.append(f"the driver count {count} is implausible; read the first {MAX_DRIVERS}")
        count = MAX_DRIVERS
    stride = _choose_stride(raw, bits, info)
    entry_struct = compiled(DUMP_DRIVER_ENTRY64 if bits == 64 else DUMP_DRIVER_ENTRY32)
    entry_size = size_of(entry_struct)
    table = stream.read_upto(raw.DriverListOffset, stride * count)
    drivers: list[LoadedDriver] = []
    skipped = 0
    for index in range(count):
        start = index * stride
        if start + entry_size > len(table):
            break
        entry = entry_struct.parse(table[start:start + entry_size])
        path = pool.name_at(entry.DriverNameOffset)
        if path is None:
            skipped += 1
            log.warning("%s: driver entry %d at %#x has no readable name", stream.path, index,
                        raw.DriverListOffset + start)
            continue
        drivers.append(LoadedDriver(name=path.rsplit("\\", 1)[-1], base=entry.DllBase,
                                    size=entry.SizeOfImage, timestamp=entry.TimeDateStamp, path=path))
    missing = count - skipped - len(drivers)
    if missing:
        info.notes.append(f"{missing} of {count} driver entries lie beyond the end of the file")
    if skipped:
        info.notes.append(f"{skipped} of {count} driver entries had no readable name and were skipped")
    return drivers


def _read_unloaded(stream: DumpStream, offset: int, bits: int, info: DumpInfo) -> list[UnloadedDriver]:
    if not offset:
        return []
    count_struct = UNLOADED_COUNT64 if bits == 64 else UNLOADED_COUNT32
    entry_struct = DUMP_UNLOADED_DRIVERS64 if bits == 64 else DUMP_UNLOADED_DRIVERS32
    head = stream.read_upto(offset, size_of(count_struct))
    if len(head) < size_of(count_struct):
        info.notes.append("the unloaded-driver list lies beyond the end of the file")
        return []
    count = count_struct.parse(head)
    if count > MAX_UNLOADED:
        info.notes.append(f"the unloaded-driver count {count} is implausible; list ignored")
        return []
    size = size_of(entry_struct)
    compiled_entry = compiled(entry_struct)
    data = stream.read_upto(offset + size_of(count_struct), size * count)
    result: list[UnloadedDriver] = []
    for index in range(min(count, len(data) // size)):
        entry = compiled_entry.parse(data[index * size:(index + 1) * size])
        chars = min(entry.NameLength // 2, 12)  # DriverName keeps only the first 12 characters
        name = entry.DriverName[:2 * chars].decode("utf-16-le", "replace").rstrip("\0")
        result.append(UnloadedDriver(name=name, start=entry.StartAddress, end=entry.EndAddress))
    if len(result) < count:
        info.notes.append(f"{count - len(result)} unloaded-driver entries lie beyond the end of the file")
    return result


def driver_at(drivers: list[LoadedDriver], address: int) -> LoadedDriver | None:
    for driver in drivers:
        if driver.base <= address < driver.base + driver.size:
            return driver
    return None
