"""A small regf (registry hive) WRITER for tests: MemoryKey tree → bytes of a valid hive file.

Base block with checksum, one hive bin, nk / vk / lh / value-list cells; no security cells or big data
(values up to 16 KB). `HiveImage` also tells where each key and value landed, so tests can corrupt a
precise spot (cycles, cells pointing outside the file, truncation) or build transaction logs.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from core.registry.keys import (
    REG_BINARY,
    REG_DWORD,
    REG_DWORD_BIG_ENDIAN,
    REG_EXPAND_SZ,
    REG_LINK,
    REG_MULTI_SZ,
    REG_QWORD,
    REG_SZ,
    MemoryKey,
    RegValue,
)

BASE = 0x1000
NO_CELL = 0xFFFFFFFF


def encode_data(value: RegValue) -> bytes:
    """RegValue data → the bytes Windows stores (independent of core's decoder on purpose)."""
    data = value.data
    if value.type in (REG_SZ, REG_EXPAND_SZ, REG_LINK) and isinstance(data, str):
        return (data + "\x00").encode("utf-16-le")
    if value.type == REG_MULTI_SZ and isinstance(data, list):
        return "".join(s + "\x00" for s in data).encode("utf-16-le") + b"\x00\x00"
    if value.type == REG_DWORD and isinstance(data, int):
        return struct.pack("<I", data)
    if value.type == REG_DWORD_BIG_ENDIAN and isinstance(data, int):
        return struct.pack(">I", data)
    if value.type == REG_QWORD and isinstance(data, int):
        return struct.pack("<Q", data)
    if isinstance(data, bytes):
        return data
    if data is None:
        return b""
    raise TypeError(f"cannot encode {value!r}")


def lh_hash(name: str) -> int:
    h = 0
    for ch in name.upper():
        h = (h * 37 + ord(ch)) & 0xFFFFFFFF
    return h


def checksum(block: bytes) -> int:
    x = 0
    for (w,) in struct.iter_unpack("<I", block[:0x1FC]):
        x ^= w
    return 1 if x == 0 else 0xFFFFFFFE if x == 0xFFFFFFFF else x


@dataclass
class HiveImage:
    data: bytearray
    key_offsets: dict[str, int] = field(default_factory=dict)  # "A\\B" → nk cell offset (relative)
    list_offsets: dict[str, int] = field(default_factory=dict)  # "A\\B" → its lh cell offset
    value_offsets: dict[tuple[str, str], int] = field(default_factory=dict)  # → vk cell offset

    def file_offset(self, relative: int) -> int:
        return BASE + relative


class _Cells:
    def __init__(self) -> None:
        self.buf = bytearray(32)  # hbin header filled in at the end

    def add(self, payload: bytes) -> int:
        size = -(-(len(payload) + 4) // 8) * 8
        offset = len(self.buf)
        self.buf += struct.pack("<i", -size) + payload + bytes(size - 4 - len(payload))
        return offset

    def patch(self, offset: int, at: int, fmt: str, *values: int) -> None:
        struct.pack_into(fmt, self.buf, offset + 4 + at, *values)


def _name_bytes(name: str) -> tuple[bytes, bool]:
    try:
        return name.encode("ascii"), True
    except UnicodeEncodeError:
        return name.encode("utf-16-le"), False


def _write_key(cells: _Cells, key: MemoryKey, parent: int, rel: str, image: HiveImage,
               root: bool = False) -> int:
    name, ascii_name = _name_bytes(key.name)
    flags = (0x20 if ascii_name else 0) | (0x0C if root else 0)
    header = struct.pack("<2sHQIIIIIIIIIIIIIIIHH", b"nk", flags, 0x01D0000000000000, 0, parent, 0, 0,
                         NO_CELL, NO_CELL, 0, NO_CELL, NO_CELL, NO_CELL, 0, 0, 0, 0, 0, len(name), 0)
    nk = cells.add(header + name)
    image.key_offsets[rel] = nk
    values = list(key.values())
    if values:
        vk_offsets = []
        for val in values:
            vname, vascii = _name_bytes(val.name)
            raw = encode_data(val)
            if len(raw) <= 4:
                size, doff = len(raw) | 0x80000000, int.from_bytes(raw.ljust(4, b"\0"), "little")
            else:
                size, doff = len(raw), cells.add(raw)
            vk = cells.add(struct.pack("<2sHIIIHH", b"vk", len(vname), size, doff, val.type,
                                       1 if vascii else 0, 0) + vname)
            image.value_offsets[(rel, val.name)] = vk
            vk_offsets.append(vk)
        vlist = cells.add(struct.pack(f"<{len(vk_offsets)}I", *vk_offsets))
        cells.patch(nk, 0x24, "<II", len(values), vlist)
    subs = sorted(key.subkeys(), key=lambda k: k.name.upper())
    if subs:
        children = []
        for sub in subs:
            assert isinstance(sub, MemoryKey)
            child_rel = f"{rel}\\{sub.name}" if rel else sub.name
            children.append((_write_key(cells, sub, nk, child_rel, image), lh_hash(sub.name)))
        lh = cells.add(struct.pack("<2sH", b"lh", len(children))
                       + b"".join(struct.pack("<II", o, h) for o, h in children))
        image.list_offsets[rel] = lh
        cells.patch(nk, 0x14, "<I", len(children))
        cells.patch(nk, 0x1C, "<I", lh)
    return nk


def build_hive(root: MemoryKey, *, file_name: str = "\\SystemRoot\\System32\\Config\\SYSTEM",
               sequence: tuple[int, int] = (5, 5), timestamp: int = 0x01D5000000000000) -> HiveImage:
    image = HiveImage(bytearray())
    cells = _Cells()
    root_offset = _write_key(cells, root, 0, "", image, root=True)
    size = -(-len(cells.buf) // 0x1000) * 0x1000
    free = size - len(cells.buf)
    if free:
        cells.buf += struct.pack("<i", free) + bytes(free - 4)  # one free cell fills the bin
    struct.pack_into("<4sIIQ", cells.buf, 0, b"hbin", 0, size, timestamp)
    base = bytearray(BASE)
    struct.pack_into("<4sIIQIIIIIII", base, 0, b"regf", sequence[0], sequence[1], timestamp, 1, 5, 0, 1,
                     root_offset, size, 1)
    encoded = file_name[-31:].encode("utf-16-le")
    base[0x30:0x30 + len(encoded)] = encoded
    struct.pack_into("<I", base, 0x1FC, checksum(bytes(base)))
    image.data = base + cells.buf
    return image


def build_old_log(primary: bytes, wanted: bytes, *, log_type: int = 1) -> bytes:
    """An old-format (Vista/7) transaction log turning `primary` back into `wanted` (same size): the
    base block of `wanted`, a DIRT bitmap of the 512-byte pages that differ, then those pages."""
    assert len(primary) == len(wanted)
    head = bytearray(wanted[:512])
    seq = struct.unpack_from("<I", head, 4)[0]
    struct.pack_into("<III", head, 4, seq, seq, *struct.unpack_from("<I", primary, 12)[:1])
    head[12:20] = primary[12:20]  # the log belongs to this write of the primary (same timestamp)
    struct.pack_into("<I", head, 0x1C, log_type)
    struct.pack_into("<I", head, 0x1FC, checksum(bytes(head)))
    hbins = len(wanted) - BASE
    bits = hbins // 512
    bitmap = bytearray((bits + 7) // 8)
    pages = []
    for i in range(bits):
        lo = BASE + i * 512
        if primary[lo:lo + 512] != wanted[lo:lo + 512]:
            bitmap[i // 8] |= 1 << (i % 8)
            pages.append(wanted[lo:lo + 512])
    vector = b"DIRT" + bytes(bitmap)
    vector += bytes(-len(vector) % 512)
    return bytes(head) + vector + b"".join(pages)


def make_dirty(data: bytes) -> bytearray:
    """The same hive with primary sequence ≠ secondary (a write was under way)."""
    out = bytearray(data)
    seq = struct.unpack_from("<I", out, 4)[0]
    struct.pack_into("<I", out, 4, seq + 1)
    struct.pack_into("<I", out, 0x1FC, checksum(bytes(out[:512])))
    return out


__all__ = ["REG_BINARY", "HiveImage", "build_hive", "build_old_log", "encode_data", "make_dirty"]
