"""The loaded drivers of a complete or kernel dump (DumpType 1, 2, 5, 6): the header's
PsLoadedModuleList is the virtual address of a LIST_ENTRY; its Flink chain runs through the
KLDR_DATA_TABLE_ENTRY of every loaded module, read through the dump's page tables.

Problems (a page missing from the dump, a loop in the list, a name that cannot be real) end or
shorten the walk and become a note; they never raise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from core.dumps.header import ParsedHeader, recorded32, recorded64
from core.dumps.model import DumpInfo, LoadedDriver
from core.dumps.paging import AddressSpace, PagingMode
from core.dumps.physmem import PhysicalMemory, bitmap_memory, run_memory
from core.dumps.stream import DumpStream
from core.dumps.structs import (
    KLDR_DATA_TABLE_ENTRY32,
    KLDR_DATA_TABLE_ENTRY64,
    LIST_ENTRY32,
    LIST_ENTRY64,
)
from core.errors import FormatError, UnsafeInputError

log = logging.getLogger(__name__)

FULL = 1
MEMORY_TYPES = frozenset({1, 2, 5, 6})
MAX_MODULES = 4096  # Windows loads a few hundred
MAX_NAME_BYTES = 1024  # UNICODE_STRING.Length of a driver path; MAX_PATH characters is 520 bytes
UNAVAILABLE = "the loaded-driver list of this dump could not be read"
X64_MACHINE = 0x8664
X86_MACHINE = 0x14C


@dataclass
class ModuleWalk:
    drivers: list[LoadedDriver] = field(default_factory=list)
    problem: str | None = None  # why the walk stopped early
    skipped: int = 0  # entries without a readable name


def _decode_name(space: AddressSpace, string: Any) -> str | None:
    length = int(string.Length)
    if length == 0 or length > MAX_NAME_BYTES or length % 2:
        return None
    data = space.read(int(string.Buffer), length)
    if data is None:
        return None
    text = data.decode("utf-16-le", "replace")
    return text if text.isprintable() else None


def walk_module_list(space: AddressSpace, head: int, bits: int) -> ModuleWalk:
    """Follow InLoadOrderLinks from the list head at virtual `head` until it comes back."""
    link_struct = LIST_ENTRY64 if bits == 64 else LIST_ENTRY32
    entry_struct = KLDR_DATA_TABLE_ENTRY64 if bits == 64 else KLDR_DATA_TABLE_ENTRY32
    walk = ModuleWalk()
    data = space.read(head, link_struct.sizeof())
    if data is None:
        walk.problem = f"the list head PsLoadedModuleList ({head:#x}) is in a page missing from the dump"
        return walk
    current = int(link_struct.parse(data).Flink)
    seen = {head}
    while current != head:
        if current in seen:
            walk.problem = f"the list loops back to the entry at {current:#x} instead of its head"
            return walk
        if len(seen) > MAX_MODULES:
            walk.problem = f"the list has more than {MAX_MODULES} entries, more than Windows loads"
            return walk
        seen.add(current)
        data = space.read(current, entry_struct.sizeof())
        if data is None:
            walk.problem = (f"entry {len(seen) - 1} ({current:#x}) is in a page missing from the dump; "
                            "the list ends there")
            return walk
        entry = entry_struct.parse(data)
        full = _decode_name(space, entry.FullDllName)
        name = _decode_name(space, entry.BaseDllName) or (full.rsplit("\\", 1)[-1] if full else None)
        if name is None:
            walk.skipped += 1
            log.warning("module entry at %#x has no readable name; skipped", current)
        else:
            walk.drivers.append(LoadedDriver(name=name, base=int(entry.DllBase),
                                             size=int(entry.SizeOfImage), timestamp=0,
                                             path=full or name))
        current = int(entry.InLoadOrderLinks.Flink)
    return walk


def paging_mode(header: ParsedHeader) -> PagingMode | None:
    machine = recorded32(header.raw.MachineImageType)
    if header.bits == 64:
        return PagingMode.X64 if machine == X64_MACHINE else None
    if machine != X86_MACHINE:
        return None
    return PagingMode.PAE if header.raw.PaeEnabled == 1 else PagingMode.X86


def physical_memory(stream: DumpStream, header: ParsedHeader) -> PhysicalMemory:
    if header.dump_type == FULL:
        return run_memory(stream, header.raw, header.bits, header.size)
    return bitmap_memory(stream, header.size)


def read_memory_drivers(stream: DumpStream, header: ParsedHeader, info: DumpInfo) -> None:
    """Fill info.drivers from a DumpType 1/2/5/6 dump, or add a note saying why it cannot be done.
    Reads only the pages on the way: the header's facts cost nothing more when the list is absent."""
    record = recorded64 if header.bits == 64 else recorded32
    head = record(header.raw.PsLoadedModuleList)
    dtb = record(header.raw.DirectoryTableBase)
    if not head or not dtb:
        info.notes.append(f"{UNAVAILABLE}: the header does not record where the list or the page "
                          "tables are (PsLoadedModuleList / DirectoryTableBase)")
        return
    mode = paging_mode(header)
    if mode is None:
        info.notes.append(f"{UNAVAILABLE}: reading the memory of {info.machine or 'this'} machines "
                          "is not supported")
        return
    if header.bits == 32 and header.dump_type != FULL:
        # Every public description of the bitmap sub-header (kdmp-parser, rizin) is of 64-bit
        # dumps; older tools place the 32-bit fields elsewhere. Not guessed: a wrong guess would
        # name drivers from unrelated bytes.
        info.notes.append(f"{UNAVAILABLE}: the memory map of 32-bit kernel and bitmap dumps is not "
                          "supported yet")
        return
    try:
        memory = physical_memory(stream, header)
    except (FormatError, UnsafeInputError) as exc:
        info.notes.append(f"{UNAVAILABLE}: {exc.message}")
        return
    info.notes.extend(memory.warnings)
    walk = walk_module_list(AddressSpace(memory, dtb, mode), head, header.bits)
    info.drivers = walk.drivers
    if walk.skipped:
        info.notes.append(f"{walk.skipped} loaded-driver entries had no readable name and were skipped")
    if walk.problem is None:
        return
    if walk.drivers:
        info.notes.append(f"the loaded-driver list is incomplete ({len(walk.drivers)} drivers read): "
                          f"{walk.problem}")
    else:
        info.notes.append(f"{UNAVAILABLE}: {walk.problem}")
