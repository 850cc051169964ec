"""A key's values read straight from the hive bytes: the common case, in one pass.

python-registry walks back to the first hbin for every cell offset it resolves and decodes each field
through a method call, which made value reading most of `read_registry_facts` (issue 18: 1.6x a raw
walk of the same keys). The layout is fixed (FACTS §2, and the Windows Internals hive chapter): offsets
in cells are relative to the first hbin, which starts right after the 4 KiB base block. Anything this
reader does not expect (a list or record outside the file, a missing signature, big data stored in
'db' segments) returns None, and the caller reads the key through the library as before, so damage is
still reported by the one path that reports it.
"""

from __future__ import annotations

import struct

from core.registry.hive_format import BASE_BLOCK_SIZE

# nk record (offsets from its 'nk' signature): number of values, offset of the value list.
NK_VALUE_COUNT = 0x24
NK_VALUE_LIST = 0x28
# vk record: 'vk', name length (u16), data size (u32, top bit = data held in the offset field),
# data offset (u32), type (u32), flags (u16, bit 0 = name is 8-bit), spare (u16), name.
_VK = struct.Struct("<2sHIIIH")
VK_NAME = 0x14
VK_ASCII_NAME = 0x0001
DATA_INLINE = 0x80000000
# Larger data lives in 'db' big-data segments (hive format 1.4+); the library reads those.
MAX_CELL_DATA = 0x3FD8
# A count past this is damage, not a key (Windows caps values per key far lower in practice).
MAX_VALUES = 0x10000
CELL_SIZE = 4  # every cell starts with its signed size
# REG_NONE..REG_QWORD. Device-property keys store 0xFFFF00xx types, which the library masks and
# sizes in its own way; those keys (never read by the diagnosis) go through the library unchanged.
MAX_STANDARD_TYPE = 11

RawValue = tuple[str, int, bytes]


def read_values(buf: bytes | bytearray | memoryview, nk: int) -> list[RawValue] | None:
    """(name, type, raw data) of each value of the key whose nk record starts at `nk`, or None when
    anything is unusual (the caller then reads through the library)."""
    size = len(buf)
    if nk + NK_VALUE_LIST + 4 > size:
        return None
    count, list_rel = struct.unpack_from("<II", buf, nk + NK_VALUE_COUNT)
    if count == 0 or count == 0xFFFFFFFF:
        return []
    if count > MAX_VALUES:
        return None
    offsets_at = BASE_BLOCK_SIZE + list_rel + CELL_SIZE
    if offsets_at + 4 * count > size:
        return None
    out: list[RawValue] = []
    unpack_vk = _VK.unpack_from
    for (rel,) in struct.iter_unpack("<I", buf[offsets_at:offsets_at + 4 * count]):
        vk = BASE_BLOCK_SIZE + rel + CELL_SIZE
        if vk + VK_NAME > size:
            return None
        sig, name_len, data_size, data_rel, type_, flags = unpack_vk(buf, vk)
        if sig != b"vk" or type_ > MAX_STANDARD_TYPE or vk + VK_NAME + name_len > size:
            return None
        raw_name = bytes(buf[vk + VK_NAME:vk + VK_NAME + name_len])
        try:
            name = raw_name.decode("windows-1252" if flags & VK_ASCII_NAME else "utf-16-le")
        except UnicodeDecodeError:
            return None  # the library's path skips and logs that one value
        if data_size & DATA_INLINE:
            length = min(data_size & ~DATA_INLINE, 4)
            data = bytes(buf[vk + 8:vk + 8 + length])
        elif data_size > MAX_CELL_DATA:
            return None
        else:
            start = BASE_BLOCK_SIZE + data_rel + CELL_SIZE
            if start + data_size > size:
                return None
            data = bytes(buf[start:start + data_size])
        out.append((name, type_, data))
    return out
